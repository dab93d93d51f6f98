/*
 * fingerprint.h - what wirecopy remembers about an article's text to find
 * its copies: an exact hash and two MinHash signatures.
 *
 * wc_fp_compute() runs on the worker threads. It tokenises the text (see
 * text.h), leaves out short debris lines, makes word shingles and keeps:
 *
 *   exact     xxh3-128 of the whole canonical text (every line): equal
 *             hashes mean identical after normalisation;
 *   minhash   `perm` MinHash values over the body's shingles, for the
 *             estimated Jaccard similarity and, with the shingle counts,
 *             the containment of a shorter text in a longer one;
 *   lead      `lead_perm` MinHash values over the shingles of the first
 *             `lead_tokens` body words: a copy cut after a few paragraphs
 *             keeps the lead, so the lead finds it and confirms it.
 *
 * MinHash values are kept as 16 bits each (b-bit MinHash, Li & Koenig
 * 2010): two different shingles agree by chance with probability 2^-16,
 * which biases a Jaccard estimate by less than 0.0001 and halves memory.
 *
 * The parameters that shape a fingerprint (shingle size, signature
 * lengths, lead size, line filter) travel with the database as text
 * (wc_fp_params_format) so a later run refuses to mix fingerprints made
 * under other settings; thresholds and LSH banding may change between
 * runs (`wirecopy recluster`) without recomputing anything.
 */
#ifndef WIRECOPY_FINGERPRINT_H
#define WIRECOPY_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/buf.h"
#include "wirecopy/error.h"

#define WC_FP_MAX_PERM 256   /* most values in the body signature */
#define WC_FP_MAX_LEAD 128   /* most values in the lead signature */
#define WC_FP_PARAMS_MAX 160 /* bytes of the canonical params text, NUL included */

/*
 * Fingerprint and clustering parameters. Start from wc_fp_params_default()
 * and change fields; wc_fp_params_check() says whether a set is valid.
 * The first group decides the fingerprints; the second only how they are
 * compared.
 */
typedef struct wc_fp_params {
    /* fingerprint: changing any of these needs new fingerprints */
    unsigned shingle;        /* words per shingle, 1..8 */
    unsigned perm;           /* body MinHash values, 16..WC_FP_MAX_PERM, a multiple of 16 */
    unsigned lead_tokens;    /* body words the lead signature covers; 0 = no lead signature */
    unsigned lead_perm;      /* lead MinHash values, 16..WC_FP_MAX_LEAD, multiple of 16, <= perm */
    unsigned min_line_words; /* lines with fewer words are left out of the body (0 keeps all) */
    /* comparison: may change between runs */
    unsigned bands, rows; /* body LSH: bands * rows <= perm, rows 1..8 */
    unsigned lead_bands,
        lead_rows;           /* lead LSH: lead_bands * lead_rows <= lead_perm (0 bands = off) */
    double threshold;        /* estimated Jaccard from which two bodies are copies ... */
    double containment;      /* ... or share of the shorter body found in the longer ... */
    double lead_containment; /* ... when this share of the shorter lead is in the longer lead */
    double solo;             /* estimated Jaccard from which two bodies are copies whatever
                                their leads (a rewritten first paragraph) */
} wc_fp_params;

/* The defaults (measured on the dev set, see docs/dedup.md). */
wc_fp_params wc_fp_params_default(void);

/* WC_OK, or WC_ERR_USAGE with a message naming the bad field. */
wc_status wc_fp_params_check(const wc_fp_params *p, wc_error *err);

/*
 * Canonical text of p, e.g. "v1;k=3;perm=128;lead=30;lperm=64;minw=8;
 * b=32;r=4;lb=32;lr=2;t=0.35;c=0.6;lc=0.3;ts=0.6" (one line, no spaces), written
 * to out (at least WC_FP_PARAMS_MAX bytes). The same parameters always
 * give the same text, whatever the locale.
 */
void wc_fp_params_format(const wc_fp_params *p, char out[WC_FP_PARAMS_MAX]);

/*
 * Parse text[0..len) as written by wc_fp_params_format(). Keys may come in
 * any order; a missing key keeps its default; an unknown key, a bad value
 * or a version other than v1 is WC_ERR_PARSE. The result is checked
 * (wc_fp_params_check).
 */
wc_status wc_fp_params_parse(const char *text, size_t len, wc_fp_params *out, wc_error *err);

/* True when fingerprints made under a and b are interchangeable (first group equal). */
bool wc_fp_params_same_fprints(const wc_fp_params *a, const wc_fp_params *b);

