// SPDX-License-Identifier: GPL-2.0

//! Signal numbers: gdb's remote protocol has its own numbering, which is
//! not Linux's. gdb and gdbserver agree on it; so must we.

/// gdb's number for a signal it has no name for.
pub const GDB_SIGNAL_UNKNOWN: u8 = 143;

/// gdb's numbers of Linux signals 1 to 31 on x86 (index = Linux number).
const FROM_LINUX: [u8; 32] = [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    10,
    8,
    9,
    30,
    11,
    31,
    13,
    14,
    15, // 0-15
    GDB_SIGNAL_UNKNOWN,
    20,
    19,
    17,
    18,
    21,
    22,
    16,
    24,
    25,
    26,
    27,
    28,
    23,
    32,
    12, // 16-31
];

/// gdb's number for Linux signal `sig`.
pub fn to_gdb(sig: i32) -> u8 {
    match sig {
        0..=31 => FROM_LINUX[sig as usize],
        32 => 77,
        33..=63 => (sig - 33 + 45) as u8,
        64 => 78,
        _ => GDB_SIGNAL_UNKNOWN,
    }
}

/// The Linux signal for gdb's number `sig`, or `None` for one Linux lacks.
pub fn from_gdb(sig: u8) -> Option<i32> {
    match sig {
        0 => Some(0),
        45..=75 => Some(i32::from(sig) - 45 + 33),
        77 => Some(32),
        78 => Some(64),
        GDB_SIGNAL_UNKNOWN => None,
        _ => FROM_LINUX
            .iter()
            .position(|&g| g == sig)
            .map(|linux| linux as i32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_signals() {
        // SIGTRAP, SIGINT and SIGSEGV keep their numbers; SIGUSR1 does not.
        assert_eq!(to_gdb(5), 5);
        assert_eq!(to_gdb(2), 2);
        assert_eq!(to_gdb(11), 11);
        assert_eq!(to_gdb(10), 30);
        assert_eq!(to_gdb(17), 20); // SIGCHLD
        assert_eq!(to_gdb(34), 46); // SIGRTMIN+2 as glibc sees it
        assert_eq!(from_gdb(30), Some(10));
        assert_eq!(from_gdb(7), None); // SIGEMT
    }

    #[test]
    fn round_trip_every_linux_signal() {
        for sig in 1..=64 {
            if sig == 16 {
                assert_eq!(to_gdb(sig), GDB_SIGNAL_UNKNOWN); // SIGSTKFLT
                continue;
            }
            assert_eq!(from_gdb(to_gdb(sig)), Some(sig), "signal {sig}");
        }
    }
}
