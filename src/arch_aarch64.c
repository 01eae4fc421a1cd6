/* aarch64: system calls through "svc #0" (d4000001), number in x8,
 * arguments in x0-x5, result in x0. Unlike x86_64, the kernel rewinds the
 * pc of a call to restart before the signal-delivery stop, so the
 * registers saved there already re-execute it; the number of the call in
 * progress is outside the general registers (NT_ARM_SYSTEM_CALL) and must
 * be cleared so that the injected calls leave no restart behind. */
#if defined(__aarch64__)

#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include <elf.h>
#include <linux/audit.h>
#include <string.h>

#include "arch.h"

#ifndef NT_ARM_SYSTEM_CALL
#define NT_ARM_SYSTEM_CALL	0x404
#endif

/* svc #0, little-endian */
static const unsigned char	aarch64_svc[] = { 0x01, 0x00, 0x00, 0xd4 };

static const struct arch_info	aarch64_info = {
	.name = "aarch64",
	.audit = AUDIT_ARCH_AARCH64,
	.elf_machine = EM_AARCH64,
	.insn = aarch64_svc,
	.insn_len = sizeof aarch64_svc,
	.regs_size = sizeof(struct user_regs_struct),
	.insn_align = 4
};

_Static_assert(sizeof(struct user_regs_struct) <= ARCH_REGS_MAX,
    "register buffer too small");

const struct arch_info *
arch_get(void)
{
	return &aarch64_info;
}

static struct user_regs_struct *
aarch64_regs(struct arch_regs *r)
{
	return (struct user_regs_struct *)r->u.b;
}

static const struct user_regs_struct *
aarch64_cregs(const struct arch_regs *r)
{
	return (const struct user_regs_struct *)r->u.b;
}

uint64_t
arch_get_ip(const struct arch_regs *r)
{
	return aarch64_cregs(r)->pc;
}

void
arch_set_ip(struct arch_regs *r, uint64_t ip)
{
	aarch64_regs(r)->pc = ip;
}

void
arch_set_syscall(struct arch_regs *r, long nr, const uint64_t a[6])
{
	struct user_regs_struct	*u = aarch64_regs(r);
	int			 i;

	u->regs[8] = (uint64_t)nr;
	for (i = 0; i < 6; i++)
		u->regs[i] = a[i];
}

int
arch_forget_syscall(pid_t tid)
{
	int		 nr = -1;
	struct iovec	 iov = { &nr, sizeof nr };

	return ptrace(PTRACE_SETREGSET, tid, (void *)NT_ARM_SYSTEM_CALL,
	    &iov) == -1 ? -1 : 0;
}

#else
/* ISO C forbids an empty translation unit. */
typedef int arch_aarch64_unused;
#endif
