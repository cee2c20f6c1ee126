/* dashboard_gen: incremental sampling for the dashboard on a private
 * snapshot of the weights. Owns the snapshot copy, the Sampler and the
 * per-step candidate lists; draws nothing. */
#include <autoconfig.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard_gen.h"

const double gen_temps[GEN_TEMPS] = {0.2, 0.5, 1.0, 1.5};

int gen_init(Gen *g, Session *s, const Vocab *v, const SampleConfig *sc, RnnError *err)
{
    memset(g, 0, sizeof *g);
    g->vocab = v;
    ModelShape shape = session_shape(s);
    if (model_alloc(&g->snap, &shape, err))
        return -1;
    g->length = sc->length < GEN_MAX ? sc->length : GEN_MAX;
    g->steps = calloc((size_t)g->length, sizeof *g->steps);
    for (int i = 0; i < GEN_TEMPS && g->steps; i++)
        if (!(g->col[i].ids = calloc((size_t)g->length, sizeof(int32_t))))
            break;
    if (!g->steps || !g->col[GEN_TEMPS - 1].ids) {
        gen_free(g);
        return err_set(err, RNN_ERR_RUNTIME, "out of memory for the sample");
    }
    g->L = shape.L;
    g->H = shape.H;
    g->lstm = shape.cell == CELL_LSTM;
    size_t bytes = (size_t)g->length * 2 * (size_t)shape.L * (size_t)shape.H * sizeof(float);
    if (bytes <= (size_t)GEN_ACTS_MAX_BYTES)
        g->acts = malloc(bytes);  /* NULL: the activations view says why */
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
    for (int i = 0; i < GEN_TEMPS; i++) {
        if (g->cols_ready)
            sampler_free(&g->col[i].sampler);
        free(g->col[i].ids);
    }
    model_free(&g->snap);
    free(g->steps);
    free(g->acts);
    memset(g, 0, sizeof *g);
}

/* Prime the sampler with prime; -1 with err on an unknown symbol. */
static int prime_with(Gen *g, const char *prime, RnnError *err)
{
    g->n = 0;
    g->sampler.params = g->params;
    return sampler_prime(&g->sampler, prime, strlen(prime), UNKNOWN_ERROR, err);
}

/* Prime every temperature column with the sample's prime and settings. */
static void columns_restart(Gen *g)
{
    RnnError err;
    err_clear(&err);
    g->col_error[0] = '\0';
    for (int i = 0; i < GEN_TEMPS && g->cols_ready; i++) {
        GenColumn *c = &g->col[i];
        SampleParams sp = g->params;
        sp.temperature = gen_temps[i];
        c->n = 0;
        c->sampler.lowercase = g->sampler.lowercase;
        if (sampler_set_params(&c->sampler, &sp, &err) ||
            sampler_prime(&c->sampler, g->prime, strlen(g->prime), UNKNOWN_ERROR, &err)) {
            snprintf(g->col_error, sizeof g->col_error, "%s", err.msg);
            return;
        }
    }
}

int gen_restart(Gen *g)
{
    RnnError err;
    err_clear(&err);
    g->n = 0;
    g->serial++;
    if (!g->ready)
        return -1;
    columns_restart(g);
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
        /* the engine's message is worded for the command line: drop its
         * "prime: " and its hint about --unknown, which the editor lacks */
        const char *why = strncmp(err.msg, "prime: ", 7) == 0 ? err.msg + 7 : err.msg;
        const char *hint = strstr(why, " (--unknown");
        int len = hint ? (int)(hint - why) : (int)strlen(why);
        snprintf(msg, cap, "prime not used: %.*s", len, why);
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
    const Sampler *sm = &g->sampler;
    if (g->acts) {
        size_t lh = (size_t)g->L * g->H;
        float *a = g->acts + (size_t)g->n * 2 * lh;
        memcpy(a, sm->state_h, sizeof(float) * lh);
        memcpy(a + lh, sm->state_c, sizeof(float) * lh);
    }
    GenStep *st = &g->steps[g->n++];
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

const float *gen_state(const Gen *g, int j, int k, int l)
{
    if (!g->acts || j < 0 || j >= g->n || k < 0 || k > 1 || l < 0 || l >= g->L)
        return NULL;
    size_t lh = (size_t)g->L * g->H;
    return g->acts + ((size_t)j * 2 + (size_t)k) * lh + (size_t)l * g->H;
}

int gen_columns_start(Gen *g)
{
    RnnError err;
    err_clear(&err);
    if (g->cols_ready)
        return 0;
    if (!g->ready) {
        snprintf(g->col_error, sizeof g->col_error, "waiting for the first snapshot");
        return -1;
    }
    for (int i = 0; i < GEN_TEMPS; i++)
        if (sampler_init(&g->col[i].sampler, &g->snap, g->vocab, &g->params, &err)) {
            while (i-- > 0)
                sampler_free(&g->col[i].sampler);
            snprintf(g->col_error, sizeof g->col_error, "%s", err.msg);
            return -1;
        }
    g->cols_ready = 1;
    columns_restart(g);
    return g->col_error[0] ? -1 : 0;
}

int gen_columns_advance(Gen *g, int max)
{
    int added = 0;
    if (!g->cols_ready || g->col_error[0])
        return 0;
    for (int i = 0; i < GEN_TEMPS; i++) {
        GenColumn *c = &g->col[i];
        for (int k = 0; k < max && c->n < g->length; k++, added++)
            c->ids[c->n++] = sampler_next(&c->sampler);
    }
    return added;
}
