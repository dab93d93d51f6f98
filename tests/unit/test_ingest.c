/*
 * test_ingest.c - the pipeline's contracts: results in input order whatever
 * the threads, wc_ingest_call runs after the records queued before it and
 * inside the same transaction, on_result sees every record, a stop commits
 * what was queued, the same records again add nothing, different
 * thread counts give the same database, and the stories a repair merges
 * inside a placement (before a sweep) are merged in the stored links.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "wirecopy/cluster.h"
#include "wirecopy/ingest.h"
#include "wirecopy/recluster.h"
#include "wirecopy/store.h"
#include "store/store_writer.h"
#include "story/story_index_internal.h" /* SX_SWEEP */
#include "wirecopy/wirecopy.h"
#include "wc_test.h"

/* Article i: story i % 7, so documents 7 apart are copies; a little noise per copy. */
static void article(int i, char *out, size_t n)
{
    int s = i % 7, k, len = 0;

    for (k = 0; k < 60; k++)
        len += snprintf(out + len, n - (size_t)len, "w%dx%d ", s, k * 13 % 97 + s);
    snprintf(out + len, n - (size_t)len, "\n\nbyline %d", i);
}

static wc_record text_record(const char *id, const char *text)
{
    return wc_test_text_record(id, text, strlen(text));
}

struct seen {
    int n;
    int64_t last_user;
    int in_order;
    int64_t docs_at_call; /* documents visible to the call */
};

static void on_result(void *ctx, const wc_ingest_result *r)
{
    struct seen *s = ctx;
    int64_t u = (int64_t)(intptr_t)r->user;

    if (u != s->last_user + 1)
        s->in_order = 0;
    s->last_user = u;
    s->n++;
}

static wc_status count_docs(void *ctx, wc_store *st, wc_error *err)
{
    struct seen *s = ctx;
    wc_store_stats stats;
    wc_status rc = wc_store_get_stats(st, &stats, err);

    s->docs_at_call = stats.documents;
    return rc;
}

static int64_t run(const char *db, unsigned threads, int n, struct seen *seen, int call_at)
{
    wc_store *s = NULL;
    wc_ingest *ing = NULL;
    wc_ingest_opts o;
    wc_ingest_stats st;
    wc_error err = WC_ERROR_INIT;
    char text[2048], id[32];
    int i;

    memset(&o, 0, sizeof(o));
    o.threads = threads;
    o.batch = 5;
    o.on_result = on_result;
    o.result_ctx = seen;
    assert_int_equal(wc_store_open(db, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_ingest_new(s, &o, &ing, &err), WC_OK);
    for (i = 0; i < n; i++) {
        wc_record r;
        if (i == call_at)
            assert_int_equal(wc_ingest_call(ing, count_docs, seen, &err), WC_OK);
        article(i, text, sizeof(text));
        snprintf(id, sizeof(id), "doc%d", i);
        r = text_record(id, text);
        assert_int_equal(wc_ingest_add(ing, &r, NULL, (void *)(intptr_t)(i + 1), &err), WC_OK);
    }
    assert_int_equal(wc_ingest_flush(ing, &err), WC_OK);
    wc_ingest_get_stats(ing, &st);
    assert_int_equal(wc_ingest_finish(ing, &err), WC_OK);
    {
        /* a finished run takes nothing more, and finishing again says the same */
        wc_record r = text_record("late", "a record queued after the run finished");
        assert_int_equal(wc_ingest_add(ing, &r, NULL, NULL, &err), WC_ERR_USAGE);
        assert_int_equal(wc_ingest_finish(ing, &err), WC_OK);
    }
    wc_ingest_free(ing);
    wc_store_close(s);
    return (int64_t)st.stored;
}

static void dump_db(const char *db, char *out, size_t n)
{
    sqlite3 *h;
    sqlite3_stmt *q;
    size_t len = 0;

    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT id, origin_id, cluster_id, match_kind FROM "
                                        "documents ORDER BY id",
                                        -1, &q, NULL),
                     SQLITE_OK);
    while (sqlite3_step(q) == SQLITE_ROW && len + 64 < n)
        len += (size_t)snprintf(out + len, n - len, "%lld %s %lld %d;",
                                (long long)sqlite3_column_int64(q, 0),
                                (const char *)sqlite3_column_text(q, 1),
                                (long long)sqlite3_column_int64(q, 2), sqlite3_column_int(q, 3));
    sqlite3_finalize(q);
    sqlite3_close(h);
}

