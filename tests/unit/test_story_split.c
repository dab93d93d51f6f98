/*
 * test_story_split.c - the story index's split (story_split.c, tried when a
 * story grows by a join): a story that has absorbed two events is cut in two,
 * and a story of one event is not.
 *
 * The texts are invented, of two events of one company on the same days: a
 * bus fire in Port Calder (FIRE) and a battery plant in Ashford Vale
 * (PLANT). Each write-up of an event names that event's people and places;
 * they share only "Kestrel Dynamics". Placed one after the other, the plant
 * write-ups open a story of their own (the join model keeps them apart). A
 * roundup that names both events, arriving early, bridges them: it joins the
 * fire story and pulls the plant write-ups that come after it in, until the
 * 2-means split finds two halves with names of their own and cuts them
 * apart. Everything is placed through the public API (story.h), one cluster
 * of one document per text, an hour apart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/story.h"
#include "wirecopy/story_profile.h"

#define HOUR ((int64_t)3600)
#define T0 ((int64_t)1770000000)
#define MAX_CL 16

/* Write-ups of the fire (one event). */
static const char *const FIRE[] = {
    "Kestrel Dynamics grounds 42 electric buses after depot fire in Port Calder\n"
    "The Lakeshore Regional Transit Authority pulled 42 Kestrel Dynamics KD-12 buses from service "
    "on Tuesday after one of them caught fire while charging at the Dunmore Street depot in Port "
    "Calder. Firefighters used 95,000 litres of water on the 450 kWh battery pack. Authority chief "
    "executive Maren Holt said the buses would stay parked until Kestrel Dynamics inspects every "
    "battery. No one was hurt in the Dunmore Street fire.",
    "Port Calder transit parks its KD-12 fleet after charging blaze\n"
    "A KD-12 electric bus built by Kestrel Dynamics burst into flames at the Dunmore Street depot "
    "overnight, and the Lakeshore Regional Transit Authority has taken all 42 of the model off the "
    "road. Crews needed some 95,000 litres of water to cool the 450 kWh pack, Maren Holt told "
    "reporters, adding that Kestrel Dynamics engineers arrive in Port Calder on Thursday.",
    "Bus fire at Dunmore Street depot takes 42 buses off Port Calder roads\n"
    "Commuters in Port Calder face longer waits after the Lakeshore Regional Transit Authority "
    "withdrew its 42 KD-12 buses when one caught fire at the Dunmore Street depot. Maren Holt, "
    "the authority's chief executive, said Kestrel Dynamics must check each 450 kWh battery "
    "before the buses return. Firefighters poured 95,000 litres of water on the burning pack.",
    "Maren Holt: KD-12 buses stay parked until Kestrel Dynamics checks batteries\n"
    "The head of the Lakeshore Regional Transit Authority, Maren Holt, said on Wednesday that none "
    "of the 42 Kestrel Dynamics KD-12 buses would carry passengers in Port Calder until every "
    "450 kWh battery had been inspected, a day after a bus burned at the Dunmore Street depot and "
    "took 95,000 litres of water to put out.",
    "Depot blaze: Kestrel Dynamics sends engineers to Port Calder\n"
    "Kestrel Dynamics said on Wednesday it had sent a team of engineers to Port Calder, where one "
    "of its KD-12 electric buses caught fire while charging at the Dunmore Street depot. The "
    "Lakeshore Regional Transit Authority has parked all 42 of the buses. Fire crews used 95,000 "
    "litres of water on the 450 kWh battery, and Maren Holt said nobody was injured.",
    "Why 42 buses are off the road in Port Calder\n"
    "Riders asking where the buses went have the Dunmore Street depot fire to thank: a Kestrel "
    "Dynamics KD-12 caught fire as it charged, and the Lakeshore Regional Transit Authority took "
    "the other 41 out of service too. Maren Holt wants every 450 kWh battery checked first. It "
    "took 95,000 litres of water to cool the pack.",
    "Charging fire grounds Lakeshore transit's KD-12 buses\n"
    "All 42 KD-12 buses of the Lakeshore Regional Transit Authority were grounded after a fire at "
    "the Dunmore Street depot in Port Calder, where a bus built by Kestrel Dynamics went up in "
    "flames while charging. Chief executive Maren Holt said 95,000 litres of water were needed on "
    "its 450 kWh battery pack.",
    "Port Calder fire: what we know about the KD-12 battery\n"
    "The bus that burned at the Dunmore Street depot carried a 450 kWh battery pack, Kestrel "
    "Dynamics said, the same as the other 41 KD-12 buses that the Lakeshore Regional Transit "
    "Authority has pulled from Port Calder routes. Firefighters used 95,000 litres of water, "
    "according to Maren Holt.",
    "Lakeshore transit chief Maren Holt defends bus grounding\n"
    "Maren Holt on Thursday defended the decision to park 42 Kestrel Dynamics KD-12 buses in "
    "Port Calder after the Dunmore Street depot fire, saying the 450 kWh batteries must be "
    "inspected. The Lakeshore Regional Transit Authority said the fire needed 95,000 litres of "
    "water.",
};
/* Write-ups of the plant (another event of the same company, the same days). */
static const char *const PLANT[] = {
    "Kestrel Dynamics to build battery plant in Ashford Vale\n"
    "Kestrel Dynamics will invest $1.2 billion in a battery cell plant in Ashford Vale, creating "
    "1,800 jobs, the company said. Production of cells for its coaches and delivery vans is to "
    "start in 2029 at the site beside the Ashford Vale rail freight terminal, said plant director "
    "Tomas Reyne.",
    "Ashford Vale wins Kestrel Dynamics cell factory and 1,800 jobs\n"
    "A $1.2 billion battery cell factory planned by Kestrel Dynamics will rise next to the Ashford "
    "Vale rail freight terminal, bringing 1,800 jobs to the town. Tomas Reyne, who will run the "
    "plant, said the first cells for Kestrel Dynamics coaches and vans should come off the line in "
    "2029.",
    "Kestrel Dynamics picks Ashford Vale for $1.2 billion cell plant\n"
    "The coach and van maker Kestrel Dynamics has chosen Ashford Vale for a $1.2 billion plant "
    "making battery cells, with 1,800 workers by 2029. Plant director Tomas Reyne said the rail "
    "freight terminal beside the site decided it, and that hiring in Ashford Vale starts next "
    "spring.",
    "Tomas Reyne to lead Kestrel Dynamics plant at Ashford Vale\n"
    "Tomas Reyne will direct the $1.2 billion Kestrel Dynamics battery cell plant in Ashford Vale, "
    "the company said as it confirmed 1,800 jobs and a 2029 start of production beside the Ashford "
    "Vale rail freight terminal.",
};
/* A roundup that names both. */
static const char *const ROUNDUP =
    "Kestrel Dynamics: a bus fire in Port Calder and a new plant in Ashford Vale\n"
    "It was a week of two headlines for Kestrel Dynamics. In Port Calder, Maren Holt's Lakeshore "
    "Regional Transit Authority parked 42 KD-12 buses after a fire at the Dunmore Street depot. "
    "In Ashford Vale, plant director Tomas Reyne confirmed a $1.2 billion battery cell plant with "
    "1,800 jobs by 2029.";

