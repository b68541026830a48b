// SPDX-License-Identifier: GPL-2.0
/*
 * A process for the gdb engine tests: the main thread calls marker() in a
 * loop, bumping `counter`, while WORKERS threads spin on their own
 * counters, named worker0, worker1... Every function keeps its frame so
 * backtraces are exact.
 *   gdb_target [WORKERS]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

volatile long counter;
volatile long worker_spins[8];

__attribute__((noinline)) void marker(long value)
{
	counter = value;
}

static void *worker(void *arg)
{
	long i = (long)arg;
	char name[16];

	snprintf(name, sizeof(name), "worker%ld", i);
	pthread_setname_np(pthread_self(), name);

	for (;;) {
		worker_spins[i]++;
		usleep(1000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int workers = argc > 1 ? atoi(argv[1]) : 2;
	pthread_t t;

	for (long i = 0; i < workers && i < 8; i++)
		pthread_create(&t, NULL, worker, (void *)i);
	printf("ready\n");
	fflush(stdout);
	for (long i = 1;; i++) {
		marker(i);
		usleep(1000);
	}
	return 0;
}
