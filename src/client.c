/* Attaching: the terminal goes raw and is handed to the server, which
 * reads and writes it from then on. The client only passes on window
 * size changes, waits for the verdict, and puts the terminal back. */
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "client.h"
#include "config.h"
#include "log.h"
#include "screen.h"
#include "util.h"

/* What a terminal needs when its server vanished without undoing the
 * program's modes. */
static void
client_reset(void)
{
	struct buf	b = { 0 };

	if (screen_reset_any(&b) == 0)
		(void)write(STDOUT_FILENO, b.data, b.len);
	buf_free(&b);
}

static int
send_resize(int sock)
{
	struct proto_resize	 z;
	struct winsize		 ws;
	struct buf		 b = { 0 };
	int			 rc;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == -1 || ws.ws_row == 0)
		return 0;
	z.rows = ws.ws_row;
	z.cols = ws.ws_col;
	rc = proto_add_resize(&b, &z) == -1 ? -1 : proto_send(sock, &b, -1);
	buf_free(&b);
	return rc;
}

static int
send_empty(int sock, uint32_t type)
{
	struct buf	 b = { 0 };
	int		 rc;

	rc = proto_add(&b, type, NULL, 0) == -1 ? -1 : proto_send(sock, &b, -1);
	buf_free(&b);
	return rc;
}

/* With the kitty keyboard protocol, the chord's key release comes after
 * the detach; it must not reach the shell. */
static void
swallow_release(void)
{
	struct pollfd	 p = { .fd = STDIN_FILENO, .events = POLLIN };
	char		 junk[64];

	if (poll(&p, 1, RELEASE_TIMEOUT) == 1)
		(void)read(STDIN_FILENO, junk, sizeof junk);
}

void
client_connect_error(const char *name, uint32_t version)
{
	if (errno == ENOENT)
		sess_warn("no session %s", name);
	else if (errno == ECONNREFUSED)
		sess_warn("no session %s (its server is gone)", name);
	else if (errno == EPROTO && version != 0)
		sess_warn("session %s speaks protocol version %u, this sess "
		    "speaks %u: use the sess that started it", name,
		    (unsigned)version, (unsigned)PROTO_VERSION);
	else if (errno == EPROTO)
		sess_warn("%s: not a sess session", name);
	else if (errno == ETIMEDOUT)
		sess_warn("session %s does not answer", name);
	else if (errno == ECONNRESET)
		sess_warn("session %s refused the connection", name);
	else
		sess_warn("cannot reach session %s: %s", name, strerror(errno));
}

/* The attach message: this terminal's size, settings, type, and the
 * detach chord. */
static void
client_attach_message(const struct attach_opts *o,
    const struct termios *tio, struct proto_attach *a)
{
	struct winsize	 ws;
	const char	*term;

	a->flags = o->flags;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
		a->rows = ws.ws_row;
		a->cols = ws.ws_col;
	} else {
		a->rows = 24;
		a->cols = 80;
	}
	a->tio = *tio;
	term = getenv("TERM");
	snprintf(a->term, sizeof a->term, "%s", term ? term : "xterm");
	snprintf(a->keys, sizeof a->keys, "%s", o->keys ? o->keys : "");
}

/* Passes on resizes and detach signals until the server lets go: 1 with
 * *x, 0 if the connection was lost, -1 with *e if the server refused. */
static int
client_attach_wait(int sock, int sigfd, struct proto_exit *x,
    struct proto_error *e)
{
	struct proto_msg	 m;
	struct buf		 in = { 0 };
	struct pollfd		 pfd[2];
	struct signalfd_siginfo	 si;
	int			 got = 0;

	pfd[0].fd = sock;
	pfd[0].events = POLLIN;
	pfd[1].fd = sigfd;
	pfd[1].events = POLLIN;
	while (!got) {
		while (!got && proto_recv(sock, &in, &m, 0) == 0) {
			if (m.type == MSG_ERROR &&
			    proto_get_error(&m, e) == 0) {
				got = -1;
				break;
			}
			if (m.type == MSG_EXIT && proto_get_exit(&m, x) == 0)
				got = 1;
			proto_consume(&in, &m);
		}
		if (got || errno != ETIMEDOUT)
			break;
		if (poll(pfd, 2, -1) == -1 && errno != EINTR)
			break;
		if (!(pfd[1].revents & POLLIN))
			continue;
		while (read(sigfd, &si, sizeof si) == sizeof si) {
			if (si.ssi_signo == SIGWINCH)
				send_resize(sock);
			else
				send_empty(sock, MSG_DETACH);
		}
	}
	buf_free(&in);
	return got;
}

