/* Plain output, recognised a byte at a time through one table, with no
 * state between calls: a run ends where anything else begins, or where
 * the input ends inside a sequence. */
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "skim.h"

/* A walk over blocks made once for each width of vector, with the
 * width's own way of looking at a block inlined in it. */
#define SKIM_INLINE	static inline __attribute__((always_inline))

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

/* skim_plain from i, where no sequence is begun, up to the first item
 * boundary at or past stop: a block at a time, each sequence in it
 * looked at on its own. Returns that boundary, or where what is not
 * plain begins (before stop). */
static size_t
skim_items(const unsigned char *u, size_t n, size_t i, size_t stop)
{
	size_t		 j, len, end;
	uint64_t	 mask;

	/* A sequence that runs into the next block ends this one's. */
	while (i < stop && n - i >= 64) {
		mask = skim_block(u + i);
		end = i + 64;
		for (; mask != 0; mask &= ~(uint64_t)0 << (j - i)) {
			j = i + (size_t)__builtin_ctzll(mask);
			if (u[j] != 0x1b ||
			    (len = skim_seq(u + j, n - j)) == 0)
				return j;
			j += len;
			if (j - i >= 64) {
				end = j;
				break;
			}
		}
		i = end;
	}
	while (i < stop && i < n) {
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

#if defined(__x86_64__) && defined(__SSE2__) && defined(__GNUC__)
#define SKIM_WIDE
#include <immintrin.h>

/* Whether the CPU has a feature the OS lets us use. glibc's own answer,
 * from what it learnt as the process started: no cpuid of ours (each a
 * trap to the hypervisor on a virtual machine), and no constructor of
 * the compiler's runtime asking it again as every process starts. */
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#define SKIM_CPU_HAS(glibc, gcc)	CPU_FEATURE_ACTIVE(glibc)
#else
#define SKIM_CPU_HAS(glibc, gcc)	__builtin_cpu_supports(gcc)
#endif

/* What a 64-byte block holds, bit k for byte k: enough to check every
 * sequence in it at once, with add-with-carry running along their
 * parameters, instead of a call and a few branches for each. */
struct skim_masks {
	uint64_t	 esc;
	uint64_t	 open;		/* [ */
	uint64_t	 param;		/* 0-9 ; : */
	uint64_t	 final;		/* m K */
	unsigned	 lines;		/* line feeds */
	int		 el;		/* a K somewhere */
	int		 bad;		/* a control that ends a run, or DEL */
};

/* The masks of a block are made inside the walk over the blocks
 * (skim_blocks_with, inlined with each), one walk for each width. */
SKIM_INLINE void
skim_masks_sse2(const unsigned char *p, struct skim_masks *m)
{
	const __m128i	 c1f = _mm_set1_epi8(0x1f), c0b = _mm_set1_epi8(11);
	const __m128i	 c02 = _mm_set1_epi8(2);
	__m128i		 v, d, t, bad = _mm_setzero_si128(), k = bad;
	uint64_t	 esc = 0, open = 0, param = 0, final = 0, lf = 0;
	int		 i;

	for (i = 0; i < 64; i += 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		lf |= (uint64_t)(unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))) << i;
		d = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x1b));
		esc |= (uint64_t)(unsigned)_mm_movemask_epi8(d) << i;
		open |= (uint64_t)(unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('['))) << i;
		t = _mm_sub_epi8(v, _mm_set1_epi8('0'));
		param |= (uint64_t)(unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(_mm_min_epu8(t, c0b), t)) << i;
		t = _mm_cmpeq_epi8(v, _mm_set1_epi8('K'));
		k = _mm_or_si128(k, t);
		final |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(t,
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('m')))) << i;
		/* Below 0x20 but BS, TAB, LF (8-10), CR and ESC; DEL. */
		t = _mm_sub_epi8(v, _mm_set1_epi8(8));
		d = _mm_or_si128(d, _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(t,
		    c02), t), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
		bad = _mm_or_si128(bad, _mm_or_si128(_mm_andnot_si128(d,
		    _mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v)),
		    _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))));
	}
	m->esc = esc;
	m->open = open;
	m->param = param;
	m->final = final;
	m->lines = (unsigned)skim_bits(lf);
	m->el = _mm_movemask_epi8(k) != 0;
	m->bad = _mm_movemask_epi8(bad) != 0;
}

