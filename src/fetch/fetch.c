/*
 * fetch.c - polite HTTP fetching on the libcurl multi interface.
 *
 * The life of a request:
 *   added -> queued on its host (fetch_host.c) -> [pages: wait for the
 *   origin's robots.txt] -> started when the host has a free slot and its
 *   delay has passed -> one HTTP exchange -> either a redirect (the next hop
 *   goes back to the queue of *its* host) or an answer delivered through the
 *   caller's callback on the next step.
 *
 * Why redirects are followed here and not by CURLOPT_FOLLOWLOCATION:
 *  - every hop must pass the same checks: http/https only (a redirect to
 *    file:// or ftp:// is refused with a message naming both URLs), robots
 *    rules of the new origin for pages, and the new host's politeness;
 *  - the caller needs to know whether the chain *began* with permanent
 *    redirects (301/308), to update a stored feed URL, which curl does not
 *    report hop by hop.
 * CURLOPT_PROTOCOLS_STR / REDIR_PROTOCOLS_STR "http,https" stay set as a
 * second lock.
 *
 * Size caps: CURLOPT_MAXFILESIZE only sees the wire size a server declares,
 * which a gzip bomb keeps tiny. The write callback receives *decoded* bytes
 * (CURLOPT_ACCEPT_ENCODING "" lets curl offer and undo gzip, deflate, br,
 * zstd) and stops the transfer the moment they would pass the cap. The
 * wire-size limit is still set, a little above the cap, so an honest huge
 * Content-Length fails before a byte of body is read. robots.txt is the one
 * body that is cut instead of refused (RFC 9309 2.5: use the first 500 KiB).
 *
 * robots.txt (RFC 9309 2.3.1): 2xx -> rules; 4xx (but 429) -> "unavailable",
 * everything allowed; 5xx, 429 and network failures -> "unreachable",
 * everything disallowed, so a struggling server is not loaded with pages.
 * Rules are cached per origin for a day (2.4), enough for --watch.
 *
 * Decided here, documented in fetch.h: no cookie engine at all (nothing is
 * kept between requests, let alone across hosts); no proxy unless the
 * caller passes one (curl would otherwise read http_proxy from the
 * environment); no credentials; TLS verification on.
 */
#include "fetch_internal.h"

#include <curl/curl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/date.h"
#include "wirecopy/wirecopy.h"

#include "internal.h"

/* URLs longer than this are refused: browsers and servers stop near 8 KiB too. */
#define MAX_URL 8192
/* Response header values longer than this are ignored. */
#define MAX_HEADER_VALUE 4096
/* Body bytes of a non-2xx answer read (and dropped) before hanging up. */
#define ERROR_BODY_MAX (64 * 1024)
/* Wire bytes allowed beyond the decoded cap (compressed data can be slightly larger). */
#define WIRE_MARGIN (64 * 1024)
/* robots.txt rules are kept this long (RFC 9309 2.4: no more than 24 hours). */
#define ROBOTS_TTL (24 * 3600.0)
/* Longest Retry-After believed (ten years); beyond it is junk. */
#define RETRY_AFTER_MAX ((int64_t)10 * 365 * 24 * 3600)
/* run() checks its stop flag at least this often. */
#define RUN_SLICE_MS 200

#define DEFAULT_UA_URL "https://github.com/wirecopy/wirecopy"

typedef struct request {
    fh_node node;                /* link in a host queue, origin waiters or `finished` */
    struct request *prev, *next; /* in the fetcher's list of transfers in flight */
    wc_fetch_kind kind;          /* as added */
    void *user;                  /* as added */
    bool internal;               /* a robots.txt we fetch for an origin: no callback */
    fh_origin *robots_for;       /* internal: the origin whose rules it fetches */
    fh_host *robots_host;        /* internal: the host whose delay Crawl-delay raises */
    char *url;                   /* as added */
    char *cur;                   /* the current hop's URL (normalised by curl) */
    char *moved_to;              /* end of the leading run of 301/308 hops, or NULL */
    bool perm_chain;             /* every hop so far was 301/308 */
    unsigned redirects;          /* hops followed */
    char *if_none_match;         /* conditional headers to send, or NULL */
    char *if_modified_since;
    size_t max_body;              /* decoded-byte cap */
    fh_host *host;                /* host of cur */
    char *origin;                 /* "scheme://host:port" of cur */
    char *path;                   /* path[?query] of cur, for robots */
    CURL *easy;                   /* while in flight */
    struct curl_slist *hdrs;      /* request headers while in flight */
    char errbuf[CURL_ERROR_SIZE]; /* curl's detailed message */
    long status;                  /* HTTP status of the current hop, 0 before one */
    wc_buf body;                  /* decoded body (2xx only) */
    size_t discarded;             /* body bytes of a non-2xx answer dropped */
    bool too_large;               /* the body passed max_body */
    bool truncated;               /* robots.txt cut at its cap (kept) */
    bool error_body_cut;          /* hung up on a long non-2xx body */
    char *r_etag, *r_last_modified, *r_content_type, *r_content_location;
    int64_t max_age, retry_after; /* -1 when absent */
    double started;               /* monotonic start of the first hop, 0 before */
    wc_fetch_result result;       /* when answered */
    wc_error err;                 /* when answered */
} request;

