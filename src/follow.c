/*
 * follow.c - poll feeds, store every new article (see follow.h).
 *
 * One round, all on the caller's thread except what the ingest pipeline
 * runs on its own:
 *
 *   due feeds --fetch--> feed body --parse--> entries not seen before
 *        |                                     |            |
 *        | 304 / error                         | full text  | teaser: fetch the article page
 *        v                                     v            v
 *   [feed state] ............ wc_ingest_add(record)  <--  page body (or, if it cannot be had
 *                                     |                    for good, the feed's own text)
 *                                     v
 *                 writer thread: extract, cluster, store; then, in queue order,
 *                 [entry rows] and [feed state], committed with the documents
 *
 * Items in [brackets] are writes queued with wc_ingest_call(): they run on
 * the ingest's writer thread, inside its transaction, after every record
 * queued before them. That order is the whole durability argument:
 *  - an entry row is queued after the record that stores its article, so
 *    a row in the database means its document is there too;
 *  - a feed's state (ETag, Last-Modified, next due) is queued only once
 *    every new entry it announced has its record and row queued. A run
 *    killed before that commit leaves the old validators, so the next run
 *    gets the feed again (not a 304) and fetches exactly the entries that
 *    have no row. Killed after it: every entry is stored. Either way
 *    nothing is lost and nothing is stored twice (rows are keyed by entry,
 *    and the pipeline itself skips a document it already has).
 *
 * What is new: an entry is identified by its id, else its link (never by
 * its title, which editors rewrite). Both are remembered per feed in an
 * in-memory set of 64-bit hashes loaded from feed_entries at the start
 * (the writer thread owns the store during a run, so the main thread
 * never queries it), and an entry whose id is new but whose link was seen
 * in that feed is not new either (feeds that regenerate their guids).
 * Across feeds, a link already stored is not fetched again: the entry row
 * just points at the stored document, and within a round several feeds
 * announcing one link share one fetch.
 *
 * Teasers: a feed whose entries are mostly short or end in a truncation
 * mark ("...", "[…]", "Read more") is marked fetch_pages = 1 the first
 * time it is seen, and from then on every new entry's page is fetched
 * (WC_FETCH_PAGE: robots.txt honoured). A full-content feed's entry is
 * extracted from the feed itself (the HTML wrapped in a minimal page);
 * only an empty or visibly cut entry of such a feed gets its page.
 *
 * Failures of article pages: passing ones (timeout, 5xx, 429, robots.txt
 * unreachable) leave the entry 'failed'; it is tried again, for
 * retry_window after it was first seen, each time its feed is fetched
 * (that feed is then fetched without conditional headers, or a 304 would
 * hide the entry). Lasting ones (404, robots.txt disallows, not HTML)
 * fall back to the feed's own text for that entry, or 'skipped'.
 *
 * Deliberately not here: parsing (feed.c), HTTP and politeness (fetch.c),
 * the schedule arithmetic (schedule.c), SQL (store_feeds.c).
 */
#define _GNU_SOURCE /* realpath */
#include "wirecopy/follow.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "wirecopy/dump.h"
#include "wirecopy/feed.h"
#include "wirecopy/ingest.h"
#include "wirecopy/store_feeds.h"
#include "wirecopy/url.h"
#include "internal.h"

/* A list file larger than this is refused (WC_FEED_MAX_LIST URLs fit many times over). */
#define LIST_MAX_BYTES ((size_t)16 << 20)
/* Entries looked at when deciding whether a feed carries teasers. */
#define TEASER_SAMPLE 50
/* Text of an entry read when judging it (a longer one is no teaser). */
#define TEASER_SCAN_BYTES ((size_t)256 * 1024)
/* Entry keys longer than this are replaced by a hash of them. */
#define MAX_KEY_BYTES 1024
/* wc_fetcher_step wait; also how often the stop flag and progress are looked at. */
#define STEP_MS 200

/* --- a map of 64-bit keys to 64-bit values (open addressing) ---------------- */

typedef struct u64map {
    uint64_t *keys; /* 0 = empty slot */
    int64_t *vals;
    size_t cap, n; /* cap is a power of two or 0 */
} u64map;

