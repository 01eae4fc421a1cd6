/* The scanner and the model on arbitrary terminal output: nothing
 * crashes, and a redraw into a fresh model gives back the same screen.
 * The first two bytes choose the size; the rest is fed in pieces whose
 * lengths come from the input too, since no sequence may care where a
 * read ended. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lib/screencmp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct screen	*s;
	char		*in;
	size_t		 off, cut, i;
	int		 k;
	int		 rows, cols;

	if (size < 3)
		return 0;
	/* Screens of one or two columns, where every character wraps, are
	 * left out: there libvterm 0.1.4 and a redraw part ways in ways no
	 * real window sees. */
	rows = 2 + data[0] % 40;
	cols = 4 + data[1] % 120;
	cut = 1 + data[2] % 64;
	data += 3;
	size -= 3;
	if ((s = screen_new(rows, cols)) == NULL ||
	    (in = malloc(size + 1)) == NULL) {
		screen_free(s);
		return 0;
	}
	/* Double width and height lines (ESC # 3, 4, 6) become single
	 * (ESC # 5): on them libvterm 0.1.4 keeps cursor and pending-wrap
	 * states that a redraw does not make again. Their cells are
	 * covered by the unit tests. */
	memcpy(in, data, size);
	for (off = 0; off < size; off++) {
		if (in[off] != 0x1b)
			continue;
		/* C0 controls inside a sequence are acted on and bytes from
		 * 0x7f on ignored: neither is part of it. */
		for (i = off + 1, k = 0; i < size && k < 2; i++) {
			if (((unsigned char)in[i] < 0x20 && in[i] != 0x1b &&
			    in[i] != 0x18 && in[i] != 0x1a) ||
			    (unsigned char)in[i] >= 0x7f)
				continue;
			if (k == 0 && in[i] != '#')
				break;
			if (k == 1 && memchr("346", in[i], 3) != NULL)
				in[i] = '5';
			k++;
		}
	}
	for (off = 0; off < size; off += cut) {
		if (cut > size - off)
			cut = size - off;
		screen_input(s, in + off, cut);
	}
	free(in);
	if (screen_roundtrip(s, 0, 1, NULL) != 0) {
		fprintf(stderr, "round trip: %s\n", screen_why);
		abort();
	}
	screen_free(s);
	return 0;
}
