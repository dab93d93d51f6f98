/*
 * extract_container.c - which element of the page holds the article.
 *
 * Every block gets a weight (good: +its length; link text costs its
 * length, short or stopword-poor lines a little) damped when an
 * ancestor's class/id says comments, related links, sidebar,
 * navigation... Summed bottom-up, each element gets the net weight of its
 * subtree, and the article container is the element with the largest
 * sum: the smallest subtree that takes in the article's text and leaves
 * out what outweighs it (a maximum-weight subtree, in the spirit of the
 * "maximum subsequence" extractors and Readability's ancestor scoring).
 *
 * Strong witnesses decide or add weight: itemprop=articleBody names the
 * container outright; "article-body" classes boost; the JSON-LD
 * articleBody's word pairs mark the blocks that are the article. Then the
 * choice is corrected both ways: down into a child that holds nearly all
 * the weight, up (Readability's sibling rule) while the parent holds
 * markedly more article-like text and what it adds is not a column of
 * teasers, up to an element just above that the page names as its
 * article body ("article-content": a long first paragraph can outweigh a
 * body split by a list or a stray <div>), and up from a lone paragraph to
 * the element holding it.
 *
 * Names are believed only where they are plausible: an element holding
 * the headline, or a wrapper around most of the page, is not a sidebar
 * whatever its class ("content-sidebar", "leftRail", "with-navbar"). A
 * page whose best text sits in a footer, a bio box or a comment thread
 * has no article.
 *
 * The blocks' classes come from extract_score.c (layer 1 there), which
 * then keeps and drops the lines inside the container chosen here.
 *
 * What it does not do: render CSS or learn weights from data; the
 * constants are round numbers chosen from reading pages.
 */
#include "extract_internal.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Positive weight kept under a boilerplate-named element. */
#define BOILER_DAMP 0.15
/* On the page, a name on an element with more than this share of all good text is wrong. */
#define BOILER_TRUST_ALL 0.8
/* Weight multiplier for blocks under articleBody-like names. */
#define BODY_BOOST 1.6
/* ...and for blocks whose words are in the JSON-LD articleBody. */
#define JSONLD_BOOST 2.5
/* Prefer a child holding this share of its parent's weight. */
#define DESCEND_SHARE 0.97
/* Share of the page's good text an itemprop=articleBody element must hold to be believed. */
#define MARKED_MIN_SHARE 0.1
/* Climb to the parent when it holds this many times the article-like text. */
#define GROW_RATIO 1.5
/* Most climbing steps (each scans the page's blocks; real pages need a handful). */
#define GROW_MAX_STEPS 40
/* ...or when it keeps this share of the element's weight while adding article text. */
#define KEEP_SHARE 0.5
/* Levels above the chosen container searched for an element named as the article body. */
#define NAMED_BODY_REACH 4

/*
 * Weight of a block for choosing the container. Link text is the mark
 * of boilerplate (menus, teaser lists, tag clouds) and costs in full; a
 * block that is merely short or poor in stopwords (a list of names, a
 * figure) costs little, since articles have those too.
 */
static double base_weight(const ex_block *b)
{
    double c = (double)b->chars, ld = ex_link_density(b);

    if (b->kind == K_HEADING)
        return 0;
    switch (b->klass) {
    case C_GOOD:
        return c;
    case C_NEARGOOD:
        return 0.5 * c;
    case C_SHORT:
        return -0.1 * c;
    default:
        return -c * (0.1 + 1.5 * ld);
    }
}

/* Good-text mass (good: chars, neargood: half) of every subtree, into gm[]. */
static void good_mass(const ex_doc *d, double *gm)
{
    uint32_t i, n;

    for (n = 0; n < d->n_nodes; n++)
        gm[n] = 0;
    for (i = 0; i < d->n_blocks; i++) {
        const ex_block *b = &d->blocks[i];
        gm[b->node] += b->klass == C_GOOD ? b->chars : b->klass == C_NEARGOOD ? 0.5 * b->chars : 0;
    }
    for (n = d->n_nodes; n-- > 1;)
        gm[d->nodes[n].parent] += gm[n];
}

