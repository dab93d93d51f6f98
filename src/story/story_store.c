/*
 * story_store.c - stories in the store (story_store.h, wc_story_rebuild).
 *
 * Start-up reads every profile once (their document frequencies; the
 * centroids of open stories) but keeps only the open stories' centroids.
 *
 * The rebuild is two passes over the clusters: the first reads each
 * cluster's row and profile (making and storing one from the founder's
 * text where none is stored), counts its terms and keeps 40 bytes of it
 * (id, size, times, date, hash); the second places them in date order (the undated last),
 * reading each profile again by id. So a million clusters need ~40 MB
 * beside the index, not their profiles. Then the average-link pass: for
 * each story, the stories its centroid would pick as candidates are
 * scored centroid against centroid with the pair model, and a pair
 * scoring above merge_bias merges (the larger keeps its id; ties the
 * older). Everything is one transaction.
 */
#include "story_internal.h"

#include "story_store.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "store/store_writer.h"
#include "internal.h"

/* --- ingest's side ------------------------------------------------------------------- */

struct load_ctx {
    wc_story_index *idx;
    wc_story_profile pr;
    uint64_t unplaced;
    wc_error *err;
};

static wc_status load_story(void *p, const wc_story_info *row)
{
    struct load_ctx *lc = p;
    wc_story_row_info r = {row->id, row->clusters, row->size, row->first_seen, row->last_seen, 0};

    return wc_story_load_story(lc->idx, &r, lc->err);
}

static wc_status load_cluster(void *p, const wc_cluster_info *row, int64_t story_id,
                              double similarity, const void *blob, size_t len)
{
    struct load_ctx *lc = p;
    bool have = false;

    (void)similarity;
    if (blob && len) {
        wc_error e = WC_ERROR_INIT;
        /* a damaged profile costs its cluster its vote in the statistics, nothing more */
        if (wc_story_profile_unpack(blob, len, &lc->pr, &e) == WC_OK) {
            wc_story_count_df(lc->idx, &lc->pr);
            have = true;
        }
    }
    if (!story_id) {
        lc->unplaced++;
        return WC_OK;
    }
    return wc_story_load_cluster(lc->idx, row->id, story_id, row->size, have ? &lc->pr : NULL,
                                 lc->err);
}

wc_status story_store_load(wc_store *s, wc_story_index *idx, uint64_t *unplaced, wc_error *err)
{
    struct load_ctx lc = {idx, {0}, 0, err};
    wc_status st;

    wc_story_profile_init(&lc.pr);
    st = wc_store_each_story(s, load_story, &lc, err);
    if (!st)
        st = wc_store_each_story_cluster(s, load_cluster, &lc, err);
    if (!st)
        wc_story_loaded(idx);
    wc_story_profile_release(&lc.pr);
    *unplaced = lc.unplaced;
    return st;
}

struct flush_ctx {
    wc_store *s;
    wc_error *err;
};

static wc_status flush_row(void *p, const wc_story_row_info *row)
{
    struct flush_ctx *fc = p;
    wc_story_info info = {row->id, row->clusters, row->size, row->first_seen, row->last_seen};
    wc_status st;

    if (row->merged_into) {
        if ((st = wc_store_move_story(fc->s, row->id, row->merged_into, fc->err)))
            return st;
        return wc_store_drop_story(fc->s, row->id, fc->err);
    }
    if (row->clusters <= 0)
        return wc_store_drop_story(fc->s, row->id, fc->err);
    return wc_store_put_story(fc->s, &info, fc->err);
}

static wc_status flush_link(void *p, int64_t cluster_id, int64_t story_id, double similarity)
{
    struct flush_ctx *fc = p;

    return wc_store_set_cluster_story(fc->s, cluster_id, story_id, similarity, fc->err);
}

wc_status story_store_flush(wc_store *s, wc_story_index *idx, wc_error *err)
{
    struct flush_ctx fc = {s, err};
    wc_status st = wc_story_take_dirty(idx, flush_row, &fc);

    return st ? st : wc_story_take_moved(idx, flush_link, &fc);
}

