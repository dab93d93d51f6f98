/*
 * store_internal.h - what the files of the store module share: the
 * handle's layout and the statement helpers (store.c). Only the files of src/store/ include it;
 * the rest of wirecopy sees the opaque wc_store of store.h.
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
/* Map an SQLite result code to a wc_status with a message naming the database. */
wc_status store_db_error(wc_store *s, int rc, wc_error *err, const char *what);
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

#endif
