/*
 * test_store_feeds.c - the feeds and feed_entries SQL: adding (and what an
 * existing or retired row keeps), reading back every field, a fetch's
 * update (what NULL keeps and what it clears), permanent moves onto free
 * and taken URLs, Retry-After deferral, entry rows (upsert keeps
 * first_seen, rows for a removed feed vanish quietly), entry states (an
 * enum in code, the same TEXT in the column as before), removal cascading.
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

#include "wirecopy/store.h"
#include "wirecopy/store_feeds.h"

#define NONE INT64_MIN

struct fixture {
    char dir[64];
    char path[128];
    wc_store *s;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    wc_error err = WC_ERROR_INIT;

    snprintf(f->dir, sizeof(f->dir), "/tmp/wc-test-store-feeds-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    if (wc_store_open(f->path, WC_STORE_WRITER, 1000, &f->s, &err) != WC_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[160];

    wc_store_close(f->s);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* One integer from a query on a second connection (what another process would see). */
static int64_t sql_int(const struct fixture *f, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    int64_t v = -999;

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_type(q, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

/* Read one feed by URL into row (strings copied into the static buffers below). */
static char s_url[256], s_title[256], s_list[256], s_etag[64], s_lm[64], s_err[256], s_site[256];

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "(null)");
}

static wc_status get_feed(wc_store *s, const char *url, wc_feed_row *row)
{
    wc_feed_iter *it = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_status st;

    assert_int_equal(wc_store_feeds(s, url, &it, &err), WC_OK);
    st = wc_feed_iter_next(it, row, &err);
    if (st == WC_OK) {
        copy(s_url, sizeof(s_url), row->url);
        copy(s_title, sizeof(s_title), row->title);
        copy(s_list, sizeof(s_list), row->list_origin);
        copy(s_etag, sizeof(s_etag), row->etag);
        copy(s_lm, sizeof(s_lm), row->last_modified);
        copy(s_err, sizeof(s_err), row->last_error);
        copy(s_site, sizeof(s_site), row->site_url);
        assert_int_equal(wc_feed_iter_next(it, row, &err), WC_DONE);
    }
    wc_feed_iter_free(it);
    return st;
}

static int64_t add(wc_store *s, const char *url, const char *title, const char *list,
                   unsigned flags, enum wc_feed_add_result *res)
{
    wc_error err = WC_ERROR_INIT;
    int64_t id = 0;

    assert_int_equal(wc_store_feed_add(s, url, title, list, flags, 1000, &id, res, &err), WC_OK);
    assert_true(id > 0);
    return id;
}

static void test_add_existing_and_fresh_row(void **state)
{
    struct fixture *f = *state;
    enum wc_feed_add_result res;
    wc_feed_row row;
    int64_t a, b;
    wc_error err = WC_ERROR_INIT;

    a = add(f->s, "http://a.example/feed", NULL, NULL, 0, &res);
    assert_int_equal(res, WC_FEED_ADDED);
    b = add(f->s, "http://b.example/rss", "B news", "/lists/b.opml", 0, &res);
    assert_int_equal(res, WC_FEED_ADDED);
    assert_true(b != a);
    /* the same URL again: same row; empty fields filled, set ones kept */
    assert_int_equal(add(f->s, "http://a.example/feed", "A title", "/lists/a.txt", 0, &res), a);
    assert_int_equal(res, WC_FEED_EXISTED);
    assert_int_equal(add(f->s, "http://b.example/rss", "Other", "/lists/other.txt", 0, &res), b);
    assert_int_equal(get_feed(f->s, "http://a.example/feed", &row), WC_OK);
    assert_string_equal(s_title, "A title");
    assert_string_equal(s_list, "/lists/a.txt");
    assert_int_equal(get_feed(f->s, "http://b.example/rss", &row), WC_OK);
    assert_string_equal(s_title, "B news");
    assert_string_equal(s_list, "/lists/b.opml");

    /* a fresh row: never fetched, due now, undecided, active */
    assert_int_equal(row.id, b);
    assert_int_equal(row.last_fetch_at, NONE);
    assert_int_equal(row.last_success_at, NONE);
    assert_int_equal(row.next_fetch_at, NONE);
    assert_int_equal(row.last_status, -1);
    assert_int_equal(row.interval, 0);
    assert_int_equal(row.error_count, 0);
    assert_int_equal(row.fetch_pages, -1);
    assert_false(row.retired);
    assert_int_equal(row.added_at, 1000);
    assert_int_equal(row.articles, 0);
    assert_string_equal(s_etag, "(null)");

    assert_int_equal(get_feed(f->s, "http://nothing.example/", &row), WC_DONE);
    assert_int_equal(wc_store_feed_add(f->s, "", NULL, NULL, 0, 1, &a, NULL, &err), WC_ERR_USAGE);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM feeds"), 2);
}

