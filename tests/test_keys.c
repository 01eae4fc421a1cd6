/* The detach chord matcher: the encodings of notes/keys.md, chords
 * anywhere and split across reads, pastes, prefixes, and byte-exact
 * forwarding of everything else. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "keys.h"

struct feed {
	int		 detached;
	struct buf	 out;
};

/* Feeds the reads of a NULL-terminated list at time 0 (each read a
 * string), collecting what is forwarded, and lets held bytes expire. */
static struct feed
feed_reads(const char *spec, const char **reads, const size_t *lens)
{
	struct feed	 f = { 0 };
	struct keys	*k;
	size_t		 i, n;

	k = keys_new(spec, "xterm-256color");
	assert_non_null(k);
	for (i = 0; reads[i] != NULL; i++) {
		n = lens != NULL ? lens[i] : strlen(reads[i]);
		if (keys_input(k, reads[i], n, (int64_t)i, &f.out) ==
		    KEYS_DETACH) {
			f.detached = 1;
			break;
		}
	}
	if (!f.detached)
		keys_expire(k, 100000, &f.out);
	keys_free(k);
	buf_add(&f.out, "", 1);		/* for string comparisons */
	f.out.len--;
	return f;
}

static struct feed
feed1(const char *spec, const char *bytes, size_t n)
{
	const char	*reads[] = { bytes, NULL };
	size_t		 lens[] = { n, 0 };

	return feed_reads(spec, reads, lens);
}

static void
expect(const char *spec, const char *bytes, size_t n, int detached,
    const char *want, size_t wantlen)
{
	struct feed	 f = feed1(spec, bytes, n);

	assert_int_equal(f.detached, detached);
	assert_int_equal(f.out.len, wantlen);
	assert_memory_equal(f.out.data, want, wantlen);
	buf_free(&f.out);
}

#define S(x)	x, sizeof(x) - 1

/* The table of notes/keys.md. */
static void
test_table(void **state)
{
	(void)state;
	expect("C-\\", S("\x1c"), 1, S(""));
	expect("C-\\", S("\033[92;5u"), 1, S(""));
	expect("C-\\", S("\033[27;5;92~"), 1, S(""));
	expect("C-\\", S("\033[92;133u"), 1, S(""));	/* num lock */
	expect("C-\\", S("\033[92;5:1u"), 1, S(""));	/* press */
	expect("C-\\", S("\033[92;5:2u"), 1, S(""));	/* repeat */
	expect("C-\\", S("\033[92:124;5u"), 1, S(""));	/* alternate */
	/* A release never detaches; its bytes go to the program. */
	expect("C-\\", S("\033[92;5:3u"), 0, S("\033[92;5:3u"));
	/* Not the chord: M-\ and plain backslash. */
	expect("C-\\", S("\033\\"), 0, S("\033\\"));
	expect("C-\\", S("\\"), 0, S("\\"));
	expect("C-\\", S("\033[92;3u"), 0, S("\033[92;3u"));
}

static void
test_anywhere_in_a_read(void **state)
{
	(void)state;
	expect("C-\\", S("abc\x1c"), 1, S("abc"));
	expect("C-\\", S("abc\x1c" "def"), 1, S("abc"));
	expect("C-\\", S("\x1c" "def"), 1, S(""));
	expect("C-\\", S("ls -l\r\033[A\033[92;5u\r"), 1, S("ls -l\r\033[A"));
	expect("C-\\", S("no chord here\r"), 0, S("no chord here\r"));
}

/* The chord split at every point across two reads: held, then caught,
 * and none of it forwarded. */
static void
test_split_reads(void **state)
{
	static const char	*forms[] = {
		"\033[92;5u", "\033[27;5;92~", "\033[92;5:1u", "\x1c"
	};
	const char		*reads[3];
	size_t			 lens[3], i, cut, n;
	char			 all[64];
	struct feed		 f;

	(void)state;
	for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		n = (size_t)snprintf(all, sizeof all, "xy%s", forms[i]);
		for (cut = 1; cut < n; cut++) {
			reads[0] = all;
			lens[0] = cut;
			reads[1] = all + cut;
			lens[1] = n - cut;
			reads[2] = NULL;
			f = feed_reads("C-\\", reads, lens);
			assert_true(f.detached);
			assert_int_equal(f.out.len, 2);
			assert_memory_equal(f.out.data, "xy", f.out.len);
			buf_free(&f.out);
		}
	}
}

static void
test_lone_escape(void **state)
{
	struct keys	*k;
	struct buf	 out = { 0 };

	(void)state;
	assert_non_null(k = keys_new("C-\\", "xterm"));
	assert_int_equal(keys_input(k, "\033", 1, 0, &out), KEYS_FORWARD);
	assert_int_equal(out.len, 0);
	assert_true(keys_timeout(k, 0) > 0);
	assert_true(keys_timeout(k, 0) <= 10);
	keys_expire(k, 5, &out);
	assert_int_equal(out.len, 0);
	keys_expire(k, 50, &out);
	assert_int_equal(out.len, 1);
	assert_int_equal(out.data[0], 0x1b);
	assert_int_equal(keys_timeout(k, 50), -1);
	/* An escape sequence completed by the next read is one key. */
	buf_reset(&out);
	assert_int_equal(keys_input(k, "\033[", 2, 60, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, "A", 1, 61, &out), KEYS_FORWARD);
	assert_int_equal(out.len, 3);
	assert_memory_equal(out.data, "\033[A", 3);
	buf_free(&out);
	keys_free(k);
}

