/*
 * test_store_stories.c - the story level of the store on a real SQLite
 * file: the writer's rows (stories, cluster links, profiles) and the
 * start-up scans made of them, the readers (listing with its "worth a
 * look" filter, one story, its clusters in time order, its sites), the
 * cluster rows naming their story, what a cluster upsert, a merge and the
 * two clears keep and drop, the views for the sqlite3 shell, and the
 * migration of a version-3 database (tests/data/store/v3.sql, written by
 * the wirecopy before stories).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "wirecopy/store.h"
#include "wirecopy/store_stories.h"
#include "store/store_writer.h"
#include "wc_test.h"

static int64_t sql_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    int64_t v = -1;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

/* The rows of sql as "a|b|c" lines joined by ";" (NULL as "-"). */
static void sql_rows_are(const char *path, const char *sql, const char *want)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    char got[1024] = "";
    size_t n = 0;
    int i;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    while (sqlite3_step(q) == SQLITE_ROW) {
        for (i = 0; i < sqlite3_column_count(q); i++) {
            const char *t = (const char *)sqlite3_column_text(q, i);
            n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s",
                                  i   ? "|"
                                  : n ? ";"
                                      : "",
                                  t ? t : "-");
            assert_true(n < sizeof(got));
        }
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    assert_string_equal(got, want);
}

static const uint8_t hash[16] = {7};

/* A document with the given id, cluster, time, site and title. */
static wc_doc doc(int64_t id, int64_t cluster, int64_t published, const char *site,
                  const char *title)
{
    wc_doc d;
    static char keys[64][16];

    memset(&d, 0, sizeof(d));
    assert_true(id < 64);
    snprintf(keys[id], sizeof(keys[id]), "id:%lld", (long long)id);
    d.id = id;
    d.doc_key = keys[id];
    d.source = WC_SOURCE_JSONL;
    d.origin = "/data/x.jsonl";
    d.origin_line = (uint64_t)id;
    d.origin_id = keys[id];
    d.fetched_at = INT64_MIN;
    d.published_at = published;
    d.modified_at = INT64_MIN;
    d.title = title;
    d.site = site;
    d.lang = "en";
    d.text = "the text of a document that has no title of its own at all";
    d.text_len = strlen(d.text);
    d.word_count = 13;
    d.content_hash = hash;
    d.cluster_id = cluster;
    d.match_kind = id == cluster ? WC_MATCH_NEW : WC_MATCH_EXACT;
    d.match_similarity = 1;
    d.similarity = 1;
    d.fprint = "blob";
    d.fprint_len = 4;
    return d;
}

static void put_doc(wc_store *s, int64_t id, int64_t cluster, int64_t published, const char *site,
                    const char *title)
{
    wc_error err = WC_ERROR_INIT;
    wc_doc d = doc(id, cluster, published, site, title);

    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
}

static void put_cluster(wc_store *s, int64_t id, int64_t original, int64_t size, int64_t first,
                        int64_t last)
{
    wc_error err = WC_ERROR_INIT;
    wc_cluster_info c = {id, original, size, first, last};

    assert_int_equal(wc_store_put_cluster(s, &c, &err), WC_OK);
}

static void put_story(wc_store *s, int64_t id, int64_t clusters, int64_t size, int64_t first,
                      int64_t last)
{
    wc_error err = WC_ERROR_INIT;
    wc_story_info r = {id, clusters, size, first, last};

    assert_int_equal(wc_store_put_story(s, &r, &err), WC_OK);
}

static void place(wc_store *s, int64_t cluster, int64_t story, double similarity)
{
    wc_error err = WC_ERROR_INIT;

    assert_int_equal(wc_store_set_cluster_story(s, cluster, story, similarity, &err), WC_OK);
}

/*
 * The database most tests start from:
 *
 *   story 1: cluster 1 (docs 1, 2: alpha, beta; t 100..200), placed first,
 *            and cluster 3 (doc 3: gamma; t 50, so it is the earliest:
 *            the story's title is its original's), similarity 0.8
 *   story 4: cluster 4 (docs 4, 5, both on alpha: one voice on one site)
 *   story 6: cluster 6 (docs 6, 7 on delta and epsilon, untitled)
 *   story 8: cluster 8 (doc 8, undated, no site), a single document
 *   cluster 9 (doc 9): not placed (ingested with --no-stories)
 */
