// SPDX-License-Identifier: GPL-2.0
/*
 * A process whose only worker thread starts and exits while gdb watches.
 * It prints "ready" and waits until gdb sets `go`; then it starts the
 * worker, which calls worker_done() and returns, ending the thread, while
 * the main thread waits for it in pthread_join() and then calls
 * after_join() in a loop.
 * Under gdb's scheduler locking, with the main thread held, the worker's
 * exit leaves no thread running.
 *   thread_exit
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

volatile int go;
volatile long joined;

__attribute__((noinline)) void worker_done(void)
{
	asm volatile("" : : : "memory");
}

__attribute__((noinline)) void after_join(long n)
{
	joined = n;
}

static void *worker(void *arg)
{
	worker_done();
	return NULL;
}

int main(void)
{
	pthread_t t;

	printf("ready\n");
	fflush(stdout);
	while (!go)
		usleep(1000);
	pthread_create(&t, NULL, worker, NULL);
	pthread_join(t, NULL);
	for (long n = 1;; n++) {
		after_join(n);
		usleep(1000);
	}
	return 0;
}
