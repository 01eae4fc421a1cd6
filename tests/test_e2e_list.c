/* Listing and ending sessions: sess -l, bare sess, -l -1, -k, stale
 * sockets, servers that do not answer, servers that die. */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <linux/fs.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
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

static void
assert_comm(pid_t pid, const char *want)
{
	char	 path[64], *comm;

	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	comm = slurp(path);
	assert_non_null(comm);
	comm[strcspn(comm, "\n")] = '\0';
	assert_string_equal(comm, want);
	free(comm);
}

/* DIR/.NAME: the card a session's server keeps for listings. */
static const char *
card_of(const char *name)
{
	static char	 path[PATH_MAX];
	const char	*sock = sock_path(name);
	const char	*slash = strrchr(sock, '/');

	snprintf(path, sizeof path, "%.*s/.%s", (int)(slash - sock), sock,
	    name);
	return path;
}

static int
card_exists(const char *name)
{
	struct stat	 st;

	return lstat(card_of(name), &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 0777) == 0600;
}

/* The card of a new session: its server makes it just after its creator
 * heard it started, so it is waited for. */
static int
card_made(const char *name)
{
	return wait_file(card_of(name), TEST_TIMEOUT) && card_exists(name);
}

/* AGE is one or two units: 0s, 45s, 5m, 3h12m, 1d. */
static int
age_ok(const char *age)
{
	const char	*p = age;
	int		 units = 0;

	while (*p != '\0') {
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
		if (strchr("smhd", *p) == NULL || *p == '\0')
			return 0;
		p++;
		units++;
	}
	return units == 1 || units == 2;
}

/* sess -l with two sessions: a header and two lines. Both servers must
 * answer the same listing; on a loaded machine one may be late (shown as
 * ?), so ask again. r holds the listing, rows its two rows. */
static void
list_two(struct run *r, struct row rows[2])
{
	int64_t	 end = now_ms() + TEST_TIMEOUT;

	for (;;) {
		assert_int_equal(run_sess(r, "-l", NULL), 0);
		assert_int_equal(r->err.len, 0);
		assert_int_equal(count_lines(&r->out), 3);
		assert_int_equal(strncmp(r->out.data, "NAME", 4), 0);
		assert_int_equal(list_parse(r->out.data, rows, 2), 2);
		if ((strcmp(rows[0].state, "?") != 0 &&
		    strcmp(rows[1].state, "?") != 0) || now_ms() >= end)
			return;
		run_free(r);
		nap(20);
	}
}

static void
test_list_empty(void **state)
{
	struct run	 r;

	(void)state;
	assert_int_equal(run_sess(&r, "-l", NULL), 0);
	assert_int_equal(r.out.len, 0);
	assert_int_equal(r.err.len, 0);
	run_free(&r);
	assert_int_equal(run_sess(&r, NULL), 0);
	assert_int_equal(r.out.len, 0);
	run_free(&r);
	assert_int_equal(run_sess(&r, "-l", "-1", NULL), 0);
	assert_int_equal(r.out.len, 0);
	run_free(&r);
}

static void
test_list_format(void **state)
{
	struct row	 rows[8];
	struct run	 r, bare;
	struct term	*t;
	pid_t		 pid;

	(void)state;
	session_new("bee", "sleep", "1000", NULL);
	t = term_sess(30, 100, "-c", "ant", "cat", NULL);
	term_type(t, "hello\r");
	expect_screen(t, "hello");
	assert_true(wait_state("ant", "attached", TEST_TIMEOUT));

	list_two(&r, rows);
	/* Sorted by name. */
	assert_string_equal(rows[0].name, "ant");
	assert_string_equal(rows[1].name, "bee");

	assert_string_equal(rows[0].state, "attached");
	assert_string_equal(rows[0].clients, "1");
	assert_string_equal(rows[0].size, "100x30");
	assert_string_equal(rows[0].command, "cat");
	pid = (pid_t)atoi(rows[0].pid);
	assert_true(pid > 0);
	assert_comm(pid, "cat");

	assert_string_equal(rows[1].state, "detached");
	assert_string_equal(rows[1].clients, "0");
	assert_string_equal(rows[1].size, "80x24");
	assert_string_equal(rows[1].command, "sleep 1000");
	pid = (pid_t)atoi(rows[1].pid);
	assert_true(pid > 0);
	assert_comm(pid, "sleep");
	assert_true(age_ok(rows[0].age));
	assert_true(age_ok(rows[1].age));

	/* Bare sess lists the same (AGE may have ticked). */
	assert_int_equal(run_sess(&bare, NULL), 0);
	assert_int_equal(list_parse(bare.out.data, rows, 8), 2);
	assert_string_equal(rows[0].name, "ant");
	assert_string_equal(rows[1].name, "bee");
	run_free(&bare);
	run_free(&r);

	assert_int_equal(run_sess(&r, "-l", "-1", NULL), 0);
	assert_string_equal(r.out.data, "ant\nbee\n");
	run_free(&r);

	expect_detach(t, "\034", "ant");
	term_free(t);
	session_kill("ant");
	session_kill("bee");
}

