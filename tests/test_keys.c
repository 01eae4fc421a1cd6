/* The detach chord matcher: the encodings of notes/keys.md, the chord
 * anywhere in a read and split across reads, held sequences and their
 * timeout, pastes, prefix chords, kitty events, byte-exact forwarding of
 * everything else (hostile input included), and key names to bytes. */
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
#include "keys.h"

#define S(x)	x, sizeof(x) - 1

/* Far enough in the future for anything held on time to be released. */
#define LATER	100000000

/* The forms in which a terminal can send C-\, all of which detach. */
static const struct {
	const char	*bytes;
	size_t		 len;
	int		 csiu;
} chord_forms[] = {
	{ S("\x1c"), 0 },
	{ S("\033[92;5u"), 1 },			/* kitty */
	{ S("\033[27;5;92~"), 0 },		/* modifyOtherKeys */
	{ S("\033[92;133u"), 1 },		/* num lock */
	{ S("\033[92;69u"), 1 },		/* caps lock */
	{ S("\033[92;197u"), 1 },		/* both */
	{ S("\033[92;5:1u"), 1 },		/* press event */
	{ S("\033[92;5:2u"), 1 },		/* repeat event */
	{ S("\033[92:124;5u"), 1 },		/* alternate key */
	{ S("\033[92::92;5u"), 1 },		/* base layout key */
	{ S("\033[92;5;28u"), 1 },		/* associated text */
	{ S("\033[27;133;92~"), 0 },
};

static void
buf_terminate(struct buf *b)
{
	buf_add(b, "", 1);
	b->len--;
}

/* One read at time 0 with chord spec; whatever is held is let out
 * afterwards unless it detached. */
static void
expect(const char *spec, const char *in, size_t n, int rc, const char *want,
    size_t wantlen)
{
	struct keys	*k;
	struct buf	 out = { 0 };
	int		 got;

	k = keys_new(spec, "xterm-256color");
	assert_non_null(k);
	got = keys_input(k, in, n, 0, 0, &out);
	if (got == KEYS_FORWARD)
		keys_expire(k, LATER, 0, &out);
	buf_terminate(&out);
	if (got != rc)
		fail_msg("spec %s: %zu bytes gave %d, not %d", spec, n, got,
		    rc);
	assert_int_equal(out.len, wantlen);
	assert_memory_equal(out.data, want, wantlen);
	buf_free(&out);
	keys_free(k);
}

/* The bytes go through untouched and do not detach. */
static void
expect_same(const char *spec, const char *in, size_t n)
{
	expect(spec, in, n, KEYS_FORWARD, in, n);
}

static void
test_table(void **state)
{
	(void)state;
	/* notes/keys.md, row by row. */
	expect("C-\\", S("\x1c"), KEYS_DETACH, S(""));
	expect("C-\\", S("\033[92;5u"), KEYS_DETACH, S(""));
	expect("C-\\", S("\033[27;5;92~"), KEYS_DETACH, S(""));
	expect("C-\\", S("\033[92;133u"), KEYS_DETACH, S(""));
	expect("C-\\", S("\033[92;5:1u"), KEYS_DETACH, S(""));
	expect_same("C-\\", S("\033[92;5:3u"));
	expect("C-\\", S("\033[92:124;5u"), KEYS_DETACH, S(""));
	/* With ncurses 6 terminfo an SGR mouse report must stay one. */
	expect_same("C-\\", S("\033[<0;92;5M\033[<0;92;5m"));
}

static void
test_all_forms(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(chord_forms); i++)
		expect("C-\\", chord_forms[i].bytes, chord_forms[i].len,
		    KEYS_DETACH, S(""));
	/* Not C-\: other modifiers, other keys, other events. */
	expect_same("C-\\", S("\\"));
	expect_same("C-\\", S("\033\x1c"));		/* Alt too */
	expect_same("C-\\", S("\033[92u"));
	expect_same("C-\\", S("\033[92;13u"));		/* Super too */
	expect_same("C-\\", S("\033[92;7u"));		/* Alt too */
	expect_same("C-\\", S("\033[92;133:3u"));	/* release, num lock */
	expect_same("C-\\", S("\033[27;3;92~"));
	expect_same("C-\\", S("\033[93;5u"));
	/* 0x9b is not CSI in UTF-8, whatever libtermkey thinks. */
	expect_same("C-\\", S("\x9b" "92;5u"));
	/* Numbers that wrap around to 92 in narrower types. */
	expect_same("C-\\", S("\033[4294967388;5u"));
	expect_same("C-\\", S("\033[27;5;4294967388~"));
}

static void
test_anywhere_in_a_read(void **state)
{
	size_t	 i;
	char	 in[64];

	(void)state;
	for (i = 0; i < nitems(chord_forms); i++) {
		/* start, middle, end */
		memcpy(in, chord_forms[i].bytes, chord_forms[i].len);
		memcpy(in + chord_forms[i].len, "after", 5);
		expect("C-\\", in, chord_forms[i].len + 5, KEYS_DETACH,
		    S(""));
		memcpy(in, "bef\033[Aore", 9);
		memcpy(in + 9, chord_forms[i].bytes, chord_forms[i].len);
		memcpy(in + 9 + chord_forms[i].len, "\033[Bafter\x1c", 10);
		expect("C-\\", in, 9 + chord_forms[i].len + 10, KEYS_DETACH,
		    S("bef\033[Aore"));
		expect("C-\\", in, 9 + chord_forms[i].len, KEYS_DETACH,
		    S("bef\033[Aore"));
	}
	/* Only the first one counts; the rest of the read is dropped. */
	expect("C-\\", S("a\x1c" "b\x1c" "c"), KEYS_DETACH, S("a"));
}

