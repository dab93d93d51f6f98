/*
 * test_extract_clean.c - the evidence of names and phrases: class/id
 * vocabulary (tokens, camelCase, compound names, CMS slugs, layout
 * flags), debris phrases, bylines, datelines, "Comments" headings,
 * author bios and toggle labels. Long prose must never match a phrase.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "extract/extract_internal.h"

static uint32_t v(const char *s)
{
    return ex_vocab_classify(NULL, s, strlen(s));
}

static void test_vocabulary(void **state)
{
    (void)state;
    assert_true(v("sidebar") & EXC_SIDEBAR);
    assert_true(v("left-sidebar widget-area") & EXC_SIDEBAR);
    assert_true(v("relatedPosts") & EXC_RELATED);
    assert_true(v("post-comments") & EXC_COMMENT);
    assert_true(v("articleBody") & EXC_BODY);
    assert_true(v("story-body__inner") & EXC_BODY);
    assert_true(v("entry-content clearfix") & EXC_BODY);
    assert_true(v("share-bar") & EXC_SHARE);
    assert_true(v("newsletter-signup") & EXC_PROMO);
    assert_true(v("cookie-consent") & EXC_MODAL);
    assert_true(v("author-bio") & EXC_BIO);
    assert_true(v("wp-caption-text") & EXC_CAPTION);
    assert_true(v("twitter-tweet") & EXC_EMBED);
    assert_true(v("ad") & EXC_AD);
    /* short words only as whole tokens: these are not ads */
    assert_false(v("header-download") & EXC_AD);
    assert_false(v("thread") & EXC_AD);
    assert_false(v("shadow") & EXC_AD);
    /* opinion writing is not reader comments */
    assert_false(v("commentary") & EXC_COMMENT);
    /* CMS taxonomy slugs and layout flags say nothing */
    assert_int_equal(v("tag-elections"), 0);
    assert_int_equal(v("category-news"), 0);
    assert_int_equal(v("author-jdoe"), 0);
    assert_int_equal(v("has-sidebar"), 0);
    assert_int_equal(v("with-navbar"), 0);
    assert_int_equal(v("no-comments"), 0);
    /* ... but a structure word after the slug head does */
    assert_true(v("tag-list") & EXC_TAGS);
    assert_true(v("author-box") & EXC_BIO);
    assert_int_equal(v(""), 0);
}

static void test_vocabulary_cache(void **state)
{
    struct ex_vocab_cache *c = ex_vocab_cache_new();
    int i;

    (void)state;
    assert_non_null(c);
    for (i = 0; i < 3; i++)
        assert_true(ex_vocab_classify(c, "comment-list", 12) & EXC_COMMENT);
    assert_int_equal(ex_vocab_classify(c, "comment", 4), 0); /* "comm": another key */
    ex_vocab_cache_free(c);
    ex_vocab_cache_free(NULL);
}

#define S(lit) lit, strlen(lit)

