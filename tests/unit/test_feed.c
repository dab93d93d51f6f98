/*
 * test_feed.c - what every format shares: charset detection, tolerance
 * of broken documents, XXE and billion laughs, caps, base URLs, and
 * telling a feed from what is not one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "wirecopy/buf.h"
#include "feed_fixture.h"

static wc_feed *parse_ct(const char *s, const char *ctype)
{
    wc_feed_input in = {s, strlen(s), NULL, ctype, NULL, NULL, NULL};
    wc_feed *f = NULL;
    wc_error err = WC_ERROR_INIT;

    if (wc_feed_parse(&in, &f, &err))
        fail_msg("parse failed: %s", err.msg);
    return f;
}

static void test_charsets(void **state)
{
    wc_feed *f;
    size_t len;
    char *p;

    (void)state;
    f = parse_file("latin1.xml", NULL);
    assert_string_equal(f->encoding, "iso-8859-1");
    assert_string_equal(f->title, "Caf\xC3\xA9 cr\xC3\xA8me");
    assert_false(f->bozo);
    wc_feed_free(f);

    /* declared latin-1, really UTF-8: "CafÃ©" is what latin-1 gives, which is valid;
     * the HTTP charset wins over the declaration (RFC 7303) */
    p = slurp("wrongdecl.xml", &len);
    {
        wc_feed_input in = {p,    len,  NULL, "application/rss+xml; charset=\"UTF-8\"",
                            NULL, NULL, NULL};
        wc_error err = WC_ERROR_INIT;
        assert_int_equal(wc_feed_parse(&in, &f, &err), WC_OK);
        assert_string_equal(f->encoding, "utf-8");
        assert_string_equal(f->title, "Caf\xC3\xA9");
        wc_feed_free(f);
    }
    free(p);

    f = parse_file("utf16le-bom.xml", NULL);
    assert_string_equal(f->encoding, "utf-16le");
    assert_string_equal(f->title, "\xC3\x9C"
                                  "ber \xE6\x96\xB0\xE9\x97\xBB");
    assert_string_equal(f->entries[0].title, "\xCE\xB1\xCE\xB2");
    wc_feed_free(f);

    /* UTF-16 without a BOM, blanks before the first '<' */
    {
        static const char le[] = " \0\n\0<\0r\0s\0s\0>\0<\0t\0i\0t\0l\0e\0>\0\xe9\0<\0/\0t\0"
                                 "i\0t\0l\0e\0>\0<\0/\0r\0s\0s\0>\0";
        wc_feed_input in = {le, sizeof(le) - 1, NULL, NULL, NULL, NULL, NULL};
        wc_error err = WC_ERROR_INIT;
        assert_int_equal(wc_feed_parse(&in, &f, &err), WC_OK);
        assert_string_equal(f->encoding, "utf-16le");
        assert_string_equal(f->title, "\xC3\xA9");
        wc_feed_free(f);
    }

    f = parse_file("utf16be-nobom.xml", NULL);
    assert_string_equal(f->encoding, "utf-16be");
    assert_string_equal(f->entries[0].title, "\xCE\xB1\xCE\xB2");
    wc_feed_free(f);

    /* text/xml without charset is US-ASCII (RFC 3023); UTF-8 bytes then fall back, bozo */
    f = parse_ct("<rss><channel><title>na\xC3\xAFve</title></channel></rss>", "text/xml");
    assert_string_equal(f->title, "na\xC3\xAFve");
    assert_true(f->bozo);
    wc_feed_free(f);
    f = parse_ct("<rss><channel><title>plain</title></channel></rss>", "text/xml");
    assert_string_equal(f->encoding, "us-ascii");
    assert_false(f->bozo);
    wc_feed_free(f);

    /* a label that is no charset name at all is ignored, never half-read */
    f = parse_ct("<?xml version=\"1.0\" encoding=\"it&em8\"?><rss><channel><title>x</title>"
                 "</channel></rss>",
                 NULL);
    assert_string_equal(f->encoding, "utf-8");
    wc_feed_free(f);

    /* an unknown charset: UTF-8, bozo */
    f = parse_ct("<?xml version=\"1.0\" encoding=\"bogus\"?><rss><channel><title>x</title>"
                 "</channel></rss>",
                 NULL);
    assert_string_equal(f->encoding, "utf-8");
    assert_true(f->bozo);
    wc_feed_free(f);

    /* windows-1252 punctuation behind C1 references, and doubly encoded UTF-8, are repaired */
    f = parse_ct("<rss><channel><title>a&#150;b &#147;q&#148;</title><item>"
                 "<title>Caf\xC3\x83\xC2\xA9</title><link>http://x.example/?a=1&amp;amp;b=2</link>"
                 "</item></channel></rss>",
                 NULL);
    assert_string_equal(f->title, "a\xE2\x80\x93"
                                  "b \xE2\x80\x9Cq\xE2\x80\x9D");
    assert_string_equal(f->entries[0].title, "Caf\xC3\xA9");
    assert_string_equal(f->entries[0].link, "http://x.example/?a=1&b=2");
    wc_feed_free(f);

    /* not UTF-8 and nothing declared: windows-1252 is the last resort, bozo */
    f = parse_ct("<rss><channel><title>a\xFF"
                 "b</title></channel></rss>",
                 "application/xml");
    assert_string_equal(f->title, "a\xC3\xBF"
                                  "b");
    assert_string_equal(f->encoding, "windows-1252");
    assert_true(f->bozo);
    wc_feed_free(f);
    /* a UTF-8 BOM leaves no choice: invalid bytes are repaired (read as windows-1252,
       utf8.c's policy; an unassigned one becomes U+FFFD), never invalid output */
    f = parse_ct("\xEF\xBB\xBF<rss><channel><title>a\xFF"
                 "b\x81</title></channel></rss>",
                 NULL);
    assert_string_equal(f->title, "a\xC3\xBF"
                                  "b\xEF\xBF\xBD");
    assert_true(f->bozo);
    wc_feed_free(f);
}

