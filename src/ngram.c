/* ngram: counting, discounts and interpolated Kneser-Ney probabilities
 * (see ngram.h). Build is one pass over the ids; evaluation is a walk of
 * at most N-1 history lookups and N n-gram lookups per symbol. */
#include "ngram.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- hash tables ------------------------------------------------------------ */

static uint64_t key_of(int32_t parent, int32_t sym)
{
    return ((uint64_t)(uint32_t)parent + 1) << 32 | (uint32_t)sym;  /* never 0 */
}

static size_t slot_of(uint64_t k, size_t cap)
{
    k ^= k >> 31;  /* splitmix64's finaliser */
    k *= 0x7fb5d329728ea185ull;
    k ^= k >> 27;
    k *= 0x81dadef4bc2dd44dull;
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

static int table_init(NGramTable *t, size_t cap)
{
    t->cap = cap;
    t->n = 0;
    t->keys = calloc(cap, sizeof *t->keys);
    t->vals = malloc(cap * sizeof *t->vals);
    return t->keys && t->vals ? 0 : -1;
}

static void table_free(NGramTable *t)
{
    free(t->keys);
    free(t->vals);
    memset(t, 0, sizeof *t);
}

/* Value stored under k, or -1. */
static int32_t table_get(const NGramTable *t, uint64_t k)
{
    for (size_t at = slot_of(k, t->cap);; at = (at + 1) & (t->cap - 1)) {
        if (t->keys[at] == k)
            return t->vals[at];
        if (t->keys[at] == 0)
            return -1;
    }
}

static int table_grow(NGramTable *t)
{
    NGramTable g;
    if (table_init(&g, t->cap * 2)) {
        table_free(&g);
        return -1;
    }
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->keys[i])
            continue;
        size_t at = slot_of(t->keys[i], g.cap);
        while (g.keys[at])
            at = (at + 1) & (g.cap - 1);
        g.keys[at] = t->keys[i];
        g.vals[at] = t->vals[i];
    }
    g.n = t->n;
    table_free(t);
    *t = g;
    return 0;
}

/* The value under k, inserting next (and setting *fresh) when absent;
 * -2 when out of memory. */
static int32_t table_put(NGramTable *t, uint64_t k, int32_t next, int *fresh)
{
    size_t at = slot_of(k, t->cap);
    *fresh = 0;
    for (; t->keys[at]; at = (at + 1) & (t->cap - 1))
        if (t->keys[at] == k)
            return t->vals[at];
    t->keys[at] = k;
    t->vals[at] = next;
    *fresh = 1;
    if (++t->n * 10 > t->cap * 6 && table_grow(t))
        return -2;
    return next;
}

/* ---- growing the node and gram arrays ------------------------------------------- */

static int grow_hist(NGram *g)
{
    size_t cap = g->cap_hist ? g->cap_hist * 2 : 1024;
    int32_t *d = realloc(g->h_depth, cap * sizeof *d);
    if (d)
        g->h_depth = d;
    double *s = d ? realloc(g->h_sum, cap * sizeof *s) : NULL;
    if (s)
        g->h_sum = s;
    int32_t *ty = s ? realloc(g->h_types, cap * sizeof *ty) : NULL;
    if (!ty)
        return -1;
    g->h_types = ty;
    g->cap_hist = cap;
    return 0;
}

static int grow_gram(NGram *g)
{
    size_t cap = g->cap_gram ? g->cap_gram * 2 : 1024;
    uint32_t *c = realloc(g->g_count, cap * sizeof *c);
    if (!c)
        return -1;
    g->g_count = c;
    g->cap_gram = cap;
    return 0;
}

/* The child of history parent one symbol further back (sym); -1 when out
 * of memory. */
static int32_t hist_child(NGram *g, int32_t parent, int32_t sym)
{
    int fresh;
    if (g->n_hist == g->cap_hist && grow_hist(g))
        return -1;
    if (g->n_hist >= INT32_MAX)
        return -1;
    int32_t id = table_put(&g->hist, key_of(parent, sym), (int32_t)g->n_hist, &fresh);
    if (id < 0)
        return -1;
    if (fresh) {
        g->h_depth[id] = g->h_depth[parent] + 1;
        g->h_sum[id] = 0;
        g->h_types[id] = 0;
        g->n_hist++;
    }
    return id;
}

/* The gram (h, w); *fresh when new (count 0). -1 when out of memory. */
static int32_t gram_of(NGram *g, int32_t h, int32_t w, int *fresh)
{
    if (g->n_gram == g->cap_gram && grow_gram(g))
        return -1;
    if (g->n_gram >= INT32_MAX)
        return -1;
    int32_t id = table_put(&g->gram, key_of(h, w), (int32_t)g->n_gram, fresh);
    if (id < 0)
        return -1;
    if (*fresh)
        g->g_count[g->n_gram++] = 0;
    return id;
}

/* ---- building ---------------------------------------------------------------------- */

/* Count position i: the raw count at the top order, a continuation count
 * one order down for each n-gram seen for the first time. */