static void map_free(u64map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

static size_t map_slot(const u64map *m, uint64_t k)
{
    size_t i = (size_t)(k * 0x9E3779B97F4A7C15ULL) & (m->cap - 1);

    while (m->keys[i] && m->keys[i] != k)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int64_t *map_get(const u64map *m, uint64_t k)
{
    size_t i;

    if (!m->cap || !k)
        return NULL;
    i = map_slot(m, k);
    return m->keys[i] ? &m->vals[i] : NULL;
}

static wc_status map_put(u64map *m, uint64_t k, int64_t v)
{
    size_t i;

    if (!k)
        return WC_OK;
    if ((m->n + 1) * 2 > m->cap) {
        u64map g = {NULL, NULL, m->cap ? m->cap * 2 : 1024, 0};
        if (!(g.keys = calloc(g.cap, sizeof(*g.keys))) ||
            !(g.vals = malloc(g.cap * sizeof(*g.vals)))) {
            free(g.keys);
            return WC_ERR_NOMEM;
        }
        for (i = 0; i < m->cap; i++) {
            if (m->keys[i]) {
                size_t j = map_slot(&g, m->keys[i]);
                g.keys[j] = m->keys[i];
                g.vals[j] = m->vals[i];
                g.n++;
            }
        }
        map_free(m);
        *m = g;
    }
    i = map_slot(m, k);
    if (!m->keys[i]) {
        m->keys[i] = k;
        m->n++;
    }
    m->vals[i] = v;
    return WC_OK;
}

static void map_clear(u64map *m)
{
    if (m->cap)
        memset(m->keys, 0, m->cap * sizeof(*m->keys));
    m->n = 0;
}

/* Hash of an entry key ('k') or link ('l') within one feed; 0 never comes out. */
static uint64_t entry_hash(int64_t feed_id, char kind, const char *s)
{
    uint64_t h = XXH3_64bits_withSeed(s, strlen(s), (uint64_t)feed_id * 4 + (kind == 'l' ? 1 : 2));
    return h ? h : 1;
}

/* Hash of a (normalised) link across feeds. */
static uint64_t link_hash(const char *link)
{
    uint64_t h = XXH3_64bits(link, strlen(link));
    return h ? h : 1;
}

/* --- state ---------------------------------------------------------------------- */

struct upd;
struct job;

/* One followed feed, as the run knows it (mirrors its row). */
struct feed {
    int64_t id;
    char *url, *title, *etag, *last_modified, *host;
    int64_t next_fetch_at; /* seconds UTC, WC_TIME_NONE: due now */
    int64_t interval;      /* seconds, 0 none */
    unsigned errors;       /* consecutive failures */
    long last_status;      /* -1 never fetched */
    int fetch_pages;       /* -1 undecided, 0, 1 */
    bool retired;
    bool selected; /* polled by this run */
    /* this round */
    bool requested;       /* its request went out */
    bool entries_done;    /* its response was handled: entries queued or announced */
    bool aborted;         /* cancelled: write no state for it */
    bool state_queued;    /* its state write is queued */
    unsigned outstanding; /* new entries whose rows are not queued yet */
    struct upd *upd;      /* its state, written once outstanding is 0 */
};

/* One entry of one feed that a job answers. */
struct ref {
    struct feed *feed;
    int64_t feed_id;
    char *key;       /* entry_key */
    char *link;      /* normalised link, or NULL */
    uint64_t hk, hl; /* its hashes in `seen` (hl 0 without link) */
    struct ref *next;
};

/*
 * One article to store: a page to fetch or an entry's own text. Main
 * thread fields until `queued`; the writer sets doc_id and state.
 */
struct job {
    struct job *next; /* in the round's list */
    struct ref *refs; /* the entries it answers */
    bool page;        /* fetch link */
    bool queued;      /* its record or rows are queued: refs are frozen */
    bool failed;      /* its page failed for a passing reason (main thread) */
    char *link;       /* normalised link or NULL */
    char *fetch_url;  /* the link as the feed wrote it (what is fetched) */
    uint64_t lh;      /* link_hash, 0 without link */
    char *origin;     /* feed URL */
    char *origin_id;  /* entry id when there is no link, else NULL */
    char *title, *author, *site;
    int64_t published;
    int64_t fetched_at; /* when the feed that announced it was fetched */
    int64_t feed_id;
    char *content; /* the entry's own HTML wrapped as a page, or NULL */
    /* written on the writer thread (or by main before any record is queued) */
    int64_t doc_id;    /* stored document, 0 none */
    const char *state; /* "stored", "skipped", "failed" */
};

/* A queued feed-state write. */
struct upd {
    wc_follow *f;
    wc_feed_update u;
    char *new_url;              /* permanent redirect to store first, or NULL */
    char msg[WC_ERROR_MSG_MAX]; /* error text for a move that collided (writer side) */
};

/* A queued entry-row write. */
struct rowcall {
    struct job *job; /* doc_id and state come from here; NULL: use the fields below */
    int64_t feed_id;
    const char *key, *link;
    int64_t doc_id;
    const char *state;
    int64_t now;
};

/* A queued Retry-After deferral of a feed. */
struct defer {
    int64_t id, until;
};

/* Memory of one round: freed together once everything is committed. */
struct blk {
    struct blk *next;
};

/* What a fetch request is for. */
struct req {
    struct feed *feed; /* a feed, or */
    struct job *job;   /* an article page */
};

struct reload;

struct wc_follow {
    wc_store *store;
    wc_follow_opts o;
    wc_ingest *ing; /* started by the first round */
    wc_fetcher *fetcher;
    wc_status fatal; /* first fatal error of the run (store, memory) */
    wc_error fatal_err;

    struct feed *feeds;
    size_t nfeeds;
    bool lists_given; /* poll only the feeds of the lists */
    u64map list_ids;  /* feed ids named by the lists */
    bool loaded;      /* entries and feeds read */

    u64map seen;  /* entry_hash -> 0 done, > 0 failed: retry until then */
    u64map links; /* link_hash -> stored document id */
    u64map retry; /* feed id -> time its failed entries may be retried until */

    /* the round */
    struct blk *blocks; /* round memory */
    struct job *jobs;   /* round jobs */
    u64map pending;     /* link_hash -> job (this round) */
    wc_follow_progress prog;
    int64_t now; /* time the round started */
    wc_follow_stats stats;
};

static void *ralloc(wc_follow *f, size_t size)
{
    struct blk *b = calloc(1, sizeof(struct blk) + size + 15);

    if (!b)
        return NULL;
    b->next = f->blocks;
    f->blocks = b;
    return (char *)b + ((sizeof(struct blk) + 15) & ~(size_t)15);
}

static char *rstrdup(wc_follow *f, const char *s)
{
    size_t n;
    char *p;

    if (!s)
        return NULL;
    n = strlen(s);
    if (!(p = ralloc(f, n + 1)))
        return NULL;
    memcpy(p, s, n + 1);
    return p;
}

static void round_free(wc_follow *f)
{
    struct blk *b, *next;

    for (b = f->blocks; b; b = next) {
        next = b->next;
        free(b);
    }
    f->blocks = NULL;
    f->jobs = NULL;
    map_clear(&f->pending);
}

static void set_fatal(wc_follow *f, wc_status st, const wc_error *e, const char *what)
{
    if (f->fatal)
        return;
    f->fatal = st ? st : WC_ERR_NOMEM;
    if (e && e->msg[0])
        f->fatal_err = *e;
    else
        wc_error_set(&f->fatal_err, f->fatal, "%s: %s", what, wc_strerror(f->fatal));
    f->fatal_err.code = f->fatal;
}

static void problem(wc_follow *f, wc_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(wc_follow *f, wc_status code, const char *fmt, ...)
{
    wc_error e = WC_ERROR_INIT;
    va_list ap;

    if (!f->o.on_problem)
        return;
    va_start(ap, fmt);
    wc_error_setv(&e, code, fmt, ap);
    va_end(ap);
    e.code = code;
    f->o.on_problem(f->o.problem_ctx, &e);
}

static void progress(wc_follow *f)
{
    if (f->o.on_progress)
        f->o.on_progress(f->o.progress_ctx, &f->prog);
}

/* --- options ------------------------------------------------------------------------ */

void wc_follow_opts_init(wc_follow_opts *o)
{
    memset(o, 0, sizeof(*o));
    wc_fetch_opts_init(&o->fetch);
    wc_schedule_policy_init(&o->policy);
    o->teaser_words = WC_FOLLOW_TEASER_WORDS;
    o->max_new = WC_FOLLOW_MAX_NEW;
    o->retry_window = WC_FOLLOW_RETRY_WINDOW;
}

/* --- teasers ---------------------------------------------------------------------------- */

/* Does s end with suffix? */
static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);

    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* Append the text of an HTML fragment to out (tags dropped, a few entities decoded), lower case. */
static void fragment_text(const char *p, size_t len, wc_buf *out, size_t *words)
{
    static const struct {
        const char *name;
        const char *text;
    } ents[] = {{"&hellip;", "\xe2\x80\xa6"},
                {"&#8230;", "\xe2\x80\xa6"},
                {"&#x2026;", "\xe2\x80\xa6"},
                {"&nbsp;", " "},
                {"&#160;", " "},
                {"&amp;", "&"},
                {"&raquo;", "\xc2\xbb"},
                {"&rarr;", "\xe2\x86\x92"},
                {"&#8594;", "\xe2\x86\x92"},
                {"&#187;", "\xc2\xbb"},
                {"&#91;", "["},
                {"&#93;", "]"}};
    size_t i = 0, k;
    bool in_word = false;
    double cjk = 0;

    while (i < len && out->len < TEASER_SCAN_BYTES) {
        unsigned char c = (unsigned char)p[i];
        if (c == '<') {
            const char *gt = memchr(p + i, '>', len - i);
            /* a tag separates words: "<p>a</p><p>b</p>" is two */
            i = gt ? (size_t)(gt - p) + 1 : len;
            if (out->len && out->buf[out->len - 1] != ' ')
                wc_buf_addch(out, ' ');
            in_word = false;
            continue;
        }
        if (c == '&') {
            for (k = 0; k < WC_ARRAY_SIZE(ents); k++) {
                if (wc_mem_istarts(p + i, len - i, ents[k].name)) {
                    wc_buf_addstr(out, ents[k].text);
                    i += strlen(ents[k].name);
                    in_word = ents[k].text[0] != ' ' && in_word;
                    break;
                }
            }
            if (k < WC_ARRAY_SIZE(ents))
                continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            if (out->len && out->buf[out->len - 1] != ' ')
                wc_buf_addch(out, ' ');
            in_word = false;
        } else {
            if (!in_word && (c >= 0x80 || c > ' '))
                (*words)++;
            in_word = true;
            /* ideographic scripts write no spaces: count two characters as a word */
            if (c >= 0xE3 && c <= 0xEF)
                cjk += 0.5;
            wc_buf_addch(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
        }
        i++;
    }
    *words += (size_t)cjk;
}

bool wc_follow_is_teaser(const char *html, size_t len, size_t min_words)
{
    static const char *const end_marks[] = {"...",
                                            "\xe2\x80\xa6",
                                            "[\xe2\x80\xa6]",
                                            "[...]",
                                            "(\xe2\x80\xa6)",
                                            "(...)",
                                            "(more\xe2\x80\xa6)",
                                            "(more...)",
                                            "[more]",
                                            "more \xc2\xbb",
                                            "more \xe2\x86\x92"};
    static const char *const tail_words[] = {"read more",     "continue reading", "keep reading",
                                             "read the rest", "read full",        "full story",
                                             "full article",  "read the full",    "weiterlesen",
                                             "lire la suite", "leer m\xc3\xa1s",  "leggi tutto"};
    wc_buf text = WC_BUF_INIT;
    size_t words = 0, n, k, tail;
    const char *s;
    bool teaser = false;

    if (!html || !len)
        return true;
    fragment_text(html, len, &text, &words);
    s = text.buf;
    n = text.len;
    /* strip what trails a "Read more" link: blanks, arrows, guillemets, closing brackets */
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '>' || s[n - 1] == ':' || s[n - 1] == '-'))
            n--;
        else if (ends_with(s, n, "\xc2\xbb") || ends_with(s, n, "\xe2\x80\xba"))
            n -= 2;
        else if (ends_with(s, n, "\xe2\x86\x92"))
            n -= 3;
        else
            break;
    }
    if (words == 0 || (min_words && words < min_words))
        teaser = true;
    for (k = 0; !teaser && k < WC_ARRAY_SIZE(end_marks); k++)
        teaser = ends_with(s, n, end_marks[k]);
    tail = n > 48 ? n - 48 : 0;
    for (k = 0; !teaser && k < WC_ARRAY_SIZE(tail_words); k++) {
        const char *hit = wc_mem_istr(s + tail, n - tail, tail_words[k]);
        teaser = hit != NULL;
    }
    /* WordPress closes every excerpt with "The post X appeared first on Y." */
    tail = n > 400 ? n - 400 : 0;
    if (!teaser && wc_mem_istr(s + tail, n - tail, "appeared first on"))
        teaser = words < 400;
    wc_buf_release(&text);
    return teaser;
}

