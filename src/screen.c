/* The screen model. libvterm's parser and state layer interpret the
 * program's output; the cells are ours (grid.c), so that scrolling is
 * cheap, the primary screen stays readable under the alternate one and
 * scrollback is compact. The scanner (scan.c) goes first and hands
 * libvterm whole sequences, one mode at a time; the modes libvterm does
 * not keep, or keeps where nobody can read them, are tracked here.
 *
 * Plain text takes a shorter way: a run of printable ASCII is written to
 * the cells directly and libvterm is only told where the cursor went (how
 * the two are kept in step: screen_priv.h). The last character of a run
 * always goes through libvterm, which must know it for what follows (a
 * combining mark, a wrap). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "mode.h"
#include "screen_priv.h"
#include "skim.h"
#include "utf8.h"
#include "util.h"

static void	screen_vt(struct screen *, const char *, size_t);
static void	scan_esc(void *, const char *, size_t);

static uint32_t
colour_of(const VTermColor *c, int fg)
{
	if (fg && VTERM_COLOR_IS_DEFAULT_FG(c))
		return COL_DEFAULT;
	if (!fg && VTERM_COLOR_IS_DEFAULT_BG(c))
		return COL_DEFAULT;
	if (VTERM_COLOR_IS_INDEXED(c))
		return COL_INDEXED | c->indexed.idx;
	return COL_RGB | ((uint32_t)c->rgb.red << 16) |
	    ((uint32_t)c->rgb.green << 8) | c->rgb.blue;
}

static int
row_width(const struct screen *s, const struct row *row)
{
	return (row->flags & ROW_LINE) ? s->cols / 2 : s->cols;
}

/* libvterm's state callbacks: they change the cells. */

static int
cb_putglyph(VTermGlyphInfo *info, VTermPos pos, void *arg)
{
	struct screen	*s = arg;
	struct grid	*g = screen_grid(s);
	struct row	*row;
	struct cell	*c;
	uint32_t	 ch;
	int		 n, w = info->width;

	if (pos.row < 0 || pos.row >= g->rows || pos.col < 0 ||
	    pos.col >= g->cols || w < 1)
		return 1;
	if (s->phantom && pos.col == 0 && pos.row > 0 &&
	    (pos.row == s->prow + 1 || pos.row == s->prow))
		grid_row(g, pos.row - 1)->flags |= ROW_WRAPPED;
	row = grid_row(g, pos.row);

	for (n = 0; n < COMB_CHARS && info->chars[n] != 0; n++)
		s->last[n] = info->chars[n];
	if (n < COMB_CHARS)
		s->last[n] = 0;
	s->lastw = w;
	if (n > 1)
		ch = comb_add(&s->comb, info->chars, n);
	else
		ch = info->chars[0];
	if (w > 2)
		w = 2;
	if (pos.col + w > g->cols)
		w = 1;
	c = &row->cells[pos.col];
	c->ch = ch;
	c->fg = s->pen.fg;
	c->bg = s->pen.bg;
	c->attr = s->pen.attr | s->dc | (info->protected_cell ? A_PROTECT : 0);
	if (w == 2) {
		c->attr |= A_WIDE;
		c[1] = c[0];
		c[1].ch = CELL_TAIL;
		c[1].attr &= ~A_WIDE;
	}
	grid_fix(row, pos.col, pos.col + w);

	s->phantom = s->m.autowrap && pos.col + w >= row_width(s, row);
	s->prow = pos.row;
	s->pcol = pos.col;
	return 1;
}

static int
cb_movecursor(VTermPos pos, VTermPos oldpos, int visible, void *arg)
{
	struct screen	*s = arg;

	(void)oldpos;
	(void)visible;
	s->crow = pos.row;
	s->ccol = pos.col;
	if (s->phantom && (pos.row != s->prow || pos.col != s->pcol))
		s->phantom = 0;
	return 1;
}

static int
cb_scrollrect(VTermRect r, int down, int right, void *arg)
{
	struct screen	*s = arg;
	struct grid	*g = screen_grid(s);
	struct row	*row;
	int		 i, n;

	if (r.start_row < 0 || r.end_row > g->rows || r.start_col < 0 ||
	    r.end_col > g->cols || r.start_row >= r.end_row ||
	    r.start_col >= r.end_col)
		return 1;
	if (right == 0 && r.start_col == 0 && r.end_col == g->cols) {
		if (down > 0 && r.start_row == 0 && !s->alt) {
			n = down < r.end_row ? down : r.end_row;
			for (i = 0; i < n; i++) {
				row = grid_row(g, i);
				hist_push(&s->hist, row->cells, g->cols,
				    row->flags, &s->comb);
			}
		}
		grid_scroll(g, r.start_row, r.end_row, down, s->pen.bg);
		return 1;
	}
	if (down == 0) {
		grid_shift(g, r.start_row, r.end_row, r.start_col, r.end_col,
		    right, s->pen.bg);
		return 1;
	}
	return 0;	/* libvterm does it with moverect and erase */
}

static int
cb_moverect(VTermRect dest, VTermRect src, void *arg)
{
	struct screen	*s = arg;
	struct grid	*g = screen_grid(s);

	if (dest.start_row < 0 || dest.end_row > g->rows ||
	    src.start_row < 0 || src.end_row > g->rows ||
	    dest.start_col < 0 || dest.end_col > g->cols ||
	    src.start_col < 0 || src.end_col > g->cols)
		return 1;
	grid_copy(g, dest.start_row, dest.start_col, src.start_row,
	    src.start_col, dest.end_row - dest.start_row,
	    dest.end_col - dest.start_col);
	return 1;
}

static int
cb_erase(VTermRect r, int selective, void *arg)
{
	struct screen	*s = arg;
	struct grid	*g = screen_grid(s);
	int		 i;

	if (r.start_row < 0 || r.end_row > g->rows || r.start_col < 0 ||
	    r.end_col > g->cols || r.start_col >= r.end_col)
		return 1;
	for (i = r.start_row; i < r.end_row; i++)
		grid_erase(g, i, r.start_col, r.end_col, s->pen.bg, selective);
	return 1;
}

static int
cb_initpen(void *arg)
{
	struct screen	*s = arg;

	s->pen.fg = s->pen.bg = COL_DEFAULT;
	s->pen.attr = 0;
	s->dc = 0;
	return 1;
}

static void
set_bits(uint16_t *a, uint16_t bits, int on)
{
	if (on)
		*a |= bits;
	else
		*a &= (uint16_t)~bits;
}

