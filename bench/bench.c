/*
 * bench: sess against a bare pty, dtach, tmux, screen (and abduco where
 * installed), measured in one run with the tools interleaved, reported as
 * medians, spreads and ratios to the bare pty of the same run; sess's
 * checkpoint and restore against criu alone.
 *
 *	bench [-kq] [-C CRIU] [-s SESS] [-S SESS] [-o FILE] [-c COMMAND]
 *
 * -q or BENCH_QUICK=1: a smaller corpus and fewer rounds; -k: keep the work
 * directory; -o: write the results as markdown too; -c: the command named
 * there; -S: a sess built without its screen model (make
 * bench/sess-nomodel), for the "no model" column; -C: the criu sess is to
 * run (SESS_CRIU), for the checkpoint rows. BENCH_ONLY=throughput,
 * latency,attach,memory,scale,adopt,screen,checkpoint,upgrade and
 * BENCH_PEERS=sess,dtach,tmux,screen,abduco,reptyr,criu narrow the run
 * (for a profiler).
 * BENCH_SESS_NOMODEL=NAME=VALUE: instead of -S, an environment that makes a
 * sess server run without its model.
 *
 * The same binary is also the program run inside the sessions
 * ("bench --prog MODE ..."): it feeds the corpus, echoes keys, shows a
 * known screen, or ticks until it finds itself on another terminal.
 * Every process it starts is its descendant (it is a child subreaper), and
 * every one is killed by pid when it is done with it, on error and on
 * SIGINT/SIGTERM/SIGHUP as well.
 */

#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <vterm.h>

#include "proc.h"
#include "util.h"

#define MIB		(1024 * 1024)
#define ROWS		24
#define COLS		80
#define MAXPROC		4096
#define SCALE_MAX	200

enum peer {
	P_BARE, P_SESS, P_SESS0, P_DTACH, P_ABDUCO, P_TMUX, P_SCREEN, P_REPTYR,
	P_CRIU, NPEER
};

static const char *peer_name[NPEER] = {
	"bare pty", "sess", "sess (no model)", "dtach", "abduco", "tmux",
	"screen", "reptyr", "criu"
};
static const char *peer_tag[NPEER] = {
	"bare", "sess", "sess0", "dtach", "abduco", "tmux", "screen", "reptyr",
	"criu"
};

enum metric {
	M_TPUT_ATT, M_TPUT_E2E, M_TPUT_DET, M_CPU_ATT, M_CPU_DET, M_LAT,
	M_ATTACH, M_MEM_IDLE_RSS, M_MEM_IDLE_PSS, M_MEM_LINES, M_MEM_BIG_RSS,
	M_MEM_BIG_PSS, M_MEM_BIG_HWM, M_SCALE_CREATE, M_SCALE_PSS, M_SCALE_LIST, M_ADOPT,
	M_CK_IDLE, M_RS_IDLE, M_IMG_IDLE, M_CK_BIG, M_RS_BIG, M_IMG_BIG,
	NMETRIC
};

struct sample {
	double	*v;
	size_t	 n, cap;
	int	 failed;	/* trials that failed */
	int	 missing;	/* trials that ran but saw no result */
	int	 ran;		/* the metric was attempted for this peer */
};

struct hookrow {
	char	 label[128], value[128], target[128], result[32];
};

static struct sample	 res[NMETRIC][NPEER];
static int		 peer_on[NPEER];
static char		 peer_note[NPEER][256];
static char		 peer_version[NPEER][128];
static char		 notes[8192];
static struct hookrow	 hooks[64];
static int		 nhooks;
static char		 hook_note[512];
static double		 tput_got[NPEER];	/* least share of the bytes */
static struct sample	 relay_lat;	/* key echo through a bare relay */

static char		 tmpdir[128];
static char		 exe[PATH_MAX];
static char		 sessbin[PATH_MAX];
static char		 corpus[PATH_MAX], corpus_small[PATH_MAX];
static char		 lines80[PATH_MAX], screenfile[PATH_MAX];
static char		 tmuxconf[PATH_MAX];
static char		 nomodel_env[256];
static char		 sess0bin[PATH_MAX];	/* the build without a model */
static char		 criubin[PATH_MAX];
static char		 statedir[PATH_MAX];	/* sess's checkpoints */
static char		 expect[ROWS][COLS * 4 + 1];
static size_t		 corpus_size;
static int		 logfd = -1;
static int		 quick;
static int		 keep;
static pid_t		 self;
static unsigned		 fifo_seq;
static double		 t_start, load_start;
static volatile sig_atomic_t interrupted;

static struct {
	int	 tput_rounds, tput_det_rounds;
	int	 lat_warm, lat_n;
	int	 attach_n;
	int	 mem_n;
	int	 scale_n, list_n;
	int	 adopt_n;
	int	 ck_n, ck_mib;
	size_t	 corpus_mib;
} cfg;

static void	kill_tree(pid_t, int);
static void	kill_trees(const pid_t *, size_t);

/* ---------------------------------------------------------------- util */

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
sleepf(double s)
{
	struct timespec	ts;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR && !interrupted)
		;
}

static void
bail_if_interrupted(void)
{
	if (interrupted) {
		fprintf(stderr, "bench: interrupted, cleaning up\n");
		exit(130);
	}
}

static void
die(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void
note(const char *fmt, ...)
{
	va_list	ap;
	size_t	len = strlen(notes);

	if (len + 4 >= sizeof(notes))
		return;
	strcpy(notes + len, "- ");
	len += 2;
	va_start(ap, fmt);
	vsnprintf(notes + len, sizeof(notes) - len - 1, fmt, ap);
	va_end(ap);
	len = strlen(notes);
	if (len + 1 < sizeof(notes))
		strcpy(notes + len, "\n");
}

/* A line on where the run is, with the seconds since it started. */
static void
progress(const char *fmt, ...)
{
	va_list	ap;

	printf("[%4.0f s] ", now() - t_start);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void
set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* write_all (util.h), also for a non-blocking fd: it waits while the fd
 * is full. */
static int
write_all_waiting(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd pfd = { fd, POLLOUT, 0 };
				poll(&pfd, 1, 100);
				continue;
			}
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/* The last line of the log the spawned commands write their stderr to. */
static const char *
log_tail(void)
{
	static char	 buf[4096];
	char		*p, *nl;
	ssize_t		 n;
	off_t		 end;

	if (logfd == -1 || (end = lseek(logfd, 0, SEEK_END)) <= 0)
		return "";
	n = pread(logfd, buf, sizeof(buf) - 1, end > (off_t)sizeof(buf) - 1 ?
	    end - (off_t)sizeof(buf) + 1 : 0);
	if (n <= 0)
		return "";
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	p = (nl = strrchr(buf, '\n')) != NULL ? nl + 1 : buf;
	for (nl = p; *nl != '\0'; nl++)
		if ((unsigned char)*nl < 0x20)
			*nl = ' ';
	return p;
}

/* ------------------------------------------------------------- samples */

static void
sample_add(struct sample *s, double v)
{
	s->ran = 1;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		if ((s->v = realloc(s->v, s->cap * sizeof(*s->v))) == NULL)
			die("out of memory");
	}
	s->v[s->n++] = v;
}

static int
cmpd(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
quantile(const struct sample *s, double q)
{
	double	*v, pos, r;
	size_t	 i;

	if (s->n == 0)
		return NAN;
	if ((v = malloc(s->n * sizeof(*v))) == NULL)
		die("out of memory");
	memcpy(v, s->v, s->n * sizeof(*v));
	qsort(v, s->n, sizeof(*v), cmpd);
	pos = q * (s->n - 1);
	i = (size_t)pos;
	r = i + 1 < s->n ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[i];
	free(v);
	return r;
}

static double
median(int m, int p)
{
	return quantile(&res[m][p], 0.5);
}

/* ---------------------------------------------------- processes, /proc */

static int
pidfd_of(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static void
reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static int
alive(pid_t pid)
{
	struct proc_stat	 st;

	if (pid <= 0)
		return 0;
	reap();
	return proc_stat(pid, &st) == 0 && st.state != 'Z' &&
	    st.state != 'X';
}

/*
 * Every process below the n roots (the roots excluded), parents before
 * children, from one look at /proc.
 */
static size_t
descendants(const pid_t *roots, size_t n, pid_t *out, size_t max)
{
	static pid_t	 pids[MAXPROC], ppids[MAXPROC];
	size_t		 np = 0, no = 0, i, k;
	DIR		*d;
	struct dirent	*e;
	struct proc_stat st;
	pid_t		 parent;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && np < MAXPROC) {
		char	*end;
		long	 v = strtol(e->d_name, &end, 10);

		if (*end != '\0' || v <= 0)
			continue;
		if (proc_stat((pid_t)v, &st) == -1)
			continue;
		pids[np] = (pid_t)v;
		ppids[np++] = st.ppid;
	}
	closedir(d);
	for (k = 0; k < n + no && no < max; k++) {
		parent = k < n ? roots[k] : out[k - n];
		for (i = 0; i < np && no < max; i++)
			if (ppids[i] == parent)
				out[no++] = pids[i];
	}
	return no;
}

/* Wait up to timeout for every pid in list to be gone; how many are left. */
static size_t
wait_gone(const pid_t *list, size_t n, double timeout)
{
	double	end = now() + timeout;
	size_t	i, left;

	for (;;) {
		reap();
		for (i = left = 0; i < n; i++)
			if (alive(list[i]))
				left++;
		if (left == 0 || now() >= end)
			return left;
		sleepf(0.005);
	}
}

/*
 * Kill the n roots and everything below them, by pid: SIGTERM first (so
 * that servers remove their sockets), SIGKILL to whatever is still there
 * after a second, and to what the dying ones started meanwhile.
 */
static void
kill_trees(const pid_t *roots, size_t n)
{
	static pid_t	 list[MAXPROC], rootv[MAXPROC / 2];
	size_t		 nl, i, k;

	/* Never a missing pid (0: init's children) nor init, nor ourselves. */
	for (i = k = 0; i < n && k < MAXPROC / 2; i++)
		if (roots[i] > 1 && roots[i] != self)
			rootv[k++] = roots[i];
	if ((n = k) == 0)
		return;
	memcpy(list, rootv, n * sizeof(*list));
	roots = rootv;
	nl = n + descendants(roots, n, list + n, MAXPROC - n);
	for (i = 0; i < nl; i++)
		if (list[i] > 0 && list[i] != self)
			kill(list[i], SIGTERM);
	for (i = 0; i < nl; i++)
		if (list[i] > 0 && list[i] != self)
			kill(list[i], SIGCONT);
	if (wait_gone(list, nl, 1.0) == 0)
		return;
	nl = n + descendants(roots, n, list + n, MAXPROC - n);
	for (i = 0; i < nl; i++)
		if (list[i] > 0 && list[i] != self)
			kill(list[i], SIGKILL);
	wait_gone(list, nl, 1.0);
}

/* Kill pid (if with_root) and everything below it. */
static void
kill_tree(pid_t root, int with_root)
{
	static pid_t	 list[MAXPROC];
	size_t		 n;

	if (root <= 0)
		return;
	if (with_root) {
		kill_trees(&root, 1);
		return;
	}
	n = descendants(&root, 1, list, MAXPROC / 2);
	kill_trees(list, n);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
cleanup(void)
{
	if (getpid() != self)
		return;
	kill_tree(self, 0);
	if (tmpdir[0] != '\0' && !keep)
		nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/*
 * Start argv in a new session: on the terminal tty (made its controlling
 * terminal) or, with tty -1, with /dev/null for input and output and the
 * log for errors. env: extra NAME=VALUE strings, NULL-terminated, or NULL.
 * fd3, if not -1, is passed on as descriptor 3 (for criu's --inherit-fd).
 */
static pid_t
spawn_keep(char *const argv[], int tty, char *const env[], int out, int fd3)
{
	pid_t		pid;
	sigset_t	none;
	int		nul;

	if ((pid = fork()) == -1)
		die("fork: %s", strerror(errno));
	if (pid != 0)
		return pid;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	setsid();
	if (tty >= 0) {
		ioctl(tty, TIOCSCTTY, 0);
		dup2(tty, 0);
		dup2(tty, 1);
		dup2(tty, 2);
	} else {
		if ((nul = open("/dev/null", O_RDWR)) == -1)
			_exit(127);
		dup2(nul, 0);
		dup2(out >= 0 ? out : nul, 1);
		dup2(logfd >= 0 ? logfd : nul, 2);
	}
	if (fd3 != -1) {
		if (fd3 == 3)
			fcntl(3, F_SETFD, 0);
		else if (dup2(fd3, 3) == -1)
			_exit(127);
		closefrom(4);
	} else
		closefrom(3);
	for (; env != NULL && *env != NULL; env++)
		putenv(*env);
	execvp(argv[0], argv);
	dprintf(2, "bench: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static pid_t
spawn(char *const argv[], int tty, char *const env[], int out)
{
	return spawn_keep(argv, tty, env, out, -1);
}

/* Wait up to timeout seconds for pid; its status, or -1 (still running). */
static int
wait_exit(pid_t pid, double timeout)
{
	struct pollfd	pfd;
	double		end = now() + timeout;
	int		fd, st, ms;
	pid_t		r;

	fd = pidfd_of(pid);
	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		if (r == -1) {
			st = 0;
			break;
		}
		ms = (int)((end - now()) * 1000);
		if (ms <= 0) {
			if (fd != -1)
				close(fd);
			return -1;
		}
		if (fd != -1) {
			pfd.fd = fd;
			pfd.events = POLLIN;
			poll(&pfd, 1, ms > 100 ? 100 : ms);
		} else
			sleepf(0.001);
		bail_if_interrupted();
	}
	if (fd != -1)
		close(fd);
	return wait_code(st);
}

/* Run argv to completion (killed after timeout); its status, -1 if killed. */
static int
run_cmd(char *const argv[], char *const env[], double timeout, double *took)
{
	double	t0 = now();
	pid_t	pid = spawn(argv, -1, env, -1);
	int	st = wait_exit(pid, timeout);

	if (took != NULL)
		*took = now() - t0;
	if (st == -1)
		kill_tree(pid, 1);
	return st;
}

/* Run argv and keep its standard output (NUL-terminated); its status. */
static int
capture(char *const argv[], char *buf, size_t size, double timeout,
    double *took)
{
	int		p[2], st;
	size_t		len = 0;
	ssize_t		n;
	double		t0 = now(), end = t0 + timeout;
	pid_t		pid;
	struct pollfd	pfd;

	if (pipe2(p, O_CLOEXEC) == -1)
		die("pipe: %s", strerror(errno));
	pid = spawn(argv, -1, NULL, p[1]);
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	for (;;) {
		int ms = (int)((end - now()) * 1000);

		if (ms <= 0 || poll(&pfd, 1, ms) == 0)
			break;
		if ((n = read(p[0], buf + len, size - 1 - len)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			break;
		}
		len += n;
		if (len == size - 1) {
			char	sink[4096];

			while (read(p[0], sink, sizeof(sink)) > 0)
				;
			break;
		}
	}
	close(p[0]);
	buf[len] = '\0';
	st = wait_exit(pid, end - now() > 0 ? end - now() : 0.001);
	if (took != NULL)
		*took = now() - t0;
	if (st == -1)
		kill_tree(pid, 1);
	return st;
}

static int
in_path(const char *name)
{
	char	 path[PATH_MAX], *env, *dirs, *d, *save;
	int	 found = 0;

	if ((env = getenv("PATH")) == NULL || (dirs = strdup(env)) == NULL)
		return 0;
	for (d = strtok_r(dirs, ":", &save); d != NULL && !found;
	    d = strtok_r(NULL, ":", &save)) {
		snprintf(path, sizeof(path), "%s/%s", d, name);
		found = access(path, X_OK) == 0;
	}
	free(dirs);
	return found;
}

/* Resident and proportional set size of pid, in kB. */
static int
mem_of(pid_t pid, double *rss, double *pss)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 v;
	int	 got = 0;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "Rss: %ld kB", &v) == 1) {
			*rss = v;
			got |= 1;
		} else if (sscanf(line, "Pss: %ld kB", &v) == 1) {
			*pss = v;
			got |= 2;
		}
	}
	fclose(f);
	return got == 3 ? 0 : -1;
}

/*
 * CPU time pid has used, all its threads, in seconds (a zombie's too, as
 * long as nobody reaped it): schedstat counts nanoseconds, where stat
 * counts ticks of 10 ms.
 */
static double
cpu_of(pid_t pid)
{
	char		 path[320], text[128];
	DIR		*d;
	struct dirent	*e;
	double		 sum = 0;
	int		 any = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return NAN;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat",
		    (int)pid, e->d_name);
		if (proc_slurp(path, text, sizeof(text)) > 0) {
			sum += strtod(text, NULL) / 1e9;
			any = 1;
		}
	}
	closedir(d);
	return any ? sum : NAN;
}

