/* What /proc says about a process: its stat line, its status fields, its
 * descriptors' flags and its command line. One reader for sess, its
 * tests and its benchmarks, so that all of them parse the same way. */
#ifndef SESS_PROC_H
#define SESS_PROC_H

#include <sys/types.h>

/* The fields of /proc/PID/stat that are used. */
struct proc_stat {
	char			 comm[17];
	char			 state;
	pid_t			 ppid, pgid, sid, tpgid;
	unsigned int		 tty_nr;
	unsigned long		 utime, stime;	/* clock ticks */
	int			 exit_code;	/* a zombie's wait status */
};

/* Reads a small file whole, NUL-terminated: its length, or -1. */
ssize_t		 proc_slurp(const char *path, char *buf, size_t size);

/* Parses /proc/PID/stat: 0, or -1 if pid is gone. */
int		 proc_stat(pid_t, struct proc_stat *);

/* The command name of pid (stat's second field, as /proc/PID/comm has
 * it) into buf: 0, or -1 if pid is gone. */
int		 proc_comm(pid_t, char *buf, size_t size);

/* The value of a "Name:\tvalue" line in a status or fdinfo text. */
const char	*proc_field(const char *text, const char *name);
/* /proc/PID/status whole into buf: its length, or -1. */
ssize_t		 proc_status(pid_t, char *buf, size_t size);
/* A hexadecimal mask of /proc/PID/status (SigIgn, SigBlk, CapEff...):
 * 0 if pid is gone or has no such line. */
unsigned long long proc_status_mask(pid_t, const char *name);
/* Whether signal sig is in that mask. */
int		 proc_status_has(pid_t, const char *name, int sig);
/* A decimal field of /proc/PID/status (TracerPid, VmRSS in kB...): -1
 * if pid is gone or has no such line. */
long		 proc_status_long(pid_t, const char *name);

/* How many descriptors pid has open, or -1; proc_fds counts those whose
 * target (what /proc/PID/fd/N links to: "socket:[...]", a path) match
 * accepts. */
int		 proc_fd_count(pid_t);
int		 proc_fds(pid_t, int (*match)(const char *, void *), void *);
/* What a descriptor of pid is open on (readlink of /proc/PID/fd/FD):
 * its length, or -1 with "" in buf. */
ssize_t		 proc_fd_link(pid_t, int fd, char *buf, size_t size);
/* The open flags of a descriptor of pid (fdinfo "flags:"), or -1. */
int		 proc_fd_flags(pid_t, int fd);

/* The command line of pid, its arguments joined by spaces: the length,
 * or -1 if it cannot be read or is empty. */
ssize_t		 proc_cmdline(pid_t, char *buf, size_t size);

#endif
