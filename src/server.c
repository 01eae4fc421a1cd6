/* The session server: the program's pty, the listening socket, and every
 * connected client, in one poll loop.
 *
 * An attached client hands over its terminal, so output goes pty → server
 * → terminal and keys terminal → server → pty, each in one hop. Nothing
 * the server writes may block: a terminal that does not keep up gets a
 * bounded queue, then a resync; a program that does not read its input
 * stops the reading of keys, nothing else. */
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "adopt.h"
#include "config.h"
#include "keys.h"
#include "model.h"
#include "proto.h"
#include "screen.h"
#include "server.h"
#include "sockdir.h"

#define MAX_CONNS	(MAX_CLIENTS + 8)
#define READ_SIZE	65536
#define PTY_CHUNK	4096		/* the most a pty read gives */
#define DRAIN_MS	200	/* how long output may trail the program's exit */
/* A terminal that dropped its backlog is redrawn once the model has
 * caught up, or this long after the drop while a flood keeps the model
 * behind: such a redraw reads again what the model has not parsed yet. */
#define RESYNC_MS	100

struct client {
	int		 sock;
	struct buf	 in;		/* from the socket */
	struct buf	 out;		/* to the socket */
	int		 passed;	/* a received fd, until ATTACH */
	int64_t		 since;		/* connected at, until HELLO */
	int		 hello;
	int		 done;		/* close once out is sent */

	int		 tty;		/* the user's terminal, or -1 */
	int		 tty_flags;	/* its status flags, if not reopened */
	int		 tty_shared;	/* tty is the passed description */
	struct termios	 tio;		/* its settings before raw mode */
	uint32_t	 flags;		/* ATTACH_* */
	uint16_t	 rows;
	uint16_t	 cols;
	struct keys	*keys;
	struct buf	 tq;		/* output the terminal has not taken */
	size_t		 tq_off;
	int		 resync;	/* backlog dropped: redraw when it can */
	int64_t		 dropped;	/* when */
	int		 sender;	/* sends input: waits on the program */
	int		 ending;	/* told it exited once its queue is out */
};

struct server {
	const struct server_opts *o;
	int		 lsock;
	dev_t		 sock_dev;
	ino_t		 sock_ino;
	int		 notify;	/* inotify on the socket dir, or -1 */
	int		 watch;
	int		 master;
	int		 sigfd;
	pid_t		 pid;
	int		 exited;	/* the program is gone */
	int		 status;	/* its exit status, 128+N for signal N */
	int		 draining;	/* reading its last output */
	int64_t		 drain_until;
	int64_t		 exited_at;
	int		 quit;
	int		 foreground;
	time_t		 created;
	uint16_t	 rows;
	uint16_t	 cols;
	char		 cmd[PROTO_CMD_MAX + 1];
	struct screen	*screen;	/* what the program's terminal shows, */
	struct model	*model;		/* fed and reached through this */
	struct buf	 inq;		/* keys the program has not read */
	struct client	*owner;		/* whose size the pty has */
	struct client	*conns[MAX_CONNS];
	int		 nconns;
	int		 attached;	/* clients holding a terminal */
	int		 ever_attached;
	int		 collected;	/* the exit status reached a client */
	struct adopt_target adopt;	/* an adopted program (pid not ours) */
	int		 adopted;
};

static char	readbuf[READ_SIZE];

static void	client_free(struct server *, struct client *);
static void	client_end(struct server *, struct client *);

static void
make_cmdline(struct server *s)
{
	char	**a;
	size_t	  n = 0, l;

	if (s->o->argv == NULL)
		return;
	for (a = s->o->argv; *a != NULL; a++) {
		l = strlen(*a);
		if (n + l + 2 > sizeof s->cmd)
			break;
		if (n > 0)
			s->cmd[n++] = ' ';
		memcpy(s->cmd + n, *a, l);
		n += l;
	}
	s->cmd[n] = '\0';
}

/* Binds the socket under a umask that keeps it 0600 from its first
 * moment. EADDRINUSE when the name is taken. */
