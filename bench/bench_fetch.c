/*
 * bench_fetch.c - pages per second of wirecopy's fetcher against
 * `curl --parallel`, side by side, on the same loopback nginx in one run.
 *
 *   bench_fetch [PAGES [URLFILE]]
 *
 * Without URLFILE it writes PAGES (default 2000) small article pages (about
 * 3 KB of HTML each, gzip-compressed by nginx on the fly) into a temporary
 * document root, starts nginx on 127.0.0.1..4 with tests/helpers/nginx.sh
 * (4 "hosts"), and spreads the pages over the four hosts. With URLFILE it
 * fetches those URLs instead (one per line) and starts no server.
 *
 * Rows, each the median of 5 runs:
 *   curl --parallel (16)         the baseline: 16 transfers, no per-host limit
 *   wirecopy 16 total, 4/host    the same concurrency through the fetcher
 *   curl --parallel (4)          baseline for the next row
 *   wirecopy polite, 1/host      the default per-host limit (4 hosts: 4 in flight), delay 0
 *   wirecopy defaults            1/host and the default 1 s delay, on 12 pages only
 * Both sides offer gzip (curl --compressed) and discard the bodies; wirecopy
 * also keeps each body in memory until its callback returns, as `follow` will.
 * The machine is shared (2 cores), so figures move by 10-20% between runs.
 */
#define _GNU_SOURCE /* mkdtemp, popen */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wirecopy/fetch.h"
#include "wirecopy/wirecopy.h"

#include "internal.h"

#define HOSTS 4
#define RUNS 5

static char **urls;
static size_t nurls;
static char srv_dir[PATH_MAX];
static int have_server;

static const char *find_helpers(const char *argv0)
{
    static char path[PATH_MAX + 64];
    const char *env = getenv("WC_HELPERS");
    char exe[PATH_MAX];
    ssize_t n;

    if (env)
        return env;
    /* The source tree, from where meson compiled us (relative to the build dir). */
    snprintf(path, sizeof(path), "%s", __FILE__);
    if (strrchr(path, '/')) {
        snprintf(strrchr(path, '/'), sizeof(path) - (size_t)(strrchr(path, '/') - path),
                 "/../tests/helpers/nginx.sh");
        if (access(path, R_OK) == 0) {
            *strrchr(path, '/') = '\0';
            return path;
        }
    }
    /* A build directory inside the source tree: <src>/<build>/bench/bench_fetch. */
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        snprintf(path, sizeof(path), "%s", exe);
        if (strrchr(path, '/'))
            *strrchr(path, '/') = '\0';
        snprintf(path + strlen(path), sizeof(path) - strlen(path), "/../../tests/helpers");
        if (access(path, R_OK) == 0)
            return path;
    }
    (void)argv0;
    return "tests/helpers";
}

static int start_server(const char *helpers, size_t pages, char *base_port, size_t portlen)
{
    char root[PATH_MAX + 16], cmd[3 * PATH_MAX], line[1024], file[PATH_MAX + 64];
    FILE *p;
    size_t i;

    snprintf(srv_dir, sizeof(srv_dir), "/tmp/wc-bench-fetch.XXXXXX");
    if (!mkdtemp(srv_dir))
        return -1;
    snprintf(root, sizeof(root), "%s/root", srv_dir);
    if (mkdir(root, 0755) != 0)
        return -1;
    for (i = 0; i < pages; i++) {
        FILE *f;
        int k;
        snprintf(file, sizeof(file), "%s/%zu.html", root, i);
        f = fopen(file, "w");
        if (!f)
            return -1;
        fprintf(f,
                "<!doctype html><html><head><title>Bench page %zu</title></head><body><article>\n",
                i);
        for (k = 0; k < 12; k++)
            fprintf(f,
                    "<p>Paragraph %d of bench page %zu: a sentence of ordinary news prose, long "
                    "enough to make the page look like an article and compress like one.</p>\n",
                    k, i);
        fprintf(f, "</article></body></html>\n");
        fclose(f);
    }
    snprintf(cmd, sizeof(cmd),
             "WC_NGINX_HOSTS=%d WC_NGINX_ROOT='%s' WC_NGINX_WATCH_PID=%ld bash '%s/nginx.sh' start "
             "'%s/srv'",
             HOSTS, root, (long)getpid(), helpers, srv_dir);
    p = popen(cmd, "r");
    if (!p)
        return -1;
    base_port[0] = '\0';
    while (fgets(line, sizeof(line), p)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "WC_NGINX_PORT=", 14) == 0)
            snprintf(base_port, portlen, "%.31s", line + 14);
    }
    if (pclose(p) != 0 || !base_port[0])
        return -1;
    have_server = 1;
    return 0;
}

