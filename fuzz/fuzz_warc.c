/*
 * fuzz_warc.c - the WARC reader (warc.c over gzread.c and
 * http_payload.c) on arbitrary bytes, plain or gzip. Every record's
 * strings and body are read in full so that the sanitizers see any
 * out-of-bounds pointer; the record cap is small so that cap paths and
 * resynchronisation run often and inputs stay cheap.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wirecopy/dump.h"

#include "dump/dump_internal.h"

/* 256 KiB: small enough to reach the cap, large enough for real pages. */
#define FUZZ_MAX_RECORD ((size_t)256 << 10)

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
    wc_dump_opts o = {FUZZ_MAX_RECORD, ignore, NULL, NULL};
    wc_dump *d;
    wc_record rec;
    wc_error err = WC_ERROR_INIT;
    volatile size_t sink = 0;
    size_t i;

    if (wc_dump_open_mem(&d, data, size, "fuzz.warc", WC_SOURCE_WARC, &o, &err) != WC_OK)
        return 0;
    while (wc_dump_next(d, &rec, &err) == WC_OK) {
        sink += touch(rec.url) + touch(rec.content_type) + touch(rec.charset) + touch(rec.origin);
        if (rec.len > FUZZ_MAX_RECORD || rec.body[rec.len] != '\0')
            __builtin_trap();
        for (i = 0; i < rec.len; i += 64)
            sink += (unsigned char)rec.body[i];
        if (rec.len)
            sink += (unsigned char)rec.body[rec.len - 1];
    }
    wc_dump_free(d);
    (void)sink;
    return 0;
}
