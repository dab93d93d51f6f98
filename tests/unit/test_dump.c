/*
 * test_dump.c - opening dumps: the kind told by content before name,
 * the name as the fallback, stdin ("-") streamed through a pipe, single
 * HTML files, open errors, source names and the counters.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "wirecopy/dump.h"

static char tmpdir[64];

static char *data_path(const char *name)
{
    const char *dir = getenv("WC_TEST_DATA");
    char *p;

    assert_non_null(dir);
    assert_true(asprintf(&p, "%s/dump/%s", dir, name) > 0);
    return p;
}

static char *tmp_path(const char *name)
{
    char *p;

    assert_true(asprintf(&p, "%s/%s", tmpdir, name) > 0);
    return p;
}

/* Copy fixture `from` to a temp file named `to` (so the name lies about the content). */
static char *copy_as(const char *from, const char *to)
{
    char *src = data_path(from), *dst = tmp_path(to), *cmd;

    assert_true(asprintf(&cmd, "cp '%s' '%s'", src, dst) > 0);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(src);
    return dst;
}

static char *write_tmp(const char *name, const void *data, size_t len)
{
    char *p = tmp_path(name);
    FILE *f = fopen(p, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    return p;
}

static int problems;

static void count_problem(void *ctx, const wc_error *e)
{
    (void)ctx;
    (void)e;
    problems++;
}

/* Open, check the kind, count the records to the end. */
static size_t count(const char *path, wc_source kind, wc_dump_stats *stats)
{
    wc_dump_opts o = {0, count_problem, NULL, NULL};
    wc_dump *d;
    wc_record rec;
    wc_error err = WC_ERROR_INIT;
    size_t n = 0;
    wc_status st;

    problems = 0;
    if (wc_dump_open(path, &o, &d, &err) != WC_OK)
        fail_msg("open %s: %s", path, err.msg);
    assert_int_equal(wc_dump_source(d), kind);
    while ((st = wc_dump_next(d, &rec, &err)) == WC_OK) {
        assert_int_equal(rec.source, kind);
        n++;
    }
    assert_int_equal(st, WC_DONE);
    if (stats)
        wc_dump_get_stats(d, stats);
    wc_dump_free(d);
    return n;
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/wc-dump-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_source_names(void **state)
{
    (void)state;
    assert_string_equal(wc_source_name(WC_SOURCE_WARC), "warc");
    assert_string_equal(wc_source_name(WC_SOURCE_DIR), "dir");
    assert_string_equal(wc_source_name(WC_SOURCE_JSONL), "jsonl");
    assert_string_equal(wc_source_name(WC_SOURCE_FEED), "feed");
    assert_string_equal(wc_source_name(WC_SOURCE_PAGE), "page");
    assert_string_equal(wc_source_name(WC_SOURCE_UNKNOWN), "unknown");
    assert_string_equal(wc_source_name((wc_source)99), "unknown");
    assert_int_equal(wc_dump_source(NULL), WC_SOURCE_UNKNOWN);
    wc_dump_free(NULL);
}

/* Content wins over a misleading name. */
static void test_content_over_name(void **state)
{
    char *a = copy_as("site.warc.gz", "crawl.jsonl");
    char *b = copy_as("good.jsonl", "articles.warc");
    char *c = copy_as("good.jsonl.gz", "export.dat");
    char *e = copy_as("site.warc", "noext");

    (void)state;
    assert_int_equal(count(a, WC_SOURCE_WARC, NULL), 6);
    assert_int_equal(count(b, WC_SOURCE_JSONL, NULL), 6);
    assert_int_equal(count(c, WC_SOURCE_JSONL, NULL), 6);
    assert_int_equal(count(e, WC_SOURCE_WARC, NULL), 6);
    free(a);
    free(b);
    free(c);
    free(e);
}

/* When the content says nothing, the name decides. */
static void test_name_fallback(void **state)
{
    char *w = write_tmp("junkstart.warc", "not a warc\n", 11);
    char *j = write_tmp("empty.jsonl", "", 0);
    char *g = write_tmp("spaces.jsonl.gz", "", 0);
    char *u = write_tmp("mystery.bin", "\x01\x02\x03", 3);
    char *z = write_tmp("empty.dat", "", 0);
    wc_dump *d;
    wc_error err = WC_ERROR_INIT;
    char want[300];

    (void)state;
    assert_int_equal(count(w, WC_SOURCE_WARC, NULL), 0);
    assert_int_equal(problems, 1); /* the garbage */
    assert_int_equal(count(j, WC_SOURCE_JSONL, NULL), 0);
    assert_int_equal(problems, 0);
    assert_int_equal(count(g, WC_SOURCE_JSONL, NULL), 0);
    assert_int_equal(wc_dump_open(u, NULL, &d, &err), WC_ERR_UNSUPPORTED);
    assert_null(d);
    snprintf(want, sizeof(want), "cannot tell the format of '%s': not WARC, JSONL or HTML", u);
    assert_string_equal(err.msg, want);
    /* an empty input of any name holds no records, and is no error */
    assert_int_equal(count(z, WC_SOURCE_JSONL, NULL), 0);
    assert_int_equal(problems, 0);
    free(w);
    free(j);
    free(g);
    free(u);
    free(z);
}

static void test_open_errors(void **state)
{
    wc_dump *d = (wc_dump *)1;
    wc_error err = WC_ERROR_INIT;
    char *p = tmp_path("absent.warc"), want[300];

    (void)state;
    assert_int_equal(wc_dump_open(p, NULL, &d, &err), WC_ERR_IO);
    assert_null(d);
    snprintf(want, sizeof(want), "cannot open '%s': No such file or directory", p);
    assert_string_equal(err.msg, want);
    free(p);
    if (geteuid() != 0) {
        p = write_tmp("locked.jsonl", "{}\n", 3);
        chmod(p, 0);
        assert_int_equal(wc_dump_open(p, NULL, &d, &err), WC_ERR_IO);
        snprintf(want, sizeof(want), "cannot open '%s': Permission denied", p);
        assert_string_equal(err.msg, want);
        free(p);
    }
}

/* One HTML file: one record, its mtime, its size; junk is a problem, not a record. */
static void test_single_html(void **state)
{
    const char *html = "<!doctype html><title>x</title><p>one page</p>";
    char *p = write_tmp("page.html", html, strlen(html));
    char *q = write_tmp("page.txt", html, strlen(html));
    char *j = copy_as("tree/junk.html", "junk.html");
    wc_dump *d;
    wc_record rec;
    wc_error err = WC_ERROR_INIT;
    wc_dump_stats st;
    struct stat sb;

    (void)state;
    assert_int_equal(wc_dump_open(p, NULL, &d, &err), WC_OK);
    assert_int_equal(wc_dump_next(d, &rec, &err), WC_OK);
    assert_int_equal(rec.source, WC_SOURCE_DIR);
    assert_string_equal(rec.origin, p);
    assert_int_equal(rec.len, strlen(html));
    assert_string_equal(rec.body, html);
    assert_true(rec.is_html);
    assert_int_equal(stat(p, &sb), 0);
    assert_true(rec.fetched_at == (int64_t)sb.st_mtime);
    assert_int_equal(wc_dump_next(d, &rec, &err), WC_DONE);
    wc_dump_get_stats(d, &st);
    assert_int_equal(st.records, 1);
    assert_int_equal(st.bytes_read, strlen(html));
    assert_int_equal(st.bytes_total, strlen(html));
    wc_dump_free(d);
    /* content says HTML though the name does not */
    assert_int_equal(count(q, WC_SOURCE_DIR, NULL), 1);
    assert_int_equal(count(j, WC_SOURCE_DIR, NULL), 0);
    assert_int_equal(problems, 1);
    free(p);
    free(q);
    free(j);
}

/* "-" reads stdin as a stream (a pipe: no size, no seeking). */
static void test_stdin(void **state)
{
    char *src = data_path("site.warc.gz");
    int fds[2], saved;
    pid_t pid;
    wc_dump *d;
    wc_record rec;
    wc_error err = WC_ERROR_INIT;
    wc_dump_stats st;
    size_t n = 0;

    (void)state;
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int in = open(src, O_RDONLY);
        char buf[1000];
        ssize_t k;

        close(fds[0]);
        while ((k = read(in, buf, sizeof(buf))) > 0)
            if (write(fds[1], buf, (size_t)k) != k)
                _exit(1);
        _exit(0);
    }
    close(fds[1]);
    saved = dup(0);
    assert_true(dup2(fds[0], 0) == 0);
    close(fds[0]);
    assert_int_equal(wc_dump_open("-", NULL, &d, &err), WC_OK);
    assert_int_equal(wc_dump_source(d), WC_SOURCE_WARC);
    while (wc_dump_next(d, &rec, &err) == WC_OK) {
        assert_string_equal(rec.origin, "<stdin>");
        n++;
    }
    wc_dump_get_stats(d, &st);
    wc_dump_free(d);
    dup2(saved, 0);
    close(saved);
    waitpid(pid, NULL, 0);
    assert_int_equal(n, 6);
    assert_int_equal(st.bytes_total, 0);
    {
        struct stat sb;

        assert_int_equal(stat(src, &sb), 0);
        assert_int_equal(st.bytes_read, (uint64_t)sb.st_size);
    }
    free(src);
}

/* An input that ends with an error stays ended, and counters stay right. */
static void test_after_error(void **state)
{
    char *p = data_path("truncated.warc.gz");
    wc_dump *d;
    wc_record rec;
    wc_error err = WC_ERROR_INIT;
    wc_dump_stats st;
    wc_status s;
    int n = 0;

    (void)state;
    assert_int_equal(wc_dump_open(p, NULL, &d, &err), WC_OK);
    while ((s = wc_dump_next(d, &rec, &err)) == WC_OK)
        n++;
    assert_int_equal(s, WC_ERR_PARSE);
    assert_int_equal(wc_dump_next(d, &rec, &err), WC_DONE);
    wc_dump_get_stats(d, &st);
    assert_int_equal(n, 4);
    assert_int_equal(st.records, 4);
    assert_int_equal(st.errors, 0);
    wc_dump_free(d);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source_names),  cmocka_unit_test(test_content_over_name),
        cmocka_unit_test(test_name_fallback), cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_single_html),   cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_after_error),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
