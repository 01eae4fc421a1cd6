/* Session names and the socket directory (SPEC section 3). */
#ifndef SESS_SOCKDIR_H
#define SESS_SOCKDIR_H

#include <stddef.h>

#define NAME_MAX_LEN	64

/* 0 if name is 1-64 characters from [A-Za-z0-9._-] not starting with
 * '.'; else -1 with errno EINVAL. */
int		 name_check(const char *);

/* The socket directory's path, absolute: $SESS_DIR, $XDG_RUNTIME_DIR/sess
 * or /tmp/sess-UID. Touches nothing. -1 with errno ENAMETOOLONG. */
int		 sockdir_path(char *, size_t);

/* A directory named by the environment variable name, absolute (a
 * relative one is taken from the current directory): 1, 0 when it is not
 * set, -1 with errno ENAMETOOLONG. */
int		 sockdir_env_path(char *, size_t, const char *name);
/* Takes trailing slashes off a directory's path: 0. */
int		 sockdir_trim(char *);

/* Checks the directory (and with create, makes it mode 0700 when it does
 * not exist). -1 with errno: ENOENT (missing, create not asked), ELOOP
 * (a symbolic link), ENOTDIR (not a directory), EPERM (another owner),
 * EACCES (group or other access), or what mkdir/lstat said. Nothing is
 * ever followed or chmod'ed. */
int		 sockdir_check(const char *, int create);
/* Why sockdir_check refused, for the message. */
const char	*sockdir_strerror(int);

/* DIR/NAME into buf; -1 with errno ENAMETOOLONG past a socket's limit. */
int		 sockdir_join(char *, size_t, const char *, const char *);

/* Calls fn with the name of each socket in dir that a session may have,
 * until fn returns -1. -1 with errno when dir cannot be read (ENOENT:
 * there is none) or fn failed. */
int		 sockdir_each(const char *, int (*)(const char *, void *),
		     void *);

#endif