__attribute__((target("avx2,popcnt"))) SKIM_INLINE void
skim_masks_avx2(const unsigned char *p, struct skim_masks *m)
{
	const __m256i	 c1f = _mm256_set1_epi8(0x1f), c0b = _mm256_set1_epi8(11);
	const __m256i	 c02 = _mm256_set1_epi8(2);
	__m256i		 v, d, t, bad = _mm256_setzero_si256(), k = bad;
	uint64_t	 esc = 0, open = 0, param = 0, final = 0, lf = 0;
	int		 i;

	for (i = 0; i < 64; i += 32) {
		v = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
		lf |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n'))) << i;
		d = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x1b));
		esc |= (uint64_t)(uint32_t)_mm256_movemask_epi8(d) << i;
		open |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(v, _mm256_set1_epi8('['))) << i;
		t = _mm256_sub_epi8(v, _mm256_set1_epi8('0'));
		param |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(_mm256_min_epu8(t, c0b), t)) << i;
		t = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('K'));
		k = _mm256_or_si256(k, t);
		final |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
		    _mm256_or_si256(t, _mm256_cmpeq_epi8(v,
		    _mm256_set1_epi8('m')))) << i;
		t = _mm256_sub_epi8(v, _mm256_set1_epi8(8));
		d = _mm256_or_si256(d, _mm256_or_si256(_mm256_cmpeq_epi8(
		    _mm256_min_epu8(t, c02), t), _mm256_cmpeq_epi8(v,
		    _mm256_set1_epi8('\r'))));
		bad = _mm256_or_si256(bad, _mm256_or_si256(_mm256_andnot_si256(d,
		    _mm256_cmpeq_epi8(_mm256_min_epu8(v, c1f), v)),
		    _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x7f))));
	}
	m->esc = esc;
	m->open = open;
	m->param = param;
	m->final = final;
	m->lines = (unsigned)_mm_popcnt_u64(lf);
	m->el = !_mm256_testz_si256(k, k);
	m->bad = !_mm256_testz_si256(bad, bad);
}

__attribute__((target("avx512bw,popcnt"))) SKIM_INLINE void
skim_masks_avx512(const unsigned char *p, struct skim_masks *m)
{
	__m512i		 v = _mm512_loadu_si512((const void *)p);
	__mmask64	 esc, k, ok;

	esc = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(0x1b));
	k = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('K'));
	ok = esc | _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\r')) |
	    _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8(8)),
	    _mm512_set1_epi8(2));
	m->esc = esc;
	m->open = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('['));
	m->param = _mm512_cmple_epu8_mask(_mm512_sub_epi8(v,
	    _mm512_set1_epi8('0')), _mm512_set1_epi8(11));
	m->final = k | _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('m'));
	m->lines = (unsigned)_mm_popcnt_u64(_mm512_cmpeq_epi8_mask(v,
	    _mm512_set1_epi8('\n')));
	m->el = k != 0;
	m->bad = ((_mm512_cmple_epu8_mask(v, _mm512_set1_epi8(0x1f)) & ~ok) |
	    _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(0x7f))) != 0;
}

/* Parameters long enough that a sequence of them might pass SKIM_SEQMAX
 * (32 of them in a row, or a run of param bits from bit k on): such a
 * block is left to skim_items, which counts. */
#define SKIM_RUNMAX	32

static uint64_t
skim_long_runs(uint64_t x)
{
	x &= x >> 1;
	x &= x >> 2;
	x &= x >> 4;
	x &= x >> 8;
	return x & x >> 16;
}

