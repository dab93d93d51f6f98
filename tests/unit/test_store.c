/*
 * test_store.c - the SQLite store: migrations, refusing foreign and newer
 * databases, the writer lock, documents, cluster rows and their order,
 * merges, and the iterators export relies on.
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
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "wirecopy/store.h"
#include "store/store_writer.h"
#include "store/store_internal.h"
#include "wc_test.h"

static int sql_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    int v = -1;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

static void sql_text_is(const char *path, const char *sql, const char *want)
{
    sqlite3 *db;
    sqlite3_stmt *q;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), want);
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static void sql_exec(const char *path, const char *sql)
{
    sqlite3 *db;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static const uint8_t hash_a[16] = {1, 2, 3};
static const uint8_t hash_b[16] = {4, 5, 6};

/* A document with the given id, key, cluster and time. */
static wc_doc doc(int64_t id, const char *key, const uint8_t *hash, int64_t cluster,
                  int64_t published, const char *site)
{
    wc_doc d;

    memset(&d, 0, sizeof(d));
    d.id = id;
    d.doc_key = key;
    d.source = WC_SOURCE_JSONL;
    d.origin = "/data/x.jsonl";
    d.origin_line = (uint64_t)id;
    d.origin_id = key;
    d.fetched_at = INT64_MIN;
    d.published_at = published;
    d.modified_at = INT64_MIN;
    d.title = "A title";
    d.site = site;
    d.text = "some text";
    d.text_len = 9;
    d.word_count = 2;
    d.content_hash = hash;
    d.cluster_id = cluster;
    d.fprint = "blob";
    d.fprint_len = 4;
    return d;
}

static void test_create_migrates_to_current_version(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;

    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    wc_store_close(s);
    assert_int_equal(sql_int(f->path, "PRAGMA user_version"), WC_STORE_SCHEMA_VERSION);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_schema WHERE name IN "
                                      "('documents','signatures','clusters','feeds',"
                                      "'feed_entries','meta')"),
                     6);
    /* reopening does nothing more */
    assert_int_equal(wc_store_open(f->path, 0, 0, &s, &err), WC_OK);
    wc_store_close(s);
    sql_text_is(f->path, "PRAGMA journal_mode", "wal");
}

/*
 * A database from before migration 3 (the version-3 one of tests/data/store,
 * taken back) is brought forward, and readers ask for a writer first.
 */
static void test_migrates_an_older_database(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;

    wc_test_load_sql(f->path, "store/v3.sql");
    sql_exec(f->path, "DROP INDEX documents_id_cluster; "
                      "CREATE INDEX documents_content ON documents(content_hash); "
                      "PRAGMA user_version = 2");
    assert_int_equal(wc_store_open(f->path, WC_STORE_READONLY, 0, &s, &err), WC_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "needs migrating"));
    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    wc_store_close(s);
    assert_int_equal(sql_int(f->path, "PRAGMA user_version"), WC_STORE_SCHEMA_VERSION);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_schema WHERE name = "
                                      "'documents_id_cluster'"),
                     1);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_schema WHERE name = "
                                      "'documents_content'"),
                     0);
}

static void test_refuses_foreign_and_newer_databases(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;

    sql_exec(f->path, "CREATE TABLE other(x)");
    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_ERR_CORRUPT);
    assert_null(s);
    assert_non_null(strstr(err.msg, "not a wirecopy"));
    /* a reader says the same, not "needs migrating" */
    assert_int_equal(wc_store_open(f->path, WC_STORE_READONLY, 0, &s, &err), WC_ERR_CORRUPT);
    assert_null(s);
    assert_non_null(strstr(err.msg, "not a wirecopy"));
    /* the other program's table is untouched */
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM other"), 0);

    unlink(f->path);
    assert_int_equal(wc_store_open(f->path, 0, 0, &s, &err), WC_OK);
    wc_store_close(s);
    sql_exec(f->path, "PRAGMA user_version = 99");
    assert_int_equal(wc_store_open(f->path, 0, 0, &s, &err), WC_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "newer"));
}

