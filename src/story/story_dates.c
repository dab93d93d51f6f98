/*
 * story_dates.c - find the date and time expressions of a text, blank
 * them out, and read the dateline.
 *
 * Why blank them. Outlets put the day's date, the time of the last update
 * and the weekday on the page ("Saturday, August 24, 2013", "Updated 9:
 * 28 AM EDT", "13:26 14/09/2013"), often in the title or the first line.
 * Read as words and numbers, those strings make "august", "24", "2013",
 * "13", "26" terms that every story of that day shares: on the dev data
 * (stories-dev) the prototype found them chaining unrelated stories
 * through the title and number features. So before any feature is read,
 * every expression found here is overwritten with spaces (the text keeps
 * its length and its line breaks).
 *
 * Why read them. Many texts come without a published time (JSONL dumps,
 * pages without metadata) but open with a dateline. On stories-dev the
 * first full date in the first three lines gives 152 more documents a
 * date, and where the published date is known it agrees with it within a
 * day in 162 of 164 cases. The dateline is that date at 12:00 UTC: the
 * middle of its day, as its time zone is not known.
 *
 * What is recognised: a chain of parts on one line, each part one of
 *
 *   weekday     "Saturday", "Tue", "Sat.", "Montag", "lundi" (a lone
 *               weekday only when written in full and capitalised: "Sun"
 *               is a paper)
 *   date        "August 24, 2013", "Aug. 24th 2013", "24 August 2013",
 *               "24. August 2013", "24 août 2013", "2013-08-24",
 *               "14/09/2013", "14.09.2013", "12 / 19 / 2005"; English
 *               "August 24" and "24 August" without a year (capitalised)
 *   time        "8:41", "13: 26", "8:41:07", "8:41 p.m. EST", "8 pm",
 *               "T10:00:00Z" after an ISO date, "GMT+05:00"
 *   marker      "updated", "last updated", "posted", "published",
 *               "modified" (with ":" "at" "on"), only before another part
 *
 * joined by nothing or by one of , | - – ( at. A numeric date with both
 * fields 12 or less ("03/04/2013") is read by the convention of the
 * text's language: month first in English (stories-dev has ten such
 * datelines; nine are US month/day, checked against the events), day
 * first elsewhere. Full dates need a year in 1900-2099 and a day that
 * exists; a dateline, a year in 1950-2039.
 *
 * Month and weekday names: English, German and French (the languages the
 * unit tests write in); a date in another language stays in the text as
 * words. Numbers that merely look like times (a score "2:14") are blanked
 * too: the cost is a lost number term, rarely one that mattered.
 */
#include "story_internal.h"

#include <assert.h>
#include <pthread.h>
#include <string.h>

#include <utf8proc.h>

#include "internal.h"

/* Tokens of one chain looked at from one start: the longest real chain
 * ("Last updated: Tuesday, March 3, 2009, 8:41 p.m. EST") is 20. */
#define DATE_WINDOW 32

/*
 * Years a dateline may have: the YEAR terms' range. Full dates from 1900
 * on are blanked, but one before 1950 in the first lines is a birth date
 * ("Page was born on April 22, 1923", stories-dev), not the day written.
 */
#define DATELINE_FROM ((int64_t)-631152000) /* 1950-01-01T00:00:00Z */
#define DATELINE_TO ((int64_t)2208988800)   /* 2040-01-01T00:00:00Z */

enum dkind { DK_END = 0, DK_NL, DK_ALPHA, DK_DIGIT, DK_PUNCT };

struct dtok {
    size_t off, len; /* bytes */
    uint8_t kind;    /* enum dkind */
    char ch;         /* DK_PUNCT: the ASCII character, '-' for any dash, 0 otherwise */
    bool glued;      /* no blank between it and the token before */
};

/* --- reading tokens ---------------------------------------------------------- */

