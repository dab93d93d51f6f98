/*
 * test_lsh.c - candidate finding through the LSH band tables: near copies
 * are found, unrelated texts are not, the lead bands find cut copies the
 * body bands miss, crowded buckets stay bounded, other band shapes work.
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

static void paragraph(wc_buf *b, uint64_t id, int words)
{
    uint64_t s = id * 104729 + 3;
    int i;

    for (i = 0; i < words; i++)
        assert_int_equal(wc_buf_addf(b, "t%llu%s", (unsigned long long)(rng_next(&s) % 80000),
                                     i + 1 < words ? " " : "."),
                         WC_OK);
    assert_int_equal(wc_buf_addstr(b, "\n\n"), WC_OK);
}

static void fp_of(wc_fp_worker *w, const wc_buf *b, wc_fprint *fp)
{
    wc_error err = WC_ERROR_INIT;
    assert_int_equal(wc_fp_compute(w, b->buf, b->len, fp, &err), WC_OK);
}

/* Pairs sharing 9 of 10 paragraphs are found; unrelated ones never. */
static void test_near_found_unrelated_not(void **state)
{
    wc_fp_params p = wc_fp_params_default();
    wc_fp_worker *w = wc_fp_worker_new(&p);
    wc_cluster_index *idx = wc_cluster_index_new(&p);
    wc_error err = WC_ERROR_INIT;
    int trial, found = 0, false_found = 0;
    int64_t id = 1;

    (void)state;
    for (trial = 0; trial < 60; trial++) {
        wc_buf a = WC_BUF_INIT, b = WC_BUF_INIT, c = WC_BUF_INIT;
        wc_fprint fa, fb, fc;
        wc_match m;
        uint64_t base = 1000 * (uint64_t)(trial + 1);
        int i;
        for (i = 0; i < 10; i++) {
            paragraph(&a, base + (uint64_t)i, 30);
            paragraph(&b, i == 7 ? base + 900 : base + (uint64_t)i, 30);
            paragraph(&c, base + 500 + (uint64_t)i, 30);
        }
        fp_of(w, &a, &fa);
        fp_of(w, &b, &fb);
        fp_of(w, &c, &fc);
        assert_int_equal(wc_cluster_assign(idx, id++, &fa, INT64_MIN, &m, &err), WC_OK);
        assert_int_equal(wc_cluster_assign(idx, id++, &fb, INT64_MIN, &m, &err), WC_OK);
        found += m.kind == WC_MATCH_NEAR && m.cluster_id == id - 2;
        assert_int_equal(wc_cluster_assign(idx, id++, &fc, INT64_MIN, &m, &err), WC_OK);
        false_found += m.kind != WC_MATCH_NEW;
        wc_buf_release(&a);
        wc_buf_release(&b);
        wc_buf_release(&c);
    }
    /* Jaccard ~0.8: 1 - (1 - 0.8^4)^32 misses about 1e-13 of the time */
    assert_int_equal(found, 60);
    assert_int_equal(false_found, 0);
    wc_cluster_index_free(idx);
    wc_fp_worker_free(w);
}

/*
 * A copy cut after two paragraphs of fourteen: its body Jaccard with the
 * original is about 0.14, far below what the body bands find, but its
 * lead is the original's lead.
 */
static void run_cut_copies(const wc_fp_params *p, int *found_out)
{
    wc_fp_worker *w = wc_fp_worker_new(p);
    wc_cluster_index *idx = wc_cluster_index_new(p);
    wc_error err = WC_ERROR_INIT;
    int trial, found = 0;
    int64_t id = 1;

    assert_non_null(w);
    assert_non_null(idx);
    for (trial = 0; trial < 30; trial++) {
        wc_buf full = WC_BUF_INIT, cut = WC_BUF_INIT;
        wc_fprint ff, fc;
        wc_match m;
        uint64_t base = 7000 * (uint64_t)(trial + 1);
        int i;
        for (i = 0; i < 14; i++) {
            paragraph(&full, base + (uint64_t)i, 30);
            if (i < 2)
                paragraph(&cut, base + (uint64_t)i, 30);
        }
        fp_of(w, &full, &ff);
        fp_of(w, &cut, &fc);
        assert_int_equal(wc_cluster_assign(idx, id++, &ff, INT64_MIN, &m, &err), WC_OK);
        assert_int_equal(wc_cluster_assign(idx, id++, &fc, INT64_MIN, &m, &err), WC_OK);
        found += m.kind == WC_MATCH_NEAR && m.cluster_id == id - 2;
        wc_buf_release(&full);
        wc_buf_release(&cut);
    }
    *found_out = found;
    wc_cluster_index_free(idx);
    wc_fp_worker_free(w);
}

