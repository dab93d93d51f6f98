/*
 * bench_extract.c - how fast wc_extract_html() is next to a bare libxml2
 * parse of the same pages, measured in the same run.
 *
 *   bench_extract [DIR] [ROUNDS]
 *
 * DIR (default $WC_SHARED/data/extraction-dev) holds *.html pages; they
 * are read into memory once. Each round times, single-threaded:
 *   parse    htmlReadMemory() + xmlFreeDoc() of every page (the floor:
 *            what any libxml2-based extractor pays before looking at text)
 *   extract  wc_extract_html() + wc_article_release() of every page
 * alternating the two so that machine noise hits both alike; the best
 * round of each is reported (MB = 10^6 bytes of HTML), with the ratio
 * extract/parse. A last pass runs extraction on two threads, as
 * `wirecopy extract DIR` and `ingest` do. When DIR is missing the
 * benchmark prints why and exits 0.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>

#include "wirecopy/extract.h"
#include "wirecopy/wirecopy.h"
#include "benchlib.h"

struct page {
    char *buf;
    size_t len;
};

static struct page *pages;
static size_t n_pages;
static size_t total_bytes;

static int load(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t cap = 0;

    if (!d)
        return -1;
    while ((de = readdir(d))) {
        char path[4096];
        size_t n = strlen(de->d_name);
        FILE *f;
        long sz;
        if (n < 6 || strcmp(de->d_name + n - 5, ".html"))
            continue;
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
            continue;
        if (!(f = fopen(path, "rb")))
            continue;
        if (fseek(f, 0, SEEK_END) || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
            fclose(f);
            continue;
        }
        if (n_pages == cap) {
            struct page *p;
            cap = cap ? cap * 2 : 256;
            if (!(p = realloc(pages, cap * sizeof(*p)))) {
                fclose(f);
                closedir(d);
                return -1;
            }
            pages = p;
        }
        pages[n_pages].buf = malloc((size_t)sz + 1);
        if (!pages[n_pages].buf || fread(pages[n_pages].buf, 1, (size_t)sz, f) != (size_t)sz) {
            free(pages[n_pages].buf);
            fclose(f);
            continue;
        }
        pages[n_pages].len = (size_t)sz;
        total_bytes += (size_t)sz;
        n_pages++;
        fclose(f);
    }
    closedir(d);
    return 0;
}

static double run_parse(void)
{
    double t0 = bench_wall();
    size_t i;

    for (i = 0; i < n_pages; i++) {
        htmlDocPtr doc =
            htmlReadMemory(pages[i].buf, (int)pages[i].len, NULL, NULL,
                           HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                               HTML_PARSE_NONET | HTML_PARSE_COMPACT);
        if (doc)
            xmlFreeDoc(doc);
    }
    return bench_wall() - t0;
}

static size_t extracted; /* pages with an article in the last run (sanity) */

static double run_extract(void)
{
    double t0 = bench_wall();
    size_t i;
    wc_article a;

    extracted = 0;
    wc_article_init(&a);
    for (i = 0; i < n_pages; i++) {
        if (wc_extract_html(pages[i].buf, pages[i].len, NULL, &a, NULL) == WC_OK)
            extracted++;
        wc_article_release(&a);
    }
    return bench_wall() - t0;
}

static atomic_size_t next_page;

static void *worker(void *arg)
{
    wc_article a;

    (void)arg;
    wc_article_init(&a);
    for (;;) {
        size_t i = atomic_fetch_add(&next_page, 1);
        if (i >= n_pages)
            break;
        wc_extract_html(pages[i].buf, pages[i].len, NULL, &a, NULL);
        wc_article_release(&a);
    }
    return NULL;
}

static double run_threads(int n)
{
    pthread_t th[8];
    double t0 = bench_wall();
    int i;

    atomic_store(&next_page, 0);
    for (i = 0; i < n; i++)
        pthread_create(&th[i], NULL, worker, NULL);
    for (i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    return bench_wall() - t0;
}

static void line(const char *what, double secs)
{
    printf("  %-22s %8.1f MB/s %9.0f pages/s  (%.3f s)\n", what, (double)total_bytes / 1e6 / secs,
           (double)n_pages / secs, secs);
}

int main(int argc, char **argv)
{
    char def[4096];
    const char *dir = argc > 1 ? argv[1] : NULL;
    int rounds = argc > 2 ? atoi(argv[2]) : 5, r;
    double best_parse = 1e30, best_extract = 1e30, t2;
    const char *shared = getenv("WC_SHARED");

    if (!dir) {
        snprintf(def, sizeof(def), "%s/data/extraction-dev",
                 shared && *shared ? shared : "../shared");
        dir = def;
    }
    if (rounds < 1)
        rounds = 1;
    if (wc_global_init(NULL) != WC_OK)
        return 1;
    if (load(dir) != 0 || !n_pages) {
        printf("bench_extract: no pages in '%s', skipped (give a folder of .html pages)\n", dir);
        return 0;
    }
    printf("bench_extract: %zu pages, %.1f MB of HTML from %s, best of %d rounds, 1 thread\n",
           n_pages, (double)total_bytes / 1e6, dir, rounds);
    printf("  (timings share the machine with whatever else runs: compare within one run)\n");
    run_parse(); /* warm caches, lazily built tables */
    run_extract();
    for (r = 0; r < rounds; r++) {
        double p = run_parse(), e = run_extract();
        if (p < best_parse)
            best_parse = p;
        if (e < best_extract)
            best_extract = e;
    }
    line("htmlReadMemory (floor)", best_parse);
    line("wc_extract_html", best_extract);
    printf("  extract / parse cost:  %.2fx   (%zu of %zu pages gave an article)\n",
           best_extract / best_parse, extracted, n_pages);
    t2 = run_threads(2);
    line("wc_extract_html, 2 thr", t2);
    wc_global_cleanup();
    return 0;
}
