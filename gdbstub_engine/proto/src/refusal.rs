// SPDX-License-Identifier: GPL-2.0

//! Packets on which the gdbstub crate would end the session.
//!
//! The crate's state machine returns an error on some well-framed packets
//! with arguments it cannot take, and an error drops the session. Such a
//! packet is answered here instead, before the crate sees it, by
//! [`refusal`]. The arguments are parsed as the crate parses them, so that
//! exactly those packets are answered, with `E01` as gdbserver would (see
//! [`refusal`] for the few empty replies). They are:
//!
//! - `qSupported` without `:`, or with an empty feature;
//! - `G` with data that is not hex or not a whole register block;
//! - `m`, `M`, `X`, `Z` and `z` with an address (or a `Z`/`z` kind) past
//!   64 bits, a field missing, or data that is not hex (`X`: an escape cut
//!   short); and `m` asking more than half the packet size, which gdb
//!   never does and whose reply may outgrow the output buffer;
//! - `p` and `P` with a register number missing, not hex or past 64 bits,
//!   `P` without `=` or with a value that is not hex;
//! - `H` not followed by `g` or `c`, or with a bad thread ID, and `Hg`
//!   naming all threads (`-1`); `T` naming no single thread;
//! - `vCont` with an action the crate cannot parse, a stop (`t`, for
//!   non-stop mode), a step or range step that names no single thread, a
//!   range end past 64 bits, or, for a named thread, a signal Linux lacks
//!   (the engine fails that resume);
//! - `qXfer` reads of the target description, auxv, executable or library
//!   list with a bad annex, offset or length;
//! - `QCatchSyscalls` other than `:0`, `:1` and `:1;` with hex numbers of
//!   at most 64 bits;
//! - a bad process ID in `D;`, `vKill;`, `vAttach;` and `qAttached:`;
//! - arguments to a packet that takes none (`?`, `g`, `k`, `!`, `qC`
//!   (`qCRC:`), `qfThreadInfo`, `QStartNoAckMode`...), and malformed
//!   `vRun`, `R` and extended-mode settings.
//!
//! What [`refusal`] cannot see still ends the session: a `s` packet after
//! `Hc-1` (a step of all threads), a NAK (`-`), bytes outside packets, and
//! packets longer than the packet buffer.

/// The sizes [`refusal`] checks packets against.
#[derive(Clone, Copy, Debug)]
pub struct Limits<'a> {
    /// The stub's packet buffer, which it announces as `PacketSize`. gdb
    /// reads memory in pieces whose hex-encoded reply fits in a packet.
    pub packet_size: usize,
    /// The sizes, in bytes, of a whole register block as `G` carries it;
    /// the architecture refuses any other.
    pub register_blocks: &'a [usize],
}

/// The engine's limits: `PACKET_SIZE` in gdbstub_engine/session.rs, and
/// the x86-64 register block without and with the AVX upper halves
/// (`Registers for RawRegs` in arch/x86/src/regs.rs).
pub const ENGINE_LIMITS: Limits<'static> = Limits {
    packet_size: 16384,
    register_blocks: &[560, 816],
};

/// gdbserver's reply to a packet with arguments it cannot use.
const REFUSED: &[u8] = b"E01";
/// The reply to a packet the stub does not know.
const UNKNOWN: &[u8] = b"";

/// The commands the crate parses for the engine's target, as the start of
/// a body, in the order it tries them: each takes every body that starts
/// with it (`qC` takes `qCRC:...`). Breakpoints come last.
const CRATE_COMMANDS: [&[u8]; 39] = [
    b"?",
    b"D",
    b"g",
    b"G",
    b"H",
    b"k",
    b"m",
    b"M",
    b"qAttached",
    b"qfThreadInfo",
    b"qsThreadInfo",
    b"qSupported",
    b"T",
    b"vKill",
    b"qXfer:features:read",
    b"c",
    b"s",
    b"vCont",
    b"X",
    b"QStartNoAckMode",
    b"p",
    b"P",
    b"!",
    b"qC",
    b"QDisableRandomization",
    b"QEnvironmentHexEncoded",
    b"QEnvironmentReset",
    b"QEnvironmentUnset",
    b"QSetWorkingDir",
    b"QStartupWithShell",
    b"R",
    b"vAttach",
    b"vRun",
    b"qXfer:auxv:read",
    b"qXfer:exec-file:read",
    b"QCatchSyscalls",
    b"qXfer:libraries-svr4:read",
    b"z",
    b"Z",
];

