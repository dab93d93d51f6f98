/*
 * ingest_story.c - the ingest writer's story work, held to the end of each
 * transaction.
 *
 * Placing copy clusters online in arrival order makes stories depend on
 * that order: on stories-dev, shuffles of the same 850 documents scored
 * B-cubed F1 0.876 to 0.906 when each cluster was placed as it came. So
 * the writer only notes what a transaction's records did to the stories:
 * the clusters they founded (their packed profiles) and, in arrival order,
 * the clusters they grew and merged. When the transaction is about to
 * commit (or a call is about to run on the writer, such as the repair
 * before a flush), the founded clusters are placed in an order the
 * arrival does not decide: by their profiles' dates, the dated first,
 * then the undated, ties by a hash of the profile. Then the growths and
 * merges follow in the order they came. A set of documents that fits in
 * one transaction (--batch, 2,000 by default) gets the same stories in any
 * order, up to which copy founds each copy cluster; a longer one depends
 * on which transaction a document falls in, as a stream does on its
 * order.
 *
 * Everything here runs on the writer thread; the counters are taken under
 * the run's mutex.
 */
#define _GNU_SOURCE
#include "ingest_internal.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "internal.h"
#include "store/store_writer.h"
#include "wirecopy/story.h"

struct story_pending {
    int64_t cluster_id;
    int64_t size, first, last; /* its row when it was founded */
    int64_t date;              /* its profile's, INT64_MIN undated */
    uint64_t hash;             /* of its packed profile */
    size_t off, len;           /* the packed profile in pend_buf */
};

enum story_event_kind { EV_GROW, EV_MERGE };

struct story_event {
    enum story_event_kind kind;
    int64_t cluster_id; /* grown; merged into (into) */
    int64_t from;       /* merge: the absorbed cluster */
    int64_t seen, published;
};

static bool grow_array(void **p, size_t *cap, size_t need, size_t size)
{
    size_t n = *cap ? *cap : 64;
    void *q;

    if (need <= *cap)
        return true;
    while (n < need)
        n *= 2;
    if (!(q = realloc(*p, n * size)))
        return false;
    *p = q;
    *cap = n;
    return true;
}

