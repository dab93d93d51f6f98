/*
 * test_follow.c - the follow module as a library: the teaser test, feed
 * lists, and whole rounds against a real nginx on 127.0.0.1/127.0.0.2
 * (tests/helpers/nginx.sh) serving tests/data/follow/site: what a round
 * counts, stopping in the middle of a round and starting again (every
 * entry exactly once, a feed's state never without its entries), the cap
 * on new entries per fetch, failed article pages tried again later,
 * autodiscovery, and a permanent redirect onto a feed followed already.
 * Assertions come from the database, the counters and nginx's access log.
 * The server tests skip when nginx is not installed.
 */
#define _GNU_SOURCE /* mkdtemp, popen */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "wirecopy/follow.h"
#include "wirecopy/store.h"
#include "wirecopy/wirecopy.h"
#include "wc_test.h"

/* --- the teaser test (no server) ------------------------------------------------------- */

static const char full_text[] =
    "<p>Dock workers at the Port of Halvern returned to work on Tuesday morning after their "
    "union and the port authority agreed a two-year pay deal, ending an eleven-day strike that "
    "had left more than forty container ships waiting at anchor off the coast.</p><p>The "
    "agreement gives about 2,300 crane operators, lashers and checkers a rise of 6.5 per cent "
    "this year and a further 4 per cent next year, along with a cap of three night shifts a week. "
    "Union members approved it late on Monday by a margin of 71 to 29 per cent, the union "
    "said.</p><p>The port authority said it expected to clear the backlog of ships within ten "
    "days. Its chief executive said extra crews would work through the weekend and that priority "
    "would go to vessels carrying perishable food and medical supplies. Retailers had warned "
    "that the stoppage was beginning to empty shelves, and the chamber of commerce put the cost "
    "at fourteen million euros a day in delayed deliveries, storage fees and lost sales.</p>";

static void test_teasers(void **state)
{
    static const struct {
        const char *text;
        bool teaser;
    } cases[] = {
        {"", true},
        {"<p></p>", true},
        {"Councillors agreed to cut the money for road repairs by a third.", true},
        {full_text, false},
        /* truncation marks, whatever the length */
        {"<p>Dock workers at the Port of Halvern returned to work&#8230;</p>", true},
        {"Dock workers returned to work [&hellip;]", true},
        {"Dock workers returned to work [...]", true},
        {"Dock workers returned to work \xe2\x80\xa6", true},
        {"<p>Halvern's fleet landed its best catch. <a href=\"/x\">Continue reading &rarr;</a></p>",
         true},
        {"The ferry returns in June. Read more \xc2\xbb", true},
        {"<p>The ferry returns in June.</p><p>The post Night ferry returns appeared first on "
         "Island News.</p>",
         true},
    };
    char buf[4096];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool got = wc_follow_is_teaser(cases[i].text, strlen(cases[i].text), 120);
        if (got != cases[i].teaser)
            fail_msg("case %zu ('%.40s'): got %d", i, cases[i].text, got);
    }
    assert_true(wc_follow_is_teaser(NULL, 0, 120));
    /* a full text that ends with a link to the page is still cut */
    snprintf(buf, sizeof(buf), "%s<p><a href=\"/more\">Read more</a></p>", full_text);
    assert_true(wc_follow_is_teaser(buf, strlen(buf), 120));
    /* a long article with "read more" in its middle is not */
    snprintf(buf, sizeof(buf), "<p>Read more about the strike below.</p>%s", full_text);
    assert_false(wc_follow_is_teaser(buf, strlen(buf), 120));
    /* min_words 1: only empty or marked entries (a full-content feed's short brief is kept) */
    assert_false(wc_follow_is_teaser("Short brief.", 12, 1));
    assert_true(wc_follow_is_teaser("Short brief...", 14, 1));
    /* a script's text is no article text: a short entry with a long script is a teaser */
    buf[0] = '\0';
    strcat(buf, "<p>Councillors agreed to cut the money for road repairs.</p><script>");
    for (i = 0; i < 150; i++)
        strcat(buf, "track(); ");
    strcat(buf, "</script>");
    assert_true(wc_follow_is_teaser(buf, strlen(buf), 120));
    /* any reference is decoded, not only a list of them: "&#x2026;" and "&hellip;" alike */
    assert_true(wc_follow_is_teaser("Dock workers returned to work&#X2026;", 37, 1));
    /* ideographic text without spaces counts by characters */
    buf[0] = '\0';
    for (i = 0; i < 200; i++)
        strcat(buf, "\xe6\xb8\xaf"); /* 200 x U+6E2F */
    assert_false(wc_follow_is_teaser(buf, strlen(buf), 60));
}

