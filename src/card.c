/* Session cards (card.h). A card is a HELLO and an INFO frame, written
 * twice in a row: the server writes it in place, and a reader that finds
 * the two copies differ caught it halfway and asks the server instead. */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "card.h"
#include "util.h"

#define CARD_MAX	4096	/* twice the largest HELLO and INFO */

static int
card_path(char *buf, size_t size, const char *dir, const char *name)
{
	return path_format(buf, size, "%s/.%s", dir, name);
}

int
card_open(const char *dir, const char *name)
{
	char	 path[PATH_MAX];
	int	 fd, err;

	if (card_path(path, sizeof path, dir, name) == -1)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int
card_write(int fd, const struct proto_info *info)
{
	struct buf	 b = { 0 };
	size_t		 one;
	int		 rc = -1;

	if (proto_add_hello(&b) == -1 || proto_add_info(&b, info) == -1)
		goto out;
	one = b.len;
	if (one > CARD_MAX / 2) {
		errno = EMSGSIZE;
		goto out;
	}
	if (buf_reserve(&b, one) == -1)
		goto out;
	memcpy(b.data + one, b.data, one);
	b.len += one;
	if (pwrite(fd, b.data, b.len, 0) != (ssize_t)b.len ||
	    ftruncate(fd, (off_t)b.len) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

/* The frames at the front of p: the length of HELLO and INFO together,
 * or 0 when they are not both there and readable. */
static size_t
card_parse(const char *p, size_t n, struct proto_info *info,
    uint32_t *version)
{
	struct proto_msg	 m;
	size_t			 hello, used;

	if (proto_frame(p, n, &m, &hello) != 1 || m.type != MSG_HELLO ||
	    proto_check_hello(&m, version) == -1)
		return 0;
	if (proto_frame(p + hello, n - hello, &m, &used) != 1 ||
	    m.type != MSG_INFO || proto_get_info(&m, info) == -1)
		return 0;
	return hello + used;
}

int
card_read(const char *dir, const char *name, struct proto_info *info,
    uint32_t *version)
{
	char		 path[PATH_MAX], data[CARD_MAX];
	ssize_t		 n;
	size_t		 one;
	int		 fd, live;

	if (card_path(path, sizeof path, dir, name) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return 0;
	/* Free: no server keeps it. */
	live = flock(fd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK;
	n = live ? pread(fd, data, sizeof data, 0) : -1;
	close(fd);
	if (n <= 0)
		return 0;
	one = card_parse(data, (size_t)n, info, version);
	if (one == 0 || (size_t)n < 2 * one ||
	    memcmp(data, data + one, one) != 0)
		return 0;
	return 1;
}

void
card_remove(const char *dir, const char *name, int fd)
{
	struct stat	 a, b;
	char		 path[PATH_MAX];

	if (card_path(path, sizeof path, dir, name) == -1)
		return;
	if (fd != -1 && (fstat(fd, &a) == -1 || stat(path, &b) == -1 ||
	    a.st_dev != b.st_dev || a.st_ino != b.st_ino))
		return;
	unlink(path);
}
