/* pool: worker threads that run a job together; see pool.h. */
#include "pool.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

typedef struct PoolThread {
    Pool *pool;
    int index;
    pthread_t thread;
} PoolThread;

struct Pool {
    int n;
    PoolThread *threads;
    pthread_mutex_t lock;
    pthread_cond_t start, finished;
    PoolJob job;
    void *arg;
    unsigned long generation;  /* bumped for each job */
    int pending;               /* workers still running the current job */
    int quit;
};

static void *worker_main(void *opaque)
{
    PoolThread *t = opaque;
    Pool *p = t->pool;
    unsigned long seen = 0;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (p->generation == seen && !p->quit)
            pthread_cond_wait(&p->start, &p->lock);
        if (p->quit) {
            pthread_mutex_unlock(&p->lock);
            return NULL;
        }
        seen = p->generation;
        PoolJob job = p->job;
        void *arg = p->arg;
        pthread_mutex_unlock(&p->lock);
        job(arg, t->index);
        pthread_mutex_lock(&p->lock);
        if (--p->pending == 0)
            pthread_cond_signal(&p->finished);
        pthread_mutex_unlock(&p->lock);
    }
}

Pool *pool_new(int n, RnnError *err)
{
    Pool *p = calloc(1, sizeof *p);
    if (!p || n < 1) {
        free(p);
        err_set(err, RNN_ERR_RUNTIME, "cannot create a pool of %d workers", n);
        return NULL;
    }
    p->n = n;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->start, NULL);
    pthread_cond_init(&p->finished, NULL);
    p->threads = calloc((size_t)n, sizeof *p->threads);
    if (!p->threads) {
        p->n = 1;
        pool_free(p);
        err_set(err, RNN_ERR_RUNTIME, "out of memory for %d workers", n);
        return NULL;
    }
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGWINCH);
    pthread_sigmask(SIG_BLOCK, &block, &old);  /* inherited by the workers */
    for (int i = 1; i < n; i++) {
        p->threads[i].pool = p;
        p->threads[i].index = i;
        if (pthread_create(&p->threads[i].thread, NULL, worker_main, &p->threads[i])) {
            p->n = i;
            pthread_sigmask(SIG_SETMASK, &old, NULL);
            pool_free(p);
            err_set(err, RNN_ERR_RUNTIME, "cannot start worker thread %d", i);
            return NULL;
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return p;
}

void pool_run(Pool *p, PoolJob job, void *arg)
{
    if (p->n > 1) {
        pthread_mutex_lock(&p->lock);
        p->job = job;
        p->arg = arg;
        p->pending = p->n - 1;
        p->generation++;
        pthread_cond_broadcast(&p->start);
        pthread_mutex_unlock(&p->lock);
    }
    job(arg, 0);
    if (p->n > 1) {
        pthread_mutex_lock(&p->lock);
        while (p->pending > 0)
            pthread_cond_wait(&p->finished, &p->lock);
        pthread_mutex_unlock(&p->lock);
    }
}

int pool_size(const Pool *p)
{
    return p->n;
}

void pool_free(Pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->quit = 1;
    pthread_cond_broadcast(&p->start);
    pthread_mutex_unlock(&p->lock);
    for (int i = 1; i < p->n; i++)
        pthread_join(p->threads[i].thread, NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->start);
    pthread_cond_destroy(&p->finished);
    free(p->threads);
    free(p);
}
