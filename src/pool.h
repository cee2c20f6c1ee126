/* pool: a fixed set of worker threads that run one job at a time, all of
 * them together, for data-parallel training: the calling thread is worker
 * 0 and pool_run returns when every worker has finished the job. Workers
 * sleep on a condition variable between jobs (no spinning beside
 * OpenBLAS). The pool owns its threads; pool_free joins them.
 * pool_run is called from one thread only (the trainer thread). */
#ifndef RNNTOP_POOL_H
#define RNNTOP_POOL_H

#include "error.h"

typedef void (*PoolJob)(void *arg, int worker);

typedef struct Pool Pool;

/* Start n - 1 threads (n >= 1). Returns NULL with err on failure. Worker
 * threads block SIGINT, SIGTERM and SIGWINCH. */
Pool *pool_new(int n, RnnError *err);

/* Run job(arg, w) for w = 0 .. n-1 (w = 0 on the calling thread). */
void pool_run(Pool *p, PoolJob job, void *arg);

int pool_size(const Pool *p);

void pool_free(Pool *p);

#endif
