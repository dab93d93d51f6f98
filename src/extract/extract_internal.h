/*
 * extract_internal.h - what the extract_*.c files share: the compact
 * document tree built from libxml2's SAX events, the text blocks the
 * tree is cut into, and the pass functions of the pipeline.
 *
 * The pipeline (extract.c runs it, one page at a time, no shared state):
 *
 *   bytes --charset--> UTF-8 --dom (SAX)--> ex_doc tree --blocks--> blocks
 *     --jsonld/meta--> metadata   --stopwords/lang--> word statistics
 *     --score--> the article container and the blocks kept
 *     --clean--> in-article debris dropped --output--> wc_article
 *
 * Never installed; only src/extract*.c include it.
 */
#ifndef WC_EXTRACT_INTERNAL_H
#define WC_EXTRACT_INTERNAL_H

#include "wirecopy/extract.h"
#include "stopwords.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/buf.h"
#include "wirecopy/charset.h"
#include "wirecopy/error.h"

/* --- caps ------------------------------------------------------------- */

/*
 * Element nesting kept in the tree. Real pages stay under ~60 levels;
 * deeper elements are folded into their ancestor at this depth, so
 * hostile nesting costs neither stack nor quadratic walks.
 */
#define EX_MAX_DEPTH 160
/* Open elements tracked for matching end tags; beyond, only counted. */
#define EX_MAX_STACK 4096
/* Nodes (elements + text runs) kept: ~25x a heavy 2 MB page. */
#define EX_MAX_NODES (1u << 20)
/* Bytes of text kept from one page (all text nodes together). */
#define EX_MAX_TEXT ((size_t)16 << 20)
/* Bytes kept of one attribute value (URLs, meta content). */
#define EX_MAX_ATTR 4096
/* Bytes of JSON-LD scripts kept. */
#define EX_MAX_JSONLD ((size_t)2 << 20)
/* Bytes of one output line (paragraph); longer ones are cut at a word. */
#define EX_MAX_LINE ((size_t)64 << 10)
/* Bytes of <title> kept. */
#define EX_MAX_TITLE 2048
/* Bytes of the blocks' texts: the text runs trimmed, so at most EX_MAX_TEXT, plus the
   slack ex_dom_blocks reserves before laying them out. */
#define EX_MAX_BLOCK_TEXT (EX_MAX_TEXT + 64)
/* Bytes of a page converted to UTF-8: 3 per input byte at most (a legacy byte becomes
   up to 3), plus a little; extract_charset.c sizes its buffer per page below this. */
#define EX_MAX_UTF8 (WC_EXTRACT_MAX_INPUT * 3 + 16)

#define EX_NONE UINT32_MAX

/* --- tags -------------------------------------------------------------- */

enum ex_tag {
    T_OTHER = 0,
    T_TEXT,
    T_ROOT,
    T_A,
    T_ADDRESS,
    T_ARTICLE,
    T_ASIDE,
    T_AUDIO,
    T_B,
    T_BASE,
    T_BLOCKQUOTE,
    T_BODY,
    T_BR,
    T_BUTTON,
    T_CANVAS,
    T_CAPTION,
    T_CENTER,
    T_CODE,
    T_DD,
    T_DETAILS,
    T_DIALOG,
    T_DIV,
    T_DL,
    T_DT,
    T_EM,
    T_EMBED,
    T_FIELDSET,
    T_FIGCAPTION,
    T_FIGURE,
    T_FOOTER,
    T_FORM,
    T_FRAMESET,
    T_H1,
    T_H2,
    T_H3,
    T_H4,
    T_H5,
    T_H6,
    T_HEAD,
    T_HEADER,
    T_HGROUP,
    T_HR,
    T_HTML,
    T_I,
    T_IFRAME,
    T_IMG,
    T_INPUT,
    T_LABEL,
    T_LEGEND,
    T_LI,
    T_LINK,
    T_MAIN,
    T_MAP,
    T_MATH,
    T_MENU,
    T_META,
    T_NAV,
    T_NOSCRIPT,
    T_OBJECT,
    T_OL,
    T_OPTION,
    T_P,
    T_PICTURE,
    T_PRE,
    T_Q,
    T_SCRIPT,
    T_SECTION,
    T_SELECT,
    T_SMALL,
    T_SOURCE,
    T_SPAN,
    T_STRONG,
    T_STYLE,
    T_SUMMARY,
    T_SVG,
    T_TABLE,
    T_TBODY,
    T_TD,
    T_TEMPLATE,
    T_TEXTAREA,
    T_TFOOT,
    T_TH,
    T_THEAD,
    T_TIME,
    T_TITLE,
    T_TR,
    T_UL,
    T_VIDEO,
    T_COUNT
};

