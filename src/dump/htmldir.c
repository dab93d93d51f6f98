/*
 * htmldir.c - HTML pages out of a directory tree (a wget mirror, a
 * scraper's output folder), and the one-page case of a single HTML file.
 *
 * The walk is depth-first over a stack of directory frames. Each
 * directory's names are read whole and sorted bytewise (strcmp), so two
 * runs over the same tree hand out pages in the same order whatever the
 * file system's readdir order: reproducible ingests and diffs. Symbolic
 * links are followed (a mirror may link shared folders), and every
 * directory's (device, inode) goes into a set when it is entered, so a
 * link back up the tree, or two links to one folder, are walked once:
 * no loops, no duplicates. Depth is capped too.
 *
 * Files named *.html, *.htm, *.xhtml (any case) are pages; other regular
 * files are skipped and counted; FIFOs, sockets and devices are skipped
 * without being opened (opening a FIFO would block). A page is read whole
 * into one reused buffer (never more than max_record: larger files are
 * reported and skipped) and checked for binary junk (wc_looks_binary on
 * its first KiB) before it is handed out.
 * Whatever cannot be stat'ed, opened or read (permissions, a dangling
 * link, an I/O error) is reported with its path and the system's reason,
 * and the walk goes on.
 *
 * WARC and JSONL files found in the walk, and gzipped pages, are read
 * after it, each through a reader of its own, in walk order. A walk
 * opened with wc_dump_open_pages takes only the gzipped pages of those
 * (and only when their content is a page too): the others are skipped
 * and counted, for callers that write one output per page file.
 *
 * fetched_at is the file's modification time; the url is left NULL (a
 * file:// URL, if wanted, is the caller's to make from origin).
 *
 * Not done: following .html files inside archives (zip, tar), reading the
 * URL a wget mirror's path implies (host/dir/page.html), or a pre-walk to
 * count the total bytes (bytes_total stays 0 for directories).
 */
#define _GNU_SOURCE
#include "dump_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* 256 levels: far deeper than any real tree; stops a pathological one. */
#define MAX_DEPTH 256
/* Dumps found in one walk and read after it; more are skipped and counted. */
#define MAX_NESTED ((size_t)1 << 20)
/* 4 Mi names in one directory: beyond it the rest of that directory is reported and skipped. */
#define MAX_NAMES ((size_t)4 << 20)
/* 1 KiB: the start of a file looked at to tell text from binary junk. */
#define JUNK_PROBE 1024

struct frame {
    char *path;   /* directory path */
    char **names; /* its entries, sorted */
    size_t n;     /* entries */
    size_t next;  /* index of the next entry to look at */
};

struct dir_id {
    dev_t dev;
    ino_t ino;
    bool used;
};

struct dir_state {
    struct frame *stack; /* frames, root first */
    size_t depth, cap;   /* frames in use, allocated */
    struct dir_id *seen; /* open-addressing set of directories entered */
    size_t nseen, seen_cap;
    wc_buf body; /* the page handed out */
    char *path;  /* its path (origin) */
    bool single; /* one file read from d->in, not a walk */
    bool done;   /* single: handed out already */
    /* dumps found in the walk (WARC, JSONL files), read after it, in walk order */
    char **nested;
    size_t nnested, nested_cap, nested_pos;
    wc_dump *sub;       /* the one being read */
    wc_dump_stats base; /* this walk's own counts before sub's */
};

/* --- the set of directories entered ------------------------------------ */

static size_t id_hash(dev_t dev, ino_t ino, size_t cap)
{
    uint64_t h = (uint64_t)ino * 0x9E3779B97F4A7C15ull ^ (uint64_t)dev * 0xC2B2AE3D27D4EB4Full;

    return (size_t)(h >> 17) & (cap - 1);
}

