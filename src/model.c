/* A thread that feeds the screen model, so that a flood of output goes to
 * the terminals at pty speed and the model catches up on the other core.
 *
 * The loop appends to the backlog under the lock; the thread swaps the
 * backlog for the buffer it parsed last and parses it without the lock.
 * A few bytes with the thread idle are parsed by the loop itself. The
 * screen belongs to whoever set busy (the thread, or the loop parsing
 * inline), and to the loop after model_sync, which waits for an empty
 * backlog, nothing held and busy clear: only the loop adds input, so no
 * lock is needed around the screen. What is parsed when, and what is
 * passed over, is the flood policy's (flood.c).
 *
 * Every byte has its offset in the program's output stream. The loop
 * marks where the output stops or starts going to a terminal that
 * answers queries (model_mark); a query the screen parses in output that
 * went to such a terminal is that terminal's to answer, any other the
 * model answers. Bytes are fed to the screen in pieces cut at the marks,
 * so each reply is made in a piece of one kind. */
#include <sys/eventfd.h>

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "flood.h"
#include "log.h"
#include "model.h"
#include "skim.h"

/* Where output starts or stops going to an answering terminal. */
struct model_mark {
	uint64_t	 at;
	int		 answered;
};

struct model {
	struct screen	*screen;
	void		(*reply)(const char *, size_t, void *);
	void		*arg;

	pthread_t	 thread;
	int		 started;	/* the thread is there: made at the
					   first output the loop does not
					   parse itself */
	pthread_mutex_t	 lock;
	pthread_cond_t	 work;		/* backlog begun or a flood, stop, hurry */
	pthread_cond_t	 idle;		/* all parsed, thread idle */
	pthread_cond_t	 fed;		/* feeding ended */
	struct buf	 backlog;
	struct buf	 replies;
	int		 busy;
	int		 feeding;	/* the thread is in the screen */
	int		 stop;
	int		 hurry;		/* model_sync waits for everything */
	int		 flooding;	/* output is taken by the megabyte */
	int		 full;		/* the loop was told to stop reading */
	int		 tell_idle;	/* the loop waits for the thread */
	int		 keeps;		/* buffers a flood grew are kept */
	int		 efd;
	int		 rows;		/* a resize the thread is to make, */
	int		 cols;		/* after what it was given before */

	uint64_t	 given;		/* stream bytes given, locked */
	struct model_mark *marks;	/* to come, locked */
	size_t		 nmarks;
	int		 answered;	/* before the first mark, locked */
	int		 piece_answered; /* of the bytes in the screen now */

	struct flood	 flood;		/* the thread's */
	size_t		 nheld;		/* its held length, for the loop, locked */
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

	/* The terminal that had the query answers it. */
	if (m->piece_answered)
		return;
	pthread_mutex_lock(&m->lock);
	buf_add(&m->replies, p, n);
	pthread_mutex_unlock(&m->lock);
	model_wake(m);
}

/* The flood policy's bytes for the screen (at: their stream offset), in
 * pieces cut where the marks say the answerer changed. By whoever owns
 * the screen (busy). */
static void
model_sink(void *arg, uint64_t at, const char *p, size_t n)
{
	struct model	*m = arg;
	size_t		 len;

	while (n > 0) {
		len = n;
		pthread_mutex_lock(&m->lock);
		while (m->nmarks > 0 && m->marks[0].at <= at) {
			m->answered = m->marks[0].answered;
			memmove(m->marks, m->marks + 1,
			    --m->nmarks * sizeof *m->marks);
		}
		if (m->nmarks > 0 && m->marks[0].at < at + len)
			len = (size_t)(m->marks[0].at - at);
		m->piece_answered = m->answered;
		pthread_mutex_unlock(&m->lock);
		screen_input(m->screen, p, len);
		p += len;
		n -= len;
		at += len;
	}
}

