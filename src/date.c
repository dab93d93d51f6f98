/*
 * date.c - the dates that feeds, pages and dumps write (see date.h).
 *
 * Two parsers, tried in turn:
 *
 *  - parse_iso(): ISO 8601 as profiled by W3CDTF and RFC 3339. Extended
 *    (2003-12-31T10:14:55Z) and basic (20031231T101455Z) forms, year-only
 *    and year-month, ordinal dates (2003-365), fractional seconds
 *    (truncated: stored times are whole seconds), a space instead of the
 *    'T' (MSSQL and many CMSs), offsets as Z, +hh, +hhmm or +hh:mm, or a
 *    named zone after a space. No offset means UTC, the reading every
 *    major feed reader takes.
 *
 *  - parse_rfc822(): a small tokenizer over RFC 822 / 1123 / 2822 and the
 *    shapes real feeds bend them into. It reads, in order, an optional
 *    weekday (full or short, any trailing punctuation), then the date as
 *    "day month year" (RFC), "month day year" (asctime, JavaScript's
 *    Date.toString, with the time and zone possibly before the year) or
 *    "year/month/day" (Perforce), then an optional time (h:mm[:ss][.frac]
 *    [am|pm]) and an optional zone: +hhmm, +hh:mm, a name (UT, GMT, EST ...
 *    Etc/GMT), a name glued to an offset (GMT+02:00), or one of RFC 822's
 *    military letters. A trailing "(comment)" is skipped. Two-digit years
 *    follow RFC 2822 section 4.3: 00-49 are 20xx, 50-99 are 19xx.
 *
 * Military letters follow RFC 822 as written (A = -1 ... M = -12, N = +1
 * ... Y = +12): RFC 1123 notes that this is the reverse of the military's
 * convention, but it is what feed software that emits letters meant, and
 * what other feed parsers read.
 *
 * What it refuses: anything it does not recognise in full. An unknown
 * zone name ("+zz:00", "IST", which means three different offsets), a
 * field out of range (day 99, minute 61), trailing words, a year past
 * 9999. The caller then stores no date rather than a guessed one.
 */
#include "wirecopy/date.h"

#include <string.h>

#include "internal.h"

/* Longest input we look at: real dates are under 64 bytes; junk is refused cheaply. */
#define DATE_MAX_LEN 256

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Read exactly n digits at p[0..len). */
static bool digits(const char *p, size_t len, size_t n, int *out)
{
    int v = 0;
    size_t i;

    if (len < n)
        return false;
    for (i = 0; i < n; i++) {
        if (!is_digit(p[i]))
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

/* Count the digits that start p[0..len). */
static size_t run_of_digits(const char *p, size_t len)
{
    size_t n = 0;

    while (n < len && is_digit(p[n]))
        n++;
    return n;
}

static bool leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && leap_year(y))
        return 29;
    return dm[m - 1];
}

/* A broken-down date-time being assembled; offset in seconds east of UTC. */
struct civil {
    int year, month, day; /* Gregorian; month 1-12 */
    int hour, min, sec;   /* 0-24, 0-59, 0-60 */
    int offset;           /* seconds to subtract to get UTC */
};

/* Range checks shared by both parsers, then the conversion. */
static bool civil_to_time(const struct civil *c, int64_t *out)
{
    int sec = c->sec;

    if (c->year < 1 || c->year > 9999 || c->month < 1 || c->month > 12 || c->day < 1 ||
        c->day > days_in_month(c->year, c->month))
        return false;
    if (c->hour < 0 || c->hour > 24 || c->min < 0 || c->min > 59 || sec < 0 || sec > 60)
        return false;
    if (c->hour == 24 && (c->min || sec))
        return false;
    if (sec == 60) /* a leap second is stored as the second before it */
        sec = 59;
    *out = wc_time_from_civil(c->year, c->month, c->day, c->hour, c->min, sec) - c->offset;
    return true;
}

/* --- zones --------------------------------------------------------------- */

