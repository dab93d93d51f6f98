/*
 * test_charset.c - labels and conversions of charset.c: WHATWG aliases,
 * windows-1252, UTF-8 repair, UTF-16, iconv-backed encodings, and the
 * guarantee that the output is always valid UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/charset.h"

#include "internal.h"

static char *conv(const char *label, const char *p, size_t len, size_t *replaced)
{
    wc_buf b = WC_BUF_INIT;

    *replaced = 0;
    assert_int_equal(wc_charset_to_utf8(label, p, len, &b, replaced), WC_OK);
    assert_true(wc_utf8_valid(b.buf, b.len));
    return wc_buf_detach(&b, NULL);
}

static void test_labels(void **state)
{
    char canon[WC_CHARSET_NAME_MAX];

    (void)state;
    assert_int_equal(wc_charset_lookup("UTF-8", 5, canon), WC_CHARSET_UTF8);
    assert_int_equal(wc_charset_lookup(" \"utf8\" ", 8, canon), WC_CHARSET_UTF8);
    /* browsers read latin1 and ascii as windows-1252 */
    assert_int_equal(wc_charset_lookup("ISO-8859-1", 10, canon), WC_CHARSET_WINDOWS_1252);
    assert_int_equal(wc_charset_lookup("us-ascii", 8, canon), WC_CHARSET_WINDOWS_1252);
    assert_int_equal(wc_charset_lookup("latin1", 6, canon), WC_CHARSET_WINDOWS_1252);
    assert_int_equal(wc_charset_lookup("Shift_JIS", 9, canon), WC_CHARSET_OTHER);
    assert_string_equal(canon, "CP932");
    assert_int_equal(wc_charset_lookup("gb2312", 6, canon), WC_CHARSET_OTHER);
    assert_string_equal(canon, "GB18030");
    assert_int_equal(wc_charset_lookup("iso-8859-5", 10, canon), WC_CHARSET_OTHER);
    assert_string_equal(canon, "ISO-8859-5");
    assert_int_equal(wc_charset_lookup("windows-1251", 12, canon), WC_CHARSET_OTHER);
    assert_string_equal(canon, "WINDOWS-1251");
    assert_int_equal(wc_charset_lookup("utf-16", 6, canon), WC_CHARSET_UTF16LE);
    assert_int_equal(wc_charset_lookup("x-made-up", 9, canon), WC_CHARSET_UNKNOWN);
    assert_int_equal(wc_charset_lookup("", 0, canon), WC_CHARSET_UNKNOWN);
    assert_int_equal(wc_charset_lookup("utf-8\"><script>", 15, canon), WC_CHARSET_UNKNOWN);
}

static void test_windows_1252(void **state)
{
    size_t r;
    char *s;

    (void)state;
    /* curly quotes, euro sign, e acute; 0x81 is unassigned and becomes U+FFFD */
    s = conv("windows-1252",
             "\x93"
             "caf\xe9\x94 \x80"
             "5 \x81",
             11, &r);
    assert_string_equal(s, "\xE2\x80\x9C"
                           "caf\xC3\xA9\xE2\x80\x9D \xE2\x82\xAC"
                           "5 \xEF\xBF\xBD");
    assert_int_equal(r, 1);
    free(s);
}

static void test_utf8_repair(void **state)
{
    size_t r;
    char *s;

    (void)state;
    /* valid UTF-8 passes; stray 1252 bytes are read as 1252; NUL and controls go */
    s = conv("utf-8", "na\xC3\xAFve \x93ok\x94\x00\x01 it\x92s",
             sizeof("na\xC3\xAFve \x93ok\x94\x00\x01 it\x92s") - 1, &r);
    assert_string_equal(s, "na\xC3\xAFve \xE2\x80\x9Cok\xE2\x80\x9D it\xE2\x80\x99s");
    assert_int_equal(r, 3); /* the three bytes read as windows-1252 */
    free(s);
    /* a C1 control encoded as UTF-8 is a 1252 character run through latin1 */
    s = conv(NULL, "it\xC2\x92s", 5, &r);
    assert_string_equal(s, "it\xE2\x80\x99s");
    free(s);
    /* truncated sequence at the end */
    s = conv("utf-8", "abc\xE2\x82", 5, &r);
    assert_true(wc_utf8_valid(s, strlen(s)));
    assert_memory_equal(s, "abc", 3);
    free(s);
}

