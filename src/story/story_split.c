/*
 * story_split.c - repairs of the story index (story.h): stories that
 * arrival order split are merged (wc_story_repair), stories that grew
 * to hold two events are split.
 */
#include "story_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "story_index_internal.h"

/* --- repair: stories that arrival order split ---------------------------------------- */

double sx_pair_score(const wc_story_weights *w, const double *f)
{
    double s = w->pair_bias;

    for (int i = 0; i < WC_SF_COUNT; i++)
        s += w->pair[i] * f[i];
    return s;
}

double sx_sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

double sx_content_score(const wc_story_weights *w, const double *f)
{
    return sx_pair_score(w, f) - w->pair[WC_SF_TIME] * f[WC_SF_TIME] -
           w->pair[WC_SF_DATED] * f[WC_SF_DATED];
}

/* Score story b against story a, centroid to centroid (a as the query, prepared); -inf when
   the content alone is below the floor. */
static double story_pair(wc_story_index *idx, const wc_story_profile *qa, const double *qnorm,
                         struct sx_story *b)
{
    double f[WC_SF_COUNT];

    sx_features(idx, qa, qnorm, b, qa->date, f);
    if (sx_content_score(&idx->w, f) <= idx->w.content_floor)
        return -HUGE_VAL;
    return sx_pair_score(&idx->w, f);
}

/* One round: the stories changed at or after clock `from` query their candidates. */
static wc_status repair_round(wc_story_index *idx, uint64_t from, uint64_t *merged)
{
    struct key keys[SX_MAX_KEYS];
    double qnorm[WC_STORY_KINDS];
    wc_story_profile q;

    for (size_t s = 0; s < idx->nstory; s++) {
        struct sx_story *sa = &idx->story[s];
        struct cand_order *co = NULL;
        size_t ncand = 0, nkeys;
        double best = idx->w.merge_bias;
        uint32_t pick = SX_NONE;
        if (!sa->open || sa->fwd != SX_NONE || sa->touched < from)
            continue; /* closed, gone, or unchanged since the last repair (round) */
        memset(&q, 0, sizeof(q));
        q.date = sa->first == INT64_MIN ? INT64_MIN : sa->first + (sa->last - sa->first) / 2;
        for (int k = 0; k < WC_STORY_KINDS; k++) {
            q.vec[k].term = sa->cen[k].t;
            q.vec[k].weight = sa->cen[k].w;
            q.vec[k].n = sa->cen[k].n;
        }
        if (sx_prepare_query(idx, &q, qnorm, true))
            return WC_ERR_NOMEM;
        for (int k = 0; k < WC_STORY_KINDS; k++) /* what its centroid cut counts too */
            qnorm[k] = sqrt(qnorm[k] * qnorm[k] + sa->cen[k].cut2);
        nkeys = sx_query_keys(idx, &q, keys);
        if (sx_collect(idx, keys, nkeys, q.date, &co, &ncand)) {
            free(co);
            return WC_ERR_NOMEM;
        }
        for (size_t c = 0; c < ncand; c++) {
            double sc;
            if (co[c].s == s)
                continue;
            if (sa->first != INT64_MIN && idx->story[co[c].s].first != INT64_MIN &&
                !sx_span_ok(idx, sa->first, sa->last, idx->story[co[c].s].first,
                            idx->story[co[c].s].last))
                continue; /* the merge would span too long (SX_MAX_SPAN) */
            sc = story_pair(idx, &q, qnorm, &idx->story[co[c].s]);
            if (sc > best || (sc == best && pick != SX_NONE && co[c].id < idx->story[pick].id)) {
                best = sc;
                pick = co[c].s;
            }
        }
        free(co);
        if (pick == SX_NONE)
            continue;
        {
            struct sx_story *sb = &idx->story[pick];
            bool a_keeps =
                sa->clusters > sb->clusters || (sa->clusters == sb->clusters && sa->id < sb->id);
            if (a_keeps)
                sx_merge_stories(idx, (uint32_t)s, pick);
            else
                sx_merge_stories(idx, pick, (uint32_t)s);
            (*merged)++;
        }
    }
    return WC_OK;
}