/*
 * Class bits of every node's ancestors, counting a boilerplate name only
 * where it is believable. An element that holds the page's headline is
 * not a sidebar or a comment thread, whatever its class says
 * ("content-sidebar" on <body>, "leftRail" around a post), and neither is
 * one holding nearly all of the page's good text.
 */
static void trusted_paths(const ex_doc *d, const double *gm, uint32_t *pe, uint8_t *untrusted)
{
    uint32_t n, a, i;
    double total = gm[0];
    double *all = calloc(d->n_nodes, sizeof(*all)); /* every block's characters, per subtree */

    if (d->h1 != EX_NONE)
        for (a = d->h1; a != EX_NONE; a = d->nodes[a].parent)
            untrusted[a] = 1;
    if (all) {
        for (i = 0; i < d->n_blocks; i++)
            all[d->blocks[i].node] += d->blocks[i].chars;
        for (n = d->n_nodes; n-- > 1;)
            all[d->nodes[n].parent] += all[n];
    }
    for (n = 0; n < d->n_nodes; n++) {
        uint32_t c = d->nodes[n].cls;
        /* a wrapper around most of the page, good text and all (not a footer that
           happens to hold the only prose of an empty page) */
        if (gm[n] > BOILER_TRUST_ALL * total && total > 0 && all &&
            all[n] > ((c & HARD_BITS) ? 0.9 : 0.5) * all[0])
            untrusted[n] = 1;
        if (untrusted[n])
            c &= ~(uint32_t)DROP_BITS;
        pe[n] = (d->nodes[n].parent == EX_NONE ? 0 : pe[d->nodes[n].parent]) | c;
    }
    free(all);
}

/* Element with the largest subtree weight; EX_NONE when nothing is positive. */
static uint32_t choose_container(ex_doc *d, double *w, double *sum, const uint32_t *pe,
                                 bool ld_matched)
{
    uint32_t i, n, best = EX_NONE;

    for (n = 0; n < d->n_nodes; n++)
        sum[n] = 0;
    for (i = 0; i < d->n_blocks; i++) {
        const ex_block *b = &d->blocks[i];
        double x = base_weight(b);
        if (x > 0) {
            if (pe[b->node] & DAMP_BITS)
                x *= BOILER_DAMP;
            if (pe[b->node] & EXC_BODY)
                x *= BODY_BOOST;
            if (ld_matched)
                x *= (b->flags & BF_JSONLD) ? JSONLD_BOOST : 0.5;
        } else if ((b->flags & BF_JSONLD) && ld_matched) {
            x = (double)b->chars * 0.5 * JSONLD_BOOST;
        }
        w[i] = x;
        sum[b->node] += x;
    }
    for (n = d->n_nodes; n-- > 1;)
        if (d->nodes[n].parent != EX_NONE)
            sum[d->nodes[n].parent] += sum[n];
    for (n = 0; n < d->n_nodes; n++) {
        if (d->nodes[n].tag == T_TEXT)
            continue;
        if (best == EX_NONE || sum[n] > sum[best] ||
            (sum[n] == sum[best] && ex_is_ancestor(d, best, n)))
            best = n;
    }
    if (best == EX_NONE || sum[best] <= 0)
        return EX_NONE;
    /* a child with nearly the same weight says the rest of the parent adds nothing */
    for (;;) {
        uint32_t k, next = EX_NONE;
        for (k = d->nodes[best].first; k != EX_NONE; k = d->nodes[k].next)
            if (d->nodes[k].tag != T_TEXT && sum[k] >= DESCEND_SHARE * sum[best])
                next = k;
        if (next == EX_NONE)
            break;
        best = next;
    }
    return best;
}

/*
 * Is the text that ancestor a adds to c mostly teasers, a summary line
 * right after a headline that is a link ("more stories" columns)? At
 * least LISTING_MIN_ITEMS such pairs, and half or more of the added
 * prose blocks.
 */