static void test_utf16(void **state)
{
    size_t r;
    char *s;

    (void)state;
    /* "hé" + U+1F600 (surrogate pair) + a lone surrogate */
    s = conv("utf-16le", "h\0\xe9\0\x3d\xd8\x00\xde\x00\xd8", 10, &r);
    assert_string_equal(s, "h\xC3\xA9\xF0\x9F\x98\x80\xEF\xBF\xBD");
    assert_int_equal(r, 1);
    free(s);
    s = conv("utf-16be", "\0h\0i", 4, &r);
    assert_string_equal(s, "hi");
    free(s);
}

static void test_iconv(void **state)
{
    size_t r;
    char *s;

    (void)state;
    /* "Москва" in windows-1251 */
    s = conv("windows-1251", "\xcc\xee\xf1\xea\xe2\xe0", 6, &r);
    assert_string_equal(s, "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0");
    free(s);
    /* "日本" in Shift_JIS, then an invalid lead byte */
    s = conv("shift_jis", "\x93\xfa\x96\x7b\xff", 5, &r);
    assert_true(!strncmp(s, "\xE6\x97\xA5\xE6\x9C\xAC", 6));
    assert_int_equal(r, 1);
    free(s);
}

static void test_mojibake(void **state)
{
    wc_buf b = WC_BUF_INIT;
    wc_status st;
    /* "it’s café — “ok”" run through a 1252 reading and written as UTF-8 again */
    static const char bad[] = "it\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2s caf\xC3\x83\xC2\xA9 "
                              "\xC3\xA2\xE2\x82\xAC\xE2\x80\x9D ok, S\xC3\x83O Paulo";

    (void)state;
    assert_int_equal(wc_charset_fix_mojibake(bad, sizeof(bad) - 1, &b, &st), 3);
    assert_int_equal(st, WC_OK);
    assert_string_equal(b.buf, "it\xE2\x80\x99s caf\xC3\xA9 \xE2\x80\x94 ok, S\xC3\x83O Paulo");
    wc_buf_release(&b);
    /* clean text passes unchanged */
    assert_int_equal(wc_charset_fix_mojibake("na\xC3\xAFve", 6, &b, &st), 0);
    assert_string_equal(b.buf, "na\xC3\xAFve");
    wc_buf_release(&b);
}

/* Convert with flags through wc_charset_convert; returns its status, *out the text. */
static wc_status conv_flags(wc_charset cs, const char *canon, const char *p, size_t len,
                            unsigned flags, char **out, size_t *replaced)
{
    wc_buf b = WC_BUF_INIT;
    wc_status st;

    *replaced = 0;
    st = wc_charset_convert(cs, canon, p, len, flags, &b, replaced);
    if (!st)
        assert_true(wc_utf8_valid(b.buf, b.len));
    *out = wc_buf_detach(&b, NULL);
    return st;
}