static size_t cp_at(const char *s, size_t len, size_t i, uint32_t *cp)
{
    size_t n;

    if ((unsigned char)s[i] < 0x80) {
        *cp = (unsigned char)s[i];
        return 1;
    }
    n = wc_utf8_decode(s + i, len - i, cp);
    if (!n) {
        *cp = 0xFFFD;
        return 1;
    }
    return n;
}

static bool cp_is_nl(uint32_t cp)
{
    return cp == '\n' || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

static bool cp_is_blank(uint32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0;
    return utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_ZS;
}

static bool cp_is_letter(uint32_t cp)
{
    if (cp < 0x80)
        return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return true;
    default:
        return false;
    }
}

/* The next token from *pos; false at the end. Blanks are skipped, a line break is a token. */
static bool dnext(const char *s, size_t len, size_t *pos, struct dtok *t)
{
    bool blank = false;
    uint32_t cp;
    size_t n;

    while (*pos < len) {
        /* spaces between words are most of what is skipped: no decoding for them */
        if (s[*pos] == ' ') {
            blank = true;
            ++*pos;
            continue;
        }
        n = cp_at(s, len, *pos, &cp);
        if (cp_is_blank(cp) && !cp_is_nl(cp)) {
            blank = true;
            *pos += n;
            continue;
        }
        t->off = *pos;
        t->glued = !blank;
        t->ch = 0;
        if (cp_is_nl(cp)) {
            t->kind = DK_NL;
            t->len = n;
        } else if (cp >= '0' && cp <= '9') {
            size_t e = *pos;
            while (e < len && s[e] >= '0' && s[e] <= '9')
                e++;
            t->kind = DK_DIGIT;
            t->len = e - *pos;
        } else if (cp_is_letter(cp)) {
            size_t e = *pos + n;
            while (e < len) {
                uint32_t c2;
                size_t n2;
                unsigned char b = (unsigned char)s[e];
                if (b < 0x80) { /* cp_is_letter of an ASCII byte, without the call */
                    if ((b | 0x20) < 'a' || (b | 0x20) > 'z')
                        break;
                    e++;
                    continue;
                }
                n2 = cp_at(s, len, e, &c2);
                if (!cp_is_letter(c2))
                    break;
                e += n2;
            }
            t->kind = DK_ALPHA;
            t->len = e - *pos;
        } else {
            t->kind = DK_PUNCT;
            t->len = n;
            if (cp < 0x80)
                t->ch = (char)cp;
            else if (utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_PD)
                t->ch = '-';
        }
        *pos = t->off + t->len;
        return true;
    }
    return false;
}

/* --- word lists ------------------------------------------------------------- */

/* Does the token spell lit[0..n) (ASCII letters compared without case, other bytes exactly)? */
static bool tok_is_n(const char *s, const struct dtok *t, const char *lit, size_t n)
{
    size_t i;

    if (t->kind != DK_ALPHA || t->len != n)
        return false;
    for (i = 0; i < n; i++) {
        unsigned char a = (unsigned char)s[t->off + i], b = (unsigned char)lit[i];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a + 32);
        if (a != b)
            return false;
    }
    return true;
}

static bool tok_capitalised(const char *s, const struct dtok *t)
{
    return t->kind == DK_ALPHA && s[t->off] >= 'A' && s[t->off] <= 'Z';
}

/* tok_is(s, t, "literal"): the length is known when it is compiled */
#define tok_is(s, t, lit) tok_is_n(s, t, lit, sizeof(lit) - 1)

struct name {
    const char *w;
    unsigned char len;
    unsigned char value; /* month 1-12, or 1 for a weekday */
    unsigned char flags;
};
#define NAME(w, v, f)                                                                              \
    {                                                                                              \
        w, sizeof(w) - 1, v, f                                                                     \
    }
enum { N_EN = 1, N_SHORT = 2 };

