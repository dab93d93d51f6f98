/*
 * feed.c - wc_feed_parse(): which format, which base, and the builders
 * the format readers fill a wc_feed with.
 *
 * The flow: cap the size; work out the document base (Content-Location
 * resolved against the URL, else the URL: RFC 3986 section 5.1); JSON
 * Feed when the body is a JSON object, XML otherwise (feed_xml.c builds
 * the tree, decoding the charset); the root element picks the reader:
 * <rss> or a bare <channel> (feed_rss.c), <rdf:RDF> (feed_rss.c too, the
 * shapes are close), <feed> (feed_atom.c). Anything else is not a feed,
 * and the error says what it is instead ("an HTML page").
 *
 * The builders keep every string of a wc_feed valid UTF-8, trimmed, and
 * NULL rather than empty, so consumers never test for both.
 */
#include "feed_internal.h"

#include <stdlib.h>
#include <string.h>

#include "wirecopy/charset.h"
#include "wirecopy/date.h"
#include "wirecopy/url.h"

#include "internal.h"

const char *wc_feed_format_name(wc_feed_format f)
{
    switch (f) {
    case WC_FEED_RSS:
        return "rss";
    case WC_FEED_RDF:
        return "rdf";
    case WC_FEED_ATOM:
        return "atom";
    case WC_FEED_JSON:
        return "json";
    case WC_FEED_UNKNOWN:
        break;
    }
    return "unknown";
}

/* Skip a UTF-8 BOM and blanks. */
static size_t skip_lead(const char *p, size_t len)
{
    size_t i = 0;

    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    return i;
}

wc_feed_format wc_feed_sniff(const char *p, size_t len)
{
    size_t i = skip_lead(p, len), n;
    const char *w;

    if (i < len && p[i] == '{')
        return wc_mem_istr(p + i, WC_MIN(len - i, 4096), "jsonfeed.org") ? WC_FEED_JSON
                                                                         : WC_FEED_UNKNOWN;
    n = WC_MIN(len - i, 8192);
    w = p + i;
    /* the first element that is not a PI, comment or doctype */
    while (n) {
        const char *lt = memchr(w, '<', n);
        size_t k;
        if (!lt)
            break;
        k = (size_t)(lt - w);
        w = lt;
        n -= k;
        if (n >= 2 && (w[1] == '?' || w[1] == '!')) {
            w++;
            n--;
            continue;
        }
        if (wc_mem_istarts(w, n, "<rss") || wc_mem_istarts(w, n, "<channel"))
            return WC_FEED_RSS;
        if (wc_mem_istarts(w, n, "<feed"))
            return WC_FEED_ATOM;
        if (wc_mem_istarts(w, n, "<rdf:rdf") || wc_mem_istarts(w, n, "<rdf"))
            return WC_FEED_RDF;
        return WC_FEED_UNKNOWN;
    }
    return WC_FEED_UNKNOWN;
}

/* --- builders ---------------------------------------------------------- */

static wc_status set_take(char **dst, wc_buf *b)
{
    char *s;

    free(*dst);
    *dst = NULL;
    if (!b->len) {
        wc_buf_release(b);
        return WC_OK;
    }
    s = wc_buf_detach(b, NULL);
    if (!s)
        return WC_ERR_NOMEM;
    *dst = s;
    return WC_OK;
}

wc_status wc_fb_set_str(char **dst, const char *p, size_t len)
{
    wc_buf b;
    wc_status st;

    wc_buf_init(&b, WC_FEED_TEXT_CAP);
    wc_mem_trim(&p, &len);
    st = wc_buf_add(&b, p, len);
    if (st) {
        wc_buf_release(&b);
        return st;
    }
    return set_take(dst, &b);
}

