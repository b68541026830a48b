// SPDX-License-Identifier: GPL-2.0

//! A seeded random fuzz test of the remote-protocol path: bytes from a
//! pretend gdb, through the gdbstub state machine, out through
//! [`OutputQueue`].
//!
//! Each case feeds one generated input to a fresh state machine over a
//! fake two-thread x86-64 process that offers what the engine's target
//! offers (single registers, whole register blocks of one exact size,
//! vCont stepping, breakpoints and watchpoints, system call catching,
//! auxv, exec file, library list, extended mode, a target description),
//! driven the way
//! `gdbstub_engine/session.rs` drives it: Ctrl-C is acknowledged at once
//! without a stop, a resumed process reports its stop some bytes later,
//! and an error ends the session for good, the state machine dropped
//! unused. The inputs are random bytes, and sessions of real gdb packets
//! with sensible, huge, overlong or broken arguments and framing.
//!
//! Each case checks what gdb, on the other end, relies on:
//! - nothing panics;
//! - a write the output queue refused ends the session with that very
//!   error, so no reply is silently cut short or dropped;
//! - the queue holds exactly what it accepted;
//! - whatever the stub writes is whole frames gdb can read: `+`, `-`,
//!   or `$body#xx` (`%body#xx`) with the right checksum and a body that
//!   unescapes;
//! - with the engine's buffer sizes and a gdb that keeps to the packet
//!   size the stub advertises and reads each reply, no reply outgrows
//!   the output buffer.
//!
//! A second test feeds generated bodies of the packets answered in front
//! of the crate (`extensions`, `process_events`, `refusal`, `tls`) to their
//! parsers.
//!
//! Then, one packet at a time to a stub idle after gdb's opening, with
//! acknowledgements on and off: well-framed packets with bad arguments
//! (each packet the crate knows, with each field empty, overlong, not
//! hex, odd-length, of the wrong length, or with a separator missing or
//! changed), generated packets, and the packets gdb 13 sends. The crate
//! ends the session on many bad ones; `refusal::refusal` must answer
//! exactly those, so that none ends the session, and never one gdb sends
//! in normal use. The ignored test `list_session_enders` prints the
//! packets the crate ends the session on.
//!
//! The generator is a fixed-seed PRNG, so every run tests the same
//! inputs and a failure can be reproduced: it reports its shape, seed and
//! case index, and the ignored test `replay_from_env` re-runs that one
//! case alone.

use crate::conn::{OutputFull, OutputQueue};
use crate::refusal;
use crate::signals;
use core::cell::Cell;
use core::num::NonZeroUsize;
use core::panic::AssertUnwindSafe;
use gdbstub::arch::{Arch, Registers};
use gdbstub::common::{Pid, Signal, Tid};
use gdbstub::conn::Connection;
use gdbstub::stub::state_machine::GdbStubStateMachine;
use gdbstub::stub::{GdbStubBuilder, GdbStubError, MultiThreadStopReason};
use gdbstub::target::ext::auxv::{Auxv, AuxvOps};
use gdbstub::target::ext::base::multithread::{
    MultiThreadBase, MultiThreadRangeStepping, MultiThreadRangeSteppingOps, MultiThreadResume,
    MultiThreadResumeOps, MultiThreadSchedulerLocking, MultiThreadSchedulerLockingOps,
    MultiThreadSingleStep, MultiThreadSingleStepOps,
};
use gdbstub::target::ext::base::single_register_access::{
    SingleRegisterAccess, SingleRegisterAccessOps,
};
use gdbstub::target::ext::base::BaseOps;
use gdbstub::target::ext::breakpoints::{
    Breakpoints, BreakpointsOps, HwBreakpoint, HwBreakpointOps, HwWatchpoint, HwWatchpointOps,
    SwBreakpoint, SwBreakpointOps, WatchKind,
};
use gdbstub::target::ext::catch_syscalls::{
    CatchSyscallPosition, CatchSyscalls, CatchSyscallsOps, SyscallNumbers,
};
use gdbstub::target::ext::exec_file::{ExecFile, ExecFileOps};
use gdbstub::target::ext::extended_mode::{
    Args, AttachKind, CurrentActivePid, CurrentActivePidOps, ExtendedMode, ExtendedModeOps,
    ShouldTerminate,
};
use gdbstub::target::ext::libraries::{LibrariesSvr4, LibrariesSvr4Ops};
use gdbstub::target::ext::target_description_xml_override::{
    TargetDescriptionXmlOverride, TargetDescriptionXmlOverrideOps,
};
use gdbstub::target::{Target, TargetError, TargetResult};
use gdbstub_arch::x86::reg::id::X86_64CoreRegId;
use gdbstub_arch::x86::reg::X86_64CoreRegs;
use gdbstub_arch::x86::X86_64_SSE;
use std::string::String;
use std::string::ToString;
use std::vec::Vec;
use std::{format, vec};

/// The engine's packet buffer (`PACKET_SIZE` in gdbstub_engine/session.rs).
const ENGINE_PACKET_SIZE: usize = 16384;
/// The engine's output buffer (`OUTPUT_SIZE` in gdbstub_engine/session.rs).
const ENGINE_OUTPUT_SIZE: usize = 2 * ENGINE_PACKET_SIZE + 256;

/// xorshift64*: tiny, and random enough to pick test inputs.
struct Rng(u64);

impl Rng {
    /// The generator of one case. Each case has its own, so that a failing
    /// case can be replayed without running the cases before it.
    fn for_case(seed: u64, case: u64) -> Self {
        // splitmix64 spreads neighbouring cases far apart; the low bit
        // keeps the state off zero, which xorshift never leaves.
        let mut z = seed ^ case.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Self((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`; `n` must not be 0.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }

    fn pick<'s, T>(&mut self, items: &'s [T]) -> &'s T {
        &items[self.below(items.len())]
    }

    fn pick_bytes<'s>(&mut self, items: &[&'s [u8]]) -> &'s [u8] {
        items[self.below(items.len())]
    }

    /// One of the words of `list`, which are separated by white space.
    fn pick_word<'s>(&mut self, list: &'s str) -> &'s [u8] {
        let chosen = self.below(list.split_whitespace().count());
        list.split_whitespace().nth(chosen).unwrap_or("").as_bytes()
    }
}

fn checksum(body: &[u8]) -> u8 {
    body.iter().fold(0u8, |sum, &b| sum.wrapping_add(b))
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).map(|d| d as u8)
}

/// Checks that `out` is whole frames gdb can read, and returns how many
/// of them are packets.
fn check_frames(out: &[u8]) -> Result<usize, String> {
    let mut packets = 0;
    let mut at = 0;
    while let Some(&first) = out.get(at) {
        match first {
            b'+' | b'-' => at += 1,
            b'$' | b'%' => {
                let body_start = at + 1;
                let hash = out[body_start..]
                    .iter()
                    .position(|&b| b == b'#')
                    .map(|i| body_start + i)
                    .ok_or_else(|| format!("packet at {at} has no '#'"))?;
                let body = &out[body_start..hash];
                let sum = match out.get(hash + 1..hash + 3) {
                    Some(&[hi, lo]) => hex_value(hi).zip(hex_value(lo)).map(|(h, l)| h << 4 | l),
                    _ => None,
                }
                .ok_or_else(|| format!("packet at {at} has no checksum"))?;
                if sum != checksum(body) {
                    return Err(format!("packet at {at} has a wrong checksum"));
                }
                check_body(body).map_err(|why| format!("packet at {at}: {why}"))?;
                packets += usize::from(first == b'$');
                at = hash + 3;
            }
            other => return Err(format!("byte {other:#04x} at {at} is outside any packet")),
        }
    }
    Ok(packets)
}

/// Checks what gdb needs of a packet body beyond framing: no `$`, every
/// `}` escape completed, every `*` run length after a byte to repeat and
/// itself a printable count that is neither `#` nor `$`.
fn check_body(body: &[u8]) -> Result<(), &'static str> {
    let mut at = 0;
    while let Some(&b) = body.get(at) {
        match b {
            b'$' => return Err("'$' inside the body"),
            b'}' if at + 1 >= body.len() => return Err("escape at the end of the body"),
            b'}' => at += 2,
            b'*' if at == 0 => return Err("run length with nothing to repeat"),
            b'*' => match body.get(at + 1) {
                Some(b'#' | b'$') | None => return Err("run length without a valid count"),
                Some(&count) if !(b' '..=b'~').contains(&count) => {
                    return Err("run length count is not printable")
                }
                Some(_) => at += 2,
            },
            _ => at += 1,
        }
    }
    Ok(())
}

/// The fake process's ID and its two threads' IDs.
const PID: usize = 0x64;
const THREADS: [usize; 2] = [0x64, 0x65];
/// Memory reads as a fixed pattern up to here, like a user address space.
const USER_END: u64 = 0x7fff_ffff_f000;
/// The only memory that takes writes.
const WINDOW_BASE: u64 = 0x1000;
const WINDOW_LEN: usize = 256;
/// x86 has four debug registers.
const HW_SLOTS: usize = 4;
/// The executable's path, with every byte binary replies must escape.
const EXEC_FILE: &[u8] = b"/usr/bin/fuzz#$}*me";

const EPERM: u8 = 1;
const ESRCH: u8 = 3;
const EFAULT: u8 = 14;
const EINVAL: u8 = 22;
const ENOSPC: u8 = 28;

/// x86-64 with SSE as gdbstub_arch describes it, except that, like the
/// engine's registers (arch/x86/src/regs.rs), a `G` packet that is not
/// exactly a whole register block is refused.
enum FuzzArch {}

impl Arch for FuzzArch {
    type Usize = u64;
    type Registers = FuzzRegs;
    type RegId = X86_64CoreRegId;
    type BreakpointKind = usize;

    fn target_description_xml() -> Option<&'static str> {
        X86_64_SSE::target_description_xml()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
struct FuzzRegs(X86_64CoreRegs);

/// The size of the register block `g` sends and `G` takes.
fn register_block_size() -> usize {
    let mut size = 0;
    FuzzRegs::default().gdb_serialize(|_| size += 1);
    size
}

impl Registers for FuzzRegs {
    type ProgramCounter = u64;

    fn pc(&self) -> u64 {
        self.0.pc()
    }

    fn gdb_serialize(&self, write_byte: impl FnMut(Option<u8>)) {
        self.0.gdb_serialize(write_byte)
    }

    fn gdb_deserialize(&mut self, bytes: &[u8]) -> Result<(), ()> {
        if bytes.len() != register_block_size() {
            return Err(());
        }
        self.0.gdb_deserialize(bytes)
    }
}

/// A stopped two-thread process with the engine's feature set.
struct FuzzTarget {
    regs: [X86_64CoreRegs; 2],
    window: [u8; WINDOW_LEN],
    sw_breakpoints: Vec<u64>,
    hw_points: Vec<(u64, u64)>,
}

impl FuzzTarget {
    fn new() -> Self {
        let regs = X86_64CoreRegs {
            rip: 0x0040_1000,
            eflags: 0x246,
            mxcsr: 0x1f80,
            ..Default::default()
        };
        let mut other = regs.clone();
        other.regs[7] = 0x7fff_ffff_e000;
        Self {
            regs: [regs, other],
            // Zeros, then counting bytes: a run for the run-length
            // encoder, then bytes that do not repeat.
            window: core::array::from_fn(|i| if i < 64 { 0 } else { i as u8 }),
            sw_breakpoints: Vec::new(),
            hw_points: Vec::new(),
        }
    }

    fn thread(&self, tid: Tid) -> Result<usize, TargetError<&'static str>> {
        THREADS
            .iter()
            .position(|&t| t == tid.get())
            .ok_or(TargetError::Errno(ESRCH))
    }

    /// The byte at `addr`: the window, or a pattern with long zero runs.
    fn byte_at(&self, addr: u64) -> u8 {
        match addr.checked_sub(WINDOW_BASE) {
            Some(offset) if offset < WINDOW_LEN as u64 => self.window[offset as usize],
            _ if addr & 0x100 == 0 => 0,
            _ => addr as u8,
        }
    }
}

/// Copies what `doc` holds from `offset` on, as the engine does for
/// every `qXfer` object.
fn read_object(doc: &[u8], offset: u64, length: usize, buf: &mut [u8]) -> usize {
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(doc.len());
    let n = (doc.len() - start).min(length).min(buf.len());
    buf[..n].copy_from_slice(&doc[start..start + n]);
    n
}

/// Like the engine, a resume with a signal Linux lacks is an error that
/// ends the session.
fn check_signal(signal: Option<Signal>) -> Result<(), &'static str> {
    match signal {
        Some(Signal(s)) if signals::from_gdb(s).is_none() => Err("signal Linux lacks"),
        _ => Ok(()),
    }
}

impl Target for FuzzTarget {
    type Arch = FuzzArch;
    type Error = &'static str;

