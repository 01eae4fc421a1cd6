/* A thread that feeds the screen model, so that a flood of output goes to
 * the terminals at pty speed and the model catches up on the other core.
 *
 * The loop appends to the backlog under the lock; the thread swaps the
 * backlog for the buffer it parsed last and parses it without the lock.
 * A few bytes with the thread idle are parsed by the loop itself. The
 * screen belongs to whoever set busy (the thread, or the loop parsing
 * inline), and to the loop after model_sync, which waits for an empty
 * backlog and busy clear: only the loop adds input, so no lock is needed
 * around the screen. */
#include <sys/eventfd.h>

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "model.h"

/* The most of a parsed buffer kept for the next one. */
#define MODEL_KEEP	(256 * 1024)
/* Output up to this size is parsed by the loop when the thread is idle. */
#define MODEL_INLINE	512

struct model {
	struct screen	*screen;
	void		(*reply)(const char *, size_t, void *);
	void		*arg;

	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 work;		/* backlog not empty, or stop */
	pthread_cond_t	 idle;		/* backlog empty, thread idle */
	struct buf	 backlog;
	struct buf	 replies;
	int		 busy;
	int		 stop;
	int		 full;		/* the loop was told to stop reading */
	int		 efd;
};

static void
model_wake(struct model *m)
{
	uint64_t	 one = 1;

	(void)write(m->efd, &one, sizeof one);
}

/* Called by the screen in the thread: queued for the loop. */
static void
model_queue_reply(const char *p, size_t n, void *arg)
{
	struct model	*m = arg;

	pthread_mutex_lock(&m->lock);
	buf_add(&m->replies, p, n);
	pthread_mutex_unlock(&m->lock);
	model_wake(m);
}

static void *
model_main(void *arg)
{
	struct model	*m = arg;
	struct buf	 batch = { 0 }, tmp;
	int		 was_full;

	pthread_mutex_lock(&m->lock);
	for (;;) {
		while (m->backlog.len == 0 && !m->stop) {
			m->busy = 0;
			pthread_cond_broadcast(&m->idle);
			pthread_cond_wait(&m->work, &m->lock);
		}
		if (m->stop)
			break;
		m->busy = 1;
		/* Take everything: one swap, no copy. The loop goes on
		 * with the buffer parsed last time, so that in a flood
		 * neither side allocates or faults in fresh pages. */
		tmp = m->backlog;
		m->backlog = batch;
		batch = tmp;
		was_full = m->full;
		m->full = 0;
		pthread_mutex_unlock(&m->lock);
		if (was_full)
			model_wake(m);
		screen_input(m->screen, batch.data, batch.len);
		/* What a flood grew is not kept for an idle session, and
		 * goes back to the system (malloc keeps it otherwise). */
		if (batch.cap > MODEL_KEEP) {
			buf_free(&batch);
			malloc_trim(0);
		} else
			buf_reset(&batch);
		pthread_mutex_lock(&m->lock);
	}
	pthread_mutex_unlock(&m->lock);
	buf_free(&batch);
	return NULL;
}

struct model *
model_new(struct screen *s, void (*reply)(const char *, size_t, void *),
    void *arg)
{
	struct model	*m;

	if ((m = calloc(1, sizeof *m)) == NULL)
		return NULL;
	m->screen = s;
	m->reply = reply;
	m->arg = arg;
	m->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (m->efd == -1) {
		free(m);
		return NULL;
	}
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->work, NULL);
	pthread_cond_init(&m->idle, NULL);
	screen_set_reply(s, model_queue_reply, m);
	if ((errno = pthread_create(&m->thread, NULL, model_main, m)) != 0) {
		close(m->efd);
		free(m);
		return NULL;
	}
	return m;
}

void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	pthread_mutex_lock(&m->lock);
	m->stop = 1;
	pthread_cond_signal(&m->work);
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->thread, NULL);
	close(m->efd);
	buf_free(&m->backlog);
	buf_free(&m->replies);
	free(m);
}

void
model_input(struct model *m, const char *p, size_t n)
{
	pthread_mutex_lock(&m->lock);
	if (n <= MODEL_INLINE && !m->busy && m->backlog.len == 0) {
		/* A few bytes (a key's echo) with the thread idle: parsed
		 * here, after the terminals have them, since waking the
		 * thread on the other core costs more than the parsing and
		 * competes with whoever reads the echo. busy keeps the
		 * thread (and model_sync) off the screen meanwhile. */
		m->busy = 1;
		pthread_mutex_unlock(&m->lock);
		screen_input(m->screen, p, n);
		pthread_mutex_lock(&m->lock);
		m->busy = 0;
		pthread_mutex_unlock(&m->lock);
		return;
	}
	buf_add(&m->backlog, p, n);
	if (m->backlog.len >= MODEL_BACKLOG)
		m->full = 1;
	pthread_cond_signal(&m->work);
	pthread_mutex_unlock(&m->lock);
}

int
model_full(struct model *m)
{
	int	 full;

	pthread_mutex_lock(&m->lock);
	full = m->full;
	pthread_mutex_unlock(&m->lock);
	return full;
}

int
model_fd(const struct model *m)
{
	return m->efd;
}

void
model_poll(struct model *m)
{
	struct buf	 r;
	uint64_t	 n;

	(void)read(m->efd, &n, sizeof n);
	pthread_mutex_lock(&m->lock);
	r = m->replies;
	m->replies = (struct buf){ 0 };
	pthread_mutex_unlock(&m->lock);
	if (r.len > 0)
		m->reply(r.data, r.len, m->arg);
	buf_free(&r);
}

struct screen *
model_sync(struct model *m)
{
	pthread_mutex_lock(&m->lock);
	while (m->backlog.len > 0 || m->busy)
		pthread_cond_wait(&m->idle, &m->lock);
	pthread_mutex_unlock(&m->lock);
	/* Replies made on the way are the loop's to deliver. */
	model_poll(m);
	return m->screen;
}
