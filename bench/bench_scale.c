/*
 * bench_scale.c - the whole `wirecopy ingest` at corpus scale: articles/s
 * at 10k, 100k and 1M stored, peak memory, database size, and the recall
 * of the planted copies.
 *
 *   bench_scale [--docs N] [--seed S] [--dir DIR] [--wirecopy PATH] [--keep]
 *
 * 1. A seeded generator (the one bench_cluster uses, repeated here so each
 *    bench is one file) writes N news-like articles with known copies as
 *    JSONL ({"id","text","cluster"}) into DIR (default /tmp), in three
 *    parts: the first 10,000, up to 100,000, up to N (default 1,000,000,
 *    about 2.5 GB). Stories: 3-14 paragraphs from a 40,000-word Zipf
 *    vocabulary; clusters of 1-20 documents with the dev set's size law;
 *    copies with headline variants, debris lines, cuts, dropped
 *    paragraphs, 1% changed words, 8% exact re-scrapes; shuffled windows of
 *    10,000 documents.
 * 2. The baseline of the same run: on the first 20,000 texts, one core, the
 *    bare floor loop (tokenise, xxh3 per shingle, 128 minima) and
 *    wc_fp_compute.
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
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "wirecopy/buf.h"
#include "wirecopy/fingerprint.h"

#define WINDOW 10000
#define BASELINE_DOCS 20000
#define FLOOR_K 128

#define VOCAB 40000
#define MAX_PARAS 14

static const char *const debris[] = {
    "Share this article",
    "Advertisement",
    "Sign up for our newsletter",
    "Read more:",
    "All rights reserved.",
    "Follow us on social media",
    "Related coverage",
    "Comments",
    "Photo: staff",
    "Most read",
    "Listen to this article",
    "Subscribe for full access",
};

struct gen {
    uint64_t s;            /* PRNG state */
    char words[VOCAB][14]; /* the vocabulary */
    uint64_t story;        /* stories made so far */
};

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double unit(uint64_t *s)
{
    return (double)(next(s) >> 11) / 9007199254740992.0;
}

static void gen_init(struct gen *g, uint64_t seed)
{
    static const char cons[] = "bcdfghklmnprstvwz", vow[] = "aeiou";
    size_t v;

    g->s = seed;
    g->story = 0;
    for (v = 0; v < VOCAB; v++) {
        size_t syl = 1 + next(&g->s) % 4, j, o = 0;
        for (j = 0; j < syl; j++) {
            g->words[v][o++] = cons[next(&g->s) % (sizeof(cons) - 1)];
            g->words[v][o++] = vow[next(&g->s) % (sizeof(vow) - 1)];
            if (next(&g->s) % 3 == 0)
                g->words[v][o++] = cons[next(&g->s) % (sizeof(cons) - 1)];
        }
        g->words[v][o] = '\0';
    }
}

/* A Zipf-distributed word (P(rank k) ~ 1/k). */
static const char *word(struct gen *g, uint64_t *s)
{
    size_t k = (size_t)exp(unit(s) * log((double)VOCAB));
    return g->words[k >= VOCAB ? VOCAB - 1 : k];
}

/* Cluster size: 1 with probability 0.35, else s on 2..20 with P ~ s^-1.5. */
static size_t cluster_size(uint64_t *s)
{
    static double cum[21];
    double u, total = 0;
    size_t k;

    if (unit(s) < 0.35)
        return 1;
    if (cum[20] == 0) {
        for (k = 2; k <= 20; k++) {
            total += pow((double)k, -1.5);
            cum[k] = total;
        }
        for (k = 2; k <= 20; k++)
            cum[k] /= total;
    }
    u = unit(s);
    for (k = 2; k < 20 && cum[k] < u; k++)
        ;
    return k;
}

struct story {
    wc_buf para[MAX_PARAS];
    size_t n;
    char title[256];
};

