/* The program's side of the server: its pty, its start, the keys queued
 * for it, and its output, which goes to every terminal first and to the
 * screen model after. */
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "server_priv.h"

#define PTY_CHUNK	4096		/* the most a pty read gives */

extern char	**environ;

/* The program's environment: the server's, with its session named in
 * SESS and SESS_DIR and a TERM if it has none; one allocation, to free,
 * or NULL. */
static char **
server_pty_env(const struct server *s)
{
	static char	 term[] = "TERM=xterm-256color";
	const char	*t = getenv("TERM");
	size_t		 n, k = 0, i, name = strlen(s->o->name) + 1;
	size_t		 dir = strlen(s->o->dir) + 1;
	char		**env, *at;

	for (n = 0; environ[n] != NULL; n++)
		;
	if ((env = malloc((n + 4) * sizeof *env + sizeof "SESS=" + name +
	    sizeof "SESS_DIR=" + dir)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (strncmp(environ[i], "SESS=", 5) != 0 &&
		    strncmp(environ[i], "SESS_DIR=", 9) != 0 &&
		    strcmp(environ[i], "TERM=") != 0)
			env[k++] = environ[i];
	}
	at = (char *)(env + n + 4);
	env[k++] = at;
	at = stpcpy(stpcpy(at, "SESS="), s->o->name) + 1;
	env[k++] = at;
	stpcpy(stpcpy(at, "SESS_DIR="), s->o->dir);
	if (t == NULL || *t == '\0')
		env[k++] = term;
	env[k] = NULL;
	return env;
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

/* Makes the pty at the session's size and starts the program on it, in
 * a session of its own whose controlling terminal is the pty (the slave
 * is opened there after setsid, without O_NOCTTY), every signal at its
 * default and none blocked: 0, or -1. posix_spawn, not fork: the program
 * shares the server's memory until its exec, so no page table is copied
 * and no page of the server's is copied on its next write, and an exec
 * that fails says so to the caller. */
int
server_pty_start(struct server *s, struct start_error *e)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t	 attr;
	sigset_t		 all, none;
	char			*slave, **env;
	int			 err;

	e->stage = START_PTY;
	if ((slave = server_pty_open(s)) == NULL)
		goto fail;
	e->stage = START_FORK;
	if ((env = server_pty_env(s)) == NULL)
		goto fail_pty;
	/* Every signal: sigfillset leaves out the two glibc keeps for
	 * itself, which its posix_spawn would then leave ignored, and
	 * ignored they would stay through the exec. */
	memset(&all, 0xff, sizeof all);
	sigemptyset(&none);
	if ((err = posix_spawnattr_init(&attr)) != 0)
		goto fail_env;
	if ((err = posix_spawn_file_actions_init(&fa)) != 0) {
		posix_spawnattr_destroy(&attr);
		goto fail_env;
	}
	/* Set up (a failure of which stays START_FORK), then spawned. */
	if ((err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) == 0 &&
	    (err = posix_spawnattr_setsigmask(&attr, &none)) == 0 &&
	    (err = posix_spawnattr_setsigdefault(&attr, &all)) == 0 &&
	    (err = posix_spawn_file_actions_addopen(&fa, 0, slave, O_RDWR,
	    0)) == 0 &&
	    (err = posix_spawn_file_actions_adddup2(&fa, 0, 1)) == 0 &&
	    (err = posix_spawn_file_actions_adddup2(&fa, 0, 2)) == 0 &&
	    (err = posix_spawnp(&s->pid, s->o->argv[0], &fa, &attr,
	    s->o->argv, env)) != 0)
		e->stage = START_EXEC;
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (err != 0)
		goto fail_env;
	free(env);
	fd_set_nonblock(s->master, 1);
	return 0;

fail_env:
	free(env);
	errno = err;
fail_pty:
	err = errno;
	server_pty_close(s);
	errno = err;
fail:
	e->err = errno;
	return -1;
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
	if (s->master != -1) {
		watch_forget(&s->wait, s->master);
		close(s->master);
	}
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
