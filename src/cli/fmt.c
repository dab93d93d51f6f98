/*
 * fmt.c - output formatters for the table-printing commands.
 */
#include "fmt.h"

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

void cli_fmt_tsv(FILE *out, const char *s)
{
    if (!s)
        return;
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
}

void cli_fmt_clip(FILE *out, const char *s, size_t cols)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t chars = 0, keep;

    for (; *p && chars <= cols; p++)
        chars += (*p & 0xC0) != 0x80;
    keep = chars > cols ? (cols > 3 ? cols - 3 : 0) : cols;
    for (p = (const unsigned char *)s, chars = 0; *p; p++) {
        if ((*p & 0xC0) != 0x80 && chars++ == keep)
            break;
        fputc(*p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p, out);
    }
    if (*p)
        fputs("...", out);
}

const char *cli_plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}
