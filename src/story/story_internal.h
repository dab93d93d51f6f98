/*
 * story_internal.h - what the story_*.c files share: the profiler's
 * state, the token stream every extractor reads, and the passes.
 *
 * One text goes through the passes in this order (story_profile.c):
 *
 *   title + text --cap--> one buffer --dates: blank dates and times, find
 *   the dateline--> --tokens--> words (BODY) --entity--> ENTITY
 *   --number--> NUMBER, YEAR;   title --dates--> --tokens--> words (TITLE)
 *
 * Each extractor hands its terms to st_emit(); the profile gathers them
 * into sorted vectors at the end. Never installed; only the files of
 * src/story (and their unit tests) include it.
 */
#ifndef WC_STORY_INTERNAL_H
#define WC_STORY_INTERNAL_H

#include "wirecopy/story_profile.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wirecopy/buf.h"
#include "wirecopy/error.h"

struct sb_stemmer;

/* --- caps and constants --------------------------------------------------- */

/* Bytes of one word; longer runs of letters (URLs, junk) make no term. */
#define ST_MAX_WORD 64
/* Bytes of one term's text (a phrase of ST_MAX_PHRASE words, a number and its unit). */
#define ST_MAX_TERM 256
/* Words in one capitalised phrase; a longer run is cut and goes on as a new phrase. */
#define ST_MAX_PHRASE 6
/* Stemmers kept per profiler (one per language met; the least recently used goes). */
#define ST_STEMMERS 8
/* Lines of the text a dateline is looked for in (see story_dates.c for the measure). */
#define ST_DATELINE_LINES 3
/* Bytes of text the language guess reads when no language is given: ~350 words, of which
 * a third or more are stopwords in prose; enough to tell ten languages apart. */
#define ST_GUESS_BYTES ((size_t)2 << 10)
/* Slots of the word cache's index (a power of two). It is emptied when half of them are
 * taken (ST_WCACHE_WORDS words). The 20,000 generated texts of bench_stories spell 52,658
 * distinct words, of which the 8,192 most frequent make 87% of all words. Profiling 3,000
 * of them on one fresh profiler (bench_profile, about a worker's share of an ingest of
 * the 20,000) took 63.7 us a text with 16,384 slots, 58.1 with 32,768 and 56.6 with
 * 65,536: an emptied cache stems its words again. The index is 4 bytes a slot (128 KiB);
 * the entries, 48 bytes a word (768 KiB when full), are kept apart in the order they were
 * made, so that emptying the cache clears the index only. */
#define ST_WCACHE_SLOTS 32768
#define ST_WCACHE_WORDS (ST_WCACHE_SLOTS / 2)
/* Bytes of the words and terms the cache keeps (~16 a word); emptied when full. */
#define ST_WCACHE_POOL ((size_t)512 << 10)
/* Bytes of the longest word the cache takes: a folded word's cap (longer ones are computed). */
#define ST_WCACHE_MAX_WORD (ST_MAX_WORD * 4)

/* an index entry keeps a word's entry + 1 in 16 bits */
_Static_assert(ST_WCACHE_WORDS < 65536, "word cache entries fit 16 bits");

/* --- tokens ------------------------------------------------------------ */

enum st_type {
    ST_WORD = 0, /* letters (and marks): "Police", "U.S." */
    ST_NUM,      /* digits with inner '.' ',' and maybe glued letters: "1,000", "2.5m", "21st" */
    ST_ID,       /* letters then digits: "G20", "A380" */
    ST_SYM,      /* a currency sign or '%' */
    ST_PUNCT     /* anything else that is not a blank */
};

enum st_tok_flags {
    ST_CAP = 1 << 0,    /* first letter upper case (or an inner capital: "iPhone") */
    ST_UPPER = 1 << 1,  /* two or more letters, all upper case: "ICE", "U.S." */
    ST_LINE = 1 << 2,   /* first token of its line */
    ST_SENT = 1 << 3,   /* first word of a sentence */
    ST_GLUED = 1 << 4,  /* nothing between it and the previous token: "$18", "18%" */
    ST_HYPHEN = 1 << 5, /* joined to the previous token by a hyphen: "57-year" */
    ST_APOS = 1 << 6,   /* joined to the previous token by an apostrophe: "O'Brien", "Palin's" */
    ST_DOTTED = 1 << 7, /* an acronym written with dots: "U.S." */
    ST_ABBR = 1 << 8    /* a '.' after an initial or an abbreviation ("W.", "Dr."): not an end */
};

