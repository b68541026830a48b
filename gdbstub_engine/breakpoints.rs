// SPDX-License-Identifier: GPL-2.0

//! The stub's software breakpoints: an `int3` written over the first byte
//! of an instruction, and the byte it replaced.

use crate::sys;
use kernel::prelude::*;
use kernel::task::Task;
use ugdb_arch_x86::BREAKPOINT_INSN;

/// Breakpoints a session can insert at once; gdb's own internal ones
/// (shared library events, longjmp) take a few.
const MAX_BREAKPOINTS: usize = 512;

struct Breakpoint {
    addr: u64,
    saved: u8,
}

/// The breakpoints inserted in one process.
pub(crate) struct Breakpoints {
    list: heapless::Vec<Breakpoint, MAX_BREAKPOINTS>,
}

impl Breakpoints {
    pub(crate) fn new() -> Self {
        Self {
            list: heapless::Vec::new(),
        }
    }

    /// Whether a breakpoint is inserted at `addr`.
    pub(crate) fn contains(&self, addr: u64) -> bool {
        self.list.iter().any(|b| b.addr == addr)
    }

    /// Inserts a breakpoint at `addr` in `task`'s memory. Inserting one
    /// twice is harmless. `EFAULT` if the address is not mapped, `ENOSPC`
    /// past [`MAX_BREAKPOINTS`].
    pub(crate) fn insert(&mut self, task: &Task, addr: u64) -> Result {
        if self.contains(addr) {
            return Ok(());
        }
        let mut saved = [0u8];
        if sys::read_memory(task, addr, &mut saved) != 1 {
            return Err(EFAULT);
        }
        if self.list.is_full() {
            return Err(ENOSPC);
        }
        if sys::write_memory(task, addr, &[BREAKPOINT_INSN]) != 1 {
            return Err(EFAULT);
        }
        self.list
            .push(Breakpoint {
                addr,
                saved: saved[0],
            })
            .map_err(|_| ENOSPC)
    }

    /// Removes the breakpoint at `addr`, restoring the original byte.
    /// `ENOENT` if there is none.
    pub(crate) fn remove(&mut self, task: &Task, addr: u64) -> Result {
        let i = self
            .list
            .iter()
            .position(|b| b.addr == addr)
            .ok_or(ENOENT)?;
        let b = self.list.swap_remove(i);
        // A process that unmapped the page has nothing to restore.
        sys::write_memory(task, b.addr, &[b.saved]);
        Ok(())
    }

    /// Removes every breakpoint from `task`'s memory and forgets them.
    pub(crate) fn remove_all(&mut self, task: &Task) {
        for b in self.list.iter() {
            sys::write_memory(task, b.addr, &[b.saved]);
        }
        self.list.clear();
    }

    /// Restores the original bytes in `child`, a forked copy of the
    /// process that the stub does not trace; the list stays as it is.
    pub(crate) fn remove_from(&self, child: &Task) {
        for b in self.list.iter() {
            sys::write_memory(child, b.addr, &[b.saved]);
        }
    }

    /// The breakpoints, as `(address, saved byte)`: a forked child's copy
    /// of memory has them too.
    pub(crate) fn list(&self) -> Result<KVec<(u64, u8)>> {
        let mut list = KVec::with_capacity(self.list.len(), GFP_KERNEL)?;
        for b in self.list.iter() {
            list.push((b.addr, b.saved), GFP_KERNEL)?;
        }
        Ok(list)
    }

    /// Takes on `list`, from [`Breakpoints::list`] of the parent: the
    /// `int3`s are in this process's memory already.
    pub(crate) fn inherit(&mut self, list: &[(u64, u8)]) {
        for &(addr, saved) in list {
            if !self.contains(addr) && self.list.push(Breakpoint { addr, saved }).is_err() {
                break;
            }
        }
    }

    /// Forgets every breakpoint without touching memory: after an exec,
    /// the addresses meant the old program.
    pub(crate) fn forget_all(&mut self) {
        self.list.clear();
    }

    /// Shows memory read at `addr` as the program wrote it, without the
    /// breakpoints.
    pub(crate) fn hide(&self, addr: u64, data: &mut [u8]) {
        for b in self.list.iter() {
            if let Some(off) = b.addr.checked_sub(addr) {
                if let Some(byte) = data.get_mut(off as usize) {
                    *byte = b.saved;
                }
            }
        }
    }

    /// Keeps breakpoints inserted under a write of `data` at `addr`: the
    /// written bytes become the saved ones, and the `int3` stays.
    pub(crate) fn write_through(&mut self, task: &Task, addr: u64, data: &[u8]) {
        for b in self.list.iter_mut() {
            if let Some(off) = b.addr.checked_sub(addr) {
                if let Some(&byte) = data.get(off as usize) {
                    b.saved = byte;
                    sys::write_memory(task, b.addr, &[BREAKPOINT_INSN]);
                }
            }
        }
    }
}