/* What the server's verdict means: said unless quiet, and the exit
 * status sess ends with. */
static int
client_attach_verdict(const struct attach_opts *o,
    const struct proto_exit *x)
{
	int	 rc;

	switch (x->reason) {
	case EXIT_DETACHED:
		if (!o->quiet)
			printf("\r\n[detached from %s]\n", o->name);
		rc = 0;
		break;
	case EXIT_EXITED:
		if (!o->quiet)
			printf("\r\n[%s exited with %d]\n", o->name, x->status);
		rc = x->status;
		break;
	case EXIT_KILLED:
		if (!o->quiet)
			printf("\r\n[%s killed]\n", o->name);
		rc = 0;
		break;
	case EXIT_SAVED:
		if (!o->quiet)
			printf("\r\n[%s saved]\n", o->name);
		rc = 0;
		break;
	default:
		sess_warn("session %s could not use this terminal", o->name);
		rc = 1;
		break;
	}
	fflush(stdout);
	return rc;
}

/* The command line a newer server's own binary is run with; NULL: none
 * is run (a listing, an upgrade). */
static char	**client_newer_argv;

void
client_run_newer(char **argv)
{
	client_newer_argv = argv;
}

/* A server of a newer protocol: its own binary, which runs on after the
 * file is replaced or removed, does what was asked, and says so. Only a
 * server of ours whose binary is a sess (named sess, as installed or
 * built) is run: whatever else answers with a newer hello is refused as
 * before. Only returns when it is not run. */
static void
client_newer(const char *path, uint32_t version)
{
	const char	*name = strrchr(path, '/') != NULL ?
			    strrchr(path, '/') + 1 : path, *base;
	char		 exe[64], real[PATH_MAX];
	struct ucred	 cr;
	ssize_t		 n;

	if (client_newer_argv == NULL || errno != EPROTO ||
	    version <= PROTO_VERSION)
		return;
	if (proto_peer(path, REQUEST_TIMEOUT, &cr) == -1 || cr.pid <= 0 ||
	    cr.uid != getuid())
		goto refused;
	snprintf(exe, sizeof exe, "/proc/%ld/exe", (long)cr.pid);
	if ((n = readlink(exe, real, sizeof real - 1)) == -1)
		goto refused;
	real[n] = '\0';
	base = strrchr(real, '/') != NULL ? strrchr(real, '/') + 1 : real;
	if (strncmp(base, "sess", 4) != 0) {
		log_debug("%s is served by %s, not a sess", path, real);
		goto refused;
	}
	fprintf(stderr, "sess: session %s runs a newer sess (protocol %u): "
	    "running its server's own binary, %s (%s)\n", name,
	    (unsigned)version, exe, real);
	execv(exe, client_newer_argv);
	log_debug("cannot run %s: %s", exe, strerror(errno));
refused:
	errno = EPROTO;
}

