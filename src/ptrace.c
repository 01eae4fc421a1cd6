/* The ptrace core; see ptrace.h. */
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "ptrace.h"
#include "util.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP	128
#endif
#ifndef PTRACE_SYSCALL_INFO_ENTRY
#define PTRACE_SYSCALL_INFO_ENTRY	1
#define PTRACE_SYSCALL_INFO_EXIT	2
#endif

#define PTRACE_OPTIONS	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE)

/* The kernel's restart codes, which never reach a process. */
#define ERESTARTSYS_		512
#define ERESTART_RESTARTBLOCK_	516

#if !ARCH_SUPPORTED
const struct arch_info *
arch_get(void)
{
	return NULL;
}
uint64_t arch_get_ip(const struct arch_regs *r) { (void)r; return 0; }
void arch_set_ip(struct arch_regs *r, uint64_t ip) { (void)r; (void)ip; }
void arch_set_syscall(struct arch_regs *r, long nr, const uint64_t a[6]) { (void)r; (void)nr; (void)a; }
int arch_forget_syscall(pid_t t) { (void)t; return 0; }
#endif

/* Registers of a stopped tracee, as the kernel has them for every ABI
 * (NT_PRSTATUS, of the size the arch file gives). 0, or -1 with errno. */
static int
ptrace_get_regs(pid_t tid, struct arch_regs *r)
{
	const struct arch_info	*a = arch_get();
	struct iovec		 iov = { r->u.b, 0 };

	memset(r, 0, sizeof *r);
	if (a == NULL) {
		errno = ENOSYS;
		return -1;
	}
	iov.iov_len = a->regs_size;
	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) == -1)
		return -1;
	r->len = iov.iov_len;
	return 0;
}

static int
ptrace_set_regs(pid_t tid, const struct arch_regs *r)
{
	struct iovec	 iov = { (void *)r->u.b, r->len };

	return ptrace(PTRACE_SETREGSET, tid, (void *)NT_PRSTATUS, &iov) == -1 ?
	    -1 : 0;
}

enum stop {
	STOP_GONE,		/* exited */
	STOP_EVENT,		/* interrupt or group stop */
	STOP_SYSCALL,		/* system call entry or exit */
	STOP_CLONE,		/* made a thread or process */
	STOP_SIGNAL		/* a signal is being delivered */
};

static void
ptrace_why(struct ptrace_proc *p, const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof p->why, fmt, ap);
	va_end(ap);
	errno = saved;
}

