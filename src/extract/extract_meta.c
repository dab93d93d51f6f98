/*
 * extract_meta.c - an article's metadata: title, authors, dates, site,
 * canonical URL, language, description, main image.
 *
 * Every field has several witnesses of unequal trust, so each value
 * arrives with a priority and the highest wins (ties: the first seen):
 *
 *   80  JSON-LD datePublished/dateModified, <link rel=canonical>, og:site_name, og:image
 *   70  JSON-LD headline/author, og:description, article:published_time (75)
 *   60  og:title, <meta name=author>, meta description, JSON-LD publisher/image
 *   50  twitter:*, Dublin Core, itemprop=... in the page, <time pubdate>
 *   30  <title> minus its site suffix, byline text, dates in the text
 *   10  fallbacks: the host name as site, a date in the URL
 *
 * Titles. <title> usually reads "Headline | Site" or "Site - Section -
 * Headline". The headline is the segment that the page's <h1> (or an
 * element the template calls a title) repeats; failing that, segments
 * that match the site name or host are cut from either end, and a short
 * trailing segment after " | " is taken for the site.
 *
 * Dates go through wc_date_parse (ISO 8601, RFC 822...) and, for what
 * people write on pages ("July 24, 2012 12:11 AM ET", "24. Juli 2012",
 * "2012/07/24"), through a tolerant reader here. URLs are resolved
 * against <base href> or the page's URL with libxml2's xmlBuildURI.
 */
#define _GNU_SOURCE
#include "extract_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/uri.h>
#include <libxml/xmlmemory.h>

#include "wirecopy/date.h"
#include "wirecopy/url.h"

#include "internal.h"

/* Bytes kept of one metadata value (descriptions are the longest). */
#define META_MAX 2048
/* Authors kept. */
#define MAX_AUTHORS 8

/* --- setting values ------------------------------------------------------------- */

/* Copy p[0..len) collapsing whitespace and decoding the entities JSON-LD leaves in. */
static char *normalise(const char *p, size_t len, size_t max)
{
    wc_buf b;
    size_t i;
    bool space = true;

    wc_buf_init(&b, max + 8);
    for (i = 0; i < len && b.len < max; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            if (!space && wc_buf_addch(&b, ' '))
                break;
            space = true;
            continue;
        }
        if (c == 0xC2 && i + 1 < len && (unsigned char)p[i + 1] == 0xA0) {
            i++;
            if (!space && wc_buf_addch(&b, ' '))
                break;
            space = true;
            continue;
        }
        if (c == '&') {
            static const struct {
                const char *e;
                const char *r;
            } ents[] = {{"&amp;", "&"},
                        {"&quot;", "\""},
                        {"&#39;", "'"},
                        {"&#039;", "'"},
                        {"&apos;", "'"},
                        {"&lt;", "<"},
                        {"&gt;", ">"},
                        {"&nbsp;", " "},
                        {"&#8217;", "\xE2\x80\x99"},
                        {"&rsquo;", "\xE2\x80\x99"},
                        {"&#8216;", "\xE2\x80\x98"},
                        {"&lsquo;", "\xE2\x80\x98"},
                        {"&#8220;", "\xE2\x80\x9C"},
                        {"&ldquo;", "\xE2\x80\x9C"},
                        {"&#8221;", "\xE2\x80\x9D"},
                        {"&rdquo;", "\xE2\x80\x9D"},
                        {"&#8211;", "\xE2\x80\x93"},
                        {"&ndash;", "\xE2\x80\x93"},
                        {"&#8212;", "\xE2\x80\x94"},
                        {"&mdash;", "\xE2\x80\x94"}};
            size_t k;
            bool done = false;
            for (k = 0; k < WC_ARRAY_SIZE(ents); k++) {
                size_t el = strlen(ents[k].e);
                if (len - i >= el && !memcmp(p + i, ents[k].e, el)) {
                    if (wc_buf_addstr(&b, ents[k].r))
                        break;
                    i += el - 1;
                    done = true;
                    space = ents[k].r[0] == ' ';
                    break;
                }
            }
            if (done)
                continue;
        }
        if (wc_buf_addch(&b, (char)c))
            break;
        space = false;
    }
    wc_buf_rtrim(&b);
    if (!b.len) {
        wc_buf_release(&b);
        return NULL;
    }
    /* a cut may have split a character: drop a partial sequence at the end */
    while (b.len && !wc_utf8_valid(b.buf, b.len))
        b.len--;
    b.buf[b.len] = '\0';
    return wc_buf_detach(&b, NULL);
}

void ex_meta_set(ex_doc *d, unsigned slot, const char *p, size_t len, int prio)
{
    char *s;

    if (slot >= M_COUNT || prio <= d->meta[slot].prio)
        return;
    s = normalise(p, len, META_MAX);
    if (!s)
        return;
    free(d->meta[slot].s);
    d->meta[slot].s = s;
    d->meta[slot].prio = prio;
}

static bool all_caps(const char *s)
{
    bool letter = false;

    for (; *s; s++) {
        if (*s >= 'a' && *s <= 'z')
            return false;
        if (*s >= 'A' && *s <= 'Z')
            letter = true;
    }
    return letter;
}

/* "JOHN O'BRIEN" -> "John O'Brien" (ASCII letters only). */
static void title_case(char *s)
{
    bool start = true;

    for (; *s; s++) {
        if (*s >= 'A' && *s <= 'Z') {
            if (!start)
                *s = (char)(*s + 32);
            start = false;
        } else if ((unsigned char)*s >= 0x80 || (*s >= 'a' && *s <= 'z') ||
                   (*s >= '0' && *s <= '9')) {
            start = false;
        } else {
            start = *s != '\'' || s[1] == '\0' || s[2] == '\0' ? true : s[-1] == 'O';
        }
    }
}

/* Labels of links and buttons that sit where names do ("View Profile", "More posts"). */
static bool ui_words(const char *p, size_t len)
{
    static const char *const words[] = {
        "profile",  "view ",   "posts",   "email",     "follow",   "twitter", "facebook",   "rss",
        "articles", "contact", "website", "subscribe", "comments", "more by", "all stories"};
    size_t i;

    for (i = 0; i < WC_ARRAY_SIZE(words); i++)
        if (wc_mem_istr(p, len, words[i]))
            return true;
    return false;
}

static void add_one_author(ex_doc *d, const char *p, size_t len)
{
    char *s;
    size_t i, words = 1, n;

    wc_mem_trim(&p, &len);
    while (len && (p[len - 1] == ',' || p[len - 1] == '|' || p[len - 1] == '.'))
        len--;
    if (wc_mem_istarts(p, len, "by ")) {
        p += 3;
        len -= 3;
    }
    wc_mem_trim(&p, &len);
    if (len < 2 || len > 80 || wc_mem_istr(p, len, "http") || wc_mem_istr(p, len, "www.") ||
        memchr(p, '@', len) || memchr(p, '/', len))
        return;
    for (i = 0; i < len; i++)
        words += p[i] == ' ';
    if (words > 6 || ui_words(p, len))
        return;
    s = normalise(p, len, 120);
    if (!s)
        return;
    if (all_caps(s))
        title_case(s);
    n = strlen(s);
    for (i = 0; i < d->n_authors; i++)
        if (strlen(d->authors[i]) == n && wc_mem_ieq(d->authors[i], n, s)) {
            free(s);
            return;
        }
    if (d->n_authors >= MAX_AUTHORS) {
        free(s);
        return;
    }
    d->authors[d->n_authors++] = s;
}

