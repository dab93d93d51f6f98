/*
 * extract_charset.c - which encoding a page is in, and its text as UTF-8.
 *
 * The order of evidence (after the WHATWG "encoding sniffing algorithm",
 * simplified):
 *   1. a byte order mark: decisive, as in every browser;
 *   2. the charset of the HTTP Content-Type (opts->charset);
 *   3. the page's own declaration: <meta charset>, <meta http-equiv=
 *      "Content-Type" content="...; charset=...">, or <?xml encoding?>,
 *      found by a pre-scan of the first EX_PRESCAN bytes that skips
 *      comments (the parser must not change encodings half-way through);
 *   4. a guess: UTF-8 where the bytes are well-formed UTF-8, windows-1252
 *      for the bytes that are not (charset.c's repair).
 * One correction on top: a page that says latin1/windows-1252 but is
 * well-formed UTF-8 with multi-byte sequences in it is UTF-8. Servers and
 * CMS templates say "iso-8859-1" by default far more often than real
 * latin1 text happens to form valid UTF-8 sequences (two or more high
 * bytes in exactly the right pattern), so this is almost never wrong.
 *
 * A meta that says "utf-16" means UTF-8 (a page whose bytes could be
 * read to find that meta is not UTF-16), as WHATWG specifies.
 *
 * Clean UTF-8 (the usual case) is parsed where it lies, without a copy.
 * Pages that were double-encoded somewhere upstream ("â€™" for ’) are put
 * right by charset.c's mojibake repair when cheap checks see its signs.
 */
#define _GNU_SOURCE
#include "extract_internal.h"

#include <string.h>

#include "internal.h"

/* A page converted to UTF-8 grows at most 3 times (single-byte encodings; UTF-16 1.5). */
#define EX_UTF8_CAP(len) ((len)*3 + 16)
/* Undoing double encoding only ever shortens the text. */
#define EX_DEMOJIBAKE_CAP(len) ((len) + 16)

/* Bytes looked at for a <meta> declaration (WHATWG says 1024; real pages put it later). */
#define EX_PRESCAN 16384

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/';
}

/* Find "charset=" in a Content-Type value; label in *lp, *ll. */
static bool charset_param(const char *v, size_t n, const char **lp, size_t *ll)
{
    const char *c = wc_mem_istr(v, n, "charset");
    size_t i;

    if (!c)
        return false;
    i = (size_t)(c - v) + 7;
    while (i < n && (v[i] == ' ' || v[i] == '\t'))
        i++;
    if (i >= n || v[i] != '=')
        return false;
    i++;
    while (i < n && (v[i] == ' ' || v[i] == '"' || v[i] == '\''))
        i++;
    *lp = v + i;
    while (i < n && v[i] != ';' && v[i] != '"' && v[i] != '\'' && v[i] != ' ')
        i++;
    *ll = (size_t)(v + i - *lp);
    return *ll > 0;
}

/*
 * Read one attribute at p[*i..end): name and value spans. Returns false
 * at the end of the tag.
 */
static bool next_attr(const char *p, size_t end, size_t *i, const char **np, size_t *nl,
                      const char **vp, size_t *vl)
{
    size_t k = *i;

    while (k < end && is_ws(p[k]))
        k++;
    if (k >= end || p[k] == '>')
        return false;
    *np = p + k;
    while (k < end && !is_ws(p[k]) && p[k] != '=' && p[k] != '>')
        k++;
    *nl = (size_t)(p + k - *np);
    *vp = p + k;
    *vl = 0;
    while (k < end && (p[k] == ' ' || p[k] == '\t' || p[k] == '\n' || p[k] == '\r'))
        k++;
    if (k < end && p[k] == '=') {
        k++;
        while (k < end && (p[k] == ' ' || p[k] == '\t' || p[k] == '\n' || p[k] == '\r'))
            k++;
        if (k < end && (p[k] == '"' || p[k] == '\'')) {
            char q = p[k++];
            *vp = p + k;
            while (k < end && p[k] != q)
                k++;
            *vl = (size_t)(p + k - *vp);
            if (k < end)
                k++;
        } else {
            *vp = p + k;
            while (k < end && !is_ws(p[k]) && p[k] != '>')
                k++;
            *vl = (size_t)(p + k - *vp);
        }
    }
    if (*nl == 0)
        k++; /* stray '=' or quote: move on */
    *i = k;
    return true;
}

