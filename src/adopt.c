/* sess adopt: the preflight and the moves; see adopt.h. The ptrace core
 * (ptrace.c) makes the system calls in the target; this file decides
 * which, in an order where everything up to the change of session can be
 * undone, and undoes it when a step fails. */
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "adopt.h"
#include "arch.h"
#include "config.h"
#include "log.h"
#include "proc.h"
#include "ptrace.h"
#include "util.h"

#ifndef KCMP_FILE
#define KCMP_FILE	0
#endif
#ifndef PIDFD_GET_INFO
struct pidfd_info {
	uint64_t	 mask;
	uint64_t	 cgroupid;
	uint32_t	 pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid;
	uint32_t	 fsuid, fsgid;
	int32_t		 exit_code;
};
#define PIDFD_GET_INFO		_IOWR(0xFF, 11, struct pidfd_info)
#endif
#ifndef PIDFD_INFO_EXIT
#define PIDFD_INFO_EXIT		(1UL << 3)
#endif

#define DEV_TTY			makedev(5, 0)

/* The kernel's struct sigaction for rt_sigaction (both ABIs). */
struct adopt_ksigaction {
	uint64_t	 handler;
	uint64_t	 flags;
	uint64_t	 restorer;
	uint64_t	 mask;
};

/* Where things live in the scratch page. */
#define SCR_PATH	0
#define SCR_IGN		512
#define SCR_OLD		(SCR_IGN + sizeof(struct adopt_ksigaction))
#define SCR_EVENT	(SCR_OLD + sizeof(struct adopt_ksigaction))
#define SCR_INT		(SCR_EVENT + 32)
#define SCR_PAIR	(SCR_INT + 32)		/* int[2] */
#define SCR_MSG		(SCR_PAIR + 32)		/* struct msghdr */
#define SCR_IOV		(SCR_MSG + 64)		/* struct iovec */
#define SCR_BYTE	(SCR_IOV + 32)
#define SCR_CMSG	(SCR_BYTE + 32)		/* one fd's control message */
#define SCR_SIZE	4096

_Static_assert(sizeof(struct msghdr) <= 64 && sizeof(struct iovec) <= 32 &&
    CMSG_SPACE(sizeof(int)) <= 64, "scratch layout");

struct adopt_fd {
	int		 fd;
	int		 flags;		/* from fdinfo, O_CLOEXEC included */
	int		 group;		/* fds sharing one open file */
};

struct adopt_ep {
	int		 epfd;
	int		 tfd;
	uint32_t	 events;
	uint64_t	 data;
	int		 removed;
	int		 added;
};

struct adopt_group {
	int		 first;		/* index of its first fd */
	int		 keep;		/* the old file, kept in the target */
	int		 newfd;		/* the pty, opened in the target */
};

struct adopt_move {
	struct adopt_target	*t;
	struct adopt_error	*e;
	struct ptrace_proc	 p;
	int			 attached;
	int			 sent_stop;

	struct adopt_fd		 fds[ADOPT_MAX_FDS];
	int			 nfds;
	struct adopt_group	 groups[ADOPT_MAX_FDS];
	int			 ngroups;
	struct adopt_ep		 eps[ADOPT_MAX_EPOLL];
	int			 neps;
	ino_t			 tty_ino;

	int			 mapped;
	int			 hup_saved;
	pid_t			 dummy;
	int			 regrouped;
	int			 notty;		/* TIOCNOTTY done */
	int			 point_of_return;
	dev_t			 pty;
};