wc_status wc_story_repair(wc_story_index *idx, uint64_t *merged, wc_error *err)
{
    uint64_t since = idx->clock, from = idx->repair_clock;

    /* Later rounds query only the stories the round before merged: a story nothing merged
       into has the same candidates and scores as before, except against the merged ones,
       and those query it themselves. */
    *merged = 0;
    for (int round = 0; round < 4; round++) {
        uint64_t before = *merged, start = idx->clock + 1;
        if (repair_round(idx, from, merged))
            return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
        if (*merged == before)
            break;
        from = start;
    }
    idx->repair_clock = since;
    return WC_OK;
}

/* --- splitting: a story that holds two events ---------------------------------------- */

/* Stories with more members are not split: a wire story's hundred rewrites are one event. */
#define SX_SPLIT_MAX 256
#define SX_SPLIT_MIN 4   /* members before a split is tried */
#define SX_SPLIT_ITERS 6 /* 2-means rounds */
#define SX_SPLIT_SIDE 3  /* members each half needs: fewer tell nothing */

/* A set of unit vectors summed: a centroid per kind and its norms. */
struct side {
    struct sx_vec c[WC_STORY_KINDS];
    double norm[WC_STORY_KINDS];
};

static void side_free(wc_story_index *idx, struct side *sd)
{
    for (int k = 0; k < WC_STORY_KINDS; k++) {
        idx->bytes -= (size_t)sd->c[k].cap * (sizeof(uint64_t) + sizeof(float));
        free(sd->c[k].t);
        free(sd->c[k].w);
    }
    memset(sd, 0, sizeof(*sd));
}

static wc_status side_make(wc_story_index *idx, struct side *sd, const uint32_t *m, size_t n,
                           const uint8_t *pick, uint8_t which)
{
    side_free(idx, sd);
    for (size_t i = 0; i < n; i++) {
        const struct sx_cluster *cl = &idx->cl[m[i]];
        if (pick && pick[i] != which)
            continue;
        for (int k = 0; k < WC_STORY_KINDS; k++) {
            wc_story_vec v = {cl->vec[k].t, cl->vec[k].w, cl->vec[k].n};
            if (sx_centroid_add(idx, &sd->c[k], &v,
                                SX_CENTROID_FACTOR * wc_story_kind_cap((enum wc_story_kind)k),
                                false))
                return WC_ERR_NOMEM;
        }
    }
    for (int k = 0; k < WC_STORY_KINDS; k++) {
        double n2 = sd->c[k].cut2; /* what the cap cut counts, as in a story's norm */
        for (uint32_t i = 0; i < sd->c[k].n; i++)
            n2 += (double)sd->c[k].w[i] * sd->c[k].w[i];
        sd->norm[k] = sqrt(n2);
    }
    return WC_OK;
}

/*
 * The cosine of two vector sets. Unlike sx_cosine, the entity cosine keeps
 * its heaviest shared name: inside one story every name tells which half
 * a member is closer to (left out here, the 2-means halves of stories-dev
 * came out worse: B-cubed P 0.934 -> 0.899).
 */
static double vcos(const struct sx_vec *a, double an, const struct sx_vec *b, double bn)
{
    double dot = 0;
    uint32_t i = 0, j = 0;

    if (an <= 0 || bn <= 0)
        return 0;
    while (i < a->n && j < b->n) {
        if (a->t[i] < b->t[j])
            i++;
        else if (b->t[j] < a->t[i])
            j++;
        else
            dot += (double)a->w[i++] * b->w[j++];
    }
    dot /= an * bn;
    return dot > 1 ? 1 : dot;
}

/* The pair model's score of two vector sets, time left out (both sides are one story's). */
static double set_score(const wc_story_weights *w, const struct sx_vec *a, const double *an,
                        const struct sx_vec *b, const double *bn)
{
    double f[WC_SF_COUNT] = {0};

    for (int k = 0; k < WC_STORY_KINDS; k++)
        f[k] = vcos(&a[k], an[k], &b[k], bn[k]);
    f[WC_SF_ENTBODY] = f[WC_SF_ENTITY] * f[WC_SF_BODY];
    f[WC_SF_YEARS] = a[WC_STORY_YEAR].n && b[WC_STORY_YEAR].n ? 1 : 0;
    return sx_pair_score(w, f);
}

