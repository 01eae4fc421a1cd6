/* The detach chord, and key names turned into bytes.
 *
 * libtermkey is used as a parser only: it never sees a file descriptor.
 * The bytes are framed here first (where each key, escape sequence or
 * terminal reply starts and ends), because libtermkey 0.22 cannot be
 * trusted with that: it leaves the parameters of CSI sequences it does
 * not know behind, reads 0x9b as CSI in UTF-8 mode, takes kitty ":"
 * sub-fields for digits and crashes on huge CSI parameters. Each frame
 * that may be a key is handed to libtermkey as a cleaned copy (kitty
 * sub-fields dropped, lock modifiers cleared, numbers bounded) and its
 * answer is taken only when it used up exactly that copy. What goes on
 * to the program is always the original bytes.
 *
 * The same framing (keys_frame) says which tokens are a terminal's
 * answers to queries; every byte let out, whether at once, after a hold
 * or inside a paste, goes through keys_release, which drops those
 * answers when the caller asks for it.
 *
 * Timing: an escape sequence cut off at the end of a read is held back
 * for ESCAPE_TIME so that a chord split across reads is still caught;
 * after that it goes on as it is. A pending prefix waits with no time
 * limit. A bracketed paste that never ends stops being one after
 * PASTE_TIME without input. Nothing else depends on time. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <termkey.h>

#include "config.h"
#include "keys.h"
#include "utf8.h"

/* Caps Lock and Num Lock in a kitty modifier parameter (less one): they
 * describe the keyboard's state, not the key. */
#define KEYS_LOCKS	(64 | 128)

#define KEYS_FLAGS	(TERMKEY_FLAG_UTF8 | TERMKEY_FLAG_CTRLC | \
			    TERMKEY_FLAG_NOSTART)

enum {
	TOK_KEY,	/* a key press (or repeat) */
	TOK_EVENT,	/* a kitty release or modifier-key event */
	TOK_OTHER,	/* anything else: replies, mouse, garbage */
	TOK_PASTE,	/* start of a bracketed paste */
	TOK_PARTIAL	/* an escape sequence cut off at the end */
};

struct token {
	int		 type;
	size_t		 len;		/* input bytes it covers */
	int		 report;	/* a terminal's answer to a query */
	int		 csiu;		/* sent as kitty CSI u */
	int		 event;		/* 1 press, 2 repeat, 3 up */
	int		 haskey;
	TermKeyKey	 key;
	char		 copy[32];	/* what libtermkey is shown */
	size_t		 copylen;
};

struct chord {
	TermKeyKey	 key;
	char		 legacy[32];	/* its bytes, no protocol */
	size_t		 legacylen;
};

struct keys {
	TermKey		*tk;
	struct chord	 chord[2];
	int		 nchord;

	int		 pending;	/* prefix typed, next key awaited */
	struct buf	 prefix;	/* its bytes, events held after */
	size_t		 prefixlen;	/* of which the prefix key */

	struct buf	 tail;		/* incomplete escape sequence */
	int64_t		 tail_due;

	int		 paste;
	size_t		 paste_match;	/* end marker bytes seen */
	int64_t		 paste_last;

	int		 strip;		/* answers to queries are dropped */
	int		 release;	/* a release is to come */
	/* After a detach, repeats and the release of this key are dropped. */
	int		 swallow;
	TermKeyKey	 swallow_key;

	struct buf	 work;

	/* Printable bytes found to be keys of their own and not the
	 * chord's first key, and those found not to be (keys_plain). */
	uint8_t		 plain[16];
	uint8_t		 known[16];
};

static const struct {
	const char	*name;
	int		 mod;
} keys_mods[] = {
	{ "C-", TERMKEY_KEYMOD_CTRL },
	{ "Ctrl-", TERMKEY_KEYMOD_CTRL },
	{ "M-", TERMKEY_KEYMOD_ALT },
	{ "A-", TERMKEY_KEYMOD_ALT },
	{ "Meta-", TERMKEY_KEYMOD_ALT },
	{ "Alt-", TERMKEY_KEYMOD_ALT },
	{ "S-", TERMKEY_KEYMOD_SHIFT },
	{ "Shift-", TERMKEY_KEYMOD_SHIFT },
};

static const char *
keys_hook(const char *name, const char *value, void *data)
{
	(void)data;
	/* ncurses 6 has key_mouse as "\033[<", so SGR mouse reports would
	 * be read as keys. */
	if (strcmp(name, "key_mouse") == 0)
		return NULL;
	return value;
}

