/*
 * fetch.c - polite HTTP fetching on the libcurl multi interface: the
 * fetcher, and the life of a request from added to answered.
 *
 * The life of a request:
 *   added -> queued on its host (fetch_host.c) -> [pages: wait for the
 *   origin's robots.txt] -> started when the host has a free slot and its
 *   delay has passed -> one HTTP exchange (fetch_transfer.c) -> either a
 *   redirect (fetch_url.c: the next hop goes back to the queue of *its*
 *   host) or an answer delivered through the caller's callback on the
 *   next step. Answers are queued and delivered by wc_fetcher_step, never
 *   from inside a curl callback, so a callback may add requests.
 *
 * robots.txt (RFC 9309 2.3.1): 2xx -> rules; 4xx (but 429) -> "unavailable",
 * everything allowed; 5xx, 429 and network failures -> "unreachable",
 * everything disallowed, so a struggling server is not loaded with pages.
 * Rules are cached per origin for a day (2.4), enough for --watch. The
 * robots.txt of an origin is fetched in the slot of the first page that
 * needs it; the pages that arrive meanwhile wait on the origin.
 *
 * A 429 or 503 with a Retry-After pauses its host: up to max_host_pause_ms
 * by pushing the host's next start, beyond that by answering the host's
 * waiting requests at once (a long Retry-After is the server saying "not
 * today").
 *
 * Decided here, documented in fetch.h: no cookie engine at all (nothing is
 * kept between requests, let alone across hosts); no proxy unless the
 * caller passes one (curl would otherwise read http_proxy from the
 * environment); no credentials; TLS verification on.
 */
#include "fetch_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/wirecopy.h"

#include "internal.h"

/* robots.txt rules are kept this long (RFC 9309 2.4: no more than 24 hours). */
#define ROBOTS_TTL (24 * 3600.0)
/* run() checks its stop flag at least this often. */
#define RUN_SLICE_MS 200

#define DEFAULT_UA_URL "https://github.com/wirecopy/wirecopy"
/* The default User-Agent, "wirecopy/VERSION (+DEFAULT_UA_URL)", is some 60 bytes. */
#define DEFAULT_UA_MAX 256
/* An origin's robots.txt URL: the origin (at most a URL) and "/robots.txt". */
#define ROBOTS_URL_MAX (FETCH_MAX_URL + sizeof("/robots.txt"))

static const char *const result_names[] = {
    "ok",      "not-modified", "http-error", "timeout",   "too-large",
    "refused", "net-error",    "disallowed", "cancelled",
};

const char *wc_fetch_result_name(wc_fetch_result r)
{
    if ((size_t)r < WC_ARRAY_SIZE(result_names))
        return result_names[r];
    return "unknown";
}

void wc_fetch_opts_init(wc_fetch_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->max_total = 16;
    o->max_per_host = 1;
    o->host_delay_ms = 1000;
    o->max_crawl_delay_ms = 30000;
    o->max_host_pause_ms = 60000;
    o->connect_timeout_ms = 10000;
    o->timeout_ms = 60000;
    o->max_body = (size_t)16 << 20;
    o->max_redirects = 5;
    o->robots = true;
    o->max_queue = 100000;
}

/* --- requests ------------------------------------------------------------ */

static void request_free(request *r)
{
    if (!r)
        return;
    if (r->easy)
        curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->hdrs);
    fetch_free_headers(r);
    wc_buf_release(&r->body);
    free(r->url);
    free(r->cur);
    free(r->moved_to);
    free(r->if_none_match);
    free(r->if_modified_since);
    free(r->origin);
    free(r->path);
    free(r);
}

static request *request_new(const char *url, size_t max_body)
{
    request *r = calloc(1, sizeof(*r));

    if (!r)
        return NULL;
    r->url = wc_strdup(url);
    r->cur = wc_strdup(url);
    if (!r->url || !r->cur) {
        request_free(r);
        return NULL;
    }
    r->perm_chain = true;
    r->max_body = max_body;
    r->max_age = r->retry_after = -1;
    r->first_net = FETCH_NET_UNKNOWN;
    wc_buf_init(&r->body, max_body);
    return r;
}

void fetch_answer(wc_fetcher *f, request *r, wc_fetch_result res, wc_status code, const char *fmt,
                  ...)
{
    r->result = res;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        wc_error_setv(&r->err, code, fmt, ap);
        va_end(ap);
    } else {
        wc_error_clear(&r->err);
    }
    fh_queue_push(&f->finished, &r->node);
}

