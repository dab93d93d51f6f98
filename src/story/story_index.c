/*
 * story_index.c - the story index (see story.h): copy clusters placed in
 * stories online, against per-story centroids, with candidates from an
 * inverted index of rare and entity terms inside a time window.
 *
 * Memory. Every story keeps a row (ids, counts, dates: ~100 bytes) and
 * every cluster a slot (its story and size: 24 bytes), so late members
 * and merges of closed stories still count. Only open stories keep a
 * centroid (at most 2x the per-kind term caps of a profile) and posting
 * entries; a sweep every SX_SWEEP placements closes the stories that
 * fell out of the window and frees what they held. Posting lists drop
 * closed stories when they are next compacted. The document frequencies
 * are a fixed 4 MiB count-min sketch.
 *
 * Determinism: everything depends only on the order of calls; ties are
 * broken by story id.
 */
#include "story_internal.h"

#include "wirecopy/story.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "story_index_internal.h"

/* --- small containers ---------------------------------------------------------------- */

bool sx_grow(void **p, size_t *cap, size_t need, size_t size, size_t *bytes)
{
    size_t c = *cap ? *cap : 16;
    void *v;

    if (need <= *cap)
        return true;
    while (c < need)
        c *= 2;
    if (!(v = realloc(*p, c * size)))
        return false;
    if (bytes)
        *bytes += (c - *cap) * size;
    *p = v;
    *cap = c;
    return true;
}

uint32_t sx_map_get(const struct sx_map *m, uint64_t key)
{
    size_t i;

    if (!m->mask)
        return SX_NONE;
    for (i = wc_mix64(key) & m->mask;; i = (i + 1) & m->mask) {
        if (m->key[i] == key)
            return m->val[i];
        if (!m->key[i])
            return SX_NONE;
    }
}

bool sx_map_put(struct sx_map *m, uint64_t key, uint32_t val, size_t *bytes)
{
    size_t i;

    if ((m->n + 1) * 4 > (m->mask + 1) * 3) {
        size_t cap = m->mask ? (m->mask + 1) * 2 : 1024, j;
        uint64_t *k = calloc(cap, sizeof(*k));
        uint32_t *v = malloc(cap * sizeof(*v));
        if (!k || !v) {
            free(k);
            free(v);
            return false;
        }
        for (j = 0; m->mask && j <= m->mask; j++) {
            if (!m->key[j])
                continue;
            for (i = wc_mix64(m->key[j]) & (cap - 1); k[i]; i = (i + 1) & (cap - 1))
                ;
            k[i] = m->key[j];
            v[i] = m->val[j];
        }
        *bytes += (cap - (m->mask ? m->mask + 1 : 0)) * (sizeof(*k) + sizeof(*v));
        free(m->key);
        free(m->val);
        m->key = k;
        m->val = v;
        m->mask = cap - 1;
    }
    for (i = wc_mix64(key) & m->mask; m->key[i] && m->key[i] != key; i = (i + 1) & m->mask)
        ;
    if (!m->key[i])
        m->n++;
    m->key[i] = key;
    m->val[i] = val;
    return true;
}

static void sx_map_free(struct sx_map *m)
{
    free(m->key);
    free(m->val);
    memset(m, 0, sizeof(*m));
}

/* --- document frequencies ------------------------------------------------------------ */

static uint32_t *cm_cell(wc_story_index *idx, uint64_t term, int row)
{
    uint64_t h = wc_mix64(term + 0x9e3779b97f4a7c15ull * (uint64_t)(row + 1));

    return &idx->cm[((size_t)row << SX_CM_BITS) | (h >> (64 - SX_CM_BITS))];
}

void sx_df_prefetch(wc_story_index *idx, uint64_t term)
{
    for (int r = 0; r < SX_CM_ROWS; r++)
        sx_prefetch(cm_cell(idx, term, r));
}

uint32_t sx_df_of(wc_story_index *idx, uint64_t term)
{
    uint32_t m = UINT32_MAX;

    for (int r = 0; r < SX_CM_ROWS; r++) {
        uint32_t c = *cm_cell(idx, term, r);
        if (c < m)
            m = c;
    }
    return m;
}

/* Conservative update: only the counters at the minimum grow. */
static void df_add(wc_story_index *idx, uint64_t term)
{
    uint32_t *c[SX_CM_ROWS], m = UINT32_MAX;
    int r;

    for (r = 0; r < SX_CM_ROWS; r++) {
        c[r] = cm_cell(idx, term, r);
        if (*c[r] < m)
            m = *c[r];
    }
    if (m == UINT32_MAX)
        return;
    for (r = 0; r < SX_CM_ROWS; r++)
        if (*c[r] == m)
            (*c[r])++;
}

