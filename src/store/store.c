/*
 * store.c - the SQLite database (see store.h): schema and migrations,
 * opening and closing, the writer lock and its checkpointer, transactions,
 * settings, and the statement helpers the other files of the store share
 * (store_internal.h).
 *
 * The store is the only module that speaks SQL. Its files split by table:
 * this one owns the schema and the connection; store_docs.c the rows of
 * documents and signatures; store_clusters.c the cluster rows and the
 * reads made of them (listings, members, stats); store_feeds.c followed
 * feeds and their entries.
 *
 * Design:
 *  - Schema changes are forward migrations, each one transaction, applied
 *    in order from PRAGMA user_version up to WC_STORE_SCHEMA_VERSION. A
 *    database from a newer wirecopy is refused rather than guessed at.
 *  - Another program's SQLite file is identified (identify) before
 *    anything writes to it, the switch to WAL included, and refused as
 *    it was found: not one byte of it changes.
 *  - WAL journal with synchronous=NORMAL: a killed process loses at most
 *    the transaction it had open, never what was committed before, and
 *    readers see a consistent snapshot while a writer works. (Power loss
 *    can drop the last commits but never corrupts; FULL would cost an
 *    fsync per batch for that guarantee.)
 *  - Writers take an exclusive flock() on the database file for their whole
 *    run, kept on a descriptor that stays open until after sqlite3_close()
 *    so SQLite's own POSIX locks on the file are never dropped by our close.
 *  - A writer never checkpoints on its own thread: copying WAL frames back
 *    into a multi-gigabyte database means random writes and an fdatasync,
 *    which at a million documents took half of the writer's time (measured
 *    with gdb samples: the other threads sat idle). Its connection has
 *    auto-checkpoint off, and a checkpointer thread with a connection of
 *    its own runs PASSIVE checkpoints beside it; closing runs a last
 *    TRUNCATE checkpoint so the WAL does not outlive the run.
 *  - Statements are prepared once per handle and reset after each use;
 *    each file owns a range of the handle's slots (store_internal.h).
 *  - Times are INTEGER seconds since the epoch (NULL = unknown); the views
 *    at the bottom of the schema show them as ISO 8601 for people using
 *    the sqlite3 shell or Datasette.
 */
#define _GNU_SOURCE
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* 64 MiB page cache: enough for the hot B-tree pages of a million-document corpus. */
#define STORE_CACHE_KIB 65536
/* How long a reader waits for a writer's checkpoint before giving up. */
#define STORE_BUSY_TIMEOUT_MS 10000
/* The checkpointer copies committed WAL frames back this often, milliseconds. */
#define STORE_CKPT_POLL_MS 250
/*
 * The writer restarts the WAL from its beginning once it holds this many
 * frames (4 KiB pages: 256 MiB). The background checkpointer copies frames
 * back but can never reset the log while the writer keeps it busy, so
 * without this the WAL grows with the whole ingest (2 GB for 200,000
 * articles into a million), and every write lands in new file space that
 * the kernel must allocate and zero.
 */
#define STORE_WAL_RESTART_FRAMES 65536
int store_wal_restart_frames = STORE_WAL_RESTART_FRAMES;

enum core_stmt { ST_BEGIN, ST_COMMIT, ST_ROLLBACK, ST_META_GET, ST_META_SET, ST_CORE_COUNT };

_Static_assert(STORE_ST_CORE + ST_CORE_COUNT <= STORE_ST_DOCS,
               "grow the core range of wc_store.st in store_internal.h");

static const char *const core_sql[ST_CORE_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [ST_META_SET] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
};

/* --- errors ---------------------------------------------------------------- */

static wc_status db_status(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        return WC_ERR_NOMEM;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return WC_ERR_BUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return WC_ERR_CORRUPT;
    case SQLITE_FULL:
        return WC_ERR_FULL;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return WC_ERR_IO;
    default:
        return WC_ERR_DB;
    }
}

/* Bytes of PRAGMA quick_check's first finding quoted in a message about damage. */
#define STORE_QUICK_CHECK_MAX 200

/*
 * The first finding of PRAGMA quick_check on s (every page's structure,
 * not the indexes' contents: far faster than integrity_check) into out,
 * "" when it finds nothing. It reads the whole file, but only once
 * something already failed as damage.
 */
