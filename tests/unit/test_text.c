/*
 * test_text.c - canonical words: Unicode folding, punctuation, number style,
 * spelling variants, lines, caps and shingles.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/text.h"

/* The canonical text of s (one of two static buffers, used in turn). */
static const char *canon(const char *s)
{
    static char bufs[2][4096];
    static int turn;
    char *out = bufs[turn ^= 1];
    wc_tokens t;
    wc_error err = WC_ERROR_INIT;

    wc_tokens_init(&t);
    assert_int_equal(wc_text_tokenize(s, strlen(s), &t, &err), WC_OK);
    assert_true(t.norm.len < sizeof(bufs[0]));
    memcpy(out, t.norm.buf, t.norm.len + 1);
    wc_tokens_release(&t);
    return out;
}

static void test_case_accents_and_compat_forms(void **state)
{
    (void)state;
    /* NFC, NFD and upper case all give the same word */
    assert_string_equal(canon("Caf\xc3\xa9"), "cafe");
    assert_string_equal(canon("Cafe\xcc\x81"), "cafe");
    assert_string_equal(canon("CAF\xc3\x89"), "cafe");
    /* ligature, full-width letters, German sharp s */
    assert_string_equal(canon("\xef\xac\x81nance"), "finance");
    assert_string_equal(canon("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3"), "abc");
    assert_string_equal(canon("Stra\xc3\x9f"
                              "e"),
                        "strase");
}

static void test_spaces_quotes_and_dashes(void **state)
{
    (void)state;
    /* no-break space, thin space, tabs, CR */
    assert_string_equal(canon("a\xc2\xa0"
                              "b\xe2\x80\x89"
                              "c\t d\r"),
                        "a b c d");
    /* curly and straight apostrophes and quotes give the same words */
    assert_string_equal(canon("\xe2\x80\x9cWe don\xe2\x80\x99t,\xe2\x80\x9d she said"),
                        canon("\"We don't,\" she said"));
    assert_string_equal(canon("don\xe2\x80\x99t"), "dont");
    /* em dash, en dash, double hyphen separate words alike */
    assert_string_equal(canon("rates\xe2\x80\x94"
                              "and"),
                        "rates and");
    assert_string_equal(canon("rates \xe2\x80\x93 and"), "rates and");
    assert_string_equal(canon("rates -- and"), "rates and");
    /* soft hyphen and zero-width space are invisible: they do not split */
    assert_string_equal(canon("infor\xc2\xadmation"), "information");
    assert_string_equal(canon("news\xe2\x80\x8broom"), canon("newsroom"));
}

static void test_number_style(void **state)
{
    (void)state;
    assert_string_equal(canon("18%"), "18 pct");
    assert_string_equal(canon("18 per cent"), "18 pct");
    assert_string_equal(canon("18 percent"), "18 pct");
    assert_string_equal(canon("18 pct"), "18 pct");
    assert_string_equal(canon("13.9 mln dlrs"), canon("13.9 million dollars"));
    assert_string_equal(canon("2 billion"), "2 bln");
    /* thousands separators come and go; decimals stay one word */
    assert_string_equal(canon("3,500 workers"), "3500 workers");
    assert_string_equal(canon("rose 4.2 points."), "rose 4.2 points");
    /* a full stop after a number is not a decimal point */
    assert_string_equal(canon("in 1987. Then"), "in 1987 then");
    /* "per" alone is a word */
    assert_string_equal(canon("per head"), "per head");
}

