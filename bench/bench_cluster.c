/*
 * bench_cluster.c - the cluster index at corpus scale: assignment speed
 * at 10k, 100k and 1M documents indexed, memory per document, and the
 * recall and precision of planted copies.
 *
 *   bench_cluster [--docs N] [--seed S] [--threshold T]
 *
 * The benchmarks' seeded generator (benchlib.h) makes a news-like corpus
 * in memory, window by window: a vocabulary of 40,000 pseudo-words with a
 * Zipf law; stories of 3-14 paragraphs of 25-80 words; clusters of 1..20
 * documents (P(1) = 0.35, else P(s) ~ s^-1.5, as in the dedup sets);
 * copies with a changed headline (upper case, " | Outlet n"), debris lines
 * before and after, a cut after some paragraphs (20%), a dropped paragraph
 * (10%), 1% of words replaced, and exact re-scrapes (8%). Documents arrive
 * in shuffled windows of 10,000, so copies come close together but not
 * adjacent, as in a crawl.
 *
 * Each window is fingerprinted (one thread; wc_fp_compute, the baseline
 * the issue measures everything against) and then assigned
 * (wc_cluster_assign). For each decade of the index size (0..10k,
 * 10k..100k, 100k..1M) it prints both mean rates (table rebuilds
 * included), the median window's assign rate, the index's memory per
 * document and the process's peak RSS. The machine is shared by other
 * work: read rates as rough, compare them within a run.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/cluster.h"
#include "wirecopy/fingerprint.h"
#include "benchlib.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    size_t ndocs = 1000000, done = 0, i;
    uint64_t seed = 1;
    int a;
    bench_gen *g;
    wc_fprint *fps = malloc(BENCH_WINDOW_MAX * sizeof(*fps));
    struct bench_label *lab;
    wc_fp_params p = wc_fp_params_default();
    wc_fp_worker *w;
    wc_cluster_index *idx;
    wc_error err = WC_ERROR_INIT;
    double t_fp_total = 0, t_as_total = 0, dec_fp = 0, dec_as = 0, recall, precision;
    double *win_rates;
    size_t next_report = 10000, dec_start = 0, dec_wins = 0;

    for (a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--docs") && a + 1 < argc)
            ndocs = (size_t)strtoull(argv[++a], NULL, 10);
        else if (!strcmp(argv[a], "--seed") && a + 1 < argc)
            seed = strtoull(argv[++a], NULL, 10);
        else if (!strcmp(argv[a], "--threshold") && a + 1 < argc)
            p.threshold = strtod(argv[++a], NULL);
        else {
            fprintf(stderr, "usage: bench_cluster [--docs N] [--seed S] [--threshold T]\n");
            return 2;
        }
    }
    lab = malloc(ndocs * sizeof(*lab));
    win_rates = malloc((ndocs / BENCH_WINDOW + 2) * sizeof(*win_rates));
    g = bench_gen_new(seed);
    if (!g || !fps || !lab || !win_rates)
        return 1;
    w = wc_fp_worker_new(&p);
    idx = wc_cluster_index_new(&p);
    if (!w || !idx)
        return 1;

    printf("%-18s %10s %10s %12s %10s %9s\n", "indexed", "fp docs/s", "assign/s", "median win/s",
           "bytes/doc", "peak MB");
    while (done < ndocs) {
        /* one window of whole stories */
        const struct bench_window *win = bench_gen_window(g, ndocs - done);
        size_t n = win->n;
        double t0, tfp, tas;
        t0 = bench_cpu();
        for (i = 0; i < n; i++)
            if (wc_fp_compute(w, win->text[i].buf, win->text[i].len, &fps[i], &err) != WC_OK) {
                fprintf(stderr, "bench_cluster: %s\n", err.msg);
                return 1;
            }
        tfp = bench_cpu() - t0;
        t0 = bench_cpu();
        for (i = 0; i < n; i++) {
            wc_match m;
            if (wc_cluster_assign(idx, (int64_t)(done + i + 1), &fps[win->order[i]], &m, &err) !=
                WC_OK) {
                fprintf(stderr, "bench_cluster: %s\n", err.msg);
                return 1;
            }
            lab[done + i].story = win->story[win->order[i]];
        }
        tas = bench_cpu() - t0;
        t_fp_total += tfp;
        t_as_total += tas;
        dec_fp += tfp;
        dec_as += tas;
        win_rates[dec_wins++] = n / tas;
        done += n;
        if (done >= next_report || done == ndocs) {
            /* this decade: mean rate (table rebuilds included) and median window */
            char range[40];
            qsort(win_rates, dec_wins, sizeof(*win_rates), cmp_double);
            snprintf(range, sizeof(range), "%zu..%zu", dec_start, done);
            printf("%-18s %10.0f %10.0f %12.0f %10.0f %9.1f\n", range,
                   (double)(done - dec_start) / dec_fp, (double)(done - dec_start) / dec_as,
                   win_rates[dec_wins / 2], (double)wc_cluster_index_memory(idx) / (double)done,
                   bench_peak_rss_kb() / 1024.0);
            fflush(stdout);
            while (next_report <= done)
                next_report *= 10;
            dec_start = done;
            dec_fp = dec_as = 0;
            dec_wins = 0;
        }
    }

    /* planted copies: pairwise recall and precision */
    for (i = 0; i < done; i++)
        wc_cluster_index_cluster_of(idx, (int64_t)i + 1, &lab[i].cluster);
    bench_pairs_score(lab, done, &recall, &precision);
    printf("total: %zu docs, %llu stories; fingerprint %.0f docs/s, assign %.0f docs/s "
           "(one thread each)\n",
           done, (unsigned long long)bench_gen_stories(g), done / t_fp_total, done / t_as_total);
    printf("planted copies: pairwise recall %.4f, precision %.4f\n", recall, precision);
    printf("index: %.0f bytes/doc (%.1f MB); peak RSS %.1f MB\n",
           (double)wc_cluster_index_memory(idx) / (double)done,
           wc_cluster_index_memory(idx) / 1048576.0, bench_peak_rss_kb() / 1024.0);

    wc_fp_worker_free(w);
    wc_cluster_index_free(idx);
    bench_gen_free(g);
    free(fps);
    free(lab);
    free(win_rates);
    return 0;
}
