/*
 * extract.h - reduce one HTML page to its article: body text + metadata.
 *
 * The same extractor serves `ingest`, `follow` and `extract`. A page that
 * is not an article (section front, error page, empty file, binary junk)
 * gives WC_ERR_EMPTY, never junk text.
 */
#ifndef WIRECOPY_EXTRACT_H
#define WIRECOPY_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "wirecopy/error.h"

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
    char *image;         /* main image URL */
    char *text;          /* body: paragraphs joined by "\n\n" (headings, list items one line each) */
    size_t text_len;     /* bytes in text */
    int64_t published_at;
    int64_t modified_at;
    size_t word_count;   /* words in text */
} wc_article;

void wc_article_init(wc_article *a);
/* Free every string and re-initialise. */
void wc_article_release(wc_article *a);

typedef struct wc_extract_opts {
    const char *url;     /* the page's URL (base for relative links, site fallback) or NULL */
    const char *charset; /* charset from the HTTP header or NULL; the page's own
                            declaration wins only when this is NULL */
    unsigned flags;      /* reserved, 0 */
} wc_extract_opts;

/*
 * Extract html[0..len) into *out (which must be initialised; previous
 * contents are released). WC_ERR_EMPTY when the page holds no article,
 * WC_ERR_NOMEM, WC_ERR_LIMIT. Thread-safe: callers may run it on many
 * threads at once (after wc_global_init()).
 */
wc_status wc_extract_html(const char *html, size_t len, const wc_extract_opts *opts,
                          wc_article *out, wc_error *err);

#endif
