/*
 * warc.c - the WARC reader: article pages out of web archives.
 *
 * A WARC file (ISO 28500; WARC 1.0 and 1.1 share the framing) is a
 * sequence of records, each
 *
 *     WARC/1.1 CRLF
 *     Named-Field: value CRLF ...          (the WARC header)
 *     CRLF
 *     <Content-Length bytes of block>
 *     CRLF CRLF
 *
 * and a .warc.gz is the same with each record compressed as its own gzip
 * member (wget --warc-file, Heritrix, Common Crawl), so a record can be
 * found and read by the offset of its member. The byte source (gzread.c)
 * inflates member by member and tells which member a position lies in;
 * a file compressed as one member (gzip crawl.warc) reads the same way,
 * its records all sitting in member 0 (stream_offset then locates them).
 *
 * Only `response` records with a 200 HTML payload become records (see
 * dump.h for what is skipped and why); their block is an HTTP response,
 * decoded by http_payload.c.
 *
 * Memory: a record is held in the window only when it is wanted (an HTML
 * response, at most max_record) or small (a request or metadata record
 * under KEEP_SMALL, held so that a wrong length can be undone). Anything
 * else streams through: a 4 GB video response costs a few hundred KiB.
 *
 * Recovery. Lengths are the only framing, so a wrong one would derail
 * the rest of the file; every block is therefore checked to be followed
 * by CRLF CRLF (or, leniently, by fewer line ends and the next "WARC/1."
 * or the end of file). When it is not, the record is reported, the reader
 * goes back to the start of the block when it still holds it, and looks
 * for the next record start, the resynchronisation point: a line starting
 * with "WARC/1.", or a whole version line ("WARC/1.0" CRLF) glued to the
 * bytes before it. The second kind is what a crawler that was killed
 * mid-write and restarted leaves: the cut record's last bytes have no line
 * end, and the new record follows them at once. The same scan skips
 * garbage between records, and a header with a record start inside it is
 * a header cut short. A block too big to hold is watched as it streams
 * past: the first record start in it is held (up to KEEP_SMALL bytes) so
 * that a cut block can be undone too. A damaged gzip member is reported
 * and reading goes on at the next gzip header, or, when the member was cut
 * and the next one's header came in the middle of it, at that header
 * (gzread.c). A file that ends inside a record or a gzip member ends the
 * input with an error; the records before it have been handed out.
 *
 * Not done: ARC (the pre-WARC format), segmented records (continuations
 * are skipped), revisit records (no payload: skipped), request-side
 * information, and payload digests (not verified).
 */
#define _GNU_SOURCE
#include "dump_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/charset.h"
#include "wirecopy/date.h"

#include "internal.h"

/* 256 KiB: a WARC header; real ones are under 2 KiB (long URIs, many fields). */
#define WARC_MAX_HEADER ((size_t)256 << 10)
/* 1 MiB: skipped blocks up to this size are held so a wrong Content-Length can be undone. */
#define KEEP_SMALL ((size_t)1 << 20)
/* Bytes after a block that decide whether its length was right: CRLF CRLF + "WARC/1.". */
#define TRAILER_PEEK 11
/* "WARC/1.0" CRLF: the version line that marks a record start even in the middle of a line. */
#define VERSION_LINE 10

/*
 * Caps of the reader's buffers. A payload is decoded to at most max_record
 * bytes (the decoder reaches one byte past the cap to see an overflow);
 * the target URI is a WARC header value and the Content-Type an HTTP
 * header value, so neither is longer than its header; a charset label
 * that wc_charset_param accepts is shorter than WC_CHARSET_NAME_MAX.
 */
#define WARC_BODY_CAP(max_record) ((max_record) + 64)
#define WARC_URL_CAP WARC_MAX_HEADER
#define WARC_CTYPE_CAP WC_HTTP_MAX_HEAD
#define WARC_CHARSET_CAP WC_CHARSET_NAME_MAX

enum warc_type { WT_NONE, WT_RESPONSE, WT_OTHER };

/* What the reader keeps between calls; every record pointer is borrowed from here. */
struct warc_state {
    wc_buf body;    /* decoded payload of the record handed out */
    wc_buf tmp;     /* decoding scratch */
    wc_buf url;     /* WARC-Target-URI without <> */
    wc_buf ctype;   /* HTTP Content-Type, folding undone */
    wc_buf charset; /* its charset parameter */
};

