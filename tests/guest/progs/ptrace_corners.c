// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_corners - pin down how stock Linux 6.12 ptrace behaves in its hard
 * corners, so that a ptrace rebuilt on another tracing core can be held to
 * the same behaviour.
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
 *   seize_interrupt_listen    SEIZE, INTERRUPT, group stop as a STOP trap,
 *                             LISTEN, SIGCONT while listening
 *   attach_group_stop         group stop of a PTRACE_ATTACHed tracee: no
 *                             siginfo (EINVAL), resuming ends the stop
 *   tracer_dies_in_each_stop  the tracer is SIGKILLed while its tracee is in
 *                             a signal-delivery, group, LISTEN, syscall
 *                             (with and without TRACESYSGOOD) or exec
 *                             event stop; PTRACE_O_EXITKILL
 *   exec_by_non_leader        a non-leader thread execs: one EXEC report,
 *                             for the leader's pid, old TID in the message
 *   exec_by_non_leader_exit   the same with PTRACE_O_TRACEEXIT and a third
 *                             thread: which exits are reported, in what order
 *   vfork_child_across_exec   VFORK event, the child's SIGSTOP, its EXEC,
 *                             the parent's VFORK_DONE
 *   sigkill_stopped_tracee    SIGKILL in a signal-delivery stop, with and
 *                             without PTRACE_O_TRACEEXIT; a second SIGKILL
 *   two_tracer_threads        a sibling of the tracer thread may wait but
 *                             not make requests; the tracer thread's exit
 *                             detaches
 *   reattach_after_detach     detach with a signal, attach again, DETACH of
 *                             a running tracee
 *   syscall_stops_and_info    syscall stops with and without TRACESYSGOOD,
 *                             PTRACE_GET_SYSCALL_INFO
 *
 * Stock facts some of these rest on, easy to get wrong:
 *  - A tracer's wait() for a stop zeroes the tracee's exit code
 *    (wait_task_stopped()). If the tracer then dies, the tracee resumes as
 *    if with signal 0; if it only peeked (WNOWAIT), with the stop's own
 *    code: the signal is delivered, or, for a plain syscall stop, the
 *    tracee sends itself SIGTRAP and dies of it.
 *  - A seized tracee's group stop has siginfo (si_code SIGSTOP |
 *    PTRACE_EVENT_STOP << 8); only a PTRACE_ATTACHed one's has none.
 *  - SIGKILL does stop in PTRACE_EVENT_EXIT (message 9), and a second
 *    SIGKILL does not end that stop: the group is already exiting.
 *
 * Output: "ok N name" or "not ok N name: reason", one line per subtest;
 * the exit status is 0 if all passed, 1 otherwise. An argument names the
 * one subtest to run. Each subtest runs in a process of its own, in its own
 * process group, under a time limit; what it leaves behind is killed and
 * reaped (this program is a child subreaper) before the next one starts.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
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

