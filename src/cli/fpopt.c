/*
 * fpopt.c - --threshold, --shingle and --perms for `ingest` and
 * `recluster` (see fpopt.h).
 */
#include "fpopt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int fpopt_take(const struct cli_cmd *self, struct fpopt *o, int c, const char *arg)
{
    uint64_t v;
    double d;

    switch (c) {
    case 'T':
        if (!cli_parse_double(arg, 0.0, 1.0, &d))
            return cli_usage_error(self, "--threshold needs a number from 0 to 1");
        o->threshold = d;
        o->set_t = true;
        return 1;
    case 'S':
        if (!cli_parse_uint(arg, 8, &v) || v < 1)
            return cli_usage_error(self, "--shingle needs a number from 1 to 8");
        o->shingle = (unsigned)v;
        o->set_s = true;
        return 1;
    case 'P':
        if (!cli_parse_uint(arg, WC_FP_MAX_PERM, &v) || v < 16 || v % 16)
            return cli_usage_error(self, "--perms needs a multiple of 16 from 16 to %d",
                                   WC_FP_MAX_PERM);
        o->perm = (unsigned)v;
        o->set_p = true;
        return 1;
    default:
        return 0;
    }
}

int fpopt_resolve(const struct cli_cmd *self, const struct fpopt *o, wc_store *store,
                  wc_fp_params *out)
{
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    char *stored = NULL;

    *out = wc_fp_params_default();
    if ((st = wc_store_meta_get(store, WC_STORE_META_FPRINT, &stored, &err)) ||
        (stored && (st = wc_fp_params_parse(stored, strlen(stored), out, &err)))) {
        cli_report(&err, st);
        free(stored);
        return WC_EXIT_FATAL;
    }
    free(stored);
    if (o->set_t)
        out->threshold = o->threshold;
    if (o->set_s)
        out->shingle = o->shingle;
    if (o->set_p) {
        out->perm = o->perm;
        /* keep the LSH banding inside a shorter signature */
        if (out->lead_perm > out->perm)
            out->lead_perm = out->perm;
        if (out->bands * out->rows > out->perm)
            out->bands = out->perm / out->rows;
        if (out->lead_bands * out->lead_rows > out->lead_perm)
            out->lead_bands = out->lead_perm / out->lead_rows;
    }
    if (wc_fp_params_check(out, &err))
        return cli_usage_error(self, "%s", err.msg);
    return 0;
}