static void quick_check(wc_store *s, char *out, size_t cap)
{
    sqlite3_stmt *q;
    const char *line;
    int rc;

    out[0] = '\0';
    if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &q, NULL) != SQLITE_OK)
        return;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        line = (const char *)sqlite3_column_text(q, 0);
        /* "ok" when whole; a header names the schema before its findings */
        if (line && strcmp(line, "ok") && strncmp(line, "*** in database ", 16)) {
            snprintf(out, cap, "%s", line);
            break;
        }
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        snprintf(out, cap, "it stops at the damage too");
    sqlite3_finalize(q);
}

wc_status store_db_error(wc_store *s, int rc, wc_error *err, const char *what)
{
    wc_status st = db_status(rc);
    const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

    if ((rc & 0xff) == SQLITE_CORRUPT && s && s->db) {
        /* the message first: quick_check replaces the connection's */
        char saved[WC_ERROR_MSG_MAX], found[STORE_QUICK_CHECK_MAX];

        snprintf(saved, sizeof(saved), "%s", msg);
        quick_check(s, found, sizeof(found));
        if (found[0])
            return store_damaged(s, err, "%s while %s (SQLite's quick_check: %s)", saved, what,
                                 found);
        return store_damaged(s, err, "%s while %s", saved, what);
    }
    if (st == WC_ERR_FULL)
        return wc_error_set(err, st, "disk full while %s in '%s': %s", what, s ? s->path : "?",
                            msg);
    if (st == WC_ERR_CORRUPT)
        return wc_error_set(err, st, "database '%s' is damaged or not a wirecopy database (%s)",
                            s ? s->path : "?", msg);
    if (st == WC_ERR_BUSY)
        return wc_error_set(err, st,
                            "database '%s' stayed busy (waited up to %d s) while %s: another "
                            "program (a running wirecopy ingest or follow?) is writing to it; "
                            "try again when it is done (%s)",
                            s ? s->path : "?", STORE_BUSY_TIMEOUT_MS / 1000, what, msg);
    return wc_error_set(err, st, "database error while %s in '%s': %s", what, s ? s->path : "?",
                        msg);
}

sqlite3_stmt *store_prepare(wc_store *s, sqlite3_stmt **slot, const char *sql, wc_error *err)
{
    int rc;

    if (!*slot) {
        rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL);
        if (rc != SQLITE_OK) {
            store_db_error(s, rc, err, "preparing a statement");
            return NULL;
        }
    }
    return *slot;
}

static sqlite3_stmt *stmt(wc_store *s, enum core_stmt id, wc_error *err)
{
    return store_prepare(s, &s->st[STORE_ST_CORE + id], core_sql[id], err);
}

void store_done(sqlite3_stmt *q)
{
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
}

/* Run a statement that returns no rows. */
wc_status store_run(wc_store *s, sqlite3_stmt *q, wc_error *err, const char *what)
{
    int rc = sqlite3_step(q);

    store_done(q);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store_db_error(s, rc, err, what);
    return WC_OK;
}

void store_bind_text(sqlite3_stmt *q, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, i);
}

void store_bind_time(sqlite3_stmt *q, int i, int64_t t)
{
    if (t == WC_TIME_NONE)
        sqlite3_bind_null(q, i);
    else
        sqlite3_bind_int64(q, i, t);
}

int64_t store_col_time(sqlite3_stmt *q, int i)
{
    return sqlite3_column_type(q, i) == SQLITE_NULL ? WC_TIME_NONE : sqlite3_column_int64(q, i);
}

const char *store_col_text(sqlite3_stmt *q, int i)
{
    return (const char *)sqlite3_column_text(q, i);
}

/* --- schema ------------------------------------------------------------------ */

/*
 * Migration N takes a database at user_version N-1 to N. Never edit a
 * migration that has shipped: add a new one.
 */
