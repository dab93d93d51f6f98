/*
 * dump.c - open a scraped dump, tell its kind, and hand out its records
 * (see dump.h for the formats and the policy on bad input).
 *
 * Kind detection trusts content over names: the byte source (gzread.c)
 * already undoes gzip when the first two bytes are its magic, so the
 * first decoded bytes decide (after a UTF-8 BOM and white space):
 * "WARC/1." is a WARC, '{' a JSONL file, '<' one HTML page. Only when the
 * start says nothing (garbage before the first WARC record, an empty
 * file) does the name decide (.warc, .jsonl/.ndjson, .html, optionally
 * .gz). A directory is known by stat(2) and walked (htmldir.c).
 *
 * The three readers share this file's handle and counters and report
 * bad records through wc_dump_problem, which counts them and calls the
 * caller's on_problem; the handle stays usable after every problem, and
 * after an error that ends the input wc_dump_next just says WC_DONE.
 */
#define _GNU_SOURCE
#include "dump_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* 512 KiB of window above max_record: room for a WARC header (256 KiB) and the bytes after a block.
 */
#define WINDOW_SLACK ((size_t)512 << 10)
/* 64 KiB of leading white space at most before the first byte that tells the kind. */
#define SNIFF_MAX ((size_t)64 << 10)

const char *wc_source_name(wc_source s)
{
    switch (s) {
    case WC_SOURCE_WARC:
        return "warc";
    case WC_SOURCE_DIR:
        return "dir";
    case WC_SOURCE_JSONL:
        return "jsonl";
    case WC_SOURCE_FEED:
        return "feed";
    case WC_SOURCE_PAGE:
        return "page";
    default:
        return "unknown";
    }
}

void wc_dump_problem(wc_dump *d, wc_status code, const char *fmt, ...)
{
    wc_error e = WC_ERROR_INIT;
    va_list ap;

    va_start(ap, fmt);
    wc_error_setv(&e, code, fmt, ap);
    va_end(ap);
    if (code != WC_ERR_ENCODING)
        d->stats.errors++;
    if (d->on_problem)
        d->on_problem(d->problem_ctx, &e);
}

enum kind { KIND_NONE, KIND_WARC, KIND_JSONL, KIND_HTML };

/* The kind a file name suggests (a trailing .gz ignored). */
static enum kind kind_from_name(const char *name)
{
    size_t n = strlen(name);
    const char *dot;
    size_t len;

    if (n > 3 && wc_mem_ieq(name + n - 3, 3, ".gz"))
        n -= 3;
    dot = NULL;
    for (len = n; len > 0; len--) {
        if (name[len - 1] == '.') {
            dot = name + len - 1;
            break;
        }
        if (name[len - 1] == '/')
            break;
    }
    if (!dot)
        return KIND_NONE;
    len = (size_t)(name + n - dot);
    if (wc_mem_ieq(dot, len, ".warc"))
        return KIND_WARC;
    if (wc_mem_ieq(dot, len, ".jsonl") || wc_mem_ieq(dot, len, ".ndjson"))
        return KIND_JSONL;
    if (wc_mem_ieq(dot, len, ".html") || wc_mem_ieq(dot, len, ".htm") ||
        wc_mem_ieq(dot, len, ".xhtml"))
        return KIND_HTML;
    return KIND_NONE;
}

bool wc_dump_nested_name(const char *name)
{
    size_t n = strlen(name);
    enum kind k = kind_from_name(name);

    return k == KIND_WARC || k == KIND_JSONL ||
           (k == KIND_HTML && n > 3 && wc_mem_ieq(name + n - 3, 3, ".gz"));
}

bool wc_dump_nested_page_name(const char *name)
{
    size_t n = strlen(name);

    return kind_from_name(name) == KIND_HTML && n > 3 && wc_mem_ieq(name + n - 3, 3, ".gz");
}