double sx_idf(const wc_story_index *idx, uint32_t df)
{
    return log((double)(idx->ndocs + 1) / ((double)df + 1.0)) + 1.0;
}

void wc_story_count_df(wc_story_index *idx, const wc_story_profile *pr)
{
    for (int k = 0; k < WC_STORY_KINDS; k++) {
        const wc_story_vec *v = &pr->vec[k];
        for (uint32_t i = 0; i < v->n && i < SX_DF_AHEAD; i++)
            sx_df_prefetch(idx, v->term[i]);
        for (uint32_t i = 0; i < v->n; i++) {
            if (i + SX_DF_AHEAD < v->n)
                sx_df_prefetch(idx, v->term[i + SX_DF_AHEAD]);
            df_add(idx, v->term[i]);
        }
    }
    idx->ndocs++;
}

void wc_story_freeze_df(wc_story_index *idx)
{
    idx->df_frozen = true;
}

/* --- stories -------------------------------------------------------------------------- */

uint32_t sx_find(wc_story_index *idx, uint32_t s)
{
    uint32_t r = s;

    while (idx->story[r].fwd != SX_NONE)
        r = idx->story[r].fwd;
    while (idx->story[s].fwd != SX_NONE) { /* path compression */
        uint32_t next = idx->story[s].fwd;
        idx->story[s].fwd = r;
        s = next;
    }
    return r;
}

void sx_mark_dirty(wc_story_index *idx, uint32_t s)
{
    struct sx_story *st = &idx->story[s];

    st->touched = idx->clock;
    if (st->dirty)
        return;
    if (!sx_grow((void **)&idx->dirty, &idx->dirty_cap, idx->ndirty + 1, sizeof(*idx->dirty),
                 &idx->bytes))
        return; /* memory is short: the row is written at the next change (mark_dirty) */
    st->dirty = true;
    idx->dirty[idx->ndirty++] = s;
}

void sx_drop_vectors(wc_story_index *idx, struct sx_cluster *c)
{
    if (!c->vec)
        return;
    for (int k = 0; k < WC_STORY_KINDS; k++) {
        idx->bytes -= (size_t)c->vec[k].cap * (sizeof(uint64_t) + sizeof(float));
        free(c->vec[k].t);
        free(c->vec[k].w);
    }
    idx->bytes -= WC_STORY_KINDS * sizeof(*c->vec);
    free(c->vec);
    c->vec = NULL;
}

void sx_close_story(wc_story_index *idx, struct sx_story *st)
{
    if (!st->open)
        return;
    for (uint32_t i = 0; i < st->nmem; i++)
        sx_drop_vectors(idx, &idx->cl[st->mem[i]]);
    idx->bytes -= (size_t)st->mem_cap * sizeof(*st->mem);
    free(st->mem);
    st->mem = NULL;
    st->nmem = st->mem_cap = 0;
    for (int k = 0; k < WC_STORY_KINDS; k++) {
        idx->bytes -= (size_t)st->cen[k].cap * (sizeof(uint64_t) + sizeof(float));
        free(st->cen[k].t);
        free(st->cen[k].w);
        memset(&st->cen[k], 0, sizeof(st->cen[k]));
    }
    st->norm_n = 0;
    if (st->first == INT64_MIN)
        idx->open_undated--;
    st->open = false;
}

wc_status sx_new_story(wc_story_index *idx, int64_t id, uint32_t *out, wc_error *err)
{
    struct sx_story *st;

    if (sx_map_get(&idx->story_by_id, sx_map_key(id)) != SX_NONE)
        return wc_error_set(err, WC_ERR_USAGE, "story %lld is already known", (long long)id);
    if (idx->nstory >= SX_NONE - 1 ||
        !sx_grow((void **)&idx->story, &idx->story_cap, idx->nstory + 1, sizeof(*idx->story),
                 &idx->bytes) ||
        !sx_map_put(&idx->story_by_id, sx_map_key(id), (uint32_t)idx->nstory, &idx->bytes))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    st = &idx->story[idx->nstory];
    memset(st, 0, sizeof(*st));
    st->id = id;
    st->first = st->last = st->seen_first = st->seen_last = INT64_MIN;
    st->fwd = SX_NONE;
    *out = (uint32_t)idx->nstory++;
    return WC_OK;
}

void sx_widen(int64_t *lo, int64_t *hi, int64_t first, int64_t last)
{
    if (first != INT64_MIN && (*lo == INT64_MIN || first < *lo))
        *lo = first;
    if (last != INT64_MIN && (*hi == INT64_MIN || last > *hi))
        *hi = last;
}

