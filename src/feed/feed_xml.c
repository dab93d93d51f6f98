/*
 * feed_xml.c - a forgiving XML reader for feeds: bytes in, a small tree out.
 *
 * Why not libxml2's parser? Because feeds break XML in ways that a
 * recovering XML parser handles by dropping text: HTML entities with no
 * DTD (&nbsp; &eacute;), bare ampersands ("AT&T"), unescaped '<' ("1 < 2"),
 * unclosed HTML inside <description>, attributes without quotes, documents
 * cut off mid-way. Feed readers that users trust (feedparser's "loose"
 * mode, browsers) keep that text, so this reader does too, in one pass:
 *
 *  1. Charset (RFC 7303 / RFC 3023 as feed readers apply them; in
 *     feed_xml_charset.c): a BOM, the layout of "<?", the HTTP charset,
 *     the XML declaration, then UTF-8 and windows-1252, each tried in
 *     turn through charset.c; the result is always valid UTF-8.
 *  2. A tokenizer over the UTF-8 text that builds elements, attributes and
 *     text. Entities: the five XML ones, numeric references, the HTML 4
 *     names (bozo, since XML without a DTD has none of them), and the
 *     internal general entities of the document's own DTD, expanded with
 *     a depth and byte budget (billion laughs stops at the budget). External
 *     entities are never loaded, whatever they point at (no XXE).
 *     A stray '&' or '<' is text. An end tag closes the nearest open
 *     element of that name and everything opened inside it; an end tag
 *     with no open element is dropped. At the end of input every open
 *     element is closed (a truncated feed keeps its complete entries).
 *  3. Namespaces: each element's namespace URI is reduced to a class
 *     (RSS, Atom, Dublin Core ...) so that the format readers match names
 *     without caring which prefix a feed chose. An undeclared prefix that
 *     is conventional ("dc:", "content:") is read as its usual namespace.
 *  4. xml:base and xml:lang are resolved on the way down, so each element
 *     knows the base its relative links resolve against (RFC 3986 and
 *     XML Base: a nested base resolves against its parent's).
 *
 * The tree, its arena and its serialiser live in feed_xml_tree.c.
 *
 * Entities are XML's job here, not html.c's: the five predefined ones,
 * the document's own DTD entities and numeric references follow XML's
 * rules (a control character is dropped and reported, a reference
 * without ';' is read but reported); only the HTML 4 names come from
 * html.c's wc_html_entity, the one table of them in the project.
 *
 * Caps: the arena (so the tree) is bounded, nesting past WC_FEED_MAX_DEPTH
 * is flattened, and node count is bounded; past a cap the rest of the
 * document is dropped and bozo says why.
 */
#include "feed_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/url.h"

#include "internal.h"

/* Elements and text nodes in one document. */
#define XML_MAX_NODES 2000000
/* DTD entities: how many are kept, how long each may be, how much they may expand in all. */
#define XML_MAX_ENTITIES 256
#define XML_MAX_ENTITY_VALUE 8192
#define XML_ENTITY_BUDGET ((size_t)1 << 20)
#define XML_ENTITY_DEPTH 4
/* Attributes on one element. */
#define XML_MAX_ATTRS 256

/* --- namespaces -------------------------------------------------------- */

struct ns_uri {
    const char *uri;
    enum xns ns;
};

static const struct ns_uri ns_uris[] = {
    {"http://purl.org/rss/1.0/", XNS_RSS10},
    {"http://my.netscape.com/rdf/simple/0.9/", XNS_RSS090},
    {"http://backend.userland.com/rss2", XNS_RSS},
    {"http://backend.userland.com/rss", XNS_RSS},
    {"http://blogs.law.harvard.edu/tech/rss", XNS_RSS},
    {"http://purl.org/net/rss1.1#", XNS_RSS10},
    {"http://www.w3.org/2005/Atom", XNS_ATOM10},
    {"http://purl.org/atom/ns#", XNS_ATOM03},
    {"http://www.w3.org/1999/02/22-rdf-syntax-ns#", XNS_RDF},
    {"http://purl.org/dc/elements/1.1/", XNS_DC},
    {"http://purl.org/dc/elements/1.0/", XNS_DC},
    {"http://purl.org/dc/terms/", XNS_DCTERMS},
    {"http://purl.org/rss/1.0/modules/content/", XNS_CONTENT},
    {"http://www.w3.org/1999/xhtml", XNS_XHTML},
    {"http://search.yahoo.com/mrss/", XNS_MEDIA},
    {"http://www.itunes.com/dtds/podcast-1.0.dtd", XNS_ITUNES},
    {"http://www.w3.org/XML/1998/namespace", XNS_XML},
};

