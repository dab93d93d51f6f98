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
 */
#include "feed_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

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

    root = json_loadb(p, len, 0, &jerr);
    if (!root)
        return wc_error_set(err, WC_ERR_PARSE, "no feed: invalid JSON at line %d column %d: %s",
                            jerr.line, jerr.column, jerr.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return wc_error_set(err, WC_ERR_PARSE, "no feed: the JSON is not an object");
    }
    ver = str(root, "version");
    items = json_object_get(root, "items");
    if (!ver || !wc_mem_istr(ver, strlen(ver), "jsonfeed.org/version/")) {
        if (!json_is_array(items)) {
            json_decref(root);
            return wc_error_set(err, WC_ERR_PARSE,
                                "no feed: JSON without a JSON Feed version or items");
        }
        f->bozo = true;
        f->bozo_msg = wc_strdup("JSON Feed without its version");
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