static const char *const migrations[] = {
    /* 1: documents, fingerprints, clusters */
    "CREATE TABLE meta (\n"
    "  key TEXT PRIMARY KEY,\n"
    "  value TEXT NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE documents (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  doc_key TEXT NOT NULL,          -- origin id, else URL, else path#offset\n"
    "  key_hash INTEGER NOT NULL,      -- xxh3-64 of doc_key (indexed)\n"
    "  content_hash BLOB NOT NULL,     -- xxh3-128 of the normalised text\n"
    "  source TEXT NOT NULL,           -- warc | dir | jsonl | feed | page\n"
    "  origin TEXT,                    -- file path or feed URL\n"
    "  origin_offset INTEGER,          -- byte offset of the record in origin\n"
    "  origin_line INTEGER,            -- line of the record in origin\n"
    "  origin_id TEXT,                 -- the input's own id\n"
    "  feed_id INTEGER,\n"
    "  url TEXT,\n"
    "  canonical_url TEXT,\n"
    "  fetched_at INTEGER,             -- seconds since 1970 UTC\n"
    "  published_at INTEGER,\n"
    "  modified_at INTEGER,\n"
    "  title TEXT,\n"
    "  author TEXT,\n"
    "  site TEXT,\n"
    "  lang TEXT,\n"
    "  description TEXT,\n"
    "  image TEXT,\n"
    "  text TEXT NOT NULL,\n"
    "  word_count INTEGER NOT NULL,\n"
    "  cluster_id INTEGER NOT NULL,\n"
    "  match_kind INTEGER NOT NULL,    -- 0 founded its cluster, 1 exact copy, 2 near copy\n"
    "  match_similarity REAL,          -- similarity to the document it matched on arrival\n"
    "  similarity REAL,                -- similarity to its cluster's representative\n"
    "  added_at INTEGER NOT NULL\n"
    ");\n"
    "CREATE INDEX documents_key ON documents(key_hash);\n"
    "CREATE INDEX documents_cluster ON documents(cluster_id);\n"
    "CREATE INDEX documents_content ON documents(content_hash);\n"
    "CREATE TABLE signatures (\n"
    "  doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,\n"
    "  fprint BLOB NOT NULL            -- packed fingerprint: MinHash signature(s), counts\n"
    ");\n"
    "CREATE TABLE clusters (\n"
    "  id INTEGER PRIMARY KEY,         -- id of the document that founded it\n"
    "  rep_id INTEGER NOT NULL,        -- earliest member: the likely original\n"
    "  size INTEGER NOT NULL,\n"
    "  first_seen INTEGER,\n"
    "  last_seen INTEGER\n"
    ");\n"
    "CREATE INDEX clusters_size ON clusters(size);\n"
    "CREATE VIEW cluster_members AS\n"
    "  SELECT d.cluster_id, d.id AS doc_id, coalesce(d.origin_id, d.url, d.id) AS member,\n"
    "         d.url, d.site, d.title, datetime(d.published_at, 'unixepoch') AS published,\n"
    "         datetime(d.fetched_at, 'unixepoch') AS fetched, d.similarity,\n"
    "         d.id = c.rep_id AS is_original, d.source, d.origin\n"
    "  FROM documents d JOIN clusters c ON c.id = d.cluster_id;\n"
    "CREATE VIEW cluster_list AS\n"
    "  SELECT c.id, c.size, d.title, datetime(c.first_seen, 'unixepoch') AS first_seen,\n"
    "         datetime(c.last_seen, 'unixepoch') AS last_seen, c.rep_id, d.url AS original_url\n"
    "  FROM clusters c JOIN documents d ON d.id = c.rep_id;\n",

    /* 2: followed feeds and the entries seen in them */
    "CREATE TABLE feeds (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  url TEXT NOT NULL UNIQUE,       -- current URL (updated by permanent redirects)\n"
    "  title TEXT,\n"
    "  site_url TEXT,\n"
    "  list_origin TEXT,               -- the list file it came from, if any\n"
    "  etag TEXT,\n"
    "  last_modified TEXT,\n"
    "  last_fetch_at INTEGER,\n"
    "  last_success_at INTEGER,\n"
    "  next_fetch_at INTEGER,\n"
    "  interval_s INTEGER,             -- learned polling interval\n"
    "  error_count INTEGER NOT NULL DEFAULT 0,\n"
    "  last_status INTEGER,            -- HTTP status of the last fetch (0 = no answer)\n"
    "  last_error TEXT,\n"
    "  state TEXT NOT NULL DEFAULT 'active', -- active | retired\n"
    "  fetch_pages INTEGER,            -- 1 entries are teasers: fetch article pages\n"
    "  added_at INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE feed_entries (\n"
    "  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,\n"
    "  entry_key TEXT NOT NULL,        -- entry id, else link\n"
    "  link TEXT,\n"
    "  doc_id INTEGER,\n"
    "  first_seen INTEGER NOT NULL,\n"
    "  state TEXT,                     -- stored | failed | skipped\n"
    "  PRIMARY KEY (feed_id, entry_key)\n"
    ") WITHOUT ROWID;\n",

    /*
     * 3: start-up reads (id, cluster_id) from a covering index instead of
     * the document rows (4 GB at a million articles: 20 s -> 11 s), and the
     * content-hash index goes: exact copies are found in memory, nothing
     * queries it, and random 16-byte keys made every insert slower.
     */
    "CREATE INDEX IF NOT EXISTS documents_id_cluster ON documents(id, cluster_id);\n"
    "DROP INDEX IF EXISTS documents_content;\n",

    /*
     * 4: stories, the second level of sameness: each copy cluster is placed
     * in one story (NULL until placed: a database from before, or an ingest
     * with --no-stories), a story's row is derived from its clusters as a
     * cluster's is from its members, and the profile a story is compared
     * by is kept per cluster, keyed by the founding document (a cluster's
     * id), so a copy-level recluster that renumbers clusters still finds it.
     */
    "ALTER TABLE clusters ADD COLUMN story_id INTEGER;          -- NULL until placed\n"
    "ALTER TABLE clusters ADD COLUMN story_similarity REAL;     -- to its story when placed\n"
    "CREATE INDEX clusters_story ON clusters(story_id);\n"
    "CREATE TABLE stories (\n"
    "  id INTEGER PRIMARY KEY,         -- id of its first copy cluster\n"
    "  clusters INTEGER NOT NULL,      -- copy clusters in it\n"
    "  size INTEGER NOT NULL,          -- documents in it\n"
    "  first_seen INTEGER,\n"
    "  last_seen INTEGER\n"
    ");\n"
    "CREATE INDEX stories_size ON stories(size);\n"
    "CREATE TABLE story_profiles (\n"
    "  doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,\n"
    "  profile BLOB NOT NULL           -- wc_story_profile_pack of the cluster's founder\n"
    ");\n"
    "CREATE VIEW story_list AS\n"
    "  SELECT s.id, s.size, s.clusters,\n"
    "         (SELECT d.title FROM clusters c JOIN documents d ON d.id = c.rep_id\n"
    "          WHERE c.story_id = s.id\n"
    "          ORDER BY c.first_seen IS NULL, c.first_seen, c.id LIMIT 1) AS title,\n"
    "         datetime(s.first_seen, 'unixepoch') AS first_seen,\n"
    "         datetime(s.last_seen, 'unixepoch') AS last_seen,\n"
    "         (SELECT count(DISTINCT d.site) FROM clusters c JOIN documents d\n"
    "          ON d.cluster_id = c.id WHERE c.story_id = s.id) AS sites\n"
    "  FROM stories s;\n"
    "CREATE VIEW story_members AS\n"
    "  SELECT c.story_id, c.id AS cluster_id, c.story_similarity, d.id AS doc_id,\n"
    "         coalesce(d.origin_id, d.url, d.id) AS member, d.url, d.site, d.title,\n"
    "         datetime(d.published_at, 'unixepoch') AS published,\n"
    "         datetime(d.fetched_at, 'unixepoch') AS fetched, d.similarity,\n"
    "         d.id = c.rep_id AS is_original\n"
    "  FROM clusters c JOIN documents d ON d.cluster_id = c.id\n"
    "  WHERE c.story_id IS NOT NULL;\n",
};