/* --- fixtures ------------------------------------------------------------------------------ */

static char srv_dir[256], www[300], srv_log[1100];
static char url1[128], url2[128];
static int have_server;

static int server_start(void **state)
{
    char cmd[2048], env[1024], srv[300];
    int port = 0;

    (void)state;
    if (wc_global_init(NULL) != WC_OK)
        return -1;
    if (!wc_test_have_nginx())
        return 0; /* no nginx: the server tests skip */
    if (wc_test_mkdtemp(srv_dir, sizeof(srv_dir), "follow") != 0)
        return -1;
    snprintf(www, sizeof(www), "%s/www", srv_dir);
    snprintf(cmd, sizeof(cmd),
             "cp -r '%s/follow/site' '%s' && printf 'location /flaky/ { if (-f %s/flaky.on) { "
             "return 503; } alias %s/; }\\n' > '%s/extra.conf'",
             wc_test_data_dir(), www, srv_dir, www, srv_dir);
    if (system(cmd) != 0)
        return -1;
    snprintf(env, sizeof(env),
             "WC_NGINX_ROOT='%s' WC_NGINX_ROBOTS='%s/follow/robots' WC_NGINX_EXTRA='%s/extra.conf'",
             www, wc_test_data_dir(), srv_dir);
    snprintf(srv, sizeof(srv), "%s/srv", srv_dir);
    if (wc_test_nginx_start(env, srv, &port, srv_log, sizeof(srv_log)) != 0)
        return -1;
    snprintf(url1, sizeof(url1), "http://127.0.0.1:%d", port);
    snprintf(url2, sizeof(url2), "http://127.0.0.2:%d", port);
    have_server = 1;
    return 0;
}

static int server_stop(void **state)
{
    char srv[300];

    (void)state;
    if (have_server) {
        snprintf(srv, sizeof(srv), "%s/srv", srv_dir);
        if (wc_test_nginx_stop(srv, srv_dir) != 0)
            return -1;
    }
    wc_global_cleanup();
    return 0;
}

#define NEED_SERVER()                                                                              \
    do {                                                                                           \
        if (!have_server)                                                                          \
            skip();                                                                                \
    } while (0)

struct fx {
    char dir[64], db[128], list[128];
    wc_store *store;
    wc_follow *fl;
    int problems;
    char last_problem[WC_ERROR_MSG_MAX];
    char problems_text[8192];
    volatile sig_atomic_t stop;
    uint64_t stop_after_pages; /* raise stop once this many pages are answered (0: never) */
};

static int fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    FILE *fp;

    if (wc_test_mkdtemp(f->dir, sizeof(f->dir), "follow-db") != 0)
        return -1;
    snprintf(f->db, sizeof(f->db), "%s/f.db", f->dir);
    snprintf(f->list, sizeof(f->list), "%s/list.txt", f->dir);
    /* empty the access log */
    if (have_server && (fp = fopen(srv_log, "w")))
        fclose(fp);
    *state = f;
    return 0;
}

