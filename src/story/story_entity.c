/*
 * story_entity.c - named-entity proxies: capitalised phrases, their head
 * words, and acronyms.
 *
 * Two write-ups of one event name the same people, places and bodies,
 * and a name is rarer than any of its words: "No Azure for Apartheid"
 * says more than "azure" and "apartheid" apart. Without a tagger (no
 * model weights), capitalisation is the proxy, as in the early news
 * detection systems: a run of capitalised words on one line, with short
 * lower-case connectors inside ("of", "for", "the", "and", "de", "van",
 * "von", "al", "la" ...: "U.S. Immigration and Customs Enforcement")
 * but not at its ends, is one phrase. Each phrase gives, case-folded and
 * stripped of marks:
 *
 *   - the whole phrase (ENTITY): "us immigration and customs enforcement";
 *   - for two or more words, the head word, the last one (HEAD):
 *     "enforcement", so "President Barack Obama" meets "Obama";
 *   - around an "and" or "&", each side as a phrase of its own: "Sen. John
 *     McCain and Gov. Sarah Palin" gives "john mccain" and "sarah palin";
 *   - every acronym in it (ENTITY): two or more capitals, "ICE", "NATO",
 *     "U.S." (dots dropped: "us").
 *
 * What is left out, because outlets differ in it: initials ("W. Mark
 * Felt" is "mark felt", as "Mark Felt" is), honorifics ("Dr.", "Sen.",
 * "Mr"), a leading "the". What is left out because it is not a name:
 *
 *   - a capitalised word that starts a sentence and is a stopword or
 *     appears in lower case elsewhere in the same text ("The", "But",
 *     "Police" when the text also says "police"), and month and weekday
 *     names;
 *   - phrases of lines written in title case (a headline: four in five of
 *     its words that are not lower-case function words are capitalised,
 *     and it does not end with a full stop), whose capitals say nothing;
 *     acronyms still count there;
 *   - everything on lines in capitals ("BREAKING NEWS ...");
 *   - in German, single capitalised words: every German noun is
 *     capitalised, so only phrases and acronyms are names there.
 *
 * Trade-offs: sentence-initial multi-word phrases keep their first word
 * ("Police Chief John Smith"), lists of names without commas join
 * ("Obama Biden"), and a name that starts a sentence and is also a common
 * word is lost. Idf weighting makes the noise that is left cheap: a
 * false "entity" that many texts share weighs little.
 */
#include "story_internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Longest acronym: beyond, a word in capitals is a shout, not a name. */
#define EN_MAX_ACRONYM 12

static const char *const honorifics[] = {
    "mr",   "mrs", "ms",  "dr",   "prof", "sen", "rep",  "gov", "gen",  "lt",   "col",  "sgt",
    "capt", "cpl", "rev", "supt", "insp", "det", "pres", "mme", "mlle", "herr", "frau", "sir",
};

static const char *const calendar[] = {
    "january",   "february",  "march",   "april",    "may",      "june",   "july",
    "august",    "september", "october", "november", "december", "monday", "tuesday",
    "wednesday", "thursday",  "friday",  "saturday", "sunday",
};

static bool in_list(const char *const *list, size_t n, const char *w, size_t len)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (st_lit_eq(list[i], w, len))
            return true;
    return false;
}

/* Two or three bytes as one number, for a switch. */
#define EN_K2(a, b) ((uint32_t)(unsigned char)(a) | (uint32_t)(unsigned char)(b) << 8)
#define EN_K3(a, b, c) (EN_K2(a, b) | (uint32_t)(unsigned char)(c) << 16)

/*
 * Is w[0..len) one of the connectors: of for the and de del della des di
 * da du van von der den al el la le y bin ibn dos das do et und? A switch
 * on its bytes, not a walk of a list: it is asked of nearly every
 * lower-case word, and the walk took a twentieth of a profile.
 */
