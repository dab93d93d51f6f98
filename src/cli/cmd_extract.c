/*
 * cmd_extract.c - `wirecopy extract`: print the article of one page, or
 * extract a whole folder of pages.
 *
 *   wirecopy extract page.html             text of the article on stdout
 *   wirecopy extract --format json URL     fetch it, print metadata + text
 *   wirecopy extract - < page.html
 *   wirecopy extract DIR --out-dir OUT     every page below DIR into
 *                                          OUT/<relative name>.txt|.json|.md
 *                                          (a name two pages make goes to the
 *                                          first; the next gets a.html.txt)
 *
 * A URL is fetched by the library's wc_fetch_one, with the policy follow
 * fetches pages with: its User-Agent, redirects hop by hop (http and https
 * only), the extractor's input cap on the decoded body, timeouts, and
 * robots.txt (a page it disallows is not fetched).
 *
 * A folder is walked by the dump module's walker, the one `ingest DIR`
 * uses (wc_dump_open_pages), so both read the same page files
 * (.html, .htm, .xhtml, gzipped ones too) in the same order. The walk runs
 * on this thread and names each page's output as it comes, in walk order,
 * so the names do not depend on -j; -j worker threads (2 by default: the
 * cores of the target machine) extract and write. Pages pass from the walk
 * to the workers in -j + 1 slots (one each, and one the walk fills while
 * they work), so memory stays at about one page per worker.
 *
 * Exit: 0 when every page was handled, 1 when a page could not be read
 * or written (or the single page given has no article, or could not be
 * fetched), 2 usage, 3 fatal, 130 interrupted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "wirecopy/charset.h"
#include "wirecopy/dump.h"
#include "wirecopy/extract.h"
#include "wirecopy/fetch.h"
#include "wirecopy/wirecopy.h"
#include "cli.h"
#include "fmt.h"

const char help_extract[] =
    "usage: wirecopy extract [-f FMT] [-b] [--url URL] [--charset CS] FILE|URL|-\n"
    "   or: wirecopy extract [-f FMT] [-b] [-j N] DIR --out-dir OUT\n"
    "\n"
    "Print the article of a web page: its headline and text without navigation,\n"
    "teasers, share bars, promos, captions or comments, and with --format json\n"
    "its metadata (title, author, dates, site, canonical URL, language,\n"
    "description, image).\n"
    "\n"
    "  -f, --format FMT   text (default: the headline, then the body's paragraphs,\n"
    "                     separated by blank lines), json (one object), markdown\n"
    "  -b, --body-only    text: the body alone, without the headline (what ingest\n"
    "                     stores and compares)\n"
    "      --url URL      the page's address, for relative links and the site name\n"
    "      --charset CS   the page's encoding, as an HTTP header would give it\n"
    "  -o, --out-dir OUT  with a folder: write OUT/<name>.txt|.json|.md per page\n"
    "                     (a.htm and a.html: a.txt and a.html.txt, with a warning)\n"
    "  -j, --jobs N       with a folder: pages extracted at once (default 2)\n"
    "  -q, --quiet        no summary on stderr\n"
    "\n"
    "A page without an article (a section front, an error page) prints nothing\n"
    "(with --format json: one object with the metadata found and \"text\": \"\");\n"
    "for a single page that is exit status 1.\n"
    "\n"
    "A URL is fetched as follow fetches pages: robots.txt is honoured (a page it\n"
    "disallows is not fetched: exit 1), at most 5 redirects, http and https only.\n"
    "A folder's pages are the files ingest reads there (.html, .htm, .xhtml, also\n"
    "gzipped), in the same order; WARC and JSONL files in it are left to ingest.\n";

/* Largest page we fetch or read (the extractor's own cap). */
#define PAGE_MAX WC_EXTRACT_MAX_INPUT
/*
 * Largest rendering of one article: its text is at most WC_EXTRACT_MAX_TEXT
 * (2 MiB), which JSON holds twice ("text" and "blocks"), escaped; 32 MiB
 * is that with room for the worst escaping and the metadata.
 */
#define RENDER_MAX ((size_t)32 << 20)
/* Worker threads allowed with -j. */
#define JOBS_MAX 64
/* Pages the walk may read ahead of the workers: one, filled while they extract theirs. */
#define PAGES_AHEAD 1

enum format { FMT_TEXT, FMT_JSON, FMT_MARKDOWN };

