/*
 * test_jsonl.c - the JSONL reader on real files (tests/data/dump/ (JSONL fixtures),
 * made by tests/helpers/make_warc_fixtures.py) and on large files made
 * here: every field form, bad lines with their line numbers, invalid
 * UTF-8 repaired, the line cap, gzip, truncation, and lines that straddle
 * the reader's window.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "wirecopy/dump.h"

#include "dump/dump_internal.h"
#include "wc_test.h"

/* Every JSONL record: no HTTP side (no fetch time, no Content-Type). */
static void check_jsonl_record(const struct wc_test_run *r, const wc_record *rec)
{
    (void)r;
    assert_true(rec->fetched_at == INT64_MIN);
    assert_null(rec->content_type);
}

static const struct wc_test_dump_kind jsonl_kind = {WC_SOURCE_JSONL, check_jsonl_record, false};

static uint64_t offset_of(const char *path, const char *needle)
{
    FILE *f = fopen(path, "rb");
    char *buf = malloc(1 << 16);
    size_t n;
    const char *hit;
    uint64_t off;

    assert_non_null(f);
    n = fread(buf, 1, 1 << 16, f);
    fclose(f);
    hit = memmem(buf, n, needle, strlen(needle));
    assert_non_null(hit);
    off = (uint64_t)(hit - buf);
    free(buf);
    return off;
}

static void check_good(struct wc_test_run *r, const char *plain_path, bool gz)
{
    assert_int_equal(r->end, WC_DONE);
    assert_int_equal(r->nproblems, 0);
    assert_int_equal(r->nrecs, 6);
    assert_int_equal(r->stats.records, 6);
    assert_int_equal(r->stats.errors, 0);
    assert_int_equal(r->stats.skipped, 0);
    /* 1: BOM, html, all fields, ISO date */
    assert_int_equal(r->recs[0].line, 1);
    assert_int_equal(r->recs[0].offset, 0);
    assert_string_equal(r->recs[0].id, "a1");
    assert_string_equal(r->recs[0].url, "https://news.test/1");
    assert_string_equal(r->recs[0].title, "One");
    assert_string_equal(r->recs[0].body, "<p>First</p>");
    assert_true(r->recs[0].is_html);
    assert_int_equal(r->recs[0].published_at, 1709287200); /* 2024-03-01T10:00:00Z */
    /* 2: numeric id, text, epoch seconds */
    assert_int_equal(r->recs[1].line, 2);
    assert_string_equal(r->recs[1].id, "42");
    assert_false(r->recs[1].is_html);
    assert_string_equal(r->recs[1].body, "Second as text");
    assert_int_equal(r->recs[1].published_at, 1700000000);
    assert_null(r->recs[1].url);
    /* lines 3 and 4 are blank; 5: CRLF, html wins over text, real id */
    assert_int_equal(r->recs[2].line, 5);
    assert_string_equal(r->recs[2].id, "1.5");
    assert_string_equal(r->recs[2].body, "<p>html wins</p>");
    assert_true(r->recs[2].is_html);
    /* 6: empty html gives text; a number for url and "" for title are absent */
    assert_int_equal(r->recs[3].line, 6);
    assert_false(r->recs[3].is_html);
    assert_string_equal(r->recs[3].body, "empty html gives text");
    assert_null(r->recs[3].url);
    assert_null(r->recs[3].title);
    assert_null(r->recs[3].id);
    /* 7: escapes decoded to UTF-8 (surrogate pair too); unparsable date absent */
    assert_string_equal(r->recs[4].body, "caf\xc3\xa9 \xf0\x9f\x98\x80 unicode escapes");
    assert_true(r->recs[4].published_at == INT64_MIN);
    /* 8: no final newline */
    assert_int_equal(r->recs[5].line, 8);
    assert_string_equal(r->recs[5].body, "last line without newline");
    if (!gz) {
        assert_int_equal(r->recs[1].offset, offset_of(plain_path, "{\"id\": 42"));
        assert_int_equal(r->recs[5].offset, offset_of(plain_path, "{\"text\": \"last line"));
    } else {
        char *pp = wc_test_dump_path("good.jsonl");

        assert_int_equal(r->recs[1].offset, 0); /* one gzip member */
        assert_int_equal(r->recs[5].stream_offset, offset_of(pp, "{\"text\": \"last line"));
        free(pp);
    }
}

