/*
 * error.h - status codes and the error record every fallible call fills.
 *
 * Modelled on curl's CURLcode: 0 is success, wc_strerror() names a code.
 * A function that can fail returns wc_status and fills an optional
 * wc_error *err (NULL is allowed) with a message that names the input and
 * where in it the problem is, git style: lower case, no full stop, the
 * subject quoted, e.g. "truncated gzip member in 'crawl.warc.gz' at offset 18342".
 */
#ifndef WIRECOPY_ERROR_H
#define WIRECOPY_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef enum wc_status {
    WC_OK = 0,
    WC_DONE,            /* an iterator has nothing more: not a failure */
    WC_ERR_NOMEM,       /* out of memory */
    WC_ERR_IO,          /* read/write/open failed (errno kept in wc_error.sys) */
    WC_ERR_PARSE,       /* input is malformed */
    WC_ERR_LIMIT,       /* a size, depth or count cap was reached */
    WC_ERR_DB,          /* SQLite reported an error */
    WC_ERR_BUSY,        /* the database is locked by another writer */
    WC_ERR_CORRUPT,     /* the database or a stored value is damaged */
    WC_ERR_FULL,        /* disk full */
    WC_ERR_NET,         /* network failure (DNS, connect, TLS, reset, timeout) */
    WC_ERR_HTTP,        /* the server answered with an error status */
    WC_ERR_ENCODING,    /* unknown or unconvertible character encoding */
    WC_ERR_UNSUPPORTED, /* input kind or option not supported */
    WC_ERR_USAGE,       /* bad argument from the caller */
    WC_ERR_NOTFOUND,    /* the named thing does not exist */
    WC_ERR_MISMATCH,    /* stored parameters differ from the ones asked for */
    WC_ERR_INTERRUPTED, /* stopped by a signal after a clean commit */
    WC_ERR_EMPTY,       /* nothing usable in the input (e.g. not an article) */
    WC_STATUS_COUNT
} wc_status;

#define WC_ERROR_MSG_MAX 512

typedef struct wc_error {
    wc_status code;             /* WC_OK when nothing went wrong */
    int sys;                    /* errno at the failure, or 0 */
    char msg[WC_ERROR_MSG_MAX]; /* human message, NUL-terminated, "" when none */
} wc_error;

/* (clang-format would spread the braces over four lines) */
/* clang-format off */
#define WC_ERROR_INIT {WC_OK, 0, ""}
/* clang-format on */

/* Short text for a status code ("out of memory"); never NULL. */
const char *wc_strerror(wc_status code);

/*
 * Fill err (if not NULL) with code and a printf-style message; returns code
 * so callers can write `return wc_error_set(err, WC_ERR_PARSE, "...")`.
 */
wc_status wc_error_set(wc_error *err, wc_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
wc_status wc_error_setv(wc_error *err, wc_status code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Like wc_error_set but appends ": strerror(sys)" and keeps sys in err->sys. */
wc_status wc_error_sys(wc_error *err, wc_status code, int sys, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reset err to WC_OK with an empty message. NULL is a no-op. */
void wc_error_clear(wc_error *err);

/*
 * A bad record never stops a run: libraries report it through a callback
 * of this type and go on. err describes the problem (its message names the
 * input and position). The callback must not keep err.
 */
typedef void (*wc_problem_fn)(void *ctx, const wc_error *err);

#endif