void fetch_enqueue(wc_fetcher *f, request *r)
{
    if (fetch_parse_url(f, r) != 0)
        return;
    fh_queue_push(&r->host->queue, &r->node);
    if (fh_ready_add(&f->tbl, r->host) != 0) {
        /* Cannot track the host: take r back and answer it. */
        fh_node *n, *prev = NULL;
        for (n = r->host->queue.head; n && n != &r->node; n = n->next)
            prev = n;
        if (prev)
            prev->next = NULL;
        else
            r->host->queue.head = NULL;
        r->host->queue.tail = prev;
        r->host->queue.len--;
        fetch_answer(f, r, WC_FETCH_REFUSED, WC_ERR_NOMEM, "out of memory queueing '%s'", r->url);
    }
}

/* --- starting requests -------------------------------------------------- */

/* A request that needs robots rules: 1 = go ahead, 0 = parked or answered. */
static int robots_gate(wc_fetcher *f, request *r, double now)
{
    fh_origin *o;
    request *rr;
    wc_buf b;

    if (r->kind != WC_FETCH_PAGE || !f->o.robots)
        return 1;
    o = fh_origin_get(&f->tbl, r->origin);
    if (!o) {
        fetch_answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NOMEM,
                     "out of memory checking robots.txt for '%s'", r->cur);
        return 0;
    }
    if (o->state == FH_ROBOTS_READY && now - o->fetched_at > ROBOTS_TTL) {
        wc_robots_free(o->rules);
        o->rules = NULL;
        o->disallow_all = false;
        o->state = FH_ROBOTS_UNKNOWN;
    }
    switch (o->state) {
    case FH_ROBOTS_READY:
        if (o->disallow_all) {
            fetch_answer(f, r, WC_FETCH_DISALLOWED, WC_ERR_NET,
                         "'%s' not fetched: robots.txt of '%s' could not be read (%s)", r->cur,
                         o->name, o->why ? o->why : "unreachable");
            return 0;
        }
        if (!wc_robots_allowed(o->rules, r->path, strlen(r->path))) {
            fetch_answer(f, r, WC_FETCH_DISALLOWED, WC_ERR_UNSUPPORTED,
                         "'%s' disallowed by robots.txt of '%s'", r->cur, o->name);
            return 0;
        }
        return 1;
    case FH_ROBOTS_FETCHING:
        fh_queue_push(&o->waiters, &r->node);
        return 0;
    case FH_ROBOTS_UNKNOWN:
    default:
        break;
    }
    /* First page of this origin: fetch its robots.txt in the page's slot. */
    wc_buf_init(&b, ROBOTS_URL_MAX);
    if (wc_buf_addf(&b, "%s/robots.txt", o->name) != WC_OK ||
        !(rr = request_new(b.buf, WC_ROBOTS_MAX_BYTES))) {
        wc_buf_release(&b);
        fetch_answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NOMEM,
                     "out of memory fetching robots.txt for '%s'", r->cur);
        return 0;
    }
    wc_buf_release(&b);
    rr->kind = WC_FETCH_ROBOTS;
    rr->internal = true;
    rr->robots_for = o;
    rr->robots_host = r->host;
    fh_queue_push(&o->waiters, &r->node);
    o->state = FH_ROBOTS_FETCHING;
    /*
     * If it cannot even start, rr is already answered on the finished
     * queue, and robots_done() will treat the origin as unreachable.
     */
    if (fetch_parse_url(f, rr) == 0)
        (void)fetch_start_transfer(f, rr, now);
    return 0;
}

/* Start every request politeness allows now, visiting busy hosts round-robin. */
static void start_ready(wc_fetcher *f)
{
    double now = wc_time_mono();
    size_t k, n = f->tbl.nready;

    for (k = 0; k < n && f->nactive < f->o.max_total; k++) {
        fh_host *h = f->tbl.ready[(f->tbl.cursor + k) % n];

        while (h->queue.len > 0 && f->nactive < f->o.max_total) {
            request *r;

            if (now < h->blocked_until) {
                r = (request *)fh_queue_pop(&h->queue);
                r->status = h->blocked_status;
                r->retry_after = (int64_t)ceil(h->blocked_until - now);
                fetch_answer(
                    f, r, WC_FETCH_HTTP_ERROR, WC_ERR_HTTP,
                    "'%s' not requested: host '%s' answered HTTP %ld with Retry-After %lld s",
                    r->cur, h->name, h->blocked_status, (long long)r->retry_after);
                continue;
            }
            if (!fh_host_may_start(h, now, f->o.max_per_host))
                break;
            r = (request *)fh_queue_pop(&h->queue);
            if (!robots_gate(f, r, now))
                continue;
            (void)fetch_start_transfer(f, r, now);
        }
    }
    if (n)
        f->tbl.cursor = (f->tbl.cursor + 1) % n;
    fh_ready_prune(&f->tbl);
}

