/*
 * text.h - turn article text into the canonical words that fingerprints
 * are made of.
 *
 * Two copies of one story differ in ways a reader does not see: NFD vs
 * NFC accents, a no-break space, curly vs straight quotes, an en dash,
 * "colour" vs "color", "5 per cent" vs "5 pct". The normaliser maps each
 * of them to one form so that the shingles of the copies agree:
 *
 *   - Unicode: NFKC compatibility folding, case folding and removal of
 *     combining marks (utf8proc), default-ignorable characters dropped;
 *   - punctuation: every character that is not a letter or a digit
 *     separates words; an apostrophe inside a word is dropped ("it's" ->
 *     "its"), so straight and curly apostrophes give the same word;
 *   - words: house-spelling and number-style variants are folded onto one
 *     form: British and American spellings ("colour"/"color",
 *     "organise"/"organize", "centre"/"center", "travelled"/"traveled",
 *     "defence"/"defense", "catalogue"/"catalog") and number words
 *     ("percent"/"per cent"/"pct"/"%", "mln"/"million", "bln"/"billion",
 *     "dlrs"/"dollars"). The mapping is a deterministic function of the
 *     word, so both spellings of a pair meet; it is not a dictionary and
 *     may fold unrelated words together, which costs nothing measurable in
 *     shingle similarity. Only lower-case ASCII words of five letters or
 *     more are folded (and the number words);
 *   - lines: the text is split into lines at '\n'; blank lines (paragraph
 *     breaks) are not lines. A line keeps its word count so the
 *     fingerprint can leave out short debris lines (bylines, share bars).
 *
 * Each canonical word is hashed once (xxh3-64); shingles are then made by
 * mixing neighbouring word hashes, so no shingle text is ever built.
 * This module does not decide which lines count or how shingles are
 * sampled: that hashing policy belongs to fingerprint.h.
 */
#ifndef WIRECOPY_TEXT_H
#define WIRECOPY_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "wirecopy/buf.h"
#include "wirecopy/error.h"

/* Caps on one text: longer inputs fail with WC_ERR_LIMIT. */
#define WC_TEXT_MAX_BYTES ((size_t)16 << 20) /* 16 MiB: far above any article */
#define WC_TEXT_MAX_WORD 64                  /* bytes of one canonical word; longer ones are cut */

/* wc_tokens.line_flags bits. */
enum wc_line_flags {
    WC_LINE_SENTENCE = (1 << 0), /* the line ends like a sentence: . ! ? : ; ) or a closing quote */
    WC_LINE_PARAGRAPH = (1 << 1) /* the line opens a paragraph: first, or after a blank line */
};

/*
 * The words of one text, filled by wc_text_tokenize(). Arrays are owned by
 * the struct and reused from call to call (one per worker thread), so a
 * hot loop allocates nothing once the arrays have grown.
 */
typedef struct wc_tokens {
    uint64_t *hash;      /* xxh3-64 of each canonical word, in text order */
    uint32_t *line_end;  /* line i holds words [line_end[i-1], line_end[i]) (line_end[-1] = 0) */
    uint8_t *line_flags; /* per line: WC_LINE_* bits */
    size_t ntok;         /* words in hash[] */
    size_t nlines;       /* non-blank lines in line_end[] */
    size_t replaced;     /* ill-formed UTF-8 sequences replaced while reading */
    wc_buf norm;         /* canonical text: words joined by ' ', lines by '\n' */
    size_t hash_cap;     /* allocated entries of hash[] */
    size_t line_cap;     /* allocated entries of line_end[] */
} wc_tokens;

void wc_tokens_init(wc_tokens *t);
/* Free the arrays and re-initialise. NULL is a no-op. */
void wc_tokens_release(wc_tokens *t);

/*
 * Normalise and split text[0..len) (UTF-8; ill-formed bytes are replaced
 * and counted, never an error) into t, replacing what t held.
 * WC_ERR_LIMIT when len > WC_TEXT_MAX_BYTES, WC_ERR_NOMEM. Thread-safe
 * for distinct t.
 */
wc_status wc_text_tokenize(const char *text, size_t len, wc_tokens *t, wc_error *err);

/*
 * Fold one already case-folded word w[0..len) onto its house form in
 * place, as the tokenizer folds every word (the variants listed above);
 * words with capitals or non-ASCII bytes are left as they are. Returns the
 * new length (<= len). The story profile folds its words with it too, so
 * both levels spell a word alike.
 */
size_t wc_text_canon_word(char *w, size_t len);

/*
 * Write the hashes of the k-word shingles of words tok[0..n) to out
 * (n - k + 1 of them; one shingle of all words when 0 < n < k; none when
 * n == 0) and return how many. A shingle hash mixes the k word hashes
 * with their positions, so "a b c" and "c b a" differ. k is 1..8.
 */
size_t wc_text_shingles(const uint64_t *tok, size_t n, unsigned k, uint64_t *out);

#endif