/* Tag properties. */
enum {
    TF_BLOCK = 1 << 0,   /* starts and ends a text block */
    TF_SKIP = 1 << 1,    /* subtree holds no readable text (script, style, svg, form controls) */
    TF_HEADING = 1 << 2, /* h1-h6 */
    TF_VOID = 1 << 3,    /* no content */
    TF_CELL = 1 << 4,    /* td, th */
};

unsigned ex_tag_flags(unsigned tag);

/* --- class/id vocabulary (extract_vocab.c) ------------------------------ */

/* What an element's class, id, role, itemprop or tag says it is. */
enum {
    EXC_BODY = 1u << 0,    /* article body: "article-body", "entry-content", itemprop=articleBody */
    EXC_CONTENT = 1u << 1, /* weaker content words: "content", "story", "post", "text" */
    EXC_ARTICLE = 1u << 2, /* <article>, role=article, schema.org Article scope */
    EXC_MAIN = 1u << 3,    /* <main>, role=main */
    EXC_NAV = 1u << 4,     /* navigation, menus, breadcrumbs */
    EXC_HEADER = 1u << 5,  /* page or article header (masthead, headline block) */
    EXC_FOOTER = 1u << 6,  /* footers, copyright */
    EXC_SIDEBAR = 1u << 7, /* sidebars, rails, asides, widgets */
    EXC_RELATED = 1u << 8, /* related / recommended / more stories / popular */
    EXC_SHARE = 1u << 9,   /* share and follow bars, social widgets, print/email tools */
    EXC_AD = 1u << 10,     /* advertising, sponsors */
    EXC_PROMO = 1u << 11,  /* newsletter, subscribe, paywall, donate, calls to action */
    EXC_COMMENT = 1u << 12, /* reader comments, discussion */
    EXC_BYLINE = 1u << 13,  /* byline, author, dateline, timestamps, article meta */
    EXC_CAPTION = 1u << 14, /* captions and credits of images and videos */
    EXC_MODAL = 1u << 15,   /* cookie banners, consent, pop-ups, overlays */
    EXC_BIO = 1u << 16,     /* author biography box */
    EXC_PAGER = 1u << 17,   /* previous/next article, pagination */
    EXC_HIDDEN = 1u << 18,  /* visually hidden (sr-only, hidden, hide) */
    EXC_TAGS = 1u << 19,    /* tags, topics, categories, keywords */
    EXC_TITLE = 1u << 20,   /* headline / title containers */
    EXC_MEDIA = 1u << 21,   /* figures, galleries, video players */
    EXC_FORM = 1u << 22,    /* forms (search, sign-up, comment forms) */
    EXC_LEAD = 1u << 23,    /* standfirst / summary / dek: article text in most gold */
    EXC_EMBED = 1u << 24,   /* embedded posts of social networks, pull quotes */
};

/* Bits that mark a subtree as not part of an article's text. */
#define EXC_BOILER                                                                                 \
    (EXC_NAV | EXC_HEADER | EXC_FOOTER | EXC_SIDEBAR | EXC_RELATED | EXC_SHARE | EXC_AD |          \
     EXC_PROMO | EXC_COMMENT | EXC_MODAL | EXC_BIO | EXC_PAGER | EXC_HIDDEN | EXC_TAGS)
/* Bits that mark a subtree as (likely) article text. */
#define EXC_GOOD (EXC_BODY | EXC_CONTENT | EXC_ARTICLE | EXC_MAIN)

struct ex_vocab_cache;
/* Bits for one class or id attribute value (cached per document). */
uint32_t ex_vocab_classify(struct ex_vocab_cache *c, const char *p, size_t len);
struct ex_vocab_cache *ex_vocab_cache_new(void);
void ex_vocab_cache_free(struct ex_vocab_cache *c);

/* --- the tree (extract_dom.c, extract_blocks.c) ------------------------------------ */

/* Attributes worth keeping. */
enum ex_attr_key {
    A_CLASS = 0,
    A_ID,
    A_HREF,
    A_SRC,
    A_DATA_SRC,
    A_SRCSET,
    A_ITEMPROP,
    A_ITEMTYPE,
    A_DATETIME,
    A_CONTENT,
    A_PROPERTY,
    A_NAME,
    A_REL,
    A_LANG,
    A_ROLE,
    A_HTTP_EQUIV,
    A_CHARSET,
    A_ALT,
    A_TITLE,
    A_VALUE,
    A_COUNT
};