/* A command line with a newline, a tab and an ESC in it is listed on
 * one line, its control characters escaped. */
static void
test_list_control_chars(void **state)
{
	struct row	 rows[2];
	struct run	 r;

	(void)state;
	session_new("ctl", "sh", "-c", "exec sleep 1000", "a\nb\tc\033[2Jd\\e",
	    NULL);
	session_new("plain", "sleep", "1000", NULL);
	list_two(&r, rows);
	assert_null(strchr(r.out.data, '\t'));
	assert_null(strchr(r.out.data, '\033'));
	assert_string_equal(rows[0].name, "ctl");
	assert_string_equal(rows[0].state, "detached");
	assert_string_equal(rows[0].command,
	    "sh -c exec sleep 1000 a\\nb\\tc\\x1b[2Jd\\\\e");
	assert_string_equal(rows[1].name, "plain");
	assert_string_equal(rows[1].command, "sleep 1000");
	run_free(&r);
	session_kill("ctl");
	session_kill("plain");
}

static void
test_list_exited(void **state)
{
	struct row	 row;

	(void)state;
	session_new("ex", "sh", "-c", "exit 9", NULL);
	assert_true(wait_state("ex", "exited(9)", TEST_TIMEOUT));
	assert_true(list_get("ex", &row));
	assert_string_equal(row.pid, "-");
	assert_string_equal(row.clients, "0");
	assert_string_equal(row.command, "sh -c exit 9");
	/* Listing does not collect it. */
	assert_true(list_get("ex", &row));
	assert_string_equal(row.state, "exited(9)");
	session_kill("ex");
	assert_false(list_get("ex", NULL));
}

/* sess -k: attached clients say why and exit 0, the program gets
 * SIGHUP, and the name is gone (not listed as exited). */
static void
test_kill_attached(void **state)
{
	struct term	*a, *b;
	pid_t		 pid;

	(void)state;
	a = term_sess(24, 80, "-c", "kk", "sleep", "1000", NULL);
	assert_true(wait_state("kk", "attached", TEST_TIMEOUT));
	b = term_sess(30, 90, "-a", "kk", NULL);
	assert_true(wait_clients("kk", 2));
	pid = program_pid("kk");
	assert_true(pid > 0);
	session_kill("kk");
	expect_exit(a, 0);
	expect_exit(b, 0);
	expect_screen(a, "[kk killed]");
	expect_screen(b, "[kk killed]");
	assert_true(wait_pid_gone(pid, TEST_TIMEOUT));
	assert_false(list_get("kk", NULL));
	term_free(a);
	term_free(b);

	/* With -q, silently. */
	a = term_sess(24, 80, "-q", "-c", "kq", "sleep", "1000", NULL);
	assert_true(wait_state("kq", "attached", TEST_TIMEOUT));
	session_kill("kq");
	expect_exit(a, 0);
	assert_false(term_seen(a, "killed"));
	term_free(a);
}

static void
test_kill_detached_and_missing(void **state)
{
	struct run	 r;
	pid_t		 pid;

	(void)state;
	session_new("kd", "sh", "-c", "trap 'echo hup > \"$0\"; exit 0' HUP; "
	    "echo ready > \"$0\"; while :; do sleep 0.05; done",
	    scratch_path("hup"), NULL);
	assert_true(wait_file_has(scratch_path("hup"), "ready", TEST_TIMEOUT));
	pid = program_pid("kd");
	assert_true(pid > 0);
	session_kill("kd");
	assert_true(wait_pid_gone(pid, TEST_TIMEOUT));
	assert_true(wait_file_has(scratch_path("hup"), "hup", TEST_TIMEOUT));
	assert_false(list_get("kd", NULL));

	assert_int_equal(run_sess(&r, "-k", "nosuch", NULL), 1);
	assert_int_equal(count_lines(&r.err), 1);
	assert_int_equal(strncmp(r.err.data, "sess: ", 6), 0);
	assert_non_null(strstr(r.err.data, "nosuch"));
	run_free(&r);
}

/* The server dies: its program gets SIGHUP and exits; the name is then
 * listed once as stale and its socket removed; the name can be used
 * again. */
