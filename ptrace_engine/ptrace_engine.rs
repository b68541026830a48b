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
//! Every ptrace stop is the engine's: system call stops, PTRACE_EVENT_*
//! stops (fork, vfork, clone, vfork done, exec, exit, seccomp),
//! signal-delivery stops, the trap of a step into a signal handler, and
//! the job control traps (a group stop, PTRACE_INTERRUPT, PTRACE_LISTEN's
//! notifications, the first trap of a seized task).
//!
//! Once its tracer lets go, an engine stays attached and does nothing,
//! until the thread is reaped or traced again. Detaching it there and then
//! would race with a new tracer's attach.

use core::any::Any;
use core::ffi::{c_int, c_ulong};
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicPtr, AtomicU32, AtomicU8, Ordering};
use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::task::Task;
use kernel::types::Opaque;
use utrace::{Action, AttachMode, Engine, EngineOps, Events, SignalReport, SyscallEntry, UserRegs};

const __LOG_PREFIX: &[u8] = b"ptrace_engine\0";

// `task_struct` and `kernel_siginfo` only cross by pointer.
#[allow(improper_ctypes)]
extern "C" {
    fn ptrace_engine_is_traced(task: *mut bindings::task_struct) -> bool;
    fn ptrace_engine_holds(task: *mut bindings::task_struct) -> bool;
    fn ptrace_engine_stop_record(
        task: *mut bindings::task_struct,
    ) -> *mut bindings::ptrace_stop_record;
    fn ptrace_engine_syscall_stop(
        entry: bool,
        sysgood: bool,
        info: *mut bindings::kernel_siginfo,
        message: *mut c_ulong,
        emulate: *mut bool,
    ) -> c_int;
    fn ptrace_engine_event_info(event: c_int, info: *mut bindings::kernel_siginfo) -> c_int;
    fn ptrace_engine_signal_info(signr: c_int, info: *mut bindings::kernel_siginfo);
    fn ptrace_jobctl_trap_commit(
        record: *mut bindings::ptrace_stop_record,
        info: *mut bindings::kernel_siginfo,
    ) -> bool;
    fn ptrace_engine_untrace_child(child: *mut bindings::task_struct);
}

/// The events a traced thread reports to its engine, but for system calls.
const TRACED_EVENTS: Events = Events::CLONE.union(Events::ALL_SIGNALS);

/// The `why` of a trap's stop, for ptrace_stop_commit().
const CLD_TRAPPED: c_int = bindings::CLD_TRAPPED as c_int;

/// PTRACE_O_TRACESYSGOOD, which bindgen does not see.
const PTRACE_O_TRACESYSGOOD: u32 = 1;

/// The kinds of stop, which end differently.
const SYSCALL_STOP: u8 = 0;
/// A PTRACE_EVENT_* stop, or the trap of a step into a signal handler:
/// the resume code means nothing.
const EVENT_STOP: u8 = 1;
/// A signal-delivery stop: the resume code is the signal to deliver.
const SIGNAL_STOP: u8 = 2;
/// A job control trap, whose code is read as it is committed; the resume
/// code means nothing.
const JOBCTL_TRAP: u8 = 3;

/// What `report_directed` reports for a job control trap, besides the
/// PTRACE_EVENT_* numbers: PTRACE_EVENT_STOP, which bindgen does not see.
const JOBCTL_TRAP_EVENT: u32 = 128;

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
    /// What the tracer reads of the stop: the message PTRACE_GETEVENTMSG
    /// returns, and the siginfo of PTRACE_GETSIGINFO and
    /// PTRACE_SETSIGINFO: `info`, or for a signal-delivery stop the
    /// signal's siginfo in get_signal()'s frame. `task->ptrace_stop`
    /// points to it during the stop.
    record: Opaque<bindings::ptrace_stop_record>,
    /// What PTRACE_GETSIGINFO returns during a trap the engine makes.
    info: Opaque<bindings::kernel_siginfo>,
    /// `SYSCALL_STOP`, `EVENT_STOP`, `SIGNAL_STOP` or `JOBCTL_TRAP`.
    kind: AtomicU8,
    /// The signal a signal-delivery stop ends with: the tracer's resume
    /// code, or the signal itself if the thread did not stop.
    resume_signal: AtomicI32,
    /// The thread stopped for a signal, and has yet to act on the
    /// tracer's choice.
    at_signal: AtomicBool,
    /// The tracer's last resume asked for a single step or a block step.
    steps: AtomicBool,
    /// The tracer's PTRACE_O_* options, but for EXITKILL and
    /// SUSPEND_SECCOMP, which task->ptrace keeps for exit_ptrace() and
    /// seccomp. PTRACE_O_TRACESYSGOOD is bit 0, and each event's bit is
    /// its PTRACE_EVENT_* number.
    options: AtomicU32,
    /// The engine these are the ops of, once attached: what a resume
    /// request looks at without the core's lock.
    engine: AtomicPtr<Engine>,
}

