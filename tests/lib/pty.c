/* Programs on ptys, one-shot commands, and their reaping. */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "pty.h"

#define MAX_CHILDREN	256
#define MAX_ARGS	64
#define READ_CHUNK	(256 * 1024)

struct child {
	pid_t	pid;
	int	done;
	int	code;
};

static struct child	children[MAX_CHILDREN];

void
nap(int ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
poll_until(int (*cond)(void *), void *arg, int timeout)
{
	int64_t	 end = now_ms() + timeout;
	int	 v;

	for (;;) {
		if ((v = cond(arg)) != 0 || now_ms() >= end)
			return v;
		nap(5);
	}
}

void
child_track(pid_t pid)
{
	size_t	 i;

	for (i = 0; i < MAX_CHILDREN; i++)
		if (children[i].pid == pid)
			return;
	for (i = 0; i < MAX_CHILDREN; i++) {
		if (children[i].pid == 0) {
			children[i].pid = pid;
			children[i].done = 0;
			children[i].code = -1;
			return;
		}
	}
}

void
child_forget(pid_t pid)
{
	size_t	 i;

	for (i = 0; i < MAX_CHILDREN; i++)
		if (children[i].pid == pid)
			children[i].pid = 0;
}

/* Orphaned sessions land here too; their statuses are dropped unless a
 * test asked for them with child_track. */
void
child_reap(void)
{
	pid_t	 pid;
	int	 status;
	size_t	 i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < MAX_CHILDREN; i++) {
			if (children[i].pid == pid) {
				children[i].done = 1;
				children[i].code = wait_code(status);
			}
		}
	}
}

int
child_done(pid_t pid, int *code)
{
	size_t	 i;

	child_reap();
	for (i = 0; i < MAX_CHILDREN; i++) {
		if (children[i].pid == pid && children[i].done) {
			if (code != NULL)
				*code = children[i].code;
			return 1;
		}
	}
	return 0;
}

int
child_wait(pid_t pid, int timeout)
{
	int64_t	 end = now_ms() + timeout;
	int	 code;

	for (;;) {
		if (child_done(pid, &code))
			return code;
		if (now_ms() >= end)
			return -1;
		nap(5);
	}
}

const char *
sess_bin(void)
{
	static char	 path[PATH_MAX];
	const char	*env;

	if (path[0] != '\0')
		return path;
	env = getenv("SESS_BIN");
	if (env == NULL || *env == '\0')
		env = "./sess";
	if (realpath(env, path) == NULL)
		snprintf(path, sizeof path, "%s", env);
	return path;
}

static char	 report_dir[PATH_MAX];

void
reports_dir_set(const char *dir)
{
	snprintf(report_dir, sizeof report_dir, "%s", dir);
}

/* With $SESS_VALGRIND set, sess runs under memcheck: the client, and
 * through fork the server too (the program it runs is exec'd outside
 * valgrind). Each process logs to its own file in the report directory,
 * where the fixture reads the verdicts; the exit code tells at once for
 * the processes a test waits for. */
static void
child_exec(const char *const argv[])
{
	static char	 logopt[PATH_MAX + 32];
	const char	*vg[MAX_ARGS + 16];
	const char	*env = getenv("SESS_VALGRIND");
	int		 n = 0, i;

	if (env != NULL && *env != '\0' && strcmp(argv[0], sess_bin()) == 0) {
		snprintf(logopt, sizeof logopt, "--log-file=%s/vg.%%p",
		    report_dir[0] != '\0' ? report_dir : "/tmp");
		vg[n++] = "valgrind";
		vg[n++] = "--tool=memcheck";
		vg[n++] = "--leak-check=full";
		vg[n++] = "--show-leak-kinds=definite,indirect";
		vg[n++] = "--errors-for-leak-kinds=definite,indirect";
		vg[n++] = "--error-exitcode=99";
		vg[n++] = "--trace-children=no";
		vg[n++] = logopt;
		for (i = 0; argv[i] != NULL && i < MAX_ARGS; i++)
			vg[n++] = argv[i];
		vg[n] = NULL;
		argv = vg;
	}
	execvp(argv[0], (char *const *)argv);
}

