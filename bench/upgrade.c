/* How long an upgrade in place takes: `sess upgrade NAME` for one
 * session that prints all the while; `sess upgrade` for a hundred
 * sessions; and the longest pause an attached client sees in a program's
 * output (a line every millisecond) around an upgrade. The server
 * becomes the same binary again, which costs what another one would. The
 * machine is shared and noisy: medians matter, not single figures. Each
 * figure is a line of make bench's table (LABEL, VALUE, TARGET, RESULT,
 * tab-separated).
 *
 * usage: bench/upgrade [ROUNDS]	(run from the top of the tree) */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../tests/lib/pty.h"

#define ROUNDS_MAX	100
#define SESSIONS	100
#define WAIT_MS		10000
#define TICK_NS		1000000		/* the program's line, every ms */
#define STEADY_MS	300		/* output watched before and after */
#define UPGRADE_TARGET	50		/* ms, one session (SPEC 9, issue) */
#define GAP_TARGET	100		/* ms, the pause a client sees */

static char	 self[PATH_MAX];
static char	 sess[PATH_MAX];

static void __attribute__((noreturn))
ticker(void)
{
	struct timespec	 ts = { 0, TICK_NS };
	unsigned long	 i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0;; i++) {
		printf("t %lu\n", i);
		nanosleep(&ts, NULL);
	}
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* sess ARGS..., waited for; its exit code. */
static int
sess_run(const char *a1, const char *a2, const char *a3, const char *a4)
{
	const char	*argv[] = { sess, a1, a2, a3, a4, NULL };
	struct run	 r;
	int		 code;

	code = run_argv(&r, argv, WAIT_MS);
	run_free(&r);
	return code;
}

static int
cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A row for make bench: LABEL, VALUE, TARGET, RESULT, tab-separated;
 * the median against the target (ms, 0: none). */
static void
report(const char *what, double *v, int n, const char *more, double target)
{
	char	 t[32] = "-";

	qsort(v, (size_t)n, sizeof *v, cmp);
	if (target > 0)
		snprintf(t, sizeof t, "< %.0f ms", target);
	printf("%s\t%.1f ms (median of %d, p25-p75 %.1f-%.1f, max %.1f%s)"
	    "\t%s\t%s\n", what, v[n / 2], n, v[n / 4], v[3 * n / 4],
	    v[n - 1], more, t, target <= 0 ? "" : v[n / 2] < target ?
	    "pass" : "FAIL");
}

/* sess upgrade NAME, timed, rounds times. */
static int
one_session(double *v, int rounds)
{
	int	 i, n = 0;
	double	 t;

	if (sess_run("-n", "one", self, "--ticker") != 0)
		return 0;
	for (i = 0; i < rounds; i++) {
		t = now();
		if (sess_run("upgrade", "one", NULL, NULL) == 0)
			v[n++] = now() - t;
	}
	sess_run("-k", "one", NULL, NULL);
	return n;
}

/* sess upgrade of SESSIONS sessions at once, timed, rounds times. */
static int
many_sessions(double *v, int rounds)
{
	char	 name[32];
	int	 i, n = 0;
	double	 t;

	for (i = 0; i < SESSIONS; i++) {
		snprintf(name, sizeof name, "many%03d", i);
		if (sess_run("-n", name, "sleep", "100000") != 0)
			return 0;
	}
	for (i = 0; i < rounds; i++) {
		t = now();
		if (sess_run("upgrade", NULL, NULL, NULL) == 0)
			v[n++] = now() - t;
	}
	for (i = 0; i < SESSIONS; i++) {
		snprintf(name, sizeof name, "many%03d", i);
		sess_run("-k", name, NULL, NULL);
	}
	return n;
}

/* The longest time between two reads of the client's terminal, from
 * when the upgrade starts until STEADY_MS after it ended; *calm gets the
 * same over STEADY_MS before it, for comparison. */
static double
gap_once(struct term *t, double *calm)
{
	const char	*argv[] = { sess, "upgrade", "gap", NULL };
	double		 last, start, end = 0, gap = 0, x;
	pid_t		 pid;
	int		 st = -1;

	term_drain(t);
	last = start = now();
	*calm = 0;
	while (now() < start + STEADY_MS) {
		if (term_read(t, 100) > 0) {
			x = now();
			if (x - last > *calm)
				*calm = x - last;
			last = x;
		}
	}
	if ((pid = fork()) == 0) {
		/* Its line is not the bench's. */
		if ((st = open("/dev/null", O_WRONLY)) != -1)
			dup2(st, STDOUT_FILENO);
		execv(sess, (char **)argv);
		_exit(127);
	}
	child_track(pid);
	start = last = now();
	for (;;) {
		if (term_read(t, 100) > 0) {
			x = now();
			if (x - last > gap)
				gap = x - last;
			last = x;
		}
		child_reap();
		if (end == 0 && child_done(pid, &st))
			end = now();
		if (end != 0 && now() > end + STEADY_MS)
			break;
		if (now() > start + WAIT_MS)
			return -1;
	}
	return st == 0 ? gap : -1;
}

static int
client_gap(double *v, double *calm, int rounds)
{
	const char	*argv[] = { sess, "-c", "gap", self, "--ticker", NULL };
	struct term	*t;
	int		 i, n = 0;
	double		 g;

	if ((t = term_spawn(24, 80, argv)) == NULL)
		return 0;
	term_no_screen(t);
	if (!term_expect(t, "t 100", WAIT_MS))
		return 0;
	for (i = 0; i < rounds; i++) {
		if ((g = gap_once(t, &calm[n])) >= 0)
			v[n++] = g;
	}
	sess_run("-k", "gap", NULL, NULL);
	term_wait_exit(t, WAIT_MS);
	term_free(t);
	return n;
}

int
main(int argc, char *argv[])
{
	double	 v[ROUNDS_MAX], calm[ROUNDS_MAX];
	char	 dir[] = "/tmp/sess-bench-XXXXXX", more[64];
	int	 rounds = 20, n;

	if (argc == 2 && strcmp(argv[1], "--ticker") == 0)
		ticker();
	if (argc == 2)
		rounds = atoi(argv[1]);
	if (rounds < 1 || rounds > ROUNDS_MAX) {
		fprintf(stderr, "usage: bench/upgrade [ROUNDS]\n");
		return 2;
	}
	if (realpath("/proc/self/exe", self) == NULL ||
	    realpath("sess", sess) == NULL || mkdtemp(dir) == NULL)
		return 1;
	setenv("SESS_DIR", dir, 1);
	setenv("TERM", "xterm-256color", 1);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);

	if ((n = one_session(v, rounds)) > 0)
		report("sess upgrade, one session", v, n, "", UPGRADE_TARGET);
	if ((n = many_sessions(v, rounds < 5 ? rounds : 5)) > 0)
		report("sess upgrade, 100 sessions", v, n, "", 0);
	if ((n = client_gap(v, calm, rounds)) > 0) {
		qsort(calm, (size_t)n, sizeof *calm, cmp);
		snprintf(more, sizeof more, "; %.1f ms before it", calm[n / 2]);
		report("longest gap in an attached client's output, upgrade",
		    v, n, more, GAP_TARGET);
	}
	child_reap();
	rmdir(dir);
	return 0;
}
