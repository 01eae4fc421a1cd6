/* The detach chord as a user types it: anywhere in the input, split
 * across reads, in the forms terminals send, changed with -e or
 * SESS_DETACH_KEYS, turned off with -E, ignored inside a paste. The
 * program shows in hex exactly which bytes reached it. */
#include <sys/types.h>

#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "lib/e2e.h"

/* A program that reads n bytes from a raw terminal, prints them in hex
 * and waits. It says when its terminal is raw in a file, so that tests
 * know when to type without depending on the screen being redrawn. */
static const char *
bytes_prog(int n)
{
	static char	 script[PATH_MAX + 256];

	unlink(scratch_path("ready"));
	snprintf(script, sizeof script, "stty raw -echo; echo ready > '%s'; "
	    "head -c %d | od -An -tx1; echo END; exec sleep 1000",
	    scratch_path("ready"), n);
	return script;
}

/* The program has set its terminal up. Typing must also wait for the
 * client to have set up the user's (wait_attached). */
static void
wait_ready(void)
{
	assert_true(wait_file_has(scratch_path("ready"), "ready",
	    TEST_TIMEOUT));
}

/* Types each piece in its own write, waiting until the server has read
 * the one before, so that the pieces arrive in separate reads. */
static void
type_apart(struct term *t, const char *const *pieces)
{
	for (; *pieces != NULL; pieces++) {
		term_type(t, *pieces);
		assert_true(term_wait_consumed(t, TEST_TIMEOUT));
	}
}

static int
wait_attached(const char *name)
{
	return wait_state(name, "attached", TEST_TIMEOUT);
}

/* Bytes before the chord reach the program; the chord and what follows
 * it in the same read do not. */
static void
test_chord_mid_input(void **state)
{
	struct term	*t;

	(void)state;
	t = term_sess(24, 80, "-c", "k1", "sh", "-c", bytes_prog(4), NULL);
	wait_ready();
	assert_true(wait_attached("k1"));
	expect_detach(t, "ab\034ZZ", "k1");
	term_free(t);
	t = term_sess(24, 80, "-a", "k1", NULL);
	assert_true(wait_attached("k1"));
	term_type(t, "cd");
	expect_screen(t, "61 62 63 64");
	expect_detach(t, "\034", "k1");
	term_free(t);
	session_kill("k1");
}

/* A chord that comes in two writes, as over a slow link, is still a
 * chord, and its first bytes are not let through. (An escape sequence
 * cut short is only held back for a while, so the two writes follow each
 * other at once.) */
static void
test_chord_split(void **state)
{
	static const char *const first[] = { "a", NULL };
	struct term	*t;

	(void)state;
	t = term_sess(24, 80, "-c", "k2", "sh", "-c", bytes_prog(2), NULL);
	wait_ready();
	assert_true(wait_attached("k2"));
	type_apart(t, first);
	term_type(t, "\033[92");
	term_type(t, ";5u");
	expect_exit(t, 0);
	expect_screen(t, "[detached from k2]");
	term_free(t);
	t = term_sess(24, 80, "-a", "k2", NULL);
	assert_true(wait_attached("k2"));
	term_type(t, "b");
	expect_screen(t, "61 62");
	expect_detach(t, "\034", "k2");
	term_free(t);
	session_kill("k2");
}

/* A program that shows, with cat -v, every byte it reads, as it reads
 * it. */
static const char *
show_prog(void)
{
	static char	 script[PATH_MAX + 256];

	unlink(scratch_path("ready"));
	snprintf(script, sizeof script, "stty raw -echo; echo ready > '%s'; "
	    "exec cat -v", scratch_path("ready"));
	return script;
}

/* The kitty chord split in two over a slow link: the server reads the
 * first half on its own, and the second comes half the escape time later
 * (that pause is the input being tested). The client detaches and none
 * of the chord reaches the program. */
static void
test_chord_split_slow(void **state)
{
	static const char *const first[] = { "a", "\033[92", NULL };
	struct term	*t;
	struct run	 r;

	(void)state;
	t = term_sess(24, 80, "-c", "k9", "sh", "-c", show_prog(), NULL);
	wait_ready();
	assert_true(wait_attached("k9"));
	type_apart(t, first);
	nap(ESCAPE_TIME / 2);
	term_type(t, ";5u");
	expect_exit(t, 0);
	expect_screen(t, "[detached from k9]");
	term_free(t);
	assert_int_equal(run_sess(&r, "send", "k9", "z", NULL), 0);
	run_free(&r);
	expect_dump("k9", NULL, "az");
	assert_false(dump_has("k9", NULL, "^["));
	assert_false(dump_has("k9", NULL, "92"));
	session_kill("k9");
}

/* A lone Escape, with nothing after it, is held as the start of a
 * sequence and then let go by the server's timer: the program gets it. */
static void
test_lone_escape(void **state)
{
	struct term	*t;

	(void)state;
	t = term_sess(24, 80, "-c", "k10", "sh", "-c", bytes_prog(1), NULL);
	wait_ready();
	assert_true(wait_attached("k10"));
	term_type(t, "\033");
	expect_screen(t, "1b");
	expect_screen(t, "END");
	expect_detach(t, "\034", "k10");
	term_free(t);
	session_kill("k10");
}

