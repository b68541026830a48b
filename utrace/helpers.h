/* SPDX-License-Identifier: GPL-2.0 */
/* The C helpers of the utrace core; Rust declares them in ffi.rs. */
#ifndef _UTRACE_HELPERS_H
#define _UTRACE_HELPERS_H

#include <linux/sched.h>
#include <linux/task_work.h>

bool utrace_current_may_stop(void);
void utrace_prepare_stop(void);
void utrace_wake_stopped(struct task_struct *task);
int utrace_queue_report(struct task_struct *task, struct callback_head *work,
			task_work_func_t func, bool interrupt);
void utrace_set_syscall_work(struct task_struct *task, bool on);

#endif /* _UTRACE_HELPERS_H */
