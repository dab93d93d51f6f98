/*
 * story_profile.c - one text to its story profile (see story_profile.h):
 * the language, the buffer the features read, the passes, and the
 * gathering of term occurrences into sorted, capped vectors.
 *
 * The language decides the stopword list, the stemmer, the decimal
 * separator and whether single capitalised words can be names. It is the
 * primary subtag of the tag given ("de-AT" is "de"). A text without a
 * usable tag (JSONL dumps have none) is given the language whose
 * stopwords are most frequent in its first 2 KiB, from the base layer's
 * ten lists (stopwords.c, which the extractor reads too); with no stopword
 * at all it is read as English. A
 * language Snowball has no stemmer for (Polish, of the ten) is stemmed
 * as English, which at worst leaves its words whole.
 *
 * The buffer. The features read one buffer: the title, when the text
 * does not already begin with it, then the text, cut at
 * WC_STORY_MAX_TEXT (at a character boundary). Dates are blanked in it
 * and in a copy of the title before anything else reads them.
 *
 * Gathering. Every extractor emits term occurrences; at the end they are
 * sorted by kind and term, counted, and, for a kind over its cap, the
 * most frequent kept (ties: the earliest). A weight is 1 + ln(tf): the
 * tenth mention of a word says less than the second.
 */
#include "story_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "internal.h"

static const uint32_t kind_caps[WC_STORY_KINDS] = {
    WC_STORY_MAX_BODY_TERMS,   WC_STORY_MAX_TITLE_TERMS, WC_STORY_MAX_ENTITY_TERMS,
    WC_STORY_MAX_NUMBER_TERMS, WC_STORY_MAX_YEAR_TERMS,
};

/* The body buffer holds the title, a line break and the text. */
#define ST_BODY_LIMIT (WC_STORY_MAX_TEXT + WC_STORY_MAX_TITLE + 1)

uint32_t wc_story_kind_cap(enum wc_story_kind kind)
{
    return (unsigned)kind < WC_STORY_KINDS ? kind_caps[kind] : 0;
}

enum wc_story_kind wc_story_tag_kind(enum wc_story_tag tag)
{
    switch (tag) {
    case WC_STORY_TAG_TITLE:
        return WC_STORY_TITLE;
    case WC_STORY_TAG_ENTITY:
    case WC_STORY_TAG_HEAD:
        return WC_STORY_ENTITY;
    case WC_STORY_TAG_NUMBER:
        return WC_STORY_NUMBER;
    case WC_STORY_TAG_YEAR:
        return WC_STORY_YEAR;
    default:
        return WC_STORY_BODY;
    }
}

/* --- the profiler ------------------------------------------------------------ */

wc_status wc_story_profiler_new(const wc_story_opts *opts, wc_story_profiler **out, wc_error *err)
{
    wc_story_profiler *p = calloc(1, sizeof(*p));

    *out = NULL;
    if (!p)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory for a story profiler");
    if (opts)
        p->opts = *opts;
    wc_buf_init(&p->text, ST_BODY_LIMIT);
    wc_buf_init(&p->title, WC_STORY_MAX_TITLE);
    *out = p;
    return WC_OK;
}

void wc_story_profiler_free(wc_story_profiler *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < ST_STEMMERS; i++)
        sb_stemmer_delete(p->stem[i].sb);
    wc_buf_release(&p->text);
    wc_buf_release(&p->title);
    free(p->tok);
    free(p->occ);
    free(p->agg);
    free(p->lower);
    free(p->occ_tmp);
    free(p->buckets);
    free(p->wc_index);
    free(p->wc_slot);
    free(p->wc_pool);
    free(p);
}

/*
 * The stemmer for code ("en"), made on first use. NULL when Snowball has
 * none for it (*nomem false: remembered, so the next text of that language
 * does not ask again) or when out of memory (*nomem true).
 */
