/*
 * test_ingest.c - the pipeline's contracts: results in input order whatever
 * the threads, wc_ingest_call runs after the records queued before it and
 * inside the same transaction, on_result sees every record, a stop commits
 * what was queued, the same records again add nothing, and different
 * thread counts give the same database.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "wirecopy/ingest.h"
#include "wirecopy/store.h"
#include "store/store_writer.h"
#include "wirecopy/wirecopy.h"
#include "wc_test.h"

/* Article i: story i % 7, so documents 7 apart are copies; a little noise per copy. */
static void article(int i, char *out, size_t n)
{
    int s = i % 7, k, len = 0;

    for (k = 0; k < 60; k++)
        len += snprintf(out + len, n - (size_t)len, "w%dx%d ", s, k * 13 % 97 + s);
    snprintf(out + len, n - (size_t)len, "\n\nbyline %d", i);
}

static wc_record text_record(const char *id, const char *text)
{
    return wc_test_text_record(id, text, strlen(text));
}

struct seen {
    int n;
    int64_t last_user;
    int in_order;
    int64_t docs_at_call; /* documents visible to the call */
};

static void on_result(void *ctx, const wc_ingest_result *r)
{
    struct seen *s = ctx;
    int64_t u = (int64_t)(intptr_t)r->user;

    if (u != s->last_user + 1)
        s->in_order = 0;
    s->last_user = u;
    s->n++;
}

static wc_status count_docs(void *ctx, wc_store *st, wc_error *err)
{
    struct seen *s = ctx;
    wc_store_stats stats;
    wc_status rc = wc_store_get_stats(st, &stats, err);

    s->docs_at_call = stats.documents;
    return rc;
}

static int64_t run(const char *db, unsigned threads, int n, struct seen *seen, int call_at)
{
    wc_store *s = NULL;
    wc_ingest *ing = NULL;
    wc_ingest_opts o;
    wc_ingest_stats st;
    wc_error err = WC_ERROR_INIT;
    char text[2048], id[32];
    int i;

    memset(&o, 0, sizeof(o));
    o.threads = threads;
    o.batch = 5;
    o.on_result = on_result;
    o.result_ctx = seen;
    assert_int_equal(wc_store_open(db, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_ingest_new(s, &o, &ing, &err), WC_OK);
    for (i = 0; i < n; i++) {
        wc_record r;
        if (i == call_at)
            assert_int_equal(wc_ingest_call(ing, count_docs, seen, &err), WC_OK);
        article(i, text, sizeof(text));
        snprintf(id, sizeof(id), "doc%d", i);
        r = text_record(id, text);
        assert_int_equal(wc_ingest_add(ing, &r, NULL, (void *)(intptr_t)(i + 1), &err), WC_OK);
    }
    assert_int_equal(wc_ingest_flush(ing, &err), WC_OK);
    wc_ingest_get_stats(ing, &st);
    assert_int_equal(wc_ingest_finish(ing, &err), WC_OK);
    {
        /* a finished run takes nothing more, and finishing again says the same */
        wc_record r = text_record("late", "a record queued after the run finished");
        assert_int_equal(wc_ingest_add(ing, &r, NULL, NULL, &err), WC_ERR_USAGE);
        assert_int_equal(wc_ingest_finish(ing, &err), WC_OK);
    }
    wc_ingest_free(ing);
    wc_store_close(s);
    return (int64_t)st.stored;
}

static void dump_db(const char *db, char *out, size_t n)
{
    sqlite3 *h;
    sqlite3_stmt *q;
    size_t len = 0;

    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT id, origin_id, cluster_id, match_kind FROM "
                                        "documents ORDER BY id",
                                        -1, &q, NULL),
                     SQLITE_OK);
    while (sqlite3_step(q) == SQLITE_ROW && len + 64 < n)
        len += (size_t)snprintf(out + len, n - len, "%lld %s %lld %d;",
                                (long long)sqlite3_column_int64(q, 0),
                                (const char *)sqlite3_column_text(q, 1),
                                (long long)sqlite3_column_int64(q, 2), sqlite3_column_int(q, 3));
    sqlite3_finalize(q);
    sqlite3_close(h);
}

static void test_results_in_order_and_call_sees_earlier_records(void **state)
{
    struct wc_test_tmpdir *f = *state;
    struct seen seen = {0, 0, 1, -1};

    assert_int_equal(run(f->path, 2, 40, &seen, 23), 40);
    assert_int_equal(seen.n, 40);
    assert_true(seen.in_order);
    /* the 23 records queued before the call were stored before it ran */
    assert_int_equal(seen.docs_at_call, 23);
}

static void test_copies_are_clustered(void **state)
{
    struct wc_test_tmpdir *f = *state;
    struct seen seen = {0, 0, 1, -1};
    wc_store *s = NULL;
    wc_store_stats st;
    wc_error err = WC_ERROR_INIT;

    run(f->path, 2, 35, &seen, -1);
    assert_int_equal(wc_store_open(f->path, WC_STORE_READONLY, 0, &s, &err), WC_OK);
    assert_int_equal(wc_store_get_stats(s, &st, &err), WC_OK);
    assert_int_equal(st.documents, 35);
    assert_int_equal(st.clusters, 7); /* seven stories, five copies each */
    assert_int_equal(st.largest_cluster, 5);
    wc_store_close(s);
}

