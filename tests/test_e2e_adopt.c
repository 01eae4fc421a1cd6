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

static char		 self[PATH_MAX];
static volatile sig_atomic_t winched, usr1;

/* ---- the victims ---- */

static void
victim_winch(int sig)
{
	(void)sig;
	winched = 1;
}

static void
victim_usr1(int sig)
{
	(void)sig;
	usr1++;
}

/* Ticks ten times a second; says its terminal's size after SIGWINCH, and
 * how many SIGUSR1 it got. */
static void
victim_tick(void)
{
	struct sigaction sa = { .sa_handler = victim_usr1 };
	struct timespec	 ts = { 0, 100000000 };
	struct winsize	 ws;
	int		 i, seen = 0;

	signal(SIGWINCH, victim_winch);
	sigaction(SIGUSR1, &sa, NULL);
	for (i = 0;; i++) {
		if (usr1 != seen) {
			seen = usr1;
			printf("usr1 %d\n", seen);
		}
		if (winched) {
			winched = 0;
			if (ioctl(1, TIOCGWINSZ, &ws) == 0)
				printf("winch %dx%d\n", ws.ws_row, ws.ws_col);
		}
		printf("tick %d\n", i);
		fflush(stdout);
		nanosleep(&ts, NULL);
	}
}

/* A sandbox in which adopting cannot work. */
static void
victim_seccomp(void)
{
	if (seccomp_refuse_setsid() == -1)
		printf("seccomp: %s\n", strerror(errno));
	victim_tick();
}

/* The parent waits for its vfork child in state D; the child says its
 * pid with a bare write and waits too. */
static void
victim_vfork(void)
{
	char	 line[32];
	int	 n;

	if (vfork() == 0) {
		n = snprintf(line, sizeof line, "child=%d.\n", (int)getpid());
		(void)write(1, line, (size_t)n);
		for (;;)
			pause();
	}
	_exit(0);
}

/* A thread that waits for its vfork child, which never lets it go: that
 * thread cannot be stopped. The child leaves the process group, so that
 * the process is not refused for its company. */
static void *
victim_stuck(void *arg)
{
	char	 line[32];
	int	 n;

	(void)arg;
	if (vfork() == 0) {
		setpgid(0, 0);
		n = snprintf(line, sizeof line, "child=%d.\n", (int)getpid());
		(void)write(1, line, (size_t)n);
		for (;;)
			pause();
	}
	return NULL;
}

static int
victim_main(const char *mode)
{
	struct rlimit	 nocore = { 0, 0 };

	/* A SIGQUIT must leave no core file behind. */
	setrlimit(RLIMIT_CORE, &nocore);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "nodump") == 0)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (strcmp(mode, "notstp") == 0)
		signal(SIGTSTP, SIG_IGN);
	if (strcmp(mode, "nofile") == 0) {
		/* No descriptor beyond 0, 1 and 2 can be made. */
		struct rlimit	 rl = { 3, 3 };

		setrlimit(RLIMIT_NOFILE, &rl);
	}
	printf("pid=%d.\n", (int)getpid());
	fflush(stdout);
	if (strcmp(mode, "seccomp") == 0)
		victim_seccomp();
	if (strcmp(mode, "vfork") == 0)
		victim_vfork();
	if (strcmp(mode, "stuck") == 0) {
		pthread_t	 th;

		pthread_create(&th, NULL, victim_stuck, NULL);
	}
	victim_tick();
	return 2;
}

/* ---- helpers ---- */

static pid_t	 victims[16];
static int	 nvictims;

/* Kills what a test started, by pidfd so that a reused pid is safe, and
 * waits until it is gone: the fixture wants nothing left behind. */
static void
victims_kill(void)
{
	int	 i, fd;

	for (i = 0; i < nvictims; i++) {
		fd = (int)syscall(SYS_pidfd_open, victims[i], 0);
		if (fd == -1)
			continue;
		syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
		close(fd);
	}
	for (i = 0; i < nvictims; i++)
		wait_pid_gone(victims[i], TEST_TIMEOUT);
	nvictims = 0;
}