static void
test_server_killed(void **state)
{
	struct row	 row;
	struct run	 r;
	pid_t		 server, program;
	int		 code;

	(void)state;
	session_new("sk", "sleep", "1000", NULL);
	program = program_pid("sk");
	server = server_pid("sk");
	assert_true(program > 0);
	assert_true(server > 0);
	assert_int_equal(parent_pid(program), server);
	child_track(program);
	child_track(server);
	kill(server, SIGKILL);
	assert_int_equal(child_wait(server, TEST_TIMEOUT), 128 + SIGKILL);
	/* The program is re-parented here once its server is gone. */
	code = child_wait(program, TEST_TIMEOUT);
	assert_int_equal(code, 128 + SIGHUP);

	assert_true(sock_exists("sk"));
	assert_true(card_made("sk"));
	assert_true(list_get("sk", &row));
	assert_string_equal(row.state, "stale");
	assert_false(sock_exists("sk"));
	assert_false(card_exists("sk"));
	assert_int_equal(run_sess(&r, "-l", NULL), 0);
	assert_int_equal(r.out.len, 0);
	run_free(&r);

	session_new("sk", "sleep", "1000", NULL);
	session_kill("sk");
}

/* An attached client whose server dies does not hang, and gives the
 * terminal back as it was. */
static void
test_server_killed_attached(void **state)
{
	struct termios	 tio;
	struct term	*t;
	pid_t		 server;

	(void)state;
	t = term_sess(24, 80, "-c", "ska", "sh", NULL);
	expect_shell(t, 6, 7);
	server = server_pid("ska");
	assert_true(server > 0);
	kill(server, SIGKILL);
	assert_true(term_wait_exit(t, TEST_TIMEOUT) != -1);
	assert_int_equal(term_termios(t, &tio), 0);
	assert_true(termios_same(&tio, &t->initial));
	term_free(t);
	/* The client can hear of the death before the server's card is
	 * free (the kernel lets go of a dead process's files in no set
	 * order): stale once it is. */
	assert_true(wait_state("ska", "stale", TEST_TIMEOUT));
	assert_false(sock_exists("ska"));
}

/* A stale socket never blocks a new session of its name, nor -k. */
static void
test_stale_socket_reused(void **state)
{
	pid_t		 server;
	struct run	 r;

	(void)state;
	session_new("st", "sleep", "1000", NULL);
	server = server_pid("st");
	child_track(server);
	kill(server, SIGKILL);
	assert_int_equal(child_wait(server, TEST_TIMEOUT), 128 + SIGKILL);
	assert_true(sock_exists("st"));
	session_new("st", "sleep", "1000", NULL);
	session_kill("st");

	session_new("st2", "sleep", "1000", NULL);
	server = server_pid("st2");
	child_track(server);
	kill(server, SIGKILL);
	assert_int_equal(child_wait(server, TEST_TIMEOUT), 128 + SIGKILL);
	run_sess(&r, "-k", "st2", NULL);
	run_free(&r);
	assert_false(sock_exists("st2"));
}

/* A server that does not answer, and has no card to read instead, is
 * shown as ? and does not hang the listing. */
static void
test_list_wedged(void **state)
{
	struct row	 row;
	pid_t		 server;
	int64_t		 start;

	(void)state;
	session_new("wg", "sleep", "1000", NULL);
	session_new("ok", "sleep", "1000", NULL);
	server = server_pid("wg");
	assert_true(server > 0);
	kill(server, SIGSTOP);
	assert_int_equal(unlink(card_of("wg")), 0);
	start = now_ms();
	assert_true(list_get_once("wg", &row));
	assert_string_equal(row.state, "?");
	assert_true(now_ms() - start < LIST_WEDGED_MAX);
	assert_true(list_get("ok", &row));
	assert_string_equal(row.state, "detached");
	kill(server, SIGCONT);
	assert_true(wait_state("wg", "detached", TEST_TIMEOUT));
	session_kill("wg");
	session_kill("ok");
}

/* A listing reads each session's card, not its server: a stopped server
 * is listed as it is, and its card follows a client that attaches and
 * one that resizes; a session that ends takes its card with it. */
static void
test_list_cards(void **state)
{
	struct row	 row;
	struct term	*t;
	pid_t		 server;
	char		 pid[16];

	(void)state;
	session_new("cd", "sleep", "1000", NULL);
	assert_true(card_made("cd"));
	server = server_pid("cd");
	assert_true(server > 0);
	snprintf(pid, sizeof pid, "%d", (int)program_pid("cd"));
	kill(server, SIGSTOP);
	assert_true(list_get_once("cd", &row));
	kill(server, SIGCONT);
	assert_string_equal(row.state, "detached");
	assert_string_equal(row.pid, pid);
	assert_string_equal(row.size, "80x24");

	t = term_sess(30, 100, "-a", "cd", NULL);
	assert_true(wait_state("cd", "attached", TEST_TIMEOUT));
	server = server_pid("cd");
	kill(server, SIGSTOP);
	assert_true(list_get_once("cd", &row));
	kill(server, SIGCONT);
	assert_string_equal(row.state, "attached");
	assert_string_equal(row.size, "100x30");
	expect_detach(t, "\034", "cd");
	term_free(t);
	assert_true(wait_state("cd", "detached", TEST_TIMEOUT));

	session_kill("cd");
	assert_false(card_exists("cd"));
}

