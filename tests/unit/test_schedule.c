/* test_schedule.c - per-feed schedule: learned intervals, bounds, ttl, max-age, Retry-After,
 * backoff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/schedule.h"

#define MIN_ 60
#define HOUR (3600)
#define DAY (24 * HOUR)
#define NOW ((int64_t)1773000000) /* 2026-03-08, any fixed time does */

static wc_schedule_policy policy(void)
{
    wc_schedule_policy p;

    wc_schedule_policy_init(&p);
    return p;
}

static void test_policy_defaults(void **state)
{
    wc_schedule_policy p = policy();

    (void)state;
    assert_int_equal(p.min_interval, 15 * MIN_);
    assert_int_equal(p.max_interval, DAY);
    assert_int_equal(p.default_interval, HOUR);
    assert_true(p.backoff_max >= p.max_interval);
}

static void test_learn_hourly_feed(void **state)
{
    wc_schedule_policy p = policy();
    int64_t t[10];
    int i;

    (void)state;
    /* Newest first or shuffled: order does not matter. */
    for (i = 0; i < 10; i++)
        t[(i * 3) % 10] = NOW - 10 * MIN_ - i * HOUR;
    assert_int_equal(wc_schedule_learn(&p, t, 10, NOW), HOUR);
}

static void test_learn_median_ignores_burst_and_holiday(void **state)
{
    wc_schedule_policy p = policy();
    /* Two-hourly posts, a burst of three within a minute and one 5-day gap. */
    int64_t t[] = {NOW - 1 * HOUR,           NOW - 3 * HOUR,  NOW - 3 * HOUR - 20,
                   NOW - 3 * HOUR - 40,      NOW - 5 * HOUR,  NOW - 7 * HOUR,
                   NOW - 9 * HOUR,           NOW - 11 * HOUR, NOW - 11 * HOUR - 5 * DAY,
                   NOW - 13 * HOUR - 5 * DAY};

    (void)state;
    assert_int_equal(wc_schedule_learn(&p, t, sizeof(t) / sizeof(t[0]), NOW), 2 * HOUR);
}

static void test_learn_bounds_and_junk(void **state)
{
    wc_schedule_policy p = policy();
    int64_t wire[] = {NOW - 60, NOW - 120, NOW - 180, NOW - 240};
    int64_t monthly[] = {NOW - 1 * DAY, NOW - 31 * DAY, NOW - 61 * DAY};
    int64_t junk[] = {0, -5, NOW + 30 * DAY, NOW - HOUR, NOW - HOUR, INT64_MIN};

    (void)state;
    /* A wire service posting every minute is still polled at most every 15 min. */
    assert_int_equal(wc_schedule_learn(&p, wire, 4, NOW), p.min_interval);
    assert_int_equal(wc_schedule_learn(&p, monthly, 3, NOW), p.max_interval);
    /* Unusable times are skipped: one distinct usable time is not enough. */
    assert_int_equal(wc_schedule_learn(&p, junk, 6, NOW), 0);
    assert_int_equal(wc_schedule_learn(&p, NULL, 0, NOW), 0);
    assert_int_equal(wc_schedule_learn(NULL, wire, 4, NOW), 15 * MIN_);
}

static void test_learn_quiet_feed_slows(void **state)
{
    wc_schedule_policy p = policy();
    /* Half-hourly until 8 hours ago: silence/4 = 2 h beats the 30 min median. */
    int64_t t[] = {NOW - 8 * HOUR, NOW - 8 * HOUR - 30 * MIN_, NOW - 9 * HOUR,
                   NOW - 9 * HOUR - 30 * MIN_};

    (void)state;
    assert_int_equal(wc_schedule_learn(&p, t, 4, NOW), 2 * HOUR);
}

static void test_learn_uses_newest_only(void **state)
{
    wc_schedule_policy p = policy();
    int64_t t[40];
    int i;

    (void)state;
    /* 16 newest are 20 min apart, 24 older ones daily: the newest decide. */
    for (i = 0; i < 16; i++)
        t[i] = NOW - 5 * MIN_ - i * 20 * MIN_;
    for (i = 16; i < 40; i++)
        t[i] = NOW - 10 * DAY - i * DAY;
    assert_int_equal(wc_schedule_learn(&p, t, 40, NOW), 20 * MIN_);
}