wc_status store_exec(wc_store *s, const char *sql, wc_error *err, const char *what)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        wc_status st = db_status(rc);
        if (st == WC_ERR_DB)
            wc_error_set(err, st, "database error while %s in '%s': %s", what, s->path,
                         msg ? msg : sqlite3_errstr(rc));
        else
            store_db_error(s, rc, err, what);
        sqlite3_free(msg);
        return st;
    }
    return WC_OK;
}

/* The tables of migration 1: every wirecopy database at version 1 or later has all of them. */
#define STORE_CORE_TABLES "'meta', 'documents', 'signatures', 'clusters'"
#define STORE_CORE_TABLE_COUNT 4

/*
 * What the file is, before anything is written to it: *v gets its schema
 * version, and a file that is not a wirecopy database (nor empty, nor
 * new) is refused. A database at version 0 must be empty, and one at a
 * later version must hold wirecopy's first tables: otherwise it is some
 * other program's file (another program may set user_version too). The
 * version and the tables are read in one statement, so from one
 * snapshot: read apart, another process's migration could commit between
 * the two, and its new tables would look foreign. Only reads: the caller
 * switches the journal to WAL and migrates after it says yes.
 */
static wc_status identify(wc_store *s, int *v, wc_error *err)
{
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT (SELECT user_version FROM pragma_user_version),"
                                " (SELECT count(*) FROM sqlite_schema),"
                                " (SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                                " AND name IN (" STORE_CORE_TABLES "))",
                                -1, &q, NULL);
    int n, core;

    *v = 0;
    if (rc != SQLITE_OK)
        return store_db_error(s, rc, err, "reading the schema");
    rc = sqlite3_step(q);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
    n = rc == SQLITE_ROW ? sqlite3_column_int(q, 1) : -1;
    core = rc == SQLITE_ROW ? sqlite3_column_int(q, 2) : -1;
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW)
        return store_db_error(s, rc, err, "reading the schema");
    if (n > 0 && *v == 0)
        return wc_error_set(err, WC_ERR_CORRUPT,
                            "'%s' is an SQLite database but not a wirecopy one (it has %d "
                            "table%s or index%s of its own and no wirecopy version); it was "
                            "left as it is",
                            s->path, n, n == 1 ? "" : "s", n == 1 ? "" : "es");
    if (*v > 0 && core != STORE_CORE_TABLE_COUNT)
        return wc_error_set(err, WC_ERR_CORRUPT,
                            "'%s' is an SQLite database but not a wirecopy one (its schema "
                            "version is %d but it lacks wirecopy's tables); it was left as it is",
                            s->path, *v);
    return WC_OK;
}

