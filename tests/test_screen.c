/* The screen model: every cell, mode and the cursor survive a redraw into
 * a fresh model (on recorded programs and on random escape streams), and
 * the pieces one by one: wide and combining characters, colours, the
 * alternate screen, scroll regions, scrollback, resize, the libvterm
 * 0.1.4 defects the scanner mends, reset, dump and query replies. */
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
#include "mode.h"
#include "screen_priv.h"
#include "skim.h"
#include "utf8.h"
#include "util.h"

#define S(x)	x, sizeof(x) - 1


static void
feed(struct screen *s, const char *str)
{
	screen_input(s, str, strlen(str));
}

static void
show(const char *label, const char *p, size_t n)
{
	size_t	i;

	fprintf(stderr, "%s (%zu bytes): ", label, n);
	for (i = 0; i < n && i < 4000; i++) {
		if (p[i] == '\033')
			fputs("\\e", stderr);
		else if ((unsigned char)p[i] < 0x20)
			fprintf(stderr, "\\x%02x", (unsigned char)p[i]);
		else
			fputc(p[i], stderr);
	}
	fputc('\n', stderr);
}

/* The round trip, with what went in and the redraw shown on failure. */
static int
roundtrip(struct screen *a, int flags, int further, const char *input,
    size_t inlen)
{
	struct buf	 out = { 0 };
	int		 bad;

	if ((bad = screen_roundtrip(a, flags, further, &out)) != 0) {
		fprintf(stderr, "differ %s\n", screen_why);
		if (input != NULL)
			show("input", input, inlen);
		show("redraw", out.data, out.len);
	}
	buf_free(&out);
	return bad;
}

static struct screen *
model(int rows, int cols, const char *str)
{
	struct screen	*s = screen_new(rows, cols);

	assert_non_null(s);
	feed(s, str);
	return s;
}

static const struct cell *
at(struct screen *s, int r, int c)
{
	return &grid_row(screen_grid(s), r)->cells[c];
}

