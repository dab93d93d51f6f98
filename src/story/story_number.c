/*
 * story_number.c - numbers with their units, and years.
 *
 * The figures of an event travel with it from outlet to outlet in other
 * words: "23 pirates", "$18 billion", "1.4 petabytes", "5%". A number
 * alone is weak (every text has a "2"), a number and what it counts is
 * nearly a name. Each number of the text (dates and times are blanked
 * before, see story_dates.c) gives one term, its value written in one
 * canonical way:
 *
 *   - thousands separators go and the decimal point is '.', read by the
 *     language ("1,000" and "1000" in English, "1.000" in German, "2,5"
 *     there is 2.5); magnitudes are multiplied out ("2.5 million",
 *     "2.5mn", "€2.5m" give 2500000), no leading or trailing zeros;
 *   - a currency sign before or after it, or a currency word after it,
 *     goes first: "$18", "€2500000" ("18 dollars" is "$18");
 *   - a percentage gets '%' ("5 percent", "5 per cent", "5 %" are "5%");
 *   - otherwise the word after it, when it is a lower-case word that is
 *     not a stopword (on the same line, joined by a blank or a hyphen),
 *     is its unit, stemmed as body words are: "26 pirat", "57 year",
 *     "1.4 petabyt", "3 bodi"; in English, "three bodies" is "3 bodi"
 *     too (number words one to twenty, only with a unit);
 *   - an ordinal is "#21" ("21st");
 *   - a bare four-digit number from 1950 to 2039 is a YEAR term when it
 *     is in the lead (the first ST_LEAD_WORDS words, the title's among
 *     them), and is dropped after it: news says when its event happened
 *     at the top, and the years further down are background (a founding,
 *     an earlier case) that write-ups of one event pick differently. On
 *     stories-dev, pairs of one topic that both name lead years share one
 *     in 1549 of 1652 pairs of one story and in 20 of 549 pairs of two;
 *     with every year, 1911 of 2201 and 205 of 1405;
 *   - any other bare number is a NUMBER term as itself.
 *
 * Left alone: digits after a letter and a hyphen ("COVID-19", "F-16":
 * names, which the entity pass sees), numbers of more than 24 digits,
 * version-like strings ("1.2.3"), ranges and signs ("3-4", "-5" count as
 * their numbers).
 */
#include "story_internal.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Words of the lead, where a year is the event's (see above). */
#define ST_LEAD_WORDS 100

/* Digits of a value kept; longer numbers are identifiers, not figures. */
#define NUM_MAX_DIGITS 24

size_t st_number_text(const char *p, size_t len, bool decimal_comma, int exp10, char *out,
                      size_t cap)
{
    char dig[NUM_MAX_DIGITS + 1];
    size_t i, nd = 0, ncomma = 0, ndot = 0, last_comma = SIZE_MAX, last_dot = SIZE_MAX, o = 0;
    size_t dec = SIZE_MAX, frac = 0;
    long e;

    for (i = 0; i < len; i++) {
        if (p[i] == ',') {
            ncomma++;
            last_comma = i;
        } else if (p[i] == '.') {
            ndot++;
            last_dot = i;
        } else if (p[i] < '0' || p[i] > '9') {
            return 0;
        }
    }
    if (ncomma && ndot) {
        /* "1,234.5" or "1.234,5": the last kind is the decimal point, once */
        bool comma_last = last_comma > last_dot;
        if ((comma_last ? ncomma : ndot) != 1)
            return 0;
        dec = comma_last ? last_comma : last_dot;
    } else if (ncomma + ndot == 1) {
        size_t at = ncomma ? last_comma : last_dot;
        bool thousands = len - at - 1 == 3 && (ncomma ? !decimal_comma : decimal_comma);
        if (!thousands)
            dec = at;
    } else if (ncomma + ndot > 1) {
        /* one kind, many times: thousands, every group of three digits */
        size_t run = 0;
        bool first = true;
        for (i = 0; i <= len; i++) {
            if (i == len || p[i] == ',' || p[i] == '.') {
                if ((first && (run < 1 || run > 3)) || (!first && run != 3))
                    return 0;
                first = false;
                run = 0;
            } else {
                run++;
            }
        }
    }
    /* value = all digits (separators out) x 10^(exp10 - digits after the point); zeros
     * in front of the first significant digit count for nothing */
    for (i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            continue;
        if (dec != SIZE_MAX && i > dec)
            frac++;
        if (nd == 0 && p[i] == '0')
            continue;
        if (nd >= NUM_MAX_DIGITS)
            return 0;
        dig[nd++] = p[i];
    }
    while (nd && dig[nd - 1] == '0') {
        nd--;
        exp10++;
    }
    if (!nd) {
        if (cap < 2)
            return 0;
        out[0] = '0';
        return 1;
    }
    e = (long)exp10 - (long)frac;
    if (e >= 0) {
        if (nd + (size_t)e > 30 || nd + (size_t)e >= cap)
            return 0;
        memcpy(out, dig, nd);
        memset(out + nd, '0', (size_t)e);
        return nd + (size_t)e;
    }
    if ((size_t)-e >= nd) {
        size_t zeros = (size_t)-e - nd;
        if (2 + zeros + nd >= cap || zeros > 30)
            return 0;
        out[o++] = '0';
        out[o++] = '.';
        memset(out + o, '0', zeros);
        o += zeros;
        memcpy(out + o, dig, nd);
        return o + nd;
    }
    if (nd + 1 >= cap)
        return 0;
    memcpy(out, dig, nd - (size_t)-e);
    o = nd - (size_t)-e;
    out[o++] = '.';
    memcpy(out + o, dig + nd - (size_t)-e, (size_t)-e);
    return o + (size_t)-e;
}