static bool connector_word(const char *w, size_t len)
{
    switch (len) {
    case 1:
        return w[0] == 'y';
    case 2:
        switch (EN_K2(w[0], w[1])) {
        case EN_K2('o', 'f'):
        case EN_K2('d', 'e'):
        case EN_K2('d', 'i'):
        case EN_K2('d', 'a'):
        case EN_K2('d', 'u'):
        case EN_K2('a', 'l'):
        case EN_K2('e', 'l'):
        case EN_K2('l', 'a'):
        case EN_K2('l', 'e'):
        case EN_K2('d', 'o'):
        case EN_K2('e', 't'):
            return true;
        default:
            return false;
        }
    case 3:
        switch (EN_K3(w[0], w[1], w[2])) {
        case EN_K3('f', 'o', 'r'):
        case EN_K3('t', 'h', 'e'):
        case EN_K3('a', 'n', 'd'):
        case EN_K3('d', 'e', 'l'):
        case EN_K3('d', 'e', 's'):
        case EN_K3('v', 'a', 'n'):
        case EN_K3('v', 'o', 'n'):
        case EN_K3('d', 'e', 'r'):
        case EN_K3('d', 'e', 'n'):
        case EN_K3('b', 'i', 'n'):
        case EN_K3('i', 'b', 'n'):
        case EN_K3('d', 'o', 's'):
        case EN_K3('d', 'a', 's'):
        case EN_K3('u', 'n', 'd'):
            return true;
        default:
            return false;
        }
    case 5:
        return !memcmp(w, "della", 5);
    default:
        return false;
    }
}

/* A lower-case connector word, or '&'. */
static bool is_connector(const char *s, const st_tok *t)
{
    if (t->type == ST_PUNCT && t->ch == '&')
        return true;
    if (t->type != ST_WORD || (t->flags & (ST_CAP | ST_UPPER)) || t->len > 5)
        return false;
    return connector_word(s + t->off, t->len);
}

static bool is_and(const char *s, const st_tok *t)
{
    return (t->type == ST_PUNCT && t->ch == '&') ||
           (t->type == ST_WORD && t->len == 3 && !memcmp(s + t->off, "and", 3)) ||
           (t->type == ST_WORD && t->len == 3 && !memcmp(s + t->off, "und", 3)) ||
           (t->type == ST_WORD && t->len == 2 && !memcmp(s + t->off, "et", 2));
}

static bool is_capword(const st_tok *t)
{
    return (t->type == ST_WORD || t->type == ST_ID) && (t->flags & (ST_CAP | ST_UPPER)) &&
           t->len <= ST_MAX_WORD;
}

static bool is_acronym(const st_tok *t)
{
    return t->type == ST_WORD && (t->flags & ST_UPPER) && t->ncp <= EN_MAX_ACRONYM;
}

/* --- the set of words seen in lower case ---------------------------------------- */

static uint64_t word_key(const char *s, const st_tok *t)
{
    char f[ST_MAX_WORD * 4];
    size_t n = st_fold(s + t->off, t->len, ST_FOLD_PLAIN, f, sizeof(f), NULL);
    uint64_t h;

    if (n == SIZE_MAX)
        return 0;
    h = wc_story_term(WC_STORY_TAG_ENTITY, f, n);
    return h ? h : 1;
}

/* word_key through the word cache: computed once a word (each time without a cache). */
static uint64_t cached_key(wc_story_profiler *p, const char *s, size_t i)
{
    bool nomem;
    struct st_cword *cw = st_tok_word(p, s, i, &nomem);
    const st_tok *t = &p->tok[i];

    if (!cw)
        return word_key(s, t);
    if (!(cw->flags & ST_CW_KEYED)) {
        cw->lower_key = word_key(s, t);
        cw->flags |= ST_CW_KEYED;
    }
    return cw->lower_key;
}

