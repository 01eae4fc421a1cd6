/* The processes adopt's tests move: the test program itself, run again
 * with --victim MODE from an interactive bash on the old terminal, and the
 * helpers that start, find, look at and end them. */
#ifndef SESS_TEST_VICTIM_H
#define SESS_TEST_VICTIM_H

#include <sys/types.h>

#include "pty.h"

/* The test program's main with --victim MODE: prints "pid=PID." and runs
 * as MODE says (tick, busy, threads, churn, fds, sleep, seccomp, vfork,
 * stuck, nodump, notstp, nofile, pause); returns only for an unknown one. */
int		 victim_main(const char *mode);

/* The old terminal: an interactive bash whose prompt is "PROMPT> ". */
struct term	*victim_shell(int rows, int cols);
/* Types a command line that runs a victim (prefix, then this program,
 * then suffix) into the shell on t; the victim's pid once it says it. */
pid_t		 victim_start(struct term *t, const char *prefix,
		     const char *mode, const char *suffix);
/* A victim as the program of a new terminal of its own, leading its
 * session, once it says its pid. */
struct term	*victim_spawn(int rows, int cols, const char *mode);
/* A victim that forks (vfork, stuck), and its child, from the
 * "child=PID." the victim prints. */
pid_t		 victim_parent(struct term *t, const char *mode,
		     const char *suffix, pid_t *child);
/* The pid a program on t printed as "pid=PID.", killed at the end as a
 * victim. */
pid_t		 victim_pid(struct term *t);
/* pid is killed at the end as a victim. */
void		 victim_track(pid_t);
/* This program's path, to run a victim some other way. */
const char	*victim_self(void);
/* Kills every victim started (by pidfd, so that a reused pid is safe)
 * and waits until each is gone. */
void		 victim_kill_all(void);

/* What adopting may change in a process, for a failure to leave alone. */
struct victim_snapshot {
	char			 maps[65536];
	char			 fds[4096];	/* each: FD TARGET FLAGS */
	unsigned long long	 ign, cgt, blk;
	struct proc_stat	 st;
};
void		 victim_snap(pid_t, struct victim_snapshot *);
/* Fails the test unless a and b are the same. */
void		 victim_snap_equal(const struct victim_snapshot *a,
		     const struct victim_snapshot *b);

#endif
