/*
 * extract_score.c - which lines of a page are the article's text.
 *
 * Three layers of evidence, each correcting the blind spots of the other:
 *
 * 1. Blocks on their own (jusText, Pomikálek 2011). Each block is
 *    classed by length, link density and stopword density:
 *      bad      - mostly link text, a blob without spaces, debris phrases;
 *      short    - under LEN_LOW characters: cannot tell alone;
 *      neargood - some prose signal (or prose that carries many links);
 *      good     - long, with the stopword density of real sentences.
 *    Without a stopword list for the page's language only length and
 *    links count.
 *
 * 2. The tree (extract_container.c): every block weighs for or against
 *    the elements above it, and the article container is the element
 *    with the largest net weight, corrected by what the page says of
 *    itself (itemprop=articleBody, "article-body" names, JSON-LD).
 *
 * 3. Inside the container. Blocks under a boilerplate-named element
 *    (share bar, related box, newsletter promo, author bio, caption,
 *    social embed, the description in a video player or gallery), the
 *    headline, bylines and datelines, debris phrases, text behind a
 *    "Show full ..." toggle, teaser pairs (a linked headline
 *    and its summary in their own item), an author's bio ("Jane Doe is a
 *    reporter who...") and everything after a "Comments" heading are
 *    dropped; what is left is classified again with jusText's context
 *    rules (a paragraph that reads as prose is kept however many of its
 *    words are links, unless a label or bars make it a row of links, and
 *    so is a list after good text whose items have words of their own
 *    besides their link (products, sources, dates); a short line
 *    between good paragraphs is a paragraph; a short line among link
 *    lists is not; link-free short lines right after the text
 *    are its fact box or track list), with the start of the container
 *    counting as good and its end as bad, since articles open with short
 *    datelines and close with debris. A standfirst between the headline
 *    and the container is taken along. A container that is a listing of
 *    teasers (a section front) holds no article.
 *
 *    An element right after the container that nothing marks as anything
 *    else (no boilerplate name, hardly any links, no byline, copyright or
 *    comments line) continues the article: blogs cut posts at "read more"
 *    into a body and a "more" part.
 *
 * What it does not do: render CSS, run scripts, or learn weights from
 * data. The constants are round numbers chosen from reading pages, not
 * fitted to a test set.
 */
#include "extract_internal.h"

#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "internal.h"

/* Link text share above which a block is navigation. */
#define LINK_MAX 0.25
/* ...unless the block reads as prose (many stopwords): then up to this share. */
#define LINK_MAX_PROSE 0.5
/* Inside the chosen container links in prose are common: a looser limit. */
#define LINK_MAX_INSIDE 0.5
/* ...and up to this share for a paragraph that reads as prose (linked_prose()). */
#define LINK_MAX_LINKED_PROSE 0.85
/* Words a linked paragraph needs to be judged as prose. */
#define LINKED_PROSE_WORDS 10
/* A label before a colon: at most this many words within this many bytes. */
#define LABEL_MAX_WORDS 4
#define LABEL_MAX_CHARS 40
/* How far (characters) a heading may be from the good text it introduces. */
#define HEADING_REACH 300
/* Share of the JSON-LD body's word pairs found on the page for it to count as complete. */
#define LD_COMPLETE 0.7
/* Minimum words of body text for a page to count as an article. */
#define MIN_ARTICLE_WORDS 20
/* ...or characters, for scripts without spaces between words. */
#define MIN_ARTICLE_CHARS 100
/* Words outside links that make a list item more than a link to elsewhere. */
#define LIST_ITEM_WORDS 4
/* Siblings after the container taken as the article's continuation, at most. */
#define CONT_MAX 2
/* ...with at most this share of their text in links. */
#define CONT_LINK_MAX 0.1
/* Marks in the per-node array of ex_score_select(). */
#define COLLAPSED_MARK 1 /* hidden behind a "Show more" toggle */
#define CONT_MARK 2      /* continuation of the article after the container */

/*
 * Is the block written in a script without spaces between words (Chinese,
 * Japanese, Thai)? Half its characters in those blocks of Unicode.
 */
static bool unspaced_script(const ex_doc *d, const ex_block *b)
{
    const unsigned char *p = (const unsigned char *)d->btext.buf + b->off;
    size_t i, n = 0;

    for (i = 0; i + 2 < b->len; i++)
        if ((p[i] >= 0xE3 && p[i] <= 0xE9) ||
            (p[i] == 0xE0 && (p[i + 1] == 0xB8 || p[i + 1] == 0xB9)))
            n++;
    return n * 2 >= b->chars;
}

