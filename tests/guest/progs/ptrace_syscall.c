// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_syscall - stock 6.12 ptrace: syscall stops and
 * PTRACE_GET_SYSCALL_INFO.
 *
 *   syscall_stops_and_info    syscall stops with and without TRACESYSGOOD,
 *                             PTRACE_GET_SYSCALL_INFO
 *   exit_stop_after_fput      at a syscall-exit stop, a file the call let
 *                             go of is released already
 *
 * Usage: ptrace_syscall [subtest]; output and harness: ptrace_check.h.
 */
#include "ptrace_check.h"
#include <stddef.h>
#include <stdint.h>
#include <linux/audit.h>
#include <sys/syscall.h>

/* ---- syscall_stops_and_info ---- */

/* TRACEME, stop, getpid() twice, exit_group(5): no other syscall between. */
static void __noreturn body_getpid_twice(void)
{
	if (ptrace(PTRACE_TRACEME, 0, 0, 0))
		_exit(100);
	kill(getpid(), SIGSTOP);
	syscall(SYS_getpid);
	syscall(SYS_getpid);
	syscall(SYS_exit_group, 5);
	_exit(101);
}

/*
 * PTRACE_GET_SYSCALL_INFO must return @size and op @op; ptrace_get_syscall_info()
 * returns how much it filled in.
 */
static int get_syscall_info(pid_t t, struct __ptrace_syscall_info *info,
			    int op, long size, const char *what)
{
	long n;

	memset(info, 0xa5, sizeof(*info));
	n = ptrace(PTRACE_GET_SYSCALL_INFO, t, sizeof(*info), info);
	if (n != size || info->op != op)
		return fail("%s: PTRACE_GET_SYSCALL_INFO returned %ld op %d, expected %ld op %d",
			    what, n, info->op, size, op);
#ifdef __x86_64__
	if (info->arch != AUDIT_ARCH_X86_64)
		return fail("%s: arch %#x", what, info->arch);
#endif
	return 0;
}

/* offsetofend() of the last field filled in, as the kernel returns it */
#define INFO_SIZE_NONE	offsetof(struct __ptrace_syscall_info, entry)
#define INFO_SIZE_ENTRY	(INFO_SIZE_NONE + 7 * sizeof(uint64_t))
#define INFO_SIZE_EXIT	(offsetof(struct __ptrace_syscall_info, exit.is_error) + 1)

static int syscall_step(pid_t t, int want, unsigned long msg, const char *what)
{
	if (xptrace(PTRACE_SYSCALL, t, 0, 0, "PTRACE_SYSCALL"))
		return -1;
	if (expect_report(t, want, what))
		return -1;
	return msg ? expect_eventmsg(t, msg, what) : 0;
}

static int test_syscall_stops_and_info(void)
{
	struct __ptrace_syscall_info info;
	pid_t t = spawn(body_getpid_twice);

	if (t < 0 || expect_report(t, STOPPED(SIGSTOP), "the tracee's own SIGSTOP") ||
	    get_syscall_info(t, &info, PTRACE_SYSCALL_INFO_NONE, INFO_SIZE_NONE,
			     "signal-delivery stop"))
		return -1;

	/*
	 * Without TRACESYSGOOD the stops say plain SIGTRAP, and
	 * ptrace_get_syscall_info() only knows a syscall stop by si_code
	 * SIGTRAP | 0x80: it answers "none". The message is still set.
	 */
	if (syscall_step(t, STOPPED(SIGTRAP), EVENTMSG_SYSCALL_ENTRY,
			 "plain syscall-entry stop") ||
	    get_syscall_info(t, &info, PTRACE_SYSCALL_INFO_NONE, INFO_SIZE_NONE,
			     "plain syscall-entry stop") ||
	    syscall_step(t, STOPPED(SIGTRAP), EVENTMSG_SYSCALL_EXIT,
			 "plain syscall-exit stop") ||
	    get_syscall_info(t, &info, PTRACE_SYSCALL_INFO_NONE, INFO_SIZE_NONE,
			     "plain syscall-exit stop"))
		return -1;

	if (xptrace(PTRACE_SETOPTIONS, t, 0, PTRACE_O_TRACESYSGOOD,
		    "PTRACE_SETOPTIONS"))
		return -1;
	if (syscall_step(t, STOPPED(SYSCALL_TRAP), EVENTMSG_SYSCALL_ENTRY,
			 "getpid entry") ||
	    expect_siginfo(t, SIGTRAP, SYSCALL_TRAP, t, "getpid entry") ||
	    get_syscall_info(t, &info, PTRACE_SYSCALL_INFO_ENTRY, INFO_SIZE_ENTRY,
			     "getpid entry"))
		return -1;
	if (info.entry.nr != SYS_getpid)
		return fail("getpid entry: nr %llu", (unsigned long long)info.entry.nr);

	if (syscall_step(t, STOPPED(SYSCALL_TRAP), EVENTMSG_SYSCALL_EXIT,
			 "getpid exit") ||
	    get_syscall_info(t, &info, PTRACE_SYSCALL_INFO_EXIT, INFO_SIZE_EXIT,
			     "getpid exit"))
		return -1;
	if (info.exit.rval != t || info.exit.is_error)
		return fail("getpid exit: rval %lld is_error %d, expected %d 0",
			    (long long)info.exit.rval, info.exit.is_error, t);

	if (syscall_step(t, STOPPED(SYSCALL_TRAP), EVENTMSG_SYSCALL_ENTRY,
			 "exit_group entry") ||
	    get_syscall_info(t, &info, PTRACE_SYSCALL_INFO_ENTRY, INFO_SIZE_ENTRY,
			     "exit_group entry"))
		return -1;
	if (info.entry.nr != SYS_exit_group || info.entry.args[0] != 5)
		return fail("exit_group entry: nr %llu arg %llu",
			    (unsigned long long)info.entry.nr,
			    (unsigned long long)info.entry.args[0]);
	/* exit_group() has no exit stop */
	return syscall_step(t, EXITED(5), 0, "exit_group(5)");
}