/* Bring an identified database (identify) from version v up to the current one. */
static wc_status migrate(wc_store *s, int v, wc_error *err)
{
    int target = (int)WC_ARRAY_SIZE(migrations);
    wc_status st;
    char pragma[64];

    if (v > target)
        return wc_error_set(err, WC_ERR_MISMATCH,
                            "database '%s' has schema version %d, newer than this wirecopy "
                            "knows (%d): upgrade wirecopy",
                            s->path, v, target);
    if (v == target)
        return WC_OK;
    /* a reader may have met the file while a writer was creating it: look again */
    if (s->readonly && (st = identify(s, &v, err)))
        return st;
    if (s->readonly && v == target)
        return WC_OK;
    if (s->readonly)
        return wc_error_set(err, WC_ERR_MISMATCH,
                            "database '%s' has schema version %d and needs migrating to %d: run "
                            "a writing command (ingest) once",
                            s->path, v, target);
    for (;;) {
        if ((st = store_exec(s, "BEGIN IMMEDIATE", err, "starting a migration")))
            return st;
        /* read again under the write lock: another process may have migrated meanwhile
         * (a `feeds add` while an ingest creates the database) */
        if ((st = identify(s, &v, err))) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return st;
        }
        if (v >= target) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            break;
        }
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
        if ((st = store_exec(s, migrations[v], err, "migrating the schema")) ||
            (st = store_exec(s, pragma, err, "migrating the schema")) ||
            (st = store_exec(s, "COMMIT", err, "migrating the schema"))) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return st;
        }
    }
    return WC_OK;
}

/* --- open / close ----------------------------------------------------------- */

