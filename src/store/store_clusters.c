/*
 * store_clusters.c - the rows of clusters, and the reads people make of
 * them: listings, one cluster, its members, the counts of `stats` (see
 * store.h; the tables come from migration 1 in store.c).
 *
 * A cluster's row (clusters: id, rep_id, size, first_seen, last_seen) is
 * derived data: everything in it follows from its members' rows. The
 * writer keeps it current as documents join, and recluster rebuilds it.
 *
 * The readers run beside a writer in another process (WAL): each iterator
 * prepares its own statement, which holds one read snapshot from its first
 * step to its finalisation, so a listing is consistent with itself; the
 * counts of `stats` are read in one transaction for the same reason.
 * Strings handed out are borrowed until the next call on the iterator.
 */
#include "store_internal.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The stored codes of WC_MATCH_EXACT and WC_MATCH_NEAR, as SQL literals. */
#define MATCH_EXACT_SQL "1"
#define MATCH_NEAR_SQL "2"
_Static_assert(WC_MATCH_EXACT == 1 && WC_MATCH_NEAR == 2, "MATCH_*_SQL name wc_match_kind's codes");

/* Sites listed per cluster in `clusters` before "...". */
#define STORE_MAX_SITES 6

enum cluster_stmt {
    ST_CLUSTER_SCAN,
    ST_CLUSTER_OLD_REP,
    ST_CLUSTER_UPSERT,
    ST_CLUSTER_DELETE,
    ST_CLUSTER_ADD,
    ST_SET_SIM,
    ST_CLUSTER_GET,
    ST_SITES,
    ST_CLUSTER_HEAD,
    ST_CLUSTER_GROW,
    ST_CLUSTERS_COUNT
};

_Static_assert(STORE_ST_CLUSTERS + ST_CLUSTERS_COUNT <= STORE_STMTS,
               "grow wc_store.st in store_internal.h");

static const char *const cluster_sql[ST_CLUSTERS_COUNT] = {
    /*
     * members in time order: published, else fetched; undated last. Among
     * equal times the longest text comes first: a cut copy is derived from
     * the full one, not the other way round.
     */
    [ST_CLUSTER_SCAN] = "SELECT id, coalesce(published_at, fetched_at) AS t FROM documents "
                        "WHERE cluster_id = ?1 ORDER BY t IS NULL, t, word_count DESC, id",
    [ST_CLUSTER_OLD_REP] = "SELECT rep_id FROM clusters WHERE id = ?1",
    [ST_CLUSTER_UPSERT] =
        "INSERT INTO clusters(id, rep_id, size, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT(id) DO UPDATE SET rep_id = excluded.rep_id, size = excluded.size, "
        "first_seen = excluded.first_seen, last_seen = excluded.last_seen",
    [ST_CLUSTER_DELETE] = "DELETE FROM clusters WHERE id = ?1",
    [ST_CLUSTER_ADD] = "INSERT INTO clusters(id, rep_id, size, first_seen, last_seen) "
                       "VALUES (?1, ?2, 1, ?3, ?3)",
    [ST_SET_SIM] = "UPDATE documents SET similarity = ?2 WHERE id = ?1",
    [ST_CLUSTER_HEAD] = "SELECT c.rep_id, c.first_seen, d.word_count FROM clusters c "
                        "JOIN documents d ON d.id = c.rep_id WHERE c.id = ?1",
    /* a member that sorts after the representative: size and last time only */
    [ST_CLUSTER_GROW] = "UPDATE clusters SET size = size + 1, last_seen = CASE "
                        "WHEN ?2 IS NULL THEN last_seen WHEN last_seen IS NULL OR ?2 > last_seen "
                        "THEN ?2 ELSE last_seen END WHERE id = ?1",
    [ST_CLUSTER_GET] = "SELECT c.id, c.size, c.rep_id, d.title, c.first_seen, c.last_seen "
                       "FROM clusters c LEFT JOIN documents d ON d.id = c.rep_id WHERE c.id = ?1",
    [ST_SITES] = "SELECT site FROM documents WHERE cluster_id = ?1 AND site IS NOT NULL "
                 "GROUP BY site ORDER BY min(coalesce(published_at, fetched_at)) IS NULL, "
                 "min(coalesce(published_at, fetched_at)), site",
};

