/* session: the background training thread behind the dashboard, its
 * command mailbox and the statistics, snapshot and histories it publishes;
 * see session.h. Drawing, keys and sampling belong to the UI, not here. */
#include "session.h"

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "checkpoint.h"
#include "trainer.h"

#define SNAPSHOT_INTERVAL 0.3  /* seconds between periodic snapshots */
#define RATE_WINDOW 2.0        /* chars/s is averaged over about this many seconds */
#define RATE_SPACING 0.1       /* seconds between samples of the rate window */
#define RATE_SAMPLES 32        /* RATE_SAMPLES * RATE_SPACING > RATE_WINDOW */

/* (active time, symbols seen) samples, for a moving chars/s. */
typedef struct RateWindow {
    double t[RATE_SAMPLES];
    int64_t sym[RATE_SAMPLES];
    int n, next;
} RateWindow;

/* Commands the UI leaves for the trainer thread. */
typedef struct Commands {
    int paused, stop, save_on_stop;
    int save, snapshot, lr_set;
    double lr;
} Commands;

struct Session {
    Trainer tr;           /* written only by the trainer thread once it runs */
    ModelShape shape;     /* fixed at start */
    int64_t goal;         /* step to finish at, -1 for none */
    double max_seconds;   /* 0: no time limit */
    pthread_t thread;
    int joinable;         /* thread started, not joined (owner thread only) */

    pthread_mutex_t mu;   /* guards everything below up to `cur` */
    pthread_cond_t wake;  /* signalled on every command */
    Commands cmd;
    SessionStats stats;
    Model snap;
    int64_t snap_step;
    uint64_t snap_gen;
    History pub_train, pub_val;

    /* trainer thread only */
    SessionStats cur;     /* the statistics being built, copied to stats */
    double start, paused_total, pause_began, last_snap;
    RateWindow rate;
};

static void set_message(SessionStats *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_message(SessionStats *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->message, sizeof st->message, fmt, ap);
    va_end(ap);
}

/* ---- the trainer thread: publishing ---------------------------------------- */

/* Seconds of training so far, pauses excluded. */
static double active_seconds(const Session *s)
{
    return clock_seconds() - s->start - s->paused_total;
}

/* Chars/s from the oldest sample at most RATE_WINDOW old (or the newest
 * one, when steps are slower than that); -1 if it cannot tell yet. */
static double rate_update(RateWindow *w, double t, int64_t sym)
{
    int pick = -1, newest = (w->next + RATE_SAMPLES - 1) % RATE_SAMPLES;
    for (int i = 0; i < w->n; i++)
        if (t - w->t[i] <= RATE_WINDOW && (pick < 0 || w->t[i] < w->t[pick]))
            pick = i;
    if (pick < 0 && w->n > 0)
        pick = newest;
    double rate = pick >= 0 && t > w->t[pick]
                      ? (double)(sym - w->sym[pick]) / (t - w->t[pick]) : -1;
    if (w->n == 0 || t - w->t[newest] >= RATE_SPACING) {
        w->t[w->next] = t;
        w->sym[w->next] = sym;
        w->next = (w->next + 1) % RATE_SAMPLES;
        w->n += w->n < RATE_SAMPLES;
    }
    return rate;
}

/* Bring a published history up to date with the trainer's: only the new
 * points, unless the trainer compacted it (the stride changed). */
static void history_sync(History *pub, const History *src)
{
    int from = pub->stride == src->stride && pub->n <= src->n ? pub->n : 0;
    size_t k = (size_t)(src->n - from);
    memcpy(pub->step + from, src->step + from, sizeof(int64_t) * k);
    memcpy(pub->value + from, src->value + from, sizeof(float) * k);
    pub->n = src->n;
    pub->stride = src->stride;
}

/* Fill the thread's statistics from the trainer and copy them out. */
static void publish_stats(Session *s)
{
    const Trainer *tr = &s->tr;
    SessionStats *c = &s->cur;
    c->step = tr->step;
    c->epoch = trainer_epoch(tr);
    c->train_loss = tr->step > 0 ? tr->last_loss : NAN;
    c->val_loss = tr->last_val;
    c->val_step = tr->last_val_step;
    c->best_val = tr->best_val;
    c->lr = tr->lr;
    c->grad_norm = tr->last_grad_norm;
    if (c->state != SESSION_PAUSED)
        c->elapsed = active_seconds(s);
    pthread_mutex_lock(&s->mu);
    s->stats = *c;
    history_sync(&s->pub_train, &tr->train_hist);
    history_sync(&s->pub_val, &tr->val_hist);
    pthread_mutex_unlock(&s->mu);
}

