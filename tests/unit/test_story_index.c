/*
 * test_story_index.c - the story index on real profiles of short news
 * texts: write-ups of one event join and another event of the same company,
 * sharing its name, does not; the time window keeps one kind of event on
 * other days apart, a late member widens its story's dates, a copy-cluster merge merges the
 * stories, the repair that runs before every sweep merges what arrival order split before
 * the sweep closes it, and the row each change reports.
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
#include "story/story_index_internal.h" /* SX_SWEEP */

#define HOUR ((int64_t)3600)
#define DAY ((int64_t)86400)
#define T0 ((int64_t)1770000000)

/* Two write-ups of one event, in their own words, and two that share only a name with it. */
static const char *const EVENT_A =
    "Kestrel Dynamics grounds 42 electric buses after depot fire in Port Calder\n"
    "The Lakeshore Regional Transit Authority pulled 42 Kestrel Dynamics KD-12 buses from service "
    "on Tuesday after one of them caught fire while charging at the Dunmore Street depot in Port "
    "Calder. Firefighters used 95,000 litres of water on the 450 kWh battery pack. Authority chief "
    "executive Maren Holt said the buses would stay parked until Kestrel Dynamics inspects every "
    "battery. No one was hurt in the Dunmore Street fire.";
static const char *const EVENT_B =
    "Port Calder transit parks its KD-12 fleet after charging blaze\n"
    "A KD-12 electric bus built by Kestrel Dynamics burst into flames at the Dunmore Street depot "
    "overnight, and the Lakeshore Regional Transit Authority has taken all 42 of the model off the "
    "road. Crews needed some 95,000 litres of water to cool the 450 kWh pack, Maren Holt told "
    "reporters, adding that Kestrel Dynamics engineers arrive in Port Calder on Thursday.";
static const char *const OTHER_KESTREL =
    "Kestrel Dynamics to build battery plant in Ashford Vale\n"
    "Kestrel Dynamics will invest $1.2 billion in a battery cell plant in Ashford Vale, creating "
    "1,800 jobs, the company said. Production of cells for its coaches and delivery vans is to "
    "start in 2029 at the site beside the Ashford Vale rail freight terminal.";
static const char *const OTHER_FARES =
    "Harbour council votes on new ferry timetable\n"
    "Councillors in Westmere approved a winter ferry timetable with fewer sailings to Gull Island, "
    "after a long debate about the cost of fuel and the age of the two vessels on the route.";

static wc_story_profiler *prof;

static void profile(const char *text, int64_t published, wc_story_profile *pr)
{
    wc_error err = WC_ERROR_INIT;
    const char *nl = strchr(text, '\n');
    wc_story_input in = {text, (size_t)(nl - text), text, strlen(text), "en", published};

    assert_int_equal(wc_story_profile_make(prof, &in, pr, &err), WC_OK);
}

static wc_story_index *new_index(void)
{
    wc_story_index *idx;
    wc_error err = WC_ERROR_INIT;

    assert_int_equal(wc_story_index_new(NULL, &idx, &err), WC_OK);
    return idx;
}

static int64_t place(wc_story_index *idx, int64_t cluster, const char *text, int64_t t,
                     wc_story_placed *out)
{
    wc_story_profile pr;
    wc_story_placed pl;
    wc_error err = WC_ERROR_INIT;

    wc_story_profile_init(&pr);
    profile(text, t, &pr);
    assert_int_equal(wc_story_place(idx, cluster, &pr, 1, t, t, out ? out : &pl, &err), WC_OK);
    wc_story_profile_release(&pr);
    return (out ? out : &pl)->story_id;
}