static void
row_text(struct screen *s, struct grid *g, int r, char *out, size_t size)
{
	const struct row	*row = grid_row(g, r);
	size_t			 n = 0;
	int			 c;
	uint32_t		 ch;

	for (c = 0; c < g->cols && n + 5 < size; c++) {
		ch = row->cells[c].ch;
		if (ch == CELL_TAIL)
			continue;
		if (CELL_ISCOMB(ch))
			ch = comb_get(&s->comb, ch)[0];
		n += utf8_put(out + n, ch == 0 ? ' ' : ch);
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

static void
assert_row(struct screen *s, int r, const char *want)
{
	char	got[1024];

	row_text(s, screen_grid(s), r, got, sizeof got);
	assert_string_equal(got, want);
}

static void
test_roundtrip_random(void **state)
{
	struct screen	*a;
	struct buf	 in = { 0 };
	int		 seed, i, n, rows, cols, failures = 0;
	size_t		 off, cut;

	(void)state;
	for (seed = 1; seed <= 3000 && failures < 3; seed++) {
		rng_state = 0x9e3779b97f4a7c15ull * (uint64_t)seed;
		rows = 2 + pick(30);
		cols = 2 + pick(100);
		n = 1 + pick(60);
		buf_reset(&in);
		for (i = 0; i < n; i++)
			streams_item(&in, rows, cols);
		a = screen_new(rows, cols);
		/* Fed in random pieces: no sequence may care where a read
		 * ended. */
		for (off = 0; off < in.len; off += cut) {
			cut = 1 + (size_t)pick(40);
			if (cut > in.len - off)
				cut = in.len - off;
			screen_input(a, in.data + off, cut);
		}
		if (roundtrip(a, 0, 1, in.data, in.len)) {
			fprintf(stderr, "seed %d (%dx%d)\n", seed, rows, cols);
			failures++;
		}
		screen_free(a);
	}
	buf_free(&in);
	assert_int_equal(failures, 0);
}

/* The same stream fed whole and byte by byte gives the same screen. */
static void
test_split_anywhere(void **state)
{
	struct screen	*a, *b;
	struct buf	 in = { 0 };
	int		 seed, i;
	size_t		 off;

	(void)state;
	for (seed = 1; seed <= 300; seed++) {
		rng_state = 0x1234567ull * (uint64_t)seed;
		buf_reset(&in);
		for (i = 0; i < 40; i++)
			streams_item(&in, 10, 30);
		a = screen_new(10, 30);
		b = screen_new(10, 30);
		screen_input(a, in.data, in.len);
		for (off = 0; off < in.len; off++)
			screen_input(b, in.data + off, 1);
		if (screen_differs(a, b) == 1) {
			fprintf(stderr, "seed %d: %s\n", seed, screen_why);
			show("input", in.data, in.len);
			fail();
		}
		screen_free(a);
		screen_free(b);
	}
	buf_free(&in);
}

static int
roundtrip_check(struct screen *a, int at_end)
{
	return roundtrip(a, 0, at_end, NULL, 0);
}

/* Recordings of real programs: the round trip holds at every point
 * where a read could have ended, sampled. */
static void
test_roundtrip_recordings(void **state)
{
	(void)state;
	assert_int_equal(streams_replay(50, roundtrip_check), 0);
}

static void
test_wide_and_combining(void **state)
{
	struct screen	*s;
	const uint32_t	*cp;

	(void)state;
	s = model(4, 10, "a\xe4\xb8\xad" "b" "e\xcc\x81\xcc\x82" "c");
	assert_int_equal(at(s, 0, 1)->ch, 0x4e2d);
	assert_true(at(s, 0, 1)->attr & A_WIDE);
	assert_int_equal(at(s, 0, 2)->ch, CELL_TAIL);
	assert_int_equal(at(s, 0, 3)->ch, 'b');
	assert_true(CELL_ISCOMB(at(s, 0, 4)->ch));
	cp = comb_get(&s->comb, at(s, 0, 4)->ch);
	assert_int_equal(cp[0], 'e');
	assert_int_equal(cp[1], 0x301);
	assert_int_equal(cp[2], 0x302);
	assert_int_equal(at(s, 0, 5)->ch, 'c');
	assert_int_equal(s->ccol, 6);
	/* Overwriting half a wide character blanks the other half. */
	feed(s, "\033[1;3Hx");
	assert_int_equal(at(s, 0, 1)->ch, 0);
	assert_int_equal(at(s, 0, 2)->ch, 'x');
	/* A wide character does not fit the last column: it wraps. */
	feed(s, "\033[2;10H\xe4\xb8\xad");
	assert_int_equal(at(s, 2, 0)->ch, 0x4e2d);
	assert_false(roundtrip(s, 0, 1, NULL, 0));
	screen_free(s);
}

static void
test_colours(void **state)
{
	struct screen	*s;

	(void)state;
	s = model(4, 20, "\033[38;2;1;2;3;48;5;200ma\033[31;102mb"
	    "\033[1;3;4;5;7;9mc\033[0;2;8md\033[0;21me\033[0;4:3mf\033[mg");
	assert_int_equal(at(s, 0, 0)->fg, COL_RGB | 0x010203);
	assert_int_equal(at(s, 0, 0)->bg, COL_INDEXED | 200);
	assert_int_equal(at(s, 0, 1)->fg, COL_INDEXED | 1);
	assert_int_equal(at(s, 0, 1)->bg, COL_INDEXED | 10);
	assert_int_equal(at(s, 0, 2)->attr, A_BOLD | A_ITALIC |
	    (1 << A_ULSHIFT) | A_BLINK | A_REVERSE | A_STRIKE);
	assert_int_equal(at(s, 0, 3)->attr, A_DIM | A_CONCEAL);
	assert_int_equal(at(s, 0, 4)->attr, 2 << A_ULSHIFT);
	assert_int_equal(at(s, 0, 5)->attr, 3 << A_ULSHIFT);
	assert_int_equal(at(s, 0, 6)->attr, 0);
	assert_int_equal(at(s, 0, 6)->fg, COL_DEFAULT);
	assert_false(roundtrip(s, 0, 1, NULL, 0));
	screen_free(s);
}

static void
test_altscreen(void **state)
{
	struct screen	*s;

	(void)state;
	s = model(5, 20, "primary one\r\nprimary two\033[?1049h\033[Halt");
	assert_int_equal(s->alt, 1);
	assert_row(s, 0, "alt");
	assert_false(roundtrip(s, 0, 1, NULL, 0));
	screen_free(s);

	s = model(5, 20, "primary one\r\nprimary two\033[?1049h\033[Halt");
	feed(s, "\033[?1049l");
	assert_int_equal(s->alt, 0);
	assert_row(s, 0, "primary one");
	assert_row(s, 1, "primary two");
	assert_int_equal(s->crow, 1);
	assert_int_equal(s->ccol, 11);
	screen_free(s);
}

static void
test_scroll_region(void **state)
{
	struct screen	*s;

	(void)state;
	s = model(5, 10, "1\r\n2\r\n3\r\n4\r\n5\033[2;4r\033[4;1H\nx");
	assert_row(s, 0, "1");
	assert_row(s, 1, "3");
	assert_row(s, 2, "4");
	assert_row(s, 3, "x");
	assert_row(s, 4, "5");
	/* Nothing from inside a region goes to scrollback. */
	assert_int_equal(s->hist.n, 0);
	feed(s, "\033[2;1H\033[L");
	assert_row(s, 1, "");
	assert_row(s, 2, "3");
	assert_row(s, 3, "4");
	assert_false(roundtrip(s, 0, 1, NULL, 0));
	screen_free(s);
}

static void
test_scrollback_bounds(void **state)
{
	struct screen	*s;
	struct buf	 in = { 0 }, out = { 0 };
	int		 i;

	(void)state;
	s = model(3, 20, "");
	for (i = 0; i < SCROLLBACK_LINES + 50; i++)
		buf_addf(&in, "line %d\r\n", i);
	screen_input(s, in.data, in.len);
	assert_int_equal(s->hist.n, SCROLLBACK_LINES);
	assert_true(s->hist.bytes <= SCROLLBACK_BYTES);
	assert_int_equal(screen_dump(s, SCREEN_SCROLLBACK, &out), 0);
	assert_memory_equal(out.data, "line 48\n", 8);
	assert_non_null(strstr(out.data, "\nline 10049\n"));
	assert_null(strstr(out.data, "\nline 47\n"));
	buf_free(&out);
	screen_free(s);

	/* The byte budget: long coloured lines. */
	s = model(3, 400, "");
	buf_reset(&in);
	for (i = 0; i < 400; i++)
		buf_addf(&in, "\033[3%dm%c", i % 8, 'a' + i % 26);
	buf_adds(&in, "\r\n");
	for (i = 0; i < 2000; i++)
		screen_input(s, in.data, in.len);
	assert_true(s->hist.n < 2000);
	assert_true(s->hist.bytes <= SCROLLBACK_BYTES);
	assert_true(s->hist.bytes > SCROLLBACK_BYTES / 2);
	buf_free(&in);
	screen_free(s);
}

static void
test_resize(void **state)
{
	struct screen	*s;

	(void)state;
	s = model(4, 20, "one\r\ntwo\r\nthree\r\nfour\r\nfive\r\nsix");
	assert_int_equal(s->hist.n, 2);
	assert_row(s, 0, "three");
	/* Taller: lines come back from scrollback, the cursor stays with
	 * its line. */
	screen_resize(s, 6, 20);
	assert_int_equal(s->hist.n, 0);
	assert_row(s, 0, "one");
	assert_row(s, 5, "six");
	assert_int_equal(s->crow, 5);
	assert_int_equal(s->ccol, 3);
	assert_false(roundtrip(s, 0, 0, NULL, 0));
	/* Narrower keeps the text beyond the edge in the model. */
	feed(s, "\033[1;1Habcdefghijklmnop");
	screen_resize(s, 6, 8);
	assert_row(s, 0, "abcdefgh");
	assert_false(roundtrip(s, 0, 0, NULL, 0));
	screen_resize(s, 6, 20);
	assert_row(s, 0, "abcdefghijklmnop");
	/* Shorter: the cursor's line stays on screen, rows above it go to
	 * scrollback. */
	feed(s, "\033[6;1Hbottom");
	screen_resize(s, 2, 20);
	assert_row(s, 1, "bottom");
	assert_int_equal(s->crow, 1);
	assert_true(s->hist.n >= 4);
	/* Shorter with the cursor at the top: blank rows go first. */
	screen_free(s);
	s = model(10, 20, "\033[Htop");
	screen_resize(s, 5, 20);
	assert_row(s, 0, "top");
	assert_int_equal(s->hist.n, 0);
	assert_false(roundtrip(s, 0, 1, NULL, 0));
	screen_free(s);
}

static struct buf replies;

static void
on_reply(const char *p, size_t n, void *arg)
{
	(void)arg;
	buf_add(&replies, p, n);
}

/* libvterm's own answer to a query, the model's scanner passed by. */
static void
vt_ask(struct screen *s, const char *q, char *out, size_t size)
{
	size_t	n;

	buf_reset(&replies);
	screen_set_reply(s, on_reply, NULL);
	vterm_input_write(s->vt, q, strlen(q));
	screen_set_reply(s, NULL, NULL);
	n = replies.len < size - 1 ? replies.len : size - 1;
	memcpy(out, replies.data, n);
	out[n] = '\0';
}

/* libvterm 0.1.4 applies only the first mode of a list. */
static void
test_decset_split(void **state)
{
	struct screen	*s;
	char		 r[64];

	(void)state;
	s = model(5, 20, "\033[?1000;1006;2004h");
	assert_int_equal(s->m.mouse, 1000);
	assert_int_equal(s->m.mouse_enc, 1006);
	assert_int_equal(s->m.paste, 1);
	/* libvterm itself got all three. */
	vt_ask(s, "\033[?2004$p", r, sizeof r);
	assert_string_equal(r, "\033[?2004;1$y");
	vt_ask(s, "\033[?1006$p", r, sizeof r);
	assert_string_equal(r, "\033[?1006;1$y");
	feed(s, "\033[?1000;2004l");
	assert_int_equal(s->m.mouse, 0);
	assert_int_equal(s->m.paste, 0);
	screen_free(s);
}

static void
test_osc_split(void **state)
{
	struct screen	*s;

	(void)state;
	s = model(5, 20, "\033]2;my ti");
	assert_null(s->title);
	feed(s, "tle\007after");
	assert_string_equal(s->title, "my title");
	assert_row(s, 0, "after");
	feed(s, "\033]0;one\033");
	feed(s, "\\\033]7;file://host/tmp\033\\");
	assert_string_equal(s->title, "one");
	assert_string_equal(s->icon, "one");
	assert_string_equal(s->cwd, "file://host/tmp");
	/* APC strings are swallowed, not printed. */
	feed(s, "\033[2;1H\033_Gpayload\033\\z");
	assert_row(s, 1, "z");
	screen_free(s);
}

static void
test_tracked_modes(void **state)
{
	struct screen	*s;

	(void)state;
	s = model(5, 20, "\033[?1h\033=\033[?1004h\033[?1007h\033[>1u\033[>5u"
	    "\033[>4;2m\033[?2026h\033[?25l\033[4 q");
	assert_int_equal(s->m.ckm, 1);
	assert_int_equal(s->m.keypad, 1);
	assert_int_equal(s->m.focus, 1);
	assert_int_equal(s->m.altscroll, 1);
	assert_int_equal(screen_kitty(s, 0), 5);
	assert_int_equal(s->m.nkitty[0], 3);
	assert_int_equal(s->m.mok, 2);
	assert_int_equal(s->m.sync, 1);
	assert_int_equal(s->m.visible, 0);
	assert_int_equal(s->m.shape, VTERM_PROP_CURSORSHAPE_UNDERLINE);
	assert_int_equal(s->m.blink, 0);
	assert_false(roundtrip(s, 0, 0, NULL, 0));
	feed(s, "\033[<u");
	assert_int_equal(screen_kitty(s, 0), 1);
	feed(s, "\033[=8;2u");
	assert_int_equal(screen_kitty(s, 0), 9);
	feed(s, "\033[<5u");
	assert_int_equal(screen_kitty(s, 0), 0);
	/* The alternate screen has a stack of its own. */
	feed(s, "\033[>3u\033[?1049h\033[>7u");
	assert_int_equal(screen_kitty(s, 1), 7);
	assert_int_equal(screen_kitty(s, 0), 3);
	assert_false(roundtrip(s, 0, 1, NULL, 0));
	screen_free(s);
}

static void
test_reset(void **state)
{
	struct screen	*s;
	struct buf	 b = { 0 };

	(void)state;
	s = model(5, 20, "");
	assert_int_equal(screen_reset(s, &b), 0);
	buf_add(&b, "", 1);
	assert_null(strstr(b.data, "?1049l"));
	assert_null(strstr(b.data, "23;0t"));
	assert_non_null(strstr(b.data, "\033[?25h"));
	buf_reset(&b);

	feed(s, "\033[?1002h\033[?1006h\033[?2004h\033[?1004h\033[>1u"
	    "\033[>4;1m\033[?1h\033=\033]2;t\a\033[2;4r\033[?1049h\033[?25l");
	assert_int_equal(screen_reset(s, &b), 0);
	buf_add(&b, "", 1);
	assert_non_null(strstr(b.data, "\033[?1002l"));
	assert_non_null(strstr(b.data, "\033[?1006l"));
	assert_non_null(strstr(b.data, "\033[?2004l"));
	assert_non_null(strstr(b.data, "\033[?1004l"));
	assert_non_null(strstr(b.data, "\033[<1u"));
	assert_non_null(strstr(b.data, "\033[>4m"));
	assert_non_null(strstr(b.data, "\033[?1l"));
	assert_non_null(strstr(b.data, "\033>"));
	assert_non_null(strstr(b.data, "\033[m"));
	assert_non_null(strstr(b.data, "\033[?1049l"));
	assert_non_null(strstr(b.data, "\033[?25h"));
	assert_non_null(strstr(b.data, "\033[23;0t"));
	assert_non_null(strstr(b.data, "\033[r"));

	/* Undoing on a model leaves nothing switched on. */
	{
		struct screen	*t = screen_new(5, 20);
		struct buf	 r = { 0 };

		feed(t, "\033[?1002h\033[?1006h\033[?2004h\033[?1004h\033[>1u"
		    "\033[>4;1m\033[?1h\033=\033[2;4r\033[?1049h\033[?25l");
		screen_reset(t, &r);
		screen_input(t, r.data, r.len);
		assert_int_equal(t->m.mouse, 0);
		assert_int_equal(t->m.mouse_enc, 0);
		assert_int_equal(t->m.paste, 0);
		assert_int_equal(t->m.focus, 0);
		assert_int_equal(screen_kitty(t, 0), 0);
		assert_int_equal(t->m.mok, 0);
		assert_int_equal(t->m.ckm, 0);
		assert_int_equal(t->m.keypad, 0);
		assert_int_equal(t->alt, 0);
		assert_int_equal(t->m.visible, 1);
		buf_free(&r);
		screen_free(t);
	}
	buf_free(&b);
	screen_free(s);
}

static void
test_dump(void **state)
{
	struct screen	*s;
	struct buf	 b = { 0 };

	(void)state;
	s = model(3, 10, "old\r\n\033[31mred\033[m  \r\nplain\r\n\xe4\xb8\xad!");
	assert_int_equal(screen_dump(s, 0, &b), 0);
	buf_add(&b, "", 1);
	assert_string_equal(b.data, "red\nplain\n\xe4\xb8\xad!\n");
	buf_reset(&b);
	screen_dump(s, SCREEN_SCROLLBACK, &b);
	buf_add(&b, "", 1);
	assert_string_equal(b.data, "old\nred\nplain\n\xe4\xb8\xad!\n");
	buf_reset(&b);
	screen_dump(s, SCREEN_ATTRS, &b);
	buf_add(&b, "", 1);
	assert_string_equal(b.data, "\033[31mred\033[39m\nplain\n\xe4\xb8\xad!\n");
	buf_reset(&b);
	/* The alternate screen when it is up. */
	feed(s, "\033[?1049h\033[Hvi");
	screen_dump(s, 0, &b);
	buf_add(&b, "", 1);
	assert_string_equal(b.data, "vi\n\n\n");
	buf_free(&b);
	screen_free(s);
}

static void
test_replies(void **state)
{
	struct screen	*s;

	(void)state;
	s = model(24, 80, "");
	screen_set_reply(s, on_reply, NULL);
	buf_reset(&replies);
	feed(s, "\033[c");
	assert_true(replies.len > 3 && memcmp(replies.data, "\033[?", 3) == 0);
	buf_reset(&replies);
	feed(s, "\033[>c");
	assert_true(replies.len > 3 && memcmp(replies.data, "\033[>", 3) == 0);
	buf_reset(&replies);
	feed(s, "\033[5n");
	assert_int_equal(replies.len, 4);
	assert_memory_equal(replies.data, "\033[0n", 4);
	buf_reset(&replies);
	feed(s, "\033[5;17Hab\033[6n");
	assert_int_equal(replies.len, 7);
	assert_memory_equal(replies.data, "\033[5;19R", 7);
	buf_reset(&replies);
	feed(s, "\033[?2004h\033[?2004$p\033[?1007$p\033[?1049$p\033[4$p");
	buf_add(&replies, "", 1);
	assert_string_equal(replies.data,
	    "\033[?2004;1$y\033[?1007;2$y\033[?1049;2$y\033[4;2$y");
	buf_reset(&replies);
	/* Many queries at once: none is lost. */
	{
		int	i;

		for (i = 0; i < 100; i++)
			feed(s, "\033[6n");
		assert_int_equal(replies.len, 100 * 7);
	}
	buf_reset(&replies);
	feed(s, "\033P$qm\033\\");
	assert_true(replies.len > 4);
	buf_free(&replies);
	screen_free(s);
}

/* A model copied out: the struct itself (every field, the scanner's
 * and the scrollback's included) and the cells of both screens. */
struct snap {
	unsigned char	 top[sizeof(struct screen)];
	int		 margins[4];
	struct buf	 cells;
};

static void
snap_take(const struct screen *s, struct snap *k)
{
	const struct row	*row;
	int			 g, r;

	memset(k, 0, sizeof *k);
	memcpy(k->top, s, sizeof *s);
	screen_margins(s, &k->margins[0], &k->margins[1], &k->margins[2],
	    &k->margins[3]);
	for (g = 0; g < 2; g++) {
		for (r = 0; r < s->g[g].rows; r++) {
			row = grid_row(&s->g[g], r);
			buf_add(&k->cells, row->cells,
			    (size_t)s->g[g].cols * sizeof *row->cells);
			buf_add(&k->cells, &row->flags, sizeof row->flags);
		}
	}
}

static void
snap_same(const struct snap *a, const struct snap *b)
{
	assert_memory_equal(a->top, b->top, sizeof a->top);
	assert_memory_equal(a->margins, b->margins, sizeof a->margins);
	assert_int_equal(a->cells.len, b->cells.len);
	assert_memory_equal(a->cells.data, b->cells.data, a->cells.len);
}

/* Redraw, reset and dump only read: on random streams the model is the
 * same after all of them, a second redraw is the same bytes as the
 * first, and that redraw still makes the same screen in a fresh model.
 * They take a const screen, so the compiler holds them to it too. */
static void
test_serializers_read_only(void **state)
{
	struct screen		*a, *b;
	const struct screen	*ca;
	struct snap		 before, after;
	struct buf		 in = { 0 }, r1 = { 0 }, r2 = { 0 }, x = { 0 };
	int			 seed, i, rows, cols;

	(void)state;
	for (seed = 1; seed <= 500; seed++) {
		rng_state = 0x51ed270b27b3e2d5ull * (uint64_t)seed;
		rows = 2 + pick(20);
		cols = 4 + pick(60);
		buf_reset(&in);
		for (i = 1 + pick(60); i > 0; i--)
			streams_item(&in, rows, cols);
		a = screen_new(rows, cols);
		screen_input(a, in.data, in.len);
		ca = a;
		snap_take(ca, &before);
		buf_reset(&r1);
		buf_reset(&r2);
		buf_reset(&x);
		assert_int_equal(screen_redraw(ca, SCREEN_SCROLLBACK, &r1), 0);
		assert_int_equal(screen_dump(ca, SCREEN_SCROLLBACK |
		    SCREEN_ATTRS, &x), 0);
		assert_int_equal(screen_reset(ca, &x), 0);
		assert_int_equal(screen_redraw(ca, 0, &x), 0);
		assert_int_equal(screen_redraw(ca, SCREEN_SCROLLBACK, &r2), 0);
		snap_take(ca, &after);
		snap_same(&before, &after);
		assert_int_equal(r1.len, r2.len);
		assert_memory_equal(r1.data, r2.data, r1.len);
		b = screen_new(rows, cols);
		screen_input(b, r1.data, r1.len);
		if (screen_differs(a, b) == 1) {
			fprintf(stderr, "seed %d: %s\n", seed, screen_why);
			show("input", in.data, in.len);
			fail();
		}
		buf_free(&before.cells);
		buf_free(&after.cells);
		screen_free(a);
		screen_free(b);
	}
	buf_free(&in);
	buf_free(&r1);
	buf_free(&r2);
	buf_free(&x);
}

static void
assert_margins(const struct screen *s, int top, int bot, int left,
    int right)
{
	int	m[4];

	screen_margins(s, &m[0], &m[1], &m[2], &m[3]);
	assert_int_equal(m[0], top);
	assert_int_equal(m[1], bot);
	assert_int_equal(m[2], left);
	assert_int_equal(m[3], right);
}

/* The margins the model keeps, and a redraw into a fresh model that
 * gives them back: libvterm scrolls both the same afterwards. */
static void
test_margins_roundtrip(void **state)
{
	static const struct {
		const char	*in;
		int		 top, bot, left, right;
	} cases[] = {
		{ "", 0, 10, 0, 30 },
		{ "\033[3;7r", 2, 7, 0, 30 },
		{ "\033[3r", 2, 10, 0, 30 },
		{ "\033[;4r", 0, 4, 0, 30 },
		{ "\033[1;10r", 0, 10, 0, 30 },
		{ "\033[7;3r", 0, 10, 0, 30 },		/* empty: none */
		{ "\033[3;99r", 2, 10, 0, 30 },
		{ "\033[?69h\033[5;20s", 0, 10, 4, 20 },
		{ "\033[?69h\033[5;20s\033[2;6r", 1, 6, 4, 20 },
		/* Kept while ?69 is off, in force again when it is on. */
		{ "\033[?69h\033[5;20s\033[?69l", 0, 10, 0, 30 },
		{ "\033[?69h\033[5;20s\033[?69l\033[?69h", 0, 10, 4, 20 },
		{ "\033[5;20s\033[?69h", 0, 10, 4, 20 },
		{ "\033[?69h\033[5;20s\033[s", 0, 10, 0, 30 },
		{ "\033[?69h\033[20;5s", 0, 10, 0, 30 },
		{ "\033[3;7r\033c", 0, 10, 0, 30 },
		{ "\033[3;7r\033[!p", 0, 10, 0, 30 },
		{ "\033[3;7r\033[?6h\033[?69h\033[2;9s", 2, 7, 1, 9 },
		{ "\033[3;7r\033[?1049h", 2, 7, 0, 30 },
	};
	const char	*after = "\033[7;1H\n\n\nx\033[2;1H\033[M\033[L\033[@y";
	struct screen	*a, *b;
	struct buf	 out = { 0 };
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		a = model(10, 30, cases[i].in);
		assert_margins(a, cases[i].top, cases[i].bot, cases[i].left,
		    cases[i].right);
		buf_reset(&out);
		assert_int_equal(screen_redraw(a, 0, &out), 0);
		b = model(10, 30, "");
		screen_input(b, out.data, out.len);
		assert_margins(b, cases[i].top, cases[i].bot, cases[i].left,
		    cases[i].right);
		feed(a, after);
		feed(b, after);
		if (screen_differs(a, b) == 1) {
			fprintf(stderr, "case %zu: %s\n", i, screen_why);
			fail();
		}
		screen_free(a);
		screen_free(b);
	}
	/* A resize bounds a region that was set, and one at the edge
	 * follows it. */
	a = model(10, 30, "\033[2;9r");
	screen_resize(a, 6, 30);
	assert_margins(a, 1, 6, 0, 30);
	screen_resize(a, 12, 30);
	assert_margins(a, 1, 6, 0, 30);
	screen_free(a);
	a = model(10, 30, "\033[2r");
	screen_resize(a, 12, 30);
	assert_margins(a, 1, 12, 0, 30);
	assert_false(roundtrip(a, 0, 1, NULL, 0));
	screen_free(a);
	buf_free(&out);
}

/* A shrink leaves the cursor, a saved cursor and the margins on the
 * screen: text after it lands in the cells, and libvterm is not left
 * with a region it cannot scroll. */
static void
test_resize_shrink(void **state)
{
	struct screen	*s;

	(void)state;
	/* Rows under the cursor that are not blank go. */
	s = model(22, 40, "a\r\nb\r\nc\r\nd\033[H");
	screen_resize(s, 2, 30);
	assert_int_equal(s->crow, 0);
	feed(s, "xyz");
	assert_row(s, 0, "xyz");
	assert_false(roundtrip(s, 0, 1, NULL, 0));
	screen_free(s);

	/* A region below the new bottom is none, in libvterm too. */
	s = model(24, 40, "\033[20;24r\033[24;1H");
	screen_resize(s, 10, 40);
	assert_margins(s, 0, 10, 0, 40);
	feed(s, "\033[10;1H\n\n\033[Mq\033[1;1H\033[L\033[1;1Hp");
	assert_row(s, 0, "p");
	assert_false(roundtrip(s, 0, 1, NULL, 0));
	screen_free(s);
	s = model(10, 40, "\033[?69h\033[30;40s");
	screen_resize(s, 10, 20);
	assert_margins(s, 0, 10, 0, 20);
	feed(s, "\033[1;1H\033[@x");
	assert_false(roundtrip(s, 0, 1, NULL, 0));
	screen_free(s);

	/* A cursor saved below the new bottom comes back to it. */
	s = model(24, 40, "\033[20;30H\0337\033[H");
	screen_resize(s, 5, 20);
	feed(s, "\0338");
	assert_int_equal(s->crow, 4);
	assert_int_equal(s->ccol, 19);
	feed(s, "w");
	assert_false(roundtrip(s, 0, 1, NULL, 0));
	screen_free(s);
	s = model(24, 40, "\033[20;30H\033[?1049h");
	screen_resize(s, 5, 20);
	feed(s, "\033[?1049l\033[?1049l");
	assert_true(s->crow < 5 && s->ccol < 20);
	feed(s, "v");
	assert_false(roundtrip(s, 0, 1, NULL, 0));
	screen_free(s);
}

/* Random streams with resizes between the reads: the cursor stays on
 * the screen, where the next text lands. */
static void
test_resize_random(void **state)
{
	struct screen	*a;
	struct buf	 in = { 0 };
	int		 seed, i, rows, cols;

	(void)state;
	for (seed = 1; seed <= 1000; seed++) {
		rng_state = 0x2f0b5d3c91e1a7f3ull * (uint64_t)seed;
		rows = 2 + pick(30);
		cols = 4 + pick(80);
		a = screen_new(rows, cols);
		for (i = 1 + pick(40); i > 0; i--) {
			buf_reset(&in);
			streams_item(&in, rows, cols);
			screen_input(a, in.data, in.len);
			if (pick(4) == 0) {
				rows = 1 + pick(30);
				cols = 2 + pick(80);
				screen_resize(a, rows, cols);
			}
			if (a->crow < 0 || a->crow >= a->rows ||
			    a->ccol < 0 || a->ccol >= a->cols) {
				fprintf(stderr, "seed %d: cursor %d,%d on "
				    "%dx%d\n", seed, a->crow, a->ccol,
				    a->rows, a->cols);
				fail();
			}
		}
		screen_free(a);
	}
	buf_free(&in);
}

/* Every mode of the table: a program's set is what DECRQM reports, a
 * redraw makes it again, a reset undoes it, and so does the reset the
 * client sends when it does not know the modes, for those it covers. */
static void
test_mode_table(void **state)
{
	const struct mode	*e;
	struct screen		*a, *b;
	struct buf		 in = { 0 }, out = { 0 };
	char			 want[32];
	size_t			 i;
	int			 n;

	(void)state;
	for (i = 0; i < mode_count; i++) {
		e = &mode_table[i];
		if (e->phase == MODE_OWN)
			continue;
		buf_reset(&in);
		mode_put(&in, e, !e->def);
		a = model(5, 20, "");
		screen_input(a, in.data, in.len);
		assert_int_equal(mode_on(&a->m, e), !e->def);

		buf_reset(&replies);
		screen_set_reply(a, on_reply, NULL);
		buf_reset(&in);
		buf_addf(&in, "\033[%s%d$p", e->dec ? "?" : "", e->num);
		screen_input(a, in.data, in.len);
		screen_set_reply(a, NULL, NULL);
		n = snprintf(want, sizeof want, "\033[%s%d;%d$y",
		    e->dec ? "?" : "", e->num, e->def ? 2 : 1);
		assert_int_equal(replies.len, (size_t)n);
		assert_memory_equal(replies.data, want, (size_t)n);

		assert_false(roundtrip(a, 0, 1, NULL, 0));

		buf_reset(&out);
		assert_int_equal(screen_redraw(a, 0, &out), 0);
		b = model(5, 20, "");
		screen_input(b, out.data, out.len);
		assert_int_equal(mode_on(&b->m, e), !e->def);
		buf_reset(&out);
		assert_int_equal(screen_reset(a, &out), 0);
		screen_input(b, out.data, out.len);
		assert_int_equal(mode_field(&b->m, e), e->def);
		screen_free(b);

		if (e->phase == MODE_INPUT || e->phase == MODE_CURSOR) {
			buf_reset(&out);
			assert_int_equal(screen_reset_any(&out), 0);
			screen_input(a, out.data, out.len);
			assert_int_equal(mode_field(&a->m, e), e->def);
		}
		screen_free(a);
	}
	buf_free(&replies);
	buf_free(&in);
	buf_free(&out);
}

/* A long run of text through the short way and through libvterm gives
 * the same cells. */
static void
test_fast_path(void **state)
{
	struct screen	*a;
	int		 i;

	(void)state;
	a = model(5, 10, "");
	for (i = 0; i < 7; i++)
		feed(a, "0123456789abcdefghijklmnopqrstuvwxyz\r\n");
	assert_row(a, 0, "0123456789");
	assert_row(a, 3, "uvwxyz");
	assert_row(a, 4, "");
	assert_true(grid_row(screen_grid(a), 0)->flags & ROW_WRAPPED);
	assert_true(grid_row(screen_grid(a), 2)->flags & ROW_WRAPPED);
	assert_false(grid_row(screen_grid(a), 3)->flags & ROW_WRAPPED);
	assert_false(roundtrip(a, 0, 0, NULL, 0));
	assert_false(roundtrip(a, 0, 1, NULL, 0));
	screen_free(a);
	/* Insert mode and the line-drawing set go through libvterm. */
	a = model(2, 10, "abc\033[4h\033[1;1HXY\033[4l\033(0qq\033(Bqq");
	assert_row(a, 0, "XY\xe2\x94\x80\xe2\x94\x80" "qq");
	assert_false(roundtrip(a, 0, 1, NULL, 0));
	screen_free(a);
}

static void
test_scrollback_redraw(void **state)
{
	struct screen	*s;
	struct buf	 b = { 0 };

	(void)state;
	s = model(3, 10, "one\r\ntwo\r\nthree\r\nfour");
	assert_int_equal(screen_redraw(s, SCREEN_SCROLLBACK, &b), 0);
	buf_add(&b, "", 1);
	assert_non_null(strstr(b.data, "one\r\n"));
	assert_false(roundtrip(s, SCREEN_SCROLLBACK, 1, NULL, 0));
	buf_free(&b);
	screen_free(s);
}

/* Input that makes libvterm 0.1.4 loop for ever (REP with nothing to
 * repeat), move its cursor off the screen (C1 controls in UTF-8, whose
 * width is -1) or write past its arrays (a CSI of many parameters). */
static void
test_hostile(void **state)
{
	struct screen	*s;
	struct buf	 b = { 0 };
	int		 i;

	(void)state;
	s = model(5, 20, "\033[b\033[99999999999999b");
	feed(s, "ab\302\205\302\205\302\205c\302");
	feed(s, "\233x");
	assert_row(s, 0, "abcx");
	assert_int_equal(s->ccol, 4);
	buf_adds(&b, "\033[");
	for (i = 0; i < 100; i++)
		buf_adds(&b, "1;");
	buf_adds(&b, "31mred");
	screen_input(s, b.data, b.len);
	assert_row(s, 0, "abcxred");
	assert_true(at(s, 0, 4)->attr & A_BOLD);
	feed(s, "\033[999999999999;99999999999999999H\033[99999999999A"
	    "\033[99999999999@\033[9999999999L\033[99999999999999M");
	assert_int_equal(s->crow, 0);
	assert_int_equal(s->ccol, 19);
	feed(s, "\033[2;1Hxy\033[3b");
	assert_row(s, 1, "xyyyy");
	/* A long OSC is dropped whole, the text after it kept. */
	buf_reset(&b);
	buf_adds(&b, "\033]52;c;");
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "QUFB");
	buf_adds(&b, "\007\033[3;1Hafter");
	screen_input(s, b.data, b.len);
	assert_row(s, 2, "after");
	assert_false(roundtrip(s, 0, 1, NULL, 0));
	buf_free(&b);
	screen_free(s);
}

