/* sess migrate through a real ssh to a real sshd on loopback: the "far"
 * host is this machine, with a socket directory and a state directory of
 * its own, reached through an sshd this test starts with its own host
 * key, an authorized key of its own and a client configuration handed to
 * ssh through $SESS_SSH. A shell moves with its PID and its variables; a
 * host that cannot be reached, or one that refuses, leaves the session
 * running here and nothing behind on either side. The criu is
 * e2e_criu's. */
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <dirent.h>
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

#define SSHD		"/usr/sbin/sshd"
/* sshd will not start without its privilege separation directory; the
 * package's service makes it at boot, which a container may not do. */
#define SSHD_PRIVSEP	"/run/sshd"
/* One migrate is one ssh login, a checkpoint and a restore; a login has
 * taken 10-16 s on this machine kind (root's ~/.bashrc, slow at times),
 * and CI machines are loaded. */
#define MIGRATE_TIMEOUT	(8 * TEST_TIMEOUT)

static char	 criu_path[PATH_MAX];
static char	 bin_dir[PATH_MAX];
static char	 near_state[PATH_MAX];
static char	 far_sock[PATH_MAX];
static char	 far_state[PATH_MAX];
static char	 ssh_config[PATH_MAX];
static pid_t	 sshd_pid = -1;
static int	 made_privsep;

/* sess and the helpers below speak to this side's sessions (0) or to the
 * far side's (1), as the far side's sshd sets its environment. */
static void
side(int far)
{
	setenv("SESS_DIR", far ? far_sock : e2e_dir(), 1);
	setenv("SESS_STATE_DIR", far ? far_state : near_state, 1);
}

