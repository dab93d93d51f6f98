/*
 * stopwords.h - words and the function words of ten languages (stopwords.c):
 * base layer, private to the library. A header of its own, without
 * banned.h, so that a wing's private header can include it first.
 */
#ifndef WC_STOPWORDS_H
#define WC_STOPWORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Languages with a stopword list. */
enum wc_lang {
    WC_LANG_EN = 0,
    WC_LANG_DE,
    WC_LANG_FR,
    WC_LANG_ES,
    WC_LANG_IT,
    WC_LANG_PT,
    WC_LANG_NL,
    WC_LANG_SV,
    WC_LANG_PL,
    WC_LANG_RU,
    WC_NLANG
};
#define WC_LANG_NONE (-1)
/* Count the words of p[0..len) and, per language, its stopwords (lang_stops may be NULL). */
void wc_words_count(const char *p, size_t len, uint32_t *words, uint16_t lang_stops[WC_NLANG]);
/* The words of p[0..len). */
size_t wc_count_words(const char *p, size_t len);
/* Is the lower-case word w[0..len) a stopword of lang? Thread-safe. */
bool wc_is_stopword(int lang, const char *w, size_t len);
/* "en", "de", ... for a language; NULL for WC_LANG_NONE. */
const char *wc_lang_code(int lang);
/* The language of a tag ("de", "de-AT"), or WC_LANG_NONE. */
int wc_lang_from_code(const char *p, size_t len);
/* Expected stopword density of lang's prose relative to English (thresholds scale by it). */
double wc_lang_stop_scale(int lang);
/* Number of stopwords of lang (for tests). */
size_t wc_stopword_count(int lang);

#endif