/* --- the rebuild --------------------------------------------------------------------- */

struct entry {
    int64_t id, size, first, last;
    int64_t date;  /* the profile's */
    uint64_t hash; /* of the packed profile: the order among equal dates */
};

struct build_ctx {
    wc_store *s;
    const wc_story_build_opts *opts;
    wc_story_index *idx;
    wc_story_profiler *prof;
    wc_story_profile pr;
    wc_buf blob, strings;
    struct entry *v;
    size_t n, cap;
    wc_cluster_info *missing; /* clusters without a stored profile */
    size_t nmissing, missing_cap;
    wc_story_build_stats stats;
    wc_error *err;
};

static wc_status keep_entry(struct build_ctx *bc, const wc_cluster_info *row, const void *blob,
                            size_t len)
{
    struct entry *e;

    if (bc->n == bc->cap) {
        size_t cap = bc->cap ? bc->cap * 2 : 1024;
        struct entry *v = realloc(bc->v, cap * sizeof(*v));
        if (!v)
            return wc_error_set(bc->err, WC_ERR_NOMEM, "out of memory");
        bc->v = v;
        bc->cap = cap;
    }
    e = &bc->v[bc->n++];
    e->id = row->id;
    e->size = row->size;
    e->first = row->first_seen;
    e->last = row->last_seen;
    e->date = bc->pr.date;
    e->hash = XXH3_64bits(blob, len);
    wc_story_count_df(bc->idx, &bc->pr);
    return WC_OK;
}

static wc_status first_pass(void *p, const wc_cluster_info *row, int64_t story_id,
                            double similarity, const void *blob, size_t len)
{
    struct build_ctx *bc = p;
    wc_error e = WC_ERROR_INIT;

    (void)story_id;
    (void)similarity;
    if (bc->opts->stop && *bc->opts->stop)
        return wc_error_set(bc->err, WC_ERR_INTERRUPTED, "interrupted");
    if (blob && len && wc_story_profile_unpack(blob, len, &bc->pr, &e) == WC_OK)
        return keep_entry(bc, row, blob, len);
    /* none stored (or damaged): made from the text after this scan */
    if (bc->nmissing == bc->missing_cap) {
        size_t cap = bc->missing_cap ? bc->missing_cap * 2 : 256;
        wc_cluster_info *v = realloc(bc->missing, cap * sizeof(*v));
        if (!v)
            return wc_error_set(bc->err, WC_ERR_NOMEM, "out of memory");
        bc->missing = v;
        bc->missing_cap = cap;
    }
    bc->missing[bc->nmissing++] = *row;
    return WC_OK;
}

/* Profile a cluster from its founder's stored text, store the profile, keep its entry. */
static wc_status profile_missing(struct build_ctx *bc, const wc_cluster_info *row)
{
    int64_t cluster_id = row->id;
    wc_story_source src;
    wc_story_input in;
    wc_status st;

    if ((st = wc_store_story_source(bc->s, cluster_id, &src, &bc->strings, bc->err)))
        return st;
    in.title = src.title;
    in.title_len = src.title ? strlen(src.title) : 0;
    in.text = src.text;
    in.text_len = src.text_len;
    in.lang = src.lang;
    in.published_at = src.published_at;
    if ((st = wc_story_profile_make(bc->prof, &in, &bc->pr, bc->err)))
        return st;
    wc_buf_reset(&bc->blob);
    if ((st = wc_story_profile_pack(&bc->pr, &bc->blob)))
        return wc_error_set(bc->err, st, "cannot pack the profile of cluster %lld",
                            (long long)cluster_id);
    if ((st = wc_store_put_story_profile(bc->s, src.doc_id, bc->blob.buf, bc->blob.len, bc->err)))
        return st;
    bc->stats.profiled++;
    return keep_entry(bc, row, bc->blob.buf, bc->blob.len);
}