static wc_schedule next(wc_schedule_input in)
{
    wc_schedule out;

    memset(&out, 0xAA, sizeof(out));
    wc_schedule_next(NULL, &in, &out);
    return out;
}

static void test_next_learned_default_kept(void **state)
{
    wc_schedule_input in = WC_SCHEDULE_INPUT_INIT;
    wc_schedule s;

    (void)state;
    in.now = NOW;
    s = next(in);
    assert_int_equal(s.next_at, NOW + HOUR);
    assert_int_equal(s.reason, WC_SCHED_DEFAULT);
    assert_int_equal(s.errors, 0);

    in.learned = 3 * HOUR;
    in.interval = HOUR;
    s = next(in);
    assert_int_equal(s.interval, 3 * HOUR);
    assert_int_equal(s.next_at, NOW + 3 * HOUR);
    assert_int_equal(s.reason, WC_SCHED_LEARNED);

    /* 304: nothing to learn from, the stored interval stays. */
    in.outcome = WC_SCHED_NOT_MODIFIED;
    in.learned = 0;
    in.interval = 2 * HOUR;
    in.errors = 3;
    s = next(in);
    assert_int_equal(s.interval, 2 * HOUR);
    assert_int_equal(s.next_at, NOW + 2 * HOUR);
    assert_int_equal(s.reason, WC_SCHED_KEPT);
    assert_int_equal(s.errors, 0);
    assert_string_equal(wc_schedule_reason_name(s.reason), "kept");
}

static void test_next_bounds(void **state)
{
    wc_schedule_input in = WC_SCHEDULE_INPUT_INIT;
    wc_schedule s;

    (void)state;
    in.now = NOW;
    in.interval = 10;
    s = next(in);
    assert_int_equal(s.next_at, NOW + 15 * MIN_);
    assert_int_equal(s.reason, WC_SCHED_MIN);
    in.interval = 30 * DAY;
    s = next(in);
    assert_int_equal(s.next_at, NOW + DAY);
    assert_int_equal(s.interval, DAY);
    assert_int_equal(s.reason, WC_SCHED_MAX);
}

static void test_next_ttl_and_max_age(void **state)
{
    wc_schedule_input in = WC_SCHEDULE_INPUT_INIT;
    wc_schedule s;

    (void)state;
    in.now = NOW;
    in.learned = 30 * MIN_;
    /* <ttl>120</ttl>: two hours, later than the learned half hour. */
    in.ttl = 120 * MIN_;
    s = next(in);
    assert_int_equal(s.next_at, NOW + 2 * HOUR);
    assert_int_equal(s.reason, WC_SCHED_TTL);
    /* The stored interval is still the learned one: ttl is a hint, not history. */
    assert_int_equal(s.interval, 30 * MIN_);
    /* max-age larger still wins. */
    in.max_age = 3 * HOUR;
    s = next(in);
    assert_int_equal(s.next_at, NOW + 3 * HOUR);
    assert_int_equal(s.reason, WC_SCHED_MAX_AGE);
    /* Hints never make a fetch sooner. */
    in.ttl = 5 * MIN_;
    in.max_age = 60;
    s = next(in);
    assert_int_equal(s.next_at, NOW + 30 * MIN_);
    assert_int_equal(s.reason, WC_SCHED_LEARNED);
    /* A week-long ttl is capped at max_interval. */
    in.ttl = 7 * DAY;
    s = next(in);
    assert_int_equal(s.next_at, NOW + DAY);
    assert_int_equal(s.reason, WC_SCHED_TTL);
    /* max-age 0 (revalidate every time) is no hint. */
    in.ttl = 0;
    in.max_age = 0;
    s = next(in);
    assert_int_equal(s.next_at, NOW + 30 * MIN_);
}

