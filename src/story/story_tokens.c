/*
 * story_tokens.c - the token stream the story features read, and the
 * word features (BODY and TITLE) made from it.
 *
 * Tokens. One pass over the UTF-8 text, after the dates are blanked,
 * cuts it into words (letters and marks), numbers (digits with a '.' or
 * ',' between digits: "1,000", "2.5", with glued letters: "2.5m",
 * "21st"), identifiers (letters then digits: "G20"), currency signs and
 * '%', and punctuation. Each token remembers what the extractors ask:
 * its case (first letter upper, all upper: utf8proc categories, so
 * "Élysée" and "ÖVP" are seen), whether it starts a line or a sentence,
 * and how it touches the token before (glued, or joined by a hyphen or
 * an apostrophe). A hyphen or apostrophe between letters joins, elsewhere
 * it is punctuation. Dotted acronyms ("U.S.", "U.N.") are one token, and
 * the full stop after an initial ("W. Mark Felt") or one of the usual
 * abbreviations before a name ("Dr.", "Sen.", "St.") is marked, so that
 * none of those dots ends a sentence. A sentence ends at . ! ? : and an
 * ellipsis (quotes and brackets after them do not matter) and at a line
 * break.
 *
 * Words. A body word is a word token of three or more letters that is
 * not a stopword of the text's language, case-folded (utf8proc, keeping
 * accents, which the stemmers read), in English folded onto one spelling
 * (wc_text_canon_word: "colour"/"color", the dedup normaliser's rule),
 * stemmed with the language's Snowball stemmer, then stripped of marks
 * (NFKD, as text.c folds), so "Élysée" and "Elysee" meet. Title words
 * are made the same way from two letters up ("EU", "UN" matter in a
 * headline). Words split at hyphens and apostrophes: "57-year-old" is
 * 57, "year", "old" whether an outlet hyphenates or not, and French
 * elisions ("l'homme") leave the word whole.
 *
 * What it does not do: no sentence splitter beyond the rules above
 * ("Inc. The" ends no sentence, "in the U.S. The" neither), no compound
 * splitting for German, no scripts without spaces (Chinese and Japanese
 * text makes one word per run of letters, which matches only itself).
 */
#include "story_internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>
/* the word cache hashes every word: XXH3 inline, the same function without a call */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "wirecopy/text.h"

#include "internal.h"

/* --- characters ---------------------------------------------------------------- */

enum cclass {
    CC_BLANK,
    CC_NL,
    CC_LETTER,
    CC_MARK,
    CC_DIGIT,
    CC_APOS,
    CC_HYPHEN,
    CC_SYM,
    CC_PUNCT,
};

struct cinfo {
    uint8_t cls;   /* enum cclass */
    uint8_t upper; /* a letter: 1 when upper or title case */
    uint8_t lower; /* a letter: 1 when lower case */
    uint8_t ch;    /* CC_PUNCT/CC_SYM: the st_tok.ch value */
};

static size_t read_cp(const char *s, size_t len, size_t i, uint32_t *cp)
{
    size_t n;

    if ((unsigned char)s[i] < 0x80) {
        *cp = (unsigned char)s[i];
        return 1;
    }
    n = wc_utf8_decode(s + i, len - i, cp);
    if (!n) {
        *cp = 0xFFFD; /* an ill-formed byte: a separator */
        return 1;
    }
    return n;
}

/* The class of an ASCII character (inline: most of a text is ASCII). */
static inline struct cinfo classify_ascii(uint32_t cp)
{
    struct cinfo c = {CC_PUNCT, 0, 0, 0};

    if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') {
        c.cls = CC_LETTER;
        c.upper = cp <= 'Z';
        c.lower = cp >= 'a';
    } else if (cp >= '0' && cp <= '9') {
        c.cls = CC_DIGIT;
    } else if (cp == '\n') {
        c.cls = CC_NL;
    } else if (cp == ' ' || cp == '\t' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0) {
        c.cls = CC_BLANK;
    } else if (cp == '\'' || cp == '`') {
        c.cls = CC_APOS;
        c.ch = '"';
    } else if (cp == '-') {
        c.cls = CC_HYPHEN;
        c.ch = '-';
    } else if (cp == '$' || cp == '%') {
        c.cls = CC_SYM;
        c.ch = (uint8_t)cp;
    } else {
        c.ch = (uint8_t)cp;
    }
    return c;
}

