/* The server's side of sess adopt: the adopted process is moved onto the
 * session's pty by the server that will own it, and, not being its child,
 * is watched through pidfds. */
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "server_priv.h"

/* The adopted program's command line, for the listing. */
static void
server_adopt_cmdline(struct server *s)
{
	if (proc_cmdline(s->pid, s->cmd, sizeof s->cmd) <= 0)
		snprintf(s->cmd, sizeof s->cmd, "%s", s->adopt.comm);
}

/* Refusals come before anything exists; with no size of its own, the
 * session takes the old terminal's. */
int
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

/* Makes the pty and moves the process onto it: done here, by the server
 * that will own the pty, where nobody's C-c can stop it half way. */
int
server_adopt_start(struct server *s, struct start_error *e)
{
	struct adopt_error	 ae;
	char			*slave;

	e->stage = START_PTY;
	if ((slave = server_pty_open(s)) == NULL)
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
	server_adopt_cmdline(s);
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
void
server_adopt_exited(struct server *s)
{
	int	 st;

	if (s->state != SESSION_RUNNING)
		return;
	st = adopt_exit_status(&s->adopt);
	server_exited(s, st == -1 ? 0 : st);
}

/* The old shell is gone and cannot hang the program up any more: SIGHUP
 * means again what it meant before. */
void
server_adopt_shell_gone(struct server *s)
{
	struct adopt_error	 ae;

	watch_forget(&s->wait, s->adopt.shell_pidfd);
	if (adopt_restore_sighup(&s->adopt, &ae) == -1)
		log_debug("SIGHUP not restored: %s", ae.msg);
}

/* SIGHUP to the adopted program, which is its own again first. */
void
server_adopt_hangup(struct server *s)
{
	struct adopt_error	 ae;

	watch_forget(&s->wait, s->adopt.shell_pidfd);
	if (s->adopt.shell_pidfd != -1 &&
	    adopt_restore_sighup(&s->adopt, &ae) == -1)
		log_debug("SIGHUP not restored: %s", ae.msg);
	if (syscall(SYS_pidfd_send_signal, s->adopt.pidfd, SIGHUP, NULL,
	    0) == -1)
		log_debug("SIGHUP to %ld: %s", (long)s->pid, strerror(errno));
}
