/* The state directory, where checkpoints are kept (SPEC section 8): one
 * directory per saved session, STATE/NAME, under the same rules as the
 * socket directory. */
#ifndef SESS_STATEDIR_H
#define SESS_STATEDIR_H

#include <stddef.h>
#include <sys/types.h>

/* The state directory's path, absolute: $SESS_STATE_DIR,
 * $XDG_STATE_HOME/sess or ~/.local/state/sess. Touches nothing. */
int	statedir_path(char *, size_t);
/* Checks the state directory as sockdir_check does; with create, makes
 * it (and its missing parents, mode 0700) first. */
int	statedir_check(const char *, int create);
/* STATE/NAME into buf. */
int	statedir_join(char *, size_t, const char *dir, const char *name);
/* Makes DIR/.NAME.XXXXXX, mode 0700, for a checkpoint being written:
 * renamed to DIR/NAME once complete. */
int	statedir_temp(char *, size_t, const char *dir, const char *name);
/* Whether STATE/NAME holds a checkpoint: 0 when it does and it is safe
 * to use (a directory of the user's, 0700, not a link; for root, root's),
 * -1 with errno ENOENT (none), or as sockdir_check says why not. */
int	statedir_saved(const char *dir, const char *name);
/* Removes STATE/NAME (or any directory of checkpoint files) and what it
 * holds; a checkpoint has no subdirectories. */
int	statedir_remove(const char *path);

#endif
