/*
 * feed_json.c - JSON Feed 1 and 1.1 (https://jsonfeed.org/version/1.1).
 *
 * jansson parses (its nesting limit guards the stack); this file maps:
 * title, home_page_url -> link, feed_url -> self, description, language
 * (1.1), authors[0]/author (1.0) -> author; per item id (a number is kept
 * as its text: version 1 allowed it), url -> link (resolved against the
 * feed URL), title, summary (plain text, so escaped), content_html
 * (sanitised) or content_text (escaped), date_published, date_modified,
 * tags, attachments. Wrong types are skipped, not fatal: a JSON Feed with
 * one odd field still gives its entries (and bozo says so).
 *
 * Valid JSON jansson refuses as it stands (a number beyond int64 or
 * double, U+0000 in a key) is mended by json.c and parsed again, so a
 * field nobody reads never costs the feed: a numeric id beyond range
 * keeps its digits as its text, a size_in_bytes beyond range is not
 * taken and bozo names it. U+0000 in a string is admitted
 * (JSON_ALLOW_NUL) and dropped by the one text repair (utf8.c), the rest
 * of the string kept; other controls are left as the XML readers leave
 * them (WC_UTF8_KEEP_CONTROLS), for the terminal to show escaped.
 */
#include "feed_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

/*
 * Caps of the reader's scratch buffers: a mended document grows by two
 * quotes per number (each at least 5 bytes: "1e309"), so under twice its
 * size; a repaired string at most 3 times (a byte read as windows-1252 is
 * up to 3 bytes of UTF-8).
 */
#define JSON_MEND_CAP(len) ((len)*2 + 64)
#define JSON_FIX_CAP(len) ((len)*3 + 64)

/* The first used field whose number wc_json_mend turned into text. */
struct mend_note {
    char msg[160]; /* for bozo_msg, "" when none */
};

static void on_mended(void *ctx, const char *key, size_t key_len, unsigned depth, const char *num,
                      size_t num_len)
{
    struct mend_note *m = ctx;

    (void)depth;
    if (m->msg[0] || !key || key_len != 13 || memcmp(key, "size_in_bytes", 13) != 0)
        return; /* an id keeps its digits as text; other fields are not read */
    snprintf(m->msg, sizeof(m->msg), "JSON number out of range in \"size_in_bytes\": %.*s%s",
             (int)WC_MIN(num_len, (size_t)40), num, num_len > 40 ? "..." : "");
}

/* Parse with jansson, mending what it refuses of valid JSON (json.c). NULL: err says why. */
static json_t *load(const char *p, size_t len, struct mend_note *note, json_error_t *jerr,
                    wc_status *st)
{
    json_t *root = json_loadb(p, len, JSON_ALLOW_NUL, jerr);
    wc_buf fix;

    *st = WC_OK;
    if (root || !wc_json_mendable(json_error_code(jerr)))
        return root;
    wc_buf_init(&fix, JSON_MEND_CAP(len));
    *st = wc_json_mend(&fix, p, len, on_mended, note, NULL);
    if (*st == WC_OK)
        root = json_loadb(fix.buf, fix.len, JSON_ALLOW_NUL, jerr);
    wc_buf_release(&fix);
    return root;
}

/* Every string value under v that holds U+0000 repaired in place (utf8.c); tmp is scratch. */
static wc_status drop_nuls(json_t *v, wc_buf *tmp)
{
    const char *key;
    json_t *val;
    size_t i;
    wc_status st;

    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);

        if (!memchr(s, '\0', n))
            return WC_OK;
        wc_buf_reset(tmp);
        if ((st = wc_utf8_repair(tmp, s, n, WC_UTF8_KEEP_CONTROLS, NULL)) != WC_OK)
            return st;
        return json_string_setn(v, tmp->buf, tmp->len) ? WC_ERR_NOMEM : WC_OK;
    }
    if (json_is_array(v)) {
        for (i = 0; i < json_array_size(v); i++)
            if ((st = drop_nuls(json_array_get(v, i), tmp)) != WC_OK)
                return st;
        return WC_OK;
    }
    if (json_is_object(v)) {
        json_object_foreach(v, key, val)
        {
            if ((st = drop_nuls(val, tmp)) != WC_OK)
                return st;
        }
    }
    return WC_OK;
}

static const char *str(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

static wc_status set_s(char **dst, const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);

    if (!json_is_string(v))
        return WC_OK;
    return wc_fb_set_str(dst, json_string_value(v), json_string_length(v));
}

/* author (1.0) or authors[0] (1.1): its name, else its url. */
static wc_status set_author(char **dst, const json_t *o)
{
    const json_t *a = json_object_get(o, "authors");

    if (json_is_array(a) && json_array_size(a))
        a = json_array_get(a, 0);
    else
        a = json_object_get(o, "author");
    if (!json_is_object(a))
        return WC_OK;
    if (str(a, "name"))
        return set_s(dst, a, "name");
    return set_s(dst, a, "url");
}

static wc_status set_plain_html(char **dst, const char *text, const char *base, bool html)
{
    struct ftext t;

    if (!text)
        return WC_OK;
    t.p = text;
    t.len = strlen(text);
    t.html = html;
    return wc_fb_set_html(dst, &t, base);
}

