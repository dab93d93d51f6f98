/*
 * test_feed_rss.c - RSS 2.0, 1.0 (RDF) and 0.91: every field the schema
 * names, read from small fixtures in tests/data/feed/ and inline feeds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/date.h"
#include "wirecopy/feed.h"
#include "feed_fixture.h"

static void test_rss2_fields(void **state)
{
    wc_feed *f = parse_file("rss2.xml", "https://news.example.org/feed.xml");
    const wc_entry *e;

    (void)state;
    assert_int_equal(f->format, WC_FEED_RSS);
    assert_string_equal(f->version, "2.0");
    assert_string_equal(f->title, "Harbour Gazette");
    assert_string_equal(f->link, "https://news.example.org/"); /* relative, resolved */
    assert_string_equal(f->self, "https://news.example.org/feed.xml");
    assert_string_equal(f->description, "Local news & weather");
    assert_string_equal(f->language, "en-gb");
    assert_time(f->updated, "2024-05-01T09:30:00Z");
    assert_true(f->published == WC_FEED_NO_TIME);
    assert_string_equal(f->author, "News Desk");
    assert_string_equal(f->encoding, "utf-8");
    assert_int_equal(f->ttl, 30);
    assert_false(f->bozo);
    assert_int_equal(f->n_entries, 2);

    e = &f->entries[0];
    assert_string_equal(e->id, "ferry-2024-05");
    assert_string_equal(e->title, "Ferry timetable changes");
    assert_string_equal(e->link, "https://news.example.org/2024/05/ferry.html?a=1&b=2");
    assert_time(e->published, "2024-05-01T09:00:00Z");
    assert_true(e->updated == WC_FEED_NO_TIME);
    assert_string_equal(e->author, "Ana Lopes");
    /* sanitised: script gone, relative link absolute */
    assert_non_null(
        strstr(e->summary, "<a href=\"https://news.example.org/timetable\">Monday</a>"));
    assert_null(strstr(e->summary, "script"));
    assert_null(strstr(e->summary, "alert"));
    assert_non_null(strstr(e->content, "src=\"https://news.example.org/img/ferry.jpg\""));
    assert_null(strstr(e->content, "onerror"));
    assert_int_equal(e->n_categories, 2);
    assert_string_equal(e->categories[0], "Transport");
    assert_string_equal(e->categories[1], "Local");
    assert_int_equal(e->n_enclosures, 1);
    assert_string_equal(e->enclosures[0].url, "https://news.example.org/audio/ferry.mp3");
    assert_string_equal(e->enclosures[0].type, "audio/mpeg");
    assert_int_equal(e->enclosures[0].length, 12345);

    e = &f->entries[1];
    /* a permalink guid is the link when there is no <link> */
    assert_string_equal(e->id, "https://news.example.org/2024/05/wall.html");
    assert_string_equal(e->link, "https://news.example.org/2024/05/wall.html");
    assert_time(e->published, "2024-04-30T22:15:00Z");
    assert_string_equal(e->author, "Sam Reid");
    /* plain text stays text: "<" escaped in the HTML fragment */
    assert_string_equal(e->summary, "Cost: 1 &lt; 2 million");
    assert_null(e->content);
    wc_feed_free(f);
}

static void test_rss1_rdf(void **state)
{
    wc_feed *f = parse_file("rss1.rdf", NULL);

    (void)state;
    assert_int_equal(f->format, WC_FEED_RDF);
    assert_string_equal(f->version, "1.0");
    assert_string_equal(f->title, "RDF Site");
    assert_string_equal(f->description, "An RSS 1.0 feed");
    assert_time(f->published, "2004-01-02T02:04:05Z");
    assert_int_equal(f->n_entries, 1);
    assert_string_equal(f->entries[0].id, "http://example.com/1"); /* rdf:about */
    assert_string_equal(f->entries[0].title, "First item");
    assert_time(f->entries[0].published, "2004-01-01T12:00:00Z");
    assert_string_equal(f->entries[0].categories[0], "Science");
    assert_string_equal(f->entries[0].author, "Jo Bloggs");
    wc_feed_free(f);
}

static void test_rss091_html_entities(void **state)
{
    wc_feed *f = parse_file("rss091.xml", NULL);

    (void)state;
    assert_int_equal(f->format, WC_FEED_RSS);
    assert_string_equal(f->version, "0.91");
    assert_string_equal(f->title, "Old \xC3\xA9"
                                  "cole");
    assert_string_equal(f->description, "Netscape era feed"); /* nbsp squeezed */
    assert_string_equal(f->entries[0].title, "Premi\xC3\xA8re");
    assert_string_equal(f->entries[0].summary, "Caf\xC3\xA9");
    assert_true(f->bozo); /* HTML entities without a DTD are not well-formed XML */
    wc_feed_free(f);
}