static void publish_snapshot(Session *s)
{
    pthread_mutex_lock(&s->mu);
    model_copy_params(&s->snap, &s->tr.model);
    s->snap_step = s->tr.step;
    s->snap_gen++;
    pthread_mutex_unlock(&s->mu);
    s->last_snap = clock_seconds();
}

/* Write last.ckpt; the outcome goes to the message, prefixed by what. */
static void save_last(Session *s, const char *what)
{
    RnnError err;
    err_clear(&err);
    if (checkpoint_save_last(&s->tr, &err)) {
        set_message(&s->cur, "%scheckpoint not saved: %s", what, err.msg);
        return;
    }
    s->cur.saved_step = s->tr.step;
    set_message(&s->cur, "%scheckpoint saved to %s/last.ckpt at step %lld", what,
                s->tr.cfg.train.checkpoint_dir, (long long)s->tr.step);
}

/* ---- the trainer thread: commands ------------------------------------------ */

/* Apply commands taken from the mailbox (the mutex is not held). */
static void apply_commands(Session *s, const Commands *c)
{
    Trainer *tr = &s->tr;
    if (c->lr_set) {
        /* a new base rate: the decay schedule continues from it */
        tr->cfg.train.learning_rate = c->lr;
        tr->lr = trainer_lr_at(&tr->cfg, tr->step);
        set_message(&s->cur, "learning rate set to %g", tr->lr);
    }
    if (c->save)
        save_last(s, "");
    if (c->snapshot)
        publish_snapshot(s);
    publish_stats(s);
}

static void enter_pause(Session *s)
{
    s->pause_began = clock_seconds();
    s->cur.state = SESSION_PAUSED;
    s->stats.state = SESSION_PAUSED;
}

static void leave_pause(Session *s)
{
    s->paused_total += clock_seconds() - s->pause_began;
    s->cur.state = SESSION_TRAINING;
    s->stats.state = SESSION_TRAINING;
}

/* At a step boundary: apply what the UI asked for; while paused, sleep on
 * the condition variable (still serving save, snapshot and learning-rate
 * requests). Returns 1 when asked to stop. */
static int take_commands(Session *s)
{
    pthread_mutex_lock(&s->mu);
    while (!s->cmd.stop) {
        Commands c = s->cmd;
        if (c.lr_set || c.save || c.snapshot) {
            s->cmd.lr_set = s->cmd.save = s->cmd.snapshot = 0;
            pthread_mutex_unlock(&s->mu);
            apply_commands(s, &c);
            pthread_mutex_lock(&s->mu);
            continue;
        }
        if (!c.paused)
            break;
        if (s->cur.state != SESSION_PAUSED)
            enter_pause(s);
        pthread_cond_wait(&s->wake, &s->mu);
    }
    if (s->cur.state == SESSION_PAUSED)
        leave_pause(s);
    int stop = s->cmd.stop;
    pthread_mutex_unlock(&s->mu);
    return stop;
}

/* ---- the trainer thread: the loop ------------------------------------------ */

/* What checkpoint_after_step writes (as headless training does); a failed
 * save is reported and training goes on, the previous file kept. */
static void periodic_checkpoint(Session *s, int evaluated)
{
    Trainer *tr = &s->tr;
    int due = checkpoint_due(tr, evaluated);
    if (!due)
        return;
    RnnError err;
    err_clear(&err);
    if (checkpoint_after_step(tr, evaluated, &err)) {
        set_message(&s->cur, "checkpoint not saved: %s", err.msg);
        return;
    }
    if (due & CKPT_DUE_PERIODIC) {
        s->cur.saved_step = tr->step;
        set_message(&s->cur, "checkpoint saved to %s/last.ckpt at step %lld",
                    tr->cfg.train.checkpoint_dir, (long long)tr->step);
    } else {
        set_message(&s->cur, "new best val %.4f saved to %s/best.ckpt", tr->last_val,
                    tr->cfg.train.checkpoint_dir);
    }
}

/* Evaluation, periodic checkpoints and publishing after a step. */
static void after_step(Session *s)
{
    Trainer *tr = &s->tr;
    const TrainConfig *tc = &tr->cfg.train;
    int evaluated = tc->eval_every > 0 && tr->step % tc->eval_every == 0;
    if (evaluated)
        trainer_evaluate(tr);
    periodic_checkpoint(s, evaluated);
    double rate = rate_update(&s->rate, active_seconds(s), tr->symbols_seen);
    if (rate >= 0)
        s->cur.chars_per_sec = rate;
    publish_stats(s);
    if (evaluated || clock_seconds() - s->last_snap >= SNAPSHOT_INTERVAL)
        publish_snapshot(s);
}