static int
server_listen(struct server *s)
{
	struct sockaddr_un	 sa = { .sun_family = AF_UNIX };
	struct stat		 st;
	mode_t			 mask;
	int			 fd, rc;

	if (strlen(s->o->path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, s->o->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	mask = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(mask);
	if (rc == -1 || listen(fd, 64) == -1 || stat(s->o->path, &st) == -1) {
		rc = errno;
		close(fd);
		errno = rc;
		return -1;
	}
	s->lsock = fd;
	s->sock_dev = st.st_dev;
	s->sock_ino = st.st_ino;
	return 0;
}

/* Watches the socket directory, so that a socket or directory removed
 * under a running session is noticed without polling for it. Without
 * inotify the session only stays unreachable until it ends. */
static void
server_watch(struct server *s)
{
	if (s->notify == -1 &&
	    (s->notify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		return;
	if (s->watch != -1)
		inotify_rm_watch(s->notify, s->watch);
	s->watch = inotify_add_watch(s->notify, s->o->dir, IN_DELETE |
	    IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR |
	    IN_DONT_FOLLOW);
}

/* Something left the socket directory, or the directory itself went:
 * when it was our socket, make the directory again (under the same rules
 * as sess itself) and listen on a new socket. A path someone else took
 * meanwhile is theirs. Connections already open are not touched. */
static void
server_relisten(struct server *s)
{
	char			 evbuf[4096];
	struct stat		 st;
	int			 old;

	while (read(s->notify, evbuf, sizeof evbuf) > 0)
		;
	if (s->lsock == -1)
		return;
	if (lstat(s->o->path, &st) == 0 || errno != ENOENT)
		return;
	if (sockdir_check(s->o->dir, 1) == -1)
		return;
	old = s->lsock;
	s->lsock = -1;
	if (server_listen(s) == -1) {
		s->lsock = old;
		return;
	}
	close(old);
	server_watch(s);
}

/* Removes the socket, unless someone has put another in its place. */
static void
server_unlink(struct server *s)
{
	struct stat	 st;

	if (s->lsock == -1)
		return;
	if (stat(s->o->path, &st) == 0 && st.st_dev == s->sock_dev &&
	    st.st_ino == s->sock_ino)
		unlink(s->o->path);
	close(s->lsock);
	s->lsock = -1;
}

/* The program's side: a new session with the pty slave as its
 * controlling terminal. An exec failure goes back through errpipe. */
static void __attribute__((noreturn))
program_exec(struct server *s, const char *slave, int errpipe)
{
	sigset_t	 none;
	int		 fd, err, i;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (i = 1; i < NSIG; i++)
		signal(i, SIG_DFL);
	if (setsid() == -1 || (fd = open(slave, O_RDWR)) == -1)
		goto fail;
	if (ioctl(fd, TIOCSCTTY, 0) == -1)
		goto fail;
	if (dup2(fd, 0) == -1 || dup2(fd, 1) == -1 || dup2(fd, 2) == -1)
		goto fail;
	if (fd > 2)
		close(fd);
	setenv("SESS", s->o->name, 1);
	setenv("SESS_DIR", s->o->dir, 1);
	if (getenv("TERM") == NULL || *getenv("TERM") == '\0')
		setenv("TERM", "xterm-256color", 1);
	execvp(s->o->argv[0], s->o->argv);
fail:
	err = errno;
	write_all(errpipe, &err, sizeof err);
	_exit(127);
}

/* The session's pty, at its size: the slave's name, or NULL with errno
 * set (and no master left open). */
static char *
pty_open(struct server *s)
{
	struct winsize	 ws = { .ws_row = s->rows, .ws_col = s->cols };
	char		*slave;
	int		 err;

	if ((s->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		return NULL;
	if (grantpt(s->master) == -1 || unlockpt(s->master) == -1 ||
	    (slave = ptsname(s->master)) == NULL ||
	    ioctl(s->master, TIOCSWINSZ, &ws) == -1) {
		err = errno;
		close(s->master);
		s->master = -1;
		errno = err;
		return NULL;
	}
	return slave;
}

/* Makes the pty at the session's size and starts the program on it. */
static int
program_start(struct server *s, struct start_error *e)
{
	char		*slave;
	int		 ep[2], err;
	ssize_t		 n;

	e->stage = START_PTY;
	if ((slave = pty_open(s)) == NULL)
		goto fail;
	e->stage = START_FORK;
	if (pipe2(ep, O_CLOEXEC) == -1)
		goto fail;
	switch (s->pid = fork()) {
	case -1:
		close(ep[0]);
		close(ep[1]);
		goto fail;
	case 0:
		close(ep[0]);
		program_exec(s, slave, ep[1]);
	}
	close(ep[1]);
	do
		n = read(ep[0], &err, sizeof err);
	while (n == -1 && errno == EINTR);
	close(ep[0]);
	if (n == sizeof err) {
		waitpid(s->pid, NULL, 0);
		e->stage = START_EXEC;
		errno = err;
		goto fail;
	}
	fd_set_nonblock(s->master, 1);
	return 0;

fail:
	e->err = errno;
	return -1;
}

/* The adopted program's command line, for the listing. */
static void
adopt_cmdline(struct server *s)
{
	char	 path[64];
	ssize_t	 n = 0, i;
	int	 fd;

	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)s->pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, s->cmd, sizeof s->cmd - 1);
		close(fd);
	}
	if (n <= 0) {
		snprintf(s->cmd, sizeof s->cmd, "%s", s->adopt.comm);
		return;
	}
	while (n > 0 && s->cmd[n - 1] == '\0')
		n--;
	for (i = 0; i < n; i++)
		if (s->cmd[i] == '\0')
			s->cmd[i] = ' ';
	s->cmd[n] = '\0';
}

/* Makes the pty and moves the process onto it: done here, by the server
 * that will own the pty, where nobody's C-c can stop it half way. */
static int
adopt_start(struct server *s, struct start_error *e)
{
	struct adopt_error	 ae;
	char			*slave;

	e->stage = START_PTY;
	if ((slave = pty_open(s)) == NULL)
		goto fail;
	if (adopt_move(&s->adopt, s->master, slave, &ae) == -1 &&
	    ae.code != ADOPT_BROKEN) {
		e->stage = START_ADOPT;
		e->err = 0;
		e->code = ae.code;
		snprintf(e->msg, sizeof e->msg, "%s", ae.msg);
		close(s->master);
		s->master = -1;
		return -1;
	}
	/* Past the point of return, the process is at least partly on the
	 * pty: the session stays, so that it can be seen and ended, and
	 * the creator is told what went wrong. */
	if (ae.code == ADOPT_BROKEN) {
		e->code = ae.code;
		snprintf(e->msg, sizeof e->msg, "%s", ae.msg);
	}
	s->pid = s->adopt.pid;
	s->adopted = 1;
	adopt_cmdline(s);
	fd_set_nonblock(s->master, 1);
	return 0;

fail:
	e->err = errno;
	if (s->master != -1)
		close(s->master);
	s->master = -1;
	return -1;
}

/* The adopted program ended (its pidfd is readable): its parent, not us,
 * reaps it; the status comes from the kernel. */
static void
adopt_exited(struct server *s)
{
	int	 st;

	if (s->exited)
		return;
	st = adopt_exit_status(&s->adopt);
	s->exited = 1;
	s->status = st == -1 ? 0 : st;
	s->draining = 1;
	s->drain_until = now_ms() + DRAIN_MS;
}

/* The old shell is gone and cannot hang the program up any more: SIGHUP
 * means again what it meant before. */
static void
adopt_shell_gone(struct server *s)
{
	struct adopt_error	 ae;

	adopt_restore_sighup(&s->adopt, &ae);
}

/* SIGHUP to the program, which is its own again first. */
static void
program_hangup(struct server *s)
{
	struct adopt_error	 ae;

	if (!s->adopted) {
		kill(s->pid, SIGHUP);
		return;
	}
	if (s->adopt.shell_pidfd != -1)
		adopt_restore_sighup(&s->adopt, &ae);
	syscall(SYS_pidfd_send_signal, s->adopt.pidfd, SIGHUP, NULL, 0);
}

static void
conn_send(struct client *c, struct buf *frame)
{
	buf_add(&c->out, frame->data, frame->len);
	buf_free(frame);
}

static void
conn_error(struct client *c, int code, const char *fmt, const char *arg)
{
	struct proto_error	 e = { .code = code };
	struct buf		 b = { 0 };

	snprintf(e.msg, sizeof e.msg, fmt, arg);
	proto_add_error(&b, &e);
	conn_send(c, &b);
	c->done = 1;
}

/* Small frames to a socket that is drained by a waiting client; if it
 * cannot take them now, POLLOUT brings them later. */
static int
conn_flush(struct client *c)
{
	ssize_t	 n;

	while (c->out.len > 0) {
		n = send(c->sock, c->out.data, c->out.len,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -1;
		}
		buf_consume(&c->out, (size_t)n);
	}
	return 0;
}

static void
pty_resize(struct server *s, uint16_t rows, uint16_t cols)
{
	struct winsize	 ws = { .ws_row = rows, .ws_col = cols };

	if (rows == 0 || cols == 0 || s->exited)
		return;
	if (rows == s->rows && cols == s->cols)
		return;
	/* The kernel sends SIGWINCH to the foreground group. */
	if (ioctl(s->master, TIOCSWINSZ, &ws) == 0) {
		s->rows = rows;
		s->cols = cols;
		screen_resize(model_sync(s->model), rows, cols);
	}
}

/* Asks the program to draw itself again, as a resize would. */
static void
pty_winch(struct server *s)
{
	pid_t	 pg;

	if (s->exited)
		return;
	if ((pg = tcgetpgrp(s->master)) > 0)
		kill(-pg, SIGWINCH);
}

static void
pty_input(struct server *s, const char *p, size_t n)
{
	ssize_t	 w = 0;

	if (s->exited || n == 0)
		return;
	if (s->inq.len == 0) {
		w = write(s->master, p, n);
		if (w == -1) {
			if (errno != EAGAIN && errno != EINTR)
				return;
			w = 0;
		}
	}
	buf_add(&s->inq, p + w, n - (size_t)w);
}

static void
pty_flush_input(struct server *s)
{
	ssize_t	 w;

	while (s->inq.len > 0) {
		w = write(s->master, s->inq.data, s->inq.len);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				buf_reset(&s->inq);
			return;
		}
		buf_consume(&s->inq, (size_t)w);
	}
}

/* The size follows the last client that attached or typed, never a
 * read-only or low-priority one. */
static void
client_take_size(struct server *s, struct client *c)
{
	if (c->flags & (ATTACH_READONLY | ATTACH_LOWPRIO))
		return;
	s->owner = c;
	pty_resize(s, c->rows, c->cols);
}

static void
tty_queue(struct client *c, const char *p, size_t n, int whole)
{
	if (!whole && c->tq.len - c->tq_off + n > CLIENT_BACKLOG) {
		/* Too far behind: what it missed is replaced by a redraw. */
		buf_free(&c->tq);
		c->tq_off = 0;
		c->resync = 1;
		c->dropped = now_ms();
		return;
	}
	if (c->tq_off > 0 && c->tq_off >= c->tq.len / 2) {
		buf_consume(&c->tq, c->tq_off);
		c->tq_off = 0;
	}
	buf_add(&c->tq, p, n);
}

/* Sends output to one terminal: straight through when nothing is queued,
 * which is the common case. -1 when the terminal is gone. A redraw is
 * queued whole (whole), whatever its size: it is what a resync sends. */
static int
tty_send(struct client *c, const char *p, size_t n, int whole)
{
	ssize_t	 w = 0;

	if (c->resync)
		return 0;
	if (c->tq.len == c->tq_off) {
		w = write(c->tty, p, n);
		if (w == -1) {
			if (errno != EAGAIN && errno != EINTR)
				return -1;
			w = 0;
		}
		if ((size_t)w == n)
			return 0;
	}
	tty_queue(c, p + w, n - (size_t)w, whole);
	return 0;
}

static int
tty_output(struct client *c, const char *p, size_t n)
{
	return tty_send(c, p, n, 0);
}

static int
tty_flush(struct client *c)
{
	ssize_t	 w;

	while (c->tq.len > c->tq_off) {
		w = write(c->tty, c->tq.data + c->tq_off,
		    c->tq.len - c->tq_off);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -1;
		}
		c->tq_off += (size_t)w;
	}
	buf_reset(&c->tq);
	c->tq_off = 0;
	return 0;
}

/* Draws the whole screen from the model on one terminal. */
static void
tty_redraw(struct server *s, struct client *c, int flags)
{
	struct buf	 b = { 0 };

	if (screen_redraw(model_sync(s->model), flags, &b) == 0)
		tty_send(c, b.data, b.len, 1);
	buf_free(&b);
}

/* Whether a terminal whose backlog was dropped is to be redrawn now. */
static int
tty_resync_due(struct server *s, struct client *c, int64_t now)
{
	return c->resync && (now >= c->dropped + RESYNC_MS ||
	    !model_busy(s->model));
}

/* The terminal can take output again after its backlog was dropped. */
static void
tty_resync(struct server *s, struct client *c)
{
	struct buf	 b = { 0 };

	c->resync = 0;
	if (model_redraw(s->model, &b) == 0)
		tty_send(c, b.data, b.len, 1);
	buf_free(&b);
}

/* A program that ended on the alternate screen leaves that screen on the
 * main one, where it stays after the client is gone. The terminal is
 * still raw, so rows end in CR LF. */
static void
screen_flatten(struct server *s, struct buf *b)
{
	struct buf	 text = { 0 };
	size_t		 i;

	if (screen_dump(model_sync(s->model), SCREEN_ATTRS, &text) == -1)
		return;
	buf_adds(b, "\033[H\033[2J");
	for (i = 0; i < text.len; i++) {
		if (text.data[i] == '\n')
			buf_add(b, "\r", 1);
		buf_add(b, &text.data[i], 1);
	}
	buf_adds(b, "\033[m");
	buf_free(&text);
}

/* Lets go of a client's terminal: undo the program's modes, give back
 * the description's flags, and tell the client why it is done. */
static void
client_release(struct server *s, struct client *c, int reason, int status,
    int flags)
{
	struct proto_exit	 x = { reason, flags, status };
	struct buf		 b = { 0 }, reset = { 0 };

	if (c->tty == -1)
		return;
	tty_flush(c);
	/* Small, and the terminal is going back to its user: no queue. */
	if (screen_reset(model_sync(s->model), &reset) == 0) {
		if (reason == EXIT_EXITED && screen_alternate(s->screen))
			screen_flatten(s, &reset);
		(void)write(c->tty, reset.data, reset.len);
	}
	buf_free(&reset);
	if (c->tty_shared)
		fcntl(c->tty, F_SETFL, c->tty_flags);
	close(c->tty);
	c->tty = -1;
	keys_free(c->keys);
	c->keys = NULL;
	buf_free(&c->tq);
	s->attached--;
	if (s->owner == c)
		s->owner = NULL;
	proto_add_exit(&b, &x);
	conn_send(c, &b);
	c->done = 1;
}

static void
client_free(struct server *s, struct client *c)
{
	int	 i;

	if (c->tty != -1) {
		/* Gone without a word: leave its terminal as we found it. */
		tcsetattr(c->tty, TCSADRAIN, &c->tio);
		client_release(s, c, EXIT_FAILED, 0, 0);
	}
	if (c->passed != -1)
		close(c->passed);
	close(c->sock);
	buf_free(&c->in);
	buf_free(&c->out);
	for (i = 0; i < s->nconns; i++) {
		if (s->conns[i] == c) {
			s->conns[i] = s->conns[--s->nconns];
			break;
		}
	}
	free(c);
}

/* A terminal of our own for the passed one: with its own status flags,
 * so O_NONBLOCK never reaches the user's shell. */
static int
tty_open(struct client *c, int passed)
{
	char	 path[64];
	int	 fd;

	snprintf(path, sizeof path, "/proc/self/fd/%d", passed);
	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd != -1 && isatty(fd)) {
		close(passed);
		c->tty_shared = 0;
		return fd;
	}
	if (fd != -1)
		close(fd);
	if (!isatty(passed)) {
		errno = ENOTTY;
		return -1;
	}
	c->tty_shared = 1;
	c->tty_flags = fcntl(passed, F_GETFL);
	fd_set_nonblock(passed, 1);
	return passed;
}

