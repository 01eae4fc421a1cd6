/* Scrollback storage. A line is UTF-8 text in which bytes that UTF-8
 * never uses mark what is not text: a new pen (only what changed, a
 * palette colour in two bytes), a wide character, a cell of several code
 * points. A plain 80-column line costs about 80 bytes, and 24 for its
 * entry in the ring. */
#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "utf8.h"
#include "util.h"

#define H_PEN	0xfe		/* what changed and how, then the bytes
				   (put_pen) */
#define H_WIDE	0xfd		/* the next cell is two columns wide */
#define H_COMB	0xfc		/* count, then that many code points */

#define H_ATTR		0x04		/* shifted by 2: bit 4 */

#define H_COLOUR_DEFAULT	0	/* no bytes */
#define H_COLOUR_INDEXED	1	/* the index */
#define H_COLOUR_RGB		2	/* red, green, blue */
#define H_COLOUR_RAW		3	/* 4 bytes as they are */

#define H_PEN_MAX	(2 + 2 * 5 + 2)

#define H_BLOCK		(64 * 1024 - sizeof(struct hblock)) /* 16 pages */

void
hist_init(struct hist *h, size_t maxlines, size_t maxbytes)
{
	memset(h, 0, sizeof *h);
	h->maxlines = maxlines;
	h->maxbytes = maxbytes;
}

static struct hent *
hist_ent(const struct hist *h, size_t i)
{
	return &h->ent[(h->first + i) % h->cap];
}

/* Blocks are pages of their own, not malloc's: a scrollback that a flood
 * empties gives its memory back to the system at once, where malloc
 * would keep it. A block of at least size bytes, the whole of its pages
 * usable. */
static struct hblock *
hist_block_new(size_t size)
{
	struct hblock	*b;
	size_t		 len = util_page_round(sizeof *b + size);

	b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (b == MAP_FAILED)
		return NULL;
	b->used = 0;
	b->size = len - sizeof *b;
	b->lines = 0;
	return b;
}

static void
hist_block_free(struct hblock *b)
{
	if (b != NULL)
		munmap(b, sizeof *b + b->size);
}

/* A scrollback at its bound lets a block go each time it takes one: the
 * last one let go is kept for the next, so that it is not unmapped and
 * then faulted in again, a page at a time, as it fills. */
static void
hist_block_let_go(struct hist *h, struct hblock *b)
{
	if (h->spare == NULL && b->size == H_BLOCK) {
		h->spare = b;
		return;
	}
	hist_block_free(b);
}

/* A line is gone: its block goes with its last line. */
static void
hist_release(struct hist *h, struct hent *e)
{
	h->bytes -= e->size + sizeof *e;
	if (--e->b->lines == 0) {
		if (e->b == h->cur)
			h->cur->used = 0;
		else
			hist_block_let_go(h, e->b);
	}
}

void
hist_clear(struct hist *h)
{
	while (h->n > 0) {
		hist_release(h, hist_ent(h, 0));
		h->first = (h->first + 1) % h->cap;
		h->n--;
	}
	h->first = 0;
}

void
hist_free(struct hist *h)
{
	hist_clear(h);
	hist_block_free(h->cur);
	h->cur = NULL;
	hist_block_free(h->spare);
	h->spare = NULL;
	free(h->tmp);
	h->tmp = NULL;
	h->tmpcap = 0;
	free(h->ent);
	h->ent = NULL;
	h->cap = 0;
	h->bytes = 0;
}

static void
hist_drop_oldest(struct hist *h)
{
	hist_release(h, hist_ent(h, 0));
	h->first = (h->first + 1) % h->cap;
	h->n--;
}

void
hist_keep(struct hist *h, size_t n)
{
	while (h->n > n)
		hist_drop_oldest(h);
}

/* A colour in one to five bytes: most are the default or a palette
 * index, and a coloured line changes pen every few cells. */