static int
cb_setpenattr(VTermAttr attr, VTermValue *v, void *arg)
{
	struct screen	*s = arg;
	uint16_t	*a = &s->pen.attr;
	int		 n;

	switch (attr) {
	case VTERM_ATTR_BOLD:
		set_bits(a, A_BOLD, v->boolean);
		break;
	case VTERM_ATTR_UNDERLINE:
		n = v->number < 0 ? 0 : v->number > 3 ? 3 : v->number;
		*a = (uint16_t)((*a & ~A_UL) | (n << A_ULSHIFT));
		break;
	case VTERM_ATTR_ITALIC:
		set_bits(a, A_ITALIC, v->boolean);
		break;
	case VTERM_ATTR_BLINK:
		set_bits(a, A_BLINK, v->boolean);
		break;
	case VTERM_ATTR_REVERSE:
		set_bits(a, A_REVERSE, v->boolean);
		break;
	case VTERM_ATTR_STRIKE:
		set_bits(a, A_STRIKE, v->boolean);
		break;
	case VTERM_ATTR_FONT:
		n = v->number < 0 ? 0 : v->number > 9 ? 9 : v->number;
		*a = (uint16_t)((*a & ~A_FONT) | (n << A_FONTSHIFT));
		break;
	case VTERM_ATTR_FOREGROUND:
		s->pen.fg = colour_of(&v->color, 1);
		break;
	case VTERM_ATTR_BACKGROUND:
		s->pen.bg = colour_of(&v->color, 0);
		break;
	default:
		break;
	}
	return 1;
}

static void
kitty_reset(struct screen *s, int which)
{
	s->m.nkitty[which] = 1;
	memset(s->m.kitty[which], 0, sizeof s->m.kitty[which]);
}

static int
cb_settermprop(VTermProp prop, VTermValue *v, void *arg)
{
	struct screen	*s = arg;

	switch (prop) {
	case VTERM_PROP_CURSORVISIBLE:
		s->m.visible = v->boolean;
		break;
	case VTERM_PROP_CURSORBLINK:
		s->m.blink = v->boolean;
		break;
	case VTERM_PROP_ALTSCREEN:
		if (s->alt == !!v->boolean)
			break;
		/* Made on first use: most programs never switch. */
		if (v->boolean && s->g[1].row == NULL &&
		    grid_init(&s->g[1], s->g[0].rows, s->g[0].cols) == -1)
			return 0;
		s->alt = !!v->boolean;
		kitty_reset(s, 1);
		s->phantom = 0;
		break;
	case VTERM_PROP_REVERSE:
		s->m.reverse = v->boolean;
		break;
	case VTERM_PROP_CURSORSHAPE:
		s->m.shape = v->number;
		break;
	default:
		/* Titles come from the OSC itself, on every libvterm. */
		break;
	}
	return 1;
}

static int
row_empty(const struct grid *g, int r)
{
	const struct row	*row = grid_row(g, r);
	int			 c;

	for (c = 0; c < g->cols; c++) {
		if (!cell_blank(&row->cells[c]) ||
		    row->cells[c].bg != COL_DEFAULT)
			return 0;
	}
	return 1;
}

/* A grid to a new size, xterm's way: when it gets shorter, blank rows
 * below the cursor go first, then rows from the top (into scrollback for
 * the primary screen); when it gets taller, the primary screen takes
 * lines back from scrollback. Returns how far the rows moved down. */
static int
screen_resize_grid(struct screen *s, int k, int rows, int cols)
{
	struct grid	*g = &s->g[k];
	struct row	*row;
	int		 floor, bottom, need, shift = 0, i, active = k == s->alt;

	if (g->row == NULL)
		return 0;
	if (rows < g->rows) {
		if (active)
			floor = s->crow;
		else if (k == 0 && s->sv.valid)
			floor = s->sv.row;
		else
			floor = -1;
		need = g->rows - rows;
		bottom = g->rows;
		while (need > 0 && bottom - 1 > floor &&
		    row_empty(g, bottom - 1)) {
			bottom--;
			need--;
		}
		/* Never past the cursor (libvterm moves its own up as far
		 * and would leave the screen): rows under it go instead. */
		shift = active && need > floor ? floor : need;
		for (i = 0; k == 0 && i < shift; i++) {
			row = grid_row(g, i);
			hist_push(&s->hist, row->cells, g->cols, row->flags,
			    &s->comb);
		}
	} else if (rows > g->rows && k == 0 && !s->alt) {
		need = rows - g->rows;
		shift = -(int)(s->hist.n < (size_t)need ? s->hist.n :
		    (size_t)need);
	}
	if (grid_resize(g, rows, cols, shift) == -1)
		return 0;
	for (i = -shift - 1; shift < 0 && i >= 0; i--) {
		row = grid_row(g, i);
		row->flags = hist_pop(&s->hist, row->cells, cols, &s->comb);
		if (row->flags < 0)
			row->flags = 0;
	}
	if (k == 0 && s->sv.valid) {
		s->sv.row -= shift;
		if (s->sv.row < 0)
			s->sv.row = 0;
		if (s->sv.row >= rows)
			s->sv.row = rows - 1;
		if (s->sv.col >= cols)
			s->sv.col = cols - 1;
	}
	return -shift;
}

#ifdef VTERM_NEW_API
static int
cb_resize(int rows, int cols, VTermStateFields *fields, void *arg)
{
	struct screen	*s = arg;
	int		 d0, d1;

	d0 = screen_resize_grid(s, 0, rows, cols);
	d1 = screen_resize_grid(s, 1, rows, cols);
	fields->pos.row += s->alt ? d1 : d0;
	s->rows = rows;
	s->cols = cols;
	return 1;
}
#else
static int
cb_resize(int rows, int cols, VTermPos *delta, void *arg)
{
	struct screen	*s = arg;
	int		 d0, d1;

	d0 = screen_resize_grid(s, 0, rows, cols);
	d1 = screen_resize_grid(s, 1, rows, cols);
	delta->row += s->alt ? d1 : d0;
	s->rows = rows;
	s->cols = cols;
	return 1;
}
#endif

static void
row_lineinfo(struct row *row, const VTermLineInfo *info)
{
	row->flags &= ~ROW_LINE;
	if (info->doubleheight == 1)
		row->flags |= ROW_DHLTOP;
	else if (info->doubleheight == 2)
		row->flags |= ROW_DHLBOT;
	else if (info->doublewidth)
		row->flags |= ROW_DWL;
}

static int
cb_setlineinfo(int r, const VTermLineInfo *info, const VTermLineInfo *old,
    void *arg)
{
	struct screen	*s = arg;
	struct grid	*g = screen_grid(s);

	(void)old;
	if (r >= 0 && r < g->rows)
		row_lineinfo(grid_row(g, r), info);
	return 1;
}

/* libvterm 0.1.4 can leave a line's double width or height on the line
 * a scroll brings in (a wrap on a one-line screen): libvterm acts on its
 * own, so the rows take it again once there have been such lines. */