/// Commands the crate answers with an empty reply even when well formed,
/// for the engine's target: the extended-mode settings the engine does
/// not offer, and `R` (restart, which the engine does not do). A
/// malformed one gets the same reply.
const ANSWERED_EMPTY: [&[u8]; 7] = [
    b"R",
    b"QDisableRandomization",
    b"QEnvironmentHexEncoded",
    b"QEnvironmentReset",
    b"QEnvironmentUnset",
    b"QSetWorkingDir",
    b"QStartupWithShell",
];

/// The reply to a packet on which the gdbstub crate would end the
/// session, or `None` for a packet the crate answers (well or badly)
/// and goes on. The caller sends the reply in the crate's place, with the
/// `+` acknowledgement first unless gdb turned acknowledgements off.
///
/// The arguments are parsed as the crate parses them (the crate version
/// pinned in Cargo.lock, with the engine's target), so that exactly the
/// packets it would fail on are answered here. The reply is `E01`, as
/// gdbserver gives for arguments it cannot use, except that a packet
/// whose name merely starts with the name of one the crate knows
/// (`qCRC:` after `qC`) gets the empty reply of an unknown packet, as do
/// the commands the crate answers with an empty reply when well formed
/// (the extended-mode settings the engine does not offer, and `R`).
pub fn refusal(body: &[u8], limits: &Limits<'_>) -> Option<&'static [u8]> {
    let (name, args) = CRATE_COMMANDS
        .iter()
        .find_map(|&name| Some((name, body.strip_prefix(name)?)))?;
    if !ends_session(name, args, limits) {
        return None;
    }
    let longer_name = name.len() > 1 && args.first().is_some_and(u8::is_ascii_alphanumeric);
    if longer_name || ANSWERED_EMPTY.contains(&name) {
        Some(UNKNOWN)
    } else {
        Some(REFUSED)
    }
}

/// Whether the crate ends the session on command `name` with `args`:
/// because it cannot parse them (`MalformedCommand`), because a number
/// does not fit the target's types (`TargetMismatch`), because the
/// request makes no sense to it (`PacketUnexpected`), because the reply
/// would not fit the output buffer, or, for `vCont`, because the engine
/// fails a resume with a signal Linux lacks.
fn ends_session(name: &[u8], args: &[u8], limits: &Limits<'_>) -> bool {
    let positive = |pid: &[u8]| hex_number(pid, usize::MAX as u64).is_some_and(|n| n != 0);
    let settings = |args: &[u8]| !matches!(args, b":0" | b":1");
    let hex_arg = |args: &[u8]| args.strip_prefix(b":").map_or(true, |v| !is_hex(v));
    match name {
        b"?" | b"g" | b"k" | b"!" | b"qfThreadInfo" | b"qsThreadInfo" | b"qC"
        | b"QStartNoAckMode" | b"QEnvironmentReset" => !args.is_empty(),
        b"D" => args.strip_prefix(b";").is_some_and(|pid| !positive(pid)),
        b"qAttached" => args.strip_prefix(b":").is_some_and(|pid| !positive(pid)),
        b"vKill" | b"vAttach" => !args.strip_prefix(b";").is_some_and(positive),
        b"G" => !is_hex(args) || !limits.register_blocks.contains(&args.len().div_ceil(2)),
        b"H" => match args.split_first() {
            Some((b'g', id)) => !matches!(thread_id(id), Some((_, Id::Any | Id::One))),
            Some((b'c', id)) => thread_id(id).is_none(),
            _ => true,
        },
        b"T" => !matches!(thread_id(args), Some((_, Id::One))),
        b"m" => {
            let mut fields = args.split(|&c| c == b',');
            let addr = fields.next().unwrap_or_default();
            let len = fields
                .next()
                .and_then(|len| hex_number(len, usize::MAX as u64));
            !fits(addr, 8) || !len.is_some_and(|len| len <= limits.packet_size as u64 / 2)
        }
        b"M" => {
            let mut fields = args.split(|&c| c == b',' || c == b':');
            let (addr, len, data) = (fields.next(), fields.next(), fields.next());
            !(addr.is_some_and(|a| fits(a, 8))
                && len.is_some_and(|l| hex_number(l, usize::MAX as u64).is_some())
                && data.is_some_and(is_hex))
        }
        b"X" => {
            let mut fields = args.splitn(3, |&c| c == b',' || c == b':');
            let (addr, len, data) = (fields.next(), fields.next(), fields.next());
            !(addr.is_some_and(|a| fits(a, 8))
                && len.is_some_and(|l| hex_number(l, usize::MAX as u64).is_some())
                && data.is_some_and(binary_ok))
        }
        b"qSupported" => args.strip_prefix(b":").map_or(true, |features| {
            features.split(|&c| c == b';').any(<[u8]>::is_empty)
        }),
        b"qXfer:features:read" => xfer_read_fails(args, |_| true),
        b"qXfer:auxv:read" | b"qXfer:libraries-svr4:read" => {
            xfer_read_fails(args, <[u8]>::is_empty)
        }
        b"qXfer:exec-file:read" => xfer_read_fails(args, |pid| pid.is_empty() || positive(pid)),
        b"c" | b"s" => !is_hex(args),
        b"vCont" => args != b"?" && args.split(|&c| c == b';').skip(1).any(vcont_action_fails),
        b"p" => hex_number(args, usize::MAX as u64).is_none(),
        b"P" => {
            let mut fields = args.split(|&c| c == b'=');
            let (reg, value) = (fields.next(), fields.next());
            !(reg.is_some_and(|r| hex_number(r, usize::MAX as u64).is_some())
                && value.is_some_and(is_hex))
        }
        b"QDisableRandomization" | b"QStartupWithShell" => settings(args),
        b"QEnvironmentHexEncoded" => args
            .strip_prefix(b":")
            .map_or(true, |v| !is_hex(v) || !hex_bytes(v).any(|b| b == b'=')),
        b"QEnvironmentUnset" | b"QSetWorkingDir" => hex_arg(args),
        b"R" => args.len() != 2,
        b"vRun" => {
            let mut fields = args.splitn(3, |&c| c == b';');
            let _ = fields.next();
            let file = fields.next();
            let args = fields.next().unwrap_or_default();
            !(file.is_some_and(is_hex) && args.iter().all(|&c| is_hex_digit(c) || c == b';'))
        }
        b"QCatchSyscalls" => match args {
            b":0" | b":1" => false,
            [b':', b'1', b';', numbers @ ..] => {
                numbers.iter().any(|&c| !is_hex_digit(c) && c != b';')
                    || numbers.split(|&c| c == b';').any(|n| !fits(n, 8))
            }
            _ => true,
        },
        // `z` and `Z`.
        _ => {
            let mut fields = args.splitn(4, |&c| c == b',' || c == b';');
            let (kind, addr, size) = (fields.next(), fields.next(), fields.next());
            let (Some(kind), Some(addr), Some(size)) = (kind, addr, size) else {
                return true;
            };
            let Some(kind) = hex_number(kind, u8::MAX.into()) else {
                return true;
            };
            !is_hex(size) || !fits(addr, 8) || (kind <= 4 && !fits(size, 8))
        }
    }
}

/// What a thread or process ID names, as the crate sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Id {
    /// `-1`.
    All,
    /// `0`.
    Any,
    /// A positive number.
    One,
}