static void test_results_in_order_and_call_sees_earlier_records(void **state)
{
    struct wc_test_tmpdir *f = *state;
    struct seen seen = {0, 0, 1, -1};

    assert_int_equal(run(f->path, 2, 40, &seen, 23), 40);
    assert_int_equal(seen.n, 40);
    assert_true(seen.in_order);
    /* the 23 records queued before the call were stored before it ran */
    assert_int_equal(seen.docs_at_call, 23);
}

static void test_copies_are_clustered(void **state)
{
    struct wc_test_tmpdir *f = *state;
    struct seen seen = {0, 0, 1, -1};
    wc_store *s = NULL;
    wc_store_stats st;
    wc_error err = WC_ERROR_INIT;

    run(f->path, 2, 35, &seen, -1);
    assert_int_equal(wc_store_open(f->path, WC_STORE_READONLY, 0, &s, &err), WC_OK);
    assert_int_equal(wc_store_get_stats(s, &st, &err), WC_OK);
    assert_int_equal(st.documents, 35);
    assert_int_equal(st.clusters, 7); /* seven stories, five copies each */
    assert_int_equal(st.largest_cluster, 5);
    wc_store_close(s);
}

static void test_again_adds_nothing(void **state)
{
    struct wc_test_tmpdir *f = *state;
    struct seen seen = {0, 0, 1, -1};

    assert_int_equal(run(f->path, 2, 20, &seen, -1), 20);
    seen.last_user = 0;
    assert_int_equal(run(f->path, 2, 20, &seen, -1), 0);
}

static void test_thread_count_does_not_change_the_result(void **state)
{
    struct wc_test_tmpdir *f = *state;
    struct seen seen = {0, 0, 1, -1};
    char a[8192], b[8192], db2[160];

    run(f->path, 1, 60, &seen, -1);
    snprintf(db2, sizeof(db2), "%s/t2.db", f->dir);
    seen.last_user = 0;
    run(db2, 4, 60, &seen, -1);
    dump_db(f->path, a, sizeof(a));
    dump_db(db2, b, sizeof(b));
    assert_string_equal(a, b);
}

static void test_stop_commits_what_was_queued(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_ingest *ing = NULL;
    wc_ingest_opts o;
    wc_error err = WC_ERROR_INIT;
    volatile sig_atomic_t stop = 0;
    char text[2048];
    wc_record r;
    wc_store_stats st;

    memset(&o, 0, sizeof(o));
    o.stop = &stop;
    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_ingest_new(s, &o, &ing, &err), WC_OK);
    article(1, text, sizeof(text));
    r = text_record("one", text);
    assert_int_equal(wc_ingest_add(ing, &r, NULL, NULL, &err), WC_OK);
    stop = 1;
    r = text_record("two", text);
    assert_int_equal(wc_ingest_add(ing, &r, NULL, NULL, &err), WC_ERR_INTERRUPTED);
    assert_int_equal(wc_ingest_flush(ing, &err), WC_ERR_INTERRUPTED);
    wc_ingest_free(ing);
    assert_int_equal(wc_store_get_stats(s, &st, &err), WC_OK);
    assert_int_equal(st.documents, 1);
    wc_store_close(s);
}

/* --- cluster rows and recluster, checked against their definitions -------------------- */

#define CORPUS_STORIES 13
#define CORPUS_DOCS 240

/* Paragraph p of story st: 30 seeded pseudo-words on one line. */
static size_t corpus_paragraph(char *out, size_t cap, int st, int p)
{
    uint64_t x = (uint64_t)(st * 1000 + p) * 0x9e3779b97f4a7c15ULL + 1;
    size_t len = 0;
    int k;

    for (k = 0; k < 30; k++) {
        x ^= x >> 29;
        x *= 0xbf58476d1ce4e5b9ULL;
        x ^= x >> 32;
        len += (size_t)snprintf(out + len, cap - len, "s%dw%llu%s", st,
                                (unsigned long long)(x % 5000), k + 1 < 30 ? " " : ".\n\n");
    }
    return len;
}

/*
 * Document i of a corpus made to move cluster rows every way: per story
 * (i % 13) a full text, a near copy, a cut copy (its first three
 * paragraphs), the rest without the lead (which founds a cluster of its
 * own until a full copy merges the two), an exact copy, a copy missing a
 * paragraph and a longer one (a new anchor), in an order that differs
 * from story to story. A fifth are undated, some have only a fetch time,
 * the rest are published on a few hours, so times tie and later arrivals
 * are often earlier: originals change.
 */
