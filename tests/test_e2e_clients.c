/* Several clients on one session: output to all, input from all but
 * read-only ones, the size following the last one that attached or
 * typed (never a low-priority one), and clients that stop reading, die,
 * or get frozen while the program floods the terminal. */
#include <sys/stat.h>
#include <sys/types.h>

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

#include "lib/e2e.h"

/* Prints what it reads, one line at a time, without echo, so what shows
 * on the screen is what the program got. */
#define READER	"stty -echo; while read -r l; do echo \"got[$l]\"; done"

static void
test_two_clients(void **state)
{
	struct term	*a, *b;

	(void)state;
	a = term_sess(24, 80, "-c", "two", "sh", "-c", READER, NULL);
	assert_true(wait_clients("two", 1));
	b = term_sess(24, 80, "-a", "two", NULL);
	assert_true(wait_clients("two", 2));
	term_type(a, "from a\r");
	expect_screen(a, "got[from a]");
	expect_screen(b, "got[from a]");
	term_type(b, "from b\r");
	expect_screen(a, "got[from b]");
	expect_screen(b, "got[from b]");

	/* One leaves, the other carries on. */
	expect_detach(a, "\034", "two");
	assert_true(wait_clients("two", 1));
	term_type(b, "still here\r");
	expect_screen(b, "got[still here]");
	expect_detach(b, "\034", "two");
	term_free(a);
	term_free(b);
	session_kill("two");
}

/* The size follows the client that attached or typed last. */
static void
test_size_follows_last(void **state)
{
	struct term	*a, *b;

	(void)state;
	a = term_sess(30, 90, "-c", "sz", "sh", NULL);
	expect_shell(a, 6, 7);
	b = term_sess(40, 120, "-a", "sz", NULL);
	assert_true(wait_clients("sz", 2));
	assert_true(wait_size("sz", "120x40"));
	term_skip(b);
	term_type(b, "stty size\r");
	expect_output(b, "40 120");
	term_skip(a);
	term_type(a, "stty size\r");
	expect_output(a, "30 90");
	assert_true(wait_size("sz", "90x30"));
	term_skip(b);
	term_type(b, "stty size\r");
	expect_output(b, "40 120");
	expect_detach(a, "\034", "sz");
	expect_detach(b, "\034", "sz");
	term_free(a);
	term_free(b);
	session_kill("sz");
}

/* -L never sets the size, neither attaching nor typing. */
static void
test_low_priority(void **state)
{
	struct term	*t, *big;
	struct row	 row;

	(void)state;
	session_new("lp", "sh", NULL);
	t = term_sess(50, 150, "-L", "-a", "lp", NULL);
	assert_true(wait_clients("lp", 1));
	term_skip(t);
	term_type(t, "stty size\r");
	expect_output(t, "24 80");
	term_resize(t, 45, 140);
	expect_shell(t, 6, 7);
	term_skip(t);
	term_type(t, "stty size\r");
	expect_output(t, "24 80");
	assert_true(list_get("lp", &row));
	assert_string_equal(row.size, "80x24");

	/* A normal client still does. */
	big = term_sess(35, 100, "-a", "lp", NULL);
	assert_true(wait_clients("lp", 2));
	term_skip(big);
	term_type(big, "stty size\r");
	expect_output(big, "35 100");
	expect_detach(big, "\034", "lp");
	expect_detach(t, "\034", "lp");
	term_free(t);
	term_free(big);
	session_kill("lp");
}

/* -r: what the client types never reaches the program, but the detach
 * chord still detaches; it never sets the size either. */
static void
test_read_only(void **state)
{
	struct term	*rw, *ro;
	struct row	 row;

	(void)state;
	rw = term_sess(24, 80, "-c", "ro", "sh", "-c", READER, NULL);
	assert_true(wait_clients("ro", 1));
	ro = term_sess(30, 100, "-r", "-a", "ro", NULL);
	assert_true(wait_clients("ro", 2));
	term_type(ro, "typed read-only\r");
	/* The server has read it and thrown it away... */
	assert_true(term_wait_consumed(ro, TEST_TIMEOUT));
	/* ...before what the other client types next. */
	term_type(rw, "typed read-write\r");
	expect_screen(rw, "got[typed read-write]");
	expect_screen(ro, "got[typed read-write]");
	assert_false(term_shows(rw, "read-only"));
	assert_true(list_get("ro", &row));
	assert_string_equal(row.size, "80x24");
	expect_detach(ro, "\034", "ro");
	assert_true(wait_clients("ro", 1));
	expect_detach(rw, "\034", "ro");
	term_free(rw);
	term_free(ro);
	session_kill("ro");
}

