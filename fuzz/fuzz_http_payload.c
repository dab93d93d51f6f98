/*
 * fuzz_http_payload.c - the HTTP response decoder of WARC records
 * (http_payload.c): status line and headers, then chunked framing and
 * gzip / deflate / br content codings, under a 1 MiB cap (a bomb must
 * stop there), plus the Content-Type helpers on the header it found.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wirecopy/charset.h"
#include "dump/dump_internal.h"

/* 1 MiB of decoded output at most. */
#define FUZZ_CAP ((size_t)1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    wc_http_head h;
    wc_buf out = WC_BUF_INIT, tmp = WC_BUF_INIT;
    wc_error err = WC_ERROR_INIT;
    volatile size_t sink = 0;

    if (wc_http_parse_head(p, size, &h, &err) != WC_OK) {
        sink += wc_http_sniff_html(p, size);
        return 0;
    }
    if (h.head_len > size)
        __builtin_trap();
    if (h.ctype) {
        const char *cs;
        size_t cslen;

        sink += wc_http_type_is_html(h.ctype, h.ctype_len);
        if (wc_charset_param(h.ctype, h.ctype_len, &cs, &cslen))
            sink += (unsigned char)cs[cslen - 1];
    }
    if (wc_http_decode_body(&h, p + h.head_len, size - h.head_len, &out, &tmp, FUZZ_CAP, &err) ==
        WC_OK) {
        if (out.len > FUZZ_CAP || out.buf[out.len] != '\0')
            __builtin_trap();
        sink += wc_http_sniff_html(out.buf, out.len);
    }
    wc_buf_release(&out);
    wc_buf_release(&tmp);
    (void)sink;
    return 0;
}
