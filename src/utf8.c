/*
 * utf8.c - UTF-8 decoding, validation, and the one repair every source
 * of text goes through.
 *
 * Text inside wirecopy is always valid UTF-8; bytes from outside are
 * checked here at the edges (the dump readers, the extractor's charset
 * step, the feed reader, plain-text records).
 *
 * The repair policy (wc_utf8_repair), chosen for news text:
 *  - a well-formed sequence is kept;
 *  - a byte that does not begin a well-formed sequence is read as
 *    windows-1252. In text that is otherwise UTF-8 such bytes are almost
 *    never noise: they are a quote pasted from a Windows editor (0x93
 *    0x94 0x92 0x96 in 0x80-0x9F), or a Latin-1 letter from an older
 *    part of the page or the database (0xE9 for e acute). U+FFFD, the
 *    "maximal subpart" rule of Unicode 3.9 that browsers apply, would
 *    turn "\x93Yes\x94" and "caf\xE9" into three replacement characters
 *    and a different shingle; reading them as windows-1252 gives what the
 *    author typed, and gives the same text whether the story came in a
 *    WARC page or in a JSONL line;
 *  - a C1 control U+0080-U+009F is the windows-1252 character of its
 *    byte: it is what such a byte becomes after a Latin-1 decoder, which
 *    is also the only way one can travel in JSON ("\u0093": a \u escape
 *    names a character, never a byte, and jansson accepts C1 controls);
 *    no news text holds real C1 controls;
 *  - the five bytes windows-1252 leaves unassigned (0x81 0x8D 0x8F 0x90
 *    0x9D), alone or as C1 controls, become U+FFFD;
 *  - NUL, the other C0 controls but tab, LF and CR, and DEL are dropped.
 * A caller that judges controls itself (the XML tokenizer, which reports
 * them) passes WC_UTF8_KEEP_CONTROLS: controls other than NUL are then
 * left alone, C1 ones included.
 *
 * The output is a fixed point: wc_utf8_clean() is true of it, and a
 * second repair changes nothing, so a text may be repaired at two edges
 * (a JSONL line, then the extractor) without drifting.
 *
 * What it does not do: guess that a whole document is in another
 * encoding (extract_charset.c and the feed reader decide that), or undo
 * double encoding (charset.c's mojibake repair).
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

/* --- windows-1252 ---------------------------------------------------- */

/* windows-1252 0x80-0x9F; 0 marks the five unassigned bytes. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

uint32_t wc_cp1252_decode(unsigned char c)
{
    if (c >= 0x80 && c < 0xA0)
        return cp1252_high[c - 0x80];
    return c;
}

int wc_cp1252_encode(uint32_t cp)
{
    int i;

    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
        return (int)cp;
    for (i = 0; i < 32; i++)
        if (cp1252_high[i] && cp1252_high[i] == cp)
            return 0x80 + i;
    return -1;
}

/* --- repair ------------------------------------------------------------ */

/* Is ASCII byte c left as it is (not a control that is dropped)? */
static bool ascii_kept(unsigned char c, bool keep_controls)
{
    if (c >= 0x20 && c != 0x7F)
        return true;
    if (c == '\t' || c == '\n' || c == '\r')
        return true;
    return keep_controls && c != 0;
}

/*
 * Length of the prefix of s[0..len) made of ASCII bytes that pass as they
 * are. Eight bytes at a time while no byte has its high bit set or is
 * below 0x20 (the "has a byte less than n" trick of Bit Twiddling Hacks),
 * then byte by byte through the word that stopped the fast loop.
 */
static size_t ascii_run(const unsigned char *s, size_t len, bool keep_controls)
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
        {
            size_t end = WC_MIN(len, i + 8);
            for (; i < end; i++)
                if (s[i] >= 0x80 || !ascii_kept(s[i], keep_controls))
                    return i;
        }
    }
}

/* Length of the well-formed non-ASCII UTF-8 starting at p that is kept, 0 when none. */
static size_t utf8_run(const unsigned char *p, size_t len, bool keep_controls)
{
    size_t i = 0, n, bad;
    uint32_t cp;

    while (i < len && p[i] >= 0x80) {
        n = seq_len(p + i, len - i, &cp, &bad);
        if (!n || (cp < 0xA0 && !keep_controls))
            break;
        i += n;
    }
    return i;
}

bool wc_utf8_clean(const char *p, size_t len)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0, n;

    while (i < len) {
        i += ascii_run(s + i, len - i, false);
        if (i >= len)
            break;
        if (s[i] < 0x80 || !(n = utf8_run(s + i, len - i, false)))
            return false;
        i += n;
    }
    return true;
}

static wc_status put_cp(wc_buf *out, uint32_t cp)
{
    char tmp[4];

    return wc_buf_add(out, tmp, wc_utf8_encode(cp, tmp));
}

wc_status wc_utf8_repair(wc_buf *out, const char *p, size_t len, unsigned flags, size_t *fixed)
{
    const unsigned char *s = (const unsigned char *)p;
    bool keep = (flags & WC_UTF8_KEEP_CONTROLS) != 0;
    size_t i = 0, start = 0, n, bad;
    uint32_t cp;
    wc_status st;

    if ((st = wc_buf_grow(out, len)))
        return st;
    while (i < len) {
        i += ascii_run(s + i, len - i, keep);
        if (i >= len)
            break;
        if ((n = utf8_run(s + i, len - i, keep))) {
            i += n;
            continue;
        }
        /* a dropped control, an ill-formed byte or a C1 control: the clean run first */
        if ((st = wc_buf_add(out, p + start, i - start)))
            return st;
        if (s[i] < 0x80) {
            start = ++i;
            continue;
        }
        n = seq_len(s + i, len - i, &cp, &bad);
        if (n) { /* a C1 control: the windows-1252 character it stands for */
            cp = wc_cp1252_decode((unsigned char)cp);
            i += n;
        } else {
            cp = wc_cp1252_decode(s[i]);
            i++;
        }
        if (cp == 0)
            cp = 0xFFFD;
        if (fixed)
            (*fixed)++;
        if ((st = put_cp(out, cp)))
            return st;
        start = i;
    }
    return wc_buf_add(out, p + start, len - start);
}

wc_status wc_utf8_sanitize(wc_buf *out, const char *p, size_t len, size_t *replaced)
{
    /* the old name, kept for callers not yet moved: the same repair */
    return wc_utf8_repair(out, p, len, 0, replaced);
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
