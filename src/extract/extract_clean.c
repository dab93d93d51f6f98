/*
 * extract_clean.c - what phrases say about a line of a page, and the
 * blocks they flag.
 *
 * Debris inside an article is often recognisable by its words alone:
 * "Related:", "READ MORE", "Share this", "Previous article", "Exit mobile
 * version", "Sign up for our newsletter", "Photo: Getty Images", "© 2024
 * ... All rights reserved". Bylines ("By Jane Doe", "Von ...", "Par ...")
 * and datelines ("July 24, 2012 12:11 AM", "Updated: ...") are metadata,
 * not body. These tests only apply to short lines: a long paragraph that
 * happens to start with "By the time..." is prose. ex_clean_flag() marks
 * the blocks they catch (and copies of the headline, summary boxes, the
 * start of the comments) for scoring.
 *
 * The names of elements (class, id) are the other kind of evidence; they
 * are read in extract_vocab.c.
 *
 * What it does not do: decide. Scoring (extract_score.c) weighs this
 * evidence against text statistics and the tree.
 */
#define _GNU_SOURCE
#include "extract_internal.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* --- phrases ----------------------------------------------------------------- */

/* Words of a line, lower-cased ASCII, for phrase tests (first bytes only). */
#define PHRASE_MAX 160

/* Lower-case p into out with punctuation runs turned into single spaces. */
static size_t fold_phrase(const char *p, size_t len, char *out, size_t cap)
{
    size_t i, n = 0;
    bool space = true;

    for (i = 0; i < len && n + 4 < cap; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
            out[n++] = (char)c;
            space = false;
        } else if (c >= 'A' && c <= 'Z') {
            out[n++] = (char)(c + 32);
            space = false;
        } else if (c == '\'' || c == '&' || c == '@') {
            out[n++] = (char)c;
            space = false;
        } else if (!space) {
            out[n++] = ' ';
            space = true;
        }
    }
    while (n && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return n;
}

/* Whole short lines that are debris. */
static const char *const debris_exact[] = {
    "ad",
    "advertisement",
    "advertising",
    "sponsored",
    "sponsored content",
    "paid content",
    "share",
    "shares",
    "share this",
    "share this article",
    "share this story",
    "share this post",
    "share on facebook",
    "share on twitter",
    "share via email",
    "tweet",
    "email",
    "e mail",
    "print",
    "print this",
    "print this article",
    "comments",
    "comment",
    "leave a comment",
    "leave a reply",
    "post a comment",
    "add a comment",
    "view comments",
    "show comments",
    "hide comments",
    "read comments",
    "read more",
    "continue reading",
    "related",
    "related articles",
    "related stories",
    "related content",
    "related posts",
    "related coverage",
    "related links",
    "related news",
    "related topics",
    "you may also like",
    "you might also like",
    "recommended",
    "recommended for you",
    "more stories",
    "more from",
    "most popular",
    "most read",
    "trending",
    "trending now",
    "top stories",
    "popular",
    "latest news",
    "exit mobile version",
    "skip to content",
    "skip to main content",
    "back to top",
    "previous article",
    "next article",
    "previous post",
    "next post",
    "previous",
    "next",
    "subscribe",
    "sign up",
    "newsletter",
    "follow us",
    "like this",
    "loading",
    "click here",
    "load more",
    "see more",
    "view all",
    "all rights reserved",
    "enlarge",
    "enlarge this image",
    "toggle caption",
    "hide caption",
    "open gallery",
    "view gallery",
    "watch",
    "listen",
    "video",
    "photo",
    "photos",
    "image",
    "gallery",
    "play video",
    "watch video",
    "close",
    "menu",
    "search",
    "home",
    "reply",
    "report abuse",
    "flag",
    "permalink",
    "embed",
    "copy link",
    "copied",
    "whatsapp",
    "facebook",
    "twitter",
    "linkedin",
    "pinterest",
    "reddit",
    "you may like",
    "more on this story",
    "around the web",
    "from the web",
    "promoted stories",
    "don't miss",
    "must read",
    "editor's picks",
    "also read",
    "read also",
    "see also",
    "join the conversation",
    "join the discussion",
    "have your say",
};