/* Add (dev, ino); *fresh = false when it was there already. */
static wc_status seen_add(struct dir_state *ds, dev_t dev, ino_t ino, bool *fresh)
{
    size_t i;

    if ((ds->nseen + 1) * 2 > ds->seen_cap) {
        size_t ncap = ds->seen_cap ? ds->seen_cap * 2 : 64, k;
        struct dir_id *n = calloc(ncap, sizeof(*n));

        if (!n)
            return WC_ERR_NOMEM;
        for (k = 0; k < ds->seen_cap; k++) {
            if (!ds->seen[k].used)
                continue;
            i = id_hash(ds->seen[k].dev, ds->seen[k].ino, ncap);
            while (n[i].used)
                i = (i + 1) & (ncap - 1);
            n[i] = ds->seen[k];
        }
        free(ds->seen);
        ds->seen = n;
        ds->seen_cap = ncap;
    }
    i = id_hash(dev, ino, ds->seen_cap);
    while (ds->seen[i].used) {
        if (ds->seen[i].dev == dev && ds->seen[i].ino == ino) {
            *fresh = false;
            return WC_OK;
        }
        i = (i + 1) & (ds->seen_cap - 1);
    }
    ds->seen[i].dev = dev;
    ds->seen[i].ino = ino;
    ds->seen[i].used = true;
    ds->nseen++;
    *fresh = true;
    return WC_OK;
}

/* --- frames -------------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_frame(struct frame *f)
{
    size_t i;

    for (i = 0; i < f->n; i++)
        free(f->names[i]);
    free(f->names);
    free(f->path);
}

static char *join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    bool slash = dl && dir[dl - 1] == '/';
    char *s = malloc(dl + nl + 2);

    if (!s)
        return NULL;
    memcpy(s, dir, dl);
    if (!slash)
        s[dl++] = '/';
    memcpy(s + dl, name, nl + 1);
    return s;
}

/* Read and sort the names of directory path and push a frame (path is taken). */
static wc_status push_dir(wc_dump *d, char *path)
{
    struct dir_state *ds = d->state;
    struct frame f = {path, NULL, 0, 0};
    size_t cap = 0;
    DIR *dir;
    struct dirent *de;

    if (ds->depth == MAX_DEPTH) {
        wc_dump_problem(d, WC_ERR_LIMIT, "directory '%s' is nested deeper than %d levels", path,
                        MAX_DEPTH);
        free(path);
        return WC_OK;
    }
    dir = opendir(path);
    if (!dir) {
        char sys[128];

        wc_strerror_r(errno, sys, sizeof(sys));
        wc_dump_problem(d, WC_ERR_IO, "cannot open directory '%s': %s", path, sys);
        free(path);
        return WC_OK;
    }
    errno = 0;
    while ((de = readdir(dir))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (f.n == MAX_NAMES) {
            wc_dump_problem(d, WC_ERR_LIMIT,
                            "directory '%s' has over %zu entries; the rest skipped", path,
                            MAX_NAMES);
            break;
        }
        if (f.n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            char **nn = realloc(f.names, ncap * sizeof(*nn));

            if (!nn)
                goto nomem;
            f.names = nn;
            cap = ncap;
        }
        if (!(f.names[f.n] = wc_strdup(de->d_name)))
            goto nomem;
        f.n++;
        errno = 0;
    }
    if (errno) {
        char sys[128];

        wc_strerror_r(errno, sys, sizeof(sys));
        wc_dump_problem(d, WC_ERR_IO, "cannot read directory '%s': %s", path, sys);
    }
    closedir(dir);
    if (f.n)
        wc_qsort(f.names, f.n, sizeof(*f.names), by_name);
    if (ds->depth == ds->cap) {
        size_t ncap = ds->cap ? ds->cap * 2 : 16;
        struct frame *ns = realloc(ds->stack, ncap * sizeof(*ns));

        if (!ns) {
            free_frame(&f);
            return WC_ERR_NOMEM;
        }
        ds->stack = ns;
        ds->cap = ncap;
    }
    ds->stack[ds->depth++] = f;
    return WC_OK;
nomem:
    closedir(dir);
    free_frame(&f);
    return WC_ERR_NOMEM;
}

static bool html_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    size_t n;

    if (!dot || dot == name)
        return false;
    n = strlen(dot);
    return wc_mem_ieq(dot, n, ".html") || wc_mem_ieq(dot, n, ".htm") ||
           wc_mem_ieq(dot, n, ".xhtml");
}

/*
 * Read file path whole into ds->body. WC_OK: a page to hand out; WC_DONE:
 * reported or skipped; WC_ERR_NOMEM.
 */