static void fx_close(struct fx *f)
{
    wc_follow_free(f->fl);
    f->fl = NULL;
    wc_store_close(f->store);
    f->store = NULL;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;
    char cmd[512];

    fx_close(f);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s/flaky.on'", f->dir, srv_dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void on_problem(void *ctx, const wc_error *e)
{
    struct fx *f = ctx;
    size_t n = strlen(f->problems_text);

    f->problems++;
    snprintf(f->last_problem, sizeof(f->last_problem), "%s", e->msg);
    snprintf(f->problems_text + n, sizeof(f->problems_text) - n, "%s\n", e->msg);
}

static void on_progress(void *ctx, const wc_follow_progress *p)
{
    struct fx *f = ctx;

    if (f->stop_after_pages && p->pages_done >= f->stop_after_pages)
        f->stop = 1;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* A list with the given feed paths ("1:/gazette/feed.xml" = host 1). */
static void write_list(struct fx *f, int n, ...)
{
    FILE *fp = fopen(f->list, "w");
    va_list ap;
    int i;

    assert_non_null(fp);
    fprintf(fp, "# test list\n");
    va_start(ap, n);
    for (i = 0; i < n; i++) {
        const char *spec = va_arg(ap, const char *);
        fprintf(fp, "%s%s\n", spec[0] == '2' ? url2 : url1, spec + 2);
    }
    va_end(ap);
    fclose(fp);
}

/* A fresh follower (and store) on the fixture's database. */
static void open_follower(struct fx *f, bool all_now, size_t max_new)
{
    wc_follow_opts o;
    wc_error err = WC_ERROR_INIT;

    fx_close(f);
    wc_follow_opts_init(&o);
    o.fetch.host_delay_ms = 0;
    o.threads = 2;
    o.all_now = all_now;
    if (max_new)
        o.max_new = max_new;
    o.on_problem = on_problem;
    o.problem_ctx = f;
    o.on_progress = on_progress;
    o.progress_ctx = f;
    o.stop = &f->stop;
    f->stop = 0;
    f->problems = 0;
    f->problems_text[0] = '\0';
    assert_int_equal(wc_store_open(f->db, WC_STORE_WRITER, 1000, &f->store, &err), WC_OK);
    assert_int_equal(wc_follow_new(f->store, &o, &f->fl, &err), WC_OK);
}

static wc_status round_once(struct fx *f, wc_follow_stats *s)
{
    wc_error err = WC_ERROR_INIT;
    wc_status st = wc_follow_round(f->fl, &err);

    if (st && st != WC_ERR_INTERRUPTED)
        fail_msg("round failed: %s", err.msg);
    wc_follow_get_stats(f->fl, s);
    return st;
}

static int64_t sql_int(const char *db_path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    int64_t v = -999;

    assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        fail_msg("bad SQL: %s (%s)", sql, sqlite3_errmsg(db));
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_type(q, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

static void sql_text(const char *db_path, const char *sql, char *out, size_t n)
{
    sqlite3 *db;
    sqlite3_stmt *q;

    out[0] = '\0';
    assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(db);
}

/* Requests logged for a path; with field12 non-NULL, the If-None-Match of the last one. */
static int log_count(const char *path, char *field12, size_t n)
{
    char line[4096];
    int count = 0;
    FILE *fp;

    usleep(300 * 1000); /* nginx logs just after answering */
    if (!(fp = fopen(srv_log, "r")))
        return -1;
    while (fgets(line, sizeof(line), fp)) {
        char *fields[16], *p = line;
        int k = 0;
        while (k < 16 && p) {
            fields[k++] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = '\0';
        }
        if (k >= 12 && strcmp(fields[7], path) == 0) {
            count++;
            if (field12)
                snprintf(field12, n, "%s", fields[11]);
        }
    }
    fclose(fp);
    return count;
}

/* --- lists (no server) ------------------------------------------------------------------------ */

static void test_lists(void **state)
{
    struct fx *f = *state;
    wc_error err = WC_ERROR_INIT;
    wc_follow_stats s;
    char path[160];
    size_t n = 99;

    open_follower(f, false, 0);
    snprintf(path, sizeof(path), "%s/none.opml", f->dir);
    assert_int_equal(wc_follow_add_list(f->fl, path, &n, &err), WC_ERR_IO);
    assert_non_null(strstr(err.msg, "none.opml"));
    assert_int_equal(n, 0);
    /* an unreadable list still means "only the lists' feeds": nothing is polled */
    assert_int_equal(wc_follow_round(f->fl, &err), WC_OK);
    wc_follow_get_stats(f->fl, &s);
    assert_int_equal(s.feeds_due, 0);
    assert_int_equal(wc_follow_next_due(f->fl), INT64_MAX);
    /* lists come before the first round */
    write_file(f->list, "http://example.invalid/feed.xml\n");
    assert_int_equal(wc_follow_add_list(f->fl, f->list, &n, &err), WC_ERR_USAGE);

    /* OPML, nested outlines; a text list with a comment and a junk line */
    open_follower(f, false, 0);
    snprintf(path, sizeof(path), "%s/news.opml", f->dir);
    write_file(path, "<?xml version=\"1.0\"?><opml version=\"2.0\"><body><outline text=\"World\">"
                     "<outline text=\"A\" xmlUrl=\"http://a.invalid/rss\"/>"
                     "<outline text=\"B\" xmlUrl=\"HTTP://B.invalid:80/atom\"/></outline>"
                     "</body></opml>");
    assert_int_equal(wc_follow_add_list(f->fl, path, &n, &err), WC_OK);
    assert_int_equal(n, 2);
    write_file(f->list, "# mine\nhttp://a.invalid/rss\nnot a url\nhttp://c.invalid/feed Cee\n");
    assert_int_equal(wc_follow_add_list(f->fl, f->list, &n, &err), WC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(f->problems, 1); /* the junk line */
    assert_non_null(strstr(f->last_problem, "list.txt"));
    fx_close(f);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feeds"), 3);
    /* stored normalised; the first list a feed came from is kept */
    assert_int_equal(
        sql_int(f->db, "SELECT count(*) FROM feeds WHERE url = 'http://b.invalid/atom'"), 1);
    assert_int_equal(
        sql_int(f->db, "SELECT count(*) FROM feeds WHERE list_origin LIKE '%news.opml'"), 2);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feeds WHERE title = 'Cee'"), 1);
}

/* --- rounds ---------------------------------------------------------------------------------- */

static void test_round_counts_and_second_round(void **state)
{
    struct fx *f = *state;
    wc_follow_stats s;
    size_t total, active;
    int64_t due;

    NEED_SERVER();
    write_list(f, 3, "1:/gazette/feed.xml", "1:/coastal/atom.xml", "2:/courier/feed.xml");
    open_follower(f, false, 0);
    assert_int_equal(wc_follow_add_list(f->fl, f->list, NULL, NULL), WC_OK);
    assert_int_equal(round_once(f, &s), WC_OK);
    assert_int_equal(s.feeds_due, 3);
    assert_int_equal(s.feeds_fetched, 3);
    assert_int_equal(s.feeds_failed, 0);
    assert_int_equal(s.entries_new, 8);
    assert_int_equal(s.pages_fetched, 5);
    assert_int_equal(s.pages_disallowed, 1);
    assert_int_equal(s.pages_failed, 0);
    assert_int_equal(s.articles_new, 7);
    assert_int_equal(s.copies, 2);
    assert_int_equal(f->problems, 1); /* the robots.txt refusal */
    assert_non_null(strstr(f->last_problem, "disallowed by robots.txt"));
    wc_follow_feed_count(f->fl, &total, &active);
    assert_int_equal(total, 3);
    assert_int_equal(active, 3);
    due = wc_follow_next_due(f->fl);
    assert_true(due > (int64_t)time(NULL) + 600);

    /* the same follower again: nothing is due, nothing requested */
    assert_int_equal(round_once(f, &s), WC_OK);
    assert_int_equal(s.feeds_due, 3);
    assert_int_equal(log_count("/gazette/feed.xml", NULL, 0), 1);

    /* a new run with all_now: conditional requests, all 304 */
    open_follower(f, true, 0);
    assert_int_equal(round_once(f, &s), WC_OK); /* no list: every feed of the database */
    assert_int_equal(s.feeds_due, 3);
    assert_int_equal(s.feeds_not_modified, 3);
    assert_int_equal(s.articles_new, 0);
    fx_close(f);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM documents"), 7);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feed_entries"), 8);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feeds WHERE last_status = 304"), 3);
}

/* The invariant: a feed with stored validators has a row for each of its entries. */
static int64_t feeds_inconsistent(const char *db)
{
    return sql_int(db, "SELECT count(*) FROM feeds f WHERE f.etag IS NOT NULL AND "
                       "(SELECT count(*) FROM feed_entries e WHERE e.feed_id = f.id) <> "
                       "CASE WHEN f.url LIKE '%gazette%' THEN 4 ELSE 2 END");
}

static void test_stop_mid_round_then_rerun(void **state)
{
    struct fx *f = *state;
    wc_follow_stats s;
    wc_error err = WC_ERROR_INIT;
    int64_t docs;

    NEED_SERVER();
    write_list(f, 3, "1:/gazette/feed.xml", "1:/coastal/atom.xml", "2:/courier/feed.xml");
    open_follower(f, false, 0);
    assert_int_equal(wc_follow_add_list(f->fl, f->list, NULL, NULL), WC_OK);
    f->stop_after_pages = 2;
    assert_int_equal(round_once(f, &s), WC_ERR_INTERRUPTED);
    assert_true(s.pages_fetched + s.pages_disallowed < 6);
    /* after a stop, a round refuses nothing but does nothing new either; finish commits */
    assert_int_equal(wc_follow_finish(f->fl, &err), WC_OK);
    fx_close(f);
    docs = sql_int(f->db, "SELECT count(*) FROM documents");
    assert_true(docs < 7);
    /* what was fetched is stored: every page answered became a document */
    assert_int_equal(docs, (int64_t)s.articles_new);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM documents WHERE source = 'page'"),
                     (int64_t)s.pages_fetched);
    assert_int_equal(feeds_inconsistent(f->db), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feed_entries e LEFT JOIN documents d "
                                    "ON d.id = e.doc_id WHERE e.state = 'stored' AND d.id IS NULL"),
                     0);
    /* the teaser feeds were cut short: their old (no) validators stay */
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feeds WHERE url LIKE '%gazette%' "
                                    "AND etag IS NULL"),
                     1);

    f->stop_after_pages = 0;
    open_follower(f, false, 0);
    assert_int_equal(round_once(f, &s), WC_OK);
    fx_close(f);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM documents"), 7);
    assert_int_equal(sql_int(f->db, "SELECT count(DISTINCT url) FROM documents"), 7);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feed_entries"), 8);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feeds WHERE etag IS NULL"), 0);
    assert_int_equal(feeds_inconsistent(f->db), 0);
    /* no page was fetched twice */
    assert_int_equal(log_count("/gazette/2026/port-strike.html", NULL, 0), 1);
    assert_int_equal(log_count("/coastal/news/port-strike.html", NULL, 0), 1);
}

