/*
 * extract_clean.c - what names and phrases say about a piece of a page.
 *
 * Two kinds of evidence live here.
 *
 * 1. Class/id vocabulary. Templates name their parts: "sidebar",
 *    "related-posts", "share-bar", "comment-list", "article-body". Each
 *    class or id value is cut into tokens (at punctuation and camelCase
 *    humps: "relatedPosts" -> related, posts) and every token is looked up
 *    as a whole word (short words like "ad", "nav", "tags" only match
 *    whole tokens, so "header" or "download" do not say "ad") and, for
 *    longer stems, as part of a token ("mysidebar", "postcomments"). The
 *    value with its separators removed is also searched for compound
 *    names of article bodies ("article-body", "entry_content",
 *    "storyText"). A page repeats the same few class strings hundreds of
 *    times, so results are cached per page by hash.
 *
 * 2. Phrases. Debris inside an article is often recognisable by its
 *    words alone: "Related:", "READ MORE", "Share this", "Previous
 *    article", "Exit mobile version", "Sign up for our newsletter",
 *    "Photo: Getty Images", "© 2024 ... All rights reserved". Bylines
 *    ("By Jane Doe", "Von ...", "Par ...") and datelines ("July 24, 2012
 *    12:11 AM", "Updated: ...") are metadata, not body. These tests only
 *    apply to short lines: a long paragraph that happens to start with
 *    "By the time..." is prose.
 *
 * What it does not do: decide. Scoring (extract_score.c) weighs this
 * evidence against text statistics; a "comments" class on the element
 * that holds most of the article's text does not make it comments.
 */
#define _GNU_SOURCE
#include "extract_internal.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* --- vocabulary --------------------------------------------------------------- */

struct vword {
    const char *w;
    uint32_t bits;
};

