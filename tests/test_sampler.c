/* test_sampler: the sampling distribution (sums to 1, greedy is argmax,
 * extreme temperatures, top-k/top-p support with ties), the draw against
 * its distribution (chi-square), priming (unknown symbols, chunked feeding
 * equals step-by-step), reproducibility, a briefly trained Hungarian model
 * writing valid accented UTF-8, and the speed of a 2x512 LSTM. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "check.h"
#include "corpus.h"
#include "sampler.h"
#include "trainer.h"
#include "utf8.h"

#define VMAX 128

static double sum_of(const float *p, int V)
{
    double s = 0;
    for (int v = 0; v < V; v++)
        s += p[v];
    return s;
}

static int support(const float *p, int V, int *ids)
{
    int n = 0;
    for (int v = 0; v < V; v++)
        if (p[v] > 0)
            ids[n++] = v;
    return n;
}

static void dist(const float *z, int V, double t, int k, double tp, float *p)
{
    static double scratch[VMAX];
    static int32_t order[VMAX];
    SampleParams sp = {t, k, tp, 0};
    sampler_distribution(z, V, &sp, p, scratch, order);
}

/* ---- the distribution ------------------------------------------------------ */

static void test_sums_to_one(void)
{
    Rng r;
    rng_seed(&r, 7);
    float z[VMAX], p[VMAX];
    const double temps[] = {1e-4, 0.1, 0.5, 1, 2, 100};
    const int ks[] = {0, 1, 5, 200};
    const double tps[] = {1, 0.9, 0.3, 1e-6};
    for (int trial = 0; trial < 20; trial++) {
        int V = 2 + (int)(rng_next(&r) % (VMAX - 2));
        for (int v = 0; v < V; v++)
            z[v] = (float)(rng_normal(&r) * (trial % 4 == 0 ? 30 : 3));
        for (size_t a = 0; a < sizeof temps / sizeof *temps; a++)
            for (size_t b = 0; b < 4; b++)
                for (size_t c = 0; c < 4; c++) {
                    dist(z, V, temps[a], ks[b], tps[c], p);
                    CHECK_NEAR(sum_of(p, V), 1.0, 1e-5, "sum of the distribution");
                    for (int v = 0; v < V; v++)
                        CHECK(isfinite(p[v]) && p[v] >= 0, "p[%d] = %g", v, p[v]);
                }
    }
}

static void test_greedy(void)
{
    float z[] = {0.5f, 2.0f, -1.0f, 2.0f, 1.9f}, p[5];
    dist(z, 5, 0, 0, 1, p);
    CHECK(p[1] == 1 && sum_of(p, 5) == 1, "temperature 0 is argmax, lowest id on a tie");
    dist(z, 5, 0, 3, 0.2, p);
    CHECK(p[1] == 1, "greedy ignores top-k/top-p");
}

static void test_extreme_temperatures(void)
{
    float z[] = {1.0f, 1.001f, 0.5f, 80.0f, -80.0f, 79.9995f}, p[6];
    dist(z, 6, 1e-4, 0, 1, p);
    CHECK(p[3] > 0.99 && p[5] < 0.01 && p[0] == 0, "T=1e-4 is near-greedy: %g %g", p[3], p[5]);
    float u[] = {-5, 5, 0, 2.5f, -2.5f, 1}, q[6];
    dist(u, 6, 100, 0, 1, q);
    for (int v = 0; v < 6; v++)
        CHECK_NEAR(q[v], 1.0 / 6, 0.02, "T=100 is near-uniform");
    float big[] = {3e38f, -3e38f, 0};
    dist(big, 3, 1e-4, 0, 1, p);
    CHECK(p[0] == 1 && p[1] == 0, "huge logits at a tiny temperature do not overflow");
}