/* Whole blocks of plain items from u[i], where no sequence is begun, as
 * far as they go. Returns where skim_items takes over: the start of the
 * first block this cannot pass (a control in it, a sequence that is not
 * an SGR, an EL, long parameters), or of the sequence that runs into it,
 * with *stop past that block; or, past the last whole block, where the
 * rest begins (*stop: n). The line feeds before that are added to
 * *lines. */
SKIM_INLINE size_t
skim_blocks_with(const unsigned char *u, size_t n, size_t i, size_t *stop,
    size_t *lines, void (*masks)(const unsigned char *, struct skim_masks *))
{
	struct skim_masks	 m;
	uint64_t		 was = 0, after, from, sum, ends;
	size_t			 resume = i, run = 0;
	int			 carry = 0, over;

	for (*stop = n; n - i >= 64; i += 64) {
		*stop = i + 64;
		masks(u + i, &m);
		/* ESC is followed by [, whose parameters start after it
		 * (the two bits an ESC at the end of the last block puts
		 * in this one come along). */
		after = m.esc << 1 | was >> 63;
		from = m.esc << 2 | was >> 62;
		if (m.bad || m.el || (after & ~m.open) != 0 ||
		    skim_long_runs(m.param) != 0 ||
		    (carry && run + (size_t)__builtin_ctzll(~m.param) >=
		    SKIM_RUNMAX))
			break;
		/* Each sequence's carry runs along its parameters and
		 * stops on the byte after them, which ends it: m or K. A
		 * carry out of bit 63 goes on in the next block. */
		over = __builtin_add_overflow(m.param, from, &sum);
		over |= __builtin_add_overflow(sum, (uint64_t)carry, &sum);
		ends = sum & ~m.param;
		if ((ends & ~m.final) != 0)
			break;
		carry = over;
		was = m.esc;
		/* (What the return leaves out, a sequence begun, has
		 * none.) */
		*lines += m.lines;
		if (carry) {
			/* The last sequence, whose parameters run on. */
			run = (size_t)__builtin_clzll(~m.param);
			resume = i + (size_t)(63 - __builtin_clzll(from)) - 2;
		} else if (m.esc >> 62 != 0)
			resume = i + (size_t)(63 - __builtin_clzll(m.esc));
		else
			resume = i + 64;
		*stop = n;
	}
	return resume;
}

typedef size_t	(*skim_blocks_fn)(const unsigned char *, size_t, size_t,
		    size_t *, size_t *);

static size_t
skim_blocks_sse2(const unsigned char *u, size_t n, size_t i, size_t *stop,
    size_t *lines)
{
	return skim_blocks_with(u, n, i, stop, lines, skim_masks_sse2);
}

__attribute__((target("avx2,popcnt"))) static size_t
skim_blocks_avx2(const unsigned char *u, size_t n, size_t i, size_t *stop,
    size_t *lines)
{
	return skim_blocks_with(u, n, i, stop, lines, skim_masks_avx2);
}

__attribute__((target("avx512bw,popcnt"))) static size_t
skim_blocks_avx512(const unsigned char *u, size_t n, size_t i, size_t *stop,
    size_t *lines)
{
	return skim_blocks_with(u, n, i, stop, lines, skim_masks_avx512);
}

static enum skim_vector	 skim_cap = SKIM_AVX512;

/* The widest vectors allowed that the CPU has. */
static enum skim_vector
skim_best(void)
{
	if (skim_cap >= SKIM_AVX512 && SKIM_CPU_HAS(AVX512BW, "avx512bw"))
		return SKIM_AVX512;
	if (skim_cap >= SKIM_AVX2 && SKIM_CPU_HAS(AVX2, "avx2"))
		return SKIM_AVX2;
	return skim_cap >= SKIM_SSE2 ? SKIM_SSE2 : SKIM_BYTES;
}

static skim_blocks_fn
skim_blocks_best(void)
{
	switch (skim_best()) {
	case SKIM_AVX512:
		return skim_blocks_avx512;
	case SKIM_AVX2:
		return skim_blocks_avx2;
	case SKIM_SSE2:
		return skim_blocks_sse2;
	default:
		return NULL;
	}
}

