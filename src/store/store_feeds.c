/*
 * store_feeds.c - the SQL of followed feeds and their entries (see
 * store_feeds.h; the tables come from migration 2 in store.c).
 *
 * Every statement here is prepared once per handle into the store's
 * extra slots (s->xst[]), from STORE_XST_FEEDS (store_internal.h). The two
 * iterators prepare their own statement, so an iteration can run while
 * the slots are used.
 *
 * Design notes:
 *  - Entry rows are written with INSERT ... SELECT ... WHERE EXISTS (the
 *    feed): a feed removed by `wirecopy feeds remove` while `follow
 *    --watch` runs makes its late entries vanish quietly instead of
 *    failing the writer's whole transaction on the foreign key.
 *  - An upsert keeps first_seen: it is when the entry was first dealt
 *    with, which bounds how long a failed article page is retried.
 *  - A permanent redirect onto a URL another feed already has cannot
 *    rename the row (url is UNIQUE); the caller learns which feed holds
 *    it and decides (follow retires the duplicate with a message).
 */
#include "store_internal.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum xstmt_id {
    XS_FEED_FIND,
    XS_FEED_INSERT,
    XS_FEED_FILL,
    XS_FEED_REACTIVATE,
    XS_FEED_REMOVE,
    XS_FEED_UPDATE,
    XS_FEED_TAKEN,
    XS_FEED_MOVE,
    XS_FEED_DEFER,
    XS_ENTRY_PUT,
    XS_COUNT
};

_Static_assert(STORE_XST_FEEDS + XS_COUNT <= STORE_XST_STORIES,
               "grow the feeds' range of wc_store.xst in store_internal.h");

static const char *const xsql[XS_COUNT] = {
    [XS_FEED_FIND] = "SELECT id, state FROM feeds WHERE url = ?1",
    [XS_FEED_INSERT] =
        "INSERT INTO feeds(url, title, list_origin, added_at) VALUES (?1, ?2, ?3, ?4)",
    [XS_FEED_FILL] = "UPDATE feeds SET title = coalesce(title, ?2), "
                     "list_origin = coalesce(list_origin, ?3) WHERE id = ?1",
    /* re-added by hand: active, due now, the failure history forgotten */
    [XS_FEED_REACTIVATE] = "UPDATE feeds SET state = 'active', next_fetch_at = NULL, "
                           "error_count = 0, last_error = NULL WHERE id = ?1",
    [XS_FEED_REMOVE] = "DELETE FROM feeds WHERE url = ?1",
    [XS_FEED_UPDATE] =
        "UPDATE feeds SET title = coalesce(?2, title), site_url = coalesce(?3, site_url), "
        "etag = ?4, last_modified = ?5, last_fetch_at = ?6, "
        "last_success_at = coalesce(?7, last_success_at), next_fetch_at = ?8, interval_s = ?9, "
        "error_count = ?10, last_status = ?11, last_error = ?12, "
        "state = CASE WHEN ?13 THEN 'retired' ELSE state END, "
        "fetch_pages = coalesce(?14, fetch_pages) WHERE id = ?1",
    [XS_FEED_TAKEN] = "SELECT id FROM feeds WHERE url = ?2 AND id <> ?1",
    [XS_FEED_MOVE] = "UPDATE feeds SET url = ?2 WHERE id = ?1",
    [XS_FEED_DEFER] = "UPDATE feeds SET next_fetch_at = ?2 WHERE id = ?1 AND state = 'active' "
                      "AND (next_fetch_at IS NULL OR next_fetch_at < ?2)",
    [XS_ENTRY_PUT] =
        "INSERT INTO feed_entries(feed_id, entry_key, link, doc_id, first_seen, state) "
        "SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM feeds WHERE id = ?1) "
        "ON CONFLICT(feed_id, entry_key) DO UPDATE SET link = coalesce(excluded.link, link), "
        "doc_id = coalesce(excluded.doc_id, doc_id), state = excluded.state",
};

