/*
 * test_fingerprint.c - parameters and their text form, fingerprints of
 * real texts, the accuracy of the MinHash estimates, and the packed blob
 * (round trip, every kind of damage, and the blobs of earlier versions).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/fingerprint.h"
#include "wirecopy/text.h"

/* --- helpers ------------------------------------------------------------------------ */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A paragraph of `words` pseudo-words drawn from a 50,000-word space (seeded). */
static void add_paragraph(wc_buf *b, uint64_t seed, int words)
{
    int i;

    for (i = 0; i < words; i++) {
        uint64_t r = rng_next(&seed) % 50000;
        assert_int_equal(
            wc_buf_addf(b, "w%llu%s", (unsigned long long)r, i + 1 < words ? " " : "."), WC_OK);
    }
    assert_int_equal(wc_buf_addstr(b, "\n\n"), WC_OK);
}

static void fp_of(wc_fp_worker *w, const char *s, size_t len, wc_fprint *fp)
{
    wc_error err = WC_ERROR_INIT;
    assert_int_equal(wc_fp_compute(w, s, len, fp, &err), WC_OK);
}

/* The exact Jaccard of the body shingle sets of two texts made of long lines only. */
static double exact_jaccard(const char *a, const char *b, unsigned k)
{
    wc_tokens ta, tb;
    wc_error err = WC_ERROR_INIT;
    uint64_t *sa, *sb;
    size_t na, nb, i, j, inter = 0, ua = 0, ub = 0;

    wc_tokens_init(&ta);
    wc_tokens_init(&tb);
    assert_int_equal(wc_text_tokenize(a, strlen(a), &ta, &err), WC_OK);
    assert_int_equal(wc_text_tokenize(b, strlen(b), &tb, &err), WC_OK);
    sa = malloc((ta.ntok + 1) * sizeof(*sa));
    sb = malloc((tb.ntok + 1) * sizeof(*sb));
    na = wc_text_shingles(ta.hash, ta.ntok, k, sa);
    nb = wc_text_shingles(tb.hash, tb.ntok, k, sb);
    /* distinct counts and intersection, quadratic but small */
    for (i = 0; i < na; i++) {
        int dup = 0, in_b = 0;
        for (j = 0; j < i && !dup; j++)
            dup = sa[j] == sa[i];
        if (dup)
            continue;
        ua++;
        for (j = 0; j < nb && !in_b; j++)
            in_b = sb[j] == sa[i];
        inter += in_b;
    }
    for (i = 0; i < nb; i++) {
        int dup = 0;
        for (j = 0; j < i && !dup; j++)
            dup = sb[j] == sb[i];
        ub += !dup;
    }
    free(sa);
    free(sb);
    wc_tokens_release(&ta);
    wc_tokens_release(&tb);
    return (double)inter / (double)(ua + ub - inter);
}

/* --- parameters ---------------------------------------------------------------------- */

static void test_params_text_round_trip(void **state)
{
    wc_fp_params p = wc_fp_params_default(), q;
    char text[WC_FP_PARAMS_MAX], text2[WC_FP_PARAMS_MAX];
    wc_error err = WC_ERROR_INIT;

    (void)state;
    assert_int_equal(wc_fp_params_check(&p, &err), WC_OK);
    wc_fp_params_format(&p, text);
    /* the canonical form is one fixed line */
    assert_string_equal(text, "v1;k=3;perm=128;lead=30;lperm=32;minw=8;b=32;r=4;lb=16;lr=2;"
                              "t=0.35;c=0.5;lc=0.3;ts=0.6");
    assert_int_equal(wc_fp_params_parse(text, strlen(text), &q, &err), WC_OK);
    wc_fp_params_format(&q, text2);
    assert_string_equal(text, text2);
    assert_true(wc_fp_params_same_fprints(&p, &q));

    /* other values, keys in another order, missing keys keep defaults */
    p.shingle = 4;
    p.perm = 256;
    p.threshold = 0.425;
    p.rows = 8;
    wc_fp_params_format(&p, text);
    assert_int_equal(wc_fp_params_parse(text, strlen(text), &q, &err), WC_OK);
    wc_fp_params_format(&q, text2);
    assert_string_equal(text, text2);
    assert_int_equal(wc_fp_params_parse("v1;t=0.5;k=5", 12, &q, &err), WC_OK);
    assert_int_equal(q.shingle, 5);
    assert_true(q.threshold == 0.5);
    assert_int_equal(q.perm, 128);
    assert_int_equal(wc_fp_params_parse("v1", 2, &q, &err), WC_OK);
    /* no lead: lead bands go too */
    assert_int_equal(wc_fp_params_parse("v1;lead=0", 9, &q, &err), WC_OK);
    assert_int_equal(q.lead_bands, 0);
}

