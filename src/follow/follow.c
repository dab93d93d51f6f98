/*
 * follow.c - poll feeds, store every new article (see follow.h): the
 * handle, the run's memory of feeds and entries, feed lists and rounds.
 *
 * One round, all on the caller's thread except what the ingest pipeline
 * runs on its own:
 *
 *   due feeds --fetch--> feed body --parse--> entries not seen before
 *        |                                     |            |
 *        | 304 / error                         | full text  | teaser: fetch the article page
 *        v                                     v            v
 *   [feed state] ............ wc_ingest_add(record)  <--  page body (or, if it cannot be had
 *                                     |                    for good, the feed's own text)
 *                                     v
 *                 writer thread: extract, cluster, store; then, in queue order,
 *                 [entry rows] and [feed state], committed with the documents
 *
 * Items in [brackets] are writes queued with wc_ingest_call(): they run on
 * the ingest's writer thread, inside its transaction, after every record
 * queued before them. This file queues the round's requests and drives
 * the fetcher until every answer is in; follow_response.c handles each
 * answer and queues the writes, and explains why their order means a run
 * killed at any moment loses nothing and stores nothing twice.
 *
 * What the run remembers: the followed feeds (validators, schedule,
 * errors) and, per feed, an in-memory set of 64-bit hashes of the ids and
 * links of the entries it has seen, plus a map from links to the
 * documents stored for them. All of it is read from the store before the
 * first round starts the pipeline: from then on the writer thread owns
 * the store and the main thread never queries it. Later rounds read the
 * feeds again (`feeds add` or `feeds remove` may have run meanwhile)
 * through a call queued on that writer.
 *
 * The module's other files (see follow_internal.h): follow_response.c
 * (each answer of a round), follow_teaser.c (is an entry only a teaser?),
 * follow_discover.c (the feed a page announces).
 *
 * Deliberately not here: parsing (feed.c), HTTP and politeness (fetch.c),
 * the schedule arithmetic (schedule.c), SQL (store_feeds.c).
 */
#define _GNU_SOURCE /* realpath */
#include "follow_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/feed.h"
#include "wirecopy/ingest.h"
#include "wirecopy/store_feeds.h"
#include "wirecopy/url.h"
#include "internal.h"

/* A list file larger than this is refused (WC_FEED_MAX_LIST URLs fit many times over). */
#define LIST_MAX_BYTES ((size_t)16 << 20)
/* wc_fetcher_step wait; also how often the stop flag and progress are looked at. */
#define STEP_MS 200

/* --- a map of 64-bit keys to 64-bit values (open addressing) --------------------- */