struct wc_fetcher {
    wc_fetch_opts o;       /* options, strings below owned */
    char *user_agent;      /* User-Agent sent */
    char *robots_agent;    /* token looked up in robots.txt */
    char *proxy;           /* proxy URL or NULL */
    wc_fetch_done_fn done; /* the caller's callback */
    void *ctx;             /* its context */
    CURLM *multi;          /* one multi handle: shared connection and DNS caches */
    fh_table tbl;          /* hosts and origins */
    fh_queue finished;     /* answered, to deliver on the next step */
    request *active;       /* transfers in flight (doubly linked) */
    unsigned nactive;      /* their number, internal robots included */
    size_t pending;        /* caller's requests not yet delivered */
    wc_fetch_stats stats;  /* counters */
};

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

static void free_headers(request *r)
{
    free(r->r_etag);
    free(r->r_last_modified);
    free(r->r_content_type);
    free(r->r_content_location);
    r->r_etag = r->r_last_modified = r->r_content_type = r->r_content_location = NULL;
    r->max_age = r->retry_after = -1;
}

static void request_free(request *r)
{
    if (!r)
        return;
    if (r->easy)
        curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->hdrs);
    free_headers(r);
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
    wc_buf_init(&r->body, max_body);
    return r;
}

/* Answer r without a transfer (or after one): delivered on the next step. */
static void answer(wc_fetcher *f, request *r, wc_fetch_result res, wc_status code, const char *fmt,
                   ...) __attribute__((format(printf, 5, 6)));

static void answer(wc_fetcher *f, request *r, wc_fetch_result res, wc_status code, const char *fmt,
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

/* --- URLs ---------------------------------------------------------------- */

/*
 * Split r->cur into host, origin and robots path with curl's URL parser and
 * replace it by curl's normalised form. Returns 0, or -1 after answering r
 * (REFUSED) when the URL is unusable.
 */
static int parse_url(wc_fetcher *f, request *r)
{
    CURLU *u = NULL;
    char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *query = NULL, *full = NULL;
    CURLUcode uc;
    int rc = -1;
    size_t i;
    wc_buf b = WC_BUF_INIT;

    if (strlen(r->cur) > MAX_URL) {
        answer(f, r, WC_FETCH_REFUSED, WC_ERR_LIMIT, "URL longer than %d bytes: '%.200s...'",
               MAX_URL, r->cur);
        return -1;
    }
    u = curl_url();
    if (!u) {
        answer(f, r, WC_FETCH_REFUSED, WC_ERR_NOMEM, "out of memory parsing '%s'", r->cur);
        return -1;
    }
    uc = curl_url_set(u, CURLUPART_URL, r->cur, CURLU_NON_SUPPORT_SCHEME);
    if (uc != CURLUE_OK) {
        answer(f, r, WC_FETCH_REFUSED, WC_ERR_USAGE, "bad URL '%s': %s", r->cur,
               curl_url_strerror(uc));
        goto out;
    }
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
        answer(f, r, WC_FETCH_REFUSED, WC_ERR_UNSUPPORTED,
               "refused '%s': only http and https URLs are fetched", r->cur);
        goto out;
    }
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0]) {
        answer(f, r, WC_FETCH_REFUSED, WC_ERR_USAGE, "bad URL '%s': no host", r->cur);
        goto out;
    }
    for (i = 0; host[i]; i++)
        if (host[i] >= 'A' && host[i] <= 'Z')
            host[i] = (char)(host[i] - 'A' + 'a');
    if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK) {
        answer(f, r, WC_FETCH_REFUSED, WC_ERR_USAGE, "bad URL '%s'", r->cur);
        goto out;
    }
    uc = curl_url_get(u, CURLUPART_QUERY, &query, 0);
    if (uc != CURLUE_OK && uc != CURLUE_NO_QUERY) {
        answer(f, r, WC_FETCH_REFUSED, WC_ERR_USAGE, "bad URL '%s'", r->cur);
        goto out;
    }

    r->host = fh_host_get(&f->tbl, host, f->o.host_delay_ms / 1000.0);
    free(r->origin);
    free(r->path);
    r->origin = NULL;
    r->path = NULL;
    if (wc_buf_addf(&b, "%s://%s:%s", scheme, host, port) == WC_OK)
        r->origin = wc_buf_detach(&b, NULL);
    if (wc_buf_addf(&b, "%s%s%s", path, query ? "?" : "", query ? query : "") == WC_OK)
        r->path = wc_buf_detach(&b, NULL);
    free(r->cur);
    r->cur = wc_strdup(full);
    if (!r->host || !r->origin || !r->path || !r->cur) {
        if (!r->cur)
            r->cur = wc_strdup(r->url);
        answer(f, r, WC_FETCH_REFUSED, WC_ERR_NOMEM, "out of memory queueing '%s'", r->url);
        goto out;
    }
    rc = 0;
