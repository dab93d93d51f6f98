/*
 * cluster.h - the in-memory near-duplicate index: which stored document
 * does a new one copy, and which cluster does it join.
 *
 * SQLite is the durable store; this index is rebuilt at start-up from the
 * stored fingerprints and cluster rows (wc_cluster_index_load and
 * wc_cluster_index_load_cluster, no decisions) and then decides for each
 * new document (wc_cluster_assign) on one thread (ingest's assigner). It
 * costs 780-900 bytes per document with the default parameters
 * (wc_cluster_index_memory), and the work of an assignment
 * does not grow with the index: candidates come from hash tables, never
 * from a scan.
 *
 * How a new document is placed:
 *   1. exact: the same canonical text (xxh3-128) is already indexed ->
 *      that document's cluster (kind WC_MATCH_EXACT);
 *   2. candidates: documents sharing an LSH band of the body signature or
 *      of the lead signature;
 *   3. verification: every candidate is checked with the pair rule of
 *      wc_fp_is_copy() (estimated Jaccard, or containment for cut copies,
 *      both with agreeing leads);
 *   4. policy against chaining (A~B, B~C, A and C unrelated), judged
 *      against each cluster's anchor, its fullest member:
 *      - the document is anchored in a cluster when it is a copy of the
 *        anchor as a whole (Jaccard), or longer and containing it;
 *      - it may join a cluster when anchored, or when it is a fragment
 *        contained in a member it matched, or a Jaccard copy of a member;
 *      - it joins the best such cluster; others are merged into it only
 *        when the document is anchored in both, or their anchors
 *        are copies of each other. A fragment shared by two stories never
 *        joins them.
 *   The result does not depend on arrival order except where these rules
 *   meet ambiguous documents; docs/dedup.md gives the measured spread.
 *
 * Each cluster has two distinguished members with two jobs:
 *   anchor    its fullest member (most shingles, then the smallest id):
 *             the policy above judges newcomers against it;
 *   original  its earliest member, the likely source of the others: dated
 *             before undated (a document's time is its published time,
 *             else its fetch time), then the earlier time, then more
 *             words, then the smaller id (src/original.h holds the rule).
 *             The store shows it first and keeps each member's similarity
 *             to it; the index keeps it as documents arrive, with the
 *             cluster's size and first and last times, so whoever writes
 *             the cluster rows (ingest, recluster) is handed them and never
 *             reads a cluster back.
 *
 * Cluster ids are document ids: a new cluster's id is its founding
 * document's id; when clusters merge, the smallest id survives and the
 * others are reported as absorbed. Thread-safety: none; one thread owns an
 * index.
 */
#ifndef WIRECOPY_CLUSTER_H
#define WIRECOPY_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/error.h"
#include "wirecopy/fingerprint.h"

typedef struct wc_cluster_index wc_cluster_index;

/* How a document joined its cluster; the values are what documents.match_kind stores. */
typedef enum wc_match_kind {
    WC_MATCH_NEW = 0,   /* founded its own cluster (cluster_id == doc_id) */
    WC_MATCH_EXACT = 1, /* identical canonical text to best_doc */
    WC_MATCH_NEAR = 2   /* verified near copy of best_doc */
} wc_match_kind;

/* What wc_cluster_assign decided for one document. */
typedef struct wc_match {
    int64_t doc_id;     /* the document assigned */
    int64_t cluster_id; /* its cluster (after any merge) */
    wc_match_kind kind;
    int64_t best_doc;        /* the document it matched best; 0 when kind is NEW */
    double similarity;       /* wc_similarity.score against best_doc; 1 for exact, 0 for new */
    double jaccard;          /* estimated Jaccard against best_doc */
    double containment;      /* estimated containment against best_doc */
    const int64_t *absorbed; /* clusters merged into cluster_id by this document (borrowed,
                                valid until the next call on the index); every document
                                of these clusters now belongs to cluster_id */
    size_t nabsorbed;
    int64_t original_id;        /* cluster_id's original after this document */
    double original_similarity; /* this document's wc_similarity.score against the original
                                   (1 when it is the original) */
    bool original_changed;      /* the original is another document than before, or clusters
                                   merged: every member's similarity to it may have changed
                                   (wc_cluster_index_members gives them all) */
} wc_match;