static void test_good(void **state)
{
    char *p = wc_test_dump_path("good.jsonl");
    struct wc_test_run *r = wc_test_collect(p, 0, &jsonl_kind);

    (void)state;
    check_good(r, p, false);
    assert_int_equal(r->stats.bytes_read, r->stats.bytes_total);
    wc_test_run_free(r);
    free(p);
}

static void test_good_gz(void **state)
{
    char *p = wc_test_dump_path("good.jsonl.gz");
    struct wc_test_run *r = wc_test_collect(p, 0, &jsonl_kind);

    (void)state;
    check_good(r, p, true);
    assert_int_equal(r->stats.bytes_read, r->stats.bytes_total);
    wc_test_run_free(r);
    free(p);
}

static void test_bad_lines(void **state)
{
    char *p = wc_test_dump_path("bad.jsonl"), want[700];
    struct wc_test_run *r = wc_test_collect(p, 0, &jsonl_kind);

    (void)state;
    assert_int_equal(r->end, WC_DONE);
    assert_int_equal(r->nrecs, 6);
    assert_string_equal(r->recs[0].id, "ok1");
    assert_string_equal(r->recs[1].id, "numhtml");
    assert_false(r->recs[1].is_html);
    assert_string_equal(r->recs[1].body, "text used when html is no string");
    /* invalid UTF-8 repaired (stray bytes read as windows-1252), the article kept */
    assert_string_equal(r->recs[2].id, "latin1");
    assert_int_equal(r->recs[2].line, 7);
    assert_string_equal(r->recs[2].body, "caf\xc3\xa9 cr\xc3\xa8me");
    /* \u0000 kept inside the body (length says so) */
    assert_string_equal(r->recs[3].id, "nul");
    assert_int_equal(r->recs[3].len, 3);
    assert_memory_equal(r->recs[3].body, "a\0b", 3);
    assert_string_equal(r->recs[4].id, "long");
    assert_int_equal(r->recs[4].len, 5000);
    assert_string_equal(r->recs[5].id, "ok2");
    assert_int_equal(r->recs[5].line, 11);

    assert_int_equal(r->nproblems, 5);
    assert_int_equal(r->stats.errors, 4);
    assert_int_equal(r->stats.repaired, 1);
    snprintf(want, sizeof(want),
             "malformed JSON in '%s' at line 2, column 33: '}' expected near end of file", p);
    assert_string_equal(r->problems[0], want);
    snprintf(want, sizeof(want), "line 3 in '%s' is not a JSON object", p);
    assert_string_equal(r->problems[1], want);
    snprintf(want, sizeof(want), "line 4 in '%s' is not a JSON object", p);
    assert_string_equal(r->problems[2], want);
    snprintf(want, sizeof(want), "line 5 in '%s' has no \"html\" or \"text\" string", p);
    assert_string_equal(r->problems[3], want);
    snprintf(want, sizeof(want), "invalid UTF-8 in '%s' at line 7: 2 bytes read as windows-1252",
             p);
    assert_string_equal(r->problems[4], want);
    assert_int_equal(r->pcodes[0], WC_ERR_PARSE);
    assert_int_equal(r->pcodes[4], WC_ERR_ENCODING);
    wc_test_run_free(r);
    free(p);
}

