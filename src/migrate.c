/* sess migrate NAME HOST: checkpoint here, stream the checkpoint through
 * one ssh connection into `sess receive NAME` on HOST, which writes it to
 * its state directory and restores it there. Any failure on the way puts
 * the session back here and leaves nothing on HOST (receive removes what
 * it wrote when its restore fails).
 *
 * The stream: "SESSMOVE", a big-endian 32-bit version, then for each file
 * of the checkpoint a 16-bit name length, the name, a 64-bit size and the
 * bytes; a name length of 0 ends it. Names are plain file names (no '/',
 * not starting with '.'), as criu and sess write them. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "config.h"
#include "log.h"
#include "migrate.h"
#include "sockdir.h"
#include "statedir.h"
#include "util.h"

#define MIGRATE_MAGIC	"SESSMOVE"
#define MIGRATE_VERSION	1
#define MIGRATE_NAME_MAX 255

static void
migrate_put_u16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void
migrate_put_u64(unsigned char *p, uint64_t v)
{
	int	 i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (56 - 8 * i));
}

static uint64_t
migrate_get_u64(const unsigned char *p)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Whether name may be a file of a checkpoint. */
static int
migrate_name_ok(const char *name, size_t len)
{
	return len > 0 && len <= MIGRATE_NAME_MAX && name[0] != '.' &&
	    memchr(name, '/', len) == NULL && memchr(name, '\0', len) == NULL;
}

/* Copies n bytes from in to out. */
static int
migrate_copy(int in, int out, uint64_t n)
{
	char	 buf[65536];
	ssize_t	 r;

	while (n > 0) {
		r = read(in, buf, n < sizeof buf ? (size_t)n : sizeof buf);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EPIPE;
			return -1;
		}
		if (write_all(out, buf, (size_t)r) == -1)
			return -1;
		n -= (uint64_t)r;
	}
	return 0;
}

