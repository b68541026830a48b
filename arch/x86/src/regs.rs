// SPDX-License-Identifier: GPL-2.0

//! A thread's registers: Linux's regset layouts in [`RawRegs`], gdb's
//! register numbers and encoding in [`Regs`].

use core::num::NonZeroUsize;
use gdbstub::arch::{RegId, Registers};

/// Words of `struct user_regs_struct` (the NT_PRSTATUS regset).
pub const GREGS_WORDS: usize = 27;
/// Bytes of the legacy FXSAVE area (the NT_PRFPREG regset).
pub const FXSAVE_BYTES: usize = 512;
/// Bytes of the upper halves of the 16 YMM registers.
pub const YMMH_BYTES: usize = 256;

/// A thread's registers in the kernel's own layouts; `arch/x86/regs.h`
/// declares the same structure for the C half that reads the regsets.
#[repr(C)]
#[derive(Clone, PartialEq, Eq)]
pub struct RawRegs {
    /// `struct user_regs_struct`, word by word.
    pub gregs: [u64; GREGS_WORDS],
    /// The FXSAVE image: x87 state, MXCSR and XMM0-15.
    pub fxsave: [u8; FXSAVE_BYTES],
    /// YMM0-15 bits 128-255, from the XSAVE AVX component.
    pub ymmh: [u8; YMMH_BYTES],
    /// Nonzero when the CPU has AVX and `ymmh` is meaningful.
    pub has_avx: u32,
    /// Keeps the size a multiple of eight.
    pub reserved: u32,
}

impl Default for RawRegs {
    fn default() -> Self {
        Self {
            gregs: [0; GREGS_WORDS],
            fxsave: [0; FXSAVE_BYTES],
            ymmh: [0; YMMH_BYTES],
            has_avx: 0,
            reserved: 0,
        }
    }
}

impl core::fmt::Debug for RawRegs {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RawRegs")
            .field("rip", &self.gregs[USER_RIP])
            .field("rsp", &self.gregs[USER_RSP])
            .finish_non_exhaustive()
    }
}

/// Index of `rip` in `user_regs_struct`.
pub const USER_RIP: usize = 16;
/// Index of `rsp` in `user_regs_struct`.
pub const USER_RSP: usize = 19;
/// Index of `orig_rax` in `user_regs_struct`.
pub const USER_ORIG_RAX: usize = 15;

/// Where gdb's register lives in [`RawRegs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// The low `bytes` bytes of `user_regs_struct` word `index`.
    Greg { index: usize, bytes: usize },
    /// `bytes` bytes of the FXSAVE image at `offset`.
    Fx { offset: usize, bytes: usize },
    /// The x87 tag word, which FXSAVE keeps in abridged form.
    FullTag,
    /// The upper half of YMM register `n`.
    Ymmh(usize),
}

/// One of gdb's registers: where it lives, and its size in the packets.
#[derive(Clone, Copy, Debug)]
struct Reg {
    place: Place,
    size: usize,
}

const fn greg(index: usize, bytes: usize) -> Reg {
    Reg {
        place: Place::Greg { index, bytes },
        size: bytes,
    }
}

const fn fx(offset: usize, bytes: usize, size: usize) -> Reg {
    Reg {
        place: Place::Fx { offset, bytes },
        size,
    }
}

/// The `user_regs_struct` words of rax, rbx, ... r15, in gdb's order.
const GPR_ORDER: [usize; 16] = [10, 5, 11, 12, 13, 14, 4, 19, 9, 8, 7, 6, 3, 2, 1, 0];
/// The `user_regs_struct` words of cs, ss, ds, es, fs, gs.
const SEGMENT_ORDER: [usize; 6] = [17, 20, 23, 24, 25, 26];
/// gdb's numbers: 0-15 rax..r15, 16 rip, 17 eflags, 18-23 segments,
/// 24-31 st0-7, 32-39 x87 control, 40-55 xmm, 56 mxcsr, 57 orig_rax,
/// 58-59 fs_base and gs_base, 60-75 the YMM upper halves.
const REGISTERS_WITH_AVX: usize = 76;
const REGISTERS_WITHOUT_AVX: usize = 60;

