/*
 * error.c - status texts and the wc_error helpers.
 *
 * Messages are kept in a fixed buffer inside wc_error so that reporting an
 * error never needs memory (which may be what ran out). A message longer
 * than the buffer (a long path or URL in it) keeps its start and its end
 * with " ... " between, so the reason, which git-style messages put first
 * ("cannot open '...'") or last (": Permission denied", "at offset 18342"),
 * is never what is cut.
 */
#include "wirecopy/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Formatted on the stack when it fits; a longer one on the heap, or its first part. */
#define ERROR_FORMAT_STACK 4096
/* What a cut message keeps of its start; the rest of the buffer is its end. */
#define ERROR_KEEP_HEAD (WC_ERROR_MSG_MAX / 3)

/* msg[0..len) into err->msg, its middle elided when it does not fit. */
static void keep_msg(wc_error *err, const char *msg, size_t len)
{
    static const char cut[] = " ... ";
    size_t head, tail;

    if (len < sizeof(err->msg)) {
        memcpy(err->msg, msg, len);
        err->msg[len] = '\0';
        return;
    }
    head = ERROR_KEEP_HEAD;
    while (head > 0 && ((unsigned char)msg[head] & 0xC0) == 0x80)
        head--; /* not inside a UTF-8 character */
    tail = len - (sizeof(err->msg) - 1 - head - (sizeof(cut) - 1));
    while (tail < len && ((unsigned char)msg[tail] & 0xC0) == 0x80)
        tail++;
    memcpy(err->msg, msg, head);
    memcpy(err->msg + head, cut, sizeof(cut) - 1);
    memcpy(err->msg + head + sizeof(cut) - 1, msg + tail, len - tail);
    err->msg[head + sizeof(cut) - 1 + len - tail] = '\0';
}

/* err->msg from fmt and ap, then ": " and reason when reason is not NULL. */
static void format_msg(wc_error *err, const char *reason, const char *fmt, va_list ap)
{
    char stack[ERROR_FORMAT_STACK], *heap = NULL, *m = stack;
    size_t cap = sizeof(stack), len;
    va_list again;
    int n;

    va_copy(again, ap);
    n = vsnprintf(stack, sizeof(stack), fmt, ap);
    if (n < 0) {
        va_end(again);
        err->msg[0] = '\0';
        return;
    }
    len = (size_t)n;
    if (len + (reason ? strlen(reason) + 2 : 0) >= cap &&
        (heap = malloc(len + (reason ? strlen(reason) + 2 : 0) + 1))) {
        m = heap;
        cap = len + (reason ? strlen(reason) + 2 : 0) + 1;
        vsnprintf(m, cap, fmt, again);
    } else if (len >= cap) {
        len = cap - 1; /* no memory for all of it: its start, then the reason */
    }
    va_end(again);
    if (reason) {
        if (len + 2 + strlen(reason) >= cap)
            len = cap - 3 - strlen(reason); /* the stack's cap, reason < 128 bytes */
        len += (size_t)snprintf(m + len, cap - len, ": %s", reason);
    }
    keep_msg(err, m, len);
    free(heap);
}

wc_status wc_error_setv(wc_error *err, wc_status code, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    err->sys = 0;
    format_msg(err, NULL, fmt, ap);
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
    char reason[128];

    if (!err)
        return code;
    if (sys == ENOSPC || sys == EDQUOT)
        code = WC_ERR_FULL;
    wc_strerror_r(sys, reason, sizeof(reason));
    err->code = code;
    va_start(ap, fmt);
    format_msg(err, reason, fmt, ap);
    va_end(ap);
    err->sys = sys;
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
