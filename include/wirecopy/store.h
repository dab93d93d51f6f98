/*
 * store.h - the SQLite database: the only module that speaks SQL.
 *
 * One file holds documents (text + metadata + provenance), their
 * fingerprints, clusters of copies, the stories that group those
 * clusters, followed feeds and the entries seen in them. The schema is
 * versioned with PRAGMA user_version and migrated forward on open; the
 * journal is WAL so readers (clusters, stories, show, export) never block
 * the one writer. Writers (ingest, follow, recluster) also hold an
 * exclusive advisory lock for their whole run, because the clustering
 * index lives in the writer's memory: two writers would each miss the
 * other's documents.
 *
 * What a library user needs is here: open and close, transactions, the
 * settings, the clusters and their members, the counts; stories are in
 * store_stories.h, followed feeds in store_feeds.h. Documents, cluster
 * rows and stories are written only through ingest.h and recluster.h
 * (wc_ingest, wc_recluster): the rows must agree with the clustering and
 * story indexes that live in the writer's memory, so the functions that
 * write them are the library's own (src/store/store_writer.h).
 *
 * Every statement is prepared once per handle; writes are batched in
 * explicit transactions (wc_store_begin/commit; a wc_ingest_call callback
 * runs inside the writer's). A handle is not thread-safe: one thread uses
 * it at a time.
 */
#ifndef WIRECOPY_STORE_H
#define WIRECOPY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/buf.h"
#include "wirecopy/cluster.h"
#include "wirecopy/dump.h"
#include "wirecopy/error.h"

typedef struct wc_store wc_store;

enum wc_store_flags {
    WC_STORE_READONLY = (1 << 0), /* never write; fail if the file does not exist */
    WC_STORE_WRITER = (1 << 1),   /* take the writer lock (ingest, follow, recluster) */
};

/* The schema version this build writes (PRAGMA user_version). */
#define WC_STORE_SCHEMA_VERSION 4

/*
 * Open (creating and migrating as needed) the database at path.
 * WC_STORE_WRITER waits up to lock_wait_ms for another writer to finish,
 * then fails with WC_ERR_BUSY. A file that is not a wirecopy database, or
 * one written by a newer wirecopy, fails with WC_ERR_CORRUPT / WC_ERR_MISMATCH.
 */
wc_status wc_store_open(const char *path, unsigned flags, int lock_wait_ms, wc_store **out,
                        wc_error *err);
/* Close (rolling back an open transaction); NULL is a no-op. */
void wc_store_close(wc_store *s);
/* The path given to open (borrowed). */
const char *wc_store_path(const wc_store *s);

wc_status wc_store_begin(wc_store *s, wc_error *err);
wc_status wc_store_commit(wc_store *s, wc_error *err);
void wc_store_rollback(wc_store *s);

/* meta table: small key/value settings (fingerprint parameters, creation time). */
/* The key of the fingerprint parameters (wc_fp_params_format's text). */
#define WC_STORE_META_FPRINT "fingerprint"
/* *val is malloc'd (caller frees) or NULL when absent. */
wc_status wc_store_meta_get(wc_store *s, const char *key, char **val, wc_error *err);

/* --- clusters --------------------------------------------------------- */

/*
 * Bytes a cluster's title, or its list of sites, may take when read: a
 * page's title is cut at 2 KiB by extract and a site is a host name, but a
 * JSONL record's title is whatever its producer wrote; 1 MiB is far above
 * any real one and bounds what a damaged row costs to list. A longer one
 * fails the read with WC_ERR_LIMIT. wc_store_cluster_get's strings buffer
 * needs room for both (WC_STORE_CLUSTER_STRINGS_MAX).
 */
#define WC_STORE_ROW_TEXT_MAX ((size_t)1 << 20)
#define WC_STORE_CLUSTER_STRINGS_MAX (2 * WC_STORE_ROW_TEXT_MAX + 2)

/* One cluster as listed and exported. Strings are borrowed until the next call on the iterator. */
typedef struct wc_cluster_row {
    int64_t id;
    int64_t size;
    int64_t original_id; /* its earliest member, the likely original (clusters.rep_id) */
    const char *title;   /* the original's title */
    int64_t first_seen;  /* seconds UTC or INT64_MIN */
    int64_t last_seen;
    const char *sites; /* distinct member sites, ", "-separated (may be truncated with "...") */
    const char *lead;  /* listings only (wc_store_clusters with_sites): the original's
                          first 100 characters of text when it has no title, else NULL */
    int64_t story_id;  /* the story it is placed in (store_stories.h), 0 when none */
    double story_similarity; /* its score against that story when placed, in [0, 1]; 0 when
                                none (1 for the cluster that founded its story) */
} wc_cluster_row;