/// gdb's register `n`, or `None` past the last.
fn reg(n: usize) -> Option<Reg> {
    Some(match n {
        0..=15 => greg(GPR_ORDER[n], 8),
        16 => greg(USER_RIP, 8),
        17 => greg(18, 4),
        18..=23 => greg(SEGMENT_ORDER[n - 18], 4),
        24..=31 => fx(32 + 16 * (n - 24), 10, 10),
        32 => fx(0, 2, 4), // fctrl
        33 => fx(2, 2, 4), // fstat
        34 => Reg {
            place: Place::FullTag,
            size: 4,
        },
        35 => fx(12, 2, 4), // fiseg
        36 => fx(8, 4, 4),  // fioff
        37 => fx(20, 2, 4), // foseg
        38 => fx(16, 4, 4), // fooff
        39 => fx(6, 2, 4),  // fop
        40..=55 => fx(160 + 16 * (n - 40), 16, 16),
        56 => fx(24, 4, 4), // mxcsr
        57 => greg(USER_ORIG_RAX, 8),
        58 => greg(21, 8),
        59 => greg(22, 8),
        60..=75 => Reg {
            place: Place::Ymmh(n - 60),
            size: 16,
        },
        _ => return None,
    })
}

/// How many registers gdb's description has, with or without AVX.
pub fn register_count(has_avx: bool) -> usize {
    if has_avx {
        REGISTERS_WITH_AVX
    } else {
        REGISTERS_WITHOUT_AVX
    }
}

fn le16(bytes: &[u8]) -> u16 {
    u16::from_le_bytes([bytes[0], bytes[1]])
}

/// The tag (0 valid, 1 zero, 2 special) of an 80-bit x87 value.
fn x87_tag(value: &[u8]) -> u16 {
    let mut mantissa = [0u8; 8];
    mantissa.copy_from_slice(&value[..8]);
    let mantissa = u64::from_le_bytes(mantissa);
    let exponent = le16(&value[8..10]) & 0x7fff;
    match exponent {
        0x7fff => 2,
        0 if mantissa == 0 => 1,
        0 => 2,
        _ if mantissa >> 63 != 0 => 0,
        _ => 2,
    }
}

impl RawRegs {
    /// The full x87 tag word, rebuilt from FXSAVE's abridged one (one bit
    /// per physical register: empty or not) and the register contents.
    pub fn full_tag(&self) -> u16 {
        let top = (le16(&self.fxsave[2..4]) >> 11) & 7;
        let abridged = self.fxsave[4];
        let mut tag = 0;
        for physical in 0..8u16 {
            let t = if abridged & (1 << physical) == 0 {
                3
            } else {
                let st = usize::from((physical + 8 - top) & 7);
                x87_tag(&self.fxsave[32 + 16 * st..42 + 16 * st])
            };
            tag |= t << (2 * physical);
        }
        tag
    }

    /// Stores a full x87 tag word in FXSAVE's abridged form.
    pub fn set_full_tag(&mut self, tag: u16) {
        let mut abridged = 0u8;
        for physical in 0..8 {
            if (tag >> (2 * physical)) & 3 != 3 {
                abridged |= 1 << physical;
            }
        }
        self.fxsave[4] = abridged;
    }

    fn has_avx(&self) -> bool {
        self.has_avx != 0
    }

    /// Writes gdb's register `n` little-endian into `out`, which must be
    /// [`RegNum::size`] bytes long.
    fn read_reg(&self, r: Reg, out: &mut [u8]) {
        out.fill(0);
        match r.place {
            Place::Greg { index, bytes } => {
                out[..bytes].copy_from_slice(&self.gregs[index].to_le_bytes()[..bytes])
            }
            Place::Fx { offset, bytes } => {
                out[..bytes].copy_from_slice(&self.fxsave[offset..offset + bytes])
            }
            Place::FullTag => out[..2].copy_from_slice(&self.full_tag().to_le_bytes()),
            Place::Ymmh(n) => out.copy_from_slice(&self.ymmh[16 * n..16 * n + 16]),
        }
    }

    /// Stores gdb's register from its little-endian bytes `value`.
    fn write_reg(&mut self, r: Reg, value: &[u8]) {
        match r.place {
            Place::Greg { index, bytes } => {
                let mut word = self.gregs[index].to_le_bytes();
                word[..bytes].copy_from_slice(&value[..bytes]);
                self.gregs[index] = u64::from_le_bytes(word);
            }
            Place::Fx { offset, bytes } => {
                self.fxsave[offset..offset + bytes].copy_from_slice(&value[..bytes])
            }
            Place::FullTag => self.set_full_tag(le16(value)),
            Place::Ymmh(n) => self.ymmh[16 * n..16 * n + 16].copy_from_slice(value),
        }
    }