out:
    wc_buf_release(&b);
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_free(query);
    curl_free(full);
    curl_url_cleanup(u);
    return rc;
}

/* Put r (its cur URL) on its host's queue, or answer it when the URL is unusable. */
static void enqueue(wc_fetcher *f, request *r)
{
    if (parse_url(f, r) != 0)
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
        answer(f, r, WC_FETCH_REFUSED, WC_ERR_NOMEM, "out of memory queueing '%s'", r->url);
    }
}

/* --- curl callbacks ------------------------------------------------------ */

static void set_header(char **slot, const char *v, size_t len)
{
    free(*slot);
    *slot = len <= MAX_HEADER_VALUE ? wc_strndup(v, len) : NULL;
}

/* Cache-Control: find max-age=N (not s-maxage), quoted or not. */
static int64_t parse_max_age(const char *p, size_t len)
{
    size_t i = 0;

    while (i < len) {
        const char *d;
        size_t dlen, j;
        uint64_t v;

        while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == ','))
            i++;
        d = p + i;
        while (i < len && p[i] != ',')
            i++;
        dlen = (size_t)(p + i - d);
        if (!wc_mem_istarts(d, dlen, "max-age"))
            continue;
        j = 7;
        while (j < dlen && (d[j] == ' ' || d[j] == '\t'))
            j++;
        if (j >= dlen || d[j] != '=')
            continue;
        j++;
        while (j < dlen && (d[j] == ' ' || d[j] == '"'))
            j++;
        {
            size_t k = j;
            while (k < dlen && d[k] >= '0' && d[k] <= '9')
                k++;
            if (k > j && wc_parse_u64(d + j, k - j, &v))
                return v > (uint64_t)RETRY_AFTER_MAX ? RETRY_AFTER_MAX : (int64_t)v;
        }
    }
    return -1;
}