typedef struct wc_member_row {
    int64_t doc_id;
    const char *origin_id;
    const char *url;
    const char *site;
    const char *title;
    const char *source;
    const char *origin;
    int64_t published_at;
    int64_t fetched_at;
    double similarity;        /* to the cluster's original */
    wc_match_kind match_kind; /* how it joined the cluster */
    size_t word_count;
} wc_member_row;

enum wc_cluster_order {
    WC_ORDER_ID = 0, /* cluster id ascending */
    WC_ORDER_SIZE,   /* biggest first, then id */
    WC_ORDER_RECENT, /* last seen, newest first */
};

typedef struct wc_cluster_iter wc_cluster_iter;

/*
 * Clusters with at least min_size members, in the given order; limit 0 = all.
 * with_sites: a listing for people, with each cluster's sites and, when the
 * original has no title, the start of its text (costs a read per cluster).
 */
wc_status wc_store_clusters(wc_store *s, int64_t min_size, enum wc_cluster_order order,
                            int64_t limit, bool with_sites, wc_cluster_iter **out, wc_error *err);
/*
 * WC_OK with *row filled, WC_DONE at the end. A row that disagrees with its
 * members (size, original, story), or a page SQLite finds damaged, is
 * WC_ERR_CORRUPT, the message saying so and pointing to `wirecopy check`;
 * so for every reader of this header and store_stories.h.
 */
wc_status wc_cluster_iter_next(wc_cluster_iter *it, wc_cluster_row *row, wc_error *err);
void wc_cluster_iter_free(wc_cluster_iter *it);

/*
 * One cluster by id: WC_ERR_NOTFOUND when there is none. row's strings
 * point into `strings` (replaced), which should allow
 * WC_STORE_CLUSTER_STRINGS_MAX bytes.
 */
wc_status wc_store_cluster_get(wc_store *s, int64_t id, wc_cluster_row *row, wc_buf *strings,
                               wc_error *err);

typedef struct wc_member_iter wc_member_iter;
/*
 * Members of a cluster, earliest first (the original first): dated before
 * undated, then by time (published, else fetched), then more words, then id.
 */
wc_status wc_store_members(wc_store *s, int64_t cluster_id, wc_member_iter **out, wc_error *err);
/*
 * The next member: WC_OK, WC_DONE after the last, WC_ERR_CORRUPT when the
 * members are not what their cluster's row says (its size, its original).
 */
wc_status wc_member_iter_next(wc_member_iter *it, wc_member_row *row, wc_error *err);
/* Free it (NULL is a no-op), before its store is closed. */
void wc_member_iter_free(wc_member_iter *it);

/* Counts for `wirecopy stats`. */
typedef struct wc_store_stats {
    int64_t documents, clusters, clusters_multi, copies, exact_copies, near_copies, feeds;
    int64_t largest_cluster, db_bytes;
    int64_t stories;       /* story rows (store_stories.h) */
    int64_t stories_multi; /* stories of two or more copy clusters */
} wc_store_stats;
wc_status wc_store_get_stats(wc_store *s, wc_store_stats *st, wc_error *err);

/* --- checking (`wirecopy check`) -------------------------------------- */

/* What wc_store_check found and went through. */
typedef struct wc_store_check_counts {
    int64_t problems;                     /* damage found (all counted, not all told) */
    int64_t documents, clusters, stories; /* rows in the database */
} wc_store_check_counts;

/* Problems one rule tells one by one; past them, one message counts the rest. */
#define WC_STORE_CHECK_SHOWN 20

/*
 * Check the whole database, reading only: SQLite's PRAGMA integrity_check
 * and foreign_key_check, then wirecopy's own rules (every document's
 * cluster exists; a cluster's size, original, founder and times are its
 * members'; every cluster's story exists and a story's counts and times
 * are its clusters'; columns hold what wirecopy writes; key hashes,
 * fingerprints and story profiles read back). Each problem goes to fn
 * (may be NULL) as a WC_ERR_CORRUPT whose message names the row. One read
 * snapshot, so a writer running beside it is never taken for damage.
 * WC_OK when nothing is wrong, WC_ERR_CORRUPT when something is (err
 * counts the problems), another status when the check could not run
 * (memory, a failing disk). Slow on a big database: it reads every page.
 */
wc_status wc_store_check(wc_store *s, wc_problem_fn fn, void *ctx, wc_store_check_counts *out,
                         wc_error *err);

#endif
