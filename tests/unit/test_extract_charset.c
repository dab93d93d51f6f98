/*
 * test_extract_charset.c - how a page's encoding is decided: byte order
 * mark, HTTP charset, <meta charset>, <meta http-equiv>, <?xml encoding?>,
 * comments skipped by the pre-scan, and the output always UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/extract.h"
#include "wirecopy/wirecopy.h"

#include "extract/extract_internal.h"
#include "internal.h"

static wc_charset sniff(const char *html, char *canon)
{
    size_t bom;

    return ex_charset_sniff(html, strlen(html), canon, &bom);
}

static void test_sniff_meta_forms(void **state)
{
    char canon[WC_CHARSET_NAME_MAX];

    (void)state;
    assert_int_equal(sniff("<html><head><meta charset=\"windows-1251\">", canon), WC_CHARSET_OTHER);
    assert_string_equal(canon, "WINDOWS-1251");
    assert_int_equal(
        sniff("<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=ISO-8859-1\">",
              canon),
        WC_CHARSET_WINDOWS_1252);
    assert_int_equal(
        sniff("<meta content='text/html;charset=shift_jis' http-equiv='content-type'>", canon),
        WC_CHARSET_OTHER);
    assert_string_equal(canon, "CP932");
    assert_int_equal(sniff("<?xml version=\"1.0\" encoding=\"UTF-8\"?><html>", canon),
                     WC_CHARSET_UTF8);
    /* a meta inside a comment is not a declaration */
    assert_int_equal(sniff("<!-- <meta charset=\"koi8-r\"> --><meta charset=\"utf-8\">", canon),
                     WC_CHARSET_UTF8);
    /* utf-16 in a meta means utf-8 (the page was readable as ASCII) */
    assert_int_equal(sniff("<meta charset=\"utf-16\">", canon), WC_CHARSET_UTF8);
    assert_int_equal(sniff("<html><p>no declaration</p>", canon), WC_CHARSET_UNKNOWN);
    assert_int_equal(sniff("<meta name=\"x\" content=\"charset=koi8-r\">", canon),
                     WC_CHARSET_UNKNOWN);
}

static void test_sniff_bom(void **state)
{
    size_t bom;

    (void)state;
    assert_int_equal(ex_charset_sniff("\xEF\xBB\xBF<meta charset=latin1>", 24, NULL, &bom),
                     WC_CHARSET_UTF8);
    assert_int_equal(bom, 3);
    assert_int_equal(ex_charset_sniff("\xFF\xFE<\0", 4, NULL, &bom), WC_CHARSET_UTF16LE);
    assert_int_equal(bom, 2);
}

static void test_sniff_limit(void **state)
{
    char *page = malloc(40000), canon[WC_CHARSET_NAME_MAX];

    (void)state;
    assert_non_null(page);
    memset(page, ' ', 40000);
    memcpy(page, "<html>", 6);
    memcpy(page + 30000, "<meta charset=\"koi8-r\">", 23);
    page[39999] = '\0';
    /* declarations past the pre-scan window are not honoured (the parser is already reading) */
    assert_int_equal(sniff(page, canon), WC_CHARSET_UNKNOWN);
    free(page);
}

/* Extract `html` with an HTTP charset and return the text (caller frees). */
static char *text_of(const char *html, size_t len, const char *http_charset)
{
    wc_article a;
    wc_extract_opts o = {NULL, http_charset, 0};
    wc_error err = WC_ERROR_INIT;
    char *t;

    wc_article_init(&a);
    assert_int_equal(wc_extract_html(html, len, &o, &a, &err), WC_OK);
    assert_true(wc_utf8_valid(a.text, a.text_len));
    t = a.text;
    a.text = NULL;
    wc_article_release(&a);
    return t;
}

#define PARA1                                                                                      \
    "caf\xe9 au lait is what the caf\xe9 on the corner of the square sells most in the morning, "  \
    "the owner said on Tuesday."
#define PARA2                                                                                      \
    "He has run the place for thirty years and says the recipe has not changed once in all that "  \
    "time, whatever the fashion."
#define PARA3                                                                                      \
    "Customers come from the whole valley, and on market days the queue reaches the fountain in "  \
    "the middle of the square."

static void test_http_charset_wins_over_meta(void **state)
{
    static const char page[] = "<html><head><meta charset=\"utf-8\"></head><body><div><p>" PARA1
                               "</p><p>" PARA2 "</p><p>" PARA3 "</p></div></body></html>";
    char *t;

    (void)state;
    t = text_of(page, sizeof(page) - 1, "ISO-8859-1");
    assert_non_null(strstr(t, "caf\xC3\xA9 au lait"));
    free(t);
    /* without the header the meta says UTF-8; the stray byte is still read as 1252 */
    t = text_of(page, sizeof(page) - 1, NULL);
    assert_non_null(strstr(t, "caf\xC3\xA9 au lait"));
    free(t);
}

static void test_declared_latin1_but_utf8(void **state)
{
    static const char page[] =
        "<html><head><meta charset=\"iso-8859-1\"></head><body><div><p>Caf\xC3\xA9s and "
        "na\xC3\xAFve \xE2\x80\x9Cquotes\xE2\x80\x9D fill this sentence, which is written in UTF-8 "
        "although its page claims to be latin1 as old templates do.</p><p>" PARA2 "</p><p>" PARA3
        "</p></div></body></html>";
    char *t;

    (void)state;
    t = text_of(page, sizeof(page) - 1, NULL);
    assert_non_null(strstr(t, "Caf\xC3\xA9s and na\xC3\xAFve \xE2\x80\x9Cquotes\xE2\x80\x9D"));
    free(t);
}

static void test_bom_wins_over_http(void **state)
{
    static const char page[] = "\xEF\xBB\xBF<html><body><div><p>Caf\xC3\xA9 " PARA2 "</p><p>" PARA3
                               "</p><p>" PARA2 "</p></div></body></html>";
    char *t;

    (void)state;
    t = text_of(page, sizeof(page) - 1, "windows-1252");
    assert_true(!strncmp(t, "Caf\xC3\xA9 He has", 11));
    free(t);
}

static void test_entities_and_spaces(void **state)
{
    static const char page[] =
        "<html><body><div><p>Fish&nbsp;&amp;&nbsp;chips cost &euro;12 &mdash; a price\n\n\t  the "
        "owner calls &#8220;fair&#8221;&#x2c; though regulars\xC2\xAD disagree loudly.</p><p>" PARA2
        "</p><p>" PARA3 "</p></div></body></html>";
    char *t;

    (void)state;
    t = text_of(page, sizeof(page) - 1, "utf-8");
    assert_true(!strncmp(t,
                         "Fish & chips cost \xE2\x82\xAC"
                         "12 \xE2\x80\x94 a price the owner calls "
                         "\xE2\x80\x9C"
                         "fair\xE2\x80\x9D, though regulars disagree loudly.",
                         strlen("Fish & chips cost \xE2\x82\xAC"
                                "12 \xE2\x80\x94 a price the owner "
                                "calls \xE2\x80\x9C"
                                "fair\xE2\x80\x9D, though regulars disagree "
                                "loudly.")));
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff_meta_forms),
        cmocka_unit_test(test_sniff_bom),
        cmocka_unit_test(test_sniff_limit),
        cmocka_unit_test(test_http_charset_wins_over_meta),
        cmocka_unit_test(test_declared_latin1_but_utf8),
        cmocka_unit_test(test_bom_wins_over_http),
        cmocka_unit_test(test_entities_and_spaces),
    };

    wc_global_init(NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
