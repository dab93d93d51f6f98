/*
 * test_story_profile.c - the story profile of a text, extractor by
 * extractor, on real sentences: body and title words (stopwords, stems
 * in English, German and French), entities (phrases, heads, acronyms,
 * what is left out), numbers with their units and years, the date
 * stripper and the dateline, the language, the caps, the blob (round
 * trip, every kind of damage refused) and the cosine.
 *
 * Terms are checked by their text through the profiler's on_term hook,
 * and against the vectors by their hash (wc_story_term), so a test says
 * both what was made and that the profile holds it.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <xxhash.h>

#include "story/story_internal.h"
#include "wirecopy/story_profile.h"

#include "internal.h" /* wc_time_from_civil; last, as it brings banned.h */

/* --- harness ------------------------------------------------------------------ */

#define MAX_SEEN 4096

/* Every term occurrence of one profile, as "TAG:text". */
struct seen {
    char *t[MAX_SEEN];
    size_t n;
    size_t per_tag[WC_STORY_TAG_COUNT]; /* every occurrence, also past MAX_SEEN */
};

static const char *const tag_names[WC_STORY_TAG_COUNT] = {"?",    "BODY", "TITLE", "ENT",
                                                          "HEAD", "NUM",  "YEAR"};

static void on_term(void *ctx, enum wc_story_tag tag, const char *term, size_t len)
{
    struct seen *s = ctx;
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "%s:%.*s", tag_names[tag], (int)len, term);
    char *copy;

    s->per_tag[tag]++;
    if (n < 0 || s->n >= MAX_SEEN || !(copy = malloc((size_t)n + 1)))
        return;
    memcpy(copy, buf, (size_t)n + 1);
    s->t[s->n++] = copy;
}

static void seen_clear(struct seen *s)
{
    while (s->n)
        free(s->t[--s->n]);
    memset(s->per_tag, 0, sizeof(s->per_tag));
}

static size_t count(const struct seen *s, const char *what)
{
    size_t i, c = 0;

    for (i = 0; i < s->n; i++)
        c += !strcmp(s->t[i], what);
    return c;
}

/* How many terms of a tag were made. */
static size_t count_tag(const struct seen *s, const char *tag)
{
    size_t i;

    for (i = 1; i < WC_STORY_TAG_COUNT; i++)
        if (!strcmp(tag_names[i], tag))
            return s->per_tag[i];
    fail_msg("no tag %s", tag);
    return 0;
}

static void dump(const struct seen *s)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        print_message("#   %s\n", s->t[i]);
}

struct fx {
    wc_story_profiler *p;
    wc_story_profile pr;
    struct seen seen;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    wc_story_opts o = {on_term, NULL};
    wc_error err = WC_ERROR_INIT;

    if (!f)
        return -1;
    o.term_ctx = &f->seen;
    if (wc_story_profiler_new(&o, &f->p, &err))
        return -1;
    wc_story_profile_init(&f->pr);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    seen_clear(&f->seen);
    wc_story_profile_release(&f->pr);
    wc_story_profiler_free(f->p);
    free(f);
    return 0;
}

/* Profile title/text in lang (NULL: guessed) with an unknown published time. */
static void run(struct fx *f, const char *title, const char *text, const char *lang)
{
    wc_story_input in = {title, title ? strlen(title) : 0, text, strlen(text), lang, INT64_MIN};
    wc_error err = WC_ERROR_INIT;

    seen_clear(&f->seen);
    assert_int_equal(wc_story_profile_make(f->p, &in, &f->pr, &err), WC_OK);
}

/* The term tag:text was made, and its kind's vector holds it. */
static void want(struct fx *f, enum wc_story_tag tag, const char *text)
{
    char key[512];
    uint64_t t = wc_story_term(tag, text, strlen(text));

    snprintf(key, sizeof(key), "%s:%s", tag_names[tag], text);
    if (!count(&f->seen, key) || !wc_story_vec_has(&f->pr.vec[wc_story_tag_kind(tag)], t)) {
        print_message("# missing %s; made:\n", key);
        dump(&f->seen);
        fail();
    }
}

/* The term tag:text was not made, and its kind's vector does not hold it. */
static void refuse(struct fx *f, enum wc_story_tag tag, const char *text)
{
    char key[512];
    uint64_t t = wc_story_term(tag, text, strlen(text));

    snprintf(key, sizeof(key), "%s:%s", tag_names[tag], text);
    if (count(&f->seen, key) || wc_story_vec_has(&f->pr.vec[wc_story_tag_kind(tag)], t)) {
        print_message("# unexpected %s; made:\n", key);
        dump(&f->seen);
        fail();
    }
}

/* --- body and title words ----------------------------------------------------- */

static void test_body_words_english(void **state)
{
    struct fx *f = *state;

    run(f, NULL,
        "The Indian navy has captured 23 pirates who threatened a merchant vessel.\n"
        "The pirates were captured in the Gulf of Aden.",
        "en");
    /* stems, counted over the whole text */
    want(f, WC_STORY_TAG_BODY, "pirat");
    want(f, WC_STORY_TAG_BODY, "captur");
    want(f, WC_STORY_TAG_BODY, "threaten");
    assert_int_equal(count(&f->seen, "BODY:pirat"), 2);
    /* stopwords out, two-letter words out */
    refuse(f, WC_STORY_TAG_BODY, "the");
    refuse(f, WC_STORY_TAG_BODY, "has");
    refuse(f, WC_STORY_TAG_BODY, "who");
    refuse(f, WC_STORY_TAG_BODY, "of");
    /* numbers are not words */
    refuse(f, WC_STORY_TAG_BODY, "23");
    /* the weight is 1 + ln(tf) */
    {
        const wc_story_vec *v = &f->pr.vec[WC_STORY_BODY];
        uint64_t t = wc_story_term(WC_STORY_TAG_BODY, "pirat", 5);
        uint32_t i;
        for (i = 0; i < v->n && v->term[i] != t; i++)
            ;
        assert_true(i < v->n);
        assert_int_equal(f->pr.tf[WC_STORY_BODY][i], 2);
        assert_true(fabs(v->weight[i] - (1.0 + log(2.0))) < 1e-6);
    }
}

