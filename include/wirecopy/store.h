/*
 * store.h - the SQLite database: the only module that speaks SQL.
 *
 * One file holds documents (text + metadata + provenance), their
 * fingerprints, clusters, followed feeds and the entries seen in them.
 * The schema is versioned with PRAGMA user_version and migrated forward
 * on open; the journal is WAL so readers (clusters, show, export) never
 * block the one writer. Writers (ingest, follow, recluster) also hold an
 * exclusive advisory lock for their whole run, because the clustering
 * index lives in the writer's memory: two writers would each miss the
 * other's documents.
 *
 * Every statement is prepared once per handle; writes are batched in
 * explicit transactions by the caller (wc_store_begin/commit).
 * A handle is not thread-safe: one thread uses it at a time.
 */
#ifndef WIRECOPY_STORE_H
#define WIRECOPY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/buf.h"
#include "wirecopy/dump.h"
#include "wirecopy/error.h"

typedef struct wc_store wc_store;

enum wc_store_flags {
    WC_STORE_READONLY = (1 << 0), /* never write; fail if the file does not exist */
    WC_STORE_WRITER = (1 << 1),   /* take the writer lock (ingest, follow, recluster) */
};

/* The schema version this build writes (PRAGMA user_version). */
#define WC_STORE_SCHEMA_VERSION 3

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
/* *val is malloc'd (caller frees) or NULL when absent. */
wc_status wc_store_meta_get(wc_store *s, const char *key, char **val, wc_error *err);
wc_status wc_store_meta_set(wc_store *s, const char *key, const char *val, wc_error *err);

/* --- documents -------------------------------------------------------- */

/* What is stored for one article. Strings may be NULL; all borrowed. */
typedef struct wc_doc {
    int64_t id;                /* chosen by the caller (wc_store_next_doc_id) */
    const char *doc_key;       /* identity of the input item: origin id, else URL, else
                                  origin path#offset; with content_hash it makes
                                  re-ingesting the same item a no-op */
    wc_source source;
    const char *origin;        /* file path or feed URL */
    uint64_t origin_offset;    /* byte offset in origin, or 0 */
    uint64_t origin_line;      /* line in origin, or 0 */
    const char *origin_id;     /* the input's own id, or NULL */
    int64_t feed_id;           /* feeds.id for followed articles, else 0 */
    const char *url;
    const char *canonical_url;
    int64_t fetched_at;        /* seconds UTC or INT64_MIN */
    int64_t published_at;
    int64_t modified_at;
    const char *title;
    const char *author;
    const char *site;
    const char *lang;
    const char *description;
    const char *image;
    const char *text;          /* article body, UTF-8 */
    size_t text_len;
    size_t word_count;
    const uint8_t *content_hash; /* 16 bytes: xxh3-128 of the normalised text */
    int64_t cluster_id;        /* cluster the document joined */
    int match_kind;            /* 0 new cluster, 1 exact copy, 2 near copy */
    double similarity;         /* to the document it matched (1 for new) */
    bool rep_known;            /* rep_similarity holds its similarity to the cluster's
                                  representative (else it is set when the cluster is
                                  refreshed; a founder's is 1) */
    double rep_similarity;
    const void *fprint;        /* packed fingerprint blob */
    size_t fprint_len;
} wc_doc;

/* One more than the largest document id stored. */
wc_status wc_store_next_doc_id(wc_store *s, int64_t *out, wc_error *err);

/*
 * Is an item with this doc_key and content hash already stored? *id gets
 * its id (WC_OK) or WC_ERR_NOTFOUND.
 */
wc_status wc_store_find_doc(wc_store *s, const char *doc_key, const uint8_t hash[16],
                            int64_t *id, wc_error *err);

/* The 64-bit hash of a doc_key that the documents table keeps (key_hash). */
uint64_t wc_store_key_hash(const char *doc_key);

/*
 * Call fn with every document's id and key hash, in no set order, read
 * from the key index alone (a fraction of the table: ingest loads them at
 * start-up to answer "already stored?" in memory).
 */
typedef wc_status (*wc_store_key_fn)(void *ctx, int64_t doc_id, uint64_t key_hash);
wc_status wc_store_each_key(wc_store *s, wc_store_key_fn fn, void *ctx, wc_error *err);

/* Insert the document and its fingerprint (inside the caller's transaction). */
wc_status wc_store_insert_doc(wc_store *s, const wc_doc *d, wc_error *err);

/* Move every member of cluster `from` into cluster `into`. */
wc_status wc_store_merge_clusters(wc_store *s, int64_t from, int64_t into, wc_error *err);

/* Set a document's cluster (used by recluster). */
wc_status wc_store_set_doc_cluster(wc_store *s, int64_t doc_id, int64_t cluster_id, int kind,
                                   double similarity, wc_error *err);

/* Replace one document's fingerprint blob (recluster with new signature parameters). */
wc_status wc_store_set_fprint(wc_store *s, int64_t doc_id, const void *blob, size_t len,
                              wc_error *err);

/* A document's packed fingerprint into out (replacing its contents). */
wc_status wc_store_get_fprint(wc_store *s, int64_t doc_id, wc_buf *out, wc_error *err);

/*
 * Call fn for every stored document in id order with its cluster and
 * packed fingerprint (for rebuilding the in-memory index). fn returns
 * WC_OK to go on, anything else to stop (and that status is returned).
 * blob is borrowed for the call only.
 */
