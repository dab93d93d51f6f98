/*
 * extract_title.c - the headline, chosen between what the page calls its
 * title and what it prints as one.
 *
 * <title> usually reads "Headline | Site" or "Site - Section -
 * Headline", og:title is often written for another place ("... - live
 * updates"), and the <h1> may be the site's name. So the candidates are
 * weighed against each other:
 *
 *  1. a heading (an <h1>, or an element the template calls a title) that
 *     is og:title, or holds or is held by a title, and is not the site's
 *     name, is the headline;
 *  2. else a blog's linked <h2>/<h3> holding a title whole, or an <h1>
 *     that goes on where a long <title> cut the headline short;
 *  3. else the page's own headline element, when one stands out and shares
 *     a word (not the site's) with the titles;
 *  4. else og:title, else <title>, each with its site and section
 *     segments cut off; with no title at all, the first heading that is
 *     not a masthead.
 *
 * Cutting a <title>: it is split at separators (" | ", " - ", " :: ",
 * dashes, guillemets...), and segments that match the site name or the
 * host are cut from either end; failing that, a short trailing segment
 * after " | " is taken for the site. A segment cut off this way names the
 * site when the page names none.
 *
 * A heading is never the headline when it sits in a menu, sidebar,
 * comment thread or dek, is a comments heading, links to the site's front
 * page, or sits in the masthead.
 */
#define _GNU_SOURCE
#include "extract_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wirecopy/url.h"

#include "internal.h"

/* --- titles --------------------------------------------------------------------- */

static const char *const title_seps[] = {" | ",
                                         " - ",
                                         " \xE2\x80\x93 ",
                                         " \xE2\x80\x94 ",
                                         " :: ",
                                         " \xC2\xBB ",
                                         " \xC2\xAB ",
                                         " \xC2\xB7 ",
                                         " \xE2\x80\xA2 ",
                                         " ~ ",
                                         " \xE2\x80\xBA ",
                                         " / "};

#define MAX_SEGS 8

struct seg {
    size_t off, len;
    size_t sep_len; /* separator that follows this segment */
    bool pipe;      /* that separator is " | " */
};

static size_t split_title(const char *t, struct seg *segs)
{
    size_t n = strlen(t), i, k, ns = 0, start = 0;

    for (i = 0; i < n && ns + 1 < MAX_SEGS; i++) {
        if (t[i] != ' ')
            continue;
        for (k = 0; k < WC_ARRAY_SIZE(title_seps); k++) {
            size_t sl = strlen(title_seps[k]);
            if (n - i >= sl && !memcmp(t + i, title_seps[k], sl)) {
                segs[ns].off = start;
                segs[ns].len = i - start;
                segs[ns].sep_len = sl;
                segs[ns].pipe = k == 0;
                ns++;
                start = i + sl;
                i += sl - 1;
                break;
            }
        }
    }
    segs[ns].off = start;
    segs[ns].len = n - start;
    segs[ns].sep_len = 0;
    segs[ns].pipe = false;
    return ns + 1;
}

/* The registrable-looking label of url's host: "www.nytimes.com" -> "nytimes". */
static size_t host_label(const char *url, char *out, size_t cap)
{
    wc_url_parts u;
    const char *h, *e, *a, *dot = NULL, *prev = NULL;
    size_t n;

    if (!url)
        return 0;
    wc_url_split(url, strlen(url), &u);
    if (!u.host.len)
        return 0;
    h = url + u.host.off;
    e = h + u.host.len;
    /* last label before the public suffix: take the longest of the last two labels */
    for (const char *p = h; p < e; p++)
        if (*p == '.') {
            prev = dot;
            dot = p;
        }
    if (!dot)
        return 0;
    a = prev ? prev + 1 : h;
    n = (size_t)(dot - a);
    if (n <= 3 && prev) { /* co.uk, com.au: go one label further left */
        a = h;
        for (const char *p = h; p < prev; p++)
            if (*p == '.')
                a = p + 1;
        n = (size_t)(prev - a);
    }
    return ex_fold(a, n, out, cap);
}

