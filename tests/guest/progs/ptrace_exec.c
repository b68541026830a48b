// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_exec - stock 6.12 ptrace across exec: by a thread other than the
 * leader, and by a vfork child.
 *
 *   exec_by_non_leader        a non-leader thread execs: one EXEC report,
 *                             for the leader's pid, old TID in the message
 *   exec_by_non_leader_exit   the same with PTRACE_O_TRACEEXIT and a third
 *                             thread: which exits are reported, in what order
 *   exec_while_detaching      strace's detach met by such an exec: the
 *                             exec waits for the threads held in their
 *                             exit stops, and goes on once they are
 *                             detached
 *   exec_old_tid_wait         a wait for the exec'ing thread's TID: the
 *                             exec ends it (ECHILD) if the old leader is
 *                             traced, never if it was detached
 *   vfork_child_across_exec   VFORK event, the child's SIGSTOP, its EXEC,
 *                             the parent's VFORK_DONE
 *
 * Stock facts these rest on, easy to get wrong:
 *  - The threads that de_thread() SIGKILLs do stop in PTRACE_EVENT_EXIT
 *    (message 0: do_group_exit() gives 0 during an exec), and the EXEC
 *    event comes only once they are gone; the old leader's zombie is
 *    never reported.
 *
 * Usage: ptrace_exec [subtest]; output and harness: ptrace_check.h.
 */
#include "ptrace_check.h"
#include <pthread.h>

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
	execl(SELF_EXE, program_invocation_short_name, "--pause",
	      (char *)NULL);
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

/* ---- exec_while_detaching ---- */

/*
 * Seizes a tracee with @options, which trace clones and exits, and has it
 * start an idle thread and a thread that execs. de_thread() SIGKILLs the
 * others: collects the EXIT stops of the leader @t and of @idle. The
 * exec'ing thread @execer then waits in de_thread() for them to go.
 */
static int exec_with_others_held(unsigned long options, pid_t *t, pid_t *idle,
				 pid_t *execer)
{
	struct report exits[] = {
		{ 0, EVENT_STOPPED(PTRACE_EVENT_EXIT, SIGTRAP) },
		{ 0, EVENT_STOPPED(PTRACE_EVENT_EXIT, SIGTRAP) },
	};

	want_idle_thread = true;
	if (open_pipes())
		return -1;
	*t = spawn(body_threads_then_exec);
	if (*t < 0 || seize(*t, options) || send_byte(cmd_fds[1], 'c'))
		return -1;
	if (expect_clone(*t, idle) || expect_clone(*t, execer))
		return -1;
	exits[0].pid = *t;
	exits[1].pid = *idle;
	return expect_reports(exits, 2, "EXIT events of the other threads");
}

/*
 * What strace's detach does when its tracee execs from a thread other
 * than the leader: the exec'ing thread is not stopped, so PTRACE_DETACH
 * fails, PTRACE_INTERRUPT asks it to stop, and strace waits for that
 * thread alone. The thread sleeps (TASK_KILLABLE) in de_thread() until
 * the other threads are gone, and those are held in PTRACE_EVENT_EXIT:
 * nothing comes, and strace waits for ever. Detaching the held threads
 * lets the exec go on. Its EXEC stop takes the place of the INTERRUPT's
 * trap (ptrace_stop() clears JOBCTL_TRAP_STOP): no trap follows it.
 */
static int test_exec_while_detaching(void)
{
	unsigned long options = PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
				PTRACE_O_TRACEEXIT;
	pid_t t, idle, execer;

	if (exec_with_others_held(options, &t, &idle, &execer) ||
	    wait_state(execer, "D", "exec'ing thread waiting in de_thread()"))
		return -1;

	if (expect_errno(ptrace(PTRACE_DETACH, execer, 0, 0), ESRCH,
			 "PTRACE_DETACH of the exec'ing thread") ||
	    xptrace(PTRACE_INTERRUPT, execer, 0, 0,
		    "PTRACE_INTERRUPT of the exec'ing thread"))
		return -1;
	sleep_ms(300);
	if (expect_no_report(execer, __WALL,
			     "exec'ing thread while the others are held"))
		return -1;
	if (proc_state(execer) != 'D')
		return fail("the exec'ing thread left de_thread(): state '%c'",
			    proc_state(execer));

	if (xptrace(PTRACE_DETACH, t, 0, 0, "PTRACE_DETACH of the old leader") ||
	    xptrace(PTRACE_DETACH, idle, 0, 0,
		    "PTRACE_DETACH of the idle thread"))
		return -1;
	if (expect_report(t, EVENT_STOPPED(PTRACE_EVENT_EXEC, SIGTRAP),
			  "EXEC event once the others are detached") ||
	    expect_eventmsg(t, execer, "EXEC event") ||
	    resume(t, 0, "PTRACE_CONT after exec") ||
	    wait_state(t, "S", "the new program running"))
		return -1;
	sleep_ms(300);
	return expect_no_report(-1, __WALL, "after the EXEC stop (the INTERRUPT is spent)");
}

