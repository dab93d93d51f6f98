/*
 * bench_scale.c - the whole `wirecopy ingest` at corpus scale: articles/s
 * at 10k, 100k and 1M stored, peak memory, database size, and the recall
 * of the planted copies.
 *
 *   bench_scale [--docs N] [--seed S] [--dir DIR] [--wirecopy PATH] [--keep]
 *
 * 1. The benchmarks' seeded generator (benchlib.h, as in bench_cluster)
 *    writes N news-like articles with known copies as
 *    JSONL ({"id","text","cluster"}) into DIR (default /tmp), in three
 *    parts: the first 10,000, up to 100,000, up to N (default 1,000,000,
 *    about 2.5 GB). Stories: 3-14 paragraphs from a 40,000-word Zipf
 *    vocabulary; clusters of 1-20 documents with the dev set's size law;
 *    copies with headline variants, debris lines, cuts, dropped
 *    paragraphs, 1% changed words, 8% exact re-scrapes; shuffled windows of
 *    10,000 documents.
 * 2. The baseline of the same run: on the first 20,000 texts (kept in
 *    memory), one core, the bare floor loop (tokenise, xxh3 per shingle,
 *    128 minima) and wc_fp_compute, each the best of three passes in a
 *    tight loop after the generation. (Timed one text at a time between
 *    generating and writing the others, as before 2026-11-23, the floor
 *    came out at 12,900/s against 20,000/s in a tight loop: its caches
 *    were cold for every text.)
 * 3. `wirecopy --db DIR/... ingest -q PART` for each part in turn, so the
 *    database holds 10k, 100k, then N articles; for each: wall-clock
 *    articles/s (ingest uses every core), CPU seconds, the child's peak RSS,
 *    and the database size (main file + WAL).
 * 4. `wirecopy export --format jsonl --min-size 1`, read back: pairwise
 *    recall and precision of the planted copies.
 *
 * wirecopy is found at --wirecopy, $WIRECOPY, or next to this program's
 * directory (build/wirecopy for build/bench/bench_scale). The machine is
 * shared with other work: expect noise.
 */
#define _DEFAULT_SOURCE /* wait4 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wirecopy/buf.h"
#include "wirecopy/fingerprint.h"
#include "benchlib.h"

#define BASELINE_DOCS 20000

