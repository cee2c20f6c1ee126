/* net_api.h: declarations of the forward and backward passes, written once
 * for a floating type. Include it with REAL (the type) and NET(name) (the
 * name prefix) defined: net.h does so for float (net_*); the gradient check
 * builds the same code for double (netd_*). No include guard, on purpose.
 *
 * Activations are time-major: row r = t*B + b of a [T*B x N] buffer is
 * stream b at time t. h and c buffers hold T+1 row blocks: block 0 is the
 * state carried in from the previous window. */
#include <stdint.h>

#include "error.h"
#include "model.h"
#include "pgemm.h"
#include "rng.h"

#ifndef NET_PROF_GEMM
#define NET_PROF_GEMM 0     /* matrix products */
#define NET_PROF_GATES 1    /* elementwise cell kernels */
#define NET_PROF_SOFTMAX 2  /* softmax, loss and its gradient */
#endif

typedef struct NET(LayerTensors) {
    REAL *Wx, *Wh, *bx, *bh;
    /* Optional (float build only): Wh packed for the per-time-step
     * products, forward (Wh) and backward (Wh transposed). The caller packs
     * them from the current Wh before each pass; NULL means BLAS on Wh. */
    const PackedMatrix *Whp, *WhTp;
} NET(LayerTensors);

/* Pointers into one buffer laid out by model_offsets. */
typedef struct NET(Tensors) {
    REAL *emb;
    NET(LayerTensors) layer[MODEL_MAX_LAYERS];
    REAL *Wy, *by;
    REAL *base;
    size_t total;
} NET(Tensors);

/* Everything one forward/backward pass over B streams x T steps needs;
 * allocated once (net_work_init), reused every step. */
typedef struct NET(Work) {
    ModelShape s;
    int B, T, GH;
    double dropout;                  /* between layers (0 with one layer) */
    double out_dropout;              /* on the top layer's output, before Wy */
    REAL *in[MODEL_MAX_LAYERS];     /* [T*B x X_l] layer input (NULL: one-hot) */
    REAL *gates[MODEL_MAX_LAYERS];  /* [T*B x GH] activated gates */
    REAL *hn[MODEL_MAX_LAYERS];     /* gru: [T*B x H] h Wh_n + bh_n */
    REAL *h[MODEL_MAX_LAYERS];      /* [(T+1)*B x H] */
    REAL *c[MODEL_MAX_LAYERS];      /* lstm: [(T+1)*B x H] */
    REAL *mask[MODEL_MAX_LAYERS];   /* dropout: [T*B x H] 0 or 1/(1-p) */
    REAL *top, *top_mask;            /* out_dropout: [T*B x H] masked top output, mask */
    REAL *hp;                        /* [B x GH] recurrent product (gru) */
    REAL *logits;                    /* [T*B x V] */
    REAL *probs;                     /* [T*B x V], then d loss / d logits */
    REAL *dgx, *dgh;                 /* [T*B x GH] gate gradients (x and h paths) */
    REAL *dout, *din;                /* [T*B x max(H, E)] */
    REAL *dh, *dc, *dtmp;            /* [B x H] carried gradients */
    REAL *block;                     /* the single allocation */
    int profile;                     /* set to time the parts of each pass */
    double prof[3];                  /* seconds: NET_PROF_GEMM, _GATES, _SOFTMAX */
} NET(Work);

/* Point t at the tensors of a buffer laid out for shape s. */
void NET(bind)(const ModelShape *s, REAL *base, NET(Tensors) *t);

/* dropout applies to the input of every layer above the first,
 * out_dropout to the top layer's output before the output layer; both are
 * used only by a forward pass given a dropout_rng. */
int NET(work_init)(NET(Work) *w, const ModelShape *s, int B, int T, double dropout,
                   double out_dropout, RnnError *err);
void NET(work_free)(NET(Work) *w);

/* Forward over T (<= w->T) steps of B streams. x[t*B + b] are input ids;
 * state_h and state_c ([L x B x H]; state_c used for lstm only) carry the
 * state in and are overwritten with the state after the window. With
 * targets y (same layout) computes softmax probabilities and returns the
 * summed cross-entropy in nats (divide by T*B for the mean); with y NULL
 * only w->logits is filled and 0 is returned. dropout_rng NULL disables
 * dropout (evaluation, sampling). */
double NET(forward)(const NET(Tensors) *p, NET(Work) *w, int T, const int32_t *x,
                    const int32_t *y, REAL *state_h, REAL *state_c, Rng *dropout_rng);

/* Backward over the window of the last forward (called with targets).
 * Adds to g the gradient of scale * (summed cross-entropy). */
void NET(backward)(const NET(Tensors) *p, NET(Tensors) *g, NET(Work) *w, int T,
                   const int32_t *x, const int32_t *y, double scale);