static wc_status read_item(struct fbuild *b, const json_t *it)
{
    wc_entry *e;
    const json_t *v;
    const char *s;
    size_t i;
    wc_status st;

    st = wc_fb_add_entry(b, &e);
    if (st)
        return st;
    v = json_object_get(it, "id");
    if (json_is_string(v)) {
        st = wc_fb_set_str(&e->id, json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v)) {
        char num[32];
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        st = wc_fb_set_str(&e->id, num, strlen(num));
    }
    if (!st && (s = str(it, "title"))) {
        struct ftext t = {s, strlen(s), false};
        st = wc_fb_set_plain(&e->title, &t);
    }
    if (!st) {
        s = str(it, "url");
        if (!s)
            s = str(it, "external_url");
        if (s)
            st = wc_fb_set_url(&e->link, b->base, s);
    }
    if (!st && (s = str(it, "date_published")))
        e->published = wc_fb_date(s, strlen(s));
    if (!st && (s = str(it, "date_modified")))
        e->updated = wc_fb_date(s, strlen(s));
    if (!st)
        st = set_author(&e->author, it);
    if (!st)
        st = set_plain_html(&e->summary, str(it, "summary"), b->base, false);
    if (!st) {
        if (str(it, "content_html"))
            st = set_plain_html(&e->content, str(it, "content_html"), b->base, true);
        else
            st = set_plain_html(&e->content, str(it, "content_text"), b->base, false);
    }
    v = json_object_get(it, "tags");
    for (i = 0; !st && json_is_array(v) && i < json_array_size(v); i++) {
        const json_t *tag = json_array_get(v, i);
        if (json_is_string(tag))
            st = wc_fb_add_category(e, json_string_value(tag), json_string_length(tag));
    }
    v = json_object_get(it, "attachments");
    for (i = 0; !st && json_is_array(v) && i < json_array_size(v); i++) {
        const json_t *at = json_array_get(v, i), *size;
        char len[32] = "";
        if (!json_is_object(at))
            continue;
        size = json_object_get(at, "size_in_bytes");
        if (json_is_integer(size) && json_integer_value(size) >= 0)
            snprintf(len, sizeof(len), "%" JSON_INTEGER_FORMAT, json_integer_value(size));
        st = wc_fb_add_enclosure(e, b->base, str(at, "url"), str(at, "mime_type"),
                                 len[0] ? len : NULL);
    }
    return st;
}

wc_status wc_feed_read_json(struct fbuild *b, const char *p, size_t len, wc_error *err)
{
    wc_feed *f = b->feed;
    json_error_t jerr;
    json_t *root;
    const json_t *items;
    const char *ver;
    size_t i;
    wc_status st = WC_OK;
    struct mend_note note = {""};
    wc_buf fix;

    root = load(p, len, &note, &jerr, &st);
    if (st)
        return wc_error_set(err, st, "cannot read JSON Feed: %s", wc_strerror(st));
    if (!root)
        return wc_error_set(err, WC_ERR_PARSE, "no feed: invalid JSON at line %d column %d: %s",
                            jerr.line, jerr.column, jerr.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return wc_error_set(err, WC_ERR_PARSE, "no feed: the JSON is not an object");
    }
    wc_buf_init(&fix, JSON_FIX_CAP(len));
    st = drop_nuls(root, &fix);
    wc_buf_release(&fix);
    if (st) {
        json_decref(root);
        return wc_error_set(err, st, "cannot read JSON Feed: %s", wc_strerror(st));
    }
    if (note.msg[0]) {
        f->bozo = true;
        f->bozo_msg = wc_strdup(note.msg);
    }
    ver = str(root, "version");
    items = json_object_get(root, "items");
    if (!ver || !wc_mem_istr(ver, strlen(ver), "jsonfeed.org/version/")) {
        if (!json_is_array(items)) {
            json_decref(root);
            return wc_error_set(err, WC_ERR_PARSE,
                                "no feed: JSON without a JSON Feed version or items");
        }
        if (!f->bozo) {
            f->bozo = true;
            f->bozo_msg = wc_strdup("JSON Feed without its version");
        }
    }
    if (ver)
        st = wc_fb_set_str(&f->version, ver, strlen(ver));
    if (!st && str(root, "title")) {
        struct ftext t = {str(root, "title"), strlen(str(root, "title")), false};
        st = wc_fb_set_plain(&f->title, &t);
    }
    if (!st && str(root, "home_page_url"))
        st = wc_fb_set_url(&f->link, b->base, str(root, "home_page_url"));
    if (!st && str(root, "feed_url"))
        st = wc_fb_set_url(&f->self, b->base, str(root, "feed_url"));
    if (!st && str(root, "description")) {
        struct ftext t = {str(root, "description"), strlen(str(root, "description")), false};
        st = wc_fb_set_plain(&f->description, &t);
    }
    if (!st)
        st = set_s(&f->language, root, "language");
    if (!st)
        st = set_author(&f->author, root);
    for (i = 0; !st && json_is_array(items) && i < json_array_size(items); i++) {
        const json_t *it = json_array_get(items, i);
        if (json_is_object(it))
            st = read_item(b, it);
    }
    json_decref(root);
    if (st && st != WC_ERR_LIMIT)
        return wc_error_set(err, st, "cannot read JSON Feed: %s", wc_strerror(st));
    return st;
}