static void map_free(u64map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

static size_t map_slot(const u64map *m, uint64_t k)
{
    size_t i = (size_t)(k * 0x9E3779B97F4A7C15ULL) & (m->cap - 1);

    while (m->keys[i] && m->keys[i] != k)
        i = (i + 1) & (m->cap - 1);
    return i;
}

int64_t *follow_map_get(const u64map *m, uint64_t k)
{
    size_t i;

    if (!m->cap || !k)
        return NULL;
    i = map_slot(m, k);
    return m->keys[i] ? &m->vals[i] : NULL;
}

wc_status follow_map_put(u64map *m, uint64_t k, int64_t v)
{
    size_t i;

    if (!k)
        return WC_OK;
    if ((m->n + 1) * 2 > m->cap) {
        u64map g = {NULL, NULL, m->cap ? m->cap * 2 : 1024, 0};
        if (!(g.keys = calloc(g.cap, sizeof(*g.keys))) ||
            !(g.vals = malloc(g.cap * sizeof(*g.vals)))) {
            free(g.keys);
            return WC_ERR_NOMEM;
        }
        for (i = 0; i < m->cap; i++) {
            if (m->keys[i]) {
                size_t j = map_slot(&g, m->keys[i]);
                g.keys[j] = m->keys[i];
                g.vals[j] = m->vals[i];
                g.n++;
            }
        }
        map_free(m);
        *m = g;
    }
    i = map_slot(m, k);
    if (!m->keys[i]) {
        m->keys[i] = k;
        m->n++;
    }
    m->vals[i] = v;
    return WC_OK;
}

static void map_clear(u64map *m)
{
    if (m->cap)
        memset(m->keys, 0, m->cap * sizeof(*m->keys));
    m->n = 0;
}

/* --- round memory and reports ---------------------------------------------------- */

void *follow_ralloc(wc_follow *f, size_t size)
{
    struct blk *b = calloc(1, sizeof(struct blk) + size + 15);

    if (!b)
        return NULL;
    b->next = f->blocks;
    f->blocks = b;
    return (char *)b + ((sizeof(struct blk) + 15) & ~(size_t)15);
}

char *follow_rstrdup(wc_follow *f, const char *s)
{
    size_t n;
    char *p;

    if (!s)
        return NULL;
    n = strlen(s);
    if (!(p = follow_ralloc(f, n + 1)))
        return NULL;
    memcpy(p, s, n + 1);
    return p;
}

static void round_free(wc_follow *f)
{
    struct blk *b, *next;

    for (b = f->blocks; b; b = next) {
        next = b->next;
        free(b);
    }
    f->blocks = NULL;
    f->jobs = NULL;
    map_clear(&f->pending);
}

void follow_set_fatal(wc_follow *f, wc_status st, const wc_error *e, const char *what)
{
    if (f->fatal)
        return;
    f->fatal = st ? st : WC_ERR_NOMEM;
    if (e && e->msg[0])
        f->fatal_err = *e;
    else
        wc_error_set(&f->fatal_err, f->fatal, "%s: %s", what, wc_strerror(f->fatal));
    f->fatal_err.code = f->fatal;
}

void follow_problem(wc_follow *f, wc_status code, const char *fmt, ...)
{
    wc_error e = WC_ERROR_INIT;
    va_list ap;

    if (!f->o.on_problem)
        return;
    va_start(ap, fmt);
    wc_error_setv(&e, code, fmt, ap);
    va_end(ap);
    e.code = code;
    f->o.on_problem(f->o.problem_ctx, &e);
}

/* --- options ------------------------------------------------------------------------ */

void wc_follow_opts_init(wc_follow_opts *o)
{
    memset(o, 0, sizeof(*o));
    wc_fetch_opts_init(&o->fetch);
    wc_schedule_policy_init(&o->policy);
    o->teaser_words = WC_FOLLOW_TEASER_WORDS;
    o->max_new = WC_FOLLOW_MAX_NEW;
    o->retry_window = WC_FOLLOW_RETRY_WINDOW;
}

/* --- loading ----------------------------------------------------------------------------- */

static void feed_release(struct feed *fd)
{
    free(fd->url);
    free(fd->title);
    free(fd->etag);
    free(fd->last_modified);
    free(fd->host);
}

static void feeds_free(struct feed *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        feed_release(&v[i]);
    free(v);
}

/* Feeds read on the writer thread (rounds after the first) or directly (the first). */
struct reload {
    wc_follow *f;
    struct feed *feeds;
    size_t n;
};

wc_status follow_set_str(char **dst, const char *src)
{
    free(*dst);
    *dst = NULL;
    if (src && !(*dst = wc_strdup(src)))
        return WC_ERR_NOMEM;
    return WC_OK;
}

static wc_status read_feeds(void *ctx, wc_store *s, wc_error *err)
{
    struct reload *rl = ctx;
    wc_feed_iter *it = NULL;
    wc_feed_row row;
    wc_status st;
    size_t cap = 0;

    if ((st = wc_store_feeds(s, NULL, &it, err)))
        return st;
    while ((st = wc_feed_iter_next(it, &row, err)) == WC_OK) {
        struct feed *fd;
        if (rl->n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            struct feed *v = realloc(rl->feeds, nc * sizeof(*v));
            if (!v) {
                st = wc_error_set(err, WC_ERR_NOMEM, "out of memory reading feeds");
                break;
            }
            rl->feeds = v;
            cap = nc;
        }
        fd = &rl->feeds[rl->n];
        memset(fd, 0, sizeof(*fd));
        rl->n++;
        fd->id = row.id;
        if (follow_set_str(&fd->url, row.url) || follow_set_str(&fd->title, row.title) ||
            follow_set_str(&fd->etag, row.etag) ||
            follow_set_str(&fd->last_modified, row.last_modified)) {
            st = wc_error_set(err, WC_ERR_NOMEM, "out of memory reading feeds");
            break;
        }
        fd->host = row.url ? wc_url_host(row.url) : NULL;
        fd->next_fetch_at = row.next_fetch_at;
        fd->interval = row.interval;
        fd->errors = row.error_count > 0 ? (unsigned)WC_MIN(row.error_count, 1000) : 0;
        fd->last_status = row.last_status;
        fd->fetch_pages = row.fetch_pages;
        fd->retired = row.retired;
    }
    wc_feed_iter_free(it);
    return st == WC_DONE ? WC_OK : st;
}

/* Take freshly read feeds as the run's feeds (main thread, nothing of a round alive). */
static void adopt_feeds(wc_follow *f, struct reload *rl)
{
    size_t i;

    feeds_free(f->feeds, f->nfeeds);
    f->feeds = rl->feeds;
    f->nfeeds = rl->n;
    rl->feeds = NULL;
    rl->n = 0;
    for (i = 0; i < f->nfeeds; i++)
        f->feeds[i].selected =
            !f->feeds[i].retired &&
            (!f->lists_given || follow_map_get(&f->list_ids, (uint64_t)f->feeds[i].id));
}

static wc_status load_entry(void *ctx, const wc_feed_entry_row *r)
{
    wc_follow *f = ctx;
    int64_t v = 0;
    int64_t *cur;

    if (r->state == WC_ENTRY_FAILED) {
        v = (r->first_seen > 0 ? r->first_seen : f->now) + f->o.retry_window;
        cur = follow_map_get(&f->retry, (uint64_t)r->feed_id);
        if (!cur || *cur < v)
            if (follow_map_put(&f->retry, (uint64_t)r->feed_id, v))
                return WC_ERR_NOMEM;
    }
    if (follow_map_put(&f->seen, follow_entry_hash(r->feed_id, 'k', r->entry_key), v))
        return WC_ERR_NOMEM;
    if (r->link) {
        if (follow_map_put(&f->seen, follow_entry_hash(r->feed_id, 'l', r->link), v))
            return WC_ERR_NOMEM;
        if (r->doc_id > 0 && follow_map_put(&f->links, follow_link_hash(r->link), r->doc_id))
            return WC_ERR_NOMEM;
    }
    return WC_OK;
}

/* The first round: read feeds and entries before the pipeline owns the store, then start it. */
static wc_status first_load(wc_follow *f, wc_error *err)
{
    struct reload rl = {f, NULL, 0};
    wc_status st;

    if ((st = read_feeds(&rl, f->store, err))) {
        feeds_free(rl.feeds, rl.n);
        return st;
    }
    adopt_feeds(f, &rl);
    st = wc_store_feed_entries(f->store, load_entry, f, err);
    if (st == WC_ERR_NOMEM)
        return wc_error_set(err, st, "out of memory reading feed entries");
    if (st)
        return st;
    f->loaded = true;
    return WC_OK;
}

static wc_status start_pipeline(wc_follow *f, wc_error *err)
{
    wc_ingest_opts io;

    memset(&io, 0, sizeof(io));
    io.threads = f->o.threads;
    io.on_problem = f->o.on_problem;
    io.problem_ctx = f->o.problem_ctx;
    io.on_result = follow_on_result;
    io.result_ctx = f;
    io.on_story_build = f->o.on_story_build;
    io.story_build_ctx = f->o.story_build_ctx;
    return wc_ingest_new(f->store, &io, &f->ing, err);
}

/* --- lists --------------------------------------------------------------------------------- */

static wc_status read_all(const char *path, wc_buf *out, wc_error *err)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char chunk[65536];
    size_t n;
    wc_status st = WC_OK;

    if (!fp)
        return wc_error_sys(err, WC_ERR_IO, errno, "cannot open feed list '%s'", path);
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        if (out->len + n > LIST_MAX_BYTES) {
            st = wc_error_set(err, WC_ERR_LIMIT, "feed list '%s' is larger than %zu bytes", path,
                              LIST_MAX_BYTES);
            break;
        }
        if ((st = wc_buf_add(out, chunk, n))) {
            st = wc_error_set(err, st, "out of memory reading feed list '%s'", path);
            break;
        }
    }
    if (!st && ferror(fp))
        st = wc_error_sys(err, WC_ERR_IO, errno, "cannot read feed list '%s'", path);
    if (fp != stdin)
        fclose(fp);
    return st;
}