static void
test_paste(void **state)
{
	struct keys	*k;
	struct buf	 out = { 0 };
	const char	 paste[] = "\033[200~a\x1c" "b\033[201~";

	(void)state;
	/* The chord inside a paste is pasted. */
	expect("C-\\", S("\033[200~a\x1c" "b\033[201~"), 0,
	    S("\033[200~a\x1c" "b\033[201~"));
	/* After the paste it detaches again. */
	expect("C-\\", S("\033[200~x\033[201~y\x1c"), 1,
	    S("\033[200~x\033[201~y"));
	/* A paste whose end never comes stops counting after a second. */
	assert_non_null(k = keys_new("C-\\", "xterm"));
	assert_int_equal(keys_input(k, "\033[200~abc", 9, 0, &out),
	    KEYS_FORWARD);
	assert_int_equal(keys_input(k, "\x1c", 1, 500, &out), KEYS_FORWARD);
	assert_int_equal(keys_timeout(k, 500), 1000);
	keys_expire(k, 1500, &out);
	assert_int_equal(keys_input(k, "\x1c", 1, 1600, &out), KEYS_DETACH);
	keys_free(k);
	/* The paste markers split across reads still count. */
	assert_non_null(k = keys_new("C-\\", "xterm"));
	buf_reset(&out);
	assert_int_equal(keys_input(k, paste, 3, 0, &out), KEYS_FORWARD);
	assert_int_equal(keys_input(k, paste + 3, sizeof paste - 4, 1, &out),
	    KEYS_FORWARD);
	assert_int_equal(out.len, sizeof paste - 1);
	buf_free(&out);
	keys_free(k);
}

static void
test_prefix(void **state)
{
	struct keys	*k;
	struct buf	 out = { 0 };

	(void)state;
	expect("C-a d", S("\x01" "d"), 1, S(""));
	expect("C-a d", S("ab\x01" "d"), 1, S("ab"));
	/* The prefix twice sends it once. */
	expect("C-a d", S("\x01\x01"), 0, S("\x01"));
	expect("C-a d", S("\x01\x01" "d"), 0, S("\x01" "d"));
	/* Another key after the prefix goes with it. */
	expect("C-a d", S("\x01x"), 0, S("\x01x"));
	expect("C-a d", S("\x01\033[A"), 0, S("\x01\033[A"));
	/* d alone is just d. */
	expect("C-a d", S("d"), 0, S("d"));
	/* Kitty form, with the prefix's release in between. */
	expect("C-a d", S("\033[97;5u\033[97;5:3ud"), 1, S(""));
	/* A pending prefix waits for the next key, however long. */
	assert_non_null(k = keys_new("C-a d", "xterm"));
	assert_int_equal(keys_input(k, "\x01", 1, 0, &out), KEYS_FORWARD);
	assert_int_equal(out.len, 0);
	assert_int_equal(keys_timeout(k, 0), -1);
	keys_expire(k, 1000000, &out);
	assert_int_equal(out.len, 0);
	assert_int_equal(keys_input(k, "d", 1, 1000000, &out), KEYS_DETACH);
	assert_int_equal(out.len, 0);
	buf_free(&out);
	keys_free(k);
}

static void
test_other_chords(void **state)
{
	(void)state;
	expect("C-q", S("hi\x11"), 1, S("hi"));
	expect("M-d", S("\033d"), 1, S(""));
	expect("M-d", S("d"), 0, S("d"));
	expect("C-b d", S("\x02" "d"), 1, S(""));
	expect("F12", S("\033[24~"), 1, S(""));
}

static void
test_bad_specs(void **state)
{
	static const char	*bad[] = {
		"", "C-a d e", "Nonsense", "C-", "C-a  d", "x y z",
	};
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		assert_null(keys_new(bad[i], "xterm"));
		assert_int_equal(errno, EINVAL);
	}
	assert_null(keys_new(NULL, "xterm"));
}

/* What is not the chord passes byte for byte: mouse reports, keys,
 * invalid UTF-8, NUL, terminal replies. */