static void
client_attach(struct server *s, struct client *c, const struct proto_msg *m)
{
	struct proto_attach	 a;
	struct buf		 b = { 0 };
	int			 same;

	if (proto_get_attach(m, &a) == -1 || c->passed == -1) {
		conn_error(c, EBADMSG, "%s", "bad attach request");
		return;
	}
	if (c->tty != -1) {
		conn_error(c, EALREADY, "%s", "already attached");
		return;
	}
	if (s->attached >= MAX_CLIENTS) {
		conn_error(c, EUSERS, "session %s has too many clients",
		    s->o->name);
		return;
	}
	if (!(a.flags & ATTACH_NOKEYS)) {
		if ((c->keys = keys_new(a.keys, a.term)) == NULL) {
			conn_error(c, EINVAL, "bad detach keys: %s", a.keys);
			return;
		}
	}
	if ((c->tty = tty_open(c, c->passed)) == -1) {
		keys_free(c->keys);
		c->keys = NULL;
		conn_error(c, errno, "%s", "cannot use the terminal");
		return;
	}
	c->passed = -1;
	c->tio = a.tio;
	c->flags = a.flags;
	c->rows = a.rows;
	c->cols = a.cols;
	s->attached++;
	s->ever_attached = 1;

	proto_add(&b, MSG_OK, NULL, 0);
	conn_send(c, &b);

	if (s->exited && !s->draining) {
		/* Nobody saw it end: this client sees the last screen and
		 * collects the status. */
		tty_redraw(s, c, 0);
		client_end(s, c);
		return;
	}
	/* Model and pty take the new size before the redraw, so the
	 * redraw is the program's screen at that size. */
	same = c->rows == s->rows && c->cols == s->cols;
	client_take_size(s, c);
	tty_redraw(s, c, SCROLLBACK_REPLAY > 0 ? SCREEN_SCROLLBACK : 0);
	/* What the model cannot hold (images, links, what it does not
	 * parse) the program draws again, as after a resize. */
	if (same || (c->flags & (ATTACH_READONLY | ATTACH_LOWPRIO)))
		pty_winch(s);
}

