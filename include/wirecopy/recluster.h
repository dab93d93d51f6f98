/*
 * recluster.h - rebuild the clusters of a database from what it stores.
 *
 * The other writing run beside ingest (ingest.h): it holds the writer lock
 * like an ingest and leaves the database as a fresh ingest of the same
 * documents in the same order would.
 */
#ifndef WIRECOPY_RECLUSTER_H
#define WIRECOPY_RECLUSTER_H

#include <signal.h>
#include <stdint.h>

#include "wirecopy/error.h"
#include "wirecopy/fingerprint.h"
#include "wirecopy/store.h"

typedef struct wc_recluster_stats {
    uint64_t documents;       /* documents clustered */
    uint64_t refingerprinted; /* documents whose fingerprint was recomputed from stored text */
    uint64_t clusters;        /* clusters after */
    uint64_t multi;           /* clusters with two or more members after */
} wc_recluster_stats;

/*
 * Rebuild every cluster from the stored fingerprints, in arrival (id)
 * order, so the result equals a fresh ingest of the same documents.
 * params NULL keeps the stored settings; settings that change the
 * fingerprints themselves (shingle size, signature length) recompute them
 * from the stored text first (no re-extraction). One transaction: on any
 * failure the database is left as it was. The store must be a writer.
 */
wc_status wc_recluster(wc_store *s, const wc_fp_params *params, const volatile sig_atomic_t *stop,
                       wc_recluster_stats *out, wc_error *err);

#endif