static void corpus_doc(int i, char *text, size_t cap, wc_record *r, char *id, size_t idcap)
{
    int half = CORPUS_DOCS / 2, block = (i - half) / CORPUS_STORIES, st = i % CORPUS_STORIES;
    int round, v, p, from = 0, to = 10;
    size_t len = 0;

    /* the second half alternates blocks of the first half's stories and of 13 new ones */
    if (i < half)
        round = i / CORPUS_STORIES;
    else if (block % 2 == 0)
        round = half / CORPUS_STORIES + block / 2;
    else
        st += CORPUS_STORIES, round = block / 2;
    /* a third of the stories come as a cut copy and the rest before any full copy */
    v = (round + (st % 3 == 0 ? 2 : st)) % 7;

    if (v == 2)
        to = 3;
    else if (v == 3)
        from = 3;
    else if (v == 6)
        to = 12;
    for (p = from; p < to; p++)
        if (!(v == 5 && p == 5))
            len += corpus_paragraph(text + len, cap - len, st, p);
    if (v == 1)
        len += (size_t)snprintf(text + len, cap - len, "Reporting by desk %d.", i);
    snprintf(id, idcap, "c%d", i);
    *r = wc_test_text_record(id, text, len);
    if (i % 5 == 1)
        r->fetched_at = 1700000000 + (int64_t)(i * 53 % 7) * 3600;
    else if (i % 5)
        r->published_at = 1700000000 + (int64_t)(i * 37 % 9) * 3600;
}