typedef struct ex_attr {
    uint32_t off; /* bytes in ex_doc.abuf */
    uint32_t len;
    uint8_t key; /* enum ex_attr_key */
} ex_attr;

/* Node flags. */
enum {
    NF_LINK = 1 << 0,        /* <a href> */
    NF_ITEMSCOPE = 1 << 1,   /* itemscope */
    NF_PUBDATE = 1 << 2,     /* <time pubdate> */
    NF_ARTICLEBODY = 1 << 3, /* itemprop="articleBody": the page says where its article is */
};

typedef struct ex_node {
    uint32_t parent; /* EX_NONE for the root */
    uint32_t first;  /* first child or EX_NONE */
    uint32_t last;   /* last child or EX_NONE */
    uint32_t next;   /* next sibling or EX_NONE */
    uint32_t off;    /* text runs: bytes in ex_doc.text; elements: first attribute index */
    uint32_t len;    /* text runs: length; elements: number of attributes */
    uint32_t cls;    /* EXC_* bits of this element */
    uint16_t tag;    /* enum ex_tag */
    uint16_t depth;
    uint16_t flags; /* NF_* */
} ex_node;

/* A JSON-LD script's bytes in ex_doc.jsonld. */
typedef struct ex_span {
    uint32_t off, len;
} ex_span;

/* Kinds of text blocks (more than wc_block_kind: scoring wants them). */
enum ex_kind { K_PARA = 0, K_HEADING, K_LI, K_QUOTE, K_PRE, K_CAPTION, K_CELL, K_DT, K_DD };

/* Block flags. */
enum {
    BF_AFTER_BR = 1 << 0,       /* began at a <br> inside the same element */
    BF_ORDERED = 1 << 1,        /* list item of an <ol> */
    BF_IN_LINK = 1 << 2,        /* all of the text is inside one link */
    BF_TITLE = 1 << 3,          /* same text as the headline */
    BF_BYLINE = 1 << 4,         /* looks like a byline or dateline */
    BF_DEBRIS = 1 << 5,         /* matches a debris pattern ("Related:", "Share this") */
    BF_JSONLD = 1 << 6,         /* most of its words appear in JSON-LD articleBody */
    BF_IN_HEAD = 1 << 7,        /* inside <head> (broken pages) */
    BF_COMMENTS_AFTER = 1 << 8, /* a "Comments" heading starts here */
    BF_BOILER_PHRASE = 1 << 9,  /* copyright, "All rights reserved", cookie text */
};

/* jusText-style classes of a block. */
enum ex_class { C_BAD = 0, C_SHORT, C_NEARGOOD, C_GOOD };

typedef struct ex_block {
    uint32_t off, len;   /* text in ex_doc.btext (trimmed, spaces collapsed) */
    uint32_t node;       /* innermost block-level element holding the text */
    uint32_t chars;      /* code points */
    uint32_t link_chars; /* code points inside <a href> */
    uint32_t words;      /* \w+ tokens */
    uint32_t stops;      /* stopwords of the page's language */
    uint32_t cls_path;   /* EXC_* bits of every ancestor, up to the root */
    uint16_t flags;      /* BF_* */
    uint8_t kind;        /* enum ex_kind */
    uint8_t level;       /* heading level, list depth */
    uint8_t klass;       /* enum ex_class, context-free */
    uint8_t final;       /* enum ex_class after context */
    uint8_t keep;        /* in the output */
    uint8_t pad;
    float jsonld_cover;            /* share of its word pairs found in JSON-LD articleBody */
    uint16_t lang_stops[WC_NLANG]; /* stopwords per language, for detection */
} ex_block;

/* Metadata gathered before choosing, in priority slots. */
enum ex_meta_slot {
    M_TITLE = 0,
    M_AUTHOR,
    M_SITE,
    M_CANONICAL,
    M_DESCRIPTION,
    M_IMAGE,
    M_PUBLISHED,
    M_MODIFIED,
    M_LANG,
    M_SECTION,
    M_COUNT
};

typedef struct ex_meta_val {
    char *s;  /* malloc'd UTF-8, whitespace-normalised */
    int prio; /* higher wins; 0 = unset */
} ex_meta_val;

