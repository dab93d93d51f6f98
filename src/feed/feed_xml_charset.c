/*
 * feed_xml_charset.c - which encoding a feed is in, and its text as UTF-8
 * (step 1 of feed_xml.c's reader).
 *
 * The rules of RFC 7303 (and RFC 3023 before it) as feed readers apply
 * them: a byte order mark wins; else UTF-16/32 recognised from how "<?"
 * is laid out (XML 1.0 appendix F); else the charset of the HTTP
 * Content-Type; else the XML declaration's encoding; else UTF-8. text/
 * types without a charset mean US-ASCII (RFC 3023). A declaration that
 * names a 16/32-bit encoding the bytes are not in is ignored.
 *
 * The candidates are tried in turn, strictly: when one cannot decode the
 * bytes the next is tried (the declaration, UTF-8, windows-1252, as
 * feedparser does) and the document is marked bozo. The last candidate
 * always succeeds, repairing what it must with the project's one policy
 * (utf8.c). Conversion is charset.c's, the converter pages use too: its
 * WHATWG label table, and for a name the table does not list (XML allows
 * any IANA name) whatever iconv knows by that name. Controls are left in
 * place: the tokenizer reports them.
 *
 * Not done: guessing an encoding from the bytes beyond the above (a feed
 * that says nothing and is not UTF-8 is read as windows-1252, which no
 * byte sequence fails).
 */
#include "feed_internal.h"

#include <stdio.h>
#include <string.h>

#include "wirecopy/charset.h"

#include "internal.h"

/* Copy a charset label, lower-cased, if it is a plausible name; "" otherwise. */
static void clean_label(const char *p, size_t len, char *out, size_t outlen)
{
    size_t i, n = 0;

    out[0] = '\0';
    wc_mem_trim(&p, &len);
    while (len && (p[0] == '"' || p[0] == '\'')) {
        p++;
        len--;
    }
    while (len && (p[len - 1] == '"' || p[len - 1] == '\'' || p[len - 1] == ' '))
        len--;
    if (!len || len >= outlen || len > 40)
        return;
    for (i = 0; i < len; i++) {
        char c = p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':')) {
            out[0] = '\0'; /* iconv would read "//" as options: refuse odd names */
            return;
        }
        out[n++] = wc_ascii_lower(c);
    }
    out[n] = '\0';
}

void wc_xml_http_charset(const char *ct, char *out, size_t outlen)
{
    const char *l;
    size_t n;

    out[0] = '\0';
    if (ct && wc_charset_param(ct, strlen(ct), &l, &n))
        clean_label(l, n, out, outlen);
}

/* The media type of a Content-Type, lower-cased, without parameters. */
static void media_type(const char *ct, char *out, size_t outlen)
{
    size_t n = 0;

    out[0] = '\0';
    if (!ct)
        return;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    while (*ct && *ct != ';' && *ct != ' ' && n + 1 < outlen)
        out[n++] = wc_ascii_lower(*ct++);
    out[n] = '\0';
}

/* BOM: the charset and its length, or NULL. */
static const char *bom_charset(const unsigned char *p, size_t len, size_t *bom)
{
    if (len >= 4 && p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0) {
        *bom = 4;
        return "utf-32le";
    }
    if (len >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF) {
        *bom = 4;
        return "utf-32be";
    }
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        *bom = 3;
        return "utf-8";
    }
    if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        *bom = 2;
        return "utf-16be";
    }
    if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        *bom = 2;
        return "utf-16le";
    }
    *bom = 0;
    return NULL;
}

/* UTF-16/32 without a BOM, told by where the zero bytes of "<" fall (XML 1.0 appendix F). */
static const char *sniff_wide(const unsigned char *p, size_t len)
{
    if (len < 4)
        return NULL;
    if (p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == '<')
        return "utf-32be";
    if (p[0] == '<' && p[1] == 0 && p[2] == 0 && p[3] == 0)
        return "utf-32le";
    /* ASCII in 16-bit units: zero high bytes ("<?", or blanks before it) */
    if (p[0] == 0 && p[1] != 0 && p[1] < 0x80 && p[2] == 0 && p[3] != 0 && p[3] < 0x80)
        return "utf-16be";
    if (p[0] != 0 && p[0] < 0x80 && p[1] == 0 && p[2] != 0 && p[2] < 0x80 && p[3] == 0)
        return "utf-16le";
    return NULL;
}