/*
 * Beginnings of debris lines, folded (lower case, punctuation as spaces).
 * A trailing ':' means the line must show a separator (":", "|", "»")
 * near its start or be short, since "More than..." or "Related to..."
 * also open sentences.
 */
static const char *const debris_prefix[] = {
    "related:",
    "related article",
    "related story",
    "related coverage",
    "read more:",
    "read also",
    "also read",
    "see also",
    "more:",
    "read:",
    "watch:",
    "listen:",
    "previous article",
    "next article",
    "previous post",
    "next post",
    "previous story",
    "next story",
    "sign up for",
    "sign up to",
    "subscribe to",
    "subscribe for",
    "follow us on",
    "follow us:",
    "follow @",
    "copyright ",
    "© ",
    "c 20",
    "photo:",
    "photograph:",
    "photos:",
    "image:",
    "picture:",
    "photo credit",
    "image credit",
    "credit:",
    "illustration:",
    "graphic:",
    "advertisement",
    "story continues below",
    "article continues below",
    "continue reading:",
    "click here to",
    "don't miss",
    "must read",
    "trending:",
    "video:",
    "filed under",
    "filed in:",
    "tags:",
    "tagged:",
    "tagged with",
    "topics:",
    "categories:",
    "category:",
    "posted in:",
    "share this",
    "share:",
    "email this",
    "join the conversation",
    "have your say",
    "get the latest",
    "download our app",
    "download the app",
    "like us on",
    "find us on",
    "to read more",
    "this article is part of",
    "you are here",
    "recommended:",
    "newsletter:",
    "exit mobile",
    "skip to",
    "jump to",
    "reading time",
    "listen to this article",
    "this story has been shared",
    "sponsored:",
    "advertising:",
    "loading:",
};

/* Does the original line show a label separator in its first bytes? */
static bool has_separator(const char *p, size_t len)
{
    size_t i, n = WC_MIN(len, (size_t)32);

    for (i = 0; i < n; i++)
        if (p[i] == ':' || p[i] == '|' || p[i] == '>' ||
            (i + 1 < n && (unsigned char)p[i] == 0xC2 && (unsigned char)p[i + 1] == 0xBB))
            return true;
    return false;
}

/* Does the line end with . ! ? or an ellipsis (closing quotes aside)? */
static bool ends_sentence_mark(const char *p, size_t len)
{
    while (len &&
           (p[len - 1] == ' ' || p[len - 1] == '"' || p[len - 1] == '\'' || p[len - 1] == ')'))
        len--;
    if (len >= 3 && (unsigned char)p[len - 3] == 0xE2 && (unsigned char)p[len - 2] == 0x80 &&
        ((unsigned char)p[len - 1] == 0xA6 || (unsigned char)p[len - 1] == 0x9D ||
         (unsigned char)p[len - 1] == 0x99))
        return (unsigned char)p[len - 1] == 0xA6 ||
               (len > 3 && (p[len - 4] == '.' || p[len - 4] == '!' || p[len - 4] == '?'));
    return len && (p[len - 1] == '.' || p[len - 1] == '!' || p[len - 1] == '?');
}

/* Does folded f[0..n) end with the word(s) w? */
static bool ends_with_words(const char *f, size_t n, const char *w)
{
    size_t wl = strlen(w);

    return n > wl && f[n - wl - 1] == ' ' && !memcmp(f + n - wl, w, wl);
}

/*
 * A teaser that ends in its call to action: a headline and "Watch Video"
 * (or "Play Video"), or a summary cut off with an ellipsis and "Read
 * More...". The article's own sentences end in a full stop, not in a
 * button; an ellipsis before "Read more" says the text is a cut summary
 * of another page.
 */
