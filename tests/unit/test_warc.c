/*
 * test_warc.c - the WARC reader on real files: a WARC written by a real
 * `wget --warc-file` crawl of a site on 127.0.0.1 (committed, and made
 * again live when wget and python3 are here), and hand-made malformed
 * ones (tests/helpers/make_warc_fixtures.py). Offsets in expected
 * messages are worked out independently here: by walking the gzip
 * members with zlib, or by finding the record's bytes in the file.
 * Also the HTTP payload decoder (http_payload.c) on its own.
 */
#define _GNU_SOURCE
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
#include <zlib.h>

#include "wirecopy/charset.h"
#include "wirecopy/date.h"
#include "wirecopy/dump.h"

#include "dump/dump_internal.h"
#include "wc_test.h"

/* --- harness (wc_test.h runs a dump to its end): what every WARC record is --- */

/* Every WARC record: no line number, entry id or published date; the fixtures are small. */
static void check_warc_record(const struct wc_test_run *r, const wc_record *rec)
{
    assert_true(r->nrecs < 64);
    assert_int_equal(rec->line, 0);
    assert_null(rec->origin_id);
    assert_true(rec->published_at == INT64_MIN);
}

static const struct wc_test_dump_kind warc_kind = {WC_SOURCE_WARC, check_warc_record, true};

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Offsets of the gzip members of data, found with zlib; *complete = the last one ended. */
static size_t gz_members(const unsigned char *data, size_t len, uint64_t *offs, size_t max,
                         bool *complete)
{
    size_t n = 0, pos = 0;
    unsigned char out[65536];

    *complete = true;
    while (pos < len && n < max) {
        z_stream zs;
        int ret;

        if (len - pos < 2 || data[pos] != 0x1f || data[pos + 1] != 0x8b)
            break;
        memset(&zs, 0, sizeof(zs));
        assert_int_equal(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
        offs[n++] = pos;
        zs.next_in = (unsigned char *)data + pos;
        zs.avail_in = (uInt)(len - pos);
        do {
            zs.next_out = out;
            zs.avail_out = sizeof(out);
            ret = inflate(&zs, Z_NO_FLUSH);
        } while (ret == Z_OK);
        pos = len - zs.avail_in;
        inflateEnd(&zs);
        if (ret != Z_STREAM_END) {
            *complete = false;
            break;
        }
    }
    return n;
}

/* Decompress the gzip member at off (or take the plain bytes at off) into a string. */
static char *record_text_at(const unsigned char *data, size_t len, uint64_t off, bool gz)
{
    char *out = calloc(1, 1 << 20);
    z_stream zs;

    assert_non_null(out);
    if (!gz) {
        size_t n = len - off < (1 << 20) - 1 ? len - off : (1 << 20) - 1;

        memcpy(out, data + off, n);
        return out;
    }
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
    zs.next_in = (unsigned char *)data + off;
    zs.avail_in = (uInt)(len - off);
    zs.next_out = (unsigned char *)out;
    zs.avail_out = (1 << 20) - 1;
    inflate(&zs, Z_FINISH);
    inflateEnd(&zs);
    return out;
}

/* Offset of the "WARC/1." that starts the record holding needle in a plain file. */
static uint64_t record_offset_of(const char *path, const char *needle)
{
    size_t len, i;
    unsigned char *data = slurp(path, &len);
    const unsigned char *hit = memmem(data, len, needle, strlen(needle));

    assert_non_null(hit);
    i = (size_t)(hit - data);
    while (i > 0 && !(memcmp(data + i, "WARC/1.", 7) == 0 && (i == 0 || data[i - 1] == '\n')))
        i--;
    free(data);
    return i;
}

static uint64_t offset_of(const char *path, const void *needle, size_t nlen)
{
    size_t len;
    unsigned char *data = slurp(path, &len);
    const unsigned char *hit = memmem(data, len, needle, nlen);
    uint64_t off;

    assert_non_null(hit);
    off = (uint64_t)(hit - data);
    free(data);
    return off;
}

/* The Content-Length written in the header of the record holding needle. */
static unsigned long long content_length_of(const char *path, const char *needle)
{
    size_t len;
    unsigned char *data = slurp(path, &len);
    const char *hit = memmem(data, len, needle, strlen(needle));
    unsigned long long v;

    assert_non_null(hit);
    hit = strstr(hit, "Content-Length: ");
    assert_non_null(hit);
    v = strtoull(hit + 16, NULL, 10);
    free(data);
    return v;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);

    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The WARC-Date of the record text, parsed. */
static int64_t warc_date_of(const char *text)
{
    const char *p = strstr(text, "WARC-Date: ");
    int64_t t = 0;

    assert_non_null(p);
    p += 11;
    assert_true(wc_date_parse(p, strcspn(p, "\r\n"), &t));
    return t;
}

/* --- the real wget crawl ------------------------------------------------ */

static const char *const site_pages[] = {
    "/index.html",        "/news/zurich.html",      "/news/latin1.html",
    "/news/chunked.html", "/news/section/deep.htm", "/news/zurich.html"};

/*
 * What the crawl of warc_site_server.py must give: 6 HTML pages (wget
 * fetches zurich.html a second time after the 301), everything else
 * skipped: warcinfo, 11 requests, robots.txt 404, style.css, the 301,
 * the 404, logo.png, the metadata record and two resource records.
 */
static void check_site(struct wc_test_run *r, const char *path, bool gz, bool one_member)
{
    size_t len, i;
    unsigned char *data = slurp(path, &len);
    uint64_t offs[256];
    bool complete;
    size_t nm = gz ? gz_members(data, len, offs, 256, &complete) : 0;

    assert_int_equal(r->end, WC_DONE);
    assert_int_equal(r->nproblems, 0);
    assert_int_equal(r->nrecs, 6);
    assert_int_equal(r->stats.records, 6);
    assert_int_equal(r->stats.skipped, 20);
    assert_int_equal(r->stats.errors, 0);
    assert_int_equal(r->stats.bytes_read, len);
    assert_int_equal(r->stats.bytes_total, len);
    if (gz)
        assert_int_equal(nm, one_member ? 1 : 26); /* 11 fetches x 2 + warcinfo + 3 wget records */
    for (i = 0; i < r->nrecs; i++) {
        struct wc_test_rec *c = &r->recs[i];
        char *text;

        assert_non_null(c->url);
        assert_true(strncmp(c->url, "http://127.0.0.1:", 17) == 0);
        assert_true(ends_with(c->url, site_pages[i]));
        assert_string_equal(c->origin, path);
        assert_true(c->is_html);
        assert_true(c->len > 100);
        /* the offset leads to this very record: a member start or the "WARC/1." */
        if (gz) {
            size_t k;
            bool found = false;

            for (k = 0; k < nm; k++)
                found |= offs[k] == c->offset;
            assert_true(found);
            if (one_member)
                assert_int_equal(c->offset, 0);
        }
        text = record_text_at(data, len, one_member ? 0 : c->offset, gz);
        if (one_member) {
            char *t2 = strdup(text + c->stream_offset);

            free(text);
            text = t2;
        }
        assert_memory_equal(text, "WARC/1.", 7);
        assert_non_null(strstr(text, "WARC-Type: response"));
        {
            char want[256];

            snprintf(want, sizeof(want), "WARC-Target-URI: <%s>", c->url);
            assert_true(strncmp(strstr(text, "WARC-Target-URI: "), want, strlen(want)) == 0);
        }
        assert_true(c->fetched_at == warc_date_of(text));
        free(text);
        if (!gz)
            assert_int_equal(c->offset, c->stream_offset);
    }
    /* the latin-1 page: charset from the HTTP header, bytes untouched */
    assert_string_equal(r->recs[2].ctype, "text/html; charset=iso-8859-1");
    assert_string_equal(r->recs[2].charset, "iso-8859-1");
    assert_non_null(strstr(r->recs[2].body, "Caf\xe9 owners"));
    assert_null(r->recs[0].charset);
    /* the UTF-8 page as served */
    assert_non_null(strstr(r->recs[1].body, "Z\xc3\xbcrich council"));
    /* chunked + gzip: decoded to the page's HTML */
    assert_string_equal(r->recs[3].charset, "utf-8");
    assert_memory_equal(r->recs[3].body, "<!DOCTYPE html>", 15);
    assert_non_null(strstr(r->recs[3].body, "Paragraph 39: the harbour"));
    assert_true(ends_with(r->recs[3].body, "</article></body></html>\n"));
    free(data);
}

static void test_wget_warc_gz(void **state)
{
    char *p = wc_test_dump_path("site.warc.gz");
    struct wc_test_run *r = wc_test_collect(p, 0, &warc_kind);

    (void)state;
    check_site(r, p, true, false);
    wc_test_run_free(r);
    free(p);
}

static void test_wget_warc_plain(void **state)
{
    char *p = wc_test_dump_path("site.warc");
    struct wc_test_run *r = wc_test_collect(p, 0, &warc_kind);

    (void)state;
    check_site(r, p, false, false);
    wc_test_run_free(r);
    free(p);
}

/* The whole file as one gzip member: same records, offsets within the stream. */
static void test_one_member(void **state)
{
    char *p = wc_test_dump_path("site-one-member.warc.gz"), *q = wc_test_dump_path("site.warc");
    struct wc_test_run *r = wc_test_collect(p, 0, &warc_kind),
                       *plain = wc_test_collect(q, 0, &warc_kind);
    size_t i;

    (void)state;
    check_site(r, p, true, true);
    for (i = 0; i < r->nrecs; i++) {
        assert_int_equal(r->recs[i].stream_offset, plain->recs[i].offset);
        assert_int_equal(r->recs[i].len, plain->recs[i].len);
        assert_memory_equal(r->recs[i].body, plain->recs[i].body, r->recs[i].len);
    }
    wc_test_run_free(r);
    wc_test_run_free(plain);
    free(p);
    free(q);
}

/* Crawl the site again now, with the wget and python3 of this machine. */
static void test_wget_live(void **state)
{
    const char *helpers = getenv("WC_HELPERS");
    char tmpl[] = "/tmp/wc-warc-XXXXXX", *cmd, *p;
    int rc;
    struct wc_test_run *r;

    (void)state;
    if (!helpers || access("/usr/bin/wget", X_OK) != 0) {
        skip();
        return;
    }
    assert_non_null(mkdtemp(tmpl));
    assert_true(asprintf(&cmd, "bash '%s/make_warc.sh' '%s' live >/dev/null", helpers, tmpl) > 0);
    rc = system(cmd);
    free(cmd);
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77) {
        skip();
        return;
    }
    assert_int_equal(rc, 0);
    assert_true(asprintf(&p, "%s/live.warc.gz", tmpl) > 0);
    r = wc_test_collect(p, 0, &warc_kind);
    check_site(r, p, true, false);
    wc_test_run_free(r);
    free(p);
    assert_true(asprintf(&p, "%s/live.warc", tmpl) > 0);
    r = wc_test_collect(p, 0, &warc_kind);
    check_site(r, p, false, false);
    wc_test_run_free(r);
    free(p);
    assert_true(asprintf(&cmd, "rm -rf '%s'", tmpl) > 0);
    assert_int_equal(system(cmd), 0);
    free(cmd);
}

