/*
 * feed_xml_tree.c - the feed reader's small XML tree: the arena it lives
 * in, and the accessors and serialiser the format readers use.
 *
 * The arena hands out zeroed, aligned pieces of 64 KiB chunks and frees
 * them all at once: a tree of a few hundred thousand nodes costs a few
 * malloc calls, and no node is freed alone. Its ceiling bounds the tree.
 *
 * wc_xml_inner() writes an element's children back out as (X)HTML for
 * content given as markup (Atom type="xhtml", RSS "naked" HTML): text
 * escaped with html.c's wc_html_escape, URL attributes resolved against
 * the xml:base in effect (url.c), void elements self-closed, namespace
 * declarations and xml: attributes left out. The result goes to the
 * sanitizer (sanitize.c), which decides what is kept.
 */
#include "feed_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/url.h"

#include "internal.h"

/* Arena ceiling: the tree of a 32 MiB feed needs well under this. */
#define XML_ARENA_LIMIT ((size_t)512 << 20)

/* --- arena ------------------------------------------------------------- */

struct wc_arena_chunk {
    struct wc_arena_chunk *next;
    size_t used, cap;
    max_align_t data[]; /* aligned storage */
};

#define ARENA_CHUNK ((size_t)64 * 1024)

void *wc_arena_alloc(struct wc_arena *a, size_t n)
{
    struct wc_arena_chunk *c = a->head;
    size_t need = (n + 7) & ~(size_t)7;
    void *p;

    if (n > XML_ARENA_LIMIT)
        return NULL;
    if (!c || c->cap - c->used < need) {
        size_t cap = need > ARENA_CHUNK ? need : ARENA_CHUNK;
        size_t limit = a->limit ? a->limit : XML_ARENA_LIMIT;
        if (a->total + cap > limit)
            return NULL;
        c = malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
        a->total += cap;
    }
    p = (char *)c->data + c->used;
    c->used += need;
    memset(p, 0, n);
    return p;
}

char *wc_arena_strndup(struct wc_arena *a, const char *p, size_t len)
{
    char *s = wc_arena_alloc(a, len + 1);

    if (s) {
        if (len)
            memcpy(s, p, len);
        s[len] = '\0';
    }
    return s;
}

void wc_arena_release(struct wc_arena *a)
{
    struct wc_arena_chunk *c = a->head, *next;

    while (c) {
        next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->total = 0;
}

void wc_xml_bozo(struct xdoc *doc, const char *why)
{
    if (!doc->bozo) {
        doc->bozo = true;
        snprintf(doc->bozo_msg, sizeof(doc->bozo_msg), "%s", why);
    }
}

/* --- tree access ------------------------------------------------------- */

const char *wc_xml_attr(const struct xnode *n, enum xns ns, const char *local)
{
    size_t i;

    for (i = 0; n && i < n->nattrs; i++)
        if (n->attrs[i].ns == ns && !strcmp(n->attrs[i].local, local))
            return n->attrs[i].value;
    return NULL;
}

bool wc_xml_is(const struct xnode *n, unsigned mask, const char *local)
{
    return n && !n->is_text && (mask & XM(n->ns)) && !strcmp(n->local, local);
}

struct xnode *wc_xml_child(const struct xnode *n, unsigned mask, const char *local)
{
    struct xnode *c;

    for (c = n ? n->first : NULL; c; c = c->next)
        if (wc_xml_is(c, mask, local))
            return c;
    return NULL;
}

bool wc_xml_has_elements(const struct xnode *n)
{
    const struct xnode *c;

    for (c = n->first; c; c = c->next)
        if (!c->is_text)
            return true;
    return false;
}

wc_status wc_xml_text(const struct xnode *n, wc_buf *out)
{
    const struct xnode *c = n->first;
    wc_status st = WC_OK;

    /* iterative walk: depth is bounded, but recursion is not needed */
    while (c && !st) {
        if (c->is_text)
            st = wc_buf_add(out, c->text, c->len);
        if (!c->is_text && c->first) {
            c = c->first;
            continue;
        }
        while (c && !c->next && c != n)
            c = c->parent;
        if (!c || c == n)
            break;
        c = c->next;
    }
    return st;
}

static bool is_void_element(const char *name)
{
    static const char *const v[] = {"area",  "base", "br",   "col",   "embed",  "hr",    "img",
                                    "input", "link", "meta", "param", "source", "track", "wbr"};
    size_t i;

    for (i = 0; i < WC_ARRAY_SIZE(v); i++)
        if (!strcmp(name, v[i]))
            return true;
    return false;
}

static bool is_url_attr(const char *name)
{
    return !strcmp(name, "href") || !strcmp(name, "src") || !strcmp(name, "cite") ||
           !strcmp(name, "poster") || !strcmp(name, "longdesc") || !strcmp(name, "data") ||
           !strcmp(name, "action") || !strcmp(name, "background");
}

static wc_status serialize(const struct xnode *n, wc_buf *out, int depth)
{
    const struct xnode *c;
    wc_status st = WC_OK;
    size_t i;

    for (c = n->first; c && !st; c = c->next) {
        if (c->is_text) {
            st = wc_html_escape(out, c->text, c->len, 0);
            continue;
        }
        st = wc_buf_addch(out, '<');
        if (!st)
            st = wc_buf_addstr(out, c->local);
        for (i = 0; i < c->nattrs && !st; i++) {
            const struct xattr *a = &c->attrs[i];
            char *abs = NULL;
            if (!strncmp(a->qname, "xmlns", 5) || a->ns == XNS_XML)
                continue;
            if (a->ns == XNS_NONE && is_url_attr(a->local) && c->base)
                abs = wc_url_resolve(c->base, a->value);
            st = wc_buf_addch(out, ' ');
            if (!st)
                st = wc_buf_addstr(out, a->ns == XNS_NONE ? a->local : a->qname);
            if (!st)
                st = wc_buf_add(out, "=\"", 2);
            if (!st) {
                const char *v = abs ? abs : a->value;
                st = wc_html_escape(out, v, strlen(v), WC_HTML_ESC_QUOT);
            }
            if (!st)
                st = wc_buf_addch(out, '"');
            free(abs);
        }
        if (st)
            break;
        if (is_void_element(c->local)) {
            st = wc_buf_add(out, " />", 3);
            if (!st && c->first && depth < WC_FEED_MAX_DEPTH)
                st = serialize(c, out, depth + 1); /* children of an unclosed <br> follow it */
            continue;
        }
        st = wc_buf_addch(out, '>');
        if (!st && depth < WC_FEED_MAX_DEPTH)
            st = serialize(c, out, depth + 1);
        if (!st)
            st = wc_buf_add(out, "</", 2);
        if (!st)
            st = wc_buf_addstr(out, c->local);
        if (!st)
            st = wc_buf_addch(out, '>');
    }
    return st;
}

wc_status wc_xml_inner(const struct xnode *n, wc_buf *out)
{
    return serialize(n, out, 0);
}