static int cmp_entry(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    bool xu = x->date == INT64_MIN, yu = y->date == INT64_MIN;

    /* the dated first, as ingest places a transaction's clusters (ingest_story.c) */
    if (xu != yu)
        return xu ? 1 : -1;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static wc_status place_all(struct build_ctx *bc)
{
    wc_error e = WC_ERROR_INIT;
    wc_status st;

    for (size_t i = 0; i < bc->n; i++) {
        const struct entry *en = &bc->v[i];
        wc_story_placed pl;
        if (bc->opts->stop && *bc->opts->stop)
            return wc_error_set(bc->err, WC_ERR_INTERRUPTED, "interrupted");
        if ((st = wc_store_story_profile_get(bc->s, en->id, &bc->blob, bc->err)))
            return st;
        if (wc_story_profile_unpack(bc->blob.buf, bc->blob.len, &bc->pr, &e))
            return wc_error_set(bc->err, WC_ERR_CORRUPT, "the profile of cluster %lld: %s",
                                (long long)en->id, e.msg);
        if ((st = wc_story_place(bc->idx, en->id, &bc->pr, en->size, en->first, en->last, &pl,
                                 bc->err)) ||
            (st = wc_store_set_cluster_story(bc->s, en->id, pl.story_id, pl.similarity, bc->err)))
            return st;
        bc->stats.clusters++;
        if (bc->opts->on_progress && (i % 1024 == 1023 || i + 1 == bc->n))
            bc->opts->on_progress(bc->opts->progress_ctx, i + 1, bc->n);
    }
    return WC_OK;
}

wc_status wc_story_rebuild(wc_store *s, const wc_story_build_opts *opts, wc_story_build_stats *out,
                           wc_error *err)
{
    static const wc_story_build_opts none;
    struct build_ctx bc;
    wc_story_index_opts io;
    wc_story_index_stats is;
    wc_status st;

    memset(&bc, 0, sizeof(bc));
    bc.s = s;
    bc.opts = opts ? opts : &none;
    bc.err = err;
    wc_story_profile_init(&bc.pr);
    wc_buf_init(&bc.blob, (size_t)64 << 20);
    wc_buf_init(&bc.strings, WC_STORE_ROW_TEXT_MAX * 4 + ((size_t)16 << 20));
    memset(&io, 0, sizeof(io));
    io.window = bc.opts->window;
    io.weights = bc.opts->weights;
    io.on_trace = bc.opts->on_trace;
    io.trace_ctx = bc.opts->trace_ctx;
    if ((st = wc_story_index_new(&io, &bc.idx, err)) ||
        (st = wc_story_profiler_new(NULL, &bc.prof, err)))
        goto out;
    if ((st = wc_store_begin(s, err)))
        goto out;
    if ((st = wc_store_clear_stories(s, err)) ||
        (st = wc_store_each_story_cluster(s, first_pass, &bc, err)))
        goto rollback;
    for (size_t i = 0; i < bc.nmissing; i++) {
        if (bc.opts->stop && *bc.opts->stop) {
            st = wc_error_set(err, WC_ERR_INTERRUPTED, "interrupted");
            goto rollback;
        }
        if ((st = profile_missing(&bc, &bc.missing[i])))
            goto rollback;
    }
    wc_story_freeze_df(bc.idx);
    wc_qsort(bc.v, bc.n, sizeof(*bc.v), cmp_entry);
    if ((st = place_all(&bc)))
        goto rollback;
    if (!bc.opts->no_repair) {
        uint64_t merged = 0;
        if ((st = wc_story_repair(bc.idx, &merged, err)))
            goto rollback;
        bc.stats.merged += merged;
    }
    if ((st = story_store_flush(s, bc.idx, err)) || (st = wc_store_commit(s, err)))
        goto rollback;
    wc_story_index_get_stats(bc.idx, &is);
    bc.stats.stories = is.stories;
    bc.stats.multi = is.multi;
    goto out;
rollback:
    wc_store_rollback(s);
out:
    if (out)
        *out = bc.stats;
    wc_story_index_free(bc.idx);
    wc_story_profiler_free(bc.prof);
    wc_story_profile_release(&bc.pr);
    wc_buf_release(&bc.blob);
    wc_buf_release(&bc.strings);
    free(bc.v);
    free(bc.missing);
    return st;
}
