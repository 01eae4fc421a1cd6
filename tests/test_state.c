/* The saved state: a model saved and loaded shows the same screen,
 * scrollback, modes and cursor, and saves again to the same bytes, on
 * recorded programs and random streams; every malformed state is
 * refused, with nothing left behind. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "lib/rng.h"
#include "lib/screencmp.h"
#include "lib/streams.h"
#include "state.h"
#include "util.h"
#include "version.h"
#include "wire.h"

static const struct state_facts facts = {
	.name = "work.1",
	.cmd = "bash -l -c 'vim notes'",
	.created = 1700000000,
	.saved = 1700003600,
	.pid = 4242,
	.version = SESS_VERSION,
};

static void
save(struct screen *s, struct buf *out)
{
	buf_reset(out);
	assert_int_equal(state_save(&facts, s, out), 0);
}

/* Saves s and loads it back, checking the facts. */
static struct screen *
reload(struct screen *s, struct buf *x)
{
	struct state_facts	 f;
	struct state_error	 why;
	struct screen		*b;

	save(s, x);
	if (state_load(x->data, x->len, &f, &b, &why) == -1)
		fail_msg("refused its own state: %s", why.msg);
	assert_string_equal(f.name, facts.name);
	assert_string_equal(f.cmd, facts.cmd);
	assert_string_equal(f.version, facts.version);
	assert_true(f.created == facts.created && f.saved == facts.saved);
	assert_int_equal(f.pid, facts.pid);
	assert_int_equal(f.rows, screen_rows(s));
	assert_int_equal(f.cols, screen_cols(s));
	return b;
}

static int
same_bytes(const struct buf *x, const struct buf *y, const char *what)
{
	if (x->len == y->len && memcmp(x->data, y->data, x->len) == 0)
		return 1;
	fprintf(stderr, "%s: %zu bytes, then %zu\n", what, x->len, y->len);
	return 0;
}

/* Saves a and loads it into b: b shows the screen a showed (and with
 * further, goes on as a does), and from b on, saving and loading
 * changes nothing, to the byte. With exact, b has a's scrollback and
 * saves to a's bytes too: the redraw writes scrollback lines as they
 * are, but for the wraps at a blank or at the end of the scrollback.
 * 1 on a difference, said on stderr. */
static int
cycle(struct screen *a, int further, int exact)
{
	struct screen	*b, *c;
	struct buf	 x = { 0 }, y = { 0 }, z = { 0 };
	int		 bad = 0;

	b = reload(a, &x);
	c = reload(b, &y);
	save(c, &z);
	if (!same_bytes(&y, &z, "saved again") ||
	    (exact && !same_bytes(&x, &y, "saved from the loaded model")))
		bad = 1;
	if (!bad && screen_hist_differs(b, c)) {
		fprintf(stderr, "loaded again: %s\n", screen_why);
		bad = 1;
	}
	if (!bad && exact && screen_hist_differs(a, b)) {
		fprintf(stderr, "%s\n", screen_why);
		bad = 1;
	}
	if (!bad && screen_compare(a, b, further)) {
		fprintf(stderr, "%s\n", screen_why);
		bad = 1;
	}
	screen_free(b);
	screen_free(c);
	buf_free(&x);
	buf_free(&y);
	buf_free(&z);
	return bad;
}

static int
cycle_check(struct screen *a, int at_end)
{
	return cycle(a, at_end, 0);
}

/* Recordings of real programs, saved at points along the way. */
static void
test_recordings(void **state)
{
	(void)state;
	assert_int_equal(streams_replay(10, cycle_check), 0);
}

static void
test_random(void **state)
{
	struct screen	*a;
	struct buf	 in = { 0 };
	int		 seed, i, n, rows, cols, failures = 0;

	(void)state;
	for (seed = 1; seed <= 600 && failures < 3; seed++) {
		rng_state = 0x5851f42d4c957f2dull * (uint64_t)seed;
		rows = 2 + pick(30);
		cols = 2 + pick(100);
		n = 1 + pick(80);
		buf_reset(&in);
		for (i = 0; i < n; i++)
			streams_item(&in, rows, cols);
		a = screen_new(rows, cols);
		screen_input(a, in.data, in.len);
		if (cycle(a, 1, 0)) {
			fprintf(stderr, "seed %d (%dx%d)\n", seed, rows, cols);
			failures++;
		}
		screen_free(a);
	}
	buf_free(&in);
	assert_int_equal(failures, 0);
}

