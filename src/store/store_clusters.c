/*
 * store_clusters.c - the rows of clusters, and the reads people make of
 * them: listings, one cluster, its members, the counts of `stats` (see
 * store.h; the tables come from migration 1 in store.c).
 *
 * A cluster's row (clusters: id, rep_id, size, first_seen, last_seen) is
 * derived data: everything in it follows from its members' rows (rep_id
 * names the original, the earliest member: original.h). The writer is
 * handed each row by the clustering index, which keeps it as documents
 * join, and writes it as it comes; recluster writes them all again.
 * Nothing here computes a row from the members: the members are listed
 * in the same order, original first, for people. But every read checks the
 * row against them, in the statement that reads it (one snapshot): the
 * members' count against its size, its original among them, its story
 * there. A row that disagrees is damage (store_damaged), never printed: a
 * listing would show wrong values and exit 0. The count is one range of
 * the documents_cluster index per row, which the member listing reads
 * anyway.
 *
 * A row also carries its story link (story_id, story_similarity: migration
 * 4), which the story index writes (store_stories.c). Writing a cluster's
 * row is an upsert that leaves the link alone, and a merge keeps into's
 * row, so a cluster keeps its story while it grows; clearing the clusters
 * clears the stories made of them.
 *
 * The readers run beside a writer in another process (WAL): each iterator
 * has its own statement (member iterators, one after another, share one
 * prepared per handle), which holds one read snapshot from its first
 * step to its reset, so a listing is consistent with itself; the
 * counts of `stats` are read in one transaction for the same reason.
 * Strings handed out are borrowed until the next call on the iterator.
 */
#include "store_internal.h"

#include <assert.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "original.h"
#include "internal.h"

/* The stored codes of WC_MATCH_EXACT and WC_MATCH_NEAR, as SQL literals. */
#define MATCH_EXACT_SQL "1"
#define MATCH_NEAR_SQL "2"
_Static_assert(WC_MATCH_EXACT == 1 && WC_MATCH_NEAR == 2, "MATCH_*_SQL name wc_match_kind's codes");

/* Sites listed per cluster in `clusters` before "...". */
#define STORE_MAX_SITES 6

/*
 * The columns a wc_cluster_row is read from (read_row), over clusters c and
 * its original's row d; a listing's lead comes after them. The last four
 * are read_row's proof that the row agrees with its members, from the same
 * snapshot: the original's id and cluster, the members' count, whether
 * its story exists.
 */
#define CLUSTER_COLUMNS                                                                            \
    "c.id, c.size, c.rep_id, d.title, c.first_seen, c.last_seen, c.story_id, c.story_similarity, " \
    "d.id, d.cluster_id, (SELECT count(*) FROM documents m WHERE m.cluster_id = c.id), "           \
    "c.story_id IS NULL OR EXISTS (SELECT 1 FROM stories s WHERE s.id = c.story_id)"
#define CLUSTER_COL_TITLE 3
#define CLUSTER_COL_LEAD 12
/* Bytes of a listing's SQL (store_cluster_query): its columns, one clause and one order. */
#define CLUSTER_QUERY_MAX 1024

/*
 * The members with their cluster's size and original, in one statement
 * (one snapshot: a writer's commit cannot make them disagree), so the last
 * step can tell the members from the row they are counted in. A cluster
 * with no row has no members; a row with no members gives one row of
 * NULLs. The cluster's columns are renamed so that original.h's order, on
 * bare column names, is the documents'.
 */
#define MEMBERS_SQL                                                                                \
    "SELECT id, origin_id, url, site, title, source, origin, published_at, fetched_at, "           \
    "similarity, match_kind, word_count, c_size, c_rep FROM "                                      \
    "(SELECT size AS c_size, rep_id AS c_rep FROM clusters WHERE id = ?1) "                        \
    "LEFT JOIN (SELECT * FROM documents WHERE cluster_id = ?1) ON 1 "                              \
    "ORDER BY " ORIGINAL_ORDER_SQL

