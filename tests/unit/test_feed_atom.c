/*
 * test_feed_atom.c - Atom 1.0 and 0.3: text constructs (text, html,
 * xhtml, base64, escaped), link choice, nested xml:base, authors, dates.
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

static void test_atom10_fields(void **state)
{
    wc_feed *f = parse_file("atom10.xml", "http://elsewhere.example/feed");
    const wc_entry *e;

    (void)state;
    assert_int_equal(f->format, WC_FEED_ATOM);
    assert_string_equal(f->version, "1.0");
    assert_string_equal(f->title, "Dev Notes");               /* type=html: tags removed */
    assert_string_equal(f->description, "Things <we> learn"); /* type=text: kept */
    assert_string_equal(f->link, "http://example.com/blog/"); /* xml:base beats the URL */
    assert_string_equal(f->self, "http://example.com/blog/feed.atom");
    assert_string_equal(f->language, "en");
    assert_time(f->updated, "2024-05-02T08:00:00Z");
    assert_string_equal(f->author, "Kim");
    assert_int_equal(f->n_entries, 2);

    e = &f->entries[0];
    assert_string_equal(e->id, "tag:example.com,2024:1");
    assert_string_equal(e->title, "1 < 2");
    /* rel=edit skipped; nested xml:base "2024/" on top of ".../blog/" */
    assert_string_equal(e->link, "http://example.com/blog/2024/post.html");
    assert_time(e->published, "2024-05-01T17:00:00Z");
    assert_time(e->updated, "2024-05-02T00:00:00Z");
    assert_null(e->author); /* the feed's author is not copied down */
    assert_string_equal(e->summary, "Use &lt;b&gt; for bold");
    assert_string_equal(e->content,
                        "<p>See <a href=\"http://example.com/blog/about.html\">about</a></p>");
    assert_int_equal(e->n_enclosures, 1);
    assert_string_equal(e->enclosures[0].url, "http://example.com/media/talk.ogg");
    assert_int_equal(e->enclosures[0].length, 999);
    assert_int_equal(e->n_categories, 2);
    assert_string_equal(e->categories[1], "parsing");

    e = &f->entries[1];
    assert_string_equal(e->title, "An xhtml title");
    assert_string_equal(e->link, "http://other.example.net/x"); /* link without rel */
    assert_string_equal(e->author, "anon@example.com");         /* e-mail when no name */
    assert_string_equal(e->content, "<p>Escaped &amp; fine</p>");
    assert_true(e->published == WC_FEED_NO_TIME);
    assert_false(f->bozo);
    wc_feed_free(f);
}

static void test_atom03(void **state)
{
    wc_feed *f = parse_file("atom03.xml", NULL);
    const wc_entry *e;

    (void)state;
    assert_int_equal(f->format, WC_FEED_ATOM);
    assert_string_equal(f->version, "0.3");
    assert_string_equal(f->title, "Atom zero three");
    assert_string_equal(f->description, "Old tagline");
    assert_string_equal(f->link, "http://example.org/");
    assert_time(f->updated, "2003-12-13T18:30:02Z");
    e = &f->entries[0];
    assert_string_equal(e->title, "Example <b>Atom</b>"); /* base64 text/plain: verbatim */
    assert_time(e->published, "2003-12-13T12:29:29Z");    /* <issued> */
    assert_time(e->updated, "2003-12-13T18:30:02Z");      /* <modified> */
    assert_non_null(strstr(e->summary, "History of the &lt;blink&gt; tag"));
    wc_feed_free(f);
}

static void test_text_constructs(void **state)
{
    wc_feed *f = parse_str(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
        "<entry><title type=\"application/octet-stream\">"
        "PHA+SGlzdG9yeSBvZiB0aGUgJmx0O2JsaW5rJmd0OyB0YWc8L3A+</title>"
        "<content type=\"application/octet-stream\">"
        "PHA+SGlzdG9yeSBvZiB0aGUgJmx0O2JsaW5rJmd0OyB0YWc8L3A+</content></entry>"
        "<entry><title type=\"html\"><![CDATA[<a href=http://example.com/\">example</a>]]></title>"
        "<summary type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
        "<a title='\"q\"'>t</a></div></summary>"
        "<content src=\"http://example.com/out-of-line\"/></entry>"
        "</feed>");

    (void)state;
    /* other MIME types are base64 (RFC 4287 4.1.3.3) and plain */
    assert_string_equal(f->entries[0].title, "<p>History of the &lt;blink&gt; tag</p>");
    assert_string_equal(f->entries[0].content,
                        "&lt;p&gt;History of the &amp;lt;blink&amp;gt; tag&lt;/p&gt;");
    assert_string_equal(f->entries[1].title, "example");
    assert_string_equal(f->entries[1].summary, "<a title=\"&quot;q&quot;\">t</a>");
    assert_null(f->entries[1].content);
    wc_feed_free(f);
}

static void test_atom_without_namespace(void **state)
{
    wc_feed *f = parse_str("<feed xmlns:bogus=\"http://dom.test/ns\"><entry>"
                           "<id bogus:attr=\"wrong\">right</id>"
                           "<image><id>not this</id></image></entry></feed>");

    (void)state;
    assert_int_equal(f->format, WC_FEED_ATOM);
    assert_string_equal(f->entries[0].id, "right");
    wc_feed_free(f);
}

static void test_alternate_link_choice(void **state)
{
    wc_feed *f =
        parse_str("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>"
                  "<link rel=\"self\" href=\"http://x/self\"/>"
                  "<link rel=\"alternate\" type=\"application/pdf\" href=\"http://x/pdf\"/>"
                  "<link rel=\"alternate\" type=\"text/html\" href=\"http://x/html\"/>"
                  "</entry><entry><link rel=\"alternate\" type=\"application/pdf\" "
                  "href=\"http://x/only-pdf\"/></entry></feed>");

    (void)state;
    assert_string_equal(f->entries[0].link, "http://x/html");
    assert_string_equal(f->entries[1].link, "http://x/only-pdf");
    wc_feed_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_atom10_fields),         cmocka_unit_test(test_atom03),
        cmocka_unit_test(test_text_constructs),       cmocka_unit_test(test_atom_without_namespace),
        cmocka_unit_test(test_alternate_link_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
