// SPDX-License-Identifier: GPL-2.0

//! gdb's hardware breakpoints and watchpoints over the four x86 debug
//! registers of a thread.
//!
//! A debug register watches 1, 2, 4 or 8 bytes aligned to their size, or
//! traps on execution at one address. gdb asks for regions of any size and
//! alignment, so a region takes as many registers as the fewest aligned
//! pieces that cover exactly its bytes (no false hits on neighbours). The
//! same slot assignment is used on every thread of the process, as gdb
//! sees one set of breakpoints for the whole process.

/// Debug registers per thread.
pub const SLOTS: usize = 4;

/// What a debug register traps on; the values are `enum ugdb_hw_type` of
/// arch/x86/debugregs.h.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum HwKind {
    /// Execution of the instruction at the address (gdb's `Z1`).
    Exec = 0,
    /// Writes (`Z2`).
    Write = 1,
    /// Reads and writes (`Z4`); x86 cannot trap on reads alone (`Z3`).
    Access = 2,
}

/// One debug register's setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// The first byte watched, aligned to `len`.
    pub addr: u64,
    /// 1, 2, 4 or 8; ignored for [`HwKind::Exec`].
    pub len: u8,
    /// What it traps on.
    pub kind: HwKind,
}

/// A point gdb asked for, as it names it in `Z` and `z` packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Point {
    addr: u64,
    len: u64,
    kind: HwKind,
}

/// Why a point cannot be set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HwError {
    /// The region is empty or wraps around the address space.
    BadRegion,
    /// Not enough free debug registers for the region.
    NoRoom,
}

/// Splits `addr..addr + len` into the fewest aligned pieces that cover
/// exactly its bytes; `None` if it needs more than `out` holds.
fn split(addr: u64, len: u64, kind: HwKind, out: &mut [Piece]) -> Result<usize, HwError> {
    if kind == HwKind::Exec {
        let piece = out.first_mut().ok_or(HwError::NoRoom)?;
        *piece = Piece { addr, len: 1, kind };
        return Ok(1);
    }
    let end = addr.checked_add(len).ok_or(HwError::BadRegion)?;
    if len == 0 {
        return Err(HwError::BadRegion);
    }
    let mut at = addr;
    let mut n = 0;
    while at < end {
        let size = [8u64, 4, 2, 1]
            .into_iter()
            .find(|&s| at % s == 0 && s <= end - at)
            .unwrap_or(1);
        let piece = out.get_mut(n).ok_or(HwError::NoRoom)?;
        *piece = Piece {
            addr: at,
            len: size as u8,
            kind,
        };
        n += 1;
        at += size;
    }
    Ok(n)
}

/// Which point holds each debug register, the same on every thread.
#[derive(Clone, Debug, Default)]
pub struct DebugRegs {
    slots: [Option<(Point, Piece)>; SLOTS],
}

impl DebugRegs {
    /// Plans `kind` over `addr..addr + len`: returns the mask of the free
    /// slots it takes, without taking them; [`DebugRegs::commit`] does,
    /// once every thread has them set.
    pub fn plan(&self, addr: u64, len: u64, kind: HwKind) -> Result<u8, HwError> {
        let mut pieces = [Piece {
            addr: 0,
            len: 0,
            kind,
        }; SLOTS];
        let n = split(addr, len, kind, &mut pieces)?;
        let free = self.free_mask();
        if (free.count_ones() as usize) < n {
            return Err(HwError::NoRoom);
        }
        let mut mask = 0u8;
        for _ in 0..n {
            let slot = (free & !mask).trailing_zeros();
            mask |= 1 << slot;
        }
        Ok(mask)
    }

    /// The piece that slot `slot` of a plan from [`DebugRegs::plan`] holds.
    pub fn planned_piece(
        &self,
        addr: u64,
        len: u64,
        kind: HwKind,
        mask: u8,
        slot: usize,
    ) -> Option<Piece> {
        let mut pieces = [Piece {
            addr: 0,
            len: 0,
            kind,
        }; SLOTS];
        let n = split(addr, len, kind, &mut pieces).ok()?;
        let rank = (mask & ((1u8 << slot) - 1)).count_ones() as usize;
        (mask & (1 << slot) != 0 && rank < n).then(|| pieces[rank])
    }

    /// Takes the slots of `mask`, planned for this point.
    pub fn commit(&mut self, addr: u64, len: u64, kind: HwKind, mask: u8) {
        let point = Point { addr, len, kind };
        for slot in 0..SLOTS {
            if let Some(piece) = self.planned_piece(addr, len, kind, mask, slot) {
                self.slots[slot] = Some((point, piece));
            }
        }
    }