fn id(digits: &[u8]) -> Option<Id> {
    match digits {
        b"-1" => Some(Id::All),
        b"0" => Some(Id::Any),
        _ => match hex_number(digits, usize::MAX as u64)? {
            0 => None,
            _ => Some(Id::One),
        },
    }
}

/// `pPID.TID` (`pPID` alone names all its threads) or `TID`.
fn thread_id(text: &[u8]) -> Option<(Option<Id>, Id)> {
    let Some(pid_tid) = text.strip_prefix(b"p") else {
        return Some((None, id(text)?));
    };
    let mut parts = pid_tid.split(|&c| c == b'.');
    let pid = id(parts.next().unwrap_or_default())?;
    let tid = parts.next().map_or(Some(Id::All), id)?;
    Some((Some(pid), tid))
}

/// Whether one `vCont` action ends the session: the crate cannot parse
/// it, it is a stop (non-stop mode only), a step or range step that does
/// not name its thread, a range step whose ends do not fit, or a thread
/// resumed with a signal Linux lacks (the engine fails it).
fn vcont_action_fails(action: &[u8]) -> bool {
    let mut parts = action.split(|&c| c == b':');
    let kind = parts.next().unwrap_or_default();
    let named = match parts.next().map(thread_id) {
        None => false,
        Some(None) | Some(Some((Some(Id::Any), _))) => return true,
        Some(Some((_, tid))) => tid == Id::One,
    };
    let signal_fails = |sig: &[u8]| match hex_number(sig, u8::MAX.into()) {
        Some(sig) => crate::signals::from_gdb(sig as u8).is_none(),
        None => true,
    };
    match kind {
        b"c" => false,
        b"s" => !named,
        [b'C', sig @ ..] => hex_number(sig, u8::MAX.into()).is_none() || named && signal_fails(sig),
        [b'S', sig @ ..] => !named || signal_fails(sig),
        [b'r', range @ ..] => {
            let mut ends = range.split(|&c| c == b',');
            let (start, end) = (ends.next(), ends.next());
            !named
                || !start.is_some_and(|s| hex_number(s, u64::MAX).is_some())
                || !end.is_some_and(|e| hex_number(e, u64::MAX).is_some())
        }
        // `t` (stop), and anything else.
        _ => true,
    }
}

