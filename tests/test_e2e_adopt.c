/* sess adopt as a user runs it: a job under a real bash in one terminal,
 * sess adopt from another, then the session like any other (attach,
 * detach, resize, C-c, exit status), and every refusal.
 *
 * The victims are this program, started with --victim MODE, so that each
 * one does exactly one thing the test can watch. */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/e2e.h"
#include "lib/victim.h"

static int
teardown(void **state)
{
	victim_kill_all();
	return e2e_teardown(state);
}

#define adopt_test(f)	cmocka_unit_test_setup_teardown(f, e2e_setup, \
			    teardown)

/* A victim that ticks, started as victim_start does, once it ticks. */
static pid_t
ticking(struct term *old, const char *prefix, const char *mode,
    const char *suffix)
{
	pid_t	 pid;

	pid = victim_start(old, prefix, mode, suffix);
	expect_output(old, "tick 2");
	return pid;
}

/* The usual victim: a ticking job in the foreground of an interactive
 * bash on the old terminal (*old), once it ticks. */
static pid_t
ticking_job(struct term **old, int rows, int cols)
{
	*old = victim_shell(rows, cols);
	return ticking(*old, "", "tick", "");
}

/* C-c on the session's terminal reaches the program, which ends. */
static void
expect_interrupted(struct term *cli)
{
	term_type(cli, "\003");
	expect_exit(cli, 128 + SIGINT);
}

static const char *
str_pid(pid_t pid)
{
	static char	 buf[4][16];
	static int	 n;

	n = (n + 1) % 4;
	snprintf(buf[n], sizeof buf[n], "%d", (int)pid);
	return buf[n];
}

/* Its output reaches the session's terminal and no longer the old one. */
static void
expect_moved(struct term *old, struct term *cli)
{
	expect_output(cli, "tick");
	term_skip(old);
	expect_output(cli, "\ntick");
	expect_output(cli, "\ntick");
	expect_output(cli, "\ntick");
	if (term_seen(old, "tick")) {
		show_term(old);
		fail_msg("the old terminal still gets output");
	}
}

/* The old shell answers, and the job no longer reads its terminal. */
static void
expect_old_shell(struct term *old)
{
	expect_shell(old, 6, 7);
}

static int
pid_alive(pid_t pid)
{
	struct proc_stat	 st;

	return proc_stat(pid, &st) == 0 && st.state != 'Z' && st.state != 'X';
}

static int
is_zombie(void *arg)
{
	struct proc_stat	 st;

	return proc_stat(*(pid_t *)arg, &st) == 0 && st.state == 'Z';
}

/* A refusal: exit 1, one line on stderr naming the cause, no session. */
static void
expect_refusal(struct run *r, const char *want)
{
	struct run	 l;

	if (r->code != 1 || strncmp(r->err.data, "sess: ", 6) != 0 ||
	    count_lines(&r->err) != 1 || strstr(r->err.data, want) == NULL) {
		print_message("exit %d, stderr: %s(wanted \"%s\")\n", r->code,
		    r->err.data, want);
		fail();
	}
	assert_int_equal(r->out.len, 0);
	assert_int_equal(run_sess(&l, "-l", "-1", NULL), 0);
	assert_int_equal(l.out.len, 0);
	run_free(&l);
}

/* The victim still runs on its old terminal. */
static void
expect_untouched(struct term *old, pid_t pid)
{
	assert_true(pid_alive(pid));
	term_skip(old);
	expect_output(old, "tick");
	expect_output(old, "\ntick");
}

/* ---- tests ---- */

/* A foreground job under bash, adopted from another terminal: it runs on
 * the session's pty at the client's size, its old shell gets the prompt
 * back, resizes and C-c reach it, and its status is the client's. */