static void
client_info(struct server *s, struct client *c)
{
	struct proto_info	 i = { 0 };
	struct buf		 b = { 0 };

	i.state = s->exited && !s->draining ? INFO_EXITED : INFO_RUNNING;
	i.status = s->status;
	i.pid = (uint32_t)s->pid;
	i.clients = (uint32_t)s->attached;
	i.rows = s->rows;
	i.cols = s->cols;
	i.created = (uint64_t)s->created;
	memcpy(i.cmd, s->cmd, sizeof i.cmd);
	proto_add_info(&b, &i);
	conn_send(c, &b);
}

/* Tells a client the program exited, once the terminal has taken all of
 * the program's output: the last lines matter most. */
static void
client_end(struct server *s, struct client *c)
{
	s->collected = 1;
	c->ending = 1;
	if (c->tq.len == c->tq_off && !c->resync)
		client_release(s, c, EXIT_EXITED, s->status, 0);
}

/* sess dump: the screen as text, in frames, then OK. */
static void
client_dump(struct server *s, struct client *c, const struct proto_msg *m)
{
	struct buf	 text = { 0 }, b = { 0 };
	uint32_t	 flags;
	size_t		 off, n;

	if (proto_get_dump_req(m, &flags) == -1) {
		conn_error(c, EBADMSG, "%s", "bad dump request");
		return;
	}
	if (screen_dump(model_sync(s->model), (int)flags, &text) == -1) {
		conn_error(c, errno, "%s", "cannot dump the screen");
		return;
	}
	for (off = 0; off < text.len; off += n) {
		n = text.len - off;
		if (n > PROTO_MAX_PAYLOAD)
			n = PROTO_MAX_PAYLOAD;
		proto_add(&c->out, MSG_DUMP, text.data + off, n);
	}
	proto_add(&b, MSG_OK, NULL, 0);
	conn_send(c, &b);
	buf_free(&text);
}

