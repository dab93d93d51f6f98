/*
 * store_feeds.h - followed feeds and the entries seen in them (the
 * `feeds` and `feed_entries` tables of the store; see store.h).
 *
 * A feed row keeps what polling it needs: the current URL (a permanent
 * redirect replaces it), the validators for conditional GET (ETag,
 * Last-Modified), the schedule (next due, learned interval, consecutive
 * errors), what happened last (status, error), whether its entries are
 * teasers whose article pages must be fetched, and whether it is retired
 * (410 Gone: never fetched again unless added again by hand).
 *
 * An entry row says that one entry of one feed has been dealt with: its
 * key (the entry's id, else its link), the document it became (NULL when
 * none), and its state: 'stored' (a document holds it), 'skipped' (there
 * was no article to store) or 'failed' (the article page could not be
 * fetched; follow may retry it for a while). Rows are only written in the
 * transaction that stores their documents, so a row means "done". In
 * code the state is a wc_entry_state; the column stays TEXT (databases
 * written before keep working), converted here at the store's boundary.
 *
 * Same rules as the rest of the store: the handle is not thread-safe,
 * writes happen inside the caller's transaction (or autocommit), strings
 * handed out are borrowed until the next call on the same iterator.
 */
#ifndef WIRECOPY_STORE_FEEDS_H
#define WIRECOPY_STORE_FEEDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/error.h"
#include "wirecopy/store.h"

/* One feed. Times are seconds UTC, INT64_MIN when unknown (NULL in SQL). */
typedef struct wc_feed_row {
    int64_t id;
    const char *url;         /* current URL */
    const char *title;       /* the feed's title, else the list's, or NULL */
    const char *site_url;    /* the site's home page as the feed states it, or NULL */
    const char *list_origin; /* the list file the feed came from, or NULL */
    const char *etag;        /* validators of the last 200, or NULL */
    const char *last_modified;
    int64_t last_fetch_at;   /* last request (any outcome) */
    int64_t last_success_at; /* last 200 or 304 */
    int64_t next_fetch_at;   /* due again at; INT64_MIN: due now (never fetched, re-added) */
    int64_t interval;        /* polling interval in seconds, 0 = none yet */
    int64_t error_count;     /* consecutive failures */
    long last_status;        /* HTTP status of the last fetch; 0 no answer; -1 never fetched */
    const char *last_error;  /* why the last fetch failed (or the feed was malformed), or NULL */
    bool retired;            /* state 'retired' */
    int fetch_pages;         /* 1 entries are teasers, 0 full content, -1 not decided yet */
    int64_t added_at;
    int64_t articles; /* entries stored with a document */
} wc_feed_row;

enum wc_feed_add_result {
    WC_FEED_EXISTED = 0,     /* the URL was followed already: nothing changed */
    WC_FEED_ADDED = 1,       /* a new row */
    WC_FEED_REACTIVATED = 2, /* a retired feed made active again (WC_FEED_ADD_REACTIVATE) */
};

enum wc_feed_add_flags {
    WC_FEED_ADD_REACTIVATE = (1 << 0), /* a retired feed becomes active and due now (by hand) */
};

/*
 * Follow url (stored as given: normalise it first). title and list_origin
 * fill an existing row's empty fields only. *id gets the feed's id and
 * *result (may be NULL) what happened.
 */
wc_status wc_store_feed_add(wc_store *s, const char *url, const char *title,
                            const char *list_origin, unsigned flags, int64_t now, int64_t *id,
                            enum wc_feed_add_result *result, wc_error *err);

/* Stop following url: the feed and its entry rows go, its documents stay. WC_ERR_NOTFOUND. */
wc_status wc_store_feed_remove(wc_store *s, const char *url, wc_error *err);

typedef struct wc_feed_iter wc_feed_iter;

/* Feeds in id order; only the one with this exact URL when url is not NULL. */
wc_status wc_store_feeds(wc_store *s, const char *url, wc_feed_iter **out, wc_error *err);
/* WC_OK with *row filled (strings borrowed until the next call), WC_DONE at the end. */
wc_status wc_feed_iter_next(wc_feed_iter *it, wc_feed_row *row, wc_error *err);
void wc_feed_iter_free(wc_feed_iter *it);

/* What one fetch of a feed leaves behind (follow writes it after the feed's entries). */
typedef struct wc_feed_update {
    int64_t id;
    const char *title;         /* NULL keeps the stored one */
    const char *site_url;      /* NULL keeps */
    const char *etag;          /* stored as given: NULL clears */
    const char *last_modified; /* idem */
    int64_t fetched_at;        /* last_fetch_at */
    int64_t success_at;        /* last_success_at; INT64_MIN keeps */
    int64_t next_fetch_at;     /* INT64_MIN: none (retired feeds) */
    int64_t interval;          /* 0 stores NULL */
    int64_t error_count;
    long status;       /* HTTP status, 0 when no answer came */
    const char *error; /* NULL clears */
    bool retire;       /* set state 'retired' */
    int fetch_pages;   /* -1 keeps, else 0 or 1 */
} wc_feed_update;

/* Write one fetch's outcome. WC_ERR_NOTFOUND when the feed is gone (removed meanwhile). */
wc_status wc_store_feed_update(wc_store *s, const wc_feed_update *u, wc_error *err);

/*
 * A permanent redirect: the feed's URL becomes url. When another feed
 * already has that URL nothing changes and *taken_by gets its id (else 0).
 */
wc_status wc_store_feed_move(wc_store *s, int64_t id, const char *url, int64_t *taken_by,
                             wc_error *err);

/* Not before `until`: raise a feed's next_fetch_at (a host's Retry-After). */
wc_status wc_store_feed_defer(wc_store *s, int64_t id, int64_t until, wc_error *err);

/* --- entries ------------------------------------------------------------- */

/* What became of an entry (feed_entries.state holds 'skipped', 'stored', 'failed'). */
typedef enum wc_entry_state {
    WC_ENTRY_SKIPPED = 0, /* there was no article to store (the zero of a new job) */
    WC_ENTRY_STORED,      /* a document holds it */
    WC_ENTRY_FAILED       /* its article page could not be fetched: follow may retry it */
} wc_entry_state;

/*
 * Record that an entry was dealt with. doc_id 0 stores NULL. A row
 * already there keeps its
 * first_seen and gets the new doc_id (when not 0), link and state. Nothing
 * is written (WC_OK) when the feed no longer exists.
 */
wc_status wc_store_feed_entry_put(wc_store *s, int64_t feed_id, const char *entry_key,
                                  const char *link, int64_t doc_id, wc_entry_state state,
                                  int64_t now, wc_error *err);

typedef struct wc_feed_entry_row {
    int64_t feed_id;
    const char *entry_key;
    const char *link; /* or NULL */
    int64_t doc_id;   /* 0 when none */
    int64_t first_seen;
    wc_entry_state state; /* a NULL or unknown column is read as WC_ENTRY_STORED */
} wc_feed_entry_row;

/*
 * Call fn for every entry row (feed_id, entry_key order; strings borrowed
 * for the call). fn returns WC_OK to go on; anything else stops and is returned.
 */
typedef wc_status (*wc_feed_entry_fn)(void *ctx, const wc_feed_entry_row *row);
wc_status wc_store_feed_entries(wc_store *s, wc_feed_entry_fn fn, void *ctx, wc_error *err);

#endif
