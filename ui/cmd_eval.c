/* cmd_eval: `rnntop eval --checkpoint FILE [--corpus FILE] [--baseline]`:
 * the loss of a saved model on a validation split, in nats and bits per
 * symbol and as perplexity, ending with the line scripts read:
 *   eval: val_loss=X bpc=Y perplexity=Z symbols=N
 *
 * Which text: without --corpus, the checkpoint's own validation split (its
 * corpus.path and corpus.val_fraction); with --corpus FILE, the validation
 * split of that file, i.e. its last corpus.val_fraction (the checkpoint's;
 * --set corpus.val_fraction=F changes it, up to 0.5), read with the model's
 * vocabulary (a symbol outside it is an error). The evaluation is the
 * trainer's: up to train.batch streams from a zero state in windows of
 * train.seq_len, so on the checkpoint's own split the figure equals the
 * val_loss training reported. --baseline adds the loss of an interpolated
 * Kneser-Ney n-gram model of the training split (ngram.h) on the same
 * split, with its order and build time. A word-level model's losses are
 * per token (bpc is then bits per token; a line says so); in another
 * corpus its unknown words read as <unk>. */
#include <autoconfig.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "checkpoint.h"
#include "commands.h"
#include "corpus.h"
#include "net.h"
#include "ngram.h"

typedef struct Eval {
    net_Tensors p;
    net_Work work;
    float *h, *c;       /* [L x B x H] */
    int32_t *x, *y;     /* [T x B] */
    int B, T;
} Eval;

static void eval_free(Eval *e)
{
    net_work_free(&e->work);
    free(e->h);
    free(e->c);
    free(e->x);
    free(e->y);
}

/* Streams as the trainer picks them: as many as hold seq_len + 1 symbols,
 * up to train.batch, at least one. */
static int eval_init(Eval *e, Model *m, const Corpus *c, const Config *cfg, RnnError *err)
{
    const ModelShape *s = &m->shape;
    int64_t vb = c->n_val / (cfg->train.seq_len + 1);
    memset(e, 0, sizeof *e);
    e->T = cfg->train.seq_len;
    e->B = (int)(vb < 1 ? 1 : vb > cfg->train.batch ? cfg->train.batch : vb);
    if (net_work_init(&e->work, s, e->B, e->T, 0, 0, err))
        return -1;
    size_t lbh = (size_t)s->L * e->B * s->H, tb = (size_t)e->T * e->B;
    e->h = calloc(lbh, sizeof(float));
    e->c = calloc(lbh, sizeof(float));
    e->x = malloc(sizeof(int32_t) * tb);
    e->y = malloc(sizeof(int32_t) * tb);
    if (!e->h || !e->c || !e->x || !e->y) {
        eval_free(e);
        return err_set(err, RNN_ERR_RUNTIME, "out of memory setting up the evaluation");
    }
    net_bind(s, m->params, &e->p);
    return 0;
}

/* Mean cross-entropy in nats over the validation split, as trainer_evaluate. */
static double eval_run(Eval *e, const Corpus *c, int64_t *count)
{
    int B = e->B, T = e->T;
    int64_t len = c->n_val / B;
    const int32_t *val = c->ids + c->n_train;
    double sum = 0;
    *count = 0;
    for (int64_t pos = 0; pos + 1 < len; pos += T) {
        int Tc = (int)(len - 1 - pos < T ? len - 1 - pos : T);
        for (int b = 0; b < B; b++)
            for (int t = 0; t < Tc; t++) {
                e->x[t * B + b] = val[(int64_t)b * len + pos + t];
                e->y[t * B + b] = val[(int64_t)b * len + pos + t + 1];
            }
        sum += net_forward(&e->p, &e->work, Tc, e->x, e->y, e->h, e->c, NULL);
        *count += (int64_t)Tc * B;
    }
    return *count > 0 ? sum / (double)*count : NAN;
}

/* The n-gram baseline (ngram.h) of the training split on the validation
 * split, at train.baseline_order (when 0: 5 for characters, 3 for words). */
static int print_baseline(const Corpus *c, const Config *cfg, RnnError *err)
{
    int order = cfg->train.baseline_order;
    NGram g;
    if (order <= 0)
        order = c->vocab.kind == TOKENIZE_WORD ? 3 : 5;
    if (ngram_build(&g, c->ids, c->n_train, c->vocab.size, order, err))
        return -1;
    double loss = ngram_eval(&g, c->ids + c->n_train, c->n_val);
    printf("baseline: %d-gram Kneser-Ney val_loss=%.4f bpc=%.4f perplexity=%.4f "
           "build_s=%.2f train_symbols=%lld\n", order, loss, loss / log(2.0), exp(loss),
           g.build_seconds, (long long)c->n_train);
    ngram_free(&g);
    return 0;
}

