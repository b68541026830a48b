// SPDX-License-Identifier: GPL-2.0
/*
 * The utrace-gdb file system: mounted on /dev/utrace-gdb, it resolves
 * each process ID on lookup, as /proc does, to a file that speaks the gdb
 * remote protocol for that process. Opening it attaches the gdb engine
 * under ptrace's access rules; the file then behaves like a serial line.
 */
#include <linux/audit.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/init.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/termios.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "session.h"

#define UGDB_FS_MAGIC	0x75676462	/* "ugdb" */
#define UGDB_IO_CHUNK	PAGE_SIZE

/**
 * struct ugdb_file - an open /dev/utrace-gdb/PID
 * @session: the gdb engine's session with the process
 * @pid: the process, the key of its entry in ugdb_sessions
 * @termios_lock: guards @termios
 * @termios: what the tty ioctls report, so that gdb treats the file as
 *	the serial line it expects
 */
struct ugdb_file {
	struct ugdb_session *session;
	struct pid *pid;
	spinlock_t termios_lock;
	struct termios termios;
};

static const struct file_operations ugdb_file_operations;

/* The processes with a session, by struct pid: one session each. */
static DEFINE_XARRAY(ugdb_sessions);

static int ugdb_attach(struct task_struct *task, struct ugdb_file *uf)
{
	struct ugdb_session *session;
	int ret;

	if (same_thread_group(task, current))
		return -EPERM;
	ret = mutex_lock_interruptible(&task->signal->cred_guard_mutex);
	if (ret)
		return ret;
	if (!ptrace_may_access(task, PTRACE_MODE_ATTACH_REALCREDS)) {
		ret = -EPERM;
		goto unlock;
	}
	audit_ptrace(task);
	session = ugdb_session_open(task);
	if (IS_ERR(session)) {
		ret = PTR_ERR(session);
		goto unlock;
	}
	uf->session = session;
unlock:
	mutex_unlock(&task->signal->cred_guard_mutex);
	return ret;
}

/**
 * ugdb_open - attach the gdb engine to every thread of the process
 * @inode: the file of one process, from ugdb_lookup()
 * @file: the new open file
 *
 * Access follows ptrace attach exactly: ptrace_may_access() with the real
 * credentials (so Yama and the LSMs decide as for PTRACE_ATTACH), under
 * cred_guard_mutex so that a concurrent set-id exec either finishes first
 * or sees the engine. A second opener of the same process gets -EBUSY.
 * It returns once every thread has stopped, as gdb expects on connecting.
 */
static int ugdb_open(struct inode *inode, struct file *file)
{
	struct task_struct *task;
	struct ugdb_file *uf;
	int ret;

	task = get_pid_task(inode->i_private, PIDTYPE_TGID);
	if (!task)
		return -ESRCH;
	uf = kzalloc(sizeof(*uf), GFP_KERNEL);
	if (!uf) {
		ret = -ENOMEM;
		goto out;
	}
	uf->pid = inode->i_private;
	ret = xa_insert(&ugdb_sessions, (unsigned long)uf->pid, uf, GFP_KERNEL);
	if (ret) {
		kfree(uf);
		goto out;
	}
	spin_lock_init(&uf->termios_lock);
	uf->termios.c_cflag = B38400 | CS8 | CREAD | CLOCAL;
	uf->termios.c_cc[VMIN] = 1;
	ret = ugdb_attach(task, uf);
	if (ret)
		goto free;
	ret = wait_event_interruptible(*ugdb_session_waitqueue(uf->session),
				       ugdb_session_all_stopped(uf->session));
	if (ret) {
		ugdb_session_release(uf->session);
		goto free;
	}
	file->private_data = uf;
	ret = stream_open(inode, file);
	goto out;
free:
	xa_erase(&ugdb_sessions, (unsigned long)uf->pid);
	kfree(uf);
out:
	put_task_struct(task);
	return ret;
}

static int ugdb_release(struct inode *inode, struct file *file)
{
	struct ugdb_file *uf = file->private_data;

	ugdb_session_release(uf->session);
	xa_erase(&ugdb_sessions, (unsigned long)uf->pid);
	kfree(uf);
	return 0;
}

