/*
 * cmd_export.c - `wirecopy export`: clusters, or stories with their copy
 * clusters, as JSONL, CSV or HTML.
 */
#define _POSIX_C_SOURCE 200809L /* O_NOFOLLOW, O_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wirecopy/export.h"
#include "wirecopy/store.h"
#include "cli.h"
#include "fmt.h"

const char help_export[] =
    "usage: wirecopy export [--stories] [--format jsonl|csv|html] [--min-size N]\n"
    "                       [--order id|size|recent] [--limit N] [--csv-raw]\n"
    "                       [-o FILE] [--db PATH]\n"
    "\n"
    "Write the clusters of copies found so far, or with --stories the stories:\n"
    "different write-ups of one event, each with its copy clusters.\n"
    "\n"
    "  -s, --stories     stories instead of clusters (only clusters placed in a\n"
    "                    story are in one)\n"
    "  -f, --format F    jsonl (default): one object per cluster (story) with its\n"
    "                    members; csv: one row per member; html: a report to open in a\n"
    "                    browser\n"
    "  -m, --min-size N  only clusters with at least N members, or stories with at\n"
    "                    least N documents (default 2; 1 includes documents without\n"
    "                    copies, or single-document stories)\n"
    "      --order O     id (default), size (largest first) or recent\n"
    "                    (last seen first)\n"
    "  -n, --limit N     at most N clusters or stories (0, the default: no limit)\n"
    "  -o, --output FILE write to FILE instead of stdout ('-' is stdout); the file is\n"
    "                    written in full or not at all\n"
    "      --csv-raw     csv: text exactly as stored (by default a field starting\n"
    "                    with = + - or @, which a spreadsheet would run as a formula,\n"
    "                    gets a leading ')\n"
    "\n"
    "JSONL record: {\"cluster\", \"size\", \"title\", \"first_seen\", \"last_seen\", \"story\",\n"
    "\"members\": [{\"id\", \"url\", \"site\", \"title\", \"published\", \"fetched\",\n"
    "\"similarity\"}]}; members are in time order, the first is the likely original,\n"
    "similarity is to it; story is the story the cluster is in (null: none yet).\n"
    "With --stories: {\"story\", \"size\", \"title\", \"first_seen\", \"last_seen\",\n"
    "\"sites\": [...], \"clusters\": [{\"cluster\", \"size\", \"similarity\", \"members\":\n"
    "[...]}]}; size counts documents, clusters are in time order, similarity is\n"
    "the cluster's to the story, members are as in a cluster's record.\n";

/*
 * An output problem, named by the path the user gave (not the temporary
 * file beside it): exit 1, as for any input or output that failed, except
 * a full disk or no memory, which stay fatal (3).
 */
static int output_error(const char *path, int sys)
{
    const char *slash = strrchr(path, '/');

    if (sys == ENOENT && slash)
        cli_error("cannot write '%s': there is no folder '%.*s'", path,
                  slash == path ? 1 : (int)(slash - path), path);
    else if (sys == EISDIR)
        cli_error("cannot write '%s': it is a folder", path);
    else
        cli_error("cannot write '%s': %s", path, strerror(sys));
    return sys == ENOSPC || sys == EDQUOT || sys == ENOMEM ? WC_EXIT_FATAL : WC_EXIT_PARTIAL;
}

