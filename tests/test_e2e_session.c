/* One session's life: create, attach, detach, reattach, exit statuses,
 * the foreground server, the program's environment. */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
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

#include "lib/e2e.h"

/* Create with -c, work, detach, reattach from another terminal, find
 * the program still running and its earlier output on the screen. */
static void
test_create_detach_reattach(void **state)
{
	struct term	*a, *b;

	(void)state;
	a = term_sess(30, 100, "-c", "s1", "sh", NULL);
	assert_non_null(a);
	expect_shell(a, 6, 7);
	term_type(a, "stty size\r");
	expect_output(a, "30 100");
	assert_true(wait_state("s1", "attached", TEST_TIMEOUT));
	assert_true(wait_clients("s1", 1));
	assert_true(wait_size("s1", "100x30"));
	expect_detach(a, "\034", "s1");
	term_free(a);

	assert_true(wait_state("s1", "detached", TEST_TIMEOUT));
	b = term_sess(40, 120, "-a", "s1", NULL);
	/* The screen comes back as the program left it. */
	expect_screen(b, "42");
	expect_shell(b, 7, 8);
	term_type(b, "stty size\r");
	expect_output(b, "40 120");
	expect_detach(b, "\034", "s1");
	term_free(b);
	session_kill("s1");
}

/* Attach and detach many times in a row: nothing accumulates. */
static void
test_attach_detach_cycles(void **state)
{
	struct term	*t;
	int		 i;

	(void)state;
	session_new("cyc", "sh", NULL);
	for (i = 0; i < 5; i++) {
		t = term_sess(24, 80, "-a", "cyc", NULL);
		expect_shell(t, 3, i + 10);
		expect_detach(t, "\034", "cyc");
		term_free(t);
	}
	assert_true(wait_state("cyc", "detached", TEST_TIMEOUT));
	session_kill("cyc");
}

struct status_case {
	const char	*script;
	int		 code;
};

static const struct status_case status_cases[] = {
	{ "true", 0 },
	{ "false", 1 },
	{ "echo last words; exit 42", 42 },
	{ "kill -TERM $$", 128 + SIGTERM },
	{ "kill -KILL $$", 128 + SIGKILL },
};

/* The program exits while the client is attached: the client exits with
 * its status, says so, and the session is gone. */
static void
test_exit_status_attached(void **state)
{
	struct termios	 tio;
	struct term	*t;
	char		 line[64];
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(status_cases); i++) {
		t = term_sess(24, 80, "-c", "st", "sh", "-c",
		    status_cases[i].script, NULL);
		expect_exit(t, status_cases[i].code);
		snprintf(line, sizeof line, "[st exited with %d]",
		    status_cases[i].code);
		expect_screen(t, line);
		if (status_cases[i].code == 42)
			expect_screen(t, "last words");
		assert_int_equal(term_termios(t, &tio), 0);
		assert_true(termios_same(&tio, &t->initial));
		term_free(t);
		assert_true(wait_sock_gone("st", TEST_TIMEOUT));
	}
}

/* The program exits while nobody is attached: the session is listed as
 * exited(N) with no pid; attaching shows the last screen and exits with
 * N; then the session is gone. */
static void
test_exit_status_detached(void **state)
{
	struct term	*t;
	struct row	 row;
	char		 want[32], line[64];
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(status_cases); i++) {
		session_new("dt", "sh", "-c", status_cases[i].script, NULL);
		snprintf(want, sizeof want, "exited(%d)", status_cases[i].code);
		if (!wait_state("dt", want, TEST_TIMEOUT)) {
			list_get("dt", &row);
			print_message("state %s, expected %s\n", row.state,
			    want);
			fail();
		}
		assert_true(list_get("dt", &row));
		assert_string_equal(row.pid, "-");
		t = term_sess(24, 80, "-a", "dt", NULL);
		expect_exit(t, status_cases[i].code);
		snprintf(line, sizeof line, "[dt exited with %d]",
		    status_cases[i].code);
		expect_screen(t, line);
		if (status_cases[i].code == 42)
			expect_screen(t, "last words");
		term_free(t);
		assert_true(wait_sock_gone("dt", TEST_TIMEOUT));
		assert_false(list_get("dt", NULL));
	}
}

/* When the program exits, the client keeps its last screen: what it
 * printed stays, above the status line. */