/* A loopback port nothing listens on at the moment. */
static int
free_port(void)
{
	struct sockaddr_in	 sa = { .sin_family = AF_INET };
	socklen_t		 len = sizeof sa;
	int			 s, port = -1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (bind(s, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    getsockname(s, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(s);
	return port;
}

static int
write_file(const char *path, const char *fmt, ...)
{
	va_list	 ap;
	FILE	*f;
	int	 rc;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	va_start(ap, fmt);
	rc = vfprintf(f, fmt, ap);
	va_end(ap);
	return fclose(f) == 0 && rc >= 0 ? 0 : -1;
}

/* A new ed25519 key pair, path and path.pub, without a passphrase. */
static int
keygen(const char *path)
{
	const char	*argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N",
	    "", "-C", "sess-test", "-f", path, NULL };
	struct run	 r;
	int		 rc;

	if ((rc = run_argv(&r, argv, TEST_TIMEOUT)) != 0)
		print_message("ssh-keygen: exit %d: %s\n", rc, r.err.data);
	run_free(&r);
	return rc == 0 ? 0 : -1;
}

/* An environment variable as an sshd SetEnv argument, when it is set. */
static const char *
setenv_arg(const char *name)
{
	static char	 arg[2][2048];
	static int	 next;
	const char	*v = getenv(name);
	char		*p = arg[next++ % 2];

	if (v == NULL || strchr(v, '"') != NULL)
		return "";
	snprintf(p, sizeof arg[0], " \"%s=%s\"", name, v);
	return p;
}

static void
show_sshd_log(void)
{
	char	*log = slurp(scratch_path("sshd.log"));

	print_message("sshd's log:\n%s\n", log != NULL ? log : "(none)");
	free(log);
}

/* 1 once sshd listens, -1 once it has ended. */
static int
sshd_ready(void *log)
{
	char	*text;
	int	 code, found;

	if (child_done(sshd_pid, &code))
		return -1;
	text = slurp(log);
	found = text != NULL && strstr(text, "Server listening") != NULL;
	free(text);
	return found;
}

/* The far host: an sshd on a free loopback port whose sessions find the
 * sess and criu under test and keep their sockets and checkpoints in
 * far_sock and far_state. Host "far" reaches it; host "nowhere" is a
 * loopback port nothing listens on. */
static int
sshd_start(void)
{
	char		 config[PATH_MAX], key[PATH_MAX], log[PATH_MAX];
	int		 port, closed, fd;
	pid_t		 pid;

	snprintf(config, sizeof config, "%s", scratch_path("sshd_config"));
	snprintf(key, sizeof key, "%s", scratch_path("user_key"));
	snprintf(log, sizeof log, "%s", scratch_path("sshd.log"));
	if (keygen(scratch_path("host_key")) == -1 || keygen(key) == -1)
		return -1;
	if ((port = free_port()) == -1 || (closed = free_port()) == -1)
		return -1;
	/* bash reads ~/.bashrc for a command sshd runs only when it is the
	 * first shell (SHLVL unset): the machine's rc files, slow or
	 * changing PATH, stay out of the far side. */
	if (write_file(config,
	    "ListenAddress 127.0.0.1\n"
	    "HostKey %s\n"
	    "AuthorizedKeysFile %s.pub\n"
	    "PermitRootLogin yes\n"
	    "PasswordAuthentication no\n"
	    "KbdInteractiveAuthentication no\n"
	    "UsePAM no\n"
	    "StrictModes no\n"
	    "PidFile none\n"
	    "PrintMotd no\n"
	    "SetEnv \"SHLVL=1\" \"SESS_DIR=%s\" \"SESS_STATE_DIR=%s\" "
	    "\"SESS_CRIU=%s\" \"PATH=%s:/usr/bin:/bin\"%s%s\n",
	    scratch_path("host_key"), key, far_sock, far_state, criu_path,
	    bin_dir, setenv_arg("ASAN_OPTIONS"),
	    setenv_arg("UBSAN_OPTIONS")) == -1)
		return -1;
	if (write_file(ssh_config,
	    "Host far\n"
	    "\tPort %d\n"
	    "Host nowhere\n"
	    "\tPort %d\n"
	    "Host *\n"
	    "\tHostName 127.0.0.1\n"
	    "\tIdentityFile %s\n"
	    "\tIdentitiesOnly yes\n"
	    "\tStrictHostKeyChecking no\n"
	    "\tUserKnownHostsFile /dev/null\n"
	    "\tBatchMode yes\n"
	    "\tLogLevel ERROR\n", port, closed, key) == -1)
		return -1;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		char	 portstr[16];

		snprintf(portstr, sizeof portstr, "%d", port);
		if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(SSHD, SSHD, "-D", "-e", "-f", config, "-p", portstr,
		    (char *)NULL);
		dprintf(2, "cannot run %s: %s\n", SSHD, strerror(errno));
		_exit(127);
	}
	child_track(pid);
	sshd_pid = pid;
	if (poll_until(sshd_ready, log, TEST_TIMEOUT) != 1) {
		show_sshd_log();
		return -1;
	}
	return 0;
}

/* The sshd is ended by its PID, and reaped. */
static void
sshd_stop(void)
{
	if (sshd_pid <= 0)
		return;
	/* Once reaped, its PID may be another process's. */
	if (child_done(sshd_pid, NULL)) {
		sshd_pid = -1;
		return;
	}
	kill(sshd_pid, SIGTERM);
	if (child_wait(sshd_pid, TEST_TIMEOUT) == -1) {
		kill(sshd_pid, SIGKILL);
		child_wait(sshd_pid, TEST_TIMEOUT);
	}
	sshd_pid = -1;
}

static int
setup(void **state)
{
	char	 ssh[PATH_MAX + 16];
	int	 rc = e2e_setup(state);

	if (rc != 0)
		return rc;
	snprintf(near_state, sizeof near_state, "%s", scratch_path("state"));
	snprintf(far_sock, sizeof far_sock, "%s", scratch_path("far-sock"));
	snprintf(far_state, sizeof far_state, "%s",
	    scratch_path("far-state"));
	snprintf(ssh_config, sizeof ssh_config, "%s",
	    scratch_path("ssh_config"));
	side(0);
	setenv("SESS_CRIU", criu_path, 1);
	if (sshd_start() == -1) {
		print_message("cannot start %s\n", SSHD);
		/* cmocka runs no teardown for a setup that failed. */
		sshd_stop();
		e2e_teardown(state);
		return -1;
	}
	/* ssh finds ~/.ssh/config through the passwd entry, not $HOME:
	 * only -F keeps the user's own configuration out. */
	snprintf(ssh, sizeof ssh, "ssh -F %s", ssh_config);
	setenv("SESS_SSH", ssh, 1);
	return 0;
}

static int
teardown(void **state)
{
	int	 bad;

	side(0);
	sshd_stop();
	side(1);
	bad = sweep_sockets(far_sock);
	side(0);
	unsetenv("SESS_SSH");
	if (e2e_teardown(state) != 0)
		bad++;
	return bad == 0 ? 0 : -1;
}

#define migrate_test(f)	cmocka_unit_test_setup_teardown(f, setup, \
			    teardown)

/* Entries in a directory; a directory that is not there has none. */
static int
entries(const char *path)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	}
	closedir(d);
	return n;
}

static int
cond_empty(void *path)
{
	return entries(path) == 0;
}

/* Whether no checkpoint is left in the state directory path. One that a
 * server let go is renamed away at once and removed by a child of its
 * own, which may still be at it: waited for. */
static int
state_empty(const char *path)
{
	return poll_until(cond_empty, (void *)(uintptr_t)path, TEST_TIMEOUT);
}

