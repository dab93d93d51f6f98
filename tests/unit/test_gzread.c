/*
 * test_gzread.c - the byte source under the dump readers (gzread.c):
 * plain and gzip files, member offsets, damaged and truncated members
 * with recovery, zero padding, marks and the window's bound, skipping,
 * and reading from a pipe that delivers a few bytes at a time.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "dump/dump_internal.h"

/* gzip one member of in[0..len) onto out (growing), returning the member's offset. */
static size_t add_member(unsigned char **out, size_t *olen, const void *in, size_t len)
{
    z_stream zs;
    size_t start = *olen, cap = len + len / 10 + 1024;

    *out = realloc(*out, *olen + cap);
    assert_non_null(*out);
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (unsigned char *)in;
    zs.avail_in = (uInt)len;
    zs.next_out = *out + *olen;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *olen += cap - zs.avail_out;
    deflateEnd(&zs);
    return start;
}

/* Read everything from in into a malloc'd buffer, consuming as it goes. */
static char *drain(wc_in *in, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);

    for (;;) {
        size_t a;

        assert_int_equal(wc_in_fill(in, 1000), WC_OK);
        a = wc_in_avail(in);
        if (!a)
            break;
        if (n + a > cap) {
            while (n + a > cap)
                cap *= 2;
            buf = realloc(buf, cap);
        }
        memcpy(buf + n, wc_in_ptr(in), a);
        n += a;
        wc_in_consume(in, a);
    }
    *len = n;
    return buf;
}

static char *pattern(size_t len, unsigned seed)
{
    char *p = malloc(len);
    size_t i;

    for (i = 0; i < len; i++)
        p[i] = (char)('a' + (i * 7 + seed + i / 91) % 26);
    return p;
}

static void test_plain(void **state)
{
    size_t len = 1000000, got;
    char *data = pattern(len, 1), *out;
    wc_in in;

    (void)state;
    assert_int_equal(wc_in_init_mem(&in, data, len, "p", 1 << 20, NULL), WC_OK);
    assert_false(in.gz);
    assert_int_equal(wc_in_file_offset(&in, 12345, NULL), 12345);
    out = drain(&in, &got);
    assert_int_equal(got, len);
    assert_memory_equal(out, data, len);
    assert_int_equal(in.state, WC_IN_EOF);
    assert_int_equal(wc_in_bytes_read(&in), len);
    /* the window never held the whole file */
    assert_true(in.cap < len);
    wc_in_release(&in);
    free(out);
    free(data);
}

static void test_members(void **state)
{
    size_t sizes[] = {10, 300000, 1, 70000, 5};
    size_t offs[5], dstart[5], i, glen = 0, got, total = 0;
    unsigned char *gz = NULL;
    char *all = malloc(400000), *out;
    wc_in in;

    (void)state;
    for (i = 0; i < 5; i++) {
        char *part = pattern(sizes[i], (unsigned)i);

        offs[i] = add_member(&gz, &glen, part, sizes[i]);
        dstart[i] = total;
        memcpy(all + total, part, sizes[i]);
        total += sizes[i];
        free(part);
    }
    assert_int_equal(wc_in_init_mem(&in, gz, glen, "m.gz", 1 << 20, NULL), WC_OK);
    assert_true(in.gz);
    /* read a byte at a time at first, asking each member's offset on the way */
    for (i = 0; i < 5; i++) {
        uint64_t mdpos;

        while (wc_in_pos(&in) < dstart[i]) {
            size_t step;

            assert_int_equal(wc_in_fill(&in, 1), WC_OK);
            step = wc_in_avail(&in);
            if (step > dstart[i] - wc_in_pos(&in))
                step = dstart[i] - wc_in_pos(&in);
            wc_in_consume(&in, step);
        }
        assert_int_equal(wc_in_fill(&in, 1), WC_OK);
        assert_int_equal(wc_in_file_offset(&in, wc_in_pos(&in), &mdpos), offs[i]);
        assert_int_equal(mdpos, dstart[i]);
        if (sizes[i] > 1) {
            assert_int_equal(wc_in_file_offset(&in, wc_in_pos(&in) + 1, NULL), offs[i]);
        }
    }
    out = drain(&in, &got);
    assert_int_equal(got, sizes[4]);
    assert_memory_equal(out, all + dstart[4], sizes[4]);
    assert_int_equal(in.state, WC_IN_EOF);
    assert_int_equal(wc_in_bytes_read(&in), glen);
    wc_in_release(&in);
    free(out);
    free(gz);
    free(all);
}

