// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_signals - stock 6.12 ptrace: signal-delivery stops, and the trap
 * of a single step into a signal handler.
 *
 *   setsiginfo_applies      PTRACE_SETSIGINFO changes what the handler gets
 *   changed_signal          resuming with another signal: SI_USER from the
 *                           tracer (ptrace_signal())
 *   blocked_requeue         a replacement signal that is blocked is queued
 *                           again; PTRACE_GETSIGMASK and PTRACE_SETSIGMASK
 *                           unblock it, and it stops again when dequeued
 *   ignored_reported        ignored signals still stop a tracee
 *   step_into_handler       PTRACE_SINGLESTEP with a signal stops at the
 *                           handler's first instruction, si_code SIGTRAP;
 *                           PTRACE_CONT with one does not
 *
 * The tracee's handlers send what they got on the note pipe, so every
 * subtest checks the siginfo the program sees, not only the tracer's view.
 *
 * Usage: ptrace_signals [subtest]; output and harness: ptrace_check.h.
 */
#include "ptrace_check.h"

#include <sys/user.h>

/* What a handler got, or the answer to a command (signo 0). */
struct note {
	int signo;
	int code;
	int pid;
	int uid;
	int value;
};

static void send_note(int signo, int code, int pid, int uid, int value)
{
	struct note n = { signo, code, pid, uid, value };

	write_all(note_fds[1], (const char *)&n, sizeof(n));
}

static void on_signal_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	send_note(sig, si->si_code, si->si_pid, (int)si->si_uid,
		  si->si_value.sival_int);
}

static void mask_sigusr2(int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(how, &set, NULL);
}

/*
 * Handlers for SIGUSR1 and SIGUSR2, then commands on the cmd pipe:
 * 'r' raise(SIGUSR1); 'b' block SIGUSR2; 'i' ignore SIGUSR1;
 * 'p' say whether SIGUSR2 is pending. 'b', 'i' and 'p' answer with a note.
 */
static void __noreturn body_signals(void)
{
	struct sigaction sa = { .sa_sigaction = on_signal_info,
				.sa_flags = SA_SIGINFO };
	sigset_t pending;
	char c;

	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	for (;;) {
		ssize_t n = read(cmd_fds[0], &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n != 1)
			_exit(100);
		switch (c) {
		case 'r':
			raise(SIGUSR1);
			break;
		case 'b':
			mask_sigusr2(SIG_BLOCK);
			send_note(0, 'b', 0, 0, 0);
			break;
		case 'i':
			signal(SIGUSR1, SIG_IGN);
			send_note(0, 'i', 0, 0, 0);
			break;
		case 'p':
			sigpending(&pending);
			send_note(0, 'p', 0, 0, sigismember(&pending, SIGUSR2));
			break;
		}
	}
}

static int expect_note(const struct note *want, const char *what)
{
	struct note got;

	if (wait_readable(note_fds[0], what))
		return -1;
	if (read(note_fds[0], &got, sizeof(got)) != sizeof(got))
		return fail("%s: short note", what);
	if (memcmp(&got, want, sizeof(got)))
		return fail("%s: got %d %d %d %d %d (signo code pid uid value), expected %d %d %d %d %d",
			    what, got.signo, got.code, got.pid, got.uid,
			    got.value, want->signo, want->code, want->pid,
			    want->uid, want->value);
	return 0;
}

/* A seized tracee, stopped for the SIGUSR1 it raised. */
static pid_t tracee_at_sigusr1(void)
{
	pid_t t;

	if (open_pipes())
		return -1;
	t = spawn(body_signals);
	if (t < 0 || seize(t, 0) || send_byte(cmd_fds[1], 'r') ||
	    expect_report(t, STOPPED(SIGUSR1), "SIGUSR1 signal-delivery stop") ||
	    expect_siginfo(t, SIGUSR1, SI_TKILL, t, "raise(SIGUSR1)"))
		return -1;
	return t;
}

static int test_setsiginfo_applies(void)
{
	pid_t t = tracee_at_sigusr1();
	siginfo_t si;

	if (t < 0 || xptrace(PTRACE_GETSIGINFO, t, 0, (unsigned long)&si,
			     "PTRACE_GETSIGINFO"))
		return -1;
	si.si_code = SI_QUEUE;
	si.si_pid = 777;
	si.si_uid = 4242;
	si.si_value.sival_int = 4321;
	if (xptrace(PTRACE_SETSIGINFO, t, 0, (unsigned long)&si,
		    "PTRACE_SETSIGINFO") ||
	    expect_siginfo(t, SIGUSR1, SI_QUEUE, 777, "after PTRACE_SETSIGINFO") ||
	    resume(t, SIGUSR1, "PTRACE_CONT with SIGUSR1"))
		return -1;
	return expect_note(&(struct note){ SIGUSR1, SI_QUEUE, 777, 4242, 4321 },
			   "the handler's siginfo after PTRACE_SETSIGINFO");
}

static int test_changed_signal(void)
{
	pid_t t = tracee_at_sigusr1();

	if (t < 0 || resume(t, SIGUSR2, "PTRACE_CONT with SIGUSR2"))
		return -1;
	/* ptrace_signal(): a fresh SI_USER siginfo, from the tracer */
	return expect_note(&(struct note){ SIGUSR2, SI_USER, getpid(),
					   (int)getuid(), 0 },
			   "SIGUSR2 instead of SIGUSR1");
}

