/* SPDX-License-Identifier: GPL-2.0 */
#ifndef UTRACE_GDB_ENGINE_HELPERS_H
#define UTRACE_GDB_ENGINE_HELPERS_H

#include <linux/types.h>

struct task_struct;
struct wait_queue_head;

void ugdb_init_waitqueue(struct wait_queue_head *wait);

int ugdb_thread_group(struct task_struct *leader, struct task_struct **out,
		      int max);
int ugdb_access_vm(struct task_struct *task, unsigned long addr, void *buf,
		   int len, bool write);
void ugdb_signal_thread(struct task_struct *task, int sig);
int ugdb_read_auxv(struct task_struct *task, void *buf, unsigned long offset,
		   int len);
int ugdb_task_tid(struct task_struct *task);
int ugdb_task_comm(struct task_struct *task, char *buf);
bool ugdb_group_exiting(struct task_struct *task);
int ugdb_exec_file(struct task_struct *task, char *buf, int len);

#endif