static const struct name months[] = {
    NAME("january", 1, N_EN),
    NAME("february", 2, N_EN),
    NAME("march", 3, N_EN),
    NAME("april", 4, N_EN),
    NAME("may", 5, N_EN),
    NAME("june", 6, N_EN),
    NAME("july", 7, N_EN),
    NAME("august", 8, N_EN),
    NAME("september", 9, N_EN),
    NAME("october", 10, N_EN),
    NAME("november", 11, N_EN),
    NAME("december", 12, N_EN),
    NAME("jan", 1, N_EN),
    NAME("feb", 2, N_EN),
    NAME("mar", 3, N_EN),
    NAME("apr", 4, N_EN),
    NAME("jun", 6, N_EN),
    NAME("jul", 7, N_EN),
    NAME("aug", 8, N_EN),
    NAME("sep", 9, N_EN),
    NAME("sept", 9, N_EN),
    NAME("oct", 10, N_EN),
    NAME("nov", 11, N_EN),
    NAME("dec", 12, N_EN),
    /* German */
    NAME("januar", 1, 0),
    NAME("jänner", 1, 0),
    NAME("februar", 2, 0),
    NAME("märz", 3, 0),
    NAME("mai", 5, 0),
    NAME("juni", 6, 0),
    NAME("juli", 7, 0),
    NAME("oktober", 10, 0),
    NAME("dezember", 12, 0),
    /* French, with the unaccented spellings */
    NAME("janvier", 1, 0),
    NAME("février", 2, 0),
    NAME("fevrier", 2, 0),
    NAME("mars", 3, 0),
    NAME("avril", 4, 0),
    NAME("juin", 6, 0),
    NAME("juillet", 7, 0),
    NAME("août", 8, 0),
    NAME("aout", 8, 0),
    NAME("septembre", 9, 0),
    NAME("octobre", 10, 0),
    NAME("novembre", 11, 0),
    NAME("décembre", 12, 0),
    NAME("decembre", 12, 0),
};

static const struct name weekdays[] = {
    NAME("monday", 1, N_EN),   NAME("tuesday", 1, N_EN),  NAME("wednesday", 1, N_EN),
    NAME("thursday", 1, N_EN), NAME("friday", 1, N_EN),   NAME("saturday", 1, N_EN),
    NAME("sunday", 1, N_EN),   NAME("mon", 1, N_SHORT),   NAME("tue", 1, N_SHORT),
    NAME("tues", 1, N_SHORT),  NAME("wed", 1, N_SHORT),   NAME("thu", 1, N_SHORT),
    NAME("thur", 1, N_SHORT),  NAME("thurs", 1, N_SHORT), NAME("fri", 1, N_SHORT),
    NAME("sat", 1, N_SHORT),   NAME("sun", 1, N_SHORT),   NAME("montag", 1, 0),
    NAME("dienstag", 1, 0),    NAME("mittwoch", 1, 0),    NAME("donnerstag", 1, 0),
    NAME("freitag", 1, 0),     NAME("samstag", 1, 0),     NAME("sonnabend", 1, 0),
    NAME("sonntag", 1, 0),     NAME("lundi", 1, 0),       NAME("mardi", 1, 0),
    NAME("mercredi", 1, 0),    NAME("jeudi", 1, 0),       NAME("vendredi", 1, 0),
    NAME("samedi", 1, 0),      NAME("dimanche", 1, 0),
};

/* Zone names written after a time (upper case only: "et" and "est" are words). */
static const char *const zones[] = {"ET",   "EST", "EDT", "CT",   "CST",  "CDT",  "MT",   "MST",
                                    "MDT",  "PT",  "PST", "PDT",  "AKST", "AKDT", "HST",  "UTC",
                                    "GMT",  "UT",  "BST", "CET",  "CEST", "EET",  "EEST", "WET",
                                    "WEST", "IST", "JST", "AEST", "AEDT", "AWST", "MEZ",  "MESZ"};

