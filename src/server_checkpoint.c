/* Checkpoint and restore, the server's side (SPEC section 8): the server
 * runs criu, because it is the program's parent before a checkpoint and
 * must be after a restore (criu --restore-sibling makes the restored
 * program a child of criu's parent).
 *
 * A checkpoint is written into STATE/.NAME.XXXXXX and renamed to
 * STATE/NAME once criu and sess's own file are complete: a failed one
 * leaves nothing, the program running and the clients attached. criu
 * runs as a child the loop reaps, so clients are served meanwhile (the
 * program is frozen while criu dumps it). */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "criu.h"
#include "log.h"
#include "server_priv.h"
#include "state.h"
#include "statedir.h"
#include "version.h"

#define STATE_FILE	"session"	/* sess's file among criu's images */

/* The pty's slave as criu names the program's external terminal. */
static int
server_checkpoint_tty(struct server *s, char *key, size_t size,
    struct stat *st)
{
	char	*slave;

	if ((slave = ptsname(s->master)) == NULL || stat(slave, st) == -1)
		return -1;
	criu_tty_key(key, size, st->st_rdev, st->st_dev);
	return 0;
}

/* sess's own file: the facts and the model, as they are at the freeze. */
static int
server_checkpoint_write(struct server *s, const char *dir,
    const struct stat *tty)
{
	struct state_facts	 f = { 0 };
	struct buf		 b = { 0 };
	char			 path[PATH_MAX];
	int			 fd, rc = -1;

	snprintf(f.name, sizeof f.name, "%s", s->o->name);
	memcpy(f.cmd, s->cmd, sizeof f.cmd);
	f.created = (uint64_t)s->created;
	f.saved = (uint64_t)time(NULL);
	f.pid = (uint32_t)s->pid;
	f.tty_rdev = (uint64_t)tty->st_rdev;
	f.tty_dev = (uint64_t)tty->st_dev;
	(void)tcgetattr(s->master, &f.tio);
	snprintf(f.version, sizeof f.version, "%s", SESS_VERSION);
	if (state_save(&f, model_sync(s->model), &b) == -1)
		return -1;
	if (statedir_join(path, sizeof path, dir, STATE_FILE) == -1)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd != -1) {
		if (write_all(fd, b.data, b.len) == 0 && fsync(fd) == 0)
			rc = 0;
		close(fd);
	}
	buf_free(&b);
	return rc;
}