/* Retry-After: delta-seconds or an HTTP-date; seconds from now, or -1. */
static int64_t parse_retry_after(const char *p, size_t len)
{
    uint64_t v;
    int64_t t, now;

    if (len == 0)
        return -1;
    if (p[0] >= '0' && p[0] <= '9') {
        if (!wc_parse_u64(p, len, &v))
            return -1;
        return v > (uint64_t)RETRY_AFTER_MAX ? RETRY_AFTER_MAX : (int64_t)v;
    }
    if (!wc_date_parse(p, len, &t))
        return -1;
    now = wc_time_now();
    if (t <= now)
        return 0;
    return t - now > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : t - now;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *userdata)
{
    request *r = userdata;
    size_t len = size * nitems, nlen, vlen;
    const char *colon, *name, *v;

    if (len >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
        /* A new response (a 1xx before the real one, or the only one). */
        const char *sp = memchr(buf, ' ', len);
        free_headers(r);
        r->status = 0;
        if (sp && (size_t)(sp - buf) + 4 <= len && sp[1] >= '1' && sp[1] <= '5' && sp[2] >= '0' &&
            sp[2] <= '9' && sp[3] >= '0' && sp[3] <= '9')
            r->status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
        return len;
    }
    colon = memchr(buf, ':', len);
    if (!colon)
        return len;
    name = buf;
    nlen = (size_t)(colon - buf);
    v = colon + 1;
    vlen = len - nlen - 1;
    wc_mem_trim(&v, &vlen);
    if (wc_mem_ieq(name, nlen, "etag"))
        set_header(&r->r_etag, v, vlen);
    else if (wc_mem_ieq(name, nlen, "last-modified"))
        set_header(&r->r_last_modified, v, vlen);
    else if (wc_mem_ieq(name, nlen, "content-type"))
        set_header(&r->r_content_type, v, vlen);
    else if (wc_mem_ieq(name, nlen, "content-location"))
        set_header(&r->r_content_location, v, vlen);
    else if (wc_mem_ieq(name, nlen, "cache-control"))
        r->max_age = parse_max_age(v, vlen);
    else if (wc_mem_ieq(name, nlen, "retry-after"))
        r->retry_after = parse_retry_after(v, vlen);
    return len;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    request *r = userdata;
    size_t n = size * nmemb;

    if (r->status < 200 || r->status > 299) {
        r->discarded += n;
        if (r->discarded > ERROR_BODY_MAX) {
            r->error_body_cut = true;
            return 0;
        }
        return n;
    }
    if (n > r->max_body - r->body.len) {
        if (r->kind == WC_FETCH_ROBOTS) {
            /* RFC 9309 2.5: parse what fits, ignore the rest. */
            (void)wc_buf_add(&r->body, ptr, r->max_body - r->body.len);
            r->truncated = true;
        } else {
            r->too_large = true;
        }
        return 0;
    }
    if (wc_buf_add(&r->body, ptr, n) != WC_OK) {
        r->too_large = true; /* out of memory: report as a cap we could not meet */
        return 0;
    }
    return n;
}

/* --- starting transfers -------------------------------------------------- */

static const char *accept_for(wc_fetch_kind kind)
{
    switch (kind) {
    case WC_FETCH_FEED:
        return "Accept: application/rss+xml, application/atom+xml, application/feed+json, "
               "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
               "application/json;q=0.8, */*;q=0.5";
    case WC_FETCH_PAGE:
        return "Accept: text/html, application/xhtml+xml;q=0.9, */*;q=0.5";
    case WC_FETCH_ROBOTS:
    default:
        return "Accept: text/plain, */*;q=0.5";
    }
}

static int add_header(struct curl_slist **l, const char *name, const char *value)
{
    wc_buf b = WC_BUF_INIT;
    struct curl_slist *n;

    /* A stored value with a line break would inject headers: never send it. */
    if (strpbrk(value, "\r\n"))
        return 0;
    if (wc_buf_addf(&b, "%s: %s", name, value) != WC_OK)
        return -1;
    n = curl_slist_append(*l, b.buf);
    wc_buf_release(&b);
    if (!n)
        return -1;
    *l = n;
    return 0;
}

static void reset_hop(request *r)
{
    free_headers(r);
    wc_buf_reset(&r->body);
    r->status = 0;
    r->discarded = 0;
    r->too_large = r->truncated = r->error_body_cut = false;
    r->errbuf[0] = '\0';
}

/* Start r's current hop. Returns 0, or -1 after answering r. */
static int start_transfer(wc_fetcher *f, request *r, double now)
{
    CURL *e;
    CURLcode rc = CURLE_OK;
    CURLMcode mc;
    curl_off_t wire_cap;

    reset_hop(r);
    e = curl_easy_init();
    if (!e) {
        answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NOMEM, "cannot create a transfer for '%s'", r->cur);
        return -1;
    }
    curl_slist_free_all(r->hdrs);
    r->hdrs = NULL;
    if (add_header(&r->hdrs, "Accept", accept_for(r->kind) + 8) != 0 ||
        (r->if_none_match && add_header(&r->hdrs, "If-None-Match", r->if_none_match) != 0) ||
        (r->if_modified_since &&
         add_header(&r->hdrs, "If-Modified-Since", r->if_modified_since) != 0)) {
        curl_easy_cleanup(e);
        answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NOMEM, "out of memory preparing '%s'", r->cur);
        return -1;
    }
    wire_cap = (curl_off_t)(r->max_body > (size_t)INT64_MAX / 2 ? (size_t)INT64_MAX / 2
                                                                : r->max_body + WIRE_MARGIN);
    if (r->kind == WC_FETCH_ROBOTS)
        wire_cap = 0; /* robots.txt is cut, never refused: no wire limit */

