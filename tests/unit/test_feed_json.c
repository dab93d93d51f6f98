/*
 * test_feed_json.c - JSON Feed 1.1 and 1.0: fields, relative URLs,
 * numeric ids, content_text escaping, what is refused, and valid JSON
 * that jansson alone would refuse (numbers beyond range, U+0000).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "feed_fixture.h"

static void test_json_feed(void **state)
{
    wc_feed *f = parse_file("feed.json", "https://json.example.net/feed.json");
    const wc_entry *e;

    (void)state;
    assert_int_equal(f->format, WC_FEED_JSON);
    assert_string_equal(f->version, "https://jsonfeed.org/version/1.1");
    assert_string_equal(f->title, "JSON Dispatch");
    assert_string_equal(f->link, "https://json.example.net/");
    assert_string_equal(f->description, "Small & useful");
    assert_string_equal(f->language, "en-US");
    assert_string_equal(f->author, "Pat");
    assert_string_equal(f->encoding, "utf-8");
    assert_int_equal(f->n_entries, 2);
    e = &f->entries[0];
    assert_string_equal(e->id, "1");
    assert_string_equal(e->link, "https://json.example.net/posts/1");
    assert_string_equal(e->content, "<p>Hi <a href=\"https://json.example.net/x\">there</a></p>");
    assert_string_equal(e->summary, "A &lt;short&gt; greeting"); /* summary is plain text */
    assert_time(e->published, "2024-05-01T10:00:00Z");
    assert_time(e->updated, "2024-05-01T13:00:00Z");
    assert_int_equal(e->n_categories, 2);
    assert_int_equal(e->n_enclosures, 1);
    assert_string_equal(e->enclosures[0].url, "https://json.example.net/a.mp3");
    assert_int_equal(e->enclosures[0].length, 42);
    e = &f->entries[1];
    assert_string_equal(e->id, "2"); /* version 1 allowed numbers */
    assert_string_equal(e->content, "plain 1 &lt; 2");
    assert_true(e->published == WC_FEED_NO_TIME);
    assert_string_equal(e->author, "Old Style");
    assert_false(f->bozo);
    wc_feed_free(f);
}

static void test_json_refused(void **state)
{
    const char *bad[] = {"{\"version\": \"https://jsonfeed.org/version/1\", \"items\": [",
                         "{\"hello\": \"world\"}", "{}"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        wc_feed_input in = {bad[i], strlen(bad[i]), NULL, NULL, NULL, NULL, NULL};
        wc_feed *f = NULL;
        wc_error err = WC_ERROR_INIT;
        assert_int_equal(wc_feed_parse(&in, &f, &err), WC_ERR_PARSE);
        assert_null(f);
        assert_non_null(strstr(err.msg, "no feed"));
    }
}

static void test_json_without_version_is_bozo(void **state)
{
    wc_feed *f = parse_str("{\"title\": \"t\", \"items\": [{\"id\": \"a\", \"title\": 5}]}");

    (void)state;
    assert_true(f->bozo);
    assert_int_equal(f->n_entries, 1);
    assert_null(f->entries[0].title); /* wrong type skipped */
    wc_feed_free(f);
}

/*
 * Valid JSON that jansson refuses as it stands: numbers beyond int64 or
 * double, U+0000 in a string and in a key. The feed is read; fields it
 * does not use do not matter; a used number beyond range is read as its
 * text (an id keeps its digits) and bozo names the field; a NUL in a
 * string is dropped (the text-repair policy), the rest of it kept.
 */
static void test_json_hostile_values(void **state)
{
    const char *doc =
        "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"Wire\\u0000 Desk\",\n"
        " \"_stats\": {\"hits\": 123456789012345678901234567890, \"ratio\": 1e400,\n"
        "             \"ok\\u0000key\": [-1e999, 99999999999999999999]},\n"
        " \"items\": [\n"
        "  {\"id\": 123456789012345678901234567890, \"title\": \"Bre\\u0000aking news\",\n"
        "   \"content_text\": \"a\\u0000b\", \"url\": \"https://w.test/1\",\n"
        "   \"attachments\": [{\"url\": \"https://w.test/a.mp3\", \"size_in_bytes\": 1e400}]},\n"
        "  {\"id\": \"2\", \"title\": \"Second\", \"_score\": -1e400}\n"
        " ]}";
    wc_feed *f = parse_str(doc);
    const wc_entry *e;

    (void)state;
    assert_int_equal(f->format, WC_FEED_JSON);
    assert_string_equal(f->title, "Wire Desk");
    assert_int_equal(f->n_entries, 2);
    e = &f->entries[0];
    assert_string_equal(e->id, "123456789012345678901234567890");
    assert_string_equal(e->title, "Breaking news");
    assert_string_equal(e->content, "ab");
    assert_string_equal(e->link, "https://w.test/1");
    assert_int_equal(e->n_enclosures, 1);
    assert_string_equal(e->enclosures[0].url, "https://w.test/a.mp3");
    assert_int_equal(e->enclosures[0].length, -1);
    assert_string_equal(f->entries[1].id, "2");
    assert_string_equal(f->entries[1].title, "Second");
    assert_true(f->bozo);
    assert_non_null(f->bozo_msg);
    assert_non_null(strstr(f->bozo_msg, "\"size_in_bytes\""));
    assert_non_null(strstr(f->bozo_msg, "1e400"));
    wc_feed_free(f);
    /* numbers beyond range in fields nobody reads: not even bozo */
    f = parse_str("{\"version\": \"https://jsonfeed.org/version/1\", \"_n\": 1e400,"
                  " \"items\": [{\"id\": \"x\", \"_big\": [18446744073709551616]}]}");
    assert_int_equal(f->n_entries, 1);
    assert_string_equal(f->entries[0].id, "x");
    assert_false(f->bozo);
    wc_feed_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_feed),
        cmocka_unit_test(test_json_refused),
        cmocka_unit_test(test_json_without_version_is_bozo),
        cmocka_unit_test(test_json_hostile_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