static void
adopt_err(struct adopt_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
adopt_err(struct adopt_error *e, int code, const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	log_debug("adopt: %s", e->msg);
	errno = saved;
}

static int
adopt_have_cap_ptrace(void)
{
	char			 buf[4096];
	const char		*v;
	unsigned long long	 caps;

	if (proc_slurp("/proc/self/status", buf, sizeof buf) <= 0 ||
	    (v = proc_field(buf, "CapEff")) == NULL)
		return geteuid() == 0;
	caps = strtoull(v, NULL, 16);
	return (caps >> 19) & 1;	/* CAP_SYS_PTRACE */
}

static const char *
adopt_comm(pid_t pid, char *buf, size_t len)
{
	if (proc_comm(pid, buf, len) == -1)
		snprintf(buf, len, "?");
	return buf;
}

static int
adopt_is_ancestor(pid_t pid)
{
	struct proc_stat	 st;
	pid_t			 me = getpid();
	int			 i;

	for (i = 0; i < 4096 && pid > 1; i++) {
		if (proc_stat(pid, &st) == -1)
			return 0;
		if (st.ppid == me)
			return 1;
		pid = st.ppid;
	}
	return 0;
}

/* Credentials and the kernel's policy, as ptrace_may_access sees them. */
static int
adopt_check_access(struct adopt_target *t, const char *status,
    struct adopt_error *e)
{
	char		 buf[64], name[64];
	const char	*v;
	unsigned long	 r, eu, s;
	struct stat	 sb;
	int		 cap = adopt_have_cap_ptrace(), scope = 0;
	pid_t		 tracer;

	if ((v = proc_field(status, "TracerPid")) != NULL &&
	    (tracer = (pid_t)strtol(v, NULL, 10)) != 0) {
		adopt_err(e, ADOPT_TRACED, "process %d is traced by %d (%s): "
		    "detach the debugger or tracer first", (int)t->pid,
		    (int)tracer, adopt_comm(tracer, name, sizeof name));
		return -1;
	}
	if ((v = proc_field(status, "Uid")) == NULL ||
	    sscanf(v, "%lu %lu %lu", &r, &eu, &s) != 3) {
		adopt_err(e, ADOPT_NOPROC, "no such process %d", (int)t->pid);
		return -1;
	}
	t->uid = (uid_t)eu;
	if (!cap && (r != getuid() || eu != getuid() || s != getuid())) {
		/* The uid, not a name: sess is linked statically, and
		 * glibc's name lookup then wants its own shared libraries. */
		adopt_err(e, ADOPT_NOTYOURS, "process %d belongs to another "
		    "user (uid %lu): adopt it as that user or as root",
		    (int)t->pid, eu);
		return -1;
	}
	/* A process that is not dumpable has its private /proc files
	 * owned by root, whoever runs it (not /proc/PID itself). */
	snprintf(buf, sizeof buf, "/proc/%d/fd", (int)t->pid);
	if (!cap && stat(buf, &sb) == 0 && sb.st_uid != (uid_t)eu) {
		adopt_err(e, ADOPT_NODUMP, "process %d is not dumpable (it "
		    "changed credentials or asked not to be traced): only root "
		    "can adopt it", (int)t->pid);
		return -1;
	}
	if (proc_slurp("/proc/sys/kernel/yama/ptrace_scope", buf,
	    sizeof buf) > 0)
		scope = atoi(buf);
	if (scope >= 3 || (scope == 2 && !cap) ||
	    (scope == 1 && !cap && !adopt_is_ancestor(t->pid))) {
		if (scope >= 3)
			adopt_err(e, ADOPT_YAMA, "ptrace is disabled by "
			    "kernel.yama.ptrace_scope=3 until the next boot: "
			    "no process can be adopted");
		else
			adopt_err(e, ADOPT_YAMA, "ptrace is restricted by "
			    "kernel.yama.ptrace_scope=%d: run `sysctl "
			    "kernel.yama.ptrace_scope=0` or adopt as root",
			    scope);
		return -1;
	}
	if ((v = proc_field(status, "Seccomp")) != NULL) {
		if (atoi(v) == 1 || (atoi(v) == 2 &&
		    !(t->flags & ADOPT_ALLOW_SECCOMP))) {
			adopt_err(e, ADOPT_SECCOMP, "process %d runs under a "
			    "seccomp filter, which may refuse the calls adopting "
			    "needs or kill it for them: run it anew in sess",
			    (int)t->pid);
			return -1;
		}
	}
	return 0;
}

/* The executable's instruction set must be the one built in. */
static int
adopt_check_arch(struct adopt_target *t, struct adopt_error *e)
{
	const struct arch_info	*a = arch_get();
	char			 path[64];
	unsigned char		 h[20];
	uint16_t		 machine;
	int			 fd;
	ssize_t			 n;

	if (a == NULL) {
		adopt_err(e, ADOPT_ARCH, "sess was built without adopt "
		    "support for this machine: x86_64 and aarch64 have it");
		return -1;
	}
	snprintf(path, sizeof path, "/proc/%d/exe", (int)t->pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;	/* the first call in it checks again */
	n = read(fd, h, sizeof h);
	close(fd);
	if (n != (ssize_t)sizeof h || memcmp(h, ELFMAG, SELFMAG) != 0)
		return 0;
	memcpy(&machine, h + 18, sizeof machine);
	if (h[EI_CLASS] != ELFCLASS64 || machine != a->elf_machine) {
		adopt_err(e, ADOPT_ARCH, "process %d is not a %s program "
		    "(ELF machine %u%s): sess adopt here supports %s only",
		    (int)t->pid, a->name, machine,
		    h[EI_CLASS] == ELFCLASS32 ? ", 32-bit" : "", a->name);
		return -1;
	}
	return 0;
}

static dev_t
adopt_decode_tty(unsigned int nr)
{
	return makedev((nr >> 8) & 0xfff, (nr & 0xff) | ((nr >> 12) & 0xfff00));
}

/* A terminal's slave side: not /dev/tty, not a pty master. */
static int
adopt_is_tty_dev(dev_t d)
{
	unsigned int	 ma = major(d), mi = minor(d);

	if (ma == 5 && (mi == 0 || mi == 2))
		return 0;
	if (ma >= 128 && ma <= 135)	/* UNIX98 and BSD masters */
		return 0;
	return (ma >= 136 && ma <= 143) || ma == 4 || ma == 3 || ma == 5 ||
	    ma == 188 || ma == 204 || ma == 229;
}

/* The old terminal: the one on its standard descriptors, read through
 * a duplicate of the target's own descriptor (nothing is opened). */
static int
adopt_check_tty(struct adopt_target *t, struct adopt_error *e)
{
	char		 path[64];
	struct stat	 sb;
	int		 fd, tfd = -1, i;

	for (i = 0; i < 3 && tfd == -1; i++) {
		snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)t->pid, i);
		if (stat(path, &sb) == -1 || !S_ISCHR(sb.st_mode))
			continue;
		if (sb.st_rdev == DEV_TTY && t->ctty != 0) {
			t->tty = t->ctty;
			tfd = i;
		} else if (adopt_is_tty_dev(sb.st_rdev)) {
			t->tty = sb.st_rdev;
			tfd = i;
		}
	}
	if (tfd == -1) {
		adopt_err(e, ADOPT_NOTTY, "process %d has no terminal on its "
		    "standard descriptors: there is nothing to move (sess "
		    "adopt is for programs running in a terminal)",
		    (int)t->pid);
		return -1;
	}
	if (t->ctty != 0 && t->ctty != t->tty) {
		adopt_err(e, ADOPT_NOTTY, "process %d writes to terminal "
		    "%u:%u but is controlled by %u:%u: sess cannot tell "
		    "which to move", (int)t->pid, major(t->tty), minor(t->tty),
		    major(t->ctty), minor(t->ctty));
		return -1;
	}
	fd = (int)syscall(SYS_pidfd_getfd, t->pidfd, tfd, 0);
	if (fd == -1) {
		snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)t->pid,
		    tfd);
		fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	}
	if (fd == -1 || tcgetattr(fd, &t->tio) == -1) {
		adopt_err(e, ADOPT_NOTTY, "cannot read the settings of "
		    "process %d's terminal: %s", (int)t->pid, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (ioctl(fd, TIOCGWINSZ, &t->ws) == -1)
		memset(&t->ws, 0, sizeof t->ws);
	close(fd);
	/* In the background, the settings are its shell's (a line editor
	 * in raw mode), not the ones the program runs with. */
	if (t->ctty == 0 || t->tpgid != t->pgid) {
		t->tio.c_lflag |= ICANON | ECHO | ECHOE | ECHOK | ISIG | IEXTEN;
		t->tio.c_iflag |= ICRNL;
		t->tio.c_oflag |= OPOST | ONLCR;
	}
	return 0;
}

/* Processes that moving this one would cut off their terminal. */
static int
adopt_check_company(struct adopt_target *t, struct adopt_error *e)
{
	DIR			*d;
	struct dirent		*de;
	struct proc_stat	 st;
	pid_t			 q, other = 0;
	int			 code = 0;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL && other == 0) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		q = (pid_t)atoi(de->d_name);
		if (q == t->pid || proc_stat(q, &st) == -1 ||
		    st.state == 'Z' || st.state == 'X')
			continue;
		if (st.pgid == t->pgid) {
			other = q;
			code = ADOPT_GROUP;
		} else if (t->leader && st.sid == t->sid) {
			other = q;
			code = ADOPT_SESSION;
		}
	}
	closedir(d);
	if (other == 0)
		return 0;
	if (code == ADOPT_GROUP)
		adopt_err(e, code, "process %d shares its process group with "
		    "%d (%s), a pipeline or a job with children: adopting it "
		    "alone would leave the others on the old terminal; run "
		    "the job anew in sess", (int)t->pid, (int)other, st.comm);
	else
		adopt_err(e, code, "process %d leads its terminal's session, "
		    "which also holds %d (%s): taking the terminal away would "
		    "hang that up; adopt the job itself, not its shell",
		    (int)t->pid, (int)other, st.comm);
	return -1;
}

