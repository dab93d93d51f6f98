/*
 * extract_meta.c - an article's metadata: title, authors, dates, site,
 * canonical URL, language, description, main image.
 *
 * Every field has several witnesses of unequal trust, so each value
 * arrives with a priority and the highest wins (ties: the first seen):
 *
 *   80  JSON-LD datePublished/dateModified, <link rel=canonical>, og:site_name, og:image
 *   70  JSON-LD headline/author, og:description, article:published_time (75)
 *   60  og:title, <meta name=author>, meta description, JSON-LD publisher/image
 *   50  twitter:*, Dublin Core, itemprop=... in the page, <time pubdate>
 *   30  <title> minus its site suffix, byline text, dates in the text
 *   10  fallbacks: the host name as site, a date in the URL
 *
 * Beside these priorities among the page's own witnesses stands a second
 * table, between the page and what is known from outside it (the
 * record's fields, the feed entry's, the URL's host): see extract.h
 * (wc_article_known) and precedence[] at the end of this file. A fragment
 * (a feed entry's content) has no <head>: the entry's title, site and
 * author take its place, at the priorities of <title>, og:site_name and
 * <meta name=author>.
 *
 * This file collects the witnesses from the tree (<meta>, <link>, <base>,
 * <time>, microdata; JSON-LD in extract_jsonld.c) and, once the article is
 * chosen, turns the winners into the wc_article's fields. Three parts have
 * files of their own: the headline against <title> (extract_title.c),
 * authors and bylines (extract_author.c), and dates as pages write them
 * (extract_date.c). URLs (canonical, image, <base href>) are resolved
 * against <base href> or the page's URL with the project's RFC 3986
 * resolver, wc_url_resolve, and kept only when they are http(s).
 */
#include "extract_internal.h"

#include <stdlib.h>
#include <string.h>

#include "wirecopy/url.h"

#include "internal.h"

/* Bytes kept of one metadata value (descriptions are the longest). */
#define META_MAX 2048

/* --- setting values ------------------------------------------------------------- */

/*
 * Room for decoding one value: a character reference never decodes to
 * more bytes than it is written with ("&lt;" is 4 bytes for 1, "&#x10000;"
 * 9 for 4), so the input's length and a little.
 */
#define NORMALISE_SLACK 8

/*
 * Copy p[0..len) with the character references JSON-LD and double-escaped
 * meta tags leave in decoded (wc_html_decode) and blanks collapsed
 * (wc_text_squeeze); at most max bytes, cut at a character.
 */
char *ex_normalise(const char *p, size_t len, size_t max)
{
    wc_buf b;

    wc_buf_init(&b, len + NORMALISE_SLACK);
    if (wc_html_decode(&b, p, len)) {
        wc_buf_release(&b);
        return NULL;
    }
    wc_text_squeeze(&b);
    if (b.len > max) {
        wc_buf_setlen(&b, max);
        wc_buf_rtrim(&b);
    }
    /* a cut may have split a character: drop a partial sequence at the end */
    while (b.len && !wc_utf8_valid(b.buf, b.len))
        b.len--;
    if (!b.len) {
        wc_buf_release(&b);
        return NULL;
    }
    b.buf[b.len] = '\0';
    return wc_buf_detach(&b, NULL);
}

void ex_meta_set(ex_doc *d, unsigned slot, const char *p, size_t len, int prio)
{
    char *s;

    if (slot >= M_COUNT || prio <= d->meta[slot].prio)
        return;
    s = ex_normalise(p, len, META_MAX);
    if (!s)
        return;
    free(d->meta[slot].s);
    d->meta[slot].s = s;
    d->meta[slot].prio = prio;
}

/* --- URLs -------------------------------------------------------------------- */

/* url's host without a leading "www.", into *h; its length, 0 when there is none. */
size_t ex_site_host(const char *url, size_t len, const char **h)
{
    wc_url_parts u;
    size_t n;

    wc_url_split(url, len, &u);
    *h = url + u.host.off;
    n = u.host.len;
    if (n > 4 && wc_mem_istarts(*h, n, "www.")) {
        *h += 4;
        n -= 4;
    }
    return n;
}