static void test_line_cap(void **state)
{
    char *p = wc_test_dump_path("bad.jsonl"), want[700];
    struct wc_test_run *r = wc_test_collect(p, 1000, &jsonl_kind);

    (void)state;
    assert_int_equal(r->nrecs, 5);
    assert_string_equal(r->recs[3].id, "nul");
    assert_string_equal(r->recs[4].id, "ok2");
    assert_int_equal(r->recs[4].line, 11);
    assert_int_equal(r->nproblems, 6);
    snprintf(want, sizeof(want), "line 10 in '%s' is over the cap of 1000 bytes", p);
    assert_string_equal(r->problems[5], want);
    assert_int_equal(r->pcodes[5], WC_ERR_LIMIT);
    wc_test_run_free(r);
    free(p);
}

static void test_truncated_gz(void **state)
{
    char *p = wc_test_dump_path("truncated.jsonl.gz"), want[700];
    struct wc_test_run *r = wc_test_collect(p, 0, &jsonl_kind);

    (void)state;
    assert_int_equal(r->nrecs, 2);
    assert_string_equal(r->recs[1].id, "42");
    assert_int_equal(r->end, WC_ERR_PARSE);
    snprintf(want, sizeof(want),
             "truncated gzip member in '%s' at offset 0 (after line 4, a partial line lost)", p);
    assert_string_equal(r->end_msg, want);
    wc_test_run_free(r);
    free(p);
}

/*
 * Many lines of varying length, some longer than the 256 KiB read size,
 * so lines straddle every refill; written plain and gzip'ed in members of
 * 1000 lines; every line must come back whole with its number.
 */
/*
 * What JSON's \u escapes can carry of a stray windows-1252 byte: a C1
 * control (a Latin-1 decoder's "\u0093", which jansson accepts) is read as
 * windows-1252 in text and title; a lone surrogate (Python's
 * surrogateescape "\udc93", which jansson refuses) is mended, not lost.
 */
static void test_escaped_bytes(void **state)
{
    char tmpl[] = "/tmp/wc-jsonl-XXXXXX", *path, want[700];
    FILE *f;
    struct wc_test_run *r;

    (void)state;
    assert_non_null(mkdtemp(tmpl));
    assert_true(asprintf(&path, "%s/esc.jsonl", tmpl) > 0);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("{\"id\": \"c1\", \"title\": \"\\u0093Hi\\u0094\", \"text\": \"it\\u0092s\\u0001 ok\"}\n"
          "{\"id\": \"pep383\", \"text\": \"caf\\udce9 \\udc93q\\udc94 \\ud800 \\ud83d\\ude00\"}\n"
          "{\"id\": \"both\", \"text\": \"\\udc93a\x94 \\\\udc93\"}\n",
          f);
    fclose(f);
    r = wc_test_collect(path, 0, &jsonl_kind);
    assert_int_equal(r->end, WC_DONE);
    assert_int_equal(r->nrecs, 3);
    assert_string_equal(r->recs[0].title, "\xE2\x80\x9CHi\xE2\x80\x9D");
    assert_string_equal(r->recs[0].body, "it\xE2\x80\x99s ok");
    /* U+DCE9 is byte 0xE9 (e acute), a surrogate that stands for no byte is U+FFFD, a pair stays */
    assert_string_equal(r->recs[1].body, "caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D \xEF\xBF\xBD "
                                         "\xF0\x9F\x98\x80");
    /* a raw byte and a lone surrogate on one line; an escaped backslash is no escape */
    assert_string_equal(r->recs[2].body, "\xE2\x80\x9C"
                                         "a\xE2\x80\x9D \\udc93");
    assert_int_equal(r->stats.repaired, 2);
    snprintf(want, sizeof(want), "lone surrogate escapes in '%s' at line 2: 4 repaired", path);
    assert_string_equal(r->problems[0], want);
    wc_test_run_free(r);
    unlink(path);
    rmdir(tmpl);
    free(path);
}

