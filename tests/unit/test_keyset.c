/*
 * test_keyset.c - the in-memory "already stored?" set: found after adding,
 * versions of one key kept apart, growth keeps every entry, ids out of
 * range refused, and the memory figure is what the table takes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "keyset.h"

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void test_add_find_grow(void **state)
{
    wc_keyset *ks = wc_keyset_new();
    wc_error err = WC_ERROR_INIT;
    const int64_t n = 100000;
    int64_t i;

    (void)state;
    assert_non_null(ks);
    assert_int_equal(wc_keyset_find(ks, 1, 2), 0); /* empty, no table yet */
    for (i = 1; i <= n; i++)
        assert_int_equal(wc_keyset_add(ks, mix((uint64_t)i), (uint32_t)mix((uint64_t)-i), i, &err),
                         WC_OK);
    assert_int_equal(wc_keyset_count(ks), (size_t)n);
    /* every entry survives the doublings, and only under its own text */
    for (i = 1; i <= n; i++) {
        assert_int_equal(wc_keyset_find(ks, mix((uint64_t)i), (uint32_t)mix((uint64_t)-i)), i);
        assert_int_equal(wc_keyset_find(ks, mix((uint64_t)i), (uint32_t)mix((uint64_t)-i) + 1), 0);
    }
    assert_int_equal(wc_keyset_find(ks, mix((uint64_t)n + 1), (uint32_t)mix((uint64_t)-n - 1)), 0);
    /* at most 70% full, so at least 16 / 0.7 bytes an entry, and at most twice that */
    assert_true(wc_keyset_memory(ks) >= (size_t)n * 16 * 10 / 7);
    assert_true(wc_keyset_memory(ks) <= (size_t)n * 16 * 20 / 7 + 64);
    wc_keyset_free(ks);
}

static void test_versions_and_limits(void **state)
{
    wc_keyset *ks = wc_keyset_new();
    wc_error err = WC_ERROR_INIT;
    uint32_t t;

    (void)state;
    /* one URL stored with 500 different texts: each version is its own entry */
    for (t = 0; t < 500; t++)
        assert_int_equal(wc_keyset_add(ks, 42, t * 7919u, (int64_t)t + 1, &err), WC_OK);
    for (t = 0; t < 500; t++)
        assert_int_equal(wc_keyset_find(ks, 42, t * 7919u), (int64_t)t + 1);
    assert_int_equal(wc_keyset_find(ks, 43, 0), 0); /* the same text under another key */
    /* a text hash of 0 and the largest id are ordinary values */
    assert_int_equal(wc_keyset_add(ks, 7, 0, UINT32_MAX, &err), WC_OK);
    assert_int_equal(wc_keyset_find(ks, 7, 0), (int64_t)UINT32_MAX);
    assert_int_equal(wc_keyset_add(ks, 8, 0, (int64_t)UINT32_MAX + 1, &err), WC_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "4294967296"));
    assert_int_equal(wc_keyset_add(ks, 8, 0, 0, &err), WC_ERR_USAGE);
    assert_int_equal(wc_keyset_find(ks, 8, 0), 0);
    assert_int_equal(wc_keyset_count(ks), 501);
    /* reserving keeps what is there */
    assert_int_equal(wc_keyset_reserve(ks, 100000, &err), WC_OK);
    assert_int_equal(wc_keyset_find(ks, 42, 499 * 7919u), 500);
    wc_keyset_free(ks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_find_grow),
        cmocka_unit_test(test_versions_and_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
