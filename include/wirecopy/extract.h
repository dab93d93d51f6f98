/*
 * extract.h - reduce one HTML page to its article: body text + metadata.
 *
 * The same extractor serves `ingest`, `follow` and `extract`. A page that
 * is not an article (section front, error page, empty file, binary junk)
 * gives WC_ERR_EMPTY, never junk text.
 *
 * The body holds the article's own text: the headline, byline and
 * dateline are metadata (title, author, published_at), not body lines;
 * navigation, teasers of other articles, promos, share bars, captions,
 * author bios and comments are left out.
 */
#ifndef WIRECOPY_EXTRACT_H
#define WIRECOPY_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/buf.h"
#include "wirecopy/error.h"

/* What one line of the body is, for Markdown and JSON output. */
typedef enum wc_block_kind {
    WC_BLOCK_PARAGRAPH = 0,
    WC_BLOCK_HEADING,   /* a sub-heading inside the article; level 2-6 */
    WC_BLOCK_LIST_ITEM, /* level = nesting depth (1 = top), ordered says 1. or - */
    WC_BLOCK_QUOTE,     /* a paragraph of a block quotation */
    WC_BLOCK_CODE,      /* a line of preformatted text */
    WC_BLOCK_KIND_COUNT
} wc_block_kind;

/* One paragraph, heading or list item: a slice of wc_article.text. */
typedef struct wc_article_block {
    size_t off;   /* byte offset of the line in text */
    size_t len;   /* bytes of the line (no trailing newline) */
    uint8_t kind; /* wc_block_kind */
    uint8_t level;
    bool ordered; /* list item of a numbered list */
    bool joined;  /* follows the previous block after a single "\n" (same list, <br> line) */
} wc_article_block;

/*
 * One extracted article. Strings are owned by the struct (malloc'd,
 * NUL-terminated, valid UTF-8) and freed by wc_article_release(); NULL
 * when the page does not say. Times are seconds since the epoch, UTC, or
 * INT64_MIN when unknown.
 */
typedef struct wc_article {
    char *title;         /* headline without the " | Site" suffix */
    char *author;        /* author(s), "A, B" when several */
    char *site;          /* site name (og:site_name, JSON-LD publisher, host) */
    char *lang;          /* language tag, e.g. "en" */
    char *canonical_url; /* absolute canonical URL */
    char *description;   /* meta/og description */
    char *image;         /* main image URL (absolute when the page's URL is known) */
    char *text;      /* body: paragraphs joined by "\n\n" (headings, list items one line each) */
    size_t text_len; /* bytes in text */
    int64_t published_at;
    int64_t modified_at;
    size_t word_count;        /* words in text */
    wc_article_block *blocks; /* the lines of text, in order */
    size_t n_blocks;
} wc_article;

void wc_article_init(wc_article *a);
/* Free every string and re-initialise. */
void wc_article_release(wc_article *a);

/*
 * What one source says of an article before its HTML is read. A NULL
 * string or an INT64_MIN time is not known. Strings are borrowed for the
 * call; they should be UTF-8 (invalid bytes become U+FFFD).
 */
typedef struct wc_meta_witness {
    const char *title;
    const char *author;
    const char *site;
    int64_t published_at;
} wc_meta_witness;

/*
 * What is known of an article from where it came, beside its page: the
 * record's own fields and the feed entry that announced it. Extraction
 * combines them with what the page says by one precedence table; per
 * field, the first witness that knows wins:
 *
 *   title         page, record, entry
 *   author        page, record, entry
 *   site          page, record, entry, host
 *   published_at  record, page, entry
 *
 * "page" is what extraction finds by its own precedence among the page's
 * witnesses (JSON-LD, og:, <meta>, <title>, bylines...; see
 * extract_meta.c), its own fallbacks included: the host of its canonical
 * URL or of its URL as site, a date in its URL. "host" is wc_url_host()
 * of url, else of the page's canonical URL. A fragment has no page around
 * it: there the entry plays the page's head (its title is read as the
 * <title>, its site as og:site_name, its author as <meta name=author>).
 * The other fields (modified_at, lang, description, image, canonical_url)
 * are the page's alone. The table is ingest's order for storing a
 * document, so a record stored through it keeps what it had.
 */
