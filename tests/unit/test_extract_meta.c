/*
 * test_extract_meta.c - article metadata: title, authors, dates, site,
 * canonical URL, language, description, image, each from the witnesses a
 * page may carry (JSON-LD, <meta>, microdata, <time>, the text, the URL)
 * and in the right order of trust.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wirecopy/buf.h"
#include "wirecopy/extract.h"
#include "wirecopy/wirecopy.h"

#include "extract/extract_internal.h"

/* A test page: at most what the extractor accepts. */
#define PAGE_MAX WC_EXTRACT_MAX_INPUT

/* An article body long enough to be extracted, in English. */
static const char body_en[] =
    "<p>The regional water board approved a plan on Tuesday to build a second reservoir north "
    "of the valley, ending a dispute that had stalled the project for almost six years.</p>"
    "<p>Farmers had argued that the site would flood some of the best grazing land in the "
    "district, while town officials said the existing reservoir could no longer cover dry "
    "summers.</p><p>Under the compromise, the board will buy the affected land at market prices "
    "and fund new irrigation channels for the farms that remain next to the water.</p>";

static const char body_es[] =
    "<p>El ayuntamiento aprobó el martes un plan para ampliar el carril bici hasta el puerto, una "
    "obra que los vecinos llevaban años reclamando a las autoridades de la ciudad.</p><p>Según el "
    "proyecto, el nuevo tramo tendrá cuatro kilómetros y conectará el centro de la ciudad con la "
    "playa y con la estación de autobuses del norte.</p>";

static const char body_de[] =
    "<p>Die Stadt will den alten Bahnhof in den nächsten zwei Jahren zu einem Kulturzentrum "
    "umbauen, wie der Bürgermeister am Dienstag mitteilte.</p><p>Das Gebäude steht seit mehr als "
    "zehn Jahren leer, und der Gemeinderat hatte lange darüber gestritten, ob es abgerissen oder "
    "erhalten werden soll.</p>";

static const char body_ja[] = "<p>"
                              "市は火曜日、駅前の古い商店街を全面的に改修する計画を発表した。工事は"
                              "来年の春に始まり、およそ二年で完成する予定だという。</p>"
                              "<p>"
                              "計画では、アーケードの屋根を新しくするほか、空き店舗を若い人が使える"
                              "作業場や小さな図書館に変える。</p>";

/* Extract a page made of head, pre-body markup and body; fails the test on error. */
static void extract(wc_article *a, const char *url, const char *head, const char *pre,
                    const char *body)
{
    wc_buf b;
    wc_error err = WC_ERROR_INIT;
    wc_extract_opts o = {url, NULL, 0};
    wc_status st;

    wc_buf_init(&b, PAGE_MAX);
    assert_int_equal(wc_buf_addf(&b,
                                 "<!DOCTYPE html><html><head>%s</head><body>"
                                 "<div class=\"nav\"><a href=\"/\">Home</a> <a href=\"/n\">"
                                 "News</a></div><div class=\"article\">%s<div class=\"body\">"
                                 "%s</div></div></body></html>",
                                 head, pre, body),
                     WC_OK);
    wc_article_init(a);
    st = wc_extract_html(b.buf, b.len, &o, a, &err);
    if (st)
        print_message("# %s\n", err.msg);
    assert_int_equal(st, WC_OK);
    wc_buf_release(&b);
}

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    /* days from civil (Howard Hinnant's algorithm) */
    int64_t yy = y - (mo <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400 + h * 3600 + mi * 60 + s;
}

static void test_title_site_suffix_cut(void **state)
{
    wc_article a;

    (void)state;
    extract(&a, NULL,
            "<title>Water board backs second reservoir | The Valley Courier</title>"
            "<meta property=\"og:site_name\" content=\"The Valley Courier\">",
            "", body_en);
    assert_string_equal(a.title, "Water board backs second reservoir");
    assert_string_equal(a.site, "The Valley Courier");
    wc_article_release(&a);
}

