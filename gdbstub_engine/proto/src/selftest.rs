// SPDX-License-Identifier: GPL-2.0

//! A protocol self-test: a canned gdb exchange against a fake x86-64 target.
//!
//! It drives the gdbstub crate exactly as the engine does (bytes in, the
//! state machine, bytes out through [`OutputQueue`]) and checks the reply
//! bytes against an encoding written here independently of the crate. The
//! kernel runs it at boot, so a broken crate build or a wrong register
//! layout is found before a user's gdb finds it.

use crate::conn::{OutputFull, OutputQueue};
use gdbstub::common::Signal;
use gdbstub::stub::state_machine::GdbStubStateMachine;
use gdbstub::stub::{GdbStubBuilder, GdbStubError};
use gdbstub::target::ext::base::singlethread::{SingleThreadBase, SingleThreadResume};
use gdbstub::target::ext::base::BaseOps;
use gdbstub::target::{Target, TargetError, TargetResult};
use gdbstub_arch::x86::reg::X86_64CoreRegs;
use gdbstub_arch::x86::X86_64_SSE;

/// Where the fake target's memory starts.
const MEM_BASE: u64 = 0x1000;
/// The fake target's memory at [`MEM_BASE`].
const MEM_INIT: [u8; 8] = [0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04];
/// EFAULT, as returned for unmapped memory.
const EFAULT: u8 = 14;

/// Which step of the self-test failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The stub could not be built (packet buffer too small).
    Build,
    /// The stub reported an error while handling the named packet.
    Stub(&'static str),
    /// The reply to the named packet differed from the expected bytes.
    Reply(&'static str),
    /// The write packet did not reach the target's memory.
    MemoryWrite,
}

struct FakeTarget {
    regs: X86_64CoreRegs,
    mem: [u8; 8],
}

impl FakeTarget {
    fn new() -> Self {
        let mut regs = X86_64CoreRegs::default();
        regs.regs[0] = 0x0102_0304_0506_0708;
        regs.regs[15] = 0xffff_0000_ffff_0000;
        regs.rip = 0x0040_1000;
        regs.eflags = 0x246;
        regs.xmm[15] = 0x0011_2233_4455_6677_8899_aabb_ccdd_eeff;
        regs.mxcsr = 0x1f80;
        Self {
            regs,
            mem: MEM_INIT,
        }
    }

    fn mem_range(&mut self, addr: u64, len: usize) -> Option<&mut [u8]> {
        let start = usize::try_from(addr.checked_sub(MEM_BASE)?).ok()?;
        self.mem.get_mut(start..start.checked_add(len)?)
    }
}

impl Target for FakeTarget {
    type Arch = X86_64_SSE;
    type Error = ();

    fn base_ops(&mut self) -> BaseOps<'_, Self::Arch, Self::Error> {
        BaseOps::SingleThread(self)
    }

    // The fake target never runs, so gdb's own breakpoints cannot hurt it.
    fn guard_rail_implicit_sw_breakpoints(&self) -> bool {
        true
    }
}

impl SingleThreadBase for FakeTarget {
    fn read_registers(&mut self, regs: &mut X86_64CoreRegs) -> TargetResult<(), Self> {
        *regs = self.regs.clone();
        Ok(())
    }

    fn write_registers(&mut self, regs: &X86_64CoreRegs) -> TargetResult<(), Self> {
        self.regs = regs.clone();
        Ok(())
    }

    fn read_addrs(&mut self, addr: u64, data: &mut [u8]) -> TargetResult<usize, Self> {
        let src = self
            .mem_range(addr, data.len())
            .ok_or(TargetError::Errno(EFAULT))?;
        data.copy_from_slice(src);
        Ok(data.len())
    }

    fn write_addrs(&mut self, addr: u64, data: &[u8]) -> TargetResult<(), Self> {
        self.mem_range(addr, data.len())
            .ok_or(TargetError::Errno(EFAULT))?
            .copy_from_slice(data);
        Ok(())
    }

    fn support_resume(
        &mut self,
    ) -> Option<gdbstub::target::ext::base::singlethread::SingleThreadResumeOps<'_, Self>> {
        Some(self)
    }
}

