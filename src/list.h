/* sess -l: one line per session. */
#ifndef SESS_LIST_H
#define SESS_LIST_H

#include <stddef.h>
#include <stdint.h>

/* Prints the sessions in dir (names only with names_only). Returns the
 * exit status. */
int	list_sessions(const char *dir, int names_only);
/* Formats an age in seconds as its largest one or two units. */
void	list_age(char *, size_t, uint64_t);

#endif