/* The WARC header fields the reader uses, parsed out of the header bytes. */
struct warc_fields {
    enum warc_type type;
    bool has_type;
    bool has_len;
    bool bad_len;      /* Content-Length present but not a number, or given twice differently */
    uint64_t len;      /* Content-Length */
    char len_text[24]; /* its text, for messages */
    bool http;         /* Content-Type application/http, or none given */
    bool segmented;    /* WARC-Segment-Number present */
    int64_t date;      /* WARC-Date, WC_TIME_NONE when absent or unparsable */
};

/* The record being read: where it is (worked out before the window moves on) and its header. */
struct rec_ctx {
    uint64_t pos;         /* decoded stream offset of "WARC/1." */
    uint64_t off;         /* file offset: pos, or its gzip member's offset */
    char at[96];          /* "offset N" for messages */
    struct warc_fields f; /* the header fields */
};

/* What one step of the loop came to. */
enum step { STEP_AGAIN, STEP_RECORD, STEP_END };

static bool is_warc_start(const char *p, size_t avail)
{
    return avail >= 7 && memcmp(p, "WARC/1.", 7) == 0;
}

/*
 * Does a record start at p (avail bytes held)? At a line start "WARC/1."
 * is enough. Glued to bytes before it (a record cut by a writer that was
 * killed, junk without a line end) it must be a whole version line,
 * "WARC/1.N" and CRLF or LF: the restarted writer's first record. 1 yes,
 * 0 no, -1 when the held bytes end too soon to tell and more may come.
 */
static int record_start(const char *p, size_t avail, bool line_start, bool more)
{
    if (avail < 7)
        return more ? -1 : 0;
    if (!is_warc_start(p, avail))
        return 0;
    if (line_start)
        return 1;
    if (avail < VERSION_LINE - 1 || (avail == VERSION_LINE - 1 && p[8] == '\r'))
        return more ? -1 : 0;
    return p[7] >= '0' && p[7] <= '9' && (p[8] == '\n' || (p[8] == '\r' && p[9] == '\n'));
}

/*
 * The first place in p[from..avail) where a record starts, or may start
 * once more bytes come (*sure false); -1 for none. p[0] starts a line
 * when line_start; more: the stream has not stopped.
 */
static long find_record_start(const char *p, size_t avail, size_t from, bool line_start, bool more,
                              bool *sure)
{
    size_t i = from;

    while (i < avail) {
        const char *hit = memmem(p + i, avail - i, "WARC/1.", 7);
        size_t j;
        int r;

        if (!hit)
            return -1;
        j = (size_t)(hit - p);
        r = record_start(hit, avail - j, j == 0 ? line_start : p[j - 1] == '\n', more);
        if (r != 0) {
            *sure = r > 0;
            return (long)j;
        }
        i = j + 1;
    }
    return -1;
}

/* "offset N" for decoded position pos, and where it is in the stream when that helps. */
static void where(const wc_dump *d, uint64_t pos, char *out, size_t outlen)
{
    uint64_t mdpos, off = wc_in_file_offset(&d->in, pos, &mdpos);

    if (d->in.gz && mdpos != pos)
        snprintf(out, outlen, "offset %llu (byte %llu decompressed)", (unsigned long long)off,
                 (unsigned long long)pos);
    else
        snprintf(out, outlen, "offset %llu", (unsigned long long)off);
}

static enum step end_with(wc_dump *d, wc_status *status, wc_error *err, wc_status code,
                          const char *msg)
{
    d->finished = true;
    *status = wc_error_set(err, code, "%s", msg);
    if (err && code == WC_ERR_IO)
        err->sys = d->in.stop_errno;
    return STEP_END;
}

/*
 * The stream stopped where a record should start, or inside one. EOF at a
 * boundary is the end; a damaged gzip member is reported and skipped;
 * truncation and read errors end the input.
 */
static enum step on_stop(wc_dump *d, const struct rec_ctx *rc, wc_status *status, wc_error *err)
{
    char msg[WC_ERROR_MSG_MAX];

    switch (d->in.state) {
    case WC_IN_CORRUPT:
        wc_in_describe_stop(&d->in, msg, sizeof(msg));
        if (rc) {
            wc_dump_problem(d, WC_ERR_PARSE, "%s; record at %s lost", msg, rc->at);
        } else {
            wc_dump_problem(d, WC_ERR_PARSE, "%s", msg);
        }
        wc_in_unmark(&d->in);
        wc_in_resume(&d->in);
        return STEP_AGAIN;
    case WC_IN_TRUNCATED:
        wc_in_describe_stop(&d->in, msg, sizeof(msg));
        return end_with(d, status, err, WC_ERR_PARSE, msg);
    case WC_IN_FAILED:
        wc_in_describe_stop(&d->in, msg, sizeof(msg));
        return end_with(d, status, err, WC_ERR_IO, msg);
    default:
        if (!rc) {
            d->finished = true;
            *status = WC_DONE;
            return STEP_END;
        }
        snprintf(msg, sizeof(msg), "truncated WARC record in '%s' at %s", d->origin, rc->at);
        return end_with(d, status, err, WC_ERR_PARSE, msg);
    }
}

