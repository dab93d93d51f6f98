/*
 * story_profile.h - what a text says about the event it reports: the
 * sparse term vectors and the date that story clustering compares.
 *
 * Copies of one text are found by shingles (fingerprint.h). Different
 * write-ups of one event share few sentences but many names, numbers and
 * subject words, so a story is recognised by those. A profile holds one
 * sparse vector per feature kind:
 *
 *   BODY     stemmed words of the whole text (3+ letters, stopwords out)
 *   TITLE    stemmed words of the title (2+ letters, stopwords out)
 *   ENTITY   named-entity proxies: capitalised phrases kept whole ("no
 *            azure for apartheid"), their head word, acronyms ("ice")
 *   NUMBER   numbers with their units ("$18", "1.4 petabyt", "26 pirat",
 *            "5%") and bare numbers
 *   YEAR     years mentioned (1950-2039)
 *
 * and a date: the published time when known, else the first full date in
 * the first three lines of the text (a dateline). Dates and times are cut
 * out of the text before the words, titles and numbers are read: a
 * dateline in a title would otherwise tie together unrelated stories of
 * one day.
 *
 * A term is a 64-bit hash (wc_story_term) of its normalised text with its
 * tag mixed in, so vectors of different kinds never share a term. A
 * weight is 1 + ln(tf). Terms are sorted ascending and distinct, so two
 * vectors meet in one merge pass; idf weights are the caller's (the
 * document frequencies live with the store), passed in as a callback.
 * Every input is capped (bytes read, terms kept per kind), so a 16 MiB
 * text costs a bounded amount of memory and time.
 */
#ifndef WIRECOPY_STORY_PROFILE_H
#define WIRECOPY_STORY_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/buf.h"
#include "wirecopy/error.h"

/* The feature kinds: one vector each. */
enum wc_story_kind {
    WC_STORY_BODY = 0,
    WC_STORY_TITLE,
    WC_STORY_ENTITY,
    WC_STORY_NUMBER,
    WC_STORY_YEAR,
    WC_STORY_KINDS
};

/* What a term's text is; the tag is mixed into its hash (wc_story_term). */
enum wc_story_tag {
    WC_STORY_TAG_BODY = 1, /* a body word's stem: "pirat" */
    WC_STORY_TAG_TITLE,    /* a title word's stem */
    WC_STORY_TAG_ENTITY,   /* a whole capitalised phrase or an acronym: "us immigration ..." */
    WC_STORY_TAG_HEAD,     /* the last word of a multi-word phrase: "enforcement" */
    WC_STORY_TAG_NUMBER,   /* "$18", "2500000 peopl", "5%", "23" */
    WC_STORY_TAG_YEAR,     /* "2013" */
    WC_STORY_TAG_COUNT
};

/* The kind of vector a tag's terms go to (HEAD terms are ENTITY terms). */
enum wc_story_kind wc_story_tag_kind(enum wc_story_tag tag);

/*
 * Caps. Bytes past WC_STORY_MAX_TEXT (or WC_STORY_MAX_TITLE) are not
 * read: a long article says what it is about well before 256 KiB (the
 * longest news texts are ~60 KiB). A kind with more distinct terms than
 * its cap keeps the most frequent, the earliest first among equals.
 * Either cut sets a flag in the profile; neither is an error.
 */
#define WC_STORY_MAX_TEXT ((size_t)256 << 10) /* bytes of text read */
#define WC_STORY_MAX_TITLE ((size_t)2 << 10)  /* bytes of title read (extract keeps 2 KiB) */
#define WC_STORY_MAX_BODY_TERMS 2048  /* a 10,000-word article has ~2,500 stems; most matter */
#define WC_STORY_MAX_TITLE_TERMS 64   /* a headline has ~10 words */
#define WC_STORY_MAX_ENTITY_TERMS 512 /* names, their heads and acronyms */
#define WC_STORY_MAX_NUMBER_TERMS 256
#define WC_STORY_MAX_YEAR_TERMS 32

/* The cap of one kind (the WC_STORY_MAX_*_TERMS above). */
uint32_t wc_story_kind_cap(enum wc_story_kind kind);

/* A sparse vector: n distinct terms, ascending, each with its weight (> 0). */
typedef struct wc_story_vec {
    const uint64_t *term;
    const float *weight;
    uint32_t n;
} wc_story_vec;

/* Where a profile's date comes from. */
enum wc_story_date_source {
    WC_STORY_DATE_NONE = 0,  /* no date known: date is INT64_MIN */
    WC_STORY_DATE_PUBLISHED, /* the published time given by the caller */
    WC_STORY_DATE_DATELINE   /* a date written in the first lines, at 12:00 UTC of its day */
};

/* wc_story_profile.flags bits. */
enum wc_story_profile_flags {
    WC_STORY_CUT_TEXT = (1 << 0),    /* the text or title was longer than its cap */
    WC_STORY_CUT_TERMS = (1 << 1),   /* some kind had more distinct terms than its cap */
    WC_STORY_LANG_GUESSED = (1 << 2) /* no usable language was given: lang was guessed */
};

