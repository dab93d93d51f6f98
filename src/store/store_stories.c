/*
 * store_stories.c - the rows of stories, the clusters' links to them and
 * the profiles they are compared by, and the reads people make of them
 * (see store_stories.h and store_writer.h; the tables come from migration
 * 4 in store.c).
 *
 * Two levels, one store. A copy cluster (store_clusters.c) holds one text
 * republished; a story holds one or more copy clusters reporting one event.
 * The link is a column of the cluster's row (clusters.story_id, with its
 * score story_similarity), so a cluster is in at most one story by
 * construction, and "the clusters of story S" is one index range
 * (clusters_story). A story's row (stories: clusters, size, first and last
 * seen) is derived data, kept by the story index in the writer's memory
 * and written as it changes, like a cluster's row: nothing here counts a
 * story's clusters or documents.
 *
 * The profile a story compares is one per copy cluster, never per
 * article (a wire text reprinted fifty times is one voice), and is keyed
 * by the document that founded the cluster: a cluster's id is its founding
 * document's id, and a copy-level recluster that renumbers clusters still
 * finds each profile by document. A database from before stories has
 * none; wc_store_story_source hands the fields one is made from.
 *
 * Readers (the `stories` command, `show --story`, `export --stories`)
 * prepare their own statement per iterator, as the cluster readers do,
 * and hold one read snapshot while it runs. A story's title is its
 * earliest copy cluster's original's, "earliest" in the time order of
 * clusters (first seen, the undated last, then id); its sites are its
 * members' distinct sites, earliest first, as a cluster's are.
 *
 * Not here: deciding which story a cluster joins (src/story/), and
 * counting rows back from the members (the index hands every row).
 */
#include "store_internal.h"

#include <assert.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Sites listed per story in a listing before "...", as for a cluster. */
#define STORE_STORY_MAX_SITES 6

/* A story's clusters in time order: first seen, the undated last, then id. */
#define STORY_CLUSTER_ORDER_SQL "c.first_seen IS NULL, c.first_seen, c.id"
/* The original of story s's earliest cluster, whose title is the story's. */
#define EARLIEST_ORIGINAL_SQL                                                                      \
    "(SELECT c.rep_id FROM clusters c WHERE c.story_id = s.id ORDER BY " STORY_CLUSTER_ORDER_SQL   \
    " LIMIT 1)"
/*
 * The columns a wc_story_row is read from, over stories s and the earliest
 * original e; the last two are read_story's proof that the row agrees with
 * its clusters (the same snapshot): their count and their documents.
 */
#define STORY_COLUMNS                                                                              \
    "s.id, s.size, s.clusters, s.first_seen, s.last_seen, e.title, "                               \
    "(SELECT count(*) FROM clusters c WHERE c.story_id = s.id), "                                  \
    "(SELECT coalesce(sum(c.size), 0) FROM clusters c WHERE c.story_id = s.id)"
#define STORY_COL_TITLE 5
#define STORY_COL_LEAD 8
/* Bytes of a listing's SQL (wc_store_stories): its columns, filters and order. */
#define STORY_QUERY_MAX 2048
#define STORY_FROM_SQL "FROM stories s LEFT JOIN documents e ON e.id = " EARLIEST_ORIGINAL_SQL

enum story_stmt {
    XS_STORY_PUT,
    XS_STORY_DROP,
    XS_STORY_LINK,
    XS_PROFILE_PUT,
    XS_STORY_SOURCE,
    XS_STORY_GET,
    XS_STORY_SITES,
    XS_STORY_MOVE,
    XS_PROFILE_GET,
    XS_STORIES_COUNT
};

_Static_assert(STORE_XST_STORIES + XS_STORIES_COUNT <= STORE_EXTRA_STMTS,
               "grow STORE_EXTRA_STMTS in store_internal.h");

