/*
 * url.h - URL helpers: RFC 3986 splitting, reference resolution and a
 * conservative normalisation, for feed links, article URLs and fetching.
 *
 * Strings in, malloc'd strings out; no global state, all thread-safe.
 * Non-ASCII characters are kept as they are (IRIs): nothing is
 * percent-encoded or decoded, so what a feed wrote is what is stored.
 */
#ifndef WIRECOPY_URL_H
#define WIRECOPY_URL_H

#include <stdbool.h>
#include <stddef.h>

/* Longest URL the helpers handle (bytes); longer input gives NULL / false. */
#define WC_URL_MAX_LEN ((size_t)64 * 1024)

/* One component of a split URL: url[off .. off+len), present or not. */
typedef struct wc_url_span {
    size_t off;   /* byte offset into the string that was split */
    size_t len;   /* bytes */
    bool present; /* the delimiter was there (an empty query "?" is present, len 0) */
} wc_url_span;

/* RFC 3986 section 3 components; host and port are parts of authority. */
typedef struct wc_url_parts {
    wc_url_span scheme;    /* without the ':' */
    wc_url_span authority; /* without the leading "//" */
    wc_url_span userinfo;  /* without the '@' */
    wc_url_span host;      /* reg-name, IPv4, or "[v6]" with its brackets */
    wc_url_span port;      /* digits, without the ':' */
    wc_url_span path;      /* always present, may be empty */
    wc_url_span query;     /* without the '?' */
    wc_url_span fragment;  /* without the '#' */
} wc_url_parts;

/* Split url[0..len) into its components (RFC 3986 appendix B). Never fails. */
void wc_url_split(const char *url, size_t len, wc_url_parts *out);

/*
 * Resolve ref against base (RFC 3986 section 5.2, "strict"). Leading and
 * trailing blanks of both are ignored, and tabs and line breaks inside
 * them dropped, as browsers do. base may be NULL or "" (then ref comes
 * back trimmed) and may itself be relative (it is merged all the same).
 * Returns a malloc'd string; NULL when ref is NULL, out of memory, or
 * longer than WC_URL_MAX_LEN.
 */
char *wc_url_resolve(const char *base, const char *ref);

/* True when url is absolute with scheme http or https (any case) and has a host. */
bool wc_url_is_http(const char *url);

/* The host of url, lower-cased (brackets of an IPv6 literal kept); malloc'd, NULL if none. */
char *wc_url_host(const char *url);

/*
 * A normalised copy for comparing URLs (RFC 3986 section 6.2.2 plus the
 * http scheme rules): scheme and host lower-cased, default port dropped,
 * dot segments removed, empty http path made "/", fragment dropped,
 * percent-escapes' hex upper-cased. malloc'd; NULL on OOM or too long.
 */
char *wc_url_normalize(const char *url);

#endif