static wc_feed_update an_update(int64_t id)
{
    wc_feed_update u;

    memset(&u, 0, sizeof(u));
    u.id = id;
    u.title = "Feed title";
    u.site_url = "http://a.example/";
    u.etag = "\"abc\"";
    u.last_modified = "Mon, 06 Apr 2026 09:00:00 GMT";
    u.fetched_at = 5000;
    u.success_at = 5000;
    u.next_fetch_at = 8600;
    u.interval = 3600;
    u.error_count = 0;
    u.status = 200;
    u.error = NULL;
    u.fetch_pages = 1;
    return u;
}

static void test_update_roundtrip_and_what_null_keeps(void **state)
{
    struct fixture *f = *state;
    wc_feed_update u;
    wc_feed_row row;
    wc_error err = WC_ERROR_INIT;
    int64_t id = add(f->s, "http://a.example/feed", "List title", NULL, 0, NULL);

    u = an_update(id);
    assert_int_equal(wc_store_feed_update(f->s, &u, &err), WC_OK);
    assert_int_equal(get_feed(f->s, "http://a.example/feed", &row), WC_OK);
    assert_string_equal(s_title, "Feed title"); /* the feed's own title replaces the list's */
    assert_string_equal(s_site, "http://a.example/");
    assert_string_equal(s_etag, "\"abc\"");
    assert_string_equal(s_lm, "Mon, 06 Apr 2026 09:00:00 GMT");
    assert_int_equal(row.last_fetch_at, 5000);
    assert_int_equal(row.last_success_at, 5000);
    assert_int_equal(row.next_fetch_at, 8600);
    assert_int_equal(row.interval, 3600);
    assert_int_equal(row.last_status, 200);
    assert_int_equal(row.fetch_pages, 1);
    assert_string_equal(s_err, "(null)");

    /* a failure: title, site, success time and fetch_pages kept; validators as given; error set */
    u.title = u.site_url = NULL;
    u.success_at = NONE;
    u.fetch_pages = -1;
    u.fetched_at = 9000;
    u.status = 500;
    u.error = "HTTP 500 from 'http://a.example/feed'";
    u.error_count = 1;
    u.next_fetch_at = 16200;
    assert_int_equal(wc_store_feed_update(f->s, &u, &err), WC_OK);
    assert_int_equal(get_feed(f->s, "http://a.example/feed", &row), WC_OK);
    assert_string_equal(s_title, "Feed title");
    assert_string_equal(s_site, "http://a.example/");
    assert_int_equal(row.last_success_at, 5000);
    assert_int_equal(row.last_fetch_at, 9000);
    assert_int_equal(row.fetch_pages, 1);
    assert_int_equal(row.error_count, 1);
    assert_int_equal(row.last_status, 500);
    assert_string_equal(s_err, "HTTP 500 from 'http://a.example/feed'");

    /* a success clears the error; NULL validators clear them (a capped fetch) */
    u = an_update(id);
    u.etag = u.last_modified = NULL;
    u.fetch_pages = 0;
    assert_int_equal(wc_store_feed_update(f->s, &u, &err), WC_OK);
    assert_int_equal(get_feed(f->s, "http://a.example/feed", &row), WC_OK);
    assert_string_equal(s_err, "(null)");
    assert_string_equal(s_etag, "(null)");
    assert_string_equal(s_lm, "(null)");
    assert_int_equal(row.error_count, 0);
    assert_int_equal(row.fetch_pages, 0);

    /* a feed that is gone */
    u.id = id + 100;
    assert_int_equal(wc_store_feed_update(f->s, &u, &err), WC_ERR_NOTFOUND);
}

