/*
 * http_payload.c - the HTTP response inside a WARC `response` record:
 * status line, headers, and the body as the page's author wrote it.
 *
 * A WARC response block is the response as it came off the wire (RFC
 * 9112): a status line, header lines (possibly folded: a line starting
 * with a space or tab continues the previous header, RFC 7230 3.2.4), a
 * blank line, then the body with its transfer coding (chunked, RFC 9112
 * 7.1) and content codings (gzip, deflate, br; RFC 9110 8.4) still on.
 * We undo them in reverse order of application: chunked framing first,
 * then the transfer codings, then the content codings.
 *
 * Leniency, as browsers have it, because archived responses are what
 * servers sent, not what they should have sent:
 *   - bare LF line ends; header lines without a colon are ignored;
 *   - a "chunked" body whose first line is not a chunk size is taken as
 *     it is (some crawlers store the dechunked body but keep the header);
 *   - "Content-Encoding: gzip" over a body that is plainly text (no gzip
 *     or zlib header, starts like markup) is taken as it is;
 *   - "deflate" is tried as zlib data (RFC 1950, what the standard says)
 *     and then as raw deflate (what some servers send);
 *   - a coded stream that ends early keeps what it decoded: crawlers cut
 *     long payloads (WARC-Truncated) and the start of a page is still the
 *     page. A damaged stream is an error.
 * The decoded size is capped: a gzip bomb stops at the cap with
 * WC_ERR_LIMIT after costing at most cap bytes of memory.
 *
 * Not done: compress, zstd (not offered by crawlers of this period) and
 * HTTP/2 framing (WARC writers store HTTP/2 responses as HTTP/1.1 text).
 */
#define _GNU_SOURCE
#include "dump_internal.h"

#include <stdio.h>
#include <string.h>

#include <brotli/decode.h>
#include <zlib.h>

#include "internal.h"

/* 8 codings at most in one response: real ones use one. */
#define MAX_CODINGS 8