static const char *const format_ext[] = {".txt", ".json", ".md"};

struct opts {
    enum format fmt;
    const char *url;
    const char *charset;
    const char *out_dir;
    unsigned jobs;
    bool verbose;   /* DIR: name each page without an article */
    bool body_only; /* text: no headline line */
};

/* Render an article in the chosen format into out. */
static wc_status render(const wc_article *a, const struct opts *o, const char *url, wc_buf *out)
{
    wc_status st;

    switch (o->fmt) {
    case FMT_JSON:
        if ((st = wc_article_to_json(a, url, out)))
            return st;
        return wc_buf_addch(out, '\n');
    case FMT_MARKDOWN:
        return wc_article_to_markdown(a, out);
    default:
        return wc_article_to_text(a, o->body_only ? 0 : WC_TEXT_TITLE, out);
    }
}

/* Read all of f (at most PAGE_MAX + 1 bytes, so an oversized page is noticed). */
static wc_status read_stream(FILE *f, wc_buf *b)
{
    char chunk[65536];
    size_t n;
    wc_status st;

    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (b->len + n > PAGE_MAX + 1)
            n = PAGE_MAX + 1 - b->len;
        if ((st = wc_buf_add(b, chunk, n)))
            return st;
        if (b->len > PAGE_MAX)
            return WC_ERR_LIMIT;
    }
    return ferror(f) ? WC_ERR_IO : WC_OK;
}

static wc_status read_file(const char *path, wc_buf *b, wc_error *err)
{
    FILE *f = fopen(path, "rb");
    wc_status st;

    if (!f)
        return wc_error_sys(err, WC_ERR_IO, errno, "cannot open '%s'", path);
    st = read_stream(f, b);
    if (st == WC_ERR_IO)
        wc_error_sys(err, st, errno, "cannot read '%s'", path);
    else if (st == WC_ERR_LIMIT)
        wc_error_set(err, st, "'%s' is larger than %zu bytes", path, (size_t)PAGE_MAX);
    else if (st)
        wc_error_set(err, st, "cannot read '%s': %s", path, wc_strerror(st));
    fclose(f);
    return st;
}

/* --- fetching one URL ------------------------------------------------------------- */

static bool is_url(const char *s)
{
    return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
}

/* Exit status for a page that could not be fetched (or read): the message is printed already. */
static int exit_for_input(wc_status st)
{
    if (st == WC_ERR_NOMEM)
        return WC_EXIT_FATAL;
    if (st == WC_ERR_INTERRUPTED)
        return WC_EXIT_INTERRUPTED;
    return WC_EXIT_PARTIAL; /* HTTP error, network, robots.txt, too large, refused: this input */
}

/*
 * Fetch url as follow fetches a page (wc_fetch_one: robots.txt honoured,
 * the decoded body capped at what the extractor takes); Ctrl-C stops it.
 */
static wc_status fetch_page(const char *url, wc_fetched **got, wc_error *err)
{
    wc_fetch_opts fo;

    wc_fetch_opts_init(&fo);
    fo.max_body = PAGE_MAX;
    /* one page asked for by hand: robots.txt and the page go back to back, as
       wget does; the delay between requests to a host is for crawls */
    fo.host_delay_ms = 0;
    cli_signals_install();
    return wc_fetch_one(url, WC_FETCH_PAGE, &fo, &cli_interrupted, got, err);
}

/* --- one page ---------------------------------------------------------------------- */