/* --- finishing transfers ------------------------------------------------- */

/* A 429/503 with Retry-After: push the host's next start, or block it when the wait is long. */
static void pause_host(wc_fetcher *f, fh_host *h, long status, int64_t retry_after, double now)
{
    if (retry_after < 0)
        return;
    if ((double)retry_after * 1000.0 <= (double)f->o.max_host_pause_ms) {
        if (now + (double)retry_after > h->next_ok)
            h->next_ok = now + (double)retry_after;
    } else {
        h->blocked_until = now + (double)retry_after;
        h->blocked_status = status;
    }
}

/* A transfer ended (curl's code rc): follow its redirect, or answer it. */
static void finish_transfer(wc_fetcher *f, request *r, CURLcode rc)
{
    double now = wc_time_mono();
    char *target = NULL, *loc = NULL;
    long code = 0;
    bool answered_ok;

    if (curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK && r->status == 0)
        r->status = code;
    if (curl_easy_getinfo(r->easy, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc)
        target = wc_strdup(loc);
    fetch_detach_transfer(f, r);
    fh_host_finished(r->host, now);
    f->stats.bytes += r->body.len;

    answered_ok =
        rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && (r->error_body_cut || r->truncated)) ||
        (rc == CURLE_FILESIZE_EXCEEDED && r->status != 0 && (r->status < 200 || r->status > 299));
    if (answered_ok && fetch_is_redirect(r->status) && target) {
        fetch_follow_redirect(f, r, target);
        free(target);
        return;
    }
    free(target);
    if (rc == CURLE_ABORTED_BY_CALLBACK && r->net_refused) {
        fetch_answer(f, r, WC_FETCH_REFUSED, WC_ERR_UNSUPPORTED,
                     "redirect from '%s' to '%s' refused: it leads to a %s address (%s) and "
                     "'%s' is not on one (--allow-private follows it)",
                     r->url, r->cur, fetch_net_name(fetch_net_of(r->net_ip)), r->net_ip, r->url);
        return;
    }
    if (answered_ok) {
        if (r->status >= 200 && r->status <= 299) {
            fetch_answer(f, r, WC_FETCH_OK, WC_OK, NULL);
        } else if (r->status == 304) {
            fetch_answer(f, r, WC_FETCH_NOT_MODIFIED, WC_OK, NULL);
        } else {
            if (r->status == 429 || r->status == 503)
                pause_host(f, r->host, r->status, r->retry_after, now);
            wc_buf_reset(&r->body);
            if (r->retry_after >= 0)
                fetch_answer(f, r, WC_FETCH_HTTP_ERROR, WC_ERR_HTTP,
                             "HTTP %ld %s from '%s' (retry after %lld s)", r->status,
                             fetch_reason_phrase(r->status), r->cur, (long long)r->retry_after);
            else
                fetch_answer(f, r, WC_FETCH_HTTP_ERROR, WC_ERR_HTTP, "HTTP %ld%s%s from '%s'",
                             r->status, fetch_reason_phrase(r->status)[0] ? " " : "",
                             fetch_reason_phrase(r->status), r->cur);
        }
        return;
    }
    wc_buf_reset(&r->body);
    if ((rc == CURLE_WRITE_ERROR && r->too_large) || rc == CURLE_FILESIZE_EXCEEDED) {
        fetch_answer(f, r, WC_FETCH_TOO_LARGE, WC_ERR_LIMIT,
                     "body of '%s' is larger than the %zu-byte cap (decoded)", r->cur, r->max_body);
        return;
    }
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        fetch_answer(f, r, WC_FETCH_TIMEOUT, WC_ERR_NET, "timed out fetching '%s': %s", r->cur,
                     r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
        break;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        fetch_answer(f, r, WC_FETCH_REFUSED, WC_ERR_UNSUPPORTED, "refused '%s': %s", r->cur,
                     r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        fetch_answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NET, "cannot resolve the host of '%s': %s",
                     r->cur, r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
        break;
    default:
        fetch_answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NET, "cannot fetch '%s': %s", r->cur,
                     r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
        break;
    }
}

/* An internal robots.txt request was answered: set the origin's rules, release its pages. */
static void robots_done(wc_fetcher *f, request *r)
{
    fh_origin *o = r->robots_for;
    fh_host *h = r->robots_host;
    wc_robots *rules = NULL;

    wc_robots_free(o->rules);
    o->rules = NULL;
    free(o->why);
    o->why = NULL;
    o->disallow_all = false;
    if (r->result == WC_FETCH_OK) {
        if (wc_robots_parse(r->body.buf, r->body.len, f->robots_agent, &rules, NULL) == WC_OK) {
            double cd = wc_robots_crawl_delay(rules), cap = f->o.max_crawl_delay_ms / 1000.0;
            o->rules = rules;
            if (cd > 0 && h) {
                if (cd > cap)
                    cd = cap;
                if (cd > h->delay)
                    h->delay = cd;
            }
        } else {
            o->disallow_all = true;
            o->why = wc_strdup("out of memory parsing it");
        }
    } else if (r->result == WC_FETCH_HTTP_ERROR && r->status >= 400 && r->status <= 499 &&
               r->status != 429) {
        /* "Unavailable": no rules, everything allowed (RFC 9309 2.3.1.3). */
    } else {
        o->disallow_all = true;
        o->why = wc_strdup(r->err.msg[0] ? r->err.msg : wc_fetch_result_name(r->result));
    }
    o->state = FH_ROBOTS_READY;
    o->fetched_at = wc_time_mono();
    if (h && o->waiters.len) {
        fh_queue_prepend(&h->queue, &o->waiters);
        (void)fh_ready_add(&f->tbl, h);
    }
    request_free(r);
}

/* --- delivering ---------------------------------------------------------- */

char *wc_response_take_body(wc_response *r, size_t *len)
{
    wc_buf *b = r ? (wc_buf *)r->priv_ : NULL;
    char *out;

    if (!b)
        return NULL;
    out = wc_buf_detach(b, len);
    r->body = b->buf;
    r->body_len = 0;
    return out;
}

static void deliver(wc_fetcher *f, request *r)
{
    wc_response resp;

    if (r->internal) {
        robots_done(f, r);
        return;
    }
    memset(&resp, 0, sizeof(resp));
    resp.result = r->result;
    resp.err = r->err;
    resp.kind = r->kind;
    resp.user = r->user;
    resp.url = r->url;
    resp.final_url = r->cur;
    resp.moved_to = r->moved_to;
    resp.redirects = r->redirects;
    resp.http_status = r->status;
    resp.etag = r->r_etag;
    resp.last_modified = r->r_last_modified;
    resp.content_type = r->r_content_type;
    resp.charset = r->r_charset;
    resp.content_location = r->r_content_location;
    resp.max_age = r->max_age;
    resp.retry_after = r->retry_after;
    if (r->result != WC_FETCH_OK)
        wc_buf_reset(&r->body);
    resp.body = r->body.buf;
    resp.body_len = r->body.len;
    resp.fetched_at = wc_time_now();
    resp.elapsed = r->started > 0 ? wc_time_mono() - r->started : 0;
    resp.priv_ = &r->body;
    switch (r->result) {
    case WC_FETCH_OK:
        f->stats.ok++;
        break;
    case WC_FETCH_NOT_MODIFIED:
        f->stats.not_modified++;
        break;
    case WC_FETCH_DISALLOWED:
        f->stats.disallowed++;
        break;
    default:
        f->stats.failed++;
        break;
    }
    f->pending--;
    if (f->done)
        f->done(f->ctx, &resp);
    request_free(r);
}

/* Deliver what is on the finished queue now (not what callbacks add meanwhile). */
static void deliver_finished(wc_fetcher *f)
{
    size_t n = f->finished.len;

    while (n-- > 0) {
        request *r = (request *)fh_queue_pop(&f->finished);
        if (!r)
            break;
        deliver(f, r);
    }
}

/* --- the fetcher --------------------------------------------------------- */

wc_status wc_fetcher_new(const wc_fetch_opts *opts, wc_fetch_done_fn done, void *ctx,
                         wc_fetcher **out, wc_error *err)
{
    wc_fetcher *f;
    wc_buf ua;

    if (!out)
        return wc_error_set(err, WC_ERR_USAGE, "wc_fetcher_new: no output pointer");
    *out = NULL;
    wc_buf_init(&ua, DEFAULT_UA_MAX);
    f = calloc(1, sizeof(*f));
    if (!f)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory creating a fetcher");
    if (opts)
        f->o = *opts;
    else
        wc_fetch_opts_init(&f->o);
    if (f->o.max_total == 0 || f->o.max_per_host == 0) {
        free(f);
        return wc_error_set(err, WC_ERR_USAGE, "fetcher needs at least one transfer in flight");
    }
    if (f->o.max_body == 0)
        f->o.max_body = (size_t)16 << 20;
    f->done = done;
    f->ctx = ctx;
    if (f->o.user_agent && f->o.user_agent[0])
        f->user_agent = wc_strdup(f->o.user_agent);
    else if (wc_buf_addf(&ua, "wirecopy/%s (+%s)", wc_version(), DEFAULT_UA_URL) == WC_OK)
        f->user_agent = wc_buf_detach(&ua, NULL);
    f->robots_agent =
        wc_strdup(f->o.robots_agent && f->o.robots_agent[0] ? f->o.robots_agent : "wirecopy");
    if (f->o.proxy && f->o.proxy[0])
        f->proxy = wc_strdup(f->o.proxy);
    f->o.user_agent = f->o.robots_agent = f->o.proxy = NULL;
    if (!f->user_agent || !f->robots_agent ||
        (opts && opts->proxy && opts->proxy[0] && !f->proxy) || fh_table_init(&f->tbl) != 0) {
        wc_buf_release(&ua);
        free(f->user_agent);
        free(f->robots_agent);
        free(f->proxy);
        free(f);
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory creating a fetcher");
    }
    f->multi = curl_multi_init();
    if (!f->multi) {
        wc_fetcher_free(f);
        return wc_error_set(err, WC_ERR_NET, "cannot create a curl multi handle");
    }
    curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)f->o.max_total);
    curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)f->o.max_per_host);
    curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS, (long)f->o.max_total * 2);
    *out = f;
    return WC_OK;
}