static void trim(const char **p, size_t *len)
{
    while (*len && wc_xml_space(**p)) {
        (*p)++;
        (*len)--;
    }
    while (*len && wc_xml_space((*p)[*len - 1]))
        (*len)--;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Status line: HTTP/1.0, HTTP/1.1, HTTP/2, HTTP/2.0 then a three-digit status. */
static bool parse_status_line(const char *p, size_t len, wc_http_head *h)
{
    size_t i = 5;

    if (len < 5 || memcmp(p, "HTTP/", 5) != 0)
        return false;
    if (i >= len || !is_digit(p[i]))
        return false;
    h->version = (p[i] - '0') * 10;
    i++;
    if (i < len && p[i] == '.') {
        if (i + 1 >= len || !is_digit(p[i + 1]))
            return false;
        h->version += p[i + 1] - '0';
        i += 2;
    }
    if (i >= len || (p[i] != ' ' && p[i] != '\t'))
        return false;
    while (i < len && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (i + 3 > len || !is_digit(p[i]) || !is_digit(p[i + 1]) || !is_digit(p[i + 2]))
        return false;
    h->status = (p[i] - '0') * 100 + (p[i + 1] - '0') * 10 + (p[i + 2] - '0');
    if (h->status < 100)
        return false;
    i += 3;
    return i == len || p[i] == ' ' || p[i] == '\t' || p[i] == '\r';
}

wc_status wc_http_parse_head(const char *p, size_t len, wc_http_head *h, wc_error *err)
{
    const char *nl, *line;
    size_t pos, llen;
    const char **last = NULL; /* value slice a folded line extends */
    size_t *last_len = NULL;

    memset(h, 0, sizeof(*h));
    nl = memchr(p, '\n', len);
    if (!nl)
        return len >= 5 && memcmp(p, "HTTP/", 5) == 0
                   ? wc_error_set(err, WC_ERR_LIMIT, "HTTP status line does not end")
                   : wc_error_set(err, WC_ERR_PARSE, "no HTTP status line");
    llen = (size_t)(nl - p);
    if (llen && p[llen - 1] == '\r')
        llen--;
    if (!parse_status_line(p, llen, h))
        return wc_error_set(err, WC_ERR_PARSE, "no HTTP status line");
    pos = (size_t)(nl - p) + 1;
    for (;;) {
        const char *colon;

        nl = memchr(p + pos, '\n', len - pos);
        if (!nl)
            return wc_error_set(err, WC_ERR_LIMIT, "HTTP header does not end");
        line = p + pos;
        llen = (size_t)(nl - line);
        pos = (size_t)(nl - p) + 1;
        if (llen && line[llen - 1] == '\r')
            llen--;
        if (llen == 0)
            break;
        if (line[0] == ' ' || line[0] == '\t') {
            /* obsolete line folding: the value goes on to the end of this line */
            if (last && *last)
                *last_len = (size_t)(line + llen - *last);
            continue;
        }
        last = NULL;
        colon = memchr(line, ':', llen);
        if (!colon || colon == line)
            continue;
        {
            const char *name = line, *val = colon + 1;
            size_t nlen = (size_t)(colon - line), vlen = llen - nlen - 1;

            trim(&name, &nlen);
            trim(&val, &vlen);
            if (wc_mem_ieq(name, nlen, "content-type") && !h->ctype) {
                last = &h->ctype;
                last_len = &h->ctype_len;
            } else if (wc_mem_ieq(name, nlen, "content-encoding") && !h->cenc) {
                last = &h->cenc;
                last_len = &h->cenc_len;
            } else if (wc_mem_ieq(name, nlen, "transfer-encoding") && !h->tenc) {
                last = &h->tenc;
                last_len = &h->tenc_len;
            }
            if (last) {
                *last = val;
                *last_len = vlen;
            }
        }
    }
    h->head_len = pos;
    return WC_OK;
}

/* --- codings ------------------------------------------------------------ */

typedef enum coding { COD_IDENTITY, COD_GZIP, COD_DEFLATE, COD_BR, COD_CHUNKED } coding;

/* Append the codings named in a comma list to list[*n]; false for an unknown one (named in err). */
static bool parse_codings(const char *p, size_t len, coding *list, size_t *n, wc_error *err)
{
    size_t i = 0;

    while (i < len) {
        const char *tok = p + i;
        size_t tlen;
        const char *comma = memchr(tok, ',', len - i);
        const char *semi;
        coding c;

        tlen = comma ? (size_t)(comma - tok) : len - i;
        i += tlen + 1;
        semi = memchr(tok, ';', tlen);
        if (semi)
            tlen = (size_t)(semi - tok);
        trim(&tok, &tlen);
        if (!tlen || wc_mem_ieq(tok, tlen, "identity") || wc_mem_ieq(tok, tlen, "none"))
            continue;
        if (wc_mem_ieq(tok, tlen, "gzip") || wc_mem_ieq(tok, tlen, "x-gzip"))
            c = COD_GZIP;
        else if (wc_mem_ieq(tok, tlen, "deflate"))
            c = COD_DEFLATE;
        else if (wc_mem_ieq(tok, tlen, "br"))
            c = COD_BR;
        else if (wc_mem_ieq(tok, tlen, "chunked"))
            c = COD_CHUNKED;
        else {
            wc_error_set(err, WC_ERR_UNSUPPORTED, "unsupported content coding '%.*s'",
                         (int)WC_MIN(tlen, 40), tok);
            return false;
        }
        if (*n == MAX_CODINGS) {
            wc_error_set(err, WC_ERR_UNSUPPORTED, "more than %d codings", MAX_CODINGS);
            return false;
        }
        list[(*n)++] = c;
    }
    return true;
}

/* Append p[0..len) to out, refusing to pass cap. */
static wc_status add_capped(wc_buf *out, const char *p, size_t len, size_t cap, wc_error *err)
{
    if (len > cap - WC_MIN(cap, out->len))
        return wc_error_set(err, WC_ERR_LIMIT, "decoded payload over the cap of %zu bytes", cap);
    if (wc_buf_add(out, p, len) != WC_OK)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory decoding payload");
    return WC_OK;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Undo chunked framing: size in hex, optional ";ext", line end, data, line
 * end, ..., a zero size, trailers. *framed = false when the first line is
 * not a chunk size (the body was stored unchunked). Stops quietly where
 * the framing breaks or the bytes end.
 */
static wc_status dechunk(const char *p, size_t len, wc_buf *out, size_t cap, bool *framed,
                         wc_error *err)
{
    size_t i = 0;
    bool first = true;
    wc_status st;

    *framed = true;
    while (i < len) {
        uint64_t size = 0;
        size_t digits = 0;
        const char *nl;
        int v;

        while (i < len && (p[i] == ' ' || p[i] == '\t'))
            i++;
        while (i < len && (v = hexval(p[i])) >= 0) {
            if (size > (UINT64_MAX >> 4))
                return wc_error_set(err, WC_ERR_LIMIT, "chunk size out of range");
            size = size * 16 + (uint64_t)v;
            digits++;
            i++;
        }
        nl = digits ? memchr(p + i, '\n', len - i) : NULL;
        if (!nl) {
            if (first)
                *framed = false;
            return WC_OK;
        }
        /* between the digits and the line end only an extension or spaces */
        if (p[i] != ';' && p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') {
            if (first)
                *framed = false;
            return WC_OK;
        }
        i = (size_t)(nl - p) + 1;
        first = false;
        if (size == 0)
            return WC_OK;
        if (size > len - i)
            size = len - i; /* cut short: keep what is there */
        if ((st = add_capped(out, p + i, (size_t)size, cap, err)) != WC_OK)
            return st;
        i += (size_t)size;
        if (i < len && p[i] == '\r')
            i++;
        if (i < len && p[i] == '\n')
            i++;
        else if (i < len)
            return WC_OK; /* framing broken: the rest cannot be trusted */
    }
    return WC_OK;
}

/* Make room to write into: at least one byte, never past cap + 1 (to see an overflow). */
static wc_status out_room(wc_buf *out, size_t cap, size_t hint, size_t *room, wc_error *err)
{
    size_t want = hint < 65536 ? 65536 : hint;

    if (out->len > cap)
        return wc_error_set(err, WC_ERR_LIMIT, "decoded payload over the cap of %zu bytes", cap);
    if (want > cap + 1 - out->len)
        want = cap + 1 - out->len;
    if (out->cap < out->len + 2 && wc_buf_grow(out, want) != WC_OK)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory decoding payload");
    *room = out->cap - out->len - 1;
    if (*room > cap + 1 - out->len)
        *room = cap + 1 - out->len;
    return WC_OK;
}

/* Does the body start like text rather than compressed data? */
static bool looks_like_text(const char *p, size_t len)
{
    size_t i = 0;

    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && wc_xml_space(p[i]))
        i++;
    return i < len && p[i] == '<';
}

/* inflate gzip (windowBits 15+32 also takes zlib) or zlib/raw deflate. */
static wc_status inflate_to(const char *p, size_t len, coding c, wc_buf *out, size_t cap,
                            wc_error *err)
{
    z_stream zs;
    int wbits = c == COD_GZIP ? 15 + 32 : 15;
    bool raw_tried = false;
    size_t used = 0;
    wc_status st = WC_OK;
    int ret;

    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, wbits) != Z_OK)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory decoding payload");
    for (;;) {
        size_t room, made;

        if ((st = out_room(out, cap, len * 4, &room, err)) != WC_OK)
            break;
        zs.next_in = (Bytef *)(uintptr_t)(p + used);
        zs.avail_in = (uInt)WC_MIN(len - used, (size_t)UINT32_MAX);
        zs.next_out = (Bytef *)out->buf + out->len;
        zs.avail_out = (uInt)WC_MIN(room, (size_t)UINT32_MAX);
        ret = inflate(&zs, Z_NO_FLUSH);
        used += (size_t)((const char *)zs.next_in - (p + used));
        made = (size_t)((char *)zs.next_out - (out->buf + out->len));
        out->len += made;
        out->buf[out->len] = '\0';
        if (out->len > cap) {
            st = wc_error_set(err, WC_ERR_LIMIT, "decoded payload over the cap of %zu bytes", cap);
            break;
        }
        if (ret == Z_STREAM_END) {
            /* another gzip member may follow (concatenated gzip is valid) */
            if (c == COD_GZIP && len - used >= 2 && (unsigned char)p[used] == 0x1f &&
                (unsigned char)p[used + 1] == 0x8b) {
                if (inflateReset(&zs) != Z_OK)
                    break;
                continue;
            }
            break;
        }
        if (ret == Z_OK)
            continue;
        if (ret == Z_BUF_ERROR) {
            if (used == len)
                break; /* stream ends early: keep what came out */
            continue;
        }
        if (ret == Z_MEM_ERROR) {
            st = wc_error_set(err, WC_ERR_NOMEM, "out of memory decoding payload");
            break;
        }
        /* damaged, or not in the format the header claimed */
        if (out->len == 0 && c == COD_DEFLATE && !raw_tried) {
            raw_tried = true;
            used = 0;
            if (inflateReset2(&zs, -15) != Z_OK)
                break;
            continue;
        }
        if (out->len == 0 && used <= 10 && looks_like_text(p, len)) {
            st = add_capped(out, p, len, cap, err);
            break;
        }
        st = wc_error_set(err, WC_ERR_PARSE, "corrupt %s content coding (%s)",
                          c == COD_GZIP ? "gzip" : "deflate", zs.msg ? zs.msg : "data error");
        break;
    }
    inflateEnd(&zs);
    return st;
}