static void
test_split_reads(void **state)
{
	struct keys	*k;
	struct buf	 out = { 0 };
	size_t		 i, s, n;
	const char	*b;
	int		 t;

	(void)state;
	for (i = 0; i < nitems(chord_forms); i++) {
		b = chord_forms[i].bytes;
		n = chord_forms[i].len;
		for (s = 1; s < n; s++) {
			assert_non_null(k = keys_new("C-\\", "xterm"));
			buf_reset(&out);
			assert_int_equal(keys_input(k, "ab", 2, 0, 0, &out),
			    KEYS_FORWARD);
			assert_int_equal(keys_input(k, b, s, 1, 0, &out),
			    KEYS_FORWARD);
			/* Held, for the escape time. */
			assert_int_equal(out.len, 2);
			t = keys_timeout(k, 1);
			assert_int_equal(t, ESCAPE_TIME);
			assert_int_equal(keys_input(k, b + s, n - s, 2, 0,
			    &out), KEYS_DETACH);
			assert_int_equal(out.len, 2);
			assert_memory_equal(out.data, "ab", 2);
			keys_free(k);
		}
	}
	/* Byte by byte, with keys before and after. */
	assert_non_null(k = keys_new("C-\\", "xterm"));
	buf_reset(&out);
	b = "x\033[A\033[92;5:1uy";
	n = strlen(b);
	for (s = 0; s < n; s++) {
		if (keys_input(k, b + s, 1, (int64_t)s, 0, &out) == KEYS_DETACH)
			break;
	}
	assert_int_equal(s, n - 2);
	buf_terminate(&out);
	assert_string_equal(out.data, "x\033[A");
	keys_free(k);
	buf_free(&out);
}

/* The chord as a slow link delivers it, cut at every byte: with the rest
 * inside the escape time it detaches and nothing is let out; with the
 * rest after it (the server's timer having fired) every byte goes on as
 * it was. Stripping answers changes neither. */
static void
test_split_gap(void **state)
{
	static const char	*chords[] = {
		"\033[92;5u", "\033[27;5;92~",
	};
	struct keys		*k;
	struct buf		 out = { 0 };
	size_t			 i, s, n;
	int64_t			 t0 = 1000, late = 1000 + ESCAPE_TIME;
	int			 strip;

	(void)state;
	for (i = 0; i < nitems(chords); i++) {
		n = strlen(chords[i]);
		for (s = 1; s < n; s++) {
			for (strip = 0; strip < 2; strip++) {
				assert_non_null(k = keys_new("C-\\", "xterm"));
				buf_reset(&out);
				assert_int_equal(keys_input(k, chords[i], s,
				    t0, strip, &out), KEYS_FORWARD);
				assert_int_equal(keys_timeout(k, late - 1), 1);
				assert_int_equal(keys_input(k, chords[i] + s,
				    n - s, late - 1, strip, &out),
				    KEYS_DETACH);
				assert_int_equal(out.len, 0);
				keys_free(k);

				assert_non_null(k = keys_new("C-\\", "xterm"));
				buf_reset(&out);
				assert_int_equal(keys_input(k, chords[i], s,
				    t0, strip, &out), KEYS_FORWARD);
				assert_int_equal(out.len, 0);
				assert_int_equal(keys_timeout(k, late), 0);
				keys_expire(k, late, strip, &out);
				assert_int_equal(out.len, s);
				assert_int_equal(keys_input(k, chords[i] + s,
				    n - s, late + 1, strip, &out),
				    KEYS_FORWARD);
				assert_int_equal(out.len, n);
				assert_memory_equal(out.data, chords[i], n);
				keys_free(k);
			}
		}
	}
	buf_free(&out);
}

static void
test_split_too_late(void **state)
{
	struct keys	*k;
	struct buf	 out = { 0 };

	(void)state;
	/* The rest of the sequence comes after the hold ran out: no chord,
	 * everything forwarded, without keys_expire being called. */
	assert_non_null(k = keys_new("C-\\", "xterm"));
	assert_int_equal(keys_input(k, S("\033[92"), 0, 0, &out), KEYS_FORWARD);
	assert_int_equal(out.len, 0);
	assert_int_equal(keys_input(k, S(";5u"), ESCAPE_TIME, 0, &out),
	    KEYS_FORWARD);
	buf_terminate(&out);
	assert_string_equal(out.data, "\033[92;5u");
	assert_int_equal(keys_timeout(k, ESCAPE_TIME), -1);

	/* The hold is counted from the first part, not the last one. */
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\033"), 1000, 0, &out),
	    KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("["), 1000 + ESCAPE_TIME / 2, 0,
	    &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("9"), 1000 + ESCAPE_TIME - 1, 0,
	    &out), KEYS_FORWARD);
	assert_int_equal(out.len, 0);
	assert_int_equal(keys_timeout(k, 1000 + ESCAPE_TIME - 1), 1);
	keys_expire(k, 1000 + ESCAPE_TIME, 0, &out);
	buf_terminate(&out);
	assert_string_equal(out.data, "\033[9");
	keys_free(k);
	buf_free(&out);
}