static struct sb_stemmer *stemmer_for(wc_story_profiler *p, const char *code, bool *nomem)
{
    struct st_stemmer *slot = &p->stem[0];
    struct sb_stemmer *probe;
    size_t i;

    *nomem = false;
    for (i = 0; i < ST_STEMMERS; i++) {
        if (p->stem[i].code[0] && !strcmp(p->stem[i].code, code)) {
            p->stem[i].used = p->clock;
            return p->stem[i].sb;
        }
        if (!p->stem[i].code[0] || p->stem[i].used < slot->used)
            slot = &p->stem[i];
        if (!p->stem[i].code[0])
            break;
    }
    sb_stemmer_delete(slot->sb);
    memset(slot, 0, sizeof(*slot));
    slot->sb = sb_stemmer_new(code, "UTF_8");
    if (!slot->sb) {
        /* an unknown language or no memory: Snowball says NULL to both; English tells */
        if (!(probe = sb_stemmer_new("en", "UTF_8")) || !strcmp(code, "en")) {
            sb_stemmer_delete(probe);
            *nomem = true;
            return NULL;
        }
        sb_stemmer_delete(probe);
    }
    memcpy(slot->code, code, strlen(code) + 1);
    slot->used = p->clock;
    return slot->sb;
}

/* The primary subtag of tag, lower case, into code (4 bytes); false when it is not one. */
static bool primary_subtag(const char *tag, char code[4])
{
    size_t n = 0;

    if (!tag)
        return false;
    while (n < 4 && ((tag[n] | 0x20) >= 'a' && (tag[n] | 0x20) <= 'z'))
        n++;
    if (n < 2 || n > 3 || (tag[n] && tag[n] != '-' && tag[n] != '_'))
        return false;
    for (size_t i = 0; i < n; i++)
        code[i] = (char)(tag[i] | 0x20);
    code[n] = '\0';
    /* "und" (undetermined), "mul" (several), "zxx" (no language): no language */
    return strcmp(code, "und") && strcmp(code, "mul") && strcmp(code, "zxx");
}

/* The language whose stopwords are most frequent in the text's head (English on a tie). */
static int guess_lang(const char *text, size_t len)
{
    uint16_t counts[WC_NLANG];
    uint32_t words;
    int l, best = WC_LANG_EN;

    wc_words_count(text, WC_MIN(len, ST_GUESS_BYTES), &words, counts);
    for (l = 0; l < WC_NLANG; l++)
        if (counts[l] > counts[best])
            best = l;
    return best;
}

static wc_status set_language(wc_story_profiler *p, const wc_story_input *in)
{
    char code[4];
    bool nomem;
    int lang;

    if (primary_subtag(in->lang, code)) {
        lang = wc_lang_from_code(code, strlen(code));
    } else {
        lang = guess_lang(in->text ? in->text : "", in->text ? in->text_len : 0);
        memcpy(code, wc_lang_code(lang), 3);
        p->flags |= WC_STORY_LANG_GUESSED;
    }
    p->stop_lang = lang;
    p->sb = stemmer_for(p, code, &nomem);
    if (!p->sb && !nomem)
        p->sb = stemmer_for(p, "en", &nomem);
    if (!p->sb)
        return WC_ERR_NOMEM;
    memcpy(p->lang, code, strlen(code) + 1);
    /* what the word cache's slots depend on: code decides lang, the stemmer and english */
    p->wc_lang = (uint32_t)(unsigned char)code[0] | (uint32_t)(unsigned char)code[1] << 8 |
                 (uint32_t)(unsigned char)code[2] << 16;
    p->english = !strcmp(code, "en");
    p->decimal_comma = lang != WC_LANG_EN && lang != WC_LANG_NONE;
    p->german_caps = !strcmp(code, "de");
    return WC_OK;
}

/* --- occurrences ------------------------------------------------------------------ */

wc_status st_emit(wc_story_profiler *p, enum wc_story_tag tag, const char *term, size_t len,
                  uint32_t pos)
{
    if (!len)
        return WC_OK;
    return st_emit_hashed(p, tag, term, len, wc_story_term(tag, term, len), pos);
}

