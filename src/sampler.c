/* sampler: priming, the per-step distribution (temperature, top-k, top-p)
 * and the draw; see sampler.h. It owns only its buffers and RNG: the model
 * and vocabulary are read, never written. */
#include "sampler.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "wordtok.h"

/* Mass within this of top_p counts as reaching it (rounding in the sums). */
#define TOP_P_SLACK 1e-12

int sampler_check_params(const SampleParams *sp, RnnError *err)
{
    if (!isfinite(sp->temperature) || sp->temperature < 0)
        return err_set(err, RNN_ERR_INPUT,
                       "temperature %g: expected a finite number >= 0 (0 is greedy)",
                       sp->temperature);
    if (sp->top_k < 0)
        return err_set(err, RNN_ERR_INPUT, "top-k %d: expected 0 (off) or more", sp->top_k);
    if (!(sp->top_p > 0 && sp->top_p <= 1))
        return err_set(err, RNN_ERR_INPUT, "top-p %g: expected a number in (0, 1]",
                       sp->top_p);
    return 0;
}

/* ---- the distribution ----------------------------------------------------- */

/* a ranks before b: higher probability, then lower id. */
static int ranks_before(const double *p, int32_t a, int32_t b)
{
    return p[a] > p[b] || (p[a] == p[b] && a < b);
}

static void sift_down(int32_t *order, int root, int n, const double *p)
{
    for (;;) {
        int child = 2 * root + 1;
        if (child >= n)
            return;
        /* a min-heap of the ranking: the worst-ranked id on top */
        if (child + 1 < n && ranks_before(p, order[child], order[child + 1]))
            child++;
        if (!ranks_before(p, order[root], order[child]))
            return;
        int32_t t = order[root];
        order[root] = order[child];
        order[child] = t;
        root = child;
    }
}

/* order[0..V) = ids from most to least likely (ties: lowest id first).
 * Heapsort: no allocation, O(V log V); the ranking is total, so the result
 * is the same whatever the algorithm. */
static void rank_ids(const double *p, int V, int32_t *order)
{
    for (int v = 0; v < V; v++)
        order[v] = v;
    for (int i = V / 2 - 1; i >= 0; i--)
        sift_down(order, i, V, p);
    for (int end = V - 1; end > 0; end--) {
        int32_t t = order[0];
        order[0] = order[end];
        order[end] = t;
        sift_down(order, 0, end, p);
    }
}

static int argmax(const float *z, int V)
{
    int best = 0;
    for (int v = 1; v < V; v++)
        if (z[v] > z[best])
            best = v;
    return best;
}

/* q[v] = softmax(z / t)[v] in double, max subtracted; t > 0. */
static void softmax_tempered(const float *z, int V, double t, double *q)
{
    double m = z[argmax(z, V)], sum = 0;
    for (int v = 0; v < V; v++) {
        q[v] = exp(((double)z[v] - m) / t);
        sum += q[v];
    }
    for (int v = 0; v < V; v++)
        q[v] /= sum;
}

/* How many of the ranked ids top-k and then top-p keep (the top-p mass is
 * that of the top-k survivors, renormalised). */
static int kept_count(const double *q, int V, const int32_t *order, const SampleParams *sp)
{
    int keep = sp->top_k > 0 && sp->top_k < V ? sp->top_k : V;
    if (sp->top_p >= 1)
        return keep;
    double mass = 0, cum = 0;
    for (int i = 0; i < keep; i++)
        mass += q[order[i]];
    for (int i = 0; i < keep; i++) {
        cum += q[order[i]];
        if (cum >= sp->top_p * mass - TOP_P_SLACK)
            return i + 1;
    }
    return keep;
}

void sampler_distribution(const float *z, int V, const SampleParams *sp, float *p,
                          double *scratch, int32_t *order)
{
    if (sp->temperature <= 0) {
        memset(p, 0, sizeof(float) * (size_t)V);
        p[argmax(z, V)] = 1.0f;
        return;
    }
    softmax_tempered(z, V, sp->temperature, scratch);
    int filtering = (sp->top_k > 0 && sp->top_k < V) || sp->top_p < 1;
    if (filtering) {
        rank_ids(scratch, V, order);
        int keep = kept_count(scratch, V, order, sp);
        for (int i = keep; i < V; i++)
            scratch[order[i]] = 0;
    }
    double sum = 0;
    for (int v = 0; v < V; v++)
        sum += scratch[v];
    for (int v = 0; v < V; v++)
        p[v] = (float)(scratch[v] / sum);
}

int32_t sampler_draw(const float *p, int V, Rng *rng)
{
    double u = rng_uniform(rng), cum = 0;
    int32_t last = 0;
    for (int v = 0; v < V; v++) {
        if (p[v] <= 0)
            continue;
        cum += p[v];
        last = v;
        if (u < cum)
            return v;
    }
    return last;  /* u beyond the float sum's rounding: the last possible id */
}

/* ---- lifetime ------------------------------------------------------------- */