typedef struct st_tok {
    uint32_t off, len; /* bytes in the text */
    uint32_t line;     /* line number (0-based, every '\n' counts) */
    uint16_t flags;    /* enum st_tok_flags */
    uint16_t ncp;      /* code points (letters, for words) */
    uint16_t numlen;   /* ST_NUM: bytes of the number; the rest is a glued suffix */
    uint8_t type;      /* enum st_type */
    uint8_t ch;        /* ST_PUNCT/ST_SYM: the ASCII character, '-' for a dash, '"' for a
                          quote, '.' for an ellipsis, 0 for anything else */
    uint32_t cword;    /* its word cache slot + 1 once looked up, else 0 (st_tok_word) */
    uint16_t wflags;   /* ST_CW_FOLDED and ST_CW_STOP of its word once looked up, with
                          ST_CW_KNOWN: a later pass reads them here, not in the cache */
    uint64_t whash;    /* ST_WORD: its word cache hash (st_word_hash), 0 when too long */
} st_tok;

/* One term occurrence, before the profile gathers them. */
struct st_occ {
    uint64_t term;
    uint32_t pos; /* token index: earlier occurrences win ties at the caps */
    uint8_t kind; /* enum wc_story_kind */
};

/* One distinct term of a kind, while the profile is gathered. */
struct st_agg {
    uint64_t term;
    uint32_t tf, first;
};

/* st_cword.flags bits: which of a cached word's fields are known. */
enum st_cword_flags {
    ST_CW_FOLDED = 1 << 0, /* its case folding fits ST_MAX_WORD * 4 bytes: ncp and stop are known */
    ST_CW_STOP = 1 << 1,   /* its case folding is a stopword */
    ST_CW_STEMMED = 1 << 2, /* term, term_len and body are known */
    ST_CW_KEYED = 1 << 3,   /* lower_key is known (story_entity.c) */
    ST_CW_COUNTED = 1 << 4, /* number is known (story_number.c) */
    ST_CW_MARKED = 1 << 5,  /* the three below are known (story_entity.c) */
    ST_CW_HONOR = 1 << 6,   /* its plain folding is an honorific ("dr", "sen") */
    ST_CW_NONAME = 1 << 7,  /* its plain folding is empty, too long, or a month or weekday */
    ST_CW_THE = 1 << 8,     /* its case folding is "the" */
    ST_CW_KNOWN = 1 << 9    /* st_tok.wflags: the token's word was looked up */
};

/*
 * What the bytes of one word give in one language, worked out once and
 * kept (story_tokens.c). The same few thousand words make most of every
 * text, and folding and stemming them is most of a profile's cost.
 */
struct st_cword {
    uint64_t hash;      /* of the bytes and the language; 0 for a free slot */
    uint64_t body;      /* ST_CW_STEMMED: wc_story_term(WC_STORY_TAG_BODY, term), 0 for none */
    uint64_t lower_key; /* ST_CW_KEYED: the word's key in the lower-case set, 0 for none */
    uint32_t raw;       /* the word's bytes: offset in the pool */
    uint32_t term;      /* ST_CW_STEMMED: the term text (st_stem of the folding): pool offset */
    uint32_t lang;      /* the language code, packed: what folding, stopwords, stems depend on */
    uint16_t raw_len;   /* bytes of the word */
    uint16_t term_len;  /* ST_CW_STEMMED: bytes of the term, 0 when it makes none */
    uint16_t ncp;       /* ST_CW_FOLDED: code points of the case folding */
    uint16_t flags;     /* enum st_cword_flags */
    int8_t number;      /* ST_CW_COUNTED: the English number word's value, or -1 */
};

