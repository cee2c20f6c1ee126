/* test_checkpoint: checkpoints through the C API: a resumed run continues
 * bit for bit; bad files (empty, truncated at many lengths, bit-flipped,
 * foreign, newer, other byte order, NaN weights) are rejected with one
 * message; a failed write keeps the previous file; the folder policy; and
 * the time to save and load a 2-layer 512-unit LSTM. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "checkpoint.h"
#include "corpus.h"
#include "trainer.h"

static char dir[64];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void path_in(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", dir, name);
}

static int write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(p, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

static unsigned char *read_bytes(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (size >= 0 && (buf = malloc((size_t)size + 1)))
        *n = fread(buf, 1, (size_t)size, f);
    fclose(f);
    return buf;
}

/* A text of a few repeated sentences with alphabet `extra` mixed in. */
static void write_corpus(const char *name, const char *extra)
{
    static const char *const parts[] = {"the cat sat on the mat. ", "a dog ran far! ",
                                        "why not? ", "so it goes, "};
    char path[128];
    path_in(path, sizeof path, name);
    FILE *f = fopen(path, "w");
    unsigned r = 7;
    for (int i = 0; i < 1500 && f; i++) {
        r = r * 1103515245u + 12345u;
        fputs(parts[(r >> 16) % 4], f);
        if (i % 50 == 0)
            fputs(extra, f);
    }
    if (f)
        fclose(f);
}

static void tiny_config(Config *cfg, const char *corpus)
{
    config_defaults(cfg);
    path_in(cfg->corpus.path, sizeof cfg->corpus.path, corpus);
    path_in(cfg->train.checkpoint_dir, sizeof cfg->train.checkpoint_dir, "ckpt/a/b");
    cfg->model.hidden = 16;
    cfg->model.layers = 2;
    cfg->model.dropout = 0.25;  /* the RNG must be restored too */
    cfg->train.batch = 4;
    cfg->train.seq_len = 8;
    cfg->train.eval_every = 0;
    cfg->train.checkpoint_every = 2;
    cfg->train.keep_checkpoints = 2;
    cfg->train.threads = 1;
}

typedef struct Run {
    Corpus corpus;
    Trainer tr;
} Run;