static wc_charset meta_charset(const char *p, size_t end, size_t *i, char *canon)
{
    const char *np, *vp, *label = NULL;
    size_t nl, vl, ll = 0;
    bool http_ct = false;
    const char *ct = NULL;
    size_t ctl = 0;
    wc_charset cs;

    while (next_attr(p, end, i, &np, &nl, &vp, &vl)) {
        if (wc_mem_ieq(np, nl, "charset") && vl) {
            label = vp;
            ll = vl;
        } else if (wc_mem_ieq(np, nl, "http-equiv") && wc_mem_ieq(vp, vl, "content-type")) {
            http_ct = true;
        } else if (wc_mem_ieq(np, nl, "content")) {
            ct = vp;
            ctl = vl;
        }
    }
    if (!label && http_ct && ct && !charset_param(ct, ctl, &label, &ll))
        label = NULL;
    if (!label)
        return WC_CHARSET_UNKNOWN;
    cs = wc_charset_lookup(label, ll, canon);
    if (cs == WC_CHARSET_UTF16LE || cs == WC_CHARSET_UTF16BE)
        cs = WC_CHARSET_UTF8;
    return cs;
}

wc_charset ex_charset_sniff(const char *html, size_t len, char *canon, size_t *bom_len)
{
    const unsigned char *u = (const unsigned char *)html;
    size_t end = WC_MIN(len, (size_t)EX_PRESCAN), i = 0;

    if (canon)
        canon[0] = '\0';
    *bom_len = 0;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        *bom_len = 3;
        return WC_CHARSET_UTF8;
    }
    if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
        *bom_len = 2;
        return WC_CHARSET_UTF16BE;
    }
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
        *bom_len = 2;
        return WC_CHARSET_UTF16LE;
    }
    while (i < end) {
        const char *lt = memchr(html + i, '<', end - i);
        if (!lt)
            break;
        i = (size_t)(lt - html);
        if (end - i >= 4 && !memcmp(html + i, "<!--", 4)) {
            const char *e = NULL;
            size_t k;
            for (k = i + 4; k + 3 <= end; k++)
                if (html[k] == '-' && html[k + 1] == '-' && html[k + 2] == '>') {
                    e = html + k;
                    break;
                }
            if (!e)
                break;
            i = (size_t)(e - html) + 3;
            continue;
        }
        if (end - i >= 6 && wc_mem_istarts(html + i, end - i, "<meta") && is_ws(html[i + 5])) {
            wc_charset cs;
            i += 5;
            cs = meta_charset(html, end, &i, canon);
            if (cs != WC_CHARSET_UNKNOWN)
                return cs;
            continue;
        }
        if (end - i >= 6 && !memcmp(html + i, "<?xml", 5)) {
            const char *gt = memchr(html + i, '>', end - i);
            size_t k = i + 5;
            const char *np, *vp;
            size_t nl, vl, stop = gt ? (size_t)(gt - html) : end;
            while (next_attr(html, stop, &k, &np, &nl, &vp, &vl)) {
                if (wc_mem_ieq(np, nl, "encoding") && vl) {
                    wc_charset cs = wc_charset_lookup(vp, vl, canon);
                    if (cs == WC_CHARSET_UTF16LE || cs == WC_CHARSET_UTF16BE)
                        cs = WC_CHARSET_UTF8;
                    if (cs != WC_CHARSET_UNKNOWN)
                        return cs;
                }
            }
            i = stop;
            continue;
        }
        i++;
    }
    return WC_CHARSET_UNKNOWN;
}

/* Well-formed UTF-8 with at least one multi-byte sequence? */
static bool utf8_with_multibyte(const char *p, size_t len)
{
    size_t i;
    bool high = false;

    for (i = 0; i < len; i++)
        if ((unsigned char)p[i] >= 0x80) {
            high = true;
            break;
        }
    return high && wc_utf8_valid(p + i, len - i);
}

