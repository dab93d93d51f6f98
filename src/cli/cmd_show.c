/*
 * cmd_show.c - `wirecopy show ID`: one cluster and its members, in time
 * order, with each member's similarity to the likely original.
 */
#include <stdlib.h>
#include <string.h>

#include "wirecopy/export.h"
#include "wirecopy/store.h"
#include "cli.h"
#include "fmt.h"

const char help_show[] =
    "usage: wirecopy show [--format text|json|csv] [--db PATH] CLUSTER_ID\n"
    "\n"
    "Show one cluster: its members in time order (published, else fetched), the\n"
    "earliest first as the likely original, each with its similarity to it.\n"
    "\n"
    "  -f, --format F  text (default), json (the export record) or csv\n";

static void print_member(int i, const wc_member_row *m, bool original)
{
    char t[32];

    cli_fmt_time(m->published_at != INT64_MIN ? m->published_at : m->fetched_at, t, sizeof(t),
                 true);
    printf("%4d  %-20s  ", i, t[0] ? t : "(undated)");
    if (original)
        printf("%-9s  ", "original");
    else
        printf("%9.3f  ", m->similarity);
    cli_fmt_clip(stdout, m->site ? m->site : "-", 22);
    printf("\n      ");
    cli_fmt_clip(stdout, m->title ? m->title : "(untitled)", 90);
    printf("\n      %s\n", m->url         ? m->url
                           : m->origin_id ? m->origin_id
                           : m->origin    ? m->origin
                                          : "");
}

int cmd_show(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'}, CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("show");
    const char *format = "text";
    wc_store *store = NULL;
    wc_member_iter *it = NULL;
    wc_cluster_row row;
    wc_member_row m;
    wc_buf strings; /* initialised below, with its cap */
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    uint64_t id;
    int c, r, i = 0, rc = WC_EXIT_OK;
    char a[32], b[32];

    wc_buf_init(&strings, WC_STORE_CLUSTER_STRINGS_MAX);
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if ((r = cli_common_opt(self, ctx, c)) > 0)
            return r;
        if (r == 0)
            continue;
        if (c == 'f') {
            if (strcmp(optarg, "text") && strcmp(optarg, "json") && strcmp(optarg, "csv"))
                return cli_usage_error(self, "unknown format '%s' (text, json or csv)", optarg);
            format = optarg;
        } else {
            return cli_usage_error(self, "unexpected option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(self, optind >= argc ? "a cluster id is needed"
                                                    : "only one cluster id at a time");
    if (!cli_parse_uint(argv[optind], INT64_MAX, &id))
        return cli_usage_error(self, "'%s' is not a cluster id", argv[optind]);

    if ((st = wc_store_open(ctx->db_path, WC_STORE_READONLY, 0, &store, &err))) {
        cli_report(&err, st);
        return WC_EXIT_FATAL;
    }
    if (!strcmp(format, "csv")) {
        /* the header only for a cluster that exists: nothing on stdout otherwise */
        if ((st = wc_store_cluster_get(store, (int64_t)id, &row, &strings, &err))) {
            cli_report(&err, st);
            rc = st == WC_ERR_NOTFOUND ? WC_EXIT_PARTIAL : WC_EXIT_FATAL;
            goto out;
        }
        fputs(wc_export_csv_header, stdout);
    }
    if (strcmp(format, "text")) {
        st = wc_export_cluster(store, (int64_t)id,
                               !strcmp(format, "json") ? WC_EXPORT_JSONL : WC_EXPORT_CSV, stdout,
                               &err);
        if (st) {
            cli_report(&err, st);
            rc = st == WC_ERR_NOTFOUND ? WC_EXIT_PARTIAL : WC_EXIT_FATAL;
        }
        goto out;
    }
    if ((st = wc_store_cluster_get(store, (int64_t)id, &row, &strings, &err))) {
        cli_report(&err, st);
        rc = st == WC_ERR_NOTFOUND ? WC_EXIT_PARTIAL : WC_EXIT_FATAL;
        goto out;
    }
    cli_fmt_time(row.first_seen, a, sizeof(a), true);
    cli_fmt_time(row.last_seen, b, sizeof(b), true);
    printf("cluster %lld: %s\n", (long long)row.id, row.title ? row.title : "(untitled)");
    printf("  %lld member%s, first seen %s, last seen %s\n", (long long)row.size,
           row.size == 1 ? "" : "s", a[0] ? a : "(unknown)", b[0] ? b : "(unknown)");
    if (row.sites && row.sites[0])
        printf("  sites: %s\n", row.sites);
    printf("\n%4s  %-20s  %9s  %s\n", "#", "PUBLISHED", "SIMILAR", "SITE / TITLE / URL");
    if ((st = wc_store_members(store, (int64_t)id, &it, &err))) {
        cli_report(&err, st);
        rc = WC_EXIT_FATAL;
        goto out;
    }
    while ((st = wc_member_iter_next(it, &m, &err)) == WC_OK)
        print_member(++i, &m, m.doc_id == row.original_id);
    if (st != WC_DONE) {
        cli_report(&err, st);
        rc = WC_EXIT_FATAL;
    }
out:
    wc_member_iter_free(it);
    wc_buf_release(&strings);
    wc_store_close(store);
    return rc;
}