    /// Reads gdb's register `n` into `out`; returns its size, or `None`
    /// for a register this thread does not have or an `out` too small.
    pub fn read_gdb_reg(&self, n: RegNum, out: &mut [u8]) -> Option<usize> {
        let r = self.lookup(n)?;
        self.read_reg(r, out.get_mut(..r.size)?);
        Some(r.size)
    }

    /// Writes gdb's register `n` from `value`, which must be its size.
    pub fn write_gdb_reg(&mut self, n: RegNum, value: &[u8]) -> Option<()> {
        let r = self.lookup(n)?;
        if value.len() != r.size {
            return None;
        }
        self.write_reg(r, value);
        Some(())
    }

    /// Takes every register gdb sees from `from`; the rest of the
    /// regsets (FXSAVE's reserved bytes, MXCSR_MASK) keep their values.
    pub fn copy_gdb_registers(&mut self, from: &RawRegs) {
        let mut value = [0u8; 16];
        for r in (0..register_count(self.has_avx())).filter_map(reg) {
            from.read_reg(r, &mut value[..r.size]);
            self.write_reg(r, &value[..r.size]);
        }
    }

    fn lookup(&self, n: RegNum) -> Option<Reg> {
        if n.0 >= register_count(self.has_avx()) {
            return None;
        }
        reg(n.0)
    }
}

/// The registers gdb reads and writes with `g` and `G`.
pub type Regs = RawRegs;

impl Registers for RawRegs {
    type ProgramCounter = u64;

    fn pc(&self) -> u64 {
        self.gregs[USER_RIP]
    }

    fn gdb_serialize(&self, mut write_byte: impl FnMut(Option<u8>)) {
        let mut value = [0u8; 16];
        for n in 0..register_count(self.has_avx()) {
            let Some(r) = reg(n) else { break };
            self.read_reg(r, &mut value[..r.size]);
            value[..r.size].iter().for_each(|&b| write_byte(Some(b)));
        }
    }

    /// Accepts a whole `G` packet, of the size of the description with
    /// or without AVX; any other size is refused, as it would shift every
    /// register after the first wrong one.
    fn gdb_deserialize(&mut self, bytes: &[u8]) -> Result<(), ()> {
        let size = |has_avx| {
            (0..register_count(has_avx))
                .filter_map(reg)
                .map(|r| r.size)
                .sum()
        };
        let has_avx = match bytes.len() {
            n if n == size(true) => true,
            n if n == size(false) => false,
            _ => return Err(()),
        };
        self.has_avx = u32::from(has_avx);
        let count = register_count(has_avx);
        let mut rest = bytes;
        for r in (0..count).filter_map(reg) {
            let (value, tail) = rest.split_at(r.size);
            self.write_reg(r, value);
            rest = tail;
        }
        Ok(())
    }
}

/// A gdb register number, as in `p` and `P` packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegNum(pub usize);