static bool ends_in_call(const char *f, size_t n, const char *p, size_t len, size_t words)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i;

    if (words <= 20 &&
        (ends_with_words(f, n, "watch video") || ends_with_words(f, n, "play video")))
        return true;
    if (words > 60 || !ends_with_words(f, n, "read more") || len < 16)
        return false;
    /* an ellipsis (U+2026 or "...") before the words "read more", 9 bytes from the end */
    for (i = 0; i + 3 <= len - 9; i++)
        if ((u[i] == 0xE2 && u[i + 1] == 0x80 && u[i + 2] == 0xA6) ||
            (u[i] == '.' && u[i + 1] == '.' && u[i + 2] == '.'))
            return true;
    return false;
}

/* "Read more" alone is debris; "Read more about the budget in our explainer" too. */
bool ex_is_debris(const char *p, size_t len)
{
    char f[PHRASE_MAX + 8];
    size_t n, i, words = 0;

    n = fold_phrase(p, WC_MIN(len, (size_t)PHRASE_MAX * 2), f, sizeof(f));
    if (!n)
        return len > 0; /* only punctuation and symbols */
    for (i = 0; i < n; i++)
        words += f[i] == ' ';
    words++;
    for (i = 0; i < WC_ARRAY_SIZE(debris_exact) && n <= 40; i++)
        if (debris_exact[i][0] == f[0] && !strcmp(f, debris_exact[i]))
            return true;
    /* a number and "comments"/"shares": "12 comments", "comments 3" */
    if (words <= 3 && (strstr(f, "comment") || strstr(f, "shares") || strstr(f, "views")) &&
        strpbrk(f, "0123456789"))
        return true;
    if (words <= 4 && (strstr(f, " min read") || strstr(f, "minute read") || strstr(f, "min read")))
        return true;
    if (ends_in_call(f, n, p, len, words))
        return true;
    if (words > 30)
        return false;
    for (i = 0; i < WC_ARRAY_SIZE(debris_prefix); i++) {
        const char *pat = debris_prefix[i];
        size_t pl;
        bool colon;
        if (pat[0] != f[0])
            continue;
        pl = strlen(pat);
        colon = pat[pl - 1] == ':';
        if (colon)
            pl--;
        /* one-word patterns end at a word boundary; longer ones may run into the next
           word, as "Previous article" does into its link text on many templates */
        if (n < pl || memcmp(f, pat, pl) ||
            (n > pl && f[pl] != ' ' && pat[pl - 1] != ' ' && !memchr(pat, ' ', pl)))
            continue;
        /* without its colon the label may be a sentence's subject ("More when we
           have it...", "Photos capture moments frozen in time.") */
        if (colon && !has_separator(p, len) && (words > 6 || ends_sentence_mark(p, len)))
            continue;
        if ((!strcmp(pat, "copyright ") || !strcmp(pat, "© ")) && words > 25)
            continue;
        return true;
    }
    /* "All rights reserved" / "©" in a short line */
    if (words <= 25 && (strstr(f, "all rights reserved") || memmem(p, len, "\xC2\xA9", 2)))
        return true;
    /* short credit lines: "Source: PC Gamer", "Photo: AP", "(AP Photo/John Doe)" */
    if (words <= 8 &&
        (wc_mem_istarts(f, n, "source ") || wc_mem_istarts(f, n, "sources ") ||
         wc_mem_istarts(f, n, "via ")) &&
        memchr(p, ':', WC_MIN(len, (size_t)12)))
        return true;
    /* "(Jane Doe/Reuters)", "(Associated Press)", "(Photo: AP)" */
    if (words <= 10 && len > 2 && p[0] == '(' && p[len - 1] == ')' &&
        (memchr(p, '/', len) || strstr(f, "photo") || strstr(f, "getty") || strstr(f, "reuters") ||
         strstr(f, "image") || strstr(f, "credit") || strstr(f, "press") || strstr(f, "afp") ||
         strstr(f, "file")))
        return true;
    return false;
}

