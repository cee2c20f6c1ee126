/* net_impl.h: the forward and backward passes, written once for a floating
 * type. Include with REAL, NET(name) and REAL_IS_DOUBLE (0 or 1) defined:
 * src/net.c builds it for float, tests/netd.c for double (the reference of
 * the gradient check). No include guard, on purpose.
 *
 * Shapes (see model.h): B streams, T steps, H hidden, G gates, GH = G*H,
 * V vocabulary, X_l input width of layer l. Rows are time-major (t*B + b). */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if REAL_IS_DOUBLE
#define GEMM cblas_dgemm
#define GEMV cblas_dgemv
#else
#define GEMM cblas_sgemm
#define GEMV cblas_sgemv
#endif

/* Seconds on a monotonic clock, for the optional profile of a Work. */
static double NET(now)(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void NET(gemm_raw)(int ta, int tb, int M, int N, int K, const REAL *A, int lda,
                          const REAL *B, int ldb, REAL beta, REAL *C, int ldc);

/* C[MxN] = A[MxK] * B[KxN] + beta*C, row-major; ta/tb transpose A or B.
 * Timed into w->prof when w->profile is set. */
static void NET(gemm)(NET(Work) *w, int ta, int tb, int M, int N, int K, const REAL *A,
                      int lda, const REAL *B, int ldb, REAL beta, REAL *C, int ldc)
{
    double t0 = w->profile ? NET(now)() : 0;
    NET(gemm_raw)(ta, tb, M, N, K, A, lda, B, ldb, beta, C, ldc);
    if (w->profile)
        w->prof[NET_PROF_GEMM] += NET(now)() - t0;
}

static void NET(gemm_raw)(int ta, int tb, int M, int N, int K, const REAL *A, int lda,
                          const REAL *B, int ldb, REAL beta, REAL *C, int ldc)
{
    if (M == 1 && !ta) {  /* one row (sampling: B = T = 1): GEMV is ~2.5x faster */
        GEMV(CblasRowMajor, tb ? CblasNoTrans : CblasTrans, tb ? N : K, tb ? K : N, (REAL)1,
             B, ldb, A, 1, beta, C, 1);
        return;
    }
    GEMM(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
         M, N, K, (REAL)1, A, lda, B, ldb, beta, C, ldc);
}

/* C[MxN] = A[MxK] * op(W) + beta*C, op transposing W when tb is set:
 * through the caller's packed copy of op(W) when there is one (float only;
 * see pgemm.h), else BLAS. */
static void NET(gemm_packed)(NET(Work) *w, const PackedMatrix *packed, int tb, int M, int N,
                             int K, const REAL *A, int lda, const REAL *W, int ldw, REAL beta,
                             REAL *C, int ldc)
{
#if !REAL_IS_DOUBLE
    if (packed) {
        double t0 = w->profile ? NET(now)() : 0;
        pgemm_mul(packed, M, A, lda, beta, C, ldc);
        if (w->profile)
            w->prof[NET_PROF_GEMM] += NET(now)() - t0;
        return;
    }
#else
    (void)packed;
#endif
    NET(gemm)(w, 0, tb, M, N, K, A, lda, W, ldw, beta, C, ldc);
}

#if REAL_IS_DOUBLE
/* The reference build uses the C library's functions. */
static inline REAL NET(sigmoid)(REAL x)
{
    return 1 / (1 + exp(-x));
}

static inline REAL NET(act_tanh)(REAL x)
{
    return tanh(x);
}

static inline REAL NET(act_exp)(REAL x)
{
    return exp(x);
}
#else
/* Float activations written so that the compiler vectorises the gate loops
 * (the C library's expf and tanhf are scalar calls and took a fifth of the
 * step). e^x - 1 = 2^n (e^r - 1) + (2^n - 1) with x = n ln2 + r, |r| <= ln2/2,
 * and e^r - 1 by its Taylor series to r^7 (relative error below 2e-8);
 * keeping e^x - 1 whole avoids cancellation in tanh near zero. The float
 * build is checked against the double one (libm) by the gradient test. */
static inline float net_pow2i(float n)
{
    int32_t e = (int32_t)n + 127;
    uint32_t bits = (uint32_t)(e < 0 ? 0 : e) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return scale;
}

static inline float net_expm1_reduced(float x, float *scale)
{
    float t = x * 1.44269504f;
    float n = (t + 12582912.0f) - 12582912.0f;  /* round to nearest */
    float r = x - n * 0.693359375f - n * -2.12194440e-4f;
    float q = 1.0f / 5040;
    q = q * r + 1.0f / 720;
    q = q * r + 1.0f / 120;
    q = q * r + 1.0f / 24;
    q = q * r + 1.0f / 6;
    q = q * r + 0.5f;
    *scale = net_pow2i(n);
    return r + r * r * q;  /* e^r - 1 */
}

static inline float net_expm1f(float x)
{
    float scale, em = net_expm1_reduced(x, &scale);
    return scale * em + (scale - 1.0f);
}

static inline float net_sigmoid(float x)
{
    x = x < -80.0f ? -80.0f : x > 80.0f ? 80.0f : x;
    return 1.0f / (net_expm1f(-x) + 2.0f);
}

static inline float net_act_tanh(float x)
{
    x = x < -9.0f ? -9.0f : x > 9.0f ? 9.0f : x;
    float e = net_expm1f(2.0f * x);
    return e / (e + 2.0f);
}

static inline float net_act_exp(float x)
{
    x = x < -87.0f ? -87.0f : x;
    float scale, em = net_expm1_reduced(x, &scale);
    return scale + scale * em;
}
#endif

/* Loops over independent elements: vectorise even where GCC's -O2 cost
 * model would not (-fopenmp-simd, set by configure when available). */
#ifdef RNNTOP_OPENMP_SIMD
#define SIMD _Pragma("omp simd")
#else
#define SIMD
#endif

/* The gate kernels are also built for AVX-512 and AVX2, picked at load
 * time by the CPU (GCC function multiversioning), since the portable
 * baseline has only 4-wide SSE2 vectors. */
#if !REAL_IS_DOUBLE && defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define KERNEL __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define KERNEL
#endif

void NET(bind)(const ModelShape *s, REAL *base, NET(Tensors) *t)
{
    ModelOffsets off;
    model_offsets(s, &off);
    memset(t, 0, sizeof *t);
    t->emb = s->E > 0 ? base + off.emb : NULL;
    for (int l = 0; l < s->L; l++) {
        t->layer[l].Wx = base + off.layer[l].Wx;
        t->layer[l].Wh = base + off.layer[l].Wh;
        t->layer[l].bx = base + off.layer[l].bx;
        t->layer[l].bh = base + off.layer[l].bh;
    }
    t->Wy = base + off.Wy;
    t->by = base + off.by;
    t->base = base;
    t->total = off.total;
}

/* ---- work buffers ------------------------------------------------------ */

static int NET(input_width)(const ModelShape *s, int l)
{
    return l > 0 ? s->H : (s->E > 0 ? s->E : 0);
}

/* Size every buffer; with carve != NULL also point the buffers into it. */
static size_t NET(work_layout)(NET(Work) *w, REAL *carve)
{
    const ModelShape *s = &w->s;
    size_t B = (size_t)w->B, TB = B * (size_t)w->T, H = (size_t)s->H, GH = (size_t)w->GH;
    size_t wide = H > (size_t)s->E ? H : (size_t)s->E, at = 0;
#define TAKE(ptr, n) do { if (carve) (ptr) = carve + at; at += (n); } while (0)
    for (int l = 0; l < s->L; l++) {
        int own_input = (l == 0 && s->E > 0) || (l > 0 && w->dropout > 0);
        if (own_input)
            TAKE(w->in[l], TB * (size_t)NET(input_width)(s, l));
        TAKE(w->gates[l], TB * GH);
        if (s->cell == CELL_GRU)
            TAKE(w->hn[l], TB * H);
        TAKE(w->h[l], TB * H + B * H);
        if (s->cell == CELL_LSTM)
            TAKE(w->c[l], TB * H + B * H);
        if (l > 0 && w->dropout > 0)
            TAKE(w->mask[l], TB * H);
    }
    if (w->out_dropout > 0) {
        TAKE(w->top, TB * H);
        TAKE(w->top_mask, TB * H);
    }
    TAKE(w->hp, B * GH);
    TAKE(w->logits, TB * (size_t)s->V);
    TAKE(w->probs, TB * (size_t)s->V);
    TAKE(w->dgx, TB * GH);
    if (s->cell == CELL_GRU)
        TAKE(w->dgh, TB * GH);
    TAKE(w->dout, TB * wide);
    TAKE(w->din, TB * wide);
    TAKE(w->dh, B * H);
    TAKE(w->dc, B * H);
    TAKE(w->dtmp, B * H);
#undef TAKE
    return at;
}

int NET(work_init)(NET(Work) *w, const ModelShape *s, int B, int T, double dropout,
                   double out_dropout, RnnError *err)
{
    memset(w, 0, sizeof *w);
    w->s = *s;
    w->B = B;
    w->T = T;
    w->GH = model_gates(s->cell) * s->H;
    w->dropout = s->L > 1 ? dropout : 0.0;
    w->out_dropout = out_dropout;
    size_t n = NET(work_layout)(w, NULL);
    w->block = calloc(n, sizeof(REAL));
    if (!w->block)
        return err_set(err, RNN_ERR_RUNTIME,
                       "out of memory: %.1f MiB of activations for batch %d x seq_len %d",
                       n * sizeof(REAL) / 1048576.0, B, T);
    NET(work_layout)(w, w->block);
    for (int l = 0; l < s->L; l++)  /* without dropout a layer reads the one below in place */
        if (l > 0 && !w->in[l])
            w->in[l] = w->h[l - 1] + (size_t)B * s->H;
    if (s->cell != CELL_GRU)
        w->dgh = w->dgx;  /* the x and h paths share gate gradients */
    return 0;
}

void NET(work_free)(NET(Work) *w)
{
    free(w->block);
    memset(w, 0, sizeof *w);
}

/* ---- forward ------------------------------------------------------------- */

/* gates[r] = x_r Wx + bx (+ the h-path biases that need no reset gate). */
static void NET(input_projection)(const NET(Tensors) *p, NET(Work) *w, int l, int T,
                                  const int32_t *x)
{
    const ModelShape *s = &w->s;
    const NET(LayerTensors) *lt = &p->layer[l];
    int TB = T * w->B, GH = w->GH, H = s->H;
    int fold_h = s->cell == CELL_GRU ? 2 * H : GH;  /* gru: not the n part */
    REAL *g = w->gates[l];
    if (l == 0 && s->E == 0) {
        for (int r = 0; r < TB; r++)
            memcpy(g + (size_t)r * GH, lt->Wx + (size_t)x[r] * GH, sizeof(REAL) * GH);
    } else {
        int X = NET(input_width)(s, l);
        NET(gemm)(w, 0, 0, TB, GH, X, w->in[l], X, lt->Wx, GH, 0, g, GH);
    }
    for (int r = 0; r < TB; r++) {
        REAL *gr = g + (size_t)r * GH;
        for (int j = 0; j < GH; j++)
            gr[j] += lt->bx[j];
        for (int j = 0; j < fold_h; j++)
            gr[j] += lt->bh[j];
    }
}

KERNEL static void NET(lstm_cell)(REAL *g, const REAL *cprev, REAL *c, REAL *h, int B, int H)
{
    for (int b = 0; b < B; b++) {
        REAL *gi = g + (size_t)b * 4 * H, *gf = gi + H, *gg = gf + H, *go = gg + H;
        const REAL *cp = cprev + (size_t)b * H;
        REAL *cb = c + (size_t)b * H, *hb = h + (size_t)b * H;
        SIMD
        for (int j = 0; j < H; j++) {
            REAL i = NET(sigmoid)(gi[j]), f = NET(sigmoid)(gf[j]);
            REAL u = NET(act_tanh)(gg[j]), o = NET(sigmoid)(go[j]);
            gi[j] = i; gf[j] = f; gg[j] = u; go[j] = o;
            cb[j] = f * cp[j] + i * u;
            hb[j] = o * NET(act_tanh)(cb[j]);
        }
    }
}

KERNEL static void NET(gru_cell)(REAL *g, const REAL *hp, const REAL *bh, REAL *hn,
                          const REAL *hprev, REAL *h, int B, int H)
{
    for (int b = 0; b < B; b++) {
        REAL *gr = g + (size_t)b * 3 * H, *gz = gr + H, *gn = gz + H;
        const REAL *pr = hp + (size_t)b * 3 * H, *pz = pr + H, *pn = pz + H;
        const REAL *hpv = hprev + (size_t)b * H;
        REAL *hnb = hn + (size_t)b * H, *hb = h + (size_t)b * H;
        SIMD
        for (int j = 0; j < H; j++) {
            REAL r = NET(sigmoid)(gr[j] + pr[j]), z = NET(sigmoid)(gz[j] + pz[j]);
            hnb[j] = pn[j] + bh[2 * H + j];
            REAL n = NET(act_tanh)(gn[j] + r * hnb[j]);
            gr[j] = r; gz[j] = z; gn[j] = n;
            hb[j] = (1 - z) * n + z * hpv[j];
        }
    }
}

KERNEL static void NET(rnn_cell)(REAL *g, REAL *h, int B, int H)
{
    SIMD
    for (int k = 0; k < B * H; k++) {
        g[k] = NET(act_tanh)(g[k]);
        h[k] = g[k];
    }
}

/* One layer over the window: input projection, then the sequential part. */
static void NET(layer_forward)(const NET(Tensors) *p, NET(Work) *w, int l, int T,
                               const int32_t *x)
{
    const ModelShape *s = &w->s;
    const NET(LayerTensors) *lt = &p->layer[l];
    int B = w->B, H = s->H, GH = w->GH;
    NET(input_projection)(p, w, l, T, x);
    for (int t = 0; t < T; t++) {
        REAL *g = w->gates[l] + (size_t)t * B * GH;
        REAL *hprev = w->h[l] + (size_t)t * B * H, *h = hprev + (size_t)B * H;
        if (s->cell == CELL_GRU)
            NET(gemm_packed)(w, lt->Whp, 0, B, GH, H, hprev, H, lt->Wh, GH, 0, w->hp, GH);
        else
            NET(gemm_packed)(w, lt->Whp, 0, B, GH, H, hprev, H, lt->Wh, GH, 1, g, GH);
        double t0 = w->profile ? NET(now)() : 0;
        if (s->cell == CELL_GRU) {
            NET(gru_cell)(g, w->hp, lt->bh, w->hn[l] + (size_t)t * B * H, hprev, h, B, H);
        } else if (s->cell == CELL_LSTM) {
            REAL *cprev = w->c[l] + (size_t)t * B * H;
            NET(lstm_cell)(g, cprev, cprev + (size_t)B * H, h, B, H);
        } else {
            NET(rnn_cell)(g, h, B, H);
        }
        if (w->profile)
            w->prof[NET_PROF_GATES] += NET(now)() - t0;
    }
}

/* dst = src * mask over n values, with a new inverted-dropout mask (0 with
 * probability p, else 1/(1-p)) drawn from rng; without rng the mask is all
 * ones (evaluation needs no scaling). */
static void NET(dropout_mask)(const REAL *src, REAL *dst, REAL *mask, size_t n, double p,
                              Rng *rng)
{
    REAL keep = (REAL)(1.0 / (1.0 - p));
    for (size_t k = 0; k < n; k++) {
        REAL m = 1;
        if (rng)
            m = rng_uniformf(rng) < (float)p ? 0 : keep;
        mask[k] = m;
        dst[k] = src[k] * m;
    }
}

/* Inputs of layer l: embedding rows for layer 0, the masked output of the
 * layer below otherwise (without dropout w->in[l] already aliases it). */
static void NET(layer_input)(const NET(Tensors) *p, NET(Work) *w, int l, int T,
                             const int32_t *x, Rng *rng)
{
    const ModelShape *s = &w->s;
    size_t TB = (size_t)T * w->B;
    if (l == 0) {
        if (s->E > 0)
            for (size_t r = 0; r < TB; r++)
                memcpy(w->in[0] + r * s->E, p->emb + (size_t)x[r] * s->E, sizeof(REAL) * s->E);
        return;
    }
    if (w->dropout <= 0)
        return;
    const REAL *below = w->h[l - 1] + (size_t)w->B * s->H;
    NET(dropout_mask)(below, w->in[l], w->mask[l], TB * s->H, w->dropout, rng);
}

/* The top layer's output as the output layer reads it: w->top (masked)
 * with out_dropout, else the top layer's h in place. */
static const REAL *NET(top_seen)(const NET(Work) *w)
{
    if (w->out_dropout > 0)
        return w->top;
    return w->h[w->s.L - 1] + (size_t)w->B * w->s.H;
}

/* Draw the out_dropout mask over the top layer's output (forward only). */
static const REAL *NET(top_output)(NET(Work) *w, int T, Rng *rng)
{
    if (w->out_dropout > 0) {
        const REAL *h = w->h[w->s.L - 1] + (size_t)w->B * w->s.H;
        NET(dropout_mask)(h, w->top, w->top_mask, (size_t)T * w->B * w->s.H, w->out_dropout,
                          rng);
    }
    return NET(top_seen)(w);
}

/* Backward through a dropout mask: d *= mask over n values. */
static void NET(mask_grad)(REAL *d, const REAL *mask, size_t n)
{
    for (size_t k = 0; k < n; k++)
        d[k] *= mask[k];
}

/* Softmax of each row of logits into probs; returns summed -log p(y). */
KERNEL static double NET(softmax_xent)(NET(Work) *w, int T, const int32_t *y)
{
    int V = w->s.V, TB = T * w->B;
    double loss = 0;
    for (int r = 0; r < TB; r++) {
        const REAL *z = w->logits + (size_t)r * V;
        REAL *pr = w->probs + (size_t)r * V;
        REAL m = z[0];
        for (int v = 1; v < V; v++)
            m = z[v] > m ? z[v] : m;
        double sum = 0;
        SIMD
        for (int v = 0; v < V; v++)
            pr[v] = NET(act_exp)(z[v] - m);
        for (int v = 0; v < V; v++)
            sum += pr[v];
        REAL inv = (REAL)(1.0 / sum);
        for (int v = 0; v < V; v++)
            pr[v] *= inv;
        loss -= (double)(z[y[r]] - m) - log(sum);
    }
    return loss;
}

static void NET(state_in)(NET(Work) *w, const REAL *sh, const REAL *sc)
{
    size_t BH = (size_t)w->B * w->s.H;
    for (int l = 0; l < w->s.L; l++) {
        memcpy(w->h[l], sh + l * BH, sizeof(REAL) * BH);
        if (w->s.cell == CELL_LSTM)
            memcpy(w->c[l], sc + l * BH, sizeof(REAL) * BH);
    }
}

static void NET(state_out)(NET(Work) *w, int T, REAL *sh, REAL *sc)
{
    size_t BH = (size_t)w->B * w->s.H;
    for (int l = 0; l < w->s.L; l++) {
        memcpy(sh + l * BH, w->h[l] + (size_t)T * BH, sizeof(REAL) * BH);
        if (w->s.cell == CELL_LSTM)
            memcpy(sc + l * BH, w->c[l] + (size_t)T * BH, sizeof(REAL) * BH);
    }
}

double NET(forward)(const NET(Tensors) *p, NET(Work) *w, int T, const int32_t *x,
                    const int32_t *y, REAL *state_h, REAL *state_c, Rng *dropout_rng)
{
    const ModelShape *s = &w->s;
    int TB = T * w->B, H = s->H, V = s->V;
    NET(state_in)(w, state_h, state_c);
    for (int l = 0; l < s->L; l++) {
        NET(layer_input)(p, w, l, T, x, dropout_rng);
        NET(layer_forward)(p, w, l, T, x);
    }
    const REAL *top = NET(top_output)(w, T, dropout_rng);
    NET(gemm)(w, 0, 0, TB, V, H, top, H, p->Wy, V, 0, w->logits, V);
    for (int r = 0; r < TB; r++)
        for (int v = 0; v < V; v++)
            w->logits[(size_t)r * V + v] += p->by[v];
    NET(state_out)(w, T, state_h, state_c);
    if (!y)
        return 0.0;
    double t0 = w->profile ? NET(now)() : 0;
    double loss = NET(softmax_xent)(w, T, y);
    if (w->profile)
        w->prof[NET_PROF_SOFTMAX] += NET(now)() - t0;
    return loss;
}

/* ---- backward ------------------------------------------------------------ */

KERNEL static void NET(lstm_cell_back)(NET(Work) *w, int l, int t, const REAL *dout)
{
    int B = w->B, H = w->s.H;
    size_t BH = (size_t)B * H;
    const REAL *cprev = w->c[l] + (size_t)t * BH, *c = cprev + BH;
    REAL *g = w->gates[l] + (size_t)t * B * 4 * H, *dg = w->dgx + (size_t)t * B * 4 * H;
    for (int b = 0; b < B; b++) {
        const REAL *gi = g + (size_t)b * 4 * H, *gf = gi + H, *gg = gf + H, *go = gg + H;
        REAL *di = dg + (size_t)b * 4 * H, *df = di + H, *dgg = df + H, *dgo = dgg + H;
        SIMD
        for (int j = 0; j < H; j++) {
            size_t k = (size_t)b * H + j;
            REAL dh = dout[k] + w->dh[k];
            REAL tc = NET(act_tanh)(c[k]);
            REAL dc = dh * go[j] * (1 - tc * tc) + w->dc[k];
            dgo[j] = dh * tc * go[j] * (1 - go[j]);
            di[j] = dc * gg[j] * gi[j] * (1 - gi[j]);
            df[j] = dc * cprev[k] * gf[j] * (1 - gf[j]);
            dgg[j] = dc * gi[j] * (1 - gg[j] * gg[j]);
            w->dc[k] = dc * gf[j];
        }
    }
}

KERNEL static void NET(gru_cell_back)(NET(Work) *w, int l, int t, const REAL *dout)
{
    int B = w->B, H = w->s.H;
    size_t BH = (size_t)B * H;
    const REAL *hprev = w->h[l] + (size_t)t * BH, *hn = w->hn[l] + (size_t)t * BH;
    const REAL *g = w->gates[l] + (size_t)t * B * 3 * H;
    REAL *dgx = w->dgx + (size_t)t * B * 3 * H, *dgh = w->dgh + (size_t)t * B * 3 * H;
    for (int b = 0; b < B; b++) {
        const REAL *gr = g + (size_t)b * 3 * H, *gz = gr + H, *gn = gz + H;
        REAL *xr = dgx + (size_t)b * 3 * H, *xz = xr + H, *xn = xz + H;
        REAL *hr = dgh + (size_t)b * 3 * H, *hz = hr + H, *hnn = hz + H;
        SIMD
        for (int j = 0; j < H; j++) {
            size_t k = (size_t)b * H + j;
            REAL dh = dout[k] + w->dh[k];
            REAL r = gr[j], z = gz[j], n = gn[j];
            REAL dnpre = dh * (1 - z) * (1 - n * n);
            REAL dzpre = dh * (hprev[k] - n) * z * (1 - z);
            REAL drpre = dnpre * hn[k] * r * (1 - r);
            xr[j] = hr[j] = drpre;
            xz[j] = hz[j] = dzpre;
            xn[j] = dnpre;
            hnn[j] = dnpre * r;
            w->dtmp[k] = dh * z;  /* the direct path h_prev -> h */
        }
    }
}

KERNEL static void NET(rnn_cell_back)(NET(Work) *w, int l, int t, const REAL *dout)
{
    size_t BH = (size_t)w->B * w->s.H;
    const REAL *g = w->gates[l] + (size_t)t * BH;
    REAL *dg = w->dgx + (size_t)t * BH;
    SIMD
    for (size_t k = 0; k < BH; k++)
        dg[k] = (dout[k] + w->dh[k]) * (1 - g[k] * g[k]);
}

static void NET(colsum_add)(const REAL *A, int rows, int cols, REAL *out)
{
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++)
            out[j] += A[(size_t)r * cols + j];
}

