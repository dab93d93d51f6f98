/*
 * fuzz_jsonl.c - the JSONL reader (jsonl.c over gzread.c and jansson) on
 * arbitrary bytes, plain or gzip, with a small line cap. Every field of
 * every record is read in full.
 *
 * And a differential check of the fast path: each line of the input is
 * given to wc_jsonl_fast and to jansson (wc_jsonl_slow); whenever the
 * fast path takes a line, jansson must take it too and give the very same
 * fields, byte for byte. A difference traps.
 *
 * And the repair policy's promise: a plain-text record's body and every
 * title come out clean (utf8.c's wc_utf8_clean), whatever bytes or \u
 * escapes the line held.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wirecopy/dump.h"

#include "dump/dump_internal.h"

#include "internal.h"

/* 64 KiB lines at most: the cap path runs, inputs stay cheap. */
#define FUZZ_MAX_RECORD ((size_t)64 << 10)

static void ignore(void *ctx, const wc_error *e)
{
    (void)ctx;
    (void)e;
}

static size_t touch(const char *s)
{
    return s ? strlen(s) : 0;
}

static void same_str(const char *a, const char *b)
{
    if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
        __builtin_trap();
}

static void same_mem(const char *a, size_t alen, const char *b, size_t blen)
{
    if ((a == NULL) != (b == NULL) || alen != blen || (a && memcmp(a, b, alen) != 0))
        __builtin_trap();
}

static void differential(const uint8_t *data, size_t size)
{
    wc_buf arena = WC_BUF_INIT;
    size_t start = 0;

    while (start < size) {
        const uint8_t *nl = memchr(data + start, '\n', size - start);
        size_t len = nl ? (size_t)(nl - (data + start)) : size - start;
        const char *line = (const char *)data + start;
        wc_jsonl_fields fast, slow;
        void *root;
        char idbuf[48];
        bool f_ok = wc_jsonl_fast(line, len, &arena, &fast);
        bool s_ok = wc_jsonl_slow(line, len, &root, idbuf, &slow);

        if (f_ok) {
            if (!s_ok)
                __builtin_trap();
            same_mem(fast.html, fast.html_len, slow.html, slow.html_len);
            same_mem(fast.text, fast.text_len, slow.text, slow.text_len);
            same_str(fast.id, slow.id);
            same_str(fast.url, slow.url);
            same_str(fast.title, slow.title);
            if (fast.published != slow.published)
                __builtin_trap();
        }
        wc_jsonl_drop(root);
        start += len + 1;
    }
    wc_buf_release(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wc_dump_opts o = {FUZZ_MAX_RECORD, ignore, NULL, NULL};
    wc_dump *d;
    wc_record rec;
    wc_error err = WC_ERROR_INIT;
    volatile size_t sink = 0;
    size_t i;

    differential(data, size);
    if (wc_dump_open_mem(&d, data, size, "fuzz.jsonl", WC_SOURCE_JSONL, &o, &err) != WC_OK)
        return 0;
    while (wc_dump_next(d, &rec, &err) == WC_OK) {
        sink += touch(rec.url) + touch(rec.title) + touch(rec.origin_id) + touch(rec.origin);
        /* a repaired line may grow 3 times: one byte read as windows-1252 is 3 of UTF-8 */
        if (rec.len > 3 * FUZZ_MAX_RECORD + 64 || rec.line == 0 || rec.body[rec.len] != '\0')
            __builtin_trap();
        if ((!rec.is_html && !wc_utf8_clean(rec.body, rec.len)) ||
            (rec.title && !wc_utf8_clean(rec.title, strlen(rec.title))))
            __builtin_trap();
        for (i = 0; i < rec.len; i++)
            sink += (unsigned char)rec.body[i];
    }
    wc_dump_free(d);
    (void)sink;
    return 0;
}
