/* trainer: the training loop's state and one step of it; see trainer.h. */
#include "trainer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- history ------------------------------------------------------------ */

int history_init(History *h, int cap)
{
    memset(h, 0, sizeof *h);
    h->step = malloc(sizeof(int64_t) * (size_t)cap);
    h->value = malloc(sizeof(float) * (size_t)cap);
    h->cap = cap;
    h->stride = 1;
    return h->step && h->value ? 0 : -1;
}

void history_free(History *h)
{
    free(h->step);
    free(h->value);
    memset(h, 0, sizeof *h);
}

static void history_compact(History *h)
{
    int k = 0;
    for (int i = 0; i + 1 < h->n; i += 2, k++) {
        h->step[k] = h->step[i + 1];
        h->value[k] = 0.5f * (h->value[i] + h->value[i + 1]);
    }
    if (h->n % 2)
        h->step[k] = h->step[h->n - 1], h->value[k] = h->value[h->n - 1], k++;
    h->n = k;
    h->stride *= 2;
}

void history_add(History *h, int64_t step, double value)
{
    h->acc += value;
    if (++h->acc_n < h->stride)
        return;
    if (h->n == h->cap)
        history_compact(h);
    h->step[h->n] = step;
    h->value[h->n] = (float)(h->acc / (double)h->acc_n);
    h->n++;
    h->acc = 0;
    h->acc_n = 0;
}

/* ---- set-up ------------------------------------------------------------- */

static int check_corpus_size(Trainer *tr, RnnError *err)
{
    const Corpus *c = tr->corpus;
    int64_t need = (int64_t)tr->B * (tr->T + 1);
    if (c->n_train < need)
        return err_set(err, RNN_ERR_INPUT,
                       "%s: the training split has %lld symbols, but batch %d x (seq_len %d + 1) "
                       "needs at least %lld; use a larger corpus or lower train.batch or "
                       "train.seq_len",
                       c->path, (long long)c->n_train, tr->B, tr->T, (long long)need);
    tr->stream_len = c->n_train / tr->B;
    /* validation: as many streams as hold at least two symbols, up to B */
    int64_t vb = c->n_val / (tr->T + 1);
    if (vb < 1 && c->n_val >= 2)
        vb = 1;
    tr->eval_B = (int)(vb > tr->B ? tr->B : vb);
    return 0;
}

static int alloc_buffers(Trainer *tr, RnnError *err)
{
    const ModelShape *s = &tr->model.shape;
    size_t sbh = (size_t)s->L * tr->B * s->H, ebh = (size_t)s->L * (tr->eval_B + 1) * s->H;
    size_t tb = (size_t)tr->T * tr->B;
    tr->grads = calloc(tr->model.off.total, sizeof(float));
    tr->state_h = calloc(sbh, sizeof(float));
    tr->state_c = calloc(sbh, sizeof(float));
    tr->eval_h = calloc(ebh, sizeof(float));
    tr->eval_c = calloc(ebh, sizeof(float));
    tr->x = malloc(sizeof(int32_t) * tb);
    tr->y = malloc(sizeof(int32_t) * tb);
    if (!tr->grads || !tr->state_h || !tr->state_c || !tr->eval_h || !tr->eval_c || !tr->x ||
        !tr->y || history_init(&tr->train_hist, 8192) || history_init(&tr->val_hist, 2048))
        return err_set(err, RNN_ERR_RUNTIME, "out of memory setting up training");
    return 0;
}

int trainer_init(Trainer *tr, const Config *cfg, const Corpus *corpus, RnnError *err)
{
    memset(tr, 0, sizeof *tr);
    tr->cfg = *cfg;
    tr->corpus = corpus;
    tr->B = cfg->train.batch;
    tr->T = cfg->train.seq_len;
    tr->last_val = tr->best_val = NAN;
    tr->last_val_step = -1;
    ModelShape s = {cfg->model.cell, corpus->vocab.size, cfg->model.embedding,
                    cfg->model.hidden, cfg->model.layers};
    if (model_shape_check(&s, tr->B, tr->T, err) || check_corpus_size(tr, err))
        return -1;
    Rng init;
    rng_seed(&init, cfg->train.seed);
    rng_seed(&tr->rng, cfg->train.seed ^ 0x5eedd20b0u);
    if (model_init(&tr->model, &s, &init, err))
        return -1;
    if (alloc_buffers(tr, err) ||
        optim_init(&tr->opt, cfg->train.optimizer, tr->model.off.total, err) ||
        net_work_init(&tr->work, &s, tr->B, tr->T, cfg->model.dropout, err) ||
        (tr->eval_B > 0 && net_work_init(&tr->eval_work, &s, tr->eval_B, tr->T, 0, err))) {
        trainer_free(tr);
        return -1;
    }
    net_bind(&s, tr->model.params, &tr->p);
    net_bind(&s, tr->grads, &tr->g);
    tr->lr = cfg->train.learning_rate;
    return 0;
}

