/* CRIU as sess runs it (src/criu.c): found and its version checked
 * before anything is asked of it, and the recipe of checkpoint.md on a
 * real program on a real pty: dumped with its terminal external, restored
 * as this process's child on a new pty, same PID, the new pty its
 * controlling terminal, its exit status ours to collect. The criu under
 * test is e2e_criu's. */
#include <sys/socket.h>
#include <sys/stat.h>
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

#include "criu.h"
#include "lib/e2e.h"

/* The criu under test, for criu_find. */
static void
use_tree_criu(void)
{
	const char	*path = e2e_criu();

	if (path == NULL)
		fail_msg("no criu to test: run make criu (or set SESS_CRIU)");
	setenv("SESS_CRIU", path, 1);
}

/* A script in the scratch directory that says it is CRIU version and
 * records every argument it gets. */
static const char *
fake_criu(const char *version)
{
	char		 path[PATH_MAX];
	FILE		*f;

	snprintf(path, sizeof path, "%s", scratch_path("criu"));
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "#!/bin/sh\necho \"$@\" >>%s\n"
	    "echo 'Version: %s'\n", scratch_path("criu.args"), version);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	return scratch_path("criu");
}

static void
test_find(void **state)
{
	struct criu		 c;
	struct criu_error	 e;

	(void)state;
	use_tree_criu();
	assert_int_equal(criu_find(&c, &e), 0);
	assert_true(c.major > 4 || (c.major == 4 && c.minor >= 1));
}

/* A criu too old for the kernel is refused on its version alone: asked
 * for nothing else. */
static void
test_too_old(void **state)
{
	struct criu		 c;
	struct criu_error	 e;
	char			*args;

	(void)state;
	setenv("SESS_CRIU", fake_criu("3.17.1"), 1);
	assert_int_equal(criu_find(&c, &e), -1);
	assert_int_equal(e.err, ENOEXEC);
	assert_non_null(strstr(e.msg, "3.17"));
	assert_non_null(strstr(e.msg, "too old"));
	assert_non_null(args = slurp(scratch_path("criu.args")));
	assert_string_equal(args, "--version\n");
	free(args);
	unsetenv("SESS_CRIU");
}

static void
test_missing(void **state)
{
	struct criu		 c;
	struct criu_error	 e;

	(void)state;
	setenv("SESS_CRIU", scratch_path("no-such-criu"), 1);
	assert_int_equal(criu_find(&c, &e), -1);
	assert_int_equal(e.err, ENOENT);
	assert_non_null(strstr(e.msg, "not found"));
	unsetenv("SESS_CRIU");
}

static void
tty_key(int fd, char *buf, size_t size)
{
	struct stat	 st;

	assert_int_equal(fstat(fd, &st), 0);
	criu_tty_key(buf, size, st.st_rdev, st.st_dev);
}

static int
dump(const struct criu *c, pid_t pid, const char *dir, int slave,
    int leave_running, struct criu_error *e)
{
	char	 key[64];
	pid_t	 child;
	int	 ws;

	tty_key(slave, key, sizeof key);
	child = criu_dump_start(c, pid, dir, key, leave_running, e);
	assert_true(child > 0);
	child_track(child);
	ws = child_wait(child, TEST_TIMEOUT);
	assert_true(ws >= 0);
	return criu_result(dir, "dump.log", ws == 0 ? 0 : ws << 8, e);
}

/* The criu under test, found, and an empty directory for its images. */
static void
criu_and_dir(struct criu *c, char *dir, size_t size, const char *name)
{
	struct criu_error	 e;

	use_tree_criu();
	if (criu_find(c, &e) == -1)
		fail_msg("criu_find: %s", e.msg);
	snprintf(dir, size, "%s", scratch_path(name));
	assert_int_equal(mkdir(dir, 0700), 0);
}

/* An interactive shell with a variable, a trap and a cwd: dumped, gone,
 * restored on a new pty with its PID, its state, the new pty as its
 * controlling terminal (^C runs the trap) and its status ours. */
