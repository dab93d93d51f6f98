/*
 * fetch.h - polite HTTP fetching of feeds and pages (libcurl multi, hidden).
 *
 * A wc_fetcher runs many transfers at once over one libcurl multi handle,
 * but at most max_per_host per host name and with host_delay_ms between
 * requests to one host (raised by robots.txt Crawl-delay); robots.txt is
 * fetched once per origin and honoured for WC_FETCH_PAGE requests (not for
 * feeds, which the user subscribed to by hand). Conditional GET, redirects
 * (followed here hop by hop, http and https only, each hop queued behind
 * its host's politeness like any request), decoding of gzip/deflate/br
 * with a cap on the *decoded* size, and timeouts are all per request.
 *
 * Use (one thread; callbacks run on it, inside wc_fetcher_step/run):
 *
 *     wc_fetch_opts o;
 *     wc_fetch_opts_init(&o);              defaults, then change what you need
 *     wc_fetcher_new(&o, on_done, ctx, &f, &err);
 *     wc_fetcher_add(f, &req, &err);       as many as you like, also from on_done
 *     wc_fetcher_run(f, &stop_flag, &err); or loop on wc_fetcher_step()
 *     wc_fetcher_free(f);
 *
 * Every request added is answered exactly once through on_done, whatever
 * happens (bad URL, robots, cancel), unless the fetcher is freed first.
 *
 * For one URL, wc_fetch_one() does all of that and waits for the answer:
 * the same policy for a command that looks at a single page or feed.
 * Not thread-safe: one fetcher belongs to one thread.
 */
#ifndef WIRECOPY_FETCH_H
#define WIRECOPY_FETCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/error.h"

typedef struct wc_fetcher wc_fetcher;

/* What a request is for: decides robots.txt, Accept header and messages. */
typedef enum wc_fetch_kind {
    WC_FETCH_FEED,   /* a subscribed feed: robots.txt not consulted */
    WC_FETCH_PAGE,   /* an article page: robots.txt honoured when opts.robots */
    WC_FETCH_ROBOTS, /* a robots.txt the caller wants itself */
} wc_fetch_kind;

/* How a request ended. */
typedef enum wc_fetch_result {
    WC_FETCH_OK,           /* 2xx: body holds the decoded entity */
    WC_FETCH_NOT_MODIFIED, /* 304 to If-None-Match / If-Modified-Since: no body */
    WC_FETCH_HTTP_ERROR,   /* the server answered 4xx/5xx (see http_status, retry_after),
                              or a host still inside a long Retry-After was not asked */
    WC_FETCH_TIMEOUT,      /* connect or whole-transfer timeout */
    WC_FETCH_TOO_LARGE,    /* the decoded body passed max_body: nothing kept */
    WC_FETCH_REFUSED,      /* not attempted or not followed: a scheme other than http/https
                              (also as a redirect target), too many redirects, a bad URL */
    WC_FETCH_NET_ERROR,    /* DNS, connect refused, TLS, reset, broken encoding */
    WC_FETCH_DISALLOWED,   /* robots.txt forbids this page (err.code WC_ERR_UNSUPPORTED: a
                              lasting answer) or could not be read (err.code WC_ERR_NET: a
                              passing problem, try later): not fetched */
    WC_FETCH_CANCELLED,    /* wc_fetcher_cancel() before it finished */
} wc_fetch_result;

typedef struct wc_fetch_opts {
    const char *user_agent;   /* NULL: "wirecopy/VERSION (+https://github.com/wirecopy/wirecopy)" */
    const char *robots_agent; /* product token looked up in robots.txt; NULL: "wirecopy" */
    unsigned max_total;       /* transfers in flight at once: 16 */
    unsigned max_per_host;    /* transfers in flight per host name: 1 */
    unsigned host_delay_ms;   /* least time between requests to one host: 1000 (0 in tests) */
    unsigned max_crawl_delay_ms; /* robots.txt Crawl-delay honoured up to: 30000 */
    unsigned max_host_pause_ms;  /* 429/503 Retry-After up to this pauses the host; a longer
                                    one answers that host's waiting requests at once: 60000 */
    unsigned connect_timeout_ms; /* TCP+TLS connect: 10000 */
    unsigned timeout_ms;         /* whole transfer, per hop: 60000 */
    size_t max_body;             /* decoded bytes kept per response: 16 MiB */
    unsigned max_redirects;      /* hops followed: 5 */
    bool robots;                 /* honour robots.txt for WC_FETCH_PAGE: true */
    bool allow_private;          /* let a redirect lead from a public address to a loopback,
                                    private or link-local one (or between those kinds): false,
                                    such a hop is refused (server-side request forgery; the
                                    guard is off behind a proxy, which does the connecting) */
    size_t max_queue;            /* requests pending at once (queued + in flight): 100000 */
    const char *proxy;           /* proxy URL; NULL or "": none, and http_proxy/https_proxy/
                                    ALL_PROXY in the environment are ignored (a caller that
                                    wants them passes getenv()'s value here) */
} wc_fetch_opts;

