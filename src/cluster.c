/*
 * cluster.c - the in-memory near-duplicate index (see cluster.h); its LSH
 * band tables are in cluster_lsh.c.
 *
 * Layout. Documents live in parallel arrays indexed by arrival (a uint32
 * "doc index"): a small record (id, cluster, shingle counts), the first 8
 * bytes of the exact hash, the body signature (perm x 16 bits) and the lead
 * signature (lead_perm x 16 bits). Every lookup table is open addressing
 * over 4-byte slots that hold a doc index + 1 (0 = empty); a slot's key is
 * read back from the document arrays instead of being stored, which keeps
 * each table at 4 bytes per entry / load factor:
 *
 *   - doc id -> doc, cluster id -> cluster (for load and lookups);
 *   - exact hash -> first document with that canonical text;
 *   - one table per LSH band (cluster_lsh.c).
 *
 * Per document this is 2 * (perm + lead_perm) bytes of signatures, 6.7-10
 * bytes per band (slots are 40-60% used), and some 50 bytes of records
 * and maps: 780-900 bytes with the defaults (wc_cluster_index_memory
 * reports the exact figure). An assignment probes a fixed number of
 * buckets and verifies what it finds, so its work does not grow with the
 * index. Exact copies are not put in the band tables (their first copy
 * stands for them).
 *
 * Clusters are union-find nodes (path halving). A root knows the cluster
 * id (the smallest founding id after merges), its size and its two
 * distinguished members:
 *   - the anchor, the member with the most shingles, the fullest text,
 *     against which longer newcomers are checked (cluster.h explains the
 *     policy, docs/dedup.md measures it);
 *   - the original, the earliest member by original.h's rule, with its
 *     time (the cluster's first_seen) and the cluster's last time: what
 *     the store's cluster row holds, kept here so that whoever writes the
 *     row is handed it. The index keeps no document's time: only the
 *     original's, which is all a newcomer or a merge is compared with,
 *     and each document's word count (the rule's tie-break) fills what
 *     was padding in its record.
 * The members of a cluster form a cycle through next[] (4 bytes a
 * document), which a merge splices in constant time, so the members'
 * similarities to a new original can be listed without the store.
 */
#include "cluster_internal.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "original.h"
#include "internal.h"

static uint64_t exact8(const uint8_t *e)
{
    uint64_t v;
    memcpy(&v, e, 8);
    return v;
}

/* Grow *p (n elements of size sz, capacity *cap) to hold need elements. */
static bool grow_array(void **p, size_t *cap, size_t need, size_t sz)
{
    size_t ncap;
    void *q;

    if (need <= *cap)
        return true;
    ncap = *cap ? *cap + *cap / 4 : 256; /* +25%: realloc of large blocks moves pages, not bytes */
    if (ncap < need)
        ncap = need;
    q = realloc(*p, ncap * sz);
    if (!q)
        return false;
    *p = q;
    *cap = ncap;
    return true;
}

/* --- id and exact maps ------------------------------------------------------------ */

static uint64_t map_key(const wc_cluster_index *idx, enum map_kind kind, uint32_t v)
{
    switch (kind) {
    case MAP_DOC:
        return (uint64_t)idx->docs[v].id;
    case MAP_CLUSTER:
        return (uint64_t)idx->cl[v].id;
    default:
        return idx->exact[v];
    }
}

/* Index stored under key, or UINT32_MAX. */
static uint32_t map_find(const wc_cluster_index *idx, const struct table *t, enum map_kind kind,
                         uint64_t key)
{
    size_t i, mask = t->cap - 1;

    if (!t->cap)
        return UINT32_MAX;
    for (i = wc_mix64(key) & mask; t->slot[i]; i = (i + 1) & mask)
        if (map_key(idx, kind, t->slot[i] - 1) == key)
            return t->slot[i] - 1;
    return UINT32_MAX;
}

/* Put v under its key (room must have been reserved; the key must be absent). */
static void map_put(const wc_cluster_index *idx, struct table *t, enum map_kind kind, uint32_t v)
{
    size_t i, mask = t->cap - 1;

    for (i = wc_mix64(map_key(idx, kind, v)) & mask; t->slot[i]; i = (i + 1) & mask)
        ;
    t->slot[i] = v + 1;
    t->count++;
}

