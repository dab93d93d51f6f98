/*
 * test_fetch.c - the fetcher against a real nginx on 127.0.0.1..3
 * (tests/helpers/nginx.sh), asserting what the server saw from its access
 * log: conditional headers, User-Agent, request timing per host, which URLs
 * were (not) requested; and wc_fetch_one, the one-URL call on top of it.
 * Skipped when nginx is not installed.
 */
#define _GNU_SOURCE /* mkdtemp, popen */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "wirecopy/charset.h"
#include "wirecopy/fetch.h"
#include "wirecopy/wirecopy.h"
#include "wc_test.h"

/* --- the server ------------------------------------------------------------ */

static char srv_dir[256];
static char srv_url[128], srv_url2[128], srv_url3[128], srv_log[1100];
static int srv_port;
static int have_server;

static int server_start(void **state)
{
    (void)state;
    if (!wc_test_have_nginx())
        return 0; /* no nginx: every test skips */
    if (wc_test_mkdtemp(srv_dir, sizeof(srv_dir), "fetch") != 0 ||
        wc_test_nginx_start("WC_NGINX_HOSTS=3", srv_dir, &srv_port, srv_log, sizeof(srv_log)) != 0)
        return -1;
    snprintf(srv_url, sizeof(srv_url), "http://127.0.0.1:%d", srv_port);
    snprintf(srv_url2, sizeof(srv_url2), "http://127.0.0.2:%d", srv_port);
    snprintf(srv_url3, sizeof(srv_url3), "http://127.0.0.3:%d", srv_port);
    have_server = 1;
    return wc_global_init(NULL) == WC_OK ? 0 : -1;
}

static int server_stop(void **state)
{
    (void)state;
    if (have_server) {
        if (wc_test_nginx_stop(srv_dir, srv_dir) != 0)
            return -1;
        wc_global_cleanup();
    }
    return 0;
}

