/*
 * story_store.h - the story index against the store: what an ingest run
 * loads at start-up and writes before each commit (story_store.c, which
 * also holds wc_story_rebuild). Private to the library: src/ingest*.c and
 * src/story/.
 */
#ifndef WC_STORY_STORE_H
#define WC_STORY_STORE_H

#include <stdint.h>

#include "wirecopy/error.h"
#include "wirecopy/store.h"
#include "wirecopy/story.h"

/*
 * Load a store's stories into a new index: every story row, every
 * cluster's link, the document frequencies of every stored profile, and
 * the centroids of the stories still open. *unplaced counts clusters that
 * have no story (a database from before stories, or an ingest with
 * --no-stories): the index is then incomplete and the caller rebuilds.
 */
wc_status story_store_load(wc_store *s, wc_story_index *idx, uint64_t *unplaced, wc_error *err);

/* Write the story rows the index changed (inside the caller's transaction). */
wc_status story_store_flush(wc_store *s, wc_story_index *idx, wc_error *err);

#endif
