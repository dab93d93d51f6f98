/*
 * dump_internal.h - the pieces of the dump module (see dump.h), shared
 * between dump.c (open, detect, dispatch), gzread.c (the byte source),
 * warc.c, jsonl.c, htmldir.c (the three readers) and http_payload.c (the
 * HTTP response decoder the WARC reader uses). Never installed.
 *
 * The byte source, wc_in, is a sliding window over the decoded stream of
 * one file: plain bytes as read(2) gives them, or the output of zlib when
 * the file starts with the gzip magic. Readers look at the window
 * directly (wc_in_ptr / wc_in_avail) and so never pay a function call per
 * byte; they ask for more with wc_in_fill and give bytes back with
 * wc_in_consume. The window only grows as far as a reader asks (a record
 * it means to keep, never past `max`), so memory stays bounded however
 * large the file is.
 */
#ifndef WC_DUMP_INTERNAL_H
#define WC_DUMP_INTERNAL_H

#include "wirecopy/dump.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zlib.h>

#include "wirecopy/buf.h"
#include "wirecopy/error.h"

/* --- byte source (gzread.c) -------------------------------------------- */

/* 256 KiB: one read(2) or one inflate() step; large enough that syscall and loop costs vanish. */
#define WC_IN_CHUNK ((size_t)256 << 10)

/* Where the decoded stream stands. Anything but WC_IN_RUN means no more bytes come. */
typedef enum wc_in_state {
    WC_IN_RUN = 0,   /* more may come */
    WC_IN_EOF,       /* clean end of file */
    WC_IN_TRUNCATED, /* the file ends inside a gzip member */
    WC_IN_CORRUPT,   /* a gzip member is damaged, or junk follows one; wc_in_resume goes on */
    WC_IN_FAILED,    /* read(2) failed or out of memory */
} wc_in_state;

/* "No file offset" in the fields of wc_in below. */
#define WC_IN_NO_OFFSET UINT64_MAX

/* Start of one gzip member: its first decoded byte and its offset in the file. */
typedef struct wc_in_member {
    uint64_t dpos; /* decoded stream offset of the member's first byte */
    uint64_t foff; /* file offset of its gzip header */
} wc_in_member;

typedef struct wc_in {
    const char *name; /* file name for messages (borrowed) */
    int fd;           /* -1 when reading from memory */
    bool own_fd;      /* close fd on release */
    const volatile sig_atomic_t
        *stop;    /* when non-zero, a read cut short by a signal is not retried */
    bool gz;      /* the file starts with the gzip magic */
    size_t chunk; /* bytes per read(2) / inflate step: WC_IN_CHUNK, less for small memory inputs */

    /* decoded window: win[keep..end) is held, cur is the reader's position */
    char *win;     /* the window; NUL after end */
    size_t cap;    /* bytes allocated */
    size_t max;    /* most bytes the window may hold from its kept start */
    size_t cur;    /* reader's index in win */
    size_t end;    /* decoded bytes in win */
    size_t mark;   /* index kept for wc_in_rewind, valid when marked */
    bool marked;   /* a mark holds bytes before cur */
    uint64_t base; /* decoded stream offset of win[0] */

    /* compressed side (gz only) */
    unsigned char *raw;   /* compressed bytes read ahead */
    size_t rlen, rpos;    /* bytes in raw, bytes of them given to zlib */
    uint64_t rbase;       /* file offset of raw[0] */
    bool reof;            /* read(2) said end of file */
    z_stream zs;          /* the inflater, gzip framing (windowBits 16+15) */
    bool zinit;           /* zs initialised */
    bool inmember;        /* zs is inside a member */
    uint64_t member_foff; /* file offset of the member being inflated */
    uint64_t scan_from;   /* file offset from which to look for a gzip header inside that member */
    uint64_t cand;        /* first gzip header inside it that zlib was fed past (kept in raw),
                             WC_IN_NO_OFFSET for none: where a cut member's successor starts */
    uint64_t resume_at;   /* after WC_IN_CORRUPT: the gzip header wc_in_resume goes on at,
                             WC_IN_NO_OFFSET to search for the next one */

    /* member starts that may still matter to the reader, oldest first */
    wc_in_member *members;
    size_t nmembers, members_cap;

    /* memory source (fuzzing) */
    const unsigned char *mem; /* the bytes, when fd == -1 */
    size_t mem_len, mem_pos;

    /* how the stream stopped, when it did */
    wc_in_state state;
    uint64_t stop_off;  /* file offset the stop refers to (gzip member start, or read position) */
    int stop_errno;     /* errno of a failed read */
    char stop_msg[160]; /* reason, e.g. zlib's "invalid block type" */
} wc_in;

