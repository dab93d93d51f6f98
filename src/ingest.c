/*
 * ingest.c - the writing pipeline: records in, clustered documents stored
 * (see ingest.h).
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
 * Durability: the writer commits every `batch` documents (at the first
 * settled slot past them: one after which no similarity is owed), and
 * also when it has been idle with an open transaction for
 * WRITER_IDLE_COMMIT seconds, so a slow trickle (follow) is committed
 * promptly; every transaction holds rows that equal what their members
 * define. A fatal store error (disk full, I/O) stops the run: the open
 * transaction is rolled back, everything committed before stays, and the
 * error is returned by flush/finish.
 */
#define _GNU_SOURCE
#include "wirecopy/ingest.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wirecopy/cluster.h"
#include "wirecopy/extract.h"
#include "wirecopy/url.h"
#include "keyset.h"
#include "original.h"
#include "store/store_writer.h"
#include "internal.h"

/* Documents per transaction: large enough that COMMIT cost is noise, small enough to lose little.
 */
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
/* A stored slot keeps buffers up to this size; larger ones go back (slot_trim). */
#define SLOT_KEEP_BYTES ((size_t)256 << 10)
/* Commit an idle transaction after this many seconds. */
#define WRITER_IDLE_COMMIT 1.0
/* Progress callback interval, seconds. */
#define PROGRESS_INTERVAL 0.1

enum slot_state { SLOT_FREE, SLOT_FILLED, SLOT_WORKING, SLOT_DONE, SLOT_ASSIGNED };

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
    wc_ingest_call_fn call; /* a function to run on the writer thread instead of a record */
    void *call_ctx;
    /* the worker's result */
    wc_status status; /* WC_OK, WC_ERR_EMPTY (not an article) or a problem */
    wc_error err;
    wc_article art;
    wc_buf text; /* the text stored (plain-text records) */
    wc_fprint fp;
    wc_buf blob; /* packed fingerprint */
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
};

struct wc_ingest {
    wc_store *store;
    wc_ingest_opts opts;
    wc_fp_params params;
    wc_cluster_index *index;

    pthread_mutex_t mu;
    pthread_cond_t can_fill, can_work, can_assign, can_store;
    struct slot *slots;
    size_t nslots;
    uint64_t head, work, mid, tail; /* see the top of the file */
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
    size_t since_dirty; /* slots assigned since the first of them */

    /* writer-only state */
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

/* --- small helpers ---------------------------------------------------------- */

static wc_status buf_set(wc_buf *b, const char *s, bool *has)
{
    wc_buf_reset(b);
    *has = s != NULL;
    return s ? wc_buf_addstr(b, s) : WC_OK;
}

static const char *buf_get(const wc_buf *b, bool has)
{
    return has ? b->buf : NULL;
}

static unsigned cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 && n < 256 ? (unsigned)n : 1;
}

/* --- workers ------------------------------------------------------------------ */

/*
 * A plain-text record as stored: valid UTF-8 (repaired only when needed),
 * trimmed, CR dropped, trailing blanks of lines removed, and runs of blank
 * lines collapsed to one paragraph break. Copies whole lines, not bytes.
 */
static wc_status clean_text(wc_buf *out, wc_buf *tmp, const char *p, size_t len)
{
    wc_status st;
    const char *end, *nl;
    size_t breaks = 0;

    wc_buf_reset(out);
    if (!wc_utf8_valid(p, len) || memchr(p, '\0', len)) {
        wc_buf_reset(tmp);
        if ((st = wc_utf8_sanitize(tmp, p, len, NULL)))
            return st;
        p = tmp->buf;
        len = tmp->len;
    }
    wc_mem_trim(&p, &len);
    end = p + len;
    while (p < end) {
        const char *line_end;
        nl = memchr(p, '\n', (size_t)(end - p));
        line_end = nl ? nl : end;
        /* the line without CRs and blanks at its end */
        const char *e = line_end;
        while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e == p) {
            breaks++;
        } else {
            if (out->len && (st = wc_buf_add(out, "\n\n", breaks > 1 ? 2 : 1)))
                return st;
            if ((st = wc_buf_add(out, p, (size_t)(e - p))))
                return st;
            breaks = 1;
        }
        p = nl ? nl + 1 : end;
    }
    return WC_OK;
}