static void
test_lone_escape(void **state)
{
	struct keys	*k;
	struct buf	 out = { 0 };
	int		 t;

	(void)state;
	assert_non_null(k = keys_new("C-\\", "xterm"));
	assert_int_equal(keys_timeout(k, 0), -1);
	assert_int_equal(keys_input(k, S("ab\033"), 1000, 0, &out),
	    KEYS_FORWARD);
	buf_terminate(&out);
	assert_string_equal(out.data, "ab");
	t = keys_timeout(k, 1000);
	assert_int_equal(t, ESCAPE_TIME);
	assert_int_equal(keys_timeout(k, 1000 + t - 1), 1);
	assert_int_equal(keys_timeout(k, 1000 + t), 0);
	keys_expire(k, 1000 + t - 1, 0, &out);
	assert_int_equal(out.len, 2);
	keys_expire(k, 1000 + t, 0, &out);
	buf_terminate(&out);
	assert_string_equal(out.data, "ab\033");
	assert_int_equal(keys_timeout(k, 1000 + t), -1);
	keys_expire(k, LATER, 0, &out);
	assert_int_equal(out.len, 3);

	/* Completed in time: one key, Alt-x, forwarded as typed. */
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\033"), 2000, 0, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("x"), 2001, 0, &out), KEYS_FORWARD);
	buf_terminate(&out);
	assert_string_equal(out.data, "\033x");
	assert_int_equal(keys_timeout(k, 2001), -1);

	/* Escape, then the chord once the hold is over: out holds the
	 * Escape even though keys_expire was not called. */
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\033"), 3000, 0, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("\x1c"), 3000 + ESCAPE_TIME, 0,
	    &out), KEYS_DETACH);
	buf_terminate(&out);
	assert_string_equal(out.data, "\033");
	keys_free(k);

	/* Within the hold, ESC and C-\ are Alt-C-\: another key. */
	assert_non_null(k = keys_new("C-\\", "xterm"));
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\033"), 0, 0, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("\x1c"), 1, 0, &out), KEYS_FORWARD);
	buf_terminate(&out);
	assert_string_equal(out.data, "\033\x1c");
	keys_free(k);
	buf_free(&out);
}

static void
test_paste(void **state)
{
	struct keys	*k;
	struct buf	 out = { 0 };

	(void)state;
	expect_same("C-\\", S("\033[200~a\x1c" "b\033[92;5uc\033[201~"));
	expect_same("C-a d", S("\033[200~\001d\033[201~"));
	expect("C-\\", S("\033[200~a\x1c\033[201~x\x1cy"), KEYS_DETACH,
	    S("\033[200~a\x1c\033[201~x"));

	/* Markers split across reads; the chord obeyed only outside. */
	assert_non_null(k = keys_new("C-\\", "xterm"));
	assert_int_equal(keys_input(k, S("\033[20"), 0, 0, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("0~a\x1c"), 1, 0, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("b\033[2"), 2, 0, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("01"), 3, 0, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("\x1c~"), 4, 0, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("\033[201~"), 5, 0, &out),
	    KEYS_FORWARD);
	assert_int_equal(keys_timeout(k, 5), -1);
	assert_int_equal(keys_input(k, S("z\x1c"), 6, 0, &out), KEYS_DETACH);
	buf_terminate(&out);
	assert_string_equal(out.data,
	    "\033[200~a\x1c" "b\033[201\x1c~\033[201~z");
	keys_free(k);

	/* A paste that never ends stops being one after a second of
	 * silence; input keeps it going. */
	assert_non_null(k = keys_new("C-\\", "xterm"));
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\033[200~abc"), 0, 0, &out),
	    KEYS_FORWARD);
	assert_int_equal(keys_timeout(k, 0), 1000);
	assert_int_equal(keys_timeout(k, 999), 1);
	assert_int_equal(keys_input(k, S("\x1c"), 900, 0, &out), KEYS_FORWARD);
	assert_int_equal(keys_timeout(k, 900), 1000);
	keys_expire(k, 1899, 0, &out);
	assert_int_equal(keys_timeout(k, 1899), 1);
	keys_expire(k, 1900, 0, &out);
	assert_int_equal(keys_timeout(k, 1900), -1);
	assert_int_equal(keys_input(k, S("x\x1c"), 1901, 0, &out), KEYS_DETACH);
	buf_terminate(&out);
	assert_string_equal(out.data, "\033[200~abc\x1cx");
	keys_free(k);

	/* Same without keys_expire: the next read finds it over. */
	assert_non_null(k = keys_new("C-\\", "xterm"));
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\033[200~"), 0, 0, &out),
	    KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("\x1c"), 999, 0, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("\x1c"), 1999, 0, &out), KEYS_DETACH);
	keys_free(k);
	buf_free(&out);
}

