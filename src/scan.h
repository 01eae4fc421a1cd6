/* A tokenizer for terminal output that sits in front of libvterm: it cuts
 * the stream into text runs and whole escape sequences, so that nothing
 * reaches libvterm half-finished (an OSC split across two writes is lost
 * by libvterm 0.1.4) and the screen model sees every sequence parsed. */
#ifndef SESS_SCAN_H
#define SESS_SCAN_H

#include <stddef.h>

#include "util.h"

#define SCAN_ARGS	32		/* parameters kept per CSI */
#define SCAN_ARGMAX	99999		/* larger parameters are clamped */
#define SCAN_MISSING	(-1)
#define SCAN_SEQMAX	512		/* bytes of an ESC or CSI sequence */
#define SCAN_STRMAX	(64 * 1024)	/* bytes of an OSC or DCS string */

struct scan_csi {
	char	leader[4];		/* '?', '>', '<', '=', NUL-ended */
	char	inter[4];		/* intermediates, NUL-ended */
	int	final;
	int	nargs;			/* at least 1 */
	int	arg[SCAN_ARGS];		/* SCAN_MISSING when empty */
	char	more[SCAN_ARGS];	/* followed by ':' (a sub-parameter) */
	int	lost;			/* parameters beyond SCAN_ARGS dropped */
	int	clamped;		/* a parameter was beyond SCAN_ARGMAX */
	int	odd;			/* leader or intermediates too long */
};

struct scan_ops {
	/* Printable text and C0 controls, never ESC. */
	void	(*text)(void *, const char *, size_t);
	/* ESC, intermediates and final byte, other than CSI and strings. */
	void	(*esc)(void *, const char *, size_t);
	/* A whole CSI; raw is the sequence without embedded controls, or
	 * NULL when it was too long to keep. */
	void	(*csi)(void *, const struct scan_csi *, const char *, size_t);
	/* A whole OSC (']'), DCS ('P'), APC ('_'), PM ('^') or SOS ('X'):
	 * its body without introducer and terminator, and raw, the string
	 * as one sequence. */
	void	(*str)(void *, int, const char *, size_t, const char *,
		    size_t);
};

struct scan {
	const struct scan_ops	*ops;
	void			*arg;
	int			 state;
	int			 kind;		/* string kind */
	int			 drop;		/* string too long */
	int			 sub;		/* CSI: leader, args, inter */
	struct scan_csi		 csi;
	char			*seq;		/* raw bytes of the sequence */
	size_t			 len;
	size_t			 cap;
};

int	scan_init(struct scan *, const struct scan_ops *, void *);
void	scan_free(struct scan *);
void	scan_input(struct scan *, const char *, size_t);
/* Nothing held back: the scanner is between sequences. */
int	scan_idle(const struct scan *);
/* Appends the bytes of the sequence begun and not ended, as they came
 * (less any control inside a CSI, which was acted on): fed to another
 * scanner, they leave it where this one is. Nothing if the sequence grew
 * too long to keep. */
int	scan_pending(const struct scan *, struct buf *);

/* A CSI written out again from its parsed form. */
size_t	scan_csi_format(const struct scan_csi *, int, int, char *, size_t);

#endif
