// SPDX-License-Identifier: GPL-2.0

//! What the gdbstub crate lacks, in one place.
//!
//! gdb's bytes pass through a [`Framer`] before they reach the crate, so
//! that whole packets are seen here first:
//!
//! * a packet with a wrong checksum gets `-` and gdb sends it again,
//!   where the crate would end the session;
//! * a well-framed packet with arguments on which the crate would end
//!   the session gets an error reply from [`crate::refusal`] instead;
//! * `qXfer:threads:read` (the thread list with names),
//!   `qXfer:siginfo:read` and `qXfer:siginfo:write` (`$_siginfo`),
//!   `QPassSignals` (signals delivered without a stop) and
//!   `QProgramSignals` (signals gdb may resume a thread with) and
//!   `QThreadEvents` (stops for threads starting and ending) are
//!   answered here,
//!   and [`FEATURES`] is added to the crate's `qSupported` reply so that
//!   gdb sends them.
//!
//! Fork, vfork and exec events ([`crate::process_events`]), thread-local
//! variables ([`crate::tls`]) and the shared library list
//! ([`crate::libraries_svr4`]) have modules of their own.
//!
//! Everything else goes to the crate unchanged.

/// What the stub supports beyond the crate, for the `qSupported` reply.
pub const FEATURES: &[u8] =
    b";qXfer:threads:read+;qXfer:siginfo:read+;qXfer:siginfo:write+;QPassSignals+;QProgramSignals+;\
      QThreadEvents+";

/// The size of a `siginfo_t`, all that `qXfer:siginfo:write` may write.
pub const SIGINFO_SIZE: usize = 128;

/// What a byte from gdb completed.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// Nothing yet: the byte is part of a packet.
    Partial,
    /// Bytes to hand to the crate as they are.
    Pass(&'a [u8]),
    /// A whole packet, `$body#cs`, with a good checksum.
    Packet(&'a [u8]),
    /// A whole packet with a wrong checksum: answer `-`.
    BadChecksum,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between packets.
    Idle,
    /// In a packet's body, after `$`.
    Body,
    /// Expecting the first, then the second checksum digit.
    Sum(u8),
    /// In a packet too long to hold: the rest goes straight to the crate,
    /// which refuses it.
    Spill,
    /// In a spilled packet's checksum.
    SpillSum(u8),
}

/// Splits gdb's byte stream into packets.
pub struct Framer<'a> {
    buf: &'a mut [u8],
    len: usize,
    state: State,
    byte: [u8; 1],
}

impl<'a> Framer<'a> {
    /// A framer that holds packets shorter than `buf.len()` bytes (at
    /// least 5: `$` + body + `#` + two digits).
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self {
            buf,
            len: 0,
            state: State::Idle,
            byte: [0],
        }
    }

    /// Takes one byte from gdb.
    pub fn push(&mut self, byte: u8) -> Frame<'_> {
        match self.state {
            State::Idle if byte == b'$' => {
                self.len = 0;
                self.state = State::Body;
                self.keep(byte)
            }
            State::Idle => self.pass(byte),
            State::Body if byte == b'#' => {
                self.state = State::Sum(2);
                self.keep(byte)
            }
            State::Body => self.keep(byte),
            State::Sum(left) => {
                self.state = State::Sum(left - 1);
                if self.len + 1 == self.buf.len() || left > 1 {
                    return self.keep(byte);
                }
                self.buf[self.len] = byte;
                self.len += 1;
                self.state = State::Idle;
                let packet = &self.buf[..self.len];
                if checksum_ok(packet) {
                    Frame::Packet(packet)
                } else {
                    Frame::BadChecksum
                }
            }
            State::Spill => {
                if byte == b'#' {
                    self.state = State::SpillSum(2);
                }
                self.pass(byte)
            }
            State::SpillSum(left) => {
                self.state = if left > 1 {
                    State::SpillSum(left - 1)
                } else {
                    State::Idle
                };
                self.pass(byte)
            }
        }
    }

    /// Holds `byte`. A packet that fills the buffer is not one this
    /// module answers: what is held goes to the crate, and the rest of the
    /// packet follows it as it comes.
    fn keep(&mut self, byte: u8) -> Frame<'_> {
        self.buf[self.len] = byte;
        self.len += 1;
        if self.len < self.buf.len() {
            return Frame::Partial;
        }
        self.state = match self.state {
            State::Sum(0) => State::Idle,
            State::Sum(left) => State::SpillSum(left),
            _ => State::Spill,
        };
        Frame::Pass(&self.buf[..self.len])
    }

    fn pass(&mut self, byte: u8) -> Frame<'_> {
        self.byte = [byte];
        Frame::Pass(&self.byte)
    }
}