static int extract_one(const char *src, const struct opts *o, struct cli_ctx *ctx)
{
    wc_buf page, out;
    wc_error err = WC_ERROR_INIT;
    wc_article a;
    wc_extract_opts eo = {o->url, o->charset, 0};
    wc_fetched *got = NULL;
    const char *name = src, *html;
    size_t html_len;
    wc_status st;
    int rc = WC_EXIT_OK;

    (void)ctx;
    wc_buf_init(&page, PAGE_MAX + 1); /* one byte over the cap: an oversized page is noticed */
    wc_buf_init(&out, RENDER_MAX);
    wc_article_init(&a);
    if (!strcmp(src, "-")) {
        name = "stdin";
        st = read_stream(stdin, &page);
        if (st == WC_ERR_LIMIT)
            wc_error_set(&err, st, "stdin is larger than %zu bytes", (size_t)PAGE_MAX);
        else if (st)
            wc_error_sys(&err, st, errno, "cannot read stdin");
    } else if (is_url(src)) {
        st = fetch_page(src, &got, &err);
        if (st == WC_OK) {
            if (!eo.url)
                eo.url = got->final_url;
            if (!eo.charset)
                eo.charset = got->charset;
        }
    } else {
        st = read_file(src, &page, &err);
    }
    if (st) {
        cli_report(&err, st);
        rc = exit_for_input(st);
        goto out;
    }
    html = got ? got->body : page.buf;
    html_len = got ? got->body_len : page.len;
    st = wc_extract_html(html, html_len, &eo, &a, &err);
    if (st == WC_ERR_EMPTY) {
        cli_error("no article in '%s': %s", name, err.msg[0] ? err.msg : wc_strerror(st));
        rc = WC_EXIT_PARTIAL;
        /* JSON readers get an object all the same: what metadata there is, "text": "" */
        if (o->fmt == FMT_JSON && !(st = render(&a, o, eo.url, &out)) &&
            fwrite(out.buf, 1, out.len, stdout) != out.len && errno != EPIPE) {
            cli_error("cannot write output: %s", strerror(errno));
            rc = WC_EXIT_FATAL;
        }
        if (st)
            rc = cli_exit_for(st);
        goto out;
    }
    if (st) {
        cli_error("cannot extract '%s': %s", name, err.msg[0] ? err.msg : wc_strerror(st));
        rc = st == WC_ERR_NOMEM ? WC_EXIT_FATAL : WC_EXIT_PARTIAL;
        goto out;
    }
    if ((st = render(&a, o, eo.url, &out))) {
        cli_error("cannot render '%s': %s", name, wc_strerror(st));
        rc = cli_exit_for(st);
        goto out;
    }
    if (fwrite(out.buf, 1, out.len, stdout) != out.len && errno != EPIPE) {
        cli_error("cannot write output: %s", strerror(errno));
        rc = WC_EXIT_FATAL;
    }
out:
    wc_article_release(&a);
    wc_buf_release(&page);
    wc_buf_release(&out);
    wc_fetched_free(got);
    return rc;
}

/* --- output names: one page per file, never an overwrite ---------------------------- */

/* Most numbered names tried for one page ("a.html.2.txt" ...) before giving up. */
#define OUT_NAME_TRIES 1000

/* An output name taken, and the page (its path) that holds it. */
struct name_slot {
    char *name;  /* relative to --out-dir; NULL: empty slot */
    char *owner; /* the page's path, for the warning when another page wants the name */
};

/* An open-addressing set of the output names given so far (grows at half full). */
struct name_set {
    struct name_slot *v;
    size_t mask; /* slots - 1 (slots: a power of two) */
    size_t n;    /* names held */
};

static size_t name_hash(const char *s)
{
    return (size_t)XXH3_64bits(s, strlen(s)); /* the project's string hash */
}

/* The slot of name: where it is, or the empty slot where it would go. */
static size_t name_find(const struct name_set *set, const char *name)
{
    size_t i = name_hash(name) & set->mask;

    while (set->v[i].name && strcmp(set->v[i].name, name))
        i = (i + 1) & set->mask;
    return i;
}

/* Room for one more name; -1 when out of memory. */
static int name_reserve(struct name_set *set)
{
    struct name_slot *old = set->v;
    size_t oldn = set->v ? set->mask + 1 : 0, ncap = oldn ? oldn * 2 : 256, i;

    if (set->v && (set->n + 1) * 2 <= oldn)
        return 0;
    if (!(set->v = calloc(ncap, sizeof(*set->v)))) {
        set->v = old;
        return -1;
    }
    set->mask = ncap - 1;
    for (i = 0; i < oldn; i++)
        if (old[i].name)
            set->v[name_find(set, old[i].name)] = old[i];
    free(old);
    return 0;
}

static void name_set_release(struct name_set *set)
{
    size_t i;

    for (i = 0; set->v && i <= set->mask; i++) {
        free(set->v[i].name);
        free(set->v[i].owner);
    }
    free(set->v);
}

/* Does name[0..n) end in suffix, any case? */
static bool ends_with(const char *name, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);

    return n > k && !strncasecmp(name + n - k, suffix, k);
}

