/*
 * buf.c - the capped growable buffer (see buf.h).
 *
 * Growth is geometric (x1.5 + 64) so appends are amortised O(1); the cap
 * is checked before allocating so an oversized input never costs its
 * size in memory.
 */
#include "wirecopy/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

char wc_buf_empty_[1];

static size_t buf_limit(const wc_buf *b)
{
    return b->limit ? b->limit : WC_BUF_DEFAULT_LIMIT;
}

void wc_buf_init(wc_buf *b, size_t limit)
{
    b->buf = wc_buf_empty_;
    b->len = 0;
    b->cap = 0;
    b->limit = limit;
}

void wc_buf_release(wc_buf *b)
{
    if (b->cap)
        free(b->buf);
    wc_buf_init(b, b->limit);
}

void wc_buf_reset(wc_buf *b)
{
    b->len = 0;
    if (b->cap)
        b->buf[0] = '\0';
}

wc_status wc_buf_grow(wc_buf *b, size_t extra)
{
    size_t need, ncap;
    char *p;

    if (extra > buf_limit(b) - b->len || b->len > buf_limit(b))
        return WC_ERR_LIMIT;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return WC_OK;
    ncap = b->cap + b->cap / 2 + 64;
    if (ncap < need)
        ncap = need;
    if (ncap > buf_limit(b) + 1)
        ncap = buf_limit(b) + 1;
    p = realloc(b->cap ? b->buf : NULL, ncap);
    if (!p)
        return WC_ERR_NOMEM;
    if (!b->cap)
        p[0] = '\0';
    b->buf = p;
    b->cap = ncap;
    return WC_OK;
}

wc_status wc_buf_add(wc_buf *b, const void *p, size_t len)
{
    wc_status st = wc_buf_grow(b, len);

    if (st)
        return st;
    if (len)
        memcpy(b->buf + b->len, p, len);
    b->len += len;
    b->buf[b->len] = '\0';
    return WC_OK;
}

wc_status wc_buf_addstr(wc_buf *b, const char *s)
{
    return wc_buf_add(b, s, strlen(s));
}

wc_status wc_buf_addch(wc_buf *b, char c)
{
    return wc_buf_add(b, &c, 1);
}

wc_status wc_buf_addvf(wc_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;
    wc_status st;

    va_copy(cp, ap);
    n = vsnprintf(b->cap ? b->buf + b->len : NULL, b->cap ? b->cap - b->len : 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return WC_ERR_PARSE;
    if (b->cap && (size_t)n < b->cap - b->len) {
        b->len += (size_t)n;
        return WC_OK;
    }
    st = wc_buf_grow(b, (size_t)n);
    if (st)
        return st;
    vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
    b->len += (size_t)n;
    return WC_OK;
}

wc_status wc_buf_addf(wc_buf *b, const char *fmt, ...)
{
    va_list ap;
    wc_status st;

    va_start(ap, fmt);
    st = wc_buf_addvf(b, fmt, ap);
    va_end(ap);
    return st;
}

void wc_buf_setlen(wc_buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    b->buf[len] = '\0';
}

void wc_buf_rtrim(wc_buf *b)
{
    size_t n = b->len;

    while (n && (b->buf[n - 1] == ' ' || b->buf[n - 1] == '\t' || b->buf[n - 1] == '\n' ||
                 b->buf[n - 1] == '\r' || b->buf[n - 1] == '\f' || b->buf[n - 1] == '\v'))
        n--;
    wc_buf_setlen(b, n);
}

char *wc_buf_detach(wc_buf *b, size_t *len_out)
{
    char *p;

    if (!b->cap) {
        p = malloc(1);
        if (p)
            p[0] = '\0';
        if (len_out)
            *len_out = 0;
        return p;
    }
    p = b->buf;
    if (len_out)
        *len_out = b->len;
    wc_buf_init(b, b->limit);
    return p;
}