void sx_widen_dates(struct sx_story *st, int64_t first, int64_t last)
{
    sx_widen(&st->first, &st->last, first, last);
}

/* Is a story dated [first, last] open at idx->now? */
bool wc_story_is_open(const wc_story_index *idx, int64_t first, int64_t last)
{
    (void)first;
    if (last == INT64_MIN || idx->now == INT64_MIN)
        return true; /* undated: the LRU cap decides */
    return last >= idx->now - 2 * idx->window;
}

/* The k-th largest (from 0) of v[0..n), k < n, v reordered: Hoare's selection. */
static float kth_largest(float *v, size_t n, size_t k)
{
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, want = (ptrdiff_t)k;

    while (lo < hi) {
        float pivot = v[lo + (hi - lo) / 2];
        ptrdiff_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] > pivot)
                i++;
            while (v[j] < pivot)
                j--;
            if (i <= j) {
                float t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        /* now v[lo..j] >= pivot >= v[i..hi], and v(j..i) == pivot */
        if (want <= j)
            hi = j;
        else if (want >= i)
            lo = i;
        else
            return pivot;
    }
    return v[want];
}

/*
 * Add v (a profile's raw weights, scaled to unit length) into a centroid,
 * keeping the heaviest cap terms. WC_ERR_NOMEM leaves it unchanged.
 */
wc_status sx_centroid_add(wc_story_index *idx, struct sx_vec *c, const wc_story_vec *v,
                          uint32_t cap, bool normalize)
{
    double len = 0, cut2 = 0;
    size_t n = 0, i = 0, j = 0;

    if (!v->n)
        return WC_OK;
    for (uint32_t k = 0; k < v->n && normalize; k++)
        len += (double)v->weight[k] * v->weight[k];
    len = normalize ? sqrt(len) : 1.0;
    if (len <= 0)
        return WC_OK;
    if (!sx_grow((void **)&idx->tmp_t, &idx->tmp_cap, c->n + v->n, sizeof(uint64_t), NULL))
        return WC_ERR_NOMEM;
    {
        float *w = realloc(idx->tmp_w, idx->tmp_cap * sizeof(float));
        if (!w)
            return WC_ERR_NOMEM;
        idx->tmp_w = w;
    }
    while (i < c->n || j < v->n) {
        if (j == v->n || (i < c->n && c->t[i] < v->term[j])) {
            idx->tmp_t[n] = c->t[i];
            idx->tmp_w[n++] = c->w[i++];
        } else if (i == c->n || v->term[j] < c->t[i]) {
            idx->tmp_t[n] = v->term[j];
            idx->tmp_w[n++] = (float)(v->weight[j++] / len);
        } else {
            idx->tmp_t[n] = c->t[i];
            idx->tmp_w[n++] = c->w[i++] + (float)(v->weight[j++] / len);
        }
    }
    if (n > cap) { /* keep the heaviest: the cut is the cap-th weight */
        float *sorted = malloc(n * sizeof(*sorted)), cut;
        size_t m = 0, ties;
        if (!sorted)
            return WC_ERR_NOMEM;
        memcpy(sorted, idx->tmp_w, n * sizeof(*sorted));
        cut = kth_largest(sorted, n, cap - 1);
        /* how many of the first cap places the cut's value takes: those ties are kept */
        ties = cap;
        for (size_t k = 0; k < n; k++)
            ties -= idx->tmp_w[k] > cut;
        free(sorted);
        for (size_t k = 0; k < n; k++) {
            if (idx->tmp_w[k] > cut || (idx->tmp_w[k] == cut && ties && ties--)) {
                idx->tmp_t[m] = idx->tmp_t[k];
                idx->tmp_w[m++] = idx->tmp_w[k];
            } else {
                cut2 += (double)idx->tmp_w[k] * idx->tmp_w[k];
            }
        }
        n = m;
    }
    if (n > c->cap) {
        size_t cc = c->cap;
        uint64_t *t = realloc(c->t, n * sizeof(*t));
        float *w;
        if (!t)
            return WC_ERR_NOMEM;
        c->t = t;
        if (!(w = realloc(c->w, n * sizeof(*w))))
            return WC_ERR_NOMEM;
        c->w = w;
        c->cap = (uint32_t)n;
        idx->bytes += (n - cc) * (sizeof(uint64_t) + sizeof(float));
    }
    memcpy(c->t, idx->tmp_t, n * sizeof(*c->t));
    memcpy(c->w, idx->tmp_w, n * sizeof(*c->w));
    c->n = (uint32_t)n;
    c->cut2 += cut2;
    return WC_OK;
}

