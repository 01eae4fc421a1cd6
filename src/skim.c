/* Plain output, recognised a byte at a time through one table, with no
 * state between calls: a run ends where anything else begins, or where
 * the input ends inside a sequence. */
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "skim.h"

/* Longer sequences are left to the model: no flood is made of them. */
#define SKIM_SEQMAX	64

enum {
	K_TEXT,
	K_CTRL,		/* LF, CR, TAB, BS */
	K_ESC,
	K_OTHER
};

static const uint8_t skim_kind[256] = {
	[0x00] = K_OTHER, [0x01] = K_OTHER, [0x02] = K_OTHER,
	[0x03] = K_OTHER, [0x04] = K_OTHER, [0x05] = K_OTHER,
	[0x06] = K_OTHER, [0x07] = K_OTHER, [0x08] = K_CTRL,
	[0x09] = K_CTRL, [0x0a] = K_CTRL, [0x0b] = K_OTHER,
	[0x0c] = K_OTHER, [0x0d] = K_CTRL, [0x0e] = K_OTHER,
	[0x0f] = K_OTHER, [0x10] = K_OTHER, [0x11] = K_OTHER,
	[0x12] = K_OTHER, [0x13] = K_OTHER, [0x14] = K_OTHER,
	[0x15] = K_OTHER, [0x16] = K_OTHER, [0x17] = K_OTHER,
	[0x18] = K_OTHER, [0x19] = K_OTHER, [0x1a] = K_OTHER,
	[0x1b] = K_ESC, [0x1c] = K_OTHER, [0x1d] = K_OTHER,
	[0x1e] = K_OTHER, [0x1f] = K_OTHER, [0x7f] = K_OTHER,
};

/* The length of the SGR or EL at p, 0 if there is none, or none whole. */
static size_t
skim_seq_slow(const unsigned char *p, size_t n)
{
	size_t	 i, max = n < SKIM_SEQMAX ? n : SKIM_SEQMAX;
	int	 digits = 1;

	if (max < 3 || p[1] != '[')
		return 0;
	for (i = 2; i < max; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			continue;
		if (p[i] == ';' || p[i] == ':') {
			digits = 0;
			continue;
		}
		if (p[i] == 'm' || (p[i] == 'K' && digits))
			return i + 1;
		return 0;
	}
	return 0;
}

#ifdef __SSE2__
/* The same, with the parameters of a short one (most colours) looked at
 * together: a byte at a time, their digits and separators cost a branch
 * each that no predictor gets right. */
static size_t
skim_seq(const unsigned char *p, size_t n)
{
	__m128i		 v, d, sep;
	unsigned	 other, e;

	if (n < 18 || p[1] != '[')
		return skim_seq_slow(p, n);
	v = _mm_loadu_si128((const __m128i *)(const void *)(p + 2));
	d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
	d = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
	sep = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(';')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8(':')));
	other = ~(unsigned)_mm_movemask_epi8(_mm_or_si128(d, sep)) & 0xffff;
	if (other == 0)
		return skim_seq_slow(p, n);
	e = (unsigned)__builtin_ctz(other);
	if (p[2 + e] == 'm' || (p[2 + e] == 'K' &&
	    ((unsigned)_mm_movemask_epi8(sep) & ((1u << e) - 1)) == 0))
		return e + 3;
	return 0;
}
#else
#define skim_seq	skim_seq_slow
#endif

size_t
skim_item(const char *p, size_t n)
{
	size_t	 len;

	if (n == 0)
		return 0;
	if ((unsigned char)p[0] != 0x1b)
		return 1;
	len = skim_seq((const unsigned char *)p, n);
	return len > 0 ? len : 1;
}

#ifdef __SSE2__
/* The bytes of the 64 at p that end a run of text: below 0x20 but LF,
 * CR, TAB and BS, and 0x7f; bit k for byte k. Most of a flood is text
 * and line ends, passed here 64 bytes at a time, so that only its
 * sequences stop the scan. */
static uint64_t
skim_block(const unsigned char *p)
{
	const __m128i	 c1f = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f);
	const __m128i	 lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
	const __m128i	 tab = _mm_set1_epi8('\t'), bs = _mm_set1_epi8('\b');
	__m128i		 v, ctl, ok;
	uint64_t	 mask = 0;
	int		 k;

	for (k = 0; k < 64; k += 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)(p + k));
		ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v);
		ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lf),
		    _mm_cmpeq_epi8(v, cr)), _mm_or_si128(_mm_cmpeq_epi8(v,
		    tab), _mm_cmpeq_epi8(v, bs)));
		ctl = _mm_or_si128(_mm_andnot_si128(ok, ctl),
		    _mm_cmpeq_epi8(v, del));
		mask |= (uint64_t)(unsigned)_mm_movemask_epi8(ctl) << k;
	}
	return mask;
}
#else
/* The same from eight bytes at a time in a word: a word with a byte
 * below 0x20 or 0x7f in it is looked at a byte at a time. */
