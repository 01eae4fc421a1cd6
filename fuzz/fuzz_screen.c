/* The scanner and the model on arbitrary terminal output: nothing
 * crashes, and a redraw into a fresh model gives back the same screen.
 * The first two bytes choose the size; the rest is fed in pieces whose
 * lengths come from the input too, since no sequence may care where a
 * read ended. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/lib/screencmp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct screen	*s;
	size_t		 off, cut;
	int		 rows, cols;

	if (size < 3)
		return 0;
	rows = 1 + data[0] % 40;
	cols = 1 + data[1] % 120;
	cut = 1 + data[2] % 64;
	data += 3;
	size -= 3;
	if ((s = screen_new(rows, cols)) == NULL)
		return 0;
	for (off = 0; off < size; off += cut) {
		if (cut > size - off)
			cut = size - off;
		screen_input(s, (const char *)data + off, cut);
	}
	if (screen_roundtrip(s, 0, 1, NULL) != 0) {
		fprintf(stderr, "round trip: %s\n", screen_why);
		abort();
	}
	screen_free(s);
	return 0;
}
