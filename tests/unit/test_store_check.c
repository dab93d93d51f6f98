/*
 * test_store_check.c - wc_store_check on a real database: the sample
 * pages and the agency's JSONL ingested as `wirecopy ingest` does, found
 * whole; then each kind of damage made by hand (a row deleted or changed
 * with SQL, bytes of a b-tree page overwritten) and the problem it must
 * be reported as. Cases are data: the damage and the words expected.
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
#include "wc_test.h"

/* Every problem told, one a line. */
struct told {
    char text[16384];
    size_t len;
    int n;
};

static void collect(void *ctx, const wc_error *e)
{
    struct told *t = ctx;
    int w;

    assert_int_equal(e->code, WC_ERR_CORRUPT);
    w = snprintf(t->text + t->len, sizeof(t->text) - t->len, "%s\n", e->msg);
    assert_true(w > 0 && (size_t)w < sizeof(t->text) - t->len);
    t->len += (size_t)w;
    t->n++;
}

static void sql_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    char *msg = NULL;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
    sqlite3_close(db);
}

static int64_t sql_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    int64_t v = -1;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

/* The sample corpus into a new database at path, as `wirecopy ingest` stores it. */
static void build(const char *path)
{
    char pages[1024], wire[1024];
    const char *paths[] = {pages, wire};
    wc_store *s = NULL;
    wc_ingest *ing = NULL;
    wc_ingest_opts o;
    wc_error err = WC_ERROR_INIT;

    snprintf(pages, sizeof(pages), "%s/sample/pages", wc_test_data_dir());
    snprintf(wire, sizeof(wire), "%s/sample/wire.jsonl", wc_test_data_dir());
    memset(&o, 0, sizeof(o));
    o.threads = 1;
    assert_int_equal(wc_store_open(path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_ingest_new(s, &o, &ing, &err), WC_OK);
    assert_int_equal(wc_ingest_paths(ing, paths, 2, &err), WC_OK);
    assert_int_equal(wc_ingest_finish(ing, &err), WC_OK);
    wc_ingest_free(ing);
    wc_store_close(s);
}

/* Check the database at path: its status, what was told into *t and the counts into *n. */
static wc_status check(const char *path, struct told *t, wc_store_check_counts *n)
{
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_status st;

    memset(t, 0, sizeof(*t));
    assert_int_equal(wc_store_open(path, WC_STORE_READONLY, 0, &s, &err), WC_OK);
    st = wc_store_check(s, collect, t, n, &err);
    wc_store_close(s);
    if (st == WC_ERR_CORRUPT)
        assert_non_null(strstr(err.msg, "is damaged"));
    return st;
}

static void test_a_whole_database_is_whole(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store_check_counts n;
    struct told t;

    build(f->path);
    assert_int_equal(check(f->path, &t, &n), WC_OK);
    assert_int_equal(t.n, 0);
    assert_int_equal(n.problems, 0);
    assert_int_equal(n.documents, sql_int(f->path, "SELECT count(*) FROM documents"));
    assert_int_equal(n.clusters, sql_int(f->path, "SELECT count(*) FROM clusters"));
    assert_int_equal(n.stories, sql_int(f->path, "SELECT count(*) FROM stories"));
    assert_true(n.documents > 20 && n.clusters > 1 && n.stories > 1);
}

/* Damage made with SQL, and words that must be among the problems told. */
static const struct damage {
    const char *sql;
    const char *want;
} damages[] = {
    {"UPDATE documents SET cluster_id = 9999 WHERE id = (SELECT max(id) FROM documents)",
     "is in cluster 9999, which does not exist"},
    {"UPDATE clusters SET size = size + 1 WHERE id = (SELECT min(id) FROM clusters)",
     "documents are in it"},
    {"UPDATE clusters SET size = 0 WHERE id = (SELECT min(id) FROM clusters)", "its size is 0"},
    {"DELETE FROM documents WHERE id = (SELECT rep_id FROM clusters ORDER BY size DESC LIMIT 1)",
     "does not exist"},
    {"UPDATE clusters SET rep_id = (SELECT id FROM documents d WHERE d.cluster_id = clusters.id "
     "ORDER BY coalesce(published_at, fetched_at) DESC LIMIT 1) "
     "WHERE id = (SELECT id FROM clusters ORDER BY size DESC LIMIT 1)",
     "its earliest member is document"},
    {"UPDATE clusters SET last_seen = last_seen + 1 WHERE id = (SELECT min(id) FROM clusters)",
     "but its members say"},
    {"UPDATE clusters SET story_id = 7777 WHERE id = (SELECT min(id) FROM clusters)",
     "is placed in story 7777, which does not exist"},
    {"UPDATE clusters SET story_similarity = 2.5 WHERE id = (SELECT min(id) FROM clusters)",
     "its similarity to its story is 2.5"},
    {"UPDATE stories SET size = size + 3 WHERE id = (SELECT min(id) FROM stories)", "placed in it"},
    {"UPDATE stories SET first_seen = 5 WHERE id = (SELECT min(id) FROM stories)",
     "but its clusters say"},
    {"DELETE FROM story_profiles", "but has no story profile"},
    {"UPDATE documents SET match_kind = 7 WHERE id = 2", "document 2: its match kind is 7"},
    {"UPDATE documents SET word_count = 'many' WHERE id = 2", "its word count is 'many'"},
    {"UPDATE documents SET published_at = 'soon' WHERE id = 2", "its publication time is 'soon'"},
    {"UPDATE documents SET content_hash = x'00' WHERE id = 2", "content hash is not 16 bytes"},
    {"UPDATE documents SET doc_key = doc_key || '#' WHERE id = 3",
     "document 3: its key hash is not the hash of its key"},
    {"UPDATE documents SET text = CAST(x'48c3ff20776f726473' AS TEXT) WHERE id = 3",
     "document 3: its text is not UTF-8"},
    {"UPDATE documents SET content_hash = zeroblob(16) WHERE id = 4",
     "document 4: its content hash is not the one in its fingerprint"},
    {"UPDATE signatures SET fprint = substr(fprint, 1, 40) WHERE doc_id = 4",
     "the fingerprint of document 4 does not unpack"},
    {"UPDATE story_profiles SET profile = x'0102030405' WHERE doc_id = 1",
     "the story profile of document 1 does not unpack"},
    {"DELETE FROM documents WHERE id = 5", "signatures row 5 refers to a row of documents"},
    {"UPDATE meta SET value = 'v9;junk' WHERE key = 'fingerprint'",
     "the fingerprint settings in meta do not read"},
};

static void test_each_damage_is_reported(void **state)
{
    struct wc_test_tmpdir *f = *state;
    char pristine[192], cmd[512];
    wc_store_check_counts n;
    struct told t;
    size_t i;

    snprintf(pristine, sizeof(pristine), "%s/pristine.db", f->dir);
    build(pristine);
    for (i = 0; i < sizeof(damages) / sizeof(damages[0]); i++) {
        snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", pristine, f->path);
        assert_int_equal(system(cmd), 0);
        sql_exec(f->path, damages[i].sql);
        if (check(f->path, &t, &n) != WC_ERR_CORRUPT || !strstr(t.text, damages[i].want))
            fail_msg("after %s: want '%s' among:\n%s", damages[i].sql, damages[i].want, t.text);
        assert_int_equal(n.problems, t.n);
    }
}

/* Past WC_STORE_CHECK_SHOWN problems of one kind, one more line counts the rest. */
static void test_many_problems_are_counted_not_all_told(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store_check_counts n;
    struct told t;
    int64_t docs;
    char want[64];

    build(f->path);
    docs = sql_int(f->path, "SELECT count(*) FROM documents");
    assert_true(docs > WC_STORE_CHECK_SHOWN);
    sql_exec(f->path, "UPDATE documents SET doc_key = doc_key || '#'");
    assert_int_equal(check(f->path, &t, &n), WC_ERR_CORRUPT);
    assert_int_equal(n.problems, docs);
    assert_int_equal(t.n, WC_STORE_CHECK_SHOWN + 1);
    snprintf(want, sizeof(want), "... and %lld more like the one above\n",
             (long long)(docs - WC_STORE_CHECK_SHOWN));
    assert_non_null(strstr(t.text, want));
}

/*
 * Bytes of the clusters table's page overwritten (its cells sit at the end
 * of the page): SQLite's own check finds it, the rules it stops are said
 * to be unfinished, and the check still ends with WC_ERR_CORRUPT.
 */
static void test_a_damaged_page_is_reported(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store_check_counts n;
    struct told t;
    int64_t page, size;
    FILE *fp;
    char junk[256];

    build(f->path);
    page = sql_int(f->path, "SELECT rootpage FROM sqlite_schema WHERE name = 'clusters'");
    size = sql_int(f->path, "PRAGMA page_size");
    memset(junk, 0xff, sizeof(junk));
    fp = fopen(f->path, "r+b");
    assert_non_null(fp);
    /* the whole table is its root page: a leaf of a table b-tree (type byte 13) */
    assert_int_equal(fseek(fp, (long)((page - 1) * size), SEEK_SET), 0);
    assert_int_equal(fgetc(fp), 13);
    assert_int_equal(fseek(fp, (long)(page * size - (int64_t)sizeof(junk)), SEEK_SET), 0);
    assert_int_equal(fwrite(junk, 1, sizeof(junk), fp), sizeof(junk));
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(check(f->path, &t, &n), WC_ERR_CORRUPT);
    assert_non_null(strstr(t.text, "SQLite: "));
    assert_non_null(strstr(t.text, "cannot finish"));
    assert_true(n.problems >= 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        WC_TEST_IN_TMPDIR(test_a_whole_database_is_whole),
        WC_TEST_IN_TMPDIR(test_each_damage_is_reported),
        WC_TEST_IN_TMPDIR(test_many_problems_are_counted_not_all_told),
        WC_TEST_IN_TMPDIR(test_a_damaged_page_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