/* The whole of a file, malloc'd, its size in *len; NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *b = NULL;
    long n;

    if (!fp)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
        (b = malloc((size_t)n + 1)) && fread(b, 1, (size_t)n, fp) == (size_t)n) {
        *len = (size_t)n;
    } else {
        free(b);
        b = NULL;
    }
    fclose(fp);
    return b;
}

static bool exists_with(const char *path, const char *suffix)
{
    char p[256];

    snprintf(p, sizeof(p), "%s%s", path, suffix);
    return access(p, F_OK) == 0;
}

/*
 * Another program's database, in rollback-journal mode, is refused as it
 * was found by every kind of open: not switched to WAL (which rewrites
 * its header), no -wal or -shm beside it, not one byte changed. A file
 * with a schema version of its own but none of wirecopy's tables is
 * refused the same way, not migrated.
 */
static void test_foreign_database_is_left_untouched(void **state)
{
    static const char *const setups[] = {
        "CREATE TABLE other(x); INSERT INTO other VALUES (1), (2)",
        "CREATE TABLE other(x); INSERT INTO other VALUES (1); PRAGMA user_version = 2",
        "CREATE TABLE other(x); PRAGMA user_version = 99",
    };
    static const unsigned flags[] = {WC_STORE_WRITER, 0, WC_STORE_READONLY};
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    char *before, *after;
    size_t nb = 0, na = 0, i, k;

    for (i = 0; i < sizeof(setups) / sizeof(setups[0]); i++) {
        unlink(f->path);
        sql_exec(f->path, setups[i]);
        sql_text_is(f->path, "PRAGMA journal_mode", "delete");
        before = slurp(f->path, &nb);
        assert_non_null(before);
        for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
            assert_int_equal(wc_store_open(f->path, flags[k], 0, &s, &err), WC_ERR_CORRUPT);
            assert_null(s);
            assert_non_null(strstr(err.msg, "not a wirecopy one"));
            assert_false(exists_with(f->path, "-wal"));
            assert_false(exists_with(f->path, "-shm"));
            assert_false(exists_with(f->path, "-journal"));
            after = slurp(f->path, &na);
            assert_non_null(after);
            assert_int_equal(na, nb);
            assert_memory_equal(after, before, nb);
            free(after);
        }
        free(before);
        sql_text_is(f->path, "PRAGMA journal_mode", "delete");
    }
}

static void test_not_a_database_is_corrupt(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    FILE *fp = fopen(f->path, "w");

    assert_non_null(fp);
    for (int i = 0; i < 200; i++)
        fputs("this is a text file, not a database\n", fp);
    fclose(fp);
    assert_int_equal(wc_store_open(f->path, 0, 0, &s, &err), WC_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, f->path));
}

static void test_readonly_missing_file(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;

    assert_int_equal(wc_store_open(f->path, WC_STORE_READONLY, 0, &s, &err), WC_ERR_NOTFOUND);
    assert_int_equal(access(f->path, F_OK), -1); /* and it was not created */
}

static void test_second_writer_is_refused(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *a = NULL, *b = NULL, *r = NULL;
    wc_error err = WC_ERROR_INIT;

    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &a, &err), WC_OK);
    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 200, &b, &err), WC_ERR_BUSY);
    assert_non_null(strstr(err.msg, "in use"));
    /* readers are not blocked by a writer */
    assert_int_equal(wc_store_open(f->path, WC_STORE_READONLY, 0, &r, &err), WC_OK);
    wc_store_close(r);
    wc_store_close(a);
    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &b, &err), WC_OK);
    wc_store_close(b);
}

struct keys {
    int n;
    int64_t id[4];
    uint64_t hash[4];
};

static wc_status collect_key(void *ctx, int64_t doc_id, uint64_t key_hash)
{
    struct keys *k = ctx;

    if (k->n == 4)
        return WC_ERR_LIMIT;
    k->id[k->n] = doc_id;
    k->hash[k->n++] = key_hash;
    return WC_OK;
}

struct fprints {
    int n;
    int64_t id[4], cluster[4], t[4];
    char blob[4][8];
};

static wc_status collect_fprint(void *ctx, int64_t doc_id, int64_t cluster_id, int64_t t,
                                const void *blob, size_t len)
{
    struct fprints *f = ctx;

    if (f->n == 4 || len >= sizeof(f->blob[0]))
        return WC_ERR_LIMIT;
    f->id[f->n] = doc_id;
    f->cluster[f->n] = cluster_id;
    f->t[f->n] = t;
    memcpy(f->blob[f->n], blob, len);
    f->blob[f->n++][len] = '\0';
    return WC_OK;
}

