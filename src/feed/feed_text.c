/*
 * feed_text.c - feed lists as plain text, and what every feed list shares.
 *
 * The plain format is the one people write by hand and newsboat reads:
 * one URL per line, optionally followed by blanks and a title; blank
 * lines and lines starting with '#' are skipped. Relative URLs resolve
 * against the list's own URL when it has one; what is then not an
 * http(s) URL is counted in `skipped`, never silently dropped.
 *
 * The shared part: wc_feed_list_add() appends (bounded by
 * WC_FEED_MAX_LIST) and wc_feed_list_finish() removes duplicates while
 * keeping first occurrences in order (a sort of indices, so a list of
 * 100,000 URLs costs O(n log n), not O(n^2)). wc_feed_list_parse()
 * decides between OPML and text by the first non-blank byte.
 */
#include "feed_internal.h"

#include <stdlib.h>
#include <string.h>

#include "wirecopy/url.h"

#include "internal.h"

/* Longest line read from a text list; longer ones are skipped. */
#define LIST_MAX_LINE 8192

wc_status wc_feed_list_new(wc_feed_list **out)
{
    *out = calloc(1, sizeof(**out));
    return *out ? WC_OK : WC_ERR_NOMEM;
}

wc_status wc_feed_list_add(wc_feed_list *l, const char *base, const char *url, const char *title,
                           size_t title_len, const char *type)
{
    wc_feed_ref r = {NULL, NULL, NULL};
    wc_status st = WC_OK;

    if (l->n >= WC_FEED_MAX_LIST)
        return WC_ERR_LIMIT;
    r.url = wc_url_resolve(base, url);
    if (!r.url)
        return WC_ERR_NOMEM;
    if (!wc_url_is_http(r.url)) {
        free(r.url);
        l->skipped++;
        return WC_OK;
    }
    if (title && title_len)
        st = wc_fb_set_str(&r.title, title, title_len);
    if (!st && type)
        st = wc_fb_set_str(&r.type, type, strlen(type));
    if (!st && (l->n & (l->n - 1)) == 0) {
        size_t cap = l->n ? l->n * 2 : 16;
        wc_feed_ref *items = realloc(l->items, cap * sizeof(*items));
        if (!items)
            st = WC_ERR_NOMEM;
        else
            l->items = items;
    }
    if (st) {
        free(r.url);
        free(r.title);
        free(r.type);
        return st;
    }
    l->items[l->n++] = r;
    return WC_OK;
}

/* One list item for the duplicate sort: its URL and where it stands. */
struct url_pos {
    const char *url;
    size_t pos;
};

static int by_url(const void *a, const void *b)
{
    const struct url_pos *x = a, *y = b;
    int c = strcmp(x->url, y->url);

    if (c)
        return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

wc_status wc_feed_list_finish(wc_feed_list *l)
{
    struct url_pos *idx;
    size_t i, n = 0;
    bool *dup;

    if (l->n < 2)
        return WC_OK;
    idx = malloc(l->n * sizeof(*idx));
    dup = calloc(l->n, sizeof(*dup));
    if (!idx || !dup) {
        free(idx);
        free(dup);
        return WC_ERR_NOMEM;
    }
    for (i = 0; i < l->n; i++)
        idx[i] = (struct url_pos){l->items[i].url, i};
    wc_qsort(idx, l->n, sizeof(*idx), by_url);
    for (i = 1; i < l->n; i++)
        if (!strcmp(idx[i].url, idx[i - 1].url))
            dup[idx[i].pos] = true; /* a later one of a run: positions sort ascending */
    for (i = 0; i < l->n; i++) {
        if (dup[i]) {
            free(l->items[i].url);
            free(l->items[i].title);
            free(l->items[i].type);
            continue;
        }
        l->items[n++] = l->items[i];
    }
    l->n = n;
    free(idx);
    free(dup);
    return WC_OK;
}

void wc_feed_list_free(wc_feed_list *l)
{
    size_t i;

    if (!l)
        return;
    for (i = 0; i < l->n; i++) {
        free(l->items[i].url);
        free(l->items[i].title);
        free(l->items[i].type);
    }
    free(l->items);
    free(l);
}

wc_status wc_feed_list_parse_text(const char *p, size_t len, const char *base_url,
                                  wc_feed_list **out, wc_error *err)
{
    wc_feed_list *l;
    size_t i = 0, lineno = 0;
    wc_status st;

    *out = NULL;
    if (len > WC_FEED_MAX_BYTES)
        return wc_error_set(err, WC_ERR_LIMIT, "feed list of %zu bytes is over the %zu byte cap",
                            len, WC_FEED_MAX_BYTES);
    if (wc_feed_list_new(&l))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len) {
        const char *nl = memchr(p + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - p) : len, ul;
        const char *line = p + i, *u, *t;
        size_t ll = e - i, tl;
        char *url;

        i = e + 1;
        lineno++;
        wc_mem_trim(&line, &ll);
        if (!ll || line[0] == '#')
            continue;
        if (ll > LIST_MAX_LINE || !wc_utf8_valid(line, ll)) {
            l->skipped++;
            continue;
        }
        u = line;
        for (ul = 0; ul < ll && line[ul] != ' ' && line[ul] != '\t'; ul++)
            ;
        t = line + ul;
        tl = ll - ul;
        wc_mem_trim(&t, &tl);
        if (tl && t[0] == '#') { /* "URL # comment" */
            t++;
            tl--;
            wc_mem_trim(&t, &tl);
        }
        if (tl >= 2 && t[0] == '"' && t[tl - 1] == '"') {
            t++;
            tl -= 2;
        }
        if (!memchr(u, ':', ul) && !memchr(u, '/', ul) && !memchr(u, '.', ul)) {
            l->skipped++; /* a word, not a relative URL */
            continue;
        }
        url = wc_strndup(u, ul);
        if (!url) {
            wc_feed_list_free(l);
            return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
        }
        st = wc_feed_list_add(l, base_url, url, t, tl, NULL);
        free(url);
        if (st == WC_ERR_LIMIT) {
            wc_feed_list_free(l);
            return wc_error_set(err, st, "feed list has more than %d URLs (line %zu)",
                                WC_FEED_MAX_LIST, lineno);
        }
        if (st) {
            wc_feed_list_free(l);
            return wc_error_set(err, st, "out of memory");
        }
    }
    if (wc_feed_list_finish(l)) {
        wc_feed_list_free(l);
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    }
    *out = l;
    return WC_OK;
}

wc_status wc_feed_list_parse(const char *p, size_t len, const char *base_url, wc_feed_list **out,
                             wc_error *err)
{
    size_t i = 0;

    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i < len && p[i] == '<')
        return wc_opml_parse(p, len, base_url, out, err);
    return wc_feed_list_parse_text(p, len, base_url, out, err);
}
