/*
 * ingest.c - the writing pipeline: records in, clustered documents stored
 * (see ingest.h). This file runs the ring and its threads; what each stage
 * does to one record is in ingest_slot.c, and ingest_internal.h is what
 * the two share.
 *
 * Threads and flow:
 *
 *   caller (reader) --fill--> ring of job slots --claim--> workers (N)
 *        ^                                                    | extract, normalise,
 *        |                                                    | fingerprint, pack
 *        |                                                    v
 *        |                                            assigner (1)
 *        |                                   "already stored?" (in memory),
 *        |                                   LSH candidates, verify, cluster,
 *        |                                   the rows to write
 *        |                                                    |
 *        +------ slot freed <---- writer (1) <--- assigned ---+
 *                                 INSERT, cluster rows as handed,
 *                                 batched COMMIT
 *
 * The ring has a fixed number of slots and a cap on the record bytes
 * queued in them (INGEST_QUEUE_BYTES), so memory is bounded whatever the
 * input size, and the reader blocks when the writer falls behind
 * (back-pressure). Sequence numbers index
 * the ring (seq % slots): the assigner and the writer take slots strictly
 * in input order, so document ids and cluster decisions are the same on
 * every run of the same input, whatever the thread timing. Slots and
 * their buffers are reused, so the hot path does not allocate per
 * document once warm.
 *
 * Why an assigner apart from the writer: clustering needs only memory
 * (the candidate index and the key set of stored documents), writing
 * needs only SQLite, and on one thread they took turns. Apart, candidate
 * lookup for document n+1 runs on one core while document n is written on
 * the other. The assigner owns the index, the key set and the next
 * document id; the writer owns the database connection.
 *
 * Records travel one way. The index keeps each cluster's original (its
 * earliest member, original.h), size and times as documents arrive, so
 * the assigner hands the writer everything it writes: the document with
 * its similarity to the original, its cluster's row, the clusters it
 * absorbed, and, when an original changed, every member's new similarity
 * (settle explains when). The writer reads nothing back: no fingerprint,
 * no cluster row.
 *
 * A document the assigner has placed but the writer has not stored yet is
 * already in the index and the key set, so a copy right behind it (even
 * in the same transaction) is found. If the writer fails, the run stops
 * and the index, which may then hold documents that were rolled back,
 * goes with it.
 *
 * One mutex guards the four counters (head: next to fill, work: next to
 * process, mid: next to assign, tail: next to store) and the slot states;
 * four condition variables wake the reader, the workers, the assigner and
 * the writer.
 *
 * Durability: the writer commits after every `batch` records of the
 * input (ingest_tx_boundary: the slot there is always settled, no
 * similarity owed after it), and also when it has been idle with an open
 * transaction for WRITER_IDLE_COMMIT seconds, so a slow trickle (follow)
 * is committed promptly; every transaction holds rows that equal what
 * their members define. The boundaries are the input's, not the
 * threads' timing: a transaction's stories are placed at its end
 * (ingest_story.c), so the same input gives the same stories on every
 * run, unless the input stalls for an idle commit. A fatal store error (disk full, I/O) stops the
 * run: the open transaction is rolled back, everything committed before stays, and the error is
 * returned by flush/finish.
 */
#define _GNU_SOURCE
#include "ingest_internal.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store_writer.h"
#include "story/story_store.h"
#include "internal.h"

/* Documents per transaction: COMMIT's cost is noise, and little is lost to a crash. */
#define INGEST_DEFAULT_BATCH 2000
/*
 * Slots per worker thread in the ring, plus a fixed reserve. The ring must
 * hold more than the work done while the writer commits or restarts the
 * WAL (tens to hundreds of milliseconds): with 64 slots the reader and the
 * workers stood still through every commit and nothing ran on the second
 * core (100k articles: 8.9 s; 512 slots: 7.6 s).
 */
#define INGEST_SLOTS_PER_WORKER 128
#define INGEST_SLOTS_RESERVE 256
/*
 * At most this many bytes of records wait in the ring (one record always
 * fits). Each record in flight also has its text (or article) and its
 * fingerprint scratch, so the memory in flight is up to about 3x this.
 */
#define INGEST_QUEUE_BYTES ((size_t)256 << 20)
/* Commit an idle transaction after this many seconds. */
#define WRITER_IDLE_COMMIT 1.0
/* Progress callback interval, seconds. */
#define PROGRESS_INTERVAL 0.1

/* --- small helpers ---------------------------------------------------------- */

static wc_status buf_set(wc_buf *b, const char *s, bool *has)
{
    wc_status st = WC_OK;

    wc_buf_reset(b);
    *has = false;
    if (s && !(st = wc_buf_addstr(b, s)))
        *has = true;
    return st;
}

static unsigned cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 && n < 256 ? (unsigned)n : 1;
}

/* --- workers ------------------------------------------------------------------ */

/*
 * The next assigned slot waiting for its profile, claimed (under mu), or
 * NULL. Slots from tail to mid are assigned and not stored yet, so none of
 * them is reused meanwhile; the writer waits at the first that needs a
 * profile, so prof never falls behind one.
 */