static void test_documents_and_dedup_key(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    int64_t id = 0;
    struct keys keys;
    struct fprints fps;
    wc_doc d;

    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_store_next_doc_id(s, &id, &err), WC_OK);
    assert_int_equal(id, 1);
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    d = doc(1, "id:a", hash_a, 1, 1000, "site-a");
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);
    /* the key index hands back each document with the hash of its key (the "already
       stored?" set of ingest is loaded from it) */
    keys.n = 0;
    assert_int_equal(wc_store_each_key(s, collect_key, &keys, &err), WC_OK);
    assert_int_equal(keys.n, 1);
    assert_int_equal(keys.id[0], 1);
    assert_true(keys.hash[0] == wc_store_key_hash("id:a"));
    assert_true(wc_store_key_hash("id:a") != wc_store_key_hash("id:b"));
    assert_int_equal(wc_store_next_doc_id(s, &id, &err), WC_OK);
    assert_int_equal(id, 2);
    /* the fingerprint scan hands back the blob and the cluster, and the time when asked */
    fps.n = 0;
    assert_int_equal(wc_store_each_fprint(s, false, collect_fprint, &fps, &err), WC_OK);
    assert_int_equal(fps.n, 1);
    assert_int_equal(fps.id[0], 1);
    assert_int_equal(fps.cluster[0], 1);
    assert_true(fps.t[0] == INT64_MIN);
    assert_string_equal(fps.blob[0], "blob");
    fps.n = 0;
    assert_int_equal(wc_store_each_fprint(s, true, collect_fprint, &fps, &err), WC_OK);
    assert_int_equal(fps.n, 1);
    assert_int_equal(fps.t[0], 1000);
    wc_store_close(s);
}

static void test_rollback_keeps_earlier_commits(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_doc d;

    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    d = doc(1, "id:a", hash_a, 1, 1000, NULL);
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    d = doc(2, "id:b", hash_b, 2, 1000, NULL);
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    /* a duplicate primary key fails inside the transaction */
    assert_int_not_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    wc_store_rollback(s);
    wc_store_close(s); /* closing with nothing open */
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM documents"), 1);
    sql_text_is(f->path, "PRAGMA integrity_check", "ok");
}

static wc_status collect_row(void *ctx, const wc_cluster_info *row)
{
    wc_cluster_info *rows = ctx;

    if (rows[0].size == 4)
        return WC_ERR_LIMIT;
    rows[1 + rows[0].size++] = *row;
    return WC_OK;
}

/*
 * The writer puts cluster rows as the index hands them; listings, one
 * cluster and the members read them, the members earliest first by the
 * rule of original.h.
 */
