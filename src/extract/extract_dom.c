/*
 * extract_dom.c - from UTF-8 HTML to a compact tree.
 *
 * Parsing. libxml2's HTML parser does the hard part of reading real-world
 * HTML: tokenising, entity decoding and the error recovery that decides
 * where an unclosed <p> ends (its auto-close tables are the same whether
 * the events build a libxml2 tree or not). We take its SAX events and
 * build our own tree instead of an xmlDoc: nodes live in one array with
 * index links, text in one buffer, attributes only when we will read them
 * (class, id, href, itemprop, ...). That is several times fewer
 * allocations than an xmlDoc, so parsing plus extraction costs little
 * more than libxml2's bare parse (see bench/bench_extract.c). Subtrees
 * that hold no readable text (script, style, svg, form controls, hidden
 * elements) are not built at all; <title> and JSON-LD scripts are kept
 * aside for the metadata.
 *
 * Whitespace is normalised while the text arrives: runs of spaces, tabs,
 * newlines and Unicode spaces become one space; soft hyphens, zero-width
 * spaces and byte order marks disappear.
 *
 * The tree is cut into text blocks in extract_blocks.c.
 *
 * Caps: nesting beyond EX_MAX_DEPTH folds into the deepest kept element,
 * EX_MAX_NODES and EX_MAX_TEXT stop the parse (what was read is used).
 */
#include "extract_internal.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include "internal.h"

/* --- tag table ----------------------------------------------------------- */

struct tag_info {
    const char *name;
    uint16_t tag;
    uint16_t flags;
};

