/* novelty: how much of a generated sample is copied verbatim from the
 * training text. A NoveltyIndex is a suffix array over the training ids,
 * sorted by each suffix's first max_len symbols only (LSD radix sort, max_len
 * passes of a counting sort: O(n * max_len), about a second for 4 M symbols
 * at 16), so any n-gram of length <= max_len is found by binary search in
 * O(len * log n). Works for any ids (characters or words).
 *
 * The index owns its suffix array (novelty_free) and points at the ids it
 * was built from, which must stay alive and unchanged while it is used.
 * Queries on a built index only read it: thread-safe. No curses. */
#ifndef RNNTOP_NOVELTY_H
#define RNNTOP_NOVELTY_H

#include <stdint.h>

#include "error.h"

#define NOVELTY_MAX_LEN 64       /* longest n-gram an index can answer */
#define NOVELTY_MAX_LENGTHS 4    /* n-gram lengths reported at once */

typedef struct NoveltyIndex {
    const int32_t *ids;  /* the text (not owned) */
    int64_t n;
    int max_len;         /* suffixes are sorted by their first max_len symbols */
    int32_t *sa;         /* [n] suffix start positions, sorted */
} NoveltyIndex;

/* Build over ids[0..n) (0 <= id < V) for n-grams up to max_len symbols
 * (1..NOVELTY_MAX_LEN). Returns 0, or -1 with err (bad arguments: input;
 * out of memory or n beyond 2^31 - 1: runtime) and idx left empty. */
int novelty_build(NoveltyIndex *idx, const int32_t *ids, int64_t n, int V, int max_len,
                  RnnError *err);

/* Release the array; safe on a zeroed or freed index. */
void novelty_free(NoveltyIndex *idx);

/* Occurrences of gram[0..len) in the text (len <= max_len; else -1). */
int64_t novelty_count(const NoveltyIndex *idx, const int32_t *gram, int len);

/* Of the n - len + 1 n-grams of length len in sample[0..n), how many occur
 * in the text: *copied of *total (0 of 0 when n < len). Returns the share
 * copied / total, or -1 when there is none (or len > max_len). */
double novelty_copied(const NoveltyIndex *idx, const int32_t *sample, int64_t n, int len,
                      int64_t *copied, int64_t *total);

/* Parse "8,16" (1..NOVELTY_MAX_LENGTHS lengths, each 1..NOVELTY_MAX_LEN)
 * into lens; returns the count, or -1 with err naming what is wrong. */
int novelty_parse_lengths(const char *text, int *lens, RnnError *err);

#endif
