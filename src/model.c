/* A thread that feeds the screen model, so that a flood of output goes to
 * the terminals at pty speed and the model catches up on the other core.
 *
 * The loop appends to the backlog under the lock; the thread swaps the
 * backlog for the buffer it parsed last and parses it without the lock.
 * A few bytes with the thread idle are parsed by the loop itself. The
 * screen belongs to whoever set busy (the thread, or the loop parsing
 * inline), and to the loop after model_sync, which waits for an empty
 * backlog, nothing held and busy clear: only the loop adds input, so no
 * lock is needed around the screen.
 *
 * Output is parsed as it comes, but for a flood (a read of tens of
 * kilobytes says the pty had that much waiting), which is taken by the
 * megabyte, or when it ends: most of a flood of plain lines would only
 * scroll through the screen and out of the scrollback, and the screen
 * passes over it (screen_skip). While the flood goes on, its plain end
 * is held back, since the next part may push it out as well; so a cat
 * of a big file costs the model a scan of its bytes and the parsing of
 * its last screens. What is held stays in the buffer it came in, which
 * is not handed back to the loop until the next part pushes it out: in
 * a long flood no byte is copied on this side. Output that is not plain
 * (a title, a cursor move) is parsed with a little after it, and the
 * flood passed over again from there. */
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
#include "model.h"
#include "skim.h"

/* The most of a parsed buffer kept for the next one. */
#define MODEL_KEEP	(256 * 1024)
/* Output up to this size is parsed by the loop when the thread is idle. */
#define MODEL_INLINE	512
/* After output that is not plain, this much more is parsed before what
 * follows is looked at again for a flood to pass over; */
#define MODEL_STEP	4096
/* and at most once in a plain run this long that the screen could not
 * pass over where it began. */
#define MODEL_RETRY	(128 * 1024)
/* A read this large (the pty had that much waiting) begins a flood. */
#define MODEL_FLOOD_READ (32 * 1024)
/* In a flood, output is taken when there is this much of it, */
#define MODEL_FLOOD	(2 * 1024 * 1024)
/* or when none came for this long (the flood is over). */
#define MODEL_PAUSE_MS	16

struct model {
	struct screen	*screen;
	void		(*reply)(const char *, size_t, void *);
	void		*arg;

	pthread_t	 thread;
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
	int		 efd;