/* Every request the fetcher holds, wherever it waits, handed to fn. */
static void drain_all(wc_fetcher *f, void (*fn)(wc_fetcher *, request *))
{
    size_t i;
    request *r;

    while ((r = f->active)) {
        fetch_detach_transfer(f, r);
        if (r->host && r->host->active)
            r->host->active--;
        fn(f, r);
    }
    for (i = 0; i < f->tbl.nbuckets; i++) {
        fh_host *h;
        fh_origin *o;
        for (h = f->tbl.hosts[i]; h; h = h->chain)
            while ((r = (request *)fh_queue_pop(&h->queue)))
                fn(f, r);
        for (o = f->tbl.origins[i]; o; o = o->chain) {
            while ((r = (request *)fh_queue_pop(&o->waiters)))
                fn(f, r);
            if (o->state == FH_ROBOTS_FETCHING)
                o->state = FH_ROBOTS_UNKNOWN;
        }
    }
    fh_ready_prune(&f->tbl);
}

static void drop(wc_fetcher *f, request *r)
{
    WC_UNUSED(f);
    request_free(r);
}

static void cancel_one(wc_fetcher *f, request *r)
{
    if (r->internal) {
        request_free(r);
        return;
    }
    fetch_answer(f, r, WC_FETCH_CANCELLED, WC_ERR_INTERRUPTED, "cancelled before '%s' was fetched",
                 r->cur);
}

