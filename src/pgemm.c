/* pgemm: products with a weight matrix packed once (see pgemm.h). */
#include "pgemm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define PGEMM_X86 1
#else
#define PGEMM_X86 0
#endif

#define ALWAYS_INLINE static inline __attribute__((always_inline))

static size_t panel_floats(const PackedMatrix *p)
{
    return (size_t)p->K * PGEMM_NR;
}

int pgemm_init(PackedMatrix *p, int K, int N)
{
    memset(p, 0, sizeof *p);
    if (K <= 0 || N <= 0)
        return -1;
    p->K = K;
    p->N = N;
    p->n_panels = (N + PGEMM_NR - 1) / PGEMM_NR;
    size_t bytes = sizeof(float) * panel_floats(p) * (size_t)p->n_panels;
    bytes = (bytes + 63) / 64 * 64;
    p->panels = aligned_alloc(64, bytes);
    if (!p->panels)
        return -1;
    memset(p->panels, 0, bytes);  /* the padding columns stay zero */
    return 0;
}

void pgemm_free(PackedMatrix *p)
{
    free(p->panels);
    memset(p, 0, sizeof *p);
}

void pgemm_pack(PackedMatrix *p, const float *W, int ldw)
{
    for (int q = 0; q < p->n_panels; q++) {
        int j0 = q * PGEMM_NR, cols = p->N - j0 < PGEMM_NR ? p->N - j0 : PGEMM_NR;
        float *dst = p->panels + (size_t)q * panel_floats(p);
        for (int k = 0; k < p->K; k++)
            memcpy(dst + (size_t)k * PGEMM_NR, W + (size_t)k * ldw + j0, sizeof(float) * cols);
    }
}

void pgemm_pack_transposed(PackedMatrix *p, const float *W, int ldw)
{
    /* Row j of W becomes column j of the packed matrix; walking W by rows
     * keeps the reads sequential. */
    for (int j = 0; j < p->N; j++) {
        float *dst = p->panels + (size_t)(j / PGEMM_NR) * panel_floats(p) + j % PGEMM_NR;
        const float *src = W + (size_t)j * ldw;
        for (int k = 0; k < p->K; k++)
            dst[(size_t)k * PGEMM_NR] = src[k];
    }
}

/* Columns of panel q that exist in the matrix. */
static int panel_cols(const PackedMatrix *p, int q)
{
    int cols = p->N - q * PGEMM_NR;
    return cols < PGEMM_NR ? cols : PGEMM_NR;
}

/* ---- portable kernel ------------------------------------------------- */

static void mul_portable(const PackedMatrix *p, int M, const float *A, int lda, float beta,
                         float *C, int ldc)
{
    for (int q = 0; q < p->n_panels; q++) {
        const float *P = p->panels + (size_t)q * panel_floats(p);
        int cols = panel_cols(p, q);
        for (int r = 0; r < M; r++) {
            float acc[PGEMM_NR] = {0};
            const float *a = A + (size_t)r * lda;
            for (int k = 0; k < p->K; k++) {
                const float *b = P + (size_t)k * PGEMM_NR;
                for (int j = 0; j < PGEMM_NR; j++)
                    acc[j] += a[k] * b[j];
            }
            float *c = C + (size_t)r * ldc + q * PGEMM_NR;
            for (int j = 0; j < cols; j++)
                c[j] = beta != 0 ? c[j] + acc[j] : acc[j];
        }
    }
}

#if PGEMM_X86
/* ---- AVX-512: blocks of up to 6 rows x one 64-column panel ------------
 * 24 accumulators, 4 panel vectors and a broadcast fit the 32 registers;
 * each k costs 4 loads and up to 6 broadcasts for 24 FMAs. */

#define MR512 6