static int fail(const char *fmt, ...)
{
	va_list ap;

	if (!fail_msg[0]) {
		va_start(ap, fmt);
		vsnprintf(fail_msg, sizeof(fail_msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void write_all(int fd, const char *buf, size_t len)
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

static void on_alarm(int sig)
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
static const char *status_str(int status)
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

static void track(pid_t pid)
{
	int i;

	for (i = 0; i < MAX_KIDS; i++) {
		if (!kids[i]) {
			kids[i] = pid;
			return;
		}
	}
}

static bool tracked(pid_t pid)
{
	int i;

	for (i = 0; i < MAX_KIDS; i++)
		if (kids[i] == pid)
			return true;
	return false;
}

static void untrack(pid_t pid)
{
	int i;

	for (i = 0; i < MAX_KIDS; i++)
		if (kids[i] == pid)
			kids[i] = 0;
}

static pid_t xwaitpid(pid_t pid, int *status, int flags)
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
static void resume_threads(pid_t pid)
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
static void kill_and_reap(pid_t pid)
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
static int cleanup_children(void)
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
static int expect_report(pid_t pid, int want, const char *what)
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
static int expect_no_report(pid_t pid, int flags, const char *what)
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
static int expect_errno(long ret, int err, const char *what)
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

static int xptrace(int req, pid_t pid, unsigned long addr, unsigned long data,
		   const char *what)
{
	long ret = ptrace(req, pid, addr, data);

	if (ret)
		return fail("%s: returned %ld (%s)", what, ret, strerror(errno));
	return 0;
}

static int seize(pid_t pid, unsigned long options)
{
	return xptrace(PTRACE_SEIZE, pid, 0, options, "PTRACE_SEIZE");
}

static int resume(pid_t pid, int sig, const char *what)
{
	return xptrace(PTRACE_CONT, pid, 0, sig, what);
}

static int get_eventmsg(pid_t pid, unsigned long *msg, const char *what)
{
	*msg = ~0UL;
	return xptrace(PTRACE_GETEVENTMSG, pid, 0, (unsigned long)msg, what);
}

static int expect_eventmsg(pid_t pid, unsigned long want, const char *what)
{
	unsigned long msg;

	if (get_eventmsg(pid, &msg, what))
		return -1;
	if (msg != want)
		return fail("%s: event message %lu, expected %lu", what, msg,
			    want);
	return 0;
}

static int expect_siginfo(pid_t pid, int signo, int code, pid_t sender,
			  const char *what)
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
static char proc_state(pid_t tid)
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

static int tracer_pid(pid_t pid)
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

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Until @pid's state letter is one of @states. */
static int wait_state(pid_t pid, const char *states, const char *what)
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

/* Until nobody traces @pid. */
static int wait_untraced(pid_t pid, const char *what)
{
	int ms, tracer = -1;

	step = what;
	for (ms = 0; ms < STATE_TIMEOUT_MS; ms++) {
		tracer = tracer_pid(pid);
		if (tracer == 0)
			return 0;
		sleep_ms(1);
	}
	return fail("%s: TracerPid stayed %d", what, tracer);
}

static int expect_tracer(pid_t pid, int want, const char *what)
{
	int tracer = tracer_pid(pid);

	if (tracer != want)
		return fail("%s: TracerPid %d, expected %d", what, tracer, want);
	return 0;
}

static int count_threads(pid_t pid)
{
	char path[64];
	struct dirent *d;
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* ---- pipes between the test, its tracers and its tracees ---- */

/* note: tracee -> test; cmd: test or tracer -> tracee; report: tracer -> test. */
static int note_fds[2] = { -1, -1 };
static int cmd_fds[2] = { -1, -1 };
static int report_fds[2] = { -1, -1 };

static int open_pipes(void)
{
	/* The note pipe must survive an exec (--note). */
	if (pipe(note_fds) || pipe2(cmd_fds, O_CLOEXEC) ||
	    pipe2(report_fds, O_CLOEXEC))
		return fail("pipe: %s", strerror(errno));
	return 0;
}

static void close_pipes(void)
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

static int wait_readable(int fd, const char *what)
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

static int expect_byte(int fd, char want, const char *what)
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

static int send_byte(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		return fail("write to a pipe: %s", strerror(errno));
	return 0;
}

/* A helper process says "ok" or why not, on the report pipe. */
static void send_report(int ret)
{
	if (ret && !fail_msg[0])
		fail("failed");
	if (ret)
		write_all(report_fds[1], fail_msg, strlen(fail_msg));
	else
		write_all(report_fds[1], "ok", 2);
}

static int expect_ok_report(const char *who)
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

static void on_usr1(int sig)
{
	(void)sig;
	write_all(note_fds[1], "U", 1);
}

static void __noreturn body_pause(void)
{
	for (;;)
		pause();
}

/* Each command byte is read by a read() and answered with an 'x'. */
static void __noreturn body_read_loop(void)
{
	char c;

	for (;;)
		if (read(cmd_fds[0], &c, 1) == 1)
			write_all(note_fds[1], "x", 1);
}

/* On a command byte, exec this program as "--note FD". */
static void __noreturn body_exec_on_cmd(void)
{
	char fd[16], c;

	if (read(cmd_fds[0], &c, 1) != 1)
		_exit(100);
	snprintf(fd, sizeof(fd), "%d", note_fds[1]);
	execl(SELF_EXE, "ptrace_corners", "--note", fd, (char *)NULL);
	_exit(101);
}

/* On a command byte, exit with 3. */
static void __noreturn body_exit_on_cmd(void)
{
	char c;

	if (read(cmd_fds[0], &c, 1) != 1)
		_exit(100);
	_exit(3);
}

/*
 * Fork a tracee running @body. Any process may attach to it (Yama), it
 * dumps no core, SIGUSR1 writes 'U' to the note pipe. Returns once it runs.
 */
static pid_t spawn(void (*body)(void))
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

/*
 * Several reports in any order. An entry with pid 0 matches a pid that no
 * other entry names; it is filled in.
 */
struct report {
	pid_t pid;
	int status;
	bool seen;
};

static int expect_reports(struct report *r, int n, const char *what)
{
	int i, k, status = 0;
	pid_t got;

	for (k = 0; k < n; k++) {
		step = what;
		got = xwaitpid(-1, &status, __WALL);
		if (got < 0)
			return fail("%s: waitpid: %s", what, strerror(errno));
		for (i = 0; i < n; i++)
			if (!r[i].seen && r[i].pid == got &&
			    r[i].status == status)
				break;
		if (i == n) {
			for (i = 0; i < n; i++)
				if (r[i].pid == got)
					break;
			if (i < n)	/* a known pid, a wrong report */
				i = n;
			else
				for (i = 0; i < n; i++)
					if (!r[i].seen && !r[i].pid &&
					    r[i].status == status)
						break;
		}
		if (i == n)
			return fail("%s: unexpected report from %d: %s", what,
				    got, status_str(status));
		r[i].pid = got;
		r[i].seen = true;
	}
	return 0;
}

/* ---- seize_interrupt_listen ---- */

static int test_seize_interrupt_listen(void)
{
	pid_t t = spawn(body_pause);

	if (t < 0 || seize(t, 0))
		return -1;
	if (expect_no_report(t, __WALL, "after PTRACE_SEIZE") ||
	    wait_state(t, "S", "after PTRACE_SEIZE"))
		return -1;

	if (xptrace(PTRACE_INTERRUPT, t, 0, 0, "PTRACE_INTERRUPT"))
		return -1;
	/* do_jobctl_trap(): no group stop in effect, so the trap says SIGTRAP */
	if (expect_report(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGTRAP),
			  "INTERRUPT trap"))
		return -1;
	/* ptrace_do_notify(): si_code is the exit code, si_pid the tracee */
	if (expect_siginfo(t, SIGTRAP, SIGTRAP | PTRACE_EVENT_STOP << 8, t,
			   "INTERRUPT trap") ||
	    expect_eventmsg(t, 0, "INTERRUPT trap") ||
	    wait_state(t, "t", "INTERRUPT trap"))
		return -1;
	if (resume(t, 0, "PTRACE_CONT from the INTERRUPT trap") ||
	    wait_state(t, "S", "resumed from the INTERRUPT trap"))
		return -1;

	kill(t, SIGSTOP);
	if (expect_report(t, STOPPED(SIGSTOP), "SIGSTOP signal-delivery stop") ||
	    expect_siginfo(t, SIGSTOP, SI_USER, getpid(),
			   "SIGSTOP signal-delivery stop"))
		return -1;
	/* ptrace_request(): LISTEN needs a PTRACE_EVENT_STOP trap */
	if (expect_errno(ptrace(PTRACE_LISTEN, t, 0, 0), EIO,
			 "PTRACE_LISTEN in a signal-delivery stop"))
		return -1;
	if (resume(t, SIGSTOP, "PTRACE_CONT with SIGSTOP") ||
	    expect_report(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGSTOP),
			  "group stop"))
		return -1;
	/*
	 * A seized tracee's group stop goes through ptrace_do_notify() and so
	 * has siginfo; without PTRACE_SEIZE it has none (attach_group_stop).
	 */
	if (expect_siginfo(t, SIGSTOP, SIGSTOP | PTRACE_EVENT_STOP << 8, t,
			   "group stop") ||
	    wait_state(t, "t", "group stop"))
		return -1;

	if (xptrace(PTRACE_LISTEN, t, 0, 0, "PTRACE_LISTEN"))
		return -1;
	/* task_stopped_code() skips JOBCTL_LISTENING; it stays TASK_TRACED */
	if (expect_no_report(t, __WALL, "listening") ||
	    wait_state(t, "t", "listening"))
		return -1;
	/* ptrace_freeze_traced() refuses a listening tracee */
	if (expect_errno(ptrace(PTRACE_GETEVENTMSG, t, 0, &(unsigned long){0}),
			 ESRCH, "PTRACE_GETEVENTMSG while listening"))
		return -1;
	if (xptrace(PTRACE_INTERRUPT, t, 0, 0, "PTRACE_INTERRUPT while listening") ||
	    expect_report(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGSTOP),
			  "INTERRUPT of a listening tracee"))
		return -1;
	if (xptrace(PTRACE_LISTEN, t, 0, 0, "PTRACE_LISTEN again"))
		return -1;

	kill(t, SIGCONT);
	/*
	 * prepare_signal(SIGCONT) -> ptrace_trap_notify() wakes it; the group
	 * stop is over, so do_jobctl_trap() traps with SIGTRAP ...
	 */
	if (expect_report(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGTRAP),
			  "SIGCONT while listening") ||
	    expect_siginfo(t, SIGTRAP, SIGTRAP | PTRACE_EVENT_STOP << 8, t,
			   "trap after SIGCONT"))
		return -1;
	/* ... and then the SIGCONT is reported like any signal (sig_ignored()) */
	if (resume(t, 0, "PTRACE_CONT after the SIGCONT trap") ||
	    expect_report(t, STOPPED(SIGCONT), "SIGCONT signal-delivery stop") ||
	    expect_siginfo(t, SIGCONT, SI_USER, getpid(),
			   "SIGCONT signal-delivery stop"))
		return -1;
	if (resume(t, 0, "PTRACE_CONT from the SIGCONT stop") ||
	    wait_state(t, "S", "after SIGCONT"))
		return -1;
	return expect_no_report(t, __WALL, "running again");
}

/* ---- attach_group_stop ---- */

static int test_attach_group_stop(void)
{
	pid_t t = spawn(body_pause);

	if (t < 0 || xptrace(PTRACE_ATTACH, t, 0, 0, "PTRACE_ATTACH"))
		return -1;
	/* ptrace_attach() sends SIGSTOP as SEND_SIG_PRIV: SI_KERNEL, pid 0 */
	if (expect_report(t, STOPPED(SIGSTOP), "stop after PTRACE_ATTACH") ||
	    expect_siginfo(t, SIGSTOP, SI_KERNEL, 0, "stop after PTRACE_ATTACH"))
		return -1;
	if (expect_errno(ptrace(PTRACE_ATTACH, t, 0, 0), EPERM,
			 "second PTRACE_ATTACH") ||
	    expect_errno(ptrace(PTRACE_SEIZE, t, 0, 0), EPERM,
			 "PTRACE_SEIZE of a traced task") ||
	    expect_errno(ptrace(PTRACE_INTERRUPT, t, 0, 0), EIO,
			 "PTRACE_INTERRUPT without SEIZE") ||
	    expect_errno(ptrace(PTRACE_LISTEN, t, 0, 0), EIO,
			 "PTRACE_LISTEN without SEIZE"))
		return -1;

	if (resume(t, SIGSTOP, "PTRACE_CONT with SIGSTOP"))
		return -1;
	/* do_jobctl_trap(), !PT_SEIZED: ptrace_stop(signr, CLD_STOPPED, 0, NULL) */
	if (expect_report(t, STOPPED(SIGSTOP), "group stop") ||
	    expect_errno(ptrace(PTRACE_GETSIGINFO, t, 0, &(siginfo_t){0}),
			 EINVAL, "PTRACE_GETSIGINFO in a group stop") ||
	    wait_state(t, "t", "group stop"))
		return -1;
	/* Without SEIZE, resuming from the group stop makes the tracee run. */
	if (resume(t, 0, "PTRACE_CONT from the group stop") ||
	    wait_state(t, "S", "resumed from the group stop"))
		return -1;
	return expect_no_report(t, __WALL | WUNTRACED, "resumed");
}

/* ---- tracer_dies_in_each_stop ---- */

/*
 * The tracer (a process of its own, not the tracee's parent) brings the
 * tracee into a stop and is then SIGKILLed; the real parent checks what
 * becomes of the tracee.
 *
 * What matters most is whether the tracer consumed the stop with wait():
 * wait_task_stopped() zeroes ->exit_code, and that is what ptrace_stop()
 * returns when __ptrace_unlink() wakes the tracee. A consumed stop so ends
 * as if resumed with signal 0; an unconsumed one (only seen with WNOWAIT)
 * as if resumed with the stop's own exit code.
 */
struct death_case {
	const char *name;
	void (*body)(void);
	/* In the tracer: attach and bring the tracee into the stop. */
	int (*drive)(pid_t t);
	/* Peek at the last stop with WNOWAIT instead of consuming it. */
	bool peek;
	/* In the real parent, once the tracer is dead and reaped. */
	int (*check)(pid_t t);
};

static bool peek_last_stop;

/* The stop must be @want; consume it, or just peek at it. */
static int expect_last_stop(pid_t pid, int want, const char *what)
{
	siginfo_t si;

	if (!peek_last_stop)
		return expect_report(pid, want, what);
	step = what;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT | __WALL))
		return fail("%s: waitid: %s", what, strerror(errno));
	/* wait_task_stopped(): si_status is the whole exit code */
	if (si.si_pid != pid || si.si_code != CLD_TRAPPED ||
	    si.si_status != want >> 8)
		return fail("%s: waitid(WNOWAIT) pid %d code %d status %#x, expected %d %d %#x",
			    what, si.si_pid, si.si_code, si.si_status, pid,
			    CLD_TRAPPED, want >> 8);
	return 0;
}