/* Make room for `want` entries at load <= 0.7 (rehashing when needed). */
static bool map_reserve(const wc_cluster_index *idx, struct table *t, enum map_kind kind,
                        size_t want)
{
    struct table nt;
    size_t i;

    if (t->cap && want * 10 <= t->cap * 7)
        return true;
    nt.cap = t->cap ? t->cap * 2 : MAP_MIN_CAP;
    while (want * 10 > nt.cap * 7)
        nt.cap *= 2;
    nt.count = 0;
    nt.slot = cluster_slots_alloc(nt.cap);
    if (!nt.slot)
        return false;
    for (i = 0; i < t->cap; i++)
        if (t->slot[i])
            map_put(idx, &nt, kind, t->slot[i] - 1);
    cluster_slots_free(t->slot, t->cap);
    *t = nt;
    return true;
}

/* --- clusters ------------------------------------------------------------------------- */

static uint32_t find_root(wc_cluster_index *idx, uint32_t c)
{
    while (idx->cl[c].parent != c) {
        idx->cl[c].parent = idx->cl[idx->cl[c].parent].parent; /* path halving */
        c = idx->cl[c].parent;
    }
    return c;
}

/*
 * New cluster node with the given id, for its first member d (added next
 * with cluster_add); room must have been reserved. Its original is not
 * known yet: original_offer or wc_cluster_index_load_cluster says it.
 */
static uint32_t cluster_new(wc_cluster_index *idx, int64_t id, uint32_t d)
{
    uint32_t c = (uint32_t)idx->ncl++;

    idx->cl[c].id = id;
    idx->cl[c].parent = c;
    idx->cl[c].anchor = d;
    idx->cl[c].original = UINT32_MAX;
    idx->cl[c].first = idx->cl[c].last = WC_TIME_NONE;
    idx->cl[c].size = 0;
    map_put(idx, &idx->clmap, MAP_CLUSTER, c);
    return c;
}

/* Is doc a a fuller text than doc b (more shingles, then the older id)? */
static bool fuller(const wc_cluster_index *idx, uint32_t a, uint32_t b)
{
    if (idx->docs[a].shingles != idx->docs[b].shingles)
        return idx->docs[a].shingles > idx->docs[b].shingles;
    return idx->docs[a].id < idx->docs[b].id;
}

/* Add doc d to the cluster rooted at root: its members' cycle, its size, its anchor. */
static void cluster_add(wc_cluster_index *idx, uint32_t root, uint32_t d)
{
    struct cluster *c = &idx->cl[root];

    idx->docs[d].cluster = root;
    if (c->size) {
        idx->next[d] = idx->next[c->anchor];
        idx->next[c->anchor] = d;
    } else {
        idx->next[d] = d;
    }
    c->size++;
    if (fuller(idx, d, c->anchor))
        c->anchor = d;
}

/* Does doc d, of time t, come before the original of the cluster rooted at root? */
static bool before_original(const wc_cluster_index *idx, uint32_t d, int64_t t, uint32_t root)
{
    const struct cluster *c = &idx->cl[root];
    uint32_t o = c->original;

    return original_before(t, idx->docs[d].words, idx->docs[d].id, c->first, idx->docs[o].words,
                           idx->docs[o].id);
}

/*
 * Doc d, of time t, was just added to the cluster rooted at root: its time
 * may be the last, and it may be the new original. True when it is.
 */
static bool original_offer(wc_cluster_index *idx, uint32_t root, uint32_t d, int64_t t)
{
    struct cluster *c = &idx->cl[root];

    if (t != WC_TIME_NONE && (c->last == WC_TIME_NONE || t > c->last))
        c->last = t;
    if (c->original != UINT32_MAX && !before_original(idx, d, t, root))
        return false;
    c->original = d;
    c->first = t;
    return true;
}

