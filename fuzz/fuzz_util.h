/* fuzz_util: what the libFuzzer harnesses share: a per-process scratch
 * folder for loaders that take a path, and writing an input there.
 * Not part of the engine; built only by `make fuzz` (see fuzz/README.md). */
#ifndef RNNTOP_FUZZ_UTIL_H
#define RNNTOP_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

static char fuzz_dir[512];

static void fuzz_cleanup(void)
{
    char cmd[600];
    if (!fuzz_dir[0])
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz: could not remove %s\n", fuzz_dir);
}

static char fuzz_path[768];
static int fuzz_home = -1; /* the folder libFuzzer was started in */

/* Make the scratch folder (removed at exit). Call from LLVMFuzzerInitialize. */
static void fuzz_enter(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/rnntop-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fuzz_dir) || (fuzz_home = open(".", O_RDONLY | O_DIRECTORY)) < 0) {
        perror("fuzz: scratch folder");
        abort();
    }
    atexit(fuzz_cleanup);
}

/* Write data[0..size) to the file NAME in the scratch folder and return its
 * path. Aborts on I/O errors: they are the harness's, not a finding. */
static const char *fuzz_write(const char *name, const void *data, size_t size)
{
    snprintf(fuzz_path, sizeof fuzz_path, "%s/%s", fuzz_dir, name);
    FILE *f = fopen(fuzz_path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) {
        perror(fuzz_path);
        abort();
    }
    return fuzz_path;
}

/* Work in the scratch folder (files named without a folder, so relative
 * paths in them stay relative), then back where libFuzzer was started, so
 * that its crash files land where it was told. */
static void __attribute__((unused)) fuzz_in_scratch(int on)
{
    if (on ? chdir(fuzz_dir) : fchdir(fuzz_home)) {
        perror("fuzz: chdir");
        abort();
    }
}

/* With FUZZ_VERBOSE set in the environment, say what a loader answered
 * (to see why an input is refused when replaying it). */
static void fuzz_say(const char *what, int rc, const char *msg)
{
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("FUZZ_VERBOSE") != NULL;
    if (verbose)
        fprintf(stderr, "fuzz: %s: %s\n", what, rc == 0 ? "ok" : msg);
}

/* A contract the engine broke: say which and abort (libFuzzer saves the
 * input as a crash). */
#define FUZZ_CHECK(cond, ...)                                                 \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "fuzz: %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
            abort();                                                          \
        }                                                                     \
    } while (0)

#endif
