/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptrace_check.h - the harness of the ptrace_*.c programs, which pin down
 * how stock Linux 6.12 ptrace behaves in its hard corners, so that a ptrace
 * rebuilt on another tracing core can be held to the same behaviour.
 *
 * Every subtest asserts exact values: whole wait statuses (so the
 * PTRACE_EVENT_* code and the stop signal), PTRACE_GETEVENTMSG values,
 * siginfo fields, errno values and the state letter of /proc/PID/stat
 * ('t': ptrace stop, 'T': job-control stop, 'S': asleep in pause() or
 * read(), 'D': the vfork parent waiting for its child).
 * The expectations come from the 6.12 source (kernel/ptrace.c,
 * kernel/signal.c, kernel/exit.c, fs/exec.c, include/linux/ptrace.h);
 * where one is subtle, a comment names the function that decides it.
 *
 * A program lists its subtests in a struct subtest array and hands it to
 * ptrace_check_main(). Output: "1..N", then "ok N name" or
 * "not ok N name: reason", one line per subtest; the exit status is 0 if
 * all passed, 1 otherwise. An argument names the one subtest to run. Each
 * subtest runs in a process of its own, in its own process group, under a
 * time limit; what it leaves behind is killed and reaped (the program is a
 * child subreaper) before the next one starts. A subtest that hangs is
 * given up on after at most 30 s: SUBTEST_TIMEOUT + CLEANUP_TIMEOUT + 3 s,
 * then 5 s to reap it and 5 s to reap what it left.
 *
 * A tracee may exec the program again as "--pause", "--exit CODE" or
 * "--note FD" (helper_mode()).
 *
 * Each program is built alone (scripts/build-guest-bin.sh), so everything
 * here is static; the functions are static inline so that those a program
 * does not use draw no -Wunused-function.
 */
#ifndef PTRACE_CHECK_H
#define PTRACE_CHECK_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>

/* include/uapi/linux/ptrace.h; glibc 2.36 does not have these. */
#define EVENTMSG_SYSCALL_ENTRY	1
#define EVENTMSG_SYSCALL_EXIT	2

/* Raw wait statuses, compared whole. */
#define STOPPED(sig)		(((sig) << 8) | 0x7f)
#define EVENT_STOPPED(ev, sig)	(((ev) << 16) | STOPPED(sig))
#define EXITED(code)		(((code) & 0xff) << 8)
#define KILLED(sig)		(sig)
#define CONTINUED		0xffff
#define SYSCALL_TRAP		(SIGTRAP | 0x80)

#define SUBTEST_TIMEOUT		12	/* seconds, each */
#define CLEANUP_TIMEOUT		5	/* seconds, after it */
#define IO_TIMEOUT_MS		5000	/* a pipe byte that should come */
#define STATE_TIMEOUT_MS	5000	/* a state letter that should come */

#define SELF_EXE		"/proc/self/exe"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define __noreturn		__attribute__((noreturn))

/* The first failure of the running subtest; reported by the runner. */
static char fail_msg[512];
/* What the subtest is doing, for the time-out report. */
static const char *volatile step = "starting";
/* Where the subtest process reports, and whether it has yet. */
static int report_fd = -1;
static volatile sig_atomic_t reported;

