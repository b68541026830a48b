// SPDX-License-Identifier: GPL-2.0

//! The C helpers of `helpers.c`, and safe wrappers over them.

use crate::task_state::Step;
use kernel::bindings;
use kernel::task::Task;

mod raw {
    use kernel::bindings;

    // `task_struct` and `callback_head` only cross by pointer.
    #[allow(improper_ctypes)]
    extern "C" {
        pub(super) fn utrace_current_may_stop() -> bool;
        pub(super) fn utrace_fatal_signal_pending() -> bool;
        pub(super) fn utrace_task_exit_state(task: *mut bindings::task_struct) -> core::ffi::c_int;
        pub(super) fn utrace_task_slot(
            task: *mut bindings::task_struct,
        ) -> *mut *mut bindings::utrace;
        pub(super) fn utrace_task_flags(task: *mut bindings::task_struct) -> core::ffi::c_uint;
        pub(super) fn utrace_set_task_flags(task: *mut bindings::task_struct, flags: usize);
        pub(super) fn utrace_change_group_exit_code(
            orig: core::ffi::c_long,
            code: core::ffi::c_long,
        );
        pub(super) fn utrace_prepare_stop() -> bool;
        pub(super) fn utrace_cancel_stop();
        pub(super) fn utrace_stop_schedule();
        pub(super) fn utrace_wake_stopped(task: *mut bindings::task_struct);
        pub(super) fn utrace_queue_report(
            task: *mut bindings::task_struct,
            work: *mut bindings::callback_head,
            func: Option<unsafe extern "C" fn(*mut bindings::callback_head)>,
            interrupt: bool,
        ) -> core::ffi::c_int;
        pub(super) fn utrace_set_syscall_work(task: *mut bindings::task_struct, on: bool);
        pub(super) fn utrace_arch_has_single_step() -> bool;
        pub(super) fn utrace_set_stepping(step: core::ffi::c_int);
        pub(super) fn utrace_wait_inactive(task: *mut bindings::task_struct) -> core::ffi::c_ulong;
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

/// Whether SIGKILL is pending for the current task.
pub(crate) fn fatal_signal_pending() -> bool {
    // SAFETY: Reads the current task's own signal state.
    unsafe { raw::utrace_fatal_signal_pending() }
}

/// `task->exit_state`: 0 while the task is alive.
pub(crate) fn exit_state(task: &Task) -> u32 {
    // SAFETY: `task` is valid for the duration of the call.
    unsafe { raw::utrace_task_exit_state(task_ptr(task)) as u32 }
}

/// `task->flags` (the PF_* bits).
pub(crate) fn task_flags(task: &Task) -> u32 {
    // SAFETY: `task` is valid for the duration of the call.
    unsafe { raw::utrace_task_flags(task_ptr(task)) }
}

/// Where `task` keeps its utrace state pointer. All task_struct fields are
/// reached through C: the layout is C's to know, and the bindings get it
/// wrong (see `utrace_task_slot()`).
pub(crate) fn task_slot(task: &Task) -> *mut *mut bindings::utrace {
    // SAFETY: `task` is valid; this only computes an address in it.
    unsafe { raw::utrace_task_slot(task_ptr(task)) }
}

/// Publishes `flags` in `task->utrace_flags`, which the hooks test.
pub(crate) fn set_task_flags(task: &Task, flags: usize) {
    // SAFETY: `task` is valid; the word is written with WRITE_ONCE.
    unsafe { raw::utrace_set_task_flags(task_ptr(task), flags) }
}

/// Makes `code` the process's wait status if a group exit recorded `orig`.
pub(crate) fn change_group_exit_code(orig: core::ffi::c_long, code: core::ffi::c_long) {
    // SAFETY: Changes the current task's own signal struct under its lock.
    unsafe { raw::utrace_change_group_exit_code(orig, code) }
}

/// Sets the current task's state to a utrace stop and keeps it on its
/// CPU (not on PREEMPT_RT); [`stop_schedule`] or [`cancel_stop`] follows.
/// Returns [`current_may_stop`].
pub(crate) fn prepare_stop() -> bool {
    // SAFETY: Changes the current task's own state; the caller pairs it
    // with `stop_schedule` or `cancel_stop`.
    unsafe { raw::utrace_prepare_stop() }
}

/// Undoes [`prepare_stop`] when the task does not stop after all.
pub(crate) fn cancel_stop() {
    // SAFETY: Pairs with an earlier `prepare_stop`.
    unsafe { raw::utrace_cancel_stop() }
}

/// Sleeps in the stop set up by [`prepare_stop`].
pub(crate) fn stop_schedule() {
    // SAFETY: Called in task context with no spinlock held, after
    // `prepare_stop`, whose preemption count this undoes.
    unsafe { raw::utrace_stop_schedule() }
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

/// Whether the machine can single-step user mode.
pub(crate) fn arch_has_single_step() -> bool {
    // SAFETY: Reads a property of the machine.
    unsafe { raw::utrace_arch_has_single_step() }
}

/// Sets up how the current task steps when it returns to user mode. May
/// sleep (x86 reads the instruction at the PC): never under a spinlock.
pub(crate) fn set_stepping(step: Step) {
    let mode = match step {
        Step::None => 0,
        Step::Single => 1,
        Step::Block => 2,
    };
    // SAFETY: Changes the current task's own stepping.
    unsafe { raw::utrace_set_stepping(mode) }
}

/// Waits until `task`, in a utrace stop, is off its CPU; returns its
/// context switch count, or 0 if it is not in a utrace stop.
pub(crate) fn wait_inactive(task: &Task) -> core::ffi::c_ulong {
    // SAFETY: `task` is valid for the call; this may sleep, and callers
    // hold no lock.
    unsafe { raw::utrace_wait_inactive(task_ptr(task)) }
}
