/*
 * benchlib.h - what the benchmarks share: a seeded generator of news-like
 * articles with planted copies, the bare MinHash floor loop every
 * deduplicator runs, clocks and peak memory.
 */
#ifndef WC_BENCHLIB_H
#define WC_BENCHLIB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One generated article: its text and the story it copies (its own index when original). */
struct bench_doc {
    char *text;
    size_t len;
    uint32_t story;
};

/*
 * Write n articles as JSONL ({"id","title","published","text"}) to out,
 * seeded: stories of 6-14 paragraphs of 40-70 words drawn from a synthetic
 * 30,000-word vocabulary (distinct at the shingle level, median about 550
 * words, like wire copy), and about a third of the documents syndicated
 * copies of an earlier story (outlet lines added around the text, cut after
 * a few paragraphs, a word or two changed). stories_out (may be NULL) gets
 * story ids per document (malloc'd; caller frees), for recall checks.
 * Returns the bytes written, 0 on failure.
 */
uint64_t bench_generate(FILE *out, size_t n, uint64_t seed, uint32_t **stories_out);

/* Generate n articles in memory (for hashing loops). Caller frees with bench_docs_free. */
struct bench_doc *bench_generate_docs(size_t n, uint64_t seed);
void bench_docs_free(struct bench_doc *d, size_t n);

/*
 * The floor: lower-case ASCII words, xxh3 of each 3-word shingle, 128
 * minima of multiply-shift permutations. Returns a checksum of the minima
 * (so the work cannot be optimised away).
 */
uint64_t bench_floor_minhash(const char *text, size_t len);

double bench_wall(void);    /* monotonic seconds */
double bench_cpu(void);     /* process CPU seconds */
long bench_peak_rss_kb(void); /* peak resident set of this process, KiB */

#endif
