// SPDX-License-Identifier: GPL-2.0

//! The core's API for engines written in C, declared in
//! `utrace/utrace_engine.h`: each function is the Rust function of the
//! same name, with errors as negative errnos and the engine as an opaque
//! `struct utrace_engine` pointer (a reference counted like [`Arc`]).

use crate::engine::{Engine, EngineOps, JobControl, SyscallEntry, UserRegs};
use crate::{ffi, Action, AttachMode, Events, SignalReport};
use core::ffi::{c_int, c_long, c_ulong, c_void};
use core::sync::atomic::{AtomicBool, Ordering};
use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::task::Task;

/// `struct utrace_engine_ops`: a C engine's callbacks, any of them NULL.
#[repr(C)]
struct CEngineOps {
    report_quiesce: Option<unsafe extern "C" fn(*const Engine, *mut c_void, c_ulong) -> c_int>,
    report_syscall_entry: Option<
        unsafe extern "C" fn(
            *const Engine,
            *mut c_void,
            *mut bindings::pt_regs,
            *mut bool,
        ) -> c_int,
    >,
    report_syscall_exit:
        Option<unsafe extern "C" fn(*const Engine, *mut c_void, *mut bindings::pt_regs) -> c_int>,
    report_signal: Option<
        unsafe extern "C" fn(
            *const Engine,
            *mut c_void,
            *mut c_int,
            *mut bindings::kernel_siginfo,
        ) -> c_int,
    >,
    report_clone: Option<
        unsafe extern "C" fn(
            *const Engine,
            *mut c_void,
            c_ulong,
            *mut bindings::task_struct,
        ) -> c_int,
    >,
    report_exec: Option<unsafe extern "C" fn(*const Engine, *mut c_void, c_int) -> c_int>,
    report_jctl: Option<unsafe extern "C" fn(*const Engine, *mut c_void, bool) -> c_int>,
    report_exit:
        Option<unsafe extern "C" fn(*const Engine, *mut c_void, c_long, *mut c_long) -> c_int>,
    report_death: Option<unsafe extern "C" fn(*const Engine, *mut c_void, bool) -> c_int>,
    report_reap:
        Option<unsafe extern "C" fn(*const Engine, *mut c_void, *mut bindings::task_struct)>,
    release: Option<unsafe extern "C" fn(*mut c_void)>,
}

/// A C engine: its callbacks and its data.
struct CEngine {
    ops: &'static CEngineOps,
    data: *mut c_void,
    /// It was attached: its data goes back with `release` when it goes.
    /// An attach that found another engine, or failed, releases nothing.
    attached: AtomicBool,
}

// SAFETY: A C engine's callbacks and data are made to be called from any
// traced thread, as the header says of every engine.
unsafe impl Send for CEngine {}
// SAFETY: As above.
unsafe impl Sync for CEngine {}

impl Drop for CEngine {
    fn drop(&mut self) {
        if !self.attached.load(Ordering::Relaxed) {
            return;
        }
        if let Some(release) = self.ops.release {
            // SAFETY: The engine is gone; the data goes back to its owner.
            unsafe { release(self.data) };
        }
    }
}

/// A C callback's answer, as an [`Action`].
fn action(answer: c_int) -> Action {
    Action::from_u8(u8::try_from(answer).unwrap_or(Action::Resume as u8))
}

impl CEngine {
    /// Calls `callback`, if the engine has it, with the engine and data.
    fn call(
        &self,
        engine: &Engine,
        callback: Option<impl FnOnce(*const Engine, *mut c_void) -> c_int>,
    ) -> Action {
        match callback {
            Some(f) => action(f(engine as *const Engine, self.data)),
            None => Action::Resume,
        }
    }
}

// SAFETY (every callback below): the C engine's functions take the engine
// and data as handed out here, and pointers valid for the call.
impl EngineOps for CEngine {
    fn identity(&self) -> (usize, usize) {
        (self.ops as *const CEngineOps as usize, self.data as usize)
    }

    fn report_quiesce(&self, engine: &Engine, event: Events) -> Action {
        let f = self.ops.report_quiesce;
        // SAFETY: See the impl.
        self.call(
            engine,
            f.map(|f| move |e, d| unsafe { f(e, d, event.bits().into()) }),
        )
    }

    fn report_syscall_entry(&self, engine: &Engine, regs: &mut UserRegs<'_>) -> SyscallEntry {
        let mut abort = false;
        let abort_ptr: *mut bool = &mut abort;
        let regs: *mut bindings::pt_regs = regs.raw();
        let f = self.ops.report_syscall_entry;
        // SAFETY: See the impl.
        let action = self.call(
            engine,
            f.map(|f| move |e, d| unsafe { f(e, d, regs, abort_ptr) }),
        );
        SyscallEntry { action, abort }
    }