static int
is_sock(const char *dir, const char *name)
{
	char		 path[2 * PATH_MAX];
	struct stat	 st;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return lstat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* One line, ending in a newline. */
static void
assert_one_line(const char *s)
{
	const char	*nl = strchr(s, '\n');

	if (nl == NULL || nl[1] != '\0')
		fail_msg("not one line: \"%s\"", s);
}

/* sess migrate NAME HOST, which must exit with code. */
static void
migrate(struct run *r, const char *name, const char *host, int code)
{
	const char	*argv[] = { sess_bin(), "migrate", name, host, NULL };

	run_argv(r, argv, MIGRATE_TIMEOUT);
	if (r->code != code) {
		show_sshd_log();
		fail_msg("sess migrate %s %s: exit %d, not %d; stdout: %s; "
		    "stderr: %s", name, host, r->code, code, r->out.data,
		    r->err.data);
	}
}

/* A shell, with a variable set, detached. */
static pid_t
shell_session(const char *name)
{
	struct run	 r;
	pid_t		 pid;

	session_new(name, "bash", "--norc", "--noprofile", "-i", NULL);
	assert_int_equal(run_sess(&r, "send", name,
	    "v=kept; echo rea''dy\r", NULL), 0);
	run_free(&r);
	expect_dump(name, NULL, "ready");
	assert_true((pid = program_pid(name)) > 0);
	return pid;
}

/* The shell's variable is still set. */
static void
expect_variable(const char *name)
{
	struct run	 r;

	assert_int_equal(run_sess(&r, "send", name, "echo v''is$v\r", NULL),
	    0);
	run_free(&r);
	expect_dump(name, NULL, "viskept");
}

/* The shell moves: the line that says how to attach there, nothing left
 * here, and on the far side the same process with its variable. */
static void
test_moved(void **state)
{
	struct run	 r;
	pid_t		 pid;

	(void)state;
	pid = shell_session("mv");
	migrate(&r, "mv", "far", 0);
	assert_string_equal(r.out.data,
	    "mv moved to far: ssh -t far sess -a mv\n");
	assert_string_equal(r.err.data, "");
	run_free(&r);

	assert_false(sock_exists("mv"));
	assert_false(list_get("mv", NULL));
	assert_true(state_empty(near_state));

	side(1);
	assert_true(is_sock(far_sock, "mv"));
	assert_int_equal(program_pid("mv"), pid);
	assert_true(wait_state("mv", "detached", TEST_TIMEOUT));
	expect_variable("mv");
	assert_true(state_empty(far_state));
	assert_int_equal(run_sess(&r, "-k", "mv", NULL), 0);
	run_free(&r);
	side(0);
	assert_true(wait_pid_gone(pid, TEST_TIMEOUT));
}

/* A migrate that must fail: nothing on stdout, one line naming the host
 * and why; the shell runs here again, the same process with its
 * variable, and no checkpoint is left here. */
static void
migrate_fails(const char *name, const char *host, const char *why)
{
	struct run	 r;
	pid_t		 pid;

	pid = shell_session(name);
	migrate(&r, name, host, 1);
	assert_string_equal(r.out.data, "");
	assert_one_line(r.err.data);
	assert_non_null(strstr(r.err.data, host));
	assert_non_null(strstr(r.err.data, why));
	run_free(&r);

	assert_true(sock_exists(name));
	assert_int_equal(program_pid(name), pid);
	assert_true(wait_state(name, "detached", TEST_TIMEOUT));
	assert_true(state_empty(near_state));
	expect_variable(name);
	session_kill(name);
	assert_true(wait_pid_gone(pid, TEST_TIMEOUT));
}

/* A host ssh cannot reach. */
static void
test_unreachable(void **state)
{
	(void)state;
	migrate_fails("nr", "nowhere", "refused");
}

/* The far side has a live session of that name: it refuses, and keeps
 * only what it had. */
static void
test_refused(void **state)
{
	struct run	 r;
	pid_t		 other;

	(void)state;
	side(1);
	assert_int_equal(run_sess(&r, "-n", "dup", "sleep", "1000", NULL), 0);
	run_free(&r);
	assert_true((other = program_pid("dup")) > 0);
	side(0);

	migrate_fails("dup", "far", "runs there already");

	side(1);
	assert_int_equal(program_pid("dup"), other);
	assert_true(state_empty(far_state));
	assert_int_equal(run_sess(&r, "-k", "dup", NULL), 0);
	run_free(&r);
	side(0);
	assert_true(wait_pid_gone(other, TEST_TIMEOUT));
}

int
main(int argc, char *argv[])
{
	const struct CMUnitTest tests[] = {
		migrate_test(test_moved),
		migrate_test(test_unreachable),
		migrate_test(test_refused),
	};
	char	*slash;
	int	 rc;

	(void)argc;
	(void)argv;
	if (e2e_criu() == NULL)
		return 1;
	snprintf(criu_path, sizeof criu_path, "%s", e2e_criu());
	if (access(SSHD, X_OK) == -1) {
		fprintf(stderr, "no %s to test: install openssh-server\n",
		    SSHD);
		return 1;
	}
	/* The far side finds the sess under test first on its PATH. */
	snprintf(bin_dir, sizeof bin_dir, "%s", sess_bin());
	if ((slash = strrchr(bin_dir, '/')) != NULL)
		*slash = '\0';
	if (mkdir(SSHD_PRIVSEP, 0755) == 0)
		made_privsep = 1;
	else if (errno != EEXIST) {
		fprintf(stderr, "cannot make %s: %s\n", SSHD_PRIVSEP,
		    strerror(errno));
		return 1;
	}
	rc = cmocka_run_group_tests_name("e2e migrate", tests, NULL, NULL);
	if (made_privsep)
		rmdir(SSHD_PRIVSEP);
	return rc;
}