static void test_max_new_takes_batches(void **state)
{
    struct fx *f = *state;
    wc_follow_stats s;
    char inm[256];

    NEED_SERVER();
    write_list(f, 1, "1:/gazette/feed.xml");
    open_follower(f, false, 2);
    assert_int_equal(wc_follow_add_list(f->fl, f->list, NULL, NULL), WC_OK);
    assert_int_equal(round_once(f, &s), WC_OK);
    assert_int_equal(s.entries_new, 2);
    assert_non_null(strstr(f->problems_text, "more than 2 new entries"));
    fx_close(f);
    /* the two newest, and no validators kept so the rest come next time */
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feed_entries WHERE entry_key IN "
                                    "('gazette-1004', 'gazette-1003')"),
                     2);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feeds WHERE etag IS NULL"), 1);

    open_follower(f, true, 2);
    assert_int_equal(round_once(f, &s), WC_OK);
    assert_int_equal(s.entries_new, 2);
    assert_int_equal(log_count("/gazette/feed.xml", inm, sizeof(inm)), 2);
    assert_string_equal(inm, "-"); /* no validators to send */
    fx_close(f);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feed_entries"), 4);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feeds WHERE etag IS NOT NULL"), 1);
}

static void test_failed_pages_are_tried_again(void **state)
{
    struct fx *f = *state;
    wc_follow_stats s;
    char path[600], flag[300], inm[256];
    FILE *fp;

    NEED_SERVER();
    /* a teaser feed whose pages answer 503 while flaky.on exists */
    snprintf(path, sizeof(path), "%s/gazette/flaky.xml", www);
    snprintf(flag, sizeof(flag), "%s/flaky.on", srv_dir);
    {
        char cmd[1400];
        snprintf(cmd, sizeof(cmd),
                 "sed -e 's#<link>/gazette/2026/#<link>/flaky/gazette/2026/#' "
                 "-e '/members/,/<\\/item>/d' '%s/gazette/feed.xml' > '%s'",
                 www, path);
        assert_int_equal(system(cmd), 0);
    }
    assert_non_null(fp = fopen(flag, "w"));
    fclose(fp);
    write_list(f, 1, "1:/gazette/flaky.xml");
    open_follower(f, false, 0);
    assert_int_equal(wc_follow_add_list(f->fl, f->list, NULL, NULL), WC_OK);
    assert_int_equal(round_once(f, &s), WC_OK);
    assert_int_equal(s.pages_failed, 3);
    assert_int_equal(s.articles_new, 0);
    assert_non_null(strstr(f->problems_text, "tried again"));
    fx_close(f);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feed_entries WHERE state = 'failed'"), 3);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feeds WHERE etag IS NOT NULL"), 1);

    /* the server recovers; the next fetch of the feed asks for all of it and retries */
    unlink(flag);
    open_follower(f, true, 0);
    assert_int_equal(round_once(f, &s), WC_OK);
    assert_int_equal(s.feeds_fetched, 1);
    assert_int_equal(s.pages_fetched, 3);
    assert_int_equal(s.articles_new, 3);
    assert_int_equal(log_count("/gazette/flaky.xml", inm, sizeof(inm)), 2);
    assert_string_equal(inm, "-"); /* unconditional while entries wait to be retried */
    fx_close(f);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feed_entries WHERE state = 'stored' "
                                    "AND doc_id IS NOT NULL"),
                     3);
    /* retried entries keep when they were first seen */
    assert_int_equal(sql_int(f->db, "SELECT count(DISTINCT first_seen) FROM feed_entries"), 1);

    /* nothing left to retry: conditional again */
    open_follower(f, true, 0);
    assert_int_equal(round_once(f, &s), WC_OK);
    assert_int_equal(s.feeds_not_modified, 1);
    assert_int_equal(s.pages_fetched, 0);
}

