/*
 * recluster.c - rebuild every cluster of a database from its stored
 * fingerprints (recluster.h).
 *
 * The idea: clustering is a deterministic function of the documents in
 * arrival order, so a new index fed every stored document in id order
 * (which is arrival order) makes exactly the clusters a fresh ingest of
 * the same documents would (test_ingest compares the two column by
 * column). That is what changing a comparison parameter (threshold,
 * banding) needs, and what repairs damaged cluster rows. Changing a
 * parameter that shapes the fingerprints themselves (shingle size,
 * signature length) first recomputes them from the stored text: no page
 * is extracted again.
 *
 * One pass, one transaction: every fingerprint is read once (with its
 * document's time, for the ordering of originals) and assigned; then the
 * cluster rows are written as the index has them, and every document's
 * cluster, kind and similarities, in id order. On any failure or a stop
 * the transaction is rolled back and the database is as it was. The
 * whole assignment table stays in memory (40 bytes a document) beside the
 * index, so a million documents need about 1 GB.
 *
 * Not done here: reading records, extraction, the ingest threads; a
 * recluster holds the writer lock like an ingest, so none runs meanwhile.
 */
#include "wirecopy/recluster.h"

#include <stdlib.h>
#include <string.h>

#include "wirecopy/cluster.h"
#include "wirecopy/fingerprint.h"
#include "store/store_writer.h"
#include "internal.h"

/* One stored document as recluster placed it. */
struct assignment {
    int64_t doc_id;
    int64_t cluster_id;      /* its cluster at the end (after merges) */
    wc_match_kind kind;      /* how it joined */
    double match_similarity; /* to the document it matched (1 for new) */
    double similarity;       /* to its cluster's original at the end */
};

struct recluster_ctx {
    wc_store *store;
    const wc_fp_params *params;
    wc_fp_worker *fpw;
    wc_cluster_index *index;
    wc_buf blob;
    struct assignment *v; /* in doc id order */
    size_t n, cap;
    const volatile sig_atomic_t *stop;
    wc_error *err;
    uint64_t refp;
};

static wc_status refingerprint_one(void *p, int64_t doc_id, const char *text, size_t len)
{
    struct recluster_ctx *rc = p;
    wc_fprint fp;
    wc_status st;

    if (rc->stop && *rc->stop)
        return wc_error_set(rc->err, WC_ERR_INTERRUPTED, "interrupted");
    if ((st = wc_fp_compute(rc->fpw, text, len, &fp, rc->err)))
        return st;
    wc_buf_reset(&rc->blob);
    if ((st = wc_fprint_pack(&fp, &rc->blob)))
        return wc_error_set(rc->err, st, "out of memory");
    if ((st =
             wc_store_set_fprint(rc->store, doc_id, rc->blob.buf, rc->blob.len, fp.words, rc->err)))
        return st;
    rc->refp++;
    return WC_OK;
}

static wc_status assign_one(void *p, int64_t doc_id, int64_t cluster_id, int64_t t,
                            const void *blob, size_t len)
{
    struct recluster_ctx *rc = p;
    wc_fprint fp;
    wc_match m;
    wc_status st;

    (void)cluster_id;
    if (rc->stop && *rc->stop)
        return wc_error_set(rc->err, WC_ERR_INTERRUPTED, "interrupted");
    if ((st = wc_fprint_unpack(blob, len, rc->params, &fp, rc->err)))
        return st;
    if ((st = wc_cluster_assign(rc->index, doc_id, &fp, t, &m, rc->err)))
        return st;
    if (rc->n == rc->cap) {
        size_t cap = rc->cap ? rc->cap * 2 : 4096;
        struct assignment *v = realloc(rc->v, cap * sizeof(*v));
        if (!v)
            return wc_error_set(rc->err, WC_ERR_NOMEM, "out of memory");
        rc->v = v;
        rc->cap = cap;
    }
    rc->v[rc->n].doc_id = doc_id;
    rc->v[rc->n].kind = m.kind;
    rc->v[rc->n].match_similarity = m.kind == WC_MATCH_NEW ? 1.0 : m.similarity;
    rc->n++;
    return WC_OK;
}

static int cmp_assignment(const void *key, const void *elem)
{
    int64_t id = *(const int64_t *)key, other = ((const struct assignment *)elem)->doc_id;

    return (id > other) - (id < other);
}

