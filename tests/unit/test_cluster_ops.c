/*
 * test_cluster_ops.c - the syndication operations, hard negatives, the
 * chaining case and order independence, end to end through
 * wc_fp_compute() and wc_cluster_assign(), on hand-written stories in
 * tests/data/dedup/ (harbour, drought, chip, election, and three texts
 * that borrow from harbour without being copies of it).
 *
 * Each operation is applied by code here to each story, and the copy must
 * join the original's cluster whichever of the two arrives first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/cluster.h"
#include "wirecopy/fingerprint.h"

static const char *const stories[] = {"harbour", "drought", "chip", "election"};
#define NSTORIES (sizeof(stories) / sizeof(stories[0]))

/* --- text helpers -------------------------------------------------------------------- */

static char *read_fixture(const char *name)
{
    const char *dir = getenv("WC_TEST_DATA");
    char path[1024];
    FILE *f;
    long n;
    char *s;

    snprintf(path, sizeof(path), "%s/dedup/%s.txt", dir ? dir : "tests/data", name);
    f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    s = malloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* A malloc'd copy of s with every `from` replaced by `to`. */
static char *replace_all(const char *s, const char *from, const char *to)
{
    wc_buf b = WC_BUF_INIT;
    size_t fl = strlen(from);
    const char *p = s, *q;

    while ((q = strstr(p, from)) != NULL) {
        assert_int_equal(wc_buf_add(&b, p, (size_t)(q - p)), WC_OK);
        assert_int_equal(wc_buf_addstr(&b, to), WC_OK);
        p = q + fl;
    }
    assert_int_equal(wc_buf_addstr(&b, p), WC_OK);
    return wc_buf_detach(&b, NULL);
}

static char *replace_take(char *s, const char *from, const char *to)
{
    char *r = replace_all(s, from, to);
    free(s);
    return r;
}

/* Paragraphs of s (split at blank lines), keep those whose index passes keep(). */
static char *filter_paragraphs(const char *s, int (*keep)(size_t i, void *ctx), void *ctx)
{
    wc_buf b = WC_BUF_INIT;
    const char *p = s;
    size_t i = 0;

    while (*p) {
        const char *end = strstr(p, "\n\n");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (keep(i, ctx)) {
            if (b.len)
                assert_int_equal(wc_buf_addstr(&b, "\n\n"), WC_OK);
            assert_int_equal(wc_buf_add(&b, p, len), WC_OK);
        }
        i++;
        if (!end)
            break;
        p = end + 2;
    }
    return wc_buf_detach(&b, NULL);
}

static int keep_first_n(size_t i, void *ctx)
{
    return i < *(size_t *)ctx;
}

static int keep_but(size_t i, void *ctx)
{
    return i != *(size_t *)ctx;
}

/* --- the operations ------------------------------------------------------------------ */

enum expect { EXPECT_NEAR, EXPECT_EXACT };

struct op {
    const char *name;
    char *(*apply)(const char *text);
    enum expect expect; /* EXACT when only invisible differences remain */
};

static char *op_boilerplate(const char *t)
{
    wc_buf b = WC_BUF_INIT;
    assert_int_equal(wc_buf_addstr(&b, "By Jane Doe, Evening Courier staff\n\n"
                                       "Published 3 March 2024, 09:14 GMT\n\n"
                                       "Share this article Facebook Twitter Email\n\n"),
                     WC_OK);
    assert_int_equal(wc_buf_addstr(&b, t), WC_OK);
    assert_int_equal(
        wc_buf_addstr(&b, "\n\nRelated: Council faces questions over parking charges\n\n"
                          "Sign up for the Evening Courier morning briefing and get the day's top "
                          "stories in your inbox.\n\n"
                          "\xc2\xa9 2024 The Evening Courier. All rights reserved.\n\n"
                          "Previous article Rail fares to rise again in January"),
        WC_OK);
    return wc_buf_detach(&b, NULL);
}

static char *op_headline(const char *t)
{
    const char *body = strstr(t, "\n\n");
    wc_buf b = WC_BUF_INIT;
    assert_int_equal(
        wc_buf_addstr(&b, "WHAT YOU NEED TO KNOW: the story everyone is talking about today"),
        WC_OK);
    assert_int_equal(wc_buf_addstr(&b, body), WC_OK);
    return wc_buf_detach(&b, NULL);
}

static char *op_truncate5(const char *t)
{
    size_t n = 6; /* the headline and five paragraphs */
    return filter_paragraphs(t, keep_first_n, &n);
}

static char *op_drop_paragraph(const char *t)
{
    size_t n = 4;
    return filter_paragraphs(t, keep_but, &n);
}

static char *op_us_spelling(const char *t)
{
    static const char *const pairs[][2] = {
        {"harbour", "harbor"},    {"favour", "favor"},
        {"centre", "center"},     {"organised", "organized"},
        {"licence", "license"},   {"programme", "program"},
        {"per cent", "percent"},  {"Councillors", "Councilors"},
        {"ploughing", "plowing"}, {"organisations", "organizations"},
        {"defence", "defense"},
    };
    char *s = malloc(strlen(t) + 1);
    size_t i;
    memcpy(s, t, strlen(t) + 1);
    for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
        s = replace_take(s, pairs[i][0], pairs[i][1]);
    return s;
}

static char *op_curly_quotes(const char *t)
{
    wc_buf b = WC_BUF_INIT;
    int open = 1;
    for (; *t; t++) {
        if (*t == '\'')
            assert_int_equal(wc_buf_addstr(&b, "\xe2\x80\x99"), WC_OK);
        else if (*t == '"') {
            assert_int_equal(wc_buf_addstr(&b, open ? "\xe2\x80\x9c" : "\xe2\x80\x9d"), WC_OK);
            open = !open;
        } else
            assert_int_equal(wc_buf_addch(&b, *t), WC_OK);
    }
    return wc_buf_detach(&b, NULL);
}

static char *op_editors_note(const char *t)
{
    wc_buf b = WC_BUF_INIT;
    assert_int_equal(
        wc_buf_addstr(&b,
                      "Editor's note: This story was first published by the Northern Wire and is "
                      "republished here under a content-sharing agreement.\n\n"),
        WC_OK);
    assert_int_equal(wc_buf_addstr(&b, t), WC_OK);
    return wc_buf_detach(&b, NULL);
}

/* NFD accents, no-break spaces, doubled spaces, CRLF line ends. */
static char *op_unicode_debris(const char *t)
{
    char *s = replace_all(t, "\xc3\xa9", "e\xcc\x81"); /* é -> e + combining acute */
    wc_buf b = WC_BUF_INIT;
    size_t spaces = 0;
    const char *p;

    s = replace_take(s, "\xc3\xaa", "e\xcc\x82"); /* ê */
    for (p = s; *p; p++) {
        if (*p == ' ' && ++spaces % 7 == 0)
            assert_int_equal(wc_buf_addstr(&b, "\xc2\xa0"), WC_OK);
        else if (*p == ' ' && spaces % 11 == 0)
            assert_int_equal(wc_buf_addstr(&b, "  "), WC_OK);
        else if (*p == '\n')
            assert_int_equal(wc_buf_addstr(&b, "\r\n"), WC_OK);
        else
            assert_int_equal(wc_buf_addch(&b, *p), WC_OK);
    }
    free(s);
    return wc_buf_detach(&b, NULL);
}

static char *op_number_style(const char *t)
{
    return replace_all(t, " per cent", "%");
}

/* What a busy syndication desk does: several of the above at once. */
static char *op_combined(const char *t)
{
    char *a = op_curly_quotes(t), *b = op_us_spelling(a), *c = op_truncate5(b);
    char *d = op_boilerplate(c);
    free(a);
    free(b);
    free(c);
    return d;
}

static const struct op ops[] = {
    {"boilerplate around the text", op_boilerplate, EXPECT_NEAR},
    {"rewritten headline", op_headline, EXPECT_NEAR},
    {"cut after paragraph 5", op_truncate5, EXPECT_NEAR},
    {"a paragraph dropped", op_drop_paragraph, EXPECT_NEAR},
    {"US spelling", op_us_spelling, EXPECT_NEAR},
    {"curly quotes", op_curly_quotes, EXPECT_EXACT},
    {"editor's note on top", op_editors_note, EXPECT_NEAR},
    {"NFD, NBSP and CRLF debris", op_unicode_debris, EXPECT_EXACT},
    {"number style", op_number_style, EXPECT_EXACT},
    {"all of it at once", op_combined, EXPECT_NEAR},
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))

