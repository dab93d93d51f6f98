/*
 * cmd_show.c - `wirecopy show ID`: one cluster and its members, in time
 * order, with each member's similarity to the likely original; `show
 * --story ID`: one story, and each of its copy clusters in time order,
 * shown as `show ID` shows a cluster.
 */
#include <stdlib.h>
#include <string.h>

#include "wirecopy/export.h"
#include "wirecopy/store.h"
#include "wirecopy/store_stories.h"
#include "cli.h"
#include "fmt.h"

const char help_show[] =
    "usage: wirecopy show [--story] [--format text|json|csv] [--db PATH] ID\n"
    "\n"
    "Show one cluster: its members in time order (published, else fetched), the\n"
    "earliest first as the likely original, each with its similarity to it, and\n"
    "the story the cluster is placed in.\n"
    "\n"
    "  -s, --story     ID is a story: show its copy clusters in time order, each\n"
    "                  with its similarity to the story and its members\n"
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
    printf("\n      ");
    cli_fmt_text(stdout, m->url ? m->url : m->origin_id ? m->origin_id : m->origin, false);
    putchar('\n');
}

/*
 * A cluster's header and members. in_story: shown inside its story, which
 * names the similarity to it; alone, the header names the story.
 */
static wc_status print_cluster(wc_store *store, const wc_cluster_row *row, bool in_story,
                               wc_error *err)
{
    wc_member_iter *it = NULL;
    wc_member_row m;
    wc_status st;
    int i = 0;
    char a[32], b[32];

    cli_fmt_time(row->first_seen, a, sizeof(a), true);
    cli_fmt_time(row->last_seen, b, sizeof(b), true);
    printf("%scluster %lld: ", in_story ? "copy " : "", (long long)row->id);
    cli_fmt_text(stdout, row->title ? row->title : "(untitled)", false);
    putchar('\n');
    printf("  %lld member%s, first seen %s, last seen %s\n", (long long)row->size,
           row->size == 1 ? "" : "s", a[0] ? a : "(unknown)", b[0] ? b : "(unknown)");
    if (in_story)
        printf("  similarity to the story: %.3f\n", row->story_similarity);
    else if (row->story_id)
        printf("  story %lld (similarity %.3f): `wirecopy show --story %lld`\n",
               (long long)row->story_id, row->story_similarity, (long long)row->story_id);
    else
        printf("  story: none (not placed in a story)\n");
    if (row->sites && row->sites[0]) {
        fputs("  sites: ", stdout);
        cli_fmt_text(stdout, row->sites, false);
        putchar('\n');
    }
    printf("\n%4s  %-20s  %9s  %s\n", "#", "PUBLISHED", "SIMILAR", "SITE / TITLE / URL");
    if ((st = wc_store_members(store, row->id, &it, err)))
        return st;
    while ((st = wc_member_iter_next(it, &m, err)) == WC_OK)
        print_member(++i, &m, m.doc_id == row->original_id);
    wc_member_iter_free(it);
    return st == WC_DONE ? WC_OK : st;
}

static wc_status print_story(wc_store *store, int64_t id, wc_buf *strings, wc_error *err)
{
    wc_story_row row;
    wc_cluster_iter *it = NULL;
    wc_cluster_row c;
    wc_status st;
    char a[32], b[32];

    if ((st = wc_store_story_get(store, id, &row, strings, err)))
        return st;
    cli_fmt_time(row.first_seen, a, sizeof(a), true);
    cli_fmt_time(row.last_seen, b, sizeof(b), true);
    printf("story %lld: ", (long long)row.id);
    cli_fmt_text(stdout, row.title ? row.title : "(untitled)", false);
    putchar('\n');
    printf("  %lld document%s in %lld copy cluster%s on %lld site%s, first seen %s, last "
           "seen %s\n",
           (long long)row.size, row.size == 1 ? "" : "s", (long long)row.clusters,
           row.clusters == 1 ? "" : "s", (long long)row.site_count, row.site_count == 1 ? "" : "s",
           a[0] ? a : "(unknown)", b[0] ? b : "(unknown)");
    if (row.sites && row.sites[0]) {
        fputs("  sites: ", stdout);
        cli_fmt_text(stdout, row.sites, false);
        putchar('\n');
    }
    if ((st = wc_store_story_clusters(store, id, true, &it, err)))
        return st;
    while ((st = wc_cluster_iter_next(it, &c, err)) == WC_OK) {
        putchar('\n');
        if ((st = print_cluster(store, &c, true, err)))
            break;
    }
    wc_cluster_iter_free(it);
    return st == WC_DONE ? WC_OK : st;
}