static wc_status take_writer_lock(wc_store *s, int wait_ms, wc_error *err)
{
    double deadline;
    struct timespec ts = {0, 50 * 1000 * 1000};

    s->lock_fd = open(s->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (s->lock_fd < 0)
        return wc_error_sys(err, WC_ERR_IO, errno, "cannot open database '%s'", s->path);
    deadline = wc_time_mono() + wait_ms / 1000.0;
    for (;;) {
        if (flock(s->lock_fd, LOCK_EX | LOCK_NB) == 0)
            return WC_OK;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return wc_error_sys(err, WC_ERR_IO, errno, "cannot lock database '%s'", s->path);
        if (wc_time_mono() >= deadline)
            return wc_error_set(err, WC_ERR_BUSY,
                                "database '%s' is in use by another wirecopy writer (ingest, "
                                "follow or recluster); waited %d ms",
                                s->path, wait_ms);
        nanosleep(&ts, NULL);
    }
}

/* --- checkpointer --------------------------------------------------------------- */

static void *checkpointer_main(void *arg)
{
    wc_store *s = arg;
    sqlite3 *db = NULL;
    struct timespec ts;
    int log = 0, done_frames = 0;

    if (sqlite3_open_v2(s->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        sqlite3_close(db);
        db = NULL; /* the writer's connection then checkpoints on close only */
    }
    if (db)
        sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
    pthread_mutex_lock(&s->ckpt_mu);
    while (!s->ckpt_stop) {
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += STORE_CKPT_POLL_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->ckpt_cv, &s->ckpt_mu, &ts);
        if (s->ckpt_stop || !db)
            continue;
        pthread_mutex_unlock(&s->ckpt_mu);
        /*
         * A PASSIVE checkpoint never blocks the writer; a failed one is
         * retried next time. The read before it is what makes it work: a
         * connection that has not read since it opened does not know the
         * database is in WAL mode (the writer switches it after this
         * connection opened a new file) and its checkpoint is a no-op
         * that answers log = -1. That was the case for every pass until
         * 2026-11-23: the writer's restart did all the copying itself.
         */
        pthread_mutex_lock(&s->ckpt_pass_mu);
        sqlite3_exec(db, "PRAGMA schema_version", NULL, NULL, NULL);
        sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done_frames);
        pthread_mutex_unlock(&s->ckpt_pass_mu);
        pthread_mutex_lock(&s->ckpt_mu);
    }
    pthread_mutex_unlock(&s->ckpt_mu);
    sqlite3_close(db);
    return NULL;
}

static int wal_hook(void *ctx, sqlite3 *db, const char *name, int frames)
{
    (void)db;
    (void)name;
    ((wc_store *)ctx)->wal_frames = frames;
    return SQLITE_OK;
}

/*
 * After a commit: when the WAL has grown past the mark, finish what the
 * checkpointer has not copied yet and make the next transaction start the
 * log again at its beginning (RESTART), reusing the file's blocks. The
 * pass mutex waits out the checkpointer thread's own pass (SQLite would
 * answer BUSY at once, without calling the busy handler, while another
 * connection checkpoints). A reader that holds an old snapshot (an export
 * in another process) makes it give up after a second; the mark then
 * doubles so a long reader does not stall every commit.
 */
static void wal_restart(wc_store *s)
{
    int log = 0, done = 0, rc;

    if (!s->ckpt_running || s->wal_frames < s->wal_restart_at)
        return;
    /* waits for the checkpointer's current pass; a reader gets one second */
    sqlite3_busy_timeout(s->db, 1000);
    pthread_mutex_lock(&s->ckpt_pass_mu);
    rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_RESTART, &log, &done);
    pthread_mutex_unlock(&s->ckpt_pass_mu);
    sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
    if (rc == SQLITE_OK) {
        s->wal_restart_at = store_wal_restart_frames;
    } else if (s->wal_restart_at < INT_MAX / 2) {
        s->wal_restart_at *= 2;
    }
}

static void checkpointer_start(wc_store *s)
{
    pthread_mutex_init(&s->ckpt_mu, NULL);
    pthread_mutex_init(&s->ckpt_pass_mu, NULL);
    pthread_cond_init(&s->ckpt_cv, NULL);
    s->ckpt_stop = false;
    /* without the thread, SQLite's own auto-checkpoint stays on: slower, never wrong */
    if (wc_thread_create(&s->ckpt_thread, checkpointer_main, s) == 0) {
        s->ckpt_running = true;
        sqlite3_wal_autocheckpoint(s->db, 0);
        s->wal_frames = 0;
        s->wal_restart_at = store_wal_restart_frames;
        sqlite3_wal_hook(s->db, wal_hook, s); /* replaces the (disabled) auto-checkpoint hook */
    }
}

