/* The detach chord, spotted in what a terminal sends.
 *
 * Input is cut into tokens here (a character, an escape sequence, a
 * string such as a terminal's reply), each complete token is given to
 * libtermkey on its own to learn which key it is, and the bytes are
 * forwarded untouched. Cutting the tokens ourselves keeps the byte
 * accounting exact where libtermkey's is not (it leaves parts of
 * sequences it does not know in its buffer), and lets kitty keyboard
 * sequences be normalised before libtermkey sees them: it ignores their
 * ':' sub-fields, so a press reads as another key and a release would
 * detach. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <termkey.h>

#include "keys.h"

#define HOLD_MS		10	/* an incomplete sequence waits this long */
#define PASTE_MS	1000	/* an unterminated paste ends after this */
#define TOKEN_MAX	256	/* longer strings are forwarded in pieces */

struct keys {
	TermKey		*tk;
	TermKeyKey	 chord[2];	/* prefix and key, or just the key */
	int		 nchord;
	int		 pending;	/* the prefix was typed */
	struct buf	 held;		/* the prefix's bytes, and what came
					   with it, until the next key */
	struct buf	 partial;	/* an incomplete token at a read's end */
	int64_t		 partial_at;
	int		 pasting;
	int64_t		 paste_at;
	int		 release;	/* the chord came as a kitty sequence */
};

/* What a token is, for the chord. */
enum token_kind {
	TOKEN_KEY,		/* a key press (or repeat) */
	TOKEN_RELEASE,		/* a kitty key release */
	TOKEN_OTHER,		/* a reply, mouse report, focus event... */
	TOKEN_PASTE_START,
	TOKEN_PASTE_END
};

/* Drops the key_mouse capability: with ncurses-6 terminfo libtermkey
 * would read SGR mouse reports wrongly. */
static const char *
keys_terminfo_hook(const char *name, const char *value, void *data)
{
	(void)data;
	if (strcmp(name, "key_mouse") == 0)
		return NULL;
	return value;
}

static TermKey *
keys_termkey(const char *term)
{
	TermKey	*tk;
	int	 flags = TERMKEY_FLAG_UTF8 | TERMKEY_FLAG_CTRLC |
		    TERMKEY_FLAG_NOSTART;

	if (term == NULL || *term == '\0')
		term = "xterm";
	if ((tk = termkey_new_abstract(term, flags)) == NULL &&
	    (tk = termkey_new_abstract("xterm", flags)) == NULL)
		return NULL;
	termkey_hook_terminfo_getstr(tk, keys_terminfo_hook, NULL);
	if (!termkey_start(tk)) {
		termkey_destroy(tk);
		return NULL;
	}
	return tk;
}

/* One key name in libtermkey's syntax, all of it. */
static int
keys_parse_one(TermKey *tk, const char *name, TermKeyKey *key)
{
	const char	*end;

	memset(key, 0, sizeof *key);
	if (*name == '\0')
		return -1;
	end = termkey_strpkey(tk, name, key, TERMKEY_FORMAT_ALTISMETA);
	if (end == NULL || *end != '\0')
		return -1;
	return 0;
}

struct keys *
keys_new(const char *spec, const char *term)
{
	struct keys	*k;
	char		 copy[128], *space;

	if (spec == NULL || strlen(spec) >= sizeof copy) {
		errno = EINVAL;
		return NULL;
	}
	if ((k = calloc(1, sizeof *k)) == NULL)
		return NULL;
	if ((k->tk = keys_termkey(term)) == NULL) {
		free(k);
		errno = ENOMEM;
		return NULL;
	}
	strcpy(copy, spec);
	/* "C-a d": a prefix and a key. A lone space is the key Space. */
	if ((space = strchr(copy, ' ')) != NULL && space != copy) {
		*space = '\0';
		k->nchord = 2;
		if (keys_parse_one(k->tk, copy, &k->chord[0]) == -1 ||
		    keys_parse_one(k->tk, space + 1, &k->chord[1]) == -1)
			goto bad;
	} else {
		k->nchord = 1;
		if (keys_parse_one(k->tk, copy, &k->chord[0]) == -1)
			goto bad;
	}
	return k;

bad:
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
	buf_free(&k->held);
	buf_free(&k->partial);
	free(k);
}