static bool teasers_added(const ex_doc *d, uint32_t a, uint32_t c)
{
    uint32_t i, prose = 0, teasers = 0;
    bool after_headline = false;

    for (i = 0; i < d->n_blocks; i++) {
        const ex_block *b = &d->blocks[i];
        bool headline;
        if (!ex_is_ancestor(d, a, b->node) || ex_is_ancestor(d, c, b->node)) {
            after_headline = false;
            continue;
        }
        headline = ex_teaser_headline(b);
        if (!headline && (b->klass == C_GOOD || b->klass == C_NEARGOOD)) {
            prose++;
            teasers += after_headline;
        }
        /* a timestamp or a kicker between headline and summary does not break the pair */
        if (!headline && ((b->flags & BF_BYLINE) || (b->klass == C_SHORT && b->words <= 10)))
            continue;
        after_headline = headline;
    }
    return teasers >= LISTING_MIN_ITEMS && teasers * 2 >= prose;
}

/*
 * itemprop="articleBody" is the page saying where its article is. The
 * marked element holding the most good text is the container when it
 * holds a fair share of the page's good text (a stray empty or teaser
 * articleBody does not count).
 */
static uint32_t marked_body(const ex_doc *d, const double *gm)
{
    uint32_t n, best = EX_NONE;

    /* some sites mark every paragraph: the body is then what they share */
    for (n = 1; n < d->n_nodes; n++) {
        if (!(d->nodes[n].flags & NF_ARTICLEBODY) || gm[n] <= 0)
            continue;
        best = best == EX_NONE ? n : ex_common_ancestor(d, best, n);
    }
    if (best == EX_NONE || gm[best] < MARKED_MIN_SHARE * gm[0] || gm[best] < LEN_LOW ||
        d->nodes[best].tag == T_BODY || d->nodes[best].tag == T_HTML || best == 0)
        return EX_NONE;
    return best;
}

/*
 * Readability's lesson: the best-scoring element is often one paragraph
 * or one part of the article, its siblings held back by a few link lists
 * between them. Climb while the parent holds markedly more article-like
 * text (good and near-good blocks, sentence-like short lines; text under
 * boilerplate names counts for little) than the element itself: link
 * lists and named boilerplate that come along are filtered afterwards.
 */
static uint32_t grow(const ex_doc *d, const uint32_t *pe, const double *sum, uint32_t c,
                     bool ld_matched)
{
    double *gmd = calloc(d->n_nodes, sizeof(*gmd));
    uint32_t *nb = calloc(d->n_nodes, sizeof(*nb));
    uint32_t i, n, steps;

    if (!gmd || !nb) {
        free(gmd);
        free(nb);
        return c;
    }
    for (i = 0; i < d->n_blocks; i++) {
        const ex_block *b = &d->blocks[i];
        double v = 0;
        if (b->flags & (BF_TITLE | BF_BYLINE | BF_DEBRIS | BF_IN_HEAD) || b->kind == K_HEADING ||
            b->kind == K_CAPTION || (pe[b->node] & EXC_CAPTION))
            continue;
        if (b->klass == C_GOOD)
            v = b->chars;
        else if (b->klass == C_NEARGOOD)
            v = 0.5 * b->chars;
        else if (b->klass == C_SHORT && b->link_chars == 0 &&
                 (d->lang == WC_LANG_NONE ? b->chars >= LEN_LOW / 2
                                          : b->words >= 4 && ex_stop_density(d, b) >= STOP_LOW))
            v = 0.25 * b->chars;
        if (pe[b->node] & DAMP_BITS)
            v = 0; /* climbing into a sidebar or footer is never the point */
        if (ld_matched && !(b->flags & BF_JSONLD))
            v *= 0.2; /* JSON-LD says what the article's text is */
        gmd[b->node] += v;
        nb[b->node]++;
    }
    for (n = d->n_nodes; n-- > 1;) {
        gmd[d->nodes[n].parent] += gmd[n];
        nb[d->nodes[n].parent] += nb[n];
    }
    for (steps = 0; steps < GROW_MAX_STEPS; steps++) {
        /* the first ancestor holding more than c (wrappers around c alone are skipped) */
        uint32_t a = d->nodes[c].parent;
        while (a != EX_NONE && gmd[a] <= gmd[c] * 1.001)
            a = d->nodes[a].parent;
        if (a == EX_NONE)
            break;
        /*
         * markedly more article text; or, for a lone paragraph (never the
         * whole of an article with siblings), more text at little cost
         */
        if (gmd[a] < GROW_RATIO * gmd[c] &&
            !(nb[c] <= 1 && sum[a] >= KEEP_SHARE * sum[c] && sum[a] > 0))
            break;
        /* what the climb adds is a column of teasers: stay */
        if (teasers_added(d, a, c))
            break;
        c = a;
    }
    free(gmd);
    free(nb);
    return c;
}