#define WC_STORY_LANG_MAX 8 /* bytes of lang, NUL included */

/*
 * One text's profile. The vectors point into arrays owned by the struct:
 * initialise it once, fill it with wc_story_profile_make() or
 * wc_story_profile_unpack() (each reuses the arrays), release it at the end.
 */
typedef struct wc_story_profile {
    int64_t date;                       /* seconds since the epoch, UTC, or INT64_MIN */
    uint8_t date_source;                /* enum wc_story_date_source */
    uint8_t flags;                      /* enum wc_story_profile_flags */
    char lang[WC_STORY_LANG_MAX];       /* language stemmed as: "en", "de" ... */
    wc_story_vec vec[WC_STORY_KINDS];   /* indexed by enum wc_story_kind */
    const uint32_t *tf[WC_STORY_KINDS]; /* the term frequency behind each weight */
    /* storage, private */
    uint64_t *terms_;
    uint32_t *tfs_;
    float *weights_;
    size_t cap_;
} wc_story_profile;

void wc_story_profile_init(wc_story_profile *pr);
/* Free the arrays and re-initialise. NULL is a no-op. */
void wc_story_profile_release(wc_story_profile *pr);

/* The text to profile. Strings are UTF-8 (ill-formed bytes separate words). */
typedef struct wc_story_input {
    const char *title; /* the headline, or NULL */
    size_t title_len;
    const char *text; /* the body: paragraphs joined by "\n\n", lines by "\n" */
    size_t text_len;
    const char *lang;     /* language tag ("en", "de-AT") or NULL: guessed, else English */
    int64_t published_at; /* seconds since the epoch, or INT64_MIN when unknown */
} wc_story_input;

/* Diagnostics: each term's text as it is made (tests, `show` output, fitting scripts). */
typedef void (*wc_story_term_fn)(void *ctx, enum wc_story_tag tag, const char *term, size_t len);

typedef struct wc_story_opts {
    wc_story_term_fn on_term; /* called for every term occurrence, or NULL */
    void *term_ctx;
} wc_story_opts;

/*
 * The profiling state of one thread: Snowball stemmers (one per language
 * met, made on first use; a stemmer is not thread-safe) and buffers
 * reused from text to text. Not thread-safe: one per worker thread.
 * opts may be NULL. WC_ERR_NOMEM.
 */
typedef struct wc_story_profiler wc_story_profiler;

wc_status wc_story_profiler_new(const wc_story_opts *opts, wc_story_profiler **out, wc_error *err);
void wc_story_profiler_free(wc_story_profiler *p);

/*
 * Profile one text into *out (initialised; what it held is replaced).
 * A title not already the first line of the text is read as the text's
 * first line too, so a page whose body leaves out its headline and a feed
 * item whose text begins with it profile alike. Only WC_ERR_NOMEM fails:
 * an empty or wordless text gives empty vectors.
 */
wc_status wc_story_profile_make(wc_story_profiler *p, const wc_story_input *in,
                                wc_story_profile *out, wc_error *err);

/* The term of tag for the normalised text term[0..len) (xxh3-64, tag mixed in). */
uint64_t wc_story_term(enum wc_story_tag tag, const char *term, size_t len);

/* Is term one of v's? (binary search) */
bool wc_story_vec_has(const wc_story_vec *v, uint64_t term);

/*
 * Append the compact form of pr to out: versioned, little-endian, with a
 * checksum; 8 bytes per term plus about one byte of frequency, ~2 KB for a
 * 400-word article. WC_ERR_NOMEM or the buffer's WC_ERR_LIMIT.
 */
wc_status wc_story_profile_pack(const wc_story_profile *pr, wc_buf *out);

/*
 * Read a blob written by wc_story_profile_pack() into *out (initialised).
 * WC_ERR_CORRUPT when it is truncated, damaged, of an unknown version or
 * breaks a promise of the format (terms out of order, a count past its
 * cap); *out is then empty. Never reads outside blob[0..len).
 */
wc_status wc_story_profile_unpack(const void *blob, size_t len, wc_story_profile *out,
                                  wc_error *err);

/*
 * Term weights for similarity: idf(ctx, term) >= 0 scales a term on both
 * sides (a cosine of TF-IDF vectors). NULL means 1 for every term.
 */
typedef double (*wc_story_idf_fn)(void *ctx, uint64_t term);

/* sqrt(sum (w * idf)^2): the length of v under idf, for callers that keep it. */
double wc_story_vec_norm(const wc_story_vec *v, wc_story_idf_fn idf, void *ctx);
/* sum over shared terms of wa * wb * idf^2. */
double wc_story_vec_dot(const wc_story_vec *a, const wc_story_vec *b, wc_story_idf_fn idf,
                        void *ctx);
/*
 * The cosine of a and b under idf, in [0, 1]; 0 when either has no
 * weight. Thread-safe (as long as idf is).
 */
double wc_story_cosine(const wc_story_vec *a, const wc_story_vec *b, wc_story_idf_fn idf,
                       void *ctx);

#endif
