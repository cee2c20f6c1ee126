/* check.h: the tiny assertion kit every C test uses.
 *
 * CHECK(cond, fmt, ...) records a failure with file:line and a message and
 * goes on; CHECK_NEAR compares numbers with a stated tolerance. A test's
 * main() ends with `return check_report("name");`, which prints a summary and
 * returns the exit status automake's harness reads (0 pass, 1 fail, 77 skip). */
#ifndef RNNTOP_CHECK_H
#define RNNTOP_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_failures_;
static int check_count_;

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        check_count_++;                                                   \
        if (!(cond)) {                                                    \
            check_failures_++;                                            \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__,        \
                    __LINE__, #cond);                                     \
            fprintf(stderr, __VA_ARGS__);                                 \
            fputc('\n', stderr);                                          \
        }                                                                 \
    } while (0)

#define CHECK_NEAR(a, b, tol, what)                                       \
    do {                                                                  \
        double ca_ = (double)(a), cb_ = (double)(b);                      \
        CHECK(fabs(ca_ - cb_) <= (tol), "%s: %.9g vs %.9g (tol %.3g)",     \
              (what), ca_, cb_, (double)(tol));                           \
    } while (0)

static inline int check_report(const char *name)
{
    fprintf(stderr, "%s: %d checks, %d failed\n", name, check_count_,
            check_failures_);
    return check_failures_ ? 1 : 0;
}

#define CHECK_SKIP 77

#endif