static void
screen_lineinfo(struct screen *s)
{
	VTermState	*st = vterm_obtain_state(s->vt);
	struct grid	*g = screen_grid(s);
	int		 r;

	for (r = 0; r < g->rows; r++)
		row_lineinfo(grid_row(g, r), vterm_state_get_lineinfo(st, r));
}

static const VTermStateCallbacks screen_callbacks = {
	.putglyph = cb_putglyph,
	.movecursor = cb_movecursor,
	.scrollrect = cb_scrollrect,
	.moverect = cb_moverect,
	.erase = cb_erase,
	.initpen = cb_initpen,
	.setpenattr = cb_setpenattr,
	.settermprop = cb_settermprop,
	.resize = cb_resize,
	.setlineinfo = cb_setlineinfo,
};

/* What libvterm does not know it is left to the scanner; a sequence
 * that still gets here is one nobody needs. */
static int
fb_csi(const char *leader, const long args[], int argcount,
    const char *inter, char command, void *arg)
{
	(void)leader;
	(void)args;
	(void)argcount;
	(void)inter;
	(void)command;
	(void)arg;
	return 1;
}

#ifndef VTERM_NEW_API
static int
fb_control(unsigned char c, void *arg)
{
	(void)c;
	(void)arg;
	return 1;
}

static int
fb_string(const char *p, size_t n, void *arg)
{
	(void)p;
	(void)n;
	(void)arg;
	return 1;
}

static const VTermParserCallbacks screen_fallbacks = {
	.control = fb_control,
	.csi = fb_csi,
	.osc = fb_string,
	.dcs = fb_string,
};
#else
static const VTermStateFallbacks screen_fallbacks = {
	.csi = fb_csi,
};
#endif

/* libvterm's replies to queries (DA, DSR, DECRQSS). */
static void
cb_output(const char *p, size_t n, void *arg)
{
	struct screen	*s = arg;

	if (s->reply != NULL)
		s->reply(p, n, s->reply_arg);
}

static void
screen_answer(struct screen *s, const char *fmt, int a, int b)
{
	char	tmp[64];
	int	n;

	n = snprintf(tmp, sizeof tmp, fmt, a, b);
	if (n > 0 && (size_t)n < sizeof tmp && s->reply != NULL)
		s->reply(tmp, (size_t)n, s->reply_arg);
}

/* Everything for libvterm goes through here: first the cursor move the
 * shorter way for text owes it, in the same write when that is small. */
static void
screen_vt(struct screen *s, const char *p, size_t n)
{
	char	tmp[256];
	size_t	k = 0;

	if (s->cup) {
		s->cup = 0;
		tmp[k++] = '\033';
		tmp[k++] = '[';
		k += util_put_decimal(tmp + k, s->crow + 1);
		tmp[k++] = ';';
		k += util_put_decimal(tmp + k, s->ccol + 1);
		tmp[k++] = 'H';
		if (n <= sizeof tmp - k) {
			memcpy(tmp + k, p, n);
			vterm_input_write(s->vt, tmp, k + n);
			return;
		}
		vterm_input_write(s->vt, tmp, k);
	}
	if (n > 0)
		vterm_input_write(s->vt, p, n);
}

/* Whether printable ASCII may be written to the cells directly, but for
 * a wrap pending at the cursor. */
static int
fast_modes(struct screen *s)
{
	const struct modes	*m = &s->m;

	return !s->ss && !s->utf8part && !s->nofast &&
	    !m->origin && !m->lrmm && !m->insert && m->g[m->gl] == 'B' &&
	    (grid_row(screen_grid(s), s->crow)->flags & ROW_LINE) == 0;
}

static void
fast_put(struct screen *s, const char *p, int n)
{
	struct row	*row = grid_row(screen_grid(s), s->crow);
	struct cell	*c = row->cells + s->ccol;
	uint16_t	 attr = s->pen.attr | s->dc;
	int		 i;

	for (i = 0; i < n; i++) {
		c[i].ch = (unsigned char)p[i];
		c[i].fg = s->pen.fg;
		c[i].bg = s->pen.bg;
		c[i].attr = attr;
	}
	grid_fix(row, s->ccol, s->ccol + n);
	s->ccol += n;
	s->cup = 1;
}

/* A character begun and cut short (by anything but its own bytes) is one
 * U+FFFD, as in xterm. */
static void
utf8_break(struct screen *s)
{
	if (s->utf8part > 0) {
		s->utf8part = 0;
		screen_vt(s, UTF8_REPLACEMENT, 3);
	}
}

/* Whether cp joins the character before it: the combining blocks. */
static int
unicode_combining(uint32_t cp)
{
	return (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x1ab0 &&
	    cp <= 0x1aff) || (cp >= 0x1dc0 && cp <= 0x1dff) ||
	    (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe20 && cp <= 0xfe2f);
}

/* libvterm 0.1.4 drops a combining character that follows one written in
 * the last column (the cursor has not moved on, and it takes that for a
 * move): it is joined to that character here, as a terminal does. */
static void
combine_at_phantom(struct screen *s, uint32_t cp)
{
	struct cell	*c;
	uint32_t	 chars[COMB_CHARS];
	const uint32_t	*old;
	int		 n;

	if (s->prow != s->crow || s->pcol != s->ccol)
		return;
	c = &grid_row(screen_grid(s), s->prow)->cells[s->pcol];
	memset(chars, 0, sizeof chars);
	if (CELL_ISCOMB(c->ch) && (old = comb_get(&s->comb, c->ch)) != NULL)
		memcpy(chars, old, sizeof chars);
	else
		chars[0] = c->ch;
	for (n = 0; n < COMB_CHARS && chars[n] != 0; n++)
		/* nothing */;
	if (n == 0 || n == COMB_CHARS || chars[0] == CELL_TAIL)
		return;
	chars[n++] = cp;
	c->ch = comb_add(&s->comb, chars, n);
	memcpy(s->last, chars, sizeof s->last);
}

/* Text other than printable ASCII. libvterm 0.1.4 gets UTF-8 only as
 * whole, valid characters: it keeps a character it has begun across
 * escape sequences and reads later bytes wrong, so one cut by a read is
 * held here instead (a redraw ends with it), and bytes that are not
 * UTF-8 become U+FFFD each, as xterm shows them. The C1 controls U+0080
 * to U+009F are dropped, as xterm does in UTF-8: libvterm gives them a
 * width of -1 and moves its cursor off the screen. */