/*
 * The fingerprint of one text. A plain struct (about 800 bytes, no
 * pointers): copy it, put it on the stack, keep it in arrays.
 */
typedef struct wc_fprint {
    uint8_t exact[16];      /* xxh3-128 of the canonical text (canonical byte order) */
    uint32_t words;         /* words in the whole text */
    uint32_t shingles;      /* distinct body shingles; 0 = no body (only exact matches) */
    uint32_t lead_shingles; /* distinct shingles in the lead; 0 = no lead */
    uint16_t perm;          /* values used in minhash[] (= params perm) */
    uint16_t lead_perm;     /* values used in lead[] (= params lead_perm, 0 if no lead) */
    uint32_t params_tag;    /* hash of the fingerprint parameters that made it */
    uint16_t minhash[WC_FP_MAX_PERM];
    uint16_t lead[WC_FP_MAX_LEAD];
} wc_fprint;

/*
 * Per-thread fingerprinting state (buffers reused from text to text).
 * One worker per thread; a worker is not thread-safe, different workers
 * are. NULL when out of memory or p is invalid.
 */
typedef struct wc_fp_worker wc_fp_worker;

wc_fp_worker *wc_fp_worker_new(const wc_fp_params *p);
void wc_fp_worker_free(wc_fp_worker *w);

/*
 * Fingerprint text[0..len) (UTF-8, paragraphs separated by "\n\n"; bad
 * bytes are replaced, not errors) into *out. An empty or wordless text
 * gives WC_OK with shingles == 0. WC_ERR_LIMIT when len > WC_TEXT_MAX_BYTES,
 * WC_ERR_NOMEM.
 */
wc_status wc_fp_compute(wc_fp_worker *w, const char *text, size_t len, wc_fprint *out,
                        wc_error *err);

/*
 * Append the compact binary form of fp to out (little-endian, versioned,
 * with a checksum; 48 + 2 * (perm + lead_perm) bytes: 368 by default, at
 * most WC_FPRINT_PACKED_MAX). WC_ERR_LIMIT or WC_ERR_NOMEM from out.
 */
#define WC_FPRINT_PACKED_MAX (48 + 2 * (WC_FP_MAX_PERM + WC_FP_MAX_LEAD))
wc_status wc_fprint_pack(const wc_fprint *fp, wc_buf *out);

/*
 * Read a blob written by wc_fprint_pack(), of this version or an earlier
 * one (the first held a SimHash, now dropped). WC_ERR_CORRUPT when the blob is
 * truncated, damaged or of an unknown version; WC_ERR_MISMATCH when it was
 * made under other fingerprint parameters than p. Never reads outside
 * blob[0..len).
 */
wc_status wc_fprint_unpack(const void *blob, size_t len, const wc_fp_params *p, wc_fprint *fp,
                           wc_error *err);

/* How alike two fingerprints are; every figure is in [0, 1]. */
typedef struct wc_similarity {
    double jaccard;     /* estimated Jaccard of the body shingle sets */
    double containment; /* estimated share of the smaller body found in the larger */
    double lead;        /* estimated share of the smaller lead found in the larger lead
                           (0 when either has no lead) */
    double score;       /* the one figure to show: the larger of jaccard and containment */
} wc_similarity;

/*
 * Compare two fingerprints made under the same parameters (a provenance
 * figure: a member against its cluster's original). Thread-safe.
 */
void wc_fprint_similarity(const wc_fprint *a, const wc_fprint *b, wc_similarity *out);

/*
 * The pair rule: true when s says "copy" under p: jaccard >= solo, or the
 * leads agree (lead >= lead_containment) and jaccard >= threshold or
 * containment >= containment. A story is known by its first paragraph:
 * two short stories wrapped in the same outlet's long debris share most
 * shingles but not their leads. Without lead signatures (lead_tokens 0)
 * the lead condition is dropped.
 */
bool wc_fp_is_copy(const wc_fp_params *p, const wc_similarity *s);

/*
 * Low level, for the cluster index which keeps signatures in its own
 * arrays: the similarity of two signatures given as their parts
 * (mh: perm values, lead: lead_perm values or NULL, counts as in wc_fprint).
 */
void wc_fp_compare(const uint16_t *mh_a, const uint16_t *lead_a, uint32_t sh_a, uint32_t lsh_a,
                   const uint16_t *mh_b, const uint16_t *lead_b, uint32_t sh_b, uint32_t lsh_b,
                   unsigned perm, unsigned lead_perm, wc_similarity *out);

#endif
