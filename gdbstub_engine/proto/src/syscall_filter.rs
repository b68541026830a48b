// SPDX-License-Identifier: GPL-2.0

//! Which system calls gdb's `catch syscall` stops at (`QCatchSyscalls`).

/// System call numbers the filter can name; x86-64 has fewer than 512.
pub const MAX_SYSCALLS: usize = 1024;

/// The system calls gdb catches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyscallFilter {
    /// None: gdb catches no system call.
    Off,
    /// Every system call.
    All,
    /// Those whose bit is set; numbers past [`MAX_SYSCALLS`] are never
    /// caught (no such system call exists).
    Some([u64; MAX_SYSCALLS / 64]),
}

impl SyscallFilter {
    /// The filter for the numbers gdb listed.
    pub fn from_numbers(numbers: impl Iterator<Item = u64>) -> Self {
        let mut bits = [0u64; MAX_SYSCALLS / 64];
        for n in numbers {
            if let Some(word) = bits.get_mut((n / 64) as usize) {
                *word |= 1 << (n % 64);
            }
        }
        SyscallFilter::Some(bits)
    }

    /// Whether gdb catches any system call at all.
    pub fn is_on(&self) -> bool {
        *self != SyscallFilter::Off
    }

    /// Whether gdb catches system call `nr` (-1 when the thread is not in
    /// a system call, which is never caught).
    pub fn catches(&self, nr: i64) -> bool {
        match self {
            SyscallFilter::Off => false,
            SyscallFilter::All => nr >= 0,
            SyscallFilter::Some(bits) => usize::try_from(nr)
                .ok()
                .and_then(|n| bits.get(n / 64).map(|w| w & (1 << (n % 64)) != 0))
                .unwrap_or(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_all_and_listed() {
        assert!(!SyscallFilter::Off.catches(0));
        assert!(!SyscallFilter::Off.is_on());
        assert!(SyscallFilter::All.catches(230));
        assert!(!SyscallFilter::All.catches(-1));
        let f = SyscallFilter::from_numbers([0u64, 63, 64, 230, 1023, 5000].into_iter());
        assert!(f.is_on());
        for n in [0, 63, 64, 230, 1023] {
            assert!(f.catches(n), "{n}");
        }
        for n in [-1, 1, 62, 65, 229, 1024, 5000] {
            assert!(!f.catches(n), "{n}");
        }
        // An empty list is on, and catches nothing (gdb's own choice).
        let none = SyscallFilter::from_numbers(core::iter::empty());
        assert!(none.is_on() && !none.catches(1));
    }
}
