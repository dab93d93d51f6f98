/*
 * fuzz_feed.c - libFuzzer target for wc_feed_parse() (all formats, the
 * charset detection and the tolerant XML reader) and wc_feed_sniff().
 *
 * The first input byte picks the HTTP context (Content-Type with or
 * without a charset, a URL, a Content-Location) so that every charset
 * path is reached; the rest is the body. Beyond "no crash, no leak, no
 * hang", it checks the parser's promises: every string it returns is
 * valid UTF-8 and never empty, times are absent or inside years 1-9999,
 * entries stay under the cap, and a second parse gives the same result.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/feed.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s)
{
    if (s && (!*s || !wc_utf8_valid(s, strlen(s))))
        abort();
}

static void check_time(int64_t t)
{
    /* 0001-01-01 .. 9999-12-31 plus a day of offsets either side */
    if (t != WC_FEED_NO_TIME && (t < -62135596800 - 86400 || t > 253402300799 + 86400))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ctypes[] = {NULL,
                                         "application/rss+xml",
                                         "text/xml",
                                         "application/xml; charset=iso-8859-1",
                                         "text/xml; charset=\"utf-16\"",
                                         "application/json",
                                         "application/atom+xml;charset=gb2312",
                                         "text/html"};
    wc_feed_input in = {0};
    wc_feed *f = NULL, *g = NULL;
    size_t i, k;
    unsigned sel;

    if (size < 1)
        return 0;
    sel = data[0];
    in.data = (const char *)data + 1;
    in.len = size - 1;
    in.content_type = ctypes[sel % 8];
    in.url = (sel & 8) ? "http://example.com/dir/feed.xml" : NULL;
    in.content_location = (sel & 16) ? "../other/" : NULL;
    in.content_language = (sel & 32) ? "en" : NULL;
    (void)wc_feed_sniff(in.data, in.len);
    if (wc_feed_parse(&in, &f, NULL) != WC_OK)
        return 0;
    check_str(f->title);
    check_str(f->link);
    check_str(f->description);
    check_str(f->language);
    check_str(f->author);
    check_str(f->encoding);
    check_time(f->published);
    check_time(f->updated);
    if (f->n_entries > WC_FEED_MAX_ENTRIES)
        abort();
    for (i = 0; i < f->n_entries; i++) {
        const wc_entry *e = &f->entries[i];
        check_str(e->id);
        check_str(e->title);
        check_str(e->link);
        check_str(e->author);
        check_str(e->summary);
        check_str(e->content);
        check_time(e->published);
        check_time(e->updated);
        for (k = 0; k < e->n_categories; k++)
            check_str(e->categories[k]);
        for (k = 0; k < e->n_enclosures; k++) {
            check_str(e->enclosures[k].url);
            check_str(e->enclosures[k].type);
        }
    }
    /* deterministic: the same bytes give the same feed */
    if (wc_feed_parse(&in, &g, NULL) != WC_OK || g->n_entries != f->n_entries ||
        g->bozo != f->bozo || (f->title && strcmp(f->title, g->title)))
        abort();
    wc_feed_free(g);
    wc_feed_free(f);
    return 0;
}