static void test_body_first_line_and_spelling(void **state)
{
    struct fx *f = *state;

    /* a one-sentence article is also its own title: its words are body words */
    run(f, "Mafia boss hanged himself in his cell", "Mafia boss hanged himself in his cell", "en");
    want(f, WC_STORY_TAG_BODY, "mafia");
    want(f, WC_STORY_TAG_BODY, "hang");
    assert_int_equal(count(&f->seen, "BODY:mafia"), 1); /* the title is not read twice */
    /* British and American spellings meet before stemming */
    run(f, NULL, "The colour of the organisation. The color of the organization.", "en");
    assert_int_equal(count(&f->seen, "BODY:color"), 2);
    assert_int_equal(count(&f->seen, "BODY:organ"), 2);
}

static void test_title_prepended(void **state)
{
    struct fx *f = *state;

    /* a page whose body leaves out its headline: the headline is read as the first line */
    run(f, "Microsoft cloud used by ICE", "Workers protested on Tuesday.", "en");
    want(f, WC_STORY_TAG_BODY, "microsoft");
    want(f, WC_STORY_TAG_BODY, "cloud");
    want(f, WC_STORY_TAG_BODY, "protest");
    want(f, WC_STORY_TAG_ENTITY, "ice");
    want(f, WC_STORY_TAG_TITLE, "microsoft");
    want(f, WC_STORY_TAG_TITLE, "ice");
}

static void test_title_words(void **state)
{
    struct fx *f = *state;

    run(f, "EU and UN leaders meet in Paris", "They met.", "en");
    /* two letters are enough in a title */
    want(f, WC_STORY_TAG_TITLE, "eu");
    want(f, WC_STORY_TAG_TITLE, "un");
    want(f, WC_STORY_TAG_TITLE, "leader");
    want(f, WC_STORY_TAG_TITLE, "meet");
    refuse(f, WC_STORY_TAG_TITLE, "and");
    refuse(f, WC_STORY_TAG_TITLE, "in");
    /* title terms are their own kind: not in the body vector */
    assert_false(wc_story_vec_has(&f->pr.vec[WC_STORY_BODY],
                                  wc_story_term(WC_STORY_TAG_TITLE, "leader", 6)));
    /* a dated headline keeps none of its date */
    run(f, "10 June 2013 Last updated at 14: 00 GMT", "A man was charged.", "en");
    assert_int_equal(count_tag(&f->seen, "TITLE"), 0);
    assert_int_equal(count_tag(&f->seen, "NUM"), 0);
    assert_int_equal(count_tag(&f->seen, "YEAR"), 0);
}

static void test_body_german_french(void **state)
{
    struct fx *f = *state;

    run(f, NULL, "Die Häuser wurden verkauft. Das Haus des Bürgermeisters brannte.", "de");
    assert_int_equal(count(&f->seen, "BODY:haus"), 2); /* Häuser, Haus: one stem */
    refuse(f, WC_STORY_TAG_BODY, "die");
    refuse(f, WC_STORY_TAG_BODY, "das");
    refuse(f, WC_STORY_TAG_BODY, "wurden");
    want(f, WC_STORY_TAG_BODY, "burgermeist"); /* stemmed with its umlaut, then stripped */
    assert_string_equal(f->pr.lang, "de");

    run(f, NULL, "La présidente a annoncé les élections. Le président annonce une élection.",
        "fr-FR");
    assert_int_equal(count(&f->seen, "BODY:president"), 2);
    assert_int_equal(count(&f->seen, "BODY:annonc"), 2);
    assert_int_equal(count(&f->seen, "BODY:elect"), 2);
    refuse(f, WC_STORY_TAG_BODY, "les");
    refuse(f, WC_STORY_TAG_BODY, "une");
    assert_string_equal(f->pr.lang, "fr");
}

static void test_language_guess(void **state)
{
    struct fx *f = *state;

    /* no language given: the stopwords say German */
    run(f, NULL, "Die Polizei hat die Häuser und die Straßen der Stadt durchsucht.", NULL);
    assert_string_equal(f->pr.lang, "de");
    assert_true(f->pr.flags & WC_STORY_LANG_GUESSED);
    want(f, WC_STORY_TAG_BODY, "haus");
    /* a language without a Snowball stemmer is stemmed as English, with its own stopwords */
    run(f, NULL, "Policja zatrzymała kierowcę, który jechał bardzo szybko.", "pl");
    assert_string_equal(f->pr.lang, "pl");
    assert_false(f->pr.flags & WC_STORY_LANG_GUESSED);
    refuse(f, WC_STORY_TAG_BODY, "ktory"); /* a Polish stopword */
    want(f, WC_STORY_TAG_BODY, "policja");
    /* a tag that is no language is guessed; no stopwords at all reads as English */
    run(f, NULL, "Pirates captured", "x-klingon");
    assert_string_equal(f->pr.lang, "en");
    assert_true(f->pr.flags & WC_STORY_LANG_GUESSED);
    want(f, WC_STORY_TAG_BODY, "pirat");
}

/* --- entities ------------------------------------------------------------------ */