/* --- malformed files ----------------------------------------------------- */

static void test_truncated_gz(void **state)
{
    char *p = wc_test_dump_path("truncated.warc.gz"), want[600];
    struct wc_test_run *r = wc_test_collect(p, 0, &warc_kind);
    size_t len;
    unsigned char *data = slurp(p, &len);
    uint64_t offs[64];
    bool complete;
    size_t nm = gz_members(data, len, offs, 64, &complete);

    (void)state;
    assert_false(complete);
    /* the 4 pages before the cut are handed out, then the input ends with an error */
    assert_int_equal(r->nrecs, 4);
    assert_true(ends_with(r->recs[3].url, "/news/chunked.html"));
    assert_int_equal(r->end, WC_ERR_PARSE);
    snprintf(want, sizeof(want), "truncated gzip member in '%s' at offset %llu", p,
             (unsigned long long)offs[nm - 1]);
    assert_string_equal(r->end_msg, want);
    assert_int_equal(r->nproblems, 0);
    assert_int_equal(r->stats.bytes_read, len);
    free(data);
    wc_test_run_free(r);
    free(p);
}

static void test_bad_length(void **state)
{
    char *p = wc_test_dump_path("bad_length.warc"), want[600];
    struct wc_test_run *r = wc_test_collect(p, 0, &warc_kind);

    (void)state;
    assert_int_equal(r->end, WC_DONE);
    assert_int_equal(r->nrecs, 4);
    assert_string_equal(r->recs[0].url, "http://example.test/a");
    assert_string_equal(r->recs[1].url, "http://example.test/b");
    assert_string_equal(r->recs[2].url, "http://example.test/c");
    assert_string_equal(r->recs[3].url, "http://example.test/d");
    assert_int_equal(r->recs[1].offset, record_offset_of(p, "http://example.test/b\r\n"));
    assert_int_equal(r->recs[3].offset, record_offset_of(p, "http://example.test/d\r\n"));
    assert_int_equal(r->nproblems, 3);
    assert_int_equal(r->stats.errors, 3);
    snprintf(want, sizeof(want), "bad Content-Length 'abc' in '%s' at offset %llu", p,
             (unsigned long long)record_offset_of(p, "http://example.test/bad-abc\r\n"));
    assert_string_equal(r->problems[0], want);
    snprintf(want, sizeof(want),
             "bad Content-Length %llu in '%s' at offset %llu: the block is not followed by the "
             "record end",
             content_length_of(p, "http://example.test/bad-short\r\n"), p,
             (unsigned long long)record_offset_of(p, "http://example.test/bad-short\r\n"));
    assert_string_equal(r->problems[1], want);
    snprintf(want, sizeof(want),
             "bad Content-Length %llu in '%s' at offset %llu: the block is not followed by the "
             "record end",
             content_length_of(p, "http://example.test/bad-long\r\n"), p,
             (unsigned long long)record_offset_of(p, "http://example.test/bad-long\r\n"));
    assert_string_equal(r->problems[2], want);
    assert_int_equal(r->pcodes[0], WC_ERR_PARSE);
    wc_test_run_free(r);
    free(p);
}

