/* sampler: text generation from a snapshot of a model's weights, one
 * symbol at a time, with everything a viewer needs to show why each symbol
 * was chosen: the distribution sampled from (after temperature, top-k and
 * top-p), the untempered distribution (T = 1), and the hidden state.
 *
 * A Sampler owns its state, scratch buffers and RNG; it only reads the
 * Model and Vocab it was given, which must stay alive and unchanged while
 * the Sampler uses them (give it a snapshot, never weights being trained).
 * One Sampler per thread; distinct Samplers may run concurrently. No
 * allocation after sampler_init.
 *
 * Numerics: softmax in log space with the maximum subtracted, sums in
 * double. Temperature 0 means argmax (greedy); ties go to the lowest id.
 * A tiny temperature (1e-4) is near-greedy without overflow, a large one
 * (100) near-uniform. top_k 0 is off and a top_k of V or more keeps all;
 * top_p lies in (0, 1] (1 is off). Filtering ranks symbols by probability,
 * equal probabilities by lowest id, so the kept support is deterministic.
 *
 * Priming: an empty prime starts from a newline when the vocabulary has
 * one, else from symbol 0 (nothing is printed for it). */
#ifndef RNNTOP_SAMPLER_H
#define RNNTOP_SAMPLER_H

#include <stdint.h>

#include "error.h"
#include "model.h"
#include "net.h"
#include "rng.h"
#include "vocab.h"

#define SAMPLER_CHUNK 64  /* prime symbols fed per forward pass */

typedef struct SampleParams {
    double temperature;  /* >= 0, finite; 0 = greedy */
    int top_k;           /* 0 = off */
    double top_p;        /* (0, 1] */
    uint64_t seed;
} SampleParams;

typedef enum { UNKNOWN_ERROR = 0, UNKNOWN_SKIP = 1, UNKNOWN_REPLACE = 2 } UnknownPolicy;

typedef struct Sampler {
    const Model *model;
    const Vocab *vocab;
    SampleParams params;
    Rng rng;
    int lowercase;        /* fold the prime to lower case (corpus.lowercase); default 0 */
    net_Work work;        /* B = 1, T = SAMPLER_CHUNK */
    net_Tensors p;
    float *state_h, *state_c;  /* [L x H]: the state that produced the last distribution */
    float *probs;         /* [V] distribution of the last step (tempered, filtered) */
    float *probs_t1;      /* [V] the same step at T = 1, unfiltered */
    double *scratch;      /* [V] */
    int32_t *order;       /* [V] */
    int32_t *ids;         /* [SAMPLER_CHUNK] prime symbols waiting to be fed */
    int32_t last;         /* the symbol to feed next (the last one chosen or primed) */
    int64_t steps;        /* symbols drawn since the last prime */
} Sampler;

/* Check temperature, top_k and top_p; RNN_ERR_INPUT with a message. */
int sampler_check_params(const SampleParams *sp, RnnError *err);

/* Build a sampler over m and v (m->shape.V == v->size) with params sp;
 * then call sampler_prime. Returns 0 or -1 with err (bad params: input;
 * out of memory: runtime). sampler_free releases what it allocated. */
int sampler_init(Sampler *s, const Model *m, const Vocab *v, const SampleParams *sp,
                 RnnError *err);
void sampler_free(Sampler *s);

/* Change temperature, top-k or top-p (and the seed used by the next
 * prime) between steps, e.g. from a slider. Returns 0 or -1 with err. */
int sampler_set_params(Sampler *s, const SampleParams *sp, RnnError *err);

/* Zero the state, reseed from params.seed, and feed the prime (UTF-8; CR
 * LF and a lone CR read as LF, as in a corpus) through the network. A
 * prime symbol outside the vocabulary is an error naming it and its
 * position (1-based character index), unless policy says to skip it or to
 * replace it by a space (or, without a space, a newline; without either it
 * is skipped). Invalid UTF-8 is an error naming the byte offset. An empty
 * prime (also one whose symbols were all skipped) starts from a newline.
 * A word-level model cuts the prime into tokens as its corpus was cut
 * (wordtok.h); an unknown word is an error naming it, skipped, or read as
 * <unk> (replace); unknown whitespace runs are split into known ones.
 * Returns 0 or -1 with err (RNN_ERR_INPUT); after an error the state is
 * undefined until the next successful sampler_prime. */
int sampler_prime(Sampler *s, const char *prime, size_t len, UnknownPolicy policy,
                  RnnError *err);

/* Draw the next symbol: feeds s->last, fills s->probs and s->probs_t1 for
 * this step (s->state_h/state_c then hold the state that produced them)
 * and returns the chosen id, which the following call feeds in. */
int32_t sampler_next(Sampler *s);

/* Distribution of logits z[V] at temperature t with top-k/top-p filtering,
 * into p[V] (sums to 1). Exposed for tests and for the dashboard's bars.
 * scratch[V] and order[V] are work space. */
void sampler_distribution(const float *z, int V, const SampleParams *sp, float *p,
                          double *scratch, int32_t *order);

/* Draw an id from p[V] (sums to 1) with one uniform number of rng. */
int32_t sampler_draw(const float *p, int V, Rng *rng);

/* The n most likely ids of the last step into ids[n] (n <= V), ranked by
 * tempered probability, then untempered, then lowest id. Returns n. */
int sampler_top(const Sampler *s, int n, int32_t *ids);

#endif