char *ex_resolve_url(const ex_doc *d, const char *ref, size_t len)
{
    const char *base = d->base_url ? d->base_url : d->url;
    char tmp[EX_MAX_ATTR + 1], *out;

    wc_mem_trim(&ref, &len);
    /* nothing, too long, or a place on this very page ("#top") */
    if (!len || len > EX_MAX_ATTR || memchr(ref, '\0', len) || ref[0] == '#')
        return NULL;
    memcpy(tmp, ref, len);
    tmp[len] = '\0';
    if (wc_url_is_http(tmp))
        return wc_strdup(tmp);
    if (!base || !wc_url_is_http(base))
        return NULL;
    /* "javascript:", "mailto:", "data:" resolve to themselves: not http, so dropped */
    out = wc_url_resolve(base, tmp);
    if (out && !wc_url_is_http(out)) {
        free(out);
        out = NULL;
    }
    return out;
}

/* --- collecting from the tree -------------------------------------------------- */

struct named {
    const char *name;
    unsigned slot;
    int prio;
};

/* <meta name|property|itemprop=...> keys (lower case). */
static const struct named meta_keys[] = {
    {"og:title", M_TITLE, 60},
    {"twitter:title", M_TITLE, 50},
    {"headline", M_TITLE, 55},
    {"dc.title", M_TITLE, 45},
    {"og:site_name", M_SITE, 80},
    {"application-name", M_SITE, 40},
    {"al:android:app_name", M_SITE, 30},
    {"og:description", M_DESCRIPTION, 70},
    {"description", M_DESCRIPTION, 60},
    {"twitter:description", M_DESCRIPTION, 50},
    {"dc.description", M_DESCRIPTION, 45},
    {"og:image", M_IMAGE, 80},
    {"og:image:url", M_IMAGE, 79},
    {"og:image:secure_url", M_IMAGE, 78},
    {"twitter:image", M_IMAGE, 70},
    {"twitter:image:src", M_IMAGE, 70},
    {"image", M_IMAGE, 45},
    {"thumbnail", M_IMAGE, 40},
    {"og:url", M_CANONICAL, 60},
    {"twitter:url", M_CANONICAL, 40},
    {"article:published_time", M_PUBLISHED, 75},
    {"og:published_time", M_PUBLISHED, 70},
    {"og:article:published_time", M_PUBLISHED, 70},
    {"datepublished", M_PUBLISHED, 70},
    {"article.published", M_PUBLISHED, 60},
    {"pubdate", M_PUBLISHED, 60},
    {"publishdate", M_PUBLISHED, 60},
    {"publish-date", M_PUBLISHED, 60},
    {"publish_date", M_PUBLISHED, 60},
    {"date_published", M_PUBLISHED, 60},
    {"parsely-pub-date", M_PUBLISHED, 60},
    {"sailthru.date", M_PUBLISHED, 55},
    {"dc.date.issued", M_PUBLISHED, 55},
    {"dcterms.issued", M_PUBLISHED, 55},
    {"dcterms.created", M_PUBLISHED, 50},
    {"dc.date", M_PUBLISHED, 50},
    {"dc.date.created", M_PUBLISHED, 50},
    {"displaydate", M_PUBLISHED, 50},
    {"originalpublicationdate", M_PUBLISHED, 55},
    {"article_date_original", M_PUBLISHED, 55},
    {"date", M_PUBLISHED, 45},
    {"cxenseparse:recs:publishtime", M_PUBLISHED, 50},
    {"article:modified_time", M_MODIFIED, 75},
    {"og:updated_time", M_MODIFIED, 70},
    {"datemodified", M_MODIFIED, 70},
    {"dcterms.modified", M_MODIFIED, 50},
    {"dc.date.modified", M_MODIFIED, 50},
    {"last-modified", M_MODIFIED, 40},
    {"lastmod", M_MODIFIED, 40},
    {"og:locale", M_LANG, 40},
    {"language", M_LANG, 45},
    {"dc.language", M_LANG, 45},
    {"content-language", M_LANG, 45},
    {"article:section", M_SECTION, 50},
};

