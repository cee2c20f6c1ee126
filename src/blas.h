/* blas: which BLAS we run on, its thread count, and a measurement of the
 * machine's SGEMM speed at given shapes (the peak that achieved GFLOP/s is
 * compared against). Call blas_set_threads from one thread before training;
 * the rest is thread-safe. */
#ifndef RNNTOP_BLAS_H
#define RNNTOP_BLAS_H

/* Set the BLAS thread count (n <= 0: all online cores). Returns the count
 * in force. With a BLAS that cannot be told, returns -1. */
int blas_set_threads(int n);

/* Online cores. */
int blas_cores(void);

/* "OpenBLAS 0.3.21 (Cooperlake, pthread)" or the configure-time name. */
const char *blas_name(void);

/* GFLOP/s of C[MxN] += A[MxK] B[KxN] in float, best of a few timed runs
 * lasting about `seconds` in all. */
double blas_sgemm_gflops(int M, int N, int K, double seconds);

/* Monotonic wall clock in seconds. */
double clock_seconds(void);

#endif
