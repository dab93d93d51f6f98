/*
 * text.c - canonical words of an article's text (see text.h).
 *
 * One pass over the bytes, no copy of the text. ASCII, which is nearly all
 * of an English article, goes through a 128-entry class table; any other
 * code point is folded by utf8proc one character at a time
 * (utf8proc_decompose_char with compatibility decomposition, case folding
 * and mark stripping: NFKD + casefold + strip marks, which gives the same
 * letters as NFKC + casefold once the accents are gone, without needing
 * the composition step) into a small stack buffer, so there is no
 * per-text allocation either.
 *
 * Word rules, in the order a reader would not notice them:
 *   - letters and digits (Unicode categories L and N) make words,
 *     everything else separates them;
 *   - an apostrophe (straight, curly, modifier letter) inside a word is
 *     dropped: "don't" and "don’t" both give "dont";
 *   - a '.' or ',' between two digits belongs to the number: "4.2" stays
 *     one word, "3,500" becomes "3500" (thousands separators come and go
 *     between copies);
 *   - '%' is the word "pct", as are "percent" and "per cent";
 *   - canon_ascii() then folds spelling variants of ASCII words.
 *
 * A line ends at '\n' (and U+2028, U+2029, U+0085); blank lines carry no
 * words and are not lines. Each line remembers whether it ends like a
 * sentence, for callers that tell prose from debris.
 *
 * Words are hashed with xxh3-64 as they are finished. Shingles are never
 * spelled out: wc_text_shingles() mixes k neighbouring word hashes, each
 * rotated by its position, through a 64-bit finaliser (MurmurHash3's
 * fmix64, wc_mix64 here), which is as good as hashing the shingle's text and k times
 * cheaper.
 */
#include "wirecopy/text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "internal.h"

/* The canonical text may grow past the input ("%" -> " pct", NFKC expansions). */
#define NORM_LIMIT (WC_TEXT_MAX_BYTES * 4)

enum char_class {
    C_SEP = 0, /* separates words */
    C_WORD,    /* letter or digit: part of a word (lower-cased) */
    C_APOS,    /* apostrophe: dropped inside a word */
    C_NUMSEP,  /* '.' or ',': inside a number when between digits */
    C_PCT,     /* '%': the word "pct" */
    C_NL       /* end of line */
};

/* Class of each ASCII byte. */
static const unsigned char ascii_class[128] = {
    ['\n'] = C_NL,  ['\''] = C_APOS, ['`'] = C_APOS, ['.'] = C_NUMSEP, [','] = C_NUMSEP,
    ['%'] = C_PCT,  ['0'] = C_WORD,  ['1'] = C_WORD, ['2'] = C_WORD,   ['3'] = C_WORD,
    ['4'] = C_WORD, ['5'] = C_WORD,  ['6'] = C_WORD, ['7'] = C_WORD,   ['8'] = C_WORD,
    ['9'] = C_WORD, ['a'] = C_WORD,  ['b'] = C_WORD, ['c'] = C_WORD,   ['d'] = C_WORD,
    ['e'] = C_WORD, ['f'] = C_WORD,  ['g'] = C_WORD, ['h'] = C_WORD,   ['i'] = C_WORD,
    ['j'] = C_WORD, ['k'] = C_WORD,  ['l'] = C_WORD, ['m'] = C_WORD,   ['n'] = C_WORD,
    ['o'] = C_WORD, ['p'] = C_WORD,  ['q'] = C_WORD, ['r'] = C_WORD,   ['s'] = C_WORD,
    ['t'] = C_WORD, ['u'] = C_WORD,  ['v'] = C_WORD, ['w'] = C_WORD,   ['x'] = C_WORD,
    ['y'] = C_WORD, ['z'] = C_WORD,  ['A'] = C_WORD, ['B'] = C_WORD,   ['C'] = C_WORD,
    ['D'] = C_WORD, ['E'] = C_WORD,  ['F'] = C_WORD, ['G'] = C_WORD,   ['H'] = C_WORD,
    ['I'] = C_WORD, ['J'] = C_WORD,  ['K'] = C_WORD, ['L'] = C_WORD,   ['M'] = C_WORD,
    ['N'] = C_WORD, ['O'] = C_WORD,  ['P'] = C_WORD, ['Q'] = C_WORD,   ['R'] = C_WORD,
    ['S'] = C_WORD, ['T'] = C_WORD,  ['U'] = C_WORD, ['V'] = C_WORD,   ['W'] = C_WORD,
    ['X'] = C_WORD, ['Y'] = C_WORD,  ['Z'] = C_WORD,
};