/* ---- exec_old_tid_wait ---- */

/* A wait, in a thread of its own, for one TID. */
struct tid_wait {
	pid_t tid;
	int done;
	pid_t got;
	int err;
};

static void *wait_for_tid(void *arg)
{
	struct tid_wait *w = arg;
	int status;

	do {
		w->got = waitpid(w->tid, &status, __WALL);
	} while (w->got < 0 && errno == EINTR);
	w->err = errno;
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static bool tid_wait_done(struct tid_wait *w)
{
	return __atomic_load_n(&w->done, __ATOMIC_ACQUIRE);
}

/*
 * One of the tracer's threads waits for the exec'ing thread alone, as
 * strace's detach does, while the other threads are in their exit stops;
 * then the tracer lets them go. The exec gives the exec'ing thread's TID
 * to the old leader, which de_thread() releases. It wakes the waiter
 * only if the old leader is still traced (__wake_up_parent() on its way
 * out), and the wait then finds no task: ECHILD. If the tracer detached
 * the old leader, nothing wakes the waiter, ever. strace's detach meets
 * this when it detaches the leader first.
 */
static int exec_old_tid_wait(bool detach_leader)
{
	unsigned long options = PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXIT;
	struct tid_wait w = { 0 };
	pid_t t, idle, execer;
	pthread_t th;

	if (exec_with_others_held(options, &t, &idle, &execer))
		return -1;

	w.tid = execer;
	if (pthread_create(&th, NULL, wait_for_tid, &w))
		return fail("pthread_create failed");
	sleep_ms(200);
	if (tid_wait_done(&w))
		return fail("waitpid(%d) returned %d (%s) before the exec",
			    execer, w.got, strerror(w.err));
	if (detach_leader) {
		if (xptrace(PTRACE_DETACH, t, 0, 0, "PTRACE_DETACH of the old leader") ||
		    xptrace(PTRACE_DETACH, idle, 0, 0,
			    "PTRACE_DETACH of the idle thread"))
			return -1;
	} else {
		if (resume(t, 0, "PTRACE_CONT of the old leader") ||
		    resume(idle, 0, "PTRACE_CONT of the idle thread") ||
		    expect_report(idle, EXITED(0), "the idle thread's exit"))
			return -1;
	}

	/* proc_state() is '?' once no task has the TID. */
	if (wait_state(execer, "?", "the exec taking the old TID away"))
		return -1;
	sleep_ms(300);
	if (detach_leader) {
		/* The waiter stays; the subtest's exit ends it. */
		if (tid_wait_done(&w))
			return fail("waitpid(%d) returned %d (%s); stock 6.12 never wakes it",
				    execer, w.got, strerror(w.err));
		return 0;
	}
	if (!tid_wait_done(&w))
		return fail("waitpid(%d) still waits after the exec", execer);
	pthread_join(th, NULL);
	errno = w.err;
	return expect_errno(w.got, ECHILD, "waitpid for the old TID");
}

static int test_exec_old_tid_wait(void)
{
	if (exec_old_tid_wait(false))
		return -1;
	if (cleanup_children())
		return fail("could not reap the first tracee");
	close_pipes();
	return exec_old_tid_wait(true);
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
		execl(SELF_EXE, program_invocation_short_name, "--exit", "7",
		      (char *)NULL);
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

static const struct subtest subtests[] = {
	{ "exec_by_non_leader", test_exec_by_non_leader },
	{ "exec_by_non_leader_exit", test_exec_by_non_leader_exit },
	{ "exec_while_detaching", test_exec_while_detaching },
	{ "exec_old_tid_wait", test_exec_old_tid_wait },
	{ "vfork_child_across_exec", test_vfork_child_across_exec },
};

int main(int argc, char **argv)
{
	return ptrace_check_main(argc, argv, subtests,
				 (int)ARRAY_SIZE(subtests));
}
