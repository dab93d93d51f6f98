/*
 * charset.c - bytes in a named encoding to valid UTF-8 (see charset.h).
 *
 * Three encodings cover nearly every page on the web and are converted
 * here without help: UTF-8, windows-1252 (which the WHATWG Encoding
 * standard also uses for the labels ISO-8859-1 and US-ASCII, since
 * servers say "latin1" while authors type curly quotes from 0x80-0x9F)
 * and UTF-16 with a byte order. The rest (Shift_JIS, GB18030, KOI8-R,
 * ISO-8859-5, ...) goes through the C library's iconv, one descriptor per
 * call, so the module keeps no state and is thread-safe.
 *
 * UTF-8 is repaired by utf8.c's wc_utf8_repair, the policy every source
 * of text shares (a byte that begins no well-formed sequence is read as
 * windows-1252, C1 controls too; see utf8.c for why), and the output of
 * every other decoder goes through the same rules for controls. There is
 * one converter in the project: pages (extract_charset.c) and feeds
 * (feed_xml.c) both convert here, with the one label table below.
 *
 * Two flags serve the feed reader, which tries encodings in turn the way
 * feed readers do (RFC 7303, feedparser): WC_CHARSET_STRICT fails at the
 * first byte the encoding cannot decode (WC_ERR_PARSE) or when no decoder
 * knows the name (WC_ERR_ENCODING), so the caller can try the next
 * candidate; WC_CHARSET_KEEP_CONTROLS leaves controls in place for the
 * XML tokenizer, which reports them, and C1 controls for the feed
 * builder, which must see them before it undoes double encoding.
 *
 * What it does not do: guess an encoding (extract_charset.c and the feed
 * reader decide), or handle stateful encodings beyond what iconv offers.
 */
#include "wirecopy/charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static wc_status put_cp(wc_buf *out, uint32_t cp)
{
    char tmp[4];

    return wc_buf_add(out, tmp, wc_utf8_encode(cp, tmp));
}

/*
 * Append one decoded code point under the repair policy (utf8.c): NUL
 * dropped, other controls dropped unless the caller keeps them, C1
 * controls read as windows-1252, U+FFFD counted.
 */
static wc_status emit(wc_buf *out, uint32_t cp, unsigned flags, size_t *replaced)
{
    bool keep = (flags & WC_CHARSET_KEEP_CONTROLS) != 0;

    if (cp == 0)
        return WC_OK;
    if (!keep && ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F))
        return WC_OK;
    if (!keep && cp >= 0x80 && cp < 0xA0) {
        cp = wc_cp1252_decode((unsigned char)cp);
        if (!cp) {
            cp = 0xFFFD;
            if (replaced)
                (*replaced)++;
        }
    }
    return put_cp(out, cp);
}

bool wc_charset_utf8_clean(const char *p, size_t len)
{
    return wc_utf8_clean(p, len);
}

static wc_status from_utf8(const char *p, size_t len, unsigned flags, wc_buf *out, size_t *replaced)
{
    if ((flags & WC_CHARSET_STRICT) && !wc_utf8_valid(p, len))
        return WC_ERR_PARSE;
    return wc_utf8_repair(out, p, len,
                          (flags & WC_CHARSET_KEEP_CONTROLS) ? WC_UTF8_KEEP_CONTROLS : 0, replaced);
}

static wc_status from_1252(const char *p, size_t len, unsigned flags, wc_buf *out, size_t *replaced)
{
    const unsigned char *s = (const unsigned char *)p;
    bool keep = (flags & WC_CHARSET_KEEP_CONTROLS) != 0;
    size_t i, start = 0;
    wc_status st;

    for (i = 0; i < len; i++) {
        unsigned char c = s[i];
        uint32_t cp;
        if (c < 0x80 && c != 0 &&
            (keep || (c >= 0x20 && c != 0x7F) || c == '\t' || c == '\n' || c == '\r'))
            continue;
        if (c >= 0x80 && !wc_cp1252_decode(c) && (flags & WC_CHARSET_STRICT))
            return WC_ERR_PARSE;
        if ((st = wc_buf_add(out, p + start, i - start)))
            return st;
        start = i + 1;
        if (c < 0x80)
            continue; /* a dropped control */
        cp = wc_cp1252_decode(c);
        if (!cp) {
            cp = 0xFFFD;
            if (replaced)
                (*replaced)++;
        }
        if ((st = put_cp(out, cp)))
            return st;
    }
    return wc_buf_add(out, p + start, len - start);
}

