/*
 * test_date.c - the date parser, as a table: every form feeds write, the
 * instant each must give, and the malformed ones that must give nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/date.h"

struct date_case {
    const char *in;
    const char *want; /* ISO 8601 UTC, or NULL: must not parse */
};

static const struct date_case good[] = {
    /* RFC 822 / 1123 / 2822 */
    {"Thu, 01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z"},
    {"Thu, 01 Jan 04 19:48:21 GMT", "2004-01-01T19:48:21Z"},
    {"Fri, 01 Jan 99 00:00:00 GMT", "1999-01-01T00:00:00Z"},
    {"Thu,  5 Apr 2012 10:00:00 GMT", "2012-04-05T10:00:00Z"},
    {"Thu, 01 Jan 2004 00:00 GMT", "2004-01-01T00:00:00Z"},
    {"Thu, 01 Jan 2004", "2004-01-01T00:00:00Z"},
    {"01 Jan 2004 19:48:21 +0000", "2004-01-01T19:48:21Z"},
    {"Wednesday, 01 May 2024 10:00:00 GMT", "2024-05-01T10:00:00Z"},
    {"Wed., 01 May 2024 10:00:00 UT", "2024-05-01T10:00:00Z"},
    {"Wed, 1 May 2024 10:00:00 +0530", "2024-05-01T04:30:00Z"},
    {"Wed, 19 Feb 2012 22:40:00 -01:01", "2012-02-19T23:41:00Z"},
    {"Wed, 19 Feb 2012 22:40:00 GMT-01:01", "2012-02-19T23:41:00Z"},
    {"Wed, 19 Aug 2009 18:28:00 Etc/GMT", "2009-08-19T18:28:00Z"},
    {"Mon, 13 Feb, 2012 06:28:00 UTC", "2012-02-13T06:28:00Z"},
    {"Mon, 26 January 2004 16:31:00 ET", "2004-01-26T21:31:00Z"},
    {"Mon, 26 January 2004 16:31:00 CT", "2004-01-26T22:31:00Z"},
    {"Mon, 26 January 2004 16:31:00 MT", "2004-01-26T23:31:00Z"},
    {"Mon, 26 January 2004 16:31:00 PT", "2004-01-27T00:31:00Z"},
    {"Mon, 26 January 2004 16:31:00 AT", "2004-01-26T20:31:00Z"},
    {"Mon, 26 Jan 2004 16:31:00 EST", "2004-01-26T21:31:00Z"},
    {"Mon, 26 Jul 2004 16:31:00 EDT", "2004-07-26T20:31:00Z"},
    {"Mon, 26 Jan 2004 16:31:00 CST", "2004-01-26T22:31:00Z"},
    {"Mon, 26 Jul 2004 16:31:00 CDT", "2004-07-26T21:31:00Z"},
    {"Mon, 26 Jan 2004 16:31:00 MST", "2004-01-26T23:31:00Z"},
    {"Mon, 26 Jul 2004 16:31:00 MDT", "2004-07-26T22:31:00Z"},
    {"Mon, 26 Jan 2004 16:31:00 PST", "2004-01-27T00:31:00Z"},
    {"Mon, 26 Jul 2004 16:31:00 PDT", "2004-07-26T23:31:00Z"},
    {"Thu, 30 Apr 2015 08:57:00 MET", "2015-04-30T07:57:00Z"},
    {"Thu, 30 Apr 2015 08:57:00 MEST", "2015-04-30T06:57:00Z"},
    {"Thu, 01 Jan 2004 12:00:00 Z", "2004-01-01T12:00:00Z"},
    {"Thu, 01 Jan 2004 12:00:00 A", "2004-01-01T13:00:00Z"},
    {"Thu, 01 Jan 2004 12:00:00 N", "2004-01-01T11:00:00Z"},
    {"Thu, 01 Jan 2004 12:00:00 M", "2004-01-02T00:00:00Z"},
    {"Thu, 01 Jan 2004 12:00:00 Y", "2004-01-01T00:00:00Z"},
    {"Thu, 01 Jan 2004 19:48:21", "2004-01-01T19:48:21Z"},
    {"Thu, 01 Jan 2004 19:48:21 +0000 (UTC)", "2004-01-01T19:48:21Z"},
    {"Sat, 07 Sep 2002 00:00:01 GMT", "2002-09-07T00:00:01Z"},
    {"Thu, 01 Jan 0100 00:00:01 +0100", "0099-12-31T23:00:01Z"},
    {"01-Jan-2004 10:00:00 GMT", "2004-01-01T10:00:00Z"},
    {"Tue, 1 Sept 2020 10:00 pm GMT", "2020-09-01T22:00:00Z"},
    {"Tue, 1 Sep 2020 12:15am +0000", "2020-09-01T00:15:00Z"},
    {"Wed, 31 Dec 2008 23:59:60 GMT", "2008-12-31T23:59:59Z"},
    /* swapped month and day, JavaScript's Date.toString, Perforce */
    {"Thu Aug 30 2012 17:26:16 +0200", "2012-08-30T15:26:16Z"},
    {"Thu Aug 30 2012 17:26:16 GMT+0200 (CEST)", "2012-08-30T15:26:16Z"},
    {"Fri, 2006/09/15 08:19:53 EDT", "2006-09-15T12:19:53Z"},
    /* asctime, with and without a zone before the year */
    {"Sun Jan  4 16:29:06 2004", "2004-01-04T16:29:06Z"},
    {"Sun Jul 15 01:16:00 +0000 2012", "2012-07-15T01:16:00Z"},
    /* ISO 8601 / W3CDTF / RFC 3339 */
    {"2003-12-31T10:14:55Z", "2003-12-31T10:14:55Z"},
    {"2003-12-31T10:14:55-08:00", "2003-12-31T18:14:55Z"},
    {"2003-12-31T18:14:55+08:00", "2003-12-31T10:14:55Z"},
    {"2007-04-23T23:25:47.538+10:00", "2007-04-23T13:25:47Z"},
    {"2003-12-31T10:14:55.1234Z", "2003-12-31T10:14:55Z"},
    {"2003-12-31", "2003-12-31T00:00:00Z"},
    {"2003-12", "2003-12-01T00:00:00Z"},
    {"2003", "2003-01-01T00:00:00Z"},
    {"2004-02-28T18:14:55-08:00", "2004-02-29T02:14:55Z"},
    {"2003-02-28T18:14:55-08:00", "2003-03-01T02:14:55Z"},
    {"2000-02-28T18:14:55-08:00", "2000-02-29T02:14:55Z"},
    {"2004-07-08 23:56:58 -00:20", "2004-07-09T00:16:58Z"},
    {"2004-07-08 23:56:58", "2004-07-08T23:56:58Z"},
    {"2004-07-08 23:56:58.0", "2004-07-08T23:56:58Z"},
    {"2003-012-31T10:14:55+00:00", "2003-12-31T10:14:55Z"},
    {"2024-05-01T10:00:00+0200", "2024-05-01T08:00:00Z"},
    {"2024-05-01T10:00:00+02", "2024-05-01T08:00:00Z"},
    {"2024-05-01t10:00:00z", "2024-05-01T10:00:00Z"},
    {"2024-05-01T10:00Z", "2024-05-01T10:00:00Z"},
    {"2024-05-01T24:00:00Z", "2024-05-02T00:00:00Z"},
    {"20031231T101455Z", "2003-12-31T10:14:55Z"},
    {"2003-365", "2003-12-31T00:00:00Z"},
    {"2024-05-01 10:00:00 GMT", "2024-05-01T10:00:00Z"},
    {"  2024-05-01T10:00:00Z\n", "2024-05-01T10:00:00Z"},
    /* localised: Greek RFC 822, Hungarian ISO 8601, Korean (KST) */
    {"\xce\x9a\xcf\x85\xcf\x81, 11 \xce\x99\xce\xbf\xcf\x8d\xce\xbb 2004 12:00:00 EST",
     "2004-07-11T17:00:00Z"},
    {"2004-j\xc3\xbalius-13T9:15-05:00", "2004-07-13T14:15:00Z"},
    {"2004-okt\xc3\xb3"
     "ber-13T09:15:00Z",
     "2004-10-13T09:15:00Z"},
    {"2004-05-25 \xec\x98\xa4\xed\x9b\x84 11:23:17", "2004-05-25T14:23:17Z"},
    {"2004\xeb\x85\x84 05\xec\x9b\x94 28\xec\x9d\xbc  01:31:15", "2004-05-27T16:31:15Z"},
};