static void story_make(struct gen *g, struct story *st, uint64_t *s)
{
    size_t p, w, tl = 0, twords;

    st->n = 3 + next(s) % 12;
    for (p = 0; p < st->n; p++) {
        size_t words = 25 + next(s) % 56;
        wc_buf_reset(&st->para[p]);
        for (w = 0; w < words; w++) {
            const char *x = word(g, s);
            if (w == 0 || (w % 15 == 0))
                wc_buf_addf(&st->para[p], "%c%s", x[0] - 32, x + 1);
            else
                wc_buf_addstr(&st->para[p], x);
            wc_buf_addstr(&st->para[p], w + 1 == words ? "." : (w % 15 == 14 ? ". " : " "));
        }
    }
    /* headline: the first words of the first paragraph */
    twords = 5 + next(s) % 6;
    for (w = 0; w < twords && tl + 16 < sizeof(st->title); w++) {
        const char *x = word(g, s);
        tl += (size_t)snprintf(st->title + tl, sizeof(st->title) - tl, "%s%s", w ? " " : "", x);
    }
}

/* One copy (j > 0) or the original (j == 0) of a story into out. */
static void copy_make(struct gen *g, const struct story *st, size_t j, wc_buf *out, uint64_t *s)
{
    size_t keep = st->n, drop = SIZE_MAX, p, k, pre, post;
    double r;

    wc_buf_reset(out);
    if (j && unit(s) < 0.2 && st->n > 2)
        keep = st->n / 4 + 1 + next(s) % (st->n - st->n / 4 - 1);
    if (j && unit(s) < 0.1 && keep > 3)
        drop = 1 + next(s) % (keep - 1);
    r = unit(s);
    if (r < 0.6 || !j)
        wc_buf_addstr(out, st->title);
    else if (r < 0.8) {
        for (k = 0; st->title[k]; k++)
            wc_buf_addch(out, st->title[k] >= 'a' && st->title[k] <= 'z' ? st->title[k] - 32
                                                                         : st->title[k]);
    } else
        wc_buf_addf(out, "%s | Outlet %u", st->title, (unsigned)(1 + next(s) % 500));
    pre = j ? next(s) % 3 : 0;
    for (k = 0; k < pre; k++)
        wc_buf_addf(out, "\n\n%s", debris[next(s) % (sizeof(debris) / sizeof(debris[0]))]);
    for (p = 0; p < keep; p++) {
        const char *q = st->para[p].buf, *e = q + st->para[p].len;
        if (p == drop)
            continue;
        wc_buf_addstr(out, "\n\n");
        if (!j) {
            wc_buf_add(out, q, st->para[p].len);
            continue;
        }
        /* 1% of the words replaced */
        while (q < e) {
            const char *sp = memchr(q, ' ', (size_t)(e - q));
            size_t len = sp ? (size_t)(sp - q) + 1 : (size_t)(e - q);
            if (next(s) % 100 == 0)
                wc_buf_addf(out, "%s ", word(g, s));
            else
                wc_buf_add(out, q, len);
            q += len;
        }
    }
    post = j ? next(s) % 4 : 0;
    for (k = 0; k < post; k++)
        wc_buf_addf(out, "\n\n%s %u", debris[next(s) % (sizeof(debris) / sizeof(debris[0]))],
                    (unsigned)(1 + next(s) % 999));
}

