/*
 * extract_author.c - who wrote the article, from every place a page
 * names its authors.
 *
 * Witnesses arrive with priorities like the other metadata (see
 * extract_meta.c): JSON-LD author (70), <meta name=author> (60),
 * itemprop=author (55, 50 without a nested name), hCard (45), rel=author
 * links (40), byline lines "By Jane Doe" in the text (30). A higher
 * priority replaces the names collected so far; an equal one adds to them,
 * so "A and B" from one witness and "C" from another of the same weight
 * give three names.
 *
 * Each value has its character references decoded and its blanks
 * collapsed (ex_normalise), then it is cut into names at commas,
 * semicolons, bars, " &" and the word "and" (and, und, et, y), "By " is
 * dropped, and a name is kept only when
 * it reads like one: 2 to 80 bytes, at most six words, no URL, e-mail
 * address or slash, none of the labels that sit where names do ("View
 * Profile", "More posts"). Names in capitals are title-cased ("JOHN
 * O'BRIEN" -> "John O'Brien"); duplicates (ignoring case) are dropped and
 * at most MAX_AUTHORS kept.
 *
 * What it does not do: tell a person from an organisation, or look names
 * up anywhere.
 */
#include "extract_internal.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Authors kept. */
#define MAX_AUTHORS 8

static bool all_caps(const char *s)
{
    bool letter = false;

    for (; *s; s++) {
        if (*s >= 'a' && *s <= 'z')
            return false;
        if (*s >= 'A' && *s <= 'Z')
            letter = true;
    }
    return letter;
}

/* "JOHN O'BRIEN" -> "John O'Brien" (ASCII letters only). */
static void title_case(char *s)
{
    bool start = true;

    for (; *s; s++) {
        if (*s >= 'A' && *s <= 'Z') {
            if (!start)
                *s = (char)(*s + 32);
            start = false;
        } else if ((unsigned char)*s >= 0x80 || (*s >= 'a' && *s <= 'z') ||
                   (*s >= '0' && *s <= '9')) {
            start = false;
        } else {
            start = *s != '\'' || s[1] == '\0' || s[2] == '\0' ? true : s[-1] == 'O';
        }
    }
}

/* Labels of links and buttons that sit where names do ("View Profile", "More posts"). */
static bool ui_words(const char *p, size_t len)
{
    static const char *const words[] = {
        "profile",  "view ",   "posts",   "email",     "follow",   "twitter", "facebook",   "rss",
        "articles", "contact", "website", "subscribe", "comments", "more by", "all stories"};
    size_t i;

    for (i = 0; i < WC_ARRAY_SIZE(words); i++)
        if (wc_mem_istr(p, len, words[i]))
            return true;
    return false;
}

static void add_one_author(ex_doc *d, const char *p, size_t len)
{
    char *s;
    size_t i, words = 1, n;

    wc_mem_trim(&p, &len);
    while (len && (p[len - 1] == ',' || p[len - 1] == '|' || p[len - 1] == '.'))
        len--;
    if (wc_mem_istarts(p, len, "by ")) {
        p += 3;
        len -= 3;
    }
    wc_mem_trim(&p, &len);
    if (len < 2 || len > 80 || wc_mem_istr(p, len, "http") || wc_mem_istr(p, len, "www.") ||
        memchr(p, '@', len) || memchr(p, '/', len))
        return;
    for (i = 0; i < len; i++)
        words += p[i] == ' ';
    if (words > 6 || ui_words(p, len))
        return;
    s = wc_strndup(p, len); /* decoded and squeezed by ex_meta_add_author */
    if (!s)
        return;
    if (all_caps(s))
        title_case(s);
    n = strlen(s);
    for (i = 0; i < d->n_authors; i++)
        if (strlen(d->authors[i]) == n && wc_mem_ieq(d->authors[i], n, s)) {
            free(s);
            return;
        }
    if (d->n_authors >= MAX_AUTHORS) {
        free(s);
        return;
    }
    d->authors[d->n_authors++] = s;
}