static void build(wc_store *s)
{
    wc_error err = WC_ERROR_INIT;

    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    put_doc(s, 1, 1, 100, "alpha", "Harbour budget passes");
    put_doc(s, 2, 1, 200, "beta", "Budget passes");
    put_cluster(s, 1, 1, 2, 100, 200);
    put_doc(s, 3, 3, 50, "gamma", "Ferry operator warns");
    put_cluster(s, 3, 3, 1, 50, 50);
    put_doc(s, 4, 4, 300, "alpha", "Bake sale");
    put_doc(s, 5, 4, 310, "alpha", "Bake sale");
    put_cluster(s, 4, 4, 2, 300, 310);
    put_doc(s, 6, 6, 400, "delta", NULL);
    put_doc(s, 7, 6, 410, "epsilon", NULL);
    put_cluster(s, 6, 6, 2, 400, 410);
    put_doc(s, 8, 8, INT64_MIN, NULL, "Undated note");
    put_cluster(s, 8, 8, 1, INT64_MIN, INT64_MIN);
    put_doc(s, 9, 9, 500, "alpha", "Not placed");
    put_cluster(s, 9, 9, 1, 500, 500);

    put_story(s, 1, 2, 3, 50, 200);
    place(s, 1, 1, 1.0);
    place(s, 3, 1, 0.8);
    put_story(s, 4, 1, 2, 300, 310);
    place(s, 4, 4, 1.0);
    put_story(s, 6, 1, 2, 400, 410);
    place(s, 6, 6, 1.0);
    put_story(s, 8, 1, 1, INT64_MIN, INT64_MIN);
    place(s, 8, 8, 1.0);
    assert_int_equal(wc_store_put_story_profile(s, 1, "p-one", 5, &err), WC_OK);
    assert_int_equal(wc_store_put_story_profile(s, 3, "p-three", 7, &err), WC_OK);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);
}

/* The ids a story listing gives, as "1,4,6". */
static void listing_is(wc_store *s, int64_t min_size, enum wc_cluster_order order, int64_t limit,
                       unsigned flags, const char *want)
{
    wc_story_iter *it = NULL;
    wc_story_row row;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    char got[256] = "";
    size_t n = 0;

    assert_int_equal(wc_store_stories(s, min_size, order, limit, flags, &it, &err), WC_OK);
    while ((st = wc_story_iter_next(it, &row, &err)) == WC_OK)
        n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%lld", n ? "," : "", (long long)row.id);
    assert_int_equal(st, WC_DONE);
    wc_story_iter_free(it);
    assert_string_equal(got, want);
}

