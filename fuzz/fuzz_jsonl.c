/*
 * fuzz_jsonl.c - the JSONL reader (jsonl.c over gzread.c and jansson) on
 * arbitrary bytes, plain or gzip, with a small line cap. Every field of
 * every record is read in full.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wirecopy/dump.h"

#include "dump_internal.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wc_dump_opts o = {FUZZ_MAX_RECORD, ignore, NULL};
    wc_dump *d;
    wc_record rec;
    wc_error err = WC_ERROR_INIT;
    volatile size_t sink = 0;
    size_t i;

    if (wc_dump_open_mem(&d, data, size, "fuzz.jsonl", WC_SOURCE_JSONL, &o, &err) != WC_OK)
        return 0;
    while (wc_dump_next(d, &rec, &err) == WC_OK) {
        sink += touch(rec.url) + touch(rec.title) + touch(rec.origin_id) + touch(rec.origin);
        if (rec.len > FUZZ_MAX_RECORD || rec.line == 0 || rec.body[rec.len] != '\0')
            __builtin_trap();
        for (i = 0; i < rec.len; i++)
            sink += (unsigned char)rec.body[i];
    }
    wc_dump_free(d);
    (void)sink;
    return 0;
}
