/*
 * bench_ingest.c - end-to-end ingest speed and memory, beside the floor.
 *
 *   bench_ingest [N] [--threads T] [--keep DIR]
 *
 * Generates N news-like articles (default 100,000) with the benchmarks'
 * seeded generator (benchlib.h: the dev set's cluster-size law, copies with
 * debris, cuts and changed words) as one JSONL file, then:
 *   floor   the bare single-core loop every MinHash deduplicator runs
 *           (tokenise, xxh3 of word 3-shingles, 128 minima) over 20,000
 *           of the same texts, in memory: articles/s, best of 3 passes;
 *   ingest  `wirecopy ingest` through the library, in this process: read the
 *           JSONL, normalise, fingerprint, cluster, store in SQLite, commit:
 *           articles/s, MB/s, peak memory, database size, index bytes per
 *           document, and the pairwise precision/recall of the planted copies.
 * The goal (issue 4) is ingest >= half the floor on this 2-core machine.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wirecopy/ingest.h"
#include "wirecopy/store.h"
#include "wirecopy/wirecopy.h"
#include "benchlib.h"

/* Pairwise precision and recall of the stored clusters against the planted stories. */
static void score(wc_store *s, const uint32_t *stories, size_t n, double *prec, double *rec)
{
    struct bench_label *lab = malloc((n ? n : 1) * sizeof(*lab));
    wc_cluster_iter *it = NULL;
    wc_cluster_row c;
    wc_error err = WC_ERROR_INIT;
    size_t i;

    if (!lab)
        abort();
    for (i = 0; i < n; i++) {
        lab[i].story = stories[i];
        lab[i].cluster = -(int64_t)i - 1; /* not stored: a singleton */
    }
    wc_store_clusters(s, 1, WC_ORDER_ID, 0, false, &it, &err);
    while (it && wc_cluster_iter_next(it, &c, &err) == WC_OK) {
        wc_member_iter *mi = NULL;
        wc_member_row m;
        wc_store_members(s, c.id, &mi, &err);
        while (mi && wc_member_iter_next(mi, &m, &err) == WC_OK) {
            /* origin ids are "s<id>", ids from 1 */
            size_t id = m.origin_id ? strtoul(m.origin_id + 1, NULL, 10) : 0;
            if (id >= 1 && id <= n)
                lab[id - 1].cluster = c.id;
        }
        wc_member_iter_free(mi);
    }
    wc_cluster_iter_free(it);
    bench_pairs_score(lab, n, rec, prec);
    free(lab);
}

int main(int argc, char **argv)
{
    size_t n = 100000, floor_n = 20000, i;
    unsigned threads = 0;
    const char *keep = NULL;
    char dir[256], path[300], db[300];
    uint32_t *stories = NULL;
    struct bench_doc *docs;
    wc_store *store = NULL;
    wc_ingest *ing = NULL;
    wc_ingest_opts opts;
    wc_ingest_stats st;
    wc_error err = WC_ERROR_INIT;
    struct stat sb;
    struct bench_floor floor;
    uint64_t bytes, sum = 0;
    double t0, t1, floor_rate, ingest_s, prec, rec;
    FILE *f;
    const char *p[1];

    for (i = 1; i < (size_t)argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < (size_t)argc)
            threads = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--keep") && i + 1 < (size_t)argc)
            keep = argv[++i];
        else
            n = strtoul(argv[i], NULL, 10);
    }
    if (n < 1000)
        n = 1000;
    if (floor_n > n)
        floor_n = n;
    if (keep)
        snprintf(dir, sizeof(dir), "%s", keep);
    else
        snprintf(dir, sizeof(dir), "%s/wc-bench-ingest-XXXXXX",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (keep ? (mkdir(dir, 0755) && access(dir, W_OK)) : !mkdtemp(dir)) {
        perror(dir);
        return 1;
    }
    snprintf(path, sizeof(path), "%s/dump.jsonl", dir);
    snprintf(db, sizeof(db), "%s/bench.db", dir);
    unlink(db);
    wc_global_init(NULL);

    printf("bench_ingest: %zu generated articles\n", n);
    f = fopen(path, "w");
    if (!f) {
        perror(path);
        return 1;
    }
    bytes = bench_generate(f, n, 1, &stories);
    fclose(f);
    printf("  dump           %s, %.1f MB\n", path, (double)bytes / 1e6);

    docs = bench_generate_docs(floor_n, 1);
    bench_floor_init(&floor);
    for (i = 0; i < floor_n; i++)
        bench_floor_reserve(&floor, docs[i].len);
    /* the best of three passes: the fastest the bare loop goes here */
    floor_rate = 0;
    for (int pass = 0; pass < 3; pass++) {
        t0 = bench_cpu();
        for (i = 0; i < floor_n; i++)
            sum += bench_floor_minhash(&floor, docs[i].text, docs[i].len);
        t1 = bench_cpu();
        if ((double)floor_n / (t1 - t0) > floor_rate)
            floor_rate = (double)floor_n / (t1 - t0);
    }
    bench_docs_free(docs, floor_n);
    bench_floor_release(&floor);

    memset(&opts, 0, sizeof(opts));
    opts.threads = threads;
    t0 = bench_wall();
    if (wc_store_open(db, WC_STORE_WRITER, 0, &store, &err) ||
        wc_ingest_new(store, &opts, &ing, &err)) {
        fprintf(stderr, "bench_ingest: %s\n", err.msg);
        return 1;
    }
    p[0] = path;
    if (wc_ingest_paths(ing, p, 1, &err) || wc_ingest_flush(ing, &err)) {
        fprintf(stderr, "bench_ingest: %s\n", err.msg);
        return 1;
    }
    wc_ingest_get_stats(ing, &st);
    wc_ingest_free(ing);
    ingest_s = bench_wall() - t0;
    score(store, stories, n, &prec, &rec);
    wc_store_close(store);
    stat(db, &sb);

    printf("  %-22s %12s %10s\n", "", "articles/s", "vs floor");
    printf("  %-22s %12.0f %10s   (1 core, CPU time; checksum %llu)\n", "floor (bare MinHash)",
           floor_rate, "1.00", (unsigned long long)(sum & 0xffff));
    printf("  %-22s %12.0f %10.2f   (%.1f s wall, %.1f MB/s, all cores)\n", "wirecopy ingest",
           (double)st.stored / ingest_s, (double)st.stored / ingest_s / floor_rate, ingest_s,
           (double)bytes / 1e6 / ingest_s);
    printf("  stored %llu (exact copies %llu, near copies %llu), errors %llu\n",
           (unsigned long long)st.stored, (unsigned long long)st.exact, (unsigned long long)st.near,
           (unsigned long long)st.errors);
    printf("  peak memory    %.1f MB (whole process)\n", (double)bench_peak_rss_kb() / 1024.0);
    printf("  index          %.0f bytes per document\n",
           st.index_docs ? (double)st.index_bytes / (double)st.index_docs : 0.0);
    printf("  database       %.1f MB (%.0f bytes per document)\n", (double)sb.st_size / 1e6,
           (double)sb.st_size / (double)n);
    printf("  planted copies pairwise precision %.4f, recall %.4f\n", prec, rec);
    free(stories);
    if (!keep) {
        unlink(path);
        unlink(db);
        snprintf(path, sizeof(path), "%s/bench.db-wal", dir);
        unlink(path);
        snprintf(path, sizeof(path), "%s/bench.db-shm", dir);
        unlink(path);
        rmdir(dir);
    }
    wc_global_cleanup();
    return 0;
}
