/* The screen model's insides, shared by the model (screen.c) and the
 * serializer (redraw.c), and looked at by the tests.
 *
 * Who owns what: bytes go down scanner -> libvterm's parser and state ->
 * our cells, through the state callbacks; everything a serializer needs
 * (cells, cursor, pen, modes, margins) is kept here, so redraw, reset and
 * dump read this struct and never feed libvterm or ask it anything.
 *
 * The one place the two part: a run of printable ASCII is written to the
 * cells directly (screen.c, fast_put), which moves crow and ccol without
 * libvterm. cup then says libvterm's cursor is behind; the next write to
 * libvterm (screen_vt) moves it first, and screen_input ends with that
 * move, so between calls into the model libvterm and the cells agree. */
#ifndef SESS_SCREEN_PRIV_H
#define SESS_SCREEN_PRIV_H

#include <vterm.h>

#include "grid.h"
#include "hist.h"
#include "scan.h"
#include "screen.h"

#if VTERM_VERSION_MAJOR > 0 || VTERM_VERSION_MINOR >= 2
#define VTERM_NEW_API	1	/* 0.2 and 0.3: fallbacks struct, fragments */
#endif

#define SCREEN_MAXDIM	4096	/* rows or columns at most */
#define KITTY_DEPTH	16
#define TITLE_DEPTH	8
#define PALETTE		259	/* OSC 4 indexes, then OSC 10, 11, 12 */

/* What the program set that is not in the cells. The table in mode.c
 * says which field is which mode and how each is said and undone. */
struct modes {
	int	ckm;		/* ?1 application cursor keys */
	int	keypad;		/* DECKPAM */
	int	reverse;	/* ?5 */
	int	origin;		/* ?6 */
	int	autowrap;	/* ?7 */
	int	blink;		/* ?12 and DECSCUSR */
	int	visible;	/* ?25 */
	int	lrmm;		/* ?69 left and right margins */
	int	focus;		/* ?1004 */
	int	altscroll;	/* ?1007 */
	int	paste;		/* ?2004 */
	int	sync;		/* ?2026 */
	int	insert;		/* IRM */
	int	lnm;		/* LNM */
	int	mouse;		/* 0, 9, 1000, 1002, 1003 */
	int	mouse_enc;	/* 0, 1005, 1006, 1015, 1016 */
	int	mok;		/* modifyOtherKeys level */
	int	kitty[2][KITTY_DEPTH];	/* per screen; [0] is the base */
	int	nkitty[2];
	int	shape;		/* VTERM_PROP_CURSORSHAPE_* */
	int	shape_set;	/* the program chose a shape */
	int	altmode;	/* how the alternate screen was entered */
	char	g[4];		/* designated character sets */
	char	gdes[4][8];	/* their designations, ESC left out */
	int	gl;		/* set shifted into GL */
};

struct saved {
	int		valid;
	int		row;
	int		col;
	struct pen	pen;
	int		visible;
	int		blink;
	int		shape;
	int		shape_set;
};

struct screen {
	VTerm		*vt;
	VTermState	*vts;
	struct scan	 scan;
	struct scan	 inj;		/* for sequences the model makes up */
	int		 rows;
	int		 cols;
	struct grid	 g[2];		/* primary, alternate */
	int		 alt;
	struct comb	 comb;
	uint32_t	 comb_limit;
	struct hist	 hist;

	struct pen	 pen;		/* as libvterm has it */
	uint16_t	 dc;		/* A_DIM, A_CONCEAL: libvterm drops them */
	uint16_t	 saved_dc;
	int		 crow;
	int		 ccol;
	int		 phantom;	/* a wrap is pending at (prow, pcol) */
	int		 prow;
	int		 pcol;
	struct modes	 m;
	struct saved	 sv;		/* cursor saved by ?1049h */
	/* The margins as libvterm keeps them (DECSTBM, DECSLRM), 0-based:
	 * bot and right exclusive, -1 for the edge of the screen whatever
	 * its size; left and right are kept while ?69 is off. */
	int		 top;
	int		 bot;
	int		 left;
	int		 right;

	char		*title;
	char		*icon;
	char		*cwd;
	char		*tstack[TITLE_DEPTH];
	char		*istack[TITLE_DEPTH];
	int		 ntitle;
	char		*palette[PALETTE];

	int		 ss;		/* a single shift is pending */
	int		 utf8part;	/* bytes of a character begun, */
	char		 u8[4];		/* held here till it ends */
	int		 nofast;	/* protected cells in use */
	int		 cup;		/* libvterm's cursor must be moved */
	uint32_t	 last[COMB_CHARS];	/* the last character, for REP */
	int		 lastw;

	void		(*reply)(const char *, size_t, void *);
	void		*reply_arg;
};

static inline struct grid *
screen_grid(struct screen *s)
{
	return &s->g[s->alt];
}

/* The grid on show, for those that only read it. */
static inline const struct grid *
screen_shown(const struct screen *s)
{
	return &s->g[s->alt];
}

/* The scroll region and margins in effect, 0-based, bottom and right
 * exclusive. */
void	screen_margins(const struct screen *, int *, int *, int *, int *);
/* Whether a redraw can make the pending wrap at the cursor again. */
int	screen_phantom_drawable(const struct screen *);
/* The current kitty keyboard flags of a screen. */
int	screen_kitty(const struct screen *, int);

#endif