static void test_cluster_rows_and_member_order(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_doc d;
    wc_cluster_iter *it = NULL;
    wc_cluster_row row;
    wc_member_iter *mi = NULL;
    wc_member_row m;
    wc_buf strings = WC_BUF_INIT;
    wc_cluster_info one = {1, 5, 5, 100, 500}, four = {4, 4, 1, 50, 50}, rows[5];
    int64_t order[8];
    int n = 0, k;

    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    /*
     * cluster 1: doc 1 (t=500), doc 2 (t=100), doc 3 (undated), docs 5 and 6
     * (t=100 and more words than doc 2): 5 is the original (dated, earliest,
     * more words than 2, older than 6)
     */
    d = doc(1, "id:1", hash_a, 1, 500, "beta.example");
    d.match_kind = WC_MATCH_NEAR;
    d.similarity = 0.75;
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    d = doc(2, "id:2", hash_a, 1, 100, "alpha.example");
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    d = doc(3, "id:3", hash_a, 1, INT64_MIN, "alpha.example");
    d.match_kind = WC_MATCH_EXACT;
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    d = doc(6, "id:6", hash_a, 1, 100, "alpha.example");
    d.word_count = 9;
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    d = doc(5, "id:5", hash_a, 1, 100, "alpha.example");
    d.word_count = 9;
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    /* a first row, then the one the index hands over later: the later one stands */
    one.original_id = 2;
    one.size = 3;
    assert_int_equal(wc_store_put_cluster(s, &one, &err), WC_OK);
    one.original_id = 5;
    one.size = 5;
    assert_int_equal(wc_store_put_cluster(s, &one, &err), WC_OK);
    /* cluster 4, a singleton */
    d = doc(4, "id:4", hash_b, 4, 50, NULL);
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    assert_int_equal(wc_store_put_cluster(s, &four, &err), WC_OK);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);

    /* the start-up scan gives the rows back as they were put */
    memset(rows, 0, sizeof(rows));
    assert_int_equal(wc_store_each_cluster(s, collect_row, rows, &err), WC_OK);
    assert_int_equal(rows[0].size, 2);
    for (k = 1; k <= 2; k++) {
        const wc_cluster_info *want = rows[k].id == 1 ? &one : &four;
        assert_memory_equal(&rows[k], want, sizeof(*want));
    }

    assert_int_equal(wc_store_clusters(s, 2, WC_ORDER_ID, 0, true, &it, &err), WC_OK);
    assert_int_equal(wc_cluster_iter_next(it, &row, &err), WC_OK);
    assert_int_equal(row.id, 1);
    assert_int_equal(row.size, 5);
    assert_int_equal(row.original_id, 5);
    assert_int_equal(row.first_seen, 100);
    assert_int_equal(row.last_seen, 500);
    assert_string_equal(row.sites, "alpha.example, beta.example");
    assert_int_equal(wc_cluster_iter_next(it, &row, &err), WC_DONE);
    wc_cluster_iter_free(it);

    assert_int_equal(wc_store_clusters(s, 1, WC_ORDER_SIZE, 0, false, &it, &err), WC_OK);
    assert_int_equal(wc_cluster_iter_next(it, &row, &err), WC_OK);
    assert_int_equal(row.id, 1);
    assert_int_equal(wc_cluster_iter_next(it, &row, &err), WC_OK);
    assert_int_equal(row.id, 4);
    assert_int_equal(wc_cluster_iter_next(it, &row, &err), WC_DONE);
    wc_cluster_iter_free(it);

    /* members: dated ones by time, more words first at one time, then id; undated last */
    assert_int_equal(wc_store_members(s, 1, &mi, &err), WC_OK);
    while (wc_member_iter_next(mi, &m, &err) == WC_OK) {
        /* the kind each was stored with comes back as the enum */
        assert_int_equal(m.match_kind, m.doc_id == 1   ? WC_MATCH_NEAR
                                       : m.doc_id == 3 ? WC_MATCH_EXACT
                                                       : WC_MATCH_NEW);
        order[n++] = m.doc_id;
        if (m.doc_id == 1)
            assert_true(m.similarity > 0.749 && m.similarity < 0.751);
    }
    wc_member_iter_free(mi);
    assert_int_equal(n, 5);
    assert_int_equal(order[0], 5);
    assert_int_equal(order[1], 6);
    assert_int_equal(order[2], 2);
    assert_int_equal(order[3], 1);
    assert_int_equal(order[4], 3);
    /* a stored kind no wirecopy writes is damage, not a fourth kind */
    sql_exec(f->path, "UPDATE documents SET match_kind = 7 WHERE id = 1");
    assert_int_equal(wc_store_members(s, 1, &mi, &err), WC_OK);
    for (k = 0; k < 3; k++)
        assert_int_equal(wc_member_iter_next(mi, &m, &err), WC_OK);
    assert_int_equal(wc_member_iter_next(mi, &m, &err), WC_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "match kind 7"));
    wc_member_iter_free(mi);

    assert_int_equal(wc_store_cluster_get(s, 4, &row, &strings, &err), WC_OK);
    assert_int_equal(row.size, 1);
    assert_string_equal(row.title, "A title");
    assert_int_equal(wc_store_cluster_get(s, 99, &row, &strings, &err), WC_ERR_NOTFOUND);
    wc_buf_release(&strings);
    wc_store_close(s);
}

/*
 * Two clusters in one story, rows that agree: cluster 1 (documents 1 and
 * 2, the original 1), cluster 3 (document 3); story 1 holds both.
 */
