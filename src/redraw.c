/* The model written out for a terminal: the redraw on attach, what undoes
 * the program's modes on detach, and the text dump. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "mode.h"
#include "screen_priv.h"
#include "utf8.h"
#include "util.h"

/* Output for one terminal and the pen that terminal has now. */
struct draw {
	struct buf		*b;
	struct pen		 pen;
	const struct comb	*comb;
	int			 attrs;		/* dump: SGR or not */
};

static const struct pen pen_default = { COL_DEFAULT, COL_DEFAULT, 0 };

static int
pen_eq(const struct pen *a, const struct pen *b)
{
	return a->fg == b->fg && a->bg == b->bg && a->attr == b->attr;
}

static size_t
sgr_colour(char *p, uint32_t c, int base)
{
	uint32_t	i = c & 0xff;

	if ((c & COL_TYPE) == COL_DEFAULT)
		return (size_t)sprintf(p, "%d;", base + 9);
	if ((c & COL_TYPE) == COL_INDEXED && i < 8)
		return (size_t)sprintf(p, "%u;", base + i);
	if ((c & COL_TYPE) == COL_INDEXED && i < 16)
		return (size_t)sprintf(p, "%u;", base + 60 + i - 8);
	if ((c & COL_TYPE) == COL_INDEXED)
		return (size_t)sprintf(p, "%d;5;%u;", base + 8, i);
	return (size_t)sprintf(p, "%d;2;%u;%u;%u;", base + 8, (c >> 16) & 0xff,
	    (c >> 8) & 0xff, c & 0xff);
}

/* Moves the terminal's pen to want with as little as it takes; an
 * attribute that goes away costs a reset. */
static void
draw_pen(struct draw *d, const struct pen *want)
{
	char		 tmp[160];
	struct pen	 cur = d->pen;
	size_t		 n = 2;
	uint16_t	 add;
	int		 ul, font;

	if (pen_eq(&cur, want) || !d->attrs)
		return;
	memcpy(tmp, "\033[", 2);
	if (cur.attr & ~want->attr) {
		tmp[n++] = '0';
		tmp[n++] = ';';
		cur = pen_default;
	}
	add = want->attr & ~cur.attr;
	if (add & A_BOLD)
		n += (size_t)sprintf(tmp + n, "1;");
	if (add & A_DIM)
		n += (size_t)sprintf(tmp + n, "2;");
	if (add & A_ITALIC)
		n += (size_t)sprintf(tmp + n, "3;");
	ul = (want->attr & A_UL) >> A_ULSHIFT;
	if ((want->attr & A_UL) != (cur.attr & A_UL))
		n += (size_t)sprintf(tmp + n, "%s;", ul == 1 ? "4" :
		    ul == 2 ? "21" : "4:3");
	if (add & A_BLINK)
		n += (size_t)sprintf(tmp + n, "5;");
	if (add & A_REVERSE)
		n += (size_t)sprintf(tmp + n, "7;");
	if (add & A_CONCEAL)
		n += (size_t)sprintf(tmp + n, "8;");
	if (add & A_STRIKE)
		n += (size_t)sprintf(tmp + n, "9;");
	font = (want->attr & A_FONT) >> A_FONTSHIFT;
	if ((want->attr & A_FONT) != (cur.attr & A_FONT))
		n += (size_t)sprintf(tmp + n, "%d;", 10 + font);
	if (want->fg != cur.fg)
		n += sgr_colour(tmp + n, want->fg, 30);
	if (want->bg != cur.bg)
		n += sgr_colour(tmp + n, want->bg, 40);
	if (tmp[n - 1] == ';')
		n--;
	tmp[n++] = 'm';
	buf_add(d->b, tmp, n);
	d->pen = *want;
}

