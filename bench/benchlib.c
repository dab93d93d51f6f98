/*
 * benchlib.c - the generator, floor loop, JSONL reader, pairwise scoring
 * and clocks the benchmarks share (see benchlib.h).
 *
 * The generator is seeded and draws everything from splitmix64, so the
 * same seed gives the same corpus on every machine and figures from
 * different runs compare. It is written to look like the dedup dev set
 * where that matters to a deduplicator: word frequencies follow a Zipf
 * law (so common words dominate shingles as in real text), cluster sizes
 * follow the dev set's law (a third singletons, a long tail of 20-copy
 * wire stories), and copies differ the ways syndicated copies do
 * (headlines, debris lines, cuts, dropped paragraphs, a few words). It
 * makes no attempt at grammar: the floor and the fingerprint only see
 * words.
 *
 * The floor loop is deliberately the simplest honest MinHash: no Unicode,
 * no normalisation, one hash per shingle and 128 multiply-shift minima.
 * Everything wirecopy does on top of it is measured against it.
 */
#define _POSIX_C_SOURCE 200809L
#include "benchlib.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <xxhash.h>

#include "wirecopy/wirecopy.h"

#define VOCAB 40000    /* distinct pseudo-words */
#define MAX_PARAS 14   /* paragraphs per story, at most */
#define MAX_CLUSTER 20 /* documents per story, at most */

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

void bench_ok(wc_status st)
{
    if (st != WC_OK)
        abort();
}

uint64_t bench_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double bench_unit(uint64_t *s)
{
    return (double)(bench_rand(s) >> 11) / 9007199254740992.0;
}

/* ---- the generator ---- */

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
#define NDEBRIS (sizeof(debris) / sizeof(debris[0]))

struct story {
    wc_buf para[MAX_PARAS]; /* the paragraphs, without separators */
    size_t n;               /* paragraphs in use */
    char title[256];        /* the headline */
};

struct bench_gen {
    uint64_t s;                        /* PRNG state: story seeds and shuffles */
    char words[VOCAB][14];             /* the vocabulary, rank 0 the most frequent */
    uint64_t story;                    /* stories made so far */
    struct story st;                   /* the story being copied */
    wc_buf text[BENCH_WINDOW_MAX];     /* the window's texts */
    uint32_t wstory[BENCH_WINDOW_MAX]; /* their stories */
    size_t order[BENCH_WINDOW_MAX];    /* their arrival order */
    struct bench_window win;           /* what bench_gen_window hands out */
};

/* A Zipf-distributed word (P(rank k) ~ 1/k). */
static const char *word(const bench_gen *g, uint64_t *s)
{
    size_t k = (size_t)exp(bench_unit(s) * log((double)VOCAB));
    return g->words[k >= VOCAB ? VOCAB - 1 : k];
}

/* Cluster size: 1 with probability 0.35, else s on 2..20 with P ~ s^-1.5. */
static size_t cluster_size(uint64_t *s)
{
    double cum[MAX_CLUSTER + 1] = {0}, u, total = 0;
    size_t k;

    if (bench_unit(s) < 0.35)
        return 1;
    for (k = 2; k <= MAX_CLUSTER; k++) {
        total += pow((double)k, -1.5);
        cum[k] = total;
    }
    for (k = 2; k <= MAX_CLUSTER; k++)
        cum[k] /= total;
    u = bench_unit(s);
    for (k = 2; k < MAX_CLUSTER && cum[k] < u; k++)
        ;
    return k;
}

static void story_make(const bench_gen *g, struct story *st, uint64_t *s)
{
    size_t p, w, tl = 0, twords;

    st->n = 3 + bench_rand(s) % 12;
    for (p = 0; p < st->n; p++) {
        size_t words = 25 + bench_rand(s) % 56;
        wc_buf_reset(&st->para[p]);
        for (w = 0; w < words; w++) {
            const char *x = word(g, s);
            if (w == 0 || (w % 15 == 0))
                bench_ok(wc_buf_addf(&st->para[p], "%c%s", x[0] - 32, x + 1));
            else
                bench_ok(wc_buf_addstr(&st->para[p], x));
            bench_ok(
                wc_buf_addstr(&st->para[p], w + 1 == words ? "." : (w % 15 == 14 ? ". " : " ")));
        }
    }
    /* headline: a few words of the vocabulary */
    twords = 5 + bench_rand(s) % 6;
    for (w = 0; w < twords && tl + 16 < sizeof(st->title); w++) {
        const char *x = word(g, s);
        tl += (size_t)snprintf(st->title + tl, sizeof(st->title) - tl, "%s%s", w ? " " : "", x);
    }
}

