/* session: a training run on a background pthread, for the dashboard.
 *
 * The trainer thread owns the Trainer (live weights, optimizer state) and
 * is its only writer. It publishes, never blocking on readers:
 *   - statistics (SessionStats) after every step, under a mutex held only
 *     for a copy;
 *   - a weight snapshot (a copy of the parameters plus its step and a
 *     generation counter) every ~300 ms, after an evaluation, or when asked;
 *   - the loss histories, copied on request.
 * Commands (pause, resume, learning rate, save, stop) are queued by the UI
 * and applied by the trainer thread at the next step boundary.
 * Every session_* call below is thread-safe unless it says otherwise. The
 * trainer thread blocks SIGINT, SIGTERM and SIGWINCH so the UI thread gets
 * them. */
#ifndef RNNTOP_SESSION_H
#define RNNTOP_SESSION_H

#include <stdint.h>

#include "config.h"
#include "corpus.h"
#include "error.h"
#include "model.h"

typedef enum {
    SESSION_STARTING = 0,
    SESSION_TRAINING,
    SESSION_PAUSED,
    SESSION_FINISHED,   /* reached --steps / --time */
    SESSION_STOPPED,    /* stopped on request */
    SESSION_FAILED      /* stopped on error (NaN loss, I/O): see error */
} SessionState;

typedef struct SessionStats {
    SessionState state;
    int64_t step;
    double epoch;
    double train_loss;      /* last step */
    double val_loss;        /* last evaluation, NAN if none */
    int64_t val_step;
    double best_val;
    double lr, grad_norm;
    double chars_per_sec;   /* recent average */
    double elapsed;         /* seconds of training, pauses excluded */
    int64_t saved_step;     /* step of the last checkpoint written, -1 if none */
    char message[256];      /* last event ("checkpoint saved to ...") or error */
    int workers;            /* data-parallel training threads (see trainer.h) */
} SessionStats;

typedef struct Session Session;

/* Start training cfg on corpus (kept alive by the caller until
 * session_free) in a new thread; resume from a checkpoint if resume_path
 * is not empty. max_steps / max_seconds bound the run (0 = unbounded;
 * N more steps or seconds of training, pauses excluded); reaching one ends
 * in SESSION_FINISHED and, when checkpointing is on (checkpoint_enabled),
 * writes last.ckpt as headless training does. The thread also writes the
 * periodic and best-validation checkpoints (checkpoint_after_step).
 * Returns NULL with err on failure. */
Session *session_start(const Config *cfg, const Corpus *corpus, const char *resume_path,
                       int64_t max_steps, double max_seconds, RnnError *err);

void session_get_stats(Session *s, SessionStats *out);

/* Copy the newest weight snapshot into dst (allocated by the caller with
 * the session's shape) if its generation differs from *generation; updates
 * *generation and returns 1 if copied, 0 if nothing newer. */
int session_copy_snapshot(Session *s, Model *dst, uint64_t *generation);

/* session_copy_snapshot that also gives the training step the copied
 * weights belong to (step may be NULL). A session publishes its starting
 * weights (step 0, or the resumed step) as generation 1. */
int session_copy_snapshot_step(Session *s, Model *dst, uint64_t *generation, int64_t *step);

/* The model shape, for allocating snapshot copies. */
ModelShape session_shape(Session *s);

/* Copy up to cap points of the train (which = 0) or validation (which = 1)
 * loss history, oldest first; returns the count. When the history holds
 * more than cap points, the newest cap are copied. */
int session_copy_history(Session *s, int which, int64_t *steps, float *values, int cap);

void session_pause(Session *s);
void session_resume(Session *s);
/* A new base learning rate (train.lr_decay keeps applying to it); a value
 * that is not positive and finite is ignored. */
void session_set_lr(Session *s, double lr);
/* Save a checkpoint at the next step boundary (last.ckpt in the
 * checkpoint folder); the result shows in stats.message. */
void session_request_save(Session *s);
void session_request_snapshot(Session *s);

/* Stop at the next step boundary and join the thread. Optionally save
 * last.ckpt first (ignored if the run has already finished or failed).
 * Called by the thread that started the session; a second call is a no-op. */
void session_stop(Session *s, int save);

/* Stop (without saving) if running, join, free everything. s may be NULL.
 * Called by the thread that started the session. */
void session_free(Session *s);

#endif