static wc_status story_absorb_profile(wc_story_index *idx, uint32_t s, const wc_story_profile *pr)
{
    struct sx_story *st = &idx->story[s];
    wc_status rc;

    if (!st->open) {
        st->open = true;
        if (st->first == INT64_MIN)
            idx->open_undated++;
    }
    for (int k = 0; k < WC_STORY_KINDS; k++) {
        /* the profile's tf-idf vector as prepare_query made it, at unit length */
        wc_story_vec v = {pr->vec[k].term, idx->qw[k], pr->vec[k].n};
        if ((rc = sx_centroid_add(idx, &st->cen[k], &v,
                                  SX_CENTROID_FACTOR * wc_story_kind_cap((enum wc_story_kind)k),
                                  true)))
            return rc;
    }
    st->norm_n = 0;
    return WC_OK;
}

/* --- postings --------------------------------------------------------------------------- */

static wc_status sx_post_add(wc_story_index *idx, uint64_t term, uint32_t s)
{
    uint32_t p = sx_map_get(&idx->post_by_term, term);
    struct sx_posting *ps;

    if (p == SX_NONE) {
        if (!sx_grow((void **)&idx->post, &idx->post_cap, idx->npost + 1, sizeof(*idx->post),
                     &idx->bytes) ||
            !sx_map_put(&idx->post_by_term, term, (uint32_t)idx->npost, &idx->bytes))
            return WC_ERR_NOMEM;
        p = (uint32_t)idx->npost++;
        memset(&idx->post[p], 0, sizeof(idx->post[p]));
    }
    ps = &idx->post[p];
    if (ps->n && ps->v[ps->n - 1] == s)
        return WC_OK;
    if (ps->n == ps->cap &&
        ps->n >= 2 * ps->live + 16) { /* compact: drop closed, merged, repeats */
        uint32_t m = 0;
        for (uint32_t i = 0; i < ps->n; i++) {
            uint32_t r = sx_find(idx, ps->v[i]);
            if (idx->story[r].open && (!m || ps->v[m - 1] != r))
                ps->v[m++] = r;
        }
        ps->n = ps->live = m;
    }
    if (ps->n == ps->cap) {
        size_t cap = ps->cap;
        if (!sx_grow((void **)&ps->v, &cap, ps->n + 1, sizeof(*ps->v), &idx->bytes))
            return WC_ERR_NOMEM;
        ps->cap = (uint32_t)cap;
    }
    ps->v[ps->n++] = s;
    return WC_OK;
}

static int cmp_scored(const void *a, const void *b)
{
    const wc_story_candidate *x = a, *y = b;

    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->story_id > y->story_id) - (x->story_id < y->story_id);
}

static double sx_decide_score(const wc_story_weights *w, const double *x)
{
    double s = w->decide_bias;

    for (int i = 0; i < WC_SD_COUNT; i++)
        s += w->decide[i] * x[i];
    return s;
}

/* --- sweeping ------------------------------------------------------------------------------ */

static int cmp_touched(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;

    return (x[0] > y[0]) - (x[0] < y[0]);
}

static void sweep(wc_story_index *idx)
{
    size_t undated = 0;

    for (size_t s = 0; s < idx->nstory; s++) {
        struct sx_story *st = &idx->story[s];
        if (st->open && st->last != INT64_MIN && !wc_story_is_open(idx, st->first, st->last))
            sx_close_story(idx, st);
    }
    if (idx->open_undated <= WC_STORY_MAX_UNDATED + WC_STORY_MAX_UNDATED / 2)
        return;
    /* too many undated stories open: the least recently touched close */
    uint64_t(*order)[2] = malloc(idx->open_undated * sizeof(*order));
    if (!order)
        return; /* memory is short: the next sweep tries again */
    for (size_t s = 0; s < idx->nstory; s++) {
        struct sx_story *st = &idx->story[s];
        if (st->open && st->first == INT64_MIN && undated < idx->open_undated) {
            order[undated][0] = st->touched;
            order[undated++][1] = s;
        }
    }
    wc_qsort(order, undated, sizeof(*order), cmp_touched);
    for (size_t i = 0; i + WC_STORY_MAX_UNDATED < undated; i++)
        sx_close_story(idx, &idx->story[order[i][1]]);
    free(order);
}

/* --- the API ------------------------------------------------------------------------------- */

