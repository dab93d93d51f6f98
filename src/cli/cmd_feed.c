/*
 * cmd_feed.c - `wirecopy feed FILE|URL|-`: parse one feed, print it as JSON.
 *
 * The JSON is the contract of the feed conformance suite (SCHEMA.md
 * beside conformance.py): format, title, link, description, language,
 * published, updated, author, encoding, bozo and entries[] with id,
 * title, link, published, updated, author, summary, content, enclosures
 * and categories. A few extra keys (version, self, ttl, bozo_message)
 * are printed too; consumers of the contract ignore them.
 *
 * An http(s) argument is fetched here with one plain libcurl transfer:
 * size cap, timeouts, bounded redirects, http/https only, an honest
 * User-Agent. The polite fetcher with schedules and conditional GETs is
 * the fetch module's job; this is for looking at one feed by hand.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jansson.h>

#include "wirecopy/buf.h"
#include "wirecopy/date.h"
#include "wirecopy/feed.h"
#include "wirecopy/wirecopy.h"
#include "cli.h"

/* A single look at a feed: generous, but it must end. */
#define FEED_CONNECT_TIMEOUT_S 15L
#define FEED_TOTAL_TIMEOUT_S 60L
#define FEED_MAX_REDIRECTS 5L

const char help_feed[] =
    "usage: wirecopy feed FILE|URL|- [--url U] [--content-type T]\n"
    "                     [--content-location L] [--headers FILE]\n"
    "\n"
    "Parse one RSS, RDF, Atom or JSON Feed document and print it as one JSON object.\n"
    "\n"
    "  FILE | -                 read the document from a file, or from stdin\n"
    "  URL                      fetch an http(s) URL once (no database, no schedule)\n"
    "      --url U              the URL the document came from: the base for relative\n"
    "                           links when it has no xml:base\n"
    "      --content-type T     the HTTP Content-Type it was served with; its charset\n"
    "                           overrides the XML declaration\n"
    "      --content-location L the HTTP Content-Location: the base instead of --url\n"
    "      --headers FILE       a JSON object of response headers (Content-Type,\n"
    "                           Content-Location, Content-Language); default\n"
    "                           $FEED_HEADERS_JSON when set (the conformance harness\n"
    "                           exports it); explicit options win over it\n"
    "\n"
    "Output keys: format, title, link, description, language, published, updated,\n"
    "author, encoding, bozo, entries[] (id, title, link, published, updated, author,\n"
    "summary, content, enclosures[], categories[]). Times are ISO 8601 UTC or null.\n"
    "Exit status 1 when the input is not a feed or cannot be read.\n";

struct fetched {
    wc_buf body;
    char *content_location; /* from the response headers */
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct fetched *f = ud;

    if (wc_buf_add(&f->body, p, size * n))
        return 0; /* over the cap: curl stops with CURLE_WRITE_ERROR */
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct fetched *f = ud;
    size_t len = size * n;
    static const char name[] = "content-location:";

    if (len > sizeof(name) - 1 && !strncasecmp(p, name, sizeof(name) - 1)) {
        const char *v = p + sizeof(name) - 1;
        size_t vl = len - (sizeof(name) - 1);
        while (vl && (*v == ' ' || *v == '\t')) {
            v++;
            vl--;
        }
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
            vl--;
        free(f->content_location);
        f->content_location = strndup(v, vl);
    }
    return len;
}

/* One GET; fills f, *final_url and *ctype (malloc'd). */
static int fetch_url(const char *url, struct fetched *f, char **final_url, char **ctype)
{
    CURL *h = curl_easy_init();
    char ua[64], errbuf[CURL_ERROR_SIZE] = "";
    CURLcode rc;
    long status = 0;
    char *eff = NULL, *ct = NULL;

    if (!h) {
        cli_error("cannot start a transfer for '%s'", url);
        return WC_EXIT_FATAL;
    }
    snprintf(ua, sizeof(ua), "wirecopy/%s", wc_version());
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_USERAGENT, ua);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, FEED_MAX_REDIRECTS);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, FEED_CONNECT_TIMEOUT_S);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, FEED_TOTAL_TIMEOUT_S);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, f);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    rc = curl_easy_perform(h);
    if (rc == CURLE_WRITE_ERROR && f->body.len + CURL_MAX_WRITE_SIZE > WC_FEED_MAX_BYTES) {
        cli_error("'%s' is larger than %zu bytes", url, (size_t)WC_FEED_MAX_BYTES);
        curl_easy_cleanup(h);
        return WC_EXIT_PARTIAL;
    }
    if (rc != CURLE_OK) {
        cli_error("cannot fetch '%s': %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
        curl_easy_cleanup(h);
        return WC_EXIT_PARTIAL;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 400) {
        cli_error("cannot fetch '%s': HTTP status %ld", url, status);
        curl_easy_cleanup(h);
        return WC_EXIT_PARTIAL;
    }
    curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff);
    curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
    *final_url = strdup(eff ? eff : url);
    *ctype = ct ? strdup(ct) : NULL;
    curl_easy_cleanup(h);
    return WC_EXIT_OK;
}