/* Double width and height lines: the attribute per row, the text on
 * them, a wide character across the middle, all through a redraw. */
static void
test_line_attrs(void **state)
{
	struct screen	*a;

	(void)state;
	a = model(6, 20, "\033#6wide line\r\n\033#3big\r\n\033#4big\r\n"
	    "0123456789\xe4\xb8\xad\033#6\r\n\033#5back to single");
	assert_int_equal(grid_row(screen_grid(a), 0)->flags & ROW_LINE, ROW_DWL);
	assert_int_equal(grid_row(screen_grid(a), 1)->flags & ROW_LINE,
	    ROW_DHLTOP);
	assert_int_equal(grid_row(screen_grid(a), 2)->flags & ROW_LINE,
	    ROW_DHLBOT);
	assert_int_equal(grid_row(screen_grid(a), 3)->flags & ROW_LINE, ROW_DWL);
	assert_int_equal(grid_row(screen_grid(a), 4)->flags & ROW_LINE, 0);
	assert_row(a, 0, "wide line");
	assert_row(a, 1, "big");
	assert_row(a, 4, "back to single");
	assert_int_equal(roundtrip(a, 0, 1, NULL, 0), 0);
	screen_free(a);
}

/* Line i of h is the cells in were (a blank that comes back is blank). */
static void
hist_check_line(const struct hist *h, size_t i, const struct cell *in,
    int line, struct comb *cb)
{
	struct cell	 out[40];
	int		 c;

	assert_true(hist_get(h, i, out, 40, cb) >= 0);
	for (c = 0; c < 40; c++) {
		if (in[c].ch == 0 && out[c].ch == ' ')
			out[c].ch = 0;
		if (memcmp(&in[c], &out[c], sizeof in[c]) != 0)
			fail_msg("line %d cell %d: ch %x/%x fg %x/%x "
			    "bg %x/%x attr %x/%x", line, c, in[c].ch,
			    out[c].ch, in[c].fg, out[c].fg, in[c].bg,
			    out[c].bg, in[c].attr, out[c].attr);
	}
}

