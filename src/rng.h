/* rng: a small, fast, seedable random number generator (xoshiro256**)
 * whose whole state is four 64-bit words, so a checkpoint can store it and
 * a resumed run draws exactly the same numbers.
 * An Rng is a plain value owned by its user; not shared between threads. */
#ifndef RNNTOP_RNG_H
#define RNNTOP_RNG_H

#include <stdint.h>

typedef struct Rng {
    uint64_t s[4];
} Rng;

/* Seed deterministically from one 64-bit value (splitmix64 expansion). */
void rng_seed(Rng *r, uint64_t seed);

uint64_t rng_next(Rng *r);

/* Uniform in [0, 1), 53 bits. */
double rng_uniform(Rng *r);

/* Uniform float in [0, 1), 24 bits (cheap, for dropout masks). */
float rng_uniformf(Rng *r);

/* Standard normal (Box-Muller). */
double rng_normal(Rng *r);

#endif
