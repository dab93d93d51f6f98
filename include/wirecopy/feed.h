/*
 * feed.h - news feeds in, entries out; feed lists in, feed URLs out.
 *
 * wc_feed_parse() reads RSS 0.9x, RSS 1.0 (RDF), RSS 2.0, Atom 0.3 and
 * 1.0 and JSON Feed 1/1.1 from the bytes a server sent, with the URL and
 * headers they came with, into one wc_feed with its wc_entry[]. It is
 * tolerant the way real feeds need (HTML entities without a DTD, bare
 * ampersands, truncation, wrong encodings): what can be recovered is, and
 * `bozo` says the document was not clean. It does no network I/O and
 * never loads external entities.
 *
 * Feed lists: OPML (nested outlines) and plain text (one URL a line)
 * become a wc_feed_list; wc_feed_discover() finds the feeds an HTML page
 * links to with <link rel="alternate">.
 *
 * Everything is thread-safe; nothing keeps global state.
 */
#ifndef WIRECOPY_FEED_H
#define WIRECOPY_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/error.h"

/* Caps on one document; each is far above what a real feed needs. */
#define WC_FEED_MAX_BYTES ((size_t)32 << 20) /* 32 MiB of input */
#define WC_FEED_MAX_ENTRIES 20000            /* entries kept; later ones are dropped (bozo) */
#define WC_FEED_MAX_DEPTH 256                /* element nesting; deeper tags are flattened */
#define WC_FEED_MAX_LIST 100000              /* URLs in one OPML or text list */

/* No time known: times are seconds since the Unix epoch, UTC. */
#define WC_FEED_NO_TIME INT64_MIN

typedef enum wc_feed_format {
    WC_FEED_UNKNOWN = 0,
    WC_FEED_RSS,  /* <rss> 0.91-2.0, or a bare <channel> */
    WC_FEED_RDF,  /* RDF-based RSS 0.90 and 1.0 */
    WC_FEED_ATOM, /* Atom 0.3 and 1.0 */
    WC_FEED_JSON  /* JSON Feed 1 and 1.1 */
} wc_feed_format;

typedef struct wc_enclosure {
    char *url;      /* absolute URL */
    char *type;     /* MIME type as written, or NULL */
    int64_t length; /* bytes, or -1 when not given */
} wc_enclosure;

/* One item/entry. Strings are UTF-8, owned by the wc_feed, NULL when absent. */
typedef struct wc_entry {
    char *id;          /* guid / atom:id / rdf:about / JSON id, verbatim */
    char *title;       /* plain text */
    char *link;        /* absolute URL of the article page */
    int64_t published; /* WC_FEED_NO_TIME when absent or unparseable */
    int64_t updated;   /* idem; no fallback between the two */
    char *author;      /* display name (or the e-mail when that is all there is) */
    char *summary;     /* HTML fragment: sanitised, links absolute */
    char *content;     /* HTML fragment: full content when the feed carries it */
    wc_enclosure *enclosures;
    size_t n_enclosures;
    char **categories;
    size_t n_categories;
} wc_entry;

typedef struct wc_feed {
    wc_feed_format format;
    char *version;     /* "2.0", "0.91", "1.0", "0.3", "https://jsonfeed.org/version/1.1" ... */
    char *title;       /* plain text */
    char *link;        /* absolute URL of the site's HTML page (not the self link) */
    char *self;        /* the feed's own URL as it states it (atom:link rel=self), or NULL */
    char *description; /* plain text */
    char *language;    /* as written, e.g. "en-us" */
    int64_t published; /* WC_FEED_NO_TIME when absent */
    int64_t updated;
    char *author;
    char *encoding; /* charset the document was decoded with, lower case */
    int ttl;        /* RSS <ttl> in minutes, or -1 */
    bool bozo;      /* not well-formed, or the declared encoding was wrong */
    char *bozo_msg; /* the first problem met, when bozo */
    wc_entry *entries;
    size_t n_entries;
} wc_feed;

/* What wc_feed_parse() reads: the body and what HTTP said about it. */
typedef struct wc_feed_input {
    const char *data;             /* the body, after content-decoding */
    size_t len;                   /* bytes */
    const char *url;              /* where it came from, or NULL */
    const char *content_type;     /* HTTP Content-Type, or NULL; its charset beats the XML one */
    const char *content_location; /* HTTP Content-Location, or NULL: the base instead of url */
    const char *content_language; /* HTTP Content-Language, or NULL: the language fallback */
    const char *name;             /* what messages call an input without a url (a file
                                     name), or NULL: "<input>" */
} wc_feed_input;

/*
 * Parse one feed. On WC_OK *out is a new wc_feed (free with
 * wc_feed_free), possibly with bozo set. WC_ERR_PARSE when the bytes are
 * no feed at all (an HTML page, say; the message names the root found),
 * WC_ERR_LIMIT when longer than WC_FEED_MAX_BYTES, WC_ERR_NOMEM.
 */
wc_status wc_feed_parse(const wc_feed_input *in, wc_feed **out, wc_error *err);

/* Free a feed and everything in it. NULL is a no-op. */
void wc_feed_free(wc_feed *feed);

/* "rss", "rdf", "atom", "json" or "unknown". */
const char *wc_feed_format_name(wc_feed_format f);

/*
 * A cheap look at the first bytes: which format this probably is
 * (WC_FEED_UNKNOWN for HTML or anything else). No allocation.
 */
wc_feed_format wc_feed_sniff(const char *p, size_t len);

/* --- feed lists --------------------------------------------------------- */

typedef struct wc_feed_ref {
    char *url;   /* absolute feed URL */
    char *title; /* title or text given in the list, or NULL */
    char *type;  /* MIME type when the list says (autodiscovery, OPML type), or NULL */
} wc_feed_ref;

typedef struct wc_feed_list {
    wc_feed_ref *items; /* in document order, duplicates removed */
    size_t n;
    size_t skipped; /* lines or outlines that held no usable URL */
} wc_feed_list;

/*
 * OPML 1.0/2.0: every outline with an xmlUrl (any depth), relative ones
 * resolved against base_url (may be NULL). Tolerant like wc_feed_parse.
 * WC_ERR_PARSE when the document is no OPML.
 */
wc_status wc_opml_parse(const char *p, size_t len, const char *base_url, wc_feed_list **out,
                        wc_error *err);

/*
 * A plain list: one URL per line, optionally followed by blanks and a
 * title; '#' starts a comment line; blank lines are skipped. Lines that
 * are no http(s) URL are counted in `skipped`.
 */
wc_status wc_feed_list_parse_text(const char *p, size_t len, const char *base_url,
                                  wc_feed_list **out, wc_error *err);

/* OPML when the bytes look like XML, a text list otherwise. */
wc_status wc_feed_list_parse(const char *p, size_t len, const char *base_url, wc_feed_list **out,
                             wc_error *err);

/*
 * Feed autodiscovery: the <link rel="alternate" type="application/rss+xml |
 * application/atom+xml | application/feed+json | ..."> of an HTML page,
 * resolved against <base href> and page_url. An empty list is WC_OK.
 */
wc_status wc_feed_discover(const char *html, size_t len, const char *page_url, wc_feed_list **out,
                           wc_error *err);

void wc_feed_list_free(wc_feed_list *list);

#endif