/* Strings leave the parser through the one repair: C1 references are windows-1252, DEL goes. */
static void test_strings_repaired(void **state)
{
    wc_feed *f;

    (void)state;
    f = parse_ct("<rss><channel><title>a&#150;b&#127;c&#157;d</title>"
                 "<item><title>it&#146;s \xC2\x93ok\xC2\x94</title></item></channel></rss>",
                 NULL);
    assert_string_equal(f->title, "a\xE2\x80\x93"
                                  "bc\xEF\xBF\xBD"
                                  "d");
    assert_string_equal(f->entries[0].title, "it\xE2\x80\x99s \xE2\x80\x9Cok\xE2\x80\x9D");
    wc_feed_free(f);
    /* double encoding through latin-1 is undone before C1 controls are read: "\u00e2\u0080\u0099"
     */
    f = parse_ct("<rss><channel><title>it\xC3\xA2\xC2\x80\xC2\x99s caf\xC3\x83\xC2\xA9</title>"
                 "</channel></rss>",
                 NULL);
    assert_string_equal(f->title, "it\xE2\x80\x99s caf\xC3\xA9");
    wc_feed_free(f);
    /* and through windows-1252, the commoner road ("â€™" for ’), as pages have it undone;
       a text with real accents beside it keeps them */
    f = parse_ct("<rss><channel><title>it\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2s na\xC3\xAFve</title>"
                 "</channel></rss>",
                 NULL);
    assert_string_equal(f->title, "it\xE2\x80\x99s na\xC3\xAFve");
    wc_feed_free(f);
}

static void test_malformed_recovers(void **state)
{
    wc_feed *f = parse_file("malformed.xml", NULL);

    (void)state;
    assert_true(f->bozo);
    /* bare '&', HTML entities and numeric references all survive */
    assert_string_equal(f->title, "AT&T & friends \xE2\x80\xA6");
    /* the truncated third item is still there, with what it had */
    assert_int_equal(f->n_entries, 3);
    assert_string_equal(f->entries[0].title, "One \xE2\x80\x94 dash");
    assert_non_null(strstr(f->entries[0].summary, "Unclosed"));
    assert_string_equal(f->entries[1].link, "http://broken.example.com/2");
    assert_string_equal(f->entries[2].title, "Three, cut off");
    assert_string_equal(f->entries[2].link, "http://broken.example.com/3");
    wc_feed_free(f);

    f = parse_file("control.xml", NULL);
    assert_true(f->bozo);
    assert_string_equal(f->title, "Ctlcharshere");
    assert_string_equal(f->entries[0].title, "xy");
    wc_feed_free(f);
}

static void test_xxe_is_never_loaded(void **state)
{
    wc_feed *f = parse_file("xxe.xml", NULL);

    (void)state;
    /* external entities expand to nothing; internal ones still work */
    assert_string_equal(f->title, "ABC internal");
    assert_null(strstr(f->title, "root:"));
    wc_feed_free(f);
}

static void test_billion_laughs_is_bounded(void **state)
{
    wc_feed *f = parse_file("laughs.xml", NULL);

    (void)state;
    assert_true(f->bozo);
    assert_non_null(strstr(f->bozo_msg, "entity"));
    assert_true(f->title == NULL || strlen(f->title) <= ((size_t)1 << 20));
    assert_int_equal(f->n_entries, 1);
    assert_string_equal(f->entries[0].title, "still here");
    wc_feed_free(f);
}