static void test_retire_and_reactivate(void **state)
{
    struct fixture *f = *state;
    wc_feed_update u;
    wc_feed_row row;
    enum wc_feed_add_result res;
    wc_error err = WC_ERROR_INIT;
    int64_t id = add(f->s, "http://gone.example/feed", NULL, "/l.txt", 0, NULL);

    u = an_update(id);
    u.status = 410;
    u.retire = true;
    u.next_fetch_at = NONE;
    u.error = "HTTP 410 Gone";
    u.error_count = 1;
    assert_int_equal(wc_store_feed_update(f->s, &u, &err), WC_OK);
    assert_int_equal(get_feed(f->s, "http://gone.example/feed", &row), WC_OK);
    assert_true(row.retired);
    assert_int_equal(row.next_fetch_at, NONE);

    /* a list naming it again does not bring it back */
    assert_int_equal(add(f->s, "http://gone.example/feed", NULL, "/l.txt", 0, &res), id);
    assert_int_equal(res, WC_FEED_EXISTED);
    assert_int_equal(get_feed(f->s, "http://gone.example/feed", &row), WC_OK);
    assert_true(row.retired);

    /* added again by hand: active, due now, failures forgotten, history kept */
    assert_int_equal(
        add(f->s, "http://gone.example/feed", NULL, NULL, WC_FEED_ADD_REACTIVATE, &res), id);
    assert_int_equal(res, WC_FEED_REACTIVATED);
    assert_int_equal(get_feed(f->s, "http://gone.example/feed", &row), WC_OK);
    assert_false(row.retired);
    assert_int_equal(row.next_fetch_at, NONE);
    assert_int_equal(row.error_count, 0);
    assert_string_equal(s_err, "(null)");
    assert_int_equal(row.last_status, 410);
    assert_string_equal(s_etag, "\"abc\"");

    /* re-adding an active feed with the flag changes nothing */
    add(f->s, "http://gone.example/feed", NULL, NULL, WC_FEED_ADD_REACTIVATE, &res);
    assert_int_equal(res, WC_FEED_EXISTED);
}

static void test_move_onto_free_and_taken_urls(void **state)
{
    struct fixture *f = *state;
    wc_feed_row row;
    wc_error err = WC_ERROR_INIT;
    int64_t a = add(f->s, "http://old.example/feed", NULL, NULL, 0, NULL);
    int64_t b = add(f->s, "https://taken.example/feed", NULL, NULL, 0, NULL);
    int64_t taken = -1;

    assert_int_equal(wc_store_feed_move(f->s, a, "https://new.example/feed", &taken, &err), WC_OK);
    assert_int_equal(taken, 0);
    assert_int_equal(get_feed(f->s, "http://old.example/feed", &row), WC_DONE);
    assert_int_equal(get_feed(f->s, "https://new.example/feed", &row), WC_OK);
    assert_int_equal(row.id, a);

    assert_int_equal(wc_store_feed_move(f->s, a, "https://taken.example/feed", &taken, &err),
                     WC_OK);
    assert_int_equal(taken, b);
    assert_int_equal(get_feed(f->s, "https://new.example/feed", &row), WC_OK);
    assert_int_equal(row.id, a);

    /* moving onto its own URL is no collision */
    assert_int_equal(wc_store_feed_move(f->s, a, "https://new.example/feed", &taken, &err), WC_OK);
    assert_int_equal(taken, 0);
}

static void test_defer_only_raises(void **state)
{
    struct fixture *f = *state;
    wc_feed_update u;
    wc_feed_row row;
    wc_error err = WC_ERROR_INIT;
    int64_t a = add(f->s, "http://h.example/a", NULL, NULL, 0, NULL);
    int64_t b = add(f->s, "http://h.example/b", NULL, NULL, 0, NULL);

    assert_int_equal(wc_store_feed_defer(f->s, a, 7000, &err), WC_OK); /* NULL -> 7000 */
    assert_int_equal(get_feed(f->s, "http://h.example/a", &row), WC_OK);
    assert_int_equal(row.next_fetch_at, 7000);
    assert_int_equal(wc_store_feed_defer(f->s, a, 6000, &err), WC_OK); /* never earlier */
    assert_int_equal(get_feed(f->s, "http://h.example/a", &row), WC_OK);
    assert_int_equal(row.next_fetch_at, 7000);
    assert_int_equal(wc_store_feed_defer(f->s, a, 9000, &err), WC_OK);
    assert_int_equal(get_feed(f->s, "http://h.example/a", &row), WC_OK);
    assert_int_equal(row.next_fetch_at, 9000);

    /* a retired feed stays never-due */
    u = an_update(b);
    u.retire = true;
    u.next_fetch_at = NONE;
    assert_int_equal(wc_store_feed_update(f->s, &u, &err), WC_OK);
    assert_int_equal(wc_store_feed_defer(f->s, b, 9000, &err), WC_OK);
    assert_int_equal(get_feed(f->s, "http://h.example/b", &row), WC_OK);
    assert_int_equal(row.next_fetch_at, NONE);
}