/// Whether the crate fails `qXfer:OBJECT:read` with `args`, which should
/// be `:ANNEX:OFFSET,LENGTH`.
fn xfer_read_fails(args: &[u8], annex_ok: impl Fn(&[u8]) -> bool) -> bool {
    if args.is_empty() {
        return true;
    }
    let mut fields = args.split(|&c| c == b':').skip(1);
    let (annex, range) = (fields.next(), fields.next());
    let (Some(annex), Some(range)) = (annex, range) else {
        return true;
    };
    let mut range = range.split(|&c| c == b',');
    let (offset, length) = (range.next(), range.next());
    !annex_ok(annex)
        || !offset.is_some_and(|o| hex_number(o, u64::MAX).is_some())
        || !length.is_some_and(|l| hex_number(l, usize::MAX as u64).is_some())
}

/// A digit as the crate reads hex: `x` and `X` stand for an unknown 0.
fn crate_digit(c: u8) -> Option<u8> {
    match c {
        b'x' | b'X' => Some(0),
        _ => crate::extensions::hex_digit(c),
    }
}

fn is_hex_digit(c: u8) -> bool {
    crate_digit(c).is_some()
}

/// Whether `digits` is hex data the crate decodes (empty or odd-length
/// data included).
fn is_hex(digits: &[u8]) -> bool {
    digits.iter().all(|&c| is_hex_digit(c))
}

/// The bytes of hex data, as the crate decodes them: an odd first digit
/// is a byte of its own.
fn hex_bytes(digits: &[u8]) -> impl Iterator<Item = u8> + '_ {
    let (first, pairs) = digits.split_at(digits.len() % 2);
    let first = first.iter().map(|&c| crate_digit(c).unwrap_or(0));
    let pairs = pairs.chunks(2).map(|pair| {
        let digit = |c| crate_digit(c).unwrap_or(0);
        digit(pair[0]) << 4 | digit(pair[1])
    });
    first.chain(pairs)
}

/// A non-empty hex number no larger than `max`, as the crate decodes
/// numbers.
fn hex_number(digits: &[u8], max: u64) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits
        .iter()
        .try_fold(0u64, |n, &c| {
            n.checked_mul(16)?.checked_add(crate_digit(c)?.into())
        })
        .filter(|&n| n <= max)
}

