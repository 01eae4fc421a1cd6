/* Session names and the socket directory. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "sockdir.h"
#include "util.h"

int
name_check(const char *name)
{
	size_t	 n = strlen(name);

	if (n == 0 || n > NAME_MAX_LEN || name[0] == '.' ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-") != n) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
sockdir_env_path(char *buf, size_t size, const char *name)
{
	const char	*env = getenv(name);
	char		 cwd[PATH_MAX];
	int		 n;

	if (env == NULL || *env == '\0')
		return 0;
	if (*env == '/')
		n = snprintf(buf, size, "%s", env);
	else {
		/* The server leaves its starting directory. */
		if (getcwd(cwd, sizeof cwd) == NULL)
			return -1;
		n = snprintf(buf, size, "%s/%s", cwd, env);
	}
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 1;
}

int
sockdir_trim(char *buf)
{
	size_t	 n = strlen(buf);

	/* A trailing slash would make lstat follow a symbolic link. */
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return 0;
}

int
sockdir_path(char *buf, size_t size)
{
	const char	*env;
	int		 n;

	if ((n = sockdir_env_path(buf, size, "SESS_DIR")) != 0)
		return n == -1 ? -1 : sockdir_trim(buf);
	if ((env = getenv("XDG_RUNTIME_DIR")) != NULL && *env == '/')
		n = snprintf(buf, size, "%s/%s", env, SOCKET_DIR_NAME);
	else
		n = snprintf(buf, size, "/tmp/%s-%u", SOCKET_DIR_NAME,
		    (unsigned)getuid());
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return sockdir_trim(buf);
}

int
sockdir_check(const char *dir, int create)
{
	struct stat	 st;

	if (lstat(dir, &st) == -1) {
		if (errno != ENOENT || !create)
			return -1;
		if (mkdir(dir, 0700) == -1 && errno != EEXIST)
			return -1;
		if (lstat(dir, &st) == -1)
			return -1;
	}
	if (S_ISLNK(st.st_mode))
		errno = ELOOP;
	else if (!S_ISDIR(st.st_mode))
		errno = ENOTDIR;
	else if (st.st_uid != getuid())
		errno = EPERM;
	else if (st.st_mode & 077)
		errno = EACCES;
	else
		return 0;
	return -1;
}

const char *
sockdir_strerror(int err)
{
	switch (err) {
	case ELOOP:
		return "is a symbolic link";
	case ENOTDIR:
		return "is not a directory";
	case EPERM:
		return "is owned by another user";
	case EACCES:
		return "is open to group or others (it must be mode 0700)";
	default:
		return strerror(err);
	}
}

int
sockdir_join(char *buf, size_t size, const char *dir, const char *name)
{
	struct sockaddr_un	 sa;

	if (path_format(buf, size, "%s/%s", dir, name) == -1)
		return -1;
	/* And short enough to bind or dial. */
	if (strlen(buf) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
sockdir_each(const char *dir, int (*fn)(const char *, void *), void *arg)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	int		 rc = 0, err;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (name_check(de->d_name) == -1)
			continue;
		/* The directory says what each entry is, on most file
		 * systems: a stat only where it does not. */
		if (de->d_type != DT_UNKNOWN ? de->d_type != DT_SOCK :
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    -1 || !S_ISSOCK(st.st_mode))
			continue;
		rc = fn(de->d_name, arg);
	}
	err = errno;
	closedir(d);
	errno = err;
	return rc;
}