static const struct name *find_name(const char *s, const struct dtok *t, const struct name *list,
                                    size_t n)
{
    size_t i;
    char c;

    if (t->kind != DK_ALPHA || t->len > 12)
        return NULL;
    c = (char)(s[t->off] | 0x20);
    for (i = 0; i < n; i++)
        if (list[i].w[0] == c && tok_is_n(s, t, list[i].w, list[i].len))
            return &list[i];
    return NULL;
}

static bool is_zone(const char *s, const struct dtok *t)
{
    size_t i;

    if (t->kind != DK_ALPHA || t->len > 4)
        return false;
    for (i = 0; i < WC_ARRAY_SIZE(zones); i++)
        if (st_lit_eq(zones[i], s + t->off, t->len))
            return true;
    return false;
}

/* Words that announce a date ("Updated: ..."), and the word that may come before them. */
static const char *const markers[] = {"updated", "posted", "published", "modified"};
#define MARKER_BEFORE "last"

static bool is_marker(const char *s, const struct dtok *t)
{
    size_t i;

    for (i = 0; i < WC_ARRAY_SIZE(markers); i++)
        if (tok_is_n(s, t, markers[i], strlen(markers[i])))
            return true;
    return false;
}

/* --- parts ------------------------------------------------------------------- */

/* The value of a digit token of 1..maxd digits, or -1. */
static int num_of(const char *s, const struct dtok *t, size_t mind, size_t maxd)
{
    int v = 0;
    size_t i;

    if (t->kind != DK_DIGIT || t->len < mind || t->len > maxd)
        return -1;
    for (i = 0; i < t->len; i++)
        v = v * 10 + (s[t->off + i] - '0');
    return v;
}

static bool is_punct(const struct dtok *t, char c)
{
    return t->kind == DK_PUNCT && t->ch == c;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool valid_date(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1)
        return false;
    return d <= mdays[m - 1] + (m == 2 && leap(y));
}

enum part_kind { P_NONE = 0, P_WEEKDAY, P_DATE, P_TIME, P_MARKER };

struct part {
    enum part_kind kind;
    size_t ntok; /* tokens it takes */
    int64_t day; /* P_DATE with a known day: 12:00 UTC of it, else WC_TIME_NONE */
    bool strong; /* P_WEEKDAY: written in full and capitalised (stripped on its own) */
};

/* The tokens of one line from a start, read as the matchers ask for them. */
struct window {
    struct dtok w[DATE_WINDOW];
    size_t n;   /* tokens read */
    size_t pos; /* where the next one starts */
    bool done;  /* the line, the text or the window ended */
};

struct win {
    const char *s;
    size_t len;
    struct window *t;
    bool month_first; /* "03/04/2013" is March 4 (else April 3) */
};

static const struct dtok *at(const struct win *x, size_t i)
{
    static const struct dtok end = {0, 0, DK_END, 0, false};
    struct window *t = x->t;

    while (t->n <= i && !t->done) {
        if (t->n == DATE_WINDOW || !dnext(x->s, x->len, &t->pos, &t->w[t->n]) ||
            t->w[t->n].kind == DK_NL)
            t->done = true;
        else
            t->n++;
    }
    return i < t->n ? &t->w[i] : &end;
}

/* A day number (1-31) at i, with a glued ordinal suffix; tokens taken, 0 when none. */
static size_t day_at(const struct win *x, size_t i, int *d)
{
    int v = num_of(x->s, at(x, i), 1, 2);

    if (v < 1 || v > 31)
        return 0;
    *d = v;
    if (at(x, i + 1)->glued &&
        (tok_is(x->s, at(x, i + 1), "st") || tok_is(x->s, at(x, i + 1), "nd") ||
         tok_is(x->s, at(x, i + 1), "rd") || tok_is(x->s, at(x, i + 1), "th")))
        return 2;
    return 1;
}

