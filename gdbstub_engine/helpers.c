// SPDX-License-Identifier: GPL-2.0
/*
 * What the gdb engine needs from C: walking a thread group, the tracee's
 * memory, and sending it signals. Each is a thin wrapper.
 */
#include <linux/auxvec.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/signal.h>
#include <linux/wait.h>

#include "helpers.h"

/**
 * ugdb_thread_group - take references on the threads of a process
 * @leader: any thread of the process
 * @out: where to store up to @max referenced threads
 * @max: room in @out
 *
 * Return: the number of live threads; if it exceeds @max only @max were
 * stored, and the caller retries with more room.
 */
int ugdb_thread_group(struct task_struct *leader, struct task_struct **out,
		      int max)
{
	struct task_struct *t;
	int n = 0;

	rcu_read_lock();
	for_each_thread(leader, t) {
		if (t->exit_state)
			continue;
		if (n < max)
			out[n] = get_task_struct(t);
		n++;
	}
	rcu_read_unlock();
	return n;
}

/**
 * ugdb_init_waitqueue - initialise the wait queue of a gdb session
 * @wait: the wait queue, inside the session's waker
 */
void ugdb_init_waitqueue(struct wait_queue_head *wait)
{
	init_waitqueue_head(wait);
}

/**
 * ugdb_access_vm - read or write a traced process's memory
 * @task: a thread of the process
 * @addr: the user address
 * @buf: the kernel buffer
 * @len: how many bytes
 * @write: write @buf to @addr instead of reading
 *
 * As ptrace does, with FOLL_FORCE: a debugger writes breakpoints into
 * read-only text, through a private copy of the page.
 *
 * Return: the bytes transferred, which may be fewer than @len at an
 * unmapped page, or 0.
 */
int ugdb_access_vm(struct task_struct *task, unsigned long addr, void *buf,
		   int len, bool write)
{
	unsigned int flags = FOLL_FORCE | (write ? FOLL_WRITE : 0);

	return access_process_vm(task, addr, buf, len, flags);
}

/**
 * ugdb_signal_thread - send a signal to one thread
 * @task: the thread
 * @sig: the signal; SIGKILL kills the whole process
 */
void ugdb_signal_thread(struct task_struct *task, int sig)
{
	send_sig_info(sig, SEND_SIG_PRIV, task);
}

/**
 * ugdb_read_auxv - read a process's auxiliary vector, as /proc/PID/auxv
 * @task: a thread of the process
 * @buf: where to copy
 * @offset: from this byte of the vector
 * @len: at most this many bytes
 *
 * gdb needs it to find where a PIE executable and the dynamic loader
 * were loaded.
 *
 * Return: the bytes copied (0 past the end), or -ESRCH without an mm.
 */
int ugdb_read_auxv(struct task_struct *task, void *buf, unsigned long offset,
		   int len)
{
	struct mm_struct *mm = get_task_mm(task);
	size_t words = 0, size;
	int n = 0;

	if (!mm)
		return -ESRCH;
	while (words + 2 <= AT_VECTOR_SIZE && mm->saved_auxv[words] != AT_NULL)
		words += 2;
	size = min_t(size_t, words + 2, AT_VECTOR_SIZE) * sizeof(mm->saved_auxv[0]);
	if (offset < size) {
		n = min_t(size_t, size - offset, len);
		memcpy(buf, (u8 *)mm->saved_auxv + offset, n);
	}
	mmput(mm);
	return n;
}

/**
 * ugdb_exec_file - the path of a process's executable
 * @task: a thread of the process
 * @buf: where to put the path, NUL-terminated
 * @len: room in @buf
 *
 * Return: the length of the path, or a negative errno.
 */
int ugdb_exec_file(struct task_struct *task, char *buf, int len)
{
	struct file *exe = get_task_exe_file(task);
	char *path;
	int ret;

	if (!exe)
		return -ESRCH;
	path = d_path(&exe->f_path, buf, len);
	fput(exe);
	if (IS_ERR(path))
		return PTR_ERR(path);
	ret = strlen(path);
	memmove(buf, path, ret + 1);
	return ret;
}

/**
 * ugdb_task_tid - the thread ID gdb knows @task by
 * @task: a traced thread
 *
 * The global ID: the file system resolves process IDs in its mounter's
 * namespace, and the two agree in the initial namespace.
 */
int ugdb_task_tid(struct task_struct *task)
{
	return task_pid_nr(task);
}

/**
 * ugdb_task_comm - the name of a thread, as /proc/PID/task/TID/comm
 * @task: the thread
 * @buf: room for TASK_COMM_LEN bytes
 *
 * Return: the length of the name.
 */
int ugdb_task_comm(struct task_struct *task, char *buf)
{
	__get_task_comm(buf, TASK_COMM_LEN, task);
	return strlen(buf);
}

/**
 * ugdb_group_exiting - whether @task's whole process is on its way out
 * @task: a traced thread
 *
 * An exit_group(), a fatal signal or another thread's exec kills every
 * thread, those held in a stop too.
 */
bool ugdb_group_exiting(struct task_struct *task)
{
	struct signal_struct *sig = task->signal;

	return (READ_ONCE(sig->flags) & SIGNAL_GROUP_EXIT) ||
	       READ_ONCE(sig->group_exec_task);
}