#define HIST_KEPT	100

/* A scrolled-off line comes back from the history cell for cell: every
 * kind of colour and attribute, wide and combining characters, and the
 * trailing blanks trimmed only where they are blank; and so do all the
 * lines a full scrollback keeps while its blocks are let go and taken
 * again, many times over. */
static void
test_hist_roundtrip(void **state)
{
	static const uint32_t colours[] = { COL_DEFAULT, COL_INDEXED | 1,
		COL_INDEXED | 255, COL_RGB | 0x0a0b0c, COL_RGB | 0xffffff,
		COL_RGB };
	static const uint32_t chars[] = { 'a', ' ', 0x4e2d, 0xe9, 0x1f600,
		0 };
	static struct cell kept[HIST_KEPT][40];
	struct hist	 h;
	struct comb	 cb;
	struct cell	*in;
	uint32_t	 seq[COMB_CHARS] = { 'e', 0x301 };
	int		 line, c, ch, lines = 20 * HIST_KEPT;
	size_t		 i;

	(void)state;
	assert_int_equal(comb_init(&cb), 0);
	hist_init(&h, HIST_KEPT, 1 << 20);
	rng_state = 42;
	for (line = 0; line < lines; line++) {
		in = kept[line % HIST_KEPT];
		memset(in, 0, sizeof kept[0]);
		for (c = 0; c < 40; c++) {
			if (pick(4) == 0 && c > 0) {
				in[c] = in[c - 1];
				in[c].attr &= ~A_WIDE;
			} else {
				in[c].fg = colours[pick(6)];
				in[c].bg = colours[pick(6)];
				in[c].attr = (uint16_t)(rng() & A_PEN &
				    ~A_PROTECT);
			}
			ch = pick(7);
			if (ch == 6)
				in[c].ch = comb_add(&cb, seq, 2);
			else
				in[c].ch = chars[ch];
			if (ch == 2 || ch == 4) {
				if (c + 1 >= 40) {
					in[c].ch = 'w';
					continue;
				}
				in[c].attr |= A_WIDE;
				in[c + 1] = in[c];
				in[c + 1].ch = CELL_TAIL;
				in[c + 1].attr &= ~A_WIDE;
				c++;
			}
		}
		/* A blank end on the default background, sometimes (never
		 * half a wide character). */
		c = 40 - pick(10);
		if (c < 40 && in[c].ch == CELL_TAIL)
			c--;
		for (; line % 3 == 0 && c < 40; c++)
			memset(&in[c], 0, sizeof in[c]);
		if (in[39].attr & A_WIDE)
			memset(&in[39], 0, sizeof in[39]);
		hist_push(&h, in, 40, 0, &cb);
		hist_check_line(&h, h.n - 1, in, line, &cb);
	}
	assert_int_equal(h.n, HIST_KEPT);
	for (i = 0; i < h.n; i++) {
		line = lines - HIST_KEPT + (int)i;
		hist_check_line(&h, i, kept[line % HIST_KEPT], line, &cb);
	}
	hist_free(&h);
	comb_free(&cb);
}

