/*
 * follow_response.c - what a round of follow does with each answer of the
 * fetcher (follow.c queues the requests and drives the fetcher;
 * follow_internal.h has the data model). A feed's answer becomes the
 * feed's new state and a job for each new entry; a job is an article to
 * store: its page to fetch, or the entry's own text. A page's answer, or
 * the entry's text, becomes a record for the ingest pipeline.
 *
 * Order is durability. Every write is queued with wc_ingest_call(): it
 * runs on the ingest's writer thread, inside its transaction, after every
 * record queued before it. That order is the whole durability argument:
 *  - an entry row is queued after the record that stores its article, so
 *    a row in the database means its document is there too;
 *  - a feed's state (ETag, Last-Modified, next due) is queued only once
 *    every new entry it announced has its record and row queued. A run
 *    killed before that commit leaves the old validators, so the next run
 *    gets the feed again (not a 304) and fetches exactly the entries that
 *    have no row. Killed after it: every entry is stored. Either way
 *    nothing is lost and nothing is stored twice (rows are keyed by entry,
 *    and the pipeline itself skips a document it already has).
 *
 * What is new: an entry is identified by its id, else its link (never by
 * its title, which editors rewrite). Both are looked up in the feed's set
 * of seen hashes (loaded by follow.c), and an entry whose id is new but
 * whose link was seen in that feed is not new either (feeds that
 * regenerate their guids). Across feeds, a link already stored is not
 * fetched again: the entry row just points at the stored document, and
 * within a round several feeds announcing one link share one fetch.
 *
 * Teasers: a feed whose entries are mostly short or cut (follow_teaser.c)
 * is marked fetch_pages = 1 the first time it is seen, and from then on
 * every new entry's page is fetched (WC_FETCH_PAGE: robots.txt honoured).
 * A full-content feed's entry is extracted from the feed itself (the HTML
 * read as a fragment, with the entry's title, author and site as data:
 * wc_extract_fragment); only an empty or visibly cut entry of such a
 * feed gets its page.
 *
 * Failures of article pages: passing ones (timeout, 5xx, 429, robots.txt
 * unreachable) leave the entry 'failed'; it is tried again, for
 * retry_window after it was first seen, each time its feed is fetched
 * (that feed is then fetched without conditional headers, or a 304 would
 * hide the entry). Lasting ones (404, robots.txt disallows, not HTML)
 * fall back to the feed's own text for that entry, or 'skipped'.
 */
#include "follow_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "wirecopy/charset.h"
#include "wirecopy/dump.h"
#include "wirecopy/feed.h"
#include "wirecopy/ingest.h"
#include "wirecopy/store_feeds.h"
#include "wirecopy/url.h"
#include "internal.h"

/* A queued feed-state write. */
struct upd {
    wc_follow *f;
    wc_feed_update u;
    char *new_url;              /* permanent redirect to store first, or NULL */
    char msg[WC_ERROR_MSG_MAX]; /* error text for a move that collided (writer side) */
};

/* A queued entry-row write. */
struct rowcall {
    struct job *job; /* doc_id and state come from here; NULL: use the fields below */
    int64_t feed_id;
    const char *key, *link;
    int64_t doc_id;
    wc_entry_state state;
    int64_t now;
};

/* A queued Retry-After deferral of a feed. */
struct defer {
    int64_t id, until;
};

/* --- writer-side calls ------------------------------------------------------------ */

void follow_on_result(void *ctx, const wc_ingest_result *r)
{
    struct job *j = r->user;

    (void)ctx;
    if (!j)
        return;
    if (r->status == WC_OK && r->doc_id > 0) {
        j->doc_id = r->doc_id;
        j->state = WC_ENTRY_STORED;
    } else {
        j->doc_id = 0;
        j->state = WC_ENTRY_SKIPPED;
    }
}

static wc_status write_row(void *ctx, wc_store *s, wc_error *err)
{
    struct rowcall *rc = ctx;
    int64_t doc = rc->job ? rc->job->doc_id : rc->doc_id;
    wc_entry_state state = rc->job ? rc->job->state : rc->state;

    return wc_store_feed_entry_put(s, rc->feed_id, rc->key, rc->link, doc, state, rc->now, err);
}