/* One copy (j > 0) or the original (j == 0) of a story into out. */
static void copy_make(const bench_gen *g, const struct story *st, size_t j, wc_buf *out,
                      uint64_t *s)
{
    size_t keep = st->n, drop = SIZE_MAX, p, k, pre, post;
    double r;

    wc_buf_reset(out);
    if (j && bench_unit(s) < 0.2 && st->n > 2)
        keep = st->n / 4 + 1 + bench_rand(s) % (st->n - st->n / 4 - 1);
    if (j && bench_unit(s) < 0.1 && keep > 3)
        drop = 1 + bench_rand(s) % (keep - 1);
    r = bench_unit(s);
    if (r < 0.6 || !j)
        bench_ok(wc_buf_addstr(out, st->title));
    else if (r < 0.8) {
        for (k = 0; st->title[k]; k++)
            bench_ok(wc_buf_addch(out, st->title[k] >= 'a' && st->title[k] <= 'z'
                                           ? st->title[k] - 32
                                           : st->title[k]));
    } else
        bench_ok(
            wc_buf_addf(out, "%s | Outlet %u", st->title, (unsigned)(1 + bench_rand(s) % 500)));
    pre = j ? bench_rand(s) % 3 : 0;
    for (k = 0; k < pre; k++)
        bench_ok(wc_buf_addf(out, "\n\n%s", debris[bench_rand(s) % NDEBRIS]));
    for (p = 0; p < keep; p++) {
        const char *q = st->para[p].buf, *e = q + st->para[p].len;
        if (p == drop)
            continue;
        bench_ok(wc_buf_addstr(out, "\n\n"));
        if (!j) {
            bench_ok(wc_buf_add(out, q, st->para[p].len));
            continue;
        }
        /* 1% of the words replaced */
        while (q < e) {
            const char *sp = memchr(q, ' ', (size_t)(e - q));
            size_t len = sp ? (size_t)(sp - q) + 1 : (size_t)(e - q);
            if (bench_rand(s) % 100 == 0)
                bench_ok(wc_buf_addf(out, "%s ", word(g, s)));
            else
                bench_ok(wc_buf_add(out, q, len));
            q += len;
        }
    }
    post = j ? bench_rand(s) % 4 : 0;
    for (k = 0; k < post; k++)
        bench_ok(wc_buf_addf(out, "\n\n%s %u", debris[bench_rand(s) % NDEBRIS],
                             (unsigned)(1 + bench_rand(s) % 999)));
}

bench_gen *bench_gen_new(uint64_t seed)
{
    static const char cons[] = "bcdfghklmnprstvwz", vow[] = "aeiou";
    bench_gen *g = calloc(1, sizeof(*g));
    size_t v;

    if (!g)
        return NULL;
    for (v = 0; v < MAX_PARAS; v++)
        wc_buf_init(&g->st.para[v], BENCH_TEXT_CAP);
    for (v = 0; v < BENCH_WINDOW_MAX; v++)
        wc_buf_init(&g->text[v], BENCH_TEXT_CAP);
    g->s = seed;
    for (v = 0; v < VOCAB; v++) {
        size_t syl = 1 + bench_rand(&g->s) % 4, j, o = 0;
        for (j = 0; j < syl; j++) {
            g->words[v][o++] = cons[bench_rand(&g->s) % (sizeof(cons) - 1)];
            g->words[v][o++] = vow[bench_rand(&g->s) % (sizeof(vow) - 1)];
            if (bench_rand(&g->s) % 3 == 0)
                g->words[v][o++] = cons[bench_rand(&g->s) % (sizeof(cons) - 1)];
        }
        g->words[v][o] = '\0';
    }
    g->win.text = g->text;
    g->win.story = g->wstory;
    g->win.order = g->order;
    return g;
}

void bench_gen_free(bench_gen *g)
{
    size_t i;

    if (!g)
        return;
    for (i = 0; i < MAX_PARAS; i++)
        wc_buf_release(&g->st.para[i]);
    for (i = 0; i < BENCH_WINDOW_MAX; i++)
        wc_buf_release(&g->text[i]);
    free(g);
}

