/*
 * fingerprint.c - exact hash and MinHash signatures of one text (see
 * fingerprint.h).
 *
 * The body. Syndicated copies wrap the same paragraphs in different debris:
 * bylines, datelines, share bars, "Related:" teasers, copyright lines.
 * Nearly all of it comes as short lines, so lines of fewer than
 * `min_line_words` words are left out before shingling (a recipe measured
 * on the dev set, docs/dedup.md); a text with no line that long keeps all
 * its words. The remaining words, in order, are the body; its k-word
 * shingles (text.h) are the set we compare.
 *
 * MinHash (Broder 1997). For each of K "permutations" we keep the
 * smallest value of h_i(s) over the body's distinct shingles s; two sets
 * agree at position i with probability equal to their Jaccard similarity.
 * Each shingle is hashed once (64 bits, from the word hashes); the K
 * permutations are then cheap bijections of its low 32 bits:
 *
 *     v = a_i * x + b_i (mod 2^32), a_i odd;   v ^= v >> 15
 *
 * The multiply-add is a bijection, so on the already-random shingle hashes
 * each position picks a uniformly random element (what MinHash needs), and
 * the xorshift breaks the linear relation between positions. The loop over
 * 32 permutations at a time has no branches and compiles to 8-lane AVX2
 * (target_clones picks it at run time when the CPU has it), so the whole
 * signature costs a few cycles per shingle. We store the low 16 bits of
 * each minimum (b-bit MinHash, Li & Koenig 2010).
 *
 * The lead. Copies cut after the first paragraphs share little of a long
 * original by Jaccard but all of its lead. The lead signature is the
 * MinHash of the shingles lying entirely inside the first `lead_tokens`
 * body words; as those shingles come first, it is simply a snapshot of the
 * first `lead_perm` minima taken once they have been seen.
 *
 * Containment. From the Jaccard estimate J and the two exact set sizes
 * |A| <= |B|: |A ∩ B| = J (|A| + |B|) / (1 + J), so the share of A found
 * in B is J (|A| + |B|) / ((1 + J) |A|). Its error grows with |B| / |A|;
 * for a body that fits in its lead, the lead comparison gives a sharper
 * lower bound, and the larger of the two is used.
 *
 * The blob. A fingerprint is stored as a little-endian record with a
 * version byte and an XXH32 checksum (layout below). Version 1 also held
 * a 64-bit SimHash (Charikar 2002) of the body shingles, which nothing
 * ever read; version 2 (2026-12) drops it and is 8 bytes shorter. Both
 * are read, so databases written before stay readable; only version 2 is
 * written.
 *
 * Not done here: which documents to compare and what a cluster is; that
 * is cluster.c.
 */
#include "wirecopy/fingerprint.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "internal.h"
#include "wirecopy/text.h"

/*
 * Blob layout (little-endian). Version 2, written:
 *    0  "WCFP"   4  version   5  flags (0)   6  perm (u16)   8  lead_perm (u16)
 *   10  0 (u16)  12  params tag (u32)  16  words  20  shingles  24  lead shingles (u32 each)
 *   28  exact hash (16 bytes)  44  perm u16 values, then lead_perm u16 values
 *   and the XXH32 of all that. Version 1, read only: the same with a
 *   64-bit SimHash at 28 and the exact hash at 36.
 */
#define BLOB_MAGIC "WCFP"
#define BLOB_VERSION 2   /* the version written */
#define BLOB_HEAD 44     /* bytes before the signatures (version 2) */
#define BLOB_HEAD_V1 52  /* ... in version 1, with its SimHash */
#define BLOB_EXACT 28    /* offset of the exact hash (version 2) */
#define BLOB_EXACT_V1 36 /* ... in version 1 */
#define BLOB_TAIL 4      /* the checksum after the signatures */

/* Permutations are processed in blocks of this many lanes (perm is a multiple of 16). */
#define MH_BLOCK 16

/* Seed of the permutation constants of v1: changing it changes every signature. */
#define PERM_SEED 0x77697265636f7079ULL /* "wirecopy" */

