// SPDX-License-Identifier: GPL-2.0

//! utrace: the user thread tracing core.
//!
//! Engines attach to a thread, choose the events they want and answer each
//! callback with a resume action. This crate is built like the kernel's own
//! `kernel` crate: a library (rlib plus object) that every engine names with
//! `--extern utrace`, linked once into vmlinux.

pub mod action;

pub use action::Action;