/* rel without .gz and its .html/.htm/.xhtml, then ext: "a/b.htm" -> "a/b.txt" */
static char *base_name(const char *rel, const char *ext)
{
    size_t n = strlen(rel);
    char *s;

    if (ends_with(rel, n, ".gz"))
        n -= 3;
    if (ends_with(rel, n, ".xhtml"))
        n -= 6;
    else if (ends_with(rel, n, ".html"))
        n -= 5;
    else if (ends_with(rel, n, ".htm"))
        n -= 4;
    if (asprintf(&s, "%.*s%s", (int)n, rel, ext) < 0)
        return NULL;
    return s;
}

/*
 * The output name of the page at path (rel below the folder): OUT/<rel
 * without its extension>.<ext>, and when an earlier page holds that name
 * already (a.htm and a.html both make a.txt) the whole input name,
 * OUT/a.html.txt, then a.html.2.txt, ... with a warning naming both
 * pages. Pages come in walk order, so the names do not depend on -j.
 * *name = NULL (after a warning) when no name is free. -1: out of memory.
 */
static int name_output(struct name_set *set, const char *path, const char *rel, const char *out_dir,
                       const char *ext, const char **name)
{
    char *want = base_name(rel, ext), *alt = NULL;
    size_t slot;
    unsigned k;

    *name = NULL;
    if (!want || name_reserve(set) != 0)
        goto nomem;
    slot = name_find(set, want);
    if (set->v[slot].name) {
        const char *first = set->v[slot].owner;

        for (k = 1; k <= OUT_NAME_TRIES; k++) {
            if ((k == 1 ? asprintf(&alt, "%s%s", rel, ext)
                        : asprintf(&alt, "%s.%u%s", rel, k, ext)) < 0) {
                alt = NULL;
                goto nomem;
            }
            slot = name_find(set, alt);
            if (!set->v[slot].name)
                break;
            free(alt);
            alt = NULL;
        }
        if (!alt) {
            cli_warn("'%s' is skipped: '%s/%s' and %d other names are taken", path, out_dir, want,
                     OUT_NAME_TRIES);
            free(want);
            return 0;
        }
        cli_warn("'%s' and '%s' both make '%s/%s': '%s' is written to '%s/%s'", first, path,
                 out_dir, want, path, out_dir, alt);
        free(want);
        want = alt;
    }
    if (!(set->v[slot].owner = strdup(path)))
        goto nomem;
    set->v[slot].name = want;
    set->n++;
    *name = want;
    return 0;
nomem:
    free(want);
    free(alt);
    return -1;
}

/* --- a folder ----------------------------------------------------------------------- */

/*
 * Write data[0..len) as rel (a relative path, '/'-separated) below the
 * folder root_fd, never through a link: every folder on the way is opened
 * with O_NOFOLLOW (made when missing), the file is written under an
 * exclusive temporary name in its folder and renamed over rel, so a
 * symbolic link already standing at rel is replaced, not written through.
 * 0, or -1 with errno (ELOOP or ENOTDIR: a link or a file on the way).
 */
static int write_below(int root_fd, const char *rel, const char *data, size_t len)
{
    static atomic_uint serial;
    char comp[NAME_MAX + 1], tmp[NAME_MAX + 32];
    const char *p = rel, *slash;
    int dir = root_fd, fd = -1, e;
    size_t n;

    while ((slash = strchr(p, '/'))) {
        int next;
        n = (size_t)(slash - p);
        if (n == 0 || n > NAME_MAX || (n <= 2 && !strncmp(p, "..", n))) {
            errno = EINVAL; /* "", ".", "..": not a name made by this walk */
            goto fail;
        }
        memcpy(comp, p, n);
        comp[n] = '\0';
        if (mkdirat(dir, comp, 0777) != 0 && errno != EEXIST)
            goto fail;
        next = openat(dir, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0)
            goto fail;
        if (dir != root_fd)
            close(dir);
        dir = next;
        p = slash + 1;
    }
    if (!*p || strlen(p) > NAME_MAX - 24) {
        errno = ENAMETOOLONG;
        goto fail;
    }
    do {
        snprintf(tmp, sizeof(tmp), ".%s.%ld.%u.tmp", p, (long)getpid(),
                 atomic_fetch_add(&serial, 1));
        fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    } while (fd < 0 && errno == EEXIST);
    if (fd < 0)
        goto fail;
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            goto fail_tmp;
        off += (size_t)w;
    }
    if (close(fd) != 0) {
        fd = -1;
        goto fail_tmp;
    }
    fd = -1;
    if (renameat(dir, tmp, dir, p) != 0)
        goto fail_tmp;
    if (dir != root_fd)
        close(dir);
    return 0;