struct wc_fp_worker {
    wc_fp_params p;               /* parameters, copied */
    uint32_t tag;                 /* fingerprint-parameter tag stamped on each fprint */
    wc_tokens tok;                /* words of the current text */
    uint64_t *body;               /* word hashes of the body */
    uint64_t *sh;                 /* shingle hashes, then the distinct ones in first-seen order */
    size_t cap;                   /* entries allocated in body[] and sh[] */
    uint64_t *set;                /* open-addressing set of shingle hashes, 0 = empty */
    size_t set_cap;               /* slots in set[] (a power of two) */
    uint32_t mul[WC_FP_MAX_PERM]; /* a_i: odd multipliers */
    uint32_t add[WC_FP_MAX_PERM]; /* b_i */
};

/* --- parameters -------------------------------------------------------------- */

wc_fp_params wc_fp_params_default(void)
{
    wc_fp_params p;

    p.shingle = 3;        /* word 3-grams: 2-grams join unrelated stories, 5-grams lose
                             copies to light edits (dev set, docs/dedup.md) */
    p.perm = 128;         /* Jaccard error sd = sqrt(J(1-J)/128) <= 0.044 */
    p.lead_tokens = 30;   /* about the first paragraph */
    p.lead_perm = 32;     /* the lead has <= 28 shingles */
    p.min_line_words = 8; /* debris lines are shorter (dev set) */
    p.bands = 32;         /* 32 x 4: candidates from Jaccard ~0.4 up */
    p.rows = 4;
    p.lead_bands = 16; /* 16 x 2: leads sharing 0.4 of their shingles, P = 0.94 */
    p.lead_rows = 2;
    p.threshold = 0.35;
    p.containment = 0.5;
    p.lead_containment = 0.3;
    p.solo = 0.6;
    return p;
}

wc_status wc_fp_params_check(const wc_fp_params *p, wc_error *err)
{
    if (p->shingle < 1 || p->shingle > 8)
        return wc_error_set(err, WC_ERR_USAGE, "shingle size %u is not in 1..8", p->shingle);
    if (p->perm < 16 || p->perm > WC_FP_MAX_PERM || p->perm % 16)
        return wc_error_set(err, WC_ERR_USAGE,
                            "signature length %u is not a multiple of 16 in 16..%d", p->perm,
                            WC_FP_MAX_PERM);
    if (p->lead_tokens > 10000)
        return wc_error_set(err, WC_ERR_USAGE, "lead of %u words is over 10000", p->lead_tokens);
    if (p->lead_tokens && (p->lead_perm < 16 || p->lead_perm > WC_FP_MAX_LEAD ||
                           p->lead_perm % 16 || p->lead_perm > p->perm))
        return wc_error_set(err, WC_ERR_USAGE,
                            "lead signature length %u is not a multiple of 16 in 16..%d and "
                            "at most the signature length",
                            p->lead_perm, WC_FP_MAX_LEAD);
    if (p->min_line_words > 1000)
        return wc_error_set(err, WC_ERR_USAGE, "line filter of %u words is over 1000",
                            p->min_line_words);
    if (p->rows < 1 || p->rows > 8 || p->bands < 1 || p->bands * p->rows > p->perm)
        return wc_error_set(err, WC_ERR_USAGE, "%u bands of %u rows do not fit %u values", p->bands,
                            p->rows, p->perm);
    if (p->lead_bands && (!p->lead_tokens || p->lead_rows < 1 || p->lead_rows > 8 ||
                          p->lead_bands * p->lead_rows > p->lead_perm))
        return wc_error_set(err, WC_ERR_USAGE, "%u lead bands of %u rows do not fit %u values",
                            p->lead_bands, p->lead_rows, p->lead_tokens ? p->lead_perm : 0);
    if (!(p->threshold > 0 && p->threshold <= 1))
        return wc_error_set(err, WC_ERR_USAGE, "threshold %g is not in (0, 1]", p->threshold);
    if (!(p->containment > 0 && p->containment <= 1))
        return wc_error_set(err, WC_ERR_USAGE, "containment %g is not in (0, 1]", p->containment);
    if (!(p->solo > 0 && p->solo <= 1))
        return wc_error_set(err, WC_ERR_USAGE, "solo threshold %g is not in (0, 1]", p->solo);
    if (!(p->lead_containment >= 0 && p->lead_containment <= 1))
        return wc_error_set(err, WC_ERR_USAGE, "lead containment %g is not in [0, 1]",
                            p->lead_containment);
    return WC_OK;
}