static int drive_signal_stop(pid_t t)
{
	if (seize(t, 0))
		return -1;
	kill(t, SIGUSR1);
	return expect_last_stop(t, STOPPED(SIGUSR1),
				"SIGUSR1 signal-delivery stop");
}

static int drive_group_stop(pid_t t)
{
	if (seize(t, 0))
		return -1;
	kill(t, SIGSTOP);
	if (expect_report(t, STOPPED(SIGSTOP), "SIGSTOP signal-delivery stop") ||
	    resume(t, SIGSTOP, "PTRACE_CONT with SIGSTOP"))
		return -1;
	if (expect_last_stop(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGSTOP),
			     "group stop"))
		return -1;
	return wait_state(t, "t", "group stop");
}

static int drive_listen(pid_t t)
{
	if (drive_group_stop(t) ||
	    xptrace(PTRACE_LISTEN, t, 0, 0, "PTRACE_LISTEN"))
		return -1;
	if (expect_no_report(t, __WALL, "listening"))
		return -1;
	return wait_state(t, "t", "listening");
}

static int drive_syscall_stop(pid_t t, bool sysgood)
{
	struct __ptrace_syscall_info info;
	long n;

	if (seize(t, sysgood ? PTRACE_O_TRACESYSGOOD : 0) ||
	    xptrace(PTRACE_INTERRUPT, t, 0, 0, "PTRACE_INTERRUPT"))
		return -1;
	if (expect_report(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGTRAP),
			  "INTERRUPT trap") ||
	    xptrace(PTRACE_SYSCALL, t, 0, 0, "PTRACE_SYSCALL"))
		return -1;
	/* the tracee was in (or about to enter) read(): it restarts it */
	if (expect_last_stop(t, STOPPED(sysgood ? SYSCALL_TRAP : SIGTRAP),
			     "syscall-entry stop") ||
	    expect_eventmsg(t, EVENTMSG_SYSCALL_ENTRY, "syscall-entry stop"))
		return -1;
	if (!sysgood)
		return 0;
	n = ptrace(PTRACE_GET_SYSCALL_INFO, t, sizeof(info), &info);
	if (n < 0 || info.op != PTRACE_SYSCALL_INFO_ENTRY ||
	    info.entry.nr != SYS_read)
		return fail("syscall-entry stop: info returned %ld, op %d nr %llu",
			    n, info.op, (unsigned long long)info.entry.nr);
	return 0;
}

