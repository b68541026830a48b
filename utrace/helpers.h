/* SPDX-License-Identifier: GPL-2.0 */
/* The C helpers of the utrace core; Rust declares them in ffi.rs. */
#ifndef _UTRACE_HELPERS_H
#define _UTRACE_HELPERS_H

#include <linux/sched.h>
#include <linux/task_work.h>

struct kernel_siginfo;

bool utrace_current_may_stop(void);
bool utrace_fatal_signal_pending(void);
int utrace_task_exit_state(struct task_struct *task);
struct utrace **utrace_task_slot(struct task_struct *task);
unsigned int utrace_task_flags(struct task_struct *task);
void utrace_set_task_flags(struct task_struct *task, unsigned long flags);
void utrace_change_group_exit_code(long orig, long code);
bool utrace_prepare_stop(void);
void utrace_cancel_stop(void);
void utrace_stop_schedule(void);
bool utrace_arch_has_single_step(void);
void utrace_set_stepping(int step);
unsigned long utrace_wait_inactive(struct task_struct *task);
void utrace_wake_stopped(struct task_struct *task);
int utrace_queue_report(struct task_struct *task, struct callback_head *work,
			task_work_func_t func, bool interrupt);
void utrace_set_syscall_work(struct task_struct *task, bool on);

/* Rust, called by the signal hook in signal_hook.c. */
/* What utrace_signal_callbacks() says of the signal's action. */
enum utrace_forced {
	UTRACE_FORCE_NONE,
	UTRACE_FORCE_TERMINATE,
	UTRACE_FORCE_CORE,
	UTRACE_FORCE_STOP,
	UTRACE_FORCE_TSTP,
	UTRACE_HOLD,		/* back in the queue, to be dequeued again */
};

int utrace_signal_callbacks(int signr, struct kernel_siginfo *info,
			    unsigned int kind, int *forced);
void utrace_jctl_callbacks(bool continued);

#endif /* _UTRACE_HELPERS_H */