struct st_stemmer {
    char code[4];          /* language code, "" for a free slot */
    struct sb_stemmer *sb; /* NULL when the slot is free */
    uint64_t used;         /* profiler clock at the last use */
};

struct wc_story_profiler {
    wc_story_opts opts;
    struct st_stemmer stem[ST_STEMMERS];
    uint64_t clock; /* texts profiled, for the least-recently-used stemmer */

    wc_buf text;  /* the body read: [title "\n"] text, dates blanked (cap: text + title) */
    wc_buf title; /* the title, dates blanked (cap: WC_STORY_MAX_TITLE) */
    st_tok *tok;  /* tokens of the buffer being read */
    size_t ntok, tok_cap;
    struct st_occ *occ; /* term occurrences of this text */
    size_t nocc, occ_cap;
    struct st_agg *agg; /* distinct terms of one kind while gathering */
    size_t agg_cap;
    uint64_t *lower;              /* open-addressing set: folded words seen in lower case */
    size_t lower_cap, lower_mask; /* entries allocated; table size - 1 for this text */
    struct st_occ *occ_tmp;       /* the occurrences while they are sorted */
    size_t occ_tmp_cap;
    uint32_t *buckets; /* counts of the occurrence sort */
    size_t buckets_cap;

    /* the word cache (story_tokens.c): open addressing, emptied when full */
    uint32_t *wc_index;       /* ST_WCACHE_SLOTS: hash tag << 16 | entry + 1, 0 when free */
    struct st_cword *wc_slot; /* ST_WCACHE_WORDS entries, in the order they were made */
    char *wc_pool;            /* ST_WCACHE_POOL bytes: words and terms */
    size_t wc_used;           /* entries taken */
    size_t wc_pool_len;       /* pool bytes taken */
    uint32_t wc_lang;         /* p->lang packed, for the slots made now */
    bool wc_tok_ok;           /* the tokens' cword indexes hold: no emptying since st_tokenize */
    char wc_spare[ST_MAX_WORD * 4]; /* a term stemmed when the pool is full */

    /* this text's language */
    int stop_lang;         /* enum wc_lang of the stopword list, or WC_LANG_NONE */
    bool english;          /* fold English spellings (colour/color) before stemming */
    bool decimal_comma;    /* "2,5" is two and a half, "1.000" a thousand */
    bool german_caps;      /* every noun is capitalised: single words are not names */
    struct sb_stemmer *sb; /* the stemmer for this text */
    char lang[WC_STORY_LANG_MAX];
    uint8_t flags; /* wc_story_profile_flags gathered so far */
};

/*
 * Is w[0..len) the word lit? (the first byte first: most words of a text
 * are in no list; a loop, not strncmp, as the words are a few bytes)
 */
static inline bool st_lit_eq(const char *lit, const char *w, size_t len)
{
    size_t i;

    if (!len || lit[0] != w[0])
        return false;
    for (i = 1; i < len; i++)
        if (!lit[i] || lit[i] != w[i])
            return false;
    return !lit[len];
}

/* --- story_profile.c ----------------------------------------------------- */

/* Record one term occurrence (its text is hashed with tag mixed in). */
wc_status st_emit(wc_story_profiler *p, enum wc_story_tag tag, const char *term, size_t len,
                  uint32_t pos);

/* Record one term occurrence whose hash (wc_story_term(tag, term, len)) is known. */
wc_status st_emit_hashed(wc_story_profiler *p, enum wc_story_tag tag, const char *term, size_t len,
                         uint64_t hash, uint32_t pos);

/* Make room for n terms in pr's arrays (what they held may be lost). WC_ERR_NOMEM. */
wc_status st_profile_room(wc_story_profile *pr, size_t n);
/* Point pr's vectors at its arrays, kind k holding n[k] terms, kinds in order. */
void st_profile_layout(wc_story_profile *pr, const uint32_t n[WC_STORY_KINDS]);

/* --- story_dates.c ------------------------------------------------------- */

