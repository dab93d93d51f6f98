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
    /* scripts/fit_story_weights.py build/wirecopy ../shared/data/stories-dev/docs.jsonl
       --rounds 2 (850 documents, 103 stories), 2026-12-07, from the hand-set start:
       B-cubed P 0.8913 R 0.8918 F1 0.8916; halves of the gold stories F1 0.8880 / 0.9412;
       97 trials */
    /* body, title, entity, number, year, time, dated, entity*body, both name years */
    .pair = {1, 0.3, 1, 0.3, 0, 0.25, 0, 0, 0},
    .pair_bias = -0.5,
    /* score, margin, ln(1 + clusters), dated */
    .decide = {1, 0.2, 0, 0},
    .decide_bias = 0,
    .merge_bias = 0.8,
    .split_bias = 0.675,
    .content_floor = 0,
    .source = "fit_story_weights.py on stories-dev, 2026-12-07: B-cubed F1 0.8916",
};