static int drive_syscall_sysgood(pid_t t)
{
	return drive_syscall_stop(t, true);
}

static int drive_syscall_plain(pid_t t)
{
	return drive_syscall_stop(t, false);
}

static int drive_exec_event(pid_t t)
{
	if (seize(t, PTRACE_O_TRACEEXEC) || send_byte(cmd_fds[1], 'c'))
		return -1;
	if (expect_last_stop(t, EVENT_STOPPED(PTRACE_EVENT_EXEC, SIGTRAP),
			     "exec event stop"))
		return -1;
	return expect_eventmsg(t, t, "exec event stop");
}

static int drive_exitkill(pid_t t)
{
	return seize(t, PTRACE_O_EXITKILL);
}

/* Ends a check: the real parent can kill and reap it. */
static int expect_killable(pid_t t)
{
	kill(t, SIGKILL);
	return expect_report(t, KILLED(SIGKILL), "SIGKILL after the tracer died");
}

static int expect_no_byte(int fd, const char *what)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, 0) != 0)
		return fail("%s: an unexpected byte", what);
	return 0;
}

/*
 * Consumed: exit code 0, ptrace_signal() drops the SIGUSR1. The tracee is
 * back asleep only after it went through get_signal(), so no 'U' may come
 * before the one for the parent's own SIGUSR1, and none after it.
 */
static int check_signal_dropped(pid_t t)
{
	if (wait_state(t, "S", "after the tracer died") ||
	    expect_no_byte(note_fds[0], "SIGUSR1 of the consumed stop"))
		return -1;
	kill(t, SIGUSR1);
	if (expect_byte(note_fds[0], 'U', "a new SIGUSR1") ||
	    expect_no_byte(note_fds[0], "after a new SIGUSR1"))
		return -1;
	return expect_killable(t);
}

/* Not consumed: ptrace_signal() delivers the SIGUSR1 still in exit_code. */
static int check_signal_delivered(pid_t t)
{
	if (expect_byte(note_fds[0], 'U', "the SIGUSR1 handler") ||
	    wait_state(t, "S", "after the tracer died") ||
	    expect_no_byte(note_fds[0], "after the SIGUSR1 handler"))
		return -1;
	return expect_killable(t);
}

/*
 * __ptrace_unlink() sets JOBCTL_STOP_PENDING again as the group stop is in
 * effect, so the tracee goes back into do_signal_stop(): a job-control
 * stop. The real parent was told of the group stop when it completed under
 * the tracer (ptrace_stop(), ptrace_reparented()), and only then:
 * task_participate_group_stop() does not notify again without
 * JOBCTL_STOP_CONSUME.
 */
static int check_job_control_stop(pid_t t)
{
	int status = 0;
	pid_t got;

	if (wait_state(t, "T", "after the tracer died"))
		return -1;
	got = xwaitpid(t, &status, WUNTRACED | WNOHANG);
	if (got != t || status != STOPPED(SIGSTOP))
		return fail("real parent's WUNTRACED wait: returned %d, %s, expected %s",
			    got, status_str(status), status_str(STOPPED(SIGSTOP)));
	if (expect_no_report(t, WUNTRACED, "second WUNTRACED wait"))
		return -1;
	kill(t, SIGCONT);
	/* prepare_signal(SIGCONT) sets SIGNAL_STOP_CONTINUED at once */
	status = 0;
	got = xwaitpid(t, &status, WCONTINUED | WNOHANG);
	if (got != t || status != CONTINUED)
		return fail("WCONTINUED wait after SIGCONT: returned %d, %s",
			    got, status_str(status));
	if (wait_state(t, "S", "after SIGCONT"))
		return -1;
	return expect_killable(t);
}

/*
 * ptrace_report_syscall() sends itself the exit code ptrace_stop()
 * returned: 0 if consumed; SIGTRAP | 0x80 is no valid signal and
 * send_sig_info() refuses it. Either way the read() goes on.
 */
static int check_syscall_goes_on(pid_t t)
{
	if (send_byte(cmd_fds[1], 'c') ||
	    expect_byte(note_fds[0], 'x', "the read() after the tracer died") ||
	    wait_state(t, "S", "after the tracer died"))
		return -1;
	return expect_killable(t);
}

/* Not consumed, no TRACESYSGOOD: it sends itself SIGTRAP, and dies of it. */
static int check_sigtrap_death(pid_t t)
{
	int status = 0;

	step = "waiting for the tracee to die of SIGTRAP";
	if (xwaitpid(t, &status, 0) != t || !WIFSIGNALED(status) ||
	    WTERMSIG(status) != SIGTRAP)
		return fail("%s, expected killed by SIGTRAP", status_str(status));
	return 0;
}

/* ptrace_event() ignores the exit code: the new program runs. */
static int check_exec_goes_on(pid_t t)
{
	if (expect_byte(note_fds[0], 'E', "the exec'd program") ||
	    wait_state(t, "S", "after the tracer died"))
		return -1;
	return expect_killable(t);
}

/* exit_ptrace(): PT_EXITKILL sends SIGKILL. */
static int check_exitkill(pid_t t)
{
	return expect_report(t, KILLED(SIGKILL), "PTRACE_O_EXITKILL");
}

static const struct death_case death_cases[] = {
	{ "signal-delivery stop, consumed", body_pause, drive_signal_stop,
	  false, check_signal_dropped },
	{ "signal-delivery stop, not consumed", body_pause, drive_signal_stop,
	  true, check_signal_delivered },
	{ "group stop", body_pause, drive_group_stop, false,
	  check_job_control_stop },
	{ "group stop, not consumed", body_pause, drive_group_stop, true,
	  check_job_control_stop },
	{ "LISTEN", body_pause, drive_listen, false, check_job_control_stop },
	{ "syscall stop (TRACESYSGOOD), consumed", body_read_loop,
	  drive_syscall_sysgood, false, check_syscall_goes_on },
	{ "syscall stop (TRACESYSGOOD), not consumed", body_read_loop,
	  drive_syscall_sysgood, true, check_syscall_goes_on },
	{ "syscall stop (plain), consumed", body_read_loop,
	  drive_syscall_plain, false, check_syscall_goes_on },
	{ "syscall stop (plain), not consumed", body_read_loop,
	  drive_syscall_plain, true, check_sigtrap_death },
	{ "exec event stop", body_exec_on_cmd, drive_exec_event, false,
	  check_exec_goes_on },
	{ "exec event stop, not consumed", body_exec_on_cmd, drive_exec_event,
	  true, check_exec_goes_on },
	{ "PTRACE_O_EXITKILL", body_pause, drive_exitkill, false,
	  check_exitkill },
};