/* A full scrollback of coloured lines, under the alternate screen of a
 * program with a title, modes, margins and a character set of its own. */
static struct screen *
full_session(int rows, int cols)
{
	struct screen	*s = screen_new(rows, cols);
	struct buf	 in = { 0 };
	int		 i;

	assert_non_null(s);
	rng_state = 7;
	for (i = 0; i < SCROLLBACK_LINES + rows; i++)
		streams_coloured_line(&in, cols);
	buf_adds(&in, "\033]2;the title\a\033[?1049h\033[?1h\033=\033[?2004h"
	    "\033[?1002h\033[?1006h\033[3;20r\033[5;7H\033[1;38;5;202m"
	    "alternate\033[44m\033(0lqk\033(B\033)0\016");
	screen_input(s, in.data, in.len);
	buf_free(&in);
	return s;
}

static void
test_full_scrollback(void **state)
{
	struct screen	*a;

	(void)state;
	a = full_session(50, 200);
	assert_int_equal(a->hist.n, SCROLLBACK_LINES);
	assert_true(a->alt);
	assert_false(cycle(a, 1, 1));
	screen_free(a);
}

/* What the round trip keeps, looked at one by one. */
static void
test_kept(void **state)
{
	struct state_facts	 f;
	struct state_error	 why;
	struct screen		*a, *b;
	struct buf		 x = { 0 };

	(void)state;
	a = full_session(24, 80);
	save(a, &x);
	assert_int_equal(state_load(x.data, x.len, &f, &b, &why), 0);
	assert_true(b->alt);
	assert_string_equal(b->title, "the title");
	assert_int_equal(b->hist.n, a->hist.n);
	assert_true(b->m.ckm && b->m.keypad && b->m.paste);
	assert_int_equal(b->m.mouse, 1002);
	assert_int_equal(b->m.mouse_enc, 1006);
	assert_int_equal(b->m.gl, 1);
	assert_int_equal(b->crow, a->crow);
	assert_int_equal(b->ccol, a->ccol);
	assert_int_equal(b->pen.fg, a->pen.fg);
	assert_int_equal(b->pen.bg, a->pen.bg);
	screen_free(a);
	screen_free(b);
	buf_free(&x);
}

/* Saving reads the model only: twice gives the same bytes. */
static void
test_save_twice(void **state)
{
	struct screen	*a;
	struct buf	 x = { 0 }, y = { 0 };

	(void)state;
	a = full_session(24, 80);
	save(a, &x);
	save(a, &y);
	assert_int_equal(x.len, y.len);
	assert_memory_equal(x.data, y.data, x.len);
	screen_free(a);
	buf_free(&x);
	buf_free(&y);
}

