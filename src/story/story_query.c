/*
 * story_query.c - one placement's query against the story index (story_index.c): the
 * profile's idf-weighted vectors, its index keys, the candidate stories that share them
 * inside the window, and the pair features of a candidate (the per-kind cosines against the
 * story's centroid, the time term).
 */
#include "story_internal.h"

#include "wirecopy/story.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "story_index_internal.h"

static int cmp_key(const void *a, const void *b)
{
    const struct key *x = a, *y = b;

    if (x->w != y->w)
        return x->w < y->w ? 1 : -1;
    return (x->term > y->term) - (x->term < y->term);
}

static size_t sx_slot(uint64_t term, size_t mask)
{
    return (size_t)(term >> 17) & mask; /* terms are xxh3: any bits are mixed */
}

/* The probe table of the query's terms of kind k. */
static wc_status query_hash(wc_story_index *idx, int k, const wc_story_vec *v)
{
    uint8_t bits = 4;
    size_t mask;

    while (((size_t)1 << bits) < 4 * (size_t)v->n)
        bits++;
    if (bits > idx->qbits[k] || !idx->qh[k]) {
        uint32_t *h = realloc(idx->qh[k], ((size_t)1 << bits) * sizeof(*h));
        if (!h)
            return WC_ERR_NOMEM;
        idx->qh[k] = h;
    } else {
        bits = idx->qbits[k]; /* keep the larger table: clearing it is cheap */
    }
    idx->qbits[k] = bits;
    mask = ((size_t)1 << bits) - 1;
    memset(idx->qh[k], 0, (mask + 1) * sizeof(*idx->qh[k]));
    for (uint32_t i = 0; i < v->n; i++) {
        size_t h = sx_slot(v->term[i], mask);
        while (idx->qh[k][h])
            h = (h + 1) & mask;
        idx->qh[k][h] = i + 1;
    }
    return WC_OK;
}

/* The query's idf-weighted vectors (weighted: as they are) and their norms; each term's df is
   kept for sx_query_keys. */
wc_status sx_prepare_query(wc_story_index *idx, const wc_story_profile *pr, double *qnorm,
                           bool weighted)
{
    for (int k = 0; k < WC_STORY_KINDS; k++) {
        const wc_story_vec *v = &pr->vec[k];
        double n2 = 0;
        if (v->n > idx->q_cap[k]) {
            float *a = realloc(idx->qw[k], v->n * sizeof(*a));
            uint32_t *b;
            if (!a)
                return WC_ERR_NOMEM;
            idx->qw[k] = a;
            if (!(b = realloc(idx->qdf[k], v->n * sizeof(*b))))
                return WC_ERR_NOMEM;
            idx->qdf[k] = b;
            idx->q_cap[k] = v->n;
        }
        for (uint32_t i = 0; i < v->n && i < SX_DF_AHEAD; i++)
            sx_df_prefetch(idx, v->term[i]);
        for (uint32_t i = 0; i < v->n; i++) {
            uint32_t df;
            if (i + SX_DF_AHEAD < v->n)
                sx_df_prefetch(idx, v->term[i + SX_DF_AHEAD]);
            df = sx_df_of(idx, v->term[i]);
            double f = weighted ? 1.0 : sx_idf(idx, df);
            idx->qdf[k][i] = df;
            idx->qw[k][i] = (float)(v->weight[i] * f);
            n2 += (double)idx->qw[k][i] * idx->qw[k][i];
        }
        qnorm[k] = sqrt(n2);
        if (query_hash(idx, k, v))
            return WC_ERR_NOMEM;
    }
    return WC_OK;
}

/* keys[0..m) is in cmp_key order but for its last: move that one up to its place. */
static void key_settle(struct key *keys, size_t m)
{
    struct key k = keys[m - 1];
    size_t i = m - 1;

    for (; i > 0 && cmp_key(&keys[i - 1], &k) > 0; i--)
        keys[i] = keys[i - 1];
    keys[i] = k;
}

/* The query's index terms: its heaviest entities, title words, body words and numbers (after
   sx_prepare_query). */