static wc_status write_state(void *ctx, wc_store *s, wc_error *err)
{
    struct upd *u = ctx;
    int64_t taken = 0;
    wc_status st;

    if (u->new_url) {
        if ((st = wc_store_feed_move(s, u->u.id, u->new_url, &taken, err)))
            return st;
        if (taken) {
            snprintf(u->msg, sizeof(u->msg),
                     "moved permanently to '%s', which is followed already (feed %lld): retired",
                     u->new_url, (long long)taken);
            u->u.retire = true;
            u->u.error = u->msg;
            u->u.next_fetch_at = WC_TIME_NONE;
        }
    }
    st = wc_store_feed_update(s, &u->u, err);
    if (st == WC_ERR_NOTFOUND) { /* removed by `feeds remove` meanwhile: nothing to keep */
        wc_error_clear(err);
        return WC_OK;
    }
    return st;
}

static wc_status write_defer(void *ctx, wc_store *s, wc_error *err)
{
    struct defer *d = ctx;

    return wc_store_feed_defer(s, d->id, d->until, err);
}

static bool queue_call(wc_follow *f, wc_ingest_call_fn fn, void *ctx)
{
    wc_error e = WC_ERROR_INIT;
    wc_status st;

    if (f->fatal)
        return false;
    if ((st = wc_ingest_call(f->ing, fn, ctx, &e))) {
        follow_set_fatal(f, st, &e, "queueing a write");
        return false;
    }
    return true;
}

/* --- feeds and their entries ------------------------------------------------------ */

/* Queue a feed's state once all its entries are queued. */
static void maybe_queue_state(wc_follow *f, struct feed *fd)
{
    if (fd->aborted || fd->state_queued || !fd->entries_done || fd->outstanding || !fd->upd)
        return;
    fd->state_queued = true;
    queue_call(f, write_state, fd->upd);
}

/* Queue rows for every entry a job answers, then the states they completed. */
static void job_queued(wc_follow *f, struct job *j)
{
    struct ref *r;

    j->queued = true;
    for (r = j->refs; r; r = r->next) {
        struct rowcall *rc = follow_ralloc(f, sizeof(*rc));
        if (!rc) {
            follow_set_fatal(f, WC_ERR_NOMEM, NULL, "queueing an entry");
            return;
        }
        rc->job = j;
        rc->feed_id = r->feed_id;
        rc->key = r->key;
        rc->link = r->link;
        rc->now = f->now;
        queue_call(f, write_row, rc);
        if (r->feed->outstanding)
            r->feed->outstanding--;
        maybe_queue_state(f, r->feed);
    }
}

/* The charset parameter of a Content-Type (charset.c), copied into out ("" when none). */
static void content_charset(const char *ct, char *out, size_t outlen)
{
    const char *l;
    size_t n;

    out[0] = '\0';
    if (ct && wc_charset_param(ct, strlen(ct), &l, &n) && n < outlen) {
        memcpy(out, l, n);
        out[n] = '\0';
    }
}

/* Hand an article to the pipeline: the page's body, else the entry's own text. */
static void queue_record(wc_follow *f, struct job *j, const wc_response *page)
{
    wc_record rec;
    wc_ingest_extra ex;
    wc_error e = WC_ERROR_INIT;
    wc_status st;
    char charset[64];

    memset(&rec, 0, sizeof(rec));
    rec.origin = j->origin;
    rec.origin_id = j->origin_id;
    rec.is_html = true;
    if (page) {
        rec.source = WC_SOURCE_PAGE;
        rec.url = page->final_url;
        rec.published_at = WC_TIME_NONE; /* the page's own date first, the feed's as fallback */
        rec.fetched_at = page->fetched_at;
        rec.content_type = page->content_type;
        content_charset(page->content_type, charset, sizeof(charset));
        rec.charset = charset[0] ? charset : NULL;
        rec.body = page->body;
        rec.len = page->body_len;
    } else {
        rec.source = WC_SOURCE_FEED;
        rec.url = j->link ? j->fetch_url : NULL;
        rec.published_at = j->published;
        rec.fetched_at = j->fetched_at;
        rec.charset = "utf-8";
        rec.body = j->content;
        rec.len = strlen(j->content);
    }
    /* what the entry says of the article travels as data, beside the page or fragment */
    ex.feed_id = j->feed_id;
    ex.entry.title = j->title;
    ex.entry.author = j->author;
    ex.entry.site = j->site;
    ex.entry.published_at = j->published;
    if ((st = wc_ingest_add(f->ing, &rec, &ex, j, &e))) {
        follow_set_fatal(f, st, &e, "queueing an article");
        return;
    }
    f->prog.articles++;
    job_queued(f, j);
}

