/* What sess refuses, and how: usage errors, names, taken names, missing
 * programs, no terminal, nesting, unsafe socket directories, and peers
 * that send garbage, oversized frames, another protocol version, or run
 * as another user. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
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
#include "config.h"
#include "proto.h"

#define NOBODY	65534

/* One line on stderr, "sess: ...", containing want if not NULL. */
static void
assert_one_error(const struct run *r, const char *want)
{
	if (count_lines(&r->err) != 1 ||
	    strncmp(r->err.data, "sess: ", 6) != 0 ||
	    (want != NULL && strstr(r->err.data, want) == NULL)) {
		print_message("stderr: %s\n", r->err.data);
		fail();
	}
}

static void
test_usage_errors(void **state)
{
	static const char *const cases[][4] = {
		{ "-Z", NULL },
		{ "-c", NULL },
		{ "-a", NULL },
		{ "-k", NULL },
		{ "-n", "a", "-c", "b" },
		{ "-e", NULL },
		{ "justaname", NULL },
		{ "-l", "extra", NULL },
		{ "-k", "a", "cmd", NULL },
	};
	const char	*argv[8];
	struct run	 r;
	size_t		 i, k;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		argv[0] = sess_bin();
		for (k = 0; k < 4 && cases[i][k] != NULL; k++)
			argv[k + 1] = cases[i][k];
		argv[k + 1] = NULL;
		if (run_argv(&r, argv, TEST_TIMEOUT) != 2 || r.err.len == 0 ||
		    r.out.len != 0) {
			print_message("sess %s %s: exit %d, stderr %s\n",
			    cases[i][0], cases[i][1] ? cases[i][1] : "",
			    r.code, r.err.data);
			fail();
		}
		run_free(&r);
	}
	/* Nothing was created. */
	assert_int_equal(access(e2e_dir(), F_OK), -1);
}

static void
test_help_version(void **state)
{
	struct run	 r;

	(void)state;
	assert_int_equal(run_sess(&r, "-h", NULL), 0);
	assert_non_null(strstr(r.out.data, "usage"));
	assert_non_null(strstr(r.out.data, "-c NAME"));
	assert_int_equal(r.err.len, 0);
	run_free(&r);
	assert_int_equal(run_sess(&r, "-v", NULL), 0);
	assert_int_equal(strncmp(r.out.data, "sess ", 5), 0);
	assert_int_equal(count_lines(&r.out), 1);
	assert_int_equal(r.err.len, 0);
	run_free(&r);
}

#define LONGEST	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345678._-"

