// SPDX-License-Identifier: GPL-2.0
/*
 * A tracee whose actions a test controls: for each line read on stdin it
 * runs one command and prints the result on stdout.
 *   getppid     -> "ret=R errno=E" for a raw getppid system call
 *   count       -> "usr1=N usr2=N": SIGUSR1 and SIGUSR2 handled so far
 *   fork        -> "child=PID"; the child prints "child ran" and exits 0
 *   vfork       -> "vfork child=PID status=S": the child exits with 3 at
 *                  once, and S is its wait status
 *   threads N   -> "threads=N": N more threads, each blocked in pause()
 *   exec PATH   -> execs PATH (no output unless it fails)
 *   exit N      -> exit_group(N)
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t usr1, usr2;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		usr1++;
	else
		usr2++;
}

static void *sleeper(void *arg)
{
	for (;;)
		pause();
	return arg;
}

int main(void)
{
	char line[256];

	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGUSR1, on_signal);
	signal(SIGUSR2, on_signal);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		if (!strcmp(line, "getppid")) {
			long ret;

			errno = 0;
			ret = syscall(SYS_getppid);
			printf("ret=%ld errno=%d\n", ret, ret < 0 ? errno : 0);
		} else if (!strcmp(line, "count")) {
			printf("usr1=%d usr2=%d\n", usr1, usr2);
		} else if (!strcmp(line, "fork")) {
			pid_t pid = fork();

			if (pid == 0) {
				printf("child ran\n");
				_exit(0);
			}
			printf("child=%d\n", pid);
		} else if (!strcmp(line, "vfork")) {
			int status = -1;
			pid_t pid = vfork();

			if (pid == 0)
				_exit(3);
			waitpid(pid, &status, 0);
			printf("vfork child=%d status=%d\n", pid, status);
		} else if (!strncmp(line, "threads ", 8)) {
			int n = atoi(line + 8);
			pthread_t t;

			for (int i = 0; i < n; i++)
				if (pthread_create(&t, NULL, sleeper, NULL))
					return 1;
			printf("threads=%d\n", n);
		} else if (!strncmp(line, "exec ", 5)) {
			execl(line + 5, line + 5, (char *)NULL);
			printf("exec failed: errno=%d\n", errno);
		} else if (!strncmp(line, "exit ", 5)) {
			exit(atoi(line + 5));
		}
	}
	return 0;
}