/* Ingest corpus documents from..to-1 in one run. */
static void ingest_corpus(const char *db, int from, int to, const wc_fp_params *p, size_t batch)
{
    wc_store *s = NULL;
    wc_ingest *ing = NULL;
    wc_ingest_opts o;
    wc_error err = WC_ERROR_INIT;
    char text[8192], id[32];
    int i;

    memset(&o, 0, sizeof(o));
    o.threads = 2;
    o.batch = batch;
    o.params = p;
    assert_int_equal(wc_store_open(db, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_ingest_new(s, &o, &ing, &err), WC_OK);
    for (i = from; i < to; i++) {
        wc_record r;
        corpus_doc(i, text, sizeof(text), &r, id, sizeof(id));
        assert_int_equal(wc_ingest_add(ing, &r, NULL, NULL, &err), WC_OK);
    }
    assert_int_equal(wc_ingest_finish(ing, &err), WC_OK);
    wc_ingest_free(ing);
    wc_store_close(s);
}

/* The stored parameters of db. */
static wc_fp_params stored_params(sqlite3 *h)
{
    sqlite3_stmt *q;
    wc_fp_params p;
    wc_error err = WC_ERROR_INIT;

    assert_int_equal(
        sqlite3_prepare_v2(h, "SELECT value FROM meta WHERE key = 'fingerprint'", -1, &q, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(wc_fp_params_parse((const char *)sqlite3_column_text(q, 0),
                                        (size_t)sqlite3_column_bytes(q, 0), &p, &err),
                     WC_OK);
    sqlite3_finalize(q);
    return p;
}

struct member {
    int64_t id, t; /* t: published, else fetched; INT64_MIN when neither */
    int64_t words;
    double similarity;
    wc_fprint fp;
};

/* Does a come before b in the definition of a cluster's original? */
static bool earlier(const struct member *a, const struct member *b)
{
    if ((a->t == INT64_MIN) != (b->t == INT64_MIN))
        return a->t != INT64_MIN; /* dated before undated */
    if (a->t != b->t)
        return a->t < b->t;
    if (a->words != b->words)
        return a->words > b->words; /* the fuller text of one moment */
    return a->id < b->id;
}

/*
 * Every cluster row of db is what its members define, computed here from
 * the document rows and fingerprints alone: the original is the earliest
 * member (dated first, then time, then more words, then id), size, first
 * and last times of the dated members; every member's similarity is its
 * fingerprint's against the original's (the original's is 1); and there
 * is a row for every cluster and none other. Returns the clusters whose
 * original is not their founder.
 */
static int assert_rows_equal_their_definition(const char *db)
{
    sqlite3 *h;
    sqlite3_stmt *q, *c;
    struct member *m = calloc(CORPUS_DOCS * 2, sizeof(*m));
    wc_error err = WC_ERROR_INIT;
    wc_fp_params p;
    int clusters = 0, rows = 0, moved = 0;

    assert_non_null(m);
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    p = stored_params(h);
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT d.id, coalesce(d.published_at, d.fetched_at), "
                                        "d.word_count, d.similarity, s.fprint FROM documents d "
                                        "JOIN signatures s ON s.doc_id = d.id "
                                        "WHERE d.cluster_id = ?1",
                                        -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT cluster_id, count(*) FROM documents GROUP BY "
                                        "cluster_id ORDER BY cluster_id",
                                        -1, &c, NULL),
                     SQLITE_OK);
    while (sqlite3_step(c) == SQLITE_ROW) {
        int64_t cid = sqlite3_column_int64(c, 0), first = INT64_MIN, last = INT64_MIN;
        sqlite3_stmt *r;
        size_t n = 0, i, o = 0;
        wc_similarity sim;

        sqlite3_bind_int64(q, 1, cid);
        while (sqlite3_step(q) == SQLITE_ROW) {
            struct member *x = &m[n++];
            assert_true(n <= CORPUS_DOCS * 2);
            x->id = sqlite3_column_int64(q, 0);
            x->t =
                sqlite3_column_type(q, 1) == SQLITE_NULL ? INT64_MIN : sqlite3_column_int64(q, 1);
            x->words = sqlite3_column_int64(q, 2);
            assert_int_equal(sqlite3_column_type(q, 3), SQLITE_FLOAT);
            x->similarity = sqlite3_column_double(q, 3);
            assert_int_equal(wc_fprint_unpack(sqlite3_column_blob(q, 4),
                                              (size_t)sqlite3_column_bytes(q, 4), &p, &x->fp, &err),
                             WC_OK);
            if (x->t != INT64_MIN) {
                first = first == INT64_MIN || x->t < first ? x->t : first;
                last = last == INT64_MIN || x->t > last ? x->t : last;
            }
        }
        sqlite3_reset(q);
        assert_int_equal((int64_t)n, sqlite3_column_int64(c, 1)); /* every member has a fprint */
        for (i = 1; i < n; i++)
            if (earlier(&m[i], &m[o]))
                o = i;
        assert_int_equal(sqlite3_prepare_v2(h,
                                            "SELECT rep_id, size, first_seen, last_seen FROM "
                                            "clusters WHERE id = ?1",
                                            -1, &r, NULL),
                         SQLITE_OK);
        sqlite3_bind_int64(r, 1, cid);
        if (sqlite3_step(r) != SQLITE_ROW)
            fail_msg("cluster %lld has members but no row", (long long)cid);
        if (sqlite3_column_int64(r, 0) != m[o].id)
            fail_msg("cluster %lld names %lld its original, not %lld", (long long)cid,
                     (long long)sqlite3_column_int64(r, 0), (long long)m[o].id);
        assert_int_equal(sqlite3_column_int64(r, 1), (int64_t)n);
        if (first == INT64_MIN)
            assert_int_equal(sqlite3_column_type(r, 2), SQLITE_NULL);
        else
            assert_int_equal(sqlite3_column_int64(r, 2), first);
        if (last == INT64_MIN)
            assert_int_equal(sqlite3_column_type(r, 3), SQLITE_NULL);
        else
            assert_int_equal(sqlite3_column_int64(r, 3), last);
        sqlite3_finalize(r);
        for (i = 0; i < n; i++) {
            double want = 1.0;
            if (i != o) {
                wc_fprint_similarity(&m[i].fp, &m[o].fp, &sim);
                want = sim.score;
            }
            if (m[i].similarity != want)
                fail_msg("document %lld has similarity %.17g to its original %lld, not %.17g",
                         (long long)m[i].id, m[i].similarity, (long long)m[o].id, want);
        }
        moved += m[o].id != cid;
        clusters++;
    }
    sqlite3_finalize(c);
    sqlite3_finalize(q);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT count(*) FROM clusters", -1, &c, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(c), SQLITE_ROW);
    rows = sqlite3_column_int(c, 0);
    sqlite3_finalize(c);
    assert_int_equal(rows, clusters); /* no row without members */
    sqlite3_close(h);
    free(m);
    return moved;
}

/* Every stored column of db but added_at, every cluster row, every fingerprint, the settings. */
static char *dump_everything(const char *db)
{
    static const char *const sql[] = {
        "SELECT id, doc_key, key_hash, hex(content_hash), source, origin, origin_offset, "
        "origin_line, origin_id, feed_id, url, canonical_url, fetched_at, published_at, "
        "modified_at, title, author, site, lang, description, image, text, word_count, "
        "cluster_id, match_kind, printf('%.17g', match_similarity), printf('%.17g', similarity) "
        "FROM documents ORDER BY id",
        "SELECT id, rep_id, size, first_seen, last_seen FROM clusters ORDER BY id", /* copy level */
        "SELECT doc_id, hex(fprint) FROM signatures ORDER BY doc_id",
        "SELECT value FROM meta WHERE key = 'fingerprint'",
    };
    wc_buf out = WC_BUF_INIT;
    sqlite3 *h;
    size_t k;

    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    for (k = 0; k < sizeof(sql) / sizeof(sql[0]); k++) {
        sqlite3_stmt *q;
        assert_int_equal(sqlite3_prepare_v2(h, sql[k], -1, &q, NULL), SQLITE_OK);
        while (sqlite3_step(q) == SQLITE_ROW) {
            int col;
            for (col = 0; col < sqlite3_column_count(q); col++) {
                const char *v = (const char *)sqlite3_column_text(q, col);
                assert_int_equal(wc_buf_addf(&out, "%s%s", col ? "|" : "", v ? v : "NULL"), WC_OK);
            }
            assert_int_equal(wc_buf_addch(&out, '\n'), WC_OK);
        }
        sqlite3_finalize(q);
        assert_int_equal(wc_buf_addstr(&out, "--\n"), WC_OK);
    }
    sqlite3_close(h);
    return wc_buf_detach(&out, NULL);
}

/* a and b are the same dump; else fail at the first line that differs. */
static void assert_same_dump(const char *a, const char *b, const char *what)
{
    size_t line = 1;

    while (*a && *a == *b) {
        line += *a == '\n';
        a++;
        b++;
    }
    if (*a || *b)
        fail_msg("%s: line %zu differs:\n  %.200s\n  %.200s", what, line, a, b);
}

static void recluster(const char *db, const wc_fp_params *p, wc_recluster_stats *rs)
{
    wc_store *s = NULL;
    wc_error err = WC_ERROR_INIT;

    assert_int_equal(wc_store_open(db, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_recluster(s, p, NULL, rs, &err), WC_OK);
    wc_store_close(s);
}

/*
 * The writer keeps the cluster rows and similarities current as
 * documents join (originals change, clusters merge, small transactions,
 * a second run starting from the stored rows); they must be what the
 * definition computes from scratch.
 */
static void test_cluster_rows_equal_a_full_refresh(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_fp_params p = wc_fp_params_default();
    wc_cluster_index *idx = wc_cluster_index_new(&p);
    wc_fp_worker *w = wc_fp_worker_new(&p);
    wc_error err = WC_ERROR_INIT;
    char text[8192], id[32];
    int i, merges = 0;

    /* the corpus does what it is made for: clusters merge, and (below) originals move */
    assert_non_null(idx);
    assert_non_null(w);
    for (i = 0; i < CORPUS_DOCS; i++) {
        wc_record r;
        wc_fprint fp;
        wc_match m;
        corpus_doc(i, text, sizeof(text), &r, id, sizeof(id));
        assert_int_equal(wc_fp_compute(w, r.body, r.len, &fp, &err), WC_OK);
        assert_int_equal(wc_cluster_assign(idx, i + 1, &fp, INT64_MIN, &m, &err), WC_OK);
        merges += m.nabsorbed > 0;
    }
    wc_cluster_index_free(idx);
    wc_fp_worker_free(w);
    assert_true(merges >= 8);

    ingest_corpus(f->path, 0, CORPUS_DOCS / 2, NULL, 7);
    assert_true(assert_rows_equal_their_definition(f->path) >= 10);
    ingest_corpus(f->path, CORPUS_DOCS / 2, CORPUS_DOCS, NULL, 7);
    assert_true(assert_rows_equal_their_definition(f->path) >= 20);
}

/*
 * recluster (one index, every stored document in id order) equals a fresh
 * ingest of the same documents in one run, column by column: with the
 * stored settings (and then it changes nothing of a database ingested in
 * two runs), and with a new shingle size, which re-fingerprints the stored
 * texts.
 */
static void test_recluster_equals_a_fresh_ingest(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_fp_params k4 = wc_fp_params_default();
    wc_recluster_stats rs;
    char fresh[160], fresh4[160];
    char *before, *after, *want;

    snprintf(fresh, sizeof(fresh), "%s/fresh.db", f->dir);
    snprintf(fresh4, sizeof(fresh4), "%s/fresh4.db", f->dir);
    ingest_corpus(f->path, 0, CORPUS_DOCS / 2, NULL, 7);
    ingest_corpus(f->path, CORPUS_DOCS / 2, CORPUS_DOCS, NULL, 7);
    ingest_corpus(fresh, 0, CORPUS_DOCS, NULL, 50);
    before = dump_everything(f->path);
    want = dump_everything(fresh);
    assert_same_dump(before, want, "two runs against one");

    recluster(f->path, NULL, &rs);
    assert_int_equal(rs.documents, CORPUS_DOCS);
    assert_int_equal(rs.refingerprinted, 0);
    after = dump_everything(f->path);
    assert_same_dump(after, want, "recluster against a fresh ingest");
    assert_rows_equal_their_definition(f->path);
    free(after);

    k4.shingle = 4;
    recluster(f->path, &k4, &rs);
    assert_int_equal(rs.refingerprinted, CORPUS_DOCS);
    ingest_corpus(fresh4, 0, CORPUS_DOCS, &k4, 50);
    free(want);
    after = dump_everything(f->path);
    want = dump_everything(fresh4);
    assert_same_dump(after, want, "recluster with k=4 against a fresh ingest with k=4");
    assert_rows_equal_their_definition(f->path);
    free(before);
    free(after);
    free(want);
}

/*
 * Big records among small ones: the slots that held one give the memory
 * back before a small record (SLOT_KEEP_BYTES), and every record is still
 * stored, in order, whatever its size.
 */
static void test_big_and_small_records(void **state)
{
    struct wc_test_tmpdir *f = *state;
    struct seen seen = {0, 0, 1, -1};
    wc_store *s = NULL;
    wc_ingest *ing = NULL;
    wc_ingest_opts o;
    wc_ingest_stats st;
    wc_error err = WC_ERROR_INIT;
    size_t big = (size_t)600 << 10, k, len;
    char *text = malloc(big + 64), id[32];
    int i;

    assert_non_null(text);
    memset(&o, 0, sizeof(o));
    o.threads = 2;
    o.on_result = on_result;
    o.result_ctx = &seen;
    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_ingest_new(s, &o, &ing, &err), WC_OK);
    for (i = 0; i < 60; i++) {
        wc_record r;
        if (i % 3 == 0) { /* 600 KB of distinct words */
            for (len = 0, k = 0; len + 16 < big; k++)
                len += (size_t)snprintf(text + len, big + 64 - len, "b%dw%zu ", i, k);
        } else {
            article(i, text, 2048);
        }
        snprintf(id, sizeof(id), "r%d", i);
        r = text_record(id, text);
        assert_int_equal(wc_ingest_add(ing, &r, NULL, (void *)(intptr_t)(i + 1), &err), WC_OK);
    }
    assert_int_equal(wc_ingest_flush(ing, &err), WC_OK);
    wc_ingest_get_stats(ing, &st);
    assert_int_equal(wc_ingest_finish(ing, &err), WC_OK);
    wc_ingest_free(ing);
    wc_store_close(s);
    free(text);
    assert_int_equal(st.records, 60);
    assert_int_equal(st.stored, 60);
    assert_int_equal(seen.n, 60);
    assert_true(seen.in_order);
}

struct problems {
    int n;
    wc_status code[8];
    char msg[8][WC_ERROR_MSG_MAX];
};

static void on_problem(void *ctx, const wc_error *e)
{
    struct problems *p = ctx;

    if (p->n < 8) {
        p->code[p->n] = e->code;
        snprintf(p->msg[p->n], sizeof(p->msg[0]), "%s", e->msg);
    }
    p->n++;
}

/*
 * A record too large for its slot (a body over the run's record cap, a
 * URL of 2 MiB) is a bad record: reported with its provenance, counted,
 * and the records around it are stored.
 */
static void test_oversized_records_are_bad_records(void **state)
{
    struct wc_test_tmpdir *f = *state;
    struct seen seen = {0, 0, 1, -1};
    struct problems probs;
    wc_store *s = NULL;
    wc_ingest *ing = NULL;
    wc_ingest_opts o;
    wc_ingest_stats st;
    wc_error err = WC_ERROR_INIT;
    size_t big = (size_t)2 << 20;
    char *text = malloc(big + 1), *url = malloc(big + 1), id[32];
    int i;

    assert_non_null(text);
    assert_non_null(url);
    memset(&probs, 0, sizeof(probs));
    memset(&o, 0, sizeof(o));
    o.threads = 2;
    o.max_record = 64 << 10;
    o.on_problem = on_problem;
    o.problem_ctx = &probs;
    o.on_result = on_result;
    o.result_ctx = &seen;
    memcpy(url, "https://example.com/", 20);
    memset(url + 20, 'a', big - 20);
    url[big] = '\0';
    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_ingest_new(s, &o, &ing, &err), WC_OK);
    for (i = 0; i < 6; i++) {
        wc_record r;
        size_t len;
        if (i == 2) { /* 100 KiB of words: over the 64 KiB cap */
            for (len = 0; len + 16 < (size_t)100 << 10;)
                len += (size_t)snprintf(text + len, big - len, "w%zu ", len);
        } else {
            article(i, text, 2048);
            len = strlen(text);
        }
        snprintf(id, sizeof(id), "o%d", i);
        r = wc_test_text_record(id, text, len);
        r.line = (uint64_t)i + 1;
        if (i == 4)
            r.url = url;
        assert_int_equal(wc_ingest_add(ing, &r, NULL, (void *)(intptr_t)(i + 1), &err), WC_OK);
    }
    assert_int_equal(wc_ingest_flush(ing, &err), WC_OK);
    wc_ingest_get_stats(ing, &st);
    assert_int_equal(wc_ingest_finish(ing, &err), WC_OK);
    wc_ingest_free(ing);
    wc_store_close(s);
    free(text);
    free(url);
    assert_int_equal(st.records, 6);
    assert_int_equal(st.stored, 4);
    assert_int_equal(st.errors, 2);
    assert_int_equal(seen.n, 6); /* every record is decided, in order */
    assert_true(seen.in_order);
    assert_int_equal(probs.n, 2);
    assert_int_equal(probs.code[0], WC_ERR_LIMIT);
    assert_int_equal(probs.code[1], WC_ERR_LIMIT);
    assert_non_null(strstr(probs.msg[0], "over its cap"));
    assert_non_null(strstr(probs.msg[0], "line 3"));
    assert_non_null(strstr(probs.msg[1], "line 5"));
}

