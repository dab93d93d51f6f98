/*
 * cmd_recluster.c - `wirecopy recluster`: rebuild every cluster from the
 * stored fingerprints, after a parameter change or to undo the effect of
 * arrival order; re-fingerprints stored text when the signature settings
 * change. Nothing is re-extracted.
 */
#include <stdlib.h>
#include <string.h>

#include "wirecopy/fingerprint.h"
#include "wirecopy/ingest.h"
#include "wirecopy/recluster.h"
#include "wirecopy/store.h"
#include "wirecopy/story.h"
#include "cli.h"
#include "fpopt.h"
#include "writeopt.h"

static void story_progress(void *p, uint64_t done, uint64_t total)
{
    (void)total;
    cli_progress_update(p, "stories", done, 0, 0);
}

const char help_recluster[] =
    "usage: wirecopy recluster [--stories] [--threshold T] [--shingle N] [--perms N]\n"
    "                          [--story-window DAYS] [--db PATH]\n"
    "\n"
    "Rebuild all clusters from the stored fingerprints, in arrival order, so the\n"
    "result equals a fresh ingest of the same documents. With new settings, they\n"
    "are stored in the database for later runs; a new shingle size or signature\n"
    "length recomputes the fingerprints from the stored text first.\n"
    "\n"
    "  --threshold T   similarity at which a document joins a cluster (0..1)\n"
    "  --shingle N     words per shingle (1..8)\n"
    "  --perms N       MinHash signature length (multiple of 16, 16..256)\n"
    "  --stories       rebuild only the stories, from the stored profiles: every copy\n"
    "                  cluster placed again in date order (not arrival order), then\n"
    "                  the stories that arrival order split are merged\n"
    "  --story-window DAYS\n"
    "                  days of publication time a story stays open (default 7)\n"
    "\n"
    "Rebuilding the clusters rebuilds the stories after them. Each runs in one\n"
    "transaction: if the clusters' fails or is interrupted, nothing changes; if the\n"
    "stories' does, the new clusters are kept without stories, and the next ingest,\n"
    "follow or recluster --stories builds them.\n";

int cmd_recluster(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option longopts[] = {FPOPT_LONGOPTS,
                                             {"lock-wait", required_argument, NULL, 'L'},
                                             {"stories", no_argument, NULL, 'Y'},
                                             {"story-window", required_argument, NULL, 'W'},
                                             CLI_COMMON_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("recluster");
    wc_fp_params params;
    struct writeopt wo = WRITEOPT_INIT;
    wc_store *store = NULL;
    wc_recluster_stats rs;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    char *stored = NULL;
    wc_story_build_opts bo;
    wc_story_build_stats ss;
    struct cli_progress prog;
    bool stories_only = false;
    double start;
    int c, r;

    memset(&bo, 0, sizeof(bo));
    memset(&ss, 0, sizeof(ss));

    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if ((r = writeopt_take(self, ctx, &wo, c, optarg)) > 0)
            return r;
        if (r == 0)
            continue;
        switch (c) {
        case 'Y':
            stories_only = true;
            break;
        default:
            return cli_usage_error(self, "unexpected option");
        }
    }
    if (optind < argc)
        return cli_usage_error(self, "unexpected argument '%s'", argv[optind]);
    bo.window = wo.story_window;
    cli_signals_install();
    start = wc_time_mono();
    if ((st = wc_store_open(ctx->db_path, WC_STORE_WRITER, (int)wo.lock_wait, &store, &err))) {
        cli_report(&err, st);
        return WC_EXIT_FATAL;
    }
    if (fpopt_any(&wo.fp) && (r = fpopt_resolve(self, &wo.fp, store, &params))) {
        wc_store_close(store);
        return r;
    }
    if (stories_only && fpopt_any(&wo.fp)) {
        wc_store_close(store);
        return cli_usage_error(self, "--stories rebuilds stories only: no fingerprint settings");
    }
    memset(&rs, 0, sizeof(rs));
    st = stories_only
             ? WC_OK
             : wc_recluster(store, fpopt_any(&wo.fp) ? &params : NULL, &cli_interrupted, &rs, &err);
    bool clustered = !st && !stories_only;
    if (!st) {
        bo.stop = &cli_interrupted;
        bo.on_progress = story_progress;
        bo.progress_ctx = &prog;
        cli_progress_start(&prog, ctx);
        st = wc_story_rebuild(store, &bo, &ss, &err);
        cli_progress_end(&prog);
    }
    if (!st)
        st = wc_store_meta_get(store, WC_STORE_META_FPRINT, &stored, &err);
    wc_store_close(store);
    if (st) {
        if (st == WC_ERR_INTERRUPTED) {
            cli_error(clustered      ? "interrupted: the clusters are rebuilt, their stories are "
                                       "not: the next ingest or recluster --stories builds them"
                      : stories_only ? "interrupted: the stories are unchanged"
                                     : "interrupted: the clusters are unchanged");
            return WC_EXIT_INTERRUPTED;
        }
        cli_report(&err, st);
        return WC_EXIT_FATAL;
    }
    if (!ctx->quiet)
        cli_fmt_msg(stderr,
                    "recluster: %llu copy clusters in %llu stories, %llu of several clusters "
                    "(%llu profiled from stored text, %llu merged by the repair)\n",
                    (unsigned long long)ss.clusters, (unsigned long long)ss.stories,
                    (unsigned long long)ss.multi, (unsigned long long)ss.profiled,
                    (unsigned long long)ss.merged);
    if (!ctx->quiet && !stories_only)
        cli_fmt_msg(stderr,
                    "recluster: %llu documents (%llu re-fingerprinted) in %llu clusters, %llu with "
                    "copies, in %.1f s\nrecluster: settings %s\n",
                    (unsigned long long)rs.documents, (unsigned long long)rs.refingerprinted,
                    (unsigned long long)rs.clusters, (unsigned long long)rs.multi,
                    wc_time_mono() - start, stored ? stored : "");
    free(stored);
    return WC_EXIT_OK;
}