/* A 4-digit year at i (1900-2099), or -1. */
static int year_at(const struct win *x, size_t i)
{
    int y = num_of(x->s, at(x, i), 4, 4);
    return y >= 1900 && y <= 2099 ? y : -1;
}

static int64_t noon(int y, int m, int d)
{
    return wc_time_from_civil(y, m, d, 12, 0, 0);
}

/* "am", "pm", "a.m.", "p.m." at i: tokens taken, 0 when none. */
static size_t ampm_at(const struct win *x, size_t i)
{
    const struct dtok *t = at(x, i);

    if (tok_is(x->s, t, "am") || tok_is(x->s, t, "pm"))
        return 1;
    if ((tok_is(x->s, t, "a") || tok_is(x->s, t, "p")) && is_punct(at(x, i + 1), '.') &&
        tok_is(x->s, at(x, i + 2), "m"))
        return is_punct(at(x, i + 3), '.') ? 4 : 3;
    return 0;
}

/* A time at i: "8:41[:07] [p.m.] [EST]" or "8 pm [EST]"; tokens taken, 0 when none. */
static size_t time_at(const struct win *x, size_t i)
{
    int h = num_of(x->s, at(x, i), 1, 2), m;
    size_t k = i + 1, ap;

    if (h < 0)
        return 0;
    if (is_punct(at(x, k), ':') && (m = num_of(x->s, at(x, k + 1), 2, 2)) >= 0) {
        if (h > 23 || m > 59)
            return 0;
        k += 2;
        if (is_punct(at(x, k), ':') && num_of(x->s, at(x, k + 1), 2, 2) >= 0 &&
            num_of(x->s, at(x, k + 1), 2, 2) <= 60) /* 60: a leap second */
            k += 2;
        if (at(x, k)->glued && tok_is(x->s, at(x, k), "z"))
            k++;
        if ((ap = ampm_at(x, k)) && h >= 1 && h <= 12)
            k += ap;
    } else if ((ap = ampm_at(x, k)) && h >= 1 && h <= 12) {
        k += ap;
    } else {
        return 0;
    }
    if (is_zone(x->s, at(x, k)))
        k++;
    return k - i;
}

/* An ISO time glued to a date ("T10:00:00Z") at i; tokens taken, 0 when none. */
static size_t iso_time_at(const struct win *x, size_t i)
{
    size_t n;

    if (!at(x, i)->glued || !tok_is(x->s, at(x, i), "t") || !at(x, i + 1)->glued)
        return 0;
    n = time_at(x, i + 1);
    return n ? n + 1 : 0;
}

/* Month name [.] day [,] year, or the same without the year (English, capitalised). */
static size_t mdy_at(const struct win *x, size_t i, struct part *p)
{
    const struct name *mo = find_name(x->s, at(x, i), months, WC_ARRAY_SIZE(months));
    size_t k = i + 1, n;
    int d, y;

    if (!mo)
        return 0;
    if (is_punct(at(x, k), '.') && at(x, k)->glued)
        k++;
    if (!(n = day_at(x, k, &d)))
        return 0;
    k += n;
    n = is_punct(at(x, k), ',') ? 1 : 0;
    if ((y = year_at(x, k + n)) >= 0) {
        if (!valid_date(y, mo->value, d))
            return 0;
        p->day = noon(y, mo->value, d);
        return k + n + 1 - i;
    }
    /* no year: "August 24", English and capitalised ("may 5" is a verb and a count) */
    if (!(mo->flags & N_EN) || !tok_capitalised(x->s, at(x, i)) || at(x, k)->kind == DK_DIGIT)
        return 0;
    return k - i;
}

