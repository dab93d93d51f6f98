/*
 * test_extract.c - wc_extract_html() as callers use it: results and
 * errors, reuse of a wc_article, hostile inputs (empty, binary, huge,
 * deeply nested, endless lines), threads, and the JSON and Markdown
 * renderings of the block structure.
 */
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/buf.h"
#include "wirecopy/extract.h"
#include "wirecopy/wirecopy.h"

#include "extract/extract_internal.h"
#include "internal.h"

/* A test page (or its rendering): at most what the extractor accepts. */
#define PAGE_MAX WC_EXTRACT_MAX_INPUT

#define P1                                                                                         \
    "The regional water board approved a plan on Tuesday to build a second reservoir north of "    \
    "the valley, ending a dispute that had stalled the project for almost six years."
#define P2                                                                                         \
    "Farmers had argued that the site would flood some of the best grazing land in the district, " \
    "while town officials said the existing reservoir could no longer cover dry summers."
#define P3                                                                                         \
    "Under the compromise, the board will buy the affected land at market prices and fund new "    \
    "irrigation channels for the farms that remain next to the water."

static const char page[] =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Board backs *second* reservoir | Valley Courier</title>"
    "<meta property=\"og:site_name\" content=\"Valley Courier\"></head><body>"
    "<ul class=\"nav\"><li><a href=\"/\">Home</a></li><li><a href=\"/news\">News</a></li></ul>"
    "<article><h1>Board backs *second* reservoir</h1><p>" P1 "</p>"
    "<h2>What changes for farmers</h2><p>" P2 "</p>"
    "<ul><li>Land is bought at market prices.</li><li>New channels are built for the farms.</li>"
    "</ul><blockquote><p>We waited six years for this decision, and it is a fair one for "
    "everybody in the valley.</p></blockquote><p>" P3 "</p>"
    "<p>Line one of an address<br>Line two of the same address</p></article>"
    "<footer>&copy; Valley Courier</footer></body></html>";

static void test_basic_and_blocks(void **state)
{
    wc_article a;
    wc_error err = WC_ERROR_INIT;
    size_t i;

    (void)state;
    wc_article_init(&a);
    assert_int_equal(wc_extract_html(page, sizeof(page) - 1, NULL, &a, &err), WC_OK);
    assert_string_equal(a.title, "Board backs *second* reservoir");
    assert_string_equal(a.site, "Valley Courier");
    assert_string_equal(a.lang, "en");
    assert_int_equal(a.text_len, strlen(a.text));
    assert_string_equal(a.text, P1 "\n\nWhat changes for farmers\n\n" P2 "\n\n"
                                   "Land is bought at market prices.\nNew channels are built for "
                                   "the farms.\n\nWe waited six years for this decision, and it "
                                   "is a fair one for everybody in the valley.\n\n" P3 "\n\n"
                                   "Line one of an address\nLine two of the same address");
    assert_int_equal(a.n_blocks, 9);
    assert_int_equal(a.blocks[1].kind, WC_BLOCK_HEADING);
    assert_int_equal(a.blocks[1].level, 2);
    assert_int_equal(a.blocks[3].kind, WC_BLOCK_LIST_ITEM);
    assert_false(a.blocks[3].joined);
    assert_true(a.blocks[4].joined);
    assert_int_equal(a.blocks[5].kind, WC_BLOCK_QUOTE);
    assert_true(a.blocks[8].joined); /* the <br> line */
    for (i = 0; i < a.n_blocks; i++)
        assert_true(a.blocks[i].off + a.blocks[i].len <= a.text_len);
    assert_int_equal(a.word_count, wc_count_words(a.text, a.text_len));
    assert_true(a.word_count > 100);
    wc_article_release(&a);
    assert_null(a.text);
    assert_null(a.title);
    assert_true(a.published_at == INT64_MIN);
}

static void test_reuse_releases(void **state)
{
    wc_article a;

    (void)state;
    wc_article_init(&a);
    assert_int_equal(wc_extract_html(page, sizeof(page) - 1, NULL, &a, NULL), WC_OK);
    /* a second call releases the first result (ASan would see a leak otherwise) */
    assert_int_equal(wc_extract_html(page, sizeof(page) - 1, NULL, &a, NULL), WC_OK);
    /* and a failing call leaves an empty article */
    assert_int_equal(wc_extract_html("", 0, NULL, &a, NULL), WC_ERR_EMPTY);
    assert_null(a.text);
    assert_int_equal(a.n_blocks, 0);
    wc_article_release(&a);
}