int
adopt_check(pid_t pid, struct adopt_target *t, struct adopt_error *e)
{
	struct proc_stat	 st;
	char			 status[4096];
	int			 flags = t->flags;

	memset(t, 0, sizeof *t);
	memset(e, 0, sizeof *e);
	t->flags = flags;
	t->pid = pid;
	t->pidfd = -1;
	t->shell_pidfd = -1;
	if (pid <= 0 || proc_stat(pid, &st) == -1 ||
	    (t->pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1) {
		adopt_err(e, ADOPT_NOPROC, "no such process %d", (int)pid);
		return -1;
	}
	snprintf(t->comm, sizeof t->comm, "%s", st.comm);
	t->ppid = st.ppid;
	t->pgid = st.pgid;
	t->sid = st.sid;
	t->tpgid = st.tpgid;
	t->leader = st.sid == pid;
	t->stopped = st.state == 'T';
	t->ctty = st.tty_nr != 0 ? adopt_decode_tty(st.tty_nr) : 0;
	if (pid == getpid() || pid == getppid() || st.sid == getsid(0)) {
		adopt_err(e, ADOPT_SELF, "process %d is in sess's own session: "
		    "run sess adopt from another terminal", (int)pid);
		goto fail;
	}
	if (st.state == 'Z' || st.state == 'X') {
		adopt_err(e, ADOPT_STATE, "process %d has exited (a zombie): "
		    "there is nothing left to adopt", (int)pid);
		goto fail;
	}
	if (st.state == 'D') {
		adopt_err(e, ADOPT_STATE, "process %d is stuck in the kernel "
		    "(state D, waiting on a device or a network file "
		    "system): try again once it moves", (int)pid);
		goto fail;
	}
	if (proc_status(pid, status, sizeof status) <= 0) {
		adopt_err(e, ADOPT_NOPROC, "no such process %d", (int)pid);
		goto fail;
	}
	if (adopt_check_access(t, status, e) == -1 ||
	    adopt_check_arch(t, e) == -1 ||
	    adopt_check_tty(t, e) == -1 ||
	    adopt_check_company(t, e) == -1)
		goto fail;
	log_debug("adopt: process %d (%s) passes the checks: group %d, "
	    "session %d%s, terminal %u:%u", (int)pid, t->comm, (int)t->pgid,
	    (int)t->sid, t->leader ? " (its leader)" : "", major(t->tty),
	    minor(t->tty));
	return 0;

fail:
	adopt_free(t);
	return -1;
}

/* One system call in the target: its result, or -errno. When the target
 * could not be made to call at all, m->lost says so. */
static int64_t
adopt_sys(struct adopt_move *m, long nr, uint64_t a0, uint64_t a1,
    uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	int64_t	 ret;

	if (ptrace_call(&m->p, nr, &ret, a0, a1, a2, a3, a4, a5) == -1)
		return -(errno != 0 ? errno : EIO);
	return ret;
}

/* The registrations of an epoll set on the descriptors being moved: the
 * kernel keys them by open file, so they would keep watching the old
 * terminal. */
static void
adopt_collect_epoll(struct adopt_move *m, int epfd)
{
	char			 path[64], buf[16384], *s, *eol, *ip;
	int			 tfd, i;
	unsigned int		 events;
	unsigned long long	 data;
	unsigned long		 ino;
	struct stat		 sb;

	snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)m->t->pid,
	    epfd);
	if (proc_slurp(path, buf, sizeof buf) <= 0)
		return;
	for (s = buf; (s = strstr(s, "tfd:")) != NULL; s++) {
		if (sscanf(s, "tfd: %d events: %x data: %llx", &tfd, &events,
		    &data) != 3)
			continue;
		/* This registration's inode, on its own line. */
		ino = 0;
		eol = strchr(s, '\n');
		if ((ip = strstr(s, "ino:")) != NULL && (eol == NULL || ip < eol))
			sscanf(ip, "ino:%lx", &ino);
		for (i = 0; i < m->nfds; i++) {
			if (m->fds[i].fd != tfd)
				continue;
			snprintf(path, sizeof path, "/proc/%d/fd/%d",
			    (int)m->t->pid, tfd);
			if (stat(path, &sb) == -1 || sb.st_ino != ino)
				continue;
			if (m->neps == ADOPT_MAX_EPOLL)
				return;
			m->eps[m->neps].epfd = epfd;
			m->eps[m->neps].tfd = tfd;
			m->eps[m->neps].events = events;
			m->eps[m->neps].data = data;
			m->neps++;
		}
	}
}

/* Every descriptor on the old terminal (through its own name or through
 * /dev/tty), grouped by open file so that descriptors that shared one
 * still share one; and the epoll sets watching them. */
