/*
 * timeutil.c - UTC civil time without the C library's time zone state.
 *
 * gmtime/timegm depend on global state or are not in C11; the day
 * arithmetic here is Howard Hinnant's public-domain "days from civil"
 * algorithm (proleptic Gregorian calendar, any year), rewritten from its
 * description. Times are int64 seconds since 1970-01-01T00:00:00Z.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>

#include "internal.h"

static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t wc_time_from_civil(int year, int month, int day, int hour, int min, int sec)
{
    return days_from_civil(year, month, day) * 86400 + (int64_t)hour * 3600 + min * 60 + sec;
}

void wc_time_to_civil(int64_t t, int *year, int *month, int *day, int *hour, int *min, int *sec)
{
    int64_t days = t / 86400, rem = t % 86400, era, doe, yoe, doy, mp, y;

    if (rem < 0) {
        rem += 86400;
        days--;
    }
    days += 719468;
    era = (days >= 0 ? days : days - 146096) / 146097;
    doe = days - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(y + (*month <= 2));
    *hour = (int)(rem / 3600);
    *min = (int)(rem / 60 % 60);
    *sec = (int)(rem % 60);
}

void wc_time_format(int64_t t, char *out, size_t outlen)
{
    int y, mo, d, h, mi, s;

    if (t == WC_TIME_NONE) {
        if (outlen)
            out[0] = '\0';
        return;
    }
    wc_time_to_civil(t, &y, &mo, &d, &h, &mi, &s);
    snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
}

int64_t wc_time_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

double wc_time_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