static void test_entity_phrases(void **state)
{
    struct fx *f = *state;

    run(f, NULL,
        "Workers from the group No Azure for Apartheid protested in Redmond. "
        "Microsoft said that U.S. Immigration and Customs Enforcement (ICE) stored data.",
        "en");
    /* kept whole, with its inner connector, and by its head */
    want(f, WC_STORY_TAG_ENTITY, "no azure for apartheid");
    want(f, WC_STORY_TAG_HEAD, "apartheid");
    want(f, WC_STORY_TAG_ENTITY, "us immigration and customs enforcement");
    want(f, WC_STORY_TAG_HEAD, "enforcement");
    /* each side of an "and" */
    want(f, WC_STORY_TAG_ENTITY, "us immigration");
    want(f, WC_STORY_TAG_ENTITY, "customs enforcement");
    /* acronyms, dots dropped */
    want(f, WC_STORY_TAG_ENTITY, "ice");
    want(f, WC_STORY_TAG_ENTITY, "us");
    want(f, WC_STORY_TAG_ENTITY, "microsoft");
    want(f, WC_STORY_TAG_ENTITY, "redmond");
    /* a connector never ends a phrase */
    refuse(f, WC_STORY_TAG_ENTITY, "apartheid protested");
    refuse(f, WC_STORY_TAG_ENTITY, "the group");
    /* entity terms are not head terms: one vector, two tags */
    assert_int_not_equal(wc_story_term(WC_STORY_TAG_ENTITY, "apartheid", 9),
                         wc_story_term(WC_STORY_TAG_HEAD, "apartheid", 9));
}

static void test_entity_names(void **state)
{
    struct fx *f = *state;

    run(f, NULL,
        "Dr. Sanjay Gupta spoke with W. Mark Felt and Sen. John McCain.\n"
        "Officials said Sarah Palin's church burned, and O'Brien left the Mat-Su valley.\n"
        "However, officials said the Gulf of Aden was calm.",
        "en");
    /* honorifics and initials dropped */
    want(f, WC_STORY_TAG_ENTITY, "sanjay gupta");
    want(f, WC_STORY_TAG_ENTITY, "mark felt");
    want(f, WC_STORY_TAG_ENTITY, "john mccain");
    want(f, WC_STORY_TAG_HEAD, "mccain");
    refuse(f, WC_STORY_TAG_ENTITY, "dr sanjay gupta");
    refuse(f, WC_STORY_TAG_ENTITY, "w mark felt");
    /* possessive cut, apostrophe and hyphen compounds whole */
    want(f, WC_STORY_TAG_ENTITY, "sarah palin");
    want(f, WC_STORY_TAG_ENTITY, "obrien");
    want(f, WC_STORY_TAG_ENTITY, "mat-su");
    /* "the" inside a phrase is fine, at its start it goes */
    want(f, WC_STORY_TAG_ENTITY, "gulf of aden");
    refuse(f, WC_STORY_TAG_ENTITY, "the gulf of aden");
    /* sentence-initial words that are no names */
    refuse(f, WC_STORY_TAG_ENTITY, "officials"); /* "officials" in lower case is in the text */
    refuse(f, WC_STORY_TAG_ENTITY, "however");   /* a stopword */
}

static void test_entity_sentence_start(void **state)
{
    struct fx *f = *state;

    run(f, NULL,
        "Police said the man fled. The police found him. But Microsoft declined.\n"
        "Reid went home. In New York, Reid was seen on Monday.",
        "en");
    /* "Police" starts a sentence and "police" is in the text */
    refuse(f, WC_STORY_TAG_ENTITY, "police");
    /* stopwords at a sentence start are no names, and no part of one */
    refuse(f, WC_STORY_TAG_ENTITY, "the");
    refuse(f, WC_STORY_TAG_ENTITY, "but");
    refuse(f, WC_STORY_TAG_ENTITY, "but microsoft");
    want(f, WC_STORY_TAG_ENTITY, "microsoft");
    refuse(f, WC_STORY_TAG_ENTITY, "in new york");
    want(f, WC_STORY_TAG_ENTITY, "new york");
    /* a name at a sentence start that the text never writes in lower case */
    assert_int_equal(count(&f->seen, "ENT:reid"), 2);
    /* weekdays are dates (blanked); months are no names either */
    refuse(f, WC_STORY_TAG_ENTITY, "monday");
    run(f, NULL, "It happened in August, they said.", "en");
    refuse(f, WC_STORY_TAG_ENTITY, "august");
}

static void test_entity_title_case_and_capitals(void **state)
{
    struct fx *f = *state;

    /* a headline in title case: its capitals say nothing, its acronyms do */
    run(f, NULL,
        "Tara Reid Finally Checks Into Rehab For Undisclosed Reasons After DUI\n"
        "Tara Reid has entered Malibu Promises Treatment Center, her rep told People.",
        "en");
    assert_int_equal(count(&f->seen, "ENT:tara reid"), 1); /* from the second line only */
    refuse(f, WC_STORY_TAG_ENTITY, "tara reid finally checks into rehab for undisclosed reasons");
    refuse(f, WC_STORY_TAG_ENTITY, "undisclosed reasons");
    want(f, WC_STORY_TAG_ENTITY, "dui");
    want(f, WC_STORY_TAG_ENTITY, "malibu promises treatment center");
    /* a line in capitals gives nothing at all */
    run(f, NULL, "BREAKING NEWS FROM THE NATO SUMMIT\nThe summit ended.", "en");
    assert_int_equal(count_tag(&f->seen, "ENT"), 0);
    /* a title-case line that ends like a sentence is prose */
    run(f, NULL, "Barack Obama, Joe Biden And Hillary Clinton Met Voters.", "en");
    want(f, WC_STORY_TAG_ENTITY, "barack obama");
}

static void test_entity_german_french(void **state)
{
    struct fx *f = *state;

    /* German capitalises every noun: single words are no names, phrases and acronyms are */
    run(f, NULL,
        "Bundeskanzlerin Angela Merkel sagte, die Regierung und die ÖVP würden helfen. "
        "Die Polizei nahm einen Mann in Berlin fest.",
        "de");
    want(f, WC_STORY_TAG_ENTITY, "bundeskanzlerin angela merkel");
    want(f, WC_STORY_TAG_HEAD, "merkel");
    want(f, WC_STORY_TAG_ENTITY, "ovp"); /* an acronym beyond ASCII */
    refuse(f, WC_STORY_TAG_ENTITY, "regierung");
    refuse(f, WC_STORY_TAG_ENTITY, "polizei");
    refuse(f, WC_STORY_TAG_ENTITY, "berlin");
    /* French: accents stripped in terms, elided articles left out, "de" inside a name */
    run(f, NULL,
        "Le président Emmanuel Macron a reçu à l'Élysée le gouverneur de la Banque de France.",
        "fr");
    want(f, WC_STORY_TAG_ENTITY, "emmanuel macron");
    want(f, WC_STORY_TAG_ENTITY, "elysee");
    want(f, WC_STORY_TAG_ENTITY, "banque de france");
    want(f, WC_STORY_TAG_HEAD, "france");
    refuse(f, WC_STORY_TAG_ENTITY, "le");
}