static TermKey *
keys_termkey(const char *term)
{
	TermKey	*tk = NULL;

	/* The name comes from the user's environment: it picks a terminfo
	 * entry, never a path. */
	if (term != NULL && *term != '\0' && strlen(term) < 64 &&
	    strchr(term, '/') == NULL)
		tk = termkey_new_abstract(term, KEYS_FLAGS);
	if (tk == NULL && (tk = termkey_new_abstract("xterm", KEYS_FLAGS)) ==
	    NULL) {
		if (errno == 0)
			errno = ENOMEM;
		return NULL;
	}
	termkey_hook_terminfo_getstr(tk, keys_hook, NULL);
	if (!termkey_start(tk)) {
		termkey_destroy(tk);
		errno = ENOMEM;
		return NULL;
	}
	return tk;
}

static int
keys_codepoint_ok(long c)
{
	return c >= 1 && c <= 0x10ffff && (c < 0xd800 || c > 0xdfff);
}

static void
keys_copy(struct token *t, const unsigned char *p, size_t n)
{
	memcpy(t->copy, p, n);
	t->copylen = n;
}

/* Kitty's keys that only change modifiers or locks: pressing one between
 * a prefix and its key is not "another key". */
static int
keys_kitty_modifier(long c)
{
	return (c >= 57441 && c <= 57454) || (c >= 57358 && c <= 57360);
}

/* The parameters of a CSI sequence that may be a key, rewritten into a
 * form libtermkey reads right. */
static void
keys_frame_csi_key(const unsigned char *s, size_t n, int final,
    struct token *t)
{
	long	 f[3] = { -1, -1, -1 }, event = -1, mods = -1;
	int	 nf = 1, sub = 0, digits = 0, w;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (++digits > 7)
				goto other;
			if (sub == 0 && f[nf - 1] < 0)
				f[nf - 1] = s[i] - '0';
			else if (sub == 0)
				f[nf - 1] = f[nf - 1] * 10 + (s[i] - '0');
			else if (sub == 1 && nf == 2)
				event = (event < 0 ? 0 : event * 10) +
				    (s[i] - '0');
		} else if (s[i] == ';') {
			if (nf == 3)
				goto other;
			nf++;
			sub = digits = 0;
		} else if (s[i] == ':') {
			if (++sub > 2)
				goto other;
			digits = 0;
		} else
			goto other;	/* private markers: replies */
	}
	if (event == -1 || event == 1)
		t->event = 1;
	else if (event == 2 || event == 3)
		t->event = (int)event;
	else
		goto other;
	if (f[1] != -1) {
		if (f[1] < 1 || f[1] > 256)
			goto other;
		mods = ((f[1] - 1) & ~(long)KEYS_LOCKS) + 1;
	}

	w = -1;
	switch (final) {
	case 'u':
		if (!keys_codepoint_ok(f[0]))
			goto other;
		t->csiu = 1;
		if (keys_kitty_modifier(f[0]))
			t->type = TOK_EVENT;
		if (mods != -1)
			w = snprintf(t->copy, sizeof t->copy, "\033[%ld;%ldu",
			    f[0], mods);
		else
			w = snprintf(t->copy, sizeof t->copy, "\033[%ldu",
			    f[0]);
		break;
	case '~':
		if (f[0] == 27) {
			/* xterm modifyOtherKeys; shorter, no key at all, and
			 * libtermkey 0.22 would read a third parameter that
			 * is not there. */
			if (nf != 3 || mods == -1 || !keys_codepoint_ok(f[2]))
				goto other;
			w = snprintf(t->copy, sizeof t->copy,
			    "\033[27;%ld;%ld~", mods, f[2]);
			break;
		}
		if (nf == 3 || f[0] < 1 || f[0] > 64)
			goto other;
		if (mods != -1)
			w = snprintf(t->copy, sizeof t->copy, "\033[%ld;%ld~",
			    f[0], mods);
		else
			w = snprintf(t->copy, sizeof t->copy, "\033[%ld~",
			    f[0]);
		break;
	case 'A': case 'B': case 'C': case 'D': case 'E': case 'F':
	case 'H': case 'P': case 'Q': case 'R': case 'S': case 'Z':
		/* A first parameter other than 1 is a reply (the cursor
		 * position report ends in R). */
		if (nf == 3 || (f[0] != -1 && f[0] != 1))
			goto other;
		if (mods != -1)
			w = snprintf(t->copy, sizeof t->copy, "\033[1;%ld%c",
			    mods, final);
		else
			w = snprintf(t->copy, sizeof t->copy, "\033[%c",
			    final);
		break;
	default:
		goto other;
	}
	if (w < 0 || (size_t)w >= sizeof t->copy)
		goto other;
	t->copylen = (size_t)w;
	if (t->event == 3)
		t->type = TOK_EVENT;
	return;

other:
	t->type = TOK_OTHER;
	t->copylen = 0;
	t->csiu = 0;
	t->event = 1;
}

