/*
 * gzread.c - the byte source of the dump readers: a sliding window over
 * the decoded stream of one file, plain or gzip (see dump_internal.h).
 *
 * Why not zlib's gzread()? Three things it does not give:
 *   - the file offset of each gzip member. WARC.gz files (wget, Common
 *     Crawl) hold one member per record so that a record can be found by
 *     its member offset; the reader reports that offset, so we inflate
 *     member by member ourselves and remember where each one began;
 *   - recovery. A damaged member (bad block, bad CRC) or junk after one
 *     stops the stream with WC_IN_CORRUPT instead of ending it, and
 *     wc_in_resume() looks for the next gzip header in the file and goes
 *     on, so one flipped bit loses one record, not the rest of a crawl.
 *     A member cut short (a writer killed mid-record, then restarted) is
 *     followed at once by the next member, which zlib would read as more
 *     of the cut one: zlib is fed up to each gzip header inside a member,
 *     and one it reads past is kept, to go on at when the member fails;
 *   - zero-copy reading. The readers look straight into the window and
 *     scan it with memchr/memmem; gzread() would copy every byte once more.
 *
 * The window: win[keep..end) holds decoded bytes, keep being the reader's
 * position or an earlier mark (so a reader can go back to the start of a
 * record whose length turned out wrong). Filling moves the kept bytes to
 * the front when the free tail is short and grows the allocation only
 * when the kept bytes need it, never past max + 2 chunks: a 10 GB file
 * streams through a window of a few hundred KiB unless a reader asks to
 * hold one big record.
 *
 * Not done: seeking (stdin and pipes must work), multi-threaded
 * inflation, and zlib/raw-deflate framing at file level (only gzip).
 */
#define _GNU_SOURCE
#include "dump_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* 4096 member starts held at most; beyond that (thousands of members inside one window) offsets get
 * coarse. */
#define MAX_MEMBERS 4096

static const unsigned char gz_magic[3] = {0x1f, 0x8b, 0x08};

static void init_common(wc_in *in, const char *name, size_t max)
{
    memset(in, 0, sizeof(*in));
    in->name = name;
    in->fd = -1;
    in->max = max ? max : WC_IN_CHUNK;
    in->chunk = WC_IN_CHUNK;
    in->state = WC_IN_RUN;
    in->cand = WC_IN_NO_OFFSET;
    in->resume_at = WC_IN_NO_OFFSET;
}

/* read(2) or memcpy from the memory source; -1 with errno on failure. */
static ssize_t read_some(wc_in *in, void *buf, size_t len)
{
    ssize_t n;

    if (in->fd < 0) {
        size_t left = in->mem_len - in->mem_pos;

        if (len > left)
            len = left;
        if (len)
            memcpy(buf, in->mem + in->mem_pos, len);
        in->mem_pos += len;
        return (ssize_t)len;
    }
    do {
        if (in->stop && *in->stop) { /* the signal came between two reads */
            errno = EINTR;
            return -1;
        }
        n = read(in->fd, buf, len);
    } while (n < 0 && errno == EINTR);
    return n;
}

static void fail(wc_in *in, int sys, uint64_t off, const char *what)
{
    in->state = WC_IN_FAILED;
    in->stop_errno = sys;
    in->stop_off = off;
    snprintf(in->stop_msg, sizeof(in->stop_msg), "%s", what);
}

static wc_status push_member(wc_in *in, uint64_t dpos, uint64_t foff)
{
    if (in->nmembers == in->members_cap) {
        if (in->members_cap >= MAX_MEMBERS) {
            memmove(in->members, in->members + 1, (in->nmembers - 1) * sizeof(*in->members));
            in->nmembers--;
        } else {
            size_t ncap = in->members_cap ? in->members_cap * 2 : 16;
            wc_in_member *m = realloc(in->members, ncap * sizeof(*m));

            if (!m)
                return WC_ERR_NOMEM;
            in->members = m;
            in->members_cap = ncap;
        }
    }
    in->members[in->nmembers].dpos = dpos;
    in->members[in->nmembers].foff = foff;
    in->nmembers++;
    return WC_OK;
}

