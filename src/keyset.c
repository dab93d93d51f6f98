/*
 * keyset.c - which (document key, text) pairs are stored (see keyset.h).
 *
 * Linear probing over a power-of-two array of 16-byte entries; id 0 marks
 * an empty slot (document ids start at 1). The home slot mixes the key
 * with the text bits, so many versions of one URL spread out instead of
 * making one long run. Entries are never removed (documents are not), so
 * there are no tombstones; the table doubles past 70% full.
 */
#include "keyset.h"

#include <stdlib.h>

#include "internal.h"

#define KS_MIN_CAP 1024
#define KS_LOAD_NUM 7
#define KS_LOAD_DEN 10

struct ks_entry {
    uint64_t key;
    uint32_t text;
    uint32_t id; /* 0: empty */
};

struct wc_keyset {
    struct ks_entry *e;
    size_t cap; /* a power of two, or 0 */
    size_t n;
};

static size_t home(uint64_t key, uint32_t text, size_t cap)
{
    return (size_t)wc_mix64(key ^ ((uint64_t)text * 0x9e3779b97f4a7c15ULL)) & (cap - 1);
}

wc_keyset *wc_keyset_new(void)
{
    return calloc(1, sizeof(wc_keyset));
}

void wc_keyset_free(wc_keyset *ks)
{
    if (!ks)
        return;
    free(ks->e);
    free(ks);
}

static void put(struct ks_entry *e, size_t cap, const struct ks_entry *x)
{
    size_t i = home(x->key, x->text, cap);

    while (e[i].id)
        i = (i + 1) & (cap - 1);
    e[i] = *x;
}

static wc_status grow_to(wc_keyset *ks, size_t want, wc_error *err)
{
    size_t cap = ks->cap ? ks->cap : KS_MIN_CAP, i;
    struct ks_entry *e;

    while (want * KS_LOAD_DEN > cap * KS_LOAD_NUM) {
        if (cap > SIZE_MAX / 2 / sizeof(*e))
            return wc_error_set(err, WC_ERR_NOMEM, "out of memory for the stored-document keys");
        cap *= 2;
    }
    if (cap == ks->cap)
        return WC_OK;
    if (!(e = calloc(cap, sizeof(*e))))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory for the stored-document keys");
    for (i = 0; i < ks->cap; i++)
        if (ks->e[i].id)
            put(e, cap, &ks->e[i]);
    free(ks->e);
    ks->e = e;
    ks->cap = cap;
    return WC_OK;
}

wc_status wc_keyset_reserve(wc_keyset *ks, size_t n, wc_error *err)
{
    return grow_to(ks, n, err);
}

wc_status wc_keyset_add(wc_keyset *ks, uint64_t key, uint32_t text, int64_t id, wc_error *err)
{
    struct ks_entry x;
    wc_status st;

    if (id <= 0)
        return wc_error_set(err, WC_ERR_USAGE, "document id %lld is not a rowid", (long long)id);
    if (id > (int64_t)UINT32_MAX)
        return wc_error_set(err, WC_ERR_LIMIT,
                            "document id %lld is over the key set's limit of %lu", (long long)id,
                            (unsigned long)UINT32_MAX);
    if ((st = grow_to(ks, ks->n + 1, err)))
        return st;
    x.key = key;
    x.text = text;
    x.id = (uint32_t)id;
    put(ks->e, ks->cap, &x);
    ks->n++;
    return WC_OK;
}

int64_t wc_keyset_find(const wc_keyset *ks, uint64_t key, uint32_t text)
{
    size_t i;

    if (!ks->cap)
        return 0;
    for (i = home(key, text, ks->cap); ks->e[i].id; i = (i + 1) & (ks->cap - 1))
        if (ks->e[i].key == key && ks->e[i].text == text)
            return ks->e[i].id;
    return 0;
}

size_t wc_keyset_count(const wc_keyset *ks)
{
    return ks->n;
}

size_t wc_keyset_memory(const wc_keyset *ks)
{
    return sizeof(*ks) + ks->cap * sizeof(*ks->e);
}