static void process(struct worker *w, struct slot *sl)
{
    const char *text;
    size_t len;
    wc_status st;

    if (sl->call)
        return; /* nothing to compute: the writer runs it */

    wc_error_clear(&sl->err);
    wc_article_release(&sl->art);
    if (sl->is_html) {
        wc_extract_opts eo = {buf_get(&sl->url, sl->has_url),
                              buf_get(&sl->charset, sl->has_charset), 0};
        st = wc_extract_html(sl->body.buf, sl->body.len, &eo, &sl->art, &sl->err);
        if (st) {
            sl->status = st;
            return;
        }
        text = sl->art.text;
        len = sl->art.text_len;
    } else {
        if ((st = clean_text(&sl->text, &sl->blob, sl->body.buf, sl->body.len))) {
            sl->status = wc_error_set(&sl->err, st, "text too large");
            return;
        }
        text = sl->text.buf;
        len = sl->text.len;
        if (!len) {
            sl->status = WC_ERR_EMPTY;
            return;
        }
    }
    st = wc_fp_compute(w->fpw, text, len, &sl->fp, &sl->err);
    if (!st) {
        wc_buf_reset(&sl->blob);
        st = wc_fprint_pack(&sl->fp, &sl->blob);
    }
    sl->status = st;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    wc_ingest *ing = w->ing;
    struct slot *sl;

    pthread_setname_np(pthread_self(), "wc-worker"); /* for top -H, perf and gdb */

    pthread_mutex_lock(&ing->mu);
    for (;;) {
        while (ing->work == ing->head && !ing->closing && !ing->failed) {
            ing->idle_workers++;
            pthread_cond_wait(&ing->can_work, &ing->mu);
            ing->idle_workers--;
        }
        if (ing->work == ing->head || ing->failed)
            break;
        sl = &ing->slots[ing->work % ing->nslots];
        ing->work++;
        sl->state = SLOT_WORKING;
        pthread_mutex_unlock(&ing->mu);
        process(w, sl);
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

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static wc_status commit(wc_ingest *ing, wc_error *err)
{
    wc_status st;

    if (!ing->in_tx)
        return WC_OK;
    if ((st = wc_store_commit(ing->store, err)))
        return st;
    pthread_mutex_lock(&ing->mu);
    ing->in_tx = false;
    pthread_mutex_unlock(&ing->mu);
    ing->tx_docs = 0;
    ing->tx_exact = ing->tx_near = 0;
    return WC_OK;
}

/* The identity of an input item: the input's own id, else its URL, else where it was. */
static wc_status doc_key(struct slot *sl, const char *url)
{
    wc_buf *k = &sl->key;

    wc_buf_reset(k);
    if (sl->has_origin_id)
        return wc_buf_addf(k, "id:%s", sl->origin_id.buf);
    if (url)
        return wc_buf_addf(k, "url:%s", url);
    if (sl->line)
        return wc_buf_addf(k, "%s:%llu", sl->origin, (unsigned long long)sl->line);
    return wc_buf_addf(k, "%s@%llu", sl->origin, (unsigned long long)sl->offset);
}

static void report_problem(wc_ingest *ing, struct slot *sl)
{
    wc_error e = WC_ERROR_INIT;
    char where[64];

    if (sl->line)
        snprintf(where, sizeof(where), "line %llu", (unsigned long long)sl->line);
    else
        snprintf(where, sizeof(where), "offset %llu", (unsigned long long)sl->offset);
    wc_error_set(&e, sl->status, "%s in '%s' at %s%s%s",
                 sl->err.msg[0] ? sl->err.msg : wc_strerror(sl->status), sl->origin, where,
                 sl->has_url ? " (" : "", sl->has_url ? sl->url.buf : "");
    if (sl->has_url && strlen(e.msg) + 1 < sizeof(e.msg))
        memcpy(e.msg + strlen(e.msg), ")", 2);
    if (ing->opts.on_problem)
        ing->opts.on_problem(ing->opts.problem_ctx, &e);
}

static void deliver(wc_ingest *ing, struct slot *sl, wc_status status, int64_t doc_id,
                    int64_t cluster_id, bool already, wc_match_kind kind)
{
    wc_ingest_result r = {sl->user, status, doc_id, cluster_id, already, kind};

    if (ing->opts.on_result)
        ing->opts.on_result(ing->opts.result_ctx, &r);
}

/*
 * METADATA PRECEDENCE, published time: the record's, else the page's,
 * else the feed entry's (wc_ingest_extra). Title, site and author are
 * chosen in store_slot; the time is a function of its own because the
 * assigner needs it too, for the ordering of the cluster's original.
 */
static int64_t doc_published_at(const struct slot *sl)
{
    int64_t t = sl->published_at;

    if (sl->is_html && sl->art.published_at != WC_TIME_NONE && t == WC_TIME_NONE)
        t = sl->art.published_at;
    if (t == WC_TIME_NONE)
        t = sl->extra.published_at;
    return t;
}

static wc_status begin_tx(wc_ingest *ing, wc_error *err)
{
    wc_status st;

    if (ing->in_tx)
        return WC_OK;
    if ((st = wc_store_begin(ing->store, err)))
        return st;
    pthread_mutex_lock(&ing->mu);
    ing->in_tx = true;
    pthread_mutex_unlock(&ing->mu);
    ing->tx_started = wc_time_mono();
    return WC_OK;
}

/* Store one processed slot. Fatal errors return non-zero; bad records are counted. */
static wc_status store_slot(wc_ingest *ing, struct slot *sl, wc_error *err)
{
    const wc_article *a = &sl->art;
    const char *url, *site, *title, *text;
    char *host = NULL;
    wc_match m;
    wc_doc d;
    wc_status st;

    if (sl->astatus) {
        *err = sl->aerr;
        return sl->astatus;
    }
    if (sl->call) {
        if ((st = begin_tx(ing, err)))
            return st;
        return sl->call(sl->call_ctx, ing->store, err);
    }
    if (sl->status == WC_ERR_EMPTY) {
        pthread_mutex_lock(&ing->mu);
        ing->stats.skipped++;
        ing->stats.not_articles++;
        pthread_mutex_unlock(&ing->mu);
        if (ing->opts.report_empty)
            report_problem(ing, sl);
        deliver(ing, sl, WC_ERR_EMPTY, 0, 0, false, WC_MATCH_NEW);
        return WC_OK;
    }
    if (sl->status) {
        report_problem(ing, sl);
        pthread_mutex_lock(&ing->mu);
        ing->stats.errors++;
        pthread_mutex_unlock(&ing->mu);
        deliver(ing, sl, sl->status, 0, 0, false, WC_MATCH_NEW);
        return WC_OK;
    }
    if (sl->already) {
        pthread_mutex_lock(&ing->mu);
        ing->stats.already++;
        pthread_mutex_unlock(&ing->mu);
        deliver(ing, sl, WC_OK, sl->found, 0, true, WC_MATCH_NEW);
        return WC_OK;
    }
    if ((st = begin_tx(ing, err)))
        return st;
    url = buf_get(&sl->url, sl->has_url);
    m = sl->m;
    memset(&d, 0, sizeof(d));
    /* metadata precedence: text, title, site (and doc_published_at, above) */
    text = sl->is_html ? a->text : sl->text.buf;
    title = sl->is_html && a->title ? a->title : buf_get(&sl->title, sl->has_title);
    if (sl->extra.title && !title)
        title = sl->extra.title;
    site = sl->is_html ? a->site : NULL;
    if (!site && sl->extra.site)
        site = sl->extra.site;
    if (!site && (url || (sl->is_html && a->canonical_url)) &&
        (host = wc_url_host(url ? url : a->canonical_url)))
        site = host;
    d.id = sl->doc_id;
    d.doc_key = sl->key.buf;
    d.source = sl->source;
    d.origin = sl->origin;
    d.origin_offset = sl->offset;
    d.origin_line = sl->line;
    d.origin_id = buf_get(&sl->origin_id, sl->has_origin_id);
    d.feed_id = sl->extra.feed_id;
    d.canonical_url = sl->is_html ? a->canonical_url : NULL;
    /* a page read from a folder has no URL of its own: its canonical URL says where it lives */
    d.url = url ? url : d.canonical_url;
    d.fetched_at = sl->fetched_at;
    d.published_at = doc_published_at(sl); /* metadata precedence, above */
    d.modified_at = sl->is_html ? a->modified_at : WC_TIME_NONE;
    d.title = title;
    d.author = sl->is_html && a->author ? a->author : sl->extra.author;
    d.site = site;
    d.lang = sl->is_html ? a->lang : NULL;
    d.description = sl->is_html ? a->description : NULL;
    d.image = sl->is_html ? a->image : NULL;
    d.text = text;
    d.text_len = sl->is_html ? a->text_len : sl->text.len;
    d.word_count = sl->fp.words;
    d.content_hash = sl->fp.exact;
    /* what the index decided: the cluster, how, and the cluster's row as it is now */
    d.cluster_id = m.cluster_id;
    d.match_kind = m.kind;
    d.match_similarity = m.kind == WC_MATCH_NEW ? 1.0 : m.similarity;
    d.similarity = m.original_similarity;
    d.fprint = sl->blob.buf;
    d.fprint_len = sl->blob.len;
    st = wc_store_insert_doc(ing->store, &d, err);
    free(host);
    if (st)
        return st;
    for (size_t i = 0; i < m.nabsorbed; i++)
        if ((st = wc_store_merge_clusters(ing->store, m.absorbed[i], m.cluster_id, err)))
            return st;
    if ((st = wc_store_put_cluster(ing->store, &sl->row, err)))
        return st;
    ing->tx_docs++;
    pthread_mutex_lock(&ing->mu);
    ing->stats.stored++;
    if (m.kind == WC_MATCH_EXACT) {
        ing->stats.exact++;
        ing->tx_exact++;
    } else if (m.kind == WC_MATCH_NEAR) {
        ing->stats.near++;
        ing->tx_near++;
    }
    pthread_mutex_unlock(&ing->mu);
    deliver(ing, sl, WC_OK, d.id, m.cluster_id, false, m.kind);
    return WC_OK;
}

/* --- assigner ----------------------------------------------------------------- */

/* Copy a match into the slot, with its own copy of the merged clusters. */
static wc_status keep_match(struct slot *sl, const wc_match *m, wc_error *err)
{
    sl->m = *m;
    if (m->nabsorbed > sl->absorbed_cap) {
        int64_t *v = realloc(sl->absorbed, m->nabsorbed * sizeof(*v));
        if (!v)
            return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
        sl->absorbed = v;
        sl->absorbed_cap = m->nabsorbed;
    }
    if (m->nabsorbed)
        memcpy(sl->absorbed, m->absorbed, m->nabsorbed * sizeof(*sl->absorbed));
    sl->m.absorbed = sl->absorbed;
    return WC_OK;
}

/* The first 32 bits of a text's exact hash, as the key set keeps them. */
static uint32_t text_bits(const wc_fprint *fp)
{
    return (uint32_t)fp->exact[0] | (uint32_t)fp->exact[1] << 8 | (uint32_t)fp->exact[2] << 16 |
           (uint32_t)fp->exact[3] << 24;
}

/* Remember that cluster_id's original changed (settle hands its members' similarities on). */
static wc_status note_dirty(wc_ingest *ing, int64_t cluster_id, wc_error *err)
{
    if (ing->ndirty == ing->dirty_cap) {
        size_t cap = ing->dirty_cap ? ing->dirty_cap * 2 : 256;
        int64_t *v = realloc(ing->dirty, cap * sizeof(*v));
        if (!v)
            return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
        ing->dirty = v;
        ing->dirty_cap = cap;
    }
    ing->dirty[ing->ndirty++] = cluster_id;
    return WC_OK;
}

/*
 * Decide what becomes of one processed record: already stored (the same
 * key and text), or a new document with its id and cluster. Only records
 * that carry a fingerprint need it; the rest pass through to the writer.
 */
static wc_status assign_slot(wc_ingest *ing, struct slot *sl, wc_error *err)
{
    uint64_t key;
    wc_match m;
    wc_status st;

    sl->already = false;
    if (sl->call || sl->status)
        return WC_OK;
    if ((st = doc_key(sl, buf_get(&sl->url, sl->has_url))))
        return wc_error_set(err, st, "out of memory");
    key = wc_store_key_hash(sl->key.buf);
    if ((sl->found = wc_keyset_find(ing->keys, key, text_bits(&sl->fp)))) {
        sl->already = true;
        return WC_OK;
    }
    sl->time = original_time(doc_published_at(sl), sl->fetched_at);
    if ((st = wc_cluster_assign(ing->index, ing->next_id, &sl->fp, sl->time, &m, err)) ||
        (st = keep_match(sl, &m, err)) ||
        (st = wc_keyset_add(ing->keys, key, text_bits(&sl->fp), ing->next_id, err)))
        return st;
    if (wc_cluster_index_cluster(ing->index, m.cluster_id, &sl->row) != WC_OK)
        return wc_error_set(err, WC_ERR_CORRUPT, "document %lld lost its cluster",
                            (long long)ing->next_id);
    if (m.original_changed && (st = note_dirty(ing, m.cluster_id, err)))
        return st;
    sl->doc_id = ing->next_id++;
    return WC_OK;
}

/* A member's new similarity into the slot's list (wc_cluster_member_fn). */
static wc_status add_sim(void *ctx, int64_t doc_id, double similarity)
{
    struct slot *sl = ctx;

    if (sl->nsims == sl->sims_cap) {
        size_t cap = sl->sims_cap ? sl->sims_cap * 2 : 64;
        struct sim_update *v = realloc(sl->sims, cap * sizeof(*v));
        if (!v)
            return WC_ERR_NOMEM;
        sl->sims = v;
        sl->sims_cap = cap;
    }
    sl->sims[sl->nsims].doc_id = doc_id;
    sl->sims[sl->nsims++].similarity = similarity;
    return WC_OK;
}

static int cmp_sim(const void *a, const void *b)
{
    const struct sim_update *x = a, *y = b;

    return (x->doc_id > y->doc_id) - (x->doc_id < y->doc_id);
}

/*
 * After slot sl was assigned: settle what is owed to the rows. A new
 * member's similarity and its cluster's row travel with it; but when a
 * cluster's original changes (an earlier member arrives, or clusters
 * merge), every member's similarity to it changes. Those clusters are
 * noted (note_dirty) and their members' similarities handed to the writer
 * with one slot, in a list (sims, by doc id), once per cluster however
 * often its original moved meanwhile: when the assigner has caught up
 * with the reader (caught_up: no slot waits behind this one), or after
 * `batch` slots. The writer commits only after a settled slot, so every
 * transaction holds rows that equal what their members define. It can
 * always commit when it catches up: the last slot it stored was settled,
 * because no slot waited behind it when it was assigned either.
 */
static wc_status settle(wc_ingest *ing, struct slot *sl, bool caught_up, wc_error *err)
{
    size_t i;
    wc_status st;

    sl->nsims = 0;
    sl->settled = true;
    if (!ing->ndirty)
        return WC_OK;
    if (!caught_up && ++ing->since_dirty < ing->opts.batch) {
        sl->settled = false;
        return WC_OK;
    }
    qsort(ing->dirty, ing->ndirty, sizeof(*ing->dirty), cmp_i64);
    for (i = 0; i < ing->ndirty; i++) {
        if (i && ing->dirty[i] == ing->dirty[i - 1])
            continue;
        st = wc_cluster_index_members(ing->index, ing->dirty[i], add_sim, sl);
        if (st == WC_ERR_NOMEM)
            return wc_error_set(err, st, "out of memory");
        if (st && st != WC_ERR_NOTFOUND) /* not found: absorbed since, by a cluster noted too */
            return wc_error_set(err, st, "cannot list the members of cluster %lld",
                                (long long)ing->dirty[i]);
    }
    qsort(sl->sims, sl->nsims, sizeof(*sl->sims), cmp_sim); /* the writer's updates in id order */
    ing->ndirty = 0;
    ing->since_dirty = 0;
    return WC_OK;
}

/* The in-memory index's size in the stats (under mu; a few multiplications). */
static void index_figures(wc_ingest *ing)
{
    ing->stats.index_docs = wc_cluster_index_count(ing->index);
    ing->stats.index_bytes = wc_cluster_index_memory(ing->index) + wc_keyset_memory(ing->keys);
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
            st = assign_slot(ing, sl, &sl->aerr);
            if (!st)
                st = settle(ing, sl, caught_up, &sl->aerr);
            sl->astatus = st;
            pthread_mutex_lock(&ing->mu);
            sl->state = SLOT_ASSIGNED;
            ing->mid++;
            index_figures(ing);
            if (ing->writer_waiting && sl->seq == ing->tail)
                pthread_cond_signal(&ing->can_store);
            if (st)
                break; /* the writer reports it and stops the run */
            continue;
        }
        if (ing->mid == ing->head && ing->closing)
            break;
        ing->assigner_waiting = true;
        pthread_cond_wait(&ing->can_assign, &ing->mu);
        ing->assigner_waiting = false;
    }
    pthread_mutex_unlock(&ing->mu);
    return NULL;
}