/* --- numbers -------------------------------------------------------------------- */

static void test_numbers_units(void **state)
{
    struct fx *f = *state;

    run(f, NULL,
        "ICE stored 1.4 petabytes of data and paid $18 million; 26 pirates and 3,000 people "
        "were there. Sales rose 5 percent, then 2.5% and 7 per cent. A 57-year-old man and "
        "three bodies were found. It cost €2.5m, 18 dollars and 12 %.",
        "en");
    want(f, WC_STORY_TAG_NUMBER, "1.4 petabyt");
    want(f, WC_STORY_TAG_NUMBER, "$18000000");
    want(f, WC_STORY_TAG_NUMBER, "26 pirat");
    want(f, WC_STORY_TAG_NUMBER, "3000 peopl");
    want(f, WC_STORY_TAG_NUMBER, "5%");
    want(f, WC_STORY_TAG_NUMBER, "2.5%");
    want(f, WC_STORY_TAG_NUMBER, "7%");
    want(f, WC_STORY_TAG_NUMBER, "57 year");
    want(f, WC_STORY_TAG_NUMBER, "3 bodi");
    want(f, WC_STORY_TAG_NUMBER, "€2500000");
    want(f, WC_STORY_TAG_NUMBER, "$18");
    want(f, WC_STORY_TAG_NUMBER, "12%");
    refuse(f, WC_STORY_TAG_NUMBER, "18000000");
    refuse(f, WC_STORY_TAG_NUMBER, "1.4");
}

static void test_numbers_bare_years_and_separators(void **state)
{
    struct fx *f = *state;

    run(f, NULL,
        "In 2012 the vote was 52 to 48, and 1,000 or 1000 ballots came in 1967. He was 21st. "
        "Smith won in 2005 Jones lost; COVID-19 and F-16 jets. 12345678901234567890123456789 "
        "is no figure. The 1800s and 1949 and 2040 are not years.",
        "en");
    want(f, WC_STORY_TAG_YEAR, "2012");
    want(f, WC_STORY_TAG_YEAR, "1967");
    want(f, WC_STORY_TAG_YEAR, "2005"); /* "Jones" is a name, not the unit of 2005 */
    want(f, WC_STORY_TAG_NUMBER, "52");
    want(f, WC_STORY_TAG_NUMBER, "48");
    want(f, WC_STORY_TAG_NUMBER, "1000 balot");       /* spelling folded as the dedup words are */
    assert_int_equal(count(&f->seen, "NUM:1000"), 1); /* "1,000" and "1000" are one value */
    want(f, WC_STORY_TAG_NUMBER, "#21");
    refuse(f, WC_STORY_TAG_NUMBER, "19");
    refuse(f, WC_STORY_TAG_NUMBER, "16");
    want(f, WC_STORY_TAG_NUMBER, "1949");
    want(f, WC_STORY_TAG_NUMBER, "2040");
    refuse(f, WC_STORY_TAG_YEAR, "1949");
    refuse(f, WC_STORY_TAG_YEAR, "2040");
    assert_int_equal(count_tag(&f->seen, "YEAR"), 3);
    refuse(f, WC_STORY_TAG_NUMBER, "12345678901234567890123456789");
}

/* A year in the lead (the title's among it) is the event's; one further down is background and
   is dropped, as a year, and not kept as a number either. */
static void test_years_of_the_lead(void **state)
{
    struct fx *f = *state;
    char text[4096];
    size_t n = 0;

    n += (size_t)snprintf(text + n, sizeof(text) - n,
                          "The ferry strike of 2013, the longest, closed the harbour.");
    for (int i = 0; i < 12; i++) /* 120 more words: the lead ends among them */
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              " Crews and managers talked again about wages and rosters today.");
    n += (size_t)snprintf(text + n, sizeof(text) - n,
                          " The company was founded in 1987 and sold in 1999 to investors.");
    assert_true(n < sizeof(text));
    run(f, "Ferry crews walk out again, as in 2009", text, "en");
    want(f, WC_STORY_TAG_YEAR, "2013");
    want(f, WC_STORY_TAG_YEAR, "2009");
    refuse(f, WC_STORY_TAG_YEAR, "1987");
    refuse(f, WC_STORY_TAG_YEAR, "1999");
    refuse(f, WC_STORY_TAG_NUMBER, "1987");
    refuse(f, WC_STORY_TAG_NUMBER, "1999");
    assert_int_equal(count_tag(&f->seen, "YEAR"), 2);
    /* the same background sentence at the top is the lead */
    run(f, NULL, "The company was founded in 1987 and sold in 1999 to investors.", "en");
    want(f, WC_STORY_TAG_YEAR, "1987");
    want(f, WC_STORY_TAG_YEAR, "1999");
}

static void test_number_text(void **state)
{
    char out[64];
    size_t n;

    (void)state;
#define NUMTEXT(in, comma, e, want)                                                                \
    do {                                                                                           \
        n = st_number_text(in, strlen(in), comma, e, out, sizeof(out));                            \
        out[n] = '\0';                                                                             \
        assert_string_equal(out, want);                                                            \
    } while (0)
    NUMTEXT("1,000", false, 0, "1000");
    NUMTEXT("1.000", true, 0, "1000");
    NUMTEXT("1,000", true, 0, "1"); /* German "1,000" is one */
    NUMTEXT("2,5", true, 0, "2.5");
    NUMTEXT("2.50", false, 0, "2.5");
    NUMTEXT("1,234,567.89", false, 0, "1234567.89");
    NUMTEXT("1.234.567,89", true, 0, "1234567.89");
    NUMTEXT("2.5", false, 6, "2500000");
    NUMTEXT("0.05", false, 0, "0.05");
    NUMTEXT("007", false, 0, "7");
    NUMTEXT("0", false, 0, "0");
    NUMTEXT("1.5", false, -3, "0.0015");
    NUMTEXT("1.2.3", false, 0, ""); /* a version, not a number */
    NUMTEXT("12,34", false, 0, "12.34");
    NUMTEXT("1,00,000", false, 0, "");
#undef NUMTEXT
}