/* Characters that end a sentence-like line (after any closing quote or bracket). */
static bool ascii_ends_sentence(unsigned char c)
{
    return c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == ')' || c == '"' ||
           c == '\'';
}

/* Tokeniser state for one text. */
struct tokstate {
    wc_tokens *t;
    char word[WC_TEXT_MAX_WORD + 4]; /* the word being read, lower-cased */
    size_t wlen;                     /* bytes in word */
    bool wascii;                     /* word holds only ASCII */
    size_t line_first;               /* index in t->hash of the current line's first word */
    bool line_sentence;              /* last visible character of the line ends a sentence */
    bool blank_before;               /* no words since the last line with words: a new paragraph */
    size_t per_tok;                  /* index of a preceding "per" on this line, or SIZE_MAX */
    size_t per_norm;                 /* norm length before that "per" was written */
};

/* --- canonical word forms ------------------------------------------------ */

static bool word_is(const char *w, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return n == len && memcmp(w, lit, n) == 0;
}

/* Replace each pair "ab" after the first letter by "b" ("ae" -> "e"). */
static size_t squeeze_pair(char *w, size_t len, char a, char b)
{
    size_t i, o = 0;

    for (i = 0; i < len; i++) {
        if (i >= 1 && i + 1 < len && w[i] == a && w[i + 1] == b) {
            w[o++] = b; /* "ae" -> "e" */
            i++;
            continue;
        }
        w[o++] = w[i];
    }
    return o;
}

/* "our" -> "or" after the first letter (colour, honour, favourite, behaviour). */
static size_t our_to_or(char *w, size_t len)
{
    size_t i, o = 0;

    for (i = 0; i < len; i++) {
        if (i >= 1 && i + 2 < len && w[i] == 'o' && w[i + 1] == 'u' && w[i + 2] == 'r') {
            w[o++] = 'o';
            w[o++] = 'r';
            i += 2;
            continue;
        }
        w[o++] = w[i];
    }
    return o;
}

/* A suffix pair folded onto the American form, with lengths. */
struct suffix {
    const char *from, *to;
    unsigned char flen, tlen;
};

#define SUFFIX(f, t)                                                                               \
    {                                                                                              \
        f, t, sizeof(f) - 1, sizeof(t) - 1                                                         \
    }

/* -ise/-ize, -yse/-yze, -tre/-ter, -bre/-ber, -ence/-ense, -ogue/-og,
 * -amme/-am. Longest first; the first that applies wins. */
static const struct suffix suffixes[] = {
    SUFFIX("isations", "izations"), SUFFIX("isation", "ization"), SUFFIX("ising", "izing"),
    SUFFIX("isers", "izers"),       SUFFIX("ised", "ized"),       SUFFIX("ises", "izes"),
    SUFFIX("iser", "izer"),         SUFFIX("ise", "ize"),         SUFFIX("ysing", "yzing"),
    SUFFIX("ysed", "yzed"),         SUFFIX("yses", "yzes"),       SUFFIX("yse", "yze"),
    SUFFIX("tres", "ters"),         SUFFIX("tre", "ter"),         SUFFIX("bres", "bers"),
    SUFFIX("bre", "ber"),           SUFFIX("ences", "enses"),     SUFFIX("ence", "ense"),
    SUFFIX("ogues", "ogs"),         SUFFIX("ogue", "og"),         SUFFIX("ammes", "ams"),
    SUFFIX("amme", "am"),
};

/*
 * Fold one case-folded ASCII word w[0..len) onto its house form in place
 * (text.h lists the variants); returns the new length (<= len).
 */
