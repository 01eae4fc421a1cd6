/* The flood policy (flood.h).
 *
 * Output is parsed as it comes, but for a flood (a large read, or a
 * backlog that grows faster than it is taken, says the pty had that much
 * waiting), which is taken by MODEL_FLOOD, or when it ends: most of a
 * flood of plain lines would only scroll through the screen and out of
 * the scrollback, and the screen passes over it (screen_skip). While the
 * flood goes on, its plain end is held back, since the next part may
 * push it out as well; so a cat of a big file costs the model a scan of
 * its bytes, one copy of them, and the parsing of its last screens. The
 * line feeds of what is held are counted once, as they come, so that the
 * cut is found without looking back over it. Output that is not plain
 * (a title, a cursor move) is parsed with a little after it, and the
 * flood passed over again from there. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "flood.h"
#include "log.h"
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

#define HOLD_JUDGE	(64 * 1024)

/* Whether a flood that goes on (flood) leaves n bytes after its cut
 * that are plain to the end, or but for a sequence the next part may
 * finish, and not so many that holding them costs more than parsing. */
static int
flood_holds(const struct screen *v, int flood, const char *p, size_t n,
    size_t plain, size_t lines)
{
	if (!flood || n >= MODEL_HOLD ||
	    !(plain == n || skim_partial(p + plain, n - plain)))
		return 0;
	/* Lines so long that the ones it takes to push these out would
	 * not fit in MODEL_HOLD: parsed now, not held for nothing. (Until
	 * HOLD_JUDGE bytes, too few lines to tell.) */
	return lines == SCREEN_LINES_UNKNOWN || plain < HOLD_JUDGE ||
	    (uint64_t)plain * screen_skip_lines(v) <=
	    (uint64_t)MODEL_HOLD * lines;
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

static void	flood_let_go(struct flood *);

/* Feeds p (n bytes at stream offset at) as flood_input does; at the end
 * of a flood (!flood), when it is in what f holds, in pieces, and what is
 * parsed of it goes back to the system as the parse goes: the lines held
 * become scrollback a piece at a time, not all at once beside it. */
static void
flood_give(struct flood *f, int flood, struct screen *v,
    const struct flood_sink *sink, uint64_t at, const char *p, size_t n)
{
	size_t	 len;

	if (f == NULL || flood || p < f->held.data ||
	    p >= f->held.data + f->held.len) {
		flood_input(v, sink, at, p, n);
		return;
	}
	for (; n > 0; p += len, at += len, n -= len) {
		len = n < MODEL_PIECE ? n : MODEL_PIECE;
		flood_input(v, sink, at, p, len);
		f->held_off = (size_t)(p + len - f->held.data);
		flood_let_go(f);
	}
}

/* Feeds v output p (n bytes at stream offset pos: the first *plain known
 * plain, with *lines line feeds in them after the first k, which were
 * passed over already), passing over the start of each flood of plain
 * lines in it. Returns where the rest is held instead (a flood that goes
 * on, flood, and ends plain; *plain and *lines: the plain bytes in the
 * rest and their line feeds), n when all of it was fed. */
static size_t
flood_pass(struct flood *f, struct screen *v, const char *p, size_t n,
    uint64_t pos, size_t k, size_t *plain, size_t *lines, int flood,
    const struct flood_sink *sink)
{
	size_t	 at = 0, step, more;
	int	 again = 0;

	for (;;) {
		more = skim_plain(p + at + *plain, n - at - *plain);
		if (*lines != SCREEN_LINES_UNKNOWN)
			*lines += skim_lines(p + at + *plain, more);
		*plain += more;
		if (k == 0)
			k = screen_skip(v, NULL, 0, p + at, *plain, lines);
		/* (Not if a retry did not help: the screen cannot pass
		 * over this flood, on the alternate screen say.) */
		if ((k > 0 || !again) &&
		    flood_holds(v, flood, p + at + k, n - at - k, *plain - k,
		    *lines)) {
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
		flood_give(f, flood, v, sink, pos + at + k, p + at + k,
		    step - k);
		at += step;
		*plain = again ? *plain - step : 0;
		*lines = again ? SCREEN_LINES_UNKNOWN : 0;
		k = 0;
	}
	flood_give(f, flood, v, sink, pos + at + k, p + at + k, n - at - k);
	*plain = 0;
	*lines = 0;
	return n;
}

/* The pages before what is held go back to the system: at the end of a
 * flood, as what was held is parsed. (Not while it goes on: the buffer
 * takes the next parts there again, and a page given back and taken
 * again costs a fault and a clearing, more than the copy it saves.) The
 * first partial page stays: malloc keeps its own words there. */
static void
flood_let_go(struct flood *f)
{
	uintptr_t	 end = (uintptr_t)f->held.data + f->held_off;

	if (f->let_go == 0)
		f->let_go = (uintptr_t)f->held.data;
	if (end > f->let_go) {
		if (util_let_go((void *)f->let_go, (void *)end) == -1)
			log_debug("flood: madvise: %s", strerror(errno));
		f->let_go = end;
	}
}

/* Holds in's bytes from off on (at stream offset at; plain of them
 * plain, with lines line feeds): its buffer becomes the held one. */
static void
flood_hold(struct flood *f, struct buf *in, size_t off, size_t plain,
    size_t lines, uint64_t at)
{
	struct buf	 tmp;

	if (in != &f->held) {
		buf_reset(&f->held);
		tmp = f->held;
		f->held = *in;
		*in = tmp;
		f->let_go = 0;
	}
	f->held_off = off;
	f->held_plain = plain;
	f->held_lines = lines;
	f->held_at = at;
}

/* The batch after what is held. What came before it is moved out of the
 * way only when the buffer is full: a copy of what is held now and then,
 * not one a batch. */
static void
flood_append(struct flood *f, const struct buf *batch)
{
	struct buf	*h = &f->held;
	const char	*was = h->data;

	if (f->held_off > 0 && h->len + batch->len > h->cap) {
		memmove(h->data, h->data + f->held_off, h->len - f->held_off);
		h->len -= f->held_off;
		f->held_off = 0;
	}
	if (buf_add(h, batch->data, batch->len) == -1)
		log_debug("flood: %zu bytes lost to the model: %s",
		    batch->len, strerror(errno));
	if (f->held_off == 0 || h->data != was)
		f->let_go = 0;
}

void
flood_feed(struct flood *f, struct screen *v, struct buf *batch, uint64_t at,
    int flood, const struct flood_sink *sink)
{
	const char	*h = f->held.data + f->held_off;
	size_t		 nh = flood_held(f), plain = 0, lines = 0, k = 0;
	size_t		 base = 0, off;
	struct buf	*in = batch;

	if (nh > 0 && f->held_plain == nh) {
		/* A batch that alone pushes out what is held (a plain end
		 * of whole items) is all there is to feed: then no byte is
		 * copied. */
		plain = skim_plain(batch->data, batch->len);
		lines = skim_lines(batch->data, plain);
		k = screen_skip(v, h, nh, batch->data, plain, &lines);
	}
	if (nh > 0 && k == 0) {
		/* Else what is held and the batch, one after the other. */
		if (f->held_plain == nh) {
			plain += nh;
			lines += f->held_lines;
		} else {
			plain = f->held_plain;
			lines = f->held_lines;
		}
		flood_append(f, batch);
		in = &f->held;
		base = f->held_off;
		at = f->held_at;
	}
	off = flood_pass(f, v, in->data + base, in->len - base, at, k, &plain,
	    &lines, flood, sink);
	if (base + off < in->len)
		flood_hold(f, in, base + off, plain, lines, at + off);
	else {
		buf_reset(&f->held);
		f->held_off = f->held_plain = f->held_lines = 0;
		f->let_go = 0;
	}
}

void
flood_feed_all(struct screen *v, const char *p, size_t n, size_t plain)
{
	size_t	 lines = SCREEN_LINES_UNKNOWN;

	(void)flood_pass(NULL, v, p, n, 0, 0, &plain, &lines, 0, NULL);
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
	f->held_off = f->held_plain = f->held_lines = 0;
	f->let_go = 0;
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
