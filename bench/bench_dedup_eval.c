/*
 * bench_dedup_eval.c - cluster a labelled JSONL set through the library's
 * API and write the predicted clusters for the scorer.
 *
 *   bench_dedup_eval DOCS.jsonl [-o PRED.jsonl] [--shuffle SEED]
 *                    [--params TEXT] [--set KEY=VALUE]... [--log FILE]
 *
 * Each line of DOCS is {"id": ..., "text": ...} (other fields ignored).
 * Every document is fingerprinted (wc_fp_compute) and assigned
 * (wc_cluster_assign) in input order, or in a seeded random order with
 * --shuffle, exactly as the ingest pipeline does; doc ids are 1, 2, ... in
 * processing order. PRED gets one {"id": ..., "cluster": ...} line per
 * input line, in input order, ready for shared/eval/dedup/score.py.
 *
 * It prints docs/s for fingerprinting and for assignment, beside the time
 * to only read and parse the JSONL (the baseline of the same run), and the
 * index's memory per document. --log writes one line per near match (doc,
 * best match, Jaccard, containment, lead, shingle and lead counts, merges)
 * for error analysis. Timings share two cores with other work:
 * treat them as rough.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wirecopy/cluster.h"
#include "wirecopy/fingerprint.h"

struct doc {
    char *id_json; /* the input id, as JSON text */
    char *text;
    size_t len;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID,
                  &ts); /* CPU time: other work on the machine does not count */
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_dedup_eval DOCS.jsonl [-o PRED.jsonl] [--shuffle SEED] "
                    "[--params TEXT] [--set KEY=VALUE]...\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *in = NULL, *outp = NULL, *logp = NULL;
    FILE *logf = NULL;
    char params_text[1024] = "v1";
    unsigned long long seed = 0;
    int shuffle = 0, i;
    struct doc *docs = NULL;
    size_t n = 0, cap = 0, k, *order;
    int64_t *doc_of; /* doc id (1-based) per input line */
    FILE *f;
    char *line = NULL;
    size_t linecap = 0;
    ssize_t got;
    double t0, t_read, t_fp = 0, t_assign = 0;
    wc_fp_params p;
    wc_error err = WC_ERROR_INIT;
    wc_fp_worker *w;
    wc_cluster_index *idx;
    wc_fprint *fps;
    size_t nexact = 0, nnear = 0, nnew = 0, nmerge = 0;
    char ptext[WC_FP_PARAMS_MAX];

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            outp = argv[++i];
        else if (!strcmp(argv[i], "--log") && i + 1 < argc)
            logp = argv[++i];
        else if (!strcmp(argv[i], "--shuffle") && i + 1 < argc) {
            seed = strtoull(argv[++i], NULL, 10);
            shuffle = 1;
        } else if (!strcmp(argv[i], "--params") && i + 1 < argc)
            snprintf(params_text, sizeof(params_text), "%s", argv[++i]);
        else if (!strcmp(argv[i], "--set") && i + 1 < argc) {
            size_t l = strlen(params_text);
            snprintf(params_text + l, sizeof(params_text) - l, ";%s", argv[++i]);
        } else if (argv[i][0] == '-')
            usage();
        else if (!in)
            in = argv[i];
        else
            usage();
    }
    if (!in)
        usage();
    if (wc_fp_params_parse(params_text, strlen(params_text), &p, &err) != WC_OK) {
        fprintf(stderr, "bench_dedup_eval: %s\n", err.msg);
        return 2;
    }
    wc_fp_params_format(&p, ptext);

    /* Read: the baseline. */
    t0 = now();
    f = fopen(in, "r");
    if (!f) {
        perror(in);
        return 1;
    }
    while ((got = getline(&line, &linecap, f)) > 0) {
        json_error_t jerr;
        json_t *o = json_loadb(line, (size_t)got, 0, &jerr), *id, *text;
        if (!o)
            continue;
        id = json_object_get(o, "id");
        text = json_object_get(o, "text");
        if (id && json_is_string(text)) {
            if (n == cap) {
                cap = cap ? cap * 2 : 1024;
                docs = realloc(docs, cap * sizeof(*docs));
                if (!docs)
                    return 1;
            }
            docs[n].id_json = json_dumps(id, JSON_ENCODE_ANY);
            docs[n].len = json_string_length(text);
            docs[n].text = malloc(docs[n].len + 1);
            memcpy(docs[n].text, json_string_value(text), docs[n].len + 1);
            n++;
        }
        json_decref(o);
    }
    fclose(f);
    free(line);
    t_read = now() - t0;

    order = malloc(n * sizeof(*order));
    doc_of = malloc(n * sizeof(*doc_of));
    fps = malloc(n * sizeof(*fps));
    for (k = 0; k < n; k++)
        order[k] = k;
    if (shuffle) {
        uint64_t s = seed;
        for (k = n; k > 1; k--) {
            size_t j = (size_t)(splitmix64(&s) % k), t = order[k - 1];
            order[k - 1] = order[j];
            order[j] = t;
        }
    }

    w = wc_fp_worker_new(&p);
    idx = wc_cluster_index_new(&p);
    if (!w || !idx) {
        fprintf(stderr, "bench_dedup_eval: cannot set up (bad parameters or out of memory)\n");
        return 1;
    }
    t0 = now();
    for (k = 0; k < n; k++) {
        struct doc *d = &docs[order[k]];
        if (wc_fp_compute(w, d->text, d->len, &fps[k], &err) != WC_OK) {
            fprintf(stderr, "bench_dedup_eval: %s\n", err.msg);
            return 1;
        }
    }
    t_fp = now() - t0;
    if (logp && !(logf = fopen(logp, "w"))) {
        perror(logp);
        return 1;
    }
    t0 = now();
    for (k = 0; k < n; k++) {
        wc_match m;
        if (wc_cluster_assign(idx, (int64_t)k + 1, &fps[k], &m, &err) != WC_OK) {
            fprintf(stderr, "bench_dedup_eval: %s\n", err.msg);
            return 1;
        }
        doc_of[order[k]] = (int64_t)k + 1;
        nexact += m.kind == WC_MATCH_EXACT;
        nnear += m.kind == WC_MATCH_NEAR;
        nnew += m.kind == WC_MATCH_NEW;
        nmerge += m.nabsorbed;
        if (logf && m.kind == WC_MATCH_NEAR) {
            /* one line per near match: doc, best, its similarity figures, merges */
            wc_similarity sim;
            wc_fprint_similarity(&fps[k], &fps[m.best_doc - 1], &sim);
            fprintf(logf, "%s %s %.3f %.3f %.3f %u %u %u %u %zu\n", docs[order[k]].id_json,
                    docs[order[m.best_doc - 1]].id_json, sim.jaccard, sim.containment, sim.lead,
                    fps[k].shingles, fps[m.best_doc - 1].shingles, fps[k].lead_shingles,
                    fps[m.best_doc - 1].lead_shingles, m.nabsorbed);
        }
    }
    if (logf)
        fclose(logf);
    t_assign = now() - t0;

    if (outp) {
        FILE *o = fopen(outp, "w");
        if (!o) {
            perror(outp);
            return 1;
        }
        for (k = 0; k < n; k++) {
            int64_t c = 0;
            wc_cluster_index_cluster_of(idx, doc_of[k], &c);
            fprintf(o, "{\"id\": %s, \"cluster\": %lld}\n", docs[k].id_json, (long long)c);
        }
        fclose(o);
    }

    printf("params        %s\n", ptext);
    printf("docs          %zu (new %zu, exact %zu, near %zu, merges %zu)%s\n", n, nnew, nexact,
           nnear, nmerge, shuffle ? " shuffled" : "");
    printf("read+parse    %8.0f docs/s  (baseline)\n", n / t_read);
    printf("fingerprint   %8.0f docs/s  (one thread)\n", n / t_fp);
    printf("assign        %8.0f docs/s\n", n / t_assign);
    printf("index memory  %8.0f bytes/doc\n",
           (double)wc_cluster_index_memory(idx) / (n ? (double)n : 1.0));

    wc_fp_worker_free(w);
    wc_cluster_index_free(idx);
    for (k = 0; k < n; k++) {
        free(docs[k].id_json);
        free(docs[k].text);
    }
    free(docs);
    free(order);
    free(doc_of);
    free(fps);
    return 0;
}