/* Sorted by name for binary search. Unknown names are inline (T_OTHER). */
static const struct tag_info tags[] = {
    {"a", T_A, 0},
    {"address", T_ADDRESS, TF_BLOCK},
    {"applet", T_OBJECT, TF_SKIP},
    {"article", T_ARTICLE, TF_BLOCK},
    {"aside", T_ASIDE, TF_BLOCK},
    {"audio", T_AUDIO, TF_SKIP},
    {"b", T_B, 0},
    {"base", T_BASE, TF_VOID},
    {"blockquote", T_BLOCKQUOTE, TF_BLOCK},
    {"body", T_BODY, TF_BLOCK},
    {"br", T_BR, TF_VOID},
    {"button", T_BUTTON, TF_SKIP},
    {"canvas", T_CANVAS, TF_SKIP},
    {"caption", T_CAPTION, TF_BLOCK},
    {"center", T_CENTER, TF_BLOCK},
    {"code", T_CODE, 0},
    {"datalist", T_SELECT, TF_SKIP},
    {"dd", T_DD, TF_BLOCK},
    {"details", T_DETAILS, TF_BLOCK},
    {"dialog", T_DIALOG, TF_BLOCK},
    {"dir", T_UL, TF_BLOCK},
    {"div", T_DIV, TF_BLOCK},
    {"dl", T_DL, TF_BLOCK},
    {"dt", T_DT, TF_BLOCK},
    {"em", T_EM, 0},
    {"embed", T_EMBED, TF_SKIP | TF_VOID},
    {"fieldset", T_FIELDSET, TF_BLOCK},
    {"figcaption", T_FIGCAPTION, TF_BLOCK},
    {"figure", T_FIGURE, TF_BLOCK},
    {"footer", T_FOOTER, TF_BLOCK},
    {"form", T_FORM, TF_BLOCK},
    {"frame", T_FRAMESET, TF_SKIP},
    {"frameset", T_FRAMESET, TF_SKIP},
    {"h1", T_H1, TF_BLOCK | TF_HEADING},
    {"h2", T_H2, TF_BLOCK | TF_HEADING},
    {"h3", T_H3, TF_BLOCK | TF_HEADING},
    {"h4", T_H4, TF_BLOCK | TF_HEADING},
    {"h5", T_H5, TF_BLOCK | TF_HEADING},
    {"h6", T_H6, TF_BLOCK | TF_HEADING},
    {"head", T_HEAD, TF_BLOCK},
    {"header", T_HEADER, TF_BLOCK},
    {"hgroup", T_HGROUP, TF_BLOCK},
    {"hr", T_HR, TF_BLOCK | TF_VOID},
    {"html", T_HTML, TF_BLOCK},
    {"i", T_I, 0},
    {"iframe", T_IFRAME, TF_SKIP},
    {"img", T_IMG, TF_VOID},
    {"input", T_INPUT, TF_SKIP | TF_VOID},
    {"label", T_LABEL, 0},
    {"legend", T_LEGEND, TF_BLOCK},
    {"li", T_LI, TF_BLOCK},
    {"link", T_LINK, TF_VOID},
    {"listing", T_PRE, TF_BLOCK},
    {"main", T_MAIN, TF_BLOCK},
    {"map", T_MAP, TF_SKIP},
    {"math", T_MATH, TF_SKIP},
    {"menu", T_MENU, TF_BLOCK},
    {"meta", T_META, TF_VOID},
    {"nav", T_NAV, TF_BLOCK},
    {"noembed", T_NOSCRIPT, TF_SKIP},
    {"noframes", T_NOSCRIPT, TF_SKIP},
    {"noscript", T_NOSCRIPT, TF_SKIP},
    {"object", T_OBJECT, TF_SKIP},
    {"ol", T_OL, TF_BLOCK},
    {"optgroup", T_OPTION, TF_SKIP},
    {"option", T_OPTION, TF_SKIP},
    {"p", T_P, TF_BLOCK},
    {"param", T_SOURCE, TF_VOID},
    {"picture", T_PICTURE, 0},
    {"plaintext", T_PRE, TF_BLOCK},
    {"pre", T_PRE, TF_BLOCK},
    {"q", T_Q, 0},
    {"script", T_SCRIPT, TF_SKIP},
    {"section", T_SECTION, TF_BLOCK},
    {"select", T_SELECT, TF_SKIP},
    {"small", T_SMALL, 0},
    {"source", T_SOURCE, TF_VOID},
    {"span", T_SPAN, 0},
    {"strong", T_STRONG, 0},
    {"style", T_STYLE, TF_SKIP},
    {"summary", T_SUMMARY, TF_BLOCK},
    {"svg", T_SVG, TF_SKIP},
    {"table", T_TABLE, TF_BLOCK},
    {"tbody", T_TBODY, TF_BLOCK},
    {"td", T_TD, TF_BLOCK | TF_CELL},
    {"template", T_TEMPLATE, TF_SKIP},
    {"textarea", T_TEXTAREA, TF_SKIP},
    {"tfoot", T_TFOOT, TF_BLOCK},
    {"th", T_TH, TF_BLOCK | TF_CELL},
    {"thead", T_THEAD, TF_BLOCK},
    {"time", T_TIME, 0},
    {"title", T_TITLE, TF_SKIP},
    {"tr", T_TR, TF_BLOCK},
    {"track", T_SOURCE, TF_VOID},
    {"ul", T_UL, TF_BLOCK},
    {"video", T_VIDEO, TF_SKIP},
    {"wbr", T_OTHER, TF_VOID},
    {"xmp", T_PRE, TF_BLOCK},
};