wc_status wc_follow_add_list(wc_follow *f, const char *path, size_t *n_feeds, wc_error *err)
{
    wc_buf data;
    wc_feed_list *list = NULL;
    char *origin = NULL, *url = NULL;
    wc_status st;
    size_t i;
    int64_t id, now = wc_time_now();

    wc_buf_init(&data, LIST_MAX_BYTES); /* read_all refuses more */
    if (n_feeds)
        *n_feeds = 0;
    if (f->ing || f->loaded)
        return wc_error_set(err, WC_ERR_USAGE, "feed lists are read before the first round");
    /* even a list that cannot be read means "these feeds", never "every feed" */
    f->lists_given = true;
    if ((st = read_all(path, &data, err)))
        goto out;
    st = wc_feed_list_parse(data.buf, data.len, NULL, &list, err);
    if (st) {
        char msg[WC_ERROR_MSG_MAX];
        snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
        st = wc_error_set(err, st, "cannot read feed list '%s': %s", path, msg);
        goto out;
    }
    if (list->n == 0 && list->skipped) {
        st = wc_error_set(err, WC_ERR_PARSE,
                          "feed list '%s' names no feed: %zu line%s held no http(s) URL", path,
                          list->skipped, list->skipped == 1 ? "" : "s");
        goto out;
    }
    if (strcmp(path, "-") != 0)
        origin = realpath(path, NULL);
    if ((st = wc_store_begin(f->store, err)))
        goto out;
    for (i = 0; i < list->n; i++) {
        free(url);
        if (!(url = wc_url_normalize(list->items[i].url))) {
            st = wc_error_set(err, WC_ERR_NOMEM, "out of memory");
            break;
        }
        if ((st = wc_store_feed_add(f->store, url, list->items[i].title,
                                    origin ? origin : (strcmp(path, "-") ? path : NULL), 0, now,
                                    &id, NULL, err)))
            break;
        if ((st = follow_map_put(&f->list_ids, (uint64_t)id, 1))) {
            st = wc_error_set(err, st, "out of memory");
            break;
        }
    }
    if (st) {
        wc_store_rollback(f->store);
        goto out;
    }
    if ((st = wc_store_commit(f->store, err)))
        goto out;
    if (n_feeds)
        *n_feeds = list->n;
    if (list->skipped)
        follow_problem(f, WC_ERR_PARSE, "%zu line%s of feed list '%s' held no http(s) URL",
                       list->skipped, list->skipped == 1 ? "" : "s", path);
out:
    free(url);
    free(origin);
    wc_feed_list_free(list);
    wc_buf_release(&data);
    return st;
}

