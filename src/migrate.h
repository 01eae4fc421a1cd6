/* Moving a checkpoint between machines (sess migrate, sess receive). */
#ifndef SESS_MIGRATE_H
#define SESS_MIGRATE_H

#include <stddef.h>

/* Writes the checkpoint in dir to out as one stream. */
int	migrate_send(const char *dir, int out);
/* Reads a stream from in into dir (an empty directory); -1 with errno
 * and msg saying what was wrong. */
int	migrate_receive(int in, const char *dir, char *msg, size_t);

/* The subcommands. */
int	migrate_main(int argc, char **argv);
int	migrate_receive_main(int argc, char **argv);

#endif
