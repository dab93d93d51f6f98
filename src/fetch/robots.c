/*
 * robots.c - a robots.txt parser and matcher (RFC 9309).
 *
 * The file is a list of groups. A group starts with one or more
 * "User-agent:" lines and holds "Allow:" / "Disallow:" rules (and, by
 * custom, "Crawl-delay:"). A User-agent line after rules starts a new group.
 * A crawler obeys the groups whose User-agent names its product token
 * (compared case-insensitively with the token at the start of the value, so
 * "WireCopy/0.1" names "wirecopy"); only when none does, the "*" groups.
 * Several matching groups are merged into one.
 *
 * Deciding a path: every rule whose pattern matches counts, and the longest
 * pattern (in bytes) wins; on a tie Allow wins (RFC 9309 2.2.2). With no
 * matching rule the path is allowed. A pattern matches as a prefix; "*"
 * stands for any run of bytes and a "$" at its end anchors it to the end of
 * the path. "Disallow:" with an empty value is no rule at all.
 *
 * Both patterns and paths are normalised before comparing, so "/caf%c3%a9",
 * "/café" and "/caf%C3%A9" are one path: bytes outside printable ASCII are
 * percent-encoded, hex digits upper-cased, and %XX of an unreserved character
 * (RFC 3986: letters, digits, "-._~") decoded.
 *
 * Matching one pattern: split it at its stars into literal pieces; the
 * first piece must be a prefix, every later piece is searched for leftmost
 * from where the previous one ended (greedy leftmost matching is exact for
 * patterns whose only wildcard is "*"), and with "$" the last piece must end
 * the path. That costs O(path + pattern) per rule, never the exponential
 * backtracking a naive matcher risks on patterns such as "/ *a*a*a*a*b". Rules are
 * sorted longest first, so the first match found is the deciding one.
 *
 * Caps: the first WC_ROBOTS_MAX_BYTES of the file, WC_ROBOTS_MAX_RULES
 * rules and WC_ROBOTS_MAX_PATTERN bytes per pattern; paths are judged by
 * their first PATH_MAX_BYTES bytes.
 *
 * Deliberately not here: fetching (fetch.c does that, with the RFC's rules
 * for 4xx = allow all and 5xx/unreachable = disallow all), Sitemap lines,
 * and the non-standard "Host:" or "Request-rate:" lines, which are skipped.
 */
#define _GNU_SOURCE /* memmem */
#include "fetch_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Paths longer than this (after normalising) are judged by their start. */
#define PATH_MAX_BYTES 8192
/* Crawl-delay values above this are taken as this many seconds (a day). */
#define CRAWL_DELAY_CEILING 86400.0

typedef struct rule {
    char *pat;   /* normalised pattern, without a trailing "$" anchor */
    size_t len;  /* bytes in pat */
    size_t rank; /* length used for priority: the pattern as written, "$" included */
    bool allow;  /* Allow (true) or Disallow (false) */
    bool anchor; /* pattern ended in "$" */
} rule;

typedef struct rule_list {
    rule *v;            /* rules in file order until finished, then longest first */
    size_t n, cap;      /* count and allocated slots */
    double crawl_delay; /* largest Crawl-delay seen, seconds; < 0 none */
} rule_list;

struct wc_robots {
    rule_list rules; /* the rules that apply to the agent */
};

static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hex_val(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return (unsigned)(c - 'a' + 10);
    return (unsigned)(c - 'A' + 10);
}

static bool is_unreserved(unsigned c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

/*
 * Normalise p[0..len) into out (room for cap bytes); returns the bytes
 * written. Stops early rather than split an escape when out is full.
 */
static size_t normalise(const char *p, size_t len, char *out, size_t cap)
{
    static const char hexd[] = "0123456789ABCDEF";
    size_t i = 0, o = 0;

    while (i < len) {
        unsigned char c = (unsigned char)p[i];

        if (c == '%' && i + 2 < len && is_hex((unsigned char)p[i + 1]) &&
            is_hex((unsigned char)p[i + 2])) {
            unsigned v = hex_val((unsigned char)p[i + 1]) * 16 + hex_val((unsigned char)p[i + 2]);
            if (is_unreserved(v)) {
                if (o + 1 > cap)
                    break;
                out[o++] = (char)v;
            } else {
                if (o + 3 > cap)
                    break;
                out[o++] = '%';
                out[o++] = hexd[v >> 4];
                out[o++] = hexd[v & 15];
            }
            i += 3;
            continue;
        }
        if (c <= 0x20 || c >= 0x7f) {
            if (o + 3 > cap)
                break;
            out[o++] = '%';
            out[o++] = hexd[c >> 4];
            out[o++] = hexd[c & 15];
        } else {
            if (o + 1 > cap)
                break;
            out[o++] = (char)c;
        }
        i++;
    }
    return o;
}

static wc_status list_add(rule_list *l, const char *value, size_t vlen, bool allow)
{
    char tmp[WC_ROBOTS_MAX_PATTERN + 1];
    size_t n, start = 0;
    bool anchor = false;
    rule *r;

    if (vlen == 0 || l->n >= WC_ROBOTS_MAX_RULES)
        return WC_OK;
    /* Be lenient with "Disallow: private": patterns are paths, so add the slash. */
    if (value[0] != '/' && value[0] != '*')
        tmp[start++] = '/';
    /* A pattern that does not fit is dropped whole: a cut one would match more. */
    if (vlen > WC_ROBOTS_MAX_PATTERN)
        return WC_OK;
    n = start + normalise(value, vlen, tmp + start, WC_ROBOTS_MAX_PATTERN - start);
    if (n == WC_ROBOTS_MAX_PATTERN)
        return WC_OK;
    if (n > 0 && tmp[n - 1] == '$') {
        anchor = true;
        n--;
    }
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        rule *nv = realloc(l->v, ncap * sizeof(*nv));
        if (!nv)
            return WC_ERR_NOMEM;
        l->v = nv;
        l->cap = ncap;
    }
    r = &l->v[l->n];
    r->pat = wc_strndup(tmp, n);
    if (!r->pat)
        return WC_ERR_NOMEM;
    r->len = n;
    r->rank = n + (anchor ? 1 : 0);
    r->allow = allow;
    r->anchor = anchor;
    l->n++;
    return WC_OK;
}

