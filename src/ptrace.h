/* The ptrace core: stop every thread of a process wherever it is, make
 * system calls in it as if it made them itself, and give it back exactly
 * as it was.
 *
 * Threads are seized (PTRACE_SEIZE) and interrupted (PTRACE_INTERRUPT),
 * so a process that never makes a system call stops too; every wait has
 * a deadline. Calls are made by pointing one thread at a system call
 * instruction in the vDSO (no code is written into the process) and
 * stepping it from the call's entry to its exit. Signals that reach the
 * process meanwhile are held back and sent again on detach. The original
 * registers are put back and the thread goes once more through signal
 * delivery, so the kernel itself restarts a system call that the stop
 * interrupted (read, nanosleep keep their meaning and their timing). */
#ifndef SESS_PTRACE_H
#define SESS_PTRACE_H

#include <sys/types.h>

#include <signal.h>
#include <stdint.h>

#include "arch.h"
#include "config.h"

/* The dummy copy adopt makes for setsid, with room to spare. */
#define PTRACE_MAX_CHILDREN	4

struct ptrace_sig {
	pid_t		 tid;
	int		 sig;
	int		 code;		/* si_code: SI_TKILL went to tid */
};

struct ptrace_proc {
	pid_t		 pid;
	int		 pidfd;		/* pins the process; -1: none */
	int		 timeout;	/* ms */
	const struct arch_info *arch;

	pid_t		*tids;		/* seized threads */
	int		*stopped;
	size_t		 ntids;

	pid_t		 tid;		/* the thread making the calls */
	struct arch_regs saved;		/* its registers at the stop */
	int		 moved;		/* it left the stop to make calls */
	int		 dead;		/* it exited under us */
	uint64_t	 insn;		/* a system call instruction */

	uint64_t	 scratch;	/* memory mapped in the process */
	size_t		 scratch_len;

	pid_t		 children[PTRACE_MAX_CHILDREN];	/* made by clone */
	int		 nchildren;

	struct ptrace_sig sigs[PTRACE_MAX_SIGS];
	int		 nsigs;
	sigset_t	 drop;		/* not sent again on detach */

	char		 why[160];	/* what failed, for the caller */
};

/* Seizes and stops every thread of pid and prepares calls in it. 0, or -1
 * with errno and p->why; on failure nothing is left attached. pidfd may
 * be -1. */
int	 ptrace_attach(struct ptrace_proc *, pid_t, int);

/* Makes system call nr with up to six arguments in the process. 0 and the
 * call's result (a negative errno on failure) in *ret, or -1 with errno
 * and p->why when the tracee could not be made to call it. */
int	 ptrace_call(struct ptrace_proc *, long, int64_t *, uint64_t,
	    uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* Copies to and from the process's memory. 0 or -1. */
int	 ptrace_write(struct ptrace_proc *, uint64_t, const void *, size_t);
int	 ptrace_read(struct ptrace_proc *, uint64_t, void *, size_t);

/* Maps (and unmaps) len bytes of read-write memory in the process, at
 * p->scratch. 0 or -1. */
int	 ptrace_map(struct ptrace_proc *, size_t);
int	 ptrace_unmap(struct ptrace_proc *);

/* Waits for the first stop of a process the tracee made with clone (it
 * is attached automatically and never runs). 0 or -1. */
int	 ptrace_child_stop(struct ptrace_proc *, pid_t);
/* Kills such a child and collects its end as its tracer; its parent
 * still has to reap it. 0 or -1. */
int	 ptrace_child_kill(struct ptrace_proc *, pid_t);

/* Puts the registers back, lets the kernel finish or restart the call
 * the stop interrupted, detaches every thread and sends again the signals
 * held back (except those in p->drop). 0, or -1 if a thread could not be
 * given back cleanly (it is detached anyway). */
int	 ptrace_detach(struct ptrace_proc *);

#endif
