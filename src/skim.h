/* Plain output, recognised at memory speed: the text, line ends and
 * colours that make up nearly all of a flood (cat of a log, a build).
 * The screen model uses it to pass over the part of a flood that later
 * lines push out of the screen and the scrollback. */
#ifndef SESS_SKIM_H
#define SESS_SKIM_H

#include <stddef.h>

/* The longest start of p made only of whole plain items: printable text
 * (any byte from 0x80 on included), LF, CR, TAB, BS, an SGR (ESC [
 * digits ; : m) and an EL (ESC [ digits K). */
size_t		 skim_plain(const char *, size_t);
/* The same, with the line feeds in that start: one pass for both. */
size_t		 skim_plain_lines(const char *, size_t, size_t *lines);

/* The widest vectors skim_plain may use (it takes the widest the machine
 * has): for tests that check each against the definition. -1 when the
 * machine or the build has none such. */
enum skim_vector {
	SKIM_BYTES,
	SKIM_SSE2,
	SKIM_AVX2,
	SKIM_AVX512
};
int		 skim_vector_use(enum skim_vector);

/* Whether p (n bytes, where a plain run ended) is the start of an SGR
 * or EL that the next bytes may finish. */
int		 skim_partial(const char *, size_t);

/* The length of the plain item at p (n bytes): the sequence's for an
 * SGR or EL, else 1. */
size_t		 skim_item(const char *, size_t);

/* The line feeds in p (n bytes), and where the one with k before it is
 * (NULL if there are no more than k): a flood is counted in lines, at
 * memory speed, not a call a line. */
size_t		 skim_lines(const char *, size_t);
const char	*skim_line_end(const char *, size_t, size_t k);

/* Whether the SGR at p (n bytes) sets the whole pen: it begins with a
 * reset (no parameter, 0, or an empty or 0 first one) and has no
 * sub-parameters. */
int		 skim_sgr_resets(const char *, size_t);

#endif
