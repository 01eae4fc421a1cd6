/* Checkpoint and restore through sess, with the real criu: a shell comes
 * back with its PID, its variables, its trap, its cwd and its job; the
 * screen comes back cell for cell; a failed checkpoint or restore loses
 * nothing and says why in one line. The criu is $SESS_CRIU, else the one
 * `make criu` builds. */
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
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

static char	criu_path[PATH_MAX];

/* Every test: its own state directory, and the criu under test. */
static int
setup(void **state)
{
	int	 rc = e2e_setup(state);

	if (rc != 0)
		return rc;
	setenv("SESS_STATE_DIR", scratch_path("state"), 1);
	setenv("SESS_CRIU", criu_path, 1);
	return 0;
}

static int
teardown(void **state)
{
	victim_kill_all();
	return e2e_teardown(state);
}

/* The session sess adopt makes for pid: COMM-PID. */
static const char *
victim_session(pid_t pid)
{
	static char	 name[64];
	char		 comm[32];

	snprintf(name, sizeof name, "%d", (int)pid);
	if (proc_comm(pid, comm, sizeof comm) == 0)
		snprintf(name, sizeof name, "%s-%d", comm, (int)pid);
	return name;
}

#define ckpt_test(f)	cmocka_unit_test_setup_teardown(f, setup, \
			    e2e_teardown)

static const char *
saved_path(const char *name)
{
	static char	 path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", scratch_path("state"), name);
	return path;
}