static void test_story_listing(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_story_iter *it = NULL;
    wc_story_row row;
    wc_store_stats counts;

    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    build(s);

    /* the counts of `stats` */
    assert_int_equal(wc_store_get_stats(s, &counts, &err), WC_OK);
    assert_int_equal(counts.stories, 4);
    assert_int_equal(counts.stories_multi, 1);

    /* every story (export --min-size 1), and by documents (the default of export: 2) */
    listing_is(s, 1, WC_ORDER_ID, 0, 0, "1,4,6,8");
    listing_is(s, 2, WC_ORDER_ID, 0, 0, "1,4,6");
    listing_is(s, 1, WC_ORDER_SIZE, 0, 0, "1,4,6,8");
    listing_is(s, 1, WC_ORDER_RECENT, 0, 0, "6,4,1,8"); /* the undated last */
    listing_is(s, 1, WC_ORDER_RECENT, 2, 0, "6,4");
    /* worth a look: two clusters (1), or two sites (6); not one voice on one site (4), nor a
       single document (8) */
    listing_is(s, 1, WC_ORDER_ID, 0, WC_STORIES_MULTI, "1,6");
    listing_is(s, 3, WC_ORDER_ID, 0, WC_STORIES_MULTI | WC_STORIES_SITES, "1");

    /* a story's row: title of its earliest cluster's original (cluster 3, t 50) */
    assert_int_equal(wc_store_stories(s, 1, WC_ORDER_ID, 0, WC_STORIES_SITES, &it, &err), WC_OK);
    assert_int_equal(wc_story_iter_next(it, &row, &err), WC_OK);
    assert_int_equal(row.id, 1);
    assert_int_equal(row.size, 3);
    assert_int_equal(row.clusters, 2);
    assert_int_equal(row.first_seen, 50);
    assert_int_equal(row.last_seen, 200);
    assert_string_equal(row.title, "Ferry operator warns");
    assert_null(row.lead);
    assert_string_equal(row.sites, "gamma, alpha, beta"); /* earliest first */
    assert_int_equal(row.site_count, 3);
    assert_int_equal(wc_story_iter_next(it, &row, &err), WC_OK);
    assert_int_equal(row.id, 4);
    assert_string_equal(row.sites, "alpha");
    assert_int_equal(row.site_count, 1);
    assert_int_equal(wc_story_iter_next(it, &row, &err), WC_OK);
    assert_int_equal(row.id, 6);
    assert_null(row.title); /* untitled: a listing shows the start of the text */
    assert_non_null(row.lead);
    assert_true(!strncmp(row.lead, "the text of a document", 22));
    assert_int_equal(wc_story_iter_next(it, &row, &err), WC_OK);
    assert_int_equal(row.id, 8);
    assert_true(row.first_seen == INT64_MIN && row.last_seen == INT64_MIN);
    assert_string_equal(row.sites, "");
    assert_int_equal(row.site_count, 0);
    assert_int_equal(wc_story_iter_next(it, &row, &err), WC_DONE);
    wc_story_iter_free(it);

    /* without sites, an export's listing reads no sites and no lead */
    assert_int_equal(wc_store_stories(s, 2, WC_ORDER_ID, 1, 0, &it, &err), WC_OK);
    assert_int_equal(wc_story_iter_next(it, &row, &err), WC_OK);
    assert_null(row.sites);
    assert_int_equal(row.site_count, 0);
    assert_null(row.lead);
    assert_string_equal(row.title, "Ferry operator warns");
    wc_story_iter_free(it);
    wc_store_close(s);
}

struct sites {
    char list[512];
    int n;
};

static wc_status collect_site(void *ctx, const char *site)
{
    struct sites *l = ctx;
    size_t at = strlen(l->list);

    snprintf(l->list + at, sizeof(l->list) - at, "%s%s", l->n++ ? " " : "", site);
    return l->n == 100 ? WC_ERR_LIMIT : WC_OK;
}

static void test_one_story_its_clusters_and_sites(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_story_row row;
    wc_cluster_iter *it = NULL;
    wc_cluster_row c;
    wc_buf strings = WC_BUF_INIT;
    struct sites l;
    int i;

    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    build(s);

    assert_int_equal(wc_store_story_get(s, 1, &row, &strings, &err), WC_OK);
    assert_int_equal(row.size, 3);
    assert_int_equal(row.clusters, 2);
    assert_string_equal(row.title, "Ferry operator warns");
    assert_string_equal(row.sites, "gamma, alpha, beta");
    assert_int_equal(row.site_count, 3);
    assert_null(row.lead);
    assert_int_equal(wc_store_story_get(s, 9, &row, &strings, &err), WC_ERR_NOTFOUND);
    assert_non_null(strstr(err.msg, "no story 9"));

    /* its clusters in time order: cluster 3 (t 50) before the founding cluster 1 */
    assert_int_equal(wc_store_story_clusters(s, 1, true, &it, &err), WC_OK);
    assert_int_equal(wc_cluster_iter_next(it, &c, &err), WC_OK);
    assert_int_equal(c.id, 3);
    assert_int_equal(c.story_id, 1);
    assert_true(c.story_similarity > 0.799 && c.story_similarity < 0.801);
    assert_string_equal(c.sites, "gamma");
    assert_int_equal(wc_cluster_iter_next(it, &c, &err), WC_OK);
    assert_int_equal(c.id, 1);
    assert_int_equal(c.size, 2);
    assert_true(c.story_similarity == 1.0);
    assert_string_equal(c.title, "Harbour budget passes");
    assert_string_equal(c.sites, "alpha, beta");
    assert_int_equal(wc_cluster_iter_next(it, &c, &err), WC_DONE);
    wc_cluster_iter_free(it);
    /* no story, no clusters */
    assert_int_equal(wc_store_story_clusters(s, 9, false, &it, &err), WC_OK);
    assert_int_equal(wc_cluster_iter_next(it, &c, &err), WC_DONE);
    wc_cluster_iter_free(it);

    /* a story's sites: the listing cuts at six, the full list is uncut */
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    for (i = 0; i < 8; i++) {
        char site[16];
        snprintf(site, sizeof(site), "site%d", i);
        put_doc(s, 20 + i, 20 + i, 1000 + i, site, "Wide");
        put_cluster(s, 20 + i, 20 + i, 1, 1000 + i, 1000 + i);
        place(s, 20 + i, 20, i ? 0.5 : 1.0);
    }
    put_story(s, 20, 8, 8, 1000, 1007);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);
    assert_int_equal(wc_store_story_get(s, 20, &row, &strings, &err), WC_OK);
    assert_string_equal(row.sites, "site0, site1, site2, site3, site4, site5, ...");
    assert_int_equal(row.site_count, 8);
    memset(&l, 0, sizeof(l));
    assert_int_equal(wc_store_story_sites(s, 20, collect_site, &l, &err), WC_OK);
    assert_string_equal(l.list, "site0 site1 site2 site3 site4 site5 site6 site7");
    /* the callback's status stops the walk and comes back */
    memset(&l, 0, sizeof(l));
    l.n = 98;
    assert_int_equal(wc_store_story_sites(s, 20, collect_site, &l, &err), WC_ERR_LIMIT);
    assert_int_equal(l.n, 100);
    wc_buf_release(&strings);
    wc_store_close(s);
}

