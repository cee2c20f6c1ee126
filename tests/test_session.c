/* test_session: the background training session end to end on a tiny LSTM
 * over a generated corpus: steps advance, snapshots arrive, pause/resume,
 * learning-rate changes, save requests, histories, step and time limits,
 * resuming, a diverging run and prompt stops. Every wait polls against a
 * deadline of several seconds, so a slow, loaded machine only makes it slower. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "blas.h"
#include "check.h"
#include "config.h"
#include "corpus.h"
#include "session.h"

#define DEADLINE 20.0   /* seconds any single wait may take before it fails */

static char tmp_dir[512];
static char ckpt_dir[600];

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- fixtures ---------------------------------------------------------------- */

static int make_corpus(char *path, size_t cap)
{
    const char *dir = getenv("TMPDIR");
    snprintf(tmp_dir, sizeof tmp_dir, "%s/test_session.XXXXXX", dir && dir[0] ? dir : "/tmp");
    if (!mkdtemp(tmp_dir))
        return -1;
    snprintf(ckpt_dir, sizeof ckpt_dir, "%s/ckpt", tmp_dir);
    snprintf(path, cap, "%s/corpus.txt", tmp_dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (int i = 0; i < 200; i++)
        fprintf(f, "the quick brown fox jumps over the lazy dog %d.\n", i % 7);
    return fclose(f);
}

static void remove_tmp(void)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    if (tmp_dir[0] && system(cmd) != 0)
        fprintf(stderr, "test_session: could not remove %s\n", tmp_dir);
}

static Config small_config(const char *corpus_path)
{
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.corpus.path, sizeof cfg.corpus.path, "%s", corpus_path);
    cfg.model.cell = CELL_LSTM;
    cfg.model.hidden = 16;
    cfg.model.layers = 1;
    cfg.train.batch = 4;
    cfg.train.seq_len = 8;
    cfg.train.eval_every = 20;
    cfg.train.checkpoint_every = 0;
    snprintf(cfg.train.checkpoint_dir, sizeof cfg.train.checkpoint_dir, "%s", ckpt_dir);
    return cfg;
}

/* ---- waiting ----------------------------------------------------------------- */

typedef int (*Pred)(const SessionStats *st, double arg);

static int step_past(const SessionStats *st, double n)
{
    return (double)st->step > n;
}

static int state_is(const SessionStats *st, double state)
{
    return st->state == (SessionState)state;
}

static int ended(const SessionStats *st, double unused)
{
    (void)unused;
    return st->state == SESSION_FINISHED || st->state == SESSION_STOPPED ||
           st->state == SESSION_FAILED;
}

static int lr_is(const SessionStats *st, double lr)
{
    return fabs(st->lr - lr) <= 1e-12 * lr;
}

static int saved(const SessionStats *st, double unused)
{
    (void)unused;
    return st->saved_step >= 0;
}

/* Poll the stats until pred holds or DEADLINE passes; returns pred. */
static int wait_for(Session *s, Pred pred, double arg, SessionStats *st)
{
    double end = clock_seconds() + DEADLINE;
    for (;;) {
        session_get_stats(s, st);
        if (pred(st, arg))
            return 1;
        if (clock_seconds() > end || (pred != ended && ended(st, 0)))
            return 0;
        sleep_ms(10);
    }
}

