// SPDX-License-Identifier: GPL-2.0

//! utrace: the user thread tracing core.
//!
//! Engines attach to a thread, choose the events they want and answer each
//! callback with a resume action. Callbacks run in the traced thread's own
//! context. When engines disagree the most restrictive action wins, and
//! SIGKILL always wins over every engine.
//!
//! This crate is built like the kernel's own `kernel` crate: a library
//! (object plus metadata) that every engine names with `--extern utrace`,
//! linked once into vmlinux. The kernel calls it through the hooks in
//! `include/linux/utrace.h`. `utrace.rst` documents the API for engine
//! authors.

pub mod action;
mod attach;
mod c_api;
mod control;
mod engine;
pub mod event;
mod ffi;
mod hooks;
mod report;
mod signal;
mod task_state;

pub use action::Action;
pub use attach::{attach, find, with_engine, AttachMode};
pub use control::{
    barrier, control, finish_examine, is_stopped, prepare_examine, set_events, wake_up_on_stop,
    Examine,
};
pub use engine::{Engine, EngineOps, JobControl, StopWaiter, SyscallEntry, UserRegs};
pub use event::Events;
pub use report::report_directed;
pub use signal::{DefaultAction, SignalReport};
