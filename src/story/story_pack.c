/*
 * story_pack.c - terms, the stored form of a profile, and the similarity
 * of two sparse vectors.
 *
 * Terms are xxh3-64 of the normalised text seeded with the tag, so
 * "ice" the entity and "ice" the body word are different terms; with
 * 64 bits, a million texts of ~1,000 distinct terms each collide in
 * about one pair of terms in 2^25 by the birthday bound: nothing a cosine
 * notices.
 *
 * The blob (version 1, little-endian):
 *
 *   "WSP" 0x01          magic and version
 *   flags, source       one byte each (wc_story_profile_flags, date source)
 *   lang                one byte of length (0-7) and the letters
 *   date                int64
 *   n[5]                the term count of each kind, LEB128 varints
 *   per kind            n terms as uint64, then n term frequencies as varints
 *   check               uint32: the low half of xxh3-64 of everything before
 *
 * Terms are random 64-bit values, so delta coding them would save
 * nothing (gaps of ~2^55 for 500 terms still take 8 bytes); frequencies
 * are small and take one byte each (varints in their shortest form only,
 * so a profile has one blob and a blob one profile). Weights are not
 * stored: 1 + ln(tf) is computed again on reading, so a blob means the
 * same to every version that reads it. Reading checks everything the format promises
 * (order, caps, the checksum, the exact length) and refuses the blob
 * otherwise: a stored profile is either whole or reported.
 *
 * Similarity. A cosine of idf-weighted vectors: the dot product runs as a
 * merge of the two sorted term lists, or, when one vector is much shorter
 * than the other (a text against a story's centroid), as a galloping
 * search of the short one's terms in the long one.
 */
#include "story_internal.h"

#include <math.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "internal.h"

#define PACK_MAGIC "WSP"
#define PACK_VERSION 1
/* Largest term frequency read back: a capped text has far fewer words. */
#define PACK_MAX_TF ((uint32_t)1 << 24)

/* Seeds mixed into the term hash, one per tag (any fixed distinct values). */
uint64_t wc_story_term(enum wc_story_tag tag, const char *term, size_t len)
{
    return XXH3_64bits_withSeed(term, len, wc_mix64(0x5354u + (uint64_t)tag));
}

bool wc_story_vec_has(const wc_story_vec *v, uint64_t term)
{
    uint32_t lo = 0, hi = v->n;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v->term[mid] < term)
            lo = mid + 1;
        else if (v->term[mid] > term)
            hi = mid;
        else
            return true;
    }
    return false;
}

/* --- pack -------------------------------------------------------------------------- */

static wc_status put_varint(wc_buf *out, uint32_t v)
{
    unsigned char b[5];
    size_t n = 0;

    do {
        b[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v)
            b[n] |= 0x80;
        n++;
    } while (v);
    return wc_buf_add(out, b, n);
}

static wc_status put_u64(wc_buf *out, uint64_t v)
{
    unsigned char b[8];
    int i;

    for (i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    return wc_buf_add(out, b, 8);
}

wc_status wc_story_profile_pack(const wc_story_profile *pr, wc_buf *out)
{
    size_t start = out->len, ll = 0;
    unsigned char head[7] = {'W', 'S', 'P', PACK_VERSION, pr->flags, pr->date_source, 0};
    unsigned char check[4];
    uint64_t h;
    wc_status st;
    uint32_t i;
    int k;

    while (ll < WC_STORY_LANG_MAX - 1 && pr->lang[ll])
        ll++;
    head[6] = (unsigned char)ll;
    if ((st = wc_buf_add(out, head, sizeof(head))) || (st = wc_buf_add(out, pr->lang, ll)) ||
        (st = put_u64(out, (uint64_t)pr->date)))
        goto fail;
    for (k = 0; k < WC_STORY_KINDS; k++)
        if ((st = put_varint(out, pr->vec[k].n)))
            goto fail;
    for (k = 0; k < WC_STORY_KINDS; k++) {
        for (i = 0; i < pr->vec[k].n; i++)
            if ((st = put_u64(out, pr->vec[k].term[i])))
                goto fail;
        for (i = 0; i < pr->vec[k].n; i++)
            if ((st = put_varint(out, pr->tf[k][i])))
                goto fail;
    }
    h = XXH3_64bits(out->buf + start, out->len - start);
    for (i = 0; i < 4; i++)
        check[i] = (unsigned char)(h >> (8 * i));
    if ((st = wc_buf_add(out, check, 4)))
        goto fail;
    return WC_OK;
fail:
    wc_buf_setlen(out, start);
    return st;
}

/* --- unpack ---------------------------------------------------------------------- */

struct reader {
    const unsigned char *p;
    size_t len, pos;
};

static bool get_varint(struct reader *r, uint32_t *v)
{
    uint64_t x = 0;
    unsigned shift = 0;

    while (r->pos < r->len && shift < 35) {
        unsigned char b = r->p[r->pos++];
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            /* one spelling per value: no value past 32 bits, no padding zero byte */
            if (x > UINT32_MAX || (b == 0 && shift))
                return false;
            *v = (uint32_t)x;
            return true;
        }
        shift += 7;
    }
    return false;
}

