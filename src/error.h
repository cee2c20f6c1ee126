/* error: the one error object the engine fills in and the front ends print.
 *
 * Engine functions that can fail on bad input or a runtime fault return -1
 * (or NULL) and describe the failure in an RnnError owned by the caller:
 * what is wrong, where (file, line:column or byte offset) and what to do.
 * The engine never prints and never exits; only main() does.
 * An RnnError is a plain value: no allocation, nothing to free.
 * Thread-safety: each thread uses its own RnnError. */
#ifndef RNNTOP_ERROR_H
#define RNNTOP_ERROR_H

enum {
    RNN_OK = 0,
    RNN_ERR_RUNTIME = 1, /* exit status 1: a runtime failure (I/O, memory, NaN) */
    RNN_ERR_INPUT = 2    /* exit status 2: bad usage, config or input */
};

typedef struct RnnError {
    int status;      /* RNN_OK, RNN_ERR_RUNTIME or RNN_ERR_INPUT */
    char msg[1024];  /* one line, no trailing newline */
} RnnError;

/* Clear an error object (status RNN_OK, empty message). */
void err_clear(RnnError *err);

/* Set status and a printf-style message. err may be NULL. Returns -1 so
 * callers can write `return err_set(err, ...)`. */
int err_set(RnnError *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Put "prefix: " in front of an existing message (adds context on the way up). */
void err_prefix(RnnError *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
