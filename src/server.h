/* The session server: one process per session, owning the program's pty
 * and the session socket. */
#ifndef SESS_SERVER_H
#define SESS_SERVER_H

#include <sys/types.h>

struct criu;

struct server_opts {
	const char	 *name;
	const char	 *dir;		/* the socket directory */
	const char	 *path;		/* the socket */
	char		**argv;		/* the program */
	int		  rows;		/* 0: the adopted process's old size */
	int		  cols;
	pid_t		  adopt;	/* adopt this process instead of
					   running argv */
	const char	 *restore;	/* or restore the checkpoint in this
					   directory */
	const struct criu *criu;	/* with the criu the creator found
					   and checked, or NULL */
};

/* What went wrong while starting a session. */
enum start_stage {
	START_OK,
	START_EXISTS,		/* the name is taken */
	START_SOCKET,		/* cannot create the socket */
	START_PTY,		/* cannot make a pty */
	START_EXEC,		/* cannot run the program */
	START_FORK,		/* cannot fork */
	START_ADOPT,		/* the adoption was refused or failed */
	START_RESTORE		/* the restore failed: msg says why */
};

struct start_error {
	int	stage;
	int	err;		/* errno */
	int	code;		/* START_ADOPT: enum adopt_code */
	char	msg[512];	/* START_ADOPT, START_RESTORE: what and
				   why, one line; also
				   set with START_OK when an adoption went
				   only part of the way */
};

/* Starts a server in the background; returns once its program runs (0),
 * or -1 with *e saying what failed. */
int	server_start(const struct server_opts *, struct start_error *e);
/* Runs the server in this process until the program exits; returns the
 * program's exit status, or -1 with *e when it could not start. */
int	server_foreground(const struct server_opts *, struct start_error *e);

/* sess --upgrade-check FD, --upgrade-from FD EXE, --upgrade-back FD WHY:
 * the new binary's side of an upgrade (server_upgrade.c), run by the
 * server it replaces. */
int	server_upgrade_main(int, char **);

#endif