static wc_status from_utf16(const char *p, size_t len, bool be, unsigned flags, wc_buf *out,
                            size_t *replaced)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i;
    wc_status st;

    for (i = 0; i + 1 < len; i += 2) {
        uint32_t u = be ? (uint32_t)(s[i] << 8 | s[i + 1]) : (uint32_t)(s[i + 1] << 8 | s[i]);
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
            uint32_t lo =
                be ? (uint32_t)(s[i + 2] << 8 | s[i + 3]) : (uint32_t)(s[i + 3] << 8 | s[i + 2]);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF) {
            if (flags & WC_CHARSET_STRICT)
                return WC_ERR_PARSE;
            u = 0xFFFD;
            if (replaced)
                (*replaced)++;
        }
        if ((st = emit(out, u, flags, replaced)))
            return st;
    }
    if (i < len) { /* odd trailing byte */
        if (flags & WC_CHARSET_STRICT)
            return WC_ERR_PARSE;
        if (replaced)
            (*replaced)++;
    }
    return WC_OK;
}

/* windows-1252 byte for code point cp, or -1; a C1 control passed through is its own byte. */
static int to_cp1252(uint32_t cp)
{
    if (cp >= 0x80 && cp < 0xA0)
        return (int)cp;
    return wc_cp1252_encode(cp);
}

/*
 * Double-encoded UTF-8 ("mojibake"): text that was UTF-8, read as
 * windows-1252 and written out as UTF-8 again, so that ’ shows as "â€™"
 * and é as "Ã©". At a character U+00C2-U+00F4 (a UTF-8 lead byte read as
 * 1252) followed by the right number of characters whose 1252 bytes are
 * 0x80-0xBF (continuation bytes), the bytes are put back together; only
 * when they form one well-formed character is the run replaced. Real text
 * practically never has a capital A-tilde or a-circumflex followed by a
 * euro sign, a copyright sign or a trademark sign, so this is safe.
 */
size_t wc_charset_fix_mojibake(const char *p, size_t len, wc_buf *out, wc_status *st)
{
    size_t i = 0, start = 0, fixed = 0;

    *st = WC_OK;
    while (i < len) {
        uint32_t cp, c2;
        unsigned char bytes[4];
        size_t n = wc_utf8_decode(p + i, len - i, &cp), k, need, at;
        bool ok = true;

        if (!n) {
            i++;
            continue;
        }
        if (cp < 0xC2 || cp > 0xF4) {
            i += n;
            continue;
        }
        need = cp < 0xE0 ? 1 : cp < 0xF0 ? 2 : 3;
        bytes[0] = (unsigned char)cp;
        at = i + n;
        for (k = 0; k < need && ok; k++) {
            int b;
            size_t m = at < len ? wc_utf8_decode(p + at, len - at, &c2) : 0;
            if (!m || (b = to_cp1252(c2)) < 0x80 || b > 0xBF)
                ok = false;
            else {
                bytes[k + 1] = (unsigned char)b;
                at += m;
            }
        }
        if (ok && wc_utf8_decode((const char *)bytes, need + 1, &c2) == need + 1) {
            if ((*st = wc_buf_add(out, p + start, i - start)) ||
                (*st = wc_buf_add(out, bytes, need + 1)))
                return fixed;
            fixed++;
            start = i = at;
            continue;
        }
        i += n;
    }
    *st = wc_buf_add(out, p + start, len - start);
    return fixed;
}

/* Chunk of converted text handed from iconv to the buffer at a time. */
#define ICONV_CHUNK 4096