/*
 * Overwrite every date and time expression of s[0..len) with spaces (line
 * breaks stay where they are). *dateline gets the first full date of
 * 1950-2039 that starts within the first `lines` non-blank lines, at
 * 12:00 UTC of its day, or WC_TIME_NONE. month_first reads "03/04/2013"
 * as March 4 (English), else as April 3. Returns the number of
 * expressions blanked.
 */
size_t st_dates_strip(char *s, size_t len, unsigned lines, bool month_first, int64_t *dateline);

/* --- story_tokens.c ------------------------------------------------------ */

/* Split s[0..len) into p->tok. WC_ERR_NOMEM. */
wc_status st_tokenize(wc_story_profiler *p, const char *s, size_t len);

enum st_fold_mode {
    ST_FOLD_CASE, /* case folding only: what a stemmer and the stopword lists read */
    ST_FOLD_PLAIN /* NFKD + case folding + marks stripped: what terms are made of */
};
/*
 * Fold p[0..len) into out (cap bytes); apostrophes and dots are dropped.
 * Returns the length, or SIZE_MAX when it does not fit. *ncp (if not NULL)
 * gets the code points written.
 */
size_t st_fold(const char *p, size_t len, enum st_fold_mode mode, char *out, size_t cap,
               size_t *ncp);

/* Is the case-folded word w[0..len) a stopword of this text's language? */
bool st_is_stopword(const wc_story_profiler *p, const char *w, size_t len);

/*
 * The term text of a word (case-folded in w[0..len)): English spellings
 * folded, stemmed, marks stripped, into out (cap bytes). Returns the
 * length (0 when it makes no term), SIZE_MAX when out of memory.
 */
size_t st_stem(wc_story_profiler *p, char *w, size_t len, char *out, size_t cap);

/* The word cache's hash of the word s[0..len) in this text's language (never 0). */
uint64_t st_word_hash(const wc_story_profiler *p, const char *s, size_t len);

/*
 * The cache slot of the word s[0..len) in this text's language, made when
 * new (its case folding is then known: ST_CW_FOLDED, ncp, ST_CW_STOP); h
 * is st_word_hash() of it. NULL when the word is longer than
 * ST_WCACHE_MAX_WORD (or out of memory: *nomem). A slot stays valid until
 * the next st_word_info() call, which may empty the cache.
 */
struct st_cword *st_word_info(wc_story_profiler *p, const char *s, size_t len, uint64_t h,
                              bool *nomem);

/*
 * st_word_info() of word token i of p->tok (s its text), looked up once a
 * token while the cache is not emptied.
 */
struct st_cword *st_tok_word(wc_story_profiler *p, const char *s, size_t i, bool *nomem);

/*
 * The term of a cached word: st_stem of its case folding (which must have
 * fit), stemmed once and kept, and its BODY hash (*body, 0 for none).
 * *term is valid until the next st_word_info() or st_word_term() call.
 * Returns its length, 0 when it makes none, SIZE_MAX when out of memory.
 */
size_t st_word_term(wc_story_profiler *p, struct st_cword *cw, const char **term, uint64_t *body);

/* Emit a term of tag for every word of p->tok with at least mincp letters. */
wc_status st_words(wc_story_profiler *p, const char *s, enum wc_story_tag tag, unsigned mincp);

/* --- story_entity.c ------------------------------------------------------ */

/* Emit ENTITY and HEAD terms for the capitalised phrases and acronyms of p->tok. */
wc_status st_entities(wc_story_profiler *p, const char *s);

/* --- story_number.c ------------------------------------------------------ */

/* Emit NUMBER and YEAR terms for the numbers of p->tok. */
wc_status st_numbers(wc_story_profiler *p, const char *s);

/*
 * The canonical decimal text of the number p[0..len) (digits with '.'
 * and ',' between them) times 10^exp10, into out (cap bytes): separators
 * read by decimal_comma, no leading or trailing zeros ("1,000" ->
 * "1000", "2.50" -> "2.5", "2.5" with exp10 6 -> "2500000"). Returns
 * the length, 0 when it is not a number we read (too long, "1.2.3").
 */
size_t st_number_text(const char *p, size_t len, bool decimal_comma, int exp10, char *out,
                      size_t cap);

#endif