static int classify_one(const ex_doc *d, const ex_block *b, double link_max)
{
    double ld = ex_link_density(b);

    /* hundreds of letters without a space between them is a token or an encoded blob */
    if (b->words && b->chars / b->words > 30 && !unspaced_script(d, b))
        return C_BAD;

    if (b->flags & (BF_IN_HEAD | BF_DEBRIS))
        return C_BAD;
    if (ld > link_max) {
        /* a blog's sentences carry links too: prose with many links is near-good */
        if (ld <= LINK_MAX_PROSE && d->lang != WC_LANG_NONE && b->chars >= LEN_LOW &&
            ex_stop_density(d, b) >= STOP_HIGH)
            return C_NEARGOOD;
        return C_BAD;
    }
    if (b->chars < LEN_LOW)
        return ld > 0 && b->chars < 20 ? C_BAD : C_SHORT;
    if (d->lang == WC_LANG_NONE)
        return b->chars >= LEN_HIGH ? C_GOOD : C_NEARGOOD;
    if (ex_stop_density(d, b) >= STOP_HIGH && b->chars >= LEN_HIGH)
        return C_GOOD;
    if (ex_stop_density(d, b) >= STOP_LOW)
        return C_NEARGOOD;
    /* long text with few stopwords: lists of names, tables, captions... */
    return b->chars >= 3 * LEN_HIGH && ex_stop_density(d, b) >= STOP_LOW / 2 ? C_NEARGOOD : C_BAD;
}

void ex_score_classify(ex_doc *d)
{
    uint32_t i;

    for (i = 0; i < d->n_blocks; i++)
        d->blocks[i].klass = (uint8_t)classify_one(d, &d->blocks[i], LINK_MAX);
}

/* Does the block end like a sentence (. ! ? possibly inside quotes or brackets)? */
static bool ends_sentence(const ex_doc *d, const ex_block *b)
{
    const char *p = d->btext.buf + b->off;
    size_t n = b->len;

    while (n && (p[n - 1] == '"' || p[n - 1] == '\'' || p[n - 1] == ')' ||
                 (n >= 3 && (unsigned char)p[n - 3] == 0xE2 && (unsigned char)p[n - 2] == 0x80 &&
                  ((unsigned char)p[n - 1] == 0x9D || (unsigned char)p[n - 1] == 0x99)))) {
        if ((unsigned char)p[n - 1] >= 0x80)
            n -= 3;
        else
            n--;
    }
    return n && (p[n - 1] == '.' || p[n - 1] == '!' || p[n - 1] == '?');
}

/*
 * Does the text open with a short label and a colon ("Related:", "More
 * on this story:", "See also:")? Such lines introduce links to other
 * pages, however they are worded.
 */
static bool opens_with_label(const char *p, size_t len)
{
    size_t i, words = 0;
    bool in_word = false;

    for (i = 0; i < len && i < LABEL_MAX_CHARS; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == ':')
            return words >= 1 && words <= LABEL_MAX_WORDS;
        if (c == '.' || c == ',' || c == '!' || c == '?')
            return false;
        if (c == ' ')
            in_word = false;
        else if (!in_word) {
            in_word = true;
            words++;
        }
    }
    return false;
}

/* Does the text separate items with bars or bullets ("A | B | C")? */
static bool has_item_separators(const char *p, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        if (p[i] == '|')
            n++;
        else if (i + 1 < len && (unsigned char)p[i] == 0xC2 && (unsigned char)p[i + 1] == 0xB7)
            n++; /* U+00B7 middle dot */
        else if (i + 2 < len && (unsigned char)p[i] == 0xE2 && (unsigned char)p[i + 1] == 0x80 &&
                 (unsigned char)p[i + 2] == 0xA2)
            n++; /* U+2022 bullet */
    }
    return n >= 2;
}

/*
 * A paragraph that reads as prose (the stopword density of sentences,
 * counted over its link text too) although links cover most of it: a
 * blog's roundup ("Jeremy Page dug into the case at The Wall Street
 * Journal..."), a patent list in a sentence. Inside the article it is
 * the article; a labelled line of links ("Related: ...") or a row of
 * links between bars is not.
 */
static bool linked_prose(const ex_doc *d, const ex_block *b)
{
    const char *p = d->btext.buf + b->off;

    if ((b->kind != K_PARA && b->kind != K_QUOTE) || (b->flags & (BF_DEBRIS | BF_IN_LINK)) ||
        d->lang == WC_LANG_NONE || b->words < LINKED_PROSE_WORDS)
        return false;
    if (ex_link_density(b) > LINK_MAX_LINKED_PROSE || ex_stop_density(d, b) < STOP_HIGH)
        return false;
    return !opens_with_label(p, b->len) && !has_item_separators(p, b->len);
}

/* --- jusText context rules over a sequence of block indices ---------------------- */

/* Nearest class before/after i among seq, skipping short (and neargood if asked). */
static int neighbour(const uint8_t *cls, size_t n, size_t i, int dir, bool skip_neargood, int edge)
{
    size_t k = i;

    for (;;) {
        if (dir < 0) {
            if (k == 0)
                return edge;
            k--;
        } else {
            if (k + 1 >= n)
                return edge;
            k++;
        }
        if (cls[k] == C_SHORT || (skip_neargood && cls[k] == C_NEARGOOD))
            continue;
        return cls[k];
    }
}

