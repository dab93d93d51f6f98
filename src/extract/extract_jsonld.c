/*
 * extract_jsonld.c - schema.org metadata from <script type="application/ld+json">.
 *
 * Most news sites describe their articles for search engines in JSON-LD:
 * a NewsArticle (or Article, BlogPosting, ReportageNewsArticle...) with
 * headline, author, datePublished, dateModified, publisher, image,
 * description and often the whole articleBody. It is the most reliable
 * metadata on a page, so its fields get high priorities (see
 * extract_meta.c for the scale). articleBody is not printed as the body
 * (it is often truncated, flattened into one paragraph, or stale), but it
 * is the strongest witness of which blocks of the page are the article
 * (extract_score.c).
 *
 * Real JSON-LD is often slightly broken: raw newlines inside strings,
 * HTML comment or CDATA wrappers, several objects in one script. Control
 * characters are turned into spaces and wrappers cut before jansson
 * parses; a script that still does not parse is skipped. Nesting is
 * walked to a fixed depth (@graph, mainEntity, arrays).
 */
#include "extract_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* How deep we follow @graph / mainEntity / arrays. */
#define LD_MAX_DEPTH 12
/* Bytes of one script we parse. */
#define LD_MAX_SCRIPT ((size_t)1 << 20)

/* Priorities of JSON-LD fields (scale in extract_meta.c). */
enum {
    P_LD_HEADLINE = 70,
    P_LD_AUTHOR = 70,
    P_LD_PUBLISHED = 80,
    P_LD_CREATED = 50,
    P_LD_MODIFIED = 80,
    P_LD_SITE = 60,
    P_LD_IMAGE = 60,
    P_LD_DESCRIPTION = 55,
    P_LD_URL = 40,
    P_LD_LANG = 50,
    P_LD_PAGE = 20, /* the same fields on a WebPage object */
};

static const char *const article_types[] = {
    "Article",
    "NewsArticle",
    "BlogPosting",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "ReviewNewsArticle",
    "BackgroundNewsArticle",
    "LiveBlogPosting",
    "Report",
    "TechArticle",
    "ScholarlyArticle",
    "SocialMediaPosting",
    "SatiricalArticle",
    "AdvertiserContentArticle",
    "AskPublicNewsArticle",
    "Posting",
    "Blog",
    "Review",
};

static bool type_is(json_t *o, const char *const *names, size_t n)
{
    json_t *t = json_object_get(o, "@type");
    size_t i, k;

    if (json_is_string(t)) {
        const char *s = json_string_value(t);
        for (k = 0; k < n; k++)
            if (!strcmp(s, names[k]))
                return true;
    } else if (json_is_array(t)) {
        for (i = 0; i < json_array_size(t); i++) {
            json_t *e = json_array_get(t, i);
            if (!json_is_string(e))
                continue;
            for (k = 0; k < n; k++)
                if (!strcmp(json_string_value(e), names[k]))
                    return true;
        }
    }
    return false;
}

static const char *str_of(json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_array(v) && json_array_size(v) > 0)
        return str_of(json_array_get(v, 0));
    return NULL;
}

static void set_str(ex_doc *d, unsigned slot, json_t *v, int prio)
{
    const char *s = str_of(v);

    if (s && *s)
        ex_meta_set(d, slot, s, strlen(s), prio);
}

/* A name from a string, a {name: ...} object, or an array of either. */
static void add_people(ex_doc *d, json_t *v, int prio, int depth)
{
    size_t i;

    if (depth > 3 || !v)
        return;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (*s && strncmp(s, "http", 4) != 0)
            ex_meta_add_author(d, s, strlen(s), prio);
    } else if (json_is_array(v)) {
        for (i = 0; i < json_array_size(v) && i < 8; i++)
            add_people(d, json_array_get(v, i), prio, depth + 1);
    } else if (json_is_object(v)) {
        json_t *n = json_object_get(v, "name");
        if (json_is_string(n)) {
            add_people(d, n, prio, depth + 1);
        } else {
            json_t *gn = json_object_get(v, "givenName"), *fn = json_object_get(v, "familyName");
            if (json_is_string(gn) && json_is_string(fn)) {
                char tmp[256];
                int k = snprintf(tmp, sizeof(tmp), "%s %s", json_string_value(gn),
                                 json_string_value(fn));
                if (k > 0)
                    ex_meta_add_author(d, tmp, WC_MIN((size_t)k, sizeof(tmp) - 1), prio);
            }
        }
    }
}

static void set_image(ex_doc *d, json_t *v, int prio, int depth)
{
    if (depth > 3 || !v)
        return;
    if (json_is_string(v)) {
        set_str(d, M_IMAGE, v, prio);
    } else if (json_is_array(v) && json_array_size(v)) {
        set_image(d, json_array_get(v, 0), prio, depth + 1);
    } else if (json_is_object(v)) {
        json_t *u = json_object_get(v, "url");
        if (!u)
            u = json_object_get(v, "contentUrl");
        if (!u)
            u = json_object_get(v, "@id");
        set_image(d, u, prio, depth + 1);
    }
}

static void set_url(ex_doc *d, json_t *v, int prio)
{
    if (json_is_object(v))
        v = json_object_get(v, "@id");
    set_str(d, M_CANONICAL, v, prio);
}