static const char *const story_sql[XS_STORIES_COUNT] = {
    [XS_STORY_PUT] = "INSERT INTO stories(id, clusters, size, first_seen, last_seen) "
                     "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET "
                     "clusters = excluded.clusters, size = excluded.size, "
                     "first_seen = excluded.first_seen, last_seen = excluded.last_seen",
    [XS_STORY_DROP] = "DELETE FROM stories WHERE id = ?1",
    [XS_STORY_LINK] = "UPDATE clusters SET story_id = ?2, story_similarity = ?3 WHERE id = ?1",
    [XS_PROFILE_PUT] = "INSERT INTO story_profiles(doc_id, profile) VALUES (?1, ?2) "
                       "ON CONFLICT(doc_id) DO UPDATE SET profile = excluded.profile",
    /* the founder (doc id == cluster id), else the cluster's original */
    [XS_STORY_SOURCE] = "SELECT title, text, lang, published_at, id FROM documents WHERE id = "
                        "coalesce((SELECT id FROM documents WHERE id = ?1), "
                        "(SELECT rep_id FROM clusters WHERE id = ?1))",
    [XS_STORY_GET] = "SELECT " STORY_COLUMNS " " STORY_FROM_SQL " WHERE s.id = ?1",
    [XS_STORY_SITES] = "SELECT d.site FROM clusters c JOIN documents d ON d.cluster_id = c.id "
                       "WHERE c.story_id = ?1 AND d.site IS NOT NULL GROUP BY d.site "
                       "ORDER BY min(coalesce(d.published_at, d.fetched_at)) IS NULL, "
                       "min(coalesce(d.published_at, d.fetched_at)), d.site",
    [XS_STORY_MOVE] = "UPDATE clusters SET story_id = ?2 WHERE story_id = ?1",
    /* the founder's profile (doc id == cluster id), else the cluster's original's */
    [XS_PROFILE_GET] = "SELECT profile FROM story_profiles WHERE doc_id = ?1 UNION ALL "
                       "SELECT p.profile FROM clusters c JOIN story_profiles p ON p.doc_id = "
                       "c.rep_id WHERE c.id = ?1 LIMIT 1",
};

static sqlite3_stmt *stmt(wc_store *s, enum story_stmt id, wc_error *err)
{
    return store_prepare(s, &s->xst[STORE_XST_STORIES + id], story_sql[id], err);
}

#define FAIL_PREPARE(err) ((err) && (err)->code ? (err)->code : WC_ERR_DB)

/* --- the writer's side ------------------------------------------------------- */

wc_status wc_store_put_story(wc_store *s, const wc_story_info *row, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, XS_STORY_PUT, err);

    if (!q)
        return FAIL_PREPARE(err);
    sqlite3_bind_int64(q, 1, row->id);
    sqlite3_bind_int64(q, 2, row->clusters);
    sqlite3_bind_int64(q, 3, row->size);
    store_bind_time(q, 4, row->first_seen);
    store_bind_time(q, 5, row->last_seen);
    return store_run(s, q, err, "storing a story");
}

wc_status wc_store_drop_story(wc_store *s, int64_t id, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, XS_STORY_DROP, err);

    if (!q)
        return FAIL_PREPARE(err);
    sqlite3_bind_int64(q, 1, id);
    return store_run(s, q, err, "dropping a story");
}

wc_status wc_store_set_cluster_story(wc_store *s, int64_t cluster_id, int64_t story_id,
                                     double similarity, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, XS_STORY_LINK, err);
    wc_status st;

    if (!q)
        return FAIL_PREPARE(err);
    sqlite3_bind_int64(q, 1, cluster_id);
    if (story_id) {
        sqlite3_bind_int64(q, 2, story_id);
        sqlite3_bind_double(q, 3, similarity);
    } else {
        sqlite3_bind_null(q, 2);
        sqlite3_bind_null(q, 3);
    }
    if ((st = store_run(s, q, err, "placing a cluster in a story")))
        return st;
    /* a link to a cluster whose row is not written would vanish: say so, loudly */
    if (sqlite3_changes(s->db) == 0)
        return wc_error_set(err, WC_ERR_NOTFOUND,
                            "no cluster %lld in '%s' to place in story %lld (its row is "
                            "written first)",
                            (long long)cluster_id, s->path, (long long)story_id);
    return WC_OK;
}

wc_status wc_store_put_story_profile(wc_store *s, int64_t doc_id, const void *blob, size_t len,
                                     wc_error *err)
{
    sqlite3_stmt *q = stmt(s, XS_PROFILE_PUT, err);

    if (!q)
        return FAIL_PREPARE(err);
    sqlite3_bind_int64(q, 1, doc_id);
    /* a zero-length blob binds as an empty blob, never NULL (the column is NOT NULL) */
    sqlite3_bind_blob64(q, 2, len ? blob : "", (sqlite3_uint64)len, SQLITE_STATIC);
    return store_run(s, q, err, "storing a story profile");
}