fail_tmp:
    e = errno;
    if (fd >= 0)
        close(fd);
    unlinkat(dir, tmp, 0);
    errno = e;
fail:
    e = errno;
    if (dir != root_fd)
        close(dir);
    errno = e;
    return -1;
}

/* One page on its way from the walk to a worker. */
struct job {
    wc_buf page;                           /* its bytes (at most PAGE_MAX) */
    char *in;                              /* its path, as the walk named it */
    const char *out;                       /* its output name (held by the name set) */
    char charset[WC_CHARSET_NAME_MAX + 1]; /* the walk's charset (a UTF-16 BOM), "" if none */
};

struct batch {
    const struct opts *o;
    struct job *jobs;         /* njobs slots */
    size_t njobs;             /* -j + PAGES_AHEAD */
    size_t *ready;            /* ring of jobs waiting for a worker (indices) */
    size_t ready_head;        /* index in ready of the oldest */
    size_t ready_n;           /* jobs in the ring */
    size_t *idle;             /* stack of free jobs (indices) */
    size_t idle_n;            /* free jobs */
    bool closed;              /* the walk is over: workers end when the ring is empty */
    pthread_mutex_t mu;       /* guards ready, idle and closed */
    pthread_cond_t has_ready; /* a job was queued, or closed */
    pthread_cond_t has_idle;  /* a job came back */
    atomic_uint pages;        /* pages met: handed out by the walk, or reported by it */
    atomic_uint done;         /* pages with an article written */
    atomic_uint empty;        /* pages without an article */
    atomic_uint failed;       /* pages that could not be read, extracted or written */
    atomic_bool fatal;        /* out of memory: stop */
    pthread_mutex_t msg;      /* one message at a time on stderr */
    int out_fd;               /* --out-dir, open: outputs are made below it (write_below) */
};

/* Report err's message, else "<what> '<path>'". */
static void batch_error(struct batch *b, const wc_error *err, const char *what, const char *path)
{
    pthread_mutex_lock(&b->msg);
    if (err && err->msg[0])
        cli_error("%s", err->msg);
    else
        cli_error("%s '%s'", what, path);
    pthread_mutex_unlock(&b->msg);
}

/* What the walk could not hand out: an unreadable file or folder, a page over the cap, junk. */
static void on_walk_problem(void *ctx, const wc_error *e)
{
    struct batch *b = ctx;

    atomic_fetch_add(&b->pages, 1);
    if (e->code == WC_ERR_EMPTY) { /* binary junk named like a page: no article in it */
        atomic_fetch_add(&b->empty, 1);
        if (b->o->verbose) {
            pthread_mutex_lock(&b->msg);
            cli_fmt_msg(stderr, "wirecopy: %s\n", e->msg);
            pthread_mutex_unlock(&b->msg);
        }
        return;
    }
    atomic_fetch_add(&b->failed, 1);
    batch_error(b, e, "cannot read", "");
}

/* Extract one page and write its output file; out is the worker's rendering buffer. */
static void run_job(struct batch *b, struct job *j, wc_buf *out)
{
    char dst[8192];
    wc_error err = WC_ERROR_INIT;
    wc_article a;
    wc_extract_opts eo = {NULL, b->o->charset, 0};
    wc_status st;

    if (!eo.charset && j->charset[0])
        eo.charset = j->charset;
    wc_buf_reset(out);
    wc_article_init(&a);
    st = wc_extract_html(j->page.buf, j->page.len, &eo, &a, &err);
    if (st == WC_ERR_EMPTY) {
        atomic_fetch_add(&b->empty, 1);
        wc_article_release(&a); /* the metadata found is kept, even without an article */
        if (b->o->verbose) {
            pthread_mutex_lock(&b->msg);
            cli_fmt_msg(stderr, "wirecopy: no article in '%s'\n", j->in);
            pthread_mutex_unlock(&b->msg);
        }
        return;
    }
    if (st || (st = render(&a, b->o, NULL, out))) {
        batch_error(b, &err, "cannot extract", j->in);
        atomic_fetch_add(&b->failed, 1);
        if (st == WC_ERR_NOMEM)
            atomic_store(&b->fatal, true);
        wc_article_release(&a);
        return;
    }
    wc_article_release(&a);
    if ((size_t)snprintf(dst, sizeof(dst), "%s/%s", b->o->out_dir, j->out) >= sizeof(dst)) {
        batch_error(b, NULL, "output name too long for", j->in);
        atomic_fetch_add(&b->failed, 1);
        return;
    }
    if (write_below(b->out_fd, j->out, out->buf, out->len) != 0) {
        if (errno == ELOOP || errno == ENOTDIR)
            wc_error_set(&err, WC_ERR_IO,
                         "cannot write '%s': a symbolic link or a file is in its way (not "
                         "followed)",
                         dst);
        else
            wc_error_sys(&err, WC_ERR_IO, errno, "cannot write '%s'", dst);
        batch_error(b, &err, "cannot write", dst);
        atomic_fetch_add(&b->failed, 1);
        return;
    }
    atomic_fetch_add(&b->done, 1);
}

