/*
 * fetch_host.c - the fetcher's politeness bookkeeping: one FIFO queue per
 * host name, slot and delay accounting, and the per-origin robots.txt cache.
 *
 * Why per host and not just CURLMOPT_MAX_HOST_CONNECTIONS: curl's limit
 * caps connections, not requests; a transfer over the cap waits inside
 * curl with its timeout already running, curl knows nothing of a delay
 * between requests, and it keys hosts by name *and* port. Here a request
 * leaves its host's queue only when the host has a free slot and its delay
 * has passed, so timeouts measure the server, not our queue.
 *
 * The delay rule: each start and each finish push the host's next_ok to
 * "now + delay". With one slot per host (the default) that is "delay
 * seconds between the end of one response and the next request", the
 * crawler convention robots.txt's Crawl-delay assumes.
 *
 * Hosts and origins live in two chained hash tables (FNV-1a, power-of-two
 * buckets, doubled at load 1). Hosts with queued work are also on a
 * "ready" array the fetcher walks round-robin, so with thousands of idle
 * hosts a step costs only the busy ones.
 */
#include "fetch_internal.h"

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "internal.h"

#define INITIAL_BUCKETS 64

void fh_queue_push(fh_queue *q, fh_node *n)
{
    n->next = NULL;
    if (q->tail)
        q->tail->next = n;
    else
        q->head = n;
    q->tail = n;
    q->len++;
}

void fh_queue_push_front(fh_queue *q, fh_node *n)
{
    n->next = q->head;
    q->head = n;
    if (!q->tail)
        q->tail = n;
    q->len++;
}

fh_node *fh_queue_pop(fh_queue *q)
{
    fh_node *n = q->head;

    if (!n)
        return NULL;
    q->head = n->next;
    if (!q->head)
        q->tail = NULL;
    q->len--;
    n->next = NULL;
    return n;
}

void fh_queue_prepend(fh_queue *dst, fh_queue *src)
{
    if (!src->head)
        return;
    src->tail->next = dst->head;
    if (!dst->tail)
        dst->tail = src->tail;
    dst->head = src->head;
    dst->len += src->len;
    src->head = src->tail = NULL;
    src->len = 0;
}

/* Host and origin names hash with the project's string hash. */
static uint64_t name_hash(const char *s)
{
    return XXH3_64bits(s, strlen(s));
}

int fh_table_init(fh_table *t)
{
    memset(t, 0, sizeof(*t));
    t->nbuckets = INITIAL_BUCKETS;
    t->hosts = calloc(t->nbuckets, sizeof(*t->hosts));
    t->origins = calloc(t->nbuckets, sizeof(*t->origins));
    if (!t->hosts || !t->origins) {
        free(t->hosts);
        free(t->origins);
        return -1;
    }
    return 0;
}

void fh_table_release(fh_table *t)
{
    size_t i;

    for (i = 0; t->hosts && i < t->nbuckets; i++) {
        fh_host *h = t->hosts[i];
        while (h) {
            fh_host *next = h->chain;
            free(h->name);
            free(h);
            h = next;
        }
    }
    for (i = 0; t->origins && i < t->nbuckets; i++) {
        fh_origin *o = t->origins[i];
        while (o) {
            fh_origin *next = o->chain;
            wc_robots_free(o->rules);
            free(o->why);
            free(o->name);
            free(o);
            o = next;
        }
    }
    free(t->hosts);
    free(t->origins);
    free(t->ready);
    memset(t, 0, sizeof(*t));
}

/* Double both bucket arrays; on OOM keep the old ones (chains just get longer). */
static void grow(fh_table *t)
{
    size_t n = t->nbuckets * 2, i;
    fh_host **hb = calloc(n, sizeof(*hb));
    fh_origin **ob = calloc(n, sizeof(*ob));

    if (!hb || !ob) {
        free(hb);
        free(ob);
        return;
    }
    for (i = 0; i < t->nbuckets; i++) {
        fh_host *h = t->hosts[i];
        fh_origin *o = t->origins[i];
        while (h) {
            fh_host *next = h->chain;
            size_t b = name_hash(h->name) & (n - 1);
            h->chain = hb[b];
            hb[b] = h;
            h = next;
        }
        while (o) {
            fh_origin *next = o->chain;
            size_t b = name_hash(o->name) & (n - 1);
            o->chain = ob[b];
            ob[b] = o;
            o = next;
        }
    }
    free(t->hosts);
    free(t->origins);
    t->hosts = hb;
    t->origins = ob;
    t->nbuckets = n;
}

fh_host *fh_host_get(fh_table *t, const char *name, double delay)
{
    size_t b = name_hash(name) & (t->nbuckets - 1);
    fh_host *h;

    for (h = t->hosts[b]; h; h = h->chain)
        if (strcmp(h->name, name) == 0)
            return h;
    h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->name = wc_strdup(name);
    if (!h->name) {
        free(h);
        return NULL;
    }
    h->delay = delay;
    h->chain = t->hosts[b];
    t->hosts[b] = h;
    if (++t->nhosts > t->nbuckets)
        grow(t);
    return h;
}

fh_origin *fh_origin_get(fh_table *t, const char *name)
{
    size_t b = name_hash(name) & (t->nbuckets - 1);
    fh_origin *o;

    for (o = t->origins[b]; o; o = o->chain)
        if (strcmp(o->name, name) == 0)
            return o;
    o = calloc(1, sizeof(*o));
    if (!o)
        return NULL;
    o->name = wc_strdup(name);
    if (!o->name) {
        free(o);
        return NULL;
    }
    o->chain = t->origins[b];
    t->origins[b] = o;
    if (++t->norigins > t->nbuckets)
        grow(t);
    return o;
}

int fh_ready_add(fh_table *t, fh_host *h)
{
    if (h->ready || h->queue.len == 0)
        return 0;
    if (t->nready == t->readycap) {
        size_t ncap = t->readycap ? t->readycap * 2 : 16;
        fh_host **nr = realloc(t->ready, ncap * sizeof(*nr));
        if (!nr)
            return -1;
        t->ready = nr;
        t->readycap = ncap;
    }
    t->ready[t->nready++] = h;
    h->ready = true;
    return 0;
}

void fh_ready_prune(fh_table *t)
{
    size_t i = 0;

    while (i < t->nready) {
        if (t->ready[i]->queue.len == 0) {
            t->ready[i]->ready = false;
            t->ready[i] = t->ready[--t->nready];
        } else {
            i++;
        }
    }
    if (t->cursor >= t->nready)
        t->cursor = 0;
}

bool fh_host_may_start(const fh_host *h, double now, unsigned max_per_host)
{
    return h->active < max_per_host && now >= h->next_ok;
}

void fh_host_started(fh_host *h, double now)
{
    h->active++;
    if (now + h->delay > h->next_ok)
        h->next_ok = now + h->delay;
}

void fh_host_finished(fh_host *h, double now)
{
    if (h->active > 0)
        h->active--;
    if (now + h->delay > h->next_ok)
        h->next_ok = now + h->delay;
}