/* A client killed with SIGKILL: the session survives, the server lets
 * go of the dead client's terminal, and reattaching works. */
static void
test_client_killed(void **state)
{
	struct term	*a, *b;

	(void)state;
	a = term_sess(24, 80, "-c", "ck", "sh", NULL);
	expect_shell(a, 6, 7);
	kill(a->pid, SIGKILL);
	assert_int_equal(term_wait_exit(a, TEST_TIMEOUT), 128 + SIGKILL);
	assert_true(wait_clients("ck", 0));
	assert_true(wait_state("ck", "detached", TEST_TIMEOUT));

	b = term_sess(24, 80, "-a", "ck", NULL);
	expect_shell(b, 7, 8);
	/* Output no longer goes to the dead client's terminal. */
	term_skip(a);
	expect_shell(b, 8, 9);
	assert_false(term_seen(a, "72"));
	expect_detach(b, "\034", "ck");
	term_free(a);
	term_free(b);
	session_kill("ck");
}

/* A client whose terminal stops reading (its process stopped, its pty
 * not read) while the program prints 200 MB: the program finishes, the
 * other client sees everything, and the frozen one recovers once it
 * reads again. */
static void
test_frozen_client(void **state)
{
	struct term	*frozen, *live;
	const char	*done = scratch_path("done");
	char		 script[512];
	int64_t		 start;

	(void)state;
	snprintf(script, sizeof script,
	    "read go; head -c 200000000 /dev/zero | tr '\\0' x; echo; "
	    "echo ALL\"\"DONE; touch '%s'; read line; echo \"GOT[$line]\"; "
	    "exec sleep 1000", done);
	frozen = term_sess(24, 80, "-c", "fz", "sh", "-c", script, NULL);
	assert_true(wait_clients("fz", 1));
	live = term_sess(24, 80, "-a", "fz", NULL);
	assert_true(wait_clients("fz", 2));
	term_no_screen(live);

	kill(frozen->pid, SIGSTOP);
	term_type(live, "go\r");
	start = now_ms();
	if (!term_expect(live, "ALLDONE", 6 * TEST_TIMEOUT)) {
		print_message("the program did not finish; the live client "
		    "got %llu bytes\n", live->total);
		fail();
	}
	assert_true(wait_file(done, TEST_TIMEOUT));
	print_message("200 MB went through in %lld ms\n",
	    (long long)(now_ms() - start));
	assert_true(live->total > 1000000);

	/* The frozen one comes back. */
	kill(frozen->pid, SIGCONT);
	term_type(frozen, "thawed\r");
	expect_output(frozen, "GOT[thawed]");
	expect_output(live, "GOT[thawed]");
	expect_screen(frozen, "GOT[thawed]");
	expect_screen(frozen, "ALLDONE");
	expect_detach(frozen, "\034", "fz");
	term_type(live, "\034");
	expect_exit(live, 0);
	term_free(frozen);
	term_free(live);
	session_kill("fz");
}

/* A client that never reads at all does not slow the program when it is
 * the only one. */
static void
test_only_client_frozen(void **state)
{
	struct term	*t;
	const char	*done = scratch_path("done");
	char		 script[512];

	(void)state;
	snprintf(script, sizeof script,
	    "read go; head -c 20000000 /dev/zero | tr '\\0' y; "
	    "touch '%s'; exec sleep 1000", done);
	t = term_sess(24, 80, "-c", "of", "sh", "-c", script, NULL);
	assert_true(wait_clients("of", 1));
	kill(t->pid, SIGSTOP);
	term_type(t, "go\r");
	assert_true(wait_file(done, 6 * TEST_TIMEOUT));
	kill(t->pid, SIGCONT);
	term_no_screen(t);
	term_drain(t);
	term_type(t, "\034");
	expect_exit(t, 0);
	term_free(t);
	session_kill("of");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		e2e_test(test_two_clients),
		e2e_test(test_size_follows_last),
		e2e_test(test_low_priority),
		e2e_test(test_read_only),
		e2e_test(test_client_killed),
		e2e_test(test_frozen_client),
		e2e_test(test_only_client_frozen),
	};

	return cmocka_run_group_tests_name("e2e clients", tests, NULL, NULL);
}