static void test_params_text_errors(void **state)
{
    static const char *const bad[] = {
        "",        "v2;k=3",      "v1;k=x",        "v1;k=9",   "v1;zz=1",
        "v1;k",    "v1;perm=100", "v1;t=1.5",      "v1;t=",    "v1;t=0.1234567",
        "v1;b=40", "v1;r=0",      "v1;lperm=256",  "v1;k=3;",  "k=3;v1",
        "v1;ts=0", "v1;k=-3",     "v1;minw=99999", "v1;lb=64", "v1;perm=32",
    };
    size_t i;
    wc_fp_params q;
    wc_error err = WC_ERROR_INIT;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        wc_error_clear(&err);
        if (wc_fp_params_parse(bad[i], strlen(bad[i]), &q, &err) == WC_OK)
            fail_msg("'%s' accepted", bad[i]);
        if (!err.msg[0])
            fail_msg("no message for %s", bad[i]);
    }
}

static void test_params_fprint_vs_decision_fields(void **state)
{
    wc_fp_params a = wc_fp_params_default(), b = a;

    (void)state;
    b.threshold = 0.5;
    b.bands = 16;
    b.rows = 8;
    assert_true(wc_fp_params_same_fprints(&a, &b));
    b = a;
    b.shingle = 4;
    assert_false(wc_fp_params_same_fprints(&a, &b));
    b = a;
    b.min_line_words = 5;
    assert_false(wc_fp_params_same_fprints(&a, &b));
    b = a;
    b.perm = 64;
    b.lead_perm = 32;
    b.bands = 16;
    b.lead_bands = 16;
    assert_false(wc_fp_params_same_fprints(&a, &b));
    assert_null(wc_fp_worker_new(&(wc_fp_params){0}));
}

/* --- fingerprints -------------------------------------------------------------------- */

