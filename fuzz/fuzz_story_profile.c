/*
 * fuzz_story_profile.c - libFuzzer target for the story profile: the
 * profiler on any title and text, the blob reader on any bytes.
 *
 * Input: the first byte picks the language tag (none, en, de, fr, pl or a
 * junk tag) and whether a published time is known; the rest is the text,
 * or title and text split at the first 0x01 byte.
 *
 * Promises checked: profiling succeeds; every vector is sorted and
 * distinct, within its cap, with weights 1 + ln(tf); the date agrees with
 * its source; the date stripper keeps the length and the line breaks;
 * pack then unpack gives the same profile, and a cosine of a vector with
 * itself is 1; the input read as a blob is refused or, when accepted,
 * packs back to the same bytes.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "story/story_internal.h"
#include "wirecopy/story_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_profile(const wc_story_profile *pr)
{
    int k;
    uint32_t i;

    if ((pr->date_source == WC_STORY_DATE_NONE) != (pr->date == INT64_MIN))
        abort();
    for (k = 0; k < WC_STORY_KINDS; k++) {
        const wc_story_vec *v = &pr->vec[k];
        if (v->n > wc_story_kind_cap((enum wc_story_kind)k))
            abort();
        for (i = 0; i < v->n; i++) {
            if (i && v->term[i] <= v->term[i - 1])
                abort();
            if (pr->tf[k][i] < 1 || fabs(v->weight[i] - (1.0 + log(pr->tf[k][i]))) > 1e-5)
                abort();
        }
        if (v->n) {
            double c = wc_story_cosine(v, v, NULL, NULL);
            if (fabs(c - 1.0) > 1e-6)
                abort();
        }
    }
}

static void same(const wc_story_profile *a, const wc_story_profile *b)
{
    int k;

    if (a->date != b->date || a->date_source != b->date_source || a->flags != b->flags ||
        strcmp(a->lang, b->lang))
        abort();
    for (k = 0; k < WC_STORY_KINDS; k++) {
        if (a->vec[k].n != b->vec[k].n)
            abort();
        if (a->vec[k].n &&
            (memcmp(a->vec[k].term, b->vec[k].term, a->vec[k].n * sizeof(uint64_t)) ||
             memcmp(a->tf[k], b->tf[k], a->vec[k].n * sizeof(uint32_t))))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const langs[] = {NULL, "en", "de", "fr", "pl", "x-\xff"};
    wc_story_profiler *p = NULL;
    wc_story_profile pr, back;
    wc_story_input in;
    wc_buf blob = WC_BUF_INIT, again = WC_BUF_INIT;
    const uint8_t *split;
    uint8_t mode;
    char *copy;
    int64_t dl;
    size_t i;

    if (size < 1)
        return 0;
    wc_story_profile_init(&pr);
    wc_story_profile_init(&back);

    /* the input as a blob */
    if (wc_story_profile_unpack(data, size, &back, NULL) == WC_OK) {
        check_profile(&back);
        if (wc_story_profile_pack(&back, &again) || again.len != size ||
            memcmp(again.buf, data, size))
            abort();
    }

    /* the input as a text */
    memset(&in, 0, sizeof(in));
    mode = data[0];
    in.lang = langs[mode % 6];
    in.published_at = mode & 0x80 ? 1400000000 : INT64_MIN;
    data++;
    size--;
    split = memchr(data, 1, size);
    if (split) {
        in.title = (const char *)data;
        in.title_len = (size_t)(split - data);
        in.text = (const char *)split + 1;
        in.text_len = size - in.title_len - 1;
    } else {
        in.text = (const char *)data;
        in.text_len = size;
    }
    if (wc_story_profiler_new(NULL, &p, NULL) || wc_story_profile_make(p, &in, &pr, NULL))
        abort(); /* only out of memory may fail */
    check_profile(&pr);
    if (wc_story_profile_pack(&pr, &blob) ||
        wc_story_profile_unpack(blob.buf, blob.len, &back, NULL))
        abort();
    same(&pr, &back);

    /* the date stripper alone */
    if ((copy = malloc(size + 1))) {
        memcpy(copy, data, size);
        copy[size] = '\0';
        st_dates_strip(copy, size, 3, mode & 0x40, &dl);
        for (i = 0; i < size; i++)
            if ((copy[i] == '\n') != (data[i] == '\n') ||
                ((uint8_t)copy[i] != data[i] && copy[i] != ' '))
                abort();
        free(copy);
    }

    wc_buf_release(&blob);
    wc_buf_release(&again);
    wc_story_profile_release(&pr);
    wc_story_profile_release(&back);
    wc_story_profiler_free(p);
    return 0;
}