/* json or csv: what export writes for the one cluster or story (csv: its header first). */
static wc_status export_one(wc_store *store, int64_t id, bool story, bool csv, wc_error *err)
{
    wc_export_format format = csv ? WC_EXPORT_CSV : WC_EXPORT_JSONL;
    wc_cluster_row row;
    wc_story_row srow;
    wc_buf strings; /* initialised below, with its cap */
    wc_status st = WC_OK;

    wc_buf_init(&strings, WC_STORE_CLUSTER_STRINGS_MAX);
    /* the header only for one that exists: nothing on stdout otherwise */
    if (csv)
        st = story ? wc_store_story_get(store, id, &srow, &strings, err)
                   : wc_store_cluster_get(store, id, &row, &strings, err);
    wc_buf_release(&strings);
    if (st)
        return st;
    if (csv)
        fputs(story ? wc_export_story_csv_header : wc_export_csv_header, stdout);
    return story ? wc_export_story(store, id, format, stdout, err)
                 : wc_export_cluster(store, id, format, stdout, err);
}

int cmd_show(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                             {"story", no_argument, NULL, 's'},
                                             CLI_COMMON_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("show");
    const char *format = "text";
    bool story = false;
    wc_store *store = NULL;
    wc_cluster_row row;
    wc_buf strings; /* initialised below, with its cap */
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    uint64_t id;
    int c, r, rc = WC_EXIT_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, "f:s" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if ((r = cli_common_opt(self, ctx, c)) > 0)
            return r;
        if (r == 0)
            continue;
        if (c == 'f') {
            if (strcmp(optarg, "text") && strcmp(optarg, "json") && strcmp(optarg, "csv"))
                return cli_usage_error(self, "unknown format '%s' (text, json or csv)", optarg);
            format = optarg;
        } else if (c == 's') {
            story = true;
        } else {
            return cli_usage_error(self, "unexpected option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(
            self, optind >= argc ? (story ? "a story id is needed" : "a cluster id is needed")
                                 : "only one id at a time");
    if (!cli_parse_uint(argv[optind], INT64_MAX, &id))
        return cli_usage_error(self, "'%s' is not a %s id", argv[optind],
                               story ? "story" : "cluster");

    if ((st = wc_store_open(ctx->db_path, WC_STORE_READONLY, 0, &store, &err))) {
        cli_report(&err, st);
        return WC_EXIT_FATAL;
    }
    wc_buf_init(&strings, WC_STORE_CLUSTER_STRINGS_MAX);
    if (strcmp(format, "text"))
        st = export_one(store, (int64_t)id, story, !strcmp(format, "csv"), &err);
    else if (story)
        st = print_story(store, (int64_t)id, &strings, &err);
    else if (!(st = wc_store_cluster_get(store, (int64_t)id, &row, &strings, &err)))
        st = print_cluster(store, &row, false, &err);
    if (st) {
        cli_report(&err, st);
        rc = st == WC_ERR_NOTFOUND ? WC_EXIT_PARTIAL : WC_EXIT_FATAL;
        if (st == WC_ERR_NOTFOUND && story && !cli_any_story(store))
            cli_fmt_msg(stderr, "wirecopy: no copy cluster is placed in a story yet (ingested "
                                "with --no-stories?)\n");
    }
    wc_buf_release(&strings);
    wc_store_close(store);
    return rc;
}