static int count_at(NGram *g, const int32_t *ids, int64_t i)
{
    int32_t h[NGRAM_MAX_ORDER];
    int m = (int64_t)(g->order - 1) < i ? g->order - 1 : (int)i, fresh;
    int32_t w = ids[i];
    h[0] = 0;
    for (int j = 1; j <= m; j++)
        if ((h[j] = hist_child(g, h[j - 1], ids[i - j])) < 0)
            return -1;
    for (int j = m, above_fresh = 0; j >= 0; j--) {
        int32_t id = gram_of(g, h[j], w, &fresh);
        if (id < 0)
            return -1;
        if (j == g->order - 1 || (j == m && fresh) || above_fresh)
            g->g_count[id]++;  /* raw; at the start of the data; a new left context */
        if (!fresh)
            break;  /* (h_j, w) seen before: no new left context below */
        above_fresh = 1;
    }
    return 0;
}

/* S(h), N(h) and the discounts from the counts of counts. */
static void finish(NGram *g)
{
    int64_t n1[NGRAM_MAX_ORDER + 1] = {0}, n2[NGRAM_MAX_ORDER + 1] = {0};
    for (size_t i = 0; i < g->gram.cap; i++) {
        if (!g->gram.keys[i])
            continue;
        int32_t h = (int32_t)((g->gram.keys[i] >> 32) - 1), id = g->gram.vals[i];
        uint32_t c = g->g_count[id];
        int k = g->h_depth[h] + 1;
        g->h_sum[h] += c;
        g->h_types[h]++;
        n1[k] += c == 1;
        n2[k] += c == 2;
    }
    for (int k = 1; k <= g->order; k++) {
        double d = n1[k] + 2 * n2[k] > 0 ? (double)n1[k] / (double)(n1[k] + 2 * n2[k]) : 0.5;
        g->discount[k] = d < 0.05 ? 0.05 : d > 0.95 ? 0.95 : d;
    }
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int ngram_build(NGram *g, const int32_t *ids, int64_t n, int V, int order, RnnError *err)
{
    double t0 = now_seconds();
    memset(g, 0, sizeof *g);
    if (order < 1 || order > NGRAM_MAX_ORDER || V < 1 || n < 1 || !ids)
        return err_set(err, RNN_ERR_INPUT, "n-gram: order %d (1..%d), V %d and %lld symbols: "
                       "nothing to build", order, NGRAM_MAX_ORDER, V, (long long)n);
    for (int64_t i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= V)
            return err_set(err, RNN_ERR_INPUT, "n-gram: symbol %d at %lld is outside [0, %d)",
                           (int)ids[i], (long long)i, V);
    g->order = order;
    g->V = V;
    if (table_init(&g->hist, 1 << 12) || table_init(&g->gram, 1 << 12) || grow_hist(g) ||
        grow_gram(g))
        goto oom;
    g->h_depth[0] = 0;
    g->h_sum[0] = 0;
    g->h_types[0] = 0;
    g->n_hist = 1;
    for (int64_t i = 0; i < n; i++)
        if (count_at(g, ids, i))
            goto oom;
    finish(g);
    g->build_seconds = now_seconds() - t0;
    return 0;
oom:
    ngram_free(g);
    return err_set(err, RNN_ERR_RUNTIME, "n-gram: out of memory counting %lld symbols at "
                   "order %d", (long long)n, order);
}

/* ---- probabilities -------------------------------------------------------------------- */

double ngram_prob(const NGram *g, const int32_t *hist, int len, int32_t w)
{
    int32_t h[NGRAM_MAX_ORDER];
    int m = 0;
    double p = 1.0 / g->V;
    h[0] = 0;
    while (m < g->order - 1 && m < len) {
        int32_t c = table_get(&g->hist, key_of(h[m], hist[len - 1 - m]));
        if (c < 0)
            break;
        h[++m] = c;
    }
    for (int j = 0; j <= m; j++) {
        double S = g->h_sum[h[j]], D = g->discount[j + 1];
        if (S <= 0)
            continue;
        int32_t id = table_get(&g->gram, key_of(h[j], w));
        double c = id >= 0 ? (double)g->g_count[id] - D : 0;
        p = ((c > 0 ? c : 0) + D * g->h_types[h[j]] * p) / S;
    }
    return p;
}

double ngram_eval(const NGram *g, const int32_t *ids, int64_t n)
{
    double sum = 0;
    if (n < 2 || !g->order)
        return NAN;
    for (int64_t i = 1; i < n; i++) {
        int len = i < g->order - 1 ? (int)i : g->order - 1;
        sum -= log(ngram_prob(g, ids + i - len, len, ids[i]));
    }
    return sum / (double)(n - 1);
}

void ngram_free(NGram *g)
{
    table_free(&g->hist);
    table_free(&g->gram);
    free(g->h_depth);
    free(g->h_sum);
    free(g->h_types);
    free(g->g_count);
    memset(g, 0, sizeof *g);
}