static double member_score(wc_story_index *idx, const struct sx_cluster *cl, const struct side *sd)
{
    static const double unit[WC_STORY_KINDS] = {1, 1, 1, 1, 1};
    double n[WC_STORY_KINDS];

    for (int k = 0; k < WC_STORY_KINDS; k++)
        n[k] = cl->vec[k].n ? unit[k] : 0;
    return set_score(&idx->w, cl->vec, n, sd->c, sd->norm);
}

struct side_term {
    uint64_t term;
    uint8_t side;
};

static int cmp_side_term(const void *a, const void *b)
{
    const struct side_term *x = a, *y = b;

    if (x->term != y->term)
        return x->term < y->term ? -1 : 1;
    return x->side - y->side;
}

/*
 * How much each half has of its own: for every name (entity term), the
 * share of one half's members that have it minus the other half's share;
 * *out is the smaller of the two halves' best. Two write-ups of one event
 * split at random share their names (near 0); two events of one kind each
 * have names the other lacks (near 1: "Rahman" in every member of one
 * half, "Thompson" in every member of the other). Numbers are left out:
 * write-ups of one event differ in them (one outlet's "42 buses" is
 * another's "the other 41"), so a number of its own tells nothing.
 */
static wc_status exclusive(wc_story_index *idx, const uint32_t *m, size_t n, const uint8_t *pick,
                           const size_t *cnt, double *out)
{
    struct side_term *v;
    size_t nv = 0, cap = 0;
    double best[2] = {0, 0};

    for (size_t i = 0; i < n; i++)
        cap += idx->cl[m[i]].vec[WC_STORY_ENTITY].n;
    if (!(v = malloc((cap ? cap : 1) * sizeof(*v))))
        return WC_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const struct sx_vec *x = &idx->cl[m[i]].vec[WC_STORY_ENTITY];
        for (uint32_t j = 0; j < x->n; j++) {
            v[nv].term = x->t[j];
            v[nv++].side = pick[i];
        }
    }
    wc_qsort(v, nv, sizeof(*v), cmp_side_term);
    for (size_t i = 0; i < nv;) {
        size_t c[2] = {0, 0}, j = i;
        double d;
        for (; j < nv && v[j].term == v[i].term; j++)
            c[v[j].side]++;
        d = (double)c[0] / (double)cnt[0] - (double)c[1] / (double)cnt[1];
        if (d > best[0])
            best[0] = d;
        if (-d > best[1])
            best[1] = -d;
        i = j;
    }
    free(v);
    *out = best[0] < best[1] ? best[0] : best[1];
    return WC_OK;
}

/* The smallest of the moving side's cluster ids that names no story yet (0: none). */
static int64_t new_id(wc_story_index *idx, const uint32_t *m, size_t n, const uint8_t *pick)
{
    int64_t best = 0;

    for (size_t i = 0; i < n; i++) {
        int64_t id = idx->cl[m[i]].id;
        if (pick[i] == 1 && (!best || id < best) &&
            sx_map_get(&idx->story_by_id, sx_map_key(id)) == SX_NONE)
            best = id;
    }
    return best;
}

static wc_status note_moved(wc_story_index *idx, int64_t cluster_id, int64_t story_id, double sim)
{
    if (!sx_grow((void **)&idx->moved, &idx->moved_cap, idx->nmoved + 1, sizeof(*idx->moved),
                 &idx->bytes))
        return WC_ERR_NOMEM;
    idx->moved[idx->nmoved].cluster_id = cluster_id;
    idx->moved[idx->nmoved].story_id = story_id;
    idx->moved[idx->nmoved++].similarity = sim;
    return WC_OK;
}