static void
test_exit_keeps_last_screen(void **state)
{
	struct term	*t;
	int		 text, status;

	(void)state;
	t = term_sess(24, 80, "-c", "ls", "sh", "-c",
	    "printf 'first line\\nsecond line\\n'; read x; exit 2", NULL);
	expect_screen(t, "second line");
	term_type(t, "\r");
	expect_exit(t, 2);
	expect_screen(t, "[ls exited with 2]");
	text = vscreen_find(t->screen, "second line");
	status = vscreen_find(t->screen, "[ls exited with 2]");
	assert_true(vscreen_find(t->screen, "first line") >= 0);
	if (text == -1 || status <= text) {
		print_message("the last screen is not kept above the status "
		    "line\n");
		show_term(t);
		fail();
	}
	term_free(t);
	assert_true(wait_sock_gone("ls", TEST_TIMEOUT));
}

/* The same for a program that ends on the alternate screen (one that
 * crashed, say): SPEC 4 has clients keep its last screen on the main
 * screen, so the user still sees what it showed last. */
static void
test_exit_from_alternate_screen(void **state)
{
	struct term	*t;
	int		 text, status;

	(void)state;
	t = term_sess(24, 80, "-c", "la", "sh", "-c",
	    "printf 'main screen text\\n\\033[?1049h\\033[5;1Hfinal alt "
	    "text'; read x; exit 2", NULL);
	expect_screen(t, "final alt text");
	term_type(t, "\r");
	expect_exit(t, 2);
	expect_screen(t, "[la exited with 2]");
	assert_false(vscreen_altscreen(t->screen));
	text = vscreen_find(t->screen, "final alt text");
	status = vscreen_find(t->screen, "[la exited with 2]");
	if (text == -1 || status <= text) {
		print_message("the alternate screen's last content is not kept "
		    "on the main screen\n");
		show_term(t);
		fail();
	}
	term_free(t);
	assert_true(wait_sock_gone("la", TEST_TIMEOUT));
}

/* -q: no status lines, same exit statuses. */
static void
test_quiet(void **state)
{
	struct term	*t;

	(void)state;
	t = term_sess(24, 80, "-q", "-c", "q1", "sh", "-c", "exit 3", NULL);
	expect_exit(t, 3);
	assert_false(term_seen(t, "exited with"));
	term_free(t);
	assert_true(wait_sock_gone("q1", TEST_TIMEOUT));

	t = term_sess(24, 80, "-c", "q2", "-q", "sh", NULL);
	expect_shell(t, 6, 7);
	term_type(t, "\034");
	expect_exit(t, 0);
	assert_false(term_seen(t, "detached"));
	term_free(t);

	t = term_sess(24, 80, "-q", "-a", "q2", NULL);
	expect_shell(t, 6, 8);
	term_type(t, "exit 5\r");
	expect_exit(t, 5);
	assert_false(term_seen(t, "exited with"));
	term_free(t);
	assert_true(wait_sock_gone("q2", TEST_TIMEOUT));
}

/* Detaching undoes what the program did to the terminal: the alternate
 * screen, a hidden cursor, cursor-key, keypad, paste and mouse modes,
 * and raw mode. */
static void
test_detach_restores_terminal(void **state)
{
	struct term	*t;
	struct termios	 tio;
	int		 status, row, col;

	(void)state;
	t = term_sess(24, 80, "-c", "rt", "sh", "-c",
	    "printf 'before\\n'; printf '\\033[?1049h\\033[?25l\\033[?1h"
	    "\\033=\\033[?2004h\\033[?1000h\\033[?1006h\\033[?1004h"
	    "on the alternate screen'; exec sleep 1000", NULL);
	expect_screen(t, "on the alternate screen");
	assert_int_equal(term_termios(t, &tio), 0);
	assert_false(termios_same(&tio, &t->initial));
	expect_detach(t, "\034", "rt");
	assert_false(vscreen_altscreen(t->screen));
	assert_true(vscreen_cursor_visible(t->screen));
	assert_int_not_equal(vscreen_mode(t->screen, 1), 1);
	assert_int_not_equal(vscreen_mode(t->screen, 66), 1);
	assert_int_not_equal(vscreen_mode(t->screen, 2004), 1);
	assert_int_not_equal(vscreen_mode(t->screen, 1000), 1);
	assert_int_not_equal(vscreen_mode(t->screen, 1006), 1);
	assert_int_not_equal(vscreen_mode(t->screen, 1004), 1);
	assert_false(term_shows(t, "on the alternate screen"));
	/* The status line is on a line of its own, and the cursor below. */
	status = vscreen_find(t->screen, "[detached from rt]");
	assert_true(status >= 0);
	vscreen_cursor(t->screen, &row, &col);
	assert_int_equal(row, status + 1);
	assert_int_equal(col, 0);
	term_free(t);
	session_kill("rt");
}

