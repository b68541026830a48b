// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_seize - stock 6.12 ptrace: PTRACE_SEIZE against PTRACE_ATTACH,
 * PTRACE_INTERRUPT and PTRACE_LISTEN, and how each reports a group stop.
 *
 *   seize_interrupt_listen    SEIZE, INTERRUPT, group stop as a STOP trap,
 *                             LISTEN, SIGCONT while listening
 *   attach_group_stop         group stop of a PTRACE_ATTACHed tracee: no
 *                             siginfo (EINVAL), resuming ends the stop
 *
 * Stock facts these rest on, easy to get wrong:
 *  - A seized tracee's group stop has siginfo (si_code SIGSTOP |
 *    PTRACE_EVENT_STOP << 8); only a PTRACE_ATTACHed one's has none.
 *
 * Usage: ptrace_seize [subtest]; output and harness: ptrace_check.h.
 */
#include "ptrace_check.h"

/* ---- seize_interrupt_listen ---- */

static int test_seize_interrupt_listen(void)
{
	pid_t t = spawn(body_pause);

	if (t < 0 || seize(t, 0))
		return -1;
	if (expect_no_report(t, __WALL, "after PTRACE_SEIZE") ||
	    wait_state(t, "S", "after PTRACE_SEIZE"))
		return -1;

	if (xptrace(PTRACE_INTERRUPT, t, 0, 0, "PTRACE_INTERRUPT"))
		return -1;
	/* do_jobctl_trap(): no group stop in effect, so the trap says SIGTRAP */
	if (expect_report(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGTRAP),
			  "INTERRUPT trap"))
		return -1;
	/* ptrace_do_notify(): si_code is the exit code, si_pid the tracee */
	if (expect_siginfo(t, SIGTRAP, SIGTRAP | PTRACE_EVENT_STOP << 8, t,
			   "INTERRUPT trap") ||
	    expect_eventmsg(t, 0, "INTERRUPT trap") ||
	    wait_state(t, "t", "INTERRUPT trap"))
		return -1;
	if (resume(t, 0, "PTRACE_CONT from the INTERRUPT trap") ||
	    wait_state(t, "S", "resumed from the INTERRUPT trap"))
		return -1;

	kill(t, SIGSTOP);
	if (expect_report(t, STOPPED(SIGSTOP), "SIGSTOP signal-delivery stop") ||
	    expect_siginfo(t, SIGSTOP, SI_USER, getpid(),
			   "SIGSTOP signal-delivery stop"))
		return -1;
	/* ptrace_request(): LISTEN needs a PTRACE_EVENT_STOP trap */
	if (expect_errno(ptrace(PTRACE_LISTEN, t, 0, 0), EIO,
			 "PTRACE_LISTEN in a signal-delivery stop"))
		return -1;
	if (resume(t, SIGSTOP, "PTRACE_CONT with SIGSTOP") ||
	    expect_report(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGSTOP),
			  "group stop"))
		return -1;
	/*
	 * A seized tracee's group stop goes through ptrace_do_notify() and so
	 * has siginfo; without PTRACE_SEIZE it has none (attach_group_stop).
	 */
	if (expect_siginfo(t, SIGSTOP, SIGSTOP | PTRACE_EVENT_STOP << 8, t,
			   "group stop") ||
	    wait_state(t, "t", "group stop"))
		return -1;

	if (xptrace(PTRACE_LISTEN, t, 0, 0, "PTRACE_LISTEN"))
		return -1;
	/* task_stopped_code() skips JOBCTL_LISTENING; it stays TASK_TRACED */
	if (expect_no_report(t, __WALL, "listening") ||
	    wait_state(t, "t", "listening"))
		return -1;
	/* ptrace_freeze_traced() refuses a listening tracee */
	if (expect_errno(ptrace(PTRACE_GETEVENTMSG, t, 0, &(unsigned long){0}),
			 ESRCH, "PTRACE_GETEVENTMSG while listening"))
		return -1;
	if (xptrace(PTRACE_INTERRUPT, t, 0, 0, "PTRACE_INTERRUPT while listening") ||
	    expect_report(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGSTOP),
			  "INTERRUPT of a listening tracee"))
		return -1;
	if (xptrace(PTRACE_LISTEN, t, 0, 0, "PTRACE_LISTEN again"))
		return -1;

	kill(t, SIGCONT);
	/*
	 * prepare_signal(SIGCONT) -> ptrace_trap_notify() wakes it; the group
	 * stop is over, so do_jobctl_trap() traps with SIGTRAP ...
	 */
	if (expect_report(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGTRAP),
			  "SIGCONT while listening") ||
	    expect_siginfo(t, SIGTRAP, SIGTRAP | PTRACE_EVENT_STOP << 8, t,
			   "trap after SIGCONT"))
		return -1;
	/* ... and then the SIGCONT is reported like any signal (sig_ignored()) */
	if (resume(t, 0, "PTRACE_CONT after the SIGCONT trap") ||
	    expect_report(t, STOPPED(SIGCONT), "SIGCONT signal-delivery stop") ||
	    expect_siginfo(t, SIGCONT, SI_USER, getpid(),
			   "SIGCONT signal-delivery stop"))
		return -1;
	if (resume(t, 0, "PTRACE_CONT from the SIGCONT stop") ||
	    wait_state(t, "S", "after SIGCONT"))
		return -1;
	return expect_no_report(t, __WALL, "running again");
}