static void list_release(rule_list *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->v[i].pat);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* Longest first; Allow before Disallow on a tie (RFC 9309 2.2.2). */
static int by_priority(const void *a, const void *b)
{
    const rule *x = a, *y = b;

    if (x->rank != y->rank)
        return x->rank > y->rank ? -1 : 1;
    if (x->allow != y->allow)
        return x->allow ? -1 : 1;
    return 0;
}

/* Parse "1", "2.5", " 10 " as seconds; false for junk or negatives. */
static bool parse_delay(const char *p, size_t len, double *out)
{
    double v = 0, scale = 0.1;
    size_t i = 0;
    bool digits = false;

    while (i < len && p[i] >= '0' && p[i] <= '9') {
        if (v < CRAWL_DELAY_CEILING)
            v = v * 10 + (p[i] - '0');
        digits = true;
        i++;
    }
    if (i < len && p[i] == '.') {
        i++;
        while (i < len && p[i] >= '0' && p[i] <= '9') {
            v += (p[i] - '0') * scale;
            scale /= 10;
            digits = true;
            i++;
        }
    }
    if (!digits)
        return false;
    *out = v > CRAWL_DELAY_CEILING ? CRAWL_DELAY_CEILING : v;
    return true;
}

/* Does the User-agent value name agent? Compares the leading product token. */
static bool names_agent(const char *v, size_t vlen, const char *agent, size_t alen)
{
    size_t n = 0;

    while (n < vlen && ((v[n] >= 'a' && v[n] <= 'z') || (v[n] >= 'A' && v[n] <= 'Z') ||
                        v[n] == '-' || v[n] == '_'))
        n++;
    return n == alen && n > 0 && wc_mem_ieq(v, n, agent);
}

enum key { KEY_OTHER, KEY_AGENT, KEY_ALLOW, KEY_DISALLOW, KEY_DELAY };

/* Keys as real files spell them, typos that major crawlers accept included. */
static enum key classify(const char *k, size_t len)
{
    static const struct {
        const char *name;
        enum key key;
    } keys[] = {
        {"user-agent", KEY_AGENT},  {"useragent", KEY_AGENT},   {"user agent", KEY_AGENT},
        {"allow", KEY_ALLOW},       {"disallow", KEY_DISALLOW}, {"dissallow", KEY_DISALLOW},
        {"dissalow", KEY_DISALLOW}, {"disalow", KEY_DISALLOW},  {"diasllow", KEY_DISALLOW},
        {"disallaw", KEY_DISALLOW}, {"crawl-delay", KEY_DELAY}, {"crawldelay", KEY_DELAY},
    };
    size_t i;

    for (i = 0; i < WC_ARRAY_SIZE(keys); i++)
        if (wc_mem_ieq(k, len, keys[i].name))
            return keys[i].key;
    return KEY_OTHER;
}