/* The identity of an entry in its feed: its id, else its link, else a hash of its text. */
static char *entry_key(wc_follow *f, const wc_entry *e, const char *link)
{
    const char *k = e->id && *e->id ? e->id : link;
    char buf[48];

    if (k && strlen(k) <= FOLLOW_MAX_KEY_BYTES)
        return follow_rstrdup(f, k);
    if (k) {
        snprintf(buf, sizeof(buf), "hash:%016llx", (unsigned long long)XXH3_64bits(k, strlen(k)));
    } else {
        XXH3_state_t *h = XXH3_createState();
        const char *parts[3] = {e->title, e->summary, e->content};
        if (!h)
            return NULL;
        XXH3_64bits_reset(h);
        for (int i = 0; i < 3; i++)
            if (parts[i])
                XXH3_64bits_update(h, parts[i], strlen(parts[i]) + 1);
        snprintf(buf, sizeof(buf), "text:%016llx", (unsigned long long)XXH3_64bits_digest(h));
        XXH3_freeState(h);
    }
    return follow_rstrdup(f, buf);
}

enum seen_state { ENTRY_NEW, ENTRY_SEEN, ENTRY_RETRY };

static enum seen_state seen_state(const wc_follow *f, uint64_t hk, uint64_t hl)
{
    const int64_t *vk = follow_map_get(&f->seen, hk),
                  *vl = hl ? follow_map_get(&f->seen, hl) : NULL;

    if (!vk && !vl)
        return ENTRY_NEW;
    if ((vk && *vk == 0) || (vl && *vl == 0))
        return ENTRY_SEEN;
    if ((vk && *vk > f->now) || (vl && *vl > f->now))
        return ENTRY_RETRY;
    return ENTRY_SEEN; /* failed, and its retry window is over */
}

/* An entry whose page failed for a passing reason: new again until its retry window ends. */
static void mark_retry(wc_follow *f, const struct ref *rf)
{
    int64_t *v = follow_map_get(&f->seen, rf->hk), until = f->now + f->o.retry_window, *cur;

    if (v && *v > 0)
        until = *v; /* a retry that failed again: the window runs from the first try */
    cur = follow_map_get(&f->retry, (uint64_t)rf->feed_id);
    if (follow_map_put(&f->seen, rf->hk, until) || follow_map_put(&f->seen, rf->hl, until) ||
        ((!cur || *cur < until) && follow_map_put(&f->retry, (uint64_t)rf->feed_id, until)))
        follow_set_fatal(f, WC_ERR_NOMEM, NULL, "remembering a failed page");
}

static bool add_page_request(wc_follow *f, struct job *j)
{
    struct req *rq = follow_ralloc(f, sizeof(*rq));
    wc_fetch_req fr;
    wc_error e = WC_ERROR_INIT;
    wc_status st;

    if (!rq) {
        follow_set_fatal(f, WC_ERR_NOMEM, NULL, "queueing a page");
        return false;
    }
    rq->job = j;
    memset(&fr, 0, sizeof(fr));
    fr.url = j->fetch_url;
    fr.kind = WC_FETCH_PAGE;
    fr.user = rq;
    if ((st = wc_fetcher_add(f->fetcher, &fr, &e))) {
        follow_set_fatal(f, st, &e, "queueing a page");
        return false;
    }
    f->prog.pages_total++;
    return true;
}