static struct cinfo classify_other(uint32_t cp)
{
    struct cinfo c = {CC_PUNCT, 0, 0, 0};

    if (cp == 0x2019 || cp == 0x02BC) { /* right single quote, modifier apostrophe */
        c.cls = CC_APOS;
        c.ch = '"';
        return c;
    }
    if (cp == 0x2010 || cp == 0x2011) { /* hyphen, non-breaking hyphen */
        c.cls = CC_HYPHEN;
        c.ch = '-';
        return c;
    }
    if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
        c.cls = CC_NL;
        return c;
    }
    if (cp == 0x2026) { /* ellipsis ends a sentence as '.' does */
        c.ch = '.';
        return c;
    }
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
        c.cls = CC_LETTER;
        c.upper = 1;
        break;
    case UTF8PROC_CATEGORY_LL:
        c.cls = CC_LETTER;
        c.lower = 1;
        break;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND: /* other scripts' digits: part of words, not numbers */
    case UTF8PROC_CATEGORY_NL:
        c.cls = CC_LETTER;
        break;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF: /* soft hyphen, zero-width joiners: inside a word */
        c.cls = CC_MARK;
        break;
    case UTF8PROC_CATEGORY_ZS:
        c.cls = CC_BLANK;
        break;
    case UTF8PROC_CATEGORY_SC:
        c.cls = CC_SYM;
        break;
    case UTF8PROC_CATEGORY_PD:
        c.ch = '-';
        break;
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
        c.ch = '"';
        break;
    default:
        break;
    }
    return c;
}

static inline struct cinfo classify(uint32_t cp)
{
    return cp < 0x80 ? classify_ascii(cp) : classify_other(cp);
}

/* --- tokens --------------------------------------------------------------------- */

/* Abbreviations whose '.' does not end a sentence (titles before names, places, months). */
static const char *const abbrevs[] = {
    "Mr",   "Mrs",  "Ms",  "Dr",   "Prof", "Sen", "Rep",  "Gov",  "Gen", "Lt",  "Col",
    "Sgt",  "Capt", "Cpl", "Rev",  "St",   "Mt",  "Ft",   "Jr",   "Sr",  "No",  "Jan",
    "Feb",  "Mar",  "Apr", "Jun",  "Jul",  "Aug", "Sep",  "Sept", "Oct", "Nov", "Dec",
    "Supt", "Insp", "Det", "Pres", "vs",   "Mme", "Mlle", "Hr",   "Fr",
};

static bool is_abbrev(const char *p, size_t len)
{
    size_t i;

    if (len > 4)
        return false;
    for (i = 0; i < WC_ARRAY_SIZE(abbrevs); i++)
        if (st_lit_eq(abbrevs[i], p, len))
            return true;
    return false;
}

struct tokstate {
    wc_story_profiler *p;
    const char *s;
    size_t len;
    uint32_t line;
    bool line_start;   /* no token yet on this line */
    bool sent_pending; /* the next word starts a sentence */
    uint16_t join;     /* ST_HYPHEN or ST_APOS for the next token, else 0 */
    bool gap;          /* a blank or punctuation since the last token */
};