static bool ugdb_readable(struct ugdb_session *session)
{
	return ugdb_session_status(session);
}

/**
 * ugdb_read - read the stub's replies and stop notifications
 * @file: the open file
 * @ubuf: where to put them
 * @count: at most this many bytes
 * @ppos: unused: the file is a stream
 *
 * Blocks, unless O_NONBLOCK, until the stub has something to say: a reply
 * to a packet, or the stop of the process after a resume.
 */
static ssize_t ugdb_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	struct ugdb_file *uf = file->private_data;
	size_t len = min_t(size_t, count, UGDB_IO_CHUNK);
	ssize_t ret;
	u8 *kbuf;

	if (!count)
		return 0;
	kbuf = kmalloc(len, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	for (;;) {
		ret = ugdb_session_read(uf->session, kbuf, len);
		if (ret != -EAGAIN || (file->f_flags & O_NONBLOCK))
			break;
		ret = wait_event_interruptible(*ugdb_session_waitqueue(uf->session),
					       ugdb_readable(uf->session));
		if (ret)
			break;
	}
	if (ret > 0 && copy_to_user(ubuf, kbuf, ret))
		ret = -EFAULT;
	kfree(kbuf);
	return ret;
}

/**
 * ugdb_write - pass packets from gdb to the stub
 * @file: the open file
 * @ubuf: the bytes, framed or not: the stub reassembles packets
 * @count: how many
 * @ppos: unused: the file is a stream
 *
 * Never blocks: the stub handles each packet as it completes.
 */
static ssize_t ugdb_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	struct ugdb_file *uf = file->private_data;
	size_t done = 0;
	ssize_t ret = 0;
	u8 *kbuf;

	kbuf = kmalloc(min_t(size_t, count, UGDB_IO_CHUNK), GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	while (done < count) {
		size_t len = min_t(size_t, count - done, UGDB_IO_CHUNK);

		if (copy_from_user(kbuf, ubuf + done, len)) {
			ret = -EFAULT;
			break;
		}
		ret = ugdb_session_write(uf->session, kbuf, len);
		if (ret < 0)
			break;
		done += len;
	}
	kfree(kbuf);
	return done ? done : ret;
}

static __poll_t ugdb_poll(struct file *file, struct poll_table_struct *pt)
{
	struct ugdb_file *uf = file->private_data;

	__poll_t mask = EPOLLOUT | EPOLLWRNORM;
	unsigned int status;

	poll_wait(file, ugdb_session_waitqueue(uf->session), pt);
	status = ugdb_session_status(uf->session);
	if (status & UGDB_READABLE)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (status & UGDB_HUNG_UP)
		mask |= EPOLLHUP;
	return mask;
}

/**
 * ugdb_ioctl - the tty ioctls gdb uses on a serial line
 * @file: the open file
 * @cmd: the request
 * @arg: its argument
 *
 * The file keeps the termios gdb sets and returns it, and accepts flushes
 * and breaks; there is no line to configure. Other requests get -ENOTTY.
 */
static long ugdb_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ugdb_file *uf = file->private_data;
	void __user *argp = (void __user *)arg;
	struct termios termios;

	switch (cmd) {
	case TCGETS:
		spin_lock(&uf->termios_lock);
		termios = uf->termios;
		spin_unlock(&uf->termios_lock);
		return copy_to_user(argp, &termios, sizeof(termios)) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		if (copy_from_user(&termios, argp, sizeof(termios)))
			return -EFAULT;
		spin_lock(&uf->termios_lock);
		uf->termios = termios;
		spin_unlock(&uf->termios_lock);
		return 0;
	case TCFLSH:
	case TCSBRK:
	case TCSBRKP:
	case TCXONC:
		return 0;
	}
	return -ENOTTY;
}