static void stop_server(const char *helpers)
{
    char cmd[3 * PATH_MAX];

    if (!srv_dir[0])
        return;
    snprintf(cmd, sizeof(cmd), "%s bash '%s/nginx.sh' stop '%s/srv' >/dev/null 2>&1; rm -rf '%s'",
             have_server ? "" : "true ||", helpers, srv_dir, srv_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_fetch: could not clean up %s\n", srv_dir);
}

static int add_url(const char *u)
{
    char **nu;

    if (nurls % 256 == 0) {
        nu = realloc(urls, (nurls + 256) * sizeof(*nu));
        if (!nu)
            return -1;
        urls = nu;
    }
    urls[nurls] = wc_strdup(u);
    return urls[nurls++] ? 0 : -1;
}

/* --- wirecopy ----------------------------------------------------------------- */

/* Counts come from wc_fetcher_get_stats; the callback only shows the first failures. */
static void on_done(void *ctx, wc_response *r)
{
    size_t *shown = ctx;

    if (r->result != WC_FETCH_OK && (*shown)++ < 3)
        fprintf(stderr, "bench_fetch: %s\n", r->err.msg);
}

static double run_wirecopy(size_t n, unsigned total, unsigned per_host, unsigned delay_ms,
                           size_t *failed)
{
    wc_fetch_opts o;
    wc_fetcher *f = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_fetch_stats st;
    size_t i, shown = 0;
    double t0;

    wc_fetch_opts_init(&o);
    o.max_total = total;
    o.max_per_host = per_host;
    o.host_delay_ms = delay_ms;
    o.robots = false;
    if (wc_fetcher_new(&o, on_done, &shown, &f, &err) != WC_OK) {
        fprintf(stderr, "bench_fetch: %s\n", err.msg);
        exit(1);
    }
    t0 = wc_time_mono();
    for (i = 0; i < n; i++) {
        wc_fetch_req req = {urls[i % nurls], WC_FETCH_PAGE, NULL, NULL, 0, NULL};
        if (wc_fetcher_add(f, &req, &err) != WC_OK) {
            fprintf(stderr, "bench_fetch: %s\n", err.msg);
            exit(1);
        }
    }
    if (wc_fetcher_run(f, NULL, &err) != WC_OK) {
        fprintf(stderr, "bench_fetch: %s\n", err.msg);
        exit(1);
    }
    t0 = wc_time_mono() - t0;
    wc_fetcher_get_stats(f, &st);
    wc_fetcher_free(f);
    /* One request per page and nothing else (robots off, no redirects): else the row is no
     * match for curl's, which makes exactly one each. */
    if (st.requests != n)
        fprintf(stderr, "bench_fetch: %llu requests for %zu pages\n",
                (unsigned long long)st.requests, n);
    *failed = n - (size_t)st.ok;
    return t0;
}

/* --- curl --parallel -------------------------------------------------------- */

static const char *curl_config(size_t n)
{
    static char path[PATH_MAX + 32];
    FILE *f;
    size_t i;

    snprintf(path, sizeof(path), "%s/curl-%zu.cfg", srv_dir[0] ? srv_dir : "/tmp", n);
    f = fopen(path, "w");
    if (!f)
        return NULL;
    for (i = 0; i < n; i++)
        fprintf(f, "url = \"%s\"\noutput = \"/dev/null\"\n", urls[i % nurls]);
    fclose(f);
    return path;
}

static double run_curl(size_t n, unsigned parallel, size_t *failed)
{
    char cmd[PATH_MAX + 256], line[64];
    const char *cfg = curl_config(n);
    size_t ok = 0, lines = 0;
    double t0;
    FILE *p;

    if (!cfg)
        return -1;
    snprintf(cmd, sizeof(cmd),
             "curl --parallel --parallel-max %u --compressed -s --no-progress-meter -K '%s' "
             "-w '%%{http_code}\\n' 2>/dev/null",
             parallel, cfg);
    t0 = wc_time_mono();
    p = popen(cmd, "r");
    if (!p)
        return -1;
    while (fgets(line, sizeof(line), p)) {
        lines++;
        if (strncmp(line, "200", 3) == 0)
            ok++;
    }
    if (pclose(p) != 0 && lines == 0)
        return -1;
    t0 = wc_time_mono() - t0;
    *failed = n - ok;
    return t0;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void row(const char *name, size_t n, double secs[RUNS], int runs, size_t failed)
{
    double med;

    wc_qsort(secs, (size_t)runs, sizeof(double), by_double);
    med = secs[runs / 2];
    if (med < 0) {
        printf("%-34s %7s %9s %10s  (not run)\n", name, "-", "-", "-");
        return;
    }
    printf("%-34s %7zu %9.3f %10.0f  %s\n", name, n, med, n / med,
           failed ? "SOME FAILED" : "all 200");
}

int main(int argc, char **argv)
{
    const char *helpers = find_helpers(argv[0]);
    size_t pages = 2000, i, failed = 0, fsum;
    char port[32], url[256];
    double secs[RUNS];
    int r, have_curl;

    if (argc > 1)
        pages = (size_t)strtoul(argv[1], NULL, 10);
    if (pages == 0)
        pages = 2000;
    if (wc_global_init(NULL) != WC_OK)
        return 1;
    if (argc > 2) {
        FILE *f = fopen(argv[2], "r");
        char line[4096];
        if (!f) {
            perror(argv[2]);
            return 1;
        }
        while (fgets(line, sizeof(line), f)) {
            line[strcspn(line, "\r\n")] = '\0';
            if (line[0] && line[0] != '#' && add_url(line) != 0)
                return 1;
        }
        fclose(f);
        if (nurls == 0) {
            fprintf(stderr, "bench_fetch: no URLs in %s\n", argv[2]);
            return 1;
        }
    } else {
        if (system("command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx") != 0) {
            printf("bench_fetch: nginx not installed, nothing measured\n");
            return 0;
        }
        if (start_server(helpers, pages, port, sizeof(port)) != 0) {
            fprintf(stderr, "bench_fetch: cannot start nginx with %s/nginx.sh\n", helpers);
            stop_server(helpers);
            return 1;
        }
        for (i = 0; i < pages; i++) {
            snprintf(url, sizeof(url), "http://127.0.0.%zu:%s/%zu.html", i % HOSTS + 1, port, i);
            if (add_url(url) != 0)
                return 1;
        }
    }
    have_curl = system("command -v curl >/dev/null 2>&1") == 0;

    printf("fetch benchmark: %zu pages over %d hosts on loopback nginx, median of %d runs\n", nurls,
           argc > 2 ? 0 : HOSTS, RUNS);
    printf("(shared 2-core machine: expect 10-20%% noise; curl is %s)\n\n",
           have_curl ? "curl --parallel --compressed" : "missing, baseline skipped");
    printf("%-34s %7s %9s %10s\n", "client", "pages", "seconds", "pages/s");

    /* Warm up nginx's file cache and the loopback path. */
    (void)run_wirecopy(nurls < 200 ? nurls : 200, 16, 4, 0, &failed);

    for (fsum = 0, r = 0; r < RUNS; r++) {
        secs[r] = have_curl ? run_curl(nurls, 16, &failed) : -1;
        fsum += failed;
    }
    row("curl --parallel-max 16", nurls, secs, RUNS, fsum);
    for (fsum = 0, r = 0; r < RUNS; r++) {
        secs[r] = run_wirecopy(nurls, 16, 4, 0, &failed);
        fsum += failed;
    }
    row("wirecopy 16 in flight, 4/host", nurls, secs, RUNS, fsum);
    for (fsum = 0, r = 0; r < RUNS; r++) {
        secs[r] = have_curl ? run_curl(nurls, 4, &failed) : -1;
        fsum += failed;
    }
    row("curl --parallel-max 4", nurls, secs, RUNS, fsum);
    for (fsum = 0, r = 0; r < RUNS; r++) {
        secs[r] = run_wirecopy(nurls, 16, 1, 0, &failed);
        fsum += failed;
    }
    row("wirecopy polite 1/host, delay 0", nurls, secs, RUNS, fsum);
    if (argc <= 2) {
        /* 3 pages per host at the default 1 s delay: about 2 s whatever the server. */
        secs[0] = run_wirecopy(3 * HOSTS, 16, 1, 1000, &failed);
        row("wirecopy defaults (1/host, 1 s)", 3 * HOSTS, secs, 1, failed);
    }

    for (i = 0; i < nurls; i++)
        free(urls[i]);
    free(urls);
    stop_server(helpers);
    wc_global_cleanup();
    return 0;
}