/*
 * pid's CPU time once it has done what it was given: when it is a zombie,
 * or its time has stood still for a while (a model catching up on a
 * flood is still at work). NAN if it is gone. Nothing here reaps.
 */
static double
cpu_settled(pid_t pid, double timeout)
{
	struct proc_stat	 st;
	double			 end = now() + timeout, t, last = NAN;

	for (;;) {
		if (proc_stat(pid, &st) == -1)
			return NAN;
		t = cpu_of(pid);
		if (st.state == 'Z' || t == last || now() > end)
			return t;
		last = t;
		sleepf(0.1);
	}
}

/*
 * Pids owning the listening unix sockets bound to paths[i] (a path ending
 * in '@' matches any name with that prefix up to an '@', for abduco's
 * NAME@HOST sockets). 0 where none. The lowest pid wins when several
 * processes hold the same socket.
 */
static void
socket_owners(char *const paths[], size_t n, pid_t *out)
{
	static unsigned long	 inode[SCALE_MAX * NPEER];
	FILE			*f;
	char			 line[PATH_MAX + 128], sp[PATH_MAX];
	unsigned long		 ino;
	unsigned		 flags;
	size_t			 i, len;
	DIR			*d, *fdd;
	struct dirent		*e, *fe;

	if (n > sizeof(inode) / sizeof(inode[0]))
		die("too many sockets");
	memset(inode, 0, n * sizeof(inode[0]));
	memset(out, 0, n * sizeof(*out));
	if ((f = fopen("/proc/net/unix", "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%*s %*s %*s %x %*s %*s %lu %4095s", &flags,
		    &ino, sp) != 3 || !(flags & 0x10000))
			continue;
		for (i = 0; i < n; i++) {
			len = strlen(paths[i]);
			if (len > 0 && paths[i][len - 1] == '@') {
				if (strncmp(sp, paths[i], len - 1) == 0 &&
				    (sp[len - 1] == '@' || sp[len - 1] == '\0'))
					inode[i] = ino;
			} else if (strcmp(sp, paths[i]) == 0)
				inode[i] = ino;
		}
	}
	fclose(f);
	if ((d = opendir("/proc")) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char	 dir[64], lp[128], tgt[64], *end;
		long	 pid = strtol(e->d_name, &end, 10);
		ssize_t	 l;

		if (*end != '\0' || pid <= 0)
			continue;
		snprintf(dir, sizeof(dir), "/proc/%ld/fd", pid);
		if ((fdd = opendir(dir)) == NULL)
			continue;
		while ((fe = readdir(fdd)) != NULL) {
			if (fe->d_name[0] == '.')
				continue;
			snprintf(lp, sizeof(lp), "%s/%.16s", dir, fe->d_name);
			if ((l = readlink(lp, tgt, sizeof(tgt) - 1)) <= 0)
				continue;
			tgt[l] = '\0';
			if (sscanf(tgt, "socket:[%lu]", &ino) != 1)
				continue;
			for (i = 0; i < n; i++)
				if (inode[i] == ino && ino != 0 &&
				    (out[i] == 0 || pid < out[i]))
					out[i] = (pid_t)pid;
		}
		closedir(fdd);
	}
	closedir(d);
}

/* ------------------------------------------------------------- corpus */

static uint64_t	rng_state;

static uint32_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32);
}

/* The n tools of order in a random order (the same in every run, from
 * the seed its caller sets). */