const struct bench_window *bench_gen_window(bench_gen *g, size_t left)
{
    size_t n = 0, i;

    /* whole stories, each with its copies */
    while (n < BENCH_WINDOW && n < left) {
        uint64_t s = bench_rand(&g->s);
        size_t k = cluster_size(&s), j;
        if (k > left - n)
            k = left - n;
        story_make(g, &g->st, &s);
        g->story++;
        for (j = 0; j < k; j++) {
            if (j && bench_unit(&s) < 0.08) {
                /* an exact re-scrape of one of the j earlier copies */
                size_t from = n - 1 - bench_rand(&s) % j;
                wc_buf_reset(&g->text[n]);
                bench_ok(wc_buf_add(&g->text[n], g->text[from].buf, g->text[from].len));
            } else
                copy_make(g, &g->st, j, &g->text[n], &s);
            g->wstory[n++] = (uint32_t)g->story;
        }
    }
    /* arrival order: Fisher-Yates over the window */
    for (i = 0; i < n; i++)
        g->order[i] = i;
    for (i = n; i > 1; i--) {
        size_t k = (size_t)(bench_rand(&g->s) % i), t = g->order[i - 1];
        g->order[i - 1] = g->order[k];
        g->order[k] = t;
    }
    g->win.n = n;
    return &g->win;
}

uint64_t bench_gen_stories(const bench_gen *g)
{
    return g->story;
}

/* Append s to b as a JSON string (UTF-8 kept, controls escaped). */
static void add_json_string(wc_buf *b, const char *s, size_t len)
{
    size_t i;

    bench_ok(wc_buf_addch(b, '"'));
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            bench_ok(wc_buf_addch(b, '\\'));
            bench_ok(wc_buf_addch(b, (char)c));
        } else if (c == '\n')
            bench_ok(wc_buf_addstr(b, "\\n"));
        else if (c < 0x20)
            bench_ok(wc_buf_addf(b, "\\u%04x", c));
        else
            bench_ok(wc_buf_addch(b, (char)c));
    }
    bench_ok(wc_buf_addch(b, '"'));
}

void bench_jsonl_line(wc_buf *line, size_t id, uint32_t story, const char *text, size_t len)
{
    wc_buf_reset(line);
    bench_ok(wc_buf_addf(line, "{\"id\": \"s%08zu\", \"cluster\": \"t%08u\", \"text\": ", id,
                         (unsigned)story));
    add_json_string(line, text, len);
    bench_ok(wc_buf_addstr(line, "}\n"));
}

uint64_t bench_generate(FILE *out, size_t n, uint64_t seed, uint32_t **stories_out)
{
    bench_gen *g = bench_gen_new(seed);
    uint32_t *stories = stories_out ? xrealloc(NULL, n * sizeof(*stories)) : NULL;
    wc_buf line = {wc_buf_empty_, 0, 0, BENCH_TEXT_CAP};
    uint64_t bytes = 0;
    size_t done = 0, i;

    if (!g)
        abort();
    while (done < n) {
        const struct bench_window *w = bench_gen_window(g, n - done);
        for (i = 0; i < w->n; i++) {
            size_t t = w->order[i];
            if (stories)
                stories[done + i] = w->story[t];
            bench_jsonl_line(&line, done + i + 1, w->story[t], w->text[t].buf, w->text[t].len);
            if (fwrite(line.buf, 1, line.len, out) != line.len) {
                bytes = 0;
                goto out;
            }
            bytes += line.len;
        }
        done += w->n;
    }
out:
    wc_buf_release(&line);
    bench_gen_free(g);
    if (stories_out)
        *stories_out = stories;
    return bytes;
}

struct bench_doc *bench_generate_docs(size_t n, uint64_t seed)
{
    bench_gen *g = bench_gen_new(seed);
    struct bench_doc *d = calloc(n ? n : 1, sizeof(*d));
    size_t done = 0, i;

    if (!g || !d)
        abort();
    while (done < n) {
        const struct bench_window *w = bench_gen_window(g, n - done);
        for (i = 0; i < w->n; i++) {
            const wc_buf *t = &w->text[w->order[i]];
            struct bench_doc *x = &d[done + i];
            x->text = xrealloc(NULL, t->len + 1);
            memcpy(x->text, t->buf, t->len + 1);
            x->len = t->len;
            x->story = w->story[w->order[i]];
        }
        done += w->n;
    }
    bench_gen_free(g);
    return d;
}

/* ---- JSONL texts ---- */