/* The flags the feed reader tries encodings with. */
static void test_strict(void **state)
{
    size_t r;
    char *s;

    (void)state;
    /* strict UTF-8: any ill-formed byte fails, so the caller can try another encoding */
    assert_int_equal(conv_flags(WC_CHARSET_UTF8, NULL, "caf\xE9", 4, WC_CHARSET_STRICT, &s, &r),
                     WC_ERR_PARSE);
    free(s);
    assert_int_equal(conv_flags(WC_CHARSET_UTF8, NULL, "caf\xC3\xA9", 5, WC_CHARSET_STRICT, &s, &r),
                     WC_OK);
    assert_string_equal(s, "caf\xC3\xA9");
    free(s);
    /* strict windows-1252: the five unassigned bytes fail, the others decode */
    assert_int_equal(
        conv_flags(WC_CHARSET_WINDOWS_1252, NULL, "a\x81", 2, WC_CHARSET_STRICT, &s, &r),
        WC_ERR_PARSE);
    free(s);
    assert_int_equal(
        conv_flags(WC_CHARSET_WINDOWS_1252, NULL, "\x93q\x94", 3, WC_CHARSET_STRICT, &s, &r),
        WC_OK);
    assert_string_equal(s, "\xE2\x80\x9Cq\xE2\x80\x9D");
    free(s);
    /* strict UTF-16: a lone surrogate or an odd last byte fails */
    assert_int_equal(
        conv_flags(WC_CHARSET_UTF16LE, NULL, "a\0\x00\xD8", 4, WC_CHARSET_STRICT, &s, &r),
        WC_ERR_PARSE);
    free(s);
    assert_int_equal(conv_flags(WC_CHARSET_UTF16BE, NULL, "\0a\0", 3, WC_CHARSET_STRICT, &s, &r),
                     WC_ERR_PARSE);
    free(s);
    /* strict iconv: an invalid byte fails; a name no decoder knows is WC_ERR_ENCODING */
    assert_int_equal(
        conv_flags(WC_CHARSET_OTHER, "CP932", "\x93\xfa\xff", 3, WC_CHARSET_STRICT, &s, &r),
        WC_ERR_PARSE);
    free(s);
    assert_int_equal(
        conv_flags(WC_CHARSET_OTHER, "X-NO-SUCH-CODE", "abc", 3, WC_CHARSET_STRICT, &s, &r),
        WC_ERR_ENCODING);
    free(s);
    /* not strict, the unknown name falls back to the UTF-8 repair */
    assert_int_equal(conv_flags(WC_CHARSET_OTHER, "X-NO-SUCH-CODE", "a\x93", 2, 0, &s, &r), WC_OK);
    assert_string_equal(s, "a\xE2\x80\x9C");
    free(s);
    /* any name iconv knows works with WC_CHARSET_OTHER, WHATWG label or not (UTF-32) */
    assert_int_equal(
        conv_flags(WC_CHARSET_OTHER, "UTF-32LE", "h\0\0\0\xe9\0\0\0", 8, WC_CHARSET_STRICT, &s, &r),
        WC_OK);
    assert_string_equal(s, "h\xC3\xA9");
    free(s);
}

static void test_keep_controls(void **state)
{
    size_t r;
    char *s;

    (void)state;
    /* by default controls go and a C1 control is its windows-1252 character */
    assert_int_equal(conv_flags(WC_CHARSET_UTF8, NULL, "a\x01\x7F\xC2\x93\0b", 7, 0, &s, &r),
                     WC_OK);
    assert_string_equal(s, "a\xE2\x80\x9C"
                           "b");
    assert_int_equal(r, 1);
    free(s);
    /* kept: everything but NUL stays for the caller to judge */
    assert_int_equal(conv_flags(WC_CHARSET_UTF8, NULL, "a\x01\x7F\xC2\x93\0b", 7,
                                WC_CHARSET_KEEP_CONTROLS, &s, &r),
                     WC_OK);
    assert_string_equal(s, "a\x01\x7F\xC2\x93"
                           "b");
    assert_int_equal(r, 0);
    free(s);
    /* the same rules after every decoder: windows-1252, UTF-16 and iconv */
    assert_int_equal(conv_flags(WC_CHARSET_WINDOWS_1252, NULL,
                                "a\x01"
                                "b",
                                3, 0, &s, &r),
                     WC_OK);
    assert_string_equal(s, "ab");
    free(s);
    assert_int_equal(conv_flags(WC_CHARSET_WINDOWS_1252, NULL,
                                "a\x01"
                                "b",
                                3, WC_CHARSET_KEEP_CONTROLS, &s, &r),
                     WC_OK);
    assert_string_equal(s, "a\x01"
                           "b");
    free(s);
    /* U+0093 in UTF-16: "“" by default, itself when kept */
    assert_int_equal(conv_flags(WC_CHARSET_UTF16LE, NULL, "\x93\0x\0", 4, 0, &s, &r), WC_OK);
    assert_string_equal(s, "\xE2\x80\x9Cx");
    free(s);
    assert_int_equal(
        conv_flags(WC_CHARSET_UTF16LE, NULL, "\x93\0x\0", 4, WC_CHARSET_KEEP_CONTROLS, &s, &r),
        WC_OK);
    assert_string_equal(s, "\xC2\x93x");
    free(s);
    assert_int_equal(conv_flags(WC_CHARSET_OTHER, "KOI8-R",
                                "a\x02"
                                "b",
                                3, 0, &s, &r),
                     WC_OK);
    assert_string_equal(s, "ab");
    free(s);
}