/*
 * cls[0..n) holds context-free classes of the container's blocks; on
 * return every entry is C_GOOD or C_BAD. Inside a container the tree has
 * already vouched for, near-good blocks are paragraphs (jusText's rule
 * that a near-good block needs a good neighbour loses whole live blogs
 * of two-line paragraphs after one embedded tweet). Short blocks follow
 * jusText: good between good text, bad between bad, and when the two
 * sides disagree, good only if the line reads like a sentence. Where
 * jusText loses the end of many articles (a fact box, a track list, a
 * closing "More when we have it..." between the last paragraph and the
 * links below it) a run of link-free short lines, headings included,
 * right after good text is good.
 * head_edge / tail_edge say what lies beyond the ends.
 */
static void smooth(const ex_doc *d, const uint32_t *seq, uint8_t *cls, size_t n, int head_edge,
                   int tail_edge)
{
    uint8_t *out;
    size_t i;
    bool run_ok = false;

    if (!n)
        return;
    for (i = 0; i < n; i++)
        if (cls[i] == C_NEARGOOD)
            cls[i] = C_GOOD;
    out = malloc(n);
    if (!out) {
        for (i = 0; i < n; i++)
            cls[i] = cls[i] == C_GOOD ? C_GOOD : C_BAD;
        return;
    }
    memcpy(out, cls, n);
    for (i = 0; i < n; i++) {
        const ex_block *b = &d->blocks[seq[i]];
        int p, q;
        /* a heading without links ("Profile") does not end a run of link-free lines */
        if (cls[i] != C_SHORT && !(b->kind == K_HEADING && !b->link_chars && run_ok))
            run_ok = cls[i] == C_GOOD;
        if (cls[i] != C_SHORT)
            continue;
        p = neighbour(cls, n, i, -1, true, head_edge);
        q = neighbour(cls, n, i, +1, true, tail_edge);
        if (p == C_GOOD && q == C_GOOD)
            out[i] = C_GOOD;
        else if (run_ok && b->link_chars == 0)
            out[i] = C_GOOD;
        else if (p == C_BAD && q == C_BAD)
            out[i] = C_BAD;
        else
            out[i] =
                (ex_link_density(b) < LINK_MAX_INSIDE && (b->link_chars == 0 || b->words >= 8) &&
                 (d->lang == WC_LANG_NONE ? b->chars >= LEN_LOW / 2
                                          : (ex_stop_density(d, b) >= STOP_LOW && b->words >= 4) ||
                                                (ends_sentence(d, b) && b->words >= 8 &&
                                                 ex_stop_density(d, b) >= STOP_LOW / 2)))
                    ? C_GOOD
                    : C_BAD;
        /* right after kept text, a sentence continues the article, a linked name in it or not */
        if (out[i] == C_BAD && i > 0 && out[i - 1] == C_GOOD && ex_link_density(b) < 0.25 &&
            !(b->flags & BF_IN_LINK) && b->words >= 5 && ends_sentence(d, b))
            out[i] = C_GOOD;
    }
    /* a label ("Tour dates:", "Our rating:") introduces the next line: it goes when that does;
       a heading that starts a run of kept lines stays with them */
    for (i = n; i-- > 0;) {
        const ex_block *b = &d->blocks[seq[i]];
        if (out[i] == C_BAD && b->kind == K_HEADING && !b->link_chars && i + 1 < n &&
            out[i + 1] == C_GOOD && d->blocks[seq[i + 1]].kind != K_HEADING)
            out[i] = C_GOOD;
        if (out[i] == C_GOOD && cls[i] == C_SHORT && b->words <= LABEL_MAX_WORDS + 2 && b->len &&
            d->btext.buf[b->off + b->len - 1] == ':' && (i + 1 == n || out[i + 1] != C_GOOD))
            out[i] = C_BAD;
    }
    /* a link-free short line with kept lines right before and after it ("Why?" between
       two paragraphs) is one of them, whatever lies further away */
    for (i = 1; i + 1 < n; i++) {
        const ex_block *b = &d->blocks[seq[i]];
        if (out[i] == C_BAD && cls[i] == C_SHORT && !b->link_chars && b->kind != K_HEADING &&
            out[i - 1] == C_GOOD && out[i + 1] == C_GOOD)
            out[i] = C_GOOD;
    }
    /* a sentence that ends in a colon between kept paragraphs introduces the next one
       ("Here's Stephen:" before his quote), even with a linked name in it */
    for (i = 1; i + 1 < n; i++) {
        const ex_block *b = &d->blocks[seq[i]];
        if (out[i] == C_BAD && b->kind == K_PARA && !(b->flags & BF_DEBRIS) && b->len &&
            d->btext.buf[b->off + b->len - 1] == ':' && ex_link_density(b) < 0.7 &&
            out[i - 1] == C_GOOD && out[i + 1] == C_GOOD)
            out[i] = C_GOOD;
    }
    memcpy(cls, out, n);
    free(out);
}