static void test_many_lines(void **state)
{
    char tmpl[] = "/tmp/wc-jsonl-XXXXXX", *plain, *gzp;
    FILE *f;
    gzFile g = NULL;
    int fd, n = 20000, i, pass;
    char *line = malloc(700000);

    (void)state;
    assert_non_null(mkdtemp(tmpl));
    assert_true(asprintf(&plain, "%s/many.jsonl", tmpl) > 0);
    assert_true(asprintf(&gzp, "%s/many.jsonl.gz", tmpl) > 0);
    f = fopen(plain, "wb");
    assert_non_null(f);
    for (i = 0; i < n; i++) {
        int len = (i % 997 == 0) ? 600000 : 50 + (i * 37) % 4000, k;

        if (i % 1000 == 0) {
            if (g)
                gzclose(g);
            fd = open(gzp, O_WRONLY | O_CREAT | O_APPEND, 0644);
            assert_true(fd >= 0);
            g = gzdopen(fd, "ab");
            assert_non_null(g);
        }
        k = snprintf(line, 100, "{\"id\": %d, \"text\": \"", i);
        memset(line + k, 'a' + i % 26, (size_t)len);
        k += len;
        k += snprintf(line + k, 100, "\"}\n");
        assert_int_equal(fwrite(line, 1, (size_t)k, f), (size_t)k);
        assert_int_equal(gzwrite(g, line, (unsigned)k), k);
        if (i % 5000 == 4999) {
            fputs("\n", f); /* a blank line every 5000 */
            gzputs(g, "\n");
        }
    }
    gzclose(g);
    fclose(f);
    for (pass = 0; pass < 2; pass++) {
        struct wc_test_run *r = wc_test_collect(pass ? gzp : plain, 0, &jsonl_kind);
        uint64_t expect_line = 1;

        assert_int_equal(r->end, WC_DONE);
        assert_int_equal(r->nproblems, 0);
        assert_int_equal((int)r->nrecs, n);
        for (i = 0; i < n; i++) {
            char id[16];
            int len = (i % 997 == 0) ? 600000 : 50 + (i * 37) % 4000;

            snprintf(id, sizeof(id), "%d", i);
            assert_string_equal(r->recs[i].id, id);
            assert_int_equal(r->recs[i].len, (size_t)len);
            assert_int_equal(r->recs[i].body[0], 'a' + i % 26);
            assert_int_equal(r->recs[i].body[len - 1], 'a' + i % 26);
            assert_int_equal(r->recs[i].line, expect_line);
            expect_line += (i % 5000 == 4999) ? 2 : 1;
        }
        assert_int_equal(r->stats.bytes_read, r->stats.bytes_total);
        wc_test_run_free(r);
    }
    unlink(plain);
    unlink(gzp);
    rmdir(tmpl);
    free(plain);
    free(gzp);
    free(line);
}

/* The reader over memory, the way the fuzzer drives it: odd inputs end cleanly. */
static void test_odd_inputs(void **state)
{
    static const char *const inputs[] = {
        "{",
        "{}\n{}\n",
        "{\"text\": \"\\ud800\"}\n",
        "{\"html\": \"x\"}\r\r\n",
        "{\"text\": \"a\"}\n\xff\xfe\n{\"text\": \"b\"}",
        "{\"text\": 1}\n",
        "{\"text\":\"t\",\"published\":-1.5,\"id\":-3}\n",
    };
    /* the lone surrogate is mended (U+FFFD), not a lost line */
    static const size_t records[] = {0, 0, 1, 1, 2, 0, 1};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        struct wc_test_run *r = calloc(1, sizeof(*r));
        wc_dump_opts o = {0, wc_test_on_problem, r, NULL};
        wc_dump *d;
        wc_error err = WC_ERROR_INIT;

        assert_int_equal(wc_dump_open_mem(&d, inputs[i], strlen(inputs[i]), "odd.jsonl",
                                          WC_SOURCE_JSONL, &o, &err),
                         WC_OK);
        wc_test_run_dump(r, d, &jsonl_kind);
        wc_dump_free(d);
        assert_int_equal(r->end, WC_DONE);
        assert_int_equal(r->nrecs, records[i]);
        if (i == 6) {
            assert_int_equal(r->recs[0].published_at, -2);
            assert_string_equal(r->recs[0].id, "-3");
        }
        wc_test_run_free(r);
    }
}

