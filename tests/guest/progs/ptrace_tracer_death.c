// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_tracer_death - stock 6.12 ptrace: what becomes of a tracee whose
 * tracer dies while it is stopped, in each kind of stop.
 *
 *   tracer_dies_in_each_stop  the tracer is SIGKILLed while its tracee is in
 *                             a signal-delivery, group, LISTEN, syscall
 *                             (with and without TRACESYSGOOD) or exec
 *                             event stop; PTRACE_O_EXITKILL
 *
 * Stock facts this rests on, easy to get wrong:
 *  - A tracer's wait() for a stop zeroes the tracee's exit code
 *    (wait_task_stopped()). If the tracer then dies, the tracee resumes as
 *    if with signal 0; if it only peeked (WNOWAIT), with the stop's own
 *    code: the signal is delivered, or, for a plain syscall stop, the
 *    tracee sends itself SIGTRAP and dies of it.
 *
 * Usage: ptrace_tracer_death [subtest]; output and harness: ptrace_check.h.
 */
#include "ptrace_check.h"
#include <sys/syscall.h>

/* ---- tracee bodies ---- */

/* Each command byte is read by a read() and answered with an 'x'. */
static void __noreturn body_read_loop(void)
{
	char c;

	for (;;)
		if (read(cmd_fds[0], &c, 1) == 1)
			write_all(note_fds[1], "x", 1);
}

/* On a command byte, exec this program as "--note FD". */
static void __noreturn body_exec_on_cmd(void)
{
	char fd[16], c;

	if (read(cmd_fds[0], &c, 1) != 1)
		_exit(100);
	snprintf(fd, sizeof(fd), "%d", note_fds[1]);
	execl(SELF_EXE, program_invocation_short_name, "--note", fd,
	      (char *)NULL);
	_exit(101);
}

/* ---- tracer_dies_in_each_stop ---- */

/*
 * The tracer (a process of its own, not the tracee's parent) brings the
 * tracee into a stop and is then SIGKILLed; the real parent checks what
 * becomes of the tracee.
 *
 * What matters most is whether the tracer consumed the stop with wait():
 * wait_task_stopped() zeroes ->exit_code, and that is what ptrace_stop()
 * returns when __ptrace_unlink() wakes the tracee. A consumed stop so ends
 * as if resumed with signal 0; an unconsumed one (only seen with WNOWAIT)
 * as if resumed with the stop's own exit code.
 */
struct death_case {
	const char *name;
	void (*body)(void);
	/* In the tracer: attach and bring the tracee into the stop. */
	int (*drive)(pid_t t);
	/* Peek at the last stop with WNOWAIT instead of consuming it. */
	bool peek;
	/* In the real parent, once the tracer is dead and reaped. */
	int (*check)(pid_t t);
};

static bool peek_last_stop;

/* The stop must be @want; consume it, or just peek at it. */
static int expect_last_stop(pid_t pid, int want, const char *what)
{
	siginfo_t si;

	if (!peek_last_stop)
		return expect_report(pid, want, what);
	step = what;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT | __WALL))
		return fail("%s: waitid: %s", what, strerror(errno));
	/* wait_task_stopped(): si_status is the whole exit code */
	if (si.si_pid != pid || si.si_code != CLD_TRAPPED ||
	    si.si_status != want >> 8)
		return fail("%s: waitid(WNOWAIT) pid %d code %d status %#x, expected %d %d %#x",
			    what, si.si_pid, si.si_code, si.si_status, pid,
			    CLD_TRAPPED, want >> 8);
	return 0;
}

static int drive_signal_stop(pid_t t)
{
	if (seize(t, 0))
		return -1;
	kill(t, SIGUSR1);
	return expect_last_stop(t, STOPPED(SIGUSR1),
				"SIGUSR1 signal-delivery stop");
}

static int drive_group_stop(pid_t t)
{
	if (seize(t, 0))
		return -1;
	kill(t, SIGSTOP);
	if (expect_report(t, STOPPED(SIGSTOP), "SIGSTOP signal-delivery stop") ||
	    resume(t, SIGSTOP, "PTRACE_CONT with SIGSTOP"))
		return -1;
	if (expect_last_stop(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGSTOP),
			     "group stop"))
		return -1;
	return wait_state(t, "t", "group stop");
}

static int drive_listen(pid_t t)
{
	if (drive_group_stop(t) ||
	    xptrace(PTRACE_LISTEN, t, 0, 0, "PTRACE_LISTEN"))
		return -1;
	if (expect_no_report(t, __WALL, "listening"))
		return -1;
	return wait_state(t, "t", "listening");
}