static sqlite3_stmt *stmt(wc_store *s, enum cluster_stmt id, wc_error *err)
{
    return store_prepare(s, &s->st[STORE_ST_CLUSTERS + id], cluster_sql[id], err);
}

wc_status wc_store_refresh_cluster(wc_store *s, int64_t cluster_id, int64_t *rep_out,
                                   bool *rep_changed, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_CLUSTER_SCAN, err), *u;
    int64_t rep = 0, old_rep = 0, size = 0, first = WC_TIME_NONE, last = WC_TIME_NONE, t;
    int rc;

    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, cluster_id);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (!size++)
            rep = sqlite3_column_int64(q, 0);
        t = store_col_time(q, 1);
        if (t != WC_TIME_NONE) {
            if (first == WC_TIME_NONE || t < first)
                first = t;
            if (last == WC_TIME_NONE || t > last)
                last = t;
        }
    }
    store_done(q);
    if (rc != SQLITE_DONE)
        return store_db_error(s, rc, err, "reading a cluster");

    if (!(u = stmt(s, ST_CLUSTER_OLD_REP, err)))
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(u, 1, cluster_id);
    rc = sqlite3_step(u);
    if (rc == SQLITE_ROW)
        old_rep = sqlite3_column_int64(u, 0);
    store_done(u);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_db_error(s, rc, err, "reading a cluster");

    if (rep_out)
        *rep_out = rep;
    if (rep_changed)
        *rep_changed = rep != old_rep;
    if (!size) {
        if (!(u = stmt(s, ST_CLUSTER_DELETE, err)))
            return err ? err->code : WC_ERR_DB;
        sqlite3_bind_int64(u, 1, cluster_id);
        return store_run(s, u, err, "deleting an empty cluster");
    }
    if (!(u = stmt(s, ST_CLUSTER_UPSERT, err)))
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(u, 1, cluster_id);
    sqlite3_bind_int64(u, 2, rep);
    sqlite3_bind_int64(u, 3, size);
    store_bind_time(u, 4, first);
    store_bind_time(u, 5, last);
    return store_run(s, u, err, "updating a cluster");
}

wc_status wc_store_cluster_head(wc_store *s, int64_t cluster_id, int64_t *rep_id,
                                int64_t *first_seen, int64_t *rep_words, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_CLUSTER_HEAD, err);
    int rc;

    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, cluster_id);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *rep_id = sqlite3_column_int64(q, 0);
        *first_seen = store_col_time(q, 1);
        *rep_words = sqlite3_column_int64(q, 2);
    }
    store_done(q);
    if (rc == SQLITE_DONE)
        return WC_ERR_NOTFOUND;
    if (rc != SQLITE_ROW)
        return store_db_error(s, rc, err, "reading a cluster");
    return WC_OK;
}

wc_status wc_store_cluster_grow(wc_store *s, int64_t cluster_id, int64_t t, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_CLUSTER_GROW, err);

    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, cluster_id);
    store_bind_time(q, 2, t);
    return store_run(s, q, err, "updating a cluster");
}

wc_status wc_store_add_cluster(wc_store *s, int64_t cluster_id, int64_t rep_id, int64_t t,
                               wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_CLUSTER_ADD, err);

    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, cluster_id);
    sqlite3_bind_int64(q, 2, rep_id);
    store_bind_time(q, 3, t);
    return store_run(s, q, err, "adding a cluster");
}