/* Length of a UTF-8 sequence from its first byte; 1 for bytes that
 * cannot start one (they are forwarded alone). */
static size_t
utf8_len(unsigned char c)
{
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 1;
}

/* The length of the token at the front of p: 0 when it is incomplete. */
static size_t
token_len(const unsigned char *p, size_t n)
{
	size_t	 i, want;

	if (p[0] != 0x1b) {
		want = utf8_len(p[0]);
		for (i = 1; i < want; i++) {
			if (i >= n)
				return 0;
			if ((p[i] & 0xc0) != 0x80)
				return 1;	/* invalid: one byte */
		}
		return want;
	}
	if (n < 2)
		return 0;
	switch (p[1]) {
	case '[':
		for (i = 2; i < n && i < TOKEN_MAX; i++) {
			if (p[i] >= 0x40 && p[i] <= 0x7e)
				break;
			if (p[i] < 0x20 || p[i] > 0x3f) {
				if (p[i] < 0x20 || p[i] > 0x2f)
					return i;	/* broken: cut here */
			}
		}
		if (i == TOKEN_MAX)
			return i;
		if (i >= n)
			return 0;
		/* X10 mouse: CSI M and three raw bytes. */
		if (p[i] == 'M' && i == 2)
			return n >= 6 ? 6 : 0;
		return i + 1;
	case 'O':
		return n >= 3 ? 3 : 0;
	case 'P':
	case ']':
	case 'X':
	case '^':
	case '_':
		/* A string (a terminal's reply), to BEL or ST. */
		for (i = 2; i < n && i < TOKEN_MAX; i++) {
			if (p[i] == 0x07)
				return i + 1;
			if (p[i] == 0x1b && i + 1 < n && p[i + 1] == '\\')
				return i + 2;
		}
		return i == TOKEN_MAX ? i : 0;
	case 0x1b:
		/* ESC ESC: Escape itself, then whatever follows. */
		return 1;
	default:
		/* Meta and a character. */
		want = utf8_len(p[1]);
		if (1 + want > n)
			return 0;
		return 1 + want;
	}
}

/* Rewrites a kitty CSI u or modifyOtherKeys sequence into the plain form
 * libtermkey reads right: alternate keys and event types dropped, lock
 * modifiers masked. Returns the kind of event. */
static enum token_kind
token_normalise(const unsigned char *p, size_t n, char *out, size_t size)
{
	unsigned long	 v[3] = { 0, 1, 0 }, event = 1;
	size_t		 i, field = 0;
	int		 sub = 0;
	char		 final = (char)p[n - 1];

	if (n < 4 || p[1] != '[' || (final != 'u' && final != '~'))
		return TOKEN_KEY;
	if (p[2] < '0' || p[2] > '9')
		return TOKEN_KEY;
	for (i = 2; i < n - 1; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			if (sub == 0 && field < 3)
				v[field] = v[field] * 10 + (p[i] - '0');
			else if (sub == 1 && field == 1)
				event = event * 10 + (p[i] - '0');
		} else if (p[i] == ';') {
			field++;
			sub = 0;
			if (field < 3)
				v[field] = 0;
		} else if (p[i] == ':') {
			if (sub++ == 0 && field == 1)
				event = 0;
		} else
			return TOKEN_KEY;
	}
	if (field >= 1 && v[1] == 0)
		v[1] = 1;
	if (final == 'u') {
		if (event == 3)
			return TOKEN_RELEASE;
		snprintf(out, size, "\033[%lu;%luu", v[0],
		    ((v[1] - 1) & 7) + 1);
		return TOKEN_KEY;
	}
	if (v[0] == 27 && field == 2) {
		snprintf(out, size, "\033[27;%lu;%lu~", ((v[1] - 1) & 7) + 1,
		    v[2]);
		return TOKEN_KEY;
	}
	return TOKEN_KEY;
}

/* Key sequences have digits, ';' and ':' for parameters. Anything else
 * (replies with '?' or '$', mouse reports with '<', intermediates) is not
 * a key, and libtermkey 0.22 crashes on some of it (CSI SP A). */