/*
 * Valid JSON that jansson refuses as it stands, and NULs: numbers beyond
 * int64 or double in fields the reader does not use change nothing; a
 * numeric id beyond range keeps its digits as its text; a `published`
 * number no time can be is a problem of that field, the record kept
 * without a date; U+0000 in a key is no reason to lose the line, and in a
 * title it is dropped, the rest kept, on both paths (flat and nested).
 */
static void test_hostile_values(void **state)
{
    static const char lines[] =
        "{\"text\": \"big unused\", \"n\": 123456789012345678901234567890, \"r\": 1e400}\n"
        "{\"text\": \"nested\", \"o\": {\"a\": [-1e999, -99999999999999999999, 2.5e-400]}}\n"
        "{\"id\": 123456789012345678901234567890, \"text\": \"big id\"}\n"
        "{\"id\": -1e400, \"text\": \"real id\"}\n"
        "{\"text\": \"big date\", \"published\": 1e400}\n"
        "{\"text\": \"far date\", \"published\": 1e300}\n"
        "{\"te\\u0000xt\": \"nul in a key\", \"text\": \"kept\"}\n"
        "{\"text\": \"flat\", \"title\": \"Bre\\u0000aking news\"}\n"
        "{\"text\": \"nested\", \"title\": \"Bre\\u0000aking \\u0000news\", \"o\": {}}\n"
        "{\"text\": \"only nul\", \"title\": \"\\u0000\"}\n"
        "{\"text\": \"in a string: 1e400 \\\"99999999999999999999\\\" \\\\u0000\", \"n\": 1e400}\n"
        "{\"a\\\\u0000b\": 1e400, \"text\": \"escaped backslash in a key\"}\n";
    struct wc_test_run *r = calloc(1, sizeof(*r));
    wc_dump_opts o = {0, wc_test_on_problem, r, NULL};
    wc_dump *d;
    wc_error err = WC_ERROR_INIT;

    (void)state;
    assert_int_equal(
        wc_dump_open_mem(&d, lines, strlen(lines), "h.jsonl", WC_SOURCE_JSONL, &o, &err), WC_OK);
    wc_test_run_dump(r, d, &jsonl_kind);
    wc_dump_free(d);
    assert_int_equal(r->end, WC_DONE);
    assert_int_equal(r->nrecs, 12);
    assert_string_equal(r->recs[0].body, "big unused");
    assert_string_equal(r->recs[1].body, "nested");
    assert_string_equal(r->recs[2].id, "123456789012345678901234567890");
    assert_string_equal(r->recs[3].id, "-1e400");
    assert_string_equal(r->recs[4].body, "big date");
    assert_true(r->recs[4].published_at == INT64_MIN);
    assert_true(r->recs[5].published_at == INT64_MIN);
    assert_string_equal(r->recs[6].body, "kept");
    assert_string_equal(r->recs[7].title, "Breaking news");
    assert_string_equal(r->recs[8].title, "Breaking news");
    assert_null(r->recs[9].title);
    /* numbers and escapes inside strings are text, not tokens */
    assert_string_equal(r->recs[10].body, "in a string: 1e400 \"99999999999999999999\" \\u0000");
    assert_string_equal(r->recs[11].body, "escaped backslash in a key");
    assert_int_equal(r->nproblems, 2);
    assert_string_equal(r->problems[0],
                        "\"published\" out of range in 'h.jsonl' at line 5: 1e400 (no date taken)");
    assert_string_equal(
        r->problems[1],
        "\"published\" out of range in 'h.jsonl' at line 6: 1e+300 (no date taken)");
    assert_int_equal(r->pcodes[0], WC_ERR_LIMIT);
    wc_test_run_free(r);
}

/*
 * The fast path takes flat objects and declines everything else; what it
 * takes, it reads exactly as jansson does.
 */