static void
test_prefix(void **state)
{
	struct keys	*k;
	struct buf	 out = { 0 };

	(void)state;
	expect("C-a d", S("\001d"), KEYS_DETACH, S(""));
	expect("C-a d", S("x\001dy"), KEYS_DETACH, S("x"));
	expect_same("C-a d", S("d"));
	expect("C-a d", S("\001\001"), KEYS_FORWARD, S("\001"));
	expect("C-a d", S("\001\001d"), KEYS_FORWARD, S("\001d"));
	expect("C-a d", S("\001\001\001d"), KEYS_DETACH, S("\001"));
	expect_same("C-a d", S("\001x"));
	expect_same("C-a d", S("\001\033[A"));
	expect_same("C-a d", S("\001D"));
	/* Kitty forms, for either key, and mixed. */
	expect("C-a d", S("\033[97;5u\033[100u"), KEYS_DETACH, S(""));
	expect("C-a d", S("\001\033[100;1:1u"), KEYS_DETACH, S(""));
	expect("C-a d", S("\001\033[97;5u"), KEYS_FORWARD, S("\001"));
	/* The prefix's release and modifier keys are not the next key:
	 * they wait with the prefix, and go with it. */
	expect("C-a d", S("\033[97;5u\033[97;5:3u\033[57442;1:3ud"),
	    KEYS_DETACH, S(""));
	expect_same("C-a d", S("\033[97;5u\033[97;5:3u\033[57441;2ux"));
	/* A pending prefix does not stop a paste. */
	expect_same("C-a d", S("\001\033[200~d\033[201~"));

	/* Split across reads; pending forever. */
	assert_non_null(k = keys_new("C-a d", "xterm"));
	assert_int_equal(keys_input(k, S("ab\001"), 0, 0, &out), KEYS_FORWARD);
	buf_terminate(&out);
	assert_string_equal(out.data, "ab");
	assert_int_equal(keys_timeout(k, 0), -1);
	keys_expire(k, LATER, 0, &out);
	assert_int_equal(out.len, 2);
	assert_int_equal(keys_input(k, S("d"), LATER, 0, &out), KEYS_DETACH);
	assert_int_equal(out.len, 2);
	keys_free(k);

	/* A sequence held after the prefix runs out: both go on. */
	assert_non_null(k = keys_new("C-a d", "xterm"));
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\001"), 0, 0, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("\033"), 1, 0, &out), KEYS_FORWARD);
	assert_true(keys_timeout(k, 1) > 0);
	keys_expire(k, LATER, 0, &out);
	buf_terminate(&out);
	assert_string_equal(out.data, "\001\033");
	assert_int_equal(keys_input(k, S("d"), LATER, 0, &out), KEYS_FORWARD);
	keys_free(k);

	/* The second key alone, split in two. */
	assert_non_null(k = keys_new("C-a d", "xterm"));
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\001"), 0, 0, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("\033[10"), 1, 0, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("0u"), 2, 0, &out), KEYS_DETACH);
	assert_int_equal(out.len, 0);
	assert_true(keys_release_follows(k));
	keys_free(k);
	buf_free(&out);
}

static void
test_other_chords(void **state)
{
	(void)state;
	expect("C-q", S("a\x11"), KEYS_DETACH, S("a"));
	expect("C-q", S("\033[113;5u"), KEYS_DETACH, S(""));
	/* A printable chord, among typed text that goes on as it is. */
	expect("q", S("abq"), KEYS_DETACH, S("ab"));
	expect("q", S("aqa"), KEYS_DETACH, S("a"));
	expect_same("q", S("abQ"));
	/* The second key of a chord is text of its own unless it follows
	 * the first, however often it came before. */
	expect("C-a q", S("qq\001q"), KEYS_DETACH, S("qq"));
	expect_same("C-a q", S("qq\001aq"));
	expect_same("C-q", S("q\033\x11\033[113;7u\x1c"));
	expect("M-d", S("a\033d"), KEYS_DETACH, S("a"));
	expect("M-d", S("\033[100;3u"), KEYS_DETACH, S(""));
	expect("Alt-d", S("\033d"), KEYS_DETACH, S(""));
	expect_same("M-d", S("d\033D\004"));
	expect("C-M-x", S("\033\x18"), KEYS_DETACH, S(""));
	expect("M-C-x", S("\033\x18"), KEYS_DETACH, S(""));
	expect("C-A", S("\001"), KEYS_DETACH, S(""));
	expect("C-Space", S("a\0b"), KEYS_DETACH, S("a"));
	expect("F12", S("\033[24~"), KEYS_DETACH, S(""));
	expect_same("F12", S("\033[24;5~"));
	expect("C-Up", S("\033[A\033[1;5A"), KEYS_DETACH, S("\033[A"));
	expect("M-Up", S("\033\033[A"), KEYS_DETACH, S(""));
	/* C-i is Tab's byte: libtermkey names it Tab, the byte still is. */
	expect("C-i", S("\t"), KEYS_DETACH, S(""));
	expect("C-i", S("\033[105;5u"), KEYS_DETACH, S(""));
	expect("é", S("e\xc3\xa9"), KEYS_DETACH, S("e"));
	/* C-g is BEL, which also ends a terminal's OSC reply. */
	expect_same("C-g", S("\033]11;rgb:0000/0000/0000\007"));
	expect_same("C-g", S("\033P1+r636f6c6f7273=323536\033\\"));
	expect("C-g", S("\033]11;x\007\007"), KEYS_DETACH,
	    S("\033]11;x\007"));
}

static void
test_bad_specs(void **state)
{
	static const char	*bad[] = {
		"", "C-a d e", "Nonsense", "C-", "C-a  d", " d", "C-a ",
		"F0", "\001", "S-", "Up-", "\xff", "C-\xc3", "Hyper-x",
	};
	size_t			 i;

	(void)state;
	errno = 0;
	assert_null(keys_new(NULL, "xterm"));
	assert_int_equal(errno, EINVAL);
	for (i = 0; i < nitems(bad); i++) {
		errno = 0;
		if (keys_new(bad[i], "xterm") != NULL)
			fail_msg("spec '%s' accepted", bad[i]);
		assert_int_equal(errno, EINVAL);
	}
}

static void
test_terms(void **state)
{
	static const char	*terms[] = {
		NULL, "", "xterm", "screen", "tmux-256color", "linux",
		"no-such-terminal", "../../etc/passwd",
	};
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(terms); i++) {
		struct keys	*k;
		struct buf	 out = { 0 };

		assert_non_null(k = keys_new("C-\\", terms[i]));
		assert_int_equal(keys_input(k, S("a\033[92;5u"), 0, 0, &out),
		    KEYS_DETACH);
		assert_int_equal(out.len, 1);
		buf_free(&out);
		keys_free(k);
	}
}

