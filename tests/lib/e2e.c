/* The end-to-end fixture and what tests ask about sessions. */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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

#include "e2e.h"

#define MAX_PROCS	4096

static char	 base[256];
static char	 sockdir[512];
static char	 scratch[512];
static char	 reports[512];

const char *
e2e_dir(void)
{
	return sockdir;
}

const char *
e2e_scratch(void)
{
	return scratch;
}

const char *
e2e_reports(void)
{
	return reports;
}

/* Rotating buffers, so a test can hold a few paths at once. */
static char *
next_slot(void)
{
	static char	 slots[8][PATH_MAX];
	static size_t	 next;

	return slots[next++ % 8];
}

const char *
scratch_path(const char *file)
{
	char	*p = next_slot();

	snprintf(p, PATH_MAX, "%s/%s", scratch, file);
	return p;
}

const char *
sock_path(const char *name)
{
	char	*p = next_slot();

	snprintf(p, PATH_MAX, "%s/%s", sockdir, name);
	return p;
}

/* A sanitizer's report goes to a file of the report directory instead
 * of stderr, which is /dev/null for a daemonised server: so nothing the
 * sanitizers find in the server goes unseen. The user's own options are
 * kept. */
static void
sanitizer_env(const char *var, const char *user, const char *what)
{
	char	 v[2048];

	snprintf(v, sizeof v, "%s%slog_path=%s/%s", user != NULL ? user : "",
	    user != NULL && *user != '\0' ? ":" : "", reports, what);
	setenv(var, v, 1);
}

int
e2e_setup(void **state)
{
	static char	*asan, *ubsan;

	static int	 once;
	int		 fd;

	(void)state;
	if (!once) {
		/* Descriptors 0-2 must be taken, or a pty or pipe opened
		 * here would land on one and be clobbered in the child. */
		while ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) != -1 &&
		    fd <= 2)
			fcntl(fd, F_SETFD, 0);
		if (fd > 2)
			close(fd);
		/* Daemonised servers are re-parented here instead of to
		 * init, so a test can account for every one of them. */
		if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
			return -1;
		signal(SIGPIPE, SIG_IGN);
		if (getenv("ASAN_OPTIONS") != NULL)
			asan = strdup(getenv("ASAN_OPTIONS"));
		if (getenv("UBSAN_OPTIONS") != NULL)
			ubsan = strdup(getenv("UBSAN_OPTIONS"));
		once = 1;
	}
	/* Without the binary every test would only time out. */
	if (access(sess_bin(), X_OK) == -1) {
		print_message("cannot run %s: %s\n", sess_bin(),
		    strerror(errno));
		return -1;
	}
	snprintf(base, sizeof base, "/tmp/sess-test-XXXXXX");
	if (mkdtemp(base) == NULL)
		return -1;
	snprintf(sockdir, sizeof sockdir, "%s/sock", base);
	snprintf(scratch, sizeof scratch, "%s/files", base);
	if (mkdir(scratch, 0700) == -1)
		return -1;
	snprintf(reports, sizeof reports, "%s/reports", base);
	if (mkdir(reports, 0700) == -1)
		return -1;
	reports_dir_set(reports);
	sanitizer_env("ASAN_OPTIONS", asan, "asan");
	sanitizer_env("UBSAN_OPTIONS", ubsan != NULL ? ubsan :
	    "print_stacktrace=1", "ubsan");
	/* The user's own sessions, and the session this may run in, stay
	 * out of it. */
	setenv("SESS_DIR", sockdir, 1);
	unsetenv("SESS");
	unsetenv("SESS_DETACH_KEYS");
	setenv("TERM", "xterm-256color", 1);
	setenv("SHELL", "/bin/sh", 1);
	setenv("LC_ALL", "C", 1);
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int
sweep_sockets(const char *dir)
{
	struct dirent	*de;
	struct stat	 st;
	struct run	 r;
	DIR		*d;
	int		 left = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    -1 || !S_ISSOCK(st.st_mode))
			continue;
		print_message("left behind: socket %s\n", de->d_name);
		left++;
		run_sess(&r, "-k", de->d_name, NULL);
		run_free(&r);
	}
	closedir(d);
	return left;
}

/* valgrind's count of errors in a log, -1 if it has none (the process
 * was killed, as some tests do on purpose). */