/* A free job for the walk to fill (waits for a worker to give one back). */
static struct job *take_idle(struct batch *b)
{
    struct job *j;

    pthread_mutex_lock(&b->mu);
    while (b->idle_n == 0)
        pthread_cond_wait(&b->has_idle, &b->mu);
    j = &b->jobs[b->idle[--b->idle_n]];
    pthread_mutex_unlock(&b->mu);
    return j;
}

static void give_idle(struct batch *b, struct job *j)
{
    free(j->in);
    j->in = NULL;
    pthread_mutex_lock(&b->mu);
    b->idle[b->idle_n++] = (size_t)(j - b->jobs);
    pthread_cond_signal(&b->has_idle);
    pthread_mutex_unlock(&b->mu);
}

static void give_ready(struct batch *b, struct job *j)
{
    pthread_mutex_lock(&b->mu);
    b->ready[(b->ready_head + b->ready_n++) % b->njobs] = (size_t)(j - b->jobs);
    pthread_cond_signal(&b->has_ready);
    pthread_mutex_unlock(&b->mu);
}

static void *batch_worker(void *arg)
{
    struct batch *b = arg;
    wc_buf out;

    wc_buf_init(&out, RENDER_MAX);
    for (;;) {
        struct job *j;

        pthread_mutex_lock(&b->mu);
        while (b->ready_n == 0 && !b->closed)
            pthread_cond_wait(&b->has_ready, &b->mu);
        if (b->ready_n == 0) {
            pthread_mutex_unlock(&b->mu);
            break;
        }
        j = &b->jobs[b->ready[b->ready_head]];
        b->ready_head = (b->ready_head + 1) % b->njobs;
        b->ready_n--;
        pthread_mutex_unlock(&b->mu);
        if (!atomic_load(&b->fatal) && !cli_interrupted)
            run_job(b, j, &out);
        give_idle(b, j);
    }
    wc_buf_release(&out);
    return NULL;
}

/* Set up b's jobs and queues for -j workers; -1 when out of memory. */
static int batch_init(struct batch *b, const struct opts *o)
{
    size_t i;

    memset(b, 0, sizeof(*b));
    b->o = o;
    b->out_fd = -1;
    b->njobs = (size_t)o->jobs + PAGES_AHEAD;
    b->jobs = calloc(b->njobs, sizeof(*b->jobs));
    b->ready = calloc(b->njobs, sizeof(*b->ready));
    b->idle = calloc(b->njobs, sizeof(*b->idle));
    if (!b->jobs || !b->ready || !b->idle) {
        free(b->jobs);
        free(b->ready);
        free(b->idle);
        return -1;
    }
    for (i = 0; i < b->njobs; i++) {
        wc_buf_init(&b->jobs[i].page, PAGE_MAX);
        b->idle[b->idle_n++] = i;
    }
    atomic_init(&b->pages, 0);
    atomic_init(&b->done, 0);
    atomic_init(&b->empty, 0);
    atomic_init(&b->failed, 0);
    atomic_init(&b->fatal, false);
    pthread_mutex_init(&b->mu, NULL);
    pthread_mutex_init(&b->msg, NULL);
    pthread_cond_init(&b->has_ready, NULL);
    pthread_cond_init(&b->has_idle, NULL);
    return 0;
}

static void batch_release(struct batch *b)
{
    size_t i;

    for (i = 0; i < b->njobs; i++) {
        wc_buf_release(&b->jobs[i].page);
        free(b->jobs[i].in);
    }
    free(b->jobs);
    free(b->ready);
    free(b->idle);
    pthread_mutex_destroy(&b->mu);
    pthread_mutex_destroy(&b->msg);
    pthread_cond_destroy(&b->has_ready);
    pthread_cond_destroy(&b->has_idle);
    if (b->out_fd >= 0)
        close(b->out_fd);
}