void wc_fetcher_free(wc_fetcher *f)
{
    request *r;

    if (!f)
        return;
    if (f->tbl.hosts)
        drain_all(f, drop);
    while ((r = (request *)fh_queue_pop(&f->finished)))
        request_free(r);
    if (f->multi)
        curl_multi_cleanup(f->multi);
    fh_table_release(&f->tbl);
    free(f->user_agent);
    free(f->robots_agent);
    free(f->proxy);
    free(f);
}

void wc_fetcher_cancel(wc_fetcher *f)
{
    size_t n;
    request *r;

    if (!f)
        return;
    drain_all(f, cancel_one);
    /* Internal robots answers still queued would re-queue pages: drop them. */
    n = f->finished.len;
    while (n-- > 0) {
        r = (request *)fh_queue_pop(&f->finished);
        if (r->internal) {
            if (r->robots_for->state == FH_ROBOTS_FETCHING)
                r->robots_for->state = FH_ROBOTS_UNKNOWN;
            request_free(r);
        } else {
            fh_queue_push(&f->finished, &r->node);
        }
    }
    while (f->finished.len)
        deliver_finished(f);
}

wc_status wc_fetcher_add(wc_fetcher *f, const wc_fetch_req *req, wc_error *err)
{
    request *r;

    if (!f || !req || !req->url)
        return wc_error_set(err, WC_ERR_USAGE, "wc_fetcher_add: no request or URL");
    if (f->pending >= f->o.max_queue)
        return wc_error_set(err, WC_ERR_LIMIT, "fetch queue full (%zu requests) adding '%s'",
                            f->o.max_queue, req->url);
    r = request_new(req->url, req->max_body ? req->max_body : f->o.max_body);
    if (!r)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory adding '%s'", req->url);
    r->kind = req->kind;
    r->user = req->user;
    if (req->kind == WC_FETCH_ROBOTS && !req->max_body) {
        r->max_body = WC_ROBOTS_MAX_BYTES;
        r->body.limit = WC_ROBOTS_MAX_BYTES;
    }
    if ((req->etag && req->etag[0] && !(r->if_none_match = wc_strdup(req->etag))) ||
        (req->last_modified && req->last_modified[0] &&
         !(r->if_modified_since = wc_strdup(req->last_modified)))) {
        request_free(r);
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory adding '%s'", req->url);
    }
    f->pending++;
    fetch_enqueue(f, r);
    return WC_OK;
}