/* --- words around numbers ------------------------------------------------------- */

struct magnitude {
    const char *w;
    int exp10;
};

static const struct magnitude magnitudes[] = {
    {"thousand", 3},  {"thousands", 3}, {"million", 6},    {"millions", 6},   {"mln", 6},
    {"mn", 6},        {"billion", 9},   {"billions", 9},   {"bn", 9},         {"bln", 9},
    {"trillion", 12}, {"tn", 12},       {"trn", 12},       {"tausend", 3},    {"mio", 6},
    {"million", 6},   {"millionen", 6}, {"milliarde", 9},  {"milliarden", 9}, {"mrd", 9},
    {"milliard", 9},  {"milliards", 9}, {"billionen", 12}, {"mille", 3},
};

static int magnitude_of(const char *w, size_t len)
{
    size_t i;

    for (i = 0; i < WC_ARRAY_SIZE(magnitudes); i++)
        if (st_lit_eq(magnitudes[i].w, w, len))
            return magnitudes[i].exp10;
    return 0;
}

static const char *const number_words[] = {
    "zero",     "one",     "two",     "three",     "four",     "five",     "six",
    "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",   "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
};

/* The value of an English number word, or -1. */
static int number_word(const char *w, size_t len)
{
    size_t i;

    for (i = 1; i < WC_ARRAY_SIZE(number_words); i++)
        if (st_lit_eq(number_words[i], w, len))
            return (int)i;
    return -1;
}

/* A currency word after a number: its sign, or NULL. */
static const char *currency_word(const char *w, size_t len)
{
    static const struct {
        const char *w, *sign;
    } words[] = {{"dollar", "$"}, {"dollars", "$"}, {"euro", "€"}, {"euros", "€"},
                 {"yen", "¥"},    {"usd", "$"},     {"eur", "€"},  {"gbp", "£"}};
    size_t i;

    for (i = 0; i < WC_ARRAY_SIZE(words); i++)
        if (st_lit_eq(words[i].w, w, len))
            return words[i].sign;
    return NULL;
}

/* Lower-case ASCII copy of token t into out (cap bytes); its length, 0 when it does not fit. */
static size_t lower_tok(const char *s, const st_tok *t, size_t from, char *out, size_t cap)
{
    size_t n = t->len - from, i;

    if (n >= cap)
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[t->off + from + i];
        out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return n;
}

/* Does token j follow token i on the same line with only blanks (or a hyphen) between? */
static bool next_to(const wc_story_profiler *p, size_t i, size_t j)
{
    return j < p->ntok && j == i + 1 && p->tok[j].line == p->tok[i].line &&
           !(p->tok[j].flags & ST_APOS);
}

struct reading {
    const char *num; /* the number's digits, or NULL for a number word */
    size_t numlen;
    int value;       /* a number word's value */
    int exp10;       /* magnitude */
    const char *cur; /* currency sign, or NULL */
    size_t curlen;
    bool pct, ordinal;
    char unit[ST_MAX_WORD * 4];
    size_t unitlen;
};