static int run_open(Run *r, const Config *cfg)
{
    RnnError err;
    memset(r, 0, sizeof *r);
    if (corpus_load(&r->corpus, &cfg->corpus, &err) || trainer_init(&r->tr, cfg, &r->corpus, &err)) {
        fprintf(stderr, "set-up failed: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static void run_close(Run *r)
{
    trainer_free(&r->tr);
    corpus_free(&r->corpus);
}

static int steps(Run *r, int n, double *losses)
{
    RnnError err;
    for (int i = 0; i < n; i++) {
        if (trainer_step(&r->tr, &err))
            return -1;
        if (losses)
            losses[i] = r->tr.last_loss;
    }
    return 0;
}

/* ---- resuming ------------------------------------------------------------ */

static void test_exact_resume(const Config *cfg, const char *ck)
{
    enum { N = 37, M = 25 };
    double a[N + M], b[M];
    Run A, B;
    RnnError err;
    if (run_open(&A, cfg) || steps(&A, N + M, a))
        return;
    if (run_open(&B, cfg) || steps(&B, N, NULL))
        return;
    trainer_evaluate(&B.tr);  /* evaluating must not disturb training */
    CHECK(checkpoint_save(&B.tr, ck, &err) == 0, "save: %s", err.msg);
    run_close(&B);
    Config other = *cfg;
    other.train.learning_rate = cfg->train.learning_rate;  /* same run, rebuilt */
    if (run_open(&B, &other))
        return;
    CHECK(checkpoint_restore(&B.tr, ck, &err) == 0, "restore: %s", err.msg);
    CHECK(B.tr.step == N, "step %lld after restore", (long long)B.tr.step);
    steps(&B, M, b);
    CHECK(memcmp(a + N, b, sizeof b) == 0, "losses after resuming differ: %.9g vs %.9g",
          a[N], b[0]);
    CHECK(memcmp(A.tr.model.params, B.tr.model.params,
                 sizeof(float) * A.tr.model.off.total) == 0, "weights differ after resuming");
    CHECK(memcmp(A.tr.opt.v, B.tr.opt.v, sizeof(float) * A.tr.opt.n) == 0,
          "optimizer state differs after resuming");
    CHECK(A.tr.train_hist.n == B.tr.train_hist.n, "history has %d points, want %d",
          B.tr.train_hist.n, A.tr.train_hist.n);
    run_close(&A);
    run_close(&B);
}

static void test_info(const Config *cfg, const char *ck)
{
    CheckpointInfo info;
    RnnError err;
    int rc = checkpoint_load_info(ck, &info, &err);
    CHECK(rc == 0, "load_info: %s", err.msg);
    if (rc)
        return;
    CHECK(info.step == 37, "step %lld", (long long)info.step);
    CHECK(info.cfg.model.hidden == 16 && info.cfg.model.layers == 2 &&
              info.cfg.train.batch == 4 && info.cfg.model.dropout == 0.25,
          "config did not round-trip");
    CHECK(info.cfg.corpus.path[0] == '/', "corpus path not absolute: %s", info.cfg.corpus.path);
    CHECK(isfinite(info.last_val) && info.best_val == info.last_val, "validation not kept");
    CHECK(info.vocab.size > 10 && info.model.shape.V == info.vocab.size, "vocabulary size %d",
          info.vocab.size);
    Config back;
    CHECK(checkpoint_load_config(ck, &back, &err) == 0, "load_config: %s", err.msg);
    CHECK(back.train.seq_len == cfg->train.seq_len, "seq_len did not round-trip");
    checkpoint_info_free(&info);
}

static void expect_restore_error(const Config *cfg, const char *ck, const char *want)
{
    Run r;
    RnnError err;
    err_clear(&err);
    if (run_open(&r, cfg))
        return;
    CHECK(checkpoint_restore(&r.tr, ck, &err) != 0 && err.status == RNN_ERR_INPUT &&
              strstr(err.msg, want),
          "want an error with '%s', got: %s", want, err.msg);
    run_close(&r);
}

static void test_incompatible(const Config *cfg, const char *ck)
{
    Config c = *cfg;
    c.model.hidden = 24;
    expect_restore_error(&c, ck, "model.hidden is 24");
    c = *cfg;
    c.model.cell = CELL_GRU;
    expect_restore_error(&c, ck, "model.cell");
    c = *cfg;
    c.train.batch = 3;
    expect_restore_error(&c, ck, "train.batch");
    /* the same number of symbols, one different: 'z' for '?' */
    write_corpus("swapped.txt", "z");
    char text[128];
    path_in(text, sizeof text, "swapped.txt");
    size_t n = 0;
    unsigned char *b = read_bytes(text, &n);
    for (size_t i = 0; b && i < n; i++)
        if (b[i] == '?')
            b[i] = 'z';
    if (b)
        write_bytes(text, b, n);
    free(b);
    c = *cfg;
    path_in(c.corpus.path, sizeof c.corpus.path, "swapped.txt");
    expect_restore_error(&c, ck, "U+003F");
    c = *cfg;  /* allowed changes */
    c.train.learning_rate = 0.01;
    c.train.seq_len = 12;
    c.train.eval_every = 7;
    Run r;
    RnnError err;
    if (run_open(&r, &c))
        return;
    CHECK(checkpoint_restore(&r.tr, ck, &err) == 0, "lr/seq_len change refused: %s", err.msg);
    CHECK(steps(&r, 3, NULL) == 0, "training after a seq_len change failed");
    run_close(&r);
}

/* ---- bad files -------------------------------------------------------------- */

static int bad_files;

/* path must be refused with one line that names it and contains want. */
static void expect_refused(const char *path, const char *want, const char *what)
{
    CheckpointInfo info;
    RnnError err;
    err_clear(&err);
    bad_files++;
    int rc = checkpoint_load_info(path, &info, &err);
    CHECK(rc != 0 && err.status == RNN_ERR_INPUT, "%s: accepted (status %d)", what, err.status);
    if (rc == 0) {
        checkpoint_info_free(&info);
        return;
    }
    CHECK(strstr(err.msg, path) && !strchr(err.msg, '\n'), "%s: message: %s", what, err.msg);
    CHECK(!want || strstr(err.msg, want), "%s: want '%s' in: %s", what, want, err.msg);
}

static void test_truncated(const unsigned char *good, size_t n)
{
    char bad[128], what[64];
    path_in(bad, sizeof bad, "bad.ckpt");
    for (size_t k = 0; k < 64 + 50; k++) {
        size_t len = k < 64 ? k : (k - 64) * n / 50;
        write_bytes(bad, good, len);
        snprintf(what, sizeof what, "truncated to %zu of %zu bytes", len, n);
        expect_refused(bad, len == 0 ? "empty" : len < 32 ? NULL : "truncated", what);
    }
    write_bytes(bad, good, n - 1);
    expect_refused(bad, "truncated", "one byte short");
}

static void test_flipped(const unsigned char *good, size_t n)
{
    char bad[128], what[64];
    unsigned char *b = malloc(n);
    path_in(bad, sizeof bad, "bad.ckpt");
    for (int k = 0; b && k < 300; k++) {
        size_t at = k < 100 ? (size_t)k : (size_t)((k - 100) * (double)(n - 1) / 199);
        memcpy(b, good, n);
        b[at] ^= (unsigned char)(1u << (k % 8));
        write_bytes(bad, b, n);
        snprintf(what, sizeof what, "bit %d of byte %zu flipped", k % 8, at);
        expect_refused(bad, NULL, what);
    }
    free(b);
}

static void test_foreign(const unsigned char *good, size_t n)
{
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                        0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 1, 0,
                                        0, 0, 1, 0, 8, 6, 0, 0, 0, 0x5c, 0x72, 0xa8, 0x66};
    char bad[128];
    path_in(bad, sizeof bad, "bad.ckpt");
    write_bytes(bad, png, sizeof png);
    expect_refused(bad, "not an rnntop checkpoint", "a PNG header");
    size_t sn = 0;
    unsigned char *sh = read_bytes("/bin/sh", &sn);
    if (sh) {
        write_bytes(bad, sh, sn);
        expect_refused(bad, "not an rnntop checkpoint", "/bin/sh");
        free(sh);
    }
    expect_refused(dir, "folder", "a folder");
    path_in(bad, sizeof bad, "missing.ckpt");
    expect_refused(bad, "cannot open", "a missing file");
    unsigned char *b = malloc(n);
    if (!b)
        return;
    path_in(bad, sizeof bad, "bad.ckpt");
    memcpy(b, good, n);
    b[8] = 2, b[9] = b[10] = b[11] = 0;  /* version 2, little-endian */
    write_bytes(bad, b, n);
    expect_refused(bad, "newer rnntop (format 2); this one reads up to 1", "a newer version");
    memcpy(b, good, n);
    uint32_t swapped = 0x04030201u;
    memcpy(b + 12, &swapped, 4);
    write_bytes(bad, b, n);
    expect_refused(bad, "byte order", "the other byte order");
    memcpy(b, good, n);
    write_bytes(bad, b, n);
    FILE *f = fopen(bad, "ab");
    if (f)
        fputs("junk", f), fclose(f);
    expect_refused(bad, "after the checksum", "bytes appended");
    free(b);
}

static void test_nan(const Config *cfg)
{
    Run r;
    RnnError err;
    char bad[128];
    path_in(bad, sizeof bad, "nan.ckpt");
    if (run_open(&r, cfg))
        return;
    /* checkpoint_save refuses non-finite weights (a file holding them, as a
     * buggy writer could leave, is refused on reading: tests/test_badinput.c) */
    r.tr.model.params[r.tr.model.off.total / 2] = NAN;
    CHECK(checkpoint_save(&r.tr, bad, &err) != 0 && strstr(err.msg, "non-finite"),
          "a NaN weight was saved: %s", err.msg);
    r.tr.model.params[r.tr.model.off.total / 2] = INFINITY;
    CHECK(checkpoint_save(&r.tr, bad, &err) != 0 && strstr(err.msg, "infinite"),
          "an infinite weight was saved: %s", err.msg);
    CHECK(access(bad, F_OK) != 0, "a refused save left %s behind", bad);
    run_close(&r);
}

/* ---- writing ------------------------------------------------------------------ */

static int temp_files_in(const char *folder)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -c '\\.tmp\\.'", folder);
    FILE *p = popen(cmd, "r");
    int n = 0;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

/* A write that fails part-way (the file size limit stands in for a full
 * disk) leaves the previous file as it was and no temporary file. */
static void test_write_failure(const Config *cfg)
{
    Run r;
    RnnError err;
    char ck[128];
    size_t n0 = 0, n1 = 0;
    path_in(ck, sizeof ck, "keep.ckpt");
    if (run_open(&r, cfg))
        return;
    CHECK(checkpoint_save(&r.tr, ck, &err) == 0, "save: %s", err.msg);
    unsigned char *before = read_bytes(ck, &n0);
    steps(&r, 3, NULL);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = (rlim_t)(n0 / 2);
    signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &lim);
    err_clear(&err);
    int rc = checkpoint_save(&r.tr, ck, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK(rc != 0 && err.status == RNN_ERR_RUNTIME && strstr(err.msg, ck) &&
              strstr(err.msg, "kept"),
          "a failed write: rc %d, %s", rc, err.msg);
    unsigned char *after = read_bytes(ck, &n1);
    CHECK(before && after && n0 == n1 && memcmp(before, after, n0) == 0,
          "the previous checkpoint changed after a failed write");
    CHECK(temp_files_in(dir) == 0, "a temporary file was left behind");
    path_in(ck, sizeof ck, "no/such/folder/x.ckpt");
    CHECK(checkpoint_save(&r.tr, ck, &err) != 0 && strstr(err.msg, "x.ckpt"),
          "saving into a missing folder: %s", err.msg);
    free(before);
    free(after);
    run_close(&r);
}

static int exists(const char *folder, const char *name)
{
    char p[256];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", folder, name);
    return stat(p, &st) == 0;
}

static void test_policy(const Config *cfg)
{
    Run r;
    RnnError err;
    if (run_open(&r, cfg))
        return;
    const char *f = cfg->train.checkpoint_dir;
    for (int i = 0; i < 7; i++) {
        steps(&r, 1, NULL);
        int evaluated = i == 2;
        if (evaluated)
            trainer_evaluate(&r.tr);
        int want = (r.tr.step % 2 == 0 ? CKPT_DUE_PERIODIC : 0) | (evaluated ? CKPT_DUE_BEST : 0);
        CHECK(checkpoint_due(&r.tr, evaluated) == want, "due at step %lld",
              (long long)r.tr.step);
        CHECK(checkpoint_after_step(&r.tr, evaluated, &err) == 0, "after_step: %s", err.msg);
    }
    CHECK(!exists(f, "step-00000002.ckpt") && exists(f, "step-00000004.ckpt") &&
              exists(f, "step-00000006.ckpt") && exists(f, "last.ckpt") &&
              exists(f, "best.ckpt"),
          "the checkpoint folder does not hold what the policy says");
    char last[CONFIG_PATH_MAX];
    CheckpointInfo info;
    checkpoint_path(cfg, "last.ckpt", last, sizeof last);
    int rc = checkpoint_load_info(last, &info, &err);
    CHECK(rc == 0 && info.step == 6, "last.ckpt: %s", rc ? err.msg : "wrong step");
    if (rc == 0)
        checkpoint_info_free(&info);
    CHECK(checkpoint_save_last(&r.tr, &err) == 0, "save_last: %s", err.msg);
    CHECK(temp_files_in(f) == 0, "temporary files left in the checkpoint folder");
    run_close(&r);
}

/* ---- speed ------------------------------------------------------------------ */

/* Best of three, so a busy machine disturbs the figure less. */
static void test_speed(const Config *cfg)
{
    Config c = *cfg;
    Run r;
    RnnError err;
    char ck[128];
    double save = 1e9, load = 1e9;
    c.model.hidden = 512;
    c.model.dropout = 0;
    path_in(ck, sizeof ck, "big.ckpt");
    if (run_open(&r, &c))
        return;
    steps(&r, 1, NULL);
    for (int i = 0; i < 3; i++) {
        double t0 = now();
        CHECK(checkpoint_save(&r.tr, ck, &err) == 0, "save: %s", err.msg);
        double t1 = now();
        CHECK(checkpoint_restore(&r.tr, ck, &err) == 0, "restore: %s", err.msg);
        double t2 = now();
        save = t1 - t0 < save ? t1 - t0 : save;
        load = t2 - t1 < load ? t2 - t1 : load;
    }
    struct stat st;
    stat(ck, &st);
    fprintf(stderr, "lstm 2x512 (%zu parameters, %.1f MB file), best of 3: save %.0f ms "
                    "(with fsync), load and restore %.0f ms\n",
            r.tr.model.off.total, (double)st.st_size / 1e6, 1e3 * save, 1e3 * load);
    run_close(&r);
}

int main(void)
{
    Config cfg;
    char ck[128], cmd[128];
    snprintf(dir, sizeof dir, "/tmp/rnntop-ckpt-XXXXXX");
    if (!mkdtemp(dir))
        return CHECK_SKIP;
    write_corpus("corpus.txt", "?");
    tiny_config(&cfg, "corpus.txt");
    path_in(ck, sizeof ck, "run.ckpt");
    test_exact_resume(&cfg, ck);
    test_info(&cfg, ck);
    test_incompatible(&cfg, ck);
    size_t n = 0;
    unsigned char *good = read_bytes(ck, &n);
    CHECK(good && n > 1000, "no checkpoint to corrupt");
    if (good) {
        test_truncated(good, n);
        test_flipped(good, n);
        test_foreign(good, n);
    }
    free(good);
    test_nan(&cfg);
    fprintf(stderr, "%d bad files refused\n", bad_files);
    test_write_failure(&cfg);
    test_policy(&cfg);
    test_speed(&cfg);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_report("test_checkpoint");
}
