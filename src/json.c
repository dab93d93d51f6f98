/*
 * json.c - valid JSON that jansson refuses, mended so that it parses.
 *
 * jansson (Debian's libjansson) parses every JSON wirecopy reads: JSONL
 * lines (dump/jsonl.c) and JSON Feeds (feed/feed_json.c). It is right
 * about what is malformed, but it refuses two things that are valid JSON:
 *
 *   - numbers beyond its range. RFC 8259 sets no range (section 6 lets a
 *     parser "set limits on the range and precision of numbers"); jansson
 *     holds an integer in json_int_t (int64) and a real in a double, and
 *     past them it fails the whole document: "too big integer", "real
 *     number overflow". One counter in a field nobody reads would cost an
 *     article, or a whole feed;
 *   - U+0000 in an object key. JSON_ALLOW_NUL admits "\u0000" in string
 *     values only; in a key it is "NUL byte in object key not supported".
 *
 * wc_json_mend rewrites such a document once jansson has refused it for
 * one of these (wc_json_mendable): each number beyond range becomes a
 * string of its own text, and "\u0000" in a key becomes "\uFFFD". Nothing
 * else changes, so the document means what it meant everywhere else; a
 * reader that wanted the number finds a string holding its digits (an id
 * keeps them exactly) and can tell which field it was, because each
 * rewritten number is told to a callback with the key it is the value of
 * and its depth. A key keeps being a key no reader asks for (U+FFFD, not
 * nothing: "ti\u0000tle" must not turn into "title").
 *
 * The scan is a tokenizer's, not a parser's: strings (with their escapes)
 * are stepped over whole, so nothing inside one is taken for a number;
 * a string followed by ':' is a key. Malformed JSON is left as it is for
 * jansson to refuse with its own message.
 *
 * Not done: a real that underflows (1e-400) is no trouble for jansson (it
 * reads 0), so it is left alone; escaped key names are told as written.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Digits of INT64_MAX and of -INT64_MIN: the longest integers jansson takes. */
static const char int64_max[] = "9223372036854775807";
static const char int64_min[] = "9223372036854775808";