/* Back through time for layer l given d loss / d output in w->dout; leaves
 * d loss / d input in w->din (unless layer 0 is one-hot). */
static void NET(layer_backward)(const NET(Tensors) *p, NET(Tensors) *g, NET(Work) *w,
                                int l, int T, const int32_t *x)
{
    const ModelShape *s = &w->s;
    const NET(LayerTensors) *lt = &p->layer[l];
    NET(LayerTensors) *gt = &g->layer[l];
    int B = w->B, H = s->H, GH = w->GH, TB = T * B;
    size_t BH = (size_t)B * H;
    memset(w->dh, 0, sizeof(REAL) * BH);  /* truncated BPTT: nothing from the future */
    memset(w->dc, 0, sizeof(REAL) * BH);
    for (int t = T - 1; t >= 0; t--) {
        const REAL *dout = w->dout + (size_t)t * BH;
        double t0 = w->profile ? NET(now)() : 0;
        if (s->cell == CELL_LSTM)
            NET(lstm_cell_back)(w, l, t, dout);
        else if (s->cell == CELL_GRU)
            NET(gru_cell_back)(w, l, t, dout);
        else
            NET(rnn_cell_back)(w, l, t, dout);
        if (w->profile)
            w->prof[NET_PROF_GATES] += NET(now)() - t0;
        if (t == 0)
            break;  /* the gradient into the carried-in state is not needed */
        const REAL *dg = w->dgh + (size_t)t * B * GH;
        NET(gemm_packed)(w, lt->WhTp, 1, B, H, GH, dg, GH, lt->Wh, GH, 0, w->dh, H);
        if (s->cell == CELL_GRU)
            for (size_t k = 0; k < BH; k++)
                w->dh[k] += w->dtmp[k];
    }
    NET(gemm)(w, 1, 0, H, GH, TB, w->h[l], H, w->dgh, GH, 1, gt->Wh, GH);
    NET(colsum_add)(w->dgh, TB, GH, gt->bh);
    NET(colsum_add)(w->dgx, TB, GH, gt->bx);
    if (l == 0 && s->E == 0) {
        for (int r = 0; r < TB; r++) {
            REAL *dst = gt->Wx + (size_t)x[r] * GH;
            const REAL *src = w->dgx + (size_t)r * GH;
            for (int j = 0; j < GH; j++)
                dst[j] += src[j];
        }
        return;
    }
    int X = NET(input_width)(s, l);
    NET(gemm)(w, 1, 0, X, GH, TB, w->in[l], X, w->dgx, GH, 1, gt->Wx, GH);
    NET(gemm)(w, 0, 1, TB, X, GH, w->dgx, GH, lt->Wx, GH, 0, w->din, X);
}

