/* test_robots.c - robots.txt parsing and matching (RFC 9309 and its examples). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/robots.h"

static wc_robots *parse(const char *text)
{
    wc_robots *r = NULL;
    wc_error err = WC_ERROR_INIT;

    assert_int_equal(wc_robots_parse(text, strlen(text), "wirecopy", &r, &err), WC_OK);
    assert_non_null(r);
    return r;
}

static bool allowed(const wc_robots *r, const char *path)
{
    return wc_robots_allowed(r, path, strlen(path));
}

static void test_empty_allows_everything(void **state)
{
    wc_robots *r = parse("");

    (void)state;
    assert_true(allowed(r, "/"));
    assert_true(allowed(r, "/anything?x=1"));
    assert_true(wc_robots_crawl_delay(r) < 0);
    assert_true(allowed(NULL, "/x"));
    wc_robots_free(r);
    wc_robots_free(NULL);
}

static void test_star_group(void **state)
{
    wc_robots *r = parse("User-agent: *\nDisallow: /private/\nDisallow: /tmp\n");

    (void)state;
    assert_false(allowed(r, "/private/a.html"));
    assert_true(allowed(r, "/private"));
    assert_false(allowed(r, "/tmp"));
    assert_false(allowed(r, "/tmpfile.html"));
    assert_true(allowed(r, "/public/tmp"));
    assert_true(allowed(r, "/robots.txt"));
    wc_robots_free(r);
}

static void test_own_group_replaces_star(void **state)
{
    /* The test server's robots.txt: wirecopy has its own group. */
    wc_robots *r = parse("User-agent: *\nDisallow: /private/\n\n"
                         "User-agent: wirecopy\nDisallow: /nocopy/\nAllow: /nocopy/ok.html\n");

    (void)state;
    assert_true(allowed(r, "/private/x.html")); /* the * group does not apply */
    assert_false(allowed(r, "/nocopy/secret.html"));
    assert_true(allowed(r, "/nocopy/ok.html"));
    wc_robots_free(r);
}

static void test_agent_token_matching(void **state)
{
    wc_robots *r;

    (void)state;
    /* Case-insensitive, version suffix ignored; another bot's group does not apply. */
    r = parse("User-agent: WireCopy/2.0\nDisallow: /a\n\nUser-agent: wirecopybot\nDisallow: /b\n");
    assert_false(allowed(r, "/a"));
    assert_true(allowed(r, "/b"));
    wc_robots_free(r);
    r = parse("User-agent: googlebot\nDisallow: /\n");
    assert_true(allowed(r, "/"));
    wc_robots_free(r);
}

static void test_groups_merge_and_multiple_agents(void **state)
{
    wc_robots *r;

    (void)state;
    /* Two groups for wirecopy are merged (RFC 9309 2.2.1). */
    r = parse("user-agent: wirecopy\ndisallow: /a\n\nuser-agent: other\ndisallow: /x\n\n"
              "user-agent: WIRECOPY\ndisallow: /b\n");
    assert_false(allowed(r, "/a1"));
    assert_false(allowed(r, "/b1"));
    assert_true(allowed(r, "/x"));
    wc_robots_free(r);
    /* Several User-agent lines start one group. */
    r = parse("User-agent: a\nUser-agent: wirecopy\nUser-agent: b\nDisallow: /shared\n");
    assert_false(allowed(r, "/shared/1"));
    wc_robots_free(r);
}

static void test_longest_match_and_tie(void **state)
{
    wc_robots *r;

    (void)state;
    r = parse("User-agent: *\nAllow: /p\nDisallow: /\n");
    assert_true(allowed(r, "/page"));
    assert_false(allowed(r, "/other"));
    wc_robots_free(r);
    r = parse("User-agent: *\nDisallow: /folder/\nAllow: /folder/page\n");
    assert_true(allowed(r, "/folder/page"));
    assert_false(allowed(r, "/folder/other"));
    wc_robots_free(r);
    /* Equal length: Allow wins. */
    r = parse("User-agent: *\nDisallow: /page\nAllow: /page\n");
    assert_true(allowed(r, "/page"));
    wc_robots_free(r);
    r = parse("User-agent: *\nAllow: /$\nDisallow: /\n");
    assert_true(allowed(r, "/"));
    assert_false(allowed(r, "/page.html"));
    wc_robots_free(r);
}

static void test_wildcards(void **state)
{
    wc_robots *r = parse("User-agent: *\n"
                         "Disallow: /*.gif$\n"
                         "Disallow: /search*q=\n"
                         "Disallow: /a*b*c\n"
                         "Allow: /*.php$\n"
                         "Disallow: /*.php\n");

    (void)state;
    assert_false(allowed(r, "/img/x.gif"));
    assert_true(allowed(r, "/img/x.gif?size=2"));
    assert_false(allowed(r, "/search?q=x"));
    assert_false(allowed(r, "/search/new?lang=en&q=x"));
    assert_true(allowed(r, "/search?lang=en"));
    assert_false(allowed(r, "/a-b-c"));
    assert_false(allowed(r, "/abc/d"));
    assert_true(allowed(r, "/acb"));
    assert_true(allowed(r, "/index.php"));
    assert_false(allowed(r, "/index.php?x=1"));
    wc_robots_free(r);
}