static void test_title_from_h1_inside_title(void **state)
{
    wc_article a;

    (void)state;
    /* site and section first, headline last: the <h1> says which part is the headline */
    extract(&a, NULL,
            "<title>Valley Courier - Local news - Water board backs second reservoir</title>",
            "<h1>Water board backs second reservoir</h1>", body_en);
    assert_string_equal(a.title, "Water board backs second reservoir");
    wc_article_release(&a);
}

static void test_title_dash_inside_headline_kept(void **state)
{
    wc_article a;

    (void)state;
    extract(&a, NULL, "<title>Reservoir plan - the farmers' view</title>",
            "<h1>Reservoir plan - the farmers' view</h1>", body_en);
    assert_string_equal(a.title, "Reservoir plan - the farmers' view");
    wc_article_release(&a);
}

static void test_title_blog_h2_over_sitewide_og(void **state)
{
    wc_article a;

    (void)state;
    /* og:title names the blog on every page; the post's linked <h2> holds the <title>'s headline */
    extract(&a, NULL,
            "<title>Board backs a second reservoir after six years - Valley Blogs</title>"
            "<meta property=\"og:title\" content=\"The official blog of the Valley Courier\">",
            "<h2><span class=\"cat\">Local</span> <a href=\"/p/1\">Board backs a second reservoir "
            "after six years</a></h2>",
            body_en);
    assert_string_equal(a.title, "Board backs a second reservoir after six years");
    assert_null(strstr(a.text, "Board backs a second"));
    wc_article_release(&a);
}

static void test_title_cut_short_in_title_tag(void **state)
{
    wc_article a;

    (void)state;
    /* the <title> stops mid-headline before a long site suffix; the <h1> has it whole */
    extract(&a, NULL,
            "<title>Water board backs second reservoir north - News, Weather and Sport for the "
            "Valley</title>",
            "<h1>Water board backs second reservoir north of the valley</h1>", body_en);
    assert_string_equal(a.title, "Water board backs second reservoir north of the valley");
    wc_article_release(&a);
}

static void test_title_printed_headline_over_social(void **state)
{
    wc_article a;

    (void)state;
    /* og:title and <title> were written for sharing; the page's headline element differs */
    extract(&a, NULL,
            "<title>Reservoir row ends - Courier</title>"
            "<meta property=\"og:title\" content=\"Reservoir row ends\">",
            "<h1 itemprop=\"headline\">Farmers and town settle six-year fight over the valley</h1>",
            body_en);
    assert_string_equal(a.title, "Farmers and town settle six-year fight over the valley");
    wc_article_release(&a);
    /* a plain <h1> only when it shares a word with the other titles */
    extract(&a, NULL,
            "<title>Reservoir row ends - Courier</title>"
            "<meta property=\"og:title\" content=\"Reservoir row ends\">",
            "<h1>A second reservoir for the valley at last</h1>", body_en);
    assert_string_equal(a.title, "A second reservoir for the valley at last");
    wc_article_release(&a);
    extract(&a, NULL,
            "<title>Reservoir row ends - Courier</title>"
            "<meta property=\"og:title\" content=\"Reservoir row ends\">",
            "<h1>Farmers and town settle their old fight</h1>", body_en);
    assert_string_equal(a.title, "Reservoir row ends");
    wc_article_release(&a);
    /* nor is the site's name in a masthead <h1> a headline */
    extract(&a, NULL,
            "<title>Reservoir row ends - The Valley Evening Courier</title>"
            "<meta property=\"og:site_name\" content=\"The Valley Evening Courier\">",
            "<h1 class=\"site-title\">The Valley Evening Courier</h1>", body_en);
    assert_string_equal(a.title, "Reservoir row ends");
    wc_article_release(&a);
    /* nor a masthead <h1> linking to the front page, even when the <title> starts with it */
    extract(&a, NULL,
            "<title>The Valley Evening Courier - Reservoir row ends</title>"
            "<meta property=\"og:title\" content=\"Reservoir row ends at last\">",
            "<h1><a href=\"https://courier.example/\">The Valley Evening Courier Online</a></h1>",
            body_en);
    assert_string_equal(a.title, "Reservoir row ends at last");
    wc_article_release(&a);
}