wc_status wc_fb_set_plain(char **dst, const struct ftext *t)
{
    wc_buf b;
    wc_status st;

    wc_buf_init(&b, WC_FEED_TEXT_CAP);
    if (t->html) {
        st = wc_html_to_text(&b, t->p, t->len);
    } else {
        st = wc_buf_add(&b, t->p, t->len);
        wc_text_squeeze(&b);
    }
    if (st) {
        wc_buf_release(&b);
        return st;
    }
    return set_take(dst, &b);
}

wc_status wc_fb_set_html(char **dst, const struct ftext *t, const char *base)
{
    wc_buf b;
    wc_status st;
    const char *p = t->p;
    size_t len = t->len;

    wc_buf_init(&b, WC_FEED_TEXT_CAP);
    wc_mem_trim(&p, &len);
    st = t->html ? wc_html_sanitize(&b, p, len, base) : wc_html_escape(&b, p, len, 0);
    if (st) {
        wc_buf_release(&b);
        return st;
    }
    return set_take(dst, &b);
}

wc_status wc_fb_set_url(char **dst, const char *base, const char *ref)
{
    const char *p = ref;
    size_t len = ref ? strlen(ref) : 0;
    char *abs;

    wc_mem_trim(&p, &len);
    if (!len)
        return WC_OK;
    abs = wc_url_resolve(base, ref);
    if (!abs)
        return WC_ERR_NOMEM;
    if (!*abs) { /* "./" against a relative base: nothing left */
        free(abs);
        return WC_OK;
    }
    free(*dst);
    *dst = abs;
    return WC_OK;
}

wc_status wc_fb_add_entry(struct fbuild *b, wc_entry **out)
{
    wc_feed *f = b->feed;
    wc_entry *e;

    if (f->n_entries >= WC_FEED_MAX_ENTRIES) {
        if (!f->bozo) {
            f->bozo = true;
            f->bozo_msg = wc_strdup("too many entries: the rest were dropped");
        }
        return WC_ERR_LIMIT;
    }
    if ((f->n_entries & (f->n_entries - 1)) == 0) { /* grow at powers of two */
        size_t cap = f->n_entries ? f->n_entries * 2 : 8;
        e = realloc(f->entries, cap * sizeof(*e));
        if (!e)
            return WC_ERR_NOMEM;
        f->entries = e;
    }
    e = &f->entries[f->n_entries++];
    memset(e, 0, sizeof(*e));
    e->published = e->updated = WC_FEED_NO_TIME;
    *out = e;
    return WC_OK;
}

wc_status wc_fb_add_category(wc_entry *e, const char *p, size_t len)
{
    char **c, *s = NULL;
    size_t i;
    wc_status st;

    st = wc_fb_set_str(&s, p, len);
    if (st || !s)
        return st;
    for (i = 0; i < e->n_categories; i++) {
        if (!strcmp(e->categories[i], s)) {
            free(s);
            return WC_OK;
        }
    }
    if (e->n_categories >= 1000) {
        free(s);
        return WC_OK;
    }
    c = realloc(e->categories, (e->n_categories + 1) * sizeof(*c));
    if (!c) {
        free(s);
        return WC_ERR_NOMEM;
    }
    e->categories = c;
    c[e->n_categories++] = s;
    return WC_OK;
}

wc_status wc_fb_add_enclosure(wc_entry *e, const char *base, const char *url, const char *type,
                              const char *length)
{
    wc_enclosure *n, enc = {NULL, NULL, -1};
    uint64_t v;
    wc_status st;

    if (!url)
        return WC_OK;
    st = wc_fb_set_url(&enc.url, base, url);
    if (st || !enc.url)
        return st;
    if (type && (st = wc_fb_set_str(&enc.type, type, strlen(type)))) {
        free(enc.url);
        return st;
    }
    if (length) {
        const char *p = length;
        size_t len = strlen(length);
        wc_mem_trim(&p, &len);
        if (wc_parse_u64(p, len, &v) && v <= (uint64_t)INT64_MAX)
            enc.length = (int64_t)v;
    }
    if (e->n_enclosures >= 1000) {
        free(enc.url);
        free(enc.type);
        return WC_OK;
    }
    n = realloc(e->enclosures, (e->n_enclosures + 1) * sizeof(*n));
    if (!n) {
        free(enc.url);
        free(enc.type);
        return WC_ERR_NOMEM;
    }
    e->enclosures = n;
    n[e->n_enclosures++] = enc;
    return WC_OK;
}