wc_status wc_story_index_new(const wc_story_index_opts *opts, wc_story_index **out, wc_error *err)
{
    wc_story_index *idx = calloc(1, sizeof(*idx));

    *out = NULL;
    if (!idx || !(idx->cm = calloc((size_t)SX_CM_ROWS << SX_CM_BITS, sizeof(*idx->cm)))) {
        free(idx);
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    }
    if (opts)
        idx->opts = *opts;
    idx->w = idx->opts.weights ? *idx->opts.weights : wc_story_fitted;
    idx->window = idx->opts.window > 0 ? idx->opts.window : WC_STORY_DEFAULT_WINDOW;
    idx->now = INT64_MIN;
    idx->bytes = sizeof(*idx) + ((size_t)SX_CM_ROWS << SX_CM_BITS) * sizeof(*idx->cm);
    *out = idx;
    return WC_OK;
}

void wc_story_index_free(wc_story_index *idx)
{
    if (!idx)
        return;
    for (size_t s = 0; s < idx->nstory; s++)
        sx_close_story(idx, &idx->story[s]);
    for (size_t p = 0; p < idx->npost; p++)
        free(idx->post[p].v);
    for (int k = 0; k < WC_STORY_KINDS; k++) {
        free(idx->qw[k]);
        free(idx->qdf[k]);
        free(idx->qh[k]);
    }
    free(idx->post);
    free(idx->story);
    free(idx->cl);
    sx_map_free(&idx->story_by_id);
    sx_map_free(&idx->cl_by_id);
    sx_map_free(&idx->post_by_term);
    free(idx->cm);
    free(idx->dirty);
    free(idx->moved);
    free(idx->cand);
    free(idx->scored);
    free(idx->tmp_t);
    free(idx->tmp_w);
    free(idx);
}

wc_status sx_add_cluster(wc_story_index *idx, int64_t id, int64_t size, uint32_t s, wc_error *err)
{
    if (sx_map_get(&idx->cl_by_id, sx_map_key(id)) != SX_NONE)
        return wc_error_set(err, WC_ERR_USAGE, "cluster %lld already has a story", (long long)id);
    if (idx->ncl >= SX_NONE - 1 ||
        !sx_grow((void **)&idx->cl, &idx->cl_cap, idx->ncl + 1, sizeof(*idx->cl), &idx->bytes) ||
        !sx_map_put(&idx->cl_by_id, sx_map_key(id), (uint32_t)idx->ncl, &idx->bytes))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    memset(&idx->cl[idx->ncl], 0, sizeof(idx->cl[idx->ncl]));
    idx->cl[idx->ncl].id = id;
    idx->cl[idx->ncl].size = size;
    idx->cl[idx->ncl].date = idx->cl[idx->ncl].seen_first = idx->cl[idx->ncl].seen_last = INT64_MIN;
    idx->cl[idx->ncl++].story = s;
    return WC_OK;
}

/*
 * Keep cluster slot c's vectors (the query's, as sx_prepare_query made
 * them, at unit length) as a member of story s, for splitting. Memory
 * short: it is not kept, and only splitting misses it.
 */
static void keep_vectors(wc_story_index *idx, uint32_t c, const wc_story_profile *pr, uint32_t s)
{
    struct sx_story *st = &idx->story[s];
    struct sx_cluster *cl = &idx->cl[c];
    size_t cap = st->mem_cap;

    if (!sx_grow((void **)&st->mem, &cap, st->nmem + 1, sizeof(*st->mem), &idx->bytes))
        return;
    st->mem_cap = (uint32_t)cap;
    if (!(cl->vec = calloc(WC_STORY_KINDS, sizeof(*cl->vec))))
        return;
    idx->bytes += WC_STORY_KINDS * sizeof(*cl->vec);
    for (int k = 0; k < WC_STORY_KINDS; k++) {
        wc_story_vec v = {pr->vec[k].term, idx->qw[k], pr->vec[k].n};
        if (sx_centroid_add(idx, &cl->vec[k], &v, UINT32_MAX, true)) {
            sx_drop_vectors(idx, cl);
            return;
        }
    }
    st->mem[st->nmem++] = c;
}

/* The cluster's index terms go to story s's postings. */
wc_status sx_post_keys(wc_story_index *idx, const struct key *keys, size_t n, uint32_t s)
{
    for (size_t k = 0; k < n; k++)
        if (sx_post_add(idx, keys[k].term, s))
            return WC_ERR_NOMEM;
    return WC_OK;
}

