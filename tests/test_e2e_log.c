/* The debug log: with SESS_LOG naming a file, a server writes a line for
 * each event of a session's life to it; without, no file is made. */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
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

/* Waits for a line of the server named name with s in it. */
static void
expect_logged(const char *log, const char *name, const char *s)
{
	char	 who[64], *text, *line, *end;
	int64_t	 until = now_ms() + TEST_TIMEOUT;

	snprintf(who, sizeof who, "server %s[", name);
	for (;;) {
		text = slurp(log);
		for (line = text; line != NULL && *line != '\0'; line = end) {
			if ((end = strchr(line, '\n')) == NULL)
				break;
			*end++ = '\0';
			if (strstr(line, who) != NULL && strstr(line, s) != NULL) {
				free(text);
				return;
			}
		}
		if (now_ms() >= until) {
			print_error("no \"%s\" line of %s in the log:\n%s\n", s,
			    who, text != NULL ? text : "(no file)");
			free(text);
			fail();
		}
		free(text);
		nap(10);
	}
}

/* A file (not a device, socket, pipe or the like, nor the session's card
 * in the socket directory); the first one's path goes to arg. */
static int
is_file(const char *target, void *arg)
{
	size_t	 dir = strlen(e2e_dir());
	char	*first = arg;

	if (target[0] != '/' || strncmp(target, "/dev/", 5) == 0)
		return 0;
	if (strncmp(target, e2e_dir(), dir) == 0 && target[dir] == '/' &&
	    target[dir + 1] == '.')
		return 0;
	if (first[0] == '\0')
		snprintf(first, PATH_MAX, "%s", target);
	return 1;
}

/* The files pid has open: how many, the first in path (PATH_MAX). */
static int
open_files(pid_t pid, char *path)
{
	path[0] = '\0';
	return proc_fds(pid, is_file, path);
}

/* Create, attach, detach, kill: each is in the log. */
static void
test_log_events(void **state)
{
	const char	*log = scratch_path("sess.log");
	char		 path[PATH_MAX];
	struct term	*t;

	(void)state;
	assert_int_equal(setenv("SESS_LOG", log, 1), 0);
	session_new("lg", "sh", NULL);
	expect_logged(log, "lg", "started, pid");
	t = term_sess(30, 100, "-a", "lg", NULL);
	expect_shell(t, 6, 7);
	expect_logged(log, "lg", "connected");
	expect_logged(log, "lg", "attached at 100x30");
	/* What test_log_off looks for: the log is the one file open. */
	assert_int_equal(open_files(server_pid("lg"), path), 1);
	assert_non_null(strstr(path, "sess.log"));
	expect_detach(t, "\034", "lg");
	term_free(t);
	expect_logged(log, "lg", "detached");
	expect_logged(log, "lg", "gone");
	session_kill("lg");
	expect_logged(log, "lg", "killed");

	/* The program's end and its status. */
	session_new("lx", "sh", "-c", "read x; exit 7", NULL);
	t = term_sess(24, 80, "-a", "lx", NULL);
	term_type(t, "\r");
	expect_exit(t, 7);
	term_free(t);
	expect_logged(log, "lx", "exited, status 7");
	assert_true(wait_sock_gone("lx", TEST_TIMEOUT));
	unsetenv("SESS_LOG");
}

/* Without SESS_LOG, a server has no file open, and leaves none in the
 * directory it was started from. */
static void
test_log_off(void **state)
{
	const char	*here = scratch_path("cwd");
	char		 old[PATH_MAX], path[PATH_MAX];
	struct term	*t;
	DIR		*d;
	struct dirent	*e;
	pid_t		 pid;

	(void)state;
	assert_int_equal(unsetenv("SESS_LOG"), 0);
	assert_non_null(getcwd(old, sizeof old));
	assert_int_equal(mkdir(here, 0700), 0);
	assert_int_equal(chdir(here), 0);
	session_new("nl", "sh", NULL);
	t = term_sess(24, 80, "-a", "nl", NULL);
	expect_shell(t, 2, 3);
	pid = server_pid("nl");
	assert_true(pid > 0);
	if (open_files(pid, path) != 0)
		print_error("server has %s open\n", path);
	assert_int_equal(open_files(pid, path), 0);
	expect_detach(t, "\034", "nl");
	term_free(t);
	session_kill("nl");
	assert_int_equal(chdir(old), 0);
	assert_non_null(d = opendir(here));
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			print_error("left behind: %s\n", e->d_name);
	closedir(d);
	assert_int_equal(rmdir(here), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		e2e_test(test_log_events),
		e2e_test(test_log_off),
	};

	return cmocka_run_group_tests_name("e2e log", tests, NULL, NULL);
}