static void
model_deadline(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_nsec += (long)ms * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

/* Under the lock: whether the screen is not yet as every byte given
 * leaves it. */
static int
model_behind(const struct model *m)
{
	return m->backlog.len > 0 || m->nheld > 0 || m->busy || m->rows != 0;
}

/* What model_wait returns besides whether a flood goes on. */
#define MODEL_STOP	(-1)
#define MODEL_LET_GO	2

/* Under the lock: waits until there is something to parse now. Returns
 * whether it is a flood that goes on; MODEL_LET_GO when the thread was
 * idle for a pause with a flood's buffers; MODEL_STOP. */
static int
model_wait(struct model *m)
{
	struct timespec	 ts;
	size_t		 seen;

	for (;;) {
		if (m->stop)
			return MODEL_STOP;
		if (m->backlog.len == 0 && m->nheld == 0 && m->rows == 0) {
			m->busy = 0;
			m->hurry = 0;
			pthread_cond_broadcast(&m->idle);
			if (m->tell_idle) {
				m->tell_idle = 0;
				model_wake(m);
			}
			if (!m->keeps) {
				pthread_cond_wait(&m->work, &m->lock);
				continue;
			}
			/* A flood whose last batch left nothing held ends
			 * here, after the same pause: its buffers go. */
			model_deadline(&ts, flood_pause_ms());
			if (pthread_cond_timedwait(&m->work, &m->lock, &ts) ==
			    ETIMEDOUT && m->backlog.len == 0 && !m->stop) {
				m->flooding = 0;
				return MODEL_LET_GO;
			}
			continue;
		}
		if (m->hurry || !m->flooding || m->rows != 0)
			return 0;
		if (flood_takes(m->backlog.len))
			return 1;
		/* A flood: wait for more of it, or for its end. */
		seen = m->backlog.len;
		model_deadline(&ts, flood_pause_ms());
		while (!m->stop && !m->hurry && !flood_takes(m->backlog.len) &&
		    pthread_cond_timedwait(&m->work, &m->lock, &ts) == 0)
			/* nothing */;
		if (m->stop || m->hurry || flood_takes(m->backlog.len))
			continue;
		if (m->backlog.len == seen) {
			m->flooding = 0;
			return 0;
		}
	}
}

/* Under the lock: a resize asked for while the thread had the screen,
 * made after the output given before it. */
static void
model_resize_pending(struct model *m)
{
	int	 rows = m->rows, cols = m->cols;

	if (rows == 0)
		return;
	m->rows = m->cols = 0;
	pthread_mutex_unlock(&m->lock);
	screen_resize(m->screen, rows, cols);
	pthread_mutex_lock(&m->lock);
}

/* What a flood grew is not kept once it is over, and goes back to the
 * system (malloc keeps it otherwise): the buffers swap, so the loop's
 * may be the big one. */
static int
model_keeps(const struct model *m, const struct buf *batch)
{
	return flood_shrinks(batch->cap) ||
	    flood_shrinks(flood_size(&m->flood)) ||
	    flood_shrinks(m->backlog.cap);
}

static void
model_shrink(struct model *m, struct buf *batch)
{
	if (!model_keeps(m, batch))
		return;
	buf_free(batch);
	flood_free(&m->flood);
	if (m->backlog.len == 0)
		buf_free(&m->backlog);
	pthread_mutex_unlock(&m->lock);
	malloc_trim(0);
	pthread_mutex_lock(&m->lock);
}

static void *
model_main(void *arg)
{
	struct model		*m = arg;
	struct flood_sink	 sink = { model_sink, m };
	struct buf		 batch = { 0 }, tmp;
	uint64_t		 at;
	size_t			 taken;
	int			 was_full, flood;

	pthread_mutex_lock(&m->lock);
	while ((flood = model_wait(m)) != MODEL_STOP) {
		if (flood == MODEL_LET_GO) {
			model_shrink(m, &batch);
			m->keeps = model_keeps(m, &batch);
			continue;
		}
		m->busy = 1;
		at = m->given - m->backlog.len;
		taken = 0;
		if (flood && m->backlog.len > 0 &&
		    flood_take(&m->flood, m->backlog.data,
		    m->backlog.len) == 0) {
			/* A flood's batch goes straight to what is held,
			 * where it would be copied anyway: no buffer of
			 * the thread's beside the ring. */
			taken = m->backlog.len;
			buf_reset(&m->backlog);
		} else {
			/* Else everything by one swap, no copy. The loop
			 * goes on with the buffer parsed last time. */
			tmp = m->backlog;
			m->backlog = batch;
			batch = tmp;
		}
		was_full = m->full;
		m->full = 0;
		m->feeding = 1;
		pthread_mutex_unlock(&m->lock);
		if (was_full)
			model_wake(m);
		if (taken > 0)
			flood_feed_taken(&m->flood, m->screen, taken, at,
			    flood, &sink);
		else if (batch.len > 0 || flood_held(&m->flood) > 0)
			flood_feed(&m->flood, m->screen, &batch, at, flood,
			    &sink);
		buf_reset(&batch);
		pthread_mutex_lock(&m->lock);
		model_resize_pending(m);
		m->nheld = flood_held(&m->flood);
		m->feeding = 0;
		pthread_cond_broadcast(&m->fed);
		if (!flood)
			model_shrink(m, &batch);
		m->keeps = model_keeps(m, &batch);
	}
	pthread_mutex_unlock(&m->lock);
	buf_free(&batch);
	return NULL;
}

struct model *
model_new(struct screen *s, void (*reply)(const char *, size_t, void *),
    void *arg)
{
	struct model		*m;
	pthread_condattr_t	 ca;

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
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&m->work, &ca);
	pthread_cond_init(&m->idle, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&m->fed, NULL);
	screen_set_reply(s, model_queue_reply, m);
	return m;
}