int bench_read_jsonl(const char *path, int need_id, struct bench_doc **out, size_t *n_out)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, n = 0, dcap = 0;
    ssize_t got;
    struct bench_doc *d = NULL;

    *out = NULL;
    *n_out = 0;
    if (!f)
        return -1;
    while ((got = getline(&line, &cap, f)) > 0) {
        json_error_t jerr;
        json_t *o = json_loadb(line, (size_t)got, 0, &jerr), *id, *text;
        if (!o)
            continue;
        id = json_object_get(o, "id");
        text = json_object_get(o, "text");
        if (json_is_string(text) && (id || !need_id)) {
            if (n == dcap) {
                dcap = dcap ? dcap * 2 : 1024;
                d = xrealloc(d, dcap * sizeof(*d));
            }
            d[n].id_json = id ? json_dumps(id, JSON_ENCODE_ANY) : NULL;
            d[n].len = json_string_length(text);
            d[n].text = xrealloc(NULL, d[n].len + 1);
            memcpy(d[n].text, json_string_value(text), d[n].len + 1);
            d[n].story = 0;
            n++;
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    *out = d;
    *n_out = n;
    return 0;
}

void bench_docs_free(struct bench_doc *d, size_t n)
{
    size_t i;

    for (i = 0; d && i < n; i++) {
        free(d[i].id_json);
        free(d[i].text);
    }
    free(d);
}

/* ---- the floor ---- */

void bench_floor_init(struct bench_floor *f)
{
    uint64_t s = 7;
    size_t k;

    memset(f, 0, sizeof(*f));
    for (k = 0; k < BENCH_FLOOR_K; k++) {
        f->a[k] = bench_rand(&s) | 1;
        f->b[k] = bench_rand(&s);
    }
}

void bench_floor_reserve(struct bench_floor *f, size_t len)
{
    if (len + 1 <= f->cap)
        return;
    f->cap = len + 1;
    f->low = xrealloc(f->low, f->cap);
    f->start = xrealloc(f->start, f->cap * sizeof(*f->start));
    f->wend = xrealloc(f->wend, f->cap * sizeof(*f->wend));
}

uint64_t bench_floor_minhash(struct bench_floor *f, const char *p, size_t len)
{
    uint64_t mins[BENCH_FLOOR_K];
    size_t i, nw = 0, k;
    int in = 0;

    bench_floor_reserve(f, len);
    for (k = 0; k < BENCH_FLOOR_K; k++)
        mins[k] = UINT64_MAX;
    /* one pass: lower-case, and note where each ASCII word starts and ends */
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
        f->low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        if (alnum && !in)
            f->start[nw] = (uint32_t)i;
        if (!alnum && in)
            f->wend[nw++] = (uint32_t)i;
        in = alnum;
    }
    if (in)
        f->wend[nw++] = (uint32_t)len;
    /* a shingle is the text from its first word's start to its third word's end */
    for (i = 0; i + 3 <= nw; i++) {
        uint64_t h = XXH3_64bits(f->low + f->start[i], f->wend[i + 2] - f->start[i]);
        for (k = 0; k < BENCH_FLOOR_K; k++) {
            uint64_t v = (f->a[k] * h + f->b[k]) >> 32;
            mins[k] = v < mins[k] ? v : mins[k];
        }
    }
    return mins[0] ^ mins[BENCH_FLOOR_K - 1];
}

void bench_floor_release(struct bench_floor *f)
{
    free(f->low);
    free(f->start);
    free(f->wend);
    memset(f, 0, sizeof(*f));
}

/* ---- pairwise scoring ---- */

static int cmp_story_cluster(const void *a, const void *b)
{
    const struct bench_label *x = a, *y = b;
    if (x->story != y->story)
        return x->story < y->story ? -1 : 1;
    return (x->cluster > y->cluster) - (x->cluster < y->cluster);
}

static int cmp_cluster(const void *a, const void *b)
{
    const struct bench_label *x = a, *y = b;
    return (x->cluster > y->cluster) - (x->cluster < y->cluster);
}

static double pairs(size_t n)
{
    return n ? (double)n * (double)(n - 1) / 2 : 0;
}

void bench_pairs_score(struct bench_label *lab, size_t n, double *recall, double *precision)
{
    double tp = 0, gold = 0, pred = 0;
    size_t i, j, k;

    /* by story, then cluster: pairs of one story (gold) and of one story and cluster (tp) */
    qsort(lab, n, sizeof(*lab), cmp_story_cluster);
    for (i = 0; i < n; i = j) {
        for (j = i; j < n && lab[j].story == lab[i].story; j = k) {
            for (k = j; k < n && lab[k].story == lab[j].story && lab[k].cluster == lab[j].cluster;
                 k++)
                ;
            tp += pairs(k - j);
        }
        gold += pairs(j - i);
    }
    /* by cluster: pairs the clustering put together */
    qsort(lab, n, sizeof(*lab), cmp_cluster);
    for (i = 0; i < n; i = j) {
        for (j = i; j < n && lab[j].cluster == lab[i].cluster; j++)
            ;
        pred += pairs(j - i);
    }
    *recall = gold ? tp / gold : 1.0;
    *precision = pred ? tp / pred : 1.0;
}

/* ---- clocks ---- */

double bench_wall(void)
{
    return wc_time_mono(); /* the library's one monotonic clock */
}

double bench_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long bench_peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}