bool wc_json_mendable(int code)
{
    return code == json_error_numeric_overflow || code == json_error_null_byte_in_key;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Bytes of the JSON number at p (RFC 8259 grammar), 0 for none; *real: a fraction or exponent. */
static size_t number_len(const char *p, size_t len, bool *real)
{
    size_t i = 0;

    *real = false;
    if (i < len && p[i] == '-')
        i++;
    if (i >= len || !is_digit(p[i]))
        return 0;
    if (p[i] == '0')
        i++;
    else
        while (i < len && is_digit(p[i]))
            i++;
    if (i < len && p[i] == '.') {
        *real = true;
        if (++i >= len || !is_digit(p[i]))
            return 0;
        while (i < len && is_digit(p[i]))
            i++;
    }
    if (i < len && (p[i] == 'e' || p[i] == 'E')) {
        *real = true;
        if (++i < len && (p[i] == '+' || p[i] == '-'))
            i++;
        if (i >= len || !is_digit(p[i]))
            return 0;
        while (i < len && is_digit(p[i]))
            i++;
    }
    return i;
}

/* Is the integer p[0..len) (no leading zeros, as JSON has it) outside int64? */
static bool int_overflows(const char *p, size_t len)
{
    const char *lim = int64_max;

    if (*p == '-') {
        p++;
        len--;
        lim = int64_min;
    }
    return len > sizeof(int64_max) - 1 || (len == sizeof(int64_max) - 1 && memcmp(p, lim, len) > 0);
}

/*
 * Does the real at s (NUL-terminated) overflow a double, as jansson's
 * strtod check has it? (strtod reads '.' in the C locale wirecopy runs in
 * for numbers: main sets LC_CTYPE only.)
 */
static bool real_overflows(const char *s)
{
    double v;

    errno = 0;
    v = strtod(s, NULL);
    return errno == ERANGE && (v > 1.0 || v < -1.0);
}

/* End of the string whose opening quote is p[i]: index of its closing quote, or len. */
static size_t string_end(const char *p, size_t len, size_t i, bool *nul)
{
    *nul = false;
    for (i++; i < len; i++) {
        if (p[i] == '"')
            return i;
        if (p[i] == '\\' && i + 1 < len) {
            if (len - i >= 6 && memcmp(p + i + 1, "u0000", 5) == 0)
                *nul = true;
            i++;
        }
    }
    return len;
}

/* Append the key p[0..len) (between its quotes) with "\u0000" escapes as "\uFFFD". */
static wc_status add_key(wc_buf *out, const char *p, size_t len)
{
    size_t i = 0, start = 0;
    wc_status st;

    while (i < len) {
        if (p[i] != '\\' || i + 1 >= len) {
            i++;
            continue;
        }
        if (len - i >= 6 && memcmp(p + i + 1, "u0000", 5) == 0) {
            if ((st = wc_buf_add(out, p + start, i - start)) != WC_OK ||
                (st = wc_buf_add(out, "\\uFFFD", 6)) != WC_OK)
                return st;
            i += 6;
            start = i;
            continue;
        }
        i += 2;
    }
    return wc_buf_add(out, p + start, len - start);
}

wc_status wc_json_mend(wc_buf *out, const char *p, size_t len, wc_json_mend_fn fn, void *ctx,
                       size_t *n)
{
    const char *key = NULL; /* the key whose value comes next, NULL when none */
    size_t key_len = 0, i = 0, start = 0;
    unsigned depth = 0;
    wc_status st;

    while (i < len) {
        char c = p[i];

        if (c == '"') {
            bool nul;
            size_t end = string_end(p, len, i, &nul), k = end + 1;

            if (end >= len)
                break; /* unterminated: jansson's to refuse */
            while (k < len && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r' || p[k] == '\n'))
                k++;
            if (k < len && p[k] == ':') {
                key = p + i + 1;
                key_len = end - i - 1;
                if (nul) {
                    if ((st = wc_buf_add(out, p + start, i + 1 - start)) != WC_OK ||
                        (st = add_key(out, key, key_len)) != WC_OK)
                        return st;
                    start = end;
                    if (n)
                        (*n)++;
                }
            } else {
                key = NULL;
            }
            i = end + 1;
        } else if (c == '-' || is_digit(c)) {
            bool real;
            size_t nl = number_len(p + i, len - i, &real), o = out->len;
            bool over;

            if (!nl) {
                i++;
                continue;
            }
            if (real) {
                /* strtod wants a NUL-terminated copy: the number itself, at the end of out */
                if ((st = wc_buf_add(out, p + i, nl)) != WC_OK)
                    return st;
                over = real_overflows(out->buf + o);
                wc_buf_setlen(out, o);
            } else {
                over = int_overflows(p + i, nl);
            }
            if (over) {
                if ((st = wc_buf_add(out, p + start, i - start)) != WC_OK ||
                    (st = wc_buf_addch(out, '"')) != WC_OK ||
                    (st = wc_buf_add(out, p + i, nl)) != WC_OK ||
                    (st = wc_buf_addch(out, '"')) != WC_OK)
                    return st;
                start = i + nl;
                if (fn)
                    fn(ctx, key, key ? key_len : 0, depth, p + i, nl);
                if (n)
                    (*n)++;
            }
            key = NULL;
            i += nl;
        } else {
            if (c == '{' || c == '[')
                depth++;
            else if ((c == '}' || c == ']') && depth)
                depth--;
            if (c != ':' && c != ' ' && c != '\t' && c != '\r' && c != '\n')
                key = NULL;
            i++;
            /* a bare word (true, null, junk): its digits are no number */
            while (is_alnum(c) && i < len && is_alnum(p[i]))
                i++;
        }
    }
    return wc_buf_add(out, p + start, len - start);
}