/*
 * Set up in over fd (own_fd: close it on release); max = window cap in
 * bytes. stop (may be NULL): once non-zero, a read interrupted by a signal
 * fails instead of waiting on (Ctrl-C on an idle pipe).
 */
wc_status wc_in_init_fd(wc_in *in, int fd, bool own_fd, const char *name, size_t max,
                        const volatile sig_atomic_t *stop, wc_error *err);
/* Set up in over data[0..len) (not copied; must outlive in). */
wc_status wc_in_init_mem(wc_in *in, const void *data, size_t len, const char *name, size_t max,
                         wc_error *err);
void wc_in_release(wc_in *in);

/*
 * Make at least `want` bytes available at wc_in_ptr, or as many as there
 * are before the stream stops (in->state says why). WC_ERR_NOMEM only;
 * wanting more than the window may hold gives what fits (callers cap).
 */
wc_status wc_in_fill(wc_in *in, size_t want);

static inline const char *wc_in_ptr(const wc_in *in)
{
    return in->win + in->cur;
}

static inline size_t wc_in_avail(const wc_in *in)
{
    return in->end - in->cur;
}

static inline void wc_in_consume(wc_in *in, size_t n)
{
    in->cur += n;
}

/* Decoded stream offset of the reader's position. */
static inline uint64_t wc_in_pos(const wc_in *in)
{
    return in->base + in->cur;
}

/* Keep bytes from the current position on until wc_in_unmark (for wc_in_rewind). */
static inline void wc_in_set_mark(wc_in *in)
{
    in->mark = in->cur;
    in->marked = true;
}

static inline void wc_in_unmark(wc_in *in)
{
    in->marked = false;
}

/* Back to the mark (which stays set). */
static inline void wc_in_rewind(wc_in *in)
{
    if (in->marked)
        in->cur = in->mark;
}

/*
 * Discard n bytes without holding them (streamed through the window).
 * *done = bytes actually discarded (less when the stream stopped).
 */
wc_status wc_in_skip(wc_in *in, uint64_t n, uint64_t *done);

/*
 * File offset of the gzip member holding decoded offset pos (pos itself
 * for plain files); *member_dpos (if not NULL) = decoded offset where
 * that member starts (pos for plain files).
 */
uint64_t wc_in_file_offset(const wc_in *in, uint64_t pos, uint64_t *member_dpos);

/* Compressed bytes consumed so far (the decoded position for plain files). */
uint64_t wc_in_bytes_read(const wc_in *in);

/*
 * After WC_IN_CORRUPT: drop what is left in the window and go on with the
 * next gzip member found in the file (or end of file).
 */
void wc_in_resume(wc_in *in);

/* Text for a stop: "truncated gzip member in 'a.warc.gz' at offset 123" and so on. */
void wc_in_describe_stop(const wc_in *in, char *out, size_t outlen);

/* --- HTTP responses inside WARC records (http_payload.c) --------------- */

/* 64 KiB: the HTTP header block of one response; real ones are < 4 KiB. */
#define WC_HTTP_MAX_HEAD ((size_t)64 << 10)

/* A parsed status line and the headers the reader needs; slices point into the parsed bytes. */
typedef struct wc_http_head {
    int status;        /* 100..999 */
    int version;       /* 9 = 0.9 never; 10 = 1.0, 11 = 1.1, 20 = 2 */
    const char *ctype; /* Content-Type value, NULL when absent */
    size_t ctype_len;
    const char *cenc; /* Content-Encoding value, NULL when absent */
    size_t cenc_len;
    const char *tenc; /* Transfer-Encoding value, NULL when absent */
    size_t tenc_len;
    size_t head_len; /* bytes of status line + headers + blank line */
} wc_http_head;

/*
 * Parse the head of an HTTP response in p[0..len). WC_ERR_PARSE (message in
 * err) when it does not start with a status line or a header line is
 * junk; WC_ERR_LIMIT when the blank line ending the head is not within
 * len. Folded (continued) header lines are part of the previous header.
 */
wc_status wc_http_parse_head(const char *p, size_t len, wc_http_head *h, wc_error *err);

/*
 * Decode the body p[0..len) of a response with head h into out (reset
 * first): chunked transfer coding, then content codings gzip, x-gzip,
 * deflate, br, identity, undone in reverse order of application. At most
 * cap bytes are produced: WC_ERR_LIMIT past it. A coded stream that ends
 * early keeps what it decoded (crawlers cut long payloads); a damaged one
 * gives WC_ERR_PARSE, an unknown coding WC_ERR_UNSUPPORTED. tmp is scratch.
 */
wc_status wc_http_decode_body(const wc_http_head *h, const char *p, size_t len, wc_buf *out,
                              wc_buf *tmp, size_t cap, wc_error *err);