/* In a child about to exec: nothing of the test's signal state or
 * descriptors may leak into the program under test. */
static void
child_reset(void)
{
	sigset_t	 set;
	int		 sig;

	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	closefrom(3);
}

/* All open terminals, so a failed test still has them killed. */
#define MAX_TERMS	32
static struct term	*terms[MAX_TERMS];

static void
terms_add(struct term *t)
{
	size_t	 i;

	for (i = 0; i < MAX_TERMS; i++) {
		if (terms[i] == NULL) {
			terms[i] = t;
			return;
		}
	}
}

static void
terms_remove(struct term *t)
{
	size_t	 i;

	for (i = 0; i < MAX_TERMS; i++)
		if (terms[i] == t)
			terms[i] = NULL;
}

void
term_free_all(void)
{
	size_t	 i;

	for (i = 0; i < MAX_TERMS; i++)
		if (terms[i] != NULL)
			term_free(terms[i]);
}

struct term *
term_spawn(int rows, int cols, const char *const argv[])
{
	struct term	*t;
	struct winsize	 ws;
	const char	*name;
	pid_t		 pid;

	if ((t = calloc(1, sizeof *t)) == NULL)
		return NULL;
	t->slave = -1;
	t->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (t->master == -1 || grantpt(t->master) == -1 ||
	    unlockpt(t->master) == -1 || (name = ptsname(t->master)) == NULL)
		goto fail;
	if ((t->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		goto fail;
	memset(&ws, 0, sizeof ws);
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	if (ioctl(t->slave, TIOCSWINSZ, &ws) == -1)
		goto fail;
	if (tcgetattr(t->slave, &t->initial) == -1)
		goto fail;
	fd_set_nonblock(t->master, 1);
	t->rows = rows;
	t->cols = cols;
	t->screen = vscreen_new(rows, cols, t->master);

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		goto fail;
	if (pid == 0) {
		setsid();
		if (ioctl(t->slave, TIOCSCTTY, 0) == -1)
			_exit(126);
		dup2(t->slave, 0);
		dup2(t->slave, 1);
		dup2(t->slave, 2);
		child_reset();
		child_exec(argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	t->pid = pid;
	child_track(pid);
	terms_add(t);
	return t;

fail:
	if (t->master != -1)
		close(t->master);
	if (t->slave != -1)
		close(t->slave);
	vscreen_free(t->screen);
	free(t);
	return NULL;
}

struct term *
term_sess(int rows, int cols, ...)
{
	const char	*argv[MAX_ARGS];
	va_list		 ap;
	int		 n = 0;

	argv[n++] = sess_bin();
	va_start(ap, cols);
	while (n < MAX_ARGS - 1 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	return term_spawn(rows, cols, argv);
}

void
term_free(struct term *t)
{
	if (t == NULL)
		return;
	terms_remove(t);
	if (t->pid > 0) {
		if (!child_done(t->pid, NULL)) {
			kill(t->pid, SIGCONT);
			kill(t->pid, SIGKILL);
			child_wait(t->pid, TEST_TIMEOUT);
		}
		child_forget(t->pid);
	}
	close(t->master);
	close(t->slave);
	vscreen_free(t->screen);
	buf_free(&t->out);
	free(t);
}

void
term_no_screen(struct term *t)
{
	vscreen_free(t->screen);
	t->screen = NULL;
}

int
term_write(struct term *t, const void *data, size_t len)
{
	struct pollfd	 p = { .fd = t->master, .events = POLLOUT };
	const char	*s = data;
	int64_t		 end = now_ms() + TEST_TIMEOUT;
	ssize_t		 n;

	while (len > 0) {
		n = write(t->master, s, len);
		if (n > 0) {
			s += n;
			len -= (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno != EAGAIN)
			return -1;
		if (now_ms() >= end)
			return -1;
		/* Nobody reads the terminal: keep its output flowing
		 * meanwhile, a real terminal would. */
		term_read(t, 0);
		poll(&p, 1, 10);
	}
	return 0;
}

int
term_type(struct term *t, const char *s)
{
	return term_write(t, s, strlen(s));
}

/* Forgets the oldest output; offsets stay absolute. */
static void
term_trim(struct term *t)
{
	size_t	 drop;

	if (t->out.len <= TERM_KEEP)
		return;
	drop = t->out.len - TERM_KEEP / 4;
	buf_consume(&t->out, drop);
}

/* Absolute offset of out.data[0]. */
static unsigned long long
term_base(const struct term *t)
{
	return t->total - t->out.len;
}

ssize_t
term_read(struct term *t, int timeout)
{
	struct pollfd	 p = { .fd = t->master, .events = POLLIN };
	char		 chunk[16384];
	size_t		 got = 0;
	ssize_t		 n;

	if (poll(&p, 1, timeout) <= 0)
		return 0;
	while (got < READ_CHUNK) {
		n = read(t->master, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (t->screen != NULL)
			vscreen_feed(t->screen, chunk, (size_t)n);
		buf_add(&t->out, chunk, (size_t)n);
		t->total += (unsigned long long)n;
		got += (size_t)n;
	}
	term_trim(t);
	return (ssize_t)got;
}

void
term_drain(struct term *t)
{
	while (term_read(t, 0) > 0)
		;
}

/* Where s starts in the kept output at or after absolute offset from, as
 * an absolute offset; or -1. */
static long long
term_find(struct term *t, unsigned long long from, const char *s)
{
	unsigned long long	 base = term_base(t);
	size_t			 start;
	char			*hit;

	start = from > base ? (size_t)(from - base) : 0;
	if (start >= t->out.len)
		return -1;
	hit = memmem(t->out.data + start, t->out.len - start, s, strlen(s));
	if (hit == NULL)
		return -1;
	return (long long)(base + (unsigned long long)(hit - t->out.data));
}

int
term_expect(struct term *t, const char *s, int timeout)
{
	int64_t			 end = now_ms() + timeout;
	unsigned long long	 from = t->mark, seen;
	size_t			 len = strlen(s);
	long long		 at;
	int64_t			 left;

	for (;;) {
		seen = t->total;
		if ((at = term_find(t, from, s)) != -1) {
			t->mark = (unsigned long long)at + len;
			return 1;
		}
		/* Only the tail could still start a match. */
		if (seen >= len)
			from = seen - len + 1 > from ? seen - len + 1 : from;
		left = end - now_ms();
		if (left <= 0)
			return 0;
		term_read(t, left > 50 ? 50 : (int)left);
	}
}

int
term_seen(struct term *t, const char *s)
{
	term_drain(t);
	return term_find(t, t->mark, s) != -1;
}

void
term_skip(struct term *t)
{
	term_drain(t);
	t->mark = t->total;
}

int
term_shows(struct term *t, const char *s)
{
	term_drain(t);
	return t->screen != NULL && vscreen_find(t->screen, s) != -1;
}

int
term_wait_screen(struct term *t, const char *s, int timeout)
{
	int64_t	 end = now_ms() + timeout;
	int64_t	 left;

	for (;;) {
		if (term_shows(t, s))
			return 1;
		left = end - now_ms();
		if (left <= 0)
			return 0;
		term_read(t, left > 50 ? 50 : (int)left);
	}
}

/* poll on the slave first hands the pty's pending input to the line
 * discipline, then says whether any is left unread. */
int
term_wait_consumed(struct term *t, int timeout)
{
	struct pollfd	 p;
	int64_t		 end = now_ms() + timeout;

	for (;;) {
		p.fd = t->slave;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, 0) == 0)
			return 1;
		if (now_ms() >= end)
			return 0;
		term_read(t, 5);
	}
}

int
term_wait_exit(struct term *t, int timeout)
{
	int64_t	 end = now_ms() + timeout;
	int	 code;

	for (;;) {
		if (child_done(t->pid, &code)) {
			t->exited = 1;
			t->status = code;
			term_drain(t);
			return code;
		}
		if (now_ms() >= end)
			return -1;
		term_read(t, 5);
	}
}

int
term_termios(struct term *t, struct termios *tio)
{
	return tcgetattr(t->slave, tio);
}

int
termios_same(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	    a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
	    memcmp(a->c_cc, b->c_cc, sizeof a->c_cc) == 0 &&
	    cfgetispeed(a) == cfgetispeed(b) &&
	    cfgetospeed(a) == cfgetospeed(b);
}

int
term_resize(struct term *t, int rows, int cols)
{
	struct winsize	 ws;

	memset(&ws, 0, sizeof ws);
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	/* On the master, as a terminal emulator does: the kernel sends
	 * SIGWINCH to the foreground process group. */
	if (ioctl(t->master, TIOCSWINSZ, &ws) == -1)
		return -1;
	t->rows = rows;
	t->cols = cols;
	if (t->screen != NULL)
		vscreen_resize(t->screen, rows, cols);
	return 0;
}

int
count_lines(const struct buf *b)
{
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < b->len; i++)
		if (b->data[i] == '\n')
			n++;
	if (b->len > 0 && b->data[b->len - 1] != '\n')
		n++;
	return n;
}

static int
read_into(int fd, struct buf *b)
{
	char	 chunk[4096];
	ssize_t	 n;

	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n > 0) {
			buf_add(b, chunk, (size_t)n);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 1;
		return 0;	/* end of file, or an error */
	}
}

/* The output must end with the command: something that keeps its pipes
 * open (a server that did not let go of the creator's stdio) is a bug,
 * and shows up as a timeout here. */
int
run_argv(struct run *r, const char *const argv[], int timeout)
{
	int	 out[2], err[2], devnull, open_fds, code;
	int64_t	 end = now_ms() + timeout;
	struct pollfd p[2];
	pid_t	 pid;

	memset(r, 0, sizeof *r);
	r->code = -1;
	if (pipe2(out, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(err, O_CLOEXEC) == -1) {
		close(out[0]);
		close(out[1]);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		setsid();
		devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		child_reset();
		child_exec(argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	child_track(pid);
	close(out[1]);
	close(err[1]);
	fd_set_nonblock(out[0], 1);
	fd_set_nonblock(err[0], 1);
	p[0].fd = out[0];
	p[1].fd = err[0];
	p[0].events = p[1].events = POLLIN;
	open_fds = 2;
	while (open_fds > 0 && now_ms() < end) {
		if (poll(p, 2, 50) <= 0)
			continue;
		if (p[0].fd != -1 && p[0].revents != 0 &&
		    !read_into(out[0], &r->out)) {
			p[0].fd = -1;
			open_fds--;
		}
		if (p[1].fd != -1 && p[1].revents != 0 &&
		    !read_into(err[0], &r->err)) {
			p[1].fd = -1;
			open_fds--;
		}
	}
	close(out[0]);
	close(err[0]);
	if ((code = child_wait(pid, (int)(end - now_ms() > 0 ?
	    end - now_ms() : 0))) == -1) {
		kill(pid, SIGKILL);
		child_wait(pid, TEST_TIMEOUT);
	}
	child_forget(pid);
	if (open_fds > 0)
		code = -1;
	r->code = code;
	buf_add(&r->out, "", 1);
	r->out.len--;
	buf_add(&r->err, "", 1);
	r->err.len--;
	return code;
}

int
run_sess(struct run *r, ...)
{
	const char	*argv[MAX_ARGS];
	va_list		 ap;
	int		 n = 0;

	argv[n++] = sess_bin();
	va_start(ap, r);
	while (n < MAX_ARGS - 1 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	return run_argv(r, argv, TEST_TIMEOUT);
}

void
run_free(struct run *r)
{
	buf_free(&r->out);
	buf_free(&r->err);
}

int
seccomp_refuse_setsid(void)
{
	struct sock_filter	 f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_setsid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
	};
	struct sock_fprog	 prog = { sizeof f / sizeof f[0], f };

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}