static void
test_passthrough(void **state)
{
	(void)state;
	expect("C-\\", S("\033[<0;10;5M\033[<0;10;5m"), 0,
	    S("\033[<0;10;5M\033[<0;10;5m"));
	expect("C-\\", S("\033[M !!"), 0, S("\033[M !!"));
	expect("C-\\", S("\033[A\033OP\033[15~\033[1;5A"), 0,
	    S("\033[A\033OP\033[15~\033[1;5A"));
	expect("C-\\", "\xff\xfe\xc3\x28\0z", 6, 0, "\xff\xfe\xc3\x28\0z", 6);
	expect("C-\\", S("\033]11;rgb:0000/0000/0000\033\\\033[?1;2c"), 0,
	    S("\033]11;rgb:0000/0000/0000\033\\\033[?1;2c"));
	/* libtermkey 0.22 crashes on a CSI with an intermediate byte. */
	expect("C-\\", S("\033[ A\033[?5;2$y\033[>1;2c"), 0,
	    S("\033[ A\033[?5;2$y\033[>1;2c"));
	expect("C-\\", S("\033[12;40R\033[I\033[O"), 0,
	    S("\033[12;40R\033[I\033[O"));
	expect("C-\\", S("h\xc3\xa9llo \xe6\x97\xa5\xf0\x9f\x98\x80"), 0,
	    S("h\xc3\xa9llo \xe6\x97\xa5\xf0\x9f\x98\x80"));
}

/* Random streams without the chord's byte come out whole, however they
 * are cut into reads. */
static void
test_random_streams(void **state)
{
	static const char	 pieces[][12] = {
		"a", "\033", "[", "O", "1", ";", "5", "u", "~", "A", "\r",
		"\xc3", "\xa9", "\xff", "\x01", "\033[200~", "\033[201~",
		"\033]0;t\007", "M", ":", "\x7f", " ", "\033[<", "92",
	};
	struct keys		*k;
	struct buf		 in = { 0 }, out = { 0 };
	size_t			 off, n;
	int			 round, i;

	(void)state;
	srand(7);
	for (round = 0; round < 2000; round++) {
		buf_reset(&in);
		buf_reset(&out);
		for (i = rand() % 40; i > 0; i--)
			buf_adds(&in, pieces[rand() %
			    (sizeof pieces / sizeof pieces[0])]);
		buf_add(&in, "", 1);
		in.len--;
		/* No chord in any form: C-\ is 0x1c or 92;5. */
		if (memchr(in.data, 0x1c, in.len) != NULL ||
		    (in.len > 0 && strstr(in.data, "92;5") != NULL))
			continue;
		assert_non_null(k = keys_new("C-\\", "xterm"));
		for (off = 0; off < in.len; off += n) {
			n = 1 + (size_t)rand() % 8;
			if (n > in.len - off)
				n = in.len - off;
			assert_int_equal(keys_input(k, in.data + off, n,
			    (int64_t)off, &out), KEYS_FORWARD);
		}
		keys_expire(k, 1000000, &out);
		assert_int_equal(out.len, in.len);
		if (in.len > 0)
			assert_memory_equal(out.data, in.data, in.len);
		keys_free(k);
	}
	buf_free(&in);
	buf_free(&out);
}

static void
encodes(const char *name, const char *want, size_t n)
{
	struct buf	 b = { 0 };

	assert_int_equal(keys_encode(name, &b), 0);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.data, want, n);
	buf_free(&b);
}

static void
test_encode(void **state)
{
	struct buf	 b = { 0 };

	(void)state;
	encodes("a", S("a"));
	encodes("C-c", S("\x03"));
	encodes("C-\\", S("\x1c"));
	encodes("C-Space", "\0", 1);
	encodes("M-x", S("\033x"));
	encodes("Enter", S("\r"));
	encodes("Tab", S("\t"));
	encodes("Backspace", S("\x7f"));
	encodes("Escape", S("\033"));
	encodes("Up", S("\033[A"));
	encodes("C-Up", S("\033[1;5A"));
	encodes("Home", S("\033[H"));
	encodes("PageDown", S("\033[6~"));
	encodes("Delete", S("\033[3~"));
	encodes("F1", S("\033OP"));
	encodes("F5", S("\033[15~"));
	encodes("F12", S("\033[24~"));
	encodes("S-F5", S("\033[15;2~"));
	encodes("\xc3\xa9", S("\xc3\xa9"));
	errno = 0;
	assert_int_equal(keys_encode("Nonsense", &b), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(keys_encode("", &b), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
test_release_follows(void **state)
{
	struct keys	*k;
	struct buf	 out = { 0 };

	(void)state;
	assert_non_null(k = keys_new("C-\\", "xterm"));
	assert_int_equal(keys_input(k, "\033[92;5:1u", 10, 0, &out),
	    KEYS_DETACH);
	assert_true(keys_release_follows(k));
	keys_free(k);
	assert_non_null(k = keys_new("C-\\", "xterm"));
	assert_int_equal(keys_input(k, "\x1c", 1, 0, &out), KEYS_DETACH);
	assert_false(keys_release_follows(k));
	keys_free(k);
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_anywhere_in_a_read),
		cmocka_unit_test(test_split_reads),
		cmocka_unit_test(test_lone_escape),
		cmocka_unit_test(test_paste),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_other_chords),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_passthrough),
		cmocka_unit_test(test_random_streams),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_release_follows),
	};

	return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}
