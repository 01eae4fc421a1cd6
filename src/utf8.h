/* UTF-8, as sess reads and writes it: one definition of a valid character
 * for the grid, the scrollback, the keys and the tests. Valid means what
 * RFC 3629 says: no overlong form, no surrogate (U+D800 to U+DFFF), nothing
 * past U+10FFFF. */
#ifndef SESS_UTF8_H
#define SESS_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_MAX	4		/* bytes in one character */
#define UTF8_REPLACEMENT "\357\277\275"	/* U+FFFD */

/* The length of the character a lead byte begins (1 for ASCII), 0 when
 * no valid character begins with it. */
int	utf8_need(unsigned char lead);
/* Whether c may stand at position at (1 to 3) of a character begun with
 * lead: the second byte's range is narrower after E0, ED, F0 and F4. */
int	utf8_continues(unsigned char lead, int at, unsigned char c);
/* The length of the valid character at p, 0 when the bytes there are not
 * one, -1 when they are its valid beginning cut off by n. */
int	utf8_length(const unsigned char *p, size_t n);
/* One code point from p (n > 0) and the bytes it took: a byte that begins
 * no valid character reads as U+FFFD and takes 1. */
int	utf8_get(const unsigned char *p, size_t n, uint32_t *cp);
/* Writes c (a surrogate or a value past U+10FFFF as U+FFFD) and returns
 * its length, at most UTF8_MAX. */
size_t	utf8_put(char *p, uint32_t c);

#endif