/* A share in [0, 1] as text with at most 3 decimals, independent of the locale. */
static void format_share(double v, char *out, size_t outlen)
{
    long m = lround(v * 1000.0);
    char frac[4];
    int n;

    if (m <= 0) {
        snprintf(out, outlen, "0");
        return;
    }
    if (m >= 1000) {
        snprintf(out, outlen, "1");
        return;
    }
    frac[0] = (char)('0' + m / 100);
    frac[1] = (char)('0' + m / 10 % 10);
    frac[2] = (char)('0' + m % 10);
    frac[3] = '\0';
    n = 3;
    while (n > 1 && frac[n - 1] == '0')
        n--;
    frac[n] = '\0';
    snprintf(out, outlen, "0.%s", frac);
}

/* The fingerprint-shaping part of the canonical text (also hashed into the tag). */
static int format_fprint_part(const wc_fp_params *p, char *out, size_t outlen)
{
    return snprintf(out, outlen, "v1;k=%u;perm=%u;lead=%u;lperm=%u;minw=%u", p->shingle, p->perm,
                    p->lead_tokens, p->lead_tokens ? p->lead_perm : 0, p->min_line_words);
}

void wc_fp_params_format(const wc_fp_params *p, char out[WC_FP_PARAMS_MAX])
{
    char t[16], c[16], lc[16], ts[16];
    int n = format_fprint_part(p, out, WC_FP_PARAMS_MAX);

    if (n < 0 || n >= WC_FP_PARAMS_MAX)
        return;
    format_share(p->threshold, t, sizeof(t));
    format_share(p->containment, c, sizeof(c));
    format_share(p->lead_containment, lc, sizeof(lc));
    format_share(p->solo, ts, sizeof(ts));
    snprintf(out + n, WC_FP_PARAMS_MAX - (size_t)n, ";b=%u;r=%u;lb=%u;lr=%u;t=%s;c=%s;lc=%s;ts=%s",
             p->bands, p->rows, p->lead_bands, p->lead_rows, t, c, lc, ts);
}

static uint32_t params_tag(const wc_fp_params *p)
{
    char s[WC_FP_PARAMS_MAX];
    int n = format_fprint_part(p, s, sizeof(s));

    return XXH32(s, n > 0 ? (size_t)n : 0, 0);
}

bool wc_fp_params_same_fprints(const wc_fp_params *a, const wc_fp_params *b)
{
    return params_tag(a) == params_tag(b);
}

/* Parse an unsigned decimal of at most 6 digits. */
static bool parse_uint(const char *v, size_t n, unsigned *out)
{
    uint64_t x;

    if (n == 0 || n > 6 || !wc_parse_u64(v, n, &x))
        return false;
    *out = (unsigned)x;
    return true;
}

/* Parse a share "0", "1", "0.35", ".5", "1.0" (at most 6 decimals), locale-free. */
static bool parse_share(const char *v, size_t n, double *out)
{
    size_t i = 0;
    double x = 0, scale = 0.1;
    bool digits = false;

    while (i < n && v[i] >= '0' && v[i] <= '9') {
        x = x * 10 + (v[i] - '0');
        digits = true;
        if (++i > 2)
            return false;
    }
    if (i < n && v[i] == '.') {
        size_t start = ++i;
        while (i < n && v[i] >= '0' && v[i] <= '9') {
            x += (v[i] - '0') * scale;
            scale /= 10;
            digits = true;
            i++;
        }
        if (i - start > 6)
            return false;
    }
    if (i != n || !digits || x > 1.0)
        return false;
    *out = x;
    return true;
}