/* A combining mark after a character in the last column joins it, and
 * the wrap still waits for the next character (libvterm 0.1.4 drops the
 * mark and wraps). */
static void
test_combining_last_column(void **state)
{
	struct screen	*a;
	const uint32_t	*cp;

	(void)state;
	a = model(3, 4, "abce\xcc\x81");
	assert_true(CELL_ISCOMB(at(a, 0, 3)->ch));
	cp = comb_get(&a->comb, at(a, 0, 3)->ch);
	assert_int_equal(cp[0], 'e');
	assert_int_equal(cp[1], 0x301);
	assert_int_equal(a->crow, 0);
	assert_int_equal(roundtrip(a, 0, 0, NULL, 0), 0);
	feed(a, "x");
	assert_row(a, 1, "x");
	screen_free(a);
}

/* skim_plain as its definition reads, a byte at a time. */
static size_t
skim_slow(const unsigned char *p, size_t n)
{
	size_t	 i = 0, j;
	int	 digits;

	while (i < n) {
		if (p[i] == 0x1b) {
			if (i + 1 >= n || p[i + 1] != '[')
				return i;
			digits = 1;
			for (j = i + 2; j < n && j - i < 64; j++) {
				if (p[j] >= '0' && p[j] <= '9')
					continue;
				if (p[j] != ';' && p[j] != ':')
					break;
				digits = 0;
			}
			if (j >= n || j - i >= 64 ||
			    (p[j] != 'm' && (p[j] != 'K' || !digits)))
				return i;
			i = j + 1;
			continue;
		}
		if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' &&
		    p[i] != '\t' && p[i] != '\b') || p[i] == 0x7f)
			return i;
		i++;
	}
	return i;
}