static void build_agreeing(const char *path)
{
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_doc d;
    wc_cluster_info one = {1, 1, 2, 10, 20}, three = {3, 3, 1, 30, 30};
    wc_story_info story = {1, 2, 3, 10, 30};

    unlink(path);
    assert_int_equal(wc_store_open(path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    d = doc(1, "id:1", hash_a, 1, 10, "a.example");
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    d = doc(2, "id:2", hash_a, 1, 20, "b.example");
    d.match_kind = WC_MATCH_EXACT;
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    d = doc(3, "id:3", hash_b, 3, 30, "a.example");
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    assert_int_equal(wc_store_put_cluster(s, &one, &err), WC_OK);
    assert_int_equal(wc_store_put_cluster(s, &three, &err), WC_OK);
    assert_int_equal(wc_store_put_story(s, &story, &err), WC_OK);
    assert_int_equal(wc_store_set_cluster_story(s, 1, 1, 1.0, &err), WC_OK);
    assert_int_equal(wc_store_set_cluster_story(s, 3, 1, 0.5, &err), WC_OK);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);
    wc_store_close(s);
}

enum reader { LIST_CLUSTERS, GET_CLUSTER, MEMBERS, LIST_STORIES, GET_STORY };

/* Run a reader over its rows (id for the ones of one row): the first status that is not WC_OK. */
static wc_status read_all(wc_store *s, enum reader r, int64_t id, wc_error *err)
{
    wc_cluster_iter *ci = NULL;
    wc_member_iter *mi = NULL;
    wc_story_iter *si = NULL;
    wc_cluster_row c;
    wc_member_row m;
    wc_story_row sr;
    wc_buf strings;
    wc_status st = WC_ERR_USAGE;

    wc_buf_init(&strings, WC_STORE_CLUSTER_STRINGS_MAX);
    switch (r) {
    case LIST_CLUSTERS:
        if (!(st = wc_store_clusters(s, 1, WC_ORDER_ID, 0, true, &ci, err)))
            while (!(st = wc_cluster_iter_next(ci, &c, err)))
                ;
        wc_cluster_iter_free(ci);
        break;
    case GET_CLUSTER:
        st = wc_store_cluster_get(s, id, &c, &strings, err);
        break;
    case MEMBERS:
        if (!(st = wc_store_members(s, id, &mi, err)))
            while (!(st = wc_member_iter_next(mi, &m, err)))
                ;
        wc_member_iter_free(mi);
        break;
    case LIST_STORIES:
        if (!(st = wc_store_stories(s, 1, WC_ORDER_ID, 0, WC_STORIES_SITES, &si, err)))
            while (!(st = wc_story_iter_next(si, &sr, err)))
                ;
        wc_story_iter_free(si);
        break;
    case GET_STORY:
        st = wc_store_story_get(s, id, &sr, &strings, err);
        break;
    }
    wc_buf_release(&strings);
    return st == WC_DONE ? WC_OK : st;
}

/*
 * A reader refuses a row that disagrees with its members (what SQLite
 * reads without complaint, but no wirecopy writes): WC_ERR_CORRUPT, saying
 * the database is damaged, what is wrong and that `wirecopy check` lists
 * the rest; a listing would print it as if it were right. Rows that agree
 * read as before.
 */
static void test_readers_refuse_rows_that_disagree(void **state)
{
    static const struct {
        const char *sql;
        enum reader reader;
        int64_t id;
        const char *want;
    } cases[] = {
        {"UPDATE documents SET cluster_id = 99 WHERE id = 2", LIST_CLUSTERS, 0,
         "cluster 1: its size is 2 but 1 documents are in it"},
        {"UPDATE documents SET cluster_id = 99 WHERE id = 2", GET_CLUSTER, 1,
         "cluster 1: its size is 2 but 1 documents are in it"},
        {"UPDATE documents SET cluster_id = 99 WHERE id = 2", MEMBERS, 1,
         "cluster 1: its size is 2 but 1 documents are in it"},
        {"UPDATE documents SET cluster_id = 3 WHERE id = 1", MEMBERS, 1,
         "cluster 1: its size is 2 but 1 documents are in it"},
        {"UPDATE clusters SET rep_id = 3 WHERE id = 1", MEMBERS, 1,
         "cluster 1: its original, document 3, is not a member"},
        {"UPDATE clusters SET rep_id = 3 WHERE id = 1", LIST_CLUSTERS, 0,
         "cluster 1: its original, document 3, is in cluster 3"},
        {"DELETE FROM documents WHERE id = 3", GET_CLUSTER, 3,
         "cluster 3: its original, document 3, does not exist"},
        {"DELETE FROM documents WHERE id = 3", MEMBERS, 3,
         "cluster 3: its size is 1 but no document is in it"},
        {"UPDATE clusters SET size = 'two' WHERE id = 1", LIST_CLUSTERS, 0,
         "cluster 1: its row holds values no wirecopy writes"},
        {"UPDATE clusters SET story_id = 5 WHERE id = 3", GET_CLUSTER, 3,
         "cluster 3: its story 5 does not exist"},
        {"UPDATE clusters SET story_similarity = 7 WHERE id = 3", LIST_CLUSTERS, 0,
         "cluster 3: its story 1 has a similarity out of [0, 1]"},
        {"UPDATE clusters SET story_id = NULL WHERE id = 3", GET_STORY, 1,
         "story 1: it counts 2 clusters but 1 are placed in it"},
        {"UPDATE stories SET size = 4", LIST_STORIES, 0,
         "story 1: its size is 4 but its clusters hold 3 documents"},
        {"UPDATE documents SET source = x'07' WHERE id = 2", MEMBERS, 1,
         "document 2: its row holds values no wirecopy writes"},
        {"UPDATE documents SET similarity = 3.5 WHERE id = 2", MEMBERS, 1,
         "document 2: its row holds values no wirecopy writes"},
    };
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    size_t i;
    int r;

    build_agreeing(f->path);
    assert_int_equal(wc_store_open(f->path, WC_STORE_READONLY, 0, &s, &err), WC_OK);
    for (r = LIST_CLUSTERS; r <= GET_STORY; r++)
        assert_int_equal(read_all(s, (enum reader)r, 1, &err), WC_OK);
    wc_store_close(s);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        build_agreeing(f->path);
        sql_exec(f->path, cases[i].sql);
        assert_int_equal(wc_store_open(f->path, WC_STORE_READONLY, 0, &s, &err), WC_OK);
        wc_error_clear(&err);
        if (read_all(s, cases[i].reader, cases[i].id, &err) != WC_ERR_CORRUPT ||
            !strstr(err.msg, cases[i].want))
            fail_msg("after %s: want '%s', got '%s'", cases[i].sql, cases[i].want, err.msg);
        assert_non_null(strstr(err.msg, "is damaged: "));
        assert_non_null(strstr(err.msg, f->path));
        assert_non_null(strstr(err.msg, "`wirecopy check` lists every problem"));
        wc_store_close(s);
    }
}