/* Forget member starts before decoded offset pos, except the one that holds pos. */
static void prune_members(wc_in *in, uint64_t pos)
{
    size_t i = 0;

    while (i + 1 < in->nmembers && in->members[i + 1].dpos <= pos)
        i++;
    if (i) {
        memmove(in->members, in->members + i, (in->nmembers - i) * sizeof(*in->members));
        in->nmembers -= i;
    }
}

/*
 * Read the first bytes to learn whether this is gzip. They land in raw
 * (gzip) or at the start of the window (plain).
 */
static wc_status start(wc_in *in, wc_error *err)
{
    size_t got = 0;
    ssize_t n;

    in->raw = malloc(in->chunk);
    if (!in->raw)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory reading '%s'", in->name);
    while (got < 2) {
        n = read_some(in, in->raw + got, in->chunk - got);
        if (n < 0)
            return wc_error_sys(err, WC_ERR_IO, errno, "cannot read '%s'", in->name);
        if (n == 0) {
            in->reof = true;
            break;
        }
        got += (size_t)n;
    }
    in->rlen = got;
    in->cap = in->chunk * 2 + 1;
    in->win = malloc(in->cap);
    if (!in->win)
        return wc_error_set(err, WC_ERR_NOMEM, "out of memory reading '%s'", in->name);
    in->win[0] = '\0';
    if (got >= 2 && (unsigned char)in->raw[0] == gz_magic[0] &&
        (unsigned char)in->raw[1] == gz_magic[1]) {
        in->gz = true;
        if (inflateInit2(&in->zs, 16 + MAX_WBITS) != Z_OK)
            return wc_error_set(err, WC_ERR_NOMEM, "cannot start zlib for '%s'", in->name);
        in->zinit = true;
        return WC_OK;
    }
    /* plain: the raw bytes are the first decoded bytes */
    memcpy(in->win, in->raw, got);
    in->end = got;
    in->win[got] = '\0';
    free(in->raw);
    in->raw = NULL;
    in->rlen = 0;
    if (in->reof)
        in->state = WC_IN_EOF;
    return WC_OK;
}

wc_status wc_in_init_fd(wc_in *in, int fd, bool own_fd, const char *name, size_t max,
                        const volatile sig_atomic_t *stop, wc_error *err)
{
    wc_status st;

    init_common(in, name, max);
    in->fd = fd;
    in->own_fd = own_fd;
    in->stop = stop;
    if ((st = start(in, err)) != WC_OK)
        wc_in_release(in);
    return st;
}

wc_status wc_in_init_mem(wc_in *in, const void *data, size_t len, const char *name, size_t max,
                         wc_error *err)
{
    wc_status st;

    init_common(in, name, max);
    in->mem = data;
    in->mem_len = len;
    /* small inputs (fuzzing) get small buffers: the chunk only sets the read granularity */
    while (in->chunk > 4096 && in->chunk / 4 > len)
        in->chunk /= 2;
    if ((st = start(in, err)) != WC_OK)
        wc_in_release(in);
    return st;
}

void wc_in_release(wc_in *in)
{
    if (in->zinit)
        inflateEnd(&in->zs);
    if (in->own_fd && in->fd >= 0)
        close(in->fd);
    free(in->win);
    free(in->raw);
    free(in->members);
    init_common(in, in->name, in->max);
}

/*
 * Make room to decode into: slide the kept bytes to the front when the
 * free tail is short, grow when the kept bytes themselves need it.
 * WC_ERR_LIMIT when the window is at its bound.
 */
static wc_status make_room(wc_in *in)
{
    size_t keep = in->marked ? in->mark : in->cur;
    size_t bound = in->max + 2 * in->chunk + 1;
    size_t ncap;
    char *w;

    if (in->cap - in->end > in->chunk / 4)
        return WC_OK;
    if (keep > 0) {
        memmove(in->win, in->win + keep, in->end - keep);
        in->base += keep;
        in->end -= keep;
        in->cur -= keep;
        if (in->marked)
            in->mark -= keep;
        in->win[in->end] = '\0';
        if (in->gz)
            prune_members(in, in->base);
        if (in->cap - in->end > in->chunk / 4)
            return WC_OK;
    }
    if (in->cap >= bound)
        return in->cap - in->end > 1 ? WC_OK : WC_ERR_LIMIT;
    ncap = in->cap ? in->cap * 2 : in->chunk * 2 + 1;
    if (ncap < in->end + in->chunk + 1)
        ncap = in->end + in->chunk + 1;
    if (ncap > bound)
        ncap = bound;
    w = realloc(in->win, ncap);
    if (!w)
        return WC_ERR_NOMEM;
    in->win = w;
    in->cap = ncap;
    return WC_OK;
}

