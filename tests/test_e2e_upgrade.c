/* sess upgrade, with real servers on real ptys: the server becomes
 * another binary (tests/sess-next, the same sources stamped 9.9.9) in
 * the same process, the program keeps its PID and gets no signal, the
 * clients stay attached, the screen and scrollback come through, no line
 * of output is lost or shown twice, and a binary that refuses the state
 * (tests/sess-refuse1 in its trial run, tests/sess-refuse2 after the
 * exec) leaves the old server serving. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/e2e.h"
#include "lib/victim.h"

static char	next_bin[PATH_MAX];	/* sess 9.9.9 */
static char	this_bin[PATH_MAX];	/* the sess under test */
static char	refuse1_bin[PATH_MAX];
static char	refuse2_bin[PATH_MAX];
static char	future_bin[PATH_MAX];	/* protocol 99 */
static char	release_bin[PATH_MAX];	/* sess 0.1.0, "" if not built */

/* The binary a process runs, resolved. */
static const char *
exe_of(pid_t pid)
{
	static char	 buf[PATH_MAX];
	char		 link[64];
	ssize_t		 n;

	snprintf(link, sizeof link, "/proc/%d/exe", (int)pid);
	if ((n = readlink(link, buf, sizeof buf - 1)) == -1)
		return "";
	buf[n] = '\0';
	return buf;
}

/* bin upgrade [NAME]...: its exit code, its output in r. */
static int
upgrade_with(struct run *r, const char *bin, ...)
{
	const char	*argv[16];
	va_list		 ap;
	int		 n = 0;

	argv[n++] = bin;
	argv[n++] = "upgrade";
	va_start(ap, bin);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	return run_argv(r, argv, TEST_TIMEOUT);
}

static void
upgrade_ok(const char *bin, const char *name)
{
	struct run	 r;

	if (upgrade_with(&r, bin, name, NULL) != 0)
		print_message("upgrade: %s%s", r.out.data, r.err.data);
	assert_int_equal(r.code, 0);
	run_free(&r);
}

/* sess dump FLAGS NAME, whole (free it). */
static char *
dump_of(const char *name, const char *flags)
{
	struct run	 r;
	char		*s;

	assert_int_equal(run_sess(&r, "dump", flags, name, NULL), 0);
	s = strdup(r.out.data);
	assert_non_null(s);
	run_free(&r);
	return s;
}

static int
fd_count(pid_t pid)
{
	char	 cmd[64];
	FILE	*f;
	int	 n = -1;

	snprintf(cmd, sizeof cmd, "ls /proc/%d/fd | wc -l", (int)pid);
	if ((f = popen(cmd, "r")) != NULL) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		pclose(f);
	}
	return n;
}

static long
rss_kb(pid_t pid)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 kb = -1;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* A program that ticks every 0.2 s and writes the name of every signal
 * it gets to log (and ends after those that end a session). */
static const char *
signal_logger(const char *log)
{
	static char	 script[1024];

	snprintf(script, sizeof script, "for s in QUIT USR1 USR2 WINCH CONT "
	    "TSTP TTIN TTOU PIPE ALRM; do trap \"echo $s >> %s\" $s; done; "
	    "for s in HUP INT TERM; do trap \"echo $s >> %s; exit 1\" $s; "
	    "done; : > %s; i=0; while :; do i=$((i+1)); echo tick $i; "
	    "sleep 0.2; done", log, log, log);
	return script;
}

static void
test_upgrade_attached(void **state)
{
	const char	*log = scratch_path("signals");
	struct term	*t;
	char		*before, *after;
	pid_t		 server, program;

	(void)state;
	t = term_sess(24, 80, "-c", "up", "sh", "-c", signal_logger(log),
	    NULL);
	expect_output(t, "tick 3");
	/* The attach itself may have sent WINCH: what is logged by now is
	 * the baseline. */
	expect_output(t, "tick 5");
	before = slurp(log);
	assert_non_null(before);
	server = server_pid("up");
	program = program_pid("up");
	assert_true(server > 0 && program > 0);
	assert_string_equal(exe_of(server), this_bin);

	upgrade_ok(next_bin, "up");
	assert_int_equal(server_pid("up"), server);
	assert_int_equal(program_pid("up"), program);
	assert_string_equal(exe_of(server), next_bin);
	assert_int_equal(parent_pid(program), server);

	/* The client goes on: later ticks reach it, and it detaches. */
	term_skip(t);
	expect_output(t, "tick");
	expect_output(t, "tick");
	expect_output(t, "tick");
	after = slurp(log);
	assert_non_null(after);
	assert_string_equal(after, before);
	expect_detach(t, "\034", "up");
	term_free(t);
	free(before);
	free(after);
	session_kill("up");
}