/* Extract a whole page given as one string (a masthead outside the article, say). */
static void extract_page(wc_article *a, const char *html)
{
    wc_error err = WC_ERROR_INIT;
    wc_extract_opts o = {"https://garden.example/2024/05/tomatoes/", NULL, 0};

    wc_article_init(a);
    assert_int_equal(wc_extract_html(html, strlen(html), &o, a, &err), WC_OK);
}

#define GARDEN_BODY                                                                                \
    "<p>Tomatoes grow well in containers if you give them a sunny spot, a deep pot and water "     \
    "every single evening through the hottest weeks of the summer.</p><p>Choose a bush variety "   \
    "rather than a climbing one, and feed the plants once a week as soon as the first flowers "    \
    "open on the lowest trusses.</p><p>Pick the fruit as it ripens and the plants will go on "     \
    "cropping until the first cold nights of the autumn arrive.</p>"

static void test_title_not_from_masthead_teaser_or_comments(void **state)
{
    wc_article a;

    (void)state;
    /* a blog's tagline <h2> sits in the masthead beside the name linking home */
    extract_page(
        &a, "<html><head><title>Kitchen Garden | Notes from a small urban allotment</title>"
            "<meta property=\"og:title\" content=\"How to grow tomatoes in pots\">"
            "</head><body><header id=\"branding\"><h1><a href=\"https://garden.example/\">"
            "Kitchen Garden</a></h1><h2>Notes from a small urban allotment</h2></header>"
            "<article><h1 class=\"entry-title\"><a href=\"/2024/05/tomatoes/\">Growing "
            "tomatoes in pots on a sunny balcony</a></h1><div class=\"entry-content\">" GARDEN_BODY
            "</div></article></body></html>");
    assert_string_equal(a.title, "Growing tomatoes in pots on a sunny balcony");
    wc_article_release(&a);
    /* a teaser's "card-title" shares nothing with the titles; "town" is not "downtown" */
    extract_page(&a, "<html><head><title>Bakery opens downtown at last - Daily Courier</title>"
                     "<meta property=\"og:title\" content=\"Bakery opens downtown at last\"></head>"
                     "<body><div class=\"strip\"><h3 class=\"card-title\"><a href=\"/libraries\">"
                     "Council votes to close three libraries</a></h3></div><div class=\"top\"><h1>"
                     "Our Town and its Evening Paper</h1></div><div class=\"story\">" GARDEN_BODY
                     "</div></body></html>");
    assert_string_equal(a.title, "Bakery opens downtown at last");
    wc_article_release(&a);
    /* a badge inside the <h1> is not part of the headline */
    extract_page(&a, "<html><head><title>Storm hits the coast as thousands flee - Example News"
                     "</title></head><body><div class=\"story\"><h1>Storm hits the coast as "
                     "thousands flee <span class=\"badge\">Live updates</span></h1>" GARDEN_BODY
                     "</div></body></html>");
    assert_string_equal(a.title, "Storm hits the coast as thousands flee");
    wc_article_release(&a);
    /* "2 responses to <headline>" holds the headline, and is still the comment thread's heading */
    extract_page(
        &a,
        "<html><head><title>Growing tomatoes in pots on a sunny balcony</title></head>"
        "<body><div class=\"post\"><h2>Growing tomatoes in pots on a sunny balcony</h2>" GARDEN_BODY
        "</div><div class=\"box\"><h3>2 responses to &ldquo;Growing "
        "tomatoes in pots on a sunny balcony&rdquo;</h3><p>Lovely post!</p></div>"
        "</body></html>");
    assert_string_equal(a.title, "Growing tomatoes in pots on a sunny balcony");
    assert_null(strstr(a.text, "Growing tomatoes in pots on a sunny"));
    wc_article_release(&a);
    /* a headline broken over two lines leaves neither line in the body */
    extract_page(&a, "<html><head><title>Storm hits the coast as thousands flee - Example News"
                     "</title></head><body><div class=\"story\"><h1>Storm hits the coast<br>as "
                     "thousands flee</h1>" GARDEN_BODY "</div></body></html>");
    assert_string_equal(a.title, "Storm hits the coast as thousands flee");
    assert_true(!strncmp(a.text, "Tomatoes grow well", 18));
    wc_article_release(&a);
}