static void test_bad_length_to_eof(void **state)
{
    char *p = wc_test_dump_path("bad_length_eof.warc"), want[600];
    struct wc_test_run *r = wc_test_collect(p, 0, &warc_kind);

    (void)state;
    assert_int_equal(r->end, WC_DONE);
    assert_int_equal(r->nrecs, 2);
    assert_string_equal(r->recs[0].url, "http://example.test/first");
    assert_string_equal(r->recs[1].url, "http://example.test/last");
    assert_int_equal(r->nproblems, 1);
    snprintf(want, sizeof(want),
             "bad Content-Length %llu in '%s' at offset %llu: the block runs into the next "
             "record",
             content_length_of(p, "http://example.test/bad-eof\r\n"), p,
             (unsigned long long)record_offset_of(p, "http://example.test/bad-eof\r\n"));
    assert_string_equal(r->problems[0], want);
    wc_test_run_free(r);
    free(p);
}

static void test_missing_fields(void **state)
{
    char *p = wc_test_dump_path("missing_fields.warc"), want[600];
    struct wc_test_run *r = wc_test_collect(p, 0, &warc_kind);

    (void)state;
    assert_int_equal(r->nrecs, 2);
    assert_string_equal(r->recs[0].url, "http://example.test/m1");
    assert_string_equal(r->recs[1].url, "http://example.test/m2");
    assert_int_equal(r->nproblems, 2);
    snprintf(want, sizeof(want), "missing Content-Length in '%s' at offset 0", p);
    assert_string_equal(r->problems[0], want);
    snprintf(want, sizeof(want), "missing WARC-Type in '%s' at offset %llu", p,
             (unsigned long long)record_offset_of(p, "http://example.test/no-type\r\n"));
    assert_string_equal(r->problems[1], want);
    wc_test_run_free(r);
    free(p);
}

static void test_garbage(void **state)
{
    char *p = wc_test_dump_path("garbage.warc"), want[600];
    struct wc_test_run *r = wc_test_collect(p, 0, &warc_kind);
    static const unsigned char bin[] = {1, 2, 3, 4, 5};

    (void)state;
    assert_int_equal(r->end, WC_DONE);
    assert_int_equal(r->nrecs, 3);
    assert_string_equal(r->recs[0].url, "http://example.test/g1");
    assert_string_equal(r->recs[1].url, "http://example.test/g2");
    assert_string_equal(r->recs[2].url, "http://example.test/g3");
    assert_int_equal(r->recs[0].offset, 14); /* after "LEADING JUNK\r\n" */
    assert_int_equal(r->nproblems, 4);
    snprintf(want, sizeof(want), "garbage in '%s' at offset 0: not a WARC record", p);
    assert_string_equal(r->problems[0], want);
    snprintf(want, sizeof(want), "garbage in '%s' at offset %llu: not a WARC record", p,
             (unsigned long long)offset_of(p, "some garbage", 12));
    assert_string_equal(r->problems[1], want);
    snprintf(want, sizeof(want), "garbage in '%s' at offset %llu: not a WARC record", p,
             (unsigned long long)offset_of(p, bin, sizeof(bin)));
    assert_string_equal(r->problems[2], want);
    snprintf(want, sizeof(want), "garbage in '%s' at offset %llu: not a WARC record", p,
             (unsigned long long)offset_of(p, "TRAILING JUNK", 13));
    assert_string_equal(r->problems[3], want);
    wc_test_run_free(r);
    free(p);
}

static void check_body_file(const struct wc_test_rec *c, const char *name)
{
    char *p = wc_test_dump_path(name);
    size_t len;
    unsigned char *want = slurp(p, &len);

    assert_int_equal(c->len, len);
    assert_memory_equal(c->body, want, len);
    free(want);
    free(p);
}

static void test_codings(void **state)
{
    static const char *const names[] = {"chunkgz", "folded",  "zlib",     "rawdeflate",
                                        "brotli",  "sniffed", "liar",     "twomembers",
                                        "http10",  "angle",   "chunkonly"};
    char *p = wc_test_dump_path("codings.warc"), file[64], url[128];
    struct wc_test_run *r = wc_test_collect(p, 0, &warc_kind);
    size_t i;

    (void)state;
    assert_int_equal(r->end, WC_DONE);
    assert_int_equal(r->nproblems, 0);
    assert_int_equal(r->nrecs, 11);
    for (i = 0; i < 11; i++) {
        snprintf(file, sizeof(file), "codings/%s.html", names[i]);
        snprintf(url, sizeof(url), "http://example.test/%s", names[i]);
        assert_string_equal(r->recs[i].url, url);
        check_body_file(&r->recs[i], file);
    }
    /* a folded Content-Type is one value */
    assert_string_equal(r->recs[1].ctype, "text/html; charset=windows-1252");
    assert_string_equal(r->recs[1].charset, "windows-1252");
    /* no Content-Type: sniffed as HTML, reported as unknown */
    assert_null(r->recs[5].ctype);
    assert_null(r->recs[5].charset);
    /* HTTP/1.0, odd case, quoted charset */
    assert_string_equal(r->recs[8].charset, "ISO-8859-1");
    /* WARC/1.1 with <uri>: the brackets go */
    assert_string_equal(r->recs[9].ctype, "application/xhtml+xml");
    wc_test_run_free(r);
    free(p);
}

static void test_gzip_bomb(void **state)
{
    char *p = wc_test_dump_path("bomb.warc.gz"), want[600];
    struct wc_test_run *r = wc_test_collect(p, 0, &warc_kind);

    (void)state;
    assert_int_equal(r->end, WC_DONE);
    assert_int_equal(r->nrecs, 1);
    assert_string_equal(r->recs[0].url, "http://example.test/after-bomb");
    assert_int_equal(r->nproblems, 1);
    assert_int_equal(r->pcodes[0], WC_ERR_LIMIT);
    snprintf(want, sizeof(want), "decoded payload over the cap of %zu bytes in '%s' at offset 0",
             WC_DUMP_DEFAULT_MAX_RECORD, p);
    assert_string_equal(r->problems[0], want);
    wc_test_run_free(r);
    /* a lower cap stops it sooner, same way */
    r = wc_test_collect(p, 1 << 20, &warc_kind);
    assert_int_equal(r->nrecs, 1);
    assert_int_equal(r->nproblems, 1);
    snprintf(want, sizeof(want),
             "decoded payload over the cap of 1048576 bytes in '%s' at offset 0", p);
    assert_string_equal(r->problems[0], want);
    wc_test_run_free(r);
    free(p);
}

static void test_nonhtml_skipped(void **state)
{
    char *p = wc_test_dump_path("nonhtml.warc");
    struct wc_test_run *r = wc_test_collect(p, 0, &warc_kind);

    (void)state;
    assert_int_equal(r->end, WC_DONE);
    assert_int_equal(r->nproblems, 0);
    assert_int_equal(r->nrecs, 1);
    assert_string_equal(r->recs[0].url, "http://example.test/the-page");
    /* warcinfo, request, 404, 301, 304, png, text, json, unsniffable, metadata,
       revisit, resource, dns, empty response */
    assert_int_equal(r->stats.skipped, 14);
    assert_int_equal(r->stats.errors, 0);
    wc_test_run_free(r);
    free(p);
}

