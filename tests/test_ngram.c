/* test_ngram: the Kneser-Ney baseline (ngram.h): probabilities over all V
 * symbols sum to 1 for seen, unseen and partial histories; an exactly
 * predictable sequence costs almost nothing; bad arguments are refused;
 * on Tiny Shakespeare ($SHARED_CORPORA, skipped when absent) order 5 beats
 * a unigram, and a KJV-sized text is built with its time printed (never
 * asserted). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "corpus.h"
#include "ngram.h"

static double total_prob(const NGram *g, const int32_t *hist, int len)
{
    double s = 0;
    for (int w = 0; w < g->V; w++) {
        double p = ngram_prob(g, hist, len, w);
        CHECK(p > 0 && p <= 1, "P(%d) = %g", w, p);
        s += p;
    }
    return s;
}

/* Sums over all V for histories taken from data, a made-up one and none. */
static void check_normalised(const NGram *g, const int32_t *ids, int64_t n, const char *what)
{
    char label[128];
    int32_t odd[NGRAM_MAX_ORDER];
    for (int k = 0; k < 5 && n > 40; k++) {
        int64_t at = 10 + (n - 20) / 5 * k;
        for (int len = 0; len < g->order + 1 && len <= at; len++) {
            snprintf(label, sizeof label, "%s: history of %d at %lld", what, len, (long long)at);
            CHECK_NEAR(total_prob(g, ids + at - len, len), 1.0, 1e-6, label);
        }
    }
    for (int i = 0; i < NGRAM_MAX_ORDER; i++)
        odd[i] = (int32_t)((i * 7 + 3) % g->V);  /* most likely never seen */
    snprintf(label, sizeof label, "%s: made-up history", what);
    CHECK_NEAR(total_prob(g, odd, NGRAM_MAX_ORDER), 1.0, 1e-6, label);
    snprintf(label, sizeof label, "%s: empty history", what);
    CHECK_NEAR(total_prob(g, NULL, 0), 1.0, 1e-6, label);
}

static void test_small(void)
{
    enum { N = 20000 };
    static int32_t ids[N];
    uint32_t r = 12345;
    NGram g;
    RnnError err;
    err_clear(&err);
    /* a noisy sequence over 7 symbols, one never used */
    for (int i = 0; i < N; i++) {
        r = r * 1103515245u + 12345u;
        ids[i] = (r >> 16) % 3 == 0 ? (int32_t)((r >> 20) % 6) : (i > 0 ? (ids[i - 1] + 1) % 6 : 0);
    }
    for (int order = 1; order <= 6; order++) {
        char what[32];
        snprintf(what, sizeof what, "noisy, order %d", order);
        CHECK(ngram_build(&g, ids, N, 7, order, &err) == 0, "%s: %s", what, err.msg);
        check_normalised(&g, ids, N, what);
        double loss = ngram_eval(&g, ids, N);
        CHECK(loss > 0 && loss < log(7.0), "%s: loss %g", what, loss);
        ngram_free(&g);
    }
    /* exactly predictable: 0 1 2 3 4 0 1 2 ... */
    for (int i = 0; i < N; i++)
        ids[i] = i % 5;
    CHECK(ngram_build(&g, ids, N / 2, 5, 3, &err) == 0, "cycle: %s", err.msg);
    double loss = ngram_eval(&g, ids + N / 2, N / 2);
    CHECK(loss >= 0 && loss < 0.01, "a predictable sequence costs %g nats", loss);
    check_normalised(&g, ids, N, "cycle");
    ngram_free(&g);
    /* bad arguments */
    CHECK(ngram_build(&g, ids, N, 5, 0, &err) == -1 && err.status == RNN_ERR_INPUT, "order 0");
    CHECK(ngram_build(&g, ids, N, 5, NGRAM_MAX_ORDER + 1, &err) == -1, "order too high");
    CHECK(ngram_build(&g, ids, N, 4, 3, &err) == -1 && strstr(err.msg, "outside [0, 4)"),
          "id out of range: %s", err.msg);
    CHECK(ngram_build(&g, ids, 0, 5, 3, &err) == -1, "no data");
    ngram_free(&g);  /* safe after a failure */
}

static double seconds(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

static int load(Corpus *c, const char *path, Tokenize t)
{
    CorpusConfig cfg;
    RnnError err;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.path, sizeof cfg.path, "%s", path);
    cfg.tokenize = t;
    cfg.val_fraction = 0.1;
    cfg.min_count = 1;
    int rc = corpus_load(c, &cfg, &err);
    CHECK(rc == 0, "%s: %s", path, err.msg);
    return rc;
}

