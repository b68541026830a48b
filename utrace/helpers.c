// SPDX-License-Identifier: GPL-2.0
/*
 * The few things the utrace core needs from C: inline functions and
 * macros that Rust cannot call directly. Each is a thin wrapper.
 */
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
 * utrace_prepare_stop - set the current task's state for a utrace stop
 *
 * The caller checks, under the core's lock, that it should still stop,
 * then drops the lock and calls schedule(). SIGKILL wakes a task in this
 * state (TASK_TRACED includes TASK_WAKEKILL), as does utrace_wake_stopped().
 */
void utrace_prepare_stop(void)
{
	set_special_state(TASK_TRACED);
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
