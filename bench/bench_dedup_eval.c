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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecopy/cluster.h"
#include "wirecopy/fingerprint.h"
#include "benchlib.h"

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
    struct bench_doc *docs = NULL;
    size_t n = 0, k, *order;
    int64_t *doc_of; /* doc id (1-based) per input line */
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
    t0 = bench_cpu();
    if (bench_read_jsonl(in, 1, &docs, &n) != 0) {
        perror(in);
        return 1;
    }
    t_read = bench_cpu() - t0;

    order = malloc(n * sizeof(*order));
    doc_of = malloc(n * sizeof(*doc_of));
    fps = malloc(n * sizeof(*fps));
    for (k = 0; k < n; k++)
        order[k] = k;
    if (shuffle) {
        uint64_t s = seed;
        for (k = n; k > 1; k--) {
            size_t j = (size_t)(bench_rand(&s) % k), t = order[k - 1];
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
    t0 = bench_cpu();
    for (k = 0; k < n; k++) {
        const struct bench_doc *d = &docs[order[k]];
        if (wc_fp_compute(w, d->text, d->len, &fps[k], &err) != WC_OK) {
            fprintf(stderr, "bench_dedup_eval: %s\n", err.msg);
            return 1;
        }
    }
    t_fp = bench_cpu() - t0;
    if (logp && !(logf = fopen(logp, "w"))) {
        perror(logp);
        return 1;
    }
    t0 = bench_cpu();
    for (k = 0; k < n; k++) {
        wc_match m;
        if (wc_cluster_assign(idx, (int64_t)k + 1, &fps[k], INT64_MIN, &m, &err) != WC_OK) {
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
    t_assign = bench_cpu() - t0;

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
    bench_docs_free(docs, n);
    free(order);
    free(doc_of);
    free(fps);
    return 0;
}
