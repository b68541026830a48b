// SPDX-License-Identifier: GPL-2.0
/*
 * The registers of a stopped thread for the gdb stub, read and written
 * through the regsets that ptrace and core dumps use, so that every
 * validity check on a write (segments, fs_base, MXCSR) is the kernel's.
 */
#include <linux/build_bug.h>
#include <linux/elf.h>
#include <linux/regset.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <asm/ptrace.h>
#include <asm/user.h>

#include "regs.h"

/* Offsets in the standard (uncompacted) XSAVE layout. */
#define XSAVE_HEADER_OFFSET	512
#define XSAVE_YMM_OFFSET	576
#define XFEATURES_X87_SSE_AVX	0x7ULL

static_assert(sizeof(struct user_regs_struct) == sizeof_field(struct ugdb_raw_regs, gregs));
static_assert(sizeof(struct user_i387_struct) == sizeof_field(struct ugdb_raw_regs, fxsave));

static const struct user_regset *ugdb_regset(struct task_struct *task,
					     unsigned int note)
{
	const struct user_regset_view *view = task_user_regset_view(task);
	unsigned int i;

	for (i = 0; i < view->n; i++)
		if (view->regsets[i].core_note_type == note)
			return &view->regsets[i];
	return NULL;
}

static int ugdb_get(struct task_struct *task, unsigned int note, void *buf,
		    unsigned int size)
{
	const struct user_regset *regset = ugdb_regset(task, note);
	int ret;

	if (!regset)
		return -EIO;
	ret = regset_get(task, regset, size, buf);
	return ret < 0 ? ret : 0;
}

static int ugdb_set(struct task_struct *task, unsigned int note,
		    const void *buf, unsigned int size)
{
	const struct user_regset *regset = ugdb_regset(task, note);

	if (!regset || !regset->set)
		return -EIO;
	return regset->set(task, regset, 0, size, buf, NULL);
}

/**
 * ugdb_arch_has_avx - whether threads have AVX registers to show gdb
 */
bool ugdb_arch_has_avx(void)
{
	return boot_cpu_has(X86_FEATURE_AVX) && boot_cpu_has(X86_FEATURE_XSAVE);
}

/* The XSAVE image of @task in a fresh buffer of *@size bytes, or NULL. */
static void *ugdb_get_xstate(struct task_struct *task, unsigned int *size)
{
	const struct user_regset *regset = ugdb_regset(task, NT_X86_XSTATE);
	void *buf;

	if (!regset || !ugdb_arch_has_avx())
		return NULL;
	*size = regset->n * regset->size;
	if (*size < XSAVE_YMM_OFFSET + sizeof_field(struct ugdb_raw_regs, ymmh))
		return NULL;
	buf = kzalloc(*size, GFP_KERNEL);
	if (buf && regset_get(task, regset, *size, buf) < 0) {
		kfree(buf);
		return NULL;
	}
	return buf;
}

/**
 * ugdb_arch_read_regs - read a stopped thread's registers
 * @task: the thread, stopped and off its CPU
 * @regs: filled with the general registers, the FXSAVE image and, on a
 *	CPU with AVX, the upper halves of the YMM registers
 *
 * Return: 0, or a negative errno from the regsets.
 */
int ugdb_arch_read_regs(struct task_struct *task, struct ugdb_raw_regs *regs)
{
	unsigned int size;
	u8 *xstate;
	int ret;

	ret = ugdb_get(task, NT_PRSTATUS, regs->gregs, sizeof(regs->gregs));
	if (!ret)
		ret = ugdb_get(task, NT_PRFPREG, regs->fxsave,
			       sizeof(regs->fxsave));
	if (ret)
		return ret;
	xstate = ugdb_get_xstate(task, &size);
	regs->has_avx = !!xstate;
	if (xstate)
		memcpy(regs->ymmh, xstate + XSAVE_YMM_OFFSET, sizeof(regs->ymmh));
	kfree(xstate);
	return 0;
}

/**
 * ugdb_arch_write_regs - write a stopped thread's registers
 * @task: the thread, stopped and off its CPU
 * @regs: every register, as ugdb_arch_read_regs() returned them and gdb
 *	changed them
 *
 * The regsets check each value as they do for ptrace: a write the kernel
 * refuses (a bad segment selector, a non-canonical base, reserved MXCSR
 * bits) fails with their error.
 *
 * Return: 0, or a negative errno.
 */
int ugdb_arch_write_regs(struct task_struct *task,
			 const struct ugdb_raw_regs *regs)
{
	unsigned int size;
	u8 *xstate;
	int ret;

	ret = ugdb_set(task, NT_PRSTATUS, regs->gregs, sizeof(regs->gregs));
	if (!ret)
		ret = ugdb_set(task, NT_PRFPREG, regs->fxsave,
			       sizeof(regs->fxsave));
	if (ret || !regs->has_avx)
		return ret;
	xstate = ugdb_get_xstate(task, &size);
	if (!xstate)
		return -EIO;
	memcpy(xstate + XSAVE_YMM_OFFSET, regs->ymmh, sizeof(regs->ymmh));
	*(u64 *)(xstate + XSAVE_HEADER_OFFSET) |= XFEATURES_X87_SSE_AVX;
	ret = ugdb_set(task, NT_X86_XSTATE, xstate, size);
	kfree(xstate);
	return ret;
}

/**
 * ugdb_arch_user_pc - the user-mode instruction pointer of @task
 * @task: the current task, or one stopped off its CPU
 */
unsigned long ugdb_arch_user_pc(struct task_struct *task)
{
	return instruction_pointer(task_pt_regs(task));
}

/**
 * ugdb_arch_set_user_pc - move @task's user-mode instruction pointer
 * @task: the current task, or one stopped off its CPU
 * @pc: the new value; the stub moves a thread back onto the breakpoint
 *	it trapped at
 */
void ugdb_arch_set_user_pc(struct task_struct *task, unsigned long pc)
{
	instruction_pointer_set(task_pt_regs(task), pc);
}