static bool seg_is_site(const char *t, const struct seg *s, const char *site, const char *hostl)
{
    char fs[256], fsite[256];
    size_t ns = ex_fold(t + s->off, WC_MIN(s->len, sizeof(fs) - 1), fs, sizeof(fs)), nsite;

    if (!ns)
        return true;
    if (site && (nsite = ex_fold(site, strlen(site), fsite, sizeof(fsite))) >= 2) {
        if (ns == nsite && !memcmp(fs, fsite, ns))
            return true;
        if (ns >= 3 && nsite > ns && memmem(fsite, nsite, fs, ns))
            return true;
        if (nsite >= 4 && ns <= nsite + 20 && memmem(fs, ns, fsite, nsite))
            return true;
    }
    if (hostl && strlen(hostl) >= 3 && ns <= strlen(hostl) + 24 &&
        memmem(fs, ns, hostl, strlen(hostl)))
        return true;
    if (memmem(t + s->off, s->len, ".com", 4) || memmem(t + s->off, s->len, ".co.", 4) ||
        memmem(t + s->off, s->len, ".org", 4) || memmem(t + s->off, s->len, ".net", 4))
        return s->len < 40;
    return false;
}

static size_t words_in(const char *p, size_t n)
{
    return wc_count_words(p, n);
}

/* Cut site and section segments off a title; malloc'd result. *cut_site gets the site segment. */
static char *clean_title(const char *t, const char *site, const char *url, char **cut_site)
{
    struct seg segs[MAX_SEGS];
    size_t ns = split_title(t, segs), a = 0, b, total;
    char hostl[128];
    size_t hl = host_label(url, hostl, sizeof(hostl));
    bool cut = false;

    if (cut_site)
        *cut_site = NULL;
    if (ns == 1)
        return wc_strdup(t);
    b = ns;
    total = strlen(t);
    while (b - a > 1 && seg_is_site(t, &segs[b - 1], site, hl ? hostl : NULL)) {
        if (cut_site && !*cut_site)
            *cut_site = wc_strndup(t + segs[b - 1].off, segs[b - 1].len);
        b--;
        cut = true;
    }
    while (b - a > 1 && seg_is_site(t, &segs[a], site, hl ? hostl : NULL)) {
        if (cut_site && !*cut_site)
            *cut_site = wc_strndup(t + segs[a].off, segs[a].len);
        a++;
        cut = true;
    }
    if (!cut && b - a > 1) {
        /* "Headline | Site Name": a short last segment after a pipe is the site */
        const struct seg *last = &segs[b - 1], *before = &segs[b - 2];
        size_t lw = words_in(t + last->off, last->len);
        if ((before->pipe && lw <= 5 && last->len * 2 < total) ||
            (lw <= 3 && last->len * 3 < total &&
             words_in(t, segs[b - 2].off + segs[b - 2].len) >= 4)) {
            if (cut_site)
                *cut_site = wc_strndup(t + last->off, last->len);
            b--;
            cut = true;
        }
    }
    if (cut && b - a > 1) {
        /* then a section name left at the end: "Headline - Politics" */
        const struct seg *last = &segs[b - 1];
        if (words_in(t + last->off, last->len) <= 2 &&
            words_in(t + segs[a].off, segs[b - 2].off + segs[b - 2].len - segs[a].off) >= 4 &&
            segs[b - 2].sep_len && (segs[b - 2].pipe || segs[b - 2].sep_len > 3))
            b--;
    }
    return wc_strndup(t + segs[a].off, segs[b - 1].off + segs[b - 1].len - segs[a].off);
}

/*
 * "Headline – Site" or "Site: Headline" when the <h1> says which part is
 * the headline: the other part, when short, is the site's name.
 */
static void site_beside_headline(ex_doc *d, const char *doc, const char *head)
{
    size_t nd = strlen(doc), nh = head ? strlen(head) : 0, k;
    const char *rest = NULL;
    size_t rl = 0;

    if (!nh || nh >= nd)
        return;
    if (!strncmp(doc, head, nh)) {
        rest = doc + nh;
        rl = nd - nh;
    } else if (!strcmp(doc + nd - nh, head)) {
        rest = doc;
        rl = nd - nh;
    } else {
        return;
    }
    /* strip the separator and spaces around the remainder */
    for (k = 0; k < 2; k++) {
        while (rl && (*rest == ' ' || *rest == '|' || *rest == '-' || *rest == ':' ||
                      (unsigned char)*rest >= 0x80)) {
            if ((unsigned char)*rest >= 0x80) { /* a dash or a guillemet: skip the sequence */
                size_t n = 1;
                uint32_t cp;
                n = wc_utf8_decode(rest, rl, &cp);
                if (!n || !(cp == 0x2013 || cp == 0x2014 || cp == 0xBB || cp == 0xAB || cp == 0xB7))
                    break;
                rest += n;
                rl -= n;
                continue;
            }
            rest++;
            rl--;
        }
        while (rl && (rest[rl - 1] == ' ' || rest[rl - 1] == '|' || rest[rl - 1] == '-' ||
                      rest[rl - 1] == ':'))
            rl--;
    }
    if (rl >= 2 && words_in(rest, rl) <= 6)
        ex_meta_set(d, M_SITE, rest, rl, 25);
}

