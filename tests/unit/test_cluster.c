/*
 * test_cluster.c - the cluster index API: exact and near matches, new
 * clusters, errors that leave the index as it was, bulk load, merges with
 * absorbed ids, recluster = fresh ingest, lookups and memory.
 */
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
        wc_buf_addf(b, "w%llu%s", (unsigned long long)(rng_next(&s) % 60000),
                    i + 1 < 35 ? " " : ".");
    wc_buf_addstr(b, "\n\n");
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
    assert_int_equal(wc_cluster_assign(f->idx, 5, &a, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_NEW);
    assert_int_equal(m.cluster_id, 5);
    assert_int_equal(m.best_doc, 0);
    assert_int_equal(m.nabsorbed, 0);

    /* the same text again: exact */
    assert_int_equal(wc_cluster_assign(f->idx, 6, &a, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_EXACT);
    assert_int_equal(m.cluster_id, 5);
    assert_int_equal(m.best_doc, 5);
    assert_true(m.similarity == 1.0);

    /* one paragraph replaced: near */
    ids[6] = 99;
    story(f->w, ids, 10, &b);
    assert_int_equal(wc_cluster_assign(f->idx, 9, &b, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_NEAR);
    assert_int_equal(m.cluster_id, 5);
    assert_true(m.best_doc == 5 || m.best_doc == 6);
    assert_true(m.jaccard > 0.6 && m.jaccard < 0.95);
    assert_true(m.similarity >= m.jaccard);

    /* another story: new */
    range(f->w, 500, 8, &b);
    assert_int_equal(wc_cluster_assign(f->idx, 12, &b, &m, &err), WC_OK);
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
    assert_int_equal(wc_cluster_assign(f->idx, 1, &a, &m, &err), WC_OK);
    /* the same id twice */
    assert_int_equal(wc_cluster_assign(f->idx, 1, &a, &m, &err), WC_ERR_USAGE);
    assert_int_equal(wc_cluster_index_load(f->idx, 1, 1, &a, &err), WC_ERR_USAGE);
    /* not a rowid */
    assert_int_equal(wc_cluster_assign(f->idx, 0, &a, &m, &err), WC_ERR_USAGE);
    assert_int_equal(wc_cluster_assign(f->idx, -4, &a, &m, &err), WC_ERR_USAGE);
    /* a fingerprint made under other parameters */
    other.shingle = 4;
    w2 = wc_fp_worker_new(&other);
    range(w2, 1, 6, &b);
    assert_int_equal(wc_cluster_assign(f->idx, 2, &b, &m, &err), WC_ERR_USAGE);
    assert_true(strstr(err.msg, "other parameters") != NULL);
    wc_fp_worker_free(w2);
    assert_int_equal(wc_cluster_index_count(f->idx), 1);
    /* the index still works */
    assert_int_equal(wc_cluster_assign(f->idx, 2, &a, &m, &err), WC_OK);
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
    assert_int_equal(wc_cluster_assign(f->idx, 10, &head, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_NEW);
    assert_int_equal(wc_cluster_assign(f->idx, 11, &tail, &m, &err), WC_OK);
    assert_int_equal(m.kind, WC_MATCH_NEW);
    assert_int_equal(wc_cluster_assign(f->idx, 12, &o, &m, &err), WC_OK);
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
        assert_int_equal(wc_cluster_assign(f->idx, (int64_t)i + 1, &fps[i], &m, &err), WC_OK);
    for (i = 0; i < n; i++)
        first[i] = cluster_of(f->idx, (int64_t)i + 1);
    /* recluster: a new index, the same documents in the same order */
    for (i = 0; i < n; i++)
        assert_int_equal(wc_cluster_assign(again, (int64_t)i + 1, &fps[i], &m, &err), WC_OK);
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

/*
 * Start-up: loading the stored rows gives an index that decides new
 * documents exactly as the index that made those rows.
 */
static void test_load_then_assign(void **state)
{
    struct fixture *f = *state;
    static wc_fprint fps[300];
    size_t n = corpus(f->w, fps, 300), half = n / 2, i;
    wc_cluster_index *loaded = wc_cluster_index_new(&f->p);
    wc_match m1, m2;
    wc_error err = WC_ERROR_INIT;

    for (i = 0; i < half; i++)
        assert_int_equal(wc_cluster_assign(f->idx, (int64_t)i + 1, &fps[i], &m1, &err), WC_OK);
    /* load in reverse order, as a store might return rows, after reserving room */
    assert_int_equal(wc_cluster_index_reserve(loaded, half, &err), WC_OK);
    assert_int_equal(wc_cluster_index_reserve(loaded, (size_t)1 << 40, &err), WC_ERR_LIMIT);
    for (i = half; i-- > 0;)
        assert_int_equal(wc_cluster_index_load(loaded, (int64_t)i + 1,
                                               cluster_of(f->idx, (int64_t)i + 1), &fps[i], &err),
                         WC_OK);
    assert_int_equal(wc_cluster_index_count(loaded), half);
    for (i = half; i < n; i++) {
        assert_int_equal(wc_cluster_assign(f->idx, (int64_t)i + 1, &fps[i], &m1, &err), WC_OK);
        assert_int_equal(wc_cluster_assign(loaded, (int64_t)i + 1, &fps[i], &m2, &err), WC_OK);
        assert_int_equal(m1.kind, m2.kind);
        assert_int_equal(m1.cluster_id, m2.cluster_id);
    }
    for (i = 0; i < n; i++)
        assert_int_equal(cluster_of(f->idx, (int64_t)i + 1), cluster_of(loaded, (int64_t)i + 1));
    wc_cluster_index_free(loaded);
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
        assert_int_equal(wc_cluster_assign(f->idx, (int64_t)i + 1, &fp, &m, &err), WC_OK);
        assert_int_equal(m.kind, WC_MATCH_NEW);
    }
    assert_true(wc_cluster_index_memory(f->idx) > empty);
    /* the design budget: about 1 KB per document once the tables are in use */
    assert_true((wc_cluster_index_memory(f->idx) - empty) / 3000 < 1400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_exact_near, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_leave_index_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_reports_absorbed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recluster_equals_fresh_ingest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_then_assign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_reported, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
