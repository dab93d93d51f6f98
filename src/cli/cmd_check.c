/*
 * cmd_check.c - `wirecopy check`: is the database whole, and do its rows
 * agree with each other? Each problem on stdout, one a line; exit 0 when
 * none, 3 when the database is damaged (wc_store_check says what is
 * checked).
 */
#include <stdio.h>

#include "wirecopy/store.h"
#include "cli.h"
#include "fmt.h"

const char help_check[] =
    "usage: wirecopy check [--db PATH]\n"
    "\n"
    "Check the database: SQLite's integrity check (every page and every index),\n"
    "its foreign keys, and wirecopy's own rules: every document's cluster exists;\n"
    "a cluster's size, original and times are its members'; every cluster's story\n"
    "exists and a story's counts and times are its clusters'; every column holds\n"
    "what wirecopy writes; key hashes, fingerprints and story profiles read back.\n"
    "\n"
    "Each problem found is printed on stdout, one a line (at most 20 of one kind,\n"
    "then how many more). Exit status 0: the database is whole; 3: it is damaged,\n"
    "or cannot be read. It only reads, and may run while a writer works.\n"
    "\n"
    "Other commands that meet damage stop with exit status 3 and point here. Rows\n"
    "that disagree (sizes, originals, stories) are rebuilt from the documents by\n"
    "`wirecopy recluster`; damaged pages need a backup, or what `sqlite3 DB\n"
    ".recover` can save of them.\n";

static void print_problem(void *ctx, const wc_error *e)
{
    (void)ctx;
    cli_fmt_msg(stdout, "%s\n", e->msg);
}

int cmd_check(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("check");
    wc_store *store = NULL;
    wc_store_check_counts n;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
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
    if ((st = wc_store_open(ctx->db_path, WC_STORE_READONLY, 0, &store, &err))) {
        cli_report(&err, st);
        return WC_EXIT_FATAL;
    }
    st = wc_store_check(store, print_problem, NULL, &n, &err);
    wc_store_close(store);
    if (st) {
        cli_report(&err, st);
        return WC_EXIT_FATAL; /* damaged, or it could not be read through */
    }
    if (!ctx->quiet)
        cli_fmt_msg(stderr,
                    "wirecopy: '%s' is whole: %lld %s, %lld %s and %lld %s checked, no problem "
                    "found\n",
                    ctx->db_path, (long long)n.documents,
                    cli_plural((uint64_t)n.documents, "document", "documents"),
                    (long long)n.clusters, cli_plural((uint64_t)n.clusters, "cluster", "clusters"),
                    (long long)n.stories, cli_plural((uint64_t)n.stories, "story", "stories"));
    return WC_EXIT_OK;
}
