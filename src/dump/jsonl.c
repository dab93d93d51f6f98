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
 * copy, no per-byte call). .jsonl.gz reads the same through gzread.c.
 *
 * Speed: jansson decodes a string one byte per call of its stream reader
 * and costs about 136 instructions per byte (measured with callgrind);
 * at 80 MB/s it alone would take a fifth of ingest's budget. Nearly every
 * line of a dump is one flat object of strings and numbers, so a fast
 * path (wc_jsonl_fast) reads exactly that shape, scanning string bodies
 * eight bytes at a time for the only bytes that matter (quote, backslash,
 * control bytes, non-ASCII) and decoding into one reused arena. It claims
 * a line only when it is sure: whatever else it meets (nesting, any
 * syntax error, invalid UTF-8, lone surrogates, numbers out of range)
 * goes to json_loadb, which stays the authority on what a line means and
 * on every error message. fuzz/fuzz_jsonl.c checks on every input that a
 * line the fast path accepts is accepted by jansson with the same fields.
 *
 * Bad lines are reported with file and line and skipped: malformed JSON
 * (with jansson's column and reason), a value that is not an object, an
 * object with neither `html` nor `text` string, a line longer than
 * max_record (streamed past, never held). Blank lines are ignored; CRLF
 * line ends and a UTF-8 byte order mark on the first line are accepted.
 *
 * Invalid UTF-8: jansson refuses a document with ill-formed UTF-8 in a
 * string (no decoding flag relaxes that; JSON_ALLOW_NUL only admits
 * \u0000). Losing an article to one stray windows-1252 byte would be a
 * poor trade, so such a line is repaired with the project's one policy
 * (utf8.c's wc_utf8_repair: the byte is read as windows-1252, as the
 * extractor reads the same byte in a WARC page, so both give one text),
 * parsed again, handed out, counted in stats.repaired and reported as a
 * WC_ERR_ENCODING warning. The repair never writes '"', '\' or a control
 * byte, so it cannot change what the line means as JSON.
 *
 * A \u escape names a character, never a byte: a stray windows-1252 byte
 * that a producer decoded as Latin-1 travels as "\u0093", which jansson
 * accepts as the C1 control U+0093. The same policy reads C1 controls as
 * windows-1252, so `text` and `title` strings that are not already clean
 * go through the repair after decoding too (`html` is the extractor's:
 * it repairs a page whatever source it came from). A producer that kept
 * the byte with Python's "surrogateescape" writes "\uDC93", a lone
 * surrogate jansson refuses: such escapes are mended before parsing
 * again (see mend_surrogates), so that line is not lost either.
 *
 * Valid JSON that jansson refuses as it stands: a number beyond int64 or
 * double anywhere ("too big integer", "real number overflow") and U+0000
 * in a key. Such a line is mended by json.c's wc_json_mend (the number
 * becomes the string of its text, the NUL in a key U+FFFD) and parsed
 * again, so a field the reader does not use never costs the line. Of the
 * fields it uses, a numeric `id` keeps its digits as its text, and a
 * `published` number no time can be (beyond range, or past +-9e15 s) is
 * reported as a problem of that field, the record kept without a date.
 * U+0000 in a string (JSON_ALLOW_NUL) stays in `html` (the extractor's to
 * repair) and is dropped from `text` and `title` by the repair above, the
 * rest of the string kept.
 *
 * Not done: JSON arrays of objects (a different format), objects spread
 * over several lines (JSONL is one per line, and the line cap relies on
 * it), nested field paths.
 */
#define _GNU_SOURCE
#include "dump_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wirecopy/date.h"

#include "internal.h"

/*
 * Caps of the reader's buffers, from the line cap: a repaired line or
 * string grows at most 3 times (one byte read as windows-1252 is up to 3
 * bytes of UTF-8); the fast path's arena holds the decoded strings of a
 * line (never longer than the line) and an id printed from a number.
 */
#define JSONL_FIX_CAP(max_record) ((max_record)*3 + 64)
#define JSONL_ARENA_CAP(max_record) ((max_record) + 256)

