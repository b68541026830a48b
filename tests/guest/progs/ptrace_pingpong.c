// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark: the cost of a ptrace syscall round trip, the path strace
 * lives on. A child that PTRACE_TRACEME'd calls raw getppid() in a loop;
 * we drive it with PTRACE_SYSCALL and waitpid(), so each call is two
 * stops (entry and exit) and two wake-ups each way. Runs ROUNDS rounds of
 * N calls after a warm-up of N/10 + 1 and prints the fastest round, in
 * nanoseconds per call (entry stop + exit stop):
 *   bench ptrace-syscall-roundtrip VALUE
 *   ptrace_pingpong N [ROUNDS]
 *
 * The stops are checked as they come (a whole wait status, with
 * TRACESYSGOOD), and PTRACE_GET_SYSCALL_INFO checks outside the timed
 * rounds that the first stop is getppid()'s entry and the last its exit,
 * so that what we time is exactly N getppid() round trips a round.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* A syscall stop's whole wait status, with PTRACE_O_TRACESYSGOOD. */
#define SYSCALL_STOP	(((SIGTRAP | 0x80) << 8) | 0x7f)

static pid_t child;

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fputs("ptrace_pingpong: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	/* Do not leave it stopped behind us (EXITKILL is not set yet early on). */
	if (child > 0)
		kill(child, SIGKILL);
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static long parse_count(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1)
		die("%s must be a positive number, not \"%s\"", what, s);
	return v;
}

/* The child: @calls getppid() calls, under its parent's eye, then exit. */
static void __attribute__((noreturn)) tracee(long calls)
{
	long i;

	if (ptrace(PTRACE_TRACEME, 0, 0, 0)) {
		fprintf(stderr, "ptrace_pingpong: PTRACE_TRACEME: %s\n",
			strerror(errno));
		_exit(127);
	}
	/*
	 * kill(), not raise(): glibc's raise() masks signals around its
	 * tgkill() and restores the mask after the stop, one more syscall
	 * the parent would have to count.
	 */
	kill(getpid(), SIGSTOP);
	for (i = 0; i < calls; i++)
		syscall(SYS_getppid);
	_exit(0);
}

/* Resume to the next syscall stop, which must be one. */
static void step(void)
{
	int status;
	pid_t got;

	if (ptrace(PTRACE_SYSCALL, child, 0, 0))
		die("PTRACE_SYSCALL: %s", strerror(errno));
	got = waitpid(child, &status, 0);
	if (got != child)
		die("waitpid: returned %d (%s)", got,
		    got < 0 ? strerror(errno) : "not the child");
	if (status != SYSCALL_STOP)
		die("expected a syscall stop, got wait status %#x", status);
}

/* @n syscall round trips: an entry stop and an exit stop each. */
static void round_trips(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		step();
		step();
	}
}

/* The child's current stop must be @op of syscall @nr (entry) or return @rval (exit). */
static void expect_stop(int op, long nr, long rval, const char *what)
{
	struct __ptrace_syscall_info info;
	long n;

	memset(&info, 0, sizeof(info));
	n = ptrace(PTRACE_GET_SYSCALL_INFO, child, sizeof(info), &info);
	if (n < 0)
		die("%s: PTRACE_GET_SYSCALL_INFO: %s", what, strerror(errno));
	if (info.op != op)
		die("%s: stop op %d, expected %d", what, info.op, op);
	if (op == PTRACE_SYSCALL_INFO_ENTRY && (long)info.entry.nr != nr)
		die("%s: syscall %llu, expected %ld", what,
		    (unsigned long long)info.entry.nr, nr);
	if (op == PTRACE_SYSCALL_INFO_EXIT &&
	    (info.exit.is_error || info.exit.rval != rval))
		die("%s: returned %lld (is_error %d), expected %ld", what,
		    (long long)info.exit.rval, info.exit.is_error, rval);
}

int main(int argc, char **argv)
{
	long n, warm, r, rounds;
	double best = 0;
	int status;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s N [ROUNDS]\n", argv[0]);
		return 2;
	}
	n = parse_count(argv[1], "N");
	rounds = argc > 2 ? parse_count(argv[2], "ROUNDS") : 3;
	/* Faults in both sides' code and data and warms the caches first. */
	warm = n / 10 + 1;

	child = fork();
	if (child < 0)
		die("fork: %s", strerror(errno));
	if (child == 0)
		tracee(warm + rounds * n);

	if (waitpid(child, &status, 0) != child)
		die("waitpid for the first stop: %s", strerror(errno));
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP)
		die("expected the child's SIGSTOP, got wait status %#x", status);
	/* EXITKILL: if we are killed (a timeout), the child goes too. */
	if (ptrace(PTRACE_SETOPTIONS, child, 0,
		   PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL))
		die("PTRACE_SETOPTIONS: %s", strerror(errno));

	/* Resuming from the signal stop with no signal: getppid() is next. */
	step();
	expect_stop(PTRACE_SYSCALL_INFO_ENTRY, SYS_getppid, 0,
		    "the first stop");
	step();
	round_trips(warm - 1);

	for (r = 0; r < rounds; r++) {
		double start = now_ns(), per_trip;

		round_trips(n);
		per_trip = (now_ns() - start) / n;
		if (!r || per_trip < best)
			best = per_trip;
	}

	/* The child made no syscall we did not count: it is in the last one. */
	expect_stop(PTRACE_SYSCALL_INFO_EXIT, 0, getpid(), "the last stop");
	step();
	expect_stop(PTRACE_SYSCALL_INFO_ENTRY, SYS_exit_group, 0,
		    "the stop after the loop");
	if (ptrace(PTRACE_CONT, child, 0, 0))
		die("PTRACE_CONT: %s", strerror(errno));
	if (waitpid(child, &status, 0) != child)
		die("waitpid for the exit: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die("the child ended with wait status %#x, expected exit 0",
		    status);
	child = 0;

	printf("bench ptrace-syscall-roundtrip %.1f\n", best);
	return 0;
}