int sampler_init(Sampler *s, const Model *m, const Vocab *v, const SampleParams *sp,
                 RnnError *err)
{
    memset(s, 0, sizeof *s);
    if (sampler_check_params(sp, err))
        return -1;
    if (m->shape.V != v->size || v->size < 1)
        return err_set(err, RNN_ERR_INPUT, "the model has %d outputs but the vocabulary %d "
                       "symbols", m->shape.V, v->size);
    if (net_work_init(&s->work, &m->shape, 1, SAMPLER_CHUNK, 0.0, 0.0, err))
        return -1;
    size_t V = (size_t)v->size, LH = (size_t)m->shape.L * m->shape.H;
    s->model = m;
    s->vocab = v;
    s->params = *sp;
    net_bind(&m->shape, m->params, &s->p);
    s->state_h = calloc(LH, sizeof(float));
    s->state_c = calloc(LH, sizeof(float));
    s->probs = calloc(V, sizeof(float));
    s->probs_t1 = calloc(V, sizeof(float));
    s->scratch = calloc(V, sizeof(double));
    s->order = calloc(V, sizeof(int32_t));
    s->ids = calloc(SAMPLER_CHUNK, sizeof(int32_t));
    if (!s->state_h || !s->state_c || !s->probs || !s->probs_t1 || !s->scratch || !s->order ||
        !s->ids) {
        sampler_free(s);
        return err_set(err, RNN_ERR_RUNTIME, "out of memory for a sampler (V=%zu)", V);
    }
    rng_seed(&s->rng, sp->seed);
    return 0;
}

void sampler_free(Sampler *s)
{
    net_work_free(&s->work);
    free(s->state_h);
    free(s->state_c);
    free(s->probs);
    free(s->probs_t1);
    free(s->scratch);
    free(s->order);
    free(s->ids);
    memset(s, 0, sizeof *s);
}

int sampler_set_params(Sampler *s, const SampleParams *sp, RnnError *err)
{
    if (sampler_check_params(sp, err))
        return -1;
    s->params = *sp;
    return 0;
}

/* ---- priming -------------------------------------------------------------- */

static void feed(Sampler *s, const int32_t *x, int n)
{
    net_forward(&s->p, &s->work, n, x, NULL, s->state_h, s->state_c, NULL);
}

/* The prime as it is decoded: ids wait in s->ids; a full chunk is fed once
 * another symbol arrives, so the last one is always left for sampler_next. */
typedef struct Primer {
    Sampler *s;
    int pending;
} Primer;

static void primer_push(Primer *pr, int32_t id)
{
    if (pr->pending == SAMPLER_CHUNK) {
        feed(pr->s, pr->s->ids, SAMPLER_CHUNK);
        pr->pending = 0;
    }
    pr->s->ids[pr->pending++] = id;
}

/* The id standing in for an unknown symbol under policy, or -1 (skip). */
static int32_t stand_in(const Vocab *v, UnknownPolicy policy)
{
    if (policy != UNKNOWN_REPLACE)
        return -1;
    if (v->kind == TOKENIZE_WORD)
        return WORDTOK_UNK;
    int32_t id = vocab_find(v, ' ');
    return id >= 0 ? id : vocab_find(v, '\n');
}

/* Decode the next code point at text[*pos], CR LF and lone CR as LF.
 * Returns 1, 0 at the end, -1 on invalid UTF-8. */
static int next_codepoint(const char *text, size_t len, size_t *pos, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)text;
    if (*pos >= len)
        return 0;
    int k = utf8_decode(u + *pos, len - *pos, cp);
    if (!k)
        return -1;
    *pos += (size_t)k;
    if (*cp == '\r') {
        if (*pos < len && u[*pos] == '\n')
            (*pos)++;
        *cp = '\n';
    }
    return 1;
}

static int unknown_error(uint32_t cp, int64_t index, RnnError *err)
{
    char sym[32];
    utf8_describe(cp, sym, sizeof sym);
    return err_set(err, RNN_ERR_INPUT,
                   "prime: symbol %s at character %lld is not in the model's vocabulary "
                   "(--unknown skip or replace to go on)", sym, (long long)index);
}

static int decode_prime(Sampler *s, Primer *pr, const char *prime, size_t len,
                        UnknownPolicy policy, RnnError *err)
{
    size_t pos = 0, at;
    int64_t index = 0;
    uint32_t cp;
    int r;
    for (at = pos; (r = next_codepoint(prime, len, &pos, &cp)) > 0; at = pos) {
        index++;
        int32_t id = vocab_find(s->vocab, s->lowercase ? utf8_tolower(cp) : cp);
        if (id < 0 && policy == UNKNOWN_ERROR)
            return unknown_error(cp, index, err);
        if (id < 0)
            id = stand_in(s->vocab, policy);
        if (id >= 0)
            primer_push(pr, id);
    }
    if (r < 0)
        return err_set(err, RNN_ERR_INPUT, "prime: invalid UTF-8 at byte offset %zu: %s", at,
                       utf8_invalid_reason((const unsigned char *)prime + at, len - at));
    return 0;
}

/* Push the ids of the word token tok[0..n) (its first character is number
 * index of the prime) under policy. */
