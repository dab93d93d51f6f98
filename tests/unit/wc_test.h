/*
 * wc_test.h - what several unit tests need alike, written once: a scratch
 * directory per test, the loopback nginx of tests/helpers/nginx.sh, and a
 * harness that runs a dump to its end keeping a copy of every record and
 * problem. Include it after <cmocka.h>.
 *
 * Everything here is `static inline`, so a test that uses only part of it
 * compiles without unused-function warnings and the header needs no .c
 * file of its own. The dump harness asserts only what holds for every
 * dump (each record's source, the NUL after its body); what one format
 * promises, its test passes in as a struct wc_test_dump_kind.
 *
 *   scratch directories   WC_TEST_IN_TMPDIR(test) with wc_test_tmpdir_setup /
 *                         _teardown (cmocka fixtures giving a struct
 *                         wc_test_tmpdir: a fresh directory and a database
 *                         path in it), wc_test_mkdtemp
 *   loopback nginx        wc_test_have_nginx, wc_test_nginx_start / _stop,
 *                         wc_test_helpers_dir, wc_test_data_dir
 *   dumps                 struct wc_test_run, wc_test_on_problem,
 *                         wc_test_run_dump, wc_test_collect, wc_test_run_free,
 *                         wc_test_dump_path
 *   old databases         wc_test_load_sql (only after <sqlite3.h>): a file of
 *                         SQL such as tests/data/store/v3.sql, a database
 *                         written by an older wirecopy, run into a new file
 *
 * The environment comes from tests/meson.build: $WC_TEST_DATA (tests/data)
 * and $WC_HELPERS (tests/helpers); both fall back to the source-tree paths
 * when a test is run by hand from the top of the checkout, except in
 * wc_test_dump_path, whose callers need the variable. The including file
 * defines _GNU_SOURCE first (mkdtemp, popen, asprintf,
 * program_invocation_short_name).
 */
#ifndef WC_TEST_H
#define WC_TEST_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "wirecopy/dump.h"

/* --- scratch directories ------------------------------------------------------------- */

/* Make a fresh directory /tmp/wc-test-NAME-XXXXXX, its path into dir; 0, or -1 on failure. */
static inline int wc_test_mkdtemp(char *dir, size_t cap, const char *name)
{
    snprintf(dir, cap, "/tmp/wc-test-%s-XXXXXX", name);
    return mkdtemp(dir) ? 0 : -1;
}

/* A test's own directory and the database path in it (not created). */
struct wc_test_tmpdir {
    char dir[64];
    char path[128]; /* DIR/t.db, a database path (not created) */
};

/* cmocka setup: *state becomes a struct wc_test_tmpdir, /tmp/wc-test-<program>-XXXXXX. */
static inline int wc_test_tmpdir_setup(void **state)
{
    struct wc_test_tmpdir *f = calloc(1, sizeof(*f));

    if (!f || wc_test_mkdtemp(f->dir, sizeof(f->dir), program_invocation_short_name) != 0) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    *state = f;
    return 0;
}