/* Whether CSI p[0..n) (ESC [ included) is an answer to a query rather
 * than a key: cursor position (row;col R, ?row;col R), device
 * attributes (?, > or = then c), mode reports ($y), window reports (t)
 * and keyboard flags (? u). Shift-F3 is CSI 1;2 R, the same as a
 * cursor report at row 1, column 2; it is given up for reports. */
static int
keys_csi_report(const unsigned char *p, size_t n)
{
	unsigned char	 final = p[n - 1], lead = n > 3 ? p[2] : 0;
	const void	*semi = memchr(p + 2, ';', n - 3);

	switch (final) {
	case 'R':
		return semi != NULL || lead == '?';
	case 'c':
		return lead == '?' || lead == '>' || lead == '=';
	case 'y':
		return n > 3 && p[n - 2] == '$';
	case 't':
		return 1;
	case 'u':
		return lead == '?';
	}
	return 0;
}

static void
keys_frame_csi(const unsigned char *p, size_t n, struct token *t)
{
	size_t	 i, params;

	for (i = 2; i < n && p[i] >= 0x30 && p[i] <= 0x3f; i++)
		;
	params = i;
	for (; i < n && p[i] >= 0x20 && p[i] <= 0x2f; i++)
		;
	if (i == n) {
		t->type = TOK_PARTIAL;
		return;
	}
	if (p[i] < 0x40 || p[i] > 0x7e) {
		/* Not a sequence: with nothing inside, Alt-[ typed. */
		if (i == 2) {
			t->len = 2;
			keys_copy(t, p, 2);
		} else {
			t->type = TOK_OTHER;
			t->len = i;
		}
		return;
	}
	t->len = i + 1;
	t->report = keys_csi_report(p, t->len);
	if (i == 2 && p[2] == 'M') {
		/* X10 mouse: three raw bytes follow. */
		if (n < 6)
			t->type = TOK_PARTIAL;
		else {
			t->type = TOK_OTHER;
			t->len = 6;
		}
		return;
	}
	if (i == 2 && p[2] == '[') {
		/* The Linux console's F1-F5. */
		if (n < 4)
			t->type = TOK_PARTIAL;
		else if (p[3] >= 'A' && p[3] <= 'E') {
			t->len = 4;
			keys_copy(t, p, 4);
		} else
			t->type = TOK_OTHER;
		return;
	}
	if (params != i) {
		t->type = TOK_OTHER;
		return;
	}
	if (t->len == 6 && memcmp(p, "\033[200~", 6) == 0) {
		t->type = TOK_PASTE;
		return;
	}
	keys_frame_csi_key(p + 2, params - 2, p[i], t);
}

/* OSC, DCS, APC, PM and SOS: terminal replies, never keys. */
static void
keys_frame_string(const unsigned char *p, size_t n, struct token *t)
{
	size_t	 i;

	for (i = 2; i < n; i++) {
		if (p[i] == 0x07) {
			t->type = TOK_OTHER;
			t->len = i + 1;
			t->report = 1;
			return;
		}
		if (p[i] == 0x1b) {
			if (i + 1 == n)
				break;
			if (p[i + 1] != '\\')
				goto key;
			t->type = TOK_OTHER;
			t->len = i + 2;
			t->report = 1;
			return;
		}
		if (p[i] < 0x20)
			goto key;
	}
	t->type = TOK_PARTIAL;
	return;

key:
	/* Not a string after all: a key typed with Alt. */
	t->len = 2;
	keys_copy(t, p, 2);
}

/* Where the token at p ends (a character, a CSI, SS3 or string sequence,
 * a paste marker) or that it is cut off, whether it is a terminal's
 * answer, and what libtermkey should be shown of it. The one framing of
 * the input: the chord is looked for and answers are dropped in the
 * tokens it makes. */
