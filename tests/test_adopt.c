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
#include "lib/pty.h"

#define T_MS	10000

static char	self[PATH_MAX];

/* ---- the victims ---- */

static int64_t
victim_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
victim_tick(void)
{
	struct timespec	 ts = { 0, 100000000 };
	int		 i;

	for (i = 0;; i++) {
		printf("tick %d\n", i);
		fflush(stdout);
		nanosleep(&ts, NULL);
	}
}

/* Never enters the kernel between ticks except to print. */
static void
victim_busy(void)
{
	volatile unsigned long	 spin;
	int64_t			 next = victim_ms();
	int			 i = 0;

	for (;;) {
		for (spin = 0; spin < 100000; spin++)
			;
		if (victim_ms() >= next) {
			printf("busy %d\n", i++);
			fflush(stdout);
			next += 100;
		}
	}
}

static void *
victim_reader(void *arg)
{
	char	 line[256];
	ssize_t	 n;

	(void)arg;
	while ((n = read(0, line, sizeof line - 1)) > 0) {
		line[n] = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		printf("got: %s\n", line);
		fflush(stdout);
	}
	printf("reader: %zd %s\n", n, n == -1 ? strerror(errno) : "eof");
	fflush(stdout);
	return NULL;
}

static void
victim_threads(void)
{
	pthread_t	 th;

	pthread_create(&th, NULL, victim_reader, NULL);
	victim_tick();
}

static void *
victim_short(void *arg)
{
	return arg;
}

/* Threads come and go all the time beside the ticks. */
static void *
victim_spawner(void *arg)
{
	pthread_t	 th;

	(void)arg;
	for (;;) {
		if (pthread_create(&th, NULL, victim_short, NULL) == 0)
			pthread_join(th, NULL);
	}
	return NULL;
}

static void
victim_churn(void)
{
	pthread_t	 th;
	int		 i;

	for (i = 0; i < 4; i++)
		pthread_create(&th, NULL, victim_spawner, NULL);
	victim_tick();
}

/* fd 5: the terminal through /dev/tty, non-blocking, watched by epoll;
 * fd 7: stdout again, close-on-exec. */
static void
victim_fds(void)
{
	struct epoll_event	 ev = { .events = EPOLLIN, .data.u64 = 0x1234 };
	char			 line[256];
	ssize_t			 n;
	int			 fd, ep, i = 0;

	fd = open("/dev/tty", O_RDWR | O_NONBLOCK);
	dup2(fd, 5);
	close(fd);
	dup3(1, 7, O_CLOEXEC);
	ep = epoll_create1(EPOLL_CLOEXEC);
	epoll_ctl(ep, EPOLL_CTL_ADD, 5, &ev);
	for (;;) {
		if (epoll_wait(ep, &ev, 1, 100) == 1) {
			n = read(5, line, sizeof line - 1);
			if (n > 0) {
				line[n] = '\0';
				line[strcspn(line, "\r\n")] = '\0';
				dprintf(7, "ep %llx: %s\n",
				    (unsigned long long)ev.data.u64, line);
			}
		} else
			dprintf(7, "tick %d\n", i++);
	}
}

/* Long sleeps; each prints how long it really took. */
static void
victim_sleep(void)
{
	struct timespec	 ts;
	int64_t		 t0;
	int		 r;

	for (;;) {
		printf("sleeping\n");
		fflush(stdout);
		ts.tv_sec = 3;
		ts.tv_nsec = 0;
		t0 = victim_ms();
		r = nanosleep(&ts, NULL);
		printf("slept %lld %s\n", (long long)(victim_ms() - t0),
		    r == 0 ? "ok" : strerror(errno));
		fflush(stdout);
	}
}

/* A sandbox that refuses setsid: adopting fails half way. */
static void
victim_seccomp(void)
{
	if (seccomp_refuse_setsid() == -1)
		printf("seccomp: %s\n", strerror(errno));
	victim_tick();
}

