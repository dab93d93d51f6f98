/*
 * export.h - clusters and stories out of the store: JSONL (one record per
 * cluster, or per story with its copy clusters nested), CSV (one row per
 * member) and a self-contained HTML report.
 *
 * Output is streamed from store iterators, so exporting a million
 * documents needs memory for one cluster (or one story) at a time.
 */
#ifndef WIRECOPY_EXPORT_H
#define WIRECOPY_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "wirecopy/error.h"
#include "wirecopy/store.h"
#include "wirecopy/store_stories.h"

typedef enum wc_export_format {
    WC_EXPORT_JSONL = 0,
    WC_EXPORT_CSV,
    WC_EXPORT_HTML,
} wc_export_format;

typedef struct wc_export_opts {
    wc_export_format format;
    int64_t min_size;            /* clusters with at least this many members, or stories with
                                    this many documents (default 2) */
    enum wc_cluster_order order; /* WC_ORDER_ID by default */
    int64_t limit;               /* at most this many clusters (stories); 0 = all */
    bool csv_raw;                /* CSV: text fields exactly as stored; by default a field a
                                    spreadsheet would run as a formula (= + - @ first) is
                                    written behind an apostrophe */
    bool stories;                /* stories, each with its copy clusters, instead of clusters
                                    (only clusters placed in a story are in one) */
} wc_export_opts;

/* Parse "jsonl", "csv" or "html"; false when unknown. */
int wc_export_format_parse(const char *name, wc_export_format *out);

/*
 * Write the clusters (or stories) of s to out. WC_ERR_IO when writing
 * fails (err->sys holds errno, e.g. EPIPE when the reader went away).
 * *clusters_out (stories with opts->stories) and *members_out (may be
 * NULL) get how many were written.
 */
wc_status wc_export(wc_store *s, const wc_export_opts *opts, FILE *out, int64_t *clusters_out,
                    int64_t *members_out, wc_error *err);

/* The CSV header rows wc_export writes (with the newline), for CSV rows written alone. */
extern const char wc_export_csv_header[];
extern const char wc_export_story_csv_header[];

/* Write one cluster (by id) as one JSONL line or as CSV rows without header (formulas guarded). */
wc_status wc_export_cluster(wc_store *s, int64_t cluster_id, wc_export_format format, FILE *out,
                            wc_error *err);

/* Write one story (by id) as wc_export_cluster writes a cluster; WC_ERR_NOTFOUND when none. */
wc_status wc_export_story(wc_store *s, int64_t story_id, wc_export_format format, FILE *out,
                          wc_error *err);

#endif
