// SPDX-License-Identifier: GPL-2.0

//! Fork, vfork and exec events, which the gdbstub crate cannot report
//! right: its fork stop reply names the child with the parent's process
//! ID, it has no exec event, and its `D;PID` ends the whole session.
//!
//! A session learns from gdb's `qSupported` which events gdb handles
//! ([`ProcessEvents::offered_by`]). Such a stop goes out as the crate's
//! `SIGTRAP` stop reply, amended with [`stop_suffix`]. Between a fork
//! stop and gdb's `D;PID` for parent or child ([`detach_pid`]), gdb
//! names the process it works on with `Hgp` ([`selected_process`]).
//!
//! With `QThreadEvents` on, a thread's start is a stop reply amended with
//! `create:;` and its end a `w` reply ([`thread_exit_reply`]), which also
//! takes the place of a stop reply.
//!
//! The crate cannot say `N` either: no thread gdb resumed is left, as when
//! the only thread let run under scheduler locking exits. The stub sends
//! a stop reply and puts `N` in its place.

/// The process events gdb said it handles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProcessEvents {
    /// `fork-events+`.
    pub fork: bool,
    /// `vfork-events+` (and with them `vforkdone`).
    pub vfork: bool,
    /// `exec-events+`.
    pub exec: bool,
    /// `no-resumed+`: gdb understands `N`.
    pub no_resumed: bool,
}

impl ProcessEvents {
    /// The events gdb offers in the body of its `qSupported` packet.
    pub fn offered_by(body: &[u8]) -> Self {
        let mut events = Self::default();
        let Some(features) = body.strip_prefix(b"qSupported:") else {
            return events;
        };
        for feature in features.split(|&c| c == b';') {
            match feature {
                b"fork-events+" => events.fork = true,
                b"vfork-events+" => events.vfork = true,
                b"exec-events+" => events.exec = true,
                b"no-resumed+" => events.no_resumed = true,
                _ => {}
            }
        }
        events
    }
}

/// What the stub adds to its `qSupported` reply for these events.
pub const FEATURES: &[u8] = b";fork-events+;vfork-events+;exec-events+;no-resumed+";

/// The stop reply that says no thread gdb resumed is left.
pub const NO_RESUMED: &[u8] = b"N";

/// A process event, as a stop reply tells gdb of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessEvent<'a> {
    /// The thread forked process `child`, which is held stopped.
    Fork(u32),
    /// The thread vforked process `child`, which is held stopped.
    VFork(u32),
    /// The thread's vfork child released its memory.
    VForkDone,
    /// The thread exec'd the program at this path.
    Exec(&'a [u8]),
    /// The thread just started.
    ThreadCreated,
}

/// Room [`stop_suffix`] needs for `event`.
pub fn stop_suffix_size(event: &ProcessEvent<'_>) -> usize {
    match event {
        ProcessEvent::Exec(path) => 8 + 2 * path.len(),
        _ => 32,
    }
}

/// Writes what the stop reply for `event` adds to a `T05` packet into
/// `out`: `fork:pPID.PID;`, `vfork:pPID.PID;`, `vforkdone:;` or
/// `exec:HEXPATH;`. Returns its length, `None` if `out` is too small.
pub fn stop_suffix(event: &ProcessEvent<'_>, out: &mut [u8]) -> Option<usize> {
    let mut w = Writer { out, len: 0 };
    match *event {
        ProcessEvent::Fork(child) => w.process(b"fork:", child)?,
        ProcessEvent::VFork(child) => w.process(b"vfork:", child)?,
        ProcessEvent::VForkDone => w.put(b"vforkdone:;")?,
        ProcessEvent::ThreadCreated => w.put(b"create:;")?,
        ProcessEvent::Exec(path) => {
            w.put(b"exec:")?;
            for &c in path {
                w.put(&[HEX[usize::from(c >> 4)], HEX[usize::from(c & 15)]])?;
            }
            w.put(b";")?;
        }
    }
    Some(w.len)
}

/// Room [`thread_exit_reply`] needs.
pub const THREAD_EXIT_REPLY_SIZE: usize = 24;

/// Writes the `wAA;pPID.TID` reply for thread `tid` of process `pid`,
/// which ended with exit status `status`, into `out`. Returns its length,
/// `None` if `out` is too small.
pub fn thread_exit_reply(status: u8, pid: u32, tid: u32, out: &mut [u8]) -> Option<usize> {
    let mut w = Writer { out, len: 0 };
    w.put(&[
        b'w',
        HEX[usize::from(status >> 4)],
        HEX[usize::from(status & 15)],
    ])?;
    w.put(b";p")?;
    w.hex(pid)?;
    w.put(b".")?;
    w.hex(tid)?;
    Some(w.len)
}

/// The process a `D;PID` packet detaches, if it names one.
pub fn detach_pid(body: &[u8]) -> Option<u32> {
    positive(body.strip_prefix(b"D;")?)
}