/* --- stories merged inside a placement reach the stored links ------------------------- */

/*
 * Three write-ups of one fire (as in test_story_index.c): the first two share
 * no name and open two stories, the third has both angles and joins the
 * second, and the repair merges the two.
 */
static const char *const FIRE_TITLE[3] = {
    "Fire crews fight battery blaze at Dunmore Street depot",
    "Lakeshore transit grounds 42 Kestrel Dynamics KD-12 buses",
    "Depot fire takes 42 KD-12 buses off Port Calder roads",
};
static const char *const FIRE_TEXT[3] = {
    "Firefighters spent four hours at the Dunmore Street depot in Port Calder overnight putting "
    "out a fire in an electric bus that was charging. Fire chief Ines Barrow said her crews "
    "poured 95,000 litres of water on the burning pack before it cooled. Nobody was hurt, and "
    "residents of Dunmore Street were told to keep their windows shut because of the smoke.",
    "The Lakeshore Regional Transit Authority has pulled all 42 of its Kestrel Dynamics KD-12 "
    "electric buses from service. Chief executive Maren Holt said the buses would stay parked "
    "until Kestrel Dynamics inspects every 450 kWh battery, and that commuters should expect "
    "longer waits this week.",
    "After a fire at the Dunmore Street depot in Port Calder, where crews under fire chief Ines "
    "Barrow used 95,000 litres of water, the Lakeshore Regional Transit Authority grounded its "
    "42 Kestrel Dynamics KD-12 buses. Maren Holt said every 450 kWh battery will be inspected.",
};