static wc_status read_page(wc_dump *d, const char *path, int64_t *mtime)
{
    struct dir_state *ds = d->state;
    struct stat st;
    char sys[128];
    int fd;
    wc_status s;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        wc_strerror_r(errno, sys, sizeof(sys));
        wc_dump_problem(d, WC_ERR_IO, "cannot open '%s': %s", path, sys);
        return WC_DONE;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        d->stats.skipped++;
        return WC_DONE;
    }
    if ((uint64_t)st.st_size > d->max_record) {
        close(fd);
        wc_dump_problem(d, WC_ERR_LIMIT, "'%s' is %llu bytes, over the cap of %zu", path,
                        (unsigned long long)st.st_size, d->max_record);
        return WC_DONE;
    }
    wc_buf_reset(&ds->body);
    for (;;) {
        ssize_t n;
        size_t want = 65536;

        if (ds->body.len + want > d->max_record + 1)
            want = d->max_record + 1 - ds->body.len;
        if (want == 0) {
            close(fd);
            wc_dump_problem(d, WC_ERR_LIMIT, "'%s' grew over the cap of %zu bytes", path,
                            d->max_record);
            return WC_DONE;
        }
        if ((s = wc_buf_grow(&ds->body, want)) != WC_OK) {
            close(fd);
            return s;
        }
        do
            n = read(fd, ds->body.buf + ds->body.len, want);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
            wc_strerror_r(errno, sys, sizeof(sys));
            close(fd);
            wc_dump_problem(d, WC_ERR_IO, "cannot read '%s': %s", path, sys);
            return WC_DONE;
        }
        if (n == 0)
            break;
        ds->body.len += (size_t)n;
        ds->body.buf[ds->body.len] = '\0';
    }
    close(fd);
    d->stats.bytes_read += ds->body.len;
    if (ds->body.len == 0) {
        d->stats.skipped++;
        return WC_DONE;
    }
    if (wc_looks_binary(ds->body.buf, WC_MIN(ds->body.len, (size_t)JUNK_PROBE))) {
        wc_dump_problem(d, WC_ERR_EMPTY, "'%s' looks like binary junk, not HTML", path);
        return WC_DONE;
    }
    *mtime = (int64_t)st.st_mtime;
    return WC_OK;
}

static const char *utf16_charset(const char *p, size_t len)
{
    if (len >= 2 && (unsigned char)p[0] == 0xFF && (unsigned char)p[1] == 0xFE)
        return "UTF-16LE";
    if (len >= 2 && (unsigned char)p[0] == 0xFE && (unsigned char)p[1] == 0xFF)
        return "UTF-16BE";
    return NULL;
}

static void fill_record(wc_dump *d, wc_record *rec, const char *origin, const char *body,
                        size_t len, int64_t mtime)
{
    memset(rec, 0, sizeof(*rec));
    rec->source = WC_SOURCE_DIR;
    rec->origin = origin;
    rec->published_at = WC_TIME_NONE;
    rec->fetched_at = mtime;
    rec->charset = utf16_charset(body, len);
    rec->body = body;
    rec->len = len;
    rec->is_html = true;
    (void)d;
}

/* This walk's counts plus those of the nested dump being read. */
static void nested_stats(wc_dump *d)
{
    struct dir_state *ds = d->state;
    wc_dump_stats ss;

    wc_dump_get_stats(ds->sub, &ss);
    d->stats.skipped = ds->base.skipped + ss.skipped;
    d->stats.errors = ds->base.errors + ss.errors;
    d->stats.repaired = ds->base.repaired + ss.repaired;
    d->stats.bytes_read = ds->base.bytes_read + ss.bytes_read;
}

/*
 * After the walk: the records of each dump found in it. A dump that cannot
 * be opened, or that ends in an error (a truncated gzip), is reported as a
 * problem of that file; the next one is read all the same.
 */
