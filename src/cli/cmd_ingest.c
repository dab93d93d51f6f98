/*
 * cmd_ingest.c - `wirecopy ingest PATH...`: store every article of
 * scraped dumps (WARC/WARC.gz, folders of .html, JSONL/JSONL.gz) and
 * cluster the copies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wirecopy/fingerprint.h"
#include "wirecopy/ingest.h"
#include "wirecopy/store.h"
#include "wirecopy/story.h"
#include "cli.h"
#include "fmt.h"
#include "fpopt.h"
#include "writeopt.h"

const char help_ingest[] =
    "usage: wirecopy ingest [options] PATH...\n"
    "\n"
    "Read scraped dumps and store each article once, grouped with its copies.\n"
    "PATH is a WARC or WARC.gz file, a directory (walked for .html/.htm/.xhtml\n"
    "pages, and the WARC and JSONL files in it),\n"
    "a JSONL or JSONL.gz file (one object a line with \"html\" or \"text\" and optional\n"
    "\"id\", \"url\", \"title\", \"published\"), or '-' for standard input. The format\n"
    "is detected from the content. Ingesting the same input twice adds nothing.\n"
    "\n"
    "  -j, --threads N      worker threads, and threads building the index (default:\n"
    "                       one per CPU)\n"
    "      --batch N        documents per transaction (default 2000)\n"
    "      --threshold T    similarity at which a document joins a cluster (0..1;\n"
    "                       default 0.35, or the database's)\n"
    "      --shingle N      words per shingle (default 3, or the database's)\n"
    "      --perms N        MinHash signature length (default 128, or the database's)\n"
    "      --lock-wait MS   wait this long for another writer to finish\n"
    "                       (default 10000)\n"
    "      --no-stories     copy clusters only: place no cluster in a story\n"
    "      --story-window DAYS\n"
    "                       days of publication time a story stays open to new\n"
    "                       write-ups (default 7)\n"
    "      --story-trace FILE\n"
    "                       write every story decision as a JSON line to FILE (for\n"
    "                       scripts/fit_story_weights.py and diagnostics)\n"
    "      --story-weights W\n"
    "                       the story model's numbers instead of the fitted ones\n"
    "                       (fitting only, 18 numbers: 9 pair weights, bias, 4\n"
    "                       decision weights, bias, merge bias, split bias, content\n"
    "                       floor)\n"
    "  -q, --quiet          no progress and no summary\n"
    "  -v, --verbose        also name each record that held no article\n"
    "\n"
    "The fingerprint settings are stored with the database on first use; a later\n"
    "run with other settings is refused (use `wirecopy recluster` to change them).\n"
    "Bad records are reported on stderr with file and offset or line, and skipped;\n"
    "the exit status is then 1. Ctrl-C stops after committing what was read (130).\n";

struct ingest_ui {
    struct cli_ctx *ctx;
    struct cli_progress prog;
    wc_ingest *ing;
    unsigned long problems; /* reported so far */
    FILE *trace;            /* --story-trace */
    bool trace_failed;
    bool building; /* the stories of an older database are being built */
};

/* One story decision as a JSON line (--story-trace). */
static void on_story_trace(void *p, const wc_story_trace *t)
{
    struct ingest_ui *ui = p;
    FILE *f = ui->trace;

    fprintf(f, "{\"cluster\":%lld,\"story\":%lld,\"joined\":%d,\"x\":[", (long long)t->cluster_id,
            (long long)t->story_id, t->joined ? 1 : 0);
    for (int i = 0; i < WC_SD_COUNT; i++)
        fprintf(f, "%s%.6g", i ? "," : "", t->x[i]);
    fputs("],\"cand\":[", f);
    for (size_t c = 0; c < t->ncand; c++) {
        fprintf(f, "%s{\"s\":%lld,\"score\":%.6g,\"f\":[", c ? "," : "",
                (long long)t->cand[c].story_id, t->cand[c].score);
        for (int i = 0; i < WC_SF_COUNT; i++)
            fprintf(f, "%s%.6g", i ? "," : "", t->cand[c].f[i]);
        fputs("]}", f);
    }
    if (fputs("]}\n", f) == EOF)
        ui->trace_failed = true;
}

static void on_story_build(void *p, uint64_t done, uint64_t total)
{
    struct ingest_ui *ui = p;

    writeopt_story_build(ui->ctx, &ui->prog, &ui->building, done, total);
}