static void test_spelling_variants(void **state)
{
    static const char *const pairs[][2] = {
        {"colour", "color"},
        {"honours", "honors"},
        {"favourite", "favorite"},
        {"behaviour", "behavior"},
        {"organise", "organize"},
        {"organised", "organized"},
        {"organisation", "organization"},
        {"recognising", "recognizing"},
        {"analyse", "analyze"},
        {"centre", "center"},
        {"theatres", "theaters"},
        {"fibre", "fiber"},
        {"travelled", "traveled"},
        {"fulfil", "fulfill"},
        {"defence", "defense"},
        {"licence", "license"},
        {"catalogue", "catalog"},
        {"programme", "program"},
        {"programmes", "programs"},
        {"paediatric", "pediatric"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
        assert_string_equal(canon(pairs[i][0]), canon(pairs[i][1]));
    /* words that are not variants stay apart */
    assert_string_not_equal(canon("colour"), canon("collar"));
    assert_string_not_equal(canon("centre"), canon("central"));
    /* case and accents are folded first, then the spelling */
    assert_string_equal(canon("COLOUR"), "color");
    assert_string_equal(canon("col\xc3\xb6ur"), "color");
    /* a word that keeps a non-ASCII letter is not folded */
    assert_string_equal(canon("\xce\xb1"
                              "colour"),
                        "\xce\xb1"
                        "colour");
}

static void test_lines_and_sentence_flags(void **state)
{
    wc_tokens t;
    wc_error err = WC_ERROR_INIT;
    const char *s = "Headline here\n\nFirst paragraph ends.\n\n\n  \nShare this\nQuote \xe2\x80\x9c"
                    "ends\xe2\x80\x9d\n";

    (void)state;
    wc_tokens_init(&t);
    assert_int_equal(wc_text_tokenize(s, strlen(s), &t, &err), WC_OK);
    assert_int_equal(t.nlines, 4);
    assert_int_equal(t.ntok, 9);
    assert_int_equal(t.line_end[0], 2);
    assert_int_equal(t.line_end[1], 5);
    assert_int_equal(t.line_end[2], 7);
    assert_int_equal(t.line_end[3], 9);
    assert_int_equal(t.line_flags[0] & WC_LINE_SENTENCE, 0);
    assert_int_equal(t.line_flags[1] & WC_LINE_SENTENCE, WC_LINE_SENTENCE);
    assert_int_equal(t.line_flags[2] & WC_LINE_SENTENCE, 0);
    assert_int_equal(t.line_flags[3] & WC_LINE_SENTENCE, WC_LINE_SENTENCE);
    /* paragraphs open after blank lines: lines 0, 1 and 2 do, line 3 continues line 2 */
    assert_int_equal(t.line_flags[0] & WC_LINE_PARAGRAPH, WC_LINE_PARAGRAPH);
    assert_int_equal(t.line_flags[1] & WC_LINE_PARAGRAPH, WC_LINE_PARAGRAPH);
    assert_int_equal(t.line_flags[2] & WC_LINE_PARAGRAPH, WC_LINE_PARAGRAPH);
    assert_int_equal(t.line_flags[3] & WC_LINE_PARAGRAPH, 0);
    assert_string_equal(t.norm.buf, "headline here\nfirst paragraph ends\nshare this\nquote ends");
    /* the same word gives the same hash wherever it is */
    assert_true(t.hash[3] != t.hash[4]);
    wc_tokens_release(&t);
    wc_tokens_release(NULL);
}

static void test_bad_bytes_and_caps(void **state)
{
    wc_tokens t;
    wc_error err = WC_ERROR_INIT;
    char big[200];
    static const char bad[] = "ok \xff\xfe bytes \xe2\x82 here\0after";

    (void)state;
    wc_tokens_init(&t);
    assert_int_equal(wc_text_tokenize(bad, sizeof(bad) - 1, &t, &err), WC_OK);
    assert_true(t.replaced >= 3);
    assert_string_equal(t.norm.buf, "ok bytes here after");

    /* a word longer than WC_TEXT_MAX_WORD is cut, not refused */
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)('a' + i % 26);
    assert_int_equal(wc_text_tokenize(big, sizeof(big), &t, &err), WC_OK);
    assert_int_equal(t.ntok, 1);
    assert_int_equal(t.norm.len, WC_TEXT_MAX_WORD);

    /* too long a text: refused before it is read */
    assert_int_equal(wc_text_tokenize(big, WC_TEXT_MAX_BYTES + 1, &t, &err), WC_ERR_LIMIT);
    assert_int_equal(err.code, WC_ERR_LIMIT);
    assert_int_equal(t.ntok, 0);

    /* empty and wordless texts */
    assert_int_equal(wc_text_tokenize("", 0, &t, &err), WC_OK);
    assert_int_equal(t.ntok, 0);
    assert_int_equal(t.nlines, 0);
    assert_int_equal(wc_text_tokenize(" -- \n\n ... ", 11, &t, &err), WC_OK);
    assert_int_equal(t.ntok, 0);
    wc_tokens_release(&t);
}

static void test_shingles(void **state)
{
    wc_tokens a, b;
    wc_error err = WC_ERROR_INIT;
    uint64_t sa[16], sb[16];
    size_t na, nb;

    (void)state;
    wc_tokens_init(&a);
    wc_tokens_init(&b);
    assert_int_equal(wc_text_tokenize("one two three four five", 23, &a, &err), WC_OK);
    na = wc_text_shingles(a.hash, a.ntok, 3, sa);
    assert_int_equal(na, 3);
    /* same words in the same order: same shingle, wherever it stands */
    assert_int_equal(wc_text_tokenize("zero one two three", 18, &b, &err), WC_OK);
    nb = wc_text_shingles(b.hash, b.ntok, 3, sb);
    assert_int_equal(nb, 2);
    assert_true(sb[1] == sa[0]);
    /* order matters */
    assert_int_equal(wc_text_tokenize("three two one", 13, &b, &err), WC_OK);
    nb = wc_text_shingles(b.hash, b.ntok, 3, sb);
    assert_int_equal(nb, 1);
    assert_true(sb[0] != sa[0]);
    /* fewer words than k: one shingle; none for no words */
    assert_int_equal(wc_text_shingles(a.hash, 2, 3, sb), 1);
    assert_true(sb[0] != sa[0]);
    assert_int_equal(wc_text_shingles(a.hash, 0, 3, sb), 0);
    /* k = 1: one shingle per word, distinct from the word hash itself is fine */
    assert_int_equal(wc_text_shingles(a.hash, a.ntok, 1, sb), 5);
    wc_tokens_release(&a);
    wc_tokens_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_accents_and_compat_forms),
        cmocka_unit_test(test_spaces_quotes_and_dashes),
        cmocka_unit_test(test_number_style),
        cmocka_unit_test(test_spelling_variants),
        cmocka_unit_test(test_lines_and_sentence_flags),
        cmocka_unit_test(test_bad_bytes_and_caps),
        cmocka_unit_test(test_shingles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