    fn base_ops(&mut self) -> BaseOps<'_, Self::Arch, Self::Error> {
        BaseOps::MultiThread(self)
    }

    fn support_breakpoints(&mut self) -> Option<BreakpointsOps<'_, Self>> {
        Some(self)
    }

    fn support_target_description_xml_override(
        &mut self,
    ) -> Option<TargetDescriptionXmlOverrideOps<'_, Self>> {
        Some(self)
    }

    fn support_auxv(&mut self) -> Option<AuxvOps<'_, Self>> {
        Some(self)
    }

    fn support_exec_file(&mut self) -> Option<ExecFileOps<'_, Self>> {
        Some(self)
    }

    fn support_libraries_svr4(&mut self) -> Option<LibrariesSvr4Ops<'_, Self>> {
        Some(self)
    }

    fn support_extended_mode(&mut self) -> Option<ExtendedModeOps<'_, Self>> {
        Some(self)
    }

    fn support_catch_syscalls(&mut self) -> Option<CatchSyscallsOps<'_, Self>> {
        Some(self)
    }

    // As in the engine: the stub inserts breakpoints itself.
    fn guard_rail_implicit_sw_breakpoints(&self) -> bool {
        true
    }
}

impl MultiThreadBase for FuzzTarget {
    fn read_registers(&mut self, regs: &mut FuzzRegs, tid: Tid) -> TargetResult<(), Self> {
        regs.0.clone_from(&self.regs[self.thread(tid)?]);
        Ok(())
    }

    fn write_registers(&mut self, regs: &FuzzRegs, tid: Tid) -> TargetResult<(), Self> {
        self.regs[self.thread(tid)?].clone_from(&regs.0);
        Ok(())
    }

    fn support_single_register_access(&mut self) -> Option<SingleRegisterAccessOps<'_, Tid, Self>> {
        Some(self)
    }

    // Like the engine, an unknown thread reads the process's memory, and
    // a read that gets nothing is an error, never an empty success.
    fn read_addrs(&mut self, start: u64, data: &mut [u8], _tid: Tid) -> TargetResult<usize, Self> {
        let readable = usize::try_from(USER_END.saturating_sub(start)).unwrap_or(usize::MAX);
        let n = data.len().min(readable);
        if n == 0 && !data.is_empty() {
            return Err(TargetError::Errno(EFAULT));
        }
        for (i, b) in data[..n].iter_mut().enumerate() {
            *b = self.byte_at(start + i as u64);
        }
        Ok(n)
    }

    fn write_addrs(&mut self, start: u64, data: &[u8], _tid: Tid) -> TargetResult<(), Self> {
        let offset = start
            .checked_sub(WINDOW_BASE)
            .and_then(|o| usize::try_from(o).ok())
            .ok_or(TargetError::Errno(EFAULT))?;
        offset
            .checked_add(data.len())
            .and_then(|end| self.window.get_mut(offset..end))
            .ok_or(TargetError::Errno(EFAULT))?
            .copy_from_slice(data);
        Ok(())
    }

    fn list_active_threads(&mut self, report: &mut dyn FnMut(Tid)) -> Result<(), &'static str> {
        THREADS
            .iter()
            .filter_map(|&t| NonZeroUsize::new(t))
            .for_each(report);
        Ok(())
    }

    fn support_resume(&mut self) -> Option<MultiThreadResumeOps<'_, Self>> {
        Some(self)
    }
}

impl SingleRegisterAccess<Tid> for FuzzTarget {
    fn read_register(
        &mut self,
        tid: Tid,
        reg: X86_64CoreRegId,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        let regs = &self.regs[self.thread(tid)?];
        let value: u128 = match reg {
            X86_64CoreRegId::Gpr(i) => u128::from(regs.regs[usize::from(i)]),
            X86_64CoreRegId::Rip => u128::from(regs.rip),
            X86_64CoreRegId::Eflags => u128::from(regs.eflags),
            X86_64CoreRegId::Xmm(i) => regs.xmm[usize::from(i)],
            X86_64CoreRegId::Mxcsr => u128::from(regs.mxcsr),
            _ => 0,
        };
        // The crate sizes `buf` to the register, 16 bytes at most.
        let n = buf.len().min(16);
        buf[..n].copy_from_slice(&value.to_le_bytes()[..n]);
        Ok(n)
    }

    fn write_register(
        &mut self,
        tid: Tid,
        reg: X86_64CoreRegId,
        value: &[u8],
    ) -> TargetResult<(), Self> {
        let regs = &mut self.regs[self.thread(tid)?];
        let mut bytes = [0u8; 8];
        match (reg, value.len()) {
            (X86_64CoreRegId::Gpr(i), 8) => {
                bytes.copy_from_slice(value);
                regs.regs[usize::from(i)] = u64::from_le_bytes(bytes);
            }
            (X86_64CoreRegId::Rip, 8) => {
                bytes.copy_from_slice(value);
                regs.rip = u64::from_le_bytes(bytes);
            }
            // The rest are not kept; a wrong size is gdb's mistake.
            (_, 1..=16) => {}
            _ => return Err(TargetError::NonFatal),
        }
        Ok(())
    }
}

impl MultiThreadResume for FuzzTarget {
    fn resume(&mut self) -> Result<(), &'static str> {
        Ok(())
    }

    fn clear_resume_actions(&mut self) -> Result<(), &'static str> {
        Ok(())
    }

    fn set_resume_action_continue(
        &mut self,
        _tid: Tid,
        signal: Option<Signal>,
    ) -> Result<(), &'static str> {
        check_signal(signal)
    }

    fn support_single_step(&mut self) -> Option<MultiThreadSingleStepOps<'_, Self>> {
        Some(self)
    }

    fn support_range_step(&mut self) -> Option<MultiThreadRangeSteppingOps<'_, Self>> {
        Some(self)
    }

    fn support_scheduler_locking(&mut self) -> Option<MultiThreadSchedulerLockingOps<'_, Self>> {
        Some(self)
    }
}

impl MultiThreadSingleStep for FuzzTarget {
    fn set_resume_action_step(
        &mut self,
        _tid: Tid,
        signal: Option<Signal>,
    ) -> Result<(), &'static str> {
        check_signal(signal)
    }
}

impl MultiThreadRangeStepping for FuzzTarget {
    fn set_resume_action_range_step(
        &mut self,
        _tid: Tid,
        _start: u64,
        _end: u64,
    ) -> Result<(), &'static str> {
        Ok(())
    }
}

impl MultiThreadSchedulerLocking for FuzzTarget {
    fn set_resume_action_scheduler_lock(&mut self) -> Result<(), &'static str> {
        Ok(())
    }
}

impl Breakpoints for FuzzTarget {
    fn support_sw_breakpoint(&mut self) -> Option<SwBreakpointOps<'_, Self>> {
        Some(self)
    }

    fn support_hw_breakpoint(&mut self) -> Option<HwBreakpointOps<'_, Self>> {
        Some(self)
    }

    fn support_hw_watchpoint(&mut self) -> Option<HwWatchpointOps<'_, Self>> {
        Some(self)
    }
}

impl SwBreakpoint for FuzzTarget {
    fn add_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        // Bounded like any real table: gdb hears "not inserted" when full.
        let inserted = addr < USER_END && self.sw_breakpoints.len() < 64;
        if inserted {
            self.sw_breakpoints.push(addr);
        }
        Ok(inserted)
    }

    fn remove_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        let found = self.sw_breakpoints.iter().position(|&a| a == addr);
        Ok(found.map(|i| self.sw_breakpoints.swap_remove(i)).is_some())
    }
}