static int
is_dir(const char *path)
{
	struct stat	 st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Entries of the state directory whose name begins with '.': a
 * checkpoint half written. */
static int
half_written(void)
{
	struct run	 r;
	const char	*argv[] = { "sh", "-c", "ls -A \"$SESS_STATE_DIR\" "
	    "2>/dev/null | grep '^\\.' | wc -l", NULL };
	int		 n;

	assert_int_equal(run_argv(&r, argv, TEST_TIMEOUT), 0);
	n = atoi(r.out.data);
	run_free(&r);
	return n;
}

static int
none_half_written(void *arg)
{
	(void)arg;
	return half_written() == 0;
}

/* One line, ending in a newline. */
static void
assert_one_line(const char *s)
{
	const char	*nl = strchr(s, '\n');

	if (nl == NULL || nl[1] != '\0')
		fail_msg("not one line: \"%s\"", s);
}

/* sess ARGS must exit with code; its stderr is returned (free it). */
static char *
sess_expect(int code, ...)
{
	const char	*argv[32];
	struct run	 r;
	va_list		 ap;
	char		*err;
	int		 n = 0;

	argv[n++] = sess_bin();
	va_start(ap, code);
	while (n < 31 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	run_argv(&r, argv, 4 * TEST_TIMEOUT);
	if (r.code != code)
		fail_msg("sess %s %s: exit %d, not %d; stderr: %s", argv[1],
		    n > 2 ? argv[2] : "", r.code, code, r.err.data);
	err = strdup(r.err.data);
	run_free(&r);
	return err;
}

static void
sess_ok(const char *a, const char *b, const char *c)
{
	free(sess_expect(0, a, b, c, NULL));
}

/* The whole screen of a session, with colours and scrollback. */
static char *
dump_all(const char *name)
{
	const char	*argv[] = { sess_bin(), "dump", "-a", "-s", name,
	    NULL };
	struct run	 r;
	char		*out;

	assert_int_equal(run_argv(&r, argv, TEST_TIMEOUT), 0);
	out = strdup(r.out.data);
	run_free(&r);
	return out;
}

/* The shell of the issue: a variable, an INT trap, a cwd and a job. */
static pid_t
shell_session(const char *name)
{
	struct term	*t;
	pid_t		 pid;

	t = term_sess(24, 80, "-c", name, "bash", "--norc", "--noprofile",
	    "-i", NULL);
	assert_non_null(t);
	term_type(t, "PS1='pr''> '; v=kept; trap 'echo trapped-$v' INT; "
	    "cd /tmp; sleep 1000 & echo rea''dy\r");
	expect_output(t, "ready");
	expect_detach(t, "\034", name);
	term_free(t);
	assert_true(wait_state(name, "detached", TEST_TIMEOUT));
	assert_true((pid = program_pid(name)) > 0);
	return pid;
}

static void
test_shell_comes_back(void **state)
{
	struct term	*t;
	struct row	 row;
	pid_t		 pid;

	(void)state;
	pid = shell_session("sh1");
	sess_ok("checkpoint", "sh1", NULL);
	assert_true(wait_pid_gone(pid, TEST_TIMEOUT));
	assert_true(is_dir(saved_path("sh1")));
	assert_int_equal(half_written(), 0);
	assert_true(list_get("sh1", &row));
	assert_string_equal(row.state, "saved");
	assert_string_equal(row.pid, "-");

	/* Attaching restores it. */
	t = term_sess(24, 80, "-a", "sh1", NULL);
	assert_non_null(t);
	expect_screen(t, "ready");
	assert_int_equal(program_pid("sh1"), pid);
	term_type(t, "echo $v $(pwd); jobs\r");
	expect_output(t, "kept /tmp");
	expect_output(t, "sleep 1000");
	/* In the wait builtin, which bash leaves for the trap, as its
	 * manual says (at the prompt, bash itself loses a ^C now and
	 * then). A ^C that comes before the wait begins runs the trap
	 * too, and the wait then ends with its job. */
	term_type(t, "sleep 2 & echo wait''ing; wait $!\r");
	expect_output(t, "waiting");
	term_write(t, "\003", 1);
	expect_output(t, "trapped-kept");
	/* Typed before the prompt, a line may be lost to the terminal's
	 * settings being changed under it. */
	expect_output(t, "pr> ");
	term_type(t, "kill %1 %2 2>/dev/null; exit 7\r");
	expect_exit(t, 7);
	term_free(t);
	assert_true(wait_sock_gone("sh1", TEST_TIMEOUT));
	assert_false(is_dir(saved_path("sh1")));
	/* Set aside at the restore, then removed. */
	assert_true(poll_until(none_half_written, NULL, TEST_TIMEOUT));
}

/* Attached clients are told, and end with 0. */
static void
test_clients_told(void **state)
{
	struct term	*t;

	(void)state;
	t = term_sess(24, 80, "-c", "told", "bash", "--norc", "-i", NULL);
	assert_non_null(t);
	expect_shell(t, 6, 7);
	sess_ok("checkpoint", "told", NULL);
	expect_output(t, "[told saved]");
	expect_exit(t, 0);
	term_free(t);
	sess_ok("-k", "told", NULL);
	assert_false(is_dir(saved_path("told")));
}

/* A full-screen program on the alternate screen, and one that never
 * draws again: the screen after the restore is the screen before. */
static void
test_screen_equal(void **state)
{
	char		*before, *after;
	const char	*script[] = {
		"printf '\\033[?1049h\\033[H\\033[2J\\033[1;31mfull\\033[0m "
		"\\033[44mscreen\\033[0m\\033[5;5Hhere'; exec sleep 1000",
		"seq 1 200; printf '\\033[32mlast\\033[0m line'; "
		"exec sleep 1000",
	};
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(script); i++) {
		session_new("scr", "sh", "-c", script[i], NULL);
		expect_dump("scr", NULL, i == 0 ? "here" : "last");
		before = dump_all("scr");
		sess_ok("checkpoint", "scr", NULL);
		sess_ok("restore", "scr", NULL);
		after = dump_all("scr");
		assert_string_equal(before, after);
		free(before);
		free(after);
		session_kill("scr");
	}
}

/* -r: the program and its client go on; the checkpoint, restored after
 * the original ended, resumes from the moment it was taken. */
static void
test_leave_running(void **state)
{
	struct term	*t, *u;
	pid_t		 pid;

	(void)state;
	t = term_sess(24, 80, "-c", "lr", "bash", "--norc", "-i", NULL);
	assert_non_null(t);
	term_type(t, "n=1; echo n''is$n\r");
	expect_output(t, "nis1");
	pid = program_pid("lr");
	sess_ok("checkpoint", "-r", "lr");
	assert_true(is_dir(saved_path("lr")));
	/* Still attached, still running. */
	term_type(t, "n=2; echo n''is$n\r");
	expect_output(t, "nis2");
	assert_int_equal(program_pid("lr"), pid);
	term_type(t, "exit 3\r");
	expect_exit(t, 3);
	term_free(t);
	assert_true(wait_pid_gone(pid, TEST_TIMEOUT));
	assert_true(wait_sock_gone("lr", TEST_TIMEOUT));

	u = term_sess(24, 80, "-a", "lr", NULL);
	assert_non_null(u);
	term_type(u, "echo n''is$n\r");
	expect_output(u, "nis1");
	term_type(u, "exit 4\r");
	expect_exit(u, 4);
	term_free(u);
	assert_true(wait_sock_gone("lr", TEST_TIMEOUT));
}

/* -A saves every live session; restore takes a new name. */
static void
test_all_and_new_name(void **state)
{
	char		*err;

	(void)state;
	session_new("a1", "sleep", "1000", NULL);
	session_new("a2", "sleep", "1000", NULL);
	sess_ok("checkpoint", "-A", NULL);
	assert_true(wait_sock_gone("a1", TEST_TIMEOUT));
	assert_true(wait_sock_gone("a2", TEST_TIMEOUT));
	assert_true(is_dir(saved_path("a1")));
	assert_true(is_dir(saved_path("a2")));
	/* A saved name is taken. */
	err = sess_expect(1, "-n", "a1", "true", NULL);
	assert_non_null(strstr(err, "sess restore"));
	free(err);
	sess_ok("restore", "a1", "b1");
	assert_true(sock_exists("b1"));
	assert_false(is_dir(saved_path("a1")));
	sess_ok("-k", "a2", NULL);
	assert_false(is_dir(saved_path("a2")));
	session_kill("b1");
}

/* A program with an established TCP connection cannot be saved: one
 * line says so; the program and its client go on; nothing is left. */
static void
test_refuse_tcp(void **state)
{
	struct sockaddr_in	 sa = { .sin_family = AF_INET };
	socklen_t		 len = sizeof sa;
	struct term		*t;
	char			 cmd[128], *err;
	int			 l, a;

	(void)state;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sa, &len), 0);
	t = term_sess(24, 80, "-c", "tcp", "bash", "--norc", "-i", NULL);
	assert_non_null(t);
	snprintf(cmd, sizeof cmd, "exec 5<>/dev/tcp/127.0.0.1/%d; "
	    "echo con''nected\r", ntohs(sa.sin_port));
	term_type(t, cmd);
	expect_output(t, "connected");
	assert_true((a = accept(l, NULL, NULL)) >= 0);
	err = sess_expect(1, "checkpoint", "tcp", NULL);
	assert_non_null(strstr(err, "TCP"));
	assert_one_line(err);
	free(err);
	assert_false(is_dir(saved_path("tcp")));
	assert_int_equal(half_written(), 0);
	term_type(t, "echo $((6*7))\r");
	expect_output(t, "42");
	term_type(t, "exit 0\r");
	expect_exit(t, 0);
	term_free(t);
	/* The server goes a moment after its client: not a leftover. */
	assert_true(wait_sock_gone("tcp", TEST_TIMEOUT));
	close(a);
	close(l);
}

