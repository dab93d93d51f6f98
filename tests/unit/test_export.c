/*
 * test_export.c - what export writes of stories, on a real database whose
 * stories are written through the store's writer API (the CLI cannot place
 * clusters without the story index): the JSONL record exactly, members
 * exactly as the cluster export writes them, the CSV rows with story and
 * cluster columns, the HTML report with the clusters nested, one story
 * alone, and the cluster export naming each cluster's story.
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

#include "wirecopy/export.h"
#include "wirecopy/store.h"
#include "store/store_writer.h"
#include "wc_test.h"

static const uint8_t hash[16] = {9};

static void put_doc(wc_store *s, int64_t id, int64_t cluster, int64_t published, const char *site,
                    const char *title, double similarity)
{
    static char keys[16][16];
    wc_error err = WC_ERROR_INIT;
    wc_doc d;

    memset(&d, 0, sizeof(d));
    snprintf(keys[id], sizeof(keys[id]), "d%lld", (long long)id);
    d.id = id;
    d.doc_key = keys[id];
    d.source = WC_SOURCE_JSONL;
    d.origin_id = keys[id];
    d.url = NULL;
    d.fetched_at = INT64_MIN;
    d.published_at = published;
    d.modified_at = INT64_MIN;
    d.title = title;
    d.site = site;
    d.text = "text";
    d.text_len = 4;
    d.word_count = 1;
    d.content_hash = hash;
    d.cluster_id = cluster;
    d.match_kind = id == cluster ? WC_MATCH_NEW : WC_MATCH_NEAR;
    d.similarity = similarity;
    d.fprint = "fp";
    d.fprint_len = 2;
    assert_int_equal(wc_store_insert_doc(s, &d, &err), WC_OK);
}

/*
 * story 1: cluster 1 (docs 1, 2 on a and b, t 3600 and 7200) and cluster 3
 * (doc 3 on c, "=evil" title, t 0: the earliest, similarity 0.61234);
 * story 4: cluster 4 (doc 4, undated); cluster 5: not placed.
 */
static void build(const char *path)
{
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_cluster_info c1 = {1, 1, 2, 3600, 7200}, c3 = {3, 3, 1, 0, 0},
                    c4 = {4, 4, 1, INT64_MIN, INT64_MIN}, c5 = {5, 5, 1, 60, 60};
    wc_story_info s1 = {1, 2, 3, 0, 7200}, s4 = {4, 1, 1, INT64_MIN, INT64_MIN};

    assert_int_equal(wc_store_open(path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_store_begin(s, &err), WC_OK);
    put_doc(s, 1, 1, 3600, "a", "One", 1.0);
    put_doc(s, 2, 1, 7200, "b", "One again", 0.9);
    put_doc(s, 3, 3, 0, "c", "=evil", 1.0);
    put_doc(s, 4, 4, INT64_MIN, NULL, NULL, 1.0);
    put_doc(s, 5, 5, 60, "a", "Alone", 1.0);
    assert_int_equal(wc_store_put_cluster(s, &c1, &err), WC_OK);
    assert_int_equal(wc_store_put_cluster(s, &c3, &err), WC_OK);
    assert_int_equal(wc_store_put_cluster(s, &c4, &err), WC_OK);
    assert_int_equal(wc_store_put_cluster(s, &c5, &err), WC_OK);
    assert_int_equal(wc_store_put_story(s, &s1, &err), WC_OK);
    assert_int_equal(wc_store_put_story(s, &s4, &err), WC_OK);
    assert_int_equal(wc_store_set_cluster_story(s, 1, 1, 1.0, &err), WC_OK);
    assert_int_equal(wc_store_set_cluster_story(s, 3, 1, 0.61234, &err), WC_OK);
    assert_int_equal(wc_store_set_cluster_story(s, 4, 4, 1.0, &err), WC_OK);
    assert_int_equal(wc_store_commit(s, &err), WC_OK);
    wc_store_close(s);
}

/* Run an export into a string (malloc'd); *n counts what wc_export says it wrote. */
static char *run(const char *path, const wc_export_opts *o, int64_t *nrows, int64_t *nmem)
{
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);

    assert_non_null(out);
    assert_int_equal(wc_store_open(path, WC_STORE_READONLY, 0, &s, &err), WC_OK);
    assert_int_equal(wc_export(s, o, out, nrows, nmem, &err), WC_OK);
    wc_store_close(s);
    fclose(out);
    return buf;
}

