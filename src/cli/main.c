/*
 * main.c - the `wirecopy` command: global options, the command table,
 * dispatch, help and "did you mean".
 *
 * One table drives everything a user sees about commands (git's
 * commands[]): `wirecopy help`, each command's --help, shell completion
 * and the suggestion for a mistyped name.
 */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/wirecopy.h"
#include "cli.h"

static int cmd_help(int argc, char **argv, struct cli_ctx *ctx);
static int cmd_version(int argc, char **argv, struct cli_ctx *ctx);

static const char help_help[] = "usage: wirecopy help [COMMAND]\n"
                                "\n"
                                "Show the list of commands, or the help of one command.\n";
static const char help_version[] = "usage: wirecopy version\n"
                                   "\n"
                                   "Print wirecopy's version.\n";

static const struct cli_cmd commands[] = {
    {"ingest", cmd_ingest, "read dumps (WARC, .html folders, JSONL) and store every article",
     help_ingest},
    {"follow", cmd_follow, "poll a feed list and store every new article", help_follow},
    {"feeds", cmd_feeds, "list, add or remove followed feeds", help_feeds},
    {"feed", cmd_feed, "parse one feed and print it as JSON", help_feed},
    {"extract", cmd_extract, "print the article of a page (text, JSON or Markdown)", help_extract},
    {"clusters", cmd_clusters, "list clusters of copies", help_clusters},
    {"stories", cmd_stories, "list stories: write-ups of one event, copies nested", help_stories},
    {"show", cmd_show, "show one cluster, or one story, and its members", help_show},
    {"export", cmd_export, "write clusters or stories as JSONL, CSV or an HTML report",
     help_export},
    {"recluster", cmd_recluster, "rebuild all clusters from stored signatures", help_recluster},
    {"stats", cmd_stats, "print counts about the database", help_stats},
    {"check", cmd_check, "check the database for damage; exit 3 when damaged", help_check},
    {"completion", cmd_completion, "print a shell completion script", help_completion},
    {"help", cmd_help, "show help for wirecopy or a command", help_help},
    {"version", cmd_version, "print the version", help_version},
};

const struct cli_cmd *cli_find(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

static void print_main_usage(FILE *out)
{
    size_t i;

    fprintf(out, "usage: wirecopy [--db PATH] [-q] [-v] COMMAND [ARGS]\n\n"
                 "Collect news articles, strip page debris, and group syndicated copies.\n\n"
                 "Commands:\n");
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nGlobal options (also accepted after the command):\n"
                 "  --db PATH    database file (default: $WIRECOPY_DB, else ./wirecopy.db)\n"
                 "  -q, --quiet  no progress or summary on stderr\n"
                 "  -v, --verbose  more detail on stderr\n"
                 "  -h, --help   this help; `wirecopy COMMAND --help` for a command\n"
                 "  --version    print the version\n\n"
                 "Exit status: 0 all stored, 1 some inputs failed, 2 usage error,\n"
                 "3 fatal (database, disk, memory), 130 interrupted after a clean commit.\n");
}

/* Levenshtein distance, for "did you mean". Names are short. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j;
    size_t row[64];

    if (lb >= 63)
        return lb;
    for (j = 0; j <= lb; j++)
        row[j] = j;
    for (i = 1; i <= la; i++) {
        size_t prev = row[0], tmp;
        row[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            tmp = row[j];
            row[j] = row[j] + 1;
            if (row[j - 1] + 1 < row[j])
                row[j] = row[j - 1] + 1;
            if (prev + cost < row[j])
                row[j] = prev + cost;
            prev = tmp;
        }
    }
    return row[lb];
}

static int unknown_command(const char *name)
{
    size_t i, best = (size_t)-1, bi = 0;

    cli_fmt_msg(stderr, "wirecopy: '%s' is not a wirecopy command. See 'wirecopy help'.\n", name);
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        size_t d = edit_distance(name, commands[i].name);
        if (d < best) {
            best = d;
            bi = i;
        }
    }
    if (best <= 2)
        cli_fmt_msg(stderr, "\nThe most similar command is\n\t%s\n", commands[bi].name);
    return WC_EXIT_USAGE;
}

static int cmd_help(int argc, char **argv, struct cli_ctx *ctx)
{
    const struct cli_cmd *cmd;

    (void)ctx;
    if (argc < 2) {
        print_main_usage(stdout);
        return WC_EXIT_OK;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
        return cli_help(cli_find("help"));
    cmd = cli_find(argv[1]);
    if (!cmd)
        return unknown_command(argv[1]);
    return cli_help(cmd);
}

static int cmd_version(int argc, char **argv, struct cli_ctx *ctx)
{
    (void)ctx;
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
        return cli_help(cli_find("version"));
    if (argc > 1)
        return cli_usage_error(cli_find("version"), "unexpected argument '%s'", argv[1]);
    printf("wirecopy %s\n", wc_version());
    return WC_EXIT_OK;
}

const struct cli_cmd *cli_command_at(size_t i)
{
    return i < sizeof(commands) / sizeof(commands[0]) ? &commands[i] : NULL;
}

int main(int argc, char **argv)
{
    struct cli_ctx ctx = {0};
    const struct cli_cmd *cmd;
    const char *env;
    wc_error err = WC_ERROR_INIT;
    int i, rc;

    setlocale(LC_CTYPE, "");
    signal(SIGPIPE, SIG_IGN);
    env = getenv("WIRECOPY_DB");
    ctx.db_path = env && *env ? env : "wirecopy.db";

    /* global options before the command */
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--db") && i + 1 < argc) {
            ctx.db_path = argv[++i];
        } else if (!strcmp(a, "--db") || !strcmp(a, "--db=")) {
            /* same words as getopt's message for the subcommand form */
            cli_fmt_msg(stderr, "wirecopy: option '--db' requires an argument\n");
            cli_fmt_msg(stderr, "usage: wirecopy [--db PATH] [-q] [-v] COMMAND [ARGS]\n");
            return WC_EXIT_USAGE;
        } else if (!strncmp(a, "--db=", 5)) {
            ctx.db_path = a + 5;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            ctx.quiet = true;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            ctx.verbose++;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            /* `wirecopy -h ingest` is `wirecopy help ingest` */
            if (i + 1 < argc && argv[i + 1][0] != '-')
                return cmd_help(argc - i, argv + i, &ctx);
            print_main_usage(stdout);
            return WC_EXIT_OK;
        } else if (!strcmp(a, "--version")) {
            printf("wirecopy %s\n", wc_version());
            return WC_EXIT_OK;
        } else {
            cli_fmt_msg(stderr, "wirecopy: unknown option '%s'\n", a);
            cli_fmt_msg(stderr, "usage: wirecopy [--db PATH] [-q] [-v] COMMAND [ARGS]\n");
            return WC_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        print_main_usage(stderr);
        return WC_EXIT_USAGE;
    }
    cmd = cli_find(argv[i]);
    if (!cmd)
        return unknown_command(argv[i]);
    if (wc_global_init(&err)) {
        cli_report(&err, err.code);
        return WC_EXIT_FATAL;
    }
    ctx.progress = false; /* decided by each command after its options (term.c) */
    rc = cmd->fn(argc - i, argv + i, &ctx);
    if (fflush(stdout) == EOF && rc == WC_EXIT_OK) {
        /* EPIPE is a normal end for a reader that stopped early */
        if (errno != EPIPE) {
            cli_error("cannot write output: %s", strerror(errno));
            rc = WC_EXIT_FATAL;
        }
    }
    wc_global_cleanup();
    return rc;
}