/* Day [.] [of] month [.] [,] year, or the same without the year (English, capitalised). */
static size_t dmy_at(const struct win *x, size_t i, struct part *p)
{
    const struct name *mo;
    size_t k = i, n, mi;
    int d, y;

    if (!(n = day_at(x, k, &d)))
        return 0;
    k += n;
    if (is_punct(at(x, k), '.'))
        k++;
    if (tok_is(x->s, at(x, k), "of"))
        k++;
    mi = k;
    if (!(mo = find_name(x->s, at(x, mi), months, WC_ARRAY_SIZE(months))))
        return 0;
    k = mi + 1;
    if (is_punct(at(x, k), '.') && at(x, k)->glued)
        k++;
    n = is_punct(at(x, k), ',') ? 1 : 0;
    if ((y = year_at(x, k + n)) >= 0) {
        if (!valid_date(y, mo->value, d))
            return 0;
        p->day = noon(y, mo->value, d);
        return k + n + 1 - i;
    }
    if (!(mo->flags & N_EN) || !tok_capitalised(x->s, at(x, mi)) || at(x, k + n)->kind == DK_DIGIT)
        return 0; /* "5 June 1850": a date we do not read, not a partial one */
    return k - i;
}

/* Year sep month sep day (ISO and its kin), with an optional glued ISO time. */
static size_t ymd_at(const struct win *x, size_t i, struct part *p)
{
    int y = year_at(x, i), m, d;
    const struct dtok *s1 = at(x, i + 1), *s2 = at(x, i + 3);

    if (y < 0 || s1->kind != DK_PUNCT || s2->kind != DK_PUNCT || s1->ch != s2->ch ||
        (s1->ch != '-' && s1->ch != '/' && s1->ch != '.'))
        return 0;
    if ((m = num_of(x->s, at(x, i + 2), 1, 2)) < 0 || (d = num_of(x->s, at(x, i + 4), 1, 2)) < 0 ||
        !valid_date(y, m, d))
        return 0;
    p->day = noon(y, m, d);
    return 5;
}

/* a sep b sep year: d.m.y with dots; with / or - whichever order the values allow. */
static size_t numeric_at(const struct win *x, size_t i, struct part *p)
{
    int a = num_of(x->s, at(x, i), 1, 2), b, y, d, m;
    const struct dtok *s1 = at(x, i + 1), *s2 = at(x, i + 3);

    if (a < 1 || s1->kind != DK_PUNCT || s2->kind != DK_PUNCT || s1->ch != s2->ch ||
        (s1->ch != '-' && s1->ch != '/' && s1->ch != '.'))
        return 0;
    if ((b = num_of(x->s, at(x, i + 2), 1, 2)) < 1 || (y = year_at(x, i + 4)) < 0)
        return 0;
    if (s1->ch == '.' || a > 12 || a == b) {
        d = a;
        m = b;
    } else if (b > 12) {
        d = b;
        m = a;
    } else if (x->month_first) {
        /* both could be the month: the convention of the text's language decides */
        d = b;
        m = a;
    } else {
        d = a;
        m = b;
    }
    if (!valid_date(y, m, d))
        return 0;
    p->day = noon(y, m, d);
    return 5;
}

/* The part that starts at token i, or P_NONE. */
static struct part part_at(const struct win *x, size_t i)
{
    struct part p = {P_NONE, 0, WC_TIME_NONE, false};
    const struct dtok *t = at(x, i);
    const struct name *wd;
    size_t n;

