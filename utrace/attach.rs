// SPDX-License-Identifier: GPL-2.0

//! Attaching engines to tasks, and finding them again.

use crate::engine::{Engine, EngineOps};
use crate::ffi;
use crate::task_state::{remove_engine, Utrace};
use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::task::Task;

/// How [`attach`] treats engines already attached to the task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachMode {
    /// Attach a new engine, whatever is there.
    Create,
    /// Attach a new engine unless one with the same identity is there
    /// (`EEXIST`); see [`crate::EngineOps::identity`].
    Exclusive,
    /// Return the attached engine with the same identity (`ENOENT` if
    /// there is none).
    Lookup,
}

/// Attaches an engine with callbacks `ops` to `task`, or looks it up.
///
/// The engine starts with no events and no request; see
/// [`crate::set_events`] and [`crate::control`]. An engine attached while
/// the task is reporting an event does not see that event.
///
/// Errors: `EPERM` for a kernel thread, `EALREADY` if the task is exiting,
/// `ESRCH` if it is being reaped, `EEXIST` or `ENOENT` as [`AttachMode`]
/// says, `ENOMEM`.
pub fn attach(task: &Task, ops: &Arc<dyn EngineOps>, mode: AttachMode) -> Result<Arc<Engine>> {
    let flags = ffi::task_flags(task);
    if flags & bindings::PF_KTHREAD != 0 {
        return Err(EPERM);
    }
    if is_being_reaped(task) {
        return Err(ESRCH);
    }
    if flags & bindings::PF_EXITING != 0 {
        return Err(crate::control::ealready());
    }
    let utrace = Utrace::of_or_create(task)?;
    let engine = match mode {
        AttachMode::Lookup => None,
        _ => Some(Arc::new(Engine::new(ops.clone()), GFP_KERNEL)?),
    };
    loop {
        let spare = {
            let mut state = utrace.state.lock();
            if state.reaped {
                return Err(ESRCH);
            }
            let existing = state
                .engines
                .iter()
                .find(|e| !e.is_detached() && e.ops().identity() == ops.identity())
                .cloned();
            let engine = match (mode, existing, &engine) {
                (AttachMode::Lookup, Some(e), _) => return Ok(e),
                (AttachMode::Lookup, None, _) => return Err(ENOENT),
                (AttachMode::Exclusive, Some(_), _) => return Err(EEXIST),
                (_, _, Some(engine)) => engine,
                (_, _, None) => return Err(EINVAL),
            };
            if state.engines.len() < state.engines.capacity() {
                state.engines.push(engine.clone(), GFP_NOWAIT)?;
                utrace.update_flags(task, &state);
                drop(state);
                return recheck_reap(task, utrace, engine);
            }
            state.engines.len() + 1
        };
        // Grow the list outside the lock, then retry.
        let mut bigger = KVec::with_capacity(spare * 2, GFP_KERNEL)?;
        let mut state = utrace.state.lock();
        if bigger.capacity() > state.engines.capacity() {
            for e in state.engines.iter() {
                bigger.push(e.clone(), GFP_NOWAIT)?;
            }
            core::mem::swap(&mut state.engines, &mut bigger);
        }
        drop(state);
        drop(bigger);
    }
}

/// Returns the engine attached to `task` with the given identity (see
/// [`crate::EngineOps::identity`]), like [`AttachMode::Lookup`] but
/// without an ops object to compare with.
///
/// Errors: `ENOENT` if there is none, `ESRCH` if the task was reaped.
pub fn find(task: &Task, identity: (usize, usize)) -> Result<Arc<Engine>> {
    with_engine(task, identity, Arc::clone)
}

/// Calls `f` with the engine [`find`] would return, under the task's
/// lock, and returns what it returns: a look that takes no reference.
/// `f` must not sleep, nor call the core.
///
/// Errors: as for [`find`].
pub fn with_engine<R>(
    task: &Task,
    identity: (usize, usize),
    f: impl FnOnce(&Arc<Engine>) -> R,
) -> Result<R> {
    let utrace = Utrace::of(task).ok_or(ENOENT)?;
    let state = utrace.state.lock();
    if state.reaped {
        return Err(ESRCH);
    }
    state
        .engines
        .iter()
        .find(|e| !e.is_detached() && e.ops().identity() == identity)
        .map(f)
        .ok_or(ENOENT)
}

/// Whether release_task() may have begun for `task`.
fn is_being_reaped(task: &Task) -> bool {
    ffi::exit_state(task) == bindings::EXIT_DEAD
}

/// Closes the race with release_task(): the reaper marks the task dead
/// before its hook tests `utrace_flags`, and attach sets the flags before
/// it tests for a dead task, with a full barrier on both sides; so either
/// the reap hook sees the new engine, or attach sees the reap and backs
/// out.
fn recheck_reap(task: &Task, utrace: &Utrace, engine: &Arc<Engine>) -> Result<Arc<Engine>> {
    core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
    if !is_being_reaped(task) {
        return Ok(engine.clone());
    }
    let mut state = utrace.state.lock();
    if let Some(i) = state.engines.iter().position(|e| Arc::ptr_eq(e, engine)) {
        drop(remove_engine(&mut state.engines, i));
        utrace.update_flags(task, &state);
    }
    engine.mark_detached();
    Err(ESRCH)
}