/* Merge root b into root a; the smaller id survives. Returns the new root. */
static uint32_t cluster_union(wc_cluster_index *idx, uint32_t a, uint32_t b)
{
    struct cluster *ca = &idx->cl[a], *cb = &idx->cl[b];
    uint32_t anchor = fuller(idx, cb->anchor, ca->anchor) ? cb->anchor : ca->anchor;
    const struct cluster *early = before_original(idx, cb->original, cb->first, a) ? cb : ca;
    uint32_t original = early->original, next;
    int64_t id = ca->id < cb->id ? ca->id : cb->id, first = early->first, last = ca->last;
    uint32_t size = ca->size + cb->size;
    uint32_t root = ca->size >= cb->size ? a : b, child = root == a ? b : a;

    if (cb->last != WC_TIME_NONE && (last == WC_TIME_NONE || cb->last > last))
        last = cb->last;
    /* one cycle of members from two: swap the successors of one member of each */
    next = idx->next[ca->anchor];
    idx->next[ca->anchor] = idx->next[cb->anchor];
    idx->next[cb->anchor] = next;
    idx->cl[child].parent = root;
    idx->cl[root].id = id;
    idx->cl[root].anchor = anchor;
    idx->cl[root].original = original;
    idx->cl[root].first = first;
    idx->cl[root].last = last;
    idx->cl[root].size = size;
    return root;
}

/* The root of cluster node c, without compressing the path (for const lookups). */
static uint32_t root_of(const wc_cluster_index *idx, uint32_t c)
{
    while (idx->cl[c].parent != c)
        c = idx->cl[c].parent;
    return c;
}

/* The root of the cluster whose id is cluster_id, or UINT32_MAX when there is none (now). */
static uint32_t cluster_root(const wc_cluster_index *idx, int64_t cluster_id)
{
    uint32_t c = map_find(idx, &idx->clmap, MAP_CLUSTER, (uint64_t)cluster_id);

    if (c == UINT32_MAX)
        return UINT32_MAX;
    c = root_of(idx, c);
    return idx->cl[c].id == cluster_id ? c : UINT32_MAX; /* else absorbed */
}

/* --- the index -------------------------------------------------------------------------- */

wc_cluster_index *wc_cluster_index_new(const wc_fp_params *p)
{
    wc_cluster_index *idx;

    if (wc_fp_params_check(p, NULL) != WC_OK)
        return NULL;
    idx = calloc(1, sizeof(*idx));
    if (!idx)
        return NULL;
    idx->p = *p;
    if (!idx->p.lead_tokens) {
        idx->p.lead_perm = 0;
        idx->p.lead_bands = 0;
    }
    idx->perm = idx->p.perm;
    idx->lperm = idx->p.lead_perm;
    idx->ntables = idx->p.bands + idx->p.lead_bands;
    {
        /* The tag a fingerprint made under p carries (fingerprint.c). */
        wc_fprint probe;
        wc_fp_worker *w = wc_fp_worker_new(&idx->p);
        if (!w || wc_fp_compute(w, "", 0, &probe, NULL) != WC_OK) {
            wc_fp_worker_free(w);
            free(idx);
            return NULL;
        }
        idx->tag = probe.params_tag;
        wc_fp_worker_free(w);
    }
    idx->band_count = calloc(idx->ntables, sizeof(*idx->band_count));
    /* Scratch sized for the worst case, so an assignment never allocates halfway. */
    idx->cand_cap = (size_t)LSH_BUCKET_CAP * idx->ntables;
    idx->cand = malloc(idx->cand_cap * sizeof(*idx->cand));
    for (idx->seen_cap = 16; idx->seen_cap < 2 * idx->cand_cap;)
        idx->seen_cap *= 2;
    idx->seen = malloc(idx->seen_cap * sizeof(*idx->seen));
    idx->votes_cap = VERIFY_CAP;
    idx->votes = malloc(idx->votes_cap * sizeof(*idx->votes));
    idx->absorbed_cap = VERIFY_CAP;
    idx->absorbed = malloc(idx->absorbed_cap * sizeof(*idx->absorbed));
    if (!idx->band_count || !idx->cand || !idx->seen || !idx->votes || !idx->absorbed) {
        wc_cluster_index_free(idx);
        return NULL;
    }
    return idx;
}

void wc_cluster_index_set_threads(wc_cluster_index *idx, unsigned threads)
{
    idx->threads = threads;
}

