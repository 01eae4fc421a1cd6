/* The test side's terminal emulator. libvterm keeps the screen; the DEC
 * private modes are also followed by a small scanner of our own, because
 * libvterm answers for some of them (mouse, cursor visibility) but keeps
 * others (cursor keys, bracketed paste, focus events) to itself. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vterm.h>

#include "utf8.h"
#include "vscreen.h"

#define HISTORY_LINES	4096
#define MAX_MODES	16

struct vscreen {
	VTerm		*vt;
	VTermScreen	*vs;
	int		 replyfd;
	int		 rows;
	int		 cols;

	int		 cursor_visible;
	int		 altscreen;

	/* Lines that scrolled off the top, oldest first, in a ring. */
	char		*history[HISTORY_LINES];
	size_t		 history_next;

	/* The mode scanner. */
	int		 esc;		/* 0, 1 after ESC, 2 after ESC [ ,
					   3 after ESC [ ? */
	int		 params[MAX_MODES];
	int		 nparams;
	int		 modes[10000];	/* -1 unseen, 0 reset, 1 set */

	char		*text;
};

/* Cells as text into out (size at least cols * 4 * VTERM_MAX_CHARS_PER_CELL
 * + 1), trailing blanks trimmed. */
static void
cells_text(const VTermScreenCell *cells, int n, char *out, size_t len)
{
	size_t	 o = 0, keep = 0;
	int	 i, k;

	for (i = 0; i < n; i++) {
		if (cells[i].chars[0] == (uint32_t)-1)
			continue;
		if (o + 4 * VTERM_MAX_CHARS_PER_CELL + 1 > len)
			break;
		if (cells[i].chars[0] == 0) {
			out[o++] = ' ';
			continue;
		}
		for (k = 0; k < VTERM_MAX_CHARS_PER_CELL &&
		    cells[i].chars[k] != 0; k++)
			o += utf8_put(out + o, cells[i].chars[k]);
		if (cells[i].chars[0] != ' ' || cells[i].chars[1] != 0)
			keep = o;
	}
	out[keep] = '\0';
}

static int
cb_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	struct vscreen	*s = user;

	switch (prop) {
	case VTERM_PROP_CURSORVISIBLE:
		s->cursor_visible = val->boolean;
		break;
	case VTERM_PROP_ALTSCREEN:
		s->altscreen = val->boolean;
		break;
	default:
		break;
	}
	return 1;
}

static int
cb_pushline(int cols, const VTermScreenCell *cells, void *user)
{
	struct vscreen	*s = user;
	char		*line;
	size_t		 len, slot;

	len = (size_t)cols * 4 * VTERM_MAX_CHARS_PER_CELL + 1;
	if ((line = malloc(len)) == NULL)
		return 0;
	cells_text(cells, cols, line, len);
	slot = s->history_next++ % HISTORY_LINES;
	free(s->history[slot]);
	s->history[slot] = line;
	return 1;
}

static const VTermScreenCallbacks callbacks = {
	.settermprop = cb_settermprop,
	.sb_pushline = cb_pushline,
};

/* Answers go back to the program the way a terminal's would; a program
 * that does not read them must not wedge the test, so give up when the
 * pty does not take them. */
static void
cb_output(const char *data, size_t len, void *user)
{
	struct vscreen	*s = user;
	struct pollfd	 p = { .fd = s->replyfd, .events = POLLOUT };
	ssize_t		 n;

	while (len > 0) {
		n = write(s->replyfd, data, len);
		if (n > 0) {
			data += n;
			len -= (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN && poll(&p, 1, 1000) == 1)
			continue;
		return;
	}
}

struct vscreen *
vscreen_new(int rows, int cols, int replyfd)
{
	struct vscreen	*s;
	size_t		 i;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	if ((s->vt = vterm_new(rows, cols)) == NULL) {
		free(s);
		return NULL;
	}
	s->rows = rows;
	s->cols = cols;
	s->replyfd = replyfd;
	s->cursor_visible = 1;
	for (i = 0; i < sizeof s->modes / sizeof s->modes[0]; i++)
		s->modes[i] = -1;
	vterm_set_utf8(s->vt, 1);
	s->vs = vterm_obtain_screen(s->vt);
	vterm_screen_enable_altscreen(s->vs, 1);
	vterm_screen_set_callbacks(s->vs, &callbacks, s);
	vterm_screen_reset(s->vs, 1);
	if (replyfd != -1)
		vterm_output_set_callback(s->vt, cb_output, s);
	return s;
}

void
vscreen_free(struct vscreen *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < HISTORY_LINES; i++)
		free(s->history[i]);
	free(s->text);
	vterm_free(s->vt);
	free(s);
}

