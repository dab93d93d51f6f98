/*
 * bench_hash.c - fingerprinting speed against the floor.
 *
 *   bench_hash [DOCS.jsonl] [--rounds N]
 *
 * The floor is the bare loop every MinHash deduplicator runs: lower-case
 * ASCII words, hash each 3-word shingle's text with xxh3, keep 128 minima
 * of the classic multiply-shift permutations ((a*h + b) >> 32, 64-bit).
 * Beside it, on the same texts in the same run, wc_fp_compute(): Unicode
 * normalisation, spelling and number folding, the debris-line filter,
 * 128 body + 32 lead MinHash values and the exact xxh3-128.
 *
 * Texts: the "text" fields of DOCS.jsonl (default
 * $WC_SHARED/data/dedup-dev/docs.jsonl), or, when there is none, 5,000
 * articles from the benchmarks' generator (benchlib.h). Each figure is the best of --rounds runs
 * (default 3) on one core; the machine is shared, so expect noise of 10-20%.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/fingerprint.h"
#include "benchlib.h"

/* Texts made when there is no JSONL to read. */
#define GENERATED_DOCS 5000

int main(int argc, char **argv)
{
    const char *path = NULL;
    char def[4096];
    struct bench_doc *t = NULL;
    struct bench_floor floor;
    size_t n = 0, i, maxlen = 0, bytes = 0;
    int rounds = 3, r;
    uint64_t sink = 0;
    double best_floor = 1e30, best_fp = 1e30;
    wc_fp_params p = wc_fp_params_default();
    wc_fp_worker *w;
    wc_fprint fp;
    wc_error err = WC_ERROR_INIT;

    for (i = 1; i < (size_t)argc; i++) {
        if (!strcmp(argv[i], "--rounds") && i + 1 < (size_t)argc)
            rounds = (int)strtol(argv[++i], NULL, 10);
        else
            path = argv[i];
    }
    if (!path && getenv("WC_SHARED")) {
        snprintf(def, sizeof(def), "%s/data/dedup-dev/docs.jsonl", getenv("WC_SHARED"));
        path = def;
    }
    if (path && bench_read_jsonl(path, 0, &t, &n) != 0)
        n = 0;
    if (!n) {
        bench_docs_free(t, 0);
        n = GENERATED_DOCS;
        t = bench_generate_docs(n, 1);
        path = "(generated)";
    }
    for (i = 0; i < n; i++) {
        bytes += t[i].len;
        if (t[i].len > maxlen)
            maxlen = t[i].len;
    }
    bench_floor_init(&floor);
    bench_floor_reserve(&floor, maxlen);
    w = wc_fp_worker_new(&p);
    if (!w)
        return 1;

    for (r = 0; r < rounds; r++) {
        double t0 = bench_cpu(), dt;
        for (i = 0; i < n; i++)
            sink += bench_floor_minhash(&floor, t[i].text, t[i].len);
        dt = bench_cpu() - t0;
        if (dt < best_floor)
            best_floor = dt;
        t0 = bench_cpu();
        for (i = 0; i < n; i++) {
            if (wc_fp_compute(w, t[i].text, t[i].len, &fp, &err) != WC_OK) {
                fprintf(stderr, "bench_hash: %s\n", err.msg);
                return 1;
            }
            sink += fp.minhash[0];
        }
        dt = bench_cpu() - t0;
        if (dt < best_fp)
            best_fp = dt;
    }
    printf("texts           %zu from %s, %.1f MB\n", n, path, bytes / 1e6);
    printf("floor           %8.0f docs/s %7.1f MB/s  (xxh3 per shingle, 128 minima)\n",
           n / best_floor, bytes / best_floor / 1e6);
    printf("wc_fp_compute   %8.0f docs/s %7.1f MB/s  (%.2fx the floor's time)\n", n / best_fp,
           bytes / best_fp / 1e6, best_fp / best_floor);
    printf("(best of %d rounds, one core; sink %llu)\n", rounds, (unsigned long long)(sink & 1));
    wc_fp_worker_free(w);
    bench_docs_free(t, n);
    bench_floor_release(&floor);
    return 0;
}