static void checkpointer_stop(wc_store *s)
{
    if (!s->ckpt_running)
        return;
    pthread_mutex_lock(&s->ckpt_mu);
    s->ckpt_stop = true;
    pthread_cond_signal(&s->ckpt_cv);
    pthread_mutex_unlock(&s->ckpt_mu);
    pthread_join(s->ckpt_thread, NULL);
    s->ckpt_running = false;
    pthread_mutex_destroy(&s->ckpt_mu);
    pthread_mutex_destroy(&s->ckpt_pass_mu);
    pthread_cond_destroy(&s->ckpt_cv);
}

/*
 * A reader of a WAL database needs to create the -shm file beside it. On a
 * read-only mount or in a directory it may not write, that fails; when no
 * -wal file is there (the last writer closed cleanly) the database file
 * alone is the whole truth, and SQLite can read it as immutable.
 */
static wc_status readonly_fallback(wc_store *s, wc_error *err)
{
    char *wal, *uri;
    size_t n, i, o;
    int rc = sqlite3_exec(s->db, "PRAGMA user_version", NULL, NULL, NULL), missing;

    if (rc != SQLITE_READONLY_DIRECTORY && rc != SQLITE_READONLY_CANTINIT &&
        rc != SQLITE_CANTOPEN && rc != SQLITE_READONLY)
        return WC_OK; /* fine, or a problem the real queries will report */
    n = strlen(s->path);
    if (!(wal = malloc(n + 5)))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory opening '%s'", s->path);
    memcpy(wal, s->path, n);
    memcpy(wal + n, "-wal", 5);
    missing = access(wal, F_OK) != 0 && errno == ENOENT;
    free(wal);
    if (!missing)
        return wc_error_set(err, WC_ERR_IO,
                            "cannot read database '%s': its directory is not writable and a "
                            "writer's -wal file is beside it (open it once where it can be "
                            "written, or copy it with `sqlite3 .backup`)",
                            s->path);
    /* file:PATH?immutable=1, with the URI's special characters escaped */
    if (!(uri = malloc(3 * n + 32)))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory opening '%s'", s->path);
    memcpy(uri, "file:", 5);
    o = 5;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s->path[i];
        if (c == '%' || c == '?' || c == '#' || c <= ' ' || c >= 0x7f) {
            uri[o++] = '%';
            uri[o++] = "0123456789ABCDEF"[c >> 4];
            uri[o++] = "0123456789ABCDEF"[c & 15];
        } else {
            uri[o++] = (char)c;
        }
    }
    memcpy(uri + o, "?immutable=1", 13);
    sqlite3_close(s->db);
    s->db = NULL;
    rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                         NULL);
    free(uri);
    if (rc != SQLITE_OK)
        return store_db_error(s, rc, err, "opening");
    sqlite3_extended_result_codes(s->db, 1);
    return WC_OK;
}

