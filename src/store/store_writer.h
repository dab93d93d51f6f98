/*
 * store_writer.h - the writer's side of the store: how the ingest writer
 * and recluster put documents, fingerprints, cluster rows and stories into
 * the database and read back what a run starts from. Private to the library
 * (src/ingest.c, src/recluster.c, the store's own files and the tests):
 * a library user reads a database through store.h and writes one through
 * ingest.h, never row by row, because the rows must agree with the
 * in-memory clustering index that only a wc_ingest (or wc_recluster)
 * holds.
 *
 * Records travel one way: the writer is handed every row it writes (the
 * document by the workers, its cluster and the cluster's row by the
 * clustering index, which keeps each cluster's original in memory) and
 * never reads a document, a fingerprint or a cluster back. What is read
 * is read once, at the start of a run, by the scans below.
 *
 * Every function here runs inside the caller's transaction
 * (wc_store_begin/commit) on a store opened with WC_STORE_WRITER, except
 * the start-up scans, which read.
 */
#ifndef WC_STORE_WRITER_H
#define WC_STORE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/cluster.h"
#include "wirecopy/dump.h"
#include "wirecopy/error.h"
#include "wirecopy/store.h"
#include "wirecopy/store_stories.h"

/* Set a setting of the meta table (see wc_store_meta_get). */
wc_status wc_store_meta_set(wc_store *s, const char *key, const char *val, wc_error *err);

/* --- documents -------------------------------------------------------- */

/* What is stored for one article. Strings may be NULL; all borrowed. */
typedef struct wc_doc {
    int64_t id;          /* chosen by the caller (wc_store_next_doc_id) */
    const char *doc_key; /* identity of the input item: origin id, else URL, else
                            origin path#offset; with content_hash it makes
                            re-ingesting the same item a no-op */
    wc_source source;
    const char *origin;     /* file path or feed URL */
    uint64_t origin_offset; /* byte offset in origin, or 0 */
    uint64_t origin_line;   /* line in origin, or 0 */
    const char *origin_id;  /* the input's own id, or NULL */
    int64_t feed_id;        /* feeds.id for followed articles, else 0 */
    const char *url;
    const char *canonical_url;
    int64_t fetched_at; /* seconds UTC or INT64_MIN */
    int64_t published_at;
    int64_t modified_at;
    const char *title;
    const char *author;
    const char *site;
    const char *lang;
    const char *description;
    const char *image;
    const char *text; /* article body, UTF-8 */
    size_t text_len;
    size_t word_count;
    const uint8_t *content_hash; /* 16 bytes: xxh3-128 of the normalised text */
    int64_t cluster_id;          /* cluster the document joined */
    wc_match_kind match_kind;    /* how it joined cluster_id */
    double match_similarity;     /* to the document it matched (1 for new) */
    double similarity;           /* to its cluster's original (1 for the original) */
    const void *fprint;          /* packed fingerprint blob */
    size_t fprint_len;
} wc_doc;

/* One more than the largest document id stored. */
wc_status wc_store_next_doc_id(wc_store *s, int64_t *out, wc_error *err);

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

/* Move every member of cluster `from` into cluster `into`, and drop from's row. */
wc_status wc_store_merge_clusters(wc_store *s, int64_t from, int64_t into, wc_error *err);

/* Set a document's cluster, how it joined it and its two similarities (recluster). */
wc_status wc_store_set_doc_cluster(wc_store *s, int64_t doc_id, int64_t cluster_id,
                                   wc_match_kind kind, double match_similarity, double similarity,
                                   wc_error *err);

/* Set a document's similarity to its cluster's original (the original changed). */
wc_status wc_store_set_similarity(wc_store *s, int64_t doc_id, double similarity, wc_error *err);

/*
 * Replace one document's fingerprint blob, made from its stored text under
 * new signature parameters (recluster), and its word count with the words
 * that fingerprint counted.
 */
wc_status wc_store_set_fprint(wc_store *s, int64_t doc_id, const void *blob, size_t len,
                              uint32_t words, wc_error *err);

/*
 * Call fn for every stored document in id order with its cluster and
 * packed fingerprint (for rebuilding the in-memory index), and with_time:
 * its time for the ordering of originals (published, else fetched;
 * INT64_MIN when neither; without with_time always INT64_MIN, and only
 * an index of the documents is read, not their rows). fn returns WC_OK to
 * go on, anything else to stop (and that status is returned). blob is
 * borrowed for the call only.
 */
typedef wc_status (*wc_store_fprint_fn)(void *ctx, int64_t doc_id, int64_t cluster_id, int64_t t,
                                        const void *blob, size_t len);
wc_status wc_store_each_fprint(wc_store *s, bool with_time, wc_store_fprint_fn fn, void *ctx,
                               wc_error *err);

/*
 * Call fn for every document's text in id order (recluster with new
 * signature parameters re-fingerprints stored text without re-extracting).
 */