// SAFETY: `record` and `info` (or the siginfo `record` points to) are
// written only by the traced thread, in a callback, before it commits to
// the stop; the tracer reads them (and writes the siginfo) through
// `task->ptrace_stop` only while the thread sleeps in that stop, frozen by
// the request or under its siglock, as with the siginfo on ptrace_stop()'s
// caller's stack.
unsafe impl Sync for Tracee {}
// SAFETY: As above; nothing in `Tracee` belongs to one thread.
unsafe impl Send for Tracee {}

impl Tracee {
    /// Records what the tracer reads of the next stop.
    fn set_record(&self, message: usize, siginfo: *mut bindings::kernel_siginfo) {
        let record = self.record.get();
        // SAFETY: `record` is ours to write: the thread is not in a stop
        // (see `Sync` above).
        unsafe {
            (*record).message = message;
            (*record).siginfo = siginfo;
        }
    }

    /// Records the system call stop the current thread makes now, if its
    /// tracer asked for one; returns whether it stops, and whether the
    /// system call is skipped (PTRACE_SYSEMU).
    fn syscall_stop(&self, entry: bool) -> (bool, bool) {
        let mut message: c_ulong = 0;
        let mut emulate = false;
        let sysgood = self.options.load(Ordering::Relaxed) & PTRACE_O_TRACESYSGOOD != 0;
        // SAFETY: `info` is ours to write: the thread is not in a stop.
        // The other pointers are locals.
        let code = unsafe {
            ptrace_engine_syscall_stop(entry, sysgood, self.info.get(), &mut message, &mut emulate)
        };
        self.code.store(code, Ordering::Relaxed);
        self.set_record(message as usize, self.info.get());
        self.kind.store(SYSCALL_STOP, Ordering::Relaxed);
        (code != 0, emulate)
    }

    /// Records the PTRACE_EVENT_* stop `event` (0 for the trap of a step
    /// into a signal handler), whose message is `message`.
    fn event_stop(&self, event: c_int, message: u64) -> Action {
        // SAFETY: `info` is ours to write: the thread is not in a stop.
        let code = unsafe { ptrace_engine_event_info(event, self.info.get()) };
        self.code.store(code, Ordering::Relaxed);
        self.set_record(message as usize, self.info.get());
        self.kind.store(EVENT_STOP, Ordering::Relaxed);
        Action::Stop
    }

    /// Whether the current thread is ptraced; if not, its engine stops
    /// reporting all but clones, until it is traced again.
    fn traced_or_quiet(engine: &Engine) -> bool {
        let task = current();
        // SAFETY: `task` is the current task.
        if unsafe { ptrace_engine_is_traced(task_ptr(task)) } {
            return true;
        }
        // A clone must be seen if the thread is traced again. This cannot
        // fail on a live engine.
        let _ = utrace::set_events(task, engine, Events::CLONE);
        false
    }

    /// Whether the tracer asked for the PTRACE_EVENT_* stop `event`.
    fn event_enabled(&self, event: c_int) -> bool {
        (0..32).contains(&event) && self.options.load(Ordering::Relaxed) & (1 << event) != 0
    }

    /// The state of a ptrace engine that [`utrace::find`] found.
    fn of(engine: &Engine) -> Option<&Tracee> {
        engine.ops().data()?.downcast_ref::<Tracee>()
    }

