/* test_badinput: engine-level cases of issue 8 that the command line cannot
 * reach directly: a checkpoint file holding NaN weights (as an older or
 * buggy writer could leave one) is refused on reading; checkpoint_save
 * refuses non-finite weights and a diverging loss and keeps the previous
 * file; trainer_step stops a run whose learning rate makes the loss explode.
 *
 * checkpoint.c is compiled into this test so that it can write a file
 * past checkpoint_save's own checks (write_temp); every other call goes
 * through the public API. The shell side is tests/test_badinput.sh. */
#include "../src/checkpoint.c"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "corpus.h"
#include "trainer.h"

static char dir[64];

static void path_in(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", dir, name);
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    *n = 0;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (size > 0 && (buf = malloc((size_t)size)))
        *n = fread(buf, 1, (size_t)size, f);
    fclose(f);
    return buf;
}

typedef struct Run {
    Corpus corpus;
    Trainer tr;
} Run;

static int run_open(Run *r, double lr, int optimizer)
{
    Config cfg;
    RnnError err;
    char text[128];
    path_in(text, sizeof text, "text.txt");
    FILE *f = fopen(text, "w");
    for (int i = 0; i < 400 && f; i++)
        fputs(i % 3 ? "the cat sat on the mat. " : "a dog ran! ", f);
    if (f)
        fclose(f);
    config_defaults(&cfg);
    snprintf(cfg.corpus.path, sizeof cfg.corpus.path, "%s", text);
    path_in(cfg.train.checkpoint_dir, sizeof cfg.train.checkpoint_dir, "ckpt");
    cfg.model.hidden = 16;
    cfg.model.layers = 1;
    cfg.train.batch = 4;
    cfg.train.seq_len = 8;
    cfg.train.eval_every = 0;
    cfg.train.threads = 1;
    cfg.train.learning_rate = lr;
    cfg.train.grad_clip = 0;
    cfg.train.optimizer = optimizer;
    memset(r, 0, sizeof *r);
    if (corpus_load(&r->corpus, &cfg.corpus, &err) ||
        trainer_init(&r->tr, &cfg, &r->corpus, &err)) {
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

/* A file with a NaN weight, written past checkpoint_save's check, is
 * refused by every reader with a message naming it. */
static void test_nan_file_refused(void)
{
    Run r;
    RnnError err;
    char path[128];
    CheckpointInfo info;
    if (run_open(&r, 0.005, OPT_ADAM))
        return;
    path_in(path, sizeof path, "nan.ckpt");
    r.tr.model.params[r.tr.model.off.total / 3] = NAN;
    SaveCtx *c = malloc(sizeof *c);
    int created = 0;
    c->tr = &r.tr;
    c->cfg = r.tr.cfg;
    CHECK(write_temp(path, c, &created) == 0, "writing a NaN file failed");
    free(c);
    err_clear(&err);
    CHECK(checkpoint_load_info(path, &info, &err) != 0 && err.status == RNN_ERR_INPUT &&
              strstr(err.msg, "nan.ckpt") && strstr(err.msg, "holds non-finite weights") &&
              strstr(err.msg, "NaN"),
          "ckpt_nan_weights: a NaN weight was loaded: %s", err.msg);
    err_clear(&err);
    CHECK(checkpoint_restore(&r.tr, path, &err) != 0 && strstr(err.msg, "non-finite"),
          "ckpt_nan_weights: a NaN weight was restored: %s", err.msg);
    run_close(&r);
}

/* checkpoint_save refuses what must not be saved and keeps the old file. */
static void test_save_refuses(void)
{
    Run r;
    RnnError err;
    char path[128];
    size_t n0, n1;
    if (run_open(&r, 0.005, OPT_ADAM))
        return;
    path_in(path, sizeof path, "keep.ckpt");
    CHECK(checkpoint_save(&r.tr, path, &err) == 0, "save: %s", err.msg);
    unsigned char *before = slurp(path, &n0);
    float keep = r.tr.model.params[5];
    r.tr.model.params[5] = INFINITY;
    err_clear(&err);
    CHECK(checkpoint_save(&r.tr, path, &err) != 0 && err.status == RNN_ERR_RUNTIME &&
              strstr(err.msg, "keep.ckpt not saved: the weights hold a non-finite value "
                              "(parameter 5 is infinite)") && strstr(err.msg, "kept"),
          "save_nonfinite_refused: %s", err.msg);
    r.tr.model.params[5] = keep;
    r.tr.diverging = 3;
    r.tr.last_loss = 99;
    err_clear(&err);
    CHECK(checkpoint_save(&r.tr, path, &err) != 0 &&
              strstr(err.msg, "not saved: the loss is diverging (99.0 nats per symbol"),
          "save_diverging_refused: %s", err.msg);
    unsigned char *after = slurp(path, &n1);
    CHECK(before && after && n0 == n1 && memcmp(before, after, n0) == 0,
          "a refused save changed the previous file");
    free(before);
    free(after);
    run_close(&r);
}

/* A learning rate of 10 without clipping: the loss explodes, the trainer
 * stops within a bounded number of steps with a message that says so, and
 * the failing step leaves the weights as they were. */
static void test_divergence_stops(void)
{
    Run r;
    RnnError err;
    if (run_open(&r, 10, OPT_ADAM))
        return;
    int rc = 0, i;
    float *copy = malloc(sizeof(float) * r.tr.model.off.total);
    err_clear(&err);
    for (i = 0; i < 500 && rc == 0; i++) {
        memcpy(copy, r.tr.model.params, sizeof(float) * r.tr.model.off.total);
        rc = trainer_step(&r.tr, &err);
    }
    CHECK(rc != 0, "lr_explodes: 500 steps at learning rate 10 did not stop (loss %g)",
          r.tr.last_loss);
    CHECK(rc == 0 || (err.status == RNN_ERR_RUNTIME && strstr(err.msg, "training stopped at step") &&
                      (strstr(err.msg, "diverged") || strstr(err.msg, "NaN") ||
                       strstr(err.msg, "infinite"))),
          "lr_explodes: %s", err.msg);
    CHECK(rc == 0 || memcmp(copy, r.tr.model.params, sizeof(float) * r.tr.model.off.total) == 0,
          "lr_explodes: the failing step changed the weights");
    RnnError save_err;
    char path[128];
    path_in(path, sizeof path, "diverged.ckpt");
    CHECK(rc == 0 || checkpoint_save(&r.tr, path, &save_err) != 0,
          "lr_explodes: a diverged model was saved");
    free(copy);
    run_close(&r);

    /* a sane learning rate never counts as diverging */
    if (run_open(&r, 0.005, OPT_ADAM))
        return;
    rc = 0;
    for (i = 0; i < 100 && rc == 0; i++)
        rc = trainer_step(&r.tr, &err);
    CHECK(rc == 0 && r.tr.diverging == 0, "lr_sane: %s (diverging %d)", err.msg,
          r.tr.diverging);
    run_close(&r);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/rnntop-badinput-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_nan_file_refused();
    test_save_refuses();
    test_divergence_stops();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_report("test_badinput");
}