struct seen {
    int n;
    int64_t feed[8], doc[8], first[8];
    char key[8][64], link[8][64];
    wc_entry_state state[8];
    int stop_after;
};

static wc_status collect(void *ctx, const wc_feed_entry_row *r)
{
    struct seen *s = ctx;

    if (s->n == 8)
        return WC_ERR_LIMIT;
    s->feed[s->n] = r->feed_id;
    s->doc[s->n] = r->doc_id;
    s->first[s->n] = r->first_seen;
    snprintf(s->key[s->n], sizeof(s->key[0]), "%s", r->entry_key);
    s->state[s->n] = r->state;
    snprintf(s->link[s->n], sizeof(s->link[0]), "%s", r->link ? r->link : "(null)");
    s->n++;
    return s->stop_after && s->n == s->stop_after ? WC_ERR_INTERRUPTED : WC_OK;
}

static void test_entries_upsert_and_listing(void **state)
{
    struct fixture *f = *state;
    struct seen s;
    wc_feed_row row;
    wc_error err = WC_ERROR_INIT;
    int64_t a = add(f->s, "http://a.example/feed", NULL, NULL, 0, NULL);
    int64_t b = add(f->s, "http://b.example/feed", NULL, NULL, 0, NULL);

    assert_int_equal(wc_store_feed_entry_put(f->s, b, "b-2", "http://b.example/2", 7,
                                             WC_ENTRY_STORED, 100, &err),
                     WC_OK);
    assert_int_equal(wc_store_feed_entry_put(f->s, a, "a-1", "http://a.example/1", 0,
                                             WC_ENTRY_FAILED, 100, &err),
                     WC_OK);
    assert_int_equal(wc_store_feed_entry_put(f->s, a, "a-0", NULL, 0, WC_ENTRY_SKIPPED, 150, &err),
                     WC_OK);
    /* the failed entry is retried and stored: first_seen kept, doc and state new */
    assert_int_equal(wc_store_feed_entry_put(f->s, a, "a-1", NULL, 9, WC_ENTRY_STORED, 300, &err),
                     WC_OK);
    /* a row with a document keeps it when a later write has none */
    assert_int_equal(wc_store_feed_entry_put(f->s, b, "b-2", NULL, 0, WC_ENTRY_STORED, 400, &err),
                     WC_OK);
    /* a feed that does not exist: nothing written, no error */
    assert_int_equal(wc_store_feed_entry_put(f->s, 999, "x", NULL, 1, WC_ENTRY_STORED, 1, &err),
                     WC_OK);

    memset(&s, 0, sizeof(s));
    assert_int_equal(wc_store_feed_entries(f->s, collect, &s, &err), WC_OK);
    assert_int_equal(s.n, 3);
    /* feed_id, entry_key order */
    assert_int_equal(s.feed[0], a);
    assert_string_equal(s.key[0], "a-0");
    assert_int_equal(s.state[0], WC_ENTRY_SKIPPED);
    assert_int_equal(s.doc[0], 0);
    assert_string_equal(s.link[0], "(null)");
    assert_string_equal(s.key[1], "a-1");
    assert_int_equal(s.first[1], 100);
    assert_int_equal(s.doc[1], 9);
    assert_int_equal(s.state[1], WC_ENTRY_STORED);
    assert_string_equal(s.link[1], "http://a.example/1"); /* kept when the update gave none */
    assert_int_equal(s.feed[2], b);
    assert_int_equal(s.doc[2], 7);

    /* the callback can stop the walk */
    memset(&s, 0, sizeof(s));
    s.stop_after = 1;
    assert_int_equal(wc_store_feed_entries(f->s, collect, &s, &err), WC_ERR_INTERRUPTED);
    assert_int_equal(s.n, 1);

    /* articles: entries with a document */
    assert_int_equal(get_feed(f->s, "http://a.example/feed", &row), WC_OK);
    assert_int_equal(row.articles, 1);
    assert_int_equal(get_feed(f->s, "http://b.example/feed", &row), WC_OK);
    assert_int_equal(row.articles, 1);
}

