/*
 * test_url.c - RFC 3986 reference resolution (every example of section
 * 5.4), splitting, hosts and ports, normalisation, and the leniencies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/url.h"

struct res_case {
    const char *ref;
    const char *want;
};

/* RFC 3986 section 5.4.1 and 5.4.2, base "http://a/b/c/d;p?q". */
static const struct res_case rfc[] = {
    {"g:h", "g:h"},
    {"g", "http://a/b/c/g"},
    {"./g", "http://a/b/c/g"},
    {"g/", "http://a/b/c/g/"},
    {"/g", "http://a/g"},
    {"//g", "http://g"},
    {"?y", "http://a/b/c/d;p?y"},
    {"g?y", "http://a/b/c/g?y"},
    {"#s", "http://a/b/c/d;p?q#s"},
    {"g#s", "http://a/b/c/g#s"},
    {"g?y#s", "http://a/b/c/g?y#s"},
    {";x", "http://a/b/c/;x"},
    {"g;x", "http://a/b/c/g;x"},
    {"g;x?y#s", "http://a/b/c/g;x?y#s"},
    {"", "http://a/b/c/d;p?q"},
    {".", "http://a/b/c/"},
    {"./", "http://a/b/c/"},
    {"..", "http://a/b/"},
    {"../", "http://a/b/"},
    {"../g", "http://a/b/g"},
    {"../..", "http://a/"},
    {"../../", "http://a/"},
    {"../../g", "http://a/g"},
    /* abnormal */
    {"../../../g", "http://a/g"},
    {"../../../../g", "http://a/g"},
    {"/./g", "http://a/g"},
    {"/../g", "http://a/g"},
    {"g.", "http://a/b/c/g."},
    {".g", "http://a/b/c/.g"},
    {"g..", "http://a/b/c/g.."},
    {"..g", "http://a/b/c/..g"},
    {"./../g", "http://a/b/g"},
    {"./g/.", "http://a/b/c/g/"},
    {"g/./h", "http://a/b/c/g/h"},
    {"g/../h", "http://a/b/c/h"},
    {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
    {"g;x=1/../y", "http://a/b/c/y"},
    {"g?y/./x", "http://a/b/c/g?y/./x"},
    {"g?y/../x", "http://a/b/c/g?y/../x"},
    {"g#s/./x", "http://a/b/c/g#s/./x"},
    {"g#s/../x", "http://a/b/c/g#s/../x"},
    {"http:g", "http:g"},
};

static void check_resolve(const char *base, const char *ref, const char *want)
{
    char *got = wc_url_resolve(base, ref);

    assert_non_null(got);
    if (strcmp(got, want))
        fail_msg("resolve('%s', '%s') = '%s', want '%s'", base, ref, got, want);
    free(got);
}

static void test_rfc3986_examples(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++)
        check_resolve("http://a/b/c/d;p?q", rfc[i].ref, rfc[i].want);
}

static void test_feed_cases(void **state)
{
    (void)state;
    /* a root-relative link against a feed URL with a port */
    check_resolve("http://127.0.0.1:8097/tests/x.xml", "/relative/uri",
                  "http://127.0.0.1:8097/relative/uri");
    /* blanks around and line breaks inside are dropped */
    check_resolve("http://example.com/a/", "  post\n.html ", "http://example.com/a/post.html");
    /* non-ASCII kept verbatim, never percent-encoded */
    check_resolve("http://any.test/", "\xC3\x80", "http://any.test/\xC3\x80");
    /* nested bases: a relative base resolves against its parent first */
    check_resolve("http://example.com/blog/2024/", "post.html",
                  "http://example.com/blog/2024/post.html");
    /* no base: the reference comes back trimmed */
    check_resolve(NULL, " foo ", "foo");
    check_resolve("", "/x", "/x");
    /* a relative base is merged all the same */
    check_resolve("dir/page.html", "other.html", "dir/other.html");
    /* authority without a path: merge starts at "/" */
    check_resolve("http://example.com", "a", "http://example.com/a");
    /* query-only and fragment-only references */
    check_resolve("http://example.com/a?x=1", "?y=2", "http://example.com/a?y=2");
    /* a path that would start with "//" without an authority keeps "/." (5.2.4) */
    check_resolve("ht/x", "../..//g", "/.//g");
    /* a first segment with ':' and no scheme keeps "./" in front (4.2) */
    check_resolve("x", "./c:d", "./c:d");
    assert_null(wc_url_resolve("http://example.com/", NULL));
}

static void test_split(void **state)
{
    const char *u = "https://user:pw@Example.COM:8443/p/a?q=1#frag";
    wc_url_parts p;

    (void)state;
    wc_url_split(u, strlen(u), &p);
    assert_true(p.scheme.present);
    assert_memory_equal(u + p.scheme.off, "https", 5);
    assert_memory_equal(u + p.userinfo.off, "user:pw", p.userinfo.len);
    assert_memory_equal(u + p.host.off, "Example.COM", p.host.len);
    assert_memory_equal(u + p.port.off, "8443", p.port.len);
    assert_memory_equal(u + p.path.off, "/p/a", p.path.len);
    assert_memory_equal(u + p.query.off, "q=1", p.query.len);
    assert_memory_equal(u + p.fragment.off, "frag", p.fragment.len);

    u = "[::1]";
    wc_url_split(u, strlen(u), &p);
    assert_false(p.scheme.present);
    assert_false(p.authority.present);

    u = "http://[2001:db8::1]:80/x";
    wc_url_split(u, strlen(u), &p);
    assert_memory_equal(u + p.host.off, "[2001:db8::1]", p.host.len);
    assert_memory_equal(u + p.port.off, "80", p.port.len);
}

static void test_host_port_scheme(void **state)
{
    char *h;

    (void)state;
    h = wc_url_host("HTTP://User@WWW.Example.org:81/x");
    assert_string_equal(h, "www.example.org");
    free(h);
    assert_null(wc_url_host("mailto:me@example.org"));
    assert_true(wc_url_is_http("https://example.org"));
    assert_true(wc_url_is_http("HTTP://example.org/x"));
    assert_false(wc_url_is_http("ftp://example.org/"));
    assert_false(wc_url_is_http("file:///etc/passwd"));
    assert_false(wc_url_is_http("http:///nohost"));
    assert_false(wc_url_is_http("/relative"));
}

static void test_normalize(void **state)
{
    struct {
        const char *in, *want;
    } c[] = {
        {"HTTP://Example.COM:80/a/./b/../c?x=%7e#frag", "http://example.com/a/c?x=%7E"},
        {"https://example.com:443", "https://example.com/"},
        {"https://example.com:8443/", "https://example.com:8443/"},
        {" http://example.com/%aa%2f ", "http://example.com/%AA%2F"},
        {"urn:Example:ABC", "urn:Example:ABC"},
        {"../http://x/", "./http://x/"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        char *got = wc_url_normalize(c[i].in);
        assert_non_null(got);
        if (strcmp(got, c[i].want))
            fail_msg("normalize('%s') = '%s', want '%s'", c[i].in, got, c[i].want);
        free(got);
    }
}

static void test_too_long_is_refused(void **state)
{
    char *big = malloc(WC_URL_MAX_LEN + 10);

    (void)state;
    assert_non_null(big);
    memset(big, 'a', WC_URL_MAX_LEN + 9);
    big[WC_URL_MAX_LEN + 9] = '\0';
    assert_null(wc_url_resolve("http://example.com/", big));
    assert_null(wc_url_normalize(big));
    assert_false(wc_url_is_http(big));
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc3986_examples),
        cmocka_unit_test(test_feed_cases),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_host_port_scheme),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_too_long_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
