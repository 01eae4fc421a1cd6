/* The loop's wait through epoll (watch.h). */
#include <sys/epoll.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "watch.h"

/* A pollfd's events go to epoll as they are. */
_Static_assert(POLLIN == EPOLLIN && POLLPRI == EPOLLPRI &&
    POLLOUT == EPOLLOUT && POLLERR == EPOLLERR && POLLHUP == EPOLLHUP,
    "poll and epoll disagree on their events");

/* What poll says of a file that cannot be waited for: always ready. */
#define WATCH_ALWAYS	(POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

struct watch_fd {
	uint32_t	 want;	/* what the kernel watches, when on */
	uint32_t	 need;	/* what this turn asks for */
	uint32_t	 ready;	/* what the kernel answered this turn */
	short		 now;	/* this turn's answer without the kernel */
	unsigned	 seen;	/* the last turn that asked for it */
	unsigned	 told;	/* the last turn that brought it up to date */
	int		 on;	/* in the kernel's set */
};

static int	 watch_grow(struct watch *, int);

void
watch_init(struct watch *w)
{
	memset(w, 0, sizeof *w);
	if ((w->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		log_debug("epoll: %s: waiting with poll", strerror(errno));
	/* Room for a server's descriptors with a client or two, made now
	 * rather than in its first wait. */
	else if (watch_grow(w, 0) == -1)
		log_debug("watch: %s", strerror(errno));
}

void
watch_free(struct watch *w)
{
	if (w->epfd != -1)
		close(w->epfd);
	free(w->fds);
	free(w->ev);
	memset(w, 0, sizeof *w);
	w->epfd = -1;
}

/* Room for descriptor fd, and for an answer on every descriptor. */
static int
watch_grow(struct watch *w, int fd)
{
	struct watch_fd		*fds;
	struct epoll_event	*ev;
	int			 n = w->nfds < 16 ? 16 : w->nfds;

	while (n <= fd)
		n *= 2;
	if ((fds = reallocarray(w->fds, (size_t)n, sizeof *fds)) == NULL)
		return -1;
	memset(fds + w->nfds, 0, (size_t)(n - w->nfds) * sizeof *fds);
	w->fds = fds;
	w->nfds = n;
	if ((ev = reallocarray(w->ev, (size_t)n, sizeof *ev)) == NULL)
		return -1;
	w->ev = ev;
	w->nev = n;
	return 0;
}

/* The kernel is told what this turn asks of fd, if that changed. -1 when
 * it cannot be told: this turn then waits with poll. */
static int
watch_tell(struct watch *w, int fd, struct watch_fd *f)
{
	struct epoll_event	 e = { .events = f->need, .data.fd = fd };
	int			 op = f->on ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;

	if (f->on && f->want == f->need)
		return 0;
	for (;;) {
		if (epoll_ctl(w->epfd, op, fd, &e) == 0) {
			f->on = 1;
			f->want = f->need;
			return 0;
		}
		if (errno == ENOENT && op == EPOLL_CTL_MOD) {
			/* Closed and opened again without watch_forget. */
			log_debug("watch: %d changed file unannounced", fd);
			op = EPOLL_CTL_ADD;
		} else if (errno == EEXIST && op == EPOLL_CTL_ADD)
			op = EPOLL_CTL_MOD;
		else
			break;
	}
	f->on = 0;
	switch (errno) {
	case EPERM:
		f->now = WATCH_ALWAYS;
		return 0;
	case EBADF:
		f->now = POLLNVAL;
		return 0;
	default:
		log_debug("watch: %d: %s: waiting with poll", fd,
		    strerror(errno));
		return -1;
	}
}

/* After 2^32 turns the stamps start again. */
static void
watch_next_turn(struct watch *w)
{
	int	 fd;

	if (++w->turn != 0)
		return;
	for (fd = 0; fd < w->nfds; fd++)
		w->fds[fd].seen = w->fds[fd].told = 0;
	w->turn = 1;
}

/* What each descriptor is asked for, all slots naming it together. */
static int
watch_gather(struct watch *w, struct pollfd *pfd, nfds_t n)
{
	struct watch_fd	*f;
	nfds_t		 i;
	int		 fd;

	if (w->nev == 0 && watch_grow(w, 0) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		pfd[i].revents = 0;
		if ((fd = pfd[i].fd) < 0)
			continue;
		if (fd >= w->nfds && watch_grow(w, fd) == -1)
			return -1;
		f = &w->fds[fd];
		if (f->seen != w->turn) {
			f->seen = w->turn;
			f->need = 0;
			f->now = 0;
		}
		f->need |= (uint16_t)pfd[i].events;
	}
	return 0;
}

int
watch_wait(struct watch *w, struct pollfd *pfd, nfds_t n, int timeout)
{
	struct epoll_event	*ev;
	struct watch_fd		*f;
	nfds_t			 i;
	int			 fd, got, k, ready = 0;

	if (w->epfd == -1)
		return poll(pfd, n, timeout);
	watch_next_turn(w);
	if (watch_gather(w, pfd, n) == -1)
		return poll(pfd, n, timeout);
	ev = w->ev;
	for (i = 0; i < n; i++) {
		if ((fd = pfd[i].fd) < 0 || w->fds[fd].told == w->turn)
			continue;
		f = &w->fds[fd];
		f->told = w->turn;
		if (watch_tell(w, fd, f) == -1)
			return poll(pfd, n, timeout);
		if (f->now != 0)
			timeout = 0;
	}
	for (fd = 0; fd < w->nfds; fd++)
		if (w->fds[fd].on && w->fds[fd].seen != w->turn)
			watch_forget(w, fd);

	if ((got = epoll_wait(w->epfd, ev, w->nev, timeout)) == -1)
		return -1;
	for (k = 0; k < got; k++)
		w->fds[ev[k].data.fd].ready = ev[k].events;
	for (i = 0; i < n; i++) {
		if ((fd = pfd[i].fd) < 0)
			continue;
		f = &w->fds[fd];
		if (f->now != 0)
			pfd[i].revents = f->now & (pfd[i].events | POLLNVAL);
		else
			pfd[i].revents = (short)(f->ready &
			    ((uint16_t)pfd[i].events | POLLERR | POLLHUP));
		if (pfd[i].revents != 0)
			ready++;
	}
	for (k = 0; k < got; k++)
		w->fds[ev[k].data.fd].ready = 0;
	return ready;
}

void
watch_forget(struct watch *w, int fd)
{
	if (fd < 0 || fd >= w->nfds || !w->fds[fd].on)
		return;
	if (epoll_ctl(w->epfd, EPOLL_CTL_DEL, fd, NULL) == -1)
		log_debug("watch: %d not forgotten: %s", fd, strerror(errno));
	w->fds[fd].on = 0;
}