#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (rc == CURLE_OK)                                                                        \
            rc = curl_easy_setopt(e, opt, val);                                                    \
    } while (0)
    SET(CURLOPT_URL, r->cur);
    SET(CURLOPT_PRIVATE, (void *)r);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, (void *)r);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, (void *)r);
    SET(CURLOPT_ERRORBUFFER, r->errbuf);
    SET(CURLOPT_USERAGENT, f->user_agent);
    SET(CURLOPT_HTTPHEADER, r->hdrs);
    SET(CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    SET(CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    SET(CURLOPT_ACCEPT_ENCODING, "");
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long)f->o.connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, (long)f->o.timeout_ms);
    if (wire_cap > 0)
        SET(CURLOPT_MAXFILESIZE_LARGE, wire_cap);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_PROXY, f->proxy ? f->proxy : "");
#undef SET
    if (rc != CURLE_OK) {
        curl_easy_cleanup(e);
        answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NET, "cannot set up '%s': %s", r->cur,
               curl_easy_strerror(rc));
        return -1;
    }
    mc = curl_multi_add_handle(f->multi, e);
    if (mc != CURLM_OK) {
        curl_easy_cleanup(e);
        answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NET, "cannot start '%s': %s", r->cur,
               curl_multi_strerror(mc));
        return -1;
    }
    r->easy = e;
    r->prev = NULL;
    r->next = f->active;
    if (f->active)
        f->active->prev = r;
    f->active = r;
    f->nactive++;
    fh_host_started(r->host, now);
    if (r->started == 0)
        r->started = now;
    f->stats.requests++;
    if (r->internal)
        f->stats.robots++;
    return 0;
}

/* Take r out of the in-flight list and free its curl handles. */
static void detach_transfer(wc_fetcher *f, request *r)
{
    if (!r->easy)
        return;
    curl_multi_remove_handle(f->multi, r->easy);
    curl_easy_cleanup(r->easy);
    r->easy = NULL;
    curl_slist_free_all(r->hdrs);
    r->hdrs = NULL;
    if (r->prev)
        r->prev->next = r->next;
    else
        f->active = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->prev = r->next = NULL;
    f->nactive--;
}

/* A request that needs robots rules: 1 = go ahead, 0 = parked or answered. */
static int robots_gate(wc_fetcher *f, request *r, double now)
{
    fh_origin *o;
    request *rr;
    wc_buf b = WC_BUF_INIT;

    if (r->kind != WC_FETCH_PAGE || !f->o.robots)
        return 1;
    o = fh_origin_get(&f->tbl, r->origin);
    if (!o) {
        answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NOMEM, "out of memory checking robots.txt for '%s'",
               r->cur);
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
            answer(f, r, WC_FETCH_DISALLOWED, WC_ERR_NET,
                   "'%s' not fetched: robots.txt of '%s' could not be read (%s)", r->cur, o->name,
                   o->why ? o->why : "unreachable");
            return 0;
        }
        if (!wc_robots_allowed(o->rules, r->path, strlen(r->path))) {
            answer(f, r, WC_FETCH_DISALLOWED, WC_ERR_UNSUPPORTED,
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
    if (wc_buf_addf(&b, "%s/robots.txt", o->name) != WC_OK ||
        !(rr = request_new(b.buf, WC_ROBOTS_MAX_BYTES))) {
        wc_buf_release(&b);
        answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NOMEM, "out of memory fetching robots.txt for '%s'",
               r->cur);
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
    if (parse_url(f, rr) == 0)
        (void)start_transfer(f, rr, now);
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
                answer(f, r, WC_FETCH_HTTP_ERROR, WC_ERR_HTTP,
                       "'%s' not requested: host '%s' answered HTTP %ld with Retry-After %lld s",
                       r->cur, h->name, h->blocked_status, (long long)r->retry_after);
                continue;
            }
            if (!fh_host_may_start(h, now, f->o.max_per_host))
                break;
            r = (request *)fh_queue_pop(&h->queue);
            if (!robots_gate(f, r, now))
                continue;
            (void)start_transfer(f, r, now);
        }
    }
    if (n)
        f->tbl.cursor = (f->tbl.cursor + 1) % n;
    fh_ready_prune(&f->tbl);
}

/* --- finishing transfers ------------------------------------------------- */

static bool is_redirect(long s)
{
    return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
}

