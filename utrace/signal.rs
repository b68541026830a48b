// SPDX-License-Identifier: GPL-2.0

//! Signal reports: what engines see of a signal the thread dequeued, and
//! what they may change before the kernel acts on it.

use crate::engine::Engine;
use crate::report::{current_state, finish_report, report_again, report_pass};
use crate::Events;
use kernel::bindings;

/// A signal the thread is about to act on, as its engines see it.
///
/// Engines are called in attach order; each sees the choices of those
/// before it. The kernel then acts on [`SignalReport::signr`] (0: none)
/// with the possibly rewritten siginfo.
pub struct SignalReport<'a> {
    signr: i32,
    kind: Events,
    ignored: bool,
    info: &'a mut bindings::kernel_siginfo,
}

impl SignalReport<'_> {
    /// The signal number the kernel will act on.
    pub fn signr(&self) -> i32 {
        self.signr
    }

    /// How the thread would handle the signal as it stands: one of
    /// [`Events::SIGNAL`] (a handler), [`Events::SIGNAL_IGN`],
    /// [`Events::SIGNAL_STOP`], [`Events::SIGNAL_TERM`] or
    /// [`Events::SIGNAL_CORE`].
    pub fn kind(&self) -> Events {
        self.kind
    }

    /// Whether an engine chose to discard the signal.
    pub fn is_ignored(&self) -> bool {
        self.ignored
    }

    /// The signal's siginfo, which the engine may read or rewrite.
    pub fn info(&mut self) -> &mut bindings::kernel_siginfo {
        self.info
    }

    /// Discards the signal: the thread never sees it.
    pub fn ignore(&mut self) {
        self.ignored = true;
    }

    /// Delivers `signr` instead (the kernel makes a fresh SI_USER siginfo
    /// unless the engine rewrote [`SignalReport::info`] to match).
    /// A number outside 1..=64 discards the signal.
    pub fn deliver(&mut self, signr: i32) {
        let valid = (1..=bindings::_NSIG as i32).contains(&signr);
        self.signr = if valid { signr } else { 0 };
        self.ignored = !valid;
    }
}

/// Reports signal `signr` to the engines that want signals of `kind`;
/// returns the signal the kernel acts on, 0 for none.
///
/// # Safety
///
/// Must be called by the current task from get_signal(), without siglock,
/// with `info` its dequeued siginfo.
pub(crate) unsafe fn signal(signr: i32, info: *mut bindings::kernel_siginfo, kind: Events) -> i32 {
    let Some((task, utrace)) = current_state() else {
        return signr;
    };
    let mut report = SignalReport {
        signr,
        kind,
        ignored: false,
        // SAFETY: get_signal() owns the siginfo for the whole report.
        info: unsafe { &mut *info },
    };
    report_pass(task, utrace, kind, false, |engine: &Engine| {
        engine.ops().report_signal(engine, &mut report)
    });
    finish_report(task, utrace);
    // The engines that stopped it now say what the signal becomes.
    report_again(task, utrace, kind, |engine: &Engine| {
        engine.ops().report_signal_resume(engine, &mut report)
    });
    if report.ignored {
        0
    } else {
        report.signr
    }
}