static int
valgrind_errors(const char *text)
{
	const char	*p, *last = NULL;

	for (p = text; (p = strstr(p, "ERROR SUMMARY: ")) != NULL; p++)
		last = p;
	if (last == NULL)
		return -1;
	return atoi(last + strlen("ERROR SUMMARY: "));
}

/* Every report the processes under test left: a sanitizer's, or a
 * valgrind log with errors, is printed and fails the test. */
static int
check_reports(void)
{
	struct dirent	*de;
	char		 path[PATH_MAX], *text;
	DIR		*d;
	int		 bad = 0;

	if ((d = opendir(reports)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", reports, de->d_name);
		if ((text = slurp(path)) == NULL)
			continue;
		if (strncmp(de->d_name, "vg.", 3) != 0 ||
		    valgrind_errors(text) > 0) {
			print_message("report %s:\n%s\n", de->d_name, text);
			bad++;
		}
		free(text);
	}
	closedir(d);
	return bad;
}

static int
no_descendants(void *arg)
{
	pid_t	 pids[1];

	(void)arg;
	child_reap();
	return descendants(pids, 1) == 0;
}

int
e2e_teardown(void **state)
{
	pid_t	 pids[64];
	int	 n, i, bad = 0;
	char	 comm[64];
	char	 path[64];
	FILE	*f;

	(void)state;
	term_free_all();
	/* A directory a test made unsafe must not stop the sweep. */
	chmod(sockdir, 0700);
	bad += sweep_sockets(sockdir);
	if (!poll_until(no_descendants, NULL, TEST_TIMEOUT)) {
		n = descendants(pids, 64);
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof path, "/proc/%d/comm",
			    (int)pids[i]);
			comm[0] = '\0';
			if ((f = fopen(path, "r")) != NULL) {
				if (fgets(comm, sizeof comm, f) == NULL)
					comm[0] = '\0';
				fclose(f);
			}
			comm[strcspn(comm, "\n")] = '\0';
			print_message("left behind: process %d (%s)\n",
			    (int)pids[i], comm);
			kill(pids[i], SIGCONT);
			kill(pids[i], SIGKILL);
		}
		bad += n;
		poll_until(no_descendants, NULL, TEST_TIMEOUT);
	}
	bad += check_reports();
	nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	unsetenv("SESS_DETACH_KEYS");
	return bad == 0 ? 0 : -1;
}

int
sock_exists(const char *name)
{
	struct stat	 st;

	return lstat(sock_path(name), &st) == 0 && S_ISSOCK(st.st_mode);
}

static int
cond_sock(void *arg)
{
	return sock_exists(arg);
}

static int
cond_no_sock(void *arg)
{
	return !sock_exists(arg);
}

int
wait_sock(const char *name, int timeout)
{
	return poll_until(cond_sock, (void *)(uintptr_t)name, timeout);
}

int
wait_sock_gone(const char *name, int timeout)
{
	return poll_until(cond_no_sock, (void *)(uintptr_t)name, timeout);
}

static int
cond_file(void *arg)
{
	return access(arg, F_OK) == 0;
}

int
wait_file(const char *path, int timeout)
{
	return poll_until(cond_file, (void *)(uintptr_t)path, timeout);
}

char *
slurp(const char *path)
{
	struct buf	 b = { 0 };
	char		 chunk[4096];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	buf_add(&b, "", 1);
	return b.data;
}

int
wait_file_has(const char *path, const char *s, int timeout)
{
	int64_t	 end = now_ms() + timeout;
	char	*text;
	int	 found;

	for (;;) {
		text = slurp(path);
		found = text != NULL && strstr(text, s) != NULL;
		free(text);
		if (found)
			return 1;
		if (now_ms() >= end)
			return 0;
		nap(5);
	}
}

static void
field(char *dst, size_t size, const char *line, size_t len, size_t from,
    size_t to)
{
	size_t	 n;

	dst[0] = '\0';
	if (from >= len)
		return;
	if (to > len)
		to = len;
	n = to - from;
	if (n >= size)
		n = size - 1;
	memcpy(dst, line + from, n);
	dst[n] = '\0';
	while (n > 0 && dst[n - 1] == ' ')
		dst[--n] = '\0';
}

