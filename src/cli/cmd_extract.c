/*
 * cmd_extract.c - `wirecopy extract`: print the article of one page, or
 * extract a whole folder of pages.
 *
 *   wirecopy extract page.html             text of the article on stdout
 *   wirecopy extract --format json URL     fetch it, print metadata + text
 *   wirecopy extract - < page.html
 *   wirecopy extract DIR --out-dir OUT     every .html/.htm below DIR into
 *                                          OUT/<relative name>.txt|.json|.md
 *                                          (a name two pages make goes to the
 *                                          first; the next gets a.html.txt)
 *
 * A URL is fetched with one libcurl easy transfer (redirects followed,
 * size and time capped, http/https only); crawling politely is the fetch
 * module's job, not this command's. A folder is extracted in one process
 * by -j worker threads (2 by default: the cores of the target machine),
 * each taking the next file from a shared counter; results are written as
 * each page finishes, so memory stays at one page per worker.
 *
 * Exit: 0 when every page was handled, 1 when a page could not be read
 * or written (or the single page given has no article), 2 usage, 3 fatal.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "wirecopy/charset.h"
#include "wirecopy/extract.h"
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
    "for a single page that is exit status 1.\n";

/* Largest page we fetch or read (the extractor's own cap). */
#define PAGE_MAX WC_EXTRACT_MAX_INPUT
/* Seconds for one fetch: to connect, and in all. */
#define FETCH_CONNECT_TIMEOUT 15L
#define FETCH_TIMEOUT 60L
/* Folder walk: nesting followed, files taken. */
#define WALK_MAX_DEPTH 64
#define WALK_MAX_FILES 10000000
/* Worker threads allowed with -j. */
#define JOBS_MAX 64

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

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    wc_buf *b = ctx;

    n *= size;
    if (b->len + n > PAGE_MAX || wc_buf_add(b, p, n))
        return 0; /* aborts the transfer */
    return n;
}

static bool is_url(const char *s)
{
    return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
}

/* Fetch url into b; *charset and *final get malloc'd header charset and final URL. */
static wc_status fetch(const char *url, wc_buf *b, char **charset, char **final, wc_error *err)
{
    CURL *h = curl_easy_init();
    CURLcode rc;
    long code = 0;
    char *ct = NULL, *eff = NULL;
    wc_status st = WC_OK;

    *charset = *final = NULL;
    if (!h)
        return wc_error_set(err, WC_ERR_NOMEM, "cannot start a transfer");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 8L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, FETCH_CONNECT_TIMEOUT);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, FETCH_TIMEOUT);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "wirecopy/" WIRECOPY_VERSION);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)PAGE_MAX);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
    rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        if (rc == CURLE_WRITE_ERROR || rc == CURLE_FILESIZE_EXCEEDED)
            st = wc_error_set(err, WC_ERR_LIMIT, "'%s' is larger than %zu bytes", url,
                              (size_t)PAGE_MAX);
        else
            st =
                wc_error_set(err, WC_ERR_NET, "cannot fetch '%s': %s", url, curl_easy_strerror(rc));
        goto out;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 400) {
        st = wc_error_set(err, WC_ERR_HTTP, "cannot fetch '%s': HTTP status %ld", url, code);
        goto out;
    }
    if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct) {
        const char *c = strcasestr(ct, "charset=");
        if (c) {
            size_t n;
            c += 8;
            while (*c == '"' || *c == ' ')
                c++;
            n = strcspn(c, "\"; ");
            *charset = strndup(c, n);
        }
    }
    if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK && eff)
        *final = strdup(eff);
out:
    curl_easy_cleanup(h);
    return st;
}

/* --- one page ---------------------------------------------------------------------- */