/* A member's similarity to its final original, into its assignment (wc_cluster_member_fn). */
static wc_status note_similarity(void *p, int64_t doc_id, double similarity)
{
    struct recluster_ctx *rc = p;
    struct assignment *a = bsearch(&doc_id, rc->v, rc->n, sizeof(*rc->v), cmp_assignment);

    if (!a)
        return WC_ERR_NOTFOUND;
    a->similarity = similarity;
    return WC_OK;
}

wc_status wc_recluster(wc_store *s, const wc_fp_params *params, const volatile sig_atomic_t *stop,
                       wc_recluster_stats *out, wc_error *err)
{
    struct recluster_ctx rc;
    wc_fp_params stored_params, use;
    wc_cluster_info row;
    char *stored = NULL, text[WC_FP_PARAMS_MAX];
    int64_t *cids = NULL;
    size_t i, n;
    wc_status st;

    memset(&rc, 0, sizeof(rc));
    memset(out, 0, sizeof(*out));
    wc_buf_init(&rc.blob, WC_FPRINT_PACKED_MAX); /* one packed fingerprint at a time */
    if ((st = wc_store_meta_get(s, WC_STORE_META_FPRINT, &stored, err)))
        return st;
    if (stored) {
        if ((st = wc_fp_params_parse(stored, strlen(stored), &stored_params, err)))
            goto out_free;
    } else {
        stored_params = wc_fp_params_default();
    }
    use = params ? *params : stored_params;
    rc.store = s;
    rc.params = &use;
    rc.stop = stop;
    rc.err = err;
    if (!(rc.index = wc_cluster_index_new(&use)) || !(rc.fpw = wc_fp_worker_new(&use))) {
        st = wc_error_set(err, WC_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((st = wc_store_begin(s, err)))
        goto out;
    if (stored && !wc_fp_params_same_fprints(&stored_params, &use) &&
        (st = wc_store_each_text(s, refingerprint_one, &rc, err)))
        goto out;
    out->refingerprinted = rc.refp;
    /* every document in id order, with its time: one index, as a fresh ingest builds it */
    if ((st = wc_store_each_fprint(s, true, assign_one, &rc, err)))
        goto out;
    out->documents = rc.n;

    /*
     * The clusters at the end, each once, in id order: a cluster's id is
     * the smallest id of the documents that founded the clusters it is
     * made of, which stays in it; so the clusters are the documents that
     * are in the cluster of their own id.
     */
    cids = malloc((rc.n ? rc.n : 1) * sizeof(*cids));
    if (!cids) {
        st = wc_error_set(err, WC_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (i = 0, n = 0; i < rc.n; i++) {
        if (wc_cluster_index_cluster_of(rc.index, rc.v[i].doc_id, &rc.v[i].cluster_id)) {
            st = wc_error_set(err, WC_ERR_CORRUPT, "document %lld lost its cluster",
                              (long long)rc.v[i].doc_id);
            goto out;
        }
        if (rc.v[i].cluster_id == rc.v[i].doc_id)
            cids[n++] = rc.v[i].cluster_id;
    }

    /* apply: the cluster rows as the index has them, then every document's place */
    if ((st = wc_store_clear_clusters(s, err)))
        goto out;
    for (i = 0; i < n; i++) {
        if (stop && *stop) {
            st = wc_error_set(err, WC_ERR_INTERRUPTED, "interrupted");
            goto out;
        }
        if (wc_cluster_index_cluster(rc.index, cids[i], &row) ||
            wc_cluster_index_members(rc.index, cids[i], note_similarity, &rc)) {
            st = wc_error_set(err, WC_ERR_CORRUPT, "cluster %lld lost its members",
                              (long long)cids[i]);
            goto out;
        }
        out->clusters++;
        out->multi += row.size > 1;
        if ((st = wc_store_put_cluster(s, &row, err)))
            goto out;
    }
    for (i = 0; i < rc.n; i++)
        if ((st = wc_store_set_doc_cluster(s, rc.v[i].doc_id, rc.v[i].cluster_id, rc.v[i].kind,
                                           rc.v[i].match_similarity, rc.v[i].similarity, err)))
            goto out;
    wc_fp_params_format(&use, text);
    if ((st = wc_store_meta_set(s, WC_STORE_META_FPRINT, text, err)))
        goto out;
    st = wc_store_commit(s, err);
out:
    if (st)
        wc_store_rollback(s);
out_free:
    free(cids);
    free(rc.v);
    free(stored);
    wc_buf_release(&rc.blob);
    wc_fp_worker_free(rc.fpw);
    wc_cluster_index_free(rc.index);
    return st;
}
