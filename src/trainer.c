/* trainer: the training loop's state and one step of it; see trainer.h. */
#include "trainer.h"

#include "blas.h"
#include "pool.h"

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
                       "%s: the training split has %lld symbol%s, but batch %d x (seq_len %d + 1) "
                       "needs at least %lld; use a larger corpus or lower train.batch or "
                       "train.seq_len",
                       c->path, (long long)c->n_train, c->n_train == 1 ? "" : "s", tr->B, tr->T,
                       (long long)need);
    tr->stream_len = c->n_train / tr->B;
    /* validation: as many streams as hold a full window, up to B */
    int64_t vb = c->n_val / (tr->T + 1);
    if (vb < 1 && c->n_val >= 2)
        vb = 1;
    tr->eval_B = (int)(vb > tr->B ? tr->B : vb);
    return 0;
}

static int choose_workers(const Config *cfg, int B)
{
    int n = cfg->train.threads > 0 ? cfg->train.threads : blas_cores();
    if (n > B)
        n = B;
    if (n > 1)
        blas_set_threads(1);  /* each worker runs its own single-threaded GEMMs */
    else
        blas_set_threads(cfg->train.threads);
    return n;
}

/* Share n items among workers as evenly as possible. */
static void share(int n, int workers, int w, int *first, int *count)
{
    int base = n / workers, extra = n % workers;
    *count = base + (w < extra);
    *first = w * base + (w < extra ? w : extra);
}

static int worker_init(Trainer *tr, TrainWorker *wk, int w, RnnError *err)
{
    const ModelShape *s = &tr->model.shape;
    share(tr->B, tr->n_workers, w, &wk->b0, &wk->B);
    share(tr->eval_B, tr->n_workers, w, &wk->eval_b0, &wk->eval_B);
    int wide = wk->B > wk->eval_B ? wk->B : wk->eval_B;
    size_t rows = (size_t)tr->T * wide, states = (size_t)s->L * wide * s->H;
    wk->grads = w == 0 ? tr->grads : calloc(tr->model.off.total, sizeof(float));
    wk->x = malloc(sizeof(int32_t) * rows);
    wk->y = malloc(sizeof(int32_t) * rows);
    wk->state_h = calloc(states, sizeof(float));
    wk->state_c = calloc(states, sizeof(float));
    if (!wk->grads || !wk->x || !wk->y || !wk->state_h || !wk->state_c)
        return err_set(err, RNN_ERR_RUNTIME, "out of memory setting up worker %d", w);
    net_bind(s, wk->grads, &wk->g);
    if (wk->B > 0 && net_work_init(&wk->work, s, wk->B, tr->T, tr->cfg.model.dropout,
                                      tr->cfg.model.output_dropout, err))
        return -1;
    if (wk->eval_B > 0 && net_work_init(&wk->eval_work, s, wk->eval_B, tr->T, 0, 0, err))
        return -1;
    return 0;
}

static void worker_free(Trainer *tr, TrainWorker *wk, int w)
{
    net_work_free(&wk->work);
    net_work_free(&wk->eval_work);
    if (w != 0)
        free(wk->grads);
    free(wk->x);
    free(wk->y);
    free(wk->state_h);
    free(wk->state_c);
    (void)tr;
}

/* The packed copies the passes use: Wh and Wh^T for the per-time-step
 * products. (Packing Wx^T and Wy^T for the input-gradient products was
 * tried: OpenBLAS is as fast on those tall products.) */
static int add_packed(Trainer *tr, PackKind kind, int layer, int K, int N)
{
    PackedWeight *pw = &tr->packed[tr->n_packed++];
    pw->kind = kind;
    pw->layer = layer;
    return pgemm_init(&pw->m, K, N);
}

static int alloc_packed(Trainer *tr)
{
    const ModelShape *s = &tr->model.shape;
    int H = s->H, GH = model_gates(s->cell) * H;
    for (int l = 0; l < s->L; l++)
        if (add_packed(tr, PACK_WH, l, H, GH) || add_packed(tr, PACK_WH_T, l, GH, H))
            return -1;
    return 0;
}

