/*
 * extract_blocks.c - from the tree to text blocks, and the tree's walks
 * that the other passes share (a subtree's text, ancestors).
 *
 * A walk over the tree cuts the text into blocks the way a browser lays
 * it out: every block-level element (p, div, li, h2, td...) and every
 * <br> ends a block, inline elements (a, b, span...) do not.
 * Each block remembers the element holding it, how much of its text is
 * link text, what kind of line it is (heading, list item, quote...) and
 * the class/id vocabulary bits of all its ancestors. Scoring works on
 * blocks; the tree stays for the structure (which element holds the
 * article).
 *
 * The blocks' texts lie one after another in ex_doc.btext, trimmed
 * (spaces were collapsed by the parser); a paragraph longer than
 * EX_MAX_LINE bytes keeps its first EX_MAX_LINE, cut at a character
 * boundary.
 */
#include "extract_internal.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* --- text of a subtree ------------------------------------------------------ */

bool ex_is_ancestor(const ex_doc *d, uint32_t anc, uint32_t n)
{
    while (n != EX_NONE) {
        if (n == anc)
            return true;
        if (d->nodes[n].depth <= d->nodes[anc].depth)
            return false;
        n = d->nodes[n].parent;
    }
    return false;
}

uint32_t ex_common_ancestor(const ex_doc *d, uint32_t a, uint32_t b)
{
    while (d->nodes[a].depth > d->nodes[b].depth)
        a = d->nodes[a].parent;
    while (d->nodes[b].depth > d->nodes[a].depth)
        b = d->nodes[b].parent;
    while (a != b) {
        a = d->nodes[a].parent;
        b = d->nodes[b].parent;
    }
    return a;
}

static wc_status text_rec(const ex_doc *d, uint32_t n, wc_buf *out, size_t max)
{
    uint32_t c;
    wc_status st;

    for (c = d->nodes[n].first; c != EX_NONE; c = d->nodes[c].next) {
        const ex_node *nd = &d->nodes[c];
        if (out->len >= max)
            return WC_OK;
        if (nd->tag == T_TEXT) {
            const char *p = d->text.buf + nd->off;
            size_t l = nd->len;
            if (l && p[0] == ' ' && (out->len == 0 || out->buf[out->len - 1] == ' ')) {
                p++;
                l--;
            }
            if (l > max - out->len)
                l = max - out->len;
            if ((st = wc_buf_add(out, p, l)))
                return st;
        } else {
            bool block = (ex_tag_flags(nd->tag) & TF_BLOCK) || nd->tag == T_BR;
            if (block && out->len && out->buf[out->len - 1] != ' ' && (st = wc_buf_addch(out, ' ')))
                return st;
            if ((st = text_rec(d, c, out, max)))
                return st;
            if (block && out->len && out->buf[out->len - 1] != ' ' && (st = wc_buf_addch(out, ' ')))
                return st;
        }
    }
    return WC_OK;
}

wc_status ex_dom_text(const ex_doc *d, uint32_t n, wc_buf *out, size_t max)
{
    size_t start = out->len;
    wc_status st = text_rec(d, n, out, start + max);

    while (out->len > start && out->buf[out->len - 1] == ' ')
        out->len--;
    out->buf[out->len] = '\0';
    return st;
}

/* --- blocks ------------------------------------------------------------------- */

struct lin {
    ex_doc *d;
    uint32_t start;      /* where the open block's text starts in btext */
    uint32_t owner;      /* element holding the open block */
    uint32_t chars;      /* non-space code points so far */
    uint32_t link_chars; /* of which inside links */
    uint32_t path;       /* EXC bits of the owner and its ancestors */
    uint32_t links;      /* open <a href> elements */
    uint16_t next_flags; /* flags for the next block (BF_AFTER_BR) */
    uint8_t brs;         /* <br>s since the last text: one is a line break, two a paragraph */
    uint8_t kind;
    uint8_t level;
    uint8_t list_depth;
    bool ordered;
    bool in_head;
    wc_status st;
};

static void flush(struct lin *l)
{
    ex_doc *d = l->d;
    wc_buf *bt = &d->btext;
    ex_block *bl;
    uint32_t len;

    while (bt->len > l->start && bt->buf[bt->len - 1] == ' ')
        bt->len--;
    bt->buf[bt->len] = '\0';
    len = (uint32_t)(bt->len - l->start);
    if (!len || !l->chars) {
        bt->len = l->start;
        bt->buf[bt->len] = '\0';
        l->chars = l->link_chars = 0;
        return;
    }
    if (d->n_blocks == d->cap_blocks) {
        uint32_t ncap = d->cap_blocks ? d->cap_blocks * 2 : 256;
        ex_block *p = realloc(d->blocks, (size_t)ncap * sizeof(*p));
        if (!p) {
            l->st = WC_ERR_NOMEM;
            return;
        }
        d->blocks = p;
        d->cap_blocks = ncap;
    }
    bl = &d->blocks[d->n_blocks++];
    memset(bl, 0, sizeof(*bl));
    bl->off = l->start;
    bl->len = len;
    bl->node = l->owner;
    bl->chars = l->chars;
    bl->link_chars = l->link_chars;
    bl->cls_path = l->path;
    bl->kind = l->kind;
    bl->level = l->kind == K_LI ? l->list_depth : l->level;
    bl->flags = l->next_flags;
    if (l->ordered && l->kind == K_LI)
        bl->flags |= BF_ORDERED;
    if (l->in_head)
        bl->flags |= BF_IN_HEAD;
    wc_words_count(bt->buf + bl->off, bl->len, &bl->words, bl->lang_stops);
    l->start = (uint32_t)bt->len;
    l->chars = l->link_chars = 0;
    l->next_flags = 0;
}