/*
 * Compressed bytes: keep the unread tail (and, from the candidate gzip
 * header on, what zlib has read of it), read more after it. A candidate
 * that would leave no room to read is forgotten: the member has gone on
 * inflating a whole chunk past it, so it was a chance match.
 */
static void raw_more(wc_in *in)
{
    size_t drop = in->rpos;
    ssize_t n;

    if (in->cand != WC_IN_NO_OFFSET) {
        if (in->cand - in->rbase < drop)
            drop = (size_t)(in->cand - in->rbase);
        if (drop == 0 && in->rlen == in->chunk) {
            in->cand = WC_IN_NO_OFFSET;
            drop = in->rpos;
        }
    }
    if (drop) {
        memmove(in->raw, in->raw + drop, in->rlen - drop);
        in->rbase += drop;
        in->rlen -= drop;
        in->rpos -= drop;
    }
    if (in->reof || in->rlen == in->chunk)
        return;
    n = read_some(in, in->raw + in->rlen, in->chunk - in->rlen);
    if (n < 0)
        fail(in, errno, in->rbase + in->rlen,
             errno == EINTR ? "stopped by a signal" : "read error");
    else if (n == 0)
        in->reof = true;
    else
        in->rlen += (size_t)n;
}

/* Between members: start the next one, skip zero padding, or stop. */
static wc_status next_member(wc_in *in)
{
    for (;;) {
        size_t avail = in->rlen - in->rpos;

        if (avail < 3 && !in->reof) {
            raw_more(in);
            if (in->state != WC_IN_RUN)
                return WC_OK;
            continue;
        }
        if (avail == 0) {
            in->state = WC_IN_EOF;
            return WC_OK;
        }
        if (avail >= 3 && memcmp(in->raw + in->rpos, gz_magic, 3) == 0) {
            if (inflateReset(&in->zs) != Z_OK) {
                fail(in, 0, in->rbase + in->rpos, "zlib reset failed");
                return WC_OK;
            }
            in->member_foff = in->rbase + in->rpos;
            in->scan_from = in->member_foff + 1;
            in->cand = WC_IN_NO_OFFSET;
            in->inmember = true;
            return push_member(in, in->base + in->end, in->member_foff);
        }
        if (in->raw[in->rpos] == 0) {
            /* NUL padding after the last member (some writers align files): end quietly */
            while (in->rpos < in->rlen && in->raw[in->rpos] == 0)
                in->rpos++;
            continue;
        }
        in->state = WC_IN_CORRUPT;
        in->stop_off = in->rbase + in->rpos;
        snprintf(in->stop_msg, sizeof(in->stop_msg), "data that is not a gzip member");
        return WC_OK;
    }
}

/*
 * How far into raw zlib may read now: up to the next gzip header inside
 * the member (searched from scan_from, which moves past what held none),
 * or to a header the read may have cut in two at the end of raw; else all
 * of raw.
 */
static size_t feed_limit(wc_in *in)
{
    size_t i = in->rpos;

    if (in->scan_from > in->rbase + i)
        i = in->scan_from - in->rbase < in->rlen ? (size_t)(in->scan_from - in->rbase) : in->rlen;
    while (i < in->rlen) {
        const unsigned char *hit = memchr(in->raw + i, gz_magic[0], in->rlen - i);
        size_t k, left;

        if (!hit)
            break;
        k = (size_t)(hit - in->raw);
        left = in->rlen - k;
        if (left >= 3 ? memcmp(hit, gz_magic, 3) == 0
                      : !in->reof && memcmp(hit, gz_magic, left) == 0)
            return k;
        i = k + 1;
    }
    in->scan_from = in->rbase + in->rlen; /* searched: the next call starts after it */
    return in->rlen;
}

/*
 * The member stopped (damaged, or the file ended inside it). When zlib
 * was fed past a gzip header inside it, that is where the writer started
 * again after being killed: wc_in_resume goes on there.
 */