static void
test_adopt_foreground_job(void **state)
{
	struct term	*old, *cli;
	struct row	 row;
	pid_t		 pid;

	(void)state;
	pid = ticking_job(&old, 24, 80);

	cli = term_sess(30, 100, "adopt", str_pid(pid), "job", NULL);
	assert_non_null(cli);
	expect_moved(old, cli);
	expect_old_shell(old);
	assert_true(wait_state("job", "attached", TEST_TIMEOUT));
	assert_true(list_get("job", &row));
	assert_string_equal(row.pid, str_pid(pid));
	assert_string_equal(row.size, "100x30");
	assert_non_null(strstr(row.command, "--victim tick"));

	assert_int_equal(term_resize(cli, 35, 110), 0);
	expect_output(cli, "winch 35x110");
	expect_interrupted(cli);
	expect_screen(cli, "[job exited with 130]");
	assert_true(wait_sock_gone("job", TEST_TIMEOUT));
	assert_false(term_seen(old, "tick"));
	expect_old_shell(old);
}

/* With another detach chord, C-\ is the program's SIGQUIT again. */
static void
test_adopt_sigquit(void **state)
{
	struct term	*old, *cli;
	pid_t		 pid;

	(void)state;
	pid = ticking_job(&old, 24, 80);
	cli = term_sess(24, 80, "adopt", "-e", "C-a d", str_pid(pid), "quit",
	    NULL);
	expect_moved(old, cli);
	term_type(cli, "\034");
	expect_exit(cli, 128 + SIGQUIT);
	expect_screen(cli, "[quit exited with 131]");
}

/* sess adopt -n with the default name, at the old terminal's size;
 * attached, detached and attached again like any session; sess -k ends
 * it with SIGHUP although its old shell still lives. */
static void
test_adopt_detach_reattach(void **state)
{
	struct term	*old, *a, *b;
	struct run	 r;
	struct pollfd	 p;
	char		 name[64];
	pid_t		 pid;

	(void)state;
	pid = ticking_job(&old, 33, 90);
	p.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	p.events = POLLIN;
	assert_true(p.fd != -1);

	/* Options may also come after the PID. */
	assert_int_equal(run_sess(&r, "adopt", str_pid(pid), "-n", NULL), 0);
	run_free(&r);
	snprintf(name, sizeof name, "test_e2e_adopt-%d", (int)pid);
	assert_true(wait_state(name, "detached", TEST_TIMEOUT));
	assert_true(wait_size(name, "90x33"));
	term_skip(old);
	expect_old_shell(old);

	a = term_sess(40, 120, "-a", name, NULL);
	expect_output(a, "winch 40x120");
	expect_output(a, "\ntick");
	expect_detach(a, "\034", name);
	term_free(a);
	assert_true(wait_state(name, "detached", TEST_TIMEOUT));

	b = term_sess(40, 120, "-a", name, NULL);
	/* The same size: the program is still asked to draw again. */
	expect_output(b, "winch 40x120");
	expect_output(b, "\ntick");
	expect_detach(b, "\034", name);
	term_free(b);
	assert_false(term_seen(old, "tick"));

	session_kill(name);
	assert_int_equal(poll(&p, 1, TEST_TIMEOUT), 1);
	close(p.fd);
	expect_old_shell(old);
}

/* A job stopped with C-z and sent on with bg: adopted as it runs in the
 * background, with the settings a program expects (not the line editor's
 * raw mode). */
static void
test_adopt_background_job(void **state)
{
	struct term	*old, *cli;
	pid_t		 pid;

	(void)state;
	pid = ticking_job(&old, 24, 80);
	term_type(old, "\032");
	expect_output(old, "Stopped");
	term_type(old, "bg\r");
	expect_output(old, "tick");

	cli = term_sess(24, 80, "adopt", str_pid(pid), "bg", NULL);
	expect_moved(old, cli);
	expect_old_shell(old);
	/* No shell could resume it: C-z does not stop it. */
	term_type(cli, "\032");
	assert_int_equal(term_wait_consumed(cli, TEST_TIMEOUT), 1);
	term_skip(cli);
	expect_output(cli, "\ntick");
	expect_output(cli, "\ntick");
	/* A canonical line discipline with signals: C-c still works. */
	expect_interrupted(cli);
}

static int
hup_ignored(void *arg)
{
	return proc_status_has(*(pid_t *)arg, "SigIgn", SIGHUP);
}

static int
hup_handled(void *arg)
{
	return !hup_ignored(arg);
}

/* The program ignores SIGHUP while its old shell lives, and handles it
 * as before once that shell is gone; its exit status, with nobody
 * attached, is listed and collected like any session's. */