static void test_again_adds_nothing(void **state)
{
    struct wc_test_tmpdir *f = *state;
    struct seen seen = {0, 0, 1, -1};

    assert_int_equal(run(f->path, 2, 20, &seen, -1), 20);
    seen.last_user = 0;
    assert_int_equal(run(f->path, 2, 20, &seen, -1), 0);
}

static void test_thread_count_does_not_change_the_result(void **state)
{
    struct wc_test_tmpdir *f = *state;
    struct seen seen = {0, 0, 1, -1};
    char a[8192], b[8192], db2[160];

    run(f->path, 1, 60, &seen, -1);
    snprintf(db2, sizeof(db2), "%s/t2.db", f->dir);
    seen.last_user = 0;
    run(db2, 4, 60, &seen, -1);
    dump_db(f->path, a, sizeof(a));
    dump_db(db2, b, sizeof(b));
    assert_string_equal(a, b);
}

static void test_stop_commits_what_was_queued(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_ingest *ing = NULL;
    wc_ingest_opts o;
    wc_error err = WC_ERROR_INIT;
    volatile sig_atomic_t stop = 0;
    char text[2048];
    wc_record r;
    wc_store_stats st;

    memset(&o, 0, sizeof(o));
    o.stop = &stop;
    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_ingest_new(s, &o, &ing, &err), WC_OK);
    article(1, text, sizeof(text));
    r = text_record("one", text);
    assert_int_equal(wc_ingest_add(ing, &r, NULL, NULL, &err), WC_OK);
    stop = 1;
    r = text_record("two", text);
    assert_int_equal(wc_ingest_add(ing, &r, NULL, NULL, &err), WC_ERR_INTERRUPTED);
    assert_int_equal(wc_ingest_flush(ing, &err), WC_ERR_INTERRUPTED);
    wc_ingest_free(ing);
    assert_int_equal(wc_store_get_stats(s, &st, &err), WC_OK);
    assert_int_equal(st.documents, 1);
    wc_store_close(s);
}

/*
 * Cluster rows are kept up to date two ways: a member that sorts after the
 * representative only grows the row and gets its similarity at once; any
 * other join is folded in at commit by a scan of the cluster. Whatever the
 * mix (dated, undated, equal times, longer and shorter texts, small
 * transactions, two runs), the rows and similarities must be what a full
 * refresh computes from scratch.
 */
static void test_cluster_rows_equal_a_full_refresh(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_ingest *ing = NULL;
    wc_ingest_opts o;
    wc_error err = WC_ERROR_INIT;
    wc_fp_params p = wc_fp_params_default();
    wc_buf blob = WC_BUF_INIT;
    char text[4096], id[32];
    sqlite3 *h;
    sqlite3_stmt *q;
    int run_no, i, clusters = 0, members = 0;

    memset(&o, 0, sizeof(o));
    o.threads = 2;
    o.batch = 7;
    for (run_no = 0; run_no < 2; run_no++) {
        assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
        assert_int_equal(wc_ingest_new(s, &o, &ing, &err), WC_OK);
        for (i = run_no * 150; i < run_no * 150 + 150; i++) {
            int story = i % 11, words = 40 + i * 7 % 31, k, len = 0;
            wc_record r;
            for (k = 0; k < words; k++)
                len += snprintf(text + len, sizeof(text) - (size_t)len, "s%dw%d ", story,
                                k * 17 % 101);
            snprintf(id, sizeof(id), "d%d", i);
            r = text_record(id, text);
            /* a quarter undated; the rest on five days, so times tie often */
            if (i % 4)
                r.published_at = 1700000000 + (int64_t)(i * 13 % 5) * 86400;
            assert_int_equal(wc_ingest_add(ing, &r, NULL, NULL, &err), WC_OK);
        }
        assert_int_equal(wc_ingest_finish(ing, &err), WC_OK);
        wc_ingest_free(ing);
        wc_store_close(s);
        s = NULL;
    }

    /* every row as stored, then refreshed from scratch: nothing may change */
    assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT id, rep_id, size, first_seen, last_seen FROM "
                                        "clusters ORDER BY id",
                                        -1, &q, NULL),
                     SQLITE_OK);
    while (sqlite3_step(q) == SQLITE_ROW) {
        int64_t cid = sqlite3_column_int64(q, 0), rep = 0;
        bool changed = true;
        sqlite3_stmt *c, *m;
        wc_fprint rep_fp, fp;
        wc_similarity sim;

        assert_int_equal(wc_store_begin(s, &err), WC_OK);
        assert_int_equal(wc_store_refresh_cluster(s, cid, &rep, &changed, &err), WC_OK);
        assert_false(changed);
        assert_int_equal(rep, sqlite3_column_int64(q, 1));
        assert_int_equal(wc_store_commit(s, &err), WC_OK);
        /* the refreshed row holds what the stored one held */
        assert_int_equal(sqlite3_prepare_v2(h,
                                            "SELECT rep_id, size, first_seen IS ?3, "
                                            "last_seen IS ?4 FROM clusters WHERE id = ?1 "
                                            "AND ?2 = ?2",
                                            -1, &c, NULL),
                         SQLITE_OK);
        sqlite3_bind_int64(c, 1, cid);
        sqlite3_bind_int64(c, 2, 0);
        sqlite3_bind_value(c, 3, sqlite3_column_value(q, 3));
        sqlite3_bind_value(c, 4, sqlite3_column_value(q, 4));
        assert_int_equal(sqlite3_step(c), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(c, 0), rep);
        assert_int_equal(sqlite3_column_int64(c, 1), sqlite3_column_int64(q, 2));
        assert_int_equal(sqlite3_column_int(c, 2), 1);
        assert_int_equal(sqlite3_column_int(c, 3), 1);
        sqlite3_finalize(c);
        /* each member's similarity is its fingerprint's against the representative's */
        assert_int_equal(wc_store_get_fprint(s, rep, &blob, &err), WC_OK);
        assert_int_equal(wc_fprint_unpack(blob.buf, blob.len, &p, &rep_fp, &err), WC_OK);
        assert_int_equal(sqlite3_prepare_v2(h,
                                            "SELECT id, similarity FROM documents WHERE "
                                            "cluster_id = ?1",
                                            -1, &m, NULL),
                         SQLITE_OK);
        sqlite3_bind_int64(m, 1, cid);
        while (sqlite3_step(m) == SQLITE_ROW) {
            int64_t doc = sqlite3_column_int64(m, 0);
            double want = 1.0;
            assert_int_equal(sqlite3_column_type(m, 1), SQLITE_FLOAT);
            if (doc != rep) {
                wc_buf_reset(&blob);
                assert_int_equal(wc_store_get_fprint(s, doc, &blob, &err), WC_OK);
                assert_int_equal(wc_fprint_unpack(blob.buf, blob.len, &p, &fp, &err), WC_OK);
                wc_fprint_similarity(&fp, &rep_fp, &sim);
                want = sim.score;
            }
            assert_true(sqlite3_column_double(m, 1) == want);
            members++;
        }
        sqlite3_finalize(m);
        wc_buf_reset(&blob);
        clusters++;
    }
    sqlite3_finalize(q);
    sqlite3_close(h);
    wc_store_close(s);
    wc_buf_release(&blob);
    assert_int_equal(clusters, 11); /* eleven stories */
    assert_int_equal(members, 300);
}