/* The thread, on the first output that needs it: a session whose program
 * never floods never has one (nor its stack), and a new session starts
 * without waiting for it. 0, or -1 when it cannot be made. */
static int
model_start(struct model *m)
{
	int	 err;

	if (m->started)
		return 0;
	if ((err = pthread_create(&m->thread, NULL, model_main, m)) != 0) {
		log_debug("model thread: %s; output parsed by the loop",
		    strerror(err));
		return -1;
	}
	m->started = 1;
	return 0;
}

void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	if (m->started) {
		pthread_mutex_lock(&m->lock);
		m->stop = 1;
		pthread_cond_signal(&m->work);
		pthread_mutex_unlock(&m->lock);
		pthread_join(m->thread, NULL);
	}
	close(m->efd);
	buf_free(&m->backlog);
	buf_free(&m->replies);
	flood_free(&m->flood);
	free(m->marks);
	free(m);
}

void
model_input(struct model *m, const char *p, size_t n)
{
	size_t		 was;
	uint64_t	 at;
	int		 inline_only;

	/* Without a thread, nothing is ever behind: all is parsed here. */
	inline_only = !m->started && !flood_inline(n) && model_start(m) == -1;
	pthread_mutex_lock(&m->lock);
	at = m->given;
	m->given += n;
	if ((flood_inline(n) || inline_only) && !m->busy &&
	    m->backlog.len == 0 && m->nheld == 0 && m->rows == 0) {
		/* A few bytes (a key's echo) with the thread idle: parsed
		 * here, after the terminals have them, since waking the
		 * thread on the other core costs more than the parsing and
		 * competes with whoever reads the echo. busy keeps the
		 * thread (and model_sync) off the screen meanwhile. */
		m->busy = 1;
		pthread_mutex_unlock(&m->lock);
		model_sink(m, at, p, n);
		pthread_mutex_lock(&m->lock);
		m->busy = 0;
		pthread_mutex_unlock(&m->lock);
		return;
	}
	was = m->backlog.len;
	buf_add(&m->backlog, p, n);
	/* A large read, or output coming faster than the thread takes it:
	 * either way the pty had that much waiting. */
	if (flood_begins(n) || flood_begins(m->backlog.len))
		m->flooding = 1;
	if (flood_full(m->backlog.len))
		m->full = 1;
	/* In a flood the thread times the pause itself: it is told only
	 * of a start and of a flood's worth. */
	if (was == 0 || (!flood_takes(was) && flood_takes(m->backlog.len)))
		pthread_cond_signal(&m->work);
	pthread_mutex_unlock(&m->lock);
}