static int alloc_buffers(Trainer *tr, RnnError *err)
{
    const ModelShape *s = &tr->model.shape;
    size_t sbh = (size_t)s->L * tr->B * s->H;
    tr->grads = calloc(tr->model.off.total, sizeof(float));
    tr->state_h = calloc(sbh, sizeof(float));
    tr->state_c = calloc(sbh, sizeof(float));
    tr->workers = calloc((size_t)tr->n_workers, sizeof(TrainWorker));
    if (!tr->grads || alloc_packed(tr) || !tr->state_h || !tr->state_c || !tr->workers ||
        history_init(&tr->train_hist, 8192) || history_init(&tr->val_hist, 2048))
        return err_set(err, RNN_ERR_RUNTIME, "out of memory setting up training");
    for (int w = 0; w < tr->n_workers; w++)
        if (worker_init(tr, &tr->workers[w], w, err))
            return -1;
    tr->pool = pool_new(tr->n_workers, err);
    return tr->pool ? 0 : -1;
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
    tr->n_workers = choose_workers(cfg, tr->B);
    if (alloc_buffers(tr, err) ||
        optim_init(&tr->opt, cfg->train.optimizer, tr->model.off.total, err)) {
        trainer_free(tr);
        return -1;
    }
    net_bind(&s, tr->model.params, &tr->p);
    tr->lr = cfg->train.learning_rate;
    return 0;
}

void trainer_free(Trainer *tr)
{
    pool_free(tr->pool);
    tr->pool = NULL;
    for (int w = 0; tr->workers && w < tr->n_workers; w++)
        worker_free(tr, &tr->workers[w], w);
    free(tr->workers);
    tr->workers = NULL;
    model_free(&tr->model);
    optim_free(&tr->opt);
    free(tr->grads);
    for (int k = 0; k < tr->n_packed; k++)
        pgemm_free(&tr->packed[k].m);
    tr->n_packed = 0;
    free(tr->state_h);
    free(tr->state_c);
    history_free(&tr->train_hist);
    history_free(&tr->val_hist);
    tr->grads = tr->state_h = tr->state_c = NULL;
}

/* ---- state slices ---------------------------------------------------------- */

/* Copy streams [b0, b0 + n) of an [L x B x H] state into a worker's
 * [L x n x H] buffer (to_worker) or back. */
