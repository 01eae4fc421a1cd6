/* Reading /proc (proc.h). Every reader goes through proc_slurp: one
 * read(2) loop into the caller's buffer, nothing allocated. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"

ssize_t
proc_slurp(const char *path, char *buf, size_t size)
{
	ssize_t	 n, len = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((size_t)len < size - 1) {
		n = read(fd, buf + len, size - 1 - (size_t)len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

/* Field n (counted from 1 as in proc(5)) of a stat line, given field 2's
 * closing parenthesis; NULL if the line is shorter. */
static const char *
proc_stat_field(const char *close_, int n)
{
	const char	*s = close_;
	int		 field;

	for (field = 2; field < n; field++) {
		if ((s = strchr(s + 1, ' ')) == NULL)
			return NULL;
	}
	return s + 1;
}

int
proc_stat(pid_t pid, struct proc_stat *st)
{
	char		 path[64], buf[1024], *open_, *close_;
	const char	*v;
	size_t		 n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (proc_slurp(path, buf, sizeof buf) <= 0)
		return -1;
	/* The name may hold spaces and parentheses: it ends at the last. */
	if ((open_ = strchr(buf, '(')) == NULL ||
	    (close_ = strrchr(buf, ')')) == NULL || close_ < open_)
		return -1;
	n = (size_t)(close_ - open_ - 1);
	if (n >= sizeof st->comm)
		n = sizeof st->comm - 1;
	memcpy(st->comm, open_ + 1, n);
	st->comm[n] = '\0';
	if (sscanf(close_ + 2, "%c %d %d %d %u %d", &st->state, &st->ppid,
	    &st->pgid, &st->sid, &st->tty_nr, &st->tpgid) != 6)
		return -1;
	st->utime = st->stime = 0;
	if ((v = proc_stat_field(close_, 14)) != NULL)
		sscanf(v, "%lu %lu", &st->utime, &st->stime);
	st->exit_code = -1;
	if ((v = proc_stat_field(close_, 52)) != NULL)
		st->exit_code = atoi(v);
	return 0;
}

int
proc_comm(pid_t pid, char *buf, size_t size)
{
	struct proc_stat	 st;

	if (proc_stat(pid, &st) == -1)
		return -1;
	snprintf(buf, size, "%s", st.comm);
	return 0;
}

const char *
proc_field(const char *text, const char *name)
{
	size_t		 len = strlen(name);
	const char	*s = text;

	while (s != NULL && *s != '\0') {
		if (strncmp(s, name, len) == 0 && s[len] == ':')
			return s + len + 1;
		if ((s = strchr(s, '\n')) != NULL)
			s++;
	}
	return NULL;
}

ssize_t
proc_status(pid_t pid, char *buf, size_t size)
{
	char	 path[64];

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	return proc_slurp(path, buf, size);
}

/* The value of a field of /proc/PID/status, in buf; NULL if pid is gone
 * or has no such field. */
static const char *
proc_status_value(pid_t pid, const char *name, char *buf, size_t size)
{
	if (proc_status(pid, buf, size) <= 0)
		return NULL;
	return proc_field(buf, name);
}

unsigned long long
proc_status_mask(pid_t pid, const char *name)
{
	char		 buf[4096];
	const char	*v;

	if ((v = proc_status_value(pid, name, buf, sizeof buf)) == NULL)
		return 0;
	return strtoull(v, NULL, 16);
}

int
proc_status_has(pid_t pid, const char *name, int sig)
{
	return (proc_status_mask(pid, name) >> (sig - 1)) & 1;
}

long
proc_status_long(pid_t pid, const char *name)
{
	char		 buf[4096];
	const char	*v;

	if ((v = proc_status_value(pid, name, buf, sizeof buf)) == NULL)
		return -1;
	return strtol(v, NULL, 10);
}

ssize_t
proc_fd_link(pid_t pid, int fd, char *buf, size_t size)
{
	char	 path[64];
	ssize_t	 n;

	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
	if ((n = readlink(path, buf, size - 1)) <= 0) {
		buf[0] = '\0';
		return -1;
	}
	buf[n] = '\0';
	return n;
}

int
proc_fd_flags(pid_t pid, int fd)
{
	char		 path[64], buf[4096];
	const char	*v;

	snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)pid, fd);
	if (proc_slurp(path, buf, sizeof buf) <= 0 ||
	    (v = proc_field(buf, "flags")) == NULL)
		return -1;
	return (int)strtol(v, NULL, 8);
}

ssize_t
proc_cmdline(pid_t pid, char *buf, size_t size)
{
	char	 path[64];
	ssize_t	 n, i;

	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	if ((n = proc_slurp(path, buf, size)) <= 0)
		return -1;
	/* Arguments end in NULs, the last one too. */
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return n > 0 ? n : -1;
}

int
proc_fds(pid_t pid, int (*match)(const char *, void *), void *arg)
{
	char		 path[64], target[PATH_MAX];
	struct dirent	*de;
	DIR		*d;
	ssize_t		 len;
	int		 n = 0;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (match == NULL) {
			n++;
			continue;
		}
		len = readlinkat(dirfd(d), de->d_name, target,
		    sizeof target - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (match(target, arg))
			n++;
	}
	closedir(d);
	return n;
}

int
proc_fd_count(pid_t pid)
{
	return proc_fds(pid, NULL, NULL);
}
