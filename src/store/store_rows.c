/*
 * store_rows.c - the reading loops that store_clusters.c and
 * store_stories.c share (see store_internal.h), so that a cluster and a
 * story are read the same way and fail with the same words.
 *
 * Three shapes. A walk hands every row of a one-off statement to the
 * writer's callbacks (wc_store_each_cluster, _each_story,
 * _each_story_cluster): prepared, stepped, finalised, with a failed step
 * reported only when the callback did not stop the walk first. A listing
 * is the iterator people page through (`clusters`, `stories`): it copies
 * each row's title and lead under the row text cap, since SQLite's own
 * strings do not outlive the next step. A get reads one row by id and
 * copies its title into the caller's buffer.
 *
 * What a row holds is not here: each file reads its own columns, and
 * refuses, through store_damaged, a row that no wirecopy writes (a
 * cluster whose size is not its members' count, a member without a
 * source): a reader that printed it would print wrong values with exit 0.
 */
#include "store_internal.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

/* --- damage ------------------------------------------------------------------- */

wc_status store_damaged(wc_store *s, wc_error *err, const char *fmt, ...)
{
    char detail[WC_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return wc_error_set(err, WC_ERR_CORRUPT, "database '%s' is damaged: %s; " STORE_DAMAGE_HINT,
                        s->path, detail);
}

/* --- walks ------------------------------------------------------------------- */

wc_status store_walk_begin(struct store_walk *w, wc_store *s, const char *sql, const char *what,
                           wc_error *err)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &w->q, NULL);

    w->s = s;
    w->what = what;
    w->rc = rc;
    if (rc != SQLITE_OK)
        return store_db_error(s, rc, err, what);
    return WC_OK;
}

bool store_walk_row(struct store_walk *w)
{
    return (w->rc = sqlite3_step(w->q)) == SQLITE_ROW;
}

wc_status store_walk_end(struct store_walk *w, wc_status st, wc_error *err)
{
    if (!st && w->rc != SQLITE_DONE)
        st = store_db_error(w->s, w->rc, err, w->what);
    sqlite3_finalize(w->q);
    return st;
}

/* --- listings ---------------------------------------------------------------- */

wc_status store_listing_open(struct store_listing *l, const struct store_listing_kind *kind,
                             wc_store *s, const char *sql, int64_t arg, int64_t limit,
                             bool with_sites, wc_error *err)
{
    int rc;

    wc_buf_init(&l->title, WC_STORE_ROW_TEXT_MAX);
    wc_buf_init(&l->sites, WC_STORE_ROW_TEXT_MAX);
    wc_buf_init(&l->lead, WC_STORE_ROW_TEXT_MAX);
    rc = sqlite3_prepare_v2(s->db, sql, -1, &l->q, NULL);
    if (rc != SQLITE_OK)
        return store_db_error(s, rc, err, kind->what);
    sqlite3_bind_int64(l->q, 1, arg);
    if (limit > 0)
        sqlite3_bind_int64(l->q, 2, limit);
    l->s = s;
    l->kind = kind;
    l->with_sites = with_sites;
    return WC_OK;
}

wc_status store_listing_step(struct store_listing *l, wc_error *err)
{
    int rc = sqlite3_step(l->q);

    if (rc == SQLITE_DONE)
        return WC_DONE;
    if (rc != SQLITE_ROW)
        return store_db_error(l->s, rc, err, l->kind->what);
    return WC_OK;
}

wc_status store_listing_text(struct store_listing *l, int64_t id, const char **title,
                             const char **lead, wc_error *err)
{
    const char *t = store_col_text(l->q, l->kind->title_col);
    const char *ld = store_col_text(l->q, l->kind->lead_col);
    wc_status st;

    wc_buf_reset(&l->title);
    wc_buf_reset(&l->lead);
    if ((t && (st = wc_buf_addstr(&l->title, t))) || (ld && (st = wc_buf_addstr(&l->lead, ld))))
        return wc_error_set(err, st, "the title of %s %lld in '%s' is over %zu bytes",
                            l->kind->noun, (long long)id, l->s->path, WC_STORE_ROW_TEXT_MAX);
    *title = t ? l->title.buf : NULL;
    *lead = ld ? l->lead.buf : NULL;
    wc_buf_reset(&l->sites);
    return WC_OK;
}

void store_listing_release(struct store_listing *l)
{
    sqlite3_finalize(l->q);
    wc_buf_release(&l->title);
    wc_buf_release(&l->sites);
    wc_buf_release(&l->lead);
}

/* --- one row by id ----------------------------------------------------------- */

wc_status store_get_row(wc_store *s, sqlite3_stmt *q, const char *noun, int64_t id,
                        const char *what, wc_error *err)
{
    int rc;

    sqlite3_bind_int64(q, 1, id);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        return WC_OK;
    store_done(q);
    if (rc == SQLITE_DONE)
        return wc_error_set(err, WC_ERR_NOTFOUND, "no %s %lld in '%s'", noun, (long long)id,
                            s->path);
    return store_db_error(s, rc, err, what);
}

wc_status store_get_title(wc_store *s, sqlite3_stmt *q, int col, const char *noun, int64_t id,
                          wc_buf *strings, ptrdiff_t *at, wc_error *err)
{
    wc_status st;

    wc_buf_reset(strings);
    st = store_add_column(strings, q, col, at);
    store_done(q);
    if (st)
        return wc_error_set(err, st, "the title of %s %lld in '%s' does not fit", noun,
                            (long long)id, s->path);
    return WC_OK;
}

wc_status store_add_column(wc_buf *b, sqlite3_stmt *q, int i, ptrdiff_t *at)
{
    const char *t = store_col_text(q, i);

    *at = -1;
    if (!t)
        return WC_OK;
    *at = (ptrdiff_t)b->len;
    return wc_buf_add(b, t, (size_t)sqlite3_column_bytes(q, i) + 1);
}