/* Plain items into p, up to size bytes, and now and then one that is
 * not; returns the length. */
static size_t
plain_items(unsigned char *p, size_t size)
{
	static const char	 param[] = "0123456789;:";
	size_t			 n = 0, len, i;

	while (n < size) {
		switch (pick(6)) {
		case 0:
		case 1:
			len = (size_t)pick(40);
			for (i = 0; i < len && n < size; i++)
				p[n++] = (unsigned char)(' ' + pick(95));
			break;
		case 2:
			p[n++] = (unsigned char)"\n\r\t\b"[pick(4)];
			break;
		case 3:
		case 4:
			/* ESC [ params final, some longer than 64. */
			len = (size_t)(pick(4) ? pick(12) : pick(70));
			if (n < size)
				p[n++] = 0x1b;
			if (n < size)
				p[n++] = '[';
			for (i = 0; i < len && n < size; i++)
				p[n++] = (unsigned char)param[pick(pick(2) ?
				    10 : 12)];
			if (n < size)
				p[n++] = (unsigned char)"mmmK"[pick(4)];
			break;
		default:
			if (pick(8) == 0)
				p[n++] = (unsigned char)"\a\177\033\016"[pick(4)];
			break;
		}
	}
	return n;
}

/* What counts as plain output, and which SGRs set the whole pen. */
/* Line feeds counted and found as a byte at a time would, wherever they
 * fall in the blocks the scan takes. */
static void
skim_lines_against_definition(void)
{
	char		 p[700];
	const char	*e;
	size_t		 n, i, k, seen;
	int		 round;

	rng_state = 11;
	for (round = 0; round < 2000; round++) {
		n = (size_t)pick((int)sizeof p);
		for (i = 0; i < n; i++)
			p[i] = pick(4) == 0 ? '\n' : (char)(' ' + pick(90));
		for (i = seen = 0; i < n; i++)
			seen += p[i] == '\n';
		assert_int_equal(skim_lines(p, n), seen);
		for (k = 0, i = 0; k <= seen; k++, i++) {
			while (i < n && p[i] != '\n')
				i++;
			e = skim_line_end(p, n, k);
			if (k == seen)
				assert_null(e);
			else
				assert_ptr_equal(e, p + i);
		}
	}
}

/* check under each width of vector the machine has, the widest last,
 * which the tests after it keep. */
static void
skim_each_vector(void (*check)(void))
{
	static const char *const name[] = { "bytes", "SSE2", "AVX2",
		"AVX-512" };
	char	 ran[64] = "";
	int	 v;

	for (v = SKIM_BYTES; v <= SKIM_AVX512; v++) {
		if (skim_vector_use((enum skim_vector)v) == 0) {
			check();
			strcat(ran, " ");
			strcat(ran, name[v]);
		}
	}
	print_message("checked with:%s\n", ran);
}