static int file_exists(const char *dir, const char *name)
{
    char path[800];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Stop and check the join is prompt. */
static void stop_quickly(Session *s, int save)
{
    double t0 = clock_seconds();
    session_stop(s, save);
    double dt = clock_seconds() - t0;
    CHECK(dt < 1.0, "session_stop took %.3f s", dt);
}

/* ---- tests ------------------------------------------------------------------- */

static void test_snapshot(Session *s, const Corpus *corpus)
{
    ModelShape shape = session_shape(s);
    CHECK(shape.H == 16 && shape.L == 1 && shape.V == corpus->vocab.size,
          "shape H %d L %d V %d", shape.H, shape.L, shape.V);
    Model m;
    RnnError err;
    CHECK(model_alloc(&m, &shape, &err) == 0, "%s", err.msg);
    uint64_t gen = 0;
    int64_t step = -1;
    double end = clock_seconds() + DEADLINE;
    while (!session_copy_snapshot_step(s, &m, &gen, &step) && clock_seconds() < end)
        sleep_ms(10);
    CHECK(gen > 0, "no snapshot published");
    while (step <= 0 && clock_seconds() < end) {
        session_copy_snapshot_step(s, &m, &gen, &step);
        sleep_ms(20);
    }
    CHECK(step > 0, "no snapshot after a step (step %lld)", (long long)step);
    CHECK(model_all_finite(&m), "snapshot has non-finite weights");
    uint64_t before = gen;
    session_request_snapshot(s);
    while (!session_copy_snapshot(s, &m, &gen) && clock_seconds() < end)
        sleep_ms(10);
    CHECK(gen > before, "requested snapshot never arrived");
    model_free(&m);
}

static void test_pause_resume(Session *s)
{
    SessionStats st;
    session_pause(s);
    CHECK(wait_for(s, state_is, SESSION_PAUSED, &st), "never paused (state %d)", st.state);
    int64_t a = st.step;
    double elapsed = st.elapsed;
    sleep_ms(300);
    session_get_stats(s, &st);
    CHECK(st.step == a, "steps while paused: %lld -> %lld", (long long)a, (long long)st.step);
    CHECK(st.elapsed == elapsed, "elapsed moved while paused: %g -> %g", elapsed, st.elapsed);
    session_set_lr(s, 0.0123);
    CHECK(wait_for(s, lr_is, 0.0123, &st), "lr while paused: %g", st.lr);
    CHECK(st.state == SESSION_PAUSED && st.step == a, "a command unpaused the session");
    session_set_lr(s, -1.0);
    session_set_lr(s, NAN);
    session_resume(s);
    CHECK(wait_for(s, step_past, (double)a + 2, &st), "no steps after resume (step %lld)",
          (long long)st.step);
    CHECK(st.state == SESSION_TRAINING, "state %d after resume", st.state);
    CHECK(lr_is(&st, 0.0123), "bad set_lr values were not ignored: lr %g", st.lr);
    session_set_lr(s, 0.002);
    CHECK(wait_for(s, lr_is, 0.002, &st), "lr %g", st.lr);
}

static int increasing(const int64_t *steps, int n)
{
    for (int i = 1; i < n; i++)
        if (steps[i] <= steps[i - 1])
            return 0;
    return 1;
}

static void test_history(Session *s)
{
    static int64_t steps[10000];
    static float values[10000];
    SessionStats st;
    CHECK(wait_for(s, step_past, 45, &st), "step %lld", (long long)st.step);
    int n = session_copy_history(s, 0, steps, values, 10000);
    CHECK(n >= 45 && increasing(steps, n), "train history: %d points", n);
    for (int i = 0; i < n; i++)
        if (!isfinite(values[i])) {
            CHECK(0, "train history point %d is %g", i, values[i]);
            break;
        }
    int64_t last = n > 0 ? steps[n - 1] : -1;
    int k = session_copy_history(s, 0, steps, values, 3);
    CHECK(k == 3 && steps[2] >= last && increasing(steps, 3), "cap 3: %d points", k);
    CHECK(session_copy_history(s, 0, steps, values, 0) == 0, "cap 0");
    int v = session_copy_history(s, 1, steps, values, 10000);
    CHECK(v >= 2 && increasing(steps, v) && steps[0] == 20 && steps[1] == 40,
          "validation history: %d points, first at %lld", v, (long long)(v ? steps[0] : -1));
    CHECK(isfinite(st.val_loss) && st.val_step >= 40 && st.val_step % 20 == 0,
          "val_loss %g at %lld", st.val_loss, (long long)st.val_step);
    CHECK(st.chars_per_sec > 0 && st.elapsed > 0, "chars/s %g elapsed %g", st.chars_per_sec,
          st.elapsed);
}

static void test_running(const Config *cfg, const Corpus *corpus)
{
    RnnError err;
    err_clear(&err);
    Session *s = session_start(cfg, corpus, NULL, 0, 0, &err);
    CHECK(s != NULL, "session_start: %s", err.msg);
    if (!s)
        return;
    SessionStats st;
    CHECK(wait_for(s, step_past, 5, &st), "steps do not advance (step %lld)", (long long)st.step);
    CHECK(isfinite(st.train_loss) && st.train_loss > 0, "train_loss %g", st.train_loss);
    CHECK(st.saved_step == -1, "saved_step %lld", (long long)st.saved_step);
    test_snapshot(s, corpus);
    test_pause_resume(s);
    test_history(s);
    session_request_save(s);
    CHECK(wait_for(s, saved, 0, &st), "save request: %s", st.message);
    CHECK(strstr(st.message, "last.ckpt") != NULL, "message: %s", st.message);
    CHECK(file_exists(ckpt_dir, "last.ckpt"), "no last.ckpt in %s", ckpt_dir);
    CHECK(wait_for(s, step_past, (double)st.step + 2, &st), "training stopped after a save");
    stop_quickly(s, 0);
    session_get_stats(s, &st);
    CHECK(st.state == SESSION_STOPPED, "state %d after stop", st.state);
    int64_t step = st.step;
    sleep_ms(50);
    session_get_stats(s, &st);
    CHECK(st.step == step, "steps after stop");
    session_stop(s, 1);  /* a second stop is a no-op */
    session_free(s);
}

/* Runs to a step limit, then resumes from its last.ckpt for a few more. */
static void test_finish_and_resume(const Config *base, const Corpus *corpus)
{
    Config one = *base;
    const Config *cfg = &one;
    one.train.checkpoint_every = 25;
    RnnError err;
    SessionStats st;
    err_clear(&err);
    Session *s = session_start(cfg, corpus, NULL, 30, 0, &err);
    CHECK(s != NULL, "session_start: %s", err.msg);
    if (!s)
        return;
    CHECK(wait_for(s, ended, 0, &st), "not finished: state %d step %lld", st.state,
          (long long)st.step);
    CHECK(st.state == SESSION_FINISHED && st.step == 30, "state %d step %lld", st.state,
          (long long)st.step);
    CHECK(st.saved_step == 30 && file_exists(ckpt_dir, "last.ckpt"), "final save: %s",
          st.message);
    CHECK(file_exists(ckpt_dir, "step-00000025.ckpt"), "no periodic checkpoint at step 25");
    stop_quickly(s, 1);
    session_get_stats(s, &st);
    CHECK(st.state == SESSION_FINISHED, "stop after finish changed the state to %d", st.state);
    session_free(s);

    char path[800];
    snprintf(path, sizeof path, "%s/last.ckpt", ckpt_dir);
    s = session_start(cfg, corpus, path, 10, 0, &err);
    CHECK(s != NULL, "resume: %s", err.msg);
    if (!s)
        return;
    session_get_stats(s, &st);
    CHECK(st.step >= 30, "resumed at step %lld", (long long)st.step);
    CHECK(wait_for(s, ended, 0, &st), "resumed run did not finish");
    CHECK(st.state == SESSION_FINISHED && st.step == 40, "resumed: state %d step %lld",
          st.state, (long long)st.step);
    session_free(s);
}

static void test_time_limit(const Config *cfg, const Corpus *corpus)
{
    RnnError err;
    SessionStats st;
    Session *s = session_start(cfg, corpus, NULL, 0, 0.5, &err);
    CHECK(s != NULL, "session_start: %s", err.msg);
    if (!s)
        return;
    CHECK(wait_for(s, ended, 0, &st), "time limit not reached");
    CHECK(st.state == SESSION_FINISHED && st.elapsed >= 0.5 && st.step > 0,
          "state %d elapsed %g step %lld", st.state, st.elapsed, (long long)st.step);
    CHECK(st.saved_step == -1, "saved at step %lld with checkpoints off", (long long)st.saved_step);
    session_free(s);
}

static void test_diverging(const Config *base, const Corpus *corpus)
{
    Config cfg = *base;
    cfg.train.optimizer = OPT_SGD;
    cfg.train.learning_rate = 1e38;
    RnnError err;
    SessionStats st;
    Session *s = session_start(&cfg, corpus, NULL, 0, 0, &err);
    CHECK(s != NULL, "session_start: %s", err.msg);
    if (!s)
        return;
    CHECK(wait_for(s, ended, 0, &st), "a diverging run did not end");
    CHECK(st.state == SESSION_FAILED, "state %d", st.state);
    CHECK(strstr(st.message, "training stopped") != NULL, "message: %s", st.message);
    session_pause(s);  /* commands after the end are harmless */
    session_request_save(s);
    stop_quickly(s, 1);
    session_get_stats(s, &st);
    CHECK(st.state == SESSION_FAILED, "state %d after stop", st.state);
    session_free(s);
}

static void test_stop_while_paused(const Config *cfg, const Corpus *corpus)
{
    RnnError err;
    SessionStats st;
    Session *s = session_start(cfg, corpus, NULL, 0, 0, &err);
    CHECK(s != NULL, "session_start: %s", err.msg);
    if (!s)
        return;
    session_pause(s);
    CHECK(wait_for(s, state_is, SESSION_PAUSED, &st), "never paused");
    stop_quickly(s, 0);
    session_get_stats(s, &st);
    CHECK(st.state == SESSION_STOPPED, "state %d", st.state);
    session_free(s);
    session_free(NULL);
}

static void test_bad_start(const Config *base, const Corpus *corpus)
{
    Config cfg = *base;
    cfg.train.batch = 100000;
    RnnError err;
    err_clear(&err);
    Session *s = session_start(&cfg, corpus, NULL, 0, 0, &err);
    CHECK(s == NULL && err.status == RNN_ERR_INPUT && strstr(err.msg, "batch"),
          "oversized batch: %s", err.msg);
    session_free(s);
    char missing[800];
    snprintf(missing, sizeof missing, "%s/missing.ckpt", tmp_dir);
    err_clear(&err);
    s = session_start(base, corpus, missing, 0, 0, &err);
    CHECK(s == NULL && err.status != RNN_OK && err.msg[0], "missing checkpoint: %s", err.msg);
    session_free(s);
}

int main(void)
{
    char path[700];
    if (make_corpus(path, sizeof path)) {
        perror("test_session: temporary corpus");
        return 1;
    }
    Config cfg = small_config(path);
    Corpus corpus;
    RnnError err;
    if (corpus_load(&corpus, &cfg.corpus, &err)) {
        fprintf(stderr, "test_session: %s\n", err.msg);
        remove_tmp();
        return 1;
    }
    test_bad_start(&cfg, &corpus);
    test_running(&cfg, &corpus);
    test_finish_and_resume(&cfg, &corpus);
    test_time_limit(&cfg, &corpus);
    test_diverging(&cfg, &corpus);
    test_stop_while_paused(&cfg, &corpus);
    corpus_free(&corpus);
    remove_tmp();
    return check_report("test_session");
}
