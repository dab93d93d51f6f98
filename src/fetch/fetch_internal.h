/*
 * fetch_internal.h - private to the fetch wing: the per-host politeness
 * queues and the per-origin robots.txt cache (fetch_host.c), and the
 * request and fetcher structs the request's life is split over: fetch.c
 * (queueing, robots gate, starting, answering, the public API),
 * fetch_transfer.c (one HTTP exchange on a curl easy handle: options,
 * header and body callbacks) and fetch_url.c (URL checks and redirects).
 * fetch_one.c builds the one-URL call on the public API alone. Curl types
 * appear here and in those files only, never in a public header.
 */
#ifndef WC_FETCH_INTERNAL_H
#define WC_FETCH_INTERNAL_H

#include "wirecopy/fetch.h"
#include "wirecopy/robots.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "wirecopy/buf.h"
#include "wirecopy/error.h"

/* Intrusive link: the first member of fetch.c's request struct. */
typedef struct fh_node {
    struct fh_node *next;
} fh_node;

typedef struct fh_queue {
    fh_node *head, *tail; /* FIFO; NULL when empty */
    size_t len;           /* nodes queued */
} fh_queue;

void fh_queue_push(fh_queue *q, fh_node *n);
void fh_queue_push_front(fh_queue *q, fh_node *n);
fh_node *fh_queue_pop(fh_queue *q);
/* Move every node of src to the front of dst, keeping src's order. */
void fh_queue_prepend(fh_queue *dst, fh_queue *src);

/*
 * One host name (lower-case, no port): the unit of politeness. Requests
 * wait in `queue`; at most max_per_host run at once, and a request starts
 * no earlier than `next_ok`, which each start and each finish push to
 * "now + delay".
 */
typedef struct fh_host {
    struct fh_host *chain; /* hash chain */
    char *name;            /* host name, lower-case */
    fh_queue queue;        /* requests waiting for a slot, in order */
    unsigned active;       /* transfers in flight */
    double delay;          /* seconds between requests: max(option, Crawl-delay) */
    double next_ok;        /* monotonic time before which nothing starts */
    double blocked_until;  /* monotonic time: a Retry-After longer than we wait for */
    long blocked_status;   /* the HTTP status that blocked it (429 or 503) */
    bool ready;            /* on the table's ready list (has queued requests) */
} fh_host;

typedef enum fh_robots_state {
    FH_ROBOTS_UNKNOWN,  /* never fetched (or expired) */
    FH_ROBOTS_FETCHING, /* a robots.txt request is in flight; pages wait in `waiters` */
    FH_ROBOTS_READY,    /* rules known (or allow all / disallow all) */
} fh_robots_state;

/* One origin (scheme://host:port): robots.txt applies per origin (RFC 9309 2.3). */
typedef struct fh_origin {
    struct fh_origin *chain; /* hash chain */
    char *name;              /* "http://host:port" */
    fh_robots_state state;   /* see above */
    wc_robots *rules;        /* parsed rules, NULL = allow all (unless disallow_all) */
    bool disallow_all;       /* robots.txt unreachable (5xx, network): RFC 9309 2.3.1.4 */
    char *why;               /* for disallow_all: what went wrong, for messages */
    double fetched_at;       /* monotonic time the rules arrived (they expire after a day) */
    fh_queue waiters;        /* pages waiting for the rules */
} fh_origin;

typedef struct fh_table {
    fh_host **hosts;     /* hash buckets of hosts */
    fh_origin **origins; /* hash buckets of origins */
    size_t nbuckets;     /* buckets in each (power of two) */
    size_t nhosts;       /* hosts in the table */
    size_t norigins;     /* origins in the table */
    fh_host **ready;     /* hosts with queued requests, visited round-robin */
    size_t nready, readycap, cursor;
} fh_table;