/* <meta> keys that name authors. */
static const struct named author_keys[] = {
    {"author", 0, 60},          {"article:author", 0, 55}, {"byl", 0, 50},
    {"dc.creator", 0, 50},      {"parsely-author", 0, 60}, {"sailthru.author", 0, 55},
    {"dcterms.creator", 0, 50}, {"byline", 0, 50},         {"og:article:author", 0, 50},
};

static void meta_tag(ex_doc *d, uint32_t n)
{
    const char *key = NULL, *content;
    size_t kl = 0, cl, i;
    char low[64];

    content = ex_attr_get(d, n, A_CONTENT, &cl);
    key = ex_attr_get(d, n, A_PROPERTY, &kl);
    if (!key)
        key = ex_attr_get(d, n, A_NAME, &kl);
    if (!key)
        key = ex_attr_get(d, n, A_ITEMPROP, &kl);
    if (!key)
        key = ex_attr_get(d, n, A_HTTP_EQUIV, &kl);
    if (!key || !content || !cl || kl >= sizeof(low))
        return;
    for (i = 0; i < kl; i++)
        low[i] = (char)((key[i] >= 'A' && key[i] <= 'Z') ? key[i] + 32 : key[i]);
    low[kl] = '\0';
    for (i = 0; i < WC_ARRAY_SIZE(meta_keys); i++)
        if (!strcmp(low, meta_keys[i].name)) {
            ex_meta_set(d, meta_keys[i].slot, content, cl, meta_keys[i].prio);
            return;
        }
    for (i = 0; i < WC_ARRAY_SIZE(author_keys); i++)
        if (!strcmp(low, author_keys[i].name)) {
            if (!wc_mem_istarts(content, cl, "http"))
                ex_meta_add_author(d, content, cl, author_keys[i].prio);
            return;
        }
}

static void link_tag(ex_doc *d, uint32_t n)
{
    size_t rl, hl;
    const char *rel = ex_attr_get(d, n, A_REL, &rl);
    const char *href = ex_attr_get(d, n, A_HREF, &hl);

    if (!rel || !href || !hl)
        return;
    if (wc_mem_ieq(rel, rl, "canonical"))
        ex_meta_set(d, M_CANONICAL, href, hl, 80);
    else if (wc_mem_ieq(rel, rl, "image_src"))
        ex_meta_set(d, M_IMAGE, href, hl, 50);
}

/* Room past max that ex_dom_text may take: it stops at max, but may end on a separating space. */
#define NODE_TEXT_SLACK 8

/* Text of element n into a small buffer; "" on failure. */
size_t ex_node_text(const ex_doc *d, uint32_t n, char *out, size_t cap)
{
    wc_buf b;
    size_t l;

    wc_buf_init(&b, cap + NODE_TEXT_SLACK);
    if (ex_dom_text(d, n, &b, cap - 1) || !b.len) {
        wc_buf_release(&b);
        out[0] = '\0';
        return 0;
    }
    l = WC_MIN(b.len, cap - 1);
    while (l && !wc_utf8_valid(b.buf, l))
        l--;
    memcpy(out, b.buf, l);
    out[l] = '\0';
    wc_buf_release(&b);
    return l;
}

