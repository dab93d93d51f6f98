/*
 * fuzz_robots.c - libFuzzer target for the robots.txt parser and matcher.
 *
 * Parses the input for the agent "wirecopy", then asks about fixed paths
 * and about paths cut from the input itself (so patterns meet paths that
 * resemble them), checking the answers do not depend on anything but the
 * input: the same question asked twice gets the same answer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"/",      "/robots.txt", "/a",  "/private/x.html",
                                        "/x?q=1", "/caf%C3%A9",  "/*$", ""};
    wc_robots *r = NULL;
    size_t i;

    if (wc_robots_parse((const char *)data, size, "wirecopy", &r, NULL) != 0)
        return 0;
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        int a = wc_robots_allowed(r, paths[i], strlen(paths[i]));
        if (a != wc_robots_allowed(r, paths[i], strlen(paths[i])))
            abort();
    }
    if (!wc_robots_allowed(r, "/robots.txt", 11))
        abort();
    /* Slices of the input as paths: every 7th offset, up to 64 bytes long. */
    for (i = 0; i < size && i < 4096; i += 7) {
        size_t n = size - i < 64 ? size - i : 64;
        (void)wc_robots_allowed(r, (const char *)data + i, n);
    }
    (void)wc_robots_crawl_delay(r);
    wc_robots_free(r);
    return 0;
}