/* Whole-token words, sorted (binary search). 0 bits: a known word that says nothing. */
static const struct vword exact_words[] = {
    {"ad", EXC_AD},
    {"adbox", EXC_AD},
    {"adcontainer", EXC_AD},
    {"ads", EXC_AD},
    {"adsense", EXC_AD},
    {"adslot", EXC_AD},
    {"adunit", EXC_AD},
    {"adv", EXC_AD},
    {"adwrap", EXC_AD},
    {"adwrapper", EXC_AD},
    {"affiliate", EXC_AD},
    {"agegate", EXC_MODAL},
    {"alert", EXC_MODAL},
    {"anzeige", EXC_AD},
    {"article", EXC_CONTENT},
    {"articles", 0},
    {"aside", EXC_SIDEBAR},
    {"author", EXC_BYLINE},
    {"authors", EXC_BYLINE},
    {"bio", EXC_BIO},
    {"biography", EXC_BIO},
    {"blog", EXC_CONTENT},
    {"body", EXC_CONTENT},
    {"bookmark", EXC_SHARE},
    {"bookmarks", EXC_SHARE},
    {"branding", EXC_HEADER},
    {"byline", EXC_BYLINE},
    {"bylines", EXC_BYLINE},
    {"categories", EXC_TAGS},
    {"category", EXC_TAGS},
    {"ccpa", EXC_MODAL},
    {"cmp", EXC_MODAL},
    {"colophon", EXC_FOOTER},
    {"commentary", 0},
    {"commercial", EXC_AD},
    {"complementary", EXC_SIDEBAR},
    {"content", EXC_CONTENT},
    {"contents", EXC_CONTENT},
    {"contributor", EXC_BYLINE},
    {"copyright", EXC_FOOTER},
    {"credit", EXC_CAPTION},
    {"credits", EXC_CAPTION},
    {"crumb", EXC_NAV},
    {"crumbs", EXC_NAV},
    {"cta", EXC_PROMO},
    {"cutline", EXC_CAPTION},
    {"date", EXC_BYLINE},
    {"dateline", EXC_BYLINE},
    {"dek", EXC_LEAD},
    {"dfp", EXC_AD},
    {"discuss", EXC_COMMENT},
    {"discussion", EXC_COMMENT},
    {"donate", EXC_PROMO},
    {"donation", EXC_PROMO},
    {"dropdown", EXC_NAV},
    {"entry", EXC_CONTENT},
    {"excerpt", EXC_LEAD},
    {"factbox", EXC_SIDEBAR},
    {"feedback", EXC_COMMENT},
    {"figure", EXC_MEDIA},
    {"filed", EXC_TAGS},
    {"follow", EXC_SHARE},
    {"foot", EXC_FOOTER},
    {"gallery", EXC_MEDIA},
    {"gdpr", EXC_MODAL},
    {"gpt", EXC_AD},
    {"headline", EXC_TITLE},
    {"headlines", EXC_RELATED},
    {"hed", EXC_TITLE},
    {"hentry", EXC_CONTENT},
    {"hid", EXC_HIDDEN},
    {"hidden", EXC_HIDDEN},
    {"hide", EXC_HIDDEN},
    {"infobox", EXC_SIDEBAR},
    {"instagram", EXC_EMBED},
    {"interstitial", EXC_MODAL},
    {"intro", EXC_LEAD},
    {"invisible", EXC_HIDDEN},
    {"keywords", EXC_TAGS},
    {"kicker", EXC_HEADER},
    {"lead", EXC_LEAD},
    {"lede", EXC_LEAD},
    {"legal", EXC_FOOTER},
    {"logo", EXC_HEADER},
    {"main", EXC_CONTENT},
    {"marketing", EXC_PROMO},
    {"media", EXC_MEDIA},
    {"membership", EXC_PROMO},
    {"meta", EXC_BYLINE},
    {"metadata", EXC_BYLINE},
    {"modal", EXC_MODAL},
    {"nav", EXC_NAV},
    {"next", EXC_PAGER},
    {"nocontent", EXC_RELATED},
    {"offscreen", EXC_HIDDEN},
    {"optin", EXC_PROMO},
    {"outbrain", EXC_RELATED},
    {"pager", EXC_PAGER},
    {"paging", EXC_PAGER},
    {"photo", EXC_MEDIA},
    {"photos", EXC_MEDIA},
    {"player", EXC_MEDIA},
    {"popular", EXC_RELATED},
    {"popup", EXC_MODAL},
    {"post", EXC_CONTENT},
    {"posted", EXC_BYLINE},
    {"prev", EXC_PAGER},
    {"previous", EXC_PAGER},
    {"print", EXC_SHARE},
    {"profile", EXC_BIO},
    {"promo", EXC_PROMO},
    {"promos", EXC_PROMO},
    {"promoted", EXC_AD},
    {"prose", EXC_CONTENT},
    {"pub", EXC_AD},
    {"pubdate", EXC_BYLINE},
    {"publicidad", EXC_AD},
    {"published", EXC_BYLINE},
    {"reactions", EXC_COMMENT},
    {"recent", EXC_RELATED},
    {"recirc", EXC_RELATED},
    {"recommend", EXC_RELATED},
    {"recommended", EXC_RELATED},
    {"register", EXC_PROMO},
    {"replies", EXC_COMMENT},
    {"reply", EXC_COMMENT},
    {"respond", EXC_COMMENT},
    {"responses", EXC_COMMENT},
    {"secondary", EXC_SIDEBAR},
    {"similar", EXC_RELATED},
    {"sitemap", EXC_NAV},
    {"skip", EXC_NAV},
    {"skyscraper", EXC_AD},
    {"slideshow", EXC_MEDIA},
    {"standfirst", EXC_LEAD},
    {"story", EXC_CONTENT},
    {"subheadline", EXC_LEAD},
    {"subtitle", EXC_LEAD},
    {"suggested", EXC_RELATED},
    {"summary", EXC_LEAD},
    {"taboola", EXC_RELATED},
    {"tabs", EXC_SIDEBAR},
    {"tag", EXC_TAGS},
    {"tagged", EXC_TAGS},
    {"tags", EXC_TAGS},
    {"talkback", EXC_COMMENT},
    {"teaser", EXC_RELATED},
    {"teasers", EXC_RELATED},
    {"text", EXC_CONTENT},
    {"tiktok", EXC_EMBED},
    {"time", EXC_BYLINE},
    {"timestamp", EXC_BYLINE},
    {"title", EXC_TITLE},
    {"toc", EXC_NAV},
    {"toolbar", EXC_SHARE},
    {"tools", EXC_SHARE},
    {"topics", EXC_TAGS},
    {"trending", EXC_RELATED},
    {"tweet", EXC_EMBED},
    {"upsell", EXC_PROMO},
    {"utility", EXC_SHARE},
    {"video", EXC_MEDIA},
    {"werbung", EXC_AD},
    {"widget", EXC_SIDEBAR},
    {"widgets", EXC_SIDEBAR},
    {"writer", EXC_BYLINE},
    {"zergnet", EXC_RELATED},
};