static void
test_adopt_sighup_back(void **state)
{
	struct term	*old, *t;
	struct run	 r;
	pid_t		 pid;

	(void)state;
	pid = ticking_job(&old, 24, 80);
	assert_false(hup_ignored(&pid));
	assert_int_equal(run_sess(&r, "adopt", "-n", str_pid(pid), "hup",
	    NULL), 0);
	run_free(&r);
	assert_true(hup_ignored(&pid));
	term_free(old);
	assert_true(poll_until(hup_handled, &pid, TEST_TIMEOUT));
	assert_true(wait_state("hup", "detached", TEST_TIMEOUT));

	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_true(wait_state("hup", "exited(143)", TEST_TIMEOUT));
	t = term_sess(24, 80, "-a", "hup", NULL);
	expect_exit(t, 143);
	expect_screen(t, "[hup exited with 143]");
	assert_true(wait_sock_gone("hup", TEST_TIMEOUT));
}

/* Root adopting another user's process gives that user the session's
 * terminal, which the process opens as itself. */
static void
test_adopt_other_user(void **state)
{
	struct term	*old, *cli;
	struct stat	 sb;
	char		 path[64];
	pid_t		 pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	old = victim_shell(24, 80);
	pid = ticking(old, "setpriv --reuid=65534 --regid=65534 "
	    "--clear-groups ", "tick", "");
	cli = term_sess(24, 80, "adopt", str_pid(pid), "nobody", NULL);
	expect_moved(old, cli);
	snprintf(path, sizeof path, "/proc/%d/fd/0", (int)pid);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_uid, 65534);
	expect_old_shell(old);
	expect_interrupted(cli);
}

/* A program that ignores SIGTSTP is stopped all the same, or its shell
 * would wait for it until it ends. */
static void
test_adopt_ignores_tstp(void **state)
{
	struct term	*old, *cli;
	pid_t		 pid;

	(void)state;
	old = victim_shell(24, 80);
	pid = ticking(old, "", "notstp", "");
	cli = term_sess(24, 80, "adopt", str_pid(pid), "notstp", NULL);
	expect_moved(old, cli);
	expect_old_shell(old);
	expect_interrupted(cli);
}

static int
usr1_pending(void *arg)
{
	return proc_status_has(*(pid_t *)arg, "ShdPnd", SIGUSR1);
}

/* A signal that reaches the process while it is being adopted is held
 * back and delivered once afterwards: here one sent while the job is
 * stopped, which it takes during the adoption. */
static void
test_adopt_signal_redelivered(void **state)
{
	struct term	*old, *cli;
	pid_t		 pid;

	(void)state;
	pid = ticking_job(&old, 24, 80);
	term_type(old, "\032");
	expect_output(old, "Stopped");
	assert_int_equal(kill(pid, SIGUSR1), 0);
	assert_true(poll_until(usr1_pending, &pid, TEST_TIMEOUT));
	cli = term_sess(24, 80, "adopt", str_pid(pid), "sig", NULL);
	expect_output(cli, "usr1 1");
	expect_output(cli, "\ntick");
	expect_output(cli, "\ntick");
	expect_output(cli, "\ntick");
	assert_false(term_seen(cli, "usr1"));
	expect_old_shell(old);
	assert_false(term_seen(old, "tick"));
	expect_interrupted(cli);
}

/* A curses program is drawn again on the session's terminal, at another
 * size and at the same size as its old terminal. */
