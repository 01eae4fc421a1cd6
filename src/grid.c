/* The cell grid of one screen and the combining pool. Rows live in a
 * ring: a scroll of the whole screen only moves the ring's start. */
#include <stdlib.h>
#include <string.h>

#include "grid.h"

void
grid_blank(struct cell *c, int n, uint32_t bg)
{
	int	i;

	/* A blank cell on the default background is all zeroes. */
	if (bg == COL_DEFAULT) {
		memset(c, 0, (size_t)n * sizeof *c);
		return;
	}
	for (i = 0; i < n; i++) {
		c[i].ch = 0;
		c[i].fg = COL_DEFAULT;
		c[i].bg = bg;
		c[i].attr = 0;
		c[i].unused = 0;
	}
}

int
grid_widen(struct row *row, int cols)
{
	struct cell	*c;

	if (row->cap >= cols)
		return 0;
	if ((c = realloc(row->cells, (size_t)cols * sizeof *c)) == NULL)
		return -1;
	grid_blank(c + row->cap, cols - row->cap, COL_DEFAULT);
	row->cells = c;
	row->cap = cols;
	return 0;
}

int
grid_init(struct grid *g, int rows, int cols)
{
	int	r;

	memset(g, 0, sizeof *g);
	if ((g->row = calloc((size_t)rows, sizeof *g->row)) == NULL)
		return -1;
	g->rows = rows;
	g->cols = cols;
	for (r = 0; r < rows; r++) {
		if (grid_widen(&g->row[r], cols) == -1) {
			grid_free(g);
			return -1;
		}
	}
	return 0;
}

void
grid_free(struct grid *g)
{
	int	r;

	if (g->row == NULL)
		return;
	for (r = 0; r < g->rows; r++)
		free(g->row[r].cells);
	free(g->row);
	g->row = NULL;
}

static void
cell_clear(struct cell *c)
{
	c->ch = 0;
	c->fg = COL_DEFAULT;
	c->attr = 0;
}

/* Mends wide characters cut in two at the edges of cells [c0, c1) that
 * were just changed: no half is left without its other half. */
void
grid_fix(struct row *row, int c0, int c1)
{
	struct cell	*c = row->cells;

	if (c1 > row->cap)
		c1 = row->cap;
	if (c0 >= c1)
		return;
	if (c[c0].ch == CELL_TAIL && (c0 == 0 || !(c[c0 - 1].attr & A_WIDE)))
		cell_clear(&c[c0]);
	if (c0 > 0 && (c[c0 - 1].attr & A_WIDE) && c[c0].ch != CELL_TAIL)
		cell_clear(&c[c0 - 1]);
	if ((c[c1 - 1].attr & A_WIDE) &&
	    (c1 == row->cap || c[c1].ch != CELL_TAIL))
		cell_clear(&c[c1 - 1]);
	if (c1 < row->cap && c[c1].ch == CELL_TAIL &&
	    !(c[c1 - 1].attr & A_WIDE))
		cell_clear(&c[c1]);
}

/* Erases cells [c0, c1) of row r; up to the last column erases what a
 * narrowing hid beyond it too. */
void
grid_erase(struct grid *g, int r, int c0, int c1, uint32_t bg, int selective)
{
	struct row	*row = grid_row(g, r);
	int		 i;

	if (c1 >= g->cols) {
		c1 = row->cap;
		row->flags &= ~ROW_WRAPPED;
	}
	if (!selective)
		grid_blank(row->cells + c0, c1 - c0, bg);
	else {
		for (i = c0; i < c1; i++) {
			if (!(row->cells[i].attr & A_PROTECT))
				grid_blank(row->cells + i, 1, bg);
		}
	}
	grid_fix(row, c0, c1);
}

static void
grid_clear_row(struct row *row, uint32_t bg)
{
	grid_blank(row->cells, row->cap, bg);
	row->flags = 0;
}

static void
grid_swap(struct grid *g, int a, int b)
{
	struct row	*ra = grid_row(g, a), *rb = grid_row(g, b), t;

	t = *ra;
	*ra = *rb;
	*rb = t;
}

