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
 * 128 body + 64 lead MinHash values, SimHash and the exact xxh3-128.
 *
 * Texts: the "text" fields of DOCS.jsonl (default
 * $WC_SHARED/data/dedup-dev/docs.jsonl), or, when there is none, 5,000
 * generated articles. Each figure is the best of --rounds runs (default
 * 3) on one core; the machine is shared, so expect noise of 10-20%.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "wirecopy/fingerprint.h"

#define FLOOR_K 128

struct text {
    char *p;
    size_t len;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID,
                  &ts); /* CPU time: other work on the machine does not count */
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Read the "text" fields of a JSONL file; 0 texts when it cannot be read. */
static size_t read_texts(const char *path, struct text **out)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, n = 0, tcap = 0;
    ssize_t got;
    struct text *t = NULL;

    if (!f)
        return 0;
    while ((got = getline(&line, &cap, f)) > 0) {
        json_error_t e;
        json_t *o = json_loadb(line, (size_t)got, 0, &e), *s;
        if (!o)
            continue;
        s = json_object_get(o, "text");
        if (json_is_string(s)) {
            if (n == tcap) {
                tcap = tcap ? tcap * 2 : 1024;
                t = realloc(t, tcap * sizeof(*t));
                if (!t)
                    exit(1);
            }
            t[n].len = json_string_length(s);
            t[n].p = malloc(t[n].len + 1);
            memcpy(t[n].p, json_string_value(s), t[n].len + 1);
            n++;
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    *out = t;
    return n;
}

/* 5,000 articles of 3-14 paragraphs from a seeded 4,000-word vocabulary. */
static size_t make_texts(struct text **out)
{
    static const char cons[] = "bcdfghjklmnprstvwz", vow[] = "aeiou";
    char vocab[4000][12];
    size_t n = 5000, i, v;
    uint64_t s = 42;
    struct text *t = calloc(n, sizeof(*t));

    for (v = 0; v < 4000; v++) {
        size_t len = 2 + splitmix64(&s) % 4, j, o = 0;
        for (j = 0; j < len; j++) {
            vocab[v][o++] = cons[splitmix64(&s) % (sizeof(cons) - 1)];
            vocab[v][o++] = vow[splitmix64(&s) % (sizeof(vow) - 1)];
        }
        vocab[v][o] = '\0';
    }
    for (i = 0; i < n; i++) {
        size_t paras = 3 + splitmix64(&s) % 12, p, cap = 8192, len = 0;
        char *b = malloc(cap);
        for (p = 0; p < paras; p++) {
            size_t words = 20 + splitmix64(&s) % 60, w;
            for (w = 0; w < words; w++) {
                /* Zipf-ish: square a uniform draw */
                uint64_t r = splitmix64(&s) % 4000;
                const char *word = vocab[(r * r) / 4000];
                size_t wl = strlen(word);
                if (len + wl + 4 > cap) {
                    cap *= 2;
                    b = realloc(b, cap);
                }
                memcpy(b + len, word, wl);
                len += wl;
                b[len++] = w + 1 == words ? '.' : ' ';
            }
            if (p + 1 < paras) {
                b[len++] = '\n';
                b[len++] = '\n';
            }
        }
        b[len] = '\0';
        t[i].p = b;
        t[i].len = len;
    }
    *out = t;
    return n;
}

/* The floor: tokenise, xxh3 each 3-word shingle, 128 multiply-shift minima. */
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

int main(int argc, char **argv)
{
    const char *path = NULL;
    char def[4096];
    struct text *t = NULL;
    size_t n, i, maxlen = 0, bytes = 0;
    int rounds = 3, r;
    uint64_t a[FLOOR_K], b[FLOOR_K], s = 7, sink = 0;
    char *low;
    uint32_t *start, *wend;
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
    n = path ? read_texts(path, &t) : 0;
    if (!n) {
        n = make_texts(&t);
        path = "(generated)";
    }
    for (i = 0; i < n; i++) {
        bytes += t[i].len;
        if (t[i].len > maxlen)
            maxlen = t[i].len;
    }
    low = malloc(maxlen + 1);
    start = malloc((maxlen + 1) * sizeof(*start));
    wend = malloc((maxlen + 1) * sizeof(*wend));
    for (i = 0; i < FLOOR_K; i++) {
        a[i] = splitmix64(&s) | 1;
        b[i] = splitmix64(&s);
    }
    w = wc_fp_worker_new(&p);
    if (!w || !low || !start || !wend)
        return 1;

    for (r = 0; r < rounds; r++) {
        double t0 = now(), dt;
        for (i = 0; i < n; i++)
            sink += floor_one(t[i].p, t[i].len, low, start, wend, a, b);
        dt = now() - t0;
        if (dt < best_floor)
            best_floor = dt;
        t0 = now();
        for (i = 0; i < n; i++) {
            if (wc_fp_compute(w, t[i].p, t[i].len, &fp, &err) != WC_OK) {
                fprintf(stderr, "bench_hash: %s\n", err.msg);
                return 1;
            }
            sink += fp.minhash[0];
        }
        dt = now() - t0;
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
    for (i = 0; i < n; i++)
        free(t[i].p);
    free(t);
    free(low);
    free(start);
    free(wend);
    return 0;
}
