/*
 * follow.h - poll followed feeds and store every new article.
 *
 * A wc_follow runs the `follow` capability on an open writer store: it
 * fetches the feeds that are due (conditional GET with the stored ETag /
 * Last-Modified), parses them, finds the entries not seen before (by id,
 * else link; never by title), fetches the article page of entries that
 * only carry a teaser, and hands everything to the ingest pipeline, which
 * extracts, fingerprints, clusters and stores it. Then it saves each
 * feed's new state (validators, schedule, errors) in the same ordered
 * writer, after that feed's entries, so a run killed at any moment never
 * loses an entry: what was not committed is fetched again next time.
 *
 * Use (one thread; the library never prints):
 *
 *     wc_follow_opts o;
 *     wc_follow_opts_init(&o);                       then change what you need
 *     wc_follow_new(store, &o, &f, &err);
 *     wc_follow_add_list(f, "news.opml", &n, &err);  optional, before the first round
 *     do { wc_follow_round(f, &err); sleep until wc_follow_next_due(f); } while (watching);
 *     wc_follow_finish(f, &err);
 *     wc_follow_free(f);
 *
 * Per-feed failures never stop a run: they go to opts.on_problem, are
 * counted, and are kept with the feed (`wirecopy feeds` shows them).
 * Only store failures (disk full, database errors), out of memory and an
 * interrupt end a round early.
 */
#ifndef WIRECOPY_FOLLOW_H
#define WIRECOPY_FOLLOW_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/error.h"
#include "wirecopy/fetch.h"
#include "wirecopy/schedule.h"
#include "wirecopy/store.h"

typedef struct wc_follow wc_follow;

/* An entry whose text has fewer words than this is a teaser: its article page is fetched. */
#define WC_FOLLOW_TEASER_WORDS 120
/* New entries taken from one feed per fetch (newest first); the rest wait for the next fetch. */
#define WC_FOLLOW_MAX_NEW 300
/* How long an article page that failed for a passing reason (timeout, 5xx) is tried again. */
#define WC_FOLLOW_RETRY_WINDOW ((int64_t)24 * 3600)

/* Where a round is, for a progress display. */
typedef struct wc_follow_progress {
    uint64_t feeds_done, feeds_total; /* feeds of this round answered / requested */
    uint64_t pages_done, pages_total; /* article pages answered / requested */
    uint64_t articles;                /* records handed to the ingest pipeline this round */
} wc_follow_progress;

typedef struct wc_follow_opts {
    wc_fetch_opts fetch;       /* user agent, concurrency, per-host delay, timeouts, max body */
    wc_schedule_policy policy; /* intervals and backoff (schedule.h) */
    unsigned threads;          /* extraction workers; 0 = one per CPU */
    bool all_now;              /* --now: every feed of the run, whatever its schedule (still
                                  conditional, and still not before a server's Retry-After) */
    size_t teaser_words;       /* WC_FOLLOW_TEASER_WORDS */
    size_t max_new;            /* WC_FOLLOW_MAX_NEW */
    int64_t retry_window;      /* WC_FOLLOW_RETRY_WINDOW */
    wc_problem_fn on_problem;  /* a feed or page failed, a feed was malformed, retired or
                                  moved (code WC_OK: a note), on the caller's thread; an
                                  article could not be extracted, on the pipeline's writer
                                  thread (may be NULL) */
    void *problem_ctx;
    void (*on_progress)(void *ctx, const wc_follow_progress *p); /* main thread, may be NULL */
    void *progress_ctx;
    /* an older database's stories are being built, once, before the first round (ingest.h's
       on_story_build; may be NULL) */
    void (*on_story_build)(void *ctx, uint64_t done, uint64_t total);
    void *story_build_ctx;
    const volatile sig_atomic_t *stop; /* when non-zero: stop fetching, store what was fetched */
} wc_follow_opts;

/* Defaults: wc_fetch_opts_init, wc_schedule_policy_init and the constants above. */
void wc_follow_opts_init(wc_follow_opts *o);