static wc_status push(struct tokstate *ts, st_tok *t)
{
    wc_story_profiler *p = ts->p;

    if (p->ntok == p->tok_cap) {
        size_t cap = p->tok_cap ? p->tok_cap * 2 : 256;
        st_tok *nt = realloc(p->tok, cap * sizeof(*nt));
        if (!nt)
            return WC_ERR_NOMEM;
        p->tok = nt;
        p->tok_cap = cap;
    }
    t->line = ts->line;
    if (ts->line_start)
        t->flags |= ST_LINE;
    if (!ts->gap && !ts->join && p->ntok && !(t->flags & ST_LINE))
        t->flags |= ST_GLUED;
    t->flags |= ts->join;
    if (t->type != ST_PUNCT && t->type != ST_SYM && ts->sent_pending) {
        t->flags |= ST_SENT;
        ts->sent_pending = false;
    }
    ts->line_start = false;
    ts->join = 0;
    ts->gap = false;
    /* Every pass after this one asks the word cache about the words, each a load from
     * a table too big for the L1 cache; hashing the word now and asking for its slot's
     * line lets the load overlap the tokenising instead of stalling the pass. */
    if (t->type == ST_WORD && t->len <= ST_WCACHE_MAX_WORD) {
        t->whash = st_word_hash(p, ts->s + t->off, t->len);
        if (p->wc_index)
            __builtin_prefetch(&p->wc_index[t->whash & (ST_WCACHE_SLOTS - 1)]);
    }
    p->tok[p->ntok++] = *t;
    return WC_OK;
}

/* Is s[i] a '.' or ',' with an ASCII digit on both sides? */
static bool inner_sep(const char *s, size_t len, size_t i)
{
    return i > 0 && i + 1 < len && (s[i] == '.' || s[i] == ',') && s[i - 1] >= '0' &&
           s[i - 1] <= '9' && s[i + 1] >= '0' && s[i + 1] <= '9';
}

/* After "U" at i (one upper-case ASCII letter): the end of a dotted acronym "U.S.", or i. */
static size_t dotted_end(const char *s, size_t len, size_t i)
{
    size_t e = i + 1, letters = 1;

    while (e + 1 < len && s[e] == '.' && s[e + 1] >= 'A' && s[e + 1] <= 'Z' &&
           (e + 2 == len || s[e + 2] == '.' ||
            !((s[e + 2] | 0x20) >= 'a' && (s[e + 2] | 0x20) <= 'z'))) {
        e += 2;
        letters++;
    }
    if (letters < 2)
        return i + 1;
    if (e < len && s[e] == '.')
        e++;
    return e;
}

/* Read the alphanumeric token at i; returns its end. */
static wc_status read_alnum(struct tokstate *ts, size_t i, size_t *end)
{
    const char *s = ts->s;
    size_t len = ts->len, j = i, first_letter_at = SIZE_MAX;
    unsigned letters = 0, uppers = 0, digits = 0, ncp = 0;
    bool first_upper = false, inner_upper = false, digit_first, letters_after = false;
    st_tok t;
    uint32_t cp;
    size_t n;

    memset(&t, 0, sizeof(t));
    digit_first = s[i] >= '0' && s[i] <= '9';
    t.numlen = 0;
    while (j < len) {
        struct cinfo c;
        /* a lower-case ASCII letter after the first letter, the common case, only counts */
        if (s[j] >= 'a' && s[j] <= 'z' && letters && !(digits && !digit_first)) {
            letters++;
            ncp++;
            j++;
            continue;
        }
        n = read_cp(s, len, j, &cp);
        c = classify(cp);
        if (c.cls == CC_LETTER) {
            if (first_letter_at == SIZE_MAX) {
                first_letter_at = j;
                first_upper = c.upper;
            } else if (c.upper) {
                inner_upper = true;
            }
            if (digits && digit_first && !letters)
                t.numlen = (uint16_t)WC_MIN(j - i, UINT16_MAX);
            if (digits && !digit_first)
                break; /* "G20a": stop after the digits */
            letters++;
            uppers += c.upper;
            if (digit_first)
                letters_after = true;
        } else if (c.cls == CC_MARK) {
            if (!letters)
                break;
        } else if (c.cls == CC_DIGIT) {
            if (letters && digit_first)
                break; /* "21st2": the suffix ends at a digit */
            digits++;
        } else if (cp == '.' || cp == ',') {
            if (!inner_sep(s, len, j) || letters)
                break;
        } else {
            break;
        }
        ncp++;
        j += n;
    }
    t.off = (uint32_t)i;
    t.len = (uint32_t)WC_MIN(j - i, UINT32_MAX);
    t.ncp = (uint16_t)WC_MIN(ncp, UINT16_MAX);
    if (digit_first) {
        t.type = ST_NUM;
        if (!letters_after)
            t.numlen = (uint16_t)WC_MIN(t.len, UINT16_MAX);
    } else {
        t.type = digits ? ST_ID : ST_WORD;
        t.ncp = (uint16_t)letters;
        if (!digits && letters == 1 && first_upper && s[i] >= 'A' && s[i] <= 'Z') {
            size_t e = dotted_end(s, len, i);
            if (e > j) {
                t.len = (uint32_t)(e - i);
                t.ncp = (uint16_t)((e - i + 1) / 2);
                t.flags |= ST_DOTTED | ST_UPPER | ST_CAP;
                j = e;
            }
        }
        if (first_upper || (inner_upper && letters >= 3))
            t.flags |= ST_CAP;
        if (letters >= 2 && uppers == letters)
            t.flags |= ST_UPPER;
    }
    *end = j;
    return push(ts, &t);
}

