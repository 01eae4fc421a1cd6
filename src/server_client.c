/* The server's clients: their connections and messages, and the terminals
 * of those attached. Nothing written here may block: a terminal that does
 * not keep up gets a bounded queue, then a redraw from the model. */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flood.h"
#include "keys.h"
#include "log.h"
#include "server_priv.h"
#include "version.h"

static void
server_client_send(struct client *c, struct buf *frame)
{
	if (buf_add(&c->out, frame->data, frame->len) == -1) {
		log_debug("client %d: frame lost: %s", c->sock,
		    strerror(errno));
	}
	buf_free(frame);
}

/* OK, the last word to a request. */
void
server_client_ok(struct client *c)
{
	struct buf	 b = { 0 };

	proto_add(&b, MSG_OK, NULL, 0);
	server_client_send(c, &b);
	c->state = CLIENT_CLOSING;
}

void
server_client_error(struct client *c, int code, const char *fmt,
    const char *arg)
{
	struct proto_error	 e = { .code = code };
	struct buf		 b = { 0 };

	snprintf(e.msg, sizeof e.msg, fmt, arg);
	log_debug("client %d: refused: %s", c->sock, e.msg);
	proto_add_error(&b, &e);
	server_client_send(c, &b);
	c->state = CLIENT_CLOSING;
}

/* Small frames to a socket that is drained by a waiting client; if it
 * cannot take them now, POLLOUT brings them later. */
int
server_client_flush(struct client *c)
{
	ssize_t	 n;

	while (c->out.len > 0) {
		n = send(c->sock, c->out.data, c->out.len,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			log_debug("client %d: send: %s", c->sock,
			    strerror(errno));
			return -1;
		}
		buf_consume(&c->out, (size_t)n);
	}
	return 0;
}

/* The screen as every byte given leaves it: the model's own when it
 * catches up in time, else a copy (*scratch, to free) made from it and
 * the output it has not parsed yet. */
static struct screen *
server_client_screen(struct server *s, struct screen **scratch)
{
	struct screen	*v;

	*scratch = NULL;
	if ((v = model_sync_within(s->model, MODEL_SYNC_MS)) != NULL)
		return v;
	log_debug("model behind: a copy of the screen is used");
	return *scratch = model_snapshot(s->model);
}

/* The size follows the last client that attached or typed, never a
 * read-only or low-priority one. */
static void
server_client_take_size(struct server *s, struct client *c)
{
	if (c->flags & (ATTACH_READONLY | ATTACH_LOWPRIO))
		return;
	s->owner = c;
	server_pty_resize(s, c->rows, c->cols);
}

static void
server_client_tty_queue(struct client *c, const char *p, size_t n,
    int whole)
{
	if (!whole && flood_tty_drops(c->tq.len - c->tq_off, n)) {
		/* Too far behind: what it missed is replaced by a redraw. */
		log_debug("client %d: backlog of %zu bytes dropped", c->sock,
		    c->tq.len - c->tq_off + n);
		buf_free(&c->tq);
		c->tq_off = 0;
		c->resync = 1;
		c->dropped = now_ms();
		return;
	}
	if (c->tq_off > 0 && c->tq_off >= c->tq.len / 2) {
		buf_consume(&c->tq, c->tq_off);
		c->tq_off = 0;
	}
	if (buf_add(&c->tq, p, n) == -1) {
		log_debug("client %d: %zu bytes of output lost: %s", c->sock,
		    n, strerror(errno));
		c->resync = 1;
		c->dropped = now_ms();
	}
}

/* Sends output to one terminal: straight through when nothing is queued,
 * which is the common case. -1 when the terminal is gone. A redraw is
 * queued whole (whole), whatever its size: it is what a resync sends. */
static int
server_client_tty_send(struct client *c, const char *p, size_t n, int whole)
{
	ssize_t	 w = 0;

	if (c->resync)
		return 0;
	if (c->tq.len == c->tq_off) {
		w = write(c->tty, p, n);
		if (w == -1) {
			if (errno != EAGAIN && errno != EINTR)
				return -1;
			w = 0;
		}
		if ((size_t)w == n)
			return 0;
	}
	server_client_tty_queue(c, p + w, n - (size_t)w, whole);
	return 0;
}