/* --- JSON-LD articleBody coverage ----------------------------------------------- */

/* Hashes of adjacent word pairs, lower-cased ASCII, in a small open-addressing set. */
struct pairset {
    uint64_t *slots;
    size_t mask;
    size_t n;
};

/* Bytes of a word lower-cased at a time before hashing (longer words are hashed in pieces). */
#define WORD_PIECE 64

/* xxh3 of the word p[0..n) with ASCII letters lower-cased. */
static uint64_t word_hash(const char *p, size_t n)
{
    char low[WORD_PIECE];
    uint64_t h = 0;
    size_t i, k;

    for (i = 0; i < n; i += k) {
        for (k = 0; k < WORD_PIECE && i + k < n; k++) {
            char c = p[i + k];
            low[k] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
        }
        h = XXH3_64bits_withSeed(low, k, h);
    }
    return h;
}

/* Call fn for each word-pair hash of p[0..len). */
static void each_pair(const char *p, size_t len, void (*fn)(void *, uint64_t), void *ctx)
{
    size_t i = 0;
    uint64_t prev = 0;
    bool have = false;

    while (i < len) {
        size_t s;
        unsigned char c = (unsigned char)p[i];
        bool w = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0xC3;
        if (!w) {
            i++;
            continue;
        }
        s = i;
        while (i < len) {
            c = (unsigned char)p[i];
            if (!((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80))
                break;
            if (c == 0xE2) /* punctuation of U+2000... ends a word */
                break;
            i++;
        }
        if (i == s) {
            i++;
            continue;
        }
        {
            uint64_t h = word_hash(p + s, i - s);
            if (have)
                fn(ctx, prev * 31 + h + 1);
            prev = h;
            have = true;
        }
    }
}

static void pair_add(void *ctx, uint64_t h)
{
    struct pairset *ps = ctx;
    size_t i = h & ps->mask;

    if (!h)
        h = 1;
    while (ps->slots[i] && ps->slots[i] != h)
        i = (i + 1) & ps->mask;
    if (!ps->slots[i] && ps->n < ps->mask / 2) {
        ps->slots[i] = h;
        ps->n++;
    }
}

struct pair_count {
    const struct pairset *ps;
    uint32_t total, hit;
};

static void pair_check(void *ctx, uint64_t h)
{
    struct pair_count *pc = ctx;
    size_t i;

    if (!h)
        h = 1;
    pc->total++;
    for (i = h & pc->ps->mask; pc->ps->slots[i]; i = (i + 1) & pc->ps->mask)
        if (pc->ps->slots[i] == h) {
            pc->hit++;
            return;
        }
}

/*
 * Share of each block's word pairs found in the JSON-LD body; returns the
 * pairs matched in well-covered blocks, and in *total the body's pairs.
 */
static uint32_t jsonld_cover(ex_doc *d, uint32_t *total)
{
    struct pairset ps;
    size_t len, cap = 1024, i;
    uint32_t matched = 0;

    *total = 0;
    if (!d->ld_body)
        return 0;
    len = strlen(d->ld_body);
    while (cap < len / 2 && cap < ((size_t)1 << 22))
        cap <<= 1;
    ps.slots = calloc(cap, sizeof(*ps.slots));
    if (!ps.slots)
        return 0;
    ps.mask = cap - 1;
    ps.n = 0;
    each_pair(d->ld_body, len, pair_add, &ps);
    *total = (uint32_t)ps.n;
    for (i = 0; i < d->n_blocks; i++) {
        ex_block *b = &d->blocks[i];
        struct pair_count pc = {&ps, 0, 0};
        each_pair(d->btext.buf + b->off, b->len, pair_check, &pc);
        b->jsonld_cover = pc.total ? (float)pc.hit / (float)pc.total : 0.0f;
        if (pc.total >= 3 && b->jsonld_cover >= 0.6f) {
            b->flags |= BF_JSONLD;
            matched += pc.hit;
        }
    }
    free(ps.slots);
    return matched;
}

/* Does a JSON-LD body stop short ("...", "…", no final punctuation)? */
static bool ld_body_truncated(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
        n--;
    if (!n)
        return false;
    if (n >= 3 && !memcmp(s + n - 3, "\xE2\x80\xA6", 3))
        return true;
    if (n >= 3 && !memcmp(s + n - 3, "...", 3))
        return true;
    return !(s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?' || s[n - 1] == '"' ||
             (n >= 3 && (unsigned char)s[n - 3] == 0xE2));
}

/*
 * EXC bits of the ancestors of node n strictly below c (n itself
 * included), leaving out boilerplate names trusted_paths() found wrong.
 */
static uint32_t path_below(const ex_doc *d, const uint8_t *untrusted, uint32_t n, uint32_t c)
{
    uint32_t bits = 0;

    while (n != EX_NONE && n != c) {
        uint32_t x = d->nodes[n].cls;
        if (untrusted[n])
            x &= ~(uint32_t)DROP_BITS;
        bits |= x;
        n = d->nodes[n].parent;
    }
    return bits;
}

/*
 * The standfirst. Templates often put the dek ("Pro-tourism demonstrators
 * plan rally...") and sometimes the first paragraph between the headline
 * and the body's container, inside the article's wrapper. Lines there are
 * kept when they read as article text: a subtitle heading, a named lead,
 * or prose without links; bylines, captions, share bars and named
 * boilerplate stay out. Without an <h1> that matches the title, a heading
 * with the headline's text (a linked <h2> on many blogs) marks the start.
 */
static void keep_lead(ex_doc *d, const uint8_t *untrusted, uint32_t c, uint32_t first)
{
    uint32_t region, i, h1_block = EX_NONE, head = d->h1;

    /* no <h1> matched the title: a heading with the headline's text anchors the region */
    for (i = 0; i < first && head == EX_NONE; i++)
        if (d->blocks[i].kind == K_HEADING && (d->blocks[i].flags & BF_TITLE))
            head = d->blocks[i].node;
    if (head == EX_NONE || ex_is_ancestor(d, c, head))
        return;
    region = ex_common_ancestor(d, head, c);
    if (region == 0 || d->nodes[region].tag == T_BODY || d->nodes[region].tag == T_HTML)
        return;
    for (i = 0; i < first; i++) {
        ex_block *b = &d->blocks[i];
        uint32_t below;
        bool ok;
        if (h1_block == EX_NONE) {
            if (ex_is_ancestor(d, head, b->node))
                h1_block = i;
            continue;
        }
        if (!ex_is_ancestor(d, region, b->node) || ex_is_ancestor(d, c, b->node))
            continue;
        if (b->flags & (BF_TITLE | BF_BYLINE | BF_DEBRIS | BF_IN_HEAD) || b->kind == K_CAPTION ||
            ex_link_density(b) > 0.2)
            continue;
        below = path_below(d, untrusted, b->node, region);
        if (below & (DAMP_BITS | EXC_CAPTION | EXC_BYLINE | EXC_TAGS | EXC_MEDIA))
            continue;
        if (b->kind == K_HEADING)
            ok = b->words >= 6;
        else
            ok = b->klass == C_GOOD || b->klass == C_NEARGOOD ||
                 ((below & EXC_LEAD) && b->words >= 5) ||
                 (b->klass == C_SHORT && b->words >= 8 && ex_stop_density(d, b) >= STOP_LOW);
        if (ok) {
            b->keep = 1;
            b->final = C_GOOD;
        }
    }
}

/*
 * A section front or a list of search results looks like prose to a
 * block classifier: every teaser has a sentence of summary. What gives it
 * away is the repetition: each kept line sits in its own item (a child of
 * the container) next to a headline that is a link. When at least
 * LISTING_MIN_ITEMS items look like that and they are half or more of the
 * items with kept text, the page is a listing, not an article.
 */
static bool is_listing(const ex_doc *d, uint32_t c)
{
    uint8_t *mark = calloc(d->n_nodes, 1); /* 1: kept text, 2: headline link, 3: both */
    uint32_t i, n, kept_items = 0, teaser_items = 0;

    if (!mark)
        return false;
    for (i = 0; i < d->n_blocks; i++) {
        const ex_block *b = &d->blocks[i];
        uint32_t item = b->node;
        bool headline = ex_teaser_headline(b);
        if (!b->keep && !headline)
            continue;
        if (item == c || !ex_is_ancestor(d, c, item))
            continue;
        while (d->nodes[item].parent != c)
            item = d->nodes[item].parent;
        mark[item] |= b->keep ? 1 : 2;
    }
    for (n = 0; n < d->n_nodes; n++) {
        kept_items += (mark[n] & 1) != 0;
        teaser_items += mark[n] == 3;
    }
    free(mark);
    return teaser_items >= LISTING_MIN_ITEMS && teaser_items * 2 >= kept_items;
}

/*
 * Teasers inside the container: a summary line right after a headline
 * that is a link (a timestamp may sit between), repeated at least
 * LISTING_MIN_ITEMS times, while the pairs hold under half of the
 * container's prose (a listicle of linked items is the article itself).
 */
static void drop_teasers(const ex_doc *d, const uint32_t *seq, uint8_t *cls, size_t n)
{
    size_t i, pairs = 0, pass;
    double pair_chars = 0, prose_chars = 0;
    uint32_t head = EX_NONE;   /* node of the last headline seen */
    uint32_t region = EX_NONE; /* common ancestor of the pairs */
    bool apart = true;         /* no other prose inside that region */
    uint32_t *prose = calloc(d->n_nodes, sizeof(*prose));
    uint8_t *pair_of = calloc(n ? n : 1, 1);

    if (!prose || !pair_of) {
        free(prose);
        free(pair_of);
        return;
    }
    /* prose blocks per subtree, so that a pair's common element can be judged small */
    for (i = 0; i < n; i++)
        if (cls[i] == C_GOOD || cls[i] == C_NEARGOOD)
            prose[d->blocks[seq[i]].node]++;
    for (i = d->n_nodes; i-- > 1;)
        prose[d->nodes[i].parent] += prose[i];
    for (pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            /* a column of its own goes whatever its size; pairs mixed with the
               article's paragraphs go only when they are the smaller part */
            if (pairs < LISTING_MIN_ITEMS)
                break;
            for (i = 0; i < n && region != EX_NONE; i++) {
                const ex_block *b = &d->blocks[seq[i]];
                if ((cls[i] == C_GOOD || cls[i] == C_NEARGOOD) && !pair_of[i] &&
                    !ex_teaser_headline(b) && ex_is_ancestor(d, region, b->node))
                    apart = false;
            }
            if (!apart && pair_chars * 2 >= prose_chars)
                break;
        }
        head = EX_NONE;
        for (i = 0; i < n; i++) {
            const ex_block *b = &d->blocks[seq[i]];
            bool headline = ex_teaser_headline(b);
            if (!headline && (cls[i] == C_GOOD || cls[i] == C_NEARGOOD)) {
                /* a pair lives in its own small item: nothing else of prose around it */
                bool pair = head != EX_NONE && prose[ex_common_ancestor(d, head, b->node)] <= 1;
                if (pass == 0) {
                    prose_chars += b->chars;
                    pairs += pair;
                    pair_chars += pair ? b->chars : 0;
                    pair_of[i] = pair;
                    if (pair)
                        region =
                            region == EX_NONE ? b->node : ex_common_ancestor(d, region, b->node);
                } else if (pair) {
                    cls[i] = C_BAD;
                }
            }
            if (!headline && ((b->flags & BF_BYLINE) || (cls[i] == C_SHORT && b->words <= 10)))
                continue;
            head = headline ? b->node : EX_NONE;
        }
    }
    free(prose);
    free(pair_of);
}

