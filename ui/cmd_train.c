/* cmd_train: the headless front end: `rnntop train` (progress lines, a
 * live bar on a terminal, JSON-lines metrics, the final `done:` line) and
 * `rnntop bench` (throughput against the machine's measured SGEMM speed). */
#include <autoconfig.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blas.h"
#include "checkpoint.h"
#include "commands.h"
#include "stopsig.h"
#include "corpus.h"
#include "pgemm.h"
#include "trainer.h"




/* The config of a run: the command line's, or when resuming the
 * checkpoint's own with the command line's --config, --corpus and --set on
 * top. */
static int run_config(const Options *o, Config *cfg, RnnError *err)
{
    *cfg = o->cfg;
    if (!o->resume[0])
        return 0;
    return checkpoint_load_config(o->resume, cfg, err) || options_apply_overrides(o, cfg, err)
               ? -1 : 0;
}

/* Load the corpus and build the trainer (restored when resuming); prints
 * nothing. */
static int setup(const Options *o, Corpus *corpus, Trainer *tr, RnnError *err)
{
    static Config cfg;
    memset(corpus, 0, sizeof *corpus);
    if (run_config(o, &cfg, err) || corpus_load(corpus, &cfg.corpus, err))
        return -1;
    if (trainer_init(tr, &cfg, corpus, err)) {
        corpus_free(corpus);
        return -1;
    }
    if (o->resume[0] && checkpoint_restore(tr, o->resume, err)) {
        trainer_free(tr);
        corpus_free(corpus);
        return -1;
    }
    return 0;
}

static void print_banner(const Trainer *tr, int threads, FILE *out)
{
    const Corpus *c = tr->corpus;
    char model[160];
    model_describe(&tr->model.shape, model, sizeof model);
    if (c->vocab.kind == TOKENIZE_WORD)
        fprintf(out, "corpus: %s (word level: %lld tokens, %d distinct with <unk>, %lld read as "
                "<unk> (min_count %d); train %lld, validation %lld; losses in nats/token)\n",
                c->path, (long long)c->n, c->vocab.size, (long long)c->unknown,
                tr->cfg.corpus.min_count, (long long)c->n_train, (long long)c->n_val);
    else
        fprintf(out, "corpus: %s (%lld symbols, %d distinct; train %lld, validation %lld)\n",
                c->path, (long long)c->n, c->vocab.size, (long long)c->n_train,
                (long long)c->n_val);
    fprintf(out, "model: %s; batch %d x seq_len %d, %s lr %g\n", model, tr->B, tr->T,
            config_optimizer_name(tr->cfg.train.optimizer), tr->cfg.train.learning_rate);
    if (tr->n_workers > 1)
        fprintf(out, "threads: %d, each training its share of the batch with "
                     "single-threaded %s\n", tr->n_workers, blas_name());
    else if (threads > 0)
        fprintf(out, "threads: 1 worker; %s with %d thread%s\n", blas_name(), threads,
                threads == 1 ? "" : "s");
    else
        fprintf(out, "threads: 1 worker; %s (thread count not settable)\n", blas_name());
    fflush(out);
}

/* Warnings about the run that go to stderr even with --quiet. */
static void print_warnings(const Trainer *tr)
{
    const Corpus *c = tr->corpus;
    if (tr->eval_B == 0 && tr->cfg.corpus.val_fraction > 0)
        fprintf(stderr, "rnntop: warning: %s: the validation split (%lld symbol%s) is too "
                        "small to evaluate; training goes on without validation; raise "
                        "corpus.val_fraction\n", c->path, (long long)c->n_val,
                c->n_val == 1 ? "" : "s");
}

/* ---- train ---------------------------------------------------------------- */

typedef struct Progress {
    double start, last_time;
    int64_t last_symbols, start_symbols;
    double rate;        /* chars/s over the last log interval */
    int bar;            /* stderr is a terminal: draw a live bar */
    FILE *metrics;
    int64_t saved_step;  /* step of the last periodic last.ckpt (-1: none) */
} Progress;

/* After a failed step: say what became of the checkpoints, so a person
 * knows the last saved file is intact (a failed step never saves). */