static void test_identical_and_debris(void **state)
{
    wc_fp_params p = wc_fp_params_default();
    wc_fp_worker *w = wc_fp_worker_new(&p);
    wc_buf a = WC_BUF_INIT, b = WC_BUF_INIT;
    wc_fprint fa, fb;
    wc_similarity s;
    int i;

    (void)state;
    assert_non_null(w);
    for (i = 0; i < 8; i++)
        add_paragraph(&a, 100 + (uint64_t)i, 40);
    fp_of(w, a.buf, a.len, &fa);
    fp_of(w, a.buf, a.len, &fb);
    assert_memory_equal(&fa, &fb, sizeof(fa));
    assert_true(fa.shingles > 250);
    assert_int_equal(fa.lead_shingles, p.lead_tokens - p.shingle + 1);
    assert_int_equal(fa.words, 320);

    /* short debris lines around the same body: same signatures, other exact hash */
    assert_int_equal(wc_buf_addstr(&b, "By Staff Reporter\n\nShare this article\n\n"), WC_OK);
    assert_int_equal(wc_buf_add(&b, a.buf, a.len), WC_OK);
    assert_int_equal(wc_buf_addstr(&b, "Related: other news today\n\nAll rights reserved."), WC_OK);
    fp_of(w, b.buf, b.len, &fb);
    assert_memory_not_equal(fa.exact, fb.exact, 16);
    assert_memory_equal(fa.minhash, fb.minhash, sizeof(fa.minhash));
    assert_memory_equal(fa.lead, fb.lead, sizeof(fa.lead));
    wc_fprint_similarity(&fa, &fb, &s);
    assert_true(s.jaccard == 1.0 && s.containment == 1.0 && s.lead == 1.0);
    assert_true(wc_fp_is_copy(&p, &s));

    /* a text with only short lines keeps all its words */
    fp_of(w, "Short one\nshort two\nshort three", 31, &fb);
    assert_int_equal(fb.words, 6);
    assert_int_equal(fb.shingles, 4);

    /* empty text: no body, only an exact hash */
    fp_of(w, "", 0, &fb);
    assert_int_equal(fb.shingles, 0);
    assert_int_equal(fb.words, 0);
    wc_fprint_similarity(&fa, &fb, &s);
    assert_true(s.jaccard == 0 && s.containment == 0);
    assert_false(wc_fp_is_copy(&p, &s));

    wc_buf_release(&a);
    wc_buf_release(&b);
    wc_fp_worker_free(w);
    wc_fp_worker_free(NULL);
}

/*
 * The estimates against the truth: pairs sharing a random number of
 * paragraphs, estimated Jaccard within the binomial error of 128 values.
 */
static void test_jaccard_estimate_accuracy(void **state)
{
    wc_fp_params p = wc_fp_params_default();
    wc_fp_worker *w = wc_fp_worker_new(&p);
    uint64_t seed = 99;
    double sum_err = 0, max_err = 0;
    int trial, trials = 40;

    (void)state;
    for (trial = 0; trial < trials; trial++) {
        wc_buf a = WC_BUF_INIT, b = WC_BUF_INIT;
        wc_fprint fa, fb;
        wc_similarity s;
        int i, shared = 1 + (int)(rng_next(&seed) % 8), own = 8 - shared;
        double truth, e;

        for (i = 0; i < shared; i++) {
            uint64_t ps = rng_next(&seed);
            add_paragraph(&a, ps, 30);
            add_paragraph(&b, ps, 30);
        }
        for (i = 0; i < own; i++) {
            add_paragraph(&a, rng_next(&seed), 30);
            add_paragraph(&b, rng_next(&seed), 30);
        }
        fp_of(w, a.buf, a.len, &fa);
        fp_of(w, b.buf, b.len, &fb);
        wc_fprint_similarity(&fa, &fb, &s);
        truth = exact_jaccard(a.buf, b.buf, p.shingle);
        e = s.jaccard > truth ? s.jaccard - truth : truth - s.jaccard;
        sum_err += e;
        if (e > max_err)
            max_err = e;
        wc_buf_release(&a);
        wc_buf_release(&b);
    }
    /* sd of one estimate <= sqrt(0.25 / 128) = 0.044: mean |error| ~0.03, none past 4 sd */
    assert_true(sum_err / trials < 0.045);
    assert_true(max_err < 0.18);
    wc_fp_worker_free(w);
}

