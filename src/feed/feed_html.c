/*
 * feed_html.c - feed autodiscovery: which feeds does an HTML page announce?
 *
 * The convention (RSS autodiscovery, RFC 4287's companion practice, the
 * JSON Feed spec): <link rel="alternate" type="application/rss+xml"
 * href="..." title="...">, in <head> normally, anywhere in practice. rel
 * is a space-separated token list matched without case ("alternate
 * feed" counts); type must be a feed type; href resolves against the
 * page's <base href> (itself resolved against the page URL), else the
 * page URL. libxml2's HTML parser reads the page (recovering, no network,
 * no entity loading), so broken markup still yields its links.
 */
#include "feed_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "wirecopy/url.h"

#include "internal.h"

static const char *const feed_types[] = {
    "application/rss+xml",   "application/atom+xml",   "application/feed+json",
    "application/x-rss+xml", "application/x-atom+xml", "application/rdf+xml",
};

static bool is_feed_type(const char *t)
{
    size_t i, n;

    if (!t)
        return false;
    while (*t == ' ')
        t++;
    n = strcspn(t, "; ");
    for (i = 0; i < WC_ARRAY_SIZE(feed_types); i++)
        if (n == strlen(feed_types[i]) && !strncasecmp(t, feed_types[i], n))
            return true;
    return false;
}

static bool has_token(const char *list, const char *tok)
{
    size_t tl = strlen(tok);

    while (list && *list) {
        size_t n;
        while (*list == ' ' || *list == '\t' || *list == '\n')
            list++;
        n = strcspn(list, " \t\n");
        if (n == tl && !strncasecmp(list, tok, n))
            return true;
        list += n;
    }
    return false;
}

static char *prop(xmlNode *n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

/* Next element in document order (pre-order), within the tree under root. */
static xmlNode *next_element(xmlNode *n, xmlNode *root)
{
    if (n->children)
        return n->children;
    while (n && n != root && !n->next)
        n = n->parent;
    return n && n != root ? n->next : NULL;
}

wc_status wc_feed_discover(const char *html, size_t len, const char *page_url, wc_feed_list **out,
                           wc_error *err)
{
    htmlDocPtr doc;
    xmlNode *root, *n;
    wc_feed_list *l = NULL;
    char *base = NULL;
    wc_status st = WC_OK;

    *out = NULL;
    if (len > WC_FEED_MAX_BYTES || len > INT_MAX)
        return wc_error_set(err, WC_ERR_LIMIT, "page of %zu bytes is over the %zu byte cap", len,
                            WC_FEED_MAX_BYTES);
    if (wc_feed_list_new(&l))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    doc = htmlReadMemory(len ? html : "<html></html>", len ? (int)len : 13, page_url, NULL,
                         HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                             HTML_PARSE_NOWARNING | HTML_PARSE_COMPACT);
    if (!doc) {
        *out = l; /* nothing readable: no feeds */
        return WC_OK;
    }
    root = xmlDocGetRootElement(doc);
    /* <base href> first: it applies to the whole document */
    for (n = root; n && !base; n = next_element(n, root)) {
        if (n->type == XML_ELEMENT_NODE && !strcasecmp((const char *)n->name, "base")) {
            char *h = prop(n, "href");
            if (h && *h)
                base = wc_url_resolve(page_url, h);
            xmlFree(h);
        }
    }
    for (n = root; n && !st; n = next_element(n, root)) {
        char *rel, *type, *href, *title;
        if (n->type != XML_ELEMENT_NODE || strcasecmp((const char *)n->name, "link"))
            continue;
        rel = prop(n, "rel");
        type = prop(n, "type");
        href = prop(n, "href");
        title = prop(n, "title");
        if (has_token(rel, "alternate") && is_feed_type(type) && href && *href)
            st = wc_feed_list_add(l, base ? base : page_url, href, title, title ? strlen(title) : 0,
                                  type);
        xmlFree(rel);
        xmlFree(type);
        xmlFree(href);
        xmlFree(title);
    }
    if (!st)
        st = wc_feed_list_finish(l);
    free(base);
    xmlFreeDoc(doc);
    if (st) {
        wc_feed_list_free(l);
        return wc_error_set(err, st, "cannot list the feeds of '%s': %s",
                            page_url ? page_url : "<page>", wc_strerror(st));
    }
    *out = l;
    return WC_OK;
}