static size_t canon_ascii(char *w, size_t len)
{
    size_t i, o;
    char last;

    /* Number style: one word for each unit however the outlet writes it. */
    if (len == 7 || len == 4) {
        if (word_is(w, len, "percent")) {
            memcpy(w, "pct", 3);
            return 3;
        }
        if (word_is(w, len, "million")) {
            memcpy(w, "mln", 3);
            return 3;
        }
        if (word_is(w, len, "billion")) {
            memcpy(w, "bln", 3);
            return 3;
        }
        if (word_is(w, len, "dollars") || word_is(w, len, "dlrs")) {
            memcpy(w, "dlrs", 4);
            return 4;
        }
    }
    if (len < 5)
        return len; /* short words: too little to fold, too much to collide */

    len = squeeze_pair(w, len, 'a', 'e'); /* paediatric, encyclopaedia */
    len = our_to_or(w, len);
    last = w[len - 1];
    if (last == 'e' || last == 's' || last == 'n' || last == 'd' || last == 'g' || last == 'r') {
        for (i = 0; i < WC_ARRAY_SIZE(suffixes); i++) {
            const struct suffix *sf = &suffixes[i];
            if (len >= (size_t)sf->flen + 2 && w[len - 1] == sf->from[sf->flen - 1] &&
                memcmp(w + len - sf->flen, sf->from, sf->flen) == 0) {
                memcpy(w + len - sf->flen, sf->to, sf->tlen);
                len = len - sf->flen + sf->tlen;
                break;
            }
        }
    }
    /* Doubled letters: travelled/traveled, fulfil/fulfill, modelling. */
    for (i = 1, o = 1; i < len; i++) {
        if (w[i] == w[o - 1] && w[i] >= 'a' && w[i] <= 'z')
            continue;
        w[o++] = w[i];
    }
    return o;
}

size_t wc_text_canon_word(char *w, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if ((unsigned char)w[i] >= 0x80 || (w[i] >= 'A' && w[i] <= 'Z'))
            return len; /* only lower-case English spelling is folded */
    return len ? canon_ascii(w, len) : 0;
}

/* --- building the token arrays -------------------------------------------- */

static wc_status push_hash(wc_tokens *t, uint64_t h)
{
    if (t->ntok == t->hash_cap) {
        size_t ncap = t->hash_cap ? t->hash_cap * 2 : 512;
        uint64_t *p = realloc(t->hash, ncap * sizeof(*p));
        if (!p)
            return WC_ERR_NOMEM;
        t->hash = p;
        t->hash_cap = ncap;
    }
    t->hash[t->ntok++] = h;
    return WC_OK;
}

static wc_status push_line(wc_tokens *t, uint32_t end, uint8_t flags)
{
    if (t->nlines == t->line_cap) {
        size_t ncap = t->line_cap ? t->line_cap * 2 : 64;
        uint32_t *e = realloc(t->line_end, ncap * sizeof(*e));
        uint8_t *f;
        if (!e)
            return WC_ERR_NOMEM;
        t->line_end = e;
        f = realloc(t->line_flags, ncap);
        if (!f)
            return WC_ERR_NOMEM;
        t->line_flags = f;
        t->line_cap = ncap;
    }
    t->line_end[t->nlines] = end;
    t->line_flags[t->nlines] = flags;
    t->nlines++;
    return WC_OK;
}

/* Emit w[0..len) as the next word of the current line. */
static wc_status emit_word(struct tokstate *s, const char *w, size_t len)
{
    wc_tokens *t = s->t;
    size_t norm_before = t->norm.len;
    wc_status st;

    if (t->ntok > s->line_first)
        st = wc_buf_addch(&t->norm, ' ');
    else if (t->norm.len)
        st = wc_buf_addch(&t->norm, '\n');
    else
        st = WC_OK;
    if (st == WC_OK)
        st = wc_buf_add(&t->norm, w, len);
    if (st == WC_OK)
        st = push_hash(t, XXH3_64bits(w, len));
    if (st != WC_OK)
        return st;
    if (len == 3 && memcmp(w, "per", 3) == 0) {
        s->per_tok = t->ntok - 1;
        s->per_norm = norm_before;
    } else {
        s->per_tok = SIZE_MAX;
    }
    return WC_OK;
}

/* Finish the word being read, if any. */
static wc_status end_word(struct tokstate *s)
{
    wc_tokens *t = s->t;
    size_t len = s->wlen;

    if (!len)
        return WC_OK;
    s->wlen = 0;
    if (s->wascii)
        len = canon_ascii(s->word, len);
    s->wascii = true;
    /* "per cent" is one word, "pct": take back the "per" just written. */
    if (len == 4 && memcmp(s->word, "cent", 4) == 0 && s->per_tok != SIZE_MAX &&
        s->per_tok == t->ntok - 1) {
        t->ntok--;
        wc_buf_setlen(&t->norm, s->per_norm);
        return emit_word(s, "pct", 3);
    }
    return emit_word(s, s->word, len);
}