int
model_mark(struct model *m, int answered)
{
	struct model_mark	*mk;
	int			 rc = 0;

	pthread_mutex_lock(&m->lock);
	mk = reallocarray(m->marks, m->nmarks + 1, sizeof *m->marks);
	if (mk == NULL) {
		/* The marks are a few at a time; without room, the replies
		 * the model makes from now on follow the last mark. */
		rc = -1;
	} else {
		m->marks = mk;
		m->marks[m->nmarks].at = m->given;
		m->marks[m->nmarks++].answered = answered;
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
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
model_busy(struct model *m)
{
	int	 busy;

	pthread_mutex_lock(&m->lock);
	busy = model_behind(m);
	if (busy)
		m->tell_idle = 1;
	pthread_mutex_unlock(&m->lock);
	return busy;
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
	if (r.len > 0 && m->reply != NULL)
		m->reply(r.data, r.len, m->arg);
	buf_free(&r);
}

/* Under the lock: a copy of the screen as every byte given leaves it,
 * without its scrollback. The thread waits for the lock between batches:
 * the screen, what it holds and the backlog are still, and say all there
 * is. */
static struct screen *
model_copy(struct model *m)
{
	struct screen	*v;
	struct buf	 b = { 0 };

	v = screen_new(screen_rows(m->screen), screen_cols(m->screen));
	if (v == NULL || screen_redraw(m->screen, 0, &b) == -1) {
		if (v != NULL)
			screen_free(v);
		buf_free(&b);
		return NULL;
	}
	screen_set_scrollback(v, 0);
	screen_input(v, b.data, b.len);
	if (flood_held(&m->flood) > 0)
		flood_feed_all(v, flood_held_bytes(&m->flood),
		    flood_held(&m->flood), m->flood.held_plain);
	flood_feed_all(v, m->backlog.data, m->backlog.len,
	    skim_plain(m->backlog.data, m->backlog.len));
	if (m->rows != 0)
		screen_resize(v, m->rows, m->cols);
	buf_free(&b);
	return v;
}

int
model_redraw(struct model *m, struct buf *out)
{
	struct screen	*v;
	int		 rc;

	pthread_mutex_lock(&m->lock);
	while (m->feeding)
		pthread_cond_wait(&m->fed, &m->lock);
	if (m->backlog.len == 0 && m->nheld == 0 && m->rows == 0) {
		/* Nothing behind: the screen is exact, and stays so while
		 * the lock is held. */
		rc = screen_redraw(m->screen, 0, out);
		pthread_mutex_unlock(&m->lock);
		return rc;
	}
	v = model_copy(m);
	pthread_mutex_unlock(&m->lock);
	if (v == NULL)
		return -1;
	rc = screen_redraw(v, 0, out);
	screen_free(v);
	return rc;
}

struct screen *
model_snapshot(struct model *m)
{
	struct screen	*v;

	pthread_mutex_lock(&m->lock);
	while (m->feeding)
		pthread_cond_wait(&m->fed, &m->lock);
	v = model_copy(m);
	pthread_mutex_unlock(&m->lock);
	return v;
}

struct screen *
model_sync_within(struct model *m, int ms)
{
	struct timespec	 ts;
	int		 rc = 0;

	pthread_mutex_lock(&m->lock);
	if (model_behind(m)) {
		m->hurry = 1;
		pthread_cond_signal(&m->work);
	}
	if (ms >= 0)
		model_deadline(&ts, ms);
	while (model_behind(m) && rc == 0) {
		if (ms < 0)
			pthread_cond_wait(&m->idle, &m->lock);
		else
			rc = pthread_cond_timedwait(&m->idle, &m->lock, &ts);
	}
	rc = !model_behind(m);
	pthread_mutex_unlock(&m->lock);
	if (!rc)
		return NULL;
	/* Replies made on the way are the loop's to deliver. */
	model_poll(m);
	return m->screen;
}

struct screen *
model_sync(struct model *m)
{
	return model_sync_within(m, -1);
}

void
model_resize(struct model *m, int rows, int cols, int ms)
{
	struct screen	*v;

	if ((v = model_sync_within(m, ms)) != NULL) {
		screen_resize(v, rows, cols);
		return;
	}
	pthread_mutex_lock(&m->lock);
	m->rows = rows;
	m->cols = cols;
	pthread_cond_signal(&m->work);
	pthread_mutex_unlock(&m->lock);
}