static void test_debris(void **state)
{
    (void)state;
    assert_true(ex_is_debris(S("Related:")));
    assert_true(ex_is_debris(S("Related: Ferry timetable changes for the summer")));
    assert_true(ex_is_debris(S("READ MORE: How the floods changed the valley")));
    assert_true(ex_is_debris(S("Advertisement")));
    assert_true(ex_is_debris(S("Share this article")));
    assert_true(ex_is_debris(S("Previous article6 a.m. crackdown in Moldova")));
    assert_true(ex_is_debris(S("Exit mobile version")));
    assert_true(ex_is_debris(S("Sign up for our newsletter")));
    assert_true(ex_is_debris(S("12 Comments")));
    assert_true(ex_is_debris(S("\xC2\xA9 2024 Valley Courier Media. All rights reserved.")));
    assert_true(ex_is_debris(S("Source: PC Gamer")));
    assert_true(ex_is_debris(S("(Jane Doe/Reuters)")));
    assert_true(ex_is_debris(S("Photo: Getty Images")));
    assert_true(ex_is_debris(S("5 min read")));
    /* sentences that merely start like debris */
    assert_false(
        ex_is_debris(S("Related to the budget, the council also voted on a new library.")));
    assert_false(ex_is_debris(S("More than a hundred people came to the meeting on Tuesday.")));
    assert_false(ex_is_debris(S("Read the report and you will see the problem at once.")));
    assert_false(ex_is_debris(S("Sources close to the board say the vote will be close.")));
    /* a short sentence whose subject is a label word, without the label's colon */
    assert_false(ex_is_debris(S("More when we have it...")));
    assert_false(ex_is_debris(S("Photos capture moments frozen in time.")));
    assert_false(ex_is_debris(S("More soon\xE2\x80\xA6")));
    assert_true(ex_is_debris(S("More: Ferry timetable")));
    assert_true(ex_is_debris(S("Photos of the flood")));
    /* follow promos and teasers that end in their call to action */
    assert_true(ex_is_debris(S("Follow @valleycourier for breaking news and headlines.")));
    assert_true(
        ex_is_debris(S("Ferry captain tells of the night the engines stopped Watch Video")));
    assert_true(ex_is_debris(S("Mayor opens the new bridge Play Video")));
    assert_true(ex_is_debris(
        S("Will commuters give the new ferry a chance? That\xE2\x80\x99s what we asked "
          "t\xE2\x80\xA6 Read More...")));
    assert_true(ex_is_debris(S("The council met on Tuesday to talk about the ferry... Read more")));
    /* ...but not sentences that mention them */
    assert_false(ex_is_debris(S("Follow the money, the old rule says, and you find the story.")));
    assert_false(ex_is_debris(S("We asked readers whether they would watch video of the vote.")));
    assert_false(ex_is_debris(S("The council met on Tuesday to talk about what residents read more "
                                "and more: the local paper.")));
    assert_false(ex_is_debris(S("Residents said they wanted to read more")));
}

static void test_byline_dateline(void **state)
{
    (void)state;
    assert_true(ex_is_byline(S("By Jane Doe")));
    assert_true(ex_is_byline(S("By JANE DOE and JOHN ROE, Associated Press")));
    assert_true(ex_is_byline(S("Posted by Max Fisher on October 29, 2012 at 6:48 pm")));
    assert_true(ex_is_byline(S("Von Anna Schmidt")));
    assert_false(ex_is_byline(S("by the time the police arrived the crowd had gone home")));
    assert_false(
        ex_is_byline(S("By the way, nobody asked the farmers what they thought of the plan, "
                       "which is why the council is now in trouble with them.")));
    assert_true(ex_is_dateline(S("July 24, 2012 12:11 AM")));
    assert_true(ex_is_dateline(S("Updated: Tuesday, 24 July 2012, 10:02 GMT")));
    assert_true(ex_is_dateline(S("2012-07-24")));
    assert_true(ex_is_dateline(S("24. Juli 2012")));
    assert_false(ex_is_dateline(S("July was the hottest month since 2012")));
    assert_false(ex_is_dateline(S("Chapter 12")));
    assert_false(ex_is_dateline(S("1.")));
    assert_false(ex_is_dateline(S("2:17")));
    assert_true(ex_is_dateline(S("7:28 PM ET")));
}

static void test_comments_heading(void **state)
{
    (void)state;
    assert_true(ex_is_comments_heading(S("Comments")));
    assert_true(ex_is_comments_heading(S("3 Comments")));
    assert_true(ex_is_comments_heading(S("Leave a Reply")));
    assert_true(ex_is_comments_heading(S("5 thoughts on \"Harbour bridge reopens\"")));
    assert_true(ex_is_comments_heading(S("Kommentare")));
    assert_false(ex_is_comments_heading(S("Comments by the minister angered the unions")));
}

