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

double optim_sum_squares(const float *g, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)g[i] * g[i];
    return s;
}

double optim_grad_norm(const float *g, size_t n)
{
    return sqrt(optim_sum_squares(g, n));
}

float optim_clip_factor(double norm, double max_norm)
{
    if (max_norm <= 0 || norm <= max_norm || !isfinite(norm))
        return 1.0f;
    return (float)(max_norm / norm);
}

void optim_clip(float *g, size_t n, double norm, double max_norm)
{
    float k = optim_clip_factor(norm, max_norm);
    if (k == 1.0f)
        return;
    for (size_t i = 0; i < n; i++)
        g[i] *= k;
}

/* Each update reads g[i] * k where optim_clip would have scaled g[i] in
 * place first: the same floats, so both routes give identical parameters. */
static void adam_update(const Optimizer *o, float *p, const float *g, float k, double lr,
                        size_t first, size_t n)
{
    float b1 = (float)o->beta1, b2 = (float)o->beta2, eps = (float)o->eps;
    double c1 = 1.0 - pow(o->beta1, (double)o->t), c2 = 1.0 - pow(o->beta2, (double)o->t);
    float step = (float)(lr * sqrt(c2) / c1), eps_hat = (float)(eps * sqrt(c2));
    float *m = o->m + first, *v = o->v + first;
    for (size_t i = 0; i < n; i++) {
        float gi = g[i] * k;
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        p[i] -= step * m[i] / (sqrtf(v[i]) + eps_hat);
    }
}

static void adagrad_update(const Optimizer *o, float *p, const float *g, float k, double lr,
                           size_t first, size_t n)
{
    float eps = 1e-8f, rate = (float)lr;
    float *v = o->v + first;
    for (size_t i = 0; i < n; i++) {
        float gi = g[i] * k;
        v[i] += gi * gi;
        p[i] -= rate * gi / (sqrtf(v[i]) + eps);
    }
}

static void sgd_update(const Optimizer *o, float *p, const float *g, float k, double lr,
                       size_t first, size_t n)
{
    float mu = (float)o->momentum, rate = (float)lr;
    float *m = o->m + first;
    for (size_t i = 0; i < n; i++) {
        m[i] = mu * m[i] + g[i] * k;
        p[i] -= rate * m[i];
    }
}

void optim_advance(Optimizer *o)
{
    o->t++;
}

void optim_update(const Optimizer *o, float *params, const float *grads, float grad_scale,
                  double lr, size_t first, size_t count)
{
    float *p = params + first;
    const float *g = grads + first;
    switch (o->type) {
    case OPT_ADAGRAD: adagrad_update(o, p, g, grad_scale, lr, first, count); break;
    case OPT_SGD: sgd_update(o, p, g, grad_scale, lr, first, count); break;
    default: adam_update(o, p, g, grad_scale, lr, first, count); break;
    }
}

void optim_step(Optimizer *o, float *params, const float *grads, double lr)
{
    optim_advance(o);
    optim_update(o, params, grads, 1.0f, lr, 0, o->n);
}