wc_status wc_store_clear_stories(wc_store *s, wc_error *err)
{
    return store_exec(s,
                      "DELETE FROM stories; UPDATE clusters SET story_id = NULL, "
                      "story_similarity = NULL WHERE story_id IS NOT NULL",
                      err, "clearing stories");
}

wc_status wc_store_each_story_cluster(wc_store *s, wc_store_story_cluster_fn fn, void *ctx,
                                      wc_error *err)
{
    static const char sql[] = "SELECT c.id, c.rep_id, c.size, c.first_seen, c.last_seen, "
                              "c.story_id, c.story_similarity, p.profile FROM clusters c "
                              "LEFT JOIN story_profiles p ON p.doc_id = c.id ORDER BY c.id";
    struct store_walk w;
    wc_cluster_info row;
    wc_status st;

    if ((st = store_walk_begin(&w, s, sql, "reading clusters and their stories", err)))
        return st;
    while (!st && store_walk_row(&w)) {
        sqlite3_stmt *q = w.q;
        const void *blob = sqlite3_column_blob(q, 7);
        size_t len = blob ? (size_t)sqlite3_column_bytes(q, 7) : 0;

        store_col_cluster_info(q, &row);
        /* NULL reads as 0: a cluster not placed in a story */
        st = fn(ctx, &row, sqlite3_column_int64(q, 5), sqlite3_column_double(q, 6), blob, len);
    }
    return store_walk_end(&w, st, err);
}

wc_status wc_store_story_source(wc_store *s, int64_t cluster_id, wc_story_source *out,
                                wc_buf *strings, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, XS_STORY_SOURCE, err);
    ptrdiff_t title, text, lang;
    wc_status st;
    int rc;

    memset(out, 0, sizeof(*out));
    out->published_at = WC_TIME_NONE;
    if (!q)
        return FAIL_PREPARE(err);
    sqlite3_bind_int64(q, 1, cluster_id);
    rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        store_done(q);
        if (rc == SQLITE_DONE)
            return wc_error_set(err, WC_ERR_NOTFOUND,
                                "no document for cluster %lld in '%s' to make a story profile of",
                                (long long)cluster_id, s->path);
        return store_db_error(s, rc, err, "reading a document for its story profile");
    }
    wc_buf_reset(strings);
    if ((st = store_add_column(strings, q, 0, &title)) ||
        (st = store_add_column(strings, q, 1, &text)) ||
        (st = store_add_column(strings, q, 2, &lang))) {
        store_done(q);
        return wc_error_set(err, st, "the text of cluster %lld's founder in '%s' is over %zu bytes",
                            (long long)cluster_id, s->path, strings->limit);
    }
    out->text_len = text >= 0 ? (size_t)sqlite3_column_bytes(q, 1) : 0;
    out->published_at = store_col_time(q, 3);
    out->doc_id = sqlite3_column_int64(q, 4);
    store_done(q);
    /* strings may have moved while growing: point into it only now */
    out->title = title >= 0 ? strings->buf + title : NULL;
    out->text = text >= 0 ? strings->buf + text : "";
    out->lang = lang >= 0 ? strings->buf + lang : NULL;
    return WC_OK;
}

wc_status wc_store_each_story(wc_store *s, wc_store_story_fn fn, void *ctx, wc_error *err)
{
    static const char sql[] =
        "SELECT id, clusters, size, first_seen, last_seen FROM stories ORDER BY id";
    struct store_walk w;
    wc_story_info row;
    wc_status st;

    if ((st = store_walk_begin(&w, s, sql, "reading stories", err)))
        return st;
    while (!st && store_walk_row(&w)) {
        row.id = sqlite3_column_int64(w.q, 0);
        row.clusters = sqlite3_column_int64(w.q, 1);
        row.size = sqlite3_column_int64(w.q, 2);
        row.first_seen = store_col_time(w.q, 3);
        row.last_seen = store_col_time(w.q, 4);
        st = fn(ctx, &row);
    }
    return store_walk_end(&w, st, err);
}

/* --- reading ------------------------------------------------------------------ */

