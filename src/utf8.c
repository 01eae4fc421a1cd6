/* UTF-8: see utf8.h for what counts as valid. */
#include "utf8.h"

int
utf8_need(unsigned char lead)
{
	if (lead < 0x80)
		return 1;
	if (lead >= 0xc2 && lead <= 0xdf)
		return 2;
	if (lead >= 0xe0 && lead <= 0xef)
		return 3;
	if (lead >= 0xf0 && lead <= 0xf4)
		return 4;
	return 0;
}

int
utf8_continues(unsigned char lead, int at, unsigned char c)
{
	if (c < 0x80 || c > 0xbf)
		return 0;
	if (at > 1)
		return 1;
	switch (lead) {
	case 0xe0:
		return c >= 0xa0;	/* overlong below */
	case 0xed:
		return c <= 0x9f;	/* surrogates above */
	case 0xf0:
		return c >= 0x90;	/* overlong below */
	case 0xf4:
		return c <= 0x8f;	/* past U+10FFFF above */
	}
	return 1;
}

int
utf8_length(const unsigned char *p, size_t n)
{
	int	 len, i;

	if ((len = utf8_need(p[0])) == 0)
		return 0;
	for (i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return -1;
		if (!utf8_continues(p[0], i, p[i]))
			return 0;
	}
	return len;
}

int
utf8_get(const unsigned char *p, size_t n, uint32_t *cp)
{
	static const unsigned char lead_bits[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t	 c;
	int		 len, i;

	if ((len = utf8_length(p, n)) <= 0) {
		*cp = 0xfffd;
		return 1;
	}
	c = p[0] & lead_bits[len];
	for (i = 1; i < len; i++)
		c = (c << 6) | (p[i] & 0x3f);
	*cp = c;
	return len;
}

size_t
utf8_put(char *p, uint32_t c)
{
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	if (c < 0x80) {
		p[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		p[0] = (char)(0xc0 | (c >> 6));
		p[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		p[0] = (char)(0xe0 | (c >> 12));
		p[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		p[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	p[0] = (char)(0xf0 | (c >> 18));
	p[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	p[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	p[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}
