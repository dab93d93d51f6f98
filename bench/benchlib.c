/*
 * benchlib.c - generator, floor loop and clocks for the benchmarks
 * (see benchlib.h). The generator is deliberately simple and seeded: the
 * same seed gives the same bytes on every machine, so figures from
 * different runs compare.
 */
#define _POSIX_C_SOURCE 200809L
#include "benchlib.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <xxhash.h>

#define VOCAB 30000
#define FLOOR_K 128

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Word w of the vocabulary: 2-4 syllables, deterministic. */
static size_t word(uint32_t w, char *out)
{
    static const char *const syl[] = {"ka", "ro", "mi", "ten", "sa", "lu", "ver", "no", "di",
                                      "pa", "gre", "to", "shi", "an", "el", "mor", "qui", "ba",
                                      "fen", "zo", "tri", "ul", "ca", "des"};
    uint64_t s = w * 0x2545F4914F6CDD1DULL + 7;
    size_t n = 0, k = 2 + (size_t)(rnd(&s) % 3), i;

    for (i = 0; i < k; i++) {
        const char *y = syl[rnd(&s) % (sizeof(syl) / sizeof(syl[0]))];
        size_t l = strlen(y);
        memcpy(out + n, y, l);
        n += l;
    }
    return n;
}

/* Zipf-ish word choice: frequent function-like words and a long tail. */
static uint32_t pick(uint64_t *s)
{
    uint64_t r = rnd(s);
    if ((r & 3) == 0)
        return (uint32_t)((r >> 8) % 100);
    return (uint32_t)((r >> 8) % VOCAB);
}

struct gbuf {
    char *p;
    size_t len, cap;
};

