/*
 * store_internal.h - what the files of the store module share: the
 * handle's layout and the statement helpers (store.c), and the loops that
 * read rows for the cluster and story readers (store_rows.c). Only the
 * files of src/store/ include it; the rest of wirecopy sees the opaque
 * wc_store of store.h.
 */
#ifndef WC_STORE_INTERNAL_H
#define WC_STORE_INTERNAL_H

#include "wirecopy/store.h"
#include "wirecopy/store_feeds.h"
#include "wirecopy/store_stories.h"
#include "store_writer.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The handle's statement slots s->st[], one range per file, each file
 * numbering its statements from its base: store.c from STORE_ST_CORE,
 * store_docs.c from STORE_ST_DOCS, store_clusters.c from STORE_ST_CLUSTERS.
 */
#define STORE_ST_CORE 0
#define STORE_ST_DOCS 8
#define STORE_ST_CLUSTERS 24
#define STORE_STMTS 40
/*
 * Statements prepared by files other than those above, in s->xst[]: one
 * range each, store_feeds.c from STORE_XST_FEEDS, store_stories.c from
 * STORE_XST_STORIES.
 */
#define STORE_XST_FEEDS 0
#define STORE_XST_STORIES 16
#define STORE_EXTRA_STMTS 48

struct wc_store {
    sqlite3 *db;                          /* the connection */
    sqlite3_stmt *st[STORE_STMTS];        /* statements, prepared on first use (ranges above) */
    sqlite3_stmt *xst[STORE_EXTRA_STMTS]; /* other store files' statements */
    char *path;                           /* as given to open */
    int lock_fd;                          /* flock()ed descriptor of a writer, else -1 */
    bool in_tx;                           /* a transaction is open */
    bool readonly;
    bool members_busy; /* a member iterator holds st[] ST_MEMBERS (store_clusters.c) */
    /* a writer's checkpointer: a thread with its own connection (see store.c) */
    pthread_t ckpt_thread;
    pthread_mutex_t ckpt_mu;
    pthread_cond_t ckpt_cv;
    pthread_mutex_t ckpt_pass_mu; /* held through a checkpoint pass (thread or writer) */
    bool ckpt_running;            /* the thread was started */
    bool ckpt_stop;               /* asks it to finish */
    int wal_frames;               /* frames in the WAL after the last commit (wal hook) */
    int wal_restart_at;           /* frames at which the writer restarts the WAL */
};

/* WAL frames after which a writer restarts the log (store.c; tests lower it). */
extern int store_wal_restart_frames;

/* Prepare sql into *slot once (persistent); NULL with err set on failure. */
sqlite3_stmt *store_prepare(wc_store *s, sqlite3_stmt **slot, const char *sql, wc_error *err);
/*
 * Map an SQLite result code to a wc_status with a message naming the
 * database. Damage SQLite met (SQLITE_CORRUPT) is WC_ERR_CORRUPT, said to
 * be damage, with the first finding of PRAGMA quick_check and the hint
 * below.
 */
wc_status store_db_error(wc_store *s, int rc, wc_error *err, const char *what);
/* The end of every message about a damaged database. */
#define STORE_DAMAGE_HINT "`wirecopy check` lists every problem"
/*
 * A row a reader met that no wirecopy writes: WC_ERR_CORRUPT, "database
 * 'PATH' is damaged: DETAIL; " STORE_DAMAGE_HINT (store_rows.c).
 */
