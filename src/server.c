/* The session server: the program's pty, the listening socket, and every
 * connected client, in one loop (which waits through watch.c); its
 * signals, its start and its end.
 *
 * An attached client hands over its terminal, so output goes pty → server
 * → terminal and keys terminal → server → pty, each in one hop. Nothing
 * the loop does may block or wait without a bound: a terminal that does
 * not keep up gets a bounded queue, then a resync (server_client.c); a
 * program that does not read its input stops the reading of keys, nothing
 * else (server_pty.c); a model that does not catch up in MODEL_SYNC_MS is
 * not waited for (model.h). */
#include <sys/auxv.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "card.h"
#include "keys.h"
#include "log.h"
#include "proc.h"
#include "server_priv.h"
#include "sockdir.h"

char	server_readbuf[READ_SIZE];

static void
make_cmdline(struct server *s)
{
	char	**a;
	size_t	  n = 0, l;

	if (s->o->argv == NULL)
		return;
	for (a = s->o->argv; *a != NULL; a++) {
		l = strlen(*a);
		if (n + l + 2 > sizeof s->cmd)
			break;
		if (n > 0)
			s->cmd[n++] = ' ';
		memcpy(s->cmd + n, *a, l);
		n += l;
	}
	s->cmd[n] = '\0';
}

/* Binds the socket under a umask that keeps it 0600 from its first
 * moment. EADDRINUSE when the name is taken. */