static wc_story_profiler *prof;

/* The story each cluster was placed in, as the trace says (before any later split). */
struct placed_log {
    int64_t story[MAX_CL + 1];
    bool joined[MAX_CL + 1];
};

static void on_trace(void *ctx, const wc_story_trace *t)
{
    struct placed_log *pl = ctx;

    assert_true(t->cluster_id >= 1 && t->cluster_id <= MAX_CL);
    pl->story[t->cluster_id] = t->story_id;
    pl->joined[t->cluster_id] = t->joined;
}

static wc_story_index *new_index(const wc_story_weights *w, struct placed_log *pl)
{
    wc_story_index *idx;
    wc_story_index_opts o;
    wc_error err = WC_ERROR_INIT;

    memset(&o, 0, sizeof(o));
    o.weights = w;
    o.on_trace = on_trace;
    o.trace_ctx = pl;
    memset(pl, 0, sizeof(*pl));
    assert_int_equal(wc_story_index_new(&o, &idx, &err), WC_OK);
    return idx;
}

/* Cluster `id` (one document, seen and published at T0 + id hours) with text's profile. */
static void place(wc_story_index *idx, int64_t id, const char *text)
{
    wc_error err = WC_ERROR_INIT;
    wc_story_profile pr;
    wc_story_placed out;
    const char *nl = strchr(text, '\n');
    int64_t t = T0 + id * HOUR;
    wc_story_input in = {text, (size_t)(nl - text), text, strlen(text), "en", t};

    assert_non_null(nl);
    wc_story_profile_init(&pr);
    assert_int_equal(wc_story_profile_make(prof, &in, &pr, &err), WC_OK);
    assert_int_equal(wc_story_place(idx, id, &pr, 1, t, t, &out, &err), WC_OK);
    wc_story_profile_release(&pr);
}

