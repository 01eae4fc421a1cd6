/* The tests' random cases: xorshift, so that a seed gives the same cases
 * on every machine and a failure names the seed that makes it again. */
#ifndef TESTS_RNG_H
#define TESTS_RNG_H

#include <stdint.h>

extern uint64_t	rng_state;	/* the seed; never 0 */

uint32_t	rng(void);
/* 0 to n - 1. */
int		pick(int);

#endif