static int
server_listen(struct server *s)
{
	struct sockaddr_un	 sa = { .sun_family = AF_UNIX };
	struct stat		 st;
	mode_t			 mask;
	int			 fd, rc;

	if (strlen(s->o->path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, s->o->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	mask = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(mask);
	if (rc == -1 || listen(fd, 64) == -1 || stat(s->o->path, &st) == -1) {
		rc = errno;
		close(fd);
		errno = rc;
		return -1;
	}
	s->lsock = fd;
	s->sock_dev = st.st_dev;
	s->sock_ino = st.st_ino;
	return 0;
}

/* Watches the socket directory, so that a socket or directory removed
 * under a running session is noticed without polling for it. Without
 * inotify the session only stays unreachable until it ends. */
static void
server_watch(struct server *s)
{
	if (s->notify == -1 &&
	    (s->notify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		log_debug("inotify: %s", strerror(errno));
		return;
	}
	if (s->watch != -1)
		inotify_rm_watch(s->notify, s->watch);
	s->watch = inotify_add_watch(s->notify, s->o->dir, IN_DELETE |
	    IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR |
	    IN_DONT_FOLLOW);
	if (s->watch == -1)
		log_debug("inotify on %s: %s", s->o->dir, strerror(errno));
}

/* The card let go (its lock with it), removed first if remove; then
 * says what comes next: 0 a new card, -1 none. */
static void
server_card_close(struct server *s, int remove, int then)
{
	if (s->card != 1)
		return;
	if (remove)
		card_remove(s->o->dir, s->o->name, s->card_fd);
	close(s->card_fd);
	s->card = then;
}

/* Something left the socket directory, or the directory itself went:
 * when it was our socket, make the directory again (under the same rules
 * as sess itself) and listen on a new socket. A path someone else took
 * meanwhile is theirs. Connections already open are not touched. */
static void
server_relisten(struct server *s)
{
	char			 evbuf[4096];
	struct stat		 st;
	int			 old;

	while (read(s->notify, evbuf, sizeof evbuf) > 0)
		;
	if (s->lsock == -1)
		return;
	if (lstat(s->o->path, &st) == 0 || errno != ENOENT)
		return;
	log_debug("socket %s removed", s->o->path);
	if (sockdir_check(s->o->dir, 1) == -1) {
		log_debug("socket directory %s: %s", s->o->dir,
		    strerror(errno));
		return;
	}
	old = s->lsock;
	s->lsock = -1;
	if (server_listen(s) == -1) {
		log_debug("listen again on %s: %s", s->o->path,
		    strerror(errno));
		s->lsock = old;
		return;
	}
	log_debug("listening again on %s", s->o->path);
	watch_forget(&s->wait, old);
	close(old);
	server_watch(s);
	/* A new card beside the new socket; the old one, wherever it went
	 * with its directory, is no longer locked, so no longer trusted. */
	server_card_close(s, 0, 0);
}

/* Removes the socket, unless someone has put another in its place. */
void
server_unlink(struct server *s)
{
	struct stat	 st;

	if (s->lsock == -1)
		return;
	/* The card first: whoever sees the socket gone sees no card. */
	server_card_close(s, 1, 0);
	if (stat(s->o->path, &st) == 0 && st.st_dev == s->sock_dev &&
	    st.st_ino == s->sock_ino)
		unlink(s->o->path);
	watch_forget(&s->wait, s->lsock);
	close(s->lsock);
	s->lsock = -1;
}

/* The program ended: its last output is read for DRAIN_MS at most. */
void
server_exited(struct server *s, int status)
{
	if (server_checkpoint_program_exited(s, status))
		return;
	log_debug("program %ld exited, status %d", (long)s->pid, status);
	s->state = SESSION_DRAINING;
	s->status = status;
	s->drain_until = now_ms() + DRAIN_MS;
}

/* The program ended and its last output is read: tell the attached
 * clients, or keep the status for whoever comes next. */
void
server_finish_exit(struct server *s)
{
	int	 i;

	s->state = SESSION_EXITED;
	server_pty_close(s);
	s->exited_at = now_ms();
	for (i = 0; i < s->nconns; i++) {
		if (s->conns[i]->tty != -1)
			server_client_end(s, s->conns[i]);
	}
	if (s->foreground)
		s->collected = 1;
}

/* sess -k: the program gets SIGHUP, every client is told, the name goes. */
void
server_kill(struct server *s, struct client *asker)
{
	int		 i;

	log_debug("killed%s", asker == NULL ? " by a signal" : "");
	if (s->state == SESSION_RUNNING) {
		server_pty_hangup(s);
		server_pty_close(s);
	}
	for (i = 0; i < s->nconns; i++)
		server_client_release(s, s->conns[i], EXIT_KILLED, 0, 0);
	server_unlink(s);
	if (asker != NULL)
		server_client_ok(asker);
	s->state = SESSION_ENDING;
}

static void
server_signal(struct server *s)
{
	struct signalfd_siginfo	 si;
	int			 ws;
	pid_t			 pid;

	while (read(s->sigfd, &si, sizeof si) == sizeof si) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
				if (s->checkpoint != NULL &&
				    pid == s->checkpoint->criu_pid)
					server_checkpoint_done(s, ws);
				else if (pid == s->pid &&
				    s->state == SESSION_RUNNING)
					server_exited(s, wait_code(ws));
			}
			break;
		case SIGTERM:
		case SIGINT:
		case SIGHUP:
			log_debug("signal %d", (int)si.ssi_signo);
			if (s->foreground && s->state == SESSION_RUNNING)
				server_pty_hangup(s);
			else
				server_kill(s, NULL);
			break;
		}
	}
}

/* The next moment something is due on time, as a poll timeout. */
static int
server_timeout(struct server *s, int64_t now)
{
	int64_t		 due = -1, t;
	struct client	*c;
	int		 i, k;

#define DUE(x) do { t = (x); if (due == -1 || t < due) due = t; } while (0)
	if (s->state == SESSION_DRAINING)
		DUE(s->drain_until);
	if (s->state == SESSION_EXITED && s->attached == 0)
		DUE(s->exited_at + (int64_t)EXITED_LINGER * 1000);
	for (i = 0; i < s->nconns; i++) {
		c = s->conns[i];
		if (c->state == CLIENT_CONNECTED)
			DUE(c->since + HELLO_TIMEOUT);
		/* Closed by a timer, with nothing to send: now. */
		if (c->state == CLIENT_CLOSING && c->out.len == 0)
			DUE(now);
		if (c->keys != NULL && (k = keys_timeout(c->keys, now)) >= 0)
			DUE(now + k);
		if (c->resync)
			DUE(c->dropped + RESYNC_MS);
	}
#undef DUE
	if (due == -1)
		return -1;
	return due <= now ? 0 : (int)(due - now);
}