/* ---- exit_stop_after_fput ---- */

/* The pipe whose write end the tracee holds last, and /dev/null's fd. */
static int fput_pipe[2] = { -1, -1 };
static int fput_null = -1;

/* TRACEME, stop, then dup2() /dev/null over the pipe's last write end. */
static void __noreturn body_dup2_over_writer(void)
{
	if (ptrace(PTRACE_TRACEME, 0, 0, 0))
		_exit(100);
	kill(getpid(), SIGSTOP);
	syscall(SYS_dup2, fput_null, fput_pipe[1]);
	syscall(SYS_exit_group, 6);
	_exit(101);
}

/* Whether the pipe's reader sees no writer left (POLLHUP), now. */
static bool writer_gone(void)
{
	struct pollfd pfd = { .fd = fput_pipe[0], .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP);
}

/*
 * dup2() over an open fd drops that file with fput(), which leaves its
 * release to a task work on the way back to user mode. ptrace_notify()
 * runs pending task works before a syscall stop, so at dup2()'s exit stop
 * the file is released: the pipe's reader sees POLLHUP.
 */
static int test_exit_stop_after_fput(void)
{
	int ret = -1;
	pid_t t;

	fput_null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fput_null < 0 || pipe2(fput_pipe, O_CLOEXEC))
		return fail("open /dev/null or pipe: %s", strerror(errno));
	t = spawn(body_dup2_over_writer);
	if (t < 0)
		return -1;
	close(fput_pipe[1]);
	if (expect_report(t, STOPPED(SIGSTOP), "the tracee's own SIGSTOP") ||
	    syscall_step(t, STOPPED(SIGTRAP), EVENTMSG_SYSCALL_ENTRY,
			 "dup2 entry"))
		goto out;
	if (writer_gone()) {
		fail("dup2 entry: the pipe's writer is gone before the call");
		goto out;
	}
	if (syscall_step(t, STOPPED(SIGTRAP), EVENTMSG_SYSCALL_EXIT,
			 "dup2 exit"))
		goto out;
	if (!writer_gone()) {
		fail("dup2 exit stop: the replaced write end is not released yet");
		goto out;
	}
	ret = syscall_step(t, STOPPED(SIGTRAP), EVENTMSG_SYSCALL_ENTRY,
			   "exit_group entry") ||
	      syscall_step(t, EXITED(6), 0, "exit_group(6)") ? -1 : 0;
out:
	close(fput_pipe[0]);
	close(fput_null);
	return ret;
}

static const struct subtest subtests[] = {
	{ "syscall_stops_and_info", test_syscall_stops_and_info },
	{ "exit_stop_after_fput", test_exit_stop_after_fput },
};

int main(int argc, char **argv)
{
	return ptrace_check_main(argc, argv, subtests,
				 (int)ARRAY_SIZE(subtests));
}
