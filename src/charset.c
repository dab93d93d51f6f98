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
 * UTF-8 repair. Pages that declare UTF-8 are often assembled from parts
 * in windows-1252 (a template edited on Windows, a pasted quote), so a
 * byte that does not begin a well-formed UTF-8 sequence is decoded as
 * windows-1252 instead of becoming U+FFFD: "\x93quoted\x94" comes out as
 * curly quotes, as a reader would want. The same holds for the C1
 * controls U+0080-U+009F, which no real text contains and which are
 * windows-1252 characters run through a latin1-to-UTF-8 step. Other
 * controls (NUL, C0 but tab, LF, CR, and DEL) are dropped.
 *
 * What it does not do: guess an encoding (extract_charset.c decides), or
 * handle stateful encodings beyond what iconv offers.
 */
#include "wirecopy/charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* windows-1252 0x80-0x9F; 0 marks the five unassigned bytes. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/* Code point of windows-1252 byte c, or 0 when unassigned. */
static uint32_t cp1252(unsigned char c)
{
    if (c >= 0x80 && c < 0xA0)
        return cp1252_high[c - 0x80];
    return c;
}

static wc_status put_cp(wc_buf *out, uint32_t cp)
{
    char tmp[4];

    return wc_buf_add(out, tmp, wc_utf8_encode(cp, tmp));
}

/* Byte that is dropped from text: C0 controls but tab/LF/CR, and DEL. */
static bool drop_byte(unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
}

/*
 * Length of the prefix of s[0..len) made of bytes that pass unchanged:
 * printable ASCII, tab, LF, CR. Eight bytes at a time while no byte has
 * its high bit set or is below 0x20 (the usual "has less than" trick),
 * then byte by byte through the word that stopped the fast loop.
 */
static size_t ascii_run(const unsigned char *s, size_t len)
{
    size_t i = 0;

    for (;;) {
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w | ((w - 0x2020202020202020ULL) & ~w)) & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= len)
            return len;
        /* inspect up to 8 bytes one at a time */
        {
            size_t end = WC_MIN(len, i + 8);
            for (; i < end; i++) {
                unsigned char c = s[i];
                if (c >= 0x80 || c == 0x7F || (c < 0x20 && c != '\t' && c != '\n' && c != '\r'))
                    return i;
            }
        }
    }
}

/* Length of the well-formed UTF-8 (no C1 controls) starting at s, 0 when none. */
static size_t utf8_run(const char *p, size_t len)
{
    size_t i = 0, n;
    uint32_t cp;

    while (i < len && (unsigned char)p[i] >= 0x80) {
        n = wc_utf8_decode(p + i, len - i, &cp);
        if (!n || cp < 0xA0)
            break;
        i += n;
    }
    return i;
}

bool wc_charset_utf8_clean(const char *p, size_t len)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;

    while (i < len) {
        i += ascii_run(s + i, len - i);
        if (i >= len)
            break;
        if (s[i] < 0x80)
            return false;
        {
            size_t n = utf8_run(p + i, len - i);
            if (!n)
                return false;
            i += n;
        }
    }
    return true;
}

static wc_status from_utf8(const char *p, size_t len, wc_buf *out, size_t *replaced)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0, start = 0, n;
    uint32_t cp;
    wc_status st;

    if ((st = wc_buf_grow(out, len)))
        return st;
    while (i < len) {
        unsigned char c;
        i += ascii_run(s + i, len - i);
        if (i >= len)
            break;
        if ((n = utf8_run(p + i, len - i))) {
            i += n;
            continue;
        }
        c = s[i];
        /* a dropped control, an ill-formed byte or a C1 control: flush the clean run first */
        if ((st = wc_buf_add(out, p + start, i - start)))
            return st;
        if (c < 0x80) {
            start = ++i;
            continue;
        }
        n = wc_utf8_decode(p + i, len - i, &cp);
        if (n) { /* a C1 control: the windows-1252 character it stands for */
            cp = cp1252((unsigned char)cp);
            i += n;
        } else {
            cp = cp1252(c);
            i++;
        }
        if (cp == 0) {
            if (replaced)
                (*replaced)++;
            cp = 0xFFFD;
        }
        if ((st = put_cp(out, cp)))
            return st;
        start = i;
    }
    return wc_buf_add(out, p + start, len - start);
}

static wc_status from_1252(const char *p, size_t len, wc_buf *out, size_t *replaced)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i, start = 0;
    wc_status st;

    for (i = 0; i < len; i++) {
        unsigned char c = s[i];
        uint32_t cp;
        if (c < 0x80 && !drop_byte(c))
            continue;
        if ((st = wc_buf_add(out, p + start, i - start)))
            return st;
        start = i + 1;
        if (c < 0x80)
            continue;
        cp = cp1252(c);
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

static wc_status from_utf16(const char *p, size_t len, bool be, wc_buf *out, size_t *replaced)
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
            u = 0xFFFD;
            if (replaced)
                (*replaced)++;
        }
        if (u < 0x80 && drop_byte((unsigned char)u))
            continue;
        if (u >= 0x80 && u < 0xA0)
            continue;
        if ((st = put_cp(out, u)))
            return st;
    }
    if (i < len && replaced) /* odd trailing byte */
        (*replaced)++;
    return WC_OK;
}

/* windows-1252 byte for code point cp, or -1 (the inverse of cp1252()). */
static int to_cp1252(uint32_t cp)
{
    int i;

    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
        return (int)cp;
    if (cp >= 0x80 && cp < 0xA0)
        return (int)cp; /* a C1 control passed through: its own byte */
    for (i = 0; i < 32; i++)
        if (cp1252_high[i] == cp)
            return 0x80 + i;
    return -1;
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

static wc_status from_iconv(const char *canon, const char *p, size_t len, wc_buf *out,
                            size_t *replaced)
{
    iconv_t cd = iconv_open("UTF-8", canon);
    char chunk[ICONV_CHUNK];
    char *in = (char *)p;
    size_t inleft = len;
    wc_status st = WC_OK;

    if (cd == (iconv_t)-1)
        return from_utf8(p, len, out, replaced);
    while (inleft > 0) {
        char *o = chunk;
        size_t oleft = sizeof(chunk);
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        int e = errno;
        /* iconv output is well-formed UTF-8; from_utf8 only drops controls */
        if ((st = from_utf8(chunk, (size_t)(o - chunk), out, NULL)))
            break;
        if (r != (size_t)-1)
            continue;
        if (e == E2BIG)
            continue;
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
                             wc_buf *out, size_t *replaced)
{
    switch (cs) {
    case WC_CHARSET_WINDOWS_1252:
        return from_1252(p, len, out, replaced);
    case WC_CHARSET_UTF16LE:
        return from_utf16(p, len, false, out, replaced);
    case WC_CHARSET_UTF16BE:
        return from_utf16(p, len, true, out, replaced);
    case WC_CHARSET_OTHER:
        if (canon && *canon)
            return from_iconv(canon, p, len, out, replaced);
        return from_utf8(p, len, out, replaced);
    default:
        return from_utf8(p, len, out, replaced);
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
    return wc_charset_convert(cs, canon, p, len, out, replaced);
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
