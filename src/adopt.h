/* sess adopt: moving a running process from its terminal onto a session's
 * pty.
 *
 * adopt_check reads /proc only and refuses what cannot be adopted with a
 * message that names the cause and the cure. adopt_move does the move
 * with the ptrace core: the process ends up in a new session whose
 * controlling terminal is the pty, every descriptor that pointed to its
 * old terminal points to the pty (flags, close-on-exec and epoll
 * registrations kept), and it runs. If a step fails, every step before it
 * is undone and the process runs on its old terminal as before. */
#ifndef SESS_ADOPT_H
#define SESS_ADOPT_H

#include <sys/types.h>

#include <stdint.h>
#include <termios.h>

enum adopt_code {
	ADOPT_OK,
	ADOPT_NOPROC,		/* no such process */
	ADOPT_NOTYOURS,		/* another user's */
	ADOPT_YAMA,		/* kernel.yama.ptrace_scope */
	ADOPT_TRACED,		/* a debugger has it */
	ADOPT_NODUMP,		/* not dumpable */
	ADOPT_SECCOMP,		/* in a seccomp sandbox */
	ADOPT_STATE,		/* zombie, or stuck in the kernel (D) */
	ADOPT_NOTTY,		/* no terminal on its standard descriptors */
	ADOPT_GROUP,		/* others in its process group */
	ADOPT_SESSION,		/* a session leader with others in its session */
	ADOPT_ARCH,		/* an instruction set sess was not built for */
	ADOPT_SELF,		/* sess itself, or its own terminal */
	ADOPT_FAILED,		/* a step failed; the process is as it was */
	ADOPT_BROKEN		/* a step failed past the point of return */
};

struct adopt_error {
	int	 code;		/* enum adopt_code */
	char	 msg[256];	/* one line: the cause and the cure */
};

/* Input flags of adopt_check. */
#define ADOPT_ALLOW_SECCOMP	0x1	/* try despite a seccomp filter */

struct adopt_target {
	int		 flags;		/* ADOPT_*; set before adopt_check */

	/* Filled by adopt_check. */
	pid_t		 pid;
	uid_t		 uid;
	int		 pidfd;		/* poll it: readable once pid exits */
	char		 comm[17];	/* for the default name COMM-PID */
	pid_t		 ppid;
	pid_t		 pgid;
	pid_t		 sid;
	pid_t		 tpgid;		/* old terminal's foreground group */
	int		 leader;	/* leads its session */
	int		 stopped;	/* was stopped (T) */
	dev_t		 tty;		/* its terminal (rdev) */
	dev_t		 ctty;		/* its controlling terminal, or 0 */
	struct termios	 tio;		/* the settings it expects */
	struct winsize	 ws;		/* the old terminal's size */

	/* Filled by adopt_move. */
	int		 hup_ignored;	/* SIGHUP ignored until the shell goes */
	uint64_t	 hup_act[4];	/* the disposition to put back */
	pid_t		 shell;		/* the old shell, or 0 */
	int		 shell_pidfd;	/* poll it; then adopt_restore_sighup */
};

/* Read-only preflight. 0, or -1 with e filled (nothing was touched).
 * t->flags is read; everything else in t is filled in. */
int	 adopt_check(pid_t, struct adopt_target *, struct adopt_error *);

/* Moves the process onto the pty whose master the caller holds (slave
 * is its path). Sets the pty's settings from the old terminal's, and its
 * size too unless it has one already. 0, or -1 with e filled: with
 * ADOPT_FAILED the process is exactly as it was, with ADOPT_BROKEN it
 * could not be put back (the message says where it is). */
int	 adopt_move(struct adopt_target *, int, const char *,
	    struct adopt_error *);

/* Once t->shell_pidfd is readable (the old shell is gone, it can no
 * longer hang the process up), gives the process back the SIGHUP
 * disposition it had, unless it changed it meanwhile. Closes
 * shell_pidfd. 0, or -1 with e filled. */
int	 adopt_restore_sighup(struct adopt_target *, struct adopt_error *);

/* Once t->pidfd is readable: the exit status as a shell reports it (the
 * code, 128+N for signal N), read from the zombie or, once reaped, from
 * the pidfd (Linux 6.15); -1 if neither can tell. */
int	 adopt_exit_status(struct adopt_target *);

/* Closes the pidfds. */
void	 adopt_free(struct adopt_target *);

#endif
