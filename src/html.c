/*
 * html.c - the HTML text primitives every wing shares: named and numeric
 * character references, escaping, a forgiving tokenizer, and the visible
 * text of a fragment.
 *
 * Feeds carry fragments of somebody else's HTML (a <description>), the
 * extractor meets entities in meta tags and titles, export writes an HTML
 * report, follow reads teasers. They all decode, escape and tokenise the
 * same way, here:
 *
 *  - wc_html_entity() / wc_html_decode(): HTML's references. Named ones
 *    come from libxml2's HTML 4 table (htmlEntityLookup), so there is no
 *    second copy of that list in the project; "&apos;" (XML's, not in
 *    HTML 4) is added. Numeric references outside Unicode, surrogates and
 *    NUL become U+FFFD, C0 controls a space, and 128-159 the windows-1252
 *    character of that byte ("&#147;" is a curly quote), as HTML5 says.
 *    A name without its ';' (or an unknown one) stays text, as browsers
 *    keep "AT&T".
 *  - wc_html_escape(): text made safe for HTML, optionally for an
 *    attribute value.
 *  - wc_html_token() / wc_html_attr(): HTML's tokenizing rules, not XML's:
 *    end tags may be missing, attributes may be unquoted, a '<' that opens
 *    nothing is text, an unterminated tag at the end is dropped.
 *  - wc_html_to_text(): the visible text of a fragment, entities decoded,
 *    block elements turned into spaces, script and style dropped, blanks
 *    collapsed.
 *
 * What it does not do: build a tree or repair nesting (libxml2's HTML
 * parser does that for whole pages, in extract), or decide what is safe to
 * keep (the feed wing's sanitizer, on top of this tokenizer).
 */
#include <string.h>

#include <libxml/HTMLparser.h>

#include "internal.h"

/* Dropped with everything inside them. */
static const char *const dropped_elements[] = {"script",  "style",    "template", "applet",
                                               "noembed", "noframes", "xmp",      "plaintext"};

/* Block-level for text extraction: they separate words. */
static const char *const block_elements[] = {
    "br", "p",       "div",     "li",         "tr",         "td",     "th",     "h1",    "h2", "h3",
    "h4", "h5",      "h6",      "blockquote", "pre",        "ul",     "ol",     "table", "hr", "dd",
    "dt", "section", "article", "figure",     "figcaption", "header", "footer", "title"};

bool wc_html_is_dropped(const char *name)
{
    return wc_str_in(name, dropped_elements, WC_ARRAY_SIZE(dropped_elements));
}

bool wc_html_entity(const char *name, size_t len, uint32_t *cp)
{
    char tmp[32];
    const htmlEntityDesc *d;

    if (!len || len >= sizeof(tmp))
        return false;
    if (len == 4 && !memcmp(name, "apos", 4)) {
        *cp = '\'';
        return true;
    }
    memcpy(tmp, name, len);
    tmp[len] = '\0';
    d = htmlEntityLookup((const xmlChar *)tmp);
    if (!d)
        return false;
    *cp = d->value;
    return true;
}

size_t wc_html_numref(const char *p, size_t len, uint64_t *value)
{
    bool hex = len > 2 && (p[2] == 'x' || p[2] == 'X');
    size_t s = hex ? 3 : 2, k;
    uint64_t v = 0;

    if (len < 3 || p[0] != '&' || p[1] != '#')
        return 0;
    for (k = s; k < len && k - s < 8; k++) { /* 8 digits: past U+10FFFF either way */
        char c = p[k];
        int d = c >= '0' && c <= '9'          ? c - '0'
                : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                              : -1;
        if (d < 0)
            break;
        v = v * (hex ? 16 : 10) + (uint64_t)d;
    }
    if (k == s)
        return 0;
    *value = v;
    return k;
}

/*
 * Decode an HTML entity at p[0] == '&' into out. Returns the bytes used,
 * or 0 when it is no reference (the '&' is then plain text).
 */
static size_t decode_entity(const char *p, size_t len, wc_buf *out, wc_status *st)
{
    size_t k;
    uint32_t cp = 0;
    char u[4];

    if (len > 2 && p[1] == '#') {
        uint64_t v = 0;
        if (!(k = wc_html_numref(p, len, &v)))
            return 0;
        cp = v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) ? 0xFFFD : (uint32_t)v;
        if (cp >= 0x80 && cp <= 0x9F) { /* "&#147;": windows-1252, as HTML5 reads it */
            cp = wc_cp1252_decode((unsigned char)cp);
            if (!cp) /* one of its five unassigned bytes */
                cp = 0xFFFD;
        }
        if (k < len && p[k] == ';')
            k++;
    } else {
        for (k = 1; k < len && k < 33 && (wc_ascii_alpha(p[k]) || (p[k] >= '0' && p[k] <= '9'));
             k++)
            ;
        if (k == 1 || k >= len || p[k] != ';')
            return 0;
        if (k == 3 && !memcmp(p + 1, "lt", 2))
            cp = '<';
        else if (k == 3 && !memcmp(p + 1, "gt", 2))
            cp = '>';
        else if (k == 4 && !memcmp(p + 1, "amp", 3))
            cp = '&';
        else if (k == 5 && !memcmp(p + 1, "quot", 4))
            cp = '"';
        else if (!wc_html_entity(p + 1, k - 1, &cp))
            return 0;
        k++;
    }
    if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
        cp = ' ';
    *st = wc_buf_add(out, u, wc_utf8_encode(cp, u));
    return k;
}