int
client_attach(const struct attach_opts *o)
{
	struct proto_attach	 a = { 0 };
	struct proto_exit	 x = { 0 };
	struct proto_error	 e;
	struct termios		 orig, raw;
	struct buf		 b = { 0 };
	sigset_t		 mask, old;
	uint32_t		 version;
	int			 sock, sigfd, rc = 1, got, err;

	if (tcgetattr(STDIN_FILENO, &orig) == -1) {
		sess_warn("standard input is not a terminal");
		return 1;
	}
	if ((sock = proto_connect(o->path, SERVER_TIMEOUT, &version)) == -1) {
		client_newer(o->path, version);
		log_debug("cannot attach to %s: %s (version %u)", o->path,
		    strerror(errno), (unsigned)version);
		if (errno == ECONNREFUSED)
			unlink(o->path);	/* stale: its server is gone */
		client_connect_error(o->name, version);
		return 1;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGWINCH);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGQUIT);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	client_attach_message(o, &orig, &a);

	raw = orig;
	cfmakeraw(&raw);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) == -1) {
		sess_warn("cannot set up the terminal: %s", strerror(errno));
		goto out;
	}
	if (proto_add_attach(&b, &a) == -1 ||
	    proto_send(sock, &b, STDIN_FILENO) == -1) {
		tcsetattr(STDIN_FILENO, TCSADRAIN, &orig);
		client_connect_error(o->name, 0);
		goto out;
	}
	log_debug("attached to %s as %ux%u, %s", o->path, a.rows, a.cols,
	    a.term);

	got = client_attach_wait(sock, sigfd, &x, &e);
	err = errno;
	if (got == 1 && x.flags & EXIT_RELEASE_FOLLOWS)
		swallow_release();
	if (got == 0)
		client_reset();
	tcsetattr(STDIN_FILENO, TCSADRAIN, &orig);
	if (got == -1) {
		log_debug("%s refused the terminal: %s", o->path, e.msg);
		sess_warn("%s", e.msg);
	} else if (got == 0) {
		log_debug("lost the connection to %s: %s", o->path,
		    strerror(err));
		sess_warn("lost the connection to session %s", o->name);
	} else {
		log_debug("detached from %s: reason %u, status %d", o->path,
		    (unsigned)x.reason, x.status);
		rc = client_attach_verdict(o, &x);
	}
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (sigfd != -1)
		close(sigfd);
	close(sock);
	buf_free(&b);
	return rc;
}

/* One request on a connection of its own: proto_connect says hello and
 * checks the version, waiting at most timeout ms; a server older than
 * need does not know the request (EPROTONOSUPPORT); before(sock, what),
 * if any, sends what goes first, then the frames in req go; answer takes
 * each frame that comes back, waited for at most wait ms (-1: for ever),
 * until it returns 1 (done) or -1 (failed, errno set). */
struct client_request {
	int		  timeout;
	uint32_t	  need;		/* protocol version, 0: any */
	int		  wait;
	int		(*before)(int, void *);
	void		 *what;
	struct buf	  req;
	int		(*answer)(const struct proto_msg *, void *);
	void		 *arg;
	uint32_t	  version;	/* the server's, with EPROTO */
	int		  connected;
};

/* Why a connection could not be made (errno), for the debug log. */
static void
client_connect_log(const char *path, uint32_t version)
{
	int	 saved = errno;

	if (errno == EPROTO && version != 0)
		log_debug("%s speaks protocol version %u, older than %u", path,
		    (unsigned)version, (unsigned)PROTO_VERSION_MIN);
	else
		log_debug("cannot connect to %s: %s", path, strerror(errno));
	errno = saved;
}

static int
client_request(const char *path, struct client_request *r)
{
	struct proto_msg	 m;
	struct buf		 in = { 0 };
	int			 sock, rc = -1, saved;

	r->connected = 0;
	if ((sock = proto_connect(path, r->timeout, &r->version)) == -1) {
		client_newer(path, r->version);
		client_connect_log(path, r->version);
		buf_free(&r->req);
		return -1;
	}
	r->connected = 1;
	if (r->version < r->need) {
		log_debug("%s speaks protocol version %u, this request needs "
		    "%u", path, (unsigned)r->version, (unsigned)r->need);
		close(sock);
		buf_free(&r->req);
		errno = EPROTONOSUPPORT;
		return -1;
	}
	if ((r->before == NULL || r->before(sock, r->what) == 0) &&
	    proto_send(sock, &r->req, -1) == 0) {
		while ((rc = proto_recv(sock, &in, &m, r->wait)) == 0) {
			rc = r->answer(&m, r->arg);
			proto_consume(&in, &m);
			if (rc != 0)
				break;
		}
		if (rc == -1 && errno == ETIMEDOUT)
			log_debug("%s did not answer within %d ms", path,
			    r->wait);
	}
	saved = errno;
	close(sock);
	buf_free(&r->req);
	buf_free(&in);
	errno = saved;
	return rc == 1 ? 0 : -1;
}