/* Stems found anywhere inside a token (5+ letters, so they are specific). */
static const struct vword inner_stems[] = {
    {"advert", EXC_AD},         {"banner", EXC_AD},       {"breadcrumb", EXC_NAV},
    {"byline", EXC_BYLINE},     {"caption", EXC_CAPTION}, {"comment", EXC_COMMENT},
    {"consent", EXC_MODAL},     {"cookie", EXC_MODAL},    {"dateline", EXC_BYLINE},
    {"disqus", EXC_COMMENT},    {"footer", EXC_FOOTER},   {"header", EXC_HEADER},
    {"kommentar", EXC_COMMENT}, {"lightbox", EXC_MODAL},  {"livefyre", EXC_COMMENT},
    {"masthead", EXC_HEADER},   {"navbar", EXC_NAV},      {"navigation", EXC_NAV},
    {"newsletter", EXC_PROMO},  {"overlay", EXC_MODAL},   {"pagination", EXC_PAGER},
    {"paywall", EXC_PROMO},     {"promo", EXC_PROMO},     {"related", EXC_RELATED},
    {"sharing", EXC_SHARE},     {"share", EXC_SHARE},     {"sidebar", EXC_SIDEBAR},
    {"signup", EXC_PROMO},      {"skyscraper", EXC_AD},   {"social", EXC_SHARE},
    {"sponsor", EXC_AD},        {"subscri", EXC_PROMO},   {"timestamp", EXC_BYLINE},
    {"widget", EXC_SIDEBAR},
};

/* Stems that must start or end a token ("menubar", "topnav", "posttags"). */
static const struct vword edge_stems[] = {
    {"ads", EXC_AD},  {"author", EXC_BYLINE}, {"menu", EXC_NAV},
    {"nav", EXC_NAV}, {"tags", EXC_TAGS},     {"tools", EXC_SHARE},
};

/* Compound names searched in the value with separators removed. */
static const struct vword squashed[] = {
    {"abouttheauthor", EXC_BIO},    {"aboutauthor", EXC_BIO},     {"addthis", EXC_SHARE},
    {"articlebody", EXC_BODY},      {"articlecontent", EXC_BODY}, {"articletext", EXC_BODY},
    {"articleinner", EXC_BODY},     {"authorbio", EXC_BIO},       {"authorbox", EXC_BIO},
    {"authordescription", EXC_BIO}, {"authorinfo", EXC_BIO},      {"bodycopy", EXC_BODY},
    {"bodytext", EXC_BODY},         {"calltoaction", EXC_PROMO},  {"contentbody", EXC_BODY},
    {"editorspicks", EXC_RELATED},  {"entrybody", EXC_BODY},      {"entrycontent", EXC_BODY},
    {"entrytext", EXC_BODY},        {"filedunder", EXC_TAGS},     {"mostpopular", EXC_RELATED},
    {"mostread", EXC_RELATED},      {"morefrom", EXC_RELATED},    {"morenews", EXC_RELATED},
    {"morestories", EXC_RELATED},   {"newsbody", EXC_BODY},       {"newstext", EXC_BODY},
    {"nextprev", EXC_PAGER},        {"postbody", EXC_BODY},       {"postcontent", EXC_BODY},
    {"postentry", EXC_BODY},        {"postnav", EXC_PAGER},       {"pullquote", EXC_EMBED},
    {"posttext", EXC_BODY},         {"prevnext", EXC_PAGER},      {"readmore", EXC_RELATED},
    {"rightcol", EXC_SIDEBAR},      {"rightrail", EXC_SIDEBAR},   {"screenreader", EXC_HIDDEN},
    {"seealso", EXC_RELATED},       {"subhead", EXC_LEAD},        {"sharethis", EXC_SHARE},
    {"sronly", EXC_HIDDEN},         {"standfirst", EXC_LEAD},     {"storybody", EXC_BODY},
    {"storycontent", EXC_BODY},     {"storytext", EXC_BODY},      {"visuallyhidden", EXC_HIDDEN},
    {"youmay", EXC_RELATED},        {"youmight", EXC_RELATED},
};