static inline int fail(const char *fmt, ...)
{
	va_list ap;

	if (!fail_msg[0]) {
		va_start(ap, fmt);
		vsnprintf(fail_msg, sizeof(fail_msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static inline void write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

static inline void on_alarm(int sig)
{
	static const char msg[] = "timed out, last step: ";

	(void)sig;
	if (report_fd >= 0) {
		if (reported)
			write_all(report_fd, "; ", 2);
		write_all(report_fd, msg, sizeof(msg) - 1);
		write_all(report_fd, (const char *)step, strlen((const char *)step));
	}
	_exit(2);
}

/* A wait status in words, for messages; two may be used in one message. */
static inline const char *status_str(int status)
{
	static char bufs[2][64];
	static int which;
	char *buf = bufs[which ^= 1];

	if (WIFEXITED(status))
		snprintf(buf, 64, "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, 64, "killed by %d%s", WTERMSIG(status),
			 WCOREDUMP(status) ? " (core)" : "");
	else if (WIFCONTINUED(status))
		snprintf(buf, 64, "continued");
	else if (WIFSTOPPED(status))
		snprintf(buf, 64, "stopped sig %d event %d (%#x)",
			 WSTOPSIG(status), status >> 16, status);
	else
		snprintf(buf, 64, "status %#x", status);
	return buf;
}

/*
 * The processes a subtest made and has not reaped; they are killed and
 * reaped when it ends. A pid is forgotten when it is reaped, so that a
 * recycled pid is never killed.
 */
#define MAX_KIDS 16
static pid_t kids[MAX_KIDS];

static inline void track(pid_t pid)
{
	int i;

	for (i = 0; i < MAX_KIDS; i++) {
		if (!kids[i]) {
			kids[i] = pid;
			return;
		}
	}
}

static inline bool tracked(pid_t pid)
{
	int i;

	for (i = 0; i < MAX_KIDS; i++)
		if (kids[i] == pid)
			return true;
	return false;
}

static inline void untrack(pid_t pid)
{
	int i;

	for (i = 0; i < MAX_KIDS; i++)
		if (kids[i] == pid)
			kids[i] = 0;
}

static inline pid_t xwaitpid(pid_t pid, int *status, int flags)
{
	pid_t got;

	do {
		got = waitpid(pid, status, flags);
	} while (got < 0 && errno == EINTR);
	if (got > 0 && (WIFEXITED(*status) || WIFSIGNALED(*status)))
		untrack(got);
	return got;
}

/* Resume each thread of @pid from a ptrace stop of ours, consumed or not. */
static inline void resume_threads(pid_t pid)
{
	char path[64];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			ptrace(PTRACE_CONT, atoi(d->d_name), 0, 0);
	closedir(dir);
}

/* Kill one tracked process and reap it, resuming it from any stop. */
static inline void kill_and_reap(pid_t pid)
{
	int status;

	if (!tracked(pid))
		return;
	kill(pid, SIGKILL);
	resume_threads(pid);
	/* It may stop once more, in PTRACE_EVENT_EXIT. */
	while (xwaitpid(pid, &status, __WALL) == pid && WIFSTOPPED(status))
		ptrace(PTRACE_CONT, pid, 0, 0);
	untrack(pid);
}

/*
 * Kill what the subtest made, and reap all of it: its children and its
 * tracees, threads included (a traced thread's zombie holds up its leader's).
 */
static inline int cleanup_children(void)
{
	int i, status;
	pid_t got;

	for (i = 0; i < MAX_KIDS; i++) {
		if (kids[i]) {
			kill(kids[i], SIGKILL);
			resume_threads(kids[i]);
		}
	}
	for (;;) {
		got = xwaitpid(-1, &status, __WALL);
		if (got < 0)
			return errno == ECHILD ? 0 : -1;
		if (WIFSTOPPED(status))
			ptrace(PTRACE_CONT, got, 0, 0);
	}
}

/* ---- expectations ---- */

/* The next report of @pid must be exactly @want. */
static inline int expect_report(pid_t pid, int want, const char *what)
{
	int status = 0;
	pid_t got;

	step = what;
	got = xwaitpid(pid, &status, __WALL);
	if (got != pid)
		return fail("%s: waitpid(%d) returned %d (%s)", what, pid, got,
			    got < 0 ? strerror(errno) : "?");
	if (status != want)
		return fail("%s: %s, expected %s", what, status_str(status),
			    status_str(want));
	return 0;
}

/* Nothing to report now (WNOHANG returns 0). */
static inline int expect_no_report(pid_t pid, int flags, const char *what)
{
	int status = 0;
	pid_t got;

	got = xwaitpid(pid, &status, flags | WNOHANG);
	if (got < 0)
		return fail("%s: waitpid(%d): %s", what, pid, strerror(errno));
	if (got)
		return fail("%s: unexpected report from %d: %s", what, got,
			    status_str(status));
	return 0;
}

/* A call that must fail with @err. */
static inline int expect_errno(long ret, int err, const char *what)
{
	int e = errno;

	if (ret != -1)
		return fail("%s: returned %ld, expected %s", what, ret,
			    strerror(err));
	if (e != err)
		return fail("%s: failed with %s, expected %s", what,
			    strerror(e), strerror(err));
	return 0;
}

static inline int xptrace(int req, pid_t pid, unsigned long addr,
			  unsigned long data, const char *what)
{
	long ret = ptrace(req, pid, addr, data);

	if (ret)
		return fail("%s: returned %ld (%s)", what, ret, strerror(errno));
	return 0;
}

static inline int seize(pid_t pid, unsigned long options)
{
	return xptrace(PTRACE_SEIZE, pid, 0, options, "PTRACE_SEIZE");
}

static inline int resume(pid_t pid, int sig, const char *what)
{
	return xptrace(PTRACE_CONT, pid, 0, sig, what);
}

static inline int get_eventmsg(pid_t pid, unsigned long *msg, const char *what)
{
	*msg = ~0UL;
	return xptrace(PTRACE_GETEVENTMSG, pid, 0, (unsigned long)msg, what);
}

static inline int expect_eventmsg(pid_t pid, unsigned long want,
				  const char *what)
{
	unsigned long msg;

	if (get_eventmsg(pid, &msg, what))
		return -1;
	if (msg != want)
		return fail("%s: event message %lu, expected %lu", what, msg,
			    want);
	return 0;
}

static inline int expect_siginfo(pid_t pid, int signo, int code,
				 pid_t sender, const char *what)
{
	siginfo_t si;

	memset(&si, 0xa5, sizeof(si));
	if (xptrace(PTRACE_GETSIGINFO, pid, 0, (unsigned long)&si, what))
		return -1;
	if (si.si_signo != signo || si.si_code != code || si.si_pid != sender)
		return fail("%s: siginfo signo %d code %#x pid %d, expected %d %#x %d",
			    what, si.si_signo, si.si_code, si.si_pid, signo,
			    code, sender);
	return 0;
}

/* The state letter of /proc/TID/stat, or '?' if there is none. */
static inline char proc_state(pid_t tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return '?';
	return p[2];
}

static inline int tracer_pid(pid_t pid)
{
	char path[64], line[256];
	int tracer = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %d", &tracer) == 1)
			break;
	fclose(f);
	return tracer;
}

static inline void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Until @pid's state letter is one of @states. */
static inline int wait_state(pid_t pid, const char *states, const char *what)
{
	char s = '?';
	int ms;

	step = what;
	for (ms = 0; ms < STATE_TIMEOUT_MS; ms++) {
		s = proc_state(pid);
		if (strchr(states, s))
			return 0;
		sleep_ms(1);
	}
	return fail("%s: state stayed '%c', expected one of \"%s\"", what, s,
		    states);
}

static inline int expect_tracer(pid_t pid, int want, const char *what)
{
	int tracer = tracer_pid(pid);

	if (tracer != want)
		return fail("%s: TracerPid %d, expected %d", what, tracer, want);
	return 0;
}

/* ---- pipes between the test, its tracers and its tracees ---- */

/* note: tracee -> test; cmd: test or tracer -> tracee; report: tracer -> test. */
static int note_fds[2] = { -1, -1 };
static int cmd_fds[2] = { -1, -1 };
static int report_fds[2] = { -1, -1 };

static inline int open_pipes(void)
{
	/* The note pipe must survive an exec (--note). */
	if (pipe(note_fds) || pipe2(cmd_fds, O_CLOEXEC) ||
	    pipe2(report_fds, O_CLOEXEC))
		return fail("pipe: %s", strerror(errno));
	return 0;
}

static inline void close_pipes(void)
{
	int *fds[] = { note_fds, cmd_fds, report_fds };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		if (fds[i][0] >= 0)
			close(fds[i][0]);
		if (fds[i][1] >= 0)
			close(fds[i][1]);
		fds[i][0] = fds[i][1] = -1;
	}
}

static inline int wait_readable(int fd, const char *what)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n;

	step = what;
	do {
		n = poll(&pfd, 1, IO_TIMEOUT_MS);
	} while (n < 0 && errno == EINTR);
	if (n <= 0)
		return fail("%s: nothing came", what);
	return 0;
}

static inline int expect_byte(int fd, char want, const char *what)
{
	char c;

	if (wait_readable(fd, what))
		return -1;
	if (read(fd, &c, 1) != 1)
		return fail("%s: read: %s", what, strerror(errno));
	if (c != want)
		return fail("%s: got '%c', expected '%c'", what, c, want);
	return 0;
}

static inline int send_byte(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		return fail("write to a pipe: %s", strerror(errno));
	return 0;
}

/* A helper process says "ok" or why not, on the report pipe. */
static inline void send_report(int ret)
{
	if (ret && !fail_msg[0])
		fail("failed");
	if (ret)
		write_all(report_fds[1], fail_msg, strlen(fail_msg));
	else
		write_all(report_fds[1], "ok", 2);
}

static inline int expect_ok_report(const char *who)
{
	char buf[sizeof(fail_msg)];
	ssize_t n;

	if (wait_readable(report_fds[0], who))
		return -1;
	n = read(report_fds[0], buf, sizeof(buf) - 1);
	if (n <= 0)
		return fail("%s: no report", who);
	buf[n] = 0;
	if (strcmp(buf, "ok"))
		return fail("%s: %s", who, buf);
	return 0;
}

/* ---- tracee bodies ---- */

static inline void on_usr1(int sig)
{
	(void)sig;
	write_all(note_fds[1], "U", 1);
}

static inline void __noreturn body_pause(void)
{
	for (;;)
		pause();
}

/*
 * Fork a tracee running @body. Any process may attach to it (Yama), it
 * dumps no core, SIGUSR1 writes 'U' to the note pipe. Returns once it runs.
 */
static inline pid_t spawn(void (*body)(void))
{
	int ready[2];
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC))
		return fail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return fail("fork: %s", strerror(errno));
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };

		signal(SIGALRM, SIG_DFL);
		signal(SIGUSR1, on_usr1);
		setrlimit(RLIMIT_CORE, &no_core);
		prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
		write_all(ready[1], "r", 1);
		body();
		_exit(0);
	}
	track(pid);
	close(ready[1]);
	if (expect_byte(ready[0], 'r', "waiting for a tracee to start")) {
		close(ready[0]);
		return -1;
	}
	close(ready[0]);
	return pid;
}

