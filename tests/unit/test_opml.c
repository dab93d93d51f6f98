/*
 * test_opml.c - feed lists: OPML (nested outlines, any attribute case,
 * relative xmlUrl), plain text lists, autodetection, and feed
 * autodiscovery in HTML pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "feed_fixture.h"

static void test_opml(void **state)
{
    size_t len;
    char *p = slurp("list.opml", &len);
    wc_feed_list *l = NULL;
    wc_error err = WC_ERROR_INIT;

    (void)state;
    assert_int_equal(wc_opml_parse(p, len, "https://lists.example.com/mine.opml", &l, &err), WC_OK);
    assert_int_equal(l->n, 3); /* duplicate and ftp:// gone */
    assert_string_equal(l->items[0].url, "https://world.example.org/rss.xml");
    assert_string_equal(l->items[0].title, "World"); /* title beats text */
    assert_string_equal(l->items[0].type, "rss");
    assert_string_equal(l->items[1].url, "https://lists.example.com/nested.xml");
    assert_string_equal(l->items[1].title, "Nested");
    assert_string_equal(l->items[2].url, "https://tech.example.com/atom");
    assert_int_equal(l->skipped, 2); /* the ftp feed and the note */
    wc_feed_list_free(l);
    free(p);
}

static void test_opml_refused_and_tolerated(void **state)
{
    const char *notopml = "<rss><channel/></rss>";
    const char *broken =
        "<opml><body><outline text=\"A & B\" xmlUrl=\"http://a.example/f?x=1&y=2\">"
        "<outline xmlUrl=\"http://b.example/f\"";
    wc_feed_list *l = NULL;
    wc_error err = WC_ERROR_INIT;

    (void)state;
    assert_int_equal(wc_opml_parse(notopml, strlen(notopml), NULL, &l, &err), WC_ERR_PARSE);
    assert_null(l);
    assert_non_null(strstr(err.msg, "<rss>"));
    assert_int_equal(wc_opml_parse(broken, strlen(broken), NULL, &l, &err), WC_OK);
    assert_int_equal(l->n, 2);
    assert_string_equal(l->items[0].url, "http://a.example/f?x=1&y=2");
    assert_string_equal(l->items[0].title, "A & B");
    assert_string_equal(l->items[1].url, "http://b.example/f");
    wc_feed_list_free(l);
    l = NULL;
    /* broken with nothing left to read: an error, not an empty list (a cron job would never know)
     */
    const char *cut = "<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>Mine";
    assert_int_equal(wc_opml_parse(cut, strlen(cut), NULL, &l, &err), WC_ERR_PARSE);
    assert_null(l);
    assert_non_null(strstr(err.msg, "malformed OPML, no feed"));
    /* well-formed and empty is just empty */
    const char *empty = "<opml version=\"2.0\"><head/><body/></opml>";
    assert_int_equal(wc_opml_parse(empty, strlen(empty), NULL, &l, &err), WC_OK);
    assert_int_equal(l->n, 0);
    wc_feed_list_free(l);
}

static void test_text_list(void **state)
{
    size_t len;
    char *p = slurp("list.txt", &len);
    wc_feed_list *l = NULL;
    wc_error err = WC_ERROR_INIT;

    (void)state;
    assert_int_equal(wc_feed_list_parse(p, len, "https://lists.example.com/a/list.txt", &l, &err),
                     WC_OK);
    assert_int_equal(l->n, 3);
    assert_string_equal(l->items[0].url, "https://world.example.org/rss.xml");
    assert_string_equal(l->items[0].title, "World news");
    assert_string_equal(l->items[1].title, "Tech desk");
    assert_string_equal(l->items[2].url, "https://lists.example.com/a/relative/feed.xml");
    assert_int_equal(l->skipped, 1); /* "not a url at all" */
    wc_feed_list_free(l);

    /* without a base, a relative line is no URL */
    assert_int_equal(wc_feed_list_parse_text(p, len, NULL, &l, &err), WC_OK);
    assert_int_equal(l->n, 2);
    assert_int_equal(l->skipped, 2);
    wc_feed_list_free(l);
    free(p);

    /* CRLF, a BOM, no final newline */
    p = "\xEF\xBB\xBFhttp://a.example/1\r\n\r\nhttp://a.example/2";
    assert_int_equal(wc_feed_list_parse(p, strlen(p), NULL, &l, &err), WC_OK);
    assert_int_equal(l->n, 2);
    assert_string_equal(l->items[1].url, "http://a.example/2");
    assert_null(l->items[1].title);
    wc_feed_list_free(l);
}