static void itemprop_value(ex_doc *d, uint32_t n, const char *prop, size_t pl)
{
    char text[512];
    size_t tl = 0, vl;
    const char *v;
    unsigned tag = d->nodes[n].tag;

    if (tag == T_META)
        return; /* handled by meta_tag */
    if (wc_mem_ieq(prop, pl, "datePublished") || wc_mem_ieq(prop, pl, "dateCreated") ||
        wc_mem_ieq(prop, pl, "dateModified")) {
        unsigned slot = wc_mem_ieq(prop, pl, "dateModified") ? M_MODIFIED : M_PUBLISHED;
        v = ex_attr_get(d, n, A_DATETIME, &vl);
        if (!v)
            v = ex_attr_get(d, n, A_CONTENT, &vl);
        if (!v) {
            tl = ex_node_text(d, n, text, 128);
            v = text;
            vl = tl;
        }
        ex_meta_set(d, slot, v, vl, wc_mem_ieq(prop, pl, "dateCreated") ? 45 : 55);
    } else if (wc_mem_ieq(prop, pl, "author") || wc_mem_ieq(prop, pl, "creator")) {
        uint32_t c, end = n + 1;
        bool named = false;
        /* a nested itemprop=name carries the name */
        while (end < d->n_nodes && ex_is_ancestor(d, n, end))
            end++;
        for (c = n + 1; c < end; c++) {
            size_t cl;
            const char *cp = ex_attr_get(d, c, A_ITEMPROP, &cl);
            if (cp && wc_mem_ieq(cp, cl, "name")) {
                v = ex_attr_get(d, c, A_CONTENT, &vl);
                if (!v) {
                    tl = ex_node_text(d, c, text, sizeof(text));
                    v = text;
                    vl = tl;
                }
                ex_meta_add_author(d, v, vl, 55);
                named = true;
                break;
            }
        }
        if (!named) {
            v = ex_attr_get(d, n, A_CONTENT, &vl);
            if (!v) {
                tl = ex_node_text(d, n, text, sizeof(text));
                v = text;
                vl = tl;
            }
            if (vl && vl < 120)
                ex_meta_add_author(d, v, vl, 50);
        }
    } else if (wc_mem_ieq(prop, pl, "headline")) {
        tl = ex_node_text(d, n, text, sizeof(text));
        ex_meta_set(d, M_TITLE, text, tl, 55);
    } else if (wc_mem_ieq(prop, pl, "image") || wc_mem_ieq(prop, pl, "thumbnailUrl")) {
        v = ex_attr_get(d, n, A_SRC, &vl);
        if (!v)
            v = ex_attr_get(d, n, A_HREF, &vl);
        if (!v)
            v = ex_attr_get(d, n, A_CONTENT, &vl);
        if (v)
            ex_meta_set(d, M_IMAGE, v, vl, 45);
    }
}
/* The primary subtag of a language tag v[0..l) ("en-US" -> "en"), lower case, as html_lang. */
static void set_html_lang(ex_doc *d, const char *v, size_t l)
{
    size_t k;

    for (k = 0; k < l && k + 1 < sizeof(d->html_lang) && v[k] != '-' && v[k] != '_'; k++)
        d->html_lang[k] = (char)((v[k] >= 'A' && v[k] <= 'Z') ? v[k] + 32 : v[k]);
    d->html_lang[k] = '\0';
}

static void collect(ex_doc *d, struct ex_title_ctx *tc)
{
    uint32_t n;
    size_t l;
    const char *v;
    int64_t t;

    for (n = 1; n < d->n_nodes; n++) {
        const ex_node *nd = &d->nodes[n];
        if (nd->tag == T_TEXT)
            continue;
        switch (nd->tag) {
        case T_META:
            meta_tag(d, n);
            continue;
        case T_LINK:
            link_tag(d, n);
            continue;
        case T_BASE:
            if (!d->base_url && (v = ex_attr_get(d, n, A_HREF, &l)) && l) {
                ex_doc tmp = *d;
                tmp.base_url = NULL;
                d->base_url = ex_resolve_url(&tmp, v, l);
            }
            continue;
        case T_HTML:
            if ((v = ex_attr_get(d, n, A_LANG, &l)) && l)
                set_html_lang(d, v, l);
            break;
        case T_TIME:
            if ((v = ex_attr_get(d, n, A_DATETIME, &l)) && ex_date_parse(v, l, &t)) {
                int prio = (nd->flags & NF_PUBDATE) ? 55 : 35;
                if (!(nd->cls & EXC_COMMENT))
                    ex_meta_set(d, M_PUBLISHED, v, l, prio);
            }
            break;
        case T_A:
            if ((v = ex_attr_get(d, n, A_REL, &l)) && wc_mem_istr(v, l, "author")) {
                char text[160];
                size_t tl = ex_node_text(d, n, text, sizeof(text));
                if (tl && tl < 60)
                    ex_meta_add_author(d, text, tl, 40);
            }
            break;
        default:
            break;
        }
        if ((v = ex_attr_get(d, n, A_ITEMPROP, &l)) && l)
            itemprop_value(d, n, v, l);
        if ((v = ex_attr_get(d, n, A_CLASS, &l)) && l)
            ex_hcard_author(d, n, v, l);
        if (tc->n_heads < EX_MAX_HEADS &&
            (nd->tag == T_H1 ||
             ((nd->cls & EXC_TITLE) && (ex_tag_flags(nd->tag) & TF_HEADING) && nd->tag <= T_H3)))
            tc->heads[tc->n_heads++] = n;
        else if (tc->n_subs < EX_MAX_SUBS && (nd->tag == T_H2 || nd->tag == T_H3))
            tc->subs[tc->n_subs++] = n;
    }
}