/* "f0 p1 r ...": FIRE[0], PLANT[1], ROUNDUP, ... as clusters 1, 2, 3, ... */
static size_t place_all(wc_story_index *idx, const char *order, char *kind)
{
    size_t n = 0;

    for (const char *p = order; *p;) {
        const char *text;
        if (*p == ' ') {
            p++;
            continue;
        }
        assert_true(n < MAX_CL);
        kind[++n] = *p;
        if (*p == 'r') {
            text = ROUNDUP;
            p++;
        } else {
            size_t i = (size_t)(p[1] - '0');
            assert_true(*p == 'f' ? i < sizeof(FIRE) / sizeof(*FIRE)
                                  : *p == 'p' && i < sizeof(PLANT) / sizeof(*PLANT));
            text = *p == 'f' ? FIRE[i] : PLANT[i];
            p += 2;
        }
        place(idx, (int64_t)n, text);
    }
    return n;
}

struct rows {
    wc_story_row_info r[MAX_CL];
    size_t n;
};

static wc_status keep_row(void *ctx, const wc_story_row_info *row)
{
    struct rows *rs = ctx;

    assert_true(rs->n < MAX_CL);
    rs->r[rs->n++] = *row;
    return WC_OK;
}

static const wc_story_row_info *row_of(const struct rows *rs, int64_t id)
{
    const wc_story_row_info *found = NULL;

    for (size_t i = 0; i < rs->n; i++)
        if (rs->r[i].id == id)
            found = &rs->r[i]; /* the last report of it */
    return found;
}

struct moved {
    int64_t cluster[MAX_CL], story[MAX_CL];
    double sim[MAX_CL];
    size_t n;
};

static wc_status keep_moved(void *ctx, int64_t cluster_id, int64_t story_id, double similarity)
{
    struct moved *mv = ctx;

    assert_true(mv->n < MAX_CL);
    mv->cluster[mv->n] = cluster_id;
    mv->story[mv->n] = story_id;
    mv->sim[mv->n++] = similarity;
    return WC_OK;
}

/* The one story all clusters of a kind are in now (fails when they are in several). */
static int64_t story_of_kind(wc_story_index *idx, const char *kind, size_t n, char k)
{
    int64_t s = 0;

    for (size_t c = 1; c <= n; c++) {
        if (kind[c] != k)
            continue;
        if (!s)
            s = wc_story_of(idx, (int64_t)c);
        assert_int_equal(wc_story_of(idx, (int64_t)c), s);
    }
    assert_true(s > 0);
    return s;
}

static uint64_t splits_of(const wc_story_index *idx)
{
    wc_story_index_stats st;

    wc_story_index_get_stats(idx, &st);
    return st.splits;
}

/*
 * The bridged story: fire (1, 2), the roundup (3), plant (4, 5) all placed in
 * story 1; the sixth member (fire, 6) makes halves of three, and the story
 * splits: the fire write-ups keep story 1 (its founder's), the plant ones
 * move to a new story named by the smallest moved cluster id, and what
 * comes after (7 plant, 8 fire, 9 plant) goes to the right one.
 */
