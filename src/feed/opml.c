/*
 * opml.c - OPML 1.0/2.0 subscription lists to feed URLs.
 *
 * OPML is what feed readers export: <opml><body> holds <outline>
 * elements, nested to any depth as folders, and an outline that is a
 * subscription carries xmlUrl (and title or text, htmlUrl, type). Every
 * outline with an xmlUrl counts, whatever its depth or type says; folders
 * are only walked. The document goes through the same forgiving XML
 * reader as feeds (feed_xml.c), so exported files with bare '&' in
 * titles or a wrong encoding declaration still load. Attribute names are
 * matched without regard to case ("xmlurl" is common in hand-made files).
 *
 * Depth is bounded by the reader (WC_FEED_MAX_DEPTH); the walk is
 * iterative, so deep nesting costs no stack.
 */
#include "feed_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* An attribute by name, any case, any namespace. */
static const char *attr_ci(const struct xnode *n, const char *name)
{
    size_t i;

    for (i = 0; i < n->nattrs; i++)
        if (!strcasecmp(n->attrs[i].local, name))
            return n->attrs[i].value;
    return NULL;
}

static bool is_outline(const struct xnode *n)
{
    return !n->is_text && !strcasecmp(n->local, "outline");
}

/* Is there an outline with an xmlUrl anywhere below n? (a broken document: is anything left) */
static bool has_outline(const struct xnode *n)
{
    for (const struct xnode *c = n ? n->first : NULL; c; c = c->next) {
        if (c->is_text)
            continue;
        if (is_outline(c) && attr_ci(c, "xmlUrl") && *attr_ci(c, "xmlUrl"))
            return true;
        if (has_outline(c))
            return true;
    }
    return false;
}

wc_status wc_opml_parse(const char *p, size_t len, const char *base_url, wc_feed_list **out,
                        wc_error *err)
{
    struct xdoc doc;
    const struct xnode *body, *n;
    wc_feed_list *l = NULL;
    wc_status st;

    *out = NULL;
    memset(&doc, 0, sizeof(doc));
    st = wc_xml_parse(p, len, NULL, base_url, &doc, err);
    if (st)
        goto out;
    if (doc.bozo && !has_outline(doc.root)) {
        st = wc_error_set(err, WC_ERR_PARSE, "malformed OPML, no feed in what could be read: %s",
                          doc.bozo_msg);
        goto out;
    }
    if (!doc.root || strcasecmp(doc.root->local, "opml")) {
        st = wc_error_set(err, WC_ERR_PARSE, "not an OPML document: root element is %s%.60s%s",
                          doc.root ? "<" : "", doc.root ? doc.root->qname : "missing",
                          doc.root ? ">" : "");
        goto out;
    }
    if (wc_feed_list_new(&l)) {
        st = wc_error_set(err, WC_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (body = doc.root->first; body; body = body->next)
        if (!body->is_text && !strcasecmp(body->local, "body"))
            break;
    /* pre-order walk over the outlines under <body> */
    n = body ? body->first : NULL;
    while (n && !st) {
        if (is_outline(n)) {
            const char *url = attr_ci(n, "xmlUrl");
            if (url && *url) {
                const char *title = attr_ci(n, "title");
                if (!title || !*title)
                    title = attr_ci(n, "text");
                st = wc_feed_list_add(l, n->base, url, title, title ? strlen(title) : 0,
                                      attr_ci(n, "type"));
            } else if (!n->first) {
                l->skipped++; /* an outline that is neither feed nor folder */
            }
            if (!st && n->first) {
                n = n->first;
                continue;
            }
        }
        while (n && !n->next && n != body)
            n = n->parent;
        if (!n || n == body)
            break;
        n = n->next;
    }
    if (st == WC_ERR_LIMIT) {
        st = wc_error_set(err, st, "OPML list has more than %d feeds", WC_FEED_MAX_LIST);
        goto out;
    }
    if (!st)
        st = wc_feed_list_finish(l);
    if (st) {
        st = wc_error_set(err, st, "out of memory");
        goto out;
    }
    *out = l;
    l = NULL;
out:
    wc_feed_list_free(l);
    wc_xml_release(&doc);
    return st;
}