    fn report_syscall_exit(&self, engine: &Engine, regs: &mut UserRegs<'_>) -> Action {
        let regs: *mut bindings::pt_regs = regs.raw();
        let f = self.ops.report_syscall_exit;
        // SAFETY: See the impl.
        self.call(engine, f.map(|f| move |e, d| unsafe { f(e, d, regs) }))
    }

    fn report_signal(&self, engine: &Engine, signal: &mut SignalReport<'_>) -> Action {
        let Some(f) = self.ops.report_signal else {
            return Action::Resume;
        };
        let mut signr = signal.signr();
        let info: *mut bindings::kernel_siginfo = signal.info();
        // SAFETY: See the impl.
        let answer = unsafe { f(engine, self.data, &mut signr, info) };
        if signr != signal.signr() {
            match signr {
                0 => signal.ignore(),
                s => signal.deliver(s),
            }
        }
        action(answer)
    }

    fn report_clone(&self, engine: &Engine, clone_flags: u64, child: &Task) -> Action {
        let child = child as *const Task as *mut bindings::task_struct;
        let f = self.ops.report_clone;
        // SAFETY: See the impl.
        self.call(
            engine,
            f.map(|f| move |e, d| unsafe { f(e, d, clone_flags as c_ulong, child) }),
        )
    }

    fn report_exec(&self, engine: &Engine, old_pid: i32) -> Action {
        let f = self.ops.report_exec;
        // SAFETY: See the impl.
        self.call(engine, f.map(|f| move |e, d| unsafe { f(e, d, old_pid) }))
    }

    fn report_jctl(&self, engine: &Engine, kind: JobControl) -> Action {
        let continued = kind == JobControl::Continued;
        let f = self.ops.report_jctl;
        // SAFETY: See the impl.
        self.call(engine, f.map(|f| move |e, d| unsafe { f(e, d, continued) }))
    }

    fn report_exit(&self, engine: &Engine, orig_code: i64, code: &mut i64) -> Action {
        let code: *mut c_long = code;
        let f = self.ops.report_exit;
        // SAFETY: See the impl.
        self.call(
            engine,
            f.map(|f| move |e, d| unsafe { f(e, d, orig_code, code) }),
        )
    }

    fn report_death(&self, engine: &Engine, group_dead: bool) -> Action {
        let f = self.ops.report_death;
        // SAFETY: See the impl.
        self.call(
            engine,
            f.map(|f| move |e, d| unsafe { f(e, d, group_dead) }),
        )
    }

    fn report_reap(&self, engine: &Engine, task: &Task) {
        if let Some(f) = self.ops.report_reap {
            // SAFETY: See the impl.
            unsafe {
                f(
                    engine,
                    self.data,
                    task as *const Task as *mut bindings::task_struct,
                )
            };
        }
    }
}

