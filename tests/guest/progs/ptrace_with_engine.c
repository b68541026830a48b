// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_with_engine - a ptracer and another utrace engine (the test
 * engine, through /sys/kernel/debug/utrace_test/ctl) on one thread. Ours
 * only: a stock kernel has no utrace.
 *
 *   engine_holds_after_ptrace_resume   both stop the thread at a syscall
 *                                      exit; after PTRACE_SYSCALL it stays
 *                                      stopped, not in a ptrace stop, until
 *                                      the engine resumes it
 *   ptrace_holds_after_engine_resume   both stop it at a syscall entry; the
 *                                      engine's resume leaves it in its
 *                                      ptrace stop
 *   sigkill_with_both_holding          SIGKILL ends a stop both hold
 *   fork_event_with_both_holding       both stop the thread where it forks:
 *                                      one PTRACE_EVENT_FORK stop, and the
 *                                      engine's hold outlasts PTRACE_CONT
 *   signal_with_both_holding           both stop it for a signal; the
 *                                      signal the tracer resumed with is
 *                                      delivered once the engine lets go
 *   interrupt_while_engine_holds       PTRACE_INTERRUPT of a thread the
 *                                      engine holds traps once it lets go
 *
 * The thread makes one stop for both: the tracer sees each ptrace stop
 * exactly once, and no stop it did not ask for.
 *
 * Usage: ptrace_with_engine [subtest]; output and harness: ptrace_check.h.
 */
#include "ptrace_check.h"
#include <sys/syscall.h>
#include <sys/user.h>

#define CTL "/sys/kernel/debug/utrace_test/ctl"

/* Runs a test engine command; its reply, without the newline, in @reply. */
static int ctl(char *reply, size_t size, const char *fmt, ...)
{
	char cmd[128];
	va_list ap;
	ssize_t n;
	int fd;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fd = open(CTL, O_WRONLY);
	if (fd < 0)
		return fail("open %s: %s", CTL, strerror(errno));
	n = write(fd, cmd, strlen(cmd));
	close(fd);
	if (n != (ssize_t)strlen(cmd))
		return fail("'%s': write: %s", cmd, strerror(errno));
	fd = open(CTL, O_RDONLY);
	if (fd < 0)
		return fail("open %s: %s", CTL, strerror(errno));
	n = read(fd, reply, size - 1);
	close(fd);
	if (n < 0)
		return fail("'%s': read: %s", cmd, strerror(errno));
	reply[n] = 0;
	reply[strcspn(reply, "\n")] = 0;
	return 0;
}

