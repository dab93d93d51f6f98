/*
 * store_stories.h - reading stories: the second level of sameness (the
 * `stories` table and the clusters' story links of the store; see
 * store.h).
 *
 * A copy cluster holds the same text republished; a story holds one or
 * more copy clusters that report one event in different words. Each copy
 * cluster is placed in exactly one story (clusters.story_id) with its
 * score against it (clusters.story_similarity); a story's id is the id
 * of its first copy cluster. A story's row (its clusters, documents and
 * dates) is derived from its clusters as a cluster's is from its members,
 * and is written by the story index of an ingest or recluster run
 * (src/store/store_writer.h), never by a library user.
 *
 * A cluster not yet placed (a database from before stories, or one
 * ingested with --no-stories) has story_id 0 in its wc_cluster_row and is
 * in no story: the readers here see only placed clusters.
 *
 * Readers run beside a writer in another process, as the cluster readers
 * do: each iterator holds one read snapshot from its first step to its
 * release. Strings are borrowed until the next call on the iterator (or
 * the function's strings buffer is reused).
 */
#ifndef WIRECOPY_STORE_STORIES_H
#define WIRECOPY_STORE_STORIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/buf.h"
#include "wirecopy/error.h"
#include "wirecopy/store.h"

/* wc_store_story_get's strings need room for a title and a list of sites (store.h's caps). */
#define WC_STORE_STORY_STRINGS_MAX WC_STORE_CLUSTER_STRINGS_MAX

/* One story as listed and exported. Strings are borrowed (see the top of this file). */
typedef struct wc_story_row {
    int64_t id;         /* its first copy cluster's id */
    int64_t size;       /* documents in it */
    int64_t clusters;   /* copy clusters in it */
    int64_t first_seen; /* seconds UTC, INT64_MIN when no member is dated */
    int64_t last_seen;
    const char *title;  /* the title of its earliest copy cluster's original, or NULL */
    const char *sites;  /* with sites: its members' distinct sites, earliest first,
                           ", "-separated (cut with ", ..." past six); else NULL */
    int64_t site_count; /* with sites: how many distinct sites its members have; else 0 */
    const char *lead;   /* listings with sites only: the earliest original's first 100
                           characters of text when it has no title, else NULL */
} wc_story_row;

enum wc_store_stories_flags {
    WC_STORIES_SITES = (1 << 0), /* a listing for people: sites, site_count and lead (costs a
                                    read per story) */
    WC_STORIES_MULTI = (1 << 1), /* only stories worth a look: two or more copy clusters, or
                                    more than one site (the `stories` command) */
};

typedef struct wc_story_iter wc_story_iter;

/*
 * Stories with at least min_size documents, in the given order (id; size:
 * most documents first; recent: last seen first), at most limit (0 = all);
 * flags are enum wc_store_stories_flags.
 */
wc_status wc_store_stories(wc_store *s, int64_t min_size, enum wc_cluster_order order,
                           int64_t limit, unsigned flags, wc_story_iter **out, wc_error *err);
/* WC_OK with *row filled, WC_DONE at the end. */
wc_status wc_story_iter_next(wc_story_iter *it, wc_story_row *row, wc_error *err);
void wc_story_iter_free(wc_story_iter *it);

/*
 * One story by id, with its sites and site_count (lead stays NULL):
 * WC_ERR_NOTFOUND when there is none. row's strings point into `strings`
 * (replaced), which should allow WC_STORE_STORY_STRINGS_MAX bytes.
 */
wc_status wc_store_story_get(wc_store *s, int64_t id, wc_story_row *row, wc_buf *strings,
                             wc_error *err);

/*
 * A story's copy clusters in time order: first seen, the undated last,
 * then by id; each row with its story_id and story_similarity, and with
 * its sites and lead when with_sites (as wc_store_clusters). Iterate with
 * wc_cluster_iter_next; a story with no such cluster gives none.
 */
wc_status wc_store_story_clusters(wc_store *s, int64_t story_id, bool with_sites,
                                  wc_cluster_iter **out, wc_error *err);

/*
 * Call fn with each distinct site of a story's members, earliest first
 * (the whole list, uncut; site borrowed for the call). fn returns WC_OK to
 * go on; any other status stops and is returned. fn may not call
 * wc_store_story_sites or wc_store_story_get on the same handle.
 */
typedef wc_status (*wc_store_site_fn)(void *ctx, const char *site);
wc_status wc_store_story_sites(wc_store *s, int64_t story_id, wc_store_site_fn fn, void *ctx,
                               wc_error *err);

#endif
