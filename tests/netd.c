/* netd: the forward and backward passes built in double precision, the
 * reference the gradient check differentiates numerically. */
#include "netd.h"

#define REAL double
#define NET(name) netd_##name
#define REAL_IS_DOUBLE 1
#include "net_impl.h"