static void read_article(ex_doc *d, json_t *o, int bonus)
{
    json_t *v, *pub;

    v = json_object_get(o, "headline");
    if (!v)
        v = json_object_get(o, "name");
    set_str(d, M_TITLE, v, P_LD_HEADLINE + bonus);
    add_people(d, json_object_get(o, "author"), P_LD_AUTHOR + bonus, 0);
    if (!json_object_get(o, "author"))
        add_people(d, json_object_get(o, "creator"), P_LD_AUTHOR - 10 + bonus, 0);
    set_str(d, M_PUBLISHED, json_object_get(o, "datePublished"), P_LD_PUBLISHED + bonus);
    set_str(d, M_PUBLISHED, json_object_get(o, "dateCreated"), P_LD_CREATED + bonus);
    set_str(d, M_MODIFIED, json_object_get(o, "dateModified"), P_LD_MODIFIED + bonus);
    pub = json_object_get(o, "publisher");
    if (json_is_array(pub))
        pub = json_array_get(pub, 0);
    if (json_is_object(pub))
        set_str(d, M_SITE, json_object_get(pub, "name"), P_LD_SITE + bonus);
    set_image(d, json_object_get(o, "image"), P_LD_IMAGE + bonus, 0);
    if (!json_object_get(o, "image"))
        set_image(d, json_object_get(o, "thumbnailUrl"), P_LD_IMAGE - 10 + bonus, 0);
    set_str(d, M_DESCRIPTION, json_object_get(o, "description"), P_LD_DESCRIPTION + bonus);
    v = json_object_get(o, "mainEntityOfPage");
    set_url(d, v ? v : json_object_get(o, "url"), P_LD_URL + bonus);
    set_str(d, M_LANG, json_object_get(o, "inLanguage"), P_LD_LANG + bonus);
    set_str(d, M_SECTION, json_object_get(o, "articleSection"), P_LD_LANG + bonus);
    v = json_object_get(o, "articleBody");
    if (!v)
        v = json_object_get(o, "text");
    if (json_is_string(v) && bonus >= 0) {
        const char *s = json_string_value(v);
        size_t n = strlen(s);
        if (n > 80 && (!d->ld_body || n > strlen(d->ld_body))) {
            char *c = wc_strndup(s, n);
            if (c) {
                free(d->ld_body);
                d->ld_body = c;
            }
        }
    }
}

static const char *const page_types[] = {"WebPage", "ItemPage", "CollectionPage"};
static const char *const org_types[] = {"Organization", "NewsMediaOrganization", "WebSite",
                                        "Corporation"};

static void walk(ex_doc *d, json_t *v, int depth)
{
    size_t i;

    if (depth > LD_MAX_DEPTH || !v)
        return;
    if (json_is_array(v)) {
        for (i = 0; i < json_array_size(v) && i < 64; i++)
            walk(d, json_array_get(v, i), depth + 1);
        return;
    }
    if (!json_is_object(v))
        return;
    if (type_is(v, article_types, WC_ARRAY_SIZE(article_types))) {
        read_article(d, v, 0);
    } else if (type_is(v, page_types, WC_ARRAY_SIZE(page_types))) {
        read_article(d, v, P_LD_PAGE - P_LD_HEADLINE);
    } else if (type_is(v, org_types, WC_ARRAY_SIZE(org_types)) && depth <= 2) {
        set_str(d, M_SITE, json_object_get(v, "name"), P_LD_SITE - 20);
    }
    walk(d, json_object_get(v, "@graph"), depth + 1);
    walk(d, json_object_get(v, "mainEntity"), depth + 1);
}

/* Cut HTML comment / CDATA wrappers and make control characters spaces. */
static size_t tidy(char *s, size_t n)
{
    size_t i, a = 0, b = n;
    static const char *const heads[] = {"<!--", "//<![CDATA[", "<![CDATA[", "/*<![CDATA[*/"};
    static const char *const tails[] = {"-->", "//]]>", "]]>", "/*]]>*/"};

    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20)
            s[i] = ' ';
    while (a < b && s[a] == ' ')
        a++;
    while (b > a && s[b - 1] == ' ')
        b--;
    for (i = 0; i < WC_ARRAY_SIZE(heads); i++) {
        size_t l = strlen(heads[i]);
        if (b - a >= l && !memcmp(s + a, heads[i], l)) {
            a += l;
            break;
        }
    }
    for (i = 0; i < WC_ARRAY_SIZE(tails); i++) {
        size_t l = strlen(tails[i]);
        if (b - a >= l && !memcmp(s + b - l, tails[i], l)) {
            b -= l;
            break;
        }
    }
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == ';'))
        b--;
    memmove(s, s + a, b - a);
    return b - a;
}

void ex_jsonld_read(ex_doc *d)
{
    uint32_t i;

    for (i = 0; i < d->n_ld; i++) {
        const ex_span *sp = &d->ld[i];
        json_error_t jerr;
        json_t *root;
        char *buf;
        size_t n;

        if (!sp->len || sp->len > LD_MAX_SCRIPT)
            continue;
        buf = wc_strndup(d->jsonld.buf + sp->off, sp->len);
        if (!buf)
            return;
        n = tidy(buf, sp->len);
        root = json_loadb(buf, n, JSON_DISABLE_EOF_CHECK, &jerr);
        if (root) {
            walk(d, root, 0);
            json_decref(root);
        }
        free(buf);
    }
}