static const struct file_operations ugdb_file_operations = {
	.owner		= THIS_MODULE,
	.open		= ugdb_open,
	.release	= ugdb_release,
	.read		= ugdb_read,
	.write		= ugdb_write,
	.poll		= ugdb_poll,
	.unlocked_ioctl	= ugdb_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/* A process ID as the file system names it: decimal, no sign, no zeros. */
static bool ugdb_parse_pid(const struct qstr *name, pid_t *nr)
{
	unsigned int i;

	if (!name->len || name->len > 10 || name->name[0] == '0')
		return false;
	for (i = 0; i < name->len; i++)
		if (!isdigit(name->name[i]))
			return false;
	return !kstrtoint(name->name, 10, nr);
}

/**
 * ugdb_lookup - the file of the process @dentry names
 * @dir: the root directory
 * @dentry: the name looked up
 * @flags: lookup flags
 *
 * The name is a process ID (a thread-group ID) in the pid namespace of
 * whoever mounted the file system. Threads and unknown IDs are -ENOENT.
 */
static struct dentry *ugdb_lookup(struct inode *dir, struct dentry *dentry,
				  unsigned int flags)
{
	struct pid_namespace *ns = dir->i_sb->s_fs_info;
	struct inode *inode;
	struct pid *pid;
	pid_t nr;

	if (!ugdb_parse_pid(&dentry->d_name, &nr))
		return ERR_PTR(-ENOENT);
	rcu_read_lock();
	pid = get_pid(find_pid_ns(nr, ns));
	rcu_read_unlock();
	if (!pid || !pid_has_task(pid, PIDTYPE_TGID))
		goto noent;
	inode = new_inode(dir->i_sb);
	if (!inode) {
		put_pid(pid);
		return ERR_PTR(-ENOMEM);
	}
	inode->i_ino = get_next_ino();
	inode->i_mode = S_IFREG | 0666;
	simple_inode_init_ts(inode);
	inode->i_fop = &ugdb_file_operations;
	inode->i_private = pid;
	return d_splice_alias(inode, dentry);
noent:
	put_pid(pid);
	return ERR_PTR(-ENOENT);
}

/* A dentry stays valid while its process lives; PIDs get reused. */
static int ugdb_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct inode *inode = d_inode_rcu(dentry);

	return inode && pid_has_task(inode->i_private, PIDTYPE_TGID);
}

static const struct dentry_operations ugdb_dentry_operations = {
	.d_revalidate	= ugdb_revalidate,
	.d_delete	= always_delete_dentry,
};

static void ugdb_evict_inode(struct inode *inode)
{
	clear_inode(inode);
	if (!S_ISDIR(inode->i_mode))
		put_pid(inode->i_private);
}

static const struct super_operations ugdb_super_operations = {
	.statfs		= simple_statfs,
	.drop_inode	= generic_delete_inode,
	.evict_inode	= ugdb_evict_inode,
};

static const struct inode_operations ugdb_root_inode_operations = {
	.lookup		= ugdb_lookup,
};

static int ugdb_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct inode *root;

	sb->s_magic = UGDB_FS_MAGIC;
	sb->s_op = &ugdb_super_operations;
	sb->s_d_op = &ugdb_dentry_operations;
	sb->s_iflags |= SB_I_NOEXEC | SB_I_NODEV;
	sb->s_fs_info = get_pid_ns(task_active_pid_ns(current));
	root = new_inode(sb);
	if (!root)
		return -ENOMEM;
	root->i_ino = 1;
	root->i_mode = S_IFDIR | 0555;
	simple_inode_init_ts(root);
	root->i_op = &ugdb_root_inode_operations;
	root->i_fop = &simple_dir_operations;
	set_nlink(root, 2);
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static int ugdb_get_tree(struct fs_context *fc)
{
	return get_tree_nodev(fc, ugdb_fill_super);
}

static const struct fs_context_operations ugdb_context_operations = {
	.get_tree	= ugdb_get_tree,
};

static int ugdb_init_fs_context(struct fs_context *fc)
{
	fc->ops = &ugdb_context_operations;
	return 0;
}

static void ugdb_kill_sb(struct super_block *sb)
{
	struct pid_namespace *ns = sb->s_fs_info;

	kill_anon_super(sb);
	if (ns)
		put_pid_ns(ns);
}

static struct file_system_type ugdb_fs_type = {
	.owner			= THIS_MODULE,
	.name			= "utrace-gdb",
	.init_fs_context	= ugdb_init_fs_context,
	.kill_sb		= ugdb_kill_sb,
};

static int __init ugdb_fs_init(void)
{
	return register_filesystem(&ugdb_fs_type);
}
fs_initcall(ugdb_fs_init);