static struct slot *claim_profile(wc_ingest *ing)
{
    if (ing->prof < ing->tail)
        ing->prof = ing->tail;
    while (ing->prof < ing->mid) {
        struct slot *sl = &ing->slots[ing->prof % ing->nslots];
        ing->prof++;
        if (sl->state == SLOT_ASSIGNED && sl->need_profile) {
            sl->state = SLOT_PROFILING;
            return sl;
        }
    }
    return NULL;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    wc_ingest *ing = w->ing;
    struct slot *sl;

    pthread_setname_np(pthread_self(), "wc-worker"); /* for top -H, perf and gdb */

    pthread_mutex_lock(&ing->mu);
    for (;;) {
        /* a profile first: the writer waits for it in order */
        if (w->prof && !ing->failed && (sl = claim_profile(ing))) {
            pthread_mutex_unlock(&ing->mu);
            ingest_profile(w->prof, sl);
            pthread_mutex_lock(&ing->mu);
            sl->state = SLOT_READY;
            if (ing->writer_waiting && sl->seq == ing->tail)
                pthread_cond_signal(&ing->can_store);
            continue;
        }
        if (ing->work == ing->head || ing->failed) {
            if (ing->failed ||
                (ing->closing && ing->mid == ing->head && (!w->prof || ing->prof >= ing->mid)))
                break;
            ing->idle_workers++;
            pthread_cond_wait(&ing->can_work, &ing->mu);
            ing->idle_workers--;
            continue;
        }
        sl = &ing->slots[ing->work % ing->nslots];
        ing->work++;
        sl->state = SLOT_WORKING;
        pthread_mutex_unlock(&ing->mu);
        ingest_process(w, sl);
        pthread_mutex_lock(&ing->mu);
        sl->state = SLOT_DONE;
        /* wake the assigner only for the slot it waits for: it goes in order */
        if (ing->assigner_waiting && sl->seq == ing->mid)
            pthread_cond_signal(&ing->can_assign);
    }
    pthread_mutex_unlock(&ing->mu);
    return NULL;
}

/* --- writer ------------------------------------------------------------------- */

static void writer_fail(wc_ingest *ing, const wc_error *err)
{
    pthread_mutex_lock(&ing->mu);
    if (!ing->failed) {
        ing->failed = true;
        ing->fatal = *err;
    }
    ing->in_tx = false;
    pthread_cond_broadcast(&ing->can_fill);
    pthread_cond_broadcast(&ing->can_work);
    pthread_cond_broadcast(&ing->can_assign);
    pthread_mutex_unlock(&ing->mu);
}

static void story_figures(wc_ingest *ing);

static wc_status commit(wc_ingest *ing, wc_error *err)
{
    wc_status st;

    if (!ing->in_tx)
        return WC_OK;
    /* the clusters it founded placed, and the story rows it changed, once each */
    if (ing->stories && ((st = ingest_story_settle(ing, err)) ||
                         (st = story_store_flush(ing->store, ing->stories, err))))
        return st;
    if ((st = wc_store_commit(ing->store, err)))
        return st;
    pthread_mutex_lock(&ing->mu);
    ing->in_tx = false;
    story_figures(ing);
    pthread_mutex_unlock(&ing->mu);
    ing->tx_docs = 0;
    ing->tx_exact = ing->tx_near = 0;
    return WC_OK;
}

/* --- assigner ----------------------------------------------------------------- */

/* The in-memory index's size in the stats (under mu; a few multiplications). */
static void index_figures(wc_ingest *ing)
{
    ing->stats.index_docs = wc_cluster_index_count(ing->index);
    ing->stats.index_bytes = wc_cluster_index_memory(ing->index) + wc_keyset_memory(ing->keys);
}

/* The story index's size in the stats (writer thread, under mu). */
static void story_figures(wc_ingest *ing)
{
    wc_story_index_stats is;

    if (!ing->stories)
        return;
    wc_story_index_get_stats(ing->stories, &is);
    ing->stats.story_bytes = is.bytes;
}

static void *assigner_main(void *arg)
{
    wc_ingest *ing = arg;
    struct slot *sl;
    wc_status st;

    pthread_setname_np(pthread_self(), "wc-assigner");
    pthread_mutex_lock(&ing->mu);
    for (;;) {
        sl = &ing->slots[ing->mid % ing->nslots];
        if (ing->failed)
            break;
        if (ing->mid < ing->head && sl->state == SLOT_DONE) {
            bool caught_up = ing->mid + 1 == ing->head; /* see settle */
            pthread_mutex_unlock(&ing->mu);
            wc_error_clear(&sl->aerr);
            st = ingest_assign(ing, sl, caught_up, &sl->aerr);
            sl->astatus = st;
            pthread_mutex_lock(&ing->mu);
            if (st)
                sl->need_profile = false;
            sl->state = sl->need_profile ? SLOT_ASSIGNED : SLOT_READY;
            ing->mid++;
            index_figures(ing);
            if (sl->need_profile) {
                if (ing->idle_workers)
                    pthread_cond_signal(&ing->can_work);
            } else if (ing->writer_waiting && sl->seq == ing->tail) {
                pthread_cond_signal(&ing->can_store);
            }
            if (st)
                break; /* the writer reports it and stops the run */
            continue;
        }
        if (ing->mid == ing->head && ing->closing) {
            pthread_cond_broadcast(&ing->can_work); /* workers waiting for profiles may finish */
            break;
        }
        ing->assigner_waiting = true;
        pthread_cond_wait(&ing->can_assign, &ing->mu);
        ing->assigner_waiting = false;
    }
    pthread_mutex_unlock(&ing->mu);
    return NULL;
}