wc_status wc_story_place(wc_story_index *idx, int64_t cluster_id, const wc_story_profile *pr,
                         int64_t size, int64_t first, int64_t last, wc_story_placed *out,
                         wc_error *err)
{
    struct key keys[SX_MAX_KEYS];
    double qnorm[WC_STORY_KINDS], x[WC_SD_COUNT];
    struct cand_order *co = NULL;
    size_t nkeys, ncand = 0;
    int64_t t = pr->date;
    bool join = false;
    uint32_t s;
    wc_status st;

    memset(out, 0, sizeof(*out));
    if (sx_map_get(&idx->cl_by_id, sx_map_key(cluster_id)) != SX_NONE)
        return wc_error_set(err, WC_ERR_USAGE, "cluster %lld already has a story",
                            (long long)cluster_id);
    if (sx_prepare_query(idx, pr, qnorm, false))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    nkeys = sx_query_keys(idx, pr, keys);
    if (sx_collect(idx, keys, nkeys, t, &co, &ncand)) {
        free(co);
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    }
    if (!sx_grow((void **)&idx->scored, &idx->scored_cap, ncand + 1, sizeof(*idx->scored),
                 &idx->bytes)) {
        free(co);
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    }
    for (size_t c = 0; c < ncand; c++) {
        wc_story_candidate *sc = &idx->scored[c];
        sc->story_id = idx->story[co[c].s].id;
        sx_features(idx, pr, qnorm, &idx->story[co[c].s], t, sc->f);
        sc->score = sx_pair_score(&idx->w, sc->f);
    }
    free(co);
    wc_qsort(idx->scored, ncand, sizeof(*idx->scored), cmp_scored);
    memset(x, 0, sizeof(x));
    if (ncand) {
        uint32_t b = sx_map_get(&idx->story_by_id, sx_map_key(idx->scored[0].story_id));
        x[WC_SD_SCORE] = idx->scored[0].score;
        x[WC_SD_MARGIN] = ncand > 1 ? idx->scored[0].score - idx->scored[1].score
                                    : idx->scored[0].score - idx->w.pair_bias;
        x[WC_SD_LOGSIZE] = log1p((double)idx->story[b].clusters);
        x[WC_SD_DATED] = idx->scored[0].f[WC_SF_DATED];
        join = sx_decide_score(&idx->w, x) > 0 &&
               sx_content_score(&idx->w, idx->scored[0].f) > idx->w.content_floor;
    }
    idx->candidates += ncand;
    out->candidates = ncand;
    if (join) {
        s = sx_map_get(&idx->story_by_id, sx_map_key(idx->scored[0].story_id));
        out->similarity = sx_sigmoid(idx->scored[0].score);
    } else {
        if ((st = sx_new_story(idx, cluster_id, &s, err)))
            return st;
        out->opened = true;
        out->similarity = 1.0;
    }
    if ((st = sx_add_cluster(idx, cluster_id, size, s, err)))
        return st;
    idx->cl[idx->ncl - 1].date = t;
    idx->cl[idx->ncl - 1].seen_first = first;
    idx->cl[idx->ncl - 1].seen_last = last;
    {
        struct sx_story *sp = &idx->story[s];
        bool was_undated_open = sp->open && sp->first == INT64_MIN;
        sp->clusters++;
        sp->size += size;
        sx_widen_dates(sp, t, t);
        sx_widen(&sp->seen_first, &sp->seen_last, first, last);
        if (was_undated_open && sp->first != INT64_MIN)
            idx->open_undated--; /* it is dated now: the window decides */
    }
    if (story_absorb_profile(idx, s, pr) || sx_post_keys(idx, keys, nkeys, s))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    keep_vectors(idx, (uint32_t)idx->ncl - 1, pr, s);
    sx_mark_dirty(idx, s);
    if (join && (st = sx_maybe_split(idx, s)))
        return wc_error_set(err, st, "out of memory");
    if (!idx->df_frozen)
        wc_story_count_df(idx, pr);
    if (t != INT64_MIN && (idx->now == INT64_MIN || t > idx->now))
        idx->now = t;
    out->story_id = idx->story[s].id;
    if (idx->opts.on_trace) {
        wc_story_trace tr = {cluster_id, t, idx->scored, ncand, {0}, join, out->story_id};
        memcpy(tr.x, x, sizeof(x));
        idx->opts.on_trace(idx->opts.trace_ctx, &tr);
    }
    if (++idx->since_sweep >= SX_SWEEP) {
        /* repair before the sweep closes stories: a closed story is never repaired, and in a
           long ingest most stories close before its last flush */
        uint64_t merged;
        idx->since_sweep = 0;
        if (wc_story_repair(idx, &merged, err))
            return err->code;
        idx->repaired += merged;
        sweep(idx);
    }
    return WC_OK;
}

static uint32_t cluster_story(wc_story_index *idx, int64_t cluster_id, uint32_t *ci)
{
    uint32_t c = sx_map_get(&idx->cl_by_id, sx_map_key(cluster_id));

    if (ci)
        *ci = c;
    if (c == SX_NONE)
        return SX_NONE;
    return idx->cl[c].story = sx_find(idx, idx->cl[c].story);
}

