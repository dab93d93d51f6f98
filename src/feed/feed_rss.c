/*
 * feed_rss.c - RSS 0.9x, 1.0 (RDF) and 2.0 from the tolerant XML tree.
 *
 * The RSS family is one vocabulary with three histories, so one reader
 * serves all of it: RSS 0.90 and 1.0 put <item> beside <channel> under
 * <rdf:RDF> and in a namespace; 0.91-2.0 nest items in <channel> with no
 * namespace. Names are matched by namespace class (feed_internal.h), so
 * <rss:title> and <title> are the same and <szf:description> is not.
 *
 * Modules read on top of the core: Dublin Core (dc:creator, dc:date,
 * dc:subject, dc:description, dc:language), dcterms (issued, modified),
 * content:encoded, an XHTML <body>, Atom links and dates used inside RSS,
 * and iTunes author/summary as last fallbacks. Precedence is the core
 * element first, then the module, always taking only direct children of
 * the item or channel (an <image><title> never becomes the title).
 *
 * Text: RSS says nothing about markup in titles, so a title or
 * description is HTML only when it looks like HTML (a known tag, an
 * entity) or carries child elements ("naked" markup); otherwise it is
 * plain text and "1 < 2" stays what it says.
 */
#include "feed_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* First direct child of n among several candidate names, in order of preference. */
struct cand {
    unsigned mask;
    const char *name;
};

static const struct xnode *first_of(const struct xnode *n, const struct cand *c, size_t nc)
{
    size_t i;

    for (i = 0; i < nc; i++) {
        const struct xnode *x = wc_xml_child(n, c[i].mask, c[i].name);
        if (x)
            return x;
    }
    return NULL;
}

#define FIRST_OF(n, list) first_of((n), (list), WC_ARRAY_SIZE(list))

/*
 * The content of element x as a text construct in b->tmp: child elements
 * are naked markup (HTML); otherwise text, HTML when it looks like it.
 */
static wc_status construct(struct fbuild *b, const struct xnode *x, struct ftext *t)
{
    wc_status st;

    wc_buf_reset(&b->tmp);
    if (wc_xml_has_elements(x)) {
        st = wc_xml_inner(x, &b->tmp);
        t->html = true;
    } else {
        st = wc_xml_text(x, &b->tmp);
        t->html = wc_html_looks_like(b->tmp.buf, b->tmp.len);
    }
    t->p = b->tmp.buf;
    t->len = b->tmp.len;
    return st;
}

static wc_status set_plain_from(struct fbuild *b, char **dst, const struct xnode *x)
{
    struct ftext t;
    wc_status st;

    if (!x)
        return WC_OK;
    st = construct(b, x, &t);
    return st ? st : wc_fb_set_plain(dst, &t);
}

/* Summaries and content: always HTML (RSS descriptions are HTML by use). */
static wc_status set_html_from(struct fbuild *b, char **dst, const struct xnode *x)
{
    struct ftext t;
    wc_status st;

    if (!x)
        return WC_OK;
    st = construct(b, x, &t);
    t.html = true;
    return st ? st : wc_fb_set_html(dst, &t, x->base);
}

static wc_status set_text_from(struct fbuild *b, char **dst, const struct xnode *x)
{
    wc_status st;

    if (!x)
        return WC_OK;
    wc_buf_reset(&b->tmp);
    st = wc_xml_text(x, &b->tmp);
    return st ? st : wc_fb_set_str(dst, b->tmp.buf, b->tmp.len);
}

static wc_status set_author_from(struct fbuild *b, char **dst, const struct xnode *x)
{
    wc_buf name;
    wc_status st;

    if (!x)
        return WC_OK;
    wc_buf_init(&name, WC_FEED_TEXT_CAP);
    if (wc_xml_is(x, XM_ATOM, "author")) {
        const struct xnode *n = wc_xml_child(x, XM_ATOM, "name");
        if (!n)
            n = wc_xml_child(x, XM_ATOM, "email");
        return set_text_from(b, dst, n);
    }
    wc_buf_reset(&b->tmp);
    st = wc_xml_text(x, &b->tmp);
    if (!st)
        st = wc_fb_author_name(&name, b->tmp.buf, b->tmp.len);
    if (!st)
        st = wc_fb_set_str(dst, name.buf, name.len);
    wc_buf_release(&name);
    return st;
}