static void
test_bad_names(void **state)
{
	static const char *const names[] = {
		"", ".hidden", "a/b", "a b", "a:b", "tab\tname", "caf\xc3\xa9",
		"..", "x*",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	struct run	 r;
	struct term	*t;
	size_t		 i;

	(void)state;
	assert_int_equal(strlen(names[nitems(names) - 1]), 65);
	for (i = 0; i < nitems(names); i++) {
		assert_int_equal(run_sess(&r, "-n", names[i], "sleep", "1",
		    NULL), 1);
		assert_one_error(&r, NULL);
		run_free(&r);
		assert_int_equal(run_sess(&r, "-k", names[i], NULL), 1);
		assert_one_error(&r, NULL);
		run_free(&r);
		assert_int_equal(run_sess(&r, "-N", names[i], "true", NULL), 1);
		assert_one_error(&r, NULL);
		run_free(&r);
		t = term_sess(24, 80, "-c", names[i], "true", NULL);
		expect_exit(t, 1);
		term_free(t);
		t = term_sess(24, 80, "-A", names[i], "true", NULL);
		expect_exit(t, 1);
		term_free(t);
		t = term_sess(24, 80, "-a", names[i], NULL);
		expect_exit(t, 1);
		term_free(t);
		/* Refused before any file is touched. */
		assert_int_equal(access(e2e_dir(), F_OK), -1);
	}
	/* 64 characters, every allowed character. */
	assert_int_equal(strlen(LONGEST), 64);
	session_new(LONGEST, "sleep", "1000", NULL);
	session_kill(LONGEST);
}

/* A live name is never taken over, and is left as it was. */
static void
test_name_taken(void **state)
{
	struct row	 row;
	struct run	 r;
	struct term	*t;
	pid_t		 pid;

	(void)state;
	session_new("tk", "sleep", "1000", NULL);
	pid = program_pid("tk");
	assert_true(pid > 0);
	assert_int_equal(run_sess(&r, "-n", "tk", "true", NULL), 1);
	assert_one_error(&r, "tk");
	run_free(&r);
	assert_int_equal(run_sess(&r, "-n", "-f", "tk", "true", NULL), 1);
	assert_one_error(&r, "tk");
	run_free(&r);
	assert_int_equal(run_sess(&r, "-N", "tk", "true", NULL), 1);
	run_free(&r);
	t = term_sess(24, 80, "-c", "tk", "true", NULL);
	expect_exit(t, 1);
	term_free(t);
	t = term_sess(24, 80, "-f", "-c", "tk", "true", NULL);
	expect_exit(t, 1);
	term_free(t);
	assert_true(list_get("tk", &row));
	assert_string_equal(row.state, "detached");
	assert_string_equal(row.command, "sleep 1000");
	assert_int_equal(program_pid("tk"), pid);
	session_kill("tk");
}

/* -f replaces an exited session, and a stale one. */
static void
test_force(void **state)
{
	struct run	 r;
	struct term	*t;
	struct row	 row;
	pid_t		 server;

	(void)state;
	session_new("fo", "sh", "-c", "exit 3", NULL);
	assert_true(wait_state("fo", "exited(3)", TEST_TIMEOUT));
	/* Without -f, the status waits to be collected. */
	assert_int_equal(run_sess(&r, "-n", "fo", "true", NULL), 1);
	assert_one_error(&r, "fo");
	run_free(&r);
	assert_true(list_get("fo", &row));
	assert_string_equal(row.state, "exited(3)");

	session_new("fo", "-f", "sleep", "1000", NULL);
	assert_true(list_get("fo", &row));
	assert_string_equal(row.state, "detached");
	assert_string_equal(row.command, "sleep 1000");
	session_kill("fo");

	/* -c -f and -A -f too. */
	session_new("fc", "sh", "-c", "exit 4", NULL);
	assert_true(wait_state("fc", "exited(4)", TEST_TIMEOUT));
	t = term_sess(24, 80, "-c", "fc", "-f", "sh", NULL);
	expect_shell(t, 6, 7);
	expect_detach(t, "\034", "fc");
	term_free(t);
	session_kill("fc");

	session_new("fa", "sh", "-c", "exit 5", NULL);
	assert_true(wait_state("fa", "exited(5)", TEST_TIMEOUT));
	t = term_sess(24, 80, "-A", "-f", "fa", "sh", NULL);
	expect_shell(t, 6, 7);
	expect_detach(t, "\034", "fa");
	term_free(t);
	session_kill("fa");

	/* A server that is gone. */
	session_new("fs", "sleep", "1000", NULL);
	server = server_pid("fs");
	child_track(server);
	kill(server, SIGKILL);
	assert_int_equal(child_wait(server, TEST_TIMEOUT), 128 + SIGKILL);
	session_new("fs", "-f", "sleep", "1000", NULL);
	session_kill("fs");
}

/* A program that cannot run: said, exit 1, and nothing left behind. */
static void
test_missing_command(void **state)
{
	struct termios	 tio;
	struct run	 r;
	struct term	*t;

	(void)state;
	assert_int_equal(run_sess(&r, "-n", "mc", "/nonexistent/cmd", NULL),
	    1);
	assert_string_equal(r.err.data, "sess: cannot run /nonexistent/cmd: "
	    "No such file or directory\n");
	run_free(&r);
	assert_false(sock_exists("mc"));

	assert_int_equal(run_sess(&r, "-n", "mc", "no-such-command-here",
	    NULL), 1);
	assert_string_equal(r.err.data, "sess: cannot run no-such-command-here"
	    ": No such file or directory\n");
	run_free(&r);
	assert_false(sock_exists("mc"));

	assert_int_equal(run_sess(&r, "-n", "mc", "/etc/passwd", NULL), 1);
	assert_string_equal(r.err.data, "sess: cannot run /etc/passwd: "
	    "Permission denied\n");
	run_free(&r);
	assert_false(sock_exists("mc"));

	assert_int_equal(run_sess(&r, "-N", "mc", "/nonexistent/cmd", NULL),
	    1);
	assert_string_equal(r.err.data, "sess: cannot run /nonexistent/cmd: "
	    "No such file or directory\n");
	run_free(&r);
	assert_false(sock_exists("mc"));

	t = term_sess(24, 80, "-c", "mc", "/nonexistent/cmd", NULL);
	expect_exit(t, 1);
	expect_screen(t, "sess: cannot run /nonexistent/cmd: No such file or "
	    "directory");
	assert_int_equal(term_termios(t, &tio), 0);
	assert_true(termios_same(&tio, &t->initial));
	term_free(t);
	assert_false(sock_exists("mc"));

	t = term_sess(24, 80, "-A", "mc", "/nonexistent/cmd", NULL);
	expect_exit(t, 1);
	term_free(t);
	assert_false(sock_exists("mc"));
}

/* -c, -A and -a need a terminal on stdin. */
static void
test_not_a_terminal(void **state)
{
	struct row	 row;
	struct run	 r;

	(void)state;
	assert_int_equal(run_sess(&r, "-c", "nt", "sleep", "1000", NULL), 1);
	assert_one_error(&r, NULL);
	run_free(&r);
	assert_false(sock_exists("nt"));
	assert_int_equal(run_sess(&r, "-A", "nt", "sleep", "1000", NULL), 1);
	assert_one_error(&r, NULL);
	run_free(&r);
	assert_false(sock_exists("nt"));

	session_new("nt", "sleep", "1000", NULL);
	assert_int_equal(run_sess(&r, "-a", "nt", NULL), 1);
	assert_one_error(&r, NULL);
	run_free(&r);
	assert_int_equal(run_sess(&r, "-A", "nt", NULL), 1);
	assert_one_error(&r, NULL);
	run_free(&r);
	assert_true(list_get("nt", &row));
	assert_string_equal(row.state, "detached");
	assert_string_equal(row.clients, "0");
	session_kill("nt");
}

/* Attaching to the session one is inside would lock the terminal. */
static void
test_nested(void **state)
{
	struct term	*t;
	char		 cmd[PATH_MAX + 64];

	(void)state;
	t = term_sess(24, 80, "-c", "outer", "sh", NULL);
	expect_shell(t, 6, 7);
	snprintf(cmd, sizeof cmd, "'%s' -a outer; echo \"rc=$?\"\r",
	    sess_bin());
	term_type(t, cmd);
	expect_output(t, "rc=1");
	snprintf(cmd, sizeof cmd, "'%s' -A outer; echo \"rc=$?\"\r",
	    sess_bin());
	term_type(t, cmd);
	expect_output(t, "rc=1");
	/* Another session from inside is fine. */
	snprintf(cmd, sizeof cmd, "'%s' -n inner sleep 1000; echo \"rc=$?\"\r",
	    sess_bin());
	term_type(t, cmd);
	expect_output(t, "rc=0");
	expect_shell(t, 7, 8);
	expect_detach(t, "\034", "outer");
	term_free(t);
	session_kill("inner");
	session_kill("outer");
}

/* Options before or after NAME; -- ends them. */
static void
test_option_order(void **state)
{
	const char	*f = scratch_path("args");
	char		 script[PATH_MAX + 64];
	struct row	 row;
	struct run	 r;
	char		*got;

	(void)state;
	session_new("o1", "sleep", "1000", NULL);
	assert_true(list_get("o1", &row));
	assert_string_equal(row.command, "sleep 1000");
	session_kill("o1");

	assert_int_equal(run_sess(&r, "o2", "-n", "sleep", "1000",
	    NULL), 0);
	run_free(&r);
	assert_true(sock_exists("o2"));
	assert_int_equal(run_sess(&r, "o2", "-k", NULL), 0);
	run_free(&r);
	assert_true(wait_sock_gone("o2", TEST_TIMEOUT));

	snprintf(script, sizeof script,
	    "echo \"$#:$1:$2\" > '%s'; exec sleep 1000", f);
	assert_int_equal(run_sess(&r, "-n", "o3", "-q", "--", "sh",
	    "-c", script, "sh", "-k", "-q", NULL), 0);
	run_free(&r);
	assert_true(wait_file_has(f, "\n", TEST_TIMEOUT));
	got = slurp(f);
	assert_string_equal(got, "2:-k:-q\n");
	free(got);
	session_kill("o3");

	/* A name that starts with a dash, after --. */
	assert_int_equal(run_sess(&r, "-n", "--", "-dash", "sleep",
	    "1000", NULL), 0);
	run_free(&r);
	assert_true(sock_exists("-dash"));
	assert_int_equal(run_sess(&r, "-k", "--", "-dash", NULL), 0);
	run_free(&r);
	assert_true(wait_sock_gone("-dash", TEST_TIMEOUT));
}

/* The directory is made 0700 when missing, sockets are 0600. */
static void
test_sockdir_created(void **state)
{
	struct stat	 st;

	(void)state;
	assert_int_equal(access(e2e_dir(), F_OK), -1);
	session_new("mode", "sleep", "1000", NULL);
	assert_int_equal(lstat(e2e_dir(), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(lstat(sock_path("mode"), &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	session_kill("mode");
}

/* Every command refuses an unsafe directory, naming it, and never
 * changes or follows it. */
static void
refuse_dir(const char *dir, const char *named)
{
	static const char *const cmds[][4] = {
		{ "-l", NULL },
		{ NULL },
		{ "-l", "-1", NULL },
		{ "-n", "x", "sleep", "1000" },
		{ "-N", "x", "true", NULL },
		{ "-k", "x", NULL },
	};
	static const char *const attach[] = { "-c", "-A", "-a" };
	const char	*argv[8];
	struct run	 r;
	struct term	*t;
	size_t		 i, k;

	setenv("SESS_DIR", dir, 1);
	for (i = 0; i < nitems(cmds); i++) {
		argv[0] = sess_bin();
		for (k = 0; k < 4 && cmds[i][k] != NULL; k++)
			argv[k + 1] = cmds[i][k];
		argv[k + 1] = NULL;
		if (run_argv(&r, argv, TEST_TIMEOUT) != 1 ||
		    count_lines(&r.err) != 1 ||
		    strstr(r.err.data, named) == NULL) {
			print_message("sess %s with SESS_DIR %s: exit %d, "
			    "stderr %s\n", cmds[i][0] ? cmds[i][0] : "", dir,
			    r.code, r.err.data);
			fail();
		}
		run_free(&r);
	}
	for (i = 0; i < nitems(attach); i++) {
		t = term_sess(24, 80, attach[i], "x", NULL);
		expect_exit(t, 1);
		expect_output(t, named);
		term_free(t);
	}
	setenv("SESS_DIR", e2e_dir(), 1);
}

static int
dir_empty(const char *path)
{
	char	 cmd[PATH_MAX + 32];
	struct run r;
	const char *const argv[] = { "sh", "-c", cmd, NULL };
	int	 empty;

	snprintf(cmd, sizeof cmd, "ls -A '%s'", path);
	run_argv(&r, argv, TEST_TIMEOUT);
	empty = r.code == 0 && r.out.len == 0;
	run_free(&r);
	return empty;
}

static void
test_sockdir_unsafe(void **state)
{
	char		 good[PATH_MAX], link[PATH_MAX], open_dir[PATH_MAX];
	char		 file[PATH_MAX], other[PATH_MAX], sticky[PATH_MAX];
	struct stat	 st;
	int		 fd;

	(void)state;
	snprintf(good, sizeof good, "%s", scratch_path("good"));
	assert_int_equal(mkdir(good, 0700), 0);

	/* A symbolic link, even to a good directory. */
	snprintf(link, sizeof link, "%s", scratch_path("link"));
	assert_int_equal(symlink(good, link), 0);
	refuse_dir(link, link);
	assert_true(dir_empty(good));
	/* With a trailing slash too. */
	{
		char	 slash[PATH_MAX + 2];

		snprintf(slash, sizeof slash, "%s/", link);
		refuse_dir(slash, link);
	}

	/* Group or other access: refused, and not chmod'ed. */
	snprintf(open_dir, sizeof open_dir, "%s", scratch_path("open"));
	assert_int_equal(mkdir(open_dir, 0700), 0);
	assert_int_equal(chmod(open_dir, 0750), 0);
	refuse_dir(open_dir, open_dir);
	assert_int_equal(lstat(open_dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	assert_true(dir_empty(open_dir));
	assert_int_equal(chmod(open_dir, 0701), 0);
	refuse_dir(open_dir, open_dir);
	assert_int_equal(lstat(open_dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0701);

	snprintf(sticky, sizeof sticky, "%s", scratch_path("sticky"));
	assert_int_equal(mkdir(sticky, 0700), 0);
	assert_int_equal(chmod(sticky, 01777), 0);
	refuse_dir(sticky, sticky);

	/* Not a directory. */
	snprintf(file, sizeof file, "%s", scratch_path("file"));
	assert_true((fd = open(file, O_WRONLY | O_CREAT, 0600)) != -1);
	close(fd);
	refuse_dir(file, file);
	assert_int_equal(lstat(file, &st), 0);
	assert_true(S_ISREG(st.st_mode));

	/* Another owner (only root can make one). */
	if (getuid() == 0) {
		snprintf(other, sizeof other, "%s", scratch_path("other"));
		assert_int_equal(mkdir(other, 0700), 0);
		assert_int_equal(chown(other, NOBODY, NOBODY), 0);
		refuse_dir(other, other);
		assert_int_equal(lstat(other, &st), 0);
		assert_int_equal(st.st_uid, NOBODY);
		assert_int_equal(st.st_mode & 07777, 0700);
		assert_true(dir_empty(other));
	}
}

/* Reads until the peer closes; 1 if it did within the timeout. */
static int
wait_closed(int fd, struct buf *got)
{
	struct pollfd	 p = { .fd = fd, .events = POLLIN };
	int64_t		 end = now_ms() + TEST_TIMEOUT;
	char		 chunk[4096];
	ssize_t		 n;

	while (now_ms() < end) {
		if (poll(&p, 1, 50) <= 0)
			continue;
		n = read(fd, chunk, sizeof chunk);
		if (n == 0 || (n == -1 && errno == ECONNRESET))
			return 1;
		if (n == -1 && errno != EINTR && errno != EAGAIN)
			return 1;
		if (n > 0 && got != NULL)
			buf_add(got, chunk, (size_t)n);
	}
	return 0;
}

/* Writes, ignoring a peer that already closed. */
static void
put(int fd, const void *data, size_t len)
{
	(void)!write(fd, data, len);
}

static void
put_header(int fd, uint32_t type, uint32_t len)
{
	unsigned char	 h[8];

	h[0] = (unsigned char)(type >> 24);
	h[1] = (unsigned char)(type >> 16);
	h[2] = (unsigned char)(type >> 8);
	h[3] = (unsigned char)type;
	h[4] = (unsigned char)(len >> 24);
	h[5] = (unsigned char)(len >> 16);
	h[6] = (unsigned char)(len >> 8);
	h[7] = (unsigned char)len;
	put(fd, h, sizeof h);
}

static void
put_hello(int fd)
{
	struct buf	 b = { 0 };

	proto_add_hello(&b);
	put(fd, b.data, b.len);
	buf_free(&b);
}

/* Garbage, oversized and malformed frames: the server drops the
 * connection and keeps serving everyone else. */
static void
test_garbage_on_socket(void **state)
{
	static const unsigned char bad_magic[] = {
		0, 0, 0, 1, 0, 0, 0, 8, 'N', 'O', 'P', 'E', 0, 0, 0, 1 };
	unsigned char	 junk[65536];
	uint32_t	 seed = 12345;
	struct term	*t, *u;
	pid_t		 server;
	size_t		 i;
	int		 fd;

	(void)state;
	t = term_sess(24, 80, "-c", "gb", "sh", NULL);
	expect_shell(t, 6, 7);
	server = server_pid("gb");
	assert_true(server > 0);

	for (i = 0; i < sizeof junk; i++) {
		seed = seed * 1103515245u + 12345u;
		junk[i] = (unsigned char)(seed >> 16);
	}
	/* Random bytes from the first byte. */
	assert_true((fd = unix_connect("gb")) != -1);
	put(fd, junk, sizeof junk);
	assert_true(wait_closed(fd, NULL));
	close(fd);

	/* A hello, then random bytes. */
	assert_true((fd = unix_connect("gb")) != -1);
	put_hello(fd);
	put(fd, junk, sizeof junk);
	assert_true(wait_closed(fd, NULL));
	close(fd);

	/* An oversized first frame. */
	assert_true((fd = unix_connect("gb")) != -1);
	put_header(fd, MSG_HELLO, 0xffffffffu);
	put(fd, junk, 1024);
	assert_true(wait_closed(fd, NULL));
	close(fd);

	/* An oversized frame after the hello, of every type. */
	for (i = MSG_HELLO; i <= MSG_TYPE_MAX; i++) {
		assert_true((fd = unix_connect("gb")) != -1);
		put_hello(fd);
		put_header(fd, (uint32_t)i, PROTO_MAX_PAYLOAD + 1);
		put(fd, junk, sizeof junk);
		assert_true(wait_closed(fd, NULL));
		close(fd);
	}

	/* An unknown type, a bad magic, a truncated header. */
	assert_true((fd = unix_connect("gb")) != -1);
	put_hello(fd);
	put_header(fd, 999, 0);
	assert_true(wait_closed(fd, NULL));
	close(fd);
	assert_true((fd = unix_connect("gb")) != -1);
	put(fd, bad_magic, sizeof bad_magic);
	assert_true(wait_closed(fd, NULL));
	close(fd);
	for (i = 0; i < 20; i++) {
		assert_true((fd = unix_connect("gb")) != -1);
		put(fd, junk, i % 7);
		close(fd);
	}

	/* Still there, still serving the attached client and new ones. */
	assert_int_equal(kill(server, 0), 0);
	assert_int_equal(server_pid("gb"), server);
	expect_shell(t, 7, 8);
	u = term_sess(24, 80, "-a", "gb", NULL);
	expect_shell(u, 8, 9);
	expect_detach(u, "\034", "gb");
	expect_detach(t, "\034", "gb");
	term_free(t);
	term_free(u);
	session_kill("gb");
}

/* A server speaking another protocol version is named as such. */
static void
test_other_version(void **state)
{
	struct sockaddr_un	 sun;
	struct run		 kill_run, new_run;
	struct term		*t;
	int			 code, attached;
	unsigned char		 hello[16] = {
		0, 0, 0, 1, 0, 0, 0, 8, 'S', 'E', 'S', 'S', 0, 0, 0, 99 };
	pid_t			 pid;
	int			 lfd, cfd;

	(void)state;
	assert_int_equal(mkdir(e2e_dir(), 0700), 0);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", sock_path("future"));
	assert_true((lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) !=
	    -1);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sun, sizeof sun), 0);
	assert_int_equal(listen(lfd, 8), 0);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		/* Answers every connection with its own hello. */
		for (;;) {
			if ((cfd = accept(lfd, NULL, NULL)) == -1)
				_exit(0);
			put(cfd, hello, sizeof hello);
			wait_closed(cfd, NULL);
			close(cfd);
		}
	}
	close(lfd);
	child_track(pid);

	run_sess(&kill_run, "-k", "future", NULL);
	run_sess(&new_run, "-n", "future", "true", NULL);
	t = term_sess(24, 80, "-a", "future", NULL);
	code = term_wait_exit(t, TEST_TIMEOUT);
	attached = term_seen(t, "99");
	term_free(t);
	kill(pid, SIGKILL);
	child_wait(pid, TEST_TIMEOUT);
	child_forget(pid);
	unlink(sock_path("future"));

	assert_int_equal(kill_run.code, 1);
	assert_one_error(&kill_run, "99");
	assert_int_equal(new_run.code, 1);
	assert_one_error(&new_run, "future");
	assert_int_equal(code, 1);
	assert_true(attached);
	run_free(&kill_run);
	run_free(&new_run);
}

/* What a peer of another uid gets. Exit codes: 0 refused, 1 served, 2
 * could not connect, 3 neither served nor dropped. */
static int
foreign_peer(const char *name, uint32_t request)
{
	struct buf	 in = { 0 }, out = { 0 };
	struct proto_msg m;
	size_t		 used;
	int		 fd, closed;

	if (setgroups(0, NULL) == -1 || setgid(NOBODY) == -1 ||
	    setuid(NOBODY) == -1)
		return 2;
	if ((fd = unix_connect(name)) == -1)
		return 2;
	proto_add_hello(&out);
	proto_add(&out, request, NULL, 0);
	put(fd, out.data, out.len);
	closed = wait_closed(fd, &in);
	close(fd);
	while (proto_frame(in.data, in.len, &m, &used) == 1) {
		if (m.type == MSG_INFO || m.type == MSG_OK)
			return 1;
		buf_consume(&in, used);
	}
	return closed ? 0 : 3;
}

static void
test_other_uid(void **state)
{
	char		 parent[PATH_MAX], *slash;
	struct row	 row;
	pid_t		 pid;
	int		 code;
	uint32_t	 requests[] = { MSG_INFO_REQ, MSG_KILL };
	size_t		 i;

	(void)state;
	if (getuid() != 0)
		skip();
	session_new("peer", "sleep", "1000", NULL);
	/* Let nobody reach the socket at all, so that only the server's
	 * own check stands in the way. */
	snprintf(parent, sizeof parent, "%s", e2e_dir());
	slash = strrchr(parent, '/');
	*slash = '\0';
	assert_int_equal(chmod(parent, 0711), 0);
	assert_int_equal(chmod(e2e_dir(), 0711), 0);
	assert_int_equal(chmod(sock_path("peer"), 0666), 0);
	for (i = 0; i < nitems(requests); i++) {
		fflush(stdout);
		if ((pid = fork()) == 0)
			_exit(foreign_peer("peer", requests[i]));
		child_track(pid);
		code = child_wait(pid, 2 * TEST_TIMEOUT);
		child_forget(pid);
		if (code != 0)
			print_message("peer of uid %d: %s\n", NOBODY,
			    code == 1 ? "served" : code == 2 ?
			    "could not connect" : "neither served nor dropped");
		assert_int_equal(code, 0);
	}
	assert_int_equal(chmod(sock_path("peer"), 0600), 0);
	assert_int_equal(chmod(e2e_dir(), 0700), 0);
	assert_int_equal(chmod(parent, 0700), 0);
	assert_true(list_get("peer", &row));
	assert_string_equal(row.state, "detached");
	session_kill("peer");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		e2e_test(test_usage_errors),
		e2e_test(test_help_version),
		e2e_test(test_bad_names),
		e2e_test(test_name_taken),
		e2e_test(test_force),
		e2e_test(test_missing_command),
		e2e_test(test_not_a_terminal),
		e2e_test(test_nested),
		e2e_test(test_option_order),
		e2e_test(test_sockdir_created),
		e2e_test(test_sockdir_unsafe),
		e2e_test(test_garbage_on_socket),
		e2e_test(test_other_version),
		e2e_test(test_other_uid),
	};

	return cmocka_run_group_tests_name("e2e refusals", tests, NULL, NULL);
}