typedef struct ex_doc {
    /* input */
    const char *url;               /* opts->url, else known->url, or NULL */
    const wc_article_known *known; /* opts->known or NULL */
    bool fragment;                 /* an article's body without a page (wc_extract_fragment) */
    wc_buf utf8;                   /* the page converted to UTF-8, when it needed converting */
    const char *page;              /* the UTF-8 page: utf8.buf, or the caller's bytes if clean */
    size_t page_len;

    /* tree */
    ex_node *nodes;
    uint32_t n_nodes, cap_nodes;
    ex_attr *attrs;
    uint32_t n_attrs, cap_attrs;
    wc_buf text;   /* text of text runs */
    wc_buf abuf;   /* attribute values */
    uint32_t body; /* <body> node or EX_NONE */
    uint32_t html; /* <html> node or EX_NONE */
    wc_buf title;  /* <title> text */
    wc_buf jsonld; /* ld+json scripts, concatenated */
    ex_span *ld;   /* one span per script */
    uint32_t n_ld, cap_ld;
    struct ex_vocab_cache *vocab;
    bool truncated; /* a cap cut the page short */
    wc_status oom;  /* first allocation failure in a SAX callback */

    /* blocks */
    ex_block *blocks;
    uint32_t n_blocks, cap_blocks;
    wc_buf btext; /* block texts */

    /* language */
    int lang;           /* enum wc_lang or WC_LANG_NONE */
    char html_lang[16]; /* <html lang>, primary subtag, lower case */

    /* metadata */
    ex_meta_val meta[M_COUNT];
    char *authors[8]; /* collected author names, deduplicated */
    int author_prio;
    unsigned n_authors;
    char *ld_body;  /* JSON-LD articleBody (malloc'd) or NULL */
    char *base_url; /* <base href> resolved, or NULL */
    uint32_t h1;    /* the headline <h1> chosen as title, or EX_NONE */

    /* choice */
    uint32_t container; /* element holding the article, or EX_NONE */
    double *debug_sum;  /* tests/diagnostics: receives every node's subtree weight */
} ex_doc;

/* Attribute `key` of element n, or NULL (len in *len). */
const char *ex_attr_get(const ex_doc *d, uint32_t n, unsigned key, size_t *len);

/* extract_dom.c */
wc_status ex_dom_parse(ex_doc *d, const char *utf8, size_t len, wc_error *err);

/* extract_blocks.c */
wc_status ex_dom_blocks(ex_doc *d);
/* Append the text of subtree n (spaces collapsed) to out, at most max bytes. */
wc_status ex_dom_text(const ex_doc *d, uint32_t n, wc_buf *out, size_t max);
bool ex_is_ancestor(const ex_doc *d, uint32_t anc, uint32_t n);
/* Lowest common ancestor of nodes a and b. */
uint32_t ex_common_ancestor(const ex_doc *d, uint32_t a, uint32_t b);

/* extract_charset.c: decide the page's encoding; d->page gets it as UTF-8. */
wc_status ex_charset_decode(ex_doc *d, const char *html, size_t len, const char *http_charset,
                            wc_error *err);
/* Charset named by the page itself (BOM, <meta>, <?xml?>), for tests. */
wc_charset ex_charset_sniff(const char *html, size_t len, char *canon, size_t *bom_len);

/* extract_lang.c */
void ex_lang_detect(ex_doc *d);

/* extract_jsonld.c */
void ex_jsonld_read(ex_doc *d);

/* extract_meta.c */
void ex_meta_set(ex_doc *d, unsigned slot, const char *p, size_t len, int prio);
void ex_meta_collect(ex_doc *d);
void ex_meta_finish(ex_doc *d, wc_article *a);
/* A fragment's head from d->known->entry (its <title>, og:site_name, author), before collecting. */
wc_status ex_meta_fragment_head(ex_doc *d);
/* Copy of p[0..len) (at most max bytes), blanks collapsed, entities decoded; NULL if empty. */
char *ex_normalise(const char *p, size_t len, size_t max);
/* Text of element n into out[0..cap) (valid UTF-8, NUL-terminated); its length, 0 on failure. */
size_t ex_node_text(const ex_doc *d, uint32_t n, char *out, size_t cap);
/* url[0..len)'s host without a leading "www.", into *h; its length, 0 when there is none. */
size_t ex_site_host(const char *url, size_t len, const char **h);
/* Resolve ref against the page's base; malloc'd absolute URL or NULL. */
char *ex_resolve_url(const ex_doc *d, const char *ref, size_t len);
/* Normalise title text for comparisons (lower case, alnum only); returns length. */
size_t ex_fold(const char *p, size_t len, char *out, size_t outcap);

/* extract_title.c */
/* Heading candidates for the title: h1s and elements the template calls
   titles (heads); other <h2>/<h3>, which blogs use for the post's headline (subs). */
