// SPDX-License-Identifier: GPL-2.0
/*
 * The marker of scripts/profile.sh: a system call nothing else in the
 * guest makes, whose entry the QEMU plugin watches for.
 */
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct timespec ts;

	if (syscall(SYS_sched_rr_get_interval, 0, &ts)) {
		perror("sched_rr_get_interval");
		return 1;
	}
	return 0;
}