static void test_next_backoff_doubles_and_caps(void **state)
{
    wc_schedule_input in = WC_SCHEDULE_INPUT_INIT;
    wc_schedule s;
    int64_t expect[] = {2 * HOUR, 4 * HOUR, 8 * HOUR, 16 * HOUR, 32 * HOUR, 48 * HOUR, 48 * HOUR};
    unsigned i;

    (void)state;
    in.now = NOW;
    in.outcome = WC_SCHED_FAILED;
    in.interval = HOUR;
    for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
        s = next(in);
        assert_int_equal(s.errors, i + 1);
        assert_int_equal(s.next_at - NOW, expect[i]);
        assert_int_equal(s.reason, WC_SCHED_BACKOFF);
        /* The interval is kept for when the feed recovers. */
        assert_int_equal(s.interval, HOUR);
        in.errors = s.errors;
    }
    /* Thousands of failures: no overflow, still capped. */
    in.errors = 4000000000u;
    s = next(in);
    assert_int_equal(s.next_at - NOW, 48 * HOUR);
    /* Success resets the count. */
    in.outcome = WC_SCHED_UPDATED;
    s = next(in);
    assert_int_equal(s.errors, 0);
    assert_int_equal(s.next_at - NOW, HOUR);
    /* A daily feed that fails once is tried again in two hours, not two days. */
    in.interval = 24 * HOUR;
    in.outcome = WC_SCHED_FAILED;
    in.errors = 0;
    s = next(in);
    assert_int_equal(s.next_at - NOW, 2 * HOUR);
    assert_int_equal(s.interval, 24 * HOUR);
    in.errors = s.errors;
    s = next(in);
    assert_int_equal(s.next_at - NOW, 4 * HOUR);
}

static void test_next_retry_after(void **state)
{
    wc_schedule_input in = WC_SCHEDULE_INPUT_INIT;
    wc_schedule s;

    (void)state;
    in.now = NOW;
    in.interval = HOUR;
    in.outcome = WC_SCHED_THROTTLED;
    in.retry_after = 5 * HOUR;
    s = next(in);
    assert_int_equal(s.next_at, NOW + 5 * HOUR);
    assert_int_equal(s.reason, WC_SCHED_RETRY_AFTER);
    assert_int_equal(s.errors, 1);
    /* A short Retry-After does not make us poll faster than usual. */
    in.retry_after = 120;
    s = next(in);
    assert_int_equal(s.next_at, NOW + HOUR);
    /* A huge one is cut to max_interval (24 h): ten years must not silence a host. */
    in.retry_after = 3650 * DAY;
    s = next(in);
    assert_int_equal(s.next_at, NOW + DAY);
    assert_int_equal(s.reason, WC_SCHED_RETRY_AFTER_MAX);
    assert_string_equal(wc_schedule_reason_name(s.reason), "retry-after cut to --max-interval");
    in.retry_after = DAY; /* exactly the cap: honoured as asked */
    s = next(in);
    assert_int_equal(s.next_at, NOW + DAY);
    assert_int_equal(s.reason, WC_SCHED_RETRY_AFTER);
    /* 429 without Retry-After: exponential backoff. */
    in.retry_after = -1;
    in.errors = 2;
    s = next(in);
    assert_int_equal(s.next_at, NOW + 8 * HOUR);
    assert_int_equal(s.reason, WC_SCHED_BACKOFF);
}

static void test_custom_policy(void **state)
{
    wc_schedule_policy p = policy();
    wc_schedule_input in = WC_SCHEDULE_INPUT_INIT;
    wc_schedule s;

    (void)state;
    p.min_interval = 60;
    p.backoff_max = 600;
    in.now = NOW;
    in.learned = 60;
    wc_schedule_next(&p, &in, &s);
    assert_int_equal(s.next_at, NOW + 60);
    in.outcome = WC_SCHED_FAILED;
    in.interval = 60;
    in.errors = 5;
    wc_schedule_next(&p, &in, &s);
    assert_int_equal(s.next_at, NOW + 600);
    assert_string_equal(wc_schedule_reason_name((wc_schedule_reason)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_defaults),
        cmocka_unit_test(test_learn_hourly_feed),
        cmocka_unit_test(test_learn_median_ignores_burst_and_holiday),
        cmocka_unit_test(test_learn_bounds_and_junk),
        cmocka_unit_test(test_learn_quiet_feed_slows),
        cmocka_unit_test(test_learn_uses_newest_only),
        cmocka_unit_test(test_next_learned_default_kept),
        cmocka_unit_test(test_next_bounds),
        cmocka_unit_test(test_next_ttl_and_max_age),
        cmocka_unit_test(test_next_backoff_doubles_and_caps),
        cmocka_unit_test(test_next_retry_after),
        cmocka_unit_test(test_custom_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