static void test_corrupt_members(void **state)
{
    char *p = wc_test_dump_path("corrupt_member.warc.gz"), want[600];
    struct wc_test_run *r = wc_test_collect(p, 0, &warc_kind);
    size_t len;
    unsigned char *data = slurp(p, &len);
    uint64_t offs[8];
    bool complete;

    (void)state;
    /* zlib alone stops at the second member */
    assert_int_equal(gz_members(data, len, offs, 8, &complete), 2);
    assert_false(complete);
    assert_int_equal(r->end, WC_DONE);
    assert_int_equal(r->nrecs, 2);
    assert_string_equal(r->recs[0].url, "http://example.test/c1");
    assert_int_equal(r->recs[0].offset, 0);
    assert_string_equal(r->recs[1].url, "http://example.test/c4");
    assert_int_equal(r->nproblems, 3);
    snprintf(want, sizeof(want), "corrupt gzip member (invalid block type) in '%s' at offset %llu",
             p, (unsigned long long)offs[1]);
    assert_string_equal(r->problems[0], want);
    /* member 3 inflates but fails its CRC: its record is not trusted */
    {
        static const unsigned char magic[] = {0x1f, 0x8b, 0x08};
        uint64_t starts[8];
        size_t ns = 0, i;
        char w2[600];

        for (i = 0; i + 3 <= len; i++)
            if (memcmp(data + i, magic, 3) == 0 && ns < 8)
                starts[ns++] = i;
        assert_int_equal(ns, 4);
        assert_int_equal(starts[1], offs[1]);
        snprintf(w2, sizeof(w2),
                 "corrupt gzip member (incorrect data check) in '%s' at offset %llu; record at "
                 "offset %llu lost",
                 p, (unsigned long long)starts[2], (unsigned long long)starts[2]);
        assert_string_equal(r->problems[1], w2);
        assert_int_equal(r->recs[1].offset, starts[3]);
    }
    snprintf(want, sizeof(want), "data that is not a gzip member in '%s' at offset %llu", p,
             (unsigned long long)offset_of(p, "JUNK AFTER", 10));
    assert_string_equal(r->problems[2], want);
    free(data);
    wc_test_run_free(r);
    free(p);
}

/* --- made here: records over the cap, big skipped records --------------- */

static char *warc_record(const char *type, const char *uri, const char *block, size_t blen,
                         size_t *len)
{
    static unsigned serial;
    char *head, *out;
    int hl;

    hl = asprintf(&head,
                  "WARC/1.0\r\nWARC-Type: %s\r\n"
                  "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-%012u>\r\n"
                  "WARC-Target-URI: %s\r\nWARC-Date: 2024-01-02T03:04:05Z\r\n"
                  "Content-Type: application/http; msgtype=response\r\nContent-Length: %zu\r\n\r\n",
                  type, ++serial, uri, blen);
    assert_true(hl > 0);
    out = malloc((size_t)hl + blen + 4);
    memcpy(out, head, (size_t)hl);
    memcpy(out + hl, block, blen);
    memcpy(out + hl + blen, "\r\n\r\n", 4);
    *len = (size_t)hl + blen + 4;
    free(head);
    return out;
}

static char *http_page(size_t body_len, size_t *len)
{
    const char *head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n";
    size_t hl = strlen(head);
    char *out = malloc(hl + body_len);

    memcpy(out, head, hl);
    memset(out + hl, 'x', body_len);
    memcpy(out + hl, "<html>", 6);
    *len = hl + body_len;
    return out;
}

static void test_over_cap_streamed(void **state)
{
    size_t l1, l2, l3, b1, b2, b3;
    char *blk1 = http_page(3 << 20, &b1), *blk2 = http_page(5000, &b2);
    char *blk3 = malloc(6 << 20);
    char *r1, *r2, *r3, *all, want[300];
    struct wc_test_run *r = calloc(1, sizeof(*r));
    wc_dump_opts o = {1 << 20, wc_test_on_problem, r, NULL};
    wc_dump *d;
    wc_error err = WC_ERROR_INIT;

    (void)state;
    memset(blk3, 'r', 6 << 20);
    b3 = 6 << 20;
    r1 = warc_record("response", "http://big.test/", blk1, b1, &l1);
    r3 = warc_record("resource", "http://res.test/", blk3, b3, &l3);
    r2 = warc_record("response", "http://small.test/", blk2, b2, &l2);
    all = malloc(l1 + l2 + l3);
    memcpy(all, r1, l1);
    memcpy(all + l1, r3, l3);
    memcpy(all + l1 + l3, r2, l2);
    assert_int_equal(
        wc_dump_open_mem(&d, all, l1 + l2 + l3, "big.warc", WC_SOURCE_UNKNOWN, &o, &err), WC_OK);
    wc_test_run_dump(r, d, &warc_kind);
    /* the window never had to hold the 3 MiB or 6 MiB blocks */
    assert_true(d->in.cap <= (size_t)1 << 20);
    wc_dump_free(d);
    assert_int_equal(r->end, WC_DONE);
    assert_int_equal(r->nrecs, 1);
    assert_string_equal(r->recs[0].url, "http://small.test/");
    assert_int_equal(r->recs[0].offset, l1 + l3);
    assert_int_equal(r->recs[0].len, 5000);
    assert_int_equal(r->stats.skipped, 1);
    assert_int_equal(r->nproblems, 1);
    snprintf(want, sizeof(want),
             "record of %zu bytes over the cap of 1048576 in 'big.warc' at offset 0", b1);
    assert_string_equal(r->problems[0], want);
    wc_test_run_free(r);
    free(all);
    free(r1);
    free(r2);
    free(r3);
    free(blk1);
    free(blk2);
    free(blk3);
}

/* Plain WARC bytes truncated inside a record: an error, earlier records kept. */
static void test_truncated_plain(void **state)
{
    char *p = wc_test_dump_path("site.warc");
    size_t len;
    unsigned char *data = slurp(p, &len);
    /* the response record of deep.htm (its request has Content-Type after the URI) */
    const unsigned char *deep = memmem(data, len, "section/deep.htm>\r\nWARC-Date", 28);
    struct wc_test_run *r = calloc(1, sizeof(*r));
    wc_dump_opts o = {0, wc_test_on_problem, r, NULL};
    wc_dump *d;
    wc_error err = WC_ERROR_INIT;
    size_t cut, i;
    char want[300];

    (void)state;
    /* cut inside its block: its header is under 600 bytes, its block 337 */
    assert_non_null(deep);
    i = (size_t)(deep - data);
    while (memcmp(data + i, "WARC/1.", 7) != 0)
        i--;
    cut = i + 700;
    assert_int_equal(wc_dump_open_mem(&d, data, cut, "cut.warc", WC_SOURCE_UNKNOWN, &o, &err),
                     WC_OK);
    wc_test_run_dump(r, d, &warc_kind);
    wc_dump_free(d);
    assert_int_equal(r->nrecs, 4);
    assert_int_equal(r->end, WC_ERR_PARSE);
    snprintf(want, sizeof(want), "truncated WARC record in 'cut.warc' at offset %zu", i);
    assert_string_equal(r->end_msg, want);
    wc_test_run_free(r);
    free(data);
    free(p);
}