static void test_truncated(void **state)
{
    unsigned char *gz = NULL;
    size_t glen = 0, m2, got;
    char *a = pattern(5000, 1), *b = pattern(200000, 2), *out;
    wc_in in;
    char msg[256];

    (void)state;
    add_member(&gz, &glen, a, 5000);
    m2 = add_member(&gz, &glen, b, 200000);
    assert_int_equal(wc_in_init_mem(&in, gz, glen - 100, "t.gz", 1 << 20, NULL), WC_OK);
    out = drain(&in, &got);
    assert_int_equal(in.state, WC_IN_TRUNCATED);
    assert_int_equal(in.stop_off, m2);
    assert_true(got > 5000 && got < 205000);
    assert_memory_equal(out, a, 5000);
    assert_memory_equal(out + 5000, b, got - 5000);
    wc_in_describe_stop(&in, msg, sizeof(msg));
    snprintf((char *)out, 256, "truncated gzip member in 't.gz' at offset %zu", m2);
    assert_string_equal(msg, out);
    wc_in_release(&in);
    free(out);
    free(gz);
    free(a);
    free(b);
}

/* A damaged member stops the stream; resume goes on at the next member. */
static void test_corrupt_resume(void **state)
{
    unsigned char *gz = NULL;
    size_t glen = 0, m2, m3, got;
    char *a = pattern(3000, 1), *b = pattern(3000, 2), *c = pattern(3000, 3), *out;
    wc_in in;

    (void)state;
    add_member(&gz, &glen, a, 3000);
    m2 = add_member(&gz, &glen, b, 3000);
    m3 = add_member(&gz, &glen, c, 3000);
    gz[m2 + 10] = 0x07; /* reserved block type */
    gz = realloc(gz, glen + 8);
    memcpy(gz + glen, "\0\0\0\0\0\0\0\0", 8); /* zero padding: a quiet end */
    assert_int_equal(wc_in_init_mem(&in, gz, glen + 8, "c.gz", 1 << 20, NULL), WC_OK);
    out = drain(&in, &got);
    assert_int_equal(got, 3000);
    assert_memory_equal(out, a, 3000);
    free(out);
    assert_int_equal(in.state, WC_IN_CORRUPT);
    assert_int_equal(in.stop_off, m2);
    assert_string_equal(in.stop_msg, "corrupt gzip member (invalid block type)");
    wc_in_resume(&in);
    assert_int_equal(in.state, WC_IN_RUN);
    out = drain(&in, &got);
    assert_int_equal(got, 3000);
    assert_memory_equal(out, c, 3000);
    assert_int_equal(wc_in_file_offset(&in, wc_in_pos(&in) - 1, NULL), m3);
    assert_int_equal(in.state, WC_IN_EOF);
    wc_in_release(&in);
    free(out);
    free(gz);
    free(a);
    free(b);
    free(c);
}

static void test_junk_after(void **state)
{
    unsigned char *gz = NULL;
    size_t glen = 0, got;
    char *a = pattern(100, 1), *out;
    wc_in in;

    (void)state;
    add_member(&gz, &glen, a, 100);
    gz = realloc(gz, glen + 4);
    memcpy(gz + glen, "JUNK", 4);
    assert_int_equal(wc_in_init_mem(&in, gz, glen + 4, "j.gz", 1 << 20, NULL), WC_OK);
    out = drain(&in, &got);
    assert_int_equal(got, 100);
    assert_int_equal(in.state, WC_IN_CORRUPT);
    assert_int_equal(in.stop_off, glen);
    assert_string_equal(in.stop_msg, "data that is not a gzip member");
    wc_in_resume(&in);
    assert_int_equal(in.state, WC_IN_EOF);
    wc_in_release(&in);
    free(out);
    free(gz);
    free(a);
}

