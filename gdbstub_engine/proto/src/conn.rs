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
    fn refuses_what_does_not_fit() {
        let mut storage = [0u8; 4];
        let mut q = OutputQueue::new(&mut storage);
        q.push(b"abc").unwrap();
        assert_eq!(q.push(b"de"), Err(OutputFull));
        assert_eq!(q.pending(), b"abc");
    }
}
