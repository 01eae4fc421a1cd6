/* Two screen models compared: see screencmp.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mode.h"
#include "screencmp.h"

char	 screen_why[4096];

static void
cell_text(const struct screen *s, const struct cell *c, uint32_t *out)
{
	const uint32_t	*cp;

	memset(out, 0, COMB_CHARS * sizeof *out);
	if (CELL_ISCOMB(c->ch) && (cp = comb_get(&s->comb, c->ch)) != NULL)
		memcpy(out, cp, COMB_CHARS * sizeof *out);
	else
		out[0] = c->ch == ' ' ? 0 : c->ch;
}

static int
grid_differs(const struct screen *a, const struct grid *ga,
    const struct screen *b, const struct grid *gb, const char *name)
{
	const struct cell	*ca, *cb;
	uint32_t		 ta[COMB_CHARS], tb[COMB_CHARS];
	uint16_t		 mask = A_PEN & ~A_PROTECT;
	int			 r, c, width;

	for (r = 0; r < ga->rows; r++) {
		width = grid_row(ga, r)->flags & ROW_LINE ? ga->cols / 2 :
		    ga->cols;
		if ((grid_row(ga, r)->flags & ROW_LINE) !=
		    (grid_row(gb, r)->flags & ROW_LINE)) {
			snprintf(screen_why, sizeof screen_why, "%s row %d line attrs %d %d",
			    name, r, grid_row(ga, r)->flags,
			    grid_row(gb, r)->flags);
			return 1;
		}
		for (c = 0; c < width; c++) {
			ca = &grid_row(ga, r)->cells[c];
			cb = &grid_row(gb, r)->cells[c];
			cell_text(a, ca, ta);
			cell_text(b, cb, tb);
			if (memcmp(ta, tb, sizeof ta) != 0 ||
			    ca->fg != cb->fg || ca->bg != cb->bg ||
			    (ca->attr & mask) != (cb->attr & mask) ||
			    (ca->attr & A_WIDE) != (cb->attr & A_WIDE)) {
				snprintf(screen_why, sizeof screen_why, "%s cell %d,%d: "
				    "ch %x/%x fg %x/%x bg %x/%x attr %x/%x",
				    name, r, c, ta[0], tb[0], ca->fg, cb->fg,
				    ca->bg, cb->bg, ca->attr, cb->attr);
				return 1;
			}
		}
	}
	return 0;
}

static int
str_differs(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

static size_t
first_diff(const void *a, const void *b, size_t n)
{
	const unsigned char	*p = a, *q = b;
	size_t			 i;

	for (i = 0; i < n && p[i] == q[i]; i++)
		/* nothing */;
	return i;
}

/* Which modes differ, by name: the table's, then the rest. */
static void
modes_why(const struct modes *ma, const struct modes *mb,
    const struct screen *a, const struct screen *b)
{
	const struct mode	*e;
	size_t			 i, n;

	n = (size_t)snprintf(screen_why, sizeof screen_why, "modes differ:");
	for (i = 0; i < mode_count && n < sizeof screen_why; i++) {
		e = &mode_table[i];
		/* A group is one field: said once. */
		if (i > 0 && mode_table[i - 1].off == e->off)
			continue;
		if (mode_field(ma, e) != mode_field(mb, e))
			n += (size_t)snprintf(screen_why + n,
			    sizeof screen_why - n, " %s %d/%d", e->name,
			    mode_field(ma, e), mode_field(mb, e));
	}
	if (n < sizeof screen_why)
		snprintf(screen_why + n, sizeof screen_why - n,
		    " (mok %d/%d shape %d/%d set %d/%d gl %d/%d kitty %d/%d)"
		    " at byte %zu", ma->mok, mb->mok, ma->shape, mb->shape,
		    ma->shape_set, mb->shape_set, ma->gl, mb->gl,
		    screen_kitty(a, a->alt), screen_kitty(b, b->alt),
		    first_diff(ma, mb, sizeof *ma));
}

/* Whether a and b show the same; why says where they do not. -1: the
 * same so far, but a is in a state no redraw can make. */