/* The cluster readers name each cluster's story; an unplaced cluster has story 0. */
static void test_cluster_rows_name_their_story(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_cluster_iter *it = NULL;
    wc_cluster_row c;
    wc_buf strings = WC_BUF_INIT;
    int64_t want[10] = {0, 1, 0, 1, 4, 0, 6, 0, 8, 0};
    int n = 0;

    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    build(s);
    assert_int_equal(wc_store_clusters(s, 1, WC_ORDER_ID, 0, true, &it, &err), WC_OK);
    while (wc_cluster_iter_next(it, &c, &err) == WC_OK) {
        assert_int_equal(c.story_id, want[c.id]);
        if (c.id == 9)
            assert_true(c.story_similarity == 0.0);
        n++;
    }
    wc_cluster_iter_free(it);
    assert_int_equal(n, 6);
    assert_int_equal(wc_store_cluster_get(s, 3, &c, &strings, &err), WC_OK);
    assert_int_equal(c.story_id, 1);
    assert_true(c.story_similarity > 0.799 && c.story_similarity < 0.801);
    assert_int_equal(wc_store_cluster_get(s, 9, &c, &strings, &err), WC_OK);
    assert_int_equal(c.story_id, 0);
    wc_buf_release(&strings);
    wc_store_close(s);
}

struct scan {
    int n;
    int64_t id[16], story[16];
    double similarity[16];
    char blob[16][16];
    wc_story_info stories[16];
};

static wc_status collect_cluster(void *ctx, const wc_cluster_info *row, int64_t story_id,
                                 double similarity, const void *blob, size_t len)
{
    struct scan *sc = ctx;

    if (sc->n == 16 || len >= sizeof(sc->blob[0]))
        return WC_ERR_LIMIT;
    assert_true((blob == NULL) == (len == 0));
    sc->id[sc->n] = row->id;
    sc->story[sc->n] = story_id;
    sc->similarity[sc->n] = similarity;
    if (blob)
        memcpy(sc->blob[sc->n], blob, len);
    sc->blob[sc->n++][len] = '\0';
    return WC_OK;
}

static wc_status collect_story(void *ctx, const wc_story_info *row)
{
    struct scan *sc = ctx;

    if (sc->n == 16)
        return WC_ERR_LIMIT;
    sc->stories[sc->n++] = *row;
    return WC_OK;
}

static wc_status stop_at_two(void *ctx, const wc_cluster_info *row, int64_t story_id,
                             double similarity, const void *blob, size_t len)
{
    int *n = ctx;

    (void)row, (void)story_id, (void)similarity, (void)blob, (void)len;
    return ++*n == 2 ? WC_ERR_INTERRUPTED : WC_OK;
}