impl SingleThreadResume for FakeTarget {
    fn resume(&mut self, _signal: Option<Signal>) -> Result<(), Self::Error> {
        Ok(())
    }
}

type Machine<'a> = GdbStubStateMachine<'a, FakeTarget, OutputQueue<'a>>;

/// Compares bytes as they are produced against a reply, expanding the
/// run-length encoding (`X*N`: N - 29 more copies of X) inside packets.
struct Expect<'r> {
    reply: &'r [u8],
    pos: usize,
    in_packet: bool,
    last: u8,
    run: usize,
    ok: bool,
}

impl<'r> Expect<'r> {
    fn new(reply: &'r [u8]) -> Self {
        Self {
            reply,
            pos: 0,
            in_packet: false,
            last: 0,
            run: 0,
            ok: true,
        }
    }

    fn next(&mut self) -> Option<u8> {
        if self.run > 0 {
            self.run -= 1;
            return Some(self.last);
        }
        let b = *self.reply.get(self.pos)?;
        self.pos += 1;
        if self.in_packet && b == b'*' {
            let count = *self.reply.get(self.pos)?;
            self.pos += 1;
            self.run = usize::from(count.checked_sub(29 + 1)?);
            return Some(self.last);
        }
        self.last = b;
        Some(b)
    }

    fn byte(&mut self, b: u8) {
        let got = self.next();
        self.ok &= got == Some(b);
    }

    fn lit(&mut self, s: &[u8]) {
        s.iter().for_each(|&b| self.byte(b));
    }

    fn hex(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(hex_digit(b >> 4));
            self.byte(hex_digit(b & 0xf));
        }
    }

    /// Checks `$`, the payload written by `payload`, `#` and the checksum.
    fn packet(&mut self, payload: impl FnOnce(&mut Self)) {
        self.lit(b"$");
        let start = self.pos;
        self.in_packet = true;
        payload(self);
        self.in_packet = false;
        self.ok &= self.run == 0;
        let end = self.pos.min(self.reply.len());
        let sum = self.reply[start.min(end)..end]
            .iter()
            .fold(0u8, |s, &b| s.wrapping_add(b));
        self.lit(b"#");
        self.hex(&[sum]);
    }

    fn matched(&self) -> bool {
        self.ok && self.run == 0 && self.pos == self.reply.len()
    }
}

fn hex_digit(n: u8) -> u8 {
    b"0123456789abcdef"[usize::from(n & 0xf)]
}

/// Frames `payload` as a packet into `buf`, returning the used part.
fn frame<'b>(buf: &'b mut [u8; 64], payload: &[u8]) -> &'b [u8] {
    let sum = payload.iter().fold(0u8, |s, &b| s.wrapping_add(b));
    let n = payload.len();
    buf[0] = b'$';
    buf[1..=n].copy_from_slice(payload);
    buf[n + 1] = b'#';
    buf[n + 2] = hex_digit(sum >> 4);
    buf[n + 3] = hex_digit(sum & 0xf);
    &buf[..n + 4]
}

fn feed<'a>(
    mut machine: Machine<'a>,
    target: &mut FakeTarget,
    bytes: &[u8],
    what: &'static str,
) -> Result<Machine<'a>, Failure> {
    for &b in bytes {
        machine = match machine {
            GdbStubStateMachine::Idle(idle) => idle.incoming_data(target, b),
            _ => return Err(Failure::Stub(what)),
        }
        .map_err(|_: GdbStubError<(), OutputFull>| Failure::Stub(what))?;
    }
    Ok(machine)
}

/// Sends `payload` framed and checks the reply with `expect`.
fn exchange<'a>(
    machine: Machine<'a>,
    target: &mut FakeTarget,
    payload: &[u8],
    what: &'static str,
    expect: impl FnOnce(&mut Expect<'_>),
) -> Result<Machine<'a>, Failure> {
    let mut framed = [0u8; 64];
    let mut machine = feed(machine, target, frame(&mut framed, payload), what)?;
    let GdbStubStateMachine::Idle(idle) = &mut machine else {
        return Err(Failure::Stub(what));
    };
    let out = idle.borrow_conn();
    let mut e = Expect::new(out.pending());
    expect(&mut e);
    let matched = e.matched();
    let n = out.pending().len();
    out.consume(n);
    if !matched {
        return Err(Failure::Reply(what));
    }
    Ok(machine)
}