static wc_status end_line(struct tokstate *s)
{
    wc_tokens *t = s->t;
    wc_status st = end_word(s);

    if (st != WC_OK)
        return st;
    if (t->ntok > s->line_first) {
        if (t->ntok > UINT32_MAX)
            return WC_ERR_LIMIT;
        st = push_line(t, (uint32_t)t->ntok,
                       (uint8_t)((s->line_sentence ? WC_LINE_SENTENCE : 0) |
                                 (s->blank_before ? WC_LINE_PARAGRAPH : 0)));
        if (st != WC_OK)
            return st;
        s->blank_before = false;
    } else {
        s->blank_before = true;
    }
    s->line_first = t->ntok;
    s->line_sentence = false;
    s->per_tok = SIZE_MAX;
    return WC_OK;
}

static void add_word_byte(struct tokstate *s, char c)
{
    if (s->wlen < WC_TEXT_MAX_WORD)
        s->word[s->wlen++] = c;
}

/* Append one non-ASCII letter or digit (already folded) to the word. */
static void add_word_cp(struct tokstate *s, uint32_t cp)
{
    char u[4];
    size_t n = wc_utf8_encode(cp, u);

    if (s->wlen + n <= WC_TEXT_MAX_WORD) {
        memcpy(s->word + s->wlen, u, n);
        s->wlen += n;
    }
    s->wascii = false;
}

static bool is_apostrophe(uint32_t cp)
{
    /* right/left single quote, modifier letter apostrophe, prime, fullwidth apostrophe */
    return cp == 0x2019 || cp == 0x2018 || cp == 0x02BC || cp == 0x2032 || cp == 0xFF07;
}

static bool is_line_break(uint32_t cp)
{
    return cp == 0x2028 || cp == 0x2029 || cp == 0x85;
}

static bool cp_ends_sentence(uint32_t cp)
{
    /* closing double/single quotes, guillemet, ellipsis, ideographic full stop */
    return cp == 0x201D || cp == 0x2019 || cp == 0x00BB || cp == 0x2026 || cp == 0x3002 ||
           cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF0E;
}

/*
 * Handle one ASCII character c; next is the following input byte (or 0),
 * needed to tell a decimal point from a full stop.
 */