/* sess -k: the program gets SIGHUP, every client is told, the name goes. */
static void
server_kill(struct server *s, struct client *asker)
{
	struct buf	 b = { 0 };
	int		 i;

	if (!s->exited) {
		program_hangup(s);
		close(s->master);
		s->master = -1;
	}
	for (i = 0; i < s->nconns; i++)
		client_release(s, s->conns[i], EXIT_KILLED, 0, 0);
	server_unlink(s);
	if (asker != NULL) {
		proto_add(&b, MSG_OK, NULL, 0);
		conn_send(asker, &b);
		asker->done = 1;
	}
	s->quit = 1;
}

static void
client_message(struct server *s, struct client *c, const struct proto_msg *m)
{
	struct proto_hello	 h;
	struct proto_resize	 z;
	struct buf		 b = { 0 };

	if (!c->hello) {
		if (m->type != MSG_HELLO || proto_get_hello(m, &h) == -1 ||
		    h.magic != PROTO_MAGIC) {
			c->done = 1;
			return;
		}
		c->hello = 1;
		/* Either way it learns our version; a mismatch ends here. */
		proto_add_hello(&b);
		conn_send(c, &b);
		if (h.version != PROTO_VERSION)
			c->done = 1;
		return;
	}
	switch (m->type) {
	case MSG_ATTACH:
		client_attach(s, c, m);
		break;
	case MSG_RESIZE:
		if (proto_get_resize(m, &z) == -1 || c->tty == -1)
			break;
		c->rows = z.rows;
		c->cols = z.cols;
		if (s->owner == c)
			pty_resize(s, z.rows, z.cols);
		break;
	case MSG_DETACH:
		if (c->tty != -1)
			client_release(s, c, EXIT_DETACHED, 0, 0);
		else
			c->done = 1;
		break;
	case MSG_INFO_REQ:
		client_info(s, c);
		break;
	case MSG_INPUT:
		/* sess send: typed, as if by an attached client. */
		c->sender = 1;
		pty_input(s, (const char *)m->data, m->len);
		break;
	case MSG_DUMP_REQ:
		client_dump(s, c, m);
		break;
	case MSG_KILL:
		server_kill(s, c);
		break;
	default:
		conn_error(c, EBADMSG, "%s", "unexpected message");
		break;
	}
}

/* Reads from a client's socket, with any fd passed along. -1 when the
 * connection is over. */
static int
client_read_sock(struct server *s, struct client *c)
{
	union {
		struct cmsghdr	hdr;
		char		space[CMSG_SPACE(sizeof(int) * 4)];
	} cm;
	struct msghdr		 mh = { 0 };
	struct iovec		 iov;
	struct cmsghdr		*ch;
	struct proto_msg	 m;
	size_t			 used, i, nfd;
	ssize_t			 n;
	int			*fds, rc;

	if (buf_reserve(&c->in, 4096) == -1)
		return -1;
	iov.iov_base = c->in.data + c->in.len;
	iov.iov_len = c->in.cap - c->in.len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.space;
	mh.msg_controllen = sizeof cm.space;
	n = recvmsg(c->sock, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n == -1)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	for (ch = CMSG_FIRSTHDR(&mh); ch != NULL; ch = CMSG_NXTHDR(&mh, ch)) {
		if (ch->cmsg_level != SOL_SOCKET || ch->cmsg_type != SCM_RIGHTS)
			continue;
		fds = (int *)CMSG_DATA(ch);
		nfd = (ch->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfd; i++) {
			/* One terminal per client; anything more is dropped. */
			if (c->passed == -1)
				c->passed = fds[i];
			else
				close(fds[i]);
		}
	}
	if (n == 0)
		return -1;
	c->in.len += (size_t)n;
	while (!c->done && (rc = proto_frame(c->in.data, c->in.len, &m,
	    &used)) != 0) {
		if (rc == -1)
			return -1;	/* garbage: this connection only */
		client_message(s, c, &m);
		buf_consume(&c->in, used);
	}
	return 0;
}

/* The client whose terminal answers the program's queries: the one the
 * pty's size follows, else the first that may type. NULL: the model
 * answers. Every terminal would answer a query, but the program asked
 * once. */
static struct client *
server_answerer(struct server *s)
{
	struct client	*c;
	int		 i;

	if (s->owner != NULL)
		return s->owner;
	for (i = 0; i < s->nconns; i++) {
		c = s->conns[i];
		if (c->tty != -1 && !(c->flags & ATTACH_READONLY))
			return c;
	}
	return NULL;
}

/* Keys from a terminal: the chord is looked for, the rest goes on. */
static int
client_read_tty(struct server *s, struct client *c)
{
	struct buf	 out = { 0 };
	ssize_t		 n;
	int		 rc = KEYS_FORWARD;
	int		 rel = 0;

	n = read(c->tty, readbuf, sizeof readbuf);
	if (n == -1)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	if (c->keys != NULL) {
		rc = keys_input(c->keys, readbuf, (size_t)n, now_ms(),
		    c != server_answerer(s), &out);
		rel = keys_release_follows(c->keys);
	} else {
		buf_add(&out, readbuf, (size_t)n);
		if (c != server_answerer(s))
			out.len = keys_strip_reports(out.data, out.len);
	}
	if (!(c->flags & ATTACH_READONLY) && out.len > 0) {
		if (s->owner != c)
			client_take_size(s, c);
		pty_input(s, out.data, out.len);
	}
	buf_free(&out);
	if (rc == KEYS_DETACH)
		client_release(s, c, EXIT_DETACHED, 0,
		    rel ? EXIT_RELEASE_FOLLOWS : 0);
	return 0;
}

static void
client_expire_keys(struct server *s, struct client *c, int64_t now)
{
	struct buf	 out = { 0 };

	keys_expire(c->keys, now, c != server_answerer(s), &out);
	if (!(c->flags & ATTACH_READONLY))
		pty_input(s, out.data, out.len);
	buf_free(&out);
}

