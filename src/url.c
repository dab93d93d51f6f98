/*
 * url.c - RFC 3986 URL splitting, reference resolution, normalisation.
 *
 * Splitting follows the regular expression of RFC 3986 appendix B, which
 * accepts any string: it only says where the components are, never
 * whether they are valid. Resolution is the algorithm of section 5.2.2
 * ("strict": a reference with a scheme is absolute even when it is the
 * base's scheme) with remove_dot_segments of 5.2.4, written over byte
 * spans so that nothing is copied until the result is assembled.
 *
 * Deliberately lenient where feeds are sloppy: surrounding blanks are
 * trimmed and embedded tabs and line breaks dropped (the WHATWG URL
 * standard does the same), and a relative base is merged like an
 * absolute one instead of being refused. Deliberately conservative where
 * it matters: non-ASCII characters and percent-escapes pass through
 * untouched, so a link compares equal to what the publisher wrote.
 */
#define _POSIX_C_SOURCE 200809L
#include "wirecopy/url.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_scheme_char(char c)
{
    return wc_ascii_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
}

void wc_url_split(const char *url, size_t len, wc_url_parts *out)
{
    size_t i = 0, s;

    memset(out, 0, sizeof(*out));
    /* scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
    if (len && wc_ascii_alpha(url[0])) {
        s = 1;
        while (s < len && is_scheme_char(url[s]))
            s++;
        if (s < len && url[s] == ':') {
            out->scheme = (wc_url_span){0, s, true};
            i = s + 1;
        }
    }
    /* authority: "//" up to the next '/', '?' or '#' */
    if (i + 1 < len && url[i] == '/' && url[i + 1] == '/') {
        size_t a = i + 2, e = a, at, hs, he;
        while (e < len && url[e] != '/' && url[e] != '?' && url[e] != '#')
            e++;
        out->authority = (wc_url_span){a, e - a, true};
        /* userinfo@host:port; the last '@' ends the userinfo */
        hs = a;
        for (at = e; at > a; at--) {
            if (url[at - 1] == '@') {
                out->userinfo = (wc_url_span){a, at - 1 - a, true};
                hs = at;
                break;
            }
        }
        he = e;
        if (hs < e && url[hs] == '[') {
            const char *rb = memchr(url + hs, ']', e - hs);
            he = rb ? (size_t)(rb - url) + 1 : e;
        } else {
            const char *colon = memchr(url + hs, ':', e - hs);
            if (colon)
                he = (size_t)(colon - url);
        }
        out->host = (wc_url_span){hs, he - hs, true};
        if (he < e && url[he] == ':')
            out->port = (wc_url_span){he + 1, e - he - 1, true};
        i = e;
    }
    s = i;
    while (i < len && url[i] != '?' && url[i] != '#')
        i++;
    out->path = (wc_url_span){s, i - s, true};
    if (i < len && url[i] == '?') {
        s = ++i;
        while (i < len && url[i] != '#')
            i++;
        out->query = (wc_url_span){s, i - s, true};
    }
    if (i < len && url[i] == '#')
        out->fragment = (wc_url_span){i + 1, len - i - 1, true};
}

/* Copy s without surrounding blanks and without tabs/CR/LF inside; malloc'd. */
static char *clean_copy(const char *s, size_t *len_out)
{
    size_t len, i, n = 0;
    char *out;

    len = strlen(s);
    if (len > WC_URL_MAX_LEN)
        return NULL;
    while (len && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' || s[0] == '\f')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
                   s[len - 1] == '\r' || s[len - 1] == '\f'))
        len--;
    out = malloc(len + 1);
    if (!out)
        return NULL;
    for (i = 0; i < len; i++)
        if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            out[n++] = s[i];
    out[n] = '\0';
    *len_out = n;
    return out;
}

/*
 * RFC 3986 5.2.4: append path p[0..len) to out with "." and ".."
 * segments removed. Works segment by segment on the output buffer.
 */
static wc_status remove_dot_segments(wc_buf *out, const char *p, size_t len)
{
    size_t start = out->len, i = 0;
    wc_status st = WC_OK;

    while (i < len && st == WC_OK) {
        const char *r = p + i;
        size_t rl = len - i;

        if (rl >= 3 && !memcmp(r, "../", 3)) {
            i += 3; /* A */
        } else if (rl >= 2 && !memcmp(r, "./", 2)) {
            i += 2;
        } else if (rl >= 3 && !memcmp(r, "/./", 3)) {
            i += 2; /* B: "/./" -> "/" */
        } else if (rl == 2 && !memcmp(r, "/.", 2)) {
            st = wc_buf_addch(out, '/');
            i += 2;
        } else if ((rl >= 4 && !memcmp(r, "/../", 4)) || (rl == 3 && !memcmp(r, "/..", 3))) {
            /* C: drop the last output segment */
            size_t k = out->len;
            while (k > start && out->buf[k - 1] != '/')
                k--;
            if (k > start)
                k--;
            wc_buf_setlen(out, k);
            if (rl == 3) {
                st = wc_buf_addch(out, '/');
                i += 3;
            } else {
                i += 3; /* leaves "/" + rest */
            }
        } else if ((rl == 1 && r[0] == '.') || (rl == 2 && !memcmp(r, "..", 2))) {
            i += rl; /* D */
        } else {
            /* E: move the first segment (with its leading '/') */
            size_t e = r[0] == '/' ? 1 : 0;
            while (e < rl && r[e] != '/')
                e++;
            st = wc_buf_add(out, r, e);
            i += e;
        }
    }
    return st;
}