static void
keys_frame(const unsigned char *p, size_t n, struct token *t)
{
	struct token	 in;
	int		 l;

	memset(t, 0, sizeof *t);
	t->type = TOK_KEY;
	t->event = 1;
	if (p[0] != 0x1b) {
		l = utf8_length(p, n);
		if (l > 0) {
			t->len = (size_t)l;
			keys_copy(t, p, t->len);
			return;
		}
		/* Invalid, or a character cut off by the end of the read:
		 * goes on at once, it cannot be a chord. */
		t->type = TOK_OTHER;
		t->len = l == 0 ? 1 : n;
		return;
	}
	if (n == 1) {
		t->type = TOK_PARTIAL;
		return;
	}
	switch (p[1]) {
	case '[':
		keys_frame_csi(p, n, t);
		return;
	case 'O':
		if (n < 3)
			t->type = TOK_PARTIAL;
		else if (p[2] >= 0x40 && p[2] <= 0x7e) {
			t->len = 3;
			keys_copy(t, p, 3);
		} else {
			t->len = 2;
			keys_copy(t, p, 2);
		}
		return;
	case 'P':
	case ']':
	case '_':
	case '^':
	case 'X':
		keys_frame_string(p, n, t);
		return;
	case 0x1b:
		if (n == 2) {
			t->type = TOK_PARTIAL;
			return;
		}
		if (p[2] != '[' && p[2] != 'O') {
			t->len = 2;	/* Alt-Escape */
			keys_copy(t, p, 2);
			return;
		}
		/* Some terminals send Alt with a cursor key as ESC before
		 * its sequence. */
		keys_frame(p + 1, n - 1, &in);
		if (in.type == TOK_PARTIAL) {
			t->type = TOK_PARTIAL;
			return;
		}
		if (!in.report && in.type == TOK_KEY && in.copylen > 0 &&
		    in.copylen < sizeof t->copy) {
			t->len = in.len + 1;
			t->copy[0] = 0x1b;
			memcpy(t->copy + 1, in.copy, in.copylen);
			t->copylen = in.copylen + 1;
			t->csiu = in.csiu;
			t->event = in.event;
			return;
		}
		t->len = 1;	/* Escape, then whatever that is */
		keys_copy(t, p, 1);
		return;
	}
	l = utf8_length(p + 1, n - 1);
	if (l < 0)
		t->type = TOK_PARTIAL;
	else if (l == 0) {
		t->len = 1;
		keys_copy(t, p, 1);
	} else {
		t->len = (size_t)l + 1;
		keys_copy(t, p, t->len);
	}
}

size_t
keys_strip_reports(char *buf, size_t len)
{
	unsigned char	*p = (unsigned char *)buf, *esc;
	struct token	 t;
	size_t		 o = 0, i, end;

	for (i = 0; i < len; i += t.len) {
		/* A token that does not start with ESC is a character and
		 * has no ESC in it, so the next ESC starts a token. */
		if (p[i] != 0x1b) {
			esc = memchr(p + i, 0x1b, len - i);
			end = esc == NULL ? len : (size_t)(esc - p);
			memmove(p + o, p + i, end - i);
			o += end - i;
			t.len = end - i;
			continue;
		}
		keys_frame(p + i, len - i, &t);
		if (t.type == TOK_PARTIAL)
			t.len = len - i;	/* cut off: kept */
		else if (t.report)
			continue;
		memmove(p + o, p + i, t.len);
		o += t.len;
	}
	return o;
}

/* Every byte that goes on to the program comes through here, so that
 * answers are dropped the same way from what is let out at once, after a
 * hold and inside a paste. */
static void
keys_release(const struct keys *k, const void *p, size_t n, struct buf *out)
{
	size_t	 at = out->len;

	if (buf_add(out, p, n) == 0 && k->strip)
		out->len = at + keys_strip_reports(out->data + at, n);
}

/* Gets libtermkey's buffer empty again for the next token. */
static void
keys_drain(TermKey *tk)
{
	TermKeyKey	 key;
	size_t		 size, left;

	size = termkey_get_buffer_size(tk);
	while ((left = size - termkey_get_buffer_remaining(tk)) > 0) {
		termkey_getkey_force(tk, &key);
		if (size - termkey_get_buffer_remaining(tk) >= left)
			break;
	}
}

/* Which key the token's copy is, if libtermkey reads all of it as one. */
static int
keys_interpret(TermKey *tk, struct token *t)
{
	TermKeyResult	 r;
	size_t		 before, used;

	before = termkey_get_buffer_remaining(tk);
	if (termkey_push_bytes(tk, t->copy, t->copylen) != t->copylen) {
		keys_drain(tk);
		return -1;
	}
	r = termkey_getkey(tk, &t->key);
	if (r == TERMKEY_RES_AGAIN)
		r = termkey_getkey_force(tk, &t->key);
	used = termkey_get_buffer_remaining(tk) - (before - t->copylen);
	keys_drain(tk);
	if (r != TERMKEY_RES_KEY || used != t->copylen)
		return -1;
	switch (t->key.type) {
	case TERMKEY_TYPE_UNICODE:
		break;
	case TERMKEY_TYPE_KEYSYM:
		if (t->key.code.sym <= TERMKEY_SYM_NONE)
			return -1;
		break;
	case TERMKEY_TYPE_FUNCTION:
		if (t->key.code.number < 1)
			return -1;
		break;
	default:
		return -1;
	}
	return 0;
}

static void
keys_token(struct keys *k, const unsigned char *p, size_t n,
    struct token *t)
{
	keys_frame(p, n, t);
	if (t->copylen > 0 && (t->type == TOK_KEY || t->type == TOK_EVENT) &&
	    keys_interpret(k->tk, t) == 0)
		t->haskey = 1;
	if (t->type == TOK_KEY && !t->haskey)
		t->type = TOK_OTHER;
}

