/* Two screen models compared, for the tests and the fuzzer: a redraw
 * into a fresh model must give back every cell, attribute, the cursor and
 * every tracked mode. */
#ifndef TESTS_SCREENCMP_H
#define TESTS_SCREENCMP_H

#include <stddef.h>

#include "screen_priv.h"
#include "util.h"

/* Where the last comparison found a difference. */
extern char	 screen_why[4096];

/* 0 if a and b show the same, 1 if not, -1 if a is in a state no redraw
 * can make (the same so far). */
int	 screen_differs(const struct screen *, const struct screen *);
/* Compares a and b (screen_differs); with further, both then take the
 * same further input (leaving the alternate screen, more text), which
 * shows state that is not in the cells. 1 if they differ (screen_why
 * says where), else 0. */
int	 screen_compare(struct screen *, struct screen *, int further);
/* 1 if the scrollbacks differ in a line, a cell or a wrap (screen_why
 * says where), else 0. */
int	 screen_hist_differs(struct screen *, struct screen *);
/* Redraws a (with flags) into a fresh model of its size and compares
 * them as screen_compare does; on a difference the redraw is left in
 * *redraw when it is not NULL. */
int	 screen_roundtrip(struct screen *, int flags, int further,
	    struct buf *redraw);

#endif