static int
teardown(void **state)
{
	victims_kill();
	return e2e_teardown(state);
}

#define adopt_test(f)	cmocka_unit_test_setup_teardown(f, e2e_setup, \
			    teardown)

/* The old terminal: an interactive bash, as in an SSH login. */
static struct term *
old_bash(int rows, int cols)
{
	const char	*argv[] = { "bash", "--norc", "--noprofile", "-i", NULL };
	struct term	*t;

	setenv("PS1", "PROMPT> ", 1);
	t = term_spawn(rows, cols, argv);
	unsetenv("PS1");
	assert_non_null(t);
	expect_output(t, "PROMPT> ");
	return t;
}

/* The pid a victim printed first. */
static pid_t
victim_pid(struct term *t)
{
	const char	*p, *end;
	pid_t		 pid;

	expect_output(t, "pid=");
	expect_output(t, ".");
	end = t->out.data + (t->mark - (t->total - t->out.len)) - 1;
	for (p = end; p > t->out.data && p[-1] >= '0' && p[-1] <= '9'; p--)
		;
	pid = (pid_t)strtol(p, NULL, 10);
	assert_true(pid > 0);
	if (nvictims < (int)nitems(victims))
		victims[nvictims++] = pid;
	return pid;
}

/* Types a command line that runs a victim (prefix, then this program,
 * then suffix) into the old shell. */
static pid_t
start_victim(struct term *t, const char *prefix, const char *mode,
    const char *suffix)
{
	char	 cmd[PATH_MAX + 256];

	snprintf(cmd, sizeof cmd, "%s%s --victim %s%s\r", prefix, self, mode,
	    suffix);
	term_type(t, cmd);
	return victim_pid(t);
}

/* The usual victim: a ticking job in the foreground of an interactive
 * bash on the old terminal (*old), once it ticks. */
static pid_t
ticking_job(struct term **old, int rows, int cols)
{
	pid_t	 pid;

	*old = old_bash(rows, cols);
	pid = start_victim(*old, "", "tick", "");
	expect_output(*old, "tick 2");
	return pid;
}

/* A victim that forks (mode), and its child, from the "child=PID." the
 * victim prints; both are killed at the end of the test. */
static pid_t
start_parent(struct term *old, const char *mode, const char *suffix,
    pid_t *child)
{
	const char	*p;
	pid_t		 pid;

	pid = start_victim(old, "", mode, suffix);
	expect_output(old, "child=");
	expect_output(old, ".");
	for (p = old->out.data + (old->mark - (old->total - old->out.len)) - 1;
	    p > old->out.data && p[-1] >= '0' && p[-1] <= '9'; p--)
		/* nothing */;
	*child = (pid_t)atoi(p);
	assert_true(*child > 0);
	victims[nvictims++] = *child;
	return pid;
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
	char	 path[64], buf[512], *p;
	FILE	*f;
	int	 alive = 0;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL)
		alive = p[2] != 'Z' && p[2] != 'X';
	fclose(f);
	return alive;
}

static int
is_zombie(void *arg)
{
	char	 path[64], buf[512], *p;
	FILE	*f;
	int	 z = 0;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)*(pid_t *)arg);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL)
		z = p[2] == 'Z';
	fclose(f);
	return z;
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
	term_type(cli, "\003");
	expect_exit(cli, 128 + SIGINT);
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
	term_type(cli, "\003");
	expect_exit(cli, 128 + SIGINT);
}

/* Whether signal sig is in the mask a /proc/PID/status line (SigIgn:,
 * ShdPnd:) gives; 0 if the process is gone. */
