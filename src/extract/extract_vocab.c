/*
 * extract_vocab.c - what the names of a page's elements say they are.
 *
 * Templates name their parts: "sidebar", "related-posts", "share-bar",
 * "comment-list", "article-body". Each class or id value is cut into
 * tokens (at punctuation and camelCase humps: "relatedPosts" -> related,
 * posts) and every token is looked up as a whole word (short words like
 * "ad", "nav", "tags" only match whole tokens, so "header" or "download"
 * do not say "ad") and, for longer stems, as part of a token
 * ("mysidebar", "postcomments"). The value with its separators removed is
 * also searched for compound names of article bodies ("article-body",
 * "entry_content", "storyText"). A page repeats the same few class
 * strings hundreds of times, so results are cached per page by hash.
 *
 * What it does not do: decide. The bits (EXC_* in extract_internal.h) are
 * evidence that scoring (extract_score.c) weighs against text statistics;
 * a "comments" class on the element that holds most of the article's
 * text does not make it comments.
 */
#define _GNU_SOURCE
#include "extract_internal.h"

#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "internal.h"

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
    uint64_t h;
    size_t i;
    struct vslot *s;
    uint32_t bits;

    if (!len)
        return 0;
    h = XXH3_64bits(p, len);
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
