/*
 * extract.c - one HTML page (or an article's HTML fragment) in, one
 * article out (see extract.h).
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
 *
 * Two entry points. wc_extract_html() reads a page. wc_extract_fragment()
 * reads an article's body without a page (a feed entry's content, plain
 * text allowed): it is parsed inside an <article> of an empty page, and
 * the feed entry's title, site and author stand for the page's head as
 * data, never written into HTML and read back. With opts->known, both end
 * by combining the page's metadata with what the record and the entry
 * said (wc_article_merge_known, the one precedence table, in
 * extract_meta.c), so callers store the article's fields as they are.
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

static void doc_init(ex_doc *d, const wc_extract_opts *opts, bool fragment)
{
    memset(d, 0, sizeof(*d));
    d->known = opts ? opts->known : NULL;
    d->url = opts && opts->url ? opts->url : d->known ? d->known->url : NULL;
    d->fragment = fragment;
    /* the tree's caps (extract_internal.h) bound every buffer of the page */
    wc_buf_init(&d->text, EX_MAX_TEXT);
    wc_buf_init(&d->abuf, EX_MAX_TEXT);
    wc_buf_init(&d->title, EX_MAX_TITLE);
    wc_buf_init(&d->jsonld, EX_MAX_JSONLD);
    wc_buf_init(&d->btext, EX_MAX_BLOCK_TEXT);
    wc_buf_init(&d->utf8, EX_MAX_UTF8);
    d->body = d->html = d->h1 = d->container = EX_NONE;
    d->lang = WC_LANG_NONE;
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

/*
 * The passes over html[0..len) (a page, or a fragment inside its
 * context), the page's metadata combined with opts->known at the end.
 */
static wc_status extract(const char *html, size_t len, const wc_extract_opts *opts, bool fragment,
                         wc_article *out, wc_error *err)
{
    ex_doc d;
    wc_status st;
    const char *title;

    doc_init(&d, opts, fragment);
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
    if (fragment && (st = ex_meta_fragment_head(&d))) {
        wc_error_set(err, st, "cannot read the entry's metadata: %s", wc_strerror(st));
        goto out;
    }
    ex_meta_collect(&d);
    ex_lang_detect(&d);
    title = d.meta[M_TITLE].s;
    ex_clean_flag(&d, title);
    ex_score_classify(&d);
    ex_score_select(&d);
    st = ex_output_build(&d, out);
    if (st && st != WC_ERR_EMPTY) {
        wc_error_set(err, st, "cannot build the article text: %s", wc_strerror(st));
        goto out;
    }
    /* no article (WC_ERR_EMPTY), but what the page says of itself stays (title, dates, ...) */
    ex_meta_finish(&d, out);
    if (d.known) {
        wc_status mst = wc_article_merge_known(out, d.known);
        if (mst) {
            st = wc_error_set(err, mst, "cannot combine the known metadata: %s", wc_strerror(mst));
            goto out;
        }
    }
    if (st == WC_ERR_EMPTY)
        wc_error_set(err, st, "no article text found");
out:
    doc_release(&d);
    if (st && st != WC_ERR_EMPTY)
        wc_article_release(out);
    return st;
}

/* The input checks both entry points share; WC_OK when html[0..len) is worth parsing. */
static wc_status check_input(const char *html, size_t len, const char *what, wc_error *err)
{
    if (!html && len)
        return wc_error_set(err, WC_ERR_USAGE, "no %s given", what);
    if (len > WC_EXTRACT_MAX_INPUT)
        return wc_error_set(err, WC_ERR_LIMIT, "%s of %zu bytes is over the %zu byte limit", what,
                            len, (size_t)WC_EXTRACT_MAX_INPUT);
    if (!len)
        return wc_error_set(err, WC_ERR_EMPTY, "empty %s", what);
    return WC_OK;
}

wc_status wc_extract_html(const char *html, size_t len, const wc_extract_opts *opts,
                          wc_article *out, wc_error *err)
{
    wc_status st;

    wc_article_release(out);
    if ((st = check_input(html, len, "page", err)))
        return st;
    if (!looks_like_html(html, len))
        return wc_error_set(err, WC_ERR_EMPTY, "not an HTML page");
    return extract(html, len, opts, false, out, err);
}

/*
 * A fragment's context: the body of an empty UTF-8 page, inside an
 * <article>. libxml2 parses HTML fragments only as documents, so the
 * context is written around the fragment; nothing of the entry's
 * metadata goes through HTML.
 */
#define FRAGMENT_HEAD "<!doctype html><html><head><meta charset=\"utf-8\"></head><body><article>"
#define FRAGMENT_TAIL "</article></body></html>"
/* The fragment and its context. */
#define FRAGMENT_MAX (WC_EXTRACT_MAX_INPUT + sizeof(FRAGMENT_HEAD) + sizeof(FRAGMENT_TAIL))

wc_status wc_extract_fragment(const char *html, size_t len, const wc_extract_opts *opts,
                              wc_article *out, wc_error *err)
{
    wc_buf page;
    wc_status st;

    wc_article_release(out);
    if ((st = check_input(html, len, "fragment", err)))
        return st;
    if (wc_looks_binary(html, WC_MIN(len, (size_t)SNIFF_BYTES)))
        return wc_error_set(err, WC_ERR_EMPTY, "not an HTML fragment");
    wc_buf_init(&page, FRAGMENT_MAX);
    if ((st = wc_buf_addstr(&page, FRAGMENT_HEAD)) || (st = wc_buf_add(&page, html, len)) ||
        (st = wc_buf_addstr(&page, FRAGMENT_TAIL))) {
        wc_buf_release(&page);
        return wc_error_set(err, st, "cannot hold the fragment: %s", wc_strerror(st));
    }
    st = extract(page.buf, page.len, opts, true, out, err);
    wc_buf_release(&page);
    return st;
}