/*
 * remove_dot_segments for a path written after an authority (or none) and
 * a scheme (or none), kept a path when read back. Without an authority, a
 * path starting with "//" would read as one: RFC 3986 section 5.2.4 (end)
 * says to write "/." in front. Without a scheme either, a first segment
 * with a ':' would read as a scheme: section 4.2 says to write "./".
 */
static wc_status add_path(wc_buf *out, const char *p, size_t len, bool authority, bool scheme)
{
    size_t start = out->len, seg;
    const char *fix = NULL;
    wc_status st = remove_dot_segments(out, p, len);

    if (st || authority)
        return st;
    if (out->len - start >= 2 && out->buf[start] == '/' && out->buf[start + 1] == '/') {
        fix = "/.";
    } else if (!scheme && out->len > start && out->buf[start] != '/') {
        seg = strcspn(out->buf + start, "/");
        if (memchr(out->buf + start, ':', seg))
            fix = "./";
    }
    if (fix) {
        st = wc_buf_grow(out, 2);
        if (!st) {
            memmove(out->buf + start + 2, out->buf + start, out->len - start + 1);
            memcpy(out->buf + start, fix, 2);
            out->len += 2;
        }
    }
    return st;
}

static wc_status add_span(wc_buf *b, const char *s, wc_url_span sp)
{
    return wc_buf_add(b, s + sp.off, sp.len);
}

char *wc_url_resolve(const char *base_in, const char *ref_in)
{
    char *base = NULL, *ref = NULL, *res = NULL;
    size_t blen = 0, rlen = 0;
    wc_url_parts b, r;
    wc_buf out;
    wc_status st = WC_OK;

    if (!ref_in)
        return NULL;
    ref = clean_copy(ref_in, &rlen);
    if (!ref)
        return NULL;
    if (base_in && *base_in) {
        base = clean_copy(base_in, &blen);
        if (!base)
            goto out;
    }
    if (!base || !blen) {
        res = ref;
        ref = NULL;
        goto out;
    }
    wc_buf_init(&out, WC_URL_MAX_LEN);
    wc_url_split(ref, rlen, &r);
    wc_url_split(base, blen, &b);

    if (r.scheme.present) {
        st = add_span(&out, ref, r.scheme);
        if (!st)
            st = wc_buf_addch(&out, ':');
        if (!st && r.authority.present) {
            st = wc_buf_add(&out, "//", 2);
            if (!st)
                st = add_span(&out, ref, r.authority);
        }
        if (!st)
            st = add_path(&out, ref + r.path.off, r.path.len, r.authority.present, true);
        if (!st && r.query.present) {
            st = wc_buf_addch(&out, '?');
            if (!st)
                st = add_span(&out, ref, r.query);
        }
    } else {
        if (b.scheme.present) {
            st = add_span(&out, base, b.scheme);
            if (!st)
                st = wc_buf_addch(&out, ':');
        }
        if (r.authority.present) {
            if (!st)
                st = wc_buf_add(&out, "//", 2);
            if (!st)
                st = add_span(&out, ref, r.authority);
            if (!st)
                st = add_path(&out, ref + r.path.off, r.path.len, true, b.scheme.present);
            if (!st && r.query.present) {
                st = wc_buf_addch(&out, '?');
                if (!st)
                    st = add_span(&out, ref, r.query);
            }
        } else {
            if (b.authority.present && !st) {
                st = wc_buf_add(&out, "//", 2);
                if (!st)
                    st = add_span(&out, base, b.authority);
            }
            if (r.path.len == 0) {
                if (!st)
                    st = wc_buf_add(&out, base + b.path.off, b.path.len);
                if (!st && (r.query.present || b.query.present)) {
                    st = wc_buf_addch(&out, '?');
                    if (!st)
                        st = r.query.present ? add_span(&out, ref, r.query)
                                             : add_span(&out, base, b.query);
                }
            } else {
                wc_buf merged;
                wc_buf_init(&merged, WC_URL_MAX_LEN);
                if (ref[r.path.off] == '/') {
                    st = wc_buf_add(&merged, ref + r.path.off, r.path.len);
                } else {
                    /* 5.2.3 merge: base path up to its last '/', then ref path */
                    if (b.authority.present && b.path.len == 0) {
                        st = wc_buf_addch(&merged, '/');
                    } else {
                        size_t k = b.path.len;
                        while (k > 0 && base[b.path.off + k - 1] != '/')
                            k--;
                        st = wc_buf_add(&merged, base + b.path.off, k);
                    }
                    if (!st)
                        st = wc_buf_add(&merged, ref + r.path.off, r.path.len);
                }
                if (!st) {
                    /* a relative base without a leading '/' keeps its relative form */
                    st = add_path(&out, merged.buf, merged.len, b.authority.present,
                                  b.scheme.present);
                }
                wc_buf_release(&merged);
                if (!st && r.query.present) {
                    st = wc_buf_addch(&out, '?');
                    if (!st)
                        st = add_span(&out, ref, r.query);
                }
            }
        }
    }
    if (!st && r.fragment.present) {
        st = wc_buf_addch(&out, '#');
        if (!st)
            st = add_span(&out, ref, r.fragment);
    }
    if (st) {
        wc_buf_release(&out);
        goto out;
    }
    res = wc_buf_detach(&out, NULL);
out:
    free(base);
    free(ref);
    return res;
}