struct zone_name {
    const char *name;
    int minutes; /* east of UTC */
};

/*
 * Names feeds write, with their one unambiguous meaning. North American
 * names follow RFC 822 plus the bare "ET/CT/MT/PT" forms seen in the
 * wild; European ones are the common summer/winter pairs. Names that mean
 * several offsets (IST, BST outside Britain, CST in China) are left out on
 * purpose, except CST, which every RFC reads as US Central.
 */
static const struct zone_name zone_names[] = {
    {"ut", 0},     {"utc", 0},    {"gmt", 0},    {"z", 0},       {"etc/gmt", 0}, {"etc/utc", 0},
    {"wet", 0},    {"west", 60},  {"bst", 60},   {"cet", 60},    {"cest", 120},  {"met", 60},
    {"mest", 120}, {"mez", 60},   {"mesz", 120}, {"eet", 120},   {"eest", 180},  {"msk", 180},
    {"adt", -180}, {"ast", -240}, {"at", -240},  {"edt", -240},  {"est", -300},  {"et", -300},
    {"cdt", -300}, {"cst", -360}, {"ct", -360},  {"mdt", -360},  {"mst", -420},  {"mt", -420},
    {"pdt", -420}, {"pst", -480}, {"pt", -480},  {"akdt", -480}, {"akst", -540}, {"hst", -600},
    {"nzdt", 780}, {"nzst", 720}, {"aedt", 660}, {"aest", 600},  {"acdt", 630},  {"acst", 570},
    {"awst", 480}, {"jst", 540},  {"kst", 540},  {"hkt", 480},   {"sgt", 480},
};

static bool zone_by_name(const char *p, size_t len, int *minutes)
{
    size_t i;

    if (len == 1 && wc_ascii_alpha(p[0])) {
        /* RFC 822 military zones: A-I -1..-9, K-M -10..-12, N-Y +1..+12, Z 0; no J */
        char c = (char)(p[0] | 0x20);
        if (c == 'z')
            *minutes = 0;
        else if (c >= 'a' && c <= 'i')
            *minutes = -60 * (c - 'a' + 1);
        else if (c >= 'k' && c <= 'm')
            *minutes = -60 * (c - 'k' + 10);
        else if (c >= 'n' && c <= 'y')
            *minutes = 60 * (c - 'n' + 1);
        else
            return false;
        return true;
    }
    for (i = 0; i < WC_ARRAY_SIZE(zone_names); i++) {
        if (wc_mem_ieq(p, len, zone_names[i].name)) {
            *minutes = zone_names[i].minutes;
            return true;
        }
    }
    return false;
}

/*
 * A numeric offset at p: "+hh", "+hhmm" or "+hh:mm" (also '-'). Returns
 * the bytes used (0 when it is not one) and the offset in seconds east.
 */
static size_t parse_offset(const char *p, size_t len, int *seconds)
{
    int sign, hh = 0, mm = 0;
    size_t n, i = 1;

    if (!len || (p[0] != '+' && p[0] != '-'))
        return 0;
    sign = p[0] == '-' ? -1 : 1;
    n = run_of_digits(p + 1, len - 1);
    if (n == 4) {
        digits(p + 1, 2, 2, &hh);
        digits(p + 3, 2, 2, &mm);
        i = 5;
    } else if (n == 2 || n == 1) {
        digits(p + 1, n, n, &hh);
        i = 1 + n;
        if (i < len && p[i] == ':') {
            if (run_of_digits(p + i + 1, len - i - 1) != 2)
                return 0;
            digits(p + i + 1, 2, 2, &mm);
            i += 3;
        }
    } else {
        return 0;
    }
    if (hh > 23 || mm > 59)
        return 0;
    *seconds = sign * (hh * 3600 + mm * 60);
    return i;
}

/*
 * A whole zone designation p[0..len) (already cut at blanks): an offset,
 * a name, or a name glued to an offset ("GMT+0200", "UTC-05:00").
 */