static int
status_has(pid_t pid, const char *field, int sig)
{
	char		 path[64], line[256];
	FILE		*f;
	unsigned long long m = 0;
	size_t		 n = strlen(field);

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, field, n) == 0)
			m = strtoull(line + n, NULL, 16);
	fclose(f);
	return (m >> (sig - 1)) & 1;
}

static int
hup_ignored(void *arg)
{
	return status_has(*(pid_t *)arg, "SigIgn:", SIGHUP);
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
	old = old_bash(24, 80);
	pid = start_victim(old, "setpriv --reuid=65534 --regid=65534 "
	    "--clear-groups ", "tick", "");
	expect_output(old, "tick 2");
	cli = term_sess(24, 80, "adopt", str_pid(pid), "nobody", NULL);
	expect_moved(old, cli);
	snprintf(path, sizeof path, "/proc/%d/fd/0", (int)pid);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_uid, 65534);
	expect_old_shell(old);
	term_type(cli, "\003");
	expect_exit(cli, 128 + SIGINT);
}

/* A program that ignores SIGTSTP is stopped all the same, or its shell
 * would wait for it until it ends. */
static void
test_adopt_ignores_tstp(void **state)
{
	struct term	*old, *cli;
	pid_t		 pid;

	(void)state;
	old = old_bash(24, 80);
	pid = start_victim(old, "", "notstp", "");
	expect_output(old, "tick 2");
	cli = term_sess(24, 80, "adopt", str_pid(pid), "notstp", NULL);
	expect_moved(old, cli);
	expect_old_shell(old);
	term_type(cli, "\003");
	expect_exit(cli, 128 + SIGINT);
}

static int
usr1_pending(void *arg)
{
	return status_has(*(pid_t *)arg, "ShdPnd:", SIGUSR1);
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
	term_type(cli, "\003");
	expect_exit(cli, 128 + SIGINT);
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
		old = old_bash(24, 80);
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
		victims_kill();
		term_free(old);
	}
}

/* What adopting must leave as it was when it fails. */
struct snapshot {
	char			 fds[4096];
	unsigned long long	 ign, cgt, blk;
	char			 stat[256];
};

static void
snap(pid_t pid, struct snapshot *s)
{
	char		 path[64], link[256], line[256], buf[1024], *p, *q;
	ssize_t		 n;
	FILE		*f;
	size_t		 len = 0;
	int		 fd, i;

	memset(s, 0, sizeof *s);
	for (fd = 0; fd < 64; fd++) {
		snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
		if ((n = readlink(path, link, sizeof link - 1)) <= 0)
			continue;
		link[n] = '\0';
		snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)pid, fd);
		line[0] = '\0';
		if ((f = fopen(path, "r")) != NULL) {
			while (fgets(line, sizeof line, f) != NULL &&
			    strncmp(line, "flags:", 6) != 0)
				;
			fclose(f);
		}
		len += (size_t)snprintf(s->fds + len, sizeof s->fds - len,
		    "%d %s %s", fd, link, line);
	}
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "SigIgn:", 7) == 0)
			s->ign = strtoull(line + 7, NULL, 16);
		if (strncmp(line, "SigCgt:", 7) == 0)
			s->cgt = strtoull(line + 7, NULL, 16);
		if (strncmp(line, "SigBlk:", 7) == 0)
			s->blk = strtoull(line + 7, NULL, 16);
	}
	fclose(f);
	/* ppid, pgrp, session, tty_nr: fields 4 to 7. */
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_non_null(p = strrchr(buf, ')'));
	p += 4;		/* past ") S " */
	for (q = p, i = 0; *q != '\0' && i < 4; q++)
		if (*q == ' ')
			i++;
	snprintf(s->stat, sizeof s->stat, "%.*s", (int)(q - p), p);
}

/* A step fails half way in the new session's server (the process may
 * make no more descriptors): everything done is undone, the process goes
 * on on its old terminal exactly as it was, no session is left, and the
 * message says what failed. */