static wc_status lower_build(wc_story_profiler *p, const char *s)
{
    size_t i, want = 16, mask;

    while (want < p->ntok * 2)
        want *= 2;
    if (want > p->lower_cap) {
        uint64_t *nl = realloc(p->lower, want * sizeof(*nl));
        if (!nl)
            return WC_ERR_NOMEM;
        p->lower = nl;
        p->lower_cap = want;
    }
    memset(p->lower, 0, want * sizeof(*p->lower));
    p->lower_mask = mask = want - 1;
    for (i = 0; i < p->ntok; i++) {
        const st_tok *t = &p->tok[i];
        uint64_t h;
        size_t j;
        if (t->type != ST_WORD || (t->flags & (ST_CAP | ST_UPPER)) || t->len > ST_MAX_WORD ||
            !(h = cached_key(p, s, i)))
            continue;
        for (j = wc_mix64(h) & mask; p->lower[j] && p->lower[j] != h; j = (j + 1) & mask)
            ;
        p->lower[j] = h;
    }
    return WC_OK;
}

static bool seen_lower(wc_story_profiler *p, const char *s, size_t i)
{
    uint64_t h = cached_key(p, s, i);
    size_t mask = p->lower_mask, j;

    if (!h || !p->lower)
        return false;
    for (j = wc_mix64(h) & mask; p->lower[j]; j = (j + 1) & mask)
        if (p->lower[j] == h)
            return true;
    return false;
}

/* --- lines ------------------------------------------------------------------------ */

enum line_kind { LINE_PROSE, LINE_TITLE_CASE, LINE_CAPITALS };

/* Is the lower-case word t a stopword (through the word cache when it fits)? */
static bool lower_stop(wc_story_profiler *p, const char *s, size_t i)
{
    const st_tok *t = &p->tok[i];
    char f[ST_MAX_WORD * 4];
    struct st_cword *cw;
    bool nomem;
    size_t n;

    if (t->wflags & ST_CW_KNOWN)
        return (t->wflags & ST_CW_FOLDED) && (t->wflags & ST_CW_STOP);
    if ((cw = st_tok_word(p, s, i, &nomem)))
        return (cw->flags & ST_CW_FOLDED) && (cw->flags & ST_CW_STOP);
    n = st_fold(s + t->off, t->len, ST_FOLD_CASE, f, sizeof(f), NULL);
    return n != SIZE_MAX && st_is_stopword(p, f, n);
}

static enum line_kind line_kind(wc_story_profiler *p, const char *s, size_t a, size_t b)
{
    unsigned words = 0, caps = 0, upper = 0, lowstop = 0, content;
    size_t i;

    for (i = a; i < b; i++) {
        const st_tok *t = &p->tok[i];
        if (t->type != ST_WORD || t->ncp < 2 || (t->flags & ST_APOS))
            continue;
        words++;
        if (t->flags & (ST_CAP | ST_UPPER)) {
            caps++;
            upper += (t->flags & ST_UPPER) != 0;
        } else if (is_connector(s, t) || lower_stop(p, s, i)) {
            lowstop++;
        }
    }
    if (upper >= 3 && upper * 5 >= words * 4)
        return LINE_CAPITALS;
    content = words - lowstop;
    if (content >= 3 && caps * 5 >= content * 4 &&
        !(p->tok[b - 1].type == ST_PUNCT && p->tok[b - 1].ch == '.' &&
          !(p->tok[b - 1].flags & ST_ABBR)))
        return LINE_TITLE_CASE;
    return LINE_PROSE;
}

/* --- phrases ----------------------------------------------------------------------- */

/* One word of a phrase: tokens [first, last] (a hyphenated or apostrophe compound). */
struct pword {
    uint32_t first, last;
    bool conn; /* a connector */
};

struct phrase {
    struct pword w[ST_MAX_PHRASE * 3];
    size_t n;      /* entries in w */
    size_t nwords; /* of them capitalised words */
};