enum cluster_stmt {
    ST_CLUSTER_PUT,
    ST_CLUSTER_MOVE,
    ST_CLUSTER_DROP,
    ST_CLUSTER_GET,
    ST_SITES,
    ST_MEMBERS,
    ST_CLUSTERS_COUNT
};

_Static_assert(STORE_ST_CLUSTERS + ST_CLUSTERS_COUNT <= STORE_STMTS,
               "grow wc_store.st in store_internal.h");

static const char *const cluster_sql[ST_CLUSTERS_COUNT] = {
    [ST_CLUSTER_PUT] =
        "INSERT INTO clusters(id, rep_id, size, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT(id) DO UPDATE SET rep_id = excluded.rep_id, size = excluded.size, "
        "first_seen = excluded.first_seen, last_seen = excluded.last_seen",
    [ST_CLUSTER_MOVE] = "UPDATE documents SET cluster_id = ?2 WHERE cluster_id = ?1",
    [ST_CLUSTER_DROP] = "DELETE FROM clusters WHERE id = ?1",
    [ST_CLUSTER_GET] = "SELECT " CLUSTER_COLUMNS " FROM clusters c "
                       "LEFT JOIN documents d ON d.id = c.rep_id WHERE c.id = ?1",
    [ST_SITES] = "SELECT site FROM documents WHERE cluster_id = ?1 AND site IS NOT NULL "
                 "GROUP BY site ORDER BY min(coalesce(published_at, fetched_at)) IS NULL, "
                 "min(coalesce(published_at, fetched_at)), site",
    [ST_MEMBERS] = MEMBERS_SQL,
};

static sqlite3_stmt *stmt(wc_store *s, enum cluster_stmt id, wc_error *err)
{
    return store_prepare(s, &s->st[STORE_ST_CLUSTERS + id], cluster_sql[id], err);
}

/* Is column i of q NULL or an integer (a time, a story id)? */
static bool int_or_null(sqlite3_stmt *q, int i)
{
    int t = sqlite3_column_type(q, i);
    return t == SQLITE_NULL || t == SQLITE_INTEGER;
}

/*
 * The numbers of a cluster's row from q's CLUSTER_COLUMNS (strings are the
 * caller's), refused as damage when the row is not one wirecopy writes: a
 * listing or an export would print it as if it were right.
 */
static wc_status read_row(wc_store *s, sqlite3_stmt *q, wc_cluster_row *row, wc_error *err)
{
    /* the types first: reading a value as another type converts it, and its type with it */
    bool typed = sqlite3_column_type(q, 1) == SQLITE_INTEGER &&
                 sqlite3_column_type(q, 2) == SQLITE_INTEGER && int_or_null(q, 4) &&
                 int_or_null(q, 5) && int_or_null(q, 6);
    long long id = (long long)sqlite3_column_int64(q, 0);
    double sim = sqlite3_column_double(q, 7);

    memset(row, 0, sizeof(*row));
    row->id = sqlite3_column_int64(q, 0);
    row->size = sqlite3_column_int64(q, 1);
    row->original_id = sqlite3_column_int64(q, 2);
    row->first_seen = store_col_time(q, 4);
    row->last_seen = store_col_time(q, 5);
    row->story_id = sqlite3_column_int64(q, 6); /* NULL reads as 0: not placed */
    row->story_similarity = sim;
    if (!typed || row->size < 1)
        return store_damaged(s, err, "cluster %lld: its row holds values no wirecopy writes", id);
    if (sqlite3_column_type(q, 8) == SQLITE_NULL)
        return store_damaged(s, err, "cluster %lld: its original, document %lld, does not exist",
                             id, (long long)row->original_id);
    if (sqlite3_column_int64(q, 9) != row->id)
        return store_damaged(s, err,
                             "cluster %lld: its original, document %lld, is in cluster %lld", id,
                             (long long)row->original_id, (long long)sqlite3_column_int64(q, 9));
    if (sqlite3_column_int64(q, 10) != row->size)
        return store_damaged(s, err, "cluster %lld: its size is %lld but %lld documents are in it",
                             id, (long long)row->size, (long long)sqlite3_column_int64(q, 10));
    if (row->story_id && (!sqlite3_column_int(q, 11) || !(sim >= 0 && sim <= 1)))
        return store_damaged(
            s, err, "cluster %lld: its story %lld %s", id, (long long)row->story_id,
            sqlite3_column_int(q, 11) ? "has a similarity out of [0, 1]" : "does not exist");
    return WC_OK;
}