static size_t
put_colour(unsigned char *p, uint32_t v)
{
	switch (v & COL_TYPE) {
	case COL_DEFAULT:
		if (v == COL_DEFAULT) {
			p[0] = H_COLOUR_DEFAULT;
			return 1;
		}
		break;
	case COL_INDEXED:
		if ((v & ~COL_TYPE) <= 0xff) {
			p[0] = H_COLOUR_INDEXED;
			p[1] = (unsigned char)v;
			return 2;
		}
		break;
	case COL_RGB:
		if ((v & ~COL_TYPE) <= 0xffffff) {
			p[0] = H_COLOUR_RGB;
			p[1] = (unsigned char)(v >> 16);
			p[2] = (unsigned char)(v >> 8);
			p[3] = (unsigned char)v;
			return 4;
		}
		break;
	}
	p[0] = H_COLOUR_RAW;
	memcpy(p + 1, &v, sizeof v);
	return 1 + sizeof v;
}

/* The colour at p, within n bytes; its length, 0 if it is cut short. */
static size_t
get_colour(const unsigned char *p, size_t n, uint32_t *v)
{
	static const size_t	 len[] = { 1, 2, 4, 5 };

	if (n < 1 || p[0] > H_COLOUR_RAW || n < len[p[0]])
		return 0;
	switch (p[0]) {
	case H_COLOUR_DEFAULT:
		*v = COL_DEFAULT;
		break;
	case H_COLOUR_INDEXED:
		*v = COL_INDEXED | p[1];
		break;
	case H_COLOUR_RGB:
		*v = COL_RGB | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
		    p[3];
		break;
	default:
		memcpy(v, p + 1, sizeof *v);
		break;
	}
	return len[p[0]];
}

/* How a colour in a pen change is said: two bits each for fg and bg in
 * the byte after H_PEN. A palette colour, most of them, takes one byte. */
#define H_SAME		0		/* unchanged */
#define H_DEF		1		/* the default */
#define H_IDX		2		/* a palette index follows */
#define H_OTHER		3		/* put_colour follows */

static size_t
put_pen_colour(unsigned char *p, uint32_t v, uint32_t old, int *kind)
{
	if (v == old) {
		*kind = H_SAME;
		return 0;
	}
	if (v == COL_DEFAULT) {
		*kind = H_DEF;
		return 0;
	}
	if ((v & COL_TYPE) == COL_INDEXED && (v & ~COL_TYPE) <= 0xff) {
		*kind = H_IDX;
		p[0] = (unsigned char)v;
		return 1;
	}
	*kind = H_OTHER;
	return put_colour(p, v);
}

static size_t
get_pen_colour(const unsigned char *p, size_t n, int kind, uint32_t *v)
{
	switch (kind) {
	case H_DEF:
		*v = COL_DEFAULT;
		return 0;
	case H_IDX:
		if (n < 1)
			return (size_t)-1;
		*v = COL_INDEXED | p[0];
		return 1;
	case H_OTHER:
		n = get_colour(p, n, v);
		return n == 0 ? (size_t)-1 : n;
	}
	return 0;
}

/* A change of pen from *pen to what c has: H_PEN, what changed and how
 * (H_ATTR, and two bits for each colour), then the bytes that say it. */
static size_t
put_pen(unsigned char *p, struct pen *pen, const struct cell *c,
    uint16_t attr)
{
	size_t	n = 2;
	int	fk, bk;

	p[0] = H_PEN;
	n += put_pen_colour(p + n, c->fg, pen->fg, &fk);
	n += put_pen_colour(p + n, c->bg, pen->bg, &bk);
	p[1] = (unsigned char)(fk | bk << 2);
	if (attr != pen->attr) {
		p[1] |= H_ATTR << 2;
		memcpy(p + n, &attr, sizeof attr);
		n += sizeof attr;
	}
	pen->fg = c->fg;
	pen->bg = c->bg;
	pen->attr = attr;
	return n;
}

/* The change of pen at p (H_PEN), within n bytes; its length, 0 if it
 * is cut short. */