/* A cluster as the store keeps its row (the clusters table). */
typedef struct wc_cluster_info {
    int64_t id;          /* the cluster */
    int64_t original_id; /* its original (clusters.rep_id) */
    int64_t size;        /* its members */
    int64_t first_seen;  /* the earliest time of a dated member (the original's), or INT64_MIN */
    int64_t last_seen;   /* the latest time of a dated member, or INT64_MIN */
} wc_cluster_info;

/*
 * New empty index for fingerprints made under p (copied). NULL when out of
 * memory or p is invalid.
 */
wc_cluster_index *wc_cluster_index_new(const wc_fp_params *p);
void wc_cluster_index_free(wc_cluster_index *idx);

/*
 * Threads that may build the band tables at once (after a bulk load, and
 * when the tables grow): 0, the default, means as many as this thread's
 * CPU affinity allows. The tables come out the same whatever the number.
 */
void wc_cluster_index_set_threads(wc_cluster_index *idx, unsigned threads);

/*
 * Make room for ndocs documents in all (before a bulk load of a known
 * number of stored rows), so the tables do not grow and rebuild on the
 * way. Optional: the index grows by itself. WC_ERR_LIMIT, WC_ERR_NOMEM.
 */
wc_status wc_cluster_index_reserve(wc_cluster_index *idx, size_t ndocs, wc_error *err);

/*
 * Bulk rebuild: add a stored document with its stored cluster, deciding
 * nothing. Load every stored document (any order) before the first
 * wc_cluster_assign. WC_ERR_USAGE when doc_id is already indexed or fp
 * was made under other parameters, WC_ERR_LIMIT past 2^27 - 2 documents,
 * WC_ERR_NOMEM.
 */
wc_status wc_cluster_index_load(wc_cluster_index *idx, int64_t doc_id, int64_t cluster_id,
                                const wc_fprint *fp, wc_error *err);

/*
 * Bulk rebuild, after the documents: a loaded cluster's stored row, which
 * names its original and its times (the index knows no document's time).
 * Every loaded cluster needs its row before the first wc_cluster_assign,
 * which otherwise fails with WC_ERR_CORRUPT. A row of a cluster with no
 * loaded member is ignored; WC_ERR_CORRUPT when the row does not fit the
 * loaded members (its original is not one of them, or another size).
 */
wc_status wc_cluster_index_load_cluster(wc_cluster_index *idx, const wc_cluster_info *row,
                                        wc_error *err);

/*
 * Decide for a NEW document doc_id (not yet indexed; ids are the store's
 * rowids, > 0) with time t (its published time, else its fetch time;
 * INT64_MIN when it has neither) and add it to the index. *out says
 * which cluster and why. Errors as for wc_cluster_index_load, and
 * WC_ERR_CORRUPT after a load that left a cluster without its row; on
 * error the index is unchanged.
 *
 * `recluster` equals a fresh ingest: a new index plus wc_cluster_assign
 * for every stored document in the same order (ascending doc id, which
 * is arrival order) gives the same clusters, as the procedure is
 * deterministic.
 */
wc_status wc_cluster_assign(wc_cluster_index *idx, int64_t doc_id, const wc_fprint *fp, int64_t t,
                            wc_match *out, wc_error *err);

/* The cluster of an indexed document: WC_OK, or WC_ERR_NOTFOUND. */
wc_status wc_cluster_index_cluster_of(const wc_cluster_index *idx, int64_t doc_id,
                                      int64_t *cluster_id);

/*
 * A cluster's row as it stands: WC_OK, or WC_ERR_NOTFOUND when cluster_id
 * is not a cluster (never was, or was absorbed).
 */
wc_status wc_cluster_index_cluster(const wc_cluster_index *idx, int64_t cluster_id,
                                   wc_cluster_info *out);

/*
 * Call fn for every member of cluster_id with its similarity to the
 * cluster's original (wc_similarity.score; 1 for the original itself), in
 * no set order. Stops at the first status other than WC_OK that fn
 * returns, and returns it; WC_ERR_NOTFOUND when cluster_id is not a
 * cluster.
 */
typedef wc_status (*wc_cluster_member_fn)(void *ctx, int64_t doc_id, double similarity);
wc_status wc_cluster_index_members(const wc_cluster_index *idx, int64_t cluster_id,
                                   wc_cluster_member_fn fn, void *ctx);

/* Documents indexed. */
size_t wc_cluster_index_count(const wc_cluster_index *idx);

/* Bytes the index holds (allocations, not counting malloc overhead). */
size_t wc_cluster_index_memory(const wc_cluster_index *idx);

#endif
