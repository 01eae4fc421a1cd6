/* The flood policy: what the screen model passes over, what it holds back
 * and when it takes output, when the program is made to wait for it, and
 * when a terminal that did not keep up loses its backlog and is redrawn.
 * The model's thread (model.c) and the server's loop ask here; the
 * bounds are in config.h. */
#ifndef SESS_FLOOD_H
#define SESS_FLOOD_H

#include <stddef.h>
#include <stdint.h>

#include "screen.h"
#include "util.h"

struct model;

/* Where the bytes fed to a screen go instead of screen_input: to the
 * model, which knows (from the stream offset at) which terminal had
 * them. */
struct flood_sink {
	void	(*input)(void *, uint64_t at, const char *, size_t);
	void	*arg;
};

/* The part of a flood held back: a flood's plain end, which the next
 * part may push out of the screen as well. */
struct flood {
	char		*ring;		/* mapped twice in a row (flood.c) */
	size_t		 ring_size;
	size_t		 held_off;	/* in the ring */
	size_t		 held_len;
	size_t		 held_plain;	/* the whole plain items in it */
	size_t		 held_lines;	/* their line feeds */
	uint64_t	 held_at;	/* the stream offset of held_off */
	const char	*let_go;	/* the ring's pages before this are
					   given back (NULL: none yet) */
};

/* Feeds v a batch (at: its stream offset), after what f holds: the start
 * of each flood of plain lines is passed over, and if the flood goes on
 * (flood) and ends plain, its end is held for the next batch instead. */
void	 flood_feed(struct flood *, struct screen *, struct buf *batch,
	     uint64_t at, int flood, const struct flood_sink *);
/* The same for a batch taken straight into what f holds (n bytes at
 * stream offset at): flood_take copies it there, -1 when f has no room
 * (then flood_feed it). */
int	 flood_take(struct flood *, const char *, size_t);
void	 flood_feed_taken(struct flood *, struct screen *, size_t n,
	     uint64_t at, int flood, const struct flood_sink *);
/* Feeds v all of p (n bytes, plain of them known plain), as flood_feed
 * would at the end of a flood; to v directly. */
void	 flood_feed_all(struct screen *, const char *, size_t, size_t plain);
/* What f holds: its length and its bytes, in one piece. */
size_t	 flood_held(const struct flood *);
const char *flood_held_bytes(const struct flood *);
/* The memory f keeps (its ring, mapped twice), until flood_free. */
size_t	 flood_size(const struct flood *);
void	 flood_free(struct flood *);

/* Whether output n bytes long, read at once, is parsed by the loop (with
 * the thread idle); begins a flood; and whether a flood's backlog is
 * taken now. */
int	 flood_inline(size_t);
int	 flood_begins(size_t);
int	 flood_takes(size_t backlog);
/* How long no output means a flood is over (milliseconds). */
int	 flood_pause_ms(void);
/* Whether a model this far behind makes the program wait. */
int	 flood_full(size_t backlog);
/* Whether buffers a flood grew are given back. */
int	 flood_shrinks(size_t cap);

/* Whether a terminal that has queued bytes not taken drops them and n
 * more for a redraw; whether one that dropped its backlog at dropped is
 * redrawn now. */
int	 flood_tty_drops(size_t queued, size_t n);
int	 flood_tty_resync_due(struct model *, int64_t dropped, int64_t now);

#endif
