/*
 * fetch_internal.h - private to the fetch wing (fetch.c, fetch_host.c, robots.c):
 * per-host politeness queues and the per-origin robots.txt cache (fetch_host.c). No curl here.
 */
#ifndef WC_FETCH_INTERNAL_H
#define WC_FETCH_INTERNAL_H

#include "wirecopy/fetch.h"
#include "wirecopy/robots.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#endif