static void
shuffle(int *order, int n)
{
	int	 i, j, t;

	for (i = n - 1; i > 0; i--) {
		j = (int)(rnd() % (uint32_t)(i + 1));
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
}

static const char *const words[] = {
	"the", "session", "server", "client", "terminal", "error", "warning",
	"build", "make", "compile", "linking", "src/server.c", "ok", "FAIL",
	"0x7ffd3a2c", "2024-05-17", "12:34:56.789", "INFO", "DEBUG", "request",
	"GET", "/api/v1/items", "200", "404", "latency", "ms", "bytes", "cat",
	"while", "return", "struct", "int", "char", "{", "}", "();", "->",
	"===", "---", "|", "+", "[ok]", "done.", "total", "9001", "3.14159",
};

static const char *const utf8_words[] = {
	"café", "naïve", "Straße", "λ-calculus", "Ωmega", "жизнь", "→", "←",
	"─────", "│", "┌──┐", "日本語", "中文", "한국어", "✓", "✗", "…",
	"€42", "°C", "±", "µs", "ünïcödé", "Ελληνικά", "עברית", "😀", "🚀",
};

static size_t
gen_line(char *p)
{
	char		*s = p;
	unsigned	 kind = rnd() % 10, len = 8 + rnd() % 130, col = 0;
	const char	*w;

	if (rnd() % 16 == 0) {		/* an empty line now and then */
		*p = '\n';
		return 1;
	}
	while (col < len) {
		if (kind >= 5 && kind < 8 && rnd() % 3 == 0) {
			switch (rnd() % 5) {
			case 0:
				p += sprintf(p, "\033[%um", 30 + rnd() % 8);
				break;
			case 1:
				p += sprintf(p, "\033[1;%um", 90 + rnd() % 8);
				break;
			case 2:
				p += sprintf(p, "\033[38;5;%um", rnd() % 256);
				break;
			case 3:
				p += sprintf(p, "\033[38;2;%u;%u;%um",
				    rnd() % 256, rnd() % 256, rnd() % 256);
				break;
			default:
				p += sprintf(p, "\033[0m");
				break;
			}
		}
		if (kind >= 8 && rnd() % 2 == 0)
			w = utf8_words[rnd() % (sizeof(utf8_words) /
			    sizeof(utf8_words[0]))];
		else
			w = words[rnd() % (sizeof(words) / sizeof(words[0]))];
		p += sprintf(p, "%s%s", col ? " " : "", w);
		col += strlen(w) + 1;
	}
	if (kind >= 5 && kind < 8)
		p += sprintf(p, "\033[0m");
	*p++ = '\n';
	return p - s;
}

/* size bytes of mixed text, the same every time, ending in a marker line. */
static void
gen_corpus(const char *path, size_t size)
{
	static const char	 marker[] = "\033[0mBENCH-END-OF-CORPUS\n";
	char			*buf, line[4096];
	size_t			 used = 0, total = 0, n, fill;
	int			 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		die("%s: %s", path, strerror(errno));
	if ((buf = malloc(MIB + sizeof(line))) == NULL)
		die("out of memory");
	rng_state = 0x9e3779b97f4a7c15ULL;
	for (;;) {
		n = gen_line(line);
		if (total + n + sizeof(marker) - 1 + 1 > size)
			break;
		memcpy(buf + used, line, n);
		used += n;
		total += n;
		if (used >= MIB) {
			if (write_all_waiting(fd, buf, used) == -1)
				die("%s: %s", path, strerror(errno));
			used = 0;
		}
	}
	fill = size - total - (sizeof(marker) - 1);
	if (fill > 0) {
		memset(line, 'x', fill - 1);
		line[fill - 1] = '\n';
		memcpy(buf + used, line, fill);
		used += fill;
	}
	memcpy(buf + used, marker, sizeof(marker) - 1);
	used += sizeof(marker) - 1;
	if (write_all_waiting(fd, buf, used) == -1 || close(fd) == -1)
		die("%s: %s", path, strerror(errno));
	free(buf);
}

/* 10000 lines of 80 columns, each in ten differently coloured runs. */
static void
gen_lines80(const char *path)
{
	FILE	*f;
	int	 i, j, k;

	if ((f = fopen(path, "we")) == NULL)
		die("%s: %s", path, strerror(errno));
	rng_state = 0x2545f4914f6cdd1dULL;
	for (i = 0; i < 10000; i++) {
		for (j = 0; j < 10; j++) {
			fprintf(f, "\033[38;5;%u;48;5;%um", rnd() % 256,
			    rnd() % 256);
			for (k = 0; k < 8; k++)
				fputc('a' + rnd() % 26, f);
		}
		fputs("\033[0m\n", f);
	}
	if (fclose(f) == EOF)
		die("%s: %s", path, strerror(errno));
}

/* Columns of a string of one-column characters. */
static int
u8width(const char *s)
{
	int	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* A full 80x24 screen of known coloured text; expect[] holds its rows. */
static void
gen_screen(const char *path)
{
	FILE		*f;
	int		 r, col;
	const char	*w;
	char		*e;

	if ((f = fopen(path, "we")) == NULL)
		die("%s: %s", path, strerror(errno));
	rng_state = 0xd1b54a32d192ed03ULL;
	fputs("\033[H\033[2J", f);
	for (r = 0; r < ROWS; r++) {
		e = expect[r];
		fprintf(f, "\033[%d;1H\033[0m", r + 1);
		col = sprintf(e, "%02d", r + 1);
		fprintf(f, "%02d", r + 1);
		for (;;) {
			w = rnd() % 4 == 0 ? utf8_words[rnd() % 3] :
			    words[rnd() % (sizeof(words) / sizeof(words[0]))];
			if (col + 1 + u8width(w) > COLS - 6)
				break;
			fprintf(f, " \033[%u;%um%s\033[0m", rnd() % 2,
			    31 + rnd() % 7, w);
			e += strlen(e);
			sprintf(e, " %s", w);
			col += 1 + u8width(w);
		}
		if (r == ROWS - 1) {
			fputs(" \033[7mEND\033[0m", f);
			strcat(expect[r], " END");
		}
	}
	if (fclose(f) == EOF)
		die("%s: %s", path, strerror(errno));
}

/* --------------------------------------------------- programs (--prog) */

static int
fifo_open_for(const char *path, int flags)
{
	int	fd;

	while ((fd = open(path, flags | O_CLOEXEC)) == -1 && errno == EINTR)
		;
	return fd;
}

/*
 * feed GO DONE FILE...: for each FILE, wait for a byte on GO, copy FILE to
 * standard output as cat does, and report "START END" (CLOCK_MONOTONIC) on
 * DONE. feedhold: the same, then stay until killed.
 */
static int
prog_feed(int argc, char **argv, int hold)
{
	static char	 buf[128 * 1024];
	int		 go, done, fd, i;
	ssize_t		 n;
	double		 t0, t1;
	char		 c, msg[128];

	if (argc < 3)
		return 2;
	if ((go = fifo_open_for(argv[0], O_RDONLY)) == -1 ||
	    (done = fifo_open_for(argv[1], O_WRONLY)) == -1)
		return 1;
	for (i = 2; i < argc; i++) {
		while ((n = read(go, &c, 1)) == -1 && errno == EINTR)
			;
		if (n != 1)
			return 1;
		if ((fd = open(argv[i], O_RDONLY | O_CLOEXEC)) == -1)
			return 1;
		t0 = now();
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			if (write_all_waiting(1, buf, n) == -1)
				return 1;
		t1 = now();
		close(fd);
		snprintf(msg, sizeof(msg), "%.9f %.9f\n", t0, t1);
		write_all_waiting(done, msg, strlen(msg));
	}
	if (hold)
		for (;;)
			pause();
	return 0;
}

/* echo: raw terminal, every byte read is written back at once. */
static int
prog_echo(void)
{
	struct termios	t;
	char		buf[256];
	ssize_t		n;

	if (tcgetattr(0, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(0, TCSANOW, &t);
	}
	for (;;) {
		if ((n = read(0, buf, sizeof(buf))) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			return 0;
		}
		if (write_all_waiting(1, buf, n) == -1)
			return 0;
	}
}

/*
 * show FILE: draw the file once, then do nothing (no redraw on SIGWINCH);
 * raw and without echo, so that stray keys do not change the screen.
 */
static int
prog_show(const char *path)
{
	struct termios	t;
	char		buf[8192];
	ssize_t		n;
	int		fd;

	if (tcgetattr(0, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(0, TCSANOW, &t);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		write_all_waiting(1, buf, n);
	close(fd);
	for (;;)
		pause();
}

/*
 * tick DONE: print a dot every millisecond; when standard output has become
 * another terminal, report the time on DONE, then go on ticking slowly.
 */
static int
prog_tick(const char *donepath)
{
	struct stat	st0, st;
	int		done, moved = 0;
	char		msg[64];

	if ((done = fifo_open_for(donepath, O_WRONLY)) == -1 ||
	    fstat(1, &st0) == -1)
		return 1;
	for (;;) {
		if (write(1, ".", 1) == -1 && errno != EINTR && errno != EIO &&
		    errno != EAGAIN)
			return 1;
		if (!moved && fstat(1, &st) == 0 && st.st_rdev != st0.st_rdev) {
			moved = 1;
			snprintf(msg, sizeof(msg), "%.9f\n", now());
			write_all_waiting(done, msg, strlen(msg));
		}
		sleepf(moved ? 0.1 : 0.001);
	}
}

/*
 * jobshell PROG...: what a shell does with a foreground job: run it in its
 * own process group in front of the terminal, wait for it.
 */
static int
prog_jobshell(char **argv)
{
	pid_t	pid;
	int	st;

	signal(SIGTTOU, SIG_IGN);
	if ((pid = fork()) == -1)
		return 1;
	if (pid == 0) {
		setpgid(0, 0);
		tcsetpgrp(0, getpid());
		signal(SIGTTOU, SIG_DFL);
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	tcsetpgrp(0, pid);
	while (waitpid(pid, &st, WUNTRACED) == -1 && errno == EINTR)
		;
	for (;;)
		pause();
}

/*
 * relay: the least a tool in the middle does. The program (argv) runs on
 * a pty of its own; what comes from the terminal is written to it, what
 * it writes goes to the terminal, with one poll, read and write a time.
 */
static int
prog_relay(char **argv)
{
	struct termios	t;
	struct pollfd	pfd[2];
	char		buf[4096];
	ssize_t		n;
	int		m, i;
	pid_t		pid;

	if ((pid = forkpty(&m, NULL, NULL, NULL)) == -1)
		return 1;
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (tcgetattr(0, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(0, TCSANOW, &t);
	}
	pfd[0].fd = 0;
	pfd[1].fd = m;
	pfd[0].events = pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		for (i = 0; i < 2; i++) {
			if (pfd[i].revents == 0)
				continue;
			if ((n = read(pfd[i].fd, buf, sizeof(buf))) <= 0)
				return 0;
			if (write_all_waiting(pfd[1 - i].fd == 0 ? 1 : pfd[1 - i].fd,
			    buf, (size_t)n) == -1)
				return 0;
		}
	}
}

/*
 * hold MIB: take MIB MiB and write to every page of it (memory a
 * checkpoint has to carry), say so, then do nothing.
 */
static int
prog_hold(const char *mib)
{
	size_t	 len = strtoul(mib, NULL, 10) * MIB, i;
	size_t	 page = (size_t)sysconf(_SC_PAGESIZE);
	char	*p, msg[64];

	if ((p = malloc(len)) == NULL)
		return 1;
	for (i = 0; i < len; i += page)
		p[i] = (char)(i / page) | 1;
	snprintf(msg, sizeof(msg), "held %s MiB\r\n", mib);
	write_all_waiting(1, msg, strlen(msg));
	for (;;)
		pause();
}

static int
prog_main(int argc, char **argv)
{
	if (argc < 1)
		return 2;
	if (strcmp(argv[0], "feed") == 0)
		return prog_feed(argc - 1, argv + 1, 0);
	if (strcmp(argv[0], "feedhold") == 0)
		return prog_feed(argc - 1, argv + 1, 1);
	if (strcmp(argv[0], "echo") == 0)
		return prog_echo();
	if (strcmp(argv[0], "relay") == 0 && argc >= 2)
		return prog_relay(argv + 1);
	if (strcmp(argv[0], "show") == 0 && argc == 2)
		return prog_show(argv[1]);
	if (strcmp(argv[0], "tick") == 0 && argc == 2)
		return prog_tick(argv[1]);
	if (strcmp(argv[0], "jobshell") == 0 && argc >= 2)
		return prog_jobshell(argv + 1);
	if (strcmp(argv[0], "hold") == 0 && argc == 2)
		return prog_hold(argv[1]);
	return 2;
}

/* ------------------------------------------------------- peers, argv */

struct args {
	char	*v[64];
	int	 n;
	char	 buf[8192];
	size_t	 used;
};

static void
arg(struct args *a, const char *s)
{
	size_t	len = strlen(s) + 1;

	if (a->n + 1 >= (int)(sizeof(a->v) / sizeof(a->v[0])) ||
	    a->used + len > sizeof(a->buf))
		die("argument list too long");
	a->v[a->n] = memcpy(a->buf + a->used, s, len);
	a->used += len;
	a->v[++a->n] = NULL;
}

static void
argv_add(struct args *a, char *const *v)
{
	for (; *v != NULL; v++)
		arg(a, *v);
}

static void
args_init(struct args *a)
{
	a->n = 0;
	a->used = 0;
	a->v[0] = NULL;
}

static void
peer_dir(int p, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", tmpdir, peer_tag[p]);
}

/* The path of name's socket, for finding its server. */
static void
sock_path(int p, const char *name, char *buf, size_t size)
{
	char	dir[PATH_MAX];

	peer_dir(p == P_SESS0 ? P_SESS : p, dir, sizeof(dir));
	if (p == P_ABDUCO)
		snprintf(buf, size, "%.200s/abduco/%.64s@", dir, name);
	else
		snprintf(buf, size, "%.200s/%.64s", dir, name);
}

/* Environment a peer's commands need beyond the common one. */
static char **
peer_env(int p)
{
	static char	*env[2];

	env[0] = p == P_SESS0 ? nomodel_env : NULL;
	env[1] = NULL;
	return env;
}

static void
create_args(struct args *a, int p, const char *name, char *const prog[])
{
	char	sp[PATH_MAX];

	args_init(a);
	sock_path(p, name, sp, sizeof(sp));
	switch (p) {
	case P_SESS:
	case P_SESS0:
		arg(a, p == P_SESS0 && sess0bin[0] != '\0' ? sess0bin : sessbin);
		arg(a, "-q");
		arg(a, "-n");
		arg(a, name);
		arg(a, "--");
		break;
	case P_DTACH:
		arg(a, "dtach");
		arg(a, "-n");
		arg(a, sp);
		break;
	case P_ABDUCO:
		arg(a, "abduco");
		arg(a, "-n");
		arg(a, name);
		break;
	case P_TMUX:
		arg(a, "tmux");
		arg(a, "-S");
		arg(a, sp);
		arg(a, "-f");
		arg(a, tmuxconf);
		arg(a, "new-session");
		arg(a, "-d");
		arg(a, "-s");
		arg(a, name);
		arg(a, "-x");
		arg(a, "80");
		arg(a, "-y");
		arg(a, "24");
		break;
	case P_SCREEN:
		arg(a, "screen");
		arg(a, "-dmS");
		arg(a, name);
		break;
	default:
		die("no sessions for %s", peer_name[p]);
	}
	argv_add(a, prog);
}

static void
attach_args(struct args *a, int p, const char *name)
{
	char	sp[PATH_MAX];

	args_init(a);
	sock_path(p, name, sp, sizeof(sp));
	switch (p) {
	case P_SESS:
	case P_SESS0:
		arg(a, p == P_SESS0 && sess0bin[0] != '\0' ? sess0bin : sessbin);
		arg(a, "-a");
		arg(a, name);
		break;
	case P_DTACH:
		arg(a, "dtach");
		arg(a, "-a");
		arg(a, sp);
		break;
	case P_ABDUCO:
		arg(a, "abduco");
		arg(a, "-a");
		arg(a, name);
		break;
	case P_TMUX:
		arg(a, "tmux");
		arg(a, "-S");
		arg(a, sp);
		arg(a, "attach-session");
		arg(a, "-t");
		arg(a, name);
		break;
	case P_SCREEN:
		arg(a, "screen");
		arg(a, "-r");
		arg(a, name);
		break;
	default:
		die("no attach for %s", peer_name[p]);
	}
}

/* The list command; 0 if the peer has none. */
static int
list_args(struct args *a, int p, const char *tmuxsock)
{
	args_init(a);
	switch (p) {
	case P_SESS:
		arg(a, sessbin);
		arg(a, "-l");
		return 1;
	case P_ABDUCO:
		arg(a, "abduco");
		return 1;
	case P_TMUX:
		arg(a, "tmux");
		arg(a, "-S");
		arg(a, tmuxsock);
		arg(a, "list-sessions");
		return 1;
	case P_SCREEN:
		arg(a, "screen");
		arg(a, "-ls");
		return 1;
	default:
		return 0;
	}
}

static const char *
detach_keys(int p)
{
	switch (p) {
	case P_TMUX:
		return "\002d";
	case P_SCREEN:
		return "\001d";
	default:
		return "\034";
	}
}

/* screen names its socket PID.NAME: the pid is its server's. */
static pid_t
screen_pid(const char *name)
{
	char		 dir[PATH_MAX], *end;
	DIR		*d;
	struct dirent	*e;
	pid_t		 pid = 0;
	long		 v;

	peer_dir(P_SCREEN, dir, sizeof(dir));
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		v = strtol(e->d_name, &end, 10);
		if (v > 0 && *end == '.' && strcmp(end + 1, name) == 0)
			pid = (pid_t)v;
	}
	closedir(d);
	return pid;
}

/* The server process of session name, waiting up to timeout for it. */
static pid_t
server_pid(int p, const char *name, double timeout)
{
	char	 sp[PATH_MAX], *paths[1];
	double	 end = now() + timeout;
	pid_t	 pid;

	sock_path(p, name, sp, sizeof(sp));
	paths[0] = sp;
	for (;;) {
		if (p == P_SCREEN)
			pid = screen_pid(name);
		else
			socket_owners(paths, 1, &pid);
		if ((pid > 0 && alive(pid)) || now() > end)
			return pid > 0 && alive(pid) ? pid : 0;
		sleepf(0.005);
		bail_if_interrupted();
	}
}

/* Create session name running prog, detached; its server's pid, or 0. */
static pid_t
session_create(int p, const char *name, char *const prog[], char *err,
    size_t errsz, double *took)
{
	struct args	a;
	int		st;
	pid_t		pid;

	create_args(&a, p, name, prog);
	if ((st = run_cmd(a.v, peer_env(p), 10, took)) != 0) {
		snprintf(err, errsz, "creating a session %s (status %d): %s",
		    st == -1 ? "timed out" : "failed", st, log_tail());
		return 0;
	}
	if ((pid = server_pid(p, name, 5)) == 0)
		snprintf(err, errsz, "no server found for the new session: %s",
		    log_tail());
	return pid;
}

static int
open_term(int *master, int *slave)
{
	struct winsize	ws = { ROWS, COLS, 0, 0 };

	if (openpty(master, slave, NULL, NULL, &ws) == -1)
		die("openpty: %s", strerror(errno));
	fcntl(*master, F_SETFD, FD_CLOEXEC);
	fcntl(*slave, F_SETFD, FD_CLOEXEC);
	set_nonblock(*master);
	return *master;
}

/* Start argv on a new 80x24 terminal; its master side in *master. */
static pid_t
start_on_term(char *const argv[], char *const env[], int *master)
{
	int	slave;
	pid_t	pid;

	open_term(master, &slave);
	pid = spawn(argv, slave, env, -1);
	close(slave);
	return pid;
}

static pid_t
client_start(int p, const char *name, int *master)
{
	struct args	a;

	attach_args(&a, p, name);
	return start_on_term(a.v, peer_env(p), master);
}

/* Read what is there (non-blocking); bytes read, -1 once the pty is gone. */
static ssize_t
drain(int fd, size_t *total)
{
	static char	buf[256 * 1024];
	ssize_t		n, got = 0;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			got += n;
			if (total != NULL)
				*total += n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return got;
		return got > 0 ? got : -1;
	}
}

/* Drain fd until it was quiet for quiet seconds (at least min, at most max). */
static void
settle(int fd, double min, double quiet, double max)
{
	double		t0 = now(), last = t0, t;
	struct pollfd	pfd = { fd, POLLIN, 0 };

	for (;;) {
		t = now();
		if (t - t0 >= max || (t - t0 >= min && t - last >= quiet))
			return;
		if (poll(&pfd, 1, 10) > 0) {
			if (drain(fd, NULL) < 0)
				return;
			last = now();
		}
		bail_if_interrupted();
	}
}

/*
 * Read the terminal at fd (non-blocking) until the mlen bytes of marker
 * come: 0, or -1 once the pty is gone or timeout passed.
 */
static int
term_wait_for(int fd, const void *marker, size_t mlen, double timeout)
{
	char		 buf[8192];
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	double		 end = now() + timeout;
	size_t		 len = 0;
	ssize_t		 n;

	for (;;) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n > 0) {
			len += n;
			if (memmem(buf, len, marker, mlen) != NULL)
				return 0;
			/* What may begin a marker that the next read ends. */
			if (len >= mlen) {
				memmove(buf, buf + len - (mlen - 1), mlen - 1);
				len = mlen - 1;
			}
			continue;
		}
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
			return -1;
		if (now() > end)
			return -1;
		poll(&pfd, 1, 100);
		bail_if_interrupted();
	}
}

struct fifos {
	char	go[PATH_MAX], done[PATH_MAX];
	int	gofd, donefd;
	char	line[256];
	size_t	len;
};

static void
fifos_make(struct fifos *f)
{
	unsigned	n = fifo_seq++;

	snprintf(f->go, sizeof(f->go), "%s/go.%u", tmpdir, n);
	snprintf(f->done, sizeof(f->done), "%s/done.%u", tmpdir, n);
	if (mkfifo(f->go, 0600) == -1 || mkfifo(f->done, 0600) == -1)
		die("mkfifo: %s", strerror(errno));
	if ((f->gofd = open(f->go, O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1 ||
	    (f->donefd = open(f->done, O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1)
		die("%s: %s", f->go, strerror(errno));
	f->len = 0;
}

static void
fifos_free(struct fifos *f)
{
	close(f->gofd);
	close(f->donefd);
	unlink(f->go);
	unlink(f->done);
}

/* A complete line from the program on DONE, if one came. */
static int
fifos_line(struct fifos *f, double *a, double *b)
{
	ssize_t	n;
	char	*nl;
	int	k;

	n = read(f->donefd, f->line + f->len, sizeof(f->line) - 1 - f->len);
	if (n > 0)
		f->len += n;
	f->line[f->len] = '\0';
	if ((nl = strchr(f->line, '\n')) == NULL)
		return 0;
	*nl = '\0';
	k = sscanf(f->line, "%lf %lf", a, b);
	memmove(f->line, nl + 1, f->len - (nl + 1 - f->line));
	f->len -= nl + 1 - f->line;
	return k >= 1;
}

/*
 * Wait (draining master, if >= 0, and counting in *bytes, if not NULL) for
 * the program's next report.
 */
static int
wait_report(struct fifos *f, int master, size_t *bytes, double timeout,
    double *a, double *b)
{
	struct pollfd	pfd[2];
	double		end = now() + timeout;
	int		n;

	for (;;) {
		if (fifos_line(f, a, b))
			return 0;
		if (now() > end)
			return -1;
		pfd[0].fd = f->donefd;
		pfd[0].events = POLLIN;
		pfd[1].fd = master;
		pfd[1].events = POLLIN;
		n = master >= 0 ? 2 : 1;
		if (poll(pfd, n, 100) > 0 && n == 2 &&
		    (pfd[1].revents & (POLLIN | POLLHUP)))
			if (drain(master, bytes) < 0)
				master = -1;
		bail_if_interrupted();
	}
}

/* ---------------------------------------------------------- throughput */

static void
prog_argv(char **v, const char *mode, struct fifos *f, const char *f1,
    const char *f2)
{
	int	i = 0;

	v[i++] = exe;
	v[i++] = "--prog";
	v[i++] = (char *)mode;
	if (f != NULL) {
		v[i++] = f->go;
		v[i++] = f->done;
	}
	if (f1 != NULL)
		v[i++] = (char *)f1;
	if (f2 != NULL)
		v[i++] = (char *)f2;
	v[i] = NULL;
}

/*
 * One run of the feed program writing the corpus, on a bare pty (p ==
 * P_BARE) or in a session, with one client attached (attached) or none.
 * *prog: the program's time; *e2e: until the terminal has had everything
 * and the client has exited (attached and bare only); *cpu: the server's
 * CPU time for it, all of it, until it has nothing left to do (NAN on a
 * bare pty).
 */
static int
tput_trial(int p, int attached, double *prog, double *e2e, double *cpu,
    char *err, size_t errsz)
{
	struct fifos	 f;
	char		*v[10], name[64];
	pid_t		 server = 0, client = 0;
	int		 master = -1, rc = -1, cfd = -1;
	double		 t0, t1, end, last, cexit, cpu0 = NAN;
	size_t		 bytes = 0;
	struct pollfd	 pfd[2];

	*cpu = NAN;
	fifos_make(&f);
	prog_argv(v, "feed", &f, corpus, NULL);
	snprintf(name, sizeof(name), "tput-%s-%u", peer_tag[p], fifo_seq);
	if (p == P_BARE)
		client = start_on_term(v, NULL, &master);
	else {
		if ((server = session_create(p, name, v, err, errsz,
		    NULL)) == 0)
			goto out;
		if (attached) {
			client = client_start(p, name, &master);
			settle(master, 0.2, 0.05, 2);
			if (!alive(client)) {
				snprintf(err, errsz, "the client exited at "
				    "once: %s", log_tail());
				goto out;
			}
		} else
			sleepf(0.1);
		cpu0 = cpu_settled(server, 2);
	}
	if (write(f.gofd, "g", 1) != 1)
		die("go: %s", strerror(errno));
	if (wait_report(&f, master, &bytes, 600, &t0, &t1) == -1) {
		snprintf(err, errsz, "the program did not finish");
		goto out;
	}
	*prog = t1 - t0;
	*e2e = NAN;
	if (master >= 0) {
		/* Until the client is gone and the terminal had it all. */
		cfd = pidfd_of(client);
		last = cexit = 0;
		end = now() + 120;
		while (now() < end) {
			pfd[0].fd = master;
			pfd[0].events = POLLIN;
			pfd[1].fd = cfd;
			pfd[1].events = POLLIN;
			if (poll(pfd, cexit ? 1 : 2, 20) > 0) {
				if (pfd[0].revents & (POLLIN | POLLHUP)) {
					if (drain(master, &bytes) < 0) {
						last = now();
						if (!cexit)
							cexit = last;
						break;
					}
					last = now();
				}
				if (!cexit && (pfd[1].revents & POLLIN))
					cexit = now();
			}
			if (cexit && now() - (last > cexit ? last : cexit) >
			    0.1)
				break;
			bail_if_interrupted();
		}
		if (cexit)
			*e2e = (last > cexit ? last : cexit) - t0;
		/*
		 * Less than the program wrote: the tool drew screens instead
		 * of passing the stream on (or dropped a backlog). Not wrong,
		 * but the time is then not for the same work.
		 */
		if ((double)bytes / (double)corpus_size < tput_got[p])
			tput_got[p] = (double)bytes / (double)corpus_size;
	}
	/* Before anything reaps it: a server that ends with its program
	 * is a zombie by now, and a zombie still says its time. */
	if (server > 0)
		*cpu = cpu_settled(server, 10) - cpu0;
	rc = 0;
out:
	if (cfd != -1)
		close(cfd);
	if (client > 0)
		kill_tree(client, 1);
	if (server > 0) {
		/* A program that ended ends most servers (not sess's: it
		 * keeps the exit status for the next attach). */
		end = now() + 0.3;
		while (alive(server) && now() < end)
			sleepf(0.005);
		kill_tree(server, 1);
	}
	if (master >= 0)
		close(master);
	fifos_free(&f);
	return rc;
}

static int
session_peer(int p)
{
	return p != P_BARE && p != P_REPTYR && p != P_CRIU && peer_on[p];
}

static void
fail(int m, int p, const char *what, const char *err)
{
	res[m][p].failed++;
	res[m][p].ran = 1;
	fprintf(stderr, "bench: %s, %s: %s\n", what, peer_name[p], err);
	note("%s, %s: %s", what, peer_name[p], err);
}

static void
bench_throughput(void)
{
	int	 r, i, p, att, order[NPEER], no = 0, rounds, m, mc;
	double	 prog, e2e, cpu;
	char	 err[512];

	for (p = 0; p < NPEER; p++) {
		tput_got[p] = 1;
		if (p == P_BARE || session_peer(p))
			order[no++] = p;
	}
	rounds = cfg.tput_rounds > cfg.tput_det_rounds ? cfg.tput_rounds :
	    cfg.tput_det_rounds;
	for (r = 0; r < rounds; r++) {
		progress("throughput: round %d/%d", r + 1, rounds);
		for (att = 1; att >= 0; att--) {
			if (r >= (att ? cfg.tput_rounds : cfg.tput_det_rounds))
				continue;
			m = att ? M_TPUT_ATT : M_TPUT_DET;
			mc = att ? M_CPU_ATT : M_CPU_DET;
			for (i = 0; i < no; i++) {
				p = order[(i + r) % no];
				/* The bare pty's runs count for both. */
				if (p == P_BARE && !att &&
				    r < cfg.tput_rounds)
					continue;
				if (res[m][p].failed >= 2)
					continue;
				if (tput_trial(p, att, &prog, &e2e, &cpu, err,
				    sizeof(err)) == -1) {
					fail(m, p, att ? "throughput attached"
					    : "throughput detached", err);
					continue;
				}
				if (p == P_BARE && att) {
					sample_add(&res[M_TPUT_ATT][p], prog);
					sample_add(&res[M_TPUT_DET][p], prog);
				} else
					sample_add(&res[m][p], prog);
				if (att && !isnan(e2e))
					sample_add(&res[M_TPUT_E2E][p], e2e);
				if (!isnan(cpu))
					sample_add(&res[mc][p], cpu);
			}
		}
	}
	for (p = 0; p < NPEER; p++)
		if (tput_got[p] < 0.99)
			note("throughput attached, %s: its terminal got as "
			    "little as %.1f%% of the bytes the program wrote "
			    "(it drew screens, or dropped a backlog and "
			    "redrew, instead of passing all of it on)",
			    peer_name[p], 100 * tput_got[p]);
}

/* ------------------------------------------------------------- latency */

/* Type c into fd, wait until it comes back; seconds, or -1. */
static double
roundtrip(int fd, unsigned char c)
{
	double	t0;

	drain(fd, NULL);
	t0 = now();
	if (write(fd, &c, 1) != 1 || term_wait_for(fd, &c, 1, 2) == -1)
		return -1;
	return now() - t0;
}

/* Until the program on the terminal at master has made it raw. */
static void
wait_raw(int master)
{
	struct termios	t;
	double		end = now() + 2;

	while (now() < end && tcgetattr(master, &t) == 0 &&
	    (t.c_lflag & ICANON))
		sleepf(0.002);
}

/*
 * Every tool here sits between two ptys, and a key and its echo cross
 * each twice where the bare pty has them cross one: the relay program, a
 * loop of poll, read and write and nothing else, measured with the
 * others, says what that alone costs.
 */
static void
note_relay(const struct sample *relay)
{
	double	bare, r50;

	if (relay->n == 0 || res[M_LAT][P_BARE].n == 0)
		return;
	bare = quantile(&res[M_LAT][P_BARE], 0.5);
	r50 = quantile(relay, 0.5);
	note("key echo latency through a bare relay (a program that only "
	    "polls, reads and writes between the terminal and a pty of its "
	    "own, the least any tool here does): p50 %.0f µs (%.2fx bare), "
	    "p99 %.0f µs", r50 * 1e6, r50 / bare,
	    quantile(relay, 0.99) * 1e6);
}

static void
bench_latency(void)
{
	static const char	 keys[] = "abefgijkopvwxyz";
	char			*v[10], *vr[8], name[64], err[512];
	int			 master[NPEER], p, i, k, ok[NPEER], rmaster;
	int			 order[NPEER + 1];
	pid_t			 server[NPEER], client[NPEER], rpid;
	double			 lt;

	progress("latency: %d round trips each", cfg.lat_n);
	prog_argv(v, "echo", NULL, NULL, NULL);
	vr[0] = exe;
	vr[1] = "--prog";
	vr[2] = "relay";
	for (i = 0; v[i] != NULL; i++)
		vr[3 + i] = v[i];
	vr[3 + i] = NULL;
	rpid = start_on_term(vr, NULL, &rmaster);
	for (p = 0; p < NPEER; p++) {
		master[p] = -1;
		server[p] = client[p] = 0;
		ok[p] = 0;
		if (p == P_BARE) {
			client[p] = start_on_term(v, NULL, &master[p]);
			wait_raw(master[p]);
			ok[p] = 1;
			continue;
		}
		if (!session_peer(p))
			continue;
		snprintf(name, sizeof(name), "lat-%s", peer_tag[p]);
		if ((server[p] = session_create(p, name, v, err, sizeof(err),
		    NULL)) == 0) {
			fail(M_LAT, p, "latency", err);
			continue;
		}
		client[p] = client_start(p, name, &master[p]);
		ok[p] = 1;
	}
	for (p = 0; p < NPEER; p++)
		if (ok[p] && p != P_BARE)
			settle(master[p], 0.3, 0.05, 2);
	wait_raw(rmaster);
	settle(rmaster, 0.1, 0.05, 1);
	/* The relay takes its turn as NPEER. */
	for (p = 0; p <= NPEER; p++)
		order[p] = p;
	rng_state = 0x2b992ddfa23249d6ULL;
	for (i = 0; i < cfg.lat_warm + cfg.lat_n; i++) {
		/* In a new order each round: what the tool typed into last
		 * still does after its echo (its model, its redraw) slows
		 * the next, which a fixed order makes the same one. */
		shuffle(order, NPEER + 1);
		for (k = 0; k <= NPEER; k++) {
			p = order[k];
			if (p == NPEER) {
				if (rpid <= 0)
					continue;
				lt = roundtrip(rmaster,
				    keys[i % (sizeof(keys) - 1)]);
				if (lt < 0) {
					kill_tree(rpid, 1);
					rpid = 0;
				} else if (i >= cfg.lat_warm)
					sample_add(&relay_lat, lt);
				continue;
			}
			if (!ok[p])
				continue;
			lt = roundtrip(master[p], keys[i % (sizeof(keys) - 1)]);
			if (lt < 0) {
				snprintf(err, sizeof(err), "key %d did not "
				    "come back within 2 s%s%s", i,
				    alive(client[p]) ? "" : " (client exited: ",
				    alive(client[p]) ? "" : log_tail());
				fail(M_LAT, p, "latency", err);
				ok[p] = 0;
				continue;
			}
			if (i >= cfg.lat_warm)
				sample_add(&res[M_LAT][p], lt);
		}
	}
	for (p = 0; p < NPEER; p++) {
		if (client[p] > 0)
			kill_tree(client[p], 1);
		if (server[p] > 0)
			kill_tree(server[p], 1);
		if (master[p] >= 0)
			close(master[p]);
	}
	if (rpid > 0)
		kill_tree(rpid, 1);
	close(rmaster);
	note_relay(&relay_lat);
}

/* -------------------------------------------------------------- attach */

struct term {
	VTerm		*vt;
	VTermScreen	*vs;
	int		 master;
};

static void
term_reply(const char *s, size_t len, void *user)
{
	struct term	*t = user;

	write_all_waiting(t->master, s, len);
}

static int
term_matches(struct term *t)
{
	char		buf[COLS * 8];
	VTermRect	rect;
	size_t		n;
	int		r;

	for (r = 0; r < ROWS; r++) {
		rect.start_row = r;
		rect.end_row = r + 1;
		rect.start_col = 0;
		rect.end_col = COLS;
		n = vterm_screen_get_text(t->vs, buf, sizeof(buf) - 1, rect);
		while (n > 0 && buf[n - 1] == ' ')
			n--;
		buf[n] = '\0';
		if (strcmp(buf, expect[r]) != 0)
			return 0;
	}
	return 1;
}

/*
 * Start argv on a fresh 80x24 terminal emulated by libvterm; seconds until
 * the terminal shows the known screen, or -1 if it did not within limit.
 */
static double
show_trial(char *const argv[], char *const env[], double limit, pid_t *pidp,
    struct term *t)
{
	char		buf[65536];
	struct pollfd	pfd;
	double		t0, end;
	ssize_t		n;
	int		slave;

	open_term(&t->master, &slave);
	t->vt = vterm_new(ROWS, COLS);
	vterm_set_utf8(t->vt, 1);
	t->vs = vterm_obtain_screen(t->vt);
	vterm_screen_reset(t->vs, 1);
	vterm_output_set_callback(t->vt, term_reply, t);
	t0 = now();
	*pidp = spawn(argv, slave, env, -1);
	close(slave);
	end = t0 + limit;
	pfd.fd = t->master;
	pfd.events = POLLIN;
	for (;;) {
		n = read(t->master, buf, sizeof(buf));
		if (n > 0) {
			vterm_input_write(t->vt, buf, n);
			if (term_matches(t))
				return now() - t0;
			continue;
		}
		if (n == -1 && errno == EIO)
			return -1;
		if (now() > end)
			return -1;
		poll(&pfd, 1, 10);
		bail_if_interrupted();
	}
}

static void
term_free(struct term *t)
{
	vterm_free(t->vt);
	close(t->master);
}

static void
bench_attach(void)
{
	char		*v[10], *cat[3], name[NPEER][64], err[512];
	pid_t		 server[NPEER], client;
	int		 p, i, k, k2, shown, order[NPEER], no = 0;
	int		 misses[NPEER];
	struct args	 a;
	struct term	 t;
	double		 lt, end;

	progress("attach: %d attaches each", cfg.attach_n);
	prog_argv(v, "show", NULL, screenfile, NULL);
	cat[0] = "cat";
	cat[1] = screenfile;
	cat[2] = NULL;
	for (p = 0; p < NPEER; p++) {
		server[p] = 0;
		misses[p] = 0;
		if (p == P_BARE) {
			order[no++] = p;
			continue;
		}
		if (!session_peer(p))
			continue;
		snprintf(name[p], sizeof(name[p]), "show-%s", peer_tag[p]);
		if ((server[p] = session_create(p, name[p], v, err,
		    sizeof(err), NULL)) == 0) {
			fail(M_ATTACH, p, "attach", err);
			continue;
		}
		order[no++] = p;
	}
	sleepf(0.3);
	for (i = 0; i < cfg.attach_n; i++) {
		for (k = 0; k < no; k++) {
			p = order[(k + i) % no];
			if (res[M_ATTACH][p].failed >= 2 ||
			    (misses[p] >= 2 && res[M_ATTACH][p].n == 0))
				continue;
			if (p == P_BARE)
				lt = show_trial(cat, NULL, 5, &client, &t);
			else {
				attach_args(&a, p, name[p]);
				lt = show_trial(a.v, peer_env(p), 1, &client,
				    &t);
			}
			shown = lt >= 0;
			if (shown)
				sample_add(&res[M_ATTACH][p], lt);
			else {
				res[M_ATTACH][p].missing++;
				res[M_ATTACH][p].ran = 1;
				misses[p]++;
			}
			if (p != P_BARE) {
				/*
				 * Detach with the chord (again if the client
				 * was not reading its terminal yet); kill if
				 * that fails.
				 */
				settle(t.master, 0, 0.05, 0.5);
				for (k2 = 0; k2 < 3 && alive(client); k2++) {
					write_all_waiting(t.master, detach_keys(p),
					    strlen(detach_keys(p)));
					end = now() + 0.7;
					while (now() < end && alive(client)) {
						drain(t.master, NULL);
						sleepf(0.002);
					}
				}
				if (alive(client) && shown) {
					snprintf(err, sizeof(err), "the client "
					    "did not detach on its chord");
					fail(M_ATTACH, p, "attach", err);
				}
			}
			kill_tree(client, 1);
			term_free(&t);
		}
	}
	for (p = 0; p < NPEER; p++)
		if (server[p] > 0)
			kill_tree(server[p], 1);
}

/* -------------------------------------------------------------- memory */

static void
bench_memory(void)
{
	char		*v[10], name[64], err[512];
	struct fifos	 f;
	pid_t		 server;
	int		 r, k, p, order[NPEER], no = 0;
	double		 rss0, pss0, rss1, pss1, a, b;
	long		 hwm;

	for (p = 0; p < NPEER; p++)
		if (session_peer(p))
			order[no++] = p;
	for (r = 0; r < cfg.mem_n; r++) {
		progress("memory: round %d/%d", r + 1, cfg.mem_n);
		for (k = 0; k < no; k++) {
			p = order[(k + r) % no];
			if (res[M_MEM_IDLE_RSS][p].failed >= 2)
				continue;
			fifos_make(&f);
			prog_argv(v, "feedhold", &f, lines80, corpus_small);
			snprintf(name, sizeof(name), "mem-%s-%d", peer_tag[p],
			    r);
			if ((server = session_create(p, name, v, err,
			    sizeof(err), NULL)) == 0) {
				fail(M_MEM_IDLE_RSS, p, "memory", err);
				fifos_free(&f);
				continue;
			}
			sleepf(0.3);
			if (mem_of(server, &rss0, &pss0) == -1)
				goto bad;
			sample_add(&res[M_MEM_IDLE_RSS][p], rss0);
			sample_add(&res[M_MEM_IDLE_PSS][p], pss0);
			if (write(f.gofd, "g", 1) != 1 ||
			    wait_report(&f, -1, NULL, 60, &a, &b) == -1)
				goto bad;
			sleepf(0.3);
			if (mem_of(server, &rss1, &pss1) == -1)
				goto bad;
			sample_add(&res[M_MEM_LINES][p], rss1 - rss0);
			if (write(f.gofd, "g", 1) != 1 ||
			    wait_report(&f, -1, NULL, 120, &a, &b) == -1)
				goto bad;
			sleepf(0.5);
			if (mem_of(server, &rss1, &pss1) == -1)
				goto bad;
			sample_add(&res[M_MEM_BIG_RSS][p], rss1);
			sample_add(&res[M_MEM_BIG_PSS][p], pss1);
			if ((hwm = proc_status_long(server, "VmHWM")) >= 0)
				sample_add(&res[M_MEM_BIG_HWM][p], (double)hwm);
			goto done;
bad:
			snprintf(err, sizeof(err), "the session did not take "
			    "the output or its server went away");
			fail(M_MEM_IDLE_RSS, p, "memory", err);
done:
			kill_tree(server, 1);
			fifos_free(&f);
		}
	}
}

/* --------------------------------------------------------------- scale */

/*
 * The servers of the n scale sessions of p (for tmux the one server that
 * holds them all), waiting up to 10 s for them to appear; how many.
 */
static int
scale_servers(int p, int n, pid_t *pids)
{
	static char	 pathbuf[SCALE_MAX][PATH_MAX];
	static char	*paths[SCALE_MAX];
	char		 name[64];
	double		 end = now() + 10;
	int		 i, found, want = p == P_TMUX ? 1 : n;

	for (i = 0; i < want; i++) {
		snprintf(name, sizeof(name), "s%03d", i);
		sock_path(p, p == P_TMUX ? "scale" : name, pathbuf[i],
		    sizeof(pathbuf[i]));
		paths[i] = pathbuf[i];
	}
	for (;;) {
		if (p == P_SCREEN) {
			for (i = 0; i < n; i++) {
				snprintf(name, sizeof(name), "s%03d", i);
				pids[i] = screen_pid(name);
			}
		} else
			socket_owners(paths, want, pids);
		for (i = found = 0; i < want; i++)
			found += pids[i] > 0;
		if (found == want || now() > end)
			return found;
		sleepf(0.05);
		bail_if_interrupted();
	}
}

static void
bench_scale(void)
{
	static pid_t	 pids[NPEER][SCALE_MAX];
	static char	 out[256 * 1024];
	char		*v[3], *c, name[64], err[512], tsock[PATH_MAX];
	int		 i, j, k, p, n, lines, order[NPEER], no = 0, ok[NPEER];
	int		 found;
	double		 took, rss, pss, tpss;
	struct args	 a;

	v[0] = "sleep";
	v[1] = "100000";
	v[2] = NULL;
	n = cfg.scale_n;
	progress("scale: %d sessions each", n);
	for (p = 0; p < NPEER; p++)
		if ((ok[p] = session_peer(p) && p != P_SESS0))
			order[no++] = p;
	sock_path(P_TMUX, "scale", tsock, sizeof(tsock));
	rng_state = 0x853c49e6748fea9bULL;
	for (i = 0; i < n; i++) {
		/* In a new order each round: what a tool still does after
		 * its create returned (its server's start going on) slows
		 * whoever comes next, which a rotation makes the same tool
		 * every time. */
		shuffle(order, no);
		for (k = 0; k < no; k++) {
			p = order[k];
			if (!ok[p])
				continue;
			snprintf(name, sizeof(name), "s%03d", i);
			if (p == P_TMUX) {
				/* One server, on socket "scale", holds all. */
				create_args(&a, p, "scale", v);
				for (j = 0; j < a.n; j++)
					if (strcmp(a.v[j], "-s") == 0)
						a.v[j + 1] = name;
			} else
				create_args(&a, p, name, v);
			if (run_cmd(a.v, peer_env(p), 10, &took) != 0) {
				snprintf(err, sizeof(err), "creating session "
				    "%d failed: %s", i, log_tail());
				fail(M_SCALE_CREATE, p, "scale", err);
				ok[p] = 0;
				continue;
			}
			sample_add(&res[M_SCALE_CREATE][p], took);
		}
	}
	/* Every server up, then add up their memory. */
	for (k = 0; k < no; k++) {
		p = order[k];
		found = scale_servers(p, n, pids[p]);
		if (!ok[p])
			continue;
		if (found < (p == P_TMUX ? 1 : n)) {
			snprintf(err, sizeof(err), "%d of %d servers found",
			    found, p == P_TMUX ? 1 : n);
			fail(M_SCALE_PSS, p, "scale", err);
			continue;
		}
		tpss = 0;
		for (i = 0; i < (p == P_TMUX ? 1 : n); i++)
			if (mem_of(pids[p][i], &rss, &pss) == 0)
				tpss += pss;
		sample_add(&res[M_SCALE_PSS][p], tpss);
	}
	for (i = 0; i < cfg.list_n; i++) {
		for (k = 0; k < no; k++) {
			p = order[(k + i) % no];
			if (!ok[p] || !list_args(&a, p, tsock))
				continue;
			capture(a.v, out, sizeof(out), 10, &took);
			for (lines = 0, c = out; *c != '\0'; c++)
				lines += *c == '\n';
			if (lines < n) {
				snprintf(err, sizeof(err), "the list had %d "
				    "lines for %d sessions", lines, n);
				fail(M_SCALE_LIST, p, "scale", err);
				continue;
			}
			sample_add(&res[M_SCALE_LIST][p], took);
		}
	}
	for (k = 0; k < no; k++)
		kill_trees(pids[order[k]], order[k] == P_TMUX ? 1 : n);
}

/* --------------------------------------------------------------- adopt */

static int
sess_has_adopt(void)
{
	char	 out[8192], *v[3];

	v[0] = sessbin;
	v[1] = "-h";
	v[2] = NULL;
	capture(v, out, sizeof(out), 5, NULL);
	return strstr(out, "adopt") != NULL;
}

/*
 * A ticking job under a job-control "shell" on a terminal of its own, then
 * sess adopt -n (or reptyr on another terminal): seconds from the command's
 * start until the job writes to the new terminal.
 */
static int
adopt_trial(int p, int idx, double *took, char *err, size_t errsz)
{
	struct fifos	 f;
	char		*v[8], pidbuf[32], name[64];
	struct args	 a;
	int		 master, rmaster = -1, rc = -1;
	pid_t		 shell, job = 0, cmd = 0, list[8], server = 0;
	double		 t0, t1, dummy, end;

	fifos_make(&f);
	v[0] = exe;
	v[1] = "--prog";
	v[2] = "jobshell";
	v[3] = exe;
	v[4] = "--prog";
	v[5] = "tick";
	v[6] = f.done;
	v[7] = NULL;
	shell = start_on_term(v, NULL, &master);
	end = now() + 2;
	while (now() < end && descendants(&shell, 1, list, 8) < 1)
		sleepf(0.002);
	if (descendants(&shell, 1, list, 8) < 1) {
		snprintf(err, errsz, "the job did not start");
		goto out;
	}
	job = list[0];
	settle(master, 0.1, 0.05, 0.3);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)job);
	snprintf(name, sizeof(name), "adopt-%d", idx);
	args_init(&a);
	if (p == P_SESS) {
		arg(&a, sessbin);
		arg(&a, "adopt");
		arg(&a, "-n");
		arg(&a, "-q");
		arg(&a, pidbuf);
		arg(&a, name);
		t0 = now();
		cmd = spawn(a.v, -1, NULL, -1);
	} else {
		arg(&a, "reptyr");
		arg(&a, pidbuf);
		t0 = now();
		cmd = start_on_term(a.v, NULL, &rmaster);
	}
	if (wait_report(&f, rmaster, NULL, 10, &t1, &dummy) == -1) {
		snprintf(err, errsz, "the job never reached the new "
		    "terminal: %s", log_tail());
		goto out;
	}
	*took = t1 - t0;
	rc = 0;
out:
	if (p == P_SESS)
		server = server_pid(P_SESS, name, 0);
	if (cmd > 0)
		kill_tree(cmd, 1);
	if (server > 0)
		kill_tree(server, 1);
	if (job > 0)
		kill_tree(job, 1);
	kill_tree(shell, 1);
	close(master);
	if (rmaster >= 0)
		close(rmaster);
	fifos_free(&f);
	return rc;
}

static void
bench_adopt(void)
{
	int	 i, p, ok[2], peers[2] = { P_SESS, P_REPTYR };
	double	 took;
	char	 err[512];

	ok[0] = peer_on[P_SESS] && sess_has_adopt();
	ok[1] = peer_on[P_REPTYR];
	if (!ok[0]) {
		note("adopt: %s", peer_on[P_SESS] ? "this sess has no adopt "
		    "command yet" : "no sess");
		if (!ok[1])
			return;
	}
	progress("adopt: %d adoptions each", cfg.adopt_n);
	for (i = 0; i < cfg.adopt_n; i++) {
		for (int k = 0; k < 2; k++) {
			int j = (k + i) % 2;

			p = peers[j];
			if (!ok[j] || res[M_ADOPT][p].failed >= 2)
				continue;
			if (adopt_trial(p, i, &took, err, sizeof(err)) == -1)
				fail(M_ADOPT, p, "adopt", err);
			else
				sample_add(&res[M_ADOPT][p], took);
		}
	}
}

/* ---------------------------------------------------------- checkpoint */

enum { CK_IDLE, CK_BIG, NCK };

static const int ck_metric[NCK][3] = {
	{ M_CK_IDLE, M_RS_IDLE, M_IMG_IDLE },
	{ M_CK_BIG, M_RS_BIG, M_IMG_BIG },
};

/* The program of a checkpoint trial, and what it shows once it is ready. */
static const char *
ck_prog(int kind, char **v, char *mib, size_t mibsz)
{
	if (kind == CK_IDLE) {
		v[0] = "bash";
		v[1] = "--norc";
		v[2] = NULL;
		return "bash-";
	}
	snprintf(mib, mibsz, "%d", cfg.ck_mib);
	v[0] = exe;
	v[1] = "--prog";
	v[2] = "hold";
	v[3] = mib;
	v[4] = NULL;
	return "held ";
}

static double	dir_bytes;

static int
dir_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (flag == FTW_F)
		dir_bytes += st->st_size;
	return 0;
}

/* The size of the files in dir, in kB. */
static double
dir_kb(const char *dir)
{
	dir_bytes = 0;
	nftw(dir, dir_entry, 16, FTW_PHYS);
	return dir_bytes / 1024;
}

/* Ask sess dump NAME until its screen shows marker (0) or timeout (-1). */
static int
sess_shows(const char *name, const char *marker, double timeout)
{
	static char	 out[64 * 1024];
	char		*v[4];
	double		 end = now() + timeout;

	v[0] = sessbin;
	v[1] = "dump";
	v[2] = (char *)name;
	v[3] = NULL;
	do {
		if (capture(v, out, sizeof(out), 5, NULL) == 0 &&
		    strstr(out, marker) != NULL)
			return 0;
		bail_if_interrupted();
	} while (now() < end);
	return -1;
}

/*
 * sess: a session of the program, sess checkpoint NAME (until it exits),
 * then, once the old server is gone, sess restore NAME until sess dump
 * NAME shows the program's screen again. kb: sess's checkpoint directory.
 */
static int
ck_sess_trial(int kind, int idx, double *ck, double *rs, double *kb,
    char *err, size_t errsz)
{
	char		*v[6], mib[16], name[64], dir[PATH_MAX];
	const char	*marker = ck_prog(kind, v, mib, sizeof(mib));
	struct args	 a;
	pid_t		 server, restored;
	double		 t0;
	int		 st, rc = -1;

	snprintf(name, sizeof(name), "ck%d-%d", kind, idx);
	snprintf(dir, sizeof(dir), "%.200s/%.64s", statedir, name);
	if ((server = session_create(P_SESS, name, v, err, errsz, NULL)) == 0)
		return -1;
	if (sess_shows(name, marker, 10) == -1) {
		snprintf(err, errsz, "the program never showed \"%s\"", marker);
		goto out;
	}
	args_init(&a);
	arg(&a, sessbin);
	arg(&a, "checkpoint");
	arg(&a, name);
	if ((st = run_cmd(a.v, NULL, 60, ck)) != 0) {
		snprintf(err, errsz, "sess checkpoint failed (status %d): %s",
		    st, log_tail());
		goto out;
	}
	*kb = dir_kb(dir);
	/* The restored program takes its old pid: the old server must have
	 * reaped it, and it does so before it ends. */
	if (wait_gone(&server, 1, 10) != 0) {
		snprintf(err, errsz, "the server outlived its checkpoint");
		goto out;
	}
	args_init(&a);
	arg(&a, sessbin);
	arg(&a, "restore");
	arg(&a, name);
	t0 = now();
	if ((st = run_cmd(a.v, NULL, 60, NULL)) != 0) {
		snprintf(err, errsz, "sess restore failed (status %d): %s", st,
		    log_tail());
		goto out;
	}
	if (sess_shows(name, marker, 10) == -1) {
		snprintf(err, errsz, "the restored screen never showed \"%s\"",
		    marker);
		goto out;
	}
	*rs = now() - t0;
	rc = 0;
out:
	restored = server_pid(P_SESS, name, 0);
	kill_tree(server, 1);
	if (restored > 0)
		kill_tree(restored, 1);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}

/*
 * criu alone, as sess runs it: the program on a pty of the bench's, criu
 * dump with the pty as an external tty (until criu exits), then criu
 * restore onto a new pty handed in with --inherit-fd, the program a child
 * of the bench (until criu exits, the program running). kb: criu's images.
 */
static int
ck_criu_trial(int kind, int idx, double *ck, double *rs, double *kb,
    char *err, size_t errsz)
{
	char		*v[6], mib[16], dir[PATH_MAX], key[96], inherit[128];
	char		 path[PATH_MAX + 16], spid[32], *slave;
	const char	*marker = ck_prog(kind, v, mib, sizeof(mib));
	struct args	 a;
	struct stat	 sst;
	int		 master, m2 = -1, s2 = -1, st, fd, rc = -1;
	pid_t		 prog, cmd, restored = 0;
	ssize_t		 n;
	double		 t0;

	peer_dir(P_CRIU, dir, sizeof(dir));
	snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/%d-%d", kind,
	    idx);
	if (mkdir(dir, 0700) == -1)
		die("%s: %s", dir, strerror(errno));
	prog = start_on_term(v, NULL, &master);
	if (term_wait_for(master, marker, strlen(marker), 10) == -1) {
		snprintf(err, errsz, "the program never showed \"%s\"", marker);
		goto out;
	}
	if ((slave = ptsname(master)) == NULL || stat(slave, &sst) == -1)
		die("ptsname: %s", strerror(errno));
	snprintf(key, sizeof(key), "tty[%llx:%llx]",
	    (unsigned long long)sst.st_rdev, (unsigned long long)sst.st_dev);
	snprintf(spid, sizeof(spid), "%d", (int)prog);
	args_init(&a);
	argv_add(&a, (char *[]){ criubin, "dump", "-t", spid, "-D", dir,
	    "--external", key, "-o", "dump.log", "-v2", NULL });
	if ((st = run_cmd(a.v, NULL, 60, ck)) != 0) {
		snprintf(err, errsz, "criu dump failed (status %d): see "
		    "%s/dump.log", st, dir);
		goto out;
	}
	if (wait_exit(prog, 10) == -1) {
		snprintf(err, errsz, "the program outlived its dump");
		goto out;
	}
	prog = 0;
	*kb = dir_kb(dir);
	open_term(&m2, &s2);
	snprintf(inherit, sizeof(inherit), "fd[3]:%s", key);
	args_init(&a);
	argv_add(&a, (char *[]){ criubin, "restore", "-D", dir,
	    "--inherit-fd", inherit, "--restore-sibling",
	    "--restore-detached", "--pidfile", "restore.pid", "-o",
	    "restore.log", "-v2", NULL });
	t0 = now();
	cmd = spawn_keep(a.v, -1, NULL, -1, s2);
	st = wait_exit(cmd, 60);
	*rs = now() - t0;
	snprintf(path, sizeof(path), "%s/restore.pid", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		if ((n = read(fd, spid, sizeof(spid) - 1)) > 0) {
			spid[n] = '\0';
			restored = (pid_t)strtol(spid, NULL, 10);
		}
		close(fd);
	}
	if (st != 0) {
		if (st == -1)
			kill_tree(cmd, 1);
		snprintf(err, errsz, "criu restore failed (status %d): see "
		    "%s/restore.log", st, dir);
		goto out;
	}
	rc = 0;
out:
	if (restored > 0)
		kill_tree(restored, 1);
	kill_tree(prog, 1);
	close(master);
	if (m2 != -1) {
		close(m2);
		close(s2);
	}
	if (rc == 0 || !keep)
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}

static void
bench_checkpoint(void)
{
	int	 i, kind, k, p, r, peers[2] = { P_SESS, P_CRIU };
	double	 ck, rs, kb;
	char	 err[512];

	if (!peer_on[P_SESS] || !peer_on[P_CRIU])
		return;
	progress("checkpoint: %d rounds of an idle shell and of a program "
	    "holding %d MiB, sess and criu in turn", cfg.ck_n, cfg.ck_mib);
	for (i = 0; i < cfg.ck_n; i++) {
		for (kind = 0; kind < NCK; kind++) {
			for (k = 0; k < 2; k++) {
				p = peers[(k + i) % 2];
				if (res[ck_metric[kind][0]][p].failed >= 2)
					continue;
				r = p == P_SESS ?
				    ck_sess_trial(kind, i, &ck, &rs, &kb, err,
				    sizeof(err)) :
				    ck_criu_trial(kind, i, &ck, &rs, &kb, err,
				    sizeof(err));
				if (r == -1) {
					fail(ck_metric[kind][0], p,
					    "checkpoint", err);
					continue;
				}
				sample_add(&res[ck_metric[kind][0]][p], ck);
				sample_add(&res[ck_metric[kind][1]][p], rs);
				sample_add(&res[ck_metric[kind][2]][p], kb);
			}
		}
	}
}

/* ------------------------------------------- screen model, upgrade */

/*
 * A program beside this one (bench/screen_bench on the 16 MiB corpus,
 * bench/upgrade): every line "LABEL<TAB>VALUE<TAB>TARGET<TAB>RESULT" it
 * prints becomes a row of the table after the results. Separate programs
 * because they link what the driver has no need of (the model from
 * src/libsess.a, the tests' ptys).
 */
static void
bench_hook(const char *name, const char *what, char *const args[], int secs)
{
	char		 path[PATH_MAX], *dir, *line, *save, *f[4], *s;
	static char	 out[64 * 1024];
	char		*v[4];
	int		 st, k;

	snprintf(path, sizeof(path), "%s", exe);
	if ((dir = strrchr(path, '/')) == NULL)
		return;
	strcpy(dir + 1, name);
	if (access(path, X_OK) != 0) {
		snprintf(hook_note, sizeof(hook_note), "bench/%s is not built: "
		    "no %s figures", name, what);
		return;
	}
	progress("%s: bench/%s", what, name);
	v[0] = path;
	v[1] = args[0];
	v[2] = args[0] != NULL ? args[1] : NULL;
	v[3] = NULL;
	st = capture(v, out, sizeof(out), secs, NULL);
	if (st != 0)
		snprintf(hook_note, sizeof(hook_note), "bench/%s exited with "
		    "status %d", name, st);
	for (line = strtok_r(out, "\n", &save); line != NULL &&
	    nhooks < (int)(sizeof(hooks) / sizeof(hooks[0]));
	    line = strtok_r(NULL, "\n", &save)) {
		for (k = 0, s = line; k < 4; k++) {
			f[k] = s;
			if (s != NULL && (s = strchr(s, '\t')) != NULL)
				*s++ = '\0';
		}
		if (f[1] == NULL)
			continue;
		snprintf(hooks[nhooks].label, sizeof(hooks[0].label), "%s",
		    f[0]);
		snprintf(hooks[nhooks].value, sizeof(hooks[0].value), "%s",
		    f[1]);
		snprintf(hooks[nhooks].target, sizeof(hooks[0].target), "%s",
		    f[2] ? f[2] : "");
		snprintf(hooks[nhooks].result, sizeof(hooks[0].result), "%s",
		    f[3] ? f[3] : "");
		nhooks++;
	}
}

static void
bench_screen_model(void)
{
	char	*args[] = { corpus_small, quick ? "1" : "5" };

	bench_hook("screen_bench", "screen model", args, 150);
}

/* sess upgrade: one session, a hundred, the pause a client sees. */
static void
bench_upgrade(void)
{
	char	*args[] = { quick ? "5" : "20", NULL };

	bench_hook("upgrade", "upgrade", args, 300);
}

/* -------------------------------------------------------------- report */

enum statkind { S_MED, S_P50, S_P99 };
enum unit { U_S, U_MS, U_US, U_KB, U_KBD };

struct row {
	const char	*label;
	int		 m, stat, unit, ratio;
	const char	*target;
	int		(*check)(void);
	int		 base;	/* the peer a ratio is to */
};

static double
statv(int m, int p, int stat)
{
	return quantile(&res[m][p], stat == S_P99 ? 0.99 : 0.5);
}

static int
have(int m, int p)
{
	return res[m][p].n > 0;
}

static int
chk_tput(void)
{
	double	s;

	if (!have(M_TPUT_ATT, P_SESS) || !have(M_TPUT_ATT, P_BARE))
		return -1;
	s = median(M_TPUT_ATT, P_SESS);
	return s <= 1.2 * median(M_TPUT_ATT, P_BARE) &&
	    (!have(M_TPUT_ATT, P_DTACH) || s < median(M_TPUT_ATT, P_DTACH));
}

static int
chk_nomodel(void)
{
	if (!have(M_TPUT_ATT, P_SESS) || !have(M_TPUT_ATT, P_SESS0))
		return -1;
	return median(M_TPUT_ATT, P_SESS) <= 1.1 *
	    median(M_TPUT_ATT, P_SESS0);
}

/* sess at most what dtach took (m), in the same run. */
static int
chk_dtach(int m)
{
	if (!have(m, P_SESS) || !have(m, P_DTACH))
		return -1;
	return median(m, P_SESS) <= median(m, P_DTACH);
}

static int chk_tput_det(void) { return chk_dtach(M_TPUT_DET); }
static int chk_cpu_det(void) { return chk_dtach(M_CPU_DET); }
static int chk_create(void) { return chk_dtach(M_SCALE_CREATE); }

static int
chk_lat50(void)
{
	if (!have(M_LAT, P_SESS) || relay_lat.n == 0)
		return -1;
	return statv(M_LAT, P_SESS, S_P50) <= 1.05 * quantile(&relay_lat, 0.5);
}

static int
chk_lat99(void)
{
	if (!have(M_LAT, P_SESS) || !have(M_LAT, P_DTACH))
		return -1;
	return statv(M_LAT, P_SESS, S_P99) < statv(M_LAT, P_DTACH, S_P99);
}

static int
chk_attach(void)
{
	double	s;

	if (!have(M_ATTACH, P_SESS) || !have(M_ATTACH, P_BARE))
		return res[M_ATTACH][P_SESS].ran ? 0 : -1;
	if (res[M_ATTACH][P_SESS].missing > 0)
		return 0;
	s = median(M_ATTACH, P_SESS);
	return s <= 1.5 * median(M_ATTACH, P_BARE) &&
	    (!have(M_ATTACH, P_TMUX) || s <= median(M_ATTACH, P_TMUX));
}

static int
chk_rss(void)
{
	if (!have(M_MEM_IDLE_RSS, P_SESS))
		return -1;
	return median(M_MEM_IDLE_RSS, P_SESS) <= 1024;
}

static int
chk_lines(void)
{
	if (!have(M_MEM_LINES, P_SESS))
		return -1;
	return median(M_MEM_LINES, P_SESS) <= 2048;
}

static int
chk_hwm(void)
{
	if (!have(M_MEM_BIG_HWM, P_SESS))
		return -1;
	return median(M_MEM_BIG_HWM, P_SESS) <= 4096;
}

static int
chk_scale(void)
{
	if (!have(M_SCALE_PSS, P_SESS) || !have(M_SCALE_PSS, P_DTACH))
		return -1;
	return median(M_SCALE_PSS, P_SESS) <= 1.2 *
	    median(M_SCALE_PSS, P_DTACH);
}

static int
chk_list(void)
{
	if (!have(M_SCALE_LIST, P_SESS) || !have(M_SCALE_LIST, P_TMUX))
		return -1;
	return median(M_SCALE_LIST, P_SESS) <= median(M_SCALE_LIST, P_TMUX);
}

/* sess within 1.1x of criu's own time plus 20 ms (m a time). */
static int
chk_criu_time(int m)
{
	if (!have(m, P_SESS) || !have(m, P_CRIU))
		return -1;
	return median(m, P_SESS) <= 1.1 * median(m, P_CRIU) + 0.020;
}

/* sess's checkpoint within 5% of criu's images (m a size). */
static int
chk_criu_size(int m)
{
	if (!have(m, P_SESS) || !have(m, P_CRIU))
		return -1;
	return fabs(median(m, P_SESS) - median(m, P_CRIU)) <= 0.05 *
	    median(m, P_CRIU);
}

static int chk_ck_idle(void) { return chk_criu_time(M_CK_IDLE); }
static int chk_rs_idle(void) { return chk_criu_time(M_RS_IDLE); }
static int chk_img_idle(void) { return chk_criu_size(M_IMG_IDLE); }
static int chk_ck_big(void) { return chk_criu_time(M_CK_BIG); }
static int chk_rs_big(void) { return chk_criu_time(M_RS_BIG); }
static int chk_img_big(void) { return chk_criu_size(M_IMG_BIG); }

static const struct row rows[] = {
	{ "throughput, attached: program time", M_TPUT_ATT, S_MED, U_S, 1,
	  "<= 1.2x bare, < dtach", chk_tput, P_BARE },
	{ "throughput, attached: until the terminal had it all", M_TPUT_E2E,
	  S_MED, U_S, 1, "", NULL, P_BARE },
	{ "throughput, attached: sess vs no model", M_TPUT_ATT, S_MED, U_S,
	  1, "<= 1.1x sess (no model)", chk_nomodel, P_BARE },
	{ "throughput, detached: program time", M_TPUT_DET, S_MED, U_S, 1,
	  "<= dtach", chk_tput_det, P_BARE },
	{ "server CPU, N MiB attached", M_CPU_ATT, S_MED, U_S, 0, "", NULL,
	  P_BARE },
	{ "server CPU, N MiB detached", M_CPU_DET, S_MED, U_S, 0, "<= dtach",
	  chk_cpu_det, P_BARE },
	{ "key echo latency p50", M_LAT, S_P50, U_US, 1,
	  "<= 1.05x bare relay", chk_lat50, P_BARE },
	{ "key echo latency p99", M_LAT, S_P99, U_US, 1, "< dtach",
	  chk_lat99, P_BARE },
	{ "attach to a full 80x24 screen", M_ATTACH, S_MED, U_MS, 1,
	  "<= 1.5x bare cat, <= tmux", chk_attach, P_BARE },
	{ "server RSS, idle", M_MEM_IDLE_RSS, S_MED, U_KB, 0, "<= 1 MiB",
	  chk_rss, P_BARE },
	{ "server PSS, idle", M_MEM_IDLE_PSS, S_MED, U_KB, 0, "", NULL,
	  P_BARE },
	{ "server RSS growth, 10000 coloured 80-col lines", M_MEM_LINES,
	  S_MED, U_KBD, 0, "<= 2 MiB", chk_lines, P_BARE },
	{ "server RSS after 16 MiB of output", M_MEM_BIG_RSS, S_MED, U_KB, 0,
	  "", NULL, P_BARE },
	{ "server PSS after 16 MiB of output", M_MEM_BIG_PSS, S_MED, U_KB, 0,
	  "", NULL, P_BARE },
	{ "server peak RSS (VmHWM), 16 MiB of output", M_MEM_BIG_HWM, S_MED,
	  U_KB, 0, "<= 4 MiB", chk_hwm, P_BARE },
	{ "scale: create one of N sessions", M_SCALE_CREATE, S_MED, U_MS, 0,
	  "<= dtach", chk_create, P_BARE },
	{ "scale: total server PSS, N sessions", M_SCALE_PSS, S_MED, U_KB, 0,
	  "<= 1.2x dtach", chk_scale, P_BARE },
	{ "scale: list N sessions", M_SCALE_LIST, S_MED, U_MS, 0, "<= tmux",
	  chk_list, P_BARE },
	{ "adopt a running job", M_ADOPT, S_MED, U_MS, 0, "", NULL, P_BARE },
};

static const struct row ckrows[] = {
	{ "checkpoint, idle shell", M_CK_IDLE, S_MED, U_MS, 1,
	  "<= 1.1x criu + 20 ms", chk_ck_idle, P_CRIU },
	{ "restore until shown, idle shell", M_RS_IDLE, S_MED, U_MS, 1,
	  "<= 1.1x criu + 20 ms", chk_rs_idle, P_CRIU },
	{ "checkpoint size, idle shell", M_IMG_IDLE, S_MED, U_KB, 1,
	  "within 5% of criu", chk_img_idle, P_CRIU },
	{ "checkpoint, N MiB held", M_CK_BIG, S_MED, U_MS, 1,
	  "<= 1.1x criu + 20 ms", chk_ck_big, P_CRIU },
	{ "restore until shown, N MiB held", M_RS_BIG, S_MED, U_MS, 1,
	  "<= 1.1x criu + 20 ms", chk_rs_big, P_CRIU },
	{ "checkpoint size, N MiB held", M_IMG_BIG, S_MED, U_KB, 1,
	  "within 5% of criu", chk_img_big, P_CRIU },
};

#define NROWS(r)	(sizeof(r) / sizeof((r)[0]))

static void
fmt_val(char *buf, size_t size, double v, int unit)
{
	switch (unit) {
	case U_S:
		snprintf(buf, size, "%.3f s", v);
		break;
	case U_MS:
		snprintf(buf, size, "%.1f ms", v * 1e3);
		break;
	case U_US:
		snprintf(buf, size, "%.0f µs", v * 1e6);
		break;
	case U_KBD:
		snprintf(buf, size, "%+.0f kB", v);
		break;
	default:
		if (v >= 10240)
			snprintf(buf, size, "%.1f MiB", v / 1024);
		else
			snprintf(buf, size, "%.0f kB", v);
		break;
	}
}

static void
fmt_cell(char *buf, size_t size, const struct row *r, int p)
{
	const struct sample	*s = &res[r->m][p];
	char			 v[64];
	double			 x, base;

	if (s->n == 0) {
		if (s->missing > 0)
			snprintf(buf, size, "not shown");
		else if (s->failed > 0)
			snprintf(buf, size, "failed");
		else
			snprintf(buf, size, "-");
		return;
	}
	x = statv(r->m, p, r->stat);
	fmt_val(v, size, x, r->unit);
	if (r->ratio && p != r->base && have(r->m, r->base)) {
		base = statv(r->m, r->base, r->stat);
		snprintf(buf, size, "%s (%.2fx)", v, x / base);
	} else
		snprintf(buf, size, "%s", v);
	if (s->missing > 0 && s->n > 0) {
		size_t	len = strlen(buf);

		snprintf(buf + len, size - len, ", %d not shown", s->missing);
	}
}

static void
fmt_spread(char *buf, size_t size, const struct row *r, int p)
{
	const struct sample	*s = &res[r->m][p];
	char			 a[64], b[64];

	if (s->n == 0) {
		snprintf(buf, size, "-");
		return;
	}
	if (r->stat == S_P99) {
		fmt_val(a, sizeof(a), quantile(s, 0.95), r->unit);
		fmt_val(b, sizeof(b), quantile(s, 1), r->unit);
		snprintf(buf, size, "p95 %.30s, max %.30s", a, b);
	} else if (s->n >= 4) {
		fmt_val(a, sizeof(a), quantile(s, 0.25), r->unit);
		fmt_val(b, sizeof(b), quantile(s, 0.75), r->unit);
		snprintf(buf, size, "%.30s – %.30s (n=%zu)", a, b, s->n);
	} else {
		fmt_val(a, sizeof(a), quantile(s, 0), r->unit);
		fmt_val(b, sizeof(b), quantile(s, 1), r->unit);
		snprintf(buf, size, "%.30s – %.30s (n=%zu)", a, b, s->n);
	}
}

#define MAXCOL	(NPEER + 3)

struct table {
	char	cell[64][MAXCOL][96];
	int	nrow, ncol;
};

static void
table_print(FILE *fp, struct table *t)
{
	int	w[MAXCOL], r, c, len, k;

	for (c = 0; c < t->ncol; c++) {
		w[c] = 3;
		for (r = 0; r < t->nrow; r++) {
			/* display width: count UTF-8 lead bytes only */
			const unsigned char	*s =
			    (const unsigned char *)t->cell[r][c];

			for (len = 0; *s; s++)
				len += (*s & 0xc0) != 0x80;
			if (len > w[c])
				w[c] = len;
		}
	}
	for (r = 0; r < t->nrow; r++) {
		fputc('|', fp);
		for (c = 0; c < t->ncol; c++) {
			const unsigned char	*s =
			    (const unsigned char *)t->cell[r][c];

			for (len = 0; *s; s++)
				len += (*s & 0xc0) != 0x80;
			fprintf(fp, " %s", t->cell[r][c]);
			for (k = len; k < w[c]; k++)
				fputc(' ', fp);
			fprintf(fp, " |");
		}
		fputc('\n', fp);
		if (r == 0) {
			fputc('|', fp);
			for (c = 0; c < t->ncol; c++) {
				for (k = 0; k < w[c] + 2; k++)
					fputc(c == 0 || k < w[c] + 1 ?
					    '-' : ':', fp);
				fputc('|', fp);
			}
			fputc('\n', fp);
		}
	}
}

static int
row_shown(const struct row *r)
{
	int	p;

	if (r->check == chk_nomodel)
		return have(M_TPUT_ATT, P_SESS0);
	for (p = 0; p < NPEER; p++)
		if (res[r->m][p].ran)
			return 1;
	return 0;
}

static void
build_tables(const struct row *rowv, size_t nrows, struct table *main,
    struct table *spread, int *cols, int *ncols)
{
	size_t	 i;
	int	 c, p, k, ok;
	char	 lab[128];

	*ncols = 0;
	for (p = 0; p < NPEER; p++) {
		for (i = 0; i < nrows; i++)
			if (res[rowv[i].m][p].ran)
				break;
		if (i < nrows)
			cols[(*ncols)++] = p;
	}
	main->ncol = 1 + *ncols + 2;
	spread->ncol = 1 + *ncols;
	snprintf(main->cell[0][0], 96, "measure");
	snprintf(spread->cell[0][0], 96,
	    "spread: p25 – p75 (min – max under 4 runs)");
	for (c = 0; c < *ncols; c++) {
		snprintf(main->cell[0][1 + c], 96, "%s", peer_name[cols[c]]);
		snprintf(spread->cell[0][1 + c], 96, "%s", peer_name[cols[c]]);
	}
	snprintf(main->cell[0][1 + *ncols], 96, "sess target");
	snprintf(main->cell[0][2 + *ncols], 96, "verdict");
	main->nrow = spread->nrow = 1;
	for (i = 0; i < nrows; i++) {
		const struct row	*r = &rowv[i];

		if (!row_shown(r))
			continue;
		k = main->nrow++;
		spread->nrow++;
		snprintf(lab, sizeof(lab), "%s", r->label);
		if ((r->m >= M_SCALE_CREATE && r->m <= M_SCALE_LIST) ||
		    r->m == M_CK_BIG || r->m == M_RS_BIG || r->m == M_IMG_BIG ||
		    r->m == M_CPU_ATT || r->m == M_CPU_DET) {
			char	*nn = strstr(lab, "N ");

			if (nn != NULL) {
				char	tail[128];

				snprintf(tail, sizeof(tail), "%s", nn + 1);
				snprintf(nn, sizeof(lab) - (nn - lab), "%d%s",
				    r->m >= M_CK_IDLE ? cfg.ck_mib :
				    r->m == M_CPU_ATT || r->m == M_CPU_DET ?
				    (int)cfg.corpus_mib : cfg.scale_n, tail);
			}
		}
		snprintf(main->cell[k][0], 96, "%.95s", lab);
		snprintf(spread->cell[k][0], 96, "%.95s", lab);
		for (c = 0; c < *ncols; c++) {
			fmt_cell(main->cell[k][1 + c], 96, r, cols[c]);
			fmt_spread(spread->cell[k][1 + c], 96, r, cols[c]);
		}
		snprintf(main->cell[k][1 + *ncols], 96, "%s", r->target);
		ok = r->check != NULL ? r->check() : -2;
		snprintf(main->cell[k][2 + *ncols], 96, "%s",
		    ok == 1 ? "pass" : ok == 0 ? "FAIL" : ok == -1 ? "n/a" : "");
	}
}

static int
count_verdicts(const struct row *rowv, size_t nrows, int want)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < nrows; i++)
		if (rowv[i].check != NULL && row_shown(&rowv[i]) &&
		    rowv[i].check() == want)
			n++;
	return n;
}

