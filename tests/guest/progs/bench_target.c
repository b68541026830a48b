// SPDX-License-Identifier: GPL-2.0
/*
 * The target of the debugger benchmarks: marker() in a tight loop, so
 * that a breakpoint costs only the debugger's round trip, and a 64 MiB
 * buffer for memory reads.
 *   bench_target
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_SIZE (64L << 20)

volatile long counter;
char *buf;

__attribute__((noinline)) void marker(long value)
{
	counter = value;
}

int main(void)
{
	buf = malloc(BUF_SIZE);
	if (!buf)
		return 1;
	memset(buf, 0x5a, BUF_SIZE);
	printf("ready\n");
	fflush(stdout);
	for (long i = 1;; i++)
		marker(i);
	return 0;
}
