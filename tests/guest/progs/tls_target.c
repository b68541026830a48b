// SPDX-License-Identifier: GPL-2.0
/*
 * Thread-local variables in the program and in a shared library: the
 * main thread sets tls_main = 1 and the library's tls_lib = 2, worker i
 * sets 101 + i and 201 + i. It prints "ready" once all are set, then
 * every thread sleeps in a loop.
 *   tls_target [WORKERS]
 */
// link: -ltls_lib
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__thread int tls_main;
void lib_set(int value);

static pthread_barrier_t all_set;

static void *worker(void *arg)
{
	long i = (long)arg;

	tls_main = 101 + i;
	lib_set(201 + i);
	pthread_barrier_wait(&all_set);
	for (;;)
		usleep(1000);
	return NULL;
}

int main(int argc, char **argv)
{
	int workers = argc > 1 ? atoi(argv[1]) : 2;
	pthread_t t;

	pthread_barrier_init(&all_set, NULL, workers + 1);
	for (long i = 0; i < workers; i++)
		pthread_create(&t, NULL, worker, (void *)i);
	tls_main = 1;
	lib_set(2);
	pthread_barrier_wait(&all_set);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		usleep(1000);
	return 0;
}