static wc_status ascii_char(struct tokstate *s, unsigned char c, unsigned char next)
{
    switch (ascii_class[c]) {
    case C_WORD:
        add_word_byte(s, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
        s->line_sentence = false;
        return WC_OK;
    case C_APOS:
        s->line_sentence = true; /* a closing quote after a full stop */
        return s->wlen ? WC_OK : end_word(s);
    case C_NUMSEP:
        if (s->wlen && s->word[s->wlen - 1] >= '0' && s->word[s->wlen - 1] <= '9' && next >= '0' &&
            next <= '9') {
            if (c == '.')
                add_word_byte(s, '.');
            return WC_OK;
        }
        s->line_sentence = c == '.';
        return end_word(s);
    case C_PCT: {
        wc_status st = end_word(s);
        s->line_sentence = false;
        return st == WC_OK ? emit_word(s, "pct", 3) : st;
    }
    case C_NL:
        return end_line(s);
    default:
        if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v')
            s->line_sentence = ascii_ends_sentence(c);
        return end_word(s);
    }
}

/* Handle one non-ASCII code point. */
static wc_status other_char(struct tokstate *s, uint32_t cp)
{
    utf8proc_int32_t out[16];
    utf8proc_ssize_t n, i;
    int boundclass = 0;
    wc_status st;

    if (is_apostrophe(cp)) {
        s->line_sentence = true;
        return s->wlen ? WC_OK : end_word(s);
    }
    if (is_line_break(cp))
        return end_line(s);
    if (cp_ends_sentence(cp)) {
        st = end_word(s);
        s->line_sentence = true;
        return st;
    }
    n = utf8proc_decompose_char((utf8proc_int32_t)cp, out, (utf8proc_ssize_t)WC_ARRAY_SIZE(out),
                                UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                    UTF8PROC_STRIPMARK | UTF8PROC_IGNORE,
                                &boundclass);
    if (n < 0 || n > (utf8proc_ssize_t)WC_ARRAY_SIZE(out))
        n = 0; /* undecomposable or huge: a separator */
    if (n == 0) {
        /* An ignorable (soft hyphen, zero-width space) or a stripped mark:
         * neither splits a word nor changes the line's ending. */
        return WC_OK;
    }
    for (i = 0; i < n; i++) {
        uint32_t c = (uint32_t)out[i];
        if (c < 0x80) {
            st = ascii_char(s, (unsigned char)c, 0);
            if (st != WC_OK)
                return st;
            continue;
        }
        switch (utf8proc_category((utf8proc_int32_t)c)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_NO:
            add_word_cp(s, c);
            s->line_sentence = false;
            break;
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
            break; /* a mark the decomposition kept: not a separator */
        case UTF8PROC_CATEGORY_ZS:
            st = end_word(s);
            if (st != WC_OK)
                return st;
            break;
        default:
            st = end_word(s);
            if (st != WC_OK)
                return st;
            s->line_sentence = cp_ends_sentence(c);
            break;
        }
    }
    return WC_OK;
}

void wc_tokens_init(wc_tokens *t)
{
    memset(t, 0, sizeof(*t));
    wc_buf_init(&t->norm, NORM_LIMIT);
}

void wc_tokens_release(wc_tokens *t)
{
    if (!t)
        return;
    free(t->hash);
    free(t->line_end);
    free(t->line_flags);
    wc_buf_release(&t->norm);
    wc_tokens_init(t);
}

wc_status wc_text_tokenize(const char *text, size_t len, wc_tokens *t, wc_error *err)
{
    const unsigned char *p = (const unsigned char *)text;
    struct tokstate s;
    wc_status st = WC_OK;
    size_t i = 0;

    t->ntok = 0;
    t->nlines = 0;
    t->replaced = 0;
    wc_buf_reset(&t->norm);
    if (len > WC_TEXT_MAX_BYTES)
        return wc_error_set(err, WC_ERR_LIMIT, "text of %zu bytes is over the %zu-byte limit", len,
                            WC_TEXT_MAX_BYTES);
    memset(&s, 0, sizeof(s));
    s.t = t;
    s.wascii = true;
    s.per_tok = SIZE_MAX;
    s.blank_before = true;

    while (i < len && st == WC_OK) {
        unsigned char c = p[i];
        if (c < 0x80 && ascii_class[c] == C_WORD) {
            /* the common case: a run of ASCII letters and digits */
            do {
                if (s.wlen < WC_TEXT_MAX_WORD)
                    s.word[s.wlen++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
                i++;
            } while (i < len && (c = p[i]) < 0x80 && ascii_class[c] == C_WORD);
            s.line_sentence = false;
            continue;
        }
        if (c < 0x80) {
            st = ascii_char(&s, c, i + 1 < len ? p[i + 1] : 0);
            i++;
        } else {
            uint32_t cp;
            size_t n = wc_utf8_decode(text + i, len - i, &cp);
            if (n == 0) {
                t->replaced++; /* an ill-formed byte is U+FFFD: a separator */
                st = end_word(&s);
                i++;
                continue;
            }
            st = other_char(&s, cp);
            i += n;
        }
    }
    if (st == WC_OK)
        st = end_line(&s);
    if (st != WC_OK) {
        t->ntok = 0;
        t->nlines = 0;
        wc_buf_reset(&t->norm);
        if (st == WC_ERR_NOMEM)
            return wc_error_set(err, st, "out of memory tokenising a %zu-byte text", len);
        return wc_error_set(err, st, "text of %zu bytes has too many words", len);
    }
    return WC_OK;
}

/* --- shingles ---------------------------------------------------------------- */

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
    return r ? (x << r) | (x >> (64 - r)) : x;
}

static inline uint64_t shingle_of(const uint64_t *tok, unsigned k)
{
    uint64_t h = k;
    unsigned j;

    for (j = 0; j < k; j++)
        h ^= rotl64(tok[j], (21 * j) & 63);
    return wc_mix64(h);
}

size_t wc_text_shingles(const uint64_t *tok, size_t n, unsigned k, uint64_t *out)
{
    size_t i;

    if (n == 0 || k == 0)
        return 0;
    if (n < k) {
        out[0] = shingle_of(tok, (unsigned)n);
        return 1;
    }
    for (i = 0; i + k <= n; i++)
        out[i] = shingle_of(tok + i, k);
    return n - k + 1;
}