wc_status wc_fp_params_parse(const char *text, size_t len, wc_fp_params *out, wc_error *err)
{
    wc_fp_params p = wc_fp_params_default();
    size_t i = 0, field = 0;

    if (len > WC_FP_PARAMS_MAX * 4)
        return wc_error_set(err, WC_ERR_PARSE, "parameter text of %zu bytes is too long", len);
    while (i <= len) {
        size_t j = i, eq;
        const char *k, *v;
        size_t kn, vn;
        bool ok;

        while (j < len && text[j] != ';')
            j++;
        if (field == 0) {
            if (j - i != 2 || memcmp(text + i, "v1", 2) != 0)
                return wc_error_set(err, WC_ERR_PARSE, "parameters '%.*s' are not version v1",
                                    (int)WC_MIN(len, 40), text);
        } else {
            for (eq = i; eq < j && text[eq] != '='; eq++)
                ;
            if (eq == j)
                return wc_error_set(err, WC_ERR_PARSE, "parameter '%.*s' has no '='",
                                    (int)WC_MIN(j - i, 40), text + i);
            k = text + i;
            kn = eq - i;
            v = text + eq + 1;
            vn = j - eq - 1;
            if (wc_mem_ieq(k, kn, "k"))
                ok = parse_uint(v, vn, &p.shingle);
            else if (wc_mem_ieq(k, kn, "perm"))
                ok = parse_uint(v, vn, &p.perm);
            else if (wc_mem_ieq(k, kn, "lead"))
                ok = parse_uint(v, vn, &p.lead_tokens);
            else if (wc_mem_ieq(k, kn, "lperm"))
                ok = parse_uint(v, vn, &p.lead_perm);
            else if (wc_mem_ieq(k, kn, "minw"))
                ok = parse_uint(v, vn, &p.min_line_words);
            else if (wc_mem_ieq(k, kn, "b"))
                ok = parse_uint(v, vn, &p.bands);
            else if (wc_mem_ieq(k, kn, "r"))
                ok = parse_uint(v, vn, &p.rows);
            else if (wc_mem_ieq(k, kn, "lb"))
                ok = parse_uint(v, vn, &p.lead_bands);
            else if (wc_mem_ieq(k, kn, "lr"))
                ok = parse_uint(v, vn, &p.lead_rows);
            else if (wc_mem_ieq(k, kn, "t"))
                ok = parse_share(v, vn, &p.threshold);
            else if (wc_mem_ieq(k, kn, "c"))
                ok = parse_share(v, vn, &p.containment);
            else if (wc_mem_ieq(k, kn, "lc"))
                ok = parse_share(v, vn, &p.lead_containment);
            else if (wc_mem_ieq(k, kn, "ts"))
                ok = parse_share(v, vn, &p.solo);
            else
                return wc_error_set(err, WC_ERR_PARSE, "unknown parameter '%.*s'",
                                    (int)WC_MIN(kn, 40), k);
            if (!ok)
                return wc_error_set(err, WC_ERR_PARSE, "bad value '%.*s' for parameter '%.*s'",
                                    (int)WC_MIN(vn, 40), v, (int)WC_MIN(kn, 40), k);
        }
        field++;
        i = j + 1;
    }
    if (!p.lead_tokens) {
        p.lead_perm = 0;
        p.lead_bands = 0;
    }
    {
        wc_error why = WC_ERROR_INIT;
        if (wc_fp_params_check(&p, &why) != WC_OK)
            return wc_error_set(err, WC_ERR_PARSE, "%s", why.msg);
    }
    *out = p;
    return WC_OK;
}

/* --- the worker -------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

wc_fp_worker *wc_fp_worker_new(const wc_fp_params *p)
{
    wc_fp_worker *w;
    uint64_t state = PERM_SEED;
    size_t i;

    if (wc_fp_params_check(p, NULL) != WC_OK)
        return NULL;
    w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    w->p = *p;
    if (!w->p.lead_tokens)
        w->p.lead_perm = 0;
    w->tag = params_tag(&w->p);
    wc_tokens_init(&w->tok);
    for (i = 0; i < WC_FP_MAX_PERM; i++) {
        uint64_t r = splitmix64(&state);
        w->mul[i] = (uint32_t)r | 1u;
        w->add[i] = (uint32_t)(r >> 32);
    }
    return w;
}

void wc_fp_worker_free(wc_fp_worker *w)
{
    if (!w)
        return;
    wc_tokens_release(&w->tok);
    free(w->body);
    free(w->sh);
    free(w->set);
    free(w);
}

static wc_status reserve(wc_fp_worker *w, size_t n)
{
    uint64_t *b, *s;
    size_t ncap;

    if (n <= w->cap)
        return WC_OK;
    ncap = w->cap ? w->cap : 1024;
    while (ncap < n)
        ncap *= 2;
    b = realloc(w->body, ncap * sizeof(*b));
    if (!b)
        return WC_ERR_NOMEM;
    w->body = b;
    s = realloc(w->sh, ncap * sizeof(*s));
    if (!s)
        return WC_ERR_NOMEM;
    w->sh = s;
    w->cap = ncap;
    return WC_OK;
}

/* Make set[] an empty table with room for n keys at load <= 1/2. */
static wc_status set_reset(wc_fp_worker *w, size_t n)
{
    size_t need = 64;

    while (need < 2 * n)
        need *= 2;
    if (need > w->set_cap) {
        uint64_t *s = malloc(need * sizeof(*s));
        if (!s)
            return WC_ERR_NOMEM;
        free(w->set);
        w->set = s;
        w->set_cap = need;
    }
    memset(w->set, 0, need * sizeof(*w->set));
    w->set_cap = need;
    return WC_OK;
}