int
server_client_tty_output(struct client *c, const char *p, size_t n)
{
	return server_client_tty_send(c, p, n, 0);
}

int
server_client_tty_flush(struct client *c)
{
	ssize_t	 w;

	while (c->tq.len > c->tq_off) {
		w = write(c->tty, c->tq.data + c->tq_off,
		    c->tq.len - c->tq_off);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			log_debug("client %d: terminal write failed: %s",
			    c->sock, strerror(errno));
			return -1;
		}
		c->tq_off += (size_t)w;
	}
	buf_reset(&c->tq);
	c->tq_off = 0;
	return 0;
}

/* Draws the whole screen from the model on one terminal. A model that
 * does not catch up in time gives the redraw it can make without waiting
 * (no scrollback). */
static void
server_client_redraw(struct server *s, struct client *c, int flags)
{
	struct screen	*v;
	struct buf	 b = { 0 };
	int		 rc;

	if ((v = model_sync_within(s->model, MODEL_SYNC_MS)) != NULL)
		rc = screen_redraw(v, flags, &b);
	else {
		log_debug("client %d: model behind, redrawn without "
		    "scrollback", c->sock);
		rc = model_redraw(s->model, &b);
	}
	if (rc == 0)
		server_client_tty_send(c, b.data, b.len, 1);
	buf_free(&b);
}

/* Whether a terminal whose backlog was dropped is to be redrawn now. */
int
server_client_resync_due(struct server *s, struct client *c, int64_t now)
{
	return c->resync && flood_tty_resync_due(s->model, c->dropped, now);
}

/* The terminal can take output again after its backlog was dropped. */
void
server_client_resync(struct server *s, struct client *c)
{
	struct buf	 b = { 0 };

	c->resync = 0;
	log_debug("client %d: resync", c->sock);
	if (model_redraw(s->model, &b) == 0)
		server_client_tty_send(c, b.data, b.len, 1);
	buf_free(&b);
}

/* A program that ended on the alternate screen leaves that screen on the
 * main one, where it stays after the client is gone. The terminal is
 * still raw, so rows end in CR LF. */
static void
server_client_flatten(struct screen *v, struct buf *b)
{
	struct buf	 text = { 0 };
	size_t		 i;

	if (screen_dump(v, SCREEN_ATTRS, &text) == -1)
		return;
	buf_adds(b, "\033[H\033[2J");
	for (i = 0; i < text.len; i++) {
		if (text.data[i] == '\n')
			buf_add(b, "\r", 1);
		buf_add(b, &text.data[i], 1);
	}
	buf_adds(b, "\033[m");
	buf_free(&text);
}

/* Lets go of a client's terminal: undo the program's modes, give back
 * the description's flags, and tell the client why it is done. */
void
server_client_release(struct server *s, struct client *c, int reason,
    int status, int flags)
{
	struct proto_exit	 x = { reason, flags, status };
	struct buf		 b = { 0 }, reset = { 0 };
	struct screen		*v, *scratch;

	if (c->tty == -1)
		return;
	server_client_tty_flush(c);
	/* Small, and the terminal is going back to its user: no queue. */
	v = server_client_screen(s, &scratch);
	if (v != NULL && screen_reset(v, &reset) == 0) {
		if (reason == EXIT_EXITED && screen_alternate(v))
			server_client_flatten(v, &reset);
		if (write(c->tty, reset.data, reset.len) == -1)
			log_debug("client %d: reset not written: %s",
			    c->sock, strerror(errno));
	}
	if (scratch != NULL)
		screen_free(scratch);
	buf_free(&reset);
	if (c->tty_shared)
		fcntl(c->tty, F_SETFL, c->tty_flags);
	watch_forget(&s->wait, c->tty);
	close(c->tty);
	c->tty = -1;
	keys_free(c->keys);
	c->keys = NULL;
	buf_free(&c->tq);
	s->attached--;
	if (s->owner == c)
		s->owner = NULL;
	log_debug("client %d: %s", c->sock, reason == EXIT_DETACHED ?
	    "detached" : reason == EXIT_EXITED ? "told the program exited" :
	    reason == EXIT_KILLED ? "told the session was killed" :
	    "terminal let go after a failure");
	proto_add_exit(&b, &x);
	server_client_send(c, &b);
	c->state = CLIENT_CLOSING;
}

