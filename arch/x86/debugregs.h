/* SPDX-License-Identifier: GPL-2.0 */
#ifndef UTRACE_GDB_ARCH_X86_DEBUGREGS_H
#define UTRACE_GDB_ARCH_X86_DEBUGREGS_H

struct perf_event;
struct task_struct;

/* The same values as HwKind in arch/x86/src/debugregs.rs. */
enum ugdb_hw_type {
	UGDB_HW_EXEC,
	UGDB_HW_WRITE,
	UGDB_HW_ACCESS,
};

struct perf_event *ugdb_arch_hw_register(struct task_struct *task,
					 unsigned int slot, unsigned long addr,
					 unsigned int len, unsigned int type);
void ugdb_arch_hw_unregister(struct perf_event *bp);
unsigned int ugdb_arch_hw_hits(void);

#endif