/* Insert h (non-zero); true when it was not there yet. */
static bool set_add(uint64_t *set, size_t cap, uint64_t h)
{
    size_t i = (size_t)(h ^ (h >> 29)) & (cap - 1);

    while (set[i]) {
        if (set[i] == h)
            return false;
        i = (i + 1) & (cap - 1);
    }
    set[i] = h;
    return true;
}

/*
 * ThreadSanitizer instruments the ifunc resolver target_clones makes, which
 * runs before TSan is set up and crashes the program: no clones under it.
 */
#if defined(__SANITIZE_THREAD__)
#define MH_CLONES
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MH_CLONES
#endif
#endif
#ifndef MH_CLONES
#define MH_CLONES __attribute__((target_clones("avx2", "default")))
#endif

/*
 * The MinHash kernel: fold shingles sh[0..n) into MH_BLOCK minima. Fixed
 * trip count and no branches, so the inner loop becomes vector code.
 */
MH_CLONES static void minhash_block(uint32_t *restrict mins, const uint32_t *restrict mul,
                                    const uint32_t *restrict add, const uint64_t *restrict sh,
                                    size_t n)
{
    uint32_t m[MH_BLOCK];
    size_t s;
    int j;

    memcpy(m, mins, sizeof(m));
    for (s = 0; s < n; s++) {
        uint32_t x = (uint32_t)sh[s];
        for (j = 0; j < MH_BLOCK; j++) {
            uint32_t v = mul[j] * x + add[j];
            v ^= v >> 15;
            m[j] = v < m[j] ? v : m[j];
        }
    }
    memcpy(mins, m, sizeof(m));
}

wc_status wc_fp_compute(wc_fp_worker *w, const char *text, size_t len, wc_fprint *out,
                        wc_error *err)
{
    const wc_fp_params *p = &w->p;
    const wc_tokens *t = &w->tok;
    uint32_t mins[WC_FP_MAX_PERM];
    size_t nb = 0, nsh, ndist = 0, nlead_pos, nlead = 0, i, l, start;
    XXH128_hash_t xh;
    XXH128_canonical_t canon;
    wc_status st;

    st = wc_text_tokenize(text, len, &w->tok, err);
    if (st != WC_OK)
        return st;

    memset(out, 0, sizeof(*out));
    out->perm = (uint16_t)p->perm;
    out->lead_perm = (uint16_t)p->lead_perm;
    out->params_tag = w->tag;
    out->words = t->ntok > UINT32_MAX ? UINT32_MAX : (uint32_t)t->ntok;
    xh = XXH3_128bits(t->norm.buf, t->norm.len);
    XXH128_canonicalFromHash(&canon, xh);
    memcpy(out->exact, canon.digest, sizeof(out->exact));

    /* The body: the words of lines long enough to be prose. */
    if (reserve(w, t->ntok + 1) != WC_OK)
        goto nomem;
    for (l = 0, start = 0; l < t->nlines; l++) {
        size_t end = t->line_end[l];
        if (end - start >= p->min_line_words) {
            memcpy(w->body + nb, t->hash + start, (end - start) * sizeof(*w->body));
            nb += end - start;
        }
        start = end;
    }
    if (nb == 0 && t->ntok) {
        memcpy(w->body, t->hash, t->ntok * sizeof(*w->body));
        nb = t->ntok;
    }

    /* Distinct shingles in first-seen order; the lead ones come first. */
    nsh = wc_text_shingles(w->body, nb, p->shingle, w->sh);
    if (p->lead_tokens == 0)
        nlead_pos = 0;
    else if (nb <= p->shingle || p->lead_tokens <= p->shingle)
        nlead_pos = nsh ? 1 : 0;
    else
        nlead_pos = WC_MIN(nsh, (size_t)p->lead_tokens - p->shingle + 1);
    if (set_reset(w, nsh) != WC_OK)
        goto nomem;
    for (i = 0; i < nsh; i++) {
        uint64_t h = w->sh[i] ? w->sh[i] : 1;
        if (set_add(w->set, w->set_cap, h))
            w->sh[ndist++] = h;
        if (i + 1 == nlead_pos)
            nlead = ndist;
    }
    out->shingles = (uint32_t)WC_MIN(ndist, UINT32_MAX);
    out->lead_shingles = (uint32_t)nlead;

    /* MinHash: lead shingles first, snapshot, then the rest. */
    memset(mins, 0xff, sizeof(mins));
    for (i = 0; i < p->perm; i += MH_BLOCK) {
        minhash_block(mins + i, w->mul + i, w->add + i, w->sh, nlead);
        if (i < p->lead_perm) {
            unsigned j;
            for (j = 0; j < MH_BLOCK; j++)
                out->lead[i + j] = (uint16_t)mins[i + j];
        }
        minhash_block(mins + i, w->mul + i, w->add + i, w->sh + nlead, ndist - nlead);
    }
    for (i = 0; i < p->perm; i++)
        out->minhash[i] = (uint16_t)mins[i];
    return WC_OK;

nomem:
    return wc_error_set(err, WC_ERR_NOMEM, "out of memory fingerprinting a %zu-byte text", len);
}