/* What a run starts from: every cluster with its link and profile, every story row. */
static void test_start_up_scans(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    struct scan sc;
    wc_story_info one = {1, 2, 3, 50, 200}, eight = {8, 1, 1, INT64_MIN, INT64_MIN};
    int n = 0;

    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    build(s);
    memset(&sc, 0, sizeof(sc));
    assert_int_equal(wc_store_each_story_cluster(s, collect_cluster, &sc, &err), WC_OK);
    assert_int_equal(sc.n, 6);
    assert_int_equal(sc.id[0], 1); /* ascending id */
    assert_int_equal(sc.story[0], 1);
    assert_string_equal(sc.blob[0], "p-one");
    assert_int_equal(sc.id[1], 3);
    assert_true(sc.similarity[1] > 0.799 && sc.similarity[1] < 0.801);
    assert_string_equal(sc.blob[1], "p-three");
    assert_int_equal(sc.id[2], 4);
    assert_string_equal(sc.blob[2], ""); /* no profile stored */
    assert_int_equal(sc.id[5], 9);
    assert_int_equal(sc.story[5], 0); /* not placed */
    assert_true(sc.similarity[5] == 0.0);
    assert_int_equal(wc_store_each_story_cluster(s, stop_at_two, &n, &err), WC_ERR_INTERRUPTED);

    memset(&sc, 0, sizeof(sc));
    assert_int_equal(wc_store_each_story(s, collect_story, &sc, &err), WC_OK);
    assert_int_equal(sc.n, 4);
    assert_memory_equal(&sc.stories[0], &one, sizeof(one));
    assert_int_equal(sc.stories[1].id, 4);
    assert_int_equal(sc.stories[2].id, 6);
    assert_memory_equal(&sc.stories[3], &eight, sizeof(eight));
    wc_store_close(s);
}

/* The fields a profile is made of: the founder's, else (founder gone) the original's. */
static void test_story_source(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_story_source src;
    wc_buf strings;

    wc_buf_init(&strings, 1 << 20);
    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    build(s);
    assert_int_equal(wc_store_story_source(s, 3, &src, &strings, &err), WC_OK);
    assert_string_equal(src.title, "Ferry operator warns");
    assert_string_equal(src.lang, "en");
    assert_int_equal(src.text_len, strlen("the text of a document that has no title of its own "
                                          "at all"));
    assert_memory_equal(src.text, "the text of a document", 22);
    assert_int_equal(src.published_at, 50);
    /* untitled, undated */
    assert_int_equal(wc_store_story_source(s, 6, &src, &strings, &err), WC_OK);
    assert_null(src.title);
    assert_int_equal(wc_store_story_source(s, 8, &src, &strings, &err), WC_OK);
    assert_true(src.published_at == INT64_MIN);
    /* cluster 30, whose founder 30 is not stored: its original, 31 */
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    put_doc(s, 31, 30, 700, "zeta", "The original");
    put_cluster(s, 30, 31, 1, 700, 700);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);
    assert_int_equal(wc_store_story_source(s, 30, &src, &strings, &err), WC_OK);
    assert_string_equal(src.title, "The original");
    assert_int_equal(src.published_at, 700);
    assert_int_equal(wc_store_story_source(s, 40, &src, &strings, &err), WC_ERR_NOTFOUND);
    /* the caller's cap bounds a document */
    wc_buf_release(&strings);
    wc_buf_init(&strings, 16);
    assert_int_equal(wc_store_story_source(s, 3, &src, &strings, &err), WC_ERR_LIMIT);
    wc_buf_release(&strings);
    wc_store_close(s);
}

/*
 * A cluster's row is written again as it grows: the upsert keeps its story
 * link. A merge keeps into's link; the links of the story rows are the
 * story index's to fix.
 */
static void test_upsert_and_merge_keep_links(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;

    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    build(s);
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    put_doc(s, 10, 3, 60, "gamma", "A late copy");
    put_cluster(s, 3, 3, 2, 50, 60);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);
    sql_rows_are(f->path,
                 "SELECT id, size, last_seen, story_id, story_similarity FROM clusters "
                 "WHERE id = 3",
                 "3|2|60|1|0.8");

    /* cluster 4 absorbs cluster 6: 4 keeps its story, 6's row and link go */
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    assert_int_equal(wc_store_merge_clusters(s, 6, 4, &err), WC_OK);
    put_cluster(s, 4, 4, 4, 300, 410);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);
    sql_rows_are(f->path, "SELECT id, size, story_id FROM clusters WHERE id IN (4, 6)", "4|4|4");
    sql_rows_are(f->path, "SELECT count(*) FROM documents WHERE cluster_id = 4", "4");
    wc_store_close(s);
}

