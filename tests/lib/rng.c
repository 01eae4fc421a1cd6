#include "rng.h"

uint64_t	rng_state = 88172645463325252ull;

uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

int
pick(int n)
{
	return (int)(rng() % (uint32_t)n);
}