impl FuzzTarget {
    fn add_hw_point(&mut self, addr: u64, len: u64) -> TargetResult<bool, Self> {
        if !matches!(len, 1 | 2 | 4 | 8) || !addr.is_multiple_of(len) {
            return Err(TargetError::Errno(EINVAL));
        }
        if self.hw_points.len() == HW_SLOTS {
            return Err(TargetError::Errno(ENOSPC));
        }
        self.hw_points.push((addr, len));
        Ok(true)
    }

    fn remove_hw_point(&mut self, addr: u64, len: u64) -> bool {
        let found = self.hw_points.iter().position(|&p| p == (addr, len));
        found.map(|i| self.hw_points.swap_remove(i)).is_some()
    }
}

impl HwBreakpoint for FuzzTarget {
    fn add_hw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        self.add_hw_point(addr, 1)
    }

    fn remove_hw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        Ok(self.remove_hw_point(addr, 1))
    }
}

impl HwWatchpoint for FuzzTarget {
    // x86 cannot trap on reads alone, so gdb hears "not supported".
    fn add_hw_watchpoint(
        &mut self,
        addr: u64,
        len: u64,
        kind: WatchKind,
    ) -> TargetResult<bool, Self> {
        match kind {
            WatchKind::Read => Ok(false),
            _ => self.add_hw_point(addr, len),
        }
    }

    fn remove_hw_watchpoint(
        &mut self,
        addr: u64,
        len: u64,
        kind: WatchKind,
    ) -> TargetResult<bool, Self> {
        Ok(kind != WatchKind::Read && self.remove_hw_point(addr, len))
    }
}

impl TargetDescriptionXmlOverride for FuzzTarget {
    fn target_description_xml(
        &self,
        annex: &[u8],
        offset: u64,
        length: usize,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        let doc = match (annex, X86_64_SSE::target_description_xml()) {
            (b"target.xml", Some(doc)) => doc,
            _ => return Err(TargetError::NonFatal),
        };
        Ok(read_object(doc.as_bytes(), offset, length, buf))
    }
}

impl Auxv for FuzzTarget {
    fn get_auxv(&self, offset: u64, length: usize, buf: &mut [u8]) -> TargetResult<usize, Self> {
        // Every byte value, so escaping in binary replies is exercised.
        let auxv: [u8; 256] = core::array::from_fn(|i| i as u8);
        Ok(read_object(&auxv, offset, length, buf))
    }
}

/// The engine's library list: a fixed document here.
impl LibrariesSvr4 for FuzzTarget {
    fn get_libraries_svr4(
        &self,
        offset: u64,
        length: usize,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        let doc = b"<library-list-svr4 version=\"1.0\" main-lm=\"0x7ffff7ffe190\"/>";
        Ok(read_object(doc, offset, length, buf))
    }
}

impl ExecFile for FuzzTarget {
    fn get_exec_file(
        &self,
        _pid: Option<Pid>,
        offset: u64,
        length: usize,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        Ok(read_object(EXEC_FILE, offset, length, buf))
    }
}

/// The engine's extended mode: attached to one process for good.
impl ExtendedMode for FuzzTarget {
    fn run(&mut self, _filename: Option<&[u8]>, _args: Args<'_, '_>) -> TargetResult<Pid, Self> {
        Err(TargetError::Errno(EPERM))
    }

    fn attach(&mut self, _pid: Pid) -> TargetResult<(), Self> {
        Err(TargetError::Errno(EPERM))
    }

    fn query_if_attached(&mut self, _pid: Pid) -> TargetResult<AttachKind, Self> {
        Ok(AttachKind::Attach)
    }

    fn kill(&mut self, _pid: Option<Pid>) -> TargetResult<ShouldTerminate, Self> {
        Ok(ShouldTerminate::Yes)
    }

    fn restart(&mut self) -> Result<(), &'static str> {
        Ok(())
    }

    fn support_current_active_pid(&mut self) -> Option<CurrentActivePidOps<'_, Self>> {
        Some(self)
    }
}

impl CurrentActivePid for FuzzTarget {
    fn current_active_pid(&mut self) -> Result<Pid, &'static str> {
        Pid::new(PID).ok_or("no pid")
    }
}

impl CatchSyscalls for FuzzTarget {
    fn enable_catch_syscalls(
        &mut self,
        filter: Option<SyscallNumbers<'_, u64>>,
    ) -> TargetResult<(), Self> {
        // The engine reads every number gdb lists, however many.
        filter.into_iter().flatten().for_each(drop);
        Ok(())
    }

    fn disable_catch_syscalls(&mut self) -> TargetResult<(), Self> {
        Ok(())
    }
}

/// The engine's [`OutputQueue`], checked on every write. Whether a write
/// was refused is kept outside the state machine, so the check survives
/// the error that drops the machine.
struct WatchedQueue<'a> {
    queue: OutputQueue<'a>,
    refused: &'a Cell<bool>,
}

impl WatchedQueue<'_> {
    fn watch(&mut self, bytes: &[u8], result: Result<(), OutputFull>, before: usize) {
        let pending = self.queue.pending();
        match result {
            Ok(()) => assert_eq!(
                pending.get(before..),
                Some(bytes),
                "the output queue did not keep what it accepted"
            ),
            Err(OutputFull) => {
                assert_eq!(
                    pending.len(),
                    before,
                    "the output queue kept part of a write it refused"
                );
                self.refused.set(true);
            }
        }
    }
}

impl Connection for WatchedQueue<'_> {
    type Error = OutputFull;

    fn write(&mut self, byte: u8) -> Result<(), OutputFull> {
        let before = self.queue.pending().len();
        let result = self.queue.write(byte);
        self.watch(&[byte], result, before);
        result
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), OutputFull> {
        let before = self.queue.pending().len();
        let result = self.queue.write_all(bytes);
        self.watch(bytes, result, before);
        result
    }

    fn flush(&mut self) -> Result<(), OutputFull> {
        self.queue.flush()
    }
}

type Machine<'a> = GdbStubStateMachine<'a, FuzzTarget, WatchedQueue<'a>>;
type Step<'a> = Result<Machine<'a>, GdbStubError<&'static str, OutputFull>>;

fn output<'m, 'a>(machine: &'m mut Machine<'a>) -> &'m mut WatchedQueue<'a> {
    match machine {
        GdbStubStateMachine::Idle(m) => m.borrow_conn(),
        GdbStubStateMachine::Running(m) => m.borrow_conn(),
        GdbStubStateMachine::CtrlCInterrupt(m) => m.borrow_conn(),
        GdbStubStateMachine::Disconnected(m) => m.borrow_conn(),
    }
}

/// How promptly the pretend gdb reads the stub's output.
#[derive(Clone, Copy, Debug)]
enum Reader {
    /// Everything, after every byte it sends: a gdb waiting for replies.
    Promptly,
    /// Now and then, part of it: the queue must compact correctly.
    Sometimes,
    /// Never: the queue fills up.
    Never,
}

/// One generated case.
struct Case {
    input: Vec<u8>,
    packet_size: usize,
    output_size: usize,
    reader: Reader,
}

/// What the cases reached, so the tests can tell the fuzz still reaches
/// the states it is meant to exercise.
#[derive(Default, Debug)]
struct Tally {
    replies: usize,
    resumes: usize,
    stops: usize,
    interrupts: usize,
    disconnects: usize,
    output_full: usize,
    protocol_errors: usize,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.replies += other.replies;
        self.resumes += other.resumes;
        self.stops += other.stops;
        self.interrupts += other.interrupts;
        self.disconnects += other.disconnects;
        self.output_full += other.output_full;
        self.protocol_errors += other.protocol_errors;
    }
}

/// A stop the engine can report: what a breakpoint, step, watchpoint,
/// system call, signal, Ctrl-C or exit turns into in `stop_reason`,
/// sometimes for a thread that has gone.
fn random_stop(rng: &mut Rng) -> MultiThreadStopReason<u64> {
    let tid = NonZeroUsize::new(*rng.pick(&[THREADS[0], THREADS[1], 0x999])).unwrap_or(Tid::MIN);
    let signal = Signal(signals::to_gdb(1 + rng.below(64) as i32));
    match rng.below(12) {
        0 => MultiThreadStopReason::DoneStep,
        1 => MultiThreadStopReason::Signal(Signal::SIGTRAP),
        2 => MultiThreadStopReason::SignalWithThread {
            tid,
            signal: Signal::SIGTRAP,
        },
        3 => MultiThreadStopReason::SwBreak(tid),
        4 => MultiThreadStopReason::HwBreak(tid),
        5 => MultiThreadStopReason::Watch {
            tid,
            kind: *rng.pick(&[WatchKind::Write, WatchKind::ReadWrite]),
            addr: rng.next(),
        },
        6 => MultiThreadStopReason::SignalWithThread {
            tid,
            signal: Signal::SIGINT,
        },
        7 => MultiThreadStopReason::SignalWithThread { tid, signal },
        8 => MultiThreadStopReason::Signal(Signal::SIGINT),
        9 => MultiThreadStopReason::Exited(rng.byte()),
        10 => MultiThreadStopReason::CatchSyscall {
            tid: Some(tid),
            number: rng.below(512) as u64,
            position: *rng.pick(&[CatchSyscallPosition::Entry, CatchSyscallPosition::Return]),
        },
        _ => MultiThreadStopReason::Terminated(signal),
    }
}

/// The checks made on every step of one case.
struct Checker<'c> {
    rng: &'c mut Rng,
    reader: Reader,
    refused: &'c Cell<bool>,
    /// How much of the pending output is already checked.
    checked: usize,
    tally: Tally,
}

