/*
 * extract_lang.c - which language a page is written in.
 *
 * Two witnesses: what the page says (<html lang>, Content-Language,
 * og:locale, JSON-LD inLanguage; templates often say "en" whatever the
 * text is) and what its text shows: the share of tokens that are
 * function words of each language we have a list for (extract_stopwords.c).
 * Prose gives 30-50 % for its own language and a few percent for the
 * others, so the text wins when it is clear; the declaration decides
 * between close candidates and names languages we have no list for
 * (Japanese, Arabic, ...), where stopword statistics are switched off.
 *
 * Only blocks that look like sentences (eight words or more, little link
 * text) are counted, so menus and link lists do not vote.
 */
#include "extract_internal.h"

#include <string.h>

#include "internal.h"

/* Stopword share of a language's own prose is 0.3-0.5; below this no list fits. */
#define LANG_MIN_SHARE 0.12
/* Words of sentence-like text needed before the text's vote counts. */
#define LANG_MIN_WORDS 30
/* A block votes when it has this many words... */
#define LANG_BLOCK_WORDS 8

void ex_lang_detect(ex_doc *d)
{
    uint64_t total = 0, per[WC_NLANG] = {0};
    int best = WC_LANG_NONE, declared;
    uint32_t i;
    double share = 0;

    for (i = 0; i < d->n_blocks; i++) {
        const ex_block *b = &d->blocks[i];
        int l;
        if (b->words < LANG_BLOCK_WORDS || b->link_chars * 2 > b->chars)
            continue;
        total += b->words;
        for (l = 0; l < WC_NLANG; l++)
            per[l] += b->lang_stops[l];
    }
    declared = wc_lang_from_code(d->html_lang, strlen(d->html_lang));
    if (total >= LANG_MIN_WORDS) {
        int l;
        for (l = 0; l < WC_NLANG; l++)
            if (best < 0 || per[l] > per[best])
                best = l;
        share = (double)per[best] / (double)total;
        if (share < LANG_MIN_SHARE)
            best = WC_LANG_NONE;
        /* the declaration breaks near-ties (Danish text scores on Swedish, ...) */
        if (best >= 0 && declared >= 0 && declared != best &&
            (double)per[declared] >= 0.85 * (double)per[best])
            best = declared;
    } else {
        best = declared;
    }
    d->lang = best;
    for (i = 0; i < d->n_blocks; i++) {
        ex_block *b = &d->blocks[i];
        b->stops = best >= 0 ? b->lang_stops[best] : 0;
    }
}
