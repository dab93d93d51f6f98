/*
 * fpopt.h - the fingerprint options shared by `ingest` and `recluster`
 * (--threshold, --shingle, --perms): parsed into a set of changes, then
 * laid over the settings the database already holds, so that an option
 * left out keeps the stored value rather than the built-in default.
 */
#ifndef WC_CLI_FPOPT_H
#define WC_CLI_FPOPT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "wirecopy/fingerprint.h"
#include "wirecopy/store.h"
#include "cli.h"

struct fpopt {
    bool set_t, set_s, set_p;
    double threshold;
    unsigned shingle, perm;
};

/* Is any option given? */
static inline bool fpopt_any(const struct fpopt *o)
{
    return o->set_t || o->set_s || o->set_p;
}

/* The long options fpopt_take takes, to put in a command's table. */
/* clang-format off */
#define FPOPT_LONGOPTS \
    {"threshold", required_argument, NULL, 'T'}, {"shingle", required_argument, NULL, 'S'}, \
    {"perms", required_argument, NULL, 'P'}
/* clang-format on */

/*
 * Take option c ('T', 'S' or 'P') with its argument. Returns 1 when taken,
 * 0 when c is not one of them, or the usage-error exit status.
 */
int fpopt_take(const struct cli_cmd *self, struct fpopt *o, int c, const char *arg);

/*
 * The database's settings (the defaults when it has none yet) with the
 * given options changed, banding kept inside a shorter signature. Returns
 * 0, or the exit status after reporting the problem (3 for the database,
 * 2 for settings that do not go together).
 */
int fpopt_resolve(const struct cli_cmd *self, const struct fpopt *o, wc_store *store,
                  wc_fp_params *out);

#endif
