/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The utrace core's API for engines written in C. It is the Rust API of
 * utrace/ (documented in utrace/utrace.rst), one call for one call; the
 * kernel-doc of each function is on its Rust body in utrace/c_api.rs.
 */
#ifndef _UTRACE_ENGINE_H
#define _UTRACE_ENGINE_H

#include <linux/types.h>
#include <linux/utrace.h>

struct kernel_siginfo;
struct pt_regs;
struct task_struct;

/* An engine attached to a task; a reference from utrace_attach_task(). */
struct utrace_engine;

/* What an engine wants its thread to do, most restrictive first. */
enum utrace_resume_action {
	UTRACE_STOP,
	UTRACE_INTERRUPT,
	UTRACE_REPORT,
	UTRACE_SINGLESTEP,
	UTRACE_BLOCKSTEP,
	UTRACE_RESUME,
	UTRACE_DETACH,
};

/* How utrace_attach_task() treats an engine with the same ops and data. */
enum utrace_attach_mode {
	UTRACE_ATTACH_CREATE,
	UTRACE_ATTACH_EXCLUSIVE,
	UTRACE_ATTACH_LOOKUP,
};

/*
 * An engine's callbacks; any may be NULL (the thread resumes). Each
 * returns an enum utrace_resume_action and gets the engine and its data.
 */
struct utrace_engine_ops {
	int (*report_quiesce)(struct utrace_engine *engine, void *data,
			      unsigned long event);
	int (*report_syscall_entry)(struct utrace_engine *engine, void *data,
				    struct pt_regs *regs, bool *abort);
	int (*report_syscall_exit)(struct utrace_engine *engine, void *data,
				   struct pt_regs *regs);
	/* *signr: 0 discards the signal, another number delivers that one. */
	int (*report_signal)(struct utrace_engine *engine, void *data,
			     int *signr, struct kernel_siginfo *info);
	int (*report_clone)(struct utrace_engine *engine, void *data,
			    unsigned long clone_flags, struct task_struct *child);
	int (*report_exec)(struct utrace_engine *engine, void *data,
			   pid_t old_pid);
	int (*report_jctl)(struct utrace_engine *engine, void *data,
			   bool continued);
	int (*report_exit)(struct utrace_engine *engine, void *data,
			   long orig_code, long *code);
	int (*report_death)(struct utrace_engine *engine, void *data,
			    bool group_dead);
	void (*report_reap)(struct utrace_engine *engine, void *data,
			    struct task_struct *task);
	/*
	 * The attached engine is gone: @data is the caller's again. It may be
	 * called in atomic context, so it must not sleep.
	 */
	void (*release)(void *data);
};

struct utrace_engine *utrace_attach_task(struct task_struct *task, int mode,
					 const struct utrace_engine_ops *ops,
					 void *data);
void utrace_engine_put(struct utrace_engine *engine);
int utrace_set_events(struct task_struct *task, struct utrace_engine *engine,
		      unsigned long events);
int utrace_control(struct task_struct *task, struct utrace_engine *engine,
		   int action);
int utrace_barrier(struct task_struct *task, struct utrace_engine *engine);
int utrace_prepare_examine(struct task_struct *task,
			   struct utrace_engine *engine, unsigned long *window);
int utrace_finish_examine(struct task_struct *task,
			  struct utrace_engine *engine, unsigned long window);

#endif /* _UTRACE_ENGINE_H */