/* Step until stopped, a limit or an error; returns the final state. */
static SessionState run_loop(Session *s)
{
    Trainer *tr = &s->tr;
    RnnError err;
    for (;;) {
        if (take_commands(s))
            return SESSION_STOPPED;
        if ((s->goal >= 0 && tr->step >= s->goal) ||
            (s->max_seconds > 0 && active_seconds(s) >= s->max_seconds))
            return SESSION_FINISHED;
        err_clear(&err);
        if (trainer_step(tr, &err)) {
            set_message(&s->cur, "%s", err.msg);
            return SESSION_FAILED;
        }
        after_step(s);
    }
}

/* The end of a run: at a limit, last.ckpt as headless training writes it
 * (when checkpointing is on and this step is not saved yet); on a stop,
 * last.ckpt if the caller asked for it. */
static void finish(Session *s, SessionState end)
{
    const Trainer *tr = &s->tr;
    pthread_mutex_lock(&s->mu);
    int asked = s->cmd.save_on_stop;
    pthread_mutex_unlock(&s->mu);
    int saved = s->cur.saved_step == tr->step;
    if (end == SESSION_FINISHED && checkpoint_enabled(&tr->cfg) && !saved)
        save_last(s, "finished; ");
    else if (end == SESSION_FINISHED)
        set_message(&s->cur, "finished at step %lld", (long long)tr->step);
    else if (end == SESSION_STOPPED && asked && !saved)
        save_last(s, "stopped; ");
    else if (end == SESSION_STOPPED)
        set_message(&s->cur, "stopped at step %lld", (long long)tr->step);
}

static void block_ui_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGWINCH);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

static void *session_main(void *arg)
{
    Session *s = arg;
    block_ui_signals(NULL);
    s->start = clock_seconds();
    rate_update(&s->rate, 0, s->tr.symbols_seen);
    s->cur.state = SESSION_TRAINING;
    publish_snapshot(s);
    publish_stats(s);
    SessionState end = run_loop(s);
    finish(s, end);
    s->cur.state = end;
    publish_stats(s);
    if (end != SESSION_FAILED)
        publish_snapshot(s);
    return NULL;
}

/* ---- the UI side ----------------------------------------------------------- */

/* Everything start allocates besides the trainer: the snapshot buffer and
 * the published histories, sized like the trainer's. */
static int alloc_published(Session *s, RnnError *err)
{
    const Trainer *tr = &s->tr;
    if (model_alloc(&s->snap, &s->shape, err))
        return -1;
    if (history_init(&s->pub_train, tr->train_hist.cap) ||
        history_init(&s->pub_val, tr->val_hist.cap))
        return err_set(err, RNN_ERR_RUNTIME, "out of memory setting up the training session");
    return 0;
}

static void init_stats(Session *s)
{
    SessionStats *c = &s->cur;
    memset(c, 0, sizeof *c);
    c->state = SESSION_STARTING;
    c->saved_step = -1;
    c->workers = s->tr.n_workers;
    c->step = s->tr.step;
    c->epoch = trainer_epoch(&s->tr);
    c->train_loss = s->tr.step > 0 ? s->tr.last_loss : NAN;
    c->val_loss = s->tr.last_val;
    c->val_step = s->tr.last_val_step;
    c->best_val = s->tr.best_val;
    c->lr = s->tr.lr;
    s->stats = *c;
}

