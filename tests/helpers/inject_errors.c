/*
 * inject_errors.c - an LD_PRELOAD shim that makes file writes fail as a
 * full disk does (jq's inject_errors idea), to test that wirecopy reports
 * "disk full", exits 3 and never corrupts the database.
 *
 * WC_FAIL_AFTER=N    after N bytes have been written through write(),
 *                    pwrite() and pwrite64() to regular files, every further
 *                    such write fails with ENOSPC (stdout/stderr and pipes
 *                    are left alone, so messages still get out).
 * WC_FAIL_MATCH=S    only count and fail writes to files whose path
 *                    contains S (default: all regular files).
 */
#undef _FILE_OFFSET_BITS /* define pwrite and pwrite64 both, not one renamed */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static long long written;

/* dlsym gives an object pointer; copy it into the function pointer (ISO C has no cast). */
static void real_sym(void *fnptr, size_t size, const char *name)
{
    void *p = dlsym(RTLD_NEXT, name);

    memcpy(fnptr, &p, size);
}

static int should_fail(int fd, size_t n)
{
    const char *after = getenv("WC_FAIL_AFTER"), *match = getenv("WC_FAIL_MATCH");
    struct stat st;
    char link[64], path[4096];
    ssize_t len;

    if (!after || fd <= 2 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    if (match && *match) {
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        len = readlink(link, path, sizeof(path) - 1);
        if (len <= 0)
            return 0;
        path[len] = '\0';
        if (!strstr(path, match))
            return 0;
    }
    if (written + (long long)n > atoll(after))
        return 1;
    written += (long long)n;
    return 0;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);

    if (!real)
        real_sym(&real, sizeof(real), "write");
    if (should_fail(fd, n)) {
        errno = ENOSPC;
        return -1;
    }
    return real(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);

    if (!real)
        real_sym(&real, sizeof(real), "pwrite");
    if (should_fail(fd, n)) {
        errno = ENOSPC;
        return -1;
    }
    return real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off64_t);

    if (!real)
        real_sym(&real, sizeof(real), "pwrite64");
    if (should_fail(fd, n)) {
        errno = ENOSPC;
        return -1;
    }
    return real(fd, buf, n, off);
}
