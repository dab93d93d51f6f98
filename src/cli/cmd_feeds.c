/*
 * cmd_feeds.c - `wirecopy feeds [add|remove URL]`: the followed feeds and
 * their state.
 *
 * Listing reads the database only. add and remove write the feeds table
 * without taking the writer lock, so they work while `follow --watch`
 * runs (which picks the change up before its next round); SQLite's own
 * locking keeps the two apart.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wirecopy/follow.h"
#include "wirecopy/store.h"
#include "wirecopy/store_feeds.h"
#include "wirecopy/url.h"
#include "cli.h"
#include "fmt.h"

const char help_feeds[] =
    "usage: wirecopy feeds [list] [--tsv] | add URL [--title T] [--no-discover]\n"
    "                      | remove URL|ID\n"
    "\n"
    "List the followed feeds with their state, or add or remove one.\n"
    "\n"
    "  list (default)       id, state, last fetch, HTTP status of the last fetch,\n"
    "                       when it is due next, consecutive errors, articles stored,\n"
    "                       URL; then its title and the last error, if any\n"
    "                       (times in UTC)\n"
    "      --tsv            tab-separated output with a header line, for scripts\n"
    "  add URL              follow URL. When URL is a web page rather than a feed,\n"
    "                       the feed it announces with <link rel=\"alternate\"> is\n"
    "                       followed. A retired feed is made active again.\n"
    "      --title T        a title of your own\n"
    "      --no-discover    add URL as it is, without fetching it\n"
    "  -A, --user-agent S   User-Agent for that fetch\n"
    "      --timeout S      seconds for that fetch (default 30)\n"
    "  remove URL|ID        stop following a feed, given by URL or by its id in the\n"
    "                       list (its stored articles stay)\n";

/* "2026-11-23 10:34" (UTC) or "-" */
static void short_time(int64_t t, char *out, size_t n)
{
    char iso[40];

    cli_fmt_time(t, iso, sizeof(iso), true);
    if (!iso[0] || strlen(iso) < 16) {
        snprintf(out, n, "-");
        return;
    }
    iso[10] = ' ';
    iso[16] = '\0';
    snprintf(out, n, "%s", iso);
}

static int list_feeds(struct cli_ctx *ctx, bool tsv)
{
    wc_store *store = NULL;
    wc_feed_iter *it = NULL;
    wc_feed_row row;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    int shown = 0;
    char a[40], b[40], status[24];

    st = wc_store_open(ctx->db_path, WC_STORE_READONLY, 0, &store, &err);
    if (st == WC_ERR_NOTFOUND) {
        if (tsv)
            printf("id\turl\ttitle\tstate\tlast_fetch\tlast_status\tnext_due\terrors\tlast_error\t"
                   "articles\tinterval\tpages\tlist\n");
        else if (!ctx->quiet)
            cli_fmt_msg(stderr, "wirecopy: no feeds yet (no database '%s')\n", ctx->db_path);
        return WC_EXIT_OK;
    }
    if (st || (st = wc_store_feeds(store, NULL, &it, &err))) {
        cli_report(&err, st);
        wc_store_close(store);
        return WC_EXIT_FATAL;
    }
    if (tsv)
        printf("id\turl\ttitle\tstate\tlast_fetch\tlast_status\tnext_due\terrors\tlast_error\t"
               "articles\tinterval\tpages\tlist\n");
    else
        printf("%5s  %-7s  %-16s  %6s  %-16s  %6s  %8s  %s\n", "ID", "STATE", "LAST FETCH",
               "STATUS", "NEXT DUE", "ERRORS", "ARTICLES", "URL");
    while ((st = wc_feed_iter_next(it, &row, &err)) == WC_OK) {
        if (row.last_status < 0)
            snprintf(status, sizeof(status), "-");
        else if (row.last_status == 0)
            snprintf(status, sizeof(status), "none");
        else
            snprintf(status, sizeof(status), "%ld", row.last_status);
        if (tsv) {
            cli_fmt_time(row.last_fetch_at, a, sizeof(a), true);
            cli_fmt_time(row.next_fetch_at, b, sizeof(b), true);
            printf("%lld\t", (long long)row.id);
            cli_fmt_tsv(stdout, row.url);
            putchar('\t');
            cli_fmt_tsv(stdout, row.title);
            printf("\t%s\t%s\t%s\t%s\t%lld\t", row.retired ? "retired" : "active", a,
                   row.last_status < 0 ? "" : status, row.retired ? "" : b,
                   (long long)row.error_count);
            cli_fmt_tsv(stdout, row.last_error);
            printf("\t%lld\t%lld\t%s\t", (long long)row.articles, (long long)row.interval,
                   row.fetch_pages < 0 ? ""
                   : row.fetch_pages   ? "teasers"
                                       : "full");
            cli_fmt_tsv(stdout, row.list_origin);
            putchar('\n');
        } else {
            short_time(row.last_fetch_at, a, sizeof(a));
            if (row.retired)
                snprintf(b, sizeof(b), "never");
            else if (row.next_fetch_at == INT64_MIN)
                snprintf(b, sizeof(b), "now");
            else
                short_time(row.next_fetch_at, b, sizeof(b));
            printf("%5lld  %-7s  %-16s  %6s  %-16s  %6lld  %8lld  ", (long long)row.id,
                   row.retired ? "retired" : "active", a, status, b, (long long)row.error_count,
                   (long long)row.articles);
            cli_fmt_text(stdout, row.url, false);
            putchar('\n');
            if (row.title && *row.title) {
                printf("%7s", "");
                cli_fmt_clip(stdout, row.title, 90);
                putchar('\n');
            }
            if (row.last_error && *row.last_error) {
                printf("%7serror: ", "");
                cli_fmt_clip(stdout, row.last_error, 200);
                putchar('\n');
            }
        }
        shown++;
    }
    wc_feed_iter_free(it);
    wc_store_close(store);
    if (st != WC_DONE) {
        cli_report(&err, st);
        return WC_EXIT_FATAL;
    }
    if (!tsv && !shown && !ctx->quiet)
        cli_fmt_msg(stderr, "wirecopy: no feeds yet: `wirecopy follow LIST` or `wirecopy feeds "
                            "add URL`\n");
    return WC_EXIT_OK;
}

