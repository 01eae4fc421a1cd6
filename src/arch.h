/* The machine-dependent part of the ptrace core: how registers are read
 * and written, where a system call's number, arguments and result live,
 * and which instruction makes a system call. One file per ABI implements
 * it (arch_x86_64.c, arch_aarch64.c); the one matching the compiler's
 * target is active, the others compile to nothing. Adding an architecture
 * is one more such file. */
#ifndef SESS_ARCH_H
#define SESS_ARCH_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__aarch64__)
#define ARCH_SUPPORTED	1
#else
#define ARCH_SUPPORTED	0
#endif

/* Large enough for any ABI's general registers (NT_PRSTATUS). */
#define ARCH_REGS_MAX	512

struct arch_regs {
	union {
		unsigned char	 b[ARCH_REGS_MAX];
		uint64_t	 align;
	} u;
	size_t		 len;	/* as the kernel returned them */
};

struct arch_info {
	const char		*name;		/* "x86_64" */
	uint32_t		 audit;		/* AUDIT_ARCH_* */
	uint16_t		 elf_machine;	/* EM_* of its executables */
	const unsigned char	*insn;		/* the system call instruction */
	size_t			 insn_len;
	size_t			 insn_align;	/* where it may start */
	size_t			 regs_size;	/* its NT_PRSTATUS registers */
};

/* The active ABI; NULL when sess was built for a machine with none. */
const struct arch_info	*arch_get(void);

uint64_t arch_get_ip(const struct arch_regs *);
void	 arch_set_ip(struct arch_regs *, uint64_t);

/* Loads a system call's number and arguments so that executing the
 * system call instruction makes that call. */
void	 arch_set_syscall(struct arch_regs *, long, const uint64_t[6]);

/* Called on a tracee stopped at a system call exit, once its original
 * registers are back, before it is resumed through signal delivery: the
 * kernel must not take the registers for the aftermath of the injected
 * call (restart handling happens once, on the original state). */
int	 arch_forget_syscall(pid_t);

#endif
