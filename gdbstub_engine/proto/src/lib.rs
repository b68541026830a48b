// SPDX-License-Identifier: GPL-2.0

//! The kernel-independent half of the utrace-gdb stub.
//!
//! Everything here is plain `no_std` Rust with no allocation: it is built
//! into the kernel with the kernel's flags (see `scripts/kernel-crates.py`)
//! and tested on the host with `cargo test`.
#![no_std]

// The host tests use std; the kernel build never sees it.
#[cfg(test)]
extern crate std;

pub mod conn;
pub mod extensions;
#[cfg(test)]
mod fuzz;
pub mod libraries_svr4;
pub mod process_events;
pub mod refusal;
pub mod selftest;
pub mod signals;
pub mod syscall_filter;
pub mod tls;
