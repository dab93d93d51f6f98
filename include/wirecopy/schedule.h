/*
 * schedule.h - when to fetch a feed again: pure functions, no I/O, no SQL.
 *
 * The follow command keeps, per feed, an interval and a count of
 * consecutive failures. After each fetch it hands this module what
 * happened (updated, not modified, failed, throttled) with the hints the
 * feed and the server gave (<ttl>, Cache-Control max-age, Retry-After) and
 * gets back the time the feed is due again, the interval and error count to
 * store, and the reason, which `wirecopy feeds` can show.
 *
 * The rules, in order:
 *  1. The interval comes from how often the feed publishes
 *     (wc_schedule_learn: the median gap between its newest entries, longer
 *     when it has gone quiet), else the stored one, else the policy's
 *     default; always within [min_interval, max_interval].
 *  2. <ttl> and Cache-Control max-age only ever push the next fetch later
 *     (a feed asking to be cached for an hour is not polled every 15
 *     minutes), but never past max_interval, so a silly value cannot make
 *     wirecopy miss a week of news.
 *  3. A failure backs off exponentially: interval * 2^failures, capped at
 *     backoff_max. A feed is never dropped here; retiring (410) is the
 *     caller's decision.
 *  4. A 429/503 with Retry-After waits at least that long, but never past
 *     max_interval either (a Retry-After of ten years must not silence a
 *     host for good); without one it backs off as a failure.
 * All times are seconds since the Unix epoch (UTC); all durations seconds.
 * Thread-safe: no state.
 */
#ifndef WIRECOPY_SCHEDULE_H
#define WIRECOPY_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

typedef struct wc_schedule_policy {
    int64_t min_interval; /* shortest interval: 15 min (newsboat's and Miniflux's default polls are
                             15-60 min) */
    int64_t max_interval; /* longest interval, and the cap on ttl/max-age: 24 h */
    int64_t default_interval; /* before anything is learned: 1 h */
    int64_t backoff_max;      /* longest wait after failures: 48 h */
} wc_schedule_policy;

/* Fill p with the defaults above. */
void wc_schedule_policy_init(wc_schedule_policy *p);

/* How the fetch went, as the caller classified it. */
typedef enum wc_schedule_outcome {
    WC_SCHED_UPDATED,      /* 200 and parsed (with or without new entries) */
    WC_SCHED_NOT_MODIFIED, /* 304 to a conditional request */
    WC_SCHED_FAILED,       /* network error, other HTTP error, unparsable feed */
    WC_SCHED_THROTTLED,    /* 429 or 503: the server asked us to slow down */
} wc_schedule_outcome;

/* What decided the next fetch time. */
typedef enum wc_schedule_reason {
    WC_SCHED_DEFAULT,         /* the policy's default interval (nothing learned yet) */
    WC_SCHED_LEARNED,         /* the interval learned from publishing times */
    WC_SCHED_KEPT,            /* the stored interval (nothing new to learn from) */
    WC_SCHED_MIN,             /* learned or stored, raised to min_interval */
    WC_SCHED_MAX,             /* learned or stored, lowered to max_interval */
    WC_SCHED_TTL,             /* the feed's <ttl> */
    WC_SCHED_MAX_AGE,         /* Cache-Control max-age */
    WC_SCHED_RETRY_AFTER,     /* the server's Retry-After */
    WC_SCHED_BACKOFF,         /* exponential backoff after failures */
    WC_SCHED_RETRY_AFTER_MAX, /* the server's Retry-After, longer than max_interval: cut to it */
} wc_schedule_reason;

typedef struct wc_schedule_input {
    int64_t now;                 /* time of the fetch */
    wc_schedule_outcome outcome; /* how it went */
    int64_t interval;            /* the feed's stored interval, 0 = none yet */
    int64_t learned;             /* wc_schedule_learn() over the feed's entries, 0 = unknown */
    int64_t ttl;                 /* <ttl> in seconds (the feed gives minutes), 0 = none */
    int64_t max_age;             /* Cache-Control max-age in seconds, -1 = none */
    int64_t retry_after;         /* Retry-After in seconds from now, -1 = none */
    unsigned errors;             /* consecutive failures before this fetch */
} wc_schedule_input;

/* wc_schedule_input with nothing known: set now and outcome, then what you have. */
#define WC_SCHEDULE_INPUT_INIT                                                                     \
    {                                                                                              \
        0, WC_SCHED_UPDATED, 0, 0, 0, -1, -1, 0                                                    \
    }

typedef struct wc_schedule {
    int64_t next_at;           /* when the feed is due again */
    int64_t interval;          /* the interval to store (failures do not change it) */
    unsigned errors;           /* consecutive failures to store (0 after a success) */
    wc_schedule_reason reason; /* what decided next_at */
} wc_schedule;

/*
 * The publishing interval of a feed from its entries' publication times
 * (any order; WC_TIME_NONE-like values <= 0 and times more than a day in the
 * future are ignored): the median gap between its newest distinct times
 * (at most 16 of them), raised to a quarter of its silence (now minus the
 * newest) when it has gone quiet, within [min_interval, max_interval].
 * Returns 0 when fewer than two usable times are given.
 */
int64_t wc_schedule_learn(const wc_schedule_policy *p, const int64_t *published, size_t n,
                          int64_t now);

/* Decide the next fetch; see the rules at the top. p NULL = defaults. */
void wc_schedule_next(const wc_schedule_policy *p, const wc_schedule_input *in, wc_schedule *out);

/* A word for a reason ("learned", "ttl", "backoff", ...); never NULL. */
const char *wc_schedule_reason_name(wc_schedule_reason r);

#endif