/* --- running documents through the engine --------------------------------------------- */

struct engine {
    wc_fp_params p;
    wc_fp_worker *w;
    wc_cluster_index *idx;
};

static void engine_init(struct engine *e)
{
    e->p = wc_fp_params_default();
    e->w = wc_fp_worker_new(&e->p);
    e->idx = wc_cluster_index_new(&e->p);
    assert_non_null(e->w);
    assert_non_null(e->idx);
}

static void engine_reset(struct engine *e)
{
    wc_cluster_index_free(e->idx);
    e->idx = wc_cluster_index_new(&e->p);
    assert_non_null(e->idx);
}

static void engine_free(struct engine *e)
{
    wc_cluster_index_free(e->idx);
    wc_fp_worker_free(e->w);
}

static wc_match add(struct engine *e, int64_t id, const char *text)
{
    wc_fprint fp;
    wc_match m;
    wc_error err = WC_ERROR_INIT;

    assert_int_equal(wc_fp_compute(e->w, text, strlen(text), &fp, &err), WC_OK);
    assert_int_equal(wc_cluster_assign(e->idx, id, &fp, INT64_MIN, &m, &err), WC_OK);
    return m;
}

static int64_t cluster_of(struct engine *e, int64_t id)
{
    int64_t c = 0;
    assert_int_equal(wc_cluster_index_cluster_of(e->idx, id, &c), WC_OK);
    return c;
}

