/* optim: Adam, Adagrad and SGD with momentum; see optim.h. */
#include "optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int optim_init(Optimizer *o, OptimizerType type, size_t n, RnnError *err)
{
    memset(o, 0, sizeof *o);
    o->type = type;
    o->n = n;
    o->beta1 = 0.9;
    o->beta2 = 0.999;
    o->eps = 1e-8;
    o->momentum = 0.9;
    o->m = calloc(n, sizeof(float));
    o->v = calloc(n, sizeof(float));
    if (!o->m || !o->v) {
        optim_free(o);
        return err_set(err, RNN_ERR_RUNTIME, "out of memory for optimizer state (%zu parameters)", n);
    }
    return 0;
}

void optim_free(Optimizer *o)
{
    free(o->m);
    free(o->v);
    o->m = o->v = NULL;
}

double optim_grad_norm(const float *g, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)g[i] * g[i];
    return sqrt(s);
}

void optim_clip(float *g, size_t n, double norm, double max_norm)
{
    if (max_norm <= 0 || norm <= max_norm || !isfinite(norm))
        return;
    float k = (float)(max_norm / norm);
    for (size_t i = 0; i < n; i++)
        g[i] *= k;
}

static void adam_step(Optimizer *o, float *p, const float *g, double lr)
{
    o->t++;
    float b1 = (float)o->beta1, b2 = (float)o->beta2, eps = (float)o->eps;
    double c1 = 1.0 - pow(o->beta1, (double)o->t), c2 = 1.0 - pow(o->beta2, (double)o->t);
    float step = (float)(lr * sqrt(c2) / c1), eps_hat = (float)(eps * sqrt(c2));
    float *m = o->m, *v = o->v;
    for (size_t i = 0; i < o->n; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        p[i] -= step * m[i] / (sqrtf(v[i]) + eps_hat);
    }
}

static void adagrad_step(Optimizer *o, float *p, const float *g, double lr)
{
    o->t++;
    float eps = 1e-8f, rate = (float)lr;
    for (size_t i = 0; i < o->n; i++) {
        o->v[i] += g[i] * g[i];
        p[i] -= rate * g[i] / (sqrtf(o->v[i]) + eps);
    }
}

static void sgd_step(Optimizer *o, float *p, const float *g, double lr)
{
    o->t++;
    float mu = (float)o->momentum, rate = (float)lr;
    for (size_t i = 0; i < o->n; i++) {
        o->m[i] = mu * o->m[i] + g[i];
        p[i] -= rate * o->m[i];
    }
}

void optim_step(Optimizer *o, float *params, const float *grads, double lr)
{
    switch (o->type) {
    case OPT_ADAGRAD: adagrad_step(o, params, grads, lr); break;
    case OPT_SGD: sgd_step(o, params, grads, lr); break;
    default: adam_step(o, params, grads, lr); break;
    }
}