/* Reads exactly n bytes. */
static int
migrate_read(int fd, void *p, size_t n)
{
	ssize_t	 r;
	size_t	 got = 0;

	while (got < n) {
		r = read(fd, (char *)p + got, n - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			errno = r == 0 ? EPIPE : errno;
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

int
migrate_send(const char *dir, int out)
{
	unsigned char	 head[12], fh[2 + MIGRATE_NAME_MAX + 8];
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	size_t		 len;
	int		 dfd, fd, rc = -1;

	memcpy(head, MIGRATE_MAGIC, 8);
	head[8] = head[9] = head[10] = 0;
	head[11] = MIGRATE_VERSION;
	if (write_all(out, head, sizeof head) == -1)
		return -1;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || (d = fdopendir(dfd)) == NULL) {
		if (dfd != -1)
			close(dfd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (!migrate_name_ok(de->d_name, len))
			continue;
		if ((fd = openat(dfd, de->d_name, O_RDONLY | O_NOFOLLOW |
		    O_CLOEXEC)) == -1)
			goto out;
		if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
			close(fd);
			continue;
		}
		migrate_put_u16(fh, (uint16_t)len);
		memcpy(fh + 2, de->d_name, len);
		migrate_put_u64(fh + 2 + len, (uint64_t)st.st_size);
		if (write_all(out, fh, 2 + len + 8) == -1 ||
		    migrate_copy(fd, out, (uint64_t)st.st_size) == -1) {
			close(fd);
			goto out;
		}
		close(fd);
	}
	migrate_put_u16(fh, 0);
	rc = write_all(out, fh, 2);
out:
	closedir(d);
	return rc;
}

int
migrate_receive(int in, const char *dir, char *msg, size_t size)
{
	unsigned char	 head[12], lenb[2], sizeb[8];
	char		 name[MIGRATE_NAME_MAX + 1];
	size_t		 len;
	int		 dfd, fd, files = 0;

	if (migrate_read(in, head, sizeof head) == -1 ||
	    memcmp(head, MIGRATE_MAGIC, 8) != 0) {
		snprintf(msg, size, "not a checkpoint stream");
		errno = EINVAL;
		return -1;
	}
	if (head[8] != 0 || head[9] != 0 || head[10] != 0 ||
	    head[11] != MIGRATE_VERSION) {
		snprintf(msg, size, "checkpoint stream of another version");
		errno = ENOTSUP;
		return -1;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		snprintf(msg, size, "cannot open %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	for (;;) {
		if (migrate_read(in, lenb, 2) == -1)
			goto short_stream;
		if ((len = (size_t)lenb[0] << 8 | lenb[1]) == 0)
			break;
		if (len > MIGRATE_NAME_MAX || migrate_read(in, name, len) == -1)
			goto short_stream;
		name[len] = '\0';
		if (!migrate_name_ok(name, len) || ++files > MIGRATE_FILES_MAX) {
			snprintf(msg, size, "bad file name in the stream");
			close(dfd);
			errno = EINVAL;
			return -1;
		}
		if (migrate_read(in, sizeb, 8) == -1)
			goto short_stream;
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd == -1) {
			snprintf(msg, size, "cannot write %s/%s: %s", dir, name,
			    strerror(errno));
			close(dfd);
			return -1;
		}
		if (migrate_copy(in, fd, migrate_get_u64(sizeb)) == -1) {
			close(fd);
			goto short_stream;
		}
		close(fd);
	}
	close(dfd);
	return 0;

short_stream:
	snprintf(msg, size, "the checkpoint stream ended early");
	close(dfd);
	errno = EPIPE;
	return -1;
}

/* $SESS_SSH (default ssh) split on blanks, then host and the remote
 * command. */
static char **
migrate_ssh_argv(const char *host, const char *name, char **words)
{
	const char	*env = getenv("SESS_SSH");
	char		**argv, *w, *save = NULL;
	size_t		 n = 0, max;

	if (env == NULL || *env == '\0')
		env = "ssh";
	if ((*words = strdup(env)) == NULL)
		return NULL;
	max = strlen(env) / 2 + 8;
	if ((argv = calloc(max, sizeof *argv)) == NULL)
		return NULL;
	for (w = strtok_r(*words, " \t\n", &save); w != NULL && n < max - 6;
	    w = strtok_r(NULL, " \t\n", &save))
		argv[n++] = w;
	argv[n++] = (char *)host;
	argv[n++] = "sess";
	argv[n++] = "receive";
	argv[n++] = (char *)name;
	argv[n] = NULL;
	return argv;
}

/* Runs ssh with the stream of dir on its standard input; 0 when the far
 * side restored it, else -1 with its last line in msg. */
static int
migrate_ssh(const char *host, const char *name, const char *dir, char *msg,
    size_t size)
{
	char		**argv, *words = NULL, err[4096], *line;
	int		 in[2], errp[2], ws;
	size_t		 len = 0;
	ssize_t		 n;
	pid_t		 pid;
	void		(*old)(int);

	msg[0] = '\0';
	if ((argv = migrate_ssh_argv(host, name, &words)) == NULL)
		return -1;
	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(errp, O_CLOEXEC) == -1) {
		free(argv);
		free(words);
		return -1;
	}
	if ((pid = fork()) == 0) {
		dup2(in[0], 0);
		dup2(errp[1], 2);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(errp[1]);
	free(argv);
	free(words);
	if (pid == -1) {
		close(in[1]);
		close(errp[0]);
		return -1;
	}
	/* A far side that stops reading must not end this process. */
	old = signal(SIGPIPE, SIG_IGN);
	(void)migrate_send(dir, in[1]);
	close(in[1]);
	signal(SIGPIPE, old);
	while (len < sizeof err - 1 && (n = read(errp[0], err + len,
	    sizeof err - 1 - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		len += (size_t)n;
	}
	close(errp[0]);
	err[len] = '\0';
	while (waitpid(pid, &ws, 0) == -1 && errno == EINTR)
		;
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
		return 0;
	/* The last line the far side or ssh said is the reason. */
	while (len > 0 && (err[len - 1] == '\n' || err[len - 1] == '\r'))
		err[--len] = '\0';
	line = strrchr(err, '\n');
	line = line == NULL ? err : line + 1;
	if (strncmp(line, "sess: ", 6) == 0)
		line += 6;
	if (*line == '\0')
		line = "ssh failed and said nothing";
	if ((len = strlen(line)) >= size)
		len = size - 1;
	memcpy(msg, line, len);
	msg[len] = '\0';
	log_debug("migrate: ssh %s: %s", host, msg);
	return -1;
}

int
migrate_main(int argc, char **argv)
{
	const char	*name, *host;
	char		 msg[1024], saved[PATH_MAX];
	int		 rc;

	if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-') {
		fputs("usage: sess migrate NAME [USER@]HOST\n", stderr);
		return 2;
	}
	name = argv[1];
	host = argv[2];
	if ((rc = checkpoint_for_move(name, saved, sizeof saved)) != 0)
		return rc;
	if (migrate_ssh(host, name, saved, msg, sizeof msg) == 0) {
		if (statedir_remove(saved) == -1)
			sess_warn("%s moved, but %s stays here: %s", name,
			    saved, strerror(errno));
		printf("%s moved to %s: ssh -t %s sess -a %s\n", name,
		    host, host, name);
		return 0;
	}
	if (checkpoint_restore(name, NULL, NULL) != 0) {
		sess_warn("cannot move %s to %s: %s; it stays saved here "
		    "(sess restore %s)", name, host, msg, name);
		return 1;
	}
	sess_warn("cannot move %s to %s: %s; it runs here again", name,
	    host, msg);
	return 1;
}

int
migrate_receive_main(int argc, char **argv)
{
	const char	*name;
	char		 statedir[PATH_MAX], tmp[PATH_MAX], dst[PATH_MAX];
	char		 msg[512];

	if (argc != 2) {
		fputs("usage: sess receive NAME\n", stderr);
		return 2;
	}
	name = argv[1];
	if (name_check(name) == -1) {
		sess_warn("bad session name '%s'", name);
		return 1;
	}
	/* Refused before the stream is read: the sending side prints
	 * this after "cannot move NAME to HOST". */
	if (checkpoint_saved(name) != 0) {
		sess_warn("session %s is saved there already", name);
		return 1;
	}
	if (checkpoint_running(name)) {
		sess_warn("session %s runs there already", name);
		return 1;
	}
	if (statedir_path(statedir, sizeof statedir) == -1 ||
	    statedir_check(statedir, 1) == -1) {
		sess_warn("state directory %s %s", statedir,
		    sockdir_strerror(errno));
		return 1;
	}
	if (statedir_temp(tmp, sizeof tmp, statedir, name) == -1 ||
	    statedir_join(dst, sizeof dst, statedir, name) == -1) {
		sess_warn("cannot write in %s: %s", statedir, strerror(errno));
		return 1;
	}
	if (migrate_receive(STDIN_FILENO, tmp, msg, sizeof msg) == -1) {
		statedir_remove(tmp);
		sess_warn("%s", msg);
		return 1;
	}
	if (rename(tmp, dst) == -1) {
		sess_warn("cannot put the checkpoint in %s: %s", dst,
		    strerror(errno));
		statedir_remove(tmp);
		return 1;
	}
	if (checkpoint_restore(name, NULL, NULL) != 0) {
		/* Nothing stays behind: the sending side restores it. */
		statedir_remove(dst);
		return 1;
	}
	return 0;
}