size_t wc_fetcher_pending(const wc_fetcher *f)
{
    return f ? f->pending : 0;
}

wc_status wc_fetcher_step(wc_fetcher *f, int timeout_ms, wc_error *err)
{
    CURLMcode mc;
    CURLMsg *msg;
    int running = 0, left, wait = timeout_ms < 0 ? 0 : timeout_ms;
    long ct = -1;
    size_t i;
    double now;

    if (!f)
        return wc_error_set(err, WC_ERR_USAGE, "wc_fetcher_step: no fetcher");
    deliver_finished(f);
    if (f->pending == 0 && f->nactive == 0)
        return WC_OK;
    start_ready(f);

    /* Sleep no longer than until the next host may start or curl needs us. */
    if (f->finished.len)
        wait = 0;
    now = wc_time_mono();
    if (f->nactive < f->o.max_total) {
        for (i = 0; i < f->tbl.nready; i++) {
            fh_host *h = f->tbl.ready[i];
            double d;
            if (h->active >= f->o.max_per_host && now >= h->blocked_until)
                continue;
            d = (now < h->blocked_until ? 0 : h->next_ok - now) * 1000.0;
            if (d < 0)
                d = 0;
            if (d < wait)
                wait = (int)ceil(d);
        }
    }
    if (curl_multi_timeout(f->multi, &ct) == CURLM_OK && ct >= 0 && ct < wait)
        wait = (int)ct;
    if (wait > 0) {
        mc = curl_multi_poll(f->multi, NULL, 0, wait, NULL);
        if (mc != CURLM_OK)
            return wc_error_set(err, WC_ERR_NET, "fetch: curl_multi_poll: %s",
                                curl_multi_strerror(mc));
    }
    mc = curl_multi_perform(f->multi, &running);
    if (mc != CURLM_OK)
        return wc_error_set(err, WC_ERR_NET, "fetch: curl_multi_perform: %s",
                            curl_multi_strerror(mc));
    while ((msg = curl_multi_info_read(f->multi, &left))) {
        if (msg->msg == CURLMSG_DONE) {
            request *r = NULL;
            CURLcode rc = msg->data.result;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
            if (r)
                finish_transfer(f, r, rc);
        }
    }
    /* Free slots go to waiting requests at once, not a poll later. */
    start_ready(f);
    deliver_finished(f);
    return WC_OK;
}

wc_status wc_fetcher_run(wc_fetcher *f, const volatile sig_atomic_t *stop, wc_error *err)
{
    wc_status st;

    if (!f)
        return wc_error_set(err, WC_ERR_USAGE, "wc_fetcher_run: no fetcher");
    while (f->pending > 0) {
        if (stop && *stop)
            return wc_error_set(err, WC_ERR_INTERRUPTED,
                                "fetching interrupted with %zu requests pending", f->pending);
        st = wc_fetcher_step(f, RUN_SLICE_MS, err);
        if (st != WC_OK)
            return st;
    }
    return WC_OK;
}

void wc_fetcher_get_stats(const wc_fetcher *f, wc_fetch_stats *out)
{
    if (!out)
        return;
    if (!f) {
        memset(out, 0, sizeof(*out));
        return;
    }
    *out = f->stats;
}