static void test_write_ups_join_and_a_shared_name_does_not(void **state)
{
    wc_story_index *idx = new_index();
    wc_story_placed pa, pb, po;

    (void)state;
    place(idx, 10, OTHER_FARES, T0 - DAY, NULL);
    assert_int_equal(place(idx, 20, EVENT_A, T0, &pa), 20);
    assert_true(pa.opened);
    assert_int_equal(place(idx, 30, EVENT_B, T0 + DAY / 2, &pb), 20);
    assert_false(pb.opened);
    assert_true(pb.similarity > 0 && pb.similarity < 1);
    assert_true(pb.candidates >= 1);
    assert_int_equal(wc_story_of(idx, 30), 20);
    /* the same company, another event, the same days: it shares the one name (and the
       batteries) and opens a story of its own */
    assert_int_equal(place(idx, 40, OTHER_KESTREL, T0 + DAY, &po), 40);
    assert_true(po.opened);
    assert_int_equal(wc_story_of(idx, 30), 20);
    wc_story_index_free(idx);
}

/* The entity feature of the last cluster's best candidate, from the trace. */
struct last_entity {
    double entity;
    size_t ncand;
};

static void keep_entity(void *ctx, const wc_story_trace *t)
{
    struct last_entity *le = ctx;

    le->ncand = t->ncand;
    le->entity = t->ncand ? t->cand[0].f[WC_SF_ENTITY] : -1;
}

/*
 * The entity cosine leaves out the heaviest name the two sides share: a
 * text that shares one name (single words here, so a name is one term)
 * with a story scores 0 on it, and one that shares two does not. Both ways
 * of computing it are driven: a short centroid merged with the query, and
 * one of 120 names probed through its hash table.
 */
static void test_one_shared_name_is_no_entity_evidence(void **state)
{
    static const char *const story =
        "Ferrovia signs rail deal with Tarnow\n"
        "Ferrovia agreed on Monday to supply thirty trains to Tarnow, where Sowa, the mayor, "
        "said the first would run next spring. Ferrovia builds its trains in Ostrava.";
    static const char *const one =
        "Museum of trains opens its doors\n"
        "A museum of railway history opened on Sunday in Bremgarten, with an old locomotive that "
        "Ferrovia once built. Visitors queued in the rain.";
    static const char *const two =
        "Tarnow trains to come from Ferrovia\n"
        "The city of Tarnow will buy its new trains from Ferrovia, the council confirmed, after "
        "a tender that ran for a year.";
    struct last_entity le = {0, 0};
    wc_story_index_opts o;
    wc_story_index *idx;
    wc_error err = WC_ERROR_INIT;

    (void)state;
    memset(&o, 0, sizeof(o));
    o.on_trace = keep_entity;
    o.trace_ctx = &le;
    assert_int_equal(wc_story_index_new(&o, &idx, &err), WC_OK);
    place(idx, 10, story, T0, NULL);
    place(idx, 20, one, T0 + DAY / 4, NULL);
    assert_int_equal(le.ncand, 1); /* found by the name it shares */
    assert_true(le.entity == 0);
    assert_int_equal(wc_story_of(idx, 20), 20);
    wc_story_index_free(idx);

    assert_int_equal(wc_story_index_new(&o, &idx, &err), WC_OK);
    place(idx, 10, story, T0, NULL);
    place(idx, 20, two, T0 + DAY / 4, NULL);
    assert_int_equal(le.ncand, 1);
    assert_true(le.entity > 0.1);
    wc_story_index_free(idx);

    /* the same against a story of many names, whose centroid is probed through its hash
       table rather than merged with the query */
    {
        char big[8192], name[16];
        size_t len = 0;
        len += (size_t)snprintf(big + len, sizeof(big) - len, "Delegates meet in Tarnow\n");
        for (int i = 0; i < 120; i++) {
            snprintf(name, sizeof(name), "%c%c%cov", 'K' + i % 10, 'a' + i / 10 % 12, 'r' + i % 7);
            len += (size_t)snprintf(big + len, sizeof(big) - len,
                                    "On the list was %s, who came with Ferrovia. ", name);
        }
        assert_true(len < sizeof(big) - 1);
        assert_int_equal(wc_story_index_new(&o, &idx, &err), WC_OK);
        place(idx, 10, big, T0, NULL);
        place(idx, 20, one, T0 + DAY / 4, NULL);
        assert_int_equal(le.ncand, 1);
        assert_true(le.entity == 0);
        wc_story_index_free(idx);
    }
}

