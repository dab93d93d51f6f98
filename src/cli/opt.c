/*
 * opt.c - option handling shared by every subcommand: the common options
 * (--db, -q, -v, -h), usage errors, messages and exit codes.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "cli.h"

int cli_help(const struct cli_cmd *cmd)
{
    fputs(cmd->help, stdout);
    return WC_EXIT_OK;
}

static void usage_line(const struct cli_cmd *cmd, FILE *out)
{
    const char *nl = strchr(cmd->help, '\n');
    int n = nl ? (int)(nl - cmd->help) : (int)strlen(cmd->help);

    fprintf(out, "%.*s\n", n, cmd->help);
}

int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
    va_list ap;

    fputs("wirecopy: error: ", stderr);
    va_start(ap, fmt);
    cli_fmt_vmsg(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    usage_line(cmd, stderr);
    return WC_EXIT_USAGE;
}

int cli_common_opt(const struct cli_cmd *cmd, struct cli_ctx *ctx, int c)
{
    switch (c) {
    case CLI_OPT_DB:
        if (!optarg || !*optarg)
            return cli_usage_error(cmd, "--db needs a path");
        ctx->db_path = optarg;
        return 0;
    case 'q':
        ctx->quiet = true;
        return 0;
    case 'v':
        ctx->verbose++;
        return 0;
    case 'h':
        /* options are parsed before a command acquires anything: exiting here is clean */
        cli_help(cmd);
        fflush(stdout);
        exit(WC_EXIT_OK);
    case '?':
    case ':':
        /* getopt_long has printed what was wrong */
        usage_line(cmd, stderr);
        return WC_EXIT_USAGE;
    default:
        return -1;
    }
}

void cli_error(const char *fmt, ...)
{
    va_list ap;

    fputs("wirecopy: error: ", stderr);
    va_start(ap, fmt);
    cli_fmt_vmsg(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;

    fputs("wirecopy: warning: ", stderr);
    va_start(ap, fmt);
    cli_fmt_vmsg(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_report(const wc_error *err, wc_status st)
{
    if (err && err->msg[0])
        cli_error("%s", err->msg);
    else
        cli_error("%s", wc_strerror(st));
}

int cli_exit_for(wc_status st)
{
    switch (st) {
    case WC_OK:
    case WC_DONE:
        return WC_EXIT_OK;
    case WC_ERR_USAGE:
        return WC_EXIT_USAGE;
    case WC_ERR_INTERRUPTED:
        return WC_EXIT_INTERRUPTED;
    case WC_ERR_NOMEM:
    case WC_ERR_DB:
    case WC_ERR_BUSY:
    case WC_ERR_CORRUPT:
    case WC_ERR_FULL:
    case WC_ERR_MISMATCH:
        return WC_EXIT_FATAL;
    default:
        return WC_EXIT_PARTIAL;
    }
}

bool cli_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (!s || !*s || *s == '-' || *s == '+')
        return false;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

bool cli_parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v;

    if (!s || !*s)
        return false;
    errno = 0;
    v = strtod(s, &end);
    if (errno || *end || isnan(v) || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}