static int
token_plain_csi(const unsigned char *p, size_t n)
{
	size_t	 i;

	if (n < 3 || p[0] != 0x1b || p[1] != '[')
		return 1;
	if (n == 6 && p[2] == 'M')
		return 0;	/* X10 mouse */
	for (i = 2; i < n - 1; i++) {
		if (!((p[i] >= '0' && p[i] <= '9') || p[i] == ';' ||
		    p[i] == ':'))
			return 0;
	}
	return 1;
}

/* Which key a complete token is, if any. */
static enum token_kind
token_key(struct keys *k, const unsigned char *p, size_t n, TermKeyKey *key)
{
	static const char	 paste_start[] = "\033[200~";
	static const char	 paste_end[] = "\033[201~";
	TermKeyResult		 r;
	enum token_kind		 kind;
	char			 norm[64];

	if (n == 6 && memcmp(p, paste_start, 6) == 0)
		return TOKEN_PASTE_START;
	if (n == 6 && memcmp(p, paste_end, 6) == 0)
		return TOKEN_PASTE_END;
	if (n > 2 && p[0] == 0x1b && p[1] != '[' && p[1] != 'O' &&
	    utf8_len(p[1]) + 1 != n)
		return TOKEN_OTHER;	/* a string, not a key */
	if (!token_plain_csi(p, n))
		return TOKEN_OTHER;
	norm[0] = '\0';
	if ((kind = token_normalise(p, n, norm, sizeof norm)) != TOKEN_KEY)
		return kind;
	if (norm[0] != '\0')
		termkey_push_bytes(k->tk, norm, strlen(norm));
	else
		termkey_push_bytes(k->tk, (const char *)p, n);
	r = termkey_getkey(k->tk, key);
	if (r == TERMKEY_RES_AGAIN)
		r = termkey_getkey_force(k->tk, key);
	/* Whatever it did not take belongs to no other token. */
	while (termkey_get_buffer_remaining(k->tk) < termkey_get_buffer_size(
	    k->tk)) {
		TermKeyKey	 junk;

		if (termkey_getkey_force(k->tk, &junk) != TERMKEY_RES_KEY)
			break;
	}
	if (r != TERMKEY_RES_KEY)
		return TOKEN_OTHER;
	if (key->type == TERMKEY_TYPE_MOUSE ||
	    key->type == TERMKEY_TYPE_POSITION ||
	    key->type == TERMKEY_TYPE_MODEREPORT ||
	    key->type == TERMKEY_TYPE_DCS || key->type == TERMKEY_TYPE_OSC ||
	    key->type == TERMKEY_TYPE_UNKNOWN_CSI)
		return TOKEN_OTHER;
	return TOKEN_KEY;
}

static int
key_is(struct keys *k, TermKeyKey *key, int which)
{
	TermKeyKey	 want = k->chord[which];

	key->modifiers &= TERMKEY_KEYMOD_SHIFT | TERMKEY_KEYMOD_ALT |
	    TERMKEY_KEYMOD_CTRL;
	return termkey_keycmp(k->tk, key, &want) == 0;
}

/* Handles one complete token; 1 when it completes the chord. */
static int
keys_token(struct keys *k, const unsigned char *p, size_t n,
    struct buf *out)
{
	TermKeyKey	 key;
	enum token_kind	 kind;

	kind = token_key(k, p, n, &key);
	if (k->pasting) {
		if (kind == TOKEN_PASTE_END)
			k->pasting = 0;
		buf_add(out, p, n);
		return 0;
	}
	if (kind == TOKEN_PASTE_START) {
		k->pasting = 1;
		buf_add(out, p, n);
		return 0;
	}
	if (kind != TOKEN_KEY) {
		/* Releases and replies wait with a pending prefix, so that
		 * the prefix's own release does not end it. */
		buf_add(k->pending ? &k->held : out, p, n);
		return 0;
	}
	if (k->pending) {
		k->pending = 0;
		if (key_is(k, &key, 1)) {
			buf_reset(&k->held);
			k->release = n > 2 && p[n - 1] == 'u';
			return 1;
		}
		if (key_is(k, &key, 0)) {
			/* The prefix twice: the program gets it once. */
			buf_add(out, k->held.data, k->held.len);
			buf_reset(&k->held);
			return 0;
		}
		buf_add(out, k->held.data, k->held.len);
		buf_reset(&k->held);
		buf_add(out, p, n);
		return 0;
	}
	if (key_is(k, &key, 0)) {
		if (k->nchord == 1) {
			k->release = n > 2 && p[n - 1] == 'u';
			return 1;
		}
		k->pending = 1;
		buf_add(&k->held, p, n);
		return 0;
	}
	buf_add(out, p, n);
	return 0;
}