/* Program output: to every terminal first, as it came. */
static int
pty_output(struct server *s)
{
	struct client	*c;
	ssize_t		 n, got;
	int		 i;

	n = read(s->master, readbuf, sizeof readbuf);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0)
		return -1;
	/* A pty gives at most 4 KiB a read: after a full one, take what
	 * else is there now, so that a flood goes on in fewer, larger
	 * writes (each costs the terminal's side a wake-up). A short read
	 * (a key's echo) goes at once. */
	for (got = n; got >= PTY_CHUNK / 2 &&
	    (size_t)n <= sizeof readbuf - PTY_CHUNK; n += got) {
		got = read(s->master, readbuf + n, sizeof readbuf -
		    (size_t)n);
		if (got <= 0)
			break;
	}
	for (i = 0; i < s->nconns; i++) {
		c = s->conns[i];
		if (c->tty != -1 && tty_output(c, readbuf, (size_t)n) == -1)
			client_release(s, c, EXIT_FAILED, 0, 0);
	}
	/* The model comes after the terminals, and on its own thread: it
	 * never delays them. (SESS_NO_MODEL: a build for make bench to
	 * measure what the model costs; its redraws show nothing.) */
#ifndef SESS_NO_MODEL
	model_input(s->model, readbuf, (size_t)n);
#endif
	return 0;
}

/* The model answers the program's terminal queries only while no real
 * terminal is there to answer them (read-only ones do not). */
static void
server_reply(const char *p, size_t n, void *arg)
{
	struct server	*s = arg;

	if (server_answerer(s) == NULL)
		pty_input(s, p, n);
}

static int
status_of(int ws)
{
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return WEXITSTATUS(ws);
}

/* The program ended and its last output is read: tell the attached
 * clients, or keep the status for whoever comes next. */
static void
server_finish_exit(struct server *s)
{
	int	 i;

	s->draining = 0;
	if (s->master != -1) {
		close(s->master);
		s->master = -1;
	}
	s->exited_at = now_ms();
	for (i = 0; i < s->nconns; i++) {
		if (s->conns[i]->tty != -1)
			client_end(s, s->conns[i]);
	}
	if (s->foreground)
		s->collected = 1;
}

static void
server_signal(struct server *s)
{
	struct signalfd_siginfo	 si;
	int			 ws;
	pid_t			 pid;

	while (read(s->sigfd, &si, sizeof si) == sizeof si) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
				if (pid != s->pid || s->exited)
					continue;
				s->exited = 1;
				s->status = status_of(ws);
				s->draining = 1;
				s->drain_until = now_ms() + DRAIN_MS;
			}
			break;
		case SIGTERM:
		case SIGINT:
		case SIGHUP:
			if (s->foreground && !s->exited)
				program_hangup(s);
			else
				server_kill(s, NULL);
			break;
		}
	}
}

static void
server_accept(struct server *s)
{
	struct client	*c;
	struct ucred	 cr;
	socklen_t	 len = sizeof cr;
	int		 fd;

	fd = accept4(s->lsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd == -1)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1 ||
	    (cr.uid != getuid() && cr.uid != 0) || s->nconns >= MAX_CONNS) {
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof *c)) == NULL) {
		close(fd);
		return;
	}
	c->sock = fd;
	c->tty = -1;
	c->passed = -1;
	c->since = now_ms();
	s->conns[s->nconns++] = c;
}

/* The next moment something is due on time, as a poll timeout. */
static int
server_timeout(struct server *s, int64_t now)
{
	int64_t		 due = -1, t;
	struct client	*c;
	int		 i, k;

#define DUE(x) do { t = (x); if (due == -1 || t < due) due = t; } while (0)
	if (s->draining)
		DUE(s->drain_until);
	if (s->exited && !s->draining && s->attached == 0)
		DUE(s->exited_at + (int64_t)EXITED_LINGER * 1000);
	for (i = 0; i < s->nconns; i++) {
		c = s->conns[i];
		if (!c->hello)
			DUE(c->since + HELLO_TIMEOUT);
		if (c->keys != NULL && (k = keys_timeout(c->keys, now)) >= 0)
			DUE(now + k);
		if (c->resync)
			DUE(c->dropped + RESYNC_MS);
	}
#undef DUE
	if (due == -1)
		return -1;
	return due <= now ? 0 : (int)(due - now);
}

static void
server_timers(struct server *s, int64_t now)
{
	struct client	*c;
	int		 i, k;

	if (s->draining && now >= s->drain_until)
		server_finish_exit(s);
	if (s->exited && !s->draining && s->attached == 0 &&
	    now >= s->exited_at + (int64_t)EXITED_LINGER * 1000)
		s->quit = 1;
	for (i = 0; i < s->nconns; i++) {
		c = s->conns[i];
		if (!c->hello && now >= c->since + HELLO_TIMEOUT)
			c->done = 1;
		if (c->keys != NULL && (k = keys_timeout(c->keys, now)) == 0)
			client_expire_keys(s, c, now);
	}
}

enum { P_LISTEN, P_MASTER, P_SIGNAL, P_MODEL, P_ADOPTED, P_OLDSHELL,
    P_NOTIFY, P_FIXED };