static void
test_adopt_curses(void **state)
{
	static const char script[] =
	    "import curses, os\n"
	    "def main(w):\n"
	    "    w.timeout(100)\n"
	    "    print('pid=%d.' % os.getpid(), end='', flush=True)\n"
	    "    while True:\n"
	    "        h, c = w.getmaxyx()\n"
	    "        w.erase()\n"
	    "        w.addstr(h // 2, 2, 'CURSES %dx%d' % (h, c))\n"
	    "        w.refresh()\n"
	    "        w.getch()\n"
	    "curses.wrapper(main)\n";
	struct term	*old, *cli;
	const char	*path = scratch_path("tui.py");
	char		 cmd[PATH_MAX + 64];
	const int	 sizes[2][2] = { { 30, 100 }, { 24, 80 } };
	FILE		*f;
	pid_t		 pid;
	int		 i;

	(void)state;
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(script, f);
	fclose(f);
	for (i = 0; i < 2; i++) {
		old = victim_shell(24, 80);
		snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s\r", path);
		term_type(old, cmd);
		pid = victim_pid(old);
		expect_screen(old, "CURSES 24x80");
		cli = term_sess(sizes[i][0], sizes[i][1], "adopt", str_pid(pid),
		    "cur", NULL);
		snprintf(cmd, sizeof cmd, "CURSES %dx%d", sizes[i][0],
		    sizes[i][1]);
		expect_screen(cli, cmd);
		expect_output(old, "PROMPT> ");
		expect_detach(cli, "\034", "cur");
		term_free(cli);
		/* And again after reattaching. */
		cli = term_sess(sizes[i][0], sizes[i][1], "-a", "cur", NULL);
		expect_screen(cli, cmd);
		expect_detach(cli, "\034", "cur");
		term_free(cli);
		session_kill("cur");
		victim_kill_all();
		term_free(old);
	}
}

/* What adopting must leave as it was when it fails. */
/* A step fails half way in the new session's server (the process may
 * make no more descriptors): everything done is undone, the process goes
 * on on its old terminal exactly as it was, no session is left, and the
 * message says what failed. */
static void
test_failure_restores(void **state)
{
	struct term	*old;
	struct run	 r;
	struct victim_snapshot *a, *b;
	pid_t		 pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	a = calloc(1, sizeof *a);
	b = calloc(1, sizeof *b);
	old = victim_shell(24, 80);
	pid = ticking(old, "", "nofile", " &");
	victim_snap(pid, a);
	run_sess(&r, "adopt", "-n", str_pid(pid), NULL);
	expect_refusal(&r, "Too many open files");
	assert_non_null(strstr(r.err.data, "on its old terminal as before"));
	run_free(&r);
	expect_untouched(old, pid);
	victim_snap(pid, b);
	victim_snap_equal(a, b);
	free(a);
	free(b);
}

/* A process whose mount namespace has a /dev/pts of its own cannot
 * open the session's terminal by name: it is handed the descriptor. */
static void
test_adopt_own_devpts(void **state)
{
	struct term	*old, *cli;
	pid_t		 pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	old = victim_shell(24, 80);
	pid = ticking(old, "unshare --mount --propagation private sh -c "
	    "'mount -t devpts -o newinstance devpts /dev/pts && exec \"$0\" "
	    "\"$@\"' ", "tick", "");
	cli = term_sess(24, 80, "adopt", str_pid(pid), "ns", NULL);
	expect_moved(old, cli);
	expect_old_shell(old);
	/* Nothing of the hand-over is left in it. */
	assert_int_equal(proc_fd_count(pid), 3);
	assert_int_equal(term_resize(cli, 30, 90), 0);
	expect_output(cli, "winch 30x90");
	expect_interrupted(cli);
}

/* A thread that never stops (waiting in the kernel for its vfork child)
 * makes the adoption give up after its watchdog's deadline, leaving the
 * process as it was. */
static void
test_watchdog(void **state)
{
	struct term	*old;
	struct run	 r;
	pid_t		 pid, child;
	int64_t		 t0;

	(void)state;
	old = victim_shell(24, 80);
	pid = victim_parent(old, "stuck", " &", &child);
	expect_output(old, "tick 2");
	t0 = now_ms();
	run_sess(&r, "adopt", "-n", str_pid(pid), NULL);
	expect_refusal(&r, "did not stop within");
	assert_non_null(strstr(r.err.data, "as before"));
	run_free(&r);
	assert_true(now_ms() - t0 < TEST_TIMEOUT);
	expect_untouched(old, pid);
}

