// SPDX-License-Identifier: GPL-2.0

//! x86-64 for the utrace-gdb stub: the registers of a Linux thread as the
//! kernel's regsets hold them, and as gdb sees them; and the debug
//! registers behind gdb's hardware breakpoints and watchpoints.
//!
//! Plain `no_std` Rust, built into the kernel with the kernel's flags and
//! tested on the host with `cargo test`. The C half (`regs.c`) fills a
//! [`RawRegs`] from the thread's regsets and writes it back.
#![no_std]

#[cfg(test)]
extern crate std;

pub mod debugregs;
pub mod regs;
pub mod target_xml;

pub use regs::{RawRegs, RegNum, Regs};

/// The gdb architecture of a 64-bit Linux thread on x86-64.
pub enum X86_64Linux {}

impl gdbstub::arch::Arch for X86_64Linux {
    type Usize = u64;
    type Registers = Regs;
    type BreakpointKind = usize;
    type RegId = RegNum;

    /// The stub serves its description through
    /// [`target_xml::annex`], which depends on the CPU.
    fn target_description_xml() -> Option<&'static str> {
        None
    }
}

/// The instruction of a software breakpoint, `int3`.
pub const BREAKPOINT_INSN: u8 = 0xcc;