impl Checker<'_> {
    /// Keeps the machine after a step that succeeded, after checking the
    /// output it added; an error ends the session, as in the engine.
    fn settle<'a>(&mut self, step: Step<'a>) -> Option<Machine<'a>> {
        let refused = self.refused.replace(false);
        let mut machine = match step {
            Ok(machine) => machine,
            Err(e) => {
                if e.is_connection_error() {
                    assert!(refused, "a connection error with no write refused");
                    self.tally.output_full += 1;
                } else {
                    assert!(!refused, "a refused write was reported as {e:?}");
                    self.tally.protocol_errors += 1;
                }
                return None;
            }
        };
        assert!(!refused, "the stub went on after a write was refused");
        let out = output(&mut machine);
        let fresh = &out.queue.pending()[self.checked..];
        match check_frames(fresh) {
            Ok(packets) => self.tally.replies += packets,
            Err(why) => panic!("malformed output, {why}: \"{}\"", fresh.escape_ascii()),
        }
        let pending = out.queue.pending().len();
        let read = match self.reader {
            Reader::Promptly => pending,
            Reader::Sometimes if self.rng.one_in(4) => self.rng.below(pending + 1),
            Reader::Sometimes | Reader::Never => 0,
        };
        out.queue.consume(read);
        self.checked = pending - read;
        Some(machine)
    }

    /// Reports a stop if the process is running, as the engine does once
    /// the process has stopped.
    fn stop<'a>(&mut self, machine: Machine<'a>, target: &mut FuzzTarget) -> Option<Machine<'a>> {
        match machine {
            GdbStubStateMachine::Running(m) => {
                self.tally.stops += 1;
                let stop = random_stop(self.rng);
                self.settle(m.report_stop(target, stop))
            }
            other => Some(other),
        }
    }
}

/// Feeds one case to a fresh state machine, byte by byte, the way
/// `Proto::feed` in gdbstub_engine/session.rs does.
fn drive(case: &Case, rng: &mut Rng) -> Tally {
    let mut packet_buf = vec![0u8; case.packet_size];
    let mut out_buf = vec![0u8; case.output_size];
    let refused = Cell::new(false);
    let mut target = FuzzTarget::new();
    let conn = WatchedQueue {
        queue: OutputQueue::new(&mut out_buf),
        refused: &refused,
    };
    let stub = GdbStubBuilder::new(conn)
        .with_packet_buffer(&mut packet_buf)
        .build()
        .expect("a stub with a packet buffer builds");
    let mut checker = Checker {
        rng,
        reader: case.reader,
        refused: &refused,
        checked: 0,
        tally: Tally::default(),
    };
    let mut machine = checker.settle(stub.run_state_machine(&mut target));
    for &byte in &case.input {
        let Some(current) = machine else { break };
        let was_running = matches!(current, GdbStubStateMachine::Running(_));
        let step = match current {
            GdbStubStateMachine::Idle(m) => m.incoming_data(&mut target, byte),
            GdbStubStateMachine::Running(m) => m.incoming_data(&mut target, byte),
            // Never left waiting (it is answered just below), but the
            // engine would answer it here.
            GdbStubStateMachine::CtrlCInterrupt(m) => {
                m.interrupt_handled(&mut target, None::<MultiThreadStopReason<u64>>)
            }
            // The engine stops feeding a session gdb has ended.
            GdbStubStateMachine::Disconnected(m) => {
                machine = Some(m.into());
                break;
            }
        };
        // The engine asks the process to stop and reports the stop later,
        // once it has stopped.
        let step = match step {
            Ok(GdbStubStateMachine::CtrlCInterrupt(m)) => {
                checker.tally.interrupts += 1;
                m.interrupt_handled(&mut target, None::<MultiThreadStopReason<u64>>)
            }
            other => other,
        };
        machine = checker.settle(step);
        if let Some(GdbStubStateMachine::Running(_)) = machine {
            checker.tally.resumes += usize::from(!was_running);
            if checker.rng.one_in(4) {
                machine = machine.and_then(|m| checker.stop(m, &mut target));
            }
        }
    }
    // The process stops in the end, input or not.
    machine = machine.and_then(|m| checker.stop(m, &mut target));
    if let Some(GdbStubStateMachine::Disconnected(_)) = machine {
        checker.tally.disconnects += 1;
    }
    checker.tally
}

/// How wild the generated packets may be.
#[derive(Clone, Copy)]
struct Limits {
    /// The stub's packet buffer, which is the packet size it advertises.
    packet_size: usize,
    /// Whether to break the rules: huge and overlong numbers, bodies past
    /// the packet size, wrong checksums, mutations, NAKs and junk. Off,
    /// the generator keeps to what gdb itself sends.
    wild: bool,
}

/// Packets gdb sends, as the start of a body; the generator follows them
/// with random fields, so the parsers see odd arguments to every packet.
const PREFIXES: &str =
    "? g G p P m M X c s C S D D; k H Hg Hc T Z0, Z1, Z2, Z3, Z4, z0, z1, z2, z3, z4, vCont? \
    vCont;c vCont;s vCont;C vCont;S vCont;r vCont;t vKill; vAttach; vRun; vMustReplyEmpty \
    vFile:open: qSupported qSupported: qXfer:features:read:target.xml: qXfer:features:read: \
    qXfer:auxv:read:: qXfer:exec-file:read: qXfer:libraries:read:: qXfer:memory-map:read:: \
    qfThreadInfo qsThreadInfo qC qAttached qAttached: qThreadExtraInfo, qOffsets qHostInfo \
    qRcmd, qTStatus QStartNoAckMode QDisableRandomization: QEnvironmentHexEncoded: \
    QEnvironmentReset QSetWorkingDir: QStartupWithShell: QThreadEvents: QCatchSyscalls: ! R \
    bc bs";

/// Packets gdb sends whole.
const WHOLE_PACKETS: &str =
    "? g c s k D D;64 vKill;64 qC qfThreadInfo qsThreadInfo qAttached qAttached:64 \
    QStartNoAckMode vCont? vMustReplyEmpty ! R00 qOffsets qTStatus Hg0 Hc-1 Hgp64.65";

/// Features gdb announces in `qSupported`.
const SUPPORTED_FEATURES: &str =
    "multiprocess+ swbreak+ hwbreak+ qRelocInsn+ fork-events+ vfork-events+ exec-events+ \
    vContSupported+ QThreadEvents+ no-resumed+ memory-tagging+ xmlRegisters=i386";

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_hex_digits(rng: &mut Rng, out: &mut Vec<u8>, n: usize) {
    let upper = rng.one_in(8);
    out.extend((0..n).map(|_| {
        let digit = HEX[rng.below(16)];
        if upper {
            digit.to_ascii_uppercase()
        } else {
            digit
        }
    }));
}

fn push_hex_value(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(format!("{value:x}").as_bytes());
}

/// An address or number, often one the fake process cares about.
/// A wild number is often one the crate refuses outright, ending the
/// session, so it comes rarely enough for sessions to go on a while.
fn push_number(rng: &mut Rng, out: &mut Vec<u8>, limits: Limits) {
    if limits.wild && rng.one_in(5) {
        match rng.below(4) {
            0 => out.extend_from_slice(b"ffffffffffffffff"),
            // 2^64: one past what any address holds.
            1 => out.extend_from_slice(b"10000000000000000"),
            2 => {
                let n = 17 + rng.below(64);
                push_hex_digits(rng, out, n);
            }
            _ => out.extend_from_slice(rng.pick_bytes(&[&b""[..], b"-1", b"0x10", b"g"])),
        }
        return;
    }
    match rng.below(5) {
        0 => push_hex_value(out, rng.below(16) as u64),
        1 | 2 => push_hex_value(out, WINDOW_BASE + rng.below(WINDOW_LEN + 16) as u64),
        3 => push_hex_value(out, USER_END - rng.below(64) as u64),
        _ => push_hex_value(out, rng.next() >> rng.below(64)),
    }
}

/// A length for a read or write: up to the packet size gdb was told.
fn push_length(rng: &mut Rng, out: &mut Vec<u8>, limits: Limits) {
    match rng.below(4) {
        0 => push_hex_value(out, rng.below(17) as u64),
        1 => push_hex_value(out, rng.below(limits.packet_size + 1) as u64),
        2 => push_hex_value(out, (limits.packet_size - rng.below(32)) as u64),
        _ if limits.wild => push_number(rng, out, limits),
        _ => push_hex_value(out, (limits.packet_size / 2) as u64),
    }
}

/// One of the process's threads, as gdb names it with and without
/// multiprocess extensions.
fn push_known_thread(rng: &mut Rng, out: &mut Vec<u8>) {
    out.extend_from_slice(rng.pick_bytes(&[&b"64"[..], b"65", b"p64.64", b"p64.65"]));
}

/// A thread ID. gdb itself names a thread, or "any" (0) where any will
/// do; a wild case says anything, including "all" (-1) and "any" where
/// the crate refuses them.
fn push_thread_id(rng: &mut Rng, out: &mut Vec<u8>, limits: Limits) {
    if !limits.wild {
        push_known_thread(rng, out);
        return;
    }
    match rng.below(4) {
        0 => out.extend_from_slice(rng.pick_bytes(&[&b"-1"[..], b"0", b"64", b"65", b"999"])),
        1 => {
            out.extend_from_slice(rng.pick_bytes(&[&b"p64.65"[..], b"p64.-1", b"p-1.-1", b"p64.0"]))
        }
        2 => {
            out.push(b'p');
            push_number(rng, out, limits);
            out.push(b'.');
            push_number(rng, out, limits);
        }
        _ => push_number(rng, out, limits),
    }
}

/// A signal: gdb sends two hex digits, a wild case one to three.
fn push_signal(rng: &mut Rng, out: &mut Vec<u8>, limits: Limits) {
    match rng.below(if limits.wild { 3 } else { 2 }) {
        0 => out.extend_from_slice(rng.pick_bytes(&[&b"05"[..], b"02", b"0b", b"00"])),
        1 => out.extend_from_slice(format!("{:02x}", rng.byte()).as_bytes()),
        _ => {
            let n = 1 + rng.below(3);
            push_hex_digits(rng, out, n);
        }
    }
}

