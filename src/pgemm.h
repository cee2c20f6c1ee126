/* pgemm: a weight matrix packed once and multiplied many times by a few
 * rows. The recurrent product of a training window (h_{t-1} times Wh, one
 * per time step, 16-32 rows per worker) is too small for a BLAS to amortise
 * its own packing: OpenBLAS copies the whole 1 MB weight matrix into its
 * panel layout on every call, a fifth of a step. Here the caller packs the
 * weights once per optimizer step and every product of the window reads the
 * packed copy.
 *
 * Layout: column panels PGEMM_NR wide; panel p holds W[k][p*NR .. p*NR+NR)
 * for k = 0..K-1, contiguous, columns past N zero. Products use AVX-512 or
 * AVX2+FMA kernels when the CPU has them, a portable loop otherwise. Each
 * sums over k in ascending order, so a product is bit-for-bit repeatable on
 * one CPU; kernels differ from each other in the last bits (FMA rounding).
 *
 * Ownership: a PackedMatrix owns its buffer (pgemm_free). pgemm_mul only
 * reads the matrix, so any number of threads may multiply by one packed
 * matrix at once; pgemm_pack* must not run concurrently with them. */
#ifndef RNNTOP_PGEMM_H
#define RNNTOP_PGEMM_H

#include <stddef.h>

#define PGEMM_NR 64

typedef struct PackedMatrix {
    float *panels;  /* K x (panels*NR) floats, 64-byte aligned */
    int K, N, n_panels;
} PackedMatrix;

/* Allocate for a K x N matrix. Returns 0, or -1 when out of memory. */
int pgemm_init(PackedMatrix *p, int K, int N);
void pgemm_free(PackedMatrix *p);

/* Pack W, row-major K x N with row stride ldw. */
void pgemm_pack(PackedMatrix *p, const float *W, int ldw);

/* Pack the transpose of W, where W is row-major N x K with row stride ldw
 * (so the packed matrix is K x N: the backward pass's Wh^T without a
 * separate transposed copy). */
void pgemm_pack_transposed(PackedMatrix *p, const float *W, int ldw);

/* C[M x N] = A[M x K] * P + beta * C; row-major, beta 0 or 1 (C is not
 * read when beta is 0). */
void pgemm_mul(const PackedMatrix *p, int M, const float *A, int lda, float beta, float *C,
               int ldc);

/* pgemm_mul with a named kernel ("avx512", "avx2", "portable"), for tests
 * comparing them. Returns -1 (and does nothing) when this CPU lacks it. */
int pgemm_mul_kernel(const char *kernel, const PackedMatrix *p, int M, const float *A, int lda,
                     float beta, float *C, int ldc);

/* Which kernel pgemm_mul uses on this CPU: "avx512", "avx2" or "portable". */
const char *pgemm_kernel_name(void);

#endif