static void test_lead_bands_find_cut_copies(void **state)
{
    wc_fp_params p = wc_fp_params_default();
    int found;

    (void)state;
    run_cut_copies(&p, &found);
    assert_int_equal(found, 30);
    /* without the lead signature the same copies are (almost all) lost */
    p.lead_tokens = 0;
    p.lead_bands = 0;
    run_cut_copies(&p, &found);
    assert_true(found < 10);
}

/*
 * Hundreds of pages with the same body and different short debris (so no
 * exact match): every band key is shared by all of them. Buckets stop
 * taking members at their cap, yet every page still finds the story.
 */
static void test_crowded_buckets(void **state)
{
    wc_fp_params p = wc_fp_params_default();
    wc_fp_worker *w = wc_fp_worker_new(&p);
    wc_cluster_index *idx = wc_cluster_index_new(&p);
    wc_error err = WC_ERROR_INIT;
    wc_buf body = WC_BUF_INIT;
    int i;
    size_t mem_100 = 0;

    (void)state;
    for (i = 0; i < 6; i++)
        paragraph(&body, 42 + (uint64_t)i, 30);
    for (i = 0; i < 400; i++) {
        wc_buf page = WC_BUF_INIT;
        wc_fprint fp;
        wc_match m;
        assert_int_equal(wc_buf_addf(&page, "Page %d of the site\n\n", i), WC_OK);
        assert_int_equal(wc_buf_add(&page, body.buf, body.len), WC_OK);
        fp_of(w, &page, &fp);
        assert_int_equal(wc_cluster_assign(idx, i + 1, &fp, INT64_MIN, &m, &err), WC_OK);
        if (i == 0)
            assert_int_equal(m.kind, WC_MATCH_NEW);
        else {
            assert_int_equal(m.kind, WC_MATCH_NEAR);
            assert_int_equal(m.cluster_id, 1);
        }
        if (i == 100)
            mem_100 = wc_cluster_index_memory(idx);
        wc_buf_release(&page);
    }
    /* past the cap the band tables stop growing with this key */
    assert_true(wc_cluster_index_memory(idx) - mem_100 < 300 * 1024);
    wc_buf_release(&body);
    wc_cluster_index_free(idx);
    wc_fp_worker_free(w);
}

/* Other band shapes are valid and still find near copies. */
static void test_other_band_shapes(void **state)
{
    static const char *const shapes[] = {
        "v1;b=128;r=1;lperm=64;lb=64;lr=1",
        "v1;b=16;r=8;lb=4;lr=8",
        "v1;perm=256;b=64;r=4;lperm=128;lb=64;lr=2",
        "v1;perm=64;lperm=32;b=16;r=4;lb=16;lr=2",
    };
    size_t s;

    (void)state;
    for (s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        wc_fp_params p;
        wc_error err = WC_ERROR_INIT;
        wc_fp_worker *w;
        wc_cluster_index *idx;
        wc_buf a = WC_BUF_INIT, b = WC_BUF_INIT;
        wc_fprint fa, fb;
        wc_match m;
        int i;

        assert_int_equal(wc_fp_params_parse(shapes[s], strlen(shapes[s]), &p, &err), WC_OK);
        w = wc_fp_worker_new(&p);
        idx = wc_cluster_index_new(&p);
        for (i = 0; i < 10; i++) {
            paragraph(&a, 300 + (uint64_t)i, 30);
            paragraph(&b, i == 2 ? 999 : 300 + (uint64_t)i, 30);
        }
        fp_of(w, &a, &fa);
        fp_of(w, &b, &fb);
        assert_int_equal(wc_cluster_assign(idx, 1, &fa, INT64_MIN, &m, &err), WC_OK);
        assert_int_equal(wc_cluster_assign(idx, 2, &fb, INT64_MIN, &m, &err), WC_OK);
        assert_int_equal(m.kind, WC_MATCH_NEAR);
        assert_int_equal(m.cluster_id, 1);
        wc_buf_release(&a);
        wc_buf_release(&b);
        wc_cluster_index_free(idx);
        wc_fp_worker_free(w);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_near_found_unrelated_not),
        cmocka_unit_test(test_lead_bands_find_cut_copies),
        cmocka_unit_test(test_crowded_buckets),
        cmocka_unit_test(test_other_band_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