/* Fill o with the defaults above. */
void wc_fetch_opts_init(wc_fetch_opts *o);

typedef struct wc_fetch_req {
    const char *url;           /* http:// or https:// URL (copied) */
    wc_fetch_kind kind;        /* feed, page or robots */
    const char *etag;          /* stored ETag, sent as If-None-Match; NULL = none (copied) */
    const char *last_modified; /* stored Last-Modified, sent as If-Modified-Since (copied) */
    size_t max_body;           /* decoded-size cap for this request; 0 = the fetcher's */
    void *user;                /* handed back in the response */
} wc_fetch_req;

/*
 * One finished request. Strings are NUL-terminated and borrowed: valid
 * only during the callback (copy what you keep, or take the body).
 */
typedef struct wc_response {
    wc_fetch_result result;       /* how it ended */
    wc_error err;                 /* code WC_OK for OK and NOT_MODIFIED; else a message naming
                                     the URL (WC_ERR_HTTP, WC_ERR_NET, WC_ERR_LIMIT,
                                     WC_ERR_UNSUPPORTED, WC_ERR_INTERRUPTED) */
    wc_fetch_kind kind;           /* as requested */
    void *user;                   /* as requested */
    const char *url;              /* the URL as added */
    const char *final_url;        /* the URL of the last hop (== url without redirects) */
    const char *moved_to;         /* when the chain began with permanent redirects (301/308):
                                     the URL they led to, to store instead of url; else NULL */
    unsigned redirects;           /* hops followed */
    long http_status;             /* status of the last response, 0 when none arrived */
    const char *etag;             /* response ETag, NULL when absent */
    const char *last_modified;    /* response Last-Modified, NULL when absent */
    const char *content_type;     /* e.g. "application/rss+xml; charset=utf-8", NULL when absent */
    const char *charset;          /* content_type's charset parameter, unquoted ("utf-8"), NULL
                                     when absent (wc_charset_param) */
    const char *content_location; /* Content-Location as sent (may be relative), NULL when absent */
    int64_t max_age;              /* Cache-Control max-age, seconds; -1 when absent */
    int64_t retry_after; /* Retry-After, seconds from now (delta or HTTP-date); -1 when absent */
    const char *body;    /* decoded body, NUL-terminated ("" unless OK) */
    size_t body_len;     /* bytes in body */
    int64_t fetched_at;  /* wall-clock time the response ended, epoch seconds */
    double elapsed;      /* seconds from the first hop's start to the end */
    void *priv_;         /* the fetcher's, for wc_response_take_body(): do not touch */
} wc_response;

/*
 * Called once per request. r is valid only during the call. It may call
 * wc_fetcher_add() (e.g. pages found in a feed), not _cancel or _free.
 */
typedef void (*wc_fetch_done_fn)(void *ctx, wc_response *r);

/* Take ownership of r's body (free() it); r->body becomes "". NULL on OOM. */
char *wc_response_take_body(wc_response *r, size_t *len);

/* Create a fetcher; opts NULL = defaults. WC_ERR_NOMEM, WC_ERR_NET (curl), WC_ERR_USAGE. */
wc_status wc_fetcher_new(const wc_fetch_opts *opts, wc_fetch_done_fn done, void *ctx,
                         wc_fetcher **out, wc_error *err);

/* Free f, its connections and robots cache; pending requests are dropped unanswered. */
void wc_fetcher_free(wc_fetcher *f);

/*
 * Queue a request (strings copied). A request that cannot be made (bad or
 * non-http URL) is still accepted and answered as WC_FETCH_REFUSED by the
 * next step. Errors: WC_ERR_LIMIT when max_queue requests are pending,
 * WC_ERR_USAGE when req or its url is NULL, WC_ERR_NOMEM.
 */
wc_status wc_fetcher_add(wc_fetcher *f, const wc_fetch_req *req, wc_error *err);

