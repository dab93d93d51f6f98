/*
 * fetch_transfer.c - one HTTP exchange of the fetcher on a libcurl easy
 * handle: the options every hop is made with, the response header parser
 * and the body callback that enforces the size cap.
 *
 * Every hop is made the same way: the fetcher's User-Agent, an Accept
 * header for the kind of request, the conditional headers a caller stored
 * (never one holding a line break: that would inject headers), connect
 * and whole-hop timeouts, no redirect following by curl (fetch_url.c does
 * it hop by hop), http and https only, the proxy only when the caller
 * gave one, and no signals.
 *
 * Size caps: CURLOPT_MAXFILESIZE only sees the wire size a server declares,
 * which a gzip bomb keeps tiny. The write callback receives *decoded* bytes
 * (CURLOPT_ACCEPT_ENCODING "" lets curl offer and undo gzip, deflate, br,
 * zstd) and stops the transfer the moment they would pass the cap. The
 * wire-size limit is still set, a little above the cap, so an honest huge
 * Content-Length fails before a byte of body is read. robots.txt is the one
 * body that is cut instead of refused (RFC 9309 2.5: use the first 500 KiB).
 * The body of an error answer is read up to ERROR_BODY_MAX and dropped, so
 * the connection can be reused without reading a huge error page.
 *
 * Headers: only those the caller sees are kept (ETag, Last-Modified,
 * Content-Type, Content-Location, Cache-Control max-age, Retry-After),
 * each value capped; a "HTTP/" line starts a new response (after a 1xx),
 * so nothing of an interim response leaks into the final one.
 */
#include "fetch_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/charset.h"
#include "wirecopy/date.h"

#include "internal.h"

/* Response header values longer than this are ignored (and stored ones not sent back). */
#define MAX_HEADER_VALUE 4096
/* One request header line: a name of ours and a value of at most MAX_HEADER_VALUE bytes. */
#define REQUEST_HEADER_MAX (MAX_HEADER_VALUE + 64)
/* Body bytes of a non-2xx answer read (and dropped) before hanging up. */
#define ERROR_BODY_MAX (64 * 1024)
/* Wire bytes allowed beyond the decoded cap (compressed data can be slightly larger). */
#define WIRE_MARGIN (64 * 1024)
/* Longest Retry-After or max-age believed (ten years); beyond it is junk. */
#define RETRY_AFTER_MAX ((int64_t)10 * 365 * 24 * 3600)

void fetch_free_headers(request *r)
{
    free(r->r_etag);
    free(r->r_last_modified);
    free(r->r_content_type);
    free(r->r_charset);
    free(r->r_content_location);
    r->r_etag = r->r_last_modified = r->r_content_type = r->r_content_location = NULL;
    r->r_charset = NULL;
    r->max_age = r->retry_after = -1;
}

/* --- response headers and body ------------------------------------------ */

static void set_header(char **slot, const char *v, size_t len)
{
    free(*slot);
    *slot = len <= MAX_HEADER_VALUE ? wc_strndup(v, len) : NULL;
}

/* Cache-Control: find max-age=N (not s-maxage), quoted or not. */
static int64_t parse_max_age(const char *p, size_t len)
{
    size_t i = 0;

    while (i < len) {
        const char *d;
        size_t dlen, j;
        uint64_t v;

        while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == ','))
            i++;
        d = p + i;
        while (i < len && p[i] != ',')
            i++;
        dlen = (size_t)(p + i - d);
        if (!wc_mem_istarts(d, dlen, "max-age"))
            continue;
        j = 7;
        while (j < dlen && (d[j] == ' ' || d[j] == '\t'))
            j++;
        if (j >= dlen || d[j] != '=')
            continue;
        j++;
        while (j < dlen && (d[j] == ' ' || d[j] == '"'))
            j++;
        {
            size_t k = j;
            while (k < dlen && d[k] >= '0' && d[k] <= '9')
                k++;
            if (k > j && wc_parse_u64(d + j, k - j, &v))
                return v > (uint64_t)RETRY_AFTER_MAX ? RETRY_AFTER_MAX : (int64_t)v;
        }
    }
    return -1;
}

