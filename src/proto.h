/* The session socket's protocol: framed messages both ways.
 *
 * A frame is an 8-byte header, type and payload length as big-endian
 * 32-bit words, then the payload (at most PROTO_MAX_PAYLOAD bytes). The
 * first frame each way is HELLO, whose layout never changes: a magic and
 * the protocol version, so any two versions can tell they disagree. */
#ifndef SESS_PROTO_H
#define SESS_PROTO_H

#include <sys/types.h>

#include <stdint.h>
#include <termios.h>

#include "util.h"

#define PROTO_MAGIC	0x53455353u	/* "SESS" */
/* Each version adds messages to the one before and changes none: a server
 * speaks every version from PROTO_VERSION_MIN to its own, a client says
 * the newest it knows and, to a server that knows only an older one,
 * connects again saying that one (sess 0.1.0's servers, version 1, close
 * any connection whose HELLO has another version). Never reuse a number.
 *   1	sess 0.1.0
 *   2	CHECKPOINT, EXIT_SAVED
 *   3	INFO says the server's sess version, UPGRADE */
#ifdef SESS_TEST_PROTO_VERSION
/* A test build standing in for a newer sess. */
#define PROTO_VERSION		SESS_TEST_PROTO_VERSION
#else
#define PROTO_VERSION		3
#endif
#define PROTO_VERSION_MIN	1
#define PROTO_HEADER	8

enum proto_type {
	MSG_HELLO = 1,		/* both ways, first */
	MSG_ATTACH,		/* client: take my terminal (fd attached) */
	MSG_RESIZE,		/* client: my terminal's size changed */
	MSG_DETACH,		/* client: let go of my terminal */
	MSG_INFO_REQ,		/* client: describe the session */
	MSG_INFO,		/* server: the description */
	MSG_KILL,		/* client: end the session */
	MSG_EXIT,		/* server: you are done, and why */
	MSG_ERROR,		/* server: request refused */
	MSG_OK,			/* server: request done */
	MSG_INPUT,		/* client: bytes for the program */
	MSG_DUMP_REQ,		/* client: the screen, please */
	MSG_DUMP,		/* server: the screen */
	MSG_CHECKPOINT,		/* client: save the session (version 2) */
	MSG_UPGRADE,		/* client: become this binary (version 3) */
	MSG_TYPE_MAX
};

struct proto_hello {
	uint32_t	magic;
	uint32_t	version;
};

#define ATTACH_READONLY	0x1	/* never writes to the program */
#define ATTACH_LOWPRIO	0x2	/* never sets the session's size */
#define ATTACH_NOKEYS	0x4	/* no detach chord */
#define ATTACH_REDRAW	0x8	/* the user's terminal needs the screen */

#define PROTO_TERM_MAX	64
#define PROTO_KEYS_MAX	64

struct proto_attach {
	uint32_t	flags;
	uint16_t	rows;
	uint16_t	cols;
	struct termios	tio;	/* the terminal's settings before raw mode */
	char		term[PROTO_TERM_MAX + 1];
	char		keys[PROTO_KEYS_MAX + 1];
};

struct proto_resize {
	uint16_t	rows;
	uint16_t	cols;
};

#define INFO_RUNNING	0
#define INFO_EXITED	1

#define PROTO_CMD_MAX	1024
#define PROTO_SESS_VERSION_MAX	31

struct proto_info {
	uint8_t		state;
	int32_t		status;		/* once exited */
	uint32_t	pid;
	uint32_t	clients;
	uint16_t	rows;
	uint16_t	cols;
	uint64_t	created;	/* seconds since the epoch */
	char		cmd[PROTO_CMD_MAX + 1];
	/* The server's sess version, from version 3 on ("" before). */
	char		version[PROTO_SESS_VERSION_MAX + 1];
};

enum proto_exit_reason {
	EXIT_DETACHED = 1,	/* chord, or asked */
	EXIT_EXITED,		/* the program ended: status */
	EXIT_KILLED,		/* sess -k */
	EXIT_FAILED,		/* the server could not serve the terminal */
	EXIT_SAVED		/* checkpointed, and the program ended */
};

#define EXIT_RELEASE_FOLLOWS	0x1	/* swallow the chord's key release */

struct proto_exit {
	uint8_t		reason;
	uint8_t		flags;
	int32_t		status;
};

#define CHECKPOINT_LEAVE_RUNNING	0x1	/* sess checkpoint -r */

#define PROTO_PATH_MAX	4095

