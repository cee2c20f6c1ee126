/* trainer: one training run: the model, its gradients and optimizer state,
 * the B data streams over the training split with their carried hidden
 * state, the RNG, the step counter, the loss history and validation.
 *
 * Truncated backpropagation through time as in char-rnn: stream b reads
 * the b-th of B equal slices of the training split; each step takes the
 * next seq_len symbols of every stream, starting from the hidden state the
 * previous step left; at the end of a slice all streams wrap to their start
 * with a zero state. Epochs count symbols seen / training symbols.
 *
 * The Trainer owns everything it points to except the Corpus, which the
 * caller keeps alive and frees after trainer_free. All calls are made from
 * one thread (the trainer thread); other threads read published copies. */
#ifndef RNNTOP_TRAINER_H
#define RNNTOP_TRAINER_H

#include <stdint.h>

#include "config.h"
#include "corpus.h"
#include "error.h"
#include "model.h"
#include "net.h"
#include "optim.h"
#include "rng.h"

/* A bounded series of (step, value) points. When full, neighbouring points
 * are averaged in pairs and the stride doubles, so a long run keeps its
 * whole shape in fixed memory and recording never allocates. */
typedef struct History {
    int64_t *step;
    float *value;
    int n, cap;
    int64_t stride;   /* steps per point */
    double acc;       /* running sum of the point being built */
    int64_t acc_n;
} History;

int history_init(History *h, int cap);
void history_free(History *h);
void history_add(History *h, int64_t step, double value);

/* One worker's share of the batch: streams [b0, b0 + B) of training and
 * [eval_b0, eval_b0 + eval_B) of validation, with its own activations,
 * gradients and state, so each core runs single-threaded GEMMs on its own
 * part instead of two threads sharing every small GEMM. */
/* A layer's recurrent matrix packed for the per-time-step products (see
 * pgemm.h): Wh for the forward pass, Wh^T for the backward one. */
typedef enum { PACK_WH, PACK_WH_T } PackKind;

typedef struct PackedWeight {
    PackedMatrix m;
    PackKind kind;
    int layer;
} PackedWeight;

typedef struct TrainWorker {
    int b0, B, eval_b0, eval_B;
    net_Work work, eval_work;
    float *grads;            /* worker 0: the trainer's own buffer */
    net_Tensors g;
    int32_t *x, *y;          /* [T x max(B, eval_B)] */
    float *state_h, *state_c;  /* [L x max(B, eval_B) x H] */
    Rng rng;                 /* dropout, reseeded every step */
    double loss_sum;         /* summed cross-entropy of the last job */
    int64_t count;           /* targets in it */
    double sum_squares;      /* this worker's slice of the gradient norm */
} TrainWorker;

typedef struct Trainer {
    Config cfg;
    const Corpus *corpus;
    Model model;
    float *grads;            /* model.off.total floats, the reduced gradient */
    Optimizer opt;
    net_Tensors p;
    PackedWeight packed[2 * MODEL_MAX_LAYERS];  /* refreshed before every */
    int n_packed;                               /* pass over new weights */
    int B, T;
    int eval_B;              /* validation streams (0: no validation) */
    int64_t stream_len;      /* training symbols per stream */
    int64_t pos;             /* cursor within every stream */
    float *state_h, *state_c;          /* [L x B x H] carried state */
    int n_workers;
    TrainWorker *workers;
    struct Pool *pool;
    Rng rng;                 /* seeds the workers' dropout masks */
    int64_t step;            /* steps done */
    int64_t symbols_seen;
    double lr;
    float clip_factor;       /* of the current step, read by the update job */
    double last_loss, last_grad_norm;
    int diverging;           /* consecutive steps with a loss above trainer_loss_limit */
    double last_val, best_val;         /* NAN until evaluated */
    int64_t last_val_step;
    History train_hist, val_hist;
} Trainer;

/* Build a run from cfg over corpus: checks the shape and the corpus size,
 * allocates everything the step loop needs, initialises the model from
 * train.seed. train.threads workers (0: all cores; at most the batch) share
 * the batch, each with single-threaded BLAS; with one worker BLAS gets the
 * threads instead. The same seed and thread count give the same losses.
 * Returns 0 or -1 with err. */
int trainer_init(Trainer *tr, const Config *cfg, const Corpus *corpus, RnnError *err);

/* Steps in a row with a loss above trainer_loss_limit after which a run
 * counts as diverged. */
#define TRAINER_DIVERGE_STEPS 20

/* One optimisation step over the next window. Returns 0, or -1 with err
 * (the model is left as it was before the step) if the loss or the
 * gradient is not finite, or if the loss has stayed above
 * trainer_loss_limit for TRAINER_DIVERGE_STEPS steps (a learning rate so
 * high that training diverged). While tr->diverging > 0 checkpoint_save
 * refuses to write, so a diverging model never replaces a good file. */
int trainer_step(Trainer *tr, RnnError *err);

/* The loss (nats per symbol) above which a step counts as diverging:
 * max(3 ln V, ln V + 2), far above the ln V of a uniform guess that an
 * untrained model starts at. */
double trainer_loss_limit(const Trainer *tr);

/* Mean cross-entropy (nats per symbol) over the whole validation split,
 * from a zero state; NAN if there is no validation split. Records it. */
double trainer_evaluate(Trainer *tr);

/* Learning rate in force at the trainer's current step. */
double trainer_lr_at(const Config *cfg, int64_t step);

/* Epochs done, with fraction. */
double trainer_epoch(const Trainer *tr);

/* Time the parts of every pass from now on (on != 0), and read the
 * seconds spent so far per worker, averaged over the workers, in matrix
 * products, elementwise gate kernels, and softmax and loss (out[3]). */
void trainer_set_profile(Trainer *tr, int on);
void trainer_profile(const Trainer *tr, double out[3]);

void trainer_free(Trainer *tr);

#endif