/// Whether hex data, read as a big-endian number, fits in `bytes` bytes:
/// how the crate takes addresses (an empty one is 0).
fn fits(digits: &[u8], bytes: usize) -> bool {
    let significant = digits
        .iter()
        .position(|&c| crate_digit(c) != Some(0))
        .map_or(0, |first| digits.len() - first);
    is_hex(digits) && significant <= 2 * bytes
}

/// Whether `X` data unescapes: no `}` is left without the byte it
/// escapes.
fn binary_ok(data: &[u8]) -> bool {
    let mut i = 0;
    while i < data.len() {
        if data[i] == b'}' && i + 1 == data.len() {
            return false;
        }
        i += if data[i] == b'}' { 2 } else { 1 };
    }
    true
}

/// Packets gdb 13 sends in normal use, to a process 0x4f2a with thread
/// 0x4f2c, with `G` packets of the sizes in `register_blocks`.
#[cfg(test)]
pub(crate) fn gdb_13_packets(register_blocks: &[usize]) -> std::vec::Vec<std::vec::Vec<u8>> {
    use std::vec::Vec;
    let mut packets: Vec<Vec<u8>> = [
        &b"qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;\
           vfork-events+;exec-events+;vContSupported+;QThreadEvents+;no-resumed+;\
           memory-tagging+;xmlRegisters=i386"[..],
        b"vMustReplyEmpty",
        b"QStartNoAckMode",
        b"Hgp0.0",
        b"Hg0",
        b"qXfer:features:read:target.xml:0,3ffb",
        b"qXfer:features:read:64bit-avx.xml:0,3ffb",
        b"qTStatus",
        b"?",
        b"qXfer:threads:read::0,3ffb",
        b"qAttached:4f2a",
        b"qAttached",
        b"Hc-1",
        b"Hc0",
        b"Hcp4f2a.4f2c",
        b"Hcp4f2a.-1",
        b"qC",
        b"qOffsets",
        b"g",
        b"m555555555040,1",
        b"m7ffff7fc3000,2000",
        b"mffffffffff600000,8",
        b"m0,1",
        b"qXfer:auxv:read::0,3ffb",
        b"qXfer:exec-file:read:4f2a:0,3ffb",
        b"qXfer:exec-file:read::0,3ffb",
        b"qXfer:libraries-svr4:read::0,3ffb",
        b"vFile:setfs:0",
        b"vFile:open:6a7573742070726f62696e67,0,1c0",
        b"qSymbol::",
        b"qSymbol:7ffff7d8e000:5f7468726561645f64625f647476",
        b"QPassSignals:e;14;1c;21;24;25;2c;4c;97;",
        b"QProgramSignals:0;1;3;4;6;7;8;9;a;b;c;d;e;f;10;11;12;13;14;15;16;17;18;19;1a;1b;1c;1d;1e;1f;20;21;22;23;24;25;26;27;28;29;2a;2b;2c;2d;2e;2f;30;31;32;33;34;35;36;37;38;39;3a;3b;3c;3d;3e;3f;40;41;42;43;44;45;46;47;48;49;4a;4b;4c;4d;4e;4f;50;51;52;53;54;55;56;57;58;59;5a;5b;5c;5d;5e;5f;60;61;62;63;64;65;66;67;68;69;6a;6b;6c;6d;6e;6f;70;71;72;73;74;75;76;77;78;79;7a;7b;7c;7d;7e;7f;80;81;82;83;84;85;86;87;88;89;8a;8b;8c;8d;8e;8f;90;91;92;93;94;95;96;97;",
        b"QThreadEvents:1",
        b"Z0,555555555139,1",
        b"z0,555555555139,1",
        b"Z0,555555555139,1;X3,220027",
        b"Z1,555555555139,1",
        b"Z2,555555558010,4",
        b"z2,555555558010,4",
        b"Z3,555555558010,8",
        b"Z4,555555558010,8",
        b"vCont?",
        b"vCont;c",
        b"vCont;c:p4f2a.-1",
        b"vCont;s:p4f2a.4f2c;c:p4f2a.-1",
        b"vCont;s:p4f2a.4f2c",
        b"vCont;r555555555139,555555555145:p4f2a.4f2c;c:p4f2a.-1",
        b"vCont;C1e:p4f2a.4f2c;c:p4f2a.-1",
        b"vCont;S0e:p4f2a.4f2c",
        b"vCont;c:4f2c",
        b"vCont;C05",
        b"Hgp4f2a.4f2c",
        b"Hg4f2c",
        b"Tp4f2a.4f2c",
        b"T4f2c",
        b"p10",
        b"p3a",
        b"p4b",
        b"P10=3951555555550000",
        b"P3a=0000000000000000",
        b"X555555558010,0:",
        b"X555555558010,5:\x01}]\x00\x7f}\x03",
        b"M555555558010,4:cc909090",
        b"qXfer:siginfo:read::0,3ffb",
        b"qXfer:siginfo:write::0:\x05\x00\x00\x00",
        b"qGetTLSAddr:p4f2a.4f2c,0,7ffff7d8e000",
        b"QCatchSyscalls:1;0;3c;e7",
        b"QCatchSyscalls:1",
        b"QCatchSyscalls:0",
        b"qfThreadInfo",
        b"qsThreadInfo",
        b"qThreadExtraInfo,p4f2a.4f2c",
        b"c",
        b"s",
        b"C05",
        b"!",
        b"vRun;",
        b"vAttach;4f2a",
        b"R00",
        b"D;4f2a",
        b"D",
        b"vKill;4f2a",
        b"k",
    ]
    .iter()
    .map(|p| p.to_vec())
    .collect();
    for &size in register_blocks {
        packets.push(std::format!("G{}", "0".repeat(2 * size)).into_bytes());
    }
    packets
}

