// SPDX-License-Identifier: GPL-2.0

//! ptrace(2) as an engine of the utrace core.
//!
//! kernel/ptrace.c still decodes the requests and keeps the tracer's side:
//! the link to the tracer, wait(), SIGCHLD and the freeze a request makes.
//! Every ptraced thread has one engine of this kind, attached when the
//! link is made (PTRACE_ATTACH, PTRACE_SEIZE, PTRACE_TRACEME, or a traced
//! parent's clone). Its stops are the core's: a callback asks for
//! [`Action::Stop`], [`EngineOps::stop_commit`] tells the tracer, the core
//! holds the thread while `JOBCTL_TRACED` is set, as a ptrace stop always
//! was, and [`EngineOps::stop_done`] acts on the tracer's resume code.
//!
//! So far the system call stops and the PTRACE_EVENT_* stops (fork,
//! vfork, clone, vfork done, exec, exit, seccomp) go through the engine;
//! signal-delivery stops, group stops and the other job control traps
//! are still ptrace_stop()'s own.
//!
//! Once its tracer lets go, an engine stays attached and does nothing,
//! until the thread is reaped or traced again. Detaching it there and then
//! would race with a new tracer's attach.

use core::ffi::{c_int, c_ulong};
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::task::Task;
use kernel::types::Opaque;
use utrace::{Action, AttachMode, Engine, EngineOps, Events, SyscallEntry, UserRegs};

const __LOG_PREFIX: &[u8] = b"ptrace_engine\0";

// `task_struct` and `kernel_siginfo` only cross by pointer.
#[allow(improper_ctypes)]
extern "C" {
    fn ptrace_engine_is_traced(task: *mut bindings::task_struct) -> bool;
    fn ptrace_engine_holds(task: *mut bindings::task_struct) -> bool;
    fn ptrace_engine_syscall_stop(
        entry: bool,
        info: *mut bindings::kernel_siginfo,
        message: *mut c_ulong,
        emulate: *mut bool,
    ) -> c_int;
    fn ptrace_engine_commit_trap(
        code: c_int,
        message: c_ulong,
        info: *mut bindings::kernel_siginfo,
    ) -> bool;
    fn ptrace_engine_syscall_stop_done();
    fn ptrace_engine_event_info(event: c_int, info: *mut bindings::kernel_siginfo) -> c_int;
    fn ptrace_stop_done() -> c_int;
    fn ptrace_engine_syscalls_traced(task: *mut bindings::task_struct) -> bool;
}

/// What ptrace engines have in common, instead of their ops objects: one
/// engine of this kind per thread.
static IDENTITY: u8 = 0;

fn identity() -> (usize, usize) {
    (&IDENTITY as *const u8 as usize, 0)
}

fn task_ptr(task: &Task) -> *mut bindings::task_struct {
    // `Task` is a transparent wrapper around `task_struct`.
    (task as *const Task).cast_mut().cast()
}

/// The stop a thread is making for its tracer.
struct Tracee {
    /// The stop's code for wait(); 0 when the thread makes no stop.
    code: AtomicI32,
    /// What PTRACE_GETEVENTMSG returns during the stop.
    message: AtomicUsize,
    /// What PTRACE_GETSIGINFO returns during the stop.
    info: Opaque<bindings::kernel_siginfo>,
    /// The stop is a PTRACE_EVENT_* stop, whose resume code means nothing;
    /// a system call stop's sends the signal it names.
    event_stop: AtomicBool,
}

// SAFETY: `info` is written only by the traced thread, in a callback,
// before it commits to the stop; the tracer reads and writes it (through
// `last_siginfo`) only while the thread sleeps in that stop, frozen by
// the request, as with the siginfo on ptrace_stop()'s caller's stack.
unsafe impl Sync for Tracee {}
// SAFETY: As above; nothing in `Tracee` belongs to one thread.
unsafe impl Send for Tracee {}

