/*
 * export.c - write clusters or stories as JSONL, CSV or an HTML report
 * (see export.h).
 *
 * JSONL: one object per cluster, exactly
 *   {"cluster", "size", "title", "first_seen", "last_seen", "story",
 *    "members": [{"id", "url", "site", "title", "published", "fetched", "similarity"}]}
 * where a member's id is the input's own id, else its URL, else the
 * database id (a number), members in time order (earliest, the likely
 * original, first), times ISO 8601 UTC or null, and story the id of the
 * story the cluster is placed in (null when none). Or one object per
 * story, exactly
 *   {"story", "size", "title", "first_seen", "last_seen", "sites": [...],
 *    "clusters": [{"cluster", "size", "similarity", "members": [...]}]}
 * where size counts documents, sites are the members' distinct sites
 * (earliest first), clusters are in time order, similarity is the
 * cluster's score against the story, and members are written by the very
 * code that writes a cluster's. Objects are built with jansson, which
 * keeps key order.
 * CSV: RFC 4180, one row per member with its cluster's columns repeated
 * (and its story's before them), so it loads straight into a spreadsheet
 * or pandas.
 * HTML: one self-contained page (inline CSS, no scripts) listing clusters
 * with their members, or stories with their copy clusters nested, for
 * reading in a browser.
 */
#include "wirecopy/export.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "internal.h"

/*
 * Bytes of one field (title, site, URL, id) once escaped for the HTML
 * report: the store caps a cluster's title at WC_STORE_ROW_TEXT_MAX and
 * escaping makes at most 6 bytes of one ('"' is "&quot;"); a member's
 * title or URL longer than a megabyte is not one to show.
 */
#define EXPORT_ESCAPED_CAP (6 * WC_STORE_ROW_TEXT_MAX)

int wc_export_format_parse(const char *name, wc_export_format *out)
{
    if (!strcmp(name, "jsonl") || !strcmp(name, "json")) {
        *out = WC_EXPORT_JSONL;
        return 1;
    }
    if (!strcmp(name, "csv")) {
        *out = WC_EXPORT_CSV;
        return 1;
    }
    if (!strcmp(name, "html")) {
        *out = WC_EXPORT_HTML;
        return 1;
    }
    return 0;
}

static json_t *json_time(int64_t t)
{
    char buf[32];

    if (t == WC_TIME_NONE)
        return json_null();
    wc_time_format(t, buf, sizeof(buf));
    return json_string(buf);
}

static json_t *json_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Similarity rounded to 4 decimals: more digits would only show estimator noise. */
static double round4(double v)
{
    return (double)(int64_t)(v * 10000.0 + (v >= 0 ? 0.5 : -0.5)) / 10000.0;
}

static json_t *member_id(const wc_member_row *m)
{
    if (m->origin_id)
        return json_string(m->origin_id);
    if (m->url)
        return json_string(m->url);
    return json_integer(m->doc_id);
}

static wc_status write_failed(wc_error *err)
{
    return wc_error_sys(err, WC_ERR_IO, errno ? errno : EIO, "cannot write the export");
}

static wc_status write_json(json_t *obj, FILE *out, wc_error *err)
{
    errno = 0;
    if (json_dumpf(obj, out, JSON_COMPACT | JSON_REAL_PRECISION(6)) || fputc('\n', out) == EOF)
        return write_failed(err);
    return WC_OK;
}

/*
 * A cluster's members, as the cluster export and the story export both
 * write them, appended to the array members.
 */
