/* ngram: an interpolated Kneser-Ney n-gram model over symbol ids, the
 * baseline an RNN's loss is read against (`rnntop eval --baseline`, the
 * dashboard's loss plot). It owns its count tables; it reads ids, never a
 * Corpus or a file.
 *
 * The model (Chen & Goodman's interpolated Kneser-Ney, one discount per
 * order): for a history h of k-1 symbols and its suffix h' of k-2,
 *   P_k(w | h) = (max(c_k(h w) - D_k, 0) + D_k N_k(h) P_{k-1}(w | h')) / S_k(h)
 * where c_N is the raw count at the highest order N, c_k (k < N) the number
 * of distinct symbols seen before h w (continuation count), S_k(h) the sum
 * of c_k(h w) over w and N_k(h) how many w have c_k(h w) > 0; a history
 * never seen (S_k(h) = 0) gives P_k = P_{k-1}. P_0(w) = 1/V, so every one of
 * the V symbols has a probability > 0 and they sum to 1 for any history.
 * D_k = n1 / (n1 + 2 n2) from the counts of counts of order k, clamped to
 * [0.05, 0.95]. The first N-1 symbols of the data use the shorter history
 * they have.
 *
 * Storage: two open-addressing hash tables, histories as a trie grown
 * leftwards (a history's parent is the history one symbol shorter) and
 * n-grams keyed by (history, symbol): O(n * N) build time and memory at
 * most, far less for real text (a 4 MB corpus at order 5: about a second).
 *
 * Thread-safety: ngram_build on one thread (the trainer thread or a helper);
 * afterwards the NGram is read-only and ngram_prob/ngram_eval may run on any
 * number of threads at once. ngram_free when no reader is left. */
#ifndef RNNTOP_NGRAM_H
#define RNNTOP_NGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define NGRAM_MAX_ORDER 10

typedef struct NGramTable {
    uint64_t *keys;     /* cap slots: (parent or history) << 32 | symbol; 0 = empty */
    int32_t *vals;      /* index into the node or gram arrays */
    size_t cap, n;
} NGramTable;

typedef struct NGram {
    int order;          /* N, 1..NGRAM_MAX_ORDER */
    int V;              /* symbols: ids in [0, V) */
    double discount[NGRAM_MAX_ORDER + 1];  /* D_k, k = 1..N */
    /* histories: node 0 is the empty one */
    NGramTable hist;
    int32_t *h_depth;   /* [n_hist] length of the history */
    double *h_sum;      /* [n_hist] S(h) */
    int32_t *h_types;   /* [n_hist] N(h) */
    size_t n_hist, cap_hist;
    /* n-grams (history, symbol) */
    NGramTable gram;
    uint32_t *g_count;  /* [n_gram] c_k */
    size_t n_gram, cap_gram;
    double build_seconds;  /* wall time ngram_build took */
} NGram;

/* Count ids[0..n) (each in [0, V)) into g at order N (1..NGRAM_MAX_ORDER).
 * Returns 0, or -1 with err (RNN_ERR_INPUT: a bad argument or id;
 * RNN_ERR_RUNTIME: out of memory); g is then empty. */
int ngram_build(NGram *g, const int32_t *ids, int64_t n, int V, int order, RnnError *err);

/* P(w | the last min(len, N-1) symbols of hist[0..len)). In (0, 1]. */
double ngram_prob(const NGram *g, const int32_t *hist, int len, int32_t w);

/* Mean cross-entropy in nats per symbol of ids[1..n) (each predicted from
 * up to N-1 symbols before it inside ids: the first is not scored, as in
 * the RNN's evaluation); NAN when n < 2. */
double ngram_eval(const NGram *g, const int32_t *ids, int64_t n);

/* Release the tables; safe on a zeroed or freed NGram. */
void ngram_free(NGram *g);

#endif