/* Class strings cached per page: 2^10 slots, hash + length as the key. */
#define VOCAB_SLOTS 1024
/* Bytes of a class/id value looked at. */
#define VOCAB_MAX_VALUE 256

struct vslot {
    uint64_t hash;
    uint32_t len;
    uint32_t bits;
    bool used;
};

struct ex_vocab_cache {
    struct vslot slots[VOCAB_SLOTS];
    unsigned used;
};

struct ex_vocab_cache *ex_vocab_cache_new(void)
{
    return calloc(1, sizeof(struct ex_vocab_cache));
}

void ex_vocab_cache_free(struct ex_vocab_cache *c)
{
    free(c);
}

/* Bit per letter a-z present in p[0..n) (digits ignored): a cheap filter before memmem. */
static uint32_t letter_mask(const char *p, size_t n)
{
    uint32_t m = 0;
    size_t i;

    for (i = 0; i < n; i++)
        if (p[i] >= 'a' && p[i] <= 'z')
            m |= 1u << (p[i] - 'a');
    return m;
}

/* Could stem w occur in a text with letters `mask`? (its first two letters must) */
static bool may_contain(uint32_t mask, const char *w)
{
    return (mask >> (w[0] - 'a') & 1) && (mask >> (w[1] - 'a') & 1);
}

static uint32_t token_bits(const char *t, size_t n)
{
    size_t lo = 0, hi = WC_ARRAY_SIZE(exact_words), i;
    uint32_t bits = 0, mask;
    char tok[VOCAB_MAX_VALUE + 1];

    memcpy(tok, t, n);
    tok[n] = '\0';
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(tok, exact_words[mid].w);
        if (c == 0)
            return exact_words[mid].bits;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (n < 3)
        return 0;
    mask = letter_mask(tok, n);
    for (i = 0; i < WC_ARRAY_SIZE(inner_stems); i++) {
        size_t sl;
        if (!may_contain(mask, inner_stems[i].w))
            continue;
        sl = strlen(inner_stems[i].w);
        if (sl <= n && memmem(tok, n, inner_stems[i].w, sl))
            bits |= inner_stems[i].bits;
    }
    for (i = 0; i < WC_ARRAY_SIZE(edge_stems); i++) {
        size_t sl;
        if (!may_contain(mask, edge_stems[i].w))
            continue;
        sl = strlen(edge_stems[i].w);
        if (sl < n &&
            (!memcmp(tok, edge_stems[i].w, sl) || !memcmp(tok + n - sl, edge_stems[i].w, sl)))
            bits |= edge_stems[i].bits;
    }
    /* "commentary" is opinion writing, not reader comments */
    if ((bits & EXC_COMMENT) && memmem(tok, n, "commentary", 10))
        bits &= ~(uint32_t)EXC_COMMENT;
    return bits;
}

/*
 * CMS taxonomy classes name what a post is about, not what the element
 * is: WordPress puts "tag-elections category-news author-jdoe
 * format-standard" on the article itself. A class whose first token is
 * one of these and whose rest is a slug says nothing; "tag-list" or
 * "author-bio" (a structure word after it) still counts.
 */
static const char *const taxonomy_heads[] = {
    "tag",    "tags",   "category", "categories", "author", "format",  "type",
    "status", "postid", "term",     "topic",      "topics", "section", "post",
    "page",   "pageid", "parent",   "language",   "lang",
};
/* State flags of a layout ("with-navbar", "has-sidebar", "no-comments"): never structure. */
static const char *const state_heads[] = {"with",   "has",     "no",      "is",       "without",
                                          "enable", "enabled", "disable", "disabled", "not"};