/* ---- the runner ---- */

struct subtest {
	const char *name;
	int (*fn)(void);
};

/* The process group of the running subtest, for the runner's last word. */
static volatile pid_t running_group;

/* The runner is told to stop: take the running subtest down with it. */
static inline void on_stop_signal(int sig)
{
	if (running_group > 0)
		kill(-running_group, SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int stop_signals[] = { SIGHUP, SIGINT, SIGTERM };

/* In the subtest's own process. */
static inline int __noreturn subtest_main(const struct subtest *t, int fd)
{
	sigset_t none;
	unsigned int i;
	int ret;

	setpgid(0, 0);
	for (i = 0; i < ARRAY_SIZE(stop_signals); i++)
		signal(stop_signals[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	report_fd = fd;
	signal(SIGALRM, on_alarm);
	alarm(SUBTEST_TIMEOUT);
	ret = t->fn();
	alarm(0);
	if (ret) {
		if (!fail_msg[0])
			fail("failed");
		write_all(fd, fail_msg, strlen(fail_msg));
		reported = 1;
	}
	step = "cleaning up";
	alarm(CLEANUP_TIMEOUT);
	if (cleanup_children()) {
		if (reported)
			write_all(fd, "; ", 2);
		write_all(fd, "could not reap its children",
			  strlen("could not reap its children"));
		ret = -1;
	}
	alarm(0);
	_exit(ret ? 1 : 0);
}

/* Wait for SIGCHLD (blocked in the runner) until @deadline. */
static inline bool wait_sigchld(const struct timespec *deadline)
{
	struct timespec now, left;
	sigset_t chld;

	clock_gettime(CLOCK_MONOTONIC, &now);
	left.tv_sec = deadline->tv_sec - now.tv_sec;
	left.tv_nsec = deadline->tv_nsec - now.tv_nsec;
	if (left.tv_nsec < 0) {
		left.tv_nsec += 1000000000L;
		left.tv_sec--;
	}
	if (left.tv_sec < 0)
		return false;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigtimedwait(&chld, NULL, &left);
	return true;
}

static inline void deadline_in(struct timespec *d, int seconds)
{
	clock_gettime(CLOCK_MONOTONIC, d);
	d->tv_sec += seconds;
}

/* The subtest process's status, or -1 if it did not end in time. */
static inline int wait_subtest(pid_t pid, int seconds)
{
	struct timespec deadline;
	int status;

	deadline_in(&deadline, seconds);
	do {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
	} while (wait_sigchld(&deadline));
	return -1;
}

/* Reap everything left (this is a subreaper); false if some would not go. */
static inline bool reap_leftovers(int seconds)
{
	struct timespec deadline;
	int status;
	pid_t got;

	deadline_in(&deadline, seconds);
	do {
		while ((got = waitpid(-1, &status, WNOHANG | __WALL)) > 0)
			;
		if (got < 0 && errno == ECHILD)
			return true;
	} while (wait_sigchld(&deadline));
	return false;
}

static inline bool run_subtest(const struct subtest *t, int num)
{
	char msg[sizeof(fail_msg) + 64] = "";
	int fds[2], status;
	ssize_t n;
	pid_t pid;
	char *p;

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK)) {
		printf("not ok %d %s: pipe: %s\n", num, t->name, strerror(errno));
		return false;
	}
	pid = fork();
	if (pid < 0) {
		printf("not ok %d %s: fork: %s\n", num, t->name, strerror(errno));
		return false;
	}
	if (pid == 0) {
		close(fds[0]);
		subtest_main(t, fds[1]);
	}
	setpgid(pid, pid);
	running_group = pid;
	close(fds[1]);
	status = wait_subtest(pid, SUBTEST_TIMEOUT + CLEANUP_TIMEOUT + 3);
	n = read(fds[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = 0;
	close(fds[0]);
	if (status == -1) {
		kill(-pid, SIGKILL);
		snprintf(msg, sizeof(msg), "stuck, killed after %d s",
			 SUBTEST_TIMEOUT + CLEANUP_TIMEOUT + 3);
		if (wait_subtest(pid, 5) == -1)
			strcat(msg, "; could not reap it");
		status = 1 << 8;
	}
	kill(-pid, SIGKILL);
	running_group = 0;
	if (!reap_leftovers(5)) {
		strcat(msg, msg[0] ? "; " : "");
		strcat(msg, "left processes that could not be reaped");
		status = 1 << 8;
	}
	for (p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (status == 0) {
		printf("ok %d %s\n", num, t->name);
		return true;
	}
	if (!msg[0])
		snprintf(msg, sizeof(msg), "subtest process %s", status_str(status));
	printf("not ok %d %s: %s\n", num, t->name, msg);
	return false;
}

/* Modes for the exec'd copies of this program. */
static inline void helper_mode(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--pause"))
		body_pause();
	if (argc == 3 && !strcmp(argv[1], "--exit"))
		_exit(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "--note")) {
		write_all(atoi(argv[2]), "E", 1);
		body_pause();
	}
}

/* Run the subtests @subtests[0..@n) or, if argv[1] names one, that one. */
static inline int ptrace_check_main(int argc, char **argv,
				    const struct subtest *subtests, int n)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	bool all_ok = true;
	sigset_t chld;
	int i, num = 0;

	helper_mode(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (only) {
		for (i = 0; i < n; i++)
			if (!strcmp(subtests[i].name, only))
				break;
		if (i == n) {
			fprintf(stderr, "usage: %s [subtest]; subtests:\n", argv[0]);
			for (i = 0; i < n; i++)
				fprintf(stderr, "  %s\n", subtests[i].name);
			return 2;
		}
	}
	/* Orphans of a subtest come back here, to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	for (i = 0; i < (int)ARRAY_SIZE(stop_signals); i++)
		signal(stop_signals[i], on_stop_signal);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);

	printf("1..%d\n", only ? 1 : n);
	for (i = 0; i < n; i++) {
		if (only && strcmp(subtests[i].name, only))
			continue;
		if (!run_subtest(&subtests[i], ++num))
			all_ok = false;
	}
	return all_ok ? 0 : 1;
}

#endif /* PTRACE_CHECK_H */
