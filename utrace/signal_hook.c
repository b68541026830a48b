// SPDX-License-Identifier: GPL-2.0
/*
 * The C half of utrace's signal report: it runs inside get_signal() with
 * siglock held, classifies the signal, drops the lock around the
 * engines' callbacks, and acts like ptrace_signal() on what they chose.
 */

#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/utrace.h>

#include "helpers.h"

/*
 * How the current task would handle @signr: the utrace event that
 * engines ask for to hear of it.
 */
static enum utrace_event utrace_signal_kind(int signr)
{
	__sighandler_t handler = current->sighand->action[signr - 1].sa.sa_handler;

	if (handler == SIG_IGN)
		return UTRACE_EVENT_SIGNAL_IGN;
	if (handler != SIG_DFL)
		return UTRACE_EVENT_SIGNAL;
	if (sig_kernel_ignore(signr))
		return UTRACE_EVENT_SIGNAL_IGN;
	if (sig_kernel_stop(signr))
		return UTRACE_EVENT_SIGNAL_STOP;
	if (sig_kernel_coredump(signr))
		return UTRACE_EVENT_SIGNAL_CORE;
	return UTRACE_EVENT_SIGNAL_TERM;
}

/* The action a signal takes when an engine forces its default action. */
static struct k_sigaction utrace_default_action = {
	.sa.sa_handler = SIG_DFL,
};

/*
 * The signal whose default action is @forced: @signr if its own default
 * is that, or a signal that stands for it.
 */
static int utrace_forced_signal(int signr, enum utrace_forced forced)
{
	switch (forced) {
	case UTRACE_FORCE_TERMINATE:
		if (sig_kernel_ignore(signr) || sig_kernel_stop(signr) ||
		    sig_kernel_coredump(signr))
			return SIGKILL;
		return signr;
	case UTRACE_FORCE_CORE:
		return sig_kernel_coredump(signr) ? signr : SIGQUIT;
	case UTRACE_FORCE_STOP:
		/* Not SIGTSTP and kin, which an orphaned process group drops. */
		return SIGSTOP;
	case UTRACE_FORCE_TSTP:
		return sig_kernel_stop(signr) && signr != SIGSTOP ? signr : SIGTSTP;
	default:
		return signr;
	}
}

/**
 * utrace_report_signal - engines see a signal get_signal() dequeued
 * @signr: the signal
 * @info: its siginfo, which engines may rewrite
 * @type: the queue it came from
 * @ka: the action get_signal() takes, which engines may force to a default
 *
 * Called by the current task with siglock held; returns with it held,
 * though it is dropped while engines run (and while the task stops for
 * them). As with ptrace, a stop signal counts as dequeued only if no
 * SIGCONT comes meanwhile, a signal that became blocked is queued again,
 * and so is every signal once a fatal one is pending. A default action an
 * engine forces is taken at once, blocked or not; the signal changes to
 * one whose default is that action if its own is not (SIGKILL, SIGQUIT,
 * SIGSTOP or SIGTSTP). A signal an engine holds goes back in the queue
 * and is reported again when the task next dequeues it.
 *
 * Return: the signal for get_signal() to act on, or 0 for none.
 */
int utrace_report_signal(int signr, struct kernel_siginfo *info,
			 enum pid_type type, struct k_sigaction **ka)
{
	struct sighand_struct *sighand = current->sighand;
	enum utrace_event kind = utrace_signal_kind(signr);
	int forced = UTRACE_FORCE_NONE;

	if (!(READ_ONCE(current->utrace_flags) & BIT(kind)))
		return signr;

	current->jobctl |= JOBCTL_STOP_DEQUEUED;
	spin_unlock_irq(&sighand->siglock);
	signr = utrace_signal_callbacks(signr, info, BIT(kind), &forced);
	spin_lock_irq(&sighand->siglock);
	if (!valid_signal(signr) || !signr)
		return 0;

	if (forced != UTRACE_FORCE_NONE && forced != UTRACE_HOLD)
		signr = utrace_forced_signal(signr, forced);
	if (signr != info->si_signo) {
		clear_siginfo(info);
		info->si_signo = signr;
		info->si_code = SI_USER;
	}
	if (forced == UTRACE_HOLD) {
		send_signal_locked(signr, info, current, type);
		return 0;
	}
	if (forced != UTRACE_FORCE_NONE) {
		*ka = &utrace_default_action;
		return signr;
	}
	if (sigismember(&current->blocked, signr) ||
	    fatal_signal_pending(current)) {
		send_signal_locked(signr, info, current, type);
		return 0;
	}
	*ka = &sighand->action[signr - 1];
	return signr;
}

/**
 * utrace_report_jctl_stop - engines see the task about to join a group stop
 *
 * Called from do_signal_stop() with siglock held, which is dropped while
 * engines run (and while the task stops for them).
 *
 * Return: whether the task still takes part in the group stop; false if a
 * SIGCONT or SIGKILL ended it meanwhile.
 */
bool utrace_report_jctl_stop(void)
{
	struct sighand_struct *sighand = current->sighand;

	spin_unlock_irq(&sighand->siglock);
	utrace_jctl_callbacks(false);
	spin_lock_irq(&sighand->siglock);
	return current->jobctl & JOBCTL_STOP_PENDING;
}

/**
 * utrace_report_jctl_continued - engines see the task leave a group stop
 *
 * Called without locks by a task woken from its group stop. A task woken
 * by SIGKILL is not continued, and only its death is reported.
 */
void utrace_report_jctl_continued(void)
{
	if (!fatal_signal_pending(current))
		utrace_jctl_callbacks(true);
}