static wc_status from_iconv(const char *canon, const char *p, size_t len, unsigned flags,
                            wc_buf *out, size_t *replaced)
{
    iconv_t cd = iconv_open("UTF-8", canon);
    char chunk[ICONV_CHUNK];
    char *in = (char *)p;
    size_t inleft = len;
    unsigned keep = (flags & WC_CHARSET_KEEP_CONTROLS) ? WC_UTF8_KEEP_CONTROLS : 0;
    wc_status st = WC_OK;

    if (cd == (iconv_t)-1) {
        if (flags & WC_CHARSET_STRICT)
            return WC_ERR_ENCODING;
        return from_utf8(p, len, flags, out, replaced);
    }
    while (inleft > 0) {
        char *o = chunk;
        size_t oleft = sizeof(chunk);
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        int e = errno;
        /* iconv output is well-formed UTF-8: the repair only sees to the controls */
        if ((st = wc_utf8_repair(out, chunk, (size_t)(o - chunk), keep, NULL)))
            break;
        if (r != (size_t)-1)
            continue;
        if (e == E2BIG)
            continue;
        if (flags & WC_CHARSET_STRICT) {
            st = WC_ERR_PARSE;
            break;
        }
        /* EILSEQ or EINVAL (truncated at the end): one byte becomes U+FFFD */
        if ((st = put_cp(out, 0xFFFD)))
            break;
        if (replaced)
            (*replaced)++;
        in++;
        inleft--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    iconv_close(cd);
    return st;
}

wc_status wc_charset_convert(wc_charset cs, const char *canon, const char *p, size_t len,
                             unsigned flags, wc_buf *out, size_t *replaced)
{
    switch (cs) {
    case WC_CHARSET_WINDOWS_1252:
        return from_1252(p, len, flags, out, replaced);
    case WC_CHARSET_UTF16LE:
        return from_utf16(p, len, false, flags, out, replaced);
    case WC_CHARSET_UTF16BE:
        return from_utf16(p, len, true, flags, out, replaced);
    case WC_CHARSET_OTHER:
        if (canon && *canon)
            return from_iconv(canon, p, len, flags, out, replaced);
        return from_utf8(p, len, flags, out, replaced);
    default:
        return from_utf8(p, len, flags, out, replaced);
    }
}

wc_status wc_charset_to_utf8(const char *label, const char *p, size_t len, wc_buf *out,
                             size_t *replaced)
{
    char canon[WC_CHARSET_NAME_MAX];
    wc_charset cs = WC_CHARSET_UTF8;

    canon[0] = '\0';
    if (label)
        cs = wc_charset_lookup(label, strlen(label), canon);
    return wc_charset_convert(cs, canon, p, len, 0, out, replaced);
}

/* --- the charset parameter of a Content-Type ------------------------------ */

static bool label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ':' || c == '+';
}

bool wc_charset_param(const char *ct, size_t len, const char **label, size_t *label_len)
{
    size_t i = 0;

    while (ct && i < len) {
        const char *semi = memchr(ct + i, ';', len - i), *name, *eq, *val;
        size_t plen, nlen, vlen, k;

        if (!semi)
            return false;
        i = (size_t)(semi - ct) + 1;
        semi = memchr(ct + i, ';', len - i);
        plen = semi ? (size_t)(semi - (ct + i)) : len - i;
        name = ct + i;
        eq = memchr(name, '=', plen);
        if (!eq)
            continue;
        nlen = (size_t)(eq - name);
        wc_mem_trim(&name, &nlen); /* blanks, and the CR LF of a folded header line */
        if (!wc_mem_ieq(name, nlen, "charset"))
            continue;
        val = eq + 1;
        vlen = (size_t)(ct + i + plen - val);
        wc_mem_trim(&val, &vlen);
        if (vlen >= 2 && (val[0] == '"' || val[0] == '\'') && val[vlen - 1] == val[0]) {
            val++;
            vlen -= 2;
        }
        if (vlen == 0 || vlen >= WC_CHARSET_NAME_MAX)
            return false;
        for (k = 0; k < vlen; k++)
            if (!label_char(val[k]))
                return false;
        *label = val;
        *label_len = vlen;
        return true;
    }
    return false;
}

/* --- labels ------------------------------------------------------------ */

struct label {
    const char *name; /* lower-case label */
    wc_charset cs;
    const char *iconv; /* name for iconv when cs is WC_CHARSET_OTHER */
};

