// SPDX-License-Identifier: GPL-2.0

//! Signal reports: what engines see of a signal the thread dequeued, and
//! what they may change before the kernel acts on it.

use crate::engine::Engine;
use crate::report::{
    claim_pass, current_state, finish_report, report_again, report_pass, StateGuard,
};
use crate::task_state::Utrace;
use crate::Events;
use kernel::bindings;
use kernel::task::Task;

/// A default action an engine can force on a signal, whatever handler
/// the thread installed for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum DefaultAction {
    /// Terminate the process (as SIGKILL does, if the signal's own
    /// default is not to terminate).
    Terminate = 1,
    /// Dump core and terminate (as SIGQUIT, if need be).
    CoreDump = 2,
    /// Stop the thread group, as SIGSTOP does (a stop signal of another
    /// kind becomes SIGSTOP, which an orphaned process group cannot drop).
    Stop = 3,
    /// Stop the thread group unless its process group is orphaned (as
    /// SIGTSTP, if need be).
    Tstp = 4,
}
// The values are those of `enum utrace_forced` in helpers.h.

/// A signal the thread is about to act on, as its engines see it.
///
/// Engines are called in attach order; each sees the choices of those
/// before it. A signal that engines claim as their own (see
/// [`crate::EngineOps::claims_signal`]) is reported to them alone. The
/// kernel then acts on [`SignalReport::signr`] (0: none) with the
/// possibly rewritten siginfo: as the thread would, or with the default
/// action an engine forced.
pub struct SignalReport<'a> {
    signr: i32,
    kind: Events,
    ignored: bool,
    forced: Option<DefaultAction>,
    held: bool,
    info: &'a mut bindings::kernel_siginfo,
}

/// `enum utrace_forced`'s value for a held signal (see helpers.h).
const HELD: i32 = 5;

impl SignalReport<'_> {
    /// The signal number the kernel will act on.
    pub fn signr(&self) -> i32 {
        self.signr
    }

    /// The signal's `si_code`: where it came from.
    pub fn code(&self) -> i32 {
        self.info.__bindgen_anon_1.si_code
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
        self.forced = None;
    }

    /// Makes the signal take `action`, whatever the thread's handler; the
    /// signal number changes to one whose default is `action` if its own
    /// default is another. Delivering or ignoring the signal afterwards
    /// undoes this.
    pub fn force(&mut self, action: DefaultAction) {
        self.forced = Some(action);
        self.ignored = false;
    }

    /// Puts the signal back in the queue: the thread dequeues it again at
    /// once, with whatever the engines changed, and every engine that
    /// wants it sees it anew (one attached meanwhile, or one that changed
    /// its events). An engine that holds a signal every time it sees it
    /// keeps the thread from ever getting past it.
    pub fn hold(&mut self) {
        self.held = true;
    }

    /// The default action an engine forced, if any.
    pub fn forced(&self) -> Option<DefaultAction> {
        self.forced
    }

    /// Delivers `signr` instead (the kernel makes a fresh SI_USER siginfo
    /// unless the engine rewrote [`SignalReport::info`] to match).
    /// A number outside 1..=64 discards the signal.
    pub fn deliver(&mut self, signr: i32) {
        let valid = (1..=bindings::_NSIG as i32).contains(&signr);
        self.signr = if valid { signr } else { 0 };
        self.ignored = !valid;
        self.forced = None;
    }
}

/// Reports the signal to the engines that claim it as theirs (see
/// [`crate::EngineOps::claims_signal`]); returns the lock, held, if any did.
fn report_claims<'a>(
    task: &Task,
    utrace: &'a Utrace,
    kind: Events,
    report: &mut SignalReport<'_>,
) -> Option<StateGuard<'a>> {
    let mut claimed = false;
    let state = claim_pass(task, utrace, kind, |engine| {
        let ops = engine.ops();
        let action = ops
            .claims_signal(engine, report)
            .then(|| ops.report_signal(engine, report));
        claimed |= action.is_some();
        action
    });
    claimed.then_some(state)
}

/// Reports signal `signr` to the engines that want signals of `kind`;
/// returns the signal the kernel acts on (0 for none) and what an engine
/// chose for it, as an `enum utrace_forced` value: a default action, or
/// [`HELD`].
///
/// # Safety
///
/// Must be called by the current task from get_signal(), without siglock,
/// with `info` its dequeued siginfo.
pub(crate) unsafe fn signal(
    signr: i32,
    info: *mut bindings::kernel_siginfo,
    kind: Events,
) -> (i32, i32) {
    let Some((task, utrace)) = current_state() else {
        return (signr, 0);
    };
    let mut report = SignalReport {
        signr,
        kind,
        ignored: false,
        forced: None,
        held: false,
        // SAFETY: get_signal() owns the siginfo for the whole report.
        info: unsafe { &mut *info },
    };
    let state = match report_claims(task, utrace, kind, &mut report) {
        Some(state) => state,
        None => report_pass(task, utrace, kind, false, |engine: &Engine| {
            engine.ops().report_signal(engine, &mut report)
        }),
    };
    finish_report(task, utrace, state);
    // The engines that stopped it now say what the signal becomes.
    report_again(task, utrace, kind, |engine: &Engine| {
        engine.ops().report_signal_resume(engine, &mut report)
    });
    if report.ignored {
        (0, 0)
    } else if report.held {
        (report.signr, HELD)
    } else {
        (
            report.signr,
            report.forced.map_or(0, |action| action as i32),
        )
    }
}
