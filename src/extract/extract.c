/*
 * extract.c - one HTML page in, one article out (see extract.h).
 *
 * The passes, in order, each in its own file:
 *   extract_charset  bytes -> UTF-8 (BOM, HTTP charset, <meta>, guess)
 *   extract_dom      libxml2 SAX events -> compact tree; class/id names read
 *                    as they arrive (extract_vocab); the tree cut into text
 *                    blocks (extract_blocks)
 *   extract_meta     <meta>, <link>, microdata, <time>, JSON-LD (extract_jsonld)
 *                    into prioritised witnesses; the headline chosen against
 *                    <title> (extract_title), authors (extract_author), dates
 *                    as pages write them (extract_date)
 *   extract_lang     the text's language (stopword shares, <html lang>)
 *   extract_clean    headline copies, bylines, datelines, debris phrases flagged
 *   extract_score    blocks classed on their own (jusText); the element holding
 *                    the article chosen (extract_container); the lines kept in it
 *   extract_output   kept blocks -> text + block list
 * All state lives in one ex_doc on the caller's stack and heap; nothing
 * is shared between calls except read-only tables, so any number of
 * threads may extract at once.
 *
 * Caps (where the numbers come from): WC_EXTRACT_MAX_INPUT, 32 MiB, is
 * ~100x a heavy news page (the dev set's largest is 0.35 MB, modern
 * pages with inline scripts reach 2-3 MB); EX_MAX_DEPTH, EX_MAX_NODES and
 * EX_MAX_TEXT in extract_internal.h bound the tree; WC_EXTRACT_MAX_TEXT
 * (2 MiB) bounds the body, some 50x the longest article text seen.
 *
 * Binary junk and plain text are turned away before parsing: a page must
 * contain markup (a tag) in its first bytes and few control characters.
 */
#include "extract_internal.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Bytes inspected for binary junk. */
#define SNIFF_BYTES 8192

void wc_article_init(wc_article *a)
{
    memset(a, 0, sizeof(*a));
    a->published_at = WC_TIME_NONE;
    a->modified_at = WC_TIME_NONE;
}

void wc_article_release(wc_article *a)
{
    free(a->title);
    free(a->author);
    free(a->site);
    free(a->lang);
    free(a->canonical_url);
    free(a->description);
    free(a->image);
    free(a->text);
    free(a->blocks);
    wc_article_init(a);
}

static void doc_init(ex_doc *d, const char *url)
{
    memset(d, 0, sizeof(*d));
    d->url = url;
    wc_buf_init(&d->text, 0);
    wc_buf_init(&d->abuf, 0);
    wc_buf_init(&d->title, 0);
    wc_buf_init(&d->jsonld, 0);
    wc_buf_init(&d->btext, 0);
    wc_buf_init(&d->utf8, 0);
    d->body = d->html = d->h1 = d->container = EX_NONE;
    d->lang = EX_LANG_NONE;
}

static void doc_release(ex_doc *d)
{
    unsigned i;

    free(d->nodes);
    free(d->attrs);
    free(d->ld);
    free(d->blocks);
    wc_buf_release(&d->text);
    wc_buf_release(&d->abuf);
    wc_buf_release(&d->title);
    wc_buf_release(&d->jsonld);
    wc_buf_release(&d->btext);
    wc_buf_release(&d->utf8);
    ex_vocab_cache_free(d->vocab);
    for (i = 0; i < M_COUNT; i++)
        free(d->meta[i].s);
    for (i = 0; i < d->n_authors; i++)
        free(d->authors[i]);
    free(d->ld_body);
    free(d->base_url);
}

/* Does the page look like HTML at all (a tag, few control bytes)? */
static bool looks_like_html(const char *p, size_t len)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t n = WC_MIN(len, (size_t)SNIFF_BYTES), i;

    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return true; /* UTF-16 with a byte order mark: NULs are expected */
    if (wc_looks_binary(p, n))
        return false;
    for (i = 0; i + 1 < n; i++)
        if (u[i] == '<' &&
            (((u[i + 1] | 0x20) >= 'a' && (u[i + 1] | 0x20) <= 'z') || u[i + 1] == '!'))
            return true;
    return false;
}

wc_status wc_extract_html(const char *html, size_t len, const wc_extract_opts *opts,
                          wc_article *out, wc_error *err)
{
    ex_doc d;
    wc_status st;
    const char *title;

    wc_article_release(out);
    if (!html && len)
        return wc_error_set(err, WC_ERR_USAGE, "no page given");
    if (len > WC_EXTRACT_MAX_INPUT)
        return wc_error_set(err, WC_ERR_LIMIT, "page of %zu bytes is over the %zu byte limit", len,
                            (size_t)WC_EXTRACT_MAX_INPUT);
    if (!len)
        return wc_error_set(err, WC_ERR_EMPTY, "empty page");
    if (!looks_like_html(html, len))
        return wc_error_set(err, WC_ERR_EMPTY, "not an HTML page");
    doc_init(&d, opts ? opts->url : NULL);
    if ((st = ex_charset_decode(&d, html, len, opts ? opts->charset : NULL, err)))
        goto out;
    if ((st = ex_dom_parse(&d, d.page, d.page_len, err)))
        goto out;
    /* the UTF-8 copy is not needed past the parse */
    wc_buf_release(&d.utf8);
    if ((st = ex_dom_blocks(&d))) {
        wc_error_set(err, st, "cannot lay out the page's text: %s", wc_strerror(st));
        goto out;
    }
    ex_meta_collect(&d);
    ex_lang_detect(&d);
    title = d.meta[M_TITLE].s;
    ex_clean_flag(&d, title);
    ex_score_classify(&d);
    ex_score_select(&d);
    st = ex_output_build(&d, out);
    if (st == WC_ERR_EMPTY) {
        /* no article, but what the page says of itself stays (title, dates, ...) */
        wc_error_set(err, st, "no article text found");
        ex_meta_finish(&d, out);
        doc_release(&d);
        return st;
    }
    if (st) {
        wc_error_set(err, st, "cannot build the article text: %s", wc_strerror(st));
        goto out;
    }
    ex_meta_finish(&d, out);
out:
    doc_release(&d);
    if (st)
        wc_article_release(out);
    return st;
}
