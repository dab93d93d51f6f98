/*
 * cluster.c - the in-memory near-duplicate index (see cluster.h).
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
 *   - one table per LSH band (Indyk & Motwani 1998; Broder's banding): the
 *     key of band b is the `rows` signature values b*rows .. b*rows+rows-1,
 *     so two documents share a bucket with probability J^rows and become
 *     candidates with probability 1 - (1 - J^rows)^bands. Body bands find
 *     copies by Jaccard; lead bands find cut copies whose body Jaccard is
 *     small but whose first paragraph is the same.
 *
 * Per document this is 2 * (perm + lead_perm) bytes of signatures, 6.7-10
 * bytes per band (slots are 40-60% used), and some 50 bytes of records
 * and maps: 780-900 bytes with the defaults (wc_cluster_index_memory
 * reports the exact figure). An assignment hashes its bands, prefetches
 * their home slots, probes a fixed number of buckets and verifies what it
 * finds, so its work does not grow with the index. Exact copies are not
 * put in the band tables (their first copy stands for them), and a bucket
 * stops taking members once it holds LSH_BUCKET_CAP documents with the
 * same key, so a template that thousands of pages share cannot make
 * lookups linear.
 *
 * Building band tables is the one job that uses more than the caller's
 * thread. wc_cluster_index_load only appends a document; the bands of a
 * run of loads go in at once when the next assignment needs the tables
 * (finish_load), and tables that grow are rebuilt from the documents.
 * Both builds share the tables among threads that live only for the call
 * (one table, one thread), each filling its tables in arrival order: what
 * a table holds depends on nothing else, so the tables, and every
 * decision made with them, are those of one thread putting documents in
 * one by one (build_bands explains why).
 *
 * Clusters are union-find nodes (path halving). A root knows the cluster
 * id (the smallest founding id after merges), its size and its
 * representative: the member with the most shingles, the fullest text,
 * against which longer newcomers are checked (cluster.h explains the
 * policy, docs/dedup.md measures it).
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "wirecopy/cluster.h"

#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

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
/*
 * Band tables are kept at most 60% full (BAND_LOAD_NUM / BAND_LOAD_DEN).
 * With linear probing an unsuccessful probe reads about
 * (1 + 1 / (1 - a)^2) / 2 slots at load a: 3.6 at 0.6 but 22 at 0.85, and
 * every probe of a table larger than the caches is a miss: at 0.85, a
 * 1M-document index spent half of its start-up and a fifth of the
 * writer's time walking runs (measured with perf). 60% costs about 2 more
 * bytes per band and document.
 */
#define BAND_LOAD_NUM 6
#define BAND_LOAD_DEN 10
/*
 * Building band tables (after a bulk load, or when they grow) shares the
 * tables among up to BUILD_THREADS_MAX threads, no more than the CPUs the
 * process may run on, once BUILD_PAR_MIN documents go in: below that a
 * build takes a few milliseconds and starting a thread is not worth it
 * (bench_cluster prints both). A build hashes the bands of BUILD_AHEAD
 * documents ahead and prefetches their home slots, so the cache misses of
 * several documents overlap.
 */
#define BUILD_THREADS_MAX 4
#define BUILD_PAR_MIN 4096
#define BUILD_AHEAD 4

enum doc_flags {
    DOC_IN_BANDS = (1 << 0), /* the document was put in the LSH band tables */
    DOC_CAPPED = (1 << 1),   /* ... but left out of a crowded bucket of at least one */
    DOC_PENDING = (1 << 2)   /* loaded; its bands go in at the end of the load (finish_load) */
};

struct doc {
    int64_t id;             /* the store's rowid */
    uint32_t cluster;       /* cluster node (find() gives the root) */
    uint32_t shingles;      /* distinct body shingles */
    uint16_t lead_shingles; /* distinct lead shingles */
    uint8_t flags;          /* DOC_* */
};

struct cluster {
    int64_t id;      /* cluster id (valid at roots) */
    uint32_t parent; /* itself at a root */
    uint32_t rep;    /* doc index of the member with the most shingles (roots) */
    uint32_t size;   /* members (roots) */
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
    bool anchored;     /* d is a copy of the cluster's representative, not a fragment */
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
    size_t ndocs, docs_cap;