static int add_feed(struct cli_ctx *ctx, const char *url, const char *title, bool discover,
                    const wc_fetch_opts *fo)
{
    wc_store *store = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    char *feed_url = NULL, *found_title = NULL;
    size_t others = 0;
    int64_t id;
    enum wc_feed_add_result res;
    int rc = WC_EXIT_OK;

    if (!wc_url_is_http(url)) {
        cli_error("'%s' is not an http or https URL", url);
        return WC_EXIT_PARTIAL;
    }
    if (discover) {
        if ((st = wc_follow_discover(fo, url, &feed_url, &found_title, &others, &err))) {
            cli_report(&err, st);
            return st == WC_ERR_NOMEM ? WC_EXIT_FATAL : WC_EXIT_PARTIAL;
        }
        if (strcmp(feed_url, url) != 0 && !ctx->quiet)
            cli_fmt_msg(stderr, "wirecopy: '%s' %s '%s'\n", url,
                        others || !found_title ? "links to the feed" : "leads to the feed",
                        feed_url);
        if (others && !ctx->quiet)
            cli_fmt_msg(stderr,
                        "wirecopy: the page names %zu more feed%s (`wirecopy feed %s` "
                        "shows one; add them by URL)\n",
                        others, others == 1 ? "" : "s", url);
    } else if (!(feed_url = wc_url_normalize(url))) {
        cli_error("out of memory");
        return WC_EXIT_FATAL;
    }
    if ((st = wc_store_open(ctx->db_path, 0, 0, &store, &err)) ||
        (st = wc_store_feed_add(store, feed_url, title ? title : found_title, NULL,
                                WC_FEED_ADD_REACTIVATE, (int64_t)time(NULL), &id, &res, &err))) {
        cli_report(&err, st);
        rc = WC_EXIT_FATAL;
    } else {
        cli_fmt_msg(stdout, "%s feed %lld: %s%s%s%s\n",
                    res == WC_FEED_ADDED         ? "added"
                    : res == WC_FEED_REACTIVATED ? "re-activated"
                                                 : "already following",
                    (long long)id, feed_url, (title || found_title) ? " (" : "",
                    title         ? title
                    : found_title ? found_title
                                  : "",
                    (title || found_title) ? ")" : "");
    }
    wc_store_close(store);
    free(feed_url);
    free(found_title);
    return rc;
}

/* The URL of the feed with this id (malloc'd into *url, NULL when there is none). */
static wc_status feed_url_by_id(wc_store *store, int64_t id, char **url, wc_error *err)
{
    wc_feed_iter *it = NULL;
    wc_feed_row row;
    wc_status st;

    *url = NULL;
    if ((st = wc_store_feeds(store, NULL, &it, err)))
        return st;
    while ((st = wc_feed_iter_next(it, &row, err)) == WC_OK) {
        if (row.id != id)
            continue;
        if (!(*url = strdup(row.url ? row.url : "")))
            st = WC_ERR_NOMEM;
        break;
    }
    wc_feed_iter_free(it);
    return st == WC_DONE ? WC_OK : st;
}

