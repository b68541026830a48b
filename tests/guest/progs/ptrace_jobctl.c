// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_jobctl - stock 6.12 ptrace: job control traps beyond
 * ptrace_seize's.
 *
 *   attach_stopped            PTRACE_ATTACH to a stopped process: the
 *                             tracer gets its stop at once, and never sees
 *                             it run
 *   interrupt_restarts_read   PTRACE_INTERRUPT of a task blocked in read():
 *                             a trap, then the read goes on
 *   interrupt_during_stop     PTRACE_INTERRUPT while the task is in a
 *                             signal-delivery stop: a trap once it resumes
 *
 * Usage: ptrace_jobctl [subtest]; output and harness: ptrace_check.h.
 */
#include "ptrace_check.h"

/* Answers each command byte with the same byte on the note pipe. */
static void __noreturn body_echo(void)
{
	char c;

	for (;;) {
		ssize_t n = read(cmd_fds[0], &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n != 1)
			_exit(100);
		write_all(note_fds[1], &c, 1);
	}
}

static int test_attach_stopped(void)
{
	pid_t t = spawn(body_pause);
	int status;

	if (t < 0)
		return -1;
	kill(t, SIGSTOP);
	if (xwaitpid(t, &status, WUNTRACED) < 0)
		return -1;
	if (status != STOPPED(SIGSTOP))
		return fail("SIGSTOP: status %s", status_str(status));
	/*
	 * ptrace_attach(): ptrace_set_stopped() turns the group stop into a
	 * STOP trap, and the attacher waits for JOBCTL_TRAPPING to clear, so
	 * the tracer's wait reports it at once and the task never runs.
	 */
	if (xptrace(PTRACE_ATTACH, t, 0, 0, "PTRACE_ATTACH to a stopped task"))
		return -1;
	if (proc_state(t) != 't')
		return fail("state '%c' right after PTRACE_ATTACH, expected 't'",
			    proc_state(t));
	if (expect_report(t, STOPPED(SIGSTOP), "the trap of the group stop") ||
	    expect_errno(ptrace(PTRACE_GETSIGINFO, t, 0, &(siginfo_t){0}),
			 EINVAL, "PTRACE_GETSIGINFO in an attached group stop"))
		return -1;
	/* The SIGSTOP that PTRACE_ATTACH sent comes next, after the trap. */
	if (resume(t, 0, "PTRACE_CONT from the group stop") ||
	    expect_report(t, STOPPED(SIGSTOP), "PTRACE_ATTACH's own SIGSTOP") ||
	    expect_siginfo(t, SIGSTOP, SI_KERNEL, 0, "PTRACE_ATTACH's own SIGSTOP"))
		return -1;
	if (resume(t, 0, "PTRACE_CONT discarding the SIGSTOP") ||
	    wait_state(t, "S", "running after the stops"))
		return -1;
	return expect_no_report(t, __WALL, "running after the stops");
}

static int test_interrupt_restarts_read(void)
{
	pid_t t;

	if (open_pipes())
		return -1;
	t = spawn(body_echo);
	if (t < 0 || seize(t, 0) || wait_state(t, "S", "blocked in read()") ||
	    xptrace(PTRACE_INTERRUPT, t, 0, 0, "PTRACE_INTERRUPT"))
		return -1;
	if (expect_report(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGTRAP),
			  "INTERRUPT trap in read()") ||
	    expect_siginfo(t, SIGTRAP, SIGTRAP | PTRACE_EVENT_STOP << 8, t,
			   "INTERRUPT trap in read()") ||
	    resume(t, 0, "PTRACE_CONT from the trap") ||
	    wait_state(t, "S", "back in read()"))
		return -1;
	/* The read restarted: it gets the byte, and nothing else stops it. */
	if (send_byte(cmd_fds[1], 'x') ||
	    expect_byte(note_fds[0], 'x', "the read after the trap"))
		return -1;
	return expect_no_report(t, __WALL, "after the read");
}

static int test_interrupt_during_stop(void)
{
	pid_t t = spawn(body_pause);

	if (t < 0 || seize(t, 0))
		return -1;
	kill(t, SIGUSR2);
	if (expect_report(t, STOPPED(SIGUSR2), "SIGUSR2 signal-delivery stop"))
		return -1;
	/* JOBCTL_TRAP_STOP, set during the stop, traps once it is over */
	if (xptrace(PTRACE_INTERRUPT, t, 0, 0, "PTRACE_INTERRUPT in a stop") ||
	    expect_no_report(t, __WALL, "INTERRUPT in a stop") ||
	    resume(t, 0, "PTRACE_CONT discarding SIGUSR2") ||
	    expect_report(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGTRAP),
			  "INTERRUPT trap after the stop") ||
	    resume(t, 0, "PTRACE_CONT from the trap") ||
	    wait_state(t, "S", "running after the trap"))
		return -1;
	return expect_no_report(t, __WALL, "running after the trap");
}

static const struct subtest subtests[] = {
	{ "attach_stopped", test_attach_stopped },
	{ "interrupt_restarts_read", test_interrupt_restarts_read },
	{ "interrupt_during_stop", test_interrupt_during_stop },
};

int main(int argc, char **argv)
{
	return ptrace_check_main(argc, argv, subtests,
				 (int)ARRAY_SIZE(subtests));
}
