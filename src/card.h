/* A session's card: what a listing shows of it (its INFO, and the
 * protocol of the server that wrote it), kept by its server in the
 * socket directory as DIR/.NAME under a lock the server holds for as
 * long as it lives. sess -l reads the cards instead of waking every
 * server; a card whose lock is free, or that was caught being written,
 * sends the listing to the server itself, as before. */
#ifndef SESS_CARD_H
#define SESS_CARD_H

#include <stdint.h>

#include "proto.h"

/* The card of session name in dir, created if need be and locked: its
 * descriptor, or -1 with errno (EWOULDBLOCK: another server holds it). */
int	card_open(const char *dir, const char *name);
/* Writes info on the card of fd (the whole card, in place): 0, or -1
 * with errno. */
int	card_write(int fd, const struct proto_info *);
/* The card of name in dir, if a live server keeps it: 1 with *info and
 * *version (the protocol it speaks) set; 0 when there is none to trust
 * (none, its lock free, unreadable, caught being written). */
int	card_read(const char *dir, const char *name, struct proto_info *,
	    uint32_t *version);
/* Takes the card of name in dir away: with fd != -1, only if it is still
 * the card of fd (another server's is left alone). */
void	card_remove(const char *dir, const char *name, int fd);

#endif
