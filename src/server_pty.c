/* The program's side of the server: its pty, its start, the keys queued
 * for it, and its output, which goes to every terminal first and to the
 * screen model after. */
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "server_priv.h"

#define PTY_CHUNK	4096		/* the most a pty read gives */

/* The program's side: a new session with the pty slave as its
 * controlling terminal. An exec failure goes back through errpipe. */
static void __attribute__((noreturn))
server_pty_exec(struct server *s, const char *slave, int errpipe)
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
char *
server_pty_open(struct server *s)
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

/* Makes the pty at the session's size and forks the program on it: 0,
 * with *exec the pipe server_pty_started reads its exec's outcome from
 * (the server goes on meanwhile, while the program's exec takes its
 * time), or -1. */
int
server_pty_start(struct server *s, struct start_error *e, int *exec)
{
	char		*slave;
	int		 ep[2];

	e->stage = START_PTY;
	if ((slave = server_pty_open(s)) == NULL)
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
		server_pty_exec(s, slave, ep[1]);
	}
	close(ep[1]);
	*exec = ep[0];
	return 0;

fail:
	e->err = errno;
	return -1;
}

/* Whether the program's exec went through: its error comes down the
 * pipe, success closes it. */
int
server_pty_started(struct server *s, struct start_error *e, int exec)
{
	int		 err;
	ssize_t		 n;

	do
		n = read(exec, &err, sizeof err);
	while (n == -1 && errno == EINTR);
	close(exec);
	if (n == sizeof err) {
		waitpid(s->pid, NULL, 0);
		e->stage = START_EXEC;
		e->err = err;
		return -1;
	}
	fd_set_nonblock(s->master, 1);
	return 0;
}

/* SIGHUP to the program, which is its own again first if adopted. */
void
server_pty_hangup(struct server *s)
{
	if (s->adopted)
		server_adopt_hangup(s);
	else if (kill(s->pid, SIGHUP) == -1)
		log_debug("SIGHUP to %ld: %s", (long)s->pid, strerror(errno));
}

void
server_pty_close(struct server *s)
{
	if (s->master != -1)
		close(s->master);
	s->master = -1;
}

void
server_pty_resize(struct server *s, uint16_t rows, uint16_t cols)
{
	struct winsize	 ws = { .ws_row = rows, .ws_col = cols };

	if (rows == 0 || cols == 0 || s->state != SESSION_RUNNING)
		return;
	if (rows == s->rows && cols == s->cols)
		return;
	/* The kernel sends SIGWINCH to the foreground group. */
	if (ioctl(s->master, TIOCSWINSZ, &ws) == -1) {
		log_debug("resize to %ux%u: %s", cols, rows, strerror(errno));
		return;
	}
	s->rows = rows;
	s->cols = cols;
	model_resize(s->model, rows, cols, MODEL_SYNC_MS);
}

/* Asks the program to draw itself again, as a resize would. */
void
server_pty_winch(struct server *s)
{
	pid_t	 pg;

	if (s->state != SESSION_RUNNING)
		return;
	if ((pg = tcgetpgrp(s->master)) > 0)
		kill(-pg, SIGWINCH);
}

void
server_pty_input(struct server *s, const char *p, size_t n)
{
	ssize_t	 w = 0;

	if (s->state != SESSION_RUNNING || n == 0)
		return;
	if (s->inq.len == 0) {
		w = write(s->master, p, n);
		if (w == -1) {
			if (errno != EAGAIN && errno != EINTR) {
				log_debug("input lost (%zu bytes): %s", n,
				    strerror(errno));
				return;
			}
			w = 0;
		}
	}
	if (buf_add(&s->inq, p + w, n - (size_t)w) == -1)
		log_debug("input lost (%zu bytes): %s", n - (size_t)w,
		    strerror(errno));
}

void
server_pty_flush_input(struct server *s)
{
	ssize_t	 w;

	while (s->inq.len > 0) {
		w = write(s->master, s->inq.data, s->inq.len);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN) {
				log_debug("input lost (%zu bytes): %s",
				    s->inq.len, strerror(errno));
				buf_reset(&s->inq);
			}
			return;
		}
		buf_consume(&s->inq, (size_t)w);
	}
}

/* Output to every terminal, as it came. Whether the terminal that answers
 * queries had it is told to the model, which answers those it did not. */
static void
server_pty_forward(struct server *s, const char *p, size_t n)
{
	struct client	*c, *a = server_client_answerer(s);
	int		 i, answered;

	for (i = 0; i < s->nconns; i++) {
		c = s->conns[i];
		if (c->tty != -1 && server_client_tty_output(c, p, n) == -1) {
			log_debug("client %d: terminal write failed: %s",
			    c->sock, strerror(errno));
			server_client_release(s, c, EXIT_FAILED, 0, 0);
		}
	}
	/* Queued counts as had; dropped (resync) or gone does not. */
	answered = a != NULL && a->tty != -1 && !a->resync;
	for (i = 0; i < s->nconns; i++) {
		c = s->conns[i];
		c->answering = answered && c == a;
	}
	if (answered != s->answered) {
		s->answered = answered;
		model_mark(s->model, answered);
	}
}

/* Program output. -1 when the pty is done (EIO: every slave is closed). */
static int
server_pty_output(struct server *s)
{
	char	*rb = server_readbuf;
	ssize_t	 n, got;

	n = read(s->master, rb, READ_SIZE);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n == -1 && errno != EIO)
		log_debug("program's terminal: %s", strerror(errno));
	if (n <= 0)
		return -1;
	/* A pty gives at most 4 KiB a read: after a full one, take what
	 * else is there now, so that a flood goes on in fewer, larger
	 * writes (each costs the terminal's side a wake-up). A short read
	 * (a key's echo) goes at once. */
	for (got = n; got >= PTY_CHUNK / 2 &&
	    (size_t)n <= READ_SIZE - PTY_CHUNK; n += got) {
		got = read(s->master, rb + n, READ_SIZE - (size_t)n);
		if (got <= 0)
			break;
	}
	server_pty_forward(s, rb, (size_t)n);
	/* The model comes after the terminals, and on its own thread: it
	 * never delays them. (SESS_NO_MODEL: a build for make bench to
	 * measure what the model costs; its redraws show nothing.) */
#ifndef SESS_NO_MODEL
	model_input(s->model, rb, (size_t)n);
#endif
	return 0;
}

/* The pty is readable or hung up: output, or its end, which after the
 * program's exit ends the drain. */
void
server_pty_ready(struct server *s)
{
	if (server_pty_output(s) == 0)
		return;
	if (s->state == SESSION_DRAINING)
		server_finish_exit(s);
	else {
		log_debug("program's terminal closed");
		server_pty_close(s);
	}
}

/* The model's answers to the program's queries: those whose query no
 * answering terminal had (the model knows, from model_mark). */
void
server_pty_reply(const char *p, size_t n, void *arg)
{
	struct server	*s = arg;

	log_debug("model answers a query (%zu bytes)", n);
	server_pty_input(s, p, n);
}
