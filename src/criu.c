/* CRIU: found, checked, run. sess writes no checkpointing of its own;
 * this file is the whole of what it asks of criu and how it reads the
 * answer. */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "criu.h"
#include "log.h"
#include "proc.h"
#include "util.h"

#define CAP_SYS_PTRACE_BIT		19
#define CAP_CHECKPOINT_RESTORE_BIT	40

static void
criu_fail(struct criu_error *e, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
criu_fail(struct criu_error *e, int err, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->err = err;
	log_debug("criu: %s", e->msg);
	errno = err;
}

/* Whether path is an executable file, not a directory. */
static int
criu_executable(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

/* The private copy: installed under libexec, or built in the tree that
 * the running sess comes from (make criu). */
static int
criu_private(char *buf, size_t size)
{
	char	 self[PATH_MAX], *slash;
	ssize_t	 n;

	if ((size_t)snprintf(buf, size, "%s", CRIU_PRIVATE) < size &&
	    criu_executable(buf))
		return 0;
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) <= 0)
		return -1;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return -1;
	*slash = '\0';
	if ((size_t)snprintf(buf, size, "%s/%s", self, CRIU_TREE) >= size)
		return -1;
	return criu_executable(buf) ? 0 : -1;
}

static int
criu_on_path(char *buf, size_t size)
{
	const char	*path = getenv("PATH"), *end;
	size_t		 len;

	if (path == NULL || *path == '\0')
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		    "/sbin:/bin";
	for (; *path != '\0'; path = *end == ':' ? end + 1 : end) {
		end = strchrnul(path, ':');
		len = (size_t)(end - path);
		if (len == 0)
			continue;
		if ((size_t)snprintf(buf, size, "%.*s/criu", (int)len, path) <
		    size && criu_executable(buf))
			return 0;
	}
	return -1;
}

/* Runs argv with its output into out (at most size - 1 bytes); returns
 * its wait status or -1. stdin is /dev/null, so nothing can hang on it. */
