/* The cells of one screen: rows in a ring so that scrolling the whole
 * screen moves no cells, and the combining sequences they share. */
#ifndef SESS_GRID_H
#define SESS_GRID_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Cell text: a code point, the right half of a wide character, or an
 * index into the combining pool. 0 is a cell nothing was written to. */
#define CELL_TAIL	0xffffffffu
#define CELL_COMB	0x80000000u
#define CELL_ISCOMB(c)	((c) != CELL_TAIL && ((c) & CELL_COMB))

/* Attributes. */
#define A_BOLD		0x0001
#define A_DIM		0x0002
#define A_ITALIC	0x0004
#define A_ULSHIFT	3
#define A_UL		0x0018		/* 1 single, 2 double, 3 curly */
#define A_BLINK		0x0020
#define A_REVERSE	0x0040
#define A_STRIKE	0x0080
#define A_CONCEAL	0x0100
#define A_PROTECT	0x0200
#define A_WIDE		0x0400		/* left half of a wide character */
#define A_FONTSHIFT	12
#define A_FONT		0xf000
#define A_PEN		(~A_WIDE & 0xffff)

/* Colours: the default, a palette index or 24-bit RGB. */
#define COL_DEFAULT	0
#define COL_INDEXED	0x01000000u
#define COL_RGB		0x02000000u
#define COL_TYPE	0xff000000u

struct pen {
	uint32_t	fg;
	uint32_t	bg;
	uint16_t	attr;
};

struct cell {
	uint32_t	ch;
	uint32_t	fg;
	uint32_t	bg;
	uint16_t	attr;
	uint16_t	unused;
};

#define ROW_WRAPPED	0x01		/* text continues on the next row */
#define ROW_DWL		0x02		/* double width */
#define ROW_DHLTOP	0x04		/* double height, top half */
#define ROW_DHLBOT	0x08		/* double height, bottom half */
#define ROW_LINE	(ROW_DWL | ROW_DHLTOP | ROW_DHLBOT)

struct row {
	struct cell	*cells;
	int		 cap;		/* cells kept, beyond cols after a
					 * narrowing */
	int		 flags;
};

struct grid {
	int		 rows;
	int		 cols;
	int		 top;		/* ring index of screen row 0 */
	struct row	*row;
};

/* Combining sequences, shared by the cells of both screens. */
#define COMB_CHARS	8
struct comb {
	uint32_t	(*ent)[COMB_CHARS];
	uint32_t	 n;
	uint32_t	 cap;
	uint32_t	*hash;		/* open addressing, index + 1 */
	uint32_t	 hcap;
};

static inline struct row *
grid_row(const struct grid *g, int r)
{
	int	i = g->top + r;

	if (i >= g->rows)
		i -= g->rows;
	return &g->row[i];
}

/* An erased cell on the default background: all zeroes. */
static inline int
cell_zero(const struct cell *c)
{
	uint64_t	w[2];

	memcpy(w, c, sizeof w);
	return (w[0] | w[1]) == 0;
}

static inline int
cell_blank(const struct cell *c)
{
	return (c->ch == 0 || c->ch == ' ') && c->fg == COL_DEFAULT &&
	    (c->attr & A_PEN) == 0;
}

int	grid_init(struct grid *, int, int);
void	grid_free(struct grid *);
void	grid_blank(struct cell *, int, uint32_t);
void	grid_erase(struct grid *, int, int, int, uint32_t, int);
void	grid_fix(struct row *, int, int);
void	grid_scroll(struct grid *, int, int, int, uint32_t);
void	grid_rotate(struct grid *, int);
void	grid_shift(struct grid *, int, int, int, int, int, uint32_t);
void	grid_copy(struct grid *, int, int, int, int, int, int);
int	grid_resize(struct grid *, int, int, int);
int	grid_widen(struct row *, int);

int		 comb_init(struct comb *);
void		 comb_free(struct comb *);
uint32_t	 comb_add(struct comb *, const uint32_t *, int);
const uint32_t	*comb_get(const struct comb *, uint32_t);
void		 comb_gc(struct comb *, struct grid *, int);

#endif
