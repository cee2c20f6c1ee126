/* blas: BLAS identity, threads and SGEMM timing; see blas.h. */
#include "blas.h"

#include <autoconfig.h>

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int blas_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int blas_set_threads(int n)
{
    if (n <= 0)
        n = blas_cores();
#ifdef HAVE_OPENBLAS
    openblas_set_num_threads(n);
    return openblas_get_num_threads();
#else
    return -1;
#endif
}

const char *blas_name(void)
{
#ifdef HAVE_OPENBLAS
    static char name[160];
    if (!name[0]) {
        const char *cfg = openblas_get_config();
        snprintf(name, sizeof name, "%s (%s kernels)", cfg ? cfg : "OpenBLAS",
                 openblas_get_corename());
    }
    return name;
#else
    return RNNTOP_BLAS;
#endif
}

double blas_sgemm_gflops(int M, int N, int K, double seconds)
{
    float *a = malloc(sizeof(float) * (size_t)M * K);
    float *b = malloc(sizeof(float) * (size_t)K * N);
    float *c = calloc((size_t)M * N, sizeof(float));
    if (!a || !b || !c) {
        free(a), free(b), free(c);
        return 0;
    }
    for (size_t i = 0; i < (size_t)M * K; i++)
        a[i] = (float)(i % 7) * 0.01f;
    for (size_t i = 0; i < (size_t)K * N; i++)
        b[i] = (float)(i % 5) * 0.01f;
    double flop = 2.0 * M * N * K, best = 0, start = clock_seconds();
    int reps = 1;
    while (clock_seconds() - start < seconds) {
        double t0 = clock_seconds();
        for (int r = 0; r < reps; r++)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, a, K, b,
                        N, 1.0f, c, N);
        double dt = clock_seconds() - t0, rate = flop * reps / dt / 1e9;
        best = rate > best ? rate : best;
        if (dt < 0.02)
            reps *= 2;
    }
    free(a), free(b), free(c);
    return best;
}