static void test_containment_of_cut_copy(void **state)
{
    wc_fp_params p = wc_fp_params_default();
    wc_fp_worker *w = wc_fp_worker_new(&p);
    wc_buf full = WC_BUF_INIT, cut = WC_BUF_INIT, other = WC_BUF_INIT;
    wc_fprint ff, fc, fo;
    wc_similarity s;
    int i;

    (void)state;
    for (i = 0; i < 12; i++) {
        add_paragraph(&full, 500 + (uint64_t)i, 35);
        if (i < 3)
            add_paragraph(&cut, 500 + (uint64_t)i, 35);
        /* a story sharing paragraphs 5 and 6, not the lead */
        add_paragraph(&other, i == 5 || i == 6 ? 500 + (uint64_t)i : 900 + (uint64_t)i, 35);
    }
    fp_of(w, full.buf, full.len, &ff);
    fp_of(w, cut.buf, cut.len, &fc);
    fp_of(w, other.buf, other.len, &fo);
    wc_fprint_similarity(&fc, &ff, &s);
    assert_true(s.jaccard < p.threshold); /* a quarter of the text: Jaccard cannot tell */
    assert_true(s.containment > 0.8);     /* ... containment can */
    assert_true(s.lead > 0.8);            /* and the leads agree */
    assert_true(wc_fp_is_copy(&p, &s));
    assert_true(s.score == s.containment);
    wc_fprint_similarity(&fo, &ff, &s);
    assert_true(s.lead < p.lead_containment); /* borrowed paragraphs, another lead */
    assert_false(wc_fp_is_copy(&p, &s));
    wc_buf_release(&full);
    wc_buf_release(&cut);
    wc_buf_release(&other);
    wc_fp_worker_free(w);
}

static void test_copy_rule(void **state)
{
    wc_fp_params p = wc_fp_params_default();
    wc_similarity s = {0};

    (void)state;
    s.jaccard = 0.5;
    s.lead = 0.9;
    assert_true(wc_fp_is_copy(&p, &s));
    s.lead = 0.1; /* a shared template around different leads */
    assert_false(wc_fp_is_copy(&p, &s));
    s.jaccard = 0.7; /* ... unless nearly everything is shared (rewritten lede) */
    assert_true(wc_fp_is_copy(&p, &s));
    s.jaccard = 0.1;
    s.containment = 0.95;
    s.lead = 0.8;
    assert_true(wc_fp_is_copy(&p, &s));
    s.lead = 0.0;
    assert_false(wc_fp_is_copy(&p, &s));
    p.lead_tokens = 0; /* without leads the containment stands alone */
    assert_true(wc_fp_is_copy(&p, &s));
}

/* --- blobs ----------------------------------------------------------------------------- */

static void test_pack_round_trip_and_damage(void **state)
{
    wc_fp_params p = wc_fp_params_default(), other = p;
    wc_fp_worker *w = wc_fp_worker_new(&p);
    wc_buf a = WC_BUF_INIT, blob = WC_BUF_INIT;
    wc_fprint fa, back;
    wc_error err = WC_ERROR_INIT;
    size_t i, len;
    unsigned char *copy;
    int bit;

    (void)state;
    for (i = 0; i < 6; i++)
        add_paragraph(&a, 40 + i, 30);
    fp_of(w, a.buf, a.len, &fa);
    assert_int_equal(wc_fprint_pack(&fa, &blob), WC_OK);
    assert_int_equal(blob.len, 48 + 2 * (p.perm + p.lead_perm));
    assert_int_equal(wc_fprint_unpack(blob.buf, blob.len, &p, &back, &err), WC_OK);
    assert_memory_equal(&fa, &back, sizeof(fa));

    /* every truncation is refused */
    for (len = 0; len < blob.len; len++)
        assert_int_equal(wc_fprint_unpack(blob.buf, len, &p, &back, &err), WC_ERR_CORRUPT);
    assert_int_equal(wc_fprint_unpack(NULL, 0, &p, &back, &err), WC_ERR_CORRUPT);
    /* a trailing byte too */
    assert_int_equal(wc_buf_addch(&blob, 0), WC_OK);
    assert_int_equal(wc_fprint_unpack(blob.buf, blob.len, &p, &back, &err), WC_ERR_CORRUPT);
    wc_buf_setlen(&blob, blob.len - 1);

    /* every single flipped bit is caught (checksum, magic or header checks) */
    copy = malloc(blob.len);
    for (i = 0; i < blob.len; i++)
        for (bit = 0; bit < 8; bit += 3) {
            memcpy(copy, blob.buf, blob.len);
            copy[i] ^= (unsigned char)(1u << bit);
            assert_int_equal(wc_fprint_unpack(copy, blob.len, &p, &back, &err), WC_ERR_CORRUPT);
        }
    /* random junk of the right length */
    for (i = 0; i < blob.len; i++)
        copy[i] = (unsigned char)(i * 131 + 7);
    assert_int_equal(wc_fprint_unpack(copy, blob.len, &p, &back, &err), WC_ERR_CORRUPT);
    free(copy);

    /* made under other fingerprint parameters: a mismatch, not corruption */
    other.shingle = 4;
    assert_int_equal(wc_fprint_unpack(blob.buf, blob.len, &other, &back, &err), WC_ERR_MISMATCH);
    other = p;
    other.perm = 64;
    other.lead_perm = 32;
    other.bands = 16;
    other.lead_bands = 16;
    assert_int_equal(wc_fprint_unpack(blob.buf, blob.len, &other, &back, &err), WC_ERR_MISMATCH);
    /* a decision parameter does not matter */
    other = p;
    other.threshold = 0.9;
    assert_int_equal(wc_fprint_unpack(blob.buf, blob.len, &other, &back, &err), WC_OK);

    wc_buf_release(&a);
    wc_buf_release(&blob);
    wc_fp_worker_free(w);
}