wc_status wc_store_story_sites(wc_store *s, int64_t story_id, wc_store_site_fn fn, void *ctx,
                               wc_error *err)
{
    sqlite3_stmt *q = stmt(s, XS_STORY_SITES, err);
    wc_status st = WC_OK;
    int rc;

    if (!q)
        return FAIL_PREPARE(err);
    sqlite3_bind_int64(q, 1, story_id);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if ((st = fn(ctx, store_col_text(q, 0))))
            break;
    store_done(q);
    if (st)
        return st;
    if (rc != SQLITE_DONE)
        return store_db_error(s, rc, err, "reading the sites of a story");
    return WC_OK;
}

/* The listing form of a story's sites: the first few into out, all of them counted. */
struct site_list {
    wc_buf *out;
    int64_t count;
};

static wc_status list_site(void *ctx, const char *site)
{
    struct site_list *l = ctx;
    wc_status st = WC_OK;

    if (l->count < STORE_STORY_MAX_SITES) {
        if (l->count)
            st = wc_buf_addstr(l->out, ", ");
        if (!st)
            st = wc_buf_addstr(l->out, site);
    } else if (l->count == STORE_STORY_MAX_SITES) {
        st = wc_buf_addstr(l->out, ", ...");
    }
    l->count++;
    return st;
}

static wc_status story_sites(wc_store *s, wc_story_row *row, wc_buf *out, wc_error *err)
{
    struct site_list l = {out, 0};
    wc_status st = wc_store_story_sites(s, row->id, list_site, &l, err);

    if (st == WC_ERR_NOMEM || st == WC_ERR_LIMIT)
        return wc_error_set(err, st, "the sites of story %lld in '%s' do not fit in memory",
                            (long long)row->id, s->path);
    row->site_count = l.count;
    return st;
}

/*
 * The numbers of a story's row from q's STORY_COLUMNS (strings are the
 * caller's), refused as damage when they are not its clusters'.
 */
static wc_status read_story(wc_store *s, sqlite3_stmt *q, wc_story_row *row, wc_error *err)
{
    /* the types first: reading a value as another type converts it, and its type with it */
    int t1 = sqlite3_column_type(q, 1), t2 = sqlite3_column_type(q, 2);
    int t3 = sqlite3_column_type(q, 3), t4 = sqlite3_column_type(q, 4);
    long long id = (long long)sqlite3_column_int64(q, 0);

    memset(row, 0, sizeof(*row));
    row->id = sqlite3_column_int64(q, 0);
    row->size = sqlite3_column_int64(q, 1);
    row->clusters = sqlite3_column_int64(q, 2);
    row->first_seen = store_col_time(q, 3);
    row->last_seen = store_col_time(q, 4);
    if (t1 != SQLITE_INTEGER || t2 != SQLITE_INTEGER ||
        (t3 != SQLITE_NULL && t3 != SQLITE_INTEGER) || (t4 != SQLITE_NULL && t4 != SQLITE_INTEGER))
        return store_damaged(s, err, "story %lld: its row holds values no wirecopy writes", id);
    if (sqlite3_column_int64(q, 6) != row->clusters)
        return store_damaged(s, err,
                             "story %lld: it counts %lld clusters but %lld are placed in it", id,
                             (long long)row->clusters, (long long)sqlite3_column_int64(q, 6));
    if (sqlite3_column_int64(q, 7) != row->size)
        return store_damaged(s, err,
                             "story %lld: its size is %lld but its clusters hold %lld documents",
                             id, (long long)row->size, (long long)sqlite3_column_int64(q, 7));
    return WC_OK;
}

struct wc_story_iter {
    struct store_listing l;
};

static const struct store_listing_kind story_listing = {"story", "listing stories", STORY_COL_TITLE,
                                                        STORY_COL_LEAD};

