// SPDX-License-Identifier: GPL-2.0

//! What a tracer does to an attached engine: events, actions, barrier.

use crate::engine::{Engine, StopWaiter};
use crate::ffi;
use crate::report;
use crate::task_state::Utrace;
use crate::{Action, Events};
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::task::Task;

/// An error code that `kernel::error::code` does not name.
fn errno(code: u32) -> Error {
    Error::from_errno(-(code as i32))
}

pub(crate) fn ealready() -> Error {
    errno(kernel::bindings::EALREADY)
}

fn einprogress() -> Error {
    errno(kernel::bindings::EINPROGRESS)
}

fn state_of(task: &Task, engine: &Engine) -> Result<&'static Utrace> {
    if engine.is_detached() {
        return Err(ESRCH);
    }
    let utrace = Utrace::of(task).ok_or(ESRCH)?;
    // SAFETY: The state lives as long as the task struct, which the caller
    // keeps alive while it uses the returned reference.
    Ok(unsafe { &*(utrace as *const Utrace) })
}

/// Sets the events `engine` is told about on `task`.
///
/// Adding events takes effect at once and never fails on a live engine.
/// Removing events from a running task returns `EINPROGRESS` if a callback
/// of this engine may be running right now; [`barrier`] then waits for it.
///
/// Errors: `ESRCH` for a detached engine or a reaped task; `EALREADY` when
/// asking for death once death reporting may have begun.
pub fn set_events(task: &Task, engine: &Engine, events: Events) -> Result {
    let utrace = state_of(task, engine)?;
    let state = utrace.state.lock();
    if state.reaped || engine.is_detached() {
        return Err(ESRCH);
    }
    let old = engine.events();
    let late = Events::DEATH;
    if events.without(old).intersects(late) && (state.death_begun || report::task_is_dead(task)) {
        return Err(ealready());
    }
    engine.store_events(events);
    utrace.update_flags(task, &state);
    if old.without(events) != Events::NONE
        && !state.stopped
        && core::ptr::eq(state.reporting, engine)
    {
        return Err(einprogress());
    }
    Ok(())
}

/// Asks `task` to do `action` on behalf of `engine`.
///
/// * [`Action::Stop`]: stay stopped until this engine asks otherwise.
///   Returns 0 if the task is already stopped; otherwise `EINPROGRESS`, and
///   the task makes a quiesce report at its next safe point, where the
///   engine answers [`Action::Stop`] again.
/// * [`Action::Interrupt`], [`Action::Report`]: a quiesce report soon;
///   interrupt also breaks a blocking system call, as a signal would.
/// * [`Action::Resume`]: drop this engine's stop; the task runs once no
///   engine holds it.
/// * [`Action::Detach`]: drop the engine. `EINPROGRESS` if one of its
///   callbacks may be running ([`barrier`] waits for it), `EALREADY` once
///   death reporting has begun (death and reap callbacks may still come).
/// * [`Action::SingleStep`], [`Action::BlockStep`]: resume for one
///   instruction (or up to the next branch), then trap; the trap arrives as
///   a SIGTRAP signal report. The thread sets the stepping up itself on its
///   way to user mode. A running thread first makes a report. `EOPNOTSUPP`
///   if the machine cannot step; block step falls back to single step where
///   the machine has only that.
///
/// SIGKILL wins over every request: a killed task never stays stopped.
/// Errors: `ESRCH` for a detached engine or a reaped task.
pub fn control(task: &Task, engine: &Engine, action: Action) -> Result {
    let utrace = state_of(task, engine)?;
    let mut state = utrace.state.lock();
    if state.reaped || engine.is_detached() {
        return Err(ESRCH);
    }
    match action {
        Action::Stop => {
            engine.set_request(Action::Stop);
            if state.stopped {
                return Ok(());
            }
            report::queue_report(task, utrace, &mut state, false)?;
            Err(einprogress())
        }
        Action::Interrupt | Action::Report => {
            engine.set_request(action);
            if state.stopped {
                utrace.wake_if_released(task, &state);
                return Ok(());
            }
            report::queue_report(task, utrace, &mut state, action == Action::Interrupt)
        }
        Action::Resume => {
            engine.set_request(Action::Resume);
            utrace.wake_if_released(task, &state);
            Ok(())
        }
        Action::Detach => {
            let in_callback = core::ptr::eq(state.reporting, engine);
            state.forget_waiters(engine);
            engine.mark_detached();
            utrace.update_flags(task, &state);
            utrace.wake_if_released(task, &state);
            if state.death_begun && !state.death_done {
                Err(ealready())
            } else if in_callback {
                Err(einprogress())
            } else {
                Ok(())
            }
        }
        Action::SingleStep | Action::BlockStep => {
            if !ffi::arch_has_single_step() {
                return Err(errno(kernel::bindings::EOPNOTSUPP));
            }
            engine.set_request(action);
            if state.stopped {
                utrace.wake_if_released(task, &state);
                return Ok(());
            }
            report::queue_report(task, utrace, &mut state, false)
        }
    }
}

