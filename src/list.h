/* sess -l: one line per session. */
#ifndef SESS_LIST_H
#define SESS_LIST_H

#include <stddef.h>
#include <stdint.h>

/* Prints the sessions in dir (names only with names_only; with versions,
 * the sess version each server runs). Returns the exit status. */
int	list_sessions(const char *dir, int names_only, int versions);
/* Formats an age in seconds as its largest one or two units. */
void	list_age(char *, size_t, uint64_t);
/* Copies s for a line of the listing: a backslash as \\, a newline as
 * \n, a tab as \t, other control characters (C0, DEL, C1) and bytes that
 * are not UTF-8 as \xNN, so a session stays on one line and the text can
 * be read back. Cut at a whole character to fit size. */
void	list_escape(char *, size_t, const char *);

#endif
