/* netd: double-precision build of net (netd_*), for the gradient check. */
#ifndef RNNTOP_NETD_H
#define RNNTOP_NETD_H

#define REAL double
#define NET(name) netd_##name
#include "net_api.h"
#undef REAL
#undef NET

#endif