static bool parse_zone(const char *p, size_t len, int *seconds)
{
    size_t i = 0;
    int minutes = 0, off = 0;

    if (len && (p[0] == '+' || p[0] == '-'))
        return parse_offset(p, len, seconds) == len;
    while (i < len && (wc_ascii_alpha(p[i]) || p[i] == '/'))
        i++;
    if (!i || !zone_by_name(p, i, &minutes))
        return false;
    if (i < len) {
        /* only the UTC names take a glued offset: "EST+1" means nothing sure */
        if (minutes != 0 || parse_offset(p + i, len - i, &off) != len - i)
            return false;
    }
    *seconds = minutes * 60 + off;
    return true;
}

/* --- ISO 8601 / W3CDTF / RFC 3339 ----------------------------------------- */

/* Ordinal day (1-366) of year y to month/day. */
static bool ordinal_to_date(int y, int yday, int *mo, int *d)
{
    int m = 1;

    if (yday < 1 || yday > (leap_year(y) ? 366 : 365))
        return false;
    while (yday > days_in_month(y, m)) {
        yday -= days_in_month(y, m);
        m++;
    }
    *mo = m;
    *d = yday;
    return true;
}

/* The date part of an ISO date-time; returns bytes used or 0. */
static size_t iso_date(const char *p, size_t len, struct civil *c)
{
    size_t n = run_of_digits(p, len), i;

    c->month = c->day = 1;
    if (n == 8) { /* basic: YYYYMMDD */
        digits(p, 4, 4, &c->year);
        digits(p + 4, 2, 2, &c->month);
        digits(p + 6, 2, 2, &c->day);
        return 8;
    }
    if (n != 4)
        return 0;
    digits(p, 4, 4, &c->year);
    i = 4;
    if (i < len && p[i] == '-') {
        size_t m = run_of_digits(p + i + 1, len - i - 1);
        if (m == 2) {
            digits(p + i + 1, 2, 2, &c->month);
        } else if (m == 3 && p[i + 1] == '0' && i + 4 < len && p[i + 4] == '-') {
            /* "2003-012-31": a zero-padded month some generators write */
            digits(p + i + 2, 2, 2, &c->month);
        } else if (m == 3) {
            int yday = 0;
            digits(p + i + 1, 3, 3, &yday);
            if (!ordinal_to_date(c->year, yday, &c->month, &c->day))
                return 0;
            return i + 4;
        } else {
            return 0;
        }
        i += 1 + m;
        if (i < len && p[i] == '-') {
            if (run_of_digits(p + i + 1, len - i - 1) != 2)
                return 0;
            digits(p + i + 1, 2, 2, &c->day);
            i += 3;
        }
    }
    return i;
}

/* The time part after 'T' or ' '; returns bytes used or 0. */
static size_t iso_time(const char *p, size_t len, struct civil *c)
{
    size_t n = run_of_digits(p, len), i;

    if (n == 6 || n == 4) { /* basic: hhmmss or hhmm */
        digits(p, 2, 2, &c->hour);
        digits(p + 2, 2, 2, &c->min);
        if (n == 6)
            digits(p + 4, 2, 2, &c->sec);
        i = n;
    } else if (n == 2 || n == 1) {
        digits(p, n, n, &c->hour);
        i = n;
        if (i >= len || p[i] != ':' || run_of_digits(p + i + 1, len - i - 1) != 2)
            return 0;
        digits(p + i + 1, 2, 2, &c->min);
        i += 3;
        if (i < len && p[i] == ':') {
            if (run_of_digits(p + i + 1, len - i - 1) != 2)
                return 0;
            digits(p + i + 1, 2, 2, &c->sec);
            i += 3;
        }
    } else {
        return 0;
    }
    if (i < len && (p[i] == '.' || p[i] == ',') && i + 1 < len && is_digit(p[i + 1])) {
        i++;
        i += run_of_digits(p + i, len - i); /* fraction: whole seconds are kept */
    }
    return i;
}

