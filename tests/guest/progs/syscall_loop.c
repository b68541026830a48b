// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark: the cost of a trivial system call. Runs ROUNDS rounds of N
 * raw getppid calls and prints the fastest round, in nanoseconds per call:
 *   bench getppid_ns VALUE
 *   syscall_loop N ROUNDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	double best = 0;

	for (int r = 0; r < rounds; r++) {
		double start = now_ns(), per_call;

		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		per_call = (now_ns() - start) / n;
		if (!r || per_call < best)
			best = per_call;
	}
	printf("bench getppid_ns %.1f\n", best);
	return 0;
}
