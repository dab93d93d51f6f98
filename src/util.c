/*
 * util.c - small string helpers used by several modules (see internal.h).
 *
 * Outside data is always (pointer, length): nothing here calls strlen on
 * bytes that came from an input.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void wc_strerror_r(int errnum, char *out, size_t outlen)
{
    const char *s;

    if (!outlen)
        return;
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    s = strerror_r(errnum, out, outlen);
#else
    s = strerror_r(errnum, out, outlen) == 0 ? out : "unknown error";
#endif
    if (s != out)
        snprintf(out, outlen, "%s", s);
}

char *wc_strndup(const char *p, size_t len)
{
    char *s = malloc(len + 1);

    if (!s)
        return NULL;
    if (len)
        memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

char *wc_strdup(const char *s)
{
    return s ? wc_strndup(s, strlen(s)) : NULL;
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

bool wc_mem_ieq(const char *p, size_t len, const char *lit)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (!lit[i] || lower((unsigned char)p[i]) != lower((unsigned char)lit[i]))
            return false;
    return lit[len] == '\0';
}

bool wc_mem_istarts(const char *p, size_t len, const char *lit)
{
    size_t i;

    for (i = 0; lit[i]; i++)
        if (i >= len || lower((unsigned char)p[i]) != lower((unsigned char)lit[i]))
            return false;
    return true;
}

const char *wc_mem_istr(const char *p, size_t len, const char *lit)
{
    size_t n = strlen(lit), i;

    if (n == 0)
        return p;
    for (i = 0; i + n <= len; i++)
        if (wc_mem_istarts(p + i, len - i, lit))
            return p + i;
    return NULL;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void wc_mem_trim(const char **p, size_t *len)
{
    while (*len && is_space(**p)) {
        (*p)++;
        (*len)--;
    }
    while (*len && is_space((*p)[*len - 1]))
        (*len)--;
}

bool wc_parse_u64(const char *p, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;

    if (!len)
        return false;
    for (i = 0; i < len; i++) {
        unsigned d = (unsigned char)p[i] - '0';
        if (d > 9 || v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

int wc_thread_create(pthread_t *t, void *(*fn)(void *), void *arg)
{
    sigset_t all, old;
    int rc;

    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    rc = pthread_create(t, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

bool wc_str_in(const char *s, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!strcmp(s, list[i]))
            return true;
    return false;
}