int
keys_input(struct keys *k, const char *in, size_t len, int64_t now,
    struct buf *out)
{
	const unsigned char	*p;
	size_t			 n, t, off = 0;
	struct buf		 all = { 0 };
	int			 rc = KEYS_FORWARD;

	if (k->pasting && now - k->paste_at >= PASTE_MS)
		k->pasting = 0;
	k->paste_at = now;
	/* Bytes held from the last read come first. */
	if (k->partial.len > 0) {
		buf_add(&all, k->partial.data, k->partial.len);
		buf_add(&all, in, len);
		buf_reset(&k->partial);
		p = (const unsigned char *)all.data;
		n = all.len;
	} else {
		p = (const unsigned char *)in;
		n = len;
	}
	while (off < n) {
		if ((t = token_len(p + off, n - off)) == 0) {
			buf_add(&k->partial, p + off, n - off);
			k->partial_at = now;
			break;
		}
		if (keys_token(k, p + off, t, out)) {
			rc = KEYS_DETACH;
			break;
		}
		off += t;
	}
	buf_free(&all);
	return rc;
}

int
keys_timeout(const struct keys *k, int64_t now)
{
	int64_t	 due = -1, t;

	if (k->partial.len > 0)
		due = k->partial_at + HOLD_MS;
	if (k->pasting) {
		t = k->paste_at + PASTE_MS;
		if (due == -1 || t < due)
			due = t;
	}
	if (due == -1)
		return -1;
	return due <= now ? 0 : (int)(due - now);
}

void
keys_expire(struct keys *k, int64_t now, struct buf *out)
{
	if (k->pasting && now - k->paste_at >= PASTE_MS)
		k->pasting = 0;
	if (k->partial.len > 0 && now - k->partial_at >= HOLD_MS) {
		/* Nothing more came: it is what it is. A lone ESC is the
		 * Escape key, which may end a pending prefix. */
		if (k->partial.len == 1 && k->partial.data[0] == 0x1b)
			keys_token(k, (const unsigned char *)"\033", 1, out);
		else
			buf_add(k->pending ? &k->held : out, k->partial.data,
			    k->partial.len);
		buf_reset(&k->partial);
	}
}

int
keys_release_follows(const struct keys *k)
{
	return k->release;
}

/* The xterm modifier parameter: 1 plus shift 1, alt 2, ctrl 4. */
static int
xterm_mod(int mods)
{
	return 1 + (mods & TERMKEY_KEYMOD_SHIFT ? 1 : 0) +
	    (mods & TERMKEY_KEYMOD_ALT ? 2 : 0) +
	    (mods & TERMKEY_KEYMOD_CTRL ? 4 : 0);
}

/* A cursor-style key: CSI X, or CSI 1;m X with modifiers. */
static int
encode_csi_letter(struct buf *out, char c, int mods)
{
	if (mods == 0)
		return buf_addf(out, "\033[%c", c);
	return buf_addf(out, "\033[1;%d%c", xterm_mod(mods), c);
}

static int
encode_csi_tilde(struct buf *out, int n, int mods)
{
	if (mods == 0)
		return buf_addf(out, "\033[%d~", n);
	return buf_addf(out, "\033[%d;%d~", n, xterm_mod(mods));
}