/* Run argv; wall seconds, CPU seconds and peak RSS (KB) of the child. */
static int run(char *const argv[], double *wall, double *cpu_s, long *rss_kb)
{
    double t0 = bench_wall();
    struct rusage ru;
    int status = 0;
    pid_t pid = fork();

    if (pid < 0)
        return -1;
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) < 0)
        return -1;
    *wall = bench_wall() - t0;
    *cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
             ru.ru_stime.tv_usec / 1e6;
    *rss_kb = ru.ru_maxrss;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_scale [--docs N] [--seed S] [--dir DIR] [--wirecopy PATH] "
                    "[--keep]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    size_t ndocs = 1000000, done = 0, i, nparts = 0, part;
    size_t cuts[3] = {10000, 100000, 0};
    uint64_t seed = 1;
    const char *dir = "/tmp";
    char wirecopy[4096] = "", db[4200], parts[3][4200], exported[4200];
    int a, keep = 0;
    bench_gen *g = NULL;
    wc_buf line = {wc_buf_empty_, 0, 0, BENCH_TEXT_CAP};
    struct bench_label *lab;
    FILE *out = NULL;
    double t_floor = 0, t_fp = 0;
    size_t base_n = 0, pass;
    wc_buf *base = calloc(BASELINE_DOCS, sizeof(*base));
    struct bench_floor floor;
    uint64_t sink = 0;
    wc_fp_params p = wc_fp_params_default();
    wc_fp_worker *w = wc_fp_worker_new(&p);
    wc_fprint fp;

    for (a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--docs") && a + 1 < argc)
            ndocs = (size_t)strtoull(argv[++a], NULL, 10);
        else if (!strcmp(argv[a], "--seed") && a + 1 < argc)
            seed = strtoull(argv[++a], NULL, 10);
        else if (!strcmp(argv[a], "--dir") && a + 1 < argc)
            dir = argv[++a];
        else if (!strcmp(argv[a], "--wirecopy") && a + 1 < argc)
            snprintf(wirecopy, sizeof(wirecopy), "%s", argv[++a]);
        else if (!strcmp(argv[a], "--keep"))
            keep = 1;
        else
            usage();
    }
    if (!ndocs)
        usage();
    if (!wirecopy[0] && getenv("WIRECOPY"))
        snprintf(wirecopy, sizeof(wirecopy), "%s", getenv("WIRECOPY"));
    if (!wirecopy[0]) {
        char self[4000];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        char *slash;
        if (n > 0) {
            self[n] = '\0';
            if ((slash = strrchr(self, '/')) != NULL) {
                *slash = '\0';
                if ((slash = strrchr(self, '/')) != NULL)
                    *slash = '\0';
                snprintf(wirecopy, sizeof(wirecopy), "%s/wirecopy", self);
            }
        }
    }
    if (access(wirecopy, X_OK) != 0) {
        fprintf(stderr, "bench_scale: no wirecopy binary at '%s' (use --wirecopy)\n", wirecopy);
        return 1;
    }
    cuts[2] = ndocs;
    for (i = 0; i < 3; i++)
        if (cuts[i] <= ndocs && (!nparts || cuts[i] > cuts[nparts - 1]))
            cuts[nparts++] = cuts[i];
    snprintf(db, sizeof(db), "%s/wc_scale_%ld.db", dir, (long)getpid());
    snprintf(exported, sizeof(exported), "%s/wc_scale_%ld.export.jsonl", dir, (long)getpid());
    for (part = 0; part < nparts; part++)
        snprintf(parts[part], sizeof(parts[part]), "%s/wc_scale_%ld.part%zu.jsonl", dir,
                 (long)getpid(), part + 1);
    lab = malloc(ndocs * sizeof(*lab));
    g = bench_gen_new(seed);
    if (!g || !lab || !w || !base)
        return 1;
    bench_floor_init(&floor);

    /* 1-2. generate the parts; time the baseline on the first texts */
    part = 0;
    out = fopen(parts[0], "w");
    if (!out) {
        fprintf(stderr, "bench_scale: cannot write '%s': %s\n", parts[0], strerror(errno));
        return 1;
    }
    while (done < ndocs) {
        const struct bench_window *win = bench_gen_window(g, ndocs - done);
        size_t n = win->n;
        for (i = 0; i < n; i++) {
            const wc_buf *t = &win->text[win->order[i]];
            uint32_t story = win->story[win->order[i]];
            size_t id = done + i;
            if (id == cuts[part]) {
                fclose(out);
                out = fopen(parts[++part], "w");
                if (!out) {
                    fprintf(stderr, "bench_scale: cannot write '%s'\n", parts[part]);
                    return 1;
                }
            }
            lab[id].story = story;
            bench_jsonl_line(&line, id + 1, story, t->buf, t->len);
            if (fwrite(line.buf, 1, line.len, out) != line.len) {
                fprintf(stderr, "bench_scale: write error on '%s'\n", parts[part]);
                return 1;
            }
            if (base_n < BASELINE_DOCS) {
                wc_buf_init(&base[base_n], BENCH_TEXT_CAP);
                if (wc_buf_add(&base[base_n], t->buf, t->len) != WC_OK)
                    return 1;
                bench_floor_reserve(&floor, t->len);
                base_n++;
            }
        }
        done += n;
    }
    fclose(out);
    for (pass = 0; pass < 3; pass++) {
        double t0 = bench_cpu(), t1;
        for (i = 0; i < base_n; i++)
            sink += bench_floor_minhash(&floor, base[i].buf, base[i].len);
        t1 = bench_cpu();
        if (!pass || t1 - t0 < t_floor)
            t_floor = t1 - t0;
        for (i = 0; i < base_n; i++) {
            wc_fp_compute(w, base[i].buf, base[i].len, &fp, NULL);
            sink += fp.minhash[0];
        }
        if (!pass || bench_cpu() - t1 < t_fp)
            t_fp = bench_cpu() - t1;
    }
    for (i = 0; i < base_n; i++)
        wc_buf_release(&base[i]);
    free(base);
    printf("generated %zu articles (%llu stories) in %zu parts under %s\n", ndocs,
           (unsigned long long)bench_gen_stories(g), nparts, dir);
    printf("baseline, one core, first %zu texts, best of 3: floor %.0f docs/s, wc_fp_compute "
           "%.0f docs/s (sink %llu)\n",
           base_n, base_n / t_floor, base_n / t_fp, (unsigned long long)(sink & 1));

    /* 3. ingest part by part */
    printf("%12s %12s %10s %10s %12s %12s\n", "stored", "articles/s", "wall s", "cpu s",
           "peak RSS MB", "db MB");
    for (part = 0; part < nparts; part++) {
        char *args[] = {wirecopy, "--db", db, "ingest", "-q", parts[part], NULL};
        double wall, cpu_s;
        long rss;
        size_t from = part ? cuts[part - 1] : 0;
        int rc = run(args, &wall, &cpu_s, &rss);
        char wal[4300];
        if (rc != 0) {
            fprintf(stderr, "bench_scale: '%s ingest %s' exited with %d\n", wirecopy, parts[part],
                    rc);
            return 1;
        }
        snprintf(wal, sizeof(wal), "%s-wal", db);
        printf("%12zu %12.0f %10.1f %10.1f %12.1f %12.1f\n", cuts[part],
               (double)(cuts[part] - from) / wall, wall, cpu_s, rss / 1024.0,
               (double)(file_size(db) + file_size(wal)) / 1048576.0);
        fflush(stdout);
    }

    /* 4. export and score the planted copies */
    {
        char *args[] = {wirecopy,     "--db", db,   "export", "--format", "jsonl",
                        "--min-size", "1",    "-o", exported, NULL};
        double wall, cpu_s, recall, precision;
        long rss;
        FILE *f;
        char *l = NULL;
        size_t lcap = 0, seen = 0;
        ssize_t got;
        if (run(args, &wall, &cpu_s, &rss) != 0 || !(f = fopen(exported, "r"))) {
            fprintf(stderr, "bench_scale: export failed\n");
            return 1;
        }
        for (i = 0; i < ndocs; i++)
            lab[i].cluster = -(int64_t)i - 1; /* not exported: a singleton */
        while ((got = getline(&l, &lcap, f)) > 0) {
            json_error_t e;
            json_t *o = json_loadb(l, (size_t)got, 0, &e), *mem, *m;
            size_t k;
            if (!o)
                continue;
            mem = json_object_get(o, "members");
            json_array_foreach(mem, k, m)
            {
                const char *id = json_string_value(json_object_get(m, "id"));
                unsigned long long v;
                if (id && sscanf(id, "s%llu", &v) == 1 && v >= 1 && v <= ndocs) {
                    lab[v - 1].cluster = json_integer_value(json_object_get(o, "cluster"));
                    seen++;
                }
            }
            json_decref(o);
        }
        free(l);
        fclose(f);
        bench_pairs_score(lab, ndocs, &recall, &precision);
        printf("planted copies: pairwise recall %.4f, precision %.4f (%zu of %zu articles "
               "exported)\n",
               recall, precision, seen, ndocs);
    }

    if (!keep) {
        char wal[4300], shm[4300];
        snprintf(wal, sizeof(wal), "%s-wal", db);
        snprintf(shm, sizeof(shm), "%s-shm", db);
        remove(db);
        remove(wal);
        remove(shm);
        remove(exported);
        for (part = 0; part < nparts; part++)
            remove(parts[part]);
    }
    wc_fp_worker_free(w);
    bench_gen_free(g);
    bench_floor_release(&floor);
    wc_buf_release(&line);
    free(lab);
    return 0;
}