/* --- the tests ---------------------------------------------------------------------------- */

static void test_each_operation_finds_the_copy(void **state)
{
    struct engine e;
    size_t s, o;

    (void)state;
    engine_init(&e);
    for (s = 0; s < NSTORIES; s++) {
        char *orig = read_fixture(stories[s]);
        for (o = 0; o < NOPS; o++) {
            char *copy = ops[o].apply(orig);
            wc_match m;

            /* original first */
            engine_reset(&e);
            add(&e, 1, orig);
            m = add(&e, 2, copy);
            if (m.cluster_id != 1 || m.kind == WC_MATCH_NEW)
                fail_msg("%s / %s: copy not found (kind %d, J %.2f)", stories[s], ops[o].name,
                         m.kind, m.jaccard);
            if (ops[o].expect == EXPECT_EXACT && m.kind != WC_MATCH_EXACT)
                fail_msg("%s / %s: expected an exact match after normalisation", stories[s],
                         ops[o].name);
            /* copy first */
            engine_reset(&e);
            add(&e, 1, copy);
            m = add(&e, 2, orig);
            if (m.cluster_id != 1 || m.kind == WC_MATCH_NEW)
                fail_msg("%s / %s (copy first): original not joined", stories[s], ops[o].name);
            free(copy);
        }
        free(orig);
    }
    engine_free(&e);
}

/* Texts that borrow from harbour but are not copies of it stay apart. */
static void test_hard_negatives_not_joined(void **state)
{
    static const char *const negatives[] = {
        "harbour_other",    /* another story on the same topic, same people */
        "harbour_followup", /* a follow-up that reuses two paragraphs verbatim */
        "harbour_quote",    /* a story that carries one quote from it */
    };
    struct engine e;
    char *orig = read_fixture("harbour");
    size_t n, o;

    (void)state;
    engine_init(&e);
    for (n = 0; n < 3; n++) {
        char *neg = read_fixture(negatives[n]);
        wc_match m;

        engine_reset(&e);
        add(&e, 1, orig);
        m = add(&e, 2, neg);
        if (m.kind != WC_MATCH_NEW)
            fail_msg("%s joined harbour (J %.2f, C %.2f)", negatives[n], m.jaccard, m.containment);
        engine_reset(&e);
        add(&e, 1, neg);
        m = add(&e, 2, orig);
        assert_int_equal(m.kind, WC_MATCH_NEW);

        /* nor when the story already has a cluster of copies */
        engine_reset(&e);
        add(&e, 1, orig);
        for (o = 0; o < NOPS; o++) {
            char *copy = ops[o].apply(orig);
            add(&e, (int64_t)o + 2, copy);
            free(copy);
        }
        m = add(&e, 100, neg);
        if (m.kind != WC_MATCH_NEW)
            fail_msg("%s joined the harbour cluster of %zu copies", negatives[n], NOPS);
        free(neg);
    }
    free(orig);
    engine_free(&e);
}

/*
 * The chaining case. T is harbour cut after its first two paragraphs; F is
 * a different story (the follow-up) that opens with those same two
 * paragraphs. T is contained in both O (the original) and F, so T~O and
 * T~F while O and F are not copies. In every arrival order O and F must
 * end in different clusters; T goes with one of them.
 */