/* Refusals that need no victim of ours on a terminal. */
static void
test_refuse_no_process(void **state)
{
	struct run	 r;
	pid_t		 pid, parent;
	int		 fds[2];

	(void)state;
	/* A pid that was just used and is free now. */
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0)
		_exit(0);
	child_track(pid);
	assert_int_equal(child_wait(pid, TEST_TIMEOUT), 0);
	run_sess(&r, "adopt", "-n", str_pid(pid), NULL);
	expect_refusal(&r, "no such process");
	run_free(&r);

	/* A zombie: the child of a process that does not reap it (this
	 * one reaps whatever it can, between any two steps). */
	assert_int_equal(pipe(fds), 0);
	parent = fork();
	assert_true(parent != -1);
	if (parent == 0) {
		close(fds[0]);
		if ((pid = fork()) == 0)
			_exit(3);
		(void)write(fds[1], &pid, sizeof pid);
		for (;;)
			pause();
	}
	child_track(parent);
	close(fds[1]);
	assert_int_equal(read(fds[0], &pid, sizeof pid), sizeof pid);
	close(fds[0]);
	assert_true(poll_until(is_zombie, &pid, TEST_TIMEOUT));
	run_sess(&r, "adopt", "-n", str_pid(pid), NULL);
	expect_refusal(&r, "zombie");
	run_free(&r);
	kill(parent, SIGKILL);
	assert_int_equal(child_wait(parent, TEST_TIMEOUT), 128 + SIGKILL);

	/* Usage errors. */
	assert_int_equal(run_sess(&r, "adopt", NULL), 2);
	run_free(&r);
	assert_int_equal(run_sess(&r, "adopt", "-n", "12x", NULL), 2);
	run_free(&r);
}

/* No terminal on its descriptors: a daemon-like process. */
static void
test_refuse_no_terminal(void **state)
{
	struct run	 r;
	pid_t		 pid;
	char		*p;

	(void)state;
	/* Its pid is the first thing it prints, to a pipe. */
	assert_int_equal(run_argv(&r, (const char *const[]){ "sh", "-c",
	    "setsid -f \"$0\" --victim tick > \"$1\" 2>&1 < /dev/null",
	    victim_self(), scratch_path("tick.out"), NULL }, TEST_TIMEOUT), 0);
	run_free(&r);
	assert_true(wait_file_has(scratch_path("tick.out"), ".",
	    TEST_TIMEOUT));
	p = slurp(scratch_path("tick.out"));
	assert_non_null(p);
	assert_non_null(strstr(p, "pid="));
	pid = (pid_t)atoi(strstr(p, "pid=") + 4);
	free(p);
	victim_track(pid);
	run_sess(&r, "adopt", "-n", str_pid(pid), NULL);
	expect_refusal(&r, "no terminal");
	run_free(&r);
	assert_true(pid_alive(pid));
}

/* Another user's process, for a user without CAP_SYS_PTRACE; and a
 * process of one's own that is not dumpable. */
static void
test_refuse_not_yours(void **state)
{
	struct term	*old;
	struct run	 r;
	pid_t		 pid;

	(void)state;
	pid = ticking_job(&old, 24, 80);
	run_argv(&r, (const char *const[]){ "setpriv", "--reuid=65534",
	    "--regid=65534", "--clear-groups", sess_bin(), "adopt", "-n",
	    str_pid(pid), NULL }, TEST_TIMEOUT);
	expect_refusal(&r, "belongs to another user");
	run_free(&r);
	expect_untouched(old, pid);
	victim_kill_all();

	pid = ticking(old, "setpriv --reuid=65534 --regid=65534 "
	    "--clear-groups ", "nodump", "");
	run_argv(&r, (const char *const[]){ "setpriv", "--reuid=65534",
	    "--regid=65534", "--clear-groups", sess_bin(), "adopt", "-n",
	    str_pid(pid), NULL }, TEST_TIMEOUT);
	expect_refusal(&r, "not dumpable");
	run_free(&r);
	expect_untouched(old, pid);
}

