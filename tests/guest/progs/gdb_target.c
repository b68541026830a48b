// SPDX-License-Identifier: GPL-2.0
/*
 * A process for the gdb engine tests: the main thread calls marker() in a
 * loop, bumping `counter`, while WORKERS threads spin on their own
 * counters, named worker0, worker1... Every function keeps its frame so
 * backtraces are exact. A SIGUSR2 handler keeps the sender's pid from its
 * siginfo in usr2_pid.
 *   gdb_target [WORKERS]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

volatile long counter;
volatile long worker_spins[8];
volatile int usr2_pid;

__attribute__((noinline)) void marker(long value)
{
	counter = value;
}

__attribute__((noinline)) void on_usr2(int sig, siginfo_t *info, void *ctx)
{
	usr2_pid = info->si_pid;
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
	struct sigaction usr2 = { .sa_sigaction = on_usr2, .sa_flags = SA_SIGINFO };
	pthread_t t;

	sigaction(SIGUSR2, &usr2, NULL);

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