static bool parse_iso(const char *p, size_t len, int64_t *out)
{
    struct civil c = {0};
    size_t i, n;

    i = iso_date(p, len, &c);
    if (!i)
        return false;
    if (i < len && (p[i] == 'T' || p[i] == 't' || p[i] == ' ')) {
        size_t j = i + 1;
        while (p[i] == ' ' && j < len && p[j] == ' ')
            j++;
        n = iso_time(p + j, len - j, &c);
        if (!n)
            return false;
        i = j + n;
        while (i < len && p[i] == ' ')
            i++;
        if (i < len) {
            int off;
            if (p[i] == 'Z' || p[i] == 'z') {
                if (i + 1 != len)
                    return false;
            } else if (!parse_zone(p + i, len - i, &off)) {
                return false;
            } else {
                c.offset = off;
            }
            i = len;
        }
    }
    if (i != len)
        return false;
    return civil_to_time(&c, out);
}

/* --- RFC 822 and friends --------------------------------------------------- */

/* Does p[0..len) equal the first len bytes of lower-case word w, with at least min of them? */
static bool abbrev_of(const char *p, size_t len, const char *w, size_t min)
{
    size_t i;

    if (len < min || len > strlen(w))
        return false;
    for (i = 0; i < len; i++)
        if ((char)(p[i] | 0x20) != w[i] || !wc_ascii_alpha(p[i]))
            return false;
    return true;
}

/* Month 1-12 from its English name, full or the first three letters ("Sept" too); 0 if not one. */
static int month_by_name(const char *p, size_t len)
{
    static const char *const names[12] = {"january",   "february", "march",    "april",
                                          "may",       "june",     "july",     "august",
                                          "september", "october",  "november", "december"};
    int m;

    for (m = 0; m < 12; m++)
        if ((len == 3 || len == strlen(names[m])) && abbrev_of(p, len, names[m], 3))
            return m + 1;
    if (len == 4 && abbrev_of(p, len, "september", 4))
        return 9;
    return 0;
}

/* An English weekday, full, three letters, or the "Tues"/"Thur(s)" forms. */
static bool is_weekday(const char *p, size_t len)
{
    static const char *const days[7] = {"monday", "tuesday",  "wednesday", "thursday",
                                        "friday", "saturday", "sunday"};
    size_t i;

    for (i = 0; i < 7; i++)
        if ((len == 3 || len == strlen(days[i])) && abbrev_of(p, len, days[i], 3))
            return true;
    if (len == 4 && abbrev_of(p, len, "tuesday", 4))
        return true;
    return (len == 4 || len == 5) && abbrev_of(p, len, "thursday", 4);
}

enum tok_kind { TOK_NUM, TOK_WORD, TOK_TIME, TOK_OFFSET, TOK_DATE };

struct tok {
    enum tok_kind kind;
    const char *p; /* the token's bytes */
    size_t len;
};

#define MAX_TOKS 12

/*
 * Cut p[0..len) into tokens. Commas, dots after words and blanks separate;
 * "(...)" comments are dropped; '-' between a number and a word separates
 * too ("01-Jan-2004"). Returns the count, or -1 for a byte that belongs to
 * no token (the date is then refused).
 */
