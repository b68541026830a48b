// SPDX-License-Identifier: GPL-2.0

//! The utrace-gdb engine: a gdb remote-protocol stub in the kernel.
//!
//! Each open `/dev/utrace-gdb/PID` (transport/utrace_gdb_fs.c) is a
//! [`session::Session`]: the gdbstub crate's state machine reading gdb's
//! packets, over a [`tracer::Tracer`] that holds every thread of the
//! process with a utrace engine. At boot a self-test checks that the
//! gdbstub crate, built with the kernel's own flags, encodes packets as gdb
//! expects.

use kernel::prelude::*;

mod breakpoints;
mod c_api;
mod hw_points;
mod session;
mod sys;
mod target;
mod tracer;
mod waker;

module! {
    type: GdbEngine,
    name: "utrace_gdb",
    author: "utrace-gdb developers",
    description: "gdb remote protocol stub on utrace",
    license: "GPL",
}

/// Size of the self-test's packet buffer and of its output queue.
const SELFTEST_BUF_SIZE: usize = 2048;

struct GdbEngine;

impl kernel::Module for GdbEngine {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let mut packet = KVec::from_elem(0u8, SELFTEST_BUF_SIZE, GFP_KERNEL)?;
        let mut out = KVec::from_elem(0u8, SELFTEST_BUF_SIZE, GFP_KERNEL)?;
        match ugdb_proto::selftest::run(&mut packet, &mut out) {
            Ok(()) => {
                pr_info!("gdbstub self-test passed\n");
                Ok(GdbEngine)
            }
            Err(failure) => {
                pr_err!("gdbstub self-test failed: {:?}\n", failure);
                Err(EINVAL)
            }
        }
    }
}