void NET(backward)(const NET(Tensors) *p, NET(Tensors) *g, NET(Work) *w, int T,
                   const int32_t *x, const int32_t *y, double scale)
{
    const ModelShape *s = &w->s;
    int TB = T * w->B, H = s->H, V = s->V;
    REAL sc = (REAL)scale;
    REAL *dlogits = w->probs;
    double t0 = w->profile ? NET(now)() : 0;
    for (int r = 0; r < TB; r++) {
        REAL *d = dlogits + (size_t)r * V;
        d[y[r]] -= 1;
        for (int v = 0; v < V; v++)
            d[v] *= sc;
    }
    if (w->profile)
        w->prof[NET_PROF_SOFTMAX] += NET(now)() - t0;
    NET(gemm)(w, 1, 0, H, V, TB, NET(top_seen)(w), H, dlogits, V, 1, g->Wy, V);
    NET(colsum_add)(dlogits, TB, V, g->by);
    NET(gemm)(w, 0, 1, TB, H, V, dlogits, V, p->Wy, V, 0, w->dout, H);
    if (w->out_dropout > 0)
        NET(mask_grad)(w->dout, w->top_mask, (size_t)TB * H);
    for (int l = s->L - 1; l >= 0; l--) {
        NET(layer_backward)(p, g, w, l, T, x);
        if (l > 0) {
            REAL *tmp = w->dout;  /* d input of l is d output of l - 1 */
            w->dout = w->din;
            w->din = tmp;
            if (w->dropout > 0)
                NET(mask_grad)(w->dout, w->mask[l], (size_t)TB * H);
        }
    }
    if (s->E > 0)
        for (int r = 0; r < TB; r++) {
            REAL *dst = g->emb + (size_t)x[r] * s->E;
            const REAL *src = w->din + (size_t)r * s->E;
            for (int j = 0; j < s->E; j++)
                dst[j] += src[j];
        }
}

#undef GEMM
#undef GEMV
#undef SIMD
#undef KERNEL
