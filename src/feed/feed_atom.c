/*
 * feed_atom.c - Atom 1.0 (RFC 4287) and Atom 0.3 from the tolerant tree.
 *
 * The hard part of Atom is its text constructs (RFC 4287 section 3.1):
 * type="text" is plain text, "html" is escaped markup, "xhtml" is inline
 * XHTML wrapped in one <div> that is not part of the content. Atom 0.3
 * used MIME types instead ("text/plain", "text/html",
 * "application/xhtml+xml") plus a mode attribute: "xml" (inline),
 * "escaped" or "base64". Atom 1.0 also allows any MIME type, base64
 * encoded unless it is text or XML (section 4.1.3.3). read_construct()
 * reduces all of these to one question: is the result HTML or plain text?
 *
 * Links (section 4.2.7): a <link> without rel is rel="alternate"; the
 * entry's link is its first alternate link of an HTML type (or of no
 * type), else its first alternate link; self, edit and enclosure links
 * never are. Each href resolves against the xml:base in effect at its own
 * element.
 *
 * An Atom document without the Atom namespace (seen in the wild and in
 * feedparser's tests) is read all the same: unprefixed names count.
 */
#include "feed_internal.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct atom {
    struct fbuild *b;
    unsigned mask; /* namespace classes that count as Atom */
    bool v03;      /* Atom 0.3 defaults (text/plain, mode="xml") */
};

/* RFC 4648 base64, ignoring blanks; stops at '=' or junk. */
static wc_status base64_decode(const char *p, size_t len, wc_buf *out)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t i;
    wc_status st = WC_OK;

    for (i = 0; i < len && !st; i++) {
        char c = p[i];
        int v;
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == '+' || c == '-')
            v = 62;
        else if (c == '/' || c == '_')
            v = 63;
        else if (c == '=')
            break;
        else
            continue;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            st = wc_buf_addch(out, (char)((acc >> bits) & 0xFF));
        }
    }
    return st;
}

/* Is n's only content one XHTML <div> (blanks around it allowed)? Returns it. */
static const struct xnode *xhtml_div(const struct xnode *n)
{
    const struct xnode *c, *div = NULL;
    size_t i;

    for (c = n->first; c; c = c->next) {
        if (c->is_text) {
            for (i = 0; i < c->len; i++)
                if (c->text[i] != ' ' && c->text[i] != '\t' && c->text[i] != '\n' &&
                    c->text[i] != '\r')
                    return NULL;
        } else if (!div && !strcmp(c->local, "div")) {
            div = c;
        } else {
            return NULL;
        }
    }
    return div;
}

/*
 * Read the text construct x into b->tmp; t->html says how to take it.
 * Returns WC_OK with t->len == 0 for out-of-line content (src=).
 */
static wc_status read_construct(struct atom *a, const struct xnode *x, struct ftext *t)
{
    struct fbuild *b = a->b;
    const char *type = wc_xml_attr(x, XNS_NONE, "type");
    const char *mode = wc_xml_attr(x, XNS_NONE, "mode");
    char ty[64];
    size_t i;
    bool html, xhtml, text, xml, b64;
    wc_status st = WC_OK;

    if (!type)
        type = a->v03 ? "text/plain" : "text";
    for (i = 0; type[i] && type[i] != ';' && i + 1 < sizeof(ty); i++)
        ty[i] = wc_ascii_lower(type[i]);
    ty[i] = '\0';
    while (i && ty[i - 1] == ' ')
        ty[--i] = '\0';
    html = !strcmp(ty, "html") || !strcmp(ty, "text/html");
    xhtml = !strcmp(ty, "xhtml") || !strcmp(ty, "application/xhtml+xml");
    xml = !xhtml && i >= 4 && (!strcmp(ty + i - 4, "/xml") || !strcmp(ty + i - 4, "+xml"));
    text = !html && !xhtml && !xml && (!strcmp(ty, "text") || !strncmp(ty, "text/", 5));
    /* base64 when said so, or for any type that is neither text nor XML (4.1.3.3) */
    b64 = (mode && !strcmp(mode, "base64")) || (!html && !xhtml && !xml && !text);

    wc_buf_reset(&b->tmp);
    t->html = false;
    if (wc_xml_attr(x, XNS_NONE, "src") && !wc_xml_has_elements(x)) {
        /* out-of-line content: nothing inline to keep */
        wc_buf_reset(&b->tmp);
    } else if (b64) {
        wc_buf raw;
        wc_buf_init(&raw, WC_FEED_TEXT_CAP);
        st = wc_xml_text(x, &raw);
        if (!st)
            st = base64_decode(raw.buf, raw.len, &b->tmp);
        wc_buf_release(&raw);
        if (!st && !wc_utf8_valid(b->tmp.buf, b->tmp.len)) {
            /* decoded bytes are not UTF-8: the one repair (utf8.c); controls are left to
               feed.c's tidy, which must see C1 ones before it undoes double encoding */
            wc_buf clean;
            wc_buf_init(&clean, WC_FEED_TEXT_CAP);
            st = wc_utf8_repair(&clean, b->tmp.buf, b->tmp.len, WC_UTF8_KEEP_CONTROLS, NULL);
            wc_buf_reset(&b->tmp);
            if (!st)
                st = wc_buf_add(&b->tmp, clean.buf, clean.len);
            wc_buf_release(&clean);
        }
        t->html = html || xhtml;
    } else if ((xhtml || xml || html) && wc_xml_has_elements(x)) {
        /* inline markup (Atom 1.0 xhtml, Atom 0.3 mode="xml") */
        const struct xnode *div = xhtml ? xhtml_div(x) : NULL;
        st = wc_xml_inner(div ? div : x, &b->tmp);
        t->html = true;
    } else {
        st = wc_xml_text(x, &b->tmp);
        t->html = html || xhtml || xml;
    }
    t->p = b->tmp.buf;
    t->len = b->tmp.len;
    return st;
}