/// Wakes `waiter` once `task` has stopped, or once it goes on without
/// stopping; called from a callback of `engine` instead of waking the
/// tracer at once. A tracer woken this way never finds the task between
/// the callback and its stop, and is never left waiting for a stop that a
/// resume, SIGKILL or the task's death cancelled. Detaching `engine`
/// cancels the wake-ups it queued.
pub fn wake_up_on_stop(task: &Task, engine: &Engine, waiter: Arc<dyn StopWaiter>) {
    let Ok(utrace) = state_of(task, engine) else {
        return waiter.wake();
    };
    let mut state = utrace.state.lock();
    if state.waiters.reserve(1, GFP_NOWAIT).is_err() {
        // No room to queue it: waking early beats never waking.
        drop(state);
        return waiter.wake();
    }
    let me: *const Engine = engine;
    // Cannot fail: the room is reserved.
    let _ = state.waiters.push((me, waiter), GFP_NOWAIT);
}

/// Whether `task` is in a utrace stop now, with `engine` attached: a
/// tracer's way to learn that every thread it asked to stop has stopped.
/// The answer may be stale as soon as it is returned, unless `engine`
/// holds the task with [`Action::Stop`].
pub fn is_stopped(task: &Task, engine: &Engine) -> bool {
    let Ok(utrace) = state_of(task, engine) else {
        return false;
    };
    let state = utrace.state.lock();
    state.stopped && !engine.is_detached()
}

/// A window in which a stopped task's registers and memory may be read
/// and written; see [`prepare_examine`].
pub struct Examine(pub(crate) core::ffi::c_ulong);

/// Opens an examine window on `task`, stopped for `engine`.
///
/// Returns once the task is off its CPU. Errors: `ESRCH` for a detached
/// engine, `EINVAL` if the task is not stopped, `EAGAIN` if it is still
/// running (it was just resumed).
pub fn prepare_examine(task: &Task, engine: &Engine) -> Result<Examine> {
    let utrace = state_of(task, engine)?;
    if !utrace.state.lock().stopped {
        return Err(EINVAL);
    }
    match ffi::wait_inactive(task) {
        0 => Err(EAGAIN),
        switches => Ok(Examine(switches)),
    }
}

/// Closes an examine window. `EAGAIN` if the task ran in the meantime, so
/// what was read may be stale and what was written may be lost.
pub fn finish_examine(task: &Task, engine: &Engine, window: Examine) -> Result {
    state_of(task, engine)?;
    if ffi::wait_inactive(task) != window.0 {
        return Err(EAGAIN);
    }
    Ok(())
}

/// Waits until no callback of `engine` is running on `task`.
///
/// When it returns 0, what the last callback returned (a stop, a detach)
/// has taken effect. It works on a detached engine the caller still holds.
/// Errors: `ERESTARTSYS` if a signal arrives while waiting.
pub fn barrier(task: &Task, engine: &Engine) -> Result {
    let Some(utrace) = Utrace::of(task) else {
        return Ok(());
    };
    let mut state = utrace.state.lock();
    state.barrier_waiters += 1;
    let mut result = Ok(());
    while core::ptr::eq(state.reporting, engine) {
        if utrace.callback_done.wait_interruptible(&mut state) {
            result = Err(ERESTARTSYS);
            break;
        }
    }
    state.barrier_waiters -= 1;
    result
}
