/* fuzz_replay: a main() for a libFuzzer harness (fuzz/NAME.c) built with
 * the normal compiler, so make check replays saved inputs through it: every
 * file in REGRESS_DIR (tests/regress/NAME/: inputs the fuzzers once crashed
 * on, or that reach a path worth keeping), or the files named on the command
 * line. A harness aborts on a broken contract, so the test fails then. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 1 << 16, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *more = realloc(buf, cap *= 2);
            if (!more)
                free(buf);
            buf = more;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "%s: out of memory\n", path);
        return -1;
    }
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    printf("ok %s (%zu bytes)\n", path, n);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            if (replay(argv[i]))
                return 1;
        return 0;
    }
    DIR *d = opendir(REGRESS_DIR);
    if (!d) {
        perror(REGRESS_DIR);
        return 1;
    }
    char *names[1024];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 1024)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, by_name);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", REGRESS_DIR, names[i]);
        if (!rc && replay(path))
            rc = 1;
        free(names[i]);
    }
    printf("%d inputs from %s\n", n, REGRESS_DIR);
    return rc;
}