/*
 * The page's own name for its article body ("article-content",
 * "entry-content", "story-body") on an element just above the chosen
 * container says the container is only part of the body: a paragraph
 * that won alone, or the half of a body split by a stray <div>, a list
 * or an ad. Climb to it; named boilerplate and link lists inside it are
 * filtered afterwards like in any container.
 */
static uint32_t named_body(const ex_doc *d, uint32_t c)
{
    uint32_t a = c, steps;

    for (steps = 0; steps < NAMED_BODY_REACH && a != EX_NONE; steps++, a = d->nodes[a].parent) {
        unsigned tag = d->nodes[a].tag;
        if (tag == T_BODY || tag == T_HTML || a == 0)
            break;
        if (d->nodes[a].cls & EXC_BODY)
            return a;
    }
    return c;
}

/*
 * A paragraph is never the article's container, only a part of it: when
 * one long <p> outweighs everything (a short post of one paragraph and a
 * closing line, "You can also get the instrumental here."), the element
 * holding it is the container, and its other lines are judged by their
 * neighbours like in any container. A wrapper around that paragraph alone
 * is climbed through; <body> is never taken.
 */
static uint32_t above_paragraph(const ex_doc *d, uint32_t c)
{
    uint32_t a, first = 0, after;

    if (d->nodes[c].tag != T_P)
        return c;
    /* blocks are in document order: the paragraph's first one, and the first past it */
    while (first < d->n_blocks && !ex_is_ancestor(d, c, d->blocks[first].node))
        first++;
    for (after = first; after < d->n_blocks && ex_is_ancestor(d, c, d->blocks[after].node);)
        after++;
    for (a = d->nodes[c].parent; a != EX_NONE; a = d->nodes[a].parent) {
        unsigned tag = d->nodes[a].tag;
        if (a == 0 || tag == T_BODY || tag == T_HTML)
            return c;
        /* a holds a block besides c's: the blocks right before and after c tell */
        if ((first > 0 && ex_is_ancestor(d, a, d->blocks[first - 1].node)) ||
            (after < d->n_blocks && ex_is_ancestor(d, a, d->blocks[after].node)))
            return a;
    }
    return c;
}

/*
 * The article's container, or EX_NONE: the element the page marks as its
 * articleBody, else the heaviest subtree corrected up and down as the
 * essay says, unless the best the page has sits in a sidebar, a bio box
 * or a comment thread. Fills gm (good-text mass of every subtree), pe
 * (trusted class bits of every node's path) and untrusted (names found
 * wrong) for the caller's pass inside the container.
 */
uint32_t ex_container_choose(ex_doc *d, bool ld_matched, double *gm, uint32_t *pe,
                             uint8_t *untrusted)
{
    double *w = malloc(d->n_blocks * sizeof(*w)), *sum = malloc(d->n_nodes * sizeof(*sum));
    uint32_t c = EX_NONE;

    if (!w || !sum)
        goto out;
    good_mass(d, gm);
    trusted_paths(d, gm, pe, untrusted);
    c = marked_body(d, gm);
    if (c == EX_NONE) {
        c = choose_container(d, w, sum, pe, ld_matched);
        if (c != EX_NONE)
            c = grow(d, pe, sum, c, ld_matched);
        if (c != EX_NONE)
            c = named_body(d, c);
        if (c != EX_NONE)
            c = above_paragraph(d, c);
    }
    /* the best the page has sits in a sidebar, a bio box, a comment thread: no article */
    if (c != EX_NONE && (pe[c] & HARD_BITS))
        c = EX_NONE;
    if (d->debug_sum)
        memcpy(d->debug_sum, sum, d->n_nodes * sizeof(*sum));
out:
    free(w);
    free(sum);
    return c;
}