static uint64_t
skim_block(const unsigned char *p)
{
	const uint64_t	 ones = 0x0101010101010101ull;
	const uint64_t	 high = 0x8080808080808080ull;
	uint64_t	 w, del, mask = 0;
	int		 k, i;

	for (k = 0; k < 64; k += 8) {
		memcpy(&w, p + k, sizeof w);
		del = w ^ (0x7f * ones);
		if ((((w - 0x20 * ones) & ~w) | ((del - ones) & ~del)) &
		    high) {
			for (i = k; i < k + 8; i++)
				if (skim_kind[p[i]] >= K_ESC)
					mask |= (uint64_t)1 << i;
		}
	}
	return mask;
}
#endif

size_t
skim_plain(const char *p, size_t n)
{
	const unsigned char	*u = (const unsigned char *)p;
	size_t			 i = 0, j, len;
	uint64_t		 mask;

	/* A block at a time, its sequences stepped over: the rest of one
	 * that runs into the next block is not flagged there. */
	while (n - i >= 64) {
		mask = skim_block(u + i);
		for (; mask != 0; mask &= ~(uint64_t)0 << (j - i)) {
			j = i + (size_t)__builtin_ctzll(mask);
			if (u[j] != 0x1b ||
			    (len = skim_seq(u + j, n - j)) == 0)
				return j;
			j += len;
			if (j - i >= 64)
				break;
		}
		i += 64;
	}
	while (i < n) {
		switch (skim_kind[u[i]]) {
		case K_TEXT:
		case K_CTRL:
			i++;
			break;
		case K_ESC:
			if ((len = skim_seq(u + i, n - i)) == 0)
				return i;
			i += len;
			break;
		default:
			return i;
		}
	}
	return i;
}

/* The line feeds in 64 bytes at p, bit k for byte k. */
static uint64_t
skim_lf_block(const unsigned char *p)
{
#ifdef __SSE2__
	const __m128i	 lf = _mm_set1_epi8('\n');
	uint64_t	 mask = 0;
	int		 k;

	for (k = 0; k < 64; k += 16)
		mask |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)(p + k)),
		    lf)) << k;
	return mask;
#else
	uint64_t	 mask = 0;
	int		 k;

	for (k = 0; k < 64; k++)
		mask |= (uint64_t)(p[k] == '\n') << k;
	return mask;
#endif
}

/* Bits set in m, in a few instructions: without -mpopcnt, the builtin
 * is a call. */
static size_t
skim_bits(uint64_t m)
{
	m -= (m >> 1) & 0x5555555555555555ull;
	m = (m & 0x3333333333333333ull) + ((m >> 2) & 0x3333333333333333ull);
	m = (m + (m >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (size_t)((m * 0x0101010101010101ull) >> 56);
}

size_t
skim_lines(const char *p, size_t n)
{
	const unsigned char	*u = (const unsigned char *)p;
	size_t			 i = 0, lines = 0;
#ifdef __SSE2__
	const __m128i		 lf = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
	__m128i			 acc, sum;
	int			 k;

	/* Each match subtracts -1 from its byte's count: up to 255 rounds
	 * before the counts are added up. */
	while (n - i >= 16) {
		acc = zero;
		for (k = 0; k < 255 && n - i >= 16; k++, i += 16)
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128(
			    (const __m128i *)(const void *)(u + i)), lf));
		sum = _mm_sad_epu8(acc, zero);
		lines += (size_t)_mm_cvtsi128_si32(sum) +
		    (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
	}
#else
	for (; n - i >= 64; i += 64)
		lines += skim_bits(skim_lf_block(u + i));
#endif
	for (; i < n; i++)
		lines += u[i] == '\n';
	return lines;
}

const char *
skim_line_end(const char *p, size_t n, size_t k)
{
	const unsigned char	*u = (const unsigned char *)p;
	size_t			 i = 0, in;
	uint64_t		 mask;

	for (; n - i >= 64; i += 64) {
		mask = skim_lf_block(u + i);
		if ((in = skim_bits(mask)) <= k) {
			k -= in;
			continue;
		}
		for (; k > 0; k--)
			mask &= mask - 1;
		return p + i + __builtin_ctzll(mask);
	}
	for (; i < n; i++)
		if (u[i] == '\n' && k-- == 0)
			return p + i;
	return NULL;
}

int
skim_sgr_resets(const char *p, size_t n)
{
	if (n < 3 || p[n - 1] != 'm' || memchr(p, ':', n) != NULL)
		return 0;
	/* ESC [ m, ESC [ ; ..., ESC [ 0 m, ESC [ 0 ; ..., not ESC [ 01 m
	 * (which is bold). */
	if (p[2] == 'm' || p[2] == ';')
		return 1;
	return p[2] == '0' && (p[3] == 'm' || p[3] == ';');
}

int
skim_partial(const char *p, size_t n)
{
	size_t	 i;

	if (n == 0 || n >= SKIM_SEQMAX || p[0] != 0x1b)
		return 0;
	if (n >= 2 && p[1] != '[')
		return 0;
	for (i = 2; i < n; i++)
		if ((p[i] < '0' || p[i] > '9') && p[i] != ';' && p[i] != ':')
			return 0;
	return 1;
}
