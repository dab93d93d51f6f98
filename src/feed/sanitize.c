/*
 * sanitize.c - HTML fragments from feeds: made safe, made absolute, or
 * reduced to text.
 *
 * A feed's <description> or <content> is a fragment of somebody else's
 * HTML, often broken: unclosed tags, stray '<' and '&', scripts, event
 * handlers, relative links that mean nothing once the text leaves its
 * page. One small tokenizer (HTML's rules, not XML's: end tags may be
 * missing, attributes may be unquoted, "<!" that opens nothing is text)
 * drives three consumers:
 *
 *  - wc_html_sanitize(): re-serialises the fragment keeping only an
 *    allow-list of harmless elements and attributes (the approach of
 *    feedparser's and Mozilla's sanitizers: unknown elements lose their
 *    tags but keep their text; script, style and template lose both),
 *    with URL attributes resolved against the base (RFC 3986) and
 *    javascript:/vbscript:/data: (but data:image) URLs dropped. Output is
 *    balanced: every element it opens it closes.
 *  - wc_html_to_text(): the visible text, entities decoded, block
 *    elements turned into spaces, blanks collapsed.
 *  - wc_html_looks_like(): is this "plain" text really markup?
 *
 * Named entities come from libxml2's HTML 4 table (htmlEntityLookup), so
 * there is no second copy of that list in the project.
 */
#include "feed_internal.h"

#include <string.h>

#include <libxml/HTMLparser.h>

#include "wirecopy/url.h"

#include "internal.h"

/* Open elements tracked by the sanitizer; deeper nesting is flattened. */
#define SAN_MAX_DEPTH 128

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