wc_status st_tokenize(wc_story_profiler *p, const char *s, size_t len)
{
    struct tokstate ts = {p, s, len, 0, true, true, 0, false};
    size_t i = 0, n;
    uint32_t cp;
    wc_status st;

    p->ntok = 0;
    p->wc_tok_ok = true;
    while (i < len) {
        struct cinfo c;
        if (s[i] == ' ') { /* what CC_BLANK does below, for the byte most often met */
            ts.join = 0;
            ts.gap = true;
            i++;
            continue;
        }
        n = read_cp(s, len, i, &cp);
        c = classify(cp);
        switch (c.cls) {
        case CC_LETTER:
        case CC_DIGIT:
            if ((st = read_alnum(&ts, i, &i)))
                return st;
            continue;
        case CC_NL:
            ts.line++;
            ts.line_start = true;
            ts.sent_pending = true;
            ts.join = 0;
            ts.gap = true;
            break;
        case CC_BLANK:
        case CC_MARK:
            ts.join = 0;
            ts.gap = true;
            break;
        case CC_APOS:
        case CC_HYPHEN: {
            /* between two alphanumerics (no blank) it joins them */
            const st_tok *prev = p->ntok ? &p->tok[p->ntok - 1] : NULL;
            bool after = prev && !ts.gap && !ts.join && prev->off + prev->len == i;
            bool before = false;
            if (i + n < len) {
                uint32_t nx;
                struct cinfo nc;
                read_cp(s, len, i + n, &nx);
                nc = classify(nx);
                before = nc.cls == CC_LETTER || (c.cls == CC_HYPHEN && nc.cls == CC_DIGIT);
            }
            if (after && before && prev->type != ST_PUNCT && prev->type != ST_SYM) {
                ts.join = c.cls == CC_HYPHEN ? ST_HYPHEN : ST_APOS;
                break;
            }
        }
            /* fall through - a quote or a dash */
        default: {
            st_tok t;
            memset(&t, 0, sizeof(t));
            t.off = (uint32_t)i;
            t.len = (uint32_t)n;
            t.type = c.cls == CC_SYM ? ST_SYM : ST_PUNCT;
            t.ch = c.ch;
            if (t.type == ST_PUNCT && t.ch == '.' && p->ntok) {
                const st_tok *prev = &p->tok[p->ntok - 1];
                if (prev->type == ST_WORD && prev->off + prev->len == i &&
                    !(prev->flags & ST_DOTTED) &&
                    ((prev->ncp == 1 && (prev->flags & ST_CAP)) ||
                     is_abbrev(s + prev->off, prev->len)))
                    t.flags |= ST_ABBR;
            }
            if ((st = push(&ts, &t)))
                return st;
            if (t.type == ST_PUNCT && !(t.flags & ST_ABBR) &&
                (t.ch == '.' || t.ch == '!' || t.ch == '?' || t.ch == ':'))
                ts.sent_pending = true;
            ts.gap = c.cls != CC_SYM;
            break;
        }
        }
        i += n;
    }
    return WC_OK;
}

