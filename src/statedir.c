/* The state directory: checkpoints, one directory each. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockdir.h"
#include "statedir.h"
#include "util.h"

int
statedir_path(char *buf, size_t size)
{
	const char	*env, *home;
	int		 n;

	if ((n = sockdir_env_path(buf, size, "SESS_STATE_DIR")) != 0)
		return n == -1 ? -1 : sockdir_trim(buf);
	if ((env = getenv("XDG_STATE_HOME")) != NULL && *env == '/')
		n = snprintf(buf, size, "%s/sess", env);
	else if ((home = getenv("HOME")) != NULL && *home == '/')
		n = snprintf(buf, size, "%s/.local/state/sess", home);
	else {
		errno = ENOENT;
		return -1;
	}
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return sockdir_trim(buf);
}

/* Makes the parents of path that are missing, mode 0700 (XDG's rule for
 * the directories it names). Existing ones are not looked at: only the
 * state directory itself must be private. */
static int
statedir_parents(const char *path)
{
	char	 p[PATH_MAX], *s;

	if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

int
statedir_check(const char *dir, int create)
{
	struct stat	 st;

	if (create && lstat(dir, &st) == -1 && errno == ENOENT &&
	    statedir_parents(dir) == -1)
		return -1;
	return sockdir_check(dir, create);
}

int
statedir_join(char *buf, size_t size, const char *dir, const char *name)
{
	return path_format(buf, size, "%s/%s", dir, name);
}

int
statedir_temp(char *buf, size_t size, const char *dir, const char *name)
{
	if (path_format(buf, size, "%s/.%s.XXXXXX", dir, name) == -1)
		return -1;
	return mkdtemp(buf) == NULL ? -1 : 0;
}

int
statedir_saved(const char *dir, const char *name)
{
	char	 path[PATH_MAX];

	if (statedir_join(path, sizeof path, dir, name) == -1)
		return -1;
	return sockdir_check(path, 0);
}

int
statedir_remove(const char *path)
{
	struct dirent	*de;
	DIR		*d;
	int		 fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, de->d_name, 0) == -1)
			rc = -1;
	}
	closedir(d);
	if (rmdir(path) == -1)
		rc = -1;
	return rc;
}
