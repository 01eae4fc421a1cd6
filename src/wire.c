/* Big-endian integers and strings in and out of bytes: see wire.h. */
#include <string.h>

#include "wire.h"

void
wire_init(struct wire *r, const void *p, size_t len)
{
	r->p = p;
	r->left = len;
	r->bad = 0;
}

void
wire_put_u8(struct buf *b, uint8_t v)
{
	buf_add(b, &v, 1);
}

void
wire_put_u16(struct buf *b, uint16_t v)
{
	unsigned char	 s[2] = { v >> 8, v };

	buf_add(b, s, sizeof s);
}

void
wire_put_u32(struct buf *b, uint32_t v)
{
	unsigned char	 s[4] = { v >> 24, v >> 16, v >> 8, v };

	buf_add(b, s, sizeof s);
}

void
wire_put_u64(struct buf *b, uint64_t v)
{
	wire_put_u32(b, v >> 32);
	wire_put_u32(b, (uint32_t)v);
}

void
wire_put_str(struct buf *b, const char *s)
{
	size_t	 n = strlen(s);

	wire_put_u16(b, (uint16_t)n);
	buf_add(b, s, n);
}

const unsigned char *
wire_take(struct wire *r, size_t n)
{
	const unsigned char	*p = r->p;

	if (r->bad || r->left < n) {
		r->bad = 1;
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return p;
}

uint8_t
wire_get_u8(struct wire *r)
{
	const unsigned char	*p = wire_take(r, 1);

	return p ? p[0] : 0;
}

uint16_t
wire_get_u16(struct wire *r)
{
	const unsigned char	*p = wire_take(r, 2);

	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t
wire_get_u32(struct wire *r)
{
	const unsigned char	*p = wire_take(r, 4);

	if (p == NULL)
		return 0;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

uint64_t
wire_get_u64(struct wire *r)
{
	uint64_t	 hi = wire_get_u32(r);

	return hi << 32 | wire_get_u32(r);
}

void
wire_get_str(struct wire *r, char *dst, size_t max)
{
	size_t			 n = wire_get_u16(r);
	const unsigned char	*p;

	dst[0] = '\0';
	if (n > max) {
		r->bad = 1;
		return;
	}
	if ((p = wire_take(r, n)) == NULL)
		return;
	memcpy(dst, p, n);
	dst[n] = '\0';
	if (memchr(dst, '\0', n) != NULL)
		r->bad = 1;
}