static void
text_other(struct screen *s, const unsigned char *p, size_t n)
{
	char		 out[1024];
	size_t		 o = 0, i;
	unsigned char	 c;
	uint32_t	 cp;
	int		 len;

	for (i = 0; i < n; i++) {
		if (o > sizeof out - 8) {
			screen_vt(s, out, o);
			o = 0;
		}
		c = p[i];
		if (s->utf8part > 0) {
			if (utf8_continues((unsigned char)s->u8[0],
			    s->utf8part, c)) {
				s->u8[s->utf8part++] = (char)c;
				if (s->utf8part <
				    utf8_need((unsigned char)s->u8[0]))
					continue;
				len = s->utf8part;
				s->utf8part = 0;
				if ((unsigned char)s->u8[0] == 0xc2 && c < 0xa0)
					continue;
				utf8_get((const unsigned char *)s->u8,
				    (size_t)len, &cp);
				if (unicode_combining(cp)) {
					/* Where the cursor is, first. */
					screen_vt(s, out, o);
					o = 0;
					if (s->phantom) {
						combine_at_phantom(s, cp);
						continue;
					}
				}
				memcpy(out + o, s->u8, (size_t)len);
				o += (size_t)len;
				continue;
			}
			s->utf8part = 0;
			memcpy(out + o, UTF8_REPLACEMENT, 3);
			o += 3;
		}
		if (c < 0x80) {
			out[o++] = (char)c;
			continue;
		}
		if (utf8_need(c) == 0) {
			memcpy(out + o, UTF8_REPLACEMENT, 3);
			o += 3;
			continue;
		}
		s->u8[0] = (char)c;
		s->utf8part = 1;
	}
	if (o > 0)
		screen_vt(s, out, o);
}

static void
scan_text(void *arg, const char *p, size_t n)
{
	struct screen	*s = arg;
	const char	*end = p + n, *q;
	ptrdiff_t	 lim;
	int		 k, m, room;

	while (p < end) {
		if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f) {
			utf8_break(s);
			/* The run matters up to one past the room left. */
			room = s->phantom ? 0 : s->cols - 1 - s->ccol;
			lim = fast_modes(s) ? (room < 1 ? 2 : room + 1) :
			    end - p;
			for (q = p; q < end && q - p < lim &&
			    (unsigned char)*q >= 0x20 &&
			    (unsigned char)*q < 0x7f; q++)
				/* nothing */;
			k = (int)(q - p);
			if (fast_modes(s)) {
				m = k - 1 < room ? k - 1 : room;
				if (m >= 1) {
					fast_put(s, p, m);
					p += m;
					continue;
				}
				/* The last column and the wrap go through
				 * libvterm, then the short way again. */
				if (k > (s->phantom ? 1 : 2))
					k = s->phantom ? 1 : 2;
			}
			screen_vt(s, p, (size_t)k);
			s->ss = 0;
			p += k;
			continue;
		}
		for (q = p; q < end && ((unsigned char)*q < 0x20 ||
		    (unsigned char)*q >= 0x7f); q++) {
			if (*q == 0x0e)
				s->m.gl = 1;
			else if (*q == 0x0f)
				s->m.gl = 0;
		}
		text_other(s, (const unsigned char *)p, (size_t)(q - p));
		if (s->ss && q > p && (unsigned char)q[-1] >= 0x80)
			s->ss = 0;
		p = q;
	}
}

/* Modes. */

static void
str_set(char **slot, const char *p, size_t n)
{
	char	*t;

	if ((t = malloc(n + 1)) == NULL)
		return;
	memcpy(t, p, n);
	t[n] = '\0';
	free(*slot);
	*slot = t;
}

static void
modes_reset(struct screen *s)
{
	struct modes	*m = &s->m;

	memset(m, 0, sizeof *m);
	mode_defaults(m);
	m->shape = VTERM_PROP_CURSORSHAPE_BLOCK;
	memset(m->g, 'B', sizeof m->g);
	kitty_reset(s, 0);
	kitty_reset(s, 1);
}

static void
screen_forget(struct screen *s)
{
	int	i;

	free(s->title);
	free(s->icon);
	free(s->cwd);
	s->title = s->icon = s->cwd = NULL;
	for (i = 0; i < s->ntitle; i++) {
		free(s->tstack[i]);
		free(s->istack[i]);
	}
	s->ntitle = 0;
	for (i = 0; i < PALETTE; i++) {
		free(s->palette[i]);
		s->palette[i] = NULL;
	}
}

static void
mode_save(struct screen *s)
{
	s->sv.valid = 1;
	s->sv.row = s->crow;
	s->sv.col = s->ccol;
	s->sv.pen = s->pen;
	s->sv.pen.attr |= s->dc;
	s->sv.visible = s->m.visible;
	s->sv.blink = s->m.blink;
	s->sv.shape = s->m.shape;
	s->sv.shape_set = s->m.shape_set;
	s->saved_dc = s->dc;
}

/* libvterm restores what it saved itself; these are ours. */
static void
mode_restore(struct screen *s)
{
	s->dc = s->saved_dc;
	s->m.shape_set = s->sv.shape_set;
}

/* Moves libvterm's cursor to row r, column c of the screen, if a CUP can
 * get there; the model follows through the callbacks. */
static void
screen_cup(struct screen *s, int r, int c)
{
	char	 cup[32];
	int	 top, bot, left, right, len;

	if (s->m.origin) {
		screen_margins(s, &top, &bot, &left, &right);
		r -= top;
		c -= left;
	}
	if (r < 0 || c < 0)
		return;
	len = snprintf(cup, sizeof cup, "\033[%d;%dH", r + 1, c + 1);
	screen_vt(s, cup, (size_t)len);
}

/* libvterm 0.1.4 keeps a pending wrap across a switch of screens, even
 * where ?1049l puts the cursor back somewhere else; the model drops it,
 * as a redraw must. A CUP to where the cursor is drops libvterm's too. */
static void
screen_drop_wrap(struct screen *s)
{
	screen_cup(s, s->crow, s->ccol);
}

/* libvterm 0.1.4 restores a saved cursor where it was, also where a
 * shrink has left it off the screen since: it comes back to the edge,
 * as in xterm. libvterm brings its own back before it acts on the CUP,
 * so the move is not told: the model takes it. */
static void
screen_restored(struct screen *s)
{
	int	r = s->crow < s->rows ? s->crow : s->rows - 1;
	int	c = s->ccol < s->cols ? s->ccol : s->cols - 1;

	if (r == s->crow && c == s->ccol)
		return;
	screen_cup(s, r, c);
	s->crow = r;
	s->ccol = c;
	s->phantom = 0;
}

static void
mode_set(struct screen *s, int dec, int n, int on)
{
	struct modes		*m = &s->m;
	const struct mode	*e = mode_find(dec, n);
	char			 tmp[32];
	int			 was;

	if (e != NULL)
		mode_store(m, e, on);
	/* What a set does besides. */
	if (dec && (n == 47 || n == 1047 || n == 1049)) {
		if (on && !s->alt)
			m->altmode = n;
		if (n == 1049 && on)
			mode_save(s);
	} else if (dec && n == 1048 && on)
		mode_save(s);
	was = s->phantom;
	screen_vt(s, tmp, mode_seq(e, dec, n, on, tmp, sizeof tmp));
	if (was && !s->phantom && dec && (n == 47 || n == 1047 || n == 1049))
		screen_drop_wrap(s);
	if (dec && (n == 1049 || n == 1048) && !on) {
		mode_restore(s);
		screen_restored(s);
	}
}