    struct cluster *cl; /* cluster nodes */
    size_t ncl, cl_cap;

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

/*
 * The tables' memory: zeroed, and past SLOTS_MMAP_MIN bytes mapped on its
 * own and asked for 2 MB pages (transparent huge pages, where the kernel
 * has them). Every probe of a large index reads a random slot of each
 * table; with 4 KB pages each such read also misses the TLB, and a page
 * walk is one more cache miss. Measured on a 200k-document load, putting
 * the bands in took 2-3 times as long in 4 KB pages.
 */
#define SLOTS_MMAP_MIN ((size_t)4 << 20)

static uint32_t *slots_alloc(size_t n)
{
    size_t bytes = n * sizeof(uint32_t);
    void *p;

    if (bytes < SLOTS_MMAP_MIN)
        return calloc(n, sizeof(uint32_t));
    p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE); /* a hint: 4 KB pages when refused */
#endif
    return p;
}

static void slots_free(uint32_t *p, size_t n)
{
    if (p && n * sizeof(uint32_t) >= SLOTS_MMAP_MIN)
        munmap(p, n * sizeof(uint32_t));
    else
        free(p);
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
    nt.slot = slots_alloc(nt.cap);
    if (!nt.slot)
        return false;
    for (i = 0; i < t->cap; i++)
        if (t->slot[i])
            map_put(idx, &nt, kind, t->slot[i] - 1);
    slots_free(t->slot, t->cap);
    *t = nt;
    return true;
}

/* --- LSH band tables ---------------------------------------------------------------- */

/* Band b's values of document d: body bands come first, then lead bands. */
static const uint16_t *band_values(const wc_cluster_index *idx, unsigned b, const uint16_t *sig,
                                   const uint16_t *lead, unsigned *rows)
{
    if (b < idx->p.bands) {
        *rows = idx->p.rows;
        return sig + (size_t)b * idx->p.rows;
    }
    *rows = idx->p.lead_rows;
    return lead + (size_t)(b - idx->p.bands) * idx->p.lead_rows;
}

static uint64_t band_hash(unsigned b, const uint16_t *v, unsigned rows)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL * (b + 1);
    unsigned i;

    for (i = 0; i < rows; i++)
        h = (h ^ v[i]) * 0x100000001b3ULL;
    return wc_mix64(h);
}

static inline uint32_t slot_tag(uint64_t h)
{
    return (uint32_t)(h >> 59) << SLOT_DOC_BITS;
}

static const uint16_t *doc_sig(const wc_cluster_index *idx, uint32_t d)
{
    return idx->sig + (size_t)d * idx->perm;
}

static const uint16_t *doc_lead(const wc_cluster_index *idx, uint32_t d)
{
    return idx->lperm ? idx->lead + (size_t)d * idx->lperm : NULL;
}

