// SPDX-License-Identifier: GPL-2.0

//! The C ABI: what the hook call sites in `include/linux/utrace.h` call.
//! Each function only forwards to the core.

use crate::{report, task_state};
use kernel::bindings;

/// System call entry of the current task; true skips the system call.
#[no_mangle]
pub extern "C" fn utrace_report_syscall_entry(regs: *mut bindings::pt_regs) -> bool {
    // SAFETY: The entry code passes the current task's user registers.
    unsafe { report::syscall_entry(regs) }
}

/// System call exit of the current task.
#[no_mangle]
pub extern "C" fn utrace_report_syscall_exit(regs: *mut bindings::pt_regs) {
    // SAFETY: The entry code passes the current task's user registers.
    unsafe { report::syscall_exit(regs) }
}

/// The current task entered do_exit() with `*code`.
#[no_mangle]
pub extern "C" fn utrace_report_exit(code: *mut core::ffi::c_long) {
    // SAFETY: do_exit() passes its own exit code.
    unsafe { report::exit(code) }
}

/// The current task `task` passed exit_notify().
#[no_mangle]
pub extern "C" fn utrace_report_death(task: *mut bindings::task_struct, group_dead: bool) {
    // SAFETY: exit_notify() passes the current, dying task.
    unsafe { report::death(task, group_dead) }
}

/// release_task() is reaping `task`.
#[no_mangle]
pub extern "C" fn utrace_report_reap(task: *mut bindings::task_struct) {
    // SAFETY: release_task() holds `task` for the call.
    unsafe { report::reap_hook(task) }
}

/// free_task() is freeing `task`.
#[no_mangle]
pub extern "C" fn utrace_free_task(task: *mut bindings::task_struct) {
    // SAFETY: free_task() passes a task no one else can reach.
    unsafe { task_state::free_task(task) }
}