/* Already traced: the tracer is named, pid and command. */
static void
test_refuse_traced(void **state)
{
	struct term	*old;
	struct run	 r;
	char		 want[64];
	pid_t		 pid, tracer;
	int		 ready[2];
	char		 c;

	(void)state;
	pid = ticking_job(&old, 24, 80);
	assert_int_equal(pipe(ready), 0);
	tracer = fork();
	assert_true(tracer != -1);
	if (tracer == 0) {
		close(ready[0]);
		prctl(PR_SET_NAME, "tinytracer", 0, 0, 0);
		if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) == -1)
			_exit(1);
		(void)write(ready[1], "x", 1);
		for (;;)
			pause();
	}
	child_track(tracer);
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);

	run_sess(&r, "adopt", "-n", str_pid(pid), NULL);
	snprintf(want, sizeof want, "traced by %d (tinytracer)", (int)tracer);
	expect_refusal(&r, want);
	run_free(&r);
	expect_untouched(old, pid);
	kill(tracer, SIGKILL);
	child_wait(tracer, TEST_TIMEOUT);
	expect_untouched(old, pid);
}

/* A process stuck in the kernel (state D), and one in the session of the
 * shell sess adopt runs in. */
static void
test_refuse_state_self(void **state)
{
	struct term	*old;
	struct run	 r;
	pid_t		 pid, child;
	char		 cmd[PATH_MAX + 64];

	(void)state;
	old = victim_shell(24, 80);
	pid = victim_parent(old, "vfork", "", &child);
	run_sess(&r, "adopt", "-n", str_pid(pid), NULL);
	expect_refusal(&r, "state D");
	run_free(&r);
	assert_true(pid_alive(pid));
	victim_kill_all();
	expect_output(old, "PROMPT> ");

	/* Quoted apart, so that the echo of the line is not the answer. */
	pid = victim_start(old, "", "tick", " > /dev/null & echo pid\"\"=$!.");
	term_skip(old);
	snprintf(cmd, sizeof cmd, "%s adopt -n $!; echo status=$?\r",
	    sess_bin());
	term_type(old, cmd);
	expect_output(old, "in sess's own session");
	expect_output(old, "status=1");
	assert_true(pid_alive(pid));
}

/* A pipeline (its group has others), a shell with a job (its session
 * has others), a seccomp sandbox: refused, each left as it was. */
static void
test_refuse_company_seccomp(void **state)
{
	struct term	*old, *shell;
	struct run	 r;
	pid_t		 pid;

	(void)state;
	old = victim_shell(24, 80);
	pid = ticking(old, "", "tick", " | cat");
	run_sess(&r, "adopt", "-n", str_pid(pid), NULL);
	expect_refusal(&r, "shares its process group");
	run_free(&r);
	expect_untouched(old, pid);
	victim_kill_all();
	expect_output(old, "PROMPT> ");

	pid = ticking(old, "", "seccomp", "");
	run_sess(&r, "adopt", "-n", str_pid(pid), NULL);
	expect_refusal(&r, "seccomp");
	run_free(&r);
	expect_untouched(old, pid);
	victim_kill_all();

	shell = victim_shell(24, 80);
	pid = victim_start(shell, "", "tick", " &");
	expect_output(shell, "tick 2");
	run_sess(&r, "adopt", "-n", str_pid(shell->pid), NULL);
	expect_refusal(&r, "adopt the job itself");
	run_free(&r);
	expect_shell(shell, 3, 5);
}

int
main(int argc, char *argv[])
{
	const struct CMUnitTest tests[] = {
		adopt_test(test_adopt_foreground_job),
		adopt_test(test_adopt_sigquit),
		adopt_test(test_adopt_detach_reattach),
		adopt_test(test_adopt_background_job),
		adopt_test(test_adopt_sighup_back),
		adopt_test(test_adopt_other_user),
		adopt_test(test_adopt_ignores_tstp),
		adopt_test(test_adopt_signal_redelivered),
		adopt_test(test_adopt_curses),
		adopt_test(test_adopt_own_devpts),
		adopt_test(test_failure_restores),
		adopt_test(test_watchdog),
		adopt_test(test_refuse_no_process),
		adopt_test(test_refuse_no_terminal),
		adopt_test(test_refuse_not_yours),
		adopt_test(test_refuse_traced),
		adopt_test(test_refuse_company_seccomp),
		adopt_test(test_refuse_state_self),
	};

	if (argc == 3 && strcmp(argv[1], "--victim") == 0)
		return victim_main(argv[2]);
	return cmocka_run_group_tests_name("e2e adopt", tests, NULL, NULL);
}