size_t sx_query_keys(wc_story_index *idx, const wc_story_profile *pr, struct key *keys)
{
    static const int kinds[] = {WC_STORY_ENTITY, WC_STORY_TITLE, WC_STORY_BODY, WC_STORY_NUMBER};
    static const size_t quota[] = {SX_KEYS_ENTITY, SX_KEYS_TITLE, SX_KEYS_BODY, SX_KEYS_NUMBER};
    double common = SX_COMMON_SHARE * (double)idx->ndocs;
    size_t n = 0;

    if (common < SX_COMMON_MIN)
        common = SX_COMMON_MIN;
    for (size_t q = 0; q < WC_ARRAY_SIZE(kinds); q++) {
        const wc_story_vec *v = &pr->vec[kinds[q]];
        struct key *kq = keys + n;
        size_t m = 0;
        /* the quota's heaviest of the terms not too common, kept in cmp_key order */
        for (uint32_t i = 0; i < v->n; i++) {
            struct key k = {v->term[i], idx->qw[kinds[q]][i]};
            if (m == quota[q] && !(k.w > kq[m - 1].w))
                continue; /* no heavier than the lightest kept */
            if ((double)idx->qdf[kinds[q]][i] > common)
                continue;
            if (m < quota[q])
                m++;
            kq[m - 1] = k;
            key_settle(kq, m);
        }
        n += m;
    }
    return n;
}

static int64_t sx_gap_of(int64_t t, int64_t first, int64_t last)
{
    if (t < first)
        return first - t;
    if (t > last)
        return t - last;
    return 0;
}

/* Can a cluster dated t join story st? (undated: always, while the story is open) Not when
   the story would then span more than SX_MAX_SPAN windows of dates. */
static bool sx_in_window(const wc_story_index *idx, const struct sx_story *st, int64_t t)
{
    if (!st->open)
        return false;
    if (t == INT64_MIN || st->last == INT64_MIN)
        return true;
    if (!sx_span_ok(idx, st->first, st->last, t, t))
        return false; /* it would span too long: a kind whose events come daily would chain */
    return sx_gap_of(t, st->first, st->last) <= idx->window;
}

static int cmp_cand(const void *a, const void *b)
{
    const struct cand_order *x = a, *y = b;

    if (x->hits != y->hits)
        return x->hits < y->hits ? 1 : -1;
    return (x->id > y->id) - (x->id < y->id);
}

/* The stories sharing a key with the query, in the window, most shared first (capped). */
wc_status sx_collect(wc_story_index *idx, const struct key *keys, size_t nkeys, int64_t t,
                     struct cand_order **out, size_t *nout)
{
    size_t n = 0;
    struct cand_order *co;

    uint32_t post[SX_MAX_KEYS];

    idx->clock++;
    /* the keys' postings first, their newest entries loading while the others are found:
       each step is a cache miss, and a query has dozens of keys */
    for (size_t k = 0; k < nkeys; k++) {
        post[k] = sx_map_get(&idx->post_by_term, keys[k].term);
        sx_prefetch(post[k] == SX_NONE ? NULL : &idx->post[post[k]]);
    }
    for (size_t k = 0; k < nkeys; k++)
        if (post[k] != SX_NONE && idx->post[post[k]].n)
            sx_prefetch(&idx->post[post[k]].v[idx->post[post[k]].n - 1]);
    for (size_t k = 0; k < nkeys; k++) {
        uint32_t p = post[k], seen = 0;
        const struct sx_posting *ps;
        if (p == SX_NONE)
            continue;
        ps = &idx->post[p];
        for (uint32_t i = ps->n; i-- > 0 && seen < SX_POSTING_SCAN; seen++) {
            uint32_t s = sx_find(idx, ps->v[i]);
            struct sx_story *st = &idx->story[s];
            if (st->mark == idx->clock) {
                if (st->key != k) { /* each key counts a story once */
                    st->key = (uint32_t)k;
                    st->hits++;
                }
                continue;
            }
            if (!sx_in_window(idx, st, t))
                continue;
            if (!sx_grow((void **)&idx->cand, &idx->cand_cap, n + 1, sizeof(*idx->cand),
                         &idx->bytes))
                return WC_ERR_NOMEM;
            st->mark = idx->clock;
            st->key = (uint32_t)k;
            st->hits = 1;
            idx->cand[n++] = s;
        }
    }
    co = malloc(WC_STORY_MAX_CANDIDATES * sizeof(*co));
    if (!co)
        return WC_ERR_NOMEM;
    /* the first WC_STORY_MAX_CANDIDATES in cmp_cand order, by insertion */
    for (size_t c = 0, m = 0; c < n; c++) {
        struct cand_order x = {idx->cand[c], idx->story[idx->cand[c]].hits,
                               idx->story[idx->cand[c]].id};
        size_t i;
        if (m == WC_STORY_MAX_CANDIDATES && cmp_cand(&co[m - 1], &x) < 0)
            continue;
        if (m < WC_STORY_MAX_CANDIDATES)
            m++;
        for (i = m - 1; i > 0 && cmp_cand(&co[i - 1], &x) > 0; i--)
            co[i] = co[i - 1];
        co[i] = x;
    }
    *out = co;
    *nout = n < WC_STORY_MAX_CANDIDATES ? n : WC_STORY_MAX_CANDIDATES;
    return WC_OK;
}