wc_status wc_story_grow(wc_story_index *idx, int64_t cluster_id, int64_t seen, int64_t published,
                        wc_error *err)
{
    uint32_t c, s = cluster_story(idx, cluster_id, &c);

    if (s == SX_NONE)
        return wc_error_set(err, WC_ERR_NOTFOUND, "cluster %lld has no story",
                            (long long)cluster_id);
    idx->cl[c].size++;
    idx->story[s].size++;
    {
        struct sx_story *sp = &idx->story[s];
        bool was_undated_open = sp->open && sp->first == INT64_MIN;
        sx_widen_dates(sp, published, published);
        sx_widen(&sp->seen_first, &sp->seen_last, seen, seen);
        if (was_undated_open && sp->first != INT64_MIN)
            idx->open_undated--;
    }
    sx_mark_dirty(idx, s);
    return WC_OK;
}

/* Story b merges into story a. */
void sx_merge_stories(wc_story_index *idx, uint32_t a, uint32_t b)
{
    struct sx_story *sa = &idx->story[a], *sb = &idx->story[b];
    bool a_undated_open = sa->open && sa->first == INT64_MIN;

    sa->clusters += sb->clusters;
    sa->size += sb->size;
    sx_widen_dates(sa, sb->first, sb->last);
    sx_widen(&sa->seen_first, &sa->seen_last, sb->seen_first, sb->seen_last);
    if (a_undated_open && sa->first != INT64_MIN)
        idx->open_undated--;
    if (sa->open && sb->open) {
        for (int k = 0; k < WC_STORY_KINDS; k++) {
            wc_story_vec v = {sb->cen[k].t, sb->cen[k].w, sb->cen[k].n};
            double b2 = sb->cen[k].cut2;
            /* a failure keeps a's centroid as it was: a's score drifts, nothing is lost; all
               of b then counts as cut */
            if (sx_centroid_add(idx, &sa->cen[k], &v,
                                SX_CENTROID_FACTOR * wc_story_kind_cap((enum wc_story_kind)k),
                                false))
                for (uint32_t i = 0; i < v.n; i++)
                    b2 += (double)v.weight[i] * v.weight[i];
            sa->cen[k].cut2 += b2;
        }
        sa->norm_n = 0;
    }
    if (sa->open && sb->open && sb->nmem) { /* b's members are a's */
        size_t cap = sa->mem_cap;
        if (sx_grow((void **)&sa->mem, &cap, sa->nmem + sb->nmem, sizeof(*sa->mem), &idx->bytes)) {
            sa->mem_cap = (uint32_t)cap;
            memcpy(sa->mem + sa->nmem, sb->mem, sb->nmem * sizeof(*sb->mem));
            sa->nmem += sb->nmem;
            sb->nmem = 0; /* moved: closing b must not free them */
        }
    }
    sx_close_story(idx, sb);
    sb->clusters = sb->size = 0;
    sb->merged_into = sa->id;
    sb->fwd = a;
    sx_mark_dirty(idx, a);
    sx_mark_dirty(idx, b);
}

wc_status wc_story_merge_clusters(wc_story_index *idx, int64_t from, int64_t into, wc_error *err)
{
    uint32_t cf, ci, sf = cluster_story(idx, from, &cf), si = cluster_story(idx, into, &ci);

    if (sf == SX_NONE || si == SX_NONE)
        return wc_error_set(err, WC_ERR_NOTFOUND, "cluster %lld has no story",
                            (long long)(sf == SX_NONE ? from : into));
    if (sf != si)
        sx_merge_stories(idx, si, sf);
    /* from's documents are into's now; its slot stays, with no documents, for later lookups */
    idx->cl[ci].size += idx->cl[cf].size;
    idx->cl[cf].size = 0;
    idx->cl[cf].dead = true;
    sx_drop_vectors(idx, &idx->cl[cf]);
    idx->story[si].clusters--;
    sx_mark_dirty(idx, si);
    return WC_OK;
}

wc_status wc_story_load_story(wc_story_index *idx, const wc_story_row_info *row, wc_error *err)
{
    uint32_t s;
    wc_status st = sx_new_story(idx, row->id, &s, err);

    if (st)
        return st;
    idx->story[s].clusters = row->clusters;
    idx->story[s].size = row->size;
    idx->story[s].first = idx->story[s].seen_first = row->first_seen;
    idx->story[s].last = idx->story[s].seen_last = row->last_seen;
    if (row->last_seen != INT64_MIN && (idx->now == INT64_MIN || row->last_seen > idx->now))
        idx->now = row->last_seen;
    return WC_OK;
}

