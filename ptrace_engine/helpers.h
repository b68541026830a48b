/* SPDX-License-Identifier: GPL-2.0 */
/* The C helpers of the ptrace engine; Rust declares them in ptrace_engine.rs. */
#ifndef _PTRACE_ENGINE_HELPERS_H
#define _PTRACE_ENGINE_HELPERS_H

#include <linux/types.h>

struct kernel_siginfo;
struct ptrace_stop_record;
struct task_struct;

bool ptrace_engine_is_traced(struct task_struct *task);
bool ptrace_engine_holds(struct task_struct *task);
struct ptrace_stop_record *ptrace_engine_stop_record(struct task_struct *task);
int ptrace_engine_syscall_stop(bool entry, bool sysgood,
			       struct kernel_siginfo *info,
			       unsigned long *message, bool *emulate);
int ptrace_engine_event_info(int event, struct kernel_siginfo *info);
void ptrace_engine_untrace_child(struct task_struct *child);
void ptrace_engine_signal_info(int signr, struct kernel_siginfo *info);

/* Rust, called by ptrace_engine_event() and ptrace_engine_jobctl_trap(). */
void ptrace_engine_report_event(int event, unsigned long message);
bool ptrace_engine_report_trap(void);

#endif /* _PTRACE_ENGINE_HELPERS_H */
