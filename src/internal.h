/*
 * internal.h - private helpers shared by the library's modules.
 *
 * Never installed and never included from include/. Every .c file of the
 * library includes it after its own public header and the system headers,
 * which also pulls in banned.h.
 */
#ifndef WC_INTERNAL_H
#define WC_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h> /* qsort */

#include "wirecopy/buf.h"
#include "wirecopy/error.h"
#include "wirecopy/wirecopy.h" /* wc_time_mono */

#define WC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define WC_MIN(a, b) ((a) < (b) ? (a) : (b))
#define WC_MAX(a, b) ((a) > (b) ? (a) : (b))
#define WC_UNUSED(x) ((void)(x))

/* --- strings (util.c) ------------------------------------------------- */

/* strerror_r that always gives text (GNU/XSI differences hidden). */
void wc_strerror_r(int errnum, char *out, size_t outlen);
/* malloc'd copy of p[0..len) plus NUL; NULL on OOM. */
char *wc_strndup(const char *p, size_t len);
/* malloc'd copy of s, NULL stays NULL (and OOM gives NULL). */
char *wc_strdup(const char *s);
/* ASCII case-insensitive compare of a and b[0..blen) against NUL-terminated lit. */
bool wc_mem_ieq(const char *p, size_t len, const char *lit);
/* ASCII case-insensitive prefix test: does p[0..len) start with lit? */
bool wc_mem_istarts(const char *p, size_t len, const char *lit);
/* ASCII case-insensitive search for lit in p[0..len); NULL when absent. */
const char *wc_mem_istr(const char *p, size_t len, const char *lit);
/* Is the NUL-terminated s one of list[0..n)? */
bool wc_str_in(const char *s, const char *const *list, size_t n);
/* Trim ASCII whitespace off both ends of [*p, *p+*len). */
void wc_mem_trim(const char **p, size_t *len);
/* Parse a non-negative decimal integer from p[0..len) (all of it); false on junk/overflow. */
bool wc_parse_u64(const char *p, size_t len, uint64_t *out);

/* ASCII classes, one definition each (no locale: bytes of UTF-8 text are never letters here). */
static inline char wc_ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}
static inline bool wc_ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
/* HTML's whitespace (space, tab, CR, LF, form feed). */
static inline bool wc_html_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}
/* XML's whitespace (the S production: space, tab, CR, LF), also HTTP's with folded lines. */
static inline bool wc_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* --- UTF-8 (utf8.c) ---------------------------------------------------- */

/* True when p[0..len) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
bool wc_utf8_valid(const char *p, size_t len);
/*
 * Append p[0..len) to out, replacing each ill-formed sequence with U+FFFD
 * (the "maximal subpart" rule of Unicode 3.9) and NUL bytes with nothing.
 * *replaced (if not NULL) is increased by the number of replacements.
 */
wc_status wc_utf8_sanitize(wc_buf *out, const char *p, size_t len, size_t *replaced);
/* Decode one code point at p (len > 0); returns its length, or 0 if ill-formed. */
size_t wc_utf8_decode(const char *p, size_t len, uint32_t *cp);
/* Encode cp into out (4 bytes room); returns length (invalid cp gives U+FFFD). */
size_t wc_utf8_encode(uint32_t cp, char *out);
/*
 * Binary junk rather than text? True when more than 1 byte in 100 of
 * p[0..len) is a control byte (NUL included; tab, line ends, form feed and
 * ESC, which ISO-2022-JP uses, are text). A UTF-16 byte order mark makes
 * it text. Random bytes are 10% control bytes, real pages almost none:
 * one rule for the dump reader and the extractor.
 */
bool wc_looks_binary(const char *p, size_t len);

/* --- UTF-8 repair and windows-1252 (utf8.c) --------------------------- */

/*
 * The one repair policy for text from every source (utf8.c's file-top
 * comment says why): well-formed UTF-8 kept; a byte that begins no
 * well-formed sequence read as windows-1252; C1 controls U+0080-U+009F
 * read as the windows-1252 character of their byte; unassigned
 * windows-1252 bytes become U+FFFD; NUL, other C0 controls but tab, LF,
 * CR, and DEL dropped. wc_utf8_sanitize() above is this same repair under
 * its old name (its comment predates the policy).
 */
#define WC_UTF8_KEEP_CONTROLS 1u /* leave controls but NUL (C1 ones too) for the caller */
/* Append p[0..len) repaired to out; *fixed (may be NULL) += bytes and characters mended. */
wc_status wc_utf8_repair(wc_buf *out, const char *p, size_t len, unsigned flags, size_t *fixed);
/* True when wc_utf8_repair(.., 0, ..) would return p[0..len) unchanged. Fast on ASCII. */
bool wc_utf8_clean(const char *p, size_t len);
/* Code point of windows-1252 byte c; 0 for the five unassigned bytes. */
uint32_t wc_cp1252_decode(unsigned char c);
/* windows-1252 byte of cp (C1 controls have none), or -1. */
int wc_cp1252_encode(uint32_t cp);

/* --- valid JSON that jansson refuses (json.c) ---------------------------- */

