/* Framing, encoding and the transport of the session protocol. */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "proto.h"
#include "wire.h"

static void
rd_init(struct wire *r, const struct proto_msg *m)
{
	wire_init(r, m->data, m->len);
}

/* A payload must be used up exactly. */
static int
rd_done(struct wire *r)
{
	if (r->bad || r->left != 0) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

int
proto_frame(const void *p, size_t len, struct proto_msg *m, size_t *used)
{
	struct wire	 r;

	if (len < PROTO_HEADER)
		return 0;
	wire_init(&r, p, len);
	m->type = wire_get_u32(&r);
	m->len = wire_get_u32(&r);
	if (m->len > PROTO_MAX_PAYLOAD) {
		errno = EMSGSIZE;
		return -1;
	}
	if (m->type == 0 || m->type >= MSG_TYPE_MAX) {
		errno = EBADMSG;
		return -1;
	}
	if (len - PROTO_HEADER < m->len)
		return 0;
	m->data = (const unsigned char *)p + PROTO_HEADER;
	*used = PROTO_HEADER + m->len;
	return 1;
}

int
proto_add(struct buf *b, uint32_t type, const void *p, size_t len)
{
	if (len > PROTO_MAX_PAYLOAD) {
		errno = EMSGSIZE;
		return -1;
	}
	if (buf_reserve(b, PROTO_HEADER + len) == -1)
		return -1;
	wire_put_u32(b, type);
	wire_put_u32(b, (uint32_t)len);
	buf_add(b, p, len);
	return 0;
}

/* Encoders build the payload in a scratch buffer, then frame it. */
static int
add_payload(struct buf *b, uint32_t type, struct buf *payload)
{
	int	 rc;

	rc = proto_add(b, type, payload->data, payload->len);
	buf_free(payload);
	return rc;
}

int
proto_add_hello(struct buf *b)
{
	return proto_add_hello_as(b, PROTO_VERSION);
}

int
proto_add_hello_as(struct buf *b, uint32_t version)
{
	struct buf	 p = { 0 };

	wire_put_u32(&p, PROTO_MAGIC);
	wire_put_u32(&p, version);
	return add_payload(b, MSG_HELLO, &p);
}

/* Later versions may append to HELLO; only the first two words count. */
int
proto_get_hello(const struct proto_msg *m, struct proto_hello *h)
{
	struct wire	 r;

	rd_init(&r, m);
	h->magic = wire_get_u32(&r);
	h->version = wire_get_u32(&r);
	if (r.bad) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

static void
put_termios(struct buf *b, const struct termios *t)
{
	size_t	 i;

	wire_put_u32(b, t->c_iflag);
	wire_put_u32(b, t->c_oflag);
	wire_put_u32(b, t->c_cflag);
	wire_put_u32(b, t->c_lflag);
	wire_put_u32(b, cfgetispeed(t));
	wire_put_u32(b, cfgetospeed(t));
	wire_put_u8(b, NCCS);
	for (i = 0; i < NCCS; i++)
		wire_put_u8(b, t->c_cc[i]);
}

static void
get_termios(struct wire *r, struct termios *t)
{
	size_t	 i, n;

	memset(t, 0, sizeof *t);
	t->c_iflag = wire_get_u32(r);
	t->c_oflag = wire_get_u32(r);
	t->c_cflag = wire_get_u32(r);
	t->c_lflag = wire_get_u32(r);
	cfsetispeed(t, wire_get_u32(r));
	cfsetospeed(t, wire_get_u32(r));
	n = wire_get_u8(r);
	for (i = 0; i < n; i++) {
		if (i < NCCS)
			t->c_cc[i] = wire_get_u8(r);
		else
			wire_get_u8(r);
	}
}

int
proto_add_attach(struct buf *b, const struct proto_attach *a)
{
	struct buf	 p = { 0 };

	wire_put_u32(&p, a->flags);
	wire_put_u16(&p, a->rows);
	wire_put_u16(&p, a->cols);
	put_termios(&p, &a->tio);
	wire_put_str(&p, a->term);
	wire_put_str(&p, a->keys);
	return add_payload(b, MSG_ATTACH, &p);
}

int
proto_get_attach(const struct proto_msg *m, struct proto_attach *a)
{
	struct wire	 r;

	rd_init(&r, m);
	a->flags = wire_get_u32(&r);
	a->rows = wire_get_u16(&r);
	a->cols = wire_get_u16(&r);
	get_termios(&r, &a->tio);
	wire_get_str(&r, a->term, PROTO_TERM_MAX);
	wire_get_str(&r, a->keys, PROTO_KEYS_MAX);
	return rd_done(&r);
}

int
proto_add_resize(struct buf *b, const struct proto_resize *z)
{
	struct buf	 p = { 0 };

	wire_put_u16(&p, z->rows);
	wire_put_u16(&p, z->cols);
	return add_payload(b, MSG_RESIZE, &p);
}

int
proto_get_resize(const struct proto_msg *m, struct proto_resize *z)
{
	struct wire	 r;

	rd_init(&r, m);
	z->rows = wire_get_u16(&r);
	z->cols = wire_get_u16(&r);
	return rd_done(&r);
}

int
proto_add_info(struct buf *b, const struct proto_info *i)
{
	struct buf	 p = { 0 };

	wire_put_u8(&p, i->state);
	wire_put_u32(&p, (uint32_t)i->status);
	wire_put_u32(&p, i->pid);
	wire_put_u32(&p, i->clients);
	wire_put_u16(&p, i->rows);
	wire_put_u16(&p, i->cols);
	wire_put_u64(&p, i->created);
	wire_put_str(&p, i->cmd);
	/* Only to a client of version 3 or later: older ones take no more. */
	if (i->version[0] != '\0')
		wire_put_str(&p, i->version);
	return add_payload(b, MSG_INFO, &p);
}

int
proto_get_info(const struct proto_msg *m, struct proto_info *i)
{
	struct wire	 r;

	rd_init(&r, m);
	i->state = wire_get_u8(&r);
	i->status = (int32_t)wire_get_u32(&r);
	i->pid = wire_get_u32(&r);
	i->clients = wire_get_u32(&r);
	i->rows = wire_get_u16(&r);
	i->cols = wire_get_u16(&r);
	i->created = wire_get_u64(&r);
	wire_get_str(&r, i->cmd, PROTO_CMD_MAX);
	i->version[0] = '\0';
	if (r.left > 0) {
		wire_get_str(&r, i->version, PROTO_SESS_VERSION_MAX);
		/* Said only when known: an empty one is no INFO of ours. */
		if (i->version[0] == '\0')
			r.bad = 1;
	}
	return rd_done(&r);
}

int
proto_add_checkpoint(struct buf *b, const struct proto_checkpoint *c)
{
	struct buf	 p = { 0 };

	wire_put_u32(&p, c->flags);
	wire_put_str(&p, c->dir);
	wire_put_str(&p, c->criu);
	return add_payload(b, MSG_CHECKPOINT, &p);
}

int
proto_get_checkpoint(const struct proto_msg *m, struct proto_checkpoint *c)
{
	struct wire	 r;

	rd_init(&r, m);
	c->flags = wire_get_u32(&r);
	wire_get_str(&r, c->dir, PROTO_PATH_MAX);
	wire_get_str(&r, c->criu, PROTO_PATH_MAX);
	return rd_done(&r);
}

int
proto_add_upgrade(struct buf *b, const char *path)
{
	struct buf	 p = { 0 };

	wire_put_str(&p, path);
	return add_payload(b, MSG_UPGRADE, &p);
}

int
proto_get_upgrade(const struct proto_msg *m, char *path)
{
	struct wire	 r;

	rd_init(&r, m);
	wire_get_str(&r, path, PROTO_PATH_MAX);
	return rd_done(&r);
}

int
proto_add_exit(struct buf *b, const struct proto_exit *e)
{
	struct buf	 p = { 0 };

	wire_put_u8(&p, e->reason);
	wire_put_u8(&p, e->flags);
	wire_put_u32(&p, (uint32_t)e->status);
	return add_payload(b, MSG_EXIT, &p);
}

int
proto_get_exit(const struct proto_msg *m, struct proto_exit *e)
{
	struct wire	 r;

	rd_init(&r, m);
	e->reason = wire_get_u8(&r);
	e->flags = wire_get_u8(&r);
	e->status = (int32_t)wire_get_u32(&r);
	if (rd_done(&r) == -1)
		return -1;
	if (e->reason < EXIT_DETACHED || e->reason > EXIT_SAVED) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

int
proto_add_error(struct buf *b, const struct proto_error *e)
{
	struct buf	 p = { 0 };

	wire_put_u32(&p, (uint32_t)e->code);
	wire_put_str(&p, e->msg);
	return add_payload(b, MSG_ERROR, &p);
}

int
proto_get_error(const struct proto_msg *m, struct proto_error *e)
{
	struct wire	 r;

	rd_init(&r, m);
	e->code = (int32_t)wire_get_u32(&r);
	wire_get_str(&r, e->msg, PROTO_ERROR_MAX);
	return rd_done(&r);
}

int
proto_add_dump_req(struct buf *b, uint32_t flags)
{
	struct buf	 p = { 0 };

	wire_put_u32(&p, flags);
	return add_payload(b, MSG_DUMP_REQ, &p);
}

int
proto_get_dump_req(const struct proto_msg *m, uint32_t *flags)
{
	struct wire	 r;

	rd_init(&r, m);
	*flags = wire_get_u32(&r);
	return rd_done(&r);
}

int
proto_get_empty(const struct proto_msg *m)
{
	if (m->len != 0) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

int
proto_send(int sock, const struct buf *b, int fd)
{
	union {
		struct cmsghdr	hdr;
		char		space[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr	 mh;
	struct iovec	 iov;
	size_t		 off = 0;
	ssize_t		 n;

	while (off < b->len) {
		memset(&mh, 0, sizeof mh);
		iov.iov_base = b->data + off;
		iov.iov_len = b->len - off;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		if (fd != -1 && off == 0) {
			memset(&cm, 0, sizeof cm);
			mh.msg_control = cm.space;
			mh.msg_controllen = sizeof cm.space;
			cm.hdr.cmsg_level = SOL_SOCKET;
			cm.hdr.cmsg_type = SCM_RIGHTS;
			cm.hdr.cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(&cm.hdr), &fd, sizeof fd);
		}
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

int
proto_recv(int sock, struct buf *in, struct proto_msg *m, int timeout)
{
	struct pollfd	 pfd = { .fd = sock, .events = POLLIN };
	int64_t		 deadline = now_ms() + timeout;
	size_t		 used;
	ssize_t		 n;
	int		 rc, wait;

	for (;;) {
		if ((rc = proto_frame(in->data, in->len, m, &used)) != 0)
			return rc == 1 ? 0 : -1;
		/* Not waiting at all: what is there, without a poll first. */
		if (timeout != 0) {
			wait = -1;
			if (timeout > 0) {
				wait = (int)(deadline - now_ms());
				if (wait < 0)
					wait = 0;
			}
			rc = poll(&pfd, 1, wait);
			if (rc == -1)
				return -1;
			if (rc == 0) {
				errno = ETIMEDOUT;
				return -1;
			}
		}
		if (buf_reserve(in, 4096) == -1)
			return -1;
		n = recv(sock, in->data + in->len, in->cap - in->len,
		    timeout == 0 ? MSG_DONTWAIT : 0);
		if (n == -1) {
			if (errno == EAGAIN && timeout == 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = ECONNRESET;
			return -1;
		}
		in->len += (size_t)n;
	}
}

void
proto_consume(struct buf *in, const struct proto_msg *m)
{
	buf_consume(in, PROTO_HEADER + m->len);
}

int
proto_open(int flags)
{
	return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
}

int
proto_dial_try(int s, const char *path)
{
	struct sockaddr_un	 sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	return connect(s, (struct sockaddr *)&sa, sizeof sa);
}

/* One connection, waiting at most timeout ms for it. */
static int
proto_dial(const char *path, int timeout)
{
	struct timeval		 tv;
	int			 s, saved;

	if ((s = proto_open(0)) == -1)
		return -1;
	/* A listener whose backlog is full (a wedged server, or anything
	 * else bound there) would keep connect waiting for ever: the send
	 * timeout bounds it, and is taken off again once connected. */
	if (timeout >= 0) {
		tv.tv_sec = timeout / 1000;
		tv.tv_usec = (timeout % 1000) * 1000;
		if (setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1)
			goto fail;
	}
	if (proto_dial_try(s, path) == -1) {
		if (errno == EAGAIN || errno == EINPROGRESS)
			errno = ETIMEDOUT;
		goto fail;
	}
	if (timeout >= 0) {
		tv.tv_sec = tv.tv_usec = 0;
		if (setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1)
			goto fail;
	}
	return s;

fail:
	saved = errno;
	close(s);
	errno = saved;
	return -1;
}

int
proto_peer(const char *path, int timeout, struct ucred *cr)
{
	socklen_t	 len = sizeof *cr;
	int		 s, rc;

	if ((s = proto_dial(path, timeout)) == -1)
		return -1;
	rc = getsockopt(s, SOL_SOCKET, SO_PEERCRED, cr, &len);
	close(s);
	return rc;
}

int
proto_check_hello(const struct proto_msg *m, uint32_t *version)
{
	struct proto_hello	 h;

	*version = 0;
	if (m->type != MSG_HELLO || proto_get_hello(m, &h) == -1 ||
	    h.magic != PROTO_MAGIC) {
		errno = EPROTO;
		return -1;
	}
	*version = h.version;
	/* A newer server is reached through its own binary. */
	if (h.version < PROTO_VERSION_MIN || h.version > PROTO_VERSION) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

static int
proto_connect_as(const char *path, int timeout, uint32_t say,
    uint32_t *version)
{
	struct buf		 b = { 0 }, in = { 0 };
	struct proto_msg	 m;
	int			 s, saved;

	*version = 0;
	if ((s = proto_dial(path, timeout)) == -1)
		return -1;
	if (proto_add_hello_as(&b, say) == -1 || proto_send(s, &b, -1) == -1)
		goto fail;
	if (proto_recv(s, &in, &m, timeout) == -1 ||
	    proto_check_hello(&m, version) == -1)
		goto fail;
	proto_consume(&in, &m);
	buf_free(&b);
	buf_free(&in);
	return s;

fail:
	saved = errno;
	buf_free(&b);
	buf_free(&in);
	close(s);
	errno = saved;
	return -1;
}

int
proto_connect(const char *path, int timeout, uint32_t *version)
{
	int	 s;

	if ((s = proto_connect_as(path, timeout, PROTO_VERSION, version)) ==
	    -1 || *version >= PROTO_VERSION)
		return s;
	/* An older server: it may close a connection that said a version
	 * it does not know, so say its own. */
	close(s);
	return proto_connect_as(path, timeout, *version, version);
}