/*
 * Signs of double-encoded UTF-8: "â€" (the start of ’ “ ” – —), "Ã" or
 * "Â" followed by a Latin-1 sign. Cheap memmem checks decide whether the
 * full repair pass runs at all.
 */
static bool likely_mojibake(const char *p, size_t len)
{
    return memmem(p, len, "\xC3\xA2\xE2\x82\xAC", 5) || memmem(p, len, "\xC3\x83\xC2", 3) ||
           memmem(p, len, "\xC3\x82\xC2", 3);
}

/* Repair double-encoded UTF-8 in d->page when there are signs of it. */
static wc_status demojibake(ex_doc *d)
{
    wc_buf fixed;
    wc_status st;

    if (!likely_mojibake(d->page, d->page_len))
        return WC_OK;
    wc_buf_init(&fixed, EX_DEMOJIBAKE_CAP(d->page_len));
    if (!wc_charset_fix_mojibake(d->page, d->page_len, &fixed, &st) || st) {
        wc_buf_release(&fixed);
        return st;
    }
    wc_buf_release(&d->utf8);
    d->utf8 = fixed;
    d->page = d->utf8.buf;
    d->page_len = d->utf8.len;
    return demojibake(d);
}

wc_status ex_charset_decode(ex_doc *d, const char *html, size_t len, const char *http_charset,
                            wc_error *err)
{
    char canon[WC_CHARSET_NAME_MAX], hcanon[WC_CHARSET_NAME_MAX];
    size_t bom = 0;
    wc_charset cs, hcs = WC_CHARSET_UNKNOWN;
    wc_status st;

    cs = ex_charset_sniff(html, len, canon, &bom);
    if (!bom && http_charset) {
        hcs = wc_charset_lookup(http_charset, strlen(http_charset), hcanon);
        if (hcs != WC_CHARSET_UNKNOWN) {
            cs = hcs;
            memcpy(canon, hcanon, sizeof(canon));
        }
    }
    if (cs == WC_CHARSET_UNKNOWN)
        cs = WC_CHARSET_UTF8;
    if (!bom &&
        (cs == WC_CHARSET_WINDOWS_1252 ||
         (cs == WC_CHARSET_OTHER && !strcmp(canon, "ISO-8859-15"))) &&
        utf8_with_multibyte(html, len))
        cs = WC_CHARSET_UTF8;
    html += bom;
    len -= bom;
    if (cs == WC_CHARSET_UTF8 && wc_utf8_clean(html, len)) {
        /* the common case: clean UTF-8 is parsed in place, no copy */
        d->page = html;
        d->page_len = len;
        return demojibake(d);
    }
    if (cs == WC_CHARSET_UTF8 && likely_mojibake(html, len) && wc_utf8_valid(html, len)) {
        /* double-encoded text may hold C1 controls (U+009D of a mangled ”): repair
           before the control characters are read as windows-1252 */
        d->page = html;
        d->page_len = len;
        if ((st = demojibake(d)))
            return wc_error_set(err, st, "cannot repair the page's text: %s", wc_strerror(st));
        if (d->page != html) {
            wc_buf fixed = d->utf8;
            wc_buf_init(&d->utf8, EX_UTF8_CAP(fixed.len));
            st = wc_charset_convert(cs, canon, fixed.buf, fixed.len, 0, &d->utf8, NULL);
            wc_buf_release(&fixed);
            if (st)
                return wc_error_set(err, st, "cannot convert the page to UTF-8: %s",
                                    wc_strerror(st));
            d->page = d->utf8.buf;
            d->page_len = d->utf8.len;
            return WC_OK;
        }
    }
    wc_buf_init(&d->utf8, EX_UTF8_CAP(len));
    st = wc_charset_convert(cs, canon, html, len, 0, &d->utf8, NULL);
    if (st)
        return wc_error_set(err, st, "cannot convert the page to UTF-8: %s", wc_strerror(st));
    d->page = d->utf8.buf;
    d->page_len = d->utf8.len;
    return demojibake(d);
}
