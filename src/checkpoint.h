/* sess checkpoint, restore, migrate: the client's side (SPEC section 8). */
#ifndef SESS_CHECKPOINT_H
#define SESS_CHECKPOINT_H

#include <stddef.h>

/* The subcommands, from main's argv; each returns the exit status. */
int	checkpoint_main(int argc, char **argv);
int	checkpoint_restore_main(int argc, char **argv);

/* Whether NAME has a checkpoint (1), has none (0), or its state cannot
 * be looked at (-1, said). */
int	checkpoint_saved(const char *name);
/* Whether a session called NAME is in the user's socket directory and
 * has not exited (one that does not answer counts): a restore of NAME
 * would be refused. */
int	checkpoint_running(const char *name);
/* Restores saved NAME as NEWNAME (NULL: NAME) in the socket directory
 * sockdir (NULL: the user's, made if need be), detached; 0, or 1 with
 * the reason said. */
int	checkpoint_restore(const char *name, const char *newname,
	    const char *sockdir);
/* Checkpoints running NAME for a move: the program ends here; saved
 * gets the checkpoint's directory. 0, or the exit status (said). */
int	checkpoint_for_move(const char *name, char *saved, size_t);
/* sess -k of a saved session: its checkpoint goes. */
int	checkpoint_forget(const char *name);

#endif
