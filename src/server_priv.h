/* The server's own state, shared by its parts: the loop (server.c), the
 * client connections and their terminals (server_client.c), the program's
 * pty (server_pty.c) and adopt's glue (server_adopt.c). */
#ifndef SESS_SERVER_PRIV_H
#define SESS_SERVER_PRIV_H

#include <sys/ioctl.h>
#include <sys/types.h>

#include <stdint.h>
#include <termios.h>
#include <time.h>

#include "adopt.h"
#include "config.h"
#include "criu.h"
#include "model.h"
#include "proto.h"
#include "screen.h"
#include "server.h"
#include "watch.h"

#define MAX_CONNS	(MAX_CLIENTS + MAX_CONNS_EXTRA)

/* A session's life. */
enum session_state {
	SESSION_RUNNING,	/* the program runs */
	SESSION_DRAINING,	/* it exited: its last output is read */
	SESSION_EXITED,		/* the status is kept until collected */
	SESSION_ENDING		/* the loop ends: collected, killed, expired */
};

/* A connection's life. Whether an attached terminal's backlog was dropped
 * (resync) is the terminal's queue's business, not a state: it happens
 * both while attached and while ending. */
enum client_state {
	CLIENT_CONNECTED,	/* before HELLO */
	CLIENT_IDLE,		/* HELLO done, no terminal: requests */
	CLIENT_ATTACHED,	/* holds the user's terminal */
	CLIENT_ENDING,		/* the program exited: released once its
				   terminal took all of the output */
	CLIENT_CLOSING		/* closed once its last frames are sent */
};

struct client {
	enum client_state state;
	uint32_t	 version;	/* the protocol it spoke in HELLO */
	int		 sock;
	struct buf	 in;		/* from the socket */
	struct buf	 out;		/* to the socket */
	int		 passed;	/* a received fd, until ATTACH */
	int64_t		 since;		/* connected at, until HELLO */

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
	int		 answering;	/* had the last output as the answerer:
					   its terminal's reports go on */
	int		 sender;	/* sends input: waits on the program */
	char		 keyspec[PROTO_KEYS_MAX + 1];	/* as attached, */
	char		 term[PROTO_TERM_MAX + 1];	/* for an upgrade */
};

/* A checkpoint under way, see server_checkpoint.c. */
struct server_checkpoint {
	struct criu	 criu;
	pid_t		 criu_pid;
	struct client	*asker;		/* told the outcome, if still here */
	uint32_t	 flags;		/* CHECKPOINT_* */
	char		 tmp[PATH_MAX];	/* STATE/.NAME.XXXXXX, being written */
	char		 dir[PATH_MAX];	/* STATE/NAME, once complete */
	int		 program_gone;	/* it ended while criu had it, */
	int		 status;	/* with this status */
};

struct server {
	const struct server_opts *o;
	enum session_state state;
	int		 lsock;
	dev_t		 sock_dev;
	ino_t		 sock_ino;
	int		 notify;	/* inotify on the socket dir, or -1 */
	int		 watch;
	int		 master;
	int		 sigfd;
	struct watch	 wait;		/* what the loop waits on */
	pid_t		 pid;
	int		 status;	/* its exit status, 128+N for signal N */
	int64_t		 drain_until;
	int64_t		 exited_at;
	int		 foreground;
	time_t		 created;
	uint16_t	 rows;
	uint16_t	 cols;
	char		 cmd[PROTO_CMD_MAX + 1];
	struct screen	*screen;	/* what the program's terminal shows, */
	struct model	*model;		/* fed and reached through this */
	int		 answered;	/* the last output went to a terminal
					   that answers queries */
	struct buf	 inq;		/* keys the program has not read */
	int		 card;		/* card.h: 0 not yet opened, 1 open
					   on card_fd, -1 none */
	int		 card_fd;
	struct proto_info card_shown;	/* what the card says */
	struct client	*owner;		/* whose size the pty has */
	struct client	*conns[MAX_CONNS];
	int		 nconns;
	int		 attached;	/* clients holding a terminal */
	int		 collected;	/* the exit status reached a client */
	struct adopt_target adopt;	/* an adopted program (pid not ours) */
	int		 adopted;
	struct server_checkpoint *checkpoint;	/* under way, or NULL */
};

/* server.c */
extern char	 server_readbuf[READ_SIZE];
int		 server_signals(struct server *);
int		 server_resume(struct server *);
void		 server_exited(struct server *, int);
void		 server_finish_exit(struct server *);
void		 server_kill(struct server *, struct client *);
void		 server_unlink(struct server *);

/* server_client.c */
void		 server_client_accept(struct server *);
/* What a listing shows of the session, in INFO and on its card; whether
 * the part of it that changes is no longer what *i says. */
void		 server_client_describe(const struct server *,
		    struct proto_info *);
int		 server_client_describe_changed(const struct server *,
		    const struct proto_info *);
void		 server_client_ok(struct client *);
/* ERROR with fmt (one %s, arg) as the last word to a request. */
void		 server_client_error(struct client *, int, const char *,
		     const char *);
void		 server_client_free(struct server *, struct client *);
void		 server_client_release(struct server *, struct client *, int,
		     int, int);
void		 server_client_end(struct server *, struct client *);
int		 server_client_read_sock(struct server *, struct client *);
int		 server_client_read_tty(struct server *, struct client *);
void		 server_client_expire_keys(struct server *, struct client *,
		     int64_t);
int		 server_client_flush(struct client *);
int		 server_client_tty_output(struct client *, const char *,
		     size_t);
int		 server_client_tty_flush(struct client *);
int		 server_client_resync_due(struct server *, struct client *,
		     int64_t);
void		 server_client_resync(struct server *, struct client *);
struct client	*server_client_answerer(struct server *);
void		 server_client_flush_all(struct server *);

/* server_pty.c */
int		 server_pty_start(struct server *, struct start_error *);
char		*server_pty_open(struct server *);
void		 server_pty_resize(struct server *, uint16_t, uint16_t);
void		 server_pty_winch(struct server *);
void		 server_pty_input(struct server *, const char *, size_t);
void		 server_pty_flush_input(struct server *);
void		 server_pty_ready(struct server *);
void		 server_pty_reply(const char *, size_t, void *);
void		 server_pty_hangup(struct server *);
void		 server_pty_close(struct server *);

/* server_checkpoint.c */
void		 server_checkpoint_start(struct server *, struct client *,
		     const struct proto_msg *);
void		 server_checkpoint_done(struct server *, int);
int		 server_checkpoint_program_exited(struct server *, int);
void		 server_checkpoint_forget(struct server *, struct client *);
int		 server_checkpoint_restore(struct server *,
		     struct start_error *);

/* server_upgrade.c */
void		 server_upgrade_start(struct server *, struct client *,
		     const struct proto_msg *);

/* server_adopt.c */
int		 server_adopt_check(struct server *, struct start_error *);
int		 server_adopt_start(struct server *, struct start_error *);
void		 server_adopt_exited(struct server *);
void		 server_adopt_shell_gone(struct server *);
void		 server_adopt_hangup(struct server *);

#endif