/* Read what follows the number at token i (magnitude, '%', currency, unit); returns WC_OK. */
static wc_status read_after(wc_story_profiler *p, const char *s, size_t i, struct reading *r)
{
    char w[ST_MAX_WORD * 4];
    size_t j = i + 1, n, ncp;
    const char *sign, *term;
    struct st_cword *cw;
    uint64_t body;
    bool nomem;
    int m;

    if (next_to(p, i, j) && p->tok[j].type == ST_WORD &&
        (n = lower_tok(s, &p->tok[j], 0, w, sizeof(w))) && (m = magnitude_of(w, n))) {
        r->exp10 += m;
        i = j++;
    }
    if (!next_to(p, i, j))
        return WC_OK;
    /* an elided article ("2,5 millions d'euros"): the word after it */
    if (p->tok[j].type == ST_WORD && p->tok[j].ncp == 1 && !(p->tok[j].flags & ST_CAP) &&
        j + 1 < p->ntok && (p->tok[j + 1].flags & ST_APOS) && p->tok[j + 1].type == ST_WORD)
        j++;
    /* "300 millions de dollars" */
    if (p->tok[j].type == ST_WORD && p->tok[j].len == 2 &&
        (!memcmp(s + p->tok[j].off, "de", 2) || !memcmp(s + p->tok[j].off, "of", 2)) &&
        next_to(p, j, j + 1) && p->tok[j + 1].type == ST_WORD &&
        (n = lower_tok(s, &p->tok[j + 1], 0, w, sizeof(w))) && (sign = currency_word(w, n))) {
        if (!r->cur) {
            r->cur = sign;
            r->curlen = strlen(sign);
        }
        return WC_OK;
    }
    if (p->tok[j].type == ST_SYM) {
        if (p->tok[j].ch == '%')
            r->pct = true;
        else if (!r->cur) {
            r->cur = s + p->tok[j].off;
            r->curlen = p->tok[j].len;
        }
        return WC_OK;
    }
    if (p->tok[j].type != ST_WORD || !(n = lower_tok(s, &p->tok[j], 0, w, sizeof(w))))
        return WC_OK;
    if ((n == 7 && !memcmp(w, "percent", 7)) || (n == 3 && !memcmp(w, "pct", 3)) ||
        (n == 7 && !memcmp(w, "prozent", 7))) {
        r->pct = true;
        return WC_OK;
    }
    if (((n == 3 && !memcmp(w, "per", 3)) || (n == 4 && !memcmp(w, "pour", 4))) &&
        next_to(p, j, j + 1) && p->tok[j + 1].len == 4 &&
        !memcmp(s + p->tok[j + 1].off, "cent", 4)) {
        r->pct = true;
        return WC_OK;
    }
    if ((sign = currency_word(w, n))) {
        if (!r->cur) {
            r->cur = sign;
            r->curlen = strlen(sign);
        }
        return WC_OK;
    }
    /* a capitalised word after a number is a name ("in 2005 Smith"), but in German every
     * noun is capitalised ("1.000 Menschen") */
    if (r->cur || (p->tok[j].flags & ST_UPPER) || ((p->tok[j].flags & ST_CAP) && !p->german_caps) ||
        p->tok[j].len > ST_MAX_WORD)
        return WC_OK;
    /* the unit is the word's body term: the word cache has it, stemmed once */
    if ((cw = st_tok_word(p, s, j, &nomem))) {
        if (!(cw->flags & ST_CW_FOLDED) || cw->ncp < 2 || (cw->flags & ST_CW_STOP))
            return WC_OK;
        if ((n = st_word_term(p, cw, &term, &body)) == SIZE_MAX)
            return WC_ERR_NOMEM;
        memcpy(r->unit, term, n);
        r->unitlen = n;
        return WC_OK;
    }
    n = st_fold(s + p->tok[j].off, p->tok[j].len, ST_FOLD_CASE, w, sizeof(w), &ncp);
    if (n == SIZE_MAX || ncp < 2 || st_is_stopword(p, w, n))
        return WC_OK;
    n = st_stem(p, w, n, r->unit, sizeof(r->unit));
    if (n == SIZE_MAX)
        return WC_ERR_NOMEM;
    r->unitlen = n;
    return WC_OK;
}

/* Read a glued suffix ("2.5m", "21st", "30km"). */
static wc_status read_suffix(wc_story_profiler *p, const char *s, const st_tok *t,
                             struct reading *r)
{
    char w[ST_MAX_WORD * 4];
    size_t n = lower_tok(s, t, t->numlen, w, sizeof(w)), ncp;

    if (!n)
        return WC_OK;
    if ((n == 2 && (!memcmp(w, "st", 2) || !memcmp(w, "nd", 2) || !memcmp(w, "rd", 2) ||
                    !memcmp(w, "th", 2))) ||
        (n == 1 && (w[0] == 'e' || w[0] == 'o')) || (n == 2 && !memcmp(w, "er", 2))) {
        r->ordinal = true; /* 21st, 2e, 1o, 1er */
        return WC_OK;
    }
    if (r->cur && n == 1 && (w[0] == 'k' || w[0] == 'm' || w[0] == 'b')) {
        r->exp10 += w[0] == 'k' ? 3 : w[0] == 'm' ? 6 : 9; /* "$3k", "€2.5m", "$1b" */
        return WC_OK;
    }
    if (n >= 2 && magnitude_of(w, n)) {
        r->exp10 += magnitude_of(w, n);
        return WC_OK;
    }
    n = st_fold(s + t->off + t->numlen, t->len - t->numlen, ST_FOLD_CASE, w, sizeof(w), &ncp);
    if (n == SIZE_MAX)
        return WC_OK;
    n = st_stem(p, w, n, r->unit, sizeof(r->unit));
    if (n == SIZE_MAX)
        return WC_ERR_NOMEM;
    r->unitlen = n;
    return WC_OK;
}