typedef struct wc_article_known {
    const char *url;        /* the record's URL (WARC-Target-URI, JSONL url, an entry's link) */
    wc_meta_witness record; /* the record's own fields: a JSONL line's title and published
                               (no record format carries an author or site yet) */
    wc_meta_witness entry;  /* the feed entry's: title, author, published; the feed's title as
                               site */
} wc_article_known;

/* Nothing known: strings NULL, times INT64_MIN. */
void wc_article_known_init(wc_article_known *k);

typedef struct wc_extract_opts {
    const char *url;     /* the page's URL (base for relative links, site fallback) or NULL;
                            NULL takes known->url */
    const char *charset; /* charset from the HTTP header or NULL; the page's own
                            declaration wins only when this is NULL (a byte order
                            mark always wins, as in browsers) */
    const wc_article_known *known; /* metadata from outside the page, or NULL (then the
                                      article holds the page's alone) */
} wc_extract_opts;

/* Caps on what one page may cost (see extract.c for where they come from). */
#define WC_EXTRACT_MAX_INPUT ((size_t)32 << 20) /* bytes of HTML; more is WC_ERR_LIMIT */
#define WC_EXTRACT_MAX_TEXT ((size_t)2 << 20)   /* bytes of body text kept */

/*
 * Extract html[0..len) into *out (which must be initialised; previous
 * contents are released). WC_ERR_EMPTY when the page holds no article
 * (*out then has an empty text, and the metadata found, if any),
 * WC_ERR_NOMEM, WC_ERR_LIMIT. Thread-safe: callers may run it on many
 * threads at once (after wc_global_init()).
 */
wc_status wc_extract_html(const char *html, size_t len, const wc_extract_opts *opts,
                          wc_article *out, wc_error *err);

/*
 * Extract an HTML fragment that is an article's body with no page around
 * it (a feed entry's content), as wc_extract_html() does a page: the
 * fragment is read as the content of an <article>, and opts->known->entry
 * stands for the page's head (see wc_article_known). Plain text is a
 * fragment too. Same errors and thread-safety as wc_extract_html().
 */
wc_status wc_extract_fragment(const char *html, size_t len, const wc_extract_opts *opts,
                              wc_article *out, wc_error *err);

/*
 * Decide a's title, author, site and published_at by the precedence table
 * (see wc_article_known) between what a holds, taken as the page's own,
 * and k (NULL: nothing known but a's canonical URL). For an article made
 * from a plain-text record, which has no page, the record's and entry's
 * witnesses and the URL's host decide. wc_extract_html() and
 * wc_extract_fragment() call it when given opts->known. Strings are
 * copied; WC_ERR_NOMEM leaves a with the fields decided so far.
 */
wc_status wc_article_merge_known(wc_article *a, const wc_article_known *k);

/*
 * Render an article as plain text: with WC_TEXT_TITLE the title on the
 * first line and a blank line, then the body (a->text) and a newline, so
 * a printed article reads like the page; without it the body alone,
 * which is what ingest stores and fingerprints (outlets retitle the
 * stories they copy). An article without a body renders as nothing.
 * Appends to out; WC_ERR_NOMEM / WC_ERR_LIMIT from the buffer.
 */
#define WC_TEXT_TITLE 1u
wc_status wc_article_to_text(const wc_article *a, unsigned flags, wc_buf *out);

/*
 * Render an article: Markdown ("# title", sub-headings, lists, quotes) or
 * one JSON object with the metadata, the text and its blocks. `url` (may
 * be NULL) is written as the JSON "url" field. Appends to out;
 * WC_ERR_NOMEM / WC_ERR_LIMIT from the buffer.
 */
wc_status wc_article_to_markdown(const wc_article *a, wc_buf *out);
wc_status wc_article_to_json(const wc_article *a, const char *url, wc_buf *out);

#endif