static void test_summary_label(void **state)
{
    (void)state;
    assert_true(ex_is_summary_label(S("STORY HIGHLIGHTS")));
    assert_true(ex_is_summary_label(S("Key points:")));
    assert_true(ex_is_summary_label(S("Highlights")));
    assert_false(ex_is_summary_label(S("Highlights of the season")));
    assert_false(ex_is_summary_label(S("The key points of the plan were leaked on Monday.")));
}

static void test_bio_and_toggle(void **state)
{
    char a1[] = "Lena Hoff", a2[] = "Tomas Berg";
    char *authors[] = {a1, a2};

    (void)state;
    assert_true(
        ex_is_bio(S("Lena Hoff has reported on farming for the Courier since 2015."), authors, 2));
    assert_true(ex_is_bio(S("Tomas Berg is a reporter who covers energy."), authors, 2));
    assert_false(ex_is_bio(S("Lena Hoffmann is the new mayor."), authors, 2));
    assert_false(ex_is_bio(S("The mayor said Lena Hoff is wrong."), authors, 2));
    assert_false(ex_is_bio(S("Lena Hoff is a reporter."), authors, 0));
    assert_true(ex_is_toggle(S("Show full PR text")));
    assert_true(ex_is_toggle(S("Show more")));
    assert_true(ex_is_toggle(S("Click to expand")));
    assert_false(ex_is_toggle(S("Show business has changed a lot since the war")));
}

static void test_fold(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(ex_fold(S("Harbour Bridge: Re-opens!"), out, sizeof(out)), 20);
    assert_string_equal(out, "harbourbridgereopens");
    assert_int_equal(ex_fold(S("abcdef"), out, 4), 3);
    assert_string_equal(out, "abc");
    /* typographic quotes, dashes and guillemets fold away like ASCII punctuation */
    ex_fold(S("Nike\xE2\x80\x99s \xE2\x80\x9C"
              "Fuel\xE2\x80\x9D \xE2\x80\x94 \xC2\xABnew\xC2\xBB"),
            out, sizeof(out));
    assert_string_equal(out, "nikesfuelnew");
    /* letters outside ASCII stay */
    ex_fold(S("Z\xC3\xBCrich \xE6\x9D\xB1\xE4\xBA\xAC"), out, sizeof(out));
    assert_string_equal(out, "z\xC3\xBCrich\xE6\x9D\xB1\xE4\xBA\xAC");
    /* a letter that does not fit is left out whole */
    assert_int_equal(ex_fold(S("ab\xC3\xBC"), out, 4), 2);
}

/* The stopword table holds every list: each language's own words are found, others' not. */
static void test_stopwords(void **state)
{
    int l;

    (void)state;
    for (l = 0; l < WC_NLANG; l++)
        assert_true(wc_stopword_count(l) >= 50);
    assert_int_equal(wc_stopword_count(WC_NLANG), 0);
    assert_true(wc_is_stopword(WC_LANG_EN, S("the")));
    assert_true(wc_is_stopword(WC_LANG_EN, S("which")));
    assert_false(wc_is_stopword(WC_LANG_EN, S("und")));
    assert_true(wc_is_stopword(WC_LANG_DE, S("und")));
    assert_true(wc_is_stopword(WC_LANG_DE, S("nicht")));
    assert_true(wc_is_stopword(WC_LANG_FR, S("est")));
    assert_true(wc_is_stopword(WC_LANG_ES, S("los")));
    assert_true(wc_is_stopword(WC_LANG_PL, S("jest")));
    assert_false(wc_is_stopword(WC_LANG_EN, S("harbour")));
    assert_false(wc_is_stopword(WC_LANG_EN, S("th")));
    assert_false(wc_is_stopword(WC_LANG_NONE, S("the")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vocabulary),       cmocka_unit_test(test_vocabulary_cache),
        cmocka_unit_test(test_debris),           cmocka_unit_test(test_byline_dateline),
        cmocka_unit_test(test_comments_heading), cmocka_unit_test(test_summary_label),
        cmocka_unit_test(test_bio_and_toggle),   cmocka_unit_test(test_fold),
        cmocka_unit_test(test_stopwords),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
