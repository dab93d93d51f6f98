/*
 * fuzz_extract.c - libFuzzer target for the article extractor.
 *
 * Every input is a page: charset sniffing, the SAX tree builder, JSON-LD,
 * metadata, scoring and both renderers run on it. Besides the sanitizers'
 * checks, the target asserts what callers rely on: the text is valid
 * UTF-8 of text_len bytes, every block lies inside it, and an empty
 * result is reported as WC_ERR_EMPTY rather than as empty text. The
 * first input byte picks an HTTP charset (none, UTF-8, latin1, Shift_JIS,
 * UTF-16) so the conversion paths are fuzzed too; with its bit 0x40 the
 * input is a feed entry's fragment instead (wc_extract_fragment), whose
 * known title, author and site are cut from the input's first bytes, so
 * that invalid UTF-8 and markup in them are fuzzed as well.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/buf.h"
#include "wirecopy/extract.h"
#include "wirecopy/wirecopy.h"

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Rendered JSON of one article: the text is at most WC_EXTRACT_MAX_TEXT,
 * written twice (text and blocks), each byte at most 6 when escaped.
 */
#define FUZZ_OUT_MAX (WC_EXTRACT_MAX_TEXT * 12 + ((size_t)1 << 20))
/* Bytes of each known string cut from the input. */
#define FUZZ_KNOWN_BYTES 48

static void check(bool ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const charsets[] = {NULL, "utf-8", "iso-8859-1", "shift_jis", "utf-16"};
    static bool ready;
    wc_extract_opts o = {"http://example.com/news/2024/05/17/story.html", NULL, NULL};
    wc_article_known k;
    char known_s[3][FUZZ_KNOWN_BYTES + 1];
    bool fragment = size > 0 && (data[0] & 0x40);
    wc_article a;
    wc_buf out;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    size_t i;

    if (!ready) {
        wc_global_init(NULL);
        ready = true;
    }
    if (size > 0) {
        o.charset = charsets[data[0] % WC_ARRAY_SIZE(charsets)];
        if (data[0] & 0x80)
            o.url = NULL;
    }
    wc_buf_init(&out, FUZZ_OUT_MAX);
    wc_article_init(&a);
    if (fragment) {
        /* title, author, site: the input's bytes 1.., each up to a NUL or FUZZ_KNOWN_BYTES */
        for (i = 0; i < 3; i++) {
            size_t at = 1 + i * FUZZ_KNOWN_BYTES, n = 0;
            while (at + n < size && n < FUZZ_KNOWN_BYTES && data[at + n])
                n++;
            memcpy(known_s[i], at < size ? data + at : data, at < size ? n : 0);
            known_s[i][at < size ? n : 0] = '\0';
        }
        wc_article_known_init(&k);
        k.url = o.url;
        k.entry.title = known_s[0];
        k.entry.author = known_s[1];
        k.entry.site = known_s[2];
        k.record.published_at = 1715904000;
        o.known = &k;
        st = wc_extract_fragment((const char *)data, size, &o, &a, &err);
    } else {
        st = wc_extract_html((const char *)data, size, &o, &a, &err);
    }
    if (st == WC_OK) {
        check(a.text != NULL && a.text_len > 0 && strlen(a.text) == a.text_len);
        check(wc_utf8_valid(a.text, a.text_len));
        check(a.n_blocks > 0);
        for (i = 0; i < a.n_blocks; i++)
            check(a.blocks[i].off + a.blocks[i].len <= a.text_len &&
                  a.blocks[i].kind < WC_BLOCK_KIND_COUNT);
        check(!a.title || wc_utf8_valid(a.title, strlen(a.title)));
        check(!a.author || wc_utf8_valid(a.author, strlen(a.author)));
        check(!a.site || wc_utf8_valid(a.site, strlen(a.site)));
        check(!fragment || a.published_at == 1715904000);
        check(wc_article_to_json(&a, o.url, &out) == WC_OK);
        check(wc_utf8_valid(out.buf, out.len));
        wc_buf_reset(&out);
        check(wc_article_to_markdown(&a, &out) == WC_OK);
    } else {
        /* no article: no text, but the metadata found may stay, valid UTF-8 */
        check((a.text == NULL || a.text_len == 0) && a.n_blocks == 0);
        check(!a.title || wc_utf8_valid(a.title, strlen(a.title)));
    }
    wc_buf_release(&out);
    wc_article_release(&a);
    return 0;
}