static void test_fast_path(void **state)
{
    static const struct {
        const char *line;
        bool fast;
    } cases[] = {
        {"{\"text\": \"plain\", \"id\": 7, \"url\": \"https://x.test/\"}", true},
        {"{\"\\u0068tml\": \"<p>k</p>\", \"id\": -0, \"published\": 1.7e9}", true},
        {"{\"text\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\\u0000\"}", true},
        {"{\"text\": \"dup\", \"text\": \"last\", \"html\": null, \"title\": true}", true},
        {"  {  \"text\" :  \"s\" , \"id\" : \"\" }  ", true},
        {"{\"text\": \"caf\xc3\xa9 na\xc3\xafve\", \"id\": 9223372036854775807}", true},
        {"{}", true},
        {"{\"text\": \"t\", \"n\": {\"a\": [1]}}", false}, /* nested: jansson's */
        {"{\"text\": \"t\", \"id\": 1e400}", false},       /* overflow */
        {"{\"text\": \"t\", \"id\": -9223372036854775809}", false},
        {"{\"text\": \"t\", \"x\": 01}", false},
        {"{\"text\": \"lone \\udc00\"}", false},
        {"{\"text\": \"caf\xe9\"}", false},     /* invalid UTF-8 */
        {"{\"text\": \"tab\tinside\"}", false}, /* raw control byte */
        {"{\"te\\u0000xt\": \"nul in key\"}", false},
        {"{\"text\": \"t\"} x", false},
        {"[1]", false},
        {"{\"text\": \"t\",}", false},
    };
    wc_buf arena = WC_BUF_INIT;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *line = cases[i].line;
        wc_jsonl_fields fa, sl;
        void *root;
        char idbuf[48];
        bool f_ok = wc_jsonl_fast(line, strlen(line), &arena, &fa);
        bool s_ok = wc_jsonl_slow(line, strlen(line), &root, idbuf, &sl);

        if (f_ok != cases[i].fast)
            fail_msg("case %zu: fast path %s '%s'", i, f_ok ? "took" : "declined", line);
        if (f_ok) {
            assert_true(s_ok);
            assert_int_equal(fa.html_len, sl.html_len);
            assert_int_equal(fa.text_len, sl.text_len);
            if (fa.html)
                assert_memory_equal(fa.html, sl.html, fa.html_len);
            else
                assert_null(sl.html);
            if (fa.text)
                assert_memory_equal(fa.text, sl.text, fa.text_len);
            else
                assert_null(sl.text);
            if (fa.id)
                assert_string_equal(fa.id, sl.id);
            else
                assert_null(sl.id);
            if (fa.url)
                assert_string_equal(fa.url, sl.url);
            else
                assert_null(sl.url);
            assert_null(fa.title);
            assert_null(sl.title);
            assert_true(fa.published == sl.published);
        }
        wc_jsonl_drop(root);
    }
    /* a few values spelled out */
    {
        wc_jsonl_fields f;

        assert_true(wc_jsonl_fast(cases[2].line, strlen(cases[2].line), &arena, &f));
        assert_int_equal(f.text_len, 19);
        assert_memory_equal(f.text, "a\"b\\c/d\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80\0", 19);
        assert_true(wc_jsonl_fast(cases[1].line, strlen(cases[1].line), &arena, &f));
        assert_string_equal(f.html, "<p>k</p>");
        assert_string_equal(f.id, "0");
        assert_int_equal(f.published, 1700000000);
        assert_true(wc_jsonl_fast(cases[3].line, strlen(cases[3].line), &arena, &f));
        assert_string_equal(f.text, "last");
        assert_null(f.html);
        assert_true(wc_jsonl_fast(cases[4].line, strlen(cases[4].line), &arena, &f));
        assert_null(f.id);
    }
    wc_buf_release(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),         cmocka_unit_test(test_good_gz),
        cmocka_unit_test(test_bad_lines),    cmocka_unit_test(test_line_cap),
        cmocka_unit_test(test_truncated_gz), cmocka_unit_test(test_escaped_bytes),
        cmocka_unit_test(test_many_lines),   cmocka_unit_test(test_odd_inputs),
        cmocka_unit_test(test_fast_path),    cmocka_unit_test(test_hostile_values),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