/* --- writer ----------------------------------------------------------------------- */

/* A buffer grown past SLOT_KEEP_BYTES goes back to the allocator. */
static void buf_trim(wc_buf *b)
{
    if (b->cap > SLOT_KEEP_BYTES) {
        wc_buf_release(b);
        wc_buf_init(b, 0);
    }
}

/*
 * What a stored slot keeps until the ring comes round to it again (511
 * records later): buffers of at most SLOT_KEEP_BYTES, no article. Done by
 * the writer before it frees the slot; without it every slot ends up
 * holding the largest record it has seen, and the queue cap bounds
 * nothing (512 x the record size: 1 GB held after 600 records of 1 MiB).
 */
static void slot_trim(struct slot *sl)
{
    buf_trim(&sl->body);
    buf_trim(&sl->text);
    buf_trim(&sl->blob);
    buf_trim(&sl->origin_id);
    buf_trim(&sl->url);
    buf_trim(&sl->title);
    buf_trim(&sl->charset);
    buf_trim(&sl->extra_buf);
    buf_trim(&sl->key);
    if (sl->sims_cap * sizeof(*sl->sims) > SLOT_KEEP_BYTES) {
        free(sl->sims);
        sl->sims = NULL;
        sl->sims_cap = 0;
    }
    sl->nsims = 0;
    wc_article_release(&sl->art);
}