void ex_meta_collect(ex_doc *d)
{
    struct ex_title_ctx tc;

    memset(&tc, 0, sizeof(tc));
    collect(d, &tc);
    ex_jsonld_read(d);
    if (d->title.len) {
        tc.doc_title = ex_normalise(d->title.buf, d->title.len, META_MAX);
    }
    ex_title_decide(d, &tc);
    free(tc.doc_title);
    if (!d->html_lang[0] && d->meta[M_LANG].s)
        set_html_lang(d, d->meta[M_LANG].s, strlen(d->meta[M_LANG].s));
}

/* --- into the article ---------------------------------------------------------- */

static int64_t slot_date(ex_doc *d, unsigned slot)
{
    int64_t t;

    if (d->meta[slot].s && ex_date_parse(d->meta[slot].s, strlen(d->meta[slot].s), &t))
        return t;
    return WC_TIME_NONE;
}

static char *take(ex_doc *d, unsigned slot)
{
    char *s = d->meta[slot].s;

    d->meta[slot].s = NULL;
    return s;
}

void ex_meta_finish(ex_doc *d, wc_article *a)
{
    size_t i, len = 0;
    int64_t t;
    char *s;

    ex_byline_authors(d);
    a->title = take(d, M_TITLE);
    a->description = take(d, M_DESCRIPTION);
    a->published_at = slot_date(d, M_PUBLISHED);
    a->modified_at = slot_date(d, M_MODIFIED);
    if (a->published_at == WC_TIME_NONE && d->container != EX_NONE) {
        /* a dateline in the article's own region (not a sidebar's event list), then the URL */
        uint32_t region = d->container, k;
        if (d->h1 != EX_NONE) {
            region = ex_common_ancestor(d, d->h1, d->container);
            if (d->nodes[region].tag == T_BODY || d->nodes[region].tag == T_HTML || region == 0)
                region = d->container;
        } else {
            /* no headline to anchor on: the article's wrapper, a few levels up */
            for (k = 0; k < 3 && d->nodes[region].parent != EX_NONE; k++) {
                uint32_t up = d->nodes[region].parent;
                if (d->nodes[up].tag == T_BODY || d->nodes[up].tag == T_HTML || up == 0)
                    break;
                region = up;
            }
        }
        for (i = 0; i < d->n_blocks; i++) {
            const ex_block *b = &d->blocks[i];
            if ((b->flags & BF_BYLINE) && b->words <= 24 && ex_is_ancestor(d, region, b->node) &&
                ex_date_parse(d->btext.buf + b->off, b->len, &t)) {
                a->published_at = t;
                break;
            }
        }
        /* blogs print the date above the post's wrapper: the nearest dateline before
           the headline, one level up */
        if (a->published_at == WC_TIME_NONE && d->h1 != EX_NONE &&
            d->nodes[region].parent != EX_NONE) {
            uint32_t up = d->nodes[region].parent;
            for (i = 0; i < d->n_blocks && !ex_is_ancestor(d, d->h1, d->blocks[i].node); i++) {
                const ex_block *b = &d->blocks[i];
                if ((b->flags & BF_BYLINE) && b->words <= 24 && ex_is_ancestor(d, up, b->node) &&
                    ex_date_parse(d->btext.buf + b->off, b->len, &t))
                    a->published_at = t; /* keep the last one before the headline */
            }
        }
    }
    if (a->published_at == WC_TIME_NONE && d->meta[M_CANONICAL].s &&
        ex_url_date(d->meta[M_CANONICAL].s, &t))
        a->published_at = t;
    if (a->published_at == WC_TIME_NONE && d->url && ex_url_date(d->url, &t))
        a->published_at = t;
    if (a->modified_at != WC_TIME_NONE && a->published_at == WC_TIME_NONE)
        a->published_at = a->modified_at;
    if (d->meta[M_CANONICAL].s)
        a->canonical_url =
            ex_resolve_url(d, d->meta[M_CANONICAL].s, strlen(d->meta[M_CANONICAL].s));
    if (d->meta[M_IMAGE].s)
        a->image = ex_resolve_url(d, d->meta[M_IMAGE].s, strlen(d->meta[M_IMAGE].s));
    a->site = take(d, M_SITE);
    if (a->site && wc_url_is_http(a->site)) {
        free(a->site); /* a URL given as the site's name: the host below says it better */
        a->site = NULL;
    }
    if (!a->site) {
        const char *u = a->canonical_url ? a->canonical_url : d->url, *h;
        size_t n = u ? ex_site_host(u, strlen(u), &h) : 0;
        if (n)
            a->site = wc_strndup(h, n);
    }
    /* authors joined "A, B" */
    for (i = 0; i < d->n_authors; i++)
        len += strlen(d->authors[i]) + 2;
    if (d->n_authors && (s = malloc(len + 1))) {
        size_t o = 0;
        for (i = 0; i < d->n_authors; i++) {
            size_t l = strlen(d->authors[i]);
            if (i) {
                memcpy(s + o, ", ", 2);
                o += 2;
            }
            memcpy(s + o, d->authors[i], l);
            o += l;
        }
        s[o] = '\0';
        a->author = s;
    }
    if (d->lang >= 0)
        a->lang = wc_strdup(wc_lang_code(d->lang));
    else if (d->html_lang[0] && strlen(d->html_lang) <= 3)
        a->lang = wc_strdup(d->html_lang);
}