static void release(Session *s, int have_trainer)
{
    if (have_trainer)
        trainer_free(&s->tr);
    model_free(&s->snap);
    history_free(&s->pub_train);
    history_free(&s->pub_val);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* Build the trainer (and restore it) on the caller's thread, so errors
 * come back from session_start; the thread only trains. */
static int prepare(Session *s, const char *resume_path, RnnError *err)
{
    if (resume_path && resume_path[0] && checkpoint_restore(&s->tr, resume_path, err))
        return -1;
    s->tr.lr = trainer_lr_at(&s->tr.cfg, s->tr.step);
    s->shape = s->tr.model.shape;
    return alloc_published(s, err);
}

static int start_thread(Session *s, RnnError *err)
{
    int rc = pthread_create(&s->thread, NULL, session_main, s);
    if (rc)
        return err_set(err, RNN_ERR_RUNTIME, "cannot start the training thread: %s",
                       strerror(rc));
    s->joinable = 1;
    return 0;
}

/* Threads: trainer_init applies train.threads (0: one per core) as its
 * data-parallel workers (the trainer thread is worker 0) with
 * single-threaded BLAS each, or as BLAS threads with one worker. Either
 * way the busy threads equal the cores: the UI thread sleeps in its input
 * timeout nearly all the time and wakes for a few milliseconds a frame, so
 * keeping a core free for it would cost far more throughput than it saves. */
static Session *start(const Config *cfg, const Corpus *corpus, const char *resume_path,
                      int64_t max_steps, double max_seconds, RnnError *err)
{
    Session *s = calloc(1, sizeof *s);
    if (!s) {
        err_set(err, RNN_ERR_RUNTIME, "out of memory starting the training session");
        return NULL;
    }
    if (pthread_mutex_init(&s->mu, NULL) || pthread_cond_init(&s->wake, NULL)) {
        free(s);
        err_set(err, RNN_ERR_RUNTIME, "cannot create the training session's locks");
        return NULL;
    }
    if (trainer_init(&s->tr, cfg, corpus, err)) {
        release(s, 0);
        return NULL;
    }
    if (prepare(s, resume_path, err)) {
        release(s, 1);
        return NULL;
    }
    s->goal = max_steps > 0 ? s->tr.step + max_steps : -1;
    s->max_seconds = max_seconds;
    init_stats(s);
    if (start_thread(s, err)) {
        release(s, 1);
        return NULL;
    }
    return s;
}

/* Every thread the session creates (the trainer thread, and any worker or
 * BLAS threads the trainer starts) inherits a mask with the UI signals
 * blocked, so they reach the UI thread only; the caller's mask is restored. */
Session *session_start(const Config *cfg, const Corpus *corpus, const char *resume_path,
                       int64_t max_steps, double max_seconds, RnnError *err)
{
    sigset_t old;
    block_ui_signals(&old);
    Session *s = start(cfg, corpus, resume_path, max_steps, max_seconds, err);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return s;
}

void session_get_stats(Session *s, SessionStats *out)
{
    pthread_mutex_lock(&s->mu);
    *out = s->stats;
    pthread_mutex_unlock(&s->mu);
}

int session_copy_snapshot_step(Session *s, Model *dst, uint64_t *generation, int64_t *step)
{
    int copied = 0;
    pthread_mutex_lock(&s->mu);
    if (s->snap_gen != *generation && dst->params && dst->off.total == s->snap.off.total) {
        model_copy_params(dst, &s->snap);
        *generation = s->snap_gen;
        if (step)
            *step = s->snap_step;
        copied = 1;
    }
    pthread_mutex_unlock(&s->mu);
    return copied;
}

int session_copy_snapshot(Session *s, Model *dst, uint64_t *generation)
{
    return session_copy_snapshot_step(s, dst, generation, NULL);
}

ModelShape session_shape(Session *s)
{
    return s->shape;
}

int session_copy_history(Session *s, int which, int64_t *steps, float *values, int cap)
{
    pthread_mutex_lock(&s->mu);
    const History *h = which ? &s->pub_val : &s->pub_train;
    int k = cap < h->n ? (cap > 0 ? cap : 0) : h->n, first = h->n - k;
    if (k > 0) {
        memcpy(steps, h->step + first, sizeof(int64_t) * (size_t)k);
        memcpy(values, h->value + first, sizeof(float) * (size_t)k);
    }
    pthread_mutex_unlock(&s->mu);
    return k;
}

/* Post a command: stmt edits the mailbox under the mutex, then the thread
 * is woken in case it is paused. */
#define POST(s, stmt)                          \
    do {                                       \
        pthread_mutex_lock(&(s)->mu);          \
        stmt;                                  \
        pthread_cond_signal(&(s)->wake);       \
        pthread_mutex_unlock(&(s)->mu);        \
    } while (0)

void session_pause(Session *s)
{
    POST(s, s->cmd.paused = 1);
}

void session_resume(Session *s)
{
    POST(s, s->cmd.paused = 0);
}

void session_set_lr(Session *s, double lr)
{
    if (!(lr > 0) || !isfinite(lr))
        return;
    POST(s, (s->cmd.lr_set = 1, s->cmd.lr = lr));
}

void session_request_save(Session *s)
{
    POST(s, s->cmd.save = 1);
}

void session_request_snapshot(Session *s)
{
    POST(s, s->cmd.snapshot = 1);
}

void session_stop(Session *s, int save)
{
    if (!s->joinable)
        return;
    POST(s, (s->cmd.stop = 1, s->cmd.save_on_stop = save));
    pthread_join(s->thread, NULL);
    s->joinable = 0;
}

void session_free(Session *s)
{
    if (!s)
        return;
    session_stop(s, 0);
    release(s, 1);
}
