/*
 * date.h - parse the dates that feeds, pages and dumps write.
 *
 * RFC 822/1123/2822 (2- and 4-digit years, optional weekday and seconds,
 * named and military zones), ISO 8601 / W3CDTF / RFC 3339 (fractional
 * seconds, date-only = midnight UTC, no offset = UTC) and asctime.
 * A value that cannot be parsed is reported as such: never guessed.
 */
#ifndef WIRECOPY_DATE_H
#define WIRECOPY_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parse p[0..len) into seconds since the Unix epoch, UTC. Returns false
 * (and leaves *out alone) when the text is not a date it knows for sure.
 * Thread-safe; no allocation.
 */
bool wc_date_parse(const char *p, size_t len, int64_t *out);

/* Format t as ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" into out (>= 21 bytes). */
void wc_date_format(int64_t t, char *out, size_t outlen);

#endif