/* A page and a JSONL line with the same stray byte read the same (the one policy). */
static void test_one_policy(void **state)
{
    wc_buf a = WC_BUF_INIT, b = WC_BUF_INIT;
    static const char in[] = "\x93Yes,\x94 caf\xE9 \x96 na\xC3\xAFve\x9D";
    size_t r = 0;

    (void)state;
    assert_int_equal(wc_charset_to_utf8("utf-8", in, sizeof(in) - 1, &a, NULL), WC_OK);
    assert_int_equal(wc_utf8_repair(&b, in, sizeof(in) - 1, 0, &r), WC_OK);
    assert_string_equal(a.buf, b.buf);
    assert_string_equal(a.buf, "\xE2\x80\x9CYes,\xE2\x80\x9D caf\xC3\xA9 \xE2\x80\x93 "
                               "na\xC3\xAFve\xEF\xBF\xBD");
    assert_int_equal(r, 5);
    assert_true(wc_charset_utf8_clean(a.buf, a.len));
    wc_buf_release(&a);
    wc_buf_release(&b);
}

/* The charset parameter of a Content-Type: the one parser WARC, feed and follow use. */
static void test_param(void **state)
{
    static const struct {
        const char *ct, *want; /* want NULL: none */
    } cases[] = {
        {"text/html; charset=utf-8", "utf-8"},
        {"text/html;charset=\"ISO-8859-1\"", "ISO-8859-1"},
        {"text/html; Charset = 'koi8-r' ; q=1", "koi8-r"},
        {"application/rss+xml; version=2; charset=windows-1252", "windows-1252"},
        {"text/html", NULL},
        {"text/html; charset=", NULL},
        {"text/html; xcharset=utf-8", NULL},
        {"charset=utf-8", NULL}, /* a parameter follows a ';' */
        {"text/html; charset=utf-8\"><script>", NULL},
        {"text/html; charset=a-label-far-too-long-to-name-any-encoding-at-all", NULL},
    };
    size_t i, n;
    const char *l;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool got = wc_charset_param(cases[i].ct, strlen(cases[i].ct), &l, &n);
        if (got != (cases[i].want != NULL) ||
            (got && (n != strlen(cases[i].want) || memcmp(l, cases[i].want, n))))
            fail_msg("'%s': got %d '%.*s'", cases[i].ct, got, got ? (int)n : 0, got ? l : "");
    }
    assert_false(wc_charset_param(NULL, 0, &l, &n));
}

static void test_cap(void **state)
{
    wc_buf b;

    (void)state;
    wc_buf_init(&b, 4);
    assert_int_equal(wc_charset_to_utf8("windows-1252", "\xe9\xe9\xe9", 3, &b, NULL), WC_ERR_LIMIT);
    wc_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels),      cmocka_unit_test(test_windows_1252),
        cmocka_unit_test(test_utf8_repair), cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_iconv),       cmocka_unit_test(test_mojibake),
        cmocka_unit_test(test_strict),      cmocka_unit_test(test_keep_controls),
        cmocka_unit_test(test_one_policy),  cmocka_unit_test(test_param),
        cmocka_unit_test(test_cap),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