void
server_client_free(struct server *s, struct client *c)
{
	int	 i;

	if (c->tty != -1) {
		/* Gone without a word: leave its terminal as we found it. */
		tcsetattr(c->tty, TCSADRAIN, &c->tio);
		server_client_release(s, c, EXIT_FAILED, 0, 0);
	}
	log_debug("client %d: gone", c->sock);
	server_checkpoint_forget(s, c);
	if (c->passed != -1)
		close(c->passed);
	watch_forget(&s->wait, c->sock);
	close(c->sock);
	buf_free(&c->in);
	buf_free(&c->out);
	for (i = 0; i < s->nconns; i++) {
		if (s->conns[i] == c) {
			s->conns[i] = s->conns[--s->nconns];
			break;
		}
	}
	free(c);
}

/* A terminal of our own for the passed one: with its own status flags,
 * so O_NONBLOCK never reaches the user's shell. */
static int
server_client_tty_open(struct client *c, int passed)
{
	char	 path[64];
	int	 fd;

	snprintf(path, sizeof path, "/proc/self/fd/%d", passed);
	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd != -1 && isatty(fd)) {
		close(passed);
		c->tty_shared = 0;
		return fd;
	}
	if (fd != -1)
		close(fd);
	if (!isatty(passed)) {
		errno = ENOTTY;
		return -1;
	}
	c->tty_shared = 1;
	c->tty_flags = fcntl(passed, F_GETFL);
	fd_set_nonblock(passed, 1);
	return passed;
}

/* Takes the terminal an attach request passed: 0, or -1 with the client
 * told why. */
static int
server_client_take_tty(struct server *s, struct client *c,
    const struct proto_attach *a)
{
	if (c->state != CLIENT_IDLE) {
		server_client_error(c, EALREADY, "%s", "already attached");
		return -1;
	}
	if (s->attached >= MAX_CLIENTS) {
		server_client_error(c, EUSERS, "session %s has too many "
		    "clients", s->o->name);
		return -1;
	}
	if (!(a->flags & ATTACH_NOKEYS)) {
		if ((c->keys = keys_new(a->keys, a->term)) == NULL) {
			server_client_error(c, EINVAL, "bad detach keys: %s",
			    a->keys);
			return -1;
		}
	}
	if ((c->tty = server_client_tty_open(c, c->passed)) == -1) {
		keys_free(c->keys);
		c->keys = NULL;
		server_client_error(c, errno, "%s", "cannot use the terminal");
		return -1;
	}
	c->passed = -1;
	c->tio = a->tio;
	memcpy(c->keyspec, a->keys, sizeof c->keyspec);
	memcpy(c->term, a->term, sizeof c->term);
	c->flags = a->flags;
	c->rows = a->rows;
	c->cols = a->cols;
	c->state = CLIENT_ATTACHED;
	s->attached++;
	return 0;
}

static void
server_client_attach(struct server *s, struct client *c,
    const struct proto_msg *m)
{
	struct proto_attach	 a;
	struct buf		 b = { 0 };
	int			 same;

	if (proto_get_attach(m, &a) == -1 || c->passed == -1) {
		server_client_error(c, EBADMSG, "%s", "bad attach request");
		return;
	}
	if (server_client_take_tty(s, c, &a) == -1)
		return;
	log_debug("client %d: attached at %ux%u, flags %#x", c->sock,
	    c->cols, c->rows, c->flags);
	proto_add(&b, MSG_OK, NULL, 0);
	server_client_send(c, &b);

	if (s->state == SESSION_EXITED) {
		/* Nobody saw it end: this client sees the last screen and
		 * collects the status. */
		server_client_redraw(s, c, 0);
		server_client_end(s, c);
		return;
	}
	/* Model and pty take the new size before the redraw, so the
	 * redraw is the program's screen at that size. */
	same = c->rows == s->rows && c->cols == s->cols;
	server_client_take_size(s, c);
	server_client_redraw(s, c, SCROLLBACK_REPLAY > 0 ?
	    SCREEN_SCROLLBACK : 0);
	/* What the model cannot hold (images, links, what it does not
	 * parse) the program draws again, as after a resize. */
	if (same || (c->flags & (ATTACH_READONLY | ATTACH_LOWPRIO)))
		server_pty_winch(s);
}