static wc_status members_json(wc_store *s, int64_t cluster_id, json_t *members, int64_t *nmem,
                              wc_error *err)
{
    wc_member_iter *it = NULL;
    wc_member_row m;
    wc_status st;

    if ((st = wc_store_members(s, cluster_id, &it, err)))
        return st;
    while ((st = wc_member_iter_next(it, &m, err)) == WC_OK) {
        json_t *j = json_object();
        if (!j) {
            st = wc_error_set(err, WC_ERR_NOMEM, "out of memory exporting cluster %lld",
                              (long long)cluster_id);
            break;
        }
        json_object_set_new(j, "id", member_id(&m));
        json_object_set_new(j, "url", json_str(m.url));
        json_object_set_new(j, "site", json_str(m.site));
        json_object_set_new(j, "title", json_str(m.title));
        json_object_set_new(j, "published", json_time(m.published_at));
        json_object_set_new(j, "fetched", json_time(m.fetched_at));
        json_object_set_new(j, "similarity", json_real(round4(m.similarity)));
        json_array_append_new(members, j);
        (*nmem)++;
    }
    wc_member_iter_free(it);
    return st == WC_DONE ? WC_OK : st;
}

/* A story id as JSON: null for a cluster not placed in one. */
static json_t *json_story(int64_t story_id)
{
    return story_id ? json_integer(story_id) : json_null();
}

static wc_status jsonl_cluster(wc_store *s, const wc_cluster_row *c, FILE *out, int64_t *nmem,
                               wc_error *err)
{
    json_t *obj = json_object(), *members = json_array();
    wc_status st;

    if (!obj || !members) {
        st = wc_error_set(err, WC_ERR_NOMEM, "out of memory exporting cluster %lld",
                          (long long)c->id);
        goto out;
    }
    json_object_set_new(obj, "cluster", json_integer(c->id));
    json_object_set_new(obj, "size", json_integer(c->size));
    json_object_set_new(obj, "title", json_str(c->title));
    json_object_set_new(obj, "first_seen", json_time(c->first_seen));
    json_object_set_new(obj, "last_seen", json_time(c->last_seen));
    json_object_set_new(obj, "story", json_story(c->story_id));
    if ((st = members_json(s, c->id, members, nmem, err)))
        goto out;
    json_object_set(obj, "members", members);
    st = write_json(obj, out, err);
out:
    json_decref(members);
    json_decref(obj);
    return st;
}

static wc_status add_site(void *ctx, const char *site)
{
    return json_array_append_new(ctx, json_string(site)) ? WC_ERR_NOMEM : WC_OK;
}

static wc_status jsonl_story(wc_store *s, const wc_story_row *r, FILE *out, int64_t *nmem,
                             wc_error *err)
{
    json_t *obj = json_object(), *sites = json_array(), *clusters = json_array();
    wc_cluster_iter *it = NULL;
    wc_cluster_row c;
    wc_status st;

    if (!obj || !sites || !clusters) {
        st = WC_ERR_NOMEM;
        goto out;
    }
    json_object_set_new(obj, "story", json_integer(r->id));
    json_object_set_new(obj, "size", json_integer(r->size));
    json_object_set_new(obj, "title", json_str(r->title));
    json_object_set_new(obj, "first_seen", json_time(r->first_seen));
    json_object_set_new(obj, "last_seen", json_time(r->last_seen));
    if ((st = wc_store_story_sites(s, r->id, add_site, sites, err)))
        goto out;
    json_object_set(obj, "sites", sites);
    if ((st = wc_store_story_clusters(s, r->id, false, &it, err)))
        goto out;
    while ((st = wc_cluster_iter_next(it, &c, err)) == WC_OK) {
        json_t *j = json_object(), *members = json_array();
        if (!j || !members) {
            json_decref(j);
            json_decref(members);
            st = WC_ERR_NOMEM;
            goto out;
        }
        json_object_set_new(j, "cluster", json_integer(c.id));
        json_object_set_new(j, "size", json_integer(c.size));
        json_object_set_new(j, "similarity", json_real(round4(c.story_similarity)));
        json_object_set_new(j, "members", members);
        json_array_append_new(clusters, j);
        if ((st = members_json(s, c.id, members, nmem, err)))
            goto out;
    }
    if (st != WC_DONE)
        goto out;
    json_object_set(obj, "clusters", clusters);
    st = write_json(obj, out, err);
out:
    if (st == WC_ERR_NOMEM && !(err && err->code))
        st = wc_error_set(err, st, "out of memory exporting story %lld", (long long)r->id);
    wc_cluster_iter_free(it);
    json_decref(clusters);
    json_decref(sites);
    json_decref(obj);
    return st;
}

