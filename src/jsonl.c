/*
 * jsonl.c - the JSONL reader: one article per line of JSON.
 *
 * Each line is an object parsed with jansson's json_loadb; the reader
 * takes `html` (or `text` when there is no non-empty `html`: html wins
 * when both are there), and the optional `id` (string, or a number turned
 * into its decimal text), `url`, `title` and `published` (a date string
 * in any form date.c knows, or a number of seconds since the epoch).
 * Fields of other types are ignored, as if absent.
 *
 * Lines are found with memchr straight in the byte source's window (no
 * copy, no per-byte call of ours), so the reader costs one memchr and one
 * json_loadb per line; the strings handed out are jansson's own, borrowed
 * until the next call. .jsonl.gz reads the same through gzread.c.
 *
 * Bad lines are reported with file and line and skipped: malformed JSON
 * (with jansson's column and reason), a value that is not an object, an
 * object with neither `html` nor `text` string, a line longer than
 * max_record (streamed past, never held). Blank lines are ignored; CRLF
 * line ends and a UTF-8 byte order mark on the first line are accepted.
 *
 * Invalid UTF-8: jansson refuses a document with ill-formed UTF-8 in a
 * string (no decoding flag relaxes that; JSON_ALLOW_NUL only admits
 * \u0000). Losing an article to one stray Latin-1 byte would be a poor
 * trade, so such a line is repaired with wc_utf8_sanitize (each ill-formed
 * sequence becomes U+FFFD), parsed again, handed out, counted in
 * stats.repaired and reported as a WC_ERR_ENCODING warning.
 *
 * Not done: JSON arrays of objects (a different format), objects spread
 * over several lines (JSONL is one per line, and the line cap relies on
 * it), nested field paths.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wirecopy/date.h"

#include "dump_internal.h"
#include "internal.h"

struct jsonl_state {
    json_t *root;  /* object of the record handed out last; its strings are borrowed */
    uint64_t line; /* 1-based number of the last line read */
    wc_buf fix;    /* a line with its invalid UTF-8 repaired */
    char id[48];   /* a numeric `id` as text */
};

/* A string member of obj, NULL when absent, not a string, or empty. */
static const char *str_field(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    const char *s;

    if (!json_is_string(v))
        return NULL;
    s = json_string_value(v);
    return s && s[0] ? s : NULL;
}

