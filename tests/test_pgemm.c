/* test_pgemm: every packed-product kernel this CPU has against a plain
 * double-precision product, over shapes that hit the partial row blocks and
 * partial panels, both packings, beta 0 and 1, and strides wider than the
 * matrices (nothing outside C's N columns may be written). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pgemm.h"
#include "rng.h"

#define SENTINEL -12345.0f

static void fill(Rng *r, float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(rng_uniform(r) * 2 - 1);
}

/* C = A W + beta C0 in double, W row-major K x N. */
static void reference(int M, int N, int K, const float *A, int lda, const float *W,
                      float beta, const float *C0, int ldc, double *out)
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double s = beta != 0 ? C0[(size_t)i * ldc + j] : 0;
            for (int k = 0; k < K; k++)
                s += (double)A[(size_t)i * lda + k] * W[(size_t)k * N + j];
            out[(size_t)i * N + j] = s;
        }
}

static void check_shape(Rng *r, const char *kernel, int M, int N, int K, int transposed,
                        float beta)
{
    int lda = K + 3, ldc = N + 5;
    float *A = malloc(sizeof(float) * (size_t)M * lda);
    float *W = malloc(sizeof(float) * (size_t)K * N), *WT = malloc(sizeof(float) * (size_t)K * N);
    float *C = malloc(sizeof(float) * (size_t)M * ldc), *C0 = malloc(sizeof(float) * (size_t)M * ldc);
    double *want = malloc(sizeof(double) * (size_t)M * N);
    fill(r, A, (size_t)M * lda);
    fill(r, W, (size_t)K * N);
    for (int k = 0; k < K; k++)
        for (int j = 0; j < N; j++)
            WT[(size_t)j * K + k] = W[(size_t)k * N + j];
    fill(r, C0, (size_t)M * ldc);
    for (int i = 0; i < M; i++)
        for (int j = N; j < ldc; j++)
            C0[(size_t)i * ldc + j] = SENTINEL;
    memcpy(C, C0, sizeof(float) * (size_t)M * ldc);
    reference(M, N, K, A, lda, W, beta, C0, ldc, want);

    PackedMatrix p;
    CHECK(pgemm_init(&p, K, N) == 0, "pgemm_init %dx%d", K, N);
    if (transposed)
        pgemm_pack_transposed(&p, WT, K);
    else
        pgemm_pack(&p, W, N);
    CHECK(pgemm_mul_kernel(kernel, &p, M, A, lda, beta, C, ldc) == 0, "kernel %s", kernel);
    double worst = 0;
    int outside = 0;
    for (int i = 0; i < M; i++) {
        for (int j = 0; j < N; j++) {
            double err = fabs(C[(size_t)i * ldc + j] - want[(size_t)i * N + j]);
            worst = err > worst ? err : worst;
        }
        for (int j = N; j < ldc; j++)
            outside += C[(size_t)i * ldc + j] != SENTINEL;
    }
    /* float sums of K products of terms below 1 in size */
    CHECK(worst <= 1e-6 * (K + 1), "%s M=%d N=%d K=%d %s beta=%g: error %.3g", kernel, M, N, K,
          transposed ? "transposed" : "plain", beta, worst);
    CHECK(outside == 0, "%s M=%d N=%d K=%d: %d values written past column N", kernel, M, N, K,
          outside);
    pgemm_free(&p);
    free(A), free(W), free(WT), free(C), free(C0), free(want);
}

int main(void)
{
    Rng r;
    rng_seed(&r, 7);
    const char *kernels[] = {"avx512", "avx2", "portable"};
    int Ms[] = {1, 2, 3, 5, 6, 7, 12, 13, 16, 32, 97, 200};
    int Ns[] = {1, 17, 64, 65, 130, 256};
    int Ks[] = {1, 9, 256};
    int tried = 0, best_ran = 0;
    for (int kn = 0; kn < 3; kn++) {
        PackedMatrix probe;
        pgemm_init(&probe, 1, 1);
        float one = 1, out = 0;
        int have = pgemm_mul_kernel(kernels[kn], &probe, 1, &one, 1, 0, &out, 1) == 0;
        pgemm_free(&probe);
        if (!have) {
            fprintf(stderr, "kernel %s: not on this CPU, skipped\n", kernels[kn]);
            continue;
        }
        tried++;
        best_ran |= strcmp(kernels[kn], pgemm_kernel_name()) == 0;
        for (size_t a = 0; a < sizeof Ms / sizeof *Ms; a++)
            for (size_t b = 0; b < sizeof Ns / sizeof *Ns; b++)
                for (size_t c = 0; c < sizeof Ks / sizeof *Ks; c++)
                    check_shape(&r, kernels[kn], Ms[a], Ns[b], Ks[c], (int)((a + b + c) % 2),
                                (float)((a + c) % 2));
    }
    CHECK(tried >= 1, "no kernel ran");
    CHECK(best_ran, "the kernel pgemm_mul uses (%s) was not tested", pgemm_kernel_name());
    PackedMatrix bad;
    CHECK(pgemm_init(&bad, 0, 4) == -1, "a 0 x 4 matrix is refused");
    return check_report("test_pgemm");
}