/* DECRQM: 1 set, 2 reset, 0 unknown. */
static int
mode_get(struct screen *s, int dec, int n)
{
	const struct mode	*e = mode_find(dec, n);
	int			 v;

	if (e == NULL)
		return 0;
	v = mode_on(&s->m, e);
	if (e->flags & MODE_SCREEN)
		v = v && s->alt;
	return v ? 1 : 2;
}

int
screen_kitty(const struct screen *s, int which)
{
	return s->m.kitty[which][s->m.nkitty[which] - 1];
}

static void
kitty_csi(struct screen *s, const struct scan_csi *c)
{
	struct modes	*m = &s->m;
	int		*k = m->kitty[s->alt], *n = &m->nkitty[s->alt];
	int		 a = c->arg[0] == SCAN_MISSING ? 0 : c->arg[0];
	int		 mode, i;

	switch (c->leader[0]) {
	case '>':
		if (*n == KITTY_DEPTH) {
			memmove(k + 1, k + 2, (KITTY_DEPTH - 2) * sizeof *k);
			k[--(*n)] = 0;
		}
		k[(*n)++] = a;
		break;
	case '<':
		if (a < 1)
			a = 1;
		for (i = 0; i < a; i++) {
			if (*n > 1)
				k[--(*n)] = 0;
			else
				k[0] = 0;
		}
		break;
	case '=':
		mode = c->nargs > 1 && c->arg[1] != SCAN_MISSING ? c->arg[1] : 1;
		if (mode == 1)
			k[*n - 1] = a;
		else if (mode == 2)
			k[*n - 1] |= a;
		else if (mode == 3)
			k[*n - 1] &= ~a;
		break;
	}
}

static void
title_push(struct screen *s, int which)
{
	int	i;

	if (s->ntitle == TITLE_DEPTH) {
		free(s->tstack[0]);
		free(s->istack[0]);
		for (i = 1; i < TITLE_DEPTH; i++) {
			s->tstack[i - 1] = s->tstack[i];
			s->istack[i - 1] = s->istack[i];
		}
		s->ntitle--;
	}
	s->tstack[s->ntitle] = NULL;
	s->istack[s->ntitle] = NULL;
	if ((which == 0 || which == 2) && s->title != NULL)
		s->tstack[s->ntitle] = strdup(s->title);
	if ((which == 0 || which == 1) && s->icon != NULL)
		s->istack[s->ntitle] = strdup(s->icon);
	s->ntitle++;
}

static void
title_pop(struct screen *s, int which)
{
	char	*t, *i;

	if (s->ntitle == 0)
		return;
	s->ntitle--;
	t = s->tstack[s->ntitle];
	i = s->istack[s->ntitle];
	if (which == 0 || which == 2) {
		free(s->title);
		s->title = t;
	} else
		free(t);
	if (which == 0 || which == 1) {
		free(s->icon);
		s->icon = i;
	} else
		free(i);
}

/* Forwards a CSI as it came, or written out again when the scanner had
 * to bound it. */
static void
csi_forward(struct screen *s, const struct scan_csi *c, const char *raw,
    size_t len)
{
	char	tmp[SCAN_ARGS * 8 + 16];
	size_t	n;

	if (raw != NULL && !c->clamped && !c->lost && c->nargs <= 16) {
		screen_vt(s, raw, len);
		return;
	}
	if (c->nargs > 16)
		return;		/* libvterm 0.1.4 would write past its array */
	if ((n = scan_csi_format(c, 0, c->nargs, tmp, sizeof tmp)) > 0)
		screen_vt(s, tmp, n);
}

/* SGR: libvterm keeps all but dim and conceal; long ones are cut in
 * pieces at parameter group boundaries. */
static void
sgr_csi(struct screen *s, const struct scan_csi *c, const char *raw,
    size_t len)
{
	char	tmp[SCAN_ARGS * 8 + 16];
	size_t	n;
	int	i, j, a, first = 0, big;

	big = c->nargs > 16 || c->clamped || c->lost || raw == NULL;
	if (!big)
		screen_vt(s, raw, len);
	for (i = 0; i < c->nargs; i = j) {
		a = c->arg[i] == SCAN_MISSING ? 0 : c->arg[i];
		j = i + 1;
		if (c->more[i]) {
			while (j < c->nargs && c->more[j - 1])
				j++;
		} else if ((a == 38 || a == 48 || a == 58) && j < c->nargs) {
			if (c->arg[j] == 5)
				j += 2;
			else if (c->arg[j] == 2)
				j += 4;
			else
				j += 1;
			if (j > c->nargs)
				j = c->nargs;
		} else if (a == 0)
			s->dc = 0;
		else if (a == 2)
			s->dc |= A_DIM;
		else if (a == 22)
			s->dc &= ~A_DIM;
		else if (a == 8)
			s->dc |= A_CONCEAL;
		else if (a == 28)
			s->dc &= ~A_CONCEAL;
		if (big && j - first > 16) {
			if (i > first &&
			    (n = scan_csi_format(c, first, i - first, tmp,
			    sizeof tmp)) > 0)
				screen_vt(s, tmp, n);
			first = i;
			/* A group of more than 16 is dropped: libvterm
			 * 0.1.4 reads past the end of one (and crashes). */
			if (j - i > 16)
				first = j;
		}
	}
	if (big && c->nargs - first <= 16 &&
	    (n = scan_csi_format(c, first, c->nargs - first, tmp,
	    sizeof tmp)) > 0)
		screen_vt(s, tmp, n);
}

static void
margins_reset(struct screen *s)
{
	s->top = s->left = 0;
	s->bot = s->right = -1;
}

/* DECSTBM and DECSLRM as libvterm takes them (it keeps left and right
 * also while ?69 is off), so that the margins are known without asking
 * it. Each moves the cursor home, which libvterm tells. */
static void
margins_csi(struct screen *s, const struct scan_csi *c)
{
	int	size = c->final == 'r' ? s->rows : s->cols, a, b;

	a = c->arg[0] == SCAN_MISSING ? 0 : c->arg[0] - 1;
	b = c->nargs < 2 || c->arg[1] == SCAN_MISSING ? -1 : c->arg[1];
	if (a < 0)
		a = 0;
	if (a > size)
		a = size;
	if (a == 0 && b == size)
		b = -1;
	else if (b > size)
		b = size;
	if (c->final == 'r') {
		if ((b == -1 ? size : b) <= a)
			a = 0, b = -1;
		s->top = a;
		s->bot = b;
	} else {
		if (b != -1 && b <= a)
			a = 0, b = -1;
		s->left = a;
		s->right = b;
	}
}

