/* The end-to-end harness itself, on ordinary programs: if these fail, the
 * sess tests' failures mean nothing. */
#include <sys/types.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/e2e.h"

static void
test_pty_size_and_echo(void **state)
{
	const char *const argv[] = { "sh", "-c",
	    "stty size; while read l; do echo \"got[$l]\"; done", NULL };
	struct term	*t;

	(void)state;
	t = term_spawn(30, 100, argv);
	assert_non_null(t);
	assert_true(term_expect(t, "30 100", TEST_TIMEOUT));
	term_type(t, "hello\r");
	assert_true(term_expect(t, "got[hello]", TEST_TIMEOUT));
	assert_true(term_wait_screen(t, "got[hello]", TEST_TIMEOUT));
	/* The line discipline echoed the typed line above it. */
	assert_int_equal(vscreen_find(t->screen, "hello"), 1);
	term_write(t, "\004", 1);
	assert_int_equal(term_wait_exit(t, TEST_TIMEOUT), 0);
	term_free(t);
}

static void
test_exit_codes(void **state)
{
	const char *const a[] = { "sh", "-c", "exit 42", NULL };
	const char *const b[] = { "sh", "-c", "kill -TERM $$", NULL };
	struct term	*t;

	(void)state;
	t = term_spawn(24, 80, a);
	assert_int_equal(term_wait_exit(t, TEST_TIMEOUT), 42);
	term_free(t);
	t = term_spawn(24, 80, b);
	assert_int_equal(term_wait_exit(t, TEST_TIMEOUT), 128 + SIGTERM);
	term_free(t);
}

static void
test_termios_seen(void **state)
{
	const char *const argv[] = { "sh", "-c",
	    "stty raw -echo; echo ready; read x", NULL };
	struct termios	 now;
	struct term	*t;

	(void)state;
	t = term_spawn(24, 80, argv);
	assert_true(term_expect(t, "ready", TEST_TIMEOUT));
	assert_int_equal(term_termios(t, &now), 0);
	assert_false(termios_same(&now, &t->initial));
	term_free(t);
}

static void
test_input_consumed(void **state)
{
	const char *const idle[] = { "sh", "-c",
	    "stty raw -echo; echo ready; exec sleep 1000", NULL };
	const char *const reader[] = { "sh", "-c",
	    "stty raw -echo; echo ready; exec cat >/dev/null", NULL };
	struct term	*t;

	(void)state;
	t = term_spawn(24, 80, idle);
	assert_true(term_expect(t, "ready", TEST_TIMEOUT));
	term_type(t, "abc");
	assert_false(term_wait_consumed(t, 300));
	term_free(t);

	t = term_spawn(24, 80, reader);
	assert_true(term_expect(t, "ready", TEST_TIMEOUT));
	term_type(t, "abc");
	assert_true(term_wait_consumed(t, TEST_TIMEOUT));
	term_free(t);
}

static void
test_screen_modes(void **state)
{
	const char *const argv[] = { "printf",
	    "\\033[?1049h\\033[?25l\\033[?2004h\\033=alt\\n", NULL };
	struct term	*t;

	(void)state;
	t = term_spawn(24, 80, argv);
	assert_int_equal(term_wait_exit(t, TEST_TIMEOUT), 0);
	assert_true(term_shows(t, "alt"));
	assert_true(vscreen_altscreen(t->screen));
	assert_false(vscreen_cursor_visible(t->screen));
	assert_int_equal(vscreen_mode(t->screen, 2004), 1);
	assert_int_equal(vscreen_mode(t->screen, 66), 1);
	assert_int_equal(vscreen_mode(t->screen, 1), -1);
	term_free(t);
}

static void
test_screen_text(void **state)
{
	const char *const argv[] = { "sh", "-c",
	    "i=0; while [ $i -lt 30 ]; do echo \"line $i\"; i=$((i+1)); done;"
	    " printf 'a\\344\\270\\226\\347\\225\\214b   \\n'", NULL };
	struct term	*t;
	char		 row[256];

	(void)state;
	t = term_spawn(10, 40, argv);
	assert_int_equal(term_wait_exit(t, TEST_TIMEOUT), 0);
	assert_int_equal(vscreen_find(t->screen, "line 29"), 7);
	vscreen_row(t->screen, 8, row, sizeof row);
	assert_string_equal(row, "a\xe4\xb8\x96\xe7\x95\x8c" "b");
	assert_false(term_shows(t, "line 1"));
	assert_true(vscreen_history_has(t->screen, "line 1"));
	term_free(t);
}