/// `len` bytes of binary data, as `X` carries it: escaped, except that a
/// wild case sometimes leaves the special bytes bare.
fn push_binary(rng: &mut Rng, out: &mut Vec<u8>, len: usize, limits: Limits) {
    let escape = !limits.wild || !rng.one_in(4);
    for _ in 0..len {
        let b = match rng.below(4) {
            0 => *rng.pick(b"#$}*"),
            _ => rng.byte(),
        };
        if escape && matches!(b, b'#' | b'$' | b'}' | b'*') {
            out.extend_from_slice(&[b'}', b ^ 0x20]);
        } else {
            out.push(b);
        }
    }
}

/// How many data bytes a packet can carry, at `per_byte` body bytes each,
/// and stay within the packet size.
fn data_room(limits: Limits, per_byte: usize) -> usize {
    limits.packet_size.saturating_sub(64) / per_byte
}

fn data_len(rng: &mut Rng, limits: Limits, per_byte: usize) -> usize {
    match rng.below(8) {
        0 if limits.wild => rng.below(2 * limits.packet_size / per_byte + 2),
        0..=2 => rng.below(data_room(limits, per_byte) + 1),
        _ => rng.below(17),
    }
}

/// A field much longer than the packet buffer: the stub must refuse it.
fn push_overlong(rng: &mut Rng, out: &mut Vec<u8>, limits: Limits) {
    let n = limits.packet_size / 2 + rng.below(2 * limits.packet_size);
    if rng.one_in(2) {
        push_hex_digits(rng, out, n);
    } else {
        out.resize(out.len() + n, b'a');
    }
}

/// Random fields after a known prefix.
fn push_fields(rng: &mut Rng, out: &mut Vec<u8>, limits: Limits) {
    for _ in 0..rng.below(5) {
        match rng.below(16) {
            0..=4 => push_number(rng, out, limits),
            5..=7 => push_thread_id(rng, out, limits),
            8..=10 => {
                let n = 2 * data_len(rng, limits, 2);
                push_hex_digits(rng, out, n);
            }
            11..=13 => push_signal(rng, out, limits),
            14 => push_overlong(rng, out, limits),
            _ => out.extend((0..rng.below(16)).map(|_| rng.byte())),
        }
        out.push(*rng.pick(b",:;=."));
    }
}

/// One `vCont` action of the first `kinds` kinds: continue, continue
/// with a signal, step, step with a signal, range step, stop.
fn push_vcont_action(rng: &mut Rng, out: &mut Vec<u8>, limits: Limits, kinds: usize) {
    out.push(b';');
    match rng.below(kinds) {
        0 => out.push(b'c'),
        1 => {
            out.push(b'C');
            push_signal(rng, out, limits);
        }
        2 => out.push(b's'),
        3 => {
            out.push(b'S');
            push_signal(rng, out, limits);
        }
        4 => {
            out.push(b'r');
            push_number(rng, out, limits);
            out.push(b',');
            push_number(rng, out, limits);
        }
        _ => out.push(b't'),
    }
}

/// A `vCont` packet: in gdb's own order, actions for named threads and
/// then what the rest do; in a wild case, anything.
fn push_vcont(rng: &mut Rng, out: &mut Vec<u8>, limits: Limits) {
    out.extend_from_slice(b"vCont");
    if limits.wild {
        for _ in 0..1 + rng.below(3) {
            push_vcont_action(rng, out, limits, 6);
            if rng.one_in(2) {
                out.push(b':');
                push_thread_id(rng, out, limits);
            }
        }
        return;
    }
    let named = rng.below(2) == 0;
    if named {
        push_vcont_action(rng, out, limits, 5);
        out.push(b':');
        push_thread_id(rng, out, limits);
    }
    if !named || rng.one_in(2) {
        push_vcont_action(rng, out, limits, 2);
    }
}

/// The body of one gdb packet: mostly a real packet with random
/// arguments, else a known prefix with random fields.
fn gdb_body(rng: &mut Rng, limits: Limits) -> Vec<u8> {
    let mut body = Vec::new();
    let out = &mut body;
    match rng.below(19) {
        0 | 1 => {
            out.push(b'm');
            push_number(rng, out, limits);
            out.push(b',');
            push_length(rng, out, limits);
        }
        2 => {
            let len = data_len(rng, limits, 2);
            out.push(b'M');
            push_number(rng, out, limits);
            out.push(b',');
            push_hex_value(out, len as u64);
            out.push(b':');
            // Sometimes a length that disagrees with the data.
            let digits = if rng.one_in(4) {
                rng.below(40)
            } else {
                2 * len
            };
            push_hex_digits(rng, out, digits);
        }
        3 => {
            let len = data_len(rng, limits, 2);
            out.push(b'X');
            push_number(rng, out, limits);
            out.push(b',');
            push_hex_value(out, len as u64);
            out.push(b':');
            push_binary(rng, out, len, limits);
        }
        4 => {
            // Exactly the registers gdb would send, or not quite.
            let mut digits = 2 * register_block_size();
            if limits.wild && rng.one_in(3) {
                digits = rng.below(2 * digits);
            }
            out.push(b'G');
            push_hex_digits(rng, out, digits);
        }
        5 => {
            out.push(b'p');
            push_hex_value(out, rng.below(64) as u64);
        }
        6 => {
            out.push(b'P');
            push_hex_value(out, rng.below(64) as u64);
            out.push(b'=');
            let n = 2 * rng.below(20);
            push_hex_digits(rng, out, n);
        }
        7 => {
            out.push(*rng.pick(b"Zz"));
            out.push(*rng.pick(b"01234"));
            out.push(b',');
            push_number(rng, out, limits);
            out.push(b',');
            out.push(*rng.pick(b"01248"));
        }
        8 => push_vcont(rng, out, limits),
        9 => {
            out.extend_from_slice(rng.pick_bytes(&[&b"Hg"[..], b"Hc", b"T", b"qThreadExtraInfo,"]));
            match rng.below(4) {
                0 if out.starts_with(b"H") => out.push(b'0'),
                _ => push_thread_id(rng, out, limits),
            }
        }
        10 => {
            out.extend_from_slice(rng.pick_bytes(&[
                &b"qXfer:features:read:target.xml:"[..],
                b"qXfer:features:read:other.xml:",
                b"qXfer:auxv:read::",
                b"qXfer:exec-file:read:64:",
                b"qXfer:exec-file:read::",
            ]));
            push_number(rng, out, limits);
            out.push(b',');
            push_length(rng, out, limits);
        }
        11 => {
            // The crate refuses a bare qSupported, which gdb never sends.
            out.extend_from_slice(b"qSupported");
            let least = usize::from(!limits.wild);
            for i in 0..least + rng.below(SUPPORTED_FEATURES.len()) {
                out.push(if i == 0 { b':' } else { b';' });
                out.extend_from_slice(rng.pick_word(SUPPORTED_FEATURES));
            }
        }
        12 | 13 => out.extend_from_slice(rng.pick_word(WHOLE_PACKETS)),
        16 if rng.one_in(3) => out.extend_from_slice(b"QCatchSyscalls:0"),
        16 => {
            out.extend_from_slice(b"QCatchSyscalls:1");
            for _ in 0..rng.below(8) {
                out.push(b';');
                if limits.wild {
                    push_number(rng, out, limits);
                } else {
                    push_hex_value(out, rng.below(512) as u64);
                }
            }
        }
        17 | 18 if limits.wild => {
            out.extend_from_slice(rng.pick_word(PREFIXES));
            push_fields(rng, out, limits);
        }
        14 => {
            out.push(*rng.pick(b"CS"));
            push_signal(rng, out, limits);
            if rng.one_in(3) {
                out.push(b';');
                push_number(rng, out, limits);
            }
        }
        15 => {
            out.extend_from_slice(rng.pick_bytes(&[&b"vAttach;"[..], b"vRun;", b"qAttached:"]));
            push_number(rng, out, limits);
        }
        _ => out.extend_from_slice(rng.pick_word(WHOLE_PACKETS)),
    }
    if limits.wild && rng.one_in(16) {
        mutate(rng, &mut body);
    }
    body
}

/// One random edit: a changed, cut, inserted or repeated stretch.
fn mutate(rng: &mut Rng, body: &mut Vec<u8>) {
    let at = rng.below(body.len() + 1);
    match rng.below(4) {
        0 if at < body.len() => body[at] = rng.byte(),
        1 => body.truncate(at),
        2 => body.insert(at, rng.byte()),
        _ => {
            let end = (at + 1 + rng.below(16)).min(body.len());
            let stretch = body[at..end].to_vec();
            body.splice(at..at, stretch);
        }
    }
}

/// Frames `body`, usually correctly; a wild case sometimes gets a wrong,
/// malformed or missing checksum.
fn push_packet(rng: &mut Rng, out: &mut Vec<u8>, body: &[u8], limits: Limits) {
    out.push(b'$');
    out.extend_from_slice(body);
    let sum = checksum(body);
    let framing = if limits.wild { rng.below(100) } else { 99 };
    match framing {
        0..=2 => out.extend_from_slice(format!("#{sum:02X}").as_bytes()),
        3 => {
            let wrong = sum.wrapping_add(1 + rng.below(255) as u8);
            out.extend_from_slice(format!("#{wrong:02x}").as_bytes());
        }
        4 => out.extend_from_slice(rng.pick_bytes(&[&b"#zz"[..], b"#g0", b"#"])),
        // No end at all: the next packet lands inside this one.
        5 => {}
        _ => out.extend_from_slice(format!("#{sum:02x}").as_bytes()),
    }
}

/// A gdb session: acks, packets, Ctrl-C, and in a wild case NAKs and junk.
fn gdb_session(rng: &mut Rng, limits: Limits) -> Vec<u8> {
    let mut out = Vec::new();
    // gdb's opening, most of the time.
    if !rng.one_in(4) {
        out.push(b'+');
        let mut body = b"qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386".to_vec();
        if limits.wild && rng.one_in(4) {
            mutate(rng, &mut body);
        }
        push_packet(rng, &mut out, &body, limits);
    }
    if rng.one_in(3) {
        push_packet(rng, &mut out, b"QStartNoAckMode", limits);
    }
    for _ in 0..1 + rng.below(24) {
        match rng.below(100) {
            0..=74 => {
                let body = gdb_body(rng, limits);
                push_packet(rng, &mut out, &body, limits);
                if rng.one_in(2) {
                    out.push(b'+');
                }
            }
            75..=86 => out.push(b'+'),
            87..=97 => out.push(0x03),
            98 if limits.wild => out.push(b'-'),
            99 if limits.wild => out.extend((0..1 + rng.below(8)).map(|_| rng.byte())),
            _ => out.push(b'+'),
        }
    }
    out
}