static bool get_u64(struct reader *r, uint64_t *v)
{
    int i;

    if (r->len - r->pos < 8)
        return false;
    *v = 0;
    for (i = 0; i < 8; i++)
        *v |= (uint64_t)r->p[r->pos + (size_t)i] << (8 * i);
    r->pos += 8;
    return true;
}

static wc_status corrupt(wc_story_profile *out, wc_error *err, const char *what, size_t at)
{
    static const uint32_t none[WC_STORY_KINDS];

    st_profile_layout(out, none);
    out->date = WC_TIME_NONE;
    out->date_source = WC_STORY_DATE_NONE;
    out->flags = 0;
    out->lang[0] = '\0';
    return wc_error_set(err, WC_ERR_CORRUPT, "story profile blob: %s at byte %zu", what, at);
}

wc_status wc_story_profile_unpack(const void *blob, size_t len, wc_story_profile *out,
                                  wc_error *err)
{
    const unsigned char *b = blob;
    struct reader r = {b, len, 0};
    uint32_t n[WC_STORY_KINDS], total = 0, i, check = 0;
    uint64_t date, h;
    size_t ll, off = 0;
    int k;

    if (len < 7 + 8 + WC_STORY_KINDS + 4)
        return corrupt(out, err, "too short", len);
    if (memcmp(b, PACK_MAGIC, 3))
        return corrupt(out, err, "not a profile", 0);
    if (b[3] != PACK_VERSION)
        return corrupt(out, err, "unknown version", 3);
    for (i = 0; i < 4; i++)
        check |= (uint32_t)b[len - 4 + i] << (8 * i);
    h = XXH3_64bits(b, len - 4);
    if ((uint32_t)h != check)
        return corrupt(out, err, "checksum mismatch", len - 4);
    r.len = len - 4;
    if (b[4] & ~(WC_STORY_CUT_TEXT | WC_STORY_CUT_TERMS | WC_STORY_LANG_GUESSED))
        return corrupt(out, err, "unknown flags", 4);
    if (b[5] > WC_STORY_DATE_DATELINE)
        return corrupt(out, err, "unknown date source", 5);
    ll = b[6];
    r.pos = 7;
    if (ll >= WC_STORY_LANG_MAX || r.len - r.pos < ll)
        return corrupt(out, err, "bad language", 6);
    for (i = 0; i < ll; i++)
        if (b[7 + i] < 'a' || b[7 + i] > 'z')
            return corrupt(out, err, "bad language", 7 + i);
    r.pos += ll;
    if (!get_u64(&r, &date))
        return corrupt(out, err, "truncated", r.pos);
    if ((b[5] == WC_STORY_DATE_NONE) != ((int64_t)date == WC_TIME_NONE))
        return corrupt(out, err, "date and its source disagree", r.pos - 8);
    for (k = 0; k < WC_STORY_KINDS; k++) {
        size_t at = r.pos;
        if (!get_varint(&r, &n[k]))
            return corrupt(out, err, "truncated", r.pos);
        if (n[k] > wc_story_kind_cap((enum wc_story_kind)k))
            return corrupt(out, err, "more terms than the cap", at);
        total += n[k];
    }
    /* each term takes at least 9 bytes: refuse before allocating for a lying count */
    if ((r.len - r.pos) / 9 < total)
        return corrupt(out, err, "truncated", r.pos);
    if (st_profile_room(out, total))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory reading a story profile");
    for (k = 0; k < WC_STORY_KINDS; k++) {
        for (i = 0; i < n[k]; i++) {
            if (!get_u64(&r, &out->terms_[off + i]))
                return corrupt(out, err, "truncated", r.pos);
            if (i && out->terms_[off + i] <= out->terms_[off + i - 1])
                return corrupt(out, err, "terms out of order", r.pos - 8);
        }
        for (i = 0; i < n[k]; i++) {
            uint32_t tf;
            size_t at = r.pos;
            if (!get_varint(&r, &tf))
                return corrupt(out, err, "truncated", r.pos);
            if (!tf || tf > PACK_MAX_TF)
                return corrupt(out, err, "bad term frequency", at);
            out->tfs_[off + i] = tf;
            out->weights_[off + i] = (float)(1.0 + log((double)tf));
        }
        off += n[k];
    }
    if (r.pos != r.len)
        return corrupt(out, err, "trailing bytes", r.pos);
    out->flags = b[4];
    out->date_source = b[5];
    memcpy(out->lang, b + 7, ll);
    out->lang[ll] = '\0';
    out->date = (int64_t)date;
    st_profile_layout(out, n);
    return WC_OK;
}

