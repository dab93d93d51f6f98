/*
 * cmd_follow.c - `wirecopy follow [LIST...] [--now|--watch]`: poll feeds,
 * store every new article, cluster the copies.
 *
 * All the work is the follow module's (src/follow.c); this file turns
 * options into wc_follow_opts, prints problems, progress and the summary,
 * sleeps between rounds in --watch, and maps the outcome to an exit code.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wirecopy/follow.h"
#include "wirecopy/store.h"
#include "cli.h"
#include "fmt.h"
#include "writeopt.h"

const char help_follow[] =
    "usage: wirecopy follow [options] [LIST...]\n"
    "\n"
    "Fetch the feeds that are due, store every new article (the page itself when the\n"
    "feed carries only a teaser), and group it with its copies. LIST is an OPML file\n"
    "or a plain list (one feed URL a line, '#' comments; '-' reads standard input);\n"
    "its feeds are remembered in the database and only they are polled. Without a\n"
    "LIST every feed in the database is polled (see `wirecopy feeds`).\n"
    "\n"
    "      --now                check every feed now, whatever its schedule (still\n"
    "                           with conditional requests, and never before a\n"
    "                           Retry-After)\n"
    "      --watch              keep running: sleep until the next feed is due;\n"
    "                           Ctrl-C or SIGTERM stops after storing what was\n"
    "                           fetched, with status 0 (the way a watcher ends,\n"
    "                           e.g. systemctl stop)\n"
    "  -A, --user-agent S       User-Agent header (default: wirecopy/VERSION (+URL))\n"
    "      --per-host N         requests at once to one host (default 1)\n"
    "      --connections N      requests at once in all (default 16)\n"
    "      --delay MS           least time between two requests to one host\n"
    "                           (default 1000)\n"
    "      --connect-timeout S  seconds to connect (default 10)\n"
    "      --timeout S          seconds for a whole transfer (default 60)\n"
    "      --max-body SIZE      largest decoded body kept, e.g. 16M (default 16M)\n"
    "      --allow-private      follow redirects from a public address to a loopback,\n"
    "                           private or link-local one (refused by default: a\n"
    "                           feed must not reach into your own network)\n"
    "      --min-interval S     never poll a feed more often than this (default 900)\n"
    "      --max-interval S     poll every feed at least this often (default 86400)\n"
    "      --max-new N          new entries taken per feed and fetch (default 300)\n"
    "  -j, --threads N          extraction threads (default: one per CPU)\n"
    "      --lock-wait MS       wait this long for another writer (default 10000)\n"
    "  -q, --quiet              no progress and no summary\n"
    "  -v, --verbose            say when the next feed is due (with --watch)\n"
    "\n"
    "A feed is due again after an interval learned from how often it publishes\n"
    "(within the bounds above), later if its <ttl> or Cache-Control max-age ask, and\n"
    "not before a 429/503's Retry-After; failures back off exponentially (up to 48 h)\n"
    "and are shown by `wirecopy feeds`. 301/308 change the stored URL; 410 retires\n"
    "the feed. Exit status: 0 all went well, 1 some feeds or pages failed (the rest\n"
    "is stored), 3 fatal (database), 130 interrupted after storing what was fetched\n"
    "(0 for --watch, whose normal end is a signal).\n";

/* Longest nap in --watch before looking at the database again (feeds added meanwhile). */
#define WATCH_MAX_SLEEP 300

struct follow_ui {
    struct cli_ctx *ctx;
    struct cli_progress prog;
    unsigned long problems;
    bool building;      /* the stories of an older database are being built */
    pthread_mutex_t mu; /* problems come from two threads; one line at a time on stderr */
};

static void on_problem(void *p, const wc_error *err)
{
    struct follow_ui *ui = p;
    const char *msg = err->msg[0] ? err->msg : wc_strerror(err->code);

    pthread_mutex_lock(&ui->mu);
    cli_progress_end(&ui->prog);
    if (err->code != WC_OK)
        ui->problems++;
    cli_fmt_msg(stderr, "wirecopy: %s\n", msg);
    pthread_mutex_unlock(&ui->mu);
}

static void on_story_build(void *p, uint64_t done, uint64_t total)
{
    struct follow_ui *ui = p;

    writeopt_story_build(ui->ctx, &ui->prog, &ui->building, done, total);
}