/* --- writer ----------------------------------------------------------------------- */

static void *writer_main(void *arg)
{
    wc_ingest *ing = arg;
    wc_error err = WC_ERROR_INIT;
    wc_status st = WC_OK;
    struct slot *sl;
    struct timespec ts;

    pthread_setname_np(pthread_self(), "wc-writer");
    pthread_mutex_lock(&ing->mu);
    for (;;) {
        sl = &ing->slots[ing->tail % ing->nslots];
        if (ing->tail < ing->head && sl->state == SLOT_READY) {
            pthread_mutex_unlock(&ing->mu);
            st = ingest_store(ing, sl, &err);
            if (!st && sl->settled && ingest_tx_boundary(ing, sl))
                st = commit(ing, &err);
            ingest_slot_trim(sl);
            pthread_mutex_lock(&ing->mu);
            sl->state = SLOT_FREE;
            ing->queued_bytes -= sl->bytes;
            ing->tail++;
            /* wake a blocked reader once half the ring is free, not for every slot */
            if (ing->fill_waiters && ((ing->head - ing->tail <= ing->nslots / 2 &&
                                       ing->queued_bytes <= INGEST_QUEUE_BYTES / 2) ||
                                      st))
                pthread_cond_broadcast(&ing->can_fill);
            if (st)
                break;
            continue;
        }
        if (ing->tail == ing->head && ing->in_tx) {
            /* caught up: commit when the caller waits, or after a short idle time */
            if (ing->closing || ing->flushing ||
                wc_time_mono() - ing->tx_started >= WRITER_IDLE_COMMIT) {
                pthread_mutex_unlock(&ing->mu);
                st = commit(ing, &err);
                pthread_mutex_lock(&ing->mu);
                pthread_cond_broadcast(&ing->can_fill);
                if (st)
                    break;
                continue;
            }
        }
        if (ing->tail == ing->head && ing->closing && !ing->in_tx)
            break;
        if (ing->failed)
            break;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        ing->writer_waiting = true;
        pthread_cond_timedwait(&ing->can_store, &ing->mu, &ts);
        ing->writer_waiting = false;
    }
    pthread_mutex_unlock(&ing->mu);
    if (st) {
        wc_store_rollback(ing->store);
        ingest_story_forget(ing);
        /* what the open transaction held is not stored after all */
        pthread_mutex_lock(&ing->mu);
        ing->stats.stored -= ing->tx_docs;
        ing->stats.exact -= ing->tx_exact;
        ing->stats.near -= ing->tx_near;
        pthread_mutex_unlock(&ing->mu);
        ing->tx_docs = 0;
        ing->tx_exact = ing->tx_near = 0;
        writer_fail(ing, &err);
    }
    return NULL;
}

/* --- set-up --------------------------------------------------------------------- */

struct load_ctx {
    wc_ingest *ing;
    wc_fprint fp;
    wc_error *err;
    uint64_t n;
    uint64_t *text; /* by doc id: 1 << 32 | text_bits, 0 for no fingerprint */
    size_t ntext;
};

static wc_status load_one(void *p, int64_t doc_id, int64_t cluster_id, int64_t t, const void *blob,
                          size_t len)
{
    struct load_ctx *lc = p;
    wc_status st;

    (void)t; /* not read at start-up: the cluster rows name the originals */
    if ((lc->n & 1023) == 0 && lc->ing->opts.stop && *lc->ing->opts.stop)
        return wc_error_set(lc->err, WC_ERR_INTERRUPTED,
                            "interrupted while loading the index of '%s'",
                            wc_store_path(lc->ing->store));

    if ((st = wc_fprint_unpack(blob, len, &lc->ing->params, &lc->fp, lc->err))) {
        char msg[WC_ERROR_MSG_MAX];
        snprintf(msg, sizeof(msg), "%s", lc->err->msg);
        return wc_error_set(lc->err, WC_ERR_CORRUPT,
                            "stored fingerprint of document %lld in '%s' is damaged: %s",
                            (long long)doc_id, wc_store_path(lc->ing->store), msg);
    }
    if ((st = wc_cluster_index_load(lc->ing->index, doc_id, cluster_id, &lc->fp, lc->err)))
        return st;
    if (doc_id > 0 && (uint64_t)doc_id < lc->ntext)
        lc->text[doc_id] = (uint64_t)1 << 32 | text_bits(&lc->fp);
    lc->n++;
    return WC_OK;
}