static void test_shakespeare(const char *path)
{
    Corpus c;
    NGram g, u;
    RnnError err;
    if (load(&c, path, TOKENIZE_CHAR))
        return;
    CHECK(ngram_build(&u, c.ids, c.n_train, c.vocab.size, 1, &err) == 0, "unigram");
    CHECK(ngram_build(&g, c.ids, c.n_train, c.vocab.size, 5, &err) == 0, "5-gram: %s", err.msg);
    double lu = ngram_eval(&u, c.ids + c.n_train, c.n_val);
    double lg = ngram_eval(&g, c.ids + c.n_train, c.n_val);
    fprintf(stderr, "test_ngram: tinyshakespeare chars: unigram %.4f nats, 5-gram KN %.4f nats "
            "(%.4f bits), built in %.2f s (D = %.3f %.3f %.3f %.3f %.3f)\n", lu, lg,
            lg / log(2.0), g.build_seconds, g.discount[1], g.discount[2], g.discount[3],
            g.discount[4], g.discount[5]);
    CHECK(lg < lu - 1.0, "5-gram %.4f vs unigram %.4f", lg, lu);
    CHECK(lg > 1.2 && lg < 2.2, "5-gram KN on Tiny Shakespeare: %.4f nats", lg);
    check_normalised(&g, c.ids + c.n_train, c.n_val, "tinyshakespeare 5-gram");
    ngram_free(&u);
    ngram_free(&g);
    corpus_free(&c);

    /* words: V in the thousands, still normalised */
    if (load(&c, path, TOKENIZE_WORD))
        return;
    CHECK(ngram_build(&g, c.ids, c.n_train, c.vocab.size, 3, &err) == 0, "words: %s", err.msg);
    lg = ngram_eval(&g, c.ids + c.n_train, c.n_val);
    fprintf(stderr, "test_ngram: tinyshakespeare words (V = %d): 3-gram KN %.4f nats/token, "
            "built in %.2f s\n", c.vocab.size, lg, g.build_seconds);
    check_normalised(&g, c.ids + c.n_train, c.n_val, "tinyshakespeare word 3-gram");
    ngram_free(&g);
    corpus_free(&c);
}

/* A KJV-sized (4 MB) text: the real one when built, else Tiny Shakespeare
 * four times over. The build time is printed, not asserted. */
static void test_big(const char *shakespeare)
{
    const char *top = getenv("top_srcdir");
    char kjv[1024];
    snprintf(kjv, sizeof kjv, "%s/corpora/kjv.txt", top && *top ? top : ".");
    Corpus c;
    NGram g;
    RnnError err;
    const char *path = access(kjv, R_OK) == 0 ? kjv : shakespeare;
    if (!path || load(&c, path, TOKENIZE_CHAR))
        return;
    int reps = path == kjv ? 1 : 4;
    int32_t *ids = malloc(sizeof *ids * (size_t)c.n * (size_t)reps);
    if (!ids) {
        corpus_free(&c);
        return;
    }
    for (int r = 0; r < reps; r++)
        memcpy(ids + (size_t)r * (size_t)c.n, c.ids, sizeof *ids * (size_t)c.n);
    int64_t n = c.n * reps;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = ngram_build(&g, ids, n, c.vocab.size, 5, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(rc == 0, "big: %s", err.msg);
    if (rc == 0) {
        fprintf(stderr, "test_ngram: %s%s: %lld symbols, order 5 built in %.2f s (%zu histories, "
                "%zu n-grams)\n", path, reps > 1 ? " x4" : "", (long long)n, seconds(&t0, &t1),
                g.n_hist, g.n_gram);
        ngram_free(&g);
    }
    free(ids);
    corpus_free(&c);
}

int main(void)
{
    test_small();
    const char *dir = getenv("SHARED_CORPORA");
    char path[1024];
    snprintf(path, sizeof path, "%s/tinyshakespeare.txt", dir && *dir ? dir : "../shared/corpora");
    if (access(path, R_OK) == 0)
        test_shakespeare(path);
    else
        fprintf(stderr, "test_ngram: %s absent, Tiny Shakespeare checks skipped\n", path);
    test_big(access(path, R_OK) == 0 ? path : NULL);
    return check_report("test_ngram");
}