static void test_title_jsonld_over_og(void **state)
{
    wc_article a;

    (void)state;
    extract(&a, NULL,
            "<title>Courier</title><meta property=\"og:title\" content=\"OG headline | Courier\">"
            "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
            "\"@type\":\"NewsArticle\",\"headline\":\"Board backs a second reservoir\"}</script>",
            "", body_en);
    assert_string_equal(a.title, "Board backs a second reservoir");
    wc_article_release(&a);
}

static void test_authors_jsonld_list(void **state)
{
    wc_article a;

    (void)state;
    extract(&a, NULL,
            "<meta name=\"author\" content=\"Somebody Else\">"
            "<script type=\"application/ld+json\">{\"@graph\":[{\"@type\":\"WebSite\",\"name\":"
            "\"Courier\"},{\"@type\":\"NewsArticle\",\"author\":[{\"@type\":\"Person\",\"name\":"
            "\"Tomas Berg\"},{\"@type\":\"Person\",\"name\":\"Ana Ruiz\"}]}]}</script>",
            "", body_en);
    assert_string_equal(a.author, "Tomas Berg, Ana Ruiz");
    wc_article_release(&a);
}

static void test_authors_meta_caps(void **state)
{
    wc_article a;

    (void)state;
    extract(&a, NULL, "<meta name=\"byl\" content=\"By JOHN O'BRIEN and MARY SMITH\">", "",
            body_en);
    assert_string_equal(a.author, "John O'Brien, Mary Smith");
    wc_article_release(&a);
}

static void test_authors_byline_text(void **state)
{
    wc_article a;

    (void)state;
    extract(&a, NULL, "",
            "<h1>Water board backs second reservoir</h1><div class=\"byline\">By "
            "Jane Doe | July 24, 2012</div>",
            body_en);
    assert_string_equal(a.author, "Jane Doe");
    /* the byline is metadata, not body */
    assert_null(strstr(a.text, "Jane Doe"));
    wc_article_release(&a);
}

static void test_authors_microdata(void **state)
{
    wc_article a;

    (void)state;
    extract(&a, NULL, "",
            "<span itemprop=\"author\" itemscope itemtype=\"https://schema.org/Person\">"
            "<span itemprop=\"name\">Lena Hoff</span></span>",
            body_en);
    assert_string_equal(a.author, "Lena Hoff");
    wc_article_release(&a);
}

static void test_dates_jsonld_with_offset(void **state)
{
    wc_article a;

    (void)state;
    extract(&a, NULL,
            "<meta property=\"article:published_time\" content=\"2001-01-01T00:00:00Z\">"
            "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"datePublished\":"
            "\"2024-03-12T10:00:00+02:00\",\"dateModified\":\"2024-03-13T08:30:00Z\"}</script>",
            "", body_en);
    assert_true(a.published_at == utc(2024, 3, 12, 8, 0, 0));
    assert_true(a.modified_at == utc(2024, 3, 13, 8, 30, 0));
    wc_article_release(&a);
}

static void test_dates_meta_and_time(void **state)
{
    wc_article a;

    (void)state;
    extract(&a, NULL, "<meta property=\"article:published_time\" content=\"2012-07-24T04:11:00Z\">",
            "", body_en);
    assert_true(a.published_at == utc(2012, 7, 24, 4, 11, 0));
    assert_true(a.modified_at == INT64_MIN);
    wc_article_release(&a);
    extract(&a, NULL, "", "<time datetime=\"2012-07-25\" pubdate>July 25</time>", body_en);
    assert_true(a.published_at == utc(2012, 7, 25, 0, 0, 0));
    wc_article_release(&a);
}

static void test_dates_dateline_text(void **state)
{
    wc_article a;

    (void)state;
    extract(&a, NULL, "",
            "<h1>Water board backs second reservoir</h1>"
            "<div class=\"dateline\">July 24, 2012 12:11 AM ET</div>",
            body_en);
    assert_true(a.published_at == utc(2012, 7, 24, 5, 11, 0));
    assert_null(strstr(a.text, "July 24"));
    wc_article_release(&a);
}