static void member_stopped(wc_in *in, const char *why)
{
    in->state = WC_IN_CORRUPT;
    in->stop_off = in->member_foff;
    in->resume_at = in->cand;
    snprintf(in->stop_msg, sizeof(in->stop_msg), "%s", why);
}

/*
 * Inflate until some bytes come out or the stream stops.
 *
 * A writer killed inside a member and started again leaves that member
 * cut, and the next member's bytes follow it. zlib takes them for more of
 * the cut one and may read far past the new header before it fails (a
 * stored block copies up to 64 KiB as it stands). So zlib is fed only up
 * to each gzip header found inside a member; a member that ends there is
 * the usual case, and a header it reads past is remembered (its bytes
 * kept in raw) so that a member that then fails goes on at it.
 */
static wc_status produce_gz(wc_in *in)
{
    wc_status st;

    for (;;) {
        size_t room, used_in, made, limit;
        int ret;

        if (!in->inmember) {
            if ((st = next_member(in)) != WC_OK || in->state != WC_IN_RUN)
                return st;
        }
        if (in->rpos == in->rlen && !in->reof) {
            raw_more(in);
            if (in->state != WC_IN_RUN)
                return WC_OK;
        }
        limit = feed_limit(in);
        if (limit == in->rpos && in->rpos < in->rlen) {
            if (in->rlen - in->rpos >= 3) {
                /* zlib stands at a gzip header and its member goes on: pass it, remember it */
                if (in->cand == WC_IN_NO_OFFSET)
                    in->cand = in->rbase + in->rpos;
                in->scan_from = in->rbase + in->rpos + 1;
            } else {
                raw_more(in); /* a header cut by the read: read on */
                if (in->state != WC_IN_RUN)
                    return WC_OK;
            }
            continue;
        }
        room = in->cap - in->end - 1;
        in->zs.next_in = in->raw + in->rpos;
        in->zs.avail_in = (uInt)(limit - in->rpos);
        in->zs.next_out = (Bytef *)in->win + in->end;
        in->zs.avail_out = (uInt)(room > UINT32_MAX ? UINT32_MAX : room);
        ret = inflate(&in->zs, Z_NO_FLUSH);
        used_in = (limit - in->rpos) - in->zs.avail_in;
        made = (size_t)((char *)in->zs.next_out - (in->win + in->end));
        in->rpos += used_in;
        in->end += made;
        in->win[in->end] = '\0';
        if (ret == Z_STREAM_END) {
            in->inmember = false;
            in->cand = WC_IN_NO_OFFSET;
            if (made)
                return WC_OK;
            continue;
        }
        if (ret == Z_OK || ret == Z_BUF_ERROR) {
            if (made)
                return WC_OK;
            if (in->rpos == in->rlen && in->reof) {
                if (in->cand != WC_IN_NO_OFFSET) {
                    member_stopped(in, "truncated gzip member");
                    return WC_OK;
                }
                in->state = WC_IN_TRUNCATED;
                in->stop_off = in->member_foff;
                snprintf(in->stop_msg, sizeof(in->stop_msg), "truncated gzip member");
                return WC_OK;
            }
            continue;
        }
        if (ret == Z_MEM_ERROR) {
            fail(in, ENOMEM, in->member_foff, "out of memory in zlib");
            return WC_ERR_NOMEM;
        }
        {
            char why[sizeof(in->stop_msg)];

            snprintf(why, sizeof(why), "corrupt gzip member (%s)",
                     in->zs.msg ? in->zs.msg : "data error");
            member_stopped(in, why);
        }
        return WC_OK;
    }
}

static wc_status produce_plain(wc_in *in)
{
    ssize_t n = read_some(in, in->win + in->end, in->cap - in->end - 1);

    if (n < 0) {
        fail(in, errno, in->base + in->end, errno == EINTR ? "stopped by a signal" : "read error");
        return WC_OK;
    }
    if (n == 0) {
        in->state = WC_IN_EOF;
        return WC_OK;
    }
    in->end += (size_t)n;
    in->win[in->end] = '\0';
    return WC_OK;
}