/* Skip the line ends between records. */
static wc_status skip_blank(wc_in *in)
{
    wc_status st;

    for (;;) {
        const char *p = wc_in_ptr(in);
        size_t avail = wc_in_avail(in), i = 0;

        while (i < avail && (p[i] == '\r' || p[i] == '\n'))
            i++;
        wc_in_consume(in, i);
        if (i < avail)
            return WC_OK;
        if (in->state != WC_IN_RUN)
            return WC_OK;
        if ((st = wc_in_fill(in, 1)) != WC_OK)
            return st;
        if (!wc_in_avail(in) && in->state != WC_IN_RUN)
            return WC_OK;
    }
}

/* Where resync may find a record: at the current position too, or only after it. */
enum here {
    HERE_LINE,  /* a line starts here (after a header, at a block start) */
    HERE_GLUED, /* bytes came before with no line end known (after a block) */
    HERE_PAST,  /* not here: what is here was tried and is no record */
};

/*
 * Move to the next record start (see record_start: a line starting with
 * "WARC/1.", or a version line glued to the bytes before it), or to where
 * the stream stops.
 */
static wc_status resync(wc_in *in, enum here here)
{
    bool line_start = here == HERE_LINE;
    size_t from = here == HERE_PAST ? 1 : 0;
    wc_status st;

    wc_in_unmark(in);
    for (;;) {
        const char *p = wc_in_ptr(in);
        size_t avail = wc_in_avail(in), drop;
        bool more = in->state == WC_IN_RUN, sure = false;
        long j = find_record_start(p, avail, from, line_start, more, &sure);

        if (j >= 0 && sure) {
            wc_in_consume(in, (size_t)j);
            return WC_OK;
        }
        if (!more) {
            wc_in_consume(in, avail);
            return WC_OK;
        }
        /* keep a start still undecided, or the last bytes: one may straddle the refill */
        drop = j >= 0 ? (size_t)j : avail > VERSION_LINE ? avail - VERSION_LINE : 0;
        if (drop > 0) {
            line_start = p[drop - 1] == '\n';
            from = 0;
            wc_in_consume(in, drop);
        }
        if ((st = wc_in_fill(in, avail - drop + 1)) != WC_OK)
            return st;
    }
}

/*
 * Find the blank line that ends the WARC header at the current position.
 * WC_OK with *hlen; WC_ERR_LIMIT when over WARC_MAX_HEADER; WC_DONE when
 * the stream stops first.
 */
static wc_status find_header_end(wc_in *in, size_t *hlen)
{
    size_t scan = 0;
    wc_status st;

    for (;;) {
        const char *p = wc_in_ptr(in);
        size_t avail = wc_in_avail(in);

        while (scan < avail) {
            const char *nl = memchr(p + scan, '\n', avail - scan);
            size_t i;

            if (!nl) {
                scan = avail;
                break;
            }
            i = (size_t)(nl - p);
            if (i + 1 < avail && p[i + 1] == '\n') {
                *hlen = i + 2;
                return WC_OK;
            }
            if (i + 2 < avail && p[i + 1] == '\r' && p[i + 2] == '\n') {
                *hlen = i + 3;
                return WC_OK;
            }
            if ((i + 1 >= avail || (p[i + 1] == '\r' && i + 2 >= avail)) &&
                in->state == WC_IN_RUN) {
                scan = i; /* need the next bytes to decide */
                break;
            }
            scan = i + 1;
        }
        if (avail >= WARC_MAX_HEADER)
            return WC_ERR_LIMIT;
        if (in->state != WC_IN_RUN)
            return WC_DONE;
        if ((st = wc_in_fill(in, avail + 1)) != WC_OK)
            return st;
    }
}