__attribute__((target("avx512f"))) ALWAYS_INLINE void
block_avx512(int mr, int K, const float *A, int lda, const float *P, float beta, float *C,
             int ldc, int cols)
{
    __m512 acc[MR512][4];
#pragma GCC unroll 8
    for (int r = 0; r < mr; r++)
#pragma GCC unroll 4
        for (int v = 0; v < 4; v++)
            acc[r][v] = _mm512_setzero_ps();
    for (int k = 0; k < K; k++) {
        const float *b = P + (size_t)k * PGEMM_NR;
        __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
        __m512 b2 = _mm512_load_ps(b + 32), b3 = _mm512_load_ps(b + 48);
#pragma GCC unroll 8
        for (int r = 0; r < mr; r++) {
            __m512 a = _mm512_set1_ps(A[(size_t)r * lda + k]);
            acc[r][0] = _mm512_fmadd_ps(a, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(a, b1, acc[r][1]);
            acc[r][2] = _mm512_fmadd_ps(a, b2, acc[r][2]);
            acc[r][3] = _mm512_fmadd_ps(a, b3, acc[r][3]);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < mr; r++)
#pragma GCC unroll 4
        for (int v = 0; v < 4; v++) {
            int left = cols - 16 * v;
            if (left <= 0)
                break;
            __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
            float *c = C + (size_t)r * ldc + 16 * v;
            __m512 out = acc[r][v];
            if (beta != 0)
                out = _mm512_add_ps(out, _mm512_maskz_loadu_ps(m, c));
            _mm512_mask_storeu_ps(c, m, out);
        }
}

__attribute__((target("avx512f"))) static void
mul_avx512(const PackedMatrix *p, int M, const float *A, int lda, float beta, float *C, int ldc)
{
    for (int q = 0; q < p->n_panels; q++) {
        const float *P = p->panels + (size_t)q * panel_floats(p);
        float *Cq = C + q * PGEMM_NR;
        int cols = panel_cols(p, q), r = 0;
        for (; r + MR512 <= M; r += MR512)
            block_avx512(MR512, p->K, A + (size_t)r * lda, lda, P, beta, Cq + (size_t)r * ldc,
                         ldc, cols);
        const float *Ar = A + (size_t)r * lda;
        float *Cr = Cq + (size_t)r * ldc;
        switch (M - r) {
        case 5: block_avx512(5, p->K, Ar, lda, P, beta, Cr, ldc, cols); break;
        case 4: block_avx512(4, p->K, Ar, lda, P, beta, Cr, ldc, cols); break;
        case 3: block_avx512(3, p->K, Ar, lda, P, beta, Cr, ldc, cols); break;
        case 2: block_avx512(2, p->K, Ar, lda, P, beta, Cr, ldc, cols); break;
        case 1: block_avx512(1, p->K, Ar, lda, P, beta, Cr, ldc, cols); break;
        default: break;
        }
    }
}

/* ---- AVX2 + FMA: blocks of up to 3 rows x half a panel (32 columns) ----
 * 12 accumulators and 4 panel vectors in the 16 registers. */

#define MR256 3

__attribute__((target("avx2,fma"))) ALWAYS_INLINE void
block_avx2(int mr, int K, const float *A, int lda, const float *P, float beta, float *C,
           int ldc, int cols)
{
    __m256 acc[MR256][4];
#pragma GCC unroll 4
    for (int r = 0; r < mr; r++)
#pragma GCC unroll 4
        for (int v = 0; v < 4; v++)
            acc[r][v] = _mm256_setzero_ps();
    for (int k = 0; k < K; k++) {
        const float *b = P + (size_t)k * PGEMM_NR;
        __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
        __m256 b2 = _mm256_load_ps(b + 16), b3 = _mm256_load_ps(b + 24);
#pragma GCC unroll 4
        for (int r = 0; r < mr; r++) {
            __m256 a = _mm256_broadcast_ss(A + (size_t)r * lda + k);
            acc[r][0] = _mm256_fmadd_ps(a, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(a, b1, acc[r][1]);
            acc[r][2] = _mm256_fmadd_ps(a, b2, acc[r][2]);
            acc[r][3] = _mm256_fmadd_ps(a, b3, acc[r][3]);
        }
    }
#pragma GCC unroll 4
    for (int r = 0; r < mr; r++)
#pragma GCC unroll 4
        for (int v = 0; v < 4; v++) {
            float *c = C + (size_t)r * ldc + 8 * v;
            int left = cols - 8 * v;
            if (left <= 0)
                break;
            float tmp[8];
            _mm256_storeu_ps(tmp, acc[r][v]);
            for (int j = 0; j < 8 && j < left; j++)
                c[j] = beta != 0 ? c[j] + tmp[j] : tmp[j];
        }
}

__attribute__((target("avx2,fma"))) static void
mul_avx2(const PackedMatrix *p, int M, const float *A, int lda, float beta, float *C, int ldc)
{
    for (int q = 0; q < p->n_panels; q++) {
        for (int half = 0; half < 2; half++) {
            int cols = panel_cols(p, q) - 32 * half;
            if (cols <= 0)
                break;
            const float *P = p->panels + (size_t)q * panel_floats(p) + 32 * half;
            float *Cq = C + q * PGEMM_NR + 32 * half;
            int r = 0;
            for (; r + MR256 <= M; r += MR256)
                block_avx2(MR256, p->K, A + (size_t)r * lda, lda, P, beta,
                           Cq + (size_t)r * ldc, ldc, cols);
            const float *Ar = A + (size_t)r * lda;
            float *Cr = Cq + (size_t)r * ldc;
            if (M - r == 2)
                block_avx2(2, p->K, Ar, lda, P, beta, Cr, ldc, cols);
            else if (M - r == 1)
                block_avx2(1, p->K, Ar, lda, P, beta, Cr, ldc, cols);
        }
    }
}
#endif

/* ---- dispatch ----------------------------------------------------------- */

typedef void (*MulFn)(const PackedMatrix *, int, const float *, int, float, float *, int);

static MulFn best_kernel(const char **name)
{
#if PGEMM_X86
    if (__builtin_cpu_supports("avx512f")) {
        *name = "avx512";
        return mul_avx512;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        *name = "avx2";
        return mul_avx2;
    }
#endif
    *name = "portable";
    return mul_portable;
}

const char *pgemm_kernel_name(void)
{
    const char *name;
    best_kernel(&name);
    return name;
}

/* Rows per pass over the panels: a chunk of A stays in cache while every
 * panel is multiplied into it (a tall A, such as a whole window's gate
 * gradients, would otherwise be streamed once per panel). */
#define PGEMM_MC 96

static void mul_chunked(MulFn fn, const PackedMatrix *p, int M, const float *A, int lda,
                        float beta, float *C, int ldc)
{
    for (int r = 0; r < M; r += PGEMM_MC) {
        int rows = M - r < PGEMM_MC ? M - r : PGEMM_MC;
        fn(p, rows, A + (size_t)r * lda, lda, beta, C + (size_t)r * ldc, ldc);
    }
}

void pgemm_mul(const PackedMatrix *p, int M, const float *A, int lda, float beta, float *C,
               int ldc)
{
    const char *name;
    mul_chunked(best_kernel(&name), p, M, A, lda, beta, C, ldc);
}

int pgemm_mul_kernel(const char *kernel, const PackedMatrix *p, int M, const float *A, int lda,
                     float beta, float *C, int ldc)
{
    const char *best;
    MulFn fn = best_kernel(&best);
    if (strcmp(kernel, "portable") == 0)
        fn = mul_portable;
#if PGEMM_X86
    else if (strcmp(kernel, "avx2") == 0 && strcmp(best, "portable") != 0)
        fn = mul_avx2;
    else if (strcmp(kernel, "avx512") == 0 && strcmp(best, "avx512") == 0)
        fn = mul_avx512;
#endif
    else
        return -1;
    mul_chunked(fn, p, M, A, lda, beta, C, ldc);
    return 0;
}