static int run_death_case(const struct death_case *dc)
{
	pid_t t, m;
	int ret;

	if (open_pipes())
		return -1;
	t = spawn(dc->body);
	if (t < 0)
		return -1;
	peek_last_stop = dc->peek;
	m = fork();
	if (m < 0)
		return fail("fork: %s", strerror(errno));
	if (m == 0) {
		send_report(dc->drive(t));
		body_pause();
	}
	track(m);
	if (expect_ok_report("tracer"))
		return -1;
	kill(m, SIGKILL);
	/* exit_notify() has run exit_ptrace() before the tracer is reaped */
	if (expect_report(m, KILLED(SIGKILL), "killing the tracer") ||
	    expect_tracer(t, 0, "after the tracer died"))
		return -1;
	ret = dc->check(t);
	kill_and_reap(t);
	close_pipes();
	return ret;
}

static int test_tracer_dies_in_each_stop(void)
{
	char msg[sizeof(fail_msg)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(death_cases); i++) {
		if (run_death_case(&death_cases[i])) {
			snprintf(msg, sizeof(msg), "%s",
				 fail_msg[0] ? fail_msg : "failed");
			fail_msg[0] = 0;
			return fail("%s: %s", death_cases[i].name, msg);
		}
	}
	return 0;
}

/* ---- exec_by_non_leader, exec_by_non_leader_exit ---- */

static bool want_idle_thread;

static void *idle_thread(void *arg)
{
	(void)arg;
	body_pause();
}

static void *exec_thread(void *arg)
{
	(void)arg;
	execl(SELF_EXE, "ptrace_corners", "--pause", (char *)NULL);
	_exit(101);
}

/* On a command byte: maybe an idle thread, then a thread that execs. */
static void __noreturn body_threads_then_exec(void)
{
	pthread_t th;
	char c;

	if (read(cmd_fds[0], &c, 1) != 1)
		_exit(100);
	if (want_idle_thread && pthread_create(&th, NULL, idle_thread, NULL))
		_exit(102);
	if (pthread_create(&th, NULL, exec_thread, NULL))
		_exit(103);
	body_pause();
}

/*
 * One thread made by @leader: its CLONE event and the new thread's first
 * stop, in either order. ptrace_init_task(): a seized tracee's clone
 * starts with a STOP trap (SIGTRAP, no group stop).
 */
static int expect_clone(pid_t leader, pid_t *tid)
{
	struct report r[] = {
		{ leader, EVENT_STOPPED(PTRACE_EVENT_CLONE, SIGTRAP) },
		{ 0, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGTRAP) },
	};
	unsigned long msg;

	if (expect_reports(r, 2, "thread creation") ||
	    get_eventmsg(leader, &msg, "CLONE event"))
		return -1;
	if (msg != (unsigned long)r[1].pid)
		return fail("CLONE event message %lu, new thread %d", msg,
			    r[1].pid);
	*tid = r[1].pid;
	if (resume(leader, 0, "PTRACE_CONT of the leader") ||
	    resume(*tid, 0, "PTRACE_CONT of the new thread"))
		return -1;
	return 0;
}

/*
 * With PTRACE_O_TRACEEXIT. de_thread() -> zap_other_threads() SIGKILLs the
 * others, but get_signal() takes the SIGKILL off the pending set before
 * do_group_exit(), so ptrace_stop() does stop them in PTRACE_EVENT_EXIT;
 * do_group_exit() gives code 0 during an exec. de_thread() waits until the
 * idle thread is released (a traced thread is released when its tracer
 * reaps it: exit status 0) and the old leader is a zombie; the leader's
 * zombie is never reported (delay_group_leader(), then release_task() in
 * de_thread()). Only then comes the EXEC event.
 */
static int expect_exits_then_exec(pid_t leader, pid_t idle, pid_t execer)
{
	bool leader_exit = false, idle_exit = false, idle_reaped = false;
	int n, status = 0;
	pid_t got;

	for (n = 0; n < 4; n++) {
		step = "exit and exec reports";
		got = xwaitpid(-1, &status, __WALL);
		if (got == leader && !leader_exit &&
		    status == EVENT_STOPPED(PTRACE_EVENT_EXIT, SIGTRAP)) {
			if (expect_eventmsg(leader, 0, "old leader's EXIT event") ||
			    resume(leader, 0, "PTRACE_CONT of the old leader"))
				return -1;
			leader_exit = true;
		} else if (got == idle && !idle_exit &&
			   status == EVENT_STOPPED(PTRACE_EVENT_EXIT, SIGTRAP)) {
			if (expect_eventmsg(idle, 0, "idle thread's EXIT event") ||
			    resume(idle, 0, "PTRACE_CONT of the idle thread"))
				return -1;
			idle_exit = true;
		} else if (got == idle && idle_exit && !idle_reaped &&
			   status == EXITED(0)) {
			idle_reaped = true;
		} else if (got == leader && leader_exit && idle_reaped &&
			   status == EVENT_STOPPED(PTRACE_EVENT_EXEC, SIGTRAP)) {
			return expect_eventmsg(leader, execer, "EXEC event");
		} else {
			return fail("unexpected report from %d: %s (leader %d, idle %d, execer %d; seen: leader EXIT %d, idle EXIT %d, idle reaped %d)",
				    got, status_str(status), leader, idle,
				    execer, leader_exit, idle_exit, idle_reaped);
		}
	}
	return fail("no EXEC event after the exits");
}

static int exec_by_non_leader(bool exit_events)
{
	unsigned long options = PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;
	pid_t t, idle = 0, execer;

	if (exit_events)
		options |= PTRACE_O_TRACEEXIT;
	want_idle_thread = exit_events;
	if (open_pipes())
		return -1;
	t = spawn(body_threads_then_exec);
	if (t < 0 || seize(t, options) || send_byte(cmd_fds[1], 'c'))
		return -1;
	if (exit_events && expect_clone(t, &idle))
		return -1;
	if (expect_clone(t, &execer))
		return -1;

	if (exit_events) {
		if (expect_exits_then_exec(t, idle, execer))
			return -1;
	} else {
		/*
		 * exec_binprm(): the message is the exec'ing thread's TID from
		 * before de_thread(); the report comes from the leader's pid,
		 * which the exec'ing thread has taken over.
		 */
		if (expect_report(t, EVENT_STOPPED(PTRACE_EVENT_EXEC, SIGTRAP),
				  "EXEC event") ||
		    expect_eventmsg(t, execer, "EXEC event"))
			return -1;
	}
	/* The old TID is gone, and nothing else is to be reported. */
	if (expect_errno(waitpid(execer, &(int){0}, WNOHANG | __WALL), ECHILD,
			 "waitpid for the exec'ing thread's old TID") ||
	    expect_no_report(-1, __WALL, "after the EXEC event"))
		return -1;
	if (count_threads(t) != 1)
		return fail("after the exec: %d threads", count_threads(t));
	if (wait_state(t, "t", "EXEC event"))
		return -1;
	return resume(t, 0, "PTRACE_CONT after exec");
}

static int test_exec_by_non_leader(void)
{
	return exec_by_non_leader(false);
}

static int test_exec_by_non_leader_exit(void)
{
	return exec_by_non_leader(true);
}