static void on_progress(void *p, const wc_follow_progress *pr)
{
    struct follow_ui *ui = p;
    struct cli_progress *pg = &ui->prog;
    char line[160];
    int n;
    double now;

    if (!pg->on)
        return;
    now = wc_time_mono();
    if (now - pg->last_draw < 0.2)
        return;
    pthread_mutex_lock(&ui->mu);
    pg->last_draw = now;
    n = snprintf(line, sizeof(line), "follow: feeds %llu/%llu, pages %llu/%llu, %llu articles",
                 (unsigned long long)pr->feeds_done, (unsigned long long)pr->feeds_total,
                 (unsigned long long)pr->pages_done, (unsigned long long)pr->pages_total,
                 (unsigned long long)pr->articles);
    if (n > (int)sizeof(line) - 1)
        n = (int)sizeof(line) - 1;
    fputc('\r', stderr);
    cli_fmt_text(stderr, line, false); /* a file name or URL may be in it */
    fprintf(stderr, "%*s", pg->width > n ? pg->width - n : 0, "");
    pg->width = n;
    fflush(stderr);
    pthread_mutex_unlock(&ui->mu);
}

static void print_summary(const wc_follow_stats *s, const wc_follow_stats *base, double secs)
{
#define D(x) (unsigned long long)(s->x - base->x)
#define N(x, one, many) D(x), cli_plural(D(x), one, many)
    cli_fmt_msg(
        stderr,
        "follow: %llu %s fetched, %llu not modified, %llu failed; %llu new %s (%llu %s found), "
        "%llu already stored, %llu skipped; %llu %s fetched, %llu failed",
        N(feeds_fetched, "feed", "feeds"), D(feeds_not_modified), D(feeds_failed),
        N(articles_new, "article", "articles"), N(copies, "copy", "copies"), D(already), D(skipped),
        N(pages_fetched, "page", "pages"), D(pages_failed));
    if (s->pages_disallowed - base->pages_disallowed)
        cli_fmt_msg(stderr, ", %llu disallowed by robots.txt", D(pages_disallowed));
    if (s->feeds_retired - base->feeds_retired)
        cli_fmt_msg(stderr, "; %llu %s retired", N(feeds_retired, "feed", "feeds"));
    if (s->feeds_moved - base->feeds_moved)
        cli_fmt_msg(stderr, "; %llu moved", D(feeds_moved));
    cli_fmt_msg(stderr, " in %.1f s\n", secs);
#undef N
#undef D
}

/* "16M", "512k", "1048576" -> bytes. */
static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    uint64_t mul = 1;

    if (!s || !*s || *s == '-')
        return false;
    v = strtoull(s, &end, 10);
    if (end == s)
        return false;
    switch (*end) {
    case 'k':
    case 'K':
        mul = 1024;
        end++;
        break;
    case 'm':
    case 'M':
        mul = 1024 * 1024;
        end++;
        break;
    case 'g':
    case 'G':
        mul = 1024ULL * 1024 * 1024;
        end++;
        break;
    default:
        break;
    }
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || v == 0 || v > UINT64_MAX / mul)
        return false;
    *out = v * mul;
    return true;
}

/* Sleep until `until` (epoch seconds) or a signal; true when interrupted. */
static bool nap_until(time_t until)
{
    struct timespec ts = {0, 200 * 1000 * 1000};

    while (!cli_interrupted && time(NULL) < until)
        nanosleep(&ts, NULL);
    return cli_interrupted != 0;
}

enum {
    OPT_NOW = 0x2000,
    OPT_WATCH,
    OPT_PER_HOST,
    OPT_CONNECTIONS,
    OPT_DELAY,
    OPT_CONNECT_TIMEOUT,
    OPT_TIMEOUT,
    OPT_MAX_BODY,
    OPT_MIN_INTERVAL,
    OPT_MAX_INTERVAL,
    OPT_MAX_NEW,
    OPT_LOCK_WAIT,
    OPT_ALLOW_PRIVATE,
};