static void test_the_window_keeps_other_days_apart(void **state)
{
    wc_story_index *idx = new_index();

    (void)state;
    place(idx, 1, EVENT_A, T0, NULL);
    /* the same words 30 days later: outside the 7-day window, a story of its own */
    assert_int_equal(place(idx, 2, EVENT_B, T0 + 30 * DAY, NULL), 2);
    /* and within it, the first */
    assert_int_equal(place(idx, 3, EVENT_B, T0 + 2 * DAY, NULL), 1);
    wc_story_index_free(idx);
}

/*
 * No story spans more than two windows (14 days by default): write-ups of
 * one kind that come every 6 days join while the story stays within that,
 * and the one that would stretch it further opens a story of its own, though
 * it is within the window of the story's last date.
 */
static void test_a_story_spans_at_most_two_windows(void **state)
{
    wc_story_index *idx = new_index();

    (void)state;
    place(idx, 1, EVENT_A, T0, NULL);
    assert_int_equal(place(idx, 2, EVENT_B, T0 + 6 * DAY, NULL), 1);
    assert_int_equal(place(idx, 3, EVENT_A, T0 + 12 * DAY, NULL), 1);
    assert_int_equal(place(idx, 4, EVENT_B, T0 + 18 * DAY, NULL), 4);
    /* the new story goes on from there */
    assert_int_equal(place(idx, 5, EVENT_A, T0 + 20 * DAY, NULL), 4);
    wc_story_index_free(idx);
}

struct rows {
    wc_story_row_info r[8];
    size_t n;
};

static wc_status keep_row(void *ctx, const wc_story_row_info *row)
{
    struct rows *rs = ctx;

    if (rs->n < 8)
        rs->r[rs->n++] = *row;
    return WC_OK;
}

static const wc_story_row_info *row_of(const struct rows *rs, int64_t id)
{
    for (size_t i = 0; i < rs->n; i++)
        if (rs->r[i].id == id)
            return &rs->r[i];
    return NULL;
}

static void test_late_members_widen_the_dates(void **state)
{
    wc_story_index *idx = new_index();
    wc_error err = WC_ERROR_INIT;
    struct rows rs = {0};
    const wc_story_row_info *r;

    (void)state;
    place(idx, 5, EVENT_A, T0, NULL);
    assert_int_equal(wc_story_take_dirty(idx, keep_row, &rs), WC_OK);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].first_seen, T0);
    /* a copy published a day earlier joins cluster 5 */
    assert_int_equal(wc_story_grow(idx, 5, T0 - DAY, T0 - DAY, &err), WC_OK);
    rs.n = 0;
    assert_int_equal(wc_story_take_dirty(idx, keep_row, &rs), WC_OK);
    assert_non_null(r = row_of(&rs, 5));
    assert_int_equal(r->first_seen, T0 - DAY);
    assert_int_equal(r->last_seen, T0);
    assert_int_equal(r->size, 2);
    assert_int_equal(r->clusters, 1);
    /* nothing changed since: nothing reported */
    rs.n = 0;
    assert_int_equal(wc_story_take_dirty(idx, keep_row, &rs), WC_OK);
    assert_int_equal(rs.n, 0);
    assert_int_equal(wc_story_grow(idx, 99, T0, T0, &err), WC_ERR_NOTFOUND);
    wc_story_index_free(idx);
}