static size_t
get_pen(const unsigned char *p, size_t n, struct pen *pen)
{
	size_t	o = 2, k;

	if (n < 2)
		return 0;
	if ((k = get_pen_colour(p + o, n - o, p[1] & 3, &pen->fg)) ==
	    (size_t)-1)
		return 0;
	o += k;
	if ((k = get_pen_colour(p + o, n - o, p[1] >> 2 & 3, &pen->bg)) ==
	    (size_t)-1)
		return 0;
	o += k;
	if (p[1] & H_ATTR << 2) {
		if (n - o < sizeof pen->attr)
			return 0;
		memcpy(&pen->attr, p + o, sizeof pen->attr);
		o += sizeof pen->attr;
	}
	return o;
}

/* Room for n more bytes in the current block. */
static int
hist_room(struct hist *h, size_t n)
{
	struct hblock	*b;
	size_t		 size;

	if (h->cur != NULL && h->cur->used + n <= h->cur->size)
		return 0;
	size = n > H_BLOCK ? n : H_BLOCK;
	if (h->spare != NULL && size == H_BLOCK) {
		b = h->spare;
		h->spare = NULL;
		b->used = 0;
		b->lines = 0;
	} else if ((b = hist_block_new(size)) == NULL)
		return -1;
	if (h->cur != NULL && h->cur->lines == 0)
		hist_block_let_go(h, h->cur);
	h->cur = b;
	return 0;
}

/* The cells up to the last one not erased on the default background.
 * Most of a wide row is usually erased: test four cells at a time. */
static int
hist_used(const struct cell *cells, int n)
{
	while (n >= 4 && cell_zero(&cells[n - 1]) && cell_zero(&cells[n - 2]) &
	    cell_zero(&cells[n - 3]) & cell_zero(&cells[n - 4]))
		n -= 4;
	while (n > 0 && cell_zero(&cells[n - 1]))
		n--;
	return n;
}

void
hist_push(struct hist *h, const struct cell *cells, int ncells, int flags,
    const struct comb *cb)
{
	unsigned char	*p;
	struct hent	*e, *ne;
	const uint32_t	*cp;
	const struct cell *c;
	struct pen	 pen = { COL_DEFAULT, COL_DEFAULT, 0 };
	size_t		 n = 0, ncap, i;
	uint64_t	 same, fgbg;
	int		 k, last;
	uint16_t	 a;

	if (h->maxlines == 0)
		return;
	last = hist_used(cells, ncells);
	while (last > 0 && cell_blank(&cells[last - 1]) &&
	    cells[last - 1].bg == COL_DEFAULT)
		last--;
	/* Worst case per cell: a pen and a full combining sequence. */
	ncap = (size_t)last * (H_PEN_MAX + 3 + COMB_CHARS * 4);
	if (ncap > h->tmpcap) {
		if ((p = realloc(h->tmp, ncap)) == NULL)
			return;
		h->tmp = p;
		h->tmpcap = ncap;
	}
	p = h->tmp;
	for (k = 0; k < last; k++) {
		/* Most cells: ASCII in the pen of the one before, in runs:
		 * the colours compared as one word, one branch a cell. */
		memcpy(&same, (uint32_t[2]){ pen.fg, pen.bg }, sizeof same);
		for (; k < last; k++) {
			c = &cells[k];
			memcpy(&fgbg, &c->fg, sizeof fgbg);
			if (c->ch >= 0x80 || ((fgbg ^ same) |
			    (uint64_t)(c->attr ^ pen.attr)) != 0)
				break;
			p[n++] = c->ch == 0 ? ' ' : (unsigned char)c->ch;
		}
		if (k == last)
			break;
		c = &cells[k];
		if (c->ch == CELL_TAIL)
			continue;
		a = c->attr & A_PEN;
		if (c->fg != pen.fg || c->bg != pen.bg || a != pen.attr)
			n += put_pen(p + n, &pen, c, a);
		if (c->attr & A_WIDE)
			p[n++] = H_WIDE;
		if (c->ch < 0x80) {
			p[n++] = c->ch == 0 ? ' ' : (unsigned char)c->ch;
		} else if (CELL_ISCOMB(c->ch) && (cp = comb_get(cb, c->ch))) {
			p[n++] = H_COMB;
			i = n++;
			p[i] = 0;
			while (p[i] < COMB_CHARS && cp[p[i]] != 0) {
				n += utf8_put((char *)p + n, cp[p[i]]);
				p[i]++;
			}
		} else if (CELL_ISCOMB(c->ch))
			p[n++] = ' ';
		else
			n += utf8_put((char *)p + n, c->ch);
	}

	if (h->n == h->cap) {
		if (h->cap >= h->maxlines)
			hist_drop_oldest(h);
		else {
			ncap = h->cap == 0 ? 64 : h->cap * 2;
			if (ncap > h->maxlines)
				ncap = h->maxlines;
			if ((ne = malloc(ncap * sizeof *ne)) == NULL)
				return;
			for (i = 0; i < h->n; i++)
				ne[i] = *hist_ent(h, i);
			free(h->ent);
			h->ent = ne;
			h->cap = ncap;
			h->first = 0;
		}
	}
	if (hist_room(h, n) == -1)
		return;
	e = &h->ent[(h->first + h->n) % h->cap];
	e->b = h->cur;
	e->off = (uint32_t)h->cur->used;
	e->size = (uint32_t)n;
	e->flags = (uint8_t)(flags & ROW_WRAPPED);
	if (n > 0)
		memcpy(h->cur->data + h->cur->used, h->tmp, n);
	h->cur->used += n;
	h->cur->lines++;
	h->n++;
	h->bytes += n + sizeof *e;
	while (h->n > 1 && (h->bytes > h->maxbytes || h->n > h->maxlines))
		hist_drop_oldest(h);
}