/* Past the compound that starts at capitalised token k ("Mat-Su", "O'Brien"). */
static size_t compound_end(const wc_story_profiler *p, size_t k, size_t end)
{
    size_t m = k + 1;

    while (m < end && (p->tok[m].flags & (ST_HYPHEN | ST_APOS)) && is_capword(&p->tok[m]))
        m++;
    return m;
}

/* Gather the phrase that starts at token i (a capitalised word); returns the index after it. */
static size_t gather(const wc_story_profiler *p, const char *s, size_t i, size_t end,
                     struct phrase *ph)
{
    size_t j = compound_end(p, i, end), k, c;

    ph->n = 0;
    ph->w[ph->n++] = (struct pword){(uint32_t)i, (uint32_t)(j - 1), false};
    ph->nwords = 1;
    while (ph->nwords < ST_MAX_PHRASE) {
        k = j;
        if (k < end && p->tok[k].type == ST_PUNCT && (p->tok[k].flags & ST_ABBR))
            k++; /* the '.' of "W. Mark" or "Dr. Sanjay" */
        for (c = 0; c < 2 && k < end && is_connector(s, &p->tok[k]) &&
                    !(p->tok[k].flags & (ST_HYPHEN | ST_APOS));
             c++)
            k++;
        if (k >= end || !is_capword(&p->tok[k]) ||
            (p->tok[k].flags & (ST_HYPHEN | ST_APOS | ST_GLUED)))
            break;
        for (; j < k; j++)
            if (p->tok[j].type != ST_PUNCT || p->tok[j].ch == '&')
                ph->w[ph->n++] = (struct pword){(uint32_t)j, (uint32_t)j, true};
        j = compound_end(p, k, end);
        ph->w[ph->n++] = (struct pword){(uint32_t)k, (uint32_t)(j - 1), false};
        ph->nwords++;
    }
    return j;
}

/* The folded text of word w into out at *o (joined to what is there by sep); false if full. */
static bool append_word(const wc_story_profiler *p, const char *s, const struct pword *w, char *out,
                        size_t cap, size_t *o)
{
    uint32_t k;

    for (k = w->first; k <= w->last; k++) {
        const st_tok *t = &p->tok[k];
        size_t n;
        if (k > w->first && (t->flags & ST_HYPHEN)) {
            if (*o + 1 > cap)
                return false;
            out[(*o)++] = '-';
        }
        if (p->tok[k].type == ST_PUNCT) {
            if (*o + 1 > cap)
                return false;
            out[(*o)++] = '&';
            continue;
        }
        n = st_fold(s + t->off, t->len, ST_FOLD_PLAIN, out + *o, cap - *o, NULL);
        if (n == SIZE_MAX)
            return false;
        *o += n;
    }
    return true;
}

/* The folded text of words [a, b) of ph, joined by spaces. */
static size_t phrase_text(const wc_story_profiler *p, const char *s, const struct phrase *ph,
                          size_t a, size_t b, char *out, size_t cap)
{
    size_t o = 0, i;

    for (i = a; i < b; i++) {
        if (i > a) {
            if (o + 1 > cap)
                return 0;
            out[o++] = ' ';
        }
        if (!append_word(p, s, &ph->w[i], out, cap, &o))
            return 0;
    }
    return o;
}

/* Case-folded text of a one-token word, for the list checks. */
static size_t fold_tok(const char *s, const st_tok *t, enum st_fold_mode mode, char *out,
                       size_t cap)
{
    size_t n = st_fold(s + t->off, t->len, mode, out, cap, NULL);
    return n == SIZE_MAX ? 0 : n;
}

/*
 * What the lists of this file say of one-token word i (ST_CW_HONOR,
 * ST_CW_NONAME, ST_CW_THE; ST_CW_FOLDED and ST_CW_STOP with ncp for its
 * case folding), worked out once a word through the word cache: a
 * capitalised word is looked up in them each time a phrase holds it.
 */