static wc_status nested_next(wc_dump *d, wc_record *rec, wc_error *err)
{
    struct dir_state *ds = d->state;
    wc_error e = WC_ERROR_INIT;
    wc_dump_opts o;
    wc_status st;

    for (;;) {
        if (ds->sub) {
            st = wc_dump_next(ds->sub, rec, &e);
            nested_stats(d);
            if (st == WC_OK)
                return WC_OK;
            wc_dump_free(ds->sub); /* its final counts stay in d->stats */
            ds->sub = NULL;
            if (st == WC_ERR_NOMEM)
                return wc_error_set(err, st, "%s", e.msg);
            if (st != WC_DONE)
                wc_dump_problem(d, st, "%s", e.msg);
        }
        if (ds->nested_pos == ds->nnested)
            return WC_DONE;
        memset(&o, 0, sizeof(o));
        o.max_record = d->max_record;
        o.on_problem = d->on_problem;
        o.problem_ctx = d->problem_ctx;
        o.stop = d->stop;
        ds->base = d->stats; /* counts so far; the next dump's are added to them */
        st = wc_dump_open(ds->nested[ds->nested_pos++], &o, &ds->sub, &e);
        if (st == WC_ERR_NOMEM)
            return wc_error_set(err, st, "%s", e.msg);
        if (st != WC_OK) {
            ds->sub = NULL;
            wc_dump_problem(d, st, "%s", e.msg);
        } else if (d->pages_only && wc_dump_source(ds->sub) != WC_SOURCE_DIR) {
            wc_dump_free(ds->sub); /* a .html.gz holding a WARC or JSONL: not a page */
            ds->sub = NULL;
            d->stats.skipped++;
        }
    }
}

static wc_status dir_next(wc_dump *d, wc_record *rec, wc_error *err)
{
    struct dir_state *ds = d->state;
    wc_status s;

    free(ds->path);
    ds->path = NULL;
    while (ds->depth) {
        struct frame *f = &ds->stack[ds->depth - 1];
        struct stat st;
        char *path;
        int64_t mtime;

        if (f->next == f->n) {
            free_frame(f);
            ds->depth--;
            continue;
        }
        path = join(f->path, f->names[f->next++]);
        if (!path)
            return wc_error_set(err, WC_ERR_NOMEM, "out of memory walking '%s'", d->origin);
        if (stat(path, &st) != 0) {
            char sys[128];

            wc_strerror_r(errno, sys, sizeof(sys));
            wc_dump_problem(d, WC_ERR_IO, "cannot stat '%s': %s", path, sys);
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            bool fresh;

            if (seen_add(ds, st.st_dev, st.st_ino, &fresh) != WC_OK) {
                free(path);
                return wc_error_set(err, WC_ERR_NOMEM, "out of memory walking '%s'", d->origin);
            }
            if (!fresh) {
                free(path); /* a link back into the tree, or a second link to one folder */
                continue;
            }
            if (push_dir(d, path) != WC_OK)
                return wc_error_set(err, WC_ERR_NOMEM, "out of memory walking '%s'", d->origin);
            continue;
        }
        if (S_ISREG(st.st_mode) && wc_dump_nested_name(strrchr(path, '/') + 1) &&
            ds->nnested < MAX_NESTED &&
            (!d->pages_only || wc_dump_nested_page_name(strrchr(path, '/') + 1))) {
            if (ds->nnested == ds->nested_cap) {
                size_t ncap = ds->nested_cap ? ds->nested_cap * 2 : 16;
                char **v = realloc(ds->nested, ncap * sizeof(*v));
                if (!v) {
                    free(path);
                    return wc_error_set(err, WC_ERR_NOMEM, "out of memory walking '%s'", d->origin);
                }
                ds->nested = v;
                ds->nested_cap = ncap;
            }
            ds->nested[ds->nnested++] = path;
            continue;
        }
        if (!S_ISREG(st.st_mode) || !html_name(strrchr(path, '/') + 1)) {
            d->stats.skipped++;
            free(path);
            continue;
        }
        s = read_page(d, path, &mtime);
        if (s == WC_DONE) {
            free(path);
            continue;
        }
        if (s != WC_OK) {
            free(path);
            return wc_error_set(err, s, "out of memory walking '%s'", d->origin);
        }
        ds->path = path;
        fill_record(d, rec, path, ds->body.buf, ds->body.len, mtime);
        return WC_OK;
    }
    return nested_next(d, rec, err); /* the walk is over: the dumps found in it */
}

