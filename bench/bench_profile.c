/*
 * bench_profile.c - the CPU cost of one story profile.
 *
 *   bench_profile DOCS.jsonl [--docs N] [--rounds N] [--terms]
 *
 * Profiles the first N (default all) lines of DOCS.jsonl with a "text"
 * field ("title" and "lang" too when present), as ingest does for each
 * new copy cluster, with one profiler on one thread, --rounds times
 * (default 3), and prints the best round's CPU microseconds per profile.
 * Each round makes a new profiler, so its word cache starts empty as a
 * worker's does: a round over the same texts again would find every word
 * known. --docs 3000 of bench_stories' corpus is about one worker's share
 * of the 6,168 profiles of a 20,000-document ingest.
 *
 * It also prints a checksum of every packed profile (and, with --terms,
 * of every term's text as it is made), so two builds can be shown to
 * compute the same profiles: the checksums must match.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "wirecopy/story_profile.h"
#include "benchlib.h"

struct doc {
    char *title, *text, *lang;
    size_t title_len, text_len;
};

static char *dup_string(json_t *v, size_t *len)
{
    char *s;

    if (!json_is_string(v))
        return NULL;
    *len = json_string_length(v);
    if (!(s = malloc(*len + 1)))
        abort();
    memcpy(s, json_string_value(v), *len + 1);
    return s;
}

static size_t read_docs(const char *path, size_t max, struct doc **out)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, n = 0, dcap = 0, unused;
    ssize_t got;
    struct doc *d = NULL;

    if (!f)
        return 0;
    while (n < max && (got = getline(&line, &cap, f)) > 0) {
        json_error_t jerr;
        json_t *o = json_loadb(line, (size_t)got, 0, &jerr);
        if (!o)
            continue;
        if (json_is_string(json_object_get(o, "text"))) {
            if (n == dcap) {
                dcap = dcap ? dcap * 2 : 1024;
                if (!(d = realloc(d, dcap * sizeof(*d))))
                    abort();
            }
            memset(&d[n], 0, sizeof(d[n]));
            d[n].text = dup_string(json_object_get(o, "text"), &d[n].text_len);
            d[n].title = dup_string(json_object_get(o, "title"), &d[n].title_len);
            d[n].lang = dup_string(json_object_get(o, "lang"), &unused);
            n++;
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    *out = d;
    return n;
}

/* The --terms checksum: every term's tag and text, in the order they are made. */
static void on_term(void *ctx, enum wc_story_tag tag, const char *term, size_t len)
{
    XXH3_state_t *h = ctx;
    unsigned char t = (unsigned char)tag;

    XXH3_64bits_update(h, &t, 1);
    XXH3_64bits_update(h, term, len);
    XXH3_64bits_update(h, "", 1);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    size_t max = SIZE_MAX, n, i;
    int rounds = 3, r, terms = 0;
    struct doc *d = NULL;
    double best = 1e30;
    uint64_t blob_sum = 0, term_sum = 0;
    XXH3_state_t *th = XXH3_createState();
    wc_story_opts opts = {0};
    wc_story_profiler *p;
    wc_story_profile pr;
    wc_error err = WC_ERROR_INIT;
    wc_buf blob;

    for (i = 1; i < (size_t)argc; i++) {
        if (!strcmp(argv[i], "--rounds") && i + 1 < (size_t)argc)
            rounds = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--docs") && i + 1 < (size_t)argc)
            max = (size_t)strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--terms"))
            terms = 1;
        else
            path = argv[i];
    }
    if (!path || !th || !(n = read_docs(path, max, &d))) {
        fprintf(stderr, "usage: bench_profile DOCS.jsonl [--docs N] [--rounds N] [--terms]\n");
        return 2;
    }
    if (terms) {
        opts.on_term = on_term;
        opts.term_ctx = th;
    }
    wc_story_profile_init(&pr);
    wc_buf_init(&blob, (size_t)64 << 20);
    for (r = 0; r < rounds; r++) {
        double t0, dt;
        XXH3_64bits_reset(th);
        blob_sum = 0;
        t0 = bench_cpu();
        /* a new profiler each round: its word cache starts empty, as a worker's does */
        if (wc_story_profiler_new(&opts, &p, &err))
            return 1;
        for (i = 0; i < n; i++) {
            wc_story_input in = {d[i].title,    d[i].title_len, d[i].text,
                                 d[i].text_len, d[i].lang,      INT64_MIN};
            bench_ok(wc_story_profile_make(p, &in, &pr, &err));
            wc_buf_reset(&blob);
            bench_ok(wc_story_profile_pack(&pr, &blob));
            blob_sum = blob_sum * 31 + XXH3_64bits(blob.buf, blob.len);
        }
        wc_story_profiler_free(p);
        dt = bench_cpu() - t0;
        if (dt < best)
            best = dt;
        term_sum = XXH3_64bits_digest(th);
    }
    printf("bench_profile: %zu texts of %s, best of %d rounds\n", n, path, rounds);
    printf("  %.1f us per profile (%.3f s CPU a round)\n", best * 1e6 / (double)n, best);
    printf("  profiles checksum %016llx", (unsigned long long)blob_sum);
    if (terms)
        printf("  terms checksum %016llx", (unsigned long long)term_sum);
    printf("\n");
    wc_buf_release(&blob);
    wc_story_profile_release(&pr);
    XXH3_freeState(th);
    for (i = 0; i < n; i++) {
        free(d[i].text);
        free(d[i].title);
        free(d[i].lang);
    }
    free(d);
    return 0;
}