/* The <ul>/<ol> a list item belongs to, or EX_NONE. */
static uint32_t list_of(const ex_doc *d, uint32_t n)
{
    for (; n != EX_NONE; n = d->nodes[n].parent)
        if (d->nodes[n].tag == T_UL || d->nodes[n].tag == T_OL)
            return n;
    return EX_NONE;
}

/*
 * A list inside the article whose items carry words of their own
 * besides their link ("<a>Portable drive, 2 TB</a> for 89 euros with free
 * shipping") is the article's list of products, sources or dates; a list
 * of related stories is links and little else. When most items of a
 * list have LIST_ITEM_WORDS words outside links, and good text comes
 * before the list, its items are near-good however many links they hold.
 */
static void keep_item_lists(const ex_doc *d, const uint32_t *seq, uint8_t *cls, size_t n)
{
    size_t i = 0, k, j;

    while (i < n) {
        const ex_block *b = &d->blocks[seq[i]];
        uint32_t list;
        size_t items = 0, worded = 0;
        int before = C_BAD;
        if (b->kind != K_LI || (list = list_of(d, b->node)) == EX_NONE) {
            i++;
            continue;
        }
        for (k = i;
             k < n && d->blocks[seq[k]].kind == K_LI && list_of(d, d->blocks[seq[k]].node) == list;
             k++) {
            const ex_block *it = &d->blocks[seq[k]];
            items++;
            worded += (double)it->words * (1.0 - ex_link_density(it)) >= LIST_ITEM_WORDS;
        }
        for (j = i; j-- > 0;)
            if (cls[j] != C_SHORT) {
                before = cls[j];
                break;
            }
        if ((items >= 3 ? worded * 3 >= items * 2 : worded == items) &&
            (before == C_GOOD || before == C_NEARGOOD))
            for (j = i; j < k; j++)
                if (cls[j] == C_BAD && !(d->blocks[seq[j]].flags & BF_DEBRIS))
                    cls[j] = C_NEARGOOD;
        i = k;
    }
}