static double wall_now(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

/* Lines for requests that ended before this (wall clock) belong to an earlier test. */
static double log_t0;

/*
 * Each test starts with an empty access log. nginx writes a line just
 * after sending the response, so the last line of the previous test may
 * still be on its way: wait until the log has been still for 60 ms, then
 * truncate, and let read_log() also drop lines that ended before now.
 */
static int clear_log(void **state)
{
    struct stat st;
    off_t last = -1;
    int still = 0, tries;
    FILE *f;

    (void)state;
    if (!have_server)
        return 0;
    for (tries = 0; tries < 50 && still < 3; tries++) {
        if (stat(srv_log, &st) != 0)
            return -1;
        still = st.st_size == last ? still + 1 : 0;
        last = st.st_size;
        usleep(20000);
    }
    f = fopen(srv_log, "w");
    if (!f)
        return -1;
    fclose(f);
    log_t0 = wall_now();
    return 0;
}

#define NEED_SERVER()                                                                              \
    do {                                                                                           \
        if (!have_server)                                                                          \
            skip();                                                                                \
    } while (0)

/* --- the access log ------------------------------------------------------- */

typedef struct entry {
    double end, start; /* request end ($msec) and start (end - $request_time) */
    long conn;         /* $connection */
    char addr[32];     /* $server_addr */
    char uri[256];     /* $request_uri */
    int status;
    char ua[256], inm[256], ims[128], ae[128];
} entry;

#define MAX_ENTRIES 256
static entry ent[MAX_ENTRIES];

static void field(char **p, char *out, size_t outlen)
{
    char *tab = strchr(*p, '\t');
    size_t n = tab ? (size_t)(tab - *p) : strcspn(*p, "\n");

    /* nginx writes quotes, backslashes and control bytes as \xHH: undo that. */
    if (out) {
        size_t i, o = 0;
        for (i = 0; i < n && o + 1 < outlen; i++) {
            unsigned v;
            if ((*p)[i] == '\\' && i + 3 < n + 1 && (*p)[i + 1] == 'x' &&
                sscanf(*p + i + 2, "%2x", &v) == 1) {
                out[o++] = (char)v;
                i += 3;
            } else {
                out[o++] = (*p)[i];
            }
        }
        out[o] = '\0';
    }
    *p += n + (tab ? 1 : 0);
}

/* Read the log, waiting up to 2 s for at least `want` lines (nginx logs just after sending). */
static int read_log(int want)
{
    int n = 0, tries;
    char line[2048], tmp[64];

    for (tries = 0; tries < 40; tries++) {
        FILE *f = fopen(srv_log, "r");
        n = 0;
        if (!f)
            return -1;
        while (n < MAX_ENTRIES && fgets(line, sizeof(line), f)) {
            char *p = line;
            entry *e = &ent[n];
            memset(e, 0, sizeof(*e));
            field(&p, tmp, sizeof(tmp));
            e->end = strtod(tmp, NULL);
            field(&p, tmp, sizeof(tmp));
            e->start = e->end - strtod(tmp, NULL);
            field(&p, tmp, sizeof(tmp));
            e->conn = strtol(tmp, NULL, 10);
            field(&p, NULL, 0);
            field(&p, e->addr, sizeof(e->addr));
            field(&p, NULL, 0);
            field(&p, NULL, 0);
            field(&p, e->uri, sizeof(e->uri));
            field(&p, tmp, sizeof(tmp));
            e->status = (int)strtol(tmp, NULL, 10);
            field(&p, NULL, 0);
            field(&p, e->ua, sizeof(e->ua));
            field(&p, e->inm, sizeof(e->inm));
            field(&p, e->ims, sizeof(e->ims));
            field(&p, e->ae, sizeof(e->ae));
            if (e->end >= log_t0 - 0.010)
                n++;
        }
        fclose(f);
        if (n >= want)
            break;
        usleep(50000);
    }
    return n;
}

static int count_uri(int n, const char *uri)
{
    int i, c = 0;

    for (i = 0; i < n; i++)
        if (strcmp(ent[i].uri, uri) == 0)
            c++;
    return c;
}

static const entry *find_uri(int n, const char *uri, int nth)
{
    int i;

    for (i = 0; i < n; i++)
        if (strcmp(ent[i].uri, uri) == 0 && nth-- == 0)
            return &ent[i];
    return NULL;
}

/* --- running the fetcher -------------------------------------------------- */

typedef struct got {
    wc_fetch_result result;
    wc_status code;
    char msg[WC_ERROR_MSG_MAX];
    long status;
    char *final_url, *moved_to, *etag, *last_modified, *content_type, *content_location;
    int64_t max_age, retry_after;
    unsigned redirects;
    char *body;
    size_t body_len;
    int calls;
} got;

#define MAX_REQS 32
static got res[MAX_REQS];

typedef struct run_ctx {
    wc_fetcher *f;
    const char *add_on_ok; /* URL a callback adds after the first OK (then cleared) */
    int add_index;
} run_ctx;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void on_done(void *ctx, wc_response *r)
{
    run_ctx *c = ctx;
    got *g = &res[(intptr_t)r->user];

    g->calls++;
    g->result = r->result;
    g->code = r->err.code;
    snprintf(g->msg, sizeof(g->msg), "%s", r->err.msg);
    g->status = r->http_status;
    g->final_url = dup_or_null(r->final_url);
    g->moved_to = dup_or_null(r->moved_to);
    g->etag = dup_or_null(r->etag);
    g->last_modified = dup_or_null(r->last_modified);
    g->content_type = dup_or_null(r->content_type);
    g->content_location = dup_or_null(r->content_location);
    g->max_age = r->max_age;
    g->retry_after = r->retry_after;
    g->redirects = r->redirects;
    g->body = wc_response_take_body(r, &g->body_len);
    assert_non_null(g->body);
    assert_string_equal(r->body, "");
    if (c && c->add_on_ok && r->result == WC_FETCH_OK) {
        wc_fetch_req req = {
            c->add_on_ok, WC_FETCH_PAGE, NULL, NULL, 0, (void *)(intptr_t)c->add_index};
        assert_int_equal(wc_fetcher_add(c->f, &req, NULL), WC_OK);
        c->add_on_ok = NULL;
    }
}

static void reset_results(void)
{
    int i;

    for (i = 0; i < MAX_REQS; i++) {
        free(res[i].final_url);
        free(res[i].moved_to);
        free(res[i].etag);
        free(res[i].last_modified);
        free(res[i].content_type);
        free(res[i].content_location);
        free(res[i].body);
    }
    memset(res, 0, sizeof(res));
}

static wc_fetch_opts test_opts(void)
{
    wc_fetch_opts o;

    wc_fetch_opts_init(&o);
    o.host_delay_ms = 0;
    o.timeout_ms = 20000;
    return o;
}

/* Fetch urls[0..n) (srv-relative when starting with '/') of one kind; results in res[]. */
static void fetch_urls(const wc_fetch_opts *o, wc_fetch_kind kind, const char *const *urls, int n)
{
    wc_fetcher *f = NULL;
    wc_error err = WC_ERROR_INIT;
    char url[512];
    int i;

    reset_results();
    assert_int_equal(wc_fetcher_new(o, on_done, NULL, &f, &err), WC_OK);
    for (i = 0; i < n; i++) {
        wc_fetch_req req = {url, kind, NULL, NULL, 0, (void *)(intptr_t)i};
        snprintf(url, sizeof(url), "%s%s", urls[i][0] == '/' ? srv_url : "", urls[i]);
        assert_int_equal(wc_fetcher_add(f, &req, &err), WC_OK);
    }
    assert_int_equal(wc_fetcher_run(f, NULL, &err), WC_OK);
    assert_int_equal(wc_fetcher_pending(f), 0);
    wc_fetcher_free(f);
    for (i = 0; i < n; i++)
        assert_int_equal(res[i].calls, 1);
}

static void fetch1(const wc_fetch_opts *o, wc_fetch_kind kind, const char *url)
{
    fetch_urls(o, kind, &url, 1);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* --- tests ------------------------------------------------------------------ */

static void test_ok_headers_and_user_agent(void **state)
{
    wc_fetch_opts o = test_opts();
    char expect_ua[128];
    int n;

    (void)state;
    NEED_SERVER();
    fetch1(&o, WC_FETCH_FEED, "/feed.xml");
    assert_int_equal(res[0].result, WC_FETCH_OK);
    assert_int_equal(res[0].code, WC_OK);
    assert_int_equal(res[0].status, 200);
    assert_non_null(res[0].etag);
    assert_non_null(res[0].last_modified);
    assert_non_null(strstr(res[0].content_type, "xml"));
    assert_int_equal(res[0].redirects, 0);
    assert_null(res[0].moved_to);
    /* nginx gzips XML on the fly: the body arrives decoded. */
    assert_true(res[0].body_len > 100);
    assert_memory_equal(res[0].body, "<?xml", 5);
    assert_non_null(strstr(res[0].body, "<ttl>60</ttl>"));

    n = read_log(1);
    assert_int_equal(n, 1);
    snprintf(expect_ua, sizeof(expect_ua), "wirecopy/%s (+https://github.com/wirecopy/wirecopy)",
             wc_version());
    assert_string_equal(ent[0].ua, expect_ua);
    assert_non_null(strstr(ent[0].ae, "gzip"));
    assert_non_null(strstr(ent[0].ae, "deflate"));
    assert_non_null(strstr(ent[0].ae, "br"));
    assert_string_equal(ent[0].inm, "-");
    assert_string_equal(ent[0].ims, "-");
}

static void test_user_agent_override(void **state)
{
    wc_fetch_opts o = test_opts();
    int n;

    (void)state;
    NEED_SERVER();
    o.user_agent = "research-bot/2 (contact: lab@example.org)";
    fetch1(&o, WC_FETCH_PAGE, "/page.html");
    assert_int_equal(res[0].result, WC_FETCH_OK);
    n = read_log(2);
    assert_int_equal(n, 2); /* robots.txt, then the page */
    assert_string_equal(ent[0].uri, "/robots.txt");
    assert_string_equal(ent[1].ua, "research-bot/2 (contact: lab@example.org)");
}

static void test_conditional_get_304(void **state)
{
    wc_fetch_opts o = test_opts();
    wc_fetcher *f = NULL;
    char url[256], *etag, *lm;
    wc_fetch_req req = {url, WC_FETCH_FEED, NULL, NULL, 0, (void *)0};
    const entry *e;
    int n;

    (void)state;
    NEED_SERVER();
    snprintf(url, sizeof(url), "%s/feed.xml", srv_url);
    fetch1(&o, WC_FETCH_FEED, url);
    assert_int_equal(res[0].result, WC_FETCH_OK);
    etag = strdup(res[0].etag);
    lm = strdup(res[0].last_modified);

    /* Second run: both validators sent, 304 back, no body. */
    reset_results();
    req.etag = etag;
    req.last_modified = lm;
    assert_int_equal(wc_fetcher_new(&o, on_done, NULL, &f, NULL), WC_OK);
    assert_int_equal(wc_fetcher_add(f, &req, NULL), WC_OK);
    /* Only the Last-Modified validator: still 304. */
    req.etag = NULL;
    req.user = (void *)1;
    assert_int_equal(wc_fetcher_add(f, &req, NULL), WC_OK);
    /* A stale ETag: a full 200. */
    req.etag = "\"not-the-etag\"";
    req.last_modified = NULL;
    req.user = (void *)2;
    assert_int_equal(wc_fetcher_add(f, &req, NULL), WC_OK);
    assert_int_equal(wc_fetcher_run(f, NULL, NULL), WC_OK);
    wc_fetcher_free(f);
    assert_int_equal(res[0].result, WC_FETCH_NOT_MODIFIED);
    assert_int_equal(res[0].status, 304);
    assert_int_equal(res[0].body_len, 0);
    assert_int_equal(res[0].code, WC_OK);
    assert_int_equal(res[1].result, WC_FETCH_NOT_MODIFIED);
    assert_int_equal(res[2].result, WC_FETCH_OK);

    n = read_log(4);
    assert_int_equal(n, 4);
    e = find_uri(n, "/feed.xml", 1);
    assert_non_null(e);
    assert_string_equal(e->inm, etag);
    assert_string_equal(e->ims, lm);
    assert_int_equal(e->status, 304);
    e = find_uri(n, "/feed.xml", 2);
    assert_string_equal(e->inm, "-");
    assert_string_equal(e->ims, lm);
    assert_int_equal(e->status, 304);
    e = find_uri(n, "/feed.xml", 3);
    assert_int_equal(e->status, 200);
    free(etag);
    free(lm);
}

/* A stored validator no response could have given (over 4 KiB, or with a line break) is not sent.
 */
static void test_odd_validators_not_sent(void **state)
{
    wc_fetch_opts o = test_opts();
    wc_fetcher *f = NULL;
    char url[256], *long_etag = malloc(5001);
    wc_fetch_req req = {url, WC_FETCH_FEED, NULL, NULL, 0, (void *)0};
    int n;

    (void)state;
    NEED_SERVER();
    assert_non_null(long_etag);
    memset(long_etag, 'e', 5000);
    long_etag[5000] = '\0';
    reset_results();
    snprintf(url, sizeof(url), "%s/feed.xml", srv_url);
    req.etag = long_etag;
    req.last_modified = "Tue, 10 Mar 2026 09:00:00 GMT\r\nX-Injected: 1";
    assert_int_equal(wc_fetcher_new(&o, on_done, NULL, &f, NULL), WC_OK);
    assert_int_equal(wc_fetcher_add(f, &req, NULL), WC_OK);
    assert_int_equal(wc_fetcher_run(f, NULL, NULL), WC_OK);
    wc_fetcher_free(f);
    assert_int_equal(res[0].result, WC_FETCH_OK); /* an unconditional GET */
    n = read_log(1);
    assert_int_equal(n, 1);
    assert_string_equal(ent[0].inm, "-");
    assert_string_equal(ent[0].ims, "-");
    free(long_etag);
}

static void test_redirects_and_permanent_moves(void **state)
{
    wc_fetch_opts o = test_opts();
    static const char *const urls[] = {
        "/redirect/301/feed.xml",              /* 0: permanent */
        "/redirect/302/feed.xml",              /* 1: temporary */
        "/redirect/308/redirect/302/feed.xml", /* 2: permanent then temporary */
        "/redirect/302/redirect/301/feed.xml", /* 3: temporary then permanent */
        "/redirect/other-host/feed.xml",       /* 4: to another host */
        "/redirect/301/redirect/308/feed.xml", /* 5: two permanent */
    };
    char want[256];

    (void)state;
    NEED_SERVER();
    fetch_urls(&o, WC_FETCH_FEED, urls, 6);
    snprintf(want, sizeof(want), "%s/feed.xml", srv_url);
    assert_int_equal(res[0].result, WC_FETCH_OK);
    assert_int_equal(res[0].redirects, 1);
    assert_string_equal(res[0].final_url, want);
    assert_string_equal(res[0].moved_to, want);
    assert_non_null(strstr(res[0].body, "<rss"));

    assert_int_equal(res[1].result, WC_FETCH_OK);
    assert_string_equal(res[1].final_url, want);
    assert_null(res[1].moved_to);

    assert_int_equal(res[2].redirects, 2);
    snprintf(want, sizeof(want), "%s/redirect/302/feed.xml", srv_url);
    assert_string_equal(res[2].moved_to, want);

    assert_int_equal(res[3].redirects, 2);
    assert_null(res[3].moved_to);

    snprintf(want, sizeof(want), "%s/feed.xml", srv_url2);
    assert_int_equal(res[4].result, WC_FETCH_OK);
    assert_string_equal(res[4].final_url, want);
    assert_string_equal(res[4].moved_to, want);

    snprintf(want, sizeof(want), "%s/feed.xml", srv_url);
    assert_string_equal(res[5].moved_to, want);
}

static void test_refused_redirects_and_schemes(void **state)
{
    wc_fetch_opts o = test_opts();
    static const char *const urls[] = {
        "/redirect/file",
        "/redirect/ftp",
        "ftp://127.0.0.1/feed.xml",
        "file:///etc/passwd",
        "/redirect/loop",
        "not a url at all",
        "http://",
        "/page.html",
    };
    int n;

    (void)state;
    NEED_SERVER();
    o.max_redirects = 3;
    fetch_urls(&o, WC_FETCH_FEED, urls, 8);
    assert_int_equal(res[0].result, WC_FETCH_REFUSED);
    assert_int_equal(res[0].code, WC_ERR_UNSUPPORTED);
    assert_non_null(strstr(res[0].msg, "file:///etc/passwd"));
    assert_non_null(strstr(res[0].msg, "/redirect/file"));
    assert_non_null(strstr(res[0].msg, "only http and https"));
    assert_int_equal(res[1].result, WC_FETCH_REFUSED);
    assert_non_null(strstr(res[1].msg, "ftp://127.0.0.1/pub/feed.xml"));
    assert_int_equal(res[2].result, WC_FETCH_REFUSED);
    assert_non_null(strstr(res[2].msg, "ftp://127.0.0.1/feed.xml"));
    assert_int_equal(res[3].result, WC_FETCH_REFUSED);
    assert_int_equal(res[4].result, WC_FETCH_REFUSED);
    assert_int_equal(res[4].code, WC_ERR_LIMIT);
    assert_non_null(strstr(res[4].msg, "too many redirects"));
    assert_int_equal(res[5].result, WC_FETCH_REFUSED);
    assert_int_equal(res[6].result, WC_FETCH_REFUSED);
    assert_int_equal(res[7].result, WC_FETCH_OK);
    /* The loop was followed exactly max_redirects times, then given up.
     * Seven requests reached the server (file, ftp, the loop four times,
     * the page), logged in whatever order the transfers ended: wait for all. */
    n = read_log(7);
    assert_int_equal(count_uri(n, "/redirect/loop"), 4);
    assert_int_equal(count_uri(n, "/redirect/file"), 1);
}

static void test_gone_and_errors(void **state)
{
    wc_fetch_opts o = test_opts();
    static const char *const urls[] = {"/status/410", "/status/404", "/status/500",
                                       "/no/such/file"};

    (void)state;
    NEED_SERVER();
    fetch_urls(&o, WC_FETCH_FEED, urls, 4);
    assert_int_equal(res[0].result, WC_FETCH_HTTP_ERROR);
    assert_int_equal(res[0].status, 410);
    assert_int_equal(res[0].code, WC_ERR_HTTP);
    assert_non_null(strstr(res[0].msg, "410 Gone"));
    assert_non_null(strstr(res[0].msg, "/status/410"));
    assert_int_equal(res[0].body_len, 0);
    assert_int_equal(res[1].status, 404);
    assert_int_equal(res[2].status, 500);
    assert_int_equal(res[3].status, 404);
    assert_int_equal(res[0].retry_after, -1);
}

static void test_retry_after_surfaced_and_host_paused(void **state)
{
    wc_fetch_opts o = test_opts();
    static const char *const urls[] = {"/status/429", "/page.html", "/status/503-date"};
    int n;

    (void)state;
    NEED_SERVER();
    /* Same host, one at a time: the page waits behind the 429. */
    fetch_urls(&o, WC_FETCH_FEED, urls, 3);
    assert_int_equal(res[0].result, WC_FETCH_HTTP_ERROR);
    assert_int_equal(res[0].status, 429);
    assert_int_equal(res[0].retry_after, 120);
    assert_non_null(strstr(res[0].msg, "retry after 120 s"));
    /* 120 s is longer than max_host_pause_ms: the rest of the host is answered, not asked. */
    assert_int_equal(res[1].result, WC_FETCH_HTTP_ERROR);
    assert_int_equal(res[1].status, 429);
    assert_true(res[1].retry_after > 100 && res[1].retry_after <= 120);
    assert_non_null(strstr(res[1].msg, "not requested"));
    assert_int_equal(res[2].result, WC_FETCH_HTTP_ERROR);
    n = read_log(1);
    assert_int_equal(count_uri(n, "/status/429"), 1);
    assert_int_equal(count_uri(n, "/page.html"), 0);
    assert_int_equal(count_uri(n, "/status/503-date"), 0);

    /* The HTTP-date form (year 2099) on its own fetcher: capped at ten years. */
    fetch1(&o, WC_FETCH_FEED, "/status/503-date");
    assert_int_equal(res[0].status, 503);
    assert_true(res[0].retry_after > (int64_t)9 * 365 * 24 * 3600);
}

static void test_short_retry_after_pauses_host(void **state)
{
    wc_fetch_opts o = test_opts();
    static const char *const urls[] = {"/status/503-short", "/page.html"};
    const entry *a, *b;
    int n;

    (void)state;
    NEED_SERVER();
    /* Retry-After: 1 is within max_host_pause_ms: the host is paused, then asked again. */
    fetch_urls(&o, WC_FETCH_FEED, urls, 2);
    assert_int_equal(res[0].result, WC_FETCH_HTTP_ERROR);
    assert_int_equal(res[0].status, 503);
    assert_int_equal(res[0].retry_after, 1);
    assert_int_equal(res[1].result, WC_FETCH_OK);
    n = read_log(2);
    assert_int_equal(n, 2);
    a = find_uri(n, "/status/503-short", 0);
    b = find_uri(n, "/page.html", 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(b->start - a->end >= 0.95);
}

static void test_cache_headers(void **state)
{
    wc_fetch_opts o = test_opts();

    (void)state;
    NEED_SERVER();
    fetch1(&o, WC_FETCH_FEED, "/cache/feed.xml");
    assert_int_equal(res[0].result, WC_FETCH_OK);
    assert_int_equal(res[0].max_age, 600);
    assert_string_equal(res[0].content_location, "/feeds/canonical.xml");
    assert_int_equal(res[0].retry_after, -1);
    fetch1(&o, WC_FETCH_FEED, "/feed.xml");
    assert_int_equal(res[0].max_age, -1);
    assert_null(res[0].content_location);
}

/* Do [a.start, a.end] and [b.start, b.end] overlap (beyond log rounding)? */
static int overlaps(const entry *a, const entry *b)
{
    return a->start < b->end - 0.002 && b->start < a->end - 0.002;
}

static void count_overlaps(int n, int *same_host, int *cross_host)
{
    int i, j;

    *same_host = *cross_host = 0;
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            if (overlaps(&ent[i], &ent[j])) {
                if (strcmp(ent[i].addr, ent[j].addr) == 0)
                    (*same_host)++;
                else
                    (*cross_host)++;
            }
}

static void test_two_hosts_parallel_one_at_a_time_each(void **state)
{
    wc_fetch_opts o = test_opts();
    char urls[6][200];
    const char *u[6];
    int i, n, same, cross;

    (void)state;
    NEED_SERVER();
    for (i = 0; i < 6; i++) {
        snprintf(urls[i], sizeof(urls[i]), "%s/paced/%d.html", i % 2 ? srv_url2 : srv_url, i);
        u[i] = urls[i];
    }
    o.max_total = 8;
    o.max_per_host = 1;
    fetch_urls(&o, WC_FETCH_FEED, u, 6);
    for (i = 0; i < 6; i++)
        assert_int_equal(res[i].result, WC_FETCH_OK);
    n = read_log(6);
    assert_int_equal(n, 6);
    for (i = 0; i < n; i++)
        assert_true(ent[i].end - ent[i].start > 0.5); /* the paced pages do take time */
    count_overlaps(n, &same, &cross);
    assert_int_equal(same, 0);
    assert_true(cross >= 2);
    /* One host, one connection, reused. */
    for (i = 2; i < n; i++)
        if (strcmp(ent[i].addr, ent[0].addr) == 0)
            assert_int_equal(ent[i].conn, ent[0].conn);

    /* Control: with two slots per host the same check does see overlap. */
    clear_log(NULL);
    o.max_per_host = 2;
    fetch_urls(&o, WC_FETCH_FEED, u, 6);
    n = read_log(6);
    count_overlaps(n, &same, &cross);
    assert_true(same >= 1);
}

static void test_host_delay(void **state)
{
    wc_fetch_opts o = test_opts();
    static const char *const urls[] = {"/pages/1.html", "/pages/2.html", "/pages/3.html"};
    int n, i;

    (void)state;
    NEED_SERVER();
    o.host_delay_ms = 300;
    fetch_urls(&o, WC_FETCH_FEED, urls, 3);
    n = read_log(3);
    assert_int_equal(n, 3);
    for (i = 1; i < n; i++)
        assert_true(ent[i].start - ent[i - 1].end >= 0.28);
}

static void test_slow_server_times_out(void **state)
{
    wc_fetch_opts o = test_opts();

    (void)state;
    NEED_SERVER();
    o.timeout_ms = 1000;
    fetch1(&o, WC_FETCH_FEED, "/slow/feed.xml");
    assert_int_equal(res[0].result, WC_FETCH_TIMEOUT);
    assert_int_equal(res[0].code, WC_ERR_NET);
    assert_non_null(strstr(res[0].msg, "timed out"));
    assert_non_null(strstr(res[0].msg, "/slow/feed.xml"));
    assert_int_equal(res[0].body_len, 0);
}

static void test_size_caps_on_decoded_bytes(void **state)
{
    wc_fetch_opts o = test_opts();
    static const char *const urls[] = {"/gen/big.bin", "/gen/big.html", "/bomb.html", "/page.html"};
    char path[512], *page;
    size_t page_len;

    (void)state;
    NEED_SERVER();
    o.max_body = 1 << 20;
    fetch_urls(&o, WC_FETCH_FEED, urls, 4);
    /* A declared 3 MiB, a chunked on-the-fly gzip of 3 MiB, and 64 MiB from 64 KiB. */
    assert_int_equal(res[0].result, WC_FETCH_TOO_LARGE);
    assert_int_equal(res[0].code, WC_ERR_LIMIT);
    assert_non_null(strstr(res[0].msg, "1048576-byte cap"));
    assert_int_equal(res[1].result, WC_FETCH_TOO_LARGE);
    assert_int_equal(res[2].result, WC_FETCH_TOO_LARGE);
    assert_non_null(strstr(res[2].msg, "/bomb.html"));
    assert_int_equal(res[2].body_len, 0);
    assert_int_equal(res[3].result, WC_FETCH_OK);

    /* The cap counts decoded bytes: 417 gzip bytes on the wire decode to page.html. */
    snprintf(path, sizeof(path), "%s/www/page.html", wc_test_data_dir());
    page = read_file(path, &page_len);
    o.max_body = page_len;
    fetch1(&o, WC_FETCH_FEED, "/enc/page.html.gz");
    assert_int_equal(res[0].result, WC_FETCH_OK);
    assert_int_equal(res[0].body_len, page_len);
    o.max_body = page_len - 1;
    fetch1(&o, WC_FETCH_FEED, "/enc/page.html.gz");
    assert_int_equal(res[0].result, WC_FETCH_TOO_LARGE);
    free(page);
}

static void test_content_encodings(void **state)
{
    wc_fetch_opts o = test_opts();
    static const char *const urls[] = {"/enc/page.html.gz", "/enc/page.html.zz",
                                       "/enc/page.html.br"};
    char path[512], *page;
    size_t page_len;
    int i;

    (void)state;
    NEED_SERVER();
    snprintf(path, sizeof(path), "%s/www/page.html", wc_test_data_dir());
    page = read_file(path, &page_len);
    fetch_urls(&o, WC_FETCH_PAGE, urls, 3);
    for (i = 0; i < 3; i++) {
        assert_int_equal(res[i].result, WC_FETCH_OK);
        assert_int_equal(res[i].body_len, page_len);
        assert_memory_equal(res[i].body, page, page_len);
    }
    free(page);
}

static void test_robots_for_pages_not_feeds(void **state)
{
    wc_fetch_opts o = test_opts();
    wc_fetcher *f = NULL;
    static const char *const pages[] = {"/nocopy/secret.html", "/nocopy/ok.html", "/page.html",
                                        "/private/secret.html"};
    char url[256];
    int i, n;

    (void)state;
    NEED_SERVER();
    reset_results();
    assert_int_equal(wc_fetcher_new(&o, on_done, NULL, &f, NULL), WC_OK);
    for (i = 0; i < 4; i++) {
        wc_fetch_req req = {url, WC_FETCH_PAGE, NULL, NULL, 0, (void *)(intptr_t)i};
        snprintf(url, sizeof(url), "%s%s", srv_url, pages[i]);
        assert_int_equal(wc_fetcher_add(f, &req, NULL), WC_OK);
    }
    {
        /* The same disallowed URL as a feed: robots.txt does not apply. */
        wc_fetch_req req = {url, WC_FETCH_FEED, NULL, NULL, 0, (void *)4};
        snprintf(url, sizeof(url), "%s/nocopy/secret.html", srv_url);
        assert_int_equal(wc_fetcher_add(f, &req, NULL), WC_OK);
    }
    {
        /* Host 2 has no robots.txt (404): everything allowed. */
        wc_fetch_req req = {url, WC_FETCH_PAGE, NULL, NULL, 0, (void *)5};
        snprintf(url, sizeof(url), "%s/nocopy/secret.html", srv_url2);
        assert_int_equal(wc_fetcher_add(f, &req, NULL), WC_OK);
    }
    assert_int_equal(wc_fetcher_run(f, NULL, NULL), WC_OK);
    {
        wc_fetch_stats st;
        wc_fetcher_get_stats(f, &st);
        assert_int_equal(st.robots, 2);
        assert_int_equal(st.disallowed, 1);
        assert_int_equal(st.ok, 5);
    }
    wc_fetcher_free(f);
    assert_int_equal(res[0].result, WC_FETCH_DISALLOWED);
    assert_non_null(strstr(res[0].msg, "disallowed by robots.txt"));
    assert_non_null(strstr(res[0].msg, "/nocopy/secret.html"));
    assert_int_equal(res[1].result, WC_FETCH_OK);
    assert_int_equal(res[2].result, WC_FETCH_OK);
    assert_int_equal(res[3].result, WC_FETCH_OK);
    assert_int_equal(res[4].result, WC_FETCH_OK);
    assert_int_equal(res[5].result, WC_FETCH_OK);

    n = read_log(7);
    assert_int_equal(n, 7);
    /* robots.txt once per host, before any page of that host. */
    assert_int_equal(count_uri(n, "/robots.txt"), 2);
    assert_int_equal(count_uri(n, "/nocopy/secret.html"), 2); /* the feed, and host 2's page */
    {
        /* On host 1 only the feed request reached /nocopy/secret.html. */
        int on_host1 = 0;
        for (i = 0; i < n; i++)
            if (strcmp(ent[i].uri, "/nocopy/secret.html") == 0 &&
                strcmp(ent[i].addr, "127.0.0.1") == 0)
                on_host1++;
        assert_int_equal(on_host1, 1);
    }
    {
        const entry *r1 = find_uri(n, "/robots.txt", 0);
        const entry *p1 = find_uri(n, "/nocopy/ok.html", 0);
        assert_true(r1->end <= p1->start + 0.002);
    }

    /* robots off: the page is fetched. */
    clear_log(NULL);
    o.robots = false;
    fetch1(&o, WC_FETCH_PAGE, "/nocopy/secret.html");
    assert_int_equal(res[0].result, WC_FETCH_OK);
    n = read_log(1);
    assert_int_equal(count_uri(n, "/robots.txt"), 0);
}

static void test_robots_crawl_delay(void **state)
{
    wc_fetch_opts o = test_opts();
    char u1[256], u2[256], u3[256];
    const char *urls[] = {u1, u2, u3};
    const entry *a, *b;
    int n;

    (void)state;
    NEED_SERVER();
    /* Host 3's robots.txt says Crawl-delay: 1 and Disallow: /nocopy/ for everyone. */
    snprintf(u1, sizeof(u1), "%s/pages/1.html", srv_url3);
    snprintf(u2, sizeof(u2), "%s/pages/2.html", srv_url3);
    snprintf(u3, sizeof(u3), "%s/nocopy/ok.html", srv_url3);
    fetch_urls(&o, WC_FETCH_PAGE, urls, 3);
    assert_int_equal(res[0].result, WC_FETCH_OK);
    assert_int_equal(res[1].result, WC_FETCH_OK);
    assert_int_equal(res[2].result, WC_FETCH_DISALLOWED);
    n = read_log(3);
    assert_int_equal(n, 3);
    a = find_uri(n, "/pages/1.html", 0);
    b = find_uri(n, "/pages/2.html", 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(b->start - a->end >= 0.95);
}

static void test_robots_unreachable_disallows_pages(void **state)
{
    wc_fetch_opts o = test_opts();

    (void)state;
    NEED_SERVER();
    /* Nothing listens on port 1: robots.txt cannot be read, so the page is not fetched. */
    fetch1(&o, WC_FETCH_PAGE, "http://127.0.0.1:1/page.html");
    assert_int_equal(res[0].result, WC_FETCH_DISALLOWED);
    assert_non_null(strstr(res[0].msg, "could not be read"));
    /* The same URL as a feed: a network error naming it. */
    fetch1(&o, WC_FETCH_FEED, "http://127.0.0.1:1/feed.xml");
    assert_int_equal(res[0].result, WC_FETCH_NET_ERROR);
    assert_int_equal(res[0].code, WC_ERR_NET);
    assert_non_null(strstr(res[0].msg, "http://127.0.0.1:1/feed.xml"));
}

static void test_proxy_only_when_asked(void **state)
{
    wc_fetch_opts o = test_opts();

    (void)state;
    NEED_SERVER();
    /* A proxy in the environment is ignored... */
    setenv("http_proxy", "http://127.0.0.1:1", 1);
    setenv("ALL_PROXY", "http://127.0.0.1:1", 1);
    fetch1(&o, WC_FETCH_FEED, "/feed.xml");
    assert_int_equal(res[0].result, WC_FETCH_OK);
    assert_int_equal(read_log(1), 1);
    unsetenv("http_proxy");
    unsetenv("ALL_PROXY");
    /* ...and one given in the options is used (here: one that is not there). */
    o.proxy = "http://127.0.0.1:1";
    fetch1(&o, WC_FETCH_FEED, "/feed.xml");
    assert_int_equal(res[0].result, WC_FETCH_NET_ERROR);
    usleep(100000);
    assert_int_equal(read_log(1), 1); /* nginx saw only the direct request */
}

static void test_callback_adds_requests(void **state)
{
    wc_fetch_opts o = test_opts();
    wc_fetcher *f = NULL;
    run_ctx c = {NULL, NULL, 1};
    char url[256], page[256];
    wc_fetch_req req = {url, WC_FETCH_FEED, NULL, NULL, 0, (void *)0};

    (void)state;
    NEED_SERVER();
    reset_results();
    snprintf(url, sizeof(url), "%s/feed.xml", srv_url);
    snprintf(page, sizeof(page), "%s/page.html", srv_url2);
    assert_int_equal(wc_fetcher_new(&o, on_done, &c, &f, NULL), WC_OK);
    c.f = f;
    c.add_on_ok = page;
    assert_int_equal(wc_fetcher_add(f, &req, NULL), WC_OK);
    assert_int_equal(wc_fetcher_run(f, NULL, NULL), WC_OK);
    wc_fetcher_free(f);
    assert_int_equal(res[0].result, WC_FETCH_OK);
    assert_int_equal(res[1].calls, 1);
    assert_int_equal(res[1].result, WC_FETCH_OK);
    assert_non_null(strstr(res[1].body, "Harbour cranes"));
}

static void test_stop_cancel_and_queue_cap(void **state)
{
    wc_fetch_opts o = test_opts();
    wc_fetcher *f = NULL;
    volatile sig_atomic_t stop = 0;
    wc_error err = WC_ERROR_INIT;
    char url[256];
    int i, steps;

    (void)state;
    NEED_SERVER();
    reset_results();
    o.max_queue = 4;
    assert_int_equal(wc_fetcher_new(&o, on_done, NULL, &f, NULL), WC_OK);
    for (i = 0; i < 4; i++) {
        wc_fetch_req req = {
            url, i == 3 ? WC_FETCH_PAGE : WC_FETCH_FEED, NULL, NULL, 0, (void *)(intptr_t)i};
        snprintf(url, sizeof(url), "%s/paced/%d.html", srv_url, i);
        assert_int_equal(wc_fetcher_add(f, &req, NULL), WC_OK);
    }
    {
        wc_fetch_req req = {url, WC_FETCH_FEED, NULL, NULL, 0, (void *)4};
        assert_int_equal(wc_fetcher_add(f, &req, &err), WC_ERR_LIMIT);
        assert_non_null(strstr(err.msg, "queue full"));
    }
    /* A stop flag already raised: run returns at once, nothing answered. */
    stop = 1;
    assert_int_equal(wc_fetcher_run(f, &stop, &err), WC_ERR_INTERRUPTED);
    assert_int_equal(wc_fetcher_pending(f), 4);
    /* Drive it by steps until the first transfer is under way, then cancel. */
    for (steps = 0; steps < 5; steps++)
        assert_int_equal(wc_fetcher_step(f, 50, NULL), WC_OK);
    assert_int_equal(res[0].calls, 0); /* a paced page takes a second */
    wc_fetcher_cancel(f);
    assert_int_equal(wc_fetcher_pending(f), 0);
    for (i = 0; i < 4; i++) {
        assert_int_equal(res[i].calls, 1);
        assert_int_equal(res[i].result, WC_FETCH_CANCELLED);
        assert_int_equal(res[i].code, WC_ERR_INTERRUPTED);
    }
    /* The fetcher is still usable afterwards. */
    {
        wc_fetch_req req = {url, WC_FETCH_FEED, NULL, NULL, 0, (void *)5};
        snprintf(url, sizeof(url), "%s/page.html", srv_url);
        assert_int_equal(wc_fetcher_add(f, &req, NULL), WC_OK);
        stop = 0;
        assert_int_equal(wc_fetcher_run(f, &stop, NULL), WC_OK);
        assert_int_equal(res[5].result, WC_FETCH_OK);
    }
    /* Free with requests pending: no callbacks, no leaks. */
    {
        wc_fetch_req req = {url, WC_FETCH_PAGE, NULL, NULL, 0, (void *)6};
        assert_int_equal(wc_fetcher_add(f, &req, NULL), WC_OK);
        assert_int_equal(wc_fetcher_step(f, 10, NULL), WC_OK);
    }
    wc_fetcher_free(f);
    assert_int_equal(res[6].calls, 0);
}

/* --- wc_fetch_one ----------------------------------------------------------- */

/* wc_fetch_one on srv-relative (or absolute) url; *out must be freed. */
static wc_status one(const wc_fetch_opts *o, wc_fetch_kind kind, const char *url, wc_fetched **out,
                     wc_error *err)
{
    char full[512];

    snprintf(full, sizeof(full), "%s%s", url[0] == '/' ? srv_url : "", url);
    wc_error_clear(err);
    return wc_fetch_one(full, kind, o, NULL, out, err);
}

static void test_one_page(void **state)
{
    wc_fetch_opts o = test_opts();
    wc_error err = WC_ERROR_INIT;
    wc_fetched *g = NULL;
    char path[512], want[256], expect_ua[128], *page;
    size_t page_len;
    int n;

    (void)state;
    NEED_SERVER();
    snprintf(path, sizeof(path), "%s/www/page.html", wc_test_data_dir());
    page = read_file(path, &page_len);
    assert_int_equal(one(&o, WC_FETCH_PAGE, "/page.html", &g, &err), WC_OK);
    assert_int_equal(err.code, WC_OK);
    assert_int_equal(g->result, WC_FETCH_OK);
    assert_int_equal(g->http_status, 200);
    snprintf(want, sizeof(want), "%s/page.html", srv_url);
    assert_string_equal(g->url, want);
    assert_string_equal(g->final_url, want);
    assert_null(g->moved_to);
    assert_int_equal(g->redirects, 0);
    assert_non_null(strstr(g->content_type, "text/html"));
    assert_null(g->charset); /* nginx names no charset unless told */
    assert_null(g->content_location);
    assert_int_equal(g->body_len, page_len);
    assert_memory_equal(g->body, page, page_len);
    assert_true(g->fetched_at > 1700000000);
    wc_fetched_free(g);
    /* The fetcher's policy: its User-Agent, and robots.txt before the page. */
    n = read_log(2);
    assert_int_equal(n, 2);
    assert_string_equal(ent[0].uri, "/robots.txt");
    assert_string_equal(ent[1].uri, "/page.html");
    snprintf(expect_ua, sizeof(expect_ua), "wirecopy/%s (+https://github.com/wirecopy/wirecopy)",
             wc_version());
    assert_string_equal(ent[1].ua, expect_ua);
    assert_non_null(strstr(ent[1].ae, "br"));

    /* Content codings are undone: brotli on the wire, page.html in the body. */
    assert_int_equal(one(&o, WC_FETCH_PAGE, "/enc/page.html.br", &g, &err), WC_OK);
    assert_int_equal(g->body_len, page_len);
    assert_memory_equal(g->body, page, page_len);
    wc_fetched_free(g);
    free(page);
    wc_fetched_free(NULL);
}

static void test_one_headers(void **state)
{
    wc_fetch_opts o = test_opts();
    wc_error err = WC_ERROR_INIT;
    wc_fetched *g = NULL;

    (void)state;
    NEED_SERVER();
    /* The charset parameter of Content-Type, on its own. */
    assert_int_equal(one(&o, WC_FETCH_PAGE, "/charset/page.html", &g, &err), WC_OK);
    assert_non_null(strstr(g->content_type, "charset=windows-1251"));
    assert_string_equal(g->charset, "windows-1251");
    wc_fetched_free(g);
    /* Content-Location as sent, for a feed's base. */
    assert_int_equal(one(&o, WC_FETCH_FEED, "/cache/feed.xml", &g, &err), WC_OK);
    assert_string_equal(g->content_location, "/feeds/canonical.xml");
    assert_non_null(strstr(g->body, "<rss"));
    wc_fetched_free(g);
}

static void test_one_http_errors(void **state)
{
    wc_fetch_opts o = test_opts();
    wc_error err = WC_ERROR_INIT;
    wc_fetched *g = NULL;

    (void)state;
    NEED_SERVER();
    assert_int_equal(one(&o, WC_FETCH_PAGE, "/no/such/page.html", &g, &err), WC_ERR_HTTP);
    assert_int_equal(err.code, WC_ERR_HTTP);
    assert_non_null(strstr(err.msg, "404 Not Found"));
    assert_non_null(strstr(err.msg, "/no/such/page.html"));
    assert_non_null(g); /* what happened is there to see */
    assert_int_equal(g->result, WC_FETCH_HTTP_ERROR);
    assert_int_equal(g->http_status, 404);
    assert_string_equal(g->body, ""); /* nginx's error page is not the body */
    assert_int_equal(g->body_len, 0);
    wc_fetched_free(g);
    assert_int_equal(one(&o, WC_FETCH_FEED, "/status/410", &g, &err), WC_ERR_HTTP);
    assert_int_equal(g->http_status, 410);
    assert_non_null(strstr(err.msg, "410 Gone"));
    wc_fetched_free(g);
    assert_int_equal(one(&o, WC_FETCH_FEED, "/status/500", &g, &err), WC_ERR_HTTP);
    assert_int_equal(g->http_status, 500);
    wc_fetched_free(g);
    /* Nothing listens on port 1: a network error naming the URL. */
    assert_int_equal(one(&o, WC_FETCH_FEED, "http://127.0.0.1:1/feed.xml", &g, &err), WC_ERR_NET);
    assert_int_equal(g->result, WC_FETCH_NET_ERROR);
    assert_int_equal(g->http_status, 0);
    assert_non_null(strstr(err.msg, "http://127.0.0.1:1/feed.xml"));
    wc_fetched_free(g);
}

static void test_one_redirects(void **state)
{
    wc_fetch_opts o = test_opts();
    wc_error err = WC_ERROR_INIT;
    wc_fetched *g = NULL;
    char want[256];
    int n;

    (void)state;
    NEED_SERVER();
    /* Followed to another host: the final URL is the page's address. */
    assert_int_equal(
        one(&o, WC_FETCH_PAGE, "/redirect/302/redirect/other-host/page.html", &g, &err), WC_OK);
    snprintf(want, sizeof(want), "%s/page.html", srv_url2);
    assert_string_equal(g->final_url, want);
    assert_int_equal(g->redirects, 2);
    assert_null(g->moved_to); /* the chain began with a 302 */
    assert_non_null(strstr(g->body, "Harbour cranes"));
    wc_fetched_free(g);
    /* robots.txt is asked of each origin the page passes through. */
    n = read_log(5);
    assert_int_equal(count_uri(n, "/robots.txt"), 2);
    /* A redirect to file:// is refused, naming both URLs; file:///etc/passwd is never read. */
    assert_int_equal(one(&o, WC_FETCH_PAGE, "/redirect/file", &g, &err), WC_ERR_UNSUPPORTED);
    assert_int_equal(g->result, WC_FETCH_REFUSED);
    assert_non_null(strstr(err.msg, "file:///etc/passwd"));
    assert_non_null(strstr(err.msg, "/redirect/file"));
    assert_string_equal(g->body, "");
    wc_fetched_free(g);
    assert_int_equal(one(&o, WC_FETCH_FEED, "/redirect/ftp", &g, &err), WC_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "ftp://127.0.0.1/pub/feed.xml"));
    wc_fetched_free(g);
    /* The redirect cap. */
    o.max_redirects = 2;
    assert_int_equal(one(&o, WC_FETCH_FEED, "/redirect/loop", &g, &err), WC_ERR_LIMIT);
    assert_int_equal(g->result, WC_FETCH_REFUSED);
    assert_non_null(strstr(err.msg, "too many redirects"));
    wc_fetched_free(g);
}

static void test_one_robots_for_a_page_not_a_feed(void **state)
{
    wc_fetch_opts o = test_opts();
    wc_error err = WC_ERROR_INIT;
    wc_fetched *g = NULL;
    int n;

    (void)state;
    NEED_SERVER();
    assert_int_equal(one(&o, WC_FETCH_PAGE, "/nocopy/secret.html", &g, &err), WC_ERR_UNSUPPORTED);
    assert_int_equal(g->result, WC_FETCH_DISALLOWED);
    assert_non_null(strstr(err.msg, "disallowed by robots.txt"));
    assert_non_null(strstr(err.msg, "/nocopy/secret.html"));
    assert_int_equal(g->http_status, 0);
    wc_fetched_free(g);
    n = read_log(1);
    assert_int_equal(count_uri(n, "/robots.txt"), 1);
    assert_int_equal(count_uri(n, "/nocopy/secret.html"), 0); /* never asked */

    /* The same URL as a feed: robots.txt is not consulted, not even fetched. */
    clear_log(NULL);
    assert_int_equal(one(&o, WC_FETCH_FEED, "/nocopy/secret.html", &g, &err), WC_OK);
    assert_true(g->body_len > 0);
    wc_fetched_free(g);
    n = read_log(1);
    assert_int_equal(n, 1);
    assert_int_equal(count_uri(n, "/robots.txt"), 0);

    /* A robots.txt that cannot be read keeps the page unfetched: a passing problem. */
    assert_int_equal(one(&o, WC_FETCH_PAGE, "http://127.0.0.1:1/page.html", &g, &err), WC_ERR_NET);
    assert_int_equal(g->result, WC_FETCH_DISALLOWED);
    assert_non_null(strstr(err.msg, "could not be read"));
    wc_fetched_free(g);
}

static void test_one_size_cap_and_gzip_bomb(void **state)
{
    wc_fetch_opts o = test_opts();
    wc_error err = WC_ERROR_INIT;
    wc_fetched *g = NULL;

    (void)state;
    NEED_SERVER();
    o.max_body = 1 << 20;
    /* 3 MiB declared: refused before the body is read. */
    assert_int_equal(one(&o, WC_FETCH_FEED, "/gen/big.bin", &g, &err), WC_ERR_LIMIT);
    assert_int_equal(g->result, WC_FETCH_TOO_LARGE);
    assert_non_null(strstr(err.msg, "1048576-byte cap"));
    assert_string_equal(g->body, "");
    wc_fetched_free(g);
    /* 64 MiB from 64 KiB of gzip: stopped at the cap on decoded bytes. */
    assert_int_equal(one(&o, WC_FETCH_PAGE, "/bomb.html", &g, &err), WC_ERR_LIMIT);
    assert_int_equal(g->result, WC_FETCH_TOO_LARGE);
    assert_non_null(strstr(err.msg, "/bomb.html"));
    assert_int_equal(g->body_len, 0);
    wc_fetched_free(g);
}

static void test_one_bad_urls_timeout_and_stop(void **state)
{
    wc_fetch_opts o = test_opts();
    wc_error err = WC_ERROR_INIT;
    wc_fetched *g = NULL;
    volatile sig_atomic_t stop = 1;

    (void)state;
    NEED_SERVER();
    assert_int_equal(one(&o, WC_FETCH_PAGE, "not a url at all", &g, &err), WC_ERR_USAGE);
    assert_int_equal(g->result, WC_FETCH_REFUSED);
    assert_non_null(strstr(err.msg, "not a url at all"));
    wc_fetched_free(g);
    assert_int_equal(one(&o, WC_FETCH_PAGE, "http://", &g, &err), WC_ERR_USAGE);
    wc_fetched_free(g);
    assert_int_equal(one(&o, WC_FETCH_FEED, "file:///etc/passwd", &g, &err), WC_ERR_UNSUPPORTED);
    assert_int_equal(g->result, WC_FETCH_REFUSED);
    assert_non_null(strstr(err.msg, "only http and https"));
    wc_fetched_free(g);
    /* Misuse: nothing to free. */
    g = (wc_fetched *)&stop;
    assert_int_equal(wc_fetch_one(NULL, WC_FETCH_PAGE, &o, NULL, &g, &err), WC_ERR_USAGE);
    assert_null(g);
    assert_int_equal(wc_fetch_one("http://x/", WC_FETCH_PAGE, &o, NULL, NULL, NULL), WC_ERR_USAGE);
    /* The timeout of each hop. */
    o.timeout_ms = 1000;
    assert_int_equal(one(&o, WC_FETCH_FEED, "/slow/feed.xml", &g, &err), WC_ERR_NET);
    assert_int_equal(g->result, WC_FETCH_TIMEOUT);
    assert_non_null(strstr(err.msg, "timed out"));
    wc_fetched_free(g);
    /* A stop flag raised: nothing fetched, the request answered as cancelled. */
    assert_int_equal(wc_fetch_one(srv_url, WC_FETCH_FEED, &o, &stop, &g, &err), WC_ERR_INTERRUPTED);
    assert_int_equal(g->result, WC_FETCH_CANCELLED);
    assert_non_null(strstr(err.msg, srv_url));
    wc_fetched_free(g);
}

static void test_content_type_charset(void **state)
{
    static const struct {
        const char *ct, *want; /* want NULL: no charset */
    } cases[] = {
        {"text/html; charset=utf-8", "utf-8"},
        {"text/html;charset=\"KOI8-R\"", "KOI8-R"},
        {"text/html; q=1; Charset = 'shift_jis' ; x=2", "shift_jis"},
        {"application/rss+xml", NULL},
        {"text/html; charset=", NULL},
        {"text/html; charset=\"a b\"", NULL},
        {"text/html; charsetx=utf-8", NULL},
        {"text/html; charset=0123456789012345678901234567890123456789x", NULL},
        {"", NULL},
    };
    const char *cs;
    size_t i, len;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool found = wc_charset_param(cases[i].ct, strlen(cases[i].ct), &cs, &len);
        if (!cases[i].want) {
            assert_false(found);
            continue;
        }
        assert_true(found);
        assert_int_equal(len, strlen(cases[i].want));
        assert_memory_equal(cs, cases[i].want, len);
    }
}

static void test_api_misuse(void **state)
{
    wc_fetcher *f = NULL;
    wc_fetch_opts o;
    wc_error err = WC_ERROR_INIT;
    wc_fetch_req req = {NULL, WC_FETCH_FEED, NULL, NULL, 0, NULL};

    (void)state;
    wc_fetch_opts_init(&o);
    assert_int_equal(o.max_per_host, 1);
    assert_int_equal(o.host_delay_ms, 1000);
    assert_true(o.robots);
    o.max_total = 0;
    assert_int_equal(wc_fetcher_new(&o, NULL, NULL, &f, &err), WC_ERR_USAGE);
    assert_null(f);
    assert_int_equal(wc_fetcher_new(NULL, NULL, NULL, &f, NULL), WC_OK);
    assert_int_equal(wc_fetcher_add(f, &req, NULL), WC_ERR_USAGE);
    assert_int_equal(wc_fetcher_add(f, NULL, NULL), WC_ERR_USAGE);
    assert_int_equal(wc_fetcher_step(f, 10, NULL), WC_OK);
    assert_int_equal(wc_fetcher_run(f, NULL, NULL), WC_OK);
    wc_fetcher_cancel(f);
    wc_fetcher_free(f);
    wc_fetcher_free(NULL);
    assert_string_equal(wc_fetch_result_name(WC_FETCH_TOO_LARGE), "too-large");
    assert_string_equal(wc_fetch_result_name((wc_fetch_result)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_misuse),
        cmocka_unit_test(test_content_type_charset),
        cmocka_unit_test_setup(test_ok_headers_and_user_agent, clear_log),
        cmocka_unit_test_setup(test_user_agent_override, clear_log),
        cmocka_unit_test_setup(test_conditional_get_304, clear_log),
        cmocka_unit_test_setup(test_odd_validators_not_sent, clear_log),
        cmocka_unit_test_setup(test_redirects_and_permanent_moves, clear_log),
        cmocka_unit_test_setup(test_refused_redirects_and_schemes, clear_log),
        cmocka_unit_test_setup(test_gone_and_errors, clear_log),
        cmocka_unit_test_setup(test_retry_after_surfaced_and_host_paused, clear_log),
        cmocka_unit_test_setup(test_short_retry_after_pauses_host, clear_log),
        cmocka_unit_test_setup(test_cache_headers, clear_log),
        cmocka_unit_test_setup(test_two_hosts_parallel_one_at_a_time_each, clear_log),
        cmocka_unit_test_setup(test_host_delay, clear_log),
        cmocka_unit_test_setup(test_slow_server_times_out, clear_log),
        cmocka_unit_test_setup(test_size_caps_on_decoded_bytes, clear_log),
        cmocka_unit_test_setup(test_content_encodings, clear_log),
        cmocka_unit_test_setup(test_robots_for_pages_not_feeds, clear_log),
        cmocka_unit_test_setup(test_robots_crawl_delay, clear_log),
        cmocka_unit_test_setup(test_robots_unreachable_disallows_pages, clear_log),
        cmocka_unit_test_setup(test_proxy_only_when_asked, clear_log),
        cmocka_unit_test_setup(test_callback_adds_requests, clear_log),
        cmocka_unit_test_setup(test_stop_cancel_and_queue_cap, clear_log),
        cmocka_unit_test_setup(test_one_page, clear_log),
        cmocka_unit_test_setup(test_one_headers, clear_log),
        cmocka_unit_test_setup(test_one_http_errors, clear_log),
        cmocka_unit_test_setup(test_one_redirects, clear_log),
        cmocka_unit_test_setup(test_one_robots_for_a_page_not_a_feed, clear_log),
        cmocka_unit_test_setup(test_one_size_cap_and_gzip_bomb, clear_log),
        cmocka_unit_test_setup(test_one_bad_urls_timeout_and_stop, clear_log),
    };
    int rc = cmocka_run_group_tests(tests, server_start, server_stop);

    reset_results();
    return rc;
}