static void test_a_cluster_merge_merges_the_stories(void **state)
{
    wc_story_index *idx = new_index();
    wc_error err = WC_ERROR_INIT;
    struct rows rs = {0};
    const wc_story_row_info *r;

    (void)state;
    assert_int_equal(place(idx, 7, EVENT_A, T0, NULL), 7);
    assert_int_equal(place(idx, 8, OTHER_FARES, T0, NULL), 8);
    assert_int_equal(wc_story_take_dirty(idx, keep_row, &rs), WC_OK);
    /* copies of one text found to bridge clusters 8 and 7: 8 is absorbed into 7 */
    assert_int_equal(wc_story_merge_clusters(idx, 8, 7, &err), WC_OK);
    rs.n = 0;
    assert_int_equal(wc_story_take_dirty(idx, keep_row, &rs), WC_OK);
    assert_non_null(r = row_of(&rs, 8));
    assert_int_equal(r->merged_into, 7);
    assert_int_equal(r->clusters, 0);
    assert_non_null(r = row_of(&rs, 7));
    assert_int_equal(r->merged_into, 0);
    assert_int_equal(r->clusters, 1); /* cluster 8 is gone into 7 */
    assert_int_equal(r->size, 2);
    assert_int_equal(wc_story_of(idx, 8), 7);
    /* placing a known cluster again is a usage error */
    {
        wc_story_profile pr;
        wc_story_placed pl;
        wc_story_profile_init(&pr);
        profile(EVENT_B, T0, &pr);
        assert_int_equal(wc_story_place(idx, 7, &pr, 1, T0, T0, &pl, &err), WC_ERR_USAGE);
        wc_story_profile_release(&pr);
    }
    wc_story_index_free(idx);
}

/*
 * Two angles on one depot fire that share no name, title word or number, so
 * neither is a candidate of the other, and a write-up with both that joins
 * the second: three write-ups of one event in two stories, as arrival order
 * left them. Story to story (the second's centroid now has the first's
 * names), the repair merges them.
 */
static const char *const FIRE_SCENE =
    "Fire crews fight battery blaze at Dunmore Street depot\n"
    "Firefighters spent four hours at the Dunmore Street depot in Port Calder overnight putting "
    "out a fire in an electric bus that was charging. Fire chief Ines Barrow said her crews "
    "poured 95,000 litres of water on the burning pack before it cooled. Nobody was hurt, and "
    "residents of Dunmore Street were told to keep their windows shut because of the smoke.";
static const char *const FIRE_FLEET =
    "Lakeshore transit grounds 42 Kestrel Dynamics KD-12 buses\n"
    "The Lakeshore Regional Transit Authority has pulled all 42 of its Kestrel Dynamics KD-12 "
    "electric buses from service. Chief executive Maren Holt said the buses would stay parked "
    "until Kestrel Dynamics inspects every 450 kWh battery, and that commuters should expect "
    "longer waits this week.";
static const char *const FIRE_BOTH =
    "Depot fire takes 42 KD-12 buses off Port Calder roads\n"
    "After a fire at the Dunmore Street depot in Port Calder, where crews under fire chief Ines "
    "Barrow used 95,000 litres of water, the Lakeshore Regional Transit Authority grounded its "
    "42 Kestrel Dynamics KD-12 buses. Maren Holt said every 450 kWh battery will be inspected.";

/* Word j of filler i: syllables of its own (no two fillers share a word), ending in n so
   that stemming leaves it whole. */
static void filler_word(int i, int j, bool cap, char *out)
{
    static const char cons[] = "bdfgklmnprtvz", vow[] = "aou";
    int d[3] = {j, i % 39, i / 39 % 39};

    for (int k = 0; k < 3; k++) {
        out[2 * k] = cons[d[k] / 3];
        out[2 * k + 1] = vow[d[k] % 3];
    }
    out[6] = 'n';
    out[7] = '\0';
    if (cap)
        out[0] = (char)(out[0] - 'a' + 'A');
}

/* Filler i: a text of words no other text has (a title, a two-word name, a body). */
static void filler(int i, char *out, size_t n)
{
    char w[12][8];
    int len;

    for (int j = 0; j < 12; j++)
        filler_word(i, j, j == 3 || j == 4, w[j]);
    len = snprintf(out, n, "%s %s %s\n%s %s %s %s %s. %s %s %s %s %s.", w[0], w[1], w[2], w[3],
                   w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11], w[5]);
    assert_true(len > 0 && (size_t)len < n);
}

