/* The flood policy (flood.h).
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
#include <string.h>

#include "config.h"
#include "flood.h"
#include "model.h"
#include "skim.h"

/* p (n bytes) at stream offset at, to the sink or the screen. */
static void
flood_input(struct screen *v, const struct flood_sink *sink, uint64_t at,
    const char *p, size_t n)
{
	if (n == 0)
		return;
	if (sink != NULL)
		sink->input(sink->arg, at, p, n);
	else
		screen_input(v, p, n);
}

/* Whether a flood that goes on (flood) leaves n bytes after its cut
 * that are plain to the end, or but for a sequence the next part may
 * finish, and not so many that holding them costs more than parsing. */
static int
flood_holds(int flood, const char *p, size_t n, size_t plain)
{
	return flood && n < MODEL_FLOOD &&
	    (plain == n || skim_partial(p + plain, n - plain));
}

/* Where the line that goes on at p[at] ends (past its line feed, where
 * nothing is begun), n if it does not end by then. */
static size_t
flood_line_end(const char *p, size_t at, size_t n)
{
	const char	*lf;

	if (at >= n || (lf = memchr(p + at, '\n', n - at)) == NULL)
		return n;
	return (size_t)(lf - p) + 1;
}

/* Feeds v output p (n bytes at stream offset pos: the first *plain known
 * plain, the first k passed over already), passing over the start of
 * each flood of plain lines in it. Returns where the rest is held
 * instead (a flood that goes on, flood, and ends plain; *plain: the
 * plain bytes in the rest), n when all of it was fed. */
static size_t
flood_pass(struct screen *v, const char *p, size_t n, uint64_t pos,
    size_t k, size_t *plain, int flood, const struct flood_sink *sink)
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
		    flood_holds(flood, p + at + k, n - at - k, *plain - k)) {
			*plain -= k;
			return at + k;
		}
		/* Where the screen was in the middle of something (a
		 * character, a sequence the last batch cut), it is not at
		 * the end of a line a little further on; else past what is
		 * not plain, in case a flood goes on after it. */
		if (k == 0 && !again && *plain >= MODEL_RETRY) {
			step = flood_line_end(p + at, MODEL_STEP, *plain);
			again = 1;
		} else {
			step = flood_line_end(p + at, *plain + MODEL_STEP,
			    n - at);
			again = 0;
		}
		if (step >= n - at)
			break;
		flood_input(v, sink, pos + at + k, p + at + k, step - k);
		at += step;
		*plain = again ? *plain - step : 0;
		k = 0;
	}
	flood_input(v, sink, pos + at + k, p + at + k, n - at - k);
	*plain = 0;
	return n;
}

/* Holds in's bytes from off on (at stream offset at): its buffer becomes
 * the held one. */
static void
flood_hold(struct flood *f, struct buf *in, size_t off, size_t plain,
    uint64_t at)
{
	struct buf	 tmp;

	if (in != &f->held) {
		buf_reset(&f->held);
		tmp = f->held;
		f->held = *in;
		*in = tmp;
	}
	f->held_off = off;
	f->held_plain = plain;
	f->held_at = at;
}

void
flood_feed(struct flood *f, struct screen *v, struct buf *batch, uint64_t at,
    int flood, const struct flood_sink *sink)
{
	const char	*h = f->held.data + f->held_off;
	size_t		 nh = flood_held(f), plain = 0, k = 0;
	size_t		 off;
	struct buf	*in = batch;

	if (nh > 0 && f->held_plain == nh) {
		/* A batch that alone pushes out what is held (a plain end
		 * of whole items) is all there is to feed: in a long flood
		 * no byte is copied. */
		plain = skim_plain(batch->data, batch->len);
		k = screen_skip(v, h, nh, batch->data, plain);
	}
	if (nh > 0 && k == 0) {
		/* Else what is held and the batch, one after the other. */
		plain = f->held_plain == nh ? nh + plain : f->held_plain;
		buf_consume(&f->held, f->held_off);
		buf_add(&f->held, batch->data, batch->len);
		in = &f->held;
		at = f->held_at;
	}
	f->held_off = f->held_plain = 0;
	off = flood_pass(v, in->data, in->len, at, k, &plain, flood, sink);
	if (off < in->len)
		flood_hold(f, in, off, plain, at + off);
	else
		buf_reset(&f->held);
}

void
flood_feed_all(struct screen *v, const char *p, size_t n, size_t plain)
{
	(void)flood_pass(v, p, n, 0, 0, &plain, 0, NULL);
}

size_t
flood_held(const struct flood *f)
{
	return f->held.len - f->held_off;
}

void
flood_free(struct flood *f)
{
	buf_free(&f->held);
	f->held_off = f->held_plain = 0;
}

int
flood_inline(size_t n)
{
	return n <= MODEL_INLINE;
}

int
flood_begins(size_t n)
{
	return n >= MODEL_FLOOD_READ;
}

int
flood_takes(size_t backlog)
{
	return backlog >= MODEL_FLOOD;
}

int
flood_pause_ms(void)
{
	return MODEL_PAUSE_MS;
}

int
flood_full(size_t backlog)
{
	return backlog >= MODEL_BACKLOG;
}

int
flood_shrinks(size_t cap)
{
	return cap > MODEL_KEEP;
}

int
flood_tty_drops(size_t queued, size_t n)
{
	return queued + n > CLIENT_BACKLOG;
}

/* A terminal that dropped its backlog is redrawn once the model has
 * caught up, or RESYNC_MS after the drop while a flood keeps the model
 * behind: such a redraw reads again what the model has not parsed yet. */
int
flood_tty_resync_due(struct model *m, int64_t dropped, int64_t now)
{
	return now >= dropped + RESYNC_MS || !model_busy(m);
}