static void
server_checkpoint_refuse(struct client *c, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
server_checkpoint_refuse(struct client *c, int err, const char *fmt, ...)
{
	char	 msg[PROTO_ERROR_MAX + 1];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_debug("checkpoint refused: %s", msg);
	server_client_error(c, err, "%s", msg);
}

void
server_checkpoint_start(struct server *s, struct client *c,
    const struct proto_msg *m)
{
	struct server_checkpoint	*k;
	struct proto_checkpoint		 pc;
	struct criu_error		 ce;
	struct stat			 tty;
	char				 key[64];

	if (proto_get_checkpoint(m, &pc) == -1) {
		server_checkpoint_refuse(c, EBADMSG, "bad checkpoint request");
		return;
	}
	if (s->checkpoint != NULL) {
		server_checkpoint_refuse(c, EBUSY, "a checkpoint is under way");
		return;
	}
	if (s->state != SESSION_RUNNING) {
		server_checkpoint_refuse(c, ESRCH, "its program has exited");
		return;
	}
	/* Only while one is under way: an idle server keeps none. */
	if ((k = calloc(1, sizeof *k)) == NULL) {
		server_checkpoint_refuse(c, errno, "%s", strerror(errno));
		return;
	}
	/* The client found criu and asked its version: asking again would
	 * start criu once more (its libraries make that slow). */
	if (criu_at(&k->criu, pc.criu, &ce) == -1) {
		server_checkpoint_refuse(c, ce.err, "%s", ce.msg);
		goto fail;
	}
	if (statedir_check(pc.dir, 0) == -1) {
		server_checkpoint_refuse(c, errno, "state directory %s %s",
		    pc.dir, sockdir_strerror(errno));
		goto fail;
	}
	if (statedir_join(k->dir, sizeof k->dir, pc.dir, s->o->name) == -1 ||
	    statedir_temp(k->tmp, sizeof k->tmp, pc.dir, s->o->name) == -1) {
		server_checkpoint_refuse(c, errno, "cannot write in %s: %s",
		    pc.dir, strerror(errno));
		goto fail;
	}
	if (server_checkpoint_tty(s, key, sizeof key, &tty) == -1 ||
	    server_checkpoint_write(s, k->tmp, &tty) == -1) {
		server_checkpoint_refuse(c, errno, "cannot save the screen: %s",
		    strerror(errno));
		statedir_remove(k->tmp);
		goto fail;
	}
	k->flags = pc.flags;
	k->criu_pid = criu_dump_start(&k->criu, s->pid, k->tmp, key,
	    pc.flags & CHECKPOINT_LEAVE_RUNNING, &ce);
	if (k->criu_pid == -1) {
		statedir_remove(k->tmp);
		server_checkpoint_refuse(c, ce.err, "%s", ce.msg);
		goto fail;
	}
	k->asker = c;
	s->checkpoint = k;
	log_debug("checkpoint into %s: criu %ld", k->tmp, (long)k->criu_pid);
	return;

fail:
	free(k);
}

/* The checkpoint takes the place of an older one of the same name (taken
 * with -r) only once it is complete. */
static int
server_checkpoint_commit(struct server_checkpoint *k)
{
	char	 old[PATH_MAX];

	if (rename(k->tmp, k->dir) == 0)
		return 0;
	if (errno != ENOTEMPTY && errno != EEXIST)
		return -1;
	if (statedir_temp(old, sizeof old, k->tmp, "old") == -1 ||
	    rmdir(old) == -1 || rename(k->dir, old) == -1)
		return -1;
	if (rename(k->tmp, k->dir) == -1) {
		(void)rename(old, k->dir);
		return -1;
	}
	statedir_remove(old);
	return 0;
}

/* criu exited with ws. */
void
server_checkpoint_done(struct server *s, int ws)
{
	struct server_checkpoint	*k = s->checkpoint;
	struct criu_error		 ce;
	int				 i, leave;

	s->checkpoint = NULL;
	ce.msg[0] = '\0';
	ce.err = EIO;
	if (criu_result(k->tmp, "dump.log", ws, &ce) == -1 ||
	    server_checkpoint_commit(k) == -1) {
		if (ce.msg[0] == '\0')
			str_format(ce.msg, sizeof ce.msg, "cannot put the "
			    "checkpoint in %s: %s", k->dir, strerror(errno));
		log_debug("checkpoint failed: %s", ce.msg);
		statedir_remove(k->tmp);
		if (k->asker != NULL)
			server_client_error(k->asker, ce.err, "%s", ce.msg);
		/* criu thaws what it froze when it fails; a program it
		 * killed all the same has exited as any other. */
		if (k->program_gone)
			server_exited(s, k->status);
		free(k);
		return;
	}
	log_debug("checkpoint complete in %s", k->dir);
	if (k->asker != NULL)
		server_client_ok(k->asker);
	leave = k->flags & CHECKPOINT_LEAVE_RUNNING;
	free(k);
	if (leave)
		return;
	/* criu ended the program: the session lives on in the checkpoint,
	 * not as an exited one. */
	for (i = 0; i < s->nconns; i++) {
		/* Version 1 has no word for it: ended, as by sess -k. */
		server_client_release(s, s->conns[i], s->conns[i]->version >= 2 ?
		    EXIT_SAVED : EXIT_KILLED, 0, 0);
	}
	server_pty_close(s);
	server_unlink(s);
	s->state = SESSION_ENDING;
}

/* A client that asked for a checkpoint is gone before its outcome. */
void
server_checkpoint_forget(struct server *s, struct client *c)
{
	if (s->checkpoint != NULL && s->checkpoint->asker == c)
		s->checkpoint->asker = NULL;
}

/* The program ended while criu had it: whether that is the checkpoint's
 * end or a real exit is known once criu is done. */
int
server_checkpoint_program_exited(struct server *s, int status)
{
	struct server_checkpoint	*k = s->checkpoint;

	if (k == NULL)
		return 0;
	k->program_gone = 1;
	k->status = status;
	return 1;
}

/* A restored checkpoint leaves STATE/NAME at once, renamed aside; a
 * child removes its files (the program's memory: unlinking megabytes
 * takes a while) while the server goes on. Forked before the model's
 * thread exists. */
static void
server_checkpoint_set_aside(struct server *s)
{
	char		 parent[PATH_MAX], gone[PATH_MAX], *slash;
	const char	*path = s->o->restore;

	snprintf(parent, sizeof parent, "%s", path);
	if ((slash = strrchr(parent, '/')) != NULL) {
		*slash = '\0';
		if (statedir_temp(gone, sizeof gone, parent, slash + 1) == 0) {
			if (rename(path, gone) == 0)
				path = gone;
			else
				(void)rmdir(gone);
		}
	}
	if (path == gone) {
		switch (fork()) {
		case 0:
			close_range(3, ~0U, 0);
			(void)statedir_remove(gone);
			_exit(0);
		case -1:
			break;
		default:
			return;
		}
	}
	if (statedir_remove(path) == -1)
		log_debug("cannot remove %s: %s", path, strerror(errno));
}

/* Restore, at start: the model from sess's file, the program from
 * criu's images, on a new pty that stands for the old one. */
int
server_checkpoint_restore(struct server *s, struct start_error *e)
{
	struct state_facts	 f;
	struct state_error	 se;
	struct criu_error	 ce;
	struct criu		 criu;
	struct screen		*screen;
	char			 path[PATH_MAX], key[64], *slave, *data = NULL;
	size_t			 len;
	int			 fd = -1;
	pid_t			 pid;

	e->stage = START_RESTORE;
	snprintf(path, sizeof path, "%s/%s", s->o->restore, STATE_FILE);
	if (file_read(path, STATE_FILE_MAX, &data, &len) == -1) {
		str_format(e->msg, sizeof e->msg, "cannot read %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (state_load(data, len, &f, &screen, &se) == -1) {
		str_format(e->msg, sizeof e->msg, "%s: %s", path, se.msg);
		free(data);
		return -1;
	}
	free(data);
	screen_free(s->screen);
	s->screen = screen;
	s->rows = f.rows;
	s->cols = f.cols;
	memcpy(s->cmd, f.cmd, sizeof s->cmd);
	s->created = (time_t)f.created;
	/* The creator checked criu a moment ago, in this process. */
	if (s->o->criu != NULL)
		criu = *s->o->criu;
	else if (criu_find(&criu, &ce) == -1) {
		str_format(e->msg, sizeof e->msg, "%s", ce.msg);
		return -1;
	}
	if ((slave = server_pty_open(s)) == NULL ||
	    (fd = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1 ||
	    (f.tio.c_cflag != 0 && tcsetattr(fd, TCSANOW, &f.tio) == -1)) {
		str_format(e->msg, sizeof e->msg, "cannot make a terminal: %s",
		    strerror(errno));
		goto fail;
	}
	criu_tty_key(key, sizeof key, (dev_t)f.tty_rdev, (dev_t)f.tty_dev);
	if ((pid = criu_restore(&criu, s->o->restore, fd, key,
	    &ce)) == -1) {
		str_format(e->msg, sizeof e->msg, "%s", ce.msg);
		goto fail;
	}
	close(fd);
	s->pid = pid;
	fd_set_nonblock(s->master, 1);
	log_debug("restored %s: program %ld", s->o->restore, (long)pid);
	server_checkpoint_set_aside(s);
	return 0;

fail:
	if (fd != -1)
		close(fd);
	server_pty_close(s);
	return -1;
}