static void test_moved_onto_followed_feed_is_retired(void **state)
{
    struct fx *f = *state;
    wc_follow_stats s;
    char msg[512];

    NEED_SERVER();
    write_list(f, 2, "1:/gazette/feed.xml", "1:/redirect/301/gazette/feed.xml");
    open_follower(f, false, 0);
    assert_int_equal(wc_follow_add_list(f->fl, f->list, NULL, NULL), WC_OK);
    assert_int_equal(round_once(f, &s), WC_OK);
    assert_int_equal(s.feeds_retired, 1);
    assert_int_equal(s.articles_new, 3);
    assert_non_null(strstr(f->problems_text, "followed already"));
    fx_close(f);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feeds WHERE state = 'retired' AND url "
                                    "LIKE '%/redirect/301/%'"),
                     1);
    sql_text(f->db, "SELECT last_error FROM feeds WHERE state = 'retired'", msg, sizeof(msg));
    assert_non_null(strstr(msg, "moved permanently to"));
    /* the duplicate's entries were not taken: one set of rows */
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM feed_entries"), 4);
    assert_int_equal(log_count("/gazette/2026/port-strike.html", NULL, 0), 1);
}

static void test_schedule_learns_and_honours_ttl(void **state)
{
    struct fx *f = *state;
    wc_follow_stats s;
    char path[600], when[64];
    FILE *fp;
    time_t now = time(NULL);
    int i;

    NEED_SERVER();
    /* a busy feed (an entry an hour) that asks to be cached for three hours */
    snprintf(path, sizeof(path), "%s/busy.xml", www);
    assert_non_null(fp = fopen(path, "w"));
    fprintf(fp, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Busy</title>"
                "<link>/</link><ttl>180</ttl>\n");
    for (i = 1; i <= 6; i++) {
        time_t t = now - i * 3600;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof(when), "%a, %d %b %Y %H:%M:%S GMT", &tm);
        fprintf(fp,
                "<item><title>Brief %d</title><guid>busy-%d</guid><pubDate>%s</pubDate>"
                "<description>Brief number %d.</description></item>\n",
                i, i, when, i);
    }
    fprintf(fp, "</channel></rss>\n");
    fclose(fp);
    write_list(f, 1, "1:/busy.xml");
    open_follower(f, false, 0);
    assert_int_equal(wc_follow_add_list(f->fl, f->list, NULL, NULL), WC_OK);
    assert_int_equal(round_once(f, &s), WC_OK);
    assert_int_equal(s.entries_new, 6);
    fx_close(f);
    /* learned: one hour; due: after the ttl's three hours */
    assert_int_equal(sql_int(f->db, "SELECT interval_s FROM feeds"), 3600);
    assert_int_equal(sql_int(f->db, "SELECT next_fetch_at - last_fetch_at FROM feeds"), 3 * 3600);
}

