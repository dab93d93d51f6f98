/*
 * story.h - the story index: which copy clusters are write-ups of one
 * event (the second level of sameness; ARCHITECTURE.md, "Two levels").
 *
 * A copy cluster is one voice: a wire story reprinted by 50 outlets is
 * one cluster and counts once. Each cluster brings one profile (its
 * founding document's, story_profile.h) and belongs to exactly one story;
 * a story is the set of clusters placed in it, and its id is the id of
 * the first of them.
 *
 * Placing a cluster (online, in input order, deterministic):
 *   1. candidates: the stories that share one of its index terms (its
 *      entities, title words, rarest body words and numbers) in an
 *      inverted index, open in the time window, most shared first, at
 *      most WC_STORY_MAX_CANDIDATES of them;
 *   2. a score per candidate: a weighted sum of the per-kind cosines of
 *      the cluster's TF-IDF vectors against the story's centroid (never
 *      single link, so stories do not chain), plus a time term that
 *      fades with the gap between the cluster's date and the story's
 *      latest days (its last 3 days of dates: exp(-gap / 3 days); no
 *      term when either is undated);
 *   3. its own decision: join the best story or open a new one, by a
 *      logistic model of the best score, its margin over the second and
 *      the story's size. Both models' weights are fitted offline
 *      (scripts/fit_story_weights.py) and compiled in (story_weights.c).
 *
 * Document frequencies count clusters (not documents) in a fixed-size
 * count-min sketch. A cluster can join a story when its date is within
 * the window (story_window, 7 days by default) of the story's dates; a
 * story keeps its centroid until its last date is two windows behind the
 * latest date seen, and undated stories while they are among the
 * WC_STORY_MAX_UNDATED most recently touched. A closed story keeps its
 * row (counts and dates: members that arrive later still count), not its
 * centroid: memory is bounded by the window.
 *
 * Not thread-safe: one thread (the ingest writer) owns an index.
 */
#ifndef WIRECOPY_STORY_H
#define WIRECOPY_STORY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/error.h"
#include "wirecopy/story_profile.h"

#define WC_STORY_DEFAULT_WINDOW ((int64_t)7 * 86400)
#define WC_STORY_MAX_CANDIDATES 8 /* stories scored per cluster */
#define WC_STORY_MAX_UNDATED 4096 /* undated stories kept open */

/* The features of one (cluster, story) pair, and of one decision. */
enum wc_story_feature {
    WC_SF_BODY = 0, /* cosines, one per kind (enum wc_story_kind order) */
    WC_SF_TITLE,
    WC_SF_ENTITY, /* without the heaviest shared name: one name in common is not a story */
    WC_SF_NUMBER,
    WC_SF_YEAR,
    WC_SF_TIME,    /* exp(-gap / 3 days), 0 when undated */
    WC_SF_DATED,   /* 1 when both sides are dated */
    WC_SF_ENTBODY, /* entity cosine * body cosine: agreement of the two strongest */
    WC_SF_YEARS,   /* 1 when both sides name years: then years that differ tell against */
    WC_SF_COUNT
};

enum wc_story_decision_feature {
    WC_SD_SCORE = 0, /* the best candidate's score (logit) */
    WC_SD_MARGIN,    /* best minus second best (the best alone: its score) */
    WC_SD_LOGSIZE,   /* ln(1 + the best story's clusters) */
    WC_SD_DATED,     /* the pair is dated */
    WC_SD_COUNT
};

/* The fitted numbers (story_weights.c holds the defaults, with their provenance). */
typedef struct wc_story_weights {
    double pair[WC_SF_COUNT]; /* score = pair_bias + sum pair[i] * feature[i] */
    double pair_bias;
    double decide[WC_SD_COUNT]; /* join when decide_bias + sum decide[i] * x[i] > 0 */
    double decide_bias;
    double merge_bias; /* repair merges two stories whose centroids score above it */
    double split_bias; /* a story splits in its 2-means halves when each half has names of
                          its own scoring above this */
    /* a join, and a repair's merge, also needs the score without its time terms (the
       content's evidence alone) above this: closeness in time joins nothing by itself */
    double content_floor;
    const char *source; /* provenance: data, script, date */
} wc_story_weights;

