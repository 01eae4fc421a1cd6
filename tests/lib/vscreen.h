/* What a user's terminal shows: the output read from a pty, rendered by
 * libvterm's screen layer, so tests compare screens, not bytes. */
#ifndef TESTS_VSCREEN_H
#define TESTS_VSCREEN_H

#include <stddef.h>

struct vscreen;

/* replyfd, when not -1, gets the terminal's answers to queries (device
 * attributes, cursor position), as a real terminal would send them. */
struct vscreen	*vscreen_new(int rows, int cols, int replyfd);
void		 vscreen_free(struct vscreen *);

void		 vscreen_feed(struct vscreen *, const char *, size_t);
void		 vscreen_resize(struct vscreen *, int rows, int cols);

int		 vscreen_rows(const struct vscreen *);
int		 vscreen_cols(const struct vscreen *);

/* Row text, UTF-8, trailing blanks trimmed. */
void		 vscreen_row(struct vscreen *, int row, char *, size_t);
/* The row showing s, or -1. */
int		 vscreen_find(struct vscreen *, const char *s);
/* Whether a line that scrolled off the top contained s. */
int		 vscreen_history_has(struct vscreen *, const char *s);
/* The whole screen, rows separated by newlines, for failure messages.
 * The string stays valid until the next call. */
const char	*vscreen_text(struct vscreen *);

void		 vscreen_cursor(struct vscreen *, int *row, int *col);
int		 vscreen_cursor_visible(const struct vscreen *);
int		 vscreen_altscreen(const struct vscreen *);

/* The last state a DEC private mode (CSI ? N h / l) was set to: 1, 0,
 * or -1 if it never appeared. Mode 66 stands for the keypad mode of
 * ESC = / ESC >. */
int		 vscreen_mode(const struct vscreen *, int mode);

/* Whether two terminals show the same: every cell's text, width,
 * attributes and colours, the cursor and the screen in use. If not, why
 * says where. */
int		 vscreen_same(struct vscreen *, struct vscreen *, char *why,
		     size_t);

#endif