static wc_status brotli_to(const char *p, size_t len, wc_buf *out, size_t cap, wc_error *err)
{
    BrotliDecoderState *s = BrotliDecoderCreateInstance(NULL, NULL, NULL);
    const uint8_t *next_in = (const uint8_t *)p;
    size_t avail_in = len;
    wc_status st = WC_OK;

    if (!s)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory decoding payload");
    for (;;) {
        size_t room, avail_out, made;
        uint8_t *next_out;
        BrotliDecoderResult r;

        if ((st = out_room(out, cap, len * 4, &room, err)) != WC_OK)
            break;
        avail_out = room;
        next_out = (uint8_t *)out->buf + out->len;
        r = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, NULL);
        made = room - avail_out;
        out->len += made;
        out->buf[out->len] = '\0';
        if (out->len > cap) {
            st = wc_error_set(err, WC_ERR_LIMIT, "decoded payload over the cap of %zu bytes", cap);
            break;
        }
        if (r == BROTLI_DECODER_RESULT_SUCCESS || r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
            break; /* done, or cut short: keep what came out */
        if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT)
            continue;
        st = wc_error_set(err, WC_ERR_PARSE, "corrupt br content coding (%s)",
                          BrotliDecoderErrorString(BrotliDecoderGetErrorCode(s)));
        break;
    }
    BrotliDecoderDestroyInstance(s);
    return st;
}