static void
server_timers(struct server *s, int64_t now)
{
	struct client	*c;
	int		 i, k;

	if (s->state == SESSION_DRAINING && now >= s->drain_until)
		server_finish_exit(s);
	if (s->state == SESSION_EXITED && s->attached == 0 &&
	    now >= s->exited_at + (int64_t)EXITED_LINGER * 1000) {
		log_debug("nobody collected the status: ending");
		s->state = SESSION_ENDING;
	}
	for (i = 0; i < s->nconns; i++) {
		c = s->conns[i];
		if (c->state == CLIENT_CONNECTED &&
		    now >= c->since + HELLO_TIMEOUT) {
			log_debug("client %d: no hello", c->sock);
			c->state = CLIENT_CLOSING;
		}
		if (c->keys != NULL && (k = keys_timeout(c->keys, now)) == 0)
			server_client_expire_keys(s, c, now);
	}
	/* Done once the status reached whoever was there. */
	if (s->state == SESSION_EXITED && s->collected && s->attached == 0)
		s->state = SESSION_ENDING;
}

enum { P_LISTEN, P_MASTER, P_SIGNAL, P_MODEL, P_ADOPTED, P_OLDSHELL,
    P_NOTIFY, P_FIXED };

/* What the loop waits for. */
struct server_poll {
	struct pollfd	 pfd[P_FIXED + 2 * MAX_CONNS];
	struct client	*snap[MAX_CONNS];	/* the clients polled, */
	int		 where[MAX_CONNS];	/* their pfd, then tty's */
	int		 nsnap;
	int		 n;
};

static void
server_poll_fixed(struct server *s, struct server_poll *sp)
{
	struct pollfd	*pfd = sp->pfd;

	pfd[P_LISTEN].fd = s->lsock;
	pfd[P_LISTEN].events = POLLIN;
	pfd[P_MASTER].fd = s->master;
	/* A model far behind holds the program back, not memory. */
	pfd[P_MASTER].events = model_full(s->model) ? 0 : POLLIN;
	if (s->inq.len > 0)
		pfd[P_MASTER].events |= POLLOUT;
	pfd[P_SIGNAL].fd = s->sigfd;
	pfd[P_SIGNAL].events = POLLIN;
	pfd[P_MODEL].fd = model_fd(s->model);
	pfd[P_MODEL].events = POLLIN;
	/* An adopted program is not our child: its pidfd says when it
	 * ends, and its old shell's when SIGHUP is safe again. */
	pfd[P_ADOPTED].fd = s->adopted && s->state == SESSION_RUNNING ?
	    s->adopt.pidfd : -1;
	pfd[P_ADOPTED].events = POLLIN;
	pfd[P_OLDSHELL].fd = s->adopted ? s->adopt.shell_pidfd : -1;
	pfd[P_OLDSHELL].events = POLLIN;
	pfd[P_NOTIFY].fd = s->notify;
	pfd[P_NOTIFY].events = POLLIN;
}

/* Each client's socket and terminal. A program that does not read its
 * input slows the typists, nobody else. */
