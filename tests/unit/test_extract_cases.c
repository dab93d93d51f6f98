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

#define MAX_CASES 256

static char case_dir[4096];
static char *names[MAX_CASES];
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

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    struct CMUnitTest tests[MAX_CASES];
    const char *data = getenv("WC_TEST_DATA");
    DIR *dir;
    struct dirent *de;
    size_t i;

    snprintf(case_dir, sizeof(case_dir), "%s/extract", data && *data ? data : "tests/data");
    dir = opendir(case_dir);
    if (!dir) {
        printf("1..0 # SKIP no cases in %s\n", case_dir);
        return 0;
    }
    while ((de = readdir(dir)) && n_names < MAX_CASES) {
        size_t n = strlen(de->d_name);
        char exp[8192];
        FILE *f;
        if (n <= 5 || strcmp(de->d_name + n - 5, ".html"))
            continue;
        snprintf(exp, sizeof(exp), "%s/%.*s.expected.txt", case_dir, (int)(n - 5), de->d_name);
        if (!(f = fopen(exp, "rb")))
            continue;
        fclose(f);
        names[n_names] = strndup(de->d_name, n - 5);
        assert_non_null(names[n_names]);
        n_names++;
    }
    closedir(dir);
    qsort(names, n_names, sizeof(*names), by_name);
    for (i = 0; i < n_names; i++) {
        tests[i].name = names[i];
        tests[i].test_func = run_case;
        tests[i].setup_func = NULL;
        tests[i].teardown_func = NULL;
        tests[i].initial_state = names[i];
    }
    wc_global_init(NULL);
    return _cmocka_run_group_tests("extract cases", tests, n_names, NULL, NULL);
}