static void test_params(void)
{
    RnnError err;
    SampleParams ok = {0.8, 0, 1, 1};
    CHECK(sampler_check_params(&ok, &err) == 0, "valid params");
    const double bad_t[] = {-0.1, NAN, INFINITY};
    for (int i = 0; i < 3; i++) {
        SampleParams sp = ok;
        sp.temperature = bad_t[i];
        CHECK(sampler_check_params(&sp, &err) == -1 && err.status == RNN_ERR_INPUT &&
              strstr(err.msg, "temperature"), "temperature %g is refused", bad_t[i]);
    }
    const double bad_p[] = {0, 1.5, -1, NAN};
    for (int i = 0; i < 4; i++) {
        SampleParams sp = ok;
        sp.top_p = bad_p[i];
        CHECK(sampler_check_params(&sp, &err) == -1 && strstr(err.msg, "top-p"),
              "top-p %g is refused", bad_p[i]);
    }
    SampleParams sp = ok;
    sp.top_k = -1;
    CHECK(sampler_check_params(&sp, &err) == -1, "top-k -1 is refused");
}

/* ---- top-k / top-p support ----------------------------------------------------- */

static void expect_support(const float *p, int V, const int *want, int n, const char *what)
{
    int ids[VMAX];
    int got = support(p, V, ids);
    int same = got == n;
    for (int i = 0; same && i < n; i++)
        same = ids[i] == want[i];
    CHECK(same, "%s: kept %d symbols (first %d), want %d (first %d)", what, got,
          got ? ids[0] : -1, n, want[0]);
}

static void test_filtering(void)
{
    const double prob[] = {0.1, 0.25, 0.25, 0.1, 0.25, 0.05};  /* ties: 0.25 x3, 0.1 x2 */
    float z[6], p[6];
    for (int v = 0; v < 6; v++)
        z[v] = logf((float)prob[v]);
    dist(z, 6, 1, 1, 1, p);
    expect_support(p, 6, (int[]){1}, 1, "top-k 1, three-way tie");
    dist(z, 6, 1, 2, 1, p);
    expect_support(p, 6, (int[]){1, 2}, 2, "top-k 2 at a tie: lowest ids");
    CHECK_NEAR(p[1], 0.5, 1e-6, "top-k renormalises");
    dist(z, 6, 1, 4, 1, p);
    expect_support(p, 6, (int[]){0, 1, 2, 4}, 4, "top-k 4 at the second tie");
    dist(z, 6, 1, 6, 1, p);
    expect_support(p, 6, (int[]){0, 1, 2, 3, 4, 5}, 6, "top-k = V keeps all");
    dist(z, 6, 1, 1000, 1, p);
    expect_support(p, 6, (int[]){0, 1, 2, 3, 4, 5}, 6, "top-k > V keeps all");
    dist(z, 6, 1, 0, 0.5, p);
    expect_support(p, 6, (int[]){1, 2}, 2, "top-p 0.5 reached exactly inside the tie");
    dist(z, 6, 1, 0, 0.51, p);
    expect_support(p, 6, (int[]){1, 2, 4}, 3, "top-p 0.51");
    dist(z, 6, 1, 0, 0.85, p);
    expect_support(p, 6, (int[]){0, 1, 2, 4}, 4, "top-p 0.85 at the second tie");
    dist(z, 6, 1, 0, 0.95, p);
    expect_support(p, 6, (int[]){0, 1, 2, 3, 4}, 5, "top-p 0.95");
    dist(z, 6, 1, 0, 1e-9, p);
    expect_support(p, 6, (int[]){1}, 1, "tiny top-p keeps the first-ranked");
    dist(z, 6, 1, 2, 0.4, p);
    expect_support(p, 6, (int[]){1}, 1, "top-p on the renormalised top-k");
    dist(z, 6, 1, 3, 0.9, p);
    expect_support(p, 6, (int[]){1, 2, 4}, 3, "top-k 3 then top-p 0.9");
    dist(z, 6, 0.5, 0, 0.5, p);
    expect_support(p, 6, (int[]){1, 2}, 2, "top-p applies to the tempered distribution");
}

/* ---- the draw --------------------------------------------------------------- */

/* 200,000 draws from a tempered, top-k filtered distribution of 8 symbols:
 * chi-square over the support against the expected counts; with df = 6 the
 * 0.001 critical value is 22.46 (fixed seed, so the outcome is fixed). */