typedef struct wc_follow_stats {
    uint64_t feeds_due;          /* feeds requested */
    uint64_t feeds_fetched;      /* answered 200 and parsed (malformed ones included) */
    uint64_t feeds_not_modified; /* 304 */
    uint64_t feeds_failed;       /* no usable answer: network, HTTP error, not a feed, throttled */
    uint64_t feeds_malformed;    /* of the fetched: not well-formed, what could be was recovered */
    uint64_t feeds_retired;      /* 410 Gone (retired now) */
    uint64_t feeds_moved;        /* permanent redirect: stored URL changed */
    uint64_t entries_new;        /* entries not seen before */
    uint64_t pages_fetched;      /* article pages fetched */
    uint64_t pages_failed;       /* article pages that could not be fetched */
    uint64_t pages_disallowed;   /* article pages robots.txt forbids: not fetched */
    uint64_t articles_new;       /* documents stored */
    uint64_t copies;             /* of those: exact or near copies of a stored document */
    uint64_t already;            /* the article was stored before (via another feed or run) */
    uint64_t skipped;            /* no article: empty or non-article page */
    uint64_t errors;             /* articles that could not be extracted */
} wc_follow_stats;

/*
 * A follower on store (opened with WC_STORE_WRITER, kept open by the
 * caller until wc_follow_free). Copies opts (its strings must outlive f).
 * Reads nothing yet. WC_ERR_NOMEM, WC_ERR_NET (libcurl).
 */
wc_status wc_follow_new(wc_store *store, const wc_follow_opts *opts, wc_follow **out,
                        wc_error *err);

/*
 * Read a feed list (OPML or plain text, "-" for stdin) and follow its
 * feeds: new URLs are added with the list's path as their origin, retired
 * ones stay retired (re-add them with `feeds add`). Once a list was added,
 * rounds poll only the feeds of the lists, not every feed of the
 * database. Only before the first round. *n_feeds (may be NULL) gets the
 * number of feeds in the list. WC_ERR_IO, WC_ERR_PARSE, WC_ERR_LIMIT, store errors.
 */
wc_status wc_follow_add_list(wc_follow *f, const char *path, size_t *n_feeds, wc_error *err);

/*
 * One round: fetch every feed that is due, their new entries and article
 * pages, store everything and the feeds' states, and wait until it is
 * committed. WC_ERR_INTERRUPTED when opts.stop was raised (what was
 * fetched is stored; feeds left half-done keep their old state and are
 * fetched again next time). Store errors and WC_ERR_NOMEM are fatal.
 */
wc_status wc_follow_round(wc_follow *f, wc_error *err);

/* When the next feed of the run is due (seconds UTC); INT64_MAX when none is active. */
int64_t wc_follow_next_due(const wc_follow *f);

/* Feeds of the run (*active: not retired). */
void wc_follow_feed_count(const wc_follow *f, size_t *total, size_t *active);

/* Counters of every round so far (main thread). */
void wc_follow_get_stats(const wc_follow *f, wc_follow_stats *out);

/* Stop the pipeline after committing everything; returns the first fatal error. */
wc_status wc_follow_finish(wc_follow *f, wc_error *err);

/* Free (finishing first if needed). NULL is a no-op. */
void wc_follow_free(wc_follow *f);

/*
 * Is this entry text (an HTML fragment, or plain text) only a teaser of
 * its article? True when it has fewer than min_words words or ends with
 * a truncation mark ("...", "[…]", "Read more", "Continue reading", ...).
 */
bool wc_follow_is_teaser(const char *html, size_t len, size_t min_words);

/*
 * Feed autodiscovery for `feeds add`: fetch url once; when it is a feed,
 * *feed_url gets it (its new address after permanent redirects), when it
 * is an HTML page, the first feed the page links to with <link
 * rel="alternate">. *title gets the feed's or the link's title (or NULL);
 * *others (may be NULL) how many more feeds the page named. Both strings
 * malloc'd. WC_ERR_NET / WC_ERR_HTTP when the fetch failed, WC_ERR_NOTFOUND
 * when the page names no feed, WC_ERR_PARSE when it is neither.
 */
wc_status wc_follow_discover(const wc_fetch_opts *fo, const char *url, char **feed_url,
                             char **title, size_t *others, wc_error *err);

#endif