/*
 * Mark the element that follows a toggle label ("Show full PR text") as
 * collapsed: pages hide it until clicked, so it is not shown text.
 */
static void mark_collapsed(const ex_doc *d, uint32_t c, uint8_t *collapsed)
{
    uint32_t i;

    for (i = 0; i < d->n_blocks; i++) {
        const ex_block *b = &d->blocks[i];
        uint32_t s;
        if (b->words > 6 || !ex_is_ancestor(d, c, b->node) ||
            !ex_is_toggle(d->btext.buf + b->off, b->len))
            continue;
        for (s = d->nodes[b->node].next; s != EX_NONE; s = d->nodes[s].next)
            if (d->nodes[s].tag != T_TEXT) {
                collapsed[s] = COLLAPSED_MARK;
                break;
            }
    }
}

/*
 * Blogs cut a post at a "read more" mark into two elements (Movable
 * Type's entry body and "more" parts, a body and its continuation after
 * an inline ad or a separator line), and the container holds only the
 * first. The element right after the container continues the article
 * when nothing marks it as something else: no boilerplate name, hardly
 * any link text, no copyright, comments or byline line, no author bio.
 * Up to CONT_MAX such siblings are marked CONT_MARK in mark[].
 */
static bool continuation(const ex_doc *d, uint32_t c, uint8_t *mark)
{
    uint32_t s, i, n = 0, first = 0;
    bool any = false;

    if (d->nodes[c].tag == T_BODY || d->nodes[c].tag == T_HTML || c == 0)
        return false;
    /* blocks are in document order: the first one past the container */
    while (first < d->n_blocks && !ex_is_ancestor(d, c, d->blocks[first].node))
        first++;
    while (first < d->n_blocks && ex_is_ancestor(d, c, d->blocks[first].node))
        first++;
    for (s = d->nodes[c].next; s != EX_NONE && n < CONT_MAX; s = d->nodes[s].next) {
        const ex_node *sn = &d->nodes[s];
        uint32_t chars = 0, links = 0, blocks = 0;
        bool bad = false;
        if (sn->tag == T_TEXT || (ex_tag_flags(sn->tag) & TF_SKIP))
            continue;
        for (i = first; i < d->n_blocks && ex_is_ancestor(d, s, d->blocks[i].node); i++) {
            const ex_block *b = &d->blocks[i];
            blocks++;
            chars += b->chars;
            links += b->link_chars;
            if (b->flags & (BF_BYLINE | BF_COMMENTS_AFTER | BF_BOILER_PHRASE | BF_TITLE) ||
                (b->words >= 8 &&
                 ex_is_bio(d->btext.buf + b->off, b->len, d->authors, d->n_authors)))
                bad = true;
        }
        first = i;
        if (!blocks)
            continue; /* an image, an empty wrapper, an ad slot without text */
        if (bad ||
            (sn->cls & (EXC_BOILER | EXC_BYLINE | EXC_CAPTION | EXC_EMBED | EXC_FORM | EXC_TITLE |
                        EXC_MEDIA)) ||
            (double)links > CONT_LINK_MAX * chars)
            break;
        mark[s] |= CONT_MARK;
        any = true;
        n++;
    }
    return any;
}

