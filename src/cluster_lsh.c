/*
 * cluster_lsh.c - the LSH band tables of the cluster index (see
 * cluster.c for the index, cluster_internal.h for what they share).
 *
 * Locality-sensitive hashing (Indyk & Motwani 1998; Broder's banding):
 * the key of band b is the `rows` signature values b*rows ..
 * b*rows+rows-1, so two documents share a bucket with probability J^rows
 * and become candidates with probability 1 - (1 - J^rows)^bands. Body
 * bands find copies by Jaccard; lead bands find cut copies whose body
 * Jaccard is small but whose first paragraph is the same.
 *
 * Each band is an open-addressing table of 4-byte slots: a doc index + 1
 * and 5 bits of the band key's hash, so a probe rejects 31 of 32 foreign
 * keys without reading their signatures; the key itself is read back from
 * the document's stored signature. An assignment hashes its bands,
 * prefetches their home slots and probes a fixed number of buckets, so
 * its work does not grow with the index. A bucket stops taking members
 * once it holds LSH_BUCKET_CAP documents with the same key, so a template
 * that thousands of pages share cannot make lookups linear.
 *
 * Building band tables is the one job of the index that uses more than
 * the caller's thread. wc_cluster_index_load only appends a document; the
 * bands of a run of loads go in at once when the next assignment needs
 * the tables (lsh_finish_load), and tables that grow are rebuilt from the
 * documents. Both builds share the tables among threads that live only
 * for the call (one table, one thread), each filling its tables in
 * arrival order: what a table holds depends on nothing else, so the
 * tables, and every decision made with them, are those of one thread
 * putting documents in one by one (build_bands explains why).
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "cluster_internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

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

/*
 * The tables' memory: zeroed, and past SLOTS_MMAP_MIN bytes mapped on its
 * own and asked for 2 MB pages (transparent huge pages, where the kernel
 * has them). Every probe of a large index reads a random slot of each
 * table; with 4 KB pages each such read also misses the TLB, and a page
 * walk is one more cache miss. Measured on a 200k-document load, putting
 * the bands in took 2-3 times as long in 4 KB pages.
 */
#define SLOTS_MMAP_MIN ((size_t)4 << 20)

uint32_t *cluster_slots_alloc(size_t n)
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

void cluster_slots_free(uint32_t *p, size_t n)
{
    if (p && n * sizeof(uint32_t) >= SLOTS_MMAP_MIN)
        munmap(p, n * sizeof(uint32_t));
    else
        free(p);
}

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
void lsh_walk(wc_cluster_index *idx, uint32_t d, bool collect, bool insert)
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
bool lsh_reserve(wc_cluster_index *idx, size_t want)
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
    idx->band_slots = cluster_slots_alloc(ncap * idx->ntables);
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
    cluster_slots_free(old, old_cap * idx->ntables);
    return true;
}

/*
 * The end of a run of wc_cluster_index_load calls: put the loaded
 * documents in the band tables, all at once and in arrival order
 * (BUILD_PENDING), which is what putting each in as it was loaded would
 * have made. Every entry point that reads the band tables calls it first.
 */
void lsh_finish_load(wc_cluster_index *idx)
{
    if (!idx->npending)
        return;
    build_bands(idx, BUILD_PENDING, idx->pend_from, idx->ndocs, idx->npending);
    idx->npending = 0;
}