static void
server_poll_clients(struct server *s, struct server_poll *sp, int64_t now)
{
	struct pollfd	*pfd = sp->pfd;
	struct client	*c;
	int		 i, n = P_FIXED, reading;

	reading = s->inq.len < INPUT_BACKLOG;
	sp->nsnap = s->nconns;
	for (i = 0; i < sp->nsnap; i++) {
		c = sp->snap[i] = s->conns[i];
		sp->where[i] = n;
		pfd[n].fd = c->sock;
		pfd[n].events = reading || !c->sender ? POLLIN : 0;
		if (c->out.len > 0)
			pfd[n].events |= POLLOUT;
		n++;
		pfd[n].fd = c->tty;
		pfd[n].events = 0;
		if (c->tty != -1) {
			if (reading)
				pfd[n].events |= POLLIN;
			if (c->tq.len > c->tq_off ||
			    server_client_resync_due(s, c, now))
				pfd[n].events |= POLLOUT;
		}
		n++;
	}
	sp->n = n;
}

static void
server_ready_fixed(struct server *s, struct server_poll *sp)
{
	struct pollfd	*pfd = sp->pfd;

	if (pfd[P_SIGNAL].revents)
		server_signal(s);
	if (pfd[P_ADOPTED].fd != -1 && pfd[P_ADOPTED].revents)
		server_adopt_exited(s);
	if (pfd[P_OLDSHELL].fd != -1 && pfd[P_OLDSHELL].revents &&
	    pfd[P_OLDSHELL].fd == s->adopt.shell_pidfd)
		server_adopt_shell_gone(s);
	if (pfd[P_MODEL].revents & POLLIN)
		model_poll(s->model);
	if (s->master != -1 && pfd[P_MASTER].revents & POLLOUT)
		server_pty_flush_input(s);
	if (s->master != -1 &&
	    pfd[P_MASTER].revents & (POLLIN | POLLHUP | POLLERR))
		server_pty_ready(s);
}

/* A client's terminal took output, or has keys. */
static void
server_ready_tty(struct server *s, struct client *c, struct pollfd *pt,
    int64_t now)
{
	if (pt->fd == -1 || c->tty != pt->fd)
		return;
	if (pt->revents & POLLOUT) {
		if (c->tq.len == c->tq_off &&
		    server_client_resync_due(s, c, now))
			server_client_resync(s, c);
		if (server_client_tty_flush(c) == -1)
			server_client_release(s, c, EXIT_FAILED, 0, 0);
		else if (c->state == CLIENT_ENDING)
			server_client_end(s, c);
	}
	if (c->tty != -1 && pt->revents & (POLLIN | POLLHUP | POLLERR) &&
	    server_client_read_tty(s, c) == -1)
		server_client_release(s, c, EXIT_FAILED, 0, 0);
}

static void
server_ready_clients(struct server *s, struct server_poll *sp, int64_t now)
{
	struct client	*c;
	struct pollfd	*ps;
	int		 i;

	for (i = 0; i < sp->nsnap; i++) {
		c = sp->snap[i];
		ps = &sp->pfd[sp->where[i]];
		server_ready_tty(s, c, ps + 1, now);
		if (ps->revents & (POLLIN | POLLHUP | POLLERR) &&
		    c->state != CLIENT_CLOSING &&
		    server_client_read_sock(s, c) == -1) {
			server_client_free(s, c);
			continue;
		}
		if (server_client_flush(c) == -1 ||
		    (c->state == CLIENT_CLOSING && c->out.len == 0))
			server_client_free(s, c);
	}
}

/* The session's card (card.h): made as the server starts (before
 * server_trim, which then lets go of the code that wrote it: an idle
 * server never runs it again), written again after any turn of the loop
 * that changed what it says. */
static void
server_card(struct server *s)
{
	if (s->card == 0) {
		if ((s->card_fd = card_open(s->o->dir, s->o->name)) == -1) {
			log_debug("no card: %s", strerror(errno));
			s->card = -1;
			return;
		}
		s->card = 1;
	} else if (s->card == -1 ||
	    !server_client_describe_changed(s, &s->card_shown))
		return;
	server_client_describe(s, &s->card_shown);
	if (card_write(s->card_fd, &s->card_shown) == -1) {
		/* What it still says may be out of date: its lock goes, so
		 * that listings ask this server instead. */
		log_debug("card not written, dropped: %s", strerror(errno));
		server_card_close(s, 1, -1);
	}
}