static int
encode_unicode(struct buf *out, long cp, int mods)
{
	char	 u[8];
	int	 n = 0;

	if (mods & TERMKEY_KEYMOD_CTRL) {
		if (cp >= 'a' && cp <= 'z')
			cp -= 'a' - 1;
		else if (cp >= '@' && cp <= '_')
			cp -= '@';
		else if (cp == ' ')
			cp = 0;
		else if (cp == '?')
			cp = 0x7f;
		else
			return -1;
	}
	if (mods & TERMKEY_KEYMOD_ALT)
		buf_add(out, "\033", 1);
	if (cp < 0x80)
		u[n++] = (char)cp;
	else if (cp < 0x800) {
		u[n++] = (char)(0xc0 | cp >> 6);
		u[n++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		u[n++] = (char)(0xe0 | cp >> 12);
		u[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[n++] = (char)(0x80 | (cp & 0x3f));
	} else {
		u[n++] = (char)(0xf0 | cp >> 18);
		u[n++] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[n++] = (char)(0x80 | (cp & 0x3f));
	}
	return buf_add(out, u, (size_t)n);
}

static int
encode_keysym(struct buf *out, TermKeySym sym, int mods)
{
	const char	*plain = NULL;

	switch (sym) {
	case TERMKEY_SYM_ENTER:
		plain = "\r";
		break;
	case TERMKEY_SYM_TAB:
		plain = mods & TERMKEY_KEYMOD_SHIFT ? "\033[Z" : "\t";
		mods &= ~TERMKEY_KEYMOD_SHIFT;
		break;
	case TERMKEY_SYM_BACKSPACE:
		plain = "\177";
		break;
	case TERMKEY_SYM_ESCAPE:
		plain = "\033";
		break;
	case TERMKEY_SYM_SPACE:
		return encode_unicode(out, ' ', mods);
	case TERMKEY_SYM_DEL:
		plain = "\177";
		break;
	case TERMKEY_SYM_UP:
		return encode_csi_letter(out, 'A', mods);
	case TERMKEY_SYM_DOWN:
		return encode_csi_letter(out, 'B', mods);
	case TERMKEY_SYM_RIGHT:
		return encode_csi_letter(out, 'C', mods);
	case TERMKEY_SYM_LEFT:
		return encode_csi_letter(out, 'D', mods);
	case TERMKEY_SYM_HOME:
		return encode_csi_letter(out, 'H', mods);
	case TERMKEY_SYM_END:
		return encode_csi_letter(out, 'F', mods);
	case TERMKEY_SYM_INSERT:
		return encode_csi_tilde(out, 2, mods);
	case TERMKEY_SYM_DELETE:
		return encode_csi_tilde(out, 3, mods);
	case TERMKEY_SYM_PAGEUP:
		return encode_csi_tilde(out, 5, mods);
	case TERMKEY_SYM_PAGEDOWN:
		return encode_csi_tilde(out, 6, mods);
	default:
		return -1;
	}
	if (mods & TERMKEY_KEYMOD_ALT)
		buf_add(out, "\033", 1);
	return buf_adds(out, plain);
}

static int
encode_function(struct buf *out, int n, int mods)
{
	static const int	 tilde[] = { 15, 17, 18, 19, 20, 21, 23, 24 };

	if (n >= 1 && n <= 4) {
		if (mods == 0)
			return buf_addf(out, "\033O%c", 'P' + n - 1);
		return buf_addf(out, "\033[1;%d%c", xterm_mod(mods),
		    'P' + n - 1);
	}
	if (n >= 5 && n <= 12)
		return encode_csi_tilde(out, tilde[n - 5], mods);
	return -1;
}

int
keys_encode(const char *name, struct buf *out)
{
	static TermKey	*tk;
	TermKeyKey	 key;
	int		 rc = -1;

	if (tk == NULL && (tk = keys_termkey("xterm")) == NULL)
		return -1;
	if (keys_parse_one(tk, name, &key) == 0) {
		switch (key.type) {
		case TERMKEY_TYPE_UNICODE:
			rc = encode_unicode(out, key.code.codepoint,
			    key.modifiers);
			break;
		case TERMKEY_TYPE_KEYSYM:
			rc = encode_keysym(out, key.code.sym, key.modifiers);
			break;
		case TERMKEY_TYPE_FUNCTION:
			rc = encode_function(out, key.code.number,
			    key.modifiers);
			break;
		default:
			break;
		}
	}
	if (rc == -1)
		errno = EINVAL;
	return rc;
}