struct proto_checkpoint {
	uint32_t	flags;
	char		dir[PROTO_PATH_MAX + 1];	/* the state directory */
	char		criu[PROTO_PATH_MAX + 1];	/* the criu to run */
};

#define PROTO_ERROR_MAX	256

struct proto_error {
	int32_t		code;		/* an errno value */
	char		msg[PROTO_ERROR_MAX + 1];
};

/* One frame, its payload pointing into the buffer it was found in. */
struct proto_msg {
	uint32_t		 type;
	uint32_t		 len;
	const unsigned char	*data;
};

/* Finds the frame at the front of len bytes: 1 with *m and *used set,
 * 0 when more bytes are needed, -1 with errno EMSGSIZE (a length over the
 * bound) or EBADMSG (an unknown type). */
int	proto_frame(const void *, size_t, struct proto_msg *, size_t *used);
/* Appends a frame. */
int	proto_add(struct buf *, uint32_t type, const void *, size_t);

/* Each encoder appends a whole frame; each decoder returns 0, or -1 with
 * errno EBADMSG when the payload does not have the message's shape. */
/* HELLO saying PROTO_VERSION, or another version. */
int	proto_add_hello(struct buf *);
int	proto_add_hello_as(struct buf *, uint32_t version);
int	proto_get_hello(const struct proto_msg *, struct proto_hello *);
int	proto_add_attach(struct buf *, const struct proto_attach *);
int	proto_get_attach(const struct proto_msg *, struct proto_attach *);
int	proto_add_resize(struct buf *, const struct proto_resize *);
int	proto_get_resize(const struct proto_msg *, struct proto_resize *);
int	proto_add_info(struct buf *, const struct proto_info *);
int	proto_get_info(const struct proto_msg *, struct proto_info *);
int	proto_add_exit(struct buf *, const struct proto_exit *);
int	proto_get_exit(const struct proto_msg *, struct proto_exit *);
int	proto_add_error(struct buf *, const struct proto_error *);
int	proto_get_error(const struct proto_msg *, struct proto_error *);
int	proto_add_checkpoint(struct buf *, const struct proto_checkpoint *);
int	proto_get_checkpoint(const struct proto_msg *,
	    struct proto_checkpoint *);
/* UPGRADE carries the path of the binary to become. */
int	proto_add_upgrade(struct buf *, const char *);
int	proto_get_upgrade(const struct proto_msg *, char *path);
/* DUMP_REQ carries SCREEN_* flags. */
int	proto_add_dump_req(struct buf *, uint32_t);
int	proto_get_dump_req(const struct proto_msg *, uint32_t *);
/* Frames with no payload (DETACH, INFO_REQ, KILL, OK): 0 if the payload
 * is empty. */
int	proto_get_empty(const struct proto_msg *);

/* Blocking transport for one-shot clients. proto_send writes a buffer of
 * frames, passing fd along when it is not -1. proto_recv reads until one
 * frame is complete in *in, waiting at most timeout ms (-1: forever); it
 * returns 0, or -1 with errno ETIMEDOUT, ECONNRESET (closed), or the
 * frame error. The frame must be released with proto_consume. */
int	proto_send(int sock, const struct buf *, int fd);
int	proto_recv(int sock, struct buf *in, struct proto_msg *, int timeout);
void	proto_consume(struct buf *in, const struct proto_msg *);

/* Connects to the session socket at path and exchanges hellos; *version
 * is the server's protocol version, which says which messages it knows.
 * -1 with errno ECONNREFUSED (nobody listens: stale), ENOENT, EPROTO (not
 * a sess server, or one older than PROTO_VERSION_MIN or newer than
 * PROTO_VERSION: *version says which), ... */
int	proto_connect(const char *path, int timeout, uint32_t *version);
/* The server's HELLO, of a version this sess speaks: 0 with *version,
 * or -1 with errno EPROTO (*version is the server's, 0 when m is not a
 * sess server's HELLO). */
int	proto_check_hello(const struct proto_msg *, uint32_t *version);

/* Dialling without waiting, for many servers at once: proto_open makes a
 * socket (flags: SOCK_NONBLOCK, or 0); proto_dial_try connects it to path:
 * 0, or -1 with errno (EAGAIN: the listener's queue is full, try again
 * later; ENOENT; ECONNREFUSED: nobody listens; ...). */
int	proto_open(int flags);
int	proto_dial_try(int, const char *path);

/* The process listening at path, its user and group (SO_PEERCRED). */
struct ucred;
int	proto_peer(const char *path, int timeout, struct ucred *);

#endif
