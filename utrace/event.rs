// SPDX-License-Identifier: GPL-2.0

//! Event masks. The bit numbers are those of `enum utrace_event` in
//! `include/linux/utrace.h`, which the C hooks test.

use kernel::bindings;

/// A set of events an engine asks to be told about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Events(u32);

impl Events {
    /// No event.
    pub const NONE: Events = Events(0);
    /// A safe point: before other events, or when asked with REPORT.
    pub const QUIESCE: Events = Events::bit(bindings::utrace_event_UTRACE_EVENT_QUIESCE);
    /// The thread is being reaped.
    pub const REAP: Events = Events::bit(bindings::utrace_event_UTRACE_EVENT_REAP);
    /// The thread created a thread or process.
    pub const CLONE: Events = Events::bit(bindings::utrace_event_UTRACE_EVENT_CLONE);
    /// The thread called exec.
    pub const EXEC: Events = Events::bit(bindings::utrace_event_UTRACE_EVENT_EXEC);
    /// The thread started to exit.
    pub const EXIT: Events = Events::bit(bindings::utrace_event_UTRACE_EVENT_EXIT);
    /// The thread is dead (a zombie, or about to be reaped).
    pub const DEATH: Events = Events::bit(bindings::utrace_event_UTRACE_EVENT_DEATH);
    /// System call entry.
    pub const SYSCALL_ENTRY: Events =
        Events::bit(bindings::utrace_event_UTRACE_EVENT_SYSCALL_ENTRY);
    /// System call exit.
    pub const SYSCALL_EXIT: Events = Events::bit(bindings::utrace_event_UTRACE_EVENT_SYSCALL_EXIT);
    /// A signal the thread handles with a handler.
    pub const SIGNAL: Events = Events::bit(bindings::utrace_event_UTRACE_EVENT_SIGNAL);
    /// A signal the thread ignores (by default or with SIG_IGN).
    pub const SIGNAL_IGN: Events = Events::bit(bindings::utrace_event_UTRACE_EVENT_SIGNAL_IGN);
    /// A signal whose default action, in force, is to stop.
    pub const SIGNAL_STOP: Events = Events::bit(bindings::utrace_event_UTRACE_EVENT_SIGNAL_STOP);
    /// A signal whose default action, in force, is to terminate.
    pub const SIGNAL_TERM: Events = Events::bit(bindings::utrace_event_UTRACE_EVENT_SIGNAL_TERM);
    /// A signal whose default action, in force, is to dump core.
    pub const SIGNAL_CORE: Events = Events::bit(bindings::utrace_event_UTRACE_EVENT_SIGNAL_CORE);
    /// The thread joins a group stop, or a SIGCONT ends it.
    pub const JCTL: Events = Events::bit(bindings::utrace_event_UTRACE_EVENT_JCTL);
    /// Every kind of signal.
    pub const ALL_SIGNALS: Events = Events(
        Self::SIGNAL.0
            | Self::SIGNAL_IGN.0
            | Self::SIGNAL_STOP.0
            | Self::SIGNAL_TERM.0
            | Self::SIGNAL_CORE.0,
    );
    /// The events the core implements so far.
    pub const SUPPORTED: Events = Events(
        Self::QUIESCE.0
            | Self::REAP.0
            | Self::CLONE.0
            | Self::EXEC.0
            | Self::EXIT.0
            | Self::DEATH.0
            | Self::SYSCALL_ENTRY.0
            | Self::SYSCALL_EXIT.0
            | Self::ALL_SIGNALS.0
            | Self::JCTL.0,
    );
    /// Set in `task->utrace_flags` while any engine is attached.
    pub(crate) const ATTACHED: Events = Events::bit(bindings::utrace_event_UTRACE_ATTACHED);
    /// Set in `task->utrace_flags` while an engine makes exec unsafe.
    pub(crate) const UNSAFE_EXEC: Events = Events::bit(bindings::utrace_event_UTRACE_UNSAFE_EXEC);

    const fn bit(n: bindings::utrace_event) -> Events {
        Events(1 << n)
    }

    /// Builds a set from raw bits, keeping only the events engines may ask for.
    #[inline]
    pub fn from_bits(bits: u32) -> Events {
        Events(bits & Self::SUPPORTED.0)
    }

    /// The raw bits.
    #[inline]
    pub fn bits(self) -> u32 {
        self.0
    }

    /// Whether every event of `other` is in `self`.
    #[inline]
    pub fn contains(self, other: Events) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether `self` and `other` share an event.
    #[inline]
    pub fn intersects(self, other: Events) -> bool {
        self.0 & other.0 != 0
    }

    /// The events of `self` and of `other`: `|` for constants.
    #[inline]
    pub const fn union(self, other: Events) -> Events {
        Events(self.0 | other.0)
    }

    /// The events of `self` that are not in `other`.
    #[inline]
    pub fn without(self, other: Events) -> Events {
        Events(self.0 & !other.0)
    }
}

impl core::ops::BitOr for Events {
    type Output = Events;

    #[inline]
    fn bitor(self, other: Events) -> Events {
        Events(self.0 | other.0)
    }
}