static void test_links_and_drops(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;

    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    build(s);
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    /* a link to a cluster whose row is not there is refused, not lost */
    assert_int_equal(wc_store_set_cluster_story(s, 77, 1, 0.5, &err), WC_ERR_NOTFOUND);
    assert_non_null(strstr(err.msg, "no cluster 77"));
    /* story 6 merged into story 1 by the story index: move the link, drop the row */
    place(s, 6, 1, 0.6);
    put_story(s, 1, 3, 5, 50, 410);
    assert_int_equal(wc_store_drop_story(s, 6, &err), WC_OK);
    assert_int_equal(wc_store_drop_story(s, 66, &err), WC_OK); /* none: no error */
    /* story 0 takes a cluster out of any */
    place(s, 8, 0, 0.0);
    assert_int_equal(wc_store_drop_story(s, 8, &err), WC_OK);
    /* a profile written again replaces the first; an empty one is stored as empty */
    assert_int_equal(wc_store_put_story_profile(s, 1, "p-uno", 5, &err), WC_OK);
    assert_int_equal(wc_store_put_story_profile(s, 9, NULL, 0, &err), WC_OK);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);
    sql_rows_are(f->path, "SELECT id, story_id, story_similarity FROM clusters ORDER BY id",
                 "1|1|1.0;3|1|0.8;4|4|1.0;6|1|0.6;8|-|-;9|-|-");
    sql_rows_are(f->path, "SELECT id, clusters, size FROM stories ORDER BY id", "1|3|5;4|1|2");
    sql_rows_are(f->path,
                 "SELECT doc_id, CAST(profile AS TEXT), length(profile) FROM "
                 "story_profiles ORDER BY doc_id",
                 "1|p-uno|5;3|p-three|7;9||0");
    listing_is(s, 1, WC_ORDER_ID, 0, WC_STORIES_MULTI, "1");
    wc_store_close(s);
}

/* clear_stories drops stories and links and keeps profiles; clear_clusters drops them all. */
static void test_clears(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;

    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    build(s);
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    assert_int_equal(wc_store_clear_stories(s, &err), WC_OK);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM stories"), 0);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM clusters"), 6);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM clusters WHERE story_id IS NOT NULL "
                                      "OR story_similarity IS NOT NULL"),
                     0);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM story_profiles"), 2);
    listing_is(s, 1, WC_ORDER_ID, 0, 0, "");

    /* placed again, then a copy-level recluster clears the clusters: the stories go too */
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    put_story(s, 1, 1, 2, 100, 200);
    place(s, 1, 1, 1.0);
    assert_int_equal(wc_store_clear_clusters(s, &err), WC_OK);
    put_cluster(s, 1, 1, 2, 100, 200);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM stories"), 0);
    sql_rows_are(f->path, "SELECT id, story_id FROM clusters", "1|-");
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM story_profiles"), 2);
    wc_store_close(s);
}

/* The views for the sqlite3 shell. */
static void test_views(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;

    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    build(s);
    wc_store_close(s);
    sql_rows_are(f->path,
                 "SELECT id, size, clusters, title, first_seen, last_seen, sites FROM story_list "
                 "ORDER BY id",
                 "1|3|2|Ferry operator warns|1970-01-01 00:00:50|1970-01-01 00:03:20|3;"
                 "4|2|1|Bake sale|1970-01-01 00:05:00|1970-01-01 00:05:10|1;"
                 "6|2|1|-|1970-01-01 00:06:40|1970-01-01 00:06:50|2;"
                 "8|1|1|Undated note|-|-|0");
    sql_rows_are(f->path,
                 "SELECT story_id, cluster_id, story_similarity, doc_id, member, site, title, "
                 "published, is_original FROM story_members WHERE story_id = 1 "
                 "ORDER BY cluster_id, doc_id",
                 "1|1|1.0|1|id:1|alpha|Harbour budget passes|1970-01-01 00:01:40|1;"
                 "1|1|1.0|2|id:2|beta|Budget passes|1970-01-01 00:03:20|0;"
                 "1|3|0.8|3|id:3|gamma|Ferry operator warns|1970-01-01 00:00:50|1");
    /* an unplaced cluster is in no story */
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM story_members WHERE cluster_id = 9"),
                     0);
}

