// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs front end of the utrace test engine: each write to
 * /sys/kernel/debug/utrace_test/ctl is one command, handled in Rust
 * (test_engine.rs); a read returns the reply to the last command.
 * Built only for tests.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/mutex.h>
#include <linux/sched/task_stack.h>
#include <linux/uaccess.h>

#define CMD_MAX 128
#define REPLY_MAX 512

size_t utrace_test_command(const char *cmd, size_t len, char *reply, size_t cap);
unsigned long utrace_test_user_ip(struct task_struct *task);
bool utrace_test_current_traced(void);

/* Whether the current task has set itself up for a traced stop. */
bool utrace_test_current_traced(void)
{
	return READ_ONCE(current->__state) & __TASK_TRACED;
}

/* The user-mode instruction pointer of @task, stopped and off its CPU. */
unsigned long utrace_test_user_ip(struct task_struct *task)
{
	return task_pt_regs(task)->ip;
}

static DEFINE_MUTEX(ctl_lock);
static char reply[REPLY_MAX];
static size_t reply_len;

static ssize_t ctl_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	char cmd[CMD_MAX];

	if (count >= CMD_MAX)
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	mutex_lock(&ctl_lock);
	reply_len = utrace_test_command(cmd, count, reply, sizeof(reply));
	mutex_unlock(&ctl_lock);
	return count;
}

static ssize_t ctl_read(struct file *file, char __user *ubuf, size_t count,
			loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&ctl_lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, reply, reply_len);
	mutex_unlock(&ctl_lock);
	return ret;
}

static const struct file_operations ctl_fops = {
	.owner = THIS_MODULE,
	.write = ctl_write,
	.read = ctl_read,
	.llseek = default_llseek,
};

static int __init utrace_test_init(void)
{
	struct dentry *dir = debugfs_create_dir("utrace_test", NULL);

	debugfs_create_file("ctl", 0600, dir, NULL, &ctl_fops);
	return 0;
}
late_initcall(utrace_test_init);