/* The fields of the WARC header p[0..len) the reader needs (folded lines are ignored). */
static void parse_fields(const char *p, size_t len, struct warc_fields *f)
{
    const char *end = p + len, *line, *nl;
    const char *date = NULL;
    size_t date_len = 0;

    memset(f, 0, sizeof(*f));
    f->http = true;
    f->date = WC_TIME_NONE;
    nl = memchr(p, '\n', len);
    line = nl ? nl + 1 : end;
    while (line < end) {
        const char *colon, *name, *val;
        size_t llen, nlen, vlen;

        nl = memchr(line, '\n', (size_t)(end - line));
        llen = nl ? (size_t)(nl - line) : (size_t)(end - line);
        if (llen && line[llen - 1] == '\r')
            llen--;
        colon = llen && line[0] != ' ' && line[0] != '\t' ? memchr(line, ':', llen) : NULL;
        if (colon) {
            name = line;
            nlen = (size_t)(colon - line);
            val = colon + 1;
            vlen = llen - nlen - 1;
            wc_mem_trim(&name, &nlen);
            wc_mem_trim(&val, &vlen);
            if (wc_mem_ieq(name, nlen, "WARC-Type")) {
                f->has_type = true;
                f->type = wc_mem_ieq(val, vlen, "response") ? WT_RESPONSE : WT_OTHER;
            } else if (wc_mem_ieq(name, nlen, "Content-Length")) {
                uint64_t v;
                bool ok = wc_parse_u64(val, vlen, &v);

                if (!f->has_len || f->bad_len) {
                    snprintf(f->len_text, sizeof(f->len_text), "%.*s",
                             (int)WC_MIN(vlen, sizeof(f->len_text) - 1), val);
                    f->bad_len = !ok;
                    f->len = v;
                } else if (!ok || v != f->len) {
                    f->bad_len = true;
                }
                if (!ok)
                    f->bad_len = true;
                f->has_len = true;
            } else if (wc_mem_ieq(name, nlen, "WARC-Date")) {
                date = val;
                date_len = vlen;
            } else if (wc_mem_ieq(name, nlen, "Content-Type")) {
                f->http = wc_mem_istarts(val, vlen, "application/http");
            } else if (wc_mem_ieq(name, nlen, "WARC-Segment-Number")) {
                f->segmented = true;
            }
        }
        line = nl ? nl + 1 : end;
    }
    if (date)
        wc_date_parse(date, date_len, &f->date);
}

/* Does the header p[0..len) have a line starting with the field name (and its colon)? */
static bool has_field(const char *p, size_t len, const char *name)
{
    size_t n = strlen(name), i = 0;

    while (i < len) {
        const char *nl = memchr(p + i, '\n', len - i);
        size_t llen = nl ? (size_t)(nl - (p + i)) : len - i;

        if (llen > n && p[i + n] == ':' && wc_mem_ieq(p + i, n, name))
            return true;
        i += llen + 1;
    }
    return false;
}

/*
 * Are p[0..len) a whole header of their own, with the four fields every
 * record has (ISO 28500 section 5)? A version line glued inside a header
 * is a cut only then: a Target-URI ending in ".../WARC/1.1" is not.
 */
static bool whole_header(const char *p, size_t len)
{
    return has_field(p, len, "WARC-Record-ID") && has_field(p, len, "WARC-Type") &&
           has_field(p, len, "WARC-Date") && has_field(p, len, "Content-Length");
}

/* Copy WARC-Target-URI into ws->url (without the <> some writers add). */
static wc_status take_uri(struct warc_state *ws, const char *p, size_t len)
{
    const char *end = p + len, *line, *nl;

    wc_buf_reset(&ws->url);
    nl = memchr(p, '\n', len);
    line = nl ? nl + 1 : end;
    while (line < end) {
        const char *colon, *val;
        size_t llen, vlen, nlen;
        const char *name;

        nl = memchr(line, '\n', (size_t)(end - line));
        llen = nl ? (size_t)(nl - line) : (size_t)(end - line);
        colon = memchr(line, ':', llen);
        if (colon && line[0] != ' ' && line[0] != '\t') {
            name = line;
            nlen = (size_t)(colon - line);
            wc_mem_trim(&name, &nlen);
            if (wc_mem_ieq(name, nlen, "WARC-Target-URI")) {
                val = colon + 1;
                vlen = (size_t)(line + llen - val);
                wc_mem_trim(&val, &vlen);
                if (vlen >= 2 && val[0] == '<' && val[vlen - 1] == '>') {
                    val++;
                    vlen -= 2;
                    wc_mem_trim(&val, &vlen);
                }
                return wc_buf_add(&ws->url, val, vlen);
            }
        }
        line = nl ? nl + 1 : end;
    }
    return WC_OK;
}