#[cfg(test)]
mod tests {
    use super::*;

    const REFUSED: &[(&str, &str)] = &[
        // qSupported without its features.
        ("qSupported", "E01"),
        ("qSupported:", "E01"),
        ("qSupported:multiprocess+;;swbreak+", "E01"),
        ("qSupportedFoo", ""),
        // G that is not a whole register block.
        ("G", "E01"),
        ("Gzz", "E01"),
        // Addresses past 64 bits, and missing or malformed fields.
        ("m10000000000000000,4", "E01"),
        ("mfffffffffffffffffff,4", "E01"),
        ("m1000", "E01"),
        ("mzz,4", "E01"),
        ("m1000,zz", "E01"),
        ("m1000,10000000000000000", "E01"),
        ("m1000,2001", "E01"),
        ("M10000000000000000,1:00", "E01"),
        ("M1000,1", "E01"),
        ("M1000,1:zz", "E01"),
        ("M1000,zz:00", "E01"),
        ("X10000000000000000,0:", "E01"),
        ("X1000,1", "E01"),
        ("X1000,2:a}", "E01"),
        ("Xzz,1:a", "E01"),
        ("Z0,10000000000000000,1", "E01"),
        ("z2,1000,10000000000000000", "E01"),
        ("Z0", "E01"),
        ("Z0,1000", "E01"),
        ("Z100,1000,1", "E01"),
        ("Z0,zz,1", "E01"),
        ("z5,10000000000000000,1", "E01"),
        // Register numbers.
        ("p", "E01"),
        ("pzz", "E01"),
        ("p10000000000000000", "E01"),
        ("P10", "E01"),
        ("P10=zz", "E01"),
        ("Pzz=00", "E01"),
        // Thread IDs.
        ("H", "E01"),
        ("Hx0", "E01"),
        ("Hg", "E01"),
        ("Hg-1", "E01"),
        ("Hgp4f2a.-1", "E01"),
        ("Hg00", "E01"),
        ("Hc10000000000000000", "E01"),
        ("T", "E01"),
        ("T0", "E01"),
        ("Tp4f2a.-1", "E01"),
        // vCont actions.
        ("vCont;", "E01"),
        ("vCont;x", "E01"),
        ("vCont;t", "E01"),
        ("vCont;s", "E01"),
        ("vCont;s:-1", "E01"),
        ("vCont;r1000,1010;c", "E01"),
        ("vCont;r1000:p1.2", "E01"),
        ("vCont;r1000,10000000000000000:p1.2", "E01"),
        ("vCont;C:p1.2", "E01"),
        ("vCont;C100:p1.2", "E01"),
        ("vCont;C07:p1.2;c", "E01"),
        ("vCont;S8f:2", "E01"),
        ("vCont;c:p0.1", "E01"),
        ("vCont;c:zz", "E01"),
        // Process IDs.
        ("D;", "E01"),
        ("D;0", "E01"),
        ("D;zz", "E01"),
        ("vKill", "E01"),
        ("vKill;0", "E01"),
        ("vKillFoo", ""),
        ("vAttach;-1", "E01"),
        ("qAttached:", "E01"),
        ("qAttached:zz", "E01"),
        // Arguments to packets that take none.
        ("?x", "E01"),
        ("g0", "E01"),
        ("k;", "E01"),
        ("!x", "E01"),
        ("qfThreadInfox", ""),
        ("qsThreadInfo;", "E01"),
        ("qC1", ""),
        ("qCRC:1000,4", ""),
        ("QStartNoAckMode1", ""),
        // qXfer reads.
        ("qXfer:features:read", "E01"),
        ("qXfer:features:read:target.xml:0", "E01"),
        ("qXfer:features:read:target.xml:0,10000000000000000", "E01"),
        ("qXfer:auxv:read:x:0,10", "E01"),
        ("qXfer:exec-file:read:0:0,10", "E01"),
        ("qXfer:libraries-svr4:read:1:0,10", "E01"),
        // System calls.
        ("QCatchSyscalls", "E01"),
        ("QCatchSyscalls:2", "E01"),
        ("QCatchSyscalls:1;zz", "E01"),
        ("QCatchSyscalls:1;10000000000000000", "E01"),
        // Resume addresses.
        ("czz", "E01"),
        ("s:1", "E01"),
        // Extended mode.
        ("vRun", "E01"),
        ("vRun;zz", "E01"),
        ("vRun;;zz", "E01"),
        ("R", ""),
        ("R0", ""),
        ("QDisableRandomization:2", ""),
        ("QSetWorkingDir:zz", ""),
        ("QEnvironmentHexEncoded:41", ""),
        ("QEnvironmentReset:", ""),
    ];