    /// The state of the ptrace engine of `task`, which a ptrace request
    /// froze in its stop, and that engine; `None` if the task is in no
    /// ptrace stop.
    ///
    /// # Safety
    ///
    /// `task` is a valid task, ptraced by the caller and frozen for the
    /// request.
    unsafe fn of_frozen<'a>(task: *mut bindings::task_struct) -> Option<(&'a Tracee, &'a Engine)> {
        // SAFETY: The task is frozen in its stop: its record is only set
        // and cleared by the task itself, under siglock, as it enters and
        // leaves a stop.
        let record = unsafe { ptrace_engine_stop_record(task) };
        if record.is_null() {
            return None;
        }
        // SAFETY: Every stop record is the `record` of a `Tracee`: only
        // `stop_commit` gives one to C. Its engine committed to the stop
        // the task is in, and the core keeps such an engine in the task's
        // list, alive, until the task hears that the stop is over.
        let tracee = unsafe { &*kernel::container_of!(record, Tracee, record) };
        let engine = tracee.engine.load(Ordering::Acquire);
        // SAFETY: As above, for the engine `attach` recorded.
        Some((tracee, unsafe { engine.as_ref()? }))
    }
}

/// The current task, for the callbacks, which run in it.
fn current() -> &'static Task {
    // SAFETY: A callback runs in the current task, which outlives it.
    unsafe { &*bindings::get_current().cast::<Task>() }
}

impl EngineOps for Tracee {
    fn identity(&self) -> (usize, usize) {
        identity()
    }

