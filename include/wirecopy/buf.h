/*
 * buf.h - one growable byte buffer with a hard cap.
 *
 * After WC_BUF_INIT, buf is never NULL and always NUL-terminated (it may
 * hold NULs in the middle), as git's strbuf. An append that would pass
 * `limit` fails with WC_ERR_LIMIT and leaves the buffer unchanged, as
 * curl's dynbuf: every byte that comes from outside goes through a buffer
 * whose limit says how much of it we are willing to hold.
 */
#ifndef WIRECOPY_BUF_H
#define WIRECOPY_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "wirecopy/error.h"

typedef struct wc_buf {
    char *buf;    /* the bytes; wc_buf_empty_ when nothing is allocated yet */
    size_t len;   /* bytes in use, not counting the trailing NUL */
    size_t cap;   /* bytes allocated (0 while buf points at the shared empty string) */
    size_t limit; /* most bytes len may reach; 0 means WC_BUF_DEFAULT_LIMIT */
} wc_buf;

extern char wc_buf_empty_[1];

/* 1 GiB: the default ceiling for a buffer whose owner did not choose one. */
#define WC_BUF_DEFAULT_LIMIT ((size_t)1 << 30)

/* A buffer with the default limit; the library's own buffers each name theirs (wc_buf_init). */
/* (clang-format would spread the braces over four lines) */
/* clang-format off */
#define WC_BUF_INIT {wc_buf_empty_, 0, 0, 0}
/* clang-format on */

/* Initialise b with the given limit (0 = default). */
void wc_buf_init(wc_buf *b, size_t limit);
/* Free b's memory and re-initialise it (the limit is kept). */
void wc_buf_release(wc_buf *b);
/* Make b empty without freeing (len = 0). */
void wc_buf_reset(wc_buf *b);
/*
 * Growing can fail (WC_ERR_LIMIT past the limit, WC_ERR_NOMEM), and a
 * caller that ignores it keeps a cut text without knowing: the compiler
 * warns about every result left unread.
 */
#define WC_BUF_MUST_USE __attribute__((warn_unused_result))

/* Ensure room for `extra` more bytes (plus the NUL). WC_ERR_LIMIT or WC_ERR_NOMEM. */
WC_BUF_MUST_USE wc_status wc_buf_grow(wc_buf *b, size_t extra);
/* Append bytes, a C string, one byte, or printf output; on failure b is unchanged. */
WC_BUF_MUST_USE wc_status wc_buf_add(wc_buf *b, const void *p, size_t len);
WC_BUF_MUST_USE wc_status wc_buf_addstr(wc_buf *b, const char *s);
WC_BUF_MUST_USE wc_status wc_buf_addch(wc_buf *b, char c);
WC_BUF_MUST_USE wc_status wc_buf_addf(wc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
WC_BUF_MUST_USE wc_status wc_buf_addvf(wc_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Shorten to len (no-op if len >= b->len). */
void wc_buf_setlen(wc_buf *b, size_t len);
/* Drop trailing ASCII whitespace. */
void wc_buf_rtrim(wc_buf *b);
/*
 * Hand the bytes to the caller (free() them) and re-initialise b. Never
 * NULL unless out of memory: an empty buffer gives a fresh "" allocation.
 * *len_out (if not NULL) receives the length.
 */
char *wc_buf_detach(wc_buf *b, size_t *len_out);

#endif