static void test_discover(void **state)
{
    wc_fetch_opts fo;
    wc_error err = WC_ERROR_INIT;
    char *feed = NULL, *title = NULL, u[256], want[256];
    size_t others = 99;

    (void)state;
    NEED_SERVER();
    wc_fetch_opts_init(&fo);
    fo.host_delay_ms = 0;
    /* a page: its first <link rel=alternate> */
    snprintf(u, sizeof(u), "%s/gazette/", url1);
    assert_int_equal(wc_follow_discover(&fo, u, &feed, &title, &others, &err), WC_OK);
    snprintf(want, sizeof(want), "%s/gazette/feed.xml", url1);
    assert_string_equal(feed, want);
    assert_string_equal(title, "Northgate Gazette: latest");
    assert_int_equal(others, 1);
    free(feed);
    free(title);
    /* a feed: itself, with its own title; a permanent redirect gives the new address */
    snprintf(u, sizeof(u), "%s/redirect/301/coastal/atom.xml", url1);
    assert_int_equal(wc_follow_discover(&fo, u, &feed, &title, &others, &err), WC_OK);
    snprintf(want, sizeof(want), "%s/coastal/atom.xml", url1);
    assert_string_equal(feed, want);
    assert_string_equal(title, "The Coastal Times");
    assert_int_equal(others, 0);
    free(feed);
    free(title);
    /* a page without feeds, and a missing page */
    snprintf(u, sizeof(u), "%s/gazette/2026/council-budget.html", url1);
    assert_int_equal(wc_follow_discover(&fo, u, &feed, &title, NULL, &err), WC_OK);
    free(feed); /* article pages name the site's feed too */
    free(title);
    snprintf(u, sizeof(u), "%s/courier/feed-broken.xml", url1);
    assert_int_equal(wc_follow_discover(&fo, u, &feed, &title, NULL, &err), WC_OK);
    free(feed);
    free(title);
    snprintf(u, sizeof(u), "%s/robots.txt", url1);
    assert_int_equal(wc_follow_discover(&fo, u, &feed, &title, NULL, &err), WC_ERR_NOTFOUND);
    assert_null(feed);
    assert_non_null(strstr(err.msg, "robots.txt"));
    snprintf(u, sizeof(u), "%s/nothing-here", url1);
    assert_int_equal(wc_follow_discover(&fo, u, &feed, &title, NULL, &err), WC_ERR_HTTP);
    assert_non_null(strstr(err.msg, "404"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_teasers),
        cmocka_unit_test_setup_teardown(test_lists, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_round_counts_and_second_round, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_stop_mid_round_then_rerun, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_max_new_takes_batches, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_failed_pages_are_tried_again, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_moved_onto_followed_feed_is_retired, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_schedule_learns_and_honours_ttl, fx_setup,
                                        fx_teardown),
        cmocka_unit_test(test_discover),
    };
    return cmocka_run_group_tests(tests, server_start, server_stop);
}
