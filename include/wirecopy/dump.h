/*
 * dump.h - stream article records out of scraped dumps.
 *
 * Inputs, detected from their first bytes (not only the file name):
 *   - WARC 1.0/1.1, plain or gzip (one member per record, as wget
 *     --warc-file and Common Crawl write them): `response` records with
 *     HTML payloads; other record types are skipped and counted;
 *   - a directory, walked recursively for .html/.htm files;
 *   - JSONL or JSONL.gz, one object per line with `html` or `text` and
 *     optional `id`, `url`, `title`, `published`.
 * Everything is streamed with bounded memory: a record is never larger
 * than opts.max_record, and no file is held in memory whole.
 *
 * A bad record (bad length, malformed JSON line, binary junk) goes to
 * opts.on_problem with its file and offset or line, is counted, and the
 * iterator moves on. Only a failure that stops the whole input (an
 * unreadable file, a truncated gzip stream) ends it with an error.
 */
#ifndef WIRECOPY_DUMP_H
#define WIRECOPY_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecopy/error.h"

typedef enum wc_source {
    WC_SOURCE_UNKNOWN = 0,
    WC_SOURCE_WARC,  /* a WARC response record */
    WC_SOURCE_DIR,   /* an .html file found under a directory */
    WC_SOURCE_JSONL, /* one line of a JSONL file */
    WC_SOURCE_FEED,  /* an entry's content taken from a feed */
    WC_SOURCE_PAGE,  /* an article page fetched over HTTP */
} wc_source;

/* "warc", "dir", "jsonl", "feed", "page" or "unknown". */
const char *wc_source_name(wc_source s);

/*
 * One record. Every pointer is borrowed from the iterator and stays valid
 * until the next wc_dump_next() or wc_dump_free(); strings are
 * NUL-terminated, NULL when the input does not say.
 */
typedef struct wc_record {
    wc_source source;         /* kind of input */
    const char *origin;       /* path of the file the record came from */
    uint64_t offset;          /* byte offset of the record in origin (in the file, so
                                 compressed offset for .gz) */
    uint64_t line;            /* 1-based line number for JSONL, else 0 */
    const char *origin_id;    /* the input's own id (JSONL `id`), else NULL */
    const char *url;          /* WARC-Target-URI or JSONL `url` */
    const char *title;        /* JSONL `title` */
    int64_t published_at;     /* JSONL `published`, seconds UTC; INT64_MIN if unknown */
    int64_t fetched_at;       /* WARC-Date or file mtime, seconds UTC; INT64_MIN if unknown */
    const char *content_type; /* HTTP Content-Type of a WARC response */
    const char *charset;      /* charset= of that Content-Type, else NULL */
    const char *body;         /* payload: HTML when is_html, else plain text; bytes as
                                 the input had them (not yet converted to UTF-8) */
    size_t len;               /* bytes in body */
    bool is_html;             /* body is HTML to extract, not text */
} wc_record;

typedef struct wc_dump wc_dump;

/* 64 MiB: no news article page comes near it; larger records are skipped as problems. */
#define WC_DUMP_DEFAULT_MAX_RECORD ((size_t)64 << 20)

typedef struct wc_dump_opts {
    size_t max_record;        /* cap on one record's decoded bytes; 0 = default */
    wc_problem_fn on_problem; /* called for each bad record (may be NULL) */
    void *problem_ctx;        /* passed to on_problem */
} wc_dump_opts;

typedef struct wc_dump_stats {
    uint64_t records;     /* records handed out */
    uint64_t skipped;     /* well-formed records that are not articles (request, metadata,
                             non-HTML, non-.html files) */
    uint64_t errors;      /* bad records reported through on_problem */
    uint64_t bytes_read;  /* bytes of input consumed so far (compressed, for .gz) */
    uint64_t bytes_total; /* total input bytes when known (files), else 0 */
} wc_dump_stats;

/*
 * Open path (a file, a directory, or "-" for stdin) and detect its kind.
 * *out is owned by the caller (wc_dump_free). opts may be NULL.
 * WC_ERR_IO when it cannot be opened, WC_ERR_UNSUPPORTED for an unknown format.
 */
wc_status wc_dump_open(wc_dump **out, const char *path, const wc_dump_opts *opts, wc_error *err);

/*
 * Next record into *rec: WC_OK, or WC_DONE at the end. Any other status
 * means this input cannot go on (err says why and where); records handed
 * out before stay valid to store.
 */
wc_status wc_dump_next(wc_dump *d, wc_record *rec, wc_error *err);

/* Counters so far. */
void wc_dump_get_stats(const wc_dump *d, wc_dump_stats *out);

/* Close and free; NULL is a no-op. */
void wc_dump_free(wc_dump *d);

#endif