/* The checkpoint is kept when the program's process id is taken, and
 * the message names who holds it; once it is free, the restore works. */
static void
test_refuse_pid_taken(void **state)
{
	char		 pidstr[32], *err;
	FILE		*f;
	pid_t		 pid, holder;

	(void)state;
	session_new("pid", "sleep", "1000", NULL);
	assert_true((pid = program_pid("pid")) > 0);
	sess_ok("checkpoint", "pid", NULL);
	assert_true(wait_pid_gone(pid, TEST_TIMEOUT));
	/* The next process made gets that id. */
	assert_non_null(f = fopen("/proc/sys/kernel/ns_last_pid", "w"));
	fprintf(f, "%d", (int)pid - 1);
	fclose(f);
	fflush(stdout);
	if ((holder = fork()) == 0) {
		execlp("sleep", "sleep", "1000", (char *)NULL);
		_exit(127);
	}
	child_track(holder);
	if (holder != pid) {
		/* Another process took it first: the case cannot be made. */
		kill(holder, SIGKILL);
		child_wait(holder, TEST_TIMEOUT);
		skip();
	}
	err = sess_expect(1, "restore", "pid", NULL);
	snprintf(pidstr, sizeof pidstr, "%d", (int)pid);
	assert_non_null(strstr(err, pidstr));
	assert_non_null(strstr(err, "sleep"));
	assert_one_line(err);
	free(err);
	assert_true(is_dir(saved_path("pid")));
	assert_false(sock_exists("pid"));
	kill(holder, SIGKILL);
	child_wait(holder, TEST_TIMEOUT);
	sess_ok("restore", "pid", NULL);
	assert_int_equal(program_pid("pid"), pid);
	session_kill("pid");
}

/* No criu, or one too old: refused before anything is asked of it; the
 * session goes on. */