static void test_chi_square(void)
{
    float z[8] = {1.0f, 0.2f, -0.5f, 2.0f, 0.0f, 1.5f, -2.0f, 0.7f}, p[8];
    dist(z, 8, 0.7, 7, 1, p);
    CHECK(p[6] == 0, "top-k 7 drops the least likely");
    Rng r;
    rng_seed(&r, 2024);
    long count[8] = {0};
    const long n = 200000;
    for (long i = 0; i < n; i++)
        count[sampler_draw(p, 8, &r)]++;
    double chi2 = 0;
    for (int v = 0; v < 8; v++) {
        if (p[v] == 0) {
            CHECK(count[v] == 0, "id %d outside the support was drawn", v);
            continue;
        }
        double e = p[v] * (double)n;
        chi2 += (count[v] - e) * (count[v] - e) / e;
    }
    fprintf(stderr, "  chi-square over 200k draws: %.2f (df 6, threshold 22.46)\n", chi2);
    CHECK(chi2 < 22.46, "chi-square %.2f", chi2);
}

/* ---- a sampler over a random model ------------------------------------------------ */

static const char ALPHABET[] = "\n abcdefghijklmnopqrstuvwxyz.,";

static void random_model(Model *m, Vocab *v, CellType cell, int H, int L)
{
    uint32_t cps[64];
    int n = (int)strlen(ALPHABET);
    for (int i = 0; i < n; i++)
        cps[i] = (unsigned char)ALPHABET[i];
    vocab_from_codepoints(v, cps, n);
    ModelShape s = {cell, n, 0, H, L};
    Rng r;
    rng_seed(&r, 99);
    RnnError err;
    CHECK(model_init(m, &s, &r, &err) == 0, "%s", err.msg);
    for (size_t i = 0; i < m->off.total; i++)
        m->params[i] *= 3;  /* sharper distributions */
}

static void generate(Sampler *s, const char *prime, int n, char *out)
{
    RnnError err;
    CHECK(sampler_prime(s, prime, strlen(prime), UNKNOWN_ERROR, &err) == 0, "%s", err.msg);
    for (int i = 0; i < n; i++) {
        int32_t id = sampler_next(s);
        out[i] = (char)s->vocab->codepoints[id];
        CHECK_NEAR(sum_of(s->probs, s->vocab->size), 1, 1e-5, "step distribution");
        CHECK_NEAR(sum_of(s->probs_t1, s->vocab->size), 1, 1e-5, "T=1 distribution");
    }
    out[n] = '\0';
}

static void test_reproducible(const Model *m, const Vocab *v)
{
    Sampler s;
    RnnError err;
    SampleParams sp = {1.0, 0, 1, 5};
    CHECK(sampler_init(&s, m, v, &sp, &err) == 0, "%s", err.msg);
    char a[201], b[201], c[201];
    generate(&s, "the cat", 200, a);
    generate(&s, "the cat", 200, b);
    CHECK(strcmp(a, b) == 0, "same seed, same text");
    sp.seed = 6;
    sampler_set_params(&s, &sp, &err);
    generate(&s, "the cat", 200, c);
    CHECK(strcmp(a, c) != 0, "another seed, other text");
    sampler_free(&s);
}

static void test_greedy_steps(const Model *m, const Vocab *v)
{
    Sampler s;
    RnnError err;
    SampleParams sp = {0, 0, 1, 5};
    CHECK(sampler_init(&s, m, v, &sp, &err) == 0, "%s", err.msg);
    sampler_prime(&s, "a", 1, UNKNOWN_ERROR, &err);
    for (int i = 0; i < 50; i++) {
        int32_t id = sampler_next(&s), best = 0, top[5];
        for (int k = 1; k < v->size; k++)
            if (s.probs_t1[k] > s.probs_t1[best])
                best = k;
        CHECK(id == best && s.probs[id] == 1, "greedy step %d: %d, argmax %d", i, id, best);
        CHECK(sampler_top(&s, 5, top) == 5 && top[0] == id, "top list starts at the choice");
        for (int k = 1; k < 5; k++)
            CHECK(s.probs_t1[top[k]] <= s.probs_t1[top[k - 1]], "top list ordered");
    }
    sampler_free(&s);
}

