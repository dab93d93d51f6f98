/*
 * extract_output.c - the kept blocks as text, and an article as plain
 * text, Markdown or JSON.
 *
 * Plain text is what every consumer of wc_article reads: one line per
 * paragraph, heading, list item, quote paragraph or code line, joined by
 * a blank line, except that items of one list and the lines of one <br>
 * paragraph follow each other after a single newline. wc_article.blocks
 * records each line's kind so Markdown and JSON can show the structure
 * without parsing the text again.
 *
 * JSON is written by hand (escaping ", \ and control characters; the
 * text is valid UTF-8 already) so that field order is stable and nothing
 * is allocated per field.
 */
#include "extract_internal.h"

#include <stdlib.h>
#include <string.h>

#include "wirecopy/date.h"

#include "internal.h"

static uint8_t public_kind(unsigned k)
{
    switch (k) {
    case K_HEADING:
        return WC_BLOCK_HEADING;
    case K_LI:
        return WC_BLOCK_LIST_ITEM;
    case K_QUOTE:
        return WC_BLOCK_QUOTE;
    case K_PRE:
        return WC_BLOCK_CODE;
    default:
        return WC_BLOCK_PARAGRAPH;
    }
}

wc_status ex_output_build(ex_doc *d, wc_article *a)
{
    wc_buf t;
    wc_article_block *blocks = NULL;
    size_t nb = 0, cap = 0;
    uint32_t i, prev = EX_NONE;
    wc_status st = WC_OK;

    wc_buf_init(&t, WC_EXTRACT_MAX_TEXT + 16);
    for (i = 0; i < d->n_blocks; i++) {
        const ex_block *b = &d->blocks[i];
        wc_article_block *ob;
        uint8_t kind;
        bool joined;
        if (!b->keep)
            continue;
        kind = public_kind(b->kind);
        joined = prev != EX_NONE && ((kind == WC_BLOCK_LIST_ITEM && blocks[nb - 1].kind == kind) ||
                                     ((b->flags & BF_AFTER_BR) && prev + 1 == i) ||
                                     (kind == WC_BLOCK_CODE && blocks[nb - 1].kind == kind));
        if (t.len + b->len + 2 > WC_EXTRACT_MAX_TEXT)
            break;
        if (nb == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            wc_article_block *p = realloc(blocks, ncap * sizeof(*p));
            if (!p) {
                st = WC_ERR_NOMEM;
                goto fail;
            }
            blocks = p;
            cap = ncap;
        }
        if (prev != EX_NONE && (st = wc_buf_add(&t, joined ? "\n" : "\n\n", joined ? 1 : 2)))
            goto fail;
        ob = &blocks[nb++];
        ob->off = t.len;
        ob->len = b->len;
        ob->kind = kind;
        ob->level = kind == WC_BLOCK_HEADING     ? (uint8_t)WC_MAX(2, WC_MIN(6, b->level))
                    : kind == WC_BLOCK_LIST_ITEM ? (uint8_t)WC_MAX(1, b->level)
                                                 : 0;
        ob->ordered = (b->flags & BF_ORDERED) != 0;
        ob->joined = joined;
        if ((st = wc_buf_add(&t, d->btext.buf + b->off, b->len)))
            goto fail;
        prev = i;
    }
    if (!nb) {
        wc_buf_release(&t);
        free(blocks);
        return WC_ERR_EMPTY;
    }
    a->word_count = wc_count_words(t.buf, t.len);
    a->text = wc_buf_detach(&t, &a->text_len);
    if (!a->text) {
        free(blocks);
        return WC_ERR_NOMEM;
    }
    a->blocks = blocks;
    a->n_blocks = nb;
    return WC_OK;
fail:
    wc_buf_release(&t);
    free(blocks);
    return st;
}

/* --- JSON ------------------------------------------------------------------------ */

