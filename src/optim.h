/* optim: the optimizers (Adam, Adagrad, SGD with momentum) and gradient
 * clipping by global norm, over flat parameter and gradient buffers.
 * An Optimizer owns its moment buffers (m, v); optim_free releases them.
 * Used by the trainer thread, which may share optim_update among its workers
 * (disjoint slices); everything else from that thread only. */
#ifndef RNNTOP_OPTIM_H
#define RNNTOP_OPTIM_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"

typedef struct Optimizer {
    OptimizerType type;
    size_t n;         /* parameters */
    float *m;         /* adam first moment; sgd velocity */
    float *v;         /* adam second moment; adagrad sum of squares */
    int64_t t;        /* updates made (adam bias correction) */
    double beta1, beta2, eps, momentum;
} Optimizer;

int optim_init(Optimizer *o, OptimizerType type, size_t n, RnnError *err);
void optim_free(Optimizer *o);

/* Euclidean norm of all gradients (double accumulation). */
double optim_grad_norm(const float *g, size_t n);

/* Sum of squares of g[0..n) in double: one slice's share of the norm. */
double optim_sum_squares(const float *g, size_t n);

/* The factor that brings a gradient of norm `norm` down to max_norm, or 1
 * (max_norm <= 0: no clipping). */
float optim_clip_factor(double norm, double max_norm);

/* Scale g so its norm is at most max_norm (max_norm <= 0: no clipping). */
void optim_clip(float *g, size_t n, double norm, double max_norm);

/* One update of params from grads with learning rate lr. */
void optim_step(Optimizer *o, float *params, const float *grads, double lr);

/* The same update split so that threads can share it: optim_advance once
 * per step (from one thread), then optim_update on disjoint slices
 * [first, first+count) from any threads; grads are multiplied by
 * grad_scale (the clip factor) as they are read, not modified. */
void optim_advance(Optimizer *o);
void optim_update(const Optimizer *o, float *params, const float *grads, float grad_scale,
                  double lr, size_t first, size_t count);

#endif