static wc_status set_date_from(struct fbuild *b, int64_t *dst, const struct xnode *const *xs,
                               size_t n)
{
    size_t i;
    wc_status st;

    for (i = 0; i < n; i++) {
        if (!xs[i])
            continue;
        wc_buf_reset(&b->tmp);
        st = wc_xml_text(xs[i], &b->tmp);
        if (st)
            return st;
        /* the first element present decides: an unparseable date is no date */
        *dst = wc_fb_date(b->tmp.buf, b->tmp.len);
        return WC_OK;
    }
    return WC_OK;
}

/* An Atom <link> inside RSS with the given rel ("alternate" also matches no rel). */
static const struct xnode *atom_link(const struct xnode *n, const char *rel)
{
    const struct xnode *c;

    for (c = n->first; c; c = c->next) {
        const char *r;
        if (!wc_xml_is(c, XM_ATOM, "link"))
            continue;
        r = wc_xml_attr(c, XNS_NONE, "rel");
        if ((!r && !strcmp(rel, "alternate")) || (r && !strcmp(r, rel)))
            return c;
    }
    return NULL;
}

/*
 * A <link>'s text, with the damage of double escaping undone: publishers
 * that escape their query strings twice leave "&amp;" or "&b;=2" behind,
 * which no URL means, so "&amp;" becomes "&" and "&name;" becomes "&name".
 */
static void unescape_link(wc_buf *b)
{
    size_t i, n = 0;

    for (i = 0; i < b->len; i++) {
        if (b->buf[i] == '&' && i + 4 < b->len + 1 && !strncmp(b->buf + i, "&amp;", 5)) {
            b->buf[n++] = '&';
            i += 4;
            continue;
        }
        if (b->buf[i] == ';' && n > 0) {
            size_t k = n;
            while (k > 0 && (isalnum((unsigned char)b->buf[k - 1]) || b->buf[k - 1] == '_'))
                k--;
            if (k < n && k > 0 && b->buf[k - 1] == '&')
                continue; /* drop the ';' of "&name;" */
        }
        b->buf[n++] = b->buf[i];
    }
    wc_buf_setlen(b, n);
}

static wc_status set_link_from(struct fbuild *b, char **dst, const struct xnode *x)
{
    wc_status st;

    wc_buf_reset(&b->tmp);
    st = wc_xml_text(x, &b->tmp);
    if (st)
        return st;
    unescape_link(&b->tmp);
    return wc_fb_set_url(dst, x->base, b->tmp.buf);
}

static const struct cand c_title[] = {{XM_RSS, "title"}, {XM(XNS_DC), "title"}};
static const struct cand c_desc[] = {{XM_RSS, "description"}, {XM(XNS_DC), "description"}};
static const struct cand c_item_summary[] = {{XM_RSS, "description"},
                                             {XM(XNS_DC), "description"},
                                             {XM_ATOM, "summary"},
                                             {XM(XNS_ITUNES), "summary"}};
static const struct cand c_content[] = {{XM(XNS_CONTENT), "encoded"},
                                        {XM(XNS_XHTML), "body"},
                                        {XM_RSS, "fullitem"},
                                        {XM_ATOM, "content"}};
static const struct cand c_lang[] = {{XM_RSS, "language"}, {XM(XNS_DC), "language"}};
static const struct cand c_item_author[] = {{XM_RSS, "author"},
                                            {XM(XNS_DC), "creator"},
                                            {XM(XNS_DC), "author"},
                                            {XM(XNS_ITUNES), "author"},
                                            {XM_ATOM, "author"}};
static const struct cand c_feed_author[] = {{XM(XNS_DC), "creator"},    {XM(XNS_DC), "author"},
                                            {XM_RSS, "author"},         {XM_RSS, "managingEditor"},
                                            {XM(XNS_ITUNES), "author"}, {XM_ATOM, "author"}};