static const char *const bad[] = {
    "",
    "   ",
    "yesterday",
    "Sun, 16 Dec 2012 1:2:3:4 GMT",
    "Sun, 16 zzz 2012 11:47:32 GMT",
    "Sun, Dec x 2012 11:47:32 GMT",
    "Sun, 16 Dec zz 11:47:32 GMT",
    "Sun, 16 Dec 2012 11:47:32 +zz:00",
    "Sun, 16 Dec 2012 11:47:32 +00:zz",
    "Sun, 99 Jun 2009 12:00:00 GMT",
    "Sun, 31 Dec 9999 23:59:59 -9999",
    "Sun, 16 Dec 2012 11:47:32 IST",
    "Sun, 16 Dec 2012 11:47:32 GMT and more",
    "Sun, 30 Feb 2012 11:47:32 GMT",
    "9999-12-31T23:59:59-99:99",
    "2003-12-31T25:14:55Z",
    "2003-12-31T10:61:55Z",
    "2003-12-31T10:14:61Z",
    "2003-02-29",
    "22013",
    "013",
    "2013-01-27-01",
    "2013-01-28T11:30:00-06:00Textra",
    "2013-xx-27",
    "2013-01-28T09:xx:00Z",
    "2013-01-28T09:00:00+00:xx",
    "2013-13-01",
    "Thu, 01 Jan 2004 13:00 pm GMT",
    "Thu, 01 Jan 2004 12:00:00 J",
    "Thu Aug 30 17:26:16",
    "\xff\xfe 2004",
    "2004-05-25 11:23:17 \xec\x98\xa4",
    "2004-foo-13T9:15-05:00",
    "\xce\x9a\xcf\x85\xcf\x81, 11 Xyz 2004",
};