static void
set_mode(struct vscreen *s, int mode, int on)
{
	if (mode >= 0 && (size_t)mode < sizeof s->modes / sizeof s->modes[0])
		s->modes[mode] = on;
}

static void
scan_modes(struct vscreen *s, const char *data, size_t len)
{
	size_t		 i;
	unsigned char	 c;
	int		 k;

	for (i = 0; i < len; i++) {
		c = (unsigned char)data[i];
		if (c == 0x1b) {
			s->esc = 1;
			continue;
		}
		switch (s->esc) {
		case 1:
			if (c == '[') {
				s->esc = 2;
				continue;
			}
			if (c == '=')
				set_mode(s, 66, 1);
			else if (c == '>')
				set_mode(s, 66, 0);
			s->esc = 0;
			break;
		case 2:
			if (c == '?') {
				s->esc = 3;
				s->nparams = 1;
				s->params[0] = 0;
			} else
				s->esc = 0;
			break;
		case 3:
			if (c >= '0' && c <= '9') {
				k = s->nparams - 1;
				if (s->params[k] < 100000)
					s->params[k] = s->params[k] * 10 +
					    (c - '0');
			} else if (c == ';') {
				if (s->nparams < MAX_MODES)
					s->params[s->nparams++] = 0;
			} else {
				if (c == 'h' || c == 'l')
					for (k = 0; k < s->nparams; k++)
						set_mode(s, s->params[k],
						    c == 'h');
				s->esc = 0;
			}
			break;
		default:
			break;
		}
	}
}

void
vscreen_feed(struct vscreen *s, const char *data, size_t len)
{
	scan_modes(s, data, len);
	vterm_input_write(s->vt, data, len);
}

void
vscreen_resize(struct vscreen *s, int rows, int cols)
{
	s->rows = rows;
	s->cols = cols;
	vterm_set_size(s->vt, rows, cols);
}

int
vscreen_rows(const struct vscreen *s)
{
	return s->rows;
}

int
vscreen_cols(const struct vscreen *s)
{
	return s->cols;
}

void
vscreen_row(struct vscreen *s, int row, char *out, size_t len)
{
	VTermScreenCell	*cells;
	VTermPos	 pos;
	size_t		 need;
	char		*tmp;
	int		 col;

	out[0] = '\0';
	if (row < 0 || row >= s->rows)
		return;
	cells = calloc((size_t)s->cols, sizeof *cells);
	need = (size_t)s->cols * 4 * VTERM_MAX_CHARS_PER_CELL + 1;
	tmp = malloc(need);
	if (cells == NULL || tmp == NULL) {
		free(cells);
		free(tmp);
		return;
	}
	pos.row = row;
	for (col = 0; col < s->cols; col++) {
		pos.col = col;
		vterm_screen_get_cell(s->vs, pos, &cells[col]);
	}
	cells_text(cells, s->cols, tmp, need);
	strncpy(out, tmp, len - 1);
	out[len - 1] = '\0';
	free(cells);
	free(tmp);
}

int
vscreen_find(struct vscreen *s, const char *needle)
{
	char	 line[4096];
	int	 row;

	for (row = 0; row < s->rows; row++) {
		vscreen_row(s, row, line, sizeof line);
		if (strstr(line, needle) != NULL)
			return row;
	}
	return -1;
}

int
vscreen_history_has(struct vscreen *s, const char *needle)
{
	size_t	 i;

	for (i = 0; i < HISTORY_LINES; i++)
		if (s->history[i] != NULL &&
		    strstr(s->history[i], needle) != NULL)
			return 1;
	return 0;
}

const char *
vscreen_text(struct vscreen *s)
{
	char	 line[4096];
	size_t	 len, o = 0;
	int	 row;

	free(s->text);
	len = (size_t)s->rows * (sizeof line + 1) + 1;
	if ((s->text = malloc(len)) == NULL)
		return "";
	s->text[0] = '\0';
	for (row = 0; row < s->rows; row++) {
		vscreen_row(s, row, line, sizeof line);
		o += (size_t)snprintf(s->text + o, len - o, "%s\n", line);
	}
	return s->text;
}

void
vscreen_cursor(struct vscreen *s, int *row, int *col)
{
	VTermPos	 pos;

	vterm_state_get_cursorpos(vterm_obtain_state(s->vt), &pos);
	*row = pos.row;
	*col = pos.col;
}

int
vscreen_cursor_visible(const struct vscreen *s)
{
	return s->cursor_visible;
}