static unsigned word_marks(wc_story_profiler *p, const char *s, size_t i, size_t *ncp)
{
    const st_tok *t = &p->tok[i];
    char f[ST_MAX_WORD * 4];
    struct st_cword *cw;
    unsigned m = 0;
    bool nomem;
    size_t n;

    if ((cw = st_tok_word(p, s, i, &nomem)) && (cw->flags & ST_CW_MARKED)) {
        *ncp = cw->ncp;
        return cw->flags;
    }
    n = fold_tok(s, t, ST_FOLD_PLAIN, f, sizeof(f));
    if (n && in_list(honorifics, WC_ARRAY_SIZE(honorifics), f, n))
        m |= ST_CW_HONOR;
    if (!n || in_list(calendar, WC_ARRAY_SIZE(calendar), f, n))
        m |= ST_CW_NONAME;
    n = st_fold(s + t->off, t->len, ST_FOLD_CASE, f, sizeof(f), ncp);
    if (n != SIZE_MAX) {
        m |= ST_CW_FOLDED;
        if (n == 3 && !memcmp(f, "the", 3))
            m |= ST_CW_THE;
        if (st_is_stopword(p, f, n))
            m |= ST_CW_STOP;
    } else {
        *ncp = 0;
    }
    if (cw) {
        cw->flags |= (uint16_t)(ST_CW_MARKED | (m & (ST_CW_HONOR | ST_CW_NONAME | ST_CW_THE)));
        assert((cw->flags & (ST_CW_FOLDED | ST_CW_STOP)) == (m & (ST_CW_FOLDED | ST_CW_STOP)));
        assert(!(m & ST_CW_FOLDED) || cw->ncp == *ncp);
    }
    return m;
}

/* Drop initials and honorifics, then connectors and sentence-initial stopwords at the ends. */
static void trim(wc_story_profiler *p, const char *s, struct phrase *ph)
{
    size_t i, o = 0, ncp;
    unsigned m;

    for (i = 0; i < ph->n; i++) {
        const struct pword *w = &ph->w[i];
        const st_tok *t = &p->tok[w->first];
        if (!w->conn && w->first == w->last && !(t->flags & ST_DOTTED) &&
            (t->ncp == 1 || (word_marks(p, s, w->first, &ncp) & ST_CW_HONOR)))
            continue;
        ph->w[o++] = *w;
    }
    ph->n = o;
    for (;;) {
        const struct pword *w = ph->n ? &ph->w[0] : NULL;
        const st_tok *t = w ? &p->tok[w->first] : NULL;
        if (!w)
            break;
        if (w->conn) {
            memmove(ph->w, ph->w + 1, --ph->n * sizeof(*ph->w));
            continue;
        }
        /* "US" in capitals is a country, whatever "us" is */
        m = w->first == w->last && !(t->flags & ST_UPPER) ? word_marks(p, s, w->first, &ncp) : 0;
        if ((m & ST_CW_FOLDED) && ncp &&
            ((m & ST_CW_THE) || ((t->flags & ST_SENT) && (m & ST_CW_STOP)))) {
            memmove(ph->w, ph->w + 1, --ph->n * sizeof(*ph->w));
            continue;
        }
        break;
    }
    while (ph->n && ph->w[ph->n - 1].conn)
        ph->n--;
    for (i = 0, ph->nwords = 0; i < ph->n; i++)
        ph->nwords += !ph->w[i].conn;
}

/* Is the single word w a name worth a term? */
static bool single_ok(wc_story_profiler *p, const char *s, const struct pword *w)
{
    const st_tok *t = &p->tok[w->first];
    size_t ncp;
    unsigned m;

    if (w->first == w->last && is_acronym(t))
        return false; /* emitted as an acronym already */
    if (p->german_caps)
        return false;
    if (w->first != w->last)
        return true; /* a compound ("Mat-Su", "O'Brien") */
    m = word_marks(p, s, w->first, &ncp);
    if (!(m & ST_CW_FOLDED) || !ncp || (m & ST_CW_STOP))
        return false;
    if ((t->flags & ST_SENT) && seen_lower(p, s, w->first))
        return false;
    return !(m & ST_CW_NONAME);
}

