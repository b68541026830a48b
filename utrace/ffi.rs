// SPDX-License-Identifier: GPL-2.0

//! The C helpers of `helpers.c`, and safe wrappers over them.

use kernel::bindings;
use kernel::task::Task;

mod raw {
    use kernel::bindings;

    // `task_struct` and `callback_head` only cross by pointer.
    #[allow(improper_ctypes)]
    extern "C" {
        pub(super) fn utrace_current_may_stop() -> bool;
        pub(super) fn utrace_prepare_stop();
        pub(super) fn utrace_wake_stopped(task: *mut bindings::task_struct);
        pub(super) fn utrace_queue_report(
            task: *mut bindings::task_struct,
            work: *mut bindings::callback_head,
            func: Option<unsafe extern "C" fn(*mut bindings::callback_head)>,
            interrupt: bool,
        ) -> core::ffi::c_int;
        pub(super) fn utrace_set_syscall_work(task: *mut bindings::task_struct, on: bool);
    }
}

/// The raw `task_struct` of `task`.
pub(crate) fn task_ptr(task: &Task) -> *mut bindings::task_struct {
    // `Task` is a transparent wrapper around `task_struct`.
    (task as *const Task).cast_mut().cast()
}

/// Borrows the task behind `ptr`.
///
/// # Safety
///
/// `ptr` must point to a live task that outlives `'a`.
pub(crate) unsafe fn task_ref<'a>(ptr: *mut bindings::task_struct) -> &'a Task {
    // SAFETY: `Task` is a transparent wrapper around `task_struct`, and the
    // caller guarantees the task lives long enough.
    unsafe { &*ptr.cast::<Task>() }
}

/// Whether the current task may stop: no SIGKILL pending, not dying of a
/// signal.
pub(crate) fn current_may_stop() -> bool {
    // SAFETY: Reads the current task's own signal state.
    unsafe { raw::utrace_current_may_stop() }
}

/// Sets the current task's state to a utrace stop; `schedule()` follows.
pub(crate) fn prepare_stop() {
    // SAFETY: Changes the current task's own state.
    unsafe { raw::utrace_prepare_stop() }
}

/// Calls `schedule()`.
pub(crate) fn schedule() {
    // SAFETY: Called in task context with no spinlock held.
    unsafe { bindings::schedule() }
}

/// Wakes `task` if it is in a utrace stop.
pub(crate) fn wake_stopped(task: &Task) {
    // SAFETY: `task` is a valid task for the duration of the call.
    unsafe { raw::utrace_wake_stopped(task_ptr(task)) }
}

/// Routes `task`'s system calls through the utrace hooks, or stops doing so.
pub(crate) fn set_syscall_work(task: &Task, on: bool) {
    // SAFETY: `task` is valid; the bit is set atomically.
    unsafe { raw::utrace_set_syscall_work(task_ptr(task), on) }
}

/// Queues `work` to run `func` in `task`'s context at its next safe point.
///
/// # Safety
///
/// `work` must stay valid until `func` has run or the task has died, and
/// must not be queued twice.
pub(crate) unsafe fn queue_report(
    task: &Task,
    work: *mut bindings::callback_head,
    func: unsafe extern "C" fn(*mut bindings::callback_head),
    interrupt: bool,
) -> kernel::error::Result {
    // SAFETY: `task` is valid and the caller guarantees `work`'s lifetime.
    let ret = unsafe { raw::utrace_queue_report(task_ptr(task), work, Some(func), interrupt) };
    kernel::error::to_result(ret)
}