/* A card its server could not write again is dropped, not left saying
 * what is no longer so: once a client attached, a stopped server is
 * asked (and shown as ?), not listed as detached from the old card. */
static void
test_list_card_unwritable(void **state)
{
	struct row	 row;
	struct term	*t;
	pid_t		 server;
	int		 fd, flags, attached, listed;

	(void)state;
	session_new("cu", "sleep", "1000", NULL);
	assert_true(card_made("cu"));
	assert_true((fd = open(card_of("cu"), O_RDONLY)) != -1);
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == -1 ||
	    (flags |= FS_IMMUTABLE_FL,
	    ioctl(fd, FS_IOC_SETFLAGS, &flags)) == -1) {
		print_message("no immutable files here: %s\n",
		    strerror(errno));
		close(fd);
		session_kill("cu");
		skip();
	}
	t = term_sess(24, 80, "-a", "cu", NULL);
	listed = 0;
	if ((attached = wait_state("cu", "attached", TEST_TIMEOUT))) {
		server = server_pid("cu");
		kill(server, SIGSTOP);
		listed = list_get_once("cu", &row);
		kill(server, SIGCONT);
	}
	/* Mutable again before any verdict, or nothing could remove it. */
	flags &= ~FS_IMMUTABLE_FL;
	assert_int_equal(ioctl(fd, FS_IOC_SETFLAGS, &flags), 0);
	close(fd);
	assert_true(attached);
	assert_true(listed);
	assert_string_equal(row.state, "?");
	expect_detach(t, "\034", "cu");
	term_free(t);
	session_kill("cu");
}

/* Servers that do not answer are asked at once: three of them, each
 * given REQUEST_TIMEOUT, cost one listing less than twice that (one after
 * another they would cost three times), and the live session beside them
 * is listed too. */
static void
test_list_wedged_together(void **state)
{
	static const char	*wedged[] = { "wa", "wb", "wc" };
	struct row		 row, rows[8];
	struct run		 r;
	pid_t			 server[3];
	int64_t			 took;
	size_t			 i;

	(void)state;
	session_new("ok", "sleep", "1000", NULL);
	for (i = 0; i < nitems(wedged); i++) {
		session_new(wedged[i], "sleep", "1000", NULL);
		server[i] = server_pid(wedged[i]);
		assert_true(server[i] > 0);
	}
	for (i = 0; i < nitems(wedged); i++) {
		kill(server[i], SIGSTOP);
		assert_int_equal(unlink(card_of(wedged[i])), 0);
	}
	took = now_ms();
	assert_int_equal(run_sess(&r, "-l", NULL), 0);
	took = now_ms() - took;
	if (took >= 2 * REQUEST_TIMEOUT) {
		print_message("sess -l took %lld ms\n", (long long)took);
		fail();
	}
	assert_int_equal(list_parse(r.out.data, rows, 8), 4);
	assert_string_equal(rows[0].name, "ok");
	for (i = 0; i < nitems(wedged); i++) {
		assert_string_equal(rows[i + 1].name, wedged[i]);
		assert_string_equal(rows[i + 1].state, "?");
	}
	run_free(&r);
	/* A loaded machine may have left it unanswered too: ask again. */
	assert_true(list_get("ok", &row));
	assert_string_equal(row.state, "detached");
	for (i = 0; i < nitems(wedged); i++) {
		kill(server[i], SIGCONT);
		assert_true(wait_state(wedged[i], "detached", TEST_TIMEOUT));
		session_kill(wedged[i]);
	}
	session_kill("ok");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		e2e_test(test_list_empty),
		e2e_test(test_list_format),
		e2e_test(test_list_control_chars),
		e2e_test(test_list_exited),
		e2e_test(test_kill_attached),
		e2e_test(test_kill_detached_and_missing),
		e2e_test(test_server_killed),
		e2e_test(test_server_killed_attached),
		e2e_test(test_stale_socket_reused),
		e2e_test(test_list_cards),
		e2e_test(test_list_card_unwritable),
		e2e_test(test_list_wedged),
		e2e_test(test_list_wedged_together),
	};

	return cmocka_run_group_tests_name("e2e list", tests, NULL, NULL);
}