void wc_cluster_index_free(wc_cluster_index *idx)
{
    if (!idx)
        return;
    free(idx->docs);
    free(idx->exact);
    free(idx->sig);
    free(idx->lead);
    free(idx->next);
    free(idx->cl);
    cluster_slots_free(idx->docmap.slot, idx->docmap.cap);
    cluster_slots_free(idx->clmap.slot, idx->clmap.cap);
    cluster_slots_free(idx->exactmap.slot, idx->exactmap.cap);
    cluster_slots_free(idx->band_slots, idx->band_cap * idx->ntables);
    free(idx->band_count);
    free(idx->cand);
    free(idx->seen);
    free(idx->votes);
    free(idx->absorbed);
    free(idx);
}

size_t wc_cluster_index_count(const wc_cluster_index *idx)
{
    return idx->ndocs;
}

size_t wc_cluster_index_memory(const wc_cluster_index *idx)
{
    size_t m = sizeof(*idx);

    m += idx->docs_cap * (sizeof(struct doc) + sizeof(uint64_t) + sizeof(*idx->next) +
                          sizeof(uint16_t) * (idx->perm + idx->lperm));
    m += idx->cl_cap * sizeof(struct cluster);
    m += (idx->docmap.cap + idx->clmap.cap + idx->exactmap.cap) * sizeof(uint32_t);
    m += idx->band_cap * idx->ntables * sizeof(*idx->band_slots);
    m += idx->ntables * sizeof(*idx->band_count);
    m += idx->cand_cap * sizeof(*idx->cand) + idx->seen_cap * sizeof(*idx->seen) +
         idx->votes_cap * sizeof(*idx->votes) + idx->absorbed_cap * sizeof(*idx->absorbed);
    return m;
}

wc_status wc_cluster_index_cluster_of(const wc_cluster_index *idx, int64_t doc_id,
                                      int64_t *cluster_id)
{
    uint32_t d = map_find(idx, &idx->docmap, MAP_DOC, (uint64_t)doc_id);

    if (d == UINT32_MAX)
        return WC_ERR_NOTFOUND;
    *cluster_id = idx->cl[root_of(idx, idx->docs[d].cluster)].id;
    return WC_OK;
}

wc_status wc_cluster_index_cluster(const wc_cluster_index *idx, int64_t cluster_id,
                                   wc_cluster_info *out)
{
    uint32_t r = cluster_root(idx, cluster_id);
    const struct cluster *c;

    if (r == UINT32_MAX)
        return WC_ERR_NOTFOUND;
    c = &idx->cl[r];
    out->id = c->id;
    out->original_id = c->original == UINT32_MAX ? 0 : idx->docs[c->original].id;
    out->size = c->size;
    out->first_seen = c->first;
    out->last_seen = c->last;
    return WC_OK;
}

/* Document d's similarity to the original o of its cluster (1 for o itself). */
static double original_similarity(const wc_cluster_index *idx, uint32_t d, uint32_t o);

wc_status wc_cluster_index_members(const wc_cluster_index *idx, int64_t cluster_id,
                                   wc_cluster_member_fn fn, void *ctx)
{
    uint32_t r = cluster_root(idx, cluster_id), first, d;
    wc_status st;

    if (r == UINT32_MAX || idx->cl[r].original == UINT32_MAX)
        return WC_ERR_NOTFOUND;
    first = d = idx->cl[r].anchor;
    do {
        if ((st = fn(ctx, idx->docs[d].id, original_similarity(idx, d, idx->cl[r].original))))
            return st;
        d = idx->next[d];
    } while (d != first);
    return WC_OK;
}

/* Room for `want` documents in the per-document arrays. */
static bool reserve_docs(wc_cluster_index *idx, size_t want)
{
    size_t cap = idx->docs_cap, c2;

    if (want <= cap)
        return true;
    c2 = cap;
    if (!grow_array((void **)&idx->docs, &c2, want, sizeof(*idx->docs)))
        return false;
    c2 = cap;
    if (!grow_array((void **)&idx->exact, &c2, want, sizeof(*idx->exact)))
        return false;
    c2 = cap;
    if (!grow_array((void **)&idx->sig, &c2, want, sizeof(*idx->sig) * idx->perm))
        return false;
    if (idx->lperm) {
        c2 = cap;
        if (!grow_array((void **)&idx->lead, &c2, want, sizeof(*idx->lead) * idx->lperm))
            return false;
    }
    c2 = cap;
    if (!grow_array((void **)&idx->next, &c2, want, sizeof(*idx->next)))
        return false;
    idx->docs_cap = c2;
    return true;
}