wc_status wc_fb_author_name(wc_buf *out, const char *p, size_t len)
{
    const char *lp, *rp, *lt, *gt, *q;
    size_t ql;

    wc_mem_trim(&p, &len);
    /* "me@example.com (Jane Doe)" or "Jane Doe (me@example.com)" */
    lp = memchr(p, '(', len);
    rp = lp ? memchr(lp, ')', len - (size_t)(lp - p)) : NULL;
    if (lp && rp) {
        bool mail_inside = memchr(lp, '@', (size_t)(rp - lp)) != NULL;
        bool mail_before = memchr(p, '@', (size_t)(lp - p)) != NULL;
        if (mail_before && !mail_inside) {
            q = lp + 1;
            ql = (size_t)(rp - q);
        } else if (mail_inside && !mail_before) {
            q = p;
            ql = (size_t)(lp - p);
        } else {
            q = p;
            ql = 0;
        }
        wc_mem_trim(&q, &ql);
        if (ql)
            return wc_buf_add(out, q, ql);
    }
    /* "Jane Doe <me@example.com>" */
    lt = memchr(p, '<', len);
    gt = lt ? memchr(lt, '>', len - (size_t)(lt - p)) : NULL;
    if (lt && gt && lt > p && memchr(lt, '@', (size_t)(gt - lt))) {
        q = p;
        ql = (size_t)(lt - p);
        wc_mem_trim(&q, &ql);
        if (ql >= 2 && q[0] == '"' && q[ql - 1] == '"') {
            q++;
            ql -= 2;
        }
        if (ql)
            return wc_buf_add(out, q, ql);
    }
    return wc_buf_add(out, p, len);
}

int64_t wc_fb_date(const char *p, size_t len)
{
    int64_t t;

    if (p && wc_date_parse(p, len, &t))
        return t;
    return WC_FEED_NO_TIME;
}

/* --- the entry point ----------------------------------------------------- */

static void free_entry(wc_entry *e)
{
    size_t i;

    free(e->id);
    free(e->title);
    free(e->link);
    free(e->author);
    free(e->summary);
    free(e->content);
    for (i = 0; i < e->n_enclosures; i++) {
        free(e->enclosures[i].url);
        free(e->enclosures[i].type);
    }
    free(e->enclosures);
    for (i = 0; i < e->n_categories; i++)
        free(e->categories[i]);
    free(e->categories);
}

void wc_feed_free(wc_feed *f)
{
    size_t i;

    if (!f)
        return;
    for (i = 0; i < f->n_entries; i++)
        free_entry(&f->entries[i]);
    free(f->entries);
    free(f->version);
    free(f->title);
    free(f->link);
    free(f->self);
    free(f->description);
    free(f->language);
    free(f->author);
    free(f->encoding);
    free(f->bozo_msg);
    free(f);
}

/* Where the input came from, for messages. */
static const char *input_name(const wc_feed_input *in)
{
    if (in->url && *in->url)
        return in->url;
    return in->name && *in->name ? in->name : "<input>";
}

/*
 * Two repairs every string gets before it leaves the parser, as feed
 * readers have long made them:
 *  - In a UTF-8 document, text that was encoded twice, through latin-1
 *    or windows-1252 ("CafÃ©", "itâ€™s"), is decoded once more ("Café",
 *    "it’s") by charset.c's wc_charset_fix_mojibake, the repair pages
 *    get too: a run is put back only where its bytes form one
 *    well-formed character. This must come first: the C1 controls such
 *    text may hold ("â\u0080\u0099" for ’) are bytes of it.
 *  - What is left goes through the project's one repair (utf8.c): C1
 *    controls U+0080..U+009F are windows-1252's punctuation that went
 *    through a latin-1 decoder (or a numeric reference like &#150;), so
 *    they become what the publisher typed (HTML5 does the same for
 *    references); controls the tokenizer let through (DEL) go.
 */