/* Emit words [a, b) of ph as a phrase: whole, and its head when it has two words or more. */
static wc_status emit_span(wc_story_profiler *p, const char *s, const struct phrase *ph, size_t a,
                           size_t b)
{
    char buf[ST_MAX_TERM];
    size_t n, words = 0, i;
    wc_status st;

    while (a < b && ph->w[a].conn)
        a++;
    while (b > a && ph->w[b - 1].conn)
        b--;
    for (i = a; i < b; i++)
        words += !ph->w[i].conn;
    if (!words || (words == 1 && !single_ok(p, s, &ph->w[a])))
        return WC_OK;
    if ((n = phrase_text(p, s, ph, a, b, buf, sizeof(buf))) &&
        (st = st_emit(p, WC_STORY_TAG_ENTITY, buf, n, ph->w[a].first)))
        return st;
    if (words >= 2 && (n = phrase_text(p, s, ph, b - 1, b, buf, sizeof(buf))) &&
        (st = st_emit(p, WC_STORY_TAG_HEAD, buf, n, ph->w[b - 1].first)))
        return st;
    return WC_OK;
}

static wc_status emit_phrase(wc_story_profiler *p, const char *s, struct phrase *ph,
                             enum line_kind kind)
{
    char buf[ST_MAX_TERM];
    size_t i, a, n;
    wc_status st;

    for (i = 0; i < ph->n; i++) {
        const st_tok *t = &p->tok[ph->w[i].first];
        if (ph->w[i].conn || ph->w[i].first != ph->w[i].last || !is_acronym(t))
            continue;
        if ((n = fold_tok(s, t, ST_FOLD_PLAIN, buf, sizeof(buf))) >= 2 &&
            (st = st_emit(p, WC_STORY_TAG_ENTITY, buf, n, ph->w[i].first)))
            return st;
    }
    trim(p, s, ph);
    if (kind == LINE_TITLE_CASE || !ph->nwords)
        return WC_OK;
    if ((st = emit_span(p, s, ph, 0, ph->n)))
        return st;
    if (ph->nwords < 2)
        return WC_OK;
    for (i = 0, a = 0; i < ph->n; i++) {
        if (ph->w[i].conn && is_and(s, &p->tok[ph->w[i].first])) {
            if ((st = emit_span(p, s, ph, a, i)))
                return st;
            a = i + 1;
        }
    }
    if (a > 0 && (st = emit_span(p, s, ph, a, ph->n)))
        return st;
    return WC_OK;
}

wc_status st_entities(wc_story_profiler *p, const char *s)
{
    struct phrase ph;
    size_t a = 0, b, i;
    wc_status st;

    if (!p->ntok)
        return WC_OK;
    if ((st = lower_build(p, s)))
        return st;
    while (a < p->ntok) {
        enum line_kind kind;
        for (b = a + 1; b < p->ntok && p->tok[b].line == p->tok[a].line; b++)
            ;
        kind = line_kind(p, s, a, b);
        for (i = a; kind != LINE_CAPITALS && i < b;) {
            const st_tok *t = &p->tok[i];
            /* a name joined to what comes before starts a phrase only after a lower-case
             * word: "l'Élysée", "al-Qaeda", "ex-President Obama" (not the "Su" of "Mat-Su") */
            bool joined = (t->flags & (ST_HYPHEN | ST_APOS)) &&
                          !(i > 0 && p->tok[i - 1].type == ST_WORD &&
                            !(p->tok[i - 1].flags & (ST_CAP | ST_UPPER)));
            if (!is_capword(t) || joined) {
                i++;
                continue;
            }
            i = gather(p, s, i, b, &ph);
            if ((st = emit_phrase(p, s, &ph, kind)))
                return st;
        }
        a = b;
    }
    return WC_OK;
}