void ex_meta_add_author(ex_doc *d, const char *p, size_t len, int prio)
{
    size_t i, start = 0;

    if (prio < d->author_prio)
        return;
    if (prio > d->author_prio) {
        for (i = 0; i < d->n_authors; i++)
            free(d->authors[i]);
        d->n_authors = 0;
        d->author_prio = prio;
    }
    wc_mem_trim(&p, &len);
    if (wc_mem_istarts(p, len, "by ")) {
        p += 3;
        len -= 3;
    }
    /* "A and B", "A, B & C", "A; B" */
    for (i = 0; i <= len; i++) {
        size_t cut = 0;
        if (i == len)
            cut = 1;
        else if (p[i] == ',' || p[i] == ';' || p[i] == '|')
            cut = 1;
        else if (p[i] == '&' && i > 0 && p[i - 1] == ' ')
            cut = 1;
        else if (i + 5 <= len && !memcmp(p + i, " and ", 5))
            cut = 5;
        else if (i + 5 <= len && !memcmp(p + i, " und ", 5))
            cut = 5;
        else if (i + 4 <= len && !memcmp(p + i, " et ", 4))
            cut = 4;
        else if (i + 3 <= len && !memcmp(p + i, " y ", 3))
            cut = 3;
        if (!cut)
            continue;
        if (i > start)
            add_one_author(d, p + start, i - start);
        start = i + cut;
        i = start - 1;
    }
}

/* --- URLs -------------------------------------------------------------------- */

static bool is_http(const char *s)
{
    return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
}

char *ex_resolve_url(const ex_doc *d, const char *ref, size_t len)
{
    const char *base = d->base_url ? d->base_url : d->url;
    char tmp[EX_MAX_ATTR + 1], *out = NULL;
    xmlChar *r;

    wc_mem_trim(&ref, &len);
    if (!len || len > EX_MAX_ATTR || memchr(ref, '\0', len))
        return NULL;
    memcpy(tmp, ref, len);
    tmp[len] = '\0';
    if (wc_mem_istarts(tmp, len, "javascript:") || wc_mem_istarts(tmp, len, "data:") ||
        wc_mem_istarts(tmp, len, "mailto:") || tmp[0] == '#')
        return NULL;
    if (is_http(tmp))
        return wc_strdup(tmp);
    if (!base || !is_http(base))
        return NULL;
    r = xmlBuildURI((const xmlChar *)tmp, (const xmlChar *)base);
    if (r && is_http((const char *)r))
        out = wc_strdup((const char *)r);
    xmlFree(r);
    return out;
}