/* Is the media type of a Content-Type value HTML (text/html, application/xhtml+xml)? */
bool wc_http_type_is_html(const char *ct, size_t len);

/* Does a payload with no Content-Type look like HTML (WHATWG sniffing patterns)? */
bool wc_http_sniff_html(const char *p, size_t len);

/* --- JSONL lines (jsonl.c) ---------------------------------------------- */

/* The fields of one JSONL object the reader uses; strings NUL-terminated. */
typedef struct wc_jsonl_fields {
    const char *html; /* `html` when it is a string, else NULL */
    size_t html_len;
    const char *text; /* `text` when it is a string, else NULL */
    size_t text_len;
    const char *id;    /* `id`: a string (NULL when empty) or a number's decimal text */
    const char *url;   /* `url` when a non-empty string */
    const char *title; /* `title` when a non-empty string (it may hold U+0000) */
    size_t title_len;
    int64_t published;   /* `published` date string or epoch number; WC_TIME_NONE otherwise */
    bool published_out;  /* `published` was a number no time can be (reported, not taken) */
    double published_re; /* that number, when it was a real */
} wc_jsonl_fields;

/*
 * The fast path: a flat object of strings, numbers, true, false and null,
 * decoded into arena (reset first). false means "not sure": anything
 * else (nesting, any syntax error, invalid UTF-8, a lone surrogate, an
 * integer or real out of range, NUL in a key) is left to jansson, which
 * is the authority on what a line holds and on error messages (the
 * reader mends what jansson refuses of valid JSON: json.c).
 */
bool wc_jsonl_fast(const char *p, size_t len, wc_buf *arena, wc_jsonl_fields *f);

/*
 * The same fields by jansson's json_loadb; false when jansson rejects the
 * line or it is not an object. *root (a json_t) owns the strings: free
 * it with wc_jsonl_drop. idbuf holds a numeric id's text.
 */
bool wc_jsonl_slow(const char *p, size_t len, void **root, char idbuf[48], wc_jsonl_fields *f);
void wc_jsonl_drop(void *root);

/* --- the iterator ------------------------------------------------------ */

/* One reader's entry points (warc.c, jsonl.c, htmldir.c). */
typedef struct wc_dump_reader {
    wc_source source;
    wc_status (*next)(wc_dump *d, wc_record *rec, wc_error *err);
    void (*release)(wc_dump *d);
} wc_dump_reader;

struct wc_dump {
    const wc_dump_reader *reader; /* the format's functions */
    char *origin;                 /* path as given, "<stdin>" for "-" */
    size_t max_record;            /* cap on one record's bytes */
    wc_problem_fn on_problem;     /* caller's callback, may be NULL */
    void *problem_ctx;
    const volatile sig_atomic_t *stop; /* caller's stop flag, may be NULL */
    wc_dump_stats stats;               /* counters for wc_dump_get_stats */
    bool finished;                     /* the input ended (after an error too) */
    bool has_in;                       /* `in` is set up (files, stdin, memory) */
    bool pages_only;                   /* a walk hands out page files, no WARC/JSONL inside */
    wc_in in;                          /* byte source of file inputs */
    uint64_t file_size;                /* size of a regular file, else 0 */
    int64_t file_mtime;                /* its modification time, WC_TIME_NONE for stdin */
    void *state;                       /* the reader's own state */
};

/* Report a bad record through on_problem and count it (WC_ERR_ENCODING is not counted). */
void wc_dump_problem(wc_dump *d, wc_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reader set-up: each allocates d->state and sets d->reader. */
wc_status wc_warc_start(wc_dump *d, wc_error *err);
wc_status wc_jsonl_start(wc_dump *d, wc_error *err);
/* Walk directory d->origin. */
wc_status wc_htmldir_start(wc_dump *d, wc_error *err);
/* One HTML document read whole from d->in. */
wc_status wc_htmlfile_start(wc_dump *d, wc_error *err);

/*
 * A dump over bytes in memory (for fuzzing and tests); data must outlive
 * *out. force = WC_SOURCE_WARC, WC_SOURCE_JSONL or WC_SOURCE_DIR (one
 * HTML page) picks the reader; WC_SOURCE_UNKNOWN detects as for files.
 */
wc_status wc_dump_open_mem(wc_dump **out, const void *data, size_t len, const char *name,
                           wc_source force, const wc_dump_opts *opts, wc_error *err);

/*
 * Is a file of this name inside a walked folder a dump of its own (.warc,
 * .jsonl, .ndjson, each optionally .gz, or a gzipped .html)? The walk
 * reads those after the folder's pages, each through its own reader.
 */
bool wc_dump_nested_name(const char *name);
/* Is it one of those that holds one page (a gzipped .html, .htm or .xhtml)? */
bool wc_dump_nested_page_name(const char *name);

#endif