static void
test_refuse_criu(void **state)
{
	char		 script[PATH_MAX], *err, *args;
	FILE		*f;

	(void)state;
	session_new("nc", "sleep", "1000", NULL);
	setenv("SESS_CRIU", scratch_path("none"), 1);
	err = sess_expect(1, "checkpoint", "nc", NULL);
	assert_non_null(strstr(err, "not found"));
	assert_one_line(err);
	free(err);
	snprintf(script, sizeof script, "%s", scratch_path("criu"));
	assert_non_null(f = fopen(script, "w"));
	fprintf(f, "#!/bin/sh\necho \"$@\" >>%s\necho 'Version: 3.17.1'\n",
	    scratch_path("args"));
	fclose(f);
	assert_int_equal(chmod(script, 0755), 0);
	setenv("SESS_CRIU", script, 1);
	err = sess_expect(1, "checkpoint", "nc", NULL);
	assert_non_null(strstr(err, "3.17"));
	assert_one_line(err);
	free(err);
	assert_non_null(args = slurp(scratch_path("args")));
	assert_null(strstr(args, "dump"));
	free(args);
	assert_true(wait_state("nc", "detached", TEST_TIMEOUT));
	assert_false(is_dir(saved_path("nc")));
	session_kill("nc");
}

/* An unsafe state directory is named and left as it is; a checkpoint of
 * another user's is not restored. */
static void
test_refuse_unsafe(void **state)
{
	struct stat	 st;
	char		*err;

	(void)state;
	session_new("us", "sleep", "1000", NULL);
	assert_int_equal(mkdir(scratch_path("state"), 0755), 0);
	err = sess_expect(1, "checkpoint", "us", NULL);
	assert_non_null(strstr(err, scratch_path("state")));
	assert_one_line(err);
	free(err);
	assert_int_equal(stat(scratch_path("state"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(chmod(scratch_path("state"), 0700), 0);

	sess_ok("checkpoint", "us", NULL);
	assert_int_equal(chown(saved_path("us"), 65534, 65534), 0);
	err = sess_expect(1, "restore", "us", NULL);
	assert_non_null(strstr(err, "another user"));
	assert_one_line(err);
	free(err);
	assert_true(is_dir(saved_path("us")));
	assert_int_equal(chown(saved_path("us"), getuid(), getgid()), 0);
	sess_ok("-k", "us", NULL);
	assert_false(is_dir(saved_path("us")));
}

/* A process adopted from another terminal is saved and restored like a
 * program sess started: same PID, and it goes on ticking. */
static void
test_adopted(void **state)
{
	struct term	*old;
	char		 pidstr[32], name[64];
	pid_t		 pid;

	(void)state;
	old = victim_shell(24, 80);
	pid = victim_start(old, "", "tick", "");
	expect_output(old, "tick 2");
	snprintf(name, sizeof name, "%s", victim_session(pid));
	snprintf(pidstr, sizeof pidstr, "%d", (int)pid);
	sess_ok("adopt", "-n", pidstr);
	assert_true(wait_sock(name, TEST_TIMEOUT));
	sess_ok("checkpoint", name, NULL);
	assert_true(wait_pid_gone(pid, TEST_TIMEOUT));
	sess_ok("restore", name, NULL);
	assert_int_equal(program_pid(name), pid);
	assert_int_equal(parent_pid(pid), server_pid(name));
	/* It goes on ticking where it was. */
	expect_dump(name, NULL, "tick");
	session_kill(name);
	term_free(old);
}

int
main(int argc, char *argv[])
{
	const char	*criu;
	const struct CMUnitTest tests[] = {
		ckpt_test(test_shell_comes_back),
		ckpt_test(test_clients_told),
		ckpt_test(test_screen_equal),
		ckpt_test(test_leave_running),
		ckpt_test(test_all_and_new_name),
		ckpt_test(test_refuse_tcp),
		ckpt_test(test_refuse_pid_taken),
		ckpt_test(test_refuse_criu),
		ckpt_test(test_refuse_unsafe),
		cmocka_unit_test_setup_teardown(test_adopted, setup, teardown),
	};

	if (argc == 3 && strcmp(argv[1], "--victim") == 0)
		return victim_main(argv[2]);
	if ((criu = e2e_criu()) == NULL)
		return 1;
	snprintf(criu_path, sizeof criu_path, "%s", criu);
	return cmocka_run_group_tests_name("e2e checkpoint", tests, NULL,
	    NULL);
}