/* --- what is known from outside the page ------------------------------------------ */

/* Where a field's value may come from (the sources of wc_article_known). */
enum known_source {
    SRC_PAGE,   /* what extraction found, by the priorities above */
    SRC_RECORD, /* the record's own fields */
    SRC_ENTRY,  /* the feed entry's */
    SRC_HOST,   /* the host of the record's URL, else of the canonical URL */
    SRC_END
};

enum known_field { F_TITLE, F_AUTHOR, F_SITE, F_PUBLISHED, F_COUNT };

/*
 * The precedence table beside the page's own priorities (see extract.h):
 * per field, the sources in the order they win. It is the order ingest
 * has stored documents in: a page's headline, byline and site over what
 * came with it, but the record's date (a JSONL "published", the feed
 * entry's date on an entry's own text) over the page's guess.
 */
static const uint8_t precedence[F_COUNT][SRC_END] = {
    [F_TITLE] = {SRC_PAGE, SRC_RECORD, SRC_ENTRY, SRC_END},
    [F_AUTHOR] = {SRC_PAGE, SRC_RECORD, SRC_ENTRY, SRC_END},
    [F_SITE] = {SRC_PAGE, SRC_RECORD, SRC_ENTRY, SRC_HOST},
    [F_PUBLISHED] = {SRC_RECORD, SRC_PAGE, SRC_ENTRY, SRC_END},
};

void wc_article_known_init(wc_article_known *k)
{
    memset(k, 0, sizeof(*k));
    k->record.published_at = WC_TIME_NONE;
    k->entry.published_at = WC_TIME_NONE;
}

/* Bytes of one known string kept, as an attribute value would be. */
#define KNOWN_MAX EX_MAX_ATTR

/* Bytes of a repaired copy of len bytes: each bad byte becomes U+FFFD, 3 bytes. */
#define REPAIRED_MAX(len) ((len)*3 + 16)

/* A malloc'd copy of s[0..len) that is valid UTF-8 (U+FFFD for bad bytes); NULL on OOM. */
static char *utf8_dup(const char *s, size_t len)
{
    wc_buf b;

    if (wc_utf8_valid(s, len) && !memchr(s, '\0', len))
        return wc_strndup(s, len);
    wc_buf_init(&b, REPAIRED_MAX(len));
    if (wc_utf8_sanitize(&b, s, len, NULL)) {
        wc_buf_release(&b);
        return NULL;
    }
    return wc_buf_detach(&b, NULL);
}