/* --- CSV ---------------------------------------------------------------- */

/*
 * One text field, RFC 4180 quoted when needed. Scraped pages are written
 * by strangers, and a spreadsheet runs a field that starts with = + - @
 * (or a tab or CR before one) as a formula ("=HYPERLINK(...)"): unless
 * raw, such a field is written quoted behind an apostrophe, which
 * spreadsheets show as text (OWASP's advice for CSV injection).
 */
static void csv_field(FILE *out, const char *s, bool raw)
{
    const char *p;
    bool formula = !raw && s && s[0] && strchr("=+-@\t\r", s[0]);

    if (!s)
        return;
    if (!formula && !strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    if (formula)
        fputc('\'', out);
    for (p = s; *p; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

static void csv_time(FILE *out, int64_t t)
{
    char buf[32];

    wc_time_format(t, buf, sizeof(buf));
    fputs(buf, out);
}

const char wc_export_csv_header[] = "cluster,cluster_size,cluster_title,first_seen,last_seen,"
                                    "story,member_id,doc_id,url,site,title,published,fetched,"
                                    "similarity,is_original\n";

const char wc_export_story_csv_header[] =
    "story,story_size,story_clusters,story_title,story_first_seen,story_last_seen,"
    "cluster,cluster_size,cluster_title,cluster_first_seen,cluster_last_seen,story_similarity,"
    "member_id,doc_id,url,site,title,published,fetched,similarity,is_original\n";

/*
 * A cluster's rows: one per member, with the cluster's columns and the
 * story it is placed in, or, in a story's export (story not NULL), the
 * story's columns first and the cluster's similarity to it.
 */
static wc_status csv_cluster(wc_store *s, const wc_story_row *story, const wc_cluster_row *c,
                             bool raw, FILE *out, int64_t *nmem, wc_error *err)
{
    wc_member_iter *it = NULL;
    wc_member_row m;
    wc_status st;
    char idbuf[32];

    if ((st = wc_store_members(s, c->id, &it, err)))
        return st;
    errno = 0;
    while ((st = wc_member_iter_next(it, &m, err)) == WC_OK) {
        if (story) {
            fprintf(out, "%lld,%lld,%lld,", (long long)story->id, (long long)story->size,
                    (long long)story->clusters);
            csv_field(out, story->title, raw);
            fputc(',', out);
            csv_time(out, story->first_seen);
            fputc(',', out);
            csv_time(out, story->last_seen);
            fputc(',', out);
        }
        fprintf(out, "%lld,%lld,", (long long)c->id, (long long)c->size);
        csv_field(out, c->title, raw);
        fputc(',', out);
        csv_time(out, c->first_seen);
        fputc(',', out);
        csv_time(out, c->last_seen);
        if (story)
            fprintf(out, ",%.4f,", c->story_similarity);
        else if (c->story_id)
            fprintf(out, ",%lld,", (long long)c->story_id);
        else
            fputs(",,", out);
        snprintf(idbuf, sizeof(idbuf), "%lld", (long long)m.doc_id);
        csv_field(out, m.origin_id ? m.origin_id : m.url ? m.url : idbuf, raw);
        fprintf(out, ",%lld,", (long long)m.doc_id);
        csv_field(out, m.url, raw);
        fputc(',', out);
        csv_field(out, m.site, raw);
        fputc(',', out);
        csv_field(out, m.title, raw);
        fputc(',', out);
        csv_time(out, m.published_at);
        fputc(',', out);
        csv_time(out, m.fetched_at);
        fprintf(out, ",%.4f,%d\r\n", m.similarity, m.doc_id == c->original_id);
        (*nmem)++;
    }
    wc_member_iter_free(it);
    if (st != WC_DONE)
        return st;
    return ferror(out) ? write_failed(err) : WC_OK;
}

static wc_status csv_story(wc_store *s, const wc_story_row *r, bool raw, FILE *out, int64_t *nmem,
                           wc_error *err)
{
    wc_cluster_iter *it = NULL;
    wc_cluster_row c;
    wc_status st;

    if ((st = wc_store_story_clusters(s, r->id, false, &it, err)))
        return st;
    while ((st = wc_cluster_iter_next(it, &c, err)) == WC_OK)
        if ((st = csv_cluster(s, r, &c, raw, out, nmem, err)))
            break;
    wc_cluster_iter_free(it);
    return st == WC_DONE ? WC_OK : st;
}

/* --- HTML --------------------------------------------------------------- */

/* Write s escaped for HTML text and attribute values (tmp is scratch); NULL writes nothing. */
static wc_status html_text(FILE *out, wc_buf *tmp, const char *s)
{
    wc_status st;

    if (!s)
        return WC_OK;
    wc_buf_reset(tmp);
    st = wc_html_escape(tmp, s, strlen(s), WC_HTML_ESC_QUOT | WC_HTML_ESC_APOS);
    if (!st)
        fwrite(tmp->buf, 1, tmp->len, out);
    return st;
}

/* Only http(s) links become clickable: a javascript: URL from a page must not run. */
static int safe_href(const char *url)
{
    return url && (wc_mem_istarts(url, strlen(url), "http://") ||
                   wc_mem_istarts(url, strlen(url), "https://"));
}

/* The page's head and heading: one style sheet for both reports. */
static void html_head(FILE *out, bool stories)
{
    fprintf(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>wirecopy: %s</title>\n<style>\n"
        "body{font:15px/1.45 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;"
        "color:#222}\n"
        "h1{font-size:1.4rem}section{border-top:1px solid #ccc;padding:.6rem 0}\n"
        "h2{font-size:1.05rem;margin:.2rem 0}.meta{color:#666;font-size:.85rem}\n"
        "h3{font-size:.95rem;margin:.2rem 0}"
        "div.cluster{margin:.5rem 0 .5rem 1rem;padding-left:.7rem;border-left:3px solid #ddd}\n"
        "table{border-collapse:collapse;width:100%%;font-size:.9rem}"
        "td,th{text-align:left;padding:.15rem .5rem;vertical-align:top}\n"
        "tr.orig td{font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
        "</style></head><body>\n<h1>%s</h1>\n",
        stories ? "stories" : "copy clusters", stories ? "Stories" : "Copy clusters");
}

/*
 * One cluster and its members: a section of its own in the cluster report,
 * or (nested) a block inside its story's section, with its similarity to
 * the story.
 */
static wc_status html_cluster(wc_store *s, const wc_cluster_row *c, bool nested, FILE *out,
                              int64_t *nmem, wc_error *err)
{
    wc_member_iter *it = NULL;
    wc_member_row m;
    wc_status st, est;
    wc_buf esc;
    char a[32], b[32];

    wc_buf_init(&esc, EXPORT_ESCAPED_CAP);
    wc_time_format(c->first_seen, a, sizeof(a));
    wc_time_format(c->last_seen, b, sizeof(b));
    fprintf(out, nested ? "<div class=\"cluster\" id=\"c%lld\"><h3>" : "<section id=\"c%lld\"><h2>",
            (long long)c->id);
    est = html_text(out, &esc, c->title ? c->title : "(untitled)");
    fprintf(out, "</%s>\n<p class=\"meta\">cluster %lld &middot; %lld %s", nested ? "h3" : "h2",
            (long long)c->id, (long long)c->size, c->size == 1 ? "copy" : "copies");
    if (nested)
        fprintf(out, " &middot; similarity %.3f", c->story_similarity);
    else if (c->story_id)
        fprintf(out, " &middot; story %lld", (long long)c->story_id);
    fprintf(out, " &middot; %s &ndash; %s</p>\n", a[0] ? a : "?", b[0] ? b : "?");
    fputs("<table><tr><th>published</th><th>site</th><th>title</th><th>similarity</th></tr>\n",
          out);
    if ((st = wc_store_members(s, c->id, &it, err))) {
        wc_buf_release(&esc);
        return st;
    }
    while (!est && (st = wc_member_iter_next(it, &m, err)) == WC_OK) {
        wc_time_format(m.published_at != WC_TIME_NONE ? m.published_at : m.fetched_at, a,
                       sizeof(a));
        fprintf(out, "<tr%s><td>%s</td><td>", m.doc_id == c->original_id ? " class=\"orig\"" : "",
                a);
        est = html_text(out, &esc, m.site);
        fputs("</td><td>", out);
        if (!est && safe_href(m.url)) {
            fputs("<a href=\"", out);
            est = html_text(out, &esc, m.url);
            fputs("\">", out);
        }
        if (!est)
            est = html_text(out, &esc, m.title ? m.title : m.url ? m.url : m.origin_id);
        if (safe_href(m.url))
            fputs("</a>", out);
        fprintf(out, "</td><td class=\"num\">%.3f</td></tr>\n", m.similarity);
        (*nmem)++;
    }
    wc_member_iter_free(it);
    wc_buf_release(&esc);
    if (est)
        return wc_error_set(err, est, "out of memory writing the HTML report");
    if (st != WC_DONE)
        return st;
    fputs(nested ? "</table></div>\n" : "</table></section>\n", out);
    return ferror(out) ? write_failed(err) : WC_OK;
}

/* A story's sites, escaped, ", "-separated, as a line of the report (none: no line). */
struct html_sites {
    FILE *out;
    wc_buf *esc;
    int n;
};

static wc_status html_site(void *ctx, const char *site)
{
    struct html_sites *h = ctx;

    fputs(h->n++ ? ", " : "<p class=\"meta\">sites: ", h->out);
    return html_text(h->out, h->esc, site);
}

static wc_status html_story(wc_store *s, const wc_story_row *r, FILE *out, int64_t *nmem,
                            wc_error *err)
{
    wc_cluster_iter *it = NULL;
    wc_cluster_row c;
    wc_status st;
    wc_buf esc;
    struct html_sites h = {out, &esc, 0};
    char a[32], b[32];

    wc_buf_init(&esc, EXPORT_ESCAPED_CAP);
    wc_time_format(r->first_seen, a, sizeof(a));
    wc_time_format(r->last_seen, b, sizeof(b));
    fprintf(out, "<section id=\"s%lld\"><h2>", (long long)r->id);
    st = html_text(out, &esc, r->title ? r->title : "(untitled)");
    fprintf(out,
            "</h2>\n<p class=\"meta\">story %lld &middot; %lld %s in %lld copy %s &middot; "
            "%s &ndash; %s</p>\n",
            (long long)r->id, (long long)r->size, r->size == 1 ? "document" : "documents",
            (long long)r->clusters, r->clusters == 1 ? "cluster" : "clusters", a[0] ? a : "?",
            b[0] ? b : "?");
    if (!st)
        st = wc_store_story_sites(s, r->id, html_site, &h, err);
    wc_buf_release(&esc);
    if (st == WC_ERR_NOMEM || st == WC_ERR_LIMIT)
        return wc_error_set(err, st, "out of memory writing the HTML report");
    if (st)
        return st;
    if (h.n)
        fputs("</p>\n", out);
    if ((st = wc_store_story_clusters(s, r->id, false, &it, err)))
        return st;
    while ((st = wc_cluster_iter_next(it, &c, err)) == WC_OK)
        if ((st = html_cluster(s, &c, true, out, nmem, err)))
            break;
    wc_cluster_iter_free(it);
    if (st != WC_DONE)
        return st;
    fputs("</section>\n", out);
    return ferror(out) ? write_failed(err) : WC_OK;
}

/* --- the exports ---------------------------------------------------------- */

static wc_status write_cluster(wc_store *s, const wc_cluster_row *c, wc_export_format format,
                               bool raw, FILE *out, int64_t *nmem, wc_error *err)
{
    if (format == WC_EXPORT_JSONL)
        return jsonl_cluster(s, c, out, nmem, err);
    if (format == WC_EXPORT_CSV)
        return csv_cluster(s, NULL, c, raw, out, nmem, err);
    return html_cluster(s, c, false, out, nmem, err);
}

static wc_status write_story(wc_store *s, const wc_story_row *r, wc_export_format format, bool raw,
                             FILE *out, int64_t *nmem, wc_error *err)
{
    if (format == WC_EXPORT_JSONL)
        return jsonl_story(s, r, out, nmem, err);
    if (format == WC_EXPORT_CSV)
        return csv_story(s, r, raw, out, nmem, err);
    return html_story(s, r, out, nmem, err);
}

/* The rows of the export: every cluster or every story the options select. */
static wc_status write_all(wc_store *s, const wc_export_opts *opts, FILE *out, int64_t *nrows,
                           int64_t *nmem, wc_error *err)
{
    wc_status st;

    if (opts->stories) {
        wc_story_iter *it = NULL;
        wc_story_row r;
        if ((st = wc_store_stories(s, opts->min_size, opts->order, opts->limit, 0, &it, err)))
            return st;
        while ((st = wc_story_iter_next(it, &r, err)) == WC_OK) {
            if ((st = write_story(s, &r, opts->format, opts->csv_raw, out, nmem, err)))
                break;
            (*nrows)++;
        }
        wc_story_iter_free(it);
    } else {
        wc_cluster_iter *it = NULL;
        wc_cluster_row c;
        if ((st = wc_store_clusters(s, opts->min_size, opts->order, opts->limit, false, &it, err)))
            return st;
        while ((st = wc_cluster_iter_next(it, &c, err)) == WC_OK) {
            if ((st = write_cluster(s, &c, opts->format, opts->csv_raw, out, nmem, err)))
                break;
            (*nrows)++;
        }
        wc_cluster_iter_free(it);
    }
    return st;
}

wc_status wc_export(wc_store *s, const wc_export_opts *opts, FILE *out, int64_t *clusters_out,
                    int64_t *members_out, wc_error *err)
{
    wc_status st;
    int64_t nrows = 0, nmem = 0;

    errno = 0;
    if (opts->format == WC_EXPORT_CSV)
        fputs(opts->stories ? wc_export_story_csv_header : wc_export_csv_header, out);
    else if (opts->format == WC_EXPORT_HTML)
        html_head(out, opts->stories);
    st = write_all(s, opts, out, &nrows, &nmem, err);
    if (st == WC_DONE) {
        st = WC_OK;
        if (opts->format == WC_EXPORT_HTML)
            fprintf(out,
                    "<p class=\"meta\">%lld %s, %lld documents. Made by wirecopy.</p>\n"
                    "</body></html>\n",
                    (long long)nrows, opts->stories ? "stories" : "clusters", (long long)nmem);
        if (fflush(out) == EOF || ferror(out))
            st = write_failed(err);
    }
    if (clusters_out)
        *clusters_out = nrows;
    if (members_out)
        *members_out = nmem;
    return st;
}

wc_status wc_export_cluster(wc_store *s, int64_t cluster_id, wc_export_format format, FILE *out,
                            wc_error *err)
{
    wc_cluster_row c;
    wc_buf strings;
    wc_status st;
    int64_t nmem = 0;

    wc_buf_init(&strings, WC_STORE_CLUSTER_STRINGS_MAX);
    if (!(st = wc_store_cluster_get(s, cluster_id, &c, &strings, err))) {
        errno = 0;
        st = write_cluster(s, &c, format, false, out, &nmem, err);
    }
    wc_buf_release(&strings);
    return st;
}

wc_status wc_export_story(wc_store *s, int64_t story_id, wc_export_format format, FILE *out,
                          wc_error *err)
{
    wc_story_row r;
    wc_buf strings;
    wc_status st;
    int64_t nmem = 0;

    wc_buf_init(&strings, WC_STORE_STORY_STRINGS_MAX);
    if (!(st = wc_store_story_get(s, story_id, &r, &strings, err))) {
        errno = 0;
        st = write_story(s, &r, format, false, out, &nmem, err);
    }
    wc_buf_release(&strings);
    return st;
}
