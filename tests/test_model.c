/* The model's thread: what it shows after a flood is what the screen
 * shows fed every byte, whether it is asked while the flood is still being
 * taken in (model_redraw) or after it caught up (model_sync). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/rng.h"
#include "model.h"
#include "screen.h"
#include "util.h"

#define MIB	(1024 * 1024)

/* Lines of text and colours, now and then something that is not plain
 * (a title, a mode, a cursor move, the alternate screen, where nothing is
 * passed over), so that a flood is passed over in parts; but from 4 MiB
 * to 16 MiB none, as in a cat of a big file, where each part pushes out
 * the plain end held back from the one before. */
static void
gen_flood(struct buf *b, size_t size)
{
	static const char *bits[] = { "word ", "\033[1;31m", "\033[0m",
		"\xe4\xb8\xad\xe6\x96\x87", "e\xcc\x81", "\t", "\033[38;5;99m",
		"0123456789abcdefghij", "\033[K" };
	static const char *rare[] = { "\033]2;title\a", "\033[?25l",
		"\033[?25h", "\033[5;1H", "\a", "\033[?2004h",
		"\033[?1049h", "\033[?1049l" };
	int	 i;

	while (b->len < size) {
		for (i = (int)(rng() % 12); i > 0; i--)
			buf_adds(b, bits[rng() % nitems(bits)]);
		buf_adds(b, "\r\n");
		if ((b->len < 4 * MIB || b->len > 16 * MIB) &&
		    rng() % 20000 == 0)
			buf_adds(b, rare[rng() % nitems(rare)]);
	}
}

static void
test_flood(void **state)
{
	struct screen	*s, *ref;
	struct model	*m;
	struct buf	 in = { 0 }, early = { 0 }, late = { 0 }, want = { 0 };
	size_t		 off, n;
	int		 round, behind = 0;

	(void)state;
	rng_state = 88172645463325252ull;
	gen_flood(&in, 24 * 1024 * 1024);
	ref = screen_new(24, 80);
	assert_non_null(ref);
	for (round = 0; round < 4; round++) {
		s = screen_new(24, 80);
		assert_non_null(s);
		m = model_new(s, NULL, NULL);
		assert_non_null(m);
		/* As the loop gives it: reads of up to 64 KiB, and the
		 * flood cut in a different place each round. */
		n = in.len / 4 * (size_t)(round + 1) - (size_t)round * 4099;
		for (off = 0; off < n; off += 65536)
			model_input(m, in.data + off,
			    n - off < 65536 ? n - off : 65536);
		behind += model_busy(m);
		buf_reset(&early);
		assert_int_equal(model_redraw(m, &early), 0);

		screen_free(ref);
		ref = screen_new(24, 80);
		screen_input(ref, in.data, n);
		buf_reset(&want);
		assert_int_equal(screen_redraw(ref, 0, &want), 0);
		assert_int_equal(early.len, want.len);
		assert_memory_equal(early.data, want.data, want.len);

		buf_reset(&late);
		assert_int_equal(screen_redraw(model_sync(m), SCREEN_SCROLLBACK,
		    &late), 0);
		buf_reset(&want);
		assert_int_equal(screen_redraw(ref, SCREEN_SCROLLBACK, &want),
		    0);
		assert_int_equal(late.len, want.len);
		assert_memory_equal(late.data, want.data, want.len);
		model_free(m);
		screen_free(s);
	}
	/* The redraw was asked while the thread was behind, at least once
	 * (reads of 64 KiB are a flood, which it takes by the megabyte or
	 * after a pause of 16 ms). */
	assert_true(behind > 0);
	screen_free(ref);
	buf_free(&in);
	buf_free(&early);
	buf_free(&late);
	buf_free(&want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flood),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