static int extract_one(const char *src, const struct opts *o, struct cli_ctx *ctx)
{
    wc_buf page, out;
    wc_error err = WC_ERROR_INIT;
    wc_article a;
    wc_extract_opts eo = {o->url, o->charset, 0};
    char *hdr_charset = NULL, *final = NULL;
    const char *name = src;
    wc_status st;
    int rc = WC_EXIT_OK;

    (void)ctx;
    wc_buf_init(&page, PAGE_MAX + 1);
    wc_buf_init(&out, 0);
    wc_article_init(&a);
    if (!strcmp(src, "-")) {
        name = "stdin";
        st = read_stream(stdin, &page);
        if (st == WC_ERR_LIMIT)
            wc_error_set(&err, st, "stdin is larger than %zu bytes", (size_t)PAGE_MAX);
        else if (st)
            wc_error_sys(&err, st, errno, "cannot read stdin");
    } else if (is_url(src)) {
        st = fetch(src, &page, &hdr_charset, &final, &err);
        if (!eo.url)
            eo.url = final ? final : src;
        if (!eo.charset)
            eo.charset = hdr_charset;
    } else {
        st = read_file(src, &page, &err);
    }
    if (st) {
        cli_report(&err, st);
        rc = st == WC_ERR_NOMEM ? WC_EXIT_FATAL : WC_EXIT_PARTIAL;
        goto out;
    }
    st = wc_extract_html(page.buf, page.len, &eo, &a, &err);
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
    free(hdr_charset);
    free(final);
    return rc;
}

/* --- a folder ----------------------------------------------------------------------- */

struct file_list {
    char **paths; /* relative to the root */
    char **outs;  /* output name of each, relative to --out-dir (assign_outputs) */
    size_t n, cap;
};

static bool html_name(const char *name)
{
    size_t n = strlen(name);

    return (n > 5 && !strcasecmp(name + n - 5, ".html")) ||
           (n > 4 && !strcasecmp(name + n - 4, ".htm"));
}

static int list_add(struct file_list *l, const char *rel)
{
    if (l->n >= WALK_MAX_FILES)
        return -1;
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 256;
        char **p = realloc(l->paths, ncap * sizeof(*p));
        if (!p)
            return -1;
        l->paths = p;
        l->cap = ncap;
    }
    if (!(l->paths[l->n] = strdup(rel)))
        return -1;
    l->n++;
    return 0;
}

/* Collect .html/.htm files below root/rel; returns -1 on out of memory. */
static int walk_dir(const char *root, const char *rel, int depth, struct file_list *l,
                    unsigned *errors)
{
    char path[4096], sub[4096];
    DIR *dir;
    struct dirent *de;
    int rc = 0;

    if (depth > WALK_MAX_DEPTH)
        return 0;
    snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
    dir = opendir(path);
    if (!dir) {
        cli_warn("cannot open folder '%s': %s", path, strerror(errno));
        (*errors)++;
        return 0;
    }
    while ((de = readdir(dir)) && rc == 0) {
        struct stat sb;
        char full[8192];
        if (de->d_name[0] == '.')
            continue;
        if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name) >=
            sizeof(sub))
            continue;
        snprintf(full, sizeof(full), "%s/%s", root, sub);
        if (lstat(full, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode))
            rc = walk_dir(root, sub, depth + 1, l, errors);
        else if ((S_ISREG(sb.st_mode) || S_ISLNK(sb.st_mode)) && html_name(de->d_name))
            rc = list_add(l, sub);
    }
    closedir(dir);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --- output names: one page per file, never an overwrite ---------------------------- */

/* Most numbered names tried for one page ("a.html.2.txt" ...) before giving up. */
#define OUT_NAME_TRIES 1000

/* An open-addressing set of output names, each with the index of the page holding it. */
struct name_set {
    const char **names;
    size_t *owner;
    size_t mask;
};