/*
 * Every SX_SWEEP placements the index repairs and then sweeps. The split fire
 * stories are dated on day 0 and everything after them a month later, so
 * the sweep closes them, and a closed story is never repaired: they are one
 * story after it only because the repair ran first. Before it they are two;
 * after it the fillers stay stories of their own, and the rows say that
 * story 1 went into story 2 with all three clusters (what the store is
 * told).
 */
static void test_the_repair_before_a_sweep_merges_what_arrival_order_split(void **state)
{
    wc_story_index *idx = new_index();
    wc_story_index_stats st;
    wc_story_placed pl;
    struct rows rs = {0};
    const wc_story_row_info *r;
    char text[256];
    int64_t later = T0 + 30 * DAY;
    int i;

    (void)state;
    assert_int_equal(place(idx, 1, FIRE_SCENE, T0, &pl), 1);
    assert_int_equal(pl.candidates, 0); /* nothing in common with what came before */
    assert_int_equal(place(idx, 2, FIRE_FLEET, T0 + HOUR, &pl), 2);
    assert_int_equal(pl.candidates, 0);
    assert_int_equal(place(idx, 3, FIRE_BOTH, T0 + 2 * HOUR, &pl), 2);
    assert_false(pl.opened);
    assert_int_equal(wc_story_take_dirty(idx, keep_row, &rs), WC_OK);
    /* fillers up to one placement before the sweep: still two stories */
    for (i = 4; i < SX_SWEEP; i++) {
        filler(i, text, sizeof(text));
        assert_int_equal(place(idx, 100 + i, text, later + i * 60, &pl), 100 + i);
        assert_true(pl.opened);
    }
    assert_int_equal(wc_story_of(idx, 1), 1);
    assert_int_equal(wc_story_of(idx, 2), 2);
    assert_int_equal(wc_story_of(idx, 3), 2);
    wc_story_index_get_stats(idx, &st);
    assert_int_equal(st.repaired, 0);
    assert_int_equal(st.stories, 2 + (SX_SWEEP - 4));
    assert_int_equal(st.open, 2 + (SX_SWEEP - 4));
    rs.n = 0;
    assert_int_equal(wc_story_take_dirty(idx, keep_row, &rs), WC_OK);

    /* the placement that sweeps */
    filler(i, text, sizeof(text));
    assert_int_equal(place(idx, 100 + i, text, later + i * 60, &pl), 100 + i);
    assert_true(pl.opened);
    assert_int_equal(wc_story_of(idx, 1), 2); /* into the story of two clusters */
    assert_int_equal(wc_story_of(idx, 2), 2);
    assert_int_equal(wc_story_of(idx, 3), 2);
    wc_story_index_get_stats(idx, &st);
    assert_int_equal(st.repaired, 1);
    assert_int_equal(st.stories, 1 + (SX_SWEEP - 3));
    assert_int_equal(st.open, SX_SWEEP - 3); /* the fillers: the fire story was closed */
    rs.n = 0;
    assert_int_equal(wc_story_take_dirty(idx, keep_row, &rs), WC_OK);
    assert_non_null(r = row_of(&rs, 1));
    assert_int_equal(r->merged_into, 2);
    assert_int_equal(r->clusters, 0);
    assert_non_null(r = row_of(&rs, 2));
    assert_int_equal(r->merged_into, 0);
    assert_int_equal(r->clusters, 3);
    assert_int_equal(r->size, 3);
    assert_int_equal(r->first_seen, T0);
    assert_int_equal(r->last_seen, T0 + 2 * HOUR);
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
        cmocka_unit_test(test_write_ups_join_and_a_shared_name_does_not),
        cmocka_unit_test(test_one_shared_name_is_no_entity_evidence),
        cmocka_unit_test(test_the_window_keeps_other_days_apart),
        cmocka_unit_test(test_a_story_spans_at_most_two_windows),
        cmocka_unit_test(test_late_members_widen_the_dates),
        cmocka_unit_test(test_a_cluster_merge_merges_the_stories),
        cmocka_unit_test(test_the_repair_before_a_sweep_merges_what_arrival_order_split),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