static int push_word(Sampler *s, Primer *pr, const uint32_t *tok, int n, int64_t index,
                     UnknownPolicy policy, RnnError *err)
{
    int32_t ids[WORDTOK_MAX];
    int m = wordtok_token_ids(s->vocab, tok, n, ids);
    if (m == 0 && policy == UNKNOWN_ERROR) {
        char word[4 * WORDTOK_MAX + 1];
        wordtok_utf8(tok, n, word);
        return err_set(err, RNN_ERR_INPUT, "prime: word \"%s\" at character %lld is not in "
                       "the model's vocabulary (--unknown skip or replace to go on; replace "
                       "reads it as %s)", word, (long long)index, WORDTOK_UNK_TEXT);
    }
    if (m == 0 && policy == UNKNOWN_REPLACE)
        ids[m++] = WORDTOK_UNK;
    for (int i = 0; i < m; i++)
        primer_push(pr, ids[i]);
    return 0;
}

/* Word mode: decode into a window of code points and cut tokens from its
 * front once it holds WORDTOK_MAX of them (or the text has ended), which
 * cuts exactly as wordtok does on the whole text, without allocating. */
static int decode_prime_words(Sampler *s, Primer *pr, const char *prime, size_t len,
                              UnknownPolicy policy, RnnError *err)
{
    uint32_t win[2 * WORDTOK_MAX], cp;
    size_t pos = 0, at = 0;
    int have = 0, r = 1;
    int64_t index = 1;  /* character index of win[0] */
    while (r > 0 || have > 0) {
        while (have < 2 * WORDTOK_MAX && r > 0) {
            at = pos;
            if ((r = next_codepoint(prime, len, &pos, &cp)) > 0)
                win[have++] = s->lowercase ? utf8_tolower(cp) : cp;
        }
        if (r < 0)
            return err_set(err, RNN_ERR_INPUT, "prime: invalid UTF-8 at byte offset %zu: %s",
                           at, utf8_invalid_reason((const unsigned char *)prime + at, len - at));
        while (have > 0 && (have >= WORDTOK_MAX || r == 0)) {
            int n = wordtok_len(win, have, 0);
            if (push_word(s, pr, win, n, index, policy, err))
                return -1;
            memmove(win, win + n, sizeof *win * (size_t)(have - n));
            have -= n;
            index += n;
        }
    }
    return 0;
}

/* The id of a newline (to start from), else 0. */
static int32_t newline_id(const Vocab *v)
{
    int32_t id = v->kind == TOKENIZE_WORD ? vocab_find_word(v, "\n", 1) : vocab_find(v, '\n');
    return id >= 0 ? id : 0;
}

int sampler_prime(Sampler *s, const char *prime, size_t len, UnknownPolicy policy,
                  RnnError *err)
{
    size_t LH = (size_t)s->model->shape.L * s->model->shape.H;
    memset(s->state_h, 0, sizeof(float) * LH);
    memset(s->state_c, 0, sizeof(float) * LH);
    rng_seed(&s->rng, s->params.seed);
    s->steps = 0;
    Primer pr = {s, 0};
    int rc = s->vocab->kind == TOKENIZE_WORD
                 ? decode_prime_words(s, &pr, prime ? prime : "", prime ? len : 0, policy, err)
                 : decode_prime(s, &pr, prime ? prime : "", prime ? len : 0, policy, err);
    if (rc) {
        s->last = 0;
        return -1;
    }
    if (pr.pending == 0) {
        s->last = newline_id(s->vocab);
        return 0;
    }
    if (pr.pending > 1)
        feed(s, s->ids, pr.pending - 1);
    s->last = s->ids[pr.pending - 1];
    return 0;
}

/* ---- steps ---------------------------------------------------------------- */

int32_t sampler_next(Sampler *s)
{
    int V = s->vocab->size;
    const SampleParams t1 = {1.0, 0, 1.0, 0};
    feed(s, &s->last, 1);
    sampler_distribution(s->work.logits, V, &t1, s->probs_t1, s->scratch, s->order);
    sampler_distribution(s->work.logits, V, &s->params, s->probs, s->scratch, s->order);
    s->last = sampler_draw(s->probs, V, &s->rng);
    s->steps++;
    return s->last;
}

/* a ranks before b in sampler_top's order. */
static int top_before(const Sampler *s, int32_t a, int32_t b)
{
    if (s->probs[a] != s->probs[b])
        return s->probs[a] > s->probs[b];
    if (s->probs_t1[a] != s->probs_t1[b])
        return s->probs_t1[a] > s->probs_t1[b];
    return a < b;
}

int sampler_top(const Sampler *s, int n, int32_t *ids)
{
    int V = s->vocab->size, have = 0;
    n = n < V ? n : V;
    if (n <= 0)
        return 0;
    for (int32_t v = 0; v < V; v++) {  /* insertion into a sorted list of n */
        if (have == n && !top_before(s, v, ids[n - 1]))
            continue;
        int i = have < n ? have++ : n - 1;
        for (; i > 0 && top_before(s, v, ids[i - 1]); i--)
            ids[i] = ids[i - 1];
        ids[i] = v;
    }
    return n;
}