/* cmocka teardown: remove the directory and everything in it. */
static inline int wc_test_tmpdir_teardown(void **state)
{
    struct wc_test_tmpdir *f = *state;
    char cmd[160];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* A cmocka test run in a fresh scratch directory: *state is its struct wc_test_tmpdir. */
#define WC_TEST_IN_TMPDIR(fn)                                                                      \
    cmocka_unit_test_setup_teardown(fn, wc_test_tmpdir_setup, wc_test_tmpdir_teardown)

/* --- the loopback nginx (tests/helpers/nginx.sh) -------------------------------------- */

static inline const char *wc_test_helpers_dir(void)
{
    const char *h = getenv("WC_HELPERS");
    return h ? h : "tests/helpers";
}

static inline const char *wc_test_data_dir(void)
{
    const char *d = getenv("WC_TEST_DATA");
    return d ? d : "tests/data";
}

/* Is nginx installed? The server tests skip when it is not. */
static inline bool wc_test_have_nginx(void)
{
    return system("command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx") == 0;
}

/*
 * Start nginx.sh in srv_dir with env (more WC_NGINX_* settings, may be "")
 * in front; it stops by itself when this process ends. *port and log get
 * what the script prints. 0, or -1 when it did not come up.
 */
static inline int wc_test_nginx_start(const char *env, const char *srv_dir, int *port, char *log,
                                      size_t logcap)
{
    char cmd[2048], line[1024];
    FILE *p;

    *port = 0;
    snprintf(cmd, sizeof(cmd), "%s WC_NGINX_WATCH_PID=%ld bash '%s/nginx.sh' start '%s'", env,
             (long)getpid(), wc_test_helpers_dir(), srv_dir);
    if (!(p = popen(cmd, "r")))
        return -1;
    while (fgets(line, sizeof(line), p)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "WC_NGINX_PORT=", 14) == 0)
            *port = (int)strtol(line + 14, NULL, 10);
        else if (strncmp(line, "WC_NGINX_LOG=", 13) == 0)
            snprintf(log, logcap, "%s", line + 13);
    }
    if (pclose(p) != 0 || *port == 0)
        return -1;
    return 0;
}

/* Stop the nginx of srv_dir, then remove scratch (its parent, or srv_dir itself). */
static inline int wc_test_nginx_stop(const char *srv_dir, const char *scratch)
{
    char cmd[1024];

    snprintf(cmd, sizeof(cmd), "bash '%s/nginx.sh' stop '%s'; rm -rf '%s'", wc_test_helpers_dir(),
             srv_dir, scratch);
    return system(cmd) == 0 ? 0 : -1;
}

/* --- running a dump to its end, keeping copies of everything -------------------------- */

/* Copy of one record (strings malloc'd, NULL when the record had none). */
struct wc_test_rec {
    char *id; /* origin_id */
    char *url, *origin, *title, *ctype, *charset, *body;
    size_t len;
    uint64_t line, offset, stream_offset;
    int64_t published_at, fetched_at;
    bool is_html;
};

#define WC_TEST_MAX_PROBLEMS 32

struct wc_test_run {
    struct wc_test_rec *recs;
    size_t nrecs, cap;
    char problems[WC_TEST_MAX_PROBLEMS][WC_ERROR_MSG_MAX]; /* the first ones */
    wc_status pcodes[WC_TEST_MAX_PROBLEMS];
    size_t nproblems; /* all of them */
    wc_status end;    /* WC_DONE or the error that ended it */
    char end_msg[WC_ERROR_MSG_MAX];
    wc_dump_stats stats;
};

/* What a test checks of every record of its kind of dump. */
struct wc_test_dump_kind {
    wc_source source; /* every record's source (and the dump's, in wc_test_collect) */
    void (*check)(const struct wc_test_run *r, const wc_record *rec); /* more checks, or NULL */
    bool done_stays; /* after the end, wc_dump_next says WC_DONE again */
};

/* wc_dump_opts.on_problem for a struct wc_test_run. */
static inline void wc_test_on_problem(void *ctx, const wc_error *e)
{
    struct wc_test_run *r = ctx;

    if (r->nproblems < WC_TEST_MAX_PROBLEMS) {
        snprintf(r->problems[r->nproblems], WC_ERROR_MSG_MAX, "%s", e->msg);
        r->pcodes[r->nproblems] = e->code;
    }
    r->nproblems++;
}