wc_status wc_store_cluster_member_ids(wc_store *s, int64_t cluster_id, int64_t **ids, size_t *n,
                                      wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_CLUSTER_SCAN, err);
    int64_t *v = NULL, *tmp;
    size_t cap = 0, len = 0;
    int rc;

    *ids = NULL;
    *n = 0;
    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, cluster_id);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (len == cap) {
            cap = cap ? cap * 2 : 16;
            tmp = realloc(v, cap * sizeof(*v));
            if (!tmp) {
                free(v);
                store_done(q);
                return wc_error_set(err, WC_ERR_NOMEM, "out of memory reading a cluster");
            }
            v = tmp;
        }
        v[len++] = sqlite3_column_int64(q, 0);
    }
    store_done(q);
    if (rc != SQLITE_DONE) {
        free(v);
        return store_db_error(s, rc, err, "reading a cluster");
    }
    *ids = v;
    *n = len;
    return WC_OK;
}

wc_status wc_store_set_similarity(wc_store *s, int64_t doc_id, double similarity, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_SET_SIM, err);

    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, doc_id);
    sqlite3_bind_double(q, 2, similarity);
    return store_run(s, q, err, "storing a similarity");
}

wc_status wc_store_clear_clusters(wc_store *s, wc_error *err)
{
    return store_exec(s, "DELETE FROM clusters; UPDATE documents SET similarity = NULL;", err,
                      "clearing clusters");
}

/* Distinct member sites of a cluster, earliest first, into out. */
static wc_status cluster_sites(wc_store *s, int64_t id, wc_buf *out, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_SITES, err);
    int rc, n = 0;

    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, id);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == STORE_MAX_SITES) {
            wc_buf_addstr(out, ", ...");
            break;
        }
        if (n++)
            wc_buf_addstr(out, ", ");
        wc_buf_addstr(out, store_col_text(q, 0));
    }
    store_done(q);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store_db_error(s, rc, err, "reading cluster sites");
    return WC_OK;
}

struct wc_cluster_iter {
    wc_store *s;
    sqlite3_stmt *q;
    bool with_sites;
    wc_buf title, sites, lead;
};

wc_status wc_store_clusters(wc_store *s, int64_t min_size, enum wc_cluster_order order,
                            int64_t limit, bool with_sites, wc_cluster_iter **out, wc_error *err)
{
    static const char *const order_sql[] = {
        [WC_ORDER_ID] = "c.id",
        [WC_ORDER_SIZE] = "c.size DESC, c.id",
        [WC_ORDER_RECENT] = "c.last_seen IS NULL, c.last_seen DESC, c.id",
    };
    wc_cluster_iter *it;
    char sql[512];
    int rc;

    *out = NULL;
    it = calloc(1, sizeof(*it));
    if (!it)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    wc_buf_init(&it->title, 0);
    wc_buf_init(&it->sites, 0);
    wc_buf_init(&it->lead, 0);
    snprintf(
        sql, sizeof(sql),
        "SELECT c.id, c.size, c.rep_id, d.title, c.first_seen, c.last_seen, %s FROM clusters c "
        "LEFT JOIN documents d ON d.id = c.rep_id WHERE c.size >= ?1 ORDER BY %s%s",
        /* the start of an untitled original's text, for people; exports need none */
        with_sites ? "CASE WHEN d.title IS NULL THEN substr(d.text, 1, 100) END" : "NULL",
        order_sql[order], limit > 0 ? " LIMIT ?2" : "");
    rc = sqlite3_prepare_v2(s->db, sql, -1, &it->q, NULL);
    if (rc != SQLITE_OK) {
        free(it);
        return store_db_error(s, rc, err, "listing clusters");
    }
    sqlite3_bind_int64(it->q, 1, min_size);
    if (limit > 0)
        sqlite3_bind_int64(it->q, 2, limit);
    it->s = s;
    it->with_sites = with_sites;
    *out = it;
    return WC_OK;
}

