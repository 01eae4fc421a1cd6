/* The terminal modes the screen model follows (DECSET/DECRST and SM/RM),
 * in one table: what a program's set or reset stores, what DECRQM
 * reports, where a redraw says them again and how a reset undoes them. */
#ifndef SESS_MODE_H
#define SESS_MODE_H

#include <stddef.h>

#include "util.h"

struct modes;

/* Where a redraw says a mode again, and a reset undoes it. */
enum mode_phase {
	MODE_FRAME,	/* moves the cursor home: before the cursor is
			 * placed; undone around a saved cursor */
	MODE_INPUT,	/* how keys and the mouse are reported */
	MODE_TEXT,	/* after the cursor is placed, when no more text of
			 * the redraw follows */
	MODE_SHAPE,	/* with the cursor's shape (DECSCUSR) */
	MODE_CURSOR,	/* last */
	MODE_OWN	/* the redraw and the reset do it their own way */
};

#define MODE_GROUP	0x1	/* one of a group that shares a field, which
				 * holds the number of the one set */
#define MODE_ANYOFF	0x2	/* any reset in the group clears it */
#define MODE_TOLD	0x4	/* libvterm keeps it and tells the model
				 * (settermprop): a set stores nothing */
#define MODE_ALWAYS	0x8	/* a terminal's may be anything: a redraw
				 * and a reset say it even at its default */
#define MODE_SCREEN	0x10	/* set while the alternate screen is up
				 * and was entered this way; the model
				 * stores it when it switches */

struct mode {
	const char	*name;
	int		 dec;		/* CSI ? n h, else CSI n h */
	int		 num;
	size_t		 off;		/* its int in struct modes */
	int		 def;		/* its value at start */
	enum mode_phase	 phase;
	int		 flags;
	const char	*set;		/* when not CSI [?] n h */
	const char	*unset;		/* when not CSI [?] n l */
};

extern const struct mode	mode_table[];
extern const size_t		mode_count;

const struct mode	*mode_find(int dec, int num);
/* The mode's field now: 0 or 1, or the number of the one set in a
 * group. */
int	mode_field(const struct modes *, const struct mode *);
/* Whether this mode (this one of its group) is set. */
int	mode_on(const struct modes *, const struct mode *);
/* A program's set or reset. */
void	mode_store(struct modes *, const struct mode *, int on);
/* Every mode of the table at its default. */
void	mode_defaults(struct modes *);
/* What sets or resets mode num on a terminal (e its entry, or NULL for
 * one the table does not have), NUL-ended in out; its length. 16 bytes
 * are enough. */
size_t	mode_seq(const struct mode *e, int dec, int num, int on, char *out,
	    size_t size);
void	mode_put(struct buf *, const struct mode *, int on);
/* A redraw: what sets on a terminal the modes of a phase that are not
 * at their default. */
void	mode_draw(const struct modes *, enum mode_phase, struct buf *);
/* A reset: what undoes the modes of a phase that are not at their
 * default; with m NULL, every mode of the phase, whatever it is now.
 * Returns whether there was anything to undo (b NULL: only that). */
int	mode_undo(const struct modes *, enum mode_phase, struct buf *);

#endif
