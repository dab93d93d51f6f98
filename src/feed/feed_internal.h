/*
 * feed_internal.h - what the files of the feed module share and nobody else
 * sees: the tolerant XML reader (feed_xml.c, its charset step in
 * feed_xml_charset.c, the tree and arena in feed_xml_tree.c), the HTML fragment helpers
 * (sanitize.c), the builders of wc_feed (feed.c) and the per-format
 * readers (feed_rss.c, feed_atom.c, feed_json.c).
 *
 * The tree is deliberately small: elements with their namespace already
 * reduced to a known class (RSS, Atom, Dublin Core ... or "other"),
 * attributes, text, and the xml:base and xml:lang in effect. All of it
 * lives in one arena freed at once.
 */
#ifndef WC_FEED_INTERNAL_H
#define WC_FEED_INTERNAL_H

#include "wirecopy/feed.h"
#include "wirecopy/buf.h"
#include "wirecopy/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Cap of a buffer that holds (part of) one document's text after
 * decoding: its UTF-8 is at most 4 times the WC_FEED_MAX_BYTES of input
 * (3 for a byte read as windows-1252, 1.5 for UTF-16), plus room for a
 * few terminators. Every wc_buf of the feed wing is capped by it or by a
 * named multiple of it.
 */
#define WC_FEED_TEXT_CAP (WC_FEED_MAX_BYTES * 4 + 64)

/* --- arena (feed_xml_tree.c) ------------------------------------------------ */

struct wc_arena_chunk;
struct wc_arena {
    struct wc_arena_chunk *head; /* newest chunk first */
    size_t total;                /* bytes allocated from malloc */
    size_t limit;                /* most bytes total may reach */
};

/* n zeroed bytes, 8-aligned; NULL past the limit or on OOM. */
void *wc_arena_alloc(struct wc_arena *a, size_t n);
char *wc_arena_strndup(struct wc_arena *a, const char *p, size_t len);
void wc_arena_release(struct wc_arena *a);

/* --- the XML tree (feed_xml.c) ----------------------------------------- */

/* Namespace classes; unknown URIs are XNS_OTHER, no namespace XNS_NONE. */
enum xns {
    XNS_NONE = 0,
    XNS_OTHER,
    XNS_RSS,     /* userland / harvard RSS 2.0 namespaces: same as none */
    XNS_RSS090,  /* http://my.netscape.com/rdf/simple/0.9/ */
    XNS_RSS10,   /* http://purl.org/rss/1.0/ */
    XNS_ATOM03,  /* http://purl.org/atom/ns# */
    XNS_ATOM10,  /* http://www.w3.org/2005/Atom */
    XNS_RDF,     /* http://www.w3.org/1999/02/22-rdf-syntax-ns# */
    XNS_DC,      /* http://purl.org/dc/elements/1.1/ */
    XNS_DCTERMS, /* http://purl.org/dc/terms/ */
    XNS_CONTENT, /* http://purl.org/rss/1.0/modules/content/ */
    XNS_XHTML,   /* http://www.w3.org/1999/xhtml */
    XNS_MEDIA,   /* http://search.yahoo.com/mrss/ */
    XNS_ITUNES,  /* http://www.itunes.com/dtds/podcast-1.0.dtd */
    XNS_XML,     /* the xml: prefix */
    XNS_OPML     /* no namespace in practice; kept for symmetry */
};

struct xattr {
    const char *qname; /* as written, e.g. "rdf:about" */
    const char *local; /* after the prefix */
    enum xns ns;       /* XNS_NONE for an unprefixed attribute */
    const char *value; /* entity-decoded, blanks normalised */
};

struct xnsdecl {
    const char *prefix; /* "" for the default namespace */
    const char *uri;
    struct xnsdecl *next;
};

struct xnode {
    struct xnode *parent, *first, *last, *next;
    bool is_text;
    /* elements */
    const char *qname;
    const char *local;
    enum xns ns;
    struct xattr *attrs;
    size_t nattrs;
    struct xnsdecl *nsdecls; /* declared on this element */
    const char *base; /* xml:base in effect (resolved), or the document's base; may be NULL */
    const char *lang; /* xml:lang in effect, or NULL */
    /* text */
    const char *text; /* UTF-8, entities decoded */
    size_t len;
};

struct xdoc {
    struct xnode *root; /* the first top-level element, NULL when none */
    struct wc_arena arena;
    char encoding[48]; /* charset used to decode, lower case */
    bool bozo;
    char bozo_msg[160]; /* first problem met */
    size_t n_nodes;
};

/*
 * Decode and parse data[0..len) into doc (which the caller zeroes first
 * and releases with wc_xml_release even on error). content_type may be
 * NULL; base is the document base (Content-Location or URL) or NULL.
 * Never fails on malformed input: bozo is set instead. Errors: NOMEM, LIMIT.
 */
wc_status wc_xml_parse(const char *data, size_t len, const char *content_type, const char *base,
                       struct xdoc *doc, wc_error *err);