#define EX_MAX_HEADS 12
#define EX_MAX_SUBS 96

struct ex_title_ctx {
    uint32_t heads[EX_MAX_HEADS];
    unsigned n_heads;
    uint32_t subs[EX_MAX_SUBS];
    unsigned n_subs;
    char *doc_title; /* <title> */
};

/* Choose the headline (M_TITLE) from the candidates; d->h1 gets the heading chosen. */
void ex_title_decide(ex_doc *d, struct ex_title_ctx *tc);

/* extract_author.c */
void ex_meta_add_author(ex_doc *d, const char *p, size_t len, int prio);
/* hCard: element n of class value v[0..l) naming an author ("fn" inside "author"/"vcard"). */
void ex_hcard_author(ex_doc *d, uint32_t n, const char *v, size_t l);
/* Byline lines ("By Jane Doe") as authors, when nothing better named them. */
void ex_byline_authors(ex_doc *d);

/* extract_date.c */
/* Parse a date as pages write it (ISO, RFC 822, "July 4, 2012", "4 July 2012"). */
bool ex_date_parse(const char *p, size_t len, int64_t *out);
/* A date in the path of URL u (/2012/07/24/, /2012-07-24, /20120724/). */
bool ex_url_date(const char *u, int64_t *out);

/* extract_clean.c */
/* Flag blocks that are bylines, datelines, debris phrases, headline copies. */
void ex_clean_flag(ex_doc *d, const char *title);
/* Does p[0..len) look like a byline / dateline / debris line? */
bool ex_is_byline(const char *p, size_t len);
bool ex_is_dateline(const char *p, size_t len);
bool ex_is_debris(const char *p, size_t len);
/* Is p[0..len) a toggle label ("Show full text") whose next sibling is collapsed? */
bool ex_is_toggle(const char *p, size_t len);
/* Does p[0..len) open like a biography of one of the authors? */
bool ex_is_bio(const char *p, size_t len, char *const *authors, unsigned n_authors);
/* Is this block's text a "Comments" heading (start of the comment section)? */
bool ex_is_comments_heading(const char *p, size_t len);
/* Is this block's text the label of a summary box ("Story highlights", "Key points")? */
bool ex_is_summary_label(const char *p, size_t len);

/* extract_score.c, extract_container.c */
/* jusText's length limits, in characters (code points, spaces excluded). */
#define LEN_LOW 60
#define LEN_HIGH 180
/* Stopword share limits, for our short lists (jusText uses 0.30/0.32 with long ones). */
#define STOP_LOW 0.22
#define STOP_HIGH 0.28
/* Teaser items (headline link + summary) that make a page a listing. */
#define LISTING_MIN_ITEMS 3

/* Class bits that damp weight and drop blocks inside the container. */
#define DAMP_BITS                                                                                  \
    (EXC_NAV | EXC_FOOTER | EXC_SIDEBAR | EXC_RELATED | EXC_SHARE | EXC_AD | EXC_PROMO |           \
     EXC_COMMENT | EXC_MODAL | EXC_BIO | EXC_PAGER | EXC_HIDDEN)
#define DROP_BITS                                                                                  \
    (DAMP_BITS | EXC_TAGS | EXC_BYLINE | EXC_CAPTION | EXC_HEADER | EXC_EMBED | EXC_MEDIA)
/* Names that never wrap an article: only a page-wide wrapper escapes them. */
#define HARD_BITS (EXC_COMMENT | EXC_BIO | EXC_FOOTER | EXC_NAV | EXC_MODAL)

/* Share of the block's characters inside links. */
static inline double ex_link_density(const ex_block *b)
{
    return b->chars ? (double)b->link_chars / (double)b->chars : 0.0;
}

/* Stopword share, scaled to the English-calibrated thresholds. */
static inline double ex_stop_density(const ex_doc *d, const ex_block *b)
{
    return b->words ? (double)b->stops / (double)b->words / wc_lang_stop_scale(d->lang) : 0.0;
}

/* A teaser's headline: a few words, mostly link (a timestamp may share the line). */
static inline bool ex_teaser_headline(const ex_block *b)
{
    return b->words >= 3 && b->link_chars * 10 >= b->chars * 6;
}

void ex_score_classify(ex_doc *d);
void ex_score_select(ex_doc *d);
uint32_t ex_container_choose(ex_doc *d, bool ld_matched, double *gm, uint32_t *pe,
                             uint8_t *untrusted);

/* extract_output.c */
wc_status ex_output_build(ex_doc *d, wc_article *a);

#endif
