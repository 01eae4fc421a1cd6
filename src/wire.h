/* Big-endian integers and length-prefixed strings, written to a buffer
 * and read back from bytes that may be short: the session protocol's
 * payloads and the saved state are made of them. */
#ifndef SESS_WIRE_H
#define SESS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

void	wire_put_u8(struct buf *, uint8_t);
void	wire_put_u16(struct buf *, uint16_t);
void	wire_put_u32(struct buf *, uint32_t);
void	wire_put_u64(struct buf *, uint64_t);
/* A 16-bit length and the bytes, no terminator. */
void	wire_put_str(struct buf *, const char *);

/* A bounded reader: any read past the end marks it bad and gives 0. */
struct wire {
	const unsigned char	*p;
	size_t			 left;
	int			 bad;
};

void			 wire_init(struct wire *, const void *, size_t);
/* The next n bytes, or NULL. */
const unsigned char	*wire_take(struct wire *, size_t);
uint8_t			 wire_get_u8(struct wire *);
uint16_t		 wire_get_u16(struct wire *);
uint32_t		 wire_get_u32(struct wire *);
uint64_t		 wire_get_u64(struct wire *);
/* A string into dst of size max + 1; a longer one, or one holding a NUL,
 * is bad. */
void			 wire_get_str(struct wire *, char *, size_t);

#endif
