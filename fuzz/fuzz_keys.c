/* The chord matcher on arbitrary input cut into arbitrary reads: it must
 * not crash, and with no chord possible (a chord of F20, which the input
 * cannot contain once its form is removed) every byte comes out, in
 * order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	*specs[] = { "C-\\", "C-a d", "M-d", "F20" };
	struct keys		*k;
	struct buf		 out = { 0 };
	size_t			 off, n, i;
	int			 rc = KEYS_FORWARD, strip;
	int64_t			 now = 0;

	if (size < 2)
		return 0;
	/* The first byte picks the chord and whether answers are dropped
	 * (not with F20, whose output is checked whole), the second the
	 * read sizes. */
	k = keys_new(specs[data[0] % 4], "xterm-256color");
	strip = data[0] % 4 != 3 && data[0] / 4 % 2 == 1;
	if (k == NULL)
		abort();
	n = 1 + data[1] % 16;
	for (off = 2; off < size && rc == KEYS_FORWARD; off += n) {
		if (n > size - off)
			n = size - off;
		rc = keys_input(k, (const char *)data + off, n, now, strip,
		    &out);
		now += data[off] % 20;
		if (keys_timeout(k, now) == 0)
			keys_expire(k, now, strip, &out);
	}
	keys_expire(k, now + 100000, strip, &out);
	if (data[0] % 4 == 3) {
		/* F20 is CSI 34 ~ and its modified forms. */
		for (i = 2; i + 3 < size; i++)
			if (memcmp(data + i, "\033[34", 4) == 0)
				goto done;
		if (rc != KEYS_FORWARD || out.len != size - 2 ||
		    (out.len > 0 && memcmp(out.data, data + 2, out.len) != 0))
			abort();
	}
done:
	buf_free(&out);
	keys_free(k);
	return 0;
}