bool ingest_story_pending(const wc_ingest *ing, int64_t cluster_id)
{
    const struct story_pending *p = ing->pend;
    size_t lo = 0, hi = ing->npend;

    if (!ing->pend_sorted) {
        for (size_t i = 0; i < ing->npend; i++)
            if (p[i].cluster_id == cluster_id)
                return true;
        return false;
    }
    while (lo < hi) { /* new clusters come with rising ids */
        size_t mid = lo + (hi - lo) / 2;
        if (p[mid].cluster_id == cluster_id)
            return true;
        if (p[mid].cluster_id < cluster_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

wc_status ingest_story_defer(wc_ingest *ing, int64_t cluster_id, const struct slot *sl,
                             wc_error *err)
{
    struct story_pending *p;

    if (!grow_array((void **)&ing->pend, &ing->pend_cap, ing->npend + 1, sizeof(*ing->pend)) ||
        wc_buf_add(&ing->pend_buf, sl->prof.buf, sl->prof.len))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory holding a story profile");
    if (ing->npend && ing->pend[ing->npend - 1].cluster_id >= cluster_id)
        ing->pend_sorted = false;
    p = &ing->pend[ing->npend++];
    p->cluster_id = cluster_id;
    p->size = sl->row.size;
    p->first = sl->row.first_seen;
    p->last = sl->row.last_seen;
    p->date = sl->pr.date;
    p->hash = XXH3_64bits(sl->prof.buf, sl->prof.len);
    p->off = ing->pend_buf.len - sl->prof.len;
    p->len = sl->prof.len;
    return WC_OK;
}

static wc_status add_event(wc_ingest *ing, const struct story_event *ev, wc_error *err)
{
    if (!grow_array((void **)&ing->ev, &ing->ev_cap, ing->nev + 1, sizeof(*ing->ev)))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory holding a story change");
    ing->ev[ing->nev++] = *ev;
    return WC_OK;
}

wc_status ingest_story_grow(wc_ingest *ing, int64_t cluster_id, int64_t seen, int64_t published,
                            const int64_t *absorbed, size_t nabsorbed, wc_error *err)
{
    struct story_event ev = {EV_GROW, cluster_id, 0, seen, published};
    wc_status st;

    if ((st = add_event(ing, &ev, err)))
        return st;
    for (size_t i = 0; i < nabsorbed; i++) {
        struct story_event mv = {EV_MERGE, cluster_id, absorbed[i], 0, 0};
        if ((st = add_event(ing, &mv, err)))
            return st;
    }
    return WC_OK;
}

/* Dated before undated, then by date, then by the profile's hash (then the id: the same
   profile twice). */
static int cmp_pending(const void *a, const void *b)
{
    const struct story_pending *x = a, *y = b;
    bool xu = x->date == INT64_MIN, yu = y->date == INT64_MIN;

    if (xu != yu)
        return xu ? 1 : -1;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return (x->cluster_id > y->cluster_id) - (x->cluster_id < y->cluster_id);
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* Place p; absorbed: another cluster of the transaction absorbed it, and its row is gone (its
   story merges into the other's when the merge is replayed, as it would have had it been
   placed when it came). */
static wc_status place_one(wc_ingest *ing, const struct story_pending *p, bool absorbed,
                           wc_error *err)
{
    wc_story_placed pl;
    wc_status st;

    if ((st = wc_story_profile_unpack(ing->pend_buf.buf + p->off, p->len, &ing->pend_pr, err)) ||
        (st = wc_story_place(ing->stories, p->cluster_id, &ing->pend_pr, p->size, p->first, p->last,
                             &pl, err)))
        return st;
    if (!absorbed && (st = wc_store_set_cluster_story(ing->store, p->cluster_id, pl.story_id,
                                                      pl.similarity, err)))
        return st;
    pthread_mutex_lock(&ing->mu);
    ing->stats.story_clusters++;
    ing->stats.stories += pl.opened;
    ing->stats.story_candidates += pl.candidates;
    pthread_mutex_unlock(&ing->mu);
    return WC_OK;
}

static wc_status replay(wc_ingest *ing, const struct story_event *ev, wc_error *err)
{
    if (ev->kind == EV_GROW)
        return wc_story_grow(ing->stories, ev->cluster_id, ev->seen, ev->published, err);
    if (!wc_story_of(ing->stories, ev->from) || !wc_story_of(ing->stories, ev->cluster_id))
        return WC_OK; /* the absorbed cluster never had a story (made without stories) */
    return wc_story_merge_clusters(ing->stories, ev->from, ev->cluster_id, err);
}

wc_status ingest_story_settle(wc_ingest *ing, wc_error *err)
{
    wc_status st = WC_OK;
    int64_t *gone = NULL;
    size_t ngone = 0;

    if (!ing->stories)
        return WC_OK;
    /* the clusters the transaction's merges absorbed */
    for (size_t i = 0; i < ing->nev; i++)
        ngone += ing->ev[i].kind == EV_MERGE;
    if (ngone && !(gone = malloc(ngone * sizeof(*gone))))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory placing stories");
    ngone = 0;
    for (size_t i = 0; i < ing->nev; i++)
        if (ing->ev[i].kind == EV_MERGE)
            gone[ngone++] = ing->ev[i].from;
    wc_qsort(gone, ngone, sizeof(*gone), cmp_id);
    wc_qsort(ing->pend, ing->npend, sizeof(*ing->pend), cmp_pending);
    for (size_t i = 0; i < ing->npend && !st; i++)
        st = place_one(
            ing, &ing->pend[i],
            ngone && bsearch(&ing->pend[i].cluster_id, gone, ngone, sizeof(*gone), cmp_id), err);
    free(gone);
    for (size_t i = 0; i < ing->nev && !st; i++)
        st = replay(ing, &ing->ev[i], err);
    ingest_story_forget(ing);
    return st;
}

void ingest_story_forget(wc_ingest *ing)
{
    ing->npend = ing->nev = 0;
    ing->pend_sorted = true;
    wc_buf_reset(&ing->pend_buf);
}

void ingest_story_init(wc_ingest *ing)
{
    wc_buf_init(&ing->pend_buf, 2 * INGEST_PENDING_BYTES);
    wc_story_profile_init(&ing->pend_pr);
    ing->pend_sorted = true;
}

void ingest_story_release(wc_ingest *ing)
{
    free(ing->pend);
    free(ing->ev);
    ing->pend = NULL;
    ing->ev = NULL;
    ing->npend = ing->nev = ing->pend_cap = ing->ev_cap = 0;
    wc_buf_release(&ing->pend_buf);
    wc_story_profile_release(&ing->pend_pr);
}