/* Each stored document's (key, text) into the key set: "already stored?" is then a memory lookup.
 */
static wc_status load_key(void *p, int64_t doc_id, uint64_t key)
{
    struct load_ctx *lc = p;

    if (doc_id <= 0 || (uint64_t)doc_id >= lc->ntext || !lc->text[doc_id])
        return WC_OK; /* no fingerprint: not in the index either */
    return wc_keyset_add(lc->ing->keys, key, (uint32_t)lc->text[doc_id], doc_id, lc->err);
}

/* Each stored cluster row: the index learns the cluster's original and times. */
static wc_status load_row(void *p, const wc_cluster_info *row)
{
    struct load_ctx *lc = p;
    wc_status st;

    if ((st = wc_cluster_index_load_cluster(lc->ing->index, row, lc->err))) {
        char msg[WC_ERROR_MSG_MAX];
        snprintf(msg, sizeof(msg), "%s", lc->err ? lc->err->msg : "");
        return wc_error_set(lc->err, st,
                            "the cluster rows of '%s' are damaged (%s): `wirecopy recluster` "
                            "rebuilds them",
                            wc_store_path(lc->ing->store), msg);
    }
    return WC_OK;
}

/* Load what is stored into the index and the key set. */
static wc_status load_stored(wc_ingest *ing, wc_error *err)
{
    struct load_ctx lc;
    wc_status st;

    memset(&lc, 0, sizeof(lc));
    lc.ing = ing;
    lc.err = err;
    /* size the tables once for what is stored: no regrowth while loading */
    if ((st = wc_store_next_doc_id(ing->store, &ing->next_id, err)) ||
        (st = wc_cluster_index_reserve(ing->index, (size_t)(ing->next_id - 1), err)) ||
        (st = wc_keyset_reserve(ing->keys, (size_t)(ing->next_id - 1), err)))
        return st;
    lc.ntext = (size_t)ing->next_id;
    if (!(lc.text = calloc(lc.ntext, sizeof(*lc.text))))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory loading the index");
    if (!(st = wc_store_each_fprint(ing->store, false, load_one, &lc, err)) && lc.n &&
        !(st = wc_store_each_key(ing->store, load_key, &lc, err)))
        st = wc_store_each_cluster(ing->store, load_row, &lc, err);
    free(lc.text);
    return st;
}

/*
 * The story index as the store has it. A database with clusters that have
 * no story (made before stories, or by a run with no_stories) gets its
 * stories built once, first (wc_story_rebuild, with progress).
 */
static wc_status load_stories(wc_ingest *ing, wc_error *err)
{
    wc_story_index_opts io;
    uint64_t unplaced = 0;
    wc_status st;

    if (ing->opts.no_stories)
        return WC_OK;
    memset(&io, 0, sizeof(io));
    io.window = ing->opts.story_window;
    io.on_trace = ing->opts.on_story_trace;
    io.trace_ctx = ing->opts.story_trace_ctx;
    io.weights = ing->opts.story_weights;
    for (int pass = 0; pass < 2; pass++) {
        if ((st = wc_story_index_new(&io, &ing->stories, err)) ||
            (st = story_store_load(ing->store, ing->stories, &unplaced, err)))
            return st;
        if (!unplaced)
            return WC_OK;
        if (pass)
            return wc_error_set(err, WC_ERR_CORRUPT,
                                "%llu clusters still have no story after building them",
                                (unsigned long long)unplaced);
        wc_story_index_free(ing->stories);
        ing->stories = NULL;
        wc_story_build_opts bo;
        memset(&bo, 0, sizeof(bo));
        bo.window = ing->opts.story_window;
        bo.stop = ing->opts.stop;
        bo.on_progress = ing->opts.on_story_build;
        bo.progress_ctx = ing->opts.story_build_ctx;
        bo.weights = ing->opts.story_weights;
        if ((st = wc_story_rebuild(ing->store, &bo, NULL, err)))
            return st;
    }
    return WC_OK;
}

/*
 * "t 0.35, asked 0.7; k 3, asked 4" from two "v1;k=3;...;t=0.35" strings:
 * the settings that differ, with the stored value first.
 */
static void params_diff(const char *stored, const char *want, char *out, size_t cap)
{
    const char *a = stored, *b = want;
    size_t n = 0;

    out[0] = '\0';
    while (*a && *b) {
        size_t la = strcspn(a, ";"), lb = strcspn(b, ";");
        const char *ea = memchr(a, '=', la), *eb = memchr(b, '=', lb);
        if ((la != lb || memcmp(a, b, la)) && ea && eb && n < cap) {
            int w = snprintf(out + n, cap - n, "%s%.*s %.*s, asked %.*s", n ? "; " : "",
                             (int)(ea - a), a, (int)(la - (size_t)(ea - a) - 1), ea + 1,
                             (int)(lb - (size_t)(eb - b) - 1), eb + 1);
            if (w > 0)
                n += (size_t)w;
        }
        a += la + (a[la] == ';');
        b += lb + (b[lb] == ';');
    }
    if (!out[0])
        snprintf(out, cap, "'%s', asked '%s'", stored, want);
}

