/* The screen model kept off the data path: the server's loop hands it
 * copies of the program's output, a thread of its own feeds them to the
 * screen, and whoever needs the screen waits until it has caught up. */
#ifndef SESS_MODEL_H
#define SESS_MODEL_H

#include "screen.h"

struct model;

/* Takes the screen over; reply gets the model's answers to the program's
 * queries, called from model_poll in the caller's thread (NULL: they are
 * dropped). */
struct model	*model_new(struct screen *,
		    void (*reply)(const char *, size_t, void *), void *);
void		 model_free(struct model *);

/* Program output, copied: never waits. */
void		 model_input(struct model *, const char *, size_t);
/* The output given from now on went (answered 1) or did not go to a
 * terminal that answers the program's queries: the model answers only
 * the queries in output that did not. Until the first mark, it answers
 * all. -1 when out of memory (the mark is lost). */
int		 model_mark(struct model *, int answered);
/* Whether the backlog is over MODEL_BACKLOG: stop reading the program. */
int		 model_full(struct model *);
/* Whether the model has output to catch up on; if so, model_fd gets
 * readable when it has. */
int		 model_busy(struct model *);
/* Readable when replies are waiting, the backlog has room again or a
 * busy model caught up. */
int		 model_fd(const struct model *);
void		 model_poll(struct model *);

/* The bytes that redraw the screen as every byte given leaves it
 * (screen_redraw without scrollback), without waiting for the model to
 * catch up with a flood: a flood's screen is the last of its lines. */
int		 model_redraw(struct model *, struct buf *);

/* A screen of its own (to free), as model_redraw would draw it. */
struct screen	*model_snapshot(struct model *);

/* Waits until every byte given is in the screen, and returns it for the
 * caller's use until its next model_input; model_sync_within waits ms at
 * most (-1: no bound), and returns NULL when the model is still behind.
 *
 * The server's loop bounds its waits (MODEL_SYNC_MS) rather than leaving
 * them to the thread: an attach, a dump or a detach is answered at once
 * and in order with what the loop does next, and a model that catches
 * up in time (nearly always) gives the exact screen and its scrollback.
 * Past the bound, the loop takes model_redraw or model_snapshot, which
 * wait for no more than the batch being parsed (MODEL_FLOOD bytes at
 * most) and lack only the scrollback; a resize goes to the thread. */
struct screen	*model_sync(struct model *);
struct screen	*model_sync_within(struct model *, int ms);
/* Resizes the screen: at once if the model catches up within ms, else
 * by the model's thread after the output given so far (which the thread
 * may then parse at the new size: a program redraws after a resize). */
void		 model_resize(struct model *, int rows, int cols, int ms);

#endif