wc_status wc_cluster_iter_next(wc_cluster_iter *it, wc_cluster_row *row, wc_error *err)
{
    int rc = sqlite3_step(it->q);
    wc_status st;

    if (rc == SQLITE_DONE)
        return WC_DONE;
    if (rc != SQLITE_ROW)
        return store_db_error(it->s, rc, err, "listing clusters");
    memset(row, 0, sizeof(*row));
    row->id = sqlite3_column_int64(it->q, 0);
    row->size = sqlite3_column_int64(it->q, 1);
    row->rep_id = sqlite3_column_int64(it->q, 2);
    wc_buf_reset(&it->title);
    if (store_col_text(it->q, 3))
        wc_buf_addstr(&it->title, store_col_text(it->q, 3));
    row->title = store_col_text(it->q, 3) ? it->title.buf : NULL;
    row->first_seen = store_col_time(it->q, 4);
    row->last_seen = store_col_time(it->q, 5);
    wc_buf_reset(&it->lead);
    if (store_col_text(it->q, 6)) {
        wc_buf_addstr(&it->lead, store_col_text(it->q, 6));
        row->lead = it->lead.buf;
    }
    wc_buf_reset(&it->sites);
    if (it->with_sites) {
        if ((st = cluster_sites(it->s, row->id, &it->sites, err)))
            return st;
        row->sites = it->sites.buf;
    }
    return WC_OK;
}

void wc_cluster_iter_free(wc_cluster_iter *it)
{
    if (!it)
        return;
    sqlite3_finalize(it->q);
    wc_buf_release(&it->title);
    wc_buf_release(&it->sites);
    wc_buf_release(&it->lead);
    free(it);
}

wc_status wc_store_cluster_get(wc_store *s, int64_t id, wc_cluster_row *row, wc_buf *strings,
                               wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_CLUSTER_GET, err);
    size_t title_at = 0, sites_at;
    bool has_title;
    wc_status st;
    int rc;

    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, id);
    rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        store_done(q);
        if (rc == SQLITE_DONE)
            return wc_error_set(err, WC_ERR_NOTFOUND, "no cluster %lld in '%s'", (long long)id,
                                s->path);
        return store_db_error(s, rc, err, "reading a cluster");
    }
    memset(row, 0, sizeof(*row));
    row->id = sqlite3_column_int64(q, 0);
    row->size = sqlite3_column_int64(q, 1);
    row->rep_id = sqlite3_column_int64(q, 2);
    row->first_seen = store_col_time(q, 4);
    row->last_seen = store_col_time(q, 5);
    wc_buf_reset(strings);
    has_title = store_col_text(q, 3) != NULL;
    if (has_title)
        wc_buf_add(strings, store_col_text(q, 3), (size_t)sqlite3_column_bytes(q, 3) + 1);
    store_done(q);
    sites_at = strings->len;
    if ((st = cluster_sites(s, id, strings, err)))
        return st;
    /* strings may have moved while growing: point into it only now */
    row->title = has_title ? strings->buf + title_at : NULL;
    row->sites = strings->buf + sites_at;
    return WC_OK;
}

struct wc_member_iter {
    wc_store *s;
    sqlite3_stmt *q;
};

wc_status wc_store_members(wc_store *s, int64_t cluster_id, wc_member_iter **out, wc_error *err)
{
    wc_member_iter *it = calloc(1, sizeof(*it));
    int rc;

    *out = NULL;
    if (!it)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    rc = sqlite3_prepare_v2(
        s->db,
        "SELECT id, origin_id, url, site, title, source, origin, published_at, fetched_at, "
        "similarity, match_kind, word_count, coalesce(published_at, fetched_at) AS t "
        "FROM documents WHERE cluster_id = ?1 ORDER BY t IS NULL, t, word_count DESC, id",
        -1, &it->q, NULL);
    if (rc != SQLITE_OK) {
        free(it);
        return store_db_error(s, rc, err, "reading cluster members");
    }
    sqlite3_bind_int64(it->q, 1, cluster_id);
    it->s = s;
    *out = it;
    return WC_OK;
}

