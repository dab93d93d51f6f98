/*
 * fetch_url.c - what a request's URL may be, hop by hop: curl's URL
 * parser splits each hop's URL into the host (the unit of politeness),
 * the origin (the unit of robots.txt) and the path robots rules are
 * matched against; and redirects are followed here, not by curl.
 *
 * Why redirects are followed here and not by CURLOPT_FOLLOWLOCATION:
 *  - every hop must pass the same checks: http/https only (a redirect to
 *    file:// or ftp:// is refused with a message naming both URLs), robots
 *    rules of the new origin for pages, and the new host's politeness;
 *  - the caller needs to know whether the chain *began* with permanent
 *    redirects (301/308), to update a stored feed URL, which curl does not
 *    report hop by hop.
 * CURLOPT_PROTOCOLS_STR / REDIR_PROTOCOLS_STR "http,https" stay set as a
 * second lock (fetch_transfer.c).
 */
#include "fetch_internal.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * The origin or the path of a URL of at most FETCH_MAX_URL bytes, as curl
 * gives them back: twice the URL leaves room for what curl's normalising
 * adds (a default port, percent-encoded bytes).
 */
#define URL_PART_MAX (2 * FETCH_MAX_URL)

int fetch_parse_url(wc_fetcher *f, request *r)
{
    CURLU *u = NULL;
    char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *query = NULL, *full = NULL;
    CURLUcode uc;
    int rc = -1;
    size_t i;
    wc_buf b;

    if (strlen(r->cur) > FETCH_MAX_URL) {
        fetch_answer(f, r, WC_FETCH_REFUSED, WC_ERR_LIMIT, "URL longer than %d bytes: '%.200s...'",
                     FETCH_MAX_URL, r->cur);
        return -1;
    }
    wc_buf_init(&b, URL_PART_MAX);
    u = curl_url();
    if (!u) {
        fetch_answer(f, r, WC_FETCH_REFUSED, WC_ERR_NOMEM, "out of memory parsing '%s'", r->cur);
        return -1;
    }
    uc = curl_url_set(u, CURLUPART_URL, r->cur, CURLU_NON_SUPPORT_SCHEME);
    if (uc != CURLUE_OK) {
        fetch_answer(f, r, WC_FETCH_REFUSED, WC_ERR_USAGE, "bad URL '%s': %s", r->cur,
                     curl_url_strerror(uc));
        goto out;
    }
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
        fetch_answer(f, r, WC_FETCH_REFUSED, WC_ERR_UNSUPPORTED,
                     "refused '%s': only http and https URLs are fetched", r->cur);
        goto out;
    }
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0]) {
        fetch_answer(f, r, WC_FETCH_REFUSED, WC_ERR_USAGE, "bad URL '%s': no host", r->cur);
        goto out;
    }
    for (i = 0; host[i]; i++)
        if (host[i] >= 'A' && host[i] <= 'Z')
            host[i] = (char)(host[i] - 'A' + 'a');
    if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK) {
        fetch_answer(f, r, WC_FETCH_REFUSED, WC_ERR_USAGE, "bad URL '%s'", r->cur);
        goto out;
    }
    uc = curl_url_get(u, CURLUPART_QUERY, &query, 0);
    if (uc != CURLUE_OK && uc != CURLUE_NO_QUERY) {
        fetch_answer(f, r, WC_FETCH_REFUSED, WC_ERR_USAGE, "bad URL '%s'", r->cur);
        goto out;
    }

    r->host = fh_host_get(&f->tbl, host, f->o.host_delay_ms / 1000.0);
    free(r->origin);
    free(r->path);
    r->origin = NULL;
    r->path = NULL;
    if (wc_buf_addf(&b, "%s://%s:%s", scheme, host, port) == WC_OK)
        r->origin = wc_buf_detach(&b, NULL);
    if (wc_buf_addf(&b, "%s%s%s", path, query ? "?" : "", query ? query : "") == WC_OK)
        r->path = wc_buf_detach(&b, NULL);
    free(r->cur);
    r->cur = wc_strdup(full);
    if (!r->host || !r->origin || !r->path || !r->cur) {
        if (!r->cur)
            r->cur = wc_strdup(r->url);
        fetch_answer(f, r, WC_FETCH_REFUSED, WC_ERR_NOMEM, "out of memory queueing '%s'", r->url);
        goto out;
    }
    rc = 0;
out:
    wc_buf_release(&b);
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_free(query);
    curl_free(full);
    curl_url_cleanup(u);
    return rc;
}

bool fetch_is_redirect(long s)
{
    return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
}

/*
 * A redirect to a literal address the guard refuses (fetch_addr.c) is
 * answered here, before anything connects to it; a name is checked once
 * connected (fetch_transfer.c). True when the hop may go ahead.
 */
static bool redirect_net_ok(wc_fetcher *f, request *r, const char *target)
{
    CURLU *u = curl_url();
    char *host = NULL;
    fetch_net net = FETCH_NET_UNKNOWN;

    if (u && curl_url_set(u, CURLUPART_URL, target, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
        net = fetch_net_of(host);
    if (fetch_net_allowed((fetch_net)r->first_net, net)) {
        curl_free(host);
        curl_url_cleanup(u);
        return true;
    }
    fetch_answer(f, r, WC_FETCH_REFUSED, WC_ERR_UNSUPPORTED,
                 "redirect from '%s' to '%s' refused: it leads to a %s address (%s) and '%s' is "
                 "not on one (--allow-private follows it)",
                 r->cur, target, fetch_net_name(net), host, r->url);
    curl_free(host);
    curl_url_cleanup(u);
    return false;
}

void fetch_follow_redirect(wc_fetcher *f, request *r, const char *target)
{
    CURLU *u;
    char *scheme = NULL;
    bool web;

    if (r->redirects >= f->o.max_redirects) {
        fetch_answer(f, r, WC_FETCH_REFUSED, WC_ERR_LIMIT,
                     "too many redirects (more than %u) from '%s'", f->o.max_redirects, r->url);
        return;
    }
    u = curl_url();
    web = u && curl_url_set(u, CURLUPART_URL, target, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
          curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
          (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
    curl_free(scheme);
    curl_url_cleanup(u);
    if (!web) {
        fetch_answer(f, r, WC_FETCH_REFUSED, WC_ERR_UNSUPPORTED,
                     "redirect from '%s' to '%s' refused: only http and https are followed", r->cur,
                     target);
        return;
    }
    if (r->guard && r->first_net != FETCH_NET_UNKNOWN && !redirect_net_ok(f, r, target))
        return; /* answered */
    if ((r->status == 301 || r->status == 308) && r->perm_chain) {
        free(r->moved_to);
        r->moved_to = wc_strdup(target);
    } else {
        r->perm_chain = false;
    }
    free(r->cur);
    r->cur = wc_strdup(target);
    if (!r->cur) {
        r->cur = wc_strdup(r->url);
        fetch_answer(f, r, WC_FETCH_NET_ERROR, WC_ERR_NOMEM, "out of memory following '%s'",
                     r->url);
        return;
    }
    r->redirects++;
    fetch_enqueue(f, r);
}