/* -A creates when the name is free and attaches when it is taken (the
 * command is then ignored). */
static void
test_attach_or_create(void **state)
{
	struct term	*t;

	(void)state;
	t = term_sess(24, 80, "-A", "ac", "sh", NULL);
	expect_shell(t, 6, 7);
	term_type(t, "X=remembered\r");
	expect_detach(t, "\034", "ac");
	term_free(t);

	t = term_sess(24, 80, "-A", "ac", "false", NULL);
	term_skip(t);
	term_type(t, "echo \"<$X>\"\r");
	expect_output(t, "<remembered>");
	expect_detach(t, "\034", "ac");
	term_free(t);
	session_kill("ac");
}

/* -N runs the server in the foreground and exits with the program's
 * status; the session is usable meanwhile. */
static void
test_foreground(void **state)
{
	struct term	*fg, *t;
	struct run	 r;
	char		*size;

	(void)state;
	fg = term_sess(33, 111, "-N", "fg", "sh", "-c",
	    "stty size > \"$0\"; read x; exit 7", scratch_path("size"), NULL);
	assert_true(wait_file_has(scratch_path("size"), "\n", TEST_TIMEOUT));
	size = slurp(scratch_path("size"));
	assert_string_equal(size, "33 111\n");
	free(size);
	assert_true(wait_state("fg", "detached", TEST_TIMEOUT));
	t = term_sess(24, 80, "-a", "fg", NULL);
	assert_true(wait_state("fg", "attached", TEST_TIMEOUT));
	term_type(t, "bye\r");
	expect_exit(t, 7);
	expect_screen(t, "[fg exited with 7]");
	expect_exit(fg, 7);
	term_free(t);
	term_free(fg);
	assert_true(wait_sock_gone("fg", TEST_TIMEOUT));

	/* Without a terminal: 80x24, and the exit status of a program
	 * that nobody attached to. */
	assert_int_equal(run_sess(&r, "-N", "fg2", "sh", "-c",
	    "stty size > \"$0\"; exit 5", scratch_path("size2"), NULL), 5);
	run_free(&r);
	size = slurp(scratch_path("size2"));
	assert_non_null(size);
	assert_string_equal(size, "24 80\n");
	free(size);
	assert_false(sock_exists("fg2"));
}

/* The program's size: the creator's terminal, else 80x24; attaching
 * resizes it to the client's terminal, and the program hears of it. */
static void
test_sizes(void **state)
{
	struct term	*t;
	char		*s;

	(void)state;
	/* -n from a terminal: its size. */
	t = term_sess(33, 99, "-n", "z1", "sh", "-c",
	    "stty size > \"$0\"; exec sleep 1000", scratch_path("z1"), NULL);
	expect_exit(t, 0);
	term_free(t);
	assert_true(wait_file_has(scratch_path("z1"), "\n", TEST_TIMEOUT));
	s = slurp(scratch_path("z1"));
	assert_string_equal(s, "33 99\n");
	free(s);
	session_kill("z1");

	/* -n without one: 80x24. */
	session_new("z2", "sh", "-c",
	    "trap 'stty size >> \"$0\"' WINCH; stty size > \"$0\"; "
	    "while :; do sleep 0.05; done", scratch_path("z2"), NULL);
	assert_true(wait_file_has(scratch_path("z2"), "24 80\n",
	    TEST_TIMEOUT));
	assert_true(wait_size("z2", "80x24"));

	/* Attaching resizes, with SIGWINCH. */
	t = term_sess(41, 131, "-a", "z2", NULL);
	assert_true(wait_file_has(scratch_path("z2"), "41 131\n",
	    TEST_TIMEOUT));
	assert_true(wait_size("z2", "131x41"));
	/* And so does resizing the client's terminal. */
	term_resize(t, 20, 70);
	assert_true(wait_file_has(scratch_path("z2"), "20 70\n",
	    TEST_TIMEOUT));
	expect_detach(t, "\034", "z2");
	term_free(t);
	session_kill("z2");
}

/* Reattaching at the same size still tells the program to redraw: a
 * SIGWINCH to the pty's foreground process group. */
