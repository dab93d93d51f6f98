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
 * included; CPU time of the process, which counts every thread of a
 * parallel table rebuild, and wall time), the median window's assign rate,
 * the index's memory per document and the process's peak RSS.
 *
 * Then start-up, as `ingest` does it on a stored database: a new index
 * loads every document assigned above (packed fingerprints read back from
 * a temporary file, unpacked, wc_cluster_index_load with their cluster)
 * and every cluster's row (wc_cluster_index_load_cluster: its original),
 * the first assignment builds the band tables (the load defers them), and
 * growing the tables by half rebuilds them. Each is timed on one CPU
 * (the process pinned to it) and on all the CPUs it may use, side by side,
 * and the loaded index must decide a further window of documents exactly
 * as the index that made the clusters did.
 *
 * The machine is shared by other work: read rates as rough, compare them
 * within a run.
 */
#define _GNU_SOURCE /* sched_setaffinity, CPU_COUNT */
#include <sched.h>
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

static void die(const char *what, const wc_error *err)
{
    fprintf(stderr, "bench_cluster: %s: %s\n", what, err ? err->msg : "failed");
    exit(1);
}

/* A digest of everything a decision says, to compare two indexes' decisions. */
static uint64_t match_digest(const wc_match *m)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL, v[6];
    size_t i;

    v[0] = (uint64_t)m->cluster_id;
    v[1] = (uint64_t)m->kind;
    v[2] = (uint64_t)m->best_doc;
    memcpy(&v[3], &m->similarity, 8);
    memcpy(&v[4], &m->containment, 8);
    v[5] = m->nabsorbed;
    for (i = 0; i < 6; i++)
        h = (h ^ v[i]) * 0x100000001b3ULL;
    for (i = 0; i < m->nabsorbed; i++)
        h = (h ^ (uint64_t)m->absorbed[i]) * 0x100000001b3ULL;
    return h;
}

/* The probe window: documents assigned after a load, which must be decided the same. */
struct probe {
    wc_fprint *fps;
    size_t n;
    int64_t first_id;
    uint64_t *want; /* digest of each decision of the index that made the clusters */
};

struct startup {
    double load, build, grow;             /* wall seconds */
    double load_cpu, build_cpu, grow_cpu; /* CPU seconds of the process (every thread) */
    size_t mismatches;
    double bytes_per_doc;
};

/*
 * Start-up on the CPUs of `cpus`: load the ndocs packed fingerprints of
 * `blobs` with their clusters, assign the probe (the first one builds the
 * band tables), growing the tables by half after the first.
 */
static void startup_run(const wc_fp_params *p, const cpu_set_t *cpus, FILE *blobs,
                        const int64_t *cl_of, size_t ndocs, const wc_cluster_info *rows,
                        size_t nrows, const struct probe *pr, struct startup *out)
{
    wc_cluster_index *idx = wc_cluster_index_new(p);
    wc_error err = WC_ERROR_INIT;
    wc_fprint fp;
    uint8_t blob[4096];
    double t0, c0;
    size_t i;

    if (!idx || sched_setaffinity(0, sizeof(*cpus), cpus) != 0)
        die("start-up", NULL);
    rewind(blobs);
    t0 = bench_wall();
    c0 = bench_cpu();
    if (wc_cluster_index_reserve(idx, ndocs, &err) != WC_OK)
        die("reserve", &err);
    for (i = 0; i < ndocs; i++) {
        uint32_t len;
        if (fread(&len, sizeof(len), 1, blobs) != 1 || len > sizeof(blob) ||
            fread(blob, 1, len, blobs) != len)
            die("reading the fingerprints back", NULL);
        if (wc_fprint_unpack(blob, len, p, &fp, &err) != WC_OK ||
            wc_cluster_index_load(idx, (int64_t)i + 1, cl_of[i], &fp, &err) != WC_OK)
            die("load", &err);
    }
    for (i = 0; i < nrows; i++) /* each cluster's row: its original and times */
        if (wc_cluster_index_load_cluster(idx, &rows[i], &err) != WC_OK)
            die("load", &err);
    out->load = bench_wall() - t0;
    out->load_cpu = bench_cpu() - c0;
    out->mismatches = 0;
    for (i = 0; i < pr->n; i++) {
        wc_match m;
        t0 = bench_wall();
        c0 = bench_cpu();
        if (wc_cluster_assign(idx, pr->first_id + (int64_t)i, &pr->fps[i], INT64_MIN, &m, &err) !=
            WC_OK)
            die("assign", &err);
        if (i == 0) {
            out->build = bench_wall() - t0;
            out->build_cpu = bench_cpu() - c0;
            out->bytes_per_doc = (double)wc_cluster_index_memory(idx) / (double)(ndocs + 1);
            /* grow every table by half: a full rebuild */
            t0 = bench_wall();
            c0 = bench_cpu();
            if (wc_cluster_index_reserve(idx, ndocs + ndocs / 2 + 2, &err) != WC_OK)
                die("reserve", &err);
            out->grow = bench_wall() - t0;
            out->grow_cpu = bench_cpu() - c0;
        }
        out->mismatches += match_digest(&m) != pr->want[i];
    }
    wc_cluster_index_free(idx);
}