/* The similarities the assigner handed on with this slot (see settle). */
static wc_status store_sims(wc_ingest *ing, const struct slot *sl, wc_error *err)
{
    wc_status st;
    size_t i;

    if ((st = begin_tx(ing, err)))
        return st;
    for (i = 0; i < sl->nsims; i++)
        if ((st = wc_store_set_similarity(ing->store, sl->sims[i].doc_id, sl->sims[i].similarity,
                                          err)))
            return st;
    return WC_OK;
}

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
        if (ing->tail < ing->head && sl->state == SLOT_ASSIGNED) {
            pthread_mutex_unlock(&ing->mu);
            st = store_slot(ing, sl, &err);
            if (!st && sl->nsims)
                st = store_sims(ing, sl, &err);
            if (!st && sl->settled && ing->tx_docs >= ing->opts.batch)
                st = commit(ing, &err);
            slot_trim(sl);
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

static void slot_init(struct slot *sl)
{
    memset(sl, 0, sizeof(*sl));
    wc_buf_init(&sl->origin_id, 0);
    wc_buf_init(&sl->url, 0);
    wc_buf_init(&sl->title, 0);
    wc_buf_init(&sl->charset, 0);
    wc_buf_init(&sl->body, 0);
    wc_buf_init(&sl->extra_buf, 0);
    wc_buf_init(&sl->text, 0);
    wc_buf_init(&sl->blob, 0);
    wc_buf_init(&sl->key, 0);
    wc_article_init(&sl->art);
}

static void slot_release(struct slot *sl)
{
    wc_buf_release(&sl->origin_id);
    wc_buf_release(&sl->url);
    wc_buf_release(&sl->title);
    wc_buf_release(&sl->charset);
    wc_buf_release(&sl->body);
    wc_buf_release(&sl->extra_buf);
    wc_buf_release(&sl->text);
    wc_buf_release(&sl->blob);
    wc_buf_release(&sl->key);
    free(sl->absorbed);
    free(sl->sims);
    wc_article_release(&sl->art);
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
    for (i = 0; ing->workers && i < ing->nworkers; i++)
        wc_fp_worker_free(ing->workers[i].fpw);
    free(ing->workers);
    for (i = 0; ing->slots && i < ing->nslots; i++)
        slot_release(&ing->slots[i]);
    free(ing->slots);
    wc_cluster_index_free(ing->index);
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
    ing->opts = *opts;
    if (!ing->opts.batch)
        ing->opts.batch = INGEST_DEFAULT_BATCH;
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
    if ((st = load_stored(ing, err)))
        goto fail;

    ing->nslots = ing->nworkers * INGEST_SLOTS_PER_WORKER + INGEST_SLOTS_RESERVE;
    ing->slots = calloc(ing->nslots, sizeof(*ing->slots));
    ing->workers = calloc(ing->nworkers, sizeof(*ing->workers));
    if (!ing->slots || !ing->workers) {
        st = wc_error_set(err, WC_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (i = 0; i < ing->nslots; i++)
        slot_init(&ing->slots[i]);
    for (i = 0; i < ing->nworkers; i++) {
        ing->workers[i].ing = ing;
        if (!(ing->workers[i].fpw = wc_fp_worker_new(&ing->params))) {
            st = wc_error_set(err, WC_ERR_NOMEM, "out of memory");
            goto fail;
        }
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
    sl->extra.published_at = WC_TIME_NONE;
    wc_buf_reset(&sl->extra_buf);
    if (extra) {
        /* copy the extra strings back to back, then point at them */
        size_t at[3] = {0, 0, 0};
        const char *s[3] = {extra->title, extra->author, extra->site};
        for (int i = 0; i < 3; i++) {
            at[i] = sl->extra_buf.len;
            if (s[i] && (st = wc_buf_add(&sl->extra_buf, s[i], strlen(s[i]) + 1)))
                return st;
        }
        sl->extra.feed_id = extra->feed_id;
        sl->extra.published_at = extra->published_at;
        sl->extra.title = extra->title ? sl->extra_buf.buf + at[0] : NULL;
        sl->extra.author = extra->author ? sl->extra_buf.buf + at[1] : NULL;
        sl->extra.site = extra->site ? sl->extra_buf.buf + at[2] : NULL;
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
    if ((st = fill_slot(ing, sl, rec, extra, user)))
        return wc_error_set(err, st, "out of memory queueing a record of '%s'",
                            rec->origin ? rec->origin : "-");
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

wc_status wc_ingest_flush(wc_ingest *ing, wc_error *err)
{
    wc_status st = WC_OK;

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
