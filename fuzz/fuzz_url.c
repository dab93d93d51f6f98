/*
 * fuzz_url.c - libFuzzer target for the URL helpers.
 *
 * The input is "base\nref". Promises checked: resolution never reads past
 * the strings and settles: an absolute result resolved again (as an
 * absolute reference, its dot segments removed) is a fixed point;
 * normalisation is idempotent; host and the predicates agree.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf, *nl, *base, *ref, *r, *r2, *n1, *n2, *h;
    wc_url_parts parts;

    if (size > 4096)
        return 0;
    buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    if (strlen(buf) != size) { /* NULs inside: the API takes C strings */
        free(buf);
        return 0;
    }
    nl = strchr(buf, '\n');
    base = buf;
    ref = nl ? nl + 1 : buf;
    if (nl)
        *nl = '\0';
    wc_url_split(buf, strlen(buf), &parts);
    if (parts.path.off + parts.path.len > strlen(buf))
        abort();
    r = wc_url_resolve(base, ref);
    if (r)
        wc_url_split(r, strlen(r), &parts);
    if (r && parts.scheme.present && !strpbrk(r, " \t\r\n\f")) {
        /* once resolved as an absolute reference, its dot segments are gone
         * (the first result may keep a base path's, which RFC 3986 allows) */
        char *r3;
        r2 = wc_url_resolve(base, r);
        r3 = r2 ? wc_url_resolve(base, r2) : NULL;
        if (!r2 || !r3 || strcmp(r2, r3))
            abort();
        free(r3);
        free(r2);
    }
    n1 = wc_url_normalize(ref);
    if (n1 && !strpbrk(n1, " \t\r\n\f")) {
        n2 = wc_url_normalize(n1);
        if (!n2 || strcmp(n1, n2))
            abort();
        free(n2);
    }
    h = wc_url_host(ref);
    if (wc_url_is_http(ref) && !h)
        abort();
    free(h);
    free(n1);
    free(r);
    free(buf);
    return 0;
}