int
list_parse(const char *text, struct row *rows, int max)
{
	static const char *const cols[] = { "NAME", "STATE", "PID", "CLIENTS",
	    "SIZE", "AGE", "COMMAND" };
	size_t		 at[7], len, i;
	const char	*line, *end, *p;
	struct row	*r;
	int		 n = 0;

	if (*text == '\0')
		return 0;
	end = strchr(text, '\n');
	if (end == NULL)
		return -1;
	/* The header: each title starts a column, in this order. */
	p = text;
	for (i = 0; i < 7; i++) {
		p = strstr(p, cols[i]);
		if (p == NULL || p > end)
			return -1;
		at[i] = (size_t)(p - text);
		p += strlen(cols[i]);
	}
	for (line = end + 1; *line != '\0' && n < max; line = end + 1) {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		len = (size_t)(end - line);
		/* Left-aligned: a value never runs into the next column. */
		for (i = 1; i < 7; i++)
			if (at[i] < len && line[at[i] - 1] != ' ')
				return -1;
		r = &rows[n++];
		field(r->name, sizeof r->name, line, len, at[0], at[1]);
		field(r->state, sizeof r->state, line, len, at[1], at[2]);
		field(r->pid, sizeof r->pid, line, len, at[2], at[3]);
		field(r->clients, sizeof r->clients, line, len, at[3], at[4]);
		field(r->size, sizeof r->size, line, len, at[4], at[5]);
		field(r->age, sizeof r->age, line, len, at[5], at[6]);
		field(r->command, sizeof r->command, line, len, at[6], len);
		if (*end == '\0')
			break;
	}
	return n;
}

int
list_get_once(const char *name, struct row *out)
{
	struct row	 rows[64];
	struct run	 r;
	int		 n, i, found = 0;

	if (run_sess(&r, "-l", NULL) != 0) {
		run_free(&r);
		return 0;
	}
	n = list_parse(r.out.data != NULL ? r.out.data : "", rows, 64);
	for (i = 0; i < n; i++) {
		if (strcmp(rows[i].name, name) == 0) {
			if (out != NULL)
				*out = rows[i];
			found = 1;
		}
	}
	run_free(&r);
	return found;
}

int
list_get(const char *name, struct row *out)
{
	int64_t		 end = now_ms() + TEST_TIMEOUT;
	struct row	 row;

	for (;;) {
		if (!list_get_once(name, &row))
			return 0;
		if (strcmp(row.state, "?") != 0 || now_ms() >= end) {
			if (out != NULL)
				*out = row;
			return 1;
		}
		nap(20);
	}
}

int
wait_clients(const char *name, int n)
{
	int64_t		 end = now_ms() + TEST_TIMEOUT;
	struct row	 row;

	for (;;) {
		if (list_get(name, &row) && atoi(row.clients) == n)
			return 1;
		if (now_ms() >= end)
			return 0;
		nap(20);
	}
}

int
wait_size(const char *name, const char *size)
{
	int64_t		 end = now_ms() + TEST_TIMEOUT;
	struct row	 row;

	for (;;) {
		if (list_get(name, &row) && strcmp(row.size, size) == 0)
			return 1;
		if (now_ms() >= end) {
			print_message("%s: size %s, expected %s\n", name,
			    row.size, size);
			return 0;
		}
		nap(20);
	}
}

int
wait_state(const char *name, const char *want, int timeout)
{
	int64_t		 end = now_ms() + timeout;
	struct row	 row;

	for (;;) {
		if (list_get(name, &row) && strcmp(row.state, want) == 0)
			return 1;
		if (now_ms() >= end)
			return 0;
		nap(20);
	}
}

/* The inode of the listening socket bound to NAME's path, or 0. */
static unsigned long
listen_inode(const char *name)
{
	const char	*path = sock_path(name);
	char		 line[PATH_MAX + 256];
	unsigned long	 inode, flags, found = 0;
	FILE		*f;
	int		 off;

	if ((f = fopen("/proc/net/unix", "r")) == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		off = 0;
		if (sscanf(line, "%*s %*s %*s %lx %*s %*s %lu %n", &flags,
		    &inode, &off) < 2 || off == 0)
			continue;
		/* __SO_ACCEPTCON: listening. */
		if ((flags & 0x10000) && strcmp(line + off, path) == 0)
			found = inode;
	}
	fclose(f);
	return found;
}

/* Processes holding socket inode; fills up to max pids, returns the
 * count. */