static void
test_upgrade_dump_equal(void **state)
{
	struct term	*t, *u;
	char		*before, *after, why[256];

	(void)state;
	session_new("scr", "sh", "-c", "i=0; while [ $i -lt 60 ]; do "
	    "printf '\\033[3%dm\\033[4%dmline %d\\033[1mbold\\033[m\\n' "
	    "$((i%8)) $(((i+3)%8)) $i; i=$((i+1)); done; "
	    "printf '\\033[7mlast\\033[m'; exec sleep 1000", NULL);
	expect_dump("scr", NULL, "last");
	before = dump_of("scr", "-as");
	t = term_sess(24, 80, "-a", "scr", NULL);
	expect_screen(t, "last");
	upgrade_ok(next_bin, "scr");
	after = dump_of("scr", "-as");
	assert_string_equal(after, before);
	free(after);
	/* A fresh attach to the new server draws what the old one drew on
	 * the client that stayed. */
	u = term_sess(24, 80, "-r", "-a", "scr", NULL);
	expect_screen(u, "last");
	term_drain(t);
	if (!vscreen_same(t->screen, u->screen, why, sizeof why))
		print_message("screens differ: %s\n", why);
	assert_true(vscreen_same(t->screen, u->screen, why, sizeof why));
	expect_detach(u, "\034", "scr");
	expect_detach(t, "\034", "scr");
	term_free(u);
	term_free(t);
	/* And back to this binary. */
	upgrade_ok(this_bin, "scr");
	after = dump_of("scr", "-as");
	assert_string_equal(after, before);
	free(after);
	free(before);
	session_kill("scr");
}

/* Every "n K" line of the scrollback, checked to run 1, 2, 3 ... with
 * none missing or twice; the last K. */
static int
numbered_lines(const char *text)
{
	const char	*p = text;
	int		 want = 1, k;

	while (*p != '\0') {
		if (sscanf(p, "n %d", &k) == 1) {
			if (k != want)
				print_message("line n %d where n %d was due\n",
				    k, want);
			assert_int_equal(k, want);
			want++;
		}
		if ((p = strchr(p, '\n')) == NULL)
			break;
		p++;
	}
	return want - 1;
}

static void
test_upgrade_every_line_once(void **state)
{
	const char	*bins[3] = { next_bin, this_bin, next_bin };
	char		*text, want[32];
	int		 i, last;

	(void)state;
	session_new("num", "sh", "-c", "i=0; while :; do i=$((i+1)); "
	    "echo n $i; sleep 0.2; done", NULL);
	expect_dump("num", NULL, "n 3");
	for (i = 0; i < 3; i++) {
		upgrade_ok(bins[i], "num");
		snprintf(want, sizeof want, "n %d", 6 + 3 * i);
		expect_dump("num", NULL, want);
	}
	text = dump_of("num", "-s");
	last = numbered_lines(text);
	assert_true(last >= 12);
	free(text);
	session_kill("num");
}

static void
test_upgrade_all(void **state)
{
	struct run	 r;
	pid_t		 a, b;

	(void)state;
	session_new("one", "sleep", "1000", NULL);
	session_new("two", "sleep", "1000", NULL);
	a = server_pid("one");
	b = server_pid("two");
	assert_int_equal(upgrade_with(&r, next_bin, NULL), 0);
	assert_non_null(strstr(r.out.data, "one: upgraded to sess 9.9.9"));
	assert_non_null(strstr(r.out.data, "two: upgraded to sess 9.9.9"));
	assert_int_equal(count_lines(&r.out), 2);
	run_free(&r);
	assert_string_equal(exe_of(a), next_bin);
	assert_string_equal(exe_of(b), next_bin);
	/* A name that is not there fails, the others go on. */
	assert_int_equal(upgrade_with(&r, this_bin, "one", "none", NULL), 1);
	assert_non_null(strstr(r.out.data, "one: upgraded to sess"));
	assert_non_null(strstr(r.out.data, "none: no such session"));
	run_free(&r);
	assert_string_equal(exe_of(a), this_bin);
	session_kill("one");
	session_kill("two");
}