/*
 * Big records among small ones: the slots that held one give the memory
 * back before a small record (SLOT_KEEP_BYTES), and every record is still
 * stored, in order, whatever its size.
 */
static void test_big_and_small_records(void **state)
{
    struct wc_test_tmpdir *f = *state;
    struct seen seen = {0, 0, 1, -1};
    wc_store *s = NULL;
    wc_ingest *ing = NULL;
    wc_ingest_opts o;
    wc_ingest_stats st;
    wc_error err = WC_ERROR_INIT;
    size_t big = (size_t)600 << 10, k, len;
    char *text = malloc(big + 64), id[32];
    int i;

    assert_non_null(text);
    memset(&o, 0, sizeof(o));
    o.threads = 2;
    o.on_result = on_result;
    o.result_ctx = &seen;
    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_ingest_new(s, &o, &ing, &err), WC_OK);
    for (i = 0; i < 60; i++) {
        wc_record r;
        if (i % 3 == 0) { /* 600 KB of distinct words */
            for (len = 0, k = 0; len + 16 < big; k++)
                len += (size_t)snprintf(text + len, big + 64 - len, "b%dw%zu ", i, k);
        } else {
            article(i, text, 2048);
        }
        snprintf(id, sizeof(id), "r%d", i);
        r = text_record(id, text);
        assert_int_equal(wc_ingest_add(ing, &r, NULL, (void *)(intptr_t)(i + 1), &err), WC_OK);
    }
    assert_int_equal(wc_ingest_flush(ing, &err), WC_OK);
    wc_ingest_get_stats(ing, &st);
    assert_int_equal(wc_ingest_finish(ing, &err), WC_OK);
    wc_ingest_free(ing);
    wc_store_close(s);
    free(text);
    assert_int_equal(st.records, 60);
    assert_int_equal(st.stored, 60);
    assert_int_equal(seen.n, 60);
    assert_true(seen.in_order);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        WC_TEST_IN_TMPDIR(test_results_in_order_and_call_sees_earlier_records),
        WC_TEST_IN_TMPDIR(test_copies_are_clustered),
        WC_TEST_IN_TMPDIR(test_again_adds_nothing),
        WC_TEST_IN_TMPDIR(test_thread_count_does_not_change_the_result),
        WC_TEST_IN_TMPDIR(test_cluster_rows_equal_a_full_refresh),
        WC_TEST_IN_TMPDIR(test_big_and_small_records),
        WC_TEST_IN_TMPDIR(test_stop_commits_what_was_queued),
    };
    int rc;

    wc_global_init(NULL);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    wc_global_cleanup();
    return rc;
}
