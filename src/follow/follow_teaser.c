/*
 * follow_teaser.c - does a feed entry carry its article, or only a teaser
 * of it? (wc_follow_is_teaser in follow.h)
 *
 * The entry's HTML (its first TEASER_SCAN_BYTES) is reduced to its
 * visible text by html.c's wc_html_to_text, the one HTML-to-text in the
 * project (entities decoded, script and style dropped), lower-cased, and
 * its words counted, ideographic characters two to a word as those
 * scripts write no spaces. The entry is a teaser when it has no
 * words or fewer than the caller's minimum, when it ends in a truncation
 * mark ("...", "[…]", "(more...)", "more »"; a trailing arrow or
 * guillemet is stripped first), when its last 48 bytes hold a "read
 * more" in one of a few languages, or when it ends with WordPress' "The
 * post X appeared first on Y." and has fewer than 400 words.
 *
 * A feed is judged once, the first time a round fetches it: when most of
 * its first TEASER_SAMPLE entries that link to a page are teasers (by the
 * caller's teaser_words), it is marked fetch_pages = 1 and every new
 * entry's page is fetched from then on. A full-content feed's entry is
 * only fetched when it is empty or visibly cut (minimum one word); see
 * follow_response.c.
 *
 * Deliberately cheap (a tokenizer, not a tree): it runs on every new entry,
 * and a wrong guess costs one page fetch too many, or an article stored
 * from the feed's shorter text.
 */
#include "follow_internal.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "wirecopy/buf.h"
#include "wirecopy/feed.h"
#include "wirecopy/url.h"
#include "internal.h"

/* Entries looked at when deciding whether a feed carries teasers. */
#define TEASER_SAMPLE 50
/* HTML of an entry read when judging it (a longer one is no teaser). */
#define TEASER_SCAN_BYTES ((size_t)256 * 1024)
/* Its text: never longer than the HTML it comes from (a reference is longer than its
   character, a block tag than its space), plus room for the terminator. */
#define TEASER_TEXT_CAP (TEASER_SCAN_BYTES + 64)

/* Does s end with suffix? */
static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);

    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/*
 * The visible text of an entry's HTML (html.c's wc_html_to_text: tags
 * dropped, block elements and blanks one space, entities decoded, script
 * and style gone), ASCII lower-cased, its words counted into *words.
 */
static wc_status entry_text(const char *p, size_t len, wc_buf *out, size_t *words)
{
    size_t i;
    bool in_word = false;
    double cjk = 0;
    wc_status st;

    if ((st = wc_html_to_text(out, p, WC_MIN(len, TEASER_SCAN_BYTES))))
        return st;
    for (i = 0; i < out->len; i++) {
        unsigned char c = (unsigned char)out->buf[i];
        if (c == ' ') {
            in_word = false;
            continue;
        }
        if (!in_word)
            (*words)++;
        in_word = true;
        /* ideographic scripts write no spaces: count two characters as a word */
        if (c >= 0xE3 && c <= 0xEF)
            cjk += 0.5;
        if (c >= 'A' && c <= 'Z')
            out->buf[i] = (char)(c + 32);
    }
    *words += (size_t)cjk;
    return WC_OK;
}

bool wc_follow_is_teaser(const char *html, size_t len, size_t min_words)
{
    static const char *const end_marks[] = {"...",
                                            "\xe2\x80\xa6",
                                            "[\xe2\x80\xa6]",
                                            "[...]",
                                            "(\xe2\x80\xa6)",
                                            "(...)",
                                            "(more\xe2\x80\xa6)",
                                            "(more...)",
                                            "[more]",
                                            "more \xc2\xbb",
                                            "more \xe2\x86\x92"};
    static const char *const tail_words[] = {"read more",     "continue reading", "keep reading",
                                             "read the rest", "read full",        "full story",
                                             "full article",  "read the full",    "weiterlesen",
                                             "lire la suite", "leer m\xc3\xa1s",  "leggi tutto"};
    wc_buf text;
    size_t words = 0, n, k, tail;
    const char *s;
    bool teaser = false;

    if (!html || !len)
        return true;
    wc_buf_init(&text, TEASER_TEXT_CAP);
    if (entry_text(html, len, &text, &words)) {
        wc_buf_release(&text);
        return true; /* out of memory: a page fetch too many, never an article lost */
    }
    s = text.buf;
    n = text.len;
    /* strip what trails a "Read more" link: blanks, arrows, guillemets, closing brackets */
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '>' || s[n - 1] == ':' || s[n - 1] == '-'))
            n--;
        else if (ends_with(s, n, "\xc2\xbb") || ends_with(s, n, "\xe2\x80\xba"))
            n -= 2;
        else if (ends_with(s, n, "\xe2\x86\x92"))
            n -= 3;
        else
            break;
    }
    if (words == 0 || (min_words && words < min_words))
        teaser = true;
    for (k = 0; !teaser && k < WC_ARRAY_SIZE(end_marks); k++)
        teaser = ends_with(s, n, end_marks[k]);
    tail = n > 48 ? n - 48 : 0;
    for (k = 0; !teaser && k < WC_ARRAY_SIZE(tail_words); k++) {
        const char *hit = wc_mem_istr(s + tail, n - tail, tail_words[k]);
        teaser = hit != NULL;
    }
    /* WordPress closes every excerpt with "The post X appeared first on Y." */
    tail = n > 400 ? n - 400 : 0;
    if (!teaser && wc_mem_istr(s + tail, n - tail, "appeared first on"))
        teaser = words < 400;
    wc_buf_release(&text);
    return teaser;
}

/* The text an entry carries: its content, else its summary. */
const char *follow_entry_text(const wc_entry *e)
{
    if (e->content && *e->content)
        return e->content;
    if (e->summary && *e->summary)
        return e->summary;
    return NULL;
}

/* 1 when most entries that link to a page are teasers, 0 when not, -1 when none links. */
int follow_decide_fetch_pages(const wc_follow *f, const wc_feed *doc)
{
    size_t i, linked = 0, teasers = 0;

    for (i = 0; i < doc->n_entries && linked < TEASER_SAMPLE; i++) {
        const wc_entry *e = &doc->entries[i];
        const char *t = follow_entry_text(e);
        if (!e->link || !wc_url_is_http(e->link))
            continue;
        linked++;
        if (wc_follow_is_teaser(t, t ? strlen(t) : 0, f->o.teaser_words))
            teasers++;
    }
    if (!linked)
        return -1;
    return teasers * 2 >= linked ? 1 : 0;
}
