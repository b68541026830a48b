/* SPDX-License-Identifier: GPL-2.0 */
#ifndef UTRACE_GDB_ARCH_X86_REGS_H
#define UTRACE_GDB_ARCH_X86_REGS_H

#include <linux/types.h>

struct task_struct;

/* The same structure as RawRegs in arch/x86/src/regs.rs. */
struct ugdb_raw_regs {
	u64 gregs[27];
	u8 fxsave[512];
	u8 ymmh[256];
	u32 has_avx;
	u32 reserved;
};

int ugdb_arch_read_regs(struct task_struct *task, struct ugdb_raw_regs *regs);
int ugdb_arch_write_regs(struct task_struct *task,
			 const struct ugdb_raw_regs *regs);

bool ugdb_arch_has_avx(void);
unsigned long ugdb_arch_user_pc(struct task_struct *task);
void ugdb_arch_set_user_pc(struct task_struct *task, unsigned long pc);

#endif