/*
 * A fragment's head: the entry's title is its <title>, its site
 * og:site_name (priority 80), its author <meta name=author> (60), each as
 * the parser would have kept them (KNOWN_MAX bytes, an author that is a
 * link is none). Set before anything of the fragment is collected, so ties
 * go to the entry as they go to a page's <head>.
 */
wc_status ex_meta_fragment_head(ex_doc *d)
{
    const wc_meta_witness *e = d->known ? &d->known->entry : NULL;
    const char *v[3] = {e ? e->title : NULL, e ? e->site : NULL, e ? e->author : NULL};
    char *s[3] = {NULL, NULL, NULL};
    wc_status st = WC_OK;
    unsigned i;

    wc_buf_reset(&d->title); /* a <title> inside a fragment is not the entry's */
    for (i = 0; i < 3; i++)
        if (v[i] &&
            !(s[i] = utf8_dup(v[i], i ? WC_MIN(strlen(v[i]), (size_t)KNOWN_MAX) : strlen(v[i])))) {
            st = WC_ERR_NOMEM;
            goto out;
        }
    if (s[0] && strlen(s[0]) <= EX_MAX_TITLE && (st = wc_buf_addstr(&d->title, s[0])))
        goto out;
    if (s[1] && *s[1])
        ex_meta_set(d, M_SITE, s[1], strlen(s[1]), 80);
    if (s[2] && *s[2] && !wc_mem_istarts(s[2], strlen(s[2]), "http"))
        ex_meta_add_author(d, s[2], strlen(s[2]), 60);
out:
    for (i = 0; i < 3; i++)
        free(s[i]);
    return st;
}

static const char *witness_string(const wc_meta_witness *w, unsigned field)
{
    return field == F_TITLE ? w->title : field == F_AUTHOR ? w->author : w->site;
}

/* *out = wc_url_host(url), NULL when url has no host; WC_ERR_NOMEM tells OOM from no host. */
static wc_status url_host(const char *url, char **out)
{
    wc_url_parts u;
    size_t len;

    *out = NULL;
    if (!url || (len = strlen(url)) > WC_URL_MAX_LEN)
        return WC_OK;
    wc_url_split(url, len, &u);
    if (!u.host.present || !u.host.len)
        return WC_OK;
    return (*out = wc_url_host(url)) ? WC_OK : WC_ERR_NOMEM;
}

/* One string field of a decided by the table. */
static wc_status decide_string(wc_article *a, const wc_article_known *k, unsigned field,
                               char **slot)
{
    const uint8_t *order = precedence[field];
    unsigned i;
    wc_status st;

    for (i = 0; i < SRC_END && order[i] != SRC_END; i++) {
        const char *v = NULL;
        char *copy = NULL;
        switch (order[i]) {
        case SRC_PAGE:
            if (*slot)
                return WC_OK;
            continue;
        case SRC_RECORD:
            v = k ? witness_string(&k->record, field) : NULL;
            break;
        case SRC_ENTRY:
            v = k ? witness_string(&k->entry, field) : NULL;
            break;
        case SRC_HOST:
            if ((st = url_host(k && k->url ? k->url : a->canonical_url, &copy)))
                return st;
            break;
        }
        if (!v && !copy)
            continue;
        if (v && !(copy = utf8_dup(v, strlen(v))))
            return WC_ERR_NOMEM;
        free(*slot);
        *slot = copy;
        return WC_OK;
    }
    return WC_OK;
}

wc_status wc_article_merge_known(wc_article *a, const wc_article_known *k)
{
    const uint8_t *order = precedence[F_PUBLISHED];
    wc_status st;
    unsigned i;

    if ((st = decide_string(a, k, F_TITLE, &a->title)) ||
        (st = decide_string(a, k, F_AUTHOR, &a->author)) ||
        (st = decide_string(a, k, F_SITE, &a->site)))
        return st;
    for (i = 0; i < SRC_END && order[i] != SRC_END; i++) {
        int64_t t = WC_TIME_NONE;
        if (order[i] == SRC_PAGE)
            t = a->published_at;
        else if (k && order[i] == SRC_RECORD)
            t = k->record.published_at;
        else if (k && order[i] == SRC_ENTRY)
            t = k->entry.published_at;
        if (t != WC_TIME_NONE) {
            a->published_at = t;
            break;
        }
    }
    return WC_OK;
}