static void add_run(struct lin *l, const char *p, size_t n)
{
    wc_buf *bt = &l->d->btext;
    size_t i, cp = 0;

    if (l->st)
        return;
    if (n && p[0] == ' ' && (bt->len == l->start || bt->buf[bt->len - 1] == ' ')) {
        p++;
        n--;
    }
    if (!n)
        return;
    if (bt->len - l->start + n > EX_MAX_LINE) {
        /* an endless paragraph: keep its first EX_MAX_LINE bytes */
        size_t room = EX_MAX_LINE - (bt->len - l->start);
        while (room && ((unsigned char)p[room] & 0xC0) == 0x80)
            room--;
        n = room;
        if (!n)
            return;
    }
    if ((l->st = wc_buf_add(bt, p, n)))
        return;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c & 0xC0) != 0x80 && c != ' ')
            cp++;
    }
    l->chars += (uint32_t)cp;
    if (l->links)
        l->link_chars += (uint32_t)cp;
}

static void walk(struct lin *l, uint32_t n)
{
    ex_doc *d = l->d;
    uint32_t c;

    for (c = d->nodes[n].first; c != EX_NONE && !l->st; c = d->nodes[c].next) {
        const ex_node *nd = &d->nodes[c];
        unsigned tf;

        if (nd->tag == T_TEXT) {
            add_run(l, d->text.buf + nd->off, nd->len);
            continue;
        }
        if (nd->tag == T_BR) {
            bool text = l->chars > 0;
            flush(l);
            l->brs = text ? 1 : (uint8_t)WC_MIN(l->brs + 1, 2);
            if (l->brs == 1)
                l->next_flags |= BF_AFTER_BR;
            else
                l->next_flags &= (uint16_t)~BF_AFTER_BR;
            continue;
        }
        tf = ex_tag_flags(nd->tag);
        if (tf & TF_BLOCK) {
            struct lin saved = *l;
            flush(l);
            l->next_flags = 0;
            l->brs = 0;
            l->owner = c;
            l->path |= nd->cls;
            if (tf & TF_HEADING) {
                l->kind = K_HEADING;
                l->level = (uint8_t)(nd->tag - T_H1 + 1);
            } else if (l->kind != K_HEADING && l->kind != K_CAPTION && l->kind != K_PRE) {
                switch (nd->tag) {
                case T_LI:
                    l->kind = K_LI;
                    break;
                case T_UL:
                case T_OL:
                case T_MENU:
                    l->list_depth = (uint8_t)WC_MIN(l->list_depth + 1, 9);
                    l->ordered = nd->tag == T_OL;
                    break;
                case T_BLOCKQUOTE:
                    l->kind = K_QUOTE;
                    break;
                case T_PRE:
                    l->kind = K_PRE;
                    break;
                case T_FIGCAPTION:
                case T_CAPTION:
                    l->kind = K_CAPTION;
                    break;
                case T_TD:
                case T_TH:
                    if (l->kind == K_PARA)
                        l->kind = K_CELL;
                    break;
                case T_DT:
                    l->kind = K_DT;
                    break;
                case T_DD:
                    l->kind = K_DD;
                    break;
                default:
                    break;
                }
            }
            if (nd->tag == T_HEAD)
                l->in_head = true;
            walk(l, c);
            flush(l);
            saved.start = l->start;
            saved.st = l->st;
            saved.chars = saved.link_chars = 0;
            saved.next_flags = 0;
            saved.brs = 0;
            *l = saved;
            continue;
        }
        if (nd->flags & NF_LINK)
            l->links++;
        walk(l, c);
        if (nd->flags & NF_LINK)
            l->links--;
    }
}

wc_status ex_dom_blocks(ex_doc *d)
{
    struct lin l;

    memset(&l, 0, sizeof(l));
    l.d = d;
    l.owner = 0;
    l.kind = K_PARA;
    if (wc_buf_grow(&d->btext, d->text.len + (EX_MAX_BLOCK_TEXT - EX_MAX_TEXT)))
        return WC_ERR_NOMEM;
    walk(&l, 0);
    flush(&l);
    return l.st;
}