/* arg is a URL, or an id as `wirecopy feeds` lists it in its first column. */
static int remove_feed(struct cli_ctx *ctx, const char *arg)
{
    wc_store *store = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    const char *url = arg;
    char *norm = NULL, *by_id = NULL;
    uint64_t id;
    int rc = WC_EXIT_OK;

    if ((st = wc_store_open(ctx->db_path, 0, 0, &store, &err))) {
        cli_report(&err, st);
        return WC_EXIT_FATAL;
    }
    if (!wc_url_is_http(arg) && cli_parse_uint(arg, INT64_MAX, &id)) {
        if ((st = feed_url_by_id(store, (int64_t)id, &by_id, &err))) {
            cli_report(&err, st);
            wc_store_close(store);
            return WC_EXIT_FATAL;
        }
        if (!by_id) {
            cli_error("no feed with id %s (see `wirecopy feeds`)", arg);
            wc_store_close(store);
            return WC_EXIT_PARTIAL;
        }
        url = by_id;
    }
    norm = wc_url_normalize(url);
    st = wc_store_feed_remove(store, norm ? norm : url, &err);
    if (st == WC_ERR_NOTFOUND && norm && strcmp(norm, url) != 0)
        st = wc_store_feed_remove(store, url, &err);
    if (st == WC_ERR_NOTFOUND) {
        cli_error("not following '%s' (see `wirecopy feeds`)", arg);
        rc = WC_EXIT_PARTIAL;
    } else if (st) {
        cli_report(&err, st);
        rc = WC_EXIT_FATAL;
    } else if (!ctx->quiet) {
        cli_fmt_msg(stdout, "removed %s\n", norm ? norm : url);
    }
    wc_store_close(store);
    free(norm);
    free(by_id);
    return rc;
}

int cmd_feeds(int argc, char **argv, struct cli_ctx *ctx)
{
    enum { OPT_TSV = 0x2000, OPT_TITLE, OPT_NO_DISCOVER, OPT_TIMEOUT };
    static const struct option longopts[] = {{"tsv", no_argument, NULL, OPT_TSV},
                                             {"title", required_argument, NULL, OPT_TITLE},
                                             {"no-discover", no_argument, NULL, OPT_NO_DISCOVER},
                                             {"user-agent", required_argument, NULL, 'A'},
                                             {"timeout", required_argument, NULL, OPT_TIMEOUT},
                                             CLI_COMMON_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("feeds");
    const char *verb = "list", *title = NULL;
    bool tsv = false, discover = true;
    wc_fetch_opts fo;
    double d;
    int c, r;

    wc_fetch_opts_init(&fo);
    fo.timeout_ms = 30000;
    if (argc > 1 && (!strcmp(argv[1], "list") || !strcmp(argv[1], "add") ||
                     !strcmp(argv[1], "remove") || !strcmp(argv[1], "rm"))) {
        verb = argv[1];
        argv++;
        argc--;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "A:" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if ((r = cli_common_opt(self, ctx, c)) > 0)
            return r;
        if (r == 0)
            continue;
        switch (c) {
        case OPT_TSV:
            tsv = true;
            break;
        case OPT_TITLE:
            title = optarg;
            break;
        case OPT_NO_DISCOVER:
            discover = false;
            break;
        case 'A':
            fo.user_agent = optarg;
            break;
        case OPT_TIMEOUT:
            if (!cli_parse_double(optarg, 0.001, 86400, &d))
                return cli_usage_error(self, "--timeout needs seconds (up to 86400)");
            fo.timeout_ms = (unsigned)(d * 1000);
            break;
        default:
            return cli_usage_error(self, "unexpected option");
        }
    }
    if (!strcmp(verb, "list")) {
        if (optind < argc)
            return cli_usage_error(self, "unknown subcommand '%s' (list, add or remove)",
                                   argv[optind]);
        return list_feeds(ctx, tsv);
    }
    if (optind + 1 != argc)
        return cli_usage_error(self, "%s needs exactly one %s", verb,
                               !strcmp(verb, "add") ? "URL" : "URL or id");
    if (!strcmp(verb, "add"))
        return add_feed(ctx, argv[optind], title, discover, &fo);
    return remove_feed(ctx, argv[optind]);
}
