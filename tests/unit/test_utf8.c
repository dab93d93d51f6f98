/*
 * test_utf8.c - utf8.c: the decoder and encoder, the validator, the one
 * repair policy every source of text goes through (and its fixed point),
 * the windows-1252 table, and the binary-junk test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

/* A string literal as (p, len), NULs inside counted. */
#define LIT(s) s, sizeof(s) - 1

/* Repair p[0..len) with flags; the result as a malloc'd string, *fixed the count. */
static char *repair(const char *p, size_t len, unsigned flags, size_t *fixed)
{
    wc_buf b = WC_BUF_INIT;

    *fixed = 0;
    assert_int_equal(wc_utf8_repair(&b, p, len, flags, fixed), WC_OK);
    assert_true(wc_utf8_valid(b.buf, b.len));
    return wc_buf_detach(&b, NULL);
}

static void test_decode_encode(void **state)
{
    static const uint32_t cps[] = {0x24,   0x7F,   0x80,   0xA2,   0x7FF,   0x800,   0x20AC,
                                   0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
    char enc[4];
    uint32_t cp;
    size_t i, n;

    (void)state;
    for (i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
        n = wc_utf8_encode(cps[i], enc);
        assert_int_equal(n, cps[i] < 0x80 ? 1 : cps[i] < 0x800 ? 2 : cps[i] < 0x10000 ? 3 : 4);
        assert_int_equal(wc_utf8_decode(enc, n, &cp), n);
        assert_int_equal(cp, cps[i]);
        assert_true(wc_utf8_valid(enc, n));
        /* one byte short is no character */
        if (n > 1)
            assert_int_equal(wc_utf8_decode(enc, n - 1, &cp), 0);
    }
    /* what cannot be encoded is U+FFFD: surrogates and past U+10FFFF */
    assert_int_equal(wc_utf8_encode(0xD800, enc), 3);
    assert_memory_equal(enc, "\xEF\xBF\xBD", 3);
    assert_int_equal(wc_utf8_encode(0x110000, enc), 3);
    assert_memory_equal(enc, "\xEF\xBF\xBD", 3);
    /* the 3-byte sequences of Table 3-7 */
    assert_int_equal(wc_utf8_decode("\xE2\x82\xAC", 3, &cp), 3);
    assert_int_equal(cp, 0x20AC);
    assert_int_equal(wc_utf8_decode("", 0, &cp), 0);
}

static void test_validator(void **state)
{
    (void)state;
    assert_true(wc_utf8_valid(LIT("")));
    assert_true(wc_utf8_valid(LIT("plain ascii, long enough for the 8-byte path")));
    assert_true(wc_utf8_valid(LIT("na\xC3\xAFve \xE2\x80\x9C\xF0\x9F\x98\x80")));
    assert_false(wc_utf8_valid(LIT("caf\xE9")));          /* a lone Latin-1 byte */
    assert_false(wc_utf8_valid(LIT("\xC0\xAF")));         /* overlong '/' */
    assert_false(wc_utf8_valid(LIT("\xE0\x80\xAF")));     /* overlong, 3 bytes */
    assert_false(wc_utf8_valid(LIT("\xED\xA0\x80")));     /* a surrogate */
    assert_false(wc_utf8_valid(LIT("\xF4\x90\x80\x80"))); /* past U+10FFFF */
    assert_false(wc_utf8_valid(LIT("\xF5\x80\x80\x80")));
    assert_false(wc_utf8_valid(LIT("abc\xE2\x82"))); /* cut short */
    assert_false(wc_utf8_valid(LIT("\x80")));        /* a lone continuation */
    /* the fast path must not skip a bad byte in the middle of an 8-byte block */
    assert_false(wc_utf8_valid(LIT("aaaaaaaaaaa\xFFzzzzzzzzzzzz")));
    /* well-formed but not clean: C1 and C0 controls, NUL, DEL */
    assert_true(wc_utf8_valid(LIT("it\xC2\x92s")));
    assert_false(wc_utf8_clean(LIT("it\xC2\x92s")));
    assert_false(wc_utf8_clean(LIT("a\x01z")));
    assert_false(wc_utf8_clean(LIT("a\0z")));
    assert_false(wc_utf8_clean(LIT("a\x7Fz")));
    assert_true(wc_utf8_clean(LIT("tab\there\r\nnew line \xC2\xA0 \xE2\x80\x99")));
    assert_false(wc_utf8_clean(LIT("caf\xE9")));
}

static void test_repair_policy(void **state)
{
    size_t fixed;
    char *s;

    (void)state;
    /* well-formed text passes unchanged and counts nothing */
    s = repair(LIT("na\xC3\xAFve \xE2\x80\x9C"), 0, &fixed);
    assert_string_equal(s, "na\xC3\xAFve \xE2\x80\x9C");
    assert_int_equal(fixed, 0);
    free(s);
    /* stray windows-1252 punctuation and Latin-1 letters read as windows-1252 */
    s = repair(LIT("\x93Yes,\x94 caf\xE9 \x96 it\x92s"), 0, &fixed);
    assert_string_equal(s, "\xE2\x80\x9CYes,\xE2\x80\x9D caf\xC3\xA9 \xE2\x80\x93 it\xE2\x80\x99s");
    assert_int_equal(fixed, 5);
    free(s);
    /* a C1 control is its windows-1252 character (JSON's "\u0092" after decoding) */
    s = repair(LIT("it\xC2\x92s \xC2\x80"), 0, &fixed);
    assert_string_equal(s, "it\xE2\x80\x99s \xE2\x82\xAC");
    assert_int_equal(fixed, 2);
    free(s);
    /* unassigned bytes, alone or as C1 controls, become U+FFFD */
    s = repair("a\x81"
               "b\xC2\x9D"
               "c",
               6, 0, &fixed);
    assert_string_equal(s, "a\xEF\xBF\xBD"
                           "b\xEF\xBF\xBD"
                           "c");
    assert_int_equal(fixed, 2);
    free(s);
    /* a sequence cut short: each byte is read on its own, nothing is swallowed */
    s = repair(LIT("\xE2\x80x"), 0, &fixed);
    assert_string_equal(s, "\xC3\xA2\xE2\x82\xAC"
                           "x");
    free(s);
    /* overlongs and surrogates are ill-formed: their bytes read as windows-1252 */
    s = repair(LIT("\xC0\xAF"), 0, &fixed);
    assert_string_equal(s, "\xC3\x80\xC2\xAF");
    assert_int_equal(fixed, 2);
    free(s);
    s = repair(LIT("\xED\xA0\x80"), 0, &fixed);
    assert_string_equal(s, "\xC3\xAD\xC2\xA0\xE2\x82\xAC");
    free(s);
    /* NUL, other C0 controls and DEL dropped; tab, LF, CR kept; dropping is not mending */
    s = repair("a\0b\x01\x1B\x7F"
               "c\td\r\ne",
               12, 0, &fixed);
    assert_string_equal(s, "abc\td\r\ne");
    assert_int_equal(fixed, 0);
    free(s);
}

static void test_repair_keep_controls(void **state)
{
    size_t fixed;
    char *s;

    (void)state;
    /* controls but NUL stay, C1 ones too; ill-formed bytes are still read as windows-1252 */
    s = repair(LIT("a\0b\x01\x7F\xC2\x93"
                   "c\x93"),
               WC_UTF8_KEEP_CONTROLS, &fixed);
    assert_string_equal(s, "ab\x01\x7F\xC2\x93"
                           "c\xE2\x80\x9C");
    assert_int_equal(fixed, 1);
    free(s);
}

/* The repair's output is clean and a second repair changes nothing, on any input. */
static void test_repair_fixed_point(void **state)
{
    unsigned char in[256 * 3];
    wc_buf a = WC_BUF_INIT, b = WC_BUF_INIT;
    size_t i, fixed = 0;
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    int round;

    (void)state;
    for (i = 0; i < 256; i++) { /* every byte, alone and after a lead byte */
        in[3 * i] = (unsigned char)i;
        in[3 * i + 1] = 0xC2;
        in[3 * i + 2] = (unsigned char)(i ^ 0x80);
    }
    for (round = 0; round < 200; round++) {
        wc_buf_reset(&a);
        wc_buf_reset(&b);
        assert_int_equal(wc_utf8_repair(&a, (const char *)in, sizeof(in), 0, &fixed), WC_OK);
        assert_true(wc_utf8_valid(a.buf, a.len));
        assert_true(wc_utf8_clean(a.buf, a.len));
        fixed = 0;
        assert_int_equal(wc_utf8_repair(&b, a.buf, a.len, 0, &fixed), WC_OK);
        assert_int_equal(fixed, 0);
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.buf, b.buf, a.len);
        for (i = 0; i < sizeof(in); i++) { /* shuffle for the next round (xorshift) */
            size_t j;
            unsigned char t;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            j = (size_t)(x % sizeof(in));
            t = in[i];
            in[i] = in[j];
            in[j] = t;
        }
    }
    wc_buf_release(&a);
    wc_buf_release(&b);
}

