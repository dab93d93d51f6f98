/*
 * follow_discover.c - the feed a URL stands for, for `wirecopy feeds add`
 * (wc_follow_discover in follow.h).
 *
 * People paste what they see in the address bar: a site's front page as
 * often as its feed. So the URL is fetched once, as a feed (robots.txt is
 * not consulted: the user asked for it by hand), by wc_fetch_one with the
 * caller's fetch options. A body that sniffs and parses as
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

wc_status wc_follow_discover(const wc_fetch_opts *fo, const char *url, char **feed_url,
                             char **title, size_t *others, wc_error *err)
{
    wc_fetched *r = NULL;
    wc_feed_input in;
    wc_feed *doc = NULL;
    wc_feed_list *list = NULL;
    wc_error e = WC_ERROR_INIT;
    wc_status st;

    *feed_url = NULL;
    *title = NULL;
    if (others)
        *others = 0;
    if ((st = wc_fetch_one(url, WC_FETCH_FEED, fo, NULL, &r, err)))
        goto out;
    memset(&in, 0, sizeof(in));
    in.data = r->body;
    in.len = r->body_len;
    in.url = r->final_url;
    in.content_type = r->content_type;
    in.content_location = r->content_location;
    if (wc_feed_sniff(r->body, r->body_len) != WC_FEED_UNKNOWN &&
        wc_feed_parse(&in, &doc, &e) == WC_OK) {
        /* the feed's address: where permanent redirects led, else the one asked for */
        *feed_url = wc_url_normalize(r->moved_to ? r->moved_to : r->url);
        *title = wc_strdup(doc->title);
        wc_feed_free(doc);
    } else if ((st = wc_feed_discover(r->body, r->body_len, r->final_url, &list, &e))) {
        st = wc_error_set(err, WC_ERR_PARSE, "'%s' is neither a feed nor an HTML page: %s", url,
                          e.msg);
        goto out;
    } else if (!list->n) {
        st = wc_error_set(err, WC_ERR_NOTFOUND,
                          "'%s' is no feed, and the page links to none "
                          "(no <link rel=\"alternate\"> with a feed type)",
                          url);
        goto out;
    } else {
        *feed_url = wc_url_normalize(list->items[0].url);
        *title = wc_strdup(list->items[0].title);
        if (others)
            *others = list->n - 1;
    }
    if (!*feed_url)
        st = wc_error_set(err, WC_ERR_NOMEM, "out of memory reading '%s'", url);
out:
    if (st) {
        free(*feed_url);
        free(*title);
        *feed_url = *title = NULL;
    }
    wc_feed_list_free(list);
    wc_fetched_free(r);
    return st;
}
