/*
 * cluster_internal.h - what the two files of the cluster index share: its
 * layout (cluster.c explains it) and the LSH band tables' entry points
 * (cluster_lsh.c). Only src/cluster.c and src/cluster_lsh.c include it.
 */
#ifndef WC_CLUSTER_INTERNAL_H
#define WC_CLUSTER_INTERNAL_H

#include "wirecopy/cluster.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A band-table slot holds a doc index + 1 in its low SLOT_DOC_BITS bits and
 * a tag (5 bits of the band key's hash) above them, so a probe rejects 31
 * of 32 foreign keys without reading their signatures. 2^27 documents is
 * some 110 GB of index: memory, not the slot, is the ceiling.
 */
#define SLOT_DOC_BITS 27
#define SLOT_DOC_MASK ((1u << SLOT_DOC_BITS) - 1)
#define SLOT_TAG_MASK (~SLOT_DOC_MASK)
#define DOC_LIMIT ((size_t)SLOT_DOC_MASK - 1) /* most documents in one index */
#define LSH_BUCKET_CAP 64                     /* most same-key members one band bucket takes */
#define VERIFY_CAP 4096                       /* most candidates verified for one document */
#define MAP_MIN_CAP 1024                      /* first size of every table */

enum doc_flags {
    DOC_IN_BANDS = (1 << 0), /* the document was put in the LSH band tables */
    DOC_CAPPED = (1 << 1),   /* ... but left out of a crowded bucket of at least one */
    DOC_PENDING = (1 << 2)   /* loaded; its bands go in at the end of the load (lsh_finish_load) */
};

/* 24 bytes: words filled what was padding. */
struct doc {
    int64_t id;             /* the store's rowid */
    uint32_t cluster;       /* cluster node (find() gives the root) */
    uint32_t shingles;      /* distinct body shingles */
    uint32_t words;         /* words of the whole text (the original's tie-break) */
    uint16_t lead_shingles; /* distinct lead shingles */
    uint8_t flags;          /* DOC_* */
};

/* A cluster node; all but parent are valid at roots only. */
struct cluster {
    int64_t id;        /* cluster id */
    int64_t first;     /* the original's time: the earliest of a dated member, else
                          INT64_MIN (original.h) */
    int64_t last;      /* the latest time of a dated member, else INT64_MIN */
    uint32_t parent;   /* itself at a root */
    uint32_t anchor;   /* doc index of the member with the most shingles */
    uint32_t original; /* doc index of the earliest member (UINT32_MAX: loaded, row not yet) */
    uint32_t size;     /* members */
};

/* An open-addressing table of doc or cluster indexes + 1. */
struct table {
    uint32_t *slot;
    size_t cap;   /* a power of two, or 0 */
    size_t count; /* occupied slots */
};

enum map_kind { MAP_DOC, MAP_CLUSTER, MAP_EXACT };

/* One verified candidate, folded per cluster root. */
struct root_vote {
    uint32_t root;     /* cluster root */
    uint32_t best;     /* doc index of the best member matched */
    wc_similarity sim; /* against best */
    bool fragment;     /* d is contained in a member it matched */
    bool strong;       /* d matched a member by Jaccard */
    bool joinable;     /* d may join this cluster */
    bool anchored;     /* d is a copy of the cluster's anchor, not a fragment */
};

struct wc_cluster_index {
    wc_fp_params p;   /* parameters (lead_perm 0 when there is no lead) */
    uint32_t tag;     /* params tag fingerprints must carry */
    unsigned perm;    /* values per body signature */
    unsigned lperm;   /* values per lead signature */
    unsigned ntables; /* body bands + lead bands */
    unsigned threads; /* band-build threads allowed; 0: the CPUs usable */

    struct doc *docs; /* ndocs records */
    uint64_t *exact;  /* first 8 bytes of each exact hash */
    uint16_t *sig;    /* ndocs * perm */
    uint16_t *lead;   /* ndocs * lperm */
    uint32_t *next;   /* the members of a cluster form a cycle: next[d] follows d */
    size_t ndocs, docs_cap;

    struct cluster *cl; /* cluster nodes */
    size_t ncl, cl_cap;
    size_t no_row; /* loaded clusters still waiting for their row (wc_cluster_index_load_cluster) */

    struct table docmap, clmap, exactmap;
    uint32_t *band_slots; /* ntables tables of band_cap slots each: body bands first */
    size_t band_cap;      /* slots per band table */
    size_t *band_count;   /* occupied slots per band table */
    size_t pend_from;     /* first DOC_PENDING document */
    size_t npending;      /* DOC_PENDING documents (loaded, bands not yet in the tables) */

    /* per-assignment scratch, reused */
    uint32_t *cand;
    size_t ncand, cand_cap;
    uint32_t *seen; /* seen_cap slots: which candidates were met (unique_candidates) */
    size_t seen_cap;
    struct root_vote *votes;
    size_t nvotes, votes_cap;
    int64_t *absorbed;
    size_t nabsorbed, absorbed_cap;
};

static inline const uint16_t *doc_sig(const wc_cluster_index *idx, uint32_t d)
{
    return idx->sig + (size_t)d * idx->perm;
}

static inline const uint16_t *doc_lead(const wc_cluster_index *idx, uint32_t d)
{
    return idx->lperm ? idx->lead + (size_t)d * idx->lperm : NULL;
}

/* --- cluster_lsh.c ---------------------------------------------------------------------- */

/* n zeroed table slots (2 MB pages for large tables), and their release. NULL when out of memory.
 */
uint32_t *cluster_slots_alloc(size_t n);
void cluster_slots_free(uint32_t *p, size_t n);

/*
 * Probe every band of document d (collect: its candidates into idx->cand;
 * insert: put d in the tables, unless a bucket is full).
 */
void lsh_walk(wc_cluster_index *idx, uint32_t d, bool collect, bool insert);

/*
 * Room in every band table for `want` documents, and one more than now
 * (and the loaded ones not yet in): false when out of memory.
 */
bool lsh_reserve(wc_cluster_index *idx, size_t want);

/* Put the documents of a run of wc_cluster_index_load calls in the band tables. */
void lsh_finish_load(wc_cluster_index *idx);

#endif