static void test_errors(void **state)
{
    wc_article a;
    wc_error err = WC_ERROR_INIT;
    char *big;

    (void)state;
    wc_article_init(&a);
    assert_int_equal(wc_extract_html(NULL, 0, NULL, &a, &err), WC_ERR_EMPTY);
    assert_int_equal(wc_extract_html(NULL, 5, NULL, &a, &err), WC_ERR_USAGE);
    assert_int_equal(wc_extract_html("\x00\x01\x02\x03\xff\xfe\xfd<p>x", 11, NULL, &a, &err),
                     WC_ERR_EMPTY);
    assert_int_equal(wc_extract_html("<html><body></body></html>", 26, NULL, &a, &err),
                     WC_ERR_EMPTY);
    assert_string_equal(err.msg, "no article text found");
    big = malloc(WC_EXTRACT_MAX_INPUT + 1);
    assert_non_null(big);
    memset(big, ' ', WC_EXTRACT_MAX_INPUT + 1);
    assert_int_equal(wc_extract_html(big, WC_EXTRACT_MAX_INPUT + 1, NULL, &a, &err), WC_ERR_LIMIT);
    free(big);
    wc_article_release(&a);
}

static void test_binary_junk(void **state)
{
    wc_article a;
    char junk[4096];
    unsigned x = 12345;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(junk); i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (char)(x >> 16);
    }
    memcpy(junk, "<html>", 6);
    wc_article_init(&a);
    assert_int_equal(wc_extract_html(junk, sizeof(junk), NULL, &a, NULL), WC_ERR_EMPTY);
    wc_article_release(&a);
}