/* --- cut records and junk: a crawler killed mid-write and restarted --------- */

/* A growable byte string for building WARC files here. */
struct bytes {
    unsigned char *p;
    size_t len;
};

static void bytes_add(struct bytes *b, const void *p, size_t len)
{
    b->p = realloc(b->p, b->len + len + 1);
    assert_non_null(b->p);
    memcpy(b->p + b->len, p, len);
    b->len += len;
    b->p[b->len] = 0;
}

/* One gzip member of p[0..len) at zlib level (0: stored blocks), malloc'd. */
static unsigned char *gz_member_level(const void *p, size_t len, int level, size_t *out_len)
{
    size_t cap = len + len / 2 + 256;
    unsigned char *out = malloc(cap);
    z_stream zs;

    assert_non_null(out);
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
                     Z_OK);
    zs.next_in = (unsigned char *)p;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *out_len = cap - zs.avail_out;
    deflateEnd(&zs);
    return out;
}

static unsigned char *gz_member(const void *p, size_t len, size_t *out_len)
{
    return gz_member_level(p, len, 6, out_len);
}

/*
 * The bytes of one response record for http://cut.test/NAME with an HTML
 * page of about body_len bytes of text (words, so it compresses as pages do).
 */
static char *page_record(const char *name, size_t body_len, size_t *len)
{
    char *page = malloc(body_len + 256), *http, *rec, uri[128];
    size_t plen, i;
    int hl;

    assert_non_null(page);
    plen = (size_t)snprintf(page, 256, "<html><head><title>%s</title></head><body><p>", name);
    for (i = 0; plen + 40 < body_len; i++)
        plen +=
            (size_t)snprintf(page + plen, 40, "word%zu of the page %s, ", i * 7919 % 1000, name);
    plen += (size_t)snprintf(page + plen, 40, "</p></body></html>\n");
    hl = asprintf(&http,
                  "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                  "Content-Length: %zu\r\n\r\n%s",
                  plen, page);
    assert_true(hl > 0);
    snprintf(uri, sizeof(uri), "http://cut.test/%s", name);
    rec = warc_record("response", uri, http, (size_t)hl, len);
    free(http);
    free(page);
    return rec;
}

/* Read data[0..len) as a WARC named name into a run (free with wc_test_run_free). */
static struct wc_test_run *collect_mem(const void *data, size_t len, const char *name)
{
    struct wc_test_run *r = calloc(1, sizeof(*r));
    wc_dump_opts o = {0, wc_test_on_problem, r, NULL};
    wc_dump *d;
    wc_error err = WC_ERROR_INIT;

    assert_non_null(r);
    assert_int_equal(wc_dump_open_mem(&d, data, len, name, WC_SOURCE_WARC, &o, &err), WC_OK);
    wc_test_run_dump(r, d, &warc_kind);
    wc_dump_free(d);
    return r;
}

/* Bytes of a record cut `keep` bytes into its block: what a killed writer leaves. */
static size_t cut_at(const char *rec, size_t len, size_t keep)
{
    const char *blank = memmem(rec, len, "\r\n\r\n", 4);

    assert_non_null(blank);
    assert_true((size_t)(blank - rec) + 4 + keep < len);
    return (size_t)(blank - rec) + 4 + keep;
}

/*
 * Plain WARC: a record cut inside its block (mid-line, no line end), then
 * valid records. The cut is reported at its offset; the next ones are read,
 * whether the cut block's length reaches past them (small record after) or
 * stops inside the next record (large record after).
 */
static void test_cut_record_plain(void **state)
{
    static const size_t after[] = {300, 6000};
    size_t k;

    (void)state;
    for (k = 0; k < 2; k++) {
        size_t la, lb, lc, ld, cut;
        char *a = page_record("a", 500, &la), *b = page_record("b", 3000, &lb);
        char *c = page_record("c", after[k], &lc), *dd = page_record("d", 400, &ld), want[300];
        struct bytes f = {0};
        struct wc_test_run *r;

        bytes_add(&f, a, la);
        cut = cut_at(b, lb, 777);
        bytes_add(&f, b, cut);
        bytes_add(&f, c, lc);
        bytes_add(&f, dd, ld);
        r = collect_mem(f.p, f.len, "cut.warc");
        assert_int_equal(r->end, WC_DONE);
        assert_int_equal(r->nrecs, 3);
        assert_string_equal(r->recs[0].url, "http://cut.test/a");
        assert_string_equal(r->recs[1].url, "http://cut.test/c");
        assert_int_equal(r->recs[1].offset, la + cut);
        assert_string_equal(r->recs[2].url, "http://cut.test/d");
        assert_int_equal(r->recs[2].offset, la + cut + lc);
        assert_int_equal(r->nproblems, 1);
        snprintf(want, sizeof(want), "'cut.warc' at offset %zu", la);
        assert_non_null(strstr(r->problems[0], want));
        assert_non_null(strstr(r->problems[0], "Content-Length"));
        wc_test_run_free(r);
        free(f.p);
        free(a);
        free(b);
        free(c);
        free(dd);
    }
}

/* Junk with no line end right before a record, at the start and between records. */
static void test_junk_no_newline(void **state)
{
    size_t la, lb;
    char *a = page_record("a", 500, &la), *b = page_record("b", 500, &lb), want[300];
    struct bytes f = {0};
    struct wc_test_run *r;

    (void)state;
    bytes_add(&f, "JUNK", 4);
    bytes_add(&f, a, la);
    bytes_add(&f, "\x01\x02 half a line of junk", 22);
    bytes_add(&f, b, lb);
    r = collect_mem(f.p, f.len, "junk.warc");
    assert_int_equal(r->end, WC_DONE);
    assert_int_equal(r->nrecs, 2);
    assert_string_equal(r->recs[0].url, "http://cut.test/a");
    assert_int_equal(r->recs[0].offset, 4);
    assert_string_equal(r->recs[1].url, "http://cut.test/b");
    assert_int_equal(r->recs[1].offset, 4 + la + 22);
    assert_int_equal(r->nproblems, 2);
    assert_string_equal(r->problems[0], "garbage in 'junk.warc' at offset 0: not a WARC record");
    snprintf(want, sizeof(want), "garbage in 'junk.warc' at offset %zu: not a WARC record", 4 + la);
    assert_string_equal(r->problems[1], want);
    wc_test_run_free(r);
    free(f.p);
    free(a);
    free(b);
}

/*
 * .warc.gz, one member per record: a, then b cut, then c and d as the
 * restarted writer writes them. keep < 0: b's record is cut 777 bytes into
 * its block but its member is whole; else b's member (of zlib level) is cut
 * after keep bytes, and *member_len (if not NULL) gets its whole length.
 * c and d are read at their member offsets, and b is reported at its own.
 */