wc_status st_emit_hashed(wc_story_profiler *p, enum wc_story_tag tag, const char *term, size_t len,
                         uint64_t hash, uint32_t pos)
{
    if (!len)
        return WC_OK;
    if (p->opts.on_term)
        p->opts.on_term(p->opts.term_ctx, tag, term, len);
    if (p->nocc == p->occ_cap) {
        size_t cap = p->occ_cap ? p->occ_cap * 2 : 512;
        struct st_occ *no = realloc(p->occ, cap * sizeof(*no));
        if (!no)
            return WC_ERR_NOMEM;
        p->occ = no;
        p->occ_cap = cap;
    }
    p->occ[p->nocc++] = (struct st_occ){hash, pos, (uint8_t)wc_story_tag_kind(tag)};
    return WC_OK;
}

/* Does occurrence x come before y (by kind, term, position)? */
static bool occ_before(const struct st_occ *x, const struct st_occ *y)
{
    if (x->kind != y->kind)
        return x->kind < y->kind;
    if (x->term != y->term)
        return x->term < y->term;
    return x->pos < y->pos;
}

/*
 * Sort p->occ by kind, term and position. Terms are hashes, so spread
 * evenly: the occurrences are dealt into buckets by kind and the top
 * bits of the term, about one per bucket (a stable counting pass), and
 * an insertion sort then only orders each bucket, which holds one term's
 * occurrences (already in position order, as they were emitted) and the
 * odd other term. Linear in the number of occurrences where qsort, a
 * merge sort through a comparison callback, took a tenth of a profile.
 */
static wc_status sort_occ(wc_story_profiler *p)
{
    size_t n = p->nocc, nb, i, j, sum;
    struct st_occ *tmp;
    unsigned bits = 1;

    while (bits < 12 && ((size_t)1 << bits) < n)
        bits++;
    nb = (size_t)WC_STORY_KINDS << bits;
    if (n > p->occ_tmp_cap) {
        if (!(tmp = realloc(p->occ_tmp, n * sizeof(*tmp))))
            return WC_ERR_NOMEM;
        p->occ_tmp = tmp;
        p->occ_tmp_cap = n;
    }
    if (nb > p->buckets_cap) {
        uint32_t *nbk = realloc(p->buckets, nb * sizeof(*nbk));
        if (!nbk)
            return WC_ERR_NOMEM;
        p->buckets = nbk;
        p->buckets_cap = nb;
    }
    memset(p->buckets, 0, nb * sizeof(*p->buckets));
#define OCC_BUCKET(o) (((size_t)(o)->kind << bits) | (size_t)((o)->term >> (64 - bits)))
    for (i = 0; i < n; i++)
        p->buckets[OCC_BUCKET(&p->occ[i])]++;
    for (i = 0, sum = 0; i < nb; i++) {
        size_t c = p->buckets[i];
        p->buckets[i] = (uint32_t)sum;
        sum += c;
    }
    tmp = p->occ_tmp;
    for (i = 0; i < n; i++)
        tmp[p->buckets[OCC_BUCKET(&p->occ[i])]++] = p->occ[i];
#undef OCC_BUCKET
    /* the buckets are in order: the insertion sort moves nothing out of its own */
    for (i = 1; i < n; i++) {
        struct st_occ o = tmp[i];
        for (j = i; j > 0 && occ_before(&o, &tmp[j - 1]); j--)
            tmp[j] = tmp[j - 1];
        tmp[j] = o;
    }
    p->occ_tmp = p->occ;
    p->occ = tmp;
    j = p->occ_tmp_cap;
    p->occ_tmp_cap = p->occ_cap;
    p->occ_cap = j;
    return WC_OK;
}

static int by_weight(const void *a, const void *b)
{
    const struct st_agg *x = a, *y = b;

    if (x->tf != y->tf)
        return x->tf > y->tf ? -1 : 1;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return x->term < y->term ? -1 : x->term > y->term;
}

