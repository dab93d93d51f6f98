/*
 * cmd_clusters.c - `wirecopy clusters`: list clusters of copies.
 */
#include <stdio.h>

#include "wirecopy/store.h"
#include "cli.h"
#include "fmt.h"
#include "listing.h"

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

/* Where a row's title starts, after its numbers: its sites line up under it. */
#define TITLE_COLUMN 47

int cmd_clusters(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option longopts[] = {
        LISTING_LONGOPTS, CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("clusters");
    struct listing_opts lo = LISTING_OPTS_INIT;
    int64_t shown = 0;
    wc_store *store = NULL;
    wc_cluster_iter *it = NULL;
    wc_cluster_row row;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    int c, r;
    char a[32], b[32], story[24];

    optind = 1;
    while ((c = getopt_long(argc, argv, LISTING_SHORTOPTS CLI_COMMON_SHORTOPTS, longopts, NULL)) !=
           -1) {
        if ((r = listing_take(self, ctx, &lo, c, optarg)) > 0)
            return r;
        if (r < 0)
            return cli_usage_error(self, "unexpected option");
    }
    if (optind < argc)
        return cli_usage_error(self, "unexpected argument '%s'", argv[optind]);

    if ((st = wc_store_open(ctx->db_path, WC_STORE_READONLY, 0, &store, &err)) ||
        (st = wc_store_clusters(store, lo.min_size, lo.order, lo.limit, true, &it, &err))) {
        cli_report(&err, st);
        wc_store_close(store);
        return WC_EXIT_FATAL;
    }
    if (lo.tsv)
        printf("cluster\tsize\tstory\tfirst_seen\tlast_seen\ttitle\tsites\n");
    else
        printf("%8s %5s %8s  %-10s  %-10s  %s\n", "CLUSTER", "SIZE", "STORY", "FIRST", "LAST",
               "TITLE / SITES");
    while ((st = wc_cluster_iter_next(it, &row, &err)) == WC_OK) {
        cli_fmt_time(row.first_seen, a, sizeof(a), lo.tsv);
        cli_fmt_time(row.last_seen, b, sizeof(b), lo.tsv);
        /* a cluster not placed in a story (yet, or --no-stories) has none */
        if (row.story_id)
            snprintf(story, sizeof(story), "%lld", (long long)row.story_id);
        else
            snprintf(story, sizeof(story), "%s", lo.tsv ? "" : "-");
        if (lo.tsv)
            printf("%lld\t%lld\t%s\t%s\t%s\t", (long long)row.id, (long long)row.size, story, a, b);
        else
            printf("%8lld %5lld %8s  %-10s  %-10s  ", (long long)row.id, (long long)row.size, story,
                   a[0] ? a : "-", b[0] ? b : "-");
        listing_print_text(row.title, row.lead, row.sites, lo.tsv, TITLE_COLUMN);
        shown++;
    }
    wc_cluster_iter_free(it);
    wc_store_close(store);
    if (st != WC_DONE) {
        cli_report(&err, st);
        return WC_EXIT_FATAL;
    }
    if (!lo.tsv && !shown && !ctx->quiet)
        cli_fmt_msg(stderr, "wirecopy: no clusters with %lld or more members yet\n",
                    (long long)lo.min_size);
    return WC_EXIT_OK;
}
