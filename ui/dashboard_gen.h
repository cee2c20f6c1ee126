/* dashboard_gen: the dashboard's sample: a private copy of the newest
 * weight snapshot, a Sampler on it, and per generated step the chosen
 * symbol with its top candidates (probability at the current settings and
 * at T = 1), so moving the cursor never recomputes. Generation runs a few
 * symbols per call on the UI thread. Per step it also keeps the hidden
 * state of every layer (h and c), for the activations view, and it can run
 * GEN_TEMPS extra samplers on the same snapshot, prime and seed at fixed
 * temperatures, for the temperature view. A Gen owns its snapshot,
 * samplers and steps (gen_free); it reads the vocabulary it was given.
 * UI thread only. */
#ifndef RNNTOP_DASHBOARD_GEN_H
#define RNNTOP_DASHBOARD_GEN_H

#include <stdint.h>

#include "editor.h"
#include "sampler.h"
#include "session.h"

#define GEN_TOP 16      /* candidates stored per step */
#define GEN_MAX 4000    /* longest sample kept */
#define GEN_TEMPS 4     /* columns of the temperature view */
#define GEN_ACTS_MAX_BYTES (256L << 20)  /* hidden states kept only up to this size */

/* The temperatures of the temperature view: 0.2, 0.5, 1.0, 1.5. */
extern const double gen_temps[GEN_TEMPS];

/* One column of the temperature view. */
typedef struct GenColumn {
    Sampler sampler;
    int32_t *ids;               /* [length] generated symbols */
    int n;
} GenColumn;

typedef struct GenStep {
    int32_t id;                 /* the chosen symbol */
    float p, p1;                /* its probability now and at T = 1 */
    int n_top;
    int32_t top[GEN_TOP];       /* most likely first */
    float top_p[GEN_TOP], top_p1[GEN_TOP];
} GenStep;

typedef struct Gen {
    const Vocab *vocab;
    Model snap;                 /* weights the sampler reads */
    uint64_t snap_gen;          /* generation of the copy, 0 = none yet */
    int64_t snap_step;          /* training step of the copy */
    Sampler sampler;
    int ready;                  /* sampler initialised on snap */
    SampleParams params;
    char prime[EDITOR_MAX];     /* UTF-8 */
    GenStep *steps;
    int n, length;              /* generated so far, wanted */
    char error[1024];           /* why there is no sample, "" if none */
    uint64_t serial;            /* changes whenever the sample restarts */
    /* hidden states: acts + ((size_t)j * 2 + k) * L * H for step j, k 0 = h,
     * 1 = c: the state that produced step j's distribution, i.e. the state
     * after reading the symbol before step j. NULL when too large. */
    float *acts;
    int L, H, lstm;
    /* the temperature view */
    GenColumn col[GEN_TEMPS];
    int cols_ready;             /* samplers of col[] initialised */
    char col_error[1024];
} Gen;

/* Allocate the snapshot copy and steps for session s. Returns 0 or -1 with
 * err. Generation starts at the first gen_refresh with a snapshot. */
int gen_init(Gen *g, Session *s, const Vocab *v, const SampleConfig *sc, RnnError *err);
void gen_free(Gen *g);

/* Copy the newest snapshot (if any is newer) and restart the sample from
 * it; with only_newer, restart only when a newer snapshot was copied.
 * Returns 1 if a sample (re)started, 0 if not (or no snapshot yet). */
int gen_refresh(Gen *g, Session *s, int only_newer);

/* Restart from the same snapshot with the current params and prime: the
 * same seed gives the same draws. Returns 0, or -1 with g->error set. */
int gen_restart(Gen *g);

/* Replace the prime, restarting; on an error (a symbol the model does not
 * know) the old prime is kept and -1 returned with msg. */
int gen_set_prime(Gen *g, const char *prime, char *msg, size_t cap);

/* Generate up to max more symbols. Returns how many were added. */
int gen_advance(Gen *g, int max);

/* The hidden vector of kind k (0 = h, 1 = c) of layer l at step j, or NULL
 * when not kept or j is not generated yet. */
const float *gen_state(const Gen *g, int j, int k, int l);

/* Start the temperature columns (samplers on the snapshot, same prime,
 * seed, top-k and top-p); after this every restart restarts them too.
 * Returns 0, or -1 with col_error set. */
int gen_columns_start(Gen *g);

/* Generate up to max more symbols in each column; returns how many in all. */
int gen_columns_advance(Gen *g, int max);

#endif
