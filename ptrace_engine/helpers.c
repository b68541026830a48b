// SPDX-License-Identifier: GPL-2.0
/*
 * What the ptrace engine (ptrace_engine.rs) needs from C: the ptrace
 * state of a task, which is C's to lay out, and the stop helpers of
 * kernel/signal.c with the constants they take.
 */
#include <linux/entry-common.h>
#include <linux/ptrace.h>
#include <linux/ptrace_engine.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/signal.h>
#include <linux/task_work.h>

#include "helpers.h"

/**
 * ptrace_engine_is_traced - whether @task is ptraced now
 * @task: the task
 */
bool ptrace_engine_is_traced(struct task_struct *task)
{
	return READ_ONCE(task->ptrace) & PT_PTRACED;
}

/**
 * ptrace_engine_holds - whether @task's tracer still holds it in its stop
 * @task: the task, in a stop its ptrace engine committed to
 *
 * Every way out of a ptrace stop (a resume request, a detach, the
 * tracer's death, SIGKILL) clears JOBCTL_TRACED and then wakes the task.
 */
bool ptrace_engine_holds(struct task_struct *task)
{
	return READ_ONCE(task->jobctl) & JOBCTL_TRACED;
}

/**
 * ptrace_engine_stop_record - the record of @task's ptrace stop
 * @task: the task, frozen in its stop by a request of its tracer
 *
 * Return: the record the ptrace engine gave ptrace_stop_commit() or
 * ptrace_jobctl_trap_commit(), or NULL if @task is in no ptrace stop.
 */
struct ptrace_stop_record *ptrace_engine_stop_record(struct task_struct *task)
{
	return task->ptrace_stop;
}

/**
 * ptrace_engine_syscall_stop - the stop the current task makes at a system call
 * @entry: at system call entry; at exit otherwise
 * @sysgood: the tracer set PTRACE_O_TRACESYSGOOD
 * @info: filled with the stop's siginfo
 * @message: set to what PTRACE_GETEVENTMSG returns during the stop
 * @emulate: set if the system call is to be skipped (PTRACE_SYSEMU)
 *
 * At exit a task that single-steps reports the step instead, as
 * syscall_exit_work() does, and PTRACE_SYSEMU makes no exit stop.
 *
 * Return: the stop's code, SIGTRAP (with 0x80 for PTRACE_O_TRACESYSGOOD),
 * or 0 if the tracer asked for no stop here.
 */
int ptrace_engine_syscall_stop(bool entry, bool sysgood, kernel_siginfo_t *info,
			       unsigned long *message, bool *emulate)
{
	unsigned long work = READ_ONCE(current_thread_info()->syscall_work);
	bool step = (work & SYSCALL_WORK_SYSCALL_EXIT_TRAP) &&
		    !(work & SYSCALL_WORK_SYSCALL_EMU);
	int code;

	*emulate = entry && (work & SYSCALL_WORK_SYSCALL_EMU);
	if (!(current->ptrace & PT_PTRACED))
		return 0;
	if (entry && !(work & (SYSCALL_WORK_SYSCALL_TRACE | SYSCALL_WORK_SYSCALL_EMU)))
		return 0;
	if (!entry && (!(work & SYSCALL_WORK_SYSCALL_TRACE) || step))
		return 0;

	code = SIGTRAP | (sysgood ? 0x80 : 0);
	clear_siginfo(info);
	info->si_signo = SIGTRAP;
	info->si_code = code;
	info->si_pid = task_pid_vnr(current);
	info->si_uid = from_kuid_munged(current_user_ns(), current_uid());
	*message = entry ? PTRACE_EVENTMSG_SYSCALL_ENTRY :
			   PTRACE_EVENTMSG_SYSCALL_EXIT;
	return code;
}

/**
 * ptrace_engine_event_info - the siginfo of a PTRACE_EVENT_* stop
 * @event: the PTRACE_EVENT_* number, or 0 for the trap of a step into a
 *         signal handler
 * @info: filled as ptrace_notify() fills it
 *
 * Return: the stop's code, for wait().
 */