/// Random bytes: uniform, or drawn from the protocol's own characters,
/// or after a `$` where the receiver must find their end, or framed as
/// packets with a correct checksum so they reach the command parsers.
fn random_bytes(rng: &mut Rng) -> Vec<u8> {
    const PROTOCOL_BYTES: &[u8] = b"$#+-\x03}*:;,=.0123456789abcdefgmMXZzvqQcsCSpPHTk?";
    let len = rng.below(600);
    let mut out = Vec::with_capacity(len + 8);
    match rng.below(4) {
        0 => out.extend((0..len).map(|_| rng.byte())),
        1 => out.extend((0..len).map(|_| *rng.pick(PROTOCOL_BYTES))),
        2 => {
            out.push(b'$');
            out.extend((0..len).map(|_| rng.byte()));
        }
        _ => {
            while out.len() < len {
                let body: Vec<u8> = (0..rng.below(64))
                    .map(|_| match rng.below(2) {
                        0 => rng.byte(),
                        _ => *rng.pick(PROTOCOL_BYTES),
                    })
                    .filter(|&b| b != b'#')
                    .collect();
                out.push(b'$');
                out.extend_from_slice(&body);
                out.extend_from_slice(format!("#{:02x}", checksum(&body)).as_bytes());
            }
        }
    }
    out
}

/// The kinds of case, each a test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// Random bytes into random buffer sizes.
    Bytes,
    /// Wild gdb sessions into random buffer sizes.
    Sessions,
    /// Tame gdb sessions into the engine's buffers, read promptly: no
    /// reply may outgrow the output buffer.
    EngineSized,
}

impl Shape {
    const ALL: [Shape; 3] = [Shape::Bytes, Shape::Sessions, Shape::EngineSized];

    fn name(self) -> &'static str {
        match self {
            Shape::Bytes => "bytes",
            Shape::Sessions => "sessions",
            Shape::EngineSized => "engine-sized",
        }
    }

    fn generate(self, rng: &mut Rng) -> Case {
        if self == Shape::EngineSized {
            let limits = Limits {
                packet_size: ENGINE_PACKET_SIZE,
                wild: false,
            };
            return Case {
                input: gdb_session(rng, limits),
                packet_size: ENGINE_PACKET_SIZE,
                output_size: ENGINE_OUTPUT_SIZE,
                reader: Reader::Promptly,
            };
        }
        let packet_size = *rng.pick(&[64, 256, 1024, 1024, 4096, 4096]);
        // Some sessions keep to what gdb sends, to get further in.
        let wild = !rng.one_in(3);
        // Mostly room enough to go on, sometimes too little for `g`.
        let output_size = *rng.pick(&[16, 700, 2 * packet_size + 256, 8192, 8192, 8192]);
        let reader = *rng.pick(&[Reader::Promptly, Reader::Sometimes, Reader::Never]);
        let input = match self {
            Shape::Bytes => random_bytes(rng),
            _ => gdb_session(rng, Limits { packet_size, wild }),
        };
        Case {
            input,
            packet_size,
            output_size,
            reader,
        }
    }
}

/// The message of a panic caught by `catch_unwind`.
fn panic_message(panic: &(dyn core::any::Any + Send)) -> &str {
    match (panic.downcast_ref::<String>(), panic.downcast_ref::<&str>()) {
        (Some(s), _) => s,
        (_, Some(s)) => s,
        _ => "(not a string)",
    }
}

/// Runs one case; a failure names the case and how to replay it.
fn run_case(shape: Shape, seed: u64, index: u64) -> Tally {
    let mut rng = Rng::for_case(seed, index);
    let case = shape.generate(&mut rng);
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let tally = drive(&case, &mut rng);
        if shape == Shape::EngineSized {
            assert_eq!(
                tally.output_full, 0,
                "a reply outgrew the engine's output buffer"
            );
        }
        tally
    }));
    outcome.unwrap_or_else(|panic| {
        const SHOWN: usize = 2000;
        let shown = &case.input[..case.input.len().min(SHOWN)];
        panic!(
            "fuzz case failed: {}\n\
             replay: UGDB_FUZZ={}:{seed:#x}:{index} cargo test -p ugdb_proto \
             replay_from_env -- --ignored\n\
             packet buffer {}, output buffer {}, reader {:?}\n\
             input ({} bytes{}): \"{}\"",
            panic_message(&*panic),
            shape.name(),
            case.packet_size,
            case.output_size,
            case.reader,
            case.input.len(),
            if shown.len() < case.input.len() {
                ", first shown"
            } else {
                ""
            },
            shown.escape_ascii(),
        )
    })
}

fn run_cases(shape: Shape, seed: u64, cases: u64) -> Tally {
    let mut total = Tally::default();
    for index in 0..cases {
        total.add(&run_case(shape, seed, index));
    }
    total
}

#[test]
fn random_bytes_never_break_the_output() {
    let tally = run_cases(Shape::Bytes, 0xb17e_5eed, 3000);
    // Random bytes mostly end the session at once; some must get as far
    // as a reply, or this test no longer tests the reply path.
    assert!(tally.replies > 0 && tally.protocol_errors > 0, "{tally:?}");
}

#[test]
fn gdb_sessions_never_break_the_output() {
    let tally = run_cases(Shape::Sessions, 0x9db_5eed, 1500);
    // Each state and each way out must be reached, or the generator has
    // stopped testing what it is meant to.
    let reached = [
        tally.replies,
        tally.resumes,
        tally.stops,
        tally.interrupts,
        tally.disconnects,
        tally.output_full,
        tally.protocol_errors,
    ];
    assert!(reached.iter().all(|&n| n > 0), "{tally:?}");
}

#[test]
fn engine_buffers_hold_every_reply() {
    let tally = run_cases(Shape::EngineSized, 0xe9_5eed, 150);
    assert!(tally.replies > 0 && tally.stops > 0, "{tally:?}");
}

/// Re-runs the case a failure names in `UGDB_FUZZ=shape:seed:index`.
#[test]
#[ignore = "replays one case named by UGDB_FUZZ"]
fn replay_from_env() {
    let spec = std::env::var("UGDB_FUZZ").expect("UGDB_FUZZ=shape:seed:index");
    let mut parts = spec.split(':');
    let (Some(name), Some(seed), Some(index), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        panic!("UGDB_FUZZ={spec}: want shape:seed:index");
    };
    let shape = Shape::ALL
        .into_iter()
        .find(|s| s.name() == name)
        .expect("shape is bytes, sessions or engine-sized");
    let seed = u64::from_str_radix(seed.trim_start_matches("0x"), 16).expect("seed in hex");
    let index = index.parse().expect("index in decimal");
    run_case(shape, seed, index);
}

/// `body` framed as a packet, with its checksum.
fn framed(lead: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![lead];
    out.extend_from_slice(body);
    out.extend_from_slice(format!("#{:02x}", checksum(body)).as_bytes());
    out
}

#[test]
fn the_frame_checker_rejects_what_gdb_cannot_read() {
    let mut good = b"+".to_vec();
    good.extend(framed(b'$', b"OK"));
    good.extend_from_slice(b"-+");
    // A run length, an escape, a notification.
    good.extend(framed(b'$', b"0* "));
    good.extend(framed(b'$', b"m}]"));
    good.extend(framed(b'%', b"Stop:T05"));
    assert_eq!(check_frames(b""), Ok(0));
    assert_eq!(check_frames(&good), Ok(3));

    for cut in [b"$OK#9".to_vec(), b"$OK".to_vec(), b"$OK#zz".to_vec()] {
        assert!(check_frames(&cut).is_err(), "accepted {cut:?}");
    }
    let mut wrong_sum = framed(b'$', b"OK");
    *wrong_sum.last_mut().unwrap() ^= 1;
    let mut stray = framed(b'$', b"OK");
    stray.push(b'x');
    let bodies: [&[u8]; 4] = [b"O$K", b"*a", b"0*\x01", b"m}"];
    for broken in bodies
        .iter()
        .map(|body| framed(b'$', body))
        .chain([wrong_sum, stray])
    {
        assert!(
            check_frames(&broken).is_err(),
            "accepted \"{}\"",
            broken.escape_ascii()
        );
    }
}

#[test]
fn the_generator_is_reproducible() {
    let first = Shape::Sessions.generate(&mut Rng::for_case(1, 2)).input;
    let again = Shape::Sessions.generate(&mut Rng::for_case(1, 2)).input;
    let other = Shape::Sessions.generate(&mut Rng::for_case(1, 3)).input;
    assert_eq!(first, again);
    assert_ne!(first, other);
}

/// The packets answered in front of the crate, as the start of a body.
const EXTENSION_PREFIXES: &str = "qXfer:threads:read:: qXfer:siginfo:read:: \
    qXfer:siginfo:write:: QPassSignals: QProgramSignals: qSymbol: qSymbol:: \
    qGetTLSAddr: D; Hg Hgp qSupported:";