/* Member iterators open side by side each read their own cluster (one shares a statement). */
static void test_member_iterators_side_by_side(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_member_iter *a = NULL, *b = NULL;
    wc_member_row m;
    int round;

    build_agreeing(f->path);
    assert_int_equal(wc_store_open(f->path, WC_STORE_READONLY, 0, &s, &err), WC_OK);
    for (round = 0; round < 2; round++) { /* the second time, the shared one is reused */
        assert_int_equal(wc_store_members(s, 1, &a, &err), WC_OK);
        assert_int_equal(wc_store_members(s, 3, &b, &err), WC_OK);
        assert_int_equal(wc_member_iter_next(a, &m, &err), WC_OK);
        assert_int_equal(m.doc_id, 1);
        assert_int_equal(wc_member_iter_next(b, &m, &err), WC_OK);
        assert_int_equal(m.doc_id, 3);
        assert_int_equal(wc_member_iter_next(a, &m, &err), WC_OK);
        assert_int_equal(m.doc_id, 2);
        assert_int_equal(wc_member_iter_next(b, &m, &err), WC_DONE);
        assert_int_equal(wc_member_iter_next(a, &m, &err), WC_DONE);
        assert_int_equal(wc_member_iter_next(a, &m, &err), WC_DONE); /* and stays done */
        wc_member_iter_free(round ? a : b);
        wc_member_iter_free(round ? b : a);
    }
    wc_store_close(s);
}

/*
 * Damage SQLite meets (a page of clusters overwritten) is said to be
 * damage, not "damaged or not a wirecopy database", with what the read was
 * doing, quick_check's first finding and the way to the whole list.
 */
