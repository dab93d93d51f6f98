/*
 * listing.h - what the listings `clusters` and `stories` share: their
 * options (--min-size, --order, --limit, --tsv), parsed with the same
 * messages, and the end of a listed row (title or lead, then sites), so
 * that the two commands read and print alike.
 */
#ifndef WC_CLI_LISTING_H
#define WC_CLI_LISTING_H

#include <stdbool.h>
#include <stdint.h>

#include "wirecopy/store.h"
#include "cli.h"

struct listing_opts {
    int64_t min_size;            /* --min-size: rows of at least this many documents */
    enum wc_cluster_order order; /* --order */
    int64_t limit;               /* --limit: at most this many rows, 0 for all */
    bool tsv;                    /* --tsv: tab-separated, with a header line */
};

/* The defaults: two or more documents, largest first, no limit (the help texts say so). */
/* clang-format off */
#define LISTING_OPTS_INIT {2, WC_ORDER_SIZE, 0, false}
/* clang-format on */

/* The options listing_take takes, long and short, to put in a command's own. */
/* clang-format off */
#define LISTING_LONGOPTS \
    {"min-size", required_argument, NULL, 'm'}, {"order", required_argument, NULL, 'O'}, \
    {"limit", required_argument, NULL, 'n'}, {"tsv", no_argument, NULL, 'T'}
/* clang-format on */
#define LISTING_SHORTOPTS "m:n:"

/*
 * Take option c returned by getopt_long, with its argument: a common one
 * (cli_common_opt) or one of the listing's. Returns -1 when c is neither,
 * 0 when taken, or the exit status to return now (the message is printed).
 */
int listing_take(const struct cli_cmd *self, struct cli_ctx *ctx, struct listing_opts *o, int c,
                 const char *arg);

/*
 * Print the end of a listed row to stdout, after its numbers: with tsv its
 * title and sites, tab-separated; else its title (clipped), the start of an
 * untitled original's text in brackets, or "(untitled)", and its sites on
 * a line of their own from column indent. Ends the row's line(s).
 */
void listing_print_text(const char *title, const char *lead, const char *sites, bool tsv,
                        int indent);

#endif