int fh_table_init(fh_table *t);
/* Free every host and origin; queued nodes are not freed (the caller drains them first). */
void fh_table_release(fh_table *t);
/* Find or add a host; NULL on OOM. New hosts get the delay given. */
fh_host *fh_host_get(fh_table *t, const char *name, double delay);
fh_origin *fh_origin_get(fh_table *t, const char *name);
/* Put h on the ready list if it has queued requests and is not there yet; 0 or -1 on OOM. */
int fh_ready_add(fh_table *t, fh_host *h);
/* Drop hosts with empty queues from the ready list. */
void fh_ready_prune(fh_table *t);

/* Can h start a request now? */
bool fh_host_may_start(const fh_host *h, double now, unsigned max_per_host);
void fh_host_started(fh_host *h, double now);
void fh_host_finished(fh_host *h, double now);

/* --- requests (fetch.c, fetch_transfer.c, fetch_url.c) ----------------- */

/* URLs longer than this are refused: browsers and servers stop near 8 KiB too. */
#define FETCH_MAX_URL 8192

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
    char *r_charset;              /* charset parameter of r_content_type, or NULL */
    int64_t max_age, retry_after; /* -1 when absent */
    double started;               /* monotonic start of the first hop, 0 before */
    wc_fetch_result result;       /* when answered */
    wc_error err;                 /* when answered */
    bool guard;                   /* the redirect guard is on (fetch_addr.c) */
    int first_net;                /* fetch_net of the first hop's address, once connected */
    bool net_refused;             /* the guard stopped this hop before its request */
    char net_ip[64];              /* the address it stopped at */
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

/* Answer r without a transfer (or after one): delivered on the next step (fetch.c). */
void fetch_answer(wc_fetcher *f, request *r, wc_fetch_result res, wc_status code, const char *fmt,
                  ...) __attribute__((format(printf, 5, 6)));
/* Put r (its cur URL) on its host's queue, or answer it when the URL is unusable (fetch.c). */
void fetch_enqueue(wc_fetcher *f, request *r);

/*
 * Split r->cur into host, origin and robots path and replace it by curl's
 * normalised form (fetch_url.c). Returns 0, or -1 after answering r
 * (REFUSED) when the URL is unusable.
 */
int fetch_parse_url(wc_fetcher *f, request *r);

/* --- the redirect guard (fetch_addr.c) --- */
typedef enum fetch_net {
    FETCH_NET_UNKNOWN = -1, /* not a numeric address (a name) */
    FETCH_NET_PUBLIC,
    FETCH_NET_LOOPBACK,   /* 127.0.0.0/8, 0.0.0.0/8, ::1 */
    FETCH_NET_PRIVATE,    /* RFC 1918, 100.64.0.0/10, fc00::/7, multicast and reserved */
    FETCH_NET_LINK_LOCAL, /* 169.254.0.0/16 (cloud metadata), fe80::/10 */
} fetch_net;
/* The network of a numeric IPv4 or IPv6 address (a URL's "[v6]" too). */
fetch_net fetch_net_of(const char *ip);
const char *fetch_net_name(fetch_net n);
/* May a redirect lead to an address on hop when the request began on first? */
bool fetch_net_allowed(fetch_net first, fetch_net hop);
/* Is s a redirect status whose Location is followed (301, 302, 303, 307, 308)? */
bool fetch_is_redirect(long s);
/* Follow one hop to target (r's transfer is detached): re-queued or answered (fetch_url.c). */
void fetch_follow_redirect(wc_fetcher *f, request *r, const char *target);

/* Start r's current hop (fetch_transfer.c). Returns 0, or -1 after answering r. */
int fetch_start_transfer(wc_fetcher *f, request *r, double now);
/* Take r out of the in-flight list and free its curl handles (fetch_transfer.c). */
void fetch_detach_transfer(wc_fetcher *f, request *r);
/* Free the response headers kept for r and mark max_age/retry_after absent. */
void fetch_free_headers(request *r);
/* The reason phrase of a common error status ("Not Found"), "" for others. */
const char *fetch_reason_phrase(long s);

#endif