/* The 1-minute load average: how busy the machine was besides us. */
static double
loadavg(void)
{
	FILE	*f;
	double	 v = NAN;

	if ((f = fopen("/proc/loadavg", "re")) != NULL) {
		if (fscanf(f, "%lf", &v) != 1)
			v = NAN;
		fclose(f);
	}
	return v;
}

static void
machine(char *buf, size_t size)
{
	FILE		*f;
	char		 line[512], model[256] = "unknown CPU";
	long		 memkb = 0;
	struct utsname	 u;

	if ((f = fopen("/proc/cpuinfo", "re")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "model name", 10) == 0) {
				char	*c = strchr(line, ':');

				if (c != NULL) {
					snprintf(model, sizeof(model), "%s",
					    c + 2);
					model[strcspn(model, "\n")] = '\0';
				}
				break;
			}
		fclose(f);
	}
	if ((f = fopen("/proc/meminfo", "re")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "MemTotal: %ld kB", &memkb) == 1)
				break;
		fclose(f);
	}
	uname(&u);
	snprintf(buf, size, "%s, %ld CPUs, %.1f GiB RAM; %s %s %s %s", model,
	    sysconf(_SC_NPROCESSORS_ONLN), memkb / 1048576.0, u.sysname,
	    u.release, u.version, u.machine);
}