void wc_xml_release(struct xdoc *doc);
/* Mark doc as not well-formed with a reason (first one kept; feed_xml_tree.c). */
void wc_xml_bozo(struct xdoc *doc, const char *why);

/* The charset label of a Content-Type ("" when none), lower case, quotes stripped. */
void wc_xml_http_charset(const char *content_type, char *out, size_t outlen);
/*
 * Decide data[0..len)'s charset (BOM, layout, HTTP, declaration, UTF-8,
 * windows-1252) and append the document as UTF-8 to out; fills
 * doc->encoding and bozo (feed_xml_charset.c). WC_ERR_ENCODING when no
 * candidate decodes it; NOMEM, LIMIT.
 */
wc_status wc_xml_decode(const char *data, size_t len, const char *content_type, struct xdoc *doc,
                        wc_buf *out);

/* Tree access (feed_xml_tree.c). Attribute value by namespace class and local name; NULL when
 * absent. */
const char *wc_xml_attr(const struct xnode *n, enum xns ns, const char *local);
/* Is n an element of one of the classes in mask (bit 1 << xns) named local? */
bool wc_xml_is(const struct xnode *n, unsigned mask, const char *local);
/* First child element matching, or NULL. */
struct xnode *wc_xml_child(const struct xnode *n, unsigned mask, const char *local);
/* Does n have element children? */
bool wc_xml_has_elements(const struct xnode *n);
/* Append the concatenated text of n's descendants. */
wc_status wc_xml_text(const struct xnode *n, wc_buf *out);
/* Append n's children serialised as (X)HTML markup; URL attributes made absolute. */
wc_status wc_xml_inner(const struct xnode *n, wc_buf *out);

#define XM(ns) (1u << (ns))
/* Names without namespace, or in an RSS namespace. */
#define XM_RSS (XM(XNS_NONE) | XM(XNS_RSS) | XM(XNS_RSS090) | XM(XNS_RSS10))
#define XM_ATOM (XM(XNS_ATOM03) | XM(XNS_ATOM10))

/* --- HTML fragments (sanitize.c) ----------------------------------------- */

/* Does the text look like HTML markup (a known tag or an entity)? */
bool wc_html_looks_like(const char *p, size_t len);
/*
 * Append a safe, well-formed copy of an HTML fragment: only harmless
 * elements and attributes kept (script/style dropped with their content),
 * stray '<' and '&' escaped, relative href/src/... resolved against base
 * (may be NULL), open elements closed.
 */
wc_status wc_html_sanitize(wc_buf *out, const char *p, size_t len, const char *base);

/* --- building a wc_feed (feed.c) ----------------------------------------- */

/* A text construct after decoding: plain text, or HTML markup. */
struct ftext {
    const char *p; /* UTF-8, borrowed from a buffer of the caller */
    size_t len;
    bool html;
};

/* The document being turned into a wc_feed. */
struct fbuild {
    wc_feed *feed;
    struct xdoc *doc; /* NULL for JSON Feed */
    const char *base; /* document base: Content-Location, else URL; may be NULL */
    const char *http_language;
    wc_buf tmp; /* scratch, reused */
};

/* Set *dst (freeing what was there) to a copy of text as plain text / as an HTML fragment. */
wc_status wc_fb_set_plain(char **dst, const struct ftext *t);
wc_status wc_fb_set_html(char **dst, const struct ftext *t, const char *base);
/* Set *dst to a trimmed copy of p[0..len) (NULL when empty). */
wc_status wc_fb_set_str(char **dst, const char *p, size_t len);
/* Set *dst to ref resolved against base (NULL when ref is empty). */
wc_status wc_fb_set_url(char **dst, const char *base, const char *ref);
/* A new entry at the end (WC_ERR_LIMIT past WC_FEED_MAX_ENTRIES). */
wc_status wc_fb_add_entry(struct fbuild *b, wc_entry **out);
wc_status wc_fb_add_category(wc_entry *e, const char *p, size_t len);
wc_status wc_fb_add_enclosure(wc_entry *e, const char *base, const char *url, const char *type,
                              const char *length);
/* "Name <mail>", "mail (Name)", "Name" -> the display name; appended to out. */
wc_status wc_fb_author_name(wc_buf *out, const char *p, size_t len);
/* Parse a date; WC_FEED_NO_TIME when absent or not a date. */
int64_t wc_fb_date(const char *p, size_t len);

/* Feed lists (feed_text.c): a new empty list; add one URL (resolved against
 * base; not http(s) -> counted as skipped); drop duplicates keeping order. */
wc_status wc_feed_list_new(wc_feed_list **out);
wc_status wc_feed_list_add(wc_feed_list *l, const char *base, const char *url, const char *title,
                           size_t title_len, const char *type);
wc_status wc_feed_list_finish(wc_feed_list *l);

/* Format readers: fill b->feed from the tree. */
wc_status wc_feed_read_rss(struct fbuild *b, const struct xnode *root);
wc_status wc_feed_read_atom(struct fbuild *b, const struct xnode *root);
wc_status wc_feed_read_json(struct fbuild *b, const char *p, size_t len, wc_error *err);

#endif