/* Append s to b as a JSON string (UTF-8 kept, controls escaped). */
static void add_json_string(wc_buf *b, const char *s, size_t len)
{
    size_t i;

    wc_buf_addch(b, '"');
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            wc_buf_addch(b, '\\');
            wc_buf_addch(b, (char)c);
        } else if (c == '\n')
            wc_buf_addstr(b, "\\n");
        else if (c < 0x20)
            wc_buf_addf(b, "\\u%04x", c);
        else
            wc_buf_addch(b, (char)c);
    }
    wc_buf_addch(b, '"');
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The floor (as in bench_hash): tokenise, xxh3 each 3-word shingle's text, 128 minima. */
static uint64_t floor_one(const char *p, size_t len, char *low, uint32_t *start, uint32_t *wend,
                          const uint64_t *a, const uint64_t *b)
{
    uint64_t mins[FLOOR_K];
    size_t i, nw = 0, k;
    int in = 0;

    for (k = 0; k < FLOOR_K; k++)
        mins[k] = UINT64_MAX;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
        low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        if (alnum && !in)
            start[nw] = (uint32_t)i;
        if (!alnum && in)
            wend[nw++] = (uint32_t)i;
        in = alnum;
    }
    if (in)
        wend[nw++] = (uint32_t)len;
    for (i = 0; i + 3 <= nw; i++) {
        uint64_t h = XXH3_64bits(low + start[i], wend[i + 2] - start[i]);
        for (k = 0; k < FLOOR_K; k++) {
            uint64_t v = (a[k] * h + b[k]) >> 32;
            mins[k] = v < mins[k] ? v : mins[k];
        }
    }
    return mins[0] ^ mins[FLOOR_K - 1];
}