/* A refusing binary: exit 1, one line saying why, and the old server
 * serving the attached client as before. */
static void
refused_by(const char *bin, const char *why)
{
	const char	*log = scratch_path("signals");
	struct term	*t;
	struct run	 r;
	char		*before, *after;
	pid_t		 server;

	t = term_sess(24, 80, "-c", "ref", "sh", "-c", signal_logger(log),
	    NULL);
	expect_output(t, "tick 5");
	before = slurp(log);
	assert_non_null(before);
	server = server_pid("ref");
	assert_int_equal(upgrade_with(&r, bin, "ref", NULL), 1);
	assert_int_equal(count_lines(&r.out), 1);
	assert_non_null(strstr(r.out.data, "ref: not upgraded"));
	assert_non_null(strstr(r.out.data, why));
	run_free(&r);
	assert_int_equal(server_pid("ref"), server);
	assert_string_equal(exe_of(server), this_bin);
	term_skip(t);
	expect_output(t, "tick");
	expect_output(t, "tick");
	after = slurp(log);
	assert_string_equal(after, before);
	expect_detach(t, "\034", "ref");
	term_free(t);
	free(before);
	free(after);
	/* And it still takes an upgrade. */
	upgrade_ok(next_bin, "ref");
	session_kill("ref");
}

static void
test_upgrade_refused_on_trial(void **state)
{
	(void)state;
	refused_by(refuse1_bin, "refuses the state (a test build)");
}

static void
test_upgrade_refused_after_exec(void **state)
{
	(void)state;
	refused_by(refuse2_bin, "refuses the state after the exec");
}

static int
teardown(void **state)
{
	victim_kill_all();
	return e2e_teardown(state);
}

/* A process adopted from another terminal is not the server's child:
 * it is handed over by its pidfd, and after the upgrade it still ticks,
 * is still the session's program, and still ends with the session. */
static void
test_upgrade_adopted(void **state)
{
	struct term	*old;
	char		 pidstr[32], name[64], comm[32];
	struct run	 r;
	pid_t		 pid, server;

	(void)state;
	old = victim_shell(24, 80);
	pid = victim_start(old, "", "tick", "");
	expect_output(old, "tick 2");
	assert_int_equal(proc_comm(pid, comm, sizeof comm), 0);
	snprintf(name, sizeof name, "%s-%d", comm, (int)pid);
	snprintf(pidstr, sizeof pidstr, "%d", (int)pid);
	assert_int_equal(run_sess(&r, "adopt", "-n", pidstr, NULL), 0);
	run_free(&r);
	assert_true(wait_sock(name, TEST_TIMEOUT));
	server = server_pid(name);
	expect_dump(name, NULL, "tick");
	upgrade_ok(next_bin, name);
	assert_int_equal(server_pid(name), server);
	assert_int_equal(program_pid(name), pid);
	assert_string_equal(exe_of(server), next_bin);
	/* Still ticking into the session. */
	assert_int_equal(run_sess(&r, "dump", name, NULL), 0);
	run_free(&r);
	expect_dump(name, NULL, "tick");
	session_kill(name);
	assert_true(wait_pid_gone(pid, TEST_TIMEOUT));
	term_free(old);
}

/* sess --upgrade-check on what is not a whole state: exit 1 and one
 * line why, never a crash. */