static void test_a_bridged_story_of_two_events_splits(void **state)
{
    struct placed_log pl;
    wc_story_index *idx = new_index(NULL, &pl);
    struct rows rs = {0};
    struct moved mv = {0};
    const wc_story_row_info *r1, *rp;
    char kind[MAX_CL + 1];
    size_t n;
    int64_t fire, plant, roundup;
    int64_t in_plant = 0;

    (void)state;
    n = place_all(idx, "f0 f1 r p0 p1 f2 p2 f3 p3", kind);
    assert_int_equal(n, 9);
    /* the story absorbed both events: the plant write-ups joined the fire story */
    for (int64_t c = 2; c <= 6; c++) {
        assert_true(pl.joined[c]);
        assert_int_equal(pl.story[c], 1);
    }
    /* and was split once, into the two events */
    assert_int_equal(splits_of(idx), 1);
    fire = story_of_kind(idx, kind, n, 'f');
    plant = story_of_kind(idx, kind, n, 'p');
    roundup = wc_story_of(idx, 3);
    assert_int_equal(fire, 1); /* the half with the founder keeps the id */
    assert_true(plant != fire);
    assert_true(roundup == fire || roundup == plant);  /* it names both: either half */
    assert_int_equal(plant, roundup == plant ? 3 : 4); /* the smallest moved cluster */
    /* the new story is found by later clusters: they joined it, not story 1 */
    assert_int_equal(pl.story[7], plant);
    assert_int_equal(pl.story[9], plant);
    assert_int_equal(pl.story[8], fire);
    assert_true(pl.joined[7] && pl.joined[8] && pl.joined[9]);

    /* the rows: both stories, their clusters, documents and dates split with them */
    assert_int_equal(wc_story_take_dirty(idx, keep_row, &rs), WC_OK);
    assert_non_null(r1 = row_of(&rs, fire));
    assert_non_null(rp = row_of(&rs, plant));
    for (size_t c = 1; c <= n; c++)
        in_plant += wc_story_of(idx, (int64_t)c) == plant;
    assert_int_equal(rp->clusters, in_plant);
    assert_int_equal(r1->clusters, (int64_t)n - in_plant);
    assert_int_equal(rp->size, in_plant);
    assert_int_equal(r1->size, (int64_t)n - in_plant);
    assert_int_equal(r1->merged_into, 0);
    assert_int_equal(rp->merged_into, 0);
    assert_int_equal(r1->first_seen, T0 + 1 * HOUR);
    assert_int_equal(r1->last_seen, T0 + 8 * HOUR);
    assert_int_equal(rp->first_seen, T0 + plant * HOUR);
    assert_int_equal(rp->last_seen, T0 + 9 * HOUR);

    /* the links that moved: the plant write-ups there at the split (and no fire one) */
    assert_int_equal(wc_story_take_moved(idx, keep_moved, &mv), WC_OK);
    assert_int_equal(mv.n, roundup == plant ? 3 : 2);
    for (size_t i = 0; i < mv.n; i++) {
        assert_int_equal(mv.story[i], plant);
        assert_true(mv.cluster[i] == 4 || mv.cluster[i] == 5 || mv.cluster[i] == roundup);
        assert_true(mv.sim[i] > 0 && mv.sim[i] <= 1);
    }
    /* reported once */
    mv.n = 0;
    assert_int_equal(wc_story_take_moved(idx, keep_moved, &mv), WC_OK);
    assert_int_equal(mv.n, 0);
    wc_story_index_free(idx);
}

/*
 * Without the bridge the join model keeps the events apart; an index told to
 * join whatever it finds (any candidate sharing an index term) makes one
 * story of both, interleaved, and the split still cuts it into the events.
 */