static const char *const structure_words[] = {
    "list",    "links",    "link",      "box",    "bio",    "info",    "name",        "meta",
    "wrap",    "wrapper",  "container", "area",   "block",  "widget",  "label",       "title",
    "body",    "content",  "text",      "header", "footer", "nav",     "navigation",  "sidebar",
    "share",   "comments", "comment",   "byline", "date",   "details", "description", "avatar",
    "image",   "photo",    "related",   "entry",  "item",   "items",   "column",      "module",
    "section", "panel",    "social",    "tools",  "footer",
};

static bool in_words(const char *t, size_t n, const char *const *list, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++)
        if (strlen(list[i]) == n && !memcmp(list[i], t, n))
            return true;
    return false;
}

/* Bits of one class name (no spaces). */
static uint32_t classify_class(const char *p, size_t len)
{
    char low[VOCAB_MAX_VALUE + 1], sq[VOCAB_MAX_VALUE + 1];
    size_t i, nl = 0, ns = 0, start, ntok = 0;
    size_t toff[16], tlen[16];
    uint32_t bits = 0, mask;

    /* lower-case copy with a space at each camelCase hump and separator */
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        bool upper = c >= 'A' && c <= 'Z';
        bool alnum = upper || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (upper && i > 0 && p[i - 1] >= 'a' && p[i - 1] <= 'z' && nl < VOCAB_MAX_VALUE)
            low[nl++] = ' ';
        if (nl >= VOCAB_MAX_VALUE)
            break;
        low[nl++] = alnum ? (char)(upper ? c + 32 : c) : ' ';
        if (alnum)
            sq[ns++] = (char)(upper ? c + 32 : c);
    }
    low[nl] = '\0';
    sq[ns] = '\0';
    for (i = 0; i < nl && ntok < 16;) {
        while (i < nl && low[i] == ' ')
            i++;
        start = i;
        while (i < nl && low[i] != ' ')
            i++;
        if (i > start) {
            toff[ntok] = start;
            tlen[ntok] = i - start;
            ntok++;
        }
    }
    if (ntok >= 2 && in_words(low + toff[0], tlen[0], state_heads, WC_ARRAY_SIZE(state_heads)))
        return 0;
    if (ntok >= 2 &&
        in_words(low + toff[0], tlen[0], taxonomy_heads, WC_ARRAY_SIZE(taxonomy_heads))) {
        bool structure = false;
        for (i = 1; i < ntok; i++)
            if (in_words(low + toff[i], tlen[i], structure_words, WC_ARRAY_SIZE(structure_words)))
                structure = true;
        /* "post-123", "tag-elections": a slug; "post-content", "tag-list": structure */
        if (!structure)
            return strstr(sq, "tagcloud") ? EXC_TAGS : 0;
    }
    for (i = 0; i < ntok; i++)
        if (tlen[i] >= 2)
            bits |= token_bits(low + toff[i], tlen[i]);
    mask = letter_mask(sq, ns);
    for (i = 0; i < WC_ARRAY_SIZE(squashed); i++)
        if (may_contain(mask, squashed[i].w) && strstr(sq, squashed[i].w))
            bits |= squashed[i].bits;
    return bits;
}

static uint32_t classify(const char *p, size_t len)
{
    size_t i = 0, start;
    uint32_t bits = 0;

    if (len > VOCAB_MAX_VALUE)
        len = VOCAB_MAX_VALUE;
    while (i < len) {
        while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
            i++;
        start = i;
        while (i < len && !(p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
            i++;
        if (i > start)
            bits |= classify_class(p + start, i - start);
    }
    return bits;
}

uint32_t ex_vocab_classify(struct ex_vocab_cache *c, const char *p, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    size_t i;
    struct vslot *s;
    uint32_t bits;

    if (!len)
        return 0;
    for (i = 0; i < len; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    if (!c)
        return classify(p, len);
    for (i = h & (VOCAB_SLOTS - 1);; i = (i + 1) & (VOCAB_SLOTS - 1)) {
        s = &c->slots[i];
        if (!s->used)
            break;
        if (s->hash == h && s->len == len)
            return s->bits;
    }
    bits = classify(p, len);
    if (c->used < VOCAB_SLOTS * 3 / 4) {
        s->used = true;
        s->hash = h;
        s->len = (uint32_t)len;
        s->bits = bits;
        c->used++;
    }
    return bits;
}

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
