/*
 * story_index_internal.h - what the story index's files share:
 * story_index.c (the index, placing, the API), story_query.c (a
 * placement's query: weights, keys, candidates, features) and
 * story_split.c (repair: merging stories that arrival order split,
 * splitting stories that hold two events). Only those include it, after
 * story_internal.h, and the unit tests that count placements to a sweep
 * (SX_SWEEP).
 */
#ifndef WC_STORY_INDEX_INTERNAL_H
#define WC_STORY_INDEX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/story.h"

#define SX_NONE UINT32_MAX
/* Count-min sketch of document (cluster) frequencies: rows x 2^bits counters (two rows do as
   well as four on the generated sets; each row is a cache miss per lookup). */
#define SX_CM_ROWS 2
#define SX_CM_BITS 19
/* Index terms of one cluster, per kind (the highest tf-idf first). */
#define SX_KEYS_ENTITY 24
#define SX_KEYS_TITLE 12
#define SX_KEYS_BODY 12
#define SX_KEYS_NUMBER 6
#define SX_MAX_KEYS (SX_KEYS_ENTITY + SX_KEYS_TITLE + SX_KEYS_BODY + SX_KEYS_NUMBER)
/* Posting entries read per key, the newest first: an older story sharing only a common term
   is not a candidate worth scoring. */
#define SX_POSTING_SCAN 256
/* A key in more than this share of clusters (and at least SX_COMMON_MIN) is no key. */
#define SX_COMMON_SHARE 0.05
#define SX_COMMON_MIN 50
/* Placements between sweeps of closed stories. */
#define SX_SWEEP 1024
/* A centroid keeps at most this many times a profile's terms per kind. */
#define SX_CENTROID_FACTOR 2
/* The time term's scale: a gap of this many seconds weighs 1/e. */
#define SX_TIME_SCALE (3.0 * 86400.0)
/* No join or repair merge makes a story span more than this many windows of dates: joins
   within the window of a story's last date, and the repairs at every sweep, would otherwise
   chain one kind's events story by story (at 1M generated documents, 618 events of the most
   common kind over 350 days). An event reported for longer becomes several stories. */
#define SX_MAX_SPAN 2

struct sx_vec {
    uint64_t *t;
    float *w;
    uint32_t n, cap;
    /* the squared weight of the terms cut to keep the heaviest: the norm counts them, so a
       story of many events, whose centroid keeps only what they share, is not close to
       everything that shares it */
    double cut2;
};

struct sx_story {
    int64_t id;
    int64_t clusters, size;
    int64_t first, last;           /* publication dates (profiles): the window's */
    int64_t seen_first, seen_last; /* members' times (published, else fetched): the row's */
    int64_t merged_into;
    uint32_t fwd; /* merged into this story (index), or SX_NONE */
    bool open, dirty, ever_dirty;
    uint64_t touched; /* placements clock at the last change */
    uint64_t mark;    /* candidate collection: the placement that counted it */
    uint32_t key;     /* ... and the last of its keys that did */
    uint32_t hits;
    struct sx_vec cen[WC_STORY_KINDS];
    double norm[WC_STORY_KINDS];
    uint64_t norm_n; /* clusters counted when the norms were made (0: to be made) */
    uint32_t *mem;   /* open: its clusters with vectors (cluster slots), for splitting */
    uint32_t nmem, mem_cap;
    uint32_t next_split; /* members at which splitting is tried next */
};

struct sx_cluster {
    int64_t id;
    int64_t size;
    int64_t date; /* its profile's (the window's), INT64_MIN undated */
    int64_t seen_first, seen_last;
    uint32_t story;
    bool dead;          /* absorbed into another cluster */
    struct sx_vec *vec; /* WC_STORY_KINDS unit tf-idf vectors while its story is open */
};

/* A cluster that moved to another story (a split), for the store's link. */
struct sx_moved {
    int64_t cluster_id, story_id;
    double similarity;
};

/* An open-addressing map from a 64-bit key (never 0) to a 32-bit value. */
struct sx_map {
    uint64_t *key;
    uint32_t *val;
    size_t n, mask; /* mask + 1 slots, or 0 when empty */
};

struct sx_posting {
    uint32_t *v;
    uint32_t n, cap, live; /* live: n after the last compaction */
};

struct wc_story_index {
    wc_story_index_opts opts;
    wc_story_weights w;
    int64_t window;
    int64_t now; /* the latest date placed */

    struct sx_story *story;
    size_t nstory, story_cap;
    struct sx_map story_by_id;
    struct sx_cluster *cl;
    size_t ncl, cl_cap;
    struct sx_map cl_by_id;
    struct sx_posting *post;
    size_t npost, post_cap;
    struct sx_map post_by_term;

    uint32_t *cm;   /* SX_CM_ROWS << SX_CM_BITS */
    uint64_t ndocs; /* clusters counted in the sketch */
    bool df_frozen; /* counted in advance (a rebuild): placing counts nothing */
    uint64_t repaired;

    uint32_t *dirty;
    size_t ndirty, dirty_cap;
    uint64_t clock, since_sweep;
    size_t open_undated;

