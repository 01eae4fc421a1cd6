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
skim_seq(const unsigned char *p, size_t n)
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
/* Where in the 16 bytes at p the first below 0x20 or 0x7f is, 16 if
 * none: most of a flood is text, passed here 16 bytes at a time. */
static unsigned
skim_special(const unsigned char *p)
{
	__m128i		 v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i		 ctl, del;
	unsigned	 mask;

	ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
	del = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f));
	mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(ctl, del));
	return mask == 0 ? 16 : (unsigned)__builtin_ctz(mask);
}
#define SKIM_STRIDE	16
#else
/* The same eight bytes at a time, in a word: the lowest byte flagged is
 * exact (a borrow only runs upwards). */
static unsigned
skim_special(const unsigned char *p)
{
	const uint64_t	 ones = 0x0101010101010101ull;
	const uint64_t	 high = 0x8080808080808080ull;
	uint64_t	 w, del, mask;
	unsigned	 i;

	memcpy(&w, p, sizeof w);
	del = w ^ (0x7f * ones);
	mask = (((w - 0x20 * ones) & ~w) | ((del - ones) & ~del)) & high;
	if (mask == 0)
		return 8;
	for (i = 0; (mask & 0x80) == 0; i++)
		mask >>= 8;
	return i;
}
#define SKIM_STRIDE	8
#endif

size_t
skim_plain(const char *p, size_t n)
{
	const unsigned char	*u = (const unsigned char *)p;
	size_t			 i = 0, len;

	while (i < n) {
		if (n - i >= SKIM_STRIDE) {
			i += skim_special(u + i);
			if (i == n)
				break;
		}
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