/* REP, as more of the same text: libvterm 0.1.4 loops for ever when it
 * has no character to repeat, and stops at the edge where xterm wraps. */
static void
screen_rep(struct screen *s, int count)
{
	char	one[COMB_CHARS * 4], *p;
	size_t	n = 0, i;
	int	k;

	if (s->lastw < 1 || s->last[0] == 0)
		return;
	if (count > s->rows * s->cols)
		count = s->rows * s->cols;
	for (k = 0; k < COMB_CHARS && s->last[k] != 0; k++)
		n += utf8_put(one + n, s->last[k]);
	if ((p = malloc(n * (size_t)count)) == NULL)
		return;
	for (i = 0; i < (size_t)count; i++)
		memcpy(p + i * n, one, n);
	scan_text(s, p, n * (size_t)count);
	free(p);
}

/* DECSTR, which libvterm 0.1.4 ignores, as the sequences it stands for. */
static const char decstr[] = "\033[?25h\033[4l\033[?6l\033[?7h\033[?1l\033>"
    "\0337\033[r\0338\033[m\033(B\033)B\033*B\033+B\017\033[0\"q";

static void
scan_csi(void *arg, const struct scan_csi *c, const char *raw, size_t len)
{
	struct screen	*s = arg;
	int		 lead = c->leader[0], in = c->inter[0], f = c->final;
	int		 i, a0, a1;

	utf8_break(s);
	if (c->odd || c->leader[1] != 0) {
		csi_forward(s, c, raw, len);
		return;
	}
	a0 = c->arg[0] == SCAN_MISSING ? 0 : c->arg[0];
	a1 = c->nargs > 1 && c->arg[1] != SCAN_MISSING ? c->arg[1] : 0;

	if ((lead == '?' || lead == 0) && in == 0 && (f == 'h' || f == 'l')) {
		for (i = 0; i < c->nargs; i++) {
			if (c->arg[i] != SCAN_MISSING)
				mode_set(s, lead == '?', c->arg[i], f == 'h');
		}
		return;
	}
	if ((lead == '?' || lead == 0) && in == '$' && c->inter[1] == 0 &&
	    f == 'p') {
		screen_answer(s, lead == '?' ? "\033[?%d;%d$y" : "\033[%d;%d$y",
		    a0, mode_get(s, lead == '?', a0));
		return;
	}
	if (lead == 0 && in == 0 && f == 'm') {
		sgr_csi(s, c, raw, len);
		return;
	}
	if (f == 'u' && in == 0 && (lead == '>' || lead == '<' ||
	    lead == '=')) {
		kitty_csi(s, c);
		return;
	}
	if (lead == '>' && in == 0 && (f == 'm' || f == 'n')) {
		if (c->arg[0] == SCAN_MISSING || a0 == 4)
			s->m.mok = f == 'm' ? a1 : 0;
		return;
	}
	if (lead == 0 && in == '!' && f == 'p') {
		scan_input(&s->inj, decstr, sizeof decstr - 1);
		s->dc = 0;
		return;
	}
	if (lead == 0 && in == 0 && f == 't') {
		if (a0 == 22 && a1 >= 0 && a1 <= 2)
			title_push(s, a1);
		else if (a0 == 23 && a1 >= 0 && a1 <= 2)
			title_pop(s, a1);
		else if (a0 == 18)
			screen_answer(s, "\033[8;%d;%dt", s->rows, s->cols);
		return;
	}
	if (lead == 0 && in == 0 && f == 'b') {
		screen_rep(s, a0 < 1 ? 1 : a0);
		return;
	}
	if (lead == 0 && in == '"' && f == 'q' && a0 == 1)
		s->nofast = 1;
	if (lead == 0 && in == ' ' && f == 'q')
		s->m.shape_set = a0 != 0;
	/* SCOSC and SCORC, which libvterm 0.1.4 lacks, are DECSC and
	 * DECRC. */
	if (lead == 0 && in == 0 && (f == 's' || f == 'u') && c->nargs == 1 &&
	    c->arg[0] == SCAN_MISSING && (f == 'u' || !s->m.lrmm)) {
		scan_esc(s, f == 's' ? "\0337" : "\0338", 2);
		return;
	}
	/* What csi_forward passes on, libvterm takes. */
	if (lead == 0 && in == 0 && (f == 'r' || f == 's') && c->nargs <= 16)
		margins_csi(s, c);
	csi_forward(s, c, raw, len);
	/* libvterm cancels a pending wrap on every cursor movement, also
	 * one that does not move (it then tells nobody). */
	if (lead == 0 && in == 0 && f < 0x80 &&
	    memchr("ABCDEFGH`adefjk", f, 15) != NULL)
		s->phantom = 0;
}

static void
screen_ris(struct screen *s)
{
	s->alt = 0;
	s->ss = 0;
	s->nofast = 0;
	s->lastw = 0;
	s->dc = s->saved_dc = 0;
	s->phantom = 0;
	modes_reset(s);
	margins_reset(s);
	screen_forget(s);
	if (s->g[1].row != NULL)
		grid_scroll(&s->g[1], 0, s->g[1].rows, s->g[1].rows,
		    COL_DEFAULT);
}

static void
scan_esc(void *arg, const char *p, size_t n)
{
	struct screen	*s = arg;
	int		 i;

	utf8_break(s);
	/* An escape with intermediates that ends like the start of a CSI or
	 * a string is one terminals ignore, but libvterm 0.1.4 starts that
	 * CSI or string: it never sees it. */
	if (n >= 3 && memchr("[]PX^_", p[n - 1], 6) != NULL)
		return;
	if (n == 2) {
		switch (p[1]) {
		case '=':
			s->m.keypad = 1;
			break;
		case '>':
			s->m.keypad = 0;
			break;
		case 'c':
			screen_ris(s);
			screen_vt(s, p, n);
			vterm_input_write(s->vt, "\0337", 2);
			mode_save(s);
			return;
		case '7':
			mode_save(s);
			break;
		case '8':
			screen_vt(s, p, n);
			mode_restore(s);
			screen_restored(s);
			return;
		case 'N':
		case 'O':
			s->ss = 1;
			break;
		case 'n':
			s->m.gl = 2;
			break;
		case 'o':
			s->m.gl = 3;
			break;
		}
	} else if (n == 3 && p[1] == '#' && p[2] >= '3' && p[2] <= '6') {
		/* libvterm 0.1.4 keeps one set of line attributes for both
		 * screens, which the cells cannot follow: text on such a row
		 * goes through libvterm from now on. */
		if (p[2] != '5')
			s->nofast = 1;
	} else if (n == 3 && p[1] == '#' && p[2] == '8') {
		/* DECALN fills the screen glyph by glyph; no wrap follows. */
		screen_vt(s, p, n);
		s->phantom = 0;
		return;
	} else if (n >= 3) {
		i = -1;
		switch (p[1]) {
		case '(':
		case ')':
		case '*':
		case '+':
			i = p[1] - '(';
			break;
		case '-':
		case '.':
		case '/':
			i = p[1] - ',';
			break;
		}
		/* libvterm 0.1.4 knows the DEC graphics, UK and ASCII sets
		 * and ignores any other designation, which then leaves the
		 * set as it was: the model does the same. */
		if (i >= 0 && n == 3 && p[1] <= '+' &&
		    memchr("0AB", p[2], 3) != NULL) {
			s->m.g[i] = p[2];
			/* Kept as it came, for a redraw to say again. */
			memset(s->m.gdes[i], 0, sizeof s->m.gdes[i]);
			if (s->m.g[i] != 'B')
				memcpy(s->m.gdes[i], p + 1, n - 1);
		}
	}
	screen_vt(s, p, n);
}

