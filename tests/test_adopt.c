/* sess adopt at the level of the ptrace core: real processes on real
 * ptys (a bash in an "old terminal", jobs under it), moved with
 * adopt_move onto a pty the test holds, as the server would.
 *
 * The victims are this program itself, started with --victim MODE, so
 * that each one does exactly one thing the test can watch. */
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "adopt.h"
#include "log.h"
#include "proc.h"
#include "lib/pty.h"
#include "lib/victim.h"

/* What the tests started, and their shells. */
static void
victims_kill(void)
{
	victim_kill_all();
	term_free_all();
	child_reap();
}

/* The old terminal; its screen is not needed. */
static struct term *
old_bash(void)
{
	struct term	*t;

	t = victim_shell(24, 80);
	term_no_screen(t);
	return t;
}

/* The new terminal: a pty whose master the test holds, as the server
 * would. */
static struct term *
new_pty(int rows, int cols, char *name, size_t len)
{
	struct term	*t;
	struct winsize	 ws = { .ws_row = rows, .ws_col = cols };

	t = calloc(1, sizeof *t);
	assert_non_null(t);
	t->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(t->master != -1);
	assert_int_equal(grantpt(t->master), 0);
	assert_int_equal(unlockpt(t->master), 0);
	assert_int_equal(ptsname_r(t->master, name, len), 0);
	t->slave = -1;
	if (rows > 0)
		assert_int_equal(ioctl(t->master, TIOCSWINSZ, &ws), 0);
	fd_set_nonblock(t->master, 1);
	t->rows = rows;
	t->cols = cols;
	return t;
}

static void
new_pty_free(struct term *t)
{
	close(t->master);
	buf_free(&t->out);
	free(t);
}

static int
pidfd_wait(int fd, int timeout)
{
	struct pollfd	 p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, timeout) == 1;
}

/* Ticks reach the new terminal and no longer the old one. */
static void
expect_moved(struct term *old, struct term *new, const char *word)
{
	char	 s[64];
	int	 i;

	assert_true(term_expect(new, word, TEST_TIMEOUT));
	term_skip(old);
	for (i = 0; i < 3; i++) {
		snprintf(s, sizeof s, "\n%s", word);
		assert_true(term_expect(new, s, TEST_TIMEOUT));
	}
	assert_false(term_seen(old, word));
}

/* The old shell answers. */
static void
expect_shell(struct term *old)
{
	term_type(old, "echo answer-$((6*7))\r");
	assert_true(term_expect(old, "answer-42", TEST_TIMEOUT));
}

static void
adopt_ok(pid_t pid, struct adopt_target *t, struct term *new,
    const char *name)
{
	struct adopt_error	 e;

	t->flags = 0;
	if (adopt_check(pid, t, &e) == -1)
		fail_msg("adopt_check: %s", e.msg);
	if (adopt_move(t, new->master, name, &e) == -1)
		fail_msg("adopt_move: %s", e.msg);
}

/* One adoption: a victim run as a job under bash on the old terminal,
 * moved to a new 30x100 pty. */
struct adoption {
	struct term		*old, *new;
	struct adopt_target	 t;
	char			 name[64];
	pid_t			 pid;
};

/* The job, once it printed ready. */
static void
adoption_job(struct adoption *a, const char *mode, const char *ready)
{
	a->old = old_bash();
	a->pid = victim_start(a->old, "", mode, "");
	assert_true(term_expect(a->old, ready, TEST_TIMEOUT));
	a->new = new_pty(30, 100, a->name, sizeof a->name);
}

/* The move: what the job prints (word) shows on the new terminal only. */
static void
adoption_move(struct adoption *a, const char *word)
{
	adopt_ok(a->pid, &a->t, a->new, a->name);
	expect_moved(a->old, a->new, word);
}

static void
adoption_end(struct adoption *a)
{
	adopt_free(&a->t);
	new_pty_free(a->new);
	victims_kill();
}

/* Whatever a test started is killed, also when it failed half way. */
static int
teardown(void **state)
{
	(void)state;
	victims_kill();
	return 0;
}

#define adopt_test(f)	cmocka_unit_test_teardown(f, teardown)

/* ---- tests ---- */

/* A job under bash: setsid path. Ticks move, the shell answers, C-c on
 * the new terminal reaches the job, its exit status is known. */
static void
test_job_setsid(void **state)
{
	struct adoption		 a;
	struct proc_stat	 ps;
	unsigned		 tty;
	struct stat		 sb;

	(void)state;
	adoption_job(&a, "tick", "tick 2");
	adoption_move(&a, "tick");
	assert_false(a.t.leader);
	expect_shell(a.old);

	assert_int_equal(proc_stat(a.pid, &ps), 0);
	assert_int_equal(ps.sid, a.pid);
	assert_int_equal(ps.pgid, a.pid);
	tty = ps.tty_nr;
	assert_int_equal(stat(a.name, &sb), 0);
	assert_int_equal(major(sb.st_rdev), (tty >> 8) & 0xfff);
	assert_int_equal(minor(sb.st_rdev), (tty & 0xff) | ((tty >> 12) & 0xfff00));
	assert_int_equal(tcgetpgrp(a.new->master), a.pid);

	term_type(a.new, "\003");
	assert_true(pidfd_wait(a.t.pidfd, TEST_TIMEOUT));
	assert_int_equal(adopt_exit_status(&a.t), 128 + SIGINT);
	adoption_end(&a);
}

