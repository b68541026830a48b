// SPDX-License-Identifier: GPL-2.0
/*
 * gdb's hardware breakpoints and watchpoints on x86: each piece gdb's
 * region is split into (arch/x86/src/debugregs.rs) is one user
 * hw_breakpoint per thread, as with ptrace's debug registers. A hit sets
 * the slot's bit in the thread's virtual DR6, so the #DB handler sends
 * the thread a SIGTRAP (TRAP_HWBKPT), which the engine intercepts.
 */
#include <linux/err.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <asm/debugreg.h>

#include "debugregs.h"

static void ugdb_arch_hw_triggered(struct perf_event *bp,
				   struct perf_sample_data *data,
				   struct pt_regs *regs)
{
	unsigned long slot = (unsigned long)bp->overflow_handler_context;

	current->thread.virtual_dr6 |= DR_TRAP0 << slot;
}

/**
 * ugdb_arch_hw_register - set a debug register of a thread
 * @task: the thread, stopped or not yet running
 * @slot: the slot (0-3) whose bit a hit sets in the thread's DR6
 * @addr: the user address
 * @len: 1, 2, 4 or 8 bytes, ignored for @type %UGDB_HW_EXEC
 * @type: %UGDB_HW_EXEC, %UGDB_HW_WRITE or %UGDB_HW_ACCESS
 *
 * Return: the hw_breakpoint, or an ERR_PTR: -ENOSPC when the thread's
 * debug registers are taken (by ptrace or perf), -EINVAL for a bad
 * address or length.
 */
struct perf_event *ugdb_arch_hw_register(struct task_struct *task,
					 unsigned int slot, unsigned long addr,
					 unsigned int len, unsigned int type)
{
	struct perf_event_attr attr;

	if (slot >= HBP_NUM)
		return ERR_PTR(-EINVAL);
	ptrace_breakpoint_init(&attr);
	attr.bp_addr = addr;
	attr.disabled = 0;
	switch (type) {
	case UGDB_HW_EXEC:
		attr.bp_type = HW_BREAKPOINT_X;
		attr.bp_len = sizeof(long);
		break;
	case UGDB_HW_WRITE:
		attr.bp_type = HW_BREAKPOINT_W;
		attr.bp_len = len;
		break;
	case UGDB_HW_ACCESS:
		attr.bp_type = HW_BREAKPOINT_W | HW_BREAKPOINT_R;
		attr.bp_len = len;
		break;
	default:
		return ERR_PTR(-EINVAL);
	}
	return register_user_hw_breakpoint(&attr, ugdb_arch_hw_triggered,
					   (void *)(unsigned long)slot, task);
}

/**
 * ugdb_arch_hw_unregister - free what ugdb_arch_hw_register() set
 * @bp: the hw_breakpoint
 */
void ugdb_arch_hw_unregister(struct perf_event *bp)
{
	unregister_hw_breakpoint(bp);
}

/**
 * ugdb_arch_hw_hits - which debug registers the current thread last hit
 *
 * Called from the current thread's SIGTRAP report: the #DB handler that
 * sent the signal left the bits of the slots that fired in the thread's
 * virtual DR6, until the next #DB.
 *
 * Return: a mask of slots.
 */
unsigned int ugdb_arch_hw_hits(void)
{
	return (current->thread.virtual_dr6 & DR_TRAP_BITS) / DR_TRAP0;
}