static void check_cut_gz(int level, long keep, size_t pad, size_t *member_len, size_t *before)
{
    size_t la, lb, lc, ld, za, zb, zc, zd, cut, i, nskip = pad ? 1 : 0;
    char *a = page_record("a", 500, &la), *b = page_record("b", 20000, &lb);
    char *c = page_record("c", 700, &lc), *dd = page_record("d", 400, &ld), want[300];
    unsigned char *ga = gz_member(a, la, &za), *gb, *gc = gz_member(c, lc, &zc),
                  *gd = gz_member(dd, ld, &zd);
    struct bytes f = {0};
    struct wc_test_run *r;

    if (pad) {
        /* a first record of pad random bytes (a video: skipped), to move b along the file */
        size_t lp, zp, k;
        char *noise = malloc(pad), *pr;
        unsigned char *gp;
        uint32_t x = 12345;

        assert_non_null(noise);
        for (k = 0; k < pad; k++) {
            x = x * 1103515245u + 12345u;
            noise[k] = (char)(x >> 24);
        }
        pr = warc_record("resource", "http://cut.test/noise", noise, pad, &lp);
        gp = gz_member_level(pr, lp, 0, &zp);
        bytes_add(&f, gp, zp);
        free(gp);
        free(pr);
        free(noise);
    }

    if (keep >= 0) {
        gb = gz_member_level(b, lb, level, &zb);
        assert_true((size_t)keep < zb);
        cut = (size_t)keep;
    } else {
        gb = gz_member_level(b, cut_at(b, lb, 777), level, &zb);
        cut = zb;
    }
    if (member_len)
        *member_len = zb;
    bytes_add(&f, ga, za);
    za = f.len; /* from here on: the bytes before b */
    if (before)
        *before = za;
    bytes_add(&f, gb, cut);
    bytes_add(&f, gc, zc);
    bytes_add(&f, gd, zd);
    r = collect_mem(f.p, f.len, "cut.warc.gz");
    assert_int_equal(r->stats.skipped, nskip);
    assert_int_equal(r->end, WC_DONE);
    /*
     * A member cut in its last bytes (the end-of-block code or the CRC) may
     * still give out all of b's record: then it is handed out whole.
     */
    if (r->nrecs == 4 && keep >= 0 && cut + 16 > zb) {
        assert_string_equal(r->recs[1].url, "http://cut.test/b");
        assert_non_null(strstr(r->recs[1].body, "</p></body></html>\n"));
        free(r->recs[1].id);
        free(r->recs[1].url);
        free(r->recs[1].origin);
        free(r->recs[1].title);
        free(r->recs[1].ctype);
        free(r->recs[1].charset);
        free(r->recs[1].body);
        memmove(r->recs + 1, r->recs + 2, 2 * sizeof(*r->recs));
        r->nrecs = 3;
    }
    assert_int_equal(r->nrecs, 3);
    assert_string_equal(r->recs[0].url, "http://cut.test/a");
    assert_string_equal(r->recs[1].url, "http://cut.test/c");
    assert_int_equal(r->recs[1].offset, za + cut);
    assert_string_equal(r->recs[2].url, "http://cut.test/d");
    assert_int_equal(r->recs[2].offset, za + cut + zc);
    assert_memory_equal(r->recs[2].body, "<html><head><title>d</title>", 28);
    /*
     * One problem, at b's offset; two when zlib first gave out bytes it
     * made of c's member (reported as not a WARC record, at b's offset too).
     */
    assert_true(r->nproblems >= 1 && r->nproblems <= 2);
    snprintf(want, sizeof(want), "'cut.warc.gz' at offset %zu", za);
    for (i = 0; i < r->nproblems; i++)
        assert_non_null(strstr(r->problems[i], want));
    if (keep >= 0)
        assert_non_null(strstr(r->problems[r->nproblems - 1], "gzip member"));
    else
        assert_non_null(strstr(r->problems[0], "Content-Length"));
    wc_test_run_free(r);
    free(f.p);
    free(a);
    free(b);
    free(c);
    free(dd);
    free(ga);
    free(gb);
    free(gc);
    free(gd);
}

static void test_cut_record_gz(void **state)
{
    (void)state;
    check_cut_gz(6, -1, 0, NULL, NULL);
    check_cut_gz(0, -1, 0, NULL, NULL);
}

/*
 * The cut member's bytes are taken by zlib for more of it until it fails,
 * far past the next header when the cut falls in a stored block (level 0).
 * Cuts every 23 bytes, from just after the gzip header to inside the CRC;
 * then c's gzip header across the end of the first read (WC_IN_CHUNK
 * bytes of the file): cut in two by it, or just before or after it.
 */
static void test_cut_member_gz(void **state)
{
    static const int levels[] = {6, 0};
    size_t zb, k, keep, before;
    long t;

    (void)state;
    for (k = 0; k < 2; k++) {
        check_cut_gz(levels[k], 10, 0, &zb, NULL);
        for (keep = 11; keep < zb; keep += 23)
            check_cut_gz(levels[k], (long)keep, 0, NULL, NULL);
        check_cut_gz(levels[k], (long)zb - 4, 0, NULL, NULL);
    }
    check_cut_gz(6, 10, WC_IN_CHUNK - 2000, NULL, &before);
    assert_true(before + 1000 < WC_IN_CHUNK);
    for (t = -4; t <= 2; t++)
        check_cut_gz(6, (long)(WC_IN_CHUNK - before) + t, WC_IN_CHUNK - 2000, NULL, NULL);
}

/*
 * A record cut inside its WARC header, mid-line or after a whole line:
 * the restarted writer's record starts inside what reads as b's header.
 */
static void test_cut_header(void **state)
{
    /* "WARC/1.0\r\nWARC-Type: response\r\nWARC-Reco", and "WARC/1.0\r\n" */
    static const size_t keeps[] = {40, 10};
    size_t k;

    (void)state;
    for (k = 0; k < 2; k++) {
        size_t la, lb, lc;
        char *a = page_record("a", 500, &la), *b = page_record("b", 900, &lb);
        char *c = page_record("c", 700, &lc), want[300];
        struct bytes f = {0};
        struct wc_test_run *r;

        bytes_add(&f, a, la);
        bytes_add(&f, b, keeps[k]);
        bytes_add(&f, c, lc);
        r = collect_mem(f.p, f.len, "cuthead.warc");
        assert_int_equal(r->end, WC_DONE);
        assert_int_equal(r->nrecs, 2);
        assert_string_equal(r->recs[0].url, "http://cut.test/a");
        assert_string_equal(r->recs[1].url, "http://cut.test/c");
        assert_int_equal(r->recs[1].offset, la + keeps[k]);
        assert_int_equal(r->nproblems, 1);
        snprintf(want, sizeof(want), "truncated WARC header in 'cuthead.warc' at offset %zu", la);
        assert_string_equal(r->problems[0], want);
        wc_test_run_free(r);
        free(f.p);
        free(a);
        free(b);
        free(c);
    }
}

/*
 * Not a cut: a Target-URI that ends in "WARC/1.1" glues a version line
 * inside a header, but what follows it is no header of its own (the
 * fields every record has come before it). The record is read whole.
 */