/* The program leads its terminal's session: TIOCNOTTY path. */
static void
test_session_leader(void **state)
{
	struct term		*old, *new;
	struct adopt_target	 t;
	struct winsize		 ws;
	char			 name[64];

	(void)state;
	old = victim_spawn(24, 80, "tick");
	term_no_screen(old);
	assert_true(term_expect(old, "tick 2", TEST_TIMEOUT));
	new = new_pty(0, 0, name, sizeof name);
	adopt_ok(old->pid, &t, new, name);
	assert_true(t.leader);
	expect_moved(old, new, "tick");
	/* The size came from the old terminal: never 0x0. */
	assert_int_equal(ioctl(new->master, TIOCGWINSZ, &ws), 0);
	assert_int_equal(ws.ws_row, 24);
	assert_int_equal(ws.ws_col, 80);
	/* Nobody left to hang it up: SIGHUP is back at once. */
	assert_false(t.hup_ignored);
	assert_int_equal(proc_status_has(old->pid, "SigIgn", SIGHUP), 0);
	assert_int_equal(tcgetpgrp(new->master), old->pid);
	adopt_free(&t);
	new_pty_free(new);
	victims_kill();
}

/* A process that never makes a system call still stops. */
static void
test_busy_loop(void **state)
{
	struct adoption	 a;

	(void)state;
	adoption_job(&a, "busy", "busy 2");
	adoption_move(&a, "busy");
	expect_shell(a.old);
	adoption_end(&a);
}

/* A thread blocked in read(0) reads the new terminal afterwards. */
static void
test_threads(void **state)
{
	struct adoption	 a;

	(void)state;
	adoption_job(&a, "threads", "tick 2");
	adoption_move(&a, "tick");
	term_type(a.new, "hello\r");
	assert_true(term_expect(a.new, "got: hello", TEST_TIMEOUT));
	expect_shell(a.old);
	assert_false(term_seen(a.old, "got:"));
	adoption_end(&a);
}

/* Threads made while the process is being seized are caught too. */
static void
test_thread_churn(void **state)
{
	struct adoption	 a;
	int		 i;

	(void)state;
	for (i = 0; i < 3; i++) {
		adoption_job(&a, "churn", "tick 2");
		adoption_move(&a, "tick");
		expect_shell(a.old);
		adoption_end(&a);
	}
}

/* O_NONBLOCK, close-on-exec and the epoll registration come along. */
static void
test_fd_flags_epoll(void **state)
{
	struct adoption	 a;
	char		 link[64];
	int		 fd, before[8];

	(void)state;
	adoption_job(&a, "fds", "tick 2");
	for (fd = 0; fd < 8; fd++)
		before[fd] = proc_fd_flags(a.pid, fd);
	adoption_move(&a, "tick");
	for (fd = 0; fd < 8; fd++) {
		if (fd == 3 || fd == 4 || fd == 6)
			continue;
		assert_true(proc_fd_link(a.pid, fd, link, sizeof link) > 0);
		assert_string_equal(link, a.name);
		assert_int_equal(proc_fd_flags(a.pid, fd) & ~O_LARGEFILE,
		    before[fd] & ~O_LARGEFILE);
	}
	assert_true(proc_fd_flags(a.pid, 5) & O_NONBLOCK);
	assert_true(proc_fd_flags(a.pid, 7) & O_CLOEXEC);
	assert_false(proc_fd_flags(a.pid, 1) & O_CLOEXEC);
	/* Input on the old terminal is no longer its business. */
	expect_shell(a.old);
	term_type(a.new, "hello\r");
	assert_true(term_expect(a.new, "ep 1234: hello", TEST_TIMEOUT));
	assert_false(term_seen(a.new, "answer"));
	adoption_end(&a);
}

struct sleep_wait {
	pid_t	 pid;
	int64_t	 since;
};

static int
asleep_long_enough(void *arg)
{
	struct sleep_wait	*w = arg;
	struct proc_stat	 st;

	return proc_stat(w->pid, &st) == 0 && st.state == 'S' &&
	    now_ms() - w->since >= 1000;
}