/* The path of a page relative to the folder the walk began at. */
static const char *relative(const char *root, const char *path)
{
    size_t n = strlen(root);
    const char *slash;

    if (!strncmp(path, root, n)) {
        path += n;
        while (*path == '/')
            path++;
        return path;
    }
    slash = strrchr(path, '/'); /* not below root (cannot happen): its own name */
    return slash ? slash + 1 : path;
}

/*
 * The walk: each page the dump walker hands out gets its output name and
 * a job, which a worker takes (or, with no worker thread, this one runs).
 */
static void walk_pages(struct batch *b, wc_dump *d, const char *root, unsigned threads, wc_buf *out)
{
    struct name_set names = {NULL, 0, 0};
    wc_record rec;
    wc_error err = WC_ERROR_INIT;
    wc_status st = WC_DONE;
    size_t k;

    while (!atomic_load(&b->fatal) && !cli_interrupted &&
           (st = wc_dump_next(d, &rec, &err)) == WC_OK) {
        const char *name;
        struct job *j;

        atomic_fetch_add(&b->pages, 1);
        if (name_output(&names, rec.origin, relative(root, rec.origin), b->o->out_dir,
                        format_ext[b->o->fmt], &name) != 0) {
            cli_error("out of memory naming the outputs of '%s'", root);
            atomic_store(&b->fatal, true);
            break;
        }
        if (!name) { /* no free output name (the warning said so) */
            atomic_fetch_add(&b->failed, 1);
            continue;
        }
        j = take_idle(b);
        j->out = name;
        snprintf(j->charset, sizeof(j->charset), "%s", rec.charset ? rec.charset : "");
        wc_buf_reset(&j->page);
        if (!(j->in = strdup(rec.origin)) || wc_buf_add(&j->page, rec.body, rec.len) != WC_OK) {
            cli_error("out of memory reading '%s'", rec.origin);
            atomic_store(&b->fatal, true);
            give_idle(b, j);
            break;
        }
        if (threads) {
            give_ready(b, j);
        } else {
            run_job(b, j, out);
            give_idle(b, j);
        }
    }
    if (!atomic_load(&b->fatal) && !cli_interrupted && st != WC_DONE) {
        cli_report(&err, st); /* out of memory: the walk cannot go on */
        atomic_store(&b->fatal, true);
    }
    /* Workers drain the ring, then end; the names they write to are freed after them. */
    pthread_mutex_lock(&b->mu);
    b->closed = true;
    pthread_cond_broadcast(&b->has_ready);
    pthread_mutex_unlock(&b->mu);
    if (threads) /* wait for the jobs still out before the names go */
        for (k = 0; k < b->njobs; k++)
            (void)take_idle(b);
    name_set_release(&names);
}