static void test_good_dates(void **state)
{
    size_t i, nfail = 0;
    char got[32];

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        int64_t t = 0;
        if (!wc_date_parse(good[i].in, strlen(good[i].in), &t)) {
            print_error("'%s' did not parse\n", good[i].in);
            nfail++;
            continue;
        }
        wc_date_format(t, got, sizeof(got));
        if (strcmp(got, good[i].want)) {
            print_error("'%s' gave %s, want %s\n", good[i].in, got, good[i].want);
            nfail++;
        }
    }
    assert_int_equal(nfail, 0);
}

static void test_bad_dates_are_absent(void **state)
{
    size_t i, nfail = 0;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t t = 42;
        if (wc_date_parse(bad[i], strlen(bad[i]), &t)) {
            print_error("'%s' parsed, but must not\n", bad[i]);
            nfail++;
        }
        assert_int_equal(t, 42); /* *out untouched */
    }
    assert_int_equal(nfail, 0);
}

static void test_length_is_honoured(void **state)
{
    /* only the first len bytes count: no reading past them, no NUL needed */
    const char buf[] = "2004-01-01T10:00:00Zjunk";
    int64_t t;
    char got[32];

    (void)state;
    assert_true(wc_date_parse(buf, 20, &t));
    wc_date_format(t, got, sizeof(got));
    assert_string_equal(got, "2004-01-01T10:00:00Z");
    assert_false(wc_date_parse(buf, sizeof(buf) - 1, &t));
    assert_false(wc_date_parse(NULL, 0, &t));
}

static void test_long_input_refused(void **state)
{
    char buf[1024];
    int64_t t;

    (void)state;
    memset(buf, ' ', sizeof(buf));
    memcpy(buf + 500, "2004-01-01", 10);
    /* padded with blanks it is still a date: trimming happens first */
    assert_true(wc_date_parse(buf, sizeof(buf), &t));
    memset(buf, '1', sizeof(buf));
    assert_false(wc_date_parse(buf, sizeof(buf), &t));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_dates),
        cmocka_unit_test(test_bad_dates_are_absent),
        cmocka_unit_test(test_length_is_honoured),
        cmocka_unit_test(test_long_input_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
