/* Attaching: the terminal goes raw and is handed to the server, which
 * reads and writes it from then on. The client only passes on window
 * size changes, waits for the verdict, and puts the terminal back. */
#include <sys/ioctl.h>
#include <sys/signalfd.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "client.h"
#include "config.h"
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

	if (poll(&p, 1, 100) == 1)
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

int
client_attach(const struct attach_opts *o)
{
	struct proto_attach	 a = { 0 };
	struct proto_exit	 x = { 0 };
	struct proto_error	 e;
	struct proto_msg	 m;
	struct termios		 orig, raw;
	struct winsize		 ws;
	struct buf		 b = { 0 }, in = { 0 };
	struct pollfd		 pfd[2];
	struct signalfd_siginfo	 si;
	sigset_t		 mask, old;
	const char		*term;
	uint32_t		 version;
	int			 sock, sigfd, rc = 1, got = 0;

	if (tcgetattr(STDIN_FILENO, &orig) == -1) {
		sess_warn("standard input is not a terminal");
		return 1;
	}
	if ((sock = proto_connect(o->path, 5000, &version)) == -1) {
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

	a.flags = o->flags;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
		a.rows = ws.ws_row;
		a.cols = ws.ws_col;
	} else {
		a.rows = 24;
		a.cols = 80;
	}
	a.tio = orig;
	term = getenv("TERM");
	snprintf(a.term, sizeof a.term, "%s", term ? term : "xterm");
	snprintf(a.keys, sizeof a.keys, "%s", o->keys ? o->keys : "");

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

	pfd[0].fd = sock;
	pfd[0].events = POLLIN;
	pfd[1].fd = sigfd;
	pfd[1].events = POLLIN;
	while (!got) {
		while (!got && proto_recv(sock, &in, &m, 0) == 0) {
			if (m.type == MSG_ERROR && proto_get_error(&m, &e) == 0) {
				tcsetattr(STDIN_FILENO, TCSADRAIN, &orig);
				sess_warn("%s", e.msg);
				goto out;
			}
			if (m.type == MSG_EXIT && proto_get_exit(&m, &x) == 0)
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

	if (got && x.flags & EXIT_RELEASE_FOLLOWS)
		swallow_release();
	if (!got)
		client_reset();
	tcsetattr(STDIN_FILENO, TCSADRAIN, &orig);
	if (!got) {
		sess_warn("lost the connection to session %s", o->name);
		goto out;
	}
	switch (x.reason) {
	case EXIT_DETACHED:
		if (!o->quiet)
			printf("\r\n[detached from %s]\n", o->name);
		rc = 0;
		break;
	case EXIT_EXITED:
		if (!o->quiet)
			printf("\r\n[%s exited with %d]\n", o->name, x.status);
		rc = x.status;
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
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (sigfd != -1)
		close(sigfd);
	close(sock);
	buf_free(&b);
	buf_free(&in);
	return rc;
}

int
client_probe(const char *path, struct proto_info *info, uint32_t *version)
{
	struct proto_msg	 m;
	struct buf		 b = { 0 }, in = { 0 };
	int			 sock, rc = -1;

	if ((sock = proto_connect(path, REQUEST_TIMEOUT, version)) == -1) {
		if (errno == ENOENT)
			return PROBE_NONE;
		if (errno == ECONNREFUSED)
			return PROBE_STALE;
		if (errno == ETIMEDOUT || errno == EAGAIN)
			return PROBE_WEDGED;
		return -1;
	}
	if (proto_add(&b, MSG_INFO_REQ, NULL, 0) == 0 &&
	    proto_send(sock, &b, -1) == 0) {
		if (proto_recv(sock, &in, &m, REQUEST_TIMEOUT) == 0) {
			if (m.type == MSG_INFO && proto_get_info(&m, info) == 0)
				rc = PROBE_LIVE;
			else
				errno = EPROTO;
		} else if (errno == ETIMEDOUT)
			rc = PROBE_WEDGED;
	}
	close(sock);
	buf_free(&b);
	buf_free(&in);
	return rc;
}

int
client_kill(const char *path)
{
	struct proto_msg	 m;
	struct buf		 b = { 0 }, in = { 0 };
	uint32_t		 version;
	int			 sock, rc = -1;

	if ((sock = proto_connect(path, 5000, &version)) == -1)
		return -1;
	if (proto_add(&b, MSG_KILL, NULL, 0) == 0 &&
	    proto_send(sock, &b, -1) == 0 &&
	    proto_recv(sock, &in, &m, 5000) == 0) {
		if (m.type == MSG_OK)
			rc = 0;
		else
			errno = EPROTO;
	}
	close(sock);
	buf_free(&b);
	buf_free(&in);
	return rc;
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

int
client_send(const char *path, const struct buf *data, int fd)
{
	struct proto_msg	 m;
	struct buf		 b = { 0 }, in = { 0 };
	char			 chunk[PROTO_MAX_PAYLOAD];
	uint32_t		 version;
	ssize_t			 n;
	int			 sock, rc = -1;

	if ((sock = proto_connect(path, 5000, &version)) == -1)
		return -1;
	if (fd == -1)
		rc = send_input(sock, data->data, data->len);
	else {
		rc = 0;
		while (rc == 0 && (n = read(fd, chunk, sizeof chunk)) != 0) {
			if (n == -1) {
				if (errno == EINTR)
					continue;
				rc = -1;
				break;
			}
			rc = send_input(sock, chunk, (size_t)n);
		}
	}
	/* The answer comes after every byte before it was taken. */
	if (rc == 0) {
		rc = -1;
		if (proto_add(&b, MSG_INFO_REQ, NULL, 0) == 0 &&
		    proto_send(sock, &b, -1) == 0 &&
		    proto_recv(sock, &in, &m, -1) == 0 && m.type == MSG_INFO)
			rc = 0;
	}
	close(sock);
	buf_free(&b);
	buf_free(&in);
	return rc;
}

int
client_dump(const char *path, uint32_t flags, int fd)
{
	struct proto_error	 e;
	struct proto_msg	 m;
	struct buf		 b = { 0 }, in = { 0 };
	uint32_t		 version;
	int			 sock, rc = -1;

	if ((sock = proto_connect(path, 5000, &version)) == -1)
		return -1;
	if (proto_add_dump_req(&b, flags) == -1 || proto_send(sock, &b, -1) == -1)
		goto out;
	while (proto_recv(sock, &in, &m, 5000) == 0) {
		if (m.type == MSG_OK) {
			rc = 0;
			break;
		}
		if (m.type == MSG_ERROR && proto_get_error(&m, &e) == 0) {
			errno = e.code;
			break;
		}
		if (m.type == MSG_DUMP && write_all(fd, m.data, m.len) == -1)
			break;
		proto_consume(&in, &m);
	}
out:
	close(sock);
	buf_free(&b);
	buf_free(&in);
	return rc;
}

int
client_checkpoint(const char *path, const struct proto_checkpoint *pc,
    char *msg, size_t size, uint32_t *version)
{
	struct proto_error	 e;
	struct proto_msg	 m;
	struct buf		 b = { 0 }, in = { 0 };
	int			 sock, rc = -1;

	msg[0] = '\0';
	if ((sock = proto_connect(path, REQUEST_TIMEOUT, version)) == -1)
		return -1;
	if (*version < 2) {
		close(sock);
		errno = EPROTONOSUPPORT;
		return -1;
	}
	if (proto_add_checkpoint(&b, pc) == 0 && proto_send(sock, &b, -1) == 0 &&
	    proto_recv(sock, &in, &m, CHECKPOINT_TIMEOUT) == 0) {
		if (m.type == MSG_OK)
			rc = 0;
		else if (m.type == MSG_ERROR && proto_get_error(&m, &e) == 0) {
			snprintf(msg, size, "%s", e.msg);
			errno = e.code;
		} else
			errno = EPROTO;
	} else if (errno == ETIMEDOUT)
		snprintf(msg, size, "no answer in %d s", CHECKPOINT_TIMEOUT /
		    1000);
	close(sock);
	buf_free(&b);
	buf_free(&in);
	return rc;
}
