/*
 * test_sanitize.c - HTML fragments from feeds: the allow-list, URL
 * resolution, and "does this look like HTML" (the shared primitives under
 * them are tested in test_html.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/feed.h"
#include "feed/feed_internal.h"

static void check_sanitize(const char *in, const char *base, const char *want)
{
    wc_buf b = WC_BUF_INIT;

    assert_int_equal(wc_html_sanitize(&b, in, strlen(in), base), WC_OK);
    if (strcmp(b.buf, want))
        fail_msg("sanitize('%s') = '%s', want '%s'", in, b.buf, want);
    wc_buf_release(&b);
}

static void test_sanitize(void **state)
{
    (void)state;
    check_sanitize("<p>Hi <a href=\" /x \" onclick=\"evil()\">there</a></p>", "http://h.example/d/",
                   "<p>Hi <a href=\"http://h.example/x\">there</a></p>");
    check_sanitize("<script>alert(1)</script>ok<style>p{}</style><applet>x</applet>", NULL, "ok");
    check_sanitize("<a href=\"javascript:alert(1)\">x</a>", NULL, "<a>x</a>");
    check_sanitize("<img src=\"data:image/png;base64,AA\"><img src=\"data:text/html,x\">", NULL,
                   "<img src=\"data:image/png;base64,AA\" /><img />");
    check_sanitize("<b>unclosed <i>tags", NULL, "<b>unclosed <i>tags</i></b>");
    check_sanitize("</div>stray end</p>", NULL, "stray end");
    check_sanitize("<!' <a href=\"foo\">", NULL, "&lt;!' <a href=\"foo\"></a>");
    check_sanitize("1 < 2 & 3 > 2", NULL, "1 &lt; 2 &amp; 3 &gt; 2");
    check_sanitize("&eacute;&amp;&#233;&unknown;", NULL, "\xC3\xA9&amp;\xC3\xA9&amp;unknown;");
    check_sanitize("<blink>old</blink><svg><title>t</title></svg>", NULL, "oldt");
    check_sanitize("<img src=a.png srcset=\"a.png 1x, b.png 2x\" alt=\"&quot;q&quot;\">",
                   "http://h.example/",
                   "<img src=\"http://h.example/a.png\" srcset=\"http://h.example/a.png 1x, "
                   "http://h.example/b.png 2x\" alt=\"&quot;q&quot;\" />");
    check_sanitize("<![CDATA[<b>]]><!-- gone -->", NULL, "&lt;b&gt;");
    check_sanitize("<p title='a>b'>x</p>", NULL, "<p title=\"a&gt;b\">x</p>");
    check_sanitize("<div", NULL, "");
}

static void test_looks_like_html(void **state)
{
    (void)state;
    assert_true(wc_html_looks_like("<b>x</b>", 8));
    assert_true(wc_html_looks_like("a &amp; b", 9));
    assert_false(wc_html_looks_like("x<br/>", 6)); /* no end tag, no entity: not proof */
    assert_true(wc_html_looks_like("x<br/>y</p>", 11));
    assert_false(wc_html_looks_like("<b>x</b><foo>", 13)); /* an unknown tag: text */
    assert_false(wc_html_looks_like("&bogus;", 7));
    assert_false(wc_html_looks_like("1 < 2", 5));
    assert_false(wc_html_looks_like("AT&T", 4));
    assert_false(wc_html_looks_like("<notatag>", 9));
    assert_false(wc_html_looks_like("plain", 5));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize),
        cmocka_unit_test(test_looks_like_html),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