static void test_numbers_german(void **state)
{
    struct fx *f = *state;

    run(f, NULL, "Die Regierung gibt 2,5 Milliarden Euro aus; 1.000 Menschen demonstrierten.",
        "de");
    want(f, WC_STORY_TAG_NUMBER, "€2500000000");
    want(f, WC_STORY_TAG_NUMBER, "1000 mensch"); /* a German noun is capitalised */
    run(f, NULL, "Le gouvernement dépense 2,5 millions d'euros et 300 millions de dollars.", "fr");
    want(f, WC_STORY_TAG_NUMBER, "€2500000");
    want(f, WC_STORY_TAG_NUMBER, "$300000000");
}

/* --- dates -------------------------------------------------------------------------- */

/* Blank the dates of in; the squeezed result must be out. */
static void strip_is(const char *in, bool month_first, const char *out, int64_t *dateline)
{
    char buf[1024], sq[1024];
    size_t n = strlen(in), i, o = 0;
    bool space;
    int64_t dl;

    assert_true(n < sizeof(buf));
    memcpy(buf, in, n + 1);
    st_dates_strip(buf, n, 3, month_first, &dl);
    assert_int_equal(strlen(buf), n); /* same length, line breaks in place */
    for (i = 0; i < n; i++)
        if (in[i] == '\n')
            assert_int_equal(buf[i], '\n');
    /* runs of blanks as one space, none at the start or end of a line */
    for (i = 0, space = false; i < n; i++) {
        if (buf[i] == ' ') {
            space = true;
            continue;
        }
        if (space && buf[i] != '\n' && o && sq[o - 1] != '\n')
            sq[o++] = ' ';
        space = false;
        sq[o++] = buf[i];
    }
    sq[o] = '\0';
    if (strcmp(sq, out))
        print_message("# stripped '%s' to '%s'\n", in, sq);
    assert_string_equal(sq, out);
    if (dateline)
        *dateline = dl;
}

static int64_t noon(int y, int m, int d)
{
    return wc_time_from_civil(y, m, d, 12, 0, 0);
}

static void test_dates_stripped(void **state)
{
    int64_t dl;

    (void)state;
    strip_is("Saturday, August 24, 2013 - Fire in Rome", true, "- Fire in Rome", &dl);
    assert_int_equal(dl, noon(2013, 8, 24));
    strip_is("May 02, 2013: the vote", true, ": the vote", &dl);
    assert_int_equal(dl, noon(2013, 5, 2));
    strip_is("13: 26 14 / 09 / 2013 Man held", true, "Man held", &dl);
    assert_int_equal(dl, noon(2013, 9, 14));
    strip_is("Tue March 3, 2009 8:41 p.m. EST Bank fails", true, "Bank fails", &dl);
    assert_int_equal(dl, noon(2009, 3, 3));
    strip_is("Updated: May 24, 2005, 3: 23 PM ET\nCheeks hired", true, "\nCheeks hired", &dl);
    assert_int_equal(dl, noon(2005, 5, 24));
    strip_is("2013-08-24T10:00:00Z report", true, "report", &dl);
    assert_int_equal(dl, noon(2013, 8, 24));
    strip_is("10 June 2013 Last updated at 14: 00 GMT", true, "", &dl);
    assert_int_equal(dl, noon(2013, 6, 10));
    strip_is("Friday, Sep 10, 2010 | Updated 9: 28 AM EDT", true, "", &dl);
    assert_int_equal(dl, noon(2010, 9, 10));
    strip_is("26 September 2013, 10: 00 (GMT+05: 00)\nElections", true, ")\nElections", &dl);
    assert_int_equal(dl, noon(2013, 9, 26));
    strip_is("Posted 12 / 19 / 2005 3: 36 PM\nGigante dies", true, "\nGigante dies", &dl);
    assert_int_equal(dl, noon(2005, 12, 19));
    strip_is("Am 24. August 2013 brannte es.", false, "Am brannte es.", &dl);
    assert_int_equal(dl, noon(2013, 8, 24));
    strip_is("Le lundi 3 mars 2009, à 8:41", false, "Le , à", &dl);
    assert_int_equal(dl, noon(2009, 3, 3));
    strip_is("Published: 2012. 08. 08 09: 01 AM\nFire", true, "\nFire", &dl);
    assert_int_equal(dl, noon(2012, 8, 8));
    /* partial dates, lone weekdays, times: blanked, no dateline */
    strip_is("He was killed Nov. 10 on Sunday at 7:17 a.m. near the Sun offices", true,
             "He was killed on near the Sun offices", &dl);
    assert_int_equal(dl, INT64_MIN);
    /* words that only look like dates stay */
    strip_is("You may 5 times march 3 miles; updated software, posted bail.", true,
             "You may 5 times march 3 miles; updated software, posted bail.", &dl);
    strip_is("February 30, 2013 is no day; 13/13/2013 neither; 5 June 1850 too old", true,
             "February 30, 2013 is no day; 13/13/2013 neither; 5 June 1850 too old", &dl);
    assert_int_equal(dl, INT64_MIN);
}