static void
server_loop(struct server *s)
{
	struct server_poll	 sp;
	int64_t			 now;

	while (s->state != SESSION_ENDING) {
		server_card(s);
		now = now_ms();
		server_poll_fixed(s, &sp);
		server_poll_clients(s, &sp, now);
		if (watch_wait(&s->wait, sp.pfd, (nfds_t)sp.n,
		    server_timeout(s, now)) == -1) {
			if (errno == EINTR)
				continue;
			log_debug("poll: %s", strerror(errno));
			break;
		}
		server_ready_fixed(s, &sp);
		server_ready_clients(s, &sp, now);
		if (sp.pfd[P_LISTEN].revents & POLLIN && s->lsock != -1)
			server_client_accept(s);
		if (sp.pfd[P_NOTIFY].revents & POLLIN)
			server_relisten(s);
		server_timers(s, now_ms());
	}
}

/* Everything server_init took, so that a failed start or a finished
 * session leaves no memory, descriptor or thread behind. */
static void
server_free(struct server *s)
{
	while (s->nconns > 0)
		server_client_free(s, s->conns[0]);
	model_free(s->model);
	s->model = NULL;
	if (s->screen != NULL)
		screen_free(s->screen);
	s->screen = NULL;
	buf_free(&s->inq);
	server_pty_close(s);
	if (s->sigfd != -1)
		close(s->sigfd);
	if (s->notify != -1)
		close(s->notify);
	s->sigfd = s->notify = -1;
	adopt_free(&s->adopt);
	free(s->checkpoint);
	s->checkpoint = NULL;
}

/* The signals the loop takes, through a descriptor. Blocked, they stay
 * pending across an upgrade's exec: the new server reaps what ended
 * meanwhile. */
int
server_signals(struct server *s)
{
	sigset_t	 mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	s->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	return s->sigfd == -1 ? -1 : 0;
}

static int
server_init(struct server *s, const struct server_opts *o,
    struct start_error *e)
{
	memset(s, 0, sizeof *s);
	/* The whole verdict goes through a pipe, unused fields included. */
	memset(e, 0, sizeof *e);
	s->o = o;
	s->lsock = s->master = s->sigfd = s->notify = s->watch = -1;
	s->adopt.pidfd = s->adopt.shell_pidfd = -1;
	/* A flood's buffers (megabytes) get pages of their own, given
	 * back when freed: malloc would put them in a heap, among the
	 * scrollback's blocks, and keep what they leave between them. */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	s->rows = o->rows > 0 ? o->rows : 24;
	s->cols = o->cols > 0 ? o->cols : 80;
	s->created = time(NULL);
	make_cmdline(s);
	if (o->adopt > 0 && server_adopt_check(s, e) == -1)
		return -1;

	if (server_signals(s) == -1) {
		e->stage = START_FORK;
		e->err = errno;
		goto fail;
	}
	if (server_listen(s) == -1) {
		e->stage = errno == EADDRINUSE ? START_EXISTS : START_SOCKET;
		e->err = errno;
		goto fail;
	}
	server_watch(s);
	if ((o->restore != NULL ? server_checkpoint_restore(s, e) :
	    o->adopt > 0 ? server_adopt_start(s, e) :
	    server_pty_start(s, e)) == -1) {
		server_unlink(s);
		goto fail;
	}
	/* The screen and the model only now, while the program's exec goes
	 * on: the server resumes as the exec is past its point of no return,
	 * the program's own loading and start are still to come. (The
	 * model's thread comes with the first flood.) A restore brought its
	 * own screen. */
	if ((s->screen == NULL &&
	    (s->screen = screen_new(s->rows, s->cols)) == NULL) ||
	    (s->model = model_new(s->screen, server_pty_reply, s)) == NULL) {
		e->stage = s->screen == NULL ? START_PTY : START_FORK;
		e->err = errno;
		server_pty_hangup(s);
		server_unlink(s);
		goto fail;
	}
	e->stage = START_OK;
	return 0;

fail:
	server_free(s);
	return -1;
}