static const char *const byline_prefix[] = {
    "by ",
    "posted by ",
    "written by ",
    "words by ",
    "reporting by ",
    "story by ",
    "text by ",
    "report by ",
    "author ",
    "authors ",
    "von ",
    "par ",
    "por ",
    "door ",
    "av ",
    "a cura di ",
    "autor ",
    "auteur ",
    "editor ",
    "edited by ",
    "compiled by ",
    "photos by ",
    "photographs by ",
    "interview by ",
};

bool ex_is_byline(const char *p, size_t len)
{
    char f[PHRASE_MAX + 8];
    size_t n, i, words = 1;

    n = fold_phrase(p, WC_MIN(len, (size_t)PHRASE_MAX * 2), f, sizeof(f));
    if (!n)
        return false;
    for (i = 0; i < n; i++)
        words += f[i] == ' ';
    /* "By Jane Doe Published Nov. 7, 2012 9:08 am Updated Nov. 7, 2012 11:56 am" runs long,
       but only with dates in it */
    if (words > 24 || (words > 16 && !strpbrk(f, "0123456789")))
        return false;
    for (i = 0; i < WC_ARRAY_SIZE(byline_prefix); i++) {
        size_t pl;
        if (byline_prefix[i][0] != f[0])
            continue;
        pl = strlen(byline_prefix[i]);
        if (n > pl && !memcmp(f, byline_prefix[i], pl)) {
            /* "By" must be followed by a name: a capital letter in the original */
            const char *q = p;
            size_t k = 0, spaces = 0;
            while (k < len && spaces < 1) {
                if (q[k] == ' ')
                    spaces++;
                k++;
            }
            if (!strcmp(byline_prefix[i], "by ") || !strcmp(byline_prefix[i], "par ") ||
                !strcmp(byline_prefix[i], "por ") || !strcmp(byline_prefix[i], "von ") ||
                !strcmp(byline_prefix[i], "door ") || !strcmp(byline_prefix[i], "av ")) {
                while (k < len && (q[k] == ' ' || q[k] == ':'))
                    k++;
                if (k >= len || !((q[k] >= 'A' && q[k] <= 'Z') || (unsigned char)q[k] >= 0xC3))
                    return false;
            }
            return true;
        }
    }
    return false;
}

static const char *const months[] = {
    "jan",      "feb",      "mar",        "apr",      "may",       "jun",       "jul",
    "aug",      "sep",      "sept",       "oct",      "nov",       "dec",       "january",
    "february", "march",    "april",      "june",     "july",      "august",    "september",
    "october",  "november", "december",   "januar",   "februar",   "märz",      "mai",
    "juni",     "juli",     "oktober",    "dezember", "janvier",   "février",   "mars",
    "avril",    "juin",     "juillet",    "août",     "septembre", "octobre",   "novembre",
    "décembre", "enero",    "febrero",    "marzo",    "abril",     "mayo",      "junio",
    "julio",    "agosto",   "septiembre", "octubre",  "noviembre", "diciembre", "gennaio",
    "febbraio", "aprile",   "maggio",     "giugno",   "luglio",    "settembre", "ottobre",
    "dicembre",
};

static const char *const date_words[] = {
    "am",
    "pm",
    "a",
    "m",
    "p",
    "et",
    "est",
    "edt",
    "pt",
    "pst",
    "pdt",
    "ct",
    "cst",
    "cdt",
    "mt",
    "mst",
    "mdt",
    "gmt",
    "bst",
    "utc",
    "cet",
    "cest",
    "ist",
    "aest",
    "aedt",
    "updated",
    "published",
    "posted",
    "last",
    "modified",
    "on",
    "at",
    "created",
    "date",
    "time",
    "the",
    "of",
    "de",
    "del",
    "le",
    "am",
    "um",
    "uhr",
    "h",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "yesterday",
    "ago",
    "hours",
    "hour",
    "minutes",
    "minute",
    "days",
    "day",
    "st",
    "nd",
    "rd",
    "th",
    "and",
    "t",
    "z",
    "aktualisiert",
    "veröffentlicht",
    "publié",
    "mis",
    "à",
    "jour",
    "actualizado",
    "publicado",
    "just",
    "now",
    "edition",
    "first",
    "print",
};