/*
 * Does href point at the site's front page ("/", "./", "index.html",
 * "https://host/")? With the page's URL known, an address with a host
 * counts only on the page's own host ("Acme launches..." may link to
 * acme.example).
 */
static bool href_home(const ex_doc *d, const char *v, size_t l)
{
    wc_url_parts u;
    const char *path, *h, *ph;
    size_t pl, hl, phl;

    while (l && v[0] == ' ')
        v++, l--;
    while (l && v[l - 1] == ' ')
        l--;
    if (!l || v[0] == '#') /* href="" or "#top": this very page */
        return false;
    wc_url_split(v, l, &u);
    if (u.query.present || (u.scheme.present && !u.authority.present))
        return false; /* "?page=2", "mailto:", "javascript:" */
    path = v + u.path.off;
    pl = u.path.len;
    while (pl && path[pl - 1] == '/')
        pl--;
    if (pl >= 10 && wc_mem_ieq(path + pl - 10, 10, "index.html"))
        pl -= 10;
    else if (pl >= 9 && wc_mem_ieq(path + pl - 9, 9, "index.php"))
        pl -= 9;
    while (pl && path[pl - 1] == '/')
        pl--;
    if (pl > 1 || (pl == 1 && path[0] != '.'))
        return false; /* a path below the front page */
    if (!u.authority.present || !d->url)
        return true;
    hl = ex_site_host(v, l, &h);
    phl = ex_site_host(d->url, strlen(d->url), &ph);
    return !phl || (hl == phl && !strncasecmp(h, ph, hl));
}

/* Nodes below an element that links_home looks through. */
#define HOME_SCAN_MAX 4096

/* A heading linking to the front page, inside or around it: a masthead's, not a headline's. */
static bool links_home(const ex_doc *d, uint32_t n)
{
    uint32_t k;
    const char *v;
    size_t l;
    unsigned up;

    /* a masthead is small: the walk stops after HOME_SCAN_MAX nodes, so up to
       EX_MAX_HEADS + EX_MAX_SUBS headings, each looking at a few ancestors, stay cheap */
    for (k = n + 1;
         k < d->n_nodes && k - n <= HOME_SCAN_MAX && d->nodes[k].depth > d->nodes[n].depth; k++)
        if (d->nodes[k].tag == T_A && (v = ex_attr_get(d, k, A_HREF, &l)) && href_home(d, v, l))
            return true;
    for (k = d->nodes[n].parent, up = 0; k != EX_NONE && k != 0 && up < 3;
         k = d->nodes[k].parent, up++)
        if (d->nodes[k].tag == T_A && (v = ex_attr_get(d, k, A_HREF, &l)) && href_home(d, v, l))
            return true;
    return false;
}

/*
 * Inside the page's masthead: a <header> (or an element the template calls
 * a header) that also holds a link to the front page. A blog's tagline
 * <h2> beside its name is not a headline; an article's own <header> with
 * its permalink headline is left alone.
 */
static bool in_masthead(const ex_doc *d, uint32_t n)
{
    uint32_t k;
    unsigned up;

    for (k = d->nodes[n].parent, up = 0; k != EX_NONE && k != 0 && up < 6;
         k = d->nodes[k].parent, up++) {
        const ex_node *a = &d->nodes[k];
        if (a->tag == T_ARTICLE || (a->cls & (EXC_ARTICLE | EXC_BODY | EXC_MAIN)))
            return false;
        if ((a->tag == T_HEADER || (a->cls & EXC_HEADER)) && links_home(d, k))
            return true;
    }
    return false;
}

/* Classes around a heading that say it is not this page's headline. */
#define NOT_HEADLINE_BITS                                                                          \
    (EXC_NAV | EXC_FOOTER | EXC_SIDEBAR | EXC_RELATED | EXC_COMMENT | EXC_PROMO | EXC_LEAD |       \
     EXC_AD | EXC_PAGER | EXC_HIDDEN)

/*
 * Could heading n (text[0..tl)) be the page's headline? Not in a menu,
 * sidebar, comment thread or dek, not a comments heading ("3 responses to
 * <headline>"), not the masthead or a heading linking home.
 */