/* --- dates ------------------------------------------------------------------ */

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
static bool url_date(const char *u, int64_t *out)
{
    const char *p = strstr(u, "://");
    size_t i, n;

    p = p ? strchr(p + 3, '/') : u;
    if (!p)
        return false;
    n = strlen(p);
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

/* --- collecting from the tree -------------------------------------------------- */

struct named {
    const char *name;
    unsigned slot;
    int prio;
};

/* <meta name|property|itemprop=...> keys (lower case). */
static const struct named meta_keys[] = {
    {"og:title", M_TITLE, 60},
    {"twitter:title", M_TITLE, 50},
    {"headline", M_TITLE, 55},
    {"dc.title", M_TITLE, 45},
    {"og:site_name", M_SITE, 80},
    {"application-name", M_SITE, 40},
    {"al:android:app_name", M_SITE, 30},
    {"og:description", M_DESCRIPTION, 70},
    {"description", M_DESCRIPTION, 60},
    {"twitter:description", M_DESCRIPTION, 50},
    {"dc.description", M_DESCRIPTION, 45},
    {"og:image", M_IMAGE, 80},
    {"og:image:url", M_IMAGE, 79},
    {"og:image:secure_url", M_IMAGE, 78},
    {"twitter:image", M_IMAGE, 70},
    {"twitter:image:src", M_IMAGE, 70},
    {"image", M_IMAGE, 45},
    {"thumbnail", M_IMAGE, 40},
    {"og:url", M_CANONICAL, 60},
    {"twitter:url", M_CANONICAL, 40},
    {"article:published_time", M_PUBLISHED, 75},
    {"og:published_time", M_PUBLISHED, 70},
    {"og:article:published_time", M_PUBLISHED, 70},
    {"datepublished", M_PUBLISHED, 70},
    {"article.published", M_PUBLISHED, 60},
    {"pubdate", M_PUBLISHED, 60},
    {"publishdate", M_PUBLISHED, 60},
    {"publish-date", M_PUBLISHED, 60},
    {"publish_date", M_PUBLISHED, 60},
    {"date_published", M_PUBLISHED, 60},
    {"parsely-pub-date", M_PUBLISHED, 60},
    {"sailthru.date", M_PUBLISHED, 55},
    {"dc.date.issued", M_PUBLISHED, 55},
    {"dcterms.issued", M_PUBLISHED, 55},
    {"dcterms.created", M_PUBLISHED, 50},
    {"dc.date", M_PUBLISHED, 50},
    {"dc.date.created", M_PUBLISHED, 50},
    {"displaydate", M_PUBLISHED, 50},
    {"originalpublicationdate", M_PUBLISHED, 55},
    {"article_date_original", M_PUBLISHED, 55},
    {"date", M_PUBLISHED, 45},
    {"cxenseparse:recs:publishtime", M_PUBLISHED, 50},
    {"article:modified_time", M_MODIFIED, 75},
    {"og:updated_time", M_MODIFIED, 70},
    {"datemodified", M_MODIFIED, 70},
    {"dcterms.modified", M_MODIFIED, 50},
    {"dc.date.modified", M_MODIFIED, 50},
    {"last-modified", M_MODIFIED, 40},
    {"lastmod", M_MODIFIED, 40},
    {"og:locale", M_LANG, 40},
    {"language", M_LANG, 45},
    {"dc.language", M_LANG, 45},
    {"content-language", M_LANG, 45},
    {"article:section", M_SECTION, 50},
};

/* <meta> keys that name authors. */
static const struct named author_keys[] = {
    {"author", 0, 60},          {"article:author", 0, 55}, {"byl", 0, 50},
    {"dc.creator", 0, 50},      {"parsely-author", 0, 60}, {"sailthru.author", 0, 55},
    {"dcterms.creator", 0, 50}, {"byline", 0, 50},         {"og:article:author", 0, 50},
};

static void meta_tag(ex_doc *d, uint32_t n)
{
    const char *key = NULL, *content;
    size_t kl = 0, cl, i;
    char low[64];

    content = ex_attr_get(d, n, A_CONTENT, &cl);
    key = ex_attr_get(d, n, A_PROPERTY, &kl);
    if (!key)
        key = ex_attr_get(d, n, A_NAME, &kl);
    if (!key)
        key = ex_attr_get(d, n, A_ITEMPROP, &kl);
    if (!key)
        key = ex_attr_get(d, n, A_HTTP_EQUIV, &kl);
    if (!key || !content || !cl || kl >= sizeof(low))
        return;
    for (i = 0; i < kl; i++)
        low[i] = (char)((key[i] >= 'A' && key[i] <= 'Z') ? key[i] + 32 : key[i]);
    low[kl] = '\0';
    for (i = 0; i < WC_ARRAY_SIZE(meta_keys); i++)
        if (!strcmp(low, meta_keys[i].name)) {
            ex_meta_set(d, meta_keys[i].slot, content, cl, meta_keys[i].prio);
            return;
        }
    for (i = 0; i < WC_ARRAY_SIZE(author_keys); i++)
        if (!strcmp(low, author_keys[i].name)) {
            if (!wc_mem_istarts(content, cl, "http"))
                ex_meta_add_author(d, content, cl, author_keys[i].prio);
            return;
        }
}

static void link_tag(ex_doc *d, uint32_t n)
{
    size_t rl, hl;
    const char *rel = ex_attr_get(d, n, A_REL, &rl);
    const char *href = ex_attr_get(d, n, A_HREF, &hl);

    if (!rel || !href || !hl)
        return;
    if (wc_mem_ieq(rel, rl, "canonical"))
        ex_meta_set(d, M_CANONICAL, href, hl, 80);
    else if (wc_mem_ieq(rel, rl, "image_src"))
        ex_meta_set(d, M_IMAGE, href, hl, 50);
}

/* Text of element n into a small buffer; "" on failure. */
static size_t node_text(const ex_doc *d, uint32_t n, char *out, size_t cap)
{
    wc_buf b;
    size_t l;

    wc_buf_init(&b, 0);
    if (ex_dom_text(d, n, &b, cap - 1) || !b.len) {
        wc_buf_release(&b);
        out[0] = '\0';
        return 0;
    }
    l = WC_MIN(b.len, cap - 1);
    while (l && !wc_utf8_valid(b.buf, l))
        l--;
    memcpy(out, b.buf, l);
    out[l] = '\0';
    wc_buf_release(&b);
    return l;
}

static void itemprop_value(ex_doc *d, uint32_t n, const char *prop, size_t pl)
{
    char text[512];
    size_t tl = 0, vl;
    const char *v;
    unsigned tag = d->nodes[n].tag;

    if (tag == T_META)
        return; /* handled by meta_tag */
    if (wc_mem_ieq(prop, pl, "datePublished") || wc_mem_ieq(prop, pl, "dateCreated") ||
        wc_mem_ieq(prop, pl, "dateModified")) {
        unsigned slot = wc_mem_ieq(prop, pl, "dateModified") ? M_MODIFIED : M_PUBLISHED;
        v = ex_attr_get(d, n, A_DATETIME, &vl);
        if (!v)
            v = ex_attr_get(d, n, A_CONTENT, &vl);
        if (!v) {
            tl = node_text(d, n, text, 128);
            v = text;
            vl = tl;
        }
        ex_meta_set(d, slot, v, vl, wc_mem_ieq(prop, pl, "dateCreated") ? 45 : 55);
    } else if (wc_mem_ieq(prop, pl, "author") || wc_mem_ieq(prop, pl, "creator")) {
        uint32_t c, end = n + 1;
        bool named = false;
        /* a nested itemprop=name carries the name */
        while (end < d->n_nodes && ex_is_ancestor(d, n, end))
            end++;
        for (c = n + 1; c < end; c++) {
            size_t cl;
            const char *cp = ex_attr_get(d, c, A_ITEMPROP, &cl);
            if (cp && wc_mem_ieq(cp, cl, "name")) {
                v = ex_attr_get(d, c, A_CONTENT, &vl);
                if (!v) {
                    tl = node_text(d, c, text, sizeof(text));
                    v = text;
                    vl = tl;
                }
                ex_meta_add_author(d, v, vl, 55);
                named = true;
                break;
            }
        }
        if (!named) {
            v = ex_attr_get(d, n, A_CONTENT, &vl);
            if (!v) {
                tl = node_text(d, n, text, sizeof(text));
                v = text;
                vl = tl;
            }
            if (vl && vl < 120)
                ex_meta_add_author(d, v, vl, 50);
        }
    } else if (wc_mem_ieq(prop, pl, "headline")) {
        tl = node_text(d, n, text, sizeof(text));
        ex_meta_set(d, M_TITLE, text, tl, 55);
    } else if (wc_mem_ieq(prop, pl, "image") || wc_mem_ieq(prop, pl, "thumbnailUrl")) {
        v = ex_attr_get(d, n, A_SRC, &vl);
        if (!v)
            v = ex_attr_get(d, n, A_HREF, &vl);
        if (!v)
            v = ex_attr_get(d, n, A_CONTENT, &vl);
        if (v)
            ex_meta_set(d, M_IMAGE, v, vl, 45);
    }
}

/* Does the class value hold the word w (as a whole class name)? */
static bool has_class(const char *v, size_t l, const char *w)
{
    size_t n = strlen(w), i = 0;

    while (i < l) {
        size_t s;
        while (i < l && v[i] == ' ')
            i++;
        s = i;
        while (i < l && v[i] != ' ')
            i++;
        if (i - s == n && !memcmp(v + s, w, n))
            return true;
    }
    return false;
}

/*
 * hCard, the microformat most blog templates still print: an element of
 * class "fn" (the formatted name) inside one of class "author" or
 * "vcard" names the author.
 */
static void hcard_author(ex_doc *d, uint32_t n, const char *v, size_t l)
{
    uint32_t a;
    int up;

    if (!has_class(v, l, "fn"))
        return;
    for (a = d->nodes[n].parent, up = 0; a != EX_NONE && up < 4; a = d->nodes[a].parent, up++) {
        size_t cl;
        const char *c = ex_attr_get(d, a, A_CLASS, &cl);
        if (c && (has_class(c, cl, "author") || has_class(c, cl, "vcard"))) {
            char text[160];
            size_t tl = node_text(d, n, text, sizeof(text));
            if (tl && tl < 80)
                ex_meta_add_author(d, text, tl, 45);
            return;
        }
    }
}

/* Heading candidates for the title: h1s and elements the template calls
   titles (heads); other <h2>/<h3>, which blogs use for the post's headline (subs). */
#define MAX_HEADS 12
#define MAX_SUBS 96

struct title_ctx {
    uint32_t heads[MAX_HEADS];
    unsigned n_heads;
    uint32_t subs[MAX_SUBS];
    unsigned n_subs;
    char *doc_title; /* <title> */
};

static void collect(ex_doc *d, struct title_ctx *tc)
{
    uint32_t n;
    size_t l;
    const char *v;
    int64_t t;

    for (n = 1; n < d->n_nodes; n++) {
        const ex_node *nd = &d->nodes[n];
        if (nd->tag == T_TEXT)
            continue;
        switch (nd->tag) {
        case T_META:
            meta_tag(d, n);
            continue;
        case T_LINK:
            link_tag(d, n);
            continue;
        case T_BASE:
            if (!d->base_url && (v = ex_attr_get(d, n, A_HREF, &l)) && l) {
                ex_doc tmp = *d;
                tmp.base_url = NULL;
                d->base_url = ex_resolve_url(&tmp, v, l);
            }
            continue;
        case T_HTML:
            if ((v = ex_attr_get(d, n, A_LANG, &l)) && l) {
                size_t k;
                for (k = 0; k < l && k + 1 < sizeof(d->html_lang) && v[k] != '-' && v[k] != '_';
                     k++)
                    d->html_lang[k] = (char)((v[k] >= 'A' && v[k] <= 'Z') ? v[k] + 32 : v[k]);
                d->html_lang[k] = '\0';
            }
            break;
        case T_TIME:
            if ((v = ex_attr_get(d, n, A_DATETIME, &l)) && ex_date_parse(v, l, &t)) {
                int prio = (nd->flags & NF_PUBDATE) ? 55 : 35;
                if (!(nd->cls & EXC_COMMENT))
                    ex_meta_set(d, M_PUBLISHED, v, l, prio);
            }
            break;
        case T_A:
            if ((v = ex_attr_get(d, n, A_REL, &l)) && wc_mem_istr(v, l, "author")) {
                char text[160];
                size_t tl = node_text(d, n, text, sizeof(text));
                if (tl && tl < 60)
                    ex_meta_add_author(d, text, tl, 40);
            }
            break;
        default:
            break;
        }
        if ((v = ex_attr_get(d, n, A_ITEMPROP, &l)) && l)
            itemprop_value(d, n, v, l);
        if ((v = ex_attr_get(d, n, A_CLASS, &l)) && l)
            hcard_author(d, n, v, l);
        if (tc->n_heads < MAX_HEADS &&
            (nd->tag == T_H1 ||
             ((nd->cls & EXC_TITLE) && (ex_tag_flags(nd->tag) & TF_HEADING) && nd->tag <= T_H3)))
            tc->heads[tc->n_heads++] = n;
        else if (tc->n_subs < MAX_SUBS && (nd->tag == T_H2 || nd->tag == T_H3))
            tc->subs[tc->n_subs++] = n;
    }
}

/* Byline elements ("By Jane Doe") when nothing better named the authors. */
static void byline_authors(ex_doc *d)
{
    uint32_t i;
    unsigned seen = 0;

    if (d->author_prio >= 40)
        return;
    for (i = 0; i < d->n_blocks && seen < 3; i++) {
        const ex_block *b = &d->blocks[i];
        const char *p = d->btext.buf + b->off;
        if (b->words > 24 || !(b->flags & BF_BYLINE))
            continue;
        if (!wc_mem_istarts(p, b->len, "by ") && !wc_mem_istarts(p, b->len, "posted by ") &&
            !wc_mem_istarts(p, b->len, "written by "))
            continue;
        seen++;
        {
            const char *q = wc_mem_istr(p, b->len, "by ") + 3;
            size_t ql = b->len - (size_t)(q - p), k;
            /* stop at a date or a separator: "By Jane Doe | July 4, 2012" */
            for (k = 0; k < ql; k++)
                if (q[k] == '|' || (q[k] >= '0' && q[k] <= '9') ||
                    (k + 4 < ql && !memcmp(q + k, " on ", 4)) ||
                    (k + 4 < ql && !memcmp(q + k, " at ", 4)) ||
                    wc_mem_istarts(q + k, ql - k, " published") ||
                    wc_mem_istarts(q + k, ql - k, " posted") ||
                    wc_mem_istarts(q + k, ql - k, " updated"))
                    break;
            ex_meta_add_author(d, q, k, 30);
        }
    }
}

/* --- titles --------------------------------------------------------------------- */

static const char *const title_seps[] = {" | ",
                                         " - ",
                                         " \xE2\x80\x93 ",
                                         " \xE2\x80\x94 ",
                                         " :: ",
                                         " \xC2\xBB ",
                                         " \xC2\xAB ",
                                         " \xC2\xB7 ",
                                         " \xE2\x80\xA2 ",
                                         " ~ ",
                                         " \xE2\x80\xBA ",
                                         " / "};

#define MAX_SEGS 8

struct seg {
    size_t off, len;
    size_t sep_len; /* separator that follows this segment */
    bool pipe;      /* that separator is " | " */
};

static size_t split_title(const char *t, struct seg *segs)
{
    size_t n = strlen(t), i, k, ns = 0, start = 0;

    for (i = 0; i < n && ns + 1 < MAX_SEGS; i++) {
        if (t[i] != ' ')
            continue;
        for (k = 0; k < WC_ARRAY_SIZE(title_seps); k++) {
            size_t sl = strlen(title_seps[k]);
            if (n - i >= sl && !memcmp(t + i, title_seps[k], sl)) {
                segs[ns].off = start;
                segs[ns].len = i - start;
                segs[ns].sep_len = sl;
                segs[ns].pipe = k == 0;
                ns++;
                start = i + sl;
                i += sl - 1;
                break;
            }
        }
    }
    segs[ns].off = start;
    segs[ns].len = n - start;
    segs[ns].sep_len = 0;
    segs[ns].pipe = false;
    return ns + 1;
}

/* The registrable-looking label of a host: "www.nytimes.com" -> "nytimes". */
static size_t host_label(const char *url, char *out, size_t cap)
{
    const char *h, *e, *dot, *prev = NULL;
    size_t n;

    if (!url || !(h = strstr(url, "://")))
        return 0;
    h += 3;
    e = h;
    while (*e && *e != '/' && *e != ':' && *e != '?' && *e != '#')
        e++;
    /* last label before the public suffix: take the longest of the last two labels */
    dot = NULL;
    for (const char *p = h; p < e; p++)
        if (*p == '.') {
            prev = dot;
            dot = p;
        }
    if (!dot)
        return 0;
    {
        const char *a = prev ? prev + 1 : h;
        n = (size_t)(dot - a);
        if (n <= 3 && prev) { /* co.uk, com.au: go one label further left */
            const char *q = prev, *r = h;
            for (const char *p = h; p < prev; p++)
                if (*p == '.')
                    r = p + 1;
            (void)q;
            a = r;
            n = (size_t)(prev - a);
        }
        return ex_fold(a, n, out, cap);
    }
}

static bool seg_is_site(const char *t, const struct seg *s, const char *site, const char *hostl)
{
    char fs[256], fsite[256];
    size_t ns = ex_fold(t + s->off, WC_MIN(s->len, sizeof(fs) - 1), fs, sizeof(fs)), nsite;

    if (!ns)
        return true;
    if (site && (nsite = ex_fold(site, strlen(site), fsite, sizeof(fsite))) >= 2) {
        if (ns == nsite && !memcmp(fs, fsite, ns))
            return true;
        if (ns >= 3 && nsite > ns && memmem(fsite, nsite, fs, ns))
            return true;
        if (nsite >= 4 && ns <= nsite + 20 && memmem(fs, ns, fsite, nsite))
            return true;
    }
    if (hostl && strlen(hostl) >= 3 && ns <= strlen(hostl) + 24 &&
        memmem(fs, ns, hostl, strlen(hostl)))
        return true;
    if (memmem(t + s->off, s->len, ".com", 4) || memmem(t + s->off, s->len, ".co.", 4) ||
        memmem(t + s->off, s->len, ".org", 4) || memmem(t + s->off, s->len, ".net", 4))
        return s->len < 40;
    return false;
}

static size_t words_in(const char *p, size_t n)
{
    return ex_count_words(p, n);
}

/* Cut site and section segments off a title; malloc'd result. *cut_site gets the site segment. */
static char *clean_title(const char *t, const char *site, const char *url, char **cut_site)
{
    struct seg segs[MAX_SEGS];
    size_t ns = split_title(t, segs), a = 0, b, total;
    char hostl[128];
    size_t hl = host_label(url, hostl, sizeof(hostl));
    bool cut = false;

    if (cut_site)
        *cut_site = NULL;
    if (ns == 1)
        return wc_strdup(t);
    b = ns;
    total = strlen(t);
    while (b - a > 1 && seg_is_site(t, &segs[b - 1], site, hl ? hostl : NULL)) {
        if (cut_site && !*cut_site)
            *cut_site = wc_strndup(t + segs[b - 1].off, segs[b - 1].len);
        b--;
        cut = true;
    }
    while (b - a > 1 && seg_is_site(t, &segs[a], site, hl ? hostl : NULL)) {
        if (cut_site && !*cut_site)
            *cut_site = wc_strndup(t + segs[a].off, segs[a].len);
        a++;
        cut = true;
    }
    if (!cut && b - a > 1) {
        /* "Headline | Site Name": a short last segment after a pipe is the site */
        const struct seg *last = &segs[b - 1], *before = &segs[b - 2];
        size_t lw = words_in(t + last->off, last->len);
        if ((before->pipe && lw <= 5 && last->len * 2 < total) ||
            (lw <= 3 && last->len * 3 < total &&
             words_in(t, segs[b - 2].off + segs[b - 2].len) >= 4)) {
            if (cut_site)
                *cut_site = wc_strndup(t + last->off, last->len);
            b--;
            cut = true;
        }
    }
    if (cut && b - a > 1) {
        /* then a section name left at the end: "Headline - Politics" */
        const struct seg *last = &segs[b - 1];
        if (words_in(t + last->off, last->len) <= 2 &&
            words_in(t + segs[a].off, segs[b - 2].off + segs[b - 2].len - segs[a].off) >= 4 &&
            segs[b - 2].sep_len && (segs[b - 2].pipe || segs[b - 2].sep_len > 3))
            b--;
    }
    return wc_strndup(t + segs[a].off, segs[b - 1].off + segs[b - 1].len - segs[a].off);
}

/*
 * "Headline – Site" or "Site: Headline" when the <h1> says which part is
 * the headline: the other part, when short, is the site's name.
 */
static void site_beside_headline(ex_doc *d, const char *doc, const char *head)
{
    size_t nd = strlen(doc), nh = head ? strlen(head) : 0, k;
    const char *rest = NULL;
    size_t rl = 0;

    if (!nh || nh >= nd)
        return;
    if (!strncmp(doc, head, nh)) {
        rest = doc + nh;
        rl = nd - nh;
    } else if (!strcmp(doc + nd - nh, head)) {
        rest = doc;
        rl = nd - nh;
    } else {
        return;
    }
    /* strip the separator and spaces around the remainder */
    for (k = 0; k < 2; k++) {
        while (rl && (*rest == ' ' || *rest == '|' || *rest == '-' || *rest == ':' ||
                      (unsigned char)*rest >= 0x80)) {
            if ((unsigned char)*rest >= 0x80) { /* a dash or a guillemet: skip the sequence */
                size_t n = 1;
                uint32_t cp;
                n = wc_utf8_decode(rest, rl, &cp);
                if (!n || !(cp == 0x2013 || cp == 0x2014 || cp == 0xBB || cp == 0xAB || cp == 0xB7))
                    break;
                rest += n;
                rl -= n;
                continue;
            }
            rest++;
            rl--;
        }
        while (rl && (rest[rl - 1] == ' ' || rest[rl - 1] == '|' || rest[rl - 1] == '-' ||
                      rest[rl - 1] == ':'))
            rl--;
    }
    if (rl >= 2 && words_in(rest, rl) <= 6)
        ex_meta_set(d, M_SITE, rest, rl, 25);
}

/* url's host without a leading "www.", into *h; its length, 0 when there is none. */
static size_t site_host(const char *url, size_t len, const char **h)
{
    wc_url_parts u;
    size_t n;

    wc_url_split(url, len, &u);
    *h = url + u.host.off;
    n = u.host.len;
    if (n > 4 && wc_mem_istarts(*h, n, "www.")) {
        *h += 4;
        n -= 4;
    }
    return n;
}

/*
 * Does href point at the site's front page ("/", "./", "index.html",
 * "https://host/")? With the page's URL known, an address with a host
 * counts only on the page's own host ("Acme launches..." may link to
 * acme.example).
 */
static bool href_home(const ex_doc *d, const char *v, size_t l)
{
    wc_url_parts u;
    const char *path, *h, *ph;
    size_t pl, hl, phl;

    while (l && v[0] == ' ')
        v++, l--;
    while (l && v[l - 1] == ' ')
        l--;
    if (!l || v[0] == '#') /* href="" or "#top": this very page */
        return false;
    wc_url_split(v, l, &u);
    if (u.query.present || (u.scheme.present && !u.authority.present))
        return false; /* "?page=2", "mailto:", "javascript:" */
    path = v + u.path.off;
    pl = u.path.len;
    while (pl && path[pl - 1] == '/')
        pl--;
    if (pl >= 10 && wc_mem_ieq(path + pl - 10, 10, "index.html"))
        pl -= 10;
    else if (pl >= 9 && wc_mem_ieq(path + pl - 9, 9, "index.php"))
        pl -= 9;
    while (pl && path[pl - 1] == '/')
        pl--;
    if (pl > 1 || (pl == 1 && path[0] != '.'))
        return false; /* a path below the front page */
    if (!u.authority.present || !d->url)
        return true;
    hl = site_host(v, l, &h);
    phl = site_host(d->url, strlen(d->url), &ph);
    return !phl || (hl == phl && !strncasecmp(h, ph, hl));
}

/* Nodes below an element that links_home looks through. */
#define HOME_SCAN_MAX 4096

/* A heading linking to the front page, inside or around it: a masthead's, not a headline's. */
static bool links_home(const ex_doc *d, uint32_t n)
{
    uint32_t k;
    const char *v;
    size_t l;
    unsigned up;

    /* a masthead is small: the walk stops after HOME_SCAN_MAX nodes, so up to
       MAX_HEADS + MAX_SUBS headings, each looking at a few ancestors, stay cheap */
    for (k = n + 1;
         k < d->n_nodes && k - n <= HOME_SCAN_MAX && d->nodes[k].depth > d->nodes[n].depth; k++)
        if (d->nodes[k].tag == T_A && (v = ex_attr_get(d, k, A_HREF, &l)) && href_home(d, v, l))
            return true;
    for (k = d->nodes[n].parent, up = 0; k != EX_NONE && k != 0 && up < 3;
         k = d->nodes[k].parent, up++)
        if (d->nodes[k].tag == T_A && (v = ex_attr_get(d, k, A_HREF, &l)) && href_home(d, v, l))
            return true;
    return false;
}

/*
 * Inside the page's masthead: a <header> (or an element the template calls
 * a header) that also holds a link to the front page. A blog's tagline
 * <h2> beside its name is not a headline; an article's own <header> with
 * its permalink headline is left alone.
 */
static bool in_masthead(const ex_doc *d, uint32_t n)
{
    uint32_t k;
    unsigned up;

    for (k = d->nodes[n].parent, up = 0; k != EX_NONE && k != 0 && up < 6;
         k = d->nodes[k].parent, up++) {
        const ex_node *a = &d->nodes[k];
        if (a->tag == T_ARTICLE || (a->cls & (EXC_ARTICLE | EXC_BODY | EXC_MAIN)))
            return false;
        if ((a->tag == T_HEADER || (a->cls & EXC_HEADER)) && links_home(d, k))
            return true;
    }
    return false;
}

/* Classes around a heading that say it is not this page's headline. */
#define NOT_HEADLINE_BITS                                                                          \
    (EXC_NAV | EXC_FOOTER | EXC_SIDEBAR | EXC_RELATED | EXC_COMMENT | EXC_PROMO | EXC_LEAD |       \
     EXC_AD | EXC_PAGER | EXC_HIDDEN)

/*
 * Could heading n (text[0..tl)) be the page's headline? Not in a menu,
 * sidebar, comment thread or dek, not a comments heading ("3 responses to
 * <headline>"), not the masthead or a heading linking home.
 */
static bool headline_place(const ex_doc *d, uint32_t n, const char *text, size_t tl)
{
    uint32_t h = n;
    unsigned up;

    for (up = 0; n != EX_NONE && n != 0 && up < 12; up++, n = d->nodes[n].parent)
        if (d->nodes[n].cls & NOT_HEADLINE_BITS)
            return false;
    return !ex_is_comments_heading(text, tl) && !links_home(d, h) && !in_masthead(d, h);
}

/* Is the folded heading fh the site's name (og:site_name, or the part a <title> was cut of)? */
static bool names_site(const char *fh, size_t nh, const char *site, const char *cut)
{
    char fs[256];
    unsigned i;

    for (i = 0; i < 2; i++) {
        const char *sn = i ? cut : site;
        size_t ns;
        if (sn && (ns = ex_fold(sn, strlen(sn), fs, sizeof(fs))) >= 3 && memmem(fh, nh, fs, ns) &&
            nh <= ns + 8)
            return true;
    }
    return false;
}

/* Is heading n one run of text (in links or not), with no badge or label element beside it? */
static bool one_text_run(const ex_doc *d, uint32_t n)
{
    uint32_t k;
    unsigned runs = 0;

    for (k = n + 1; k < d->n_nodes && d->nodes[k].depth > d->nodes[n].depth; k++)
        if (d->nodes[k].tag == T_TEXT && d->nodes[k].len && ++runs > 1)
            return false;
    return runs == 1;
}

/*
 * No <h1> matched: a blog's linked <h2> ("Category  Headline") that holds
 * og:title's or the <title>'s headline whole, or an <h1> that goes on
 * where a long <title> cut the headline short ("Long headline that goes -
 * Site"). The title is the clean one, not the heading's extra words.
 */
static void headline_by_title(ex_doc *d, struct title_ctx *tc, const char *doc_t,
                              const char *meta_t, const char *site, const char *cut)
{
    char fc[512], fh[512], text[512];
    size_t nc, nh, tl;
    unsigned i, k;

    for (k = 0; k < 2; k++) {
        const char *t = k ? doc_t : meta_t;
        if (!t || (nc = ex_fold(t, strlen(t), fc, sizeof(fc))) < 16 || words_in(t, strlen(t)) < 3)
            continue;
        for (i = 0; i < tc->n_subs; i++) {
            tl = node_text(d, tc->subs[i], text, sizeof(text));
            nh = ex_fold(text, tl, fh, sizeof(fh));
            if (nh >= nc && nh <= nc + 40 && memmem(fh, nh, fc, nc) &&
                headline_place(d, tc->subs[i], text, tl) && !names_site(fh, nh, site, cut)) {
                ex_meta_set(d, M_TITLE, t, strlen(t), 1000);
                d->h1 = tc->subs[i];
                return;
            }
        }
    }
    if (tc->doc_title && doc_t && strlen(tc->doc_title) >= 60) {
        struct seg segs[MAX_SEGS];
        split_title(tc->doc_title, segs);
        /* the first segment is the headline's start, not a site name cut off before it */
        if (segs[0].sep_len && !strncmp(doc_t, tc->doc_title, segs[0].len) &&
            words_in(tc->doc_title, segs[0].len) >= 4 &&
            (nc = ex_fold(tc->doc_title, segs[0].len, fc, sizeof(fc))) >= 16)
            for (i = 0; i < tc->n_heads; i++) {
                tl = node_text(d, tc->heads[i], text, sizeof(text));
                nh = ex_fold(text, tl, fh, sizeof(fh));
                if (nh > nc && !memcmp(fh, fc, nc) && words_in(text, tl) <= 30 &&
                    one_text_run(d, tc->heads[i]) && headline_place(d, tc->heads[i], text, tl) &&
                    !names_site(fh, nh, site, cut)) {
                    ex_meta_set(d, M_TITLE, text, tl, 1000);
                    d->h1 = tc->heads[i];
                    return;
                }
            }
    }
}

/* Folded words of 4+ characters of s, each ending in a space, into out. */
static size_t fold_words(const char *s, size_t sl, char *out, size_t cap)
{
    size_t i = 0, j, n = 0, k;
    char fw[128];

    if (cap)
        out[0] = '\0';
    while (i < sl) {
        while (i < sl && s[i] == ' ')
            i++;
        for (j = i; j < sl && s[j] != ' '; j++)
            ;
        if (j > i && (k = ex_fold(s + i, j - i, fw, sizeof(fw))) >= 4 && n + k + 2 < cap) {
            memcpy(out + n, fw, k);
            n += k;
            out[n++] = ' ';
            out[n] = '\0';
        }
        i = j;
    }
    return n;
}

/* Is word w (with its trailing space) one of the words in list (each ending in a space)? */
static bool has_word(const char *list, size_t nl, const char *w, size_t wl)
{
    const char *p = list, *e = list + nl;

    while (p < e && (p = memmem(p, (size_t)(e - p), w, wl))) {
        if (p == list || p[-1] == ' ')
            return true;
        p++;
    }
    return false;
}

/*
 * Does the heading share a whole word (4+ characters) with one of the
 * page's titles, other than a word of the site's name? "Town" does not
 * match "downtown", nor "Courier" a title that ends "- Daily Courier".
 */
static bool shares_word(const char *text, size_t tl, const char *const *titles, unsigned nt,
                        const char *site, const char *cut)
{
    char hw[600], tw[600], sw[600];
    size_t nh = fold_words(text, tl, hw, sizeof(hw)), ns = 0, i, j, n;
    unsigned t;

    if (site)
        ns = fold_words(site, strlen(site), sw, sizeof(sw));
    if (cut && ns + 1 < sizeof(sw))
        ns += fold_words(cut, strlen(cut), sw + ns, sizeof(sw) - ns);
    for (t = 0; t < nt; t++) {
        if (!titles[t])
            continue;
        n = fold_words(titles[t], strlen(titles[t]), tw, sizeof(tw));
        for (i = 0; i < nh; i = j + 1) {
            for (j = i; j < nh && hw[j] != ' '; j++)
                ;
            if (has_word(tw, n, hw + i, j - i + 1) && !has_word(sw, ns, hw + i, j - i + 1))
                return true;
        }
    }
    return false;
}

/*
 * Heading n as a headline of its own: placed like one, 4 to 30 words, not
 * the site, and sharing a word with the titles unless microdata names it
 * the headline. When a title is part of it ("Headline" + a "Live" badge),
 * that title is the text: *text gets what to use.
 */
static bool fits_headline(ex_doc *d, uint32_t n, const char *const *titles, const char *site,
                          const char *cut, char *text, size_t cap, size_t *tlp)
{
    char fh[512], ft[512];
    size_t tl = node_text(d, n, text, cap), w = words_in(text, tl), nh, nt, pl;
    const char *prop = ex_attr_get(d, n, A_ITEMPROP, &pl);
    unsigned t;

    *tlp = tl;
    if (w < 4 || w > 30 || !headline_place(d, n, text, tl))
        return false;
    nh = ex_fold(text, tl, fh, sizeof(fh));
    if (names_site(fh, nh, site, cut))
        return false;
    if (!(prop && wc_mem_istr(prop, pl, "headline")) &&
        !shares_word(text, tl, titles, 2, site, cut))
        return false;
    for (t = 0; t < 2; t++)
        if (titles[t] && (nt = ex_fold(titles[t], strlen(titles[t]), ft, sizeof(ft))) >= 16 &&
            nt < nh && memmem(fh, nh, ft, nt) && strlen(titles[t]) < cap) {
            *tlp = strlen(titles[t]);
            memcpy(text, titles[t], *tlp + 1);
            break;
        }
    return true;
}

/*
 * Still nothing: the page's own headline element, when one stands out,
 * beats a social or SEO title written for another place ("China Data
 * Hint at Improvement" in og:title over the printed "Data Hint Chinese
 * Economy Is Better Off"): the first heading the template calls a
 * headline, else the page's one <h1> text. Either must fit as a headline
 * and share a whole word (not the site's) with the other titles, so a
 * "card-title" teaser or a tagline does not pass.
 */
static void headline_element(ex_doc *d, struct title_ctx *tc, const char *meta_t, const char *doc_t,
                             const char *site, const char *cut)
{
    char text[512], o[512], fo[512], fh[512];
    const char *titles[2] = {meta_t, doc_t};
    size_t tl, ol, no, nh;
    uint32_t h1 = EX_NONE;
    unsigned i;
    bool one_h1 = true;

    for (i = 0; i < tc->n_heads; i++) {
        const ex_node *nd = &d->nodes[tc->heads[i]];
        if ((nd->cls & EXC_TITLE) && !(nd->cls & (EXC_HEADER | EXC_LEAD)) &&
            fits_headline(d, tc->heads[i], titles, site, cut, text, sizeof(text), &tl)) {
            ex_meta_set(d, M_TITLE, text, tl, 1000);
            d->h1 = tc->heads[i];
            return;
        }
    }
    for (i = 0; i < tc->n_heads && one_h1; i++) {
        if (d->nodes[tc->heads[i]].tag != T_H1)
            continue;
        if (h1 == EX_NONE) {
            h1 = tc->heads[i];
            ol = node_text(d, h1, o, sizeof(o));
            no = ex_fold(o, ol, fo, sizeof(fo));
            continue;
        }
        tl = node_text(d, tc->heads[i], text, sizeof(text));
        nh = ex_fold(text, tl, fh, sizeof(fh));
        if (nh && (nh != no || memcmp(fo, fh, nh)))
            one_h1 = false;
    }
    if (h1 != EX_NONE && one_h1 &&
        fits_headline(d, h1, titles, site, cut, text, sizeof(text), &tl)) {
        ex_meta_set(d, M_TITLE, text, tl, 1000);
        d->h1 = h1;
    }
}

static void decide_title(ex_doc *d, struct title_ctx *tc)
{
    char fm[512], fd[512], fh[512], text[512];
    size_t nm = 0, nd = 0, nh, tl;
    char *meta_t = NULL, *doc_t = NULL, *cut = NULL, *cut2 = NULL;
    const char *site = d->meta[M_SITE].s;
    unsigned i;

    if (d->meta[M_TITLE].s)
        meta_t = clean_title(d->meta[M_TITLE].s, site, d->url, &cut);
    if (tc->doc_title)
        doc_t = clean_title(tc->doc_title, site, d->url, &cut2);
    if (meta_t)
        nm = ex_fold(meta_t, strlen(meta_t), fm, sizeof(fm));
    if (tc->doc_title)
        nd = ex_fold(tc->doc_title, strlen(tc->doc_title), fd, sizeof(fd));
    d->h1 = EX_NONE;
    for (i = 0; i < tc->n_heads; i++) {
        tl = node_text(d, tc->heads[i], text, sizeof(text));
        nh = ex_fold(text, tl, fh, sizeof(fh));
        if (nh < 8)
            continue;
        /* the heading is og:title, or holds or is held by a title and is not the site's name
           ("Apple sues Epic" on a site named Apple is a headline when og:title says so) */
        if (((nm && nh == nm && !memcmp(fh, fm, nh)) ||
             (((nm && nh >= 16 && memmem(fm, nm, fh, nh)) ||
               (nd && nh >= 16 && memmem(fd, nd, fh, nh)) ||
               (nm >= 16 && nh > nm && memmem(fh, nh, fm, nm))) &&
              !names_site(fh, nh, site, cut2 ? cut2 : cut))) &&
            !links_home(d, tc->heads[i]) && !ex_is_comments_heading(text, tl)) {
            ex_meta_set(d, M_TITLE, text, tl, 1000);
            d->h1 = tc->heads[i];
            break;
        }
    }
    if (d->h1 == EX_NONE)
        headline_by_title(d, tc, doc_t, meta_t, site, cut2 ? cut2 : cut);
    if (d->h1 == EX_NONE)
        headline_element(d, tc, meta_t, doc_t, site, cut2 ? cut2 : cut);
    if (d->h1 == EX_NONE) {
        if (meta_t)
            ex_meta_set(d, M_TITLE, meta_t, strlen(meta_t), 1000);
        else if (doc_t)
            ex_meta_set(d, M_TITLE, doc_t, strlen(doc_t), 1000);
        else
            /* no title at all: the first heading that is not a masthead */
            for (i = 0; i < tc->n_heads; i++) {
                tl = node_text(d, tc->heads[i], text, sizeof(text));
                if (tl && !links_home(d, tc->heads[i]) && !in_masthead(d, tc->heads[i])) {
                    ex_meta_set(d, M_TITLE, text, tl, 1000);
                    d->h1 = tc->heads[i];
                    break;
                }
            }
    }
    if (!d->meta[M_SITE].s) {
        const char *c = cut2 ? cut2 : cut;
        if (c && words_in(c, strlen(c)) <= 6)
            ex_meta_set(d, M_SITE, c, strlen(c), 30);
    }
    if (!d->meta[M_SITE].s && d->h1 != EX_NONE && tc->doc_title)
        site_beside_headline(d, tc->doc_title, d->meta[M_TITLE].s);
    free(meta_t);
    free(doc_t);
    free(cut);
    free(cut2);
}

void ex_meta_collect(ex_doc *d)
{
    struct title_ctx tc;

    memset(&tc, 0, sizeof(tc));
    collect(d, &tc);
    ex_jsonld_read(d);
    if (d->title.len) {
        tc.doc_title = normalise(d->title.buf, d->title.len, META_MAX);
    }
    decide_title(d, &tc);
    free(tc.doc_title);
    if (!d->html_lang[0] && d->meta[M_LANG].s) {
        const char *v = d->meta[M_LANG].s;
        size_t k;
        for (k = 0; v[k] && k + 1 < sizeof(d->html_lang) && v[k] != '-' && v[k] != '_'; k++)
            d->html_lang[k] = (char)((v[k] >= 'A' && v[k] <= 'Z') ? v[k] + 32 : v[k]);
        d->html_lang[k] = '\0';
    }
}

/* --- into the article ---------------------------------------------------------- */

static int64_t slot_date(ex_doc *d, unsigned slot)
{
    int64_t t;

    if (d->meta[slot].s && ex_date_parse(d->meta[slot].s, strlen(d->meta[slot].s), &t))
        return t;
    return WC_TIME_NONE;
}

static char *take(ex_doc *d, unsigned slot)
{
    char *s = d->meta[slot].s;

    d->meta[slot].s = NULL;
    return s;
}

void ex_meta_finish(ex_doc *d, wc_article *a)
{
    size_t i, len = 0;
    int64_t t;
    char *s;

    byline_authors(d);
    a->title = take(d, M_TITLE);
    a->description = take(d, M_DESCRIPTION);
    a->published_at = slot_date(d, M_PUBLISHED);
    a->modified_at = slot_date(d, M_MODIFIED);
    if (a->published_at == WC_TIME_NONE && d->container != EX_NONE) {
        /* a dateline in the article's own region (not a sidebar's event list), then the URL */
        uint32_t region = d->container, k;
        if (d->h1 != EX_NONE) {
            region = ex_common_ancestor(d, d->h1, d->container);
            if (d->nodes[region].tag == T_BODY || d->nodes[region].tag == T_HTML || region == 0)
                region = d->container;
        } else {
            /* no headline to anchor on: the article's wrapper, a few levels up */
            for (k = 0; k < 3 && d->nodes[region].parent != EX_NONE; k++) {
                uint32_t up = d->nodes[region].parent;
                if (d->nodes[up].tag == T_BODY || d->nodes[up].tag == T_HTML || up == 0)
                    break;
                region = up;
            }
        }
        for (i = 0; i < d->n_blocks; i++) {
            const ex_block *b = &d->blocks[i];
            if ((b->flags & BF_BYLINE) && b->words <= 24 && ex_is_ancestor(d, region, b->node) &&
                ex_date_parse(d->btext.buf + b->off, b->len, &t)) {
                a->published_at = t;
                break;
            }
        }
        /* blogs print the date above the post's wrapper: the nearest dateline before
           the headline, one level up */
        if (a->published_at == WC_TIME_NONE && d->h1 != EX_NONE &&
            d->nodes[region].parent != EX_NONE) {
            uint32_t up = d->nodes[region].parent;
            for (i = 0; i < d->n_blocks && !ex_is_ancestor(d, d->h1, d->blocks[i].node); i++) {
                const ex_block *b = &d->blocks[i];
                if ((b->flags & BF_BYLINE) && b->words <= 24 && ex_is_ancestor(d, up, b->node) &&
                    ex_date_parse(d->btext.buf + b->off, b->len, &t))
                    a->published_at = t; /* keep the last one before the headline */
            }
        }
    }
    if (a->published_at == WC_TIME_NONE && d->meta[M_CANONICAL].s &&
        url_date(d->meta[M_CANONICAL].s, &t))
        a->published_at = t;
    if (a->published_at == WC_TIME_NONE && d->url && url_date(d->url, &t))
        a->published_at = t;
    if (a->modified_at != WC_TIME_NONE && a->published_at == WC_TIME_NONE)
        a->published_at = a->modified_at;
    if (d->meta[M_CANONICAL].s)
        a->canonical_url =
            ex_resolve_url(d, d->meta[M_CANONICAL].s, strlen(d->meta[M_CANONICAL].s));
    if (d->meta[M_IMAGE].s)
        a->image = ex_resolve_url(d, d->meta[M_IMAGE].s, strlen(d->meta[M_IMAGE].s));
    a->site = take(d, M_SITE);
    if (a->site && (!strncmp(a->site, "http://", 7) || !strncmp(a->site, "https://", 8))) {
        free(a->site); /* a URL given as the site's name: the host below says it better */
        a->site = NULL;
    }
    if (!a->site) {
        const char *u = a->canonical_url ? a->canonical_url : d->url;
        const char *h = u ? strstr(u, "://") : NULL;
        if (h) {
            const char *e;
            h += 3;
            if (!strncmp(h, "www.", 4))
                h += 4;
            e = h;
            while (*e && *e != '/' && *e != ':' && *e != '?' && *e != '#')
                e++;
            if (e > h)
                a->site = wc_strndup(h, (size_t)(e - h));
        }
    }
    /* authors joined "A, B" */
    for (i = 0; i < d->n_authors; i++)
        len += strlen(d->authors[i]) + 2;
    if (d->n_authors && (s = malloc(len + 1))) {
        size_t o = 0;
        for (i = 0; i < d->n_authors; i++) {
            size_t l = strlen(d->authors[i]);
            if (i) {
                memcpy(s + o, ", ", 2);
                o += 2;
            }
            memcpy(s + o, d->authors[i], l);
            o += l;
        }
        s[o] = '\0';
        a->author = s;
    }
    if (d->lang >= 0)
        a->lang = wc_strdup(ex_lang_code(d->lang));
    else if (d->html_lang[0] && strlen(d->html_lang) <= 3)
        a->lang = wc_strdup(d->html_lang);
}