impl RegId for RegNum {
    fn from_raw_id(id: usize) -> Option<(Self, Option<NonZeroUsize>)> {
        let size = reg(id)?.size;
        Some((RegNum(id), NonZeroUsize::new(size)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RawRegs {
        let mut r = RawRegs::default();
        for (i, w) in r.gregs.iter_mut().enumerate() {
            *w = 0x1111_1111_1111_1111 * (i as u64 % 15 + 1);
        }
        for (i, b) in r.fxsave.iter_mut().enumerate() {
            *b = i as u8;
        }
        for (i, b) in r.ymmh.iter_mut().enumerate() {
            *b = !(i as u8);
        }
        r.has_avx = 1;
        r
    }

    fn serialize(r: &RawRegs) -> [u8; 1024] {
        let mut out = [0u8; 1024];
        let mut n = 0;
        r.gdb_serialize(|b| {
            out[n] = b.unwrap();
            n += 1;
        });
        out
    }

    #[test]
    fn layout_matches_the_c_structure() {
        assert_eq!(core::mem::size_of::<RawRegs>(), 216 + 512 + 256 + 8);
    }

    #[test]
    fn g_packet_order_and_size() {
        let r = sample();
        let mut len = 0;
        r.gdb_serialize(|_| len += 1);
        assert_eq!(
            len,
            16 * 8 + 8 + 4 + 6 * 4 + 8 * 10 + 8 * 4 + 16 * 16 + 4 + 3 * 8 + 16 * 16
        );
        let g = serialize(&r);
        // rax is user_regs_struct word 10, rbx word 5, rip word 16.
        assert_eq!(g[0..8], r.gregs[10].to_le_bytes());
        assert_eq!(g[8..16], r.gregs[5].to_le_bytes());
        assert_eq!(g[128..136], r.gregs[USER_RIP].to_le_bytes());
        // eflags is 4 bytes, then cs.
        assert_eq!(g[136..140], r.gregs[18].to_le_bytes()[..4]);
        assert_eq!(g[140..144], r.gregs[17].to_le_bytes()[..4]);
        // st0 follows the six segments.
        assert_eq!(g[164..174], r.fxsave[32..42]);
    }

    #[test]
    fn without_avx_the_ymm_halves_are_absent() {
        let mut r = sample();
        r.has_avx = 0;
        let mut len = 0;
        r.gdb_serialize(|_| len += 1);
        assert_eq!(len, 816 - 256);
        let mut out = [0u8; 16];
        assert_eq!(r.read_gdb_reg(RegNum(60), &mut out), None);
    }

    #[test]
    fn g_then_capital_g_round_trips() {
        let r = sample();
        let g = serialize(&r);
        let mut back = RawRegs {
            has_avx: 1,
            ..RawRegs::default()
        };
        // Start from the same abridged tag so the rebuilt tag matches.
        back.fxsave[4] = r.fxsave[4];
        back.gdb_deserialize(&g[..816]).unwrap();
        assert_eq!(serialize(&back)[..816], g[..816]);
        assert_eq!(back.gregs[USER_ORIG_RAX], r.gregs[USER_ORIG_RAX]);
        assert_eq!(back.ymmh, r.ymmh);
        assert!(back.gdb_deserialize(&g[..815]).is_err());
        // gdbstub deserializes into a default block: the size decides.
        let mut fresh = RawRegs::default();
        fresh.gdb_deserialize(&g[..816]).unwrap();
        assert_eq!(fresh.has_avx, 1);
        assert!(fresh.gdb_deserialize(&g[..560]).is_ok());
        assert_eq!(fresh.has_avx, 0);
    }

    #[test]
    fn copy_keeps_what_gdb_cannot_see() {
        let from = sample();
        let mut to = RawRegs {
            has_avx: 1,
            ..RawRegs::default()
        };
        to.fxsave[28] = 0xaa; // MXCSR_MASK: not a gdb register
        to.fxsave[4] = from.fxsave[4];
        to.copy_gdb_registers(&from);
        assert_eq!(serialize(&to)[..816], serialize(&from)[..816]);
        assert_eq!(to.fxsave[28], 0xaa);
    }

    #[test]
    fn single_registers() {
        let mut r = sample();
        let mut out = [0u8; 16];
        assert_eq!(r.read_gdb_reg(RegNum(57), &mut out), Some(8));
        assert_eq!(out[..8], r.gregs[USER_ORIG_RAX].to_le_bytes());
        r.write_gdb_reg(RegNum(58), &0x7f00_dead_beefu64.to_le_bytes())
            .unwrap();
        assert_eq!(r.gregs[21], 0x7f00_dead_beef);
        assert!(r.write_gdb_reg(RegNum(58), &[0; 4]).is_none());
        assert!(r.write_gdb_reg(RegNum(76), &[0; 16]).is_none());
        assert_eq!(RegNum::from_raw_id(40).unwrap().1.unwrap().get(), 16);
        assert!(RegNum::from_raw_id(999).is_none());
    }

    #[test]
    fn x87_tags() {
        let mut r = RawRegs::default();
        // Empty stack: every register empty.
        assert_eq!(r.full_tag(), 0xffff);
        // top = 7, st0 is physical 7 holding 1.0; physical 6 holds zero.
        r.fxsave[2..4].copy_from_slice(&(7u16 << 11).to_le_bytes());
        r.fxsave[4] = 0b1100_0000;
        r.fxsave[32..40].copy_from_slice(&(1u64 << 63).to_le_bytes());
        r.fxsave[40..42].copy_from_slice(&0x3fffu16.to_le_bytes());
        // st7 (physical 6) stays all zero.
        assert_eq!(r.full_tag(), 0x0fff | (1 << 12));
        let tag = r.full_tag();
        r.fxsave[4] = 0;
        r.set_full_tag(tag);
        assert_eq!(r.fxsave[4], 0b1100_0000);
    }
}