/* ---- vfork_child_across_exec ---- */

/*
 * TRACEME and stop; vfork a child that execs "--exit 7"; exit 0 if the
 * child exited 7. SIGCHLD is blocked so that it causes no stop.
 */
static void __noreturn body_vfork_exec(void)
{
	sigset_t chld;
	int status;
	pid_t pid;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	if (ptrace(PTRACE_TRACEME, 0, 0, 0))
		_exit(100);
	kill(getpid(), SIGSTOP);
	pid = vfork();
	if (pid == 0) {
		execl(SELF_EXE, "ptrace_corners", "--exit", "7", (char *)NULL);
		_exit(101);
	}
	if (pid < 0)
		_exit(102);
	if (waitpid(pid, &status, 0) != pid)
		_exit(103);
	_exit(status == EXITED(7) ? 0 : 104);
}

static int test_vfork_child_across_exec(void)
{
	unsigned long options = PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC |
				PTRACE_O_TRACEVFORKDONE;
	struct report forked[] = {
		{ 0, EVENT_STOPPED(PTRACE_EVENT_VFORK, SIGTRAP) },
		/* ptrace_init_task(): not seized, so a SIGSTOP is queued */
		{ 0, STOPPED(SIGSTOP) },
	};
	struct report execed[] = {
		{ 0, EVENT_STOPPED(PTRACE_EVENT_EXEC, SIGTRAP) },
		{ 0, EVENT_STOPPED(PTRACE_EVENT_VFORK_DONE, SIGTRAP) },
	};
	unsigned long msg;
	pid_t p, c;

	p = spawn(body_vfork_exec);
	if (p < 0 || expect_report(p, STOPPED(SIGSTOP), "the tracee's own SIGSTOP"))
		return -1;
	if (xptrace(PTRACE_SETOPTIONS, p, 0, options, "PTRACE_SETOPTIONS") ||
	    resume(p, 0, "PTRACE_CONT of the vfork parent"))
		return -1;

	forked[0].pid = p;
	if (expect_reports(forked, 2, "vfork") ||
	    get_eventmsg(p, &msg, "VFORK event"))
		return -1;
	c = forked[1].pid;
	track(c);
	if (msg != (unsigned long)c)
		return fail("VFORK event message %lu, child %d", msg, c);
	/*
	 * The SIGSTOP was put in the pending set without a sigqueue entry:
	 * collect_signal() makes SI_USER with no sender.
	 */
	if (expect_siginfo(c, SIGSTOP, SI_USER, 0, "vfork child's SIGSTOP") ||
	    expect_tracer(c, getpid(), "vfork child"))
		return -1;

	/* The parent waits (TASK_KILLABLE) in wait_for_vfork_done(). */
	if (resume(p, 0, "PTRACE_CONT of the parent after VFORK") ||
	    wait_state(p, "D", "vfork parent waiting for its child") ||
	    expect_no_report(p, __WALL, "vfork parent waiting for its child"))
		return -1;
	if (resume(c, 0, "PTRACE_CONT of the vfork child"))
		return -1;

	/*
	 * The child's exec releases the parent (exec_mmap() -> mm_release())
	 * before it reports its EXEC event: either report may come first.
	 */
	execed[0].pid = c;
	execed[1].pid = p;
	if (expect_reports(execed, 2, "exec of the vfork child") ||
	    expect_eventmsg(c, c, "the child's EXEC event") ||
	    expect_eventmsg(p, c, "VFORK_DONE event"))
		return -1;
	if (resume(c, 0, "PTRACE_CONT of the exec'd child") ||
	    resume(p, 0, "PTRACE_CONT from VFORK_DONE"))
		return -1;
	/* The tracer reaps the child first; then its parent sees it exit 7. */
	if (expect_report(c, EXITED(7), "exit of the vfork child"))
		return -1;
	return expect_report(p, EXITED(0), "exit of the vfork parent");
}

/* ---- sigkill_stopped_tracee ---- */

static int stop_on_sigusr1(pid_t t, unsigned long options)
{
	if (seize(t, options))
		return -1;
	kill(t, SIGUSR1);
	return expect_report(t, STOPPED(SIGUSR1), "SIGUSR1 signal-delivery stop");
}

static int test_sigkill_stopped_tracee(void)
{
	pid_t t;

	/* Without PTRACE_O_TRACEEXIT. */
	t = spawn(body_pause);
	if (t < 0 || stop_on_sigusr1(t, 0))
		return -1;
	kill(t, SIGKILL);
	/* signal_wake_up(t, true) cleared JOBCTL_TRACED before kill() returned */
	if (expect_errno(ptrace(PTRACE_GETSIGINFO, t, 0, &(siginfo_t){0}),
			 ESRCH, "PTRACE_GETSIGINFO after SIGKILL") ||
	    expect_report(t, KILLED(SIGKILL), "SIGKILL in a signal-delivery stop"))
		return -1;

	/* With PTRACE_O_TRACEEXIT. */
	t = spawn(body_pause);
	if (t < 0 || stop_on_sigusr1(t, PTRACE_O_TRACEEXIT))
		return -1;
	kill(t, SIGKILL);
	/*
	 * get_signal() takes SIGKILL off the pending set before
	 * do_group_exit(), so the ptrace_stop() of ptrace_event() in do_exit()
	 * does not see __fatal_signal_pending(): it stops. The message is the
	 * exit code, the signal number.
	 */
	if (expect_report(t, EVENT_STOPPED(PTRACE_EVENT_EXIT, SIGTRAP),
			  "EXIT event after SIGKILL") ||
	    expect_eventmsg(t, SIGKILL, "EXIT event after SIGKILL") ||
	    wait_state(t, "t", "EXIT event after SIGKILL"))
		return -1;
	/* prepare_signal() drops signals to an exiting group: it stays put */
	if (kill(t, SIGKILL))
		return fail("second SIGKILL: %s", strerror(errno));
	if (expect_eventmsg(t, SIGKILL, "EXIT event after a second SIGKILL") ||
	    expect_no_report(t, __WALL, "EXIT event after a second SIGKILL") ||
	    resume(t, 0, "PTRACE_CONT from the EXIT event") ||
	    expect_report(t, KILLED(SIGKILL), "death after the EXIT event"))
		return -1;

	/* For comparison, a plain exit(3): the message is the wait status. */
	if (open_pipes())
		return -1;
	t = spawn(body_exit_on_cmd);
	if (t < 0 || seize(t, PTRACE_O_TRACEEXIT) || send_byte(cmd_fds[1], 'c'))
		return -1;
	if (expect_report(t, EVENT_STOPPED(PTRACE_EVENT_EXIT, SIGTRAP),
			  "EXIT event of exit(3)") ||
	    expect_eventmsg(t, EXITED(3), "EXIT event of exit(3)") ||
	    resume(t, 0, "PTRACE_CONT from the EXIT event"))
		return -1;
	return expect_report(t, EXITED(3), "exit(3)");
}