/* --- similarity ---------------------------------------------------------------- */

/* Positions where a and b agree. */
static unsigned matches16(const uint16_t *a, const uint16_t *b, unsigned n)
{
    unsigned i, m = 0;

    for (i = 0; i < n; i++)
        m += a[i] == b[i];
    return m;
}

/* Share of the smaller set in the larger, from a Jaccard estimate and the set sizes. */
static double containment_of(double j, uint32_t na, uint32_t nb)
{
    double small = na < nb ? na : nb, c;

    if (small <= 0)
        return 0;
    c = j * ((double)na + (double)nb) / ((1.0 + j) * small);
    return c > 1.0 ? 1.0 : c;
}

void wc_fp_compare(const uint16_t *mh_a, const uint16_t *lead_a, uint32_t sh_a, uint32_t lsh_a,
                   const uint16_t *mh_b, const uint16_t *lead_b, uint32_t sh_b, uint32_t lsh_b,
                   unsigned perm, unsigned lead_perm, wc_similarity *out)
{
    double j;

    memset(out, 0, sizeof(*out));
    if (!sh_a || !sh_b || !perm)
        return;
    j = (double)matches16(mh_a, mh_b, perm) / perm;
    out->jaccard = j;
    out->containment = containment_of(j, sh_a, sh_b);
    if (lead_a && lead_b && lead_perm && lsh_a && lsh_b) {
        double lj = (double)matches16(lead_a, lead_b, lead_perm) / lead_perm;
        out->lead = containment_of(lj, lsh_a, lsh_b);
        /* A body that is all lead is compared better by its lead. */
        if ((sh_a <= sh_b && sh_a == lsh_a) || (sh_b <= sh_a && sh_b == lsh_b))
            out->containment = WC_MAX(out->containment, out->lead);
    }
    out->score = WC_MAX(out->jaccard, out->containment);
}

void wc_fprint_similarity(const wc_fprint *a, const wc_fprint *b, wc_similarity *out)
{
    unsigned perm = WC_MIN(a->perm, b->perm);
    unsigned lead = WC_MIN(a->lead_perm, b->lead_perm);

    wc_fp_compare(a->minhash, a->lead, a->shingles, a->lead_shingles, b->minhash, b->lead,
                  b->shingles, b->lead_shingles, WC_MIN(perm, WC_FP_MAX_PERM),
                  WC_MIN(lead, WC_FP_MAX_LEAD), out);
}

bool wc_fp_is_copy(const wc_fp_params *p, const wc_similarity *s)
{
    if (s->jaccard >= p->solo)
        return true;
    if (s->jaccard < p->threshold && s->containment < p->containment)
        return false;
    return !p->lead_tokens || s->lead >= p->lead_containment;
}

/* --- blobs ------------------------------------------------------------------------ */