static const struct tag_info *tag_lookup(const char *name)
{
    size_t lo = 0, hi = WC_ARRAY_SIZE(tags);

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, tags[mid].name);
        if (c == 0)
            return &tags[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

unsigned ex_tag_flags(unsigned tag)
{
    static const unsigned fixed[T_COUNT] = {
        [T_A] = 0,
        [T_ADDRESS] = TF_BLOCK,
        [T_ARTICLE] = TF_BLOCK,
        [T_ASIDE] = TF_BLOCK,
        [T_BLOCKQUOTE] = TF_BLOCK,
        [T_BODY] = TF_BLOCK,
        [T_BR] = TF_VOID,
        [T_CAPTION] = TF_BLOCK,
        [T_CENTER] = TF_BLOCK,
        [T_DD] = TF_BLOCK,
        [T_DETAILS] = TF_BLOCK,
        [T_DIALOG] = TF_BLOCK,
        [T_DIV] = TF_BLOCK,
        [T_DL] = TF_BLOCK,
        [T_DT] = TF_BLOCK,
        [T_FIELDSET] = TF_BLOCK,
        [T_FIGCAPTION] = TF_BLOCK,
        [T_FIGURE] = TF_BLOCK,
        [T_FOOTER] = TF_BLOCK,
        [T_FORM] = TF_BLOCK,
        [T_H1] = TF_BLOCK | TF_HEADING,
        [T_H2] = TF_BLOCK | TF_HEADING,
        [T_H3] = TF_BLOCK | TF_HEADING,
        [T_H4] = TF_BLOCK | TF_HEADING,
        [T_H5] = TF_BLOCK | TF_HEADING,
        [T_H6] = TF_BLOCK | TF_HEADING,
        [T_HEAD] = TF_BLOCK,
        [T_HEADER] = TF_BLOCK,
        [T_HGROUP] = TF_BLOCK,
        [T_HR] = TF_BLOCK | TF_VOID,
        [T_HTML] = TF_BLOCK,
        [T_IMG] = TF_VOID,
        [T_LEGEND] = TF_BLOCK,
        [T_LI] = TF_BLOCK,
        [T_LINK] = TF_VOID,
        [T_MAIN] = TF_BLOCK,
        [T_MENU] = TF_BLOCK,
        [T_META] = TF_VOID,
        [T_NAV] = TF_BLOCK,
        [T_OL] = TF_BLOCK,
        [T_P] = TF_BLOCK,
        [T_PRE] = TF_BLOCK,
        [T_SECTION] = TF_BLOCK,
        [T_SUMMARY] = TF_BLOCK,
        [T_TABLE] = TF_BLOCK,
        [T_TBODY] = TF_BLOCK,
        [T_TD] = TF_BLOCK | TF_CELL,
        [T_TFOOT] = TF_BLOCK,
        [T_TH] = TF_BLOCK | TF_CELL,
        [T_THEAD] = TF_BLOCK,
        [T_TR] = TF_BLOCK,
        [T_UL] = TF_BLOCK,
        [T_ROOT] = TF_BLOCK,
    };
    return tag < T_COUNT ? fixed[tag] : 0;
}

/* --- attributes ------------------------------------------------------------ */

static int attr_key(const char *n)
{
    switch (n[0]) {
    case 'a':
        if (!strcmp(n, "alt"))
            return A_ALT;
        break;
    case 'c':
        if (!strcmp(n, "class"))
            return A_CLASS;
        if (!strcmp(n, "content"))
            return A_CONTENT;
        if (!strcmp(n, "charset"))
            return A_CHARSET;
        break;
    case 'd':
        if (!strcmp(n, "datetime"))
            return A_DATETIME;
        if (!strcmp(n, "data-src") || !strcmp(n, "data-lazy-src") || !strcmp(n, "data-original"))
            return A_DATA_SRC;
        break;
    case 'h':
        if (!strcmp(n, "href"))
            return A_HREF;
        if (!strcmp(n, "http-equiv"))
            return A_HTTP_EQUIV;
        break;
    case 'i':
        if (!strcmp(n, "id"))
            return A_ID;
        if (!strcmp(n, "itemprop"))
            return A_ITEMPROP;
        if (!strcmp(n, "itemtype"))
            return A_ITEMTYPE;
        break;
    case 'l':
        if (!strcmp(n, "lang"))
            return A_LANG;
        break;
    case 'n':
        if (!strcmp(n, "name"))
            return A_NAME;
        break;
    case 'p':
        if (!strcmp(n, "property"))
            return A_PROPERTY;
        break;
    case 'r':
        if (!strcmp(n, "rel"))
            return A_REL;
        if (!strcmp(n, "role"))
            return A_ROLE;
        break;
    case 's':
        if (!strcmp(n, "src"))
            return A_SRC;
        if (!strcmp(n, "srcset"))
            return A_SRCSET;
        break;
    case 't':
        if (!strcmp(n, "title"))
            return A_TITLE;
        break;
    case 'v':
        if (!strcmp(n, "value"))
            return A_VALUE;
        break;
    case 'x':
        if (!strcmp(n, "xml:lang"))
            return A_LANG;
        break;
    }
    return -1;
}

const char *ex_attr_get(const ex_doc *d, uint32_t n, unsigned key, size_t *len)
{
    const ex_node *nd;
    uint32_t i;

    if (n >= d->n_nodes)
        return NULL;
    nd = &d->nodes[n];
    if (nd->tag == T_TEXT || nd->tag == T_ROOT)
        return NULL;
    for (i = 0; i < nd->len; i++) {
        const ex_attr *a = &d->attrs[nd->off + i];
        if (a->key == key) {
            if (len)
                *len = a->len;
            return d->abuf.buf + a->off;
        }
    }
    return NULL;
}

/* --- the SAX builder ------------------------------------------------------ */

enum capture { CAP_NONE = 0, CAP_TITLE, CAP_JSONLD };

/* Slots of the per-parse tag cache (a power of two). */
#define TAG_CACHE 128

struct frame {
    const xmlChar *name; /* libxml2's (dictionary) name, to match the end tag */
    uint32_t prev;       /* node current before this element opened */
    uint8_t skip;        /* this element started a skipped subtree */
};

struct builder {
    ex_doc *d;
    htmlParserCtxtPtr ctxt;
    struct frame *stack;
    uint32_t sp;       /* frames in use */
    uint32_t overflow; /* elements opened beyond EX_MAX_STACK */
    uint32_t cur;      /* node receiving children */
    uint32_t skip;     /* > 0: inside a skipped subtree opened at frame skip-1 */
    int capture;       /* enum capture while skipping */
    bool title_done;   /* the first <title> was read */
    /* tag lookups by libxml2's interned name pointer: a page uses few names, many times */
    struct {
        const xmlChar *name;
        const struct tag_info *ti;
    } tags[TAG_CACHE];
};

static void stop(struct builder *b, wc_status st)
{
    if (st == WC_ERR_NOMEM && !b->d->oom)
        b->d->oom = st;
    if (st == WC_ERR_LIMIT)
        b->d->truncated = true;
    xmlStopParser(b->ctxt);
}

static uint32_t new_node(struct builder *b, unsigned tag, uint32_t parent)
{
    ex_doc *d = b->d;
    ex_node *n;
    uint32_t id;

    if (d->n_nodes >= EX_MAX_NODES) {
        stop(b, WC_ERR_LIMIT);
        return EX_NONE;
    }
    if (d->n_nodes == d->cap_nodes) {
        uint32_t ncap = d->cap_nodes ? d->cap_nodes + d->cap_nodes / 2 : 1024;
        ex_node *p = realloc(d->nodes, (size_t)ncap * sizeof(*p));
        if (!p) {
            stop(b, WC_ERR_NOMEM);
            return EX_NONE;
        }
        d->nodes = p;
        d->cap_nodes = ncap;
    }
    id = d->n_nodes++;
    n = &d->nodes[id];
    n->parent = parent;
    n->first = n->last = n->next = EX_NONE;
    n->off = n->len = 0;
    n->cls = 0;
    n->tag = (uint16_t)tag;
    n->flags = 0;
    n->depth = parent == EX_NONE ? 0 : (uint16_t)(d->nodes[parent].depth + 1);
    if (parent != EX_NONE) {
        ex_node *p = &d->nodes[parent];
        if (p->last == EX_NONE)
            p->first = id;
        else
            d->nodes[p->last].next = id;
        p->last = id;
    }
    return id;
}

/* Byte classes for the text normaliser: 0 plain, 1 ASCII space, 2 lead byte to inspect. */
static const unsigned char text_class[256] = {
    [' '] = 1,  ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\f'] = 1,
    ['\v'] = 1, [0xC2] = 2, [0xE2] = 2, [0xE3] = 2, [0xEF] = 2,
};

/*
 * What the multi-byte sequence at s (n bytes left) is: returns its length
 * and sets *kind: 0 keep, 1 space, 2 drop, 3 a C1 control to read as
 * windows-1252 (libxml2 turns "&#147;" into U+0093; HTML5 and the one
 * repair policy of utf8.c read it as a curly quote).
 */
static size_t special_seq(const unsigned char *s, size_t n, int *kind)
{
    *kind = 0;
    if (s[0] == 0xC2 && n >= 2) {
        if (s[1] == 0xA0)
            *kind = 1; /* no-break space */
        else if (s[1] == 0xAD)
            *kind = 2; /* soft hyphen */
        else if (s[1] >= 0x80 && s[1] <= 0x9F)
            *kind = 3;
        return 2;
    }
    if (s[0] == 0xE2 && n >= 3) {
        if (s[1] == 0x80) {
            if (s[2] <= 0x8A || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF)
                *kind = 1; /* en/em/thin... spaces, line/paragraph separators, narrow nbsp */
            else if (s[2] == 0x8B || s[2] == 0x8E || s[2] == 0x8F)
                *kind = 2; /* zero-width space, LRM, RLM */
        } else if (s[1] == 0x81) {
            if (s[2] == 0x9F)
                *kind = 1; /* medium mathematical space */
            else if (s[2] == 0xA0)
                *kind = 2; /* word joiner */
        }
        return 3;
    }
    if (s[0] == 0xE3 && n >= 3) {
        if (s[1] == 0x80 && s[2] == 0x80)
            *kind = 1; /* ideographic space */
        return 3;
    }
    if (s[0] == 0xEF && n >= 3) {
        if (s[1] == 0xBB && s[2] == 0xBF)
            *kind = 2; /* zero-width no-break space (BOM) */
        return 3;
    }
    return 1;
}

/* Append s[0..n) to the text run ending node `cur`, normalising spaces. */
static void add_text(struct builder *b, const unsigned char *s, size_t n)
{
    ex_doc *d = b->d;
    uint32_t t, last;
    char *o;
    size_t i = 0, start;
    bool space;

    if (d->text.len + n > EX_MAX_TEXT) {
        stop(b, WC_ERR_LIMIT);
        return;
    }
    /* room for n bytes, and for the 2-byte C1 controls that become 3 (kind 3) */
    if (wc_buf_grow(&d->text, n + n / 2 + 1)) {
        stop(b, WC_ERR_NOMEM);
        return;
    }
    last = d->nodes[b->cur].last;
    if (last != EX_NONE && d->nodes[last].tag == T_TEXT &&
        d->nodes[last].off + d->nodes[last].len == d->text.len) {
        t = last;
        space = d->text.len > 0 && d->text.buf[d->text.len - 1] == ' ';
    } else {
        t = new_node(b, T_TEXT, b->cur);
        if (t == EX_NONE)
            return;
        d->nodes[t].off = (uint32_t)d->text.len;
        space = false;
    }
    o = d->text.buf + d->text.len;
    while (i < n) {
        int kind;
        size_t k;
        start = i;
        while (i < n && !text_class[s[i]])
            i++;
        if (i > start) {
            memcpy(o, s + start, i - start);
            o += i - start;
            space = false;
        }
        if (i >= n)
            break;
        if (text_class[s[i]] == 1) {
            kind = 1;
            k = 1;
        } else {
            k = special_seq(s + i, n - i, &kind);
        }
        if (kind == 1) {
            if (!space)
                *o++ = ' ';
            space = true;
        } else if (kind == 0) {
            memcpy(o, s + i, k);
            o += k;
            space = false;
        } else if (kind == 3) {
            uint32_t cp = wc_cp1252_decode(s[i + 1]);
            o += wc_utf8_encode(cp ? cp : 0xFFFD, o);
            space = false;
        }
        i += k;
    }
    d->text.len = (size_t)(o - d->text.buf);
    d->text.buf[d->text.len] = '\0';
    d->nodes[t].len = (uint32_t)(d->text.len - d->nodes[t].off);
}

/* Does a style attribute hide the element (display:none, visibility:hidden)? */
static bool style_hides(const char *s)
{
    char buf[256];
    size_t n = 0;

    for (; *s && n + 1 < sizeof(buf); s++) {
        char c = *s;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        buf[n++] = c;
    }
    buf[n] = '\0';
    return strstr(buf, "display:none") || strstr(buf, "visibility:hidden");
}

static bool is_ldjson(const char *type)
{
    size_t n = strlen(type);

    return wc_mem_istr(type, n, "ld+json") != NULL;
}

static uint32_t role_bits(const char *r, size_t n)
{
    if (wc_mem_ieq(r, n, "navigation") || wc_mem_ieq(r, n, "menu") || wc_mem_ieq(r, n, "menubar") ||
        wc_mem_ieq(r, n, "search") || wc_mem_ieq(r, n, "tablist"))
        return EXC_NAV;
    if (wc_mem_ieq(r, n, "banner"))
        return EXC_HEADER;
    if (wc_mem_ieq(r, n, "contentinfo"))
        return EXC_FOOTER;
    if (wc_mem_ieq(r, n, "complementary"))
        return EXC_SIDEBAR;
    if (wc_mem_ieq(r, n, "main"))
        return EXC_MAIN;
    if (wc_mem_ieq(r, n, "article"))
        return EXC_ARTICLE;
    if (wc_mem_ieq(r, n, "dialog") || wc_mem_ieq(r, n, "alertdialog") || wc_mem_ieq(r, n, "alert"))
        return EXC_MODAL;
    if (wc_mem_ieq(r, n, "toolbar"))
        return EXC_SHARE;
    return 0;
}

static uint32_t itemprop_bits(const char *p, size_t n)
{
    if (wc_mem_istr(p, n, "articlebody"))
        return EXC_BODY;
    if (wc_mem_istr(p, n, "author") || wc_mem_istr(p, n, "creator") ||
        wc_mem_istr(p, n, "datepublished") || wc_mem_istr(p, n, "datemodified") ||
        wc_mem_istr(p, n, "datecreated"))
        return EXC_BYLINE;
    if (wc_mem_istr(p, n, "headline"))
        return EXC_TITLE;
    if (wc_mem_istr(p, n, "comment"))
        return EXC_COMMENT;
    if (wc_mem_istr(p, n, "associatedmedia") || wc_mem_ieq(p, n, "image") ||
        wc_mem_ieq(p, n, "video"))
        return EXC_MEDIA;
    if (wc_mem_istr(p, n, "breadcrumb"))
        return EXC_NAV;
    if (wc_mem_istr(p, n, "keywords") || wc_mem_istr(p, n, "articlesection"))
        return EXC_TAGS;
    return 0;
}

static uint32_t itemtype_bits(const char *p, size_t n)
{
    if (wc_mem_istr(p, n, "article") || wc_mem_istr(p, n, "blogposting") ||
        wc_mem_istr(p, n, "reportage"))
        return EXC_ARTICLE;
    if (wc_mem_istr(p, n, "comment"))
        return EXC_COMMENT;
    if (wc_mem_istr(p, n, "wpsidebar"))
        return EXC_SIDEBAR;
    if (wc_mem_istr(p, n, "wpheader"))
        return EXC_HEADER;
    if (wc_mem_istr(p, n, "wpfooter"))
        return EXC_FOOTER;
    if (wc_mem_istr(p, n, "sitenavigation") || wc_mem_istr(p, n, "breadcrumb"))
        return EXC_NAV;
    if (wc_mem_istr(p, n, "wpadblock"))
        return EXC_AD;
    if (wc_mem_istr(p, n, "person"))
        return EXC_BYLINE;
    if (wc_mem_istr(p, n, "imageobject") || wc_mem_istr(p, n, "videoobject"))
        return EXC_MEDIA;
    return 0;
}

static uint32_t tag_bits(unsigned tag)
{
    switch (tag) {
    case T_NAV:
        return EXC_NAV;
    case T_ASIDE:
        return EXC_SIDEBAR;
    case T_FOOTER:
        return EXC_FOOTER;
    case T_HEADER:
        return EXC_HEADER;
    case T_FORM:
        return EXC_FORM;
    case T_ARTICLE:
        return EXC_ARTICLE;
    case T_MAIN:
        return EXC_MAIN;
    case T_FIGCAPTION:
        return EXC_CAPTION;
    case T_FIGURE:
        return EXC_MEDIA;
    case T_ADDRESS:
        return EXC_BYLINE;
    case T_DIALOG:
        return EXC_MODAL;
    case T_MENU:
        return EXC_NAV;
    default:
        return 0;
    }
}

/* Store the attributes we read; returns false when the element is hidden. */
static bool take_attrs(struct builder *b, uint32_t id, const xmlChar **atts)
{
    ex_doc *d = b->d;
    ex_node *n = &d->nodes[id];
    uint32_t cls = tag_bits(n->tag);
    size_t i;

    n->off = d->n_attrs;
    n->len = 0;
    for (i = 0; atts && atts[i]; i += 2) {
        const char *name = (const char *)atts[i];
        const char *val = (const char *)atts[i + 1];
        size_t vlen;
        int key;
        ex_attr *a;

        if (!val)
            val = "";
        key = attr_key(name);
        if (key < 0) {
            if (!strcmp(name, "itemscope"))
                n->flags |= NF_ITEMSCOPE;
            else if (!strcmp(name, "pubdate"))
                n->flags |= NF_PUBDATE;
            else if (!strcmp(name, "aria-hidden") && !strcmp(val, "true"))
                cls |= EXC_HIDDEN;
            continue;
        }
        vlen = strlen(val);
        if (vlen > EX_MAX_ATTR)
            vlen = EX_MAX_ATTR;
        if (d->n_attrs == d->cap_attrs) {
            uint32_t ncap = d->cap_attrs ? d->cap_attrs * 2 : 1024;
            ex_attr *p = realloc(d->attrs, (size_t)ncap * sizeof(*p));
            if (!p) {
                stop(b, WC_ERR_NOMEM);
                return true;
            }
            d->attrs = p;
            d->cap_attrs = ncap;
        }
        if (d->abuf.len + vlen + 1 > EX_MAX_TEXT) {
            stop(b, WC_ERR_LIMIT);
            return true;
        }
        a = &d->attrs[d->n_attrs];
        a->off = (uint32_t)d->abuf.len;
        a->len = (uint32_t)vlen;
        a->key = (uint8_t)key;
        if (wc_buf_add(&d->abuf, val, vlen) || wc_buf_addch(&d->abuf, '\0')) {
            stop(b, WC_ERR_NOMEM);
            return true;
        }
        d->n_attrs++;
        n->len++;
        switch (key) {
        case A_CLASS:
        case A_ID:
            cls |= ex_vocab_classify(d->vocab, val, vlen);
            break;
        case A_ROLE:
            cls |= role_bits(val, vlen);
            break;
        case A_ITEMPROP:
            cls |= itemprop_bits(val, vlen);
            if (wc_mem_ieq(val, vlen, "articleBody"))
                n->flags |= NF_ARTICLEBODY;
            break;
        case A_ITEMTYPE:
            cls |= itemtype_bits(val, vlen);
            break;
        case A_HREF:
            if (n->tag == T_A)
                n->flags |= NF_LINK;
            break;
        default:
            break;
        }
    }
    n->cls = cls;
    return true;
}

static bool element_hidden(const xmlChar **atts)
{
    size_t i;

    for (i = 0; atts && atts[i]; i += 2) {
        const char *name = (const char *)atts[i];
        const char *val = (const char *)atts[i + 1];
        if (!strcmp(name, "hidden"))
            return true;
        if (val && !strcmp(name, "style") && style_hides(val))
            return true;
    }
    return false;
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    struct builder *b = ((htmlParserCtxtPtr)ctx)->_private;
    ex_doc *d = b->d;
    const struct tag_info *ti;
    struct frame *fr;
    unsigned tag, tf;
    uint32_t id;

    if (b->sp >= EX_MAX_STACK) {
        b->overflow++;
        return;
    }
    fr = &b->stack[b->sp++];
    fr->name = name;
    fr->prev = b->cur;
    fr->skip = 0;
    if (b->skip)
        return;
    {
        size_t slot = ((uintptr_t)name >> 4) & (TAG_CACHE - 1);
        if (b->tags[slot].name == name) {
            ti = b->tags[slot].ti;
        } else {
            ti = tag_lookup((const char *)name);
            b->tags[slot].name = name;
            b->tags[slot].ti = ti;
        }
    }
    tag = ti ? ti->tag : T_OTHER;
    tf = ti ? ti->flags : 0;
    if ((tf & TF_SKIP) || element_hidden(atts)) {
        fr->skip = 1;
        b->skip = b->sp;
        b->capture = CAP_NONE;
        if (tag == T_TITLE && !b->title_done) {
            b->capture = CAP_TITLE;
        } else if (tag == T_SCRIPT) {
            size_t i;
            for (i = 0; atts && atts[i]; i += 2)
                if (!strcmp((const char *)atts[i], "type") && atts[i + 1] &&
                    is_ldjson((const char *)atts[i + 1]))
                    b->capture = CAP_JSONLD;
            if (b->capture == CAP_JSONLD) {
                if (d->n_ld == d->cap_ld) {
                    uint32_t ncap = d->cap_ld ? d->cap_ld * 2 : 4;
                    ex_span *p = realloc(d->ld, ncap * sizeof(*p));
                    if (!p) {
                        stop(b, WC_ERR_NOMEM);
                        return;
                    }
                    d->ld = p;
                    d->cap_ld = ncap;
                }
                d->ld[d->n_ld].off = (uint32_t)d->jsonld.len;
                d->ld[d->n_ld].len = 0;
                d->n_ld++;
            }
        }
        return;
    }
    if (d->nodes[b->cur].depth >= EX_MAX_DEPTH)
        return; /* folded into the deepest kept element */
    id = new_node(b, tag, b->cur);
    if (id == EX_NONE)
        return;
    take_attrs(b, id, atts);
    if (tag == T_BODY && d->body == EX_NONE)
        d->body = id;
    else if (tag == T_HTML && d->html == EX_NONE)
        d->html = id;
    /* void elements too: libxml2 sends an end event for every start */
    b->cur = id;
}

static void pop_frame(struct builder *b)
{
    struct frame *fr = &b->stack[--b->sp];

    b->cur = fr->prev;
    if (fr->skip) {
        if (b->capture == CAP_TITLE)
            b->title_done = true;
        b->skip = 0;
        b->capture = CAP_NONE;
    }
}

static void on_end(void *ctx, const xmlChar *name)
{
    struct builder *b = ((htmlParserCtxtPtr)ctx)->_private;
    uint32_t i, k;

    if (b->overflow) {
        b->overflow--;
        return;
    }
    if (!b->sp)
        return;
    /* libxml2 pairs its events; look a few frames down in case it did not */
    for (k = 0; k < 8 && k < b->sp; k++) {
        const xmlChar *fn = b->stack[b->sp - 1 - k].name;
        if (fn == name || xmlStrEqual(fn, name))
            break;
    }
    if (k == 8 || k == b->sp)
        return;
    for (i = 0; i <= k; i++)
        pop_frame(b);
}

static void on_chars(void *ctx, const xmlChar *ch, int len)
{
    struct builder *b = ((htmlParserCtxtPtr)ctx)->_private;
    ex_doc *d = b->d;

    if (len <= 0)
        return;
    if (b->skip) {
        if (b->capture == CAP_TITLE && d->title.len + (size_t)len <= EX_MAX_TITLE &&
            wc_buf_add(&d->title, ch, (size_t)len))
            stop(b, WC_ERR_NOMEM);
        return;
    }
    add_text(b, ch, (size_t)len);
}

static void on_cdata(void *ctx, const xmlChar *ch, int len)
{
    struct builder *b = ((htmlParserCtxtPtr)ctx)->_private;
    ex_doc *d = b->d;

    if (len <= 0 || !b->skip || b->capture != CAP_JSONLD || !d->n_ld)
        return;
    if (d->jsonld.len + (size_t)len > EX_MAX_JSONLD)
        return;
    if (wc_buf_add(&d->jsonld, ch, (size_t)len)) {
        stop(b, WC_ERR_NOMEM);
        return;
    }
    d->ld[d->n_ld - 1].len += (uint32_t)len;
}

/* Quiet error sink: recovery is the point, messages are not wanted. */
static void on_error(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

wc_status ex_dom_parse(ex_doc *d, const char *utf8, size_t len, wc_error *err)
{
    struct builder b;
    htmlParserCtxtPtr ctxt;
    xmlSAXHandler *sax;
    int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
               HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD;

    memset(&b, 0, sizeof(b));
    b.d = d;
    d->vocab = ex_vocab_cache_new();
    if (!d->vocab)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    b.stack = malloc(EX_MAX_STACK * sizeof(*b.stack));
    if (!b.stack)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    d->body = d->html = EX_NONE;
    b.cur = new_node(&b, T_ROOT, EX_NONE);
    if (b.cur == EX_NONE) {
        free(b.stack);
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    }
    if (len > INT32_MAX) {
        free(b.stack);
        return wc_error_set(err, WC_ERR_LIMIT, "page too large");
    }
    ctxt = htmlCreateMemoryParserCtxt(len ? utf8 : " ", len ? (int)len : 1);
    if (!ctxt) {
        free(b.stack);
        return wc_error_set(err, WC_ERR_NOMEM, "cannot create an HTML parser");
    }
    b.ctxt = ctxt;
    sax = ctxt->sax;
    memset(sax, 0, sizeof(*sax));
    sax->startElement = on_start;
    sax->endElement = on_end;
    sax->characters = on_chars;
    sax->ignorableWhitespace = on_chars;
    sax->cdataBlock = on_cdata;
    sax->serror = on_error;
    sax->initialized = 1;
    ctxt->_private = &b;
    ctxt->userData = ctxt;
    htmlCtxtUseOptions(ctxt, opts);
    xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
    htmlParseDocument(ctxt);
    if (ctxt->myDoc) /* not expected with our handlers, but never leak */
        xmlFreeDoc(ctxt->myDoc);
    ctxt->myDoc = NULL;
    htmlFreeParserCtxt(ctxt);
    free(b.stack);
    if (d->oom)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory while parsing");
    return WC_OK;
}