int main(int argc, char **argv)
{
    size_t ndocs = 1000000, done = 0, i;
    uint64_t seed = 1;
    int a;
    bench_gen *g;
    wc_fprint *fps = malloc(BENCH_WINDOW_MAX * sizeof(*fps));
    struct bench_label *lab;
    int64_t *cl_of;
    wc_cluster_info *rows;
    size_t nrows = 0;
    wc_fp_params p = wc_fp_params_default();
    wc_fp_worker *w;
    wc_cluster_index *idx;
    wc_error err = WC_ERROR_INIT;
    double t_fp_total = 0, t_as_total = 0, t_as_wall = 0, dec_fp = 0, dec_as = 0, dec_wall = 0;
    double recall, precision, *win_rates;
    size_t next_report = 10000, dec_start = 0, dec_wins = 0;
    FILE *blobs = tmpfile();
    wc_buf packed = {wc_buf_empty_, 0, 0, WC_FPRINT_PACKED_MAX};
    cpu_set_t all, one;
    struct probe pr;
    struct startup su[2];
    unsigned ncpu, r, runs;

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
    lab = malloc((ndocs ? ndocs : 1) * sizeof(*lab));
    cl_of = malloc((ndocs ? ndocs : 1) * sizeof(*cl_of));
    rows = malloc((ndocs ? ndocs : 1) * sizeof(*rows));
    win_rates = malloc((ndocs / BENCH_WINDOW + 2) * sizeof(*win_rates));
    g = bench_gen_new(seed);
    if (!g || !fps || !lab || !cl_of || !rows || !win_rates || !blobs)
        return 1;
    w = wc_fp_worker_new(&p);
    idx = wc_cluster_index_new(&p);
    if (!w || !idx || sched_getaffinity(0, sizeof(all), &all) != 0)
        return 1;

    printf("%-18s %10s %10s %10s %12s %10s %9s\n", "indexed", "fp docs/s", "assign/s", "wall as/s",
           "median win/s", "bytes/doc", "peak MB");
    while (done < ndocs) {
        /* one window of whole stories */
        const struct bench_window *win = bench_gen_window(g, ndocs - done);
        size_t n = win->n;
        double t0, w0, tfp, tas, twall;
        t0 = bench_cpu();
        for (i = 0; i < n; i++)
            if (wc_fp_compute(w, win->text[i].buf, win->text[i].len, &fps[i], &err) != WC_OK)
                die("fingerprint", &err);
        tfp = bench_cpu() - t0;
        t0 = bench_cpu();
        w0 = bench_wall();
        for (i = 0; i < n; i++) {
            wc_match m;
            if (wc_cluster_assign(idx, (int64_t)(done + i + 1), &fps[win->order[i]], INT64_MIN, &m,
                                  &err) != WC_OK)
                die("assign", &err);
            lab[done + i].story = win->story[win->order[i]];
        }
        tas = bench_cpu() - t0;
        twall = bench_wall() - w0;
        /* keep the packed fingerprints, in id order, for the start-up runs */
        for (i = 0; i < n; i++) {
            uint32_t len;
            wc_buf_reset(&packed);
            if (wc_fprint_pack(&fps[win->order[i]], &packed) != WC_OK)
                die("pack", NULL);
            len = (uint32_t)packed.len;
            if (fwrite(&len, sizeof(len), 1, blobs) != 1 ||
                fwrite(packed.buf, 1, len, blobs) != len)
                die("writing a temporary file", NULL);
        }
        t_fp_total += tfp;
        t_as_total += tas;
        t_as_wall += twall;
        dec_fp += tfp;
        dec_as += tas;
        dec_wall += twall;
        win_rates[dec_wins++] = n / tas;
        done += n;
        if (done >= next_report || done == ndocs) {
            /* this decade: mean rate (table rebuilds included) and median window */
            char range[40];
            qsort(win_rates, dec_wins, sizeof(*win_rates), cmp_double);
            snprintf(range, sizeof(range), "%zu..%zu", dec_start, done);
            printf("%-18s %10.0f %10.0f %10.0f %12.0f %10.0f %9.1f\n", range,
                   (double)(done - dec_start) / dec_fp, (double)(done - dec_start) / dec_as,
                   (double)(done - dec_start) / dec_wall, win_rates[dec_wins / 2],
                   (double)wc_cluster_index_memory(idx) / (double)done,
                   bench_peak_rss_kb() / 1024.0);
            fflush(stdout);
            while (next_report <= done)
                next_report *= 10;
            dec_start = done;
            dec_fp = dec_as = dec_wall = 0;
            dec_wins = 0;
        }
    }

    /* planted copies: pairwise recall and precision */
    for (i = 0; i < done; i++) {
        wc_cluster_index_cluster_of(idx, (int64_t)i + 1, &lab[i].cluster);
        cl_of[i] = lab[i].cluster;
    }
    /* the rows a store would hold: one per cluster, the one its founder (the smallest id) names */
    for (i = 0; i < done; i++)
        if (cl_of[i] == (int64_t)i + 1 &&
            wc_cluster_index_cluster(idx, cl_of[i], &rows[nrows++]) != WC_OK)
            die("cluster rows", NULL);
    bench_pairs_score(lab, done, &recall, &precision);
    printf("total: %zu docs, %llu stories; fingerprint %.0f docs/s, assign %.0f docs/s "
           "(CPU time), %.0f docs/s (wall)\n",
           done, (unsigned long long)bench_gen_stories(g), done / t_fp_total, done / t_as_total,
           done / t_as_wall);
    printf("planted copies: pairwise recall %.4f, precision %.4f\n", recall, precision);
    printf("index: %.0f bytes/doc (%.1f MB); peak RSS %.1f MB\n",
           (double)wc_cluster_index_memory(idx) / (double)done,
           wc_cluster_index_memory(idx) / 1048576.0, bench_peak_rss_kb() / 1024.0);
    fflush(stdout);

    /* the probe: one more window, decided by the index that made the clusters */
    {
        const struct bench_window *win = bench_gen_window(g, BENCH_WINDOW);
        pr.n = win->n;
        pr.first_id = (int64_t)done + 1;
        pr.fps = malloc((pr.n ? pr.n : 1) * sizeof(*pr.fps));
        pr.want = malloc((pr.n ? pr.n : 1) * sizeof(*pr.want));
        if (!pr.fps || !pr.want)
            return 1;
        for (i = 0; i < pr.n; i++) {
            wc_match m;
            if (wc_fp_compute(w, win->text[win->order[i]].buf, win->text[win->order[i]].len,
                              &pr.fps[i], &err) != WC_OK ||
                wc_cluster_assign(idx, pr.first_id + (int64_t)i, &pr.fps[i], INT64_MIN, &m, &err) !=
                    WC_OK)
                die("probe", &err);
            pr.want[i] = match_digest(&m);
        }
    }
    wc_cluster_index_free(idx);

    /* start-up: one CPU, then every CPU this process may use */
    ncpu = (unsigned)CPU_COUNT(&all);
    CPU_ZERO(&one);
    for (r = 0; r < CPU_SETSIZE; r++)
        if (CPU_ISSET(r, &all)) {
            CPU_SET(r, &one);
            break;
        }
    runs = ncpu > 1 ? 2 : 1;
    for (r = 0; r < runs; r++)
        startup_run(&p, r ? &all : &one, blobs, cl_of, done, rows, nrows, &pr, &su[r]);
    sched_setaffinity(0, sizeof(all), &all);
    printf("\nstart-up of %zu documents, seconds wall / CPU (load: read back, unpack, "
           "wc_cluster_index_load; build: the first assignment; grow: tables by half)\n",
           done);
    printf("%-6s %15s %15s %15s %10s %15s %10s\n", "cpus", "load", "build", "total", "docs/s",
           "grow 1.5x", "bytes/doc");
    for (r = 0; r < runs; r++)
        printf("%-6u %7.3f/%7.3f %7.3f/%7.3f %7.3f/%7.3f %10.0f %7.3f/%7.3f %10.0f\n", r ? ncpu : 1,
               su[r].load, su[r].load_cpu, su[r].build, su[r].build_cpu, su[r].load + su[r].build,
               su[r].load_cpu + su[r].build_cpu, (double)done / (su[r].load + su[r].build),
               su[r].grow, su[r].grow_cpu, su[r].bytes_per_doc);
    for (r = 0; r < runs; r++)
        printf("%u cpu(s): %zu of %zu probe decisions differ from the index that made the "
               "clusters\n",
               r ? ncpu : 1, su[r].mismatches, pr.n);

    wc_fp_worker_free(w);
    bench_gen_free(g);
    wc_buf_release(&packed);
    fclose(blobs);
    free(pr.fps);
    free(pr.want);
    free(fps);
    free(lab);
    free(cl_of);
    free(rows);
    free(win_rates);
    return su[0].mismatches || (runs > 1 && su[1].mismatches) ? 1 : 0;
}
