/*
 * extract_date.c - dates as pages write them.
 *
 * Machine-readable dates (ISO 8601, RFC 822, what <time datetime> and
 * article:published_time hold) go through wc_date_parse. What people
 * write on pages is read here by a tolerant reader: month names and their
 * abbreviations in English, German, French, Spanish, Italian and
 * Portuguese ("July 24, 2012 12:11 AM ET", "24. Juli 2012", "4 juillet
 * 2012"), ordinals, 12-hour clocks, zone names and numeric offsets, and
 * numeric dates ("2012/07/24", "24.07.2012", "7/24/2012": year first when
 * it has four digits, else day first after dots or when the first number
 * cannot be a month, else month first). A date in the URL's path
 * (/2012/07/24/, /2012-07-24, /20120724/) is the last fallback of the
 * published time.
 *
 * What it does not do: relative dates ("3 hours ago": the page does not
 * say when it was read), or calendars other than the Gregorian.
 */
#include "extract_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/date.h"
#include "wirecopy/url.h"

#include "internal.h"

static int month_of(const char *w, size_t n)
{
    static const char *const names[][12] = {
        {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"},
        {"jän", "feb", "mär", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "dez"},
        {"jan", "fév", "mar", "avr", "mai", "jui", "jui", "aoû", "sep", "oct", "nov", "déc"},
        {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"},
        {"gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"},
        {"jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"},
    };
    char low[16];
    size_t i, k;
    int m;

    if (n < 3 || n > 12)
        return 0;
    for (i = 0; i < n; i++)
        low[i] = (char)((w[i] >= 'A' && w[i] <= 'Z') ? w[i] + 32 : w[i]);
    low[n] = '\0';
    /* French juin/juillet share "jui" */
    if (!strncmp(low, "juin", 4))
        return 6;
    if (!strncmp(low, "juil", 4))
        return 7;
    for (k = 0; k < WC_ARRAY_SIZE(names); k++)
        for (m = 0; m < 12; m++) {
            size_t l = strlen(names[k][m]);
            if (n >= l && !memcmp(low, names[k][m], l))
                return m + 1;
        }
    return 0;
}

static int tz_minutes(const char *w, size_t n, bool *found)
{
    static const struct {
        const char *n;
        int off;
    } zones[] = {{"utc", 0},    {"gmt", 0},    {"z", 0},      {"est", -300}, {"edt", -240},
                 {"et", -300},  {"cst", -360}, {"cdt", -300}, {"ct", -360},  {"mst", -420},
                 {"mdt", -360}, {"mt", -420},  {"pst", -480}, {"pdt", -420}, {"pt", -480},
                 {"bst", 60},   {"cet", 60},   {"cest", 120}, {"ist", 330},  {"jst", 540},
                 {"aest", 600}, {"aedt", 660}, {"mez", 60},   {"mesz", 120}};
    size_t i;

    *found = false;
    for (i = 0; i < WC_ARRAY_SIZE(zones); i++)
        if (wc_mem_ieq(w, n, zones[i].n)) {
            *found = true;
            return zones[i].off;
        }
    return 0;
}

static bool valid_ymd(int y, int m, int d)
{
    static const int dm[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return y >= 1970 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= dm[m - 1];
}

/* Numbers separated by / . or -: "2012/07/24", "24.07.2012", "7/24/2012". */
static bool numeric_date(const char *p, size_t len, size_t *i, int *y, int *m, int *d)
{
    int v[3] = {0, 0, 0}, nd[3] = {0, 0, 0}, k = 0;
    size_t j = *i;
    char sep = 0;

    while (k < 3) {
        while (j < len && p[j] >= '0' && p[j] <= '9' && nd[k] < 5) {
            v[k] = v[k] * 10 + (p[j] - '0');
            nd[k]++;
            j++;
        }
        if (!nd[k])
            return false;
        if (k == 2)
            break;
        if (j >= len || (p[j] != '/' && p[j] != '.' && p[j] != '-'))
            return false;
        if (sep && p[j] != sep)
            return false;
        sep = p[j++];
        k++;
    }
    if (k != 2)
        return false;
    if (nd[0] == 4) {
        *y = v[0];
        *m = v[1];
        *d = v[2];
    } else if (nd[2] == 4 || nd[2] == 2) {
        *y = nd[2] == 2 ? 2000 + v[2] : v[2];
        if (sep == '.' || v[0] > 12) {
            *d = v[0];
            *m = v[1];
        } else {
            *m = v[0];
            *d = v[1];
        }
    } else {
        return false;
    }
    if (!valid_ymd(*y, *m, *d))
        return false;
    *i = j;
    return true;
}

/* Dates as people write them: month names, ordinals, 12-hour clocks, zone names. */
static bool human_date(const char *p, size_t len, int64_t *out)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, tz = 0;
    bool have_time = false, pm = false, am = false, found;
    bool after_time = false; /* the words just after the clock time: am/pm, a zone */
    size_t i = 0;
    int loose[2] = {0, 0}, nloose = 0;

    if (len > 200)
        return false;
    while (i < len) {
        unsigned char c = (unsigned char)p[i];
        size_t st = i;
        if (c >= '0' && c <= '9') {
            int yy, mm, dd;
            size_t j = i;
            if (!y && numeric_date(p, len, &j, &yy, &mm, &dd)) {
                y = yy;
                mo = mm;
                d = dd;
                i = j;
                continue;
            }
            int v = 0, nd = 0;
            after_time = false;
            while (i < len && p[i] >= '0' && p[i] <= '9' && nd < 9) {
                v = v * 10 + (p[i] - '0');
                nd++;
                i++;
            }
            if (i < len && p[i] == ':' && nd <= 2 && !have_time) {
                int v2 = 0, n2 = 0;
                i++;
                while (i < len && p[i] >= '0' && p[i] <= '9' && n2 < 2) {
                    v2 = v2 * 10 + (p[i] - '0');
                    n2++;
                    i++;
                }
                if (n2 != 2)
                    return false;
                h = v;
                mi = v2;
                if (i < len && p[i] == ':') {
                    int v3 = 0, n3 = 0;
                    i++;
                    while (i < len && p[i] >= '0' && p[i] <= '9' && n3 < 2) {
                        v3 = v3 * 10 + (p[i] - '0');
                        n3++;
                        i++;
                    }
                    s = v3;
                }
                have_time = true;
                after_time = true;
                continue;
            }
            /* ordinal suffix */
            if (i + 1 < len &&
                ((p[i] == 's' && p[i + 1] == 't') || (p[i] == 'n' && p[i + 1] == 'd') ||
                 (p[i] == 'r' && p[i + 1] == 'd') || (p[i] == 't' && p[i + 1] == 'h')))
                i += 2;
            if (nd == 4 && v >= 1970 && v <= 2100 && !y) {
                y = v;
            } else if ((nd == 4 || nd == 3) && have_time == false && st > 0 &&
                       (p[st - 1] == '+' || p[st - 1] == '-') && nd == 4) {
                int off = (v / 100) * 60 + v % 100;
                tz = p[st - 1] == '-' ? -off : off;
            } else if (nd <= 2 && nloose < 2) {
                loose[nloose++] = v;
            }
            continue;
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80) {
            int m;
            while (i < len && (((unsigned char)p[i] >= 'a' && p[i] <= 'z') ||
                               (p[i] >= 'A' && p[i] <= 'Z') || (unsigned char)p[i] >= 0x80))
                i++;
            {
                bool used = false;
                size_t wl = i - st;
                if ((m = month_of(p + st, wl)) && !mo) {
                    mo = m;
                } else if (after_time && (wc_mem_ieq(p + st, wl, "pm") ||
                                          (wl == 1 && (p[st] == 'p' || p[st] == 'P') && i < len &&
                                           p[i] == '.'))) {
                    pm = used = true;
                } else if (after_time && (wc_mem_ieq(p + st, wl, "am") ||
                                          (wl == 1 && (p[st] == 'a' || p[st] == 'A') && i < len &&
                                           p[i] == '.'))) {
                    am = used = true;
                } else if (after_time && wl == 1 && (p[st] == 'm' || p[st] == 'M')) {
                    used = true; /* the second half of "a.m." */
                } else if (after_time) {
                    int off = tz_minutes(p + st, wl, &found);
                    if (found) {
                        tz = off;
                        used = true;
                    }
                }
                /* am/pm and a zone belong to the clock time just before them only */
                after_time = used;
            }
            continue;
        }
        i++;
    }
    if (!d && nloose)
        d = loose[0];
    if (!y || !mo || !valid_ymd(y, mo, d))
        return false;
    if (pm && h < 12)
        h += 12;
    if (am && h == 12)
        h = 0;
    if (h > 23 || mi > 59 || s > 60)
        return false;
    *out = wc_time_from_civil(y, mo, d, h, mi, s > 59 ? 59 : s) - (int64_t)tz * 60;
    return true;
}

bool ex_date_parse(const char *p, size_t len, int64_t *out)
{
    wc_mem_trim(&p, &len);
    if (!len)
        return false;
    if (wc_date_parse(p, len, out))
        return true;
    return human_date(p, len, out);
}

/* A date in the URL's path: /2012/07/24/, /2012-07-24, /20120724/. */
bool ex_url_date(const char *u, int64_t *out)
{
    wc_url_parts parts;
    const char *p;
    size_t i, n = strlen(u);

    /* from the path on (the host's digits are no date) */
    wc_url_split(u, n, &parts);
    p = parts.authority.present ? u + parts.path.off : u;
    n -= (size_t)(p - u);
    for (i = 0; i + 10 <= n; i++) {
        int y, m, d;
        if (p[i] != '/' && p[i] != '-' && p[i] != '_')
            continue;
        if (sscanf(p + i + 1, "%4d/%2d/%2d", &y, &m, &d) == 3 ||
            sscanf(p + i + 1, "%4d-%2d-%2d", &y, &m, &d) == 3) {
            if (valid_ymd(y, m, d) && y >= 1995) {
                *out = wc_time_from_civil(y, m, d, 0, 0, 0);
                return true;
            }
        }
        if (i + 9 <= n) {
            size_t k;
            bool digits = true;
            for (k = 1; k <= 8; k++)
                if (p[i + k] < '0' || p[i + k] > '9')
                    digits = false;
            if (digits && (i + 9 == n || p[i + 9] < '0' || p[i + 9] > '9')) {
                y = (p[i + 1] - '0') * 1000 + (p[i + 2] - '0') * 100 + (p[i + 3] - '0') * 10 +
                    (p[i + 4] - '0');
                m = (p[i + 5] - '0') * 10 + (p[i + 6] - '0');
                d = (p[i + 7] - '0') * 10 + (p[i + 8] - '0');
                if (valid_ymd(y, m, d) && y >= 1995) {
                    *out = wc_time_from_civil(y, m, d, 0, 0, 0);
                    return true;
                }
            }
        }
    }
    return false;
}
