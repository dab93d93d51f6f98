/*
 * fmt.h - small output formatters for tables on a terminal.
 */
#ifndef WC_CLI_FMT_H
#define WC_CLI_FMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* t as "YYYY-MM-DD" (full ISO 8601 when full), "" when unknown. */
void cli_fmt_time(int64_t t, char *out, size_t outlen, bool full);
/* s with tabs and line breaks turned into spaces (NULL prints nothing). */
void cli_fmt_tsv(FILE *out, const char *s);
/* s cut to at most cols characters (UTF-8 aware), "..." marking a cut; line breaks as spaces. */
void cli_fmt_clip(FILE *out, const char *s, size_t cols);

/*
 * one when n is 1, else many: "%llu %s", n, cli_plural(n, "copy", "copies").
 * English only; the whole word is given so irregular plurals work.
 */
const char *cli_plural(uint64_t n, const char *one, const char *many);

#endif