static void test_not_a_feed(void **state)
{
    struct {
        const char *doc, *msg;
    } c[] = {
        {"<!DOCTYPE html><html><head><title>x</title></head></html>", "HTML page"},
        {"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "<svg>"},
        {"just some text", "no XML element"},
        {"", "no XML element"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        wc_feed_input in = {c[i].doc, strlen(c[i].doc), "http://x.example/", NULL, NULL, NULL,
                            NULL};
        wc_feed *f = NULL;
        wc_error err = WC_ERROR_INIT;
        assert_int_equal(wc_feed_parse(&in, &f, &err), WC_ERR_PARSE);
        assert_null(f);
        if (!strstr(err.msg, c[i].msg))
            fail_msg("message '%s' does not say '%s'", err.msg, c[i].msg);
        assert_non_null(strstr(err.msg, "http://x.example/"));
    }
}

static void test_caps(void **state)
{
    wc_feed_input in = {NULL, 0, NULL, NULL, NULL, NULL, NULL};
    wc_feed *f = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_buf b = WC_BUF_INIT;
    size_t i;

    (void)state;
    /* over the byte cap: refused without reading */
    in.data = "<rss/>";
    in.len = WC_FEED_MAX_BYTES + 1;
    assert_int_equal(wc_feed_parse(&in, &f, &err), WC_ERR_LIMIT);

    /* deep nesting is flattened, not followed */
    assert_int_equal(wc_buf_addstr(&b, "<rss><channel><title>deep</title><item><title>t</title>"),
                     WC_OK);
    for (i = 0; i < 100000; i++)
        assert_int_equal(wc_buf_addstr(&b, "<d>"), WC_OK);
    assert_int_equal(wc_buf_addstr(&b, "x</item></channel></rss>"), WC_OK);
    in.data = b.buf;
    in.len = b.len;
    assert_int_equal(wc_feed_parse(&in, &f, &err), WC_OK);
    assert_true(f->bozo);
    assert_string_equal(f->title, "deep");
    assert_int_equal(f->n_entries, 1);
    wc_feed_free(f);

    /* entries past the cap are dropped, and bozo says so */
    wc_buf_reset(&b);
    assert_int_equal(wc_buf_addstr(&b, "<rss><channel>"), WC_OK);
    for (i = 0; i < WC_FEED_MAX_ENTRIES + 5; i++)
        assert_int_equal(wc_buf_addstr(&b, "<item><title>t</title></item>"), WC_OK);
    assert_int_equal(wc_buf_addstr(&b, "</channel></rss>"), WC_OK);
    in.data = b.buf;
    in.len = b.len;
    assert_int_equal(wc_feed_parse(&in, &f, &err), WC_OK);
    assert_int_equal(f->n_entries, WC_FEED_MAX_ENTRIES);
    assert_true(f->bozo);
    wc_feed_free(f);
    wc_buf_release(&b);
}

static void test_bases(void **state)
{
    const char *doc = "<rss><channel><link>/home</link><item><link>rel/1</link>"
                      "<description>&lt;a href=\"x\"&gt;x&lt;/a&gt;</description></item>"
                      "</channel></rss>";
    wc_feed_input in = {
        doc,  strlen(doc), "http://feed.example/dir/feed.xml", NULL, "http://cdn.example/other/",
        "de", NULL};
    wc_feed *f = NULL;
    wc_error err = WC_ERROR_INIT;

    (void)state;
    /* Content-Location beats the URL */
    assert_int_equal(wc_feed_parse(&in, &f, &err), WC_OK);
    assert_string_equal(f->link, "http://cdn.example/home");
    assert_string_equal(f->entries[0].link, "http://cdn.example/other/rel/1");
    assert_string_equal(f->entries[0].summary, "<a href=\"http://cdn.example/other/x\">x</a>");
    assert_string_equal(f->language, "de"); /* Content-Language as the last resort */
    wc_feed_free(f);

    /* a relative Content-Location resolves against the URL */
    in.content_location = "../elsewhere/";
    assert_int_equal(wc_feed_parse(&in, &f, &err), WC_OK);
    assert_string_equal(f->entries[0].link, "http://feed.example/elsewhere/rel/1");
    wc_feed_free(f);

    /* no base at all: links stay as written */
    in.url = NULL;
    in.content_location = NULL;
    assert_int_equal(wc_feed_parse(&in, &f, &err), WC_OK);
    assert_string_equal(f->entries[0].link, "rel/1");
    wc_feed_free(f);
}

static void test_sniff_and_names(void **state)
{
    const char *x = "<?xml version=\"1.0\"?><!-- c --><rss>";

    (void)state;
    assert_int_equal(wc_feed_sniff(x, strlen(x)), WC_FEED_RSS);
    assert_int_equal(wc_feed_sniff("\xEF\xBB\xBF <feed xmlns=\"\">", 19), WC_FEED_ATOM);
    assert_int_equal(wc_feed_sniff("<rdf:RDF>", 9), WC_FEED_RDF);
    assert_int_equal(wc_feed_sniff("{\"version\":\"https://jsonfeed.org/version/1\"}", 44),
                     WC_FEED_JSON);
    assert_int_equal(wc_feed_sniff("<!DOCTYPE html><html>", 21), WC_FEED_UNKNOWN);
    assert_int_equal(wc_feed_sniff("", 0), WC_FEED_UNKNOWN);
    assert_string_equal(wc_feed_format_name(WC_FEED_RDF), "rdf");
    assert_string_equal(wc_feed_format_name(WC_FEED_UNKNOWN), "unknown");
    wc_feed_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_charsets),
        cmocka_unit_test(test_strings_repaired),
        cmocka_unit_test(test_malformed_recovers),
        cmocka_unit_test(test_xxe_is_never_loaded),
        cmocka_unit_test(test_billion_laughs_is_bounded),
        cmocka_unit_test(test_not_a_feed),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_bases),
        cmocka_unit_test(test_sniff_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
