/*
 * dump.h - stream article records out of scraped dumps.
 *
 * Inputs, detected from their first bytes (not only the file name):
 *   - WARC 1.0/1.1, plain or gzip (one member per record, as wget
 *     --warc-file and Common Crawl write them): `response` records with
 *     HTML payloads; other record types are skipped and counted;
 *   - a directory, walked recursively (sorted, symlink loops cut) for
 *     .html/.htm/.xhtml files (any case); fetched_at is the file mtime;
 *   - JSONL or JSONL.gz, one object per line with `html` or `text` and
 *     optional `id`, `url`, `title`, `published`.
 * Everything is streamed with bounded memory: a record is never larger
 * than opts.max_record, and no file is held in memory whole.
 *
 * A bad record (bad length, malformed JSON line, binary junk) goes to
 * opts.on_problem with its file and offset or line, is counted, and the
 * iterator moves on. Only a failure that stops the whole input (an
 * unreadable file, a truncated gzip stream) ends it with an error.
 *
 * What is kept from a WARC: `response` records (WARC Content-Type
 * application/http) whose HTTP status is 200 and whose payload is HTML
 * (Content-Type text/html or application/xhtml+xml, or sniffed as HTML
 * when the server sent no Content-Type). Everything else is skipped and
 * counted in stats.skipped, not reported: request, metadata, warcinfo,
 * resource and revisit records; redirects (3xx: the crawler fetched the
 * target as a response record of its own when it followed it); 304 Not
 * Modified (no body; the page is in an earlier record); other statuses;
 * non-HTML payloads. Chunked transfer coding and the content codings
 * gzip, x-gzip, deflate and br are undone; the decoded payload is capped
 * at opts.max_record (a gzip bomb stops at the cap and is reported).
 *
 * Problems reported through on_problem carry err->code:
 *   WC_ERR_PARSE     malformed record (bad Content-Length, missing WARC
 *                    header, garbage between records, malformed JSON line,
 *                    corrupt gzip member that was skipped), record lost;
 *   WC_ERR_LIMIT     record or decoded payload over opts.max_record;
 *   WC_ERR_IO        a file or directory under a walked directory could
 *                    not be read;
 *   WC_ERR_UNSUPPORTED an unknown content coding;
 *   WC_ERR_EMPTY     a .html file that is binary junk;
 *   WC_ERR_ENCODING  a JSONL line with invalid UTF-8 that was repaired
 *                    (ill-formed bytes became U+FFFD) and IS handed out:
 *                    a warning, counted in stats.repaired, not in errors.
 * Every message names the file and the byte offset (offset of the gzip
 * member for .gz inputs) or, for JSONL, the line.
 */
#ifndef WIRECOPY_DUMP_H
#define WIRECOPY_DUMP_H

#include <signal.h>
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
    uint64_t offset;          /* byte offset of the record in origin (in the file, so for
                                 .gz the offset of the gzip member it starts in) */
    uint64_t stream_offset;   /* byte offset in the decompressed stream (== offset for
                                 plain files); locates a record inside a .gz that is one
                                 big member */
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
    size_t max_record;                 /* cap on one record's decoded bytes; 0 = default */
    wc_problem_fn on_problem;          /* called for each bad record (may be NULL) */
    void *problem_ctx;                 /* passed to on_problem */
    const volatile sig_atomic_t *stop; /* may be NULL; once non-zero, a read that a signal
                           interrupts fails instead of waiting on (an idle pipe) */
} wc_dump_opts;

typedef struct wc_dump_stats {
    uint64_t records;     /* records handed out */
    uint64_t skipped;     /* well-formed records that are not articles (request, metadata,
                             non-HTML, non-.html files) */
    uint64_t errors;      /* bad records reported through on_problem (WC_ERR_ENCODING
                             warnings not included); an error that ends the input
                             (returned by wc_dump_next) is not counted here */
    uint64_t repaired;    /* records handed out after repairing invalid UTF-8 */
    uint64_t bytes_read;  /* bytes of input consumed so far (compressed, for .gz) */
    uint64_t bytes_total; /* total input bytes when known (files), else 0 */
} wc_dump_stats;

/*
 * Open path (a file, a directory, or "-" for stdin) and detect its kind.
 * *out is owned by the caller (wc_dump_free). opts may be NULL.
 * WC_ERR_IO when it cannot be opened, WC_ERR_UNSUPPORTED for an unknown format.
 * Detection looks at the content first (gzip magic, then "WARC/1." or '{'
 * or '<' in the first decoded bytes), the name (.warc, .jsonl, .ndjson,
 * .html, each optionally .gz) only when the content does not tell.
 * A single .html file (or HTML on stdin) gives one WC_SOURCE_DIR record.
 * Not thread-safe per handle; separate handles are independent.
 */
wc_status wc_dump_open(const char *path, const wc_dump_opts *opts, wc_dump **out, wc_error *err);

/*
 * Open the directory dir for its HTML pages alone: the walk of
 * wc_dump_open (same files, same order, same caps and problems) but the
 * WARC and JSONL files inside are skipped and counted, not read; a
 * gzipped page (.html.gz) is read, after the walk as there. For commands
 * that make one output per page file (`extract DIR`). WC_ERR_USAGE when
 * dir is not a directory, else as wc_dump_open.
 */
wc_status wc_dump_open_pages(const char *dir, const wc_dump_opts *opts, wc_dump **out,
                             wc_error *err);

/* Kind of the opened input: WC_SOURCE_WARC, WC_SOURCE_DIR or WC_SOURCE_JSONL. */
wc_source wc_dump_source(const wc_dump *d);

/*
 * Next record into *rec: WC_OK, or WC_DONE at the end. Any other status
 * means this input cannot go on (err says why and where: a truncated file
 * or gzip member, a read error, out of memory); records handed out before
 * stay valid to store, and later calls return WC_DONE.
 */
wc_status wc_dump_next(wc_dump *d, wc_record *rec, wc_error *err);

/* Counters so far. */
void wc_dump_get_stats(const wc_dump *d, wc_dump_stats *out);

/* Close and free; NULL is a no-op. */
void wc_dump_free(wc_dump *d);

#endif