int cmd_export(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                             {"min-size", required_argument, NULL, 'm'},
                                             {"order", required_argument, NULL, 'O'},
                                             {"limit", required_argument, NULL, 'n'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"csv-raw", no_argument, NULL, 'R'},
                                             {"stories", no_argument, NULL, 's'},
                                             CLI_COMMON_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("export");
    wc_export_opts opts = {WC_EXPORT_JSONL, 2, WC_ORDER_ID, 0, false, false};
    const char *outpath = NULL;
    char *tmppath = NULL;
    int fd = -1;
    wc_store *store = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    FILE *out = stdout;
    struct stat sb;
    bool direct = false; /* -o names something other than a regular file */
    int64_t nclu = 0, nmem = 0;
    uint64_t v;
    int c, r, rc = WC_EXIT_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, "f:m:n:o:s" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if ((r = cli_common_opt(self, ctx, c)) > 0)
            return r;
        if (r == 0)
            continue;
        switch (c) {
        case 'f':
            if (!wc_export_format_parse(optarg, &opts.format))
                return cli_usage_error(self, "unknown format '%s' (jsonl, csv or html)", optarg);
            break;
        case 'm':
            if (!cli_parse_uint(optarg, INT64_MAX, &v) || v < 1)
                return cli_usage_error(self, "--min-size needs a whole number >= 1, not '%s'",
                                       optarg);
            opts.min_size = (int64_t)v;
            break;
        case 'R':
            opts.csv_raw = true;
            break;
        case 's':
            opts.stories = true;
            break;
        case 'O':
            if (!strcmp(optarg, "id"))
                opts.order = WC_ORDER_ID;
            else if (!strcmp(optarg, "size"))
                opts.order = WC_ORDER_SIZE;
            else if (!strcmp(optarg, "recent"))
                opts.order = WC_ORDER_RECENT;
            else
                return cli_usage_error(self, "unknown order '%s' (id, size or recent)", optarg);
            break;
        case 'n':
            if (!cli_parse_uint(optarg, INT64_MAX, &v))
                return cli_usage_error(self, "--limit needs a whole number, not '%s'", optarg);
            opts.limit = (int64_t)v;
            break;
        case 'o':
            outpath = optarg;
            break;
        default:
            return cli_usage_error(self, "unexpected option");
        }
    }
    if (optind < argc)
        return cli_usage_error(self, "unexpected argument '%s'", argv[optind]);

    if (outpath && !strcmp(outpath, "-"))
        outpath = NULL;
    if (outpath && stat(outpath, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return output_error(outpath, EISDIR); /* before any work: rename would refuse it */
        if (!S_ISREG(sb.st_mode))
            direct = true; /* a device or pipe (/dev/stdout) is written, never replaced */
    }
    if ((st = wc_store_open(ctx->db_path, WC_STORE_READONLY, 0, &store, &err))) {
        cli_report(&err, st);
        return WC_EXIT_FATAL;
    }
    if (outpath && direct) {
        if (!(out = fopen(outpath, "w"))) {
            out = stdout;
            rc = output_error(outpath, errno);
            goto out;
        }
    } else if (outpath) {
        /* write beside the target and rename: a failed export never leaves half a file */
        size_t n = strlen(outpath) + 16;
        tmppath = malloc(n);
        if (!tmppath) {
            cli_error("out of memory");
            rc = WC_EXIT_FATAL;
            goto out;
        }
        /* a new file of its own: never a link or a file someone placed at that name */
        snprintf(tmppath, n, "%s.tmp%ld", outpath, (long)getpid());
        fd = open(tmppath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 || !(out = fdopen(fd, "w"))) {
            int e = errno;
            if (fd >= 0) {
                close(fd);
                unlink(tmppath); /* made just now */
            }
            out = stdout;
            rc = output_error(outpath, e);
            goto out;
        }
    }
    st = wc_export(store, &opts, out, &nclu, &nmem, &err);
    if (out != stdout) {
        if (fclose(out) != 0 && !st)
            st = wc_error_sys(&err, WC_ERR_IO, errno, "cannot write '%s'", outpath);
        out = stdout;
        if (!st && tmppath && rename(tmppath, outpath) != 0)
            st = wc_error_sys(&err, WC_ERR_IO, errno, "cannot write '%s'", outpath);
        if (st && tmppath)
            unlink(tmppath);
    }
    if (st) {
        if (err.sys == EPIPE)
            goto out; /* the reader stopped early: a normal end */
        if ((st == WC_ERR_IO || st == WC_ERR_FULL) && err.sys) {
            /* writing the output failed (the database reports WC_ERR_DB; disk full is FULL) */
            if (outpath)
                rc = output_error(outpath, err.sys);
            else {
                cli_report(&err, st);
                rc = err.sys == ENOSPC || err.sys == EDQUOT ? WC_EXIT_FATAL : WC_EXIT_PARTIAL;
            }
            goto out;
        }
        cli_report(&err, st);
        rc = cli_exit_for(st) == WC_EXIT_PARTIAL ? WC_EXIT_FATAL : cli_exit_for(st);
        goto out;
    }
    if (opts.stories && !nclu && !ctx->quiet && !cli_any_story(store))
        cli_warn("no stories yet: no copy cluster is placed in a story (ingested with "
                 "--no-stories?)");
    if (!ctx->quiet && outpath)
        cli_fmt_msg(stderr, "wirecopy: wrote %lld %s, %lld %s to '%s'\n", (long long)nclu,
                    opts.stories ? cli_plural((uint64_t)nclu, "story", "stories")
                                 : cli_plural((uint64_t)nclu, "cluster", "clusters"),
                    (long long)nmem, cli_plural((uint64_t)nmem, "document", "documents"), outpath);
out:
    free(tmppath);
    wc_store_close(store);
    return rc;
}