/* Read a whole file (or stdin for "-") into b, up to the feed cap. */
static int read_input(const char *path, wc_buf *b)
{
    FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    char chunk[65536];
    size_t n;

    if (!fp) {
        cli_error("cannot open '%s': %s", path, strerror(errno));
        return WC_EXIT_PARTIAL;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        if (wc_buf_add(b, chunk, n)) {
            cli_error("'%s' is larger than %zu bytes", path, (size_t)WC_FEED_MAX_BYTES);
            if (fp != stdin)
                fclose(fp);
            return WC_EXIT_PARTIAL;
        }
    }
    if (ferror(fp)) {
        cli_error("cannot read '%s': %s", path, strerror(errno));
        if (fp != stdin)
            fclose(fp);
        return WC_EXIT_PARTIAL;
    }
    if (fp != stdin)
        fclose(fp);
    return WC_EXIT_OK;
}

/*
 * Response headers from a JSON file: {"Content-Type": "...", ...} (names
 * any case). A file that cannot be used is an error when --headers named
 * it (strict), a warning when it came from $FEED_HEADERS_JSON.
 */
static json_t *load_headers(const char *path, bool strict)
{
    json_error_t jerr;
    json_t *h = json_load_file(path, 0, &jerr);
    const char *why = h ? "not a JSON object" : jerr.text;

    if (!h || !json_is_object(h)) {
        if (strict)
            cli_error("cannot use the headers file '%s': %s", path, why);
        else
            cli_warn("ignoring headers file '%s' ($FEED_HEADERS_JSON): %s", path, why);
        json_decref(h);
        return NULL;
    }
    return h;
}