/* --- rounds ------------------------------------------------------------------------ */

wc_status wc_follow_new(wc_store *store, const wc_follow_opts *opts, wc_follow **out, wc_error *err)
{
    wc_follow *f;
    wc_status st;

    *out = NULL;
    if (!(f = calloc(1, sizeof(*f))))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    f->store = store;
    if (opts)
        f->o = *opts;
    else
        wc_follow_opts_init(&f->o);
    if (!f->o.teaser_words)
        f->o.teaser_words = WC_FOLLOW_TEASER_WORDS;
    if (!f->o.max_new)
        f->o.max_new = WC_FOLLOW_MAX_NEW;
    if (f->o.retry_window <= 0)
        f->o.retry_window = WC_FOLLOW_RETRY_WINDOW;
    if ((st = wc_fetcher_new(&f->o.fetch, follow_on_done, f, &f->fetcher, err))) {
        free(f);
        return st;
    }
    f->now = wc_time_now();
    *out = f;
    return WC_OK;
}

/* Is fd due now? */
static bool is_due(const wc_follow *f, const struct feed *fd)
{
    if (!fd->selected || fd->retired || !fd->url)
        return false;
    if (fd->next_fetch_at == WC_TIME_NONE || fd->next_fetch_at <= f->now)
        return true;
    /* --now: everything, except a server's explicit request to wait */
    return f->o.all_now && fd->last_status != 429 && fd->last_status != 503;
}

static void add_stats(wc_follow_stats *into, const wc_ingest_stats *a, const wc_ingest_stats *b)
{
    into->articles_new += b->stored - a->stored;
    into->copies += (b->exact - a->exact) + (b->near - a->near);
    into->already += b->already - a->already;
    into->skipped += b->skipped - a->skipped;
    into->errors += b->errors - a->errors;
}