static const struct ns_uri ns_prefixes[] = {
    {"dc", XNS_DC},       {"dcterms", XNS_DCTERMS}, {"content", XNS_CONTENT},
    {"atom", XNS_ATOM10}, {"rdf", XNS_RDF},         {"xhtml", XNS_XHTML},
    {"media", XNS_MEDIA}, {"itunes", XNS_ITUNES},   {"xml", XNS_XML},
};

/* Compare URIs ignoring case and a trailing '/' or '#' on either side. */
static bool uri_eq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i;

    while (la && (a[la - 1] == '/' || a[la - 1] == '#' || a[la - 1] == ' '))
        la--;
    while (lb && (b[lb - 1] == '/' || b[lb - 1] == '#'))
        lb--;
    if (la != lb)
        return false;
    for (i = 0; i < la; i++)
        if (wc_ascii_lower(a[i]) != wc_ascii_lower(b[i]))
            return false;
    return true;
}

static enum xns ns_class(const char *uri)
{
    size_t i;

    if (!uri || !*uri)
        return XNS_NONE;
    for (i = 0; i < WC_ARRAY_SIZE(ns_uris); i++)
        if (uri_eq(uri, ns_uris[i].uri))
            return ns_uris[i].ns;
    return XNS_OTHER;
}

/* The namespace class of prefix (len bytes; 0 = default) as seen from element n. */
static enum xns resolve_prefix(const struct xnode *n, const char *prefix, size_t plen)
{
    const struct xnode *e;
    const struct xnsdecl *d;
    size_t i;

    if (plen == 3 && !memcmp(prefix, "xml", 3))
        return XNS_XML;
    for (e = n; e; e = e->parent)
        for (d = e->nsdecls; d; d = d->next)
            if (strlen(d->prefix) == plen && !memcmp(d->prefix, prefix, plen))
                return ns_class(d->uri);
    if (!plen)
        return XNS_NONE;
    for (i = 0; i < WC_ARRAY_SIZE(ns_prefixes); i++)
        if (strlen(ns_prefixes[i].uri) == plen && !memcmp(ns_prefixes[i].uri, prefix, plen))
            return ns_prefixes[i].ns;
    return XNS_OTHER;
}

/* --- tokenizer --------------------------------------------------------- */

struct dtd_entity {
    const char *name;
    const char *value; /* raw replacement text */
};

struct parser {
    const char *s; /* decoded UTF-8 */
    size_t n, i;
    struct xdoc *doc;
    struct xnode *cur; /* innermost open element, NULL at document level */
    int depth;
    const char *base; /* document base */
    wc_buf text;      /* pending character data */
    wc_buf scratch;
    struct dtd_entity ents[XML_MAX_ENTITIES];
    size_t nents;
    size_t ent_budget; /* bytes of entity expansion still allowed */
    bool done;         /* root closed or a cap reached */
    wc_status st;      /* first hard error (NOMEM) */
};