/* --story-weights: the numbers of wc_story_weights in its order. */
static bool parse_weights(const char *s, wc_story_weights *w)
{
    double v[WC_SF_COUNT + 1 + WC_SD_COUNT + 4];
    char *end;

    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        v[i] = strtod(s, &end);
        if (end == s)
            return false;
        s = end;
        while (*s == ' ' || *s == ',')
            s++;
    }
    if (*s)
        return false;
    *w = wc_story_fitted;
    memcpy(w->pair, v, sizeof(w->pair));
    w->pair_bias = v[WC_SF_COUNT];
    memcpy(w->decide, v + WC_SF_COUNT + 1, sizeof(w->decide));
    w->decide_bias = v[WC_SF_COUNT + 1 + WC_SD_COUNT];
    w->merge_bias = v[WC_SF_COUNT + 2 + WC_SD_COUNT];
    w->split_bias = v[WC_SF_COUNT + 3 + WC_SD_COUNT];
    w->content_floor = v[WC_SF_COUNT + 4 + WC_SD_COUNT];
    w->source = "--story-weights";
    return true;
}

/* Bad records: one line each on stderr (after clearing the progress line). */
static void on_problem(void *p, const wc_error *err)
{
    struct ingest_ui *ui = p;

    cli_progress_end(&ui->prog);
    if (err->code != WC_ERR_EMPTY) /* -v: a page without an article is a note, not a problem */
        ui->problems++;
    cli_fmt_msg(stderr, "wirecopy: %s\n", err->msg[0] ? err->msg : wc_strerror(err->code));
}

static void on_progress(void *p, const wc_ingest_stats *s)
{
    struct ingest_ui *ui = p;

    cli_progress_update(&ui->prog, "ingest", s->records, s->bytes_read, s->bytes_total);
}

static void print_summary(const wc_ingest_stats *s, double secs)
{
    char extra[64] = "";

    /* records read = stored + already + no article; the rest of skipped was never a record */
    if (s->not_articles)
        snprintf(extra, sizeof(extra), " (%llu without an article)",
                 (unsigned long long)s->not_articles);
    cli_fmt_msg(stderr,
                "ingest: %llu %s read, %llu %s stored (%llu exact %s, %llu near %s), %llu already "
                "stored, %llu skipped%s, %llu %s in %.1f s\n",
                (unsigned long long)s->records, cli_plural(s->records, "record", "records"),
                (unsigned long long)s->stored, cli_plural(s->stored, "article", "articles"),
                (unsigned long long)s->exact, cli_plural(s->exact, "copy", "copies"),
                (unsigned long long)s->near, cli_plural(s->near, "copy", "copies"),
                (unsigned long long)s->already, (unsigned long long)s->skipped, extra,
                (unsigned long long)s->errors, cli_plural(s->errors, "error", "errors"), secs);
    if (s->story_clusters)
        cli_fmt_msg(stderr, "stories: %llu new %s placed, %llu %s opened\n",
                    (unsigned long long)s->story_clusters,
                    cli_plural(s->story_clusters, "copy cluster", "copy clusters"),
                    (unsigned long long)s->stories, cli_plural(s->stories, "story", "stories"));
}