/*
 * Check the bytes after a block of len bytes at the current position.
 * Returns how many line-end bytes to consume, or -1 when the length was
 * evidently wrong. Needs len + TRAILER_PEEK bytes available (or the stream
 * to have stopped).
 */
static long trailer_len(const wc_in *in, uint64_t len)
{
    const char *p = wc_in_ptr(in) + len;
    size_t avail = wc_in_avail(in) - (size_t)len, k = 0;

    if (avail >= 4 && memcmp(p, "\r\n\r\n", 4) == 0)
        return 4;
    while (k < 4 && k < avail && (p[k] == '\r' || p[k] == '\n'))
        k++;
    if (k == avail && in->state != WC_IN_RUN)
        return (long)k; /* the file ends after the block */
    if (k > 0 && is_warc_start(p + k, avail - k))
        return (long)k; /* a writer that skimps on line ends: lenient */
    return -1;
}

/*
 * The block of a record is not followed by the record end. Report it; go
 * back to the block start when still held, and find the next record.
 */
static wc_status bad_length(wc_dump *d, const struct rec_ctx *rc, bool held)
{
    wc_dump_problem(d, WC_ERR_PARSE,
                    "bad Content-Length %llu in '%s' at %s: the block is not followed by "
                    "the record end",
                    (unsigned long long)rc->f.len, d->origin, rc->at);
    if (held)
        wc_in_rewind(&d->in);
    return resync(&d->in, held ? HERE_LINE : HERE_GLUED);
}

/*
 * The stream stopped inside a block. A damaged gzip member is reported
 * and skipped; when the block is held and another record starts inside
 * it, the length was wrong; otherwise the file is truncated.
 */
static enum step short_block(wc_dump *d, const struct rec_ctx *rc, bool held, wc_status *status,
                             wc_error *err)
{
    if (d->in.state == WC_IN_CORRUPT || d->in.state == WC_IN_FAILED)
        return on_stop(d, rc, status, err);
    if (held) {
        const char *p;
        size_t avail;
        bool sure = false;
        long j;

        wc_in_rewind(&d->in);
        p = wc_in_ptr(&d->in);
        avail = wc_in_avail(&d->in);
        j = find_record_start(p, avail, 0, true, false, &sure);
        if (j >= 0 && sure) {
            wc_dump_problem(d, WC_ERR_PARSE,
                            "bad Content-Length %llu in '%s' at %s: the block runs into "
                            "the next record",
                            (unsigned long long)rc->f.len, d->origin, rc->at);
            wc_in_unmark(&d->in);
            wc_in_consume(&d->in, (size_t)j);
            return STEP_AGAIN;
        }
    }
    wc_in_unmark(&d->in);
    return on_stop(d, rc, status, err);
}

/*
 * The first record start at or after the mark, held in the window (found
 * no further than the reader's position), becomes the mark; none: unmark.
 */
static void hold_next_start(wc_in *in)
{
    bool sure = false;
    long j = find_record_start(in->win + in->mark, in->end - in->mark, 1, true,
                               in->state == WC_IN_RUN, &sure);

    if (j < 0 || (size_t)j >= in->cur - in->mark)
        wc_in_unmark(in);
    else
        in->mark += (size_t)j;
}

/*
 * Stream past the len bytes of a block too big to hold, watching them for
 * a record start: the first one seen is held from a mark, at most
 * KEEP_SMALL bytes behind the reader (then the next one after it is held
 * instead), so that a block cut short by a writer that was killed can be
 * undone at the record the restarted writer wrote. *done = bytes passed;
 * in->marked says whether a start is held.
 */
static wc_status skip_watching(wc_in *in, uint64_t len, uint64_t *done)
{
    uint64_t left = len;
    bool line_start = true; /* a block follows the blank line of its header */
    wc_status st = WC_OK;

    wc_in_unmark(in);
    while (left) {
        const char *p;
        size_t avail, take;
        bool sure = false;
        long j;

        if ((st = wc_in_fill(in, VERSION_LINE)) != WC_OK)
            break;
        p = wc_in_ptr(in);
        avail = wc_in_avail(in);
        if (!avail)
            break;
        take = avail < left ? avail : (size_t)left;
        if (!in->marked &&
            (j = find_record_start(p, avail, 0, line_start, in->state == WC_IN_RUN, &sure)) >= 0 &&
            (size_t)j < take) {
            /* held from here on; a start still undecided is judged when it is gone back to */
            wc_in_consume(in, (size_t)j);
            left -= (size_t)j;
            wc_in_set_mark(in);
            take -= (size_t)j;
            p += j;
        }
        if (take == 0)
            continue;
        wc_in_consume(in, take);
        left -= take;
        line_start = p[take - 1] == '\n';
        while (in->marked && in->cur - in->mark > KEEP_SMALL)
            hold_next_start(in);
    }
    *done = len - left;
    return st;
}