static const char *reason_phrase(long s)
{
    switch (s) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 410:
        return "Gone";
    case 429:
        return "Too Many Requests";
    case 451:
        return "Unavailable For Legal Reasons";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "";
    }
}

/* Follow one hop. r's transfer is detached. */
static void follow_redirect(wc_fetcher *f, request *r, const char *target)
{
    CURLU *u;
    char *scheme = NULL;
    bool web;

    if (r->redirects >= f->o.max_redirects) {
        answer(f, r, WC_FETCH_REFUSED, WC_ERR_LIMIT, "too many redirects (more than %u) from '%s'",
               f->o.max_redirects, r->url);
        return;
    }
    u = curl_url();
    web = u && curl_url_set(u, CURLUPART_URL, target, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
          curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
          (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
    curl_free(scheme);
    curl_url_cleanup(u);
    if (!web) {
        answer(f, r, WC_FETCH_REFUSED, WC_ERR_UNSUPPORTED,
               "redirect from '%s' to '%s' refused: only http and https are followed", r->cur,
               target);
        return;
    }
    if ((r->status == 301 || r->status == 308) && r->perm_chain) {
        free(r->moved_to);
        r->moved_to = wc_strdup(target);
    } else {
        r->perm_chain = false;
    }
    free(r->cur);
    r->cur = wc_strdup(target);
    if (!r->cur) {
        r->cur = wc_strdup(r->url);
        answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NOMEM, "out of memory following '%s'", r->url);
        return;
    }
    r->redirects++;
    enqueue(f, r);
}

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
    detach_transfer(f, r);
    fh_host_finished(r->host, now);
    f->stats.bytes += r->body.len;

    answered_ok =
        rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && (r->error_body_cut || r->truncated)) ||
        (rc == CURLE_FILESIZE_EXCEEDED && r->status != 0 && (r->status < 200 || r->status > 299));
    if (answered_ok && is_redirect(r->status) && target) {
        follow_redirect(f, r, target);
        free(target);
        return;
    }
    free(target);
    if (answered_ok) {
        if (r->status >= 200 && r->status <= 299) {
            answer(f, r, WC_FETCH_OK, WC_OK, NULL);
        } else if (r->status == 304) {
            answer(f, r, WC_FETCH_NOT_MODIFIED, WC_OK, NULL);
        } else {
            if (r->status == 429 || r->status == 503)
                pause_host(f, r->host, r->status, r->retry_after, now);
            wc_buf_reset(&r->body);
            if (r->retry_after >= 0)
                answer(f, r, WC_FETCH_HTTP_ERROR, WC_ERR_HTTP,
                       "HTTP %ld %s from '%s' (retry after %lld s)", r->status,
                       reason_phrase(r->status), r->cur, (long long)r->retry_after);
            else
                answer(f, r, WC_FETCH_HTTP_ERROR, WC_ERR_HTTP, "HTTP %ld%s%s from '%s'", r->status,
                       reason_phrase(r->status)[0] ? " " : "", reason_phrase(r->status), r->cur);
        }
        return;
    }
    wc_buf_reset(&r->body);
    if ((rc == CURLE_WRITE_ERROR && r->too_large) || rc == CURLE_FILESIZE_EXCEEDED) {
        answer(f, r, WC_FETCH_TOO_LARGE, WC_ERR_LIMIT,
               "body of '%s' is larger than the %zu-byte cap (decoded)", r->cur, r->max_body);
        return;
    }
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        answer(f, r, WC_FETCH_TIMEOUT, WC_ERR_NET, "timed out fetching '%s': %s", r->cur,
               r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
        break;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        answer(f, r, WC_FETCH_REFUSED, WC_ERR_UNSUPPORTED, "refused '%s': %s", r->cur,
               r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NET, "cannot resolve the host of '%s': %s", r->cur,
               r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
        break;
    default:
        answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NET, "cannot fetch '%s': %s", r->cur,
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
    wc_buf ua = WC_BUF_INIT;

    if (!out)
        return wc_error_set(err, WC_ERR_USAGE, "wc_fetcher_new: no output pointer");
    *out = NULL;
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
        detach_transfer(f, r);
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
    answer(f, r, WC_FETCH_CANCELLED, WC_ERR_INTERRUPTED, "cancelled before '%s' was fetched",
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
    enqueue(f, r);
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

void wc_fetcher_wakeup(wc_fetcher *f)
{
    if (f && f->multi)
        curl_multi_wakeup(f->multi);
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