static bool in_list(const char *name, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!strcmp(name, list[i]))
            return true;
    return false;
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
        bool hex = p[2] == 'x' || p[2] == 'X';
        size_t s = hex ? 3 : 2;
        uint64_t v = 0;
        for (k = s; k < len && k - s < 8; k++) {
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
        cp = v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) ? 0xFFFD : (uint32_t)v;
        if (k < len && p[k] == ';')
            k++;
    } else {
        for (k = 1; k < len && k < 33 && (is_alpha(p[k]) || (p[k] >= '0' && p[k] <= '9')); k++)
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

/* Append p[0..len) with entities decoded. */
static wc_status add_decoded(wc_buf *out, const char *p, size_t len)
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

wc_status wc_html_escape(wc_buf *out, const char *p, size_t len)
{
    size_t i, s = 0;
    wc_status st = WC_OK;

    for (i = 0; i < len && !st; i++) {
        const char *rep = p[i] == '&'   ? "&amp;"
                          : p[i] == '<' ? "&lt;"
                          : p[i] == '>' ? "&gt;"
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

void wc_text_squeeze(wc_buf *b)
{
    size_t i, n = 0;
    bool space = true; /* drops leading blanks */

    for (i = 0; i < b->len; i++) {
        char c = b->buf[i];
        if (is_ws(c) || c == '\v') {
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
    if (n && b->buf[n - 1] == ' ')
        n--;
    wc_buf_setlen(b, n);
}

/* --- tokenizer --------------------------------------------------------- */

enum htok_kind { HT_TEXT, HT_START, HT_END, HT_CDATA, HT_SKIP };

struct htok {
    enum htok_kind kind;
    const char *p; /* text: the bytes; tags: the attribute region */
    size_t len;
    char name[24]; /* tags: lower-cased name (truncated names never match a list) */
    bool self_close;
};

/* Does '<' at p[0] open markup? */
static bool opens_markup(const char *p, size_t len)
{
    if (len < 2)
        return false;
    if (is_alpha(p[1]))
        return true;
    if (p[1] == '/' && len > 2 && is_alpha(p[2]))
        return true;
    if (p[1] == '!' && len > 2 && (p[2] == '-' || p[2] == '[' || is_alpha(p[2])))
        return true;
    return p[1] == '?';
}

/* The next token of p[0..len) from *i; false at the end. */
static bool next_token(const char *p, size_t len, size_t *i, struct htok *t)
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
        t->kind = HT_TEXT;
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
        t->kind = HT_SKIP;
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
        t->kind = HT_CDATA;
        t->p = p + s + 9;
        t->len = (e ? (size_t)(e - p) : len) - (s + 9);
        *i = e ? (size_t)(e - p) + 3 : len;
        return true;
    }
    if (p[s + 1] == '!' || p[s + 1] == '?') {
        const char *e = memchr(p + s, '>', len - s);
        t->kind = HT_SKIP;
        *i = e ? (size_t)(e - p) + 1 : len;
        return true;
    }
    /* a tag: find its '>' outside quotes */
    k = s + 1;
    t->kind = HT_START;
    if (p[k] == '/') {
        t->kind = HT_END;
        k++;
    }
    n = 0;
    while (k < len && !is_ws(p[k]) && p[k] != '>' && p[k] != '/') {
        if (n + 1 < sizeof(t->name))
            t->name[n++] = lower(p[k]);
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
                else if (k > a && is_ws(p[k - 1]) && k > a + 1) {
                    /* quote after "= ": still a value */
                    size_t b = k - 1;
                    while (b > a && is_ws(p[b]))
                        b--;
                    if (p[b] == '=')
                        q = p[k];
                }
            } else if (p[k] == '>') {
                break;
            }
        }
        if (k >= len) { /* unterminated tag at the end: dropped, as HTML does */
            t->kind = HT_SKIP;
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

/* One attribute from a tag's attribute region; false when none is left. */
struct hattr {
    char name[24];
    const char *v; /* raw value (entities not decoded) */
    size_t vlen;
};

static bool next_attr(const char *p, size_t len, size_t *i, struct hattr *a)
{
    size_t k = *i, n = 0;

    while (k < len && (is_ws(p[k]) || p[k] == '/'))
        k++;
    if (k >= len)
        return false;
    while (k < len && !is_ws(p[k]) && p[k] != '=') {
        if (n + 1 < sizeof(a->name))
            a->name[n++] = lower(p[k]);
        else
            a->name[0] = '~';
        k++;
    }
    a->name[n] = '\0';
    while (k < len && is_ws(p[k]))
        k++;
    a->v = NULL;
    a->vlen = 0;
    if (k < len && p[k] == '=') {
        k++;
        while (k < len && is_ws(p[k]))
            k++;
        if (k < len && (p[k] == '"' || p[k] == '\'')) {
            char q = p[k++];
            const char *e = memchr(p + k, q, len - k);
            a->v = p + k;
            a->vlen = e ? (size_t)(e - (p + k)) : len - k;
            k = e ? (size_t)(e - p) + 1 : len;
        } else {
            a->v = p + k;
            while (k < len && !is_ws(p[k]))
                k++;
            a->vlen = (size_t)(p + k - a->v);
        }
    }
    *i = k;
    return true;
}

/* --- the lists --------------------------------------------------------- */

static const char *const allowed_elements[] = {
    "a",      "abbr",   "acronym", "address",  "area",       "article",    "aside",   "audio",
    "b",      "bdi",    "bdo",     "big",      "blockquote", "br",         "caption", "center",
    "cite",   "code",   "col",     "colgroup", "dd",         "del",        "details", "dfn",
    "dir",    "div",    "dl",      "dt",       "em",         "figcaption", "figure",  "font",
    "footer", "h1",     "h2",      "h3",       "h4",         "h5",         "h6",      "header",
    "hr",     "i",      "img",     "ins",      "kbd",        "li",         "main",    "map",
    "mark",   "nav",    "ol",      "p",        "picture",    "pre",        "q",       "rp",
    "rt",     "ruby",   "s",       "samp",     "section",    "small",      "source",  "span",
    "strike", "strong", "sub",     "summary",  "sup",        "table",      "tbody",   "td",
    "tfoot",  "th",     "thead",   "time",     "tr",         "track",      "tt",      "u",
    "ul",     "var",    "video",   "wbr",
};

/* Dropped with everything inside them. */
static const char *const dropped_elements[] = {"script",  "style",    "template", "applet",
                                               "noembed", "noframes", "xmp",      "plaintext"};

static const char *const void_elements[] = {"area",   "br",    "col",   "hr",    "img",
                                            "source", "track", "wbr",   "embed", "input",
                                            "link",   "meta",  "param", "base"};

static const char *const allowed_attrs[] = {
    "abbr",        "align",   "alt",      "axis",     "bgcolor",  "border",   "cellpadding",
    "cellspacing", "char",    "charoff",  "cite",     "class",    "clear",    "color",
    "cols",        "colspan", "controls", "coords",   "datetime", "dir",      "face",
    "headers",     "height",  "href",     "hreflang", "hspace",   "lang",     "longdesc",
    "loop",        "muted",   "name",     "noshade",  "nowrap",   "poster",   "rel",
    "rev",         "rows",    "rowspan",  "rules",    "scope",    "shape",    "size",
    "sizes",       "span",    "src",      "srcset",   "start",    "summary",  "title",
    "type",        "valign",  "value",    "vspace",   "width",    "reversed", "open",
};

static const char *const url_attrs[] = {"href", "src", "cite", "longdesc", "poster"};

/* Block-level for text extraction: they separate words. */
static const char *const block_elements[] = {
    "br", "p",       "div",     "li",         "tr",         "td",     "th",     "h1",    "h2", "h3",
    "h4", "h5",      "h6",      "blockquote", "pre",        "ul",     "ol",     "table", "hr", "dd",
    "dt", "section", "article", "figure",     "figcaption", "header", "footer", "title"};

#define IN(name, list) in_list((name), (list), WC_ARRAY_SIZE(list))

/* Elements that do not make text "look like HTML" by being there, beyond the kept ones. */
static const char *const form_elements[] = {
    "button", "canvas",   "fieldset", "form",   "input",  "label",    "legend", "menu",
    "meter",  "noscript", "optgroup", "option", "output", "progress", "select", "textarea"};

static bool is_word_char(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

/*
 * The conservative test feed readers use for "plain" text that may be
 * HTML, since a false positive silently loses text: it needs an end tag
 * or an entity reference, every tag must be a known HTML element and
 * every named entity a known one. "1 < 2", "AT&T" and "<notatag>" stay text.
 */
bool wc_html_looks_like(const char *p, size_t len)
{
    bool evidence = false;
    size_t i;

    for (i = 0; i < len; i++) {
        if (p[i] == '<') {
            size_t s = i + 1, e;
            char name[24];
            bool close = s < len && p[s] == '/';
            if (close)
                s++;
            for (e = s; e < len && is_word_char(p[e]); e++)
                ;
            if (e == s)
                continue; /* not a tag: "< 2" */
            if (e - s >= sizeof(name))
                return false;
            for (size_t k = s; k < e; k++)
                name[k - s] = lower(p[k]);
            name[e - s] = '\0';
            if (!IN(name, allowed_elements) && !IN(name, dropped_elements) &&
                !IN(name, form_elements))
                return false;
            if (close && e < len && p[e] == '>')
                evidence = true;
        } else if (p[i] == '&') {
            size_t s = i + 1, e;
            uint32_t cp;
            bool num = s < len && p[s] == '#';
            if (num)
                s++;
            for (e = s; e < len && is_word_char(p[e]); e++)
                ;
            if (e == s || e >= len || p[e] != ';')
                continue; /* a bare '&' proves nothing */
            if (!num && !wc_html_entity(p + s, e - s, &cp) &&
                !(e - s == 2 && (!memcmp(p + s, "lt", 2) || !memcmp(p + s, "gt", 2))) &&
                !(e - s == 3 && !memcmp(p + s, "amp", 3)) &&
                !(e - s == 4 && !memcmp(p + s, "quot", 4)))
                return false;
            evidence = true;
        }
    }
    return evidence;
}

wc_status wc_html_to_text(wc_buf *out, const char *p, size_t len)
{
    size_t i = 0, start = out->len;
    struct htok t;
    int skip = 0;
    wc_status st = WC_OK;
    char skipping[24] = "";

    while (!st && next_token(p, len, &i, &t)) {
        if (skip) {
            if (t.kind == HT_END && !strcmp(t.name, skipping))
                skip = 0;
            continue;
        }
        switch (t.kind) {
        case HT_TEXT:
            st = add_decoded(out, t.p, t.len);
            break;
        case HT_CDATA:
            st = wc_buf_add(out, t.p, t.len);
            break;
        case HT_START:
            if (IN(t.name, dropped_elements) && !t.self_close) {
                skip = 1;
                memcpy(skipping, t.name, sizeof(skipping));
            } else if (IN(t.name, block_elements)) {
                st = wc_buf_addch(out, ' ');
            }
            break;
        case HT_END:
            if (IN(t.name, block_elements))
                st = wc_buf_addch(out, ' ');
            break;
        case HT_SKIP:
            break;
        }
    }
    if (!st) {
        /* squeeze only what was appended */
        wc_buf tail = WC_BUF_INIT;
        st = wc_buf_add(&tail, out->buf + start, out->len - start);
        if (!st) {
            wc_text_squeeze(&tail);
            wc_buf_setlen(out, start);
            st = wc_buf_add(out, tail.buf, tail.len);
        }
        wc_buf_release(&tail);
    }
    return st;
}

/* Is a (decoded, trimmed) URL safe to keep? */
static bool safe_url(const char *u, bool is_src)
{
    while (*u && (unsigned char)*u <= ' ')
        u++;
    if (wc_mem_istarts(u, strlen(u), "javascript:") || wc_mem_istarts(u, strlen(u), "vbscript:"))
        return false;
    if (wc_mem_istarts(u, strlen(u), "data:"))
        return is_src && wc_mem_istarts(u, strlen(u), "data:image/");
    return true;
}

static wc_status add_attr_value(wc_buf *out, const char *v, size_t len)
{
    size_t i;
    wc_status st = WC_OK;

    for (i = 0; i < len && !st; i++) {
        if (v[i] == '&')
            st = wc_buf_add(out, "&amp;", 5);
        else if (v[i] == '"')
            st = wc_buf_add(out, "&quot;", 6);
        else if (v[i] == '<')
            st = wc_buf_add(out, "&lt;", 4);
        else if (v[i] == '>')
            st = wc_buf_add(out, "&gt;", 4);
        else
            st = wc_buf_addch(out, v[i]);
    }
    return st;
}

/* srcset: "url 1x, url 2x": resolve each URL. */
static wc_status add_srcset(wc_buf *out, const char *v, size_t len, const char *base)
{
    size_t i = 0;
    wc_status st = WC_OK;
    bool first = true;

    while (i < len && !st) {
        size_t s, e, d;
        char *u, *abs;
        while (i < len && (is_ws(v[i]) || v[i] == ','))
            i++;
        s = i;
        while (i < len && !is_ws(v[i]))
            i++;
        e = i;
        if (e > s && v[e - 1] == ',')
            e--;
        d = i;
        while (i < len && v[i] != ',')
            i++;
        if (e == s)
            break;
        u = wc_strndup(v + s, e - s);
        if (!u)
            return WC_ERR_NOMEM;
        abs = base ? wc_url_resolve(base, u) : NULL;
        if (!first)
            st = wc_buf_add(out, ", ", 2);
        if (!st)
            st = add_attr_value(out, abs ? abs : u, strlen(abs ? abs : u));
        if (!st && i > d) {
            const char *dp = v + d;
            size_t dl = i - d;
            wc_mem_trim(&dp, &dl);
            if (dl) {
                st = wc_buf_addch(out, ' ');
                if (!st)
                    st = add_attr_value(out, dp, dl);
            }
        }
        free(abs);
        free(u);
        first = false;
    }
    return st;
}

static wc_status emit_start(wc_buf *out, const struct htok *t, const char *base, wc_buf *tmp)
{
    size_t i = 0;
    struct hattr a;
    wc_status st = wc_buf_addch(out, '<');

    if (!st)
        st = wc_buf_addstr(out, t->name);
    while (!st && next_attr(t->p, t->len, &i, &a)) {
        const char *v;
        size_t vlen;
        bool is_url = IN(a.name, url_attrs);
        if (!a.name[0] || !IN(a.name, allowed_attrs))
            continue;
        wc_buf_reset(tmp);
        st = add_decoded(tmp, a.v ? a.v : "", a.vlen);
        if (st)
            break;
        v = tmp->buf;
        vlen = tmp->len;
        if (is_url) {
            char *abs;
            wc_mem_trim(&v, &vlen);
            if (!safe_url(v, strcmp(a.name, "href") != 0))
                continue;
            abs = base && base[0] ? wc_url_resolve(base, v) : NULL;
            st = wc_buf_addch(out, ' ');
            if (!st)
                st = wc_buf_addstr(out, a.name);
            if (!st)
                st = wc_buf_add(out, "=\"", 2);
            if (!st)
                st = add_attr_value(out, abs ? abs : v, abs ? strlen(abs) : vlen);
            if (!st)
                st = wc_buf_addch(out, '"');
            free(abs);
            continue;
        }
        st = wc_buf_addch(out, ' ');
        if (!st)
            st = wc_buf_addstr(out, a.name);
        if (!st)
            st = wc_buf_add(out, "=\"", 2);
        if (!st)
            st = !strcmp(a.name, "srcset") ? add_srcset(out, v, vlen, base)
                                           : add_attr_value(out, v, vlen);
        if (!st)
            st = wc_buf_addch(out, '"');
    }
    if (!st)
        st = IN(t->name, void_elements) ? wc_buf_add(out, " />", 3) : wc_buf_addch(out, '>');
    return st;
}

static wc_status emit_end(wc_buf *out, const char *name)
{
    wc_status st = wc_buf_add(out, "</", 2);

    if (!st)
        st = wc_buf_addstr(out, name);
    if (!st)
        st = wc_buf_addch(out, '>');
    return st;
}

wc_status wc_html_sanitize(wc_buf *out, const char *p, size_t len, const char *base)
{
    char stack[SAN_MAX_DEPTH][24];
    size_t depth = 0, i = 0;
    struct htok t;
    wc_buf tmp = WC_BUF_INIT;
    wc_status st = WC_OK;
    char skipping[24] = "";

    while (!st && next_token(p, len, &i, &t)) {
        if (skipping[0]) {
            if (t.kind == HT_END && !strcmp(t.name, skipping))
                skipping[0] = '\0';
            continue;
        }
        switch (t.kind) {
        case HT_TEXT:
            wc_buf_reset(&tmp);
            st = add_decoded(&tmp, t.p, t.len);
            if (!st)
                st = wc_html_escape(out, tmp.buf, tmp.len);
            break;
        case HT_CDATA:
            st = wc_html_escape(out, t.p, t.len);
            break;
        case HT_START:
            if (IN(t.name, dropped_elements)) {
                if (!t.self_close)
                    memcpy(skipping, t.name, sizeof(skipping));
                break;
            }
            if (!IN(t.name, allowed_elements))
                break;
            if (!IN(t.name, void_elements) && depth == SAN_MAX_DEPTH)
                break; /* too deep: keep the text, drop the tag */
            st = emit_start(out, &t, base, &tmp);
            if (!st && !IN(t.name, void_elements)) {
                if (t.self_close) {
                    st = emit_end(out, t.name);
                } else {
                    memcpy(stack[depth], t.name, sizeof(stack[0]));
                    depth++;
                }
            }
            break;
        case HT_END: {
            size_t k = depth;
            if (!IN(t.name, allowed_elements) || IN(t.name, void_elements))
                break;
            while (k > 0 && strcmp(stack[k - 1], t.name))
                k--;
            if (!k)
                break; /* nothing open by that name */
            while (depth >= k && !st) {
                st = emit_end(out, stack[depth - 1]);
                depth--;
            }
            break;
        }
        case HT_SKIP:
            break;
        }
    }
    while (depth > 0 && !st)
        st = emit_end(out, stack[--depth]);
    wc_buf_release(&tmp);
    return st;
}