/// The body of a whole packet from [`Frame::Packet`].
pub fn body(packet: &[u8]) -> &[u8] {
    packet.get(1..packet.len().saturating_sub(3)).unwrap_or(&[])
}

fn checksum_ok(packet: &[u8]) -> bool {
    let n = packet.len();
    if n < 4 {
        return false;
    }
    let sum = body(packet).iter().fold(0u8, |s, &b| s.wrapping_add(b));
    let digits = &packet[n - 2..];
    match (hex_digit(digits[0]), hex_digit(digits[1])) {
        (Some(hi), Some(lo)) => hi << 4 | lo == sum,
        _ => false,
    }
}

pub(crate) fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// A packet answered here rather than by the crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// `qXfer:threads:read::OFFSET,LENGTH`: the thread list document.
    ThreadsRead {
        /// The first byte wanted.
        offset: usize,
        /// At most this many bytes.
        length: usize,
    },
    /// `qXfer:siginfo:read::OFFSET,LENGTH`: the siginfo of the signal the
    /// current thread stopped for.
    SiginfoRead {
        /// The first byte wanted.
        offset: usize,
        /// At most this many bytes.
        length: usize,
    },
    /// `qXfer:siginfo:write::OFFSET:DATA`: new bytes for the siginfo of
    /// the signal the current thread stopped for.
    SiginfoWrite {
        /// Where `data` goes in the siginfo.
        offset: usize,
        /// The bytes, unescaped; only the first `len` count.
        data: [u8; SIGINFO_SIZE],
        /// How many bytes `data` holds.
        len: usize,
    },
    /// `QPassSignals:S1;S2...`: the signals (a bit per Linux number)
    /// that threads get at once, without stopping for gdb.
    PassSignals(u64),
    /// `QProgramSignals:S1;S2...`: the signals (a bit per Linux number)
    /// a thread may be resumed with; others are dropped.
    ProgramSignals(u64),
    /// `QThreadEvents:1` or `:0`: whether a thread starting or ending
    /// stops the process and is reported.
    ThreadEvents(bool),
}

/// The request in a packet's body, if it is one answered here.
pub fn request(body: &[u8]) -> Option<Request> {
    if let Some(list) = body.strip_prefix(b"QPassSignals:") {
        return pass_signals(list).map(Request::PassSignals);
    }
    if let Some(list) = body.strip_prefix(b"QProgramSignals:") {
        return pass_signals(list).map(Request::ProgramSignals);
    }
    match body {
        b"QThreadEvents:1" => return Some(Request::ThreadEvents(true)),
        b"QThreadEvents:0" => return Some(Request::ThreadEvents(false)),
        _ => {}
    }
    if let Some(args) = body.strip_prefix(b"qXfer:siginfo:write::") {
        return siginfo_write(args);
    }
    if let Some(args) = body.strip_prefix(b"qXfer:siginfo:read::") {
        let (offset, length) = offset_length(args)?;
        return Some(Request::SiginfoRead { offset, length });
    }
    let args = body.strip_prefix(b"qXfer:threads:read::")?;
    let (offset, length) = offset_length(args)?;
    Some(Request::ThreadsRead { offset, length })
}

fn offset_length(args: &[u8]) -> Option<(usize, usize)> {
    let comma = args.iter().position(|&b| b == b',')?;
    Some((parse_hex(&args[..comma])?, parse_hex(&args[comma + 1..])?))
}

/// The thread an `Hg` packet selects for what gdb asks next, if it names
/// one (`Hg0` and `Hg-1` do not).
pub fn selected_thread(body: &[u8]) -> Option<u32> {
    let id = body.strip_prefix(b"Hg")?;
    let tid = match id.strip_prefix(b"p") {
        Some(pid_tid) => &pid_tid[pid_tid.iter().position(|&b| b == b'.')? + 1..],
        None => id,
    };
    let tid = u32::try_from(parse_hex(tid)?).ok()?;
    (tid != 0).then_some(tid)
}