static void test_chaining_resisted(void **state)
{
    static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                     {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    struct engine e;
    char *orig = read_fixture("harbour"), *follow = read_fixture("harbour_followup");
    char *docs[3];
    size_t three = 3, k;
    int o;
    wc_buf f = WC_BUF_INIT;

    (void)state;
    docs[0] = orig;
    docs[1] = filter_paragraphs(orig, keep_first_n, &three); /* T */
    /* F: T's two paragraphs, then the follow-up's own body (without its headline) */
    assert_int_equal(wc_buf_addstr(&f, docs[1]), WC_OK);
    assert_int_equal(wc_buf_addstr(&f, strstr(follow, "\n\n")), WC_OK);
    docs[2] = wc_buf_detach(&f, NULL);

    engine_init(&e);
    {
        /* the premise: T is a copy of both, O and F are not copies */
        wc_fprint a, b;
        wc_similarity sim;
        wc_error err = WC_ERROR_INIT;
        assert_int_equal(wc_fp_compute(e.w, docs[0], strlen(docs[0]), &a, &err), WC_OK);
        assert_int_equal(wc_fp_compute(e.w, docs[2], strlen(docs[2]), &b, &err), WC_OK);
        wc_fprint_similarity(&a, &b, &sim);
        assert_false(wc_fp_is_copy(&e.p, &sim));
        assert_int_equal(wc_fp_compute(e.w, docs[1], strlen(docs[1]), &a, &err), WC_OK);
        wc_fprint_similarity(&a, &b, &sim);
        assert_true(wc_fp_is_copy(&e.p, &sim));
    }
    for (o = 0; o < 6; o++) {
        int64_t cl[3];
        engine_reset(&e);
        for (k = 0; k < 3; k++)
            add(&e, (int64_t)k + 1, docs[orders[o][k]]);
        for (k = 0; k < 3; k++)
            cl[orders[o][k]] = cluster_of(&e, (int64_t)k + 1);
        if (cl[0] == cl[2])
            fail_msg("order %d%d%d: original and follow-up chained into one cluster", orders[o][0],
                     orders[o][1], orders[o][2]);
        assert_true(cl[1] == cl[0] || cl[1] == cl[2]);
    }
    for (k = 1; k < 3; k++)
        free(docs[k]);
    free(orig);
    free(follow);
    engine_free(&e);
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/*
 * Order independence on a small set: four stories with five copies each and
 * the three harbour negatives, in 25 seeded orders: the partition is the
 * same every time, and it is the true one.
 */
static void test_order_independence(void **state)
{
    static const size_t copy_ops[] = {0, 1, 2, 3, 6}; /* boilerplate, headline, cut, drop, note */
    struct engine e;
    char *text[64];
    int story[64];
    size_t n = 0, s, c, i, j, round;
    uint64_t seed = 2024;

    (void)state;
    for (s = 0; s < NSTORIES; s++) {
        char *orig = read_fixture(stories[s]);
        for (c = 0; c < sizeof(copy_ops) / sizeof(copy_ops[0]); c++) {
            text[n] = ops[copy_ops[c]].apply(orig);
            story[n++] = (int)s;
        }
        text[n] = orig;
        story[n++] = (int)s;
    }
    text[n] = read_fixture("harbour_other");
    story[n++] = 10;
    text[n] = read_fixture("harbour_followup");
    story[n++] = 11;
    text[n] = read_fixture("harbour_quote");
    story[n++] = 12;

    engine_init(&e);
    for (round = 0; round < 25; round++) {
        size_t order[64];
        int64_t cl[64];
        for (i = 0; i < n; i++)
            order[i] = i;
        for (i = n; i > 1; i--) {
            size_t k = (size_t)(rng_next(&seed) % i), t = order[i - 1];
            order[i - 1] = order[k];
            order[k] = t;
        }
        engine_reset(&e);
        for (i = 0; i < n; i++)
            add(&e, (int64_t)i + 1, text[order[i]]);
        for (i = 0; i < n; i++)
            cl[order[i]] = cluster_of(&e, (int64_t)i + 1);
        for (i = 0; i < n; i++)
            for (j = i + 1; j < n; j++)
                if ((cl[i] == cl[j]) != (story[i] == story[j]))
                    fail_msg("round %zu: documents %zu and %zu %s", round, i, j,
                             cl[i] == cl[j] ? "joined wrongly" : "split");
    }
    for (i = 0; i < n; i++)
        free(text[i]);
    engine_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_operation_finds_the_copy),
        cmocka_unit_test(test_hard_negatives_not_joined),
        cmocka_unit_test(test_chaining_resisted),
        cmocka_unit_test(test_order_independence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