int cmd_follow(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option longopts[] = {
        {"now", no_argument, NULL, OPT_NOW},
        {"watch", no_argument, NULL, OPT_WATCH},
        {"user-agent", required_argument, NULL, 'A'},
        {"per-host", required_argument, NULL, OPT_PER_HOST},
        {"connections", required_argument, NULL, OPT_CONNECTIONS},
        {"delay", required_argument, NULL, OPT_DELAY},
        {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"max-body", required_argument, NULL, OPT_MAX_BODY},
        {"min-interval", required_argument, NULL, OPT_MIN_INTERVAL},
        {"max-interval", required_argument, NULL, OPT_MAX_INTERVAL},
        {"max-new", required_argument, NULL, OPT_MAX_NEW},
        {"threads", required_argument, NULL, 'j'},
        {"lock-wait", required_argument, NULL, OPT_LOCK_WAIT},
        {"allow-private", no_argument, NULL, OPT_ALLOW_PRIVATE},
        CLI_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("follow");
    wc_follow_opts o;
    wc_follow *fl = NULL;
    wc_follow_stats stats, round_base;
    struct follow_ui ui;
    wc_store *store = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_status st = WC_OK, st2;
    uint64_t v, lock_wait = 10000;
    bool watch = false, list_failed = false;
    double start, round_start;

    int c, r, i, rc;
    size_t total = 0, active = 0, n;

    wc_follow_opts_init(&o);
    memset(&ui, 0, sizeof(ui));
    pthread_mutex_init(&ui.mu, NULL);
    optind = 1;
    while ((c = getopt_long(argc, argv, "A:j:" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if ((r = cli_common_opt(self, ctx, c)) > 0)
            return r;
        if (r == 0)
            continue;
        switch (c) {
        case OPT_NOW:
            o.all_now = true;
            break;
        case OPT_ALLOW_PRIVATE:
            o.fetch.allow_private = true;
            break;
        case OPT_WATCH:
            watch = true;
            break;
        case 'A':
            if (!*optarg)
                return cli_usage_error(self, "--user-agent needs a value");
            o.fetch.user_agent = optarg;
            break;
        case OPT_PER_HOST:
            if (!cli_parse_uint(optarg, 64, &v) || v < 1)
                return cli_usage_error(self, "--per-host needs a number from 1 to 64");
            o.fetch.max_per_host = (unsigned)v;
            break;
        case OPT_CONNECTIONS:
            if (!cli_parse_uint(optarg, 1024, &v) || v < 1)
                return cli_usage_error(self, "--connections needs a number from 1 to 1024");
            o.fetch.max_total = (unsigned)v;
            break;
        case OPT_DELAY:
            if (!cli_parse_uint(optarg, 3600000, &v))
                return cli_usage_error(self, "--delay needs milliseconds (0 to 3600000)");
            o.fetch.host_delay_ms = (unsigned)v;
            break;
        case OPT_CONNECT_TIMEOUT:
        case OPT_TIMEOUT: {
            double d;
            if (!cli_parse_double(optarg, 0.001, 86400, &d))
                return cli_usage_error(self, "--%s needs seconds (up to 86400)",
                                       c == OPT_TIMEOUT ? "timeout" : "connect-timeout");
            if (c == OPT_TIMEOUT)
                o.fetch.timeout_ms = (unsigned)(d * 1000);
            else
                o.fetch.connect_timeout_ms = (unsigned)(d * 1000);
            break;
        }
        case OPT_MAX_BODY:
            if (!parse_size(optarg, &v) || v > ((uint64_t)1 << 30))
                return cli_usage_error(self, "--max-body needs a size up to 1G, like 16M");
            o.fetch.max_body = (size_t)v;
            break;
        case OPT_MIN_INTERVAL:
        case OPT_MAX_INTERVAL:
            if (!cli_parse_uint(optarg, 365 * 86400, &v) || v < 1)
                return cli_usage_error(self, "--%s needs seconds (1 to a year)",
                                       c == OPT_MIN_INTERVAL ? "min-interval" : "max-interval");
            if (c == OPT_MIN_INTERVAL)
                o.policy.min_interval = (int64_t)v;
            else
                o.policy.max_interval = (int64_t)v;
            break;
        case OPT_MAX_NEW:
            if (!cli_parse_uint(optarg, 100000, &v) || v < 1)
                return cli_usage_error(self, "--max-new needs a number from 1 to 100000");
            o.max_new = (size_t)v;
            break;
        case 'j':
            if (!cli_parse_uint(optarg, 256, &v) || v < 1)
                return cli_usage_error(self, "--threads needs a number from 1 to 256");
            o.threads = (unsigned)v;
            break;
        case OPT_LOCK_WAIT:
            if (!cli_parse_uint(optarg, 86400000, &v))
                return cli_usage_error(self, "--lock-wait needs milliseconds");
            lock_wait = v;
            break;
        default:
            return cli_usage_error(self, "unexpected option");
        }
    }
    if (o.policy.min_interval > o.policy.max_interval)
        return cli_usage_error(self, "--min-interval is longer than --max-interval");
    /* the default interval stays within the bounds asked for */
    if (o.policy.default_interval < o.policy.min_interval)
        o.policy.default_interval = o.policy.min_interval;
    if (o.policy.default_interval > o.policy.max_interval)
        o.policy.default_interval = o.policy.max_interval;
    if (o.policy.backoff_max < o.policy.max_interval)
        o.policy.backoff_max = o.policy.max_interval;

    cli_signals_install();
    ui.ctx = ctx;
    cli_progress_start(&ui.prog, ctx);
    o.on_problem = on_problem;
    o.problem_ctx = &ui;
    o.on_progress = on_progress;
    o.progress_ctx = &ui;
    o.on_story_build = on_story_build;
    o.story_build_ctx = &ui;
    o.stop = &cli_interrupted;
    start = wc_time_mono();

    if ((st = wc_store_open(ctx->db_path, WC_STORE_WRITER, (int)lock_wait, &store, &err))) {
        cli_report(&err, st);
        return WC_EXIT_FATAL;
    }
    if ((st = wc_follow_new(store, &o, &fl, &err))) {
        cli_report(&err, st);
        wc_store_close(store);
        return WC_EXIT_FATAL;
    }
    for (i = optind; i < argc; i++) {
        if ((st = wc_follow_add_list(fl, argv[i], &n, &err))) {
            cli_report(&err, st);
            if (st != WC_ERR_IO && st != WC_ERR_PARSE && st != WC_ERR_LIMIT)
                goto done; /* a database error */
            list_failed = true;
            st = WC_OK;
            continue;
        }
        if (ctx->verbose)
            cli_fmt_msg(stderr, "wirecopy: %zu feeds in '%s'\n", n, argv[i]);
    }

    memset(&round_base, 0, sizeof(round_base));
    for (;;) {
        round_start = wc_time_mono();
        st = wc_follow_round(fl, &err);
        cli_progress_end(&ui.prog);
        wc_follow_get_stats(fl, &stats);
        if (st)
            break;
        if (!watch)
            break;
        if (stats.feeds_due != round_base.feeds_due && !ctx->quiet)
            print_summary(&stats, &round_base, wc_time_mono() - round_start);
        round_base = stats;
        {
            int64_t next = wc_follow_next_due(fl);
            time_t now = time(NULL), until = now + WATCH_MAX_SLEEP;
            if (next < (int64_t)until)
                until = (time_t)next;
            if (ctx->verbose && next != INT64_MAX) {
                char when[32];
                cli_fmt_time(next, when, sizeof(when), true);
                cli_fmt_msg(stderr, "wirecopy: next feed due at %s\n", when);
            }
            if (until <= now)
                until = now + 1; /* a feed due already: still never spin */
            if (nap_until(until)) {
                st = WC_ERR_INTERRUPTED;
                break;
            }
        }
    }
    wc_follow_feed_count(fl, &total, &active);
    if (st && st != WC_ERR_INTERRUPTED)
        cli_report(&err, st);
done:
    st2 = wc_follow_finish(fl, &err);
    if (st2 && !st) {
        cli_report(&err, st2);
        st = st2;
    }
    wc_follow_get_stats(fl, &stats);
    wc_follow_free(fl);
    wc_store_close(store);
    cli_progress_end(&ui.prog);
    if (!ctx->quiet) {
        memset(&round_base, 0, sizeof(round_base));
        print_summary(&stats, &round_base, wc_time_mono() - start);
    }
    if ((st == WC_ERR_INTERRUPTED || cli_interrupted) && !watch)
        cli_fmt_msg(stderr, "wirecopy: interrupted: %llu %s stored; run again to continue\n",
                    (unsigned long long)stats.articles_new,
                    cli_plural(stats.articles_new, "article", "articles"));
    if (!ctx->quiet && total == 0 && !list_failed && st == WC_OK)
        cli_fmt_msg(stderr, "wirecopy: no feeds to follow: give a list (`wirecopy follow "
                            "news.opml`) or add one (`wirecopy feeds add URL`)\n");

    if ((st == WC_ERR_INTERRUPTED || cli_interrupted) && watch)
        rc = WC_EXIT_OK; /* a signal is how a watcher ends; failures are in `wirecopy feeds` */
    else if (st == WC_ERR_INTERRUPTED || cli_interrupted)
        rc = WC_EXIT_INTERRUPTED;
    else if (st)
        rc = cli_exit_for(st) == WC_EXIT_PARTIAL ? WC_EXIT_FATAL : cli_exit_for(st);
    else if (list_failed || stats.feeds_failed || stats.feeds_retired || stats.pages_failed ||
             stats.errors)
        rc = WC_EXIT_PARTIAL;
    else
        rc = WC_EXIT_OK;
    return rc;
}