static inline char *wc_test_dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Read d to its end into r, checking each record as kind says. */
static inline void wc_test_run_dump(struct wc_test_run *r, wc_dump *d,
                                    const struct wc_test_dump_kind *kind)
{
    wc_record rec;
    wc_error err = WC_ERROR_INIT;
    wc_status st;

    while ((st = wc_dump_next(d, &rec, &err)) == WC_OK) {
        struct wc_test_rec *c;

        if (kind->check)
            kind->check(r, &rec);
        assert_int_equal(rec.source, kind->source);
        assert_int_equal(rec.body[rec.len], '\0');
        if (r->nrecs == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 16;
            r->recs = realloc(r->recs, r->cap * sizeof(*r->recs));
            assert_non_null(r->recs);
        }
        c = &r->recs[r->nrecs++];
        c->id = wc_test_dup_or_null(rec.origin_id);
        c->url = wc_test_dup_or_null(rec.url);
        c->origin = wc_test_dup_or_null(rec.origin);
        c->title = wc_test_dup_or_null(rec.title);
        c->ctype = wc_test_dup_or_null(rec.content_type);
        c->charset = wc_test_dup_or_null(rec.charset);
        c->body = malloc(rec.len + 1);
        memcpy(c->body, rec.body, rec.len + 1);
        c->len = rec.len;
        c->line = rec.line;
        c->offset = rec.offset;
        c->stream_offset = rec.stream_offset;
        c->published_at = rec.published_at;
        c->fetched_at = rec.fetched_at;
        c->is_html = rec.is_html;
    }
    r->end = st;
    snprintf(r->end_msg, sizeof(r->end_msg), "%s", err.msg);
    wc_dump_get_stats(d, &r->stats);
    if (kind->done_stays) /* after the end, the iterator stays at the end */
        assert_int_equal(wc_dump_next(d, &rec, &err), WC_DONE);
}

/* Open path (max_record: wc_dump_opts.max_record) and read it all; free with wc_test_run_free. */
static inline struct wc_test_run *wc_test_collect(const char *path, size_t max_record,
                                                  const struct wc_test_dump_kind *kind)
{
    struct wc_test_run *r = calloc(1, sizeof(*r));
    wc_dump_opts o = {max_record, wc_test_on_problem, r, NULL};
    wc_dump *d;
    wc_error err = WC_ERROR_INIT;

    assert_non_null(r);
    if (wc_dump_open(path, &o, &d, &err) != WC_OK)
        fail_msg("open %s: %s", path, err.msg);
    assert_int_equal(wc_dump_source(d), kind->source);
    wc_test_run_dump(r, d, kind);
    wc_dump_free(d);
    return r;
}

static inline void wc_test_run_free(struct wc_test_run *r)
{
    size_t i;

    for (i = 0; i < r->nrecs; i++) {
        free(r->recs[i].id);
        free(r->recs[i].url);
        free(r->recs[i].origin);
        free(r->recs[i].title);
        free(r->recs[i].ctype);
        free(r->recs[i].charset);
        free(r->recs[i].body);
    }
    free(r->recs);
    free(r);
}

/* A plain-text JSONL record with origin id `id`, undated, of text[0..len). */
static inline wc_record wc_test_text_record(const char *id, const char *text, size_t len)
{
    wc_record r;

    memset(&r, 0, sizeof(r));
    r.source = WC_SOURCE_JSONL;
    r.origin = "/unit/test.jsonl";
    r.origin_id = id;
    r.published_at = INT64_MIN;
    r.fetched_at = INT64_MIN;
    r.body = text;
    r.len = len;
    return r;
}

/* $WC_TEST_DATA/dump/NAME, malloc'd (the variable must be set). */
static inline char *wc_test_dump_path(const char *name)
{
    const char *dir = getenv("WC_TEST_DATA");
    char *p;

    assert_non_null(dir);
    assert_true(asprintf(&p, "%s/dump/%s", dir, name) > 0);
    return p;
}

/* --- old databases ------------------------------------------------------------------- */

#ifdef SQLITE_VERSION
/* Run the SQL of $WC_TEST_DATA/NAME (e.g. "store/v3.sql") into the database at db_path. */
static inline void wc_test_load_sql(const char *db_path, const char *name)
{
    char *path, *sql;
    FILE *f;
    long n;
    sqlite3 *db;

    assert_true(asprintf(&path, "%s/%s", wc_test_data_dir(), name) > 0);
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    sql = malloc((size_t)n + 1);
    assert_non_null(sql);
    assert_int_equal(fread(sql, 1, (size_t)n, f), (size_t)n);
    sql[n] = '\0';
    fclose(f);
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    free(sql);
    free(path);
}
#endif

#endif