/* Story s's side 1 becomes a new story. */
static wc_status apply_split(wc_story_index *idx, uint32_t s, const uint32_t *m, size_t n,
                             const uint8_t *pick, const struct side *b)
{
    struct key keys[SX_MAX_KEYS];
    double qnorm[WC_STORY_KINDS];
    wc_story_profile q;
    wc_error e = WC_ERROR_INIT;
    int64_t id = new_id(idx, m, n, pick);
    uint32_t ns;
    size_t moved = 0;
    struct sx_story *sa, *sb;

    if (!id || sx_new_story(idx, id, &ns, &e))
        return WC_OK; /* no free id (or memory): the story stays whole */
    sa = &idx->story[s];
    sb = &idx->story[ns];
    if (!(sb->mem = malloc(n * sizeof(*sb->mem))))
        return WC_ERR_NOMEM;
    sb->mem_cap = (uint32_t)n;
    idx->bytes += n * sizeof(*sb->mem);
    sb->open = true;
    /* side 1 moves: its clusters, documents and dates; side 0 is what stays */
    sa->first = sa->last = sa->seen_first = sa->seen_last = INT64_MIN;
    for (size_t i = 0, keep = 0; i < n; i++) {
        struct sx_cluster *cl = &idx->cl[m[i]];
        struct sx_story *to = pick[i] ? sb : sa;
        sx_widen(&to->first, &to->last, cl->date, cl->date);
        sx_widen(&to->seen_first, &to->seen_last, cl->seen_first, cl->seen_last);
        if (!pick[i]) {
            sa->mem[keep++] = m[i];
            continue;
        }
        sb->mem[sb->nmem++] = m[i];
        sb->clusters++;
        sb->size += cl->size;
        cl->story = ns;
        moved++;
        if (note_moved(idx, cl->id, id, sx_sigmoid(member_score(idx, cl, b))))
            return WC_ERR_NOMEM;
    }
    sa->nmem -= (uint32_t)moved;
    /* rebuilt below; the members not kept as vectors (none, normally) keep their counts */
    sa->clusters -= sb->clusters;
    sa->size -= sb->size;
    if (sb->first == INT64_MIN)
        idx->open_undated++;
    for (int k = 0; k < WC_STORY_KINDS; k++) {
        free(sa->cen[k].t);
        free(sa->cen[k].w);
        idx->bytes -= (size_t)sa->cen[k].cap * (sizeof(uint64_t) + sizeof(float));
        memset(&sa->cen[k], 0, sizeof(sa->cen[k]));
    }
    {
        struct side a;
        memset(&a, 0, sizeof(a));
        if (side_make(idx, &a, sa->mem, sa->nmem, NULL, 0)) {
            side_free(idx, &a);
            return WC_ERR_NOMEM;
        }
        memcpy(sa->cen, a.c, sizeof(a.c)); /* a's arrays are the story's now */
    }
    sa->norm_n = 0;
    {
        struct side nb;
        memset(&nb, 0, sizeof(nb));
        if (side_make(idx, &nb, sb->mem, sb->nmem, NULL, 0)) {
            side_free(idx, &nb);
            return WC_ERR_NOMEM;
        }
        memcpy(sb->cen, nb.c, sizeof(nb.c));
    }
    sb->norm_n = 0;
    sb->next_split = sb->nmem + (sb->nmem > 4 ? sb->nmem / 2 : 2);
    sa->next_split = sa->nmem + (sa->nmem > 4 ? sa->nmem / 2 : 2);
    /* the new story's keys, from its centroid, so later clusters find it */
    memset(&q, 0, sizeof(q));
    q.date = sb->first;
    for (int k = 0; k < WC_STORY_KINDS; k++) {
        q.vec[k].term = sb->cen[k].t;
        q.vec[k].weight = sb->cen[k].w;
        q.vec[k].n = sb->cen[k].n;
    }
    if (sx_prepare_query(idx, &q, qnorm, true) ||
        sx_post_keys(idx, keys, sx_query_keys(idx, &q, keys), ns))
        return WC_ERR_NOMEM;
    sx_mark_dirty(idx, s);
    sx_mark_dirty(idx, ns);
    idx->splits++;
    return WC_OK;
}

