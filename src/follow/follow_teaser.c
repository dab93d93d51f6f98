/*
 * follow_teaser.c - does a feed entry carry its article, or only a teaser
 * of it? (wc_follow_is_teaser in follow.h)
 *
 * The entry's HTML is reduced to lower-case text (tags dropped, the few
 * entities that teasers end with decoded, at most TEASER_SCAN_BYTES
 * written) and its words counted, ideographic characters two to a word as
 * those scripts write no spaces. The entry is a teaser when it has no
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
 * Deliberately cheap and not an HTML parser: it runs on every new entry,
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
/* Text of an entry read when judging it (a longer one is no teaser). */
#define TEASER_SCAN_BYTES ((size_t)256 * 1024)

/* Does s end with suffix? */
static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);

    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* Append the text of an HTML fragment to out (tags dropped, a few entities decoded), lower case. */
static void fragment_text(const char *p, size_t len, wc_buf *out, size_t *words)
{
    static const struct {
        const char *name;
        const char *text;
    } ents[] = {{"&hellip;", "\xe2\x80\xa6"},
                {"&#8230;", "\xe2\x80\xa6"},
                {"&#x2026;", "\xe2\x80\xa6"},
                {"&nbsp;", " "},
                {"&#160;", " "},
                {"&amp;", "&"},
                {"&raquo;", "\xc2\xbb"},
                {"&rarr;", "\xe2\x86\x92"},
                {"&#8594;", "\xe2\x86\x92"},
                {"&#187;", "\xc2\xbb"},
                {"&#91;", "["},
                {"&#93;", "]"}};
    size_t i = 0, k;
    bool in_word = false;
    double cjk = 0;

    while (i < len && out->len < TEASER_SCAN_BYTES) {
        unsigned char c = (unsigned char)p[i];
        if (c == '<') {
            const char *gt = memchr(p + i, '>', len - i);
            /* a tag separates words: "<p>a</p><p>b</p>" is two */
            i = gt ? (size_t)(gt - p) + 1 : len;
            if (out->len && out->buf[out->len - 1] != ' ')
                wc_buf_addch(out, ' ');
            in_word = false;
            continue;
        }
        if (c == '&') {
            for (k = 0; k < WC_ARRAY_SIZE(ents); k++) {
                if (wc_mem_istarts(p + i, len - i, ents[k].name)) {
                    wc_buf_addstr(out, ents[k].text);
                    i += strlen(ents[k].name);
                    in_word = ents[k].text[0] != ' ' && in_word;
                    break;
                }
            }
            if (k < WC_ARRAY_SIZE(ents))
                continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            if (out->len && out->buf[out->len - 1] != ' ')
                wc_buf_addch(out, ' ');
            in_word = false;
        } else {
            if (!in_word && (c >= 0x80 || c > ' '))
                (*words)++;
            in_word = true;
            /* ideographic scripts write no spaces: count two characters as a word */
            if (c >= 0xE3 && c <= 0xEF)
                cjk += 0.5;
            wc_buf_addch(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
        }
        i++;
    }
    *words += (size_t)cjk;
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
    wc_buf text = WC_BUF_INIT;
    size_t words = 0, n, k, tail;
    const char *s;
    bool teaser = false;

    if (!html || !len)
        return true;
    fragment_text(html, len, &text, &words);
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