static void test_uri_like_version(void **state)
{
    size_t la, lb, lc, hl;
    char *a = page_record("a", 500, &la), *c = page_record("c", 700, &lc), *b, *rb, *page;
    const char *uri = "http://cut.test/spec/WARC/1.1";
    struct bytes f = {0};
    struct wc_test_run *r;

    (void)state;
    b = page_record("b", 600, &lb);
    page = memmem(b, lb, "\r\n\r\n", 4);
    assert_non_null(page);
    page += 4;
    hl = (size_t)(page - b);
    rb = warc_record("response", uri, page, lb - hl - 4, &lb);
    bytes_add(&f, a, la);
    bytes_add(&f, rb, lb);
    bytes_add(&f, c, lc);
    r = collect_mem(f.p, f.len, "uri.warc");
    assert_int_equal(r->end, WC_DONE);
    assert_int_equal(r->nproblems, 0);
    assert_int_equal(r->nrecs, 3);
    assert_string_equal(r->recs[1].url, uri);
    assert_int_equal(r->recs[1].offset, la);
    assert_memory_equal(r->recs[1].body, "<html><head><title>b</title>", 28);
    wc_test_run_free(r);
    free(f.p);
    free(a);
    free(b);
    free(rb);
    free(c);
}

/* A response record of a non-HTML payload of len bytes of fill (skipped, never held). */
static char *blob_record(const char *name, size_t len, char fill, size_t *rec_len)
{
    const char *head = "HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\n\r\n";
    size_t hl = strlen(head);
    char *block = malloc(hl + len), *rec, uri[128];

    assert_non_null(block);
    memcpy(block, head, hl);
    memset(block + hl, fill, len);
    snprintf(uri, sizeof(uri), "http://cut.test/%s", name);
    rec = warc_record("response", uri, block, hl + len, rec_len);
    free(block);
    return rec;
}

/*
 * A block too big to hold (a video of several MiB) cut short by a killed
 * writer: its declared length swallows the records after it. Streamed past,
 * the first record start seen in it is held, and the reader goes back to
 * it when the length turns out wrong: the file ends first (cut at 5000
 * bytes of 3 MiB), or the block ends inside a later record (cut at 1 MiB
 * of 1.5 MiB, then a 1 MiB video). gz: one member per record, the cut
 * record's member whole. A big block that is right, holding a record's
 * text, is not undone.
 */
static void test_cut_big_block(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; k < 4; k++) {
        bool gz = k & 1, far = k & 2;
        size_t la, lb, lc, ld, le, cut, offs[5], n = 0, i;
        char *a = page_record("a", 500, &la), *c = page_record("c", 700, &lc);
        char *dd = page_record("d", 400, &ld);
        char *b = blob_record("b", far ? (size_t)3 << 19 : (size_t)3 << 20, 'v', &lb);
        char *e = blob_record("e", (size_t)1 << 20, 'z', &le), want[300];
        const char *parts[5];
        size_t lens[5];
        struct bytes f = {0};
        struct wc_test_run *r;

        cut = cut_at(b, lb, far ? (size_t)1 << 20 : 5000);
        parts[n] = a, lens[n++] = la;
        parts[n] = b, lens[n++] = cut;
        parts[n] = c, lens[n++] = lc;
        if (far)
            parts[n] = e, lens[n++] = le;
        parts[n] = dd, lens[n++] = ld;
        for (i = 0; i < n; i++) {
            offs[i] = f.len;
            if (gz) {
                size_t zl;
                unsigned char *z = gz_member(parts[i], lens[i], &zl);

                bytes_add(&f, z, zl);
                free(z);
            } else {
                bytes_add(&f, parts[i], lens[i]);
            }
        }
        r = collect_mem(f.p, f.len, gz ? "big.warc.gz" : "big.warc");
        assert_int_equal(r->end, WC_DONE);
        assert_int_equal(r->nrecs, 3);
        assert_string_equal(r->recs[0].url, "http://cut.test/a");
        assert_string_equal(r->recs[1].url, "http://cut.test/c");
        assert_int_equal(r->recs[1].offset, offs[2]);
        assert_string_equal(r->recs[2].url, "http://cut.test/d");
        assert_int_equal(r->recs[2].offset, offs[n - 1]);
        assert_int_equal(r->nproblems, 1);
        snprintf(want, sizeof(want), "bad Content-Length %zu in '%s' at offset %zu: ",
                 lb - (size_t)((char *)memmem(b, lb, "\r\n\r\n", 4) - b) - 8,
                 gz ? "big.warc.gz" : "big.warc", offs[1]);
        assert_memory_equal(r->problems[0], want, strlen(want));
        wc_test_run_free(r);
        free(f.p);
        free(a);
        free(b);
        free(c);
        free(dd);
        free(e);
    }
    /* the same big block whole, with a record's text inside it: read as the block it is */
    {
        size_t la, lb, lc, hl, pl;
        char *a = page_record("a", 500, &la), *c = page_record("c", 700, &lc);
        char *inner = page_record("inner", 300, &pl);
        const char *head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n";
        char *block, *b;
        struct bytes f = {0};
        struct wc_test_run *r;

        hl = strlen(head);
        block = malloc(hl + ((size_t)3 << 20));
        memcpy(block, head, hl);
        memset(block + hl, 't', (size_t)3 << 20);
        memcpy(block + hl + 1000, inner, pl);
        memcpy(block + hl + 5000, "half a lineWARC/1.0\r\n", 21);
        b = warc_record("response", "http://cut.test/text", block, hl + ((size_t)3 << 20), &lb);
        bytes_add(&f, a, la);
        bytes_add(&f, b, lb);
        bytes_add(&f, c, lc);
        r = collect_mem(f.p, f.len, "whole.warc");
        assert_int_equal(r->end, WC_DONE);
        assert_int_equal(r->nproblems, 0);
        assert_int_equal(r->nrecs, 2);
        assert_string_equal(r->recs[1].url, "http://cut.test/c");
        assert_int_equal(r->stats.skipped, 1);
        wc_test_run_free(r);
        free(f.p);
        free(a);
        free(b);
        free(c);
        free(inner);
        free(block);
    }
}

/* --- HTTP payloads -------------------------------------------------------- */