bool wc_url_is_http(const char *url)
{
    wc_url_parts p;
    size_t len;

    if (!url)
        return false;
    len = strnlen(url, WC_URL_MAX_LEN + 1);
    if (len > WC_URL_MAX_LEN)
        return false;
    wc_url_split(url, len, &p);
    if (!p.scheme.present || !p.host.present || !p.host.len)
        return false;
    return wc_mem_ieq(url, p.scheme.len, "http") || wc_mem_ieq(url, p.scheme.len, "https");
}

char *wc_url_host(const char *url)
{
    wc_url_parts p;
    size_t len, i;
    char *h;

    if (!url)
        return NULL;
    len = strnlen(url, WC_URL_MAX_LEN + 1);
    if (len > WC_URL_MAX_LEN)
        return NULL;
    wc_url_split(url, len, &p);
    if (!p.host.present || !p.host.len)
        return NULL;
    h = wc_strndup(url + p.host.off, p.host.len);
    if (h)
        for (i = 0; h[i]; i++)
            h[i] = wc_ascii_lower(h[i]);
    return h;
}

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Append p[0..len) with the hex digits of %XX escapes upper-cased. */
static wc_status add_upper_escapes(wc_buf *b, const char *p, size_t len)
{
    size_t i;
    wc_status st = WC_OK;

    for (i = 0; i < len && !st; i++) {
        char c = p[i];
        if (i >= 1 && p[i - 1] == '%' && is_hex(c) && i + 1 < len && is_hex(p[i + 1]))
            c = c >= 'a' ? (char)(c - 32) : c;
        else if (i >= 2 && p[i - 2] == '%' && is_hex(p[i - 1]) && is_hex(c))
            c = c >= 'a' ? (char)(c - 32) : c;
        st = wc_buf_addch(b, c);
    }
    return st;
}

char *wc_url_normalize(const char *url)
{
    char *clean, *res = NULL;
    size_t len, i;
    wc_url_parts p;
    wc_buf out;
    wc_status st = WC_OK;
    bool http = false, https = false;

    if (!url)
        return NULL;
    clean = clean_copy(url, &len);
    if (!clean)
        return NULL;
    wc_url_split(clean, len, &p);
    wc_buf_init(&out, WC_URL_MAX_LEN);
    if (p.scheme.present) {
        for (i = 0; i < p.scheme.len && !st; i++)
            st = wc_buf_addch(&out, wc_ascii_lower(clean[i]));
        if (!st)
            st = wc_buf_addch(&out, ':');
        http = wc_mem_ieq(clean, p.scheme.len, "http");
        https = wc_mem_ieq(clean, p.scheme.len, "https");
    }
    if (p.authority.present && !st) {
        st = wc_buf_add(&out, "//", 2);
        if (!st && p.userinfo.present) {
            st = add_span(&out, clean, p.userinfo);
            if (!st)
                st = wc_buf_addch(&out, '@');
        }
        for (i = 0; i < p.host.len && !st; i++)
            st = wc_buf_addch(&out, wc_ascii_lower(clean[p.host.off + i]));
        if (!st && p.port.present && p.port.len) {
            bool dflt = (http && p.port.len == 2 && !memcmp(clean + p.port.off, "80", 2)) ||
                        (https && p.port.len == 3 && !memcmp(clean + p.port.off, "443", 3));
            if (!dflt) {
                st = wc_buf_addch(&out, ':');
                if (!st)
                    st = add_span(&out, clean, p.port);
            }
        }
    }
    if (!st) {
        wc_buf path;
        wc_buf_init(&path, WC_URL_MAX_LEN);
        st = add_path(&path, clean + p.path.off, p.path.len, p.authority.present, p.scheme.present);
        if (!st && path.len == 0 && (http || https) && p.authority.present)
            st = wc_buf_addch(&out, '/');
        if (!st)
            st = add_upper_escapes(&out, path.buf, path.len);
        wc_buf_release(&path);
    }
    if (!st && p.query.present) {
        st = wc_buf_addch(&out, '?');
        if (!st)
            st = add_upper_escapes(&out, clean + p.query.off, p.query.len);
    }
    if (!st)
        res = wc_buf_detach(&out, NULL);
    else
        wc_buf_release(&out);
    free(clean);
    return res;
}
