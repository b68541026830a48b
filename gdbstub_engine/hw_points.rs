// SPDX-License-Identifier: GPL-2.0

//! gdb's hardware breakpoints and watchpoints, set in the same debug
//! registers of every thread of the process, including threads that
//! start later.

use crate::sys::HwBreakpoint;
use crate::tracer::swap_remove;
use kernel::prelude::*;
use kernel::task::Task;
use kernel::types::ARef;
use ugdb_arch_x86::debugregs::{DebugRegs, HwError, HwKind, SLOTS};

/// The debug registers of one thread.
struct ThreadRegs {
    task: ARef<Task>,
    slots: [Option<HwBreakpoint>; SLOTS],
}

/// The points gdb set, and the threads that carry them.
pub(crate) struct HwPoints {
    regs: DebugRegs,
    threads: KVec<ThreadRegs>,
}

impl HwPoints {
    pub(crate) fn new() -> Self {
        Self {
            regs: DebugRegs::default(),
            threads: KVec::new(),
        }
    }

    /// A thread joined the process: it gets every point set so far.
    pub(crate) fn add_thread(&mut self, task: ARef<Task>) -> Result {
        let mut thread = ThreadRegs {
            task,
            slots: Default::default(),
        };
        for (slot, bp) in thread.slots.iter_mut().enumerate() {
            if let Some(piece) = self.regs.piece(slot) {
                *bp = Some(HwBreakpoint::register(&thread.task, slot, piece)?);
            }
        }
        self.threads.push(thread, GFP_KERNEL)?;
        Ok(())
    }

    /// A thread died: its debug registers are freed.
    pub(crate) fn forget_thread(&mut self, task: &Task) {
        let mut i = 0;
        while i < self.threads.len() {
            if core::ptr::eq(&*self.threads[i].task, task) {
                drop(swap_remove(&mut self.threads, i));
            } else {
                i += 1;
            }
        }
    }

    /// Sets `kind` over `addr..addr + len` on every thread. `ENOSPC` when
    /// the debug registers are full, `EINVAL` for an empty or wrapping
    /// region; on error no thread keeps any part of it.
    pub(crate) fn insert(&mut self, addr: u64, len: u64, kind: HwKind) -> Result {
        let mask = self.regs.plan(addr, len, kind).map_err(|e| match e {
            HwError::BadRegion => EINVAL,
            HwError::NoRoom => ENOSPC,
        })?;
        let regs = &self.regs;
        let mut result = Ok(());
        'threads: for thread in self.threads.iter_mut() {
            for (slot, bp) in thread.slots.iter_mut().enumerate() {
                let Some(piece) = regs.planned_piece(addr, len, kind, mask, slot) else {
                    continue;
                };
                match HwBreakpoint::register(&thread.task, slot, piece) {
                    Ok(new) => *bp = Some(new),
                    // The thread is exiting; its death forgets it.
                    Err(e) if e == ESRCH => {}
                    Err(e) => {
                        result = Err(e);
                        break 'threads;
                    }
                }
            }
        }
        if result.is_err() {
            self.clear_slots(mask);
            return result;
        }
        self.regs.commit(addr, len, kind, mask);
        Ok(())
    }

    /// Removes the point gdb named; false if there was none.
    pub(crate) fn remove(&mut self, addr: u64, len: u64, kind: HwKind) -> bool {
        let mask = self.regs.remove(addr, len, kind);
        self.clear_slots(mask);
        mask != 0
    }

    /// Removes every point and keeps the threads, as an exec does: the
    /// addresses meant the old program.
    pub(crate) fn remove_all(&mut self) {
        self.regs = DebugRegs::default();
        self.clear_slots(u8::MAX);
    }

    /// Removes every point; the session is over.
    pub(crate) fn clear(&mut self) {
        self.regs = DebugRegs::default();
        self.threads = KVec::new();
    }

    /// The point whose debug registers `hits` (a mask of slots) fired.
    pub(crate) fn hit(&self, hits: u8) -> Option<(HwKind, u64)> {
        self.regs.hit(hits)
    }

    fn clear_slots(&mut self, mask: u8) {
        for thread in self.threads.iter_mut() {
            for (slot, bp) in thread.slots.iter_mut().enumerate() {
                if mask & (1 << slot) != 0 {
                    *bp = None;
                }
            }
        }
    }
}