/*
 * One round: start what politeness allows, wait up to timeout_ms for
 * network activity or the next host delay to pass, deliver what finished.
 * Returns at once when nothing is pending. Fails only on curl multi errors
 * or OOM (requests are then still pending; wc_fetcher_cancel answers them).
 */
wc_status wc_fetcher_step(wc_fetcher *f, int timeout_ms, wc_error *err);

/*
 * Step until nothing is pending, or until *stop becomes non-zero (checked
 * at least every 200 ms; stop may be NULL), then WC_ERR_INTERRUPTED with
 * requests still pending: wc_fetcher_cancel() answers them.
 */
wc_status wc_fetcher_run(wc_fetcher *f, const volatile sig_atomic_t *stop, wc_error *err);

/* Requests added and not yet answered. */
size_t wc_fetcher_pending(const wc_fetcher *f);

/* Answer every pending request now as WC_FETCH_CANCELLED (transfers are aborted). */
void wc_fetcher_cancel(wc_fetcher *f);

typedef struct wc_fetch_stats {
    uint64_t requests; /* HTTP requests sent (redirect hops and robots.txt included) */
    uint64_t robots;   /* robots.txt requests among them */
    uint64_t bytes;    /* decoded body bytes received */
    uint64_t ok, not_modified, failed, disallowed; /* answers by outcome */
} wc_fetch_stats;

void wc_fetcher_get_stats(const wc_fetcher *f, wc_fetch_stats *out);

/* A word for a result ("ok", "not-modified", "timeout", ...); never NULL. */
const char *wc_fetch_result_name(wc_fetch_result r);

/* --- one URL ---------------------------------------------------------------- */

/*
 * What wc_fetch_one() got. The caller owns it and everything in it
 * (wc_fetched_free). Strings are NUL-terminated, NULL when absent.
 */
typedef struct wc_fetched {
    wc_fetch_result result; /* how it ended */
    long http_status;       /* status of the last response, 0 when none arrived */
    char *url;              /* the URL as asked */
    char *final_url;        /* the last hop's URL, as curl normalised it (== url without
                               redirects, give or take a "/" path): the page's address */
    char *moved_to;         /* where a leading run of 301/308 led, else NULL (wc_response) */
    unsigned redirects;     /* hops followed */
    char *content_type;     /* Content-Type as sent */
    char *charset;          /* its charset parameter, unquoted ("windows-1251") */
    char *content_location; /* Content-Location as sent (may be relative to final_url) */
    char *body;             /* decoded body, NUL-terminated; never NULL, "" unless
                               result is WC_FETCH_OK */
    size_t body_len;        /* bytes in body */
    int64_t fetched_at;     /* wall-clock time the answer came, epoch seconds */
} wc_fetched;

/*
 * Fetch one URL of the given kind and wait for the answer, through a
 * fetcher of its own made with opts (NULL = defaults): its User-Agent,
 * redirects hop by hop (http and https only, max_redirects), max_body on
 * the decoded body, gzip/deflate/br, timeouts, and for WC_FETCH_PAGE
 * robots.txt when opts.robots (fetched first; host_delay_ms and
 * Crawl-delay then space it and the page, as for any two requests to one
 * host). A feed is not checked against robots.txt.
 *
 * WC_OK when the body arrived (result WC_FETCH_OK). Otherwise the status
 * is the answer's err.code and err names the URL: WC_ERR_HTTP (4xx/5xx, or
 * a 304 nobody asked for), WC_ERR_NET (network, timeout, or a robots.txt
 * that could not be read), WC_ERR_LIMIT (body over max_body, too many
 * redirects), WC_ERR_UNSUPPORTED (a scheme or redirect other than http(s),
 * or disallowed by robots.txt), WC_ERR_USAGE (a malformed URL),
 * WC_ERR_INTERRUPTED (*stop became non-zero; stop may be NULL). In all
 * these cases *out is set too, with result and http_status saying what
 * happened: free it either way. WC_ERR_NOMEM, or WC_ERR_USAGE for a NULL
 * url or out: *out is NULL. Thread-safe after wc_global_init() (nothing is
 * shared between calls).
 */
wc_status wc_fetch_one(const char *url, wc_fetch_kind kind, const wc_fetch_opts *opts,
                       const volatile sig_atomic_t *stop, wc_fetched **out, wc_error *err);

/* Free r and everything in it; NULL is a no-op. */
void wc_fetched_free(wc_fetched *r);

#endif
