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

#include "wirecopy/buf.h"
#include "wirecopy/error.h"

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
/* Trim ASCII whitespace off both ends of [*p, *p+*len). */
void wc_mem_trim(const char **p, size_t *len);
/* Parse a non-negative decimal integer from p[0..len) (all of it); false on junk/overflow. */
bool wc_parse_u64(const char *p, size_t len, uint64_t *out);

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
/* Monotonic clock in seconds, for rates and timeouts. */
double wc_time_mono(void);

/*
 * pthread_create with every signal blocked in the new thread, so that the
 * program's signals (Ctrl-C) reach its own threads, where a blocked read
 * can see them. Returns pthread_create's result.
 */
int wc_thread_create(pthread_t *t, void *(*fn)(void *), void *arg);

#include "banned.h"

#endif
