/* The tokenizer in front of libvterm. It follows libvterm's own parser
 * byte for byte (controls inside a sequence are acted on at once, CAN and
 * SUB abort, ESC restarts) so that what it hands on means the same to
 * libvterm as the original stream; it differs only where libvterm is
 * wrong: sequences are never split, APC, PM and SOS strings are swallowed
 * as a terminal does instead of being printed, and parameters are bounded
 * (libvterm 0.1.4 writes past its array from the 17th on). */
#include <stdlib.h>
#include <string.h>

#include "scan.h"

enum {
	S_GROUND,
	S_ESC,
	S_CSI,
	S_STR,
	S_STRESC
};

enum {
	C_LEADER,
	C_ARGS,
	C_INTER
};

int
scan_init(struct scan *s, const struct scan_ops *ops, void *arg)
{
	memset(s, 0, sizeof *s);
	s->ops = ops;
	s->arg = arg;
	s->cap = 128;
	if ((s->seq = malloc(s->cap)) == NULL)
		return -1;
	return 0;
}

void
scan_free(struct scan *s)
{
	free(s->seq);
	s->seq = NULL;
}

int
scan_idle(const struct scan *s)
{
	return s->state == S_GROUND;
}

int
scan_pending(const struct scan *s, struct buf *b)
{
	if (s->state == S_GROUND || s->drop)
		return 0;
	if (buf_add(b, s->seq, s->len) == -1)
		return -1;
	if (s->state == S_STRESC)
		return buf_add(b, "\033", 1);
	return 0;
}

static void
scan_keep(struct scan *s, char c)
{
	size_t	 max, ncap;
	char	*p;

	max = s->state == S_CSI || s->state == S_ESC ? SCAN_SEQMAX :
	    SCAN_STRMAX;
	if (s->len >= max) {
		s->drop = 1;
		return;
	}
	if (s->len == s->cap) {
		ncap = s->cap * 2;
		if ((p = realloc(s->seq, ncap)) == NULL) {
			s->drop = 1;
			return;
		}
		s->seq = p;
		s->cap = ncap;
	}
	s->seq[s->len++] = c;
}

static void
scan_start(struct scan *s, int state)
{
	s->state = state;
	s->len = 0;
	s->drop = 0;
	scan_keep(s, '\033');
}

static void
scan_csi_begin(struct scan *s)
{
	struct scan_csi	*c = &s->csi;

	memset(c, 0, sizeof *c);
	c->nargs = 1;
	c->arg[0] = SCAN_MISSING;
	s->sub = C_LEADER;
	s->state = S_CSI;
}

static void
scan_csi_byte(struct scan *s, unsigned char ch)
{
	struct scan_csi	*c = &s->csi;
	size_t		 n;
	int		*a;

	if (s->sub == C_LEADER) {
		if (ch >= 0x3c && ch <= 0x3f) {
			n = strlen(c->leader);
			if (n < sizeof c->leader - 1)
				c->leader[n] = (char)ch;
			else
				c->odd = 1;
			return;
		}
		s->sub = C_ARGS;
	}
	if (s->sub == C_ARGS) {
		a = &c->arg[c->nargs - 1];
		if (ch >= '0' && ch <= '9') {
			if (c->lost)
				return;
			if (*a == SCAN_MISSING)
				*a = 0;
			*a = *a * 10 + (ch - '0');
			if (*a > SCAN_ARGMAX) {
				*a = SCAN_ARGMAX;
				c->clamped = 1;
			}
			return;
		}
		if (ch == ':' || ch == ';') {
			if (c->lost || c->nargs >= SCAN_ARGS) {
				c->lost = 1;
				return;
			}
			c->more[c->nargs - 1] = ch == ':';
			c->arg[c->nargs++] = SCAN_MISSING;
			return;
		}
		s->sub = C_INTER;
	}
	if (ch >= 0x20 && ch <= 0x2f) {
		n = strlen(c->inter);
		if (n < sizeof c->inter - 1)
			c->inter[n] = (char)ch;
		else
			c->odd = 1;
		return;
	}
	s->state = S_GROUND;
	if (ch >= 0x40 && ch <= 0x7e) {
		c->final = ch;
		s->ops->csi(s->arg, c, s->drop ? NULL : s->seq, s->len);
	}
	/* Anything else makes the sequence invalid; libvterm drops it. */
}

