/*
 * test_extract_known.c - metadata from outside the page: the precedence
 * table between the page's own fields, the record's, the feed entry's and
 * the URL's host, field by field (wc_article_merge_known), on pages
 * (wc_extract_html with opts.known), on an article made from a plain-text
 * record, and on fragments (wc_extract_fragment), where the entry stands
 * for the page's head.
 */
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

#define NONE INT64_MIN

/* A test page: at most what the extractor accepts. */
#define PAGE_MAX WC_EXTRACT_MAX_INPUT

/* 2021-05-03 and 2022-06-04, 00:00 UTC. */
#define T_RECORD 1620000000
#define T_ENTRY 1654300800

/* An article body long enough to be extracted, in English. */
static const char body[] =
    "<p>The regional water board approved a plan on Tuesday to build a second reservoir north "
    "of the valley, ending a dispute that had stalled the project for almost six years.</p>"
    "<p>Farmers had argued that the site would flood some of the best grazing land in the "
    "district, while town officials said the existing reservoir could no longer cover dry "
    "summers.</p><p>Under the compromise, the board will buy the affected land at market prices "
    "and fund new irrigation channels for the farms that remain next to the water.</p>";

/* A malloc'd copy of s (C11 has no strdup), NULL for NULL. */
static char *dup(const char *s)
{
    char *p = s ? malloc(strlen(s) + 1) : NULL;

    if (p)
        memcpy(p, s, strlen(s) + 1);
    return p;
}

/* An article whose strings are all set as "the page's own" (a copy of each). */
static void page_article(wc_article *a, const char *title, const char *author, const char *site,
                         int64_t published)
{
    wc_article_init(a);
    a->title = dup(title);
    a->author = dup(author);
    a->site = dup(site);
    a->published_at = published;
}

static void known(wc_article_known *k, const char *url, const char *rtitle, int64_t rpub,
                  const char *etitle, const char *eauthor, const char *esite, int64_t epub)
{
    wc_article_known_init(k);
    k->url = url;
    k->record.title = rtitle;
    k->record.published_at = rpub;
    k->entry.title = etitle;
    k->entry.author = eauthor;
    k->entry.site = esite;
    k->entry.published_at = epub;
}

#define assert_str(a, b)                                                                           \
    do {                                                                                           \
        if ((b) == NULL)                                                                           \
            assert_null(a);                                                                        \
        else                                                                                       \
            assert_string_equal(a, b);                                                             \
    } while (0)

static void test_init(void **state)
{
    wc_article_known k;

    (void)state;
    memset(&k, 0x55, sizeof(k));
    wc_article_known_init(&k);
    assert_null(k.url);
    assert_null(k.record.title);
    assert_null(k.entry.site);
    assert_true(k.record.published_at == NONE);
    assert_true(k.entry.published_at == NONE);
}

