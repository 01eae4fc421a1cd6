/* x86_64: system calls through "syscall" (0f 05), number in rax, arguments
 * in rdi, rsi, rdx, r10, r8, r9, result in rax. The kernel keeps the
 * number of the interrupted call in orig_rax and rewinds rip itself when
 * a call is restarted, after the signal-delivery stop. */
#if defined(__x86_64__)

#include <sys/ptrace.h>
#include <sys/user.h>

#include <elf.h>
#include <linux/audit.h>
#include <string.h>

#include "arch.h"

static const unsigned char	x86_64_syscall[] = { 0x0f, 0x05 };

static const struct arch_info	x86_64_info = {
	.name = "x86_64",
	.audit = AUDIT_ARCH_X86_64,
	.elf_machine = EM_X86_64,
	.insn = x86_64_syscall,
	.insn_len = sizeof x86_64_syscall,
	.regs_size = sizeof(struct user_regs_struct),
	.insn_align = 1
};

_Static_assert(sizeof(struct user_regs_struct) <= ARCH_REGS_MAX,
    "register buffer too small");

const struct arch_info *
arch_get(void)
{
	return &x86_64_info;
}

static struct user_regs_struct *
x86_64_regs(struct arch_regs *r)
{
	return (struct user_regs_struct *)r->u.b;
}

static const struct user_regs_struct *
x86_64_cregs(const struct arch_regs *r)
{
	return (const struct user_regs_struct *)r->u.b;
}

uint64_t
arch_get_ip(const struct arch_regs *r)
{
	return x86_64_cregs(r)->rip;
}

void
arch_set_ip(struct arch_regs *r, uint64_t ip)
{
	x86_64_regs(r)->rip = ip;
}

void
arch_set_syscall(struct arch_regs *r, long nr, const uint64_t a[6])
{
	struct user_regs_struct	*u = x86_64_regs(r);

	u->rax = (uint64_t)nr;
	/* Not inside a call: no restart logic may touch these registers
	 * when the tracee is resumed through signal delivery. */
	u->orig_rax = (uint64_t)-1;
	u->rdi = a[0];
	u->rsi = a[1];
	u->rdx = a[2];
	u->r10 = a[3];
	u->r8 = a[4];
	u->r9 = a[5];
}

/* orig_rax came back with the other registers: it names the original
 * call (or -1), which is what the restart logic must see. */
int
arch_forget_syscall(pid_t tid)
{
	(void)tid;
	return 0;
}

#else
/* ISO C forbids an empty translation unit. */
typedef int arch_x86_64_unused;
#endif