int
screen_differs(const struct screen *a, const struct screen *b)
{
	struct modes	ma = a->m, mb = b->m;
	int		ta, ba, la, ra, tb, bb, lb, rb, i;

	screen_why[0] = '\0';
	if (a->rows != b->rows || a->cols != b->cols) {
		snprintf(screen_why, sizeof screen_why, "size %dx%d %dx%d", a->rows, a->cols,
		    b->rows, b->cols);
		return 1;
	}
	if (a->alt != b->alt) {
		snprintf(screen_why, sizeof screen_why, "alt %d %d", a->alt, b->alt);
		return 1;
	}
	if (grid_differs(a, screen_shown(a), b, screen_shown(b), "active"))
		return 1;
	if (a->alt && grid_differs(a, &a->g[0], b, &b->g[0], "primary"))
		return 1;
	screen_margins(a, &ta, &ba, &la, &ra);
	/* Two states no terminal sequence can make: the cursor outside
	 * the left and right margins in origin mode (libvterm lets a CR
	 * put it there), and a wrap pending after a wide character that
	 * was erased since. */
	if (a->m.origin && a->m.lrmm && (a->ccol < la || a->ccol >= ra) &&
	    !(a->ccol == 0 && b->ccol == 0))
		return -1;
	/* Above or below the margins in origin mode, where libvterm's
	 * DECRC of nothing saved leaves it. */
	if (a->m.origin && (a->crow < ta || a->crow >= ba))
		return -1;
	if (a->phantom && !screen_phantom_drawable(a))
		return -1;
	/* The cursor past the middle of a line made double width after it
	 * got there: libvterm leaves it, a terminal brings it back. */
	if ((grid_row(screen_shown(a), a->crow)->flags & ROW_LINE) &&
	    a->ccol >= a->cols / 2)
		return -1;
	if (a->crow != b->crow || a->ccol != b->ccol) {
		snprintf(screen_why, sizeof screen_why, "cursor %d,%d %d,%d", a->crow,
		    a->ccol, b->crow, b->ccol);
		return 1;
	}
	if (a->phantom != b->phantom) {
		snprintf(screen_why, sizeof screen_why, "pending wrap %d %d", a->phantom,
		    b->phantom);
		return 1;
	}
	if (a->pen.fg != b->pen.fg || a->pen.bg != b->pen.bg ||
	    (a->pen.attr | a->dc) != (b->pen.attr | b->dc)) {
		snprintf(screen_why, sizeof screen_why, "pen %x/%x %x/%x %x/%x", a->pen.fg,
		    b->pen.fg, a->pen.bg, b->pen.bg, a->pen.attr | a->dc,
		    b->pen.attr | b->dc);
		return 1;
	}
	/* A redraw always ends the synchronized update it began. */
	ma.sync = mb.sync = 0;
	if (!a->alt)
		ma.altmode = mb.altmode = 0;
	memset(ma.g, 0, sizeof ma.g);
	memset(mb.g, 0, sizeof mb.g);
	if (memcmp(&ma, &mb, sizeof ma) != 0) {
		modes_why(&ma, &mb, a, b);
		return 1;
	}
	/* A designation too long to keep (intermediates without end). */
	for (i = 0; i < 4; i++) {
		if (a->m.g[i] == '?' && a->m.gdes[i][0] == '\0')
			return -1;
	}
	if (memcmp(a->m.g, b->m.g, sizeof a->m.g) != 0) {
		snprintf(screen_why, sizeof screen_why, "charsets %.4s %.4s", a->m.g, b->m.g);
		return 1;
	}
	screen_margins(a, &ta, &ba, &la, &ra);
	screen_margins(b, &tb, &bb, &lb, &rb);
	if (ta != tb || ba != bb || la != lb || ra != rb) {
		snprintf(screen_why, sizeof screen_why, "margins %d-%d,%d-%d %d-%d,%d-%d",
		    ta, ba, la, ra, tb, bb, lb, rb);
		return 1;
	}
	if (str_differs(a->title, b->title) || str_differs(a->icon, b->icon) ||
	    str_differs(a->cwd, b->cwd)) {
		snprintf(screen_why, sizeof screen_why, "title/icon/cwd");
		return 1;
	}
	return 0;
}