static void
report(FILE *fp, int markdown, double elapsed, const char *command)
{
	static struct table	 mt, st, ckt, cks;
	int			 cols[NPEER], ncols, i, p;
	char			 mach[1024], date[64], mnote[256];
	const char		*sep;
	int			 pass, failn;
	time_t			 tt = time(NULL);

	build_tables(ckrows, NROWS(ckrows), &ckt, &cks, cols, &ncols);
	build_tables(rows, NROWS(rows), &mt, &st, cols, &ncols);
	machine(mach, sizeof(mach));
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", gmtime(&tt));
	if (markdown) {
		fprintf(fp, "# Benchmarks\n\n");
		fprintf(fp, "Written by `%s`; the latest run replaces this "
		    "page. Ratios are to the bare pty measured in the same "
		    "run, with the tools interleaved; absolute figures on a "
		    "shared machine mean little, ratios do.\n\n", command);
		fprintf(fp, "- machine: %s\n", mach);
		fprintf(fp, "- date: %s\n", date);
		fprintf(fp, "- load average (1 min, this run included): "
		    "%.2f at the start, %.2f at the end\n", load_start,
		    loadavg());
		fprintf(fp, "- command: `%s`%s (took %.0f s)\n", command,
		    quick ? " with BENCH_QUICK=1" : "", elapsed);
		fprintf(fp, "- versions:");
		for (i = 0, sep = " "; i < ncols; i++) {
			p = cols[i];
			if (peer_version[p][0] != '\0') {
				fprintf(fp, "%s%s", sep, peer_version[p]);
				sep = "; ";
			}
		}
		fprintf(fp, "\n");
		fprintf(fp, "- corpus: %.0f MiB of mixed text (plain, SGR "
		    "colours, UTF-8), generated deterministically\n",
		    corpus_size / (double)MIB);
	} else
		fprintf(fp, "\n%s\n%s, %.0f s, load average %.2f at the start, "
		    "%.2f at the end\n", mach, date, elapsed, load_start,
		    loadavg());
	if (mt.nrow > 1) {
		fprintf(fp, "\n%s", markdown ? "## Results (medians)\n\n" : "");
		table_print(fp, &mt);
		fprintf(fp, "\n%s", markdown ? "## Spread\n\n" : "");
		table_print(fp, &st);
	}
	if (nhooks > 0 || hook_note[0] != '\0') {
		fprintf(fp, "\n%s", markdown ? "## Screen model, upgrade\n\n" :
		    "screen model, upgrade:\n");
		if (nhooks > 0) {
			static struct table	ht;

			ht.ncol = 4;
			ht.nrow = 1;
			snprintf(ht.cell[0][0], 96, "measure");
			snprintf(ht.cell[0][1], 96, "value");
			snprintf(ht.cell[0][2], 96, "target");
			snprintf(ht.cell[0][3], 96, "result");
			for (i = 0; i < nhooks && ht.nrow < 64; i++, ht.nrow++) {
				snprintf(ht.cell[ht.nrow][0], 96, "%.95s",
				    hooks[i].label);
				snprintf(ht.cell[ht.nrow][1], 96, "%.95s",
				    hooks[i].value);
				snprintf(ht.cell[ht.nrow][2], 96, "%.95s",
				    hooks[i].target);
				snprintf(ht.cell[ht.nrow][3], 96, "%.95s",
				    hooks[i].result);
			}
			table_print(fp, &ht);
		}
		if (hook_note[0] != '\0')
			fprintf(fp, "%s%s\n", nhooks ? "\n" : "", hook_note);
	}
	if (ckt.nrow > 1) {
		fprintf(fp, "\n%s", markdown ? "## Checkpoint\n\n" :
		    "checkpoint:\n");
		fprintf(fp, "sess against criu alone (%s), in the same run, "
		    "taking turns; ratios are to criu.\n\n",
		    peer_version[P_CRIU]);
		table_print(fp, &ckt);
		fputc('\n', fp);
		table_print(fp, &cks);
	}
	fprintf(fp, "\n%s", markdown ? "## Notes\n\n" : "notes:\n");
	pass = count_verdicts(rows, NROWS(rows), 1) +
	    count_verdicts(ckrows, NROWS(ckrows), 1);
	failn = count_verdicts(rows, NROWS(rows), 0) +
	    count_verdicts(ckrows, NROWS(ckrows), 0);
	for (i = 0; i < nhooks; i++) {
		pass += strcmp(hooks[i].result, "pass") == 0;
		failn += strcmp(hooks[i].result, "FAIL") == 0;
	}
	fprintf(fp, "- sess targets: %d pass, %d fail.\n", pass, failn);
	for (p = 0; p < NPEER; p++)
		if (peer_note[p][0] != '\0')
			fprintf(fp, "- %s: %s\n", peer_name[p], peer_note[p]);
	fputs(notes, fp);
	if (markdown) {
		snprintf(mnote, sizeof(mnote), "%d", cfg.scale_n);
		fprintf(fp, "\n## What is measured\n\n"
		    "- **throughput**: a program writes the corpus (%.0f MiB) "
		    "to its terminal as `cat` does (128 KiB writes); the time "
		    "is the program's, from its first write to its last. "
		    "Bare pty: the program on a pty the benchmark reads. "
		    "Attached: the program in a session, one client attached "
		    "on a pty the benchmark reads (not rendered, as fast as it "
		    "can). \"until the terminal had it all\": until the client "
		    "exited and its terminal had every byte. Detached: no "
		    "client. %d rounds attached, %d detached.\n"
		    "- **key echo latency**: one byte written to the client's "
		    "terminal, through the session to a raw-mode program that "
		    "writes it back, until it is read back from the client's "
		    "terminal; %d round trips after %d of warm-up, all tools "
		    "attached at once and typed into in turn, and with them a "
		    "bare relay (in the notes): the same program behind a loop "
		    "of poll, read and write between two ptys, the floor for "
		    "any tool in the middle. Each round in a new order "
		    "(shuffled, the same in every run).\n"
		    "- **attach**: from starting the attach command (`sess -a`, "
		    "`dtach -a`, `tmux attach`, `screen -r`) on a fresh 80x24 "
		    "terminal until that terminal (rendered with libvterm) shows "
		    "the whole known screen the program drew while nobody was "
		    "attached; bare: `cat` of the same screen. Waits 1 s at "
		    "most (\"not shown\"); detaches with the tool's chord after "
		    "each. %d attaches.\n"
		    "- **memory**: the server process's RSS and PSS "
		    "(/proc/PID/smaps_rollup) of a detached session whose "
		    "program is idle, after it wrote 10000 coloured 80-column "
		    "lines (growth over idle), and after it then wrote 16 MiB "
		    "of the corpus. tmux: its server holds one session. "
		    "Default settings (scrollback: tmux 2000 lines, screen "
		    "100 lines, sess 10000 lines). %d rounds.\n"
		    "- **scale**: %s detached sessions per tool running "
		    "`sleep`, created in turn, the tools in a new order "
		    "each round (shuffled, the same in every run: what one "
		    "tool's server still does after its create returned "
		    "slows the next); the time of each create "
		    "command, the total PSS of the server processes "
		    "(one tmux server for all), the time of the list command "
		    "(`sess -l`, `tmux ls`, `screen -ls`; dtach has none).\n"
		    "- **adopt**: a ticking job in the foreground of a "
		    "job-control shell on its own terminal; from starting "
		    "`sess adopt -n PID` (or `reptyr PID`) until the job "
		    "writes to the new terminal.\n"
		    "- **screen model** (bench/screen_bench): the 16 MiB "
		    "corpus in 4 KiB reads into sess's model and into "
		    "libvterm's own screen layer (VTermScreen), the two taking "
		    "turns every MiB; the ratio is each round's own, its median "
		    "shown. Redraw: building the bytes that redraw a full 80x24 "
		    "screen with a 256-colour foreground and background in "
		    "every cell.\n"
		    "- **checkpoint**: an idle `bash --norc`, and a program "
		    "that wrote to every page of %d MiB it took, then waits. "
		    "sess: the program in a session; the time of `sess "
		    "checkpoint NAME` until it exits; once the old server has "
		    "gone, from starting `sess restore NAME` until `sess dump "
		    "NAME` (asked again at once until it does) shows the "
		    "program's screen. criu: the program on a pty of the "
		    "benchmark's; `criu dump -t PID -D DIR --external "
		    "tty[RDEV:DEV] -o dump.log -v2` until it exits, then "
		    "`criu restore -D DIR --inherit-fd fd[3]:tty[RDEV:DEV] "
		    "--restore-sibling --restore-detached --pidfile FILE "
		    "-o restore.log -v2` on a new pty until it exits with the "
		    "program running: the commands sess runs. Size: the bytes "
		    "of the files in the checkpoint directory (sess: criu's "
		    "images, its log and sess's own file; criu: its images and "
		    "log). %d rounds: the shell, then the program, each by sess "
		    "and by criu in turn, who goes first alternating.\n"
		    "- **upgrade** (bench/upgrade): `sess upgrade NAME` of one "
		    "session whose program prints a line every millisecond, "
		    "the server becoming the same binary again (another costs "
		    "the same); `sess upgrade` of 100 sessions running `sleep`; "
		    "and, with a client attached to the printing session, the "
		    "longest time between two reads of the client's terminal "
		    "from the command's start until 300 ms after it ended, "
		    "beside the same over the 300 ms before.\n",
		    corpus_size / (double)MIB, cfg.tput_rounds,
		    cfg.tput_det_rounds, cfg.lat_n,
		    cfg.lat_warm, cfg.attach_n, cfg.mem_n, mnote, cfg.ck_mib,
		    cfg.ck_n);
	}
}