static void
test_failure_restores(void **state)
{
	struct term	*old;
	struct run	 r;
	struct snapshot	*a, *b;
	pid_t		 pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	a = calloc(1, sizeof *a);
	b = calloc(1, sizeof *b);
	old = old_bash(24, 80);
	pid = start_victim(old, "", "nofile", " &");
	expect_output(old, "tick 2");
	snap(pid, a);
	run_sess(&r, "adopt", "-n", str_pid(pid), NULL);
	expect_refusal(&r, "Too many open files");
	assert_non_null(strstr(r.err.data, "on its old terminal as before"));
	run_free(&r);
	expect_untouched(old, pid);
	snap(pid, b);
	assert_string_equal(a->fds, b->fds);
	assert_string_equal(a->stat, b->stat);
	assert_int_equal(a->ign, b->ign);
	assert_int_equal(a->cgt, b->cgt);
	assert_int_equal(a->blk, b->blk);
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
	old = old_bash(24, 80);
	pid = start_victim(old, "unshare --mount --propagation private sh -c "
	    "'mount -t devpts -o newinstance devpts /dev/pts && exec \"$0\" "
	    "\"$@\"' ", "tick", "");
	expect_output(old, "tick 2");
	cli = term_sess(24, 80, "adopt", str_pid(pid), "ns", NULL);
	expect_moved(old, cli);
	expect_old_shell(old);
	/* Nothing of the hand-over is left in it. */
	assert_int_equal(proc_fd_count(pid), 3);
	assert_int_equal(term_resize(cli, 30, 90), 0);
	expect_output(cli, "winch 30x90");
	term_type(cli, "\003");
	expect_exit(cli, 128 + SIGINT);
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
	old = old_bash(24, 80);
	pid = start_parent(old, "stuck", " &", &child);
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
	    self, scratch_path("tick.out"), NULL }, TEST_TIMEOUT), 0);
	run_free(&r);
	assert_true(wait_file_has(scratch_path("tick.out"), ".",
	    TEST_TIMEOUT));
	p = slurp(scratch_path("tick.out"));
	assert_non_null(p);
	assert_non_null(strstr(p, "pid="));
	pid = (pid_t)atoi(strstr(p, "pid=") + 4);
	free(p);
	victims[nvictims++] = pid;
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
	victims_kill();

	pid = start_victim(old, "setpriv --reuid=65534 --regid=65534 "
	    "--clear-groups ", "nodump", "");
	expect_output(old, "tick 2");
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
	old = old_bash(24, 80);
	pid = start_parent(old, "vfork", "", &child);
	run_sess(&r, "adopt", "-n", str_pid(pid), NULL);
	expect_refusal(&r, "state D");
	run_free(&r);
	assert_true(pid_alive(pid));
	victims_kill();
	expect_output(old, "PROMPT> ");

	/* Quoted apart, so that the echo of the line is not the answer. */
	pid = start_victim(old, "", "tick", " > /dev/null & echo pid\"\"=$!.");
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
	old = old_bash(24, 80);
	pid = start_victim(old, "", "tick", " | cat");
	expect_output(old, "tick 2");
	run_sess(&r, "adopt", "-n", str_pid(pid), NULL);
	expect_refusal(&r, "shares its process group");
	run_free(&r);
	expect_untouched(old, pid);
	victims_kill();
	expect_output(old, "PROMPT> ");

	pid = start_victim(old, "", "seccomp", "");
	expect_output(old, "tick 2");
	run_sess(&r, "adopt", "-n", str_pid(pid), NULL);
	expect_refusal(&r, "seccomp");
	run_free(&r);
	expect_untouched(old, pid);
	victims_kill();

	shell = old_bash(24, 80);
	pid = start_victim(shell, "", "tick", " &");
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
	if (realpath("/proc/self/exe", self) == NULL)
		return 1;
	return cmocka_run_group_tests_name("e2e adopt", tests, NULL, NULL);
}