/* Settle the parameters: the database's if it has some, else the caller's or the defaults. */
static wc_status settle_params(wc_ingest *ing, const wc_fp_params *asked, wc_error *err)
{
    char *stored = NULL;
    char want[WC_FP_PARAMS_MAX];
    wc_status st;

    if ((st = wc_store_meta_get(ing->store, WC_STORE_META_FPRINT, &stored, err)))
        return st;
    if (stored) {
        if ((st = wc_fp_params_parse(stored, strlen(stored), &ing->params, err))) {
            char msg[WC_ERROR_MSG_MAX];
            snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
            st = wc_error_set(err, WC_ERR_CORRUPT,
                              "database '%s' holds fingerprint settings this wirecopy cannot "
                              "read ('%s'): %s",
                              wc_store_path(ing->store), stored, msg);
            goto out;
        }
        if (asked) {
            wc_fp_params_format(asked, want);
            if (strcmp(want, stored)) {
                char diff[WC_FP_PARAMS_MAX * 2];
                params_diff(stored, want, diff, sizeof(diff));
                st = wc_error_set(err, WC_ERR_MISMATCH,
                                  "database '%s' was built with other fingerprint settings "
                                  "(%s). Run `wirecopy recluster` with the new settings first, "
                                  "or use another database",
                                  wc_store_path(ing->store), diff);
                goto out;
            }
        }
    } else {
        ing->params = asked ? *asked : wc_fp_params_default();
        wc_fp_params_format(&ing->params, want);
        if ((st = wc_store_meta_set(ing->store, WC_STORE_META_FPRINT, want, err)))
            goto out;
    }
out:
    free(stored);
    return st;
}

static void stop_threads(wc_ingest *ing)
{
    unsigned i;

    if (ing->stopped)
        return;
    ing->stopped = true;
    pthread_mutex_lock(&ing->mu);
    ing->closing = true;
    pthread_cond_broadcast(&ing->can_work);
    pthread_cond_broadcast(&ing->can_assign);
    pthread_cond_broadcast(&ing->can_store);
    pthread_mutex_unlock(&ing->mu);
    for (i = 0; i < ing->nworkers; i++)
        if (ing->workers[i].fpw) {
            pthread_join(ing->workers[i].thread, NULL);
        }
    if (ing->assigner_started)
        pthread_join(ing->assigner, NULL);
    ing->assigner_started = false;
    if (ing->writer_started)
        pthread_join(ing->writer, NULL);
    ing->writer_started = false;
}

static void ingest_free(wc_ingest *ing)
{
    size_t i;

    if (!ing)
        return;
    for (i = 0; ing->workers && i < ing->nworkers; i++) {
        wc_fp_worker_free(ing->workers[i].fpw);
        wc_story_profiler_free(ing->workers[i].prof);
    }
    free(ing->workers);
    for (i = 0; ing->slots && i < ing->nslots; i++)
        ingest_slot_release(&ing->slots[i]);
    free(ing->slots);
    wc_cluster_index_free(ing->index);
    wc_story_index_free(ing->stories);
    wc_story_profiler_free(ing->wprof);
    ingest_story_release(ing);
    free(ing->dirty);
    wc_keyset_free(ing->keys);
    for (i = 0; i < ing->norigins; i++)
        free(ing->origins[i]);
    free(ing->origins);
    pthread_mutex_destroy(&ing->mu);
    pthread_cond_destroy(&ing->can_fill);
    pthread_cond_destroy(&ing->can_work);
    pthread_cond_destroy(&ing->can_assign);
    pthread_cond_destroy(&ing->can_store);
    free(ing);
}