static void
draw_text(struct draw *d, const struct cell *c)
{
	const uint32_t	*cp;
	char		 tmp[COMB_CHARS * 4];
	size_t		 n = 0;
	int		 i;

	if (c->ch == 0 || c->ch == CELL_TAIL) {
		buf_add(d->b, " ", 1);
		return;
	}
	if (c->ch < 0x80) {
		tmp[0] = (char)c->ch;
		buf_add(d->b, tmp, 1);
		return;
	}
	if (CELL_ISCOMB(c->ch)) {
		if ((cp = comb_get(d->comb, c->ch)) == NULL) {
			buf_add(d->b, " ", 1);
			return;
		}
		for (i = 0; i < COMB_CHARS && cp[i] != 0; i++)
			n += utf8_put(tmp + n, cp[i]);
	} else
		n = utf8_put(tmp, c->ch);
	buf_add(d->b, tmp, n);
}

static void
draw_cell(struct draw *d, const struct cell *c)
{
	struct pen	p = { c->fg, c->bg, c->attr & A_PEN & ~A_PROTECT };

	draw_pen(d, &p);
	draw_text(d, c);
}

static void
draw_cells(struct draw *d, const struct cell *c, int n)
{
	int	i;

	for (i = 0; i < n; i++) {
		/* The right half of a wide character comes with the left;
		 * a lone one is drawn blank. */
		if (c[i].ch == CELL_TAIL && i > 0 && (c[i - 1].attr & A_WIDE))
			continue;
		draw_cell(d, &c[i]);
	}
}

/* How much of a row is drawn cell by cell, before the EL that does the
 * rest (all of it if the text wraps onto the next row). */
static int
row_last(const struct cell *c, int width, int full)
{
	uint32_t	bg = c[width - 1].bg;
	int		last = width;

	if (!full) {
		while (last > 0 && cell_blank(&c[last - 1]) &&
		    c[last - 1].bg == bg)
			last--;
	}
	return last;
}

/* A row: the blank end of it with EL, unless the text wraps onto the
 * next row, which then needs no cursor move. */
static void
draw_row(struct draw *d, const struct cell *c, int width, int full)
{
	struct pen	p = pen_default;
	int		last = row_last(c, width, full);

	p.bg = c[width - 1].bg;
	draw_cells(d, c, last);
	if (last < width) {
		draw_pen(d, &p);
		buf_adds(d->b, "\033[K");
	}
}

static void
draw_grid(struct draw *d, const struct grid *g)
{
	const struct row	*row, *next;
	char			*full;
	int			 r, cont = 0;

	/* Which rows are drawn to their end so that the terminal wraps
	 * onto the next, as the program's text did: only when the next row
	 * then draws a character, for the wrap happens on it; from the
	 * bottom up, since that depends on the row after. Without memory,
	 * every row starts with a cursor move. */
	full = calloc((size_t)g->rows, 1);
	for (r = g->rows - 2; full != NULL && r >= 0; r--) {
		row = grid_row(g, r);
		next = grid_row(g, r + 1);
		full[r] = (row->flags & ROW_WRAPPED) &&
		    !(row->flags & ROW_LINE) && !(next->flags & ROW_LINE) &&
		    row_last(next->cells, g->cols, full[r + 1]) > 0;
	}
	for (r = 0; r < g->rows; r++) {
		row = grid_row(g, r);
		if (!cont)
			buf_addf(d->b, "\033[%dH", r + 1);
		/* A double width or height line is drawn at single width
		 * and made double after, as the program did: a wide
		 * character across its middle, and the half it hides, are
		 * kept. */
		cont = full != NULL && full[r];
		draw_row(d, row->cells, g->cols, cont);
		if (row->flags & ROW_DWL)
			buf_adds(d->b, "\033#6");
		else if (row->flags & ROW_DHLTOP)
			buf_adds(d->b, "\033#3");
		else if (row->flags & ROW_DHLBOT)
			buf_adds(d->b, "\033#4");
	}
	free(full);
}

/* Scrollback, pushed into the terminal's own history: the lines, then
 * enough line feeds to scroll the last of them off the screen. Their
 * combining sequences go to a pool of the redraw's own: the model's is
 * not the redraw's to grow. */