static void
test_save_refuses(void **state)
{
	struct state_facts	 f = facts;
	struct screen		*a;
	struct buf		 x = { 0 };

	(void)state;
	a = screen_new(5, 10);
	buf_adds(&x, "kept");
	strcpy(f.name, "../x");
	assert_int_equal(state_save(&f, a, &x), -1);
	assert_int_equal(errno, EINVAL);
	f.name[0] = '\0';
	assert_int_equal(state_save(&f, a, &x), -1);
	f = facts;
	memset(f.cmd, 'c', sizeof f.cmd);
	assert_int_equal(state_save(&f, a, &x), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(x.len, 4);
	screen_free(a);
	buf_free(&x);
}

/* A small valid state to break, with scrollback and a title. */
static void
small_state(struct buf *x)
{
	static const char	*in = "\033]2;t\aone\r\ntwo\r\n\033[31mthree\r\n"
	    "four\r\nfive";
	struct screen		*a = screen_new(4, 20);

	screen_input(a, in, strlen(in));
	save(a, x);
	screen_free(a);
}

/* Loads what must be refused: -1 with errno, the facts zeroed and no
 * model. Returns why. */
static const char *
refused(const struct buf *x, size_t n, int error)
{
	static struct state_error	 why;
	struct state_facts		 f, zero;
	struct screen			*s = (struct screen *)1;

	memset(&f, 'x', sizeof f);
	memset(&zero, 0, sizeof zero);
	errno = 0;
	if (state_load(x->data, n, &f, &s, &why) != -1) {
		screen_free(s);
		fail_msg("loaded %zu bytes that should be refused", n);
	}
	assert_int_equal(errno, error);
	assert_null(s);
	assert_memory_equal(&f, &zero, sizeof f);
	assert_true(why.msg[0] != '\0');
	return why.msg;
}

static void
test_truncated(void **state)
{
	struct buf	 x = { 0 };
	size_t		 n;

	(void)state;
	small_state(&x);
	for (n = 0; n < x.len; n++)
		refused(&x, n, EINVAL);
	buf_free(&x);
}

/* Bytes changed in a copy, then the copy loaded. */
static void
changed(const struct buf *x, size_t at, unsigned char v, int error)
{
	struct buf	 y = { 0 };

	buf_add(&y, x->data, x->len);
	y.data[at] = (char)v;
	refused(&y, y.len, error);
	buf_free(&y);
}

static void
test_header_bytes(void **state)
{
	static const unsigned char	 with[] = { 0x00, 0x01, 0x02, 0x7f,
		0x80, 0xff };
	struct buf			 x = { 0 };
	size_t				 i, k;
	unsigned char			 v, *p;
	uint32_t			 version;

	(void)state;
	small_state(&x);
	p = (unsigned char *)x.data;
	for (i = 0; i < STATE_HEADER; i++) {
		for (k = 0; k < nitems(with); k++) {
			if ((v = with[k] ^ p[i]) == p[i])
				continue;
			version = STATE_VERSION;
			if (i >= STATE_MAGIC_LEN)
				version ^= (uint32_t)with[k] <<
				    (8 * (STATE_HEADER - 1 - i));
			changed(&x, i, v, i >= STATE_MAGIC_LEN &&
			    version > STATE_VERSION ? ENOTSUP : EINVAL);
		}
	}
	buf_free(&x);
}

/* Every byte of every record's tag and length, changed. */
static void
test_record_bytes(void **state)
{
	static const unsigned char	 with[] = { 0x01, 0x02, 0x04, 0x08,
		0x10, 0x80, 0xff };
	struct buf			 x = { 0 };
	struct wire			 r;
	size_t				 at, i, k, records = 0;
	unsigned char			*p;

	(void)state;
	small_state(&x);
	p = (unsigned char *)x.data;
	wire_init(&r, x.data + STATE_HEADER, x.len - STATE_HEADER);
	while (r.left > 0) {
		at = x.len - r.left;
		wire_get_u32(&r);
		assert_non_null(wire_take(&r, wire_get_u32(&r)));
		for (i = at; i < at + STATE_RECORD; i++) {
			for (k = 0; k < nitems(with); k++)
				changed(&x, i, p[i] ^ with[k], EINVAL);
		}
		records++;
	}
	assert_int_equal(records, STATE_TAGS - 1);
	buf_free(&x);
}

/* A state built record by record. */
static void
record(struct buf *b, uint32_t tag, const void *p, size_t n)
{
	wire_put_u32(b, tag);
	wire_put_u32(b, (uint32_t)n);
	buf_add(b, p, n);
}

/* The records of x, with tag skip left out, then extra. */
static void
rebuild(struct buf *y, const struct buf *x, uint32_t skip,
    const struct buf *extra)
{
	struct wire		 r;
	const unsigned char	*p;
	uint32_t		 tag, len;

	buf_reset(y);
	buf_add(y, x->data, STATE_HEADER);
	wire_init(&r, x->data + STATE_HEADER, x->len - STATE_HEADER);
	while (r.left > 0) {
		tag = wire_get_u32(&r);
		len = wire_get_u32(&r);
		p = wire_take(&r, len);
		if (tag != skip)
			record(y, tag, p, len);
	}
	if (extra != NULL)
		buf_add(y, extra->data, extra->len);
}

static void
test_records_malformed(void **state)
{
	struct buf	 x = { 0 }, y = { 0 }, e = { 0 };
	char		 big[PROTO_CMD_MAX + 2];
	uint32_t	 tag;

	(void)state;
	small_state(&x);

	rebuild(&y, &x, 0, NULL);
	assert_int_equal(y.len, x.len);
	for (tag = 1; tag < STATE_TAGS; tag++) {
		rebuild(&y, &x, tag, NULL);
		assert_non_null(strstr(refused(&y, y.len, EINVAL), "no "));
	}

	record(&e, STATE_NAME, "other", 5);
	rebuild(&y, &x, 0, &e);
	assert_string_equal(refused(&y, y.len, EINVAL), "name twice");

	buf_reset(&e);
	record(&e, STATE_TAGS, "", 0);
	rebuild(&y, &x, 0, &e);
	assert_non_null(strstr(refused(&y, y.len, EINVAL), "unknown"));
	buf_reset(&e);
	record(&e, 0, "", 0);
	rebuild(&y, &x, 0, &e);
	assert_non_null(strstr(refused(&y, y.len, EINVAL), "unknown"));

	/* Over each bound by one, and a length that claims the most a
	 * 32-bit word can. */
	memset(big, 'a', sizeof big);
	buf_reset(&e);
	record(&e, STATE_NAME, big, NAME_MAX_LEN + 1);
	rebuild(&y, &x, STATE_NAME, &e);
	refused(&y, y.len, EINVAL);
	buf_reset(&e);
	record(&e, STATE_CMD, big, PROTO_CMD_MAX + 1);
	rebuild(&y, &x, STATE_CMD, &e);
	refused(&y, y.len, EINVAL);
	buf_reset(&e);
	record(&e, STATE_PID, big, 5);
	rebuild(&y, &x, STATE_PID, &e);
	refused(&y, y.len, EINVAL);
	buf_reset(&e);
	wire_put_u32(&e, STATE_SCREEN);
	wire_put_u32(&e, STATE_SCREEN_MAX + 1);
	rebuild(&y, &x, STATE_SCREEN, &e);
	assert_non_null(strstr(refused(&y, y.len, EINVAL), "screen of"));
	buf_reset(&e);
	wire_put_u32(&e, STATE_SCREEN);
	wire_put_u32(&e, UINT32_MAX);
	rebuild(&y, &x, STATE_SCREEN, &e);
	refused(&y, y.len, EINVAL);
	buf_reset(&e);
	wire_put_u32(&e, STATE_SCREEN);
	wire_put_u32(&e, 100);
	buf_add(&e, big, 99);
	rebuild(&y, &x, STATE_SCREEN, &e);
	assert_non_null(strstr(refused(&y, y.len, EINVAL), "cut short"));

	/* Bytes after the last record. */
	buf_reset(&y);
	buf_add(&y, x.data, x.len);
	buf_add(&y, "\0\0\0", 3);
	refused(&y, y.len, EINVAL);

	/* Values no session has. */
	buf_reset(&e);
	record(&e, STATE_NAME, ".hidden", 7);
	rebuild(&y, &x, STATE_NAME, &e);
	assert_string_equal(refused(&y, y.len, EINVAL), "not a session name");
	buf_reset(&e);
	record(&e, STATE_CMD, "a\0b", 3);
	rebuild(&y, &x, STATE_CMD, &e);
	assert_string_equal(refused(&y, y.len, EINVAL), "command holds a NUL");
	buf_reset(&e);
	record(&e, STATE_SIZE, "\0\0\0\x50", 4);
	rebuild(&y, &x, STATE_SIZE, &e);
	refused(&y, y.len, EINVAL);
	buf_reset(&e);
	record(&e, STATE_SIZE, "\x20\x01\0\x50", 4);
	rebuild(&y, &x, STATE_SIZE, &e);
	refused(&y, y.len, EINVAL);

	buf_free(&x);
	buf_free(&y);
	buf_free(&e);
}

static void
test_newer_version(void **state)
{
	struct buf	 x = { 0 };
	const char	*why;

	(void)state;
	small_state(&x);
	x.data[STATE_HEADER - 1] = STATE_VERSION + 1;
	why = refused(&x, x.len, ENOTSUP);
	assert_non_null(strstr(why, "newer"));
	x.data[STATE_HEADER - 1] = 0;
	refused(&x, x.len, EINVAL);
	x.data[0] = 'X';
	assert_string_equal(refused(&x, x.len, EINVAL), "not a sess state");
	buf_free(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recordings),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_full_scrollback),
		cmocka_unit_test(test_kept),
		cmocka_unit_test(test_save_twice),
		cmocka_unit_test(test_save_refuses),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_header_bytes),
		cmocka_unit_test(test_record_bytes),
		cmocka_unit_test(test_records_malformed),
		cmocka_unit_test(test_newer_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