static const char *id_field(struct jsonl_state *js, json_t *obj)
{
    json_t *v = json_object_get(obj, "id");

    if (json_is_string(v))
        return json_string_length(v) ? json_string_value(v) : NULL;
    if (json_is_integer(v)) {
        snprintf(js->id, sizeof(js->id), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return js->id;
    }
    if (json_is_real(v)) {
        snprintf(js->id, sizeof(js->id), "%.17g", json_real_value(v));
        return js->id;
    }
    return NULL;
}

static int64_t published_field(json_t *obj)
{
    json_t *v = json_object_get(obj, "published");
    int64_t t = WC_TIME_NONE;

    if (json_is_string(v)) {
        if (!wc_date_parse(json_string_value(v), json_string_length(v), &t))
            t = WC_TIME_NONE;
    } else if (json_is_integer(v)) {
        t = (int64_t)json_integer_value(v);
    } else if (json_is_real(v)) {
        double x = json_real_value(v);

        if (x > -9.0e15 && x < 9.0e15)
            t = (int64_t)x - (x < 0 && (double)(int64_t)x != x);
    }
    return t;
}

/* Skip to just past the next line end, streaming (for a line over the cap). */
static wc_status skip_line(wc_in *in)
{
    wc_status st;

    for (;;) {
        const char *p = wc_in_ptr(in);
        size_t avail = wc_in_avail(in);
        const char *nl = memchr(p, '\n', avail);

        if (nl) {
            wc_in_consume(in, (size_t)(nl - p) + 1);
            return WC_OK;
        }
        wc_in_consume(in, avail);
        if (in->state != WC_IN_RUN)
            return WC_OK;
        if ((st = wc_in_fill(in, 1)) != WC_OK)
            return st;
    }
}

/* End of the input: clean, or with the reason the stream stopped. */
static wc_status at_stop(wc_dump *d, bool partial, wc_error *err, bool *again)
{
    struct jsonl_state *js = d->state;
    char msg[WC_ERROR_MSG_MAX];

    *again = false;
    switch (d->in.state) {
    case WC_IN_CORRUPT:
        wc_in_describe_stop(&d->in, msg, sizeof(msg));
        wc_dump_problem(d, WC_ERR_PARSE, "%s (after line %llu)", msg,
                        (unsigned long long)js->line);
        wc_in_resume(&d->in);
        *again = true;
        return WC_OK;
    case WC_IN_TRUNCATED:
        d->finished = true;
        wc_in_describe_stop(&d->in, msg, sizeof(msg));
        return wc_error_set(err, WC_ERR_PARSE, "%s (after line %llu%s)", msg,
                            (unsigned long long)js->line, partial ? ", a partial line lost" : "");
    case WC_IN_FAILED:
        d->finished = true;
        wc_in_describe_stop(&d->in, msg, sizeof(msg));
        wc_error_set(err, WC_ERR_IO, "%s", msg);
        if (err)
            err->sys = d->in.stop_errno;
        return WC_ERR_IO;
    default:
        d->finished = true;
        return WC_DONE;
    }
}

static wc_status jsonl_next(wc_dump *d, wc_record *rec, wc_error *err)
{
    struct jsonl_state *js = d->state;
    wc_in *in = &d->in;
    wc_status st;

    for (;;) {
        const char *p, *nl = NULL, *lp;
        size_t avail, scan = 0, llen, replaced = 0;
        uint64_t pos;
        json_error_t jerr;
        json_t *obj, *html, *text, *body;
        bool repaired = false, again;

        json_decref(js->root);
        js->root = NULL;
        /* find the next line end in the window, filling as needed */
        for (;;) {
            p = wc_in_ptr(in);
            avail = wc_in_avail(in);
            nl = scan < avail ? memchr(p + scan, '\n', avail - scan) : NULL;
            if (nl)
                break;
            scan = avail;
            if (avail > d->max_record) {
                js->line++;
                wc_dump_problem(d, WC_ERR_LIMIT, "line %llu in '%s' is over the cap of %zu bytes",
                                (unsigned long long)js->line, d->origin, d->max_record);
                if ((st = skip_line(in)) != WC_OK)
                    return wc_error_set(err, st, "out of memory reading '%s'", d->origin);
                scan = 0;
                continue;
            }
            if (in->state != WC_IN_RUN) {
                if (avail == 0 || in->state != WC_IN_EOF) {
                    wc_in_consume(in, avail);
                    st = at_stop(d, avail > 0, err, &again);
                    if (again) {
                        scan = 0;
                        continue;
                    }
                    return st;
                }
                break; /* a last line without a line end */
            }
            if ((st = wc_in_fill(in, avail + 1)) != WC_OK)
                return wc_error_set(err, st, "out of memory reading '%s'", d->origin);
        }
        llen = nl ? (size_t)(nl - p) : avail;
        pos = wc_in_pos(in);
        js->line++;
        if (llen > d->max_record) {
            /* the whole line came in one read: the cap holds all the same */
            wc_dump_problem(d, WC_ERR_LIMIT, "line %llu in '%s' is over the cap of %zu bytes",
                            (unsigned long long)js->line, d->origin, d->max_record);
            wc_in_consume(in, nl ? llen + 1 : avail);
            continue;
        }
        lp = p;
        if (llen && lp[llen - 1] == '\r')
            llen--;
        if (pos == 0 && llen >= 3 && memcmp(lp, "\xEF\xBB\xBF", 3) == 0) {
            lp += 3;
            llen -= 3;
        }
        {
            size_t i = 0;

            while (i < llen && (lp[i] == ' ' || lp[i] == '\t' || lp[i] == '\r'))
                i++;
            if (i == llen) {
                wc_in_consume(in, nl ? (size_t)(nl - p) + 1 : avail);
                continue;
            }
        }
        obj = json_loadb(lp, llen, JSON_ALLOW_NUL | JSON_DECODE_ANY, &jerr);
        if (!obj && json_error_code(&jerr) == json_error_invalid_utf8) {
            wc_buf_reset(&js->fix);
            if (wc_utf8_sanitize(&js->fix, lp, llen, &replaced) != WC_OK)
                return wc_error_set(err, WC_ERR_NOMEM, "out of memory reading '%s'", d->origin);
            obj = json_loadb(js->fix.buf, js->fix.len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &jerr);
            repaired = obj != NULL;
        }
        wc_in_consume(in, nl ? (size_t)(nl - p) + 1 : avail);
        if (!obj) {
            wc_dump_problem(d, WC_ERR_PARSE, "malformed JSON in '%s' at line %llu, column %d: %s",
                            d->origin, (unsigned long long)js->line, jerr.column, jerr.text);
            continue;
        }
        js->root = obj;
        if (!json_is_object(obj)) {
            wc_dump_problem(d, WC_ERR_PARSE, "line %llu in '%s' is not a JSON object",
                            (unsigned long long)js->line, d->origin);
            continue;
        }
        html = json_object_get(obj, "html");
        text = json_object_get(obj, "text");
        if (json_is_string(html) && (json_string_length(html) || !json_is_string(text)))
            body = html;
        else if (json_is_string(text))
            body = text;
        else {
            wc_dump_problem(d, WC_ERR_PARSE,
                            "line %llu in '%s' has no \"html\" or \"text\" string",
                            (unsigned long long)js->line, d->origin);
            continue;
        }
        if (repaired) {
            d->stats.repaired++;
            wc_dump_problem(d, WC_ERR_ENCODING,
                            "invalid UTF-8 in '%s' at line %llu: %zu sequence%s replaced by "
                            "U+FFFD",
                            d->origin, (unsigned long long)js->line, replaced,
                            replaced == 1 ? "" : "s");
        }
        memset(rec, 0, sizeof(*rec));
        rec->source = WC_SOURCE_JSONL;
        rec->origin = d->origin;
        rec->offset = wc_in_file_offset(in, pos, NULL);
        rec->stream_offset = pos;
        rec->line = js->line;
        rec->origin_id = id_field(js, obj);
        rec->url = str_field(obj, "url");
        rec->title = str_field(obj, "title");
        rec->published_at = published_field(obj);
        rec->fetched_at = WC_TIME_NONE;
        rec->body = json_string_value(body);
        rec->len = json_string_length(body);
        rec->is_html = body == html;
        return WC_OK;
    }
}

static void jsonl_release(wc_dump *d)
{
    struct jsonl_state *js = d->state;

    if (!js)
        return;
    json_decref(js->root);
    wc_buf_release(&js->fix);
    free(js);
    d->state = NULL;
}

static const wc_dump_reader jsonl_reader = {WC_SOURCE_JSONL, jsonl_next, jsonl_release};

wc_status wc_jsonl_start(wc_dump *d, wc_error *err)
{
    struct jsonl_state *js = calloc(1, sizeof(*js));

    if (!js)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory opening '%s'", d->origin);
    wc_buf_init(&js->fix, 0);
    d->state = js;
    d->reader = &jsonl_reader;
    return WC_OK;
}
