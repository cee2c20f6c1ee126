/* dashboard_gen: incremental sampling for the dashboard on a private
 * snapshot of the weights. Owns the snapshot copy, the Sampler and the
 * per-step candidate lists; draws nothing. */
#include <autoconfig.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard_gen.h"

int gen_init(Gen *g, Session *s, const Vocab *v, const SampleConfig *sc, RnnError *err)
{
    memset(g, 0, sizeof *g);
    g->vocab = v;
    ModelShape shape = session_shape(s);
    if (model_alloc(&g->snap, &shape, err))
        return -1;
    g->length = sc->length < GEN_MAX ? sc->length : GEN_MAX;
    g->steps = calloc((size_t)g->length, sizeof *g->steps);
    if (!g->steps) {
        model_free(&g->snap);
        return err_set(err, RNN_ERR_RUNTIME, "out of memory for the sample");
    }
    SampleParams sp = {sc->temperature, sc->top_k, sc->top_p, sc->seed};
    g->params = sp;
    snprintf(g->prime, sizeof g->prime, "%s", sc->prime);
    snprintf(g->error, sizeof g->error, "waiting for the first snapshot of the weights");
    return 0;
}

void gen_free(Gen *g)
{
    if (g->ready)
        sampler_free(&g->sampler);
    model_free(&g->snap);
    free(g->steps);
    memset(g, 0, sizeof *g);
}

/* Prime the sampler with prime; -1 with err on an unknown symbol. */
static int prime_with(Gen *g, const char *prime, RnnError *err)
{
    g->n = 0;
    g->sampler.params = g->params;
    return sampler_prime(&g->sampler, prime, strlen(prime), UNKNOWN_ERROR, err);
}

int gen_restart(Gen *g)
{
    RnnError err;
    err_clear(&err);
    g->n = 0;
    if (!g->ready)
        return -1;
    if (sampler_check_params(&g->params, &err) || prime_with(g, g->prime, &err)) {
        snprintf(g->error, sizeof g->error, "%s", err.msg);
        return -1;
    }
    g->error[0] = '\0';
    return 0;
}

int gen_refresh(Gen *g, Session *s, int only_newer)
{
    RnnError err;
    err_clear(&err);
    int copied = session_copy_snapshot_step(s, &g->snap, &g->snap_gen, &g->snap_step);
    if (!copied && (only_newer || !g->snap_gen))
        return 0;
    if (!g->ready) {
        if (sampler_init(&g->sampler, &g->snap, g->vocab, &g->params, &err)) {
            snprintf(g->error, sizeof g->error, "%s", err.msg);
            return 0;
        }
        g->ready = 1;
    }
    gen_restart(g);
    return 1;
}

int gen_set_prime(Gen *g, const char *prime, char *msg, size_t cap)
{
    RnnError err;
    err_clear(&err);
    if (g->ready && prime_with(g, prime, &err)) {
        snprintf(msg, cap, "prime: %s", err.msg);
        gen_restart(g);
        return -1;
    }
    snprintf(g->prime, sizeof g->prime, "%s", prime);
    gen_restart(g);
    return 0;
}

/* Record the step the sampler just drew. */
static void record(Gen *g, int32_t id)
{
    GenStep *st = &g->steps[g->n++];
    const Sampler *sm = &g->sampler;
    st->id = id;
    st->p = sm->probs[id];
    st->p1 = sm->probs_t1[id];
    st->n_top = sampler_top(sm, GEN_TOP, st->top);
    for (int i = 0; i < st->n_top; i++) {
        st->top_p[i] = sm->probs[st->top[i]];
        st->top_p1[i] = sm->probs_t1[st->top[i]];
    }
}

int gen_advance(Gen *g, int max)
{
    int added = 0;
    if (!g->ready || g->error[0])
        return 0;
    while (added < max && g->n < g->length) {
        record(g, sampler_next(&g->sampler));
        added++;
    }
    return added;
}