static void test_dates_from_url(void **state)
{
    wc_article a;

    (void)state;
    extract(&a, "https://example.com/news/2019/11/05/reservoir-plan.html", "", "", body_en);
    assert_true(a.published_at == utc(2019, 11, 5, 0, 0, 0));
    wc_article_release(&a);
    extract(&a, "https://example.com/news/reservoir-plan-20180317.html", "", "", body_en);
    assert_true(a.published_at == utc(2018, 3, 17, 0, 0, 0));
    wc_article_release(&a);
    extract(&a, "https://example.com/news/reservoir-plan-99999999.html", "", "", body_en);
    assert_true(a.published_at == INT64_MIN);
    wc_article_release(&a);
}

static void test_canonical_resolved(void **state)
{
    wc_article a;

    (void)state;
    extract(&a, "https://www.example.com/a/b/page.html?utm=x",
            "<link rel=\"canonical\" href=\"../story/reservoir\">", "", body_en);
    assert_string_equal(a.canonical_url, "https://www.example.com/a/story/reservoir");
    assert_string_equal(a.site, "example.com"); /* no site name given: the host */
    wc_article_release(&a);
    extract(&a, "https://example.com/x/y.html",
            "<base href=\"https://cdn.example.org/base/\"><meta property=\"og:url\" "
            "content=\"story.html\">",
            "", body_en);
    assert_string_equal(a.canonical_url, "https://cdn.example.org/base/story.html");
    wc_article_release(&a);
    /* relative with no page URL: unknown, never a guess */
    extract(&a, NULL, "<link rel=\"canonical\" href=\"/story\">", "", body_en);
    assert_null(a.canonical_url);
    wc_article_release(&a);
}

static void test_image_and_description(void **state)
{
    wc_article a;

    (void)state;
    extract(&a, "http://example.com/news/x.html",
            "<meta name=\"description\" content=\"Meta description.\">"
            "<meta property=\"og:description\" content=\"The board &amp; the farmers agree.\">"
            "<meta property=\"og:image\" content=\"/img/reservoir.jpg\">",
            "", body_en);
    assert_string_equal(a.description, "The board & the farmers agree.");
    assert_string_equal(a.image, "http://example.com/img/reservoir.jpg");
    wc_article_release(&a);
    extract(&a, NULL,
            "<script type=\"application/ld+json\">{\"@type\":\"Article\",\"image\":{\"@type\":"
            "\"ImageObject\",\"url\":\"https://img.example.com/1.jpg\"},\"publisher\":{\"name\":"
            "\"Courier Media\"}}</script>",
            "", body_en);
    assert_string_equal(a.image, "https://img.example.com/1.jpg");
    assert_string_equal(a.site, "Courier Media");
    wc_article_release(&a);
}

static void test_language(void **state)
{
    wc_article a;

    (void)state;
    extract(&a, NULL, "", "", body_de);
    assert_string_equal(a.lang, "de");
    wc_article_release(&a);
    /* the template says English; the text says Spanish */
    extract(&a, NULL, "<meta http-equiv=\"content-language\" content=\"en-US\">", "", body_es);
    assert_string_equal(a.lang, "es");
    wc_article_release(&a);
    /* no stopword list for Japanese: the declaration names it */
    extract(&a, NULL, "<meta name=\"language\" content=\"ja-JP\">", "", body_ja);
    assert_string_equal(a.lang, "ja");
    wc_article_release(&a);
}

static void test_title_is_not_body(void **state)
{
    wc_article a;

    (void)state;
    extract(&a, NULL, "<title>Water board backs second reservoir - Courier</title>",
            "<h1>Water board backs second reservoir</h1><h2>A six-year dispute ends with a deal "
            "for the valley's farmers</h2>",
            body_en);
    assert_null(strstr(a.text, "Water board backs"));
    /* a standfirst under the headline is article text */
    assert_non_null(strstr(a.text, "A six-year dispute ends"));
    wc_article_release(&a);
}

