/* Upgrade in place, the server's side (SPEC section 9): the server
 * becomes another sess binary without letting go of anything.
 *
 * The server writes its state into a memfd: the screen model and the
 * session's facts as state.c saves them, then its own facts and every
 * connection, in records of the same shape (a big-endian tag and length,
 * then the bytes). It runs the new binary on that state in a child that
 * only loads and checks it, and only then execs the new binary with the
 * descriptors it hands over left open: the listening socket, the pty
 * master, each client's socket and terminal, the state, and the old
 * executable, which a new binary that refuses the state after all execs
 * again with the same state. The process stays the program's parent, so
 * the program keeps its PID and is never signalled (an adopted program,
 * which is not our child, is reached through its pidfd, handed over
 * too); the signals the loop takes stay blocked and pending across the
 * exec. Output the program writes meanwhile waits in the pty; output read
 * before is in the model and in the terminals' queues, which are handed
 * over. */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "keys.h"
#include "log.h"
#include "server_priv.h"
#include "sockdir.h"
#include "state.h"
#include "version.h"
#include "wire.h"

#define UPGRADE_MAGIC		"SESSUPGR"
#define UPGRADE_MAGIC_LEN	8
#define UPGRADE_VERSION		1
#define UPGRADE_CHECK_OK	"sess takes the state"

/* The records of version 1; numbers are never used again. */
enum upgrade_tag {
	UPGRADE_STATE = 1,	/* state.c's: the facts and the screen */
	UPGRADE_SERVER,		/* the server's facts and descriptors */
	UPGRADE_INPUT,		/* keys the program has not read */
	UPGRADE_CLIENT,		/* one per connection */
	UPGRADE_ADOPT,		/* an adopted program: how to reach it */
	UPGRADE_TAGS
};

/* What a resumed server's options point to. */
static char			 upgrade_name[NAME_MAX_LEN + 1];
static char			 upgrade_dir[PATH_MAX];
static char			 upgrade_path[PATH_MAX];
static struct server_opts	 upgrade_opts = {
	.name = upgrade_name, .dir = upgrade_dir, .path = upgrade_path
};

static void
server_upgrade_put(struct buf *b, uint32_t tag, struct buf *rec)
{
	wire_put_u32(b, tag);
	wire_put_u32(b, (uint32_t)rec->len);
	buf_add(b, rec->data, rec->len);
	buf_reset(rec);
}

/* The bytes of a buffer from off on, after their length. */
static void
server_upgrade_put_bytes(struct buf *b, const struct buf *from, size_t off)
{
	size_t	 n = from->len > off ? from->len - off : 0;

	wire_put_u32(b, (uint32_t)n);
	if (n > 0)
		buf_add(b, from->data + off, n);
}

static void
server_upgrade_put_client(struct buf *w, struct client *c, size_t skip)
{
	wire_put_u32(w, (uint32_t)c->sock);
	wire_put_u8(w, (uint8_t)c->state);
	wire_put_u32(w, c->version);
	wire_put_u32(w, (uint32_t)c->passed);
	wire_put_u64(w, (uint64_t)c->since);
	wire_put_u32(w, (uint32_t)c->tty);
	wire_put_u32(w, (uint32_t)c->tty_flags);
	wire_put_u8(w, (uint8_t)c->tty_shared);
	state_put_termios(w, &c->tio);
	wire_put_u32(w, c->flags);
	wire_put_u16(w, c->rows);
	wire_put_u16(w, c->cols);
	wire_put_str(w, c->keyspec);
	wire_put_str(w, c->term);
	wire_put_u8(w, (uint8_t)c->resync);
	wire_put_u8(w, (uint8_t)c->answering);
	wire_put_u8(w, (uint8_t)c->sender);
	/* The asker's request is answered by whoever serves next. */
	server_upgrade_put_bytes(w, &c->in, skip);
	server_upgrade_put_bytes(w, &c->out, 0);
	server_upgrade_put_bytes(w, &c->tq, c->tq_off);
}

/* An adopted program is not our child: its pidfd says when it ends, and
 * its old shell's when its SIGHUP may be given back. */