#[test]
fn extension_parsers_take_any_body() {
    use crate::{extensions, process_events, tls};
    let mut symbols = tls::Symbols::default();
    for index in 0..4000 {
        let mut rng = Rng::for_case(0xe7_5eed, index);
        let limits = Limits {
            packet_size: 256,
            wild: rng.one_in(2),
        };
        let mut body = rng.pick_word(EXTENSION_PREFIXES).to_vec();
        for _ in 0..rng.below(4) {
            match rng.below(5) {
                0 => push_number(&mut rng, &mut body, limits),
                1 => push_thread_id(&mut rng, &mut body, limits),
                2 => {
                    let len = rng.below(140);
                    push_binary(&mut rng, &mut body, len, limits);
                }
                3 => body.push(*rng.pick(b",:;.")),
                _ => body.extend_from_slice(rng.pick_bytes(&[
                    &b"fork-events+"[..],
                    b"5f7468726561645f64625f647476",
                    b"0,80",
                ])),
            }
        }
        if let Some(extensions::Request::SiginfoWrite { offset, len, .. }) =
            extensions::request(&body)
        {
            assert!(offset + len <= extensions::SIGINFO_SIZE, "{body:?}");
        }
        let _ = extensions::selected_thread(&body);
        let _ = refusal::refusal(&body, &refusal::ENGINE_LIMITS);
        let _ = process_events::ProcessEvents::offered_by(&body);
        if let Some(pid) = process_events::detach_pid(&body) {
            assert!(pid != 0 && pid <= i32::MAX as u32, "{body:?}");
        }
        let _ = process_events::selected_process(&body);
        if let Some(request) = tls::tls_request(&body) {
            assert!(request.tid != 0, "{body:?}");
        }
        let _ = symbols.step(&body);
    }
}

/// What became of one packet sent to an idle stub.
#[derive(Debug)]
enum Verdict {
    /// Answered in front of the crate by [`refusal::refusal`].
    Refused,
    /// The crate replied, and waits for the next packet.
    Replied,
    /// The crate resumed the process.
    Resumed,
    /// gdb ended the session (detach, kill).
    Disconnected,
    /// The crate failed: the engine ends the session.
    Ended(String),
}

/// The limits of [`refusal::refusal`] for the fake process and the
/// engine's packet size.
fn fuzz_limits(blocks: &[usize]) -> refusal::Limits<'_> {
    refusal::Limits {
        packet_size: ENGINE_PACKET_SIZE,
        register_blocks: blocks,
    }
}

/// Passes `bytes` to the state machine, as `Stub::feed` does; the engine
/// feeds nothing to a session gdb has ended.
fn feed_all<'a>(mut machine: Machine<'a>, target: &mut FuzzTarget, bytes: &[u8]) -> Step<'a> {
    for &byte in bytes {
        machine = match machine {
            GdbStubStateMachine::Idle(m) => m.incoming_data(target, byte),
            GdbStubStateMachine::Running(m) => m.incoming_data(target, byte),
            GdbStubStateMachine::CtrlCInterrupt(m) => {
                m.interrupt_handled(target, None::<MultiThreadStopReason<u64>>)
            }
            GdbStubStateMachine::Disconnected(m) => return Ok(m.into()),
        }?;
    }
    Ok(machine)
}

/// Takes what the stub wrote, checking that it is whole frames.
fn take_output(machine: &mut Machine<'_>) -> Vec<u8> {
    let queue = &mut output(machine).queue;
    let out = queue.pending().to_vec();
    queue.consume(out.len());
    if let Err(why) = check_frames(&out) {
        panic!("malformed output, {why}: \"{}\"", out.escape_ascii());
    }
    out
}

/// Sends the packet `body` to a stub with the engine's buffers, idle
/// after gdb's opening (`qSupported`, `QStartNoAckMode` if `no_ack`, and
/// `?`), the way `Proto::take` in gdbstub_engine/session.rs does: with
/// `front`, [`refusal::refusal`] answers first what it refuses. Unless
/// the session ended, a `?` must then be answered: the session goes on.
fn send_to_idle_stub(body: &[u8], no_ack: bool, front: Option<&refusal::Limits>) -> Verdict {
    let mut packet_buf = vec![0u8; ENGINE_PACKET_SIZE];
    let mut out_buf = vec![0u8; ENGINE_OUTPUT_SIZE];
    let refused = Cell::new(false);
    let mut target = FuzzTarget::new();
    let conn = WatchedQueue {
        queue: OutputQueue::new(&mut out_buf),
        refused: &refused,
    };
    let stub = GdbStubBuilder::new(conn)
        .with_packet_buffer(&mut packet_buf)
        .build()
        .expect("a stub with a packet buffer builds");
    let machine = stub
        .run_state_machine(&mut target)
        .expect("the stub starts");
    let ack: &[u8] = if no_ack { b"" } else { b"+" };
    let mut opening = b"+".to_vec();
    opening.extend(framed(b'$', b"qSupported:multiprocess+;swbreak+;hwbreak+"));
    opening.extend_from_slice(ack);
    if no_ack {
        opening.extend(framed(b'$', b"QStartNoAckMode"));
        opening.push(b'+');
    }
    opening.extend(framed(b'$', b"?"));
    opening.extend_from_slice(ack);
    let mut machine = feed_all(machine, &mut target, &opening).expect("gdb's opening");
    assert!(matches!(machine, GdbStubStateMachine::Idle(_)));
    take_output(&mut machine);

    let refusal = front.and_then(|limits| refusal::refusal(body, limits));
    let verdict = if let Some(reply) = refusal {
        let queue = &mut output(&mut machine).queue;
        queue.push(ack).expect("room for the ack");
        queue.push_packet(reply, &[]).expect("room for the reply");
        Verdict::Refused
    } else {
        let mut packet = framed(b'$', body);
        packet.extend_from_slice(ack);
        machine = match feed_all(machine, &mut target, &packet) {
            Ok(machine) => machine,
            Err(e) => return Verdict::Ended(format!("{e:?}")),
        };
        match machine {
            GdbStubStateMachine::Disconnected(_) => return Verdict::Disconnected,
            GdbStubStateMachine::Running(m) => {
                let stop = MultiThreadStopReason::SwBreak(Tid::MIN);
                machine = m.report_stop(&mut target, stop).expect("a stop report");
                Verdict::Resumed
            }
            _ => Verdict::Replied,
        }
    };
    take_output(&mut machine);
    let mut question = framed(b'$', b"?");
    question.extend_from_slice(ack);
    let mut machine = feed_all(machine, &mut target, &question).expect("the session goes on");
    assert!(matches!(machine, GdbStubStateMachine::Idle(_)));
    assert_eq!(check_frames(&take_output(&mut machine)), Ok(1));
    verdict
}