static wc_status set_plain(struct atom *a, char **dst, const struct xnode *x)
{
    struct ftext t;
    wc_status st;

    if (!x)
        return WC_OK;
    st = read_construct(a, x, &t);
    return st ? st : wc_fb_set_plain(dst, &t);
}

static wc_status set_html(struct atom *a, char **dst, const struct xnode *x)
{
    struct ftext t;
    wc_status st;

    if (!x)
        return WC_OK;
    st = read_construct(a, x, &t);
    return st ? st : wc_fb_set_html(dst, &t, x->base);
}

static wc_status set_text(struct atom *a, char **dst, const struct xnode *x)
{
    wc_status st;

    if (!x)
        return WC_OK;
    wc_buf_reset(&a->b->tmp);
    st = wc_xml_text(x, &a->b->tmp);
    return st ? st : wc_fb_set_str(dst, a->b->tmp.buf, a->b->tmp.len);
}

static wc_status set_date(struct atom *a, int64_t *dst, const struct xnode *x)
{
    wc_status st;

    if (!x)
        return WC_OK;
    wc_buf_reset(&a->b->tmp);
    st = wc_xml_text(x, &a->b->tmp);
    if (!st)
        *dst = wc_fb_date(a->b->tmp.buf, a->b->tmp.len);
    return st;
}

static const struct xnode *child(struct atom *a, const struct xnode *n, const char *name)
{
    return wc_xml_child(n, a->mask, name);
}

/* The name (else e-mail) of the first <author> child of n. */
static wc_status set_author(struct atom *a, char **dst, const struct xnode *n)
{
    const struct xnode *au = child(a, n, "author"), *x;
    wc_status st;

    if (!au)
        return WC_OK;
    x = child(a, au, "name");
    if (!x)
        x = child(a, au, "email");
    if (x)
        return set_text(a, dst, x);
    if (!wc_xml_has_elements(au)) { /* <author>Jane</author>, seen in the wild */
        wc_buf name;
        wc_buf_init(&name, WC_FEED_TEXT_CAP);
        wc_buf_reset(&a->b->tmp);
        st = wc_xml_text(au, &a->b->tmp);
        if (!st)
            st = wc_fb_author_name(&name, a->b->tmp.buf, a->b->tmp.len);
        if (!st)
            st = wc_fb_set_str(dst, name.buf, name.len);
        wc_buf_release(&name);
        return st;
    }
    return WC_OK;
}

static bool html_type(const char *type)
{
    return !type || !*type || wc_mem_istarts(type, strlen(type), "text/html") ||
           wc_mem_istarts(type, strlen(type), "application/xhtml+xml");
}

/* The alternate link of n: first of an HTML type (or none), else the first one. */
static const struct xnode *alternate_link(struct atom *a, const struct xnode *n)
{
    const struct xnode *c, *any = NULL;

    for (c = n->first; c; c = c->next) {
        const char *rel, *href;
        if (!wc_xml_is(c, a->mask, "link"))
            continue;
        rel = wc_xml_attr(c, XNS_NONE, "rel");
        href = wc_xml_attr(c, XNS_NONE, "href");
        if (!href || (rel && strcmp(rel, "alternate") &&
                      strcmp(rel, "http://www.iana.org/assignments/relation/alternate")))
            continue;
        if (html_type(wc_xml_attr(c, XNS_NONE, "type")))
            return c;
        if (!any)
            any = c;
    }
    return any;
}