static wc_status read_item(struct fbuild *b, const struct xnode *it)
{
    wc_entry *e;
    const struct xnode *x, *guid, *c;
    wc_status st;

    st = wc_fb_add_entry(b, &e);
    if (st)
        return st;

    st = set_plain_from(b, &e->title, FIRST_OF(it, c_title));

    /* id: guid verbatim, else RDF's rdf:about */
    guid = wc_xml_child(it, XM_RSS, "guid");
    if (!st && guid)
        st = set_text_from(b, &e->id, guid);
    if (!st && !e->id) {
        const char *about = wc_xml_attr(it, XNS_RDF, "about");
        if (about)
            st = wc_fb_set_str(&e->id, about, strlen(about));
    }

    /* link: <link>, an Atom alternate link, else a guid that is a permalink */
    x = wc_xml_child(it, XM_RSS, "link");
    if (!st && x)
        st = set_link_from(b, &e->link, x);
    if (!st && !e->link && (x = atom_link(it, "alternate")))
        st = wc_fb_set_url(&e->link, x->base, wc_xml_attr(x, XNS_NONE, "href"));
    if (!st && !e->link && guid && e->id) {
        /* isPermaLink defaults to true, but many feeds forget to say "false"
         * on opaque ids: by default only what looks like a URL is a link */
        const char *pl = wc_xml_attr(guid, XNS_NONE, "isPermaLink");
        bool said_true = pl && wc_mem_ieq(pl, strlen(pl), "true");
        bool said_false = pl && wc_mem_ieq(pl, strlen(pl), "false");
        if (said_true ||
            (!said_false && (wc_mem_istarts(e->id, strlen(e->id), "http://") ||
                             wc_mem_istarts(e->id, strlen(e->id), "https://") || e->id[0] == '/')))
            st = wc_fb_set_url(&e->link, guid->base, e->id);
    }

    if (!st) {
        const struct xnode *pub[] = {
            wc_xml_child(it, XM_RSS, "pubDate"), wc_xml_child(it, XM(XNS_DC), "date"),
            wc_xml_child(it, XM(XNS_DCTERMS), "issued"), wc_xml_child(it, XM_ATOM, "published")};
        const struct xnode *upd[] = {wc_xml_child(it, XM(XNS_DCTERMS), "modified"),
                                     wc_xml_child(it, XM_ATOM, "updated")};
        st = set_date_from(b, &e->published, pub, WC_ARRAY_SIZE(pub));
        if (!st)
            st = set_date_from(b, &e->updated, upd, WC_ARRAY_SIZE(upd));
    }
    if (!st)
        st = set_author_from(b, &e->author, FIRST_OF(it, c_item_author));
    if (!st)
        st = set_html_from(b, &e->summary, FIRST_OF(it, c_item_summary));
    if (!st)
        st = set_html_from(b, &e->content, FIRST_OF(it, c_content));

    for (c = it->first; c && !st; c = c->next) {
        if (wc_xml_is(c, XM_RSS, "enclosure")) {
            st = wc_fb_add_enclosure(e, c->base, wc_xml_attr(c, XNS_NONE, "url"),
                                     wc_xml_attr(c, XNS_NONE, "type"),
                                     wc_xml_attr(c, XNS_NONE, "length"));
        } else if (wc_xml_is(c, XM_ATOM, "link")) {
            const char *rel = wc_xml_attr(c, XNS_NONE, "rel");
            if (rel && !strcmp(rel, "enclosure"))
                st = wc_fb_add_enclosure(e, c->base, wc_xml_attr(c, XNS_NONE, "href"),
                                         wc_xml_attr(c, XNS_NONE, "type"),
                                         wc_xml_attr(c, XNS_NONE, "length"));
        } else if (wc_xml_is(c, XM_RSS, "category") || wc_xml_is(c, XM(XNS_DC), "subject")) {
            wc_buf_reset(&b->tmp);
            st = wc_xml_text(c, &b->tmp);
            if (!st)
                st = wc_fb_add_category(e, b->tmp.buf, b->tmp.len);
        } else if (wc_xml_is(c, XM_ATOM, "category")) {
            const char *term = wc_xml_attr(c, XNS_NONE, "term");
            if (term)
                st = wc_fb_add_category(e, term, strlen(term));
        }
    }
    return st;
}