static void
server_loop(struct server *s)
{
	struct pollfd	 pfd[P_FIXED + 2 * MAX_CONNS];
	struct client	*c, *snap[MAX_CONNS];
	int		 where[MAX_CONNS];
	int		 i, n, nsnap, timeout, reading;
	int64_t		 now;

	while (!s->quit) {
		now = now_ms();
		pfd[P_LISTEN].fd = s->lsock;
		pfd[P_LISTEN].events = POLLIN;
		pfd[P_MASTER].fd = s->master;
		/* A model far behind holds the program back, not memory. */
		pfd[P_MASTER].events = model_full(s->model) ? 0 : POLLIN;
		if (s->inq.len > 0)
			pfd[P_MASTER].events |= POLLOUT;
		pfd[P_SIGNAL].fd = s->sigfd;
		pfd[P_SIGNAL].events = POLLIN;
		pfd[P_MODEL].fd = model_fd(s->model);
		pfd[P_MODEL].events = POLLIN;
		/* An adopted program is not our child: its pidfd says when
		 * it ends, and its old shell's when SIGHUP is safe again. */
		pfd[P_ADOPTED].fd = s->adopted && !s->exited ?
		    s->adopt.pidfd : -1;
		pfd[P_ADOPTED].events = POLLIN;
		pfd[P_OLDSHELL].fd = s->adopted ? s->adopt.shell_pidfd : -1;
		pfd[P_OLDSHELL].events = POLLIN;
		pfd[P_NOTIFY].fd = s->notify;
		pfd[P_NOTIFY].events = POLLIN;
		/* A program that does not read its input slows the typists,
		 * nobody else. */
		reading = s->inq.len < INPUT_BACKLOG;
		n = P_FIXED;
		nsnap = s->nconns;
		for (i = 0; i < nsnap; i++) {
			c = snap[i] = s->conns[i];
			where[i] = n;
			pfd[n].fd = c->sock;
			pfd[n].events = reading || !c->sender ? POLLIN : 0;
			if (c->out.len > 0)
				pfd[n].events |= POLLOUT;
			n++;
			pfd[n].fd = c->tty;
			pfd[n].events = 0;
			if (c->tty != -1) {
				if (reading)
					pfd[n].events |= POLLIN;
				if (c->tq.len > c->tq_off ||
				    tty_resync_due(s, c, now))
					pfd[n].events |= POLLOUT;
			}
			n++;
		}
		timeout = server_timeout(s, now);
		if (poll(pfd, (nfds_t)n, timeout) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}

		if (pfd[P_SIGNAL].revents)
			server_signal(s);
		if (pfd[P_ADOPTED].fd != -1 && pfd[P_ADOPTED].revents)
			adopt_exited(s);
		if (pfd[P_OLDSHELL].fd != -1 && pfd[P_OLDSHELL].revents &&
		    pfd[P_OLDSHELL].fd == s->adopt.shell_pidfd)
			adopt_shell_gone(s);
		if (pfd[P_MODEL].revents & POLLIN)
			model_poll(s->model);
		if (s->master != -1 && pfd[P_MASTER].revents & POLLOUT)
			pty_flush_input(s);
		if (s->master != -1 &&
		    pfd[P_MASTER].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (pty_output(s) == -1) {
				/* EIO: every slave is closed. */
				if (s->exited)
					server_finish_exit(s);
				else {
					close(s->master);
					s->master = -1;
				}
			}
		}
		for (i = 0; i < nsnap; i++) {
			c = snap[i];
			struct pollfd *ps = &pfd[where[i]], *pt = ps + 1;

			if (pt->fd != -1 && c->tty == pt->fd) {
				if (pt->revents & POLLOUT) {
					if (c->tq.len == c->tq_off &&
					    tty_resync_due(s, c, now))
						tty_resync(s, c);
					if (tty_flush(c) == -1)
						client_release(s, c,
						    EXIT_FAILED, 0, 0);
					else if (c->ending)
						client_end(s, c);
				}
				if (c->tty != -1 && pt->revents &
				    (POLLIN | POLLHUP | POLLERR) &&
				    client_read_tty(s, c) == -1)
					client_release(s, c, EXIT_FAILED, 0, 0);
			}
			if (ps->revents & (POLLIN | POLLHUP | POLLERR) &&
			    !c->done && client_read_sock(s, c) == -1) {
				client_free(s, c);
				snap[i] = NULL;
				continue;
			}
			if (conn_flush(c) == -1 || (c->done &&
			    c->out.len == 0)) {
				client_free(s, c);
				snap[i] = NULL;
			}
		}
		if (pfd[P_LISTEN].revents & POLLIN && s->lsock != -1)
			server_accept(s);
		if (pfd[P_NOTIFY].revents & POLLIN)
			server_relisten(s);
		server_timers(s, now_ms());
		/* Done once the status reached whoever was there. */
		if (s->exited && !s->draining && s->collected &&
		    s->attached == 0)
			s->quit = 1;
	}
}

/* Sends the last frames (EXIT, OK) before the process goes away; a client
 * that does not read them within a second is left to notice the close. */
static void
server_flush_all(struct server *s)
{
	int64_t		 until = now_ms() + 1000;
	struct pollfd	 p;
	struct client	*c;
	int		 i;

	for (i = 0; i < s->nconns; i++) {
		c = s->conns[i];
		while (c->out.len > 0 && conn_flush(c) == 0 &&
		    c->out.len > 0 && now_ms() < until) {
			p.fd = c->sock;
			p.events = POLLOUT;
			poll(&p, 1, (int)(until - now_ms()));
		}
	}
	while (s->nconns > 0)
		client_free(s, s->conns[0]);
}

/* Everything server_init took, so that a failed start or a finished
 * session leaves no memory, descriptor or thread behind. */
static void
server_free(struct server *s)
{
	while (s->nconns > 0)
		client_free(s, s->conns[0]);
	model_free(s->model);
	s->model = NULL;
	if (s->screen != NULL)
		screen_free(s->screen);
	s->screen = NULL;
	buf_free(&s->inq);
	if (s->master != -1)
		close(s->master);
	if (s->sigfd != -1)
		close(s->sigfd);
	if (s->notify != -1)
		close(s->notify);
	s->master = s->sigfd = s->notify = -1;
	adopt_free(&s->adopt);
}

/* Refusals come before anything exists; with no size of its own, the
 * session takes the old terminal's. */
static int
server_adopt_check(struct server *s, struct start_error *e)
{
	struct adopt_error	 ae;

	s->adopt.flags = 0;
	if (adopt_check(s->o->adopt, &s->adopt, &ae) == -1) {
		e->stage = START_ADOPT;
		e->err = 0;
		e->code = ae.code;
		snprintf(e->msg, sizeof e->msg, "%s", ae.msg);
		return -1;
	}
	if (s->o->rows <= 0 && s->adopt.ws.ws_row > 0 &&
	    s->adopt.ws.ws_col > 0) {
		s->rows = s->adopt.ws.ws_row;
		s->cols = s->adopt.ws.ws_col;
	}
	return 0;
}

