/*
 * fmt.h - small output formatters for tables on a terminal.
 */
#ifndef WC_CLI_FMT_H
#define WC_CLI_FMT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* t as "YYYY-MM-DD" (full ISO 8601 when full), "" when unknown. */
void cli_fmt_time(int64_t t, char *out, size_t outlen, bool full);
/*
 * Text that came from outside (titles, sites, URLs, file names, messages
 * that quote them) is written through these: control characters (escape
 * sequences, bells, carriage returns, C1 controls) and bytes that are not
 * UTF-8 come out as visible escapes ("\x1b", "\u009b"), so a feed titled
 * "\e]0;HIJACK\a" cannot retitle or clear the terminal. NULL prints nothing.
 */
/* s; with lines, tabs and line feeds kept, else each a space. */
void cli_fmt_text(FILE *out, const char *s, bool lines);
/* s as one TSV field: tabs and line breaks as spaces. */
void cli_fmt_tsv(FILE *out, const char *s);
/* s cut to at most cols characters (UTF-8 aware), "..." marking a cut; line breaks as spaces. */
void cli_fmt_clip(FILE *out, const char *s, size_t cols);
/* A printf-style message, formatted whole (no length cap), then written as cli_fmt_text(.., true).
 */
void cli_fmt_msg(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_fmt_vmsg(FILE *out, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/*
 * one when n is 1, else many: "%llu %s", n, cli_plural(n, "copy", "copies").
 * English only; the whole word is given so irregular plurals work.
 */
const char *cli_plural(uint64_t n, const char *one, const char *many);

#endif
