/* Terminal output for the screen model's tests: random streams made of
 * the sequences programs write, and recordings of real programs. */
#ifndef TESTS_STREAMS_H
#define TESTS_STREAMS_H

#include <stddef.h>

#include "screen.h"
#include "util.h"

/* The recordings in tests/data (NULL-ended), made at this size. */
#define STREAMS_REC_ROWS	24
#define STREAMS_REC_COLS	80
extern const char *const	 streams_recordings[];

/* Feeds each recording into a fresh model in about this many pieces,
 * calling check after each, then once more with at_end set; stops at
 * the first check that fails (returns non-zero) and says where on
 * stderr. Returns the failures. */
int	 streams_replay(int pieces, int (*check)(struct screen *,
	    int at_end));
/* One random piece: text, a control, an escape or control sequence. */
void	 streams_item(struct buf *, int rows, int cols);
/* One line of a flood: words, wide and combining characters, tabs,
 * backspaces, colours (one piece in sgr_odds) and erases, mostly ending
 * in CR LF (LF alone with lf_only). */
void	 streams_plain_line(struct buf *, int cols, int sgr_odds,
	    int lf_only);
/* A line of words in colours (palette and RGB, bold, underline) that
 * ends before the last column, then CR LF: what compilers, ls and git
 * print. */
void	 streams_coloured_line(struct buf *, int cols);
/* A file's bytes (free them) and their count in *len, or NULL. */
char	*streams_file(const char *, size_t *len);

#endif