#define MEMBERS_1                                                                                  \
    "[{\"id\":\"d1\",\"url\":null,\"site\":\"a\",\"title\":\"One\","                               \
    "\"published\":\"1970-01-01T01:00:00Z\",\"fetched\":null,\"similarity\":1.0},"                 \
    "{\"id\":\"d2\",\"url\":null,\"site\":\"b\",\"title\":\"One again\","                          \
    "\"published\":\"1970-01-01T02:00:00Z\",\"fetched\":null,\"similarity\":0.9}]"
#define MEMBERS_3                                                                                  \
    "[{\"id\":\"d3\",\"url\":null,\"site\":\"c\",\"title\":\"=evil\","                             \
    "\"published\":\"1970-01-01T00:00:00Z\",\"fetched\":null,\"similarity\":1.0}]"

static void test_story_jsonl_record(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_export_opts o = {WC_EXPORT_JSONL, 1, WC_ORDER_ID, 0, false, true};
    int64_t nrows = 0, nmem = 0;
    char *got;

    build(f->path);
    got = run(f->path, &o, &nrows, &nmem);
    assert_string_equal(
        got, "{\"story\":1,\"size\":3,\"title\":\"=evil\","
             "\"first_seen\":\"1970-01-01T00:00:00Z\","
             "\"last_seen\":\"1970-01-01T02:00:00Z\",\"sites\":[\"c\",\"a\",\"b\"],"
             "\"clusters\":[{\"cluster\":3,\"size\":1,\"similarity\":0.6123,"
             "\"members\":" MEMBERS_3 "},"
             "{\"cluster\":1,\"size\":2,\"similarity\":1.0,\"members\":" MEMBERS_1 "}]}\n"
             "{\"story\":4,\"size\":1,\"title\":null,\"first_seen\":null,"
             "\"last_seen\":null,\"sites\":[],\"clusters\":[{\"cluster\":4,\"size\":1,"
             "\"similarity\":1.0,\"members\":[{\"id\":\"d4\",\"url\":null,"
             "\"site\":null,\"title\":null,\"published\":null,\"fetched\":null,"
             "\"similarity\":1.0}]}]}\n");
    assert_int_equal(nrows, 2);
    assert_int_equal(nmem, 4);
    free(got);
    /* the default, two documents or more; and the order by size */
    o.min_size = 2;
    o.order = WC_ORDER_SIZE;
    got = run(f->path, &o, &nrows, &nmem);
    assert_int_equal(nrows, 1);
    assert_non_null(strstr(got, "{\"story\":1,"));
    free(got);
}

/* The cluster export names each cluster's story; members are the same bytes as in a story. */
static void test_cluster_jsonl_names_its_story(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_export_opts o = {WC_EXPORT_JSONL, 1, WC_ORDER_ID, 0, false, false};
    int64_t nrows = 0, nmem = 0;
    char *got;

    build(f->path);
    got = run(f->path, &o, &nrows, &nmem);
    assert_int_equal(nrows, 4);
    assert_non_null(strstr(got, "{\"cluster\":1,\"size\":2,\"title\":\"One\","
                                "\"first_seen\":\"1970-01-01T01:00:00Z\","
                                "\"last_seen\":\"1970-01-01T02:00:00Z\",\"story\":1,"
                                "\"members\":" MEMBERS_1 "}\n"));
    assert_non_null(strstr(got, "\"story\":1,\"members\":" MEMBERS_3 "}\n"));
    assert_non_null(strstr(got, "{\"cluster\":5,\"size\":1,\"title\":\"Alone\","
                                "\"first_seen\":\"1970-01-01T00:01:00Z\","
                                "\"last_seen\":\"1970-01-01T00:01:00Z\",\"story\":null,"));
    free(got);
}

