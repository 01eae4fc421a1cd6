/* CRIU, the engine behind checkpoint and restore (SPEC section 8): which
 * binary, whether it can run, and running it on a session's program with
 * the session's pty as an external terminal. */
#ifndef SESS_CRIU_H
#define SESS_CRIU_H

#include <sys/types.h>

#include <limits.h>

#define CRIU_MIN_MAJOR	4	/* older ones cannot start on Linux 6.13+ */
#define CRIU_MIN_MINOR	1

struct criu {
	char	path[PATH_MAX];
	int	major, minor, patch;
	int	unprivileged;	/* not root: criu has the capabilities */
};

/* What went wrong, in one line for the user: what and what to try. */
struct criu_error {
	int	err;		/* errno-style: ENOENT, ENOEXEC, EPERM... */
	char	msg[512];
};

/* Finds criu ($SESS_CRIU, the private copy, criu on PATH) and checks its
 * version and privileges before anything is asked of it. */
int	criu_find(struct criu *, struct criu_error *);
/* The criu at path that criu_find found a moment ago in another process
 * (a client): whether it is there and runs for this user; its version is
 * not asked again. */
int	criu_at(struct criu *, const char *path, struct criu_error *);

/* The terminal as criu names an external one: "tty[RDEV:DEV]". */
void	criu_tty_key(char *, size_t, dev_t rdev, dev_t dev);

/* Starts `criu dump` of the tree of pid into dir (its log, dump.log,
 * goes there too): returns criu's pid, which the caller reaps; -1 when
 * it could not start. tty is criu_tty_key of the program's terminal. */
pid_t	criu_dump_start(const struct criu *, pid_t pid, const char *dir,
	    const char *tty, int leave_running, struct criu_error *);

/* Restores the tree saved in dir as a child of the caller (it must not
 * ignore SIGCHLD, nor reap criu itself meanwhile), with fd slave standing
 * for the terminal tty. Waits for criu; returns the program's pid or -1. */
pid_t	criu_restore(const struct criu *, const char *dir, int slave,
	    const char *tty, struct criu_error *);

/* After criu exited with status ws: 0, or -1 with the reason its log in
 * dir (log: "dump.log" or "restore.log") gives, in words. */
int	criu_result(const char *dir, const char *log, int ws,
	    struct criu_error *);

#endif
