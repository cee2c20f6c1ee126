/* novelty: the suffix array behind the memorisation check (see novelty.h).
 * Owns the radix sort and the binary searches; knows nothing of samplers,
 * corpora or terminals. */
#include "novelty.h"

#include <stdlib.h>
#include <string.h>

/* The d-th symbol of the suffix at i, shifted so that "past the end" (0)
 * sorts before every symbol. */
static inline int32_t key_at(const int32_t *ids, int64_t n, int64_t i, int d)
{
    return i + d < n ? ids[i + d] + 1 : 0;
}

int novelty_build(NoveltyIndex *idx, const int32_t *ids, int64_t n, int V, int max_len,
                  RnnError *err)
{
    memset(idx, 0, sizeof *idx);
    if (max_len < 1 || max_len > NOVELTY_MAX_LEN || V < 1 || n < 0 || (n > 0 && !ids))
        return err_set(err, RNN_ERR_INPUT, "novelty index: bad arguments (max_len %d, V %d)",
                       max_len, V);
    if (n > INT32_MAX)
        return err_set(err, RNN_ERR_RUNTIME, "novelty index: %lld symbols is too many",
                       (long long)n);
    int32_t *sa = malloc(sizeof *sa * (size_t)(n ? n : 1));
    int32_t *tmp = malloc(sizeof *tmp * (size_t)(n ? n : 1));
    int64_t *count = calloc((size_t)V + 2, sizeof *count);
    if (!sa || !tmp || !count) {
        free(sa);
        free(tmp);
        free(count);
        return err_set(err, RNN_ERR_RUNTIME, "novelty index: out of memory for %lld symbols",
                       (long long)n);
    }
    for (int64_t i = 0; i < n; i++)
        sa[i] = (int32_t)i;
    /* LSD: stable counting sort by symbol d, from the last position to the first */
    for (int d = max_len - 1; d >= 0; d--) {
        memset(count, 0, sizeof *count * ((size_t)V + 2));
        for (int64_t i = 0; i < n; i++)
            count[key_at(ids, n, sa[i], d) + 1]++;
        for (int k = 1; k <= V + 1; k++)
            count[k] += count[k - 1];
        for (int64_t i = 0; i < n; i++)
            tmp[count[key_at(ids, n, sa[i], d)]++] = sa[i];
        int32_t *t = sa;
        sa = tmp;
        tmp = t;
    }
    free(tmp);
    free(count);
    idx->ids = ids;
    idx->n = n;
    idx->max_len = max_len;
    idx->sa = sa;
    return 0;
}

void novelty_free(NoveltyIndex *idx)
{
    free(idx->sa);
    memset(idx, 0, sizeof *idx);
}

/* Compare the suffix at i (its first len symbols) with gram: <0, 0, >0. */
static int compare(const NoveltyIndex *idx, int64_t i, const int32_t *gram, int len)
{
    for (int d = 0; d < len; d++) {
        int32_t a = key_at(idx->ids, idx->n, i, d), b = gram[d] + 1;
        if (a != b)
            return a < b ? -1 : 1;
    }
    return 0;
}

/* First position in sa whose suffix is not below gram (upper: not at or
 * below gram). */
static int64_t bound(const NoveltyIndex *idx, const int32_t *gram, int len, int upper)
{
    int64_t lo = 0, hi = idx->n;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        int c = compare(idx, idx->sa[mid], gram, len);
        if (c < 0 || (upper && c == 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int64_t novelty_count(const NoveltyIndex *idx, const int32_t *gram, int len)
{
    if (len < 1 || len > idx->max_len)
        return -1;
    if (!idx->sa)
        return 0;
    return bound(idx, gram, len, 1) - bound(idx, gram, len, 0);
}

double novelty_copied(const NoveltyIndex *idx, const int32_t *sample, int64_t n, int len,
                      int64_t *copied, int64_t *total)
{
    *copied = *total = 0;
    if (len < 1 || len > idx->max_len)
        return -1;
    for (int64_t i = 0; i + len <= n; i++) {
        int64_t at = idx->sa ? bound(idx, sample + i, len, 0) : idx->n;
        *copied += at < idx->n && compare(idx, idx->sa[at], sample + i, len) == 0;
        (*total)++;
    }
    return *total ? (double)*copied / (double)*total : -1;
}

int novelty_parse_lengths(const char *text, int *lens, RnnError *err)
{
    int k = 0;
    const char *p = text;
    for (;;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > NOVELTY_MAX_LEN || (*end && *end != ','))
            return err_set(err, RNN_ERR_INPUT, "--novelty-lengths %s: expected lengths from 1 "
                           "to %d separated by commas, e.g. 8,16", text, NOVELTY_MAX_LEN);
        if (k == NOVELTY_MAX_LENGTHS)
            return err_set(err, RNN_ERR_INPUT, "--novelty-lengths %s: at most %d lengths",
                           text, NOVELTY_MAX_LENGTHS);
        lens[k++] = (int)v;
        if (!*end)
            return k;
        p = end + 1;
    }
}