static const char *header(json_t *h, const char *name)
{
    const char *k;
    json_t *v;

    if (!h)
        return NULL;
    json_object_foreach(h, k, v)
    {
        if (!strcasecmp(k, name) && json_is_string(v))
            return json_string_value(v);
    }
    return NULL;
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *jtime(int64_t t)
{
    char iso[32];

    if (t == WC_FEED_NO_TIME)
        return json_null();
    wc_date_format(t, iso, sizeof(iso));
    return json_string(iso);
}

static json_t *feed_json(const wc_feed *f)
{
    json_t *o = json_object(), *ents = json_array();
    size_t i, k;

    json_object_set_new(o, "format", json_string(wc_feed_format_name(f->format)));
    json_object_set_new(o, "version", jstr(f->version));
    json_object_set_new(o, "title", jstr(f->title));
    json_object_set_new(o, "link", jstr(f->link));
    json_object_set_new(o, "self", jstr(f->self));
    json_object_set_new(o, "description", jstr(f->description));
    json_object_set_new(o, "language", jstr(f->language));
    json_object_set_new(o, "published", jtime(f->published));
    json_object_set_new(o, "updated", jtime(f->updated));
    json_object_set_new(o, "author", jstr(f->author));
    json_object_set_new(o, "encoding", jstr(f->encoding));
    json_object_set_new(o, "ttl", f->ttl >= 0 ? json_integer(f->ttl) : json_null());
    json_object_set_new(o, "bozo", json_boolean(f->bozo));
    if (f->bozo)
        json_object_set_new(o, "bozo_message", jstr(f->bozo_msg));
    for (i = 0; i < f->n_entries; i++) {
        const wc_entry *e = &f->entries[i];
        json_t *je = json_object(), *encs = json_array(), *cats = json_array();
        json_object_set_new(je, "id", jstr(e->id));
        json_object_set_new(je, "title", jstr(e->title));
        json_object_set_new(je, "link", jstr(e->link));
        json_object_set_new(je, "published", jtime(e->published));
        json_object_set_new(je, "updated", jtime(e->updated));
        json_object_set_new(je, "author", jstr(e->author));
        json_object_set_new(je, "summary", jstr(e->summary));
        json_object_set_new(je, "content", jstr(e->content));
        for (k = 0; k < e->n_enclosures; k++) {
            json_t *en = json_object();
            json_object_set_new(en, "url", jstr(e->enclosures[k].url));
            json_object_set_new(en, "type", jstr(e->enclosures[k].type));
            json_object_set_new(en, "length",
                                e->enclosures[k].length >= 0 ? json_integer(e->enclosures[k].length)
                                                             : json_null());
            json_array_append_new(encs, en);
        }
        for (k = 0; k < e->n_categories; k++)
            json_array_append_new(cats, json_string(e->categories[k]));
        json_object_set_new(je, "enclosures", encs);
        json_object_set_new(je, "categories", cats);
        json_array_append_new(ents, je);
    }
    json_object_set_new(o, "entries", ents);
    return o;
}

/* Not a feed: if it is a page that announces feeds, say which (autodiscovery). */
static void suggest_feeds(const wc_feed_input *in)
{
    wc_feed_list *l = NULL;
    size_t i;

    if (wc_feed_discover(in->data, in->len, in->url, &l, NULL) != WC_OK)
        return;
    if (l->n)
        fprintf(stderr, "hint: the page announces %zu feed%s:\n", l->n, l->n == 1 ? "" : "s");
    for (i = 0; i < l->n; i++)
        fprintf(stderr, "  %s%s%s\n", l->items[i].url, l->items[i].title ? "  " : "",
                l->items[i].title ? l->items[i].title : "");
    wc_feed_list_free(l);
}

int cmd_feed(int argc, char **argv, struct cli_ctx *ctx)
{
    enum { OPT_URL = 1, OPT_CT, OPT_CL, OPT_HEADERS };
    static const struct option longopts[] = {{"url", required_argument, NULL, OPT_URL},
                                             {"content-type", required_argument, NULL, OPT_CT},
                                             {"content-location", required_argument, NULL, OPT_CL},
                                             {"headers", required_argument, NULL, OPT_HEADERS},
                                             CLI_COMMON_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("feed");
    const char *url = NULL, *ctype = NULL, *cloc = NULL, *hpath = NULL, *src;
    struct fetched got = {WC_BUF_INIT, NULL};
    char *fetched_url = NULL, *fetched_ct = NULL;
    json_t *headers = NULL, *out = NULL;
    wc_feed_input in = {0};
    wc_feed *feed = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    int c, r, rc = WC_EXIT_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if ((r = cli_common_opt(self, ctx, c)) > 0)
            return r;
        if (r == 0)
            continue;
        switch (c) {
        case OPT_URL:
            url = optarg;
            break;
        case OPT_CT:
            ctype = optarg;
            break;
        case OPT_CL:
            cloc = optarg;
            break;
        case OPT_HEADERS:
            hpath = optarg;
            break;
        default:
            return cli_usage_error(self, "unknown option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error(self, optind >= argc ? "a FILE, URL or - is needed"
                                                    : "only one FILE, URL or - at a time");
    src = argv[optind];
    if (hpath) {
        if (!(headers = load_headers(hpath, true)))
            return WC_EXIT_PARTIAL;
    } else {
        const char *env = getenv("FEED_HEADERS_JSON");
        if (env && *env)
            headers = load_headers(env, false);
    }
    if (!ctype || !*ctype)
        ctype = header(headers, "Content-Type");
    if (!cloc || !*cloc)
        cloc = header(headers, "Content-Location");

    wc_buf_init(&got.body, WC_FEED_MAX_BYTES);
    if (!strncasecmp(src, "http://", 7) || !strncasecmp(src, "https://", 8)) {
        rc = fetch_url(src, &got, &fetched_url, &fetched_ct);
        if (rc)
            goto out;
        if (!url || !*url)
            url = fetched_url;
        if ((!ctype || !*ctype) && fetched_ct)
            ctype = fetched_ct;
        if ((!cloc || !*cloc) && got.content_location)
            cloc = got.content_location;
    } else {
        rc = read_input(src, &got.body);
        if (rc)
            goto out;
    }
    in.data = got.body.buf;
    in.len = got.body.len;
    in.url = url && *url ? url : NULL;
    in.name = strcmp(src, "-") ? src : "stdin";
    in.content_type = ctype && *ctype ? ctype : NULL;
    in.content_location = cloc && *cloc ? cloc : NULL;
    in.content_language = header(headers, "Content-Language");
    st = wc_feed_parse(&in, &feed, &err);
    if (st) {
        cli_report(&err, st);
        if (st == WC_ERR_PARSE)
            suggest_feeds(&in);
        rc = st == WC_ERR_NOMEM ? WC_EXIT_FATAL : WC_EXIT_PARTIAL;
        goto out;
    }
    out = feed_json(feed);
    if (!out || json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) ||
        fputc('\n', stdout) == EOF) {
        cli_error("cannot write the feed: %s", out ? strerror(errno) : "out of memory");
        rc = WC_EXIT_FATAL;
    }
    if (ctx->verbose && feed->bozo)
        cli_warn("'%s' is not well-formed: %s", src, feed->bozo_msg ? feed->bozo_msg : "");
out:
    json_decref(out);
    json_decref(headers);
    wc_feed_free(feed);
    wc_buf_release(&got.body);
    free(got.content_location);
    free(fetched_url);
    free(fetched_ct);
    return rc;
}