/* Look at the first decoded bytes (left in the window for the reader). */
static wc_status detect(wc_dump *d, const char *name, enum kind *kind, wc_error *err)
{
    wc_in *in = &d->in;
    size_t i = 0;
    wc_status st;

    *kind = KIND_NONE;
    for (;;) {
        const char *p = wc_in_ptr(in);
        size_t avail = wc_in_avail(in);

        if (i == 0 && avail >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
            i = 3;
        while (i < avail && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
            i++;
        if (i < avail && (p[i] != 'W' || avail - i >= 7 || in->state != WC_IN_RUN)) {
            if (p[i] == '{')
                *kind = KIND_JSONL;
            else if (p[i] == '<')
                *kind = KIND_HTML;
            else if (avail - i >= 7 && memcmp(p + i, "WARC/1.", 7) == 0)
                *kind = KIND_WARC;
            break;
        }
        if (in->state != WC_IN_RUN || avail >= SNIFF_MAX)
            break;
        if ((st = wc_in_fill(in, avail + 1)) != WC_OK)
            return wc_error_set(err, st, "out of memory reading '%s'", d->origin);
    }
    if (*kind == KIND_NONE && name)
        *kind = kind_from_name(name);
    if (*kind != KIND_NONE)
        return WC_OK;
    if (in->state == WC_IN_EOF && i >= wc_in_avail(in)) {
        /* nothing but blanks: an empty input holds no records, like an empty .jsonl (a
         * pipe whose producer had nothing new is not a failure) */
        *kind = KIND_JSONL;
        return WC_OK;
    }
    if (in->state == WC_IN_FAILED || in->state == WC_IN_TRUNCATED || in->state == WC_IN_CORRUPT) {
        char msg[WC_ERROR_MSG_MAX];

        wc_in_describe_stop(in, msg, sizeof(msg));
        return wc_error_set(err, in->state == WC_IN_FAILED ? WC_ERR_IO : WC_ERR_PARSE, "%s", msg);
    }
    return wc_error_set(err, WC_ERR_UNSUPPORTED,
                        "cannot tell the format of '%s': not WARC, JSONL or HTML", d->origin);
}

static wc_status start_reader(wc_dump *d, const char *name, wc_source force, wc_error *err)
{
    enum kind kind;
    wc_status st;

    if (force == WC_SOURCE_WARC)
        kind = KIND_WARC;
    else if (force == WC_SOURCE_JSONL)
        kind = KIND_JSONL;
    else if (force == WC_SOURCE_DIR)
        kind = KIND_HTML;
    else if ((st = detect(d, name, &kind, err)) != WC_OK)
        return st;
    switch (kind) {
    case KIND_WARC:
        return wc_warc_start(d, err);
    case KIND_JSONL:
        return wc_jsonl_start(d, err);
    default:
        return wc_htmlfile_start(d, err);
    }
}

static wc_dump *new_dump(const char *origin, const wc_dump_opts *opts)
{
    wc_dump *d = calloc(1, sizeof(*d));

    if (!d)
        return NULL;
    d->origin = wc_strdup(origin);
    if (!d->origin) {
        free(d);
        return NULL;
    }
    d->max_record = opts && opts->max_record ? opts->max_record : WC_DUMP_DEFAULT_MAX_RECORD;
    d->on_problem = opts ? opts->on_problem : NULL;
    d->problem_ctx = opts ? opts->problem_ctx : NULL;
    d->stop = opts ? opts->stop : NULL;
    d->file_mtime = WC_TIME_NONE;
    return d;
}

wc_status wc_dump_open_pages(const char *dir, const wc_dump_opts *opts, wc_dump **out,
                             wc_error *err)
{
    struct stat st;
    wc_dump *d;
    wc_status s;

    *out = NULL;
    if (stat(dir, &st) != 0)
        return wc_error_sys(err, WC_ERR_IO, errno, "cannot open '%s'", dir);
    if (!S_ISDIR(st.st_mode))
        return wc_error_set(err, WC_ERR_USAGE, "'%s' is not a directory", dir);
    d = new_dump(dir, opts);
    if (!d)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory opening '%s'", dir);
    d->pages_only = true;
    if ((s = wc_htmldir_start(d, err)) != WC_OK) {
        wc_dump_free(d);
        return s;
    }
    *out = d;
    return WC_OK;
}

wc_status wc_dump_open(const char *path, const wc_dump_opts *opts, wc_dump **out, wc_error *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    wc_dump *d;
    struct stat st;
    int fd;
    wc_status s;

    *out = NULL;
    d = new_dump(is_stdin ? "<stdin>" : path, opts);
    if (!d)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory opening '%s'", path);
    if (is_stdin) {
        fd = STDIN_FILENO;
    } else {
        if (stat(path, &st) != 0) {
            s = wc_error_sys(err, WC_ERR_IO, errno, "cannot open '%s'", path);
            goto fail;
        }
        if (S_ISDIR(st.st_mode)) {
            if ((s = wc_htmldir_start(d, err)) != WC_OK)
                goto fail;
            *out = d;
            return WC_OK;
        }
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
            s = wc_error_sys(err, WC_ERR_IO, errno, "cannot open '%s'", path);
            goto fail;
        }
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        d->file_size = (uint64_t)st.st_size;
        if (!is_stdin)
            d->file_mtime = (int64_t)st.st_mtime;
    } else if (!is_stdin && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        s = wc_error_set(err, WC_ERR_IO, "cannot open '%s': it became a directory", path);
        goto fail;
    }
    if ((s = wc_in_init_fd(&d->in, fd, !is_stdin, d->origin, d->max_record + WINDOW_SLACK, d->stop,
                           err)) != WC_OK)
        goto fail;
    d->has_in = true;
    if ((s = start_reader(d, is_stdin ? NULL : path, WC_SOURCE_UNKNOWN, err)) != WC_OK)
        goto fail;
    *out = d;
    return WC_OK;
fail:
    wc_dump_free(d);
    return s;
}

wc_status wc_dump_open_mem(wc_dump **out, const void *data, size_t len, const char *name,
                           wc_source force, const wc_dump_opts *opts, wc_error *err)
{
    wc_dump *d;
    wc_status s;

    *out = NULL;
    d = new_dump(name ? name : "<memory>", opts);
    if (!d)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory opening '%s'", name);
    d->file_size = len;
    if ((s = wc_in_init_mem(&d->in, data, len, d->origin, d->max_record + WINDOW_SLACK, err)) !=
        WC_OK)
        goto fail;
    d->has_in = true;
    if ((s = start_reader(d, name, force, err)) != WC_OK)
        goto fail;
    *out = d;
    return WC_OK;
fail:
    wc_dump_free(d);
    return s;
}

wc_source wc_dump_source(const wc_dump *d)
{
    return d && d->reader ? d->reader->source : WC_SOURCE_UNKNOWN;
}

wc_status wc_dump_next(wc_dump *d, wc_record *rec, wc_error *err)
{
    wc_status st;

    if (d->finished)
        return WC_DONE;
    st = d->reader->next(d, rec, err);
    if (st == WC_OK)
        d->stats.records++;
    else
        d->finished = true;
    return st;
}

void wc_dump_get_stats(const wc_dump *d, wc_dump_stats *out)
{
    *out = d->stats;
    if (d->has_in) {
        out->bytes_read = wc_in_bytes_read(&d->in);
        out->bytes_total = d->file_size;
    }
}

void wc_dump_free(wc_dump *d)
{
    if (!d)
        return;
    if (d->reader && d->reader->release)
        d->reader->release(d);
    if (d->has_in)
        wc_in_release(&d->in);
    free(d->origin);
    free(d);
}