/* The answers that are one frame: INFO (into arg), or OK. */
static int
client_answer_info(const struct proto_msg *m, void *arg)
{
	if (m->type == MSG_INFO && proto_get_info(m, arg) == 0)
		return 1;
	errno = EPROTO;
	return -1;
}

static int
client_answer_ok(const struct proto_msg *m, void *arg)
{
	(void)arg;
	if (m->type == MSG_OK)
		return 1;
	errno = EPROTO;
	return -1;
}

/* What a probe that failed (errno) says of the socket; connected: the
 * server said hello. */
static int
client_probe_failed(int connected)
{
	if (!connected && errno == ENOENT)
		return PROBE_NONE;
	if (!connected && errno == ECONNREFUSED)
		return PROBE_STALE;
	if (errno == ETIMEDOUT || (!connected && errno == EAGAIN))
		return PROBE_WEDGED;
	return -1;
}

int
client_probe(const char *path, struct proto_info *info, uint32_t *version)
{
	struct client_request	 r = {
		.timeout = REQUEST_TIMEOUT, .wait = REQUEST_TIMEOUT,
		.answer = client_answer_info, .arg = info
	};
	int			 rc;

	if (proto_add(&r.req, MSG_INFO_REQ, NULL, 0) == -1) {
		buf_free(&r.req);
		return -1;
	}
	rc = client_request(path, &r);
	*version = r.version;
	if (rc == 0)
		return PROBE_LIVE;
	return client_probe_failed(r.connected);
}

/* A server older than this sess, which may close a connection that said
 * a version it does not know: client_probe asks it again. */
#define PROBE_AGAIN	(-2)

/* client_probe_all's connections, each a step of the probe. */
enum client_step {
	STEP_DIAL,		/* the listener's queue was full: dial again */
	STEP_HELLO,		/* HELLO and INFO_REQ sent, HELLO awaited */
	STEP_INFO		/* INFO awaited */
};

struct client_conn {
	struct probe_result	*p;
	int			 fd;
	enum client_step	 step;
	int64_t			 deadline;
	int64_t			 retry;		/* STEP_DIAL's next try */
	struct buf		 in;
};

/* Ends c's probe, rc 1 done (p->probe is set) or -1 failed (errno). */
static void
client_conn_end(struct client_conn *c, int rc)
{
	struct probe_result	*p = c->p;

	if (rc == -1) {
		p->error = errno;
		if (errno == ETIMEDOUT)
			log_debug("%s did not answer within %d ms", p->path,
			    REQUEST_TIMEOUT);
		else if (c->step != STEP_INFO)
			client_connect_log(p->path, p->version);
		else
			log_debug("%s gave no INFO: %s", p->path,
			    strerror(errno));
		errno = p->error;
		p->probe = client_probe_failed(c->step == STEP_INFO);
	}
	if (c->fd != -1)
		close(c->fd);
	buf_free(&c->in);
}

/* Connects c, says hello and asks for INFO at once; 0 while the probe
 * goes on, -1 failed. The server takes them in turn, and INFO_REQ is in
 * every version: one trip less for each server. */
static int
client_conn_dial(struct client_conn *c)
{
	struct buf	 b = { 0 };
	int		 rc;

	if (proto_dial_try(c->fd, c->p->path) == -1) {
		if (errno != EAGAIN)
			return -1;
		c->retry = now_ms() + LIST_RETRY_MS;
		return 0;
	}
	c->step = STEP_HELLO;
	rc = -1;
	if (proto_add_hello(&b) == 0 &&
	    proto_add(&b, MSG_INFO_REQ, NULL, 0) == 0)
		rc = proto_send(c->fd, &b, -1);
	buf_free(&b);
	return rc;
}

/* Takes the frames that came to c: 1 done, 0 while the probe goes on, -1
 * failed. */
static int
client_conn_read(struct client_conn *c)
{
	struct probe_result	*p = c->p;
	struct proto_msg	 m;
	int			 rc;

	while (proto_recv(c->fd, &c->in, &m, 0) == 0) {
		if (c->step == STEP_INFO) {
			if ((rc = client_answer_info(&m, &p->info)) == 1)
				p->probe = PROBE_LIVE;
			return rc;
		}
		rc = proto_check_hello(&m, &p->version);
		proto_consume(&c->in, &m);
		if (rc == -1)
			return -1;
		if (p->version < PROTO_VERSION) {
			p->probe = PROBE_AGAIN;
			return 1;
		}
		c->step = STEP_INFO;
	}
	/* proto_recv waited 0 ms: no more yet. */
	return errno == ETIMEDOUT ? 0 : -1;
}