static int test_blocked_requeue(void)
{
	/* The kernel's sigset_t, not glibc's: 64 bits. */
	unsigned long long mask, none = 0;
	pid_t t;

	if (open_pipes())
		return -1;
	t = spawn(body_signals);
	if (t < 0 || seize(t, 0) || send_byte(cmd_fds[1], 'b') ||
	    expect_note(&(struct note){ 0, 'b', 0, 0, 0 }, "blocking SIGUSR2") ||
	    send_byte(cmd_fds[1], 'r') ||
	    expect_report(t, STOPPED(SIGUSR1), "SIGUSR1 signal-delivery stop") ||
	    resume(t, SIGUSR2, "PTRACE_CONT with the blocked SIGUSR2") ||
	    send_byte(cmd_fds[1], 'p') ||
	    expect_note(&(struct note){ 0, 'p', 0, 0, 1 },
			"SIGUSR2 pending after its requeue"))
		return -1;

	/* Stopped again, the tracer unblocks it: it comes at once. */
	if (send_byte(cmd_fds[1], 'r') ||
	    expect_report(t, STOPPED(SIGUSR1), "second SIGUSR1 stop") ||
	    xptrace(PTRACE_GETSIGMASK, t, sizeof(mask), (unsigned long)&mask,
		    "PTRACE_GETSIGMASK"))
		return -1;
	if (mask != 1ULL << (SIGUSR2 - 1))
		return fail("PTRACE_GETSIGMASK: %#llx, expected SIGUSR2 alone",
			    mask);
	if (xptrace(PTRACE_SETSIGMASK, t, sizeof(none), (unsigned long)&none,
		    "PTRACE_SETSIGMASK") ||
	    resume(t, 0, "PTRACE_CONT discarding SIGUSR1") ||
	    expect_report(t, STOPPED(SIGUSR2), "the requeued SIGUSR2") ||
	    expect_siginfo(t, SIGUSR2, SI_USER, getpid(), "the requeued SIGUSR2") ||
	    resume(t, SIGUSR2, "PTRACE_CONT with SIGUSR2"))
		return -1;
	return expect_note(&(struct note){ SIGUSR2, SI_USER, getpid(),
					   (int)getuid(), 0 },
			   "the handler of the requeued SIGUSR2");
}

static int test_ignored_reported(void)
{
	pid_t t;

	if (open_pipes())
		return -1;
	t = spawn(body_signals);
	if (t < 0 || seize(t, 0) || send_byte(cmd_fds[1], 'i') ||
	    expect_note(&(struct note){ 0, 'i', 0, 0, 0 }, "ignoring SIGUSR1"))
		return -1;
	/* sig_ignored() keeps ignored signals for a ptraced task */
	kill(t, SIGUSR1);
	if (expect_report(t, STOPPED(SIGUSR1), "SIG_IGN SIGUSR1") ||
	    resume(t, SIGUSR1, "PTRACE_CONT with the ignored SIGUSR1"))
		return -1;
	kill(t, SIGWINCH);
	if (expect_report(t, STOPPED(SIGWINCH), "SIGWINCH, ignored by default") ||
	    expect_siginfo(t, SIGWINCH, SI_USER, getpid(), "SIGWINCH") ||
	    resume(t, SIGWINCH, "PTRACE_CONT with SIGWINCH") ||
	    send_byte(cmd_fds[1], 'p'))
		return -1;
	return expect_note(&(struct note){ 0, 'p', 0, 0, 0 },
			   "the tracee after two ignored signals");
}

static int test_step_into_handler(void)
{
	struct user_regs_struct regs;
	pid_t t = tracee_at_sigusr1();

	if (t < 0 || xptrace(PTRACE_SINGLESTEP, t, 0, SIGUSR1,
			     "PTRACE_SINGLESTEP with SIGUSR1"))
		return -1;
	/* signal_delivered(): ptrace_notify(SIGTRAP, 0) */
	if (expect_report(t, STOPPED(SIGTRAP), "step into the handler") ||
	    expect_siginfo(t, SIGTRAP, SIGTRAP, t, "step into the handler") ||
	    xptrace(PTRACE_GETREGS, t, 0, (unsigned long)&regs, "PTRACE_GETREGS"))
		return -1;
	if (regs.rip != (unsigned long)on_signal_info)
		return fail("stepped into %#llx, the handler is at %p",
			    regs.rip, (void *)on_signal_info);
	if (resume(t, 0, "PTRACE_CONT from the handler's first instruction") ||
	    expect_note(&(struct note){ SIGUSR1, SI_TKILL, t, (int)getuid(), 0 },
			"the handler after the step"))
		return -1;

	/* Without a step, no trap. */
	if (send_byte(cmd_fds[1], 'r') ||
	    expect_report(t, STOPPED(SIGUSR1), "second SIGUSR1 stop") ||
	    resume(t, SIGUSR1, "PTRACE_CONT with SIGUSR1") ||
	    expect_note(&(struct note){ SIGUSR1, SI_TKILL, t, (int)getuid(), 0 },
			"the handler without a step"))
		return -1;
	return expect_no_report(t, __WALL, "after a handler run without a step");
}

static const struct subtest subtests[] = {
	{ "setsiginfo_applies", test_setsiginfo_applies },
	{ "changed_signal", test_changed_signal },
	{ "blocked_requeue", test_blocked_requeue },
	{ "ignored_reported", test_ignored_reported },
	{ "step_into_handler", test_step_into_handler },
};

int main(int argc, char **argv)
{
	return ptrace_check_main(argc, argv, subtests,
				 (int)ARRAY_SIZE(subtests));
}