    if (t->kind == DK_ALPHA) {
        if (is_zone(x->s, t) && at(x, i + 1)->glued &&
            (is_punct(at(x, i + 1), '+') || is_punct(at(x, i + 1), '-'))) {
            /* a zone as an offset: "GMT+05:00", "UTC-3" */
            n = num_of(x->s, at(x, i + 2), 1, 4) >= 0 ? 3 : 0;
            if (n && is_punct(at(x, i + 3), ':') && num_of(x->s, at(x, i + 4), 2, 2) >= 0)
                n += 2;
            if (n) {
                p.kind = P_TIME;
                p.ntok = n;
            }
            return p;
        }
        if ((wd = find_name(x->s, t, weekdays, WC_ARRAY_SIZE(weekdays)))) {
            n = 1;
            if (is_punct(at(x, i + 1), '.') && at(x, i + 1)->glued && (wd->flags & N_SHORT))
                n++;
            if (is_punct(at(x, i + n), ','))
                n++;
            p.kind = P_WEEKDAY;
            p.ntok = n;
            p.strong = !(wd->flags & N_SHORT) && tok_capitalised(x->s, t);
            return p;
        }
        if ((n = mdy_at(x, i, &p))) {
            p.kind = P_DATE;
            p.ntok = n;
            return p;
        }
        n = 0;
        if (tok_is(x->s, t, MARKER_BEFORE) && is_marker(x->s, at(x, i + 1)))
            n = 2;
        else if (is_marker(x->s, t))
            n = 1;
        if (n) {
            if (is_punct(at(x, i + n), ':'))
                n++;
            if (tok_is(x->s, at(x, i + n), "at") || tok_is(x->s, at(x, i + n), "on"))
                n++;
            p.kind = P_MARKER;
            p.ntok = n;
        }
        return p;
    }
    if (t->kind != DK_DIGIT)
        return p;
    if ((n = ymd_at(x, i, &p)) || (n = numeric_at(x, i, &p)) || (n = dmy_at(x, i, &p))) {
        p.kind = P_DATE;
        p.ntok = n + iso_time_at(x, i + n);
        return p;
    }
    if ((n = time_at(x, i))) {
        p.kind = P_TIME;
        p.ntok = n;
    }
    return p;
}

static bool is_glue(const struct win *x, size_t i)
{
    const struct dtok *t = at(x, i);
    return (t->kind == DK_PUNCT &&
            (t->ch == ',' || t->ch == '|' || t->ch == '-' || t->ch == '(')) ||
           tok_is(x->s, t, "at");
}

/*
 * The chain of parts from token 0 of the window: tokens it takes (0 when
 * nothing to blank) and the first known day in it.
 */
static size_t chain_at(const struct win *x, int64_t *day)
{
    size_t i = 0, end = 0;
    bool blank = false;
    struct part p;

    *day = WC_TIME_NONE;
    for (;;) {
        p = part_at(x, i);
        if (p.kind == P_NONE)
            break;
        i += p.ntok;
        if (p.kind != P_MARKER) {
            /* a marker counts only with what follows it; a lone short weekday never */
            end = i;
            if (p.kind == P_DATE || p.kind == P_TIME || p.strong)
                blank = true;
            if (p.kind == P_DATE && *day == WC_TIME_NONE)
                *day = p.day;
        }
        if (at(x, i)->kind == DK_END)
            break;
        if (is_glue(x, i) && part_at(x, i + 1).kind != P_NONE)
            i++;
    }
    return blank ? end : 0;
}

/*
 * Which words can start a chain, for a test cheaper than the lists: bit
 * len of starts[a][b] is set when some month, weekday, zone or marker
 * name of len bytes begins with the letters a, b (lower case; b is
 * ALPHA_OTHER for a byte that is no ASCII letter), and bit len of
 * next[b][c] when one has b, c as its second and third bytes (c is
 * ALPHA_OTHER too for a name of two bytes). A word starts a part only by
 * being one of those names (part_at), so a word with either bit clear is
 * passed over without reading a window from it. The second table is what
 * passes over "the", "that" and "this", which the first lets through as
 * "thu" and "thur" might be.
 */
#define ALPHA_OTHER 26
struct starts {
    uint16_t bits[26][ALPHA_OTHER + 1];
    uint16_t next[ALPHA_OTHER + 1][ALPHA_OTHER + 1];
};

static size_t letter_index(unsigned char c)
{
    c = (unsigned char)(c | 0x20);
    return c >= 'a' && c <= 'z' ? (size_t)(c - 'a') : ALPHA_OTHER;
}

