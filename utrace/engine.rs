// SPDX-License-Identifier: GPL-2.0

//! Engines: what an engine author implements, and the core's record of it.

use crate::{Action, Events, SignalReport};
use core::any::Any;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU8, Ordering};
use kernel::bindings;
use kernel::sync::Arc;
use kernel::task::Task;

/// A traced thread's user registers, as saved on kernel entry.
pub struct UserRegs<'a>(pub(crate) &'a mut bindings::pt_regs);

impl UserRegs<'_> {
    /// The raw register block, for architecture code.
    pub fn raw(&mut self) -> &mut bindings::pt_regs {
        self.0
    }
}

/// What an engine answers at system call entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyscallEntry {
    /// What the thread does next.
    pub action: Action,
    /// Skip the system call; its result is whatever the registers hold.
    pub abort: bool,
}

/// A job control report: what happens to the thread's group stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobControl {
    /// The thread is about to stop with its thread group (a stop signal).
    Stopped,
    /// A SIGCONT woke the thread from its group stop.
    Continued,
}

/// The callbacks of an engine. Each runs in the traced thread's context,
/// with no lock held, and may sleep briefly; to make the thread wait, return
/// [`Action::Stop`] and resume it later with [`crate::control`].
///
/// Every callback has a default that asks for nothing; an engine overrides
/// those of the events it enables with [`crate::set_events`].
pub trait EngineOps: Send + Sync {
    /// Who the engine is, for [`crate::AttachMode::Exclusive`] and
    /// [`crate::AttachMode::Lookup`]: by default the ops object itself.
    fn identity(&self) -> (usize, usize) {
        (self as *const Self as *const () as usize, 0)
    }

    /// The thread is at a safe point, before reporting `event` (or with
    /// [`Events::NONE`], on its way back to user mode).
    fn report_quiesce(&self, _engine: &Engine, _event: Events) -> Action {
        Action::Resume
    }

    /// The thread entered a system call. Engines are called in reverse
    /// attach order here, so the last attached is the closest to user mode.
    fn report_syscall_entry(&self, _engine: &Engine, _regs: &mut UserRegs<'_>) -> SyscallEntry {
        SyscallEntry {
            action: Action::Resume,
            abort: false,
        }
    }

    /// The thread is about to return from a system call.
    fn report_syscall_exit(&self, _engine: &Engine, _regs: &mut UserRegs<'_>) -> Action {
        Action::Resume
    }

    /// The thread dequeued a signal of a kind the engine asked for (see
    /// [`SignalReport::kind`]). The engine may discard it, or deliver
    /// another; returning [`Action::Stop`] stops the thread before the
    /// kernel acts on it.
    fn report_signal(&self, _engine: &Engine, _signal: &mut SignalReport<'_>) -> Action {
        Action::Resume
    }

    /// Whether the signal is this engine's own doing, such as a
    /// breakpoint or a step it set. If one engine claims it, only the
    /// engines that claim it get [`EngineOps::report_signal`]; the others
    /// never see the signal. Asked before any engine is told of the signal.
    fn claims_signal(&self, _engine: &Engine, _signal: &SignalReport<'_>) -> bool {
        false
    }

