// SPDX-License-Identifier: GPL-2.0

//! Attaching engines to tasks, and finding them again.

use crate::engine::{Engine, EngineOps};
use crate::ffi;
use crate::task_state::Utrace;
use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::task::Task;

/// How [`attach`] treats engines already attached to the task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachMode {
    /// Attach a new engine, whatever is there.
    Create,
    /// Attach a new engine unless one with the same ops object is there
    /// (`EEXIST`).
    Exclusive,
    /// Return the attached engine with the same ops object (`ENOENT` if
    /// there is none).
    Lookup,
}

/// Attaches an engine with callbacks `ops` to `task`, or looks it up.
///
/// The engine starts with no events and no request; see
/// [`crate::set_events`] and [`crate::control`]. An engine attached while
/// the task is reporting an event does not see that event.
///
/// Errors: `EPERM` for a kernel thread, `ESRCH` if the task has been
/// reaped, `EEXIST` or `ENOENT` as [`AttachMode`] says, `ENOMEM`.
pub fn attach(task: &Task, ops: &Arc<dyn EngineOps>, mode: AttachMode) -> Result<Arc<Engine>> {
    // SAFETY: `task` is valid for the duration of the call.
    let flags = unsafe { (*ffi::task_ptr(task)).flags };
    if flags & bindings::PF_KTHREAD != 0 {
        return Err(EPERM);
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
                .find(|e| !e.is_detached() && core::ptr::addr_eq(&**e.ops(), &**ops))
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
                return Ok(engine.clone());
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