wc_status wc_cluster_index_reserve(wc_cluster_index *idx, size_t ndocs, wc_error *err)
{
    if (ndocs > DOC_LIMIT)
        return wc_error_set(err, WC_ERR_LIMIT, "%zu documents are over the index limit of %zu",
                            ndocs, DOC_LIMIT);
    if (!reserve_docs(idx, ndocs) || !map_reserve(idx, &idx->docmap, MAP_DOC, ndocs) ||
        !map_reserve(idx, &idx->exactmap, MAP_EXACT, ndocs) || !lsh_reserve(idx, ndocs))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory reserving room for %zu documents",
                            ndocs);
    return WC_OK;
}

/* Check fp against the index's parameters and reserve room for one more document. */
static wc_status prepare(wc_cluster_index *idx, int64_t doc_id, const wc_fprint *fp, wc_error *err)
{

    if (fp->perm != idx->perm || fp->lead_perm != idx->lperm || fp->params_tag != idx->tag)
        return wc_error_set(err, WC_ERR_USAGE,
                            "fingerprint of document %lld was made under other parameters",
                            (long long)doc_id);
    if (map_find(idx, &idx->docmap, MAP_DOC, (uint64_t)doc_id) != UINT32_MAX)
        return wc_error_set(err, WC_ERR_USAGE, "document %lld is already in the index",
                            (long long)doc_id);
    if (idx->ndocs >= DOC_LIMIT)
        return wc_error_set(err, WC_ERR_LIMIT, "the index holds its limit of %zu documents",
                            DOC_LIMIT);
    if (!reserve_docs(idx, idx->ndocs + 1) ||
        !grow_array((void **)&idx->cl, &idx->cl_cap, idx->ncl + 1, sizeof(*idx->cl)) ||
        !map_reserve(idx, &idx->docmap, MAP_DOC, idx->docmap.count + 1) ||
        !map_reserve(idx, &idx->clmap, MAP_CLUSTER, idx->clmap.count + 1) ||
        !map_reserve(idx, &idx->exactmap, MAP_EXACT, idx->exactmap.count + 1) ||
        !lsh_reserve(idx, 0))
        goto nomem;
    return WC_OK;
nomem:
    return wc_error_set(err, WC_ERR_NOMEM, "out of memory growing the index past %zu documents",
                        idx->ndocs);
}

/*
 * Append the document's arrays (index d = ndocs) and its doc-id entry;
 * returns the index of an earlier document with the same exact hash, or
 * UINT32_MAX (then this one goes in the exact map).
 */
static uint32_t add_doc(wc_cluster_index *idx, int64_t doc_id, const wc_fprint *fp)
{
    uint32_t d = (uint32_t)idx->ndocs, same;
    struct doc *r = &idx->docs[d];

    r->id = doc_id;
    r->cluster = UINT32_MAX;
    r->shingles = fp->shingles;
    r->words = fp->words;
    r->lead_shingles = (uint16_t)WC_MIN(fp->lead_shingles, UINT16_MAX);
    r->flags = 0;
    idx->exact[d] = exact8(fp->exact);
    memcpy(idx->sig + (size_t)d * idx->perm, fp->minhash, idx->perm * sizeof(*idx->sig));
    if (idx->lperm)
        memcpy(idx->lead + (size_t)d * idx->lperm, fp->lead, idx->lperm * sizeof(*idx->lead));
    idx->ndocs++;
    map_put(idx, &idx->docmap, MAP_DOC, d);
    same = map_find(idx, &idx->exactmap, MAP_EXACT, idx->exact[d]);
    if (same == UINT32_MAX)
        map_put(idx, &idx->exactmap, MAP_EXACT, d);
    return same;
}