static void
test_passthrough(void **state)
{
	(void)state;
	/* Mouse, cursor keys, focus, terminal replies. */
	expect_same("C-\\", S("\033[<0;10;20M\033[<0;10;20m\033[<64;1;1M"));
	expect_same("C-\\", S("\033[M !!\033[M#\x7f\x7f"));
	expect_same("C-\\", S("\033[A\033OB\033[1;5C\033[D\033[H\033[F"));
	expect_same("C-\\", S("\033[I\033[O\033[?1;2c\033[>1;10;0c"));
	expect_same("C-\\", S("\033[12;5R\033[?2004;1$y\033[?62;22c"));
	expect_same("C-\\", S("\033]10;rgb:ffff/ffff/ffff\033\\"));
	expect_same("C-\\", S("\033_Gi=1;OK\033\\\033P>|kitty\033\\"));
	expect_same("C-\\", S("\033[[A\033[2~\033[15;2~\033OP\033[Z"));
	expect_same("C-\\", S("\033[97;1:3u\033[1;1:3A\033[57399u"));
	/* Invalid UTF-8, C1 bytes, NUL. */
	expect_same("C-\\", S("\xff\xfe\xc3(\x80\x9b\x8f\x90\x9d\xed\xa0\x80"
	    "\xf4\x90\x80\x80\xc0\xaf\xe0\x80\x80"));
	expect_same("C-\\", S("\0a\0\0\xc3\xa9\0"));
	expect_same("C-\\", S("\033\xff\033\x80\033\0"));
	/* Parameters that crash or fool libtermkey 0.22. */
	expect_same("C-\\", S("\033[9999999999999999999;5u"));
	expect_same("C-\\", S("\033[92;9999999999999u"));
	expect_same("C-\\", S("\033[27;5~\033[27~\033[27;5;~"));
	expect_same("C-\\", S("\033[27;5;9999999~\033[27;5;55296~"));
	expect_same("C-\\", S("\033[ A\033[1 q\033[0u\033[55296;5u\033[-5;5u"));
	expect_same("C-\\", S("\033[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;"
	    "18;19;20u"));
	expect_same("C-\\", S("\033[92;5:9u\033[92;5:1:2:3:4u\033[92;300u"));
	expect_same("C-\\", S("\033[1;5:3A\033[3;5:3~"));
}

static void
test_partial_utf8(void **state)
{
	struct keys	*k;
	struct buf	 out = { 0 };

	(void)state;
	/* A character cut in two is not held: only escape sequences are. */
	assert_non_null(k = keys_new("C-\\", "xterm"));
	assert_int_equal(keys_input(k, S("a\xc3"), 0, 0, &out), KEYS_FORWARD);
	assert_int_equal(out.len, 2);
	assert_int_equal(keys_timeout(k, 0), -1);
	assert_int_equal(keys_input(k, S("\xa9\x1c"), 1, 0, &out), KEYS_DETACH);
	buf_terminate(&out);
	assert_string_equal(out.data, "a\xc3\xa9");
	keys_free(k);
	buf_free(&out);
}

static void
test_long_sequences(void **state)
{
	struct keys	*k;
	struct buf	 out = { 0 };
	char		*big;
	size_t		 n = 10000;

	(void)state;
	assert_non_null(big = malloc(n));
	memcpy(big, "\033]52;c;", 7);
	memset(big + 7, 'A', n - 7);

	/* A short unfinished string is held like any sequence... */
	assert_non_null(k = keys_new("C-\\", "xterm"));
	assert_int_equal(keys_input(k, big, 100, 0, 0, &out), KEYS_FORWARD);
	assert_int_equal(out.len, 0);
	keys_expire(k, LATER, 0, &out);
	assert_int_equal(out.len, 100);
	/* ...a long one is not: it cannot be a key. */
	buf_reset(&out);
	assert_int_equal(keys_input(k, big, n, LATER, 0, &out), KEYS_FORWARD);
	assert_int_equal(out.len, n);
	assert_memory_equal(out.data, big, n);
	assert_int_equal(keys_timeout(k, LATER), -1);
	/* ...and the chord still works after it. */
	assert_int_equal(keys_input(k, S("\033\\\x1c"), LATER, 0, &out),
	    KEYS_DETACH);
	assert_int_equal(out.len, n + 2);
	keys_free(k);
	free(big);
	buf_free(&out);
}

