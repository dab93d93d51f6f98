/* test_buf.c - the capped buffer: growth, cap, detach, formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/buf.h"

static void test_init_is_empty_string(void **state)
{
    wc_buf b = WC_BUF_INIT;

    (void)state;
    assert_non_null(b.buf);
    assert_string_equal(b.buf, "");
    assert_int_equal(b.len, 0);
    wc_buf_release(&b);
}

static void test_append_grows(void **state)
{
    wc_buf b = WC_BUF_INIT;
    int i;

    (void)state;
    for (i = 0; i < 1000; i++)
        assert_int_equal(wc_buf_addstr(&b, "abc"), WC_OK);
    assert_int_equal(b.len, 3000);
    assert_int_equal(b.buf[3000], '\0');
    assert_memory_equal(b.buf + 2997, "abc", 3);
    wc_buf_release(&b);
}

static void test_limit_refuses_and_keeps_content(void **state)
{
    wc_buf b;

    (void)state;
    wc_buf_init(&b, 10);
    assert_int_equal(wc_buf_add(&b, "0123456789", 10), WC_OK);
    assert_int_equal(wc_buf_addch(&b, 'x'), WC_ERR_LIMIT);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.buf, "0123456789");
    assert_int_equal(wc_buf_addf(&b, "%d", 1), WC_ERR_LIMIT);
    assert_int_equal(b.len, 10);
    wc_buf_release(&b);
}

static void test_addf_and_nul_inside(void **state)
{
    wc_buf b = WC_BUF_INIT;

    (void)state;
    assert_int_equal(wc_buf_addf(&b, "%s-%05d", "x", 42), WC_OK);
    assert_string_equal(b.buf, "x-00042");
    assert_int_equal(wc_buf_add(&b, "a\0b", 3), WC_OK);
    assert_int_equal(b.len, 10);
    assert_memory_equal(b.buf + 7, "a\0b", 3);
    /* a long format that does not fit the first allocation */
    wc_buf_reset(&b);
    assert_int_equal(wc_buf_addf(&b, "%0500d", 7), WC_OK);
    assert_int_equal(b.len, 500);
    assert_int_equal(b.buf[499], '7');
    wc_buf_release(&b);
}

static void test_detach_and_rtrim(void **state)
{
    wc_buf b = WC_BUF_INIT;
    size_t n;
    char *s;

    (void)state;
    s = wc_buf_detach(&b, &n);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    assert_int_equal(wc_buf_addstr(&b, "text \n\t"), WC_OK);
    wc_buf_rtrim(&b);
    s = wc_buf_detach(&b, &n);
    assert_string_equal(s, "text");
    assert_int_equal(n, 4);
    assert_int_equal(b.len, 0);
    assert_ptr_equal(b.buf, wc_buf_empty_);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_is_empty_string),
        cmocka_unit_test(test_append_grows),
        cmocka_unit_test(test_limit_refuses_and_keeps_content),
        cmocka_unit_test(test_addf_and_nul_inside),
        cmocka_unit_test(test_detach_and_rtrim),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