static void
scan_str_end(struct scan *s, const char *term, size_t n)
{
	size_t	body;

	s->state = S_GROUND;
	if (s->drop)
		return;
	body = s->len - 2;
	while (n-- > 0)
		scan_keep(s, *term++);
	if (s->drop)
		return;
	s->ops->str(s->arg, s->kind, s->seq + 2, body, s->seq, s->len);
}

/* One byte of a sequence; the stream outside sequences never gets here. */
static void
scan_byte(struct scan *s, unsigned char ch)
{
	char	c = (char)ch;

	if (ch == 0x00 || ch == 0x7f)
		return;
	if (ch == 0x18 || ch == 0x1a) {
		s->state = S_GROUND;
		return;
	}
	if (ch == 0x1b) {
		if (s->state == S_STR)
			s->state = S_STRESC;
		else
			scan_start(s, S_ESC);
		return;
	}
	if (ch == 0x07 && s->state == S_STR) {
		scan_str_end(s, "\a", 1);
		return;
	}
	if (ch < 0x20) {
		/* Acted on where it stands, as libvterm does. */
		s->ops->text(s->arg, &c, 1);
		return;
	}

	switch (s->state) {
	case S_STRESC:
		if (ch == '\\') {
			s->state = S_STR;
			scan_str_end(s, "\033\\", 2);
			return;
		}
		/* Any other byte abandons the string and begins an escape. */
		scan_start(s, S_ESC);
		/* FALLTHROUGH */
	case S_ESC:
		if (ch >= 0x20 && ch <= 0x2f) {
			scan_keep(s, c);
			return;
		}
		if (s->len == 1) {
			switch (ch) {
			case '[':
				scan_keep(s, c);
				scan_csi_begin(s);
				return;
			case ']':
			case 'P':
			case '_':
			case '^':
			case 'X':
				scan_keep(s, c);
				s->kind = ch;
				s->state = S_STR;
				return;
			}
		}
		if (ch >= 0x30 && ch <= 0x7e) {
			scan_keep(s, c);
			s->state = S_GROUND;
			if (!s->drop)
				s->ops->esc(s->arg, s->seq, s->len);
		}
		/* Bytes from 0x80 on are ignored here, as libvterm does. */
		return;
	case S_CSI:
		scan_keep(s, c);
		scan_csi_byte(s, ch);
		return;
	case S_STR:
		scan_keep(s, c);
		return;
	}
}

void
scan_input(struct scan *s, const char *p, size_t n)
{
	const char	*end = p + n, *e;

	while (p < end) {
		if (s->state == S_GROUND) {
			if ((e = memchr(p, '\033', (size_t)(end - p))) == NULL)
				e = end;
			if (e > p)
				s->ops->text(s->arg, p, (size_t)(e - p));
			if (e == end)
				return;
			scan_start(s, S_ESC);
			p = e + 1;
			continue;
		}
		if (s->state == S_STR) {
			/* Long strings: copy runs, stopping on what ends them. */
			e = p;
			while (e < end && (unsigned char)*e >= 0x20 &&
			    *e != 0x7f)
				e++;
			if (e > p) {
				if (s->drop)
					;
				else if (s->len + (size_t)(e - p) <= s->cap) {
					memcpy(s->seq + s->len, p,
					    (size_t)(e - p));
					s->len += (size_t)(e - p);
				} else {
					while (p < e && !s->drop)
						scan_keep(s, *p++);
				}
				p = e;
				continue;
			}
		}
		scan_byte(s, (unsigned char)*p++);
	}
}

size_t
scan_csi_format(const struct scan_csi *c, int first, int count, char *buf,
    size_t size)
{
	size_t	n = 0, l;
	int	i;

	l = strlen(c->leader) + strlen(c->inter);
	if (size < 4 + l + (size_t)count * 7)
		return 0;
	buf[n++] = '\033';
	buf[n++] = '[';
	memcpy(buf + n, c->leader, strlen(c->leader));
	n += strlen(c->leader);
	for (i = first; i < first + count && i < c->nargs; i++) {
		if (c->arg[i] != SCAN_MISSING)
			n += util_put_decimal(buf + n, c->arg[i]);
		if (i + 1 < first + count && i + 1 < c->nargs)
			buf[n++] = c->more[i] ? ':' : ';';
	}
	memcpy(buf + n, c->inter, strlen(c->inter));
	n += strlen(c->inter);
	buf[n++] = (char)c->final;
	return n;
}
