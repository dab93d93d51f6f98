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
#include "cli.h"
#include "fpopt.h"

const char help_recluster[] =
    "usage: wirecopy recluster [--threshold T] [--shingle N] [--perms N] [--db PATH]\n"
    "\n"
    "Rebuild all clusters from the stored fingerprints, in arrival order, so the\n"
    "result equals a fresh ingest of the same documents. With new settings, they\n"
    "are stored in the database for later runs; a new shingle size or signature\n"
    "length recomputes the fingerprints from the stored text first.\n"
    "\n"
    "  --threshold T   similarity at which a document joins a cluster (0..1)\n"
    "  --shingle N     words per shingle (1..8)\n"
    "  --perms N       MinHash signature length (multiple of 16, 16..256)\n"
    "\n"
    "It runs in one transaction: if it fails or is interrupted, nothing changes.\n";

int cmd_recluster(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option longopts[] = {{"threshold", required_argument, NULL, 'T'},
                                             {"shingle", required_argument, NULL, 'S'},
                                             {"perms", required_argument, NULL, 'P'},
                                             {"lock-wait", required_argument, NULL, 'L'},
                                             CLI_COMMON_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("recluster");
    wc_fp_params params;
    struct fpopt fo = {0};
    wc_store *store = NULL;
    wc_recluster_stats rs;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    char *stored = NULL;
    uint64_t v, lock_wait = 10000;
    double start;
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if ((r = cli_common_opt(self, ctx, c)) > 0)
            return r;
        if (r == 0)
            continue;
        if ((r = fpopt_take(self, &fo, c, optarg)) > 1)
            return r;
        if (r == 1)
            continue;
        switch (c) {
        case 'L':
            if (!cli_parse_uint(optarg, 86400000, &v))
                return cli_usage_error(self, "--lock-wait needs milliseconds");
            lock_wait = v;
            break;
        default:
            return cli_usage_error(self, "unexpected option");
        }
    }
    if (optind < argc)
        return cli_usage_error(self, "unexpected argument '%s'", argv[optind]);
    cli_signals_install();
    start = wc_time_mono();
    if ((st = wc_store_open(ctx->db_path, WC_STORE_WRITER, (int)lock_wait, &store, &err))) {
        cli_report(&err, st);
        return WC_EXIT_FATAL;
    }
    if (fpopt_any(&fo) && (r = fpopt_resolve(self, &fo, store, &params))) {
        wc_store_close(store);
        return r;
    }
    st = wc_recluster(store, fpopt_any(&fo) ? &params : NULL, &cli_interrupted, &rs, &err);
    if (!st)
        st = wc_store_meta_get(store, WC_STORE_META_FPRINT, &stored, &err);
    wc_store_close(store);
    if (st) {
        if (st == WC_ERR_INTERRUPTED) {
            cli_error("interrupted: the clusters are unchanged");
            return WC_EXIT_INTERRUPTED;
        }
        cli_report(&err, st);
        return WC_EXIT_FATAL;
    }
    if (!ctx->quiet)
        fprintf(stderr,
                "recluster: %llu documents (%llu re-fingerprinted) in %llu clusters, %llu with "
                "copies, in %.1f s\nrecluster: settings %s\n",
                (unsigned long long)rs.documents, (unsigned long long)rs.refingerprinted,
                (unsigned long long)rs.clusters, (unsigned long long)rs.multi,
                wc_time_mono() - start, stored ? stored : "");
    free(stored);
    return WC_EXIT_OK;
}
