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
#include <sys/mman.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

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

static void	flood_let_go(struct flood *, const char *);

/* Feeds p (n bytes at stream offset at) as flood_input does; at the end
 * of a flood (!flood), when it is in what f holds, in pieces, and what is
 * parsed of it goes back to the system as the parse goes: the lines held
 * become scrollback a piece at a time, not all at once beside it. */
static void
flood_give(struct flood *f, int flood, struct screen *v,
    const struct flood_sink *sink, uint64_t at, const char *p, size_t n)
{
	size_t	 len;

	if (f == NULL || flood || f->ring == NULL || p < f->ring ||
	    p >= f->ring + 2 * f->ring_size) {
		flood_input(v, sink, at, p, n);
		return;
	}
	for (; n > 0; p += len, at += len, n -= len) {
		len = n < MODEL_PIECE ? n : MODEL_PIECE;
		flood_input(v, sink, at, p, len);
		flood_let_go(f, p + len);
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
	size_t	 at = 0, step, more, found;
	int	 again = 0;

	for (;;) {
		more = skim_plain_lines(p + at + *plain, n - at - *plain,
		    &found);
		if (*lines != SCREEN_LINES_UNKNOWN)
			*lines += found;
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

/* What is held lives in a ring mapped twice, one mapping after the
 * other: it is in one piece wherever in the ring it starts, so a batch
 * goes after it with one copy and what is held never moves. (A buffer
 * that moved what is held to its front when full moved most of it again
 * for every batch: what a flood holds is nearly the size of the
 * buffer.) */
#define FLOOD_RING	(MODEL_HOLD + MODEL_BACKLOG + READ_SIZE)

static int
flood_ring_make(struct flood *f, size_t size)
{
	char	*base;
	int	 fd;

	size = util_page_round(size);
	if ((fd = memfd_create("sess-flood", MFD_CLOEXEC)) == -1)
		return -1;
	base = MAP_FAILED;
	if (ftruncate(fd, (off_t)size) == 0)
		base = mmap(NULL, 2 * size, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base != MAP_FAILED && (mmap(base, size, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED ||
	    mmap(base + size, size, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)) {
		munmap(base, 2 * size);
		base = MAP_FAILED;
	}
	close(fd);
	if (base == MAP_FAILED)
		return -1;
	f->ring = base;
	f->ring_size = size;
	f->held_off = 0;
	f->let_go = NULL;
	return 0;
}

static void
flood_ring_free(struct flood *f)
{
	if (f->ring != NULL)
		munmap(f->ring, 2 * f->ring_size);
	f->ring = NULL;
	f->ring_size = 0;
	f->let_go = NULL;
}

/* Room in the ring for n bytes after what is held: a ring made, or a
 * bigger one that what is held moves to (a batch larger than the
 * backlog's bound, once). -1 when there is none. */
static int
flood_room(struct flood *f, size_t n)
{
	struct flood	 g = { 0 };
	size_t		 size;

	if (f->ring != NULL && f->held_len + n <= f->ring_size)
		return 0;
	for (size = f->ring_size ? f->ring_size : FLOOD_RING;
	    size < f->held_len + n; size *= 2)
		/* nothing */;
	if (flood_ring_make(&g, size) == -1) {
		log_debug("flood: no ring of %zu bytes: %s", size,
		    strerror(errno));
		return -1;
	}
	if (f->held_len > 0)
		memcpy(g.ring, f->ring + f->held_off, f->held_len);
	flood_ring_free(f);
	f->ring = g.ring;
	f->ring_size = g.ring_size;
	f->held_off = 0;
	return 0;
}

/* n bytes after what is held (room for them made). */
static void
flood_put(struct flood *f, const char *p, size_t n)
{
	/* (An empty batch, at the end of a flood, has no buffer.) */
	if (n == 0)
		return;
	memcpy(f->ring + f->held_off + f->held_len, p, n);
	f->held_len += n;
}

/* The first n bytes held are gone. */
static void
flood_drop(struct flood *f, size_t n)
{
	f->held_len -= n;
	f->held_off = f->held_len == 0 ? 0 : (f->held_off + n) % f->ring_size;
}

/* The ring's pages before to go back to the system: at the end of a
 * flood, as what was held is parsed, so that the lines it holds become
 * scrollback beside a few pages of them, not beside all. (Not while a
 * flood goes on: the ring takes the next batches there again, and a
 * page given back and taken again costs a fault and a clearing.) */
static void
flood_let_go(struct flood *f, const char *to)
{
	size_t		 page = util_page_size();
	size_t		 end = f->held_off + f->held_len;
	const char	*from, *done;

	/* From the page what is held starts in (what is before it there
	 * was parsed), but not the page the end of what is held shares
	 * with its start, the ring's size on. */
	if (f->let_go == NULL)
		f->let_go = f->ring + f->held_off / page * page;
	from = f->let_go;
	if (end > f->ring_size && from < f->ring + (end - f->ring_size))
		from = f->ring + (end - f->ring_size);
	/* Both mappings are of the same pages: either address frees it. */
	if (util_let_go(from, to, MADV_REMOVE) == -1)
		log_debug("flood: madvise: %s", strerror(errno));
	/* The page to ends in is whole only later. */
	done = f->ring + (size_t)(to - f->ring) / page * page;
	if (done > f->let_go)
		f->let_go = done;
}

int
flood_take(struct flood *f, const char *p, size_t n)
{
	if (flood_room(f, n) == -1)
		return -1;
	flood_put(f, p, n);
	return 0;
}

void
flood_feed_taken(struct flood *f, struct screen *v, size_t n, uint64_t at,
    int flood, const struct flood_sink *sink)
{
	const char	*h = f->ring + f->held_off;
	size_t		 nh = f->held_len - n, plain = 0, lines = 0, k = 0, off;

	if (nh > 0 && f->held_plain == nh) {
		/* A batch that alone pushes out what is held (a plain end
		 * of whole items) is all there is to feed. */
		plain = skim_plain_lines(h + nh, n, &lines);
		k = screen_skip(v, h, nh, h + nh, plain, &lines);
	}
	if (nh > 0 && k > 0)
		flood_drop(f, nh);
	else if (nh > 0) {
		/* Else what is held and the batch, one after the other. */
		if (f->held_plain == nh) {
			plain += nh;
			lines += f->held_lines;
		} else {
			plain = f->held_plain;
			lines = f->held_lines;
		}
		at = f->held_at;
	}
	f->let_go = NULL;
	off = flood_pass(f, v, f->ring + f->held_off, f->held_len, at, k,
	    &plain, &lines, flood, sink);
	flood_drop(f, off);
	f->held_plain = f->held_len > 0 ? plain : 0;
	f->held_lines = f->held_len > 0 ? lines : 0;
	f->held_at = at + off;
}

void
flood_feed(struct flood *f, struct screen *v, struct buf *batch, uint64_t at,
    int flood, const struct flood_sink *sink)
{
	size_t	 n = batch->len, plain = 0, lines = 0, off;

	if (f->held_len > 0 && flood_take(f, batch->data, n) == 0) {
		flood_feed_taken(f, v, n, at, flood, sink);
		return;
	}
	if (f->held_len > 0) {
		/* No room in a ring: what is held is parsed now. */
		flood_input(v, sink, f->held_at, f->ring + f->held_off,
		    f->held_len);
		flood_drop(f, f->held_len);
		f->held_plain = f->held_lines = 0;
	}
	off = flood_pass(f, v, batch->data, n, at, 0, &plain, &lines, flood,
	    sink);
	if (off == n)
		return;
	if (flood_take(f, batch->data + off, n - off) == -1) {
		flood_input(v, sink, at + off, batch->data + off, n - off);
		return;
	}
	f->held_plain = plain;
	f->held_lines = lines;
	f->held_at = at + off;
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
	return f->held_len;
}

const char *
flood_held_bytes(const struct flood *f)
{
	return f->ring != NULL ? f->ring + f->held_off : NULL;
}

size_t
flood_size(const struct flood *f)
{
	return f->ring != NULL ? 2 * f->ring_size : 0;
}

void
flood_free(struct flood *f)
{
	flood_ring_free(f);
	f->held_off = f->held_len = f->held_plain = f->held_lines = 0;
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