/* What changes of what a listing shows. */
int
server_client_describe_changed(const struct server *s,
    const struct proto_info *i)
{
	return i->state != (s->state == SESSION_EXITED ? INFO_EXITED :
	    INFO_RUNNING) || i->status != s->status ||
	    i->pid != (uint32_t)s->pid || i->clients != (uint32_t)s->attached ||
	    i->rows != s->rows || i->cols != s->cols;
}

void
server_client_describe(const struct server *s, struct proto_info *i)
{
	memset(i, 0, sizeof *i);
	i->state = s->state == SESSION_EXITED ? INFO_EXITED : INFO_RUNNING;
	i->status = s->status;
	i->pid = (uint32_t)s->pid;
	i->clients = (uint32_t)s->attached;
	i->rows = s->rows;
	i->cols = s->cols;
	i->created = (uint64_t)s->created;
	memcpy(i->cmd, s->cmd, sizeof i->cmd);
	_Static_assert(sizeof SESS_VERSION <= sizeof i->version,
	    "SESS_VERSION too long for INFO");
	memcpy(i->version, SESS_VERSION, sizeof SESS_VERSION);
}

static void
server_client_info(struct server *s, struct client *c)
{
	struct proto_info	 i;
	struct buf		 b = { 0 };

	server_client_describe(s, &i);
	if (c->version < 3)
		i.version[0] = '\0';
	proto_add_info(&b, &i);
	server_client_send(c, &b);
}

/* Tells a client the program exited, once the terminal has taken all of
 * the program's output: the last lines matter most. */
void
server_client_end(struct server *s, struct client *c)
{
	s->collected = 1;
	c->state = CLIENT_ENDING;
	if (c->tq.len == c->tq_off && !c->resync)
		server_client_release(s, c, EXIT_EXITED, s->status, 0);
}

/* sess dump: the screen as text, in frames, then OK. */
static void
server_client_dump(struct server *s, struct client *c,
    const struct proto_msg *m)
{
	struct buf	 text = { 0 }, b = { 0 };
	struct screen	*v, *scratch;
	uint32_t	 flags;
	size_t		 off, n;
	int		 rc;

	if (proto_get_dump_req(m, &flags) == -1) {
		server_client_error(c, EBADMSG, "%s", "bad dump request");
		return;
	}
	v = server_client_screen(s, &scratch);
	rc = v == NULL ? -1 : screen_dump(v, (int)flags, &text);
	if (scratch != NULL)
		screen_free(scratch);
	if (rc == -1) {
		server_client_error(c, errno, "%s", "cannot dump the screen");
		return;
	}
	for (off = 0; off < text.len; off += n) {
		n = text.len - off;
		if (n > PROTO_MAX_PAYLOAD)
			n = PROTO_MAX_PAYLOAD;
		proto_add(&c->out, MSG_DUMP, text.data + off, n);
	}
	proto_add(&b, MSG_OK, NULL, 0);
	server_client_send(c, &b);
	buf_free(&text);
}

/* The first message: HELLO, which either way tells our version; a client
 * older than any version we speak ends here. */
static void
server_client_hello(struct client *c, const struct proto_msg *m)
{
	struct proto_hello	 h;
	struct buf		 b = { 0 };

	if (m->type != MSG_HELLO || proto_get_hello(m, &h) == -1 ||
	    h.magic != PROTO_MAGIC) {
		log_debug("client %d: not a hello", c->sock);
		c->state = CLIENT_CLOSING;
		return;
	}
	c->state = CLIENT_IDLE;
	c->version = h.version;
	proto_add_hello(&b);
	server_client_send(c, &b);
	if (h.version < PROTO_VERSION_MIN) {
		log_debug("client %d: version %u, ours %u", c->sock,
		    (unsigned)h.version, (unsigned)PROTO_VERSION);
		c->state = CLIENT_CLOSING;
	}
}

