/* The saved state on arbitrary bytes: loading never crashes or leaks,
 * refuses with EINVAL or ENOTSUP, and what it takes saves again to a
 * state that loads to the same facts and screen, and from there saves
 * and loads to the same bytes. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "tests/lib/screencmp.h"
#include "wire.h"

/* Screens past this many cells are left out: libFuzzer would spend its
 * time and memory making them. */
#define FUZZ_STATE_CELLS	(256 * 256)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_state_fail(const char *what)
{
	fprintf(stderr, "state: %s %s\n", what, screen_why);
	abort();
}

/* Whether the state's size record asks for a screen too large. */
static int
fuzz_state_large(const uint8_t *data, size_t size)
{
	struct wire	 r;
	uint32_t	 tag, len;
	size_t		 rows, cols;

	if (size < STATE_HEADER)
		return 0;
	wire_init(&r, data + STATE_HEADER, size - STATE_HEADER);
	while (!r.bad && r.left > 0) {
		tag = wire_get_u32(&r);
		len = wire_get_u32(&r);
		if (tag == STATE_SIZE && len == 4) {
			rows = wire_get_u16(&r);
			cols = wire_get_u16(&r);
			return rows * cols > FUZZ_STATE_CELLS;
		}
		wire_take(&r, len);
	}
	return 0;
}

static struct screen *
fuzz_state_reload(const struct state_facts *f, struct screen *s,
    struct buf *x)
{
	struct state_facts	 g;
	struct state_error	 why;
	struct screen		*t;

	buf_reset(x);
	if (state_save(f, s, x) == -1)
		fuzz_state_fail("not saved");
	if (state_load(x->data, x->len, &g, &t, &why) == -1)
		fuzz_state_fail(why.msg);
	if (memcmp(f, &g, sizeof g) != 0)
		fuzz_state_fail("facts differ");
	return t;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state_facts	 f;
	struct state_error	 why;
	struct screen		*a, *b, *c;
	struct buf		 x = { 0 }, y = { 0 }, z = { 0 };

	if (fuzz_state_large(data, size))
		return 0;
	if (state_load(data, size, &f, &a, &why) == -1) {
		if ((errno != EINVAL && errno != ENOTSUP) || a != NULL ||
		    why.msg[0] == '\0')
			fuzz_state_fail("refused badly");
		return 0;
	}
	b = fuzz_state_reload(&f, a, &x);
	if (screen_compare(a, b, 0))
		fuzz_state_fail("first load");
	c = fuzz_state_reload(&f, b, &y);
	buf_reset(&z);
	if (state_save(&f, c, &z) == -1)
		fuzz_state_fail("not saved");
	if (y.len != z.len || memcmp(y.data, z.data, y.len) != 0)
		fuzz_state_fail("saved again differs");
	if (screen_hist_differs(b, c))
		fuzz_state_fail("scrollback");
	if (screen_differs(b, c) == 1)
		fuzz_state_fail("screen");
	screen_free(a);
	screen_free(b);
	screen_free(c);
	buf_free(&x);
	buf_free(&y);
	buf_free(&z);
	return 0;
}