wc_status wc_store_stories(wc_store *s, int64_t min_size, enum wc_cluster_order order,
                           int64_t limit, unsigned flags, wc_story_iter **out, wc_error *err)
{
    static const char *const order_sql[] = {
        [WC_ORDER_ID] = "s.id",
        [WC_ORDER_SIZE] = "s.size DESC, s.id",
        [WC_ORDER_RECENT] = "s.last_seen IS NULL, s.last_seen DESC, s.id",
    };
    wc_story_iter *it;
    char sql[STORY_QUERY_MAX];
    wc_status st;
    int n;

    *out = NULL;
    it = calloc(1, sizeof(*it));
    if (!it)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    n = snprintf(
        sql, sizeof(sql),
        "SELECT " STORY_COLUMNS ", %s " STORY_FROM_SQL " WHERE s.size >= ?1%s ORDER BY %s%s",
        /* the start of an untitled original's text, for people; exports need none */
        flags & WC_STORIES_SITES ? "CASE WHEN e.title IS NULL THEN substr(e.text, 1, 100) END"
                                 : "NULL",
        /* one cluster on one site is one voice; a single document is on one site */
        flags & WC_STORIES_MULTI
            ? " AND (s.clusters >= 2 OR (s.size >= 2 AND (SELECT count(DISTINCT d.site) "
              "FROM clusters c JOIN documents d ON d.cluster_id = c.id "
              "WHERE c.story_id = s.id) > 1))"
            : "",
        order_sql[order], limit > 0 ? " LIMIT ?2" : "");
    assert(n > 0 && (size_t)n < sizeof(sql)); /* every part is this file's own */
    if ((st = store_listing_open(&it->l, &story_listing, s, sql, min_size, limit,
                                 (flags & WC_STORIES_SITES) != 0, err))) {
        wc_story_iter_free(it);
        return st;
    }
    *out = it;
    return WC_OK;
}

wc_status wc_story_iter_next(wc_story_iter *it, wc_story_row *row, wc_error *err)
{
    struct store_listing *l = &it->l;
    wc_status st;

    if ((st = store_listing_step(l, err)) || (st = read_story(l->s, l->q, row, err)))
        return st;
    if ((st = store_listing_text(l, row->id, &row->title, &row->lead, err)))
        return st;
    if (l->with_sites) {
        if ((st = story_sites(l->s, row, &l->sites, err)))
            return st;
        row->sites = l->sites.buf;
    }
    return WC_OK;
}

void wc_story_iter_free(wc_story_iter *it)
{
    if (!it)
        return;
    store_listing_release(&it->l);
    free(it);
}

wc_status wc_store_story_get(wc_store *s, int64_t id, wc_story_row *row, wc_buf *strings,
                             wc_error *err)
{
    sqlite3_stmt *q = stmt(s, XS_STORY_GET, err);
    ptrdiff_t title;
    size_t sites_at;
    wc_status st;

    if (!q)
        return FAIL_PREPARE(err);
    if ((st = store_get_row(s, q, "story", id, "reading a story", err)))
        return st;
    if ((st = read_story(s, q, row, err))) {
        store_done(q);
        return st;
    }
    if ((st = store_get_title(s, q, STORY_COL_TITLE, "story", id, strings, &title, err)))
        return st;
    sites_at = strings->len;
    if ((st = story_sites(s, row, strings, err)))
        return st;
    /* strings may have moved while growing: point into it only now */
    row->title = title >= 0 ? strings->buf + title : NULL;
    row->sites = strings->buf + sites_at;
    return WC_OK;
}

wc_status wc_store_story_clusters(wc_store *s, int64_t story_id, bool with_sites,
                                  wc_cluster_iter **out, wc_error *err)
{
    return store_cluster_query(s, "c.story_id = ?1", STORY_CLUSTER_ORDER_SQL, story_id, 0,
                               with_sites, out, err);
}

wc_status wc_store_move_story(wc_store *s, int64_t from, int64_t into, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, XS_STORY_MOVE, err);
    int rc;

    if (!q)
        return FAIL_PREPARE(err);
    sqlite3_bind_int64(q, 1, from);
    sqlite3_bind_int64(q, 2, into);
    rc = sqlite3_step(q);
    store_done(q);
    if (rc != SQLITE_DONE)
        return store_db_error(s, rc, err, "moving a story's clusters");
    return WC_OK;
}

wc_status wc_store_story_profile_get(wc_store *s, int64_t cluster_id, wc_buf *out, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, XS_PROFILE_GET, err);
    wc_status st;
    int rc;

    if (!q)
        return FAIL_PREPARE(err);
    sqlite3_bind_int64(q, 1, cluster_id);
    rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        store_done(q);
        if (rc == SQLITE_DONE)
            return wc_error_set(err, WC_ERR_NOTFOUND, "cluster %lld has no story profile in '%s'",
                                (long long)cluster_id, s->path);
        return store_db_error(s, rc, err, "reading a story profile");
    }
    wc_buf_reset(out);
    st = wc_buf_add(out, sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0));
    store_done(q);
    if (st)
        return wc_error_set(err, st, "the story profile of cluster %lld in '%s' is over %zu bytes",
                            (long long)cluster_id, s->path, out->limit);
    return WC_OK;
}
