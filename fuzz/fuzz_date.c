/*
 * fuzz_date.c - libFuzzer target for wc_date_parse().
 *
 * Promises checked: a date that parses lies in years 1-9999 (give or
 * take a day of zone offset), and its ISO 8601 formatting parses back to
 * the same instant (the formatter and the parser agree).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t t, back;
    char iso[32];

    if (!wc_date_parse((const char *)data, size, &t))
        return 0;
    if (t < -62135596800 - 86400 || t > 253402300799 + 86400)
        abort();
    wc_date_format(t, iso, sizeof(iso));
    if (t >= -62135596800 && t <= 253402300799) {
        if (!wc_date_parse(iso, strlen(iso), &back) || back != t)
            abort();
    }
    return 0;
}
