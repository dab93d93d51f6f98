/*
 * writeopt.c - the options `ingest` and `recluster` share (see
 * writeopt.h): a day of --story-window is 86400 s of publication time.
 */
#include "writeopt.h"

int writeopt_take(const struct cli_cmd *self, struct cli_ctx *ctx, struct writeopt *o, int c,
                  const char *arg)
{
    uint64_t v;
    double days;
    int r;

    if ((r = cli_common_opt(self, ctx, c)) >= 0)
        return r;
    if ((r = fpopt_take(self, &o->fp, c, arg)) > 1)
        return r;
    if (r == 1)
        return 0;
    switch (c) {
    case 'L':
        if (!cli_parse_uint(arg, 86400000, &v)) /* a day at most */
            return cli_usage_error(self, "--lock-wait needs milliseconds");
        o->lock_wait = v;
        return 0;
    case 'W':
        if (!cli_parse_double(arg, 0.01, 3650, &days)) /* a quarter of an hour to ten years */
            return cli_usage_error(self, "--story-window needs days from 0.01 to 3650");
        o->story_window = (int64_t)(days * 86400);
        return 0;
    default:
        return -1;
    }
}