typedef wc_status (*wc_store_text_fn)(void *ctx, int64_t doc_id, const char *text, size_t len);
wc_status wc_store_each_text(wc_store *s, wc_store_text_fn fn, void *ctx, wc_error *err);

/* --- clusters --------------------------------------------------------- */

/* Write a cluster's row as the index has it (insert or replace). */
wc_status wc_store_put_cluster(wc_store *s, const wc_cluster_info *row, wc_error *err);

/*
 * Call fn with every cluster row, in no set order (start-up: the index
 * learns each loaded cluster's original and times from its row).
 */
typedef wc_status (*wc_store_cluster_fn)(void *ctx, const wc_cluster_info *row);
wc_status wc_store_each_cluster(wc_store *s, wc_store_cluster_fn fn, void *ctx, wc_error *err);

/*
 * Drop every cluster row, and with them their story links and every story
 * row (recluster writes them all again; story profiles stay, keyed by
 * document).
 */
wc_status wc_store_clear_clusters(wc_store *s, wc_error *err);

/* --- stories (store_stories.c) ------------------------------------------ */

/* A story's row as the story index has it. */
typedef struct wc_story_info {
    int64_t id;                    /* its first copy cluster's id */
    int64_t clusters;              /* copy clusters in it */
    int64_t size;                  /* documents in it */
    int64_t first_seen, last_seen; /* seconds UTC, INT64_MIN when no member is dated */
} wc_story_info;

/* Write a story's row (insert or replace). */
wc_status wc_store_put_story(wc_store *s, const wc_story_info *row, wc_error *err);

/*
 * Drop a story's row (a story merged into another). Only the row: the
 * links of clusters that named it are the caller's to move first
 * (wc_store_set_cluster_story). No row is no error.
 */
wc_status wc_store_drop_story(wc_store *s, int64_t id, wc_error *err);

/*
 * Place a cluster in a story with its score against it (story_id 0 takes
 * it out of any). The cluster's row must be written first
 * (wc_store_put_cluster): WC_ERR_NOTFOUND when there is none.
 * wc_store_put_cluster keeps the link; wc_store_merge_clusters keeps
 * into's.
 */
wc_status wc_store_set_cluster_story(wc_store *s, int64_t cluster_id, int64_t story_id,
                                     double similarity, wc_error *err);

/* Store (or replace) the packed story profile of a cluster's founding document doc_id. */
wc_status wc_store_put_story_profile(wc_store *s, int64_t doc_id, const void *blob, size_t len,
                                     wc_error *err);

/* Drop every story row and every cluster's story link (profiles stay). */
wc_status wc_store_clear_stories(wc_store *s, wc_error *err);

/*
 * Every cluster in ascending id with its row, its story link (story_id 0
 * when none) and its founder's stored profile (blob NULL, len 0 when none
 * is stored). blob borrowed for the call. fn returns WC_OK to go on; any
 * other status stops and is returned.
 */
typedef wc_status (*wc_store_story_cluster_fn)(void *ctx, const wc_cluster_info *row,
                                               int64_t story_id, double similarity,
                                               const void *blob, size_t len);
wc_status wc_store_each_story_cluster(wc_store *s, wc_store_story_cluster_fn fn, void *ctx,
                                      wc_error *err);

/* What a profile is made from, for a cluster that has none stored (an older database). */
typedef struct wc_story_source {
    const char *title, *text, *lang; /* NULL when the document has none (text never NULL) */
    size_t text_len;
    int64_t published_at; /* seconds UTC or INT64_MIN */
    int64_t doc_id;       /* the document they are of (its profile is stored under it) */
} wc_story_source;

/*
 * The founder document's (doc id == cluster id; if that doc is gone, the
 * cluster's original) fields. out's strings point into `strings`
 * (replaced; its cap bounds what a document may take: WC_ERR_LIMIT past
 * it). WC_ERR_NOTFOUND when there is neither.
 */
wc_status wc_store_story_source(wc_store *s, int64_t cluster_id, wc_story_source *out,
                                wc_buf *strings, wc_error *err);

/* Every cluster of story `from` moves to story `into` (a merge; from's row is the caller's). */
wc_status wc_store_move_story(wc_store *s, int64_t from, int64_t into, wc_error *err);

/*
 * The stored profile of a cluster's founder (doc id == cluster id), else of
 * its original, into out (replaced). WC_ERR_NOTFOUND when neither has one.
 */
wc_status wc_store_story_profile_get(wc_store *s, int64_t cluster_id, wc_buf *out, wc_error *err);

/* Every story row (start-up), in ascending id. fn as for wc_store_each_story_cluster. */
typedef wc_status (*wc_store_story_fn)(void *ctx, const wc_story_info *row);
wc_status wc_store_each_story(wc_store *s, wc_store_story_fn fn, void *ctx, wc_error *err);

#endif
