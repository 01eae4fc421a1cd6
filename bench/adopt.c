/* How long adopting takes: from the command's start until the adopted
 * program's output shows on the new terminal, for sess adopt and, when it
 * is installed, reptyr, on the same kind of target (a job under a real
 * bash, printing every 10 ms), rounds interleaved. The machine is shared
 * and noisy: medians and their ratio matter, not single figures.
 *
 * usage: bench/adopt [ROUNDS]	(run from the top of the tree) */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../tests/lib/pty.h"

#define ROUNDS_MAX	100
#define WAIT_MS		10000

static char	 self[PATH_MAX];

static void __attribute__((noreturn))
victim(void)
{
	struct timespec	 ts = { 0, 10000000 };
	unsigned long	 i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pid=%d.\n", (int)getpid());
	for (i = 0;; i++) {
		printf("tick %lu\n", i);
		nanosleep(&ts, NULL);
	}
}

/* A job under bash in its own terminal; its pid, or -1. */
static pid_t
start_target(struct term **oldp)
{
	const char	*argv[] = { "bash", "--norc", "--noprofile", "-i", NULL };
	struct term	*old;
	char		 cmd[PATH_MAX + 32];
	const char	*p;

	setenv("PS1", "PROMPT> ", 1);
	old = term_spawn(24, 80, argv);
	unsetenv("PS1");
	if (old == NULL)
		return -1;
	term_no_screen(old);
	*oldp = old;
	if (!term_expect(old, "PROMPT> ", WAIT_MS))
		return -1;
	snprintf(cmd, sizeof cmd, "%s --victim\r", self);
	term_type(old, cmd);
	if (!term_expect(old, "pid=", WAIT_MS) ||
	    !term_expect(old, ".", WAIT_MS) || !term_expect(old, "tick 2",
	    WAIT_MS))
		return -1;
	p = strstr(old->out.data, "pid=");
	return p != NULL ? (pid_t)atoi(p + 4) : -1;
}

static void
kill_pid(pid_t pid)
{
	int	 fd;

	if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1)
		return;
	syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
	close(fd);
}

/* One adoption: ms until its output shows on the new terminal, or -1. */
static double
adopt_once(int reptyr, int round)
{
	struct term	*old = NULL, *new;
	struct timespec	 a, b;
	char		 pid[16], name[32];
	const char	*argv[] = { "reptyr", pid, NULL };
	struct run	 r;
	double		 ms = -1;
	pid_t		 target;

	if ((target = start_target(&old)) <= 0)
		goto out;
	snprintf(pid, sizeof pid, "%d", (int)target);
	snprintf(name, sizeof name, "bench-%d", round);
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (reptyr)
		new = term_spawn(24, 80, argv);
	else
		new = term_sess(24, 80, "adopt", pid, name, NULL);
	if (new != NULL) {
		term_no_screen(new);
		if (term_expect(new, "tick", WAIT_MS)) {
			clock_gettime(CLOCK_MONOTONIC, &b);
			ms = (double)(b.tv_sec - a.tv_sec) * 1e3 +
			    (double)(b.tv_nsec - a.tv_nsec) / 1e6;
		}
	}
	kill_pid(target);
	if (!reptyr) {
		run_sess(&r, "-k", name, NULL);
		run_free(&r);
	}
out:
	term_free_all();
	child_reap();
	return ms;
}

static int
cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
report(const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	printf("%-12s median %7.1f ms  min %7.1f  max %7.1f  (%d rounds)\n",
	    what, v[n / 2], v[0], v[n - 1], n);
	return v[n / 2];
}

int
main(int argc, char *argv[])
{
	double	 s[ROUNDS_MAX], rp[ROUNDS_MAX], ms, ms_s, ms_r;
	char	 dir[] = "/tmp/sess-bench-XXXXXX";
	int	 rounds = 10, i, ns = 0, nr = 0, have_reptyr;

	if (argc == 2 && strcmp(argv[1], "--victim") == 0)
		victim();
	if (argc == 2)
		rounds = atoi(argv[1]);
	if (rounds < 1 || rounds > ROUNDS_MAX) {
		fprintf(stderr, "usage: bench/adopt [ROUNDS]\n");
		return 2;
	}
	if (realpath("/proc/self/exe", self) == NULL || mkdtemp(dir) == NULL)
		return 1;
	setenv("SESS_DIR", dir, 1);
	setenv("TERM", "xterm-256color", 1);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
	have_reptyr = system("command -v reptyr >/dev/null 2>&1") == 0;

	for (i = 0; i < rounds; i++) {
		/* Interleaved, the order swapped every round. */
		if (i % 2 == 0 && (ms = adopt_once(0, i)) >= 0)
			s[ns++] = ms;
		if (have_reptyr && (ms = adopt_once(1, i)) >= 0)
			rp[nr++] = ms;
		if (i % 2 == 1 && (ms = adopt_once(0, i)) >= 0)
			s[ns++] = ms;
	}
	rmdir(dir);
	printf("adoption time: command start to the program's output on "
	    "the new terminal\n");
	if (ns == 0) {
		printf("sess adopt failed every time\n");
		return 1;
	}
	ms_s = report("sess adopt", s, ns);
	if (!have_reptyr)
		printf("reptyr       not installed\n");
	else if (nr == 0)
		printf("reptyr       failed every time\n");
	else {
		ms_r = report("reptyr", rp, nr);
		printf("sess/reptyr  %.2f\n", ms_s / ms_r);
	}
	return 0;
}
