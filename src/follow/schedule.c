/*
 * schedule.c - per-feed fetch schedule: pure arithmetic on times.
 *
 * The idea: poll a feed about as often as it publishes. The median gap
 * between its newest entries is a robust estimate of that (a burst of five
 * posts in a minute, or one week-long holiday, moves a median little and a
 * mean a lot). A feed that has gone quiet since its last entry is polled
 * less, by a quarter of its silence, so a feed that wakes up is still seen
 * within a quarter of the time it slept. Server hints (<ttl>, max-age,
 * Retry-After) can only delay a fetch, within caps, and failures double the
 * wait each time, so a dead server costs it a handful of requests a day.
 * The doubling starts from the feed's interval but at most an hour: a
 * daily feed that fails once is tried again in two hours, not two days.
 *
 * Nothing here reads a clock, a file or the database: the caller passes
 * "now" and the stored state, which makes every rule testable with fixed
 * numbers (tests/unit/test_schedule.c).
 */
#include "follow_internal.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Entries looked at when learning: enough for a median, recent enough to follow change. */
#define LEARN_MAX_TIMES 16
/* Publication times further ahead than this are clock or time-zone junk. */
#define FUTURE_SLACK (24 * 3600)
/* Backoff doubles from the interval, or from this when the interval is longer. */
#define BACKOFF_BASE 3600
/* Backoff doubles at most this many times (2^20 intervals is years: the cap wins first). */
#define BACKOFF_MAX_DOUBLINGS 20

void wc_schedule_policy_init(wc_schedule_policy *p)
{
    p->min_interval = 15 * 60;
    p->max_interval = 24 * 3600;
    p->default_interval = 3600;
    p->backoff_max = 48 * 3600;
}

static int by_time_desc(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? 1 : x > y ? -1 : 0;
}

static int by_value(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y ? 1 : 0;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

int64_t wc_schedule_learn(const wc_schedule_policy *p, const int64_t *published, size_t n,
                          int64_t now)
{
    wc_schedule_policy defaults;
    int64_t newest[LEARN_MAX_TIMES + 1], gaps[LEARN_MAX_TIMES];
    size_t kept = 0, i, j, ngaps;
    int64_t median, silence;

    if (!p) {
        wc_schedule_policy_init(&defaults);
        p = &defaults;
    }
    /*
     * Keep the LEARN_MAX_TIMES newest distinct usable times with an
     * insertion into a small sorted array: n may be large, the array is not.
     */
    for (i = 0; i < n; i++) {
        int64_t t = published[i];
        bool dup = false;

        if (t <= 0 || (now > INT64_MIN + FUTURE_SLACK && t > now + FUTURE_SLACK))
            continue;
        for (j = 0; j < kept; j++)
            if (newest[j] == t)
                dup = true;
        if (dup)
            continue;
        if (kept < LEARN_MAX_TIMES) {
            newest[kept++] = t;
        } else if (t > newest[kept - 1]) {
            newest[kept - 1] = t;
        } else {
            continue;
        }
        wc_qsort(newest, kept, sizeof(newest[0]), by_time_desc);
    }
    if (kept < 2)
        return 0;
    ngaps = kept - 1;
    for (i = 0; i < ngaps; i++)
        gaps[i] = newest[i] - newest[i + 1];
    wc_qsort(gaps, ngaps, sizeof(gaps[0]), by_value);
    median = ngaps % 2 ? gaps[ngaps / 2] : gaps[ngaps / 2 - 1] / 2 + gaps[ngaps / 2] / 2;
    silence = now - newest[0];
    if (silence / 4 > median)
        median = silence / 4;
    return clamp(median, p->min_interval, p->max_interval);
}

/* interval * 2^errors, without overflow, capped at cap. */
static int64_t backoff(int64_t interval, unsigned errors, int64_t cap)
{
    int64_t d = interval;
    unsigned i;

    for (i = 0; i < errors && i < BACKOFF_MAX_DOUBLINGS && d < cap; i++)
        d *= 2;
    return d > cap ? cap : d;
}

void wc_schedule_next(const wc_schedule_policy *p, const wc_schedule_input *in, wc_schedule *out)
{
    wc_schedule_policy defaults;
    int64_t interval, delay, hint;
    wc_schedule_reason reason;

    if (!p) {
        wc_schedule_policy_init(&defaults);
        p = &defaults;
    }

    /* 1. The interval. */
    if (in->outcome == WC_SCHED_UPDATED && in->learned > 0) {
        interval = in->learned;
        reason = WC_SCHED_LEARNED;
    } else if (in->interval > 0) {
        interval = in->interval;
        reason = WC_SCHED_KEPT;
    } else {
        interval = p->default_interval;
        reason = WC_SCHED_DEFAULT;
    }
    if (interval < p->min_interval) {
        interval = p->min_interval;
        reason = WC_SCHED_MIN;
    } else if (interval > p->max_interval) {
        interval = p->max_interval;
        reason = WC_SCHED_MAX;
    }
    delay = interval;
    out->interval = interval;

    if (in->outcome == WC_SCHED_UPDATED || in->outcome == WC_SCHED_NOT_MODIFIED) {
        out->errors = 0;
        /* 2. Caching hints delay, within max_interval. */
        if (in->ttl > 0) {
            hint = in->ttl < p->max_interval ? in->ttl : p->max_interval;
            if (hint > delay) {
                delay = hint;
                reason = WC_SCHED_TTL;
            }
        }
        if (in->max_age > 0) {
            hint = in->max_age < p->max_interval ? in->max_age : p->max_interval;
            if (hint > delay) {
                delay = hint;
                reason = WC_SCHED_MAX_AGE;
            }
        }
    } else if (in->outcome == WC_SCHED_THROTTLED && in->retry_after >= 0) {
        /* 4. At least what the server asked, and never sooner than usual. */
        out->errors = in->errors + 1;
        hint = in->retry_after < p->max_interval ? in->retry_after : p->max_interval;
        if (hint > delay)
            delay = hint;
        reason =
            in->retry_after > p->max_interval ? WC_SCHED_RETRY_AFTER_MAX : WC_SCHED_RETRY_AFTER;
    } else {
        /* 3. Exponential backoff (also for a 429/503 that gave no Retry-After). */
        out->errors = in->errors + 1;
        delay =
            backoff(interval < BACKOFF_BASE ? interval : BACKOFF_BASE, out->errors, p->backoff_max);
        if (delay < p->min_interval)
            delay = p->min_interval;
        reason = WC_SCHED_BACKOFF;
    }
    out->next_at = in->now > INT64_MAX - delay ? INT64_MAX : in->now + delay;
    out->reason = reason;
}

const char *wc_schedule_reason_name(wc_schedule_reason r)
{
    static const char *const names[] = {
        "default", "learned", "kept",        "min",     "max",
        "ttl",     "max-age", "retry-after", "backoff", "retry-after cut to --max-interval"};

    if ((size_t)r < WC_ARRAY_SIZE(names))
        return names[r];
    return "unknown";
}