/// The process an `Hgp` packet selects, if it names one (`p0` and `p-1`
/// do not).
pub fn selected_process(body: &[u8]) -> Option<u32> {
    let id = body.strip_prefix(b"Hgp")?;
    let end = id.iter().position(|&c| c == b'.').unwrap_or(id.len());
    positive(&id[..end])
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A positive 32-bit hex number, all of `digits`.
fn positive(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let n = digits.iter().try_fold(0u32, |n, &c| {
        let d = (c as char).to_digit(16)?;
        Some(n << 4 | d)
    })?;
    (n != 0 && n <= i32::MAX as u32).then_some(n)
}

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

    /// `n` in hex, without leading zeroes.
    fn hex(&mut self, n: u32) -> Option<()> {
        let mut digits = [0u8; 8];
        let mut i = digits.len();
        let mut n = n;
        loop {
            i -= 1;
            digits[i] = HEX[(n % 16) as usize];
            n /= 16;
            if n == 0 {
                break;
            }
        }
        self.put(&digits[i..])
    }

    /// `NAMEpPID.PID;`: a process's first thread has its process's ID.
    fn process(&mut self, name: &[u8], pid: u32) -> Option<()> {
        self.put(name)?;
        self.put(b"p")?;
        self.hex(pid)?;
        self.put(b".")?;
        self.hex(pid)?;
        self.put(b";")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suffix(event: ProcessEvent<'_>) -> std::string::String {
        let mut out = std::vec![0u8; stop_suffix_size(&event)];
        let n = stop_suffix(&event, &mut out).unwrap();
        std::string::String::from_utf8(out[..n].to_vec()).unwrap()
    }

    #[test]
    fn events_gdb_offers() {
        let body = b"qSupported:multiprocess+;swbreak+;fork-events+;vfork-events+;\
                     exec-events+;vContSupported+;no-resumed+";
        let all = ProcessEvents {
            fork: true,
            vfork: true,
            exec: true,
            no_resumed: true,
        };
        assert_eq!(ProcessEvents::offered_by(body), all);
        let some = ProcessEvents::offered_by(b"qSupported:fork-events-;exec-events+");
        assert_eq!(
            some,
            ProcessEvents {
                exec: true,
                ..Default::default()
            }
        );
        assert_eq!(ProcessEvents::offered_by(b"qSupported"), Default::default());
        assert_eq!(ProcessEvents::offered_by(b"qC"), Default::default());
    }

    #[test]
    fn stop_reply_suffixes() {
        assert_eq!(suffix(ProcessEvent::Fork(0x4f2a)), "fork:p4f2a.4f2a;");
        assert_eq!(suffix(ProcessEvent::VFork(1)), "vfork:p1.1;");
        assert_eq!(suffix(ProcessEvent::VForkDone), "vforkdone:;");
        assert_eq!(suffix(ProcessEvent::Exec(b"/bin/t")), "exec:2f62696e2f74;");
        assert_eq!(suffix(ProcessEvent::ThreadCreated), "create:;");
        let mut small = [0u8; 6];
        assert_eq!(stop_suffix(&ProcessEvent::Fork(0x4f2a), &mut small), None);
        let long = [b'a'; 4096];
        let event = ProcessEvent::Exec(&long);
        let mut out = std::vec![0u8; stop_suffix_size(&event)];
        assert_eq!(stop_suffix(&event, &mut out), Some(5 + 8192 + 1));
    }

    #[test]
    fn thread_exit_replies() {
        let mut out = [0u8; THREAD_EXIT_REPLY_SIZE];
        let n = thread_exit_reply(0, 0x4f2a, 0x4f2c, &mut out).unwrap();
        assert_eq!(&out[..n], b"w00;p4f2a.4f2c");
        let n = thread_exit_reply(0xa7, 0x7fffffff, 0x7fffffff, &mut out).unwrap();
        assert_eq!(&out[..n], b"wa7;p7fffffff.7fffffff");
        assert_eq!(thread_exit_reply(0, 1, 1, &mut out[..7]), None);
    }

    #[test]
    fn detach_and_select_name_processes() {
        assert_eq!(detach_pid(b"D;4eda"), Some(0x4eda));
        assert_eq!(detach_pid(b"D"), None);
        assert_eq!(detach_pid(b"D;"), None);
        assert_eq!(detach_pid(b"D;0"), None);
        assert_eq!(detach_pid(b"D;-1"), None);
        assert_eq!(detach_pid(b"D;80000000"), None);
        assert_eq!(detach_pid(b"D;123456789"), None);
        assert_eq!(detach_pid(b"D;12x"), None);
        assert_eq!(selected_process(b"Hgp4f2a.4f2a"), Some(0x4f2a));
        assert_eq!(selected_process(b"Hgp4f2a.0"), Some(0x4f2a));
        assert_eq!(selected_process(b"Hgp0.0"), None);
        assert_eq!(selected_process(b"Hgp-1.-1"), None);
        assert_eq!(selected_process(b"Hg4f2a"), None);
        assert_eq!(selected_process(b"Hcp4f2a.4f2a"), None);
    }
}