/* One SQL statement on a second connection (what an older wirecopy would have written). */
static void sql_exec(const struct fixture *f, const char *sql)
{
    sqlite3 *db;

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* The state is an enum in code and TEXT in the column, as databases already hold it. */
static void test_entry_state_column_stays_text(void **state)
{
    struct fixture *f = *state;
    struct seen s;
    wc_error err = WC_ERROR_INIT;
    int64_t a = add(f->s, "http://a.example/feed", NULL, NULL, 0, NULL);

    assert_int_equal(wc_store_feed_entry_put(f->s, a, "1", NULL, 0, WC_ENTRY_SKIPPED, 1, &err),
                     WC_OK);
    assert_int_equal(wc_store_feed_entry_put(f->s, a, "2", NULL, 5, WC_ENTRY_STORED, 1, &err),
                     WC_OK);
    assert_int_equal(wc_store_feed_entry_put(f->s, a, "3", NULL, 0, WC_ENTRY_FAILED, 1, &err),
                     WC_OK);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM feed_entries WHERE typeof(state) = 'text' "
                                "AND (entry_key, state) IN (VALUES ('1', 'skipped'), "
                                "('2', 'stored'), ('3', 'failed'))"),
                     3);
    /* rows an older version wrote: its texts, a NULL, and a name not known here */
    sql_exec(f, "INSERT INTO feed_entries(feed_id, entry_key, first_seen, state) VALUES "
                "(1, '4', 1, 'failed'), (1, '5', 1, NULL), (1, '6', 1, 'archived')");
    memset(&s, 0, sizeof(s));
    assert_int_equal(wc_store_feed_entries(f->s, collect, &s, &err), WC_OK);
    assert_int_equal(s.n, 6);
    assert_int_equal(s.state[0], WC_ENTRY_SKIPPED);
    assert_int_equal(s.state[1], WC_ENTRY_STORED);
    assert_int_equal(s.state[2], WC_ENTRY_FAILED);
    assert_int_equal(s.state[3], WC_ENTRY_FAILED);
    assert_int_equal(s.state[4], WC_ENTRY_STORED); /* NULL reads as stored, as it always did */
    assert_int_equal(s.state[5], WC_ENTRY_STORED);
}

static void test_remove_cascades_to_entries(void **state)
{
    struct fixture *f = *state;
    wc_error err = WC_ERROR_INIT;
    int64_t a = add(f->s, "http://a.example/feed", NULL, NULL, 0, NULL);
    int64_t b = add(f->s, "http://b.example/feed", NULL, NULL, 0, NULL);

    assert_int_equal(wc_store_feed_entry_put(f->s, a, "1", NULL, 0, WC_ENTRY_SKIPPED, 1, &err),
                     WC_OK);
    assert_int_equal(wc_store_feed_entry_put(f->s, a, "2", NULL, 0, WC_ENTRY_SKIPPED, 1, &err),
                     WC_OK);
    assert_int_equal(wc_store_feed_entry_put(f->s, b, "1", NULL, 0, WC_ENTRY_SKIPPED, 1, &err),
                     WC_OK);
    assert_int_equal(wc_store_feed_remove(f->s, "http://a.example/feed", &err), WC_OK);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM feeds"), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM feed_entries"), 1);
    assert_int_equal(wc_store_feed_remove(f->s, "http://a.example/feed", &err), WC_ERR_NOTFOUND);
    assert_non_null(strstr(err.msg, "http://a.example/feed"));
    /* entries of the removed feed can no longer be written */
    assert_int_equal(wc_store_feed_entry_put(f->s, a, "3", NULL, 0, WC_ENTRY_SKIPPED, 1, &err),
                     WC_OK);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM feed_entries"), 1);
}

static void test_writes_inside_a_transaction_roll_back(void **state)
{
    struct fixture *f = *state;
    wc_error err = WC_ERROR_INIT;
    int64_t a = add(f->s, "http://a.example/feed", NULL, NULL, 0, NULL), id;

    assert_int_equal(wc_store_begin(f->s, &err), WC_OK);
    assert_int_equal(wc_store_feed_entry_put(f->s, a, "1", NULL, 0, WC_ENTRY_SKIPPED, 1, &err),
                     WC_OK);
    assert_int_equal(
        wc_store_feed_add(f->s, "http://c.example/", NULL, NULL, 0, 1, &id, NULL, &err), WC_OK);
    wc_store_rollback(f->s);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM feed_entries"), 0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM feeds"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_existing_and_fresh_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_roundtrip_and_what_null_keeps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retire_and_reactivate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_onto_free_and_taken_urls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defer_only_raises, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entries_upsert_and_listing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entry_state_column_stays_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_cascades_to_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writes_inside_a_transaction_roll_back, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
