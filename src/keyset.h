/*
 * keyset.h - which (document key, text) pairs are stored: the in-memory
 * answer to "is this record already in the database?".
 *
 * Ingest asks it for every record before clustering. It used to ask
 * SQLite (a B-tree lookup on documents(key_hash) on the single writer
 * thread); asking memory lets the clustering stage run on a thread of its
 * own, ahead of the thread that writes, without a database connection.
 *
 * An entry is the 64-bit hash of the document key (wc_store_key_hash,
 * the same value the documents table keeps), 32 bits of the text's exact
 * hash and the document id: 16 bytes, in an open-addressing table kept at
 * most 70% full, so 23-46 bytes a document. Two different records are
 * taken for the same one only when 96 bits of hash agree (odds of about
 * n^2 / 2^97 over n documents: 1e-17 at a million). Versions of one key
 * (the same URL with a changed text) are separate entries.
 *
 * Not thread-safe: one thread owns it.
 */
#ifndef WC_KEYSET_H
#define WC_KEYSET_H

#include <stddef.h>
#include <stdint.h>

#include "wirecopy/error.h"

typedef struct wc_keyset wc_keyset;

/* New empty set; NULL when out of memory. */
wc_keyset *wc_keyset_new(void);
void wc_keyset_free(wc_keyset *ks);

/* Room for n entries without growing (before a bulk load). WC_ERR_NOMEM. */
wc_status wc_keyset_reserve(wc_keyset *ks, size_t n, wc_error *err);

/*
 * Remember that document id (1 .. 2^32 - 1) holds the text whose exact
 * hash starts with `text` under key hash `key`. WC_ERR_NOMEM, WC_ERR_LIMIT
 * (an id past 2^32 - 1), WC_ERR_USAGE (id <= 0).
 */
wc_status wc_keyset_add(wc_keyset *ks, uint64_t key, uint32_t text, int64_t id, wc_error *err);

/* The id of a document stored under (key, text), or 0 when there is none. */
int64_t wc_keyset_find(const wc_keyset *ks, uint64_t key, uint32_t text);

/* Entries held, and bytes of memory they take. */
size_t wc_keyset_count(const wc_keyset *ks);
size_t wc_keyset_memory(const wc_keyset *ks);

#endif