static void
ptrace_nap(long us)
{
	struct timespec	 ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

/* waitpid with a deadline: a thread that never stops (stuck in the
 * kernel) must not hang the caller. */
static int
ptrace_wait(struct ptrace_proc *p, pid_t tid, int *status)
{
	int64_t	 end = now_ms() + p->timeout;
	long	 us = 20;
	pid_t	 r;

	for (;;) {
		r = waitpid(tid, status, __WALL | WNOHANG);
		if (r == tid)
			return 0;
		if (r == -1 && errno != EINTR) {
			ptrace_why(p, "waiting for thread %d: %s", (int)tid,
			    strerror(errno));
			return -1;
		}
		if (now_ms() >= end) {
			errno = ETIMEDOUT;
			ptrace_why(p, "thread %d did not stop within %d ms",
			    (int)tid, p->timeout);
			return -1;
		}
		ptrace_nap(us);
		if (us < 2000)
			us *= 2;
	}
}

static void
ptrace_keep_signal(struct ptrace_proc *p, pid_t tid, int sig)
{
	siginfo_t	 si;
	int		 i;

	memset(&si, 0, sizeof si);
	if (ptrace(PTRACE_GETSIGINFO, tid, NULL, &si) == -1)
		si.si_code = SI_USER;
	/* A signal sent twice while held back is pending once. */
	for (i = 0; i < p->nsigs; i++) {
		if (p->sigs[i].sig == sig && sig < SIGRTMIN &&
		    (p->sigs[i].code == SI_TKILL) == (si.si_code == SI_TKILL))
			return;
	}
	if (p->nsigs == PTRACE_MAX_SIGS)
		return;
	p->sigs[p->nsigs].tid = tid;
	p->sigs[p->nsigs].sig = sig;
	p->sigs[p->nsigs].code = si.si_code;
	p->nsigs++;
}

static enum stop
ptrace_classify(struct ptrace_proc *p, pid_t tid, int status, int *sig)
{
	int	 event = (unsigned)status >> 16;

	*sig = 0;
	if (WIFEXITED(status) || WIFSIGNALED(status))
		return STOP_GONE;
	if (!WIFSTOPPED(status))
		return STOP_EVENT;
	if (event == PTRACE_EVENT_STOP)
		return STOP_EVENT;
	if (event == PTRACE_EVENT_CLONE)
		return STOP_CLONE;
	if (WSTOPSIG(status) == (SIGTRAP | 0x80))
		return STOP_SYSCALL;
	*sig = WSTOPSIG(status);
	ptrace_keep_signal(p, tid, *sig);
	return STOP_SIGNAL;
}

static int
ptrace_find(struct ptrace_proc *p, pid_t tid)
{
	size_t	 i;

	for (i = 0; i < p->ntids; i++)
		if (p->tids[i] == tid)
			return (int)i;
	return -1;
}

static int
ptrace_add(struct ptrace_proc *p, pid_t tid)
{
	if (ptrace_find(p, tid) != -1)
		return 0;
	if (p->ntids == PTRACE_MAX_THREADS) {
		errno = E2BIG;
		ptrace_why(p, "more than %d threads", PTRACE_MAX_THREADS);
		return -1;
	}
	p->tids[p->ntids] = tid;
	p->stopped[p->ntids] = 0;
	p->ntids++;
	return 0;
}

/* A clone by a thread while it is stopped by us: a new thread joins the
 * set; a new process is a child that the caller asked for. */
static void
ptrace_cloned(struct ptrace_proc *p, pid_t tid)
{
	unsigned long	 msg = 0;
	pid_t		 child;
	char		 path[64];

	if (ptrace(PTRACE_GETEVENTMSG, tid, NULL, &msg) == -1 || msg == 0)
		return;
	child = (pid_t)msg;
	snprintf(path, sizeof path, "/proc/%d/task/%d", (int)p->pid,
	    (int)child);
	if (access(path, F_OK) == 0)
		ptrace_add(p, child);
	else if (p->nchildren < PTRACE_MAX_CHILDREN)
		p->children[p->nchildren++] = child;
}

/* Whether tid is traced by this process already: a thread made by a
 * seized one is attached by the kernel before we get to it. */
static int
ptrace_ours(pid_t tid)
{
	return proc_status_long(tid, "TracerPid") == (long)getpid();
}

/* Seizes every thread listed in /proc; returns how many were new. */
static int
ptrace_seize_all(struct ptrace_proc *p)
{
	char		 path[64];
	DIR		*d;
	struct dirent	*de;
	pid_t		 tid;
	int		 n = 0, err = 0;

	snprintf(path, sizeof path, "/proc/%d/task", (int)p->pid);
	if ((d = opendir(path)) == NULL) {
		ptrace_why(p, "reading %s: %s", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		tid = (pid_t)atoi(de->d_name);
		if (ptrace_find(p, tid) != -1)
			continue;
		if (ptrace(PTRACE_SEIZE, tid, NULL,
		    (void *)(long)PTRACE_OPTIONS) == -1) {
			if (errno == ESRCH)
				continue;	/* the thread just ended */
			if (errno == EPERM && ptrace_ours(tid)) {
				if (ptrace_add(p, tid) == -1) {
					err = errno;
					break;
				}
				n++;
				continue;
			}
			err = errno;
			ptrace_why(p, "PTRACE_SEIZE of thread %d: %s", (int)tid,
			    strerror(errno));
			break;
		}
		if (ptrace_add(p, tid) == -1) {
			err = errno;
			ptrace(PTRACE_DETACH, tid, NULL, NULL);
			break;
		}
		n++;
	}
	closedir(d);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return n;
}

/* Waits until thread i sits in an interrupt or group stop. */
static int
ptrace_stop_one(struct ptrace_proc *p, size_t i)
{
	pid_t	 tid = p->tids[i];
	int	 status, sig;

	while (!p->stopped[i]) {
		if (ptrace_wait(p, tid, &status) == -1)
			return -1;
		switch (ptrace_classify(p, tid, status, &sig)) {
		case STOP_GONE:
			p->stopped[i] = -1;
			break;
		case STOP_EVENT:
			p->stopped[i] = 1;
			break;
		case STOP_CLONE:
			ptrace_cloned(p, tid);
			/* FALLTHROUGH */
		case STOP_SYSCALL:
		case STOP_SIGNAL:
			/* Held back; the pending interrupt stops it next. */
			if (ptrace(PTRACE_CONT, tid, NULL, NULL) == -1 &&
			    errno != ESRCH)
				return -1;
			break;
		}
	}
	return 0;
}

/* Looks for the system call instruction in [lo, hi) of the process. */
static int
ptrace_scan(struct ptrace_proc *p, uint64_t lo, uint64_t hi)
{
	const struct arch_info	*a = p->arch;
	unsigned char		*buf;
	size_t			 off, len = (size_t)(hi - lo);

	if (hi <= lo || len > PTRACE_SCAN_MAX || (buf = malloc(len)) == NULL)
		return -1;
	if (ptrace_read(p, lo, buf, len) == -1) {
		free(buf);
		return -1;
	}
	for (off = 0; off + a->insn_len <= len; off += a->insn_align) {
		if (memcmp(buf + off, a->insn, a->insn_len) == 0) {
			p->insn = lo + off;
			free(buf);
			return 0;
		}
	}
	free(buf);
	return -1;
}

/* A system call instruction to borrow: the vDSO's, code the kernel maps
 * in every process, so nothing is written into the program; without a
 * vDSO (vdso=0), one in the program's own code. */
static int
ptrace_find_insn(struct ptrace_proc *p)
{
	char			 path[64], line[512], perms[8];
	unsigned long long	 lo, hi;
	FILE			*f;
	int			 pass, found = 0;

	snprintf(path, sizeof path, "/proc/%d/maps", (int)p->pid);
	for (pass = 0; pass < 2 && !found; pass++) {
		if ((f = fopen(path, "re")) == NULL) {
			ptrace_why(p, "reading %s: %s", path, strerror(errno));
			return -1;
		}
		while (!found && fgets(line, sizeof line, f) != NULL) {
			if (sscanf(line, "%llx-%llx %7s", &lo, &hi, perms) != 3)
				continue;
			if (pass == 0 && strstr(line, "[vdso]") == NULL)
				continue;
			if (pass == 1 && (perms[0] != 'r' || perms[2] != 'x'))
				continue;
			found = ptrace_scan(p, lo, hi) == 0;
		}
		fclose(f);
	}
	if (!found) {
		errno = ENOEXEC;
		ptrace_why(p, "no system call instruction in the process");
		return -1;
	}
	return 0;
}

static void
ptrace_release(struct ptrace_proc *p)
{
	size_t	 i;

	for (i = 0; i < p->ntids; i++)
		ptrace(PTRACE_DETACH, p->tids[i], NULL, NULL);
	free(p->tids);
	free(p->stopped);
	p->tids = NULL;
	p->stopped = NULL;
	p->ntids = 0;
}

int
ptrace_attach(struct ptrace_proc *p, pid_t pid, int pidfd)
{
	size_t	 i;
	int	 n, rounds, err;

	memset(p, 0, sizeof *p);
	p->pid = pid;
	p->pidfd = pidfd;
	p->timeout = PTRACE_TIMEOUT;
	sigemptyset(&p->drop);
	if ((p->arch = arch_get()) == NULL) {
		errno = ENOEXEC;
		ptrace_why(p, "no support for this machine");
		return -1;
	}
	p->tids = calloc(PTRACE_MAX_THREADS, sizeof *p->tids);
	p->stopped = calloc(PTRACE_MAX_THREADS, sizeof *p->stopped);
	if (p->tids == NULL || p->stopped == NULL)
		goto fail;

	/* Threads made while we seize the others are attached by the
	 * kernel (PTRACE_O_TRACECLONE); the rounds catch the rest. */
	for (rounds = 0; rounds < 100; rounds++) {
		if ((n = ptrace_seize_all(p)) == -1)
			goto fail;
		if (n == 0)
			break;
	}
	if (p->ntids == 0) {
		errno = ESRCH;
		ptrace_why(p, "the process has no threads left");
		goto fail;
	}
	/* The same process, not one that took its pid meanwhile. */
	if (pidfd != -1 && syscall(SYS_pidfd_send_signal, pidfd, 0, NULL,
	    0) == -1) {
		errno = ESRCH;
		ptrace_why(p, "the process exited");
		goto fail;
	}
	for (i = 0; i < p->ntids; i++)
		ptrace(PTRACE_INTERRUPT, p->tids[i], NULL, NULL);
	for (i = 0; i < p->ntids; i++) {	/* ntids may grow */
		if (!p->stopped[i])
			ptrace(PTRACE_INTERRUPT, p->tids[i], NULL, NULL);
		if (ptrace_stop_one(p, i) == -1)
			goto fail;
	}

	p->tid = -1;
	for (i = 0; i < p->ntids; i++) {
		if (p->stopped[i] == 1 && (p->tid == -1 || p->tids[i] == pid))
			p->tid = p->tids[i];
	}
	if (p->tid == -1) {
		errno = ESRCH;
		ptrace_why(p, "the process exited");
		goto fail;
	}
	if (ptrace_get_regs(p->tid, &p->saved) == -1) {
		ptrace_why(p, "reading the registers of %d: %s", (int)p->tid,
		    strerror(errno));
		goto fail;
	}
	if (ptrace_find_insn(p) == -1)
		goto fail;
	return 0;

fail:
	err = errno;
	ptrace_release(p);
	errno = err;
	return -1;
}

int
ptrace_write(struct ptrace_proc *p, uint64_t addr, const void *buf,
    size_t len)
{
	struct iovec	 l = { (void *)buf, len };
	struct iovec	 r = { (void *)(uintptr_t)addr, len };

	if (process_vm_writev(p->pid, &l, 1, &r, 1, 0) != (ssize_t)len) {
		ptrace_why(p, "writing the process's memory: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
ptrace_read(struct ptrace_proc *p, uint64_t addr, void *buf, size_t len)
{
	struct iovec	 l = { buf, len };
	struct iovec	 r = { (void *)(uintptr_t)addr, len };

	if (process_vm_readv(p->pid, &l, 1, &r, 1, 0) != (ssize_t)len) {
		ptrace_why(p, "reading the process's memory: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Steps the thread from the instruction to the call's exit stop. */
static int
ptrace_step_call(struct ptrace_proc *p, long nr, int64_t *ret)
{
	struct __ptrace_syscall_info	 info;
	pid_t				 tid = p->tid;
	int				 status, sig, entered = 0;

	if (ptrace(PTRACE_SYSCALL, tid, NULL, NULL) == -1) {
		ptrace_why(p, "PTRACE_SYSCALL: %s", strerror(errno));
		return -1;
	}
	p->moved = 1;
	for (;;) {
		if (ptrace_wait(p, tid, &status) == -1)
			return -1;
		switch (ptrace_classify(p, tid, status, &sig)) {
		case STOP_GONE:
			p->dead = 1;
			errno = ESRCH;
			ptrace_why(p, "the process died (%s)",
			    WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) :
			    "it exited");
			return -1;
		case STOP_CLONE:
			ptrace_cloned(p, tid);
			break;
		case STOP_EVENT:
		case STOP_SIGNAL:
			break;
		case STOP_SYSCALL:
			memset(&info, 0, sizeof info);
			if (ptrace(PTRACE_GET_SYSCALL_INFO, tid,
			    (void *)sizeof info, &info) <= 0) {
				ptrace_why(p, "PTRACE_GET_SYSCALL_INFO: %s",
				    strerror(errno));
				return -1;
			}
			if (info.arch != p->arch->audit) {
				errno = ENOEXEC;
				ptrace_why(p, "the process runs another "
				    "instruction set than %s", p->arch->name);
				return -1;
			}
			if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
				if ((long)info.entry.nr != nr) {
					errno = EPROTO;
					ptrace_why(p, "system call %ld became "
					    "%ld", nr, (long)info.entry.nr);
					return -1;
				}
				entered = 1;
			} else if (info.op == PTRACE_SYSCALL_INFO_EXIT &&
			    entered) {
				*ret = info.exit.rval;
				return 0;
			}
			break;
		}
		/* Signals stay held back (recorded above). */
		if (ptrace(PTRACE_SYSCALL, tid, NULL, NULL) == -1) {
			ptrace_why(p, "PTRACE_SYSCALL: %s", strerror(errno));
			return -1;
		}
	}
}

int
ptrace_call(struct ptrace_proc *p, long nr, int64_t *ret, uint64_t a0,
    uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct arch_regs	 r;
	uint64_t		 a[6] = { a0, a1, a2, a3, a4, a5 };
	int			 tries;

	if (p->dead) {
		errno = ESRCH;
		return -1;
	}
	for (tries = 0; tries < 5; tries++) {
		r = p->saved;
		arch_set_syscall(&r, nr, a);
		arch_set_ip(&r, p->insn);
		if (ptrace_set_regs(p->tid, &r) == -1) {
			ptrace_why(p, "writing the registers of %d: %s",
			    (int)p->tid, strerror(errno));
			return -1;
		}
		if (ptrace_step_call(p, nr, ret) == -1)
			return -1;
		/* Interrupted by a signal we hold back: make it again. */
		if (*ret > -ERESTARTSYS_ || *ret < -ERESTART_RESTARTBLOCK_)
			return 0;
	}
	*ret = -EINTR;
	return 0;
}

int
ptrace_map(struct ptrace_proc *p, size_t len)
{
	int64_t	 ret;

	if (ptrace_call(p, SYS_mmap, &ret, 0, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0) == -1)
		return -1;
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		ptrace_why(p, "mmap in the process: %s", strerror(errno));
		return -1;
	}
	p->scratch = (uint64_t)ret;
	p->scratch_len = len;
	return 0;
}

int
ptrace_unmap(struct ptrace_proc *p)
{
	int64_t	 ret;

	if (p->scratch_len == 0)
		return 0;
	if (ptrace_call(p, SYS_munmap, &ret, p->scratch, p->scratch_len, 0,
	    0, 0, 0) == -1)
		return -1;
	if (ret != 0) {
		errno = (int)-ret;
		ptrace_why(p, "munmap in the process: %s", strerror(errno));
		return -1;
	}
	p->scratch = 0;
	p->scratch_len = 0;
	return 0;
}

int
ptrace_child_stop(struct ptrace_proc *p, pid_t child)
{
	int	 status, event;

	for (;;) {
		if (ptrace_wait(p, child, &status) == -1)
			return -1;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			errno = ESRCH;
			ptrace_why(p, "the helper process %d died", (int)child);
			return -1;
		}
		event = (unsigned)status >> 16;
		if (WIFSTOPPED(status) && event == PTRACE_EVENT_STOP)
			return 0;
		/* Its signals are not the program's: neither kept nor
		 * delivered, it never runs a user instruction. */
		if (ptrace(PTRACE_CONT, child, NULL, NULL) == -1)
			return -1;
	}
}

int
ptrace_child_kill(struct ptrace_proc *p, pid_t child)
{
	int	 status, i, j;

	kill(child, SIGKILL);
	for (;;) {
		if (ptrace_wait(p, child, &status) == -1)
			return -1;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
	}
	for (i = j = 0; i < p->nchildren; i++)
		if (p->children[i] != child)
			p->children[j++] = p->children[i];
	p->nchildren = j;
	return 0;
}

/* Back at the original registers, the thread goes through signal
 * delivery once more (an interrupt is pending), where the kernel treats
 * an interrupted system call exactly as it would have without us. */
static int
ptrace_put_back(struct ptrace_proc *p)
{
	int	 status, sig, i;

	if (ptrace_set_regs(p->tid, &p->saved) == -1) {
		ptrace_why(p, "restoring the registers of %d: %s", (int)p->tid,
		    strerror(errno));
		return -1;
	}
	if (!p->moved)
		return 0;
	if (arch_forget_syscall(p->tid) == -1 ||
	    ptrace(PTRACE_INTERRUPT, p->tid, NULL, NULL) == -1 ||
	    ptrace(PTRACE_CONT, p->tid, NULL, NULL) == -1) {
		ptrace_why(p, "resuming %d: %s", (int)p->tid, strerror(errno));
		return -1;
	}
	for (i = 0; i < 100; i++) {
		if (ptrace_wait(p, p->tid, &status) == -1)
			return -1;
		switch (ptrace_classify(p, p->tid, status, &sig)) {
		case STOP_EVENT:
			p->moved = 0;
			return 0;
		case STOP_GONE:
			p->dead = 1;
			errno = ESRCH;
			return -1;
		case STOP_CLONE:
			ptrace_cloned(p, p->tid);
			break;
		default:
			break;
		}
		if (ptrace(PTRACE_CONT, p->tid, NULL, NULL) == -1)
			return -1;
	}
	errno = EPROTO;
	return -1;
}

int
ptrace_detach(struct ptrace_proc *p)
{
	struct ptrace_sig	*s;
	size_t			 i;
	int			 rc = 0, err = 0;

	while (p->nchildren > 0) {
		if (ptrace_child_kill(p, p->children[0]) == -1) {
			p->nchildren--;
			p->children[0] = p->children[p->nchildren];
		}
	}
	if (!p->dead && ptrace_put_back(p) == -1) {
		err = errno;
		rc = -1;
	}
	ptrace_release(p);
	for (i = 0; i < (size_t)p->nsigs; i++) {
		s = &p->sigs[i];
		if (sigismember(&p->drop, s->sig) == 1)
			continue;
		log_debug("ptrace: signal %d held back from thread %d sent "
		    "again", s->sig, (int)s->tid);
		if (s->code == SI_TKILL)
			syscall(SYS_tgkill, p->pid, s->tid, s->sig);
		else if (p->pidfd != -1)
			syscall(SYS_pidfd_send_signal, p->pidfd, s->sig, NULL,
			    0);
		else
			kill(p->pid, s->sig);
	}
	p->nsigs = 0;
	if (rc == -1)
		errno = err;
	return rc;
}