static void test_repair_limit(void **state)
{
    wc_buf b;

    (void)state;
    wc_buf_init(&b, 4);
    /* three windows-1252 letters are 6 bytes of UTF-8: over the cap of 4 */
    assert_int_equal(wc_utf8_repair(&b, "\xE9\xE9\xE9", 3, 0, NULL), WC_ERR_LIMIT);
    wc_buf_release(&b);
    /* the old name is the same repair */
    {
        wc_buf c = WC_BUF_INIT;
        size_t n = 0;
        assert_int_equal(wc_utf8_sanitize(&c, "caf\xE9", 4, &n), WC_OK);
        assert_string_equal(c.buf, "caf\xC3\xA9");
        assert_int_equal(n, 1);
        wc_buf_release(&c);
    }
}

static void test_cp1252(void **state)
{
    unsigned c;

    (void)state;
    assert_int_equal(wc_cp1252_decode(0x41), 0x41);
    assert_int_equal(wc_cp1252_decode(0x80), 0x20AC);
    assert_int_equal(wc_cp1252_decode(0x93), 0x201C);
    assert_int_equal(wc_cp1252_decode(0x9F), 0x0178);
    assert_int_equal(wc_cp1252_decode(0xE9), 0xE9);
    assert_int_equal(wc_cp1252_decode(0x81), 0);
    assert_int_equal(wc_cp1252_decode(0x8D), 0);
    assert_int_equal(wc_cp1252_decode(0x8F), 0);
    assert_int_equal(wc_cp1252_decode(0x90), 0);
    assert_int_equal(wc_cp1252_decode(0x9D), 0);
    /* encode inverts decode for every assigned byte */
    for (c = 0; c < 256; c++) {
        uint32_t cp = wc_cp1252_decode((unsigned char)c);
        if (cp)
            assert_int_equal(wc_cp1252_encode(cp), (int)c);
    }
    assert_int_equal(wc_cp1252_encode(0x93), -1); /* a C1 control has no byte */
    assert_int_equal(wc_cp1252_encode(0x4E2D), -1);
}