static void
test_skim_lines(void **state)
{
	(void)state;
	skim_each_vector(skim_lines_against_definition);
}

/* skim_plain against the definition, on short strings of the bytes that
 * matter, where a control falls anywhere in a stride, and on long runs
 * of whole items, sequences of every length up to past the longest
 * taken, across the scanner's blocks, sometimes ended by one byte. */
static void
skim_against_definition(void)
{
	static const char	 alpha[] = "ab\033[;0123m:K\n\r\t\b(\177\a"
	    "\303\377 ";
	unsigned char		 in[400];
	size_t			 n, i;
	int			 k;

	rng_state = 3;
	for (k = 0; k < 300000; k++) {
		n = (size_t)pick(160);
		for (i = 0; i < n; i++)
			in[i] = (unsigned char)alpha[pick(pick(3) ? 6 :
			    (int)sizeof alpha - 1)];
		if (skim_plain((const char *)in, n) != skim_slow(in, n)) {
			show("input", (const char *)in, n);
			fail();
		}
	}
	for (k = 0; k < 20000; k++) {
		n = plain_items(in, sizeof in);
		if (skim_plain((const char *)in, n) != skim_slow(in, n)) {
			show("input", (const char *)in, n);
			fail();
		}
	}
}

static void
test_skim(void **state)
{
	(void)state;
	skim_each_vector(skim_against_definition);
	assert_int_equal(skim_plain(S("abc\r\n\tx\by")), 9);
	assert_int_equal(skim_plain(S("caf\xc3\xa9 \xe4\xb8\xad")), 9);
	assert_int_equal(skim_plain(S("a\033[1;38;5;3mb\033[0mc\033[Kd")), 22);
	assert_int_equal(skim_plain(S("a\033[38:2::1:2:3mb\033[2Kc")), 21);
	assert_int_equal(skim_plain(S("ab\acd")), 2);
	assert_int_equal(skim_plain(S("ab\177")), 2);
	assert_int_equal(skim_plain(S("ab\016")), 2);
	assert_int_equal(skim_plain(S("ab\v")), 2);
	assert_int_equal(skim_plain(S("ab\033[?25l")), 2);
	assert_int_equal(skim_plain(S("ab\033[>4;1m")), 2);
	assert_int_equal(skim_plain(S("ab\033[1;2K")), 2);
	assert_int_equal(skim_plain(S("ab\033[2J")), 2);
	assert_int_equal(skim_plain(S("ab\033]0;t\a")), 2);
	assert_int_equal(skim_plain(S("ab\033(0q")), 2);
	/* A sequence the input ends in is not plain yet. */
	assert_int_equal(skim_plain(S("ab\033")), 2);
	assert_int_equal(skim_plain(S("ab\033[38;5")), 2);
	/* Eight bytes at a time, with the control anywhere in them. */
	assert_int_equal(skim_plain(S("0123456789abcdef\a")), 16);
	assert_int_equal(skim_plain(S("01234\a6789abcdef")), 5);
	assert_int_equal(skim_plain(S("0123456789a\177cdef")), 11);
	assert_int_equal(skim_plain(S("\xff\xfe\x80\x9f\xa0\xc3\xa9xyz\x1f")), 10);

	assert_true(skim_sgr_resets(S("\033[m")));
	assert_true(skim_sgr_resets(S("\033[0m")));
	assert_true(skim_sgr_resets(S("\033[0;31m")));
	assert_true(skim_sgr_resets(S("\033[;1m")));
	assert_false(skim_sgr_resets(S("\033[01m")));
	assert_false(skim_sgr_resets(S("\033[1;0m")));
	assert_false(skim_sgr_resets(S("\033[0;4:3m")));
	assert_false(skim_sgr_resets(S("\033[K")));

	assert_true(skim_partial(S("\033")));
	assert_true(skim_partial(S("\033[")));
	assert_true(skim_partial(S("\033[38;5:")));
	assert_false(skim_partial(S("\033]")));
	assert_false(skim_partial(S("\033[?")));
	assert_false(skim_partial(S("a")));
	assert_false(skim_partial(S("")));
}

/* A screen whose scrollback keeps this many lines and bytes. */
static struct screen *
screen_with_hist(int rows, int cols, size_t lines, size_t bytes)
{
	struct screen	*s = screen_new(rows, cols);

	assert_non_null(s);
	hist_free(&s->hist);
	hist_init(&s->hist, lines, bytes);
	return s;
}

/* Passing over the start of a flood leaves the model as feeding all of
 * it does: screen, scrollback, pen, modes, and what later input makes of
 * them, whatever came before the flood (modes, margins, the alternate
 * screen, a character set) and wherever the reads cut it. */
static void
test_skip_flood(void **state)
{
	static const size_t	 lines[] = { 0, 1, 7, 60, 400 };
	static const char	*breaks[] = { "\a", "\033[?25l", "\033]2;t\a",
		"\033[3;1H", "\033[2;4r", "\033[?1049h", "\033(0", "\016" };
	struct screen		*a, *b;
	struct buf		 pre = { 0 }, in = { 0 }, post = { 0 };
	struct buf		 ra = { 0 }, rb = { 0 };
	size_t			 off, cut, k, skipped, plain, held, nheld, nl;
	int			 seed, i, rows, cols, odds, lf, failures = 0;
	int			 hits = 0;

	(void)state;
	for (seed = 1; seed <= 160 && failures < 3; seed++) {
		rng_state = 0x2545f4914f6cdd1dull * (uint64_t)seed;
		rows = 2 + pick(12);
		cols = 4 + pick(100);
		buf_reset(&pre);
		buf_reset(&in);
		buf_reset(&post);
		for (i = pick(4) == 0 ? 0 : pick(30); i > 0; i--)
			streams_item(&pre, rows, cols);
		/* Colours in every line, every few hundred words (a pen
		 * that reset long before the cut), or so seldom that the
		 * pen the start of the flood left lasts to its end. */
		odds = (int[]){ 4, 4, 300, 20000 }[pick(4)];
		/* Lines that a raw terminal gets as they are: LF without CR,
		 * the cursor's column carried on. */
		lf = pick(5) == 0;
		while (in.len < 200 * 1024) {
			streams_plain_line(&in, cols, odds, lf);
			if (pick(5000) == 0)
				buf_adds(&in, breaks[pick(nitems(breaks))]);
		}
		for (i = 1 + pick(20); i > 0; i--)
			streams_item(&post, rows, cols);
		buf_adds(&post, "\033[3bz\033[b");

		k = lines[pick(nitems(lines))];
		i = pick(3) == 0 ? 4096 : SCROLLBACK_BYTES;
		a = screen_with_hist(rows, cols, k, (size_t)i);
		b = screen_with_hist(rows, cols, k, (size_t)i);
		screen_input(a, pre.data, pre.len);
		screen_input(b, pre.data, pre.len);

		screen_input(a, in.data, in.len);
		/* As the model's thread takes it: what came since it last
		 * looked, in reads of any size. */
		skipped = 0;
		held = nheld = 0;
		for (off = 0; off < in.len; off += cut) {
			cut = seed % 3 == 0 ? in.len :
			    1 + (size_t)pick(150 * 1024);
			if (cut > in.len - off)
				cut = in.len - off;
			plain = skim_plain(in.data + off, cut);
			/* Counted by the caller, or left to the screen. */
			nl = seed % 2 ? SCREEN_LINES_UNKNOWN :
			    skim_lines(in.data + off, plain);
			k = screen_skip(b, in.data + held, nheld,
			    in.data + off, plain, &nl);
			assert_true(k <= cut);
			/* What is left says how many lines it has. */
			if (k > 0)
				assert_int_equal(nl, skim_lines(in.data + off +
				    k, plain - k));
			if (k > 0)
				skipped += nheld + k;
			else
				screen_input(b, in.data + held, nheld);
			nheld = 0;
			/* And sometimes, as in a flood, a plain end is
			 * held back and passed over with the next read. */
			if (seed % 3 == 2 && k > 0 && plain == cut) {
				held = off + k;
				nheld = cut - k;
			} else
				screen_input(b, in.data + off + k, cut - k);
		}
		screen_input(b, in.data + held, nheld);
		hits += skipped > 0;

		for (i = 0; i < 3; i++) {
			buf_reset(&ra);
			buf_reset(&rb);
			assert_int_equal(screen_redraw(a, SCREEN_SCROLLBACK,
			    &ra), 0);
			assert_int_equal(screen_redraw(b, SCREEN_SCROLLBACK,
			    &rb), 0);
			if (ra.len != rb.len ||
			    memcmp(ra.data, rb.data, ra.len) != 0 ||
			    screen_differs(a, b) == 1) {
				for (off = 0; off < ra.len && off < rb.len &&
				    ra.data[off] == rb.data[off]; off++)
					/* nothing */;
				fprintf(stderr, "seed %d (%dx%d) step %d, "
				    "%zu of %zu skipped: %s\n", seed, rows,
				    cols, i, skipped, in.len, screen_why);
				show("a", ra.data + off, ra.len - off);
				show("b", rb.data + off, rb.len - off);
				failures++;
				break;
			}
			if (i == 0) {
				screen_input(a, post.data, post.len);
				screen_input(b, post.data, post.len);
			} else if (i == 1) {
				screen_resize(a, rows + 5, cols + 7);
				screen_resize(b, rows + 5, cols + 7);
			}
		}
		screen_free(a);
		screen_free(b);
	}
	buf_free(&pre);
	buf_free(&in);
	buf_free(&post);
	buf_free(&ra);
	buf_free(&rb);
	assert_int_equal(failures, 0);
	/* Half the floods come after a prefix that leaves the alternate
	 * screen or margins set, where nothing may be passed over. */
	assert_true(hits > 160 / 3);
}