static void note_last_checkpoint(const Trainer *tr, const Progress *pg, RnnError *err)
{
    char path[CONFIG_PATH_MAX], tail[CONFIG_PATH_MAX + 64];
    struct stat st;
    if (!checkpoint_enabled(&tr->cfg) ||
        checkpoint_path(&tr->cfg, "last.ckpt", path, sizeof path) != 0)
        return;
    if (stat(path, &st) != 0)
        snprintf(tail, sizeof tail, "; no checkpoint was saved");
    else if (pg->saved_step >= 0)
        snprintf(tail, sizeof tail, "; the last checkpoint, %s (step %lld), is intact", path,
                 (long long)pg->saved_step);
    else
        snprintf(tail, sizeof tail, "; the last checkpoint, %s, is intact", path);
    strncat(err->msg, tail, sizeof err->msg - strlen(err->msg) - 1);
}

static void write_metrics(const Trainer *tr, Progress *pg, int evaluated)
{
    if (!pg->metrics)
        return;
    fprintf(pg->metrics, "{\"step\":%lld,\"epoch\":%.6f,\"train_loss\":%.6f",
            (long long)tr->step, trainer_epoch(tr), tr->last_loss);
    if (evaluated && isfinite(tr->last_val))
        fprintf(pg->metrics, ",\"val_loss\":%.6f", tr->last_val);
    fprintf(pg->metrics, ",\"lr\":%.8g,\"grad_norm\":%.6f,\"chars_per_sec\":%.1f,\"elapsed_s\":%.3f}\n",
            tr->lr, tr->last_grad_norm, pg->rate, clock_seconds() - pg->start);
    fflush(pg->metrics);
}

static void print_progress(const Trainer *tr, const Progress *pg, int64_t goal)
{
    char val[64] = "";
    if (isfinite(tr->last_val))
        snprintf(val, sizeof val, " val %.4f @%lld", tr->last_val,
                 (long long)tr->last_val_step);  /* the step it was measured at */
    if (pg->bar) {
        fputc('\r', stderr);
        fputs("\033[K", stderr);
    }
    fprintf(pg->bar ? stderr : stdout,
            "step %lld%s%.0lld epoch %.3f loss %.4f%s %.0f %s/s %.1fs", (long long)tr->step,
            goal ? "/" : "", (long long)goal, trainer_epoch(tr), tr->last_loss, val, pg->rate,
            tr->corpus->vocab.kind == TOKENIZE_WORD ? "tokens" : "chars",
            clock_seconds() - pg->start);
    if (pg->bar && goal > 0) {
        int width = 20, done = (int)(width * (double)tr->step / (double)goal);
        fputs(" [", stderr);
        for (int i = 0; i < width; i++)
            fputc(i < done ? '#' : '.', stderr);
        fputc(']', stderr);
    }
    if (!pg->bar)
        fputc('\n', stdout);
    fflush(pg->bar ? stderr : stdout);
}

static void update_rate(const Trainer *tr, Progress *pg)
{
    double now = clock_seconds();
    if (now > pg->last_time)
        pg->rate = (double)(tr->symbols_seen - pg->last_symbols) / (now - pg->last_time);
    pg->last_time = now;
    pg->last_symbols = tr->symbols_seen;
}

static int open_metrics(const Options *o, Progress *pg, RnnError *err)
{
    if (!o->metrics[0])
        return 0;
    pg->metrics = fopen(o->metrics, "w");
    if (!pg->metrics)
        return err_set(err, RNN_ERR_INPUT, "--metrics %s: cannot open for writing: %s", o->metrics,
                       strerror(errno));
    return 0;
}

/* Checkpoints due after a step; a failed save is a warning (the previous
 * file is kept) and training goes on. */
static void periodic_checkpoint(const Options *o, Trainer *tr, Progress *pg,
                                int evaluated)
{
    RnnError err;
    char path[CONFIG_PATH_MAX];
    int due = checkpoint_due(tr, evaluated);
    if (!due)
        return;
    if (checkpoint_after_step(tr, evaluated, &err)) {
        fprintf(stderr, "rnntop: warning: %s\n", err.msg);
        return;
    }
    if (due & CKPT_DUE_PERIODIC)
        pg->saved_step = tr->step;
    if (o->quiet)
        return;
    if (pg->bar)
        fputs("\r\033[K", stderr);
    if (due & CKPT_DUE_PERIODIC && !checkpoint_path(&tr->cfg, "last.ckpt", path, sizeof path))
        printf("checkpoint: step %lld saved to %s\n", (long long)tr->step, path);
    if (due & CKPT_DUE_BEST && !checkpoint_path(&tr->cfg, "best.ckpt", path, sizeof path))
        printf("checkpoint: new best val %.4f saved to %s\n", tr->last_val, path);
    fflush(stdout);
}

