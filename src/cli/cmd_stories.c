/*
 * cmd_stories.c - `wirecopy stories`: list stories, the different
 * write-ups of one event, each holding one or more clusters of copies.
 *
 * By default only the stories worth a look: two or more copy clusters
 * (outlets that wrote it up in their own words), or one copy cluster
 * carried by more than one site. The options are those of `clusters`.
 */
#include <stdlib.h>
#include <string.h>

#include "wirecopy/store.h"
#include "wirecopy/store_stories.h"
#include "cli.h"
#include "fmt.h"

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

static void print_row(const wc_story_row *row, bool tsv)
{
    char a[32], b[32];

    cli_fmt_time(row->first_seen, a, sizeof(a), tsv);
    cli_fmt_time(row->last_seen, b, sizeof(b), tsv);
    if (tsv) {
        printf("%lld\t%lld\t%lld\t%lld\t%s\t%s\t", (long long)row->id, (long long)row->size,
               (long long)row->clusters, (long long)row->site_count, a, b);
        cli_fmt_tsv(stdout, row->title);
        putchar('\t');
        cli_fmt_tsv(stdout, row->sites);
        putchar('\n');
        return;
    }
    printf("%8lld %5lld %5lld %5lld  %-10s  %-10s  ", (long long)row->id, (long long)row->size,
           (long long)row->clusters, (long long)row->site_count, a[0] ? a : "-", b[0] ? b : "-");
    if (row->title) {
        cli_fmt_clip(stdout, row->title, 64);
    } else if (row->lead && row->lead[0]) {
        /* no title (text-only input): the start of the earliest original, in brackets */
        putchar('[');
        cli_fmt_clip(stdout, row->lead, 62);
        putchar(']');
    } else {
        fputs("(untitled)", stdout);
    }
    putchar('\n');
    if (row->sites && row->sites[0]) {
        printf("%52s", "");
        cli_fmt_clip(stdout, row->sites, 64);
        putchar('\n');
    }
}

int cmd_stories(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option longopts[] = {{"min-size", required_argument, NULL, 'm'},
                                             {"order", required_argument, NULL, 'O'},
                                             {"limit", required_argument, NULL, 'n'},
                                             {"all", no_argument, NULL, 'a'},
                                             {"tsv", no_argument, NULL, 'T'},
                                             CLI_COMMON_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("stories");
    enum wc_cluster_order order = WC_ORDER_SIZE;
    int64_t min_size = 2, limit = 0, shown = 0;
    unsigned flags = WC_STORIES_SITES | WC_STORIES_MULTI;
    bool tsv = false;
    wc_store *store = NULL;
    wc_story_iter *it = NULL;
    wc_story_row row;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    uint64_t v;
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, "m:n:a" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
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
        case 'a':
            flags &= ~(unsigned)WC_STORIES_MULTI;
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
        (st = wc_store_stories(store, min_size, order, limit, flags, &it, &err))) {
        cli_report(&err, st);
        wc_store_close(store);
        return WC_EXIT_FATAL;
    }
    if (tsv)
        printf("story\tdocuments\tclusters\tsites\tfirst_seen\tlast_seen\ttitle\tsite_list\n");
    else
        printf("%8s %5s %5s %5s  %-10s  %-10s  %s\n", "STORY", "DOCS", "CLUST", "SITES", "FIRST",
               "LAST", "TITLE / SITES");
    while ((st = wc_story_iter_next(it, &row, &err)) == WC_OK) {
        print_row(&row, tsv);
        shown++;
    }
    wc_story_iter_free(it);
    if (st != WC_DONE) {
        cli_report(&err, st);
        wc_store_close(store);
        return WC_EXIT_FATAL;
    }
    if (!tsv && !shown && !ctx->quiet) {
        if (!cli_any_story(store))
            fprintf(stderr, "wirecopy: no stories yet: no copy cluster is placed in a story "
                            "(ingested with --no-stories? `wirecopy recluster --stories` "
                            "places them)\n");
        else if (flags & WC_STORIES_MULTI)
            fprintf(stderr,
                    "wirecopy: no stories with %lld or more documents in two or more copy "
                    "clusters or on more than one site yet (--all lists every story)\n",
                    (long long)(min_size > 2 ? min_size : 2));
        else
            fprintf(stderr, "wirecopy: no stories with %lld or more documents yet\n",
                    (long long)min_size);
    }
    wc_store_close(store);
    return WC_EXIT_OK;
}