wc_status wc_store_open(const char *path, unsigned flags, int lock_wait_ms, wc_store **out,
                        wc_error *err)
{
    wc_store *s;
    wc_status st;
    int rc, oflags, version;
    struct stat sb;
    char pragmas[256];
    double deadline;
    struct timespec pause = {0, 20 * 1000 * 1000};

    *out = NULL;
    s = calloc(1, sizeof(*s));
    if (!s || !(s->path = wc_strdup(path))) {
        free(s);
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory opening '%s'", path);
    }
    s->lock_fd = -1;
    s->readonly = (flags & WC_STORE_READONLY) != 0;
    if (s->readonly) {
        if (stat(path, &sb) != 0) {
            st = wc_error_sys(err, errno == ENOENT ? WC_ERR_NOTFOUND : WC_ERR_IO, errno,
                              "cannot open database '%s'", path);
            goto fail;
        }
        oflags = SQLITE_OPEN_READONLY;
    } else {
        oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    }
    if ((flags & WC_STORE_WRITER) && (st = take_writer_lock(s, lock_wait_ms, err)))
        goto fail;
    rc = sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        st = store_db_error(s, rc, err, "opening");
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    if (s->readonly && (st = readonly_fallback(s, err)))
        goto fail;
    /* the connection's own settings: nothing here writes to the file */
    snprintf(pragmas, sizeof(pragmas),
             "PRAGMA foreign_keys = ON; PRAGMA cache_size = -%d; PRAGMA temp_store = MEMORY;%s",
             STORE_CACHE_KIB, s->readonly ? "" : " PRAGMA synchronous = NORMAL;");
    /*
     * SQLite answers BUSY at once, without calling the busy handler, when
     * waiting could deadlock: two processes creating one database (an
     * ingest and a `feeds add`), one switching it to WAL while the other
     * reads it, failed now and then (1 in ~100 such races). Both steps can
     * be run again, so they are, until the busy timeout has passed.
     */
    deadline = wc_time_mono() + STORE_BUSY_TIMEOUT_MS / 1000.0;
    for (;;) {
        /* each try waits in SQLite's busy handler only for what is left of the one timeout */
        double left = deadline - wc_time_mono();
        sqlite3_busy_timeout(s->db, left > 0 ? (int)(left * 1000) : 0);
        /*
         * The file is identified before anything is written to it: another
         * program's database is refused as it was found, its journal mode
         * included (switching to WAL rewrites the file's header).
         */
        if (!(st = store_exec(s, pragmas, err, "opening")) && !(st = identify(s, &version, err)) &&
            (s->readonly || !(st = store_exec(s, "PRAGMA journal_mode = WAL", err, "opening"))))
            st = migrate(s, version, err);
        if (st != WC_ERR_BUSY || wc_time_mono() >= deadline)
            break;
        nanosleep(&pause, NULL);
    }
    sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
    if (st)
        goto fail;
    if (flags & WC_STORE_WRITER)
        checkpointer_start(s);
    *out = s;
    return WC_OK;
fail:
    wc_store_close(s);
    return st;
}

void wc_store_close(wc_store *s)
{
    size_t i;

    if (!s)
        return;
    if (s->in_tx && s->db)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    checkpointer_stop(s);
    if (s->db && !s->readonly) {
        /* leave no WAL behind; a reader still open makes it give up at once, harmlessly */
        sqlite3_busy_timeout(s->db, 0);
        sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    }
    for (i = 0; i < STORE_STMTS; i++)
        sqlite3_finalize(s->st[i]);
    for (i = 0; i < STORE_EXTRA_STMTS; i++)
        sqlite3_finalize(s->xst[i]);
    if (s->db)
        sqlite3_close_v2(s->db);
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* after sqlite3_close: see the top of this file */
    free(s->path);
    free(s);
}

const char *wc_store_path(const wc_store *s)
{
    return s->path;
}

/* --- transactions -------------------------------------------------------------- */

wc_status wc_store_begin(wc_store *s, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_BEGIN, err);
    wc_status st;

    if (!q)
        return err ? err->code : WC_ERR_DB;
    if ((st = store_run(s, q, err, "starting a transaction")))
        return st;
    s->in_tx = true;
    return WC_OK;
}

wc_status wc_store_commit(wc_store *s, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_COMMIT, err);
    wc_status st;

    if (!q)
        return err ? err->code : WC_ERR_DB;
    if ((st = store_run(s, q, err, "committing"))) {
        wc_store_rollback(s);
        return st;
    }
    s->in_tx = false;
    wal_restart(s);
    return WC_OK;
}

void wc_store_rollback(wc_store *s)
{
    if (!s->in_tx)
        return;
    if (sqlite3_get_autocommit(s->db) == 0)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_tx = false;
}

/* --- meta -------------------------------------------------------------------- */

wc_status wc_store_meta_get(wc_store *s, const char *key, char **val, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_META_GET, err);
    int rc;

    *val = NULL;
    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *val = wc_strdup(store_col_text(q, 0) ? store_col_text(q, 0) : "");
        store_done(q);
        return *val ? WC_OK : wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    }
    store_done(q);
    if (rc != SQLITE_DONE)
        return store_db_error(s, rc, err, "reading settings");
    return WC_OK;
}

wc_status wc_store_meta_set(wc_store *s, const char *key, const char *val, wc_error *err)
{
    sqlite3_stmt *q = stmt(s, ST_META_SET, err);

    if (!q)
        return err ? err->code : WC_ERR_DB;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, val, -1, SQLITE_STATIC);
    return store_run(s, q, err, "saving settings");
}