wc_status wc_html_decode(wc_buf *out, const char *p, size_t len)
{
    size_t i = 0;
    wc_status st = WC_OK;

    while (i < len && !st) {
        const char *amp = memchr(p + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - p) : len, used;
        st = wc_buf_add(out, p + i, end - i);
        i = end;
        if (!amp || st)
            break;
        used = decode_entity(p + i, len - i, out, &st);
        if (!used) {
            st = wc_buf_addch(out, '&');
            used = 1;
        }
        i += used;
    }
    return st;
}

wc_status wc_html_escape(wc_buf *out, const char *p, size_t len, unsigned flags)
{
    size_t i, s = 0;
    wc_status st = WC_OK;

    for (i = 0; i < len && !st; i++) {
        const char *rep = p[i] == '&'                                  ? "&amp;"
                          : p[i] == '<'                                ? "&lt;"
                          : p[i] == '>'                                ? "&gt;"
                          : p[i] == '"' && (flags & WC_HTML_ESC_QUOT)  ? "&quot;"
                          : p[i] == '\'' && (flags & WC_HTML_ESC_APOS) ? "&#39;"
                                                                       : NULL;
        if (!rep)
            continue;
        st = wc_buf_add(out, p + s, i - s);
        if (!st)
            st = wc_buf_addstr(out, rep);
        s = i + 1;
    }
    if (!st)
        st = wc_buf_add(out, p + s, len - s);
    return st;
}

/* wc_text_squeeze() of b's bytes from start on; those before it stay as they are. */
static void squeeze_from(wc_buf *b, size_t start)
{
    size_t i, n = start;
    bool space = true; /* drops leading blanks */

    for (i = start; i < b->len; i++) {
        char c = b->buf[i];
        if (wc_html_space(c) || c == '\v') {
            if (!space)
                b->buf[n++] = ' ';
            space = true;
        } else if ((unsigned char)c == 0xC2 && i + 1 < b->len &&
                   (unsigned char)b->buf[i + 1] == 0xA0) {
            /* no-break space counts as a blank here */
            if (!space)
                b->buf[n++] = ' ';
            space = true;
            i++;
        } else {
            b->buf[n++] = c;
            space = false;
        }
    }
    if (n > start && b->buf[n - 1] == ' ')
        n--;
    wc_buf_setlen(b, n);
}

void wc_text_squeeze(wc_buf *b)
{
    squeeze_from(b, 0);
}

/* --- tokenizer --------------------------------------------------------- */

/* Does '<' at p[0] open markup? */
static bool opens_markup(const char *p, size_t len)
{
    if (len < 2)
        return false;
    if (wc_ascii_alpha(p[1]))
        return true;
    if (p[1] == '/' && len > 2 && wc_ascii_alpha(p[2]))
        return true;
    if (p[1] == '!' && len > 2 && (p[2] == '-' || p[2] == '[' || wc_ascii_alpha(p[2])))
        return true;
    return p[1] == '?';
}