wc_status wc_cluster_index_load(wc_cluster_index *idx, int64_t doc_id, int64_t cluster_id,
                                const wc_fprint *fp, wc_error *err)
{
    wc_status st = prepare(idx, doc_id, fp, err);
    uint32_t d, same, c;

    if (st != WC_OK)
        return st;
    same = add_doc(idx, doc_id, fp);
    d = (uint32_t)idx->ndocs - 1;
    c = map_find(idx, &idx->clmap, MAP_CLUSTER, (uint64_t)cluster_id);
    if (c == UINT32_MAX) {
        c = cluster_new(idx, cluster_id, d);
        idx->no_row++; /* its original comes with its row */
    }
    cluster_add(idx, find_root(idx, c), d);
    if (same == UINT32_MAX && fp->shingles) {
        /* its bands go in with the rest of the load (lsh_finish_load) */
        idx->docs[d].flags |= DOC_PENDING;
        if (!idx->npending++)
            idx->pend_from = d;
    }
    return WC_OK;
}

wc_status wc_cluster_index_load_cluster(wc_cluster_index *idx, const wc_cluster_info *row,
                                        wc_error *err)
{
    uint32_t r = cluster_root(idx, row->id), d;
    struct cluster *c;

    if (r == UINT32_MAX)
        return WC_OK; /* no member loaded: nothing to decide about it */
    c = &idx->cl[r];
    d = map_find(idx, &idx->docmap, MAP_DOC, (uint64_t)row->original_id);
    if (d == UINT32_MAX || root_of(idx, idx->docs[d].cluster) != r)
        return wc_error_set(err, WC_ERR_CORRUPT,
                            "the row of cluster %lld names document %lld its original, which is "
                            "not one of its members",
                            (long long)row->id, (long long)row->original_id);
    if (row->size != (int64_t)c->size)
        return wc_error_set(err, WC_ERR_CORRUPT,
                            "the row of cluster %lld counts %lld members, %u are stored",
                            (long long)row->id, (long long)row->size, c->size);
    if (c->original == UINT32_MAX)
        idx->no_row--;
    c->original = d;
    c->first = row->first_seen;
    c->last = row->last_seen;
    return WC_OK;
}