static int
keys_match(const struct keys *k, const struct token *t,
    const unsigned char *p, int which)
{
	const struct chord	*c = &k->chord[which];

	if (t->type != TOK_KEY)
		return 0;
	if (t->haskey && termkey_keycmp(k->tk, &t->key, &c->key) == 0)
		return 1;
	/* C-i, C-m and the like: libtermkey names their bytes Tab, Enter. */
	return c->legacylen > 0 && t->len == c->legacylen &&
	    memcmp(p, c->legacy, t->len) == 0;
}

/* The same key, whatever modifiers were down when it was let go. */
static int
keys_same_key(TermKey *tk, const TermKeyKey *a, const TermKeyKey *b)
{
	TermKeyKey	 x = *a, y = *b;

	x.modifiers = y.modifiers = 0;
	return termkey_keycmp(tk, &x, &y) == 0;
}

/* Inside a bracketed paste: everything goes on; only the end marker is
 * looked for, byte by byte and not in tokens, because what is pasted is
 * text that may hold anything (a pasted ESC [ M would frame the marker as
 * the three bytes of a mouse report) and is never held back. */
static size_t
keys_paste(struct keys *k, const unsigned char *p, size_t n, struct buf *out)
{
	static const char	 end[] = "\033[201~";
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (p[i] == (unsigned char)end[k->paste_match]) {
			if (++k->paste_match == sizeof end - 1) {
				k->paste = 0;
				k->paste_match = 0;
				i++;
				break;
			}
		} else
			k->paste_match = p[i] == 0x1b ? 1 : 0;
	}
	keys_release(k, p, i, out);
	return i;
}

static int
keys_step(struct keys *k, const unsigned char *p, const struct token *t,
    int64_t now, struct buf *out)
{
	if (k->swallow) {
		if (t->haskey && t->event != 1 &&
		    keys_same_key(k->tk, &t->key, &k->swallow_key)) {
			if (t->event == 3)
				k->swallow = 0;
			return KEYS_FORWARD;
		}
		if (t->type != TOK_EVENT)
			k->swallow = 0;
	}

	if (k->pending) {
		/* The prefix's own release, a modifier let go: not the
		 * next key yet. */
		if (t->type == TOK_EVENT) {
			buf_add(&k->prefix, p, t->len);
			return KEYS_FORWARD;
		}
		k->pending = 0;
		if (keys_match(k, t, p, 1))
			return KEYS_DETACH;
		if (keys_match(k, t, p, 0)) {
			keys_release(k, k->prefix.data, k->prefixlen, out);
			return KEYS_FORWARD;
		}
		keys_release(k, k->prefix.data, k->prefix.len, out);
	} else if (keys_match(k, t, p, 0)) {
		if (k->nchord == 1)
			return KEYS_DETACH;
		k->pending = 1;
		buf_reset(&k->prefix);
		buf_add(&k->prefix, p, t->len);
		k->prefixlen = t->len;
		return KEYS_FORWARD;
	}

	keys_release(k, p, t->len, out);
	if (t->type == TOK_PASTE) {
		k->paste = 1;
		k->paste_match = 0;
		k->paste_last = now;
	}
	return KEYS_FORWARD;
}

/* The chord was typed: everything held is dropped. With the kitty
 * protocol the key's release is still to come, unless it is already in
 * what followed. */
static void
keys_detached(struct keys *k, const struct token *chord,
    const unsigned char *p, size_t n)
{
	struct token	 t;
	size_t		 i;

	k->pending = 0;
	buf_reset(&k->prefix);
	buf_reset(&k->tail);
	k->paste = 0;
	k->release = chord->csiu && chord->haskey;
	for (i = 0; k->release && i < n; i += t.len) {
		keys_token(k, p + i, n - i, &t);
		if (t.type == TOK_PARTIAL)
			break;
		if (t.haskey && t.event == 3 &&
		    keys_same_key(k->tk, &t.key, &chord->key))
			k->release = 0;
	}
	k->swallow = k->release;
	if (k->swallow)
		k->swallow_key = chord->key;
}

/* Whether byte b, typed with nothing pending, held or pasted, only goes
 * on: each printable byte is asked of the whole path (framing, libtermkey,
 * the chord) the first time it comes, and the answer kept, so that typed
 * text is passed on as it is without libtermkey's work for every key. */
static int
keys_plain(struct keys *k, unsigned char b)
{
	struct token	 t;
	unsigned	 i, bit;

	if (b < 0x20 || b > 0x7e)
		return 0;
	i = (b - 0x20u) >> 3;
	bit = 1u << (b & 7);
	if (!(k->known[i] & bit)) {
		keys_token(k, &b, 1, &t);
		if (t.type == TOK_KEY && t.len == 1 && !t.report &&
		    !keys_match(k, &t, &b, 0))
			k->plain[i] |= bit;
		k->known[i] |= bit;
	}
	return (k->plain[i] & bit) != 0;
}