/* Cap of a tidied string: a 2-byte C1 control becomes at most 3 bytes, so 1.5 times a string. */
#define TIDY_CAP (WC_FEED_TEXT_CAP / 2 * 3)

/* Replace *sp with b's text (b is left empty). */
static wc_status take_buf(char **sp, wc_buf *b)
{
    char *out = wc_buf_detach(b, NULL);

    if (!out)
        return WC_ERR_NOMEM;
    free(*sp);
    *sp = out;
    return WC_OK;
}

static wc_status tidy(char **sp, bool utf8_doc)
{
    size_t len, fixed;
    wc_buf b;
    wc_status st;

    if (!*sp)
        return WC_OK;
    len = strlen(*sp);
    /* charset.c's repair of double encoding, the one pages get; a text encoded three
       times is undone once per pass, and each pass shortens it */
    while (utf8_doc && len) {
        wc_buf_init(&b, TIDY_CAP);
        fixed = wc_charset_fix_mojibake(*sp, len, &b, &st);
        if (st || !fixed) {
            wc_buf_release(&b);
            if (st)
                return st;
            break;
        }
        len = b.len;
        if ((st = take_buf(sp, &b)))
            return st;
    }
    if (wc_utf8_clean(*sp, len))
        return WC_OK;
    wc_buf_init(&b, TIDY_CAP);
    if ((st = wc_utf8_repair(&b, *sp, len, 0, NULL))) {
        wc_buf_release(&b);
        return st;
    }
    return take_buf(sp, &b);
}

static wc_status tidy_feed(wc_feed *f, bool utf8_doc)
{
    wc_status st = WC_OK;
    size_t i, k;

    st = tidy(&f->title, utf8_doc);
    if (!st)
        st = tidy(&f->description, utf8_doc);
    if (!st)
        st = tidy(&f->author, utf8_doc);
    for (i = 0; i < f->n_entries && !st; i++) {
        wc_entry *e = &f->entries[i];
        st = tidy(&e->title, utf8_doc);
        if (!st)
            st = tidy(&e->author, utf8_doc);
        if (!st)
            st = tidy(&e->summary, utf8_doc);
        if (!st)
            st = tidy(&e->content, utf8_doc);
        for (k = 0; k < e->n_categories && !st; k++)
            st = tidy(&e->categories[k], utf8_doc);
    }
    return st;
}

/* Find a feed root at or just below the top (some feeds wrap theirs). */
static const struct xnode *feed_root(const struct xnode *root, wc_feed_format *fmt)
{
    const struct xnode *c;

    if (!root)
        return NULL;
    if (!strcmp(root->local, "rss") || !strcmp(root->local, "channel")) {
        *fmt = WC_FEED_RSS;
        return root;
    }
    if (!strcmp(root->local, "RDF") || !strcmp(root->local, "rdf")) {
        *fmt = WC_FEED_RDF;
        return root;
    }
    if (!strcmp(root->local, "feed")) {
        *fmt = WC_FEED_ATOM;
        return root;
    }
    for (c = root->first; c; c = c->next) {
        if (c->is_text)
            continue;
        if (!strcmp(c->local, "rss") || !strcmp(c->local, "feed") || !strcmp(c->local, "RDF")) {
            return feed_root(c, fmt);
        }
    }
    return NULL;
}

