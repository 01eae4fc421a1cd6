/* A session's state as bytes: the screen model and the session's facts,
 * for a checkpoint on disk and for the server that takes over from this
 * one (SPEC sections 8 and 9).
 *
 * The layout: an 8-byte magic, the format version as a big-endian 32-bit
 * word, then records of a big-endian 32-bit tag, a big-endian 32-bit
 * length and that many bytes. Every record of the version appears once,
 * in any order; each length has a bound. The screen record holds the
 * model's redraw with its scrollback, which a fresh model fed with it
 * shows again. Nothing in a state is trusted: any bytes at all are read
 * without harm, and refused unless they are a whole state. */
#ifndef SESS_STATE_H
#define SESS_STATE_H

#include <stdint.h>
#include <termios.h>

#include "proto.h"
#include "screen.h"
#include "sockdir.h"
#include "util.h"

#define STATE_MAGIC	"SESSTATE"
#define STATE_MAGIC_LEN	8
#define STATE_VERSION	1
#define STATE_HEADER	(STATE_MAGIC_LEN + 4)
#define STATE_RECORD	8	/* a record's tag and length */
#define STATE_VERSION_MAX	31
/* Four flag words, two speeds, then the control characters. */
#define STATE_TERMIOS_LEN	(6 * 4 + NCCS)

/* The records of version 1. Numbers are never used again for another
 * meaning; a version that adds records is a new version. */
enum state_tag {
	STATE_NAME = 1,		/* 1 to NAME_MAX_LEN bytes */
	STATE_CMD,		/* up to PROTO_CMD_MAX bytes */
	STATE_CREATED,		/* 64 bits */
	STATE_SAVED,		/* 64 bits */
	STATE_PID,		/* 32 bits */
	STATE_SIZE,		/* rows, cols: 16 bits each */
	STATE_SESS_VERSION,	/* up to STATE_VERSION_MAX bytes */
	STATE_SCROLLBACK,	/* 32 bits: lines of it in STATE_SCREEN */
	STATE_SCREEN,		/* the redraw, up to STATE_SCREEN_MAX bytes */
	STATE_TTY,		/* the program's terminal: rdev, dev, 64 bits
				   each (what criu names it by) */
	STATE_TERMIOS,		/* its settings: STATE_TERMIOS_LEN bytes */
	STATE_TAGS
};

/* What `sess -l` shows of a session, and what later versions need. */
struct state_facts {
	char		name[NAME_MAX_LEN + 1];
	char		cmd[PROTO_CMD_MAX + 1];	/* as listed */
	uint64_t	created;	/* seconds since the epoch */
	uint64_t	saved;		/* likewise */
	uint32_t	pid;		/* the program's; 0 if none */
	uint16_t	rows;		/* the model's size: state_save */
	uint16_t	cols;		/* takes it from the model */
	char		version[STATE_VERSION_MAX + 1];	/* sess that saved */
	uint64_t	tty_rdev;	/* the program's terminal, */
	uint64_t	tty_dev;	/* 0 if none */
	struct termios	tio;		/* its settings (zeros: none) */
};

/* Why a state was refused, in a few words. */
struct state_error {
	char	msg[128];
};

/* Appends the state of facts and the model to out. The model is read
 * only. -1 with errno EINVAL (a fact out of its bound), EMSGSIZE (the
 * model's redraw over STATE_SCREEN_MAX) or ENOMEM; out is then as it
 * was. */
int	state_save(const struct state_facts *, const struct screen *,
	    struct buf *);
/* Reads the n bytes at p: the facts, and a new model of their size that
 * shows what the saved one showed. -1 with errno EINVAL (not a state,
 * or a malformed one: a record missing, repeated, unknown, out of its
 * bound or past the end, bytes after the last), ENOTSUP (a newer
 * format) or ENOMEM, and *why says which; the facts are then zeroed and
 * *out NULL. With out NULL, only the facts are read (the screen record is
 * checked for its bounds, not fed to a model). */
int	state_load(const void *, size_t, struct state_facts *,
	    struct screen **, struct state_error *);

/* Terminal settings as STATE_TERMIOS_LEN bytes, and back: the same in a
 * state and wherever else sess keeps them (the upgrade's handover). */
struct wire;
void	state_put_termios(struct buf *, const struct termios *);
void	state_get_termios(struct wire *, struct termios *);

#endif