/* encoding="..." of an ASCII-compatible XML declaration. */
static void xml_decl_charset(const char *p, size_t len, char *out, size_t outlen)
{
    const char *e, *enc;
    size_t i = 0;

    out[0] = '\0';
    while (i < len && i < 1024 && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (len - i < 6 || memcmp(p + i, "<?xml", 5))
        return;
    p += i;
    len -= i;
    e = memchr(p, '>', WC_MIN(len, 512));
    if (!e)
        return;
    enc = wc_mem_istr(p, (size_t)(e - p), "encoding");
    if (!enc)
        return;
    enc += 8;
    while (enc < e && (*enc == ' ' || *enc == '\t' || *enc == '\r' || *enc == '\n'))
        enc++;
    if (enc >= e || *enc != '=')
        return;
    enc++;
    while (enc < e && (*enc == ' ' || *enc == '\t'))
        enc++;
    if (enc < e && (*enc == '"' || *enc == '\'')) {
        char q = *enc++;
        const char *end = memchr(enc, q, (size_t)(e - enc));
        if (end)
            clean_label(enc, (size_t)(end - enc), out, outlen);
    }
}

static bool is_wide_label(const char *l)
{
    return !strncmp(l, "utf-16", 6) || !strncmp(l, "utf-32", 6) || !strncmp(l, "ucs-", 4) ||
           !strcmp(l, "utf16") || !strcmp(l, "utf32") || !strcmp(l, "unicode");
}

/* ASCII's labels: WHATWG reads them as windows-1252, XML (RFC 3023) means 7 bits. */
static bool is_ascii_label(const char *l)
{
    return !strcmp(l, "us-ascii") || !strcmp(l, "ascii") || !strcmp(l, "ansi_x3.4-1968") ||
           !strcmp(l, "iso646-us") || !strcmp(l, "csascii");
}

/*
 * Convert p[0..len) from charset label into out (UTF-8) with charset.c,
 * the project's one converter: the WHATWG label table, and for a name it
 * does not list (XML allows any IANA name) whatever iconv knows by that
 * name. strict: fail with WC_ERR_PARSE at the first undecodable byte;
 * otherwise repair (utf8.c's policy). WC_ERR_ENCODING when nothing knows
 * the label (strict only: the last candidate, never strict, is one every
 * decoder knows). Controls are kept: the tokenizer reports them.
 */
static wc_status convert(const char *label, const char *p, size_t len, wc_buf *out, bool strict,
                         size_t *replaced)
{
    char canon[WC_CHARSET_NAME_MAX] = "";
    unsigned flags = WC_CHARSET_KEEP_CONTROLS | (strict ? WC_CHARSET_STRICT : 0);
    wc_charset cs;

    if (is_ascii_label(label)) {
        size_t i;
        for (i = 0; i < len; i++)
            if ((unsigned char)p[i] >= 0x80)
                return WC_ERR_PARSE; /* never the last candidate: strict */
        cs = WC_CHARSET_UTF8;
    } else if (!strcmp(label, "utf-32le") || !strcmp(label, "utf-32be")) {
        cs = WC_CHARSET_OTHER; /* from a BOM or the layout of "<?": no WHATWG label */
        snprintf(canon, sizeof(canon), "%s", label);
    } else if ((cs = wc_charset_lookup(label, strlen(label), canon)) == WC_CHARSET_UNKNOWN) {
        cs = WC_CHARSET_OTHER;
        snprintf(canon, sizeof(canon), "%s", label);
    }
    return wc_charset_convert(cs, canon, p, len, flags, out, replaced);
}

wc_status wc_xml_decode(const char *data, size_t len, const char *content_type, struct xdoc *doc,
                        wc_buf *out)
{
    const unsigned char *u = (const unsigned char *)data;
    char http[48], decl[48], mt[96];
    const char *cands[5];
    size_t ncand = 0, bom = 0, i, replaced = 0;
    const char *b = bom_charset(u, len, &bom);
    wc_status st;

    wc_xml_http_charset(content_type, http, sizeof(http));
    media_type(content_type, mt, sizeof(mt));
    if (b) {
        cands[ncand++] = b;
    } else if ((b = sniff_wide(u, len))) {
        cands[ncand++] = b;
    } else {
        xml_decl_charset(data, len, decl, sizeof(decl));
        if (decl[0] && is_wide_label(decl)) {
            wc_xml_bozo(doc, "declared a 16/32-bit encoding the bytes are not in");
            decl[0] = '\0';
        }
        if (http[0] && !is_wide_label(http)) {
            cands[ncand++] = http;
        } else if (!strncmp(mt, "text/", 5) && !http[0]) {
            /* RFC 3023: text/xml without charset is US-ASCII */
            cands[ncand++] = "us-ascii";
        }
        if (decl[0])
            cands[ncand++] = decl;
        cands[ncand++] = "utf-8";
        cands[ncand++] = "windows-1252";
    }
    for (i = 0; i < ncand; i++) {
        wc_buf_reset(out);
        st = convert(cands[i], data + bom, len - bom, out, i + 1 < ncand, &replaced);
        if (st == WC_ERR_NOMEM || st == WC_ERR_LIMIT)
            return st;
        if (st == WC_OK) {
            snprintf(doc->encoding, sizeof(doc->encoding), "%s", cands[i]);
            if (i > 0 || replaced)
                wc_xml_bozo(doc, "document is not in its declared encoding");
            return WC_OK;
        }
        if (st == WC_ERR_ENCODING)
            wc_xml_bozo(doc, "unknown character encoding");
    }
    return WC_ERR_ENCODING;
}