static sqlite3_stmt *xstmt(wc_store *s, enum xstmt_id id, wc_error *err)
{
    return store_prepare(s, &s->xst[STORE_XST_FEEDS + id], xsql[id], err);
}

#define FAIL_PREPARE(err) ((err) && (err)->code ? (err)->code : WC_ERR_DB)

/* --- feeds ------------------------------------------------------------------ */

wc_status wc_store_feed_add(wc_store *s, const char *url, const char *title,
                            const char *list_origin, unsigned flags, int64_t now, int64_t *id,
                            enum wc_feed_add_result *result, wc_error *err)
{
    sqlite3_stmt *q;
    wc_status st;
    int rc;
    bool retired = false;

    *id = 0;
    if (result)
        *result = WC_FEED_EXISTED;
    if (!url || !*url)
        return wc_error_set(err, WC_ERR_USAGE, "no feed URL given");
    if (!(q = xstmt(s, XS_FEED_FIND, err)))
        return FAIL_PREPARE(err);
    sqlite3_bind_text(q, 1, url, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        const char *state = store_col_text(q, 1);
        *id = sqlite3_column_int64(q, 0);
        retired = state && strcmp(state, "retired") == 0;
    }
    store_done(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_db_error(s, rc, err, "looking up a feed");

    if (*id) {
        if ((title || list_origin)) {
            if (!(q = xstmt(s, XS_FEED_FILL, err)))
                return FAIL_PREPARE(err);
            sqlite3_bind_int64(q, 1, *id);
            store_bind_text(q, 2, title);
            store_bind_text(q, 3, list_origin);
            if ((st = store_run(s, q, err, "updating a feed")))
                return st;
        }
        if (retired && (flags & WC_FEED_ADD_REACTIVATE)) {
            if (!(q = xstmt(s, XS_FEED_REACTIVATE, err)))
                return FAIL_PREPARE(err);
            sqlite3_bind_int64(q, 1, *id);
            if ((st = store_run(s, q, err, "re-activating a feed")))
                return st;
            if (result)
                *result = WC_FEED_REACTIVATED;
        }
        return WC_OK;
    }
    if (!(q = xstmt(s, XS_FEED_INSERT, err)))
        return FAIL_PREPARE(err);
    sqlite3_bind_text(q, 1, url, -1, SQLITE_STATIC);
    store_bind_text(q, 2, title);
    store_bind_text(q, 3, list_origin);
    sqlite3_bind_int64(q, 4, now);
    if ((st = store_run(s, q, err, "adding a feed")))
        return st;
    *id = sqlite3_last_insert_rowid(s->db);
    if (result)
        *result = WC_FEED_ADDED;
    return WC_OK;
}

wc_status wc_store_feed_remove(wc_store *s, const char *url, wc_error *err)
{
    sqlite3_stmt *q = xstmt(s, XS_FEED_REMOVE, err);
    wc_status st;

    if (!q)
        return FAIL_PREPARE(err);
    sqlite3_bind_text(q, 1, url, -1, SQLITE_STATIC);
    if ((st = store_run(s, q, err, "removing a feed")))
        return st;
    if (sqlite3_changes(s->db) == 0)
        return wc_error_set(err, WC_ERR_NOTFOUND, "no feed '%s' in '%s'", url, s->path);
    return WC_OK;
}

struct wc_feed_iter {
    wc_store *s;
    sqlite3_stmt *q;
};

/* Columns in the order wc_feed_iter_next reads them. */
#define FEED_COLUMNS                                                                               \
    "f.id, f.url, f.title, f.site_url, f.list_origin, f.etag, f.last_modified, f.last_fetch_at, "  \
    "f.last_success_at, f.next_fetch_at, f.interval_s, f.error_count, f.last_status, "             \
    "f.last_error, f.state, f.fetch_pages, f.added_at, "                                           \
    "(SELECT count(*) FROM feed_entries e WHERE e.feed_id = f.id AND e.doc_id IS NOT NULL)"

wc_status wc_store_feeds(wc_store *s, const char *url, wc_feed_iter **out, wc_error *err)
{
    static const char sql_all[] = "SELECT " FEED_COLUMNS " FROM feeds f ORDER BY f.id";
    static const char sql_one[] = "SELECT " FEED_COLUMNS " FROM feeds f WHERE f.url = ?1";
    wc_feed_iter *it;
    int rc;

    *out = NULL;
    if (!(it = calloc(1, sizeof(*it))))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    it->s = s;
    rc = sqlite3_prepare_v2(s->db, url ? sql_one : sql_all, -1, &it->q, NULL);
    if (rc != SQLITE_OK) {
        free(it);
        return store_db_error(s, rc, err, "listing feeds");
    }
    if (url)
        sqlite3_bind_text(it->q, 1, url, -1, SQLITE_TRANSIENT);
    *out = it;
    return WC_OK;
}

static int64_t col_i64(sqlite3_stmt *q, int i, int64_t null_value)
{
    return sqlite3_column_type(q, i) == SQLITE_NULL ? null_value : sqlite3_column_int64(q, i);
}

wc_status wc_feed_iter_next(wc_feed_iter *it, wc_feed_row *row, wc_error *err)
{
    sqlite3_stmt *q = it->q;
    const char *state;
    int rc = sqlite3_step(q);

    if (rc == SQLITE_DONE)
        return WC_DONE;
    if (rc != SQLITE_ROW)
        return store_db_error(it->s, rc, err, "listing feeds");
    memset(row, 0, sizeof(*row));
    row->id = sqlite3_column_int64(q, 0);
    row->url = store_col_text(q, 1);
    row->title = store_col_text(q, 2);
    row->site_url = store_col_text(q, 3);
    row->list_origin = store_col_text(q, 4);
    row->etag = store_col_text(q, 5);
    row->last_modified = store_col_text(q, 6);
    row->last_fetch_at = store_col_time(q, 7);
    row->last_success_at = store_col_time(q, 8);
    row->next_fetch_at = store_col_time(q, 9);
    row->interval = col_i64(q, 10, 0);
    row->error_count = col_i64(q, 11, 0);
    row->last_status = (long)col_i64(q, 12, -1);
    row->last_error = store_col_text(q, 13);
    state = store_col_text(q, 14);
    row->retired = state && strcmp(state, "retired") == 0;
    row->fetch_pages = (int)col_i64(q, 15, -1);
    row->added_at = store_col_time(q, 16);
    row->articles = col_i64(q, 17, 0);
    return WC_OK;
}

void wc_feed_iter_free(wc_feed_iter *it)
{
    if (!it)
        return;
    sqlite3_finalize(it->q);
    free(it);
}

wc_status wc_store_feed_update(wc_store *s, const wc_feed_update *u, wc_error *err)
{
    sqlite3_stmt *q = xstmt(s, XS_FEED_UPDATE, err);
    wc_status st;

    if (!q)
        return FAIL_PREPARE(err);
    sqlite3_bind_int64(q, 1, u->id);
    store_bind_text(q, 2, u->title);
    store_bind_text(q, 3, u->site_url);
    store_bind_text(q, 4, u->etag);
    store_bind_text(q, 5, u->last_modified);
    store_bind_time(q, 6, u->fetched_at);
    store_bind_time(q, 7, u->success_at);
    store_bind_time(q, 8, u->next_fetch_at);
    if (u->interval > 0)
        sqlite3_bind_int64(q, 9, u->interval);
    sqlite3_bind_int64(q, 10, u->error_count);
    sqlite3_bind_int64(q, 11, u->status);
    store_bind_text(q, 12, u->error);
    sqlite3_bind_int(q, 13, u->retire ? 1 : 0);
    if (u->fetch_pages >= 0)
        sqlite3_bind_int(q, 14, u->fetch_pages ? 1 : 0);
    if ((st = store_run(s, q, err, "saving a feed's state")))
        return st;
    if (sqlite3_changes(s->db) == 0)
        return wc_error_set(err, WC_ERR_NOTFOUND, "feed %lld is no longer in '%s'",
                            (long long)u->id, s->path);
    return WC_OK;
}

wc_status wc_store_feed_move(wc_store *s, int64_t id, const char *url, int64_t *taken_by,
                             wc_error *err)
{
    sqlite3_stmt *q = xstmt(s, XS_FEED_TAKEN, err);
    int rc;

    *taken_by = 0;
    if (!q)
        return FAIL_PREPARE(err);
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, url, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *taken_by = sqlite3_column_int64(q, 0);
    store_done(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_db_error(s, rc, err, "looking up a feed");
    if (*taken_by)
        return WC_OK;
    if (!(q = xstmt(s, XS_FEED_MOVE, err)))
        return FAIL_PREPARE(err);
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, url, -1, SQLITE_STATIC);
    return store_run(s, q, err, "moving a feed");
}

wc_status wc_store_feed_defer(wc_store *s, int64_t id, int64_t until, wc_error *err)
{
    sqlite3_stmt *q = xstmt(s, XS_FEED_DEFER, err);

    if (!q)
        return FAIL_PREPARE(err);
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, until);
    return store_run(s, q, err, "deferring a feed");
}

