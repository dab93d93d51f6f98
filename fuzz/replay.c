/*
 * replay.c - run a fuzz target over every file of its corpus directory
 * (SQLite's fuzzcheck idea), printing one TAP line per file. Built for
 * every non-fuzz build so the targets and their corpus stay working.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    DIR *dir;
    struct dirent *de;
    char **names = NULL, path[4096];
    size_t n = 0, cap = 0, i;

    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    dir = opendir(argv[1]);
    if (!dir) {
        /* the corpus is part of the tree: without it the target is not tested, which fails */
        printf("1..1\nnot ok 1 - no corpus at %s\n", argv[1]);
        return 1;
    }
    while ((de = readdir(dir))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **tmp;
            cap = cap ? cap * 2 : 64;
            tmp = realloc(names, cap * sizeof(*names));
            if (!tmp)
                return 1;
            names = tmp;
        }
        names[n] = malloc(strlen(de->d_name) + 1);
        if (!names[n])
            return 1;
        memcpy(names[n], de->d_name, strlen(de->d_name) + 1);
        n++;
    }
    closedir(dir);
    if (!n) {
        printf("1..1\nnot ok 1 - the corpus at %s is empty\n", argv[1]);
        free(names);
        return 1;
    }
    qsort(names, n, sizeof(*names), by_name);
    printf("1..%zu\n", n);
    for (i = 0; i < n; i++) {
        FILE *f;
        uint8_t *buf = NULL;
        long size;

        snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
        f = fopen(path, "rb");
        if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
            printf("not ok %zu - %s (cannot read)\n", i + 1, names[i]);
            if (f)
                fclose(f);
            continue;
        }
        buf = malloc((size_t)size + 1);
        if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
            printf("not ok %zu - %s (cannot read)\n", i + 1, names[i]);
        } else {
            LLVMFuzzerTestOneInput(buf, (size_t)size);
            printf("ok %zu - %s\n", i + 1, names[i]);
        }
        fflush(stdout);
        free(buf);
        fclose(f);
        free(names[i]);
    }
    free(names);
    return 0;
}