static void
server_upgrade_put_adopt(struct buf *w, const struct adopt_target *t)
{
	size_t	 i;

	wire_put_u32(w, (uint32_t)t->pid);
	wire_put_u32(w, (uint32_t)t->pidfd);
	wire_put_u32(w, (uint32_t)t->flags);
	wire_put_u8(w, (uint8_t)t->hup_ignored);
	for (i = 0; i < nitems(t->hup_act); i++)
		wire_put_u64(w, t->hup_act[i]);
	wire_put_u32(w, (uint32_t)t->shell);
	wire_put_u32(w, (uint32_t)t->shell_pidfd);
	wire_put_str(w, t->comm);
}

/* The whole state into out; asker's request (skip bytes at the front of
 * its input) is the one being answered. */
static int
server_upgrade_save(struct server *s, struct screen *v, struct client *asker,
    size_t skip, struct buf *out)
{
	struct state_facts	 f = { 0 };
	struct buf		 w = { 0 };
	struct client		*c;
	int			 i;

	snprintf(f.name, sizeof f.name, "%s", s->o->name);
	memcpy(f.cmd, s->cmd, sizeof f.cmd);
	f.created = (uint64_t)s->created;
	f.saved = (uint64_t)time(NULL);
	f.pid = (uint32_t)s->pid;
	if (s->master != -1)
		(void)tcgetattr(s->master, &f.tio);
	snprintf(f.version, sizeof f.version, "%s", SESS_VERSION);
	if (state_save(&f, v, &w) == -1)
		return -1;
	buf_add(out, UPGRADE_MAGIC, UPGRADE_MAGIC_LEN);
	wire_put_u32(out, UPGRADE_VERSION);
	server_upgrade_put(out, UPGRADE_STATE, &w);

	wire_put_u8(&w, s->state == SESSION_EXITED);
	wire_put_u32(&w, (uint32_t)s->status);
	wire_put_u8(&w, (uint8_t)s->foreground);
	wire_put_u32(&w, (uint32_t)s->lsock);
	wire_put_u64(&w, (uint64_t)s->sock_dev);
	wire_put_u64(&w, (uint64_t)s->sock_ino);
	wire_put_u32(&w, (uint32_t)s->master);
	wire_put_u64(&w, (uint64_t)s->exited_at);
	wire_put_u8(&w, (uint8_t)s->collected);
	wire_put_u32(&w, (uint32_t)asker->sock);
	wire_put_u32(&w, (uint32_t)(s->owner != NULL ? s->owner->sock : -1));
	wire_put_str(&w, s->o->dir);
	wire_put_str(&w, s->o->path);
	server_upgrade_put(out, UPGRADE_SERVER, &w);

	server_upgrade_put_bytes(&w, &s->inq, 0);
	server_upgrade_put(out, UPGRADE_INPUT, &w);
	if (s->adopted) {
		server_upgrade_put_adopt(&w, &s->adopt);
		server_upgrade_put(out, UPGRADE_ADOPT, &w);
	}
	for (i = 0; i < s->nconns; i++) {
		c = s->conns[i];
		server_upgrade_put_client(&w, c, c == asker ? skip : 0);
		server_upgrade_put(out, UPGRADE_CLIENT, &w);
	}
	buf_free(&w);
	if (out->data == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static int
server_upgrade_refuse(char *why, size_t size, const char *msg)
{
	snprintf(why, size, "%s", msg);
	errno = EINVAL;
	return -1;
}

/* Bytes of a length and that many: a pointer into the record. */
static const unsigned char *
server_upgrade_get_bytes(struct wire *r, size_t *n)
{
	*n = wire_get_u32(r);
	return wire_take(r, *n);
}

/* A descriptor handed over is there, unless only checking. */
static int
server_upgrade_fd_ok(int fd, int check, int may_be_none)
{
	if (fd == -1)
		return may_be_none;
	if (fd < 0)
		return 0;
	return check || fcntl(fd, F_GETFD) != -1;
}

static void
server_upgrade_drop(struct server *s)
{
	struct client	*c;

	while (s->nconns > 0) {
		c = s->conns[--s->nconns];
		keys_free(c->keys);
		buf_free(&c->in);
		buf_free(&c->out);
		buf_free(&c->tq);
		free(c);
	}
	if (s->screen != NULL)
		screen_free(s->screen);
	s->screen = NULL;
	buf_free(&s->inq);
}

static int
server_upgrade_get_client(struct server *s, struct wire *r, int check,
    char *why, size_t size)
{
	struct client		*c;
	const unsigned char	*p;
	size_t			 n;
	int			 ok;

	if (s->nconns >= MAX_CONNS)
		return server_upgrade_refuse(why, size, "too many clients");
	if ((c = calloc(1, sizeof *c)) == NULL)
		return server_upgrade_refuse(why, size, "no memory");
	s->conns[s->nconns++] = c;
	c->sock = (int)wire_get_u32(r);
	c->state = (enum client_state)wire_get_u8(r);
	c->version = wire_get_u32(r);
	c->passed = (int)wire_get_u32(r);
	c->since = (int64_t)wire_get_u64(r);
	c->tty = (int)wire_get_u32(r);
	c->tty_flags = (int)wire_get_u32(r);
	c->tty_shared = wire_get_u8(r);
	state_get_termios(r, &c->tio);
	c->flags = wire_get_u32(r);
	c->rows = wire_get_u16(r);
	c->cols = wire_get_u16(r);
	wire_get_str(r, c->keyspec, PROTO_KEYS_MAX);
	wire_get_str(r, c->term, PROTO_TERM_MAX);
	c->resync = wire_get_u8(r);
	c->answering = wire_get_u8(r);
	c->sender = wire_get_u8(r);
	ok = 1;
	if ((p = server_upgrade_get_bytes(r, &n)) != NULL && n > 0)
		ok &= buf_add(&c->in, p, n) == 0;
	if ((p = server_upgrade_get_bytes(r, &n)) != NULL && n > 0)
		ok &= buf_add(&c->out, p, n) == 0;
	if ((p = server_upgrade_get_bytes(r, &n)) != NULL && n > 0)
		ok &= buf_add(&c->tq, p, n) == 0;
	if (r->bad || r->left != 0 || c->state > CLIENT_CLOSING)
		return server_upgrade_refuse(why, size, "a malformed client");
	if (!ok)
		return server_upgrade_refuse(why, size, "no memory");
	if (!server_upgrade_fd_ok(c->sock, check, 0) ||
	    !server_upgrade_fd_ok(c->passed, check, 1) ||
	    !server_upgrade_fd_ok(c->tty, check, 1))
		return server_upgrade_refuse(why, size, "a client's "
		    "descriptor is missing");
	if (c->tty != -1) {
		s->attached++;
		if (!(c->flags & ATTACH_NOKEYS) &&
		    (c->keys = keys_new(c->keyspec, c->term)) == NULL)
			return server_upgrade_refuse(why, size,
			    "a client's detach keys");
	}
	if (c->resync)
		c->dropped = now_ms();
	return 0;
}

static int
server_upgrade_get_adopt(struct server *s, struct wire *r, int check,
    char *why, size_t size)
{
	struct adopt_target	*t = &s->adopt;
	size_t			 i;

	t->pid = (pid_t)wire_get_u32(r);
	t->pidfd = (int)wire_get_u32(r);
	t->flags = (int)wire_get_u32(r);
	t->hup_ignored = wire_get_u8(r);
	for (i = 0; i < nitems(t->hup_act); i++)
		t->hup_act[i] = wire_get_u64(r);
	t->shell = (pid_t)wire_get_u32(r);
	t->shell_pidfd = (int)wire_get_u32(r);
	wire_get_str(r, t->comm, sizeof t->comm - 1);
	if (r->bad || r->left != 0 || t->pid != s->pid)
		return server_upgrade_refuse(why, size, "a malformed "
		    "adoption");
	if (!server_upgrade_fd_ok(t->pidfd, check, 0) ||
	    !server_upgrade_fd_ok(t->shell_pidfd, check, 1))
		return server_upgrade_refuse(why, size, "the adopted "
		    "program's descriptor is missing");
	s->adopted = 1;
	return 0;
}

static struct client *
server_upgrade_find(struct server *s, int sock)
{
	int	 i;

	for (i = 0; i < s->nconns; i++) {
		if (s->conns[i]->sock == sock)
			return s->conns[i];
	}
	return NULL;
}

static int
server_upgrade_get_server(struct server *s, struct wire *r, int check,
    int *asker, int *owner, char *why, size_t size)
{
	s->state = wire_get_u8(r) ? SESSION_EXITED : SESSION_RUNNING;
	s->status = (int)wire_get_u32(r);
	s->foreground = wire_get_u8(r);
	s->lsock = (int)wire_get_u32(r);
	s->sock_dev = (dev_t)wire_get_u64(r);
	s->sock_ino = (ino_t)wire_get_u64(r);
	s->master = (int)wire_get_u32(r);
	s->exited_at = (int64_t)wire_get_u64(r);
	s->collected = wire_get_u8(r);
	*asker = (int)wire_get_u32(r);
	*owner = (int)wire_get_u32(r);
	wire_get_str(r, upgrade_dir, PATH_MAX - 1);
	wire_get_str(r, upgrade_path, PATH_MAX - 1);
	if (r->bad || r->left != 0)
		return server_upgrade_refuse(why, size, "malformed facts");
	if (!server_upgrade_fd_ok(s->lsock, check, 1) ||
	    !server_upgrade_fd_ok(s->master, check,
	    s->state == SESSION_EXITED))
		return server_upgrade_refuse(why, size, "the socket or the "
		    "terminal is missing");
	return 0;
}

/* Reads a whole state into s (its screen, facts and clients), and the
 * socket of the client that asked into *asker. With check, descriptors
 * are not looked at (the trial run has none). -1 with why set. */
static int
server_upgrade_load(const unsigned char *p, size_t len, struct server *s,
    int check, int *asker, char *why, size_t size)
{
	struct wire		 r, rec;
	struct state_facts	 f;
	struct state_error	 se;
	const unsigned char	*data;
	uint32_t		 tag, n;
	size_t			 nin;
	int			 seen[UPGRADE_TAGS] = { 0 }, owner = -1;

	memset(s, 0, sizeof *s);
	s->o = &upgrade_opts;
	s->lsock = s->master = s->sigfd = s->notify = s->watch = -1;
	s->adopt.pidfd = s->adopt.shell_pidfd = -1;
	wire_init(&r, p, len);
	if (len < UPGRADE_MAGIC_LEN + 4 || memcmp(wire_take(&r,
	    UPGRADE_MAGIC_LEN), UPGRADE_MAGIC, UPGRADE_MAGIC_LEN) != 0)
		return server_upgrade_refuse(why, size, "not a handed-over "
		    "session");
	if ((n = wire_get_u32(&r)) != UPGRADE_VERSION) {
		snprintf(why, size, "handover format %u, this sess reads %u",
		    n, UPGRADE_VERSION);
		errno = ENOTSUP;
		return -1;
	}
	while (r.left > 0) {
		tag = wire_get_u32(&r);
		n = wire_get_u32(&r);
		if (r.bad || tag == 0 || tag >= UPGRADE_TAGS ||
		    n > STATE_FILE_MAX || (data = wire_take(&r, n)) == NULL)
			return server_upgrade_refuse(why, size,
			    "a malformed record");
		if (tag != UPGRADE_CLIENT && seen[tag])
			return server_upgrade_refuse(why, size,
			    "a record twice");
		seen[tag] = 1;
		wire_init(&rec, data, n);
		switch (tag) {
		case UPGRADE_STATE:
			if (state_load(data, n, &f, &s->screen, &se) == -1)
				return server_upgrade_refuse(why, size,
				    se.msg);
			memcpy(upgrade_name, f.name, sizeof upgrade_name);
			memcpy(s->cmd, f.cmd, sizeof s->cmd);
			s->created = (time_t)f.created;
			s->pid = (pid_t)f.pid;
			s->rows = f.rows;
			s->cols = f.cols;
			break;
		case UPGRADE_SERVER:
			if (server_upgrade_get_server(s, &rec, check, asker,
			    &owner, why, size) == -1)
				return -1;
			break;
		case UPGRADE_INPUT:
			data = server_upgrade_get_bytes(&rec, &nin);
			if (rec.bad || rec.left != 0)
				return server_upgrade_refuse(why, size,
				    "malformed input");
			if (nin > 0 && buf_add(&s->inq, data, nin) == -1)
				return server_upgrade_refuse(why, size,
				    "no memory");
			break;
		case UPGRADE_CLIENT:
			if (server_upgrade_get_client(s, &rec, check, why,
			    size) == -1)
				return -1;
			break;
		case UPGRADE_ADOPT:
			/* After the facts, which say the program's pid. */
			if (!seen[UPGRADE_STATE])
				return server_upgrade_refuse(why, size,
				    "an adoption before the facts");
			if (server_upgrade_get_adopt(s, &rec, check, why,
			    size) == -1)
				return -1;
			break;
		}
	}
	if (!seen[UPGRADE_STATE] || !seen[UPGRADE_SERVER] ||
	    !seen[UPGRADE_INPUT])
		return server_upgrade_refuse(why, size, "a record missing");
	/* The client whose size the pty has, once the clients are read. */
	s->owner = server_upgrade_find(s, owner);
	if (s->owner != NULL && s->owner->tty == -1)
		s->owner = NULL;
	return 0;
}

static void
server_upgrade_fd_cloexec(int fd, int on)
{
	if (fd != -1)
		(void)fcntl(fd, F_SETFD, on ? FD_CLOEXEC : 0);
}

/* The descriptors handed over: kept open across the exec (on 0), or
 * closed by it again (on 1). */
static void
server_upgrade_cloexec(struct server *s, int on)
{
	struct client	*c;
	int		 i;

	server_upgrade_fd_cloexec(s->lsock, on);
	server_upgrade_fd_cloexec(s->master, on);
	if (s->adopted) {
		server_upgrade_fd_cloexec(s->adopt.pidfd, on);
		server_upgrade_fd_cloexec(s->adopt.shell_pidfd, on);
	}
	for (i = 0; i < s->nconns; i++) {
		c = s->conns[i];
		server_upgrade_fd_cloexec(c->sock, on);
		server_upgrade_fd_cloexec(c->tty, on);
		server_upgrade_fd_cloexec(c->passed, on);
	}
}

/* Runs path --upgrade-check FD in a child, for UPGRADE_CHECK_MS at most:
 * 0 when it took the state (exit 0, having said UPGRADE_CHECK_OK), else
 * -1 with its one line in why. */
static int
server_upgrade_try(const char *path, int fd, char *why, size_t size)
{
	struct pollfd	 p;
	char		 arg[16];
	int		 pp[2], st;
	int64_t		 until = now_ms() + UPGRADE_CHECK_MS;
	size_t		 got = 0;
	ssize_t		 n;
	pid_t		 pid;

	why[0] = '\0';
	if (pipe2(pp, O_CLOEXEC) == -1)
		return -1;
	snprintf(arg, sizeof arg, "%d", fd);
	if ((pid = fork()) == -1) {
		close(pp[0]);
		close(pp[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(pp[1], STDOUT_FILENO);
		dup2(pp[1], STDERR_FILENO);
		server_upgrade_fd_cloexec(fd, 0);
		execl(path, path, "--upgrade-check", arg, (char *)NULL);
		dprintf(STDERR_FILENO, "cannot run %s: %s\n", path,
		    strerror(errno));
		_exit(127);
	}
	close(pp[1]);
	p.fd = pp[0];
	p.events = POLLIN;
	while (now_ms() < until &&
	    poll(&p, 1, (int)(until - now_ms())) != 0) {
		n = read(pp[0], why + got, size - 1 - got);
		if (n == 0 || (n == -1 && errno != EINTR && errno != EAGAIN))
			break;
		if (n > 0)
			got += (size_t)n;
		if (got == size - 1)
			break;
	}
	why[got] = '\0';
	why[strcspn(why, "\n")] = '\0';
	close(pp[0]);
	if (now_ms() >= until) {
		kill(pid, SIGKILL);
		str_format(why, size, "%s took over %d ms to check the state",
		    path, UPGRADE_CHECK_MS);
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	/* A binary that exits 0 without saying it took the state is not
	 * a sess that did. */
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	    strcmp(why, UPGRADE_CHECK_OK) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		str_format(why, size, "%s does not take a sess state", path);
		errno = EINVAL;
		return -1;
	}
	if (why[0] == '\0')
		str_format(why, size, "%s refused the state (status %d)", path,
		    wait_code(st));
	errno = EINVAL;
	return -1;
}

/* The state in a memfd, at its start. */
static int
server_upgrade_memfd(const struct buf *b)
{
	int	 fd;

	if ((fd = memfd_create("sess-upgrade", MFD_CLOEXEC)) == -1)
		return -1;
	if (write_all(fd, b->data, b->len) == -1 ||
	    lseek(fd, 0, SEEK_SET) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Why a session cannot be handed over now; NULL when it can. */
static const char *
server_upgrade_busy(struct server *s)
{
	if (s->checkpoint != NULL)
		return "a checkpoint is under way";
	if (s->state == SESSION_DRAINING || s->state == SESSION_ENDING)
		return "the session is ending";
	return NULL;
}

/* sess upgrade: become the binary at the path the client sent. Only a
 * failure comes back: the new binary answers the client. */
void
server_upgrade_start(struct server *s, struct client *c,
    const struct proto_msg *m)
{
	char		 path[PROTO_PATH_MAX + 1], why[PROTO_ERROR_MAX];
	char		 memarg[16], exearg[16];
	const char	*busy;
	struct screen	*v;
	struct buf	 b = { 0 };
	int		 fd = -1, exe = -1, err;

	if (proto_get_upgrade(m, path) == -1 || path[0] != '/') {
		server_client_error(c, EBADMSG, "%s", "bad upgrade request");
		return;
	}
	if ((busy = server_upgrade_busy(s)) != NULL) {
		server_client_error(c, EBUSY, "%s", busy);
		return;
	}
	if ((v = model_sync_within(s->model, UPGRADE_SYNC_MS)) == NULL) {
		server_client_error(c, EBUSY, "%s", "the screen model is "
		    "behind a flood: try again");
		return;
	}
	if (server_upgrade_save(s, v, c, PROTO_HEADER + m->len, &b) == -1 ||
	    (fd = server_upgrade_memfd(&b)) == -1) {
		err = errno;
		buf_free(&b);
		server_client_error(c, err, "cannot save the state: %s",
		    strerror(err));
		return;
	}
	log_debug("upgrade to %s: %zu bytes of state", path, b.len);
	buf_free(&b);
	if (server_upgrade_try(path, fd, why, sizeof why) == -1) {
		close(fd);
		server_client_error(c, EINVAL, "%s", why);
		return;
	}
	if ((exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) == -1) {
		err = errno;
		close(fd);
		server_client_error(c, err, "cannot keep the running binary: "
		    "%s", strerror(err));
		return;
	}
	snprintf(memarg, sizeof memarg, "%d", fd);
	snprintf(exearg, sizeof exearg, "%d", exe);
	server_upgrade_cloexec(s, 0);
	server_upgrade_fd_cloexec(fd, 0);
	server_upgrade_fd_cloexec(exe, 0);
	execl(path, path, "--upgrade-from", memarg, exearg, (char *)NULL);
	err = errno;
	log_debug("exec %s: %s", path, strerror(err));
	server_upgrade_cloexec(s, 1);
	close(fd);
	close(exe);
	server_client_error(c, err, "cannot run the new binary: %s",
	    strerror(err));
}

/* The state handed over in fd, whole: NULL with why set. */
static unsigned char *
server_upgrade_read(int fd, size_t *len, char *why, size_t size)
{
	unsigned char	*p;
	struct stat	 st;
	size_t		 got = 0;
	ssize_t		 n;

	if (fstat(fd, &st) == -1 || st.st_size <= 0 ||
	    (uint64_t)st.st_size > UPGRADE_STATE_MAX) {
		snprintf(why, size, "no state in descriptor %d", fd);
		return NULL;
	}
	if ((p = malloc((size_t)st.st_size)) == NULL) {
		snprintf(why, size, "no memory for the state");
		return NULL;
	}
	while (got < (size_t)st.st_size) {
		n = pread(fd, p + got, (size_t)st.st_size - got, (off_t)got);
		if (n <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			free(p);
			snprintf(why, size, "cannot read the state");
			return NULL;
		}
		got += (size_t)n;
	}
	*len = got;
	return p;
}

static int
server_upgrade_fd_arg(const char *arg)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || v < 0 ||
	    v > INT_MAX)
		return -1;
	return (int)v;
}

/* sess --upgrade-check FD: loads the state and says whether it would
 * serve it. */
static int
server_upgrade_check(int fd)
{
	struct server	 s;
	unsigned char	*p;
	char		 why[PROTO_ERROR_MAX];
	size_t		 len;
	int		 asker, rc;

	if ((p = server_upgrade_read(fd, &len, why, sizeof why)) == NULL)
		rc = -1;
	else {
		rc = server_upgrade_load(p, len, &s, 1, &asker, why,
		    sizeof why);
		server_upgrade_drop(&s);
		free(p);
	}
#if SESS_UPGRADE_REFUSE == 1
	/* A test build that refuses every state it is handed. */
	snprintf(why, sizeof why, "sess %s refuses the state (a test build)",
	    SESS_VERSION);
	rc = -1;
#endif
	if (rc == -1) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	printf("%s\n", UPGRADE_CHECK_OK);
	return 0;
}

/* Hands the state back to the binary that gave it: its server goes on,
 * and tells the client why. */
static void
server_upgrade_back(int fd, int exe, const char *why)
{
	char	 arg[16];
	char	*argv[] = { "sess", "--upgrade-back", arg, (char *)why, NULL };
	extern char **environ;

	log_debug("state refused (%s): back to the old binary", why);
	snprintf(arg, sizeof arg, "%d", fd);
	if (exe != -1)
		fexecve(exe, argv, environ);
	log_debug("cannot go back to the old binary: %s", strerror(errno));
}

/* The server's side of sess --upgrade-from FD EXE (EXE: the old binary,
 * or -1 when this is the old binary taking its state back, why saying
 * what the new one said): loads the state and serves it. */
int
server_upgrade_main(int argc, char **argv)
{
	struct server	 s;
	struct client	*asker;
	unsigned char	*p;
	char		 why[PROTO_ERROR_MAX];
	size_t		 len;
	int		 fd, exe = -1, sock, back;

	log_open("upgrade");
	if (argc == 3 && strcmp(argv[1], "--upgrade-check") == 0 &&
	    (fd = server_upgrade_fd_arg(argv[2])) != -1)
		return server_upgrade_check(fd);
	back = argc == 4 && strcmp(argv[1], "--upgrade-back") == 0;
	if ((!back && (argc != 4 || strcmp(argv[1], "--upgrade-from") != 0 ||
	    (exe = server_upgrade_fd_arg(argv[3])) == -1)) ||
	    (fd = server_upgrade_fd_arg(argv[2])) == -1) {
		fprintf(stderr, "sess: not a handover\n");
		return 2;
	}
	if ((p = server_upgrade_read(fd, &len, why, sizeof why)) == NULL ||
	    server_upgrade_load(p, len, &s, 0, &sock, why, sizeof why) == -1) {
		if (!back)
			server_upgrade_back(fd, exe, why);
		log_debug("state lost: %s", why);
		return 1;
	}
#if SESS_UPGRADE_REFUSE == 2
	/* A test build that takes the trial run but refuses the state after
	 * the exec: the old binary gets it back. */
	if (!back) {
		server_upgrade_drop(&s);
		snprintf(why, sizeof why, "sess %s refuses the state after "
		    "the exec (a test build)", SESS_VERSION);
		server_upgrade_back(fd, exe, why);
		return 1;
	}
#endif
	free(p);
	close(fd);
	if (exe != -1)
		close(exe);
	server_upgrade_cloexec(&s, 1);
	if (server_signals(&s) == -1 || (s.model = model_new(s.screen,
	    server_pty_reply, &s)) == NULL) {
		log_debug("cannot serve the state: %s", strerror(errno));
		return 1;
	}
	asker = server_upgrade_find(&s, sock);
	log_debug("%s: sess %s serves session %s, program %ld",
	    back ? "upgrade refused" : "upgraded", SESS_VERSION,
	    upgrade_name, (long)s.pid);
	if (asker != NULL && back)
		server_client_error(asker, EINVAL, "%s", argv[3]);
	else if (asker != NULL)
		server_client_ok(asker);
	return server_resume(&s);
}