static void
test_release_follows(void **state)
{
	struct keys	*k;
	struct buf	 out = { 0 };
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(chord_forms); i++) {
		assert_non_null(k = keys_new("C-\\", "xterm"));
		assert_int_equal(keys_input(k, chord_forms[i].bytes,
		    chord_forms[i].len, 0, 0, &out), KEYS_DETACH);
		assert_int_equal(keys_release_follows(k), chord_forms[i].csiu);
		keys_free(k);
	}

	/* The release already came in the same read. */
	assert_non_null(k = keys_new("C-\\", "xterm"));
	assert_int_equal(keys_input(k, S("\033[92;5u\033[92;1:3u"), 0, 0,
	    &out), KEYS_DETACH);
	assert_false(keys_release_follows(k));
	/* Only the last call counts. */
	assert_int_equal(keys_input(k, S("\033[92;5u"), 1, 0, &out),
	    KEYS_DETACH);
	assert_true(keys_release_follows(k));
	assert_int_equal(keys_input(k, S("x"), 2, 0, &out), KEYS_FORWARD);
	assert_false(keys_release_follows(k));
	keys_free(k);

	/* Fed on after a detach: the key's repeats and release are
	 * dropped, so a held-down chord detaches once. */
	assert_non_null(k = keys_new("C-\\", "xterm"));
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\033[92;5u"), 0, 0, &out),
	    KEYS_DETACH);
	assert_int_equal(keys_input(k, S("\033[92;5:2u\033[92;5:2u"), 1,
	    0, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("\033[57442;1:3u"), 1, 0, &out),
	    KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("\033[92;1:3u"), 2, 0, &out),
	    KEYS_FORWARD);
	buf_terminate(&out);
	assert_string_equal(out.data, "\033[57442;1:3u");
	/* Done swallowing: a new press detaches again. */
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\033[92;5:3u"), 3, 0, &out),
	    KEYS_FORWARD);
	buf_terminate(&out);
	assert_string_equal(out.data, "\033[92;5:3u");
	assert_int_equal(keys_input(k, S("\033[92;5u"), 4, 0, &out),
	    KEYS_DETACH);
	/* Another key ends the swallowing too. */
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("x\033[92;5:2u"), 5, 0, &out),
	    KEYS_DETACH);
	assert_int_equal(out.len, 1);
	keys_free(k);
	buf_free(&out);
}

/* xorshift: the same streams on every run. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Random bytes and pieces of sequences, with no way to spell C-\ in
 * them: no 0x1c and no digit 9. */
static size_t
random_stream(uint32_t *s, char *b, size_t size)
{
	static const char	*pieces[] = {
		"\033", "[", "\033[", "\033O", "\033]", "\033P", "\033\\",
		"\007", ";", ":", "u", "~", "A", "M", "<", "?", "$", " ",
		"1", "2", "5", "27;5;", "\033[200~", "\033[201~", "\033[20",
		"1~", ";5u", ":3u", "\033[<0;1;2M", "\xc3", "\xa9", "\x80",
		"\xff", "\x9b", "\x8f", "\0", "\001", "\x7f", "\r", "a", "d",
		"\033\033", "\033[M", "\033[[", "\033_", "\033X",
	};
	size_t			 n = 0, len, want;
	const char		*p;
	char			 c;

	want = rnd(s) % size;
	while (n < want) {
		if (rnd(s) % 3 == 0) {
			do
				c = (char)(rnd(s) & 0xff);
			while (c == 0x1c || c == '9');
			b[n++] = c;
			continue;
		}
		p = pieces[rnd(s) % nitems(pieces)];
		len = p[0] == '\0' ? 1 : strlen(p);
		if (n + len > size)
			break;
		memcpy(b + n, p, len);
		n += len;
	}
	return n;
}

static void
test_random_streams(void **state)
{
	struct keys	*k;
	struct buf	 out = { 0 };
	uint32_t	 seed = 2463534242u;
	char		 in[400];
	size_t		 n, off, step;
	int64_t		 now;
	int		 round;

	(void)state;
	for (round = 0; round < 3000; round++) {
		n = random_stream(&seed, in, sizeof in);
		assert_non_null(k = keys_new("C-\\", "xterm-256color"));
		buf_reset(&out);
		now = 0;
		for (off = 0; off < n; off += step) {
			step = 1 + rnd(&seed) % 24;
			if (step > n - off)
				step = n - off;
			/* Sometimes a pause, as the server's timer sees it. */
			now += rnd(&seed) % 4 == 0 ? rnd(&seed) % 30 : 0;
			if (keys_timeout(k, now) == 0)
				keys_expire(k, now, 0, &out);
			if (keys_input(k, in + off, step, now, 0, &out) !=
			    KEYS_FORWARD)
				fail_msg("round %d: detached", round);
		}
		keys_expire(k, now + LATER, 0, &out);
		if (out.len != n || memcmp(out.data, in, n) != 0)
			fail_msg("round %d: %zu bytes in, %zu out", round, n,
			    out.len);
		keys_free(k);
	}
	buf_free(&out);
}

static void
test_random_chords(void **state)
{
	static const char	*safe[] = {
		"a", "\xc3\xa9", "\033[A", "\033OB", "\033[1;5C", "xyz",
		"\033[<0;1;2M", "\033]0;t\007", "\r", "\0", "\xff", "\033d",
		"\033[97;1:3u", "\033[200~q\x1c\033[201~", "\033[M !!",
	};
	struct keys		*k;
	struct buf		 out = { 0 };
	uint32_t		 seed = 88172645u;
	char			 in[200];
	size_t			 n, before, end, off, step, len, j, f;
	int			 round, rc;

	(void)state;
	for (round = 0; round < 3000; round++) {
		n = 0;
		for (j = rnd(&seed) % 6; j > 0; j--) {
			const char	*p = safe[rnd(&seed) % nitems(safe)];

			len = p[0] == '\0' ? 1 : strlen(p);
			memcpy(in + n, p, len);
			n += len;
		}
		before = n;
		f = rnd(&seed) % nitems(chord_forms);
		memcpy(in + n, chord_forms[f].bytes, chord_forms[f].len);
		n += chord_forms[f].len;
		end = n;
		for (j = rnd(&seed) % 20; j > 0; j--)
			in[n++] = (char)(rnd(&seed) & 0xff);

		assert_non_null(k = keys_new("C-\\", "xterm"));
		buf_reset(&out);
		rc = KEYS_FORWARD;
		for (off = 0; off < n && rc == KEYS_FORWARD; off += step) {
			step = 1 + rnd(&seed) % 12;
			if (step > n - off)
				step = n - off;
			rc = keys_input(k, in + off, step, 0, 0, &out);
		}
		if (rc != KEYS_DETACH || off < end || off - step >= end)
			fail_msg("round %d: chord %zu not seen where it ends",
			    round, f);
		if (out.len != before || memcmp(out.data, in, before) != 0)
			fail_msg("round %d: %zu bytes forwarded, not %zu",
			    round, out.len, before);
		keys_free(k);
	}
	buf_free(&out);
}