/*
 * A number wc_json_mend rewrote: key[0..key_len) is the member name it is
 * the value of, as written between its quotes (NULL for an array
 * element), depth the containers around it (1: a member of the top-level
 * object), num[0..num_len) its text.
 */
typedef void (*wc_json_mend_fn)(void *ctx, const char *key, size_t key_len, unsigned depth,
                                const char *num, size_t num_len);
/* Is a jansson json_error_code() one wc_json_mend cures (a number out of range, NUL in a key)? */
bool wc_json_mendable(int code);
/*
 * Append p[0..len) to out with what jansson refuses of valid JSON mended:
 * a number beyond int64 (integer) or double (real) becomes a string of its
 * text, told to fn (may be NULL); "\u0000" in a key becomes "\uFFFD". The
 * text grows by 2 bytes per number at most. *n (may be NULL) += mended.
 */
wc_status wc_json_mend(wc_buf *out, const char *p, size_t len, wc_json_mend_fn fn, void *ctx,
                       size_t *n);

/* --- sorting ------------------------------------------------------------ */

/*
 * qsort for arrays that may be empty: C leaves qsort(NULL, 0, ..) undefined
 * (glibc declares the base nonnull), and an empty array's base is often NULL.
 * Every sort in the tree goes through this.
 */
static inline void wc_qsort(void *base, size_t n, size_t size,
                            int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

/* --- hashing ------------------------------------------------------------ */

/*
 * MurmurHash3's 64-bit finaliser: every input bit moves every output bit.
 * For hash tables keyed by values that are already hashes or ids, and for
 * mixing a few words into one (shingles); byte strings go to xxhash.
 */
static inline uint64_t wc_mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* --- HTML text (html.c) ------------------------------------------------ */

/* Named HTML/XML entity (no '&' or ';') to a code point; false when unknown. */
bool wc_html_entity(const char *name, size_t len, uint32_t *cp);
/*
 * The digits of a numeric character reference at p[0] == '&', p[1] == '#'
 * ("&#8217", "&#x2019"): *value gets their value and the result is the
 * index just past them (p[k] is ';' in a well-formed one); 0 when there
 * are no digits. What the value means (XML's or HTML's rules) is the
 * caller's.
 */
size_t wc_html_numref(const char *p, size_t len, uint64_t *value);
/* Append p[0..len) with its character references decoded (see html.c for the rules). */
wc_status wc_html_decode(wc_buf *out, const char *p, size_t len);
/* Append plain text escaped for HTML: & < > always, " and ' as flags ask (attribute values). */
#define WC_HTML_ESC_QUOT 1u /* '"' as &quot; */
#define WC_HTML_ESC_APOS 2u /* '\'' as &#39; */
wc_status wc_html_escape(wc_buf *out, const char *p, size_t len, unsigned flags);
/* Append the visible text of an HTML fragment, entities decoded, blanks collapsed. */
wc_status wc_html_to_text(wc_buf *out, const char *p, size_t len);
/* Collapse runs of blanks (no-break space included) to one space and trim, in place. */
void wc_text_squeeze(wc_buf *b);
/* Is this (lower-case) element dropped with its content from text (script, style, ...)? */
bool wc_html_is_dropped(const char *name);

/* One token of an HTML fragment (wc_html_token). */
enum wc_htok_kind { WC_HT_TEXT, WC_HT_START, WC_HT_END, WC_HT_CDATA, WC_HT_SKIP };
struct wc_htok {
    enum wc_htok_kind kind;
    const char *p; /* text: the bytes; tags: the attribute region */
    size_t len;
    char name[24]; /* tags: lower-cased name (truncated names never match a list) */
    bool self_close;
};
/* The next token of p[0..len) from *i (advanced); false at the end. */
bool wc_html_token(const char *p, size_t len, size_t *i, struct wc_htok *t);
/* One attribute of a tag's attribute region (t.p, t.len) from *i; false when none is left. */
struct wc_hattr {
    char name[24]; /* lower case */
    const char *v; /* raw value (entities not decoded), NULL when it has none */
    size_t vlen;
};
bool wc_html_attr(const char *p, size_t len, size_t *i, struct wc_hattr *a);

/* --- words and languages: stopwords.h -------------------------------- */

#include "stopwords.h"

/* --- time (timeutil.c) ------------------------------------------------- */

/* "No time known": stored times are seconds since the Unix epoch, UTC. */
#define WC_TIME_NONE INT64_MIN

/* Seconds since the epoch of a UTC civil date-time; no range checks beyond sanity. */
int64_t wc_time_from_civil(int year, int month, int day, int hour, int min, int sec);
/* Civil date-time of t (UTC). */
void wc_time_to_civil(int64_t t, int *year, int *month, int *day, int *hour, int *min, int *sec);
/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into out (>= 21 bytes); "" for WC_TIME_NONE. */
void wc_time_format(int64_t t, char *out, size_t outlen);
/* Current time, seconds since the epoch. */
int64_t wc_time_now(void);

/*
 * pthread_create with every signal blocked in the new thread, so that the
 * program's signals (Ctrl-C) reach its own threads, where a blocked read
 * can see them. Returns pthread_create's result.
 */
int wc_thread_create(pthread_t *t, void *(*fn)(void *), void *arg);

#include "banned.h"

#endif