void store_col_cluster_info(sqlite3_stmt *q, wc_cluster_info *row)
{
    row->id = sqlite3_column_int64(q, 0);
    row->original_id = sqlite3_column_int64(q, 1);
    row->size = sqlite3_column_int64(q, 2);
    row->first_seen = store_col_time(q, 3);
    row->last_seen = store_col_time(q, 4);
}

/* --- the writer's side ------------------------------------------------------- */

wc_status wc_store_put_cluster(wc_store *s, const wc_cluster_info *row, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_CLUSTER_PUT, err);

    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, row->id);
    sqlite3_bind_int64(q, 2, row->original_id);
    sqlite3_bind_int64(q, 3, row->size);
    store_bind_time(q, 4, row->first_seen);
    store_bind_time(q, 5, row->last_seen);
    return store_run(s, q, err, "storing a cluster");
}

wc_status wc_store_merge_clusters(wc_store *s, int64_t from, int64_t into, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_CLUSTER_MOVE, err);
    wc_status st;

    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, from);
    sqlite3_bind_int64(q, 2, into);
    if ((st = store_run(s, q, err, "merging clusters")))
        return st;
    if (!(q = stmt(s, ST_CLUSTER_DROP, err)))
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, from);
    return store_run(s, q, err, "merging clusters");
}

wc_status wc_store_each_cluster(wc_store *s, wc_store_cluster_fn fn, void *ctx, wc_error *err)
{
    static const char sql[] = "SELECT id, rep_id, size, first_seen, last_seen FROM clusters";
    struct store_walk w;
    wc_cluster_info row;
    wc_status st;

    if ((st = store_walk_begin(&w, s, sql, "reading clusters", err)))
        return st;
    while (!st && store_walk_row(&w)) {
        store_col_cluster_info(w.q, &row);
        st = fn(ctx, &row);
    }
    return store_walk_end(&w, st, err);
}

wc_status wc_store_clear_clusters(wc_store *s, wc_error *err)
{
    /* a story is made of clusters: none outlives them (profiles stay, keyed by document) */
    return store_exec(s, "DELETE FROM clusters; DELETE FROM stories", err, "clearing clusters");
}

/* --- reading ------------------------------------------------------------------ */

/* Distinct member sites of a cluster, earliest first, into out. */
static wc_status cluster_sites(wc_store *s, int64_t id, wc_buf *out, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_SITES, err);
    int rc, n = 0;
    wc_status st = WC_OK;

    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_int64(q, 1, id);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == STORE_MAX_SITES) {
            st = wc_buf_addstr(out, ", ...");
            break;
        }
        if ((n++ && (st = wc_buf_addstr(out, ", "))) ||
            (st = wc_buf_addstr(out, store_col_text(q, 0))))
            break;
    }
    store_done(q);
    if (st)
        return wc_error_set(err, st, "the sites of cluster %lld in '%s' do not fit in memory",
                            (long long)id, s->path);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store_db_error(s, rc, err, "reading cluster sites");
    return WC_OK;
}

struct wc_cluster_iter {
    struct store_listing l;
};

static const struct store_listing_kind cluster_listing = {"cluster", "listing clusters",
                                                          CLUSTER_COL_TITLE, CLUSTER_COL_LEAD};

wc_status store_cluster_query(wc_store *s, const char *where, const char *order, int64_t arg,
                              int64_t limit, bool with_sites, wc_cluster_iter **out, wc_error *err)
{
    wc_cluster_iter *it;
    char sql[CLUSTER_QUERY_MAX];
    wc_status st;
    int n;

    *out = NULL;
    it = calloc(1, sizeof(*it));
    if (!it)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    n = snprintf(sql, sizeof(sql),
                 "SELECT " CLUSTER_COLUMNS ", %s FROM clusters c "
                 "LEFT JOIN documents d ON d.id = c.rep_id WHERE %s ORDER BY %s%s",
                 /* the start of an untitled original's text, for people; exports need none */
                 with_sites ? "CASE WHEN d.title IS NULL THEN substr(d.text, 1, 100) END" : "NULL",
                 where, order, limit > 0 ? " LIMIT ?2" : "");
    assert(n > 0 && (size_t)n < sizeof(sql)); /* where and order are this library's own */
    if ((st = store_listing_open(&it->l, &cluster_listing, s, sql, arg, limit, with_sites, err))) {
        wc_cluster_iter_free(it);
        return st;
    }
    *out = it;
    return WC_OK;
}

