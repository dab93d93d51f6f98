/*
 * ingest_internal.h - what the two files of the ingest pipeline share:
 * the ring's slots, the run's state, and the work each stage does on one
 * slot. ingest.c runs the ring and its threads (the concurrency);
 * ingest_slot.c is what happens to one record on its way (the
 * semantics); ingest_story.c holds a transaction's story work for its
 * end. Only those files include it, first.
 */
#ifndef WC_INGEST_INTERNAL_H
#define WC_INGEST_INTERNAL_H

#include "wirecopy/ingest.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/cluster.h"
#include "wirecopy/extract.h"
#include "wirecopy/fingerprint.h"
#include "wirecopy/story.h"
#include "wirecopy/story_profile.h"
#include "wirecopy/text.h"
#include "keyset.h"

/* A stored slot keeps buffers up to this size; larger ones go back (ingest_slot_trim). */
#define SLOT_KEEP_BYTES ((size_t)256 << 10)
/*
 * The caps of a slot's buffers. A record's body has the run's record cap
 * (max_record, as the dumps have it), given to ingest_slot_init. One of
 * its metadata fields (its own id, URL, title, charset; a feed entry's
 * title, author, site) is short by nature: 1 MiB is far above any real
 * one (article URLs stay under 8 KiB, browsers refuse them past 2 MiB),
 * and a record with a longer one is a bad record, reported, not queued.
 * Its key is an id or a URL with a prefix, or an origin path and a line
 * or offset. Its plain text is at most what wc_fp_compute takes
 * (WC_TEXT_MAX_BYTES); the fingerprint blob doubles as the scratch in
 * which a plain-text body's bad UTF-8 is repaired (U+FFFD is 3 bytes for
 * 1), so it may hold 3 times that: a repair past it could not be
 * fingerprinted anyway.
 */
#define SLOT_FIELD_CAP ((size_t)1 << 20)
#define SLOT_KEY_CAP (SLOT_FIELD_CAP + 8192)
#define SLOT_TEXT_CAP WC_TEXT_MAX_BYTES
#define SLOT_BLOB_CAP (3 * WC_TEXT_MAX_BYTES)
/* A packed profile: 8 bytes a term and a few of frequency, for at most ~2,900 terms. */
#define SLOT_PROFILE_CAP ((size_t)64 << 10)
/* Packed profiles of clusters a transaction founded, held before they are placed at its end:
   past this, they are placed at once (a --batch far larger than the default's). */
#define INGEST_PENDING_BYTES ((size_t)64 << 20)

/*
 * FILLED (the reader's) -> WORKING -> DONE (a worker's) -> ASSIGNED (the
 * assigner's) -> [PROFILING (a worker's, a cluster's founder only)] ->
 * READY (the writer's) -> FREE.
 */
enum slot_state {
    SLOT_FREE,
    SLOT_FILLED,
    SLOT_WORKING,
    SLOT_DONE,
    SLOT_ASSIGNED,
    SLOT_PROFILING,
    SLOT_READY
};

/* A member's new similarity to its cluster's original, handed from the assigner to the writer. */
struct sim_update {
    int64_t doc_id;
    double similarity;
};

struct slot {
    enum slot_state state;
    uint64_t seq;
    size_t bytes; /* counted in queued_bytes while the slot is in use */
    /* the record, copied */
    wc_source source;
    const char *origin; /* interned in ing->origins; lives until the ingest is freed */
    uint64_t offset, line;
    wc_buf origin_id, url, title, charset, body;
    bool has_origin_id, has_url, has_title, has_charset;
    int64_t published_at, fetched_at;
    bool is_html;
    wc_ingest_extra extra; /* strings point into extra_buf */
    wc_buf extra_buf;
    void *user;
    bool rejected;          /* too large for the slot: status and err say so, nothing is computed */
    wc_ingest_call_fn call; /* a function to run on the writer thread instead of a record */
    void *call_ctx;
    /* the worker's result */
    wc_status status; /* WC_OK, WC_ERR_EMPTY (not an article) or a problem */
    wc_error err;
    wc_article art;
    wc_buf text; /* the text stored (plain-text records) */
    wc_fprint fp;
    wc_buf blob; /* packed fingerprint */
    /* its story profile, made after the assigner found it founds a cluster (stories on) */
    bool need_profile; /* the assigner's: a worker profiles it before the writer stores it */
    bool has_profile;  /* pr and prof hold this record's (false: not made, or memory was short) */
    wc_story_profile pr;
    wc_buf prof; /* ... packed, stored with its cluster */
    /* the assigner's result (status WC_OK, not a call) */
    wc_status astatus; /* a fatal error of the assigner: the writer stops the run */
    wc_error aerr;
    wc_buf key;   /* the doc_key */
    bool already; /* stored before as `found` */
    int64_t found;
    int64_t doc_id; /* the id it gets */
    int64_t time;   /* its time for its cluster's original: published, else fetched */
    wc_match m;     /* its cluster; m.absorbed points at absorbed */
    int64_t *absorbed;
    size_t absorbed_cap;
    wc_cluster_info row; /* its cluster's row after it joined */
    /* after any slot: the similarities that changed since the last such list */
    struct sim_update *sims;
    size_t nsims, sims_cap;
    bool settled; /* nothing is owed to the rows after this slot: a commit may follow */
};

struct worker {
    wc_ingest *ing;
    pthread_t thread;
    wc_fp_worker *fpw;
    wc_story_profiler *prof; /* NULL when stories are off */
};

struct wc_ingest {
    wc_store *store;
    wc_ingest_opts opts;
    size_t record_cap; /* bytes of one record's body (opts.max_record, else the dumps' default) */
    wc_fp_params params;
    wc_cluster_index *index;

