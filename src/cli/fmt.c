/*
 * fmt.c - output formatters for the table-printing commands.
 */
#include "fmt.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/date.h"

void cli_fmt_time(int64_t t, char *out, size_t outlen, bool full)
{
    if (t == INT64_MIN) {
        if (outlen)
            out[0] = '\0';
        return;
    }
    wc_date_format(t, out, outlen);
    if (!full && outlen > 10)
        out[10] = '\0';
}

/*
 * Length of the UTF-8 character at p (at most n bytes), 0 when p does not
 * start a well-formed one (a stray continuation byte, a cut or overlong
 * sequence, a surrogate, a value past U+10FFFF); its code point in *cp.
 */
static size_t utf8_char(const unsigned char *p, size_t n, uint32_t *cp)
{
    size_t len;
    uint32_t c, min;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        len = 2, c = p[0] & 0x1Fu, min = 0x80;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        len = 3, c = p[0] & 0x0Fu, min = 0x800;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        len = 4, c = p[0] & 0x07u, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (p[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

/*
 * Write the character at p (n bytes left) as a terminal shows it harmlessly;
 * returns the bytes consumed. Controls (C0, DEL, C1: escape sequences, bells,
 * carriage returns that overwrite a line) and bytes that are not UTF-8 come
 * out as visible escapes: \x1b, \u009b. With lines, tab and line feed pass;
 * without, tab, line feed and carriage return are one space each.
 */
static size_t put_char(FILE *out, const unsigned char *p, size_t n, bool lines)
{
    uint32_t cp;
    size_t len = utf8_char(p, n, &cp);

    if (!len) {
        fprintf(out, "\\x%02x", p[0]);
        return 1;
    }
    if (cp == '\t' || cp == '\n' || (cp == '\r' && !lines))
        fputc(lines ? (int)cp : ' ', out);
    else if (cp < 0x20 || cp == 0x7F)
        fprintf(out, "\\x%02x", (unsigned)cp);
    else if (cp >= 0x80 && cp <= 0x9F)
        fprintf(out, "\\u%04x", (unsigned)cp);
    else
        fwrite(p, 1, len, out);
    return len;
}

void cli_fmt_text(FILE *out, const char *s, bool lines)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;

    if (!s)
        return;
    n = strlen(s);
    while (n) {
        size_t k = put_char(out, p, n, lines);
        p += k;
        n -= k;
    }
}

void cli_fmt_tsv(FILE *out, const char *s)
{
    cli_fmt_text(out, s, false);
}

void cli_fmt_clip(FILE *out, const char *s, size_t cols)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), chars = 0, keep, i;
    uint32_t cp;

    for (i = 0; i < n && chars <= cols; chars++) {
        size_t k = utf8_char(p + i, n - i, &cp);
        i += k ? k : 1;
    }
    keep = chars > cols ? (cols > 3 ? cols - 3 : 0) : cols;
    for (chars = 0; n && chars < keep; chars++) {
        size_t k = put_char(out, p, n, false);
        p += k;
        n -= k;
    }
    if (n)
        fputs("...", out);
}

void cli_fmt_vmsg(FILE *out, const char *fmt, va_list ap)
{
    char *msg = NULL;
    va_list cp;
    int len;

    va_copy(cp, ap);
    len = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (len < 0 || !(msg = malloc((size_t)len + 1))) {
        fputs("(a message that could not be formatted)\n", out);
        return;
    }
    vsnprintf(msg, (size_t)len + 1, fmt, ap);
    cli_fmt_text(out, msg, true);
    free(msg);
}

void cli_fmt_msg(FILE *out, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cli_fmt_vmsg(out, fmt, ap);
    va_end(ap);
}

const char *cli_plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}