bool wc_html_token(const char *p, size_t len, size_t *i, struct wc_htok *t)
{
    size_t s = *i, k, n;

    if (s >= len)
        return false;
    memset(t, 0, sizeof(*t));
    if (p[s] != '<' || !opens_markup(p + s, len - s)) {
        k = s + 1;
        for (;;) {
            const char *lt = memchr(p + k, '<', len - k);
            if (!lt) {
                k = len;
                break;
            }
            k = (size_t)(lt - p);
            if (opens_markup(p + k, len - k))
                break;
            k++;
        }
        t->kind = WC_HT_TEXT;
        t->p = p + s;
        t->len = k - s;
        *i = k;
        return true;
    }
    if (len - s >= 4 && !memcmp(p + s, "<!--", 4)) {
        const char *e = NULL;
        for (k = s + 4; k + 3 <= len; k++)
            if (!memcmp(p + k, "-->", 3)) {
                e = p + k;
                break;
            }
        t->kind = WC_HT_SKIP;
        *i = e ? (size_t)(e - p) + 3 : len;
        return true;
    }
    if (len - s >= 9 && !memcmp(p + s, "<![CDATA[", 9)) {
        const char *e = NULL;
        for (k = s + 9; k + 3 <= len; k++)
            if (!memcmp(p + k, "]]>", 3)) {
                e = p + k;
                break;
            }
        t->kind = WC_HT_CDATA;
        t->p = p + s + 9;
        t->len = (e ? (size_t)(e - p) : len) - (s + 9);
        *i = e ? (size_t)(e - p) + 3 : len;
        return true;
    }
    if (p[s + 1] == '!' || p[s + 1] == '?') {
        const char *e = memchr(p + s, '>', len - s);
        t->kind = WC_HT_SKIP;
        *i = e ? (size_t)(e - p) + 1 : len;
        return true;
    }
    /* a tag: find its '>' outside quotes */
    k = s + 1;
    t->kind = WC_HT_START;
    if (p[k] == '/') {
        t->kind = WC_HT_END;
        k++;
    }
    n = 0;
    while (k < len && !wc_html_space(p[k]) && p[k] != '>' && p[k] != '/') {
        if (n + 1 < sizeof(t->name))
            t->name[n++] = wc_ascii_lower(p[k]);
        else
            t->name[0] = '~'; /* too long: matches nothing */
        k++;
    }
    t->name[n] = '\0';
    t->p = p + k;
    {
        char q = 0;
        size_t a = k;
        for (; k < len; k++) {
            if (q) {
                if (p[k] == q)
                    q = 0;
            } else if (p[k] == '"' || p[k] == '\'') {
                if (k > a && p[k - 1] == '=')
                    q = p[k];
                else if (k > a && wc_html_space(p[k - 1]) && k > a + 1) {
                    /* quote after "= ": still a value */
                    size_t b = k - 1;
                    while (b > a && wc_html_space(p[b]))
                        b--;
                    if (p[b] == '=')
                        q = p[k];
                }
            } else if (p[k] == '>') {
                break;
            }
        }
        if (k >= len) { /* unterminated tag at the end: dropped, as HTML does */
            t->kind = WC_HT_SKIP;
            *i = len;
            return true;
        }
        t->len = k - a;
        if (t->len && p[k - 1] == '/') {
            t->self_close = true;
            t->len--;
        }
        *i = k + 1;
    }
    return true;
}

bool wc_html_attr(const char *p, size_t len, size_t *i, struct wc_hattr *a)
{
    size_t k = *i, n = 0;

    while (k < len && (wc_html_space(p[k]) || p[k] == '/'))
        k++;
    if (k >= len)
        return false;
    while (k < len && !wc_html_space(p[k]) && p[k] != '=') {
        if (n + 1 < sizeof(a->name))
            a->name[n++] = wc_ascii_lower(p[k]);
        else
            a->name[0] = '~';
        k++;
    }
    a->name[n] = '\0';
    while (k < len && wc_html_space(p[k]))
        k++;
    a->v = NULL;
    a->vlen = 0;
    if (k < len && p[k] == '=') {
        k++;
        while (k < len && wc_html_space(p[k]))
            k++;
        if (k < len && (p[k] == '"' || p[k] == '\'')) {
            char q = p[k++];
            const char *e = memchr(p + k, q, len - k);
            a->v = p + k;
            a->vlen = e ? (size_t)(e - (p + k)) : len - k;
            k = e ? (size_t)(e - p) + 1 : len;
        } else {
            a->v = p + k;
            while (k < len && !wc_html_space(p[k]))
                k++;
            a->vlen = (size_t)(p + k - a->v);
        }
    }
    *i = k;
    return true;
}

wc_status wc_html_to_text(wc_buf *out, const char *p, size_t len)
{
    size_t i = 0, start = out->len;
    struct wc_htok t;
    int skip = 0;
    wc_status st = WC_OK;
    char skipping[24] = "";

    while (!st && wc_html_token(p, len, &i, &t)) {
        if (skip) {
            if (t.kind == WC_HT_END && !strcmp(t.name, skipping))
                skip = 0;
            continue;
        }
        switch (t.kind) {
        case WC_HT_TEXT:
            st = wc_html_decode(out, t.p, t.len);
            break;
        case WC_HT_CDATA:
            st = wc_buf_add(out, t.p, t.len);
            break;
        case WC_HT_START:
            if (wc_html_is_dropped(t.name) && !t.self_close) {
                skip = 1;
                memcpy(skipping, t.name, sizeof(skipping));
            } else if (wc_str_in(t.name, block_elements, WC_ARRAY_SIZE(block_elements))) {
                st = wc_buf_addch(out, ' ');
            }
            break;
        case WC_HT_END:
            if (wc_str_in(t.name, block_elements, WC_ARRAY_SIZE(block_elements)))
                st = wc_buf_addch(out, ' ');
            break;
        case WC_HT_SKIP:
            break;
        }
    }
    if (!st)
        squeeze_from(out, start); /* only what was appended */
    return st;
}