static void test_prime_errors(const Model *m, const Vocab *v)
{
    Sampler s;
    RnnError err;
    SampleParams sp = {1.0, 0, 1, 5};
    sampler_init(&s, m, v, &sp, &err);
    const char *bad = "ab\xe2\x82\xac" "c";  /* the euro sign is not in the vocabulary */
    CHECK(sampler_prime(&s, bad, strlen(bad), UNKNOWN_ERROR, &err) == -1 &&
          err.status == RNN_ERR_INPUT && strstr(err.msg, "U+20AC") &&
          strstr(err.msg, "character 3"), "unknown symbol named with its position: %s",
          err.msg);
    CHECK(sampler_prime(&s, bad, strlen(bad), UNKNOWN_SKIP, &err) == 0 &&
          s.last == vocab_find(v, 'c'), "--unknown skip");
    CHECK(sampler_prime(&s, "a\xe2\x82\xac", 4, UNKNOWN_REPLACE, &err) == 0 &&
          s.last == vocab_find(v, ' '), "--unknown replace: a space");
    CHECK(sampler_prime(&s, "ab\xc3", 3, UNKNOWN_ERROR, &err) == -1 &&
          strstr(err.msg, "byte offset 2"), "invalid UTF-8: %s", err.msg);
    CHECK(sampler_prime(&s, "A", 1, UNKNOWN_ERROR, &err) == -1, "case matters by default");
    s.lowercase = 1;
    CHECK(sampler_prime(&s, "A", 1, UNKNOWN_ERROR, &err) == 0 &&
          s.last == vocab_find(v, 'a'), "a lowercase model folds the prime");
    s.lowercase = 0;
    CHECK(sampler_prime(&s, "", 0, UNKNOWN_ERROR, &err) == 0 &&
          s.last == vocab_find(v, '\n'), "an empty prime starts from a newline");
    CHECK(sampler_prime(&s, "a\r\nb\r", 5, UNKNOWN_ERROR, &err) == 0 &&
          s.last == vocab_find(v, '\n'), "CR LF and CR read as LF");
    sampler_free(&s);
}

/* Priming in chunks of SAMPLER_CHUNK leaves the state feeding one symbol at
 * a time gives (float tolerance 1e-5). */
static void test_chunked_prime(const Model *m, const Vocab *v)
{
    char prime[301];
    Rng r;
    rng_seed(&r, 3);
    for (int i = 0; i < 300; i++)
        prime[i] = ALPHABET[rng_next(&r) % strlen(ALPHABET)];
    prime[300] = '\0';
    Sampler s;
    RnnError err;
    SampleParams sp = {1.0, 0, 1, 5};
    sampler_init(&s, m, v, &sp, &err);
    CHECK(sampler_prime(&s, prime, 300, UNKNOWN_ERROR, &err) == 0, "%s", err.msg);
    int L = m->shape.L, H = m->shape.H;
    float *h = calloc((size_t)L * H, sizeof(float)), *c = calloc((size_t)L * H, sizeof(float));
    net_Work w;
    net_Tensors t;
    net_work_init(&w, &m->shape, 1, 1, 0, 0, &err);
    net_bind(&m->shape, m->params, &t);
    for (int i = 0; i < 299; i++) {
        int32_t id = vocab_find(v, (unsigned char)prime[i]);
        net_forward(&t, &w, 1, &id, NULL, h, c, NULL);
    }
    double diff = 0;
    for (int k = 0; k < L * H; k++)
        diff = fmax(diff, fabs(h[k] - s.state_h[k]) + fabs(c[k] - s.state_c[k]));
    CHECK(diff < 1e-5, "chunked priming differs from step by step by %g", diff);
    CHECK(s.last == vocab_find(v, (unsigned char)prime[299]), "the last prime symbol waits");
    net_work_free(&w);
    free(h);
    free(c);
    sampler_free(&s);
}

/* ---- Hungarian ------------------------------------------------------------------- */

static int count_accents(const char *text, size_t n)
{
    static const uint32_t acc[] = {0xe1, 0xe9, 0xed, 0xf3, 0xf6, 0x151, 0xfa, 0xfc, 0x171};
    int k = 0;
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        int b = utf8_decode((const unsigned char *)text + i, n - i, &cp);
        if (!b)
            return -1;
        for (size_t a = 0; a < sizeof acc / sizeof *acc; a++)
            k += cp == acc[a];
        i += (size_t)b;
    }
    return k;
}