    pthread_mutex_t mu;
    pthread_cond_t can_fill, can_work, can_assign, can_store;
    struct slot *slots;
    size_t nslots;
    uint64_t head, work, mid, tail; /* see the top of the file */
    uint64_t prof;                  /* next assigned slot a worker may profile (tail..mid) */
    size_t queued_bytes;            /* record bytes in slots not yet stored */
    bool closing;                   /* no more records will come: threads finish */
    bool stopped;          /* stop_threads() has joined every thread (caller's thread only) */
    int flushing;          /* callers waiting in flush: commit as soon as caught up */
    unsigned idle_workers; /* workers waiting for a record */
    bool assigner_waiting; /* the assigner waits for the slot at mid */
    bool writer_waiting;   /* the writer waits for the slot at tail */
    int fill_waiters;      /* threads waiting on can_fill (reader, flush) */
    bool failed;           /* the writer hit a fatal error */
    wc_error fatal;        /* that error */

    struct worker *workers;
    unsigned nworkers;
    pthread_t assigner, writer;
    bool assigner_started, writer_started;

    /* assigner-only state */
    wc_keyset *keys; /* (key hash, text) of every stored or placed document */
    int64_t next_id;
    int64_t *dirty; /* clusters whose original changed since the last flush */
    size_t ndirty, dirty_cap;

    /* writer-only state */
    wc_story_index *stories;  /* NULL when stories are off */
    wc_story_profiler *wprof; /* the writer's own, made when a worker's profile failed */
    /* the transaction's story work, held for its end (ingest_story.c) */
    struct story_pending *pend; /* clusters founded, to place */
    size_t npend, pend_cap;
    bool pend_sorted;       /* pend by rising cluster id */
    wc_buf pend_buf;        /* their packed profiles */
    struct story_event *ev; /* growths and merges, in arrival order */
    size_t nev, ev_cap;
    wc_story_profile pend_pr; /* scratch of an unpacked profile */
    bool in_tx;
    size_t tx_docs;
    uint64_t tx_exact, tx_near; /* of tx_docs: counted in stats, taken back on a rollback */
    double tx_started;

    /* counters (under mu) */
    wc_ingest_stats stats;
    uint64_t dump_bytes_done; /* bytes of inputs already finished */
    double last_progress;

    char **origins; /* interned origin strings */
    size_t norigins;
};

static inline const char *buf_get(const wc_buf *b, bool has)
{
    return has ? b->buf : NULL;
}

/* The first 32 bits of a text's exact hash, as the key set keeps them. */
static inline uint32_t text_bits(const wc_fprint *fp)
{
    return (uint32_t)fp->exact[0] | (uint32_t)fp->exact[1] << 8 | (uint32_t)fp->exact[2] << 16 |
           (uint32_t)fp->exact[3] << 24;
}

/* --- ingest_story.c ----------------------------------------------------------------------- */

void ingest_story_init(wc_ingest *ing);
void ingest_story_release(wc_ingest *ing);
/* Is cluster_id founded in this transaction, waiting to be placed? */
bool ingest_story_pending(const wc_ingest *ing, int64_t cluster_id);
/* Cluster cluster_id, founded by slot sl (its profile packed in sl->prof), waits to be placed. */
wc_status ingest_story_defer(wc_ingest *ing, int64_t cluster_id, const struct slot *sl,
                             wc_error *err);
/* A member joined cluster_id, which absorbed the clusters absorbed[0..nabsorbed). */
wc_status ingest_story_grow(wc_ingest *ing, int64_t cluster_id, int64_t seen, int64_t published,
                            const int64_t *absorbed, size_t nabsorbed, wc_error *err);
/* Place what waits and apply the changes (before a commit, or a call on the writer). */
wc_status ingest_story_settle(wc_ingest *ing, wc_error *err);
/* Drop what waits (the transaction is rolled back). */
void ingest_story_forget(wc_ingest *ing);

/* --- ingest_slot.c ------------------------------------------------------------------------ */

/* A slot's buffers, empty, the body's capped at record_cap bytes; and freed. */
void ingest_slot_init(struct slot *sl, size_t record_cap);
void ingest_slot_release(struct slot *sl);
/* What a stored slot keeps until the ring comes round to it again. */
void ingest_slot_trim(struct slot *sl);

/* The worker's job: extract (or clean) the record, fingerprint it. Never fails: sl->status says. */
void ingest_process(struct worker *w, struct slot *sl);

/*
 * A worker's second job, after the assigner: the story profile of a record
 * that founds a cluster (a copy's would be thrown away). Never fails:
 * without memory sl->has_profile stays false, and the writer tries again.
 */
void ingest_profile(wc_story_profiler *prof, struct slot *sl);

/* Slot sl ends a transaction: every `batch` records of the input, counted in input order,
   so that where transactions end (and their stories are placed) does not depend on timing. */
static inline bool ingest_tx_boundary(const wc_ingest *ing, const struct slot *sl)
{
    return (sl->seq + 1) % ing->opts.batch == 0;
}

/*
 * The assigner's job: already stored, or a new document with its id, its
 * cluster and the rows to write; then what is owed to the rows (caught_up:
 * no slot waits behind this one). A non-OK return is fatal for the run.
 */
wc_status ingest_assign(wc_ingest *ing, struct slot *sl, bool caught_up, wc_error *err);

/* The writer's job: store what the slot holds. Fatal errors return non-zero; bad records are
 * counted. */
wc_status ingest_store(wc_ingest *ing, struct slot *sl, wc_error *err);

#endif