static void test_guid_rules(void **state)
{
    wc_feed *f = parse_str("<rss version=\"2.0\"><channel>"
                           "<item><guid isPermaLink=\"false\">http://a.example/1</guid></item>"
                           "<item><guid>1234@example.org</guid></item>"
                           "<item><link>http://link.example/</link>"
                           "<guid isPermaLink=\"true\">http://guid.example/</guid></item>"
                           "<item><title>no id</title></item>"
                           "<item><guid isPermaLink=\"true\">/rel/5</guid></item>"
                           "</channel></rss>");

    (void)state;
    assert_int_equal(f->n_entries, 5);
    assert_string_equal(f->entries[0].id, "http://a.example/1");
    assert_null(f->entries[0].link); /* isPermaLink="false": never a link */
    assert_string_equal(f->entries[1].id, "1234@example.org");
    assert_null(f->entries[1].link); /* not a URL: not a link */
    assert_string_equal(f->entries[2].link, "http://link.example/");
    assert_null(f->entries[3].id);                     /* nothing invented */
    assert_string_equal(f->entries[4].link, "/rel/5"); /* said so: a link (no base here) */
    assert_string_equal(f->entries[4].id, "/rel/5");
    wc_feed_free(f);
}

static void test_author_forms(void **state)
{
    wc_feed *f = parse_str("<rss xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>"
                           "<item><author>Example editor &lt;me@example.com&gt;</author></item>"
                           "<item><author>me@example.com (Jane)</author></item>"
                           "<item><dc:creator>Jane (jane@example.com)</dc:creator></item>"
                           "<item><author>only@example.com</author></item>"
                           "<item><author>Plain Name</author></item>"
                           "</channel></rss>");

    (void)state;
    assert_int_equal(f->n_entries, 5);
    assert_string_equal(f->entries[0].author, "Example editor");
    assert_string_equal(f->entries[1].author, "Jane");
    assert_string_equal(f->entries[2].author, "Jane");
    assert_string_equal(f->entries[3].author, "only@example.com");
    assert_string_equal(f->entries[4].author, "Plain Name");
    wc_feed_free(f);
}

static void test_dates_and_precedence(void **state)
{
    wc_feed *f = parse_str(
        "<rss xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:dcterms=\"http://purl.org/dc/terms/\"><channel>"
        "<item><pubDate>Sun, 16 Dec 2012 11:47:32 +zz:00</pubDate></item>"
        "<item><dc:date>2003-12-31T10:14:55-08:00</dc:date>"
        "<dcterms:modified>2004-01-01T00:00:00Z</dcterms:modified></item>"
        "<item><pubDate>Thu, 01 Jan 2004 19:48:21 GMT</pubDate><dc:date>1999-01-01</dc:date></item>"
        "</channel></rss>");

    (void)state;
    assert_true(f->entries[0].published == WC_FEED_NO_TIME); /* unparseable: absent */
    assert_time(f->entries[1].published, "2003-12-31T18:14:55Z");
    assert_time(f->entries[1].updated, "2004-01-01T00:00:00Z");
    assert_time(f->entries[2].published, "2004-01-01T19:48:21Z"); /* pubDate wins */
    wc_feed_free(f);
}

static void test_rss_without_channel(void **state)
{
    wc_feed *f = parse_str("<rss><title>Bare</title><item><title>i</title></item></rss>");

    (void)state;
    assert_string_equal(f->title, "Bare");
    assert_int_equal(f->n_entries, 1);
    wc_feed_free(f);
}

static void test_namespaces_and_markup(void **state)
{
    wc_feed *f = parse_str(
        "<rss version=\"2.0\" xmlns:szf=\"http://example.com/other/\"><channel>"
        "<title>Real <b>title</b></title><textInput><title>wrong</title></textInput>"
        "<item><szf:description>wrong</szf:description><description>right</description>"
        "<image><title>wrong</title></image><title>Entry &amp;amp; title</title>"
        "<body xmlns=\"http://www.w3.org/1999/xhtml\"><p>xhtml <a href=\"/b\">body</a></p></body>"
        "</item></channel></rss>");

    (void)state;
    assert_string_equal(f->title, "Real title"); /* naked markup stripped */
    assert_string_equal(f->entries[0].summary, "right");
    assert_string_equal(f->entries[0].title, "Entry & title");
    assert_string_equal(f->entries[0].content, "<p>xhtml <a href=\"/b\">body</a></p>");
    wc_feed_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rss2_fields),           cmocka_unit_test(test_rss1_rdf),
        cmocka_unit_test(test_rss091_html_entities),  cmocka_unit_test(test_guid_rules),
        cmocka_unit_test(test_author_forms),          cmocka_unit_test(test_dates_and_precedence),
        cmocka_unit_test(test_namespaces_and_markup), cmocka_unit_test(test_rss_without_channel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
