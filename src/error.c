/*
 * error.c - status texts and the wc_error helpers.
 *
 * Messages are formatted into a fixed buffer inside wc_error so that
 * reporting an error never needs memory (which may be what ran out).
 */
#include "wirecopy/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *const status_text[WC_STATUS_COUNT] = {
    [WC_OK] = "success",
    [WC_DONE] = "no more items",
    [WC_ERR_NOMEM] = "out of memory",
    [WC_ERR_IO] = "input/output error",
    [WC_ERR_PARSE] = "malformed input",
    [WC_ERR_LIMIT] = "size limit reached",
    [WC_ERR_DB] = "database error",
    [WC_ERR_BUSY] = "database is locked",
    [WC_ERR_CORRUPT] = "database is corrupt",
    [WC_ERR_FULL] = "disk full",
    [WC_ERR_NET] = "network error",
    [WC_ERR_HTTP] = "http error",
    [WC_ERR_ENCODING] = "character encoding error",
    [WC_ERR_UNSUPPORTED] = "unsupported",
    [WC_ERR_USAGE] = "bad usage",
    [WC_ERR_NOTFOUND] = "not found",
    [WC_ERR_MISMATCH] = "parameters do not match",
    [WC_ERR_INTERRUPTED] = "interrupted",
    [WC_ERR_EMPTY] = "nothing usable",
};

const char *wc_strerror(wc_status code)
{
    if ((unsigned)code >= WC_STATUS_COUNT || !status_text[code])
        return "unknown status";
    return status_text[code];
}

wc_status wc_error_setv(wc_error *err, wc_status code, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    err->sys = 0;
    if (vsnprintf(err->msg, sizeof(err->msg), fmt, ap) < 0)
        err->msg[0] = '\0';
    return code;
}

wc_status wc_error_set(wc_error *err, wc_status code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    wc_error_setv(err, code, fmt, ap);
    va_end(ap);
    return code;
}

wc_status wc_error_sys(wc_error *err, wc_status code, int sys, const char *fmt, ...)
{
    va_list ap;
    size_t n;
    char tmp[128];

    if (!err)
        return code;
    if (sys == ENOSPC || sys == EDQUOT)
        code = WC_ERR_FULL;
    va_start(ap, fmt);
    wc_error_setv(err, code, fmt, ap);
    va_end(ap);
    err->sys = sys;
    n = strlen(err->msg);
    if (n + 3 < sizeof(err->msg)) {
        wc_strerror_r(sys, tmp, sizeof(tmp));
        snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", tmp);
    }
    return code;
}

void wc_error_clear(wc_error *err)
{
    if (!err)
        return;
    err->code = WC_OK;
    err->sys = 0;
    err->msg[0] = '\0';
}
