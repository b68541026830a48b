// SPDX-License-Identifier: GPL-2.0

//! The stub's side of the serial line: bytes the stub writes wait in an
//! output buffer until the reader of the device drains them.

use gdbstub::conn::Connection;

/// The output buffer was full: the reader did not drain it in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputFull;

/// A [`Connection`] that queues the stub's output in a caller-owned buffer.
pub struct OutputQueue<'a> {
    buf: &'a mut [u8],
    head: usize,
    tail: usize,
}

impl<'a> OutputQueue<'a> {
    /// Creates an empty queue over `buf`.
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self {
            buf,
            head: 0,
            tail: 0,
        }
    }

    /// The bytes waiting to be read.
    pub fn pending(&self) -> &[u8] {
        &self.buf[self.head..self.tail]
    }

    /// Marks the first `n` pending bytes as read.
    pub fn consume(&mut self, n: usize) {
        self.head = (self.head + n).min(self.tail);
        if self.head == self.tail {
            self.head = 0;
            self.tail = 0;
        }
    }

    /// Appends `bytes`, moving pending bytes to the front if that makes room.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), OutputFull> {
        if self.buf.len() - self.tail < bytes.len() {
            self.buf.copy_within(self.head..self.tail, 0);
            self.tail -= self.head;
            self.head = 0;
        }
        let end = self.tail + bytes.len();
        self.buf
            .get_mut(self.tail..end)
            .ok_or(OutputFull)?
            .copy_from_slice(bytes);
        self.tail = end;
        Ok(())
    }
}

impl OutputQueue<'_> {
    /// Appends the packet `$` prefix data `#cs`, with `data` escaped as
    /// gdb's binary replies are.
    pub fn push_packet(&mut self, prefix: &[u8], data: &[u8]) -> Result<(), OutputFull> {
        let mut sum = 0u8;
        let mut put = |q: &mut Self, bytes: &[u8]| {
            sum = bytes.iter().fold(sum, |s, &b| s.wrapping_add(b));
            q.push(bytes)
        };
        self.push(b"$")?;
        put(self, prefix)?;
        for &b in data {
            match b {
                b'#' | b'$' | b'}' | b'*' => put(self, &[b'}', b ^ 0x20])?,
                _ => put(self, &[b])?,
            }
        }
        self.push(&[b'#', hex(sum >> 4), hex(sum & 0xf)])
    }

    /// Where in the pending bytes the last packet starts (its `$`), if a
    /// whole packet ends them.
    fn last_packet(&self) -> Option<usize> {
        let pending = self.pending();
        let n = pending.len();
        let start = pending.iter().rposition(|&b| b == b'$')?;
        (n >= start + 4 && pending[n - 3] == b'#').then_some(start)
    }

    /// Adds `extra` to the end of the body of the last packet queued, and
    /// fixes its checksum; false if no whole packet ends the queue or
    /// there is no room.
    pub fn amend_last_packet(&mut self, extra: &[u8]) -> bool {
        let Some(start) = self.last_packet() else {
            return false;
        };
        let pending = self.pending();
        let n = pending.len();
        let body_sum = pending[start + 1..n - 3]
            .iter()
            .chain(extra)
            .fold(0u8, |s, &b| s.wrapping_add(b));
        // The packet grows by `extra`: check the room before touching it.
        if self.buf.len() - n < extra.len() {
            return false;
        }
        self.tail -= 3;
        // Cannot fail: the room was checked (push compacts if needed).
        let _ = self.push(extra);
        let _ = self.push(&[b'#', hex(body_sum >> 4), hex(body_sum & 0xf)]);
        true
    }

    /// Puts `body` in place of the body of the last packet queued, with
    /// its checksum; false, and nothing changed, if no whole packet ends
    /// the queue or `body` does not fit.
    pub fn replace_last_packet(&mut self, body: &[u8]) -> bool {
        let Some(start) = self.last_packet() else {
            return false;
        };
        // `$`, the body, `#` and two digits, where the old packet began.
        if self.buf.len() - (self.head + start) < body.len() + 4 {
            return false;
        }
        self.tail = self.head + start;
        // Cannot fail: the room was checked.
        self.push_packet(body, &[]).is_ok()
    }
}

