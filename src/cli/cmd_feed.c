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
 * An http(s) argument is fetched by the library's wc_fetch_one, as follow
 * fetches a feed: its User-Agent, redirects hop by hop (http and https
 * only), the feed parser's input cap on the decoded body, timeouts; no
 * robots.txt (a feed is subscribed to by hand). The final URL is the base
 * for relative links, the response's Content-Type gives the charset and
 * its Content-Location the base when sent, unless options say otherwise.
 * Schedules and conditional GETs are follow's; this is for looking at one
 * feed by hand.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "wirecopy/buf.h"
#include "wirecopy/date.h"
#include "wirecopy/feed.h"
#include "wirecopy/fetch.h"
#include "wirecopy/wirecopy.h"
#include "cli.h"

const char help_feed[] =
    "usage: wirecopy feed FILE|URL|- [--url U] [--content-type T]\n"
    "                     [--content-location L] [--headers FILE]\n"
    "\n"
    "Parse one RSS, RDF, Atom or JSON Feed document and print it as one JSON object.\n"
    "\n"
    "  FILE | -                 read the document from a file, or from stdin\n"
    "  URL                      fetch an http(s) URL once, as follow fetches feeds\n"
    "                           (no database, no schedule, no robots.txt)\n"
    "      --url U              the URL the document came from: the base for relative\n"
    "                           links when it has no xml:base\n"
    "      --content-type T     the HTTP Content-Type it was served with; its charset\n"
    "                           overrides the XML declaration\n"
    "      --content-location L the HTTP Content-Location: the base instead of --url\n"
    "      --allow-private      follow a redirect from a public address to a loopback,\n"
    "                           private or link-local one (refused by default)\n"
    "      --headers FILE       a JSON object of response headers (Content-Type,\n"
    "                           Content-Location, Content-Language); default\n"
    "                           $FEED_HEADERS_JSON when set (the conformance harness\n"
    "                           exports it); explicit options win over it\n"
    "\n"
    "Output keys: format, title, link, description, language, published, updated,\n"
    "author, encoding, bozo, entries[] (id, title, link, published, updated, author,\n"
    "summary, content, enclosures[], categories[]). Times are ISO 8601 UTC or null.\n"
    "Exit status 1 when the input is not a feed or cannot be read.\n";

/* Fetch url once, as follow fetches a feed; *got is the caller's to free either way. */
static int fetch_url(const char *url, bool allow_private, wc_fetched **got)
{
    wc_fetch_opts fo;
    wc_error err = WC_ERROR_INIT;
    wc_status st;

    wc_fetch_opts_init(&fo);
    fo.max_body = WC_FEED_MAX_BYTES;
    fo.allow_private = allow_private;
    cli_signals_install();
    st = wc_fetch_one(url, WC_FETCH_FEED, &fo, &cli_interrupted, got, &err);
    if (st == WC_OK)
        return WC_EXIT_OK;
    cli_report(&err, st); /* names the URL: HTTP status, network, cap, refused redirect */
    if (st == WC_ERR_NOMEM)
        return WC_EXIT_FATAL;
    return st == WC_ERR_INTERRUPTED ? WC_EXIT_INTERRUPTED : WC_EXIT_PARTIAL;
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
        cli_fmt_msg(stderr, "hint: the page announces %zu feed%s:\n", l->n, l->n == 1 ? "" : "s");
    for (i = 0; i < l->n; i++)
        cli_fmt_msg(stderr, "  %s%s%s\n", l->items[i].url, l->items[i].title ? "  " : "",
                    l->items[i].title ? l->items[i].title : "");
    wc_feed_list_free(l);
}

int cmd_feed(int argc, char **argv, struct cli_ctx *ctx)
{
    enum { OPT_URL = 1, OPT_CT, OPT_CL, OPT_HEADERS, OPT_ALLOW_PRIVATE };
    static const struct option longopts[] = {
        {"url", required_argument, NULL, OPT_URL},
        {"content-type", required_argument, NULL, OPT_CT},
        {"content-location", required_argument, NULL, OPT_CL},
        {"headers", required_argument, NULL, OPT_HEADERS},
        {"allow-private", no_argument, NULL, OPT_ALLOW_PRIVATE},
        CLI_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0}};
    const struct cli_cmd *self = cli_find("feed");
    const char *url = NULL, *ctype = NULL, *cloc = NULL, *hpath = NULL, *src;
    wc_buf body;
    wc_fetched *got = NULL;
    json_t *headers = NULL, *out = NULL;
    wc_feed_input in = {0};
    wc_feed *feed = NULL;
    wc_error err = WC_ERROR_INIT;
    wc_status st;
    int c, r, rc = WC_EXIT_OK;
    bool allow_private = false;

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
        case OPT_ALLOW_PRIVATE:
            allow_private = true;
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

    wc_buf_init(&body, WC_FEED_MAX_BYTES); /* what the parser takes, no more */
    if (!strncasecmp(src, "http://", 7) || !strncasecmp(src, "https://", 8)) {
        rc = fetch_url(src, allow_private, &got);
        if (rc)
            goto out;
        if (!url || !*url)
            url = got->final_url;
        if ((!ctype || !*ctype) && got->content_type)
            ctype = got->content_type;
        if ((!cloc || !*cloc) && got->content_location)
            cloc = got->content_location;
        in.data = got->body;
        in.len = got->body_len;
    } else {
        rc = read_input(src, &body);
        if (rc)
            goto out;
        in.data = body.buf;
        in.len = body.len;
    }
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
    wc_buf_release(&body);
    wc_fetched_free(got);
    return rc;
}