static void test_human_dates(void **state)
{
    int64_t t;

    (void)state;
    assert_true(ex_date_parse("July 24, 2012 12:11 AM ET", 25, &t));
    assert_true(t == utc(2012, 7, 24, 5, 11, 0));
    assert_true(ex_date_parse("24 July 2012", 12, &t));
    assert_true(t == utc(2012, 7, 24, 0, 0, 0));
    assert_true(ex_date_parse("24. Juli 2012, 14:05 Uhr", 24, &t));
    assert_true(t == utc(2012, 7, 24, 14, 5, 0));
    /* am/pm belong to the time they follow, not to a later "Updated ... pm" */
    assert_true(
        ex_date_parse("Published Nov. 7, 2012 11:11 am Updated Nov. 7, 2012 2:48 pm", 61, &t));
    assert_true(t == utc(2012, 11, 7, 11, 11, 0));
    assert_true(ex_date_parse("9:08 a.m. ET, Tuesday, Nov. 6, 2012", 35, &t));
    assert_true(t == utc(2012, 11, 6, 14, 8, 0));
    assert_true(ex_date_parse("2012/07/24", 10, &t));
    assert_true(t == utc(2012, 7, 24, 0, 0, 0));
    assert_true(ex_date_parse("24.07.2012", 10, &t));
    assert_true(t == utc(2012, 7, 24, 0, 0, 0));
    assert_false(ex_date_parse("sometime next year", 18, &t));
    assert_false(ex_date_parse("February 30, 2012", 17, &t));
}

/* Metadata of the CMS template pages among the extraction cases. */
static void test_cms_pages(void **state)
{
    static const struct {
        const char *file, *title, *author, *site;
        int64_t published;
    } want[] = {
        {"cms_wordpress", "Raised beds, finally", "June", "Notes from the Allotment",
         1715016000 /* 2024-05-06T17:20:00Z */},
        {"cms_blogger", "Back after the summer", "Marta", "The Reading Room",
         1728950400 /* 2024-10-15 */},
    };
    const char *data = getenv("WC_TEST_DATA");
    size_t i;

    (void)state;
    if (!data) {
        skip();
        return;
    }
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        char path[4096];
        FILE *f;
        char *buf;
        long n;
        wc_article a;
        snprintf(path, sizeof(path), "%s/extract/%s.html", data, want[i].file);
        f = fopen(path, "rb");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = malloc((size_t)n);
        assert_non_null(buf);
        assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
        fclose(f);
        wc_article_init(&a);
        assert_int_equal(wc_extract_html(buf, (size_t)n, NULL, &a, NULL), WC_OK);
        assert_string_equal(a.title, want[i].title);
        assert_string_equal(a.author, want[i].author);
        assert_string_equal(a.site, want[i].site);
        assert_true(a.published_at == want[i].published);
        wc_article_release(&a);
        free(buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_title_site_suffix_cut),
        cmocka_unit_test(test_title_from_h1_inside_title),
        cmocka_unit_test(test_title_dash_inside_headline_kept),
        cmocka_unit_test(test_title_jsonld_over_og),
        cmocka_unit_test(test_title_blog_h2_over_sitewide_og),
        cmocka_unit_test(test_title_cut_short_in_title_tag),
        cmocka_unit_test(test_title_printed_headline_over_social),
        cmocka_unit_test(test_title_not_from_masthead_teaser_or_comments),
        cmocka_unit_test(test_authors_jsonld_list),
        cmocka_unit_test(test_authors_meta_caps),
        cmocka_unit_test(test_authors_byline_text),
        cmocka_unit_test(test_authors_microdata),
        cmocka_unit_test(test_dates_jsonld_with_offset),
        cmocka_unit_test(test_dates_meta_and_time),
        cmocka_unit_test(test_dates_dateline_text),
        cmocka_unit_test(test_dates_from_url),
        cmocka_unit_test(test_canonical_resolved),
        cmocka_unit_test(test_image_and_description),
        cmocka_unit_test(test_language),
        cmocka_unit_test(test_title_is_not_body),
        cmocka_unit_test(test_cms_pages),
        cmocka_unit_test(test_human_dates),
    };

    wc_global_init(NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
