// SPDX-License-Identifier: GPL-2.0

//! The core's per-task state, hung off `task->utrace`.

use crate::engine::{Engine, StopWaiter};
use crate::event::Events;
use crate::ffi;
use crate::Action;
use core::ptr;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::{Arc, CondVar, SpinLock};
use kernel::task::Task;
use kernel::types::Opaque;
use kernel::{new_condvar, new_spinlock};

/// What the lock of a task's [`Utrace`] protects.
pub(crate) struct State {
    /// Attached engines in attach order; detached ones stay until the task
    /// itself (or its reaper) removes them, so indexes are stable while it
    /// reports.
    pub(crate) engines: KVec<Arc<Engine>>,
    /// The engine whose callback is running, for `barrier`; null if none.
    pub(crate) reporting: *const Engine,
    /// How many `barrier` callers wait for a callback to return.
    pub(crate) barrier_waiters: u32,
    /// How many engines committed to the task's stop and have not been
    /// told it is over.
    pub(crate) committed: u32,
    /// The task is in a utrace stop (or about to schedule into one).
    pub(crate) stopped: bool,
    /// The report work is queued and has not run yet.
    pub(crate) report_queued: bool,
    /// Death reporting has begun.
    pub(crate) death_begun: bool,
    /// Death reporting is over.
    pub(crate) death_done: bool,
    /// The reaper found death reporting unfinished; its end reaps.
    pub(crate) reap_deferred: bool,
    /// The task has been reaped: every engine is detached.
    pub(crate) reaped: bool,
    /// The stepping the task set up for itself on its way to user mode.
    pub(crate) stepping: Step,
    /// Tracers to wake once the task has stopped or will not stop, with
    /// the engine that asked, null once it detached (see
    /// [`crate::wake_up_on_stop`]).
    pub(crate) waiters: KVec<(*const Engine, Arc<dyn StopWaiter>)>,
}

/// What the attached engines ask of a task, from [`State::outlook`]: a
/// bit for each [`Action`] an attached engine requests, and one for a
/// detached engine, so that a look at an engine takes no branch.
#[derive(Clone, Copy)]
pub(crate) struct Outlook(u16);

impl Outlook {
    /// What a task with no engines is asked.
    pub(crate) const NOTHING: Outlook = Outlook(0);
    const DETACHED: u16 = 1 << 8;

    const fn bit(action: Action) -> u16 {
        1 << action as u16
    }

    /// Adds what `engine` asks.
    pub(crate) fn add(&mut self, engine: &Engine) {
        self.0 |= if engine.is_detached() {
            Self::DETACHED
        } else {
            Self::bit(engine.request())
        };
    }

    /// An engine is detached: the list may need a purge.
    pub(crate) fn detached(self) -> bool {
        self.0 & Self::DETACHED != 0
    }

    /// An engine asks the task to stop; whether it holds it is for the
    /// stop to say, once the task has set its state for the stop.
    pub(crate) fn stop(self) -> bool {
        self.0 & Self::bit(Action::Stop) != 0
    }

    /// An engine asks for one more report before user mode.
    pub(crate) fn again(self) -> bool {
        self.0 & (Self::bit(Action::Report) | Self::bit(Action::Interrupt)) != 0
    }

    /// Nothing is left for a report to do but go back to user mode: no
    /// engine to purge, no stop, no other report.
    pub(crate) fn is_done(self) -> bool {
        !self.detached() && !self.stop() && !self.again()
    }

    /// The stepping the engines ask for.
    pub(crate) fn step(self) -> Step {
        if self.0 & Self::bit(Action::SingleStep) != 0 {
            Step::Single
        } else if self.0 & Self::bit(Action::BlockStep) != 0 {
            Step::Block
        } else {
            Step::None
        }
    }
}

/// How a thread steps when it goes back to user mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// It runs freely.
    None,
    /// It traps after one instruction.
    Single,
    /// It traps at the next branch.
    Block,
}

// SAFETY: `reporting` and the engines in `waiters` are only compared,
// never dereferenced; everything else in `State` is `Send`.
unsafe impl Send for State {}

impl State {
    /// Whether any attached engine holds `task` stopped.
    pub(crate) fn any_wants_stop(&self, task: &Task) -> bool {
        self.engines.iter().any(|e| e.wants_stop(task))
    }

    /// Whether any attached engine makes an exec unsafe.
    fn exec_unsafe(&self) -> bool {
        self.engines
            .iter()
            .any(|e| !e.is_detached() && e.ops().makes_exec_unsafe())
    }

    /// Marks `engine` as committed to the task's stop, or not, and keeps
    /// count.
    pub(crate) fn set_committed(&mut self, engine: &Engine, committed: bool) {
        if engine.is_committed() != committed {
            engine.set_committed(committed);
            if committed {
                self.committed += 1;
            } else {
                self.committed -= 1;
            }
        }
    }

    /// What the attached engines ask of the task, from one look at the
    /// list: the report loop's view of it.
    pub(crate) fn outlook(&self) -> Outlook {
        let mut look = Outlook::NOTHING;
        for e in self.engines.iter() {
            look.add(e);
        }
        look
    }

    /// Wakes and drops every queued waiter whose engine is attached.
    pub(crate) fn wake_waiters(&mut self) {
        // Even an empty vector's drop calls the allocator.
        if self.waiters.is_empty() {
            return;
        }
        let waiters = core::mem::take(&mut self.waiters);
        for (engine, waiter) in waiters.iter() {
            if !engine.is_null() {
                waiter.wake();
            }
        }
    }