static void
test_upgrade_check_refuses(void **state)
{
	static const struct {
		const char	*bytes;
		size_t		 len;
		const char	*why;
	} cases[] = {
		{ "", 0, "no state" },
		{ "SESSTATE\0\0\0\1", 12, "not a handed-over session" },
		{ "SESSUPGR\0\0\0\2", 12, "handover format 2" },
		{ "SESSUPGR\0\0\0\1", 12, "a record missing" },
		{ "SESSUPGR\0\0\0\1\0\0\0\1\0\0\0\4ab", 22,
		    "a malformed record" },
		{ "SESSUPGR\0\0\0\1\0\0\0\3\0\0\0\4abcd", 24,
		    "malformed input" },
		{ "SESSUPGR\0\0\0\1\0\0\0\1\0\0\0\4abcd", 24,
		    "not a sess state" },
		{ "SESSUPGR\0\0\0\1\0\0\0\11\0\0\0\0", 20,
		    "a malformed record" },
	};
	const char	*path = scratch_path("state");
	char		 cmd[PATH_MAX * 2];
	const char	*argv[] = { "sh", "-c", cmd, NULL };
	struct run	 r;
	FILE		*f;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_non_null(f = fopen(path, "w"));
		assert_int_equal(fwrite(cases[i].bytes, 1, cases[i].len, f),
		    cases[i].len);
		fclose(f);
		snprintf(cmd, sizeof cmd, "exec 3<%s; exec %s --upgrade-check "
		    "3", path, this_bin);
		run_argv(&r, argv, TEST_TIMEOUT);
		if (r.code != 1 || strstr(r.err.data, cases[i].why) == NULL)
			print_message("case %zu: %d, %s", i, r.code,
			    r.err.data);
		assert_int_equal(r.code, 1);
		assert_int_equal(count_lines(&r.err), 1);
		assert_non_null(strstr(r.err.data, cases[i].why));
		assert_int_equal(r.out.len, 0);
		run_free(&r);
	}
}

/* No descriptor and no memory left behind by an upgrade: after a
 * hundred, the server holds the same descriptors and about the same
 * memory. Each exec starts from a fresh image and a model made again
 * from the state, so the resident size moves by the pages the loop and
 * the model happened to touch: 1 MB of slack is a quarter of what one
 * leaked copy of this session's state and buffers per upgrade would
 * add over a hundred. */
#define UPGRADE_RSS_SLACK_KB	1024

static void
test_upgrade_hundred(void **state)
{
	pid_t	 server, program;
	long	 rss0, rss1;
	int	 fds0, fds1, i;

	(void)state;
	session_new("many", "sh", "-c", "i=0; while :; do i=$((i+1)); "
	    "echo many $i; sleep 0.2; done", NULL);
	expect_dump("many", NULL, "many 2");
	server = server_pid("many");
	program = program_pid("many");
	/* Settled on this binary first. */
	upgrade_ok(next_bin, "many");
	upgrade_ok(this_bin, "many");
	fds0 = fd_count(server);
	rss0 = rss_kb(server);
	for (i = 0; i < 100; i++)
		upgrade_ok(i % 2 == 0 ? next_bin : this_bin, "many");
	fds1 = fd_count(server);
	rss1 = rss_kb(server);
	print_message("descriptors %d -> %d, VmRSS %ld -> %ld kB\n", fds0,
	    fds1, rss0, rss1);
	assert_int_equal(fds1, fds0);
	assert_true(rss1 <= rss0 + UPGRADE_RSS_SLACK_KB);
	assert_int_equal(server_pid("many"), server);
	assert_int_equal(program_pid("many"), program);
	assert_string_equal(exe_of(server), this_bin);
	session_kill("many");
}

/* bin -n NAME ARGS...: a session started by another sess. */
static void
session_new_with(const char *bin, const char *name, const char *cmd)
{
	const char	*argv[] = { bin, "-n", name, "sh", "-c", cmd, NULL };
	struct run	 r;

	assert_int_equal(run_argv(&r, argv, TEST_TIMEOUT), 0);
	run_free(&r);
	assert_true(wait_sock(name, TEST_TIMEOUT));
}

/* Whether NAME's row of sess -l -V holds version. */
static int
listed_with(const char *name, const char *version)
{
	struct run	 r;
	char		 head[96], *p, *end;
	int		 found = 0;

	run_sess(&r, "-l", "-V", NULL);
	snprintf(head, sizeof head, "\n%s ", name);
	if ((p = strstr(r.out.data, head)) != NULL) {
		if ((end = strchr(++p, '\n')) != NULL)
			*end = '\0';
		found = strstr(p, version) != NULL;
		if (end != NULL)
			*end = '\n';
	}
	if (!found)
		print_message("sess -l -V:\n%s", r.out.data);
	run_free(&r);
	return found;
}

/* Today's sess with a server of sess 0.1.0 as released: listed with its
 * version, dumped, sent to, attached to, detached from, killed; a
 * checkpoint and an upgrade refused in one line each. */