/* What the debug log calls this server. */
static const char *
server_who(const struct server_opts *o)
{
	static char	 who[80];

	snprintf(who, sizeof who, "server %s", o->name);
	return who;
}

/* The server runs a small part of the code and tables it shares a binary
 * with (the client's, adopt's, most of the libraries'), but the kernel
 * maps the pages around each one it touches (64 KiB, or a whole large
 * folio of the page cache), which made most of them resident in every
 * server. No read-around in any read-only segment of a loaded object,
 * and the pages the creator touched there are let go: nothing wrote
 * them (an object with text relocations, whose pages were written and
 * letting go would lose, is left alone). The objects are found by
 * dl_iterate_phdr, not by reading /proc/self/smaps, whose walk of every
 * page cost each start about 0.3 ms of CPU. So is the stack below this
 * call: the creator's probes and the start went deeper than the loop
 * will, and what they left there is of no use (a page the loop reaches
 * again comes back zeroed, as a new one would). */
#define STACK_KEEP	(8 * 1024)	/* for the calls server_trim makes */

/* Whether an object's code was written to by its relocations. */
static int
server_trim_textrel(const struct dl_phdr_info *info)
{
	const ElfW(Dyn)	*d;
	int		 i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_DYNAMIC)
			continue;
		d = (const ElfW(Dyn) *)(info->dlpi_addr +
		    info->dlpi_phdr[i].p_vaddr);
		for (; d->d_tag != DT_NULL; d++)
			if (d->d_tag == DT_TEXTREL || (d->d_tag == DT_FLAGS &&
			    (d->d_un.d_val & DF_TEXTREL)))
				return 1;
	}
	return 0;
}

static int
server_trim_object(struct dl_phdr_info *info, size_t size, void *vdso)
{
	const ElfW(Phdr) *ph;
	uintptr_t	 mask = (uintptr_t)util_page_size() - 1, a, b;
	int		 i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		ph = &info->dlpi_phdr[i];
		/* The vDSO is the kernel's, not a file's. */
		if (ph->p_type == PT_LOAD && ph->p_offset == 0 &&
		    info->dlpi_addr + ph->p_vaddr == (uintptr_t)vdso)
			return 0;
	}
	if (server_trim_textrel(info))
		return 0;
	for (i = 0; i < info->dlpi_phnum; i++) {
		ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
			continue;
		/* A segment that nothing writes has its pages to itself. */
		a = (info->dlpi_addr + ph->p_vaddr) & ~mask;
		b = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz + mask) &
		    ~mask;
		(void)madvise((void *)a, b - a, MADV_RANDOM);
		(void)madvise((void *)a, b - a, MADV_DONTNEED);
	}
	return 0;
}

/* Where the main thread's stack begins (its lowest address), or 0. Its
 * frame, and the buffer, are gone before server_trim lets the stack
 * go. */
static __attribute__((noinline)) uintptr_t
server_trim_stack(void)
{
	char	 maps[8192], *at;

	if (proc_slurp("/proc/self/maps", maps, sizeof maps) <= 0 ||
	    (at = strstr(maps, " [stack]\n")) == NULL)
		return 0;
	while (at > maps && at[-1] != '\n')
		at--;
	return (uintptr_t)strtoul(at, NULL, 16);
}

