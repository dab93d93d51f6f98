/*
 * ingest.h - the pipeline from records to stored, clustered documents.
 *
 * A wc_ingest owns the threads of one writing run: workers turn records
 * into articles and fingerprints (extract -> normalise -> fingerprint, in
 * parallel); one assigner thread takes their results back in input order,
 * skips items already stored and assigns clusters with the in-memory
 * index; one writer thread stores everything in batched transactions.
 * Processing results in input order makes a run deterministic whatever
 * the thread timing.
 *
 * Used by `ingest` (records from dumps, wc_ingest_paths) and by `follow`
 * (records built from feed entries and fetched pages, wc_ingest_add).
 * The other writing run, wc_recluster (recluster.h), rebuilds the
 * clusters of what is stored.
 */
#ifndef WIRECOPY_INGEST_H
#define WIRECOPY_INGEST_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/cluster.h"
#include "wirecopy/dump.h"
#include "wirecopy/error.h"
#include "wirecopy/extract.h"
#include "wirecopy/fingerprint.h"
#include "wirecopy/store.h"
#include "wirecopy/story.h"

typedef struct wc_ingest wc_ingest;

typedef struct wc_ingest_stats {
    uint64_t records;          /* records read from the inputs */
    uint64_t stored;           /* new documents stored */
    uint64_t exact;            /* of those: exact copies of a stored document */
    uint64_t near;             /* of those: near copies */
    uint64_t already;          /* the same item was already stored: nothing added */
    uint64_t skipped;          /* not articles: empty or non-article pages, other WARC records */
    uint64_t not_articles;     /* of skipped: records read whose page held no article text */
    uint64_t errors;           /* bad records and inputs that could not be read */
    uint64_t bytes_read;       /* input bytes consumed (compressed) */
    uint64_t bytes_total;      /* input bytes in all, when known */
    uint64_t index_docs;       /* documents in the clustering index */
    uint64_t index_bytes;      /* memory the index uses */
    uint64_t stories;          /* stories opened */
    uint64_t story_clusters;   /* copy clusters placed in a story */
    uint64_t story_candidates; /* candidate stories examined, summed over placed clusters */
    uint64_t story_bytes;      /* memory the story index uses */
} wc_ingest_stats;

/* Called in the writer thread for each record once it is decided. */
typedef struct wc_ingest_result {
    void *user;         /* the pointer given to wc_ingest_add */
    wc_status status;   /* WC_OK stored, WC_ERR_EMPTY not an article, other: failed */
    int64_t doc_id;     /* stored (or already stored) document, else 0 */
    int64_t cluster_id; /* its cluster, else 0 */
    bool already;       /* it was stored before */
    wc_match_kind kind; /* how it joined its cluster (WC_MATCH_NEW when not stored) */
} wc_ingest_result;

typedef struct wc_ingest_opts {
    unsigned threads;           /* worker threads (and band-build threads); 0 = one per CPU */
    size_t batch;               /* documents per transaction; 0 = default */
    const wc_fp_params *params; /* fingerprint/cluster parameters; NULL = stored or default */
    size_t max_record;          /* cap on one record's bytes, read from a dump or queued (0 =
                                   WC_DUMP_DEFAULT_MAX_RECORD); a larger one is a bad record */
    wc_problem_fn on_problem;   /* bad records (provenance in the message) */
    bool report_empty;          /* also pass records without an article to on_problem, with
                                   code WC_ERR_EMPTY (they are counted as skipped, not errors) */
    void *problem_ctx;
    /* Called on the writer thread, inside its transaction, for every record once decided
       (may be NULL). It may call wc_store functions on the store being written. */
    void (*on_result)(void *ctx, const wc_ingest_result *r);
    void *result_ctx;
    const volatile sig_atomic_t *stop; /* when it becomes non-zero: stop reading, commit, return */
    /* Called from the reading thread about ten times a second (may be NULL). */
    void (*on_progress)(void *ctx, const wc_ingest_stats *s);
    void *progress_ctx;
    bool no_stories;      /* copy clusters only: no story is assigned, no profile made */
    int64_t story_window; /* seconds of publication time a story stays open to new
                             clusters; 0 = WC_STORY_DEFAULT_WINDOW (7 days) */
    /* Called while wc_ingest_new builds the stories of a database that has clusters without
       one (made before stories, or with no_stories), once, with clusters done and in all. */
    void (*on_story_build)(void *ctx, uint64_t done, uint64_t total);
    void *story_build_ctx;
    /* Called on the writer thread for every cluster placed in a story (fitting, diagnostics). */
    void (*on_story_trace)(void *ctx, const wc_story_trace *t);
    void *story_trace_ctx;
    const wc_story_weights *story_weights; /* NULL = wc_story_fitted (others: fitting only) */
} wc_ingest_opts;

