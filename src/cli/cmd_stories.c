/*
 * cmd_stories.c - `wirecopy stories`: list stories, the different
 * write-ups of one event, each holding one or more clusters of copies.
 *
 * By default only the stories worth a look: two or more copy clusters
 * (outlets that wrote it up in their own words), or one copy cluster
 * carried by more than one site. The options are those of `clusters`.
 */
#include <stdio.h>

#include "wirecopy/store.h"
#include "wirecopy/store_stories.h"
#include "cli.h"
#include "fmt.h"
#include "listing.h"

const char help_stories[] =
    "usage: wirecopy stories [--min-size N] [--order size|recent|id] [--limit N]\n"
    "                        [--all] [--tsv] [--db PATH]\n"
    "\n"
    "List stories: different write-ups of one event, each holding one or more\n"
    "clusters of copies. Shows id, documents, copy clusters, sites, first and last\n"
    "seen, the title of the earliest member and the sites that carried it. Listed\n"
    "are the stories with two or more copy clusters, or more than one site.\n"
    "\n"
    "  -m, --min-size N  stories with at least N documents (default 2)\n"
    "      --order O     size (default: most documents first), recent (last seen\n"
    "                    first) or id\n"
    "  -n, --limit N     show at most N stories (0, the default: no limit)\n"
    "  -a, --all         every story with --min-size documents, also one copy\n"
    "                    cluster on one site\n"
    "      --tsv         tab-separated output with a header line, for scripts\n"
    "\n"
    "See one story with `wirecopy show --story ID`; export them with\n"
    "`wirecopy export --stories`.\n";

bool cli_any_story(wc_store *store)
{
    wc_story_iter *it = NULL;
    wc_story_row row;
    wc_error err = WC_ERROR_INIT;
    bool any;

    if (wc_store_stories(store, 1, WC_ORDER_ID, 1, 0, &it, &err))
        return true; /* cannot tell: say nothing more */
    any = wc_story_iter_next(it, &row, &err) != WC_DONE;
    wc_story_iter_free(it);
    return any;
}

/* Where a row's title starts, after its numbers: its sites line up under it. */
#define TITLE_COLUMN 52

static void print_row(const wc_story_row *row, bool tsv)
{
    char a[32], b[32];

    cli_fmt_time(row->first_seen, a, sizeof(a), tsv);
    cli_fmt_time(row->last_seen, b, sizeof(b), tsv);
    if (tsv)
        printf("%lld\t%lld\t%lld\t%lld\t%s\t%s\t", (long long)row->id, (long long)row->size,
               (long long)row->clusters, (long long)row->site_count, a, b);
    else
        printf("%8lld %5lld %5lld %5lld  %-10s  %-10s  ", (long long)row->id, (long long)row->size,
               (long long)row->clusters, (long long)row->site_count, a[0] ? a : "-",
               b[0] ? b : "-");
    listing_print_text(row->title, row->lead, row->sites, tsv, TITLE_COLUMN);
}

int cmd_stories(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option longopts[] = {
        LISTING_LONGOPTS, {"all", no_argument, NULL, 'a'}, CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("stories");
    struct listing_opts lo = LISTING_OPTS_INIT;
    int64_t shown = 0;
    unsigned flags = WC_STORIES_SITES | WC_STORIES_MULTI;
    wc_store *store = NULL;
    wc_story_iter *it = NULL;
    wc_story_row row;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, LISTING_SHORTOPTS "a" CLI_COMMON_SHORTOPTS, longopts,
                            NULL)) != -1) {
        if ((r = listing_take(self, ctx, &lo, c, optarg)) > 0)
            return r;
        if (r == 0)
            continue;
        switch (c) {
        case 'a':
            flags &= ~(unsigned)WC_STORIES_MULTI;
            break;
        default:
            return cli_usage_error(self, "unexpected option");
        }
    }
    if (optind < argc)
        return cli_usage_error(self, "unexpected argument '%s'", argv[optind]);

    if ((st = wc_store_open(ctx->db_path, WC_STORE_READONLY, 0, &store, &err)) ||
        (st = wc_store_stories(store, lo.min_size, lo.order, lo.limit, flags, &it, &err))) {
        cli_report(&err, st);
        wc_store_close(store);
        return WC_EXIT_FATAL;
    }
    if (lo.tsv)
        printf("story\tdocuments\tclusters\tsites\tfirst_seen\tlast_seen\ttitle\tsite_list\n");
    else
        printf("%8s %5s %5s %5s  %-10s  %-10s  %s\n", "STORY", "DOCS", "CLUST", "SITES", "FIRST",
               "LAST", "TITLE / SITES");
    while ((st = wc_story_iter_next(it, &row, &err)) == WC_OK) {
        print_row(&row, lo.tsv);
        shown++;
    }
    wc_story_iter_free(it);
    if (st != WC_DONE) {
        cli_report(&err, st);
        wc_store_close(store);
        return WC_EXIT_FATAL;
    }
    if (!lo.tsv && !shown && !ctx->quiet) {
        if (!cli_any_story(store))
            cli_fmt_msg(stderr, "wirecopy: no stories yet: no copy cluster is placed in a story "
                                "(ingested with --no-stories? `wirecopy recluster --stories` "
                                "places them)\n");
        else if (flags & WC_STORIES_MULTI)
            cli_fmt_msg(stderr,
                        "wirecopy: no stories with %lld or more documents in two or more copy "
                        "clusters or on more than one site yet (--all lists every story)\n",
                        (long long)(lo.min_size > 2 ? lo.min_size : 2));
        else
            cli_fmt_msg(stderr, "wirecopy: no stories with %lld or more documents yet\n",
                        (long long)lo.min_size);
    }
    wc_store_close(store);
    return WC_EXIT_OK;
}