int
vscreen_altscreen(const struct vscreen *s)
{
	return s->altscreen;
}

int
vscreen_mode(const struct vscreen *s, int mode)
{
	if (mode < 0 || (size_t)mode >= sizeof s->modes / sizeof s->modes[0])
		return -1;
	return s->modes[mode];
}

/* The same colour, said the same way: a palette index stays an index
 * (the user's palette applies to it), the defaults stay defaults. */
static int
colour_same(const VTermColor *a, const VTermColor *b)
{
	if (a->type != b->type)
		return 0;
	if (VTERM_COLOR_IS_INDEXED(a))
		return a->indexed.idx == b->indexed.idx;
	return a->rgb.red == b->rgb.red && a->rgb.green == b->rgb.green &&
	    a->rgb.blue == b->rgb.blue;
}

/* libvterm leaves what follows the terminating 0 as it was. */
static int
chars_same(const uint32_t *a, const uint32_t *b)
{
	int	i;

	for (i = 0; i < VTERM_MAX_CHARS_PER_CELL; i++) {
		if (a[i] != b[i])
			return 0;
		if (a[i] == 0)
			break;
	}
	return 1;
}

static unsigned
colour_code(const VTermColor *c)
{
	if (VTERM_COLOR_IS_INDEXED(c))
		return c->indexed.idx;
	return (unsigned)c->rgb.red << 16 | (unsigned)c->rgb.green << 8 |
	    c->rgb.blue;
}

int
vscreen_same(struct vscreen *a, struct vscreen *b, char *why, size_t len)
{
	VTermScreenCell	 ca, cb;
	VTermPos	 pos;
	int		 ra, rb, cola, colb;

	why[0] = '\0';
	if (a->rows != b->rows || a->cols != b->cols) {
		snprintf(why, len, "size %dx%d against %dx%d", a->cols,
		    a->rows, b->cols, b->rows);
		return 0;
	}
	for (pos.row = 0; pos.row < a->rows; pos.row++) {
		for (pos.col = 0; pos.col < a->cols; pos.col++) {
			vterm_screen_get_cell(a->vs, pos, &ca);
			vterm_screen_get_cell(b->vs, pos, &cb);
			/* Erased and written with a space look the same. */
			if (ca.chars[0] == 0)
				ca.chars[0] = ' ';
			if (cb.chars[0] == 0)
				cb.chars[0] = ' ';
			if (!chars_same(ca.chars, cb.chars) ||
			    ca.width != cb.width ||
			    ca.attrs.bold != cb.attrs.bold ||
			    ca.attrs.underline != cb.attrs.underline ||
			    ca.attrs.italic != cb.attrs.italic ||
			    ca.attrs.blink != cb.attrs.blink ||
			    ca.attrs.reverse != cb.attrs.reverse ||
			    ca.attrs.strike != cb.attrs.strike ||
			    !colour_same(&ca.fg, &cb.fg) ||
			    !colour_same(&ca.bg, &cb.bg)) {
				snprintf(why, len, "cell %d,%d: U+%04X/U+%04X "
				    "fg %x:%06x/%x:%06x bg %x:%06x/%x:%06x "
				    "attrs b%du%di%dk%dr%ds%d/b%du%di%dk%dr%ds%d",
				    pos.row, pos.col, ca.chars[0], cb.chars[0],
				    ca.fg.type, colour_code(&ca.fg), cb.fg.type,
				    colour_code(&cb.fg), ca.bg.type,
				    colour_code(&ca.bg), cb.bg.type,
				    colour_code(&cb.bg), ca.attrs.bold,
				    ca.attrs.underline, ca.attrs.italic,
				    ca.attrs.blink, ca.attrs.reverse,
				    ca.attrs.strike, cb.attrs.bold,
				    cb.attrs.underline, cb.attrs.italic,
				    cb.attrs.blink, cb.attrs.reverse,
				    cb.attrs.strike);
				return 0;
			}
		}
	}
	vscreen_cursor(a, &ra, &cola);
	vscreen_cursor(b, &rb, &colb);
	if (ra != rb || cola != colb || a->cursor_visible != b->cursor_visible) {
		snprintf(why, len, "cursor %d,%d%s against %d,%d%s", ra, cola,
		    a->cursor_visible ? "" : " hidden", rb, colb,
		    b->cursor_visible ? "" : " hidden");
		return 0;
	}
	if (a->altscreen != b->altscreen) {
		snprintf(why, len, "alternate screen %d against %d",
		    a->altscreen, b->altscreen);
		return 0;
	}
	return 1;
}