static void
grid_reverse(struct grid *g, int a, int b)
{
	for (b--; a < b; a++, b--)
		grid_swap(g, a, b);
}

/* Moves the ring's start: screen row n becomes row 0. */
void
grid_rotate(struct grid *g, int n)
{
	g->top = (g->top + n) % g->rows;
}

/* Scrolls rows [top, bot) up by n (down if n < 0); the rows that come in
 * are blank with background bg. */
void
grid_scroll(struct grid *g, int top, int bot, int n, uint32_t bg)
{
	int	h = bot - top, r, up = n > 0;

	if (n < 0)
		n = -n;
	if (n >= h) {
		for (r = top; r < bot; r++)
			grid_clear_row(grid_row(g, r), bg);
		return;
	}
	if (top == 0 && bot == g->rows && up)
		grid_rotate(g, n);
	else if (top == 0 && bot == g->rows)
		grid_rotate(g, g->rows - n);
	else if (up) {
		grid_reverse(g, top, top + n);
		grid_reverse(g, top + n, bot);
		grid_reverse(g, top, bot);
	} else {
		grid_reverse(g, top, bot - n);
		grid_reverse(g, bot - n, bot);
		grid_reverse(g, top, bot);
	}
	if (up) {
		for (r = bot - n; r < bot; r++)
			grid_clear_row(grid_row(g, r), bg);
	} else {
		for (r = top; r < top + n; r++)
			grid_clear_row(grid_row(g, r), bg);
	}
}

/* Scrolls columns [c0, c1) of rows [r0, r1) left by n (right if n < 0). */
void
grid_shift(struct grid *g, int r0, int r1, int c0, int c1, int n,
    uint32_t bg)
{
	struct row	*row;
	int		 r, w = c1 - c0, left = n > 0;

	if (n < 0)
		n = -n;
	if (n > w)
		n = w;
	for (r = r0; r < r1; r++) {
		row = grid_row(g, r);
		if (left) {
			memmove(row->cells + c0, row->cells + c0 + n,
			    (size_t)(w - n) * sizeof *row->cells);
			grid_blank(row->cells + c1 - n, n, bg);
		} else {
			memmove(row->cells + c0 + n, row->cells + c0,
			    (size_t)(w - n) * sizeof *row->cells);
			grid_blank(row->cells + c0, n, bg);
		}
		grid_fix(row, c0, c1);
	}
}

/* Copies a rectangle of nr x nc cells from (sr, sc) to (dr, dc); the two
 * may overlap. */
void
grid_copy(struct grid *g, int dr, int dc, int sr, int sc, int nr, int nc)
{
	struct row	*d, *s;
	int		 i, r;

	for (i = 0; i < nr; i++) {
		r = dr > sr ? nr - 1 - i : i;
		d = grid_row(g, dr + r);
		s = grid_row(g, sr + r);
		memmove(d->cells + dc, s->cells + sc,
		    (size_t)nc * sizeof *d->cells);
		if (nc == g->cols)
			d->flags = s->flags;
		grid_fix(d, dc, dc + nc);
	}
}

/* New size: screen row r is what row r + shift was (blank where there was
 * none). Rows keep the cells beyond a narrower width. */
int
grid_resize(struct grid *g, int rows, int cols, int shift)
{
	struct row	*nrow, *row;
	int		 r, o;

	if ((nrow = calloc((size_t)rows, sizeof *nrow)) == NULL)
		return -1;
	for (r = 0; r < rows; r++) {
		o = r + shift;
		if (o >= 0 && o < g->rows) {
			row = grid_row(g, o);
			nrow[r] = *row;
			row->cells = NULL;
		}
		if (grid_widen(&nrow[r], cols) == -1) {
			for (r = 0; r < rows; r++)
				free(nrow[r].cells);
			free(nrow);
			return -1;
		}
		/* A wide character cut by the new edge cannot be shown. */
		if (nrow[r].cells[cols - 1].attr & A_WIDE)
			cell_clear(&nrow[r].cells[cols - 1]);
	}
	for (r = 0; r < g->rows; r++)
		free(g->row[r].cells);
	free(g->row);
	g->row = nrow;
	g->rows = rows;
	g->cols = cols;
	g->top = 0;
	return 0;
}