/* The story centroid's norms (made again after it changed). */
static void sx_story_norms(struct sx_story *st)
{
    if (st->norm_n)
        return;
    for (int k = 0; k < WC_STORY_KINDS; k++) {
        double n2 = st->cen[k].cut2;
        for (uint32_t i = 0; i < st->cen[k].n; i++)
            n2 += (double)st->cen[k].w[i] * st->cen[k].w[i];
        st->norm[k] = sqrt(n2);
    }
    st->norm_n = 1;
}

/* The cosine of the query's vector of kind k (sx_prepare_query made its table) and the
   story's centroid. */
static double sx_cosine(const wc_story_index *idx, int k, const wc_story_vec *q, double qnorm,
                        const struct sx_story *st)
{
    const struct sx_vec *c = &st->cen[k];
    const uint32_t *qh = idx->qh[k];
    const float *qw = idx->qw[k];
    size_t mask = ((size_t)1 << idx->qbits[k]) - 1;
    double dot = 0, top = 0, cnorm = st->norm[k];

    if (qnorm <= 0 || cnorm <= 0)
        return 0;
    /* the centroid in order, each term looked up in the query's table (which stays in the
       first cache): the lookups do not wait on each other, as the steps of a merge do. Both
       are sorted by term, so the shared terms are summed in the query's order either way. */
    for (uint32_t j = 0; j < c->n; j++) {
        uint32_t e;
        for (size_t h = sx_slot(c->t[j], mask); (e = qh[h]); h = (h + 1) & mask) {
            if (q->term[e - 1] == c->t[j]) {
                double v = (double)qw[e - 1] * c->w[j];
                dot += v;
                if (v > top)
                    top = v;
                break;
            }
        }
    }
    /* names: without the one that weighs most, for one name in common (a place, a company
       in the news) is not one story, and a story of many events keeps little else */
    if (k == WC_STORY_ENTITY)
        dot -= top;
    dot /= qnorm * cnorm;
    return dot > 1 ? 1 : dot;
}

void sx_features(wc_story_index *idx, const wc_story_profile *pr, const double *qnorm,
                 struct sx_story *st, int64_t t, double *f)
{
    bool all = idx->opts.on_trace != NULL; /* a trace shows every feature, for fitting */

    sx_story_norms(st);
    for (int k = 0; k < WC_STORY_KINDS; k++) {
        bool used = idx->w.pair[k] != 0 ||
                    ((k == WC_SF_ENTITY || k == WC_SF_BODY) && idx->w.pair[WC_SF_ENTBODY] != 0);
        f[k] = all || used ? sx_cosine(idx, k, &pr->vec[k], qnorm[k], st) : 0;
    }
    if (t != INT64_MIN && st->last != INT64_MIN) {
        /* from the story's latest days: a story that runs for weeks is near in time only to
           what is near its latest news, or it draws in every event of its kind */
        int64_t from = st->last - st->first > SX_TIME_SCALE ? st->last - SX_TIME_SCALE : st->first;
        f[WC_SF_TIME] = exp(-(double)sx_gap_of(t, from, st->last) / SX_TIME_SCALE);
        f[WC_SF_DATED] = 1;
    } else {
        f[WC_SF_TIME] = 0;
        f[WC_SF_DATED] = 0;
    }
    f[WC_SF_ENTBODY] = f[WC_SF_ENTITY] * f[WC_SF_BODY];
    f[WC_SF_YEARS] = pr->vec[WC_STORY_YEAR].n && st->cen[WC_STORY_YEAR].n ? 1 : 0;
}