static void test_dateline(void **state)
{
    int64_t dl;

    (void)state;
    /* ambiguous day and month: the language's convention */
    strip_is("Posted 04 / 9 / 2012 8: 33 am\nRoss talks", true, "\nRoss talks", &dl);
    assert_int_equal(dl, noon(2012, 4, 9));
    strip_is("Posted 04 / 9 / 2012\nRoss talks", false, "\nRoss talks", &dl);
    assert_int_equal(dl, noon(2012, 9, 4));
    /* only the first three non-blank lines hold a dateline; later dates are blanked */
    strip_is("One\n\nTwo\n\nThree\nMay 5, 2013", true, "One\n\nTwo\n\nThree\n", &dl);
    assert_int_equal(dl, INT64_MIN);
    strip_is("One\n\nTwo\nMay 5, 2013 and June 6, 2014", true, "One\n\nTwo\nand", &dl);
    assert_int_equal(dl, noon(2013, 5, 5));
    /* a birth date is no dateline, though it is blanked */
    strip_is("Bettie Page died.\nShe was born on April 22, 1923.", true,
             "Bettie Page died.\nShe was born on .", &dl);
    assert_int_equal(dl, INT64_MIN);
}

static void test_profile_date(void **state)
{
    struct fx *f = *state;
    wc_story_input in = {NULL, 0, "May 02, 2013\nA fire broke out.", 0, "en", INT64_MIN};
    wc_error err = WC_ERROR_INIT;

    in.text_len = strlen(in.text);
    assert_int_equal(wc_story_profile_make(f->p, &in, &f->pr, &err), WC_OK);
    assert_int_equal(f->pr.date_source, WC_STORY_DATE_DATELINE);
    assert_int_equal(f->pr.date, noon(2013, 5, 2));
    refuse(f, WC_STORY_TAG_NUMBER, "02");
    refuse(f, WC_STORY_TAG_NUMBER, "2");
    refuse(f, WC_STORY_TAG_YEAR, "2013");
    /* the published time wins */
    in.published_at = 1400000000;
    assert_int_equal(wc_story_profile_make(f->p, &in, &f->pr, &err), WC_OK);
    assert_int_equal(f->pr.date_source, WC_STORY_DATE_PUBLISHED);
    assert_int_equal(f->pr.date, 1400000000);
    /* neither */
    in.published_at = INT64_MIN;
    in.text = "A fire broke out.";
    in.text_len = strlen(in.text);
    assert_int_equal(wc_story_profile_make(f->p, &in, &f->pr, &err), WC_OK);
    assert_int_equal(f->pr.date_source, WC_STORY_DATE_NONE);
    assert_int_equal(f->pr.date, INT64_MIN);
}

/* --- caps ---------------------------------------------------------------------------- */

static void test_caps(void **state)
{
    struct fx *f = *state;
    size_t big = (size_t)16 << 20, i, o = 0;
    char *text = malloc(big + 1);
    wc_story_input in = {NULL, 0, NULL, 0, "en", INT64_MIN};
    wc_error err = WC_ERROR_INIT;
    int k;

    assert_non_null(text);
    /* 16 MiB of distinct words: read up to the text cap, each kind at most its cap */
    for (i = 0; o + 16 < big; i++) {
        uint64_t x = i * 0x9e3779b97f4a7c15ULL;
        int j;
        text[o++] = (char)('A' + (x >> 59) % 26);
        for (j = 0; j < 7; j++)
            text[o++] = (char)('a' + (x >> (j * 5)) % 26);
        o += (size_t)snprintf(text + o, 16, " %u ", (unsigned)(i % 100000));
    }
    text[o] = '\0';
    in.text = text;
    in.text_len = o;
    in.title = text;
    in.title_len = o;
    assert_int_equal(wc_story_profile_make(f->p, &in, &f->pr, &err), WC_OK);
    assert_true(f->pr.flags & WC_STORY_CUT_TEXT);
    assert_true(f->pr.flags & WC_STORY_CUT_TERMS);
    for (k = 0; k < WC_STORY_KINDS; k++)
        assert_true(f->pr.vec[k].n <= wc_story_kind_cap((enum wc_story_kind)k));
    assert_int_equal(f->pr.vec[WC_STORY_BODY].n, WC_STORY_MAX_BODY_TERMS);
    assert_int_equal(f->pr.vec[WC_STORY_TITLE].n, WC_STORY_MAX_TITLE_TERMS);
    assert_int_equal(f->pr.vec[WC_STORY_NUMBER].n, WC_STORY_MAX_NUMBER_TERMS);
    /* nothing past the cap was read: fewer words than 256 KiB can hold */
    assert_true(count_tag(&f->seen, "BODY") <= WC_STORY_MAX_TEXT / 14 + 1);
    assert_true(count_tag(&f->seen, "BODY") > WC_STORY_MAX_TEXT / 16);
    free(text);

    /* over its cap, a kind keeps its most frequent terms */
    {
        char small[4096];
        o = 0;
        for (i = 0; i < 300; i++)
            o += (size_t)snprintf(small + o, sizeof(small) - o, "%zu ", i + 100);
        o += (size_t)snprintf(small + o, sizeof(small) - o, "777 777 777");
        in.text = small;
        in.text_len = o;
        in.title = NULL;
        in.title_len = 0;
        assert_int_equal(wc_story_profile_make(f->p, &in, &f->pr, &err), WC_OK);
        assert_int_equal(f->pr.vec[WC_STORY_NUMBER].n, WC_STORY_MAX_NUMBER_TERMS);
        assert_true(wc_story_vec_has(&f->pr.vec[WC_STORY_NUMBER],
                                     wc_story_term(WC_STORY_TAG_NUMBER, "777", 3)));
        /* ties go to the earliest: the first number stays, the last ones go */
        assert_true(wc_story_vec_has(&f->pr.vec[WC_STORY_NUMBER],
                                     wc_story_term(WC_STORY_TAG_NUMBER, "100", 3)));
        assert_false(wc_story_vec_has(&f->pr.vec[WC_STORY_NUMBER],
                                      wc_story_term(WC_STORY_TAG_NUMBER, "399", 3)));
    }
}

