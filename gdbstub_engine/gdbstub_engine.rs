// SPDX-License-Identifier: GPL-2.0

//! The utrace-gdb engine: a gdb remote-protocol stub in the kernel.
//!
//! At boot it checks that the gdbstub crate, built into the kernel with the
//! kernel's own flags, frames and encodes packets as gdb expects.

use kernel::prelude::*;

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