static bool is_name_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static bool is_name_char(unsigned char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static void fail(struct parser *ps, wc_status st)
{
    if (!ps->st)
        ps->st = st;
    ps->done = true;
}

/* Append code point cp as UTF-8, dropping what XML forbids. */
static void add_cp(struct parser *ps, wc_buf *out, uint32_t cp)
{
    char u[4];
    size_t n;

    if (cp == 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')) {
        wc_xml_bozo(ps->doc, "control character in text");
        return;
    }
    n = wc_utf8_encode(cp, u);
    if (wc_buf_add(out, u, n))
        fail(ps, WC_ERR_NOMEM);
}

static void decode_into(struct parser *ps, wc_buf *out, const char *p, size_t len, int depth);

/*
 * An entity reference at p[0] == '&'. Appends its replacement and returns
 * the bytes consumed; a '&' that starts no reference is kept as text.
 */
static size_t entity(struct parser *ps, wc_buf *out, const char *p, size_t len, int depth)
{
    size_t i = 1, k;
    uint32_t cp = 0;

    if (i < len && p[i] == '#') {
        uint64_t v = 0;
        k = wc_html_numref(p, len, &v); /* 0: no digits */
        if (k && k < len && p[k] == ';') {
            cp = v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) ? 0xFFFD : (uint32_t)v;
            add_cp(ps, out, cp);
            return k + 1;
        }
        if (k) { /* "&#38" without ';': HTML reads it, so do we */
            wc_xml_bozo(ps->doc, "character reference without ';'");
            add_cp(ps, out, v > 0x10FFFF ? 0xFFFD : (uint32_t)v);
            return k;
        }
    } else {
        size_t s = i;
        for (k = s; k < len && k - s < 40 && is_name_char((unsigned char)p[k]); k++)
            ;
        if (k > s && k < len && p[k] == ';') {
            const char *name = p + s;
            size_t nlen = k - s, e;
            for (e = 0; e < ps->nents; e++) {
                if (strlen(ps->ents[e].name) == nlen && !memcmp(ps->ents[e].name, name, nlen)) {
                    size_t vlen = strlen(ps->ents[e].value);
                    if (depth >= XML_ENTITY_DEPTH || vlen > ps->ent_budget) {
                        wc_xml_bozo(ps->doc, "entity expansion limit reached");
                        return k + 1; /* dropped */
                    }
                    ps->ent_budget -= vlen;
                    decode_into(ps, out, ps->ents[e].value, vlen, depth + 1);
                    return k + 1;
                }
            }
            if (nlen == 2 && !memcmp(name, "lt", 2))
                cp = '<';
            else if (nlen == 2 && !memcmp(name, "gt", 2))
                cp = '>';
            else if (nlen == 3 && !memcmp(name, "amp", 3))
                cp = '&';
            else if (nlen == 4 && !memcmp(name, "quot", 4))
                cp = '"';
            else if (nlen == 4 && !memcmp(name, "apos", 4))
                cp = '\'';
            else if (wc_html_entity(name, nlen, &cp))
                wc_xml_bozo(ps->doc, "undefined entity (HTML name without a DTD)");
            if (cp) {
                add_cp(ps, out, cp);
                return k + 1;
            }
            /* unknown name: keep it as written */
            wc_xml_bozo(ps->doc, "undefined entity");
            if (wc_buf_add(out, p, k + 1))
                fail(ps, WC_ERR_NOMEM);
            return k + 1;
        }
    }
    wc_xml_bozo(ps->doc, "bare '&' in text");
    if (wc_buf_addch(out, '&'))
        fail(ps, WC_ERR_NOMEM);
    return 1;
}

/* Decode character data p[0..len) (entities, control characters) into out. */
static void decode_into(struct parser *ps, wc_buf *out, const char *p, size_t len, int depth)
{
    size_t i = 0;

    while (i < len && !ps->st) {
        const char *amp = memchr(p + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - p) : len, k, s = i;
        for (k = i; k < end; k++) {
            unsigned char c = (unsigned char)p[k];
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                if (wc_buf_add(out, p + s, k - s))
                    fail(ps, WC_ERR_NOMEM);
                s = k + 1;
                wc_xml_bozo(ps->doc, "control character in text");
            }
        }
        if (wc_buf_add(out, p + s, end - s))
            fail(ps, WC_ERR_NOMEM);
        i = end;
        if (amp)
            i += entity(ps, out, p + i, len - i, depth);
    }
}

static struct xnode *new_node(struct parser *ps)
{
    struct xnode *n;

    if (ps->doc->n_nodes >= XML_MAX_NODES) {
        wc_xml_bozo(ps->doc, "too many elements: rest of the document dropped");
        ps->done = true;
        return NULL;
    }
    n = wc_arena_alloc(&ps->doc->arena, sizeof(*n));
    if (!n) {
        wc_xml_bozo(ps->doc, "document too large: rest dropped");
        fail(ps, WC_ERR_LIMIT);
        return NULL;
    }
    ps->doc->n_nodes++;
    return n;
}

static void append_child(struct xnode *parent, struct xnode *n)
{
    n->parent = parent;
    if (parent->last)
        parent->last->next = n;
    else
        parent->first = n;
    parent->last = n;
}

