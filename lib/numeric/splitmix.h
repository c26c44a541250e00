/* SPDX-License-Identifier: MIT */
/*
 * splitmix.h - the splitmix64 generator (Steele, Lea and Flood 2014), for
 * seeded, reproducible choices inside the library (sampling orders,
 * selection pivots). Internal; the state is the caller's, never global.
 */
#ifndef LOY_SPLITMIX_H
#define LOY_SPLITMIX_H

#include <stdint.h>

static inline uint64_t
loy__splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

#endif /* LOY_SPLITMIX_H */