struct jsonl_state {
    json_t *root;        /* jansson's object of the record handed out last (strings borrowed) */
    uint64_t line;       /* 1-based number of the last line read */
    wc_buf fix;          /* a line with its invalid UTF-8 repaired */
    wc_buf fix2;         /* ... and its lone surrogate escapes (the second repair) */
    wc_buf text_fix;     /* the record's `text` repaired (C1 controls, controls), when needed */
    wc_buf title_fix;    /* the same for `title` */
    wc_buf arena;        /* the fast path's decoded strings (borrowed by the record) */
    char id[48];         /* a numeric `id` as text (jansson path) */
    char pub_text[48];   /* a `published` number beyond jansson's range, as written (its start) */
    size_t pub_len;      /* its whole length; 0: the line had none */
    uint64_t fast, slow; /* lines taken by each path, for tuning */
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

/* Seconds from an epoch number given as a double, rounded down; WC_TIME_NONE out of range. */
static int64_t time_from_real(double x)
{
    if (x > -9.0e15 && x < 9.0e15)
        return (int64_t)x - (x < 0 && (double)(int64_t)x != x);
    return WC_TIME_NONE;
}

static int64_t time_from_string(const char *p, size_t len)
{
    int64_t t;

    return wc_date_parse(p, len, &t) ? t : WC_TIME_NONE;
}

/* The fields of a jansson object (strings borrowed from it). */
static void fields_from_obj(json_t *obj, char idbuf[48], wc_jsonl_fields *f)
{
    json_t *v;

    memset(f, 0, sizeof(*f));
    f->published = WC_TIME_NONE;
    v = json_object_get(obj, "html");
    if (json_is_string(v)) {
        f->html = json_string_value(v);
        f->html_len = json_string_length(v);
    }
    v = json_object_get(obj, "text");
    if (json_is_string(v)) {
        f->text = json_string_value(v);
        f->text_len = json_string_length(v);
    }
    v = json_object_get(obj, "id");
    if (json_is_string(v)) {
        f->id = json_string_length(v) ? json_string_value(v) : NULL;
    } else if (json_is_integer(v)) {
        snprintf(idbuf, 48, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        f->id = idbuf;
    } else if (json_is_real(v)) {
        snprintf(idbuf, 48, "%.17g", json_real_value(v));
        f->id = idbuf;
    }
    f->url = str_field(obj, "url");
    v = json_object_get(obj, "title");
    if (json_is_string(v) && json_string_length(v)) {
        f->title = json_string_value(v);
        f->title_len = json_string_length(v);
    }
    v = json_object_get(obj, "published");
    if (json_is_string(v)) {
        f->published = time_from_string(json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v)) {
        f->published = (int64_t)json_integer_value(v);
    } else if (json_is_real(v)) {
        f->published = time_from_real(json_real_value(v));
        f->published_out = f->published == WC_TIME_NONE;
        f->published_re = json_real_value(v);
    }
}

bool wc_jsonl_slow(const char *p, size_t len, void **root, char idbuf[48], wc_jsonl_fields *f)
{
    json_error_t jerr;
    json_t *obj = json_loadb(p, len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &jerr);

    *root = obj;
    memset(f, 0, sizeof(*f));
    f->published = WC_TIME_NONE;
    if (!json_is_object(obj))
        return false;
    fields_from_obj(obj, idbuf, f);
    return true;
}

void wc_jsonl_drop(void *root)
{
    json_decref(root);
}

/* --- the fast path ------------------------------------------------------- */

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/*
 * First index >= i of a byte that needs a look in a string body: '"',
 * '\', a control byte, and (when stop_high) a byte >= 0x80. Eight bytes
 * per step with the bit tricks of "Bit Twiddling Hacks" (has a zero byte,
 * has a byte less than n): exact about whether a block holds one, so the
 * byte loop below only runs on the block that does.
 */
static size_t scan_string(const unsigned char *s, size_t i, size_t len, bool stop_high)
{
    uint64_t high = stop_high ? HIGHS : 0;

    while (i + 8 <= len) {
        uint64_t v, q, b;

        memcpy(&v, s + i, 8);
        q = v ^ (ONES * '"');
        b = v ^ (ONES * '\\');
        if ((((q - ONES) & ~q) | ((b - ONES) & ~b) | ((v - ONES * 0x20) & ~v)) & HIGHS ||
            (v & high))
            break;
        i += 8;
    }
    for (; i < len; i++) {
        unsigned char c = s[i];

        if (c == '"' || c == '\\' || c < 0x20 || (stop_high && c >= 0x80))
            return i;
    }
    return len;
}

static int hex4(const unsigned char *s)
{
    int v = 0, k;

    for (k = 0; k < 4; k++) {
        unsigned char c = s[k];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;

        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/*
 * The string starting at s[*pi] == '"': decode it onto out (when not
 * NULL; room was reserved by the caller), move *pi past it. *nul = it
 * holds U+0000. false when it is not a string jansson would take.
 */
static bool parse_string(const unsigned char *s, size_t len, size_t *pi, wc_buf *out, bool *nul)
{
    size_t i = *pi + 1, start = i;
    bool high = false;

    *nul = false;
    for (;;) {
        size_t j = scan_string(s, i, len, !high);
        unsigned char c;

        if (out && j > i) {
            memcpy(out->buf + out->len, s + i, j - i);
            out->len += j - i;
        }
        if (j >= len)
            return false;
        c = s[j];
        if (c == '"') {
            *pi = j + 1;
            return !high || wc_utf8_valid((const char *)s + start, j - start);
        }
        if (c >= 0x80) {
            high = true; /* validated once at the end; scan on without stopping for it */
            i = j;
            continue;
        }
        if (c < 0x20 || j + 1 >= len)
            return false;
        c = s[j + 1];
        i = j + 2;
        if (c == 'u') {
            int u, lo;
            uint32_t cp;
            char enc[4];
            size_t n;

            if (j + 6 > len || (u = hex4(s + j + 2)) < 0)
                return false;
            i = j + 6;
            cp = (uint32_t)u;
            if (u >= 0xDC00 && u <= 0xDFFF)
                return false;
            if (u >= 0xD800 && u <= 0xDBFF) {
                if (i + 6 > len || s[i] != '\\' || s[i + 1] != 'u' ||
                    (lo = hex4(s + i + 2)) < 0xDC00 || lo > 0xDFFF)
                    return false;
                cp = 0x10000 + (((uint32_t)u - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                i += 6;
            }
            if (cp == 0)
                *nul = true;
            if (out) {
                n = wc_utf8_encode(cp, enc);
                memcpy(out->buf + out->len, enc, n);
                out->len += n;
            }
            continue;
        }
        switch (c) {
        case '"':
        case '\\':
        case '/':
            break;
        case 'b':
            c = '\b';
            break;
        case 'f':
            c = '\f';
            break;
        case 'n':
            c = '\n';
            break;
        case 'r':
            c = '\r';
            break;
        case 't':
            c = '\t';
            break;
        default:
            return false;
        }
        if (out)
            out->buf[out->len++] = (char)c;
    }
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* A JSON number at s[*pi]: an integer in long long range, or a finite real. */
static bool parse_number(const unsigned char *s, size_t len, size_t *pi, bool *is_int,
                         long long *iv, double *dv)
{
    size_t i = *pi, start = i;
    bool neg = false;
    uint64_t mag = 0;
    char tmp[64];

    *is_int = true;
    if (s[i] == '-') {
        neg = true;
        i++;
    }
    if (i >= len || !is_digit(s[i]))
        return false;
    if (s[i] == '0') {
        i++;
    } else {
        while (i < len && is_digit(s[i])) {
            unsigned d = s[i] - '0';

            if (mag > (UINT64_MAX - d) / 10)
                return false;
            mag = mag * 10 + d;
            i++;
        }
    }
    if (i < len && s[i] == '.') {
        *is_int = false;
        if (++i >= len || !is_digit(s[i]))
            return false;
        while (i < len && is_digit(s[i]))
            i++;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        *is_int = false;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= len || !is_digit(s[i]))
            return false;
        while (i < len && is_digit(s[i]))
            i++;
    }
    *pi = i;
    if (*is_int) {
        if (neg ? mag > (uint64_t)1 << 63 : mag > (uint64_t)INT64_MAX)
            return false; /* jansson: "too big integer" */
        *iv = neg ? (long long)(0 - mag) : (long long)mag;
        return true;
    }
    if (i - start >= sizeof(tmp))
        return false;
    memcpy(tmp, s + start, i - start);
    tmp[i - start] = '\0';
    *dv = strtod(tmp, NULL);
    return isfinite(*dv); /* jansson: "real number overflow" */
}

static size_t skip_ws(const unsigned char *s, size_t i, size_t len)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

enum key { K_OTHER = -1, K_HTML, K_TEXT, K_ID, K_URL, K_TITLE, K_PUBLISHED, K_COUNT };

static enum key which_key(const char *k, size_t n)
{
    static const char *const names[K_COUNT] = {"html", "text", "id", "url", "title", "published"};
    int i;

    for (i = 0; i < K_COUNT; i++)
        if (strlen(names[i]) == n && memcmp(names[i], k, n) == 0)
            return (enum key)i;
    return K_OTHER;
}

/* A field's last value: kind and where it lies in the arena. */
struct fast_val {
    enum { V_NONE, V_STRING, V_INT, V_REAL, V_OTHER } kind;
    size_t off, len; /* string in the arena */
    long long iv;
    double dv;
};

bool wc_jsonl_fast(const char *p, size_t len, wc_buf *arena, wc_jsonl_fields *f)
{
    const unsigned char *s = (const unsigned char *)p;
    struct fast_val v[K_COUNT];
    size_t i, k;

    memset(f, 0, sizeof(*f));
    f->published = WC_TIME_NONE;
    memset(v, 0, sizeof(v));
    /* decoded strings never outgrow their source; ids of numbers need 48 bytes */
    wc_buf_reset(arena);
    if (wc_buf_grow(arena, len + K_COUNT + 48) != WC_OK)
        return false;
    i = skip_ws(s, 0, len);
    if (i >= len || s[i] != '{')
        return false;
    i = skip_ws(s, i + 1, len);
    if (i < len && s[i] == '}') {
        i++;
    } else {
        for (;;) {
            size_t kstart, kend;
            enum key key = K_OTHER;
            bool nul;

            if (i >= len || s[i] != '"')
                return false;
            kstart = i + 1;
            if (!parse_string(s, len, &i, NULL, &nul) || nul)
                return false;
            kend = i - 1;
            if (memchr(s + kstart, '\\', kend - kstart)) {
                /* an escaped key ("\u0068tml" is "html"): decode it to see; decoding never grows it
                 */
                if (kend - kstart < 64) {
                    char dec[64];
                    wc_buf kb = {dec, 0, sizeof(dec), sizeof(dec) - 1};
                    size_t ki = kstart - 1;

                    if (parse_string(s, len, &ki, &kb, &nul))
                        key = which_key(dec, kb.len);
                }
            } else {
                key = which_key((const char *)s + kstart, kend - kstart);
            }
            i = skip_ws(s, i, len);
            if (i >= len || s[i] != ':')
                return false;
            i = skip_ws(s, i + 1, len);
            if (i >= len)
                return false;
            if (s[i] == '"') {
                if (key == K_OTHER) {
                    if (!parse_string(s, len, &i, NULL, &nul))
                        return false;
                } else {
                    v[key].kind = V_STRING;
                    v[key].off = arena->len;
                    if (!parse_string(s, len, &i, arena, &nul))
                        return false;
                    v[key].len = arena->len - v[key].off;
                    arena->buf[arena->len++] = '\0';
                }
            } else if (s[i] == '-' || is_digit(s[i])) {
                bool is_int;
                long long iv = 0;
                double dv = 0;

                if (!parse_number(s, len, &i, &is_int, &iv, &dv))
                    return false;
                if (key != K_OTHER) {
                    v[key].kind = is_int ? V_INT : V_REAL;
                    v[key].iv = iv;
                    v[key].dv = dv;
                }
            } else if (len - i >= 4 &&
                       (memcmp(s + i, "true", 4) == 0 || memcmp(s + i, "null", 4) == 0)) {
                i += 4;
                if (key != K_OTHER)
                    v[key].kind = V_OTHER;
            } else if (len - i >= 5 && memcmp(s + i, "false", 5) == 0) {
                i += 5;
                if (key != K_OTHER)
                    v[key].kind = V_OTHER;
            } else {
                return false; /* nested object or array, or junk: jansson's call */
            }
            i = skip_ws(s, i, len);
            if (i < len && s[i] == ',') {
                i = skip_ws(s, i + 1, len);
                continue;
            }
            if (i < len && s[i] == '}') {
                i++;
                break;
            }
            return false;
        }
    }
    if (skip_ws(s, i, len) != len)
        return false;
    /* the arena is complete: hand out pointers into it */
    for (k = 0; k < K_COUNT; k++) {
        const char *str = arena->buf + v[k].off;

        if (v[k].kind != V_STRING)
            continue;
        switch ((enum key)k) {
        case K_HTML:
            f->html = str;
            f->html_len = v[k].len;
            break;
        case K_TEXT:
            f->text = str;
            f->text_len = v[k].len;
            break;
        case K_ID:
            f->id = v[k].len ? str : NULL;
            break;
        case K_URL:
            f->url = str[0] ? str : NULL;
            break;
        case K_TITLE:
            f->title = v[k].len ? str : NULL;
            f->title_len = v[k].len;
            break;
        default:
            f->published = time_from_string(str, v[k].len);
            break;
        }
    }
    if (v[K_ID].kind == V_INT || v[K_ID].kind == V_REAL) {
        char *idp = arena->buf + arena->len;

        if (v[K_ID].kind == V_INT)
            snprintf(idp, 48, "%lld", v[K_ID].iv);
        else
            snprintf(idp, 48, "%.17g", v[K_ID].dv);
        f->id = idp;
    }
    if (v[K_PUBLISHED].kind == V_INT) {
        f->published = (int64_t)v[K_PUBLISHED].iv;
    } else if (v[K_PUBLISHED].kind == V_REAL) {
        f->published = time_from_real(v[K_PUBLISHED].dv);
        f->published_out = f->published == WC_TIME_NONE;
        f->published_re = v[K_PUBLISHED].dv;
    }
    return true;
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
        wc_dump_problem(d, WC_ERR_PARSE, "%s (after line %llu)", msg, (unsigned long long)js->line);
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

/*
 * A decoded string that is not clean text (a C1 control from a "\u0093",
 * a control from "\u0001") repaired into fix, *p and *len pointed at it;
 * clean ones, nearly all, are left where they are.
 */
static wc_status clean_string(wc_buf *fix, const char **p, size_t *len)
{
    wc_status st;

    if (wc_utf8_clean(*p, *len))
        return WC_OK;
    wc_buf_reset(fix);
    if ((st = wc_utf8_repair(fix, *p, *len, 0, NULL)) != WC_OK)
        return st;
    *p = fix->buf;
    *len = fix->len;
    return WC_OK;
}

/*
 * Lone surrogate escapes: jansson refuses "\uDC93" without a high half
 * before it (and a high half without its low one). Python's json.dumps
 * writes exactly that for a byte its "surrogateescape" decoder could not
 * read (PEP 383 keeps byte 0x93 as U+DC93), so U+DC80-U+DCFF is read as
 * the windows-1252 byte it carries, the one policy again; any other lone
 * surrogate is U+FFFD. p[0..len) is rewritten into out with those escapes
 * replaced by their characters as UTF-8, which is never '"', '\' or a
 * control byte, so the line means what it meant; *n counts them.
 */
static wc_status mend_surrogates(const char *p, size_t len, wc_buf *out, size_t *n)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0, start = 0;
    bool in_str = false;
    wc_status st;

    wc_buf_reset(out);
    while (i < len) {
        int u, lo;
        uint32_t cp;
        char enc[4];

        if (!in_str || s[i] != '\\') {
            if (s[i] == '"')
                in_str = !in_str;
            i++;
            continue;
        }
        if (i + 6 > len || s[i + 1] != 'u' || (u = hex4(s + i + 2)) < 0xD800 || u > 0xDFFF) {
            i += 2; /* any other escape, kept as it is */
            continue;
        }
        if (u <= 0xDBFF && i + 12 <= len && s[i + 6] == '\\' && s[i + 7] == 'u' &&
            (lo = hex4(s + i + 8)) >= 0xDC00 && lo <= 0xDFFF) {
            i += 12; /* a pair: jansson's to decode */
            continue;
        }
        cp = u >= 0xDC80 && u <= 0xDCFF ? wc_cp1252_decode((unsigned char)(u & 0xFF)) : 0;
        if (!cp)
            cp = 0xFFFD;
        if ((st = wc_buf_add(out, p + start, i - start)) ||
            (st = wc_buf_add(out, enc, wc_utf8_encode(cp, enc))))
            return st;
        (*n)++;
        i += 6;
        start = i;
    }
    return wc_buf_add(out, p + start, len - start);
}

/* Did jansson refuse a lone surrogate escape? (It says so only in its text.) */
static bool lone_surrogate(const json_error_t *e)
{
    return json_error_code(e) == json_error_invalid_syntax &&
           strncmp(e->text, "invalid Unicode '\\u", 18) == 0;
}

/* wc_json_mend's report: a top-level `published` number beyond range is a problem of that field. */
static void on_mended(void *ctx, const char *key, size_t key_len, unsigned depth, const char *num,
                      size_t num_len)
{
    struct jsonl_state *js = ctx;

    if (depth == 1 && key && key_len == 9 && memcmp(key, "published", 9) == 0) {
        snprintf(js->pub_text, sizeof(js->pub_text), "%.*s",
                 (int)WC_MIN(num_len, sizeof(js->pub_text) - 1), num);
        js->pub_len = num_len;
    }
}

/*
 * json_loadb on a line, with the three repairs when jansson refuses it
 * for them: ill-formed UTF-8 (wc_utf8_repair), lone surrogate escapes
 * (mend_surrogates), numbers beyond range and NUL in a key (json.c's
 * wc_json_mend: valid JSON, so no repair to count), in whichever order
 * they are met. *bytes and *surr count what the first two mended.
 */
static json_t *load_line(struct jsonl_state *js, const char *lp, size_t llen, json_error_t *jerr,
                         size_t *bytes, size_t *surr, wc_status *st)
{
    json_t *obj = json_loadb(lp, llen, JSON_ALLOW_NUL | JSON_DECODE_ANY, jerr);
    size_t mended = 0;
    int round;

    *st = WC_OK;
    js->pub_len = 0;
    for (round = 0; !obj && round < 3; round++) {
        wc_buf *into;
        if (json_error_code(jerr) == json_error_invalid_utf8 && !*bytes) {
            into = lp == js->fix.buf ? &js->fix2 : &js->fix;
            wc_buf_reset(into);
            *st = wc_utf8_repair(into, lp, llen, 0, bytes);
        } else if (lone_surrogate(jerr) && !*surr) {
            into = lp == js->fix.buf ? &js->fix2 : &js->fix;
            *st = mend_surrogates(lp, llen, into, surr);
        } else if (wc_json_mendable(json_error_code(jerr)) && !mended) {
            into = lp == js->fix.buf ? &js->fix2 : &js->fix;
            wc_buf_reset(into);
            *st = wc_json_mend(into, lp, llen, on_mended, js, &mended);
        } else {
            break;
        }
        if (*st)
            return NULL;
        lp = into->buf;
        llen = into->len;
        obj = json_loadb(lp, llen, JSON_ALLOW_NUL | JSON_DECODE_ANY, jerr);
    }
    return obj;
}

static wc_status jsonl_next(wc_dump *d, wc_record *rec, wc_error *err)
{
    struct jsonl_state *js = d->state;
    wc_in *in = &d->in;
    wc_status st;

    for (;;) {
        const char *p, *nl = NULL, *lp;
        size_t avail, scan = 0, llen, replaced = 0, surrogates = 0;
        uint64_t pos;
        json_error_t jerr;
        json_t *obj;
        wc_jsonl_fields f;
        const char *body;
        size_t blen;
        bool repaired = false, again, is_html, pub_as_written = false;

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
        if (wc_jsonl_fast(lp, llen, &js->arena, &f)) {
            js->fast++;
            wc_in_consume(in, nl ? (size_t)(nl - p) + 1 : avail);
        } else {
            js->slow++;
            obj = load_line(js, lp, llen, &jerr, &replaced, &surrogates, &st);
            if (st)
                return wc_error_set(err, st, "cannot repair line %llu of '%s': %s",
                                    (unsigned long long)js->line, d->origin, wc_strerror(st));
            repaired = obj && (replaced || surrogates);
            wc_in_consume(in, nl ? (size_t)(nl - p) + 1 : avail);
            if (!obj) {
                wc_dump_problem(d, WC_ERR_PARSE,
                                "malformed JSON in '%s' at line %llu, column %d: %s", d->origin,
                                (unsigned long long)js->line, jerr.column, jerr.text);
                continue;
            }
            js->root = obj;
            if (!json_is_object(obj)) {
                wc_dump_problem(d, WC_ERR_PARSE, "line %llu in '%s' is not a JSON object",
                                (unsigned long long)js->line, d->origin);
                continue;
            }
            fields_from_obj(obj, js->id, &f);
            if (js->pub_len) {
                /* published was a number beyond range, now the string of its text */
                json_t *pv = json_object_get(obj, "published");

                if (json_is_string(pv) && json_string_length(pv) == js->pub_len &&
                    strncmp(json_string_value(pv), js->pub_text, strlen(js->pub_text)) == 0) {
                    f.published = WC_TIME_NONE;
                    f.published_out = true;
                    pub_as_written = true;
                }
            }
        }
        if (f.published_out) {
            char num[sizeof(js->pub_text) + 4];

            if (pub_as_written)
                snprintf(num, sizeof(num), "%s%s", js->pub_text,
                         js->pub_len >= sizeof(js->pub_text) ? "..." : "");
            else
                snprintf(num, sizeof(num), "%g", f.published_re);
            wc_dump_problem(d, WC_ERR_LIMIT,
                            "\"published\" out of range in '%s' at line %llu: %s (no date taken)",
                            d->origin, (unsigned long long)js->line, num);
        }
        /* html wins when both are there, unless it is empty */
        if (f.html && (f.html_len || !f.text)) {
            body = f.html;
            blen = f.html_len;
            is_html = true;
        } else if (f.text) {
            body = f.text;
            blen = f.text_len;
            is_html = false;
        } else {
            wc_dump_problem(d, WC_ERR_PARSE, "line %llu in '%s' has no \"html\" or \"text\" string",
                            (unsigned long long)js->line, d->origin);
            continue;
        }
        if (!is_html && (st = clean_string(&js->text_fix, &body, &blen)) != WC_OK)
            return wc_error_set(err, st, "cannot repair the text of line %llu of '%s': %s",
                                (unsigned long long)js->line, d->origin, wc_strerror(st));
        if (f.title) {
            size_t tlen = f.title_len; /* U+0000 inside is dropped, the rest kept */
            if ((st = clean_string(&js->title_fix, &f.title, &tlen)) != WC_OK)
                return wc_error_set(err, st, "cannot repair the title of line %llu of '%s': %s",
                                    (unsigned long long)js->line, d->origin, wc_strerror(st));
            if (!tlen)
                f.title = NULL; /* nothing but controls */
        }
        if (repaired) {
            d->stats.repaired++;
            if (replaced)
                wc_dump_problem(d, WC_ERR_ENCODING,
                                "invalid UTF-8 in '%s' at line %llu: %zu byte%s read as "
                                "windows-1252",
                                d->origin, (unsigned long long)js->line, replaced,
                                replaced == 1 ? "" : "s");
            if (surrogates)
                wc_dump_problem(d, WC_ERR_ENCODING,
                                "lone surrogate escapes in '%s' at line %llu: %zu repaired",
                                d->origin, (unsigned long long)js->line, surrogates);
        }
        memset(rec, 0, sizeof(*rec));
        rec->source = WC_SOURCE_JSONL;
        rec->origin = d->origin;
        rec->offset = wc_in_file_offset(in, pos, NULL);
        rec->stream_offset = pos;
        rec->line = js->line;
        rec->origin_id = f.id;
        rec->url = f.url;
        rec->title = f.title;
        rec->published_at = f.published;
        rec->fetched_at = WC_TIME_NONE;
        rec->body = body;
        rec->len = blen;
        rec->is_html = is_html;
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
    wc_buf_release(&js->fix2);
    wc_buf_release(&js->text_fix);
    wc_buf_release(&js->title_fix);
    wc_buf_release(&js->arena);
    free(js);
    d->state = NULL;
}

static const wc_dump_reader jsonl_reader = {WC_SOURCE_JSONL, jsonl_next, jsonl_release};

wc_status wc_jsonl_start(wc_dump *d, wc_error *err)
{
    struct jsonl_state *js = calloc(1, sizeof(*js));

    if (!js)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory opening '%s'", d->origin);
    wc_buf_init(&js->fix, JSONL_FIX_CAP(d->max_record));
    wc_buf_init(&js->fix2, JSONL_FIX_CAP(d->max_record));
    wc_buf_init(&js->text_fix, JSONL_FIX_CAP(d->max_record));
    wc_buf_init(&js->title_fix, JSONL_FIX_CAP(d->max_record));
    wc_buf_init(&js->arena, JSONL_ARENA_CAP(d->max_record));
    d->state = js;
    d->reader = &jsonl_reader;
    return WC_OK;
}
