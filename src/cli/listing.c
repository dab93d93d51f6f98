/*
 * listing.c - the options and the row ends of `clusters` and `stories`
 * (see listing.h).
 */
#include "listing.h"

#include <stdio.h>
#include <string.h>

#include "fmt.h"

/* Characters of a title or site list shown in a row; a bracketed lead gives two to its brackets. */
#define LISTING_TEXT_WIDTH 64

int listing_take(const struct cli_cmd *self, struct cli_ctx *ctx, struct listing_opts *o, int c,
                 const char *arg)
{
    uint64_t v;
    int r;

    if ((r = cli_common_opt(self, ctx, c)) >= 0)
        return r;
    switch (c) {
    case 'm':
        if (!cli_parse_uint(arg, INT64_MAX, &v) || v < 1)
            return cli_usage_error(self, "--min-size needs a whole number >= 1, not '%s'", arg);
        o->min_size = (int64_t)v;
        return 0;
    case 'O':
        if (!strcmp(arg, "size"))
            o->order = WC_ORDER_SIZE;
        else if (!strcmp(arg, "recent"))
            o->order = WC_ORDER_RECENT;
        else if (!strcmp(arg, "id"))
            o->order = WC_ORDER_ID;
        else
            return cli_usage_error(self, "unknown order '%s' (size, recent or id)", arg);
        return 0;
    case 'n':
        if (!cli_parse_uint(arg, INT64_MAX, &v))
            return cli_usage_error(self, "--limit needs a whole number, not '%s'", arg);
        o->limit = (int64_t)v;
        return 0;
    case 'T':
        o->tsv = true;
        return 0;
    default:
        return -1;
    }
}

void listing_print_text(const char *title, const char *lead, const char *sites, bool tsv,
                        int indent)
{
    if (tsv) {
        cli_fmt_tsv(stdout, title);
        putchar('\t');
        cli_fmt_tsv(stdout, sites);
        putchar('\n');
        return;
    }
    if (title) {
        cli_fmt_clip(stdout, title, LISTING_TEXT_WIDTH);
    } else if (lead && lead[0]) {
        /* no title (text-only input): the start of the original, in brackets */
        putchar('[');
        cli_fmt_clip(stdout, lead, LISTING_TEXT_WIDTH - 2);
        putchar(']');
    } else {
        fputs("(untitled)", stdout);
    }
    putchar('\n');
    if (sites && sites[0]) {
        printf("%*s", indent, "");
        cli_fmt_clip(stdout, sites, LISTING_TEXT_WIDTH);
        putchar('\n');
    }
}
