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
#include "wirecopy/store.h"
#include "cli.h"

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
    static const struct option longopts[] = {
        {"threshold", required_argument, NULL, 'T'}, {"shingle", required_argument, NULL, 'S'},
        {"perms", required_argument, NULL, 'P'},     {"lock-wait", required_argument, NULL, 'L'},
        CLI_COMMON_LONGOPTS,                         {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("recluster");
    wc_fp_params params;
    bool custom = false, set_t = false, set_s = false, set_p = false;
    double threshold = 0;
    unsigned shingle = 0, perm = 0;
    wc_store *store = NULL;
    wc_recluster_stats rs;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    char *stored = NULL;
    uint64_t v, lock_wait = 10000;
    double d, start;
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if ((r = cli_common_opt(self, ctx, c)) > 0)
            return r;
        if (r == 0)
            continue;
        switch (c) {
        case 'T':
            if (!cli_parse_double(optarg, 0.0, 1.0, &d))
                return cli_usage_error(self, "--threshold needs a number from 0 to 1");
            threshold = d;
            set_t = custom = true;
            break;
        case 'S':
            if (!cli_parse_uint(optarg, 8, &v) || v < 1)
                return cli_usage_error(self, "--shingle needs a number from 1 to 8");
            shingle = (unsigned)v;
            set_s = custom = true;
            break;
        case 'P':
            if (!cli_parse_uint(optarg, WC_FP_MAX_PERM, &v) || v < 16 || v % 16)
                return cli_usage_error(self, "--perms needs a multiple of 16 from 16 to %d",
                                       WC_FP_MAX_PERM);
            perm = (unsigned)v;
            set_p = custom = true;
            break;
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
    start = cli_time_mono();
    if ((st = wc_store_open(&store, ctx->db_path, WC_STORE_WRITER, (int)lock_wait, &err))) {
        cli_report(&err, st);
        return WC_EXIT_FATAL;
    }
    if (custom) {
        /* the stored settings, with what was given on the command line changed */
        params = wc_fp_params_default();
        if ((st = wc_store_meta_get(store, "fingerprint", &stored, &err)) ||
            (stored && (st = wc_fp_params_parse(stored, strlen(stored), &params, &err)))) {
            cli_report(&err, st);
            wc_store_close(store);
            free(stored);
            return WC_EXIT_FATAL;
        }
        free(stored);
        stored = NULL;
        if (set_t)
            params.threshold = threshold;
        if (set_s)
            params.shingle = shingle;
        if (set_p)
            params.perm = perm;
        if (set_p) {
            /* keep the LSH banding inside a shorter signature */
            if (params.lead_perm > params.perm)
                params.lead_perm = params.perm;
            if (params.bands * params.rows > params.perm)
                params.bands = params.perm / params.rows;
            if (params.lead_bands * params.lead_rows > params.lead_perm)
                params.lead_bands = params.lead_perm / params.lead_rows;
        }
        if (wc_fp_params_check(&params, &err)) {
            wc_store_close(store);
            return cli_usage_error(self, "%s", err.msg);
        }
    }
    st = wc_recluster(store, custom ? &params : NULL, &cli_interrupted, &rs, &err);
    if (!st)
        st = wc_store_meta_get(store, "fingerprint", &stored, &err);
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
                cli_time_mono() - start, stored ? stored : "");
    free(stored);
    return WC_EXIT_OK;
}