impl Tracee {
    /// Records the system call stop the current thread makes now, if its
    /// tracer asked for one; returns whether it stops, and whether the
    /// system call is skipped (PTRACE_SYSEMU).
    fn syscall_stop(&self, entry: bool) -> (bool, bool) {
        let mut message: c_ulong = 0;
        let mut emulate = false;
        // SAFETY: `info` is ours to write: the thread is not in a stop.
        // The other pointers are locals.
        let code = unsafe {
            ptrace_engine_syscall_stop(entry, self.info.get(), &mut message, &mut emulate)
        };
        self.code.store(code, Ordering::Relaxed);
        self.message.store(message as usize, Ordering::Relaxed);
        self.event_stop.store(false, Ordering::Relaxed);
        (code != 0, emulate)
    }

    /// Stops tracing system calls once the tracer let go.
    fn quiet_if_untraced(engine: &Engine) {
        // SAFETY: A callback runs in the current task.
        let task = unsafe { &*bindings::get_current().cast::<Task>() };
        // SAFETY: `task` is the current task.
        if !unsafe { ptrace_engine_is_traced(task_ptr(task)) } {
            // Only clone reports are left: a clone must be seen if the
            // thread is traced again. This cannot fail on a live engine.
            let _ = utrace::set_events(task, engine, Events::CLONE);
        }
    }
}

impl EngineOps for Tracee {
    fn identity(&self) -> (usize, usize) {
        identity()
    }

    fn report_syscall_entry(&self, engine: &Engine, _regs: &mut UserRegs<'_>) -> SyscallEntry {
        let (stops, abort) = self.syscall_stop(true);
        if !stops {
            Self::quiet_if_untraced(engine);
        }
        SyscallEntry {
            action: if stops { Action::Stop } else { Action::Resume },
            abort,
        }
    }

    fn report_syscall_exit(&self, engine: &Engine, _regs: &mut UserRegs<'_>) -> Action {
        if self.syscall_stop(false).0 {
            return Action::Stop;
        }
        Self::quiet_if_untraced(engine);
        Action::Resume
    }

    fn report_clone(&self, _engine: &Engine, _clone_flags: u64, child: &Task) -> Action {
        // SAFETY: kernel_clone() holds a reference on `child`.
        if unsafe { ptrace_engine_is_traced(task_ptr(child)) } {
            if let Err(e) = attach(child) {
                // The child stays traced, but makes no system call stops.
                pr_warn!("no ptrace engine for a traced child: {:?}\n", e);
            }
        }
        Action::Resume
    }

    fn report_directed(&self, _engine: &Engine, event: u32, message: u64) -> Action {
        // SAFETY: `info` is ours to write: the thread is not in a stop.
        let code = unsafe { ptrace_engine_event_info(event as c_int, self.info.get()) };
        self.code.store(code, Ordering::Relaxed);
        self.message.store(message as usize, Ordering::Relaxed);
        self.event_stop.store(true, Ordering::Relaxed);
        Action::Stop
    }

    fn stop_commit(&self, _engine: &Engine) -> bool {
        let code = self.code.load(Ordering::Relaxed);
        let message = self.message.load(Ordering::Relaxed) as c_ulong;
        // SAFETY: Called by the stopping thread in TASK_TRACED with
        // preemption off, as ptrace_stop_commit() needs; `info` lives as
        // long as the engine, which the core holds during the stop.
        code != 0 && unsafe { ptrace_engine_commit_trap(code, message, self.info.get()) }
    }

    fn holds_stop(&self, _engine: &Engine, task: &Task) -> bool {
        // SAFETY: The core's caller holds `task`.
        unsafe { ptrace_engine_holds(task_ptr(task)) }
    }

    fn stop_done(&self, _engine: &Engine) {
        self.code.store(0, Ordering::Relaxed);
        if self.event_stop.load(Ordering::Relaxed) {
            // SAFETY: Called by the thread itself, after a committed stop.
            unsafe { ptrace_stop_done() };
        } else {
            // SAFETY: As above.
            unsafe { ptrace_engine_syscall_stop_done() }
        }
    }

