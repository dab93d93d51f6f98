/*
 * follow_internal.h - what the files of the follow module share: the
 * handle's layout, the round's data model and a few helpers. Only
 * the files of src/follow/ include it; the rest of wirecopy sees the opaque
 * wc_follow of follow.h.
 *
 * The module is split by responsibility:
 *
 *   follow.c           the handle, its options, loading feeds and entries
 *                      from the store, feed lists, and the round API
 *                      (wc_follow_round queues the due feeds and drives
 *                      the fetcher until every answer is in)
 *   follow_response.c  what a round does with each answer: a feed's new
 *                      entries become jobs (an article page to fetch or
 *                      the entry's own text), records for the ingest
 *                      pipeline and writes queued on its writer thread
 *   follow_teaser.c    does an entry carry only a teaser of its article?
 *   follow_discover.c  from a page or a feed URL to the feed it announces
 *
 * Memory of one round (jobs, entry refs, queued writes) comes from
 * follow_ralloc and is freed all at once when the round has committed,
 * so nothing of a round is freed one by one, and a pointer handed to the
 * writer thread stays valid until the round ends.
 */
#ifndef WC_FOLLOW_INTERNAL_H
#define WC_FOLLOW_INTERNAL_H

#include "wirecopy/follow.h"
#include "wirecopy/schedule.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <xxhash.h>

#include "wirecopy/error.h"
#include "wirecopy/feed.h"
#include "wirecopy/fetch.h"
#include "wirecopy/ingest.h"
#include "wirecopy/store_feeds.h" /* wc_entry_state */

/* Entry keys longer than this are replaced by a hash of them. */
#define FOLLOW_MAX_KEY_BYTES 1024

/* --- a map of 64-bit keys to 64-bit values (open addressing, follow.c) ------------ */

typedef struct u64map {
    uint64_t *keys; /* 0 = empty slot */
    int64_t *vals;
    size_t cap, n; /* cap is a power of two or 0 */
} u64map;

/* The value slot of key k, NULL when absent (k 0 is never present). */
int64_t *follow_map_get(const u64map *m, uint64_t k);
/* Set k to v (k 0 is ignored); WC_ERR_NOMEM when the map cannot grow. */
wc_status follow_map_put(u64map *m, uint64_t k, int64_t v);

/* Hash of an entry key ('k') or link ('l') within one feed; 0 never comes out. */
static inline uint64_t follow_entry_hash(int64_t feed_id, char kind, const char *s)
{
    uint64_t h = XXH3_64bits_withSeed(s, strlen(s), (uint64_t)feed_id * 4 + (kind == 'l' ? 1 : 2));
    return h ? h : 1;
}

/* Hash of a (normalised) link across feeds. */
static inline uint64_t follow_link_hash(const char *link)
{
    uint64_t h = XXH3_64bits(link, strlen(link));
    return h ? h : 1;
}

/* --- state ----------------------------------------------------------------------- */

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
    struct upd *upd;      /* its state, written once outstanding is 0 (follow_response.c) */
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
    uint64_t lh;      /* follow_link_hash, 0 without link */
    char *origin;     /* feed URL */
    char *origin_id;  /* entry id when there is no link, else NULL */
    char *title, *author, *site;
    int64_t published;
    int64_t fetched_at; /* when the feed that announced it was fetched */
    int64_t feed_id;
    char *content; /* the entry's own HTML (a fragment), or NULL */
    /* written on the writer thread (or by main before any record is queued) */
    int64_t doc_id;       /* stored document, 0 none */
    wc_entry_state state; /* WC_ENTRY_SKIPPED until the writer says otherwise */
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

    u64map seen;  /* follow_entry_hash -> 0 done, > 0 failed: retry until then */
    u64map links; /* follow_link_hash -> stored document id */
    u64map retry; /* feed id -> time its failed entries may be retried until */

    /* the round */
    struct blk *blocks; /* round memory */
    struct job *jobs;   /* round jobs */
    u64map pending;     /* follow_link_hash -> job (this round) */
    wc_follow_progress prog;
    int64_t now; /* time the round started */
    wc_follow_stats stats;
};

/* --- helpers (follow.c) ------------------------------------------------------------ */

/* Zeroed round memory (16-byte aligned), freed when the round ends; NULL on OOM. */
void *follow_ralloc(wc_follow *f, size_t size);
/* Copy of s in round memory; NULL stays NULL (and OOM gives NULL). */
char *follow_rstrdup(wc_follow *f, const char *s);
/* Replace *dst (malloc'd) by a copy of src (NULL clears it); WC_ERR_NOMEM on OOM. */
wc_status follow_set_str(char **dst, const char *src);
/* Remember the run's first fatal error (e, or "what: <status text>"); later ones are dropped. */
void follow_set_fatal(wc_follow *f, wc_status st, const wc_error *e, const char *what);
/* Tell opts.on_problem, if any (code WC_OK: a note). */
void follow_problem(wc_follow *f, wc_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Tell opts.on_progress, if any, where the round is. */
static inline void follow_progress(wc_follow *f)
{
    if (f->o.on_progress)
        f->o.on_progress(f->o.progress_ctx, &f->prog);
}

/* --- answers (follow_response.c) --------------------------------------------------- */

/* The fetcher's callback: a feed's or an article page's response (main thread). */
void follow_on_done(void *ctx, wc_response *r);
/* The pipeline's callback: what became of a job's record (writer thread). */
void follow_on_result(void *ctx, const wc_ingest_result *r);

/* --- teasers (follow_teaser.c) ----------------------------------------------------- */

/* The text an entry carries (content, else summary), NULL when none. */
const char *follow_entry_text(const wc_entry *e);
/* 1 when most entries that link to a page are teasers, 0 when not, -1 when none links. */
int follow_decide_fetch_pages(const wc_follow *f, const wc_feed *doc);

#endif