static void
test_skew_release(void **state)
{
	struct term	*t;
	struct run	 r;

	(void)state;
	if (release_bin[0] == '\0')
		skip();
	session_new_with(release_bin, "old", "PS1='$ ' exec sh");
	assert_true(listed_with("old", "0.1.0"));
	assert_int_equal(run_sess(&r, "send", "old", "echo $((6*7))\n",
	    NULL), 0);
	run_free(&r);
	expect_dump("old", NULL, "42");
	t = term_sess(24, 80, "-a", "old", NULL);
	expect_shell(t, 3, 11);
	expect_detach(t, "\034", "old");
	term_free(t);
	expect_dump("old", NULL, "33");

	setenv("SESS_STATE_DIR", scratch_path("state"), 1);
	assert_int_equal(run_sess(&r, "checkpoint", "old", NULL), 1);
	assert_int_equal(count_lines(&r.err), 1);
	assert_non_null(strstr(r.err.data, "sess 0.1.0"));
	assert_non_null(strstr(r.err.data, "no checkpoint"));
	run_free(&r);
	unsetenv("SESS_STATE_DIR");
	assert_int_equal(upgrade_with(&r, this_bin, "old", NULL), 1);
	assert_int_equal(count_lines(&r.out), 1);
	assert_non_null(strstr(r.out.data, "cannot upgrade in place"));
	run_free(&r);
	assert_string_equal(exe_of(server_pid("old")), release_bin);
	session_kill("old");
}

/* A server newer than this sess is reached through its own binary, and
 * this sess says so in one line. */
static void
test_skew_newer(void **state)
{
	struct term	*t;
	struct run	 r;

	(void)state;
	session_new_with(future_bin, "fut", "PS1='$ ' exec sh");
	assert_true(listed_with("fut", "newer(protocol 99)"));
	assert_int_equal(run_sess(&r, "send", "fut", "echo $((6*7))\n",
	    NULL), 0);
	assert_int_equal(count_lines(&r.err), 1);
	assert_non_null(strstr(r.err.data, "runs a newer sess (protocol 99)"));
	assert_non_null(strstr(r.err.data, future_bin));
	run_free(&r);
	/* The shell answers when it gets to it: dump until it has. */
	expect_dump("fut", NULL, "42");
	t = term_sess(24, 80, "-a", "fut", NULL);
	expect_output(t, "runs a newer sess");
	expect_shell(t, 3, 11);
	expect_detach(t, "\034", "fut");
	term_free(t);
	session_kill("fut");
}

static void
bin_path(char *dst, const char *rel)
{
	if (realpath(rel, dst) == NULL) {
		fprintf(stderr, "%s: %s (make check builds it)\n", rel,
		    strerror(errno));
		exit(1);
	}
}

int
main(int argc, char *argv[])
{
	const struct CMUnitTest tests[] = {
		e2e_test(test_upgrade_attached),
		e2e_test(test_upgrade_dump_equal),
		e2e_test(test_upgrade_every_line_once),
		e2e_test(test_upgrade_all),
		e2e_test(test_upgrade_refused_on_trial),
		e2e_test(test_upgrade_refused_after_exec),
		e2e_test(test_upgrade_check_refuses),
		cmocka_unit_test_setup_teardown(test_upgrade_adopted,
		    e2e_setup, teardown),
		e2e_test(test_upgrade_hundred),
		e2e_test(test_skew_release),
		e2e_test(test_skew_newer),
	};

	if (argc == 3 && strcmp(argv[1], "--victim") == 0)
		return victim_main(argv[2]);
	bin_path(this_bin, sess_bin());
	bin_path(next_bin, "tests/sess-next");
	bin_path(refuse1_bin, "tests/sess-refuse1");
	bin_path(refuse2_bin, "tests/sess-refuse2");
	bin_path(future_bin, "tests/sess-future");
	if (access("tests/sess-0.1.0", X_OK) == 0)
		bin_path(release_bin, "tests/sess-0.1.0");
	else
		fprintf(stderr, "tests/sess-0.1.0 missing (no git history): "
		    "test_skew_release is skipped\n");
	return cmocka_run_group_tests_name("e2e upgrade", tests, NULL, NULL);
}