static void test_damage_sqlite_meets_is_named(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    char junk[128];
    int page = 0, size = 0;
    FILE *fp;

    build_agreeing(f->path);
    page = sql_int(f->path, "SELECT rootpage FROM sqlite_schema WHERE name = 'clusters'");
    size = sql_int(f->path, "PRAGMA page_size");
    memset(junk, 0xff, sizeof(junk));
    fp = fopen(f->path, "r+b");
    assert_non_null(fp);
    /* the table's cells sit at the end of its one page */
    assert_int_equal(fseek(fp, (long)page * size - (long)sizeof(junk), SEEK_SET), 0);
    assert_int_equal(fwrite(junk, 1, sizeof(junk), fp), sizeof(junk));
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(wc_store_open(f->path, WC_STORE_READONLY, 0, &s, &err), WC_OK);
    assert_int_equal(read_all(s, LIST_CLUSTERS, 0, &err), WC_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "is damaged: database disk image is malformed while listing "
                                    "clusters (SQLite's quick_check: "));
    assert_non_null(strstr(err.msg, "`wirecopy check` lists every problem"));
    assert_null(strstr(err.msg, "not a wirecopy"));
    wc_store_close(s);
}

static void test_merge_moves_members_and_drops_the_row(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_doc d;
    wc_store_stats st;
    wc_cluster_info one = {1, 1, 1, 10, 10}, two = {2, 2, 1, 20, 20}, rows[5];

    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    d = doc(1, "id:1", hash_a, 1, 10, NULL);
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    assert_int_equal(wc_store_put_cluster(s, &one, &err), WC_OK);
    d = doc(2, "id:2", hash_b, 2, 20, NULL);
    d.match_kind = WC_MATCH_NEAR;
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    assert_int_equal(wc_store_put_cluster(s, &two, &err), WC_OK);
    assert_int_equal(wc_store_merge_clusters(s, 2, 1, &err), WC_OK);
    one.size = 2;
    one.last_seen = 20;
    assert_int_equal(wc_store_put_cluster(s, &one, &err), WC_OK);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);
    assert_int_equal(wc_store_get_stats(s, &st, &err), WC_OK);
    assert_int_equal(st.documents, 2);
    assert_int_equal(st.clusters, 1);
    assert_int_equal(st.clusters_multi, 1);
    assert_int_equal(st.near_copies, 1);
    assert_int_equal(st.largest_cluster, 2);
    memset(rows, 0, sizeof(rows));
    assert_int_equal(wc_store_each_cluster(s, collect_row, rows, &err), WC_OK);
    assert_int_equal(rows[0].size, 1);
    assert_memory_equal(&rows[1], &one, sizeof(one));
    sql_text_is(f->path, "SELECT group_concat(cluster_id) FROM documents", "1,1");
    wc_store_close(s);
}

static void test_meta_roundtrip(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    char *v = NULL;

    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_store_meta_get(s, "k", &v, &err), WC_OK);
    assert_null(v);
    assert_int_equal(wc_store_meta_set(s, "k", "one", &err), WC_OK);
    assert_int_equal(wc_store_meta_set(s, "k", "two", &err), WC_OK);
    assert_int_equal(wc_store_meta_get(s, "k", &v, &err), WC_OK);
    assert_string_equal(v, "two");
    free(v);
    wc_store_close(s);
}

/* Document i+1 with a 16 KiB text (in text, 16384 bytes), in a transaction of its own. */
static void commit_big_doc(wc_store *s, int i, char *text)
{
    wc_error err = WC_ERROR_INIT;
    char key[32];
    wc_doc d;

    memset(text, 'a' + i % 26, 16383);
    text[16383] = '\0';
    snprintf(key, sizeof(key), "id:%d", i + 1);
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    d = doc(i + 1, key, hash_a, i + 1, 1000, NULL);
    d.text = text;
    d.text_len = 16383;
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);
}

/*
 * A long ingest must not grow the WAL without end: the background
 * checkpointer copies frames back but cannot reset the log while the
 * writer keeps writing, so the writer restarts it past a mark (lowered
 * here to 32 frames). 200 transactions of 16 KiB texts write over 3 MB of
 * frames; the WAL file must stay a small multiple of the mark, and the
 * database must stay whole.
 */