int cmd_ingest(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option longopts[] = {{"threads", required_argument, NULL, 'j'},
                                             {"batch", required_argument, NULL, 'B'},
                                             FPOPT_LONGOPTS,
                                             {"lock-wait", required_argument, NULL, 'L'},
                                             {"no-stories", no_argument, NULL, 'N'},
                                             {"story-window", required_argument, NULL, 'W'},
                                             {"story-trace", required_argument, NULL, 'R'},
                                             {"story-weights", required_argument, NULL, 'G'},
                                             CLI_COMMON_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("ingest");
    wc_ingest_opts opts;
    wc_fp_params params;
    struct writeopt wo = WRITEOPT_INIT;
    struct ingest_ui ui;
    wc_store *store = NULL;
    wc_ingest_stats stats;
    wc_error err = WC_ERROR_INIT;
    wc_status st, st2;
    uint64_t v;
    wc_story_weights weights;
    const char *trace_path = NULL;
    double start;
    int c, r, rc;

    memset(&opts, 0, sizeof(opts));
    memset(&ui, 0, sizeof(ui));
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if ((r = writeopt_take(self, ctx, &wo, c, optarg)) > 0)
            return r;
        if (r == 0)
            continue;
        switch (c) {
        case 'j':
            if (!cli_parse_uint(optarg, 256, &v) || v < 1)
                return cli_usage_error(self, "--threads needs a number from 1 to 256");
            opts.threads = (unsigned)v;
            break;
        case 'B':
            if (!cli_parse_uint(optarg, 1000000, &v) || v < 1)
                return cli_usage_error(self, "--batch needs a number from 1 to 1000000");
            opts.batch = (size_t)v;
            break;
        case 'N':
            opts.no_stories = true;
            break;
        case 'R':
            trace_path = optarg;
            break;
        case 'G':
            if (!parse_weights(optarg, &weights))
                return cli_usage_error(self, "--story-weights needs 18 numbers");
            opts.story_weights = &weights;
            break;
        default:
            return cli_usage_error(self, "unexpected option");
        }
    }
    if (optind >= argc)
        return cli_usage_error(self, "nothing to ingest: give one or more paths");

    cli_signals_install();
    opts.story_window = wo.story_window;
    ui.ctx = ctx;
    cli_progress_start(&ui.prog, ctx);
    opts.params = NULL;
    opts.on_problem = on_problem;
    opts.report_empty = ctx->verbose;
    opts.problem_ctx = &ui;
    opts.stop = &cli_interrupted;
    opts.on_progress = on_progress;
    opts.progress_ctx = &ui;
    opts.on_story_build = on_story_build;
    opts.story_build_ctx = &ui;
    if (trace_path) {
        if (!(ui.trace = fopen(trace_path, "w"))) {
            cli_error("cannot write the story trace '%s': %s", trace_path, strerror(errno));
            return WC_EXIT_FATAL;
        }
        opts.on_story_trace = on_story_trace;
        opts.story_trace_ctx = &ui;
    }
    start = wc_time_mono();

    if ((st = wc_store_open(ctx->db_path, WC_STORE_WRITER, (int)wo.lock_wait, &store, &err))) {
        cli_report(&err, st);
        if (ui.trace)
            fclose(ui.trace);
        return WC_EXIT_FATAL;
    }
    if (fpopt_any(&wo.fp)) {
        /* an option left out keeps the database's value, not the default */
        if ((rc = fpopt_resolve(self, &wo.fp, store, &params))) {
            wc_store_close(store);
            return rc;
        }
        opts.params = &params;
    }
    if ((st = wc_ingest_new(store, &opts, &ui.ing, &err))) {
        cli_report(&err, st);
        wc_store_close(store);
        if (st == WC_ERR_INTERRUPTED)
            return WC_EXIT_INTERRUPTED; /* nothing was read yet */
        return cli_exit_for(st) == WC_EXIT_PARTIAL ? WC_EXIT_FATAL : cli_exit_for(st);
    }
    st = wc_ingest_paths(ui.ing, (const char *const *)argv + optind, (size_t)(argc - optind), &err);
    if (st && st != WC_ERR_INTERRUPTED)
        cli_report(&err, st);
    st2 = wc_ingest_flush(ui.ing, &err);
    if (st2 && st2 != WC_ERR_INTERRUPTED && st2 != st) {
        cli_report(&err, st2);
        st = st2;
    } else if (st2 && !st) {
        st = st2;
    }
    wc_ingest_get_stats(ui.ing, &stats);
    wc_ingest_free(ui.ing);
    cli_progress_end(&ui.prog);
    wc_store_close(store);
    if (ui.trace && (fclose(ui.trace) || ui.trace_failed)) {
        cli_error("writing the story trace '%s' failed", trace_path);
        if (!st)
            st = WC_ERR_IO;
    }
    if (!ctx->quiet)
        print_summary(&stats, wc_time_mono() - start);

    if (st == WC_ERR_INTERRUPTED || cli_interrupted) {
        /* always said, even with -q: the run did not finish */
        cli_error("interrupted: what was read is committed; run the same command again to "
                  "continue (stored items are not added twice)");
        rc = WC_EXIT_INTERRUPTED;
    } else if (st)
        rc = cli_exit_for(st) == WC_EXIT_PARTIAL ? WC_EXIT_FATAL : cli_exit_for(st);
    else
        rc = stats.errors ? WC_EXIT_PARTIAL : WC_EXIT_OK;
    return rc;
}