static void gput(struct gbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* A story: paragraphs separated by "\n\n", into b. */
static void story_text(struct gbuf *b, uint64_t seed)
{
    uint64_t s = seed;
    size_t paras = 6 + (size_t)(rnd(&s) % 9), p, w, nw;
    char wb[32];

    for (p = 0; p < paras; p++) {
        if (p)
            gput(b, "\n\n", 2);
        nw = 40 + (size_t)(rnd(&s) % 31);
        for (w = 0; w < nw; w++) {
            size_t l = word(pick(&s), wb);
            if (w == 0)
                wb[0] = (char)(wb[0] - 32);
            gput(b, wb, l);
            if (w + 1 == nw)
                gput(b, ".", 1);
            else if (rnd(&s) % 12 == 0)
                gput(b, ", ", 2);
            else
                gput(b, " ", 1);
        }
    }
}

/* A syndicated copy of a story text: outlet lines, maybe cut, a word changed. */
static void copy_text(struct gbuf *b, const char *orig, uint64_t *s)
{
    static const char *const heads[] = {"By Staff Reporter", "Published 5 hours ago",
                                        "Home > News > World", "Share this article"};
    static const char *const tails[] = {"Sign up for our newsletter to get the top stories.",
                                        "Related: Markets close higher on Friday",
                                        "Copyright 2026 The Daily Example. All rights reserved.",
                                        "Previous article: Weather warning issued"};
    size_t len = strlen(orig), cut = len;
    uint64_t r = rnd(s);

    if (r % 3 == 0) { /* cut after the fourth paragraph */
        const char *q = orig;
        for (int i = 0; i < 4 && q; i++) {
            q = strstr(q, "\n\n");
            if (q)
                q += 2;
        }
        if (q)
            cut = (size_t)(q - orig) - 2;
    }
    gput(b, heads[r % 4], strlen(heads[r % 4]));
    gput(b, "\n\n", 2);
    size_t start = b->len;
    gput(b, orig, cut);
    /* change one word somewhere in the middle */
    if (cut > 200) {
        char *sp = memchr(b->p + start + cut / 2, ' ', cut / 2);
        if (sp && sp + 4 < b->p + b->len)
            memcpy(sp + 1, "the", 3);
    }
    gput(b, "\n\n", 2);
    gput(b, tails[(r >> 8) % 4], strlen(tails[(r >> 8) % 4]));
}

static void json_str(struct gbuf *b, const char *s, size_t n)
{
    size_t i;

    gput(b, "\"", 1);
    for (i = 0; i < n; i++) {
        if (s[i] == '\n')
            gput(b, "\\n", 2);
        else if (s[i] == '"' || s[i] == '\\') {
            gput(b, "\\", 1);
            gput(b, s + i, 1);
        } else
            gput(b, s + i, 1);
    }
    gput(b, "\"", 1);
}

/* Document i: the story it belongs to and its text. */
static uint32_t make_doc(size_t i, uint64_t seed, struct gbuf *text, struct gbuf *tmp)
{
    uint64_t s = seed ^ (i * 0x9E3779B97F4A7C15ULL);
    uint32_t story = (uint32_t)i;

    text->len = 0;
    /* a third are copies of one of the previous 2,000 documents' stories */
    if (i > 0 && rnd(&s) % 3 == 0) {
        size_t back = 1 + (size_t)(rnd(&s) % (i < 2000 ? i : 2000));
        story = (uint32_t)(i - back);
        /* follow copies of copies back to the original story */
        uint64_t s2 = seed ^ ((size_t)story * 0x9E3779B97F4A7C15ULL);
        while (story > 0 && rnd(&s2) % 3 == 0) {
            size_t b2 = 1 + (size_t)(rnd(&s2) % (story < 2000 ? story : 2000));
            story = (uint32_t)(story - b2);
            s2 = seed ^ ((size_t)story * 0x9E3779B97F4A7C15ULL);
        }
        tmp->len = 0;
        story_text(tmp, seed * 31 + story);
        copy_text(text, tmp->p, &s);
    } else {
        story_text(text, seed * 31 + story);
    }
    return story;
}

uint64_t bench_generate(FILE *out, size_t n, uint64_t seed, uint32_t **stories_out)
{
    struct gbuf text = {0}, tmp = {0}, line = {0};
    uint32_t *stories = stories_out ? malloc(n * sizeof(*stories)) : NULL;
    uint64_t bytes = 0;
    char head[160];
    size_t i;

    for (i = 0; i < n; i++) {
        uint32_t st = make_doc(i, seed, &text, &tmp);
        if (stories)
            stories[i] = st;
        line.len = 0;
        snprintf(head, sizeof(head),
                 "{\"id\":\"g%zu\",\"title\":\"Story %u\",\"published\":\"2026-01-%02uT%02u:00:00Z\","
                 "\"text\":",
                 i, st, 1 + (unsigned)(i / 4000 % 28), (unsigned)(i / 100 % 24));
        gput(&line, head, strlen(head));
        json_str(&line, text.p, text.len);
        gput(&line, "}\n", 2);
        if (fwrite(line.p, 1, line.len, out) != line.len) {
            bytes = 0;
            break;
        }
        bytes += line.len;
    }
    free(text.p);
    free(tmp.p);
    free(line.p);
    if (stories_out)
        *stories_out = stories;
    return bytes;
}

struct bench_doc *bench_generate_docs(size_t n, uint64_t seed)
{
    struct bench_doc *d = calloc(n, sizeof(*d));
    struct gbuf text = {0}, tmp = {0};
    size_t i;

    if (!d)
        return NULL;
    for (i = 0; i < n; i++) {
        d[i].story = make_doc(i, seed, &text, &tmp);
        d[i].text = malloc(text.len + 1);
        memcpy(d[i].text, text.p, text.len + 1);
        d[i].len = text.len;
    }
    free(text.p);
    free(tmp.p);
    return d;
}

void bench_docs_free(struct bench_doc *d, size_t n)
{
    size_t i;

    for (i = 0; d && i < n; i++)
        free(d[i].text);
    free(d);
}

uint64_t bench_floor_minhash(const char *text, size_t len)
{
    static uint64_t a[FLOOR_K], b[FLOOR_K];
    static int init;
    uint32_t mins[FLOOR_K];
    size_t starts[3] = {0}, lens[3] = {0}, nw = 0, i = 0, k;
    char buf[256];
    uint64_t sum = 0;

    if (!init) {
        uint64_t s = 42;
        for (k = 0; k < FLOOR_K; k++) {
            a[k] = rnd(&s) | 1;
            b[k] = rnd(&s);
        }
        init = 1;
    }
    for (k = 0; k < FLOOR_K; k++)
        mins[k] = UINT32_MAX;
    while (i < len) {
        size_t st, n = 0;
        while (i < len && !((text[i] | 32) >= 'a' && (text[i] | 32) <= 'z') &&
               !(text[i] >= '0' && text[i] <= '9'))
            i++;
        st = i;
        while (i < len && (((text[i] | 32) >= 'a' && (text[i] | 32) <= 'z') ||
                           (text[i] >= '0' && text[i] <= '9')))
            i++;
        if (i == st)
            break;
        starts[nw % 3] = st;
        lens[nw % 3] = i - st;
        nw++;
        if (nw < 3)
            continue;
        for (k = 0; k < 3; k++) {
            size_t j = (nw + k) % 3, l = lens[j] < 80 ? lens[j] : 80, c;
            for (c = 0; c < l; c++)
                buf[n + c] = (char)(text[starts[j] + c] | 32);
            n += l;
            buf[n++] = ' ';
        }
        uint64_t h = XXH3_64bits(buf, n);
        for (k = 0; k < FLOOR_K; k++) {
            uint32_t v = (uint32_t)((a[k] * h + b[k]) >> 32);
            if (v < mins[k])
                mins[k] = v;
        }
    }
    for (k = 0; k < FLOOR_K; k++)
        sum += mins[k];
    return sum;
}

double bench_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