static void put16(unsigned char *o, uint16_t v)
{
    o[0] = (unsigned char)v;
    o[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *o, uint32_t v)
{
    put16(o, (uint16_t)v);
    put16(o + 2, (uint16_t)(v >> 16));
}

static uint16_t get16(const unsigned char *s)
{
    return (uint16_t)(s[0] | (s[1] << 8));
}

static uint32_t get32(const unsigned char *s)
{
    return get16(s) | ((uint32_t)get16(s + 2) << 16);
}

wc_status wc_fprint_pack(const wc_fprint *fp, wc_buf *out)
{
    unsigned char b[WC_FPRINT_PACKED_MAX];
    unsigned perm = WC_MIN(fp->perm, WC_FP_MAX_PERM), lead = WC_MIN(fp->lead_perm, WC_FP_MAX_LEAD);
    size_t n = BLOB_HEAD, i;

    _Static_assert(WC_FPRINT_PACKED_MAX ==
                       BLOB_HEAD + 2 * (WC_FP_MAX_PERM + WC_FP_MAX_LEAD) + BLOB_TAIL,
                   "WC_FPRINT_PACKED_MAX is the largest blob");
    memcpy(b, BLOB_MAGIC, 4);
    b[4] = BLOB_VERSION;
    b[5] = 0; /* flags */
    put16(b + 6, (uint16_t)perm);
    put16(b + 8, (uint16_t)lead);
    put16(b + 10, 0);
    put32(b + 12, fp->params_tag);
    put32(b + 16, fp->words);
    put32(b + 20, fp->shingles);
    put32(b + 24, fp->lead_shingles);
    memcpy(b + BLOB_EXACT, fp->exact, 16);
    for (i = 0; i < perm; i++, n += 2)
        put16(b + n, fp->minhash[i]);
    for (i = 0; i < lead; i++, n += 2)
        put16(b + n, fp->lead[i]);
    put32(b + n, XXH32(b, n, 0));
    return wc_buf_add(out, b, n + BLOB_TAIL);
}

wc_status wc_fprint_unpack(const void *blob, size_t len, const wc_fp_params *p, wc_fprint *fp,
                           wc_error *err)
{
    const unsigned char *b = blob;
    unsigned perm, lead, want_lead;
    size_t need, i, head, exact;

    if (!b || len < BLOB_HEAD + BLOB_TAIL)
        return wc_error_set(err, WC_ERR_CORRUPT, "fingerprint blob of %zu bytes is truncated", len);
    if (memcmp(b, BLOB_MAGIC, 4) != 0)
        return wc_error_set(err, WC_ERR_CORRUPT, "fingerprint blob has no 'WCFP' magic");
    if (b[4] == BLOB_VERSION) {
        head = BLOB_HEAD;
        exact = BLOB_EXACT;
    } else if (b[4] == 1) {
        head = BLOB_HEAD_V1; /* its SimHash is skipped */
        exact = BLOB_EXACT_V1;
    } else {
        return wc_error_set(err, WC_ERR_CORRUPT, "fingerprint blob version %u is not supported",
                            b[4]);
    }
    perm = get16(b + 6);
    lead = get16(b + 8);
    if (b[5] != 0 || get16(b + 10) != 0 || perm > WC_FP_MAX_PERM || lead > WC_FP_MAX_LEAD)
        return wc_error_set(err, WC_ERR_CORRUPT, "fingerprint blob header is damaged");
    need = head + 2 * ((size_t)perm + lead) + BLOB_TAIL;
    if (len != need)
        return wc_error_set(err, WC_ERR_CORRUPT,
                            "fingerprint blob is %zu bytes, its header says %zu", len, need);
    if (XXH32(b, len - BLOB_TAIL, 0) != get32(b + len - BLOB_TAIL))
        return wc_error_set(err, WC_ERR_CORRUPT, "fingerprint blob checksum does not match");
    want_lead = p->lead_tokens ? p->lead_perm : 0;
    if (perm != p->perm || lead != want_lead || get32(b + 12) != params_tag(p))
        return wc_error_set(err, WC_ERR_MISMATCH,
                            "fingerprint was made under other parameters than the current ones");
    memset(fp, 0, sizeof(*fp));
    fp->perm = (uint16_t)perm;
    fp->lead_perm = (uint16_t)lead;
    fp->params_tag = get32(b + 12);
    fp->words = get32(b + 16);
    fp->shingles = get32(b + 20);
    fp->lead_shingles = get32(b + 24);
    memcpy(fp->exact, b + exact, 16);
    if (fp->lead_shingles > fp->shingles)
        return wc_error_set(err, WC_ERR_CORRUPT, "fingerprint blob counts are inconsistent");
    for (i = 0; i < perm; i++)
        fp->minhash[i] = get16(b + head + 2 * i);
    for (i = 0; i < lead; i++)
        fp->lead[i] = get16(b + head + 2 * (perm + i));
    return WC_OK;
}