static void test_looks_binary(void **state)
{
    char junk[400];
    size_t i;

    (void)state;
    assert_false(wc_looks_binary(LIT("")));
    assert_false(wc_looks_binary(LIT("<html><body>\tText\r\n\f</body></html>")));
    assert_false(wc_looks_binary(LIT("\x1B$B"))); /* ISO-2022-JP's escapes are text */
    /* a UTF-16 BOM: its NULs are text */
    assert_false(wc_looks_binary(LIT("\xFF\xFE<\0h\0")));
    assert_false(wc_looks_binary(LIT("\xFE\xFF\0<\0h")));
    for (i = 0; i < sizeof(junk); i++)
        junk[i] = 'a';
    /* 4 control bytes in 400: 1 in 100 is still text, 5 is not */
    junk[10] = junk[20] = junk[30] = junk[40] = '\0';
    assert_false(wc_looks_binary(junk, sizeof(junk)));
    junk[50] = '\x7F';
    assert_true(wc_looks_binary(junk, sizeof(junk)));
    assert_true(wc_looks_binary(LIT("\0\x01\x02\x03")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_encode),
        cmocka_unit_test(test_validator),
        cmocka_unit_test(test_repair_policy),
        cmocka_unit_test(test_repair_keep_controls),
        cmocka_unit_test(test_repair_fixed_point),
        cmocka_unit_test(test_repair_limit),
        cmocka_unit_test(test_cp1252),
        cmocka_unit_test(test_looks_binary),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