static bool in_list(const char *w, size_t n, const char *const *list, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++)
        if (list[i][0] == w[0] && strlen(list[i]) == n && !memcmp(list[i], w, n))
            return true;
    return false;
}

bool ex_is_dateline(const char *p, size_t len)
{
    char f[PHRASE_MAX + 8];
    size_t n, i, start, words = 0;
    bool month = false, digit = false, numeric_date = false, clock = false, zone = false;
    static const char *const zones[] = {"am",  "pm",  "a",   "p",    "et",  "est", "edt",
                                        "pt",  "pst", "pdt", "ct",   "cst", "cdt", "gmt",
                                        "bst", "utc", "cet", "cest", "ist", "uhr", "h"};
    const char *colon;

    if (len > PHRASE_MAX * 2)
        return false;
    n = fold_phrase(p, len, f, sizeof(f));
    if (!n)
        return false;
    colon = memchr(p, ':', len);
    clock = colon && colon > p && colon[-1] >= '0' && colon[-1] <= '9' &&
            (size_t)(colon - p) + 1 < len && colon[1] >= '0' && colon[1] <= '9';
    for (i = 0; i < n;) {
        size_t wl;
        bool num = true;
        start = i;
        while (i < n && f[i] != ' ')
            i++;
        wl = i - start;
        words++;
        if (words > 14)
            return false;
        for (size_t k = start; k < i; k++)
            if (f[k] < '0' || f[k] > '9')
                num = false;
        if (num) {
            digit = true;
            if (wl == 4 || wl == 8)
                numeric_date = true;
        } else if (in_list(f + start, wl, months, WC_ARRAY_SIZE(months))) {
            month = true;
        } else if (in_list(f + start, wl, zones, WC_ARRAY_SIZE(zones))) {
            zone = true;
        } else if (!in_list(f + start, wl, date_words, WC_ARRAY_SIZE(date_words))) {
            /* "12:30" folds to "12 30"; "2012-07-24" to "2012 07 24"; anything else is text */
            return false;
        }
        while (i < n && f[i] == ' ')
            i++;
    }
    /* a month and a number, a year, or a clock time with am/pm or a zone ("7:28 PM ET");
       a bare "1." or "2:17" (a list number, a running time) is not a date */
    return digit && (month || numeric_date || (clock && zone));
}

static const char *const comments_heads[] = {
    "comments",
    "comment",
    "reader comments",
    "readers comments",
    "your comments",
    "leave a comment",
    "leave a reply",
    "post a comment",
    "add a comment",
    "add your comment",
    "join the discussion",
    "join the conversation",
    "discussion",
    "discuss",
    "responses",
    "have your say",
    "what do you think",
    "kommentare",
    "commentaires",
    "comentarios",
    "commenti",
    "reacties",
    "comments are closed",
    "speak your mind",
    "write a comment",
    "share your thoughts",
    "conversation",
    "talkback",
    "reactions",
};