/* -------------------------------------------------------------- set-up */

static void
version_of(int p, char *const argv[])
{
	char	out[512], *nl;

	capture(argv, out, sizeof(out), 5, NULL);
	if ((nl = strchr(out, '\n')) != NULL)
		*nl = '\0';
	/* screen: "Screen version 4.09.00 (GNU) 30-Jan-22" */
	snprintf(peer_version[p], sizeof(peer_version[p]), "%.120s", out);
}

/* A peer is on when its command is in PATH; its version is recorded. */
static int
peer_detect(int p, const char *cmd, const char *vflag, const char *why)
{
	char	*v[3];

	if (!in_path(cmd)) {
		snprintf(peer_note[p], sizeof(peer_note[0]),
		    "skipped: not installed%s", why);
		return 0;
	}
	v[0] = (char *)cmd;
	v[1] = (char *)vflag;
	v[2] = NULL;
	version_of(p, v);
	peer_on[p] = 1;
	return 1;
}

/* criu, given with -C: checkpoints need root here (or a criu with
 * capabilities, which sess knows and this benchmark does not). */
static void
setup_criu(void)
{
	char	*v[3], *ver;

	if (criubin[0] == '\0' || access(criubin, X_OK) != 0) {
		snprintf(peer_note[P_CRIU], sizeof(peer_note[0]), "skipped: "
		    "no criu (make criu builds one): no checkpoint figures");
		return;
	}
	if (geteuid() != 0) {
		snprintf(peer_note[P_CRIU], sizeof(peer_note[0]), "skipped: "
		    "not root: no checkpoint figures");
		return;
	}
	if (mkdir(statedir, 0700) == -1)
		die("%s: %s", statedir, strerror(errno));
	v[0] = criubin;
	v[1] = "--version";
	v[2] = NULL;
	version_of(P_CRIU, v);
	if ((ver = strstr(peer_version[P_CRIU], "Version: ")) != NULL)
		memmove(peer_version[P_CRIU] + 5, ver + 9, strlen(ver + 9) + 1);
	memcpy(peer_version[P_CRIU], "criu ", 5);
	peer_on[P_CRIU] = 1;
}