/* ---- two_tracer_threads ---- */

static pid_t thread_tracee;
static sem_t attached, go_on;

/* Thread A: the tracer. It makes requests, then exits. */
static void *tracer_thread(void *arg)
{
	long ret = 0;

	(void)arg;
	if (seize(thread_tracee, 0) ||
	    xptrace(PTRACE_INTERRUPT, thread_tracee, 0, 0, "PTRACE_INTERRUPT"))
		ret = -1;
	sem_post(&attached);
	if (ret)
		return (void *)ret;
	sem_wait(&go_on);
	ret = expect_eventmsg(thread_tracee, 0,
			      "PTRACE_GETEVENTMSG from the tracer thread");
	return (void *)ret;
}

/* Thread B, the main thread of the tracer process: neither tracer nor parent. */
static int sibling_of_tracer(pid_t t)
{
	unsigned long msg;
	pthread_t a;
	void *res;

	thread_tracee = t;
	sem_init(&attached, 0, 0);
	sem_init(&go_on, 0, 0);
	if (pthread_create(&a, NULL, tracer_thread, NULL))
		return fail("pthread_create");
	step = "waiting for the tracer thread to attach";
	sem_wait(&attached);
	if (!fail_msg[0]) {
		/* do_wait() looks at the tracees of every thread of the group */
		if (!expect_report(t, EVENT_STOPPED(PTRACE_EVENT_STOP, SIGTRAP),
				   "sibling thread's wait"))
			expect_errno(waitpid(t, &(int){0}, WNOHANG | __WALL | __WNOTHREAD),
				     ECHILD, "sibling thread's __WNOTHREAD wait");
		/* ptrace_check_attach(): child->parent is thread A, not B */
		if (!fail_msg[0])
			expect_errno(ptrace(PTRACE_GETEVENTMSG, t, 0, &msg), ESRCH,
				     "PTRACE_GETEVENTMSG from the sibling thread");
		if (!fail_msg[0])
			expect_errno(ptrace(PTRACE_CONT, t, 0, 0), ESRCH,
				     "PTRACE_CONT from the sibling thread");
	}
	sem_post(&go_on);
	step = "joining the tracer thread";
	pthread_join(a, &res);
	return (res || fail_msg[0]) ? -1 : 0;
}

static int test_two_tracer_threads(void)
{
	pid_t t, p;

	if (open_pipes())
		return -1;
	t = spawn(body_pause);
	if (t < 0)
		return -1;
	p = fork();
	if (p < 0)
		return fail("fork: %s", strerror(errno));
	if (p == 0) {
		send_report(sibling_of_tracer(t));
		body_pause();
	}
	track(p);
	if (expect_ok_report("tracer process"))
		return -1;
	/*
	 * Thread A has exited; its process lives on. exit_notify() ->
	 * forget_original_parent() -> exit_ptrace() detached the tracee, and
	 * __ptrace_unlink() woke it from the INTERRUPT trap.
	 */
	if (wait_untraced(t, "after the tracer thread exited") ||
	    wait_state(t, "S", "after the tracer thread exited"))
		return -1;
	kill(p, SIGKILL);
	if (expect_report(p, KILLED(SIGKILL), "killing the tracer process"))
		return -1;
	/* Free to be traced again. */
	if (seize(t, 0))
		return -1;
	return expect_tracer(t, getpid(), "seized again");
}

/* ---- reattach_after_detach ---- */

static int test_reattach_after_detach(void)
{
	pid_t t;

	if (open_pipes())
		return -1;
	t = spawn(body_pause);
	if (t < 0 || xptrace(PTRACE_ATTACH, t, 0, 0, "PTRACE_ATTACH") ||
	    expect_report(t, STOPPED(SIGSTOP), "stop after PTRACE_ATTACH"))
		return -1;
	/* ptrace_detach(): the signal replaces the SIGSTOP being delivered */
	if (xptrace(PTRACE_DETACH, t, 0, SIGUSR1, "PTRACE_DETACH with SIGUSR1") ||
	    expect_byte(note_fds[0], 'U', "SIGUSR1 given at detach") ||
	    wait_state(t, "S", "after detach") ||
	    expect_tracer(t, 0, "after detach") ||
	    expect_no_report(t, __WALL | WUNTRACED, "after detach"))
		return -1;

	if (xptrace(PTRACE_ATTACH, t, 0, 0, "second PTRACE_ATTACH") ||
	    expect_report(t, STOPPED(SIGSTOP), "stop after the second attach") ||
	    expect_siginfo(t, SIGSTOP, SI_KERNEL, 0, "stop after the second attach"))
		return -1;
	if (resume(t, 0, "PTRACE_CONT") || wait_state(t, "S", "resumed"))
		return -1;
	/* ptrace_check_attach(): DETACH needs the tracee stopped */
	if (expect_errno(ptrace(PTRACE_DETACH, t, 0, 0), ESRCH,
			 "PTRACE_DETACH of a running tracee") ||
	    expect_tracer(t, getpid(), "after a failed detach"))
		return -1;

	kill(t, SIGSTOP);
	if (expect_report(t, STOPPED(SIGSTOP), "SIGSTOP signal-delivery stop") ||
	    xptrace(PTRACE_DETACH, t, 0, 0, "PTRACE_DETACH from the SIGSTOP stop"))
		return -1;
	/* The SIGSTOP was suppressed: it runs, and nobody sees a stop. */
	if (wait_state(t, "S", "after the second detach") ||
	    expect_tracer(t, 0, "after the second detach") ||
	    expect_no_report(t, __WALL | WUNTRACED, "after the second detach"))
		return -1;
	kill(t, SIGUSR1);
	return expect_byte(note_fds[0], 'U', "SIGUSR1 after the second detach");
}

/* ---- syscall_stops_and_info ---- */

/* TRACEME, stop, getpid() twice, exit_group(5): no other syscall between. */
static void __noreturn body_getpid_twice(void)
{
	if (ptrace(PTRACE_TRACEME, 0, 0, 0))
		_exit(100);
	kill(getpid(), SIGSTOP);
	syscall(SYS_getpid);
	syscall(SYS_getpid);
	syscall(SYS_exit_group, 5);
	_exit(101);
}

/*
 * PTRACE_GET_SYSCALL_INFO must return @size and op @op; ptrace_get_syscall_info()
 * returns how much it filled in.
 */
static int get_syscall_info(pid_t t, struct __ptrace_syscall_info *info,
			    int op, long size, const char *what)
{
	long n;

	memset(info, 0xa5, sizeof(*info));
	n = ptrace(PTRACE_GET_SYSCALL_INFO, t, sizeof(*info), info);
	if (n != size || info->op != op)
		return fail("%s: PTRACE_GET_SYSCALL_INFO returned %ld op %d, expected %ld op %d",
			    what, n, info->op, size, op);
#ifdef __x86_64__
	if (info->arch != AUDIT_ARCH_X86_64)
		return fail("%s: arch %#x", what, info->arch);
#endif
	return 0;
}