wc_status wc_ingest_new(wc_store *store, const wc_ingest_opts *opts, wc_ingest **out, wc_error *err)
{
    wc_ingest *ing;
    wc_status st;
    size_t i;

    *out = NULL;
    ing = calloc(1, sizeof(*ing));
    if (!ing)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&ing->mu, NULL);
    pthread_cond_init(&ing->can_fill, NULL);
    pthread_cond_init(&ing->can_work, NULL);
    pthread_cond_init(&ing->can_assign, NULL);
    pthread_cond_init(&ing->can_store, NULL);
    ing->store = store;
    ingest_story_init(ing);
    ing->opts = *opts;
    if (!ing->opts.batch)
        ing->opts.batch = INGEST_DEFAULT_BATCH;
    ing->record_cap = opts->max_record ? opts->max_record : WC_DUMP_DEFAULT_MAX_RECORD;
    ing->nworkers = opts->threads ? opts->threads : cpu_count();

    if ((st = settle_params(ing, opts->params, err)))
        goto fail;
    if (!(ing->index = wc_cluster_index_new(&ing->params))) {
        st = wc_error_set(err, WC_ERR_NOMEM, "out of memory");
        goto fail;
    }
    wc_cluster_index_set_threads(ing->index, opts->threads); /* --threads caps band builds too */
    if (!(ing->keys = wc_keyset_new())) {
        st = wc_error_set(err, WC_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if ((st = load_stored(ing, err)) || (st = load_stories(ing, err)))
        goto fail;

    ing->nslots = ing->nworkers * INGEST_SLOTS_PER_WORKER + INGEST_SLOTS_RESERVE;
    ing->slots = calloc(ing->nslots, sizeof(*ing->slots));
    ing->workers = calloc(ing->nworkers, sizeof(*ing->workers));
    if (!ing->slots || !ing->workers) {
        st = wc_error_set(err, WC_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (i = 0; i < ing->nslots; i++)
        ingest_slot_init(&ing->slots[i], ing->record_cap);
    for (i = 0; i < ing->nworkers; i++) {
        ing->workers[i].ing = ing;
        if (!(ing->workers[i].fpw = wc_fp_worker_new(&ing->params))) {
            st = wc_error_set(err, WC_ERR_NOMEM, "out of memory");
            goto fail;
        }
        if (ing->stories && (st = wc_story_profiler_new(NULL, &ing->workers[i].prof, err)))
            goto fail;
    }
    for (i = 0; i < ing->nworkers; i++) {
        if (wc_thread_create(&ing->workers[i].thread, worker_main, &ing->workers[i])) {
            wc_fp_worker_free(ing->workers[i].fpw);
            ing->workers[i].fpw = NULL;
            st = wc_error_sys(err, WC_ERR_NOMEM, errno, "cannot start a thread");
            goto fail_threads;
        }
    }
    index_figures(ing); /* before the assigner runs: it owns the index from now on */
    if (wc_thread_create(&ing->assigner, assigner_main, ing)) {
        st = wc_error_sys(err, WC_ERR_NOMEM, errno, "cannot start a thread");
        goto fail_threads;
    }
    ing->assigner_started = true;
    if (wc_thread_create(&ing->writer, writer_main, ing)) {
        st = wc_error_sys(err, WC_ERR_NOMEM, errno, "cannot start a thread");
        goto fail_threads;
    }
    ing->writer_started = true;
    *out = ing;
    return WC_OK;
fail_threads:
    stop_threads(ing);
fail:
    ingest_free(ing);
    return st;
}

/* --- feeding records ---------------------------------------------------------------- */

static const char *intern_origin(wc_ingest *ing, const char *origin)
{
    char **v;

    if (!origin)
        origin = "-";
    if (ing->norigins && !strcmp(ing->origins[ing->norigins - 1], origin))
        return ing->origins[ing->norigins - 1];
    v = realloc(ing->origins, (ing->norigins + 1) * sizeof(*v));
    if (!v)
        return NULL;
    ing->origins = v;
    if (!(v[ing->norigins] = wc_strdup(origin)))
        return NULL;
    return v[ing->norigins++];
}

static wc_status fill_slot(wc_ingest *ing, struct slot *sl, const wc_record *rec,
                           const wc_ingest_extra *extra, void *user)
{
    wc_status st = WC_OK;

    sl->source = rec->source;
    if (!(sl->origin = intern_origin(ing, rec->origin)))
        return WC_ERR_NOMEM;
    sl->offset = rec->offset;
    sl->line = rec->line;
    sl->published_at = rec->published_at;
    sl->fetched_at = rec->fetched_at;
    sl->is_html = rec->is_html;
    sl->user = user;
    if ((st = buf_set(&sl->origin_id, rec->origin_id, &sl->has_origin_id)) ||
        (st = buf_set(&sl->url, rec->url, &sl->has_url)) ||
        (st = buf_set(&sl->title, rec->title, &sl->has_title)) ||
        (st = buf_set(&sl->charset, rec->charset, &sl->has_charset)))
        return st;
    wc_buf_reset(&sl->body);
    if ((st = wc_buf_add(&sl->body, rec->body, rec->len)))
        return st;
    memset(&sl->extra, 0, sizeof(sl->extra));
    sl->extra.entry.published_at = WC_TIME_NONE;
    wc_buf_reset(&sl->extra_buf);
    if (extra) {
        /* copy the entry's strings back to back, then point at them */
        const wc_meta_witness *e = &extra->entry;
        size_t at[3] = {0, 0, 0};
        const char *s[3] = {e->title, e->author, e->site};
        for (int i = 0; i < 3; i++) {
            at[i] = sl->extra_buf.len;
            if (s[i] && (st = wc_buf_add(&sl->extra_buf, s[i], strlen(s[i]) + 1)))
                return st;
        }
        sl->extra.feed_id = extra->feed_id;
        sl->extra.entry.published_at = e->published_at;
        sl->extra.entry.title = e->title ? sl->extra_buf.buf + at[0] : NULL;
        sl->extra.entry.author = e->author ? sl->extra_buf.buf + at[1] : NULL;
        sl->extra.entry.site = e->site ? sl->extra_buf.buf + at[2] : NULL;
    }
    return WC_OK;
}

static void maybe_progress(wc_ingest *ing)
{
    wc_ingest_stats s;
    double now;

    if (!ing->opts.on_progress)
        return;
    now = wc_time_mono();
    if (now - ing->last_progress < PROGRESS_INTERVAL)
        return;
    ing->last_progress = now;
    wc_ingest_get_stats(ing, &s);
    ing->opts.on_progress(ing->opts.progress_ctx, &s);
}

/*
 * Wait for a free slot at head with room for `bytes` more queued bytes:
 * the slot, or NULL with *st set (failure or stop).
 */
static struct slot *acquire_slot(wc_ingest *ing, size_t bytes, wc_status *st, wc_error *err)
{
    struct slot *sl = NULL;

    pthread_mutex_lock(&ing->mu);
    while ((ing->head - ing->tail >= ing->nslots ||
            (ing->head > ing->tail && ing->queued_bytes + bytes > INGEST_QUEUE_BYTES)) &&
           !ing->failed && !(ing->opts.stop && *ing->opts.stop)) {
        ing->fill_waiters++;
        pthread_cond_wait(&ing->can_fill, &ing->mu);
        ing->fill_waiters--;
    }
    if (ing->failed) {
        if (err)
            *err = ing->fatal;
        *st = ing->fatal.code;
    } else if (ing->opts.stop && *ing->opts.stop) {
        *st = wc_error_set(err, WC_ERR_INTERRUPTED, "interrupted");
    } else if (ing->closing) {
        *st = wc_error_set(err, WC_ERR_USAGE, "record queued after wc_ingest_finish");
    } else {
        sl = &ing->slots[ing->head % ing->nslots];
    }
    pthread_mutex_unlock(&ing->mu);
    return sl;
}

/* Hand a filled slot (holding `bytes` of record) to the workers. */
static void publish_slot(wc_ingest *ing, struct slot *sl, size_t bytes, bool record)
{
    pthread_mutex_lock(&ing->mu);
    sl->bytes = bytes;
    ing->queued_bytes += bytes;
    sl->seq = ing->head;
    sl->state = SLOT_FILLED;
    ing->head++;
    if (record)
        ing->stats.records++;
    if (ing->idle_workers)
        pthread_cond_signal(&ing->can_work);
    if (ing->writer_waiting && ing->head == ing->tail + 1)
        pthread_cond_signal(&ing->can_store); /* an idle writer may want to commit later */
    pthread_mutex_unlock(&ing->mu);
}

wc_status wc_ingest_add(wc_ingest *ing, const wc_record *rec, const wc_ingest_extra *extra,
                        void *user, wc_error *err)
{
    struct slot *sl;
    wc_status st = WC_OK;

    if (!(sl = acquire_slot(ing, rec->len, &st, err)))
        return st;
    /* the slot is FREE and only this thread fills: no lock needed to write it */
    sl->call = NULL;
    sl->rejected = false;
    if ((st = fill_slot(ing, sl, rec, extra, user))) {
        if (st != WC_ERR_LIMIT || !sl->origin)
            return wc_error_set(err, st, "out of memory queueing a record of '%s'",
                                rec->origin ? rec->origin : "-");
        /* too large for its slot: a bad record, reported and counted like any other */
        sl->rejected = true;
        sl->status = wc_error_set(&sl->err, st,
                                  "record of %zu bytes, or one of its fields, is over its cap "
                                  "(%zu bytes of body, %zu of a field)",
                                  rec->len, ing->record_cap, (size_t)SLOT_FIELD_CAP);
    }
    publish_slot(ing, sl, rec->len, true);
    maybe_progress(ing);
    return WC_OK;
}

wc_status wc_ingest_call(wc_ingest *ing, wc_ingest_call_fn fn, void *ctx, wc_error *err)
{
    struct slot *sl;
    wc_status st = WC_OK;

    if (!(sl = acquire_slot(ing, 0, &st, err)))
        return st;
    sl->call = fn;
    sl->call_ctx = ctx;
    sl->rejected = false;
    sl->user = NULL;
    sl->status = WC_OK;
    publish_slot(ing, sl, 0, false);
    return WC_OK;
}

/* Forward a dump's problems to ours, counting them. */
struct dump_fwd {
    wc_ingest *ing;
};

static void dump_problem(void *p, const wc_error *e)
{
    wc_ingest *ing = p;

    pthread_mutex_lock(&ing->mu);
    ing->stats.errors++;
    pthread_mutex_unlock(&ing->mu);
    if (ing->opts.on_problem)
        ing->opts.on_problem(ing->opts.problem_ctx, e);
}

static void sync_dump_stats(wc_ingest *ing, wc_dump *d, bool finished, uint64_t *skipped_seen)
{
    wc_dump_stats ds;

    wc_dump_get_stats(d, &ds);
    pthread_mutex_lock(&ing->mu);
    ing->stats.skipped += ds.skipped - *skipped_seen;
    *skipped_seen = ds.skipped;
    ing->stats.bytes_read = ing->dump_bytes_done + ds.bytes_read;
    if (finished)
        ing->dump_bytes_done += ds.bytes_total ? ds.bytes_total : ds.bytes_read;
    pthread_mutex_unlock(&ing->mu);
}

wc_status wc_ingest_paths(wc_ingest *ing, const char *const *paths, size_t n, wc_error *err)
{
    wc_dump_opts dopts;
    wc_status st = WC_OK, first = WC_OK;
    size_t i;
    uint64_t total = 0;
    bool failed;

    memset(&dopts, 0, sizeof(dopts));
    dopts.max_record = ing->opts.max_record;
    dopts.on_problem = dump_problem;
    dopts.problem_ctx = ing;
    dopts.stop = ing->opts.stop;
    for (i = 0; i < n; i++) {
        wc_dump *d = NULL;
        wc_record rec;
        wc_dump_stats ds;
        wc_error e = WC_ERROR_INIT;
        uint64_t skipped_seen = 0, count = 0;

        if (ing->opts.stop && *ing->opts.stop)
            return wc_error_set(err, WC_ERR_INTERRUPTED, "interrupted");
        /* absolute origins: provenance that still means something elsewhere, and the same
           item read through another relative path is recognised as already stored */
        char *abs = strcmp(paths[i], "-") ? realpath(paths[i], NULL) : NULL;
        st = wc_dump_open(abs ? abs : paths[i], &dopts, &d, &e);
        free(abs);
        if (st) {
            dump_problem(ing, &e);
            if (!first)
                first = st;
            continue;
        }
        wc_dump_get_stats(d, &ds);
        total += ds.bytes_total;
        pthread_mutex_lock(&ing->mu);
        ing->stats.bytes_total = total;
        pthread_mutex_unlock(&ing->mu);
        while ((st = wc_dump_next(d, &rec, &e)) == WC_OK) {
            if ((st = wc_ingest_add(ing, &rec, NULL, NULL, &e)))
                break;
            if ((++count & 63) == 0)
                sync_dump_stats(ing, d, false, &skipped_seen);
        }
        sync_dump_stats(ing, d, true, &skipped_seen);
        wc_dump_free(d);
        if (st == WC_DONE)
            continue;
        pthread_mutex_lock(&ing->mu);
        failed = ing->failed;
        pthread_mutex_unlock(&ing->mu);
        if (st == WC_ERR_INTERRUPTED || failed) {
            if (err)
                *err = e;
            return st;
        }
        /* the input ended early (truncated, unreadable): report, go on with the next */
        dump_problem(ing, &e);
    }
    (void)first;
    return WC_OK;
}

/* --- flush / finish ----------------------------------------------------------------- */

/*
 * On the writer thread, before a flush commits: the stories changed since
 * the last repair are scored against their candidates, and those that
 * arrival order split merge (wc_story_repair); the rows go with the commit.
 */
static wc_status repair_stories(void *ctx, wc_store *s, wc_error *err)
{
    wc_ingest *ing = ctx;
    uint64_t merged = 0;

    (void)s;
    return wc_story_repair(ing->stories, &merged, err);
}

wc_status wc_ingest_flush(wc_ingest *ing, wc_error *err)
{
    wc_status st = WC_OK;

    if (ing->stories && !ing->stopped && (st = wc_ingest_call(ing, repair_stories, ing, err)))
        return st;
    pthread_mutex_lock(&ing->mu);
    ing->flushing++; /* tells the writer to commit as soon as it catches up */
    pthread_cond_broadcast(&ing->can_store);
    while (!ing->failed && (ing->tail != ing->head || ing->in_tx)) {
        ing->fill_waiters++;
        pthread_cond_wait(&ing->can_fill, &ing->mu);
        ing->fill_waiters--;
    }
    ing->flushing--;
    if (ing->failed) {
        if (err)
            *err = ing->fatal;
        st = ing->fatal.code;
    }
    pthread_mutex_unlock(&ing->mu);
    if (!st && ing->opts.stop && *ing->opts.stop)
        st = wc_error_set(err, WC_ERR_INTERRUPTED, "interrupted after a clean commit");
    return st;
}

void wc_ingest_get_stats(wc_ingest *ing, wc_ingest_stats *out)
{
    pthread_mutex_lock(&ing->mu);
    *out = ing->stats;
    pthread_mutex_unlock(&ing->mu);
}

wc_status wc_ingest_finish(wc_ingest *ing, wc_error *err)
{
    wc_status st;

    if (!ing)
        return WC_OK;
    st = wc_ingest_flush(ing, err);
    stop_threads(ing);
    return st;
}

void wc_ingest_free(wc_ingest *ing)
{
    if (!ing)
        return;
    if (!ing->stopped)
        wc_ingest_finish(ing, NULL);
    ingest_free(ing);
}