static int
server_init(struct server *s, const struct server_opts *o,
    struct start_error *e)
{
	sigset_t	 mask;

	memset(s, 0, sizeof *s);
	/* The whole verdict goes through a pipe, unused fields included. */
	memset(e, 0, sizeof *e);
	s->o = o;
	s->lsock = s->master = s->sigfd = s->notify = s->watch = -1;
	s->adopt.pidfd = s->adopt.shell_pidfd = -1;
	/* A flood's buffers (megabytes) get pages of their own, given
	 * back when freed: malloc would put them in a heap, among the
	 * scrollback's blocks, and keep what they leave between them. */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	s->rows = o->rows > 0 ? o->rows : 24;
	s->cols = o->cols > 0 ? o->cols : 80;
	s->created = time(NULL);
	make_cmdline(s);
	if (o->adopt > 0 && server_adopt_check(s, e) == -1)
		return -1;

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	s->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->sigfd == -1) {
		e->stage = START_FORK;
		e->err = errno;
		goto fail;
	}
	if ((s->screen = screen_new(s->rows, s->cols)) == NULL) {
		e->stage = START_PTY;
		e->err = errno;
		goto fail;
	}
	if (server_listen(s) == -1) {
		e->stage = errno == EADDRINUSE ? START_EXISTS : START_SOCKET;
		e->err = errno;
		goto fail;
	}
	server_watch(s);
	if ((o->adopt > 0 ? adopt_start(s, e) : program_start(s, e)) == -1) {
		server_unlink(s);
		goto fail;
	}
	/* Only now: the program was forked from a single thread. */
	if ((s->model = model_new(s->screen, server_reply, s)) == NULL) {
		e->stage = START_FORK;
		e->err = errno;
		program_hangup(s);
		server_unlink(s);
		goto fail;
	}
	e->stage = START_OK;
	return 0;

fail:
	server_free(s);
	return -1;
}

int
server_foreground(const struct server_opts *o, struct start_error *e)
{
	struct server	 s;

	if (server_init(&s, o, e) == -1)
		return -1;
	s.foreground = 1;
	server_loop(&s);
	server_flush_all(&s);
	server_unlink(&s);
	server_free(&s);
	return s.status;
}

/* The server runs a small part of the code and tables it shares a binary
 * with (the client's, adopt's, most of the libraries'), but the kernel
 * maps the pages around each one it touches (64 KiB, or a whole large
 * folio of the page cache), which made most of them resident in every
 * server. No read-around for any read-only mapping of a file, and the
 * pages the creator touched are let go: of code, and of read-only data
 * that nothing wrote (where relocations were written, the mapping has
 * anonymous pages, which letting go would lose). The mappings are all
 * read first: the code that reads and parses them is let go too, not
 * faulted in again line by line. */
static void
server_trim_text(void)
{
	struct {
		unsigned long	 a, b;
		int		 drop;
	}		 m[64];
	FILE		*f;
	char		 line[512], perm[8];
	unsigned long	 a, b, kb;
	int		 path, n = 0, i, cur = -1;

	if ((f = fopen("/proc/self/smaps", "re")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		path = 0;
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &a, &b, perm,
		    &path) >= 3) {
			cur = -1;
			if (path == 0 || line[path] != '/' ||
			    perm[1] != '-' || b <= a || n == (int)nitems(m))
				continue;
			m[n].a = a;
			m[n].b = b;
			m[n].drop = 1;
			cur = n++;
		} else if (cur != -1 &&
		    sscanf(line, "Anonymous: %lu", &kb) == 1 && kb > 0)
			m[cur].drop = 0;
	}
	fclose(f);
	for (i = 0; i < n; i++) {
		(void)madvise((void *)m[i].a, m[i].b - m[i].a, MADV_RANDOM);
		if (m[i].drop)
			(void)madvise((void *)m[i].a, m[i].b - m[i].a,
			    MADV_DONTNEED);
	}
}

/* Daemonises: the creator waits on a pipe for the verdict of the server's
 * start, so a program that cannot run leaves nothing behind. */
int
server_start(const struct server_opts *o, struct start_error *e)
{
	struct server	 s;
	pid_t		 pid;
	int		 sp[2], null, st;
	ssize_t		 n;

	if (pipe2(sp, O_CLOEXEC) == -1) {
		e->stage = START_FORK;
		e->err = errno;
		return -1;
	}
	switch (pid = fork()) {
	case -1:
		e->stage = START_FORK;
		e->err = errno;
		close(sp[0]);
		close(sp[1]);
		return -1;
	case 0:
		close(sp[0]);
		if (setsid() == -1 || (pid = fork()) == -1) {
			e->stage = START_FORK;
			e->err = errno;
			write_all(sp[1], e, sizeof *e);
			_exit(1);
		}
		if (pid > 0)
			_exit(0);
		if ((null = open("/dev/null", O_RDWR)) != -1) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			if (null > 2)
				close(null);
		}
		/* Nothing of the creator's reaches the server or program. */
		if (sp[1] > 3)
			close_range(3, (unsigned)sp[1] - 1, 0);
		close_range((unsigned)sp[1] + 1, ~0U, 0);
		if (server_init(&s, o, e) == -1) {
			write_all(sp[1], e, sizeof *e);
			_exit(1);
		}
		write_all(sp[1], e, sizeof *e);
		close(sp[1]);
		if (chdir("/") == -1)
			_exit(1);
		server_trim_text();
		server_loop(&s);
		server_flush_all(&s);
		server_unlink(&s);
		server_free(&s);
		/* exit, so that leak checkers see the end; the creator's
		 * stdio went to /dev/null above, nothing of it is flushed. */
		exit(0);
	}
	close(sp[1]);
	waitpid(pid, &st, 0);
	do
		n = read(sp[0], e, sizeof *e);
	while (n == -1 && errno == EINTR);
	close(sp[0]);
	if (n != sizeof *e) {
		e->stage = START_FORK;
		e->err = ECHILD;
		return -1;
	}
	return e->stage == START_OK ? 0 : -1;
}
