/*
 * test_cluster.c - the cluster index API: exact and near matches, new
 * clusters, errors that leave the index as it was, bulk load (with the
 * cluster rows it needs), merges with absorbed ids, each cluster's
 * original and its members' similarities to it, recluster = fresh
 * ingest, lookups and memory; and band
 * tables built by several threads (after a bulk load, and when they grow)
 * deciding exactly as tables built by one.
 */
#define _GNU_SOURCE /* sched_setaffinity, CPU_COUNT */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/cluster.h"
#include "wirecopy/fingerprint.h"

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Paragraph number `id` of a story: 35 seeded pseudo-words. */
static void paragraph(wc_buf *b, uint64_t id)
{
    uint64_t s = id * 7919 + 1;
    int i;

    for (i = 0; i < 35; i++)
        assert_int_equal(wc_buf_addf(b, "w%llu%s", (unsigned long long)(rng_next(&s) % 60000),
                                     i + 1 < 35 ? " " : "."),
                         WC_OK);
    assert_int_equal(wc_buf_addstr(b, "\n\n"), WC_OK);
}

/* Fingerprint of a text made of paragraphs ids[0..n). */
static void story(wc_fp_worker *w, const uint64_t *ids, size_t n, wc_fprint *fp)
{
    wc_buf b = WC_BUF_INIT;
    wc_error err = WC_ERROR_INIT;
    size_t i;

    for (i = 0; i < n; i++)
        paragraph(&b, ids[i]);
    assert_int_equal(wc_fp_compute(w, b.buf, b.len, fp, &err), WC_OK);
    wc_buf_release(&b);
}

/* Paragraphs first..first+n-1. */
static void range(wc_fp_worker *w, uint64_t first, size_t n, wc_fprint *fp)
{
    uint64_t ids[64];
    size_t i;

    assert_true(n <= 64);
    for (i = 0; i < n; i++)
        ids[i] = first + i;
    story(w, ids, n, fp);
}

struct fixture {
    wc_fp_params p;
    wc_fp_worker *w;
    wc_cluster_index *idx;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    f->p = wc_fp_params_default();
    f->w = wc_fp_worker_new(&f->p);
    f->idx = wc_cluster_index_new(&f->p);
    assert_non_null(f->w);
    assert_non_null(f->idx);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    wc_fp_worker_free(f->w);
    wc_cluster_index_free(f->idx);
    free(f);
    return 0;
}

static int64_t cluster_of(wc_cluster_index *idx, int64_t doc)
{
    int64_t c = -1;
    assert_int_equal(wc_cluster_index_cluster_of(idx, doc, &c), WC_OK);
    return c;
}

