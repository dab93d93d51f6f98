/*
 * feed_fixture.h - helpers the feed module's unit tests share: read a
 * fixture from $WC_TEST_DATA/feed/ and parse it (failing the test when
 * the parser refuses it). Included by test_feed*.c only.
 */
#ifndef WC_TEST_FEED_FIXTURE_H
#define WC_TEST_FEED_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/date.h"
#include "wirecopy/feed.h"

static inline char *slurp(const char *name, size_t *len)
{
    const char *dir = getenv("WC_TEST_DATA");
    char path[1024];
    FILE *fp;
    char *buf;
    long n;

    snprintf(path, sizeof(path), "%s/feed/%s", dir ? dir : "tests/data", name);
    fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open fixture %s", path);
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

static inline wc_feed *parse_mem(const char *p, size_t len, const char *url)
{
    wc_feed_input in = {p, len, url, NULL, NULL, NULL, NULL};
    wc_feed *f = NULL;
    wc_error err = WC_ERROR_INIT;

    if (wc_feed_parse(&in, &f, &err) != WC_OK)
        fail_msg("parse failed: %s", err.msg);
    return f;
}

static inline wc_feed *parse_file(const char *name, const char *url)
{
    size_t len;
    char *p = slurp(name, &len);
    wc_feed *f = parse_mem(p, len, url);

    free(p);
    return f;
}

static inline wc_feed *parse_str(const char *s)
{
    return parse_mem(s, strlen(s), NULL);
}

static inline void assert_time(int64_t t, const char *iso)
{
    char got[32];

    wc_date_format(t, got, sizeof(got));
    assert_string_equal(got, iso);
}

#endif