static const struct xnode *rel_link(struct atom *a, const struct xnode *n, const char *want)
{
    const struct xnode *c;

    for (c = n->first; c; c = c->next) {
        const char *rel;
        if (!wc_xml_is(c, a->mask, "link"))
            continue;
        rel = wc_xml_attr(c, XNS_NONE, "rel");
        if (rel && !strcmp(rel, want) && wc_xml_attr(c, XNS_NONE, "href"))
            return c;
    }
    return NULL;
}

static wc_status read_entry(struct atom *a, const struct xnode *en)
{
    struct fbuild *b = a->b;
    const struct xnode *x, *c;
    wc_entry *e;
    wc_status st;

    st = wc_fb_add_entry(b, &e);
    if (st)
        return st;
    st = set_text(a, &e->id, child(a, en, "id"));
    if (!st)
        st = set_plain(a, &e->title, child(a, en, "title"));
    if (!st && (x = alternate_link(a, en)))
        st = wc_fb_set_url(&e->link, x->base, wc_xml_attr(x, XNS_NONE, "href"));
    if (!st) {
        x = child(a, en, "published");
        if (!x)
            x = child(a, en, "issued");
        st = set_date(a, &e->published, x);
    }
    if (!st) {
        x = child(a, en, "updated");
        if (!x)
            x = child(a, en, "modified");
        st = set_date(a, &e->updated, x);
    }
    if (!st)
        st = set_author(a, &e->author, en);
    if (!st && !e->author && (x = wc_xml_child(en, XM(XNS_DC), "creator")))
        st = set_text(a, &e->author, x);
    if (!st)
        st = set_html(a, &e->summary, child(a, en, "summary"));
    if (!st)
        st = set_html(a, &e->content, child(a, en, "content"));
    for (c = en->first; c && !st; c = c->next) {
        if (wc_xml_is(c, a->mask, "link")) {
            const char *rel = wc_xml_attr(c, XNS_NONE, "rel");
            if (rel && !strcmp(rel, "enclosure"))
                st = wc_fb_add_enclosure(e, c->base, wc_xml_attr(c, XNS_NONE, "href"),
                                         wc_xml_attr(c, XNS_NONE, "type"),
                                         wc_xml_attr(c, XNS_NONE, "length"));
        } else if (wc_xml_is(c, a->mask, "category")) {
            const char *term = wc_xml_attr(c, XNS_NONE, "term");
            if (!term)
                term = wc_xml_attr(c, XNS_NONE, "label");
            if (term)
                st = wc_fb_add_category(e, term, strlen(term));
        } else if (wc_xml_is(c, XM(XNS_DC), "subject")) {
            wc_buf_reset(&b->tmp);
            st = wc_xml_text(c, &b->tmp);
            if (!st)
                st = wc_fb_add_category(e, b->tmp.buf, b->tmp.len);
        }
    }
    return st;
}

wc_status wc_feed_read_atom(struct fbuild *b, const struct xnode *root)
{
    wc_feed *f = b->feed;
    struct atom a;
    const struct xnode *x, *c;
    const char *ver = wc_xml_attr(root, XNS_NONE, "version");
    wc_status st;

    a.b = b;
    a.mask = XM_ATOM | (root->ns == XNS_NONE || root->ns == XNS_OTHER ? XM(root->ns) : 0);
    a.v03 = root->ns == XNS_ATOM03 || (root->ns != XNS_ATOM10 && ver && !strcmp(ver, "0.3"));
    f->version = wc_strdup(a.v03 ? "0.3" : "1.0");
    if (!f->version)
        return WC_ERR_NOMEM;

    st = set_plain(&a, &f->title, child(&a, root, "title"));
    if (!st && (x = alternate_link(&a, root)))
        st = wc_fb_set_url(&f->link, x->base, wc_xml_attr(x, XNS_NONE, "href"));
    if (!st && (x = rel_link(&a, root, "self")))
        st = wc_fb_set_url(&f->self, x->base, wc_xml_attr(x, XNS_NONE, "href"));
    if (!st) {
        x = child(&a, root, "subtitle");
        if (!x)
            x = child(&a, root, "tagline");
        st = set_plain(&a, &f->description, x);
    }
    if (!st && root->lang)
        st = wc_fb_set_str(&f->language, root->lang, strlen(root->lang));
    if (!st) {
        x = child(&a, root, "updated");
        if (!x)
            x = child(&a, root, "modified");
        st = set_date(&a, &f->updated, x);
    }
    if (!st) {
        x = child(&a, root, "published");
        if (!x)
            x = child(&a, root, "issued");
        st = set_date(&a, &f->published, x);
    }
    if (!st)
        st = set_author(&a, &f->author, root);
    for (c = root->first; c && !st; c = c->next)
        if (wc_xml_is(c, a.mask, "entry"))
            st = read_entry(&a, c);
    return st;
}