static void
expect_encode(const char *name, const char *want, size_t wantlen)
{
	struct buf	 out = { 0 };

	buf_add(&out, "<", 1);
	if (keys_encode(name, &out) != 0)
		fail_msg("'%s' not encoded", name);
	assert_int_equal(out.len, wantlen + 1);
	assert_memory_equal(out.data + 1, want, wantlen);
	buf_free(&out);
}

static void
test_encode(void **state)
{
	static const char	*bad[] = {
		"", "Nonsense", "C-a d", "F13", "F0", "KP0", "C-", "S-",
		"Up-", "\001", "\xff", "Hyper-a", " ",
	};
	struct buf		 out = { 0 };
	size_t			 i;

	(void)state;
	expect_encode("a", S("a"));
	expect_encode("A", S("A"));
	expect_encode("é", S("\xc3\xa9"));
	expect_encode("-", S("-"));
	expect_encode("C-c", S("\003"));
	expect_encode("C-a", S("\001"));
	expect_encode("C-A", S("\001"));
	expect_encode("C-\\", S("\x1c"));
	expect_encode("C-]", S("\x1d"));
	expect_encode("C-_", S("\x1f"));
	expect_encode("C-@", S("\0"));
	expect_encode("C-Space", S("\0"));
	expect_encode("C-?", S("\x7f"));
	expect_encode("C-1", S("\033[27;5;49~"));
	expect_encode("S-a", S("A"));
	expect_encode("M-x", S("\033x"));
	expect_encode("M-C-x", S("\033\x18"));
	expect_encode("C-M-x", S("\033\x18"));
	expect_encode("Alt-x", S("\033x"));
	expect_encode("M-é", S("\033\xc3\xa9"));
	expect_encode("Enter", S("\r"));
	expect_encode("M-Enter", S("\033\r"));
	expect_encode("C-Enter", S("\033[27;5;13~"));
	expect_encode("Tab", S("\t"));
	expect_encode("S-Tab", S("\033[Z"));
	expect_encode("Backspace", S("\x7f"));
	expect_encode("C-Backspace", S("\b"));
	expect_encode("M-Backspace", S("\033\x7f"));
	expect_encode("Escape", S("\033"));
	expect_encode("Space", S(" "));
	expect_encode("M-Space", S("\033 "));
	expect_encode("Up", S("\033[A"));
	expect_encode("Down", S("\033[B"));
	expect_encode("Right", S("\033[C"));
	expect_encode("Left", S("\033[D"));
	expect_encode("C-Up", S("\033[1;5A"));
	expect_encode("S-Left", S("\033[1;2D"));
	expect_encode("M-Up", S("\033[1;3A"));
	expect_encode("C-S-Right", S("\033[1;6C"));
	expect_encode("Home", S("\033[H"));
	expect_encode("End", S("\033[F"));
	expect_encode("C-End", S("\033[1;5F"));
	expect_encode("PageUp", S("\033[5~"));
	expect_encode("PageDown", S("\033[6~"));
	expect_encode("S-PageUp", S("\033[5;2~"));
	expect_encode("Insert", S("\033[2~"));
	expect_encode("Delete", S("\033[3~"));
	expect_encode("C-Delete", S("\033[3;5~"));
	expect_encode("F1", S("\033OP"));
	expect_encode("F2", S("\033OQ"));
	expect_encode("F3", S("\033OR"));
	expect_encode("F4", S("\033OS"));
	expect_encode("C-F1", S("\033[1;5P"));
	expect_encode("F5", S("\033[15~"));
	expect_encode("F6", S("\033[17~"));
	expect_encode("F7", S("\033[18~"));
	expect_encode("F8", S("\033[19~"));
	expect_encode("F9", S("\033[20~"));
	expect_encode("F10", S("\033[21~"));
	expect_encode("F11", S("\033[23~"));
	expect_encode("F12", S("\033[24~"));
	expect_encode("S-F5", S("\033[15;2~"));

	assert_int_equal(keys_encode(NULL, &out), -1);
	for (i = 0; i < nitems(bad); i++) {
		errno = 0;
		if (keys_encode(bad[i], &out) != -1)
			fail_msg("'%s' encoded", bad[i]);
		assert_int_equal(errno, EINVAL);
	}
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

/* What keys_encode makes of a key, the matcher takes for that key. */
static void
test_encode_round_trip(void **state)
{
	static const char	*names[] = {
		"C-c", "C-\\", "M-x", "C-M-x", "Enter", "M-Enter", "S-Tab",
		"Up", "C-Up", "M-Up", "Home", "End", "PageUp", "Delete",
		"C-Delete", "F1", "C-F1", "F5", "S-F12", "é", "M-é", "C-1",
		"C-Enter", "Backspace", "a", "A",
	};
	struct buf		 b = { 0 };
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(names); i++) {
		buf_reset(&b);
		buf_add(&b, "z", 1);
		assert_int_equal(keys_encode(names[i], &b), 0);
		buf_add(&b, "z", 1);
		expect(names[i], b.data, b.len, KEYS_DETACH, S("z"));
	}
	buf_free(&b);
}

