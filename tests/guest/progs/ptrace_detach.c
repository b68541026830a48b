// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_detach - stock 6.12 ptrace: who holds a tracee, and how it is let
 * go: by the exit of the tracer thread, or by PTRACE_DETACH.
 *
 *   two_tracer_threads        a sibling of the tracer thread may wait but
 *                             not make requests; the tracer thread's exit
 *                             detaches
 *   reattach_after_detach     detach with a signal, attach again, DETACH of
 *                             a running tracee
 *
 * Usage: ptrace_detach [subtest]; output and harness: ptrace_check.h.
 */
#include "ptrace_check.h"
#include <pthread.h>
#include <semaphore.h>

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

static const struct subtest subtests[] = {
	{ "two_tracer_threads", test_two_tracer_threads },
	{ "reattach_after_detach", test_reattach_after_detach },
};

int main(int argc, char **argv)
{
	return ptrace_check_main(argc, argv, subtests,
				 (int)ARRAY_SIZE(subtests));
}