static int drive_syscall_stop(pid_t t, bool sysgood)
{
	struct __ptrace_syscall_info info;
	long n;

	if (seize(t, sysgood ? PTRACE_O_TRACESYSGOOD : 0) ||
	    xptrace(PTRACE_INTERRUPT, t, 0, 0, "PTRACE_INTERRUPT"))
		return -1;
	if (expect_report(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGTRAP),
			  "INTERRUPT trap") ||
	    xptrace(PTRACE_SYSCALL, t, 0, 0, "PTRACE_SYSCALL"))
		return -1;
	/* the tracee was in (or about to enter) read(): it restarts it */
	if (expect_last_stop(t, STOPPED(sysgood ? SYSCALL_TRAP : SIGTRAP),
			     "syscall-entry stop") ||
	    expect_eventmsg(t, EVENTMSG_SYSCALL_ENTRY, "syscall-entry stop"))
		return -1;
	if (!sysgood)
		return 0;
	n = ptrace(PTRACE_GET_SYSCALL_INFO, t, sizeof(info), &info);
	if (n < 0 || info.op != PTRACE_SYSCALL_INFO_ENTRY ||
	    info.entry.nr != SYS_read)
		return fail("syscall-entry stop: info returned %ld, op %d nr %llu",
			    n, info.op, (unsigned long long)info.entry.nr);
	return 0;
}

static int drive_syscall_sysgood(pid_t t)
{
	return drive_syscall_stop(t, true);
}

static int drive_syscall_plain(pid_t t)
{
	return drive_syscall_stop(t, false);
}

static int drive_exec_event(pid_t t)
{
	if (seize(t, PTRACE_O_TRACEEXEC) || send_byte(cmd_fds[1], 'c'))
		return -1;
	if (expect_last_stop(t, EVENT_STOPPED(PTRACE_EVENT_EXEC, SIGTRAP),
			     "exec event stop"))
		return -1;
	return expect_eventmsg(t, t, "exec event stop");
}

static int drive_exitkill(pid_t t)
{
	return seize(t, PTRACE_O_EXITKILL);
}

/* Ends a check: the real parent can kill and reap it. */
static int expect_killable(pid_t t)
{
	kill(t, SIGKILL);
	return expect_report(t, KILLED(SIGKILL), "SIGKILL after the tracer died");
}

static int expect_no_byte(int fd, const char *what)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, 0) != 0)
		return fail("%s: an unexpected byte", what);
	return 0;
}

/*
 * Consumed: exit code 0, ptrace_signal() drops the SIGUSR1. The tracee is
 * back asleep only after it went through get_signal(), so no 'U' may come
 * before the one for the parent's own SIGUSR1, and none after it.
 */
static int check_signal_dropped(pid_t t)
{
	if (wait_state(t, "S", "after the tracer died") ||
	    expect_no_byte(note_fds[0], "SIGUSR1 of the consumed stop"))
		return -1;
	kill(t, SIGUSR1);
	if (expect_byte(note_fds[0], 'U', "a new SIGUSR1") ||
	    expect_no_byte(note_fds[0], "after a new SIGUSR1"))
		return -1;
	return expect_killable(t);
}

/* Not consumed: ptrace_signal() delivers the SIGUSR1 still in exit_code. */
static int check_signal_delivered(pid_t t)
{
	if (expect_byte(note_fds[0], 'U', "the SIGUSR1 handler") ||
	    wait_state(t, "S", "after the tracer died") ||
	    expect_no_byte(note_fds[0], "after the SIGUSR1 handler"))
		return -1;
	return expect_killable(t);
}

/*
 * __ptrace_unlink() sets JOBCTL_STOP_PENDING again as the group stop is in
 * effect, so the tracee goes back into do_signal_stop(): a job-control
 * stop. The real parent was told of the group stop when it completed under
 * the tracer (ptrace_stop(), ptrace_reparented()), and only then:
 * task_participate_group_stop() does not notify again without
 * JOBCTL_STOP_CONSUME.
 */
static int check_job_control_stop(pid_t t)
{
	int status = 0;
	pid_t got;

	if (wait_state(t, "T", "after the tracer died"))
		return -1;
	got = xwaitpid(t, &status, WUNTRACED | WNOHANG);
	if (got != t || status != STOPPED(SIGSTOP))
		return fail("real parent's WUNTRACED wait: returned %d, %s, expected %s",
			    got, status_str(status), status_str(STOPPED(SIGSTOP)));
	if (expect_no_report(t, WUNTRACED, "second WUNTRACED wait"))
		return -1;
	kill(t, SIGCONT);
	/* prepare_signal(SIGCONT) sets SIGNAL_STOP_CONTINUED at once */
	status = 0;
	got = xwaitpid(t, &status, WCONTINUED | WNOHANG);
	if (got != t || status != CONTINUED)
		return fail("WCONTINUED wait after SIGCONT: returned %d, %s",
			    got, status_str(status));
	if (wait_state(t, "S", "after SIGCONT"))
		return -1;
	return expect_killable(t);
}