/* A mark keeps bytes for rewinding; the window refuses to pass its bound. */
static void test_mark_and_bound(void **state)
{
    size_t len = 3 << 20;
    char *data = pattern(len, 5);
    wc_in in;
    uint64_t done;

    (void)state;
    assert_int_equal(wc_in_init_mem(&in, data, len, "m", 100000, NULL), WC_OK);
    wc_in_consume(&in, 10);
    wc_in_set_mark(&in);
    assert_int_equal(wc_in_fill(&in, 90000), WC_OK);
    wc_in_consume(&in, 90000);
    assert_int_equal(wc_in_fill(&in, 100000), WC_OK); /* forces a compaction */
    wc_in_rewind(&in);
    assert_int_equal(wc_in_pos(&in), 10);
    assert_memory_equal(wc_in_ptr(&in), data + 10, 1000);
    /* asking past the bound while the mark holds data gives WC_ERR_LIMIT, never runaway memory */
    wc_in_consume(&in, 50000);
    {
        wc_status st = WC_OK;
        int k;

        for (k = 0; k < 40 && st == WC_OK; k++) {
            wc_in_consume(&in, wc_in_avail(&in));
            st = wc_in_fill(&in, 100000);
        }
        assert_int_equal(st, WC_ERR_LIMIT);
        assert_true(in.cap <= 100000 + 2 * WC_IN_CHUNK + 1);
    }
    wc_in_unmark(&in);
    assert_int_equal(wc_in_skip(&in, len, &done), WC_OK);
    assert_int_equal(wc_in_pos(&in), len);
    assert_true(done < len);
    assert_int_equal(in.state, WC_IN_EOF);
    wc_in_release(&in);
    free(data);
}

/* A pipe that gives a few bytes per read: the gzip magic and members still found. */
static void test_pipe_trickle(void **state)
{
    unsigned char *gz = NULL;
    size_t glen = 0, m2, got;
    char *a = pattern(20000, 1), *b = pattern(30000, 2), *out;
    int fds[2];
    pid_t pid;
    wc_in in;

    (void)state;
    add_member(&gz, &glen, a, 20000);
    m2 = add_member(&gz, &glen, b, 30000);
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        size_t i;

        close(fds[0]);
        for (i = 0; i < glen; i += 3) {
            size_t n = glen - i < 3 ? glen - i : 3;

            if (write(fds[1], gz + i, n) != (ssize_t)n)
                _exit(1);
            if (i < 30)
                usleep(1000);
        }
        _exit(0);
    }
    close(fds[1]);
    assert_int_equal(wc_in_init_fd(&in, fds[0], true, "pipe", 1 << 20, NULL, NULL), WC_OK);
    assert_true(in.gz);
    assert_int_equal(wc_in_fill(&in, 20001), WC_OK);
    assert_int_equal(wc_in_file_offset(&in, 20000, NULL), m2);
    out = drain(&in, &got);
    assert_int_equal(got, 50000);
    assert_memory_equal(out, a, 20000);
    assert_memory_equal(out + 20000, b, 30000);
    assert_int_equal(in.state, WC_IN_EOF);
    wc_in_release(&in);
    waitpid(pid, NULL, 0);
    free(out);
    free(gz);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),        cmocka_unit_test(test_members),
        cmocka_unit_test(test_truncated),    cmocka_unit_test(test_corrupt_resume),
        cmocka_unit_test(test_junk_after),   cmocka_unit_test(test_mark_and_bound),
        cmocka_unit_test(test_pipe_trickle),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