static wc_status read_channel(struct fbuild *b, const struct xnode *ch)
{
    wc_feed *f = b->feed;
    const struct xnode *x;
    wc_status st;

    st = set_plain_from(b, &f->title, FIRST_OF(ch, c_title));
    x = wc_xml_child(ch, XM_RSS, "link");
    if (!st && x)
        st = set_link_from(b, &f->link, x);
    if (!st && !f->link && (x = atom_link(ch, "alternate")))
        st = wc_fb_set_url(&f->link, x->base, wc_xml_attr(x, XNS_NONE, "href"));
    if (!st && (x = atom_link(ch, "self")))
        st = wc_fb_set_url(&f->self, x->base, wc_xml_attr(x, XNS_NONE, "href"));
    if (!st)
        st = set_plain_from(b, &f->description, FIRST_OF(ch, c_desc));
    if (!st)
        st = set_text_from(b, &f->language, FIRST_OF(ch, c_lang));
    if (!st) {
        const struct xnode *pub[] = {wc_xml_child(ch, XM_RSS, "pubDate"),
                                     wc_xml_child(ch, XM(XNS_DC), "date"),
                                     wc_xml_child(ch, XM(XNS_DCTERMS), "issued")};
        const struct xnode *upd[] = {wc_xml_child(ch, XM_RSS, "lastBuildDate"),
                                     wc_xml_child(ch, XM(XNS_DCTERMS), "modified"),
                                     wc_xml_child(ch, XM_ATOM, "updated")};
        st = set_date_from(b, &f->published, pub, WC_ARRAY_SIZE(pub));
        if (!st)
            st = set_date_from(b, &f->updated, upd, WC_ARRAY_SIZE(upd));
    }
    if (!st)
        st = set_author_from(b, &f->author, FIRST_OF(ch, c_feed_author));
    if (!st && (x = wc_xml_child(ch, XM_RSS, "ttl"))) {
        uint64_t v;
        const char *p;
        size_t len;
        wc_buf_reset(&b->tmp);
        st = wc_xml_text(x, &b->tmp);
        p = b->tmp.buf;
        len = b->tmp.len;
        wc_mem_trim(&p, &len);
        if (!st && wc_parse_u64(p, len, &v) && v <= 525600) /* at most a year */
            f->ttl = (int)v;
    }
    return st;
}

wc_status wc_feed_read_rss(struct fbuild *b, const struct xnode *root)
{
    wc_feed *f = b->feed;
    const struct xnode *ch, *c;
    const char *ver;
    wc_status st = WC_OK;

    if (f->format == WC_FEED_RDF) {
        bool r090 = false;
        for (c = root->first; c; c = c->next)
            if (!c->is_text && c->ns == XNS_RSS090)
                r090 = true;
        f->version = wc_strdup(r090 ? "0.90" : "1.0");
    } else if ((ver = wc_xml_attr(root, XNS_NONE, "version"))) {
        st = wc_fb_set_str(&f->version, ver, strlen(ver));
    }
    if (st)
        return st;
    ch = wc_xml_is(root, XM_RSS, "channel") ? root : wc_xml_child(root, XM_RSS, "channel");
    if (!ch)
        ch = root; /* an <rss> without <channel>: its own children describe it */
    st = read_channel(b, ch);
    if (!st && !f->language) {
        const char *lang = ch->lang;
        if (lang)
            st = wc_fb_set_str(&f->language, lang, strlen(lang));
    }
    /* items inside the channel (0.91-2.0), then beside it (0.90, 1.0, and strays) */
    for (c = ch->first; c && !st; c = c->next)
        if (wc_xml_is(c, XM_RSS, "item"))
            st = read_item(b, c);
    for (c = ch != root ? root->first : NULL; c && !st; c = c->next)
        if (wc_xml_is(c, XM_RSS, "item"))
            st = read_item(b, c);
    return st;
}