static int
inode_holders(unsigned long inode, pid_t *pids, int max)
{
	char		 want[64], path[PATH_MAX], link[128];
	struct dirent	*de, *fe;
	DIR		*proc, *fds;
	ssize_t		 n;
	int		 count = 0, hit;

	snprintf(want, sizeof want, "socket:[%lu]", inode);
	if ((proc = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(proc)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/fd", de->d_name);
		if ((fds = opendir(path)) == NULL)
			continue;
		hit = 0;
		while (!hit && (fe = readdir(fds)) != NULL) {
			snprintf(path, sizeof path, "/proc/%s/fd/%s",
			    de->d_name, fe->d_name);
			n = readlink(path, link, sizeof link - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			hit = strcmp(link, want) == 0;
		}
		closedir(fds);
		if (hit) {
			if (count < max)
				pids[count] = (pid_t)atoi(de->d_name);
			count++;
		}
	}
	closedir(proc);
	return count;
}

pid_t
server_pid(const char *name)
{
	unsigned long	 inode;
	pid_t		 pids[8];

	if ((inode = listen_inode(name)) == 0)
		return -1;
	if (inode_holders(inode, pids, 8) < 1)
		return -1;
	return pids[0];
}

int
socket_holders(const char *name)
{
	unsigned long	 inode;
	pid_t		 pids[8];

	if ((inode = listen_inode(name)) == 0)
		return 0;
	return inode_holders(inode, pids, 8);
}

pid_t
program_pid(const char *name)
{
	struct row	 row;
	char		*end;
	long		 v;

	if (!list_get(name, &row))
		return -1;
	v = strtol(row.pid, &end, 10);
	if (end == row.pid || *end != '\0' || v <= 0)
		return -1;
	return (pid_t)v;
}

/* pid's parent and state letter from /proc; -1 if it is gone. */
static pid_t
stat_parent(pid_t pid, char *state)
{
	struct proc_stat	 st;

	if (proc_stat(pid, &st) == -1)
		return -1;
	if (state != NULL)
		*state = st.state;
	return st.ppid;
}

long
cpu_ticks(pid_t pid)
{
	struct proc_stat	 st;

	if (proc_stat(pid, &st) == -1)
		return -1;
	return (long)(st.utime + st.stime);
}

pid_t
parent_pid(pid_t pid)
{
	return stat_parent(pid, NULL);
}

static int
cond_pid_gone(void *arg)
{
	pid_t	 pid = (pid_t)(intptr_t)arg;
	char	 st;

	child_reap();
	return stat_parent(pid, &st) == -1 || st == 'Z';
}

int
wait_pid_gone(pid_t pid, int timeout)
{
	return poll_until(cond_pid_gone, (void *)(intptr_t)pid, timeout);
}

int
descendants(pid_t *out, int max)
{
	static pid_t	 pid[MAX_PROCS], ppid[MAX_PROCS];
	static char	 state[MAX_PROCS];
	struct dirent	*de;
	DIR		*proc;
	pid_t		 me = getpid(), p;
	int		 n = 0, i, k, count = 0, steps;

	if ((proc = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(proc)) != NULL && n < MAX_PROCS) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		pid[n] = (pid_t)atoi(de->d_name);
		if ((ppid[n] = stat_parent(pid[n], &state[n])) == -1)
			continue;
		n++;
	}
	closedir(proc);
	for (i = 0; i < n; i++) {
		if (state[i] == 'Z' || pid[i] == me)
			continue;
		/* Walk up; stop at init or after too many steps. */
		p = ppid[i];
		for (steps = 0; p > 1 && p != me && steps < 64; steps++) {
			for (k = 0; k < n && pid[k] != p; k++)
				;
			p = k < n ? ppid[k] : 0;
		}
		if (p == me) {
			if (count < max)
				out[count] = pid[i];
			count++;
		}
	}
	return count;
}

void
session_new(const char *name, ...)
{
	const char	*argv[64];
	struct run	 r;
	va_list		 ap;
	int		 n = 0;

	argv[n++] = sess_bin();
	argv[n++] = "-n";
	argv[n++] = name;
	va_start(ap, name);
	while (n < 63 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	if (run_argv(&r, argv, TEST_TIMEOUT) != 0)
		print_message("sess -n %s: exit %d, stderr: %s\n", name,
		    r.code, r.err.data);
	assert_int_equal(r.code, 0);
	run_free(&r);
	assert_true(sock_exists(name));
}

void
session_kill(const char *name)
{
	struct run	 r;

	if (run_sess(&r, "-k", name, NULL) != 0)
		print_message("sess -k %s: exit %d, stderr: %s\n", name,
		    r.code, r.err.data);
	assert_int_equal(r.code, 0);
	run_free(&r);
	assert_true(wait_sock_gone(name, TEST_TIMEOUT));
}

int
unix_connect(const char *name)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", sock_path(name));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

void
show_term(struct term *t)
{
	size_t	 from, n;

	term_drain(t);
	n = t->out.len;
	from = n > 600 ? n - 600 : 0;
	print_message("terminal output (last %zu bytes): ", n - from);
	for (; from < n; from++) {
		unsigned char	c = (unsigned char)t->out.data[from];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			print_message("%c", c);
		else
			print_message("\\x%02x", c);
	}
	print_message("\n");
	if (t->screen != NULL)
		print_message("terminal screen:\n%s",
		    vscreen_text(t->screen));
}

void
expect_screen_at(struct term *t, const char *s, const char *file, int line)
{
	if (term_wait_screen(t, s, TEST_TIMEOUT))
		return;
	print_message("the screen does not show \"%s\"\n", s);
	show_term(t);
	_fail(file, line);
}

void
expect_output_at(struct term *t, const char *s, const char *file, int line)
{
	if (term_expect(t, s, TEST_TIMEOUT))
		return;
	print_message("no \"%s\" in the output\n", s);
	show_term(t);
	_fail(file, line);
}

void
expect_exit_at(struct term *t, int code, const char *file, int line)
{
	int	 got;

	got = term_wait_exit(t, TEST_TIMEOUT);
	if (got == code)
		return;
	if (got == -1)
		print_message("still running, expected exit %d\n", code);
	else
		print_message("exit %d, expected %d\n", got, code);
	show_term(t);
	_fail(file, line);
}

void
expect_detach_at(struct term *t, const char *keys, const char *name,
    const char *file, int line)
{
	struct termios	 tio;
	char		 status[128];

	term_type(t, keys);
	expect_exit_at(t, 0, file, line);
	snprintf(status, sizeof status, "[detached from %s]", name);
	expect_screen_at(t, status, file, line);
	if (term_termios(t, &tio) == -1 || !termios_same(&tio, &t->initial)) {
		print_message("the terminal's settings were not restored\n");
		_fail(file, line);
	}
}

void
expect_shell_at(struct term *t, int a, int b, const char *file, int line)
{
	char	 cmd[64], want[32];

	snprintf(cmd, sizeof cmd, "echo $((%d*%d))\r", a, b);
	snprintf(want, sizeof want, "%d", a * b);
	term_skip(t);
	term_type(t, cmd);
	expect_output_at(t, want, file, line);
}

int
dump_has(const char *name, const char *flag, const char *want)
{
	struct run	 r;
	int		 found;

	if (flag != NULL)
		run_sess(&r, "dump", flag, name, NULL);
	else
		run_sess(&r, "dump", name, NULL);
	found = r.code == 0 && strstr(r.out.data, want) != NULL;
	run_free(&r);
	return found;
}

struct dump_wait {
	const char	*name;
	const char	*flag;
	const char	*want;
};

static int
dump_ready(void *arg)
{
	struct dump_wait	*w = arg;

	return dump_has(w->name, w->flag, w->want);
}

void
expect_dump(const char *name, const char *flag, const char *want)
{
	struct dump_wait	 w = { name, flag, want };
	struct run		 r;

	if (poll_until(dump_ready, &w, TEST_TIMEOUT))
		return;
	run_sess(&r, "dump", name, NULL);
	print_message("sess dump %s never showed \"%s\"; it shows:\n%s\n",
	    name, want, r.out.data);
	run_free(&r);
	fail();
}

const char *
e2e_criu(void)
{
	static char	 path[PATH_MAX];
	const char	*env = getenv("SESS_CRIU"), *p, *end;
	char		 dir[PATH_MAX];

	if (path[0] != '\0')
		return path;
	if (env != NULL && *env != '\0' && realpath(env, path) != NULL)
		return path;
	if (realpath("build/criu/criu", path) != NULL)
		return path;
	for (p = getenv("PATH"); p != NULL && *p != '\0';
	    p = *end == ':' ? end + 1 : end) {
		end = strchrnul(p, ':');
		snprintf(dir, sizeof dir, "%.*s/criu", (int)(end - p), p);
		if (access(dir, X_OK) == 0 && realpath(dir, path) != NULL)
			return path;
	}
	path[0] = '\0';
	fprintf(stderr, "no criu to test: run make criu (or set SESS_CRIU)\n");
	return NULL;
}