static int
adopt_collect(struct adopt_move *m)
{
	struct adopt_target	*t = m->t;
	char			 path[64], link[64];
	DIR			*d;
	struct dirent		*de;
	struct stat		 sb;
	int			 fd, i, j, n, eps[ADOPT_MAX_EPOLL], neps = 0;
	ssize_t			 len;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)t->pid);
	if ((d = opendir(path)) == NULL) {
		adopt_err(m->e, ADOPT_FAILED, "cannot read %s: %s", path,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		fd = atoi(de->d_name);
		snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)t->pid, fd);
		if (stat(path, &sb) == -1)
			continue;
		if (S_ISCHR(sb.st_mode) && (sb.st_rdev == t->tty ||
		    (sb.st_rdev == DEV_TTY && t->ctty == t->tty))) {
			if (m->nfds == ADOPT_MAX_FDS)
				break;
			m->fds[m->nfds].fd = fd;
			m->fds[m->nfds].flags = proc_fd_flags(t->pid, fd);
			if (m->fds[m->nfds].flags == -1)
				m->fds[m->nfds].flags = O_RDWR;
			m->nfds++;
			continue;
		}
		len = readlink(path, link, sizeof link - 1);
		if (len > 0 && neps < ADOPT_MAX_EPOLL) {
			link[len] = '\0';
			if (strcmp(link, "anon_inode:[eventpoll]") == 0)
				eps[neps++] = fd;
		}
	}
	closedir(d);
	if (m->nfds == 0) {
		adopt_err(m->e, ADOPT_FAILED, "process %d no longer has its "
		    "terminal open", (int)t->pid);
		return -1;
	}
	for (i = 0; i < m->nfds; i++) {
		m->fds[i].group = -1;
		for (j = 0; j < i && m->fds[i].group == -1; j++) {
			if (syscall(SYS_kcmp, t->pid, t->pid, KCMP_FILE,
			    m->fds[j].fd, m->fds[i].fd) == 0)
				m->fds[i].group = m->fds[j].group;
		}
		if (m->fds[i].group == -1) {
			n = m->ngroups++;
			m->groups[n].first = i;
			m->groups[n].keep = -1;
			m->groups[n].newfd = -1;
			m->fds[i].group = n;
		}
	}
	for (i = 0; i < neps; i++)
		adopt_collect_epoll(m, eps[i]);
	log_debug("adopt: %d descriptors on the old terminal, %d open files, "
	    "%d epoll registrations", m->nfds, m->ngroups, m->neps);
	return 0;
}

/* Opens the pty in the target, once per open file, with that file's
 * access mode and status flags; the old file is kept open beside it so
 * that a failure can put it back. */
/* Whether the target's fd is the session's pty. */
static int
adopt_is_pty(struct adopt_move *m, int fd)
{
	char		 path[64];
	struct stat	 sb;

	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)m->t->pid, fd);
	return stat(path, &sb) == 0 && S_ISCHR(sb.st_mode) &&
	    sb.st_rdev == m->pty;
}

/* The pty for a process that cannot open it by name (its mount namespace
 * has another /dev/pts): it makes a socket pair, we take one end, open
 * the pty here and send it over, and it receives it on the other end.
 * The fd in the process, or -errno. */