/// `OFFSET:DATA` of a siginfo write, with DATA's binary escapes undone;
/// `None` if it reaches past the siginfo.
fn siginfo_write(args: &[u8]) -> Option<Request> {
    let colon = args.iter().position(|&b| b == b':')?;
    let offset = parse_hex(&args[..colon])?;
    let mut data = [0u8; SIGINFO_SIZE];
    let mut len = 0;
    let mut escaped = false;
    for &b in &args[colon + 1..] {
        if !escaped && b == b'}' {
            escaped = true;
            continue;
        }
        *data.get_mut(len)? = if escaped { b ^ 0x20 } else { b };
        escaped = false;
        len += 1;
    }
    if escaped || offset.checked_add(len)? > SIGINFO_SIZE {
        return None;
    }
    Some(Request::SiginfoWrite { offset, data, len })
}

/// The Linux signals named, in gdb's numbering, by a `QPassSignals` or
/// `QProgramSignals` list; signals with no Linux number are left out.
fn pass_signals(list: &[u8]) -> Option<u64> {
    let mut set = 0u64;
    for gdb in list.split(|&c| c == b';').filter(|s| !s.is_empty()) {
        let gdb = u8::try_from(parse_hex(gdb)?).ok()?;
        if let Some(linux) = crate::signals::from_gdb(gdb) {
            if (1..=64).contains(&linux) {
                set |= 1 << (linux - 1);
            }
        }
    }
    Some(set)
}

/// `n` in lowercase hex, without leading zeroes, written into `buf`.
pub fn hex_u64(n: u64, buf: &mut [u8; 16]) -> &[u8] {
    let mut w = Writer { out: buf, len: 0 };
    // Sixteen digits always fit.
    let _ = w.put_hex(n);
    let len = w.len;
    &buf[..len]
}

/// `prefix` and then `bytes` hex-encoded, written into `out`; returns the
/// length, `None` if it does not fit.
pub fn hex_encode(prefix: &[u8], bytes: &[u8], out: &mut [u8]) -> Option<usize> {
    let mut w = Writer { out, len: 0 };
    w.put(prefix)?;
    for &b in bytes {
        w.put(&[
            HEX_DIGITS[usize::from(b >> 4)],
            HEX_DIGITS[usize::from(b & 15)],
        ])?;
    }
    Some(w.len)
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

fn parse_hex(digits: &[u8]) -> Option<usize> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0usize, |n, &c| {
        n.checked_mul(16)?.checked_add(hex_digit(c)?.into())
    })
}

/// Bytes written into a fixed buffer; `None` once it is full.
struct Writer<'a> {
    out: &'a mut [u8],
    len: usize,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) -> Option<()> {
        let end = self.len.checked_add(bytes.len())?;
        self.out.get_mut(self.len..end)?.copy_from_slice(bytes);
        self.len = end;
        Some(())
    }

    fn put_hex(&mut self, n: u64) -> Option<()> {
        let digits = HEX_DIGITS;
        let mut text = [0u8; 16];
        let mut i = text.len();
        let mut n = n;
        loop {
            i -= 1;
            text[i] = digits[(n % 16) as usize];
            n /= 16;
            if n == 0 {
                break;
            }
        }
        self.put(&text[i..])
    }

    /// A thread name as an XML attribute value.
    fn put_escaped(&mut self, name: &[u8]) -> Option<()> {
        for &c in name {
            match c {
                b'&' => self.put(b"&amp;")?,
                b'<' => self.put(b"&lt;")?,
                b'>' => self.put(b"&gt;")?,
                b'"' => self.put(b"&quot;")?,
                // Control characters are not valid XML 1.0.
                0..=0x1f | 0x7f => self.put(b"?")?,
                _ => self.put(&[c])?,
            }
        }
        Some(())
    }
}

/// Room [`threads_xml`] needs for `threads` threads.
pub fn threads_xml_size(threads: usize) -> usize {
    // Names are at most 15 bytes, each escaped to at most 6.
    64 + threads * (48 + 15 * 6)
}

/// Writes gdb's thread list document for process `pid` and its threads,
/// `(tid, name)`, into `out`; returns its length, `None` if it did not
/// fit.
pub fn threads_xml<'n>(
    pid: u32,
    threads: impl Iterator<Item = (u32, &'n [u8])>,
    out: &mut [u8],
) -> Option<usize> {
    let mut w = Writer { out, len: 0 };
    w.put(b"<?xml version=\"1.0\"?>\n<threads>\n")?;
    for (tid, name) in threads {
        w.put(b"<thread id=\"p")?;
        w.put_hex(pid.into())?;
        w.put(b".")?;
        w.put_hex(tid.into())?;
        w.put(b"\" name=\"")?;
        w.put_escaped(name)?;
        w.put(b"\"/>\n")?;
    }
    w.put(b"</threads>\n")?;
    Some(w.len)
}

