/*
 * test_extract_output.c - rendering a wc_article: JSON escaping and field
 * order, nulls for unknown fields, Markdown for every block kind,
 * escaping of text that Markdown would otherwise read as markup, and
 * plain text with and without its title line.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/buf.h"
#include "wirecopy/extract.h"

#include "internal.h"

/* An article's text or rendering here: a few lines, far under a page's text. */
#define RENDER_MAX WC_EXTRACT_MAX_TEXT

struct line {
    const char *text;
    uint8_t kind, level;
    bool ordered, joined;
};

/* Build an article from lines, as ex_output_build would. */
static void make(wc_article *a, const struct line *lines, size_t n)
{
    wc_buf t;
    size_t i;

    wc_buf_init(&t, RENDER_MAX);
    wc_article_init(a);
    a->blocks = calloc(n, sizeof(*a->blocks));
    assert_non_null(a->blocks);
    for (i = 0; i < n; i++) {
        if (i)
            assert_int_equal(wc_buf_addstr(&t, lines[i].joined ? "\n" : "\n\n"), WC_OK);
        a->blocks[i].off = t.len;
        a->blocks[i].len = strlen(lines[i].text);
        a->blocks[i].kind = lines[i].kind;
        a->blocks[i].level = lines[i].level;
        a->blocks[i].ordered = lines[i].ordered;
        a->blocks[i].joined = lines[i].joined;
        assert_int_equal(wc_buf_addstr(&t, lines[i].text), WC_OK);
    }
    a->n_blocks = n;
    a->text = wc_buf_detach(&t, &a->text_len);
}

static void test_json_escaping(void **state)
{
    static const struct line lines[] = {
        {"He said \"no\" \\ then left.\tTab", WC_BLOCK_PARAGRAPH, 0, false, false},
        {"caf\xC3\xA9 \xE2\x80\x94 ok", WC_BLOCK_HEADING, 3, false, false},
        {"first", WC_BLOCK_LIST_ITEM, 1, true, false},
    };
    wc_article a;
    wc_buf b;
    json_error_t e;
    json_t *j, *bl;

    (void)state;
    wc_buf_init(&b, RENDER_MAX);
    make(&a, lines, 3);
    a.title = wc_strdup("A \"quoted\" title\x01");
    a.published_at = 0;
    assert_int_equal(wc_article_to_json(&a, NULL, &b), WC_OK);
    assert_true(!strncmp(b.buf, "{\"url\":null,\"canonical_url\":null,\"title\":", 40));
    j = json_loadb(b.buf, b.len, 0, &e);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "title")), "A \"quoted\" title\x01");
    assert_string_equal(json_string_value(json_object_get(j, "text")), a.text);
    assert_string_equal(json_string_value(json_object_get(j, "published")), "1970-01-01T00:00:00Z");
    bl = json_object_get(j, "blocks");
    assert_string_equal(json_string_value(json_object_get(json_array_get(bl, 0), "text")),
                        lines[0].text);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(bl, 1), "level")), 3);
    assert_true(json_is_true(json_object_get(json_array_get(bl, 2), "ordered")));
    json_decref(j);
    wc_buf_release(&b);
    wc_article_release(&a);
}

static void test_markdown_kinds(void **state)
{
    static const struct line lines[] = {
        {"Intro with *stars* and [brackets] and a_b.", WC_BLOCK_PARAGRAPH, 0, false, false},
        {"Section", WC_BLOCK_HEADING, 2, false, false},
        {"one", WC_BLOCK_LIST_ITEM, 1, false, false},
        {"nested", WC_BLOCK_LIST_ITEM, 2, false, true},
        {"first", WC_BLOCK_LIST_ITEM, 1, true, false},
        {"A quote.", WC_BLOCK_QUOTE, 0, false, false},
        {"int x = 1;", WC_BLOCK_CODE, 0, false, false},
        {"x = x * 2;", WC_BLOCK_CODE, 0, false, true},
        {"# not a heading", WC_BLOCK_PARAGRAPH, 0, false, false},
        {"1. not a list", WC_BLOCK_PARAGRAPH, 0, false, false},
        {"Line one", WC_BLOCK_PARAGRAPH, 0, false, false},
        {"line two", WC_BLOCK_PARAGRAPH, 0, false, true},
    };
    wc_article a;
    wc_buf b;

    (void)state;
    wc_buf_init(&b, RENDER_MAX);
    make(&a, lines, WC_ARRAY_SIZE(lines));
    a.title = wc_strdup("T");
    assert_int_equal(wc_article_to_markdown(&a, &b), WC_OK);
    assert_string_equal(b.buf, "# T\n\n"
                               "Intro with \\*stars\\* and \\[brackets\\] and a\\_b.\n\n"
                               "## Section\n\n"
                               "- one\n"
                               "  - nested\n\n"
                               "1. first\n\n"
                               "> A quote.\n\n"
                               "```\nint x = 1;\nx = x * 2;\n```\n\n"
                               "\\# not a heading\n\n"
                               "1\\. not a list\n\n"
                               "Line one  \nline two\n");
    wc_buf_release(&b);
    wc_article_release(&a);
}

/* Plain text: the title line only when asked for, and nothing for an article without a body. */
static void test_text_title(void **state)
{
    static const struct line lines[] = {
        {"First paragraph.", WC_BLOCK_PARAGRAPH, 0, false, false},
        {"Second.", WC_BLOCK_PARAGRAPH, 0, false, false},
    };
    wc_article a;
    wc_buf b;

    (void)state;
    wc_buf_init(&b, RENDER_MAX);
    make(&a, lines, WC_ARRAY_SIZE(lines));
    assert_int_equal(wc_article_to_text(&a, WC_TEXT_TITLE, &b), WC_OK);
    assert_string_equal(b.buf, "First paragraph.\n\nSecond.\n"); /* no title known */
    a.title = wc_strdup("Headline");
    wc_buf_reset(&b);
    assert_int_equal(wc_article_to_text(&a, WC_TEXT_TITLE, &b), WC_OK);
    assert_string_equal(b.buf, "Headline\n\nFirst paragraph.\n\nSecond.\n");
    wc_buf_reset(&b);
    assert_int_equal(wc_article_to_text(&a, 0, &b), WC_OK);
    assert_string_equal(b.buf, "First paragraph.\n\nSecond.\n");
    wc_article_release(&a);
    wc_article_init(&a);
    a.title = wc_strdup("A gallery without text");
    wc_buf_reset(&b);
    assert_int_equal(wc_article_to_text(&a, WC_TEXT_TITLE, &b), WC_OK);
    assert_int_equal(b.len, 0);
    wc_buf_release(&b);
    wc_article_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_markdown_kinds),
        cmocka_unit_test(test_text_title),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