/* Turn pending character data into a text node of the current element. */
static void flush_text(struct parser *ps)
{
    struct xnode *n;
    size_t i;

    if (!ps->text.len)
        return;
    if (!ps->cur) {
        for (i = 0; i < ps->text.len; i++)
            if (!wc_xml_space(ps->text.buf[i])) {
                wc_xml_bozo(ps->doc, "text outside the root element");
                break;
            }
        wc_buf_reset(&ps->text);
        return;
    }
    n = new_node(ps);
    if (n) {
        n->is_text = true;
        n->text = wc_arena_strndup(&ps->doc->arena, ps->text.buf, ps->text.len);
        n->len = ps->text.len;
        if (!n->text)
            fail(ps, WC_ERR_LIMIT);
        else
            append_child(ps->cur, n);
    }
    wc_buf_reset(&ps->text);
}

/* Find s[i..) "end" marker; returns its index or n. */
static size_t find(const struct parser *ps, size_t from, const char *marker)
{
    size_t ml = strlen(marker);
    const char *p = ps->s + from, *e = ps->s + ps->n;

    while (p + ml <= e) {
        const char *q = memchr(p, marker[0], (size_t)(e - p));
        if (!q || q + ml > e)
            break;
        if (!memcmp(q, marker, ml))
            return (size_t)(q - ps->s);
        p = q + 1;
    }
    return ps->n;
}

/* <!DOCTYPE ...>: keep internal general entities, skip everything else. */
static void doctype(struct parser *ps)
{
    size_t i = ps->i + 9, n = ps->n;
    const char *s = ps->s;
    char q = 0;
    int bracket = 0;

    for (; i < n; i++) {
        char c = s[i];
        if (q) {
            if (c == q)
                q = 0;
            continue;
        }
        if (c == '"' || c == '\'') {
            q = c;
        } else if (c == '[') {
            bracket++;
        } else if (c == ']') {
            bracket--;
        } else if (c == '>' && bracket <= 0) {
            break;
        } else if (bracket > 0 && c == '<' && i + 4 <= n && !memcmp(s + i, "<!--", 4)) {
            size_t e = find(ps, i + 4, "-->");
            i = e + 2;
        } else if (bracket > 0 && c == '<' && i + 8 < n && !memcmp(s + i, "<!ENTITY", 8)) {
            size_t j = i + 8, ns, ne;
            bool param = false;
            while (j < n && wc_xml_space(s[j]))
                j++;
            if (j < n && s[j] == '%') {
                param = true;
                j++;
                while (j < n && wc_xml_space(s[j]))
                    j++;
            }
            ns = j;
            while (j < n && is_name_char((unsigned char)s[j]))
                j++;
            ne = j;
            while (j < n && wc_xml_space(s[j]))
                j++;
            if (j < n && (s[j] == '"' || s[j] == '\'') && !param && ne > ns &&
                ps->nents < XML_MAX_ENTITIES) {
                char qq = s[j];
                const char *vend = memchr(s + j + 1, qq, n - j - 1);
                if (vend && (size_t)(vend - (s + j + 1)) <= XML_MAX_ENTITY_VALUE) {
                    struct dtd_entity *de = &ps->ents[ps->nents];
                    de->name = wc_arena_strndup(&ps->doc->arena, s + ns, ne - ns);
                    de->value =
                        wc_arena_strndup(&ps->doc->arena, s + j + 1, (size_t)(vend - (s + j + 1)));
                    if (de->name && de->value)
                        ps->nents++;
                }
            } else if (!param && ne > ns && ps->nents < XML_MAX_ENTITIES &&
                       (wc_mem_istarts(s + j, n - j, "SYSTEM") ||
                        wc_mem_istarts(s + j, n - j, "PUBLIC"))) {
                /* external: never loaded (no XXE); its references expand to nothing */
                struct dtd_entity *de = &ps->ents[ps->nents];
                de->name = wc_arena_strndup(&ps->doc->arena, s + ns, ne - ns);
                de->value = "";
                if (de->name)
                    ps->nents++;
            }
            /* parameter entities are never loaded either */
            i = j - 1;
        }
    }
    ps->i = i < n ? i + 1 : n;
}

static const char *lang_of(const struct xnode *n)
{
    size_t i;

    for (i = 0; i < n->nattrs; i++)
        if (n->attrs[i].ns == XNS_XML && !strcmp(n->attrs[i].local, "lang"))
            return n->attrs[i].value;
    return n->parent ? n->parent->lang : NULL;
}

