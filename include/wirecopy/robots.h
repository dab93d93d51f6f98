/*
 * robots.h - the Robots Exclusion Protocol (RFC 9309): parse a robots.txt
 * and answer "may this agent fetch this path?".
 *
 * The parser keeps only what applies to one agent: the group(s) that name
 * its product token (e.g. "wirecopy"), else the "*" group(s), merged as RFC
 * 9309 section 2.2.1 says. Matching is by the longest matching Allow or
 * Disallow pattern, Allow winning a tie; "*" matches any run of bytes and a
 * final "$" anchors the end. "/robots.txt" itself is always allowed.
 * Crawl-delay (not in RFC 9309, but widely written) is kept so the fetcher
 * can slow down for hosts that ask.
 *
 * A wc_robots is immutable after parsing: sharing it between threads for
 * wc_robots_allowed() is safe.
 */
#ifndef WIRECOPY_ROBOTS_H
#define WIRECOPY_ROBOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "wirecopy/error.h"

typedef struct wc_robots wc_robots;

/* RFC 9309 2.5: a crawler must parse at least the first 500 KiB; we read 512 KiB. */
#define WC_ROBOTS_MAX_BYTES (512 * 1024)
/* Rules kept per agent: large real files (wikipedia's) hold a few hundred. */
#define WC_ROBOTS_MAX_RULES 8192
/* Longest pattern kept, in bytes after percent-encoding; longer rules are dropped. */
#define WC_ROBOTS_MAX_PATTERN 2048

/*
 * Parse robots.txt bytes p[0..len) for the product token agent ("wirecopy";
 * matched case-insensitively against the leading token of each User-agent
 * line). Bytes past WC_ROBOTS_MAX_BYTES are ignored; lines that are not
 * rules are skipped, so any input parses. *out receives a new object to
 * free with wc_robots_free(). Fails only with WC_ERR_NOMEM or WC_ERR_USAGE.
 */
wc_status wc_robots_parse(const char *p, size_t len, const char *agent, wc_robots **out,
                          wc_error *err);

/* Free r; NULL is a no-op. */
void wc_robots_free(wc_robots *r);

/*
 * May the agent fetch path[0..len)? path is the URL's path plus "?query"
 * when there is one, as it appears in the URL (percent-encoded or not: both
 * sides are normalised the same way). An empty path means "/". A NULL r
 * allows everything.
 */
bool wc_robots_allowed(const wc_robots *r, const char *path, size_t len);

/* The Crawl-delay for the agent in seconds, or a negative value when none was given. */
double wc_robots_crawl_delay(const wc_robots *r);

#endif