static int
hist_decode(const struct hent *e, struct cell *cells, int cols,
    struct comb *cb)
{
	const unsigned char	*p = e->b->data + e->off, *end = p + e->size;
	struct pen		 pen = { COL_DEFAULT, COL_DEFAULT, 0 };
	uint32_t		 chars[COMB_CHARS], ch;
	size_t			 k;
	int			 col = 0, wide, n, i;

	grid_blank(cells, cols, COL_DEFAULT);
	while (p < end && col < cols) {
		if (*p == H_PEN) {
			if ((k = get_pen(p, (size_t)(end - p), &pen)) == 0)
				break;
			p += k;
			continue;
		}
		wide = 0;
		if (*p == H_WIDE) {
			wide = 1;
			p++;
			if (p == end)
				break;
		}
		if (*p == H_COMB) {
			if (end - p < 2)
				break;
			n = p[1];
			p += 2;
			memset(chars, 0, sizeof chars);
			for (i = 0; i < n && p < end; i++)
				p += utf8_get(p, (size_t)(end - p), &chars[i]);
			ch = comb_add(cb, chars, n);
		} else
			p += utf8_get(p, (size_t)(end - p), &ch);
		if (wide && col + 1 >= cols)
			break;
		cells[col].ch = ch;
		cells[col].fg = pen.fg;
		cells[col].bg = pen.bg;
		cells[col].attr = pen.attr | (wide ? A_WIDE : 0);
		col++;
		if (wide) {
			cells[col] = cells[col - 1];
			cells[col].ch = CELL_TAIL;
			cells[col].attr &= ~A_WIDE;
			col++;
		}
	}
	return e->flags;
}

int
hist_get(const struct hist *h, size_t i, struct cell *cells, int cols,
    struct comb *cb)
{
	if (i >= h->n)
		return -1;
	return hist_decode(hist_ent(h, i), cells, cols, cb);
}

int
hist_pop(struct hist *h, struct cell *cells, int cols, struct comb *cb)
{
	struct hent	*e;
	int		 flags;

	if (h->n == 0)
		return -1;
	e = hist_ent(h, h->n - 1);
	flags = hist_decode(e, cells, cols, cb);
	if (e->b == h->cur && e->off + e->size == h->cur->used)
		h->cur->used = e->off;
	hist_release(h, e);
	h->n--;
	return flags;
}