static int by_term(const void *a, const void *b)
{
    const struct st_agg *x = a, *y = b;
    return x->term < y->term ? -1 : x->term > y->term;
}

wc_status st_profile_room(wc_story_profile *pr, size_t n)
{
    uint64_t *t;
    uint32_t *f;
    float *w;

    if (n <= pr->cap_)
        return WC_OK;
    n = WC_MAX(n, 64);
    if (!(t = realloc(pr->terms_, n * sizeof(*t))))
        return WC_ERR_NOMEM;
    pr->terms_ = t;
    if (!(f = realloc(pr->tfs_, n * sizeof(*f))))
        return WC_ERR_NOMEM;
    pr->tfs_ = f;
    if (!(w = realloc(pr->weights_, n * sizeof(*w))))
        return WC_ERR_NOMEM;
    pr->weights_ = w;
    pr->cap_ = n;
    return WC_OK;
}

void st_profile_layout(wc_story_profile *pr, const uint32_t n[WC_STORY_KINDS])
{
    size_t off = 0;
    int k;

    for (k = 0; k < WC_STORY_KINDS; k++) {
        pr->vec[k].term = pr->terms_ ? pr->terms_ + off : NULL;
        pr->vec[k].weight = pr->weights_ ? pr->weights_ + off : NULL;
        pr->vec[k].n = n[k];
        pr->tf[k] = pr->tfs_ ? pr->tfs_ + off : NULL;
        off += n[k];
    }
}

/* Gather p->occ into pr's vectors. */
static wc_status gather(wc_story_profiler *p, wc_story_profile *pr)
{
    uint32_t n[WC_STORY_KINDS] = {0};
    size_t i = 0, off = 0;
    wc_status st;
    int k;

    if (p->nocc > p->agg_cap) {
        struct st_agg *na = realloc(p->agg, p->nocc * sizeof(*na));
        if (!na)
            return WC_ERR_NOMEM;
        p->agg = na;
        p->agg_cap = p->nocc;
    }
    if (p->nocc && (st = sort_occ(p)))
        return st;
    for (k = 0; k < WC_STORY_KINDS; k++) {
        size_t m = 0, j;
        while (i < p->nocc && p->occ[i].kind == k) {
            if (m && p->agg[m - 1].term == p->occ[i].term) {
                p->agg[m - 1].tf++;
            } else {
                p->agg[m++] = (struct st_agg){p->occ[i].term, 1, p->occ[i].pos};
            }
            i++;
        }
        if (m > kind_caps[k]) {
            wc_qsort(p->agg, m, sizeof(*p->agg), by_weight);
            m = kind_caps[k];
            wc_qsort(p->agg, m, sizeof(*p->agg), by_term);
            p->flags |= WC_STORY_CUT_TERMS;
        }
        if ((st = st_profile_room(pr, off + m)))
            return st;
        for (j = 0; j < m; j++) {
            pr->terms_[off + j] = p->agg[j].term;
            pr->tfs_[off + j] = p->agg[j].tf;
            /* most terms occur once, and 1 + ln(1) is 1 exactly: no call for them */
            pr->weights_[off + j] =
                p->agg[j].tf == 1 ? 1.0f : (float)(1.0 + log((double)p->agg[j].tf));
        }
        n[k] = (uint32_t)m;
        off += m;
    }
    st_profile_layout(pr, n);
    return WC_OK;
}

/* --- the profile --------------------------------------------------------------------- */

void wc_story_profile_init(wc_story_profile *pr)
{
    static const uint32_t none[WC_STORY_KINDS];

    memset(pr, 0, sizeof(*pr));
    pr->date = WC_TIME_NONE;
    st_profile_layout(pr, none);
}

void wc_story_profile_release(wc_story_profile *pr)
{
    if (!pr)
        return;
    free(pr->terms_);
    free(pr->tfs_);
    free(pr->weights_);
    wc_story_profile_init(pr);
}

