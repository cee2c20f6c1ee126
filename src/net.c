/* net: the float build of the forward and backward passes (net_impl.h). */
#include "net.h"

#define REAL float
#define NET(name) net_##name
#define REAL_IS_DOUBLE 0
#include "net_impl.h"