    /* scratch of one placement */
    float *qw[WC_STORY_KINDS];     /* the query's weights times idf */
    uint32_t *qdf[WC_STORY_KINDS]; /* its terms' document frequencies */
    size_t q_cap[WC_STORY_KINDS];
    /* open addressing over its terms (index + 1, 0 empty; 2^qbits slots, a quarter used at
       most): a centroid is scanned in order against it */
    uint32_t *qh[WC_STORY_KINDS];
    uint8_t qbits[WC_STORY_KINDS];
    uint32_t *cand;
    size_t cand_cap;
    wc_story_candidate *scored;
    size_t scored_cap;
    uint64_t *tmp_t;
    float *tmp_w;
    size_t tmp_cap;

    uint64_t candidates; /* scored, summed */
    size_t bytes;
    struct sx_moved *moved;
    size_t nmoved, moved_cap;
    uint64_t splits;
    uint64_t repair_clock; /* clock at the last repair: older stories are not queried again */
};

struct key {
    uint64_t term;
    float w;
};

struct cand_order {
    uint32_t s;
    uint32_t hits;
    int64_t id;
};

/* Start loading what p points to (NULL: nothing), for a read soon after. */
static inline void sx_prefetch(const void *p)
{
#if defined(__GNUC__)
    if (p)
        __builtin_prefetch(p);
#else
    (void)p;
#endif
}

/* Would dates [a_first, a_last] and [b_first, b_last] together span at most SX_MAX_SPAN
   windows? (both dated) */
static inline bool sx_span_ok(const wc_story_index *idx, int64_t a_first, int64_t a_last,
                              int64_t b_first, int64_t b_last)
{
    int64_t lo = a_first < b_first ? a_first : b_first, hi = a_last > b_last ? a_last : b_last;

    return hi - lo <= SX_MAX_SPAN * idx->window;
}

/* --- story_index.c ------------------------------------------------------------------- */

/* Grow *p (of *cap elements of size bytes) to hold need; adds to *bytes (may be NULL). */
bool sx_grow(void **p, size_t *cap, size_t need, size_t size, size_t *bytes);
static inline uint64_t sx_map_key(int64_t k)
{
    return (uint64_t)k ^ 0x8000000000000000ull; /* never 0 for ids > 0 */
}
uint32_t sx_map_get(const struct sx_map *m, uint64_t key);
bool sx_map_put(struct sx_map *m, uint64_t key, uint32_t val, size_t *bytes);
/* The story s merged into, at the end of its forwarding chain (compressed on the way). */
uint32_t sx_find(wc_story_index *idx, uint32_t s);
void sx_mark_dirty(wc_story_index *idx, uint32_t s);
void sx_close_story(wc_story_index *idx, struct sx_story *st);
wc_status sx_new_story(wc_story_index *idx, int64_t id, uint32_t *out, wc_error *err);
void sx_widen(int64_t *lo, int64_t *hi, int64_t first, int64_t last);
void sx_widen_dates(struct sx_story *st, int64_t first, int64_t last);
wc_status sx_centroid_add(wc_story_index *idx, struct sx_vec *c, const wc_story_vec *v,
                          uint32_t cap, bool normalize);
uint32_t sx_df_of(wc_story_index *idx, uint64_t term);
/* Start loading the sketch's counters of a term that sx_df_of reads soon: each row is a cache
   miss, and a profile's hundreds of terms are looked up one after another. */
void sx_df_prefetch(wc_story_index *idx, uint64_t term);
/* Terms whose counters load ahead of the one read. */
#define SX_DF_AHEAD 8
double sx_idf(const wc_story_index *idx, uint32_t df);
void sx_merge_stories(wc_story_index *idx, uint32_t a, uint32_t b);
wc_status sx_post_keys(wc_story_index *idx, const struct key *keys, size_t n, uint32_t s);
wc_status sx_add_cluster(wc_story_index *idx, int64_t id, int64_t size, uint32_t s, wc_error *err);
/* Free a cluster's vectors. */
void sx_drop_vectors(wc_story_index *idx, struct sx_cluster *c);

/* --- story_query.c -------------------------------------------------------------------- */

wc_status sx_prepare_query(wc_story_index *idx, const wc_story_profile *pr, double *qnorm,
                           bool weighted);
size_t sx_query_keys(wc_story_index *idx, const wc_story_profile *pr, struct key *keys);
wc_status sx_collect(wc_story_index *idx, const struct key *keys, size_t nkeys, int64_t t,
                     struct cand_order **out, size_t *nout);
void sx_features(wc_story_index *idx, const wc_story_profile *pr, const double *qnorm,
                 struct sx_story *st, int64_t t, double *f);

/* --- story_split.c -------------------------------------------------------------------- */

double sx_pair_score(const wc_story_weights *w, const double *f);
/* The pair score without its time terms. */
double sx_content_score(const wc_story_weights *w, const double *f);
double sx_sigmoid(double x);

/* Story s just grew: split it when it holds two events (tried at growing sizes). */
wc_status sx_maybe_split(wc_story_index *idx, uint32_t s);

#endif
