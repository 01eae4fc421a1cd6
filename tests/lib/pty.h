/* End-to-end test harness: programs on real ptys, one-shot commands, and
 * the children they leave.
 *
 * A struct term is a user's terminal: the test holds the pty master, the
 * program under test gets the slave as its controlling terminal and its
 * standard descriptors. Everything the program writes is kept (and, unless
 * turned off, rendered by a terminal emulator, see vscreen.h), so tests
 * wait for text to appear instead of sleeping.
 *
 * Every wait polls for a condition and gives up after a timeout in
 * milliseconds; TEST_TIMEOUT is long enough for a loaded CI machine. */
#ifndef TESTS_PTY_H
#define TESTS_PTY_H

#include <sys/types.h>

#include <stddef.h>
#include <termios.h>

#include "proc.h"
#include "util.h"
#include "vscreen.h"

#define TEST_TIMEOUT	15000

/* Past this many bytes, the oldest output of a terminal is forgotten (the
 * renderer has seen it already): a program may print gigabytes. */
#define TERM_KEEP	(4 * 1024 * 1024)

struct term {
	int		 master;
	int		 slave;		/* kept open: termios after exit,
					   and no EIO on the master */
	pid_t		 pid;
	int		 rows;
	int		 cols;
	struct termios	 initial;	/* the settings it started with */

	struct buf	 out;		/* output not yet forgotten */
	size_t		 mark;		/* term_expect searches from here */
	unsigned long long total;	/* bytes read in all */

	struct vscreen	*screen;	/* NULL: not rendered */
	int		 status;	/* wait status once exited */
	int		 exited;
};

/* Starts argv[0] (looked up in PATH) on a new pty of the given size. The
 * child is a session leader with the slave as controlling terminal. The
 * environment is this process's. */
struct term	*term_spawn(int rows, int cols, const char *const argv[]);
/* The same for sess itself; the arguments end with NULL. */
struct term	*term_sess(int rows, int cols, ...);
/* Kills the child if it still runs (it is ours), closes the pty. */
void		 term_free(struct term *);
/* term_free on every terminal still open. */
void		 term_free_all(void);

/* Stops rendering (for terminals fed huge amounts of output). */
void		 term_no_screen(struct term *);

/* Writes all bytes to the master, as if typed. -1 on error. */
int		 term_write(struct term *, const void *, size_t);
int		 term_type(struct term *, const char *);

/* Reads what is there, waiting at most timeout ms for the first byte.
 * Returns the number of bytes read, 0 on timeout, -1 on error. */
ssize_t		 term_read(struct term *, int timeout);
/* Reads until nothing more is there right now. */
void		 term_drain(struct term *);

/* Waits until the output read since the mark contains s, then moves the
 * mark past it. 1 if found, 0 on timeout. */
int		 term_expect(struct term *, const char *s, int timeout);
/* Whether the output since the mark contains s, without waiting. */
int		 term_seen(struct term *, const char *s);
/* Moves the mark to the end of what was read so far. */
void		 term_skip(struct term *);

/* Waits until the rendered screen shows s on one row. 1 or 0. */
int		 term_wait_screen(struct term *, const char *s, int timeout);
/* Whether the rendered screen shows s now (after reading what is there). */
int		 term_shows(struct term *, const char *s);

/* Waits for the input written to the master to be read by whoever reads
 * the terminal. 1 or 0 on timeout. */
int		 term_wait_consumed(struct term *, int timeout);

/* Waits for the child to exit, reading its output meanwhile. Returns its
 * exit code (128+N for signal N), or -1 on timeout. */
int		 term_wait_exit(struct term *, int timeout);

/* The pty's current settings. */
int		 term_termios(struct term *, struct termios *);
/* 1 if two termios hold the same settings. */
int		 termios_same(const struct termios *, const struct termios *);
/* Changes the pty's size, as a terminal window being resized would. */
int		 term_resize(struct term *, int rows, int cols);

/* A one-shot command, run to completion without a terminal: stdin is
 * /dev/null and the child is in a new session with no controlling
 * terminal. */
struct run {
	int		 code;		/* exit code, 128+N for signal N, -1 */
	struct buf	 out;
	struct buf	 err;
};

/* Runs argv, returns its exit code (-1 if it had to be killed after the
 * timeout). out and err end with a NUL (not counted in len). */
int		 run_argv(struct run *, const char *const argv[], int timeout);
/* Runs sess with the arguments, NULL-terminated. */
int		 run_sess(struct run *, ...);
void		 run_free(struct run *);
/* Number of lines in a NUL-terminated buffer. */
int		 count_lines(const struct buf *);

/* Children: every pid started here, reaped in one place so that the
 * orphans that land on this process (it is a subreaper) never steal the
 * status of a child a test waits for. */
void		 child_track(pid_t);
/* Reaps what has exited. */
void		 child_reap(void);
/* 1 and the exit code (128+N for signal N) in *code if pid was reaped. */
int		 child_done(pid_t, int *code);
/* Waits for pid to be reaped; its code, or -1 on timeout. */
int		 child_wait(pid_t, int timeout);
/* Forgets a child. */
void		 child_forget(pid_t);


/* Where the sess under test leaves valgrind and sanitizer reports. */
void		 reports_dir_set(const char *);

/* Absolute path of the sess under test: $SESS_BIN, else ./sess. */
const char	*sess_bin(void);

/* Polls cond(arg) every few ms until it returns non-zero or the timeout
 * passes; returns the last value. */
int		 poll_until(int (*cond)(void *), void *arg, int timeout);
/* Sleeps ms between polls. */
void		 nap(int ms);

/* Makes setsid() fail with EPERM in this process from now on (a seccomp
 * filter): what an adoption that must fail half way meets. -1 if the
 * kernel refused the filter. */
int		 seccomp_refuse_setsid(void);

#endif