/*
 * Start a run on an open writer store: checks (or records) the
 * fingerprint parameters in the database, rebuilds the clustering index
 * from the stored fingerprints, starts the threads. WC_ERR_MISMATCH when
 * opts->params differ from the stored ones in a way that would mix
 * incompatible signatures.
 */
wc_status wc_ingest_new(wc_store *store, const wc_ingest_opts *opts, wc_ingest **out,
                        wc_error *err);

/*
 * Queue one record (copied; rec may be reused at once). Blocks while the
 * queue is full. `extra` (may be NULL) says where the record came from
 * beside its bytes: the feed it was found in and what the feed entry said
 * of it, as data. Extraction weighs the entry against the page and the
 * record by its one precedence table (wc_article_known in extract.h). A
 * record of source WC_SOURCE_FEED is the entry's own content, an HTML
 * fragment (wc_extract_fragment). WC_ERR_INTERRUPTED after a stop.
 */
typedef struct wc_ingest_extra {
    int64_t feed_id;       /* the feed's row, 0 when none */
    wc_meta_witness entry; /* the feed entry's title, author, site (the feed's title) and time */
} wc_ingest_extra;
wc_status wc_ingest_add(wc_ingest *ing, const wc_record *rec, const wc_ingest_extra *extra,
                        void *user, wc_error *err);

/*
 * Run fn(ctx, store, err) on the writer thread, after every record queued
 * before it has been stored and inside the writer's open transaction (so
 * its writes commit together with those documents). A non-OK return is
 * fatal for the run, like a store error. ctx must stay valid until fn has
 * run (wc_ingest_flush guarantees it). This is how a caller with its own
 * bookkeeping (follow: feed state, entries seen) writes without a second
 * connection. on_result callbacks run on the same thread and may also call
 * wc_store functions on the store.
 */
typedef wc_status (*wc_ingest_call_fn)(void *ctx, wc_store *s, wc_error *err);
wc_status wc_ingest_call(wc_ingest *ing, wc_ingest_call_fn fn, void *ctx, wc_error *err);

/* Read every record of each path (file, directory, "-") and queue it. */
wc_status wc_ingest_paths(wc_ingest *ing, const char *const *paths, size_t n, wc_error *err);

/*
 * Wait until everything queued is stored and committed. The first fatal
 * error of the writer (disk full, database error) is returned here and
 * by every later call.
 */
wc_status wc_ingest_flush(wc_ingest *ing, wc_error *err);

/* Counters so far (thread-safe snapshot). */
void wc_ingest_get_stats(wc_ingest *ing, wc_ingest_stats *out);

/*
 * Flush and stop the threads; nothing can be queued afterwards
 * (WC_ERR_USAGE). Returns the flush status, as often as it is called.
 * NULL is a no-op.
 */
wc_status wc_ingest_finish(wc_ingest *ing, wc_error *err);

/* Free the run; one not finished is finished first (its status lost). NULL is a no-op. */
void wc_ingest_free(wc_ingest *ing);

#endif