/* The forms a terminal sends C-\ in. */
static void
test_chord_forms(void **state)
{
	static const char *const forms[] = {
		"\034",			/* legacy */
		"\033[92;5u",		/* kitty keyboard protocol */
		"\033[92;133u",		/* the same with num lock on */
		"\033[27;5;92~",	/* xterm modifyOtherKeys */
	};
	struct term	*t;
	size_t		 i;

	(void)state;
	session_new("k3", "sh", "-c", bytes_prog(1), NULL);
	wait_ready();
	for (i = 0; i < nitems(forms); i++) {
		t = term_sess(24, 80, "-a", "k3", NULL);
		assert_true(wait_attached("k3"));
		expect_detach(t, forms[i], "k3");
		term_free(t);
		assert_true(wait_state("k3", "detached", TEST_TIMEOUT));
	}
	/* None of it reached the program. */
	t = term_sess(24, 80, "-a", "k3", NULL);
	assert_true(wait_attached("k3"));
	term_type(t, "z");
	expect_screen(t, "END");
	expect_screen(t, " 7a");
	expect_detach(t, "\034", "k3");
	term_free(t);
	session_kill("k3");
}

/* -e with a prefix: prefix and another key pass as they are, the prefix
 * twice passes once, the old chord is an ordinary key, and the pending
 * prefix waits across reads. */
static void
test_prefix_chord(void **state)
{
	static const char *const keys[] = { "\001", "x", "\034", "\001",
	    "\001", NULL };
	struct term	*t;

	(void)state;
	t = term_sess(24, 80, "-e", "C-a d", "-c", "k4", "sh", "-c",
	    bytes_prog(4), NULL);
	wait_ready();
	assert_true(wait_attached("k4"));
	type_apart(t, keys);
	expect_screen(t, "01 78 1c 01");
	expect_detach(t, "\001d", "k4");
	term_free(t);

	/* The prefix, then the key in another read. */
	t = term_sess(24, 80, "-a", "k4", "-e", "C-a d", NULL);
	assert_true(wait_attached("k4"));
	term_type(t, "\001");
	assert_true(term_wait_consumed(t, TEST_TIMEOUT));
	expect_detach(t, "d", "k4");
	term_free(t);
	session_kill("k4");
}

/* SESS_DETACH_KEYS sets the chord. */
static void
test_chord_from_environment(void **state)
{
	struct term	*t;

	(void)state;
	setenv("SESS_DETACH_KEYS", "C-q", 1);
	t = term_sess(24, 80, "-c", "k5", "sh", "-c", bytes_prog(2), NULL);
	wait_ready();
	assert_true(wait_attached("k5"));
	term_type(t, "\034a");
	expect_screen(t, "1c 61");
	expect_detach(t, "\021", "k5");
	term_free(t);
	unsetenv("SESS_DETACH_KEYS");
	session_kill("k5");
}

/* -E: no chord at all; the session can still be ended from outside. */
static void
test_no_chord(void **state)
{
	struct term	*t;

	(void)state;
	t = term_sess(24, 80, "-E", "-c", "k6", "sh", "-c", bytes_prog(3),
	    NULL);
	wait_ready();
	assert_true(wait_attached("k6"));
	term_type(t, "\034\001q");
	expect_screen(t, "1c 01 71");
	assert_true(wait_attached("k6"));
	session_kill("k6");
	expect_exit(t, 0);
	expect_screen(t, "[k6 killed]");
	term_free(t);
}

/* A chord inside a bracketed paste is pasted, not obeyed. */
static void
test_chord_in_paste(void **state)
{
	struct term	*t;

	(void)state;
	t = term_sess(24, 80, "-c", "k7", "sh", "-c", bytes_prog(15), NULL);
	wait_ready();
	assert_true(wait_attached("k7"));
	term_type(t, "\033[200~a\034b\033[201~");
	expect_screen(t, "1b 5b 32 30 30 7e 61 1c 62 1b 5b 32 30 31 7e");
	expect_detach(t, "\034", "k7");
	term_free(t);
	session_kill("k7");
}

/* A chord that cannot be parsed is refused before anything starts. */
static void
test_bad_chord(void **state)
{
	struct term	*t;
	int		 code;

	(void)state;
	t = term_sess(24, 80, "-e", "C-NoSuchKey", "-c", "k8", "sleep", "1000",
	    NULL);
	code = term_wait_exit(t, TEST_TIMEOUT);
	if (code != 1 && code != 2) {
		print_message("exit %d\n", code);
		show_term(t);
		fail();
	}
	expect_screen(t, "sess: ");
	term_free(t);
	assert_false(sock_exists("k8"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		e2e_test(test_chord_mid_input),
		e2e_test(test_chord_split),
		e2e_test(test_chord_split_slow),
		e2e_test(test_lone_escape),
		e2e_test(test_chord_forms),
		e2e_test(test_prefix_chord),
		e2e_test(test_chord_from_environment),
		e2e_test(test_no_chord),
		e2e_test(test_chord_in_paste),
		e2e_test(test_bad_chord),
	};

	return cmocka_run_group_tests_name("e2e keys", tests, NULL, NULL);
}