/* One new (or retried) entry of feed fd. */
static void take_entry(wc_follow *f, struct feed *fd, const wc_feed *doc, const wc_entry *e,
                       int64_t fetched_at)
{
    char *link = NULL, *key;
    uint64_t hk, hl = 0, lh = 0;
    struct ref *r;
    struct job *j;
    const char *t;
    int64_t *doc_id;
    bool http = e->link && wc_url_is_http(e->link), needs_page;

    if (http) {
        char *norm = wc_url_normalize(e->link);
        link = follow_rstrdup(f, norm);
        free(norm);
        if (!link) {
            follow_set_fatal(f, WC_ERR_NOMEM, NULL, "reading an entry");
            return;
        }
    }
    if (!(key = entry_key(f, e, link ? link : e->link))) {
        follow_set_fatal(f, WC_ERR_NOMEM, NULL, "reading an entry");
        return;
    }
    hk = follow_entry_hash(fd->id, 'k', key);
    if (link)
        hl = follow_entry_hash(fd->id, 'l', link);
    if (seen_state(f, hk, hl) == ENTRY_SEEN)
        return;
    f->stats.entries_new++;
    if (follow_map_put(&f->seen, hk, 0) || follow_map_put(&f->seen, hl, 0) ||
        !(r = follow_ralloc(f, sizeof(*r)))) {
        follow_set_fatal(f, WC_ERR_NOMEM, NULL, "reading an entry");
        return;
    }
    r->feed = fd;
    r->feed_id = fd->id;
    r->key = key;
    r->link = link;
    r->hk = hk;
    r->hl = hl;

    if (link) {
        lh = follow_link_hash(link);
        /* stored before, from this feed or another: point at that document */
        if ((doc_id = follow_map_get(&f->links, lh)) && *doc_id > 0) {
            struct rowcall *rc = follow_ralloc(f, sizeof(*rc));
            if (!rc) {
                follow_set_fatal(f, WC_ERR_NOMEM, NULL, "reading an entry");
                return;
            }
            rc->feed_id = fd->id;
            rc->key = key;
            rc->link = link;
            rc->doc_id = *doc_id;
            rc->state = WC_ENTRY_STORED;
            rc->now = f->now;
            f->stats.already++;
            queue_call(f, write_row, rc);
            return;
        }
        /* announced by another feed this round: share its fetch */
        if ((doc_id = follow_map_get(&f->pending, lh))) {
            j = (struct job *)(intptr_t)*doc_id;
            if (!j->queued) {
                r->next = j->refs;
                j->refs = r;
                fd->outstanding++;
            } else {
                struct rowcall *rc = follow_ralloc(f, sizeof(*rc));
                if (!rc) {
                    follow_set_fatal(f, WC_ERR_NOMEM, NULL, "reading an entry");
                    return;
                }
                rc->job = j;
                rc->feed_id = fd->id;
                rc->key = key;
                rc->link = link;
                rc->now = f->now;
                queue_call(f, write_row, rc);
                /* the shared page failed: this entry waits to be retried like the others */
                if (j->failed)
                    mark_retry(f, r);
            }
            return;
        }
    }

    if (!(j = follow_ralloc(f, sizeof(*j)))) {
        follow_set_fatal(f, WC_ERR_NOMEM, NULL, "reading an entry");
        return;
    }
    j->refs = r;
    j->link = link;
    j->fetch_url = http ? follow_rstrdup(f, e->link) : NULL;
    j->lh = lh;
    j->origin = follow_rstrdup(f, fd->url);
    j->origin_id = link ? NULL : follow_rstrdup(f, e->id);
    j->title = follow_rstrdup(f, e->title);
    j->author = follow_rstrdup(f, e->author);
    j->site = follow_rstrdup(f, doc->title ? doc->title : fd->title);
    j->published = e->published != WC_FEED_NO_TIME ? e->published : e->updated;
    if (j->published == WC_FEED_NO_TIME)
        j->published = WC_TIME_NONE;
    j->fetched_at = fetched_at;
    j->feed_id = fd->id;
    j->content = follow_entry_text(e) ? follow_rstrdup(f, follow_entry_text(e)) : NULL;
    j->next = f->jobs;
    f->jobs = j;
    fd->outstanding++;
    if (lh && follow_map_put(&f->pending, lh, (int64_t)(intptr_t)j)) {
        follow_set_fatal(f, WC_ERR_NOMEM, NULL, "reading an entry");
        return;
    }

    t = follow_entry_text(e);
    if (fd->fetch_pages == 1)
        needs_page = http;
    else /* a full-content feed: only an empty or visibly cut entry needs its page */
        needs_page = http && wc_follow_is_teaser(t, t ? strlen(t) : 0, 1);
    if (needs_page) {
        j->page = true;
        add_page_request(f, j);
    } else if (j->content) {
        queue_record(f, j, NULL);
    } else {
        j->state = WC_ENTRY_SKIPPED;
        job_queued(f, j);
    }
}