/* Pass over the block of a record that is not handed out. */
static enum step skip_block(wc_dump *d, const struct rec_ctx *rc, wc_status *status, wc_error *err)
{
    wc_in *in = &d->in;
    const struct warc_fields *f = &rc->f;
    wc_status st;
    long t;

    if (f->len + TRAILER_PEEK <= WC_MIN(KEEP_SMALL, in->max)) {
        if (!in->marked)
            wc_in_set_mark(in);
        if ((st = wc_in_fill(in, (size_t)f->len + TRAILER_PEEK)) != WC_OK)
            return end_with(d, status, err, st, "out of memory reading WARC");
        if (wc_in_avail(in) < f->len)
            return short_block(d, rc, true, status, err);
        t = trailer_len(in, f->len);
        if (t < 0) {
            if ((st = bad_length(d, rc, true)) != WC_OK)
                return end_with(d, status, err, st, "out of memory reading WARC");
            return STEP_AGAIN;
        }
        wc_in_unmark(in);
        wc_in_consume(in, (size_t)f->len + (size_t)t);
        return STEP_AGAIN;
    }
    {
        uint64_t done;

        if ((st = skip_watching(in, f->len, &done)) != WC_OK)
            return end_with(d, status, err, st, "out of memory reading WARC");
        if (done < f->len)
            return short_block(d, rc, in->marked, status, err);
        if ((st = wc_in_fill(in, TRAILER_PEEK)) != WC_OK)
            return end_with(d, status, err, st, "out of memory reading WARC");
        t = trailer_len(in, 0);
        if (t < 0) {
            if ((st = bad_length(d, rc, in->marked)) != WC_OK)
                return end_with(d, status, err, st, "out of memory reading WARC");
            return STEP_AGAIN;
        }
        wc_in_unmark(in);
        wc_in_consume(in, (size_t)t);
        return STEP_AGAIN;
    }
}

/* Copy a Content-Type value with folding undone (line ends and tabs become spaces). */
static wc_status take_ctype(struct warc_state *ws, const char *p, size_t len)
{
    size_t i;
    wc_status st;
    const char *cs;
    size_t cslen;

    wc_buf_reset(&ws->ctype);
    wc_buf_reset(&ws->charset);
    if ((st = wc_buf_grow(&ws->ctype, len)) != WC_OK)
        return st;
    for (i = 0; i < len; i++) {
        char c = p[i];

        if (c == '\r' || c == '\n' || c == '\t')
            c = ' ';
        if (c == ' ' && ws->ctype.len && ws->ctype.buf[ws->ctype.len - 1] == ' ')
            continue;
        if (c == '\0')
            continue;
        ws->ctype.buf[ws->ctype.len++] = c;
    }
    ws->ctype.buf[ws->ctype.len] = '\0';
    if (wc_charset_param(ws->ctype.buf, ws->ctype.len, &cs, &cslen))
        return wc_buf_add(&ws->charset, cs, cslen);
    return WC_OK;
}