/// A field of a packet's arguments, by what bad values to try in its
/// place.
#[derive(Clone, Copy)]
enum Field {
    /// A separator, or a fixed word.
    Sep(&'static str),
    /// A hex number: an address, length, register or system call.
    Num(&'static str),
    /// A thread or process ID.
    Id(&'static str),
    /// Hex-encoded data.
    Hex(&'static str),
    /// A register block, hex-encoded: the whole block.
    Block,
    /// A signal number.
    Sig(&'static str),
    /// Escaped binary data.
    Bin(&'static str),
    /// A word, such as a `qXfer` annex or a `vCont` action.
    Word(&'static str),
}

impl Field {
    fn good(self, block: &str) -> String {
        match self {
            Field::Block => block.into(),
            Field::Sep(s)
            | Field::Num(s)
            | Field::Id(s)
            | Field::Hex(s)
            | Field::Sig(s)
            | Field::Bin(s)
            | Field::Word(s) => s.into(),
        }
    }

    /// The values to try in this field's place: empty, overlong, not hex,
    /// odd-length, wrong-length and otherwise wrong.
    fn bad(self, block: &str) -> Vec<String> {
        let words = |list: &[&str]| list.iter().map(|s| String::from(*s)).collect();
        match self {
            Field::Sep(_) => words(&["", ",", ":", ";", "=", ".", "::", ";;"]),
            Field::Num(_) => words(&[
                "",
                "zz",
                "g",
                "-1",
                "0x10",
                "abc",
                "ffffffffffffffff",
                "10000000000000000",
                "fffffffffffffffffffff",
                "00000000000000000000001",
                "2000",
                "2001",
                "10000",
            ]),
            Field::Id(_) => words(&[
                "",
                "0",
                "-1",
                "00",
                "-2",
                "zz",
                "999",
                "10000000000000000",
                "p",
                "p64",
                "p64.",
                "p0.65",
                "p-1.-1",
                "p64.-1",
                "p64.0",
                "p64.65.66",
                "pzz.65",
                "p64.zz",
            ]),
            Field::Hex(_) => words(&["", "a", "abc", "zz", "0g", "xx", "}"]),
            Field::Block => {
                let mut bad = words(&["", "a", "zz"]);
                let digits = block.len();
                for len in [digits - 2, digits - 1, digits + 1, digits + 2, 1120, 1632] {
                    bad.push("0".repeat(len));
                }
                bad.push(format!("{}zz", &block[2..]));
                bad
            }
            Field::Sig(_) => words(&["", "zz", "100", "8f", "07", "5", "00"]),
            Field::Bin(_) => words(&["", "}", "ab}", "}}}", "}]", "#"]),
            Field::Word(_) => words(&["", "x", "zz", "t", "c", "s", "64", "0", "-1"]),
        }
    }
}

/// gdb's packets, as name and arguments, to the fake process: those the
/// crate parses, and some it does not know.
const TEMPLATES: &[(&str, &[Field])] = {
    use Field::*;
    &[
        ("?", &[]),
        ("g", &[]),
        ("k", &[]),
        ("!", &[]),
        ("qfThreadInfo", &[]),
        ("qsThreadInfo", &[]),
        ("qC", &[]),
        ("QStartNoAckMode", &[]),
        ("QEnvironmentReset", &[]),
        ("D", &[Sep(";"), Id("64")]),
        ("G", &[Block]),
        ("H", &[Word("g"), Id("p64.65")]),
        ("H", &[Word("c"), Id("-1")]),
        ("m", &[Num("1000"), Sep(","), Num("4")]),
        (
            "M",
            &[Num("1000"), Sep(","), Num("4"), Sep(":"), Hex("01020304")],
        ),
        (
            "X",
            &[Num("1000"), Sep(","), Num("4"), Sep(":"), Bin("ab}]c")],
        ),
        ("qAttached", &[Sep(":"), Id("64")]),
        (
            "qSupported",
            &[Sep(":"), Word("multiprocess+"), Sep(";"), Word("swbreak+")],
        ),
        ("T", &[Id("p64.65")]),
        ("vKill", &[Sep(";"), Id("64")]),
        (
            "qXfer:features:read",
            &[
                Sep(":"),
                Word("target.xml"),
                Sep(":"),
                Num("0"),
                Sep(","),
                Num("ffb"),
            ],
        ),
        (
            "qXfer:auxv:read",
            &[Sep(":"), Word(""), Sep(":"), Num("0"), Sep(","), Num("ffb")],
        ),
        (
            "qXfer:exec-file:read",
            &[Sep(":"), Id("64"), Sep(":"), Num("0"), Sep(","), Num("ffb")],
        ),
        (
            "qXfer:libraries-svr4:read",
            &[Sep(":"), Word(""), Sep(":"), Num("0"), Sep(","), Num("ffb")],
        ),
        ("c", &[Num("401000")]),
        ("s", &[Num("401000")]),
        ("vCont", &[Sep(";"), Word("c")]),
        ("vCont", &[Sep(";"), Word("c"), Sep(":"), Id("p64.-1")]),
        (
            "vCont",
            &[
                Sep(";"),
                Word("s"),
                Sep(":"),
                Id("p64.65"),
                Sep(";"),
                Word("c"),
            ],
        ),
        (
            "vCont",
            &[
                Sep(";"),
                Word("C"),
                Sig("1e"),
                Sep(":"),
                Id("p64.65"),
                Sep(";"),
                Word("c"),
            ],
        ),
        (
            "vCont",
            &[Sep(";"), Word("S"), Sig("05"), Sep(":"), Id("65")],
        ),
        (
            "vCont",
            &[
                Sep(";"),
                Word("r"),
                Num("1000"),
                Sep(","),
                Num("1010"),
                Sep(":"),
                Id("p64.65"),
                Sep(";"),
                Word("c"),
            ],
        ),
        ("p", &[Num("10")]),
        ("P", &[Num("10"), Sep("="), Hex("0010400000000000")]),
        ("QDisableRandomization", &[Sep(":"), Word("1")]),
        ("QStartupWithShell", &[Sep(":"), Word("0")]),
        ("QEnvironmentHexEncoded", &[Sep(":"), Hex("413d31")]),
        ("QEnvironmentUnset", &[Sep(":"), Hex("41")]),
        ("QSetWorkingDir", &[Sep(":"), Hex("2f746d70")]),
        ("R", &[Word("00")]),
        ("vAttach", &[Sep(";"), Id("64")]),
        (
            "vRun",
            &[Sep(";"), Hex("2f62696e2f7368"), Sep(";"), Hex("2d63")],
        ),
        (
            "QCatchSyscalls",
            &[
                Sep(":"),
                Word("1"),
                Sep(";"),
                Num("3c"),
                Sep(";"),
                Num("e7"),
            ],
        ),
        ("QCatchSyscalls", &[Sep(":"), Word("0")]),
        ("Z", &[Num("0"), Sep(","), Num("1000"), Sep(","), Num("1")]),
        ("Z", &[Num("1"), Sep(","), Num("1000"), Sep(","), Num("1")]),
        ("Z", &[Num("2"), Sep(","), Num("1000"), Sep(","), Num("4")]),
        ("z", &[Num("4"), Sep(","), Num("1000"), Sep(","), Num("8")]),
        ("z", &[Num("5"), Sep(","), Num("1000"), Sep(","), Num("8")]),
        (
            "Z",
            &[
                Num("0"),
                Sep(","),
                Num("1000"),
                Sep(","),
                Num("1"),
                Sep(";"),
                Word("X3,220027"),
            ],
        ),
        // Packets the crate does not know.
        ("qCRC", &[Sep(":"), Num("1000"), Sep(","), Num("4")]),
        ("C", &[Sig("05")]),
        ("S", &[Sig("05")]),
        ("qTStatus", &[]),
        ("vMustReplyEmpty", &[]),
        ("vFile:setfs", &[Sep(":"), Num("0")]),
        ("qThreadExtraInfo", &[Sep(","), Id("p64.65")]),
        ("QPassSignals", &[Sep(":"), Num("e"), Sep(";"), Num("14")]),
        ("x", &[Num("1000"), Sep(","), Num("4")]),
    ]
};

/// Bodies of well-framed packets with bad arguments, made from
/// [`TEMPLATES`]: each name alone, with its arguments cut short, with
/// each field or separator in turn replaced by a bad value, with junk
/// after it, and with a longer name; and the good packet itself.
fn bad_bodies() -> Vec<Vec<u8>> {
    let block = "00".repeat(register_block_size());
    let mut bodies = std::collections::BTreeSet::new();
    for &(name, fields) in TEMPLATES {
        let good: Vec<String> = fields.iter().map(|f| f.good(&block)).collect();
        let body = |parts: &[String]| format!("{name}{}", parts.concat()).into_bytes();
        for cut in 0..=good.len() {
            bodies.insert(body(&good[..cut]));
        }
        for (i, field) in fields.iter().enumerate() {
            for bad in field.bad(&block) {
                let mut parts = good.clone();
                parts[i] = bad;
                bodies.insert(body(&parts));
            }
        }
        for junk in [",", ";", ":", "zz", ";zz", ",1", "=", "#"] {
            let mut parts = good.clone();
            parts.push(junk.into());
            bodies.insert(body(&parts));
        }
        for longer in ["x", "RC", "Foo"] {
            let mut parts = vec![String::from(longer)];
            parts.extend(good.iter().cloned());
            bodies.insert(body(&parts));
        }
    }
    // A `#` ends the body: the framer (and the crate) take it as the
    // checksum's start, so it is not part of any body.
    bodies.into_iter().filter(|b| !b.contains(&b'#')).collect()
}

/// Packets [`refusal::refusal`] answers although the crate would
/// cope: memory reads longer than a reply packet holds, which gdb never
/// asks for, and which end the session only once the reply outgrows the
/// output buffer.
fn refused_though_the_crate_copes(body: &[u8]) -> bool {
    let Some(args) = body.strip_prefix(b"m") else {
        return false;
    };
    let len = args.split(|&c| c == b',').nth(1).unwrap_or_default();
    let len = std::str::from_utf8(len).unwrap_or("");
    u64::from_str_radix(len, 16).is_ok_and(|len| len > ENGINE_PACKET_SIZE as u64 / 2)
}

/// The experiment behind [`refusal::refusal`]: which well-framed
/// packets end the session when sent to the crate as they are. Run with
/// `cargo test -p ugdb_proto list_session_enders -- --ignored --nocapture`.
#[test]
#[ignore = "prints a table"]
fn list_session_enders() {
    let blocks = [register_block_size()];
    let limits = fuzz_limits(&blocks);
    for body in bad_bodies() {
        for no_ack in [false, true] {
            let verdict = send_to_idle_stub(&body, no_ack, None);
            if let Verdict::Ended(why) = verdict {
                let answer = refusal::refusal(&body, &limits);
                std::println!(
                    "no_ack={no_ack:5} {:<40} {why:<60} refusal: {:?}",
                    std::format!("\"{}\"", body.escape_ascii()),
                    answer.map(|a| a.escape_ascii().to_string()),
                );
            }
        }
    }
}

#[test]
fn refusal_keeps_bad_packets_from_ending_the_session() {
    let blocks = [register_block_size()];
    let limits = fuzz_limits(&blocks);
    let (mut ended, mut total) = (0, 0);
    for body in bad_bodies() {
        for no_ack in [false, true] {
            total += 1;
            let shown = body.escape_ascii();
            let bare = send_to_idle_stub(&body, no_ack, None);
            let refused = refusal::refusal(&body, &limits);
            match (&bare, refused) {
                (Verdict::Ended(_), Some(_)) => ended += 1,
                (Verdict::Ended(why), None) => panic!("\"{shown}\" ends the session: {why}"),
                (_, Some(_)) => assert!(
                    refused_though_the_crate_copes(&body),
                    "\"{shown}\" refused, but the crate copes ({bare:?})"
                ),
                (_, None) => {}
            }
            let fronted = send_to_idle_stub(&body, no_ack, Some(&limits));
            assert!(
                !matches!(fronted, Verdict::Ended(_)),
                "\"{shown}\" still ends the session: {fronted:?}"
            );
        }
    }
    // The list must keep finding packets the crate fails on.
    assert!(ended > 500 && total > 3000, "{ended} of {total}");
}

#[test]
fn gdb_packets_are_neither_refused_nor_fatal() {
    let blocks = [register_block_size()];
    let limits = fuzz_limits(&blocks);
    for body in refusal::gdb_13_packets(&blocks) {
        for no_ack in [false, true] {
            let shown = body.escape_ascii();
            assert_eq!(refusal::refusal(&body, &limits), None, "\"{shown}\"");
            let verdict = send_to_idle_stub(&body, no_ack, Some(&limits));
            assert!(
                !matches!(verdict, Verdict::Ended(_) | Verdict::Refused),
                "\"{shown}\": {verdict:?}"
            );
        }
    }
}

#[test]
fn refusal_agrees_with_the_crate_on_generated_packets() {
    let blocks = [register_block_size()];
    let limits = fuzz_limits(&blocks);
    let mut ended = 0;
    for index in 0..3000 {
        let mut rng = Rng::for_case(0x0ef_05a1, index);
        let wild = Limits {
            packet_size: ENGINE_PACKET_SIZE,
            wild: true,
        };
        let mut body = gdb_body(&mut rng, wild);
        if rng.one_in(4) {
            mutate(&mut rng, &mut body);
        }
        // What the framer cannot hold, or splits, never reaches `refusal`.
        if body.contains(&b'#') || body.len() + 4 > ENGINE_PACKET_SIZE {
            continue;
        }
        let no_ack = rng.one_in(2);
        let bare = send_to_idle_stub(&body, no_ack, None);
        let refused = refusal::refusal(&body, &limits).is_some();
        let shown = body.escape_ascii();
        match bare {
            Verdict::Ended(why) => {
                assert!(refused, "\"{shown}\" ends the session: {why}");
                ended += 1;
            }
            other => assert!(
                !refused || refused_though_the_crate_copes(&body),
                "\"{shown}\" refused, but the crate copes ({other:?})"
            ),
        }
    }
    assert!(ended > 100, "{ended}");
}