static void test_bad_bytes(void **state)
{
    struct fx *f = *state;
    static const char junk[] = "Caf\xc3 \xff\xfe Police\0said \xe2\x80 ICE \xf0\x9f\x98 raid 5";
    wc_story_input in = {junk, sizeof(junk) - 1, junk, sizeof(junk) - 1, NULL, INT64_MIN};
    wc_error err = WC_ERROR_INIT;

    assert_int_equal(wc_story_profile_make(f->p, &in, &f->pr, &err), WC_OK);
    want(f, WC_STORY_TAG_ENTITY, "ice");
    want(f, WC_STORY_TAG_BODY, "raid");
    /* an empty text is an empty profile */
    in.text = "";
    in.text_len = 0;
    in.title = NULL;
    in.title_len = 0;
    assert_int_equal(wc_story_profile_make(f->p, &in, &f->pr, &err), WC_OK);
    for (int k = 0; k < WC_STORY_KINDS; k++)
        assert_int_equal(f->pr.vec[k].n, 0);
}

/* --- the blob -------------------------------------------------------------------------- */

static void same_profile(const wc_story_profile *a, const wc_story_profile *b)
{
    int k;

    assert_int_equal(a->date, b->date);
    assert_int_equal(a->date_source, b->date_source);
    assert_int_equal(a->flags, b->flags);
    assert_string_equal(a->lang, b->lang);
    for (k = 0; k < WC_STORY_KINDS; k++) {
        assert_int_equal(a->vec[k].n, b->vec[k].n);
        if (a->vec[k].n) {
            assert_memory_equal(a->vec[k].term, b->vec[k].term, a->vec[k].n * 8);
            assert_memory_equal(a->tf[k], b->tf[k], a->vec[k].n * 4);
            assert_memory_equal(a->vec[k].weight, b->vec[k].weight, a->vec[k].n * 4);
        }
    }
}

static void test_pack_round_trip(void **state)
{
    struct fx *f = *state;
    wc_story_profile back;
    wc_buf blob = WC_BUF_INIT;
    wc_error err = WC_ERROR_INIT;
    size_t i;

    run(f, "Microsoft Azure used by ICE",
        "Saturday, August 24, 2013\nICE stored 1.4 petabytes on Azure, paying $18 million.\n"
        "No Azure for Apartheid protested the deal in 2013.",
        NULL);
    assert_int_equal(f->pr.date_source, WC_STORY_DATE_DATELINE);
    assert_int_equal(wc_story_profile_pack(&f->pr, &blob), WC_OK);
    wc_story_profile_init(&back);
    assert_int_equal(wc_story_profile_unpack(blob.buf, blob.len, &back, &err), WC_OK);
    same_profile(&f->pr, &back);
    assert_true(wc_story_cosine(&f->pr.vec[WC_STORY_BODY], &back.vec[WC_STORY_BODY], NULL, NULL) >
                0.999999);

    /* every damaged byte is refused, and the profile is left empty */
    for (i = 0; i < blob.len; i++) {
        blob.buf[i] ^= 0x20;
        assert_int_equal(wc_story_profile_unpack(blob.buf, blob.len, &back, &err), WC_ERR_CORRUPT);
        assert_int_equal(back.vec[WC_STORY_BODY].n, 0);
        blob.buf[i] ^= 0x20;
    }
    /* every truncation too, and a byte too many */
    for (i = 0; i < blob.len; i++)
        assert_int_equal(wc_story_profile_unpack(blob.buf, i, &back, &err), WC_ERR_CORRUPT);
    assert_int_equal(wc_buf_addch(&blob, 0), WC_OK);
    assert_int_equal(wc_story_profile_unpack(blob.buf, blob.len, &back, &err), WC_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "story profile"));
    wc_buf_release(&blob);
    wc_story_profile_release(&back);
}

/* A blob written by hand, with a correct checksum, that breaks a rule of the format. */
static void test_unpack_refuses_lies(void **state)
{
    wc_story_profile pr, back;
    uint64_t terms[2] = {20, 10}; /* out of order */
    uint32_t tfs[2] = {1, 1};
    float w[2] = {1, 1};
    wc_buf blob = WC_BUF_INIT;
    wc_error err = WC_ERROR_INIT;

    (void)state;
    wc_story_profile_init(&pr);
    wc_story_profile_init(&back);
    pr.vec[WC_STORY_BODY] = (wc_story_vec){terms, w, 2};
    pr.tf[WC_STORY_BODY] = tfs;
    memcpy(pr.lang, "en", 3);
    assert_int_equal(wc_story_profile_pack(&pr, &blob), WC_OK);
    assert_int_equal(wc_story_profile_unpack(blob.buf, blob.len, &back, &err), WC_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "order"));
    /* a term frequency of 0 */
    terms[0] = 10;
    terms[1] = 20;
    tfs[1] = 0;
    wc_buf_reset(&blob);
    assert_int_equal(wc_story_profile_pack(&pr, &blob), WC_OK);
    assert_int_equal(wc_story_profile_unpack(blob.buf, blob.len, &back, &err), WC_ERR_CORRUPT);
    /* a date source without a date */
    tfs[1] = 1;
    pr.date_source = WC_STORY_DATE_PUBLISHED;
    wc_buf_reset(&blob);
    assert_int_equal(wc_story_profile_pack(&pr, &blob), WC_OK);
    assert_int_equal(wc_story_profile_unpack(blob.buf, blob.len, &back, &err), WC_ERR_CORRUPT);
    /* and the good one reads */
    pr.date = 1400000000;
    wc_buf_reset(&blob);
    assert_int_equal(wc_story_profile_pack(&pr, &blob), WC_OK);
    assert_int_equal(wc_story_profile_unpack(blob.buf, blob.len, &back, &err), WC_OK);
    assert_int_equal(back.vec[WC_STORY_BODY].n, 2);
    /* the last term frequency (1) padded to two bytes (0x81 0x00), checksum made good: one
     * value has one spelling, so this blob is refused */
    {
        unsigned char padded[256];
        size_t n = blob.len - 4;
        uint64_t h;
        assert_true(n + 5 <= sizeof(padded));
        assert_int_equal((unsigned char)blob.buf[n - 1], 1);
        memcpy(padded, blob.buf, n - 1);
        padded[n - 1] = 0x81;
        padded[n] = 0x00;
        h = XXH3_64bits(padded, n + 1);
        for (int i = 0; i < 4; i++)
            padded[n + 1 + (size_t)i] = (unsigned char)(h >> (8 * i));
        assert_int_equal(wc_story_profile_unpack(padded, n + 5, &back, &err), WC_ERR_CORRUPT);
        assert_non_null(strstr(err.msg, "truncated"));
    }
    wc_buf_release(&blob);
    wc_story_profile_release(&back);
}