/* Begins c's probe of p: 0 while it goes on, 1 once it has ended. */
static int
client_conn_start(struct client_conn *c, struct probe_result *p)
{
	memset(c, 0, sizeof *c);
	c->p = p;
	c->step = STEP_DIAL;
	c->deadline = now_ms() + REQUEST_TIMEOUT;
	p->error = 0;
	p->version = 0;
	if ((c->fd = proto_open(SOCK_NONBLOCK)) == -1 ||
	    client_conn_dial(c) == -1) {
		client_conn_end(c, -1);
		return 1;
	}
	return 0;
}

/* Moves c on after poll said revents: 0 while the probe goes on, 1 once
 * it has ended. */
static int
client_conn_step(struct client_conn *c, short revents, int64_t now)
{
	int	 rc = 0;

	if (revents != 0)
		rc = client_conn_read(c);
	else if (c->step == STEP_DIAL && now >= c->retry)
		rc = client_conn_dial(c);
	if (rc == 0 && now >= c->deadline) {
		errno = ETIMEDOUT;
		rc = -1;
	}
	if (rc == 0)
		return 0;
	client_conn_end(c, rc);
	return 1;
}

void
client_probe_all(struct probe_result *ps, size_t n)
{
	struct client_conn	 conns[LIST_PARALLEL];
	struct pollfd		 pfd[LIST_PARALLEL];
	struct probe_result	*p;
	size_t			 next = 0, open = 0, i;
	int64_t			 now, wake;
	int			 err;

	for (;;) {
		while (open < LIST_PARALLEL && next < n) {
			if (client_conn_start(&conns[open], &ps[next++]) == 0)
				open++;
		}
		if (open == 0)
			break;
		now = now_ms();
		wake = INT64_MAX;
		for (i = 0; i < open; i++) {
			pfd[i].fd = conns[i].fd;
			if (conns[i].step == STEP_DIAL) {
				pfd[i].fd = -1;
				if (conns[i].retry < wake)
					wake = conns[i].retry;
			}
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
			if (conns[i].deadline < wake)
				wake = conns[i].deadline;
		}
		if (poll(pfd, open, wake > now ? (int)(wake - now) : 0) == -1 &&
		    errno != EINTR) {
			err = errno;
			while (open > 0) {
				errno = err;
				client_conn_end(&conns[--open], -1);
			}
			continue;
		}
		now = now_ms();
		/* An ended one's place goes to the last, already moved on. */
		for (i = open; i-- > 0;) {
			if (client_conn_step(&conns[i], pfd[i].revents, now))
				conns[i] = conns[--open];
		}
	}
	for (i = 0; i < n; i++) {
		p = &ps[i];
		if (p->probe == PROBE_AGAIN) {
			p->probe = client_probe(p->path, &p->info, &p->version);
			p->error = errno;
		}
	}
}

int
client_kill(const char *path)
{
	struct client_request	 r = {
		.timeout = SERVER_TIMEOUT, .wait = SERVER_TIMEOUT,
		.answer = client_answer_ok
	};

	if (proto_add(&r.req, MSG_KILL, NULL, 0) == -1) {
		buf_free(&r.req);
		return -1;
	}
	return client_request(path, &r);
}

static int
send_input(int sock, const char *p, size_t n)
{
	struct buf	 b = { 0 };
	size_t		 chunk;
	int		 rc = 0;

	while (rc == 0 && n > 0) {
		chunk = n < PROTO_MAX_PAYLOAD ? n : PROTO_MAX_PAYLOAD;
		buf_reset(&b);
		if (proto_add(&b, MSG_INPUT, p, chunk) == -1 ||
		    proto_send(sock, &b, -1) == -1)
			rc = -1;
		p += chunk;
		n -= chunk;
	}
	buf_free(&b);
	return rc;
}

struct client_send_what {
	const struct buf	*data;
	int			 fd;
};