    /// Frees the slots of the point gdb named; returns their mask, 0 if
    /// there is no such point.
    pub fn remove(&mut self, addr: u64, len: u64, kind: HwKind) -> u8 {
        let point = Point { addr, len, kind };
        let mut mask = 0;
        for (slot, entry) in self.slots.iter_mut().enumerate() {
            if entry.is_some_and(|(p, _)| p == point) {
                *entry = None;
                mask |= 1 << slot;
            }
        }
        mask
    }

    /// The piece in `slot`, if any.
    pub fn piece(&self, slot: usize) -> Option<Piece> {
        self.slots.get(slot)?.map(|(_, piece)| piece)
    }

    /// The slots in use.
    pub fn used_mask(&self) -> u8 {
        !self.free_mask() & ((1 << SLOTS) - 1)
    }

    fn free_mask(&self) -> u8 {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_none())
            .fold(0, |m, (i, _)| m | (1 << i))
    }

    /// What gdb is told when the debug registers of `hit` (a mask, as the
    /// trap bits of DR6) fired: the kind and the address of the point
    /// gdb asked for, watchpoints before breakpoints.
    pub fn hit(&self, hit: u8) -> Option<(HwKind, u64)> {
        let fired = || {
            self.slots
                .iter()
                .enumerate()
                .filter(move |(i, _)| hit & (1 << i) != 0)
                .filter_map(|(_, s)| *s)
        };
        fired()
            .find(|(p, _)| p.kind != HwKind::Exec)
            .or_else(|| fired().next())
            .map(|(p, _)| (p.kind, p.addr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(addr: u64, len: u64) -> std::vec::Vec<(u64, u8)> {
        let mut out = [Piece {
            addr: 0,
            len: 0,
            kind: HwKind::Write,
        }; 8];
        let n = split(addr, len, HwKind::Write, &mut out).unwrap();
        out[..n].iter().map(|p| (p.addr, p.len)).collect()
    }

    #[test]
    fn aligned_regions_take_one_register() {
        assert_eq!(pieces(0x1000, 8), [(0x1000, 8)]);
        assert_eq!(pieces(0x1004, 4), [(0x1004, 4)]);
        assert_eq!(pieces(0x1001, 1), [(0x1001, 1)]);
    }

    #[test]
    fn unaligned_regions_are_covered_exactly() {
        assert_eq!(pieces(0x1001, 4), [(0x1001, 1), (0x1002, 2), (0x1004, 1)]);
        assert_eq!(pieces(0x1006, 4), [(0x1006, 2), (0x1008, 2)]);
        assert_eq!(pieces(0x1000, 12), [(0x1000, 8), (0x1008, 4)]);
        // Every byte once, nothing outside the region.
        for addr in 0x2000..0x2010u64 {
            for len in 1..=16u64 {
                let mut out = [Piece {
                    addr: 0,
                    len: 0,
                    kind: HwKind::Write,
                }; 16];
                let n = split(addr, len, HwKind::Write, &mut out).unwrap();
                let mut at = addr;
                for p in &out[..n] {
                    assert_eq!(p.addr, at);
                    assert_eq!(p.addr % u64::from(p.len), 0);
                    at += u64::from(p.len);
                }
                assert_eq!(at, addr + len);
            }
        }
    }

    #[test]
    fn bad_regions_are_refused() {
        let regs = DebugRegs::default();
        assert_eq!(regs.plan(0x1000, 0, HwKind::Write), Err(HwError::BadRegion));
        assert_eq!(
            regs.plan(u64::MAX, 2, HwKind::Write),
            Err(HwError::BadRegion)
        );
        assert_eq!(regs.plan(0x1000, 64, HwKind::Write), Err(HwError::NoRoom));
    }

    #[test]
    fn slots_are_shared_out_and_given_back() {
        let mut regs = DebugRegs::default();
        let a = regs.plan(0x1001, 4, HwKind::Write).unwrap();
        assert_eq!(a, 0b0111);
        regs.commit(0x1001, 4, HwKind::Write, a);
        assert_eq!(
            regs.piece(1),
            Some(Piece {
                addr: 0x1002,
                len: 2,
                kind: HwKind::Write
            })
        );
        assert_eq!(regs.plan(0x2000, 16, HwKind::Access), Err(HwError::NoRoom));
        let b = regs.plan(0x400000, 1, HwKind::Exec).unwrap();
        assert_eq!(b, 0b1000);
        regs.commit(0x400000, 1, HwKind::Exec, b);
        assert_eq!(regs.used_mask(), 0b1111);
        assert_eq!(regs.hit(0b1000), Some((HwKind::Exec, 0x400000)));
        // A write hit on a middle piece names the whole region.
        assert_eq!(regs.hit(0b1010), Some((HwKind::Write, 0x1001)));
        // A different kind or length is another point.
        assert_eq!(regs.remove(0x1001, 4, HwKind::Access), 0);
        assert_eq!(regs.remove(0x1001, 4, HwKind::Write), 0b0111);
        assert_eq!(regs.used_mask(), 0b1000);
        assert_eq!(regs.hit(0b0001), None);
    }
}