static void dir_release(wc_dump *d)
{
    struct dir_state *ds = d->state;

    if (!ds)
        return;
    while (ds->depth)
        free_frame(&ds->stack[--ds->depth]);
    free(ds->stack);
    free(ds->seen);
    wc_dump_free(ds->sub);
    while (ds->nnested)
        free(ds->nested[--ds->nnested]);
    free(ds->nested);
    free(ds->path);
    wc_buf_release(&ds->body);
    free(ds);
    d->state = NULL;
}

static const wc_dump_reader dir_reader = {WC_SOURCE_DIR, dir_next, dir_release};

wc_status wc_htmldir_start(wc_dump *d, wc_error *err)
{
    struct dir_state *ds = calloc(1, sizeof(*ds));
    struct stat st;
    char *root;
    bool fresh;

    if (!ds)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory opening '%s'", d->origin);
    wc_buf_init(&ds->body, d->max_record + 1); /* one byte past the cap: a page over it is seen */
    d->state = ds;
    d->reader = &dir_reader;
    if (stat(d->origin, &st) != 0)
        return wc_error_sys(err, WC_ERR_IO, errno, "cannot open '%s'", d->origin);
    if (seen_add(ds, st.st_dev, st.st_ino, &fresh) != WC_OK || !(root = wc_strdup(d->origin)))
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory opening '%s'", d->origin);
    {
        /* the root must open: an unreadable root is a failure of the whole input */
        DIR *probe = opendir(root);

        if (!probe) {
            int e = errno;

            free(root);
            return wc_error_sys(err, WC_ERR_IO, e, "cannot open directory '%s'", d->origin);
        }
        closedir(probe);
    }
    if (push_dir(d, root) != WC_OK)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory opening '%s'", d->origin);
    return WC_OK;
}

/* --- one HTML file (or HTML on stdin) ------------------------------------ */

static wc_status file_next(wc_dump *d, wc_record *rec, wc_error *err)
{
    struct dir_state *ds = d->state;
    wc_in *in = &d->in;
    char msg[WC_ERROR_MSG_MAX];
    const char *p;
    size_t len;
    wc_status s;

    if (ds->done) {
        d->finished = true;
        return WC_DONE;
    }
    ds->done = true;
    while (in->state == WC_IN_RUN && wc_in_avail(in) <= d->max_record)
        if ((s = wc_in_fill(in, wc_in_avail(in) + 1)) != WC_OK)
            return wc_error_set(err, s, "out of memory reading '%s'", d->origin);
    p = wc_in_ptr(in);
    len = wc_in_avail(in);
    if (len > d->max_record) {
        wc_dump_problem(d, WC_ERR_LIMIT, "'%s' is over the cap of %zu bytes", d->origin,
                        d->max_record);
        d->finished = true;
        return WC_DONE;
    }
    if (in->state != WC_IN_EOF) {
        d->finished = true;
        wc_in_describe_stop(in, msg, sizeof(msg));
        return wc_error_set(err, in->state == WC_IN_FAILED ? WC_ERR_IO : WC_ERR_PARSE, "%s", msg);
    }
    if (len == 0) {
        d->stats.skipped++;
        d->finished = true;
        return WC_DONE;
    }
    if (wc_looks_binary(p, WC_MIN(len, (size_t)JUNK_PROBE))) {
        wc_dump_problem(d, WC_ERR_EMPTY, "'%s' looks like binary junk, not HTML", d->origin);
        d->finished = true;
        return WC_DONE;
    }
    fill_record(d, rec, d->origin, p, len, d->file_mtime);
    wc_in_consume(in, len); /* counted as read; the bytes stay put until the next fill */
    return WC_OK;
}

static const wc_dump_reader file_reader = {WC_SOURCE_DIR, file_next, dir_release};

wc_status wc_htmlfile_start(wc_dump *d, wc_error *err)
{
    struct dir_state *ds = calloc(1, sizeof(*ds));

    if (!ds)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory opening '%s'", d->origin);
    wc_buf_init(&ds->body, d->max_record + 1); /* unused: one file is read from d->in */
    ds->single = true;
    d->state = ds;
    d->reader = &file_reader;
    return WC_OK;
}