static wc_status json_str(wc_buf *o, const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, start = 0;
    wc_status st;

    if ((st = wc_buf_addch(o, '"')))
        return st;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        char esc[8];
        size_t el = 0;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            el = 2;
        } else if (c == '\n') {
            memcpy(esc, "\\n", 2);
            el = 2;
        } else if (c == '\t') {
            memcpy(esc, "\\t", 2);
            el = 2;
        } else if (c == '\r') {
            memcpy(esc, "\\r", 2);
            el = 2;
        } else if (c < 0x20) {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            el = 6;
        } else {
            continue;
        }
        if ((st = wc_buf_add(o, p + start, i - start)) || (st = wc_buf_add(o, esc, el)))
            return st;
        start = i + 1;
    }
    if ((st = wc_buf_add(o, p + start, n - start)))
        return st;
    return wc_buf_addch(o, '"');
}

static wc_status json_field(wc_buf *o, const char *key, const char *val, bool *first)
{
    wc_status st;

    if ((st = wc_buf_addstr(o, *first ? "{" : ",")) || (st = json_str(o, key, strlen(key))) ||
        (st = wc_buf_addch(o, ':')))
        return st;
    *first = false;
    if (!val)
        return wc_buf_addstr(o, "null");
    return json_str(o, val, strlen(val));
}

static const char *const kind_names[WC_BLOCK_KIND_COUNT] = {"paragraph", "heading", "list_item",
                                                            "quote", "code"};

wc_status wc_article_to_json(const wc_article *a, const char *url, wc_buf *o)
{
    char pub[32], mod[32];
    bool first = true;
    size_t i;
    wc_status st;

    pub[0] = mod[0] = '\0';
    if (a->published_at != WC_TIME_NONE)
        wc_date_format(a->published_at, pub, sizeof(pub));
    if (a->modified_at != WC_TIME_NONE)
        wc_date_format(a->modified_at, mod, sizeof(mod));
    if ((st = json_field(o, "url", url, &first)) ||
        (st = json_field(o, "canonical_url", a->canonical_url, &first)) ||
        (st = json_field(o, "title", a->title, &first)) ||
        (st = json_field(o, "author", a->author, &first)) ||
        (st = json_field(o, "site", a->site, &first)) ||
        (st = json_field(o, "lang", a->lang, &first)) ||
        (st = json_field(o, "published", pub[0] ? pub : NULL, &first)) ||
        (st = json_field(o, "modified", mod[0] ? mod : NULL, &first)) ||
        (st = json_field(o, "description", a->description, &first)) ||
        (st = json_field(o, "image", a->image, &first)) ||
        (st = wc_buf_addf(o, ",\"word_count\":%zu", a->word_count)) ||
        (st = json_field(o, "text", a->text ? a->text : "", &first)) ||
        (st = wc_buf_addstr(o, ",\"blocks\":[")))
        return st;
    for (i = 0; i < a->n_blocks; i++) {
        const wc_article_block *b = &a->blocks[i];
        if ((st = wc_buf_addf(o, "%s{\"type\":\"%s\"", i ? "," : "",
                              kind_names[b->kind < WC_BLOCK_KIND_COUNT ? b->kind : 0])))
            return st;
        if (b->kind == WC_BLOCK_HEADING || b->kind == WC_BLOCK_LIST_ITEM)
            if ((st = wc_buf_addf(o, ",\"level\":%u", (unsigned)b->level)))
                return st;
        if (b->kind == WC_BLOCK_LIST_ITEM &&
            (st = wc_buf_addf(o, ",\"ordered\":%s", b->ordered ? "true" : "false")))
            return st;
        if ((st = wc_buf_addstr(o, ",\"text\":")) || (st = json_str(o, a->text + b->off, b->len)) ||
            (st = wc_buf_addch(o, '}')))
            return st;
    }
    return wc_buf_addstr(o, "]}");
}

/* --- Markdown ---------------------------------------------------------------------- */