void ex_meta_add_author(ex_doc *d, const char *v, size_t vlen, int prio)
{
    size_t i, start = 0, len;
    char *value;
    const char *p;

    if (prio < d->author_prio)
        return;
    if (prio > d->author_prio) {
        for (i = 0; i < d->n_authors; i++)
            free(d->authors[i]);
        d->n_authors = 0;
        d->author_prio = prio;
    }
    /* references decoded before the value is cut into names: "O&#039;Donnell" is one
       name, "A &amp; B" two (a value never grows by decoding) */
    if (!(value = ex_normalise(v, vlen, vlen)))
        return;
    p = value;
    len = strlen(value);
    if (wc_mem_istarts(p, len, "by ")) {
        p += 3;
        len -= 3;
    }
    /* "A and B", "A, B & C", "A; B" */
    for (i = 0; i <= len; i++) {
        size_t cut = 0;
        if (i == len)
            cut = 1;
        else if (p[i] == ',' || p[i] == ';' || p[i] == '|')
            cut = 1;
        else if (p[i] == '&' && i > 0 && p[i - 1] == ' ')
            cut = 1;
        else if (i + 5 <= len && !memcmp(p + i, " and ", 5))
            cut = 5;
        else if (i + 5 <= len && !memcmp(p + i, " und ", 5))
            cut = 5;
        else if (i + 4 <= len && !memcmp(p + i, " et ", 4))
            cut = 4;
        else if (i + 3 <= len && !memcmp(p + i, " y ", 3))
            cut = 3;
        if (!cut)
            continue;
        if (i > start)
            add_one_author(d, p + start, i - start);
        start = i + cut;
        i = start - 1;
    }
    free(value);
}

/* Does the class value hold the word w (as a whole class name)? */
static bool has_class(const char *v, size_t l, const char *w)
{
    size_t n = strlen(w), i = 0;

    while (i < l) {
        size_t s;
        while (i < l && v[i] == ' ')
            i++;
        s = i;
        while (i < l && v[i] != ' ')
            i++;
        if (i - s == n && !memcmp(v + s, w, n))
            return true;
    }
    return false;
}

/*
 * hCard, the microformat most blog templates still print: an element of
 * class "fn" (the formatted name) inside one of class "author" or
 * "vcard" names the author.
 */
void ex_hcard_author(ex_doc *d, uint32_t n, const char *v, size_t l)
{
    uint32_t a;
    int up;

    if (!has_class(v, l, "fn"))
        return;
    for (a = d->nodes[n].parent, up = 0; a != EX_NONE && up < 4; a = d->nodes[a].parent, up++) {
        size_t cl;
        const char *c = ex_attr_get(d, a, A_CLASS, &cl);
        if (c && (has_class(c, cl, "author") || has_class(c, cl, "vcard"))) {
            char text[160];
            size_t tl = ex_node_text(d, n, text, sizeof(text));
            if (tl && tl < 80)
                ex_meta_add_author(d, text, tl, 45);
            return;
        }
    }
}

/* Byline elements ("By Jane Doe") when nothing better named the authors. */
void ex_byline_authors(ex_doc *d)
{
    uint32_t i;
    unsigned seen = 0;

    if (d->author_prio >= 40)
        return;
    for (i = 0; i < d->n_blocks && seen < 3; i++) {
        const ex_block *b = &d->blocks[i];
        const char *p = d->btext.buf + b->off;
        if (b->words > 24 || !(b->flags & BF_BYLINE))
            continue;
        if (!wc_mem_istarts(p, b->len, "by ") && !wc_mem_istarts(p, b->len, "posted by ") &&
            !wc_mem_istarts(p, b->len, "written by "))
            continue;
        seen++;
        {
            const char *q = wc_mem_istr(p, b->len, "by ") + 3;
            size_t ql = b->len - (size_t)(q - p), k;
            /* stop at a date or a separator: "By Jane Doe | July 4, 2012" */
            for (k = 0; k < ql; k++)
                if (q[k] == '|' || (q[k] >= '0' && q[k] <= '9') ||
                    (k + 4 < ql && !memcmp(q + k, " on ", 4)) ||
                    (k + 4 < ql && !memcmp(q + k, " at ", 4)) ||
                    wc_mem_istarts(q + k, ql - k, " published") ||
                    wc_mem_istarts(q + k, ql - k, " posted") ||
                    wc_mem_istarts(q + k, ql - k, " updated"))
                    break;
            ex_meta_add_author(d, q, k, 30);
        }
    }
}