/* A response record: peek at the HTTP head, then hold and decode the wanted ones. */
static enum step response(wc_dump *d, const struct rec_ctx *rc, wc_record *rec, wc_status *status,
                          wc_error *err)
{
    struct warc_state *ws = d->state;
    wc_in *in = &d->in;
    const struct warc_fields *f = &rc->f;
    wc_http_head h;
    wc_error herr = WC_ERROR_INIT;
    size_t peek = (size_t)WC_MIN(f->len, (uint64_t)WC_HTTP_MAX_HEAD);
    bool have_type;
    wc_status st;
    long t;

    wc_in_set_mark(in);
    if ((st = wc_in_fill(in, peek)) != WC_OK)
        return end_with(d, status, err, st, "out of memory reading WARC");
    if (wc_in_avail(in) < peek)
        return short_block(d, rc, true, status, err);
    st = wc_http_parse_head(wc_in_ptr(in), peek, &h, &herr);
    if (st != WC_OK) {
        if (st == WC_ERR_LIMIT && peek < f->len)
            wc_dump_problem(d, WC_ERR_LIMIT,
                            "HTTP header over %zu bytes in response record in '%s' at %s",
                            WC_HTTP_MAX_HEAD, d->origin, rc->at);
        else
            wc_dump_problem(d, WC_ERR_PARSE, "bad HTTP response in '%s' at %s: %s", d->origin,
                            rc->at, herr.msg);
        return skip_block(d, rc, status, err);
    }
    if (h.status != 200 || (h.ctype && !wc_http_type_is_html(h.ctype, h.ctype_len))) {
        d->stats.skipped++;
        return skip_block(d, rc, status, err);
    }
    if (f->len > d->max_record) {
        wc_dump_problem(d, WC_ERR_LIMIT, "record of %llu bytes over the cap of %zu in '%s' at %s",
                        (unsigned long long)f->len, d->max_record, d->origin, rc->at);
        return skip_block(d, rc, status, err);
    }
    have_type = h.ctype != NULL;
    if (have_type && take_ctype(ws, h.ctype, h.ctype_len) != WC_OK)
        return end_with(d, status, err, WC_ERR_NOMEM, "out of memory reading WARC");
    if (!have_type) {
        wc_buf_reset(&ws->ctype);
        wc_buf_reset(&ws->charset);
    }
    /* the whole block, then the bytes that prove its length right */
    if ((st = wc_in_fill(in, (size_t)f->len + TRAILER_PEEK)) != WC_OK)
        return end_with(d, status, err, st, "out of memory reading WARC");
    if (wc_in_avail(in) < f->len)
        return short_block(d, rc, true, status, err);
    t = trailer_len(in, f->len);
    if (t < 0) {
        if ((st = bad_length(d, rc, true)) != WC_OK)
            return end_with(d, status, err, st, "out of memory reading WARC");
        return STEP_AGAIN;
    }
    /*
     * A gzip member that failed its CRC check after giving out this
     * record's last bytes: the bytes cannot be trusted, drop the record.
     */
    if (in->state == WC_IN_CORRUPT &&
        wc_in_file_offset(in, wc_in_pos(in) + f->len - 1, NULL) == in->stop_off)
        return on_stop(d, rc, status, err);
    /* the window moved: parse the head again where it now is */
    if (wc_http_parse_head(wc_in_ptr(in), peek, &h, &herr) != WC_OK)
        return end_with(d, status, err, WC_ERR_PARSE, "HTTP head changed under the reader");
    st = wc_http_decode_body(&h, wc_in_ptr(in) + h.head_len, (size_t)f->len - h.head_len, &ws->body,
                             &ws->tmp, d->max_record, &herr);
    wc_in_unmark(in);
    wc_in_consume(in, (size_t)f->len + (size_t)t);
    if (st == WC_ERR_NOMEM)
        return end_with(d, status, err, st, "out of memory decoding a WARC payload");
    if (st != WC_OK) {
        wc_dump_problem(d, st, "%s in '%s' at %s", herr.msg, d->origin, rc->at);
        return STEP_AGAIN;
    }
    if (!have_type && !wc_http_sniff_html(ws->body.buf, ws->body.len)) {
        d->stats.skipped++;
        return STEP_AGAIN;
    }
    memset(rec, 0, sizeof(*rec));
    rec->source = WC_SOURCE_WARC;
    rec->origin = d->origin;
    rec->offset = rc->off;
    rec->stream_offset = rc->pos;
    rec->url = ws->url.len ? ws->url.buf : NULL;
    rec->published_at = WC_TIME_NONE;
    rec->fetched_at = f->date;
    rec->content_type = have_type ? ws->ctype.buf : NULL;
    rec->charset = ws->charset.len ? ws->charset.buf : NULL;
    rec->body = ws->body.buf;
    rec->len = ws->body.len;
    rec->is_html = true;
    return STEP_RECORD;
}

/* One record, or a reason to go round again, or the end. */
static enum step step(wc_dump *d, wc_record *rec, wc_status *status, wc_error *err)
{
    struct warc_state *ws = d->state;
    wc_in *in = &d->in;
    struct rec_ctx rc;
    size_t hlen;
    wc_status st;