wc_status sx_maybe_split(wc_story_index *idx, uint32_t s)
{
    struct sx_story *st = &idx->story[s];
    struct side all, sd[2];
    uint32_t *m = NULL;
    uint8_t *pick = NULL;
    size_t n = 0, a = 0, b = 0, cnt[2];
    double lo;
    wc_status rc = WC_OK;

    if (!st->open || st->nmem < SX_SPLIT_MIN || st->nmem < st->next_split ||
        st->nmem > SX_SPLIT_MAX)
        return WC_OK;
    memset(&all, 0, sizeof(all));
    memset(sd, 0, sizeof(sd));
    st->next_split = st->nmem + (st->nmem > 4 ? st->nmem / 2 : 2);
    /* the live members (an absorbed cluster has no vectors) */
    m = malloc(st->nmem * sizeof(*m));
    pick = calloc(st->nmem, 1);
    if (!m || !pick) {
        rc = WC_ERR_NOMEM;
        goto out;
    }
    for (uint32_t i = 0; i < st->nmem; i++)
        if (idx->cl[st->mem[i]].vec && !idx->cl[st->mem[i]].dead)
            st->mem[n] = st->mem[i], m[n++] = st->mem[i];
    st->nmem = (uint32_t)n;
    if (n < SX_SPLIT_MIN)
        goto out;
    /* seeds: the member farthest from the whole, and the member farthest from it */
    if ((rc = side_make(idx, &all, m, n, NULL, 0)))
        goto out;
    lo = INFINITY;
    for (size_t i = 0; i < n; i++) {
        double sc = member_score(idx, &idx->cl[m[i]], &all);
        if (sc < lo)
            lo = sc, a = i;
    }
    pick[a] = 1;
    if ((rc = side_make(idx, &sd[1], m, n, pick, 1)))
        goto out;
    lo = INFINITY;
    for (size_t i = 0; i < n; i++) {
        double sc = i == a ? INFINITY : member_score(idx, &idx->cl[m[i]], &sd[1]);
        if (sc < lo)
            lo = sc, b = i;
    }
    memset(pick, 2, n); /* 2: on neither side yet */
    pick[a] = 1;        /* side 1 grows from a, side 0 from b */
    pick[b] = 0;
    for (int it = 0; it < SX_SPLIT_ITERS; it++) {
        bool changed = false;
        if ((rc = side_make(idx, &sd[0], m, n, pick, 0)) ||
            (rc = side_make(idx, &sd[1], m, n, pick, 1)))
            goto out;
        cnt[0] = cnt[1] = 0;
        for (size_t i = 0; i < n; i++) {
            uint8_t to = member_score(idx, &idx->cl[m[i]], &sd[1]) >
                                 member_score(idx, &idx->cl[m[i]], &sd[0])
                             ? 1
                             : 0;
            changed |= to != pick[i];
            pick[i] = to;
            cnt[to]++;
        }
        if (!cnt[0] || !cnt[1])
            goto out;
        if (!changed)
            break;
    }
    if (cnt[0] < SX_SPLIT_SIDE || cnt[1] < SX_SPLIT_SIDE)
        goto out;
    /* the halves are two events when each has names of its own */
    if ((rc = exclusive(idx, m, n, pick, cnt, &lo)))
        goto out;
    if (lo <= idx->w.split_bias)
        goto out;
    /* the side holding the story's founder keeps its id */
    for (size_t i = 0; i < n; i++)
        if (idx->cl[m[i]].id == st->id && pick[i] == 1)
            for (size_t j = 0; j < n; j++)
                pick[j] ^= 1;
    /* the moving side (1, after the flip), which its clusters are scored against */
    if ((rc = side_make(idx, &sd[1], m, n, pick, 1)))
        goto out;
    rc = apply_split(idx, s, m, n, pick, &sd[1]);
out:
    side_free(idx, &all);
    side_free(idx, &sd[0]);
    side_free(idx, &sd[1]);
    free(m);
    free(pick);
    return rc;
}