static struct feed *feed_by_url(wc_follow *f, const char *url, const struct feed *except)
{
    size_t i;

    for (i = 0; i < f->nfeeds; i++)
        if (&f->feeds[i] != except && f->feeds[i].url && strcmp(f->feeds[i].url, url) == 0)
            return &f->feeds[i];
    return NULL;
}

static int cmp_entry_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;

    return (x < y) - (x > y); /* descending: oldest (last in the document) first */
}

/* A 200: parse, take the new entries, prepare the state. Returns the schedule outcome. */
static wc_schedule_outcome feed_body(wc_follow *f, struct feed *fd, wc_response *r, struct upd *u,
                                     wc_schedule_input *in)
{
    wc_feed_input fin;
    wc_feed *doc = NULL;
    wc_error e = WC_ERROR_INIT;
    wc_status st;
    size_t i, n_new = 0, *pick = NULL;
    int64_t *times = NULL;
    bool capped = false;

    memset(&fin, 0, sizeof(fin));
    fin.data = r->body;
    fin.len = r->body_len;
    fin.url = r->final_url;
    fin.content_type = r->content_type;
    fin.content_location = r->content_location;
    st = wc_feed_parse(&fin, &doc, &e);
    if (st) {
        const char *hint = wc_feed_sniff(r->body, r->body_len) == WC_FEED_UNKNOWN &&
                                   wc_mem_istr(r->body, WC_MIN(r->body_len, 4096), "<html")
                               ? " (an HTML page: `wirecopy feeds add URL` finds the feed it "
                                 "links to)"
                               : "";
        /* the parser's message is cut to leave room for the hint */
        snprintf(u->msg, sizeof(u->msg), "not a feed: %.400s%s", e.msg[0] ? e.msg : wc_strerror(st),
                 hint);
        u->u.error = u->msg;
        follow_problem(f, WC_ERR_PARSE, "feed '%s': %s", fd->url, u->msg);
        return WC_SCHED_FAILED;
    }
    f->stats.feeds_fetched++;
    u->u.title = follow_rstrdup(f, doc->title);
    u->u.site_url = follow_rstrdup(f, doc->link);
    if (doc->ttl > 0)
        in->ttl = (int64_t)doc->ttl * 60;
    if (doc->bozo) {
        f->stats.feeds_malformed++;
        snprintf(u->msg, sizeof(u->msg), "malformed feed, %zu entr%s recovered: %s", doc->n_entries,
                 doc->n_entries == 1 ? "y" : "ies",
                 doc->bozo_msg ? doc->bozo_msg : "not well-formed");
        u->u.error = u->msg;
        follow_problem(f, WC_ERR_PARSE, "feed '%s': %s", fd->url, u->msg);
    }
    if (fd->fetch_pages < 0) {
        fd->fetch_pages = follow_decide_fetch_pages(f, doc);
        u->u.fetch_pages = fd->fetch_pages;
    }

    /* the schedule learns from every entry's time, new or not */
    if (doc->n_entries && (times = malloc(doc->n_entries * sizeof(*times)))) {
        for (i = 0; i < doc->n_entries; i++)
            times[i] = doc->entries[i].published != WC_FEED_NO_TIME ? doc->entries[i].published
                                                                    : doc->entries[i].updated;
        in->learned = wc_schedule_learn(&f->o.policy, times, doc->n_entries, f->now);
        free(times);
    }

    /*
     * Which entries are new: in document order (feeds put the newest
     * first) up to max_new, then taken oldest first so document ids run
     * in publishing order.
     */
    if (doc->n_entries && !(pick = malloc(doc->n_entries * sizeof(*pick)))) {
        follow_set_fatal(f, WC_ERR_NOMEM, NULL, "reading a feed");
        wc_feed_free(doc);
        return WC_SCHED_FAILED;
    }
    for (i = 0; i < doc->n_entries; i++) {
        const wc_entry *en = &doc->entries[i];
        char *norm = NULL;
        uint64_t hk, hl = 0;
        const char *k = en->id && *en->id ? en->id : NULL;
        /* a cheap look first: most entries of a feed were seen before */
        if (en->link && wc_url_is_http(en->link) && (norm = wc_url_normalize(en->link)))
            hl = follow_entry_hash(fd->id, 'l', norm);
        if (!k)
            k = norm ? norm : en->link;
        hk = k && strlen(k) <= FOLLOW_MAX_KEY_BYTES ? follow_entry_hash(fd->id, 'k', k) : 0;
        free(norm);
        if (hk && seen_state(f, hk, hl) == ENTRY_SEEN)
            continue;
        if (!hk && hl && seen_state(f, 0, hl) == ENTRY_SEEN)
            continue;
        if (n_new == f->o.max_new) {
            capped = true;
            break;
        }
        pick[n_new++] = i;
    }
    wc_qsort(pick, n_new, sizeof(*pick), cmp_entry_index);
    for (i = 0; i < n_new && !f->fatal; i++)
        take_entry(f, fd, doc, &doc->entries[pick[i]], r->fetched_at);
    free(pick);
    if (capped) {
        /* no validators: the next fetch gets the whole feed and takes the next batch */
        u->u.etag = u->u.last_modified = NULL;
        follow_problem(f, WC_ERR_LIMIT,
                       "feed '%s': more than %zu new entries; the %zu newest were taken, the rest "
                       "come with the next fetch",
                       fd->url, f->o.max_new, f->o.max_new);
    }
    wc_feed_free(doc);
    return WC_SCHED_UPDATED;
}

