/* test_learning: every cell type learns a small generated corpus with a
 * learnable pattern (loss far below the unigram entropy), the same seed
 * gives bit-identical losses, the per-step loop keeps the model finite, and
 * every epoch after the first starts its windows at a new offset. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blas.h"
#include "check.h"
#include "corpus.h"
#include "trainer.h"

/* Words from a fixed list in a pseudo-random order: the spelling inside a
 * word is learnable, the choice of word is not (a floor on the loss). */
static char *write_corpus(void)
{
    static char path[] = "/tmp/rnntop-learn-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    const char *words[] = {"abacus ", "bridge ", "cobalt ", "dragon ", "emblem "};
    Rng r;
    rng_seed(&r, 5);
    for (int i = 0; i < 12000; i++)
        fputs(words[rng_next(&r) % 5], f);
    fclose(f);
    return path;
}

static double unigram_entropy(const Corpus *c)
{
    double *count = calloc((size_t)c->vocab.size, sizeof(double)), h = 0;
    for (int64_t i = 0; i < c->n; i++)
        count[c->ids[i]] += 1;
    for (int v = 0; v < c->vocab.size; v++)
        if (count[v] > 0)
            h -= count[v] / (double)c->n * log(count[v] / (double)c->n);
    free(count);
    return h;
}

static void small_config(Config *cfg, CellType cell, const char *path)
{
    config_defaults(cfg);
    snprintf(cfg->corpus.path, sizeof cfg->corpus.path, "%s", path);
    cfg->model.cell = cell;
    cfg->model.hidden = 32;
    cfg->model.layers = 1;
    cfg->train.batch = 16;
    cfg->train.seq_len = 16;
    cfg->train.learning_rate = 0.01;
    cfg->train.threads = 1;
}

static void learns(CellType cell, const char *path)
{
    Config cfg;
    small_config(&cfg, cell, path);
    Corpus c;
    RnnError err;
    CHECK(corpus_load(&c, &cfg.corpus, &err) == 0, "%s", err.msg);
    static Trainer tr;
    CHECK(trainer_init(&tr, &cfg, &c, &err) == 0, "%s", err.msg);
    double h = unigram_entropy(&c), sum = 0;
    int steps = 400;
    for (int i = 0; i < steps; i++) {
        CHECK(trainer_step(&tr, &err) == 0, "%s", err.msg);
        if (i >= steps - 50)
            sum += tr.last_loss;
    }
    double val = trainer_evaluate(&tr), train = sum / 50;
    /* per symbol: a word choice (log 5 nats) every 7 symbols is the floor */
    double floor_nats = log(5.0) / 7.0;
    fprintf(stderr, "  %s: unigram entropy %.3f, train %.3f, val %.3f (floor %.3f)\n",
            config_cell_name(cell), h, train, val, floor_nats);
    CHECK(val < 0.5 * h, "%s: validation loss %.3f is not far below the unigram entropy %.3f",
          config_cell_name(cell), val, h);
    CHECK(val > floor_nats - 0.05, "%s: validation loss %.3f below the floor %.3f",
          config_cell_name(cell), val, floor_nats);
    CHECK(model_all_finite(&tr.model), "weights finite");
    trainer_free(&tr);
    corpus_free(&c);
}

static void deterministic(const char *path)
{
    static Trainer a, b;
    Config cfg;
    small_config(&cfg, CELL_LSTM, path);
    cfg.model.layers = 2;
    cfg.model.dropout = 0.2;
    cfg.model.embedding = 8;
    Corpus c;
    RnnError err;
    CHECK(corpus_load(&c, &cfg.corpus, &err) == 0, "%s", err.msg);
    CHECK(trainer_init(&a, &cfg, &c, &err) == 0, "%s", err.msg);
    CHECK(trainer_init(&b, &cfg, &c, &err) == 0, "%s", err.msg);
    int same = 1;
    for (int i = 0; i < 60; i++) {
        trainer_step(&a, &err);
        trainer_step(&b, &err);
        same &= memcmp(&a.last_loss, &b.last_loss, sizeof(double)) == 0;
    }
    CHECK(same, "two runs with the same seed gave different losses");
    CHECK(memcmp(a.model.params, b.model.params, sizeof(float) * a.model.off.total) == 0,
          "two runs with the same seed ended with different weights");
    cfg.train.seed++;
    static Trainer d;
    CHECK(trainer_init(&d, &cfg, &c, &err) == 0, "%s", err.msg);
    trainer_step(&d, &err);
    CHECK(memcmp(d.model.params, b.model.params, sizeof(float) * 64) != 0,
          "a different seed gave the same weights");
    trainer_free(&a);
    trainer_free(&b);
    trainer_free(&d);
    corpus_free(&c);
}

/* Each wrap starts the streams 0..T-1 symbols in: every window still fits
 * in its stream, and the window boundaries are not the same every epoch. */
static void epochs_shift_windows(void)
{
    static char path[] = "/tmp/rnntop-shift-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    for (int i = 0; i < 400; i++)
        fputs("abcde", f);
    fclose(f);
    Config cfg;
    small_config(&cfg, CELL_RNN, path);
    cfg.model.hidden = 8;
    cfg.train.batch = 4;
    cfg.train.seq_len = 8;
    Corpus c;
    RnnError err;
    CHECK(corpus_load(&c, &cfg.corpus, &err) == 0, "%s", err.msg);
    static Trainer tr;
    CHECK(trainer_init(&tr, &cfg, &c, &err) == 0, "%s", err.msg);
    int T = cfg.train.seq_len, wraps = 0, distinct = 0, seen[64] = {0};
    int64_t prev = -1;
    for (int i = 0; i < 600; i++) {
        CHECK(trainer_step(&tr, &err) == 0, "%s", err.msg);
        int64_t start = tr.pos - T;
        CHECK(start + T + 1 <= tr.stream_len, "window at %lld overruns a stream of %lld",
              (long long)start, (long long)tr.stream_len);
        if (start < prev) {
            wraps++;
            CHECK(start >= 0 && start < T, "epoch starts %lld symbols in", (long long)start);
            distinct += !seen[start]++;
        }
        if (i == 0)
            CHECK(start == 0, "the first epoch starts %lld symbols in", (long long)start);
        prev = start;
    }
    CHECK(wraps >= 8, "only %d epochs in 600 steps", wraps);
    CHECK(distinct >= 3, "%d wraps used only %d distinct offsets", wraps, distinct);
    trainer_free(&tr);
    corpus_free(&c);
    unlink(path);
}

int main(void)
{
    blas_set_threads(1);
    char *path = write_corpus();
    learns(CELL_RNN, path);
    learns(CELL_GRU, path);
    learns(CELL_LSTM, path);
    deterministic(path);
    epochs_shift_windows();
    unlink(path);
    return check_report("test_learning");
}