static void test_new_exact_near(void **state)
{
    struct fixture *f = *state;
    wc_fprint a, b;
    wc_match m;
    wc_error err = WC_ERROR_INIT;
    uint64_t ids[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    story(f->w, ids, 10, &a);
    assert_int_equal(wc_cluster_assign(f->idx, 5, &a, INT64_MIN, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_NEW);
    assert_int_equal(m.cluster_id, 5);
    assert_int_equal(m.best_doc, 0);
    assert_int_equal(m.nabsorbed, 0);

    /* the same text again: exact */
    assert_int_equal(wc_cluster_assign(f->idx, 6, &a, INT64_MIN, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_EXACT);
    assert_int_equal(m.cluster_id, 5);
    assert_int_equal(m.best_doc, 5);
    assert_true(m.similarity == 1.0);

    /* one paragraph replaced: near */
    ids[6] = 99;
    story(f->w, ids, 10, &b);
    assert_int_equal(wc_cluster_assign(f->idx, 9, &b, INT64_MIN, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_NEAR);
    assert_int_equal(m.cluster_id, 5);
    assert_true(m.best_doc == 5 || m.best_doc == 6);
    assert_true(m.jaccard > 0.6 && m.jaccard < 0.95);
    assert_true(m.similarity >= m.jaccard);

    /* another story: new */
    range(f->w, 500, 8, &b);
    assert_int_equal(wc_cluster_assign(f->idx, 12, &b, INT64_MIN, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_NEW);
    assert_int_equal(m.cluster_id, 12);

    assert_int_equal(wc_cluster_index_count(f->idx), 4);
    assert_int_equal(cluster_of(f->idx, 9), 5);
    assert_int_equal(cluster_of(f->idx, 12), 12);
    {
        int64_t c;
        assert_int_equal(wc_cluster_index_cluster_of(f->idx, 77, &c), WC_ERR_NOTFOUND);
    }
}

static void test_errors_leave_index_unchanged(void **state)
{
    struct fixture *f = *state;
    wc_fp_params other = f->p;
    wc_fp_worker *w2;
    wc_fprint a, b;
    wc_match m;
    wc_error err = WC_ERROR_INIT;

    range(f->w, 1, 6, &a);
    assert_int_equal(wc_cluster_assign(f->idx, 1, &a, INT64_MIN, &m, &err), WC_OK);
    /* the same id twice */
    assert_int_equal(wc_cluster_assign(f->idx, 1, &a, INT64_MIN, &m, &err), WC_ERR_USAGE);
    assert_int_equal(wc_cluster_index_load(f->idx, 1, 1, &a, &err), WC_ERR_USAGE);
    /* not a rowid */
    assert_int_equal(wc_cluster_assign(f->idx, 0, &a, INT64_MIN, &m, &err), WC_ERR_USAGE);
    assert_int_equal(wc_cluster_assign(f->idx, -4, &a, INT64_MIN, &m, &err), WC_ERR_USAGE);
    /* a fingerprint made under other parameters */
    other.shingle = 4;
    w2 = wc_fp_worker_new(&other);
    range(w2, 1, 6, &b);
    assert_int_equal(wc_cluster_assign(f->idx, 2, &b, INT64_MIN, &m, &err), WC_ERR_USAGE);
    assert_true(strstr(err.msg, "other parameters") != NULL);
    wc_fp_worker_free(w2);
    assert_int_equal(wc_cluster_index_count(f->idx), 1);
    /* the index still works */
    assert_int_equal(wc_cluster_assign(f->idx, 2, &a, INT64_MIN, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_EXACT);
    assert_null(wc_cluster_index_new(&(wc_fp_params){0}));
    wc_cluster_index_free(NULL);
}

/*
 * Two copies that do not match each other found two clusters; the full
 * original matches both and merges them; the larger id is absorbed.
 */
static void test_merge_reports_absorbed(void **state)
{
    struct fixture *f = *state;
    wc_fprint o, head, tail;
    wc_match m;
    wc_error err = WC_ERROR_INIT;

    range(f->w, 1, 3, &head); /* the first three paragraphs: a cut copy */
    range(f->w, 4, 9, &tail); /* the rest, without the lead */
    range(f->w, 1, 12, &o);   /* the whole story */
    assert_int_equal(wc_cluster_assign(f->idx, 10, &head, INT64_MIN, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_NEW);
    assert_int_equal(wc_cluster_assign(f->idx, 11, &tail, INT64_MIN, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_NEW);
    assert_int_equal(wc_cluster_assign(f->idx, 12, &o, INT64_MIN, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_NEAR);
    assert_int_equal(m.cluster_id, 10);
    assert_int_equal(m.nabsorbed, 1);
    assert_int_equal(m.absorbed[0], 11);
    assert_int_equal(cluster_of(f->idx, 10), 10);
    assert_int_equal(cluster_of(f->idx, 11), 10);
    assert_int_equal(cluster_of(f->idx, 12), 10);
}

/* Build a corpus of stories with copies; return fingerprints in order. */
static size_t corpus(wc_fp_worker *w, wc_fprint *fps, size_t max)
{
    uint64_t s = 5;
    size_t n = 0, story_no;

    for (story_no = 0; story_no < 40 && n + 6 <= max; story_no++) {
        uint64_t base = 1000 * (story_no + 1);
        size_t copies = 1 + rng_next(&s) % 5, c;
        range(w, base, 10, &fps[n++]);
        for (c = 0; c < copies; c++) {
            uint64_t ids[10];
            size_t i, len = 10;
            for (i = 0; i < 10; i++)
                ids[i] = base + i;
            if (c % 2 == 0)
                ids[1 + rng_next(&s) % 9] = base + 500 + c; /* one paragraph changed */
            if (c % 3 == 1)
                len = 4; /* cut after four paragraphs */
            story(w, ids, len, &fps[n++]);
        }
    }
    return n;
}

static void test_recluster_equals_fresh_ingest(void **state)
{
    struct fixture *f = *state;
    static wc_fprint fps[300];
    int64_t first[300];
    size_t n = corpus(f->w, fps, 300), i;
    wc_cluster_index *again = wc_cluster_index_new(&f->p);
    wc_match m;
    wc_error err = WC_ERROR_INIT;

    for (i = 0; i < n; i++)
        assert_int_equal(wc_cluster_assign(f->idx, (int64_t)i + 1, &fps[i], INT64_MIN, &m, &err),
                         WC_OK);
    for (i = 0; i < n; i++)
        first[i] = cluster_of(f->idx, (int64_t)i + 1);
    /* recluster: a new index, the same documents in the same order */
    for (i = 0; i < n; i++)
        assert_int_equal(wc_cluster_assign(again, (int64_t)i + 1, &fps[i], INT64_MIN, &m, &err),
                         WC_OK);
    for (i = 0; i < n; i++)
        assert_int_equal(cluster_of(again, (int64_t)i + 1), first[i]);
    /* and the stories came out as made: 40 clusters */
    {
        size_t clusters = 0;
        for (i = 0; i < n; i++)
            clusters += first[i] == (int64_t)i + 1;
        assert_int_equal(clusters, 40);
    }
    wc_cluster_index_free(again);
}

/* A time for document i of a test corpus: a quarter undated, the rest on few values, out of order.
 */
static int64_t doc_time(size_t i)
{
    return i % 4 == 0 ? INT64_MIN : 1700000000 + (int64_t)(i * 7919 % 23) * 3600;
}

/* Every member of a cluster with its similarity to the original, summed up in one figure. */
struct members_digest {
    size_t n;
    uint64_t h;
};

static wc_status digest_member(void *ctx, int64_t doc_id, double similarity)
{
    struct members_digest *d = ctx;
    uint64_t v;

    memcpy(&v, &similarity, sizeof(v));
    d->h += ((uint64_t)doc_id * 0x9e3779b97f4a7c15ULL) ^ v; /* order-free */
    d->n++;
    return WC_OK;
}

/* a and b hold the same clusters for documents 1..n: rows, members and similarities. */
static void assert_same_clusters(wc_cluster_index *a, wc_cluster_index *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        int64_t c = cluster_of(a, (int64_t)i + 1);
        wc_cluster_info ra, rb;
        struct members_digest da = {0, 0}, db = {0, 0};
        assert_int_equal(cluster_of(b, (int64_t)i + 1), c);
        assert_int_equal(wc_cluster_index_cluster(a, c, &ra), WC_OK);
        assert_int_equal(wc_cluster_index_cluster(b, c, &rb), WC_OK);
        assert_memory_equal(&ra, &rb, sizeof(ra));
        assert_int_equal(wc_cluster_index_members(a, c, digest_member, &da), WC_OK);
        assert_int_equal(wc_cluster_index_members(b, c, digest_member, &db), WC_OK);
        assert_int_equal(da.n, (size_t)ra.size);
        assert_int_equal(da.n, db.n);
        assert_true(da.h == db.h);
    }
}

/* Load documents 1..n of `from` into `to` (in reverse), then their clusters' rows. */
static void load_from(wc_cluster_index *to, wc_cluster_index *from, const wc_fprint *fps, size_t n)
{
    wc_error err = WC_ERROR_INIT;
    wc_cluster_info row;
    size_t i;

    for (i = n; i-- > 0;)
        assert_int_equal(wc_cluster_index_load(to, (int64_t)i + 1, cluster_of(from, (int64_t)i + 1),
                                               &fps[i], &err),
                         WC_OK);
    for (i = 0; i < n; i++) {
        assert_int_equal(wc_cluster_index_cluster(from, cluster_of(from, (int64_t)i + 1), &row),
                         WC_OK);
        assert_int_equal(wc_cluster_index_load_cluster(to, &row, &err), WC_OK);
    }
}

/*
 * Start-up: loading the stored rows gives an index that decides new
 * documents exactly as the index that made those rows, originals and
 * similarities to them included.
 */
static void test_load_then_assign(void **state)
{
    struct fixture *f = *state;
    static wc_fprint fps[300];
    size_t n = corpus(f->w, fps, 300), half = n / 2, i, moved = 0;
    wc_cluster_index *loaded = wc_cluster_index_new(&f->p);
    wc_match m1, m2;
    wc_error err = WC_ERROR_INIT;

    for (i = 0; i < half; i++)
        assert_int_equal(wc_cluster_assign(f->idx, (int64_t)i + 1, &fps[i], doc_time(i), &m1, &err),
                         WC_OK);
    /* load in reverse order, as a store might return rows, after reserving room */
    assert_int_equal(wc_cluster_index_reserve(loaded, half, &err), WC_OK);
    assert_int_equal(wc_cluster_index_reserve(loaded, (size_t)1 << 40, &err), WC_ERR_LIMIT);
    load_from(loaded, f->idx, fps, half);
    assert_int_equal(wc_cluster_index_count(loaded), half);
    assert_same_clusters(f->idx, loaded, half);
    for (i = half; i < n; i++) {
        assert_int_equal(wc_cluster_assign(f->idx, (int64_t)i + 1, &fps[i], doc_time(i), &m1, &err),
                         WC_OK);
        assert_int_equal(wc_cluster_assign(loaded, (int64_t)i + 1, &fps[i], doc_time(i), &m2, &err),
                         WC_OK);
        assert_int_equal(m1.kind, m2.kind);
        assert_int_equal(m1.cluster_id, m2.cluster_id);
        assert_int_equal(m1.original_id, m2.original_id);
        assert_true(m1.original_similarity == m2.original_similarity);
        assert_int_equal(m1.original_changed, m2.original_changed);
        moved += m1.original_changed;
    }
    assert_true(moved > 5);
    assert_same_clusters(f->idx, loaded, n);
    wc_cluster_index_free(loaded);
}

/*
 * A loaded cluster needs its stored row before the first decision, and a
 * row that does not fit the loaded members is damage.
 */
static void test_load_needs_fitting_rows(void **state)
{
    struct fixture *f = *state;
    wc_fprint a, b, c;
    wc_match m;
    wc_error err = WC_ERROR_INIT;
    wc_cluster_info row = {10, 11, 2, 5, 9};

    range(f->w, 1, 6, &a);
    range(f->w, 50, 6, &b);
    range(f->w, 90, 6, &c);
    assert_int_equal(wc_cluster_index_load(f->idx, 10, 10, &a, &err), WC_OK);
    assert_int_equal(wc_cluster_index_load(f->idx, 11, 10, &a, &err), WC_OK);
    assert_int_equal(wc_cluster_index_load(f->idx, 12, 12, &b, &err), WC_OK);
    /* cluster 12 has no row yet: no decision */
    assert_int_equal(wc_cluster_index_load_cluster(f->idx, &row, &err), WC_OK);
    assert_int_equal(wc_cluster_assign(f->idx, 20, &c, 7, &m, &err), WC_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "cluster 12"));
    assert_int_equal(wc_cluster_index_count(f->idx), 3); /* nothing changed */
    /* rows that do not fit: an original from another cluster, another size */
    row.id = 12;
    row.original_id = 10;
    row.size = 1;
    assert_int_equal(wc_cluster_index_load_cluster(f->idx, &row, &err), WC_ERR_CORRUPT);
    row.original_id = 12;
    row.size = 3;
    assert_int_equal(wc_cluster_index_load_cluster(f->idx, &row, &err), WC_ERR_CORRUPT);
    /* a row of a cluster with no loaded member is nothing to decide about */
    row.id = 99;
    row.original_id = 99;
    assert_int_equal(wc_cluster_index_load_cluster(f->idx, &row, &err), WC_OK);
    row.id = 12;
    row.original_id = 12;
    row.size = 1;
    assert_int_equal(wc_cluster_index_load_cluster(f->idx, &row, &err), WC_OK);
    assert_int_equal(wc_cluster_assign(f->idx, 20, &c, 7, &m, &err), WC_OK);
    /* an exact copy of cluster 10's text, earlier than its stored original (time 5) */
    assert_int_equal(wc_cluster_assign(f->idx, 21, &a, 4, &m, &err), WC_OK);
    assert_int_equal(m.cluster_id, 10);
    assert_int_equal(m.original_id, 21);
    assert_true(m.original_changed);
    assert_int_equal(wc_cluster_index_cluster(f->idx, 10, &row), WC_OK);
    assert_int_equal(row.size, 3);
    assert_int_equal(row.first_seen, 4);
    assert_int_equal(row.last_seen, 9);
}

/* Collect the members' similarities by doc id (1..8). */
static wc_status member_sim(void *ctx, int64_t doc_id, double similarity)
{
    double *sims = ctx;

    if (doc_id < 1 || doc_id > 8)
        return WC_ERR_USAGE;
    sims[doc_id] = similarity;
    return WC_OK;
}

/*
 * The original: dated before undated, then the earlier time, then more
 * words, then the smaller id; through joins, exact copies and a merge,
 * with each member's similarity to it.
 */
static void test_original_is_the_earliest_member(void **state)
{
    struct fixture *f = *state;
    wc_fprint full, longer, head, tail, whole;
    wc_match m;
    wc_error err = WC_ERROR_INIT;
    wc_cluster_info row;
    wc_similarity sim;
    double sims[9];
    uint64_t ids[14];
    int k;

    range(f->w, 1, 12, &full);
    for (k = 0; k < 14; k++)
        ids[k] = 1 + (uint64_t)k;
    story(f->w, ids, 14, &longer); /* the same story, two paragraphs more: more words */
    /* 1: undated founder; it is the original */
    assert_int_equal(wc_cluster_assign(f->idx, 1, &full, INT64_MIN, &m, &err), WC_OK);
    assert_int_equal(m.original_id, 1);
    assert_true(m.original_similarity == 1.0);
    assert_false(m.original_changed);
    /* 2: the first dated member comes first */
    assert_int_equal(wc_cluster_assign(f->idx, 2, &longer, 500, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_NEAR);
    assert_int_equal(m.original_id, 2);
    assert_true(m.original_changed);
    assert_true(m.original_similarity == 1.0);
    /* 3: later: 2 stays, and 3's similarity to 2 is told */
    assert_int_equal(wc_cluster_assign(f->idx, 3, &full, 600, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_EXACT);
    assert_int_equal(m.original_id, 2);
    assert_false(m.original_changed);
    wc_fprint_similarity(&full, &longer, &sim);
    assert_true(m.original_similarity == sim.score);
    /* 4: as early as 2 but fewer words: 2 stays; 5: as early, as many words, larger id: 2 stays */
    assert_int_equal(wc_cluster_assign(f->idx, 4, &full, 500, &m, &err), WC_OK);
    assert_int_equal(m.original_id, 2);
    assert_false(m.original_changed);
    assert_int_equal(wc_cluster_assign(f->idx, 5, &longer, 500, &m, &err), WC_OK);
    assert_int_equal(m.original_id, 2);
    /* 6: earlier: the original */
    assert_int_equal(wc_cluster_assign(f->idx, 6, &full, 400, &m, &err), WC_OK);
    assert_int_equal(m.original_id, 6);
    assert_true(m.original_changed);
    assert_int_equal(wc_cluster_index_cluster(f->idx, 1, &row), WC_OK);
    assert_int_equal(row.original_id, 6);
    assert_int_equal(row.size, 6);
    assert_int_equal(row.first_seen, 400);
    assert_int_equal(row.last_seen, 600);
    /* every member's similarity is to 6 */
    memset(sims, 0, sizeof(sims));
    assert_int_equal(wc_cluster_index_members(f->idx, 1, member_sim, sims), WC_OK);
    assert_true(sims[6] == 1.0);
    assert_true(sims[1] == 1.0 && sims[3] == 1.0 && sims[4] == 1.0); /* the same text */
    wc_fprint_similarity(&longer, &full, &sim);
    assert_true(sims[2] == sim.score && sims[5] == sim.score);
    assert_true(sim.score < 1.0);
    assert_int_equal(wc_cluster_index_members(f->idx, 77, member_sim, sims), WC_ERR_NOTFOUND);

    /* a merge: two clusters, the later-founded one with the earlier original */
    range(f->w, 200, 3, &head);
    range(f->w, 203, 9, &tail);
    range(f->w, 200, 12, &whole);
    assert_int_equal(wc_cluster_assign(f->idx, 7, &head, 90, &m, &err), WC_OK);
    assert_int_equal(wc_cluster_assign(f->idx, 8, &tail, 80, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_NEW);
    assert_int_equal(wc_cluster_assign(f->idx, 9, &whole, 100, &m, &err), WC_OK);
    assert_int_equal(m.nabsorbed, 1);
    assert_int_equal(m.cluster_id, 7);
    assert_int_equal(m.original_id, 8);
    assert_true(m.original_changed);
    assert_int_equal(wc_cluster_index_cluster(f->idx, 8, &row), WC_ERR_NOTFOUND); /* absorbed */
    assert_int_equal(wc_cluster_index_cluster(f->idx, 7, &row), WC_OK);
    assert_int_equal(row.original_id, 8);
    assert_int_equal(row.size, 3);
    assert_int_equal(row.first_seen, 80);
    assert_int_equal(row.last_seen, 100);
}

static void test_memory_reported(void **state)
{
    struct fixture *f = *state;
    size_t empty = wc_cluster_index_memory(f->idx), i;
    wc_fprint fp;
    wc_match m;
    wc_error err = WC_ERROR_INIT;

    for (i = 0; i < 3000; i++) {
        range(f->w, 100000 + 10 * i, 3, &fp);
        assert_int_equal(wc_cluster_assign(f->idx, (int64_t)i + 1, &fp, INT64_MIN, &m, &err),
                         WC_OK);
        assert_int_equal(m.kind, WC_MATCH_NEW);
    }
    assert_true(wc_cluster_index_memory(f->idx) > empty);
    /* the design budget: about 1 KB per document once the tables are in use */
    assert_true((wc_cluster_index_memory(f->idx) - empty) / 3000 < 1400);
}

/* --- band tables built by several threads ------------------------------------------------ */

/*
 * A crawl of PAR_DOCS documents in which buckets overflow: stories with
 * near copies close behind them, exact re-scrapes, empty texts, a lead
 * paragraph that hundreds of otherwise unrelated pages open with (every
 * lead bucket of theirs fills past the cap) and texts repeated with one
 * word changed (most or all of their buckets fill past the cap). The
 * index shares a build among threads past 4096 documents (BUILD_PAR_MIN in
 * cluster.c), so loading PAR_LOADED documents and growing the tables
 * through 5,000-10,000 documents both take the parallel path when the
 * process may use two CPUs.
 */
#define PAR_DOCS 10000
#define PAR_LOADED 5000

/* Paragraph `id`, with word `edit` (when < 35) replaced by x<tag>. */
static void paragraph_edit(wc_buf *b, uint64_t id, unsigned edit, uint64_t tag)
{
    uint64_t s = id * 7919 + 1;
    unsigned i;

    for (i = 0; i < 35; i++) {
        uint64_t word = rng_next(&s) % 60000;
        if (i == edit)
            assert_int_equal(wc_buf_addf(b, "x%llu", (unsigned long long)tag), WC_OK);
        else
            assert_int_equal(wc_buf_addf(b, "w%llu", (unsigned long long)word), WC_OK);
        assert_int_equal(wc_buf_addstr(b, i + 1 < 35 ? " " : "."), WC_OK);
    }
    assert_int_equal(wc_buf_addstr(b, "\n\n"), WC_OK);
}

static wc_fprint *crowded_crawl(wc_fp_worker *w, size_t n)
{
    wc_fprint *fps = malloc(n * sizeof(*fps));
    uint64_t s = 42, next_para = 1000000, recent[50][2];
    size_t nrecent = 0, i, k;
    wc_buf b = WC_BUF_INIT;
    wc_error err = WC_ERROR_INIT;

    assert_non_null(fps);
    for (i = 0; i < n; i++) {
        unsigned r = (unsigned)(rng_next(&s) % 100);
        wc_buf_reset(&b);
        if (r < 8 && i > 0) { /* an exact re-scrape of any earlier page */
            fps[i] = fps[rng_next(&s) % i];
            continue;
        }
        if (r < 12) { /* the shared lead, then a story of its own */
            paragraph_edit(&b, 7, 99, 0);
            for (k = 0; k < 4; k++)
                paragraph_edit(&b, next_para++, 99, 0);
        } else if (r < 15) { /* the long text, one word changed */
            unsigned word = (unsigned)(rng_next(&s) % 350);
            for (k = 0; k < 10; k++)
                paragraph_edit(&b, 500 + k, word / 35 == k ? word % 35 : 99, i);
        } else if (r < 16) { /* nothing to compare */
        } else if (r < 26) { /* a long text, one word of its end changed: all its buckets fill */
            unsigned word = (unsigned)(rng_next(&s) % 35);
            for (k = 0; k < 40; k++)
                paragraph_edit(&b, 800 + k, k == 39 ? word : 99, i);
        } else if (r < 50 &&
                   nrecent) { /* a copy of a recent story: one paragraph changed, or cut */
            uint64_t *st = recent[rng_next(&s) % nrecent];
            size_t len = r < 40 ? st[1] : 3, changed = rng_next(&s) % st[1];
            for (k = 0; k < len; k++)
                paragraph_edit(&b, k == changed ? next_para++ : st[0] + k, 99, 0);
        } else { /* a new story */
            uint64_t len = 6 + rng_next(&s) % 4;
            uint64_t *st = recent[nrecent < 50 ? nrecent++ : rng_next(&s) % 50];
            st[0] = next_para;
            st[1] = len;
            for (k = 0; k < len; k++)
                paragraph_edit(&b, next_para++, 99, 0);
        }
        assert_int_equal(wc_fp_compute(w, b.buf, b.len, &fps[i], &err), WC_OK);
    }
    wc_buf_release(&b);
    return fps;
}

/* Everything a decision says, in one number. */
static uint64_t match_digest(const wc_match *m)
{
    uint64_t h = 1469598103934665603ULL, v[10];
    size_t i;

    v[0] = (uint64_t)m->doc_id;
    v[1] = (uint64_t)m->cluster_id;
    v[2] = (uint64_t)m->kind;
    v[3] = (uint64_t)m->best_doc;
    memcpy(&v[4], &m->similarity, 8);
    memcpy(&v[5], &m->jaccard, 8);
    memcpy(&v[6], &m->containment, 8);
    v[7] = (uint64_t)m->original_id;
    memcpy(&v[8], &m->original_similarity, 8);
    v[9] = m->original_changed;
    for (i = 0; i < 10; i++)
        h = (h ^ v[i]) * 0x100000001b3ULL;
    for (i = 0; i < m->nabsorbed; i++)
        h = (h ^ (uint64_t)m->absorbed[i]) * 0x100000001b3ULL;
    return h ^ m->nabsorbed;
}

/* What one way of building the index decided. */
struct outcome {
    uint64_t dig[PAR_DOCS];                /* each assignment (0 for loaded documents) */
    int64_t at_load[PAR_DOCS];             /* cluster of documents 1..PAR_LOADED after that many */
    wc_cluster_info row_at_load[PAR_DOCS]; /* ... and its row */
    int64_t end[PAR_DOCS];                 /* cluster of every document at the end */
    size_t merges;                         /* assignments that absorbed a cluster */
    size_t memory[PAR_DOCS]; /* wc_cluster_index_memory after each assignment: when the
                                tables grew, which follows how many members they took */
};

/*
 * Assign fps[first..n) to idx (documents first+1..n), recording, and the
 * clusters at the end.
 */
static void assign_rest(wc_cluster_index *idx, const wc_fprint *fps, size_t first,
                        struct outcome *o)
{
    wc_error err = WC_ERROR_INIT;
    size_t i;

    for (i = first; i < PAR_DOCS; i++) {
        wc_match m;
        assert_int_equal(wc_cluster_assign(idx, (int64_t)i + 1, &fps[i], doc_time(i), &m, &err),
                         WC_OK);
        o->dig[i] = match_digest(&m);
        o->merges += m.nabsorbed > 0;
        o->memory[i] = wc_cluster_index_memory(idx);
        if (i + 1 == PAR_LOADED) {
            size_t j;
            for (j = 0; j < PAR_LOADED; j++) {
                o->at_load[j] = cluster_of(idx, (int64_t)j + 1);
                assert_int_equal(wc_cluster_index_cluster(idx, o->at_load[j], &o->row_at_load[j]),
                                 WC_OK);
            }
        }
    }
    for (i = 0; i < PAR_DOCS; i++)
        o->end[i] = cluster_of(idx, (int64_t)i + 1);
}

/* Band-build threads the run_* helpers allow (wc_cluster_index_set_threads; 0: the CPUs). */
static unsigned build_threads;

/* Every document assigned, the tables growing (and rebuilt) on the way. */
static void run_assign(const wc_fp_params *p, const wc_fprint *fps, struct outcome *o)
{
    wc_cluster_index *idx = wc_cluster_index_new(p);

    assert_non_null(idx);
    wc_cluster_index_set_threads(idx, build_threads);
    memset(o, 0, sizeof(*o));
    assign_rest(idx, fps, 0, o);
    wc_cluster_index_free(idx);
}

/*
 * Start-up: the first PAR_LOADED documents loaded with the clusters
 * `stored` gave them (in arrival order, or in reverse), after reserving
 * room or not, then the rest assigned.
 */
static void run_load(const wc_fp_params *p, const wc_fprint *fps, const struct outcome *stored,
                     bool reserve, bool reverse, struct outcome *o)
{
    wc_cluster_index *idx = wc_cluster_index_new(p);
    wc_error err = WC_ERROR_INIT;
    size_t k;

    assert_non_null(idx);
    wc_cluster_index_set_threads(idx, build_threads);
    memset(o, 0, sizeof(*o));
    if (reserve)
        assert_int_equal(wc_cluster_index_reserve(idx, PAR_LOADED, &err), WC_OK);
    for (k = 0; k < PAR_LOADED; k++) {
        size_t i = reverse ? PAR_LOADED - 1 - k : k;
        assert_int_equal(
            wc_cluster_index_load(idx, (int64_t)i + 1, stored->at_load[i], &fps[i], &err), WC_OK);
    }
    for (k = 0; k < PAR_LOADED; k++)
        assert_int_equal(wc_cluster_index_load_cluster(idx, &stored->row_at_load[k], &err), WC_OK);
    /* lookups and the memory figure work before the first assignment */
    assert_int_equal(cluster_of(idx, 1), stored->at_load[0]);
    assert_true(wc_cluster_index_memory(idx) > (size_t)PAR_LOADED * 100);
    assign_rest(idx, fps, PAR_LOADED, o);
    wc_cluster_index_free(idx);
}

/*
 * b decided as a from document from+1 on. A bucket's members past the cap
 * are never seen by a probe, so whether a build turned the same documents
 * away shows only in how full the tables got, and so in when they grew:
 * the memory figures, compared when a and b were built the same way
 * (same_growth).
 */
static void assert_same_outcome(const struct outcome *a, const struct outcome *b, size_t from,
                                bool same_growth)
{
    size_t i;

    for (i = from; same_growth && i < PAR_DOCS; i++)
        if (a->memory[i] != b->memory[i])
            fail_msg("the tables grew differently at document %zu", i + 1);

    for (i = from; i < PAR_DOCS; i++)
        if (a->dig[i] != b->dig[i])
            fail_msg("document %zu was decided differently", i + 1);
    for (i = 0; i < PAR_DOCS; i++)
        if (a->end[i] != b->end[i])
            fail_msg("document %zu ended in cluster %lld, not %lld", i + 1, (long long)b->end[i],
                     (long long)a->end[i]);
}

/* Pin this thread (and the threads it starts) to its first CPU; false when it has only one. */
static bool pin_one_cpu(const cpu_set_t *all)
{
    cpu_set_t one;
    int c;

    CPU_ZERO(&one);
    for (c = 0; c < CPU_SETSIZE && !CPU_ISSET(c, all); c++)
        ;
    CPU_SET(c, &one);
    assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
    return CPU_COUNT(all) > 1;
}

static void test_parallel_build_decides_as_serial(void **state)
{
    struct fixture *f = *state;
    wc_fprint *fps = crowded_crawl(f->w, PAR_DOCS);
    struct outcome *serial = malloc(sizeof(*serial)), *par = malloc(sizeof(*par));
    struct outcome *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b)), *c = malloc(sizeof(*c));
    cpu_set_t all;
    bool two;
    size_t i, near = 0;

    assert_true(serial && par && a && b && c);
    assert_int_equal(sched_getaffinity(0, sizeof(all), &all), 0);

    /* one CPU: every build on this thread */
    two = pin_one_cpu(&all);
    run_assign(&f->p, fps, serial);
    run_load(&f->p, fps, serial, true, false, a);
    assert_same_outcome(serial, a, PAR_LOADED, false);
    run_load(&f->p, fps, serial, false, false, c);
    assert_same_outcome(serial, c, PAR_LOADED, false);
    run_load(&f->p, fps, serial, true, true, b); /* reverse: its own reference */
    assert_int_equal(sched_setaffinity(0, sizeof(all), &all), 0);
    if (!two)
        print_message("# only one CPU: the parallel build is not exercised\n");

    /* every CPU: rebuilds past 4096 documents and the load's build share the tables */
    run_assign(&f->p, fps, par);
    assert_same_outcome(serial, par, 0, true);
    for (i = 0; i < PAR_LOADED; i++)
        assert_int_equal(par->at_load[i], serial->at_load[i]);
    run_load(&f->p, fps, serial, true, false, par);
    assert_same_outcome(a, par, PAR_LOADED, true);
    run_load(&f->p, fps, serial, false, false, par); /* no reserve: tables grow while loading */
    assert_same_outcome(c, par, PAR_LOADED, true);
    run_load(&f->p, fps, serial, true, true, par);
    assert_same_outcome(b, par, PAR_LOADED, true);

    /* a thread limit (ingest --threads) of one, or of more than there are CPUs: the same */
    build_threads = 1;
    run_assign(&f->p, fps, par);
    assert_same_outcome(serial, par, 0, true);
    run_load(&f->p, fps, serial, true, false, par);
    assert_same_outcome(a, par, PAR_LOADED, true);
    build_threads = 3;
    run_load(&f->p, fps, serial, true, false, par);
    assert_same_outcome(a, par, PAR_LOADED, true);
    build_threads = 0;

    /* the crawl is what it claims: copies found, clusters merged */
    for (i = 0; i < PAR_DOCS; i++)
        near += serial->end[i] != (int64_t)i + 1;
    assert_true(near > PAR_DOCS / 4);
    assert_true(serial->merges > 0);
    free(fps);
    free(serial);
    free(par);
    free(a);
    free(b);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_exact_near, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_leave_index_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_reports_absorbed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recluster_equals_fresh_ingest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_then_assign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_needs_fitting_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_original_is_the_earliest_member, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parallel_build_decides_as_serial, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