int ptrace_engine_event_info(int event, kernel_siginfo_t *info)
{
	int code = (event << 8) | SIGTRAP;

	clear_siginfo(info);
	info->si_signo = SIGTRAP;
	info->si_code = code;
	info->si_pid = task_pid_vnr(current);
	info->si_uid = from_kuid_munged(current_user_ns(), current_uid());
	return code;
}

/**
 * ptrace_engine_event - a PTRACE_EVENT_* stop, if the tracer asked for it
 * @event: the PTRACE_EVENT_* number
 * @message: what PTRACE_GETEVENTMSG returns during the stop
 *
 * What ptrace_event() did, with the stop made by the ptrace engine: a
 * traced exec that stops for no event sends the legacy SIGTRAP instead,
 * unless the tracer seized the task.
 */
void ptrace_engine_event(int event, unsigned long message)
{
	if (unlikely(ptrace_event_enabled(current, event))) {
		if (unlikely(task_work_pending(current)))
			task_work_run();
		ptrace_engine_report_event(event, message);
	} else if (event == PTRACE_EVENT_EXEC &&
		   (current->ptrace & (PT_PTRACED | PT_SEIZED)) == PT_PTRACED) {
		send_sig(SIGTRAP, current, 0);
	}
}

/**
 * ptrace_engine_event_pid - a PTRACE_EVENT_* stop whose message is @pid
 * @event: the PTRACE_EVENT_* number
 * @pid: the task the event is about, given to the tracer in its own pid
 *       namespace
 */
void ptrace_engine_event_pid(int event, struct pid *pid)
{
	unsigned long message = 0;
	struct pid_namespace *ns;

	rcu_read_lock();
	ns = task_active_pid_ns(rcu_dereference(current->parent));
	if (ns)
		message = pid_nr_ns(pid, ns);
	rcu_read_unlock();
	ptrace_engine_event(event, message);
}

/**
 * ptrace_engine_signal_info - the siginfo of the signal a tracer resumed with
 * @signr: the signal the tracer resumed a signal-delivery stop with
 * @info: the stop's siginfo, which the tracer may have set
 *
 * A signal other than the one in @info gets a siginfo of its own, as sent
 * by the tracer with kill(), as ptrace_signal() made it.
 */
void ptrace_engine_signal_info(int signr, kernel_siginfo_t *info)
{
	if (signr == info->si_signo)
		return;
	clear_siginfo(info);
	info->si_signo = signr;
	info->si_errno = 0;
	info->si_code = SI_USER;
	rcu_read_lock();
	info->si_pid = task_pid_vnr(current->parent);
	info->si_uid = from_kuid_munged(current_user_ns(),
					task_uid(current->parent));
	rcu_read_unlock();
}

/**
 * ptrace_engine_jobctl_trap - the job control trap of a ptraced task
 *
 * Called by do_jobctl_trap() without siglock: the ptrace engine makes the
 * trap, and ptrace_jobctl_trap_commit() tells the tracer.
 */
void ptrace_engine_jobctl_trap(void)
{
	if (likely(ptrace_engine_report_trap()))
		return;
	/*
	 * Every ptraced task has an engine. Without one, give up the trap,
	 * or get_signal() would come back to it forever.
	 */
	WARN_ON_ONCE(1);
	spin_lock_irq(&current->sighand->siglock);
	task_clear_jobctl_pending(current, JOBCTL_TRAP_MASK);
	task_clear_jobctl_trapping(current);
	spin_unlock_irq(&current->sighand->siglock);
}

/**
 * ptrace_engine_untrace_child - let a new child that got no engine go
 * @child: a child that kernel_clone() auto-attached to its parent's
 *         tracer and has not woken yet
 *
 * Without a ptrace engine the child could make no ptrace stop, so it is
 * not left traced: it is unlinked from the tracer, and the SIGSTOP (or
 * the STOP trap, if seized) ptrace_init_task() gave it is dropped.
 */
void ptrace_engine_untrace_child(struct task_struct *child)
{
	write_lock_irq(&tasklist_lock);
	if (child->ptrace) {
		__ptrace_unlink(child);
		spin_lock(&child->sighand->siglock);
		sigdelset(&child->pending.signal, SIGSTOP);
		spin_unlock(&child->sighand->siglock);
	}
	write_unlock_irq(&tasklist_lock);
}