static void set_base(struct parser *ps, struct xnode *n)
{
    const char *parent = n->parent ? n->parent->base : ps->base;
    size_t i;

    n->base = parent;
    for (i = 0; i < n->nattrs; i++) {
        if (n->attrs[i].ns == XNS_XML && !strcmp(n->attrs[i].local, "base")) {
            char *r = wc_url_resolve(parent, n->attrs[i].value);
            if (r) {
                n->base = wc_arena_strndup(&ps->doc->arena, r, strlen(r));
                free(r);
            }
        }
    }
}

/* Split "p:local" and return the local part; *plen = prefix length (0 = none). */
static const char *split_qname(const char *q, size_t *plen)
{
    const char *c = strchr(q, ':');

    if (!c || c == q || !c[1]) {
        *plen = 0;
        return q;
    }
    *plen = (size_t)(c - q);
    return c + 1;
}

/* A start tag at s[i] == '<' followed by a name start character. */
static void start_tag(struct parser *ps)
{
    const char *s = ps->s;
    size_t n = ps->n, i = ps->i + 1, ns = i, k;
    struct xattr attrs[XML_MAX_ATTRS];
    size_t nattrs = 0, plen;
    bool self_close = false;
    struct xnode *el;
    char *qname;

    while (i < n && is_name_char((unsigned char)s[i]))
        i++;
    qname = wc_arena_strndup(&ps->doc->arena, s + ns, i - ns);
    if (!qname) {
        fail(ps, WC_ERR_LIMIT);
        return;
    }
    for (;;) {
        size_t as, ae;
        while (i < n && wc_xml_space(s[i]))
            i++;
        if (i >= n) {
            wc_xml_bozo(ps->doc, "document ends inside a tag");
            break;
        }
        if (s[i] == '>') {
            i++;
            break;
        }
        if (s[i] == '/' && i + 1 < n && s[i + 1] == '>') {
            self_close = true;
            i += 2;
            break;
        }
        if (s[i] == '<') {
            wc_xml_bozo(ps->doc, "tag not closed with '>'");
            break;
        }
        as = i;
        while (i < n && !wc_xml_space(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '<' &&
               !(s[i] == '/' && i + 1 < n && s[i + 1] == '>'))
            i++;
        ae = i;
        if (ae == as) {
            wc_xml_bozo(ps->doc, "junk inside a tag");
            i++;
            continue;
        }
        while (i < n && wc_xml_space(s[i]))
            i++;
        wc_buf_reset(&ps->scratch);
        if (i < n && s[i] == '=') {
            size_t vs, ve;
            i++;
            while (i < n && wc_xml_space(s[i]))
                i++;
            if (i < n && (s[i] == '"' || s[i] == '\'')) {
                char q = s[i++];
                const char *e = memchr(s + i, q, n - i);
                vs = i;
                ve = e ? (size_t)(e - s) : n;
                i = e ? ve + 1 : n;
                if (!e)
                    wc_xml_bozo(ps->doc, "attribute value not closed");
            } else {
                vs = i;
                while (i < n && !wc_xml_space(s[i]) && s[i] != '>')
                    i++;
                ve = i;
                wc_xml_bozo(ps->doc, "attribute value without quotes");
            }
            decode_into(ps, &ps->scratch, s + vs, ve - vs, 0);
            for (k = 0; k < ps->scratch.len; k++)
                if (ps->scratch.buf[k] == '\t' || ps->scratch.buf[k] == '\n' ||
                    ps->scratch.buf[k] == '\r')
                    ps->scratch.buf[k] = ' ';
        } else {
            wc_xml_bozo(ps->doc, "attribute without a value");
        }
        if (nattrs < XML_MAX_ATTRS) {
            struct xattr *a = &attrs[nattrs];
            a->qname = wc_arena_strndup(&ps->doc->arena, s + as, ae - as);
            a->value = wc_arena_strndup(&ps->doc->arena, ps->scratch.buf, ps->scratch.len);
            if (!a->qname || !a->value) {
                fail(ps, WC_ERR_LIMIT);
                return;
            }
            nattrs++;
        }
    }
    ps->i = i;
    if (ps->st)
        return;
    if (ps->depth >= WC_FEED_MAX_DEPTH) {
        wc_xml_bozo(ps->doc, "elements nested too deep: flattened");
        return;
    }
    el = new_node(ps);
    if (!el)
        return;
    el->qname = qname;
    if (nattrs) {
        el->attrs = wc_arena_alloc(&ps->doc->arena, nattrs * sizeof(*el->attrs));
        if (!el->attrs) {
            fail(ps, WC_ERR_LIMIT);
            return;
        }
        memcpy(el->attrs, attrs, nattrs * sizeof(*el->attrs));
        el->nattrs = nattrs;
    }
    if (ps->cur) {
        append_child(ps->cur, el);
    } else if (!ps->doc->root) {
        ps->doc->root = el;
    } else {
        wc_xml_bozo(ps->doc, "more than one root element");
        ps->done = true;
        return;
    }
    /* namespace declarations first, then names */
    for (k = 0; k < el->nattrs; k++) {
        const char *q = el->attrs[k].qname;
        if (!strcmp(q, "xmlns") || !strncmp(q, "xmlns:", 6)) {
            struct xnsdecl *d = wc_arena_alloc(&ps->doc->arena, sizeof(*d));
            if (!d) {
                fail(ps, WC_ERR_LIMIT);
                return;
            }
            d->prefix = q[5] ? q + 6 : "";
            d->uri = el->attrs[k].value;
            d->next = el->nsdecls;
            el->nsdecls = d;
        }
    }
    el->local = split_qname(qname, &plen);
    el->ns = resolve_prefix(el, qname, plen);
    for (k = 0; k < el->nattrs; k++) {
        struct xattr *a = &el->attrs[k];
        a->local = split_qname(a->qname, &plen);
        if (!strncmp(a->qname, "xmlns", 5))
            a->ns = XNS_OTHER;
        else
            a->ns = plen ? resolve_prefix(el, a->qname, plen) : XNS_NONE;
    }
    set_base(ps, el);
    el->lang = lang_of(el);
    if (!self_close) {
        ps->cur = el;
        ps->depth++;
    } else if (el == ps->doc->root) {
        ps->done = true;
    }
}

static void end_tag(struct parser *ps)
{
    const char *s = ps->s;
    size_t i = ps->i + 2, ns = i, nlen;
    struct xnode *e;
    const char *gt;

    while (i < ps->n && is_name_char((unsigned char)s[i]))
        i++;
    nlen = i - ns;
    gt = memchr(s + i, '>', ps->n - i);
    ps->i = gt ? (size_t)(gt - s) + 1 : ps->n;
    if (!gt)
        wc_xml_bozo(ps->doc, "document ends inside an end tag");
    for (e = ps->cur; e; e = e->parent)
        if (strlen(e->qname) == nlen && !memcmp(e->qname, s + ns, nlen))
            break;
    if (!e) {
        wc_xml_bozo(ps->doc, "end tag without a start tag");
        return;
    }
    if (e != ps->cur)
        wc_xml_bozo(ps->doc, "elements not closed before their parent");
    while (ps->cur != e) {
        ps->cur = ps->cur->parent;
        ps->depth--;
    }
    ps->cur = e->parent;
    ps->depth--;
    if (!ps->cur)
        ps->done = true; /* the root is closed: what follows is not the feed */
}

static void run(struct parser *ps)
{
    const char *s = ps->s;
    size_t n = ps->n;

    while (ps->i < n && !ps->done) {
        const char *lt = memchr(s + ps->i, '<', n - ps->i);
        size_t t = lt ? (size_t)(lt - s) : n;

        if (t > ps->i) {
            if (ps->cur)
                decode_into(ps, &ps->text, s + ps->i, t - ps->i, 0);
            else if (!ps->doc->root) {
                size_t k;
                for (k = ps->i; k < t; k++)
                    if (!wc_xml_space(s[k])) {
                        wc_xml_bozo(ps->doc, "junk before the root element");
                        break;
                    }
            }
            ps->i = t;
        }
        if (t >= n)
            break;
        if (t + 1 >= n) {
            if (wc_buf_addch(&ps->text, '<'))
                fail(ps, WC_ERR_NOMEM);
            ps->i = n;
            break;
        }
        if (!strncmp(s + t, "<![CDATA[", WC_MIN(9, n - t)) && n - t >= 9) {
            size_t e = find(ps, t + 9, "]]>");
            if (ps->cur && wc_buf_add(&ps->text, s + t + 9, e - (t + 9)))
                fail(ps, WC_ERR_NOMEM);
            if (e >= n)
                wc_xml_bozo(ps->doc, "CDATA section not closed");
            ps->i = e >= n ? n : e + 3;
        } else if (n - t >= 4 && !memcmp(s + t, "<!--", 4)) {
            size_t e = find(ps, t + 4, "-->");
            ps->i = e >= n ? n : e + 3;
        } else if (n - t >= 9 && wc_mem_istarts(s + t, n - t, "<!DOCTYPE")) {
            flush_text(ps);
            ps->i = t;
            doctype(ps);
        } else if (s[t + 1] == '!' || s[t + 1] == '?') {
            size_t e = find(ps, t + 2, s[t + 1] == '?' ? "?>" : ">");
            ps->i = e >= n ? n : e + (s[t + 1] == '?' ? 2 : 1);
        } else if (s[t + 1] == '/' && t + 2 < n && is_name_start((unsigned char)s[t + 2])) {
            flush_text(ps);
            ps->i = t;
            end_tag(ps);
        } else if (is_name_start((unsigned char)s[t + 1])) {
            flush_text(ps);
            ps->i = t;
            start_tag(ps);
        } else {
            /* "1 < 2": a '<' that opens nothing is text */
            wc_xml_bozo(ps->doc, "bare '<' in text");
            if (ps->cur && wc_buf_addch(&ps->text, '<'))
                fail(ps, WC_ERR_NOMEM);
            ps->i = t + 1;
        }
    }
    flush_text(ps);
    if (ps->cur) {
        wc_xml_bozo(ps->doc, "document ends before its elements are closed");
        ps->cur = NULL;
    }
}

wc_status wc_xml_parse(const char *data, size_t len, const char *content_type, const char *base,
                       struct xdoc *doc, wc_error *err)
{
    struct parser *ps;
    wc_buf text;
    wc_status st;

    if (len > WC_FEED_MAX_BYTES)
        return wc_error_set(err, WC_ERR_LIMIT, "feed of %zu bytes is over the %zu byte cap", len,
                            WC_FEED_MAX_BYTES);
    wc_buf_init(&text, WC_FEED_TEXT_CAP);
    st = wc_xml_decode(data, len, content_type, doc, &text);
    if (st == WC_ERR_NOMEM || st == WC_ERR_LIMIT) {
        wc_buf_release(&text);
        return wc_error_set(err, st, "cannot decode the document: %s", wc_strerror(st));
    }
    if (st) { /* no charset worked: read it as UTF-8 with replacements */
        wc_buf_reset(&text);
        st = wc_utf8_repair(&text, data, len, WC_UTF8_KEEP_CONTROLS, NULL);
        snprintf(doc->encoding, sizeof(doc->encoding), "utf-8");
        if (st) {
            wc_buf_release(&text);
            return wc_error_set(err, st, "cannot decode the document");
        }
    }
    ps = calloc(1, sizeof(*ps));
    if (!ps) {
        wc_buf_release(&text);
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    }
    ps->s = text.buf;
    ps->n = text.len;
    if (ps->n >= 3 && !memcmp(ps->s, "\xEF\xBB\xBF", 3))
        ps->i = 3; /* a BOM that survived conversion */
    ps->doc = doc;
    ps->base = base && *base ? wc_arena_strndup(&doc->arena, base, strlen(base)) : NULL;
    ps->ent_budget = XML_ENTITY_BUDGET;
    wc_buf_init(&ps->text, WC_FEED_TEXT_CAP);
    wc_buf_init(&ps->scratch, WC_FEED_TEXT_CAP);
    run(ps);
    st = ps->st;
    wc_buf_release(&ps->text);
    wc_buf_release(&ps->scratch);
    free(ps);
    wc_buf_release(&text);
    if (st == WC_ERR_LIMIT && doc->root) /* keep what fitted */
        st = WC_OK;
    if (st)
        return wc_error_set(err, st, "cannot parse the document: %s", wc_strerror(st));
    return WC_OK;
}

void wc_xml_release(struct xdoc *doc)
{
    wc_arena_release(&doc->arena);
    doc->root = NULL;
}