static int
osc_number(const char **p, const char *end)
{
	int	n = 0, any = 0;

	while (*p < end && **p >= '0' && **p <= '9' && n < 100000) {
		n = n * 10 + (**p - '0');
		(*p)++;
		any = 1;
	}
	return any ? n : -1;
}

static void
osc_colours(struct screen *s, int first, const char *p, const char *end)
{
	const char	*q;
	int		 i = first;

	while (p < end && i < PALETTE) {
		if ((q = memchr(p, ';', (size_t)(end - p))) == NULL)
			q = end;
		if (q - p != 1 || *p != '?')
			str_set(&s->palette[i], p, (size_t)(q - p));
		p = q + 1;
		i++;
	}
}

static void
osc_palette(struct screen *s, const char *p, const char *end, int reset)
{
	const char	*q;
	int		 i;

	if (reset && p >= end) {
		for (i = 0; i < 256; i++) {
			free(s->palette[i]);
			s->palette[i] = NULL;
		}
		return;
	}
	while (p < end) {
		i = osc_number(&p, end);
		if (reset) {
			if (i >= 0 && i < 256) {
				free(s->palette[i]);
				s->palette[i] = NULL;
			}
			if (p < end)
				p++;
			continue;
		}
		if (p >= end || *p != ';')
			return;
		p++;
		if ((q = memchr(p, ';', (size_t)(end - p))) == NULL)
			q = end;
		if (i >= 0 && i < 256 && (q - p != 1 || *p != '?'))
			str_set(&s->palette[i], p, (size_t)(q - p));
		p = q + 1;
	}
}

static void
scan_str(void *arg, int kind, const char *body, size_t n, const char *raw,
    size_t len)
{
	struct screen	*s = arg;
	const char	*p = body, *end = body + n;
	int		 num, i;

	utf8_break(s);
	if (kind == 'P') {
		screen_vt(s, raw, len);
		return;
	}
	if (kind != ']')
		return;		/* APC, PM, SOS: nothing to show */
	num = osc_number(&p, end);
	if (p < end && *p == ';')
		p++;
	else if (p != end)
		return;
	switch (num) {
	case 0:
		str_set(&s->title, p, (size_t)(end - p));
		str_set(&s->icon, p, (size_t)(end - p));
		break;
	case 1:
		str_set(&s->icon, p, (size_t)(end - p));
		break;
	case 2:
		str_set(&s->title, p, (size_t)(end - p));
		break;
	case 4:
		osc_palette(s, p, end, 0);
		break;
	case 104:
		osc_palette(s, p, end, 1);
		break;
	case 7:
		str_set(&s->cwd, p, (size_t)(end - p));
		break;
	case 10:
	case 11:
	case 12:
		osc_colours(s, 256 + num - 10, p, end);
		break;
	case 110:
	case 111:
	case 112:
		i = 256 + num - 110;
		free(s->palette[i]);
		s->palette[i] = NULL;
		break;
	}
}

static const struct scan_ops screen_scan_ops = {
	.text = scan_text,
	.esc = scan_esc,
	.csi = scan_csi,
	.str = scan_str,
};

struct screen *
screen_new(int rows, int cols)
{
	struct screen	*s;

	if (rows < 1)
		rows = 1;
	if (cols < 2)
		cols = 2;
	if (rows > SCREEN_MAXDIM)
		rows = SCREEN_MAXDIM;
	if (cols > SCREEN_MAXDIM)
		cols = SCREEN_MAXDIM;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	s->rows = rows;
	s->cols = cols;
	comb_init(&s->comb);
	s->comb_limit = 1024;
	hist_init(&s->hist, SCROLLBACK_LINES, SCROLLBACK_BYTES);
	modes_reset(s);
	margins_reset(s);
	if (grid_init(&s->g[0], rows, cols) == -1 ||
	    scan_init(&s->scan, &screen_scan_ops, s) == -1 ||
	    scan_init(&s->inj, &screen_scan_ops, s) == -1 ||
	    (s->vt = vterm_new(rows, cols)) == NULL) {
		screen_free(s);
		return NULL;
	}
	vterm_set_utf8(s->vt, 1);
	vterm_output_set_callback(s->vt, cb_output, s);
	s->vts = vterm_obtain_state(s->vt);
	vterm_state_set_callbacks(s->vts, &screen_callbacks, s);
	vterm_state_set_unrecognised_fallbacks(s->vts, &screen_fallbacks, s);
	vterm_state_reset(s->vts, 1);
	/* A restore with nothing saved gets the defaults, not a zeroed pen
	 * (black on black) as libvterm would have it. */
	vterm_input_write(s->vt, "\0337", 2);
	mode_save(s);
	return s;
}

void
screen_free(struct screen *s)
{
	if (s == NULL)
		return;
	if (s->vt != NULL)
		vterm_free(s->vt);
	scan_free(&s->scan);
	scan_free(&s->inj);
	grid_free(&s->g[0]);
	grid_free(&s->g[1]);
	comb_free(&s->comb);
	hist_free(&s->hist);
	screen_forget(s);
	free(s);
}

void
screen_set_scrollback(struct screen *s, size_t lines)
{
	hist_free(&s->hist);
	hist_init(&s->hist, lines, SCROLLBACK_BYTES);
}

void
screen_input(struct screen *s, const char *p, size_t n)
{
	if (s->comb.n > s->comb_limit) {
		comb_gc(&s->comb, s->g, 2);
		s->comb_limit = s->comb.n * 2 > 1024 ? s->comb.n * 2 : 1024;
	}
	scan_input(&s->scan, p, n);
	/* libvterm's cursor is brought up to date before anyone looks. */
	if (s->cup)
		screen_vt(s, "", 0);
	if (s->nofast)
		screen_lineinfo(s);
}

/* Below this, passing over a flood saves less than looking for where to
 * cut it costs. */