/* title: page, record, entry; a record's title that is there but empty still counts. */
static void test_table_title(void **state)
{
    static const struct {
        const char *page, *record, *entry, *want;
    } cases[] = {
        {"Page", "Record", "Entry", "Page"}, {NULL, "Record", "Entry", "Record"},
        {NULL, NULL, "Entry", "Entry"},      {NULL, "", "Entry", ""},
        {"Page", NULL, "Entry", "Page"},     {NULL, NULL, NULL, NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        wc_article a;
        wc_article_known k;
        page_article(&a, cases[i].page, NULL, NULL, NONE);
        known(&k, NULL, cases[i].record, NONE, cases[i].entry, NULL, NULL, NONE);
        assert_int_equal(wc_article_merge_known(&a, &k), WC_OK);
        assert_str(a.title, cases[i].want);
        wc_article_release(&a);
    }
}

/* author: page, record, entry. */
static void test_table_author(void **state)
{
    wc_article a;
    wc_article_known k;

    (void)state;
    page_article(&a, NULL, "Page Author", NULL, NONE);
    known(&k, NULL, NULL, NONE, NULL, "Entry Author", NULL, NONE);
    k.record.author = "Record Author";
    assert_int_equal(wc_article_merge_known(&a, &k), WC_OK);
    assert_string_equal(a.author, "Page Author");
    wc_article_release(&a);

    page_article(&a, NULL, NULL, NULL, NONE);
    assert_int_equal(wc_article_merge_known(&a, &k), WC_OK);
    assert_string_equal(a.author, "Record Author");
    wc_article_release(&a);

    k.record.author = NULL;
    page_article(&a, NULL, NULL, NULL, NONE);
    assert_int_equal(wc_article_merge_known(&a, &k), WC_OK);
    assert_string_equal(a.author, "Entry Author");
    wc_article_release(&a);
}

/* site: page, record, entry, then the host of the URL (lower case, "www." kept), else of
   the canonical URL. */
static void test_table_site(void **state)
{
    wc_article a;
    wc_article_known k;

    (void)state;
    page_article(&a, NULL, NULL, "Page Site", NONE);
    known(&k, "https://WWW.Example.com/a", NULL, NONE, NULL, NULL, "Feed Title", NONE);
    k.record.site = "Record Site";
    assert_int_equal(wc_article_merge_known(&a, &k), WC_OK);
    assert_string_equal(a.site, "Page Site");
    wc_article_release(&a);

    page_article(&a, NULL, NULL, NULL, NONE);
    assert_int_equal(wc_article_merge_known(&a, &k), WC_OK);
    assert_string_equal(a.site, "Record Site");
    wc_article_release(&a);

    k.record.site = NULL;
    page_article(&a, NULL, NULL, NULL, NONE);
    assert_int_equal(wc_article_merge_known(&a, &k), WC_OK);
    assert_string_equal(a.site, "Feed Title");
    wc_article_release(&a);

    k.entry.site = NULL;
    page_article(&a, NULL, NULL, NULL, NONE);
    assert_int_equal(wc_article_merge_known(&a, &k), WC_OK);
    assert_string_equal(a.site, "www.example.com");
    wc_article_release(&a);

    /* no URL known: the canonical URL's host; no host anywhere: no site */
    k.url = NULL;
    page_article(&a, NULL, NULL, NULL, NONE);
    a.canonical_url = dup("https://news.example.org:8080/story");
    assert_int_equal(wc_article_merge_known(&a, &k), WC_OK);
    assert_string_equal(a.site, "news.example.org");
    wc_article_release(&a);

    k.url = "not a url";
    page_article(&a, NULL, NULL, NULL, NONE);
    assert_int_equal(wc_article_merge_known(&a, &k), WC_OK);
    assert_null(a.site);
    wc_article_release(&a);
}

/* published_at: record, page, entry (the record's date beats the page's guess). */
static void test_table_published(void **state)
{
    static const struct {
        int64_t page, record, entry, want;
    } cases[] = {
        {1000, T_RECORD, T_ENTRY, T_RECORD},
        {1000, NONE, T_ENTRY, 1000},
        {NONE, NONE, T_ENTRY, T_ENTRY},
        {NONE, T_RECORD, T_ENTRY, T_RECORD},
        {NONE, NONE, NONE, NONE},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        wc_article a;
        wc_article_known k;
        page_article(&a, NULL, NULL, NULL, cases[i].page);
        known(&k, NULL, NULL, cases[i].record, NULL, NULL, NULL, cases[i].entry);
        assert_int_equal(wc_article_merge_known(&a, &k), WC_OK);
        assert_true(a.published_at == cases[i].want);
        wc_article_release(&a);
    }
}

/* The page's other fields are its own; known strings are copied and made valid UTF-8. */
static void test_table_rest(void **state)
{
    wc_article a;
    wc_article_known k;
    char title[] = "Caf\xC3\xA9 \xFF opens";

    (void)state;
    page_article(&a, NULL, NULL, NULL, NONE);
    a.description = dup("Desc");
    a.lang = dup("en");
    a.modified_at = 1234;
    known(&k, "https://example.com/x", title, NONE, NULL, NULL, NULL, NONE);
    assert_int_equal(wc_article_merge_known(&a, &k), WC_OK);
    /* the one repair policy (utf8.c): a stray byte is read as windows-1252 */
    assert_string_equal(a.title, "Caf\xC3\xA9 \xC3\xBF opens");
    assert_true(a.title != title);
    assert_string_equal(a.description, "Desc");
    assert_string_equal(a.lang, "en");
    assert_null(a.image);
    assert_null(a.canonical_url);
    assert_true(a.modified_at == 1234);
    wc_article_release(&a);

    /* nothing known: only the canonical URL's host can fill the site */
    page_article(&a, "T", NULL, NULL, 99);
    a.canonical_url = dup("https://example.net/p");
    assert_int_equal(wc_article_merge_known(&a, NULL), WC_OK);
    assert_string_equal(a.title, "T");
    assert_string_equal(a.site, "example.net");
    assert_true(a.published_at == 99);
    wc_article_release(&a);
}

/* A plain-text record's article: no page, so the record, the entry and the host decide. */
static void test_text_record(void **state)
{
    wc_article a;
    wc_article_known k;

    (void)state;
    wc_article_init(&a);
    known(&k, "https://www.wire.example/2020/story", "JSONL title", T_RECORD, "Entry title",
          "Entry Author", NULL, T_ENTRY);
    assert_int_equal(wc_article_merge_known(&a, &k), WC_OK);
    assert_string_equal(a.title, "JSONL title");
    assert_string_equal(a.author, "Entry Author");
    assert_string_equal(a.site, "www.wire.example");
    assert_true(a.published_at == T_RECORD);
    assert_null(a.lang);
    wc_article_release(&a);
}

static void page_of(wc_buf *b, const char *head, const char *pre)
{
    wc_buf_reset(b);
    assert_int_equal(wc_buf_addf(b,
                                 "<!DOCTYPE html><html><head>%s</head><body><div class=\"nav\">"
                                 "<a href=\"/\">Home</a> <a href=\"/n\">News</a></div><article>%s"
                                 "%s</article></body></html>",
                                 head, pre, body),
                     WC_OK);
}

/* A page's own metadata and the known metadata combine as the table says. */
static void test_page_with_known(void **state)
{
    wc_buf b;
    wc_article a, plain;
    wc_article_known k;
    wc_extract_opts o = {NULL, NULL, NULL};
    wc_error err = WC_ERROR_INIT;

    (void)state;
    wc_buf_init(&b, PAGE_MAX);
    page_of(&b,
            "<title>Board approves second reservoir | Valley News</title>"
            "<meta property=\"og:site_name\" content=\"Valley News\">"
            "<meta property=\"article:published_time\" content=\"2019-03-05T10:00:00Z\">",
            "<h1>Board approves second reservoir</h1>");
    known(&k, "https://www.valley.example/2019/reservoir", "The record's title", T_RECORD,
          "The entry's title", "Entry Author", "Valley News feed", T_ENTRY);
    o.known = &k;
    wc_article_init(&a);
    wc_article_init(&plain);
    assert_int_equal(wc_extract_html(b.buf, b.len, &o, &a, &err), WC_OK);
    /* the page's headline and site over the record's and the entry's */
    assert_string_equal(a.title, "Board approves second reservoir");
    assert_string_equal(a.site, "Valley News");
    /* the page names no author: the entry's */
    assert_string_equal(a.author, "Entry Author");
    /* the record's date over the page's */
    assert_true(a.published_at == T_RECORD);
    /* opts.url taken from known.url: the canonical-less page still has its base */
    o.known = NULL;
    o.url = k.url;
    assert_int_equal(wc_extract_html(b.buf, b.len, &o, &plain, &err), WC_OK);
    assert_true(plain.published_at == 1551780000); /* the page alone: its own date */
    assert_null(plain.author);
    assert_string_equal(plain.text, a.text);
    wc_article_release(&plain);
    wc_article_release(&a);

    /* without a record date, the page's; with a byline on the page, the page's author */
    page_of(&b,
            "<meta name=\"author\" content=\"Jane Doe\">"
            "<meta property=\"article:published_time\" content=\"2019-03-05T10:00:00Z\">",
            "<h1>Board approves second reservoir</h1>");
    known(&k, "https://www.valley.example/2019/reservoir", NULL, NONE, "The entry's title",
          "Entry Author", NULL, T_ENTRY);
    o.known = &k;
    o.url = NULL;
    assert_int_equal(wc_extract_html(b.buf, b.len, &o, &a, &err), WC_OK);
    assert_true(a.published_at == 1551780000);
    assert_string_equal(a.author, "Jane Doe");
    /* no og:site_name: the page's own fallback, its host without "www." */
    assert_string_equal(a.site, "valley.example");
    assert_string_equal(a.title, "Board approves second reservoir");
    wc_article_release(&a);
    wc_buf_release(&b);
}

/* A feed entry's content: headline inside, a teaser "Related:" line, no <title>. */
static const char fragment[] =
    "<h1>Board approves second reservoir</h1>"
    "<p>The regional water board approved a plan on Tuesday to build a second reservoir north "
    "of the valley, ending a dispute that had stalled the project for almost six years.</p>"
    "<p>Related: <a href=\"/2021/ferry\">Ferry fares rise again</a></p>"
    "<p>Farmers had argued that the site would flood some of the best grazing land in the "
    "district, while town officials said the existing reservoir could no longer cover dry "
    "summers.</p>";

static void test_fragment(void **state)
{
    wc_article a;
    wc_article_known k;
    wc_extract_opts o = {"https://www.valley.example/2021/reservoir", "utf-8", NULL};
    wc_error err = WC_ERROR_INIT;

    (void)state;
    /* nothing known: the headline inside is the title, not a body line; the teaser goes */
    wc_article_init(&a);
    assert_int_equal(wc_extract_fragment(fragment, strlen(fragment), &o, &a, &err), WC_OK);
    assert_string_equal(a.title, "Board approves second reservoir");
    assert_true(strncmp(a.text, "The regional water board ", 25) == 0);
    assert_null(strstr(a.text, "Related"));
    assert_null(strstr(a.text, "Ferry"));
    assert_non_null(strstr(a.text, "Farmers had argued"));
    assert_string_equal(a.site, "valley.example");
    assert_true(a.published_at == NONE); /* "/2021/" in the URL is no date */
    wc_article_release(&a);

    /* the entry's metadata: its site as the fragment's og:site_name (over the host), its author
       as a byline meta (read as names), the record's date */
    known(&k, o.url, NULL, T_RECORD, "Board approves second reservoir - Valley News", "By JANE DOE",
          "Valley News", T_ENTRY);
    o.known = &k;
    assert_int_equal(wc_extract_fragment(fragment, strlen(fragment), &o, &a, &err), WC_OK);
    assert_string_equal(a.title, "Board approves second reservoir");
    assert_string_equal(a.site, "Valley News");
    assert_string_equal(a.author, "Jane Doe");
    assert_true(a.published_at == T_RECORD);
    assert_true(strncmp(a.text, "The regional water board ", 25) == 0);
    assert_null(strstr(a.text, "Related"));
    wc_article_release(&a);
}

/* The entry plays the fragment's head exactly as a <title> and <meta> would. */
static void test_fragment_entry_head(void **state)
{
    wc_article a;
    wc_article_known k;
    wc_extract_opts o = {NULL, "utf-8", NULL};
    wc_error err = WC_ERROR_INIT;
    char frag[sizeof(body) + 64];

    (void)state;
    /* the entry's title cut of its site segment; an author that is a link is no byline, so
       the entry's own string stays (the table's fallback); no URL: no host */
    known(&k, NULL, NULL, NONE, "Reservoir plan approved | Valley News", "https://valley/me",
          "Valley News", NONE);
    o.known = &k;
    wc_article_init(&a);
    assert_int_equal(wc_extract_fragment(body, strlen(body), &o, &a, &err), WC_OK);
    assert_string_equal(a.title, "Reservoir plan approved");
    assert_string_equal(a.author, "https://valley/me");
    assert_string_equal(a.site, "Valley News");
    assert_true(a.published_at == NONE);
    wc_article_release(&a);

    /* a <title> inside the fragment is not the entry's: the entry's title wins, and with no
       entry title there is none from it either */
    snprintf(frag, sizeof(frag), "<title>Stray title</title>%s", body);
    assert_int_equal(wc_extract_fragment(frag, strlen(frag), &o, &a, &err), WC_OK);
    assert_string_equal(a.title, "Reservoir plan approved");
    wc_article_release(&a);
    k.entry.title = NULL;
    assert_int_equal(wc_extract_fragment(frag, strlen(frag), &o, &a, &err), WC_OK);
    assert_null(a.title);
    wc_article_release(&a);
}

static void test_fragment_input(void **state)
{
    wc_article a;
    wc_error err = WC_ERROR_INIT;
    static const char text[] =
        "The regional water board approved a plan on Tuesday to build a second reservoir north "
        "of the valley, ending a dispute that had stalled the project for almost six years & "
        "more, as farmers and the town had argued about the best grazing land for a long time.";
    char bin[256];
    size_t i;

    (void)state;
    wc_article_init(&a);
    /* plain text is a fragment too (no markup needed, entities and '&' as HTML reads them) */
    assert_int_equal(wc_extract_fragment(text, strlen(text), NULL, &a, &err), WC_OK);
    assert_non_null(strstr(a.text, "six years & more"));
    wc_article_release(&a);
    assert_int_equal(wc_extract_fragment("", 0, NULL, &a, &err), WC_ERR_EMPTY);
    assert_int_equal(wc_extract_fragment(NULL, 5, NULL, &a, &err), WC_ERR_USAGE);
    assert_int_equal(wc_extract_fragment(text, WC_EXTRACT_MAX_INPUT + 1, NULL, &a, &err),
                     WC_ERR_LIMIT);
    for (i = 0; i < sizeof(bin); i++)
        bin[i] = (char)(i * 7);
    assert_int_equal(wc_extract_fragment(bin, sizeof(bin), NULL, &a, &err), WC_ERR_EMPTY);
    /* no article in it: what is known still decides the metadata */
    {
        wc_article_known k;
        wc_extract_opts o = {NULL, NULL, NULL};
        known(&k, "https://example.com/a", NULL, T_RECORD, "Short", NULL, "Feed", NONE);
        o.known = &k;
        assert_int_equal(wc_extract_fragment("<p>Too short.</p>", 17, &o, &a, &err), WC_ERR_EMPTY);
        assert_string_equal(a.title, "Short");
        assert_string_equal(a.site, "Feed");
        assert_true(a.published_at == T_RECORD);
        wc_article_release(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_table_title),
        cmocka_unit_test(test_table_author),
        cmocka_unit_test(test_table_site),
        cmocka_unit_test(test_table_published),
        cmocka_unit_test(test_table_rest),
        cmocka_unit_test(test_text_record),
        cmocka_unit_test(test_page_with_known),
        cmocka_unit_test(test_fragment),
        cmocka_unit_test(test_fragment_entry_head),
        cmocka_unit_test(test_fragment_input),
    };

    if (wc_global_init(NULL))
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