static bool headline_place(const ex_doc *d, uint32_t n, const char *text, size_t tl)
{
    uint32_t h = n;
    unsigned up;

    for (up = 0; n != EX_NONE && n != 0 && up < 12; up++, n = d->nodes[n].parent)
        if (d->nodes[n].cls & NOT_HEADLINE_BITS)
            return false;
    return !ex_is_comments_heading(text, tl) && !links_home(d, h) && !in_masthead(d, h);
}

/* Is the folded heading fh the site's name (og:site_name, or the part a <title> was cut of)? */
static bool names_site(const char *fh, size_t nh, const char *site, const char *cut)
{
    char fs[256];
    unsigned i;

    for (i = 0; i < 2; i++) {
        const char *sn = i ? cut : site;
        size_t ns;
        if (sn && (ns = ex_fold(sn, strlen(sn), fs, sizeof(fs))) >= 3 && memmem(fh, nh, fs, ns) &&
            nh <= ns + 8)
            return true;
    }
    return false;
}

/* Is heading n one run of text (in links or not), with no badge or label element beside it? */
static bool one_text_run(const ex_doc *d, uint32_t n)
{
    uint32_t k;
    unsigned runs = 0;

    for (k = n + 1; k < d->n_nodes && d->nodes[k].depth > d->nodes[n].depth; k++)
        if (d->nodes[k].tag == T_TEXT && d->nodes[k].len && ++runs > 1)
            return false;
    return runs == 1;
}

/*
 * No <h1> matched: a blog's linked <h2> ("Category  Headline") that holds
 * og:title's or the <title>'s headline whole, or an <h1> that goes on
 * where a long <title> cut the headline short ("Long headline that goes -
 * Site"). The title is the clean one, not the heading's extra words.
 */
static void headline_by_title(ex_doc *d, struct ex_title_ctx *tc, const char *doc_t,
                              const char *meta_t, const char *site, const char *cut)
{
    char fc[512], fh[512], text[512];
    size_t nc, nh, tl;
    unsigned i, k;

    for (k = 0; k < 2; k++) {
        const char *t = k ? doc_t : meta_t;
        if (!t || (nc = ex_fold(t, strlen(t), fc, sizeof(fc))) < 16 || words_in(t, strlen(t)) < 3)
            continue;
        for (i = 0; i < tc->n_subs; i++) {
            tl = ex_node_text(d, tc->subs[i], text, sizeof(text));
            nh = ex_fold(text, tl, fh, sizeof(fh));
            if (nh >= nc && nh <= nc + 40 && memmem(fh, nh, fc, nc) &&
                headline_place(d, tc->subs[i], text, tl) && !names_site(fh, nh, site, cut)) {
                ex_meta_set(d, M_TITLE, t, strlen(t), 1000);
                d->h1 = tc->subs[i];
                return;
            }
        }
    }
    if (tc->doc_title && doc_t && strlen(tc->doc_title) >= 60) {
        struct seg segs[MAX_SEGS];
        split_title(tc->doc_title, segs);
        /* the first segment is the headline's start, not a site name cut off before it */
        if (segs[0].sep_len && !strncmp(doc_t, tc->doc_title, segs[0].len) &&
            words_in(tc->doc_title, segs[0].len) >= 4 &&
            (nc = ex_fold(tc->doc_title, segs[0].len, fc, sizeof(fc))) >= 16)
            for (i = 0; i < tc->n_heads; i++) {
                tl = ex_node_text(d, tc->heads[i], text, sizeof(text));
                nh = ex_fold(text, tl, fh, sizeof(fh));
                if (nh > nc && !memcmp(fh, fc, nc) && words_in(text, tl) <= 30 &&
                    one_text_run(d, tc->heads[i]) && headline_place(d, tc->heads[i], text, tl) &&
                    !names_site(fh, nh, site, cut)) {
                    ex_meta_set(d, M_TITLE, text, tl, 1000);
                    d->h1 = tc->heads[i];
                    return;
                }
            }
    }
}

/* Folded words of 4+ characters of s, each ending in a space, into out. */
static size_t fold_words(const char *s, size_t sl, char *out, size_t cap)
{
    size_t i = 0, j, n = 0, k;
    char fw[128];

    if (cap)
        out[0] = '\0';
    while (i < sl) {
        while (i < sl && s[i] == ' ')
            i++;
        for (j = i; j < sl && s[j] != ' '; j++)
            ;
        if (j > i && (k = ex_fold(s + i, j - i, fw, sizeof(fw))) >= 4 && n + k + 2 < cap) {
            memcpy(out + n, fw, k);
            n += k;
            out[n++] = ' ';
            out[n] = '\0';
        }
        i = j;
    }
    return n;
}