/* Runs a test engine command that must reply "ok". */
static int ctl_ok(const char *fmt, ...)
{
	char cmd[128], reply[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (ctl(reply, sizeof(reply), "%s", cmd))
		return -1;
	if (strcmp(reply, "ok"))
		return fail("'%s' replied '%s', expected 'ok'", cmd, reply);
	return 0;
}

/* Attaches a test engine to @pid; returns its id, or -1. */
static int engine_attach(pid_t pid)
{
	char reply[64];
	int id;

	if (ctl(reply, sizeof(reply), "attach %d", pid))
		return -1;
	if (sscanf(reply, "engine %d", &id) != 1)
		return fail("attach %d replied '%s'", pid, reply);
	return id;
}

/*
 * Attaches a test engine to @pid that stops it at @event (syscall_entry,
 * syscall_exit, clone, signal); returns its id, or -1.
 */
static int engine_stopping_at(pid_t pid, const char *event)
{
	int id = engine_attach(pid);

	if (id < 0)
		return -1;
	if (ctl_ok("events %d %s", id, event) ||
	    ctl_ok("answer %d %s stop", id, event))
		return -1;
	return id;
}

/* Detaches and forgets test engine @id; for every way out of a subtest. */
static void engine_drop(int id)
{
	char reply[64];

	if (id < 0)
		return;
	ctl(reply, sizeof(reply), "control %d detach", id);
	ctl(reply, sizeof(reply), "release %d", id);
}

/* TRACEME, stop, then getppid() for ever. */
static void __noreturn body_getppid_loop(void)
{
	if (ptrace(PTRACE_TRACEME, 0, 0, 0))
		_exit(100);
	kill(getpid(), SIGSTOP);
	for (;;)
		syscall(SYS_getppid);
}

/* A tracee at its first stop, with TRACESYSGOOD. */
static pid_t traced_getppid_loop(void)
{
	pid_t t = spawn(body_getppid_loop);

	if (t < 0 || expect_report(t, STOPPED(SIGSTOP), "the tracee's SIGSTOP") ||
	    xptrace(PTRACE_SETOPTIONS, t, 0, PTRACE_O_TRACESYSGOOD,
		    "PTRACE_SETOPTIONS"))
		return -1;
	return t;
}

static int syscall_step(pid_t t, unsigned long msg, const char *what)
{
	if (xptrace(PTRACE_SYSCALL, t, 0, 0, "PTRACE_SYSCALL") ||
	    expect_report(t, STOPPED(SYSCALL_TRAP), what))
		return -1;
	return expect_eventmsg(t, msg, what);
}

/*
 * The thread is stopped, but not for its tracer: no report, state 't',
 * and requests fail with ESRCH as for a running tracee.
 */
static int held_by_engine_only(pid_t t, const char *what)
{
	struct user_regs_struct regs;

	sleep_ms(300);
	if (expect_no_report(t, __WALL, what))
		return -1;
	if (proc_state(t) != 't')
		return fail("%s: state %c, expected t", what, proc_state(t));
	return expect_errno(ptrace(PTRACE_GETREGS, t, 0, &regs), ESRCH, what);
}

static int test_engine_holds_after_ptrace_resume(void)
{
	pid_t t = traced_getppid_loop();
	int id = -1, ret = -1;

	if (t < 0)
		return -1;
	id = engine_stopping_at(t, "syscall_exit");
	if (id < 0 ||
	    syscall_step(t, EVENTMSG_SYSCALL_ENTRY, "getppid entry") ||
	    syscall_step(t, EVENTMSG_SYSCALL_EXIT, "getppid exit, both stop"))
		goto out;

	if (xptrace(PTRACE_SYSCALL, t, 0, 0, "PTRACE_SYSCALL at the exit") ||
	    held_by_engine_only(t, "after PTRACE_SYSCALL, the engine holds"))
		goto out;

	if (ctl_ok("answer %d syscall_exit resume", id) ||
	    ctl_ok("control %d resume", id))
		goto out;
	if (expect_report(t, STOPPED(SYSCALL_TRAP), "the next entry, engine resumed") ||
	    expect_eventmsg(t, EVENTMSG_SYSCALL_ENTRY, "the next entry"))
		goto out;
	ret = 0;
out:
	engine_drop(id);
	return ret;
}

static int test_ptrace_holds_after_engine_resume(void)
{
	struct user_regs_struct regs;
	pid_t t = traced_getppid_loop();
	int id = -1, ret = -1;

	if (t < 0)
		return -1;
	id = engine_stopping_at(t, "syscall_entry");
	if (id < 0 ||
	    syscall_step(t, EVENTMSG_SYSCALL_ENTRY, "getppid entry, both stop"))
		goto out;

	if (ctl_ok("answer %d syscall_entry resume", id) ||
	    ctl_ok("control %d resume", id))
		goto out;
	sleep_ms(300);
	if (expect_no_report(t, __WALL, "after the engine's resume") ||
	    xptrace(PTRACE_GETREGS, t, 0, (unsigned long)&regs,
		    "PTRACE_GETREGS: still in the ptrace stop"))
		goto out;
	if (regs.orig_rax != SYS_getppid) {
		fail("orig_rax %llu, expected getppid", regs.orig_rax);
		goto out;
	}
	if (syscall_step(t, EVENTMSG_SYSCALL_EXIT, "getppid exit"))
		goto out;
	ret = 0;
out:
	engine_drop(id);
	return ret;
}

static int test_sigkill_with_both_holding(void)
{
	pid_t t = traced_getppid_loop();
	int id = -1, ret = -1;

	if (t < 0)
		return -1;
	id = engine_stopping_at(t, "syscall_entry");
	if (id < 0 ||
	    syscall_step(t, EVENTMSG_SYSCALL_ENTRY, "getppid entry, both stop"))
		goto out;
	kill(t, SIGKILL);
	if (expect_report(t, KILLED(SIGKILL), "SIGKILL in the stop"))
		goto out;
	untrack(t);
	ret = 0;
out:
	engine_drop(id);
	return ret;
}

/*
 * TRACEME, stop, fork, then pause. The child pauses too: its exit would
 * stop the tracee again, for SIGCHLD.
 */
static void __noreturn body_fork_once(void)
{
	if (ptrace(PTRACE_TRACEME, 0, 0, 0))
		_exit(100);
	kill(getpid(), SIGSTOP);
	fork();
	body_pause();
}

static int test_fork_event_with_both_holding(void)
{
	pid_t t = spawn(body_fork_once), child;
	unsigned long msg;
	int id = -1, ret = -1;

	if (t < 0 || expect_report(t, STOPPED(SIGSTOP), "the tracee's SIGSTOP") ||
	    xptrace(PTRACE_SETOPTIONS, t, 0, PTRACE_O_TRACEFORK, "PTRACE_SETOPTIONS"))
		return -1;
	id = engine_stopping_at(t, "clone");
	if (id < 0 || resume(t, 0, "PTRACE_CONT to the fork") ||
	    expect_report(t, EVENT_STOPPED(PTRACE_EVENT_FORK, SIGTRAP), "the fork event") ||
	    get_eventmsg(t, &msg, "the fork event"))
		goto out;
	child = (pid_t)msg;
	track(child);
	if (expect_report(child, STOPPED(SIGSTOP), "the child's first stop") ||
	    resume(child, 0, "PTRACE_CONT the child"))
		goto out;

	if (resume(t, 0, "PTRACE_CONT at the fork event") ||
	    held_by_engine_only(t, "after PTRACE_CONT, the engine holds"))
		goto out;
	if (ctl_ok("answer %d clone resume", id) || ctl_ok("control %d resume", id))
		goto out;
	if (wait_state(t, "S", "the tracee runs on to pause()"))
		goto out;
	ret = expect_no_report(t, __WALL, "no second stop");
out:
	engine_drop(id);
	return ret;
}

static int test_signal_with_both_holding(void)
{
	int id = -1, ret = -1;
	pid_t t;

	if (open_pipes())
		return -1;
	t = spawn(body_pause);
	if (t < 0 || seize(t, 0))
		return -1;
	id = engine_stopping_at(t, "signal");
	if (id < 0)
		goto out;
	kill(t, SIGUSR1);
	if (expect_report(t, STOPPED(SIGUSR1), "SIGUSR1, both stop") ||
	    resume(t, SIGUSR1, "PTRACE_CONT with SIGUSR1") ||
	    held_by_engine_only(t, "after PTRACE_CONT, the engine holds"))
		goto out;
	if (ctl_ok("answer %d signal resume", id) ||
	    ctl_ok("control %d resume", id) ||
	    expect_byte(note_fds[0], 'U', "the handler once both let go") ||
	    wait_state(t, "S", "back in pause()"))
		goto out;
	ret = expect_no_report(t, __WALL, "no second stop");
out:
	engine_drop(id);
	return ret;
}

static void __noreturn body_spin(void)
{
	for (;;)
		;
}

static int test_interrupt_while_engine_holds(void)
{
	char reply[64];
	int id = -1, ret = -1;
	pid_t t = spawn(body_spin);

	if (t < 0 || seize(t, 0))
		return -1;
	id = engine_attach(t);
	if (id < 0)
		return -1;
	/* "err -115": the stop comes at the thread's next safe point */
	if (ctl(reply, sizeof(reply), "control %d stop", id) ||
	    wait_state(t, "t", "the engine's stop"))
		goto out;
	if (xptrace(PTRACE_INTERRUPT, t, 0, 0, "PTRACE_INTERRUPT") ||
	    held_by_engine_only(t, "INTERRUPT while the engine holds") ||
	    ctl_ok("control %d resume", id) ||
	    expect_report(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGTRAP),
			  "the INTERRUPT trap once the engine lets go") ||
	    resume(t, 0, "PTRACE_CONT from the trap") ||
	    wait_state(t, "R", "spinning again"))
		goto out;
	ret = expect_no_report(t, __WALL, "no second trap");
out:
	engine_drop(id);
	return ret;
}

static const struct subtest subtests[] = {
	{ "engine_holds_after_ptrace_resume", test_engine_holds_after_ptrace_resume },
	{ "ptrace_holds_after_engine_resume", test_ptrace_holds_after_engine_resume },
	{ "sigkill_with_both_holding", test_sigkill_with_both_holding },
	{ "fork_event_with_both_holding", test_fork_event_with_both_holding },
	{ "signal_with_both_holding", test_signal_with_both_holding },
	{ "interrupt_while_engine_holds", test_interrupt_while_engine_holds },
};

int main(int argc, char **argv)
{
	return ptrace_check_main(argc, argv, subtests,
				 (int)ARRAY_SIZE(subtests));
}