static int tokenize(const char *p, size_t len, struct tok *t)
{
    size_t i = 0;
    int n = 0;

    while (i < len) {
        size_t s = i;
        char ch = p[i];

        if (is_blank(ch) || ch == ',' || ch == '.') {
            i++;
            continue;
        }
        if (ch == '(') {
            while (i < len && p[i] != ')')
                i++;
            if (i < len)
                i++;
            continue;
        }
        if (n == MAX_TOKS)
            return -1;
        if (ch == '-' && n > 0 && i + 1 < len && t[n - 1].p + t[n - 1].len == p + i &&
            ((wc_ascii_alpha(p[i + 1]) && t[n - 1].kind == TOK_NUM) ||
             (is_digit(p[i + 1]) && t[n - 1].kind == TOK_WORD &&
              month_by_name(t[n - 1].p, t[n - 1].len)))) {
            i++; /* "01-Jan-2004" */
            continue;
        }
        if (ch == '+' || ch == '-') {
            i++;
            while (i < len && (is_digit(p[i]) || p[i] == ':' || wc_ascii_alpha(p[i])))
                i++;
            t[n++] = (struct tok){TOK_OFFSET, p + s, i - s};
        } else if (is_digit(ch)) {
            enum tok_kind k = TOK_NUM;
            while (i < len &&
                   (is_digit(p[i]) || p[i] == ':' || p[i] == '/' ||
                    (p[i] == '.' && k == TOK_TIME && i + 1 < len && is_digit(p[i + 1])))) {
                if (p[i] == ':')
                    k = TOK_TIME;
                else if (p[i] == '/' && k == TOK_NUM)
                    k = TOK_DATE;
                i++;
            }
            if (i < len && p[i] == '-' && i + 1 < len && wc_ascii_alpha(p[i + 1])) {
                /* "01-Jan": the '-' is consumed by the next round */
            } else if (i < len && !is_blank(p[i]) && p[i] != ',' && p[i] != '(' && p[i] != '.' &&
                       p[i] != '+' && p[i] != '-' && !(k == TOK_TIME && wc_ascii_alpha(p[i]))) {
                return -1;
            }
            t[n++] = (struct tok){k, p + s, i - s};
        } else if (wc_ascii_alpha(ch)) {
            while (i < len && (wc_ascii_alpha(p[i]) || p[i] == '/'))
                i++;
            if (i < len && (p[i] == '+' || p[i] == '-') && !month_by_name(p + s, i - s)) {
                /* "GMT+02:00": the offset stays glued to its name */
                while (i < len && (p[i] == '+' || p[i] == '-' || p[i] == ':' || is_digit(p[i])))
                    i++;
            }
            t[n++] = (struct tok){TOK_WORD, p + s, i - s};
        } else {
            return -1;
        }
    }
    return n;
}

/* "h:mm[:ss[.frac]]" */
static bool parse_hms(const struct tok *t, struct civil *c)
{
    const char *p = t->p;
    size_t len = t->len, i = 0, n;

    n = run_of_digits(p, len);
    if (n < 1 || n > 2)
        return false;
    digits(p, n, n, &c->hour);
    i = n;
    if (i >= len || p[i] != ':' || run_of_digits(p + i + 1, len - i - 1) != 2)
        return false;
    digits(p + i + 1, 2, 2, &c->min);
    i += 3;
    if (i < len && p[i] == ':') {
        if (run_of_digits(p + i + 1, len - i - 1) != 2)
            return false;
        digits(p + i + 1, 2, 2, &c->sec);
        i += 3;
        if (i < len && p[i] == '.') {
            i++;
            n = run_of_digits(p + i, len - i);
            if (!n)
                return false;
            i += n;
        }
    }
    return i == len;
}

/* A year token: 4 digits as written, 2 digits windowed (RFC 2822 4.3). */
static bool parse_year(const struct tok *t, int *year)
{
    if (t->kind != TOK_NUM)
        return false;
    if (t->len == 4)
        return digits(t->p, 4, 4, year);
    if (t->len == 2 && digits(t->p, 2, 2, year)) {
        *year += *year < 50 ? 2000 : 1900;
        return true;
    }
    return false;
}

static bool parse_day(const struct tok *t, int *day)
{
    return t->kind == TOK_NUM && t->len >= 1 && t->len <= 2 && digits(t->p, t->len, t->len, day);
}

/* "2006/09/15" */
static bool parse_slash_date(const struct tok *t, struct civil *c)
{
    const char *p = t->p;
    size_t len = t->len;

    if (len != 10 || p[4] != '/' || p[7] != '/')
        return false;
    return digits(p, 4, 4, &c->year) && digits(p + 5, 2, 2, &c->month) &&
           digits(p + 8, 2, 2, &c->day);
}