wc_status wc_story_load_cluster(wc_story_index *idx, int64_t cluster_id, int64_t story_id,
                                int64_t size, const wc_story_profile *pr, wc_error *err)
{
    uint32_t s = sx_map_get(&idx->story_by_id, sx_map_key(story_id));
    struct key keys[SX_MAX_KEYS];
    double qnorm[WC_STORY_KINDS];
    wc_status st;

    if (s == SX_NONE)
        return wc_error_set(err, WC_ERR_CORRUPT, "cluster %lld is in story %lld, which has no row",
                            (long long)cluster_id, (long long)story_id);
    if ((st = sx_add_cluster(idx, cluster_id, size, s, err)))
        return st;
    if (!pr)
        return WC_OK;
    idx->cl[idx->ncl - 1].date = pr->date;
    /* a closed story keeps no centroid: its clusters only count */
    if (!wc_story_is_open(idx, idx->story[s].first, idx->story[s].last))
        return WC_OK;
    if (sx_prepare_query(idx, pr, qnorm, false))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    idx->clock++;
    if (story_absorb_profile(idx, s, pr) ||
        sx_post_keys(idx, keys, sx_query_keys(idx, pr, keys), s))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    keep_vectors(idx, (uint32_t)idx->ncl - 1, pr, s);
    idx->story[s].touched = idx->clock;
    return WC_OK;
}

void wc_story_loaded(wc_story_index *idx)
{
    idx->repair_clock = idx->clock + 1;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

wc_status wc_story_take_dirty(wc_story_index *idx, wc_story_row_fn fn, void *ctx)
{
    wc_status st = WC_OK;
    size_t i;

    if (!idx->ndirty)
        return WC_OK;
    wc_qsort(idx->dirty, idx->ndirty, sizeof(*idx->dirty), cmp_u32); /* creation order */
    for (i = 0; i < idx->ndirty; i++) {
        struct sx_story *sp = &idx->story[idx->dirty[i]];
        wc_story_row_info row = {sp->id,        sp->clusters,
                                 sp->size,      sp->seen_first,
                                 sp->seen_last, sp->fwd != SX_NONE ? sp->merged_into : 0};
        if (row.merged_into)
            row.merged_into = idx->story[sx_find(idx, idx->dirty[i])].id;
        if ((st = fn(ctx, &row)))
            break;
        sp->dirty = false;
    }
    if (i < idx->ndirty) { /* keep what was not written */
        memmove(idx->dirty, idx->dirty + i, (idx->ndirty - i) * sizeof(*idx->dirty));
        idx->ndirty -= i;
        return st;
    }
    idx->ndirty = 0;
    return WC_OK;
}

wc_status wc_story_take_moved(wc_story_index *idx, wc_story_link_fn fn, void *ctx)
{
    size_t i;
    wc_status st = WC_OK;

    for (i = 0; i < idx->nmoved; i++) {
        const struct sx_moved *mv = &idx->moved[i];
        uint32_t c = sx_map_get(&idx->cl_by_id, sx_map_key(mv->cluster_id));
        /* the cluster's story now (it may have merged on since) */
        int64_t now = wc_story_of(idx, mv->cluster_id);
        if (c != SX_NONE && idx->cl[c].dead)
            continue; /* absorbed since: its documents went with into's link */
        if ((st = fn(ctx, mv->cluster_id, now ? now : mv->story_id, mv->similarity)))
            break;
    }
    if (i && i < idx->nmoved)
        memmove(idx->moved, idx->moved + i, (idx->nmoved - i) * sizeof(*idx->moved));
    idx->nmoved -= i;
    return st;
}

int64_t wc_story_of(const wc_story_index *idx, int64_t cluster_id)
{
    uint32_t c = sx_map_get(&idx->cl_by_id, sx_map_key(cluster_id)), s;

    if (c == SX_NONE)
        return 0;
    s = idx->cl[c].story;
    while (idx->story[s].fwd != SX_NONE)
        s = idx->story[s].fwd;
    return idx->story[s].id;
}

void wc_story_index_get_stats(const wc_story_index *idx, wc_story_index_stats *out)
{
    size_t open = 0, stories = 0, multi = 0;

    for (size_t s = 0; s < idx->nstory; s++) {
        open += idx->story[s].open;
        stories += idx->story[s].fwd == SX_NONE && idx->story[s].clusters > 0;
        multi += idx->story[s].fwd == SX_NONE && idx->story[s].clusters > 1;
    }
    out->stories = stories;
    out->multi = multi;
    out->repaired = idx->repaired;
    out->splits = idx->splits;
    out->open = open;
    out->clusters = idx->ncl;
    out->candidates = idx->candidates;
    out->bytes = idx->bytes;
}