static void
test_reattach_same_size_winch(void **state)
{
	struct term	*t;
	const char	*f = scratch_path("winch");

	(void)state;
	session_new("w", "sh", "-c",
	    "trap 'echo winch >> \"$0\"' WINCH; echo ready > \"$0\"; "
	    "while :; do sleep 0.05; done", f, NULL);
	assert_true(wait_file_has(f, "ready", TEST_TIMEOUT));
	t = term_sess(24, 80, "-a", "w", NULL);
	assert_true(wait_file_has(f, "winch", TEST_TIMEOUT));
	expect_detach(t, "\034", "w");
	term_free(t);
	session_kill("w");
}

/* What the program finds in its environment and working directory. */
static void
test_environment(void **state)
{
	const char	*f = scratch_path("env");
	char		 want[PATH_MAX * 2], cwd[PATH_MAX];
	char		*got;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof cwd));
	setenv("TERM", "screen-256color", 1);
	session_new("env1", "sh", "-c",
	    "echo \"$SESS|$SESS_DIR|$TERM|$(pwd)\" > \"$0\"; exec sleep 1000",
	    f, NULL);
	snprintf(want, sizeof want, "env1|%s|screen-256color|%s\n",
	    e2e_dir(), cwd);
	assert_true(wait_file_has(f, "\n", TEST_TIMEOUT));
	got = slurp(f);
	assert_string_equal(got, want);
	free(got);
	session_kill("env1");

	unlink(f);
	unsetenv("TERM");
	session_new("env2", "sh", "-c", "echo \"$TERM\" > \"$0\"; "
	    "exec sleep 1000", f, NULL);
	assert_true(wait_file_has(f, "\n", TEST_TIMEOUT));
	got = slurp(f);
	assert_string_equal(got, "xterm-256color\n");
	free(got);
	session_kill("env2");
	setenv("TERM", "xterm-256color", 1);
}

/* No COMMAND: $SHELL, then /bin/sh. */
static void
test_default_command(void **state)
{
	struct row	 row;

	(void)state;
	setenv("SHELL", "/bin/cat", 1);
	session_new("dc1", NULL);
	assert_true(list_get("dc1", &row));
	assert_string_equal(row.command, "/bin/cat");
	session_kill("dc1");
	unsetenv("SHELL");
	session_new("dc2", NULL);
	assert_true(list_get("dc2", &row));
	assert_string_equal(row.command, "/bin/sh");
	session_kill("dc2");
	setenv("SHELL", "/bin/sh", 1);
}

/* The program gets the session's pty on 0, 1 and 2 and nothing else:
 * not the session socket, not the terminal of whoever created it. */
static void
test_program_descriptors(void **state)
{
	char		 path[PATH_MAX], link[256], first[256];
	struct dirent	*de;
	DIR		*d;
	pid_t		 pid;
	ssize_t		 n;
	int		 count = 0;

	(void)state;
	session_new("fd", "sleep", "1000", NULL);
	assert_true((pid = program_pid("fd")) > 0);
	assert_int_equal(socket_holders("fd"), 1);
	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	assert_non_null(d = opendir(path));
	first[0] = '\0';
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/fd/%s", (int)pid,
		    de->d_name);
		n = readlink(path, link, sizeof link - 1);
		assert_true(n > 0);
		link[n] = '\0';
		/* Under make memcheck, valgrind's log file is left open
		 * in what it execs: valgrind's, not ours to close. */
		if (getenv("SESS_VALGRIND") != NULL &&
		    strncmp(link, e2e_reports(), strlen(e2e_reports())) == 0)
			continue;
		if (first[0] == '\0')
			snprintf(first, sizeof first, "%s", link);
		if (atoi(de->d_name) > 2 || strcmp(link, first) != 0 ||
		    strncmp(link, "/dev/pts/", 9) != 0) {
			print_message("the program has fd %s: %s\n",
			    de->d_name, link);
			fail();
		}
		count++;
	}
	closedir(d);
	assert_int_equal(count, 3);
	session_kill("fd");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		e2e_test(test_create_detach_reattach),
		e2e_test(test_attach_detach_cycles),
		e2e_test(test_exit_status_attached),
		e2e_test(test_exit_status_detached),
		e2e_test(test_exit_keeps_last_screen),
		e2e_test(test_exit_from_alternate_screen),
		e2e_test(test_quiet),
		e2e_test(test_detach_restores_terminal),
		e2e_test(test_attach_or_create),
		e2e_test(test_foreground),
		e2e_test(test_sizes),
		e2e_test(test_reattach_same_size_winch),
		e2e_test(test_environment),
		e2e_test(test_default_command),
		e2e_test(test_program_descriptors),
	};

	return cmocka_run_group_tests_name("e2e session", tests, NULL, NULL);
}