/* Is word w (with its trailing space) one of the words in list (each ending in a space)? */
static bool has_word(const char *list, size_t nl, const char *w, size_t wl)
{
    const char *p = list, *e = list + nl;

    while (p < e && (p = memmem(p, (size_t)(e - p), w, wl))) {
        if (p == list || p[-1] == ' ')
            return true;
        p++;
    }
    return false;
}

/*
 * Does the heading share a whole word (4+ characters) with one of the
 * page's titles, other than a word of the site's name? "Town" does not
 * match "downtown", nor "Courier" a title that ends "- Daily Courier".
 */
static bool shares_word(const char *text, size_t tl, const char *const *titles, unsigned nt,
                        const char *site, const char *cut)
{
    char hw[600], tw[600], sw[600];
    size_t nh = fold_words(text, tl, hw, sizeof(hw)), ns = 0, i, j, n;
    unsigned t;

    if (site)
        ns = fold_words(site, strlen(site), sw, sizeof(sw));
    if (cut && ns + 1 < sizeof(sw))
        ns += fold_words(cut, strlen(cut), sw + ns, sizeof(sw) - ns);
    for (t = 0; t < nt; t++) {
        if (!titles[t])
            continue;
        n = fold_words(titles[t], strlen(titles[t]), tw, sizeof(tw));
        for (i = 0; i < nh; i = j + 1) {
            for (j = i; j < nh && hw[j] != ' '; j++)
                ;
            if (has_word(tw, n, hw + i, j - i + 1) && !has_word(sw, ns, hw + i, j - i + 1))
                return true;
        }
    }
    return false;
}

/*
 * Heading n as a headline of its own: placed like one, 4 to 30 words, not
 * the site, and sharing a word with the titles unless microdata names it
 * the headline. When a title is part of it ("Headline" + a "Live" badge),
 * that title is the text: *text gets what to use.
 */
static bool fits_headline(ex_doc *d, uint32_t n, const char *const *titles, const char *site,
                          const char *cut, char *text, size_t cap, size_t *tlp)
{
    char fh[512], ft[512];
    size_t tl = ex_node_text(d, n, text, cap), w = words_in(text, tl), nh, nt, pl;
    const char *prop = ex_attr_get(d, n, A_ITEMPROP, &pl);
    unsigned t;

    *tlp = tl;
    if (w < 4 || w > 30 || !headline_place(d, n, text, tl))
        return false;
    nh = ex_fold(text, tl, fh, sizeof(fh));
    if (names_site(fh, nh, site, cut))
        return false;
    if (!(prop && wc_mem_istr(prop, pl, "headline")) &&
        !shares_word(text, tl, titles, 2, site, cut))
        return false;
    for (t = 0; t < 2; t++)
        if (titles[t] && (nt = ex_fold(titles[t], strlen(titles[t]), ft, sizeof(ft))) >= 16 &&
            nt < nh && memmem(fh, nh, ft, nt) && strlen(titles[t]) < cap) {
            *tlp = strlen(titles[t]);
            memcpy(text, titles[t], *tlp + 1);
            break;
        }
    return true;
}

/*
 * Still nothing: the page's own headline element, when one stands out,
 * beats a social or SEO title written for another place ("China Data
 * Hint at Improvement" in og:title over the printed "Data Hint Chinese
 * Economy Is Better Off"): the first heading the template calls a
 * headline, else the page's one <h1> text. Either must fit as a headline
 * and share a whole word (not the site's) with the other titles, so a
 * "card-title" teaser or a tagline does not pass.
 */