int
skim_vector_use(enum skim_vector v)
{
	if ((v == SKIM_AVX512 && !SKIM_CPU_HAS(AVX512BW, "avx512bw")) ||
	    (v == SKIM_AVX2 && !SKIM_CPU_HAS(AVX2, "avx2")))
		return -1;
	skim_cap = v;
	return 0;
}
#else
int
skim_vector_use(enum skim_vector v)
{
	return v == SKIM_BYTES ? 0 : -1;
}
#endif

size_t
skim_plain_lines(const char *p, size_t n, size_t *lines)
{
	const unsigned char	*u = (const unsigned char *)p;
	size_t			 i = 0, from = 0, count = 0;
#ifdef SKIM_WIDE
	skim_blocks_fn		 blocks;
	size_t			 stop;

	/* The blocks the vectors cannot judge, one at a time, and the
	 * vectors again after each. */
	if ((blocks = skim_blocks_best()) != NULL) {
		while (n - i >= 64) {
			from = blocks(u, n, i, &stop, &count);
			i = skim_items(u, n, from, stop);
			count += skim_lines(p + from, i - from);
			if (i < stop)
				goto out;
		}
		from = i;
	}
#endif
	i = skim_items(u, n, i, n);
	count += skim_lines(p + from, i - from);
#ifdef SKIM_WIDE
out:
#endif
	*lines = count;
	return i;
}

size_t
skim_plain(const char *p, size_t n)
{
	size_t	 lines;

	return skim_plain_lines(p, n, &lines);
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

/* skim_line_end with a way to find the line feeds of 64 bytes and one
 * to count them, inlined with each. */
SKIM_INLINE const char *
skim_line_end_with(const char *p, size_t n, size_t k,
    uint64_t (*lf)(const unsigned char *), size_t (*bits)(uint64_t))
{
	const unsigned char	*u = (const unsigned char *)p;
	size_t			 i = 0, in;
	uint64_t		 mask;

	for (; n - i >= 64; i += 64) {
		mask = lf(u + i);
		if ((in = bits(mask)) <= k) {
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

#ifdef SKIM_WIDE
__attribute__((target("popcnt"))) SKIM_INLINE size_t
skim_popcnt(uint64_t m)
{
	return (size_t)_mm_popcnt_u64(m);
}

__attribute__((target("avx2"))) SKIM_INLINE uint64_t
skim_lf_avx2(const unsigned char *p)
{
	const __m256i	 lf = _mm256_set1_epi8('\n');

	return (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
	    _mm256_loadu_si256((const __m256i *)(const void *)p), lf)) |
	    (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
	    _mm256_loadu_si256((const __m256i *)(const void *)(p + 32)),
	    lf)) << 32;
}

__attribute__((target("avx512bw"))) SKIM_INLINE uint64_t
skim_lf_avx512(const unsigned char *p)
{
	return _mm512_cmpeq_epi8_mask(_mm512_loadu_si512((const void *)p),
	    _mm512_set1_epi8('\n'));
}

__attribute__((target("avx2,popcnt"))) static const char *
skim_line_end_avx2(const char *p, size_t n, size_t k)
{
	return skim_line_end_with(p, n, k, skim_lf_avx2, skim_popcnt);
}

__attribute__((target("avx512bw,popcnt"))) static const char *
skim_line_end_avx512(const char *p, size_t n, size_t k)
{
	return skim_line_end_with(p, n, k, skim_lf_avx512, skim_popcnt);
}
#endif

const char *
skim_line_end(const char *p, size_t n, size_t k)
{
#ifdef SKIM_WIDE
	switch (skim_best()) {
	case SKIM_AVX512:
		return skim_line_end_avx512(p, n, k);
	case SKIM_AVX2:
		return skim_line_end_avx2(p, n, k);
	default:
		break;
	}
#endif
	return skim_line_end_with(p, n, k, skim_lf_block, skim_bits);
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