    /// The thread is about to act on the signal of the last
    /// [`EngineOps::report_signal`], after any stop: the last chance to
    /// choose what becomes of it (a tracer decides when it resumes).
    fn report_signal_resume(&self, _engine: &Engine, _signal: &mut SignalReport<'_>) {}

    /// The thread created `child` (with `clone_flags`), which has not run
    /// yet: the engine may attach to it and stop it. A stop asked for here
    /// takes effect when the thread returns to user mode, after the child
    /// has been woken.
    fn report_clone(&self, _engine: &Engine, _clone_flags: u64, _child: &Task) -> Action {
        Action::Resume
    }

    /// The vfork child `child_pid` released the thread's memory (it
    /// exec'd or exited).
    fn report_vfork_done(&self, _engine: &Engine, _child_pid: i32) -> Action {
        Action::Resume
    }

    /// The thread exec'd; it was `old_pid` before (a non-leader thread
    /// takes the leader's pid when it execs).
    fn report_exec(&self, _engine: &Engine, _old_pid: i32) -> Action {
        Action::Resume
    }

    /// The thread is about to run a signal handler: its frame is set up
    /// and the handler's first instruction comes next. `stepping` says
    /// that the thread was single-stepping (for any engine) when it took
    /// the signal. A stepping engine stops here, or steps on into the
    /// handler.
    fn report_signal_handler(&self, _engine: &Engine, _stepping: bool) -> Action {
        Action::Resume
    }

    /// The thread is about to take part in a group stop, or a SIGCONT
    /// ended the one it was in (see [`JobControl`]). A stop the engine
    /// asks for comes first; a SIGCONT meanwhile cancels the group stop.
    fn report_jctl(&self, _engine: &Engine, _kind: JobControl) -> Action {
        Action::Resume
    }

    /// The thread started to exit with `*code`, which the engine may change.
    fn report_exit(&self, _engine: &Engine, _orig_code: i64, _code: &mut i64) -> Action {
        Action::Resume
    }

    /// The thread is dead. Only [`Action::Detach`] means anything here.
    fn report_death(&self, _engine: &Engine, _group_dead: bool) -> Action {
        Action::Resume
    }

    /// The thread is being reaped, possibly in the reaper's context. This is
    /// the last callback; the engine is detached when it returns.
    fn report_reap(&self, _engine: &Engine, _task: &Task) {}

    /// An event of the engine's own, that a hook of its own reported to it
    /// alone with [`crate::report_directed`] (ptrace's PTRACE_EVENT_*
    /// stops): `what` and `data` mean what the engine says.
    fn report_directed(&self, _engine: &Engine, _what: u32, _data: u64) -> Action {
        Action::Resume
    }

    /// The engine's own state, for its code outside the callbacks: a
    /// request handler that found the engine with [`crate::find`] reaches
    /// its state by downcasting this.
    fn data(&self) -> Option<&dyn Any> {
        None
    }

    /// The thread is about to stop because this engine holds it: the last
    /// step before it sleeps, for an engine that keeps its own record of
    /// the stop (ptrace tells the tracer here). The thread is already in
    /// `TASK_TRACED`, with preemption off: this must not sleep, and must
    /// not call the core. Returning false gives up the hold.
    fn stop_commit(&self, _engine: &Engine) -> bool {
        true
    }

    /// Whether this engine still holds `task` in the stop it committed
    /// to, besides its [`Action::Stop`] request: an engine whose tracer
    /// resumes the thread by other means (ptrace's JOBCTL_TRACED) says
    /// false, then wakes the thread. Called under the core's lock, from
    /// any context: it must not sleep.
    fn holds_stop(&self, _engine: &Engine, _task: &Task) -> bool {
        true
    }

    /// The stop this engine committed to is over for it (it resumed,
    /// detached, or SIGKILL ended the stop), in the thread's context,
    /// before it goes on. Called once for each [`EngineOps::stop_commit`]
    /// that returned true, even if the engine was detached meanwhile.
    fn stop_done(&self, _engine: &Engine) {}

    /// Whether a thread already dying of a signal may stop for this engine
    /// in [`crate::report_directed`], as long as no SIGKILL is pending:
    /// ptrace's PTRACE_EVENT_EXIT stop comes after a SIGKILL was dequeued.
    fn stops_while_dying(&self) -> bool {
        false
    }

    /// Whether an exec by a thread this engine is attached to is unsafe,
    /// as under a ptracer without CAP_SYS_PTRACE: a set-id program then
    /// runs without its privileges. An engine that records the tracer's
    /// credentials, as ptrace does, may say false.
    fn makes_exec_unsafe(&self) -> bool {
        true
    }
}

/// An engine attached to one thread. The core keeps one reference while it
/// is attached; `attach` hands the caller another.
pub struct Engine {
    ops: Arc<dyn EngineOps>,
    events: AtomicU32,
    /// The standing request, an [`Action`]; written under the task's lock.
    request: AtomicU8,
    detached: AtomicBool,
    /// The engine committed to the thread's current stop and has not been
    /// told it is over; written under the task's lock.
    committed: AtomicBool,
    /// The engine is committed, and its [`EngineOps::stop_commit`] has not
    /// returned yet: it holds the thread whatever its `holds_stop` says,
    /// since the hold that callback sets up may not be there yet.
    committing: AtomicBool,
}

impl Engine {
    pub(crate) fn new(ops: Arc<dyn EngineOps>) -> Self {
        Self {
            ops,
            events: AtomicU32::new(0),
            request: AtomicU8::new(Action::Resume as u8),
            detached: AtomicBool::new(false),
            committed: AtomicBool::new(false),
            committing: AtomicBool::new(false),
        }
    }

    /// The engine's callbacks, as given to [`crate::attach`].
    #[inline]
    pub fn ops(&self) -> &Arc<dyn EngineOps> {
        &self.ops
    }

    /// The events this engine asked for.
    #[inline]
    pub fn events(&self) -> Events {
        Events::from_bits(self.events.load(Ordering::Acquire))
    }

    pub(crate) fn store_events(&self, events: Events) {
        self.events.store(events.bits(), Ordering::Release);
    }

    /// Whether this engine has been detached.
    #[inline]
    pub fn is_detached(&self) -> bool {
        self.detached.load(Ordering::Acquire)
    }

    pub(crate) fn mark_detached(&self) {
        self.events.store(0, Ordering::Release);
        self.detached.store(true, Ordering::Release);
    }

    pub(crate) fn request(&self) -> Action {
        Action::from_u8(self.request.load(Ordering::Acquire))
    }

    pub(crate) fn set_request(&self, action: Action) {
        self.request.store(action as u8, Ordering::Release);
    }

    /// Whether this engine holds `task` stopped.
    pub(crate) fn wants_stop(&self, task: &Task) -> bool {
        !self.is_detached()
            && self.request() == Action::Stop
            && (!self.is_committed()
                || self.committing.load(Ordering::Acquire)
                || self.ops.holds_stop(self, task))
    }

    pub(crate) fn is_committed(&self) -> bool {
        self.committed.load(Ordering::Acquire)
    }

    /// Marks the engine as committed to the thread's stop (and about to
    /// be told so), or not.
    pub(crate) fn set_committed(&self, committed: bool) {
        self.committing.store(committed, Ordering::Release);
        self.committed.store(committed, Ordering::Release);
    }

    /// Its [`EngineOps::stop_commit`] returned true: from now on, its
    /// `holds_stop` says whether it holds the thread.
    pub(crate) fn end_committing(&self) {
        self.committing.store(false, Ordering::Release);
    }
}

/// A tracer waiting for a thread to stop; see [`crate::wake_up_on_stop`].
pub trait StopWaiter: Send + Sync {
    /// The thread has stopped, or it is clear that it will not stop. Called
    /// with a spinlock held: it must not sleep (waking a `CondVar` is fine).
    fn wake(&self);
}
