/* model: the shape of a recurrent language model and the layout of all its
 * parameters in one contiguous float buffer (gradients and optimizer
 * moments use the same layout in buffers of their own).
 *
 * Dimensions, named once and used everywhere:
 *   V vocabulary, E embedding width (0 = one-hot input), H hidden units,
 *   L layers, G gates per cell (rnn 1, gru 3, lstm 4), X_l input width of
 *   layer l (E, or V when one-hot, for l = 0; H above).
 * Per layer l:  Wx [X_l x G*H], Wh [H x G*H], bx [G*H], bh [G*H]
 *   (gate order: lstm i f g o; gru r z n, with n = tanh(x Wx_n + bx_n +
 *   r * (h Wh_n + bh_n)) as in PyTorch; rnn: tanh).
 * Output: Wy [H x V], by [V]. Embedding (E > 0): emb [V x E].
 * A Model owns its parameter buffer; model_free releases it.
 * Thread-safety: a Model is written by one thread (the trainer); copies
 * (snapshots) are what other threads read. */
#ifndef RNNTOP_MODEL_H
#define RNNTOP_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "rng.h"

typedef struct ModelShape {
    CellType cell;
    int V, E, H, L;
} ModelShape;

typedef struct LayerOffsets {
    size_t Wx, Wh, bx, bh;  /* offsets (in floats) into the buffer */
    int X;                  /* input width */
} LayerOffsets;

typedef struct ModelOffsets {
    size_t emb;             /* valid when E > 0 */
    LayerOffsets layer[MODEL_MAX_LAYERS];
    size_t Wy, by;
    size_t total;           /* number of parameters */
} ModelOffsets;

typedef struct Model {
    ModelShape shape;
    ModelOffsets off;
    float *params;          /* off.total floats, owned */
} Model;

/* Gates per cell: 1, 3 or 4. */
int model_gates(CellType cell);

/* Offsets of every tensor for a shape. */
void model_offsets(const ModelShape *s, ModelOffsets *off);

/* Check a shape is sane and estimate the memory training it needs, so a
 * model too large for memory is refused before anything is allocated. */
int model_shape_check(const ModelShape *s, int batch, int seq_len, RnnError *err);

/* Bytes needed to train the shape at B x T (params, grads, two optimizer
 * moments, activations). */
double model_training_bytes(const ModelShape *s, int batch, int seq_len);

/* Allocate and initialise (uniform +-1/sqrt(H), LSTM forget-gate bias 1,
 * embedding N(0,1)) from rng. Returns 0 or -1 with err. */
int model_init(Model *m, const ModelShape *s, Rng *rng, RnnError *err);

/* Allocate with the shape's layout, contents zero. */
int model_alloc(Model *m, const ModelShape *s, RnnError *err);

/* Copy parameters of a model of the same shape (dst must be allocated). */
void model_copy_params(Model *dst, const Model *src);

/* 1 if every parameter is finite. */
int model_all_finite(const Model *m);

void model_free(Model *m);

/* Multiply-add FLOPs of one training step (forward and backward) per
 * symbol, counting the matrix products only: 2 per multiply-add. */
double model_flops_per_symbol(const ModelShape *s);

/* "lstm 2x256, one-hot, V=65, 800k params" style description. */
void model_describe(const ModelShape *s, char *buf, size_t cap);

#endif