/* --- folding and stemming --------------------------------------------------------- */

size_t st_fold(const char *p, size_t len, enum st_fold_mode mode, char *out, size_t cap,
               size_t *ncp)
{
    utf8proc_option_t opts = mode == ST_FOLD_PLAIN
                                 ? UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                       UTF8PROC_STRIPMARK | UTF8PROC_IGNORE
                                 : UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
    size_t i = 0, o = 0, cps = 0;

    while (i < len) {
        uint32_t cp;
        size_t n = read_cp(p, len, i, &cp);
        i += n;
        if (cp == '\'' || cp == '.' || cp == 0x2019 || cp == 0x02BC || cp == '`')
            continue;
        if (cp < 0x80) {
            if (o + 1 > cap)
                return SIZE_MAX;
            out[o++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
            cps++;
        } else {
            utf8proc_int32_t buf[16];
            int bc = 0;
            utf8proc_ssize_t k, m;
            m = utf8proc_decompose_char((utf8proc_int32_t)cp, buf, (utf8proc_ssize_t)16, opts, &bc);
            if (m < 0 || m > 16)
                continue;
            for (k = 0; k < m; k++) {
                if (o + 4 > cap)
                    return SIZE_MAX;
                o += wc_utf8_encode((uint32_t)buf[k], out + o);
                cps++;
            }
        }
    }
    if (ncp)
        *ncp = cps;
    return o;
}

bool st_is_stopword(const wc_story_profiler *p, const char *w, size_t len)
{
    return p->stop_lang != WC_LANG_NONE && wc_is_stopword(p->stop_lang, w, len);
}

size_t st_stem(wc_story_profiler *p, char *w, size_t len, char *out, size_t cap)
{
    const sb_symbol *r;
    size_t n;
    int rl;

    if (p->english)
        len = wc_text_canon_word(w, len);
    if (!len || len > (size_t)ST_MAX_WORD * 4)
        return 0;
    r = sb_stemmer_stem(p->sb, (const sb_symbol *)w, (int)len);
    if (!r)
        return SIZE_MAX;
    rl = sb_stemmer_length(p->sb);
    if (rl <= 0)
        return 0;
    n = st_fold((const char *)r, (size_t)rl, ST_FOLD_PLAIN, out, cap, NULL);
    return n == SIZE_MAX ? 0 : n;
}

/* --- the word cache ---------------------------------------------------------------- */

/*
 * Most of a profile's time went into folding and stemming words one at a
 * time, though a text repeats its words and texts share most of theirs.
 * So what the bytes of a word give (its case folding's length and
 * whether it is a stopword; its term, stemmed; its key in the entity
 * pass's lower-case set) is kept in a table of the profiler, keyed by the
 * bytes and the language: the language code decides the stopword list,
 * the stemmer and the English spelling fold, so the same bytes in
 * another language are another slot. Open addressing; when half the
 * slots or the pool are taken, the whole table is emptied (no eviction
 * order to keep: a new text refills it with what it uses). It changes no
 * output: every field is what the code it stands for computes.
 */

static void wcache_empty(wc_story_profiler *p)
{
    memset(p->wc_index, 0, ST_WCACHE_SLOTS * sizeof(*p->wc_index));
    p->wc_used = 0;
    p->wc_pool_len = 0;
    p->wc_tok_ok = false;
}

uint64_t st_word_hash(const wc_story_profiler *p, const char *s, size_t len)
{
    uint64_t h = XXH3_64bits_withSeed(s, len, p->wc_lang);

    return h + !h; /* 0 marks a free slot */
}

/* An index entry: the word's entry + 1 in the low bits, the top bits of its hash above. */
#define WC_TAG(h) ((uint32_t)((h) >> 48) << 16)
#define WC_ENTRY(e) ((e)&0xFFFFu)

struct st_cword *st_word_info(wc_story_profiler *p, const char *s, size_t len, uint64_t h,
                              bool *nomem)
{
    char w[ST_MAX_WORD * 4];
    struct st_cword *cw;
    size_t i, n, ncp;
    uint32_t e;

    *nomem = false;
    if (len > ST_WCACHE_MAX_WORD)
        return NULL;
    if (!p->wc_index) {
        p->wc_index = calloc(ST_WCACHE_SLOTS, sizeof(*p->wc_index));
        p->wc_slot = malloc(ST_WCACHE_WORDS * sizeof(*p->wc_slot));
        p->wc_pool = malloc(ST_WCACHE_POOL);
        if (!p->wc_index || !p->wc_slot || !p->wc_pool) {
            free(p->wc_index);
            free(p->wc_slot);
            free(p->wc_pool);
            p->wc_index = NULL;
            p->wc_slot = NULL;
            p->wc_pool = NULL;
            *nomem = true;
            return NULL;
        }
    }
    for (i = h & (ST_WCACHE_SLOTS - 1); (e = p->wc_index[i]); i = (i + 1) & (ST_WCACHE_SLOTS - 1)) {
        if ((e & 0xFFFF0000u) != WC_TAG(h))
            continue;
        cw = &p->wc_slot[WC_ENTRY(e) - 1];
        if (cw->hash == h && cw->raw_len == len && cw->lang == p->wc_lang &&
            !memcmp(p->wc_pool + cw->raw, s, len))
            return cw;
    }
    /* a new word: room for its bytes and its term, or start again */
    if (p->wc_used >= ST_WCACHE_WORDS || p->wc_pool_len + len + ST_MAX_WORD * 4 > ST_WCACHE_POOL) {
        wcache_empty(p);
        for (i = h & (ST_WCACHE_SLOTS - 1); p->wc_index[i]; i = (i + 1) & (ST_WCACHE_SLOTS - 1))
            ;
    }
    cw = &p->wc_slot[p->wc_used++];
    p->wc_index[i] = WC_TAG(h) | (uint32_t)p->wc_used;
    memset(cw, 0, sizeof(*cw));
    memcpy(p->wc_pool + p->wc_pool_len, s, len);
    cw->hash = h;
    cw->raw = (uint32_t)p->wc_pool_len;
    cw->raw_len = (uint16_t)len;
    cw->lang = p->wc_lang;
    p->wc_pool_len += len;
    n = st_fold(s, len, ST_FOLD_CASE, w, sizeof(w), &ncp);
    if (n != SIZE_MAX) {
        cw->flags = ST_CW_FOLDED;
        cw->ncp = (uint16_t)WC_MIN(ncp, UINT16_MAX);
        if (st_is_stopword(p, w, n))
            cw->flags |= ST_CW_STOP;
    }
    return cw;
}

struct st_cword *st_tok_word(wc_story_profiler *p, const char *s, size_t i, bool *nomem)
{
    st_tok *t = &p->tok[i];
    struct st_cword *cw;

    *nomem = false;
    if (t->cword && p->wc_tok_ok)
        return &p->wc_slot[t->cword - 1];
    if (t->len > ST_WCACHE_MAX_WORD)
        return NULL;
    if (!t->whash)
        t->whash = st_word_hash(p, s + t->off, t->len);
    cw = st_word_info(p, s + t->off, t->len, t->whash, nomem);
    if (cw) {
        t->cword = (uint32_t)(cw - p->wc_slot) + 1;
        /* what the bytes of the word say, true however the cache changes after */
        t->wflags = (uint16_t)(ST_CW_KNOWN | (cw->flags & (ST_CW_FOLDED | ST_CW_STOP)));
    }
    return cw;
}

size_t st_word_term(wc_story_profiler *p, struct st_cword *cw, const char **term, uint64_t *body)
{
    char w[ST_MAX_WORD * 4], *out = p->wc_pool + p->wc_pool_len;
    bool keep = p->wc_pool_len + ST_MAX_WORD * 4 <= ST_WCACHE_POOL;
    size_t n, tl;

    assert(cw->flags & ST_CW_FOLDED);
    if (cw->flags & ST_CW_STEMMED) {
        *term = p->wc_pool + cw->term;
        *body = cw->body;
        return cw->term_len;
    }
    if (!keep)
        out = p->wc_spare; /* the pool is full: stemmed for this time only */
    n = st_fold(p->wc_pool + cw->raw, cw->raw_len, ST_FOLD_CASE, w, sizeof(w), NULL);
    tl = st_stem(p, w, n, out, ST_MAX_WORD * 4);
    if (tl == SIZE_MAX)
        return SIZE_MAX;
    *term = out;
    *body = tl ? wc_story_term(WC_STORY_TAG_BODY, out, tl) : 0;
    if (keep) {
        cw->term = (uint32_t)p->wc_pool_len;
        cw->term_len = (uint16_t)tl;
        cw->body = *body;
        cw->flags |= ST_CW_STEMMED;
        p->wc_pool_len += tl;
    }
    return tl;
}

/*
 * Ask for the entry of word token k, when the first index slot its hash
 * lands on is its own (most often so, the index being at most half
 * full). push() asked for the index slot; by now it is in the cache. One
 * pass asks for every word's entry before the lookups begin, so that
 * their loads overlap instead of each lookup waiting on its own.
 */
static inline void prefetch_word(const wc_story_profiler *p, size_t k)
{
    const st_tok *t = &p->tok[k];
    uint32_t e;

    if (t->type != ST_WORD || !t->whash || !p->wc_index)
        return;
    e = p->wc_index[t->whash & (ST_WCACHE_SLOTS - 1)];
    if (e && (e & 0xFFFF0000u) == WC_TAG(t->whash))
        __builtin_prefetch(&p->wc_slot[WC_ENTRY(e) - 1]);
}

wc_status st_words(wc_story_profiler *p, const char *s, enum wc_story_tag tag, unsigned mincp)
{
    const char *term;
    uint64_t body;
    size_t i, tl;
    bool nomem;
    wc_status st;

    for (i = 0; i < p->ntok; i++)
        prefetch_word(p, i);
    for (i = 0; i < p->ntok; i++) {
        const st_tok *t = &p->tok[i];
        struct st_cword *cw;
        if (t->type != ST_WORD || (t->flags & ST_DOTTED) || t->ncp < mincp || t->len > ST_MAX_WORD)
            continue;
        if (!(cw = st_tok_word(p, s, i, &nomem)))
            return WC_ERR_NOMEM; /* a word of ST_MAX_WORD bytes fits the cache */
        if (!(cw->flags & ST_CW_FOLDED) || cw->ncp < mincp || (cw->flags & ST_CW_STOP))
            continue;
        tl = st_word_term(p, cw, &term, &body);
        if (tl == SIZE_MAX)
            return WC_ERR_NOMEM;
        if (!tl)
            continue;
        st = tag == WC_STORY_TAG_BODY ? st_emit_hashed(p, tag, term, tl, body, (uint32_t)i)
                                      : st_emit(p, tag, term, tl, (uint32_t)i);
        if (st)
            return st;
    }
    return WC_OK;
}
