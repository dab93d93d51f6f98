/*
 * date.c - date parsing for feeds, pages and dumps (see date.h).
 *
 * This first version knows ISO 8601 / RFC 3339 only; the feed module's
 * work extends it to RFC 822 and asctime.
 */
#include "wirecopy/date.h"

#include "internal.h"

static bool digits(const char *p, size_t len, size_t n, int *out)
{
    int v = 0;
    size_t i;

    if (len < n)
        return false;
    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

static bool parse_iso(const char *p, size_t len, int64_t *out)
{
    int y, mo = 1, d = 1, h = 0, mi = 0, s = 0, oh = 0, om = 0, sign = 1;
    size_t i = 0;

    if (!digits(p, len, 4, &y))
        return false;
    i = 4;
    if (i < len && p[i] == '-') {
        if (!digits(p + i + 1, len - i - 1, 2, &mo))
            return false;
        i += 3;
        if (i < len && p[i] == '-') {
            if (!digits(p + i + 1, len - i - 1, 2, &d))
                return false;
            i += 3;
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return false;
    if (i < len && (p[i] == 'T' || p[i] == 't' || p[i] == ' ')) {
        i++;
        if (!digits(p + i, len - i, 2, &h) || i + 2 >= len || p[i + 2] != ':' ||
            !digits(p + i + 3, len - i - 3, 2, &mi))
            return false;
        i += 5;
        if (i < len && p[i] == ':') {
            if (!digits(p + i + 1, len - i - 1, 2, &s))
                return false;
            i += 3;
            if (i < len && (p[i] == '.' || p[i] == ',')) {
                i++;
                while (i < len && p[i] >= '0' && p[i] <= '9')
                    i++;
            }
        }
        if (h > 24 || mi > 59 || s > 60 || (h == 24 && (mi || s)))
            return false;
        while (i < len && p[i] == ' ')
            i++;
        if (i < len && (p[i] == 'Z' || p[i] == 'z')) {
            i++;
        } else if (i < len && (p[i] == '+' || p[i] == '-')) {
            sign = p[i] == '-' ? -1 : 1;
            if (!digits(p + i + 1, len - i - 1, 2, &oh))
                return false;
            i += 3;
            if (i < len && p[i] == ':')
                i++;
            if (i < len && digits(p + i, len - i, 2, &om))
                i += 2;
            if (oh > 23 || om > 59)
                return false;
        }
    }
    if (i != len)
        return false;
    if (s == 60)
        s = 59;
    *out = wc_time_from_civil(y, mo, d, h, mi, s) - sign * (oh * 3600 + om * 60);
    return true;
}

bool wc_date_parse(const char *p, size_t len, int64_t *out)
{
    wc_mem_trim(&p, &len);
    if (!len)
        return false;
    return parse_iso(p, len, out);
}

void wc_date_format(int64_t t, char *out, size_t outlen)
{
    wc_time_format(t, out, outlen);
}