/* At the end (the limit, a signal): last.ckpt unless this step's is
 * saved, and best.ckpt if the final evaluation is a new best. Returns 0 or
 * -1 with err. */
static int final_checkpoint(const Options *o, const Trainer *tr, const Progress *pg,
                            int new_best, RnnError *err)
{
    char path[CONFIG_PATH_MAX];
    if (!checkpoint_enabled(&tr->cfg))
        return 0;
    if (new_best && checkpoint_save_named(tr, "best.ckpt", err))
        return -1;
    if (new_best && !o->quiet && !checkpoint_path(&tr->cfg, "best.ckpt", path, sizeof path))
        printf("checkpoint: new best val %.4f saved to %s\n", tr->last_val, path);
    int fresh = pg->saved_step != tr->step;
    if (fresh && checkpoint_save_last(tr, err))
        return -1;
    checkpoint_path(&tr->cfg, "last.ckpt", path, sizeof path);
    if ((fresh && !o->quiet) || stopsig_caught())
        printf("checkpoint: step %lld saved to %s\n", (long long)tr->step, path);
    return 0;
}

/* The step loop: stops at the step or time limit or a signal. */
static int train_loop(const Options *o, Trainer *tr, Progress *pg, RnnError *err)
{
    const TrainConfig *tc = &tr->cfg.train;
    int64_t goal = o->steps > 0 ? tr->step + o->steps : 0;
    while (!stopsig_caught() && (!goal || tr->step < goal) &&
           (o->time_limit <= 0 || clock_seconds() - pg->start < o->time_limit)) {
        if (trainer_step(tr, err))
            return -1;
        int evaluated = tc->eval_every > 0 && tr->step % tc->eval_every == 0;
        if (evaluated)
            trainer_evaluate(tr);
        if (tr->step % tc->log_every == 0 || evaluated) {
            update_rate(tr, pg);
            write_metrics(tr, pg, evaluated);
            if (!o->quiet)
                print_progress(tr, pg, goal);
        }
        periodic_checkpoint(o, tr, pg, evaluated);
    }
    return 0;
}

static void print_done(const Trainer *tr, double val, double elapsed, int64_t symbols)
{
    if (isnan(val))
        printf("no validation loss: the validation split is empty or too small "
               "(corpus.val_fraction is %g)\n", tr->cfg.corpus.val_fraction);
    if (tr->corpus->vocab.kind == TOKENIZE_WORD)  /* the done line's keys stay as they are */
        printf("word level: val_loss=%.4f nats/token, %.4f bits/token (bpc and chars_per_sec "
               "below count tokens)\n", val, val / log(2.0));
    printf("done: steps=%lld train_loss=%.4f val_loss=%.4f bpc=%.4f chars_per_sec=%.0f\n",
           (long long)tr->step, tr->last_loss, val, val / log(2.0),
           elapsed > 0 ? (double)symbols / elapsed : 0.0);
    fflush(stdout);
}