/// The `g` reply of the fake target, in gdb's x86-64 layout.
fn expect_registers(e: &mut Expect<'_>, r: &X86_64CoreRegs) {
    for reg in &r.regs {
        e.hex(&reg.to_le_bytes());
    }
    e.hex(&r.rip.to_le_bytes());
    e.hex(&r.eflags.to_le_bytes());
    // cs, ss, ds, es, fs, gs, then st0-st7 (10 bytes each), then the eight
    // x87 control registers: all zero in the fake target.
    e.hex(&[0; 6 * 4 + 8 * 10 + 8 * 4]);
    for x in &r.xmm {
        e.hex(&x.to_le_bytes());
    }
    e.hex(&r.mxcsr.to_le_bytes());
}

/// Runs the canned exchange.
///
/// `packet_buf` is the stub's packet buffer and `out_buf` its output queue;
/// 2 KiB each is enough for the longest reply, `g` (1,076 bytes unencoded).
pub fn run(packet_buf: &mut [u8], out_buf: &mut [u8]) -> Result<(), Failure> {
    let mut target = FakeTarget::new();
    let stub = GdbStubBuilder::new(OutputQueue::new(out_buf))
        .with_packet_buffer(packet_buf)
        .build()
        .map_err(|_| Failure::Build)?;
    let machine = stub
        .run_state_machine(&mut target)
        .map_err(|_| Failure::Stub("start"))?;

    let regs = target.regs.clone();
    let machine = exchange(machine, &mut target, b"g", "g", |e| {
        e.lit(b"+");
        e.packet(|e| expect_registers(e, &regs));
    })?;
    let machine = exchange(machine, &mut target, b"m1002,4", "m", |e| {
        e.lit(b"+");
        e.packet(|e| e.hex(&MEM_INIT[2..6]));
    })?;
    let machine = exchange(machine, &mut target, b"M1000,2:cafe", "M", |e| {
        e.lit(b"+");
        e.packet(|e| e.lit(b"OK"));
    })?;
    if target.mem[..2] != [0xca, 0xfe] {
        return Err(Failure::MemoryWrite);
    }
    let machine = exchange(machine, &mut target, b"m0,4", "m unmapped", |e| {
        e.lit(b"+");
        e.packet(|e| e.lit(b"E0e"));
    })?;
    // The crate ends the session on a corrupted checksum rather than
    // answering with a NAK; the engine turns that into a clean detach.
    match feed(machine, &mut target, b"$g#00", "bad checksum") {
        Err(Failure::Stub(_)) => Ok(()),
        _ => Err(Failure::Reply("bad checksum")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canned_exchange_passes() {
        let mut packet = [0u8; 2048];
        let mut out = [0u8; 2048];
        assert_eq!(run(&mut packet, &mut out), Ok(()));
    }

    #[test]
    fn expect_expands_run_length_encoding() {
        // "0* " is '0' and 3 more: 0000; checksum over the raw bytes.
        let sum = b"10* 2".iter().fold(0u8, |s, &b| s.wrapping_add(b));
        let mut raw = [0u8; 9];
        raw[..7].copy_from_slice(b"$10* 2#");
        raw[7] = hex_digit(sum >> 4);
        raw[8] = hex_digit(sum & 0xf);
        let mut e = Expect::new(&raw);
        e.packet(|e| e.lit(b"100002"));
        assert!(e.matched());
        let mut e = Expect::new(&raw);
        e.packet(|e| e.lit(b"10002"));
        assert!(!e.matched());
    }

    #[test]
    fn expect_catches_a_wrong_checksum() {
        let mut e = Expect::new(b"$OK#9b");
        e.packet(|e| e.lit(b"OK"));
        assert!(!e.matched());
        let mut e = Expect::new(b"$OK#9a");
        e.packet(|e| e.lit(b"OK"));
        assert!(e.matched());
    }
}
