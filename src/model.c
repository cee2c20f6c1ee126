/* model: parameter layout, initialisation and bookkeeping; see model.h.
 * The math of the forward and backward passes lives in net_impl.h. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int model_gates(CellType cell)
{
    switch (cell) {
    case CELL_LSTM: return 4;
    case CELL_GRU: return 3;
    default: return 1;
    }
}

void model_offsets(const ModelShape *s, ModelOffsets *off)
{
    size_t at = 0;
    int GH = model_gates(s->cell) * s->H;
    memset(off, 0, sizeof *off);
    off->emb = at;
    if (s->E > 0)
        at += (size_t)s->V * s->E;
    for (int l = 0; l < s->L; l++) {
        LayerOffsets *lo = &off->layer[l];
        lo->X = l > 0 ? s->H : (s->E > 0 ? s->E : s->V);
        lo->Wx = at; at += (size_t)lo->X * GH;
        lo->Wh = at; at += (size_t)s->H * GH;
        lo->bx = at; at += (size_t)GH;
        lo->bh = at; at += (size_t)GH;
    }
    off->Wy = at; at += (size_t)s->H * s->V;
    off->by = at; at += (size_t)s->V;
    off->total = at;
}

double model_training_bytes(const ModelShape *s, int batch, int seq_len)
{
    ModelOffsets off;
    model_offsets(s, &off);
    double G = model_gates(s->cell), H = s->H, TB = (double)batch * seq_len;
    double params = 4.0 * off.total;             /* params, grads, 2 moments */
    double per_layer = TB * (3 * G * H + 4 * H) + 2 * (TB + batch) * H;
    double acts = s->L * per_layer + 2 * TB * s->V + TB * (s->E > 0 ? s->E : 0);
    return 4.0 * (params + acts);
}

static double physical_memory_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && size > 0 ? (double)pages * (double)size : 1e18;
}

int model_shape_check(const ModelShape *s, int batch, int seq_len, RnnError *err)
{
    if (s->V < 2)
        return err_set(err, RNN_ERR_INPUT,
                       "the vocabulary has %d symbol(s); a language model needs at least 2", s->V);
    if (s->L < 1 || s->L > MODEL_MAX_LAYERS || s->H < 1)
        return err_set(err, RNN_ERR_INPUT, "model.layers must be 1..%d and model.hidden >= 1",
                       MODEL_MAX_LAYERS);
    double need = model_training_bytes(s, batch, seq_len);
    double limit = 0.9 * physical_memory_bytes();
    if (need > limit)
        return err_set(err, RNN_ERR_INPUT,
                       "the model needs about %.1f GiB to train at batch %d, seq_len %d, "
                       "but this machine has %.1f GiB; make model.hidden, train.batch or "
                       "train.seq_len smaller",
                       need / 1073741824.0, batch, seq_len, limit / 0.9 / 1073741824.0);
    return 0;
}

static void fill_uniform(float *p, size_t n, float k, Rng *rng)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (2.0f * rng_uniformf(rng) - 1.0f) * k;
}

int model_alloc(Model *m, const ModelShape *s, RnnError *err)
{
    memset(m, 0, sizeof *m);
    m->shape = *s;
    model_offsets(s, &m->off);
    m->params = calloc(m->off.total, sizeof(float));
    if (!m->params)
        return err_set(err, RNN_ERR_RUNTIME, "out of memory allocating %zu parameters",
                       m->off.total);
    return 0;
}

int model_init(Model *m, const ModelShape *s, Rng *rng, RnnError *err)
{
    if (model_alloc(m, s, err))
        return -1;
    float *p = m->params;
    float k = 1.0f / sqrtf((float)s->H);
    int GH = model_gates(s->cell) * s->H;
    if (s->E > 0)
        for (size_t i = 0; i < (size_t)s->V * s->E; i++)
            p[m->off.emb + i] = (float)rng_normal(rng);
    for (int l = 0; l < s->L; l++) {
        const LayerOffsets *lo = &m->off.layer[l];
        fill_uniform(p + lo->Wx, (size_t)lo->X * GH, k, rng);
        fill_uniform(p + lo->Wh, (size_t)s->H * GH, k, rng);
        fill_uniform(p + lo->bx, (size_t)GH, k, rng);
        fill_uniform(p + lo->bh, (size_t)GH, k, rng);
        if (s->cell == CELL_LSTM)  /* forget gate: remember by default */
            for (int j = 0; j < s->H; j++) {
                p[lo->bx + s->H + j] = 1.0f;
                p[lo->bh + s->H + j] = 0.0f;
            }
    }
    fill_uniform(p + m->off.Wy, (size_t)s->H * s->V, k, rng);
    memset(p + m->off.by, 0, sizeof(float) * (size_t)s->V);
    return 0;
}

void model_copy_params(Model *dst, const Model *src)
{
    memcpy(dst->params, src->params, sizeof(float) * src->off.total);
}

int model_all_finite(const Model *m)
{
    for (size_t i = 0; i < m->off.total; i++)
        if (!isfinite(m->params[i]))
            return 0;
    return 1;
}

void model_free(Model *m)
{
    free(m->params);
    m->params = NULL;
}

double model_flops_per_symbol(const ModelShape *s)
{
    /* forward: x Wx (skipped for one-hot: a row gather), h Wh, h Wy;
     * backward: twice the forward products (weight and input gradients). */
    double G = model_gates(s->cell), H = s->H, fwd = 0;
    for (int l = 0; l < s->L; l++) {
        double X = l > 0 ? H : (s->E > 0 ? s->E : 0);
        fwd += 2 * X * G * H + 2 * H * G * H;
    }
    fwd += 2 * H * s->V;
    return 3 * fwd;
}

void model_describe(const ModelShape *s, char *buf, size_t cap)
{
    ModelOffsets off;
    model_offsets(s, &off);
    char input[32];
    if (s->E > 0)
        snprintf(input, sizeof input, "embedding %d", s->E);
    else
        snprintf(input, sizeof input, "one-hot");
    snprintf(buf, cap, "%s %dx%d, %s, V=%d, %.2fM params", config_cell_name(s->cell),
             s->L, s->H, input, s->V, off.total / 1e6);
}
