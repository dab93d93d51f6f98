/*
 * term.c - the terminal side: a one-line progress display on stderr
 * (only when stderr is a TTY and --quiet is off) and signal handling.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

volatile sig_atomic_t cli_interrupted;

void cli_progress_start(struct cli_progress *p, const struct cli_ctx *ctx)
{
    memset(p, 0, sizeof(*p));
    p->on = !ctx->quiet && isatty(STDERR_FILENO);
    p->start = wc_time_mono();
}

static void human_bytes(uint64_t b, char *out, size_t n)
{
    if (b >= 10ULL * 1000 * 1000 * 1000)
        snprintf(out, n, "%.1f GB", (double)b / 1e9);
    else
        snprintf(out, n, "%.1f MB", (double)b / 1e6);
}

void cli_progress_update(struct cli_progress *p, const char *label, uint64_t items, uint64_t bytes,
                         uint64_t bytes_total)
{
    double now, el;
    char line[160], a[32], b[32];
    int n;

    if (!p->on)
        return;
    now = wc_time_mono();
    if (now - p->last_draw < 0.2)
        return;
    p->last_draw = now;
    el = now - p->start;
    n = snprintf(line, sizeof(line), "%s: %llu records, %.0f/s", label, (unsigned long long)items,
                 el > 0 ? (double)items / el : 0.0);
    if (bytes_total) {
        human_bytes(bytes, a, sizeof(a));
        human_bytes(bytes_total, b, sizeof(b));
        n += snprintf(line + n, sizeof(line) - (size_t)n, ", %s of %s (%.0f%%)", a, b,
                      100.0 * (double)bytes / (double)bytes_total);
    } else if (bytes) {
        human_bytes(bytes, a, sizeof(a));
        n += snprintf(line + n, sizeof(line) - (size_t)n, ", %s", a);
    }
    if (n > (int)sizeof(line) - 1)
        n = (int)sizeof(line) - 1;
    fputc('\r', stderr);
    cli_fmt_text(stderr, line, false); /* the label may name a file */
    fprintf(stderr, "%*s", p->width > n ? p->width - n : 0, "");
    p->width = n;
    fflush(stderr);
}

void cli_progress_end(struct cli_progress *p)
{
    if (!p->on || !p->width)
        return;
    fprintf(stderr, "\r%*s\r", p->width, "");
    fflush(stderr);
    p->width = 0;
}

static void on_signal(int sig)
{
    (void)sig;
    cli_interrupted = 1;
}

void cli_signals_install(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL); /* the terminal closed (ssh dropped): the same clean stop */
}
