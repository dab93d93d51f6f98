/*
 * writeopt.h - the options that `ingest` and `recluster`, the commands
 * that build clusters and stories, share: the fingerprint settings
 * (fpopt.h), --lock-wait and --story-window. Each command keeps its own
 * long option table (their order decides how getopt_long reports an
 * ambiguous abbreviation), made with FPOPT_LONGOPTS and the letters below.
 */
#ifndef WC_CLI_WRITEOPT_H
#define WC_CLI_WRITEOPT_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "fpopt.h"

/* Milliseconds a writer waits for another to finish by default (the help texts say 10000). */
#define WRITEOPT_LOCK_WAIT_MS 10000

struct writeopt {
    struct fpopt fp;      /* --threshold, --shingle, --perms */
    uint64_t lock_wait;   /* --lock-wait, milliseconds */
    int64_t story_window; /* --story-window, seconds; 0 for the story index's default */
};

/* clang-format off */
#define WRITEOPT_INIT {{0}, WRITEOPT_LOCK_WAIT_MS, 0}
/* clang-format on */

/*
 * Take option c returned by getopt_long, with its argument: a common one
 * (cli_common_opt), a fingerprint one ('T', 'S', 'P'), --lock-wait ('L')
 * or --story-window ('W'). Returns -1 when c is none of them, 0 when
 * taken, or the exit status to return now (the message is printed).
 */
int writeopt_take(const struct cli_cmd *self, struct cli_ctx *ctx, struct writeopt *o, int c,
                  const char *arg);

/*
 * The stories of an older database are being built (wc_ingest_opts.on_story_build): the
 * first call says so on stderr (unless --quiet), every call draws the progress line.
 * *building is the caller's, false before the first call.
 */
void writeopt_story_build(struct cli_ctx *ctx, struct cli_progress *pg, bool *building,
                          uint64_t done, uint64_t total);

#endif
