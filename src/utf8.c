/*
 * utf8.c - UTF-8 validation and repair.
 *
 * Text inside wirecopy is always valid UTF-8; bytes from outside are
 * checked here at the edges. Ill-formed sequences become U+FFFD using the
 * "maximal subpart" practice of Unicode 3.9 (Table 3-8), the same rule
 * browsers and Python's "replace" handler follow, so one bad byte never
 * swallows the good characters after it.
 */
#include <string.h>

#include "internal.h"

/* Length of the well-formed sequence at p, or 0 with *bad = bytes of the maximal subpart. */
static size_t seq_len(const unsigned char *p, size_t len, uint32_t *cp, size_t *bad)
{
    unsigned char c = p[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t need, i;
    uint32_t v;

    *bad = 1;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    for (i = 1; i <= need; i++) {
        unsigned char b;
        if (i >= len)
            return 0;
        b = p[i];
        if (b < lo || b > hi)
            return 0;
        lo = 0x80;
        hi = 0xBF;
        v = (v << 6) | (b & 0x3F);
        *bad = i + 1;
    }
    *cp = v;
    return need + 1;
}

size_t wc_utf8_decode(const char *p, size_t len, uint32_t *cp)
{
    size_t bad;

    if (!len)
        return 0;
    return seq_len((const unsigned char *)p, len, cp, &bad);
}

size_t wc_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;

    if (cp >= 0xD800 && cp <= 0xDFFF)
        cp = 0xFFFD;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp <= 0x10FFFF) {
        o[0] = (unsigned char)(0xF0 | (cp >> 18));
        o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (unsigned char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return wc_utf8_encode(0xFFFD, out);
}

bool wc_utf8_valid(const char *p, size_t len)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0, n, bad;
    uint32_t cp;

    while (i < len) {
        /* ASCII fast path, 8 bytes at a time */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        n = seq_len(s + i, len - i, &cp, &bad);
        if (!n)
            return false;
        i += n;
    }
    return true;
}

wc_status wc_utf8_sanitize(wc_buf *out, const char *p, size_t len, size_t *replaced)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0, start = 0, n, bad;
    uint32_t cp;
    wc_status st;

    while (i < len) {
        if (s[i] >= 0x80) {
            n = seq_len(s + i, len - i, &cp, &bad);
            if (n) {
                i += n;
                continue;
            }
        } else if (s[i] != 0) {
            i++;
            continue;
        } else {
            bad = 1; /* NUL: dropped, not replaced */
        }
        if ((st = wc_buf_add(out, p + start, i - start)))
            return st;
        if (s[i] != 0) {
            if ((st = wc_buf_add(out, "\xEF\xBF\xBD", 3)))
                return st;
            if (replaced)
                (*replaced)++;
        }
        i += bad;
        start = i;
    }
    return wc_buf_add(out, p + start, i - start);
}

bool wc_looks_binary(const char *p, size_t len)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i, ctl = 0;

    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return false; /* UTF-16 text has NULs of its own */
    for (i = 0; i < len; i++) {
        unsigned char c = u[i];

        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B) ||
            c == 0x7F)
            ctl++;
    }
    return ctl * 100 > len;
}
