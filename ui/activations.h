/* activations: what the activations view computes from a sample's hidden
 * states: simple features of the text (inside quotes, inside brackets,
 * position in the line, just after a newline, on a space) and, per unit,
 * the Pearson correlation of its activation with each feature, after
 * Karpathy, Johnson and Fei-Fei, "Visualizing and Understanding Recurrent
 * Networks" (2015). Pure functions over arrays the caller owns; no curses;
 * thread-safe. */
#ifndef RNNTOP_ACTIVATIONS_H
#define RNNTOP_ACTIVATIONS_H

typedef enum {
    ACT_QUOTE = 0,   /* inside "..." or “...” (the quote marks themselves count as inside) */
    ACT_BRACKET,     /* inside (...), [...] or {...} */
    ACT_LINEPOS,     /* symbols since the last newline (0 right after it) */
    ACT_NEWLINE,     /* the symbol just read is a newline */
    ACT_SPACE,       /* the symbol just read is a space (a word boundary) */
    ACT_FEATURES
} ActFeature;

typedef struct ActHit {
    int unit;        /* index into the units compared */
    float r;         /* correlation, -1..1 */
} ActHit;

/* A short name of a feature ("quote", "bracket", "line pos", ...). */
const char *act_feature_name(ActFeature f);

/* Features of a symbol sequence, each symbol a NUL-terminated UTF-8 string
 * (one character, or a word): out[f * n + i] is feature f after reading
 * symbol i. The state (quotes, bracket depth, line position) starts at
 * "outside, column 0". */
void act_features(const char *const *syms, int n, float *out);

/* Pearson correlation of x[i * stride] and y[i] over i < n; 0 when either
 * is constant (or n < 2). Sums in double. */
double act_pearson(const float *x, int stride, const float *y, int n);

/* The k units (of units, unit u's value at step i being acts[i * stride + u])
 * whose activations correlate most strongly (largest |r|) with feature[0..n),
 * strongest first, ties to the lower unit. Returns how many were written
 * (min(k, units); 0 when n < 2). */
int act_top_units(const float *acts, int n, int stride, int units, const float *feature,
                  int k, ActHit *out);

#endif