/*
 * A version-3 database (before stories), as the wirecopy of that time wrote
 * it: a reader asks for a writer, a writer migrates it keeping every row,
 * and it has no stories yet; every cluster is unplaced and has no profile.
 */
static void test_migrates_a_version_3_database(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_cluster_iter *it = NULL;
    wc_cluster_row c;
    struct scan sc;
    wc_story_source src;
    wc_buf strings;

    wc_test_load_sql(f->path, "store/v3.sql");
    assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 3);
    assert_int_equal(wc_store_open(f->path, WC_STORE_READONLY, 0, &s, &err), WC_ERR_MISMATCH);
    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 4);
    assert_int_equal(WC_STORE_SCHEMA_VERSION, 4);
    /* the rows are kept */
    sql_rows_are(f->path, "SELECT id, cluster_id, site FROM documents ORDER BY id",
                 "1|1|alpha.example;2|1|beta.example;3|3|gamma.example;4|3|alpha.example;5|5|-");
    sql_rows_are(f->path,
                 "SELECT id, rep_id, size, story_id, story_similarity FROM clusters ORDER BY id",
                 "1|1|2|-|-;3|3|2|-|-;5|5|1|-|-");
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM signatures"), 5);
    /* and nothing is placed yet */
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM stories"), 0);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM story_profiles"), 0);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM story_list"), 0);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM story_members"), 0);
    listing_is(s, 1, WC_ORDER_ID, 0, 0, "");
    memset(&sc, 0, sizeof(sc));
    assert_int_equal(wc_store_each_story_cluster(s, collect_cluster, &sc, &err), WC_OK);
    assert_int_equal(sc.n, 3);
    assert_int_equal(sc.story[0] + sc.story[1] + sc.story[2], 0);
    assert_string_equal(sc.blob[1], "");
    /* the cluster readers still work, naming no story */
    assert_int_equal(wc_store_clusters(s, 2, WC_ORDER_ID, 0, true, &it, &err), WC_OK);
    assert_int_equal(wc_cluster_iter_next(it, &c, &err), WC_OK);
    assert_int_equal(c.id, 1);
    assert_int_equal(c.story_id, 0);
    assert_string_equal(c.sites, "alpha.example, beta.example");
    wc_cluster_iter_free(it);
    /* what its first profiles are made of */
    wc_buf_init(&strings, 1 << 20);
    assert_int_equal(wc_store_story_source(s, 3, &src, &strings, &err), WC_OK);
    assert_string_equal(src.title, "Ferry operator warns of cuts");
    assert_int_equal(src.published_at, 1709366400);
    wc_buf_release(&strings);
    /* and the story index can place them */
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    put_story(s, 1, 2, 4, 1709287200, 1709370000);
    place(s, 1, 1, 1.0);
    place(s, 3, 1, 0.7);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);
    listing_is(s, 1, WC_ORDER_ID, 0, WC_STORIES_MULTI, "1");
    wc_store_close(s);
    /* opened again, nothing more happens */
    assert_int_equal(wc_store_open(f->path, WC_STORE_READONLY, 0, &s, &err), WC_OK);
    listing_is(s, 1, WC_ORDER_ID, 0, 0, "1");
    wc_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        WC_TEST_IN_TMPDIR(test_story_listing),
        WC_TEST_IN_TMPDIR(test_one_story_its_clusters_and_sites),
        WC_TEST_IN_TMPDIR(test_cluster_rows_name_their_story),
        WC_TEST_IN_TMPDIR(test_start_up_scans),
        WC_TEST_IN_TMPDIR(test_story_source),
        WC_TEST_IN_TMPDIR(test_upsert_and_merge_keep_links),
        WC_TEST_IN_TMPDIR(test_links_and_drops),
        WC_TEST_IN_TMPDIR(test_clears),
        WC_TEST_IN_TMPDIR(test_views),
        WC_TEST_IN_TMPDIR(test_migrates_a_version_3_database),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