static void
server_client_message(struct server *s, struct client *c,
    const struct proto_msg *m)
{
	struct proto_resize	 z;

	if (c->state == CLIENT_CONNECTED) {
		server_client_hello(c, m);
		return;
	}
	switch (m->type) {
	case MSG_ATTACH:
		server_client_attach(s, c, m);
		break;
	case MSG_RESIZE:
		if (proto_get_resize(m, &z) == -1 || c->tty == -1)
			break;
		c->rows = z.rows;
		c->cols = z.cols;
		if (s->owner == c)
			server_pty_resize(s, z.rows, z.cols);
		break;
	case MSG_DETACH:
		if (c->tty != -1)
			server_client_release(s, c, EXIT_DETACHED, 0, 0);
		else
			c->state = CLIENT_CLOSING;
		break;
	case MSG_INFO_REQ:
		server_client_info(s, c);
		/* INFO is the last answer a connection that asks for it
		 * gets (a listing, a send): closing it first spares this
		 * loop a wake-up for the asker's close. */
		if (c->state == CLIENT_IDLE)
			c->state = CLIENT_CLOSING;
		break;
	case MSG_INPUT:
		/* sess send: typed, as if by an attached client. */
		c->sender = 1;
		server_pty_input(s, (const char *)m->data, m->len);
		break;
	case MSG_DUMP_REQ:
		server_client_dump(s, c, m);
		break;
	case MSG_KILL:
		server_kill(s, c);
		break;
	case MSG_CHECKPOINT:
		server_checkpoint_start(s, c, m);
		break;
	case MSG_UPGRADE:
		server_upgrade_start(s, c, m);
		break;
	default:
		server_client_error(c, EBADMSG, "%s", "unexpected message");
		break;
	}
}

/* Keeps the first descriptor passed on a connection: one terminal per
 * client; anything more is closed. */
static void
server_client_take_fds(struct client *c, struct msghdr *mh)
{
	struct cmsghdr	*ch;
	size_t		 i, nfd;
	int		*fds;

	for (ch = CMSG_FIRSTHDR(mh); ch != NULL; ch = CMSG_NXTHDR(mh, ch)) {
		if (ch->cmsg_level != SOL_SOCKET || ch->cmsg_type != SCM_RIGHTS)
			continue;
		fds = (int *)CMSG_DATA(ch);
		nfd = (ch->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfd; i++) {
			if (c->passed == -1) {
				c->passed = fds[i];
				continue;
			}
			log_debug("client %d: extra descriptor closed",
			    c->sock);
			close(fds[i]);
		}
	}
}

/* Reads from a client's socket, with any fd passed along. -1 when the
 * connection is over. */
int
server_client_read_sock(struct server *s, struct client *c)
{
	union {
		struct cmsghdr	hdr;
		char		space[CMSG_SPACE(sizeof(int) * 4)];
	} cm;
	struct msghdr		 mh = { 0 };
	struct iovec		 iov;
	struct proto_msg	 m;
	size_t			 used;
	ssize_t			 n;
	int			 rc;

	if (buf_reserve(&c->in, 4096) == -1) {
		log_debug("client %d: %s", c->sock, strerror(errno));
		return -1;
	}
	iov.iov_base = c->in.data + c->in.len;
	iov.iov_len = c->in.cap - c->in.len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.space;
	mh.msg_controllen = sizeof cm.space;
	n = recvmsg(c->sock, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		log_debug("client %d: recvmsg: %s", c->sock, strerror(errno));
		return -1;
	}
	server_client_take_fds(c, &mh);
	if (n == 0)
		return -1;
	c->in.len += (size_t)n;
	while (c->state != CLIENT_CLOSING && (rc = proto_frame(c->in.data,
	    c->in.len, &m, &used)) != 0) {
		if (rc == -1) {
			/* Garbage: this connection only. */
			log_debug("client %d: bad frame", c->sock);
			return -1;
		}
		server_client_message(s, c, &m);
		buf_consume(&c->in, used);
	}
	return 0;
}

/* The client whose terminal answers the program's queries: the one the
 * pty's size follows, else the first that may type. NULL: the model
 * answers. Every terminal would answer a query, but the program asked
 * once. */
struct client *
server_client_answerer(struct server *s)
{
	struct client	*c;
	int		 i;

	if (s->owner != NULL)
		return s->owner;
	for (i = 0; i < s->nconns; i++) {
		c = s->conns[i];
		if (c->tty != -1 && !(c->flags & ATTACH_READONLY))
			return c;
	}
	return NULL;
}

/* What the keys of one read become, kept from read to read, so that
 * typing allocates nothing; what a paste grew it to is let go after. */
static struct buf	 server_client_keys_out;

