/* The loop's wait: poll(2)'s contract, kept through epoll.
 *
 * poll hooks the caller onto every descriptor it is given and unhooks it
 * from each again, at every wake-up. A loop that asks for the same
 * descriptors turn after turn (a server with its socket, signals, model
 * and each client's terminal) pays that for all of them to hear one key.
 * Here the descriptors stay hooked between turns: a wake-up costs what
 * the ready descriptors cost. The caller still fills a pollfd array each
 * turn and reads revents back, as with poll; what changed since the last
 * turn is told to the kernel, nothing else.
 *
 * A descriptor that was given to watch_wait is forgotten (watch_forget)
 * before it is closed: the kernel goes on watching a file that another
 * process still holds open, and would report it under a number that may
 * by then be another file's. */
#ifndef SESS_WATCH_H
#define SESS_WATCH_H

#include <poll.h>

struct watch_fd;

struct watch {
	int		 epfd;		/* -1: plain poll */
	unsigned	 turn;
	struct watch_fd	*fds;		/* by descriptor number */
	int		 nfds;
	void		*ev;		/* epoll's answers */
	int		 nev;
};

/* Never fails: without epoll, watch_wait is poll. Makes what the first
 * waits need, so that they run only the wait's own code. */
void		 watch_init(struct watch *);
void		 watch_free(struct watch *);
/* poll(2) on pfd, with poll's result, revents and errno. */
int		 watch_wait(struct watch *, struct pollfd *, nfds_t, int);
/* fd is about to be closed (or to be watched no more). */
void		 watch_forget(struct watch *, int);

#endif
