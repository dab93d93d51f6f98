/*
 * follow_discover.c - the feed a URL stands for, for `wirecopy feeds add`
 * (wc_follow_discover in follow.h).
 *
 * People paste what they see in the address bar: a site's front page as
 * often as its feed. So the URL is fetched once, as a feed (robots.txt is
 * not consulted: the user asked for it by hand), with its own short-lived
 * fetcher and the caller's fetch options. A body that sniffs and parses as
 * a feed is the answer, at the address it was finally served from after
 * permanent redirects. Otherwise the body is read as an HTML page and the
 * feeds it announces with <link rel="alternate" type="...rss+xml" ...>
 * (RSS Board autodiscovery, wc_feed_discover) are listed: the first is
 * the answer, and the caller hears how many others there were.
 *
 * Deliberately not done: guessing well-known paths (/feed, /rss.xml) or
 * following <a> links to feeds: a page that names no feed gets
 * WC_ERR_NOTFOUND, and the user can give the feed's URL.
 */
#include "follow_internal.h"

#include <stdlib.h>
#include <string.h>

#include "wirecopy/feed.h"
#include "wirecopy/fetch.h"
#include "wirecopy/url.h"
#include "internal.h"

/* What the one fetch found (the fetcher's callback fills it). */
struct disc {
    wc_status st;
    wc_error err;
    char *feed_url, *title;
    size_t others;
};

static void disc_done(void *ctx, wc_response *r)
{
    struct disc *d = ctx;
    wc_feed_input in;
    wc_feed *doc = NULL;
    wc_feed_list *list = NULL;
    wc_error e = WC_ERROR_INIT;
    const char *base = r->moved_to ? r->moved_to : r->url;

    if (r->result != WC_FETCH_OK) {
        d->st = r->err.code ? r->err.code : WC_ERR_NET;
        d->err = r->err;
        return;
    }
    memset(&in, 0, sizeof(in));
    in.data = r->body;
    in.len = r->body_len;
    in.url = r->final_url;
    in.content_type = r->content_type;
    in.content_location = r->content_location;
    if (wc_feed_sniff(r->body, r->body_len) != WC_FEED_UNKNOWN &&
        wc_feed_parse(&in, &doc, &e) == WC_OK) {
        d->feed_url = wc_url_normalize(base);
        d->title = wc_strdup(doc->title);
        d->st = d->feed_url ? WC_OK : WC_ERR_NOMEM;
        wc_feed_free(doc);
        return;
    }
    if (wc_feed_discover(r->body, r->body_len, r->final_url, &list, &e) != WC_OK) {
        d->st = wc_error_set(&d->err, WC_ERR_PARSE, "'%s' is neither a feed nor an HTML page: %s",
                             r->url, e.msg);
        return;
    }
    if (!list->n) {
        d->st = wc_error_set(&d->err, WC_ERR_NOTFOUND,
                             "'%s' is no feed, and the page links to none "
                             "(no <link rel=\"alternate\"> with a feed type)",
                             r->url);
    } else {
        d->feed_url = wc_url_normalize(list->items[0].url);
        d->title = wc_strdup(list->items[0].title);
        d->others = list->n - 1;
        d->st = d->feed_url ? WC_OK : WC_ERR_NOMEM;
    }
    wc_feed_list_free(list);
}

wc_status wc_follow_discover(const wc_fetch_opts *fo, const char *url, char **feed_url,
                             char **title, size_t *others, wc_error *err)
{
    struct disc d;
    wc_fetcher *ft = NULL;
    wc_fetch_req req;
    wc_status st;

    *feed_url = NULL;
    *title = NULL;
    if (others)
        *others = 0;
    memset(&d, 0, sizeof(d));
    d.st = WC_ERR_NET;
    if ((st = wc_fetcher_new(fo, disc_done, &d, &ft, err)))
        return st;
    memset(&req, 0, sizeof(req));
    req.url = url;
    req.kind = WC_FETCH_FEED;
    if ((st = wc_fetcher_add(ft, &req, err)) || (st = wc_fetcher_run(ft, NULL, err))) {
        wc_fetcher_free(ft);
        return st;
    }
    wc_fetcher_free(ft);
    if (d.st) {
        if (err)
            *err = d.err;
        if (err && !err->msg[0])
            wc_error_set(err, d.st, "cannot fetch '%s'", url);
        free(d.feed_url);
        free(d.title);
        return d.st;
    }
    *feed_url = d.feed_url;
    *title = d.title;
    if (others)
        *others = d.others;
    return WC_OK;
}
