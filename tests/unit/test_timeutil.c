/*
 * test_timeutil.c - timeutil.c: civil date-time <-> seconds since the
 * epoch (known instants, negative times, leap years, a round trip over
 * every day of 4,000 years), formatting, WC_TIME_NONE, and the clocks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static void test_known_instants(void **state)
{
    (void)state;
    assert_int_equal(wc_time_from_civil(1970, 1, 1, 0, 0, 0), 0);
    assert_int_equal(wc_time_from_civil(1969, 12, 31, 23, 59, 59), -1);
    assert_int_equal(wc_time_from_civil(2000, 2, 29, 0, 0, 0), 951782400);
    assert_int_equal(wc_time_from_civil(2000, 3, 1, 0, 0, 0), 951868800);
    assert_int_equal(wc_time_from_civil(2038, 1, 19, 3, 14, 8), 2147483648LL); /* past int32 */
    assert_int_equal(wc_time_from_civil(1900, 1, 1, 0, 0, 0), -2208988800LL);
    assert_int_equal(wc_time_from_civil(2004, 1, 1, 19, 48, 21), 1072986501);
    /* 1900 is no leap year, 2000 is: March 1st follows February 28th / 29th */
    assert_int_equal(
        wc_time_from_civil(1900, 3, 1, 0, 0, 0) - wc_time_from_civil(1900, 2, 28, 0, 0, 0), 86400);
    assert_int_equal(wc_time_from_civil(2000, 3, 1, 0, 0, 0) -
                         wc_time_from_civil(2000, 2, 28, 0, 0, 0),
                     2 * 86400);
}

static void test_to_civil(void **state)
{
    int y, mo, d, h, mi, s;

    (void)state;
    wc_time_to_civil(-1, &y, &mo, &d, &h, &mi, &s);
    assert_int_equal(y, 1969);
    assert_int_equal(mo, 12);
    assert_int_equal(d, 31);
    assert_int_equal(h, 23);
    assert_int_equal(mi, 59);
    assert_int_equal(s, 59);
    wc_time_to_civil(951782400 + 3723, &y, &mo, &d, &h, &mi, &s);
    assert_int_equal(y, 2000);
    assert_int_equal(mo, 2);
    assert_int_equal(d, 29);
    assert_int_equal(h, 1);
    assert_int_equal(mi, 2);
    assert_int_equal(s, 3);
}

/* Every day from 0001-01-01 to 3999-12-31, at a time of day that moves, both ways. */
static void test_round_trip(void **state)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t prev = wc_time_from_civil(0, 12, 31, 0, 0, 0);
    int year, month, day;
    unsigned step = 0;

    (void)state;
    for (year = 1; year < 4000; year++) {
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        for (month = 1; month <= 12; month++) {
            int last = mdays[month - 1] + (month == 2 && leap);
            for (day = 1; day <= last; day++) {
                int hh = (int)(step % 24), mm = (int)(step * 7 % 60), ss = (int)(step * 13 % 60);
                int64_t midnight = wc_time_from_civil(year, month, day, 0, 0, 0);
                int64_t t = wc_time_from_civil(year, month, day, hh, mm, ss);
                int y, mo, d, h, mi, s;

                assert_int_equal(midnight - prev, 86400); /* days follow each other */
                prev = midnight;
                wc_time_to_civil(t, &y, &mo, &d, &h, &mi, &s);
                if (y != year || mo != month || d != day || h != hh || mi != mm || s != ss)
                    fail_msg("%04d-%02d-%02d %02d:%02d:%02d came back as "
                             "%04d-%02d-%02d %02d:%02d:%02d",
                             year, month, day, hh, mm, ss, y, mo, d, h, mi, s);
                step++;
            }
        }
    }
}

static void test_format(void **state)
{
    char out[32], small[11];

    (void)state;
    wc_time_format(0, out, sizeof(out));
    assert_string_equal(out, "1970-01-01T00:00:00Z");
    wc_time_format(1072986501, out, sizeof(out));
    assert_string_equal(out, "2004-01-01T19:48:21Z");
    wc_time_format(-2208988800LL, out, sizeof(out));
    assert_string_equal(out, "1900-01-01T00:00:00Z");
    /* no time known: the empty string, never a date */
    memcpy(out, "junk", 5);
    wc_time_format(WC_TIME_NONE, out, sizeof(out));
    assert_string_equal(out, "");
    /* too small a buffer is cut, still terminated */
    wc_time_format(0, small, sizeof(small));
    assert_string_equal(small, "1970-01-01");
}

static void test_clocks(void **state)
{
    double a, b;
    int64_t now = wc_time_now();

    (void)state;
    assert_true(now > wc_time_from_civil(2020, 1, 1, 0, 0, 0));
    assert_true(now != WC_TIME_NONE);
    a = wc_time_mono();
    b = wc_time_mono();
    assert_true(b >= a);
    assert_true(a > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_instants), cmocka_unit_test(test_to_civil),
        cmocka_unit_test(test_round_trip),     cmocka_unit_test(test_format),
        cmocka_unit_test(test_clocks),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