static void test_wal_is_restarted_during_long_writes(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    char wal[600], *text = malloc(16384);
    struct stat st;
    off_t max_wal = 0;
    int i, saved = store_wal_restart_frames;

    assert_non_null(text);
    store_wal_restart_frames = 32;
    snprintf(wal, sizeof(wal), "%s-wal", f->path);
    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    for (i = 0; i < 200; i++) {
        commit_big_doc(s, i, text);
        if (stat(wal, &st) == 0 && st.st_size > max_wal)
            max_wal = st.st_size;
    }
    wc_store_close(s);
    store_wal_restart_frames = saved;
    free(text);
    assert_true(max_wal > 0);
    /* 32 frames of 4 KiB pages, plus the transaction that crossed the mark */
    assert_true(max_wal < 512 * 1024);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM documents"), 200);
    sql_text_is(f->path, "PRAGMA integrity_check", "ok");
}

/*
 * A reader holding an old snapshot (another process exporting) keeps the
 * WAL from restarting: commits still succeed, each attempt gives up after
 * a second and the mark doubles; once the reader is gone the log is
 * restarted again and the database is whole.
 */
static void test_wal_restart_waits_out_a_reader(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    char *text = malloc(16384);
    int i, saved = store_wal_restart_frames;
    sqlite3 *rd;
    sqlite3_stmt *q;

    assert_non_null(text);
    store_wal_restart_frames = 32;
    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    for (i = 0; i < 120; i++) {
        if (i == 10) { /* a reader opens a snapshot and keeps it */
            assert_int_equal(sqlite3_open(f->path, &rd), SQLITE_OK);
            assert_int_equal(sqlite3_exec(rd, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
            assert_int_equal(sqlite3_prepare_v2(rd, "SELECT count(*) FROM documents", -1, &q, NULL),
                             SQLITE_OK);
            assert_int_equal(sqlite3_step(q), SQLITE_ROW);
            assert_int_equal(sqlite3_column_int(q, 0), 10);
            sqlite3_finalize(q);
        }
        if (i == 60) { /* the reader still sees its snapshot, then goes */
            assert_int_equal(sqlite3_prepare_v2(rd, "SELECT count(*) FROM documents", -1, &q, NULL),
                             SQLITE_OK);
            assert_int_equal(sqlite3_step(q), SQLITE_ROW);
            assert_int_equal(sqlite3_column_int(q, 0), 10);
            sqlite3_finalize(q);
            sqlite3_exec(rd, "COMMIT", NULL, NULL, NULL);
            sqlite3_close(rd);
        }
        commit_big_doc(s, i, text);
    }
    wc_store_close(s);
    store_wal_restart_frames = saved;
    free(text);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM documents"), 120);
    sql_text_is(f->path, "PRAGMA integrity_check", "ok");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        WC_TEST_IN_TMPDIR(test_create_migrates_to_current_version),
        WC_TEST_IN_TMPDIR(test_migrates_an_older_database),
        WC_TEST_IN_TMPDIR(test_refuses_foreign_and_newer_databases),
        WC_TEST_IN_TMPDIR(test_foreign_database_is_left_untouched),
        WC_TEST_IN_TMPDIR(test_not_a_database_is_corrupt),
        WC_TEST_IN_TMPDIR(test_readonly_missing_file),
        WC_TEST_IN_TMPDIR(test_second_writer_is_refused),
        WC_TEST_IN_TMPDIR(test_documents_and_dedup_key),
        WC_TEST_IN_TMPDIR(test_rollback_keeps_earlier_commits),
        WC_TEST_IN_TMPDIR(test_cluster_rows_and_member_order),
        WC_TEST_IN_TMPDIR(test_readers_refuse_rows_that_disagree),
        WC_TEST_IN_TMPDIR(test_member_iterators_side_by_side),
        WC_TEST_IN_TMPDIR(test_damage_sqlite_meets_is_named),
        WC_TEST_IN_TMPDIR(test_merge_moves_members_and_drops_the_row),
        WC_TEST_IN_TMPDIR(test_meta_roundtrip),
        WC_TEST_IN_TMPDIR(test_wal_is_restarted_during_long_writes),
        WC_TEST_IN_TMPDIR(test_wal_restart_waits_out_a_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