/* --- similarity ------------------------------------------------------------------- */

static double idf_of(wc_story_idf_fn idf, void *ctx, uint64_t term)
{
    return idf ? idf(ctx, term) : 1.0;
}

double wc_story_vec_norm(const wc_story_vec *v, wc_story_idf_fn idf, void *ctx)
{
    double s = 0;
    uint32_t i;

    for (i = 0; i < v->n; i++) {
        double w = v->weight[i] * idf_of(idf, ctx, v->term[i]);
        s += w * w;
    }
    return sqrt(s);
}

/* First index >= from of a term >= t in v (galloping, then binary search). */
static uint32_t gallop(const wc_story_vec *v, uint32_t from, uint64_t t)
{
    uint32_t step = 1, lo = from, hi;

    while (lo + step < v->n && v->term[lo + step] < t) {
        lo += step;
        step *= 2;
    }
    hi = WC_MIN(lo + step, v->n);
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v->term[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

double wc_story_vec_dot(const wc_story_vec *a, const wc_story_vec *b, wc_story_idf_fn idf,
                        void *ctx)
{
    double s = 0;
    uint32_t i = 0, j = 0;

    if (a->n > b->n) {
        const wc_story_vec *t = a;
        a = b;
        b = t;
    }
    if (!a->n)
        return 0;
    if ((uint64_t)a->n * 8 < b->n) {
        for (i = 0; i < a->n && j < b->n; i++) {
            j = gallop(b, j, a->term[i]);
            if (j < b->n && b->term[j] == a->term[i]) {
                double w = idf_of(idf, ctx, a->term[i]);
                s += (double)a->weight[i] * b->weight[j] * w * w;
            }
        }
        return s;
    }
    while (i < a->n && j < b->n) {
        if (a->term[i] < b->term[j]) {
            i++;
        } else if (a->term[i] > b->term[j]) {
            j++;
        } else {
            double w = idf_of(idf, ctx, a->term[i]);
            s += (double)a->weight[i] * b->weight[j] * w * w;
            i++;
            j++;
        }
    }
    return s;
}

double wc_story_cosine(const wc_story_vec *a, const wc_story_vec *b, wc_story_idf_fn idf, void *ctx)
{
    double na, nb, c;

    if (!a->n || !b->n)
        return 0;
    na = wc_story_vec_norm(a, idf, ctx);
    nb = wc_story_vec_norm(b, idf, ctx);
    if (!(na > 0) || !(nb > 0))
        return 0;
    c = wc_story_vec_dot(a, b, idf, ctx) / (na * nb);
    return c < 0 ? 0 : c > 1 ? 1 : c;
}