static const char *entry_text(const wc_entry *e)
{
    if (e->content && *e->content)
        return e->content;
    if (e->summary && *e->summary)
        return e->summary;
    return NULL;
}

/* 1 when most entries that link to a page are teasers, 0 when not, -1 when none links. */
static int decide_fetch_pages(const wc_follow *f, const wc_feed *doc)
{
    size_t i, linked = 0, teasers = 0;

    for (i = 0; i < doc->n_entries && linked < TEASER_SAMPLE; i++) {
        const wc_entry *e = &doc->entries[i];
        const char *t = entry_text(e);
        if (!e->link || !wc_url_is_http(e->link))
            continue;
        linked++;
        if (wc_follow_is_teaser(t, t ? strlen(t) : 0, f->o.teaser_words))
            teasers++;
    }
    if (!linked)
        return -1;
    return teasers * 2 >= linked ? 1 : 0;
}

/* --- loading ----------------------------------------------------------------------------- */

static void feed_release(struct feed *fd)
{
    free(fd->url);
    free(fd->title);
    free(fd->etag);
    free(fd->last_modified);
    free(fd->host);
}

static void feeds_free(struct feed *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        feed_release(&v[i]);
    free(v);
}

/* Feeds read on the writer thread (rounds after the first) or directly (the first). */
struct reload {
    wc_follow *f;
    struct feed *feeds;
    size_t n;
};

static wc_status set_str(char **dst, const char *src)
{
    free(*dst);
    *dst = NULL;
    if (src && !(*dst = wc_strdup(src)))
        return WC_ERR_NOMEM;
    return WC_OK;
}

static wc_status read_feeds(void *ctx, wc_store *s, wc_error *err)
{
    struct reload *rl = ctx;
    wc_feed_iter *it = NULL;
    wc_feed_row row;
    wc_status st;
    size_t cap = 0;

    if ((st = wc_store_feeds(s, NULL, &it, err)))
        return st;
    while ((st = wc_feed_iter_next(it, &row, err)) == WC_OK) {
        struct feed *fd;
        if (rl->n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            struct feed *v = realloc(rl->feeds, nc * sizeof(*v));
            if (!v) {
                st = wc_error_set(err, WC_ERR_NOMEM, "out of memory reading feeds");
                break;
            }
            rl->feeds = v;
            cap = nc;
        }
        fd = &rl->feeds[rl->n];
        memset(fd, 0, sizeof(*fd));
        rl->n++;
        fd->id = row.id;
        if (set_str(&fd->url, row.url) || set_str(&fd->title, row.title) ||
            set_str(&fd->etag, row.etag) || set_str(&fd->last_modified, row.last_modified)) {
            st = wc_error_set(err, WC_ERR_NOMEM, "out of memory reading feeds");
            break;
        }
        fd->host = row.url ? wc_url_host(row.url) : NULL;
        fd->next_fetch_at = row.next_fetch_at;
        fd->interval = row.interval;
        fd->errors = row.error_count > 0 ? (unsigned)WC_MIN(row.error_count, 1000) : 0;
        fd->last_status = row.last_status;
        fd->fetch_pages = row.fetch_pages;
        fd->retired = row.retired;
    }
    wc_feed_iter_free(it);
    return st == WC_DONE ? WC_OK : st;
}

/* Take freshly read feeds as the run's feeds (main thread, nothing of a round alive). */
static void adopt_feeds(wc_follow *f, struct reload *rl)
{
    size_t i;

    feeds_free(f->feeds, f->nfeeds);
    f->feeds = rl->feeds;
    f->nfeeds = rl->n;
    rl->feeds = NULL;
    rl->n = 0;
    for (i = 0; i < f->nfeeds; i++)
        f->feeds[i].selected = !f->feeds[i].retired &&
                               (!f->lists_given || map_get(&f->list_ids, (uint64_t)f->feeds[i].id));
}

static wc_status load_entry(void *ctx, const wc_feed_entry_row *r)
{
    wc_follow *f = ctx;
    int64_t v = 0;
    int64_t *cur;

    if (r->state && strcmp(r->state, "failed") == 0) {
        v = (r->first_seen > 0 ? r->first_seen : f->now) + f->o.retry_window;
        cur = map_get(&f->retry, (uint64_t)r->feed_id);
        if (!cur || *cur < v)
            if (map_put(&f->retry, (uint64_t)r->feed_id, v))
                return WC_ERR_NOMEM;
    }
    if (map_put(&f->seen, entry_hash(r->feed_id, 'k', r->entry_key), v))
        return WC_ERR_NOMEM;
    if (r->link) {
        if (map_put(&f->seen, entry_hash(r->feed_id, 'l', r->link), v))
            return WC_ERR_NOMEM;
        if (r->doc_id > 0 && map_put(&f->links, link_hash(r->link), r->doc_id))
            return WC_ERR_NOMEM;
    }
    return WC_OK;
}

/* The first round: read feeds and entries before the pipeline owns the store, then start it. */
static wc_status first_load(wc_follow *f, wc_error *err)
{
    struct reload rl = {f, NULL, 0};
    wc_status st;

    if ((st = read_feeds(&rl, f->store, err))) {
        feeds_free(rl.feeds, rl.n);
        return st;
    }
    adopt_feeds(f, &rl);
    st = wc_store_feed_entries(f->store, load_entry, f, err);
    if (st == WC_ERR_NOMEM)
        return wc_error_set(err, st, "out of memory reading feed entries");
    if (st)
        return st;
    f->loaded = true;
    return WC_OK;
}

static void on_result(void *ctx, const wc_ingest_result *r);

static wc_status start_pipeline(wc_follow *f, wc_error *err)
{
    wc_ingest_opts io;

    memset(&io, 0, sizeof(io));
    io.threads = f->o.threads;
    io.on_problem = f->o.on_problem;
    io.problem_ctx = f->o.problem_ctx;
    io.on_result = on_result;
    io.result_ctx = f;
    return wc_ingest_new(&f->ing, f->store, &io, err);
}

/* --- lists --------------------------------------------------------------------------------- */

static wc_status read_all(const char *path, wc_buf *out, wc_error *err)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char chunk[65536];
    size_t n;
    wc_status st = WC_OK;

    if (!fp)
        return wc_error_sys(err, WC_ERR_IO, errno, "cannot open feed list '%s'", path);
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        if (out->len + n > LIST_MAX_BYTES) {
            st = wc_error_set(err, WC_ERR_LIMIT, "feed list '%s' is larger than %zu bytes", path,
                              LIST_MAX_BYTES);
            break;
        }
        if ((st = wc_buf_add(out, chunk, n))) {
            st = wc_error_set(err, st, "out of memory reading feed list '%s'", path);
            break;
        }
    }
    if (!st && ferror(fp))
        st = wc_error_sys(err, WC_ERR_IO, errno, "cannot read feed list '%s'", path);
    if (fp != stdin)
        fclose(fp);
    return st;
}

