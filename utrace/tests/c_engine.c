// SPDX-License-Identifier: GPL-2.0
/*
 * A C engine on the utrace core's C API (utrace/utrace_engine.h), for the
 * guest test utrace-c-engine. Built only for tests. Each write to
 * /sys/kernel/debug/utrace_test_c/ctl is one command; a read gives the
 * result of the last and the engine's counts:
 *   attach PID   attach exclusively to thread PID; count system calls
 *   stop         stop the thread (interrupting a system call)
 *   resume       let it run
 *   detach       detach and drop the engine
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched/task.h>
#include <linux/uaccess.h>

#include "../utrace_engine.h"

#define CMD_MAX 64

/* The engine's data: what its callbacks count and what they answer. */
struct c_engine_data {
	atomic_t entries;
	atomic_t stopping;
};

static DEFINE_MUTEX(c_lock);
static struct c_engine_data c_data;
static struct task_struct *c_task;
static struct utrace_engine *c_engine;
static int c_result;
static atomic_t c_released;

static int c_quiesce(struct utrace_engine *engine, void *data,
		     unsigned long event)
{
	struct c_engine_data *d = data;

	return atomic_read(&d->stopping) ? UTRACE_STOP : UTRACE_RESUME;
}

static int c_syscall_entry(struct utrace_engine *engine, void *data,
			   struct pt_regs *regs, bool *abort)
{
	struct c_engine_data *d = data;

	atomic_inc(&d->entries);
	return UTRACE_RESUME;
}

static void c_release(void *data)
{
	atomic_inc(&c_released);
}

static const struct utrace_engine_ops c_ops = {
	.report_quiesce = c_quiesce,
	.report_syscall_entry = c_syscall_entry,
	.release = c_release,
};

static int c_attach(pid_t pid)
{
	struct utrace_engine *engine;
	struct task_struct *task;
	int ret;

	task = find_get_task_by_vpid(pid);
	if (!task)
		return -ESRCH;
	engine = utrace_attach_task(task, UTRACE_ATTACH_EXCLUSIVE, &c_ops,
				    &c_data);
	if (IS_ERR(engine)) {
		put_task_struct(task);
		return PTR_ERR(engine);
	}
	ret = utrace_set_events(task, engine,
				BIT(UTRACE_EVENT_QUIESCE) |
				BIT(UTRACE_EVENT_SYSCALL_ENTRY));
	if (ret) {
		utrace_control(task, engine, UTRACE_DETACH);
		utrace_engine_put(engine);
		put_task_struct(task);
		return ret;
	}
	c_task = task;
	c_engine = engine;
	return 0;
}

static int c_detach(void)
{
	int ret = utrace_control(c_task, c_engine, UTRACE_DETACH);

	if (ret == -EINPROGRESS)
		ret = utrace_barrier(c_task, c_engine);
	utrace_engine_put(c_engine);
	put_task_struct(c_task);
	c_engine = NULL;
	c_task = NULL;
	return ret;
}

static int c_command(const char *cmd)
{
	pid_t pid;

	if (sscanf(cmd, "attach %d", &pid) == 1)
		return c_attach(pid);
	if (!c_engine)
		return -ENOENT;
	if (!strcmp(cmd, "stop")) {
		atomic_set(&c_data.stopping, 1);
		return utrace_control(c_task, c_engine, UTRACE_INTERRUPT);
	}
	if (!strcmp(cmd, "resume")) {
		atomic_set(&c_data.stopping, 0);
		return utrace_control(c_task, c_engine, UTRACE_RESUME);
	}
	if (!strcmp(cmd, "detach"))
		return c_detach();
	return -EINVAL;
}

static ssize_t c_write(struct file *file, const char __user *ubuf,
		       size_t count, loff_t *ppos)
{
	char cmd[CMD_MAX];

	if (count >= CMD_MAX)
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	strim(cmd);
	mutex_lock(&c_lock);
	c_result = c_command(cmd);
	mutex_unlock(&c_lock);
	return count;
}

static ssize_t c_read(struct file *file, char __user *ubuf, size_t count,
		      loff_t *ppos)
{
	char out[96];
	int len;

	mutex_lock(&c_lock);
	len = scnprintf(out, sizeof(out), "result=%d entries=%d released=%d\n",
			c_result, atomic_read(&c_data.entries),
			atomic_read(&c_released));
	mutex_unlock(&c_lock);
	return simple_read_from_buffer(ubuf, count, ppos, out, len);
}

static const struct file_operations c_fops = {
	.owner = THIS_MODULE,
	.write = c_write,
	.read = c_read,
	.llseek = default_llseek,
};

static int __init c_engine_init(void)
{
	struct dentry *dir = debugfs_create_dir("utrace_test_c", NULL);

	debugfs_create_file("ctl", 0600, dir, NULL, &c_fops);
	return 0;
}
late_initcall(c_engine_init);
