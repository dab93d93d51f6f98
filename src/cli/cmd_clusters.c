/*
 * cmd_clusters.c - `wirecopy clusters`: list clusters of copies.
 */
#include <stdlib.h>
#include <string.h>

#include "wirecopy/store.h"
#include "cli.h"
#include "fmt.h"

const char help_clusters[] =
    "usage: wirecopy clusters [--min-size N] [--order size|recent|id] [--limit N]\n"
    "                         [--tsv] [--db PATH]\n"
    "\n"
    "List clusters of copies: id, size, the story it is placed in, first and last\n"
    "seen, title of the likely original (the earliest member) and the sites that\n"
    "carried it.\n"
    "\n"
    "  -m, --min-size N  clusters with at least N members (default 2)\n"
    "      --order O     size (default: largest first), recent (last seen first)\n"
    "                    or id\n"
    "  -n, --limit N     show at most N clusters (0, the default: no limit)\n"
    "      --tsv         tab-separated output with a header line, for scripts\n"
    "\n"
    "See one cluster with `wirecopy show ID`; export them with `wirecopy export`;\n"
    "stories, which group clusters, with `wirecopy stories`.\n";

int cmd_clusters(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option longopts[] = {{"min-size", required_argument, NULL, 'm'},
                                             {"order", required_argument, NULL, 'O'},
                                             {"limit", required_argument, NULL, 'n'},
                                             {"tsv", no_argument, NULL, 'T'},
                                             CLI_COMMON_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("clusters");
    enum wc_cluster_order order = WC_ORDER_SIZE;
    int64_t min_size = 2, limit = 0, shown = 0;
    bool tsv = false;
    wc_store *store = NULL;
    wc_cluster_iter *it = NULL;
    wc_cluster_row row;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    uint64_t v;
    int c, r;
    char a[32], b[32], story[24];

    optind = 1;
    while ((c = getopt_long(argc, argv, "m:n:" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if ((r = cli_common_opt(self, ctx, c)) > 0)
            return r;
        if (r == 0)
            continue;
        switch (c) {
        case 'm':
            if (!cli_parse_uint(optarg, INT64_MAX, &v) || v < 1)
                return cli_usage_error(self, "--min-size needs a whole number >= 1, not '%s'",
                                       optarg);
            min_size = (int64_t)v;
            break;
        case 'O':
            if (!strcmp(optarg, "size"))
                order = WC_ORDER_SIZE;
            else if (!strcmp(optarg, "recent"))
                order = WC_ORDER_RECENT;
            else if (!strcmp(optarg, "id"))
                order = WC_ORDER_ID;
            else
                return cli_usage_error(self, "unknown order '%s' (size, recent or id)", optarg);
            break;
        case 'n':
            if (!cli_parse_uint(optarg, INT64_MAX, &v))
                return cli_usage_error(self, "--limit needs a whole number, not '%s'", optarg);
            limit = (int64_t)v;
            break;
        case 'T':
            tsv = true;
            break;
        default:
            return cli_usage_error(self, "unexpected option");
        }
    }
    if (optind < argc)
        return cli_usage_error(self, "unexpected argument '%s'", argv[optind]);

    if ((st = wc_store_open(ctx->db_path, WC_STORE_READONLY, 0, &store, &err)) ||
        (st = wc_store_clusters(store, min_size, order, limit, true, &it, &err))) {
        cli_report(&err, st);
        wc_store_close(store);
        return WC_EXIT_FATAL;
    }
    if (tsv)
        printf("cluster\tsize\tstory\tfirst_seen\tlast_seen\ttitle\tsites\n");
    else
        printf("%8s %5s %8s  %-10s  %-10s  %s\n", "CLUSTER", "SIZE", "STORY", "FIRST", "LAST",
               "TITLE / SITES");
    while ((st = wc_cluster_iter_next(it, &row, &err)) == WC_OK) {
        cli_fmt_time(row.first_seen, a, sizeof(a), tsv);
        cli_fmt_time(row.last_seen, b, sizeof(b), tsv);
        /* a cluster not placed in a story (yet, or --no-stories) has none */
        if (row.story_id)
            snprintf(story, sizeof(story), "%lld", (long long)row.story_id);
        else
            snprintf(story, sizeof(story), "%s", tsv ? "" : "-");
        if (tsv) {
            printf("%lld\t%lld\t%s\t%s\t%s\t", (long long)row.id, (long long)row.size, story, a, b);
            cli_fmt_tsv(stdout, row.title);
            putchar('\t');
            cli_fmt_tsv(stdout, row.sites);
            putchar('\n');
        } else {
            printf("%8lld %5lld %8s  %-10s  %-10s  ", (long long)row.id, (long long)row.size, story,
                   a[0] ? a : "-", b[0] ? b : "-");
            if (row.title) {
                cli_fmt_clip(stdout, row.title, 64);
            } else if (row.lead && row.lead[0]) {
                /* no title (text-only input): the start of the original, in brackets */
                putchar('[');
                cli_fmt_clip(stdout, row.lead, 62);
                putchar(']');
            } else {
                fputs("(untitled)", stdout);
            }
            putchar('\n');
            if (row.sites && row.sites[0]) {
                printf("%47s", "");
                cli_fmt_clip(stdout, row.sites, 64);
                putchar('\n');
            }
        }
        shown++;
    }
    wc_cluster_iter_free(it);
    wc_store_close(store);
    if (st != WC_DONE) {
        cli_report(&err, st);
        return WC_EXIT_FATAL;
    }
    if (!tsv && !shown && !ctx->quiet)
        fprintf(stderr, "wirecopy: no clusters with %lld or more members yet\n",
                (long long)min_size);
    return WC_EXIT_OK;
}
