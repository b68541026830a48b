// SPDX-License-Identifier: GPL-2.0
/*
 * A QEMU TCG plugin for scripts/profile.sh: counts, for every translation
 * block the guest runs in kernel space, how many instructions it ran and
 * how many times, and writes the counts out each time the guest enters
 * the marker address (a system call nothing else makes), so that the
 * report can take the difference between two markers.
 *
 * Arguments: out=PREFIX (snapshots go to PREFIX.0, PREFIX.1, ...) and
 * mark=ADDRESS (hexadecimal).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define KERNEL_START	0xffff800000000000ull
#define TABLE_SIZE	(1u << 20)	/* more than a kernel's blocks */

struct block_count {
	uint64_t vaddr;
	uint64_t insns;
	uint64_t execs;
};

static struct block_count *table;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t user_insns;
static char out_prefix[256] = "tb_count";
static uint64_t mark;
static int snapshots;

/* The entry for @vaddr, added if new; with table_lock held. */
static struct block_count *block_count_of(uint64_t vaddr)
{
	uint64_t h = (vaddr * 0x9e3779b97f4a7c15ull) >> 44;

	for (;; h++) {
		struct block_count *b = &table[h & (TABLE_SIZE - 1)];

		if (b->vaddr == vaddr || !b->vaddr) {
			b->vaddr = vaddr;
			return b;
		}
	}
}

static void write_snapshot(unsigned int vcpu, void *udata)
{
	char path[300];
	FILE *f;

	pthread_mutex_lock(&table_lock);
	snprintf(path, sizeof(path), "%s.%d", out_prefix, snapshots++);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "user %" PRIu64 " 0\n", user_insns);
		for (unsigned int i = 0; i < TABLE_SIZE; i++) {
			struct block_count *b = &table[i];

			if (b->vaddr && b->execs)
				fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
					b->vaddr, b->insns, b->execs);
		}
		fclose(f);
	}
	pthread_mutex_unlock(&table_lock);
}

static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	uint64_t insns = qemu_plugin_tb_n_insns(tb);
	struct block_count *b;

	if (vaddr == mark)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, write_snapshot,
						     QEMU_PLUGIN_CB_NO_REGS, NULL);
	if (vaddr < KERNEL_START) {
		qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
							 &user_insns, insns);
		return;
	}
	pthread_mutex_lock(&table_lock);
	b = block_count_of(vaddr);
	pthread_mutex_unlock(&table_lock);
	/* Inline adds race between vCPUs; the loss is noise for a profile. */
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->insns, insns);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->execs, 1);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			snprintf(out_prefix, sizeof(out_prefix), "%s", argv[i] + 4);
		else if (!strncmp(argv[i], "mark=", 5))
			mark = strtoull(argv[i] + 5, NULL, 16);
	}
	table = calloc(TABLE_SIZE, sizeof(*table));
	if (!table || !mark)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
	return 0;
}
