// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_kill - stock 6.12 ptrace: SIGKILL of a stopped tracee, and
 * PTRACE_EVENT_EXIT.
 *
 *   sigkill_stopped_tracee    SIGKILL in a signal-delivery stop, with and
 *                             without PTRACE_O_TRACEEXIT; a second SIGKILL
 *
 * Stock facts this rests on, easy to get wrong:
 *  - SIGKILL does stop in PTRACE_EVENT_EXIT (message 9), and a second
 *    SIGKILL does not end that stop: the group is already exiting.
 *
 * Usage: ptrace_kill [subtest]; output and harness: ptrace_check.h.
 */
#include "ptrace_check.h"

/* On a command byte, exit with 3. */
static void __noreturn body_exit_on_cmd(void)
{
	char c;

	if (read(cmd_fds[0], &c, 1) != 1)
		_exit(100);
	_exit(3);
}

/* ---- sigkill_stopped_tracee ---- */

static int stop_on_sigusr1(pid_t t, unsigned long options)
{
	if (seize(t, options))
		return -1;
	kill(t, SIGUSR1);
	return expect_report(t, STOPPED(SIGUSR1), "SIGUSR1 signal-delivery stop");
}

static int test_sigkill_stopped_tracee(void)
{
	pid_t t;

	/* Without PTRACE_O_TRACEEXIT. */
	t = spawn(body_pause);
	if (t < 0 || stop_on_sigusr1(t, 0))
		return -1;
	kill(t, SIGKILL);
	/* signal_wake_up(t, true) cleared JOBCTL_TRACED before kill() returned */
	if (expect_errno(ptrace(PTRACE_GETSIGINFO, t, 0, &(siginfo_t){0}),
			 ESRCH, "PTRACE_GETSIGINFO after SIGKILL") ||
	    expect_report(t, KILLED(SIGKILL), "SIGKILL in a signal-delivery stop"))
		return -1;

	/* With PTRACE_O_TRACEEXIT. */
	t = spawn(body_pause);
	if (t < 0 || stop_on_sigusr1(t, PTRACE_O_TRACEEXIT))
		return -1;
	kill(t, SIGKILL);
	/*
	 * get_signal() takes SIGKILL off the pending set before
	 * do_group_exit(), so the ptrace_stop() of ptrace_event() in do_exit()
	 * does not see __fatal_signal_pending(): it stops. The message is the
	 * exit code, the signal number.
	 */
	if (expect_report(t, EVENT_STOPPED(PTRACE_EVENT_EXIT, SIGTRAP),
			  "EXIT event after SIGKILL") ||
	    expect_eventmsg(t, SIGKILL, "EXIT event after SIGKILL") ||
	    wait_state(t, "t", "EXIT event after SIGKILL"))
		return -1;
	/* prepare_signal() drops signals to an exiting group: it stays put */
	if (kill(t, SIGKILL))
		return fail("second SIGKILL: %s", strerror(errno));
	if (expect_eventmsg(t, SIGKILL, "EXIT event after a second SIGKILL") ||
	    expect_no_report(t, __WALL, "EXIT event after a second SIGKILL") ||
	    resume(t, 0, "PTRACE_CONT from the EXIT event") ||
	    expect_report(t, KILLED(SIGKILL), "death after the EXIT event"))
		return -1;

	/* For comparison, a plain exit(3): the message is the wait status. */
	if (open_pipes())
		return -1;
	t = spawn(body_exit_on_cmd);
	if (t < 0 || seize(t, PTRACE_O_TRACEEXIT) || send_byte(cmd_fds[1], 'c'))
		return -1;
	if (expect_report(t, EVENT_STOPPED(PTRACE_EVENT_EXIT, SIGTRAP),
			  "EXIT event of exit(3)") ||
	    expect_eventmsg(t, EXITED(3), "EXIT event of exit(3)") ||
	    resume(t, 0, "PTRACE_CONT from the EXIT event"))
		return -1;
	return expect_report(t, EXITED(3), "exit(3)");
}

static const struct subtest subtests[] = {
	{ "sigkill_stopped_tracee", test_sigkill_stopped_tracee },
};

int main(int argc, char **argv)
{
	return ptrace_check_main(argc, argv, subtests,
				 (int)ARRAY_SIZE(subtests));
}