    fn stops_while_dying(&self) -> bool {
        // PTRACE_EVENT_EXIT stops even after SIGKILL, once it is dequeued.
        true
    }

    fn makes_exec_unsafe(&self) -> bool {
        // ptrace decides on its own, from its tracer's credentials.
        false
    }
}

/// Attaches a ptrace engine to `task`, unless it has one already.
fn attach(task: &Task) -> Result {
    let ops: Arc<dyn EngineOps> = Arc::new(
        Tracee {
            code: AtomicI32::new(0),
            message: AtomicUsize::new(0),
            info: Opaque::uninit(),
            event_stop: AtomicBool::new(false),
        },
        GFP_KERNEL,
    )?;
    let engine = match utrace::attach(task, &ops, AttachMode::Exclusive) {
        Ok(engine) => engine,
        Err(e) if e == EEXIST => utrace::find(task, identity())?,
        Err(e) => return Err(e),
    };
    // An engine already there may serve a tracer that traces system
    // calls (a second PTRACE_ATTACH fails later): only add clone reports.
    utrace::set_events(task, &engine, engine.events() | Events::CLONE)
}

/// Gives `task` a ptrace engine before its tracer links to it.
///
/// Called by the tracer for PTRACE_ATTACH and PTRACE_SEIZE, under the
/// task's cred_guard_mutex, or by the task itself for PTRACE_TRACEME.
/// Returns 0 or `-ENOMEM`. A task that is exiting or being reaped gets no
/// engine and no error: it makes no more system calls, and the link
/// itself fails for a reaped task.
///
/// # Safety
///
/// `task` is a valid task that the caller holds.
#[no_mangle]
unsafe extern "C" fn ptrace_engine_attach(task: *mut bindings::task_struct) -> c_int {
    // SAFETY: The caller holds `task`; `Task` is a transparent wrapper
    // around `task_struct`.
    let task = unsafe { &*task.cast::<Task>() };
    match attach(task) {
        Ok(()) => 0,
        Err(e) if e == ENOMEM => e.to_errno(),
        Err(_) => 0,
    }
}

/// The tracer resumed `task`: its engine reports system calls only if the
/// tracer asked for system call stops (PTRACE_SYSCALL, PTRACE_SYSEMU).
///
/// # Safety
///
/// `task` is a valid task, ptraced by the caller and frozen for the
/// request.
#[no_mangle]
unsafe extern "C" fn ptrace_engine_resume(task: *mut bindings::task_struct) {
    // SAFETY: The caller holds `task`, which ptrace froze.
    let syscalls = unsafe { ptrace_engine_syscalls_traced(task) };
    // SAFETY: As above; `Task` is a transparent wrapper.
    let task = unsafe { &*task.cast::<Task>() };
    let Ok(engine) = utrace::find(task, identity()) else {
        return;
    };
    let mut events = Events::CLONE;
    if syscalls {
        events = events | Events::SYSCALL_ENTRY | Events::SYSCALL_EXIT;
    }
    // Most resumes keep the mode (strace always asks for syscall stops):
    // then the core's lock and flags are left alone.
    if engine.events() != events {
        // A frozen task runs no callback, so this cannot fail.
        let _ = utrace::set_events(task, &engine, events);
    }
}

/// The current task makes the PTRACE_EVENT_* stop `event`, with
/// `message` for PTRACE_GETEVENTMSG; helpers.c checked that its tracer
/// asked for it.
#[no_mangle]
extern "C" fn ptrace_engine_report_event(event: c_int, message: c_ulong) {
    // SAFETY: Called by the current task, which outlives the call.
    let task = unsafe { &*bindings::get_current().cast::<Task>() };
    // Only a child whose engine could not be allocated has none.
    if let Ok(engine) = utrace::find(task, identity()) {
        utrace::report_directed(&engine, event as u32, message);
    }
}