static bool parse_rfc822(const char *p, size_t len, int64_t *out)
{
    struct tok t[MAX_TOKS];
    struct civil c = {0};
    int n = tokenize(p, len, t), i = 0;
    bool have_year = false;

    if (n <= 0)
        return false;
    if (t[i].kind == TOK_WORD && is_weekday(t[i].p, t[i].len))
        i++;
    if (i >= n)
        return false;

    /* the date */
    if (t[i].kind == TOK_DATE) {
        if (!parse_slash_date(&t[i], &c))
            return false;
        i++;
        have_year = true;
    } else if (t[i].kind == TOK_NUM) { /* day month year */
        if (!parse_day(&t[i], &c.day) || i + 2 >= n || t[i + 1].kind != TOK_WORD)
            return false;
        c.month = month_by_name(t[i + 1].p, t[i + 1].len);
        if (!c.month || !parse_year(&t[i + 2], &c.year))
            return false;
        i += 3;
        have_year = true;
    } else if (t[i].kind == TOK_WORD) { /* month day [year] */
        c.month = month_by_name(t[i].p, t[i].len);
        if (!c.month || i + 1 >= n || !parse_day(&t[i + 1], &c.day))
            return false;
        i += 2;
        if (i < n && t[i].kind == TOK_NUM) {
            if (!parse_year(&t[i], &c.year) || t[i].len != 4)
                return false;
            i++;
            have_year = true;
        }
    } else {
        return false;
    }

    /* the time */
    if (i < n && t[i].kind == TOK_TIME) {
        const struct tok *tt = &t[i];
        struct tok hms = *tt;
        size_t k = 0;

        /* "10:00pm": letters glued to the time */
        while (k < hms.len && !wc_ascii_alpha(hms.p[k]))
            k++;
        hms.len = k;
        if (!parse_hms(&hms, &c))
            return false;
        i++;
        if (k < tt->len ||
            (i < n && t[i].kind == TOK_WORD &&
             (wc_mem_ieq(t[i].p, t[i].len, "am") || wc_mem_ieq(t[i].p, t[i].len, "pm")))) {
            const char *ap = k < tt->len ? tt->p + k : t[i].p;
            size_t aplen = k < tt->len ? tt->len - k : t[i].len;
            bool pm = wc_mem_ieq(ap, aplen, "pm");
            if (!pm && !wc_mem_ieq(ap, aplen, "am"))
                return false;
            if (c.hour < 1 || c.hour > 12)
                return false;
            c.hour = c.hour % 12 + (pm ? 12 : 0);
            if (k == tt->len)
                i++;
        }
    }

    /* the zone */
    if (i < n && (t[i].kind == TOK_OFFSET || t[i].kind == TOK_WORD)) {
        if (!parse_zone(t[i].p, t[i].len, &c.offset))
            return false;
        i++;
        /* "GMT +0200" */
        if (i < n && t[i].kind == TOK_OFFSET && c.offset == 0 && t[i - 1].kind == TOK_WORD) {
            if (parse_offset(t[i].p, t[i].len, &c.offset) != t[i].len)
                return false;
            i++;
        }
    }

    /* asctime and friends put the year last */
    if (!have_year) {
        if (i >= n || t[i].kind != TOK_NUM || t[i].len != 4 || !parse_year(&t[i], &c.year))
            return false;
        i++;
    }
    if (i != n)
        return false;
    return civil_to_time(&c, out);
}

/* --- localised forms -------------------------------------------------------- */

/*
 * Three families of non-English dates that blog platforms wrote into feeds
 * for years (Greek RFC 822, Hungarian ISO 8601, Korean), read by turning
 * their words into the English/numeric ones and handing the result to the
 * parsers above; Korean has its own small reader since its time of day is
 * written as a word. Nothing else is translated: an unknown word still
 * makes the date unreadable.
 */
struct word_map {
    const char *from; /* UTF-8 */
    const char *to;
};