static int
criu_capture(char *const argv[], char *out, size_t size)
{
	int	 p[2], ws, null;
	size_t	 len = 0;
	ssize_t	 n;
	pid_t	 pid;

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t	none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if ((null = open("/dev/null", O_RDONLY)) != -1)
			dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while (len < size - 1 && (n = read(p[0], out + len, size - 1 -
	    len)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		len += (size_t)n;
	}
	out[len] = '\0';
	close(p[0]);
	while (waitpid(pid, &ws, 0) == -1)
		if (errno != EINTR)
			return -1;
	return ws;
}

/* Whether the file at path carries both capabilities that criu needs to
 * run for a user (security.capability, version 2 or 3: permitted sets of
 * 32 bits, low then high). */
static int
criu_has_caps(const char *path)
{
	uint32_t	 cap[6];
	ssize_t		 n;

	n = getxattr(path, "security.capability", cap, sizeof cap);
	if (n < 20)
		return 0;
	/* cap[0] magic_etc, cap[1] permitted 0-31, cap[3] 32-63. */
	return (cap[1] & (1u << CAP_SYS_PTRACE_BIT)) &&
	    (cap[3] & (1u << (CAP_CHECKPOINT_RESTORE_BIT - 32)));
}

/* Root runs criu as it is; a user needs criu's capabilities. */
static int
criu_privileges(struct criu *c, struct criu_error *e)
{
	if (geteuid() == 0)
		return 0;
	if (!criu_has_caps(c->path)) {
		criu_fail(e, EPERM, "%s cannot checkpoint for a user: run as "
		    "root, or give it the capabilities (setcap "
		    "cap_checkpoint_restore,cap_sys_ptrace+eip %s)", c->path,
		    c->path);
		return -1;
	}
	c->unprivileged = 1;
	return 0;
}

int
criu_find(struct criu *c, struct criu_error *e)
{
	char		 out[512], *v;
	char *const	 argv[] = { c->path, "--version", NULL };
	const char	*env = getenv("SESS_CRIU");
	int		 ws;

	memset(c, 0, sizeof *c);
	if (env != NULL && *env != '\0') {
		snprintf(c->path, sizeof c->path, "%s", env);
		if (!criu_executable(c->path)) {
			criu_fail(e, ENOENT, "criu not found at %s ($SESS_CRIU)",
			    c->path);
			return -1;
		}
	} else if (criu_private(c->path, sizeof c->path) == -1 &&
	    criu_on_path(c->path, sizeof c->path) == -1) {
		criu_fail(e, ENOENT, "criu not found: checkpoints need CRIU "
		    "%d.%d or newer (make criu builds one; or set SESS_CRIU)",
		    CRIU_MIN_MAJOR, CRIU_MIN_MINOR);
		return -1;
	}
	ws = criu_capture(argv, out, sizeof out);
	if (ws == -1 || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0 ||
	    (v = strstr(out, "Version: ")) == NULL ||
	    sscanf(v + 9, "%d.%d.%d", &c->major, &c->minor, &c->patch) < 2) {
		criu_fail(e, ENOEXEC, "%s does not run as criu (criu "
		    "--version failed)", c->path);
		return -1;
	}
	if (c->major < CRIU_MIN_MAJOR || (c->major == CRIU_MIN_MAJOR &&
	    c->minor < CRIU_MIN_MINOR)) {
		criu_fail(e, ENOEXEC, "%s is CRIU %d.%d, too old for this "
		    "kernel: CRIU %d.%d or newer is needed (make criu builds "
		    "one; or set SESS_CRIU)", c->path, c->major, c->minor,
		    CRIU_MIN_MAJOR, CRIU_MIN_MINOR);
		return -1;
	}
	if (criu_privileges(c, e) == -1)
		return -1;
	log_debug("criu: %s, version %d.%d.%d%s", c->path, c->major,
	    c->minor, c->patch, c->unprivileged ? ", unprivileged" : "");
	return 0;
}

int
criu_at(struct criu *c, const char *path, struct criu_error *e)
{
	memset(c, 0, sizeof *c);
	if ((size_t)snprintf(c->path, sizeof c->path, "%s", path) >=
	    sizeof c->path || !criu_executable(c->path)) {
		criu_fail(e, ENOENT, "criu not found at %s", path);
		return -1;
	}
	if (criu_privileges(c, e) == -1)
		return -1;
	log_debug("criu: %s, as checked by the client%s", c->path,
	    c->unprivileged ? ", unprivileged" : "");
	return 0;
}

void
criu_tty_key(char *buf, size_t size, dev_t rdev, dev_t dev)
{
	snprintf(buf, size, "tty[%llx:%llx]", (unsigned long long)rdev,
	    (unsigned long long)dev);
}

/* The child's side: a clean signal state and nothing of the caller's but
 * the descriptors criu is told about (keep, at 3, or -1). */
static void __attribute__((noreturn))
criu_exec(const struct criu *c, char **argv, int keep)
{
	sigset_t	 none;
	int		 null, i;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (i = 1; i < NSIG; i++)
		signal(i, SIG_DFL);
	/* A checkpoint holds the program's memory: nobody else reads it. */
	umask(077);
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	if (keep != -1) {
		if (keep != 3 && dup2(keep, 3) == -1)
			_exit(127);
		if (keep == 3)
			fcntl(3, F_SETFD, 0);
		close_range(4, ~0U, 0);
	} else
		close_range(3, ~0U, 0);
	execv(c->path, argv);
	_exit(127);
}

pid_t
criu_dump_start(const struct criu *c, pid_t pid, const char *dir,
    const char *tty, int leave_running, struct criu_error *e)
{
	char	 spid[16];
	char	*argv[16];
	int	 n = 0;
	pid_t	 child;

	snprintf(spid, sizeof spid, "%d", (int)pid);
	argv[n++] = (char *)c->path;
	argv[n++] = "dump";
	argv[n++] = "-t";
	argv[n++] = spid;
	argv[n++] = "-D";
	argv[n++] = (char *)dir;
	argv[n++] = "--external";
	argv[n++] = (char *)tty;
	argv[n++] = "-o";
	argv[n++] = "dump.log";
	argv[n++] = "-v2";
	if (leave_running)
		argv[n++] = "--leave-running";
	if (c->unprivileged)
		argv[n++] = "--unprivileged";
	argv[n] = NULL;
	if ((child = fork()) == -1) {
		criu_fail(e, errno, "cannot start criu: %s", strerror(errno));
		return -1;
	}
	if (child == 0)
		criu_exec(c, argv, -1);
	log_debug("criu: dump of %d into %s started (criu %d)", (int)pid, dir,
	    (int)child);
	return child;
}

pid_t
criu_restore(const struct criu *c, const char *dir, int slave,
    const char *tty, struct criu_error *e)
{
	char	 inherit[96], pidfile[PATH_MAX], spid[32];
	char	*argv[20];
	int	 n = 0, ws, fd;
	ssize_t	 len;
	pid_t	 child, pid;

	snprintf(inherit, sizeof inherit, "fd[3]:%s", tty);
	argv[n++] = (char *)c->path;
	argv[n++] = "restore";
	argv[n++] = "-D";
	argv[n++] = (char *)dir;
	argv[n++] = "--inherit-fd";
	argv[n++] = inherit;
	argv[n++] = "--restore-sibling";
	argv[n++] = "--restore-detached";
	argv[n++] = "--pidfile";
	argv[n++] = "restore.pid";
	argv[n++] = "-o";
	argv[n++] = "restore.log";
	argv[n++] = "-v2";
	if (c->unprivileged)
		argv[n++] = "--unprivileged";
	argv[n] = NULL;
	snprintf(pidfile, sizeof pidfile, "%s/restore.pid", dir);
	unlink(pidfile);
	if ((child = fork()) == -1) {
		criu_fail(e, errno, "cannot start criu: %s", strerror(errno));
		return -1;
	}
	if (child == 0)
		criu_exec(c, argv, slave);
	while (waitpid(child, &ws, 0) == -1) {
		if (errno != EINTR) {
			criu_fail(e, errno, "cannot wait for criu: %s",
			    strerror(errno));
			return -1;
		}
	}
	if (criu_result(dir, "restore.log", ws, e) == -1)
		return -1;
	pid = -1;
	if ((fd = open(pidfile, O_RDONLY | O_CLOEXEC)) != -1) {
		if ((len = read(fd, spid, sizeof spid - 1)) > 0) {
			spid[len] = '\0';
			pid = (pid_t)strtol(spid, NULL, 10);
		}
		close(fd);
		unlink(pidfile);
	}
	if (pid <= 0) {
		criu_fail(e, EPROTO, "criu restored %s but left no pid in "
		    "restore.pid", dir);
		return -1;
	}
	log_debug("criu: restored %s as %d", dir, (int)pid);
	return pid;
}

/* What holds pid now, for the message. */
static void
criu_pid_owner(pid_t pid, char *buf, size_t size)
{
	if (proc_comm(pid, buf, size) == -1)
		snprintf(buf, size, "another process");
}

/* Turns criu's first real error into words: what it could not do and
 * what to try. line is the text after "Error (file:line): ". */
static void
criu_explain(const char *line, struct criu_error *e)
{
	char	 comm[64];
	long	 pid;

	if (strstr(line, "TCP socket") != NULL ||
	    strstr(line, "tcp-established") != NULL) {
		criu_fail(e, EBUSY, "the program has an established TCP "
		    "connection, which a checkpoint cannot take along: "
		    "close it first");
	} else if (strstr(line, "unix") != NULL ||
	    strstr(line, "UNIX") != NULL) {
		criu_fail(e, EBUSY, "the program has a unix socket to a "
		    "process outside the session (%s): end that connection "
		    "first", line);
	} else if (strstr(line, "ctty inheritance") != NULL) {
		criu_fail(e, EBUSY, "a process of the session has /dev/tty "
		    "open (dash does, and programs asking for a password), "
		    "which CRIU cannot take along: use bash or zsh, or close "
		    "it first");
	} else if (sscanf(line, "Can't fork for %ld: File exists",
	    &pid) == 1) {
		criu_pid_owner((pid_t)pid, comm, sizeof comm);
		criu_fail(e, EADDRINUSE, "process id %ld, which the program "
		    "needs, is in use by %s (PID %ld): end it, or restore "
		    "later", pid, comm, pid);
	} else if (strstr(line, "No such file") != NULL) {
		criu_fail(e, ENOENT, "a file the program had open is gone "
		    "(%s): put it back and try again", line);
	} else if (strstr(line, "Operation not permitted") != NULL ||
	    strstr(line, "Permission denied") != NULL) {
		criu_fail(e, EPERM, "criu was not permitted: %s (run as "
		    "root, or give criu cap_checkpoint_restore and "
		    "cap_sys_ptrace)", line);
	} else
		criu_fail(e, EIO, "criu: %s", line);
}

int
criu_result(const char *dir, const char *log, int ws,
    struct criu_error *e)
{
	char	 path[PATH_MAX], line[1024], *p;
	FILE	*f;

	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
		return 0;
	snprintf(path, sizeof path, "%s/%s", dir, log);
	if ((f = fopen(path, "re")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL) {
			if (strncmp(line, "Error (", 7) != 0 ||
			    (p = strstr(line, "): ")) == NULL)
				continue;
			p += 3;
			/* Printed on every run here, and harmless. */
			if (strstr(p, "RLIMIT_NOFILE") != NULL)
				continue;
			p[strcspn(p, "\n")] = '\0';
			fclose(f);
			criu_explain(p, e);
			return -1;
		}
		fclose(f);
	}
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 127)
		criu_fail(e, ENOEXEC, "criu could not be run");
	else if (WIFSIGNALED(ws))
		criu_fail(e, EIO, "criu was killed by signal %d",
		    WTERMSIG(ws));
	else
		criu_fail(e, EIO, "criu failed with status %d and no reason "
		    "in %s", WEXITSTATUS(ws), path);
	return -1;
}