static void
test_big_output(void **state)
{
	const char *const argv[] = { "sh", "-c",
	    "head -c 20000000 /dev/zero | tr '\\0' x; echo; echo END-MARK",
	    NULL };
	struct term	*t;

	(void)state;
	t = term_spawn(24, 80, argv);
	term_no_screen(t);
	assert_true(term_expect(t, "END-MARK", TEST_TIMEOUT));
	assert_true(t->total > 20000000);
	assert_true(t->out.len <= TERM_KEEP + 256 * 1024);
	assert_int_equal(term_wait_exit(t, TEST_TIMEOUT), 0);
	term_free(t);
}

static void
test_run(void **state)
{
	const char *const argv[] = { "sh", "-c",
	    "echo out; echo err >&2; test -t 0 || echo notty; exit 3", NULL };
	struct run	 r;

	(void)state;
	assert_int_equal(run_argv(&r, argv, TEST_TIMEOUT), 3);
	assert_string_equal(r.out.data, "out\nnotty\n");
	assert_string_equal(r.err.data, "err\n");
	assert_int_equal(count_lines(&r.out), 2);
	run_free(&r);
}

static void
test_orphans_found(void **state)
{
	const char *const argv[] = { "sh", "-c",
	    "sleep 1000 </dev/null >/dev/null 2>&1 & echo $!", NULL };
	struct run	 r;
	pid_t		 pids[4];
	pid_t		 orphan;

	(void)state;
	assert_int_equal(run_argv(&r, argv, TEST_TIMEOUT), 0);
	orphan = (pid_t)atoi(r.out.data);
	run_free(&r);
	assert_true(orphan > 0);
	assert_int_equal(descendants(pids, 4), 1);
	assert_int_equal(pids[0], orphan);
	assert_int_equal(parent_pid(orphan), getpid());
	kill(orphan, SIGKILL);
	assert_true(wait_pid_gone(orphan, TEST_TIMEOUT));
	child_reap();
	assert_int_equal(descendants(pids, 4), 0);
}

static void
test_list_parse(void **state)
{
	static const char text[] =
	    "NAME        STATE        PID    CLIENTS  SIZE    AGE    COMMAND\n"
	    "build       detached     4242   0        120x40  3h12m  make -j8\n"
	    "old         exited(1)    -      0        80x24   1d     ./run.sh\n";
	static const char bad[] =
	    "NAME  STATE  PID  CLIENTS  SIZE  AGE  COMMAND\n"
	    "averylongname detached 1 0 80x24 1s sh\n";
	struct row	 rows[4];

	(void)state;
	assert_int_equal(list_parse(text, rows, 4), 2);
	assert_string_equal(rows[0].name, "build");
	assert_string_equal(rows[0].state, "detached");
	assert_string_equal(rows[0].pid, "4242");
	assert_string_equal(rows[0].clients, "0");
	assert_string_equal(rows[0].size, "120x40");
	assert_string_equal(rows[0].age, "3h12m");
	assert_string_equal(rows[0].command, "make -j8");
	assert_string_equal(rows[1].state, "exited(1)");
	assert_string_equal(rows[1].pid, "-");
	assert_int_equal(list_parse(bad, rows, 4), -1);
	assert_int_equal(list_parse("", rows, 4), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		e2e_test(test_pty_size_and_echo),
		e2e_test(test_exit_codes),
		e2e_test(test_termios_seen),
		e2e_test(test_input_consumed),
		e2e_test(test_screen_modes),
		e2e_test(test_screen_text),
		e2e_test(test_big_output),
		e2e_test(test_run),
		e2e_test(test_orphans_found),
		e2e_test(test_list_parse),
	};

	return cmocka_run_group_tests_name("e2e harness", tests, NULL, NULL);
}