static void state_slice(const Trainer *tr, float *all, float *mine, int b0, int n,
                        int to_worker)
{
    const ModelShape *s = &tr->model.shape;
    size_t H = (size_t)s->H;
    for (int l = 0; l < s->L; l++) {
        float *a = all + ((size_t)l * tr->B + b0) * H, *m = mine + (size_t)l * n * H;
        if (to_worker)
            memcpy(m, a, sizeof(float) * n * H);
        else
            memcpy(a, m, sizeof(float) * n * H);
    }
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

/* At the end of the streams every stream wraps near its start, state
 * zeroed. The new epoch starts a random 0..T-1 symbols in, so the window
 * boundaries move from epoch to epoch and the model does not see the same
 * windows again and again (it learns less of the training text by heart). */
static void maybe_wrap(Trainer *tr)
{
    if (tr->pos + tr->T + 1 <= tr->stream_len)
        return;
    const ModelShape *s = &tr->model.shape;
    size_t sbh = (size_t)s->L * tr->B * s->H;
    int64_t starts = tr->stream_len - tr->T;  /* a window needs T + 1 symbols */
    int64_t shifts = starts < tr->T ? starts : tr->T;
    tr->pos = (int64_t)(rng_next(&tr->rng) % (uint64_t)shifts);
    memset(tr->state_h, 0, sizeof(float) * sbh);
    memset(tr->state_c, 0, sizeof(float) * sbh);
}

static void pack_one(Trainer *tr, PackedWeight *pw)
{
    const net_LayerTensors *lt = &tr->p.layer[pw->layer];
    int GH = model_gates(tr->model.shape.cell) * tr->model.shape.H;
    switch (pw->kind) {
    case PACK_WH: pgemm_pack(&pw->m, lt->Wh, GH); break;
    case PACK_WH_T: pgemm_pack_transposed(&pw->m, lt->Wh, GH); break;
    }
}

/* Pool job: worker w packs matrices w, w + workers, ... */
static void pack_job(void *arg, int w)
{
    Trainer *tr = arg;
    for (int k = w; k < tr->n_packed; k += tr->n_workers)
        pack_one(tr, &tr->packed[k]);
}

/* Pack the current weights (the optimizer changed them since the last
 * pass) and point the passes at the packed copies. */
static void pack_weights(Trainer *tr)
{
    pool_run(tr->pool, pack_job, tr);
    for (int k = 0; k < tr->n_packed; k++) {
        PackedWeight *pw = &tr->packed[k];
        net_LayerTensors *lt = &tr->p.layer[pw->layer];
        switch (pw->kind) {
        case PACK_WH: lt->Whp = &pw->m; break;
        case PACK_WH_T: lt->WhTp = &pw->m; break;
        }
    }
}

/* Worker job: forward and backward over this worker's streams. */
static void train_job(void *arg, int w)
{
    Trainer *tr = arg;
    TrainWorker *wk = &tr->workers[w];
    int B = wk->B, T = tr->T;
    if (B == 0)
        return;
    const int32_t *ids = tr->corpus->ids;
    for (int b = 0; b < B; b++) {
        const int32_t *src = ids + (int64_t)(wk->b0 + b) * tr->stream_len + tr->pos;
        for (int t = 0; t < T; t++) {
            wk->x[t * B + b] = src[t];
            wk->y[t * B + b] = src[t + 1];
        }
    }
    state_slice(tr, tr->state_h, wk->state_h, wk->b0, B, 1);
    state_slice(tr, tr->state_c, wk->state_c, wk->b0, B, 1);
    memset(wk->grads, 0, sizeof(float) * tr->model.off.total);
    wk->loss_sum = net_forward(&tr->p, &wk->work, T, wk->x, wk->y, wk->state_h, wk->state_c,
                               &wk->rng);
    net_backward(&tr->p, &wk->g, &wk->work, T, wk->x, wk->y, 1.0 / ((double)tr->B * T));
    state_slice(tr, tr->state_h, wk->state_h, wk->b0, B, 0);
    state_slice(tr, tr->state_c, wk->state_c, wk->b0, B, 0);
}

/* Worker job: sum the workers' gradients over this worker's slice into the
 * trainer's buffer (worker 0's), and that slice's share of the norm. */
static void reduce_job(void *arg, int w)
{
    Trainer *tr = arg;
    int first, count;
    share((int)tr->model.off.total, tr->n_workers, w, &first, &count);
    float *dst = tr->grads + first;
    for (int k = 1; k < tr->n_workers; k++) {
        const float *src = tr->workers[k].grads + first;
        for (int i = 0; i < count; i++)
            dst[i] += src[i];
    }
    tr->workers[w].sum_squares = optim_sum_squares(dst, (size_t)count);
}

/* Worker job: the optimizer's update of this worker's slice. */
static void update_job(void *arg, int w)
{
    Trainer *tr = arg;
    int first, count;
    share((int)tr->model.off.total, tr->n_workers, w, &first, &count);
    optim_update(&tr->opt, tr->model.params, tr->grads, tr->clip_factor, tr->lr,
                 (size_t)first, (size_t)count);
}

double trainer_loss_limit(const Trainer *tr)
{
    double uniform = log((double)tr->model.shape.V);
    return fmax(3 * uniform, uniform + 2);
}

int trainer_step(Trainer *tr, RnnError *err)
{
    int TB = tr->B * tr->T;
    maybe_wrap(tr);
    pack_weights(tr);
    for (int w = 0; w < tr->n_workers; w++)
        rng_seed(&tr->workers[w].rng, rng_next(&tr->rng));
    pool_run(tr->pool, train_job, tr);
    pool_run(tr->pool, reduce_job, tr);
    double sum = 0, sum_squares = 0;
    for (int w = 0; w < tr->n_workers; w++) {
        sum += tr->workers[w].loss_sum;
        sum_squares += tr->workers[w].sum_squares;
    }
    tr->pos += tr->T;
    double loss = sum / TB;
    double norm = sqrt(sum_squares);
    if (!isfinite(loss) || !isfinite(norm))
        return err_set(err, RNN_ERR_RUNTIME,
                       "training stopped at step %lld: the %s is %s (learning rate %g); "
                       "the model was not updated; lower train.learning_rate or "
                       "train.grad_clip and resume from the last checkpoint",
                       (long long)tr->step + 1, isfinite(loss) ? "gradient norm" : "loss",
                       isnan(isfinite(loss) ? norm : loss) ? "NaN" : "infinite", tr->lr);
    tr->diverging = loss > trainer_loss_limit(tr) ? tr->diverging + 1 : 0;
    if (tr->diverging >= TRAINER_DIVERGE_STEPS)
        return err_set(err, RNN_ERR_RUNTIME,
                       "training stopped at step %lld: the loss diverged (%.1f nats per symbol, "
                       "above %.1f for %d steps in a row; an untrained model scores %.2f) at "
                       "learning rate %g; no checkpoint was written since it began; lower "
                       "train.learning_rate or set train.grad_clip and resume from the last "
                       "checkpoint",
                       (long long)tr->step + 1, loss, trainer_loss_limit(tr), tr->diverging,
                       log((double)tr->model.shape.V), tr->lr);
    tr->clip_factor = optim_clip_factor(norm, tr->cfg.train.grad_clip);
    tr->lr = trainer_lr_at(&tr->cfg, tr->step);
    optim_advance(&tr->opt);
    pool_run(tr->pool, update_job, tr);
    tr->step++;
    tr->symbols_seen += TB;
    tr->last_loss = loss;
    tr->last_grad_norm = norm;
    history_add(&tr->train_hist, tr->step, loss);
    return 0;
}

/* Worker job: this worker's validation streams, window by window. */
static void eval_job(void *arg, int w)
{
    Trainer *tr = arg;
    TrainWorker *wk = &tr->workers[w];
    const Corpus *c = tr->corpus;
    const ModelShape *s = &tr->model.shape;
    int B = wk->eval_B, T = tr->T;
    wk->loss_sum = 0;
    wk->count = 0;
    if (B == 0)
        return;
    int64_t len = c->n_val / tr->eval_B;
    const int32_t *val = c->ids + c->n_train + (int64_t)wk->eval_b0 * len;
    memset(wk->state_h, 0, sizeof(float) * (size_t)s->L * B * s->H);
    memset(wk->state_c, 0, sizeof(float) * (size_t)s->L * B * s->H);
    for (int64_t pos = 0; pos + 1 < len; pos += T) {
        int Tc = (int)(len - 1 - pos < T ? len - 1 - pos : T);
        for (int b = 0; b < B; b++)
            for (int t = 0; t < Tc; t++) {
                wk->x[t * B + b] = val[(int64_t)b * len + pos + t];
                wk->y[t * B + b] = val[(int64_t)b * len + pos + t + 1];
            }
        wk->loss_sum += net_forward(&tr->p, &wk->eval_work, Tc, wk->x, wk->y, wk->state_h,
                                    wk->state_c, NULL);
        wk->count += (int64_t)Tc * B;
    }
}

double trainer_evaluate(Trainer *tr)
{
    if (tr->eval_B <= 0)
        return NAN;
    pack_weights(tr);
    pool_run(tr->pool, eval_job, tr);
    double sum = 0;
    int64_t count = 0;
    for (int w = 0; w < tr->n_workers; w++)
        sum += tr->workers[w].loss_sum, count += tr->workers[w].count;
    double loss = count > 0 ? sum / (double)count : NAN;
    tr->last_val = loss;
    tr->last_val_step = tr->step;
    if (isfinite(loss) && (isnan(tr->best_val) || loss < tr->best_val))
        tr->best_val = loss;
    if (isfinite(loss))
        history_add(&tr->val_hist, tr->step, loss);
    return loss;
}

/* ---- profile ------------------------------------------------------------- */

void trainer_set_profile(Trainer *tr, int on)
{
    for (int w = 0; w < tr->n_workers; w++) {
        net_Work *nw = &tr->workers[w].work;
        nw->profile = on;
        nw->prof[0] = nw->prof[1] = nw->prof[2] = 0;
    }
}

void trainer_profile(const Trainer *tr, double out[3])
{
    out[0] = out[1] = out[2] = 0;
    int n = 0;
    for (int w = 0; w < tr->n_workers; w++) {
        if (tr->workers[w].B == 0)
            continue;
        for (int k = 0; k < 3; k++)
            out[k] += tr->workers[w].work.prof[k];
        n++;
    }
    for (int k = 0; n > 0 && k < 3; k++)
        out[k] /= n;
}
