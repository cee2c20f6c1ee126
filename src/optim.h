/* optim: the optimizers (Adam, Adagrad, SGD with momentum) and gradient
 * clipping by global norm, over flat parameter and gradient buffers.
 * An Optimizer owns its moment buffers (m, v); optim_free releases them.
 * Used by the trainer thread only. */
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

/* Scale g so its norm is at most max_norm (max_norm <= 0: no clipping). */
void optim_clip(float *g, size_t n, double norm, double max_norm);

/* One update of params from grads with learning rate lr. */
void optim_step(Optimizer *o, float *params, const float *grads, double lr);

#endif