static void headline_element(ex_doc *d, struct ex_title_ctx *tc, const char *meta_t,
                             const char *doc_t, const char *site, const char *cut)
{
    char text[512], o[512], fo[512], fh[512];
    const char *titles[2] = {meta_t, doc_t};
    size_t tl, ol, no, nh;
    uint32_t h1 = EX_NONE;
    unsigned i;
    bool one_h1 = true;

    for (i = 0; i < tc->n_heads; i++) {
        const ex_node *nd = &d->nodes[tc->heads[i]];
        if ((nd->cls & EXC_TITLE) && !(nd->cls & (EXC_HEADER | EXC_LEAD)) &&
            fits_headline(d, tc->heads[i], titles, site, cut, text, sizeof(text), &tl)) {
            ex_meta_set(d, M_TITLE, text, tl, 1000);
            d->h1 = tc->heads[i];
            return;
        }
    }
    for (i = 0; i < tc->n_heads && one_h1; i++) {
        if (d->nodes[tc->heads[i]].tag != T_H1)
            continue;
        if (h1 == EX_NONE) {
            h1 = tc->heads[i];
            ol = ex_node_text(d, h1, o, sizeof(o));
            no = ex_fold(o, ol, fo, sizeof(fo));
            continue;
        }
        tl = ex_node_text(d, tc->heads[i], text, sizeof(text));
        nh = ex_fold(text, tl, fh, sizeof(fh));
        if (nh && (nh != no || memcmp(fo, fh, nh)))
            one_h1 = false;
    }
    if (h1 != EX_NONE && one_h1 &&
        fits_headline(d, h1, titles, site, cut, text, sizeof(text), &tl)) {
        ex_meta_set(d, M_TITLE, text, tl, 1000);
        d->h1 = h1;
    }
}

void ex_title_decide(ex_doc *d, struct ex_title_ctx *tc)
{
    char fm[512], fd[512], fh[512], text[512];
    size_t nm = 0, nd = 0, nh, tl;
    char *meta_t = NULL, *doc_t = NULL, *cut = NULL, *cut2 = NULL;
    const char *site = d->meta[M_SITE].s;
    unsigned i;

    if (d->meta[M_TITLE].s)
        meta_t = clean_title(d->meta[M_TITLE].s, site, d->url, &cut);
    if (tc->doc_title)
        doc_t = clean_title(tc->doc_title, site, d->url, &cut2);
    if (meta_t)
        nm = ex_fold(meta_t, strlen(meta_t), fm, sizeof(fm));
    if (tc->doc_title)
        nd = ex_fold(tc->doc_title, strlen(tc->doc_title), fd, sizeof(fd));
    d->h1 = EX_NONE;
    for (i = 0; i < tc->n_heads; i++) {
        tl = ex_node_text(d, tc->heads[i], text, sizeof(text));
        nh = ex_fold(text, tl, fh, sizeof(fh));
        if (nh < 8)
            continue;
        /* the heading is og:title, or holds or is held by a title and is not the site's name
           ("Apple sues Epic" on a site named Apple is a headline when og:title says so) */
        if (((nm && nh == nm && !memcmp(fh, fm, nh)) ||
             (((nm && nh >= 16 && memmem(fm, nm, fh, nh)) ||
               (nd && nh >= 16 && memmem(fd, nd, fh, nh)) ||
               (nm >= 16 && nh > nm && memmem(fh, nh, fm, nm))) &&
              !names_site(fh, nh, site, cut2 ? cut2 : cut))) &&
            !links_home(d, tc->heads[i]) && !ex_is_comments_heading(text, tl)) {
            ex_meta_set(d, M_TITLE, text, tl, 1000);
            d->h1 = tc->heads[i];
            break;
        }
    }
    if (d->h1 == EX_NONE)
        headline_by_title(d, tc, doc_t, meta_t, site, cut2 ? cut2 : cut);
    if (d->h1 == EX_NONE)
        headline_element(d, tc, meta_t, doc_t, site, cut2 ? cut2 : cut);
    if (d->h1 == EX_NONE) {
        if (meta_t)
            ex_meta_set(d, M_TITLE, meta_t, strlen(meta_t), 1000);
        else if (doc_t)
            ex_meta_set(d, M_TITLE, doc_t, strlen(doc_t), 1000);
        else
            /* no title at all: the first heading that is not a masthead */
            for (i = 0; i < tc->n_heads; i++) {
                tl = ex_node_text(d, tc->heads[i], text, sizeof(text));
                if (tl && !links_home(d, tc->heads[i]) && !in_masthead(d, tc->heads[i])) {
                    ex_meta_set(d, M_TITLE, text, tl, 1000);
                    d->h1 = tc->heads[i];
                    break;
                }
            }
    }
    if (!d->meta[M_SITE].s) {
        const char *c = cut2 ? cut2 : cut;
        if (c && words_in(c, strlen(c)) <= 6)
            ex_meta_set(d, M_SITE, c, strlen(c), 30);
    }
    if (!d->meta[M_SITE].s && d->h1 != EX_NONE && tc->doc_title)
        site_beside_headline(d, tc->doc_title, d->meta[M_TITLE].s);
    free(meta_t);
    free(doc_t);
    free(cut);
    free(cut2);
}