static void
setup_peers(void)
{
	char	*v[4], dir[PATH_MAX];
	int	 p;
	FILE	*f;

	peer_on[P_BARE] = 1;
	for (p = 0; p < NPEER; p++) {
		peer_dir(p, dir, sizeof(dir));
		if (p != P_BARE && p != P_SESS0 && p != P_REPTYR)
			if (mkdir(dir, 0700) == -1)
				die("%s: %s", dir, strerror(errno));
	}
	if (sessbin[0] == '\0')
		snprintf(peer_note[P_SESS], sizeof(peer_note[0]),
		    "skipped: no sess binary given");
	else if (access(sessbin, X_OK) != 0)
		snprintf(peer_note[P_SESS], sizeof(peer_note[0]),
		    "skipped: %.200s is not built yet", sessbin);
	else {
		v[0] = sessbin;
		v[1] = "-v";
		v[2] = NULL;
		version_of(P_SESS, v);
		if (strstr(peer_version[P_SESS], "sess") == NULL)
			snprintf(peer_version[P_SESS],
			    sizeof(peer_version[0]), "sess");
		peer_on[P_SESS] = 1;
		if (sess0bin[0] != '\0' && access(sess0bin, X_OK) == 0) {
			peer_on[P_SESS0] = 1;
			snprintf(peer_note[P_SESS0], sizeof(peer_note[0]),
			    "the same sources built with "
			    "SESS_NO_MODEL, its screen model fed nothing");
		} else if (nomodel_env[0] != '\0') {
			peer_on[P_SESS0] = 1;
			snprintf(peer_note[P_SESS0], sizeof(peer_note[0]),
			    "sess with %.200s in the server's environment",
			    nomodel_env);
		} else
			snprintf(peer_note[P_SESS0], sizeof(peer_note[0]),
			    "skipped: sess has no switch to turn its screen "
			    "model off (BENCH_SESS_NOMODEL=NAME=VALUE names "
			    "one once it has)");
	}
	peer_detect(P_DTACH, "dtach", "--version", "");
	peer_detect(P_ABDUCO, "abduco", "-v", " (not packaged in Debian 12)");
	if (peer_detect(P_TMUX, "tmux", "-V", "")) {
		snprintf(tmuxconf, sizeof(tmuxconf), "%s/tmux.conf", tmpdir);
		if ((f = fopen(tmuxconf, "we")) == NULL)
			die("%s: %s", tmuxconf, strerror(errno));
		/* no status line: the program has the whole 80x24 */
		fputs("set -g status off\n", f);
		fclose(f);
	}
	peer_detect(P_SCREEN, "screen", "-v", "");
	peer_detect(P_REPTYR, "reptyr", "-v", "");
	setup_criu();
}