int
keys_input(struct keys *k, const char *buf, size_t len, int64_t now,
    int strip, struct buf *out)
{
	const unsigned char	*p;
	struct token		 t;
	size_t			 n, i;
	int			 held;

	k->release = 0;
	k->strip = strip;
	keys_expire(k, now, strip, out);
	held = k->tail.len > 0;
	if (held) {
		buf_reset(&k->work);
		buf_add(&k->work, k->tail.data, k->tail.len);
		buf_add(&k->work, buf, len);
		buf_reset(&k->tail);
		p = (const unsigned char *)k->work.data;
		n = k->work.len;
	} else {
		p = (const unsigned char *)buf;
		n = len;
	}
	if (k->paste)
		k->paste_last = now;

	i = 0;
	if (!k->pending && !k->paste && !k->swallow) {
		while (i < n && keys_plain(k, p[i]))
			i++;
		if (i > 0)
			keys_release(k, p, i, out);
	}
	for (; i < n; i += t.len) {
		if (k->paste) {
			t.len = keys_paste(k, p + i, n - i, out);
			continue;
		}
		keys_token(k, p + i, n - i, &t);
		if (t.type == TOK_PARTIAL) {
			if (n - i <= ESCAPE_MAX) {
				/* Still the same sequence: its time runs on. */
				if (!held || i != 0)
					k->tail_due = now + ESCAPE_TIME;
				buf_add(&k->tail, p + i, n - i);
				break;
			}
			t.type = TOK_OTHER;
			t.len = n - i;
		}
		if (keys_step(k, p + i, &t, now, out) == KEYS_DETACH) {
			keys_detached(k, &t, p + i + t.len, n - i - t.len);
			return KEYS_DETACH;
		}
	}
	return KEYS_FORWARD;
}

int
keys_timeout(const struct keys *k, int64_t now)
{
	int64_t	 due = -1;

	if (k->tail.len > 0)
		due = k->tail_due;
	if (k->paste && (due == -1 || k->paste_last + PASTE_TIME < due))
		due = k->paste_last + PASTE_TIME;
	if (due == -1)
		return -1;
	if (due <= now)
		return 0;
	if (due - now > INT_MAX)
		return INT_MAX;
	return (int)(due - now);
}

void
keys_expire(struct keys *k, int64_t now, int strip, struct buf *out)
{
	k->strip = strip;
	if (k->tail.len > 0 && now >= k->tail_due) {
		/* A sequence that never completed is a key typed after the
		 * prefix, so the prefix goes on too. */
		if (k->pending) {
			keys_release(k, k->prefix.data, k->prefix.len, out);
			k->pending = 0;
		}
		keys_release(k, k->tail.data, k->tail.len, out);
		buf_reset(&k->tail);
	}
	if (k->paste && now - k->paste_last >= PASTE_TIME) {
		k->paste = 0;
		k->paste_match = 0;
	}
}

int
keys_release_follows(const struct keys *k)
{
	return k->release;
}

/* Takes a modifier off the front of a key name; 0 when there is none (a
 * name is never only a modifier: "C-" is not Ctrl with nothing). */
static int
keys_parse_mod(const char **p)
{
	size_t	 i, n;

	for (i = 0; i < nitems(keys_mods); i++) {
		n = strlen(keys_mods[i].name);
		if (strncmp(*p, keys_mods[i].name, n) == 0 &&
		    (*p)[n] != '\0') {
			*p += n;
			return keys_mods[i].mod;
		}
	}
	return 0;
}

/* One key name ("C-M-x", "S-Tab", "F5"): modifiers are taken apart here,
 * the key itself is looked up by libtermkey. */
static int
keys_parse(TermKey *tk, const char *s, size_t len, TermKeyKey *key)
{
	char		 name[64];
	const char	*p, *end;
	int		 mods = 0, mod, l;

	if (len == 0 || len >= sizeof name || memchr(s, '\0', len) != NULL)
		return -1;
	memcpy(name, s, len);
	name[len] = '\0';
	if (strchr(name, ' ') != NULL)
		return -1;
	p = name;
	while ((mod = keys_parse_mod(&p)) != 0)
		mods |= mod;
	/* libtermkey 0.22 reads past the end of a name that ends in a
	 * modifier ("C-"), and key names have no dash in them. */
	if (strchr(p, '-') != NULL && strcmp(p, "-") != 0)
		return -1;
	if ((unsigned char)*p < 0x20 || *p == 0x7f)
		return -1;
	if ((unsigned char)*p >= 0x80) {
		l = utf8_length((const unsigned char *)p, strlen(p));
		if (l <= 0 || (size_t)l != strlen(p))
			return -1;
	}
	memset(key, 0, sizeof *key);
	end = termkey_strpkey(tk, p, key, 0);
	if (end == NULL || *end != '\0')
		return -1;
	switch (key->type) {
	case TERMKEY_TYPE_UNICODE:
		if (key->code.codepoint < 0x20 ||
		    !keys_codepoint_ok(key->code.codepoint))
			return -1;
		break;
	case TERMKEY_TYPE_KEYSYM:
		if (key->code.sym <= TERMKEY_SYM_NONE)
			return -1;
		break;
	case TERMKEY_TYPE_FUNCTION:
		if (key->code.number < 1)
			return -1;
		break;
	default:
		return -1;
	}
	key->modifiers |= mods;
	/* A terminal sends the same for C-A and C-a. */
	if (key->type == TERMKEY_TYPE_UNICODE &&
	    (key->modifiers & TERMKEY_KEYMOD_CTRL) &&
	    key->code.codepoint >= 'A' && key->code.codepoint <= 'Z') {
		key->code.codepoint += 'a' - 'A';
		key->utf8[0] = (char)key->code.codepoint;
	}
	return 0;
}