/* The pen a pass over output held back and the start of the next read
 * leaves: from SGRs in the read, in what was held, or in both, with the
 * last reset in either or in neither. */
static void
test_skip_held_pen(void **state)
{
	static const char	*sets[] = { "\033[1m", "\033[4m", "\033[31m",
		"\033[38;5;99m", "\033[7;9m", "\033[22m", "\033[44m" };
	static const char	*resets[] = { "\033[m", "\033[0;35m",
		"\033[;3m" };
	struct screen		*a, *b;
	struct buf		 pre = { 0 }, in = { 0 }, ra = { 0 }, rb = { 0 };
	size_t			 k, nl;
	int			 seed, i, rows, cols, where;

	(void)state;
	for (seed = 1; seed <= 60; seed++) {
		rng_state = 0x9e3779b97f4a7c15ull * (uint64_t)seed + 5;
		rows = 2 + pick(30);
		cols = 10 + pick(90);
		where = seed % 3;	/* the last reset: held, read, none */
		buf_reset(&pre);
		buf_reset(&in);
		while (pre.len < 70 * 1024) {
			if (pick(40) == 0)
				buf_adds(&pre, where == 0 && pick(3) == 0 ?
				    resets[pick(nitems(resets))] :
				    sets[pick(nitems(sets))]);
			streams_plain_line(&pre, cols, 1 << 30, 0);
		}
		for (i = 0; i < 200; i++) {
			if (pick(20) == 0)
				buf_adds(&in, where == 1 && pick(3) == 0 ?
				    resets[pick(nitems(resets))] :
				    sets[pick(nitems(sets))]);
			streams_plain_line(&in, cols, 1 << 30, 0);
		}
		/* What pushes it all out, drawn in the pen of the cut. */
		for (i = 0; i < 2 * rows + 100; i++) {
			buf_adds(&in, "line");
			buf_adds(&in, "\r\n");
		}
		buf_adds(&in, "end");

		a = screen_with_hist(rows, cols, 50, SCROLLBACK_BYTES);
		b = screen_with_hist(rows, cols, 50, SCROLLBACK_BYTES);
		feed(a, "\033[32m");
		feed(b, "\033[32m");
		screen_input(a, pre.data, pre.len);
		screen_input(a, in.data, in.len);
		assert_int_equal(skim_plain(pre.data, pre.len), pre.len);
		nl = SCREEN_LINES_UNKNOWN;
		k = screen_skip(b, pre.data, pre.len, in.data,
		    skim_plain(in.data, in.len), &nl);
		assert_true(k > 0);
		screen_input(b, in.data + k, in.len - k);
		assert_int_equal(screen_redraw(a, SCREEN_SCROLLBACK, &ra), 0);
		assert_int_equal(screen_redraw(b, SCREEN_SCROLLBACK, &rb), 0);
		if (ra.len != rb.len || memcmp(ra.data, rb.data, ra.len) != 0 ||
		    screen_differs(a, b) == 1) {
			fprintf(stderr, "seed %d (%dx%d): %s\n", seed, rows,
			    cols, screen_why);
			fail();
		}
		buf_reset(&ra);
		buf_reset(&rb);
		screen_free(a);
		screen_free(b);
	}
	buf_free(&pre);
	buf_free(&in);
	buf_free(&ra);
	buf_free(&rb);
}

/* With the scrollback of config.h, a flood of 8 MiB leaves the same
 * model, and most of it is passed over. */
static void
test_skip_scrollback(void **state)
{
	struct screen	*a, *b;
	struct buf	 in = { 0 }, ra = { 0 }, rb = { 0 };
	size_t		 k, nl = SCREEN_LINES_UNKNOWN;

	(void)state;
	rng_state = 7;
	while (in.len < 8 * 1024 * 1024)
		streams_plain_line(&in, 80, 4, 0);
	a = model(24, 80, "\033[31m");
	b = model(24, 80, "\033[31m");
	screen_input(a, in.data, in.len);
	k = screen_skip(b, NULL, 0, in.data, skim_plain(in.data, in.len), &nl);
	assert_true(k > in.len / 2);
	screen_input(b, in.data + k, in.len - k);
	assert_int_equal(b->hist.n, SCROLLBACK_LINES);
	assert_int_equal(screen_redraw(a, SCREEN_SCROLLBACK, &ra), 0);
	assert_int_equal(screen_redraw(b, SCREEN_SCROLLBACK, &rb), 0);
	assert_int_equal(ra.len, rb.len);
	assert_memory_equal(ra.data, rb.data, ra.len);
	assert_int_equal(screen_differs(a, b), 0);
	buf_free(&in);
	buf_free(&ra);
	buf_free(&rb);
	screen_free(a);
	screen_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wide_and_combining),
		cmocka_unit_test(test_line_attrs),
		cmocka_unit_test(test_combining_last_column),
		cmocka_unit_test(test_hist_roundtrip),
		cmocka_unit_test(test_colours),
		cmocka_unit_test(test_altscreen),
		cmocka_unit_test(test_scroll_region),
		cmocka_unit_test(test_scrollback_bounds),
		cmocka_unit_test(test_resize),
		cmocka_unit_test(test_resize_shrink),
		cmocka_unit_test(test_resize_random),
		cmocka_unit_test(test_decset_split),
		cmocka_unit_test(test_osc_split),
		cmocka_unit_test(test_tracked_modes),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_mode_table),
		cmocka_unit_test(test_margins_roundtrip),
		cmocka_unit_test(test_serializers_read_only),
		cmocka_unit_test(test_fast_path),
		cmocka_unit_test(test_scrollback_redraw),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_split_anywhere),
		cmocka_unit_test(test_roundtrip_random),
		cmocka_unit_test(test_roundtrip_recordings),
		cmocka_unit_test(test_skim),
		cmocka_unit_test(test_skim_lines),
		cmocka_unit_test(test_skip_flood),
		cmocka_unit_test(test_skip_held_pen),
		cmocka_unit_test(test_skip_scrollback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
