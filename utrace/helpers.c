// SPDX-License-Identifier: GPL-2.0
/*
 * The few things the utrace core needs from C: inline functions and
 * macros that Rust cannot call directly. Each is a thin wrapper.
 */
#include <linux/cgroup.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/task_work.h>
#include <linux/thread_info.h>

#include "helpers.h"

/**
 * utrace_current_may_stop - may the current task enter a utrace stop?
 *
 * SIGKILL always wins: a task with SIGKILL pending, or one already dying
 * of a signal (including the implicit kill by exec or exit_group, which
 * queues SIGKILL), never stops.
 */
bool utrace_current_may_stop(void)
{
	return !__fatal_signal_pending(current) &&
	       !(current->flags & PF_SIGNALED);
}

/**
 * utrace_fatal_signal_pending - whether SIGKILL is pending for the current task
 */
bool utrace_fatal_signal_pending(void)
{
	return __fatal_signal_pending(current);
}

/**
 * utrace_task_exit_state - @task's exit_state (0 while it is alive)
 * @task: the task
 */
int utrace_task_exit_state(struct task_struct *task)
{
	return READ_ONCE(task->exit_state);
}

/**
 * utrace_task_slot - where @task keeps its utrace state
 * @task: the task
 *
 * Rust's bindings do not lay out task_struct as C does: bindgen drops
 * the alignment of an empty struct (struct sched_statistics without
 * CONFIG_SCHEDSTATS), so every field after it is misplaced.
 */
struct utrace **utrace_task_slot(struct task_struct *task)
{
	return &task->utrace;
}

/**
 * utrace_task_flags - @task's PF_* flags
 * @task: the task
 */
unsigned int utrace_task_flags(struct task_struct *task)
{
	return READ_ONCE(task->flags);
}

/**
 * utrace_set_task_flags - publish the events @task's engines want
 * @task: the task
 * @flags: the union of the engines' events, and UTRACE_ATTACHED
 */
void utrace_set_task_flags(struct task_struct *task, unsigned long flags)
{
	WRITE_ONCE(task->utrace_flags, flags);
}

/**
 * utrace_change_group_exit_code - an engine changed the exit code
 * @orig: the code do_exit() was called with
 * @code: the code the engines chose
 *
 * By the time engines hear of the exit, a group exit (exit_group, or the
 * last thread's exit) has already recorded @orig as the process's wait
 * status; make it @code.
 */
void utrace_change_group_exit_code(long orig, long code)
{
	struct signal_struct *sig = current->signal;

	spin_lock_irq(&current->sighand->siglock);
	if ((sig->flags & SIGNAL_GROUP_EXIT) && sig->group_exit_code == orig)
		sig->group_exit_code = code;
	spin_unlock_irq(&current->sighand->siglock);
}

/**
 * utrace_prepare_stop - set the current task up for a utrace stop
 *
 * The caller then checks, under the core's lock, that it should still
 * stop, and calls utrace_stop_schedule(), or utrace_cancel_stop() if not.
 * Setting the state first means a tracer that ends its hold by its own
 * means (ptrace clears JOBCTL_TRACED) and then wakes the task is never
 * missed.
 *
 * TASK_TRACED is only __TASK_TRACED: signal_wake_up() of a fatal signal
 * wakes it, unless ptrace froze the task for a request, which lasts one
 * request. utrace_wake_stopped() wakes it too.
 *
 * The task also stays on its CPU until it sleeps: engines commit to the
 * stop (ptrace wakes its tracer there) just before, and a tracer woken on
 * the same CPU would otherwise preempt the task before schedule() and
 * then wait a tick in wait_task_inactive() for it to get off the CPU.
 * PREEMPT_RT takes sleeping locks on the way, and its tasklist_lock does
 * not disable preemption anyway, so it goes without.
 *
 * Return: whether the task may stop, as utrace_current_may_stop().
 */
bool utrace_prepare_stop(void)
{
	set_special_state(TASK_TRACED);
	if (!IS_ENABLED(CONFIG_PREEMPT_RT))
		preempt_disable();
	return utrace_current_may_stop();
}

/**
 * utrace_cancel_stop - the current task does not stop after all
 *
 * Undoes utrace_prepare_stop().
 */
void utrace_cancel_stop(void)
{
	__set_current_state(TASK_RUNNING);
	if (!IS_ENABLED(CONFIG_PREEMPT_RT))
		preempt_enable();
}

/**
 * utrace_stop_schedule - sleep in a utrace stop
 *
 * After utrace_prepare_stop(), with no spinlock held. While it
 * sleeps the task counts as frozen for the cgroup freezer, as in a ptrace
 * stop.
 */
void utrace_stop_schedule(void)
{
	cgroup_enter_frozen();
	if (!IS_ENABLED(CONFIG_PREEMPT_RT))
		preempt_enable_no_resched();
	schedule();
	cgroup_leave_frozen(true);
}

/**
 * utrace_wake_stopped - wake a task from a utrace stop
 * @task: the task, stopped by utrace_prepare_stop() and schedule()
 */
void utrace_wake_stopped(struct task_struct *task)
{
	wake_up_state(task, __TASK_TRACED);
}

/**
 * utrace_queue_report - make @task run @work at its next safe point
 * @task: the task
 * @work: the core's callback_head for @task
 * @func: the function to run
 * @interrupt: interrupt a blocking system call (as a signal would)
 *
 * Return: 0, or -ESRCH if @task is past running task works.
 */
int utrace_queue_report(struct task_struct *task, struct callback_head *work,
			task_work_func_t func, bool interrupt)
{
	init_task_work(work, func);
	return task_work_add(task, work, interrupt ? TWA_SIGNAL : TWA_RESUME);
}

/**
 * utrace_set_syscall_work - route @task's system calls through utrace
 * @task: the task
 * @on: whether any of its engines wants system call events
 */
void utrace_set_syscall_work(struct task_struct *task, bool on)
{
	if (on)
		set_task_syscall_work(task, UTRACE);
	else
		clear_task_syscall_work(task, UTRACE);
}

/**
 * utrace_arch_has_single_step - whether this machine can step user mode
 */
bool utrace_arch_has_single_step(void)
{
	return arch_has_single_step();
}

/**
 * utrace_set_stepping - how the current task steps in user mode
 * @step: 0 not at all, 1 one instruction, 2 to the next branch (one
 *        instruction where the machine cannot block-step)
 *
 * Only the task itself changes its stepping, on its way to user mode: the
 * arch code is only safe on the current task or one that is off its CPU.
 */
void utrace_set_stepping(int step)
{
	if (step == 2 && arch_has_block_step())
		user_enable_block_step(current);
	else if (step)
		user_enable_single_step(current);
	else
		user_disable_single_step(current);
}

/**
 * utrace_wait_inactive - wait until @task, in a utrace stop, is off its CPU
 * @task: the task
 *
 * Return: its context switch count, or 0 if it is not in a utrace stop.
 */
unsigned long utrace_wait_inactive(struct task_struct *task)
{
	return wait_task_inactive(task, __TASK_TRACED);
}