static size_t name_hash(const char *s)
{
    size_t h = 14695981039346656037ULL; /* FNV-1a */

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The slot of name: where it is, or the empty slot where it would go. */
static size_t name_slot(const struct name_set *set, const char *name)
{
    size_t i = name_hash(name) & set->mask;

    while (set->names[i] && strcmp(set->names[i], name))
        i = (i + 1) & set->mask;
    return i;
}

/* rel without its .html/.htm, then ext: "a/b.htm" -> "a/b.txt" */
static char *base_name(const char *rel, const char *ext)
{
    size_t n = strlen(rel);
    char *s;

    n -= (n > 5 && !strcasecmp(rel + n - 5, ".html")) ? 5 : 4;
    if (asprintf(&s, "%.*s%s", (int)n, rel, ext) < 0)
        return NULL;
    return s;
}

/*
 * Give every page its output name, in name order so the result does not
 * depend on -j: OUT/<rel without .html|.htm>.<ext>, and when an earlier
 * page holds that name already (a.htm and a.html both make a.txt) the
 * whole input name, OUT/a.html.txt, then a.html.2.txt, ... with a warning
 * naming both pages. Returns -1 when out of memory.
 */
static int assign_outputs(struct file_list *l, const char *root, const char *out_dir,
                          const char *ext)
{
    struct name_set set = {NULL, NULL, 0};
    size_t cap = 16, i;
    int rc = -1;

    while (cap < 2 * l->n)
        cap *= 2;
    set.mask = cap - 1;
    if (!(l->outs = calloc(l->n ? l->n : 1, sizeof(*l->outs))) ||
        !(set.names = calloc(cap, sizeof(*set.names))) ||
        !(set.owner = calloc(cap, sizeof(*set.owner))))
        goto out;
    for (i = 0; i < l->n; i++) {
        char *name = base_name(l->paths[i], ext);
        size_t slot, first_owner;
        unsigned k;

        if (!name)
            goto out;
        slot = name_slot(&set, name);
        if (set.names[slot]) {
            char *taken = name;
            first_owner = set.owner[slot];
            name = NULL;
            for (k = 1; k <= OUT_NAME_TRIES && !name; k++) {
                char *alt;
                if ((k == 1 ? asprintf(&alt, "%s%s", l->paths[i], ext)
                            : asprintf(&alt, "%s.%u%s", l->paths[i], k, ext)) < 0) {
                    free(taken);
                    goto out;
                }
                slot = name_slot(&set, alt);
                if (set.names[slot])
                    free(alt);
                else
                    name = alt;
            }
            if (name)
                cli_warn("'%s/%s' and '%s/%s' both make '%s/%s': '%s/%s' is written to "
                         "'%s/%s'",
                         root, l->paths[first_owner], root, l->paths[i], out_dir, taken, root,
                         l->paths[i], out_dir, name);
            else
                cli_warn("'%s/%s' is skipped: '%s/%s' and %d other names are taken", root,
                         l->paths[i], out_dir, taken, OUT_NAME_TRIES);
            free(taken);
            if (!name)
                continue; /* outs[i] stays NULL: counted as failed */
        }
        l->outs[i] = name;
        set.names[slot] = name;
        set.owner[slot] = i;
    }
    rc = 0;
out:
    free(set.names);
    free(set.owner);
    return rc;
}

/* mkdir -p for the folders of path (not the last component). */
static int make_parents(char *path)
{
    char *s;

    for (s = path + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            *s = '/';
            return -1;
        }
        *s = '/';
    }
    return 0;
}

