/*
 * cmd_stats.c - `wirecopy stats`: counts about the database.
 */
#include <stdlib.h>
#include <string.h>

#include "wirecopy/store.h"
#include "cli.h"

const char help_stats[] = "usage: wirecopy stats [--db PATH]\n"
                          "\n"
                          "Print counts: documents, copies, clusters, feeds, database size,\n"
                          "and the fingerprint settings the database was made with.\n";

int cmd_stats(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("stats");
    wc_store *store = NULL;
    wc_store_stats s;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    char *params = NULL;
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if ((r = cli_common_opt(self, ctx, c)) > 0)
            return r;
        if (r != 0)
            return cli_usage_error(self, "unexpected option");
    }
    if (optind < argc)
        return cli_usage_error(self, "unexpected argument '%s'", argv[optind]);
    if ((st = wc_store_open(ctx->db_path, WC_STORE_READONLY, 0, &store, &err)) ||
        (st = wc_store_get_stats(store, &s, &err)) ||
        (st = wc_store_meta_get(store, WC_STORE_META_FPRINT, &params, &err))) {
        cli_report(&err, st);
        wc_store_close(store);
        return WC_EXIT_FATAL;
    }
    cli_fmt_msg(stdout, "database       %s (%.1f MB)\n", ctx->db_path, (double)s.db_bytes / 1e6);
    printf("documents      %lld\n", (long long)s.documents);
    printf("copies         %lld (%lld exact, %lld near)\n", (long long)s.copies,
           (long long)s.exact_copies, (long long)s.near_copies);
    printf("clusters       %lld (%lld with copies, largest %lld)\n", (long long)s.clusters,
           (long long)s.clusters_multi, (long long)s.largest_cluster);
    if (s.stories || !s.clusters)
        printf("stories        %lld (%lld of two or more copy clusters)\n", (long long)s.stories,
               (long long)s.stories_multi);
    else
        printf("stories        none yet (no copy cluster is placed in a story)\n");
    printf("feeds          %lld\n", (long long)s.feeds);
    printf("fingerprint    %s\n", params ? params : "(none yet)");
    free(params);
    wc_store_close(store);
    return WC_EXIT_OK;
}
