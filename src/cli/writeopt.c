/*
 * writeopt.c - what the writing commands share (see writeopt.h): the
 * options of `ingest` and `recluster` (a day of --story-window is 86400 s
 * of publication time), and the story-build message of `ingest` and
 * `follow`.
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

void writeopt_story_build(struct cli_ctx *ctx, struct cli_progress *pg, bool *building,
                          uint64_t done, uint64_t total)
{
    if (!*building) {
        *building = true;
        if (!ctx->quiet)
            cli_fmt_msg(
                stderr,
                "wirecopy: this database's %llu copy clusters have no stories yet: building "
                "them once\n",
                (unsigned long long)total);
    }
    cli_progress_update(pg, "stories", done, 0, 0);
}
