// SPDX-License-Identifier: GPL-2.0
/*
 * A process tree that never settles, for the utrace stress test: the
 * process keeps forking children; each child starts threads that clone
 * short-lived threads, then a thread other than the leader execs the
 * next generation, and the last generation exits.
 *   churn            the top: forks generations forever
 *   churn gen N      one generation, N more to go
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char self[4096];
static int generations_left;

static void *short_lived(void *arg)
{
	return arg;
}

static void *worker(void *arg)
{
	long execs = (long)arg;
	char n[16];

	for (int i = 0; i < 20; i++) {
		pthread_t t;

		if (!pthread_create(&t, NULL, short_lived, NULL))
			pthread_join(t, NULL);
	}
	if (!execs)
		for (;;)
			pause();
	if (generations_left <= 0)
		exit(0);
	snprintf(n, sizeof(n), "%d", generations_left - 1);
	execl(self, "churn", "gen", n, (char *)NULL);
	exit(1);
}

static void generation(void)
{
	pthread_t t;

	pthread_create(&t, NULL, worker, (void *)0L);
	pthread_create(&t, NULL, worker, (void *)1L);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (len < 0)
		return 1;
	self[len] = 0;
	if (argc == 3 && !strcmp(argv[1], "gen")) {
		generations_left = atoi(argv[2]);
		generation();
	}
	for (;;) {
		pid_t pid = fork();

		if (pid == 0) {
			generations_left = 3;
			generation();
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
}