/* ---- attach_group_stop ---- */

static int test_attach_group_stop(void)
{
	pid_t t = spawn(body_pause);

	if (t < 0 || xptrace(PTRACE_ATTACH, t, 0, 0, "PTRACE_ATTACH"))
		return -1;
	/* ptrace_attach() sends SIGSTOP as SEND_SIG_PRIV: SI_KERNEL, pid 0 */
	if (expect_report(t, STOPPED(SIGSTOP), "stop after PTRACE_ATTACH") ||
	    expect_siginfo(t, SIGSTOP, SI_KERNEL, 0, "stop after PTRACE_ATTACH"))
		return -1;
	if (expect_errno(ptrace(PTRACE_ATTACH, t, 0, 0), EPERM,
			 "second PTRACE_ATTACH") ||
	    expect_errno(ptrace(PTRACE_SEIZE, t, 0, 0), EPERM,
			 "PTRACE_SEIZE of a traced task") ||
	    expect_errno(ptrace(PTRACE_INTERRUPT, t, 0, 0), EIO,
			 "PTRACE_INTERRUPT without SEIZE") ||
	    expect_errno(ptrace(PTRACE_LISTEN, t, 0, 0), EIO,
			 "PTRACE_LISTEN without SEIZE"))
		return -1;

	if (resume(t, SIGSTOP, "PTRACE_CONT with SIGSTOP"))
		return -1;
	/* do_jobctl_trap(), !PT_SEIZED: ptrace_stop(signr, CLD_STOPPED, 0, NULL) */
	if (expect_report(t, STOPPED(SIGSTOP), "group stop") ||
	    expect_errno(ptrace(PTRACE_GETSIGINFO, t, 0, &(siginfo_t){0}),
			 EINVAL, "PTRACE_GETSIGINFO in a group stop") ||
	    wait_state(t, "t", "group stop"))
		return -1;
	/* Without SEIZE, resuming from the group stop makes the tracee run. */
	if (resume(t, 0, "PTRACE_CONT from the group stop") ||
	    wait_state(t, "S", "resumed from the group stop"))
		return -1;
	return expect_no_report(t, __WALL | WUNTRACED, "resumed");
}

static const struct subtest subtests[] = {
	{ "seize_interrupt_listen", test_seize_interrupt_listen },
	{ "attach_group_stop", test_attach_group_stop },
};

int main(int argc, char **argv)
{
	return ptrace_check_main(argc, argv, subtests,
				 (int)ARRAY_SIZE(subtests));
}