wc_status wc_follow_add_list(wc_follow *f, const char *path, size_t *n_feeds, wc_error *err)
{
    wc_buf data = WC_BUF_INIT;
    wc_feed_list *list = NULL;
    char *origin = NULL, *url = NULL;
    wc_status st;
    size_t i;
    int64_t id, now = wc_time_now();

    if (n_feeds)
        *n_feeds = 0;
    if (f->ing || f->loaded)
        return wc_error_set(err, WC_ERR_USAGE, "feed lists are read before the first round");
    /* even a list that cannot be read means "these feeds", never "every feed" */
    f->lists_given = true;
    if ((st = read_all(path, &data, err)))
        goto out;
    st = wc_feed_list_parse(data.buf, data.len, NULL, &list, err);
    if (st) {
        char msg[WC_ERROR_MSG_MAX];
        snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
        st = wc_error_set(err, st, "cannot read feed list '%s': %s", path, msg);
        goto out;
    }
    if (strcmp(path, "-") != 0)
        origin = realpath(path, NULL);
    if ((st = wc_store_begin(f->store, err)))
        goto out;
    for (i = 0; i < list->n; i++) {
        free(url);
        if (!(url = wc_url_normalize(list->items[i].url))) {
            st = wc_error_set(err, WC_ERR_NOMEM, "out of memory");
            break;
        }
        if ((st = wc_store_feed_add(f->store, url, list->items[i].title,
                                    origin ? origin : (strcmp(path, "-") ? path : NULL), 0, now,
                                    &id, NULL, err)))
            break;
        if ((st = map_put(&f->list_ids, (uint64_t)id, 1))) {
            st = wc_error_set(err, st, "out of memory");
            break;
        }
    }
    if (st) {
        wc_store_rollback(f->store);
        goto out;
    }
    if ((st = wc_store_commit(f->store, err)))
        goto out;
    if (n_feeds)
        *n_feeds = list->n;
    if (list->skipped)
        problem(f, WC_ERR_PARSE, "%zu line%s of feed list '%s' held no http(s) URL", list->skipped,
                list->skipped == 1 ? "" : "s", path);
out:
    free(url);
    free(origin);
    wc_feed_list_free(list);
    wc_buf_release(&data);
    return st;
}

/* --- writer-side calls --------------------------------------------------------------------------
 */

static void on_result(void *ctx, const wc_ingest_result *r)
{
    struct job *j = r->user;

    (void)ctx;
    if (!j)
        return;
    if (r->status == WC_OK && r->doc_id > 0) {
        j->doc_id = r->doc_id;
        j->state = "stored";
    } else {
        j->doc_id = 0;
        j->state = "skipped";
    }
}

static wc_status write_row(void *ctx, wc_store *s, wc_error *err)
{
    struct rowcall *rc = ctx;
    int64_t doc = rc->job ? rc->job->doc_id : rc->doc_id;
    const char *state = rc->job ? rc->job->state : rc->state;

    return wc_store_feed_entry_put(s, rc->feed_id, rc->key, rc->link, doc,
                                   state ? state : "skipped", rc->now, err);
}

static wc_status write_state(void *ctx, wc_store *s, wc_error *err)
{
    struct upd *u = ctx;
    int64_t taken = 0;
    wc_status st;

    if (u->new_url) {
        if ((st = wc_store_feed_move(s, u->u.id, u->new_url, &taken, err)))
            return st;
        if (taken) {
            snprintf(u->msg, sizeof(u->msg),
                     "moved permanently to '%s', which is followed already (feed %lld): retired",
                     u->new_url, (long long)taken);
            u->u.retire = true;
            u->u.error = u->msg;
            u->u.next_fetch_at = WC_TIME_NONE;
        }
    }
    st = wc_store_feed_update(s, &u->u, err);
    if (st == WC_ERR_NOTFOUND) { /* removed by `feeds remove` meanwhile: nothing to keep */
        wc_error_clear(err);
        return WC_OK;
    }
    return st;
}

static wc_status write_defer(void *ctx, wc_store *s, wc_error *err)
{
    struct defer *d = ctx;

    return wc_store_feed_defer(s, d->id, d->until, err);
}

static bool queue_call(wc_follow *f, wc_ingest_call_fn fn, void *ctx)
{
    wc_error e = WC_ERROR_INIT;
    wc_status st;

    if (f->fatal)
        return false;
    if ((st = wc_ingest_call(f->ing, fn, ctx, &e))) {
        set_fatal(f, st, &e, "queueing a write");
        return false;
    }
    return true;
}

/* --- rounds: feeds -------------------------------------------------------------------------- */

/* Queue a feed's state once all its entries are queued. */
static void maybe_queue_state(wc_follow *f, struct feed *fd)
{
    if (fd->aborted || fd->state_queued || !fd->entries_done || fd->outstanding || !fd->upd)
        return;
    fd->state_queued = true;
    queue_call(f, write_state, fd->upd);
}

/* Queue rows for every entry a job answers, then the states they completed. */
static void job_queued(wc_follow *f, struct job *j)
{
    struct ref *r;

    j->queued = true;
    for (r = j->refs; r; r = r->next) {
        struct rowcall *rc = ralloc(f, sizeof(*rc));
        if (!rc) {
            set_fatal(f, WC_ERR_NOMEM, NULL, "queueing an entry");
            return;
        }
        rc->job = j;
        rc->feed_id = r->feed_id;
        rc->key = r->key;
        rc->link = r->link;
        rc->now = f->now;
        queue_call(f, write_row, rc);
        if (r->feed->outstanding)
            r->feed->outstanding--;
        maybe_queue_state(f, r->feed);
    }
}

/* The charset parameter of a Content-Type, copied into out ("" when none). */
static void content_charset(const char *ct, char *out, size_t outlen)
{
    const char *p = ct ? wc_mem_istr(ct, strlen(ct), "charset=") : NULL;
    size_t n = 0;

    out[0] = '\0';
    if (!p)
        return;
    p += 8;
    if (*p == '"' || *p == '\'')
        p++;
    while (p[n] && p[n] != ';' && p[n] != '"' && p[n] != '\'' && p[n] != ' ' && n + 1 < outlen)
        n++;
    memcpy(out, p, n);
    out[n] = '\0';
}

/* Hand an article to the pipeline: the page's body, else the entry's own text. */
static void queue_record(wc_follow *f, struct job *j, const wc_response *page)
{
    wc_record rec;
    wc_ingest_extra ex;
    wc_error e = WC_ERROR_INIT;
    wc_status st;
    char charset[64];

    memset(&rec, 0, sizeof(rec));
    rec.origin = j->origin;
    rec.origin_id = j->origin_id;
    rec.is_html = true;
    if (page) {
        rec.source = WC_SOURCE_PAGE;
        rec.url = page->final_url;
        rec.published_at = WC_TIME_NONE; /* the page's own date first, the feed's as fallback */
        rec.fetched_at = page->fetched_at;
        rec.content_type = page->content_type;
        content_charset(page->content_type, charset, sizeof(charset));
        rec.charset = charset[0] ? charset : NULL;
        rec.body = page->body;
        rec.len = page->body_len;
    } else {
        rec.source = WC_SOURCE_FEED;
        rec.url = j->link ? j->fetch_url : NULL;
        rec.published_at = j->published;
        rec.fetched_at = j->fetched_at;
        rec.charset = "utf-8";
        rec.body = j->content;
        rec.len = strlen(j->content);
    }
    ex.feed_id = j->feed_id;
    ex.title = j->title;
    ex.author = j->author;
    ex.published_at = j->published;
    ex.site = j->site;
    if ((st = wc_ingest_add(f->ing, &rec, &ex, j, &e))) {
        set_fatal(f, st, &e, "queueing an article");
        return;
    }
    f->prog.articles++;
    job_queued(f, j);
}

/* Append s to b with the characters that matter in HTML text and attributes escaped. */
static void add_escaped(wc_buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '<')
            wc_buf_addstr(b, "&lt;");
        else if (*s == '>')
            wc_buf_addstr(b, "&gt;");
        else if (*s == '&')
            wc_buf_addstr(b, "&amp;");
        else if (*s == '"')
            wc_buf_addstr(b, "&quot;");
        else
            wc_buf_addch(b, *s);
    }
}

/*
 * An entry's text wrapped as a small page, so the extractor reads it like
 * any article, with the feed's metadata where a page keeps it (the site
 * name in og:site_name, the author in a meta tag).
 */
static char *wrap_content(wc_follow *f, const wc_entry *e, const char *site)
{
    const char *t = entry_text(e);
    wc_buf b = WC_BUF_INIT;
    char *out;

    if (!t)
        return NULL;
    wc_buf_addstr(&b, "<!doctype html><html><head><meta charset=\"utf-8\"><title>");
    add_escaped(&b, e->title);
    wc_buf_addstr(&b, "</title>");
    if (site && *site) {
        wc_buf_addstr(&b, "<meta property=\"og:site_name\" content=\"");
        add_escaped(&b, site);
        wc_buf_addstr(&b, "\">");
    }
    if (e->author && *e->author) {
        wc_buf_addstr(&b, "<meta name=\"author\" content=\"");
        add_escaped(&b, e->author);
        wc_buf_addstr(&b, "\">");
    }
    wc_buf_addstr(&b, "</head><body><article>");
    wc_buf_addstr(&b, t);
    if (wc_buf_addstr(&b, "</article></body></html>")) {
        wc_buf_release(&b);
        return NULL;
    }
    out = rstrdup(f, b.buf);
    wc_buf_release(&b);
    return out;
}