static void test_story_csv_and_html(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_export_opts o = {WC_EXPORT_CSV, 1, WC_ORDER_ID, 0, false, true};
    int64_t nrows = 0, nmem = 0;
    char *got, *h3;

    build(f->path);
    got = run(f->path, &o, &nrows, &nmem);
    assert_string_equal(
        got, "story,story_size,story_clusters,story_title,story_first_seen,story_last_seen,"
             "cluster,cluster_size,cluster_title,cluster_first_seen,cluster_last_seen,"
             "story_similarity,member_id,doc_id,url,site,title,published,fetched,similarity,"
             "is_original\n"
             "1,3,2,\"'=evil\",1970-01-01T00:00:00Z,1970-01-01T02:00:00Z,3,1,\"'=evil\","
             "1970-01-01T00:00:00Z,1970-01-01T00:00:00Z,0.6123,d3,3,,c,\"'=evil\","
             "1970-01-01T00:00:00Z,,1.0000,1\r\n"
             "1,3,2,\"'=evil\",1970-01-01T00:00:00Z,1970-01-01T02:00:00Z,1,2,One,"
             "1970-01-01T01:00:00Z,1970-01-01T02:00:00Z,1.0000,d1,1,,a,One,"
             "1970-01-01T01:00:00Z,,1.0000,1\r\n"
             "1,3,2,\"'=evil\",1970-01-01T00:00:00Z,1970-01-01T02:00:00Z,1,2,One,"
             "1970-01-01T01:00:00Z,1970-01-01T02:00:00Z,1.0000,d2,2,,b,One again,"
             "1970-01-01T02:00:00Z,,0.9000,0\r\n"
             "4,1,1,,,,4,1,,,,1.0000,d4,4,,,,,,1.0000,1\r\n");
    free(got);
    /* the cluster CSV has a story column (empty: not placed) */
    o.stories = false;
    got = run(f->path, &o, &nrows, &nmem);
    assert_true(!strncmp(got, wc_export_csv_header, strlen(wc_export_csv_header)));
    assert_non_null(strstr(got, "\n1,2,One,1970-01-01T01:00:00Z,1970-01-01T02:00:00Z,1,d1,"));
    assert_non_null(strstr(got, "\n5,1,Alone,1970-01-01T00:01:00Z,1970-01-01T00:01:00Z,,d5,"));
    free(got);

    /* HTML: a section per story, its clusters nested in time order, escaped */
    o.format = WC_EXPORT_HTML;
    o.stories = true;
    got = run(f->path, &o, &nrows, &nmem);
    assert_non_null(strstr(got, "<title>wirecopy: stories</title>"));
    assert_non_null(strstr(got, "<section id=\"s1\"><h2>=evil</h2>"));
    assert_non_null(strstr(got, "story 1 &middot; 3 documents in 2 copy clusters"));
    assert_non_null(strstr(got, "sites: c, a, b"));
    h3 = strstr(got, "<div class=\"cluster\" id=\"c3\">");
    assert_non_null(h3);
    assert_true(h3 < strstr(got, "<div class=\"cluster\" id=\"c1\">"));
    assert_true(strstr(got, "<div class=\"cluster\" id=\"c1\">") < strstr(got, "</section>"));
    assert_non_null(strstr(h3, "similarity 0.612"));
    assert_non_null(strstr(got, "2 stories, 4 documents"));
    free(got);
    o.stories = false;
    got = run(f->path, &o, &nrows, &nmem);
    assert_non_null(strstr(got, "<title>wirecopy: copy clusters</title>"));
    assert_non_null(strstr(got, "cluster 1 &middot; 2 copies &middot; story 1 &middot;"));
    free(got);
}

static void test_one_story(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;
    char *buf = NULL;
    size_t len = 0;
    FILE *out;

    build(f->path);
    assert_int_equal(wc_store_open(f->path, WC_STORE_READONLY, 0, &s, &err), WC_OK);
    out = open_memstream(&buf, &len);
    assert_int_equal(wc_export_story(s, 4, WC_EXPORT_JSONL, out, &err), WC_OK);
    assert_int_equal(wc_export_story(s, 5, WC_EXPORT_JSONL, out, &err), WC_ERR_NOTFOUND);
    assert_int_equal(wc_export_story(s, 1, WC_EXPORT_CSV, out, &err), WC_OK);
    fclose(out);
    assert_true(!strncmp(buf, "{\"story\":4,\"size\":1,", 20));
    assert_non_null(strstr(buf, "}]}]}\n1,3,2,\"'=evil\","));
    free(buf);
    wc_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        WC_TEST_IN_TMPDIR(test_story_jsonl_record),
        WC_TEST_IN_TMPDIR(test_cluster_jsonl_names_its_story),
        WC_TEST_IN_TMPDIR(test_story_csv_and_html),
        WC_TEST_IN_TMPDIR(test_one_story),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