/* Retry-After: delta-seconds or an HTTP-date; seconds from now, or -1. */
static int64_t parse_retry_after(const char *p, size_t len)
{
    uint64_t v;
    int64_t t, now;

    if (len == 0)
        return -1;
    if (p[0] >= '0' && p[0] <= '9') {
        if (!wc_parse_u64(p, len, &v))
            return -1;
        return v > (uint64_t)RETRY_AFTER_MAX ? RETRY_AFTER_MAX : (int64_t)v;
    }
    if (!wc_date_parse(p, len, &t))
        return -1;
    now = wc_time_now();
    if (t <= now)
        return 0;
    return t - now > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : t - now;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *userdata)
{
    request *r = userdata;
    size_t len = size * nitems, nlen, vlen;
    const char *colon, *name, *v;

    if (len >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
        /* A new response (a 1xx before the real one, or the only one). */
        const char *sp = memchr(buf, ' ', len);
        fetch_free_headers(r);
        r->status = 0;
        if (sp && (size_t)(sp - buf) + 4 <= len && sp[1] >= '1' && sp[1] <= '5' && sp[2] >= '0' &&
            sp[2] <= '9' && sp[3] >= '0' && sp[3] <= '9')
            r->status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
        return len;
    }
    colon = memchr(buf, ':', len);
    if (!colon)
        return len;
    name = buf;
    nlen = (size_t)(colon - buf);
    v = colon + 1;
    vlen = len - nlen - 1;
    wc_mem_trim(&v, &vlen);
    if (wc_mem_ieq(name, nlen, "etag"))
        set_header(&r->r_etag, v, vlen);
    else if (wc_mem_ieq(name, nlen, "last-modified"))
        set_header(&r->r_last_modified, v, vlen);
    else if (wc_mem_ieq(name, nlen, "content-type")) {
        const char *cs;
        size_t cslen;
        set_header(&r->r_content_type, v, vlen);
        free(r->r_charset);
        r->r_charset = r->r_content_type && wc_charset_param(v, vlen, &cs, &cslen)
                           ? wc_strndup(cs, cslen)
                           : NULL;
    } else if (wc_mem_ieq(name, nlen, "content-location"))
        set_header(&r->r_content_location, v, vlen);
    else if (wc_mem_ieq(name, nlen, "cache-control"))
        r->max_age = parse_max_age(v, vlen);
    else if (wc_mem_ieq(name, nlen, "retry-after"))
        r->retry_after = parse_retry_after(v, vlen);
    return len;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    request *r = userdata;
    size_t n = size * nmemb;

    if (r->status < 200 || r->status > 299) {
        r->discarded += n;
        if (r->discarded > ERROR_BODY_MAX) {
            r->error_body_cut = true;
            return 0;
        }
        return n;
    }
    if (n > r->max_body - r->body.len) {
        if (r->kind == WC_FETCH_ROBOTS) {
            /* RFC 9309 2.5: parse what fits, ignore the rest. */
            if (wc_buf_add(&r->body, ptr, r->max_body - r->body.len) != WC_OK)
                r->too_large = true; /* out of memory: as below */
            else
                r->truncated = true;
        } else {
            r->too_large = true;
        }
        return 0;
    }
    if (wc_buf_add(&r->body, ptr, n) != WC_OK) {
        r->too_large = true; /* out of memory: report as a cap we could not meet */
        return 0;
    }
    return n;
}

/*
 * Connected (or reusing a connection), the request not sent yet: note the
 * first hop's network, and stop a later hop that the redirect guard
 * refuses (fetch_addr.c), whatever name led to the address.
 */
static int on_connected(void *p, char *ip, char *local_ip, int port, int local_port)
{
    request *r = p;
    fetch_net net = fetch_net_of(ip);

    (void)local_ip, (void)port, (void)local_port;
    if (r->redirects == 0) {
        r->first_net = net;
        return CURL_PREREQFUNC_OK;
    }
    if (!r->guard || r->first_net == FETCH_NET_UNKNOWN || fetch_net_allowed(r->first_net, net))
        return CURL_PREREQFUNC_OK;
    r->net_refused = true;
    snprintf(r->net_ip, sizeof(r->net_ip), "%s", ip);
    return CURL_PREREQFUNC_ABORT;
}

/* --- starting and ending a hop -------------------------------------------- */

static const char *accept_for(wc_fetch_kind kind)
{
    switch (kind) {
    case WC_FETCH_FEED:
        return "Accept: application/rss+xml, application/atom+xml, application/feed+json, "
               "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
               "application/json;q=0.8, */*;q=0.5";
    case WC_FETCH_PAGE:
        return "Accept: text/html, application/xhtml+xml;q=0.9, */*;q=0.5";
    case WC_FETCH_ROBOTS:
    default:
        return "Accept: text/plain, */*;q=0.5";
    }
}