/* The checkpoint's config with the command line on top; the shape fixed. */
static int eval_config(const Options *o, const CheckpointInfo *info, Config *cfg, RnnError *err)
{
    *cfg = info->cfg;
    if (options_apply_overrides(o, cfg, err) ||
        checkpoint_check_shape(&info->cfg, cfg, o->checkpoint, err))
        return -1;
    return 0;
}

static int load_split(const CheckpointInfo *info, const Config *cfg, Corpus *c,
                      RnnError *err)
{
    if (corpus_load_with_vocab(c, &cfg->corpus, &info->vocab, err))
        return -1;
    if (c->n_val < 2) {
        err_set(err, RNN_ERR_INPUT,
                "%s: the validation split (the last %g of the file) has %lld symbol%s; nothing "
                "to evaluate; raise corpus.val_fraction (e.g. --set corpus.val_fraction=0.5)",
                c->path, cfg->corpus.val_fraction, (long long)c->n_val,
                c->n_val == 1 ? "" : "s");
        corpus_free(c);
        return -1;
    }
    return 0;
}

static void print_header(const Options *o, const CheckpointInfo *info, const Corpus *c,
                         const Config *cfg)
{
    char model[160];
    model_describe(&info->model.shape, model, sizeof model);
    printf("checkpoint: %s (step %lld, epoch %.3f; %s)\n", o->checkpoint, (long long)info->step,
           info->epoch, model);
    int words = c->vocab.kind == TOKENIZE_WORD;
    printf("corpus: %s, validation split: %lld %s (the last %g of the file)\n", c->path,
           (long long)c->n_val, words ? "tokens" : "symbols", cfg->corpus.val_fraction);
    if (words && c->unknown > 0)
        printf("corpus: %lld of the file's %lld tokens are words the model does not know; "
               "they read as <unk>\n", (long long)c->unknown, (long long)c->n);
    fflush(stdout);
}

/* Why fewer symbols are scored than the split has. */
static void print_streams(const Eval *e, const Corpus *c, int64_t scored)
{
    int64_t len = c->n_val / e->B, rest = c->n_val - len * e->B;
    const char *unit = c->vocab.kind == TOKENIZE_WORD ? "tokens" : "symbols";
    printf("scored: %lld %s as targets, in %d stream%s of %lld read from a zero state (a "
           "stream's first symbol is only input)", (long long)scored, unit, e->B,
           e->B == 1 ? "" : "s", (long long)len);
    if (rest > 0)
        printf("; the last %lld after them are not read", (long long)rest);
    printf("\n");
}

static int evaluate_checkpoint(const Options *o, CheckpointInfo *info, RnnError *err)
{
    static Config cfg;
    Corpus corpus;
    Eval e;
    int64_t count = 0;
    if (eval_config(o, info, &cfg, err) || load_split(info, &cfg, &corpus, err))
        return -1;
    blas_set_threads(cfg.train.threads);
    if (eval_init(&e, &info->model, &corpus, &cfg, err)) {
        corpus_free(&corpus);
        return -1;
    }
    print_header(o, info, &corpus, &cfg);
    double loss = eval_run(&e, &corpus, &count);
    print_streams(&e, &corpus, count);
    int rc = o->baseline ? print_baseline(&corpus, &cfg, err) : 0;
    if (rc == 0 && corpus.vocab.kind == TOKENIZE_WORD)
        printf("word level: val_loss=%.4f nats/token, %.4f bits/token (bpc below is bits per "
               "token)\n", loss, loss / log(2.0));
    if (rc == 0)
        printf("eval: val_loss=%.4f bpc=%.4f perplexity=%.4f symbols=%lld\n", loss, loss / log(2.0),
           exp(loss), (long long)count);
    eval_free(&e);
    corpus_free(&corpus);
    if (rc)
        return -1;
    return fflush(stdout) == 0 ? 0 : err_set(err, RNN_ERR_RUNTIME, "cannot write the output");
}

int cmd_eval(const Options *o)
{
    CheckpointInfo info;
    RnnError err;
    err_clear(&err);
    if (!o->checkpoint[0]) {
        err_set(&err, RNN_ERR_INPUT, "eval needs --checkpoint FILE (a training run writes "
                                     "train.checkpoint_dir/last.ckpt)");
        return report_error(&err);
    }
    if (checkpoint_load_info(o->checkpoint, &info, &err))
        return report_error(&err);
    int rc = evaluate_checkpoint(o, &info, &err);
    checkpoint_info_free(&info);
    return rc ? report_error(&err) : 0;
}