/// The reply to a `qXfer` read of `doc` from `offset`, at most `length`
/// bytes: `m` and the data, or `l` and the data when it reaches the end.
/// Returns the prefix and the data, to be sent as one binary packet.
pub fn xfer_reply(doc: &[u8], offset: usize, length: usize) -> (&'static [u8], &[u8]) {
    let start = offset.min(doc.len());
    let end = start.saturating_add(length).min(doc.len());
    let prefix: &'static [u8] = if end == doc.len() { b"l" } else { b"m" };
    (prefix, &doc[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn packet(body: &[u8]) -> Vec<u8> {
        let sum = body.iter().fold(0u8, |s, &b| s.wrapping_add(b));
        let mut p = Vec::from(&b"$"[..]);
        p.extend_from_slice(body);
        p.extend_from_slice(std::format!("#{sum:02x}").as_bytes());
        p
    }

    /// Feeds `input` and collects what the framer makes of it.
    fn frames(size: usize, input: &[u8]) -> Vec<(char, Vec<u8>)> {
        let mut buf = std::vec![0u8; size];
        let mut framer = Framer::new(&mut buf);
        let mut out: Vec<(char, Vec<u8>)> = Vec::new();
        for &b in input {
            match framer.push(b) {
                Frame::Partial => {}
                // Consecutive passed bytes are merged, for readable tests.
                Frame::Pass(bytes) => match out.last_mut() {
                    Some(('>', v)) => v.extend_from_slice(bytes),
                    _ => out.push(('>', bytes.to_vec())),
                },
                Frame::Packet(p) => out.push(('P', p.to_vec())),
                Frame::BadChecksum => out.push(('-', Vec::new())),
            }
        }
        out
    }

    #[test]
    fn packets_and_bytes_between_them() {
        let q = packet(b"qC");
        let mut input = Vec::from(&b"+\x03"[..]);
        input.extend_from_slice(&q);
        input.push(b'+');
        let f = frames(64, &input);
        assert_eq!(f[0], ('>', b"+\x03".to_vec()));
        assert_eq!(f[1], ('P', q.clone()));
        assert_eq!(body(&f[1].1), b"qC");
        assert_eq!(f[2], ('>', b"+".to_vec()));
    }

    #[test]
    fn a_wrong_checksum_is_caught() {
        assert_eq!(frames(64, b"$qC#00"), [('-', Vec::new())]);
        assert_eq!(frames(64, b"$qC#zz"), [('-', Vec::new())]);
    }

    #[test]
    fn packets_too_long_to_hold_pass_through_whole() {
        let long = packet(&[b'a'; 100]);
        let mut input = long.clone();
        let short = packet(b"g");
        input.extend_from_slice(&short);
        for size in [8, 64, 101, 102, 103, 104] {
            let f = frames(size, &input);
            assert_eq!(f[0], ('>', long.clone()), "size {size}");
            assert_eq!(f[1], ('P', short.clone()), "size {size}");
        }
        assert_eq!(frames(105, &input)[0], ('P', long));
    }

    #[test]
    fn thread_list_requests() {
        assert_eq!(
            request(b"qXfer:threads:read::0,ffb"),
            Some(Request::ThreadsRead {
                offset: 0,
                length: 0xffb
            })
        );
        assert_eq!(request(b"qXfer:threads:read::,10"), None);
        assert_eq!(request(b"qXfer:threads:read::1g,10"), None);
        assert_eq!(request(b"qXfer:threads:read::ffffffffffffffffff,1"), None);
        assert_eq!(request(b"qXfer:features:read:target.xml:0,10"), None);
    }

    #[test]
    fn siginfo_requests_and_the_selected_thread() {
        assert_eq!(
            request(b"qXfer:siginfo:read::0,80"),
            Some(Request::SiginfoRead {
                offset: 0,
                length: 0x80
            })
        );
        assert_eq!(selected_thread(b"Hgp3e.40"), Some(0x40));
        assert_eq!(selected_thread(b"Hg40"), Some(0x40));
        assert_eq!(selected_thread(b"Hg0"), None);
        assert_eq!(selected_thread(b"Hg-1"), None);
        assert_eq!(selected_thread(b"Hgp3e.-1"), None);
        assert_eq!(selected_thread(b"Hc40"), None);
    }

    #[test]
    fn siginfo_writes() {
        let Some(Request::SiginfoWrite { offset, data, len }) =
            request(b"qXfer:siginfo:write::8:ab}]c")
        else {
            panic!("not a siginfo write");
        };
        assert_eq!((offset, &data[..len]), (8, &b"ab}c"[..]));
        let mut long = [0u8; 16];
        assert_eq!(hex_u64(u64::MAX, &mut long), b"ffffffffffffffff");
        assert_eq!(hex_u64(0x7f00_0000_1010, &mut long), b"7f0000001010");
        assert_eq!(hex_u64(0, &mut long), b"0");
        let mut out = [0u8; 12];
        assert_eq!(hex_encode(b"q:", b"ab", &mut out), Some(6));
        assert_eq!(&out[..6], b"q:6162");
        assert_eq!(hex_encode(b"q:", b"abcdef", &mut out), None);
        let full = [b'x'; SIGINFO_SIZE];
        let mut body = b"qXfer:siginfo:write::0:".to_vec();
        body.extend_from_slice(&full);
        assert!(request(&body).is_some());
        body.push(b'x');
        assert_eq!(request(&body), None);
        assert_eq!(request(b"qXfer:siginfo:write::7f:ab"), None);
        assert_eq!(request(b"qXfer:siginfo:write::0:a}"), None);
        assert_eq!(request(b"qXfer:siginfo:write::0"), None);
    }

    #[test]
    fn signals_to_pass() {
        // gdb's SIGALRM (14), SIGCHLD (20) and SIGUSR1 (30): Linux 14, 17, 10.
        let bits = (1u64 << 13) | (1 << 16) | (1 << 9);
        assert_eq!(
            request(b"QPassSignals:e;14;1e;"),
            Some(Request::PassSignals(bits))
        );
        assert_eq!(request(b"QPassSignals:"), Some(Request::PassSignals(0)));
        assert_eq!(request(b"QPassSignals:zz"), None);
        assert_eq!(
            request(b"QProgramSignals:e;1e"),
            Some(Request::ProgramSignals((1 << 13) | (1 << 9)))
        );
        assert_eq!(request(b"QPassSignals:100"), None);
    }

    #[test]
    fn thread_events_on_and_off() {
        assert_eq!(
            request(b"QThreadEvents:1"),
            Some(Request::ThreadEvents(true))
        );
        assert_eq!(
            request(b"QThreadEvents:0"),
            Some(Request::ThreadEvents(false))
        );
        assert_eq!(request(b"QThreadEvents:2"), None);
        assert_eq!(request(b"QThreadEvents:"), None);
        assert_eq!(request(b"QThreadEvents"), None);
    }

    #[test]
    fn thread_list_document() {
        let threads = [(0x3eu32, &b"gdb_target"[..]), (0x40, &b"a<&\"b\n"[..])];
        let mut out = std::vec![0u8; threads_xml_size(threads.len())];
        let n = threads_xml(0x3e, threads.into_iter(), &mut out).unwrap();
        assert_eq!(
            std::str::from_utf8(&out[..n]).unwrap(),
            "<?xml version=\"1.0\"?>\n<threads>\n\
             <thread id=\"p3e.3e\" name=\"gdb_target\"/>\n\
             <thread id=\"p3e.40\" name=\"a&lt;&amp;&quot;b?\"/>\n\
             </threads>\n"
        );
        let mut small = [0u8; 40];
        assert_eq!(threads_xml(1, threads.into_iter(), &mut small), None);
    }

    #[test]
    fn reads_in_chunks_end_with_l() {
        let doc = b"0123456789";
        assert_eq!(xfer_reply(doc, 0, 4), (&b"m"[..], &b"0123"[..]));
        assert_eq!(xfer_reply(doc, 8, 4), (&b"l"[..], &b"89"[..]));
        assert_eq!(xfer_reply(doc, 20, 4), (&b"l"[..], &b""[..]));
        assert_eq!(xfer_reply(doc, 0, usize::MAX), (&b"l"[..], &doc[..]));
    }
}
