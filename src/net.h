/* net: forward and backward passes of RNN, GRU and LSTM language models in
 * float, over OpenBLAS. The input projection of a whole window is one GEMM
 * (a row gather for one-hot input), weight gradients are whole-window
 * GEMMs, and only the recurrent product runs per time step. Nothing is
 * allocated after net_work_init. See net_api.h for the calls.
 * Thread-safety: calls on distinct Work objects may run concurrently. */
#ifndef RNNTOP_NET_H
#define RNNTOP_NET_H

#define REAL float
#define NET(name) net_##name
#include "net_api.h"
#undef REAL
#undef NET

#endif