    /// Makes sure the waiters `engine` queued are never woken.
    pub(crate) fn forget_waiters(&mut self, engine: &Engine) {
        for entry in self.waiters.as_mut_slice() {
            if ptr::eq(entry.0, engine) {
                entry.0 = ptr::null();
            }
        }
    }

    /// The union of the attached engines' events.
    pub(crate) fn events(&self) -> Events {
        self.engines
            .iter()
            .filter(|e| !e.is_detached())
            .fold(Events::NONE, |acc, e| acc | e.events())
    }
}

/// The core's state for one task.
#[pin_data]
pub(crate) struct Utrace {
    #[pin]
    pub(crate) state: SpinLock<State>,
    /// Signalled whenever a callback returns, for `barrier`.
    #[pin]
    pub(crate) callback_done: CondVar,
    /// The task work that brings the task to a safe point.
    pub(crate) report_work: Opaque<bindings::callback_head>,
}

impl Utrace {
    fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            state <- new_spinlock!(State {
                engines: KVec::new(),
                reporting: ptr::null(),
                barrier_waiters: 0,
                committed: 0,
                stopped: false,
                report_queued: false,
                death_begun: false,
                death_done: false,
                reap_deferred: false,
                reaped: false,
                stepping: Step::None,
                waiters: KVec::new(),
            }, "utrace_state"),
            callback_done <- new_condvar!("utrace_callback_done"),
            report_work: Opaque::uninit(),
        })
    }

    fn slot(task: &Task) -> &AtomicPtr<bindings::utrace> {
        // SAFETY: The slot is in `task`, which outlives the returned
        // reference; it is only accessed atomically.
        unsafe { AtomicPtr::from_ptr(ffi::task_slot(task)) }
    }

    /// The state of `task`, if any engine was ever attached to it.
    #[inline]
    pub(crate) fn of(task: &Task) -> Option<&Utrace> {
        let p = Self::slot(task).load(Ordering::Acquire);
        // SAFETY: A non-null `task->utrace` is a `Utrace` leaked by
        // `of_or_create`, freed only with the task struct, which the
        // caller's reference keeps alive.
        unsafe { p.cast::<Utrace>().as_ref() }
    }

    /// The state of `task`, created on first use.
    pub(crate) fn of_or_create(task: &Task) -> Result<&Utrace> {
        if let Some(u) = Self::of(task) {
            return Ok(u);
        }
        let pinned = KBox::pin_init(Self::new(), GFP_KERNEL)?;
        // SAFETY: The state is never moved out of this allocation: it is
        // reached through `task->utrace` until `utrace_free_task` frees it.
        let new = KBox::into_raw(unsafe { Pin::into_inner_unchecked(pinned) });
        match Self::slot(task).compare_exchange(
            ptr::null_mut(),
            new.cast(),
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => {}
            Err(_) => {
                // SAFETY: `new` came from `KBox::into_raw` above and was
                // never published.
                drop(unsafe { KBox::from_raw(new) });
            }
        }
        Self::of(task).ok_or(EINVAL)
    }

    /// Recomputes `task->utrace_flags` and the syscall work bit from the
    /// engines. Called with the lock held, after any change of events or
    /// of the engine list.
    pub(crate) fn update_flags(&self, task: &Task, state: &State) {
        let events = state.events();
        let mut flags = events.bits() as usize;
        if !state.engines.is_empty() {
            flags |= Events::ATTACHED.bits() as usize;
        }
        if state.exec_unsafe() {
            flags |= Events::UNSAFE_EXEC.bits() as usize;
        }
        ffi::set_task_flags(task, flags);
        ffi::set_syscall_work(
            task,
            events.intersects(Events::SYSCALL_ENTRY | Events::SYSCALL_EXIT),
        );
    }

    /// Wakes the task if it is stopped and no engine holds it any more.
    pub(crate) fn wake_if_released(&self, task: &Task, state: &State) {
        if state.stopped && !state.any_wants_stop(task) {
            ffi::wake_stopped(task);
        }
    }
}

/// Frees a task's utrace state along with the task struct.
///
/// # Safety
///
/// `task` must be a task being freed: no one else can reach it any more.
pub(crate) unsafe fn free_task(task: *mut bindings::task_struct) {
    // SAFETY: The caller guarantees no one else reaches `task->utrace`,
    // and the task stays valid for the call.
    let slot = unsafe { ffi::task_slot(ffi::task_ref(task)) };
    // SAFETY: `slot` points into the task, which no one else uses.
    let p = unsafe { core::mem::take(&mut *slot) };
    if !p.is_null() {
        // SAFETY: `p` was leaked from a `KBox<Utrace>` in `of_or_create`.
        drop(unsafe { KBox::from_raw(p.cast::<Utrace>()) });
    }
}

/// Removes `engines[index]`, keeping the others in order.
pub(crate) fn remove_engine(engines: &mut KVec<Arc<Engine>>, index: usize) -> Arc<Engine> {
    let len = engines.len();
    engines.as_mut_slice()[index..].rotate_left(1);
    // SAFETY: The element at `len - 1` is initialised; after reading it out
    // the length shrinks so it is never dropped twice.
    unsafe {
        let last = ptr::read(engines.as_ptr().add(len - 1));
        engines.set_len(len - 1);
        last
    }
}