/*
 * ptrace_report_syscall() sends itself the exit code ptrace_stop()
 * returned: 0 if consumed; SIGTRAP | 0x80 is no valid signal and
 * send_sig_info() refuses it. Either way the read() goes on.
 */
static int check_syscall_goes_on(pid_t t)
{
	if (send_byte(cmd_fds[1], 'c') ||
	    expect_byte(note_fds[0], 'x', "the read() after the tracer died") ||
	    wait_state(t, "S", "after the tracer died"))
		return -1;
	return expect_killable(t);
}

/* Not consumed, no TRACESYSGOOD: it sends itself SIGTRAP, and dies of it. */
static int check_sigtrap_death(pid_t t)
{
	int status = 0;

	step = "waiting for the tracee to die of SIGTRAP";
	if (xwaitpid(t, &status, 0) != t || !WIFSIGNALED(status) ||
	    WTERMSIG(status) != SIGTRAP)
		return fail("%s, expected killed by SIGTRAP", status_str(status));
	return 0;
}

/* ptrace_event() ignores the exit code: the new program runs. */
static int check_exec_goes_on(pid_t t)
{
	if (expect_byte(note_fds[0], 'E', "the exec'd program") ||
	    wait_state(t, "S", "after the tracer died"))
		return -1;
	return expect_killable(t);
}

/* exit_ptrace(): PT_EXITKILL sends SIGKILL. */
static int check_exitkill(pid_t t)
{
	return expect_report(t, KILLED(SIGKILL), "PTRACE_O_EXITKILL");
}

static const struct death_case death_cases[] = {
	{ "signal-delivery stop, consumed", body_pause, drive_signal_stop,
	  false, check_signal_dropped },
	{ "signal-delivery stop, not consumed", body_pause, drive_signal_stop,
	  true, check_signal_delivered },
	{ "group stop", body_pause, drive_group_stop, false,
	  check_job_control_stop },
	{ "group stop, not consumed", body_pause, drive_group_stop, true,
	  check_job_control_stop },
	{ "LISTEN", body_pause, drive_listen, false, check_job_control_stop },
	{ "syscall stop (TRACESYSGOOD), consumed", body_read_loop,
	  drive_syscall_sysgood, false, check_syscall_goes_on },
	{ "syscall stop (TRACESYSGOOD), not consumed", body_read_loop,
	  drive_syscall_sysgood, true, check_syscall_goes_on },
	{ "syscall stop (plain), consumed", body_read_loop,
	  drive_syscall_plain, false, check_syscall_goes_on },
	{ "syscall stop (plain), not consumed", body_read_loop,
	  drive_syscall_plain, true, check_sigtrap_death },
	{ "exec event stop", body_exec_on_cmd, drive_exec_event, false,
	  check_exec_goes_on },
	{ "exec event stop, not consumed", body_exec_on_cmd, drive_exec_event,
	  true, check_exec_goes_on },
	{ "PTRACE_O_EXITKILL", body_pause, drive_exitkill, false,
	  check_exitkill },
};

static int run_death_case(const struct death_case *dc)
{
	pid_t t, m;
	int ret;

	if (open_pipes())
		return -1;
	t = spawn(dc->body);
	if (t < 0)
		return -1;
	peek_last_stop = dc->peek;
	m = fork();
	if (m < 0)
		return fail("fork: %s", strerror(errno));
	if (m == 0) {
		send_report(dc->drive(t));
		body_pause();
	}
	track(m);
	if (expect_ok_report("tracer"))
		return -1;
	kill(m, SIGKILL);
	/* exit_notify() has run exit_ptrace() before the tracer is reaped */
	if (expect_report(m, KILLED(SIGKILL), "killing the tracer") ||
	    expect_tracer(t, 0, "after the tracer died"))
		return -1;
	ret = dc->check(t);
	kill_and_reap(t);
	close_pipes();
	return ret;
}

static int test_tracer_dies_in_each_stop(void)
{
	char msg[sizeof(fail_msg)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(death_cases); i++) {
		if (run_death_case(&death_cases[i])) {
			snprintf(msg, sizeof(msg), "%s",
				 fail_msg[0] ? fail_msg : "failed");
			fail_msg[0] = 0;
			return fail("%s: %s", death_cases[i].name, msg);
		}
	}
	return 0;
}

static const struct subtest subtests[] = {
	{ "tracer_dies_in_each_stop", test_tracer_dies_in_each_stop },
};

int main(int argc, char **argv)
{
	return ptrace_check_main(argc, argv, subtests,
				 (int)ARRAY_SIZE(subtests));
}
