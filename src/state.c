/* A session's state written out and read back: see state.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "screen_priv.h"
#include "state.h"
#include "wire.h"

/* Each record's name for the messages, and the lengths it may have. */
static const struct {
	const char	*what;
	uint32_t	 min;
	uint32_t	 max;
} state_records[STATE_TAGS] = {
	[STATE_NAME] =		{ "name", 1, NAME_MAX_LEN },
	[STATE_CMD] =		{ "command", 0, PROTO_CMD_MAX },
	[STATE_CREATED] =	{ "creation time", 8, 8 },
	[STATE_SAVED] =		{ "saving time", 8, 8 },
	[STATE_PID] =		{ "process id", 4, 4 },
	[STATE_SIZE] =		{ "size", 4, 4 },
	[STATE_SESS_VERSION] =	{ "version", 0, STATE_VERSION_MAX },
	[STATE_SCROLLBACK] =	{ "scrollback", 4, 4 },
	[STATE_SCREEN] =	{ "screen", 0, STATE_SCREEN_MAX },
	[STATE_TTY] =		{ "terminal", 16, 16 },
	[STATE_TERMIOS] =	{ "terminal settings", STATE_TERMIOS_LEN,
				    STATE_TERMIOS_LEN },
};

static void
state_put(struct buf *b, uint32_t tag, const void *p, size_t n)
{
	wire_put_u32(b, tag);
	wire_put_u32(b, (uint32_t)n);
	buf_add(b, p, n);
}

static void
state_put_str(struct buf *b, uint32_t tag, const char *s)
{
	state_put(b, tag, s, strlen(s));
}

/* A record of fixed-size words, built in a scratch buffer. */
static void
state_put_words(struct buf *b, uint32_t tag, struct buf *words)
{
	state_put(b, tag, words->data, words->len);
	buf_reset(words);
}

void
state_put_termios(struct buf *w, const struct termios *t)
{
	wire_put_u32(w, t->c_iflag);
	wire_put_u32(w, t->c_oflag);
	wire_put_u32(w, t->c_cflag);
	wire_put_u32(w, t->c_lflag);
	wire_put_u32(w, (uint32_t)cfgetispeed(t));
	wire_put_u32(w, (uint32_t)cfgetospeed(t));
	buf_add(w, t->c_cc, NCCS);
}

void
state_get_termios(struct wire *r, struct termios *t)
{
	const unsigned char	*cc;

	t->c_iflag = wire_get_u32(r);
	t->c_oflag = wire_get_u32(r);
	t->c_cflag = wire_get_u32(r);
	t->c_lflag = wire_get_u32(r);
	cfsetispeed(t, (speed_t)wire_get_u32(r));
	cfsetospeed(t, (speed_t)wire_get_u32(r));
	if ((cc = wire_take(r, NCCS)) != NULL)
		memcpy(t->c_cc, cc, NCCS);
}

int
state_save(const struct state_facts *f, const struct screen *s,
    struct buf *out)
{
	struct buf	 screen = { 0 }, w = { 0 };
	size_t		 lines, total;
	int		 rc = -1;

	if (strnlen(f->cmd, sizeof f->cmd) == sizeof f->cmd ||
	    strnlen(f->version, sizeof f->version) == sizeof f->version ||
	    strnlen(f->name, sizeof f->name) == sizeof f->name ||
	    name_check(f->name) == -1) {
		errno = EINVAL;
		return -1;
	}
	if (screen_redraw(s, SCREEN_SCROLLBACK, &screen) == -1)
		goto out;
	/* A redraw always writes something: nothing is no memory. */
	if (screen.data == NULL) {
		errno = ENOMEM;
		goto out;
	}
	if (screen.len > STATE_SCREEN_MAX) {
		errno = EMSGSIZE;
		goto out;
	}
	/* The lines of scrollback the redraw holds: the newest. */
	lines = s->hist.n < SCROLLBACK_REPLAY ? s->hist.n : SCROLLBACK_REPLAY;

	/* Room for all of it first: nothing below can fail then. Two
	 * times of 64 bits, three records of 32. */
	total = STATE_HEADER + (STATE_TAGS - 1) * STATE_RECORD +
	    strlen(f->name) + strlen(f->cmd) + strlen(f->version) +
	    2 * 8 + 3 * 4 + screen.len + 16 + STATE_TERMIOS_LEN;
	if (buf_reserve(out, total) == -1 ||
	    buf_reserve(&w, STATE_TERMIOS_LEN) == -1)
		goto out;
	buf_add(out, STATE_MAGIC, STATE_MAGIC_LEN);
	wire_put_u32(out, STATE_VERSION);
	state_put_str(out, STATE_NAME, f->name);
	state_put_str(out, STATE_CMD, f->cmd);
	wire_put_u64(&w, f->created);
	state_put_words(out, STATE_CREATED, &w);
	wire_put_u64(&w, f->saved);
	state_put_words(out, STATE_SAVED, &w);
	wire_put_u32(&w, f->pid);
	state_put_words(out, STATE_PID, &w);
	wire_put_u16(&w, (uint16_t)screen_rows(s));
	wire_put_u16(&w, (uint16_t)screen_cols(s));
	state_put_words(out, STATE_SIZE, &w);
	state_put_str(out, STATE_SESS_VERSION, f->version);
	wire_put_u32(&w, (uint32_t)lines);
	state_put_words(out, STATE_SCROLLBACK, &w);
	state_put(out, STATE_SCREEN, screen.data, screen.len);
	wire_put_u64(&w, f->tty_rdev);
	wire_put_u64(&w, f->tty_dev);
	state_put_words(out, STATE_TTY, &w);
	state_put_termios(&w, &f->tio);
	state_put_words(out, STATE_TERMIOS, &w);
	rc = 0;
out:
	buf_free(&screen);
	buf_free(&w);
	return rc;
}

