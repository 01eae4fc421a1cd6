/* Scrollback: the lines that scrolled off the top of the primary screen,
 * each stored as UTF-8 with attribute changes in between, trailing blanks
 * trimmed, under a line count and a byte budget. */
#ifndef SESS_HIST_H
#define SESS_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "grid.h"

/* Lines are packed in blocks, so that dropping the oldest line frees
 * nothing (and touches no cold memory) until its whole block goes. */
struct hblock {
	size_t		used;
	size_t		size;
	size_t		lines;		/* lines stored here still kept */
	unsigned char	data[];
};

/* 16 bytes a line: a line of more than 16 MiB is not kept. */
struct hent {
	struct hblock	*b;
	uint32_t	 off;
	uint32_t	 size : 24;
	uint32_t	 flags : 8;	/* ROW_WRAPPED */
};

struct hist {
	struct hent	*ent;		/* ring, oldest at first */
	size_t		 cap;
	size_t		 first;
	size_t		 n;
	size_t		 bytes;
	size_t		 maxlines;
	size_t		 maxbytes;
	struct hblock	*cur;		/* where new lines go */
	struct hblock	*spare;		/* the last block let go, kept */
	unsigned char	*tmp;		/* a line being encoded */
	size_t		 tmpcap;
};

void	hist_init(struct hist *, size_t, size_t);
void	hist_free(struct hist *);
void	hist_clear(struct hist *);
void	hist_push(struct hist *, const struct cell *, int, int,
	    const struct comb *);
/* Line i (0 is the oldest) into cells, blank to cols; its flags. */
int	hist_get(const struct hist *, size_t, struct cell *, int,
	    struct comb *);
/* Drops the oldest lines past the newest n. */
void	hist_keep(struct hist *, size_t);
/* Takes back the newest line. */
int	hist_pop(struct hist *, struct cell *, int, struct comb *);

#endif