/* --- inside the container ------------------------------------------------------- */

void ex_score_select(ex_doc *d)
{
    double *gm = NULL;
    uint32_t *seq = NULL, *pe = NULL, i, n_seq = 0, c, ld_pairs, ld_total;
    uint8_t *cls = NULL, *untrusted = NULL, *collapsed = NULL;
    bool ld_matched, ld_complete, ld_truncated, comments = false;
    uint32_t ld_last;
    size_t words = 0, chars = 0;
    bool unspaced = false;
    double good_total = 0;

    d->container = EX_NONE;
    if (!d->n_blocks)
        return;
    seq = malloc(d->n_blocks * sizeof(*seq));
    cls = malloc(d->n_blocks);
    gm = calloc(d->n_nodes, sizeof(*gm));
    pe = malloc(d->n_nodes * sizeof(*pe));
    untrusted = calloc(d->n_nodes, 1);
    if (!seq || !cls || !gm || !pe || !untrusted)
        goto out;
    ld_pairs = jsonld_cover(d, &ld_total);
    ld_matched = ld_pairs >= 20;
    /* the whole JSON-LD body is on the page: text it lacks is not the article's */
    ld_complete = ld_matched && ld_pairs >= LD_COMPLETE * ld_total;
    ld_truncated = ld_complete && ld_body_truncated(d->ld_body);
    for (i = 0, ld_last = 0; i < d->n_blocks; i++)
        if (d->blocks[i].flags & BF_JSONLD)
            ld_last = i;
    c = ex_container_choose(d, ld_matched, gm, pe, untrusted);
    d->container = c;
    if (c == EX_NONE)
        goto out;

    collapsed = calloc(d->n_nodes, 1);
    if (!collapsed)
        goto out;
    mark_collapsed(d, c, collapsed);
    for (i = 1; i < d->n_nodes; i++)
        collapsed[i] |= collapsed[d->nodes[i].parent] & COLLAPSED_MARK;
    /* the article's text may go on in the container's next siblings ("read more" parts) */
    if (continuation(d, c, collapsed))
        for (i = 1; i < d->n_nodes; i++)
            collapsed[i] |= collapsed[d->nodes[i].parent] & CONT_MARK;
    /* the container's blocks, minus what names and phrases rule out */
    for (i = 0; i < d->n_blocks; i++) {
        ex_block *b = &d->blocks[i];
        uint32_t below;
        bool cont = (collapsed[b->node] & CONT_MARK) != 0;
        if (!cont && !ex_is_ancestor(d, c, b->node))
            continue;
        /* a "Comments" line after most of the article's text starts the thread */
        if ((b->flags & BF_COMMENTS_AFTER) && ex_link_density(b) < 0.5 && good_total > 0 &&
            good_total >= 0.5 * gm[c])
            comments = true;
        good_total += b->klass == C_GOOD ? b->chars : b->klass == C_NEARGOOD ? 0.5 * b->chars : 0;
        if (comments)
            continue;
        if (b->flags & (BF_TITLE | BF_BYLINE | BF_DEBRIS | BF_IN_HEAD))
            continue;
        /* past the middle of the article, "<author> is a reporter who..." is the bio box */
        if (good_total >= 0.5 * gm[c] && b->words >= 8 &&
            ex_is_bio(d->btext.buf + b->off, b->len, d->authors, d->n_authors))
            continue;
        if (b->kind == K_CAPTION || (collapsed[b->node] & COLLAPSED_MARK) ||
            (b->words <= 6 && ex_is_toggle(d->btext.buf + b->off, b->len)))
            continue;
        below = path_below(d, untrusted, b->node, cont ? d->nodes[c].parent : c);
        if ((below & DROP_BITS) && !((below & DROP_BITS) == EXC_HEADER && (below & EXC_LEAD)))
            continue;
        /* prose the complete JSON-LD body lacks is not the article's; a truncated
           body ("... Subscribe to read more") only speaks up to its last line */
        if (ld_complete && b->words >= 15 && b->jsonld_cover < 0.3f &&
            (!ld_truncated || i < ld_last))
            continue;
        seq[n_seq] = i;
        cls[n_seq] = (uint8_t)classify_one(d, b, LINK_MAX_INSIDE);
        /*
         * inside the article a sentence poor in stopwords (a cast list, a
         * row of figures) is not boilerplate: let its neighbours decide
         */
        if (cls[n_seq] == C_BAD && !(b->flags & BF_DEBRIS) &&
            (ex_link_density(b) < 0.15 ||
             (ex_link_density(b) < LINK_MAX_INSIDE && b->words >= 8 && ends_sentence(d, b))))
            cls[n_seq] = C_SHORT;
        /* a blog's sentences may link most of their words: still the article */
        if (cls[n_seq] == C_BAD && linked_prose(d, b))
            cls[n_seq] = C_NEARGOOD;
        if (ld_matched && (b->flags & BF_JSONLD) && cls[n_seq] != C_BAD)
            cls[n_seq] = C_GOOD;
        n_seq++;
    }
    drop_teasers(d, seq, cls, n_seq);
    keep_item_lists(d, seq, cls, n_seq);
    /* headings: kept when good text follows within HEADING_REACH characters */
    for (i = 0; i < n_seq; i++) {
        const ex_block *b = &d->blocks[seq[i]];
        uint32_t k, dist = 0;
        if (b->kind != K_HEADING)
            continue;
        cls[i] = C_BAD;
        if (ex_link_density(b) > 0.5)
            continue;
        for (k = i + 1; k < n_seq && dist <= HEADING_REACH; k++) {
            const ex_block *nb = &d->blocks[seq[k]];
            if (nb->kind == K_HEADING)
                break;
            if (cls[k] == C_GOOD || cls[k] == C_NEARGOOD) {
                cls[i] = C_SHORT;
                break;
            }
            dist += nb->chars;
        }
    }
    smooth(d, seq, cls, n_seq, C_GOOD, C_BAD);
    for (i = 0; i < n_seq; i++) {
        ex_block *b = &d->blocks[seq[i]];
        b->final = cls[i];
        if (cls[i] == C_GOOD) {
            b->keep = 1;
            words += b->words;
            chars += b->chars;
            unspaced = unspaced || unspaced_script(d, b);
        }
    }
    if (n_seq)
        keep_lead(d, untrusted, c, seq[0]);
    /* scripts written without spaces (Chinese, Japanese, Thai) count characters */
    if ((words < MIN_ARTICLE_WORDS &&
         !(chars >= MIN_ARTICLE_CHARS && words * 8 < chars && unspaced)) ||
        is_listing(d, c)) {
        for (i = 0; i < d->n_blocks; i++)
            d->blocks[i].keep = 0;
    }
out:
    free(seq);
    free(cls);
    free(gm);
    free(pe);
    free(untrusted);
    free(collapsed);
}