static int64_t
adopt_pass_pty(struct adopt_move *m, const char *slave, int fl)
{
	union {
		struct cmsghdr	 h;
		char		 b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*ch;
	int32_t		 pair[2] = { -1, -1 }, got;
	int64_t		 r, fd = -EPROTO;
	int		 end = -1, pty = -1;
	char		 byte = 0;
	ssize_t		 n;

	r = adopt_sys(m, SYS_socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
	    0, m->p.scratch + SCR_PAIR, 0, 0);
	if (r < 0)
		return r;
	if (ptrace_read(&m->p, m->p.scratch + SCR_PAIR, pair,
	    sizeof pair) == -1)
		return -EIO;
	end = (int)syscall(SYS_pidfd_getfd, m->t->pidfd, pair[0], 0);
	pty = open(slave, (fl & ~O_CLOEXEC) | O_NOCTTY | O_CLOEXEC);
	if (end == -1 || pty == -1) {
		fd = -errno;
		goto out;
	}
	memset(&cm, 0, sizeof cm);
	ch = &cm.h;
	ch->cmsg_level = SOL_SOCKET;
	ch->cmsg_type = SCM_RIGHTS;
	ch->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(ch), &pty, sizeof pty);
	memset(&mh, 0, sizeof mh);
	iov.iov_base = &byte;
	iov.iov_len = 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.b;
	mh.msg_controllen = sizeof cm.b;
	do
		n = sendmsg(end, &mh, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	if (n != 1) {
		fd = -(n == -1 ? errno : EPROTO);
		goto out;
	}

	/* The same message, in the process's memory, to receive into. */
	memset(&cm, 0, sizeof cm);
	iov.iov_base = (void *)(uintptr_t)(m->p.scratch + SCR_BYTE);
	mh.msg_iov = (struct iovec *)(uintptr_t)(m->p.scratch + SCR_IOV);
	mh.msg_control = (void *)(uintptr_t)(m->p.scratch + SCR_CMSG);
	mh.msg_controllen = sizeof cm.b;
	if (ptrace_write(&m->p, m->p.scratch + SCR_IOV, &iov, sizeof iov) ==
	    -1 || ptrace_write(&m->p, m->p.scratch + SCR_MSG, &mh,
	    sizeof mh) == -1 || ptrace_write(&m->p, m->p.scratch + SCR_CMSG,
	    cm.b, sizeof cm.b) == -1) {
		fd = -EIO;
		goto out;
	}
	r = adopt_sys(m, SYS_recvmsg, (uint64_t)pair[1],
	    m->p.scratch + SCR_MSG, MSG_CMSG_CLOEXEC | MSG_DONTWAIT, 0, 0, 0);
	if (r != 1) {
		fd = r < 0 ? r : -EPROTO;
		goto out;
	}
	if (ptrace_read(&m->p, m->p.scratch + SCR_CMSG, cm.b,
	    sizeof cm.b) == -1) {
		fd = -EIO;
		goto out;
	}
	ch = &cm.h;
	if (ch->cmsg_level == SOL_SOCKET && ch->cmsg_type == SCM_RIGHTS &&
	    ch->cmsg_len == CMSG_LEN(sizeof(int))) {
		memcpy(&got, CMSG_DATA(ch), sizeof got);
		fd = got;
	}
out:
	if (end != -1)
		close(end);
	if (pty != -1)
		close(pty);
	adopt_sys(m, SYS_close, (uint64_t)pair[0], 0, 0, 0, 0, 0);
	adopt_sys(m, SYS_close, (uint64_t)pair[1], 0, 0, 0, 0, 0);
	return fd;
}

static int
adopt_open_pty(struct adopt_move *m, const char *slave)
{
	struct adopt_group	*g;
	int64_t			 r;
	int			 i, fl;

	for (i = 0; i < m->ngroups; i++) {
		g = &m->groups[i];
		r = adopt_sys(m, SYS_fcntl, (uint64_t)m->fds[g->first].fd,
		    F_DUPFD_CLOEXEC, 0, 0, 0, 0);
		if (r < 0) {
			adopt_err(m->e, ADOPT_FAILED, "keeping descriptor %d "
			    "failed in process %d (%s)", m->fds[g->first].fd,
			    (int)m->t->pid, strerror((int)-r));
			return -1;
		}
		g->keep = (int)r;
		fl = m->fds[g->first].flags & (O_ACCMODE | O_APPEND |
		    O_NONBLOCK | O_DSYNC | O_SYNC | O_LARGEFILE | O_NOATIME);
		r = adopt_sys(m, SYS_openat, (uint64_t)AT_FDCWD,
		    m->p.scratch + SCR_PATH,
		    (uint64_t)(fl | O_NOCTTY | O_CLOEXEC), 0, 0, 0);
		/* The same path may be another device, or none, in its
		 * mount namespace (a container's own /dev/pts). */
		if (r >= 0 && !adopt_is_pty(m, (int)r)) {
			adopt_sys(m, SYS_close, (uint64_t)r, 0, 0, 0, 0, 0);
			r = -ENXIO;
		}
		if (r < 0 && r != -EINTR && !m->p.dead)
			r = adopt_pass_pty(m, slave, fl);
		if (r >= 0 && !adopt_is_pty(m, (int)r)) {
			adopt_sys(m, SYS_close, (uint64_t)r, 0, 0, 0, 0, 0);
			r = -EPROTO;
		}
		if (r < 0) {
			adopt_err(m->e, ADOPT_FAILED, "process %d cannot open "
			    "%s (%s)", (int)m->t->pid, slave, strerror((int)-r));
			return -1;
		}
		g->newfd = (int)r;
	}
	return 0;
}

/* Leaves the old session for a new one: setsid needs a process that leads
 * no process group, so a stopped copy of the target (never run) lends it
 * one of its own first. */
static int
adopt_new_session(struct adopt_move *m)
{
	struct adopt_target	*t = m->t;
	int64_t			 r;

	if (t->pgid == t->pid) {
		r = adopt_sys(m, SYS_clone, 0, 0, 0, 0, 0, 0);
		if (r <= 0 || m->p.nchildren == 0) {
			adopt_err(m->e, ADOPT_FAILED, "clone in process %d "
			    "failed (%s)", (int)t->pid,
			    strerror(r < 0 ? (int)-r : EPROTO));
			return -1;
		}
		m->dummy = (pid_t)r;
		if (ptrace_child_stop(&m->p, m->dummy) == -1) {
			adopt_err(m->e, ADOPT_FAILED, "the copy of process %d "
			    "did not stop (%s)", (int)t->pid, m->p.why);
			return -1;
		}
		r = adopt_sys(m, SYS_setpgid, (uint64_t)m->dummy,
		    (uint64_t)m->dummy, 0, 0, 0, 0);
		if (r == 0) {
			r = adopt_sys(m, SYS_setpgid, 0, (uint64_t)m->dummy,
			    0, 0, 0, 0);
			m->regrouped = r == 0;
		}
		if (r < 0) {
			adopt_err(m->e, ADOPT_FAILED, "setpgid in process %d "
			    "failed (%s)", (int)t->pid, strerror((int)-r));
			return -1;
		}
	}
	r = adopt_sys(m, SYS_setsid, 0, 0, 0, 0, 0, 0);
	if (r < 0) {
		adopt_err(m->e, ADOPT_FAILED, "setsid in process %d failed "
		    "(%s)", (int)t->pid, strerror((int)-r));
		return -1;
	}
	m->point_of_return = 1;
	return 0;
}

/* The copy made for setsid is killed and reaped by its parent. */
static void
adopt_drop_dummy(struct adopt_move *m)
{
	if (m->dummy <= 0)
		return;
	ptrace_child_kill(&m->p, m->dummy);
	adopt_sys(m, SYS_wait4, (uint64_t)m->dummy, 0, __WALL, 0, 0, 0);
	m->dummy = 0;
}

/* Undoes whatever was done, newest first. */
static void
adopt_undo(struct adopt_move *m)
{
	struct adopt_group	*g;
	int			 i;

	for (i = m->ngroups - 1; i >= 0; i--) {
		g = &m->groups[i];
		if (g->newfd >= 0)
			adopt_sys(m, SYS_close, (uint64_t)g->newfd, 0, 0, 0,
			    0, 0);
		if (g->keep >= 0)
			adopt_sys(m, SYS_close, (uint64_t)g->keep, 0, 0, 0,
			    0, 0);
		g->newfd = g->keep = -1;
	}
	if (m->notty) {
		adopt_sys(m, SYS_ioctl, (uint64_t)m->fds[0].fd, TIOCSCTTY, 0,
		    0, 0, 0);
		if (m->t->tpgid > 0)
			adopt_sys(m, SYS_ioctl, (uint64_t)m->fds[0].fd,
			    TIOCSPGRP, m->p.scratch + SCR_INT, 0, 0, 0);
		m->notty = 0;
	}
	if (m->regrouped) {
		adopt_sys(m, SYS_setpgid, 0, 0, 0, 0, 0, 0);
		m->regrouped = 0;
	}
	adopt_drop_dummy(m);
	if (m->hup_saved) {
		adopt_sys(m, SYS_rt_sigaction, SIGHUP, m->p.scratch + SCR_OLD,
		    0, 8, 0, 0);
		m->hup_saved = 0;
		log_debug("adopt: SIGHUP handling restored");
	}
	if (m->mapped) {
		ptrace_unmap(&m->p);
		m->mapped = 0;
	}
}

/* Points every descriptor at the pty: epoll registrations come off
 * while the descriptor still names the old file, and back on after. */
static int
adopt_move_fds(struct adopt_move *m)
{
	struct adopt_fd		*f;
	struct adopt_ep		*ep;
	struct epoll_event	 ev;
	int64_t			 r;
	int			 i, bad = 0;

	for (i = 0; i < m->neps; i++) {
		ep = &m->eps[i];
		r = adopt_sys(m, SYS_epoll_ctl, (uint64_t)ep->epfd,
		    EPOLL_CTL_DEL, (uint64_t)ep->tfd, 0, 0, 0);
		ep->removed = r == 0;
	}
	for (i = 0; i < m->nfds; i++) {
		f = &m->fds[i];
		r = adopt_sys(m, SYS_dup3,
		    (uint64_t)m->groups[f->group].newfd, (uint64_t)f->fd,
		    (f->flags & O_CLOEXEC) ? O_CLOEXEC : 0, 0, 0, 0);
		log_debug("adopt: descriptor %d %s%s", f->fd, r < 0 ?
		    "not moved: " : "moved", r < 0 ? strerror((int)-r) : "");
		if (r < 0)
			bad++;
	}
	for (i = 0; i < m->neps; i++) {
		ep = &m->eps[i];
		if (!ep->removed)
			continue;
		memset(&ev, 0, sizeof ev);
		ev.events = ep->events;
		ev.data.u64 = ep->data;
		r = -1;
		if (ptrace_write(&m->p, m->p.scratch + SCR_EVENT, &ev,
		    sizeof ev) == 0)
			r = adopt_sys(m, SYS_epoll_ctl, (uint64_t)ep->epfd,
			    EPOLL_CTL_ADD, (uint64_t)ep->tfd,
			    m->p.scratch + SCR_EVENT, 0, 0);
		ep->added = r == 0;
		log_debug("adopt: descriptor %d %s epoll set %d", ep->tfd,
		    r == 0 ? "back in" : "lost from", ep->epfd);
		if (r != 0)
			bad++;
	}
	for (i = 0; i < m->ngroups; i++) {
		adopt_sys(m, SYS_close, (uint64_t)m->groups[i].newfd, 0, 0, 0,
		    0, 0);
		adopt_sys(m, SYS_close, (uint64_t)m->groups[i].keep, 0, 0, 0,
		    0, 0);
		m->groups[i].newfd = m->groups[i].keep = -1;
	}
	return bad == 0 ? 0 : -1;
}

/* Whether the old shell (its parent, in the old session) is still there
 * to hang it up when it goes. */
static void
adopt_watch_shell(struct adopt_target *t)
{
	struct proc_stat	 st;

	t->shell = 0;
	t->shell_pidfd = -1;
	if (t->leader || t->ppid <= 1 || proc_stat(t->ppid, &st) == -1 ||
	    st.sid != t->sid)
		return;
	t->shell_pidfd = (int)syscall(SYS_pidfd_open, t->ppid, 0);
	if (t->shell_pidfd != -1)
		t->shell = t->ppid;
}

static int
adopt_wait_stopped(pid_t pid)
{
	struct proc_stat	 st;
	int64_t			 end = now_ms() + ADOPT_STOP_TIMEOUT;
	struct timespec		 ts = { 0, 2000000 };

	while (now_ms() < end) {
		if (proc_stat(pid, &st) == -1 || st.state == 'T' ||
		    st.state == 't')
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* Its shell gets the prompt back as for C-z. A program that ignores
 * SIGTSTP gets SIGSTOP, or its shell would wait for it until it ends. */
static int
adopt_suspend(struct adopt_target *t)
{
	if (syscall(SYS_pidfd_send_signal, t->pidfd, SIGTSTP, NULL, 0) == -1)
		return 0;
	if (!adopt_wait_stopped(t->pid) &&
	    syscall(SYS_pidfd_send_signal, t->pidfd, SIGSTOP, NULL, 0) == 0)
		adopt_wait_stopped(t->pid);
	return 1;
}

static void
adopt_pty_setup(struct adopt_target *t, int master)
{
	struct winsize	 ws;

	tcsetattr(master, TCSANOW, &t->tio);
	if (ioctl(master, TIOCGWINSZ, &ws) == 0 && ws.ws_row != 0 &&
	    ws.ws_col != 0)
		return;
	ws = t->ws;
	if (ws.ws_row == 0 || ws.ws_col == 0) {
		ws.ws_row = 24;
		ws.ws_col = 80;
	}
	ioctl(master, TIOCSWINSZ, &ws);
}

/* The scratch page, with the pty's name, SIG_IGN and the foreground
 * group in it; then SIGHUP ignored, its disposition kept to give back. */
static int
adopt_prepare(struct adopt_move *m, const char *slave)
{
	struct adopt_target	*t = m->t;
	struct adopt_ksigaction	 ign = { .handler = (uint64_t)(uintptr_t)SIG_IGN };
	int32_t			 pg = (int32_t)t->tpgid;
	int64_t			 r;

	if (ptrace_map(&m->p, SCR_SIZE) == -1) {
		adopt_err(m->e, ADOPT_FAILED, "cannot map memory in process "
		    "%d: %s", (int)t->pid, m->p.why);
		return -1;
	}
	m->mapped = 1;
	if (ptrace_write(&m->p, m->p.scratch + SCR_PATH, slave,
	    strlen(slave) + 1) == -1 ||
	    ptrace_write(&m->p, m->p.scratch + SCR_IGN, &ign, sizeof ign) ==
	    -1 ||
	    ptrace_write(&m->p, m->p.scratch + SCR_INT, &pg, sizeof pg) == -1) {
		adopt_err(m->e, ADOPT_FAILED, "cannot write to process %d: %s",
		    (int)t->pid, m->p.why);
		return -1;
	}
	/* Losing the old terminal, or the old shell going, sends SIGHUP. */
	r = adopt_sys(m, SYS_rt_sigaction, SIGHUP, m->p.scratch + SCR_IGN,
	    m->p.scratch + SCR_OLD, 8, 0, 0);
	if (r != 0 || ptrace_read(&m->p, m->p.scratch + SCR_OLD, t->hup_act,
	    sizeof t->hup_act) == -1) {
		adopt_err(m->e, ADOPT_FAILED, "rt_sigaction in process %d "
		    "failed (%s)", (int)t->pid, strerror(r < 0 ? (int)-r : EIO));
		return -1;
	}
	m->hup_saved = 1;
	log_debug("adopt: SIGHUP ignored for the move");
	return 0;
}

/* The pty becomes its controlling terminal: from here on there is no
 * going back. */
static int
adopt_take_tty(struct adopt_move *m)
{
	struct adopt_target	*t = m->t;
	int64_t			 r;

	if (!t->leader) {
		if (adopt_new_session(m) == -1)
			return -1;
	} else if (t->ctty != 0) {
		r = adopt_sys(m, SYS_ioctl, (uint64_t)m->fds[0].fd, TIOCNOTTY,
		    0, 0, 0, 0);
		if (r != 0) {
			adopt_err(m->e, ADOPT_FAILED, "TIOCNOTTY in process %d "
			    "failed (%s)", (int)t->pid, strerror((int)-r));
			return -1;
		}
		m->notty = 1;
	}
	r = adopt_sys(m, SYS_ioctl, (uint64_t)m->groups[0].newfd, TIOCSCTTY,
	    0, 0, 0, 0);
	if (r != 0) {
		adopt_err(m->e, m->point_of_return ? ADOPT_BROKEN :
		    ADOPT_FAILED, "TIOCSCTTY in process %d failed (%s)%s",
		    (int)t->pid, strerror((int)-r), m->point_of_return ?
		    "; it is left in a new session without a terminal" : "");
		if (m->point_of_return) {
			m->regrouped = 0;
			adopt_drop_dummy(m);
		}
		return -1;
	}
	m->point_of_return = 1;
	m->notty = 0;
	m->regrouped = 0;
	adopt_drop_dummy(m);
	log_debug("adopt: the pty is process %d's controlling terminal",
	    (int)t->pid);
	return 0;
}

/* With no shell left behind that could hang it up, SIGHUP means what it
 * meant before right away; else once that shell is gone. */
static void
adopt_settle_hup(struct adopt_move *m)
{
	struct adopt_target	*t = m->t;

	adopt_watch_shell(t);
	if (t->hup_act[0] == (uint64_t)(uintptr_t)SIG_IGN) {
		close(t->shell_pidfd);
		t->shell_pidfd = -1;
		t->shell = 0;
	} else if (t->shell == 0) {
		adopt_sys(m, SYS_rt_sigaction, SIGHUP, m->p.scratch + SCR_OLD,
		    0, 8, 0, 0);
		log_debug("adopt: SIGHUP handling restored");
	} else {
		t->hup_ignored = 1;
		log_debug("adopt: SIGHUP stays ignored until the old shell %d "
		    "goes", (int)t->shell);
	}
	m->hup_saved = 0;
}

static int
adopt_steps(struct adopt_move *m, const char *slave)
{
	int	 bad;

	if (adopt_collect(m) == -1 || adopt_prepare(m, slave) == -1 ||
	    adopt_open_pty(m, slave) == -1)
		return -1;
	log_debug("adopt: %s open in process %d", slave, (int)m->t->pid);
	if (adopt_take_tty(m) == -1)
		return -1;
	bad = adopt_move_fds(m) == -1;
	adopt_settle_hup(m);
	ptrace_unmap(&m->p);
	m->mapped = 0;
	if (bad) {
		adopt_err(m->e, ADOPT_BROKEN, "some descriptors of process %d "
		    "could not be moved; it now runs on the session's terminal",
		    (int)m->t->pid);
		return -1;
	}
	return 0;
}

/* Says that the process goes on where it was. */
static void
adopt_as_before(struct adopt_move *m)
{
	size_t	 l = strlen(m->e->msg);

	/* Its shell took it for stopped and made it a background job when
	 * it went on. */
	snprintf(m->e->msg + l, sizeof m->e->msg - l, "; it runs on its old "
	    "terminal as before%s", m->sent_stop ? " (in the background: fg "
	    "in its shell brings it back)" : "");
}

int
adopt_move(struct adopt_target *t, int master, const char *slave,
    struct adopt_error *e)
{
	struct adopt_move	*m;
	struct stat		 sb;
	int			 rc;

	memset(e, 0, sizeof *e);
	if ((m = calloc(1, sizeof *m)) == NULL) {
		adopt_err(e, ADOPT_FAILED, "out of memory");
		return -1;
	}
	m->t = t;
	m->e = e;
	if (stat(slave, &sb) == -1 || !S_ISCHR(sb.st_mode)) {
		adopt_err(e, ADOPT_FAILED, "%s: %s", slave, strerror(errno));
		free(m);
		return -1;
	}
	m->pty = sb.st_rdev;
	/* The target opens the pty itself, as its own user. */
	if (geteuid() == 0 && t->uid != 0)
		(void)chown(slave, t->uid, (gid_t)-1);
	adopt_pty_setup(t, master);

	if (!t->stopped && !t->leader && t->ctty != 0 && t->tpgid == t->pgid)
		m->sent_stop = adopt_suspend(t);
	if (ptrace_attach(&m->p, t->pid, t->pidfd) == -1) {
		if (errno == EPERM)
			adopt_err(e, ADOPT_FAILED, "cannot trace process %d "
			    "(%s): a security module or a container's policy "
			    "forbids it", (int)t->pid, m->p.why);
		else
			adopt_err(e, errno == ESRCH ? ADOPT_NOPROC :
			    ADOPT_FAILED, "cannot stop process %d: %s",
			    (int)t->pid, m->p.why);
		if (e->code == ADOPT_FAILED)
			adopt_as_before(m);
		if (m->sent_stop)
			syscall(SYS_pidfd_send_signal, t->pidfd, SIGCONT, NULL,
			    0);
		free(m);
		return -1;
	}
	log_debug("adopt: process %d stopped and traced%s", (int)t->pid,
	    m->sent_stop ? " (its shell was sent SIGTSTP)" : "");
	sigaddset(&m->p.drop, SIGHUP);
	sigaddset(&m->p.drop, SIGCONT);
	sigaddset(&m->p.drop, SIGTSTP);
	sigaddset(&m->p.drop, SIGTTIN);
	sigaddset(&m->p.drop, SIGTTOU);
	sigaddset(&m->p.drop, SIGSTOP);
	sigaddset(&m->p.drop, SIGWINCH);

	rc = adopt_steps(m, slave);
	if (rc == -1 && !m->point_of_return) {
		log_debug("adopt: undoing what was done in process %d",
		    (int)t->pid);
		adopt_undo(m);
		if (e->code == ADOPT_FAILED && m->p.dead == 0)
			adopt_as_before(m);
	} else if (rc == -1 && m->mapped) {
		ptrace_unmap(&m->p);
		m->mapped = 0;
	}
	if (m->p.dead) {
		adopt_err(e, ADOPT_BROKEN, "process %d died while being "
		    "adopted (%s)", (int)t->pid, m->p.why);
		rc = -1;
	}
	log_debug("adopt: letting process %d go", (int)t->pid);
	if (ptrace_detach(&m->p) == -1 && rc == 0) {
		adopt_err(e, ADOPT_BROKEN, "process %d could not be given back "
		    "cleanly: %s", (int)t->pid, m->p.why);
		rc = -1;
	}
	if (rc == 0 || m->point_of_return) {
		/* It draws itself again for its new terminal. */
		syscall(SYS_pidfd_send_signal, t->pidfd, SIGWINCH, NULL, 0);
		syscall(SYS_pidfd_send_signal, t->pidfd, SIGCONT, NULL, 0);
	} else if (m->sent_stop)
		syscall(SYS_pidfd_send_signal, t->pidfd, SIGCONT, NULL, 0);
	free(m);
	return rc;
}

/* A short visit with the ptrace core: SIGHUP back to what it was, unless
 * the program changed it since. */
int
adopt_restore_sighup(struct adopt_target *t, struct adopt_error *e)
{
	struct adopt_move	*m;
	struct adopt_ksigaction	 cur;
	int64_t			 r;
	int			 rc = 0;

	memset(e, 0, sizeof *e);
	if (t->shell_pidfd != -1)
		close(t->shell_pidfd);
	t->shell_pidfd = -1;
	t->shell = 0;
	if (!t->hup_ignored)
		return 0;
	t->hup_ignored = 0;
	if (syscall(SYS_pidfd_send_signal, t->pidfd, 0, NULL, 0) == -1)
		return 0;	/* gone: nothing to give back */
	if (!proc_status_has(t->pid, "SigIgn", SIGHUP))
		return 0;	/* it set its own disposition meanwhile, or went */
	if ((m = calloc(1, sizeof *m)) == NULL) {
		adopt_err(e, ADOPT_FAILED, "out of memory");
		return -1;
	}
	m->t = t;
	m->e = e;
	if (ptrace_attach(&m->p, t->pid, t->pidfd) == -1) {
		adopt_err(e, ADOPT_FAILED, "cannot stop process %d to restore "
		    "its SIGHUP handling: %s", (int)t->pid, m->p.why);
		free(m);
		return -1;
	}
	sigaddset(&m->p.drop, SIGCONT);
	if (ptrace_map(&m->p, SCR_SIZE) == 0) {
		r = -1;
		if (ptrace_write(&m->p, m->p.scratch + SCR_OLD, t->hup_act,
		    sizeof t->hup_act) == 0)
			r = adopt_sys(m, SYS_rt_sigaction, SIGHUP,
			    m->p.scratch + SCR_OLD, m->p.scratch + SCR_IGN, 8,
			    0, 0);
		/* A handler installed between the check and now stays. */
		if (r == 0 && ptrace_read(&m->p, m->p.scratch + SCR_IGN, &cur,
		    sizeof cur) == 0 &&
		    cur.handler != (uint64_t)(uintptr_t)SIG_IGN)
			adopt_sys(m, SYS_rt_sigaction, SIGHUP,
			    m->p.scratch + SCR_IGN, 0, 8, 0, 0);
		if (r != 0) {
			adopt_err(e, ADOPT_FAILED, "restoring SIGHUP in "
			    "process %d failed", (int)t->pid);
			rc = -1;
		} else
			log_debug("adopt: SIGHUP handling of process %d "
			    "restored", (int)t->pid);
		ptrace_unmap(&m->p);
	} else {
		adopt_err(e, ADOPT_FAILED, "cannot map memory in process %d: "
		    "%s", (int)t->pid, m->p.why);
		rc = -1;
	}
	ptrace_detach(&m->p);
	free(m);
	return rc;
}

int
adopt_exit_status(struct adopt_target *t)
{
	struct pidfd_info	 info;
	struct proc_stat	 ps;
	int			 st = 0, have;

	if (t->pidfd == -1)
		return -1;
	/* Whoever is its parent reaps it; until then it is a zombie whose
	 * status /proc still shows. Read that first: if the pidfd still
	 * names a live pid afterwards, the pid was not reused meanwhile. */
	have = proc_stat(t->pid, &ps) == 0 && ps.exit_code != -1 &&
	    syscall(SYS_pidfd_send_signal, t->pidfd, 0, NULL, 0) == 0;
	if (have)
		st = ps.exit_code;
	/* Once reaped, the kernel keeps the status with the pidfd (6.15). */
	memset(&info, 0, sizeof info);
	info.mask = PIDFD_INFO_EXIT;
	if (ioctl(t->pidfd, PIDFD_GET_INFO, &info) == 0 &&
	    (info.mask & PIDFD_INFO_EXIT)) {
		st = info.exit_code;
		have = 1;
	}
	return have ? wait_code(st) : -1;
}

void
adopt_free(struct adopt_target *t)
{
	if (t->pidfd != -1)
		close(t->pidfd);
	if (t->shell_pidfd != -1)
		close(t->shell_pidfd);
	t->pidfd = t->shell_pidfd = -1;
}