	struct buf	 held;		/* the thread's: a flood's plain end, */
	size_t		 held_off;	/* from here */
	size_t		 held_plain;	/* the whole plain items in it */
	size_t		 nheld;		/* its length, for the loop, locked */
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

/* Whether a flood that goes on (flood) leaves n bytes after its cut
 * that are plain to the end, or but for a sequence the next part may
 * finish, and not so many that holding them costs more than parsing. */
static int
model_holds(int flood, const char *p, size_t n, size_t plain)
{
	return flood && n < MODEL_FLOOD &&
	    (plain == n || skim_partial(p + plain, n - plain));
}

/* Where the line that goes on at p[at] ends (past its line feed, where
 * nothing is begun), n if it does not end by then. */
static size_t
model_line_end(const char *p, size_t at, size_t n)
{
	const char	*lf;

	if (at >= n || (lf = memchr(p + at, '\n', n - at)) == NULL)
		return n;
	return (size_t)(lf - p) + 1;
}

/* Feeds v output p (n bytes: the first *plain known plain, the first k
 * passed over already), passing over the start of each flood of plain
 * lines in it. Returns where the rest is held instead (a flood that
 * goes on, flood, and ends plain; *plain: the plain bytes in the rest),
 * n when all of it was fed. */
static size_t
model_pass(struct screen *v, const char *p, size_t n, size_t k,
    size_t *plain, int flood)
{
	size_t	 at = 0, step;
	int	 again = 0;

	for (;;) {
		*plain += skim_plain(p + at + *plain, n - at - *plain);
		if (k == 0)
			k = screen_skip(v, NULL, 0, p + at, *plain);
		/* (Not if a retry did not help: the screen cannot pass
		 * over this flood, on the alternate screen say.) */
		if ((k > 0 || !again) &&
		    model_holds(flood, p + at + k, n - at - k, *plain - k)) {
			*plain -= k;
			return at + k;
		}
		/* Where the screen was in the middle of something (a
		 * character, a sequence the last batch cut), it is not at
		 * the end of a line a little further on; else past what is
		 * not plain, in case a flood goes on after it. */
		if (k == 0 && !again && *plain >= MODEL_RETRY) {
			step = model_line_end(p + at, MODEL_STEP, *plain);
			again = 1;
		} else {
			step = model_line_end(p + at, *plain + MODEL_STEP,
			    n - at);
			again = 0;
		}
		if (step >= n - at)
			break;
		screen_input(v, p + at + k, step - k);
		at += step;
		*plain = again ? *plain - step : 0;
		k = 0;
	}
	screen_input(v, p + at + k, n - at - k);
	*plain = 0;
	return n;
}

/* Holds in's bytes from off on: its buffer becomes the held one. */
static void
model_hold(struct model *m, struct buf *in, size_t off, size_t plain)
{
	struct buf	 tmp;

	if (in != &m->held) {
		buf_reset(&m->held);
		tmp = m->held;
		m->held = *in;
		*in = tmp;
	}
	m->held_off = off;
	m->held_plain = plain;
}

/* Feeds the screen a batch, after what was held: the start of each flood
 * of plain lines is passed over, and if the flood goes on (flood) and
 * ends plain, its end is held for the next batch instead of parsed. */
static void
model_feed(struct model *m, struct buf *batch, int flood)
{
	const char	*h = m->held.data + m->held_off;
	size_t		 nh = m->held.len - m->held_off, plain = 0, k = 0;
	size_t		 off;
	struct buf	*in = batch;

	if (nh > 0 && m->held_plain == nh) {
		/* A batch that alone pushes out what is held (a plain end
		 * of whole items) is all there is to feed: in a long flood
		 * no byte is copied. */
		plain = skim_plain(batch->data, batch->len);
		k = screen_skip(m->screen, h, nh, batch->data, plain);
	}
	if (nh > 0 && k == 0) {
		/* Else what is held and the batch, one after the other. */
		plain = m->held_plain == nh ? nh + plain : m->held_plain;
		buf_consume(&m->held, m->held_off);
		buf_add(&m->held, batch->data, batch->len);
		in = &m->held;
	}
	m->held_off = m->held_plain = 0;
	off = model_pass(m->screen, in->data, in->len, k, &plain, flood);
	if (off < in->len)
		model_hold(m, in, off, plain);
	else
		buf_reset(&m->held);
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

/* Under the lock: waits until there is something to parse now. Returns
 * whether it is a flood that goes on, -1 to stop. */
static int
model_wait(struct model *m)
{
	struct timespec	 ts;
	size_t		 seen;

	for (;;) {
		if (m->stop)
			return -1;
		if (m->backlog.len == 0 && m->nheld == 0) {
			m->busy = 0;
			m->hurry = 0;
			pthread_cond_broadcast(&m->idle);
			if (m->tell_idle) {
				m->tell_idle = 0;
				model_wake(m);
			}
			pthread_cond_wait(&m->work, &m->lock);
			continue;
		}
		if (m->hurry || !m->flooding)
			return 0;
		if (m->backlog.len >= MODEL_FLOOD)
			return 1;
		/* A flood: wait for more of it, or for its end. */
		seen = m->backlog.len;
		model_deadline(&ts, MODEL_PAUSE_MS);
		while (!m->stop && !m->hurry && m->backlog.len < MODEL_FLOOD &&
		    pthread_cond_timedwait(&m->work, &m->lock, &ts) == 0)
			/* nothing */;
		if (m->stop || m->hurry || m->backlog.len >= MODEL_FLOOD)
			continue;
		if (m->backlog.len == seen) {
			m->flooding = 0;
			return 0;
		}
	}
}

static void *
model_main(void *arg)
{
	struct model	*m = arg;
	struct buf	 batch = { 0 }, tmp;
	int		 was_full, flood;

	pthread_mutex_lock(&m->lock);
	while ((flood = model_wait(m)) != -1) {
		m->busy = 1;
		/* Take everything: one swap, no copy. The loop goes on
		 * with the buffer parsed last time, so that in a flood
		 * neither side allocates or faults in fresh pages. */
		tmp = m->backlog;
		m->backlog = batch;
		batch = tmp;
		was_full = m->full;
		m->full = 0;
		m->feeding = 1;
		pthread_mutex_unlock(&m->lock);
		if (was_full)
			model_wake(m);
		model_feed(m, &batch, flood);
		buf_reset(&batch);
		pthread_mutex_lock(&m->lock);
		m->nheld = m->held.len - m->held_off;
		m->feeding = 0;
		pthread_cond_broadcast(&m->fed);
		/* What a flood grew is not kept once it is over, and goes
		 * back to the system (malloc keeps it otherwise): the
		 * buffers swap, so the loop's may be the big one. */
		if (!flood && (batch.cap > MODEL_KEEP ||
		    m->held.cap > MODEL_KEEP || m->backlog.cap > MODEL_KEEP)) {
			buf_free(&batch);
			buf_free(&m->held);
			if (m->backlog.len == 0)
				buf_free(&m->backlog);
			pthread_mutex_unlock(&m->lock);
			malloc_trim(0);
			pthread_mutex_lock(&m->lock);
		}
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
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&m->idle, NULL);
	pthread_cond_init(&m->fed, NULL);
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
	buf_free(&m->held);
	free(m);
}

void
model_input(struct model *m, const char *p, size_t n)
{
	size_t	 was;

	pthread_mutex_lock(&m->lock);
	if (n <= MODEL_INLINE && !m->busy && m->backlog.len == 0 &&
	    m->nheld == 0) {
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
	was = m->backlog.len;
	buf_add(&m->backlog, p, n);
	if (n >= MODEL_FLOOD_READ)
		m->flooding = 1;
	if (m->backlog.len >= MODEL_BACKLOG)
		m->full = 1;
	/* In a flood the thread times the pause itself: it is told only
	 * of a start and of a flood's worth. */
	if (was == 0 || (was < MODEL_FLOOD && m->backlog.len >= MODEL_FLOOD))
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
model_busy(struct model *m)
{
	int	 busy;

	pthread_mutex_lock(&m->lock);
	busy = m->backlog.len > 0 || m->nheld > 0 || m->busy;
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

/* Feeds a screen output as the thread would, all of it. */
static void
model_skim_into(struct screen *v, const char *p, size_t n, size_t plain)
{
	(void)model_pass(v, p, n, 0, &plain, 0);
}

int
model_redraw(struct model *m, struct buf *out)
{
	struct screen	*v;
	struct buf	 b = { 0 };
	int		 rc;

	pthread_mutex_lock(&m->lock);
	while (m->feeding)
		pthread_cond_wait(&m->fed, &m->lock);
	if (m->backlog.len == 0 && m->nheld == 0) {
		/* Nothing behind: the screen is exact, and stays so while
		 * the lock is held. */
		rc = screen_redraw(m->screen, 0, out);
		pthread_mutex_unlock(&m->lock);
		return rc;
	}
	/* The thread waits for the lock between batches: the screen, what
	 * it holds and the backlog are still, and say all there is. */
	rc = -1;
	v = screen_new(screen_rows(m->screen), screen_cols(m->screen));
	if (v != NULL && screen_redraw(m->screen, 0, &b) == 0) {
		screen_set_scrollback(v, 0);
		screen_input(v, b.data, b.len);
		model_skim_into(v, m->held.data + m->held_off,
		    m->held.len - m->held_off, m->held_plain);
		model_skim_into(v, m->backlog.data, m->backlog.len,
		    skim_plain(m->backlog.data, m->backlog.len));
		rc = 0;
	}
	pthread_mutex_unlock(&m->lock);
	if (rc == 0)
		rc = screen_redraw(v, 0, out);
	screen_free(v);
	buf_free(&b);
	return rc;
}

struct screen *
model_sync(struct model *m)
{
	pthread_mutex_lock(&m->lock);
	if (m->backlog.len > 0 || m->nheld > 0 || m->busy) {
		m->hurry = 1;
		pthread_cond_signal(&m->work);
	}
	while (m->backlog.len > 0 || m->nheld > 0 || m->busy)
		pthread_cond_wait(&m->idle, &m->lock);
	pthread_mutex_unlock(&m->lock);
	/* Replies made on the way are the loop's to deliver. */
	model_poll(m);
	return m->screen;
}