struct batch {
    const char *root;
    const struct opts *o;
    struct file_list *files;
    atomic_size_t next;  /* index of the next file to take */
    atomic_uint done;    /* pages with an article written */
    atomic_uint empty;   /* pages without an article */
    atomic_uint failed;  /* pages that could not be read, extracted or written */
    atomic_bool fatal;   /* out of memory: stop */
    pthread_mutex_t msg; /* one message at a time on stderr */
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

static void batch_page(struct batch *b, size_t idx, wc_buf *page, wc_buf *out)
{
    const char *rel = b->files->paths[idx], *out_name = b->files->outs[idx];
    char in[8192], dst[8192];
    wc_error err = WC_ERROR_INIT;
    wc_article a;
    wc_extract_opts eo = {NULL, b->o->charset, 0};
    wc_status st;
    FILE *f;

    wc_buf_reset(page);
    wc_buf_reset(out);
    snprintf(in, sizeof(in), "%s/%s", b->root, rel);
    if (!out_name) { /* no free output name (assign_outputs said so) */
        atomic_fetch_add(&b->failed, 1);
        return;
    }
    if ((st = read_file(in, page, &err))) {
        batch_error(b, &err, "cannot read", in);
        atomic_fetch_add(&b->failed, 1);
        if (st == WC_ERR_NOMEM)
            atomic_store(&b->fatal, true);
        return;
    }
    wc_article_init(&a);
    st = wc_extract_html(page->buf, page->len, &eo, &a, &err);
    if (st == WC_ERR_EMPTY) {
        atomic_fetch_add(&b->empty, 1);
        wc_article_release(&a); /* the metadata found is kept, even without an article */
        if (b->o->verbose) {
            pthread_mutex_lock(&b->msg);
            fprintf(stderr, "wirecopy: no article in '%s'\n", in);
            pthread_mutex_unlock(&b->msg);
        }
        return;
    }
    if (st || (st = render(&a, b->o, NULL, out))) {
        batch_error(b, &err, "cannot extract", in);
        atomic_fetch_add(&b->failed, 1);
        if (st == WC_ERR_NOMEM)
            atomic_store(&b->fatal, true);
        wc_article_release(&a);
        return;
    }
    wc_article_release(&a);
    if ((size_t)snprintf(dst, sizeof(dst), "%s/%s", b->o->out_dir, out_name) >= sizeof(dst)) {
        batch_error(b, NULL, "output name too long for", in);
        atomic_fetch_add(&b->failed, 1);
        return;
    }
    if (make_parents(dst) != 0 || !(f = fopen(dst, "wb"))) {
        wc_error_sys(&err, WC_ERR_IO, errno, "cannot create '%s'", dst);
        batch_error(b, &err, "cannot write", dst);
        atomic_fetch_add(&b->failed, 1);
        return;
    }
    if (fwrite(out->buf, 1, out->len, f) != out->len || fclose(f) != 0) {
        wc_error_sys(&err, WC_ERR_IO, errno, "cannot write '%s'", dst);
        batch_error(b, &err, "cannot write", dst);
        atomic_fetch_add(&b->failed, 1);
        return;
    }
    atomic_fetch_add(&b->done, 1);
}

static void *batch_worker(void *arg)
{
    struct batch *b = arg;
    wc_buf page, out;

    wc_buf_init(&page, PAGE_MAX + 1);
    wc_buf_init(&out, 0);
    for (;;) {
        size_t i = atomic_fetch_add(&b->next, 1);
        if (i >= b->files->n || atomic_load(&b->fatal) || cli_interrupted)
            break;
        batch_page(b, i, &page, &out);
    }
    wc_buf_release(&page);
    wc_buf_release(&out);
    return NULL;
}

static int extract_dir(const char *root, const struct opts *o, struct cli_ctx *ctx)
{
    struct file_list files = {NULL, NULL, 0, 0};
    struct batch b;
    pthread_t th[JOBS_MAX];
    unsigned errors = 0, i, started = 0;
    struct stat sb;
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
    if (walk_dir(root, "", 0, &files, &errors) != 0) {
        cli_error("out of memory while listing '%s'", root);
        rc = WC_EXIT_FATAL;
        goto out;
    }
    if (files.n)
        qsort(files.paths, files.n, sizeof(*files.paths), by_name);
    if (assign_outputs(&files, root, o->out_dir, format_ext[o->fmt]) != 0) {
        cli_error("out of memory while naming the outputs of '%s'", root);
        rc = WC_EXIT_FATAL;
        goto out;
    }
    memset(&b, 0, sizeof(b));
    b.root = root;
    b.o = o;
    b.files = &files;
    atomic_init(&b.next, 0);
    atomic_init(&b.done, 0);
    atomic_init(&b.empty, 0);
    atomic_init(&b.failed, 0);
    atomic_init(&b.fatal, false);
    pthread_mutex_init(&b.msg, NULL);
    cli_signals_install();
    t0 = wc_time_mono();
    for (i = 0; i < o->jobs && i < files.n; i++) {
        if (pthread_create(&th[i], NULL, batch_worker, &b) != 0)
            break;
        started++;
    }
    if (!started && files.n)
        batch_worker(&b);
    for (i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&b.msg);
    if (!ctx->quiet)
        fprintf(stderr,
                "wirecopy: %zu %s, %u extracted, %u without an article, %u failed (%.1f s)\n",
                files.n, cli_plural(files.n, "page", "pages"), atomic_load(&b.done),
                atomic_load(&b.empty), atomic_load(&b.failed) + errors, wc_time_mono() - t0);
    if (atomic_load(&b.fatal))
        rc = WC_EXIT_FATAL;
    else if (cli_interrupted)
        rc = WC_EXIT_INTERRUPTED;
    else
        rc = (atomic_load(&b.failed) + errors) ? WC_EXIT_PARTIAL : WC_EXIT_OK;
out:
    for (size_t k = 0; k < files.n; k++) {
        free(files.paths[k]);
        if (files.outs)
            free(files.outs[k]);
    }
    free(files.paths);
    free(files.outs);
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