static void
server_trim(void)
{
	uintptr_t	 stack = server_trim_stack();

	dl_iterate_phdr(server_trim_object, (void *)getauxval(AT_SYSINFO_EHDR));
	/* Well below this frame: madvise's own is still to come. */
	if (stack != 0)
		(void)util_let_go((void *)stack,
		    (char *)__builtin_frame_address(0) - STACK_KEEP,
		    MADV_DONTNEED);
}

/* A started session's life, to its end. What the loop needs only once
 * (the card, the watch's tables) is made before server_trim, which then
 * lets go of the code that made it: an idle server never runs it again. */
static int
server_run(struct server *s, int trim)
{
	server_card(s);
	watch_init(&s->wait);
	if (trim)
		server_trim();
	server_loop(s);
	watch_free(&s->wait);
	log_debug("ending");
	server_client_flush_all(s);
	server_unlink(s);
	server_free(s);
	return s->status;
}

int
server_foreground(const struct server_opts *o, struct start_error *e)
{
	struct server	 s;

	if (server_init(&s, o, e) == -1)
		return -1;
	s.foreground = 1;
	log_open(server_who(o));
	return server_run(&s, 0);
}

/* Serves a session an upgrade handed over (server_upgrade.c has filled
 * in *s, its model and clients) until it ends, as server_daemon or
 * server_foreground would have: the exit status for the foreground. */
int
server_resume(struct server *s)
{
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	log_open(server_who(s->o));
	server_watch(s);
	return server_run(s, !s->foreground);
}

/* The server's process, in a session of its own: nothing of the
 * creator's reaches the server or program but the pipe (sp) that takes
 * the verdict of its start. */
static void __attribute__((noreturn))
server_daemon(const struct server_opts *o, struct start_error *e, int sp)
{
	struct server	 s;
	int		 null;

	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	if (sp > 3)
		close_range(3, (unsigned)sp - 1, 0);
	close_range((unsigned)sp + 1, ~0U, 0);
	/* After close_range, which would close it. */
	log_open(server_who(o));
	if (server_init(&s, o, e) == -1) {
		log_debug("start failed at stage %d: %s", e->stage,
		    e->err != 0 ? strerror(e->err) : e->msg);
		write_all(sp, e, sizeof *e);
		_exit(1);
	}
	log_debug("started, pid %ld runs %s, %ux%u", (long)s.pid, s.cmd,
	    s.cols, s.rows);
	write_all(sp, e, sizeof *e);
	close(sp);
	if (chdir("/") == -1)
		_exit(1);
	server_run(&s, 1);
	/* exit, so that leak checkers see the end; the creator's stdio
	 * went to /dev/null above, nothing of it is flushed. */
	exit(0);
}

/* Daemonises: the creator waits on a pipe for the verdict of the server's
 * start, so a program that cannot run leaves nothing behind. */
int
server_start(const struct server_opts *o, struct start_error *e)
{
	pid_t		 pid;
	int		 sp[2];
	ssize_t		 n;

	if (pipe2(sp, O_CLOEXEC) == -1) {
		e->stage = START_FORK;
		e->err = errno;
		return -1;
	}
	switch (pid = fork()) {
	case -1:
		e->stage = START_FORK;
		e->err = errno;
		close(sp[0]);
		close(sp[1]);
		return -1;
	case 0:
		/* A session of its own, whose leader it stays: every
		 * terminal it opens, it opens with O_NOCTTY. (One fork, not
		 * two: the creator waits for less.) */
		close(sp[0]);
		if (setsid() == -1) {
			e->stage = START_FORK;
			e->err = errno;
			write_all(sp[1], e, sizeof *e);
			_exit(1);
		}
		server_daemon(o, e, sp[1]);
	}
	close(sp[1]);
	do
		n = read(sp[0], e, sizeof *e);
	while (n == -1 && errno == EINTR);
	close(sp[0]);
	if (n != sizeof *e) {
		e->stage = START_FORK;
		e->err = ECHILD;
		return -1;
	}
	return e->stage == START_OK ? 0 : -1;
}