bool ex_is_comments_heading(const char *p, size_t len)
{
    char f[PHRASE_MAX + 8];
    size_t n, i, words = 1;
    const char *q;

    if (len > 120)
        return false;
    n = fold_phrase(p, len, f, sizeof(f));
    if (!n)
        return false;
    for (i = 0; i < n; i++)
        words += f[i] == ' ';
    for (i = 0; i < WC_ARRAY_SIZE(comments_heads); i++)
        if (comments_heads[i][0] == f[0] && !strcmp(f, comments_heads[i]))
            return true;
    /* "12 comments", "comments (12)", "3 responses to ...", "5 thoughts on ..." */
    if (words <= 8) {
        q = f;
        while (*q >= '0' && *q <= '9')
            q++;
        if (q > f && *q == ' ' &&
            (!strncmp(q + 1, "comment", 7) || !strncmp(q + 1, "response", 8) ||
             !strncmp(q + 1, "thought", 7) || !strncmp(q + 1, "repl", 4) ||
             !strncmp(q + 1, "reaction", 8)))
            return true;
        if (!strncmp(f, "comments ", 9) && strpbrk(f, "0123456789"))
            return true;
    }
    return false;
}

/*
 * An author biography: "Jane Doe is a reporter who covers...", "Jane Doe
 * has written for...". The name must be one the page gives as the
 * author; what follows it must be a verb a bio opens with.
 */
bool ex_is_bio(const char *p, size_t len, char *const *authors, unsigned n_authors)
{
    static const char *const verbs[] = {" is ",    " was ",    " has ",    " writes",
                                        " covers", " reports", " joined",  " holds",
                                        " lives ", " spent ",  " worked ", " serves ",
                                        ", a ",    ", an ",    " began ",  " graduated"};
    unsigned i, k;

    for (i = 0; i < n_authors; i++) {
        size_t n = strlen(authors[i]);
        if (n < 4 || len <= n)
            continue;
        if (wc_mem_istarts(p, len, authors[i])) {
            for (k = 0; k < WC_ARRAY_SIZE(verbs); k++)
                if (wc_mem_istarts(p + n, len - n, verbs[k]))
                    return true;
        }
    }
    return false;
}

/*
 * A toggle label: "Show full PR text", "Show more", "Click to expand".
 * What follows it is collapsed until a reader clicks, so it is not what
 * the page shows as its article.
 */
bool ex_is_toggle(const char *p, size_t len)
{
    static const char *const heads[] = {"show full",     "show more",       "show all",
                                        "show the full", "expand",          "click to expand",
                                        "view full",     "see full",        "read full",
                                        "read the full", "show transcript", "view transcript"};
    char f[PHRASE_MAX + 8];
    size_t n, i, words = 1;

    if (len > 60)
        return false;
    n = fold_phrase(p, len, f, sizeof(f));
    for (i = 0; i < n; i++)
        words += f[i] == ' ';
    if (!n || words > 6)
        return false;
    for (i = 0; i < WC_ARRAY_SIZE(heads); i++)
        if (!strncmp(f, heads[i], strlen(heads[i])))
            return true;
    return false;
}

/* --- flagging blocks ---------------------------------------------------------- */

/*
 * Lower-case ASCII letters and digits, and other letters as they are;
 * punctuation and symbols are left out, the typographic ones too, so a
 * <title> with straight quotes matches a headline with curly ones.
 */
size_t ex_fold(const char *p, size_t len, char *out, size_t outcap)
{
    size_t i, n = 0;

    for (i = 0; i < len && n + 1 < outcap; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 'A' && c <= 'Z') {
            out[n++] = (char)(c + 32);
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out[n++] = (char)c;
        } else if (c >= 0x80) {
            uint32_t cp;
            size_t k = wc_utf8_decode(p + i, len - i, &cp);
            if (!k)
                k = 1;
            /* U+00A0-U+00BF (no-break space, guillemets, signs), U+2000-U+206F
               (general punctuation: quotes, dashes, ellipsis), U+3000-U+303F (CJK) */
            if (!((cp >= 0xA0 && cp <= 0xBF) || (cp >= 0x2000 && cp <= 0x206F) ||
                  (cp >= 0x3000 && cp <= 0x303F))) {
                if (n + k >= outcap)
                    break;
                memcpy(out + n, p + i, k);
                n += k;
            }
            i += k - 1;
        }
    }
    if (outcap)
        out[n] = '\0';
    return n;
}