/* Run argv; wall seconds, CPU seconds and peak RSS (KB) of the child. */
static int run(char *const argv[], double *wall, double *cpu_s, long *rss_kb)
{
    double t0 = mono();
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
    *wall = mono() - t0;
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

struct pairlab {
    uint32_t story;
    int64_t cluster;
};

static int cmp_story_cluster(const void *a, const void *b)
{
    const struct pairlab *x = a, *y = b;
    if (x->story != y->story)
        return x->story < y->story ? -1 : 1;
    return (x->cluster > y->cluster) - (x->cluster < y->cluster);
}

static int cmp_cluster(const void *a, const void *b)
{
    const struct pairlab *x = a, *y = b;
    return (x->cluster > y->cluster) - (x->cluster < y->cluster);
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
    struct gen *g = malloc(sizeof(*g));
    struct story st;
    wc_buf *texts = calloc(WINDOW + 20, sizeof(*texts)), line = WC_BUF_INIT;
    uint32_t *wstory = malloc((WINDOW + 20) * sizeof(*wstory));
    size_t *order = malloc((WINDOW + 20) * sizeof(*order));
    struct pairlab *lab;
    FILE *out = NULL;
    double t_floor = 0, t_fp = 0;
    size_t base_n = 0;
    char *low = NULL;
    uint32_t *wstart = NULL, *wend = NULL;
    size_t low_cap = 0;
    uint64_t fa[FLOOR_K], fb[FLOOR_K], fs = 7, sink = 0;
    wc_fp_params p = wc_fp_params_default();
    wc_fp_worker *w = wc_fp_worker_new(&p);
    wc_fprint fp;
    double tp = 0, gold = 0, pred = 0;

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
    if (!g || !texts || !wstory || !order || !lab || !w)
        return 1;
    for (i = 0; i < FLOOR_K; i++) {
        fa[i] = next(&fs) | 1;
        fb[i] = next(&fs);
    }

    /* 1-2. generate the parts; time the baseline on the first texts */
    gen_init(g, seed);
    memset(&st, 0, sizeof(st));
    part = 0;
    out = fopen(parts[0], "w");
    if (!out) {
        fprintf(stderr, "bench_scale: cannot write '%s': %s\n", parts[0], strerror(errno));
        return 1;
    }
    while (done < ndocs) {
        size_t n = 0;
        while (n < WINDOW && done + n < ndocs) {
            uint64_t s = next(&g->s);
            size_t k = cluster_size(&s), j;
            if (k > ndocs - done - n)
                k = ndocs - done - n;
            story_make(g, &st, &s);
            g->story++;
            for (j = 0; j < k; j++) {
                if (j && unit(&s) < 0.08) {
                    size_t from = n - 1 - next(&s) % j;
                    wc_buf_reset(&texts[n]);
                    wc_buf_add(&texts[n], texts[from].buf, texts[from].len);
                } else
                    copy_make(g, &st, j, &texts[n], &s);
                wstory[n++] = (uint32_t)g->story;
            }
        }
        for (i = 0; i < n; i++)
            order[i] = i;
        for (i = n; i > 1; i--) {
            size_t k = (size_t)(next(&g->s) % i), t = order[i - 1];
            order[i - 1] = order[k];
            order[k] = t;
        }
        for (i = 0; i < n; i++) {
            const wc_buf *t = &texts[order[i]];
            size_t id = done + i;
            if (id == cuts[part]) {
                fclose(out);
                out = fopen(parts[++part], "w");
                if (!out) {
                    fprintf(stderr, "bench_scale: cannot write '%s'\n", parts[part]);
                    return 1;
                }
            }
            lab[id].story = wstory[order[i]];
            wc_buf_reset(&line);
            wc_buf_addf(&line, "{\"id\": \"s%08zu\", \"cluster\": \"t%08u\", \"text\": ", id + 1,
                        (unsigned)wstory[order[i]]);
            add_json_string(&line, t->buf, t->len);
            wc_buf_addstr(&line, "}\n");
            if (fwrite(line.buf, 1, line.len, out) != line.len) {
                fprintf(stderr, "bench_scale: write error on '%s'\n", parts[part]);
                return 1;
            }
            if (base_n < BASELINE_DOCS) {
                double t0;
                if (t->len + 1 > low_cap) {
                    low_cap = t->len + 1;
                    low = realloc(low, low_cap);
                    wstart = realloc(wstart, low_cap * sizeof(*wstart));
                    wend = realloc(wend, low_cap * sizeof(*wend));
                }
                t0 = cpu();
                sink += floor_one(t->buf, t->len, low, wstart, wend, fa, fb);
                t_floor += cpu() - t0;
                t0 = cpu();
                wc_fp_compute(w, t->buf, t->len, &fp, NULL);
                t_fp += cpu() - t0;
                sink += fp.minhash[0];
                base_n++;
            }
        }
        done += n;
    }
    fclose(out);
    printf("generated %zu articles (%llu stories) in %zu parts under %s\n", ndocs,
           (unsigned long long)g->story, nparts, dir);
    printf("baseline, one core, first %zu texts: floor %.0f docs/s, wc_fp_compute %.0f docs/s "
           "(sink %llu)\n",
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
        double wall, cpu_s;
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
        qsort(lab, ndocs, sizeof(*lab), cmp_story_cluster);
        for (i = 0; i < ndocs;) {
            size_t j = i;
            while (j < ndocs && lab[j].story == lab[i].story) {
                size_t k = j;
                while (k < ndocs && lab[k].story == lab[j].story &&
                       lab[k].cluster == lab[j].cluster)
                    k++;
                tp += (double)(k - j) * (double)(k - j - 1) / 2;
                j = k;
            }
            gold += (double)(j - i) * (double)(j - i - 1) / 2;
            i = j;
        }
        qsort(lab, ndocs, sizeof(*lab), cmp_cluster);
        for (i = 0; i < ndocs;) {
            size_t j = i;
            while (j < ndocs && lab[j].cluster == lab[i].cluster)
                j++;
            pred += (double)(j - i) * (double)(j - i - 1) / 2;
            i = j;
        }
        printf("planted copies: pairwise recall %.4f, precision %.4f (%zu of %zu articles "
               "exported)\n",
               gold ? tp / gold : 1.0, pred ? tp / pred : 1.0, seen, ndocs);
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
    for (i = 0; i < WINDOW + 20; i++)
        wc_buf_release(&texts[i]);
    for (i = 0; i < MAX_PARAS; i++)
        wc_buf_release(&st.para[i]);
    wc_buf_release(&line);
    free(texts);
    free(wstory);
    free(order);
    free(lab);
    free(low);
    free(wstart);
    free(wend);
    free(g);
    return 0;
}