static int extract_dir(const char *root, const struct opts *o, struct cli_ctx *ctx)
{
    wc_dump_opts dopts;
    wc_dump *d = NULL;
    wc_error err = WC_ERROR_INIT;
    struct batch b;
    pthread_t th[JOBS_MAX];
    unsigned i, started = 0;
    struct stat sb;
    wc_buf out;
    double t0;
    int rc;

    if (mkdir(o->out_dir, 0777) != 0 && errno != EEXIST) {
        cli_error("cannot create '%s': %s", o->out_dir, strerror(errno));
        return WC_EXIT_FATAL;
    }
    if (stat(o->out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        cli_error("'%s' is not a folder", o->out_dir);
        return WC_EXIT_FATAL;
    }
    if (batch_init(&b, o) != 0) {
        cli_error("out of memory extracting '%s'", root);
        return WC_EXIT_FATAL;
    }
    if ((b.out_fd = open(o->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        cli_error("cannot open '%s': %s", o->out_dir, strerror(errno));
        batch_release(&b);
        return WC_EXIT_FATAL;
    }
    cli_signals_install();
    memset(&dopts, 0, sizeof(dopts));
    dopts.max_record = PAGE_MAX;
    dopts.on_problem = on_walk_problem;
    dopts.problem_ctx = &b;
    dopts.stop = &cli_interrupted;
    if (wc_dump_open_pages(root, &dopts, &d, &err) != WC_OK) {
        cli_report(&err, err.code);
        batch_release(&b);
        return err.code == WC_ERR_NOMEM ? WC_EXIT_FATAL : WC_EXIT_PARTIAL;
    }
    wc_buf_init(&out, RENDER_MAX);
    t0 = wc_time_mono();
    for (i = 0; i < o->jobs; i++) {
        if (pthread_create(&th[i], NULL, batch_worker, &b) != 0)
            break;
        started++;
    }
    walk_pages(&b, d, root, started, &out);
    for (i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    wc_dump_free(d);
    wc_buf_release(&out);
    if (!ctx->quiet)
        cli_fmt_msg(stderr,
                    "wirecopy: %u %s, %u extracted, %u without an article, %u failed (%.1f s)\n",
                    atomic_load(&b.pages), cli_plural(atomic_load(&b.pages), "page", "pages"),
                    atomic_load(&b.done), atomic_load(&b.empty), atomic_load(&b.failed),
                    wc_time_mono() - t0);
    if (atomic_load(&b.fatal))
        rc = WC_EXIT_FATAL;
    else if (cli_interrupted)
        rc = WC_EXIT_INTERRUPTED;
    else
        rc = atomic_load(&b.failed) ? WC_EXIT_PARTIAL : WC_EXIT_OK;
    batch_release(&b);
    return rc;
}

/* --- the command ------------------------------------------------------------------- */

enum { OPT_URL = 0x2000, OPT_CHARSET };

int cmd_extract(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"url", required_argument, NULL, OPT_URL},
        {"charset", required_argument, NULL, OPT_CHARSET},
        {"out-dir", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"body-only", no_argument, NULL, 'b'},
        CLI_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    const struct cli_cmd *cmd = cli_find("extract");
    struct opts o = {FMT_TEXT, NULL, NULL, NULL, 2, false, false};
    struct stat sb;
    uint64_t v;
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:j:b" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "text") || !strcmp(optarg, "txt"))
                o.fmt = FMT_TEXT;
            else if (!strcmp(optarg, "json"))
                o.fmt = FMT_JSON;
            else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
                o.fmt = FMT_MARKDOWN;
            else
                return cli_usage_error(cmd, "unknown format '%s' (text, json or markdown)", optarg);
            break;
        case OPT_URL:
            o.url = optarg;
            break;
        case OPT_CHARSET:
            /* an encoding given by hand that we cannot honour is refused, not ignored */
            if (wc_charset_lookup(optarg, strlen(optarg), NULL) == WC_CHARSET_UNKNOWN)
                return cli_usage_error(cmd,
                                       "unknown charset '%s' (e.g. utf-8, windows-1252, "
                                       "iso-8859-2, shift_jis)",
                                       optarg);
            o.charset = optarg;
            break;
        case 'o':
            o.out_dir = optarg;
            break;
        case 'b':
            o.body_only = true;
            break;
        case 'j':
            if (!cli_parse_uint(optarg, JOBS_MAX, &v) || v == 0)
                return cli_usage_error(cmd, "-j needs a number from 1 to %d", JOBS_MAX);
            o.jobs = (unsigned)v;
            break;
        default:
            r = cli_common_opt(cmd, ctx, c);
            if (r == -2)
                return WC_EXIT_OK;
            if (r >= 0 && r != 0)
                return r;
            if (r < 0)
                return cli_usage_error(cmd, "unexpected option");
            break;
        }
    }
    if (o.body_only && o.fmt != FMT_TEXT)
        return cli_usage_error(cmd, "--body-only goes with --format text (json has \"text\", "
                                    "markdown its \"# title\")");
    if (optind >= argc)
        return cli_usage_error(cmd, "give a file, a URL, '-' or a folder");
    if (argc - optind > 1)
        return cli_usage_error(cmd, "give one file, URL or folder");
    if (strcmp(argv[optind], "-") && !is_url(argv[optind]) && stat(argv[optind], &sb) == 0 &&
        S_ISDIR(sb.st_mode)) {
        if (!o.out_dir)
            return cli_usage_error(cmd, "a folder needs --out-dir");
        o.verbose = ctx->verbose > 0;
        return extract_dir(argv[optind], &o, ctx);
    }
    if (o.out_dir)
        return cli_usage_error(cmd, "--out-dir goes with a folder");
    return extract_one(argv[optind], &o, ctx);
}
