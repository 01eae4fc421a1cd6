/* The detach chord: spotting it in what the user types (libtermkey as a
 * parser only), and turning key names into the bytes a terminal sends. */
#ifndef SESS_KEYS_H
#define SESS_KEYS_H

#include <stdint.h>

#include "util.h"

struct keys;

/* A matcher for one input stream. spec is one key ("C-\\", "M-d") or a
 * prefix and a key separated by one space ("C-a d"), in libtermkey syntax;
 * term is the terminal type the bytes come from. NULL with errno EINVAL
 * when spec is not that. */
struct keys	*keys_new(const char *spec, const char *term);
void		 keys_free(struct keys *);

#define KEYS_FORWARD	0	/* out holds bytes for the program */
#define KEYS_DETACH	1	/* the chord was typed: out holds what came
				   before it; the chord and the rest of the
				   read are dropped */

/* Feeds bytes read from the terminal at time now (ms). Bytes for the
 * program are appended to out; an incomplete escape sequence at the end
 * is held back until more input or keys_expire (at most ESCAPE_TIME).
 * With strip, the terminal's answers to queries (as keys_strip_reports)
 * are left out of what is let go, now or later: for the terminals of
 * clients other than the one that answers for the session. */
int		 keys_input(struct keys *, const char *, size_t, int64_t now,
		     int strip, struct buf *out);
/* Milliseconds until keys_expire is due, or -1 when nothing waits on time. */
int		 keys_timeout(const struct keys *, int64_t now);
/* Releases held bytes whose time is up into out, with strip as above. */
void		 keys_expire(struct keys *, int64_t now, int strip,
		     struct buf *out);
/* After KEYS_DETACH: the terminal reports key releases (kitty protocol),
 * so the chord's release event is still to come and should be swallowed. */
int		 keys_release_follows(const struct keys *);

/* Appends the bytes an xterm sends for a key named in libtermkey syntax
 * ("C-c", "Enter", "Up", "F5", "M-x", "a"). -1 with errno EINVAL for a
 * name it does not know. */
int		 keys_encode(const char *name, struct buf *out);

/* Removes the terminal's answers to queries (cursor position, device
 * attributes, mode and window reports, OSC, DCS and other strings) from
 * the complete sequences in buf, keeping keys; the new length. What
 * keys_input does with strip, for input that has no chord to look for. */
size_t		 keys_strip_reports(char *, size_t);

#endif
