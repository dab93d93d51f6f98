/*
 * test_html.c - the base layer's HTML text primitives (html.c): character
 * references, escaping, the tokenizer and the visible text of a fragment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static void check_decode(const char *in, const char *want)
{
    wc_buf b = WC_BUF_INIT;

    assert_int_equal(wc_html_decode(&b, in, strlen(in)), WC_OK);
    assert_string_equal(b.buf, want);
    wc_buf_release(&b);
}

static void test_entities(void **state)
{
    uint32_t cp = 0;

    (void)state;
    assert_true(wc_html_entity("eacute", 6, &cp));
    assert_int_equal(cp, 0xE9);
    assert_true(wc_html_entity("apos", 4, &cp));
    assert_int_equal(cp, '\'');
    assert_true(wc_html_entity("rsquo", 5, &cp));
    assert_int_equal(cp, 0x2019);
    assert_false(wc_html_entity("nosuch", 6, &cp));
    assert_false(wc_html_entity("", 0, &cp));
}

static void test_decode(void **state)
{
    (void)state;
    check_decode("a &amp; b &lt;i&gt; &quot;q&quot; &apos;", "a & b <i> \"q\" '");
    check_decode("caf&eacute; &mdash; &rsquo;s", "caf\xc3\xa9 \xe2\x80\x94 \xe2\x80\x99s");
    check_decode("&#8217;&#x2019;&#X2019;", "\xe2\x80\x99\xe2\x80\x99\xe2\x80\x99");
    /* a numeric reference may lack its ';' */
    check_decode("&#39s", "'s");
    /* outside Unicode, surrogates and NUL: U+FFFD; C0 controls: a space */
    check_decode("&#x110000;|&#xD800;|&#0;|&#7;", "\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd| ");
    /* 128-159 are windows-1252 (HTML5); an unassigned one is U+FFFD */
    check_decode("&#147;We&#148; &#x80;5 &#129;", "\xe2\x80\x9cWe\xe2\x80\x9d \xe2\x82\xac"
                                                  "5 \xef\xbf\xbd");
    /* no reference: the text stays as it is */
    check_decode("AT&T &bogus; & &#; &#x; &amp", "AT&T &bogus; & &#; &#x; &amp");
    check_decode("", "");
}

static void test_escape(void **state)
{
    wc_buf b = WC_BUF_INIT;

    (void)state;
    assert_int_equal(wc_html_escape(&b, "a<b>&c", 6, 0), WC_OK);
    assert_string_equal(b.buf, "a&lt;b&gt;&amp;c");
    wc_buf_reset(&b);
    assert_int_equal(wc_html_escape(&b, "\"it's\"", 7, 0), WC_OK);
    assert_string_equal(b.buf, "\"it's\"");
    wc_buf_reset(&b);
    assert_int_equal(wc_html_escape(&b, "\"it's\"", 7, WC_HTML_ESC_QUOT), WC_OK);
    assert_string_equal(b.buf, "&quot;it's&quot;");
    wc_buf_reset(&b);
    assert_int_equal(wc_html_escape(&b, "\"it's\"", 7, WC_HTML_ESC_QUOT | WC_HTML_ESC_APOS), WC_OK);
    assert_string_equal(b.buf, "&quot;it&#39;s&quot;");
    /* escape then decode gives the text back */
    {
        const char *t = "<a href=\"x\">Tom & Jerry's</a>";
        wc_buf d = WC_BUF_INIT;
        wc_buf_reset(&b);
        assert_int_equal(wc_html_escape(&b, t, strlen(t), WC_HTML_ESC_QUOT | WC_HTML_ESC_APOS),
                         WC_OK);
        assert_int_equal(wc_html_decode(&d, b.buf, b.len), WC_OK);
        assert_string_equal(d.buf, t);
        wc_buf_release(&d);
    }
    wc_buf_release(&b);
}

static void test_tokens(void **state)
{
    const char *in = "x<P class=a id='b c' hidden>y</p><!-- c --><br/><![CDATA[<z>]]>1 < 2<a href=";
    struct wc_htok t;
    struct wc_hattr a;
    size_t i = 0, k = 0;

    (void)state;
    assert_true(wc_html_token(in, strlen(in), &i, &t));
    assert_int_equal(t.kind, WC_HT_TEXT);
    assert_int_equal(t.len, 1);
    assert_true(wc_html_token(in, strlen(in), &i, &t));
    assert_int_equal(t.kind, WC_HT_START);
    assert_string_equal(t.name, "p");
    assert_true(wc_html_attr(t.p, t.len, &k, &a));
    assert_string_equal(a.name, "class");
    assert_int_equal(a.vlen, 1);
    assert_memory_equal(a.v, "a", 1);
    assert_true(wc_html_attr(t.p, t.len, &k, &a));
    assert_string_equal(a.name, "id");
    assert_int_equal(a.vlen, 3);
    assert_memory_equal(a.v, "b c", 3);
    assert_true(wc_html_attr(t.p, t.len, &k, &a));
    assert_string_equal(a.name, "hidden");
    assert_null(a.v);
    assert_false(wc_html_attr(t.p, t.len, &k, &a));
    assert_true(wc_html_token(in, strlen(in), &i, &t));
    assert_int_equal(t.kind, WC_HT_TEXT);
    assert_true(wc_html_token(in, strlen(in), &i, &t));
    assert_int_equal(t.kind, WC_HT_END);
    assert_string_equal(t.name, "p");
    assert_true(wc_html_token(in, strlen(in), &i, &t));
    assert_int_equal(t.kind, WC_HT_SKIP); /* the comment */
    assert_true(wc_html_token(in, strlen(in), &i, &t));
    assert_int_equal(t.kind, WC_HT_START);
    assert_string_equal(t.name, "br");
    assert_true(t.self_close);
    assert_true(wc_html_token(in, strlen(in), &i, &t));
    assert_int_equal(t.kind, WC_HT_CDATA);
    assert_int_equal(t.len, 3);
    assert_true(wc_html_token(in, strlen(in), &i, &t));
    assert_int_equal(t.kind, WC_HT_TEXT); /* "1 < 2": a '<' that opens nothing is text */
    assert_int_equal(t.len, 5);
    assert_true(wc_html_token(in, strlen(in), &i, &t));
    assert_int_equal(t.kind, WC_HT_SKIP); /* an unterminated tag at the end is dropped */
    assert_false(wc_html_token(in, strlen(in), &i, &t));
}

static void test_to_text(void **state)
{
    wc_buf b = WC_BUF_INIT;
    const char *in = "<p>One&nbsp;<b>two</b></p><p>three<br>four</p><script>x</script> &lt;b&gt;";

    (void)state;
    assert_int_equal(wc_html_to_text(&b, in, strlen(in)), WC_OK);
    assert_string_equal(b.buf, "One two three four <b>");
    /* appends, squeezing only what it appended */
    assert_int_equal(wc_html_to_text(&b, "  <style>p{}</style> five ", 26), WC_OK);
    assert_string_equal(b.buf, "One two three four <b>five");
    wc_buf_release(&b);
    assert_true(wc_html_is_dropped("script"));
    assert_false(wc_html_is_dropped("p"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entities), cmocka_unit_test(test_decode),
        cmocka_unit_test(test_escape),   cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_to_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