static void test_discovery(void **state)
{
    size_t len;
    char *p = slurp("page.html", &len);
    wc_feed_list *l = NULL;
    wc_error err = WC_ERROR_INIT;

    (void)state;
    assert_int_equal(wc_feed_discover(p, len, "https://www.example.com/news/today.html", &l, &err),
                     WC_OK);
    assert_int_equal(l->n, 3);
    /* <base href="/section/"> applies */
    assert_string_equal(l->items[0].url, "https://www.example.com/section/feed.rss");
    assert_string_equal(l->items[0].title, "RSS");
    assert_string_equal(l->items[0].type, "application/rss+xml");
    assert_string_equal(l->items[1].url, "https://cdn.example.com/atom.xml");
    assert_string_equal(l->items[2].url, "https://www.example.com/section/feed.json");
    wc_feed_list_free(l);
    free(p);

    assert_int_equal(wc_feed_discover("", 0, NULL, &l, &err), WC_OK);
    assert_int_equal(l->n, 0);
    wc_feed_list_free(l);
    p = "<p>no head <link rel=alternate type=application/atom+xml href=/a.xml>";
    assert_int_equal(wc_feed_discover(p, strlen(p), "http://h.example/x/", &l, &err), WC_OK);
    assert_int_equal(l->n, 1);
    assert_string_equal(l->items[0].url, "http://h.example/a.xml");
    wc_feed_list_free(l);
}

/* The repository's own starter lists (feeds/) all load, with no junk. */
static void test_repository_lists(void **state)
{
    static const struct {
        const char *name;
        size_t n;
    } lists[] = {{"world.opml", 12},       {"technology.opml", 12},
                 {"business.opml", 9},     {"science.opml", 9},
                 {"europe.opml", 9},       {"americas.opml", 10},
                 {"asia-pacific.opml", 9}, {"africa-middle-east.opml", 11},
                 {"starter.txt", 12}};
    const char *dir = getenv("WC_TEST_DATA");
    size_t i, k;

    (void)state;
    for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        char path[1024];
        wc_feed_list *l = NULL;
        wc_error err = WC_ERROR_INIT;
        FILE *fp;
        char *buf;
        long n;

        snprintf(path, sizeof(path), "%s/../../feeds/%s", dir ? dir : "tests/data", lists[i].name);
        fp = fopen(path, "rb");
        if (!fp)
            fail_msg("cannot open %s", path);
        fseek(fp, 0, SEEK_END);
        n = ftell(fp);
        fseek(fp, 0, SEEK_SET);
        buf = malloc((size_t)n);
        assert_non_null(buf);
        assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
        fclose(fp);
        assert_int_equal(wc_feed_list_parse(buf, (size_t)n, NULL, &l, &err), WC_OK);
        if (l->n != lists[i].n || l->skipped)
            fail_msg("%s: %zu feeds (%zu skipped), want %zu", lists[i].name, l->n, l->skipped,
                     lists[i].n);
        for (k = 0; k < l->n; k++) {
            assert_non_null(l->items[k].title);
            assert_true(strncmp(l->items[k].url, "https://", 8) == 0);
        }
        wc_feed_list_free(l);
        free(buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opml),
        cmocka_unit_test(test_opml_refused_and_tolerated),
        cmocka_unit_test(test_text_list),
        cmocka_unit_test(test_discovery),
        cmocka_unit_test(test_repository_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
