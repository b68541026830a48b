/* SPDX-License-Identifier: GPL-2.0 */
#ifndef UTRACE_GDB_TRANSPORT_SESSION_H
#define UTRACE_GDB_TRANSPORT_SESSION_H

#include <linux/poll.h>
#include <linux/types.h>

/* ugdb_session_status(): a read would return data; the session is over. */
#define UGDB_READABLE	1
#define UGDB_HUNG_UP	2

struct task_struct;
struct ugdb_session;

/* The gdb engine's side of a device file, in gdbstub_engine/c_api.rs. */
struct ugdb_session *ugdb_session_open(struct task_struct *leader);
struct wait_queue_head *ugdb_session_waitqueue(struct ugdb_session *session);
ssize_t ugdb_session_read(struct ugdb_session *session, u8 *buf, size_t len);
ssize_t ugdb_session_write(struct ugdb_session *session, const u8 *buf,
			   size_t len);
unsigned int ugdb_session_status(struct ugdb_session *session);
bool ugdb_session_all_stopped(struct ugdb_session *session);
void ugdb_session_release(struct ugdb_session *session);

#endif
