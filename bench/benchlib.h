/*
 * benchlib.h - what the benchmarks share, so that each figure they print
 * is measured on the same corpus against the same baseline:
 *
 *   - a seeded generator of news-like articles with planted copies (the
 *     dev set's cluster-size law), window by window or straight to JSONL;
 *   - the bare MinHash floor loop every deduplicator runs;
 *   - a reader of the "text" (and "id") fields of a JSONL file;
 *   - pairwise recall and precision of predicted clusters against the
 *     planted stories;
 *   - clocks and peak memory.
 *
 * Benchmarks abort on out-of-memory: they are measuring tools, not library
 * code.
 */
#ifndef WC_BENCHLIB_H
#define WC_BENCHLIB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wirecopy/buf.h"

/*
 * Bytes of one generated text, or of its JSONL line: a story has at most
 * 14 paragraphs of 80 words plus debris (under 16 KiB); 1 MiB is room to
 * spare, and a generator bug shows as an abort, not a runaway buffer.
 */
#define BENCH_TEXT_CAP ((size_t)1 << 20)

/* A buffer append that must succeed: a benchmark aborts when it cannot (see above). */
void bench_ok(wc_status st);

/* splitmix64: the one PRNG of the benchmarks (seeded, the same on every machine). */
uint64_t bench_rand(uint64_t *s);
/* A uniform double in [0, 1) from the same stream. */
double bench_unit(uint64_t *s);

/*
 * The generator. A vocabulary of 40,000 pseudo-words with a Zipf law;
 * stories of 3-14 paragraphs of 25-80 words; clusters of 1..20 documents
 * (P(1) = 0.35, else P(s) ~ s^-1.5, as in the dedup dev set); copies with
 * a changed headline (upper case, " | Outlet n"), debris lines before and
 * after, a cut after some paragraphs (20%), a dropped paragraph (10%), 1%
 * of words replaced, and exact re-scrapes (8%). Documents come in windows
 * of about BENCH_WINDOW whole stories, shuffled within the window, so
 * copies arrive close together but not adjacent, as in a crawl.
 */
#define BENCH_WINDOW 10000
/* A window ends with a whole story, of at most 20 documents. */
#define BENCH_WINDOW_MAX (BENCH_WINDOW + 20)

typedef struct bench_gen bench_gen;

struct bench_window {
    size_t n;              /* documents in this window */
    const wc_buf *text;    /* [n] texts, in generation order (a story's copies adjacent) */
    const uint32_t *story; /* [n] story id of each text, 1-based */
    const size_t *order;   /* [n] arrival order: a seeded shuffle of 0..n-1 */
};

/* A generator for the given seed (NULL when out of memory). */
bench_gen *bench_gen_new(uint64_t seed);
void bench_gen_free(bench_gen *g);
/*
 * The next window: whole stories until BENCH_WINDOW documents, at most
 * `left` documents (the last story is cut to fit). The window is borrowed
 * until the next call.
 */
const struct bench_window *bench_gen_window(bench_gen *g, size_t left);
/* Stories made so far (the largest story id handed out). */
uint64_t bench_gen_stories(const bench_gen *g);

/*
 * One JSONL line {"id": "s<id>", "cluster": "t<story>", "text": ...} into
 * line (reset first): the format bench_generate writes, with ids numbered
 * from 1 as s00000001.
 */
void bench_jsonl_line(wc_buf *line, size_t id, uint32_t story, const char *text, size_t len);

/*
 * Write n generated articles in arrival order as JSONL (bench_jsonl_line)
 * to out. stories_out (may be NULL) gets the story of each document,
 * indexed by id - 1 (malloc'd; caller frees), for recall checks. Returns
 * the bytes written, 0 on a write error.
 */
uint64_t bench_generate(FILE *out, size_t n, uint64_t seed, uint32_t **stories_out);

/* One text in memory: generated, or read from JSONL. */
struct bench_doc {
    char *id_json; /* the input's "id" as JSON text; NULL when generated or absent */
    char *text;    /* NUL-terminated */
    size_t len;
    uint32_t story; /* planted story (generated only) */
};

/* The first n generated articles, in arrival order. Free with bench_docs_free. */
struct bench_doc *bench_generate_docs(size_t n, uint64_t seed);
/*
 * Every line of the JSONL file at path with a string "text" field (and an
 * "id", when need_id), in file order; lines that do not parse are skipped.
 * Returns 0, or -1 with errno set when the file cannot be opened.
 */
int bench_read_jsonl(const char *path, int need_id, struct bench_doc **out, size_t *n_out);
void bench_docs_free(struct bench_doc *d, size_t n);

/*
 * The floor: the bare loop every MinHash deduplicator runs. Lower-case
 * ASCII words, xxh3 of each 3-word shingle's text, 128 minima of the
 * classic multiply-shift permutations ((a*h + b) >> 32, 64-bit).
 */
#define BENCH_FLOOR_K 128

struct bench_floor {
    uint64_t a[BENCH_FLOOR_K], b[BENCH_FLOOR_K]; /* the permutations (seed 7) */
    char *low;                                   /* lower-cased text, scratch */
    uint32_t *start, *wend;                      /* word starts and ends, scratch */
    size_t cap;                                  /* bytes the scratch can hold */
};

void bench_floor_init(struct bench_floor *f);
/* Make room for texts of len bytes (outside a timed loop). */
void bench_floor_reserve(struct bench_floor *f, size_t len);
/* MinHash one text; returns a checksum of the minima so the work is not optimised away. */
uint64_t bench_floor_minhash(struct bench_floor *f, const char *text, size_t len);
void bench_floor_release(struct bench_floor *f);

/*
 * Pairwise scoring of predicted clusters against planted stories: every
 * document is one label. Sorts lab. recall = pairs together in both /
 * pairs of one story; precision = pairs together in both / pairs of one
 * cluster (1 when there are none).
 */
struct bench_label {
    uint32_t story;
    int64_t cluster;
};
void bench_pairs_score(struct bench_label *lab, size_t n, double *recall, double *precision);

double bench_wall(void);      /* monotonic seconds */
double bench_cpu(void);       /* process CPU seconds: other work on the machine does not count */
long bench_peak_rss_kb(void); /* peak resident set of this process, KiB */

#endif