/* The bytes to type: the buffer, or everything read from the fd. */
static int
client_send_before(int sock, void *arg)
{
	struct client_send_what	*w = arg;
	char			 chunk[PROTO_MAX_PAYLOAD];
	ssize_t			 n;
	int			 rc = 0;

	if (w->fd == -1)
		return send_input(sock, w->data->data, w->data->len);
	while (rc == 0 && (n = read(w->fd, chunk, sizeof chunk)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		rc = send_input(sock, chunk, (size_t)n);
	}
	return rc;
}

int
client_send(const char *path, const struct buf *data, int fd)
{
	struct client_send_what	 w = { data, fd };
	struct proto_info	 info;
	/* The answer comes after every byte before it was taken: as long
	 * as the program takes to read them. */
	struct client_request	 r = {
		.timeout = SERVER_TIMEOUT, .wait = -1,
		.before = client_send_before, .what = &w,
		.answer = client_answer_info, .arg = &info
	};

	if (proto_add(&r.req, MSG_INFO_REQ, NULL, 0) == -1) {
		buf_free(&r.req);
		return -1;
	}
	return client_request(path, &r);
}

/* The screen, a frame at a time, until OK or ERROR. */
static int
client_dump_answer(const struct proto_msg *m, void *arg)
{
	struct proto_error	 e;

	if (m->type == MSG_OK)
		return 1;
	if (m->type == MSG_ERROR && proto_get_error(m, &e) == 0) {
		errno = e.code;
		return -1;
	}
	if (m->type == MSG_DUMP &&
	    write_all(*(int *)arg, m->data, m->len) == -1)
		return -1;
	return 0;
}

int
client_dump(const char *path, uint32_t flags, int fd)
{
	struct client_request	 r = {
		.timeout = SERVER_TIMEOUT, .wait = SERVER_TIMEOUT,
		.answer = client_dump_answer, .arg = &fd
	};

	if (proto_add_dump_req(&r.req, flags) == -1) {
		buf_free(&r.req);
		return -1;
	}
	return client_request(path, &r);
}

/* Where the server's reason for an ERROR goes. */
struct client_reason {
	char	*msg;
	size_t	 size;
};

/* OK, or ERROR with the server's reason. */
static int
client_answer_reason(const struct proto_msg *m, void *arg)
{
	struct client_reason	*why = arg;
	struct proto_error	 e;

	if (m->type == MSG_OK)
		return 1;
	if (m->type == MSG_ERROR && proto_get_error(m, &e) == 0) {
		snprintf(why->msg, why->size, "%s", e.msg);
		errno = e.code;
	} else
		errno = EPROTO;
	return -1;
}

int
client_checkpoint(const char *path, const struct proto_checkpoint *pc,
    char *msg, size_t size, uint32_t *version)
{
	struct client_reason	 why = { msg, size };
	struct client_request	 r = {
		.timeout = REQUEST_TIMEOUT, .need = 2,
		.wait = CHECKPOINT_TIMEOUT,
		.answer = client_answer_reason, .arg = &why
	};
	int			 rc;

	msg[0] = '\0';
	if (proto_add_checkpoint(&r.req, pc) == -1) {
		buf_free(&r.req);
		return -1;
	}
	rc = client_request(path, &r);
	*version = r.version;
	if (rc == -1 && r.connected && errno == ETIMEDOUT)
		snprintf(msg, size, "no answer in %d s", CHECKPOINT_TIMEOUT /
		    1000);
	return rc;
}

int
client_upgrade(const char *path, const char *exe, char *msg, size_t size,
    uint32_t *version)
{
	struct client_reason	 why = { msg, size };
	struct client_request	 r = {
		.timeout = REQUEST_TIMEOUT, .need = 3, .wait = UPGRADE_TIMEOUT,
		.answer = client_answer_reason, .arg = &why
	};
	int			 rc;

	msg[0] = '\0';
	if (proto_add_upgrade(&r.req, exe) == -1) {
		buf_free(&r.req);
		return -1;
	}
	rc = client_request(path, &r);
	*version = r.version;
	if (rc == -1 && r.connected && errno == ETIMEDOUT)
		snprintf(msg, size, "no answer in %d ms", UPGRADE_TIMEOUT);
	return rc;
}
