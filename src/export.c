/*
 * export.c - write clusters as JSONL, CSV or an HTML report (see export.h).
 *
 * JSONL: one object per cluster, exactly
 *   {"cluster", "size", "title", "first_seen", "last_seen",
 *    "members": [{"id", "url", "site", "title", "published", "fetched", "similarity"}]}
 * where a member's id is the input's own id, else its URL, else the
 * database id (a number), members in time order (earliest, the likely
 * original, first), times ISO 8601 UTC or null. Objects are built with
 * jansson, which keeps key order.
 * CSV: RFC 4180, one row per member with its cluster's columns repeated,
 * so it loads straight into a spreadsheet or pandas.
 * HTML: one self-contained page (inline CSS, no scripts) listing clusters
 * with their members, for reading in a browser.
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

static wc_status jsonl_cluster(wc_store *s, const wc_cluster_row *c, FILE *out, int64_t *nmem,
                               wc_error *err)
{
    json_t *obj = json_object(), *members = json_array();
    wc_member_iter *it = NULL;
    wc_member_row m;
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
    if ((st = wc_store_members(s, c->id, &it, err)))
        goto out;
    while ((st = wc_member_iter_next(it, &m, err)) == WC_OK) {
        json_t *j = json_object();
        if (!j) {
            st = wc_error_set(err, WC_ERR_NOMEM, "out of memory exporting cluster %lld",
                              (long long)c->id);
            goto out;
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
    if (st != WC_DONE)
        goto out;
    json_object_set(obj, "members", members);
    errno = 0;
    if (json_dumpf(obj, out, JSON_COMPACT | JSON_REAL_PRECISION(6)) || fputc('\n', out) == EOF) {
        st = write_failed(err);
        goto out;
    }
    st = WC_OK;
out:
    wc_member_iter_free(it);
    json_decref(members);
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
                                    "member_id,doc_id,url,site,title,published,fetched,"
                                    "similarity,is_original\n";

static wc_status csv_cluster(wc_store *s, const wc_cluster_row *c, bool raw, FILE *out,
                             int64_t *nmem, wc_error *err)
{
    wc_member_iter *it = NULL;
    wc_member_row m;
    wc_status st;
    char idbuf[32];

    if ((st = wc_store_members(s, c->id, &it, err)))
        return st;
    errno = 0;
    while ((st = wc_member_iter_next(it, &m, err)) == WC_OK) {
        fprintf(out, "%lld,%lld,", (long long)c->id, (long long)c->size);
        csv_field(out, c->title, raw);
        fputc(',', out);
        csv_time(out, c->first_seen);
        fputc(',', out);
        csv_time(out, c->last_seen);
        fputc(',', out);
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

static void html_head(FILE *out)
{
    fputs(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>wirecopy: story clusters</title>\n<style>\n"
        "body{font:15px/1.45 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;"
        "color:#222}\n"
        "h1{font-size:1.4rem}section{border-top:1px solid #ccc;padding:.6rem 0}\n"
        "h2{font-size:1.05rem;margin:.2rem 0}.meta{color:#666;font-size:.85rem}\n"
        "table{border-collapse:collapse;width:100%;font-size:.9rem}"
        "td,th{text-align:left;padding:.15rem .5rem;vertical-align:top}\n"
        "tr.orig td{font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
        "</style></head><body>\n<h1>Story clusters</h1>\n",
        out);
}

static wc_status html_cluster(wc_store *s, const wc_cluster_row *c, FILE *out, int64_t *nmem,
                              wc_error *err)
{
    wc_member_iter *it = NULL;
    wc_member_row m;
    wc_status st, est;
    wc_buf esc;
    char a[32], b[32];

    wc_buf_init(&esc, EXPORT_ESCAPED_CAP);
    wc_time_format(c->first_seen, a, sizeof(a));
    wc_time_format(c->last_seen, b, sizeof(b));
    fprintf(out, "<section id=\"c%lld\"><h2>", (long long)c->id);
    est = html_text(out, &esc, c->title ? c->title : "(untitled)");
    fprintf(
        out,
        "</h2>\n<p class=\"meta\">cluster %lld &middot; %lld copies &middot; %s &ndash; %s</p>\n",
        (long long)c->id, (long long)c->size, a[0] ? a : "?", b[0] ? b : "?");
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
    fputs("</table></section>\n", out);
    return ferror(out) ? write_failed(err) : WC_OK;
}

wc_status wc_export(wc_store *s, const wc_export_opts *opts, FILE *out, int64_t *clusters_out,
                    int64_t *members_out, wc_error *err)
{
    wc_cluster_iter *it = NULL;
    wc_cluster_row c;
    wc_status st;
    int64_t nclu = 0, nmem = 0;

    if ((st = wc_store_clusters(s, opts->min_size, opts->order, opts->limit, false, &it, err)))
        return st;
    errno = 0;
    if (opts->format == WC_EXPORT_CSV)
        fputs(wc_export_csv_header, out);
    else if (opts->format == WC_EXPORT_HTML)
        html_head(out);
    while ((st = wc_cluster_iter_next(it, &c, err)) == WC_OK) {
        if (opts->format == WC_EXPORT_JSONL)
            st = jsonl_cluster(s, &c, out, &nmem, err);
        else if (opts->format == WC_EXPORT_CSV)
            st = csv_cluster(s, &c, opts->csv_raw, out, &nmem, err);
        else
            st = html_cluster(s, &c, out, &nmem, err);
        if (st)
            break;
        nclu++;
    }
    wc_cluster_iter_free(it);
    if (st == WC_DONE) {
        st = WC_OK;
        if (opts->format == WC_EXPORT_HTML)
            fprintf(out,
                    "<p class=\"meta\">%lld clusters, %lld documents. Made by wirecopy.</p>\n"
                    "</body></html>\n",
                    (long long)nclu, (long long)nmem);
        if (fflush(out) == EOF || ferror(out))
            st = write_failed(err);
    }
    if (clusters_out)
        *clusters_out = nclu;
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
    if ((st = wc_store_cluster_get(s, cluster_id, &c, &strings, err)))
        goto out;
    errno = 0;
    if (format == WC_EXPORT_JSONL)
        st = jsonl_cluster(s, &c, out, &nmem, err);
    else if (format == WC_EXPORT_CSV)
        st = csv_cluster(s, &c, false, out, &nmem, err);
    else
        st = html_cluster(s, &c, out, &nmem, err);
out:
    wc_buf_release(&strings);
    return st;
}