/* --- similarity ------------------------------------------------------------------------ */

static double idf_table(void *ctx, uint64_t term)
{
    (void)ctx;
    return term == 3 ? 0.0 : term == 2 ? 2.0 : 1.0;
}

static void test_cosine(void **state)
{
    uint64_t ta[3] = {1, 2, 3}, tb[2] = {2, 4};
    float wa[3] = {1, 2, 1}, wb[2] = {1, 1};
    wc_story_vec a = {ta, wa, 3}, b = {tb, wb, 2}, none = {NULL, NULL, 0};
    double c;

    (void)state;
    /* plain: 2 / (sqrt 6 * sqrt 2) */
    c = wc_story_cosine(&a, &b, NULL, NULL);
    assert_true(fabs(c - 2.0 / (sqrt(6.0) * sqrt(2.0))) < 1e-9);
    /* with idf: term 3 weighs nothing, term 2 four times: 8 / (sqrt(1+16) * sqrt(4+1)) */
    c = wc_story_cosine(&a, &b, idf_table, NULL);
    assert_true(fabs(c - 8.0 / (sqrt(17.0) * sqrt(5.0))) < 1e-9);
    assert_true(fabs(wc_story_vec_dot(&a, &b, idf_table, NULL) - 8.0) < 1e-9);
    assert_true(fabs(wc_story_vec_norm(&a, NULL, NULL) - sqrt(6.0)) < 1e-9);
    assert_true(wc_story_cosine(&a, &none, NULL, NULL) == 0.0);
    assert_true(fabs(wc_story_cosine(&a, &a, NULL, NULL) - 1.0) < 1e-9);

    /* a short vector against a long one (the galloping path) agrees with a merge */
    {
        enum { N = 5000 };
        uint64_t *tl = malloc(N * sizeof(*tl)), ts[5];
        float *wl = malloc(N * sizeof(*wl)), ws[5] = {1, 2, 3, 4, 5};
        double want = 0;
        size_t i;
        assert_non_null(tl);
        assert_non_null(wl);
        for (i = 0; i < N; i++) {
            tl[i] = 10 * (i + 1);
            wl[i] = (float)(1 + i % 7);
        }
        /* shared: 10, 25000, 50000; not shared: 15, 60000 */
        ts[0] = 10;
        ts[1] = 15;
        ts[2] = 25000;
        ts[3] = 50000;
        ts[4] = 60000;
        want = 1.0 * wl[0] + 3.0 * wl[2499] + 4.0 * wl[4999];
        wc_story_vec s = {ts, ws, 5}, l = {tl, wl, N};
        assert_true(fabs(wc_story_vec_dot(&s, &l, NULL, NULL) - want) < 1e-9);
        assert_true(fabs(wc_story_vec_dot(&l, &s, NULL, NULL) - want) < 1e-9);
        free(tl);
        free(wl);
    }
}

static void test_similar_stories(void **state)
{
    struct fx *f = *state;
    wc_story_profile a;

    /* two write-ups of one event share entities and numbers; another event shares less */
    wc_story_profile_init(&a);
    run(f, NULL,
        "The Indian navy captured 23 pirates in the Gulf of Aden after they attacked a "
        "merchant vessel.",
        "en");
    assert_int_equal(wc_story_profile_unpack("", 0, &a, NULL), WC_ERR_CORRUPT);
    {
        wc_buf blob = WC_BUF_INIT;
        assert_int_equal(wc_story_profile_pack(&f->pr, &blob), WC_OK);
        assert_int_equal(wc_story_profile_unpack(blob.buf, blob.len, &a, NULL), WC_OK);
        wc_buf_release(&blob);
    }
    run(f, NULL,
        "Indian sailors seized 23 pirates who had tried to board a freighter in the Gulf of "
        "Aden.",
        "en");
    {
        double same_ent =
            wc_story_cosine(&a.vec[WC_STORY_ENTITY], &f->pr.vec[WC_STORY_ENTITY], NULL, NULL);
        double same_num =
            wc_story_cosine(&a.vec[WC_STORY_NUMBER], &f->pr.vec[WC_STORY_NUMBER], NULL, NULL);
        run(f, NULL, "A German helicopter stopped an attack on a tanker near Somalia.", "en");
        double other_ent =
            wc_story_cosine(&a.vec[WC_STORY_ENTITY], &f->pr.vec[WC_STORY_ENTITY], NULL, NULL);
        assert_true(same_ent > 0.5);
        assert_true(same_num > 0.99);
        assert_true(other_ent < 0.01);
    }
    wc_story_profile_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_body_words_english, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_first_line_and_spelling, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_prepended, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_german_french, setup, teardown),
        cmocka_unit_test_setup_teardown(test_language_guess, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entity_phrases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entity_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entity_sentence_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entity_title_case_and_capitals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entity_german_french, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers_units, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers_bare_years_and_separators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_years_of_the_lead, setup, teardown),
        cmocka_unit_test(test_number_text),
        cmocka_unit_test_setup_teardown(test_numbers_german, setup, teardown),
        cmocka_unit_test(test_dates_stripped),
        cmocka_unit_test(test_dateline),
        cmocka_unit_test_setup_teardown(test_profile_date, setup, teardown),
        cmocka_unit_test_setup_teardown(test_caps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pack_round_trip, setup, teardown),
        cmocka_unit_test(test_unpack_refuses_lies),
        cmocka_unit_test(test_cosine),
        cmocka_unit_test_setup_teardown(test_similar_stories, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