/* The identity of an entry in its feed: its id, else its link, else a hash of its text. */
static char *entry_key(wc_follow *f, const wc_entry *e, const char *link)
{
    const char *k = e->id && *e->id ? e->id : link;
    char buf[48];

    if (k && strlen(k) <= MAX_KEY_BYTES)
        return rstrdup(f, k);
    if (k) {
        snprintf(buf, sizeof(buf), "hash:%016llx", (unsigned long long)XXH3_64bits(k, strlen(k)));
    } else {
        XXH3_state_t *h = XXH3_createState();
        const char *parts[3] = {e->title, e->summary, e->content};
        if (!h)
            return NULL;
        XXH3_64bits_reset(h);
        for (int i = 0; i < 3; i++)
            if (parts[i])
                XXH3_64bits_update(h, parts[i], strlen(parts[i]) + 1);
        snprintf(buf, sizeof(buf), "text:%016llx", (unsigned long long)XXH3_64bits_digest(h));
        XXH3_freeState(h);
    }
    return rstrdup(f, buf);
}

enum seen_state { ENTRY_NEW, ENTRY_SEEN, ENTRY_RETRY };

static enum seen_state seen_state(const wc_follow *f, uint64_t hk, uint64_t hl)
{
    const int64_t *vk = map_get(&f->seen, hk), *vl = hl ? map_get(&f->seen, hl) : NULL;

    if (!vk && !vl)
        return ENTRY_NEW;
    if ((vk && *vk == 0) || (vl && *vl == 0))
        return ENTRY_SEEN;
    if ((vk && *vk > f->now) || (vl && *vl > f->now))
        return ENTRY_RETRY;
    return ENTRY_SEEN; /* failed, and its retry window is over */
}

/* An entry whose page failed for a passing reason: new again until its retry window ends. */
static void mark_retry(wc_follow *f, const struct ref *rf)
{
    int64_t *v = map_get(&f->seen, rf->hk), until = f->now + f->o.retry_window, *cur;

    if (v && *v > 0)
        until = *v; /* a retry that failed again: the window runs from the first try */
    cur = map_get(&f->retry, (uint64_t)rf->feed_id);
    if (map_put(&f->seen, rf->hk, until) || map_put(&f->seen, rf->hl, until) ||
        ((!cur || *cur < until) && map_put(&f->retry, (uint64_t)rf->feed_id, until)))
        set_fatal(f, WC_ERR_NOMEM, NULL, "remembering a failed page");
}

static bool add_page_request(wc_follow *f, struct job *j)
{
    struct req *rq = ralloc(f, sizeof(*rq));
    wc_fetch_req fr;
    wc_error e = WC_ERROR_INIT;
    wc_status st;

    if (!rq) {
        set_fatal(f, WC_ERR_NOMEM, NULL, "queueing a page");
        return false;
    }
    rq->job = j;
    memset(&fr, 0, sizeof(fr));
    fr.url = j->fetch_url;
    fr.kind = WC_FETCH_PAGE;
    fr.user = rq;
    if ((st = wc_fetcher_add(f->fetcher, &fr, &e))) {
        set_fatal(f, st, &e, "queueing a page");
        return false;
    }
    f->prog.pages_total++;
    return true;
}

/* One new (or retried) entry of feed fd. */
static void take_entry(wc_follow *f, struct feed *fd, const wc_feed *doc, const wc_entry *e,
                       int64_t fetched_at)
{
    char *link = NULL, *key;
    uint64_t hk, hl = 0, lh = 0;
    struct ref *r;
    struct job *j;
    const char *t;
    int64_t *doc_id;
    bool http = e->link && wc_url_is_http(e->link), needs_page;

    if (http) {
        char *norm = wc_url_normalize(e->link);
        link = rstrdup(f, norm);
        free(norm);
        if (!link) {
            set_fatal(f, WC_ERR_NOMEM, NULL, "reading an entry");
            return;
        }
    }
    if (!(key = entry_key(f, e, link ? link : e->link))) {
        set_fatal(f, WC_ERR_NOMEM, NULL, "reading an entry");
        return;
    }
    hk = entry_hash(fd->id, 'k', key);
    if (link)
        hl = entry_hash(fd->id, 'l', link);
    if (seen_state(f, hk, hl) == ENTRY_SEEN)
        return;
    f->stats.entries_new++;
    if (map_put(&f->seen, hk, 0) || map_put(&f->seen, hl, 0) || !(r = ralloc(f, sizeof(*r)))) {
        set_fatal(f, WC_ERR_NOMEM, NULL, "reading an entry");
        return;
    }
    r->feed = fd;
    r->feed_id = fd->id;
    r->key = key;
    r->link = link;
    r->hk = hk;
    r->hl = hl;

    if (link) {
        lh = link_hash(link);
        /* stored before, from this feed or another: point at that document */
        if ((doc_id = map_get(&f->links, lh)) && *doc_id > 0) {
            struct rowcall *rc = ralloc(f, sizeof(*rc));
            if (!rc) {
                set_fatal(f, WC_ERR_NOMEM, NULL, "reading an entry");
                return;
            }
            rc->feed_id = fd->id;
            rc->key = key;
            rc->link = link;
            rc->doc_id = *doc_id;
            rc->state = "stored";
            rc->now = f->now;
            f->stats.already++;
            queue_call(f, write_row, rc);
            return;
        }
        /* announced by another feed this round: share its fetch */
        if ((doc_id = map_get(&f->pending, lh))) {
            j = (struct job *)(intptr_t)*doc_id;
            if (!j->queued) {
                r->next = j->refs;
                j->refs = r;
                fd->outstanding++;
            } else {
                struct rowcall *rc = ralloc(f, sizeof(*rc));
                if (!rc) {
                    set_fatal(f, WC_ERR_NOMEM, NULL, "reading an entry");
                    return;
                }
                rc->job = j;
                rc->feed_id = fd->id;
                rc->key = key;
                rc->link = link;
                rc->now = f->now;
                queue_call(f, write_row, rc);
                /* the shared page failed: this entry waits to be retried like the others */
                if (j->failed)
                    mark_retry(f, r);
            }
            return;
        }
    }

    if (!(j = ralloc(f, sizeof(*j)))) {
        set_fatal(f, WC_ERR_NOMEM, NULL, "reading an entry");
        return;
    }
    j->refs = r;
    j->link = link;
    j->fetch_url = http ? rstrdup(f, e->link) : NULL;
    j->lh = lh;
    j->origin = rstrdup(f, fd->url);
    j->origin_id = link ? NULL : rstrdup(f, e->id);
    j->title = rstrdup(f, e->title);
    j->author = rstrdup(f, e->author);
    j->site = rstrdup(f, doc->title ? doc->title : fd->title);
    j->published = e->published != WC_FEED_NO_TIME ? e->published : e->updated;
    if (j->published == WC_FEED_NO_TIME)
        j->published = WC_TIME_NONE;
    j->fetched_at = fetched_at;
    j->feed_id = fd->id;
    j->content = wrap_content(f, e, j->site);
    j->next = f->jobs;
    f->jobs = j;
    fd->outstanding++;
    if (lh && map_put(&f->pending, lh, (int64_t)(intptr_t)j)) {
        set_fatal(f, WC_ERR_NOMEM, NULL, "reading an entry");
        return;
    }

    t = entry_text(e);
    if (fd->fetch_pages == 1)
        needs_page = http;
    else /* a full-content feed: only an empty or visibly cut entry needs its page */
        needs_page = http && wc_follow_is_teaser(t, t ? strlen(t) : 0, 1);
    if (needs_page) {
        j->page = true;
        add_page_request(f, j);
    } else if (j->content) {
        queue_record(f, j, NULL);
    } else {
        j->state = "skipped";
        job_queued(f, j);
    }
}

static struct feed *feed_by_url(wc_follow *f, const char *url, const struct feed * not )
{
    size_t i;