static void test_blob_text(void **state)
{
    wc_buf b;
    wc_article a;
    int i;

    (void)state;
    wc_buf_init(&b, PAGE_MAX);
    /* a base64 blob printed as text is not an article, however long */
    assert_int_equal(wc_buf_addstr(&b, "<html><body><div><p>"), WC_OK);
    for (i = 0; i < 400; i++)
        assert_int_equal(wc_buf_addstr(&b, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MjQy"), WC_OK);
    assert_int_equal(wc_buf_addstr(&b, "</p></div></body></html>"), WC_OK);
    wc_article_init(&a);
    assert_int_equal(wc_extract_html(b.buf, b.len, NULL, &a, NULL), WC_ERR_EMPTY);
    wc_article_release(&a);
    wc_buf_release(&b);
}

static void test_deep_nesting(void **state)
{
    wc_buf b;
    wc_article a;
    int i;

    (void)state;
    wc_buf_init(&b, PAGE_MAX);
    /* 200,000 nested elements around an article: folded at the depth cap, text kept */
    for (i = 0; i < 100000; i++)
        assert_int_equal(wc_buf_addstr(&b, "<div><span>"), WC_OK);
    assert_int_equal(wc_buf_addstr(&b, "<p>" P1 "</p><p>" P2 "</p><p>" P3 "</p>"), WC_OK);
    wc_article_init(&a);
    assert_int_equal(wc_extract_html(b.buf, b.len, NULL, &a, NULL), WC_OK);
    assert_non_null(strstr(a.text, "Farmers had argued"));
    wc_article_release(&a);
    wc_buf_release(&b);
}

static void test_endless_line(void **state)
{
    wc_buf b;
    wc_article a;
    size_t i;

    (void)state;
    wc_buf_init(&b, PAGE_MAX);
    /* a 3 MB paragraph on one line, and a 1 MB attribute */
    assert_int_equal(wc_buf_addstr(&b, "<html><body><div class=\""), WC_OK);
    for (i = 0; i < 100000; i++)
        assert_int_equal(wc_buf_addstr(&b, "abcdefghij"), WC_OK);
    assert_int_equal(wc_buf_addstr(&b, "\"><p>"), WC_OK);
    for (i = 0; i < 30000; i++)
        assert_int_equal(wc_buf_addstr(&b, "the farmers and the board of the valley agreed at "
                                           "last, after six years of talks. "),
                         WC_OK);
    assert_int_equal(wc_buf_addstr(&b, "</p></div></body></html>"), WC_OK);
    wc_article_init(&a);
    assert_int_equal(wc_extract_html(b.buf, b.len, NULL, &a, NULL), WC_OK);
    assert_true(a.text_len <= WC_EXTRACT_MAX_TEXT);
    for (i = 0; i < a.n_blocks; i++)
        assert_true(a.blocks[i].len <= EX_MAX_LINE);
    assert_true(wc_utf8_valid(a.text, a.text_len));
    wc_article_release(&a);
    wc_buf_release(&b);
}

/* Threads extract the same pages and must agree with one thread. */
struct job {
    const char *html;
    size_t len;
    char *text; /* result */
};

static void *extract_job(void *arg)
{
    struct job *j = arg;
    wc_article a;
    int k;

    wc_article_init(&a);
    for (k = 0; k < 50; k++) {
        assert_int_equal(wc_extract_html(j->html, j->len, NULL, &a, NULL), WC_OK);
        if (!j->text)
            j->text = wc_strdup(a.text);
        else if (strcmp(j->text, a.text))
            fail_msg("thread got a different text");
    }
    wc_article_release(&a);
    return NULL;
}

static void test_threads(void **state)
{
    pthread_t th[4];
    struct job jobs[4];
    wc_article a;
    int i;

    (void)state;
    wc_article_init(&a);
    assert_int_equal(wc_extract_html(page, sizeof(page) - 1, NULL, &a, NULL), WC_OK);
    for (i = 0; i < 4; i++) {
        jobs[i].html = page;
        jobs[i].len = sizeof(page) - 1;
        jobs[i].text = NULL;
        assert_int_equal(pthread_create(&th[i], NULL, extract_job, &jobs[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_string_equal(jobs[i].text, a.text);
        free(jobs[i].text);
    }
    wc_article_release(&a);
}

static void test_json(void **state)
{
    wc_article a;
    wc_buf b;
    json_error_t jerr;
    json_t *j, *blocks;

    (void)state;
    wc_buf_init(&b, PAGE_MAX);
    wc_article_init(&a);
    assert_int_equal(wc_extract_html(page, sizeof(page) - 1, NULL, &a, NULL), WC_OK);
    a.published_at = 1700000000; /* 2023-11-14T22:13:20Z */
    assert_int_equal(wc_article_to_json(&a, "https://x.example/\"q\"", &b), WC_OK);
    j = json_loadb(b.buf, b.len, 0, &jerr);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "url")), "https://x.example/\"q\"");
    assert_string_equal(json_string_value(json_object_get(j, "title")),
                        "Board backs *second* reservoir");
    assert_string_equal(json_string_value(json_object_get(j, "text")), a.text);
    assert_string_equal(json_string_value(json_object_get(j, "published")), "2023-11-14T22:13:20Z");
    assert_true(json_is_null(json_object_get(j, "modified")));
    assert_true(json_is_null(json_object_get(j, "author")));
    assert_int_equal(json_integer_value(json_object_get(j, "word_count")), a.word_count);
    blocks = json_object_get(j, "blocks");
    assert_int_equal(json_array_size(blocks), a.n_blocks);
    assert_string_equal(json_string_value(json_object_get(json_array_get(blocks, 1), "type")),
                        "heading");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(blocks, 1), "level")), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(blocks, 3), "type")),
                        "list_item");
    json_decref(j);
    wc_buf_release(&b);
    wc_article_release(&a);
}

static void test_markdown(void **state)
{
    wc_article a;
    wc_buf b;

    (void)state;
    wc_buf_init(&b, PAGE_MAX);
    wc_article_init(&a);
    assert_int_equal(wc_extract_html(page, sizeof(page) - 1, NULL, &a, NULL), WC_OK);
    assert_int_equal(wc_article_to_markdown(&a, &b), WC_OK);
    assert_true(!strncmp(b.buf,
                         "# Board backs \\*second\\* reservoir\n\n" P1 "\n\n"
                         "## What changes for farmers\n\n",
                         strlen("# Board backs \\*second\\* reservoir\n\n" P1 "\n\n"
                                "## What changes for farmers\n\n")));
    assert_non_null(strstr(b.buf, "\n- Land is bought at market prices.\n- New channels"));
    assert_non_null(strstr(b.buf, "\n> We waited six years"));
    assert_non_null(strstr(b.buf, "Line one of an address  \nLine two"));
    wc_buf_release(&b);
    wc_article_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_and_blocks),
        cmocka_unit_test(test_reuse_releases),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_binary_junk),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_endless_line),
        cmocka_unit_test(test_blob_text),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_markdown),
    };

    wc_global_init(NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