fn hex(nibble: u8) -> u8 {
    b"0123456789abcdef"[usize::from(nibble & 0xf)]
}

impl Connection for OutputQueue<'_> {
    type Error = OutputFull;

    fn write(&mut self, byte: u8) -> Result<(), OutputFull> {
        self.push(&[byte])
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), OutputFull> {
        self.push(bytes)
    }

    fn flush(&mut self) -> Result<(), OutputFull> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drains_in_order_and_compacts() {
        let mut storage = [0u8; 8];
        let mut q = OutputQueue::new(&mut storage);
        q.push(b"abcdef").unwrap();
        q.consume(4);
        assert_eq!(q.pending(), b"ef");
        // Needs compaction: 2 pending + 5 new fits in 8.
        q.push(b"ghijk").unwrap();
        assert_eq!(q.pending(), b"efghijk");
        q.consume(100);
        assert_eq!(q.pending(), b"");
    }

    #[test]
    fn binary_packets_are_escaped_and_summed() {
        let mut storage = [0u8; 32];
        let mut q = OutputQueue::new(&mut storage);
        q.push_packet(b"l", b"a#}").unwrap();
        // l a } 0x03 } ]: 0x6c + 0x61 + 0x7d + 0x03 + 0x7d + 0x5d = 0x227
        assert_eq!(q.pending(), b"$la}\x03}]#27");
    }

    #[test]
    fn the_last_packet_is_amended() {
        let mut storage = [0u8; 40];
        let mut q = OutputQueue::new(&mut storage);
        q.push(b"+$OK#9a+$PacketSize=10#").unwrap();
        q.push(b"00").unwrap();
        assert!(q.amend_last_packet(b";x+"));
        let body = b"PacketSize=10;x+";
        let sum = body.iter().fold(0u8, |s, &b| s.wrapping_add(b));
        let want = std::format!("+$OK#9a+$PacketSize=10;x+#{sum:02x}");
        assert_eq!(q.pending(), want.as_bytes());
        // No room: left as it was.
        assert!(!q.amend_last_packet(&[b'y'; 16]));
        assert_eq!(q.pending(), want.as_bytes());
        // The extra bytes fit but not with the checksum: untouched.
        let mut tight = [0u8; 12];
        let mut q2 = OutputQueue::new(&mut tight);
        q2.push(b"$OK#9a").unwrap();
        assert!(!q2.amend_last_packet(b"1234567"));
        assert_eq!(q2.pending(), b"$OK#9a");
        assert!(q2.amend_last_packet(b"123456"));
        assert_eq!(q2.pending().len(), 12);
        // Not a whole packet at the end.
        q.push(b"+").unwrap();
        assert!(!q.amend_last_packet(b";x+"));
    }

    #[test]
    fn the_last_packet_is_replaced() {
        let mut storage = [0u8; 24];
        let mut q = OutputQueue::new(&mut storage);
        q.push(b"+$OK#9a+$T05thread:1;#").unwrap();
        // Half a packet: nothing to replace.
        assert!(!q.replace_last_packet(b"N"));
        q.push(b"00").unwrap();
        q.consume(1);
        assert!(q.replace_last_packet(b"N"));
        assert_eq!(q.pending(), b"$OK#9a+$N#4e");
        // Too long for the buffer: left as it was.
        assert!(!q.replace_last_packet(&[b'x'; 20]));
        assert_eq!(q.pending(), b"$OK#9a+$N#4e");
        let mut empty = [0u8; 8];
        assert!(!OutputQueue::new(&mut empty).replace_last_packet(b"N"));
    }

    #[test]
    fn refuses_what_does_not_fit() {
        let mut storage = [0u8; 4];
        let mut q = OutputQueue::new(&mut storage);
        q.push(b"abc").unwrap();
        assert_eq!(q.push(b"de"), Err(OutputFull));
        assert_eq!(q.pending(), b"abc");
    }
}