static void swap_bufs(wc_buf *a, wc_buf *b)
{
    wc_buf t = *a;

    *a = *b;
    *b = t;
}

wc_status wc_http_decode_body(const wc_http_head *h, const char *p, size_t len, wc_buf *out,
                              wc_buf *tmp, size_t cap, wc_error *err)
{
    coding list[2 * MAX_CODINGS];
    size_t n = 0, ncontent, i;
    bool chunked = false;
    const char *src = p;
    size_t srclen = len;
    wc_status st;

    wc_buf_reset(out);
    wc_buf_reset(tmp);
    if (h->cenc && !parse_codings(h->cenc, h->cenc_len, list, &n, err))
        return err ? err->code : WC_ERR_UNSUPPORTED;
    ncontent = n;
    if (h->tenc && !parse_codings(h->tenc, h->tenc_len, list, &n, err))
        return err ? err->code : WC_ERR_UNSUPPORTED;
    /* chunked is framing, not a coding of the bytes: pull it out of the list */
    for (i = ncontent; i < n; i++) {
        if (list[i] == COD_CHUNKED) {
            chunked = true;
            memmove(list + i, list + i + 1, (n - i - 1) * sizeof(*list));
            n--;
            i--;
        }
    }
    for (i = 0; i < ncontent; i++)
        if (list[i] == COD_CHUNKED)
            return wc_error_set(err, WC_ERR_UNSUPPORTED, "chunked given as a content coding");
    if (chunked) {
        bool framed;

        if ((st = dechunk(p, len, out, n ? len : cap, &framed, err)) != WC_OK)
            return st;
        if (framed) {
            swap_bufs(out, tmp);
            src = tmp->buf;
            srclen = tmp->len;
        } else {
            wc_buf_reset(out);
        }
    }
    if (n == 0) {
        if (src == p)
            return add_capped(out, p, len, cap, err);
        swap_bufs(out, tmp);
        return WC_OK;
    }
    /* undo the codings, last applied first; out and tmp take turns */
    for (i = n; i-- > 0;) {
        wc_buf_reset(out);
        if (list[i] == COD_BR)
            st = brotli_to(src, srclen, out, cap, err);
        else
            st = inflate_to(src, srclen, list[i], out, cap, err);
        if (st != WC_OK)
            return st;
        if (i) {
            swap_bufs(out, tmp);
            src = tmp->buf;
            srclen = tmp->len;
        }
    }
    return WC_OK;
}

/* --- Content-Type ------------------------------------------------------- */

bool wc_http_type_is_html(const char *ct, size_t len)
{
    const char *semi = memchr(ct, ';', len);

    if (semi)
        len = (size_t)(semi - ct);
    trim(&ct, &len);
    return wc_mem_ieq(ct, len, "text/html") || wc_mem_ieq(ct, len, "application/xhtml+xml");
}

/* WHATWG MIME sniffing, "rules for identifying an unknown MIME type", the HTML patterns. */
bool wc_http_sniff_html(const char *p, size_t len)
{
    static const char *const tags[] = {"<!doctype html",
                                       "<html",
                                       "<head",
                                       "<script",
                                       "<iframe",
                                       "<h1",
                                       "<div",
                                       "<font",
                                       "<table",
                                       "<a",
                                       "<style",
                                       "<title",
                                       "<b",
                                       "<body",
                                       "<br",
                                       "<p",
                                       "<!--"};
    size_t i = 0, k;

    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r' || p[i] == '\f'))
        i++;
    for (k = 0; k < WC_ARRAY_SIZE(tags); k++) {
        size_t tl = strlen(tags[k]);

        if (!wc_mem_istarts(p + i, len - i, tags[k]))
            continue;
        if (k == WC_ARRAY_SIZE(tags) - 1)
            return true; /* a comment */
        if (i + tl < len && (p[i + tl] == ' ' || p[i + tl] == '>'))
            return true;
    }
    return false;
}