int cmd_train(const Options *o)
{
    static Trainer tr;
    Corpus corpus;
    RnnError err;
    err_clear(&err);
    Progress pg = {0};
    pg.saved_step = -1;
    if (open_metrics(o, &pg, &err))
        return report_error(&err);
    if (setup(o, &corpus, &tr, &err)) {
        if (pg.metrics)
            fclose(pg.metrics);
        return report_error(&err);
    }
    /* the trainer has set BLAS threads: 1 per worker, or all for a lone worker */
    int threads = tr.n_workers > 1 ? 1 : blas_set_threads(tr.cfg.train.threads);
    if (!o->quiet)
        print_banner(&tr, threads, stdout);
    print_warnings(&tr);
    if (!o->quiet && o->resume[0])
        printf("resumed: %s at step %lld, epoch %.3f\n", o->resume, (long long)tr.step,
               trainer_epoch(&tr));
    pg.bar = !o->quiet && isatty(STDERR_FILENO);
    pg.start = pg.last_time = clock_seconds();
    pg.last_symbols = pg.start_symbols = tr.symbols_seen;  /* a resumed run counts from here */
    stopsig_catch();
    int failed = train_loop(o, &tr, &pg, &err);
    if (failed)
        note_last_checkpoint(&tr, &pg, &err);
    if (pg.bar)
        fputs("\n", stderr);
    double elapsed = clock_seconds() - pg.start;
    double best_before = tr.best_val;
    double val = failed ? tr.last_val : trainer_evaluate(&tr);
    int new_best = isfinite(val) && !(val >= best_before);
    int save_failed = !failed && final_checkpoint(o, &tr, &pg, new_best, &err);
    if (!failed)  /* scripts read "done:" as success */
        print_done(&tr, val, elapsed, tr.symbols_seen - pg.start_symbols);
    if (pg.metrics)
        fclose(pg.metrics);
    trainer_free(&tr);
    corpus_free(&corpus);
    if (failed || save_failed)
        return report_error(&err);
    int sig = stopsig_caught();
    if (sig)
        return 128 + sig;
    return 0;
}

/* ---- bench ---------------------------------------------------------------- */

int cmd_bench(const Options *o)
{
    static Trainer tr;
    Corpus corpus;
    RnnError err;
    err_clear(&err);
    int threads = blas_set_threads(o->cfg.train.threads);
    if (setup(o, &corpus, &tr, &err))
        return report_error(&err);
    print_banner(&tr, threads, stdout);
    printf("recurrent products: weights packed once per step, %s kernel\n",
           pgemm_kernel_name());
    int64_t steps = o->steps > 0 ? o->steps : 20, warmup = 3;
    int rc = 0;
    for (int64_t i = 0; i < warmup && !rc; i++)
        rc = trainer_step(&tr, &err);
    trainer_set_profile(&tr, 1);
    double t0 = clock_seconds();
    for (int64_t i = 0; i < steps && !rc; i++)
        rc = trainer_step(&tr, &err);
    double dt = clock_seconds() - t0;
    double parts[3];
    trainer_profile(&tr, parts);
    if (rc) {
        trainer_free(&tr);
        corpus_free(&corpus);
        return report_error(&err);
    }
    const ModelShape *s = &tr.model.shape;
    double chars = (double)steps * tr.B * tr.T, cps = chars / dt;
    double gflops = cps * model_flops_per_symbol(s) / 1e9;
    /* the peaks with every thread the run used, as one BLAS call would */
    int threads_used = tr.n_workers > 1 ? tr.n_workers : (threads > 0 ? threads : 1);
    blas_set_threads(threads_used);
    int GH = model_gates(s->cell) * s->H;
    double peak = blas_sgemm_gflops(tr.B, GH, s->H, 0.5);
    double big = blas_sgemm_gflops(1024, 1024, 1024, 0.5);
    printf("steps %lld x %d symbols in %.3f s; loss %.4f; %d worker%s\n", (long long)steps,
           tr.B * tr.T, dt, tr.last_loss, tr.n_workers, tr.n_workers == 1 ? "" : "s");
    printf("matrix products: %.2f MFLOP per symbol, %.1f GFLOP/s achieved\n",
           model_flops_per_symbol(s) / 1e6, gflops);
    printf("sgemm with %d thread%s: %.1f GFLOP/s at the recurrent shape (%dx%d times %dx%d), "
           "%.1f GFLOP/s at 1024^3; achieved = %.0f%% and %.0f%% of those\n",
           threads_used, threads_used == 1 ? "" : "s", peak, tr.B, s->H, s->H, GH, big,
           100 * gflops / peak, 100 * gflops / big);
    double other = dt - parts[0] - parts[1] - parts[2];
    printf("step time: matrix products %.0f%%, elementwise gates %.0f%%, softmax and loss "
           "%.0f%%, other %.0f%% (%.1f ms per step)\n",
           100 * parts[0] / dt, 100 * parts[1] / dt, 100 * parts[2] / dt,
           100 * (other > 0 ? other : 0) / dt, 1e3 * dt / (double)steps);
    printf("bench: chars_per_sec=%.0f gflops=%.2f sgemm_peak_gflops=%.2f\n", cps, gflops, peak);
    trainer_free(&tr);
    corpus_free(&corpus);
    return 0;
}