wc_status wc_robots_parse(const char *p, size_t len, const char *agent, wc_robots **out,
                          wc_error *err)
{
    rule_list ours = {NULL, 0, 0, -1.0}, star = {NULL, 0, 0, -1.0};
    bool in_rules = false, cur_ours = false, cur_star = false, found_ours = false;
    size_t alen, pos = 0;
    wc_robots *r = NULL;
    wc_status st = WC_OK;

    if (!out || !agent)
        return wc_error_set(err, WC_ERR_USAGE, "robots: no output or agent given");
    *out = NULL;
    if (!p)
        len = 0;
    alen = strlen(agent);
    if (len > WC_ROBOTS_MAX_BYTES)
        len = WC_ROBOTS_MAX_BYTES;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;

    while (pos < len) {
        const char *line = p + pos, *eol, *hash, *colon, *key, *val;
        size_t llen, klen, vlen;
        enum key k;

        /* A line ends at LF, CRLF or a lone CR (old Mac files). */
        eol = line;
        while (eol < p + len && *eol != '\n' && *eol != '\r')
            eol++;
        llen = (size_t)(eol - line);
        pos = llen + (size_t)(line - p);
        if (pos < len && p[pos] == '\r' && pos + 1 < len && p[pos + 1] == '\n')
            pos++;
        pos++;
        hash = memchr(line, '#', llen);
        if (hash)
            llen = (size_t)(hash - line);
        colon = memchr(line, ':', llen);
        if (!colon)
            continue;
        key = line;
        klen = (size_t)(colon - line);
        wc_mem_trim(&key, &klen);
        val = colon + 1;
        vlen = (size_t)(line + llen - val);
        wc_mem_trim(&val, &vlen);
        k = classify(key, klen);

        switch (k) {
        case KEY_AGENT:
            if (in_rules) {
                in_rules = false;
                cur_ours = cur_star = false;
            }
            if (vlen >= 1 && val[0] == '*') {
                cur_star = true;
            } else if (names_agent(val, vlen, agent, alen)) {
                cur_ours = true;
                found_ours = true;
            }
            break;
        case KEY_ALLOW:
        case KEY_DISALLOW:
            in_rules = true;
            if (cur_ours && (st = list_add(&ours, val, vlen, k == KEY_ALLOW)) != WC_OK)
                goto out;
            if (cur_star && (st = list_add(&star, val, vlen, k == KEY_ALLOW)) != WC_OK)
                goto out;
            break;
        case KEY_DELAY: {
            double d;
            in_rules = true;
            if (!parse_delay(val, vlen, &d))
                break;
            if (cur_ours && d > ours.crawl_delay)
                ours.crawl_delay = d;
            if (cur_star && d > star.crawl_delay)
                star.crawl_delay = d;
            break;
        }
        case KEY_OTHER:
            break;
        }
    }

    r = calloc(1, sizeof(*r));
    if (!r) {
        st = WC_ERR_NOMEM;
        goto out;
    }
    if (found_ours) {
        r->rules = ours;
        ours.v = NULL;
        ours.n = ours.cap = 0;
    } else {
        r->rules = star;
        star.v = NULL;
        star.n = star.cap = 0;
    }
    if (r->rules.n > 1)
        wc_qsort(r->rules.v, r->rules.n, sizeof(rule), by_priority);
    *out = r;
    r = NULL;
out:
    list_release(&ours);
    list_release(&star);
    if (st == WC_ERR_NOMEM)
        wc_error_set(err, st, "out of memory parsing robots.txt");
    return st;
}

void wc_robots_free(wc_robots *r)
{
    if (!r)
        return;
    list_release(&r->rules);
    free(r);
}

/* Does normalised pattern r match normalised path s[0..n)? See the file comment. */
static bool rule_matches(const rule *r, const char *s, size_t n)
{
    const char *pat = r->pat, *end = r->pat + r->len, *star;
    size_t pos, piece;

    star = memchr(pat, '*', r->len);
    if (!star) {
        if (r->anchor)
            return n == r->len && memcmp(s, pat, n) == 0;
        return n >= r->len && memcmp(s, pat, r->len) == 0;
    }
    /* First piece: a prefix. */
    piece = (size_t)(star - pat);
    if (n < piece || memcmp(s, pat, piece) != 0)
        return false;
    pos = piece;
    pat = star + 1;
    for (;;) {
        const char *next = memchr(pat, '*', (size_t)(end - pat));
        const char *hit;

        piece = next ? (size_t)(next - pat) : (size_t)(end - pat);
        if (!next && r->anchor) {
            /* The last piece must end the path, after what matched so far. */
            return n - pos >= piece && memcmp(s + n - piece, pat, piece) == 0;
        }
        if (piece > 0) {
            hit = memmem(s + pos, n - pos, pat, piece);
            if (!hit)
                return false;
            pos = (size_t)(hit - s) + piece;
        }
        if (!next)
            return true;
        pat = next + 1;
    }
}

bool wc_robots_allowed(const wc_robots *r, const char *path, size_t len)
{
    char buf[PATH_MAX_BYTES];
    size_t n, i;

    if (!r || r->rules.n == 0)
        return true;
    if (!path || len == 0) {
        path = "/";
        len = 1;
    }
    n = normalise(path, len, buf, sizeof(buf));
    if (n == 11 && memcmp(buf, "/robots.txt", 11) == 0)
        return true;
    for (i = 0; i < r->rules.n; i++)
        if (rule_matches(&r->rules.v[i], buf, n))
            return r->rules.v[i].allow;
    return true;
}

double wc_robots_crawl_delay(const wc_robots *r)
{
    return r ? r->rules.crawl_delay : -1.0;
}