/// A negative errno for C.
fn errno(result: Result) -> c_int {
    match result {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// utrace_attach_task - attaches a C engine to @task, or looks it up
/// @task: the thread
/// @mode: an enum utrace_attach_mode; engines match on @ops and @data
/// @ops: the engine's callbacks, which outlive it
/// @data: the engine's data, given to every callback and to ->release()
///
/// Return: a reference to the engine, for utrace_engine_put(), or an
/// ERR_PTR() of the errors of the Rust `attach`, or -EINVAL for a bad
/// @mode.
///
/// # Safety
///
/// `task` must be a valid task and `ops` valid for as long as the engine
/// lives.
#[no_mangle]
unsafe extern "C" fn utrace_attach_task(
    task: *mut bindings::task_struct,
    mode: c_int,
    ops: *const CEngineOps,
    data: *mut c_void,
) -> *const Engine {
    let mode = match mode {
        0 => AttachMode::Create,
        1 => AttachMode::Exclusive,
        2 => AttachMode::Lookup,
        _ => return EINVAL.to_errno() as isize as *const Engine,
    };
    // SAFETY: The caller gives valid ops, which outlive the engine.
    let ops = unsafe { &*ops };
    let attached = AtomicBool::new(false);
    let c = match Arc::new(
        CEngine {
            ops,
            data,
            attached,
        },
        GFP_KERNEL,
    ) {
        Ok(c) => c,
        Err(e) => return Error::from(e).to_errno() as isize as *const Engine,
    };
    let dyn_ops: Arc<dyn EngineOps> = c.clone();
    // SAFETY: The caller gives a valid task.
    match crate::attach(unsafe { ffi::task_ref(task) }, &dyn_ops, mode) {
        Ok(engine) => {
            // A lookup returns an engine attached before, with its own data.
            if core::ptr::addr_eq(&**engine.ops(), &*c) {
                c.attached.store(true, Ordering::Relaxed);
            }
            Arc::into_raw(engine)
        }
        Err(e) => e.to_errno() as isize as *const Engine,
    }
}

/// utrace_engine_put - drops a reference from utrace_attach_task()
/// @engine: the engine
///
/// # Safety
///
/// `engine` must be a reference utrace_attach_task() returned, put once.
#[no_mangle]
unsafe extern "C" fn utrace_engine_put(engine: *const Engine) {
    // SAFETY: The caller gives back the reference it got.
    drop(unsafe { Arc::from_raw(engine) });
}

/// utrace_set_events - chooses the events @engine hears of on @task
/// @task: the thread
/// @engine: the engine
/// @events: a mask of BIT(UTRACE_EVENT_*)
///
/// Return: 0, or the errors of the Rust `set_events`.
///
/// # Safety
///
/// `task` and `engine` must be valid, `engine` held by the caller.
#[no_mangle]
unsafe extern "C" fn utrace_set_events(
    task: *mut bindings::task_struct,
    engine: *const Engine,
    events: c_ulong,
) -> c_int {
    let events = Events::from_bits(events as u32);
    // SAFETY: The caller gives a valid task and a held engine.
    errno(crate::set_events(
        unsafe { ffi::task_ref(task) },
        unsafe { &*engine },
        events,
    ))
}

/// utrace_control - asks @task to do @action for @engine
/// @task: the thread
/// @engine: the engine
/// @action: an enum utrace_resume_action
///
/// Return: 0, or the errors of the Rust `control`.
///
/// # Safety
///
/// `task` and `engine` must be valid, `engine` held by the caller.
#[no_mangle]
unsafe extern "C" fn utrace_control(
    task: *mut bindings::task_struct,
    engine: *const Engine,
    action: c_int,
) -> c_int {
    if !(0..=Action::Detach as c_int).contains(&action) {
        return EINVAL.to_errno();
    }
    // SAFETY: The caller gives a valid task and a held engine.
    let (task, engine) = unsafe { (ffi::task_ref(task), &*engine) };
    errno(crate::control(task, engine, self::action(action)))
}

/// utrace_barrier - waits until no callback of @engine runs on @task
/// @task: the thread
/// @engine: the engine
///
/// Return: 0, or -ERESTARTSYS on a signal.
///
/// # Safety
///
/// `task` and `engine` must be valid, `engine` held by the caller.
#[no_mangle]
unsafe extern "C" fn utrace_barrier(
    task: *mut bindings::task_struct,
    engine: *const Engine,
) -> c_int {
    // SAFETY: The caller gives a valid task and a held engine.
    errno(crate::barrier(unsafe { ffi::task_ref(task) }, unsafe {
        &*engine
    }))
}

/// utrace_prepare_examine - opens a window to examine stopped @task
/// @task: the thread
/// @engine: the engine that stopped it
/// @window: set to the window, for utrace_finish_examine()
///
/// Return: 0, or the errors of the Rust `prepare_examine`.
///
/// # Safety
///
/// `task` and `engine` must be valid, `engine` held by the caller, and
/// `window` writable.
#[no_mangle]
unsafe extern "C" fn utrace_prepare_examine(
    task: *mut bindings::task_struct,
    engine: *const Engine,
    window: *mut c_ulong,
) -> c_int {
    // SAFETY: The caller gives a valid task and a held engine.
    match crate::prepare_examine(unsafe { ffi::task_ref(task) }, unsafe { &*engine }) {
        Ok(w) => {
            // SAFETY: The caller gives a writable window.
            unsafe { *window = w.0 };
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// utrace_finish_examine - closes a window from utrace_prepare_examine()
/// @task: the thread
/// @engine: the engine
/// @window: the window
///
/// Return: 0, or -EAGAIN if @task ran in the meantime.
///
/// # Safety
///
/// `task` and `engine` must be valid, `engine` held by the caller.
#[no_mangle]
unsafe extern "C" fn utrace_finish_examine(
    task: *mut bindings::task_struct,
    engine: *const Engine,
    window: c_ulong,
) -> c_int {
    let window = crate::Examine(window);
    // SAFETY: The caller gives a valid task and a held engine.
    errno(crate::finish_examine(
        unsafe { ffi::task_ref(task) },
        unsafe { &*engine },
        window,
    ))
}
