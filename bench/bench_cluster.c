/*
 * bench_cluster.c - the cluster index at corpus scale: assignment speed
 * at 10k, 100k and 1M documents indexed, memory per document, and the
 * recall and precision of planted copies.
 *
 *   bench_cluster [--docs N] [--seed S] [--threshold T]
 *
 * A seeded generator (written for this bench) makes a news-like corpus in
 * memory, window by window: a vocabulary of 40,000 pseudo-words with a
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
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wirecopy/buf.h"
#include "wirecopy/cluster.h"
#include "wirecopy/fingerprint.h"

#define VOCAB 40000
#define WINDOW 10000
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

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID,
                  &ts); /* CPU time: other work on the machine does not count */
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
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

static long peak_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (!strncmp(line, "VmHWM:", 6))
            kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
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

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_cluster(const void *a, const void *b)
{
    const struct pairlab *x = a, *y = b;
    return (x->cluster > y->cluster) - (x->cluster < y->cluster);
}

int main(int argc, char **argv)
{
    size_t ndocs = 1000000, done = 0, i;
    uint64_t seed = 1;
    int a;
    struct gen *g = malloc(sizeof(*g));
    struct story st;
    wc_buf *texts = calloc(WINDOW + 20, sizeof(*texts));
    uint32_t *wstory = malloc((WINDOW + 20) * sizeof(*wstory));
    size_t *order = malloc((WINDOW + 20) * sizeof(*order));
    wc_fprint *fps = malloc((WINDOW + 20) * sizeof(*fps));
    struct pairlab *lab;
    wc_fp_params p = wc_fp_params_default();
    wc_fp_worker *w;
    wc_cluster_index *idx;
    wc_error err = WC_ERROR_INIT;
    double t_fp_total = 0, t_as_total = 0, dec_fp = 0, dec_as = 0;
    double *win_rates = malloc((ndocs / WINDOW + 2) * sizeof(*win_rates));
    size_t next_report = 10000, dec_start = 0, dec_wins = 0;
    double tp = 0, gold = 0, pred = 0;

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
    if (!g || !texts || !wstory || !order || !fps || !lab)
        return 1;
    gen_init(g, seed);
    memset(&st, 0, sizeof(st));
    w = wc_fp_worker_new(&p);
    idx = wc_cluster_index_new(&p);
    if (!w || !idx)
        return 1;

    printf("%-18s %10s %10s %12s %10s %9s\n", "indexed", "fp docs/s", "assign/s", "median win/s",
           "bytes/doc", "peak MB");
    while (done < ndocs) {
        size_t n = 0;
        double t0, tfp, tas;
        /* one window of whole stories */
        while (n < WINDOW && done + n < ndocs) {
            uint64_t s = next(&g->s);
            size_t k = cluster_size(&s), j;
            if (k > ndocs - done - n)
                k = ndocs - done - n;
            story_make(g, &st, &s);
            g->story++;
            for (j = 0; j < k; j++) {
                if (j && unit(&s) < 0.08) {
                    /* an exact re-scrape of one of the j earlier copies */
                    size_t from = n - 1 - next(&s) % j;
                    wc_buf_reset(&texts[n]);
                    wc_buf_add(&texts[n], texts[from].buf, texts[from].len);
                } else
                    copy_make(g, &st, j, &texts[n], &s);
                wstory[n++] = (uint32_t)g->story;
            }
        }
        t0 = now();
        for (i = 0; i < n; i++)
            if (wc_fp_compute(w, texts[i].buf, texts[i].len, &fps[i], &err) != WC_OK) {
                fprintf(stderr, "bench_cluster: %s\n", err.msg);
                return 1;
            }
        tfp = now() - t0;
        for (i = 0; i < n; i++)
            order[i] = i;
        for (i = n; i > 1; i--) {
            size_t k = (size_t)(next(&g->s) % i), t = order[i - 1];
            order[i - 1] = order[k];
            order[k] = t;
        }
        t0 = now();
        for (i = 0; i < n; i++) {
            wc_match m;
            if (wc_cluster_assign(idx, (int64_t)(done + i + 1), &fps[order[i]], &m, &err) !=
                WC_OK) {
                fprintf(stderr, "bench_cluster: %s\n", err.msg);
                return 1;
            }
            lab[done + i].story = wstory[order[i]];
        }
        tas = now() - t0;
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
                   peak_rss_kb() / 1024.0);
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
    qsort(lab, done, sizeof(*lab), cmp_story_cluster);
    for (i = 0; i < done;) {
        size_t j = i, run_story = 0;
        while (j < done && lab[j].story == lab[i].story) {
            size_t k = j;
            while (k < done && lab[k].story == lab[j].story && lab[k].cluster == lab[j].cluster)
                k++;
            tp += (double)(k - j) * (double)(k - j - 1) / 2;
            j = k;
        }
        run_story = j - i;
        gold += (double)run_story * (double)(run_story - 1) / 2;
        i = j;
    }
    qsort(lab, done, sizeof(*lab), cmp_cluster);
    for (i = 0; i < done;) {
        size_t j = i;
        while (j < done && lab[j].cluster == lab[i].cluster)
            j++;
        pred += (double)(j - i) * (double)(j - i - 1) / 2;
        i = j;
    }
    printf("total: %zu docs, %llu stories; fingerprint %.0f docs/s, assign %.0f docs/s "
           "(one thread each)\n",
           done, (unsigned long long)g->story, done / t_fp_total, done / t_as_total);
    printf("planted copies: pairwise recall %.4f, precision %.4f\n", gold ? tp / gold : 1.0,
           pred ? tp / pred : 1.0);
    printf("index: %.0f bytes/doc (%.1f MB); peak RSS %.1f MB\n",
           (double)wc_cluster_index_memory(idx) / (double)done,
           wc_cluster_index_memory(idx) / 1048576.0, peak_rss_kb() / 1024.0);

    wc_fp_worker_free(w);
    wc_cluster_index_free(idx);
    for (i = 0; i < WINDOW + 20; i++)
        wc_buf_release(&texts[i]);
    for (i = 0; i < MAX_PARAS; i++)
        wc_buf_release(&st.para[i]);
    free(texts);
    free(wstory);
    free(order);
    free(fps);
    free(lab);
    free(win_rates);
    free(g);
    return 0;
}