wc_status wc_in_fill(wc_in *in, size_t want)
{
    wc_status st;

    if (want > in->max)
        want = in->max;
    while (in->end - in->cur < want && in->state == WC_IN_RUN) {
        if ((st = make_room(in)) != WC_OK)
            return st;
        st = in->gz ? produce_gz(in) : produce_plain(in);
        if (st != WC_OK)
            return st;
    }
    return WC_OK;
}

wc_status wc_in_skip(wc_in *in, uint64_t n, uint64_t *done)
{
    uint64_t left = n;
    wc_status st = WC_OK;

    for (;;) {
        size_t take = wc_in_avail(in);

        if (take > left)
            take = (size_t)left;
        in->cur += take;
        left -= take;
        if (!left || in->state != WC_IN_RUN)
            break;
        if ((st = wc_in_fill(in, 1)) != WC_OK)
            break;
        if (!wc_in_avail(in))
            break;
    }
    if (done)
        *done = n - left;
    return st;
}

uint64_t wc_in_file_offset(const wc_in *in, uint64_t pos, uint64_t *member_dpos)
{
    size_t lo = 0, hi;

    if (member_dpos)
        *member_dpos = pos;
    if (!in->gz)
        return pos;
    if (!in->nmembers)
        return in->member_foff;
    /* last member whose first byte is at or before pos */
    hi = in->nmembers;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;

        if (in->members[mid].dpos <= pos)
            lo = mid;
        else
            hi = mid;
    }
    if (member_dpos)
        *member_dpos = in->members[lo].dpos;
    return in->members[lo].foff;
}

uint64_t wc_in_bytes_read(const wc_in *in)
{
    return in->gz ? in->rbase + in->rpos : in->base + in->cur;
}

void wc_in_resume(wc_in *in)
{
    if (in->state != WC_IN_CORRUPT)
        return;
    in->end = in->cur;
    if (in->win)
        in->win[in->end] = '\0';
    in->inmember = false;
    in->state = WC_IN_RUN;
    /* a cut member: on at the header of the member written after it (kept in raw) */
    if (in->resume_at != WC_IN_NO_OFFSET && in->resume_at >= in->rbase &&
        in->resume_at - in->rbase < in->rlen) {
        in->rpos = (size_t)(in->resume_at - in->rbase);
        in->resume_at = WC_IN_NO_OFFSET;
        in->cand = WC_IN_NO_OFFSET;
        return;
    }
    in->resume_at = WC_IN_NO_OFFSET;
    in->cand = WC_IN_NO_OFFSET;
    /* step past the byte that stopped us, then look for the next gzip header */
    if (in->rpos < in->rlen && in->rbase + in->rpos == in->stop_off)
        in->rpos++;
    for (;;) {
        const unsigned char *p = in->raw + in->rpos;
        size_t avail = in->rlen - in->rpos;
        const unsigned char *hit = avail ? memchr(p, gz_magic[0], avail) : NULL;

        if (hit) {
            size_t at = (size_t)(hit - in->raw);

            if (in->rlen - at < 3 && !in->reof) {
                in->rpos = at;
                raw_more(in);
                if (in->state != WC_IN_RUN)
                    return;
                continue;
            }
            if (in->rlen - at >= 3 && memcmp(hit, gz_magic, 3) == 0) {
                in->rpos = at;
                return;
            }
            in->rpos = at + 1;
            continue;
        }
        in->rpos = in->rlen;
        if (in->reof) {
            in->state = WC_IN_EOF;
            return;
        }
        raw_more(in);
        if (in->state != WC_IN_RUN)
            return;
    }
}

void wc_in_describe_stop(const wc_in *in, char *out, size_t outlen)
{
    char sys[128];

    switch (in->state) {
    case WC_IN_TRUNCATED:
    case WC_IN_CORRUPT:
        snprintf(out, outlen, "%s in '%s' at offset %llu", in->stop_msg, in->name,
                 (unsigned long long)in->stop_off);
        break;
    case WC_IN_FAILED:
        wc_strerror_r(in->stop_errno, sys, sizeof(sys));
        snprintf(out, outlen, "%s in '%s' at offset %llu: %s", in->stop_msg, in->name,
                 (unsigned long long)in->stop_off, sys);
        break;
    default:
        snprintf(out, outlen, "end of '%s'", in->name);
        break;
    }
}