/* WHATWG Encoding labels (the common ones), mapped to what we convert with. */
static const struct label labels[] = {
    {"utf-8", WC_CHARSET_UTF8, NULL},
    {"utf8", WC_CHARSET_UTF8, NULL},
    {"unicode-1-1-utf-8", WC_CHARSET_UTF8, NULL},
    {"x-unicode20utf8", WC_CHARSET_UTF8, NULL},
    {"utf-16", WC_CHARSET_UTF16LE, NULL},
    {"utf-16le", WC_CHARSET_UTF16LE, NULL},
    {"ucs-2", WC_CHARSET_UTF16LE, NULL},
    {"unicode", WC_CHARSET_UTF16LE, NULL},
    {"csunicode", WC_CHARSET_UTF16LE, NULL},
    {"iso-10646-ucs-2", WC_CHARSET_UTF16LE, NULL},
    {"unicodefeff", WC_CHARSET_UTF16LE, NULL},
    {"utf-16be", WC_CHARSET_UTF16BE, NULL},
    {"unicodefffe", WC_CHARSET_UTF16BE, NULL},
    {"windows-1252", WC_CHARSET_WINDOWS_1252, NULL},
    {"cp1252", WC_CHARSET_WINDOWS_1252, NULL},
    {"x-cp1252", WC_CHARSET_WINDOWS_1252, NULL},
    {"iso-8859-1", WC_CHARSET_WINDOWS_1252, NULL},
    {"iso8859-1", WC_CHARSET_WINDOWS_1252, NULL},
    {"iso88591", WC_CHARSET_WINDOWS_1252, NULL},
    {"iso_8859-1", WC_CHARSET_WINDOWS_1252, NULL},
    {"iso_8859-1:1987", WC_CHARSET_WINDOWS_1252, NULL},
    {"latin1", WC_CHARSET_WINDOWS_1252, NULL},
    {"latin-1", WC_CHARSET_WINDOWS_1252, NULL},
    {"l1", WC_CHARSET_WINDOWS_1252, NULL},
    {"cp819", WC_CHARSET_WINDOWS_1252, NULL},
    {"ibm819", WC_CHARSET_WINDOWS_1252, NULL},
    {"csisolatin1", WC_CHARSET_WINDOWS_1252, NULL},
    {"iso-ir-100", WC_CHARSET_WINDOWS_1252, NULL},
    {"us-ascii", WC_CHARSET_WINDOWS_1252, NULL},
    {"ascii", WC_CHARSET_WINDOWS_1252, NULL},
    {"ansi_x3.4-1968", WC_CHARSET_WINDOWS_1252, NULL},
    {"iso-8859-15", WC_CHARSET_OTHER, "ISO-8859-15"},
    {"latin9", WC_CHARSET_OTHER, "ISO-8859-15"},
    {"iso-8859-9", WC_CHARSET_OTHER, "WINDOWS-1254"},
    {"latin5", WC_CHARSET_OTHER, "WINDOWS-1254"},
    {"iso-8859-11", WC_CHARSET_OTHER, "WINDOWS-874"},
    {"tis-620", WC_CHARSET_OTHER, "WINDOWS-874"},
    {"windows-874", WC_CHARSET_OTHER, "WINDOWS-874"},
    {"latin2", WC_CHARSET_OTHER, "ISO-8859-2"},
    {"koi8-r", WC_CHARSET_OTHER, "KOI8-R"},
    {"koi8r", WC_CHARSET_OTHER, "KOI8-R"},
    {"koi8-u", WC_CHARSET_OTHER, "KOI8-U"},
    {"koi8-ru", WC_CHARSET_OTHER, "KOI8-U"},
    {"ibm866", WC_CHARSET_OTHER, "CP866"},
    {"cp866", WC_CHARSET_OTHER, "CP866"},
    {"macintosh", WC_CHARSET_OTHER, "MACINTOSH"},
    {"mac", WC_CHARSET_OTHER, "MACINTOSH"},
    {"x-mac-roman", WC_CHARSET_OTHER, "MACINTOSH"},
    {"shift_jis", WC_CHARSET_OTHER, "CP932"},
    {"shift-jis", WC_CHARSET_OTHER, "CP932"},
    {"sjis", WC_CHARSET_OTHER, "CP932"},
    {"x-sjis", WC_CHARSET_OTHER, "CP932"},
    {"ms_kanji", WC_CHARSET_OTHER, "CP932"},
    {"windows-31j", WC_CHARSET_OTHER, "CP932"},
    {"csshiftjis", WC_CHARSET_OTHER, "CP932"},
    {"euc-jp", WC_CHARSET_OTHER, "EUC-JP"},
    {"x-euc-jp", WC_CHARSET_OTHER, "EUC-JP"},
    {"iso-2022-jp", WC_CHARSET_OTHER, "ISO-2022-JP"},
    {"gb2312", WC_CHARSET_OTHER, "GB18030"},
    {"gbk", WC_CHARSET_OTHER, "GB18030"},
    {"x-gbk", WC_CHARSET_OTHER, "GB18030"},
    {"gb18030", WC_CHARSET_OTHER, "GB18030"},
    {"gb_2312-80", WC_CHARSET_OTHER, "GB18030"},
    {"csgb2312", WC_CHARSET_OTHER, "GB18030"},
    {"chinese", WC_CHARSET_OTHER, "GB18030"},
    {"euc-cn", WC_CHARSET_OTHER, "GB18030"},
    {"big5", WC_CHARSET_OTHER, "BIG5-HKSCS"},
    {"big5-hkscs", WC_CHARSET_OTHER, "BIG5-HKSCS"},
    {"cn-big5", WC_CHARSET_OTHER, "BIG5-HKSCS"},
    {"x-x-big5", WC_CHARSET_OTHER, "BIG5-HKSCS"},
    {"euc-kr", WC_CHARSET_OTHER, "CP949"},
    {"ks_c_5601-1987", WC_CHARSET_OTHER, "CP949"},
    {"ksc5601", WC_CHARSET_OTHER, "CP949"},
    {"windows-949", WC_CHARSET_OTHER, "CP949"},
    {"cp949", WC_CHARSET_OTHER, "CP949"},
};

