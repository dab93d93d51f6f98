/*
 * cli.h - what the subcommands of `wirecopy` share: the context built
 * from global options, exit codes, messages and progress.
 *
 * Only src/cli/ talks to the terminal. stdout carries data, stderr
 * messages and progress; progress only when stderr is a TTY and --quiet
 * is not given.
 */
#ifndef WC_CLI_H
#define WC_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "wirecopy/error.h"
#include "wirecopy/wirecopy.h"

#include "fmt.h" /* cli_fmt_msg: every message goes out through it */

/* Exit codes (see README "Exit status"). */
enum {
    WC_EXIT_OK = 0,           /* everything stored */
    WC_EXIT_PARTIAL = 1,      /* finished, but some inputs failed; all the rest is stored */
    WC_EXIT_USAGE = 2,        /* bad command line */
    WC_EXIT_FATAL = 3,        /* database unusable, disk full, out of memory */
    WC_EXIT_INTERRUPTED = 130 /* stopped by a signal after a clean commit */
};

struct cli_ctx {
    const char *db_path; /* --db, else $WIRECOPY_DB, else "wirecopy.db" */
    bool quiet;          /* --quiet: no progress, no summary */
    int verbose;         /* -v count: more detail on stderr */
    bool progress;       /* stderr is a TTY and not quiet */
};

struct cli_cmd {
    const char *name;
    int (*fn)(int argc, char **argv, struct cli_ctx *ctx);
    const char *summary; /* one line for `wirecopy help` */
    const char *help;    /* full help; its first line is the usage line */
};

/* Options every command accepts (append to each command's long options). */
enum { CLI_OPT_DB = 0x1000, CLI_OPT_QUIET, CLI_OPT_HELP };
#define CLI_COMMON_LONGOPTS                                                                        \
    {"db", required_argument, NULL, CLI_OPT_DB}, {"quiet", no_argument, NULL, 'q'},                \
        {"verbose", no_argument, NULL, 'v'},                                                       \
    {                                                                                              \
        "help", no_argument, NULL, 'h'                                                             \
    }
#define CLI_COMMON_SHORTOPTS "qvh"

/*
 * Handle a common option returned by getopt_long. Returns -1 when c is
 * not a common option, 0 when handled, or an exit code (> 0) to return
 * now (usage error: the message is printed). -h/--help prints the
 * command's help to stdout and exits 0 at once.
 */
int cli_common_opt(const struct cli_cmd *cmd, struct cli_ctx *ctx, int c);

/* The i-th command of the table, NULL past the end (help, completion). */
const struct cli_cmd *cli_command_at(size_t i);

/* Look up a command by name (NULL when unknown). */
const struct cli_cmd *cli_find(const char *name);

/* Print help to stdout; returns WC_EXIT_OK. */
int cli_help(const struct cli_cmd *cmd);
/* Print "error: MSG" and the usage line to stderr; returns WC_EXIT_USAGE. */
int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "wirecopy: error: ..." / "wirecopy: warning: ..." on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Report a wc_error (its message, else the status text). */
void cli_report(const wc_error *err, wc_status st);
/* Exit code for a fatal status (WC_EXIT_FATAL) or a usage one. */
int cli_exit_for(wc_status st);

/* Parse a non-negative integer option; usage error message on junk. */
bool cli_parse_uint(const char *s, uint64_t max, uint64_t *out);
bool cli_parse_double(const char *s, double lo, double hi, double *out);

/* Each cmd_<name>.c defines cmd_<name>() and its help text help_<name>[] (usage line first). */
int cmd_ingest(int argc, char **argv, struct cli_ctx *ctx);
extern const char help_ingest[];
int cmd_clusters(int argc, char **argv, struct cli_ctx *ctx);
extern const char help_clusters[];
int cmd_stories(int argc, char **argv, struct cli_ctx *ctx);
extern const char help_stories[];
int cmd_show(int argc, char **argv, struct cli_ctx *ctx);
extern const char help_show[];
int cmd_export(int argc, char **argv, struct cli_ctx *ctx);
extern const char help_export[];
int cmd_stats(int argc, char **argv, struct cli_ctx *ctx);
extern const char help_stats[];
int cmd_recluster(int argc, char **argv, struct cli_ctx *ctx);
extern const char help_recluster[];
int cmd_extract(int argc, char **argv, struct cli_ctx *ctx);
extern const char help_extract[];
int cmd_feed(int argc, char **argv, struct cli_ctx *ctx);
extern const char help_feed[];
int cmd_feeds(int argc, char **argv, struct cli_ctx *ctx);
extern const char help_feeds[];
int cmd_follow(int argc, char **argv, struct cli_ctx *ctx);
extern const char help_follow[];
int cmd_check(int argc, char **argv, struct cli_ctx *ctx);
extern const char help_check[];
int cmd_completion(int argc, char **argv, struct cli_ctx *ctx);
extern const char help_completion[];

/*
 * Does the database hold any story (cmd_stories.c)? For the message of a
 * listing or export that found none: "nothing is placed yet" is not "none
 * is big enough". True when it cannot tell.
 */
struct wc_store;
bool cli_any_story(struct wc_store *store);

/* --- progress (term.c) --- */
struct cli_progress {
    bool on;          /* drawing at all */
    double start;     /* monotonic start time */
    double last_draw; /* monotonic time of the last redraw */
    int width;        /* chars of the last line drawn (to blank it) */
};

/* Monotonic clock, seconds. */

void cli_progress_start(struct cli_progress *p, const struct cli_ctx *ctx);
/* Redraw (at most ~5 times a second) "label: N records, R/s, X of Y MB". */
void cli_progress_update(struct cli_progress *p, const char *label, uint64_t items, uint64_t bytes,
                         uint64_t bytes_total);
/* Erase the progress line. */
void cli_progress_end(struct cli_progress *p);

/* Signals: SIGINT/SIGTERM set a flag that long commands poll. */
void cli_signals_install(void);
extern volatile sig_atomic_t cli_interrupted; /* set by the signal handler */

#endif