/* Word j of filler i: syllables of its own, so no two fillers share a word. */
static void filler_word(int i, int j, char *out)
{
    static const char cons[] = "bdfgklmnprtvz", vow[] = "aou";
    int d[3] = {j, i % 39, i / 39 % 39};

    for (int k = 0; k < 3; k++) {
        out[2 * k] = cons[d[k] / 3];
        out[2 * k + 1] = vow[d[k] % 3];
    }
    out[6] = 'n';
    out[7] = '\0';
}

/* A count from db (one integer). */
static int64_t count_of(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *q;
    int64_t n;

    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
}

/*
 * The fire write-ups on day 0, then enough unrelated texts a month later
 * for the story index to sweep: it repairs first (merging the fire's two
 * stories) and then closes them, so the repair before the final commit
 * can no longer merge them. The store must have what the index has: the
 * three write-ups in one story of three clusters, and no cluster linked
 * to a story that was merged away (every link names a stored story whose
 * count of clusters is the links to it).
 */
static void test_a_merge_at_a_sweep_reaches_the_stored_links(void **state)
{
    struct wc_test_tmpdir *f = *state;
    wc_store *s = NULL;
    wc_ingest *ing = NULL;
    wc_ingest_opts o;
    wc_error err = WC_ERROR_INIT;
    const int64_t t0 = 1770000000, later = t0 + 30 * 86400;
    char text[256], title[32], id[32], w[12][8];
    sqlite3 *h;
    int i;

    memset(&o, 0, sizeof(o));
    o.threads = 2;
    o.batch = 100; /* several commits, the sweep inside one */
    assert_int_equal(wc_store_open(f->path, WC_STORE_WRITER, 0, &s, &err), WC_OK);
    assert_int_equal(wc_ingest_new(s, &o, &ing, &err), WC_OK);
    for (i = 0; i < SX_SWEEP + 10; i++) {
        wc_record r;
        if (i < 3) {
            snprintf(id, sizeof(id), "fire%d", i);
            r = wc_test_text_record(id, FIRE_TEXT[i], strlen(FIRE_TEXT[i]));
            r.title = FIRE_TITLE[i];
            r.published_at = t0 + i * 3600;
        } else {
            for (int j = 0; j < 12; j++)
                filler_word(i, j, w[j]);
            snprintf(title, sizeof(title), "%s %s %s", w[0], w[1], w[2]);
            snprintf(text, sizeof(text), "%s %s %s %s %s. %s %s %s %s %s %s.", w[3], w[4], w[5],
                     w[6], w[7], w[8], w[9], w[10], w[11], w[3], w[5]);
            snprintf(id, sizeof(id), "filler%d", i);
            r = wc_test_text_record(id, text, strlen(text));
            r.title = title;
            r.published_at = later + i * 60;
        }
        assert_int_equal(wc_ingest_add(ing, &r, NULL, NULL, &err), WC_OK);
    }
    assert_int_equal(wc_ingest_finish(ing, &err), WC_OK);
    wc_ingest_free(ing);
    wc_store_close(s);

    assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
    /* every text is a copy cluster of its own, and every cluster is in a story */
    assert_int_equal(count_of(h, "SELECT count(*) FROM clusters"), SX_SWEEP + 10);
    assert_int_equal(count_of(h, "SELECT count(*) FROM clusters WHERE story_id IS NULL"), 0);
    /* the fire is one story of three clusters; each filler a story of its own */
    assert_int_equal(count_of(h, "SELECT count(DISTINCT c.story_id) FROM documents d JOIN clusters "
                                 "c ON c.id = d.cluster_id WHERE d.origin_id LIKE 'fire%'"),
                     1);
    assert_int_equal(count_of(h, "SELECT s.clusters FROM stories s JOIN clusters c ON c.story_id "
                                 "= s.id JOIN documents d ON d.cluster_id = c.id WHERE "
                                 "d.origin_id = 'fire0'"),
                     3);
    assert_int_equal(count_of(h, "SELECT count(*) FROM stories"), 1 + SX_SWEEP + 10 - 3);
    /* no link to a story merged away, and each story's count is its links */
    assert_int_equal(count_of(h, "SELECT count(*) FROM clusters c WHERE c.story_id IS NOT NULL "
                                 "AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = "
                                 "c.story_id)"),
                     0);
    assert_int_equal(count_of(h, "SELECT count(*) FROM stories s WHERE s.clusters != (SELECT "
                                 "count(*) FROM clusters c WHERE c.story_id = s.id)"),
                     0);
    sqlite3_close(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        WC_TEST_IN_TMPDIR(test_results_in_order_and_call_sees_earlier_records),
        WC_TEST_IN_TMPDIR(test_copies_are_clustered),
        WC_TEST_IN_TMPDIR(test_again_adds_nothing),
        WC_TEST_IN_TMPDIR(test_thread_count_does_not_change_the_result),
        WC_TEST_IN_TMPDIR(test_cluster_rows_equal_a_full_refresh),
        WC_TEST_IN_TMPDIR(test_recluster_equals_a_fresh_ingest),
        WC_TEST_IN_TMPDIR(test_big_and_small_records),
        WC_TEST_IN_TMPDIR(test_oversized_records_are_bad_records),
        WC_TEST_IN_TMPDIR(test_stop_commits_what_was_queued),
        WC_TEST_IN_TMPDIR(test_a_merge_at_a_sweep_reaches_the_stored_links),
    };
    int rc;

    wc_global_init(NULL);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    wc_global_cleanup();
    return rc;
}