wc_status wc_store_clusters(wc_store *s, int64_t min_size, enum wc_cluster_order order,
                            int64_t limit, bool with_sites, wc_cluster_iter **out, wc_error *err)
{
    static const char *const order_sql[] = {
        [WC_ORDER_ID] = "c.id",
        [WC_ORDER_SIZE] = "c.size DESC, c.id",
        [WC_ORDER_RECENT] = "c.last_seen IS NULL, c.last_seen DESC, c.id",
    };

    return store_cluster_query(s, "c.size >= ?1", order_sql[order], min_size, limit, with_sites,
                               out, err);
}

wc_status wc_cluster_iter_next(wc_cluster_iter *it, wc_cluster_row *row, wc_error *err)
{
    struct store_listing *l = &it->l;
    wc_status st;

    if ((st = store_listing_step(l, err)) || (st = read_row(l->s, l->q, row, err)))
        return st;
    if ((st = store_listing_text(l, row->id, &row->title, &row->lead, err)))
        return st;
    if (l->with_sites) {
        if ((st = cluster_sites(l->s, row->id, &l->sites, err)))
            return st;
        row->sites = l->sites.buf;
    }
    return WC_OK;
}

void wc_cluster_iter_free(wc_cluster_iter *it)
{
    if (!it)
        return;
    store_listing_release(&it->l);
    free(it);
}

wc_status wc_store_cluster_get(wc_store *s, int64_t id, wc_cluster_row *row, wc_buf *strings,
                               wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_CLUSTER_GET, err);
    ptrdiff_t title;
    size_t sites_at;
    wc_status st;

    if (!q)
        return err ? err->code : WC_ERR_DB;
    if ((st = store_get_row(s, q, "cluster", id, "reading a cluster", err)))
        return st;
    if ((st = read_row(s, q, row, err))) {
        store_done(q);
        return st;
    }
    if ((st = store_get_title(s, q, CLUSTER_COL_TITLE, "cluster", id, strings, &title, err)))
        return st;
    sites_at = strings->len;
    if ((st = cluster_sites(s, id, strings, err)))
        return st;
    /* strings may have moved while growing: point into it only now */
    row->title = title >= 0 ? strings->buf + title : NULL;
    row->sites = strings->buf + sites_at;
    return WC_OK;
}

struct wc_member_iter {
    wc_store *s;
    sqlite3_stmt *q;
    bool shared; /* q is the handle's prepared statement (ST_MEMBERS), else its own */
    int64_t cluster_id;
    int64_t size;   /* the cluster's row says it has this many members */
    int64_t rep_id; /* and this original */
    int64_t rows;   /* members read so far */
    bool seen_rep;  /* the original was among them */
    bool done;      /* WC_DONE was answered: stay done (a step would start again) */
};

wc_status wc_store_members(wc_store *s, int64_t cluster_id, wc_member_iter **out, wc_error *err)
{
    wc_member_iter *it = calloc(1, sizeof(*it));
    int rc;

    *out = NULL;
    if (!it)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    /*
     * One cluster's members after another (export, show): the statement is
     * prepared once per handle, which parsing it per cluster cost a third
     * of an export; a second iterator open at the same time prepares its own.
     */
    if (!s->members_busy) {
        if (!(it->q = stmt(s, ST_MEMBERS, err))) {
            free(it);
            return err ? err->code : WC_ERR_DB;
        }
        s->members_busy = it->shared = true;
    } else if ((rc = sqlite3_prepare_v2(s->db, MEMBERS_SQL, -1, &it->q, NULL)) != SQLITE_OK) {
        free(it);
        return store_db_error(s, rc, err, "reading cluster members");
    }
    sqlite3_bind_int64(it->q, 1, cluster_id);
    it->s = s;
    it->cluster_id = cluster_id;
    *out = it;
    return WC_OK;
}