static void starts_add(struct starts *st, const char *w, size_t len)
{
    size_t a = letter_index((unsigned char)w[0]);

    assert(a < ALPHA_OTHER && len >= 2 && len <= 12);
    st->bits[a][letter_index((unsigned char)w[1])] |= (uint16_t)(1u << len);
    st->next[letter_index((unsigned char)w[1])]
            [len > 2 ? letter_index((unsigned char)w[2]) : ALPHA_OTHER] |= (uint16_t)(1u << len);
}

/*
 * The tables are the same for every text: built once per process
 * (pthread_once, as stopwords.c builds its table) and only read after,
 * where building them for each call took a hundredth of a profile.
 */
static struct starts starts_table;
static pthread_once_t starts_once = PTHREAD_ONCE_INIT;

static void starts_build(void)
{
    struct starts *st = &starts_table;
    size_t i;

    memset(st, 0, sizeof(*st));
    for (i = 0; i < WC_ARRAY_SIZE(months); i++)
        starts_add(st, months[i].w, months[i].len);
    for (i = 0; i < WC_ARRAY_SIZE(weekdays); i++)
        starts_add(st, weekdays[i].w, weekdays[i].len);
    for (i = 0; i < WC_ARRAY_SIZE(zones); i++)
        starts_add(st, zones[i], strlen(zones[i]));
    for (i = 0; i < WC_ARRAY_SIZE(markers); i++)
        starts_add(st, markers[i], strlen(markers[i]));
    starts_add(st, MARKER_BEFORE, strlen(MARKER_BEFORE));
}

/* Could a chain start at t? (cheap test before the window is read) */
static bool may_start(const struct starts *st, const char *s, const struct dtok *t)
{
    size_t a, b, c;

    if (t->kind == DK_DIGIT)
        return t->len <= 4;
    if (t->kind != DK_ALPHA || t->len < 2 || t->len > 12)
        return false;
    a = letter_index((unsigned char)s[t->off]);
    b = letter_index((unsigned char)s[t->off + 1]);
    c = t->len > 2 ? letter_index((unsigned char)s[t->off + 2]) : ALPHA_OTHER;
    return a < ALPHA_OTHER && (st->bits[a][b] >> t->len) & 1 && (st->next[b][c] >> t->len) & 1;
}

/* Offset just past the n-th non-blank line of s[0..len) (len when it has fewer). */
static size_t head_end(const char *s, size_t len, unsigned n)
{
    size_t i;
    bool ink = false;

    if (!n)
        return 0;
    for (i = 0; i < len; i++) {
        if (s[i] == '\n') {
            if (ink && --n == 0)
                return i;
            ink = false;
        } else if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
            ink = true;
        }
    }
    return len;
}

size_t st_dates_strip(char *s, size_t len, unsigned lines, bool month_first, int64_t *dateline)
{
    size_t pos = 0, count = 0, head = SIZE_MAX;
    const struct starts *starts = &starts_table;
    struct window win;
    struct dtok t;

    *dateline = WC_TIME_NONE;
    pthread_once(&starts_once, starts_build);
    while (dnext(s, len, &pos, &t)) {
        struct win x = {s, len, &win, month_first};
        size_t n, from, to;
        int64_t day;

        if (!may_start(starts, s, &t))
            continue;
        win.w[0] = t;
        win.n = 1;
        win.pos = pos;
        win.done = false;
        if (!(n = chain_at(&x, &day)))
            continue;
        from = win.w[0].off;
        to = win.w[n - 1].off + win.w[n - 1].len;
        /* where the head ends is measured on the text as it came, so before the first
         * blanking, and only then: a text without a date to blank needs no head */
        if (head == SIZE_MAX)
            head = head_end(s, len, lines);
        memset(s + from, ' ', to - from);
        if (day >= DATELINE_FROM && day < DATELINE_TO && *dateline == WC_TIME_NONE && from < head)
            *dateline = day;
        pos = to;
        count++;
    }
    return count;
}