/* The control code xterm sends for Ctrl with c, or -1. */
static int
keys_ctrl_byte(long c)
{
	if (c >= 'a' && c <= 'z')
		return (int)(c - 'a' + 1);
	if (c >= '[' && c <= '_')
		return (int)(c - '[' + 0x1b);
	if (c >= '3' && c <= '7')
		return (int)(c - '3' + 0x1b);
	switch (c) {
	case '@':
	case ' ':
	case '2':
		return 0;
	case '/':
		return 0x1f;
	case '?':
	case '8':
		return 0x7f;
	}
	return -1;
}

/* Keys with no byte of their own for some modifiers get xterm's
 * modifyOtherKeys form. */
static int
keys_encode_other(long c, int mods, char *s, size_t size)
{
	return snprintf(s, size, "\033[27;%d;%ld~", mods + 1, c);
}

static int
keys_encode_char(long c, int mods, char *s, size_t size)
{
	size_t	 n = 0;
	int	 alt = mods & TERMKEY_KEYMOD_ALT, b;

	mods &= ~TERMKEY_KEYMOD_ALT;
	if (alt)
		s[n++] = 0x1b;
	if (mods == 0)
		n += utf8_put(s + n, (uint32_t)c);
	else if (mods & TERMKEY_KEYMOD_CTRL) {
		if ((mods & TERMKEY_KEYMOD_SHIFT) && !(c >= 'a' && c <= 'z'))
			return keys_encode_other(c, mods | alt, s, size);
		if ((b = keys_ctrl_byte(c)) == -1)
			return keys_encode_other(c, mods | alt, s, size);
		s[n++] = (char)b;
	} else if (c >= 'a' && c <= 'z')
		s[n++] = (char)(c - 'a' + 'A');
	else if (c >= 'A' && c <= 'Z')
		s[n++] = (char)c;
	else
		return keys_encode_other(c, mods | alt, s, size);
	return (int)n;
}

static int
keys_encode_sym(TermKeySym sym, int mods, char *s, size_t size)
{
	static const struct {
		TermKeySym	 sym;
		char		 final;	/* ESC [ (1 ; m) final */
		int		 number;	/* ESC [ number ~ */
		int		 byte;		/* a byte of its own */
	} syms[] = {
		{ TERMKEY_SYM_UP, 'A', 0, -1 },
		{ TERMKEY_SYM_DOWN, 'B', 0, -1 },
		{ TERMKEY_SYM_RIGHT, 'C', 0, -1 },
		{ TERMKEY_SYM_LEFT, 'D', 0, -1 },
		{ TERMKEY_SYM_BEGIN, 'E', 0, -1 },
		{ TERMKEY_SYM_HOME, 'H', 0, -1 },
		{ TERMKEY_SYM_END, 'F', 0, -1 },
		{ TERMKEY_SYM_INSERT, 0, 2, -1 },
		{ TERMKEY_SYM_DELETE, 0, 3, -1 },
		{ TERMKEY_SYM_PAGEUP, 0, 5, -1 },
		{ TERMKEY_SYM_PAGEDOWN, 0, 6, -1 },
		{ TERMKEY_SYM_ENTER, 0, 0, '\r' },
		{ TERMKEY_SYM_TAB, 0, 0, '\t' },
		{ TERMKEY_SYM_BACKSPACE, 0, 0, 0x7f },
		{ TERMKEY_SYM_DEL, 0, 0, 0x7f },
		{ TERMKEY_SYM_ESCAPE, 0, 0, 0x1b },
		{ TERMKEY_SYM_SPACE, 0, 0, ' ' },
	};
	size_t	 i, n = 0;
	int	 alt = mods & TERMKEY_KEYMOD_ALT, rest;

	for (i = 0; i < nitems(syms); i++) {
		if (syms[i].sym == sym)
			break;
	}
	if (i == nitems(syms))
		return -1;
	if (syms[i].final != 0) {
		if (mods == 0)
			return snprintf(s, size, "\033[%c", syms[i].final);
		return snprintf(s, size, "\033[1;%d%c", mods + 1,
		    syms[i].final);
	}
	if (syms[i].number != 0) {
		if (mods == 0)
			return snprintf(s, size, "\033[%d~", syms[i].number);
		return snprintf(s, size, "\033[%d;%d~", syms[i].number,
		    mods + 1);
	}
	if (sym == TERMKEY_SYM_SPACE)
		return keys_encode_char(' ', mods, s, size);
	rest = mods & ~TERMKEY_KEYMOD_ALT;
	if (alt)
		s[n++] = 0x1b;
	if (rest == 0)
		s[n++] = (char)syms[i].byte;
	else if (sym == TERMKEY_SYM_TAB && rest == TERMKEY_KEYMOD_SHIFT) {
		memcpy(s + n, "\033[Z", 3);
		n += 3;
	} else if (sym == TERMKEY_SYM_BACKSPACE &&
	    rest == TERMKEY_KEYMOD_CTRL)
		s[n++] = 0x08;
	else
		return keys_encode_other(syms[i].byte, mods, s, size);
	return (int)n;
}

