// SPDX-License-Identifier: GPL-2.0
/*
 * The utrace stress driver: CYCLES times, attach a test engine to a
 * random thread of the processes named "churn", ask for events, stop it
 * (or not), resume or detach it, wait for its callbacks and drop it.
 * The tracees clone, exec and exit all the while, so every call may
 * meet a thread that is exiting or gone; only the documented errors are
 * accepted. Prints a summary; exits non-zero on an unexpected reply.
 *   utrace_stress CYCLES
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CTL "/sys/kernel/debug/utrace_test/ctl"
#define MAX_TIDS 4096

static int ctl_fd;
static int tids[MAX_TIDS], ntids;
static long replies[5]; /* ok, ESRCH, EALREADY, EINPROGRESS, ENOENT */

static const char *ctl(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static const char *ctl(const char *fmt, ...)
{
	static char reply[512];
	char cmd[128];
	va_list ap;
	ssize_t n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (pwrite(ctl_fd, cmd, strlen(cmd), 0) < 0) {
		perror(cmd);
		exit(2);
	}
	n = pread(ctl_fd, reply, sizeof(reply) - 1, 0);
	reply[n < 0 ? 0 : n] = 0;
	return reply;
}

/* Accepts the replies a racing tracee may cause; dies on anything else. */
static void check(const char *what, const char *reply)
{
	static const char *const ok[] = { "ok", "err -3", "err -114",
					  "err -115", "err -2" };

	for (unsigned int i = 0; i < 5; i++)
		if (!strcmp(reply, ok[i])) {
			replies[i]++;
			return;
		}
	fprintf(stderr, "%s: unexpected reply '%s'\n", what, reply);
	exit(1);
}

static void find_tids(void)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;

	ntids = 0;
	while (proc && (p = readdir(proc)) && ntids < MAX_TIDS) {
		char path[300], comm[32] = "";
		struct dirent *t;
		DIR *task;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%s/comm", p->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(comm, sizeof(comm), f) || strcmp(comm, "churn\n")) {
			fclose(f);
			continue;
		}
		fclose(f);
		snprintf(path, sizeof(path), "/proc/%s/task", p->d_name);
		task = opendir(path);
		while (task && (t = readdir(task)) && ntids < MAX_TIDS)
			if (t->d_name[0] != '.')
				tids[ntids++] = atoi(t->d_name);
		if (task)
			closedir(task);
	}
	if (proc)
		closedir(proc);
}

int main(int argc, char **argv)
{
	static const char *const events[] = {
		"quiesce", "syscall_entry,syscall_exit", "signals,clone,exec",
		"exit,death,reap", "quiesce,clone,exec,exit,death,reap",
	};
	long cycles = argc > 1 ? atol(argv[1]) : 10000, attached = 0;

	ctl_fd = open(CTL, O_RDWR);
	if (ctl_fd < 0) {
		perror(CTL);
		return 77;
	}
	srand(time(NULL));
	for (long i = 0; i < cycles; i++) {
		const char *r;
		int id;

		if (i % 32 == 0)
			find_tids();
		if (!ntids) {
			fprintf(stderr, "no churn threads\n");
			return 1;
		}
		r = ctl("attach %d", tids[rand() % ntids]);
		if (sscanf(r, "engine %d", &id) != 1) {
			check("attach", r);
			continue;
		}
		attached++;
		check("events", ctl("events %d %s", id, events[rand() % 5]));
		if (rand() % 2) {
			check("stop", ctl("control %d stop", id));
			if (rand() % 2)
				usleep(rand() % 2000);
			if (rand() % 2)
				check("resume", ctl("control %d resume", id));
		}
		check("detach", ctl("control %d detach", id));
		check("barrier", ctl("barrier %d", id));
		check("release", ctl("release %d", id));
	}
	printf("%ld cycles, %ld attached; replies: ok=%ld esrch=%ld ealready=%ld einprogress=%ld enoent=%ld\n",
	       cycles, attached, replies[0], replies[1], replies[2],
	       replies[3], replies[4]);
	return 0;
}
