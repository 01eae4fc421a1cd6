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

/* Waits until every byte given is in the screen, and returns it for the
 * caller's use until its next model_input. */
struct screen	*model_sync(struct model *);

#endif