static int
keys_encode_function(int f, int mods, char *s, size_t size)
{
	static const int	 numbers[] = { 15, 17, 18, 19, 20, 21, 23, 24 };

	if (f >= 1 && f <= 4) {
		if (mods == 0)
			return snprintf(s, size, "\033O%c", 'P' + f - 1);
		return snprintf(s, size, "\033[1;%d%c", mods + 1, 'P' + f - 1);
	}
	if (f >= 5 && f <= 12) {
		if (mods == 0)
			return snprintf(s, size, "\033[%d~", numbers[f - 5]);
		return snprintf(s, size, "\033[%d;%d~", numbers[f - 5],
		    mods + 1);
	}
	return -1;
}

/* What an xterm in its default modes sends for the key. */
static int
keys_encode_key(const TermKeyKey *key, char *s, size_t size)
{
	int	 mods = key->modifiers & 7;

	switch (key->type) {
	case TERMKEY_TYPE_UNICODE:
		return keys_encode_char(key->code.codepoint, mods, s, size);
	case TERMKEY_TYPE_KEYSYM:
		return keys_encode_sym(key->code.sym, mods, s, size);
	case TERMKEY_TYPE_FUNCTION:
		return keys_encode_function(key->code.number, mods, s, size);
	default:
		return -1;
	}
}

struct keys *
keys_new(const char *spec, const char *term)
{
	struct keys	*k;
	const char	*sp;
	int		 i, n, saved;

	if (spec == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((k = calloc(1, sizeof *k)) == NULL)
		return NULL;
	if ((k->tk = keys_termkey(term)) == NULL) {
		saved = errno;
		free(k);
		errno = saved;
		return NULL;
	}
	if ((sp = strchr(spec, ' ')) == NULL) {
		k->nchord = 1;
		if (keys_parse(k->tk, spec, strlen(spec), &k->chord[0].key) ==
		    -1)
			goto invalid;
	} else {
		k->nchord = 2;
		if (keys_parse(k->tk, spec, (size_t)(sp - spec),
		    &k->chord[0].key) == -1 ||
		    keys_parse(k->tk, sp + 1, strlen(sp + 1),
		    &k->chord[1].key) == -1)
			goto invalid;
	}
	for (i = 0; i < k->nchord; i++) {
		n = keys_encode_key(&k->chord[i].key, k->chord[i].legacy,
		    sizeof k->chord[i].legacy);
		if (n > 0 && (size_t)n < sizeof k->chord[i].legacy)
			k->chord[i].legacylen = (size_t)n;
	}
	return k;

invalid:
	keys_free(k);
	errno = EINVAL;
	return NULL;
}

void
keys_free(struct keys *k)
{
	if (k == NULL)
		return;
	termkey_destroy(k->tk);
	buf_free(&k->prefix);
	buf_free(&k->tail);
	buf_free(&k->work);
	free(k);
}

int
keys_encode(const char *name, struct buf *out)
{
	TermKey		*tk;
	TermKeyKey	 key;
	char		 s[32];
	int		 rc, n;

	if (name == NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((tk = keys_termkey("xterm")) == NULL)
		return -1;
	rc = keys_parse(tk, name, strlen(name), &key);
	termkey_destroy(tk);
	if (rc == -1 || (n = keys_encode_key(&key, s, sizeof s)) <= 0 ||
	    (size_t)n >= sizeof s) {
		errno = EINVAL;
		return -1;
	}
	return buf_add(out, s, (size_t)n);
}