int
comb_init(struct comb *cb)
{
	memset(cb, 0, sizeof *cb);
	return 0;
}

void
comb_free(struct comb *cb)
{
	free(cb->ent);
	free(cb->hash);
	memset(cb, 0, sizeof *cb);
}

static uint32_t
comb_hashof(const uint32_t *k)
{
	uint32_t	h = 2166136261u;
	int		i;

	for (i = 0; i < COMB_CHARS; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

static int
comb_rehash(struct comb *cb, uint32_t hcap)
{
	uint32_t	*h, i, j;

	if ((h = calloc(hcap, sizeof *h)) == NULL)
		return -1;
	for (i = 0; i < cb->n; i++) {
		j = comb_hashof(cb->ent[i]) & (hcap - 1);
		while (h[j] != 0)
			j = (j + 1) & (hcap - 1);
		h[j] = i + 1;
	}
	free(cb->hash);
	cb->hash = h;
	cb->hcap = hcap;
	return 0;
}

/* The cell text for a base character and its combining marks; just the
 * base character if memory runs out. */
uint32_t
comb_add(struct comb *cb, const uint32_t *chars, int n)
{
	uint32_t	 key[COMB_CHARS] = { 0 }, j, ncap;
	uint32_t	(*e)[COMB_CHARS];

	if (n > COMB_CHARS)
		n = COMB_CHARS;
	memcpy(key, chars, (size_t)n * sizeof *key);
	if (cb->hcap != 0) {
		j = comb_hashof(key) & (cb->hcap - 1);
		while (cb->hash[j] != 0) {
			if (memcmp(cb->ent[cb->hash[j] - 1], key,
			    sizeof key) == 0)
				return CELL_COMB | (cb->hash[j] - 1);
			j = (j + 1) & (cb->hcap - 1);
		}
	}
	if (cb->n == cb->cap) {
		ncap = cb->cap == 0 ? 64 : cb->cap * 2;
		if (ncap > 0x1000000 ||
		    (e = realloc(cb->ent, ncap * sizeof *e)) == NULL)
			return chars[0];
		cb->ent = e;
		cb->cap = ncap;
	}
	if ((cb->n + 1) * 2 > cb->hcap &&
	    comb_rehash(cb, cb->hcap == 0 ? 128 : cb->hcap * 2) == -1)
		return chars[0];
	memcpy(cb->ent[cb->n], key, sizeof key);
	j = comb_hashof(key) & (cb->hcap - 1);
	while (cb->hash[j] != 0)
		j = (j + 1) & (cb->hcap - 1);
	cb->hash[j] = cb->n + 1;
	return CELL_COMB | cb->n++;
}

const uint32_t *
comb_get(const struct comb *cb, uint32_t ch)
{
	uint32_t	i = ch & ~CELL_COMB;

	if (i >= cb->n)
		return NULL;
	return cb->ent[i];
}

/* Drops the sequences no cell of the given grids uses any more. */
void
comb_gc(struct comb *cb, struct grid *g, int ngrids)
{
	struct comb	 nc;
	struct row	*row;
	uint32_t	*map, i;
	int		 k, r, c;

	comb_init(&nc);
	if ((map = calloc(cb->n + 1, sizeof *map)) == NULL)
		return;
	for (k = 0; k < ngrids; k++) {
		for (r = 0; g[k].row != NULL && r < g[k].rows; r++) {
			row = &g[k].row[r];
			for (c = 0; c < row->cap; c++) {
				if (!CELL_ISCOMB(row->cells[c].ch))
					continue;
				i = row->cells[c].ch & ~CELL_COMB;
				if (i >= cb->n) {
					row->cells[c].ch = 0xfffd;
					continue;
				}
				if (map[i] == 0) {
					map[i] = comb_add(&nc, cb->ent[i],
					    COMB_CHARS);
				}
				row->cells[c].ch = map[i];
			}
		}
	}
	free(map);
	comb_free(cb);
	*cb = nc;
}