static void
test_dump_restore_shell(void **state)
{
	const char *const argv[] = { "bash", "--norc", "--noprofile", "-i", NULL };
	struct criu		 c;
	struct criu_error	 e;
	struct term		*t, *u;
	char			 dir[PATH_MAX], key[64];
	pid_t			 pid, back;

	(void)state;
	criu_and_dir(&c, dir, sizeof dir, "ckpt");

	assert_non_null(t = term_spawn(24, 80, argv));
	term_type(t, "PS1='pr''> '; v=kept; trap 'echo trapped-$v' INT; "
	    "cd /tmp; echo rea''dy\r");
	expect_output(t, "ready");
	pid = t->pid;
	tty_key(t->slave, key, sizeof key);
	if (dump(&c, pid, dir, t->slave, 0, &e) == -1)
		fail_msg("dump: %s", e.msg);
	assert_true(wait_pid_gone(pid, TEST_TIMEOUT));
	child_forget(pid);

	/* A new pty: the restored shell's terminal from now on. */
	assert_non_null(u = term_spawn(24, 80, (const char *const[]){ "true",
	    NULL }));
	assert_int_equal(term_wait_exit(u, TEST_TIMEOUT), 0);
	back = criu_restore(&c, dir, u->slave, key, &e);
	if (back == -1)
		fail_msg("restore: %s", e.msg);
	assert_int_equal(back, pid);
	child_track(back);
	assert_int_equal(parent_pid(back), getpid());
	term_type(u, "echo $v $(pwd)\r");
	expect_output(u, "kept /tmp");
	/* In the wait builtin, which bash leaves for the trap, as its
	 * manual says (at the prompt, bash itself loses a ^C now and
	 * then). A ^C that comes before the wait begins runs the trap
	 * too, and the wait then ends with its job. */
	term_type(u, "sleep 2 & echo wait''ing; wait $!\r");
	expect_output(u, "waiting");
	term_write(u, "\003", 1);
	expect_output(u, "trapped-kept");
	/* Typed before the prompt, a line may be lost to the terminal's
	 * settings being changed under it. */
	expect_output(u, "pr> ");
	term_type(u, "kill %% 2>/dev/null; exit 7\r");
	assert_int_equal(child_wait(back, TEST_TIMEOUT), 7);
	term_free(t);
	term_free(u);
}

/* A program with an established TCP connection cannot be taken along:
 * the dump fails, says so, and the program goes on. */
static void
test_dump_tcp_refused(void **state)
{
	const char *const argv[] = { "sh", "-i", NULL };
	struct sockaddr_in	 sa = { .sin_family = AF_INET };
	socklen_t		 len = sizeof sa;
	struct criu		 c;
	struct criu_error	 e;
	struct term		*t;
	char			 dir[PATH_MAX], cmd[256];
	int			 l, a;

	(void)state;
	criu_and_dir(&c, dir, sizeof dir, "ckpt-tcp");
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sa, &len), 0);

	assert_non_null(t = term_spawn(24, 80, argv));
	snprintf(cmd, sizeof cmd, "exec 5<>/dev/tcp/127.0.0.1/%d 2>/dev/null "
	    "|| exec 5<>/dev/null; echo con''nected\r", ntohs(sa.sin_port));
	/* sh may have no /dev/tcp: bash is asked for the connection. */
	term_type(t, "exec bash --norc -i\r");
	term_type(t, cmd);
	expect_output(t, "connected");
	assert_true((a = accept(l, NULL, NULL)) >= 0);
	assert_int_equal(dump(&c, t->pid, dir, t->slave, 0, &e), -1);
	assert_int_equal(e.err, EBUSY);
	assert_non_null(strstr(e.msg, "TCP"));
	/* Still running, still answering. */
	term_type(t, "echo $((6*7))\r");
	expect_output(t, "42");
	close(a);
	close(l);
	term_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		e2e_test(test_find),
		e2e_test(test_too_old),
		e2e_test(test_missing),
		e2e_test(test_dump_restore_shell),
		e2e_test(test_dump_tcp_refused),
	};

	return cmocka_run_group_tests_name("criu", tests, NULL, NULL);
}
