/* The client side of a session: attaching a terminal, and one-shot
 * requests. */
#ifndef SESS_CLIENT_H
#define SESS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct attach_opts {
	const char	*name;
	const char	*path;
	uint32_t	 flags;		/* ATTACH_* */
	const char	*keys;		/* detach chord */
	int		 quiet;
};

/* argv is run as the server's own binary when a session's server speaks
 * a newer protocol than this sess (its /proc/PID/exe, found through the
 * socket's peer); NULL (the default) says why it cannot be reached
 * instead. */
void	client_run_newer(char **argv);

/* Attaches this terminal until the server lets go; returns the exit
 * status sess should end with. Errors are printed. */
int	client_attach(const struct attach_opts *);

/* What is at a session socket. */
enum probe {
	PROBE_NONE,		/* no such socket */
	PROBE_STALE,		/* a socket nobody listens on */
	PROBE_WEDGED,		/* a server that does not answer */
	PROBE_LIVE		/* *info filled */
};

/* Asks the server at path to describe its session; -1 with errno for
 * failures other than the cases above (EPROTO: another version, whose
 * number is in *version). */
int	client_probe(const char *path, struct proto_info *, uint32_t *version);
/* One socket of client_probe_all: its path, then what client_probe says
 * of it: probe is PROBE_*, or -1 with error an errno value. */
struct probe_result {
	const char		*path;
	int			 probe;
	int			 error;
	uint32_t		 version;
	struct proto_info	 info;
};
/* client_probe for each of n sockets, all at once (LIST_PARALLEL of them
 * at a time): each is given REQUEST_TIMEOUT from when it is dialled, so
 * servers that do not answer cost that long together, not each. */
void	client_probe_all(struct probe_result *, size_t n);
/* Says why a session could not be reached, from errno (and the server's
 * protocol version when it speaks another). */
void	client_connect_error(const char *name, uint32_t version);
/* Ends the session at path; 0 once its name is gone. */
int	client_kill(const char *path);

/* Types bytes into the session at path: the buffer, or with fd != -1
 * everything read from fd until end of file. 0 once the server has them. */
int	client_send(const char *path, const struct buf *, int fd);
/* Writes the session's screen (SCREEN_* flags) to fd. */
int	client_dump(const char *path, uint32_t flags, int fd);
/* Asks the server at path for a checkpoint; 0 once it is complete. -1
 * with errno EPROTONOSUPPORT for a server too old to know the request,
 * or with the server's reason in msg. */
int	client_checkpoint(const char *path, const struct proto_checkpoint *,
	    char *msg, size_t, uint32_t *version);
/* Asks the server at path to become the binary exe (sess upgrade); 0 once
 * the new binary serves. -1 with errno EPROTONOSUPPORT for a server too
 * old to know the request, or with the server's reason in msg (the old
 * binary then serves on). */
int	client_upgrade(const char *path, const char *exe, char *msg, size_t,
	    uint32_t *version);
#endif
