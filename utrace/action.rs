// SPDX-License-Identifier: GPL-2.0

//! Resume actions and how the core settles disagreement between engines.

/// What an engine wants its thread to do next.
///
/// The variants are ordered from the most restrictive to the least; when
/// engines disagree the most restrictive wins, see [`Action::combine`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Action {
    /// Stay stopped until this engine asks for something else.
    Stop,
    /// Stop as soon as possible, interrupting a blocking system call.
    Interrupt,
    /// Run until the next safe point and report there.
    Report,
    /// Resume for one instruction.
    SingleStep,
    /// Resume until the next branch.
    BlockStep,
    /// Resume normally.
    Resume,
    /// Resume and drop this engine.
    Detach,
}

impl Action {
    /// The action encoded as `self as u8`; unknown values mean [`Action::Resume`].
    pub(crate) fn from_u8(v: u8) -> Action {
        match v {
            0 => Action::Stop,
            1 => Action::Interrupt,
            2 => Action::Report,
            3 => Action::SingleStep,
            4 => Action::BlockStep,
            6 => Action::Detach,
            _ => Action::Resume,
        }
    }

    /// Returns the action that satisfies both `self` and `other`: the more
    /// restrictive of the two.
    pub fn combine(self, other: Action) -> Action {
        self.min(other)
    }
}