wc_charset wc_charset_lookup(const char *p, size_t len, char *canon)
{
    char low[WC_CHARSET_NAME_MAX];
    size_t i, n = 0;
    uint64_t num;
    unsigned v;

    if (canon)
        canon[0] = '\0';
    while (len &&
           (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'' || *p == '\n' || *p == '\r')) {
        p++;
        len--;
    }
    while (len &&
           (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '"' || p[len - 1] == '\'' ||
            p[len - 1] == ';' || p[len - 1] == '\n' || p[len - 1] == '\r'))
        len--;
    if (!len || len >= sizeof(low))
        return WC_CHARSET_UNKNOWN;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == ':'))
            return WC_CHARSET_UNKNOWN;
        low[n++] = (char)c;
    }
    low[n] = '\0';
    for (i = 0; i < WC_ARRAY_SIZE(labels); i++) {
        if (strcmp(labels[i].name, low) != 0)
            continue;
        if (canon && labels[i].iconv)
            snprintf(canon, WC_CHARSET_NAME_MAX, "%s", labels[i].iconv);
        return labels[i].cs;
    }
    /* families: iso-8859-N / iso8859-N / iso_8859-N, windows-125N / cp125N */
    if ((wc_mem_istarts(low, n, "iso-8859-") || wc_mem_istarts(low, n, "iso_8859-")) &&
        wc_parse_u64(low + 9, n - 9, &num)) {
        v = (unsigned)num;
        if (v >= 2 && v <= 16 && v != 12) {
            if (canon)
                snprintf(canon, WC_CHARSET_NAME_MAX, "ISO-8859-%u", v);
            return WC_CHARSET_OTHER;
        }
    }
    if (wc_mem_istarts(low, n, "iso8859-") && wc_parse_u64(low + 8, n - 8, &num)) {
        v = (unsigned)num;
        if (v >= 2 && v <= 16 && v != 12) {
            if (canon)
                snprintf(canon, WC_CHARSET_NAME_MAX, "ISO-8859-%u", v);
            return WC_CHARSET_OTHER;
        }
    }
    if ((wc_mem_istarts(low, n, "windows-125") && n == 12) ||
        (wc_mem_istarts(low, n, "cp125") && n == 6) ||
        (wc_mem_istarts(low, n, "x-cp125") && n == 8)) {
        v = (unsigned)(low[n - 1] - '0');
        if (v <= 8) {
            if (canon)
                snprintf(canon, WC_CHARSET_NAME_MAX, "WINDOWS-125%u", v);
            return WC_CHARSET_OTHER;
        }
    }
    return WC_CHARSET_UNKNOWN;
}