static void
draw_history(const struct screen *s, struct draw *d)
{
	struct draw	 h = *d;
	struct comb	 comb;
	struct cell	*cells;
	size_t		 n, i;
	int		 fl, cols = s->cols, last, r;

	n = s->hist.n;
	if (n > SCROLLBACK_REPLAY)
		n = SCROLLBACK_REPLAY;
	if (n == 0 || (cells = calloc((size_t)cols, sizeof *cells)) == NULL)
		return;
	comb_init(&comb);
	h.comb = &comb;
	buf_addf(h.b, "\033[%dH", s->rows);
	for (i = s->hist.n - n; i < s->hist.n; i++) {
		fl = hist_get(&s->hist, i, cells, cols, &comb);
		last = cols;
		while (last > 0 && cell_blank(&cells[last - 1]) &&
		    cells[last - 1].bg == COL_DEFAULT)
			last--;
		draw_cells(&h, cells, last);
		if ((fl & ROW_WRAPPED) && last == cols && i + 1 < s->hist.n)
			continue;
		draw_pen(&h, &pen_default);
		buf_adds(h.b, "\r\n");
	}
	for (r = 1; r < s->rows; r++)
		buf_adds(h.b, "\n");
	d->pen = h.pen;
	comb_free(&comb);
	free(cells);
}

static void
draw_kitty(const struct screen *s, struct draw *d, int which)
{
	const struct modes	*m = &s->m;
	int			 i;

	if (m->kitty[which][0] != 0)
		buf_addf(d->b, "\033[=%du", m->kitty[which][0]);
	for (i = 1; i < m->nkitty[which]; i++)
		buf_addf(d->b, "\033[>%du", m->kitty[which][i]);
}

static void
draw_osc(struct draw *d, int num, const char *s)
{
	buf_addf(d->b, "\033]%d;%s\033\\", num, s);
}

static void
draw_cursor(const struct screen *s, struct draw *d, int top, int left)
{
	const struct modes	*m = &s->m;
	const struct grid	*g = screen_shown(s);
	const struct row	*row;
	int			 r = s->crow, c = s->ccol;

	if (m->origin) {
		r -= top;
		c -= left;
	}
	/* Above the margin in origin mode (a DECRC of nothing saved, in
	 * libvterm) no CUP goes: the nearest place it does. */
	if (r < 0)
		r = 0;
	if (c < 0)
		c = 0;
	buf_addf(d->b, "\033[%d;%dH", r + 1, c + 1);
	/* A wrap pending at the cursor is made again by printing the cell
	 * under it once more. */
	if (screen_phantom_drawable(s)) {
		row = grid_row(g, s->crow);
		draw_cell(d, &row->cells[s->ccol]);
	}
}

/* Cursor shape and blink; dirty: the terminal's may not be the default.
 * Returns whether anything was written. */
static int
draw_shape(struct buf *b, int set, int shape, int blink, int dirty)
{
	if (set) {
		buf_addf(b, "\033[%d q", (shape < 1 ? 1 : shape > 3 ? 3 :
		    shape) * 2 - (blink ? 1 : 0));
		return 1;
	}
	if (dirty)
		buf_adds(b, "\033[0 q");
	if (!blink)
		buf_adds(b, "\033[?12l");
	return dirty || !blink;
}

/* Whether the wrap pending at the cursor can be made again: the cell
 * under it still reaches the edge (it may have been erased since). */
int
screen_phantom_drawable(const struct screen *s)
{
	const struct grid	*g = screen_shown(s);
	const struct row	*row;
	const struct cell	*c;
	int			 w;

	if (!s->phantom || !s->m.autowrap || s->prow != s->crow ||
	    s->pcol != s->ccol || s->crow >= g->rows || s->ccol >= g->cols)
		return 0;
	row = grid_row(g, s->crow);
	c = &row->cells[s->ccol];
	if (c->ch == CELL_TAIL ||
	    ((row->flags & ROW_LINE) && s->ccol >= g->cols / 2))
		return 0;
	w = (c->attr & A_WIDE) ? 2 : 1;
	return s->ccol + w >= ((row->flags & ROW_LINE) ? g->cols / 2 : g->cols);
}

/* The cursor the program saved (DECSC, ?1049h), saved again on the
 * terminal, so that its restore finds the same. Returns whether the
 * cursor shape may be other than the terminal's default now. */
