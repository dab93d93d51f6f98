/*
 * story_weights.c - the story index's fitted numbers (story.h).
 *
 * Made by scripts/fit_story_weights.py from a trace of `wirecopy ingest
 * --story-trace` over a labelled set; the numbers and where they came from
 * are written here by hand from its output. Never fitted at run time.
 */
#include "story_internal.h"

#include "wirecopy/story.h"

const wc_story_weights wc_story_fitted = {
    /* body, title, entity, number, year, time, dated, entity*body */
    .pair = {4.0, 1.5, 3.0, 1.0, 0.3, 1.5, -0.5, 2.0},
    .pair_bias = -3.5,
    /* score, margin, ln(1 + clusters), dated */
    .decide = {1.0, 0.3, 0.0, 0.0},
    .decide_bias = 0.0,
    .merge_bias = 0.0,
    .split_bias = -1e9,
    .source = "hand-set starting values (not fitted yet)",
};
