// SPDX-License-Identifier: GPL-2.0

//! The C ABI: what the hook call sites in `include/linux/utrace.h` call.
//! Each function only forwards to the core.

use crate::{report, signal, task_state, Events, JobControl};
use kernel::bindings;

/// System call entry of the current task `task`, whose state is `utrace`;
/// true skips the system call.
#[no_mangle]
extern "C" fn __utrace_report_syscall_entry(
    task: *mut bindings::task_struct,
    utrace: *mut bindings::utrace,
    regs: *mut bindings::pt_regs,
) -> bool {
    // SAFETY: The entry code passes the current task, its state and its
    // user registers.
    unsafe { report::syscall_entry(task, utrace, regs) }
}

/// System call exit of the current task `task`, whose state is `utrace`.
#[no_mangle]
extern "C" fn __utrace_report_syscall_exit(
    task: *mut bindings::task_struct,
    utrace: *mut bindings::utrace,
    regs: *mut bindings::pt_regs,
) {
    // SAFETY: The entry code passes the current task, its state and its
    // user registers.
    unsafe { report::syscall_exit(task, utrace, regs) }
}

/// The current task entered do_exit() with `*code`.
#[no_mangle]
extern "C" fn utrace_report_exit(code: *mut core::ffi::c_long) {
    // SAFETY: do_exit() passes its own exit code.
    unsafe { report::exit(code) }
}

/// The current task `task` passed exit_notify().
#[no_mangle]
extern "C" fn utrace_report_death(task: *mut bindings::task_struct, group_dead: bool) {
    // SAFETY: exit_notify() passes the current, dying task.
    unsafe { report::death(task, group_dead) }
}

/// release_task() is reaping `task`.
#[no_mangle]
extern "C" fn utrace_report_reap(task: *mut bindings::task_struct) {
    // SAFETY: release_task() holds `task` for the call.
    unsafe { report::reap_hook(task) }
}

/// free_task() is freeing `task`.
#[no_mangle]
extern "C" fn utrace_free_task(task: *mut bindings::task_struct) {
    // SAFETY: free_task() passes a task no one else can reach.
    unsafe { task_state::free_task(task) }
}

/// The current task dequeued `signr`, of kind `kind` (an event bit);
/// returns the signal to act on, 0 for none, and sets `*forced` to what
/// engines chose for it (`enum utrace_forced`).
#[no_mangle]
extern "C" fn utrace_signal_callbacks(
    signr: core::ffi::c_int,
    info: *mut bindings::kernel_siginfo,
    kind: core::ffi::c_uint,
    forced: *mut core::ffi::c_int,
) -> core::ffi::c_int {
    // SAFETY: signal_hook.c calls this from get_signal(), without siglock,
    // with the dequeued siginfo.
    let (signr, choice) = unsafe { signal::signal(signr, info, Events::from_bits(kind)) };
    // SAFETY: `forced` points at the caller's int.
    unsafe { *forced = choice };
    signr
}

/// The current task is about to run a signal handler, its frame set up;
/// if `stepping`, the architecture turned its single-stepping off.
#[no_mangle]
extern "C" fn utrace_report_signal_handler(stepping: bool) {
    report::signal_handler(stepping)
}

/// The current task is about to take part in a group stop, or, if
/// `continued`, a SIGCONT ended it.
#[no_mangle]
extern "C" fn utrace_jctl_callbacks(continued: bool) {
    let kind = if continued {
        JobControl::Continued
    } else {
        JobControl::Stopped
    };
    report::jctl(kind)
}

/// The current task created `child`, which has not been woken yet.
#[no_mangle]
extern "C" fn utrace_report_clone(
    clone_flags: core::ffi::c_ulong,
    child: *mut bindings::task_struct,
) {
    // SAFETY: kernel_clone() holds a reference on its new child.
    let child = unsafe { crate::ffi::task_ref(child) };
    report::clone(clone_flags, child)
}

/// The current task's new child is running; an engine's stop for the
/// clone happens here.
#[no_mangle]
extern "C" fn utrace_report_clone_done() {
    report::clone_done()
}

/// The current task's vfork child `child_pid` released its memory.
#[no_mangle]
extern "C" fn utrace_report_vfork_done(child_pid: core::ffi::c_int) {
    report::vfork_done(child_pid)
}

/// The current task, once `old_pid`, exec'd.
#[no_mangle]
extern "C" fn utrace_report_exec(old_pid: core::ffi::c_int) {
    report::exec(old_pid)
}
