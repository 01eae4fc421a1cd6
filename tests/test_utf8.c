/* UTF-8 (src/utf8.c) against a definition written the other way round:
 * a byte string is one valid character when decoding it bit by bit and
 * encoding the result gives the same bytes back (so no overlong form),
 * and the value is no surrogate and at most U+10FFFF. Every string of one
 * and two bytes is tried, and longer ones over every lead and second byte
 * with the edges of each class of byte after them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/rng.h"
#include "utf8.h"

/* The bytes a code point takes, by its size alone. */
static int
ref_size(uint32_t c)
{
	return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

/* Whether p[0..n) is exactly one valid character. */
static int
ref_valid(const unsigned char *p, int n)
{
	uint32_t	 c;
	int		 i, ones = 0;

	while (ones < 8 && (p[0] & (0x80 >> ones)))
		ones++;
	if ((n == 1 && ones != 0) || (n > 1 && ones != n))
		return 0;
	c = n == 1 ? p[0] : p[0] & (0xffu >> (n + 1));
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return ref_size(c) == n;
}

/* The length utf8_length must give for p[0..n): the valid character's,
 * -1 when p is a valid one's beginning, 0 otherwise. */
static int
ref_length(const unsigned char *p, int n)
{
	unsigned char	 q[4];
	int		 len, i, fill;

	for (len = 1; len <= n && len <= 4; len++)
		if (ref_valid(p, len))
			return len;
	/* A beginning: some completion of it is valid. Past the byte
	 * after p, the range of a continuation byte is all that matters. */
	if (n >= 4)
		return 0;
	for (fill = 0; fill < 64 * 4; fill++) {
		memcpy(q, p, (size_t)n);
		q[n] = (unsigned char)(0x80 | (fill & 0x3f));
		for (i = n + 1; i < 4; i++)
			q[i] = fill & (0x40 << (i - n - 1)) ? 0xbf : 0x80;
		for (len = n + 1; len <= 4; len++)
			if (ref_valid(q, len))
				return -1;
	}
	return 0;
}

static void
check(const unsigned char *p, int n)
{
	uint32_t	 cp;
	char		 out[UTF8_MAX];
	int		 want = ref_length(p, n), got = utf8_length(p, (size_t)n);

	if (got != want)
		fail_msg("utf8_length of %d bytes %02x %02x %02x %02x: %d, "
		    "want %d", n, p[0], n > 1 ? p[1] : 0, n > 2 ? p[2] : 0,
		    n > 3 ? p[3] : 0, got, want);
	got = utf8_get(p, (size_t)n, &cp);
	if (want > 0) {
		assert_int_equal(got, want);
		assert_int_equal(utf8_put(out, cp), (size_t)want);
		assert_memory_equal(out, p, (size_t)want);
	} else {
		assert_int_equal(got, 1);
		assert_int_equal(cp, 0xfffd);
	}
}

static void
test_short_strings(void **state)
{
	/* Past the second byte only a byte's class matters: its edges. */
	static const unsigned char third[] = { 0x00, 0x7f, 0x80, 0x8f, 0x90,
	    0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xe0, 0xf4, 0xf5, 0xff };
	unsigned char	 p[3];
	unsigned	 i, k;

	(void)state;
	for (i = 0; i < 1u << 16; i++) {
		p[0] = (unsigned char)(i >> 8);
		p[1] = (unsigned char)i;
		if (p[1] == 0)
			check(p, 1);
		check(p, 2);
		for (k = 0; k < sizeof third; k++) {
			p[2] = third[k];
			check(p, 3);
		}
	}
}

static void
test_four_bytes(void **state)
{
	unsigned char	 p[4];
	int		 lead, second, k;

	(void)state;
	for (lead = 0xe0; lead <= 0xff; lead++) {
		for (second = 0; second < 256; second++) {
			for (k = 0; k < 16; k++) {
				p[0] = (unsigned char)lead;
				p[1] = (unsigned char)second;
				p[2] = (unsigned char)(k & 1 ? 0x80 | rng() %
				    64 : rng());
				p[3] = (unsigned char)(k & 2 ? 0x80 | rng() %
				    64 : rng());
				check(p, 4);
			}
		}
	}
}

/* Every code point goes out and back; those that cannot be written come
 * out as U+FFFD. */
static void
test_every_code_point(void **state)
{
	char		 out[UTF8_MAX];
	uint32_t	 c, back;
	size_t		 n;

	(void)state;
	for (c = 0; c <= 0x110010; c++) {
		n = utf8_put(out, c);
		assert_int_equal(utf8_get((unsigned char *)out, n, &back),
		    (int)n);
		if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			assert_int_equal(back, 0xfffd);
		else
			assert_int_equal(back, c);
		assert_int_equal(utf8_need((unsigned char)out[0]), (int)n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_point),
		cmocka_unit_test(test_four_bytes),
		cmocka_unit_test(test_short_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