static int add_header(struct curl_slist **l, const char *name, const char *value)
{
    wc_buf b;
    struct curl_slist *n;

    /*
     * A stored value with a line break would inject headers, and one longer than any
     * value we keep is not one we got: never send them (the GET is then unconditional).
     */
    if (strpbrk(value, "\r\n") || strlen(value) > MAX_HEADER_VALUE)
        return 0;
    wc_buf_init(&b, REQUEST_HEADER_MAX);
    if (wc_buf_addf(&b, "%s: %s", name, value) != WC_OK)
        return -1;
    n = curl_slist_append(*l, b.buf);
    wc_buf_release(&b);
    if (!n)
        return -1;
    *l = n;
    return 0;
}

static void reset_hop(request *r)
{
    fetch_free_headers(r);
    wc_buf_reset(&r->body);
    r->status = 0;
    r->discarded = 0;
    r->too_large = r->truncated = r->error_body_cut = false;
    r->errbuf[0] = '\0';
}

int fetch_start_transfer(wc_fetcher *f, request *r, double now)
{
    CURL *e;
    CURLcode rc = CURLE_OK;
    CURLMcode mc;
    curl_off_t wire_cap;

    reset_hop(r);
    e = curl_easy_init();
    if (!e) {
        fetch_answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NOMEM, "cannot create a transfer for '%s'",
                     r->cur);
        return -1;
    }
    curl_slist_free_all(r->hdrs);
    r->hdrs = NULL;
    if (add_header(&r->hdrs, "Accept", accept_for(r->kind) + 8) != 0 ||
        (r->if_none_match && add_header(&r->hdrs, "If-None-Match", r->if_none_match) != 0) ||
        (r->if_modified_since &&
         add_header(&r->hdrs, "If-Modified-Since", r->if_modified_since) != 0)) {
        curl_easy_cleanup(e);
        fetch_answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NOMEM, "out of memory preparing '%s'",
                     r->cur);
        return -1;
    }
    wire_cap = (curl_off_t)(r->max_body > (size_t)INT64_MAX / 2 ? (size_t)INT64_MAX / 2
                                                                : r->max_body + WIRE_MARGIN);
    if (r->kind == WC_FETCH_ROBOTS)
        wire_cap = 0; /* robots.txt is cut, never refused: no wire limit */

#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (rc == CURLE_OK)                                                                        \
            rc = curl_easy_setopt(e, opt, val);                                                    \
    } while (0)
    SET(CURLOPT_URL, r->cur);
    SET(CURLOPT_PRIVATE, (void *)r);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, (void *)r);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, (void *)r);
    SET(CURLOPT_ERRORBUFFER, r->errbuf);
    SET(CURLOPT_USERAGENT, f->user_agent);
    SET(CURLOPT_HTTPHEADER, r->hdrs);
    SET(CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    SET(CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    SET(CURLOPT_ACCEPT_ENCODING, "");
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long)f->o.connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, (long)f->o.timeout_ms);
    if (wire_cap > 0)
        SET(CURLOPT_MAXFILESIZE_LARGE, wire_cap);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_PROXY, f->proxy ? f->proxy : "");
    r->guard = !f->o.allow_private && !(f->proxy && f->proxy[0]);
    SET(CURLOPT_PREREQFUNCTION, on_connected);
    SET(CURLOPT_PREREQDATA, (void *)r);
#undef SET
    if (rc != CURLE_OK) {
        curl_easy_cleanup(e);
        fetch_answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NET, "cannot set up '%s': %s", r->cur,
                     curl_easy_strerror(rc));
        return -1;
    }
    mc = curl_multi_add_handle(f->multi, e);
    if (mc != CURLM_OK) {
        curl_easy_cleanup(e);
        fetch_answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NET, "cannot start '%s': %s", r->cur,
                     curl_multi_strerror(mc));
        return -1;
    }
    r->easy = e;
    r->prev = NULL;
    r->next = f->active;
    if (f->active)
        f->active->prev = r;
    f->active = r;
    f->nactive++;
    fh_host_started(r->host, now);
    if (r->started == 0)
        r->started = now;
    f->stats.requests++;
    if (r->internal)
        f->stats.robots++;
    return 0;
}

void fetch_detach_transfer(wc_fetcher *f, request *r)
{
    if (!r->easy)
        return;
    curl_multi_remove_handle(f->multi, r->easy);
    curl_easy_cleanup(r->easy);
    r->easy = NULL;
    curl_slist_free_all(r->hdrs);
    r->hdrs = NULL;
    if (r->prev)
        r->prev->next = r->next;
    else
        f->active = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->prev = r->next = NULL;
    f->nactive--;
}

const char *fetch_reason_phrase(long s)
{
    switch (s) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 410:
        return "Gone";
    case 429:
        return "Too Many Requests";
    case 451:
        return "Unavailable For Legal Reasons";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "";
    }
}