#define SKIP_MIN	(64 * 1024)

/* Where the last SGR that resets the pen begins in p (n bytes of whole
 * plain items, looked at up to at), or -1. */
static ssize_t
skip_reset(const char *p, size_t n, size_t at)
{
	const char	*e;

	for (; at > 0 && (e = memrchr(p, 0x1b, at)) != NULL;
	    at = (size_t)(e - p)) {
		if (skim_sgr_resets(e, skim_item(e, n - (size_t)(e - p))))
			return e - p;
	}
	return -1;
}

/* Sets the pen as the SGRs in p[from, to) do. */
static void
skip_pen(struct screen *s, const char *p, size_t from, size_t to)
{
	const char	*e;
	size_t		 i, len;

	for (i = from; i < to &&
	    (e = memchr(p + i, 0x1b, to - i)) != NULL; i += len) {
		i = (size_t)(e - p);
		len = skim_item(e, to - i);
		if (e[len - 1] == 'm')
			scan_input(&s->scan, e, len);
	}
}

size_t
screen_skip_lines(const struct screen *s)
{
	/* The screen's rows to reach its bottom, as many more to leave
	 * it, and the scrollback. */
	return 2 * (size_t)s->rows + s->hist.maxlines + 1;
}

size_t
screen_skip(struct screen *s, const char *pre, size_t npre, const char *p,
    size_t plain, size_t *lines)
{
	const char	*lf;
	size_t		 need, cut, after, i, len;
	ssize_t		 reset;
	int		 top, bot, left, right;

	/* Nothing begun (a sequence, a character, a single shift), and
	 * every line feed scrolls the whole primary screen. */
	if (s->alt || s->m.lrmm || s->ss || s->utf8part ||
	    !scan_idle(&s->scan))
		return 0;
	if (npre + plain < SKIP_MIN)
		return 0;
	/* The cut follows a CR LF (the cursor in column 0, no wrap
	 * pending) and has enough line feeds after it that everything
	 * before it, and the line it starts, leaves the screen (rows
	 * feeds to reach the bottom, rows more) and the scrollback. */
	need = screen_skip_lines(s);
	if (*lines == SCREEN_LINES_UNKNOWN)
		*lines = skim_lines(p, plain);
	if (*lines <= need)
		return 0;
	lf = skim_line_end(p, plain, *lines - 1 - need);
	for (after = need; lf != NULL && (lf == p || lf[-1] != '\r');
	    after++)
		lf = lf == p ? NULL : memrchr(p, '\n', (size_t)(lf - p));
	if (lf == NULL)
		return 0;
	cut = (size_t)(lf - p) + 1;
	if (npre + cut < SKIP_MIN)
		return 0;
	/* What is after the cut prints something, so the character a REP
	 * repeats comes from there in both cases. */
	for (i = cut; i < plain; i += len) {
		len = skim_item(p + i, plain - i);
		if ((unsigned char)p[i] >= 0x20 && p[i] != 0x1b)
			break;
	}
	if (i == plain)
		return 0;
	screen_margins(s, &top, &bot, &left, &right);
	if (top != 0 || bot != s->rows)
		return 0;
	/* The pen is what the SGRs since the last that reset it made. */
	if ((reset = skip_reset(p, plain, cut)) == -1) {
		reset = skip_reset(pre, npre, npre);
		skip_pen(s, pre, reset == -1 ? 0 : (size_t)reset, npre);
		reset = 0;
	}
	skip_pen(s, p, (size_t)reset, cut);
	scan_input(&s->scan, "\r", 1);
	/* The lines after the cut push out every one the scrollback has:
	 * its memory goes now, not line by line as they come. */
	hist_clear(&s->hist);
	*lines = after;
	return cut;
}

/* A shrink can leave the top margin at or below the bottom one, or the
 * left at or past the right: libvterm 0.1.4 keeps such a region and
 * then scrolls it with a negative size (and crashes). The model counts
 * it as none (screen_margins); libvterm is told so, the cursor left
 * where it was. */
static void
screen_resize_margins(struct screen *s)
{
	int	r = s->crow, c = s->ccol, tb, lr;

	tb = (s->bot == -1 ? s->rows : s->bot) <= s->top;
	lr = (s->right == -1 ? s->cols : s->right) <= s->left;
	if (!tb && !lr)
		return;
	/* Written to libvterm itself: CSI s is DECSLRM there. */
	if (tb) {
		screen_vt(s, "\033[r", 3);
		s->top = 0;
		s->bot = -1;
	}
	if (lr) {
		screen_vt(s, "\033[s", 3);
		s->left = 0;
		s->right = -1;
	}
	screen_cup(s, r, c);
	s->phantom = 0;
}

void
screen_resize(struct screen *s, int rows, int cols)
{
	if (rows < 1)
		rows = 1;
	if (cols < 2)
		cols = 2;
	if (rows > SCREEN_MAXDIM)
		rows = SCREEN_MAXDIM;
	if (cols > SCREEN_MAXDIM)
		cols = SCREEN_MAXDIM;
	if (rows == s->rows && cols == s->cols)
		return;
	screen_vt(s, "", 0);
	vterm_set_size(s->vt, rows, cols);
	/* libvterm 0.1.4 calls back only from the state; make sure. */
	if (s->rows != rows || s->cols != cols) {
		screen_resize_grid(s, 0, rows, cols);
		screen_resize_grid(s, 1, rows, cols);
		s->rows = rows;
		s->cols = cols;
	}
	if (s->crow >= rows)
		s->crow = rows - 1;
	if (s->ccol >= cols)
		s->ccol = cols - 1;
	/* libvterm keeps a margin at the edge there, and bounds one set. */
	if (s->bot > rows)
		s->bot = rows;
	if (s->right > cols)
		s->right = cols;
	screen_resize_margins(s);
}

void
screen_set_reply(struct screen *s, void (*cb)(const char *, size_t, void *),
    void *arg)
{
	s->reply = cb;
	s->reply_arg = arg;
}

int
screen_rows(const struct screen *s)
{
	return s->rows;
}

int
screen_alternate(const struct screen *s)
{
	return s->alt;
}

int
screen_cols(const struct screen *s)
{
	return s->cols;
}

void
screen_margins(const struct screen *s, int *top, int *bot, int *left,
    int *right)
{
	int	a, b;

	*top = 0;
	*bot = s->rows;
	*left = 0;
	*right = s->cols;
	/* A region a resize left empty (libvterm does not move the top)
	 * counts as none. */
	a = s->top;
	b = s->bot == -1 ? s->rows : s->bot;
	if (b > a && b <= s->rows) {
		*top = a;
		*bot = b;
	}
	a = s->left;
	b = s->right == -1 ? s->cols : s->right;
	if (s->m.lrmm && b > a && b <= s->cols) {
		*left = a;
		*right = b;
	}
}