/* Lines of scrollback, cell by cell, and whether each wrapped. */
int
screen_hist_differs(struct screen *a, struct screen *b)
{
	struct cell	*ca, *cb;
	uint32_t	 ta[COMB_CHARS], tb[COMB_CHARS];
	size_t		 i;
	int		 c, fa, fb, bad = 0;

	screen_why[0] = '\0';
	if (a->hist.n != b->hist.n || a->cols != b->cols) {
		snprintf(screen_why, sizeof screen_why, "scrollback %zu lines "
		    "%zu lines", a->hist.n, b->hist.n);
		return 1;
	}
	ca = calloc((size_t)a->cols, sizeof *ca);
	cb = calloc((size_t)a->cols, sizeof *cb);
	for (i = 0; ca != NULL && cb != NULL && i < a->hist.n && !bad; i++) {
		fa = hist_get(&a->hist, i, ca, a->cols, &a->comb);
		fb = hist_get(&b->hist, i, cb, b->cols, &b->comb);
		if (fa != fb) {
			snprintf(screen_why, sizeof screen_why, "scrollback "
			    "line %zu flags %d %d", i, fa, fb);
			bad = 1;
		}
		for (c = 0; c < a->cols && !bad; c++) {
			cell_text(a, &ca[c], ta);
			cell_text(b, &cb[c], tb);
			if (memcmp(ta, tb, sizeof ta) != 0 ||
			    ca[c].fg != cb[c].fg || ca[c].bg != cb[c].bg ||
			    ca[c].attr != cb[c].attr) {
				snprintf(screen_why, sizeof screen_why,
				    "scrollback line %zu cell %d: ch %x/%x "
				    "fg %x/%x bg %x/%x attr %x/%x", i, c, ta[0],
				    tb[0], ca[c].fg, cb[c].fg, ca[c].bg,
				    cb[c].bg, ca[c].attr, cb[c].attr);
				bad = 1;
			}
		}
	}
	if (ca == NULL || cb == NULL) {
		snprintf(screen_why, sizeof screen_why, "no memory");
		bad = 1;
	}
	free(ca);
	free(cb);
	return bad;
}

int
screen_compare(struct screen *a, struct screen *b, int further)
{
	int		 d;
	const char	*after[] = {
		"",
		"",
		"xy\xe4\xb8\xadz\r\n\033[2;1HA\033[K",
	};
	size_t		 i, n, len;
	char		 step[32];

	if (a->alt)
		after[1] = a->m.altmode == 47 ? "\033[?47l" :
		    a->m.altmode == 1047 ? "\033[?1047l" : "\033[?1049l";
	n = further ? sizeof after / sizeof after[0] : 1;
	for (i = 0; i < n; i++) {
		screen_input(a, after[i], strlen(after[i]));
		screen_input(b, after[i], strlen(after[i]));
		if ((d = screen_differs(a, b)) == -1)
			break;
		if (d) {
			snprintf(step, sizeof step, "after step %zu: ", i);
			len = strlen(step);
			memmove(screen_why + len, screen_why,
			    sizeof screen_why - len - 1);
			memcpy(screen_why, step, len);
			screen_why[sizeof screen_why - 1] = '\0';
			return 1;
		}
	}
	return 0;
}

int
screen_roundtrip(struct screen *a, int flags, int further, struct buf *redraw)
{
	struct screen	*b;
	struct buf	 out = { 0 };
	int		 bad;

	if ((b = screen_new(a->rows, a->cols)) == NULL) {
		snprintf(screen_why, sizeof screen_why, "no model");
		return 1;
	}
	if (screen_redraw(a, flags, &out) != 0) {
		snprintf(screen_why, sizeof screen_why, "no redraw");
		screen_free(b);
		return 1;
	}
	screen_input(b, out.data, out.len);
	bad = screen_compare(a, b, further);
	if (bad && redraw != NULL)
		buf_add(redraw, out.data, out.len);
	buf_free(&out);
	screen_free(b);
	return bad;
}