static void test_pathological_pattern_is_fast(void **state)
{
    /* Backtracking matchers take exponential time here; ours is linear. */
    char text[4096], path[4096];
    size_t n = 0, i;
    wc_robots *r;

    (void)state;
    n += (size_t)snprintf(text, sizeof(text), "User-agent: *\nDisallow: /");
    for (i = 0; i < 200; i++)
        text[n++] = '*', text[n++] = 'a';
    text[n++] = 'b';
    text[n++] = '\n';
    text[n] = '\0';
    path[0] = '/';
    for (i = 1; i < 3000; i++)
        path[i] = 'a';
    path[i] = '\0';
    r = parse(text);
    assert_true(allowed(r, path));
    path[2999] = 'b';
    assert_false(allowed(r, path));
    wc_robots_free(r);
}

static void test_percent_encoding_normalised(void **state)
{
    wc_robots *r = parse("User-agent: *\nDisallow: /caf\xc3\xa9/\nDisallow: /%7euser/\n"
                         "Disallow: /a%2fb\n");

    (void)state;
    assert_false(allowed(r, "/caf%C3%A9/menu"));
    assert_false(allowed(r, "/caf%c3%a9/menu"));
    assert_false(allowed(r, "/caf\xc3\xa9/menu"));
    assert_false(allowed(r, "/~user/x"));
    assert_false(allowed(r, "/a%2Fb"));
    /* An encoded slash is not a slash. */
    assert_true(allowed(r, "/a/b"));
    wc_robots_free(r);
}

static void test_crawl_delay(void **state)
{
    wc_robots *r;

    (void)state;
    r = parse("User-agent: *\nCrawl-delay: 2.5\nDisallow: /x\n");
    assert_true(wc_robots_crawl_delay(r) > 2.49 && wc_robots_crawl_delay(r) < 2.51);
    wc_robots_free(r);
    r = parse("User-agent: *\nCrawl-delay: 7\n\nUser-agent: wirecopy\nDisallow:\n");
    /* Our group has no delay; the star group's does not apply. */
    assert_true(wc_robots_crawl_delay(r) < 0);
    wc_robots_free(r);
    r = parse("User-agent: *\nCrawl-delay: soon\n");
    assert_true(wc_robots_crawl_delay(r) < 0);
    wc_robots_free(r);
    r = parse("User-agent: *\nCrawl-delay: 99999999999999\n");
    assert_true(wc_robots_crawl_delay(r) <= 86400.0);
    wc_robots_free(r);
}

static void test_syntax_tolerance(void **state)
{
    wc_robots *r;

    (void)state;
    /* BOM, CRLF, lone CR, comments, odd spacing and case, typos, junk lines. */
    r = parse("\xEF\xBB\xBFUSER-AGENT :  *   # everyone\r\n"
              "this line is junk\r\n"
              "Dissallow: /typo\r"
              "disallow:/nospace\r\n"
              "Disallow: relative\n"
              "Disallow:    # empty: no rule\n"
              "Sitemap: http://example.com/sitemap.xml\n");
    assert_false(allowed(r, "/typo/1"));
    assert_false(allowed(r, "/nospace"));
    assert_false(allowed(r, "/relative"));
    assert_true(allowed(r, "/other"));
    wc_robots_free(r);
    /* Rules before any User-agent line belong to nobody. */
    r = parse("Disallow: /\nUser-agent: *\nDisallow: /x\n");
    assert_true(allowed(r, "/"));
    assert_false(allowed(r, "/x"));
    wc_robots_free(r);
}

static void test_caps(void **state)
{
    size_t n = WC_ROBOTS_MAX_BYTES + 4096, i, len;
    char *text = malloc(n + 64), path[32];
    wc_robots *r = NULL;

    (void)state;
    assert_non_null(text);
    len = (size_t)snprintf(text, 64, "User-agent: *\n");
    /* 20,000 rules: only WC_ROBOTS_MAX_RULES are kept. */
    for (i = 0; len + 32 < n && i < 20000; i++)
        len += (size_t)snprintf(text + len, 32, "Disallow: /d%05zu\n", i);
    /* Past the byte cap: ignored. */
    memset(text + len, 'x', n - len);
    memcpy(text + n - 14, "\nDisallow: /\n", 13);
    assert_int_equal(wc_robots_parse(text, n, "wirecopy", &r, NULL), WC_OK);
    /* The first WC_ROBOTS_MAX_RULES rules hold, the later ones are not kept. */
    snprintf(path, sizeof(path), "/d%05d", WC_ROBOTS_MAX_RULES - 1);
    assert_false(allowed(r, path));
    snprintf(path, sizeof(path), "/d%05d", WC_ROBOTS_MAX_RULES);
    assert_true(allowed(r, path));
    assert_false(allowed(r, "/d00001"));
    assert_true(allowed(r, "/elsewhere"));
    wc_robots_free(r);
    free(text);
}

static void test_nul_bytes_and_binary(void **state)
{
    static const char junk[] = "User-agent: *\0\nDisallow: /a\0b\n\xff\xfe:\x01\n";
    wc_robots *r = NULL;

    (void)state;
    assert_int_equal(wc_robots_parse(junk, sizeof(junk) - 1, "wirecopy", &r, NULL), WC_OK);
    assert_false(wc_robots_allowed(r, "/a\0b", 4));
    assert_true(allowed(r, "/a"));
    wc_robots_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_allows_everything),
        cmocka_unit_test(test_star_group),
        cmocka_unit_test(test_own_group_replaces_star),
        cmocka_unit_test(test_agent_token_matching),
        cmocka_unit_test(test_groups_merge_and_multiple_agents),
        cmocka_unit_test(test_longest_match_and_tie),
        cmocka_unit_test(test_wildcards),
        cmocka_unit_test(test_pathological_pattern_is_fast),
        cmocka_unit_test(test_percent_encoding_normalised),
        cmocka_unit_test(test_crawl_delay),
        cmocka_unit_test(test_syntax_tolerance),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_nul_bytes_and_binary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