/*
 * A version 1 blob, as wirecopy wrote them before the SimHash was dropped
 * (2026-12: `wirecopy ingest` of V1_TEXT into a new database, then
 * hex(fprint)), reads as the fingerprint this version computes for the
 * same text: databases written before stay readable and keep matching.
 */
#define V1_TEXT                                                                                    \
    "The city council voted on Tuesday to expand the harbour bridge after a decade of debate "     \
    "over traffic, noise and cost, officials said.\n\nConstruction is expected to begin next "     \
    "spring and to last three years, with one lane kept open in each direction while crews work "  \
    "overnight to limit disruption for commuters."
static const char v1_blob_hex[] =
    "574346500100800020000000EBB8356C34000000320000001C0000004ACD6AE716B3B26A8CAE8C353D42"
    "10BBC55E0597C4A6B768B3832A76AA29C39B3AEF5D48395827CEAF242C389BDC98EE13F835EBBF271270"
    "A8BB5F4AA4F0D2BBAC1FAE697C0E51AF7F7C45EB0A34F9AAD1C79DB3DD9F206DEEB968C89E02F82749AF"
    "D85871729C330EC25438DE011B3976A464762F1B404B1A8D7473C6FD94CA3F04A192E8DFF1E7AFDEF882"
    "A9BF2787DB20554B701D3BFC6054EEE2BDCC8B66BCE93DC4A6EB4016945D071971FF7090F7AC888F37C0"
    "E6145146D9225AA62CBE1FF8EC975EF625E20BDEF6E2E5408177D056DF4B1A367D1F154E38BB45C062E6"
    "9ACEC1ADDDE0D2C40586510051281186B5BA50210CC6DC828F89146D2D6184633E2C5261624F0B38C6F2"
    "2D0790A9CE569B5BE29202E22B07B3832A76037AC39B3AEF6B783958643381A82C387DAAFA5613F835EB"
    "BF27EB51A8BB4CF07314D2BBAC1FAE69FDA151AF7F7C7CF00A34F9AA2F5D9DB3DD9F206DCFC8FE81";