    for (i = 0; i < f->nfeeds; i++)
        if (&f->feeds[i] != not &&f->feeds[i].url && strcmp(f->feeds[i].url, url) == 0)
            return &f->feeds[i];
    return NULL;
}

static int cmp_entry_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;

    return (x < y) - (x > y); /* descending: oldest (last in the document) first */
}

/* A 200: parse, take the new entries, prepare the state. Returns the schedule outcome. */
static wc_schedule_outcome feed_body(wc_follow *f, struct feed *fd, wc_response *r, struct upd *u,
                                     wc_schedule_input *in)
{
    wc_feed_input fin;
    wc_feed *doc = NULL;
    wc_error e = WC_ERROR_INIT;
    wc_status st;
    size_t i, n_new = 0, *pick = NULL;
    int64_t *times = NULL;
    bool capped = false;

    memset(&fin, 0, sizeof(fin));
    fin.data = r->body;
    fin.len = r->body_len;
    fin.url = r->final_url;
    fin.content_type = r->content_type;
    fin.content_location = r->content_location;
    st = wc_feed_parse(&fin, &doc, &e);
    if (st) {
        const char *hint = wc_feed_sniff(r->body, r->body_len) == WC_FEED_UNKNOWN &&
                                   wc_mem_istr(r->body, WC_MIN(r->body_len, 4096), "<html")
                               ? " (an HTML page: `wirecopy feeds add URL` finds the feed it "
                                 "links to)"
                               : "";
        snprintf(u->msg, sizeof(u->msg), "not a feed: %s%s", e.msg[0] ? e.msg : wc_strerror(st),
                 hint);
        u->u.error = u->msg;
        problem(f, WC_ERR_PARSE, "feed '%s': %s", fd->url, u->msg);
        return WC_SCHED_FAILED;
    }
    f->stats.feeds_fetched++;
    u->u.title = rstrdup(f, doc->title);
    u->u.site_url = rstrdup(f, doc->link);
    if (doc->ttl > 0)
        in->ttl = (int64_t)doc->ttl * 60;
    if (doc->bozo) {
        f->stats.feeds_malformed++;
        snprintf(u->msg, sizeof(u->msg), "malformed feed, %zu entr%s recovered: %s", doc->n_entries,
                 doc->n_entries == 1 ? "y" : "ies",
                 doc->bozo_msg ? doc->bozo_msg : "not well-formed");
        u->u.error = u->msg;
        problem(f, WC_ERR_PARSE, "feed '%s': %s", fd->url, u->msg);
    }
    if (fd->fetch_pages < 0) {
        fd->fetch_pages = decide_fetch_pages(f, doc);
        u->u.fetch_pages = fd->fetch_pages;
    }

    /* the schedule learns from every entry's time, new or not */
    if (doc->n_entries && (times = malloc(doc->n_entries * sizeof(*times)))) {
        for (i = 0; i < doc->n_entries; i++)
            times[i] = doc->entries[i].published != WC_FEED_NO_TIME ? doc->entries[i].published
                                                                    : doc->entries[i].updated;
        in->learned = wc_schedule_learn(&f->o.policy, times, doc->n_entries, f->now);
        free(times);
    }

    /*
     * Which entries are new: in document order (feeds put the newest
     * first) up to max_new, then taken oldest first so document ids run
     * in publishing order.
     */
    if (doc->n_entries && !(pick = malloc(doc->n_entries * sizeof(*pick)))) {
        set_fatal(f, WC_ERR_NOMEM, NULL, "reading a feed");
        wc_feed_free(doc);
        return WC_SCHED_FAILED;
    }
    for (i = 0; i < doc->n_entries; i++) {
        const wc_entry *en = &doc->entries[i];
        char *norm = NULL;
        uint64_t hk, hl = 0;
        const char *k = en->id && *en->id ? en->id : NULL;
        /* a cheap look first: most entries of a feed were seen before */
        if (en->link && wc_url_is_http(en->link) && (norm = wc_url_normalize(en->link)))
            hl = entry_hash(fd->id, 'l', norm);
        if (!k)
            k = norm ? norm : en->link;
        hk = k && strlen(k) <= MAX_KEY_BYTES ? entry_hash(fd->id, 'k', k) : 0;
        free(norm);
        if (hk && seen_state(f, hk, hl) == ENTRY_SEEN)
            continue;
        if (!hk && hl && seen_state(f, 0, hl) == ENTRY_SEEN)
            continue;
        if (n_new == f->o.max_new) {
            capped = true;
            break;
        }
        pick[n_new++] = i;
    }
    qsort(pick, n_new, sizeof(*pick), cmp_entry_index);
    for (i = 0; i < n_new && !f->fatal; i++)
        take_entry(f, fd, doc, &doc->entries[pick[i]], r->fetched_at);
    free(pick);
    if (capped) {
        /* no validators: the next fetch gets the whole feed and takes the next batch */
        u->u.etag = u->u.last_modified = NULL;
        problem(f, WC_ERR_LIMIT,
                "feed '%s': more than %zu new entries; the %zu newest were taken, the rest "
                "come with the next fetch",
                fd->url, f->o.max_new, f->o.max_new);
    }
    wc_feed_free(doc);
    return WC_SCHED_UPDATED;
}

/* Move other feeds of a host that asked for a pause past its Retry-After. */
static void defer_host(wc_follow *f, struct feed *fd, int64_t until)
{
    size_t i;

    if (!fd->host)
        return;
    for (i = 0; i < f->nfeeds; i++) {
        struct feed *g = &f->feeds[i];
        struct defer *d;
        if (g == fd || g->requested || g->retired || !g->host || strcmp(g->host, fd->host))
            continue;
        if (g->next_fetch_at != WC_TIME_NONE && g->next_fetch_at >= until)
            continue;
        g->next_fetch_at = until;
        if (!(d = ralloc(f, sizeof(*d)))) {
            set_fatal(f, WC_ERR_NOMEM, NULL, "deferring a feed");
            return;
        }
        d->id = g->id;
        d->until = until;
        queue_call(f, write_defer, d);
    }
}