static wc_status emit_reading(wc_story_profiler *p, const struct reading *r, uint32_t pos,
                              bool lead)
{
    char v[48], term[ST_MAX_TERM];
    size_t vn, o = 0;
    bool year;

    if (r->num) {
        vn = st_number_text(r->num, r->numlen, p->decimal_comma, r->exp10, v, sizeof(v));
    } else {
        int k = snprintf(v, sizeof(v), "%d", r->value);
        vn = k > 0 && (size_t)k < sizeof(v) ? (size_t)k : 0;
        if (vn && r->exp10 && (vn = st_number_text(v, vn, false, r->exp10, term, sizeof(v))))
            memcpy(v, term, vn);
    }
    if (!vn)
        return WC_OK;
    if (r->ordinal) {
        term[o++] = '#';
    } else if (r->cur) {
        memcpy(term, r->cur, r->curlen);
        o = r->curlen;
    }
    memcpy(term + o, v, vn);
    o += vn;
    if (r->ordinal || r->cur)
        return st_emit(p, WC_STORY_TAG_NUMBER, term, o, pos);
    if (r->pct) {
        term[o++] = '%';
        return st_emit(p, WC_STORY_TAG_NUMBER, term, o, pos);
    }
    if (r->unitlen) {
        term[o++] = ' ';
        memcpy(term + o, r->unit, r->unitlen);
        return st_emit(p, WC_STORY_TAG_NUMBER, term, o + r->unitlen, pos);
    }
    if (!r->num)
        return WC_OK; /* "one" alone is a word, not a figure */
    year = r->numlen == 4 && !r->exp10 && !memchr(r->num, '.', 4) && !memchr(r->num, ',', 4) &&
           ((r->num[0] == '1' && r->num[1] == '9' && r->num[2] >= '5') ||
            (r->num[0] == '2' && r->num[1] == '0' && r->num[2] <= '3'));
    if (year && !lead)
        return WC_OK; /* a background year */
    return st_emit(p, year ? WC_STORY_TAG_YEAR : WC_STORY_TAG_NUMBER, term, o, pos);
}

/* The value of word token i as an English number word (w: 32 bytes of room), or -1. */
static int cached_number(wc_story_profiler *p, const char *s, size_t i, char w[32])
{
    const st_tok *t = &p->tok[i];
    struct st_cword *cw;
    bool nomem;
    size_t n;
    int v;

    if ((cw = st_tok_word(p, s, i, &nomem)) && (cw->flags & ST_CW_COUNTED))
        return cw->number;
    v = (n = lower_tok(s, t, 0, w, 32)) ? number_word(w, n) : -1;
    if (cw) {
        cw->number = (int8_t)v;
        cw->flags |= ST_CW_COUNTED;
    }
    return v;
}

wc_status st_numbers(wc_story_profiler *p, const char *s)
{
    char w[32];
    size_t i, words = 0;
    wc_status st;

    for (i = 0; i < p->ntok; i++) {
        const st_tok *t = &p->tok[i];
        const st_tok *prev = i ? &p->tok[i - 1] : NULL;
        struct reading r;
        int value;

        if (t->type == ST_WORD || t->type == ST_NUM || t->type == ST_ID)
            words++;
        if (t->type == ST_WORD) {
            if (!p->english || t->len >= sizeof(w) || (value = cached_number(p, s, i, w)) < 0)
                continue;
            memset(&r, 0, sizeof(r));
            r.value = value;
        } else if (t->type == ST_NUM) {
            memset(&r, 0, sizeof(r));
            if ((t->flags & (ST_HYPHEN | ST_GLUED)) && prev &&
                (prev->type == ST_WORD || prev->type == ST_ID))
                continue; /* "COVID-19" */
            r.num = s + t->off;
            r.numlen = t->numlen;
            if (prev && prev->type == ST_SYM && prev->ch != '%' && prev->line == t->line) {
                r.cur = s + prev->off;
                r.curlen = prev->len;
            }
            if (t->len > t->numlen && (st = read_suffix(p, s, t, &r)))
                return st;
        } else {
            continue;
        }
        if (!r.ordinal && !r.unitlen && (st = read_after(p, s, i, &r)))
            return st;
        if (!r.num && !r.unitlen)
            continue;
        if ((st = emit_reading(p, &r, (uint32_t)i, words <= ST_LEAD_WORDS)))
            return st;
    }
    return WC_OK;
}
