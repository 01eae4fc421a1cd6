/* The screen model: a shadow of the program's terminal, fed with what the
 * program writes, used to redraw a client, dump the screen and answer the
 * program's queries when nobody is attached. */
#ifndef SESS_SCREEN_H
#define SESS_SCREEN_H

#include "util.h"

struct screen;

struct screen	*screen_new(int rows, int cols);
void		 screen_free(struct screen *);
/* Drops the scrollback, and keeps this many lines from now on. */
void		 screen_set_scrollback(struct screen *, size_t);

/* Program output, in the order it was written. */
void		 screen_input(struct screen *, const char *, size_t);
void		 screen_resize(struct screen *, int rows, int cols);
/* Takes the start of a flood of plain lines (p: that many bytes of
 * plain output, see skim.h) that the rest of them push off the screen
 * and out of the scrollback, for the pen it leaves: returns its length,
 * and the caller feeds what follows. 0 when there is no such start. pre
 * (npre bytes of whole plain items, may be empty) is output not fed yet
 * that comes before p; it is passed over with the start of p, which
 * alone must have the lines that push it out. *lines, if not
 * SCREEN_LINES_UNKNOWN, is how many line feeds p's plain bytes have (a
 * flood that goes on counts them once, as they come); it is left as
 * the count after the cut. */
#define SCREEN_LINES_UNKNOWN	((size_t)-1)
/* The line feeds it takes after a cut for screen_skip to make it. */
size_t		 screen_skip_lines(const struct screen *);
size_t		 screen_skip(struct screen *, const char *pre, size_t npre,
		    const char *p, size_t plain, size_t *lines);

/* Replies the terminal would send to the program's queries (DA, DSR,
 * DECRQM...). The server installs this while no client is attached. */
void		 screen_set_reply(struct screen *,
		     void (*)(const char *, size_t, void *), void *);

#define SCREEN_SCROLLBACK	0x1	/* redraw, dump: include scrollback */
#define SCREEN_ATTRS		0x2	/* dump: keep colours, attributes */

/* Bytes that make an xterm-like terminal show exactly this screen, its
 * modes and cursor. */
int		 screen_redraw(const struct screen *, int flags, struct buf *);
/* Bytes that undo on a terminal every mode the program turned on. */
int		 screen_reset(const struct screen *, struct buf *);
/* Bytes that undo on a terminal every mode of input and the cursor's
 * visibility, when what the program turned on is not known. */
int		 screen_reset_any(struct buf *);
/* The visible screen as text, one line per row, trailing blanks trimmed. */
int		 screen_dump(const struct screen *, int flags, struct buf *);

int		 screen_rows(const struct screen *);
/* Whether the program is on the alternate screen. */
int		 screen_alternate(const struct screen *);
int		 screen_cols(const struct screen *);

#endif