static const struct word_map greek[] = {
    {"\xce\x9a\xcf\x85\xcf\x81", "Sun"},         /* Κυρ */
    {"\xce\x94\xce\xb5\xcf\x85", "Mon"},         /* Δευ */
    {"\xce\xa4\xcf\x81\xce\xb9", "Tue"},         /* Τρι */
    {"\xce\xa4\xce\xb5\xcf\x84", "Wed"},         /* Τετ */
    {"\xce\xa0\xce\xb5\xce\xbc", "Thu"},         /* Πεμ */
    {"\xce\xa0\xce\xb1\xcf\x81", "Fri"},         /* Παρ */
    {"\xce\xa3\xce\xb1\xce\xb2", "Sat"},         /* Σαβ */
    {"\xce\x99\xce\xb1\xce\xbd", "Jan"},         /* Ιαν */
    {"\xce\xa6\xce\xb5\xce\xb2", "Feb"},         /* Φεβ */
    {"\xce\x9c\xce\xac\xcf\x8e", "Mar"},         /* Μάώ */
    {"\xce\x9c\xce\xb1\xcf\x8e", "Mar"},         /* Μαώ */
    {"\xce\x9c\xce\xac\xcf\x81", "Mar"},         /* Μάρ */
    {"\xce\x9c\xce\xb1\xcf\x81", "Mar"},         /* Μαρ */
    {"\xce\x91\xcf\x80\xcf\x81", "Apr"},         /* Απρ */
    {"\xce\x9c\xce\xac\xce\xb9", "May"},         /* Μάι */
    {"\xce\x9c\xce\xb1\xcf\x8a", "May"},         /* Μαϊ */
    {"\xce\x9c\xce\xb1\xce\xb9", "May"},         /* Μαι */
    {"\xce\x99\xce\xbf\xcf\x8d\xce\xbd", "Jun"}, /* Ιούν */
    {"\xce\x99\xce\xbf\xce\xbd", "Jun"},         /* Ιον */
    {"\xce\x99\xce\xbf\xcf\x8d\xce\xbb", "Jul"}, /* Ιούλ */
    {"\xce\x99\xce\xbf\xce\xbb", "Jul"},         /* Ιολ */
    {"\xce\x91\xcf\x8d\xce\xb3", "Aug"},         /* Αύγ */
    {"\xce\x91\xcf\x85\xce\xb3", "Aug"},         /* Αυγ */
    {"\xce\xa3\xce\xb5\xcf\x80", "Sep"},         /* Σεπ */
    {"\xce\x9f\xce\xba\xcf\x84", "Oct"},         /* Οκτ */
    {"\xce\x9d\xce\xbf\xce\xad", "Nov"},         /* Νοέ */
    {"\xce\x9d\xce\xbf\xce\xb5", "Nov"},         /* Νοε */
    {"\xce\x94\xce\xb5\xce\xba", "Dec"},         /* Δεκ */
};

static const struct word_map hungarian[] = {
    {"janu\xc3\xa1r", "01"},
    {"febru\xc3\xa1r", "02"},
    {"m\xc3\xa1rcius", "03"},
    {"\xc3\xa1prilis", "04"},
    {"m\xc3\xa1jus", "05"},
    {"j\xc3\xbanius", "06"},
    {"j\xc3\xbalius", "07"},
    {"augusztus", "08"},
    {"szeptember", "09"},
    {"okt\xc3\xb3"
     "ber",
     "10"},
    {"november", "11"},
    {"december", "12"},
};

/* Rewrite p[0..len) replacing the words of map; false when nothing was replaced. */
static bool translate(const char *p, size_t len, const struct word_map *map, size_t n, char *out,
                      size_t outlen, size_t *outn)
{
    size_t i = 0, k = 0, m;
    bool any = false;

    while (i < len) {
        for (m = 0; m < n; m++) {
            size_t fl = strlen(map[m].from);
            if (fl <= len - i && !memcmp(p + i, map[m].from, fl)) {
                size_t tl = strlen(map[m].to);
                if (k + tl >= outlen)
                    return false;
                memcpy(out + k, map[m].to, tl);
                k += tl;
                i += fl;
                any = true;
                break;
            }
        }
        if (m < n)
            continue;
        if (k + 1 >= outlen)
            return false;
        out[k++] = p[i++];
    }
    *outn = k;
    return any;
}