extern const wc_story_weights wc_story_fitted;

typedef struct wc_story_index wc_story_index;

/* One candidate as scored (for the trace). */
typedef struct wc_story_candidate {
    int64_t story_id;
    double f[WC_SF_COUNT];
    double score;
} wc_story_candidate;

/* One placement, as decided (for a trace: fitting, diagnostics). Borrowed for the call. */
typedef struct wc_story_trace {
    int64_t cluster_id;
    int64_t date; /* the cluster's date, INT64_MIN when undated */
    const wc_story_candidate *cand;
    size_t ncand; /* scored candidates, best first */
    double x[WC_SD_COUNT];
    bool joined;      /* the best was joined (else a new story was opened) */
    int64_t story_id; /* where it went */
} wc_story_trace;

typedef struct wc_story_index_opts {
    int64_t window;                                       /* seconds; 0 = WC_STORY_DEFAULT_WINDOW */
    const wc_story_weights *weights;                      /* NULL = wc_story_fitted */
    void (*on_trace)(void *ctx, const wc_story_trace *t); /* NULL = none */
    void *trace_ctx;
} wc_story_index_opts;

/* A story's row as the index has it. */
typedef struct wc_story_row_info {
    int64_t id;
    int64_t clusters, size;        /* copy clusters, documents */
    int64_t first_seen, last_seen; /* INT64_MIN when no member is dated */
    int64_t merged_into;           /* gone: merged into this story (its clusters move there) */
} wc_story_row_info;

/* Where a placed cluster went. */
typedef struct wc_story_placed {
    int64_t story_id;
    double similarity; /* its score against the story, in [0, 1]; 1 when it opened it */
    bool opened;       /* a new story */
    size_t candidates; /* stories scored */
} wc_story_placed;

wc_status wc_story_index_new(const wc_story_index_opts *opts, wc_story_index **out, wc_error *err);
void wc_story_index_free(wc_story_index *idx);

/*
 * Place a new copy cluster (not yet known) of `size` documents seen at
 * [first, last] (its row's times: published, else fetched; INT64_MIN when
 * unknown) with its founder's profile, whose date (published or dateline)
 * is the one the window and the time term read.
 * WC_ERR_NOMEM; WC_ERR_USAGE when the cluster is already placed.
 */
wc_status wc_story_place(wc_story_index *idx, int64_t cluster_id, const wc_story_profile *pr,
                         int64_t size, int64_t first, int64_t last, wc_story_placed *out,
                         wc_error *err);

/*
 * A document seen at `seen` and published at `published` (either
 * INT64_MIN when unknown) joined a placed cluster. WC_ERR_NOTFOUND.
 */
wc_status wc_story_grow(wc_story_index *idx, int64_t cluster_id, int64_t seen, int64_t published,
                        wc_error *err);

/*
 * Copy cluster `from` was absorbed into `into` (both placed): from's
 * documents count in into's story. Copies of one text are one story, so
 * when from was in another story, that story merges into into's
 * (wc_story_take_dirty reports it with clusters 0 and merged_into set).
 */
wc_status wc_story_merge_clusters(wc_story_index *idx, int64_t from, int64_t into, wc_error *err);

/*
 * Start-up: a stored story and cluster, with the founder's profile when the
 * story is still open (pr may be NULL for one that is closed). Load every
 * story row first (wc_story_load_story), then every cluster in id order.
 */
wc_status wc_story_load_story(wc_story_index *idx, const wc_story_row_info *row, wc_error *err);
wc_status wc_story_load_cluster(wc_story_index *idx, int64_t cluster_id, int64_t story_id,
                                int64_t size, const wc_story_profile *pr, wc_error *err);
/* The loading is done: what was stored was repaired when stored, so the next repair
   (wc_story_repair) queries only the stories that change from here on. */