static void test_version_1_blobs_read(void **state)
{
    wc_fp_params p = wc_fp_params_default();
    wc_fp_worker *w = wc_fp_worker_new(&p);
    unsigned char v1[sizeof(v1_blob_hex) / 2];
    wc_buf blob = WC_BUF_INIT;
    wc_fprint now, old, back;
    wc_error err = WC_ERROR_INIT;
    size_t i;

    (void)state;
    assert_int_equal(sizeof(v1), 376);
    for (i = 0; i < sizeof(v1); i++) {
        unsigned x;
        assert_int_equal(sscanf(v1_blob_hex + 2 * i, "%2x", &x), 1);
        v1[i] = (unsigned char)x;
    }
    fp_of(w, V1_TEXT, strlen(V1_TEXT), &now);
    assert_int_equal(wc_fprint_unpack(v1, sizeof(v1), &p, &old, &err), WC_OK);
    assert_memory_equal(&old, &now, sizeof(now));
    /* written again it is the current version, 8 bytes shorter, and reads back the same */
    assert_int_equal(wc_fprint_pack(&old, &blob), WC_OK);
    assert_int_equal(blob.len, sizeof(v1) - 8);
    assert_int_equal(((const unsigned char *)blob.buf)[4], 2);
    assert_int_equal(wc_fprint_unpack(blob.buf, blob.len, &p, &back, &err), WC_OK);
    assert_memory_equal(&back, &now, sizeof(now));
    /* a damaged version 1 blob is refused like any other */
    v1[100] ^= 4;
    assert_int_equal(wc_fprint_unpack(v1, sizeof(v1), &p, &old, &err), WC_ERR_CORRUPT);
    /* and a version this wirecopy does not know */
    memcpy(v1, blob.buf, blob.len);
    v1[4] = 3;
    assert_int_equal(wc_fprint_unpack(v1, blob.len, &p, &old, &err), WC_ERR_CORRUPT);
    wc_buf_release(&blob);
    wc_fp_worker_free(w);
}

/*
 * Junk in, no crash out: random bytes (biased towards UTF-8 lead and
 * continuation bytes, newlines and spaces) through the tokeniser, the
 * fingerprint, the blob reader and the parameter parser. Run under ASan
 * and UBSan by scripts/test.sh.
 */
static void test_random_input(void **state)
{
    static const unsigned char pool[] = {' ',  '\n', '.',  ',',  '%',  '\'', 'a',  'Z',
                                         '7',  0x00, 0x80, 0xbf, 0xc2, 0xc3, 0xcc, 0xe2,
                                         0xef, 0xf0, 0xf4, 0xff, 0xa0, 0x81, 0x9c, 0x9d};
    wc_fp_params p = wc_fp_params_default(), q;
    wc_fp_worker *w = wc_fp_worker_new(&p);
    unsigned char buf[3000];
    uint64_t seed = 77;
    wc_fprint fp;
    wc_error err = WC_ERROR_INIT;
    int round;

    (void)state;
    for (round = 0; round < 1500; round++) {
        size_t len = (size_t)(rng_next(&seed) % sizeof(buf)), i;
        for (i = 0; i < len; i++) {
            uint64_t r = rng_next(&seed);
            buf[i] = r % 3 ? pool[(r >> 8) % sizeof(pool)] : (unsigned char)(r >> 16);
        }
        assert_int_equal(wc_fp_compute(w, (const char *)buf, len, &fp, &err), WC_OK);
        assert_true(fp.lead_shingles <= fp.shingles);
        assert_true(fp.shingles <= fp.words || fp.words == 0 || fp.shingles == 1);
        if (wc_fprint_unpack(buf, len, &p, &fp, &err) == WC_OK)
            fail_msg("random bytes accepted as a fingerprint blob");
        (void)wc_fp_params_parse((const char *)buf, len % 200, &q, &err);
    }
    wc_fp_worker_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_text_round_trip),
        cmocka_unit_test(test_params_text_errors),
        cmocka_unit_test(test_params_fprint_vs_decision_fields),
        cmocka_unit_test(test_identical_and_debris),
        cmocka_unit_test(test_jaccard_estimate_accuracy),
        cmocka_unit_test(test_containment_of_cut_copy),
        cmocka_unit_test(test_copy_rule),
        cmocka_unit_test(test_pack_round_trip_and_damage),
        cmocka_unit_test(test_version_1_blobs_read),
        cmocka_unit_test(test_random_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
