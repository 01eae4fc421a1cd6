/* The table of terminal modes: see mode.h. */
#include <stddef.h>
#include <stdio.h>

#include "mode.h"
#include "screen_priv.h"

#define F(f)	offsetof(struct modes, f)

/* In the order a redraw says them within a phase. */
const struct mode mode_table[] = {
	{ "lrmm", 1, 69, F(lrmm), 0, MODE_FRAME, 0, NULL, NULL },
	{ "origin", 1, 6, F(origin), 0, MODE_FRAME, 0, NULL, NULL },

	{ "ckm", 1, 1, F(ckm), 0, MODE_INPUT, 0, NULL, NULL },
	/* libvterm 0.1.4 knows the keypad only as DECKPAM and DECKPNM,
	 * and so do some terminals. */
	{ "keypad", 1, 66, F(keypad), 0, MODE_INPUT, 0, "\033=", "\033>" },
	{ "paste", 1, 2004, F(paste), 0, MODE_INPUT, 0, NULL, NULL },
	{ "mouse", 1, 9, F(mouse), 0, MODE_INPUT, MODE_GROUP | MODE_ANYOFF,
	  NULL, NULL },
	{ "mouse", 1, 1000, F(mouse), 0, MODE_INPUT,
	  MODE_GROUP | MODE_ANYOFF, NULL, NULL },
	{ "mouse", 1, 1002, F(mouse), 0, MODE_INPUT,
	  MODE_GROUP | MODE_ANYOFF, NULL, NULL },
	{ "mouse", 1, 1003, F(mouse), 0, MODE_INPUT,
	  MODE_GROUP | MODE_ANYOFF, NULL, NULL },
	{ "mouse_enc", 1, 1005, F(mouse_enc), 0, MODE_INPUT, MODE_GROUP,
	  NULL, NULL },
	{ "mouse_enc", 1, 1006, F(mouse_enc), 0, MODE_INPUT, MODE_GROUP,
	  NULL, NULL },
	{ "mouse_enc", 1, 1015, F(mouse_enc), 0, MODE_INPUT, MODE_GROUP,
	  NULL, NULL },
	{ "mouse_enc", 1, 1016, F(mouse_enc), 0, MODE_INPUT, MODE_GROUP,
	  NULL, NULL },
	{ "focus", 1, 1004, F(focus), 0, MODE_INPUT, 0, NULL, NULL },
	{ "altscroll", 1, 1007, F(altscroll), 0, MODE_INPUT, 0, NULL, NULL },

	{ "reverse", 1, 5, F(reverse), 0, MODE_TEXT, MODE_TOLD, NULL, NULL },
	/* After the cursor: the redraw may print the cell under it once
	 * more to make a pending wrap again. */
	{ "autowrap", 1, 7, F(autowrap), 1, MODE_TEXT, 0, NULL, NULL },
	{ "insert", 0, 4, F(insert), 0, MODE_TEXT, 0, NULL, NULL },
	{ "lnm", 0, 20, F(lnm), 0, MODE_TEXT, 0, NULL, NULL },

	{ "blink", 1, 12, F(blink), 1, MODE_SHAPE, MODE_TOLD, NULL, NULL },
	{ "visible", 1, 25, F(visible), 1, MODE_CURSOR,
	  MODE_TOLD | MODE_ALWAYS, NULL, NULL },

	/* A redraw is one synchronized update of its own. */
	{ "sync", 1, 2026, F(sync), 0, MODE_OWN, 0, NULL, NULL },
	/* The screens are drawn, and left, by the redraw and the reset;
	 * the field is how the alternate screen was entered. */
	{ "altscreen", 1, 47, F(altmode), 0, MODE_OWN,
	  MODE_GROUP | MODE_SCREEN, NULL, NULL },
	{ "altscreen", 1, 1047, F(altmode), 0, MODE_OWN,
	  MODE_GROUP | MODE_SCREEN, NULL, NULL },
	{ "altscreen", 1, 1049, F(altmode), 0, MODE_OWN,
	  MODE_GROUP | MODE_SCREEN, NULL, NULL },
};
const size_t	mode_count = sizeof mode_table / sizeof mode_table[0];

const struct mode *
mode_find(int dec, int num)
{
	size_t	i;

	for (i = 0; i < mode_count; i++) {
		if (mode_table[i].num == num && mode_table[i].dec == !!dec)
			return &mode_table[i];
	}
	return NULL;
}

static int *
mode_int(struct modes *m, const struct mode *e)
{
	return (int *)((char *)m + e->off);
}

int
mode_field(const struct modes *m, const struct mode *e)
{
	return *(const int *)((const char *)m + e->off);
}

int
mode_on(const struct modes *m, const struct mode *e)
{
	int	v = mode_field(m, e);

	return (e->flags & MODE_GROUP) ? v == e->num : v != 0;
}

void
mode_store(struct modes *m, const struct mode *e, int on)
{
	int	*v = mode_int(m, e);

	if (e->flags & (MODE_TOLD | MODE_SCREEN))
		return;
	if (!(e->flags & MODE_GROUP))
		*v = on;
	else if (on)
		*v = e->num;
	else if ((e->flags & MODE_ANYOFF) || *v == e->num)
		*v = 0;
}

void
mode_defaults(struct modes *m)
{
	size_t	i;

	for (i = 0; i < mode_count; i++)
		*mode_int(m, &mode_table[i]) = mode_table[i].def;
}

size_t
mode_seq(const struct mode *e, int dec, int num, int on, char *out,
    size_t size)
{
	const char	*seq = NULL;
	int		 n;

	if (e != NULL)
		seq = on ? e->set : e->unset;
	if (seq != NULL)
		n = snprintf(out, size, "%s", seq);
	else
		n = snprintf(out, size, "\033[%s%d%c", dec ? "?" : "", num,
		    on ? 'h' : 'l');
	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

void
mode_put(struct buf *b, const struct mode *e, int on)
{
	char	tmp[32];

	buf_add(b, tmp, mode_seq(e, e->dec, e->num, on, tmp, sizeof tmp));
}

void
mode_draw(const struct modes *m, enum mode_phase phase, struct buf *b)
{
	const struct mode	*e;
	size_t			 i;

	for (i = 0; i < mode_count; i++) {
		e = &mode_table[i];
		if (e->phase != phase)
			continue;
		if (e->flags & MODE_GROUP) {
			if (mode_on(m, e))
				mode_put(b, e, 1);
		} else if (mode_field(m, e) != e->def ||
		    (e->flags & MODE_ALWAYS))
			mode_put(b, e, mode_field(m, e));
	}
}

int
mode_undo(const struct modes *m, enum mode_phase phase, struct buf *b)
{
	const struct mode	*e;
	size_t			 i;
	int			 any = 0;

	for (i = 0; i < mode_count; i++) {
		e = &mode_table[i];
		if (e->phase != phase)
			continue;
		if (m != NULL && !(e->flags & MODE_ALWAYS) &&
		    ((e->flags & MODE_GROUP) ? !mode_on(m, e) :
		    mode_field(m, e) == e->def))
			continue;
		if (b != NULL)
			mode_put(b, e, (e->flags & MODE_GROUP) ? 0 : e->def);
		any = 1;
	}
	return any;
}