void wc_story_loaded(wc_story_index *idx);
/* Count a profile's terms in the document frequencies (start-up, before placing). */
void wc_story_count_df(wc_story_index *idx, const wc_story_profile *pr);
/* Every cluster was counted in advance (a rebuild): placing counts no more. */
void wc_story_freeze_df(wc_story_index *idx);

/*
 * Repair: each open story scored centroid to centroid (the average link
 * of its members' vectors) against its candidates with the pair model;
 * the best above merge_bias merges (into the one with more clusters, on
 * a tie the older), until nothing merges. *merged counts merges.
 */
wc_status wc_story_repair(wc_story_index *idx, uint64_t *merged, wc_error *err);

/* The latest date seen; whether a story dated [first, last] is still open. */
bool wc_story_is_open(const wc_story_index *idx, int64_t first, int64_t last);

/*
 * Call fn with every story row changed since the last call (in the order
 * the stories were made), then forget them. A row with clusters 0 is a story that is gone.
 */
typedef wc_status (*wc_story_row_fn)(void *ctx, const wc_story_row_info *row);
wc_status wc_story_take_dirty(wc_story_index *idx, wc_story_row_fn fn, void *ctx);

/*
 * Call fn with every cluster that moved to another story (a split) since
 * the last call, then forget them. Call after wc_story_take_dirty.
 */
typedef wc_status (*wc_story_link_fn)(void *ctx, int64_t cluster_id, int64_t story_id,
                                      double similarity);
wc_status wc_story_take_moved(wc_story_index *idx, wc_story_link_fn fn, void *ctx);

/* The story of a placed cluster (0 when unknown). */
int64_t wc_story_of(const wc_story_index *idx, int64_t cluster_id);

typedef struct wc_story_index_stats {
    uint64_t stories;    /* with at least one cluster */
    uint64_t multi;      /* of those: with two or more */
    uint64_t open;       /* keeping a centroid */
    uint64_t clusters;   /* placed */
    uint64_t candidates; /* scored, summed over placements */
    uint64_t repaired;   /* stories merged by repairs during placing (a rebuild) */
    uint64_t splits;     /* stories split in two */
    uint64_t bytes;      /* memory held */
} wc_story_index_stats;
void wc_story_index_get_stats(const wc_story_index *idx, wc_story_index_stats *out);

/* --- stories in a store ------------------------------------------------------ */

struct wc_store;

typedef struct wc_story_build_opts {
    int64_t window;                    /* as wc_story_index_opts */
    const wc_story_weights *weights;   /* NULL = wc_story_fitted */
    bool no_repair;                    /* skip the average-link pass */
    const volatile sig_atomic_t *stop; /* non-zero: roll back and return WC_ERR_INTERRUPTED */
    /* Called now and then with clusters done and in all (may be NULL). */
    void (*on_progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
    void (*on_trace)(void *ctx, const wc_story_trace *t);
    void *trace_ctx;
} wc_story_build_opts;

typedef struct wc_story_build_stats {
    uint64_t clusters; /* copy clusters placed */
    uint64_t profiled; /* of those: profiled from stored text (no profile was stored) */
    uint64_t stories;  /* stories after */
    uint64_t multi;    /* of those: with two or more copy clusters */
    uint64_t merged;   /* stories the average-link pass merged into others */
} wc_story_build_stats;

/*
 * Build every story of a store again from the stored profiles (made from
 * the founders' stored text where none is stored: a database from before
 * stories), in one transaction (`recluster --stories`; an ingest into an
 * older database runs it once). The clusters are placed in order of their
 * dates (undated first), ties by the profile's hash, not in arrival
 * order, with the document frequencies of all of them counted first; then
 * an average-link pass over each window's stories merges those that
 * arrival order split. The result does not depend on the order the
 * documents came in (within what the copy clusters themselves do).
 * A store opened as writer; out may be NULL.
 */
wc_status wc_story_rebuild(struct wc_store *s, const wc_story_build_opts *opts,
                           wc_story_build_stats *out, wc_error *err);

#endif