static int
draw_saved(const struct screen *s, struct draw *d, int decsc)
{
	const struct saved	*sv = &s->sv;
	int			 shape;

	buf_addf(d->b, "\033[%d;%dH", sv->row + 1, sv->col + 1);
	draw_pen(d, &sv->pen);
	shape = draw_shape(d->b, sv->shape_set, sv->shape, sv->blink, 0);
	if (!sv->visible)
		buf_adds(d->b, "\033[?25l");
	if (decsc)
		buf_adds(d->b, "\0337");
	return shape;
}

int
screen_redraw(const struct screen *s, int flags, struct buf *b)
{
	const struct modes	*m = &s->m;
	struct draw		 d = { b, pen_default, &s->comb, 1 };
	struct pen		 pen;
	int			 top, bot, left, right, i, shape = 0;

	screen_margins(s, &top, &bot, &left, &right);
	buf_adds(b, "\033[?2026h");
	/* The terminal's own state, whatever it is, made the default. */
	buf_adds(b, "\033[r");
	mode_undo(NULL, MODE_FRAME, b);
	mode_undo(NULL, MODE_TEXT, b);
	buf_adds(b, "\033(B\017\033[m");

	if (flags & SCREEN_SCROLLBACK)
		draw_history(s, &d);

	if (s->alt) {
		draw_grid(&d, &s->g[0]);
		draw_kitty(s, &d, 0);
		/* ?1049h saves the cursor as DECSC does. */
		shape = draw_saved(s, &d, m->altmode != 1049);
		buf_addf(b, "\033[?%dh", m->altmode == 0 ? 1049 : m->altmode);
	}
	draw_grid(&d, screen_shown(s));
	if (!s->alt)
		shape = draw_saved(s, &d, 1);

	/* DECSLRM after ?69h, without which it is SCOSC. */
	mode_draw(m, MODE_FRAME, b);
	if (top != 0 || bot != s->rows)
		buf_addf(b, "\033[%d;%dr", top + 1, bot);
	if (m->lrmm && (left != 0 || right != s->cols))
		buf_addf(b, "\033[%d;%ds", left + 1, right);

	mode_draw(m, MODE_INPUT, b);
	draw_kitty(s, &d, s->alt);
	if (m->mok)
		buf_addf(b, "\033[>4;%dm", m->mok);

	for (i = 0; i < 256; i++) {
		if (s->palette[i] != NULL)
			buf_addf(b, "\033]4;%d;%s\033\\", i, s->palette[i]);
	}
	for (i = 256; i < PALETTE; i++) {
		if (s->palette[i] != NULL)
			draw_osc(&d, 10 + i - 256, s->palette[i]);
	}
	if (s->title != NULL || s->icon != NULL)
		buf_adds(b, "\033[22;0t");
	if (s->title != NULL && s->icon != NULL &&
	    strcmp(s->title, s->icon) == 0)
		draw_osc(&d, 0, s->title);
	else {
		if (s->icon != NULL)
			draw_osc(&d, 1, s->icon);
		if (s->title != NULL)
			draw_osc(&d, 2, s->title);
	}
	if (s->cwd != NULL)
		draw_osc(&d, 7, s->cwd);

	draw_cursor(s, &d, top, left);
	mode_draw(m, MODE_TEXT, b);
	for (i = 0; i < 4; i++) {
		if (m->gdes[i][0] != '\0')
			buf_addf(b, "\033%s", m->gdes[i]);
	}
	if (m->gl == 1)
		buf_adds(b, "\016");
	else if (m->gl == 2)
		buf_adds(b, "\033n");
	else if (m->gl == 3)
		buf_adds(b, "\033o");
	pen = s->pen;
	pen.attr |= s->dc;
	draw_pen(&d, &pen);
	draw_shape(b, m->shape_set, m->shape, m->blink, shape);
	mode_draw(m, MODE_CURSOR, b);
	buf_adds(b, "\033[?2026l");
	/* Left of the left margin in origin mode, where no CUP goes and
	 * where libvterm puts any CSI back inside: a CR, last. */
	if (m->origin && m->lrmm && s->ccol == 0 && left > 0)
		buf_adds(b, "\r");
	/* What the program has only begun (an escape sequence, a UTF-8
	 * character): the terminal gets the beginning from here and the rest
	 * with the output that follows, as if it had seen it all. */
	if (s->utf8part > 0)
		buf_add(b, s->u8, (size_t)s->utf8part);
	scan_pending(&s->scan, b);
	return 0;
}

