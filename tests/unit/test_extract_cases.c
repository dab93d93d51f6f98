/*
 * test_extract_cases.c - data-driven extraction cases (jq's .test idea).
 *
 * Every tests/data/extract/NAME.html is extracted and its text compared
 * with NAME.expected.txt, byte for byte (one trailing newline of the file
 * ignored). An empty expected file means the page holds no article and
 * must give WC_ERR_EMPTY. Optional NAME.url gives the page's URL and
 * NAME.charset the HTTP charset. Each page is one TAP case, named after
 * it, so a failing signal is easy to find; the cases are small pages
 * written for this project, one signal each (see the comment at the top
 * of each page).
 *
 * More cases are written right here as C strings (inline_cases[]): a page
 * built in the test and the article text it must give, one rule each.
 * The page's shell (head, navigation, footer) is shared by page_head and
 * page_tail, so each case shows only the part its rule is about.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/extract.h"
#include "wirecopy/wirecopy.h"

static char case_dir[4096];
static char **names; /* every NAME.html of case_dir: no cap, none skipped */
static size_t n_names;

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

/* Contents of a small side file (url, charset) without its newline, or NULL. */
static char *side_file(const char *name, const char *ext)
{
    char path[8192];
    char *s;
    size_t n;

    snprintf(path, sizeof(path), "%s/%s.%s", case_dir, name, ext);
    s = read_file(path, &n);
    while (s && n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static void run_case(void **state)
{
    const char *name = *state;
    char path[8192];
    char *html, *want, *url, *charset;
    size_t hlen, wlen;
    wc_article a;
    wc_error err = WC_ERROR_INIT;
    wc_extract_opts o = {NULL, NULL, 0};
    wc_status st;

    snprintf(path, sizeof(path), "%s/%s.html", case_dir, name);
    html = read_file(path, &hlen);
    assert_non_null(html);
    snprintf(path, sizeof(path), "%s/%s.expected.txt", case_dir, name);
    want = read_file(path, &wlen);
    assert_non_null(want);
    if (wlen && want[wlen - 1] == '\n')
        want[--wlen] = '\0';
    url = side_file(name, "url");
    charset = side_file(name, "charset");
    o.url = url;
    o.charset = charset;
    wc_article_init(&a);
    st = wc_extract_html(html, hlen, &o, &a, &err);
    if (!wlen) {
        if (st != WC_ERR_EMPTY)
            print_message("# %s: expected no article, got:\n%s\n", name, a.text ? a.text : "");
        assert_int_equal(st, WC_ERR_EMPTY);
    } else {
        if (st != WC_OK)
            print_message("# %s: %s\n", name, err.msg);
        assert_int_equal(st, WC_OK);
        if (strcmp(a.text, want) != 0)
            print_message("# %s got:\n%s\n# want:\n%s\n", name, a.text, want);
        assert_string_equal(a.text, want);
        assert_int_equal(a.text_len, wlen);
    }
    wc_article_release(&a);
    free(html);
    free(want);
    free(url);
    free(charset);
}

/* --- cases built in the test ------------------------------------------------ */

/* The shell every built-in page shares: a masthead and menu before, a footer after. */
static const char page_head[] =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s | Daily "
    "Courier</title></head><body><div class=\"masthead\"><a href=\"/\">Daily Courier</a></div>"
    "<ul class=\"nav-menu\"><li><a href=\"/news\">News</a></li><li><a href=\"/sport\">Sport</a>"
    "</li><li><a href=\"/arts\">Arts</a></li><li><a href=\"/opinion\">Opinion</a></li></ul>\n";
static const char page_tail[] =
    "\n<div class=\"site-footer\"><a href=\"/about\">About us</a> | <a href=\"/privacy\">"
    "Privacy</a> | <a href=\"/jobs\">Jobs</a></div></body></html>";

struct inline_case {
    const char *name;
    const char *title; /* <title>, before the site's name */
    const char *body;  /* the page between the menu and the footer */
    const char *want;  /* the article's text; "" when the page has none */
};

static const struct inline_case inline_cases[] = {
    /* one long paragraph outweighs its closing line: the paragraph's parent is the
       container, and the line after it (with a linked word) is the article's */
    {"inline_paragraph_not_container", "Producer shares a new track",
     "<div class=\"post\"><h2>Producer shares a new track</h2><div class=\"entry\">"
     "<p>The spaced-out producer from Queens has been busy this year, making beats for half of "
     "the rappers in town, and now he has put out a track of his own, a slow and murky song with "
     "two guests who trade verses over a sample of an old soul record that he found in a bin at a "
     "flea market last winter.</p>\n"
     "<p>You can also get the instrumental <a href=\"/dl/inst\">here</a>.</p></div>"
     "<div class=\"tag-bar\">Tags: <a href=\"/t/1\">Queens</a>, <a href=\"/t/2\">Beats</a></div>"
     "</div>",
     "The spaced-out producer from Queens has been busy this year, making beats for half of the "
     "rappers in town, and now he has put out a track of his own, a slow and murky song with two "
     "guests who trade verses over a sample of an old soul record that he found in a bin at a "
     "flea market last winter.\n\nYou can also get the instrumental here."},
    /* in the article's container: a follow promo, video teasers that end in "Watch Video",
       a summary cut off with an ellipsis and "Read More..." are not the article */
    {"inline_calls_to_action", "Ferry service to resume next week",
     "<div class=\"article\"><h1>Ferry service to resume next week</h1>"
     "<p>The ferry between the two harbour towns will run again from Monday, the operator said "
     "on Tuesday, after three weeks in which the only boat on the route was laid up for repairs "
     "to its engines.</p>\n"
     "<p>Commuters had to drive around the bay in the meantime, a trip that takes more than an "
     "hour each way when the coast road is busy, and many of them said they would be glad to "
     "have the boat back.</p>\n"
     "<p>Follow @dailycourier for breaking news and headlines.</p>\n"
     "<p><a href=\"/v/1\">Ferry captain tells of the night the engines stopped</a> Watch "
     "Video</p>\n"
     "<p><a href=\"/v/2\">Mayor opens the new harbour bridge</a> Watch Video</p>\n"
     "<p>Will commuters give the new timetable a chance? That is what we asked "
     "t\xE2\x80\xA6 <a href=\"/a/3\">Read More...</a></p></div>",
     "The ferry between the two harbour towns will run again from Monday, the operator said on "
     "Tuesday, after three weeks in which the only boat on the route was laid up for repairs to "
     "its engines.\n\nCommuters had to drive around the bay in the meantime, a trip that takes "
     "more than an hour each way when the coast road is busy, and many of them said they would "
     "be glad to have the boat back."},
    /* a summary box (a "Story highlights" label and the list under it) retells the
       article for skimmers: the article is the paragraphs; a list further down stays */
    {"inline_summary_box", "Harbour bridge to close for repairs",
     "<div class=\"story\"><h1>Harbour bridge to close for repairs</h1>"
     "<div class=\"box\"><div>STORY HIGHLIGHTS</div><ul class=\"bullets\">"
     "<li>The bridge closes for six weeks from March</li>"
     "<li>Buses will run a detour through the old town</li>"
     "<li>The repairs cost 12 million</li></ul></div>"
     "<p>The harbour bridge will close for six weeks from the first of March while engineers "
     "replace the bearings that carry its deck, the city council said on Thursday.</p>\n"
     "<p>Buses that use the bridge will run a detour through the old town, which the council "
     "said would add about ten minutes to most trips during the morning rush hour.</p>\n"
     "<p>The work will be done in three stages:</p>\n"
     "<ul><li>the north ramp, in the first two weeks;</li><li>the main span, in the next "
     "three;</li><li>the south ramp, in the last week.</li></ul>\n"
     "<p>The repairs will cost 12 million, most of it paid for by the regional government, "
     "which owns the bridge and the roads that lead to it on both sides of the harbour.</p>"
     "</div>",
     "The harbour bridge will close for six weeks from the first of March while engineers "
     "replace the bearings that carry its deck, the city council said on Thursday.\n\nBuses "
     "that use the bridge will run a detour through the old town, which the council said would "
     "add about ten minutes to most trips during the morning rush hour.\n\nThe work will be "
     "done in three stages:\n\nthe north ramp, in the first two weeks;\nthe main span, in "
     "the next three;\nthe south ramp, in the last week.\n\nThe repairs will cost 12 "
     "million, most of it paid for by the regional government, which owns the bridge and the "
     "roads that lead to it on both sides of the harbour."},
};

#define N_INLINE (sizeof(inline_cases) / sizeof(inline_cases[0]))

static void run_inline_case(void **state)
{
    const struct inline_case *c = *state;
    size_t cap = sizeof(page_head) + strlen(c->title) + strlen(c->body) + sizeof(page_tail);
    char *html = malloc(cap);
    int n;
    wc_article a;
    wc_error err = WC_ERROR_INIT;
    wc_status st;

    assert_non_null(html);
    n = snprintf(html, cap, page_head, c->title);
    assert_true(n > 0 && (size_t)n < cap);
    n = snprintf(html + n, cap - (size_t)n, "%s%s", c->body, page_tail);
    assert_true(n > 0);
    wc_article_init(&a);
    st = wc_extract_html(html, strlen(html), NULL, &a, &err);
    if (!*c->want) {
        if (st != WC_ERR_EMPTY)
            print_message("# %s: expected no article, got:\n%s\n", c->name, a.text ? a.text : "");
        assert_int_equal(st, WC_ERR_EMPTY);
    } else {
        if (st != WC_OK)
            print_message("# %s: %s\n", c->name, err.msg);
        assert_int_equal(st, WC_OK);
        if (strcmp(a.text, c->want) != 0)
            print_message("# %s got:\n%s\n# want:\n%s\n", c->name, a.text, c->want);
        assert_string_equal(a.text, c->want);
    }
    wc_article_release(&a);
    free(html);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    struct CMUnitTest *tests;
    int rc;
    const char *data = getenv("WC_TEST_DATA");
    DIR *dir;
    struct dirent *de;
    size_t i;

    snprintf(case_dir, sizeof(case_dir), "%s/extract", data && *data ? data : "tests/data");
    dir = opendir(case_dir);
    if (!dir) {
        /* the cases are part of the tree: a checkout without them is broken, not a skip */
        printf("1..1\nnot ok 1 - no case folder %s\n", case_dir);
        return 1;
    }
    while ((de = readdir(dir))) {
        size_t n = strlen(de->d_name);
        char **more;
        if (n <= 5 || strcmp(de->d_name + n - 5, ".html"))
            continue;
        /* every page is a case: one without its NAME.expected.txt fails in run_case */
        more = realloc(names, (n_names + 1) * sizeof(*names));
        assert_non_null(more);
        names = more;
        names[n_names] = strndup(de->d_name, n - 5);
        assert_non_null(names[n_names]);
        n_names++;
    }
    closedir(dir);
    if (n_names)
        qsort(names, n_names, sizeof(*names), by_name);
    tests = calloc(n_names + N_INLINE, sizeof(*tests));
    assert_non_null(tests);
    for (i = 0; i < n_names; i++) {
        tests[i].name = names[i];
        tests[i].test_func = run_case;
        tests[i].setup_func = NULL;
        tests[i].teardown_func = NULL;
        tests[i].initial_state = names[i];
    }
    for (i = 0; i < N_INLINE; i++) {
        tests[n_names + i].name = inline_cases[i].name;
        tests[n_names + i].test_func = run_inline_case;
        tests[n_names + i].setup_func = NULL;
        tests[n_names + i].teardown_func = NULL;
        tests[n_names + i].initial_state = (void *)&inline_cases[i];
    }
    wc_global_init(NULL);
    rc = _cmocka_run_group_tests("extract cases", tests, n_names + N_INLINE, NULL, NULL);
    for (i = 0; i < n_names; i++)
        free(names[i]);
    free(names);
    free(tests);
    return rc;
}
