/*
 * fetch_one.c - wc_fetch_one(): one URL, fetched and waited for, for the
 * commands that look at a single page or feed (`extract URL`, `feed URL`).
 *
 * The idea is that there is one HTTP client with one policy. So this is
 * not a client of its own but a wc_fetcher made for the one request, run
 * until it answers, and freed: the User-Agent, the hop-by-hop redirect
 * checks, the decoded-size cap, the timeouts and robots.txt are exactly
 * what `follow` gets, because they are the same code. The cost is a curl
 * multi handle per call and, for a page, the robots.txt request before
 * it; a one-off look can afford both.
 *
 * The answer is copied out of the callback into a wc_fetched the caller
 * owns (the body is taken, not copied), so nothing borrowed outlives the
 * fetcher. Not done here: conditional GETs, retries, or keeping the
 * robots.txt between calls (a caller fetching many URLs wants a fetcher).
 */
#include "fetch_internal.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* What the callback hands back to wc_fetch_one. */
struct one {
    wc_fetched *got; /* the answer, once it came */
    wc_error err;    /* its error (code WC_OK for an answer without one) */
    bool nomem;      /* the answer could not be copied */
};

static bool dup_into(char **slot, const char *s)
{
    *slot = NULL;
    if (!s)
        return true;
    *slot = wc_strdup(s);
    return *slot != NULL;
}

static void one_done(void *ctx, wc_response *r)
{
    struct one *o = ctx;
    wc_fetched *g = calloc(1, sizeof(*g));

    if (!g) {
        o->nomem = true;
        return;
    }
    g->result = r->result;
    g->http_status = r->http_status;
    g->redirects = r->redirects;
    g->fetched_at = r->fetched_at;
    if (!dup_into(&g->url, r->url) || !dup_into(&g->final_url, r->final_url) ||
        !dup_into(&g->moved_to, r->moved_to) || !dup_into(&g->content_type, r->content_type) ||
        !dup_into(&g->charset, r->charset) ||
        !dup_into(&g->content_location, r->content_location) ||
        !(g->body = wc_response_take_body(r, &g->body_len))) {
        wc_fetched_free(g);
        o->nomem = true;
        return;
    }
    o->err = r->err;
    o->got = g;
}

void wc_fetched_free(wc_fetched *r)
{
    if (!r)
        return;
    free(r->url);
    free(r->final_url);
    free(r->moved_to);
    free(r->content_type);
    free(r->charset);
    free(r->content_location);
    free(r->body);
    free(r);
}

wc_status wc_fetch_one(const char *url, wc_fetch_kind kind, const wc_fetch_opts *opts,
                       const volatile sig_atomic_t *stop, wc_fetched **out, wc_error *err)
{
    struct one o = {NULL, WC_ERROR_INIT, false};
    wc_fetch_req req = {url, kind, NULL, NULL, 0, NULL};
    wc_fetcher *f = NULL;
    wc_error run_err = WC_ERROR_INIT;
    wc_status st;

    if (out)
        *out = NULL;
    if (!out || !url)
        return wc_error_set(err, WC_ERR_USAGE, "wc_fetch_one: no URL or output pointer");
    if ((st = wc_fetcher_new(opts, one_done, &o, &f, err)) != WC_OK)
        return st;
    if ((st = wc_fetcher_add(f, &req, err)) != WC_OK) {
        wc_fetcher_free(f);
        return st;
    }
    st = wc_fetcher_run(f, stop, &run_err);
    if (st != WC_OK)
        wc_fetcher_cancel(f); /* answers the request (CANCELLED) and aborts its transfer */
    wc_fetcher_free(f);
    if (o.nomem || !o.got) {
        wc_fetched_free(o.got);
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory fetching '%s'", url);
    }
    *out = o.got;
    if (st != WC_OK && st != WC_ERR_INTERRUPTED) { /* curl's multi handle failed */
        if (err)
            *err = run_err;
        return st;
    }
    switch (o.got->result) {
    case WC_FETCH_OK:
        wc_error_clear(err);
        return WC_OK;
    case WC_FETCH_NOT_MODIFIED: /* no validator was sent: the server is confused */
        return wc_error_set(err, WC_ERR_HTTP, "HTTP 304 from '%s' to a request without validators",
                            o.got->final_url);
    default:
        if (err)
            *err = o.err;
        return o.err.code != WC_OK ? o.err.code : WC_ERR_NET;
    }
}