/* Escape characters Markdown would read as markup; a line start gets more care. */
static wc_status md_text(wc_buf *o, const char *p, size_t n, bool line_start)
{
    size_t i, start = 0;
    wc_status st;

    if (line_start && n) {
        size_t k = 0;
        while (k < n && p[k] >= '0' && p[k] <= '9')
            k++;
        if (p[0] == '#' || p[0] == '>' || p[0] == '-' || p[0] == '+' || p[0] == '=' ||
            (k > 0 && k < n && (p[k] == '.' || p[k] == ')'))) {
            if (k > 0) {
                if ((st = wc_buf_add(o, p, k)) || (st = wc_buf_addch(o, '\\')))
                    return st;
                p += k;
                n -= k;
            } else if ((st = wc_buf_addch(o, '\\'))) {
                return st;
            }
        }
    }
    for (i = 0; i < n; i++) {
        char c = p[i];
        if (c != '*' && c != '_' && c != '`' && c != '[' && c != ']' && c != '\\' && c != '<')
            continue;
        if ((st = wc_buf_add(o, p + start, i - start)) || (st = wc_buf_addch(o, '\\')))
            return st;
        start = i;
    }
    return wc_buf_add(o, p + start, n - start);
}

wc_status wc_article_to_text(const wc_article *a, unsigned flags, wc_buf *o)
{
    wc_status st;

    if (!a->text_len)
        return WC_OK;
    if ((flags & WC_TEXT_TITLE) && a->title && a->title[0] &&
        ((st = wc_buf_addstr(o, a->title)) || (st = wc_buf_addstr(o, "\n\n"))))
        return st;
    if ((st = wc_buf_add(o, a->text, a->text_len)))
        return st;
    return wc_buf_addch(o, '\n');
}

wc_status wc_article_to_markdown(const wc_article *a, wc_buf *o)
{
    size_t i;
    bool in_code = false;
    wc_status st;

    if (a->title) {
        if ((st = wc_buf_addstr(o, "# ")) || (st = md_text(o, a->title, strlen(a->title), false)) ||
            (st = wc_buf_addstr(o, "\n\n")))
            return st;
    }
    for (i = 0; i < a->n_blocks; i++) {
        const wc_article_block *b = &a->blocks[i];
        const char *p = a->text + b->off;
        unsigned k;
        if (in_code && b->kind != WC_BLOCK_CODE) {
            if ((st = wc_buf_addstr(o, "```\n")))
                return st;
            in_code = false;
        }
        if (i && !in_code && (st = wc_buf_addstr(o, b->joined ? "" : "\n")))
            return st;
        switch (b->kind) {
        case WC_BLOCK_HEADING:
            for (k = 0; k < b->level; k++)
                if ((st = wc_buf_addch(o, '#')))
                    return st;
            if ((st = wc_buf_addch(o, ' ')) || (st = md_text(o, p, b->len, false)))
                return st;
            break;
        case WC_BLOCK_LIST_ITEM:
            for (k = 1; k < b->level; k++)
                if ((st = wc_buf_addstr(o, "  ")))
                    return st;
            if ((st = wc_buf_addstr(o, b->ordered ? "1. " : "- ")) ||
                (st = md_text(o, p, b->len, false)))
                return st;
            break;
        case WC_BLOCK_QUOTE:
            if ((st = wc_buf_addstr(o, "> ")) || (st = md_text(o, p, b->len, false)))
                return st;
            break;
        case WC_BLOCK_CODE:
            if (!in_code && (st = wc_buf_addstr(o, "```\n")))
                return st;
            in_code = true;
            if ((st = wc_buf_add(o, p, b->len)))
                return st;
            break;
        default:
            if (b->joined && i && o->len && o->buf[o->len - 1] == '\n') {
                /* a <br> line: hard break (two spaces) at the end of the previous line */
                wc_buf_setlen(o, o->len - 1);
                if ((st = wc_buf_addstr(o, "  \n")))
                    return st;
            }
            if ((st = md_text(o, p, b->len, true)))
                return st;
            break;
        }
        if ((st = wc_buf_addch(o, '\n')))
            return st;
    }
    if (in_code && (st = wc_buf_addstr(o, "```\n")))
        return st;
    return WC_OK;
}