/* A loaded cluster that has not had its row, for the message (one exists: no_row > 0). */
static int64_t cluster_without_row(const wc_cluster_index *idx)
{
    size_t c;

    for (c = 0; c < idx->ncl; c++)
        if (idx->cl[c].parent == c && idx->cl[c].original == UINT32_MAX)
            return idx->cl[c].id;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/*
 * The candidates, each once, in ascending doc index: how many. A document
 * shares several bands with its copies, so the list repeats a few members
 * many times (on the benchmark's corpus 91 entries for 3.5 members, on
 * average): the repeats go first, through a small open-addressing set
 * cleared per call, and the few members left are sorted by insertion.
 */
static size_t unique_candidates(wc_cluster_index *idx)
{
    uint32_t *c = idx->cand, *seen = idx->seen;
    size_t n = idx->ncand, size = 16, mask, i, u = 0;
    unsigned bits = 4;

    while (size < 2 * n) {
        size *= 2;
        bits++;
    }
    mask = size - 1;
    memset(seen, 0, size * sizeof(*seen));
    for (i = 0; i < n; i++) {
        uint32_t m = c[i];
        size_t j = (uint32_t)((m + 1) * 0x9e3779b1u) >> (32 - bits);
        while (seen[j] && seen[j] != m + 1)
            j = (j + 1) & mask;
        if (!seen[j]) {
            seen[j] = m + 1;
            c[u++] = m; /* u <= i: writes only entries already read */
        }
    }
    if (u > 64) {
        wc_qsort(c, u, sizeof(*c), cmp_u32);
        return u;
    }
    for (i = 1; i < u; i++) {
        uint32_t m = c[i];
        size_t j = i;
        for (; j > 0 && c[j - 1] > m; j--)
            c[j] = c[j - 1];
        c[j] = m;
    }
    return u;
}

/* Ask for what comparing with document d reads: its record and both signatures. */
static inline void prefetch_doc(const wc_cluster_index *idx, uint32_t d)
{
    const char *sig = (const char *)doc_sig(idx, d), *lead = (const char *)doc_lead(idx, d);
    size_t o;

    __builtin_prefetch(&idx->docs[d]);
    for (o = 0; o < idx->perm * sizeof(uint16_t); o += 64)
        __builtin_prefetch(sig + o);
    if (lead)
        for (o = 0; o < idx->lperm * sizeof(uint16_t); o += 64)
            __builtin_prefetch(lead + o);
}

static void compare_docs(const wc_cluster_index *idx, uint32_t a, uint32_t b, wc_similarity *s)
{
    const struct doc *da = &idx->docs[a], *db = &idx->docs[b];

    wc_fp_compare(doc_sig(idx, a), doc_lead(idx, a), da->shingles, da->lead_shingles,
                  doc_sig(idx, b), doc_lead(idx, b), db->shingles, db->lead_shingles, idx->perm,
                  idx->lperm, s);
}

static double original_similarity(const wc_cluster_index *idx, uint32_t d, uint32_t o)
{
    wc_similarity s;

    if (d == o)
        return 1.0;
    compare_docs(idx, d, o, &s);
    return s.score;
}

static bool docs_are_copies(const wc_cluster_index *idx, uint32_t a, uint32_t b)
{
    wc_similarity s;

    if (a == b)
        return true;
    compare_docs(idx, a, b, &s);
    return wc_fp_is_copy(&idx->p, &s);
}

/* Is vote x better than vote y (higher score, then the older cluster, then the older doc)? */
static bool vote_better(const wc_cluster_index *idx, const struct root_vote *x,
                        const struct root_vote *y)
{
    if (x->sim.score != y->sim.score)
        return x->sim.score > y->sim.score;
    if (idx->cl[x->root].id != idx->cl[y->root].id)
        return idx->cl[x->root].id < idx->cl[y->root].id;
    return idx->docs[x->best].id < idx->docs[y->best].id;
}

/*
 * Verify the candidates of new document d and fold them into one vote per
 * cluster root (idx->votes), then judge each cluster against its
 * anchor.
 */
static void collect_votes(wc_cluster_index *idx, uint32_t d)
{
    size_t i, n, k;

    n = unique_candidates(idx);
    if (n > VERIFY_CAP)
        n = VERIFY_CAP;
    for (i = 0; i < n; i++)
        prefetch_doc(idx, idx->cand[i]);
    idx->nvotes = 0;
    for (i = 0; i < n; i++) {
        uint32_t m = idx->cand[i], root;
        struct root_vote v, *slot = NULL;

        compare_docs(idx, d, m, &v.sim);
        if (!wc_fp_is_copy(&idx->p, &v.sim))
            continue;
        root = find_root(idx, idx->docs[m].cluster);
        v.root = root;
        v.best = m;
        /* d is a fragment of m: the shorter text, contained in it */
        v.fragment = idx->docs[d].shingles <= idx->docs[m].shingles;
        v.strong = v.sim.jaccard >= idx->p.threshold;
        v.joinable = v.anchored = false;
        for (k = 0; k < idx->nvotes; k++)
            if (idx->votes[k].root == root) {
                slot = &idx->votes[k];
                break;
            }
        if (!slot) {
            idx->votes[idx->nvotes++] = v; /* votes_cap >= VERIFY_CAP >= n */
            continue;
        }
        slot->fragment |= v.fragment;
        slot->strong |= v.strong;
        if (vote_better(idx, &v, slot)) {
            slot->best = v.best;
            slot->sim = v.sim;
        }
    }
    /*
     * A member matched is not the cluster: it may itself be only a
     * fragment of the cluster's story. The cluster's anchor (its
     * fullest text) decides: d is anchored in the cluster when it is a
     * copy of the anchor as a whole (Jaccard) or contains it; it
     * may join as a fragment when it is contained in a member. Only
     * anchored documents merge clusters.
     */
    for (k = 0, n = 0; k < idx->nvotes; k++) {
        struct root_vote *v = &idx->votes[k];
        uint32_t anchor = idx->cl[v->root].anchor;
        wc_similarity s;
        bool anchor_copy;

        if (anchor == v->best)
            s = v->sim;
        else
            compare_docs(idx, d, anchor, &s);
        anchor_copy = wc_fp_is_copy(&idx->p, &s);
        v->anchored = anchor_copy && (s.jaccard >= idx->p.threshold ||
                                      idx->docs[d].shingles > idx->docs[anchor].shingles);
        v->joinable = anchor_copy || v->fragment || v->strong;
        if (v->joinable)
            idx->votes[n++] = *v;
    }
    idx->nvotes = n;
}

/* The cluster rooted at root after doc d joined it: its original, d's similarity to it. */
static void tell_original(const wc_cluster_index *idx, uint32_t root, uint32_t d, wc_match *out)
{
    uint32_t o = idx->cl[root].original;

    out->original_id = idx->docs[o].id;
    out->original_similarity = original_similarity(idx, d, o);
}

wc_status wc_cluster_assign(wc_cluster_index *idx, int64_t doc_id, const wc_fprint *fp, int64_t t,
                            wc_match *out, wc_error *err)
{
    wc_status st;
    uint32_t d, same, root;
    size_t k, target;

    memset(out, 0, sizeof(*out));
    out->doc_id = doc_id;
    idx->nabsorbed = 0;
    if (idx->no_row)
        return wc_error_set(err, WC_ERR_CORRUPT,
                            "cluster %lld was loaded without its row: the cluster rows are "
                            "damaged (recluster rebuilds them)",
                            (long long)cluster_without_row(idx));
    lsh_finish_load(idx);
    if (doc_id <= 0)
        return wc_error_set(err, WC_ERR_USAGE, "document id %lld is not a rowid",
                            (long long)doc_id);
    st = prepare(idx, doc_id, fp, err);
    if (st != WC_OK)
        return st;
    same = add_doc(idx, doc_id, fp);
    d = (uint32_t)idx->ndocs - 1;

    /* 1. exact copy */
    if (same != UINT32_MAX) {
        root = find_root(idx, idx->docs[same].cluster);
        cluster_add(idx, root, d);
        out->original_changed = original_offer(idx, root, d, t);
        tell_original(idx, root, d, out);
        out->cluster_id = idx->cl[root].id;
        out->kind = WC_MATCH_EXACT;
        out->best_doc = idx->docs[same].id;
        out->similarity = out->jaccard = out->containment = 1.0;
        return WC_OK;
    }

    /* 2-3. candidates from the bands, verified */
    idx->nvotes = 0;
    if (fp->shingles) {
        lsh_walk(idx, d, true, true);
        collect_votes(idx, d);
    }
    if (!idx->nvotes) {
        root = cluster_new(idx, doc_id, d);
        cluster_add(idx, root, d);
        original_offer(idx, root, d, t); /* the founder: no other member to tell */
        tell_original(idx, root, d, out);
        out->cluster_id = doc_id;
        out->kind = WC_MATCH_NEW;
        return WC_OK;
    }

    /* 4. policy: the best cluster; merge others only on firm evidence */
    for (target = 0, k = 1; k < idx->nvotes; k++)
        if (vote_better(idx, &idx->votes[k], &idx->votes[target]))
            target = k;
    root = idx->votes[target].root;
    for (k = 0; k < idx->nvotes; k++) {
        const struct root_vote *v = &idx->votes[k];
        uint32_t other = find_root(idx, v->root), before;
        int64_t lost;
        if (k == target || other == root)
            continue;
        if (!(v->anchored && idx->votes[target].anchored) &&
            !docs_are_copies(idx, idx->cl[other].anchor, idx->cl[root].anchor))
            continue;
        lost = idx->cl[other].id > idx->cl[root].id ? idx->cl[other].id : idx->cl[root].id;
        before = root;
        root = cluster_union(idx, before, other);
        idx->absorbed[idx->nabsorbed++] = lost; /* absorbed_cap >= VERIFY_CAP >= nvotes */
    }
    cluster_add(idx, root, d);
    out->original_changed = original_offer(idx, root, d, t) || idx->nabsorbed;
    tell_original(idx, root, d, out);
    out->cluster_id = idx->cl[root].id;
    out->kind = WC_MATCH_NEAR;
    out->best_doc = idx->docs[idx->votes[target].best].id;
    out->similarity = idx->votes[target].sim.score;
    out->jaccard = idx->votes[target].sim.jaccard;
    out->containment = idx->votes[target].sim.containment;
    out->absorbed = idx->nabsorbed ? idx->absorbed : NULL;
    out->nabsorbed = idx->nabsorbed;
    return WC_OK;
}
