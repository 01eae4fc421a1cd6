/* adopt's victims (victim.h). */
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

#include "e2e.h"
#include "victim.h"

static volatile sig_atomic_t	 victim_winched, victim_usr1s;
static pid_t			 victims[32];
static int			 nvictims;

static void
victim_winch(int sig)
{
	(void)sig;
	victim_winched = 1;
}

static void
victim_usr1(int sig)
{
	(void)sig;
	victim_usr1s++;
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
		if (victim_usr1s != seen) {
			seen = victim_usr1s;
			printf("usr1 %d\n", seen);
		}
		if (victim_winched) {
			victim_winched = 0;
			if (ioctl(1, TIOCGWINSZ, &ws) == 0)
				printf("winch %dx%d\n", ws.ws_row, ws.ws_col);
		}
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
	int64_t			 next = now_ms();
	int			 i = 0;

	for (;;) {
		for (spin = 0; spin < 100000; spin++)
			;
		if (now_ms() >= next) {
			printf("busy %d\n", i++);
			fflush(stdout);
			next += 100;
		}
	}
}

/* A thread blocked in read(0) beside the ticks. */
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
		t0 = now_ms();
		r = nanosleep(&ts, NULL);
		printf("slept %lld %s\n", (long long)(now_ms() - t0),
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

static void
victim_pause(void)
{
	for (;;)
		pause();
}

/* What a mode changes before the victim says its pid. */
static void
victim_prepare(const char *mode)
{
	struct rlimit	 nocore = { 0, 0 }, nofile = { 3, 3 };

	/* A SIGQUIT must leave no core file behind. */
	setrlimit(RLIMIT_CORE, &nocore);
	if (strcmp(mode, "nodump") == 0)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (strcmp(mode, "notstp") == 0)
		signal(SIGTSTP, SIG_IGN);
	/* No descriptor beyond 0, 1 and 2 can be made. */
	if (strcmp(mode, "nofile") == 0)
		setrlimit(RLIMIT_NOFILE, &nofile);
}

int
victim_main(const char *mode)
{
	/* What runs, beside threads of its own (thread, nthreads). */
	static const struct {
		const char	 *mode;
		void		(*run)(void);
		void		*(*thread)(void *);
		int		  nthreads;
	} modes[] = {
		{ "tick", victim_tick, NULL, 0 },
		{ "nodump", victim_tick, NULL, 0 },
		{ "notstp", victim_tick, NULL, 0 },
		{ "nofile", victim_tick, NULL, 0 },
		{ "busy", victim_busy, NULL, 0 },
		{ "threads", victim_tick, victim_reader, 1 },
		{ "churn", victim_tick, victim_spawner, 4 },
		{ "fds", victim_fds, NULL, 0 },
		{ "sleep", victim_sleep, NULL, 0 },
		{ "seccomp", victim_seccomp, NULL, 0 },
		{ "vfork", victim_vfork, NULL, 0 },
		{ "stuck", victim_tick, victim_stuck, 1 },
		{ "pause", victim_pause, NULL, 0 }
	};
	pthread_t	 th;
	size_t		 i;
	int		 n;

	for (i = 0; i < nitems(modes); i++) {
		if (strcmp(mode, modes[i].mode) != 0)
			continue;
		victim_prepare(mode);
		setvbuf(stdout, NULL, _IOLBF, 0);
		printf("pid=%d.\n", (int)getpid());
		fflush(stdout);
		for (n = 0; n < modes[i].nthreads; n++)
			pthread_create(&th, NULL, modes[i].thread, NULL);
		modes[i].run();
	}
	return 2;
}

struct term *
victim_shell(int rows, int cols)
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

/* The number that ends at the mark's dot, after expecting prefix then
 * the dot. */
static pid_t
victim_said(struct term *t, const char *prefix)
{
	const char	*p, *end;
	pid_t		 pid;

	expect_output(t, prefix);
	expect_output(t, ".");
	end = t->out.data + (t->mark - (t->total - t->out.len)) - 1;
	for (p = end; p > t->out.data && p[-1] >= '0' && p[-1] <= '9'; p--)
		;
	pid = (pid_t)strtol(p, NULL, 10);
	assert_true(pid > 0);
	victim_track(pid);
	return pid;
}

pid_t
victim_pid(struct term *t)
{
	return victim_said(t, "pid=");
}

void
victim_track(pid_t pid)
{
	if (nvictims < (int)nitems(victims))
		victims[nvictims++] = pid;
}

const char *
victim_self(void)
{
	static char	 self[PATH_MAX];

	if (self[0] == '\0')
		assert_non_null(realpath("/proc/self/exe", self));
	return self;
}

struct term *
victim_spawn(int rows, int cols, const char *mode)
{
	const char	*argv[] = { victim_self(), "--victim", mode, NULL };
	struct term	*t;

	t = term_spawn(rows, cols, argv);
	assert_non_null(t);
	victim_pid(t);
	return t;
}

pid_t
victim_start(struct term *t, const char *prefix, const char *mode,
    const char *suffix)
{
	char	 cmd[PATH_MAX + 256];

	snprintf(cmd, sizeof cmd, "%s%s --victim %s%s\r", prefix,
	    victim_self(), mode, suffix);
	term_type(t, cmd);
	return victim_said(t, "pid=");
}

pid_t
victim_parent(struct term *t, const char *mode, const char *suffix,
    pid_t *child)
{
	pid_t	 pid;

	pid = victim_start(t, "", mode, suffix);
	*child = victim_said(t, "child=");
	return pid;
}

void
victim_kill_all(void)
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

void
victim_snap(pid_t pid, struct victim_snapshot *s)
{
	char	 path[64], link[256];
	size_t	 len = 0;
	ssize_t	 n;
	int	 fd;

	memset(s, 0, sizeof *s);
	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	assert_true((n = proc_slurp(path, s->maps, sizeof s->maps)) > 0);
	for (fd = 0; fd < 64; fd++) {
		if (proc_fd_link(pid, fd, link, sizeof link) == -1)
			continue;
		len += (size_t)snprintf(s->fds + len, sizeof s->fds - len,
		    "%d %s %o\n", fd, link, proc_fd_flags(pid, fd));
	}
	s->ign = proc_status_mask(pid, "SigIgn");
	s->cgt = proc_status_mask(pid, "SigCgt");
	s->blk = proc_status_mask(pid, "SigBlk");
	assert_int_equal(proc_stat(pid, &s->st), 0);
}

void
victim_snap_equal(const struct victim_snapshot *a,
    const struct victim_snapshot *b)
{
	assert_string_equal(a->fds, b->fds);
	assert_int_equal(a->ign, b->ign);
	assert_int_equal(a->cgt, b->cgt);
	assert_int_equal(a->blk, b->blk);
	assert_int_equal(a->st.ppid, b->st.ppid);
	assert_int_equal(a->st.pgid, b->st.pgid);
	assert_int_equal(a->st.sid, b->st.sid);
	assert_int_equal(a->st.tty_nr, b->st.tty_nr);
}