    if ((st = skip_blank(in)) != WC_OK)
        return end_with(d, status, err, st, "out of memory reading WARC");
    if (!wc_in_avail(in))
        return on_stop(d, NULL, status, err);
    if ((st = wc_in_fill(in, 8)) != WC_OK)
        return end_with(d, status, err, st, "out of memory reading WARC");
    rc.pos = wc_in_pos(in);
    rc.off = wc_in_file_offset(in, rc.pos, NULL);
    where(d, rc.pos, rc.at, sizeof(rc.at));
    if (!is_warc_start(wc_in_ptr(in), wc_in_avail(in))) {
        wc_dump_problem(d, WC_ERR_PARSE, "garbage in '%s' at %s: not a WARC record", d->origin,
                        rc.at);
        if ((st = resync(in, HERE_PAST)) != WC_OK)
            return end_with(d, status, err, st, "out of memory reading WARC");
        return STEP_AGAIN;
    }
    st = find_header_end(in, &hlen);
    if (st == WC_DONE)
        return on_stop(d, &rc, status, err);
    if (st == WC_ERR_LIMIT) {
        wc_dump_problem(d, WC_ERR_LIMIT, "WARC header over %zu bytes in '%s' at %s",
                        WARC_MAX_HEADER, d->origin, rc.at);
        if ((st = resync(in, HERE_PAST)) != WC_OK)
            return end_with(d, status, err, st, "out of memory reading WARC");
        return STEP_AGAIN;
    }
    if (st != WC_OK)
        return end_with(d, status, err, st, "out of memory reading WARC");
    /* the writer was killed inside this header: the restarted writer's record starts in it */
    {
        const char *p = wc_in_ptr(in);
        bool sure = false;
        long j = find_record_start(p, hlen, 1, true, false, &sure);

        if (j > 0 && sure && (p[j - 1] == '\n' || whole_header(p + j, hlen - (size_t)j))) {
            wc_dump_problem(d, WC_ERR_PARSE, "truncated WARC header in '%s' at %s", d->origin,
                            rc.at);
            wc_in_consume(in, (size_t)j);
            return STEP_AGAIN;
        }
    }
    parse_fields(wc_in_ptr(in), hlen, &rc.f);
    if (take_uri(ws, wc_in_ptr(in), hlen) != WC_OK)
        return end_with(d, status, err, WC_ERR_NOMEM, "out of memory reading WARC");
    wc_in_consume(in, hlen);
    if (!rc.f.has_len || rc.f.bad_len) {
        if (rc.f.has_len)
            wc_dump_problem(d, WC_ERR_PARSE, "bad Content-Length '%s' in '%s' at %s", rc.f.len_text,
                            d->origin, rc.at);
        else
            wc_dump_problem(d, WC_ERR_PARSE, "missing Content-Length in '%s' at %s", d->origin,
                            rc.at);
        if ((st = resync(in, HERE_LINE)) != WC_OK)
            return end_with(d, status, err, st, "out of memory reading WARC");
        return STEP_AGAIN;
    }
    if (!rc.f.has_type) {
        wc_dump_problem(d, WC_ERR_PARSE, "missing WARC-Type in '%s' at %s", d->origin, rc.at);
        return skip_block(d, &rc, status, err);
    }
    if (rc.f.type != WT_RESPONSE || !rc.f.http || rc.f.segmented || rc.f.len == 0) {
        d->stats.skipped++;
        return skip_block(d, &rc, status, err);
    }
    return response(d, &rc, rec, status, err);
}

static wc_status warc_next(wc_dump *d, wc_record *rec, wc_error *err)
{
    wc_status status = WC_OK;

    for (;;) {
        switch (step(d, rec, &status, err)) {
        case STEP_RECORD:
            return WC_OK;
        case STEP_END:
            return status;
        case STEP_AGAIN:
            break;
        }
    }
}

static void warc_release(wc_dump *d)
{
    struct warc_state *ws = d->state;

    if (!ws)
        return;
    wc_buf_release(&ws->body);
    wc_buf_release(&ws->tmp);
    wc_buf_release(&ws->url);
    wc_buf_release(&ws->ctype);
    wc_buf_release(&ws->charset);
    free(ws);
    d->state = NULL;
}

static const wc_dump_reader warc_reader = {WC_SOURCE_WARC, warc_next, warc_release};

wc_status wc_warc_start(wc_dump *d, wc_error *err)
{
    struct warc_state *ws = calloc(1, sizeof(*ws));

    if (!ws)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory opening '%s'", d->origin);
    wc_buf_init(&ws->body, WARC_BODY_CAP(d->max_record));
    wc_buf_init(&ws->tmp, WARC_BODY_CAP(d->max_record));
    wc_buf_init(&ws->url, WARC_URL_CAP);
    wc_buf_init(&ws->ctype, WARC_CTYPE_CAP);
    wc_buf_init(&ws->charset, WARC_CHARSET_CAP);
    d->state = ws;
    d->reader = &warc_reader;
    return WC_OK;
}
