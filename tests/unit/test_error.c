/*
 * test_error.c - error.c: every status has its text, wc_error_set fills
 * and returns, wc_error_sys appends the system's reason and turns a full
 * disk into WC_ERR_FULL, long messages are cut inside the fixed buffer,
 * and a NULL wc_error is allowed everywhere.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/error.h"

#include "internal.h"

static void test_strerror(void **state)
{
    int c;

    (void)state;
    assert_string_equal(wc_strerror(WC_OK), "success");
    assert_string_equal(wc_strerror(WC_ERR_NOMEM), "out of memory");
    assert_string_equal(wc_strerror(WC_ERR_FULL), "disk full");
    /* every status has a text of its own, and none says "unknown" */
    for (c = 0; c < WC_STATUS_COUNT; c++) {
        int k;
        assert_string_not_equal(wc_strerror((wc_status)c), "unknown status");
        for (k = 0; k < c; k++)
            assert_string_not_equal(wc_strerror((wc_status)c), wc_strerror((wc_status)k));
    }
    assert_string_equal(wc_strerror((wc_status)WC_STATUS_COUNT), "unknown status");
    assert_string_equal(wc_strerror((wc_status)-1), "unknown status");
}

static void test_set(void **state)
{
    wc_error err = WC_ERROR_INIT;

    (void)state;
    assert_int_equal(wc_error_set(&err, WC_ERR_PARSE, "truncated gzip member in '%s' at offset %d",
                                  "crawl.warc.gz", 18342),
                     WC_ERR_PARSE);
    assert_int_equal(err.code, WC_ERR_PARSE);
    assert_int_equal(err.sys, 0);
    assert_string_equal(err.msg, "truncated gzip member in 'crawl.warc.gz' at offset 18342");
    /* NULL is allowed: the status still comes back */
    assert_int_equal(wc_error_set(NULL, WC_ERR_LIMIT, "x %d", 1), WC_ERR_LIMIT);
    assert_int_equal(wc_error_sys(NULL, WC_ERR_IO, ENOSPC, "x"), WC_ERR_IO);
    wc_error_clear(NULL);
    wc_error_clear(&err);
    assert_int_equal(err.code, WC_OK);
    assert_string_equal(err.msg, "");
}

static void test_sys(void **state)
{
    wc_error err = WC_ERROR_INIT;
    char want[256];

    (void)state;
    assert_int_equal(wc_error_sys(&err, WC_ERR_IO, ENOENT, "cannot open '%s'", "a.warc"),
                     WC_ERR_IO);
    assert_int_equal(err.sys, ENOENT);
    wc_strerror_r(ENOENT, want, sizeof(want));
    assert_true(strncmp(err.msg, "cannot open 'a.warc': ", 22) == 0);
    assert_string_equal(err.msg + 22, want);
    /* a full disk is WC_ERR_FULL whatever the caller said, so the CLI exits 3 */
    assert_int_equal(wc_error_sys(&err, WC_ERR_IO, ENOSPC, "cannot write"), WC_ERR_FULL);
    assert_int_equal(err.code, WC_ERR_FULL);
    assert_int_equal(err.sys, ENOSPC);
    assert_int_equal(wc_error_sys(&err, WC_ERR_DB, EDQUOT, "cannot write"), WC_ERR_FULL);
    /* a later wc_error_set forgets the errno */
    wc_error_set(&err, WC_ERR_PARSE, "bad");
    assert_int_equal(err.sys, 0);
}

static bool ends_with(const char *s, const char *end)
{
    size_t n = strlen(s), k = strlen(end);
    return n >= k && strcmp(s + n - k, end) == 0;
}

/* A long path in a message: the start and the end (the reason) survive, the middle goes. */
static void test_long_message(void **state)
{
    wc_error err = WC_ERROR_INIT;
    char big[WC_ERROR_MSG_MAX * 2], huge[20000], reason[128];

    (void)state;
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    wc_error_set(&err, WC_ERR_PARSE, "truncated gzip member in '%s' at offset %d", big, 18342);
    assert_int_equal(strlen(err.msg), WC_ERROR_MSG_MAX - 1);
    assert_true(strncmp(err.msg, "truncated gzip member in 'xxx", 29) == 0);
    assert_non_null(strstr(err.msg, "x ... x"));
    assert_true(ends_with(err.msg, "xxx' at offset 18342"));

    /* the system's reason is kept however long the path */
    wc_error_sys(&err, WC_ERR_IO, EACCES, "cannot open '%s'", big);
    wc_strerror_r(EACCES, reason, sizeof(reason));
    assert_int_equal(strlen(err.msg), WC_ERROR_MSG_MAX - 1);
    assert_true(strncmp(err.msg, "cannot open 'xxx", 16) == 0);
    assert_true(ends_with(err.msg, reason));
    assert_int_equal(err.sys, EACCES);

    /* longer than the stack buffer: still the true end */
    memset(huge, 'y', sizeof(huge) - 1);
    huge[sizeof(huge) - 1] = '\0';
    wc_error_set(&err, WC_ERR_PARSE, "bad record in '%s' at offset %d", huge, 7);
    assert_true(ends_with(err.msg, "y' at offset 7"));

    /* a cut never splits a UTF-8 character: 2-byte characters throughout */
    for (size_t i = 0; i + 2 < sizeof(big); i += 2)
        big[i] = (char)0xC3, big[i + 1] = (char)0xA9; /* é */
    big[sizeof(big) - 2] = '\0';
    wc_error_set(&err, WC_ERR_PARSE, "%s", big);
    for (const unsigned char *p = (const unsigned char *)err.msg; *p; p++) {
        if (*p == 0xC3)
            assert_int_equal(p[1], 0xA9);
        else if (*p == 0xA9)
            assert_int_equal(p[-1], 0xC3);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_sys),
        cmocka_unit_test(test_long_message),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