static void
reset_kitty(const struct screen *s, struct buf *b, int which)
{
	const struct modes	*m = &s->m;

	if (m->nkitty[which] > 1)
		buf_addf(b, "\033[<%du", m->nkitty[which] - 1);
	if (m->kitty[which][0] != 0)
		buf_adds(b, "\033[=0;1u");
}

int
screen_reset(const struct screen *s, struct buf *b)
{
	const struct modes	*m = &s->m;
	const struct mode	*e;
	int			 top, bot, left, right, i, charset = 0;

	screen_margins(s, &top, &bot, &left, &right);
	if (m->sync && (e = mode_find(1, 2026)) != NULL)
		mode_put(b, e, 0);
	mode_undo(m, MODE_INPUT, b);
	if (m->mok)
		buf_adds(b, "\033[>4m");
	buf_adds(b, "\033[m");
	if (s->alt) {
		reset_kitty(s, b, 1);
		buf_addf(b, "\033[?%dl", m->altmode == 0 ? 1049 : m->altmode);
	}
	reset_kitty(s, b, 0);
	/* These move the cursor home: keep it where it is. */
	if (top != 0 || bot != s->rows || mode_undo(m, MODE_FRAME, NULL)) {
		buf_adds(b, "\0337");
		mode_undo(m, MODE_FRAME, b);
		if (top != 0 || bot != s->rows)
			buf_adds(b, "\033[r");
		buf_adds(b, "\0338");
	}
	mode_undo(m, MODE_TEXT, b);
	for (i = 0; i < 4; i++) {
		if (m->g[i] != 'B')
			charset = 1;
	}
	if (charset || m->gl != 0)
		buf_adds(b, "\033(B\033)B\033*B\033+B\017");
	if (m->shape_set)
		buf_adds(b, "\033[0 q");
	mode_undo(m, MODE_SHAPE, b);
	mode_undo(m, MODE_CURSOR, b);
	if (s->title != NULL || s->icon != NULL)
		buf_adds(b, "\033[23;0t");
	return 0;
}

int
screen_reset_any(struct buf *b)
{
	mode_undo(NULL, MODE_INPUT, b);
	buf_adds(b, "\033[m");
	mode_undo(NULL, MODE_CURSOR, b);
	return 0;
}

static void
dump_cells(struct draw *d, const struct cell *c, int n)
{
	int	last = n;

	while (last > 0 && (c[last - 1].ch == 0 || c[last - 1].ch == ' ') &&
	    (!d->attrs || (cell_blank(&c[last - 1]) &&
	    c[last - 1].bg == COL_DEFAULT)))
		last--;
	draw_cells(d, c, last);
	draw_pen(d, &pen_default);
	buf_add(d->b, "\n", 1);
}

int
screen_dump(const struct screen *s, int flags, struct buf *b)
{
	struct draw		 d = { b, pen_default, &s->comb, 0 }, h;
	const struct grid	*g = screen_shown(s);
	const struct row	*row;
	struct comb		 comb;
	struct cell		*cells;
	size_t			 i;
	int			 r;

	d.attrs = (flags & SCREEN_ATTRS) != 0;
	if ((flags & SCREEN_SCROLLBACK) && s->hist.n > 0) {
		if ((cells = calloc((size_t)s->cols, sizeof *cells)) == NULL)
			return -1;
		/* A pool of the dump's own, as for a redraw. */
		comb_init(&comb);
		h = d;
		h.comb = &comb;
		for (i = 0; i < s->hist.n; i++) {
			hist_get(&s->hist, i, cells, s->cols, &comb);
			dump_cells(&h, cells, s->cols);
		}
		d.pen = h.pen;
		comb_free(&comb);
		free(cells);
	}
	for (r = 0; r < g->rows; r++) {
		row = grid_row(g, r);
		dump_cells(&d, row->cells, (row->flags & ROW_LINE) ?
		    g->cols / 2 : g->cols);
	}
	return 0;
}