wc_status wc_follow_round(wc_follow *f, wc_error *err)
{
    wc_ingest_stats before, after;
    wc_error e = WC_ERROR_INIT;
    wc_status st = WC_OK;
    struct job *j;
    size_t i;
    bool stopped = false;

    if (f->fatal) {
        if (err)
            *err = f->fatal_err;
        return f->fatal;
    }
    f->now = wc_time_now();
    if (!f->ing) {
        if ((st = first_load(f, err)) || (st = start_pipeline(f, err)))
            return st;
    } else {
        struct reload rl = {f, NULL, 0};
        if ((st = wc_ingest_call(f->ing, read_feeds, &rl, err)) ||
            (st = wc_ingest_flush(f->ing, err))) {
            feeds_free(rl.feeds, rl.n);
            follow_set_fatal(f, st, err, "reading feeds");
            return st;
        }
        adopt_feeds(f, &rl);
    }
    f->now = wc_time_now();
    memset(&f->prog, 0, sizeof(f->prog));
    wc_ingest_get_stats(f->ing, &before);

    for (i = 0; i < f->nfeeds; i++) {
        struct feed *fd = &f->feeds[i];
        struct req *rq;
        wc_fetch_req fr;
        const int64_t *retry;
        bool retrying;

        fd->requested = fd->entries_done = fd->aborted = fd->state_queued = false;
        fd->outstanding = 0;
        fd->upd = NULL;
        if (!is_due(f, fd))
            continue;
        if (!(rq = follow_ralloc(f, sizeof(*rq)))) {
            follow_set_fatal(f, WC_ERR_NOMEM, NULL, "queueing feeds");
            break;
        }
        rq->feed = fd;
        retry = follow_map_get(&f->retry, (uint64_t)fd->id);
        retrying = retry && *retry > f->now;
        memset(&fr, 0, sizeof(fr));
        fr.url = fd->url;
        fr.kind = WC_FETCH_FEED;
        /* entries to try again: a 304 would hide them, so ask for the whole feed */
        fr.etag = retrying ? NULL : fd->etag;
        fr.last_modified = retrying ? NULL : fd->last_modified;
        fr.user = rq;
        if ((st = wc_fetcher_add(f->fetcher, &fr, &e))) {
            follow_set_fatal(f, st, &e, "queueing feeds");
            break;
        }
        fd->requested = true;
        f->stats.feeds_due++;
        f->prog.feeds_total++;
    }
    follow_progress(f);

    while (wc_fetcher_pending(f->fetcher) > 0) {
        if (f->fatal || (f->o.stop && *f->o.stop)) {
            stopped = !f->fatal;
            wc_fetcher_cancel(f->fetcher); /* answers the rest as cancelled */
            break;
        }
        if ((st = wc_fetcher_step(f->fetcher, STEP_MS, &e))) {
            follow_set_fatal(f, st, &e, "fetching");
            wc_fetcher_cancel(f->fetcher);
            break;
        }
        follow_progress(f);
    }
    /* what was fetched is queued: commit it */
    if ((st = wc_ingest_flush(f->ing, &e)))
        follow_set_fatal(f, st, &e, "storing");
    wc_ingest_get_stats(f->ing, &after);
    add_stats(&f->stats, &before, &after);

    /* documents stored this round join the links map: no feed fetches them again */
    for (j = f->jobs; j; j = j->next)
        if (j->lh && j->doc_id > 0 && follow_map_put(&f->links, j->lh, j->doc_id))
            follow_set_fatal(f, WC_ERR_NOMEM, NULL, "remembering links");
    round_free(f);
    if (f->fatal) {
        if (err)
            *err = f->fatal_err;
        return f->fatal;
    }
    if (stopped || (f->o.stop && *f->o.stop))
        return wc_error_set(err, WC_ERR_INTERRUPTED, "interrupted");
    return WC_OK;
}

int64_t wc_follow_next_due(const wc_follow *f)
{
    int64_t next = INT64_MAX;
    size_t i;

    for (i = 0; i < f->nfeeds; i++) {
        const struct feed *fd = &f->feeds[i];
        if (!fd->selected || fd->retired)
            continue;
        if (fd->next_fetch_at == WC_TIME_NONE)
            return f->now;
        if (fd->next_fetch_at < next)
            next = fd->next_fetch_at;
    }
    return next;
}

void wc_follow_feed_count(const wc_follow *f, size_t *total, size_t *active)
{
    size_t i, n = 0, a = 0;

    for (i = 0; i < f->nfeeds; i++) {
        if (!f->feeds[i].selected &&
            !(f->feeds[i].retired &&
              (!f->lists_given || follow_map_get(&f->list_ids, (uint64_t)f->feeds[i].id))))
            continue;
        n++;
        if (!f->feeds[i].retired)
            a++;
    }
    if (total)
        *total = n;
    if (active)
        *active = a;
}

void wc_follow_get_stats(const wc_follow *f, wc_follow_stats *out)
{
    *out = f->stats;
}

wc_status wc_follow_finish(wc_follow *f, wc_error *err)
{
    wc_status st = WC_OK;

    if (f->ing) {
        st = wc_ingest_finish(f->ing, err);
        wc_ingest_free(f->ing);
        f->ing = NULL;
    }
    if (!st && f->fatal) {
        if (err)
            *err = f->fatal_err;
        st = f->fatal;
    }
    return st;
}

void wc_follow_free(wc_follow *f)
{
    if (!f)
        return;
    wc_ingest_free(f->ing);
    wc_fetcher_free(f->fetcher);
    round_free(f);
    feeds_free(f->feeds, f->nfeeds);
    map_free(&f->seen);
    map_free(&f->links);
    map_free(&f->retry);
    map_free(&f->pending);
    map_free(&f->list_ids);
    free(f);
}