static wc_status parse_xml(const wc_feed_input *in, struct fbuild *b, wc_error *err)
{
    struct xdoc doc;
    const struct xnode *root;
    wc_feed_format fmt = WC_FEED_UNKNOWN;
    wc_status st;

    memset(&doc, 0, sizeof(doc));
    st = wc_xml_parse(in->data, in->len, in->content_type, b->base, &doc, err);
    if (st)
        goto out;
    b->doc = &doc;
    root = feed_root(doc.root, &fmt);
    if (!root) {
        if (!doc.root)
            st = wc_error_set(err, WC_ERR_PARSE, "no feed in '%s': no XML element found",
                              input_name(in));
        else if (!strcmp(doc.root->local, "html") || !strcmp(doc.root->local, "HTML"))
            st = wc_error_set(err, WC_ERR_PARSE, "no feed in '%s': it is an HTML page",
                              input_name(in));
        else
            st = wc_error_set(err, WC_ERR_PARSE, "no feed in '%s': root element is <%.60s>",
                              input_name(in), doc.root->qname);
        goto out;
    }
    b->feed->format = fmt;
    b->feed->encoding = wc_strdup(doc.encoding);
    if (!b->feed->encoding) {
        st = wc_error_set(err, WC_ERR_NOMEM, "out of memory");
        goto out;
    }
    st = fmt == WC_FEED_ATOM ? wc_feed_read_atom(b, root) : wc_feed_read_rss(b, root);
    if (st == WC_ERR_LIMIT)
        st = WC_OK; /* entries past the cap are dropped, bozo says so */
    if (st) {
        wc_error_set(err, st, "cannot read feed '%s': %s", input_name(in), wc_strerror(st));
        goto out;
    }
    st = tidy_feed(b->feed, !strcmp(doc.encoding, "utf-8"));
    if (st) {
        wc_error_set(err, st, "out of memory");
        goto out;
    }
    if (doc.bozo) {
        b->feed->bozo = true;
        if (!b->feed->bozo_msg)
            b->feed->bozo_msg = wc_strdup(doc.bozo_msg);
    }
out:
    b->doc = NULL;
    wc_xml_release(&doc);
    return st;
}

wc_status wc_feed_parse(const wc_feed_input *in, wc_feed **out, wc_error *err)
{
    struct fbuild b;
    wc_feed *f;
    char *base = NULL;
    size_t lead;
    wc_status st;

    *out = NULL;
    if (!in || (!in->data && in->len))
        return wc_error_set(err, WC_ERR_USAGE, "no input");
    if (in->len > WC_FEED_MAX_BYTES)
        return wc_error_set(err, WC_ERR_LIMIT, "feed '%s' is %zu bytes, over the %zu byte cap",
                            input_name(in), in->len, WC_FEED_MAX_BYTES);
    f = calloc(1, sizeof(*f));
    if (!f)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    f->published = f->updated = WC_FEED_NO_TIME;
    f->ttl = -1;
    if (in->content_location && *in->content_location)
        base = wc_url_resolve(in->url, in->content_location);
    else if (in->url && *in->url)
        base = wc_strdup(in->url);
    memset(&b, 0, sizeof(b));
    b.feed = f;
    b.base = base;
    b.http_language = in->content_language;
    wc_buf_init(&b.tmp, WC_FEED_TEXT_CAP);

    lead = skip_lead(in->data ? in->data : "", in->len);
    if (lead < in->len && in->data[lead] == '{') {
        f->format = WC_FEED_JSON;
        f->encoding = wc_strdup("utf-8");
        st = f->encoding ? wc_feed_read_json(&b, in->data + lead, in->len - lead, err)
                         : wc_error_set(err, WC_ERR_NOMEM, "out of memory");
        if (st == WC_ERR_LIMIT)
            st = WC_OK;
    } else {
        st = parse_xml(in, &b, err);
    }
    if (!st && !f->language && in->content_language && *in->content_language)
        st = wc_fb_set_str(&f->language, in->content_language, strlen(in->content_language));
    wc_buf_release(&b.tmp);
    free(base);
    if (st) {
        if (st == WC_ERR_NOMEM && err && !err->msg[0])
            wc_error_set(err, st, "out of memory");
        wc_feed_free(f);
        return st;
    }
    *out = f;
    return WC_OK;
}