wc_status wc_member_iter_next(wc_member_iter *it, wc_member_row *row, wc_error *err)
{
    sqlite3_stmt *q = it->q;
    int rc = sqlite3_step(q), kind;

    if (rc == SQLITE_DONE)
        return WC_DONE;
    if (rc != SQLITE_ROW)
        return store_db_error(it->s, rc, err, "reading cluster members");
    row->doc_id = sqlite3_column_int64(q, 0);
    row->origin_id = store_col_text(q, 1);
    row->url = store_col_text(q, 2);
    row->site = store_col_text(q, 3);
    row->title = store_col_text(q, 4);
    row->source = store_col_text(q, 5);
    row->origin = store_col_text(q, 6);
    row->published_at = store_col_time(q, 7);
    row->fetched_at = store_col_time(q, 8);
    row->similarity = sqlite3_column_type(q, 9) == SQLITE_NULL ? 1.0 : sqlite3_column_double(q, 9);
    kind = sqlite3_column_int(q, 10);
    if (kind < WC_MATCH_NEW || kind > WC_MATCH_NEAR)
        return wc_error_set(err, WC_ERR_CORRUPT, "document %lld in '%s' has match kind %d",
                            (long long)row->doc_id, it->s->path, kind);
    row->match_kind = (wc_match_kind)kind;
    row->word_count = (size_t)sqlite3_column_int64(q, 11);
    return WC_OK;
}

void wc_member_iter_free(wc_member_iter *it)
{
    if (!it)
        return;
    sqlite3_finalize(it->q);
    free(it);
}

/* --- stats ----------------------------------------------------------------- */

static wc_status scalar(wc_store *s, const char *sql, int64_t *out, wc_error *err)
{
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);

    if (rc != SQLITE_OK)
        return store_db_error(s, rc, err, "counting");
    rc = sqlite3_step(q);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? WC_OK : store_db_error(s, rc, err, "counting");
}

wc_status wc_store_get_stats(wc_store *s, wc_store_stats *st, wc_error *err)
{
    wc_status rc;
    int64_t pages = 0, page_size = 0;
    bool snapshot;

    memset(st, 0, sizeof(*st));
    /* one read transaction: the counts agree with each other while a writer runs */
    snapshot = sqlite3_get_autocommit(s->db) != 0;
    if (snapshot && (rc = store_exec(s, "BEGIN", err, "reading statistics")))
        return rc;
    if ((rc = scalar(s, "SELECT count(*) FROM documents", &st->documents, err)) ||
        (rc = scalar(s, "SELECT count(*) FROM clusters", &st->clusters, err)) ||
        (rc = scalar(s, "SELECT count(*) FROM clusters WHERE size >= 2", &st->clusters_multi,
                     err)) ||
        (rc = scalar(s, "SELECT count(*) FROM documents WHERE match_kind = " MATCH_EXACT_SQL,
                     &st->exact_copies, err)) ||
        (rc = scalar(s, "SELECT count(*) FROM documents WHERE match_kind = " MATCH_NEAR_SQL,
                     &st->near_copies, err)) ||
        (rc =
             scalar(s, "SELECT coalesce(max(size), 0) FROM clusters", &st->largest_cluster, err)) ||
        (rc = scalar(s, "SELECT count(*) FROM feeds", &st->feeds, err)) ||
        (rc = scalar(s, "PRAGMA page_count", &pages, err)) ||
        (rc = scalar(s, "PRAGMA page_size", &page_size, err))) {
        if (snapshot)
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    if (snapshot && (rc = store_exec(s, "COMMIT", err, "reading statistics")))
        return rc;
    st->copies = st->exact_copies + st->near_copies;
    st->db_bytes = pages * page_size;
    return WC_OK;
}