static void test_hungarian(void)
{
    const char *dir = getenv("SHARED_CORPORA");
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.corpus.path, sizeof cfg.corpus.path, "%s/petofi.txt",
             dir && dir[0] ? dir : "/work/shared/corpora");
    FILE *f = fopen(cfg.corpus.path, "rb");
    if (!f) {
        fprintf(stderr, "  skipping the Hungarian sample: no %s\n", cfg.corpus.path);
        return;
    }
    fclose(f);
    cfg.model = (ModelConfig){.cell = CELL_LSTM, .hidden = 64, .layers = 1};
    cfg.train.batch = 16;
    cfg.train.seq_len = 32;
    cfg.train.learning_rate = 0.005;
    Corpus c;
    static Trainer tr;
    RnnError err;
    double t0 = clock_seconds();
    CHECK(corpus_load(&c, &cfg.corpus, &err) == 0, "%s", err.msg);
    CHECK(trainer_init(&tr, &cfg, &c, &err) == 0, "%s", err.msg);
    for (int i = 0; i < 300; i++)
        CHECK(trainer_step(&tr, &err) == 0, "%s", err.msg);
    Sampler s;
    SampleParams sp = {0.8, 0, 1, 11};
    CHECK(sampler_init(&s, &tr.model, &c.vocab, &sp, &err) == 0, "%s", err.msg);
    const char *prime = "Szeretlek";
    CHECK(sampler_prime(&s, prime, strlen(prime), UNKNOWN_ERROR, &err) == 0, "%s", err.msg);
    char text[2400], sym[8];
    size_t n = 0;
    for (int i = 0; i < 400; i++) {
        int k = vocab_symbol_utf8(&c.vocab, sampler_next(&s), sym, sizeof sym);
        memcpy(text + n, sym, (size_t)k);
        n += (size_t)k;
    }
    text[n] = '\0';
    int accents = count_accents(text, n);
    fprintf(stderr, "  Hungarian (loss %.3f after 300 steps, %.1f s): Szeretlek%.160s...\n",
            tr.last_loss, clock_seconds() - t0, text);
    CHECK(utf8_valid(text, n), "the Hungarian sample is valid UTF-8");
    CHECK(accents >= 5, "only %d accented letters in 400 symbols", accents);
    sampler_free(&s);
    trainer_free(&tr);
    corpus_free(&c);
}

/* ---- speed ------------------------------------------------------------------------ */

static void test_speed(void)
{
    Model m;
    Vocab v;
    random_model(&m, &v, CELL_LSTM, 512, 2);
    Sampler s;
    RnnError err;
    SampleParams sp = {0.8, 40, 0.95, 1};
    sampler_init(&s, &m, &v, &sp, &err);
    sampler_prime(&s, "the ", 4, UNKNOWN_ERROR, &err);
    sampler_next(&s);  /* warm caches */
    double t0 = clock_seconds();
    int valid = 1;
    for (int i = 0; i < 1000; i++) {
        int32_t id = sampler_next(&s);
        valid &= id >= 0 && id < v.size;
    }
    double dt = clock_seconds() - t0;
    fprintf(stderr, "  speed: 1000 symbols from a 2x512 LSTM (V=%d, top-k 40, top-p 0.95) "
            "in %.3f s on one BLAS thread\n", v.size, dt);
    /* the time is a figure to report, not an assertion: tests run on slow, noisy machines */
    CHECK(valid, "a drawn id fell outside the vocabulary");
    sampler_free(&s);
    model_free(&m);
    vocab_free(&v);
}

int main(void)
{
    blas_set_threads(1);
    test_sums_to_one();
    test_greedy();
    test_extreme_temperatures();
    test_params();
    test_filtering();
    test_chi_square();
    Model m;
    Vocab v;
    random_model(&m, &v, CELL_LSTM, 24, 2);
    test_reproducible(&m, &v);
    test_greedy_steps(&m, &v);
    test_prime_errors(&m, &v);
    test_chunked_prime(&m, &v);
    model_free(&m);
    vocab_free(&v);
    random_model(&m, &v, CELL_GRU, 16, 1);
    test_chunked_prime(&m, &v);
    test_reproducible(&m, &v);
    model_free(&m);
    vocab_free(&v);
    test_hungarian();
    test_speed();
    return check_report("test_sampler");
}
