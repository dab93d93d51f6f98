/*
 * sanitize.c - HTML fragments from feeds: made safe, made absolute, or
 * reduced to text.
 *
 * A feed's <description> or <content> is a fragment of somebody else's
 * HTML, often broken: unclosed tags, stray '<' and '&', scripts, event
 * handlers, relative links that mean nothing once the text leaves its
 * page. The base layer's tokenizer (html.c: HTML's rules, not XML's)
 * drives what the feed wing adds to it:
 *
 *  - wc_html_sanitize(): re-serialises the fragment keeping only an
 *    allow-list of harmless elements and attributes (the approach of
 *    feedparser's and Mozilla's sanitizers: unknown elements lose their
 *    tags but keep their text; script, style and template lose both),
 *    with URL attributes resolved against the base (RFC 3986) and
 *    javascript:/vbscript:/data: (but data:image) URLs dropped. Output is
 *    balanced: every element it opens it closes.
 *  - wc_html_looks_like(): is this "plain" text really markup?
 *
 * Entities are decoded, and text escaped, by html.c.
 */
#include "feed_internal.h"

#include <stdlib.h>
#include <string.h>

#include "wirecopy/url.h"

#include "internal.h"

/* Open elements tracked by the sanitizer; deeper nesting is flattened. */
#define SAN_MAX_DEPTH 128

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

#define IN(name, list) wc_str_in((name), (list), WC_ARRAY_SIZE(list))

/* Elements that do not make text "look like HTML" by being there, beyond the kept ones. */
static const char *const form_elements[] = {
    "button", "canvas",   "fieldset", "form",   "input",  "label",    "legend", "menu",
    "meter",  "noscript", "optgroup", "option", "output", "progress", "select", "textarea"};

static bool is_word_char(char c)
{
    return wc_ascii_alpha(c) || (c >= '0' && c <= '9') || c == '_';
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
                name[k - s] = wc_ascii_lower(p[k]);
            name[e - s] = '\0';
            if (!IN(name, allowed_elements) && !wc_html_is_dropped(name) &&
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
    return wc_html_escape(out, v, len, WC_HTML_ESC_QUOT);
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
        while (i < len && (wc_html_space(v[i]) || v[i] == ','))
            i++;
        s = i;
        while (i < len && !wc_html_space(v[i]))
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

static wc_status emit_start(wc_buf *out, const struct wc_htok *t, const char *base, wc_buf *tmp)
{
    size_t i = 0;
    struct wc_hattr a;
    wc_status st = wc_buf_addch(out, '<');

    if (!st)
        st = wc_buf_addstr(out, t->name);
    while (!st && wc_html_attr(t->p, t->len, &i, &a)) {
        const char *v;
        size_t vlen;
        bool is_url = IN(a.name, url_attrs);
        if (!a.name[0] || !IN(a.name, allowed_attrs))
            continue;
        wc_buf_reset(tmp);
        st = wc_html_decode(tmp, a.v ? a.v : "", a.vlen);
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
    struct wc_htok t;
    wc_buf tmp; /* one attribute value, decoded: never longer than the fragment */
    wc_status st = WC_OK;
    char skipping[24] = "";

    wc_buf_init(&tmp, WC_FEED_TEXT_CAP);
    while (!st && wc_html_token(p, len, &i, &t)) {
        if (skipping[0]) {
            if (t.kind == WC_HT_END && !strcmp(t.name, skipping))
                skipping[0] = '\0';
            continue;
        }
        switch (t.kind) {
        case WC_HT_TEXT:
            wc_buf_reset(&tmp);
            st = wc_html_decode(&tmp, t.p, t.len);
            if (!st)
                st = wc_html_escape(out, tmp.buf, tmp.len, 0);
            break;
        case WC_HT_CDATA:
            st = wc_html_escape(out, t.p, t.len, 0);
            break;
        case WC_HT_START:
            if (wc_html_is_dropped(t.name)) {
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
        case WC_HT_END: {
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
        case WC_HT_SKIP:
            break;
        }
    }
    while (depth > 0 && !st)
        st = emit_end(out, stack[--depth]);
    wc_buf_release(&tmp);
    return st;
}