static void on_feed(wc_follow *f, struct feed *fd, wc_response *r)
{
    struct upd *u;
    wc_schedule_input in = WC_SCHEDULE_INPUT_INIT;
    wc_schedule sch;
    bool retire = false;
    char tbuf[32];

    f->prog.feeds_done++;
    if (r->result == WC_FETCH_CANCELLED || f->fatal) {
        fd->aborted = true;
        return;
    }
    if (!(u = ralloc(f, sizeof(*u)))) {
        set_fatal(f, WC_ERR_NOMEM, NULL, "handling a feed");
        fd->aborted = true;
        return;
    }
    u->f = f;
    u->u.id = fd->id;
    u->u.fetch_pages = -1;
    u->u.fetched_at = f->now;
    u->u.success_at = WC_TIME_NONE;
    u->u.status = r->http_status;
    u->u.etag = fd->etag;
    u->u.last_modified = fd->last_modified;
    in.now = f->now;
    in.interval = fd->interval;
    in.max_age = r->max_age;
    in.retry_after = r->retry_after;
    in.errors = fd->errors;

    if (r->moved_to && strcmp(r->moved_to, fd->url) != 0) {
        struct feed *other = feed_by_url(f, r->moved_to, fd);
        if (other) {
            snprintf(u->msg, sizeof(u->msg),
                     "moved permanently to '%s', which is followed already (feed %lld): retired",
                     r->moved_to, (long long)other->id);
            problem(f, WC_ERR_HTTP, "feed '%s' %s", fd->url, u->msg);
            u->u.error = u->msg;
            u->u.retire = true;
            u->u.next_fetch_at = WC_TIME_NONE;
            fd->retired = true;
            f->stats.feeds_retired++;
            fd->entries_done = true;
            fd->upd = u;
            maybe_queue_state(f, fd);
            return;
        }
        u->new_url = rstrdup(f, r->moved_to);
        problem(f, WC_OK, "feed '%s' moved permanently to '%s'", fd->url, r->moved_to);
        f->stats.feeds_moved++;
        set_str(&fd->url, r->moved_to);
        free(fd->host);
        fd->host = wc_url_host(fd->url);
    }

    switch (r->result) {
    case WC_FETCH_OK:
        u->u.etag = rstrdup(f, r->etag);
        u->u.last_modified = rstrdup(f, r->last_modified);
        u->u.success_at = f->now;
        in.outcome = feed_body(f, fd, r, u, &in);
        if (in.outcome == WC_SCHED_FAILED)
            f->stats.feeds_failed++;
        break;
    case WC_FETCH_NOT_MODIFIED:
        f->stats.feeds_not_modified++;
        if (r->etag)
            u->u.etag = rstrdup(f, r->etag);
        if (r->last_modified)
            u->u.last_modified = rstrdup(f, r->last_modified);
        u->u.success_at = f->now;
        in.outcome = WC_SCHED_NOT_MODIFIED;
        break;
    case WC_FETCH_HTTP_ERROR:
        snprintf(u->msg, sizeof(u->msg), "%s", r->err.msg);
        u->u.error = u->msg;
        if (r->http_status == 410) {
            retire = true;
            snprintf(u->msg, sizeof(u->msg),
                     "%.400s: the feed is gone, retired (re-add it "
                     "with `wirecopy feeds add`)",
                     r->err.msg);
            break;
        }
        f->stats.feeds_failed++;
        in.outcome =
            r->http_status == 429 || r->http_status == 503 ? WC_SCHED_THROTTLED : WC_SCHED_FAILED;
        break;
    default:
        f->stats.feeds_failed++;
        snprintf(u->msg, sizeof(u->msg), "%s",
                 r->err.msg[0] ? r->err.msg : wc_fetch_result_name(r->result));
        u->u.error = u->msg;
        in.outcome = WC_SCHED_FAILED;
        break;
    }

    if (retire) {
        f->stats.feeds_retired++;
        u->u.retire = true;
        u->u.next_fetch_at = WC_TIME_NONE;
        u->u.error_count = fd->errors + 1;
        u->u.interval = fd->interval;
        fd->retired = true;
        problem(f, WC_ERR_HTTP, "feed '%s': %s", fd->url, u->msg);
    } else {
        wc_schedule_next(&f->o.policy, &in, &sch);
        u->u.next_fetch_at = sch.next_at;
        u->u.interval = sch.interval;
        u->u.error_count = sch.errors;
        fd->next_fetch_at = sch.next_at;
        fd->interval = sch.interval;
        fd->errors = sch.errors;
        if (in.outcome == WC_SCHED_FAILED || in.outcome == WC_SCHED_THROTTLED) {
            wc_time_format(sch.next_at, tbuf, sizeof(tbuf));
            /* a parse failure was reported with its own words already */
            if (!(r->result == WC_FETCH_OK))
                problem(f, r->err.code ? r->err.code : WC_ERR_NET,
                        "feed '%s': %s (failure %u in a row; next try %s, %s)", fd->url, u->msg,
                        sch.errors, tbuf, wc_schedule_reason_name(sch.reason));
        }
        if (in.outcome == WC_SCHED_THROTTLED && r->retry_after > 0)
            defer_host(f, fd, sch.next_at);
    }
    fd->last_status = r->http_status;
    if (r->result == WC_FETCH_OK || r->result == WC_FETCH_NOT_MODIFIED) {
        set_str(&fd->etag, u->u.etag);
        set_str(&fd->last_modified, u->u.last_modified);
    }
    fd->entries_done = true;
    fd->upd = u;
    maybe_queue_state(f, fd);
}

/* --- rounds: pages -----------------------------------------------------------------------------
 */

/* Will a later fetch of this page likely work? */
static bool passing_failure(const wc_response *r)
{
    switch (r->result) {
    case WC_FETCH_TIMEOUT:
    case WC_FETCH_NET_ERROR:
        return true;
    case WC_FETCH_DISALLOWED:
        return r->err.code == WC_ERR_NET; /* robots.txt could not be read (5xx, network) */
    case WC_FETCH_HTTP_ERROR:
        return r->http_status == 408 || r->http_status == 429 || r->http_status >= 500;
    default:
        return false;
    }
}

static bool looks_like_html(const char *ct)
{
    if (!ct || !*ct)
        return true;
    return wc_mem_istr(ct, strlen(ct), "html") || wc_mem_istr(ct, strlen(ct), "xml") ||
           wc_mem_istarts(ct, strlen(ct), "text/plain");
}

static void on_page(wc_follow *f, struct job *j, wc_response *r)
{
    struct ref *rf;

    f->prog.pages_done++;
    if (r->result == WC_FETCH_CANCELLED || f->fatal) {
        for (rf = j->refs; rf; rf = rf->next)
            rf->feed->aborted = true;
        return;
    }
    if (r->result == WC_FETCH_OK && looks_like_html(r->content_type)) {
        f->stats.pages_fetched++;
        queue_record(f, j, r);
        return;
    }
    if (r->result == WC_FETCH_DISALLOWED && r->err.code != WC_ERR_NET)
        f->stats.pages_disallowed++;
    else
        f->stats.pages_failed++;
    if (r->result == WC_FETCH_OK) {
        problem(f, WC_ERR_UNSUPPORTED, "article page '%s' is not HTML (%s)", r->final_url,
                r->content_type);
    } else if (passing_failure(r)) {
        problem(f, r->err.code ? r->err.code : WC_ERR_NET,
                "article page of feed '%s': %s (tried again with the feed for a while)", j->origin,
                r->err.msg);
        j->state = "failed";
        j->failed = true;
        for (rf = j->refs; rf; rf = rf->next)
            mark_retry(f, rf);
        job_queued(f, j);
        return;
    } else {
        problem(f, r->err.code ? r->err.code : WC_ERR_NET, "article page of feed '%s': %s%s",
                j->origin, r->err.msg,
                j->content ? " (the feed's own text is stored instead)" : "");
    }
    if (j->content) {
        queue_record(f, j, NULL);
    } else {
        j->state = "skipped";
        job_queued(f, j);
    }
}

static void on_done(void *ctx, wc_response *r)
{
    wc_follow *f = ctx;
    struct req *rq = r->user;

    if (rq->feed)
        on_feed(f, rq->feed, r);
    else
        on_page(f, rq->job, r);
    progress(f);
}

/* --- rounds
 * ---------------------------------------------------------------------------------------- */

wc_status wc_follow_new(wc_follow **out, wc_store *store, const wc_follow_opts *opts, wc_error *err)
{
    wc_follow *f;
    wc_status st;

    *out = NULL;
    if (!(f = calloc(1, sizeof(*f))))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory");
    f->store = store;
    if (opts)
        f->o = *opts;
    else
        wc_follow_opts_init(&f->o);
    if (!f->o.teaser_words)
        f->o.teaser_words = WC_FOLLOW_TEASER_WORDS;
    if (!f->o.max_new)
        f->o.max_new = WC_FOLLOW_MAX_NEW;
    if (f->o.retry_window <= 0)
        f->o.retry_window = WC_FOLLOW_RETRY_WINDOW;
    if ((st = wc_fetcher_new(&f->o.fetch, on_done, f, &f->fetcher, err))) {
        free(f);
        return st;
    }
    f->now = wc_time_now();
    *out = f;
    return WC_OK;
}

/* Is fd due now? */
static bool is_due(const wc_follow *f, const struct feed *fd)
{
    if (!fd->selected || fd->retired || !fd->url)
        return false;
    if (fd->next_fetch_at == WC_TIME_NONE || fd->next_fetch_at <= f->now)
        return true;
    /* --now: everything, except a server's explicit request to wait */
    return f->o.all_now && fd->last_status != 429 && fd->last_status != 503;
}

static void add_stats(wc_follow_stats *into, const wc_ingest_stats *a, const wc_ingest_stats *b)
{
    into->articles_new += b->stored - a->stored;
    into->copies += (b->exact - a->exact) + (b->near - a->near);
    into->already += b->already - a->already;
    into->skipped += b->skipped - a->skipped;
    into->errors += b->errors - a->errors;
}