/* Move other feeds of a host that asked for a pause past its Retry-After. */
static void defer_host(wc_follow *f, struct feed *fd, int64_t until)
{
    size_t i;

    if (!fd->host)
        return;
    for (i = 0; i < f->nfeeds; i++) {
        struct feed *g = &f->feeds[i];
        struct defer *d;
        if (g == fd || g->requested || g->retired || !g->host || strcmp(g->host, fd->host))
            continue;
        if (g->next_fetch_at != WC_TIME_NONE && g->next_fetch_at >= until)
            continue;
        g->next_fetch_at = until;
        if (!(d = follow_ralloc(f, sizeof(*d)))) {
            follow_set_fatal(f, WC_ERR_NOMEM, NULL, "deferring a feed");
            return;
        }
        d->id = g->id;
        d->until = until;
        queue_call(f, write_defer, d);
    }
}

static void on_feed(wc_follow *f, struct feed *fd, wc_response *r)
{
    struct upd *u;
    wc_schedule_input in = WC_SCHEDULE_INPUT_INIT;
    wc_schedule sch;
    bool retire = false;
    char tbuf[32];

    f->prog.feeds_done++;
    if (r->result == WC_FETCH_CANCELLED || f->fatal) {
        fd->aborted = true;
        return;
    }
    if (!(u = follow_ralloc(f, sizeof(*u)))) {
        follow_set_fatal(f, WC_ERR_NOMEM, NULL, "handling a feed");
        fd->aborted = true;
        return;
    }
    u->f = f;
    u->u.id = fd->id;
    u->u.fetch_pages = -1;
    u->u.fetched_at = f->now;
    u->u.success_at = WC_TIME_NONE;
    u->u.status = r->http_status;
    u->u.etag = fd->etag;
    u->u.last_modified = fd->last_modified;
    in.now = f->now;
    in.interval = fd->interval;
    in.max_age = r->max_age;
    in.retry_after = r->retry_after;
    in.errors = fd->errors;

    if (r->moved_to && strcmp(r->moved_to, fd->url) != 0) {
        struct feed *other = feed_by_url(f, r->moved_to, fd);
        if (other) {
            snprintf(u->msg, sizeof(u->msg),
                     "moved permanently to '%s', which is followed already (feed %lld): retired",
                     r->moved_to, (long long)other->id);
            follow_problem(f, WC_ERR_HTTP, "feed '%s' %s", fd->url, u->msg);
            u->u.error = u->msg;
            u->u.retire = true;
            u->u.next_fetch_at = WC_TIME_NONE;
            fd->retired = true;
            f->stats.feeds_retired++;
            fd->entries_done = true;
            fd->upd = u;
            maybe_queue_state(f, fd);
            return;
        }
        u->new_url = follow_rstrdup(f, r->moved_to);
        follow_problem(f, WC_OK, "feed '%s' moved permanently to '%s'", fd->url, r->moved_to);
        f->stats.feeds_moved++;
        follow_set_str(&fd->url, r->moved_to);
        free(fd->host);
        fd->host = wc_url_host(fd->url);
    }

    switch (r->result) {
    case WC_FETCH_OK:
        u->u.etag = follow_rstrdup(f, r->etag);
        u->u.last_modified = follow_rstrdup(f, r->last_modified);
        u->u.success_at = f->now;
        in.outcome = feed_body(f, fd, r, u, &in);
        if (in.outcome == WC_SCHED_FAILED)
            f->stats.feeds_failed++;
        break;
    case WC_FETCH_NOT_MODIFIED:
        f->stats.feeds_not_modified++;
        if (r->etag)
            u->u.etag = follow_rstrdup(f, r->etag);
        if (r->last_modified)
            u->u.last_modified = follow_rstrdup(f, r->last_modified);
        u->u.success_at = f->now;
        in.outcome = WC_SCHED_NOT_MODIFIED;
        break;
    case WC_FETCH_HTTP_ERROR:
        snprintf(u->msg, sizeof(u->msg), "%s", r->err.msg);
        u->u.error = u->msg;
        if (r->http_status == 410) {
            retire = true;
            snprintf(u->msg, sizeof(u->msg),
                     "%.400s: the feed is gone, retired (re-add it "
                     "with `wirecopy feeds add`)",
                     r->err.msg);
            break;
        }
        f->stats.feeds_failed++;
        in.outcome =
            r->http_status == 429 || r->http_status == 503 ? WC_SCHED_THROTTLED : WC_SCHED_FAILED;
        break;
    default:
        f->stats.feeds_failed++;
        snprintf(u->msg, sizeof(u->msg), "%s",
                 r->err.msg[0] ? r->err.msg : wc_fetch_result_name(r->result));
        u->u.error = u->msg;
        in.outcome = WC_SCHED_FAILED;
        break;
    }

    if (retire) {
        f->stats.feeds_retired++;
        u->u.retire = true;
        u->u.next_fetch_at = WC_TIME_NONE;
        u->u.error_count = fd->errors + 1;
        u->u.interval = fd->interval;
        fd->retired = true;
        follow_problem(f, WC_ERR_HTTP, "feed '%s': %s", fd->url, u->msg);
    } else {
        wc_schedule_next(&f->o.policy, &in, &sch);
        u->u.next_fetch_at = sch.next_at;
        u->u.interval = sch.interval;
        u->u.error_count = sch.errors;
        fd->next_fetch_at = sch.next_at;
        fd->interval = sch.interval;
        fd->errors = sch.errors;
        if (sch.reason == WC_SCHED_RETRY_AFTER_MAX) {
            /* kept with the feed, so `feeds` says why it is polled sooner than asked */
            size_t n = strlen(u->msg);
            snprintf(u->msg + n, sizeof(u->msg) - n,
                     "; waiting %lld s (--max-interval), not the %lld s asked",
                     (long long)f->o.policy.max_interval, (long long)r->retry_after);
        }
        if (in.outcome == WC_SCHED_FAILED || in.outcome == WC_SCHED_THROTTLED) {
            wc_time_format(sch.next_at, tbuf, sizeof(tbuf));
            /* a parse failure was reported with its own words already */
            if (!(r->result == WC_FETCH_OK))
                follow_problem(f, r->err.code ? r->err.code : WC_ERR_NET,
                               "feed '%s': %s (failure %u in a row; next try %s, %s)", fd->url,
                               u->msg, sch.errors, tbuf, wc_schedule_reason_name(sch.reason));
        }
        if (in.outcome == WC_SCHED_THROTTLED && r->retry_after > 0)
            defer_host(f, fd, sch.next_at);
    }
    fd->last_status = r->http_status;
    if (r->result == WC_FETCH_OK || r->result == WC_FETCH_NOT_MODIFIED) {
        follow_set_str(&fd->etag, u->u.etag);
        follow_set_str(&fd->last_modified, u->u.last_modified);
    }
    fd->entries_done = true;
    fd->upd = u;
    maybe_queue_state(f, fd);
}