/* --- entries ------------------------------------------------------------------ */

/* The column's text of a state: the only place the names are spelt. */
static const char *entry_state_text(wc_entry_state st)
{
    switch (st) {
    case WC_ENTRY_STORED:
        return "stored";
    case WC_ENTRY_FAILED:
        return "failed";
    case WC_ENTRY_SKIPPED:
        break;
    }
    return "skipped";
}

/* And back; NULL or a name this version does not know reads as stored (as it always has). */
static wc_entry_state entry_state_from_text(const char *t)
{
    if (t && !strcmp(t, "failed"))
        return WC_ENTRY_FAILED;
    if (t && !strcmp(t, "skipped"))
        return WC_ENTRY_SKIPPED;
    return WC_ENTRY_STORED;
}

wc_status wc_store_feed_entry_put(wc_store *s, int64_t feed_id, const char *entry_key,
                                  const char *link, int64_t doc_id, wc_entry_state state,
                                  int64_t now, wc_error *err)
{
    sqlite3_stmt *q = xstmt(s, XS_ENTRY_PUT, err);

    if (!q)
        return FAIL_PREPARE(err);
    sqlite3_bind_int64(q, 1, feed_id);
    sqlite3_bind_text(q, 2, entry_key, -1, SQLITE_STATIC);
    store_bind_text(q, 3, link);
    if (doc_id > 0)
        sqlite3_bind_int64(q, 4, doc_id);
    sqlite3_bind_int64(q, 5, now);
    sqlite3_bind_text(q, 6, entry_state_text(state), -1, SQLITE_STATIC);
    return store_run(s, q, err, "recording a feed entry");
}

wc_status wc_store_feed_entries(wc_store *s, wc_feed_entry_fn fn, void *ctx, wc_error *err)
{
    static const char sql[] = "SELECT feed_id, entry_key, link, doc_id, first_seen, state "
                              "FROM feed_entries ORDER BY feed_id, entry_key";
    sqlite3_stmt *q;
    wc_feed_entry_row row;
    wc_status st = WC_OK;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);

    if (rc != SQLITE_OK)
        return store_db_error(s, rc, err, "reading feed entries");
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        row.feed_id = sqlite3_column_int64(q, 0);
        row.entry_key = store_col_text(q, 1);
        row.link = store_col_text(q, 2);
        row.doc_id = col_i64(q, 3, 0);
        row.first_seen = col_i64(q, 4, 0);
        row.state = entry_state_from_text(store_col_text(q, 5));
        if (!row.entry_key)
            continue;
        if ((st = fn(ctx, &row)))
            break;
    }
    if (!st && rc != SQLITE_DONE)
        st = store_db_error(s, rc, err, "reading feed entries");
    sqlite3_finalize(q);
    return st;
}