/* The length of p[0..len) cut to at most max bytes, at a character boundary. */
static size_t cut_at(const char *p, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)p[max] & 0xC0) == 0x80)
        max--;
    return max;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Does the text's first non-blank line begin with the title (both trimmed)? */
static bool text_has_title(const char *title, size_t tlen, const char *text, size_t len)
{
    size_t i = 0;

    while (tlen && is_blank(title[0])) {
        title++;
        tlen--;
    }
    while (tlen && is_blank(title[tlen - 1]))
        tlen--;
    if (!tlen)
        return true;
    while (i < len && is_blank(text[i]))
        i++;
    return len - i >= tlen && !memcmp(text + i, title, tlen) && !memchr(title, '\n', tlen);
}

/* Fill p->text (title line when needed, then the text) and p->title, dates blanked. */
static wc_status read_input(wc_story_profiler *p, const wc_story_input *in, int64_t *dateline)
{
    const char *text = in->text ? in->text : "", *title = in->title;
    size_t tlen = title ? cut_at(title, in->title_len, WC_STORY_MAX_TITLE) : 0;
    size_t len = cut_at(text, in->text ? in->text_len : 0, WC_STORY_MAX_TEXT);
    int64_t unused;
    wc_status st;

    if (len < (in->text ? in->text_len : 0) || (title && tlen < in->title_len))
        p->flags |= WC_STORY_CUT_TEXT;
    wc_buf_reset(&p->text);
    wc_buf_reset(&p->title);
    if (tlen && (st = wc_buf_add(&p->title, title, tlen)))
        return st;
    if (tlen && !text_has_title(title, tlen, text, len) &&
        ((st = wc_buf_add(&p->text, title, tlen)) || (st = wc_buf_addch(&p->text, '\n'))))
        return st;
    if ((st = wc_buf_add(&p->text, text, len)))
        return st;
    st_dates_strip(p->text.buf, p->text.len, ST_DATELINE_LINES, p->english, dateline);
    st_dates_strip(p->title.buf, p->title.len, 0, p->english, &unused);
    return WC_OK;
}

wc_status wc_story_profile_make(wc_story_profiler *p, const wc_story_input *in,
                                wc_story_profile *out, wc_error *err)
{
    int64_t dateline;
    wc_status st;

    p->clock++;
    p->flags = 0;
    p->nocc = 0;
    if ((st = set_language(p, in)))
        goto fail;
    if ((st = read_input(p, in, &dateline)))
        goto fail;
    if ((st = st_tokenize(p, p->text.buf, p->text.len)) ||
        (st = st_words(p, p->text.buf, WC_STORY_TAG_BODY, 3)) ||
        (st = st_entities(p, p->text.buf)) || (st = st_numbers(p, p->text.buf)))
        goto fail;
    if ((st = st_tokenize(p, p->title.buf, p->title.len)) ||
        (st = st_words(p, p->title.buf, WC_STORY_TAG_TITLE, 2)))
        goto fail;
    if ((st = gather(p, out)))
        goto fail;
    out->flags = p->flags;
    memcpy(out->lang, p->lang, sizeof(out->lang));
    if (in->published_at != WC_TIME_NONE) {
        out->date = in->published_at;
        out->date_source = WC_STORY_DATE_PUBLISHED;
    } else if (dateline != WC_TIME_NONE) {
        out->date = dateline;
        out->date_source = WC_STORY_DATE_DATELINE;
    } else {
        out->date = WC_TIME_NONE;
        out->date_source = WC_STORY_DATE_NONE;
    }
    return WC_OK;
fail : {
    static const uint32_t none[WC_STORY_KINDS];
    st_profile_layout(out, none);
    out->date = WC_TIME_NONE;
    out->date_source = WC_STORY_DATE_NONE;
}
    return wc_error_set(err, st, "%s profiling a story text", wc_strerror(st));
}