/* --- article pages ---------------------------------------------------------------- */

/* Will a later fetch of this page likely work? */
static bool passing_failure(const wc_response *r)
{
    switch (r->result) {
    case WC_FETCH_TIMEOUT:
    case WC_FETCH_NET_ERROR:
        return true;
    case WC_FETCH_DISALLOWED:
        return r->err.code == WC_ERR_NET; /* robots.txt could not be read (5xx, network) */
    case WC_FETCH_HTTP_ERROR:
        return r->http_status == 408 || r->http_status == 429 || r->http_status >= 500;
    default:
        return false;
    }
}

static bool looks_like_html(const char *ct)
{
    if (!ct || !*ct)
        return true;
    return wc_mem_istr(ct, strlen(ct), "html") || wc_mem_istr(ct, strlen(ct), "xml") ||
           wc_mem_istarts(ct, strlen(ct), "text/plain");
}

static void on_page(wc_follow *f, struct job *j, wc_response *r)
{
    struct ref *rf;

    f->prog.pages_done++;
    if (r->result == WC_FETCH_CANCELLED || f->fatal) {
        for (rf = j->refs; rf; rf = rf->next)
            rf->feed->aborted = true;
        return;
    }
    if (r->result == WC_FETCH_OK && looks_like_html(r->content_type)) {
        f->stats.pages_fetched++;
        queue_record(f, j, r);
        return;
    }
    if (r->result == WC_FETCH_DISALLOWED && r->err.code != WC_ERR_NET)
        f->stats.pages_disallowed++;
    else
        f->stats.pages_failed++;
    if (r->result == WC_FETCH_OK) {
        follow_problem(f, WC_ERR_UNSUPPORTED, "article page '%s' is not HTML (%s)", r->final_url,
                       r->content_type);
    } else if (passing_failure(r)) {
        follow_problem(f, r->err.code ? r->err.code : WC_ERR_NET,
                       "article page of feed '%s': %s (tried again with the feed for a while)",
                       j->origin, r->err.msg);
        j->state = WC_ENTRY_FAILED;
        j->failed = true;
        for (rf = j->refs; rf; rf = rf->next)
            mark_retry(f, rf);
        job_queued(f, j);
        return;
    } else {
        follow_problem(f, r->err.code ? r->err.code : WC_ERR_NET, "article page of feed '%s': %s%s",
                       j->origin, r->err.msg,
                       j->content ? " (the feed's own text is stored instead)" : "");
    }
    if (j->content) {
        queue_record(f, j, NULL);
    } else {
        j->state = WC_ENTRY_SKIPPED;
        job_queued(f, j);
    }
}

void follow_on_done(void *ctx, wc_response *r)
{
    wc_follow *f = ctx;
    struct req *rq = r->user;

    if (rq->feed)
        on_feed(f, rq->feed, r);
    else
        on_page(f, rq->job, r);
    follow_progress(f);
}
