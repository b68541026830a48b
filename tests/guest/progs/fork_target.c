// SPDX-License-Identifier: GPL-2.0
/*
 * A process for gdb's fork, vfork and exec events. It prints "ready" and
 * waits until gdb sets `go`, then:
 *   1. forks; the child calls marker() and in_child(), and exits with 7;
 *   2. the parent reaps it, keeping its wait status in child_status;
 *   3. vforks; the child execs "/bin/true" at once;
 *   4. execs itself with the argument "execd", where main calls
 *      execd_marker() and exits with 0.
 * marker() runs in parent and child alike, so a breakpoint gdb left in
 * the child's copy of memory would kill it with SIGTRAP. With "exec PATH"
 * it execs PATH once gdb sets `go`, and does nothing else.
 *   fork_target [execd | exec PATH]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

volatile int go;
volatile int child_status = -1;
volatile int vfork_status = -1;

__attribute__((noinline)) void marker(int where)
{
	asm volatile("" : : "r"(where) : "memory");
}

__attribute__((noinline)) void in_child(void)
{
	marker(2);
}

__attribute__((noinline)) void after_fork(void)
{
	marker(3);
}

__attribute__((noinline)) void execd_marker(void)
{
	marker(4);
}

int main(int argc, char **argv)
{
	pid_t child;

	if (argc > 1 && !strcmp(argv[1], "execd")) {
		execd_marker();
		return 0;
	}
	printf("ready\n");
	fflush(stdout);
	while (!go)
		usleep(1000);
	if (argc > 2 && !strcmp(argv[1], "exec")) {
		execl(argv[2], argv[2], (char *)NULL);
		return 1;
	}

	child = fork();
	if (child == 0) {
		marker(1);
		in_child();
		_exit(7);
	}
	waitpid(child, (int *)&child_status, 0);
	after_fork();

	child = vfork();
	if (child == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	waitpid(child, (int *)&vfork_status, 0);

	execl("/proc/self/exe", argv[0], "execd", (char *)NULL);
	return 1;
}