/* Fold buffer for titles (headlines are short; longer text is compared by prefix). */
#define FOLD_MAX 512

/*
 * Labels of a summary box: "Story highlights", "Key points". The list
 * under such a label retells the article in a few bullets for skimmers;
 * the article's text is the paragraphs it sums up. Fact boxes ("Key
 * facts", "At a glance") are left alone: they often say what the
 * paragraphs do not.
 */
static const char *const summary_labels[] = {
    "story highlights",
    "highlights",
    "key points",
    "main points",
};

bool ex_is_summary_label(const char *p, size_t len)
{
    char f[64];
    size_t i;

    if (len >= 40)
        return false;
    fold_phrase(p, len, f, sizeof(f));
    for (i = 0; i < WC_ARRAY_SIZE(summary_labels); i++)
        if (!strcmp(f, summary_labels[i]))
            return true;
    return false;
}

/* The <ul>/<ol> holding node n, or EX_NONE. */
static uint32_t list_holding(const ex_doc *d, uint32_t n)
{
    for (; n != EX_NONE; n = d->nodes[n].parent)
        if (d->nodes[n].tag == T_UL || d->nodes[n].tag == T_OL)
            return n;
    return EX_NONE;
}

/* A summary box's label and the list right under it are flagged as debris. */
static void flag_summary_box(ex_doc *d, size_t label)
{
    size_t i = label + 1;
    uint32_t list;

    if (i >= d->n_blocks || d->blocks[i].kind != K_LI ||
        (list = list_holding(d, d->blocks[i].node)) == EX_NONE)
        return;
    d->blocks[label].flags |= BF_DEBRIS;
    for (;
         i < d->n_blocks && d->blocks[i].kind == K_LI && list_holding(d, d->blocks[i].node) == list;
         i++)
        d->blocks[i].flags |= BF_DEBRIS;
}

void ex_clean_flag(ex_doc *d, const char *title)
{
    char ft[FOLD_MAX], fb[FOLD_MAX];
    size_t nt = 0, i;

    if (title)
        nt = ex_fold(title, strlen(title), ft, sizeof(ft));
    for (i = 0; i < d->n_blocks; i++) {
        ex_block *b = &d->blocks[i];
        const char *p = d->btext.buf + b->off;
        if (b->words <= 40 && b->kind != K_LI && ex_is_debris(p, b->len))
            b->flags |= BF_DEBRIS;
        if ((b->words <= 24 && ex_is_byline(p, b->len)) ||
            (b->words <= 16 && ex_is_dateline(p, b->len)))
            b->flags |= BF_BYLINE;
        if ((b->kind == K_HEADING || b->words <= 12) && ex_is_comments_heading(p, b->len))
            b->flags |= BF_COMMENTS_AFTER;
        if (b->words <= 3 && b->kind != K_LI && ex_is_summary_label(p, b->len))
            flag_summary_box(d, i);
        /* every line of the headline element ("Storm hits the coast<br>as thousands flee") */
        if (d->h1 != EX_NONE && b->kind == K_HEADING && ex_is_ancestor(d, d->h1, b->node))
            b->flags |= BF_TITLE;
        if (nt >= 8 && b->len < FOLD_MAX) {
            size_t nb = ex_fold(p, b->len, fb, sizeof(fb));
            if (nb >= 8 && (nb == nt && !memcmp(fb, ft, nt)))
                b->flags |= BF_TITLE;
            else if (nb >= 16 && b->kind == K_HEADING && nb < nt && memmem(ft, nt, fb, nb))
                b->flags |= BF_TITLE;
            else if (nt >= 16 && nb > nt && nb <= nt + 40 && memmem(fb, nb, ft, nt) &&
                     (b->kind == K_HEADING || b->words <= 30))
                b->flags |= BF_TITLE;
        }
    }
}