/* A terminal's answers to queries go, keys stay, whatever surrounds them. */
static void
test_strip_reports(void **state)
{
	static const struct {
		const char	*in, *out;
	} t[] = {
		{ "\033[12;40R", "" },			/* cursor position */
		{ "\033[?12;40;1R", "" },		/* DECXCPR */
		{ "\033[?64;1;22c", "" },		/* DA1 */
		{ "\033[>41;390;0c", "" },		/* DA2 */
		{ "\033[?2004;1$y", "" },		/* DECRPM */
		{ "\033[8;24;80t", "" },		/* window size */
		{ "\033[?1u", "" },			/* kitty flags */
		{ "\033]11;rgb:0000/0000/0000\033\\", "" },
		{ "\033]10;rgb:ffff/ffff/ffff\007", "" },
		{ "\033P1+r544e=787465726d\033\\", "" },
		{ "a\033[5;10Rb", "ab" },
		{ "\033[A\033[1;5C\033[97;5u\033[200~x\033[201~",
		  "\033[A\033[1;5C\033[97;5u\033[200~x\033[201~" },
		{ "\033[3~\033OP\033\033[B\033", "\033[3~\033OP\033\033[B\033" },
		{ "x\033[12;4", "x\033[12;4" },		/* incomplete: kept */
		{ "\033]11;rgb:0", "\033]11;rgb:0" },
		{ "\303\251\033[2;2R\303\251", "\303\251\303\251" },
		{ "\033Xsos\033\\", "" },		/* any string */
		{ "\033]a\rb\007", "\033]a\rb\007" },	/* Alt-], keys */
		{ "", "" },
	};
	char	b[256];
	size_t	i, n;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		n = strlen(t[i].in);
		memcpy(b, t[i].in, n);
		n = keys_strip_reports(b, n);
		b[n] = '\0';
		assert_string_equal(b, t[i].out);
	}
}

/* Answers are dropped from everything that is let out, however it goes:
 * completed across reads, inside a paste, after a pending prefix; what
 * is let out after a hold is framed the same way as the rest. */
static void
test_strip_released(void **state)
{
	struct keys	*k;
	struct buf	 out = { 0 };

	(void)state;
	assert_non_null(k = keys_new("C-\\", "xterm"));
	assert_int_equal(keys_input(k, S("a\033[12;4"), 0, 1, &out),
	    KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("0Rb"), 1, 1, &out), KEYS_FORWARD);
	buf_terminate(&out);
	assert_string_equal(out.data, "ab");

	/* Inside a paste; the same bytes are kept without strip. */
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\033[200~x\033[5;5Ry\033[201~"), 2,
	    1, &out), KEYS_FORWARD);
	buf_terminate(&out);
	assert_string_equal(out.data, "\033[200~xy\033[201~");
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\033[200~x\033[5;5Ry\033[201~"), 3,
	    0, &out), KEYS_FORWARD);
	buf_terminate(&out);
	assert_string_equal(out.data, "\033[200~x\033[5;5Ry\033[201~");

	/* Cut off and let go when its time is up: not known to be an
	 * answer, so it goes on as it is. */
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\033]11;rgb:0"), 10, 1, &out),
	    KEYS_FORWARD);
	assert_int_equal(out.len, 0);
	keys_expire(k, 10 + ESCAPE_TIME, 1, &out);
	buf_terminate(&out);
	assert_string_equal(out.data, "\033]11;rgb:0");

	/* Keys typed after Alt-] are keys, not the inside of a string. */
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\033]a\rb\007"), LATER, 1, &out),
	    KEYS_FORWARD);
	buf_terminate(&out);
	assert_string_equal(out.data, "\033]a\rb\007");
	keys_free(k);

	/* A pending prefix let go by an answer: the prefix goes on, the
	 * answer does not. */
	assert_non_null(k = keys_new("C-a d", "xterm"));
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\001"), 0, 1, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("\033[?1;2c"), 1, 1, &out),
	    KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("d"), 2, 1, &out), KEYS_FORWARD);
	buf_terminate(&out);
	assert_string_equal(out.data, "\001d");
	/* ...and one held after the prefix and let go on time. */
	buf_reset(&out);
	assert_int_equal(keys_input(k, S("\001"), 3, 1, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, S("\033"), 4, 1, &out), KEYS_FORWARD);
	keys_expire(k, 4 + ESCAPE_TIME, 1, &out);
	buf_terminate(&out);
	assert_string_equal(out.data, "\001\033");
	keys_free(k);
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_all_forms),
		cmocka_unit_test(test_anywhere_in_a_read),
		cmocka_unit_test(test_split_reads),
		cmocka_unit_test(test_split_gap),
		cmocka_unit_test(test_split_too_late),
		cmocka_unit_test(test_lone_escape),
		cmocka_unit_test(test_paste),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_other_chords),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_terms),
		cmocka_unit_test(test_passthrough),
		cmocka_unit_test(test_partial_utf8),
		cmocka_unit_test(test_long_sequences),
		cmocka_unit_test(test_release_follows),
		cmocka_unit_test(test_random_streams),
		cmocka_unit_test(test_random_chords),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_encode_round_trip),
		cmocka_unit_test(test_strip_reports),
		cmocka_unit_test(test_strip_released),
	};

	return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}