static int
state_refuse(struct state_error *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
state_refuse(struct state_error *why, int error, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why->msg, sizeof why->msg, fmt, ap);
	va_end(ap);
	errno = error;
	return -1;
}

/* A string record into dst, which has room for its bound. */
static int
state_get_str(const struct wire *rec, uint32_t tag, char *dst,
    struct state_error *why)
{
	memcpy(dst, rec[tag].p, rec[tag].left);
	dst[rec[tag].left] = '\0';
	if (memchr(rec[tag].p, '\0', rec[tag].left) != NULL) {
		return state_refuse(why, EINVAL, "%s holds a NUL",
		    state_records[tag].what);
	}
	return 0;
}

int
state_load(const void *p, size_t n, struct state_facts *f,
    struct screen **out, struct state_error *why)
{
	struct wire	 r, rec[STATE_TAGS];
	struct screen	*s;
	uint32_t	 version, tag, len, lines;
	int		 seen[STATE_TAGS] = { 0 };
	const char	*what;

	memset(f, 0, sizeof *f);
	if (out != NULL)
		*out = NULL;
	why->msg[0] = '\0';

	wire_init(&r, p, n);
	if (n < STATE_HEADER ||
	    memcmp(wire_take(&r, STATE_MAGIC_LEN), STATE_MAGIC,
	    STATE_MAGIC_LEN) != 0)
		return state_refuse(why, EINVAL, "not a sess state");
	version = wire_get_u32(&r);
	if (version == 0)
		return state_refuse(why, EINVAL, "format version 0");
	if (version > STATE_VERSION) {
		return state_refuse(why, ENOTSUP, "format %u is newer than "
		    "this sess reads (%u)", version, STATE_VERSION);
	}

	while (r.left > 0) {
		if (r.left < STATE_RECORD)
			return state_refuse(why, EINVAL, "a record cut short");
		tag = wire_get_u32(&r);
		len = wire_get_u32(&r);
		if (tag == 0 || tag >= STATE_TAGS)
			return state_refuse(why, EINVAL, "unknown record %u", tag);
		what = state_records[tag].what;
		if (seen[tag])
			return state_refuse(why, EINVAL, "%s twice", what);
		if (len < state_records[tag].min ||
		    len > state_records[tag].max) {
			return state_refuse(why, EINVAL, "%s of %u bytes",
			    what, len);
		}
		if (len > r.left)
			return state_refuse(why, EINVAL, "%s cut short", what);
		wire_init(&rec[tag], wire_take(&r, len), len);
		seen[tag] = 1;
	}
	for (tag = 1; tag < STATE_TAGS; tag++) {
		if (!seen[tag]) {
			return state_refuse(why, EINVAL, "no %s",
			    state_records[tag].what);
		}
	}

	if (state_get_str(rec, STATE_NAME, f->name, why) == -1 ||
	    state_get_str(rec, STATE_CMD, f->cmd, why) == -1 ||
	    state_get_str(rec, STATE_SESS_VERSION, f->version, why) == -1)
		goto fail;
	if (name_check(f->name) == -1) {
		state_refuse(why, EINVAL, "not a session name");
		goto fail;
	}
	f->created = wire_get_u64(&rec[STATE_CREATED]);
	f->saved = wire_get_u64(&rec[STATE_SAVED]);
	f->pid = wire_get_u32(&rec[STATE_PID]);
	f->rows = wire_get_u16(&rec[STATE_SIZE]);
	f->cols = wire_get_u16(&rec[STATE_SIZE]);
	lines = wire_get_u32(&rec[STATE_SCROLLBACK]);
	f->tty_rdev = wire_get_u64(&rec[STATE_TTY]);
	f->tty_dev = wire_get_u64(&rec[STATE_TTY]);
	state_get_termios(&rec[STATE_TERMIOS], &f->tio);
	/* The sizes a model is made at as asked. */
	if (f->rows < 1 || f->rows > SCREEN_MAXDIM || f->cols < 2 ||
	    f->cols > SCREEN_MAXDIM) {
		state_refuse(why, EINVAL, "a size of %ux%u", f->cols, f->rows);
		goto fail;
	}

	if (out == NULL)
		return 0;
	if ((s = screen_new(f->rows, f->cols)) == NULL) {
		state_refuse(why, ENOMEM, "no memory for the screen");
		goto fail;
	}
	screen_input(s, (const char *)rec[STATE_SCREEN].p, rec[STATE_SCREEN].left);
	/* The redraw pushes the fresh model's blank rows into its
	 * scrollback before the saved lines. */
	hist_keep(&s->hist, lines);
	*out = s;
	return 0;

fail:
	memset(f, 0, sizeof *f);
	return -1;
}