/* BENCH_PEERS=sess,dtach,...: leave the others out (the bare pty stays). */
static void
select_peers(void)
{
	const char	*only = getenv("BENCH_PEERS"), *q;
	size_t		 len;
	int		 p;

	if (only == NULL || *only == '\0')
		return;
	for (p = 1; p < NPEER; p++) {
		len = strlen(peer_tag[p]);
		for (q = only; (q = strstr(q, peer_tag[p])) != NULL; q += len)
			if ((q == only || q[-1] == ',') &&
			    (q[len] == '\0' || q[len] == ','))
				break;
		if (q == NULL && peer_on[p]) {
			peer_on[p] = 0;
			snprintf(peer_note[p], sizeof(peer_note[0]),
			    "left out (BENCH_PEERS)");
		}
	}
}

static void
setup_env(void)
{
	char	dir[PATH_MAX];

	setenv("TERM", "xterm-256color", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	setenv("SHELL", "/bin/sh", 1);
	unsetenv("TMUX");
	unsetenv("TMUX_PANE");
	unsetenv("STY");
	unsetenv("WINDOW");
	unsetenv("SESS");
	unsetenv("SESS_DETACH_KEYS");
	unsetenv("SCREENRC");
	unsetenv("ABDUCO_SESSION");
	unsetenv("ABDUCO_CMD");
	peer_dir(P_SESS, dir, sizeof(dir));
	setenv("SESS_DIR", dir, 1);
	peer_dir(P_SCREEN, dir, sizeof(dir));
	setenv("SCREENDIR", dir, 1);
	peer_dir(P_TMUX, dir, sizeof(dir));
	setenv("TMUX_TMPDIR", dir, 1);
	peer_dir(P_ABDUCO, dir, sizeof(dir));
	setenv("ABDUCO_SOCKET_DIR", dir, 1);
	snprintf(statedir, sizeof(statedir), "%s/state", tmpdir);
	setenv("SESS_STATE_DIR", statedir, 1);
	if (criubin[0] != '\0')
		setenv("SESS_CRIU", criubin, 1);
	else
		unsetenv("SESS_CRIU");
}

/* BENCH_ONLY=throughput,latency,...: run only those sections. */
static int
section(const char *name)
{
	const char	*only = getenv("BENCH_ONLY"), *p;
	size_t		 len = strlen(name);

	if (only == NULL || *only == '\0')
		return 1;
	for (p = only; (p = strstr(p, name)) != NULL; p += len)
		if ((p == only || p[-1] == ',') &&
		    (p[len] == '\0' || p[len] == ','))
			return 1;
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench [-qk] [-C CRIU] [-s SESS] [-S SESS] "
	    "[-o FILE] [-c COMMAND]\n"
	    "       bench --prog MODE ARG...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct sigaction	 sa;
	const char		*out = NULL, *command = "bench/run", *e;
	char			 path[PATH_MAX];
	double			 t0;
	FILE			*fp;
	int			 c;
	ssize_t			 n;

	if (argc >= 2 && strcmp(argv[1], "--prog") == 0)
		return prog_main(argc - 2, argv + 2);
	while ((c = getopt(argc, argv, "C:c:ko:qs:S:")) != -1) {
		switch (c) {
		case 'C':
			if (realpath(optarg, criubin) == NULL)
				snprintf(criubin, sizeof(criubin), "%s",
				    optarg);
			break;
		case 'c':
			command = optarg;
			break;
		case 'k':
			keep = 1;
			break;
		case 'o':
			out = optarg;
			break;
		case 'q':
			quick = 1;
			break;
		case 's':
			if (realpath(optarg, sessbin) == NULL)
				snprintf(sessbin, sizeof(sessbin), "%s",
				    optarg);
			break;
		case 'S':
			if (realpath(optarg, sess0bin) == NULL)
				snprintf(sess0bin, sizeof(sess0bin), "%s",
				    optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if ((e = getenv("BENCH_QUICK")) != NULL && *e != '\0' &&
	    strcmp(e, "0") != 0)
		quick = 1;
	if ((e = getenv("BENCH_SESS_NOMODEL")) != NULL && strchr(e, '=') !=
	    NULL)
		snprintf(nomodel_env, sizeof(nomodel_env), "%s", e);
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		die("/proc/self/exe: %s", strerror(errno));
	exe[n] = '\0';

	cfg.corpus_mib = quick ? 16 : 64;
	/* Targets of a few percent on medians of a noisy machine: enough
	 * rounds that the median of each moves less than that from run to
	 * run (a round trip is a fraction of a millisecond; 2000 of them
	 * put a p50's sampling error near 1%). */
	cfg.tput_rounds = quick ? 2 : 7;
	cfg.tput_det_rounds = quick ? 3 : 9;
	cfg.lat_warm = quick ? 20 : 100;
	cfg.lat_n = quick ? 200 : 2000;
	cfg.attach_n = quick ? 5 : 15;
	cfg.mem_n = quick ? 1 : 3;
	cfg.scale_n = quick ? 30 : 100;
	cfg.list_n = quick ? 3 : 5;
	cfg.adopt_n = quick ? 3 : 7;
	cfg.ck_n = quick ? 3 : 15;
	cfg.ck_mib = 256;

	self = getpid();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		die("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sessbench.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		die("mkdtemp: %s", strerror(errno));
	atexit(cleanup);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	snprintf(path, sizeof(path), "%s/log", tmpdir);
	if ((logfd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) == -1)
		die("%s: %s", path, strerror(errno));

	setup_env();
	setup_peers();
	select_peers();
	t0 = t_start = now();
	load_start = loadavg();
	printf("bench: %s run; work files in %s\n", quick ? "quick" : "full",
	    tmpdir);
	fflush(stdout);
	snprintf(corpus, sizeof(corpus), "%s/corpus", tmpdir);
	snprintf(corpus_small, sizeof(corpus_small), "%s/corpus16", tmpdir);
	snprintf(lines80, sizeof(lines80), "%s/lines80", tmpdir);
	snprintf(screenfile, sizeof(screenfile), "%s/screen.txt", tmpdir);
	corpus_size = cfg.corpus_mib * MIB;
	gen_corpus(corpus, corpus_size);
	gen_corpus(corpus_small, 16 * MIB);
	gen_lines80(lines80);
	gen_screen(screenfile);

	if (section("throughput"))
		bench_throughput();
	if (section("latency"))
		bench_latency();
	if (section("attach"))
		bench_attach();
	if (section("memory"))
		bench_memory();
	if (section("scale"))
		bench_scale();
	if (section("adopt"))
		bench_adopt();
	if (section("screen"))
		bench_screen_model();
	if (section("checkpoint"))
		bench_checkpoint();
	if (section("upgrade"))
		bench_upgrade();

	report(stdout, 0, now() - t0, command);
	if (out != NULL) {
		if ((fp = fopen(out, "we")) == NULL)
			die("%s: %s", out, strerror(errno));
		report(fp, 1, now() - t0, command);
		if (fclose(fp) == EOF)
			die("%s: %s", out, strerror(errno));
		printf("\nwritten to %s\n", out);
	}
	return 0;
}