static void test_a_story_that_joined_everything_splits_into_its_events(void **state)
{
    struct placed_log pl;
    wc_story_weights eager = wc_story_fitted;
    wc_story_index *idx;
    char kind[MAX_CL + 1];
    size_t n;
    int64_t fire, plant;

    (void)state;
    /* the fitted index: the plant write-ups are a story of their own from the first */
    idx = new_index(NULL, &pl);
    n = place_all(idx, "f0 p0 f1 p1 f2 p2 f3 p3", kind);
    assert_int_equal(splits_of(idx), 0);
    assert_false(pl.joined[2]);
    assert_int_equal(story_of_kind(idx, kind, n, 'f'), 1);
    assert_int_equal(story_of_kind(idx, kind, n, 'p'), 2);
    wc_story_index_free(idx);

    eager.decide_bias = 100;
    eager.content_floor = -100;
    idx = new_index(&eager, &pl);
    n = place_all(idx, "f0 p0 f1 p1 f2 p2 f3 p3", kind);
    for (int64_t c = 2; c <= 6; c++)
        assert_int_equal(pl.story[c], 1); /* one story of both events, up to the split */
    assert_int_equal(splits_of(idx), 1);
    fire = story_of_kind(idx, kind, n, 'f');
    plant = story_of_kind(idx, kind, n, 'p');
    assert_int_equal(fire, 1);
    assert_int_equal(plant, 2);
    wc_story_index_free(idx);
}

/*
 * Nine write-ups of the fire, each in its own words (the names vary in which
 * of them a write-up has), are one story, and the split, tried at 4, 6 and 9
 * members, leaves it whole in every order tried; it is the names that keep
 * it whole: with a split bias below any score of the halves it is cut.
 */
static void test_a_coherent_story_is_not_split(void **state)
{
    static const char *const orders[] = {"f0 f1 f2 f3 f4 f5 f6 f7 f8", "f8 f7 f6 f5 f4 f3 f2 f1 f0",
                                         "f4 f0 f8 f2 f6 f1 f7 f3 f5"};
    struct placed_log pl;
    wc_story_weights any = wc_story_fitted;
    wc_story_index *idx;
    struct moved mv = {0};
    struct rows rs = {0};
    char kind[MAX_CL + 1];
    size_t n;

    (void)state;
    for (size_t o = 0; o < sizeof(orders) / sizeof(*orders); o++) {
        idx = new_index(NULL, &pl);
        n = place_all(idx, orders[o], kind);
        assert_int_equal(n, 9);
        assert_int_equal(story_of_kind(idx, kind, n, 'f'), 1);
        assert_int_equal(splits_of(idx), 0);
        assert_int_equal(wc_story_take_dirty(idx, keep_row, &rs), WC_OK);
        assert_non_null(row_of(&rs, 1));
        assert_int_equal(row_of(&rs, 1)->clusters, 9);
        rs.n = 0;
        mv.n = 0;
        assert_int_equal(wc_story_take_moved(idx, keep_moved, &mv), WC_OK);
        assert_int_equal(mv.n, 0);
        wc_story_index_free(idx);
    }
    /* the split was tried: with nothing asked of the halves' names it cuts the story (with
       pair weights of its own, so that the 2-means halves have three members each whatever
       the fitted numbers are) */
    {
        static const double pair[WC_SF_COUNT] = {1, 0.3, 1, 0.3, 0, 0.25, 0, 0, 0};
        memcpy(any.pair, pair, sizeof(any.pair));
    }
    any.split_bias = -1;
    idx = new_index(&any, &pl);
    n = place_all(idx, orders[0], kind);
    assert_true(splits_of(idx) >= 1);
    assert_true(wc_story_of(idx, 9) != 1 || wc_story_of(idx, 8) != 1 || wc_story_of(idx, 7) != 1 ||
                wc_story_of(idx, 6) != 1 || wc_story_of(idx, 5) != 1 || wc_story_of(idx, 4) != 1 ||
                wc_story_of(idx, 3) != 1 || wc_story_of(idx, 2) != 1);
    wc_story_index_free(idx);
}

static int setup(void **state)
{
    wc_error err = WC_ERROR_INIT;

    (void)state;
    return wc_story_profiler_new(NULL, &prof, &err) == WC_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    wc_story_profiler_free(prof);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_bridged_story_of_two_events_splits),
        cmocka_unit_test(test_a_story_that_joined_everything_splits_into_its_events),
        cmocka_unit_test(test_a_coherent_story_is_not_split),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