/* A nanosleep interrupted by the adoption ends on time. */
static void
test_nanosleep(void **state)
{
	struct adoption		 a;
	struct sleep_wait	 w;
	struct term		*new;
	char			*p;
	long			 ms;

	(void)state;
	adoption_job(&a, "sleep", "sleeping");
	w.pid = a.pid;
	w.since = now_ms();
	assert_true(poll_until(asleep_long_enough, &w, TEST_TIMEOUT));
	new = a.new;
	adopt_ok(a.pid, &a.t, new, a.name);
	assert_true(term_expect(new, "slept ", TEST_TIMEOUT));
	assert_true(term_expect(new, "\n", TEST_TIMEOUT));
	p = new->out.data + (new->mark - (new->total - new->out.len));
	while (p > new->out.data && p[-1] != ' ')
		p--;
	while (p > new->out.data && p[-1] == ' ')
		p--;
	while (p > new->out.data && p[-1] != ' ')
		p--;
	ms = strtol(p, NULL, 10);
	assert_non_null(memmem(new->out.data, new->out.len, " ok", 3));
	if (ms < 2900 || ms > 3700)
		fail_msg("the 3 s sleep took %ld ms", ms);
	adoption_end(&a);
}

/* SIGHUP is ignored while the old shell lives (it hangs its jobs up when
 * its terminal goes), and given back once it is gone. */
static void
test_sighup(void **state)
{
	struct adoption		 a;
	struct adopt_error	 e;

	(void)state;
	adoption_job(&a, "tick", "tick 2");
	assert_int_equal(proc_status_has(a.pid, "SigIgn", SIGHUP), 0);
	adoption_move(&a, "tick");
	assert_true(a.t.hup_ignored);
	assert_int_equal(a.t.shell, a.old->pid);
	assert_true(a.t.shell_pidfd != -1);
	assert_true(proc_status_has(a.pid, "SigIgn", SIGHUP));

	/* The old terminal goes away: bash hangs up its jobs, and ends. */
	close(a.old->master);
	a.old->master = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(pidfd_wait(a.t.shell_pidfd, TEST_TIMEOUT));
	term_skip(a.new);
	assert_true(term_expect(a.new, "tick", TEST_TIMEOUT));
	assert_int_equal(adopt_restore_sighup(&a.t, &e), 0);
	assert_int_equal(a.t.shell_pidfd, -1);
	assert_int_equal(proc_status_has(a.pid, "SigIgn", SIGHUP), 0);
	term_skip(a.new);
	assert_true(term_expect(a.new, "tick", TEST_TIMEOUT));
	/* It means what it meant before. */
	kill(a.pid, SIGHUP);
	assert_true(pidfd_wait(a.t.pidfd, TEST_TIMEOUT));
	assert_int_equal(adopt_exit_status(&a.t), 128 + SIGHUP);
	adoption_end(&a);
}

/* setsid refused by the process's sandbox: everything done before it is
 * undone and the process goes on as before on its old terminal. */
static void
test_failure_restores(void **state)
{
	struct term		*old, *new;
	struct adopt_target	 t;
	struct adopt_error	 e;
	struct victim_snapshot	*a, *b;
	char			 name[64];
	pid_t			 pid;

	(void)state;
	a = calloc(1, sizeof *a);
	b = calloc(1, sizeof *b);
	old = old_bash();
	pid = victim_start(old, "", "seccomp", " &");
	assert_true(term_expect(old, "tick 2", TEST_TIMEOUT));
	victim_snap(pid, a);

	t.flags = 0;
	assert_int_equal(adopt_check(pid, &t, &e), -1);
	assert_int_equal(e.code, ADOPT_SECCOMP);
	assert_non_null(strstr(e.msg, "seccomp"));

	t.flags = ADOPT_ALLOW_SECCOMP;
	assert_int_equal(adopt_check(pid, &t, &e), 0);
	new = new_pty(30, 100, name, sizeof name);
	assert_int_equal(adopt_move(&t, new->master, name, &e), -1);
	assert_int_equal(e.code, ADOPT_FAILED);
	assert_non_null(strstr(e.msg, "setsid"));
	assert_non_null(strstr(e.msg, "as before"));

	term_skip(old);
	assert_true(term_expect(old, "tick", TEST_TIMEOUT));
	assert_true(term_expect(old, "\ntick", TEST_TIMEOUT));
	victim_snap(pid, b);
	assert_string_equal(a->maps, b->maps);
	victim_snap_equal(a, b);
	assert_false(term_seen(new, "tick"));
	term_drain(new);
	assert_int_equal(new->total, 0);
	expect_shell(old);
	adopt_free(&t);
	new_pty_free(new);
	free(a);
	free(b);
	victims_kill();
}

int
main(int argc, char *argv[])
{
	const struct CMUnitTest tests[] = {
		adopt_test(test_job_setsid),
		adopt_test(test_session_leader),
		adopt_test(test_busy_loop),
		adopt_test(test_threads),
		adopt_test(test_thread_churn),
		adopt_test(test_fd_flags_epoll),
		adopt_test(test_nanosleep),
		adopt_test(test_sighup),
		adopt_test(test_failure_restores),
	};

	if (argc == 3 && strcmp(argv[1], "--victim") == 0)
		return victim_main(argv[2]);
	/* With SESS_LOG set, the steps of each adoption are logged. */
	log_open("test_adopt");
	setenv("PS1", "PROMPT> ", 1);
	setenv("TERM", "dumb", 1);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("adopt", tests, NULL, NULL);
}