static int
victim_main(const char *mode)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pid=%d.\n", (int)getpid());
	fflush(stdout);
	if (strcmp(mode, "tick") == 0)
		victim_tick();
	else if (strcmp(mode, "busy") == 0)
		victim_busy();
	else if (strcmp(mode, "threads") == 0)
		victim_threads();
	else if (strcmp(mode, "churn") == 0)
		victim_churn();
	else if (strcmp(mode, "fds") == 0)
		victim_fds();
	else if (strcmp(mode, "sleep") == 0)
		victim_sleep();
	else if (strcmp(mode, "seccomp") == 0)
		victim_seccomp();
	else if (strcmp(mode, "pause") == 0)
		for (;;)
			pause();
	return 2;
}

/* ---- helpers ---- */

static pid_t	 victims[32];
static int	 nvictims;

static void
victim_track(pid_t pid)
{
	if (nvictims < (int)nitems(victims))
		victims[nvictims++] = pid;
}

/* Kills what the tests started (by pidfd, so a recycled pid is safe). */
static void
victims_kill(void)
{
	int	 i, fd;

	for (i = 0; i < nvictims; i++) {
		fd = (int)syscall(SYS_pidfd_open, victims[i], 0);
		if (fd != -1) {
			syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
			close(fd);
		}
	}
	nvictims = 0;
	term_free_all();
	child_reap();
}

static struct term *
old_bash(void)
{
	const char	*argv[] = { "bash", "--norc", "--noprofile", "-i", NULL };
	struct term	*t;

	t = term_spawn(24, 80, argv);
	assert_non_null(t);
	term_no_screen(t);
	assert_true(term_expect(t, "PROMPT> ", T_MS));
	return t;
}

/* The victim's pid, from its first line. */
static pid_t
victim_pid(struct term *t)
{
	unsigned long long	 base;
	pid_t			 pid;

	assert_true(term_expect(t, "pid=", T_MS));
	assert_true(term_expect(t, ".", T_MS));
	base = t->total - t->out.len;
	/* The digits end at the mark's dot. */
	{
		const char	*end = t->out.data + (t->mark - base) - 1;
		const char	*p = end;

		while (p > t->out.data && p[-1] >= '0' && p[-1] <= '9')
			p--;
		pid = (pid_t)strtol(p, NULL, 10);
	}
	assert_true(pid > 0);
	victim_track(pid);
	return pid;
}

static pid_t
start_job(struct term *t, const char *mode, const char *rest)
{
	char	 cmd[PATH_MAX + 128];

	snprintf(cmd, sizeof cmd, "%s --victim %s%s\r", self, mode,
	    rest != NULL ? rest : "");
	term_type(t, cmd);
	return victim_pid(t);
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
read_stat(pid_t pid, char *state, pid_t *pgid, pid_t *sid, unsigned *tty)
{
	char	 path[64], buf[1024], *p;
	FILE	*f;
	int	 ppid;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof buf, f) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	p = strrchr(buf, ')');
	return sscanf(p + 2, "%c %d %d %d %u", state, &ppid, pgid, sid,
	    tty) == 5 ? 0 : -1;
}

static unsigned long long
status_mask(pid_t pid, const char *field)
{
	char	 path[64], line[256];
	FILE	*f;
	size_t	 len = strlen(field);
	unsigned long long v = 0;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, field, len) == 0 && line[len] == ':')
			v = strtoull(line + len + 1, NULL, 16);
	fclose(f);
	return v;
}

static int
fd_flags(pid_t pid, int fd)
{
	char	 path[64], line[256];
	FILE	*f;
	int	 flags = -1;

	snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)pid, fd);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "flags:", 6) == 0)
			flags = (int)strtol(line + 6, NULL, 8);
	fclose(f);
	return flags;
}