/* The end of the members: they must be what the cluster's row says. */
static wc_status members_end(wc_member_iter *it, wc_error *err)
{
    it->done = true;
    if (!it->rows)
        return WC_DONE; /* no cluster row */
    if (it->rows != it->size)
        return store_damaged(it->s, err,
                             "cluster %lld: its size is %lld but %lld documents are in it",
                             (long long)it->cluster_id, (long long)it->size, (long long)it->rows);
    if (!it->seen_rep)
        return store_damaged(it->s, err,
                             "cluster %lld: its original, document %lld, is not a member",
                             (long long)it->cluster_id, (long long)it->rep_id);
    return WC_DONE;
}

wc_status wc_member_iter_next(wc_member_iter *it, wc_member_row *row, wc_error *err)
{
    sqlite3_stmt *q = it->q;
    int rc, kind;

    if (it->done)
        return WC_DONE;
    rc = sqlite3_step(q);
    if (rc == SQLITE_DONE)
        return members_end(it, err);
    if (rc != SQLITE_ROW)
        return store_db_error(it->s, rc, err, "reading cluster members");
    if (!it->rows) {
        it->size = sqlite3_column_int64(q, 12);
        it->rep_id = sqlite3_column_int64(q, 13);
    }
    if (sqlite3_column_type(q, 0) == SQLITE_NULL) /* a row with no documents */
        return store_damaged(it->s, err, "cluster %lld: its size is %lld but no document is in it",
                             (long long)it->cluster_id, (long long)it->size);
    /* the types first: reading a value as another type converts it, and its type with it */
    if (sqlite3_column_type(q, 10) != SQLITE_INTEGER ||
        (kind = sqlite3_column_int(q, 10)) < WC_MATCH_NEW || kind > WC_MATCH_NEAR)
        return store_damaged(it->s, err, "document %lld has match kind %s",
                             (long long)sqlite3_column_int64(q, 0), store_col_text(q, 10));
    if (sqlite3_column_type(q, 5) != SQLITE_TEXT || sqlite3_column_type(q, 11) != SQLITE_INTEGER ||
        sqlite3_column_int64(q, 11) < 0 || !int_or_null(q, 7) || !int_or_null(q, 8) ||
        (sqlite3_column_type(q, 9) != SQLITE_NULL &&
         !(sqlite3_column_double(q, 9) >= 0 && sqlite3_column_double(q, 9) <= 1)))
        return store_damaged(it->s, err, "document %lld: its row holds values no wirecopy writes",
                             (long long)sqlite3_column_int64(q, 0));
    it->rows++;
    row->doc_id = sqlite3_column_int64(q, 0);
    it->seen_rep |= row->doc_id == it->rep_id;
    row->origin_id = store_col_text(q, 1);
    row->url = store_col_text(q, 2);
    row->site = store_col_text(q, 3);
    row->title = store_col_text(q, 4);
    row->source = store_col_text(q, 5);
    row->origin = store_col_text(q, 6);
    row->published_at = store_col_time(q, 7);
    row->fetched_at = store_col_time(q, 8);
    row->similarity = sqlite3_column_type(q, 9) == SQLITE_NULL ? 1.0 : sqlite3_column_double(q, 9);
    row->match_kind = (wc_match_kind)kind;
    row->word_count = (size_t)sqlite3_column_int64(q, 11);
    return WC_OK;
}

void wc_member_iter_free(wc_member_iter *it)
{
    if (!it)
        return;
    if (it->shared) {
        store_done(it->q);
        it->s->members_busy = false;
    } else {
        sqlite3_finalize(it->q);
    }
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
        (rc = scalar(s, "SELECT count(*) FROM stories", &st->stories, err)) ||
        (rc = scalar(s, "SELECT count(*) FROM stories WHERE clusters >= 2", &st->stories_multi,
                     err)) ||
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