static void test_http_head(void **state)
{
    wc_http_head h;
    wc_error e = WC_ERROR_INIT;
    const char *a = "HTTP/1.1 200 OK\r\nContent-Type: text/html;\r\n charset=utf-8\r\n"
                    "Content-Encoding: gzip\r\nbogus line\r\n\r\nBODY";
    const char *b = "HTTP/1.0 404 Not Found\nTransfer-Encoding: chunked\n\nx";
    const char *c = "HTTP/2 301\r\n\r\n";
    const char *cs;
    size_t cslen;

    (void)state;
    assert_int_equal(wc_http_parse_head(a, strlen(a), &h, &e), WC_OK);
    assert_int_equal(h.status, 200);
    assert_int_equal(h.version, 11);
    assert_int_equal(h.head_len, strlen(a) - 4);
    assert_true(wc_http_type_is_html(h.ctype, h.ctype_len));
    assert_true(wc_charset_param(h.ctype, h.ctype_len, &cs, &cslen));
    assert_int_equal(cslen, 5);
    assert_memory_equal(cs, "utf-8", 5);
    assert_int_equal(h.cenc_len, 4);
    assert_null(h.tenc);
    assert_int_equal(wc_http_parse_head(b, strlen(b), &h, &e), WC_OK);
    assert_int_equal(h.status, 404);
    assert_int_equal(h.version, 10);
    assert_int_equal(h.head_len, strlen(b) - 1);
    assert_int_equal(h.tenc_len, 7);
    assert_int_equal(wc_http_parse_head(c, strlen(c), &h, &e), WC_OK);
    assert_int_equal(h.version, 20);
    assert_int_equal(h.status, 301);
    assert_int_equal(wc_http_parse_head("GET / HTTP/1.1\r\n\r\n", 18, &h, &e), WC_ERR_PARSE);
    assert_string_equal(e.msg, "no HTTP status line");
    assert_int_equal(wc_http_parse_head("HTTP/1.1 2000 OK\r\n\r\n", 20, &h, &e), WC_ERR_PARSE);
    assert_int_equal(wc_http_parse_head("HTTP/1.1 200 OK\r\nA: b\r\n", 23, &h, &e), WC_ERR_LIMIT);
    assert_int_equal(wc_http_parse_head("HTTP/1.1 200", 12, &h, &e), WC_ERR_LIMIT);
    assert_false(wc_http_type_is_html("text/plain", 10));
    assert_true(wc_http_type_is_html(" Text/HTML ; q=1", 16));
    assert_false(wc_charset_param("text/html; charset=", 19, &cs, &cslen));
    assert_false(wc_charset_param("text/html; charset=\"a b\"", 24, &cs, &cslen));
    assert_true(wc_charset_param("text/html; x=1; CHARSET='koi8-r'", 32, &cs, &cslen));
    assert_memory_equal(cs, "koi8-r", 6);
    assert_true(wc_http_sniff_html("\xEF\xBB\xBF \n<!DOCTYPE HTML>", 22));
    assert_true(wc_http_sniff_html("<p>x", 4));
    assert_true(wc_http_sniff_html("<!-- c -->", 10));
    assert_false(wc_http_sniff_html("<pre", 4));
    assert_false(wc_http_sniff_html("{\"a\":1}", 7));
}

static wc_status decode(const char *head, const void *body, size_t blen, size_t cap, wc_buf *out,
                        wc_error *e)
{
    wc_http_head h;
    wc_buf tmp = WC_BUF_INIT;
    wc_status st;

    assert_int_equal(wc_http_parse_head(head, strlen(head), &h, e), WC_OK);
    st = wc_http_decode_body(&h, body, blen, out, &tmp, cap, e);
    wc_buf_release(&tmp);
    return st;
}

static size_t gzip_bytes(const void *in, size_t len, unsigned char *out, size_t cap)
{
    z_stream zs;

    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (unsigned char *)in;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    deflateEnd(&zs);
    return cap - zs.avail_out;
}

static void test_http_decode(void **state)
{
    wc_buf out = WC_BUF_INIT;
    wc_error e = WC_ERROR_INIT;
    unsigned char gz[4096], zeros[100000];
    size_t n;
    const char *chunked = "5;x=y\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";

    (void)state;
    assert_int_equal(decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", chunked,
                            strlen(chunked), 100, &out, &e),
                     WC_OK);
    assert_string_equal(out.buf, "hello world");
    /* not chunked after all: taken as it is */
    assert_int_equal(
        decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "<html>", 6, 100, &out, &e),
        WC_OK);
    assert_string_equal(out.buf, "<html>");
    /* chunks cut short keep what came */
    assert_int_equal(decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "a\r\n0123456",
                            11, 100, &out, &e),
                     WC_OK);
    assert_string_equal(out.buf, "0123456");
    /* gzip; cut short keeps a prefix; over the cap fails */
    n = gzip_bytes("<html>gzipped page</html>", 25, gz, sizeof(gz));
    assert_int_equal(
        decode("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n", gz, n, 100, &out, &e), WC_OK);
    assert_string_equal(out.buf, "<html>gzipped page</html>");
    memset(zeros, 'z', sizeof(zeros));
    n = gzip_bytes(zeros, sizeof(zeros), gz, sizeof(gz));
    assert_int_equal(
        decode("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n", gz, n, 50000, &out, &e),
        WC_ERR_LIMIT);
    assert_string_equal(e.msg, "decoded payload over the cap of 50000 bytes");
    assert_true(out.len <= 50001);
    assert_int_equal(
        decode("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n", gz, n / 2, 200000, &out, &e),
        WC_OK);
    assert_true(out.len > 0 && out.len < sizeof(zeros));
    /* exactly at the cap is fine */
    assert_int_equal(
        decode("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n", gz, n, sizeof(zeros), &out, &e),
        WC_OK);
    assert_int_equal(out.len, sizeof(zeros));
    /* damaged */
    gz[n / 2] ^= 0x55;
    gz[n / 2 + 1] ^= 0x55;
    gz[12] = 0xFF;
    assert_int_equal(
        decode("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n", gz, n, 200000, &out, &e),
        WC_ERR_PARSE);
    assert_non_null(strstr(e.msg, "corrupt gzip content coding"));
    /* unknown coding, and identity */
    assert_int_equal(
        decode("HTTP/1.1 200 OK\r\nContent-Encoding: zstd\r\n\r\n", "x", 1, 10, &out, &e),
        WC_ERR_UNSUPPORTED);
    assert_string_equal(e.msg, "unsupported content coding 'zstd'");
    assert_int_equal(
        decode("HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\n\r\n", "abc", 3, 10, &out, &e),
        WC_OK);
    assert_string_equal(out.buf, "abc");
    assert_int_equal(decode("HTTP/1.1 200 OK\r\n\r\n", "abcdef", 6, 5, &out, &e), WC_ERR_LIMIT);
    /* broken brotli */
    assert_int_equal(decode("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n", "\xff\xff\xff\xff",
                            4, 100, &out, &e),
                     WC_ERR_PARSE);
    wc_buf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wget_warc_gz),      cmocka_unit_test(test_wget_warc_plain),
        cmocka_unit_test(test_one_member),        cmocka_unit_test(test_wget_live),
        cmocka_unit_test(test_truncated_gz),      cmocka_unit_test(test_truncated_plain),
        cmocka_unit_test(test_bad_length),        cmocka_unit_test(test_bad_length_to_eof),
        cmocka_unit_test(test_missing_fields),    cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_codings),           cmocka_unit_test(test_gzip_bomb),
        cmocka_unit_test(test_nonhtml_skipped),   cmocka_unit_test(test_corrupt_members),
        cmocka_unit_test(test_over_cap_streamed), cmocka_unit_test(test_http_head),
        cmocka_unit_test(test_http_decode),       cmocka_unit_test(test_cut_record_plain),
        cmocka_unit_test(test_junk_no_newline),   cmocka_unit_test(test_cut_record_gz),
        cmocka_unit_test(test_cut_member_gz),     cmocka_unit_test(test_cut_big_block),
        cmocka_unit_test(test_cut_header),        cmocka_unit_test(test_uri_like_version),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