static void
fd_target(pid_t pid, int fd, char *buf, size_t len)
{
	char	 path[64];
	ssize_t	 n;

	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
	n = readlink(path, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
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

	assert_true(term_expect(new, word, T_MS));
	term_skip(old);
	for (i = 0; i < 3; i++) {
		snprintf(s, sizeof s, "\n%s", word);
		assert_true(term_expect(new, s, T_MS));
	}
	assert_false(term_seen(old, word));
}

/* The old shell answers. */
static void
expect_shell(struct term *old)
{
	term_type(old, "echo answer-$((6*7))\r");
	assert_true(term_expect(old, "answer-42", T_MS));
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
	struct term		*old, *new;
	struct adopt_target	 t;
	char			 name[64], st;
	pid_t			 pid, pgid, sid;
	unsigned		 tty;
	struct stat		 sb;

	(void)state;
	old = old_bash();
	pid = start_job(old, "tick", NULL);
	assert_true(term_expect(old, "tick 2", T_MS));
	new = new_pty(30, 100, name, sizeof name);
	adopt_ok(pid, &t, new, name);
	assert_false(t.leader);
	expect_moved(old, new, "tick");
	expect_shell(old);

	assert_int_equal(read_stat(pid, &st, &pgid, &sid, &tty), 0);
	assert_int_equal(sid, pid);
	assert_int_equal(pgid, pid);
	assert_int_equal(stat(name, &sb), 0);
	assert_int_equal(major(sb.st_rdev), (tty >> 8) & 0xfff);
	assert_int_equal(minor(sb.st_rdev), (tty & 0xff) | ((tty >> 12) & 0xfff00));
	assert_int_equal(tcgetpgrp(new->master), pid);

	term_type(new, "\003");
	assert_true(pidfd_wait(t.pidfd, T_MS));
	assert_int_equal(adopt_exit_status(&t), 128 + SIGINT);
	adopt_free(&t);
	new_pty_free(new);
	victims_kill();
}

/* The program leads its terminal's session: TIOCNOTTY path. */
static void
test_session_leader(void **state)
{
	const char		*argv[] = { self, "--victim", "tick", NULL };
	struct term		*old, *new;
	struct adopt_target	 t;
	struct winsize		 ws;
	char			 name[64];

	(void)state;
	old = term_spawn(24, 80, argv);
	assert_non_null(old);
	term_no_screen(old);
	victim_pid(old);
	assert_true(term_expect(old, "tick 2", T_MS));
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
	assert_int_equal(status_mask(old->pid, "SigIgn") & (1ULL << (SIGHUP - 1)), 0);
	assert_int_equal(tcgetpgrp(new->master), old->pid);
	adopt_free(&t);
	new_pty_free(new);
	victims_kill();
}

/* A process that never makes a system call still stops. */
static void
test_busy_loop(void **state)
{
	struct term		*old, *new;
	struct adopt_target	 t;
	char			 name[64];
	pid_t			 pid;

	(void)state;
	old = old_bash();
	pid = start_job(old, "busy", NULL);
	assert_true(term_expect(old, "busy 2", T_MS));
	new = new_pty(30, 100, name, sizeof name);
	adopt_ok(pid, &t, new, name);
	expect_moved(old, new, "busy");
	expect_shell(old);
	adopt_free(&t);
	new_pty_free(new);
	victims_kill();
}

/* A thread blocked in read(0) reads the new terminal afterwards. */
static void
test_threads(void **state)
{
	struct term		*old, *new;
	struct adopt_target	 t;
	char			 name[64];
	pid_t			 pid;

	(void)state;
	old = old_bash();
	pid = start_job(old, "threads", NULL);
	assert_true(term_expect(old, "tick 2", T_MS));
	new = new_pty(30, 100, name, sizeof name);
	adopt_ok(pid, &t, new, name);
	expect_moved(old, new, "tick");
	term_type(new, "hello\r");
	assert_true(term_expect(new, "got: hello", T_MS));
	expect_shell(old);
	assert_false(term_seen(old, "got:"));
	adopt_free(&t);
	new_pty_free(new);
	victims_kill();
}

/* Threads made while the process is being seized are caught too. */
static void
test_thread_churn(void **state)
{
	struct term		*old, *new;
	struct adopt_target	 t;
	char			 name[64];
	pid_t			 pid;
	int			 i;

	(void)state;
	for (i = 0; i < 3; i++) {
		old = old_bash();
		pid = start_job(old, "churn", NULL);
		assert_true(term_expect(old, "tick 2", T_MS));
		new = new_pty(30, 100, name, sizeof name);
		adopt_ok(pid, &t, new, name);
		expect_moved(old, new, "tick");
		expect_shell(old);
		adopt_free(&t);
		new_pty_free(new);
		victims_kill();
	}
}

/* O_NONBLOCK, close-on-exec and the epoll registration come along. */
static void
test_fd_flags_epoll(void **state)
{
	struct term		*old, *new;
	struct adopt_target	 t;
	char			 name[64], link[64];
	pid_t			 pid;
	int			 fd, before[8];

	(void)state;
	old = old_bash();
	pid = start_job(old, "fds", NULL);
	assert_true(term_expect(old, "tick 2", T_MS));
	for (fd = 0; fd < 8; fd++)
		before[fd] = fd_flags(pid, fd);
	new = new_pty(30, 100, name, sizeof name);
	adopt_ok(pid, &t, new, name);
	expect_moved(old, new, "tick");
	for (fd = 0; fd < 8; fd++) {
		if (fd == 3 || fd == 4 || fd == 6)
			continue;
		fd_target(pid, fd, link, sizeof link);
		assert_string_equal(link, name);
		assert_int_equal(fd_flags(pid, fd) & ~O_LARGEFILE,
		    before[fd] & ~O_LARGEFILE);
	}
	assert_true(fd_flags(pid, 5) & O_NONBLOCK);
	assert_true(fd_flags(pid, 7) & O_CLOEXEC);
	assert_false(fd_flags(pid, 1) & O_CLOEXEC);
	/* Input on the old terminal is no longer its business. */
	expect_shell(old);
	term_type(new, "hello\r");
	assert_true(term_expect(new, "ep 1234: hello", T_MS));
	assert_false(term_seen(new, "answer"));
	adopt_free(&t);
	new_pty_free(new);
	victims_kill();
}

struct sleep_wait {
	pid_t	 pid;
	int64_t	 since;
};

static int
asleep_long_enough(void *arg)
{
	struct sleep_wait	*w = arg;
	char			 st;
	pid_t			 pg, sid;
	unsigned		 tty;

	return read_stat(w->pid, &st, &pg, &sid, &tty) == 0 && st == 'S' &&
	    now_ms() - w->since >= 1000;
}

/* A nanosleep interrupted by the adoption ends on time. */
static void
test_nanosleep(void **state)
{
	struct term		*old, *new;
	struct adopt_target	 t;
	struct sleep_wait	 w;
	char			 name[64], *p;
	long			 ms;

	(void)state;
	old = old_bash();
	w.pid = start_job(old, "sleep", NULL);
	assert_true(term_expect(old, "sleeping", T_MS));
	w.since = now_ms();
	assert_true(poll_until(asleep_long_enough, &w, T_MS));
	new = new_pty(30, 100, name, sizeof name);
	adopt_ok(w.pid, &t, new, name);
	assert_true(term_expect(new, "slept ", T_MS));
	assert_true(term_expect(new, "\n", T_MS));
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
	adopt_free(&t);
	new_pty_free(new);
	victims_kill();
}

/* SIGHUP is ignored while the old shell lives (it hangs its jobs up when
 * its terminal goes), and given back once it is gone. */
static void
test_sighup(void **state)
{
	struct term		*old, *new;
	struct adopt_target	 t;
	struct adopt_error	 e;
	char			 name[64];
	pid_t			 pid;

	(void)state;
	old = old_bash();
	pid = start_job(old, "tick", NULL);
	assert_true(term_expect(old, "tick 2", T_MS));
	assert_int_equal(status_mask(pid, "SigIgn") & (1ULL << (SIGHUP - 1)), 0);
	new = new_pty(30, 100, name, sizeof name);
	adopt_ok(pid, &t, new, name);
	assert_true(t.hup_ignored);
	assert_int_equal(t.shell, old->pid);
	assert_true(t.shell_pidfd != -1);
	assert_true(status_mask(pid, "SigIgn") & (1ULL << (SIGHUP - 1)));
	expect_moved(old, new, "tick");

	/* The old terminal goes away: bash hangs up its jobs, and ends. */
	close(old->master);
	old->master = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(pidfd_wait(t.shell_pidfd, T_MS));
	term_skip(new);
	assert_true(term_expect(new, "tick", T_MS));
	assert_int_equal(adopt_restore_sighup(&t, &e), 0);
	assert_int_equal(t.shell_pidfd, -1);
	assert_int_equal(status_mask(pid, "SigIgn") & (1ULL << (SIGHUP - 1)), 0);
	term_skip(new);
	assert_true(term_expect(new, "tick", T_MS));
	/* It means what it meant before. */
	kill(pid, SIGHUP);
	assert_true(pidfd_wait(t.pidfd, T_MS));
	assert_int_equal(adopt_exit_status(&t), 128 + SIGHUP);
	adopt_free(&t);
	new_pty_free(new);
	victims_kill();
}

struct snapshot {
	char			 maps[65536];
	char			 fds[4096];
	unsigned long long	 ign, cgt, blk;
	pid_t			 pgid, sid;
	unsigned		 tty;
	char			 state;
};

static void
snap(pid_t pid, struct snapshot *s)
{
	char	 path[64], link[128], *p;
	FILE	*f;
	size_t	 n;
	int	 fd;

	memset(s, 0, sizeof *s);
	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(s->maps, 1, sizeof s->maps - 1, f);
	s->maps[n] = '\0';
	fclose(f);
	p = s->fds;
	for (fd = 0; fd < 64; fd++) {
		fd_target(pid, fd, link, sizeof link);
		if (link[0] == '\0')
			continue;
		p += snprintf(p, sizeof s->fds - (size_t)(p - s->fds),
		    "%d %s %o\n", fd, link, fd_flags(pid, fd));
	}
	s->ign = status_mask(pid, "SigIgn");
	s->cgt = status_mask(pid, "SigCgt");
	s->blk = status_mask(pid, "SigBlk");
	assert_int_equal(read_stat(pid, &s->state, &s->pgid, &s->sid,
	    &s->tty), 0);
}

/* setsid refused by the process's sandbox: everything done before it is
 * undone and the process goes on as before on its old terminal. */
static void
test_failure_restores(void **state)
{
	struct term		*old, *new;
	struct adopt_target	 t;
	struct adopt_error	 e;
	struct snapshot		*a, *b;
	char			 name[64];
	pid_t			 pid;

	(void)state;
	a = calloc(1, sizeof *a);
	b = calloc(1, sizeof *b);
	old = old_bash();
	pid = start_job(old, "seccomp", " &");
	assert_true(term_expect(old, "tick 2", T_MS));
	snap(pid, a);

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
	assert_true(term_expect(old, "tick", T_MS));
	assert_true(term_expect(old, "\ntick", T_MS));
	snap(pid, b);
	assert_string_equal(a->maps, b->maps);
	assert_string_equal(a->fds, b->fds);
	assert_int_equal(a->ign, b->ign);
	assert_int_equal(a->cgt, b->cgt);
	assert_int_equal(a->blk, b->blk);
	assert_int_equal(a->pgid, b->pgid);
	assert_int_equal(a->sid, b->sid);
	assert_int_equal(a->tty, b->tty);
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
	if (realpath("/proc/self/exe", self) == NULL)
		return 1;
	setenv("PS1", "PROMPT> ", 1);
	setenv("TERM", "dumb", 1);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("adopt", tests, NULL, NULL);
}