/* Do band values a and b (rows values each) agree? */
static inline bool same_values(const uint16_t *a, const uint16_t *b, unsigned rows)
{
    unsigned i;

    for (i = 0; i < rows; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* Home slot of hash h in a table of cap slots (Lemire's multiply-shift range reduction). */
static inline size_t home_slot(uint64_t h, size_t cap)
{
    return (size_t)(((uint64_t)(uint32_t)h * cap) >> 32);
}

/*
 * Walk band b's bucket for the values v (hash h): append the members with
 * the same key to cand (when cand_out is true), and put doc d (when d !=
 * UINT32_MAX) in the first free slot unless the bucket is full (then it
 * returns false). A slot's tag bits settle most mismatches without
 * touching the member's signature.
 */
static bool band_probe(wc_cluster_index *idx, unsigned b, const uint16_t *v, unsigned rows,
                       uint64_t h, uint32_t d, bool cand_out)
{
    uint32_t *slot = idx->band_slots + (size_t)b * idx->band_cap;
    size_t cap = idx->band_cap, i, same = 0;
    uint32_t tag = slot_tag(h);

    for (i = home_slot(h, cap); slot[i]; i = i + 1 == cap ? 0 : i + 1) {
        uint32_t m;
        unsigned r;
        const uint16_t *mv;
        if ((slot[i] & SLOT_TAG_MASK) != tag)
            continue;
        m = (slot[i] & SLOT_DOC_MASK) - 1;
        mv = band_values(idx, b, doc_sig(idx, m), doc_lead(idx, m), &r);
        if (!same_values(mv, v, rows))
            continue;
        if (++same > LSH_BUCKET_CAP)
            return false; /* a crowded key: neither candidates past the cap nor a new member */
        if (cand_out && idx->ncand < idx->cand_cap)
            idx->cand[idx->ncand++] = m;
    }
    if (d != UINT32_MAX) {
        slot[i] = tag | (d + 1);
        idx->band_count[b]++;
    }
    return true;
}

/* Probe every band of document d: collect candidates and/or insert d. */
static void bands_walk(wc_cluster_index *idx, uint32_t d, bool collect, bool insert)
{
    const uint16_t *sig = doc_sig(idx, d), *lead = doc_lead(idx, d);
    uint64_t h[WC_FP_MAX_PERM + WC_FP_MAX_LEAD];
    unsigned b, rows, n = idx->docs[d].lead_shingles ? idx->ntables : idx->p.bands;

    idx->ncand = 0;
    /* Hash every band and ask for its home slot first: the table reads,
     * nearly all cache misses in a large index, then overlap. */
    for (b = 0; b < n; b++) {
        const uint16_t *v = band_values(idx, b, sig, lead, &rows);
        h[b] = band_hash(b, v, rows);
        __builtin_prefetch(idx->band_slots + (size_t)b * idx->band_cap +
                           home_slot(h[b], idx->band_cap));
    }
    for (b = 0; b < n; b++) {
        const uint16_t *v = band_values(idx, b, sig, lead, &rows);
        if (!band_probe(idx, b, v, rows, h[b], insert ? d : UINT32_MAX, collect) && insert)
            idx->docs[d].flags |= DOC_CAPPED;
    }
    if (insert)
        idx->docs[d].flags |= DOC_IN_BANDS;
}

/* Band tables document d goes in: the lead bands only when it has a lead. */
static inline unsigned doc_tables(const wc_cluster_index *idx, size_t d)
{
    return idx->docs[d].lead_shingles ? idx->ntables : idx->p.bands;
}

/*
 * Building band tables. A build puts documents from..to-1 in the tables,
 * in arrival order within each table, which is all that decides what a
 * table holds: a bucket takes its first LSH_BUCKET_CAP + 1 same-key
 * members and turns the rest away, whatever the table's size or the order
 * in which tables are filled. So the tables can be shared among threads,
 * each filling its own (disjoint slots and band_count entries, signatures
 * and flags only read), and the result is the serial one to the bit.
 *
 *   BUILD_AGAIN    a rebuild into larger tables: the documents already in
 *                  (DOC_IN_BANDS). One never turned away (not DOC_CAPPED)
 *                  goes straight to the first free slot from its home
 *                  slot, with no key comparisons; a capped one meets the
 *                  cap again, which turns it away where it did the first
 *                  time (the same members come before it). No flag
 *                  changes.
 *   BUILD_PENDING  the end of a bulk load: the loaded documents
 *                  (DOC_PENDING), each meeting the cap. Whether a bucket
 *                  turned a document away is known per table, so each job
 *                  records it in its own bitmap, merged after the join.
 */
enum build_mode { BUILD_AGAIN, BUILD_PENDING };

struct build_job {
    wc_cluster_index *idx;
    enum build_mode mode;
    size_t from, to; /* documents from..to-1 */
    unsigned b0, b1; /* tables b0..b1-1 */
    uint8_t *capped; /* bit d - from: turned away by one of these tables (BUILD_PENDING);
                        NULL: set DOC_CAPPED directly (one job for all tables) */
};

/* Does a build in this mode put document d in the tables? */
static inline bool build_takes(const wc_cluster_index *idx, enum build_mode mode, size_t d)
{
    return (idx->docs[d].flags & (mode == BUILD_AGAIN ? DOC_IN_BANDS : DOC_PENDING)) != 0;
}

/* Put document d in tables b0..hi-1 (h: their band hashes); false when a bucket turned it away. */
static bool build_put(wc_cluster_index *idx, const struct build_job *j, uint32_t d, unsigned hi,
                      const uint64_t *h)
{
    const uint16_t *sig = doc_sig(idx, d), *lead = doc_lead(idx, d);
    size_t cap = idx->band_cap;
    unsigned b, rows;
    bool in_all = true;

    if (j->mode == BUILD_PENDING || (idx->docs[d].flags & DOC_CAPPED)) {
        for (b = j->b0; b < hi; b++) {
            uint32_t *slot = idx->band_slots + (size_t)b * cap, tag = slot_tag(h[b - j->b0]);
            size_t i, tagged = 0;
            const uint16_t *v;
            /* Members with d's key carry its tag: when no more than the cap
             * carry it, the bucket takes d whatever their keys, and their
             * signatures need not be read. */
            for (i = home_slot(h[b - j->b0], cap); slot[i]; i = i + 1 == cap ? 0 : i + 1)
                tagged += (slot[i] & SLOT_TAG_MASK) == tag;
            if (tagged <= LSH_BUCKET_CAP) {
                slot[i] = tag | (d + 1);
                idx->band_count[b]++;
                continue;
            }
            v = band_values(idx, b, sig, lead, &rows);
            if (!band_probe(idx, b, v, rows, h[b - j->b0], d, false))
                in_all = false;
        }
        return in_all;
    }
    for (b = j->b0; b < hi; b++) {
        uint32_t *slot = idx->band_slots + (size_t)b * cap;
        size_t i;
        for (i = home_slot(h[b - j->b0], cap); slot[i]; i = i + 1 == cap ? 0 : i + 1)
            ;
        slot[i] = slot_tag(h[b - j->b0]) | (d + 1);
        idx->band_count[b]++;
    }
    return true;
}

/*
 * One job: walk the documents in order, keeping BUILD_AHEAD of them hashed
 * with their home slots prefetched, and put the oldest in its tables.
 */
static void *build_job_run(void *arg)
{
    const struct build_job *j = arg;
    wc_cluster_index *idx = j->idx;
    uint64_t h[BUILD_AHEAD][WC_FP_MAX_PERM + WC_FP_MAX_LEAD];
    uint32_t ring[BUILD_AHEAD];
    unsigned hi[BUILD_AHEAD], head = 0, n = 0;
    size_t d = j->from, cap = idx->band_cap;

    for (;;) {
        while (n < BUILD_AHEAD && d < j->to) {
            unsigned k = (head + n) % BUILD_AHEAD, b, rows, top;
            const uint16_t *sig, *lead;
            if (!build_takes(idx, j->mode, d)) {
                d++;
                continue;
            }
            sig = doc_sig(idx, (uint32_t)d);
            lead = doc_lead(idx, (uint32_t)d);
            top = WC_MIN(j->b1, doc_tables(idx, d));
            for (b = j->b0; b < top; b++) {
                const uint16_t *v = band_values(idx, b, sig, lead, &rows);
                h[k][b - j->b0] = band_hash(b, v, rows);
                __builtin_prefetch(
                    idx->band_slots + (size_t)b * cap + home_slot(h[k][b - j->b0], cap), 1);
            }
            ring[k] = (uint32_t)d++;
            hi[k] = top;
            n++;
        }
        if (!n)
            break;
        if (!build_put(idx, j, ring[head], hi[head], h[head]) && j->mode == BUILD_PENDING) {
            size_t bit = ring[head] - j->from;
            if (j->capped)
                j->capped[bit / 8] |= (uint8_t)(1u << (bit % 8));
            else
                idx->docs[ring[head]].flags |= DOC_CAPPED;
        }
        head = (head + 1) % BUILD_AHEAD;
        n--;
    }
    return NULL;
}

/* CPUs this thread may run on (its affinity mask), at least 1. */
static unsigned cpus_usable(void)
{
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
        return (unsigned)CPU_COUNT(&set);
#endif
    {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        return n > 0 ? (unsigned)WC_MIN(n, 1024) : 1;
    }
}

/*
 * Put documents from..to-1 (those the mode takes: `work` of them, about)
 * in the band tables, sharing the tables among threads when it pays. A
 * thread that cannot be started leaves its job to this one, so a build
 * never fails; it allocates only the bitmaps of a parallel BUILD_PENDING
 * (and stays on one thread without them).
 */
static void build_bands(wc_cluster_index *idx, enum build_mode mode, size_t from, size_t to,
                        size_t work)
{
    struct build_job job[BUILD_THREADS_MAX];
    pthread_t tid[BUILD_THREADS_MAX];
    bool started[BUILD_THREADS_MAX];
    unsigned nt = 1, t;
    size_t nbytes = (to - from + 7) / 8, d;
    uint8_t *bits = NULL;

    if (work >= BUILD_PAR_MIN) {
        nt = WC_MIN(idx->threads ? idx->threads : cpus_usable(), BUILD_THREADS_MAX);
        nt = WC_MIN(nt, idx->ntables);
    }
    if (nt > 1 && mode == BUILD_PENDING && !(bits = calloc(nt, nbytes)))
        nt = 1;
    for (t = 0; t < nt; t++) {
        job[t].idx = idx;
        job[t].mode = mode;
        job[t].from = from;
        job[t].to = to;
        job[t].b0 = idx->ntables * t / nt;
        job[t].b1 = idx->ntables * (t + 1) / nt;
        job[t].capped = bits ? bits + t * nbytes : NULL;
    }
    for (t = 1; t < nt; t++)
        started[t] = wc_thread_create(&tid[t], build_job_run, &job[t]) == 0;
    build_job_run(&job[0]);
    for (t = 1; t < nt; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            build_job_run(&job[t]);
    }
    if (mode == BUILD_PENDING) {
        for (d = from; d < to; d++) {
            struct doc *r = &idx->docs[d];
            if (!(r->flags & DOC_PENDING))
                continue;
            r->flags = (uint8_t)((r->flags & ~DOC_PENDING) | DOC_IN_BANDS);
            for (t = 0; bits && t < nt; t++)
                if (bits[t * nbytes + (d - from) / 8] & (1u << ((d - from) % 8)))
                    r->flags |= DOC_CAPPED;
        }
    }
    free(bits);
}

/*
 * Make room for `want` documents (and one more than now, and the loaded
 * documents not yet in) in every band table (load <= 0.6, see
 * BAND_LOAD_NUM). Growing rebuilds all tables (BUILD_AGAIN), which hold
 * what the old ones held, only roomier. Tables grow by half, so between
 * 40% and 60% of their slots are in use.
 */
static bool bands_reserve(wc_cluster_index *idx, size_t want)
{
    uint32_t *old = idx->band_slots;
    size_t old_cap = idx->band_cap, ncap, b, in = 0;

    for (b = 0; b < idx->ntables; b++)
        if (idx->band_count[b] + idx->npending + 1 > want)
            want = idx->band_count[b] + idx->npending + 1;
    if (want * BAND_LOAD_DEN <= old_cap * BAND_LOAD_NUM)
        return true;
    ncap = old_cap ? old_cap + old_cap / 2 : MAP_MIN_CAP;
    while (want * BAND_LOAD_DEN > ncap * BAND_LOAD_NUM)
        ncap += ncap / 2;
    idx->band_slots = slots_alloc(ncap * idx->ntables);
    if (!idx->band_slots) {
        idx->band_slots = old;
        return false;
    }
    idx->band_cap = ncap;
    for (b = 0; b < idx->ntables; b++) {
        in = WC_MAX(in, idx->band_count[b]);
        idx->band_count[b] = 0;
    }
    build_bands(idx, BUILD_AGAIN, 0, idx->ndocs, in);
    slots_free(old, old_cap * idx->ntables);
    return true;
}

/*
 * The end of a run of wc_cluster_index_load calls: put the loaded
 * documents in the band tables, all at once and in arrival order
 * (BUILD_PENDING), which is what putting each in as it was loaded would
 * have made. Every entry point that reads the band tables calls it first.
 */
static void finish_load(wc_cluster_index *idx)
{
    if (!idx->npending)
        return;
    build_bands(idx, BUILD_PENDING, idx->pend_from, idx->ndocs, idx->npending);
    idx->npending = 0;
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

/* New cluster node with the given id; room must have been reserved. */
static uint32_t cluster_new(wc_cluster_index *idx, int64_t id, uint32_t rep)
{
    uint32_t c = (uint32_t)idx->ncl++;

    idx->cl[c].id = id;
    idx->cl[c].parent = c;
    idx->cl[c].rep = rep;
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

/* Add doc d to the cluster rooted at root. */
static void cluster_add(wc_cluster_index *idx, uint32_t root, uint32_t d)
{
    struct cluster *c = &idx->cl[root];

    idx->docs[d].cluster = root;
    c->size++;
    if (fuller(idx, d, c->rep))
        c->rep = d;
}

/* Merge root b into root a; the smaller id survives. Returns the new root. */
static uint32_t cluster_union(wc_cluster_index *idx, uint32_t a, uint32_t b)
{
    struct cluster *ca = &idx->cl[a], *cb = &idx->cl[b];
    uint32_t rep = fuller(idx, cb->rep, ca->rep) ? cb->rep : ca->rep;
    int64_t id = ca->id < cb->id ? ca->id : cb->id;
    uint32_t size = ca->size + cb->size;
    uint32_t root = ca->size >= cb->size ? a : b, child = root == a ? b : a;

    idx->cl[child].parent = root;
    idx->cl[root].id = id;
    idx->cl[root].rep = rep;
    idx->cl[root].size = size;
    return root;
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
    free(idx->cl);
    slots_free(idx->docmap.slot, idx->docmap.cap);
    slots_free(idx->clmap.slot, idx->clmap.cap);
    slots_free(idx->exactmap.slot, idx->exactmap.cap);
    slots_free(idx->band_slots, idx->band_cap * idx->ntables);
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

    m += idx->docs_cap *
         (sizeof(struct doc) + sizeof(uint64_t) + sizeof(uint16_t) * (idx->perm + idx->lperm));
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
    uint32_t c;

    if (d == UINT32_MAX)
        return WC_ERR_NOTFOUND;
    /* find without compressing: this is a const lookup */
    for (c = idx->docs[d].cluster; idx->cl[c].parent != c; c = idx->cl[c].parent)
        ;
    *cluster_id = idx->cl[c].id;
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
    idx->docs_cap = c2;
    return true;
}

wc_status wc_cluster_index_reserve(wc_cluster_index *idx, size_t ndocs, wc_error *err)
{
    if (ndocs > DOC_LIMIT)
        return wc_error_set(err, WC_ERR_LIMIT, "%zu documents are over the index limit of %zu",
                            ndocs, DOC_LIMIT);
    if (!reserve_docs(idx, ndocs) || !map_reserve(idx, &idx->docmap, MAP_DOC, ndocs) ||
        !map_reserve(idx, &idx->exactmap, MAP_EXACT, ndocs) || !bands_reserve(idx, ndocs))
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
        !bands_reserve(idx, 0))
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
    if (c == UINT32_MAX)
        c = cluster_new(idx, cluster_id, d);
    cluster_add(idx, find_root(idx, c), d);
    if (same == UINT32_MAX && fp->shingles) {
        /* its bands go in with the rest of the load (finish_load) */
        idx->docs[d].flags |= DOC_PENDING;
        if (!idx->npending++)
            idx->pend_from = d;
    }
    return WC_OK;
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
        qsort(c, u, sizeof(*c), cmp_u32);
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
 * representative.
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
     * fragment of the cluster's story. The cluster's representative (its
     * fullest text) decides: d is anchored in the cluster when it is a
     * copy of the representative as a whole (Jaccard) or contains it; it
     * may join as a fragment when it is contained in a member. Only
     * anchored documents merge clusters.
     */
    for (k = 0, n = 0; k < idx->nvotes; k++) {
        struct root_vote *v = &idx->votes[k];
        uint32_t rep = idx->cl[v->root].rep;
        wc_similarity s;
        bool rep_copy;

        if (rep == v->best)
            s = v->sim;
        else
            compare_docs(idx, d, rep, &s);
        rep_copy = wc_fp_is_copy(&idx->p, &s);
        v->anchored = rep_copy && (s.jaccard >= idx->p.threshold ||
                                   idx->docs[d].shingles > idx->docs[rep].shingles);
        v->joinable = rep_copy || v->fragment || v->strong;
        if (v->joinable)
            idx->votes[n++] = *v;
    }
    idx->nvotes = n;
}

wc_status wc_cluster_assign(wc_cluster_index *idx, int64_t doc_id, const wc_fprint *fp,
                            wc_match *out, wc_error *err)
{
    wc_status st;
    uint32_t d, same, root;
    size_t k, target;

    memset(out, 0, sizeof(*out));
    out->doc_id = doc_id;
    idx->nabsorbed = 0;
    finish_load(idx);
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
        out->cluster_id = idx->cl[root].id;
        out->kind = WC_MATCH_EXACT;
        out->best_doc = idx->docs[same].id;
        out->similarity = out->jaccard = out->containment = 1.0;
        return WC_OK;
    }

    /* 2-3. candidates from the bands, verified */
    idx->nvotes = 0;
    if (fp->shingles) {
        bands_walk(idx, d, true, true);
        collect_votes(idx, d);
    }
    if (!idx->nvotes) {
        root = cluster_new(idx, doc_id, d);
        cluster_add(idx, root, d);
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
            !docs_are_copies(idx, idx->cl[other].rep, idx->cl[root].rep))
            continue;
        lost = idx->cl[other].id > idx->cl[root].id ? idx->cl[other].id : idx->cl[root].id;
        before = root;
        root = cluster_union(idx, before, other);
        idx->absorbed[idx->nabsorbed++] = lost; /* absorbed_cap >= VERIFY_CAP >= nvotes */
    }
    cluster_add(idx, root, d);
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