    #[test]
    fn refused_packets() {
        for &(body, reply) in REFUSED {
            assert_eq!(
                refusal(body.as_bytes(), &ENGINE_LIMITS),
                Some(reply.as_bytes()),
                "{body}"
            );
        }
        // The engine's register blocks, and no other size.
        for digits in [1118, 1121, 1122, 1630, 1633, 1634, 1072] {
            let body = std::format!("G{}", "0".repeat(digits));
            assert_eq!(refusal(body.as_bytes(), &ENGINE_LIMITS), Some(&b"E01"[..]));
        }
    }

    #[test]
    fn gdb_packets_are_not_refused() {
        for body in gdb_13_packets(ENGINE_LIMITS.register_blocks) {
            assert_eq!(
                refusal(&body, &ENGINE_LIMITS),
                None,
                "{}",
                body.escape_ascii()
            );
        }
        // Odd-length data: the crate takes its first digit as a byte.
        let odd = std::format!("G{}", "0".repeat(1631));
        assert_eq!(refusal(odd.as_bytes(), &ENGINE_LIMITS), None);
        // Numbers with leading zeros, and `x` digits, as the crate reads them.
        for body in [
            "m00000000000000000000001000,4",
            "mxx1000,4",
            "Z0,0000000000000000000000001000,1",
            "p0000000000000000000000000a",
        ] {
            assert_eq!(refusal(body.as_bytes(), &ENGINE_LIMITS), None, "{body}");
        }
        let small = Limits {
            packet_size: 64,
            register_blocks: &[4],
        };
        assert_eq!(refusal(b"m1000,20", &small), None);
        assert_eq!(refusal(b"m1000,21", &small), Some(&b"E01"[..]));
        assert_eq!(refusal(b"G01020304", &small), None);
        assert_eq!(refusal(b"G0102030405", &small), Some(&b"E01"[..]));
    }
}