    fn report_syscall_entry(&self, engine: &Engine, _regs: &mut UserRegs<'_>) -> SyscallEntry {
        let (stops, abort) = self.syscall_stop(true);
        if !stops {
            Self::traced_or_quiet(engine);
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
        Self::traced_or_quiet(engine);
        Action::Resume
    }

    /// A signal-delivery stop, as ptrace_signal() made. A signal another
    /// engine discarded, or claimed as its own, is not there for ptrace.
    fn report_signal(&self, engine: &Engine, signal: &mut SignalReport<'_>) -> Action {
        if signal.is_ignored() || !Self::traced_or_quiet(engine) {
            return Action::Resume;
        }
        let signr = signal.signr();
        let info: *mut bindings::kernel_siginfo = signal.info();
        self.code.store(signr, Ordering::Relaxed);
        self.set_record(0, info);
        self.resume_signal.store(signr, Ordering::Relaxed);
        self.kind.store(SIGNAL_STOP, Ordering::Relaxed);
        self.at_signal.store(true, Ordering::Relaxed);
        Action::Stop
    }

    /// The signal becomes the one the tracer resumed with: none, the same
    /// one with the siginfo the tracer may have set, or another, sent as
    /// by the tracer. (The core puts it back in the queue if it is now
    /// blocked, or if SIGKILL is pending.)
    fn report_signal_resume(&self, _engine: &Engine, signal: &mut SignalReport<'_>) {
        if !self.at_signal.swap(false, Ordering::Relaxed) {
            return;
        }
        // get_signal()'s siginfo is gone after the report.
        self.set_record(0, ptr::null_mut());
        if signal.is_ignored() {
            return;
        }
        match self.resume_signal.load(Ordering::Relaxed) {
            0 => signal.ignore(),
            signr => {
                // SAFETY: The siginfo is get_signal()'s, ours in the report.
                unsafe { ptrace_engine_signal_info(signr, signal.info()) };
                signal.deliver(signr);
            }
        }
    }

    /// A thread the tracer single-steps traps on entering a handler, as
    /// signal_delivered() made it: a SIGTRAP stop with si_code SIGTRAP.
    fn report_signal_handler(&self, engine: &Engine, stepping: bool) -> Action {
        if !stepping || !self.steps.load(Ordering::Relaxed) || !Self::traced_or_quiet(engine) {
            return Action::Resume;
        }
        self.event_stop(0, 0)
    }

    fn report_clone(&self, _engine: &Engine, _clone_flags: u64, child: &Task) -> Action {
        // SAFETY: kernel_clone() holds a reference on `child`.
        if unsafe { ptrace_engine_is_traced(task_ptr(child)) } {
            let options = self.options.load(Ordering::Relaxed);
            if let Err(e) = attach(child, options) {
                // No ptrace stop without an engine: the child runs free.
                pr_warn!(
                    "no ptrace engine for a traced child ({:?}): not traced\n",
                    e
                );
                // SAFETY: As above; the child has not run yet.
                unsafe { ptrace_engine_untrace_child(task_ptr(child)) };
            }
        }
        Action::Resume
    }

    fn report_directed(&self, _engine: &Engine, event: u32, message: u64) -> Action {
        if event == JOBCTL_TRAP_EVENT {
            self.kind.store(JOBCTL_TRAP, Ordering::Relaxed);
            return Action::Stop;
        }
        self.event_stop(event as c_int, message)
    }

    fn data(&self) -> Option<&dyn Any> {
        Some(self)
    }

    fn stop_commit(&self, _engine: &Engine) -> bool {
        if self.kind.load(Ordering::Relaxed) == JOBCTL_TRAP {
            // SAFETY: Called by the stopping thread in TASK_TRACED with
            // preemption off, as ptrace_jobctl_trap_commit() needs;
            // `record` and `info` live as long as the engine, which the
            // core holds during the stop.
            return unsafe { ptrace_jobctl_trap_commit(self.record.get(), self.info.get()) };
        }
        let code = self.code.load(Ordering::Relaxed);
        // SAFETY: As above, for ptrace_stop_commit(); the siginfo the
        // record points to is the engine's, or that of the signal report
        // the stop is part of.
        code != 0 && unsafe { bindings::ptrace_stop_commit(code, CLD_TRAPPED, self.record.get()) }
    }

    fn holds_stop(&self, _engine: &Engine, task: &Task) -> bool {
        // SAFETY: The core's caller holds `task`.
        unsafe { ptrace_engine_holds(task_ptr(task)) }
    }

    fn stop_done(&self, _engine: &Engine) {
        self.code.store(0, Ordering::Relaxed);
        // SAFETY: Called by the thread itself, after a committed stop.
        let signr = unsafe { bindings::ptrace_stop_done() };
        match self.kind.load(Ordering::Relaxed) {
            // A signal the tracer resumed a system call stop with is sent,
            // as ptrace_report_syscall() did: not the same as continuing
            // with a signal, but what strace and gdb have always seen.
            SYSCALL_STOP if signr != 0 => {
                // SAFETY: The current task sends a signal to itself.
                unsafe { bindings::send_sig(signr, bindings::get_current(), 1) };
            }
            SIGNAL_STOP => self.resume_signal.store(signr, Ordering::Relaxed),
            _ => {}
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

/// Attaches a ptrace engine to `task`, unless it has one already, and
/// gives it `options` if `task` is not traced yet.
fn attach(task: &Task, options: u32) -> Result {
    let ops: Arc<dyn EngineOps> = Arc::new(
        Tracee {
            code: AtomicI32::new(0),
            record: Opaque::new(bindings::ptrace_stop_record {
                message: 0,
                siginfo: ptr::null_mut(),
            }),
            info: Opaque::uninit(),
            kind: AtomicU8::new(SYSCALL_STOP),
            resume_signal: AtomicI32::new(0),
            at_signal: AtomicBool::new(false),
            steps: AtomicBool::new(false),
            options: AtomicU32::new(options),
            engine: AtomicPtr::new(ptr::null_mut()),
        },
        GFP_KERNEL,
    )?;
    let engine = match utrace::attach(task, &ops, AttachMode::Exclusive) {
        Ok(engine) => {
            if let Some(tracee) = Tracee::of(&engine) {
                let listed: *const Engine = &*engine;
                tracee.engine.store(listed.cast_mut(), Ordering::Release);
            }
            engine
        }
        Err(e) if e == EEXIST => utrace::find(task, identity())?,
        Err(e) => return Err(e),
    };
    // An engine already there may serve a tracer that traces system
    // calls (a second PTRACE_ATTACH fails later): only add what a new
    // tracer needs, and forget what an old one asked for.
    // SAFETY: The caller holds `task`.
    let traced = unsafe { ptrace_engine_is_traced(task_ptr(task)) };
    if let Some(tracee) = Tracee::of(&engine).filter(|_| !traced) {
        tracee.steps.store(false, Ordering::Relaxed);
        tracee.options.store(options, Ordering::Relaxed);
    }
    utrace::set_events(task, &engine, engine.events() | TRACED_EVENTS)
}

/// Gives `task` a ptrace engine before its tracer links to it.
///
/// Called by the tracer for PTRACE_ATTACH and PTRACE_SEIZE (with the
/// options it seizes with), under the task's cred_guard_mutex, or by the
/// task itself for PTRACE_TRACEME.
/// Returns 0 or `-ENOMEM`. A task that is exiting or being reaped gets no
/// engine and no error: it makes no more system calls, and the link
/// itself fails for a reaped task.
///
/// # Safety
///
/// `task` is a valid task that the caller holds.
#[no_mangle]
unsafe extern "C" fn ptrace_engine_attach(
    task: *mut bindings::task_struct,
    options: c_ulong,
) -> c_int {
    // SAFETY: The caller holds `task`; `Task` is a transparent wrapper
    // around `task_struct`.
    let task = unsafe { &*task.cast::<Task>() };
    // ptrace_attach() checked them against PTRACE_O_MASK.
    match attach(task, options as u32) {
        Ok(()) => 0,
        Err(e) if e == ENOMEM => e.to_errno(),
        Err(_) => 0,
    }
}

/// The tracer resumed `task`: its engine reports system calls only if the
/// tracer asked for system call stops (PTRACE_SYSCALL, PTRACE_SYSEMU:
/// `syscalls`), and traps on entering a signal handler only if it asked
/// for a step (`steps`).
///
/// # Safety
///
/// `task` is a valid task, ptraced by the caller and frozen for the
/// request.
#[no_mangle]
unsafe extern "C" fn ptrace_engine_resume(
    task: *mut bindings::task_struct,
    syscalls: bool,
    steps: bool,
) {
    let mut events = TRACED_EVENTS;
    if syscalls {
        events = events | Events::SYSCALL_ENTRY | Events::SYSCALL_EXIT;
    }
    // The stopped task's engine is found without a lock, and most resumes
    // keep the mode (strace always asks for syscall stops).
    // SAFETY: As this function's caller promises.
    let frozen = unsafe { Tracee::of_frozen(task) };
    // SAFETY: As above; `Task` is a transparent wrapper.
    let task = unsafe { &*task.cast::<Task>() };
    if let Some((tracee, engine)) = frozen {
        tracee.steps.store(steps, Ordering::Relaxed);
        if engine.events() != events {
            // A frozen task runs no callback, so this cannot fail.
            let _ = utrace::set_events(task, engine, events);
        }
        return;
    }
    let changed = utrace::with_engine(task, identity(), |engine| {
        if let Some(tracee) = Tracee::of(engine) {
            tracee.steps.store(steps, Ordering::Relaxed);
        }
        (engine.events() != events).then(|| engine.clone())
    });
    if let Ok(Some(engine)) = changed {
        // A frozen task runs no callback, so this cannot fail.
        let _ = utrace::set_events(task, &engine, events);
    }
}

/// PTRACE_SETOPTIONS: `options`, checked by ptrace_setoptions(), are the
/// tracer's from now on.
///
/// # Safety
///
/// `task` is a valid task, ptraced by the caller and frozen for the
/// request.
#[no_mangle]
unsafe extern "C" fn ptrace_engine_set_options(task: *mut bindings::task_struct, options: c_ulong) {
    // SAFETY: The caller holds `task`; `Task` is a transparent wrapper.
    let task = unsafe { &*task.cast::<Task>() };
    let _ = utrace::with_engine(task, identity(), |engine| {
        if let Some(tracee) = Tracee::of(engine) {
            tracee.options.store(options as u32, Ordering::Relaxed);
        }
    });
}

/// Whether `task`'s tracer asked for the PTRACE_EVENT_* stop `event`:
/// ptrace_event_enabled(), for a ptraced task.
///
/// # Safety
///
/// `task` is a valid task that the caller holds.
#[no_mangle]
unsafe extern "C" fn ptrace_engine_event_enabled(
    task: *mut bindings::task_struct,
    event: c_int,
) -> bool {
    // SAFETY: The caller holds `task`; `Task` is a transparent wrapper.
    let task = unsafe { &*task.cast::<Task>() };
    utrace::with_engine(task, identity(), |engine| {
        Tracee::of(engine).is_some_and(|t| t.event_enabled(event))
    })
    .unwrap_or(false)
}

/// The current task makes the job control trap its tracer asked for,
/// from do_jobctl_trap(); returns false if it has no ptrace engine.
#[no_mangle]
extern "C" fn ptrace_engine_report_trap() -> bool {
    let Ok(engine) = utrace::find(current(), identity()) else {
        return false;
    };
    utrace::report_directed(&engine, JOBCTL_TRAP_EVENT, 0);
    true
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