static struct buf *
server_client_keys_begin(void)
{
	buf_reset(&server_client_keys_out);
	return &server_client_keys_out;
}

static void
server_client_keys_end(struct buf *out)
{
	if (out->cap > KEYS_KEEP)
		buf_free(out);
}

/* Keys from a terminal: the chord is looked for, the rest goes on. The
 * terminal's answers to queries go on only from the terminal that had
 * the last output as the answerer: a query it had was answered by no
 * one else, and one it did not have was (by the model). */
int
server_client_read_tty(struct server *s, struct client *c)
{
	struct buf	*out;
	ssize_t		 n;
	int		 rc = KEYS_FORWARD;
	int		 rel = 0;

	n = read(c->tty, server_readbuf, READ_SIZE);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		log_debug("client %d: terminal read: %s", c->sock,
		    strerror(errno));
		return -1;
	}
	if (n == 0)
		return -1;
	out = server_client_keys_begin();
	if (c->keys != NULL) {
		rc = keys_input(c->keys, server_readbuf, (size_t)n, now_ms(),
		    !c->answering, out);
		rel = keys_release_follows(c->keys);
	} else {
		buf_add(out, server_readbuf, (size_t)n);
		if (!c->answering)
			out->len = keys_strip_reports(out->data, out->len);
	}
	if (!(c->flags & ATTACH_READONLY) && out->len > 0) {
		if (s->owner != c)
			server_client_take_size(s, c);
		server_pty_input(s, out->data, out->len);
	}
	server_client_keys_end(out);
	if (rc == KEYS_DETACH)
		server_client_release(s, c, EXIT_DETACHED, 0,
		    rel ? EXIT_RELEASE_FOLLOWS : 0);
	return 0;
}

void
server_client_expire_keys(struct server *s, struct client *c, int64_t now)
{
	struct buf	*out = server_client_keys_begin();

	keys_expire(c->keys, now, !c->answering, out);
	if (!(c->flags & ATTACH_READONLY) && out->len > 0)
		server_pty_input(s, out->data, out->len);
	server_client_keys_end(out);
}

/* A new connection, from our user or root only. */
void
server_client_accept(struct server *s)
{
	struct client	*c;
	struct ucred	 cr;
	socklen_t	 len = sizeof cr;
	int		 fd;

	fd = accept4(s->lsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd == -1) {
		log_debug("accept: %s", strerror(errno));
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1) {
		log_debug("connection refused: %s", strerror(errno));
		close(fd);
		return;
	}
	if (cr.uid != getuid() && cr.uid != 0) {
		log_debug("connection refused: uid %ld", (long)cr.uid);
		close(fd);
		return;
	}
	if (s->nconns >= MAX_CONNS || (c = calloc(1, sizeof *c)) == NULL) {
		log_debug("connection refused: %s", s->nconns >= MAX_CONNS ?
		    "too many connections" : strerror(errno));
		close(fd);
		return;
	}
	c->state = CLIENT_CONNECTED;
	c->sock = fd;
	c->tty = -1;
	c->passed = -1;
	c->since = now_ms();
	s->conns[s->nconns++] = c;
	log_debug("client %d: connected, pid %ld", fd, (long)cr.pid);
	/* A listing sends its request with its hello, most often before it
	 * is accepted: answered now, not a turn of the loop later. */
	if (server_client_read_sock(s, c) == -1 || server_client_flush(c) == -1 ||
	    (c->state == CLIENT_CLOSING && c->out.len == 0))
		server_client_free(s, c);
}

/* Sends the last frames (EXIT, OK) before the process goes away; a client
 * that does not read them within FLUSH_MS is left to notice the close. */
void
server_client_flush_all(struct server *s)
{
	int64_t		 until = now_ms() + FLUSH_MS;
	struct pollfd	 p;
	struct client	*c;
	int		 i;

	for (i = 0; i < s->nconns; i++) {
		c = s->conns[i];
		while (c->out.len > 0 && server_client_flush(c) == 0 &&
		    c->out.len > 0 && now_ms() < until) {
			p.fd = c->sock;
			p.events = POLLOUT;
			poll(&p, 1, (int)(until - now_ms()));
		}
	}
	while (s->nconns > 0)
		server_client_free(s, s->conns[0]);
}