wc_status wc_follow_round(wc_follow *f, wc_error *err)
{
    wc_ingest_stats before, after;
    wc_error e = WC_ERROR_INIT;
    wc_status st = WC_OK;
    struct job *j;
    size_t i;
    bool stopped = false;

    if (f->fatal) {
        if (err)
            *err = f->fatal_err;
        return f->fatal;
    }
    f->now = wc_time_now();
    if (!f->ing) {
        if ((st = first_load(f, err)) || (st = start_pipeline(f, err)))
            return st;
    } else {
        struct reload rl = {f, NULL, 0};
        if ((st = wc_ingest_call(f->ing, read_feeds, &rl, err)) ||
            (st = wc_ingest_flush(f->ing, err))) {
            feeds_free(rl.feeds, rl.n);
            set_fatal(f, st, err, "reading feeds");
            return st;
        }
        adopt_feeds(f, &rl);
    }
    f->now = wc_time_now();
    memset(&f->prog, 0, sizeof(f->prog));
    wc_ingest_get_stats(f->ing, &before);

    for (i = 0; i < f->nfeeds; i++) {
        struct feed *fd = &f->feeds[i];
        struct req *rq;
        wc_fetch_req fr;
        const int64_t *retry;
        bool retrying;

        fd->requested = fd->entries_done = fd->aborted = fd->state_queued = false;
        fd->outstanding = 0;
        fd->upd = NULL;
        if (!is_due(f, fd))
            continue;
        if (!(rq = ralloc(f, sizeof(*rq)))) {
            set_fatal(f, WC_ERR_NOMEM, NULL, "queueing feeds");
            break;
        }
        rq->feed = fd;
        retry = map_get(&f->retry, (uint64_t)fd->id);
        retrying = retry && *retry > f->now;
        memset(&fr, 0, sizeof(fr));
        fr.url = fd->url;
        fr.kind = WC_FETCH_FEED;
        /* entries to try again: a 304 would hide them, so ask for the whole feed */
        fr.etag = retrying ? NULL : fd->etag;
        fr.last_modified = retrying ? NULL : fd->last_modified;
        fr.user = rq;
        if ((st = wc_fetcher_add(f->fetcher, &fr, &e))) {
            set_fatal(f, st, &e, "queueing feeds");
            break;
        }
        fd->requested = true;
        f->stats.feeds_due++;
        f->prog.feeds_total++;
    }
    progress(f);

    while (wc_fetcher_pending(f->fetcher) > 0) {
        if (f->fatal || (f->o.stop && *f->o.stop)) {
            stopped = !f->fatal;
            wc_fetcher_cancel(f->fetcher); /* answers the rest as cancelled */
            break;
        }
        if ((st = wc_fetcher_step(f->fetcher, STEP_MS, &e))) {
            set_fatal(f, st, &e, "fetching");
            wc_fetcher_cancel(f->fetcher);
            break;
        }
        progress(f);
    }
    /* what was fetched is queued: commit it */
    if ((st = wc_ingest_flush(f->ing, &e)))
        set_fatal(f, st, &e, "storing");
    wc_ingest_get_stats(f->ing, &after);
    add_stats(&f->stats, &before, &after);

    /* documents stored this round join the links map: no feed fetches them again */
    for (j = f->jobs; j; j = j->next)
        if (j->lh && j->doc_id > 0 && map_put(&f->links, j->lh, j->doc_id))
            set_fatal(f, WC_ERR_NOMEM, NULL, "remembering links");
    round_free(f);
    if (f->fatal) {
        if (err)
            *err = f->fatal_err;
        return f->fatal;
    }
    if (stopped || (f->o.stop && *f->o.stop))
        return wc_error_set(err, WC_ERR_INTERRUPTED, "interrupted");
    return WC_OK;
}

int64_t wc_follow_next_due(const wc_follow *f)
{
    int64_t next = INT64_MAX;
    size_t i;

    for (i = 0; i < f->nfeeds; i++) {
        const struct feed *fd = &f->feeds[i];
        if (!fd->selected || fd->retired)
            continue;
        if (fd->next_fetch_at == WC_TIME_NONE)
            return f->now;
        if (fd->next_fetch_at < next)
            next = fd->next_fetch_at;
    }
    return next;
}

void wc_follow_feed_count(const wc_follow *f, size_t *total, size_t *active)
{
    size_t i, n = 0, a = 0;

    for (i = 0; i < f->nfeeds; i++) {
        if (!f->feeds[i].selected &&
            !(f->feeds[i].retired &&
              (!f->lists_given || map_get(&f->list_ids, (uint64_t)f->feeds[i].id))))
            continue;
        n++;
        if (!f->feeds[i].retired)
            a++;
    }
    if (total)
        *total = n;
    if (active)
        *active = a;
}

void wc_follow_get_stats(const wc_follow *f, wc_follow_stats *out)
{
    *out = f->stats;
}

wc_status wc_follow_finish(wc_follow *f, wc_error *err)
{
    wc_status st = WC_OK;

    if (f->ing) {
        st = wc_ingest_finish(f->ing, err);
        f->ing = NULL;
    }
    if (!st && f->fatal) {
        if (err)
            *err = f->fatal_err;
        st = f->fatal;
    }
    return st;
}

void wc_follow_free(wc_follow *f)
{
    if (!f)
        return;
    if (f->ing)
        wc_ingest_finish(f->ing, NULL);
    wc_fetcher_free(f->fetcher);
    round_free(f);
    feeds_free(f->feeds, f->nfeeds);
    map_free(&f->seen);
    map_free(&f->links);
    map_free(&f->retry);
    map_free(&f->pending);
    map_free(&f->list_ids);
    free(f);
}

/* --- autodiscovery ---------------------------------------------------------------------------- */

struct disc {
    wc_status st;
    wc_error err;
    char *feed_url, *title;
    size_t others;
};

static void disc_done(void *ctx, wc_response *r)
{
    struct disc *d = ctx;
    wc_feed_input in;
    wc_feed *doc = NULL;
    wc_feed_list *list = NULL;
    wc_error e = WC_ERROR_INIT;
    const char *base = r->moved_to ? r->moved_to : r->url;

    if (r->result != WC_FETCH_OK) {
        d->st = r->err.code ? r->err.code : WC_ERR_NET;
        d->err = r->err;
        return;
    }
    memset(&in, 0, sizeof(in));
    in.data = r->body;
    in.len = r->body_len;
    in.url = r->final_url;
    in.content_type = r->content_type;
    in.content_location = r->content_location;
    if (wc_feed_sniff(r->body, r->body_len) != WC_FEED_UNKNOWN &&
        wc_feed_parse(&in, &doc, &e) == WC_OK) {
        d->feed_url = wc_url_normalize(base);
        d->title = wc_strdup(doc->title);
        d->st = d->feed_url ? WC_OK : WC_ERR_NOMEM;
        wc_feed_free(doc);
        return;
    }
    if (wc_feed_discover(r->body, r->body_len, r->final_url, &list, &e) != WC_OK) {
        d->st = wc_error_set(&d->err, WC_ERR_PARSE, "'%s' is neither a feed nor an HTML page: %s",
                             r->url, e.msg);
        return;
    }
    if (!list->n) {
        d->st = wc_error_set(&d->err, WC_ERR_NOTFOUND,
                             "'%s' is no feed, and the page links to none "
                             "(no <link rel=\"alternate\"> with a feed type)",
                             r->url);
    } else {
        d->feed_url = wc_url_normalize(list->items[0].url);
        d->title = wc_strdup(list->items[0].title);
        d->others = list->n - 1;
        d->st = d->feed_url ? WC_OK : WC_ERR_NOMEM;
    }
    wc_feed_list_free(list);
}

wc_status wc_follow_discover(const wc_fetch_opts *fo, const char *url, char **feed_url,
                             char **title, size_t *others, wc_error *err)
{
    struct disc d;
    wc_fetcher *ft = NULL;
    wc_fetch_req req;
    wc_status st;

    *feed_url = NULL;
    *title = NULL;
    if (others)
        *others = 0;
    memset(&d, 0, sizeof(d));
    d.st = WC_ERR_NET;
    if ((st = wc_fetcher_new(fo, disc_done, &d, &ft, err)))
        return st;
    memset(&req, 0, sizeof(req));
    req.url = url;
    req.kind = WC_FETCH_FEED;
    if ((st = wc_fetcher_add(ft, &req, err)) || (st = wc_fetcher_run(ft, NULL, err))) {
        wc_fetcher_free(ft);
        return st;
    }
    wc_fetcher_free(ft);
    if (d.st) {
        if (err)
            *err = d.err;
        if (err && !err->msg[0])
            wc_error_set(err, d.st, "cannot fetch '%s'", url);
        free(d.feed_url);
        free(d.title);
        return d.st;
    }
    *feed_url = d.feed_url;
    *title = d.title;
    if (others)
        *others = d.others;
    return WC_OK;
}