typedef wc_status (*wc_store_fprint_fn)(void *ctx, int64_t doc_id, int64_t cluster_id,
                                        const void *blob, size_t len);
wc_status wc_store_each_fprint(wc_store *s, wc_store_fprint_fn fn, void *ctx, wc_error *err);

/*
 * Call fn for every document's text in id order (recluster with new
 * signature parameters re-fingerprints stored text without re-extracting).
 */
typedef wc_status (*wc_store_text_fn)(void *ctx, int64_t doc_id, const char *text, size_t len);
wc_status wc_store_each_text(wc_store *s, wc_store_text_fn fn, void *ctx, wc_error *err);

/* --- clusters --------------------------------------------------------- */

/*
 * Recompute a cluster's row from its members: size, first and last seen
 * (published time, else fetch time), and its representative = earliest
 * member (the likely original). A cluster left with no members is deleted.
 * *rep_out (may be NULL) gets the representative (0 when deleted) and
 * *rep_changed whether it differs from before.
 */
wc_status wc_store_refresh_cluster(wc_store *s, int64_t cluster_id, int64_t *rep_out,
                                   bool *rep_changed, wc_error *err);

/*
 * Add the row of a cluster that has one member, its founder rep_id, seen
 * at t (seconds UTC or INT64_MIN): what wc_store_refresh_cluster would
 * compute, without reading anything back.
 */
wc_status wc_store_add_cluster(wc_store *s, int64_t cluster_id, int64_t rep_id, int64_t t,
                               wc_error *err);

/*
 * What a member joining a cluster needs to know whether it becomes the
 * representative: the representative's id, the cluster's first_seen
 * (INT64_MIN when undated) and the representative's word count.
 * WC_ERR_NOTFOUND when the cluster has no row.
 */
wc_status wc_store_cluster_head(wc_store *s, int64_t cluster_id, int64_t *rep_id,
                                int64_t *first_seen, int64_t *rep_words, wc_error *err);

/*
 * One more member, seen at t (INT64_MIN when undated), that sorts after the
 * representative: the size grows by one and last_seen takes t if later.
 * The incremental form of wc_store_refresh_cluster for the common join.
 */
wc_status wc_store_cluster_grow(wc_store *s, int64_t cluster_id, int64_t t, wc_error *err);

/* Member ids of a cluster, in time order (caller frees *ids). */
wc_status wc_store_cluster_member_ids(wc_store *s, int64_t cluster_id, int64_t **ids, size_t *n,
                                      wc_error *err);

/* Set each member's similarity to the representative. */
wc_status wc_store_set_similarity(wc_store *s, int64_t doc_id, double similarity, wc_error *err);

/* Drop every cluster row and every document's assignment (recluster). */
wc_status wc_store_clear_clusters(wc_store *s, wc_error *err);

/* One cluster as listed and exported. Strings are borrowed until the next call on the iterator. */
typedef struct wc_cluster_row {
    int64_t id;
    int64_t size;
    int64_t rep_id;
    const char *title;  /* the representative's title */
    int64_t first_seen; /* seconds UTC or INT64_MIN */
    int64_t last_seen;
    const char *sites;  /* distinct member sites, ", "-separated (may be truncated with "...") */
    const char *lead;   /* listings only (wc_store_clusters with_sites): the representative's
                           first 100 characters of text when it has no title, else NULL */
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
    double similarity;  /* to the cluster's representative */
    int match_kind;
    size_t word_count;
} wc_member_row;

enum wc_cluster_order {
    WC_ORDER_ID = 0,   /* cluster id ascending */
    WC_ORDER_SIZE,     /* biggest first, then id */
    WC_ORDER_RECENT,   /* last seen, newest first */
};

typedef struct wc_cluster_iter wc_cluster_iter;

/*
 * Clusters with at least min_size members, in the given order; limit 0 = all.
 * with_sites: a listing for people, with each cluster's sites and, when the
 * original has no title, the start of its text (costs a read per cluster).
 */
wc_status wc_store_clusters(wc_store *s, int64_t min_size, enum wc_cluster_order order,
                            int64_t limit, bool with_sites, wc_cluster_iter **out, wc_error *err);
/* WC_OK with *row filled, WC_DONE at the end. */
wc_status wc_cluster_iter_next(wc_cluster_iter *it, wc_cluster_row *row, wc_error *err);
void wc_cluster_iter_free(wc_cluster_iter *it);

/* One cluster by id: WC_ERR_NOTFOUND when there is none. */
wc_status wc_store_cluster_get(wc_store *s, int64_t id, wc_cluster_row *row, wc_buf *strings,
                               wc_error *err);

typedef struct wc_member_iter wc_member_iter;
/* Members of a cluster in time order (earliest first; undated last, by id). */
wc_status wc_store_members(wc_store *s, int64_t cluster_id, wc_member_iter **out, wc_error *err);
wc_status wc_member_iter_next(wc_member_iter *it, wc_member_row *row, wc_error *err);
void wc_member_iter_free(wc_member_iter *it);

/* Counts for `wirecopy stats`. */
typedef struct wc_store_stats {
    int64_t documents, clusters, clusters_multi, copies, exact_copies, near_copies, feeds;
    int64_t largest_cluster, db_bytes;
} wc_store_stats;
wc_status wc_store_get_stats(wc_store *s, wc_store_stats *st, wc_error *err);

#endif