/*
 * Korean blog dates, in Korea Standard Time (UTC+9, no daylight saving):
 * "2004년 05월 28일 01:31:15" and "2004-05-25 오후 11:23:17" (오전 = a.m., 오후 = p.m.).
 */
static bool parse_korean(const char *p, size_t len, int64_t *out)
{
    static const char am[] = "\xec\x98\xa4\xec\xa0\x84", pm[] = "\xec\x98\xa4\xed\x9b\x84";
    static const char year[] = "\xeb\x85\x84";
    int v[6] = {0}, nv = 0;
    bool is_am = false, is_pm = false, marked = false;
    size_t i = 0;
    struct civil c = {0};

    while (i < len) {
        if (is_digit(p[i])) {
            size_t n = run_of_digits(p + i, len - i);
            if (nv == 6 || n > 4)
                return false;
            digits(p + i, n, n, &v[nv++]);
            i += n;
        } else if (len - i >= 6 && !memcmp(p + i, am, 6)) {
            is_am = marked = true;
            i += 6;
        } else if (len - i >= 6 && !memcmp(p + i, pm, 6)) {
            is_pm = marked = true;
            i += 6;
        } else if (len - i >= 3 && !memcmp(p + i, year, 3)) {
            marked = true;
            i += 3;
        } else if ((unsigned char)p[i] >= 0x80 || p[i] == '-' || p[i] == ':' || is_blank(p[i])) {
            /* 월 and 일 and separators; anything else non-ASCII is checked by the marks */
            if ((unsigned char)p[i] >= 0x80 &&
                !(len - i >= 3 &&
                  ((!memcmp(p + i, "\xec\x9b\x94", 3)) || !memcmp(p + i, "\xec\x9d\xbc", 3))))
                return false;
            i += (unsigned char)p[i] >= 0x80 ? 3 : 1;
        } else {
            return false;
        }
    }
    if (!marked || nv < 5)
        return false;
    c.year = v[0];
    c.month = v[1];
    c.day = v[2];
    c.hour = v[3];
    c.min = v[4];
    c.sec = nv == 6 ? v[5] : 0;
    if (is_am || is_pm) {
        if (c.hour < 1 || c.hour > 12)
            return false;
        c.hour = c.hour % 12 + (is_pm ? 12 : 0);
    }
    c.offset = 9 * 3600;
    return civil_to_time(&c, out);
}

static bool parse_localized(const char *p, size_t len, int64_t *out)
{
    char buf[DATE_MAX_LEN + 16];
    size_t n;

    if (parse_korean(p, len, out))
        return true;
    if (translate(p, len, greek, WC_ARRAY_SIZE(greek), buf, sizeof(buf), &n) &&
        parse_rfc822(buf, n, out))
        return true;
    if (len > 5 && is_digit(p[0]) && p[4] == '-' &&
        translate(p, len, hungarian, WC_ARRAY_SIZE(hungarian), buf, sizeof(buf), &n) &&
        parse_iso(buf, n, out))
        return true;
    return false;
}

bool wc_date_parse(const char *p, size_t len, int64_t *out)
{
    int64_t t;

    if (!p)
        return false;
    wc_mem_trim(&p, &len);
    if (!len || len > DATE_MAX_LEN)
        return false;
    if (is_digit(p[0]) && run_of_digits(p, len) >= 4 && parse_iso(p, len, &t)) {
        *out = t;
        return true;
    }
    if (parse_rfc822(p, len, &t) || parse_localized(p, len, &t)) {
        *out = t;
        return true;
    }
    return false;
}

void wc_date_format(int64_t t, char *out, size_t outlen)
{
    wc_time_format(t, out, outlen);
}