void trainer_free(Trainer *tr)
{
    model_free(&tr->model);
    optim_free(&tr->opt);
    net_work_free(&tr->work);
    net_work_free(&tr->eval_work);
    free(tr->grads);
    free(tr->state_h);
    free(tr->state_c);
    free(tr->eval_h);
    free(tr->eval_c);
    free(tr->x);
    free(tr->y);
    history_free(&tr->train_hist);
    history_free(&tr->val_hist);
    tr->grads = tr->state_h = tr->state_c = tr->eval_h = tr->eval_c = NULL;
    tr->x = tr->y = NULL;
}

/* ---- the step -------------------------------------------------------------- */

double trainer_lr_at(const Config *cfg, int64_t step)
{
    double lr = cfg->train.learning_rate;
    if (cfg->train.lr_decay_every > 0 && cfg->train.lr_decay < 1.0)
        lr *= pow(cfg->train.lr_decay, (double)(step / cfg->train.lr_decay_every));
    return lr;
}

double trainer_epoch(const Trainer *tr)
{
    return (double)tr->symbols_seen / (double)tr->corpus->n_train;
}

/* Fill x and y with the next window of every stream; wrap at the end. */
static void next_window(Trainer *tr)
{
    int B = tr->B, T = tr->T;
    if (tr->pos + T + 1 > tr->stream_len) {
        tr->pos = 0;
        const ModelShape *s = &tr->model.shape;
        size_t sbh = (size_t)s->L * B * s->H;
        memset(tr->state_h, 0, sizeof(float) * sbh);
        memset(tr->state_c, 0, sizeof(float) * sbh);
    }
    const int32_t *ids = tr->corpus->ids;
    for (int b = 0; b < B; b++) {
        const int32_t *src = ids + (int64_t)b * tr->stream_len + tr->pos;
        for (int t = 0; t < T; t++) {
            tr->x[t * B + b] = src[t];
            tr->y[t * B + b] = src[t + 1];
        }
    }
    tr->pos += T;
}

int trainer_step(Trainer *tr, RnnError *err)
{
    int TB = tr->B * tr->T;
    size_t n = tr->model.off.total;
    next_window(tr);
    memset(tr->grads, 0, sizeof(float) * n);
    double sum = net_forward(&tr->p, &tr->work, tr->T, tr->x, tr->y, tr->state_h,
                             tr->state_c, &tr->rng);
    double loss = sum / TB;
    net_backward(&tr->p, &tr->g, &tr->work, tr->T, tr->x, tr->y, 1.0 / TB);
    double norm = optim_grad_norm(tr->grads, n);
    if (!isfinite(loss) || !isfinite(norm))
        return err_set(err, RNN_ERR_RUNTIME,
                       "training stopped at step %lld: the %s is %s (learning rate %g); "
                       "the model was not updated; lower train.learning_rate or "
                       "train.grad_clip and resume from the last checkpoint",
                       (long long)tr->step + 1, isfinite(loss) ? "gradient norm" : "loss",
                       isnan(isfinite(loss) ? norm : loss) ? "NaN" : "infinite", tr->lr);
    optim_clip(tr->grads, n, norm, tr->cfg.train.grad_clip);
    tr->lr = trainer_lr_at(&tr->cfg, tr->step);
    optim_step(&tr->opt, tr->model.params, tr->grads, tr->lr);
    tr->step++;
    tr->symbols_seen += TB;
    tr->last_loss = loss;
    tr->last_grad_norm = norm;
    history_add(&tr->train_hist, tr->step, loss);
    return 0;
}

double trainer_evaluate(Trainer *tr)
{
    if (tr->eval_B <= 0)
        return NAN;
    const Corpus *c = tr->corpus;
    const ModelShape *s = &tr->model.shape;
    int B = tr->eval_B, T = tr->T;
    int64_t len = c->n_val / B;
    const int32_t *val = c->ids + c->n_train;
    memset(tr->eval_h, 0, sizeof(float) * (size_t)s->L * B * s->H);
    memset(tr->eval_c, 0, sizeof(float) * (size_t)s->L * B * s->H);
    double sum = 0;
    int64_t count = 0;
    for (int64_t pos = 0; pos + 1 < len; pos += T) {
        int Tc = (int)(len - 1 - pos < T ? len - 1 - pos : T);
        for (int b = 0; b < B; b++)
            for (int t = 0; t < Tc; t++) {
                tr->x[t * B + b] = val[(int64_t)b * len + pos + t];
                tr->y[t * B + b] = val[(int64_t)b * len + pos + t + 1];
            }
        sum += net_forward(&tr->p, &tr->eval_work, Tc, tr->x, tr->y, tr->eval_h, tr->eval_c,
                           NULL);
        count += (int64_t)Tc * B;
    }
    double loss = count > 0 ? sum / (double)count : NAN;
    tr->last_val = loss;
    tr->last_val_step = tr->step;
    if (isfinite(loss) && (isnan(tr->best_val) || loss < tr->best_val))
        tr->best_val = loss;
    if (isfinite(loss))
        history_add(&tr->val_hist, tr->step, loss);
    return loss;
}
