/*
 * charset.h - turn bytes in a named character encoding into valid UTF-8.
 *
 * Pages, feeds and dumps arrive in whatever encoding their authors chose
 * (or believed they chose). Text inside wirecopy is always UTF-8, so the
 * edges convert with this module. Names follow the WHATWG Encoding
 * standard's labels ("latin1", "iso-8859-1" and "us-ascii" all mean
 * windows-1252, "gb2312" means GB18030, ...).
 */
#ifndef WIRECOPY_CHARSET_H
#define WIRECOPY_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "wirecopy/buf.h"
#include "wirecopy/error.h"

/* The encodings wirecopy converts without iconv; everything else is WC_CHARSET_OTHER. */
typedef enum wc_charset {
    WC_CHARSET_UNKNOWN = 0, /* label not recognised */
    WC_CHARSET_UTF8,
    WC_CHARSET_UTF16LE,
    WC_CHARSET_UTF16BE,
    WC_CHARSET_WINDOWS_1252, /* also ISO-8859-1 and US-ASCII, as browsers do */
    WC_CHARSET_OTHER         /* a known label converted through iconv */
} wc_charset;

/* Most bytes of a label we look at ("windows-1252" is 12). */
#define WC_CHARSET_NAME_MAX 40

/*
 * Classify the label p[0..len) (case and surrounding spaces or quotes
 * ignored). For WC_CHARSET_OTHER, canon (>= WC_CHARSET_NAME_MAX bytes,
 * may be NULL) receives the iconv name to use. Thread-safe.
 */
wc_charset wc_charset_lookup(const char *p, size_t len, char *canon);

/*
 * The charset parameter of a Content-Type value ct[0..len) ("text/html;
 * charset=\"utf-8\""): *label and *label_len point into ct at the value,
 * quotes stripped. False when there is none, or when it is empty, longer
 * than a label can be, or holds characters no label has (so it never
 * reaches a converter). Thread-safe.
 */
bool wc_charset_param(const char *ct, size_t len, const char **label, size_t *label_len);

/*
 * Append p[0..len), encoded in `label` (NULL or unknown: treated as
 * UTF-8), to out as valid UTF-8. UTF-8 input is repaired byte by byte:
 * a byte that does not start a well-formed sequence is read as
 * windows-1252, which is what such stray bytes almost always are, and so
 * are C1 controls. NUL and other C0 controls but tab, LF and CR, and DEL
 * are dropped. *replaced (may be NULL) counts bytes and characters
 * mended (read as windows-1252 or become U+FFFD). WC_ERR_LIMIT (out's
 * cap), WC_ERR_NOMEM. Thread-safe.
 */
wc_status wc_charset_to_utf8(const char *label, const char *p, size_t len, wc_buf *out,
                             size_t *replaced);

/*
 * True when p[0..len) is UTF-8 that wc_charset_to_utf8() would return
 * unchanged (well-formed, no C0/C1 controls but tab, LF, CR): callers may
 * then use the bytes as they are. Fast on ASCII-heavy text.
 */
bool wc_charset_utf8_clean(const char *p, size_t len);

/*
 * Append valid UTF-8 p[0..len) to out with double-encoded sequences
 * ("â€™" for ’, "Ã©" for é) put right; returns how many were fixed, and
 * the buffer's status in *st.
 */
size_t wc_charset_fix_mojibake(const char *p, size_t len, wc_buf *out, wc_status *st);

/* How wc_charset_convert() treats what it cannot keep as it is. */
enum wc_charset_convert_flags {
    /* fail instead of repairing: WC_ERR_PARSE at the first byte the encoding cannot
       decode, WC_ERR_ENCODING when no decoder knows canon (so a caller can try another) */
    WC_CHARSET_STRICT = 1 << 0,
    /* leave controls but NUL (C1 ones too) for a caller that judges them itself */
    WC_CHARSET_KEEP_CONTROLS = 1 << 1
};

/*
 * The same with an already classified charset (canon as wc_charset_lookup
 * gave, or any name iconv knows with WC_CHARSET_OTHER) and flags of enum
 * wc_charset_convert_flags. Thread-safe.
 */
wc_status wc_charset_convert(wc_charset cs, const char *canon, const char *p, size_t len,
                             unsigned flags, wc_buf *out, size_t *replaced);

#endif