wc_status store_damaged(wc_store *s, wc_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Step a statement that returns no rows, then reset it. */
wc_status store_run(wc_store *s, sqlite3_stmt *q, wc_error *err, const char *what);
/* Run sql (one or more statements, no rows wanted) with sqlite3_exec. */
wc_status store_exec(wc_store *s, const char *sql, wc_error *err, const char *what);
/* Reset a statement and clear its bindings. */
void store_done(sqlite3_stmt *q);
/* Bind text (NULL binds NULL), a time (INT64_MIN binds NULL). */
void store_bind_text(sqlite3_stmt *q, int i, const char *v);
void store_bind_time(sqlite3_stmt *q, int i, int64_t t);
/* Column as a time (NULL gives INT64_MIN) or text (borrowed). */
int64_t store_col_time(sqlite3_stmt *q, int i);
const char *store_col_text(sqlite3_stmt *q, int i);

/*
 * A cluster iterator (store_clusters.c) over the clusters that `where`
 * selects, in `order` (SQL over clusters c and the original's row d), ?1
 * bound to arg, at most limit rows (0 = all). wc_store_clusters and
 * wc_store_story_clusters are both made of it.
 */
wc_status store_cluster_query(wc_store *s, const char *where, const char *order, int64_t arg,
                              int64_t limit, bool with_sites, wc_cluster_iter **out, wc_error *err);
/*
 * A wc_cluster_info from columns 0 to 4 of q: id, rep_id, size, first_seen,
 * last_seen (store_clusters.c; wc_store_each_cluster, _each_story_cluster).
 */
void store_col_cluster_info(sqlite3_stmt *q, wc_cluster_info *row);

/* --- row readers (store_rows.c) ------------------------------------------- */

/*
 * A walk over every row of a one-off statement, for the wc_store_each_*
 * readers: store_walk_begin prepares sql, store_walk_row steps it (true
 * while there is a row in w->q), store_walk_end finalises it and turns a
 * failed step into an error naming what, unless st already is one.
 */
struct store_walk {
    wc_store *s;
    sqlite3_stmt *q;  /* the statement; its columns are the current row */
    const char *what; /* what the walk does, for errors ("reading stories") */
    int rc;           /* the last sqlite3_step */
};
wc_status store_walk_begin(struct store_walk *w, wc_store *s, const char *sql, const char *what,
                           wc_error *err);
bool store_walk_row(struct store_walk *w);
wc_status store_walk_end(struct store_walk *w, wc_status st, wc_error *err);

/*
 * What a listing lists: names for its errors and the columns of a row's
 * title and lead (text, NULL when there is none).
 */
struct store_listing_kind {
    const char *noun; /* "cluster": "the title of cluster 7 in 'db' ..." */
    const char *what; /* "listing clusters": a failed step */
    int title_col, lead_col;
};

/*
 * The iterator of a listing of clusters or stories: its own statement (one
 * read snapshot from the first step to the release), the title and lead of
 * the current row copied under WC_STORE_ROW_TEXT_MAX, and its sites, which
 * the caller fills.
 */
struct store_listing {
    wc_store *s;
    sqlite3_stmt *q;
    const struct store_listing_kind *kind;
    bool with_sites; /* the caller lists each row's sites */
    wc_buf title, sites, lead;
};

/*
 * Prepare sql for l, ?1 bound to arg and ?2 to limit when it is > 0. On
 * failure l still needs store_listing_release.
 */
wc_status store_listing_open(struct store_listing *l, const struct store_listing_kind *kind,
                             wc_store *s, const char *sql, int64_t arg, int64_t limit,
                             bool with_sites, wc_error *err);
/* The next row into l->q: WC_OK, WC_DONE after the last, or a database error. */
wc_status store_listing_step(struct store_listing *l, wc_error *err);
/*
 * Copy the row's title and lead into l (borrowed by *title and *lead until
 * the next step; NULL stays NULL) and empty its sites; id names the row in
 * the error when one is over the cap.
 */
wc_status store_listing_text(struct store_listing *l, int64_t id, const char **title,
                             const char **lead, wc_error *err);
void store_listing_release(struct store_listing *l);

/*
 * Bind id to ?1 of q and step to its one row: WC_OK; else q is reset and the
 * error is WC_ERR_NOTFOUND ("no story 7 in 'db'") or a database one naming
 * what.
 */
wc_status store_get_row(wc_store *s, sqlite3_stmt *q, const char *noun, int64_t id,
                        const char *what, wc_error *err);
/*
 * Empty strings, copy column col of q's row into it (*at gets where, -1 for
 * NULL) and reset q; noun and id name the row when it does not fit.
 */
wc_status store_get_title(wc_store *s, sqlite3_stmt *q, int col, const char *noun, int64_t id,
                          wc_buf *strings, ptrdiff_t *at, wc_error *err);
/* Append column i of q (text, may be NULL) and its NUL to b; *at gets where, or -1 for NULL. */
wc_status store_add_column(wc_buf *b, sqlite3_stmt *q, int i, ptrdiff_t *at);

#endif