/* offsetofend() of the last field filled in, as the kernel returns it */
#define INFO_SIZE_NONE	offsetof(struct __ptrace_syscall_info, entry)
#define INFO_SIZE_ENTRY	(INFO_SIZE_NONE + 7 * sizeof(uint64_t))
#define INFO_SIZE_EXIT	(offsetof(struct __ptrace_syscall_info, exit.is_error) + 1)

static int syscall_step(pid_t t, int want, unsigned long msg, const char *what)
{
	if (xptrace(PTRACE_SYSCALL, t, 0, 0, "PTRACE_SYSCALL"))
		return -1;
	if (expect_report(t, want, what))
		return -1;
	return msg ? expect_eventmsg(t, msg, what) : 0;
}

static int test_syscall_stops_and_info(void)
{
	struct __ptrace_syscall_info info;
	pid_t t = spawn(body_getpid_twice);

	if (t < 0 || expect_report(t, STOPPED(SIGSTOP), "the tracee's own SIGSTOP") ||
	    get_syscall_info(t, &info, PTRACE_SYSCALL_INFO_NONE, INFO_SIZE_NONE,
			     "signal-delivery stop"))
		return -1;

	/*
	 * Without TRACESYSGOOD the stops say plain SIGTRAP, and
	 * ptrace_get_syscall_info() only knows a syscall stop by si_code
	 * SIGTRAP | 0x80: it answers "none". The message is still set.
	 */
	if (syscall_step(t, STOPPED(SIGTRAP), EVENTMSG_SYSCALL_ENTRY,
			 "plain syscall-entry stop") ||
	    get_syscall_info(t, &info, PTRACE_SYSCALL_INFO_NONE, INFO_SIZE_NONE,
			     "plain syscall-entry stop") ||
	    syscall_step(t, STOPPED(SIGTRAP), EVENTMSG_SYSCALL_EXIT,
			 "plain syscall-exit stop") ||
	    get_syscall_info(t, &info, PTRACE_SYSCALL_INFO_NONE, INFO_SIZE_NONE,
			     "plain syscall-exit stop"))
		return -1;

	if (xptrace(PTRACE_SETOPTIONS, t, 0, PTRACE_O_TRACESYSGOOD,
		    "PTRACE_SETOPTIONS"))
		return -1;
	if (syscall_step(t, STOPPED(SYSCALL_TRAP), EVENTMSG_SYSCALL_ENTRY,
			 "getpid entry") ||
	    expect_siginfo(t, SIGTRAP, SYSCALL_TRAP, t, "getpid entry") ||
	    get_syscall_info(t, &info, PTRACE_SYSCALL_INFO_ENTRY, INFO_SIZE_ENTRY,
			     "getpid entry"))
		return -1;
	if (info.entry.nr != SYS_getpid)
		return fail("getpid entry: nr %llu", (unsigned long long)info.entry.nr);

	if (syscall_step(t, STOPPED(SYSCALL_TRAP), EVENTMSG_SYSCALL_EXIT,
			 "getpid exit") ||
	    get_syscall_info(t, &info, PTRACE_SYSCALL_INFO_EXIT, INFO_SIZE_EXIT,
			     "getpid exit"))
		return -1;
	if (info.exit.rval != t || info.exit.is_error)
		return fail("getpid exit: rval %lld is_error %d, expected %d 0",
			    (long long)info.exit.rval, info.exit.is_error, t);

	if (syscall_step(t, STOPPED(SYSCALL_TRAP), EVENTMSG_SYSCALL_ENTRY,
			 "exit_group entry") ||
	    get_syscall_info(t, &info, PTRACE_SYSCALL_INFO_ENTRY, INFO_SIZE_ENTRY,
			     "exit_group entry"))
		return -1;
	if (info.entry.nr != SYS_exit_group || info.entry.args[0] != 5)
		return fail("exit_group entry: nr %llu arg %llu",
			    (unsigned long long)info.entry.nr,
			    (unsigned long long)info.entry.args[0]);
	/* exit_group() has no exit stop */
	return syscall_step(t, EXITED(5), 0, "exit_group(5)");
}

/* ---- the runner ---- */

struct subtest {
	const char *name;
	int (*fn)(void);
};

static const struct subtest subtests[] = {
	{ "seize_interrupt_listen", test_seize_interrupt_listen },
	{ "attach_group_stop", test_attach_group_stop },
	{ "tracer_dies_in_each_stop", test_tracer_dies_in_each_stop },
	{ "exec_by_non_leader", test_exec_by_non_leader },
	{ "exec_by_non_leader_exit", test_exec_by_non_leader_exit },
	{ "vfork_child_across_exec", test_vfork_child_across_exec },
	{ "sigkill_stopped_tracee", test_sigkill_stopped_tracee },
	{ "two_tracer_threads", test_two_tracer_threads },
	{ "reattach_after_detach", test_reattach_after_detach },
	{ "syscall_stops_and_info", test_syscall_stops_and_info },
};

#define NR_SUBTESTS ((int)ARRAY_SIZE(subtests))

/* The process group of the running subtest, for the runner's last word. */
static volatile pid_t running_group;

/* The runner is told to stop: take the running subtest down with it. */
static void on_stop_signal(int sig)
{
	if (running_group > 0)
		kill(-running_group, SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int stop_signals[] = { SIGHUP, SIGINT, SIGTERM };

/* In the subtest's own process. */
static int __noreturn subtest_main(const struct subtest *t, int fd)
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
static bool wait_sigchld(const struct timespec *deadline)
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

static void deadline_in(struct timespec *d, int seconds)
{
	clock_gettime(CLOCK_MONOTONIC, d);
	d->tv_sec += seconds;
}

/* The subtest process's status, or -1 if it did not end in time. */
static int wait_subtest(pid_t pid, int seconds)
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
static bool reap_leftovers(int seconds)
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

static bool run_subtest(const struct subtest *t, int num)
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
static void helper_mode(int argc, char **argv)
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

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	bool all_ok = true;
	sigset_t chld;
	int i, num = 0;

	helper_mode(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (only) {
		for (i = 0; i < NR_SUBTESTS; i++)
			if (!strcmp(subtests[i].name, only))
				break;
		if (i == NR_SUBTESTS) {
			fprintf(stderr, "usage: %s [subtest]; subtests:\n", argv[0]);
			for (i = 0; i < NR_SUBTESTS; i++)
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

	printf("1..%d\n", only ? 1 : NR_SUBTESTS);
	for (i = 0; i < NR_SUBTESTS; i++) {
		if (only && strcmp(subtests[i].name, only))
			continue;
		if (!run_subtest(&subtests[i], ++num))
			all_ok = false;
	}
	return all_ok ? 0 : 1;
}
