// SPDX-License-Identifier: GPL-2.0

//! Reporting: the hooks the kernel calls, the passes over the engines, and
//! the stop a task makes when an engine asks for one.

use crate::engine::{Engine, SyscallEntry, UserRegs};
use crate::ffi;
use crate::task_state::{remove_engine, Outlook, State, Step, Utrace};
use crate::{Action, Events, JobControl};
use core::ptr;
use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::lock::{spinlock::SpinLockBackend, Guard};
use kernel::sync::Arc;
use kernel::task::Task;

/// The task's lock, held.
pub(crate) type StateGuard<'a> = Guard<'a, State, SpinLockBackend>;

/// Whether `task` has passed exit_notify().
pub(crate) fn task_is_dead(task: &Task) -> bool {
    ffi::exit_state(task) != 0
}

/// The current task and its utrace state, from a hook.
pub(crate) fn current_state() -> Option<(&'static Task, &'static Utrace)> {
    // SAFETY: A hook runs in the current task, which outlives the hook.
    let task = unsafe { ffi::task_ref(bindings::get_current()) };
    let utrace = Utrace::of(task)?;
    // SAFETY: The state lives as long as the task struct.
    Some((task, unsafe { &*(utrace as *const Utrace) }))
}

/// Makes `task` run a quiesce report at its next safe point.
pub(crate) fn queue_report(
    task: &Task,
    utrace: &Utrace,
    state: &mut StateGuard<'_>,
    interrupt: bool,
) -> Result {
    if state.report_queued {
        return Ok(());
    }
    // SAFETY: `report_work` lives in `utrace`, which lives as long as the
    // task struct; `report_queued` keeps it from being queued twice.
    unsafe { ffi::queue_report(task, utrace.report_work.get(), report_work_fn, interrupt) }
        .map_err(|_| ESRCH)?;
    state.report_queued = true;
    Ok(())
}

/// An engine of the current task's list, used without a reference count
/// after the lock is dropped.
///
/// # Safety
///
/// `engine` must point to an engine that was in the current task's list
/// under the lock, and the caller must be the current task, in one of its
/// hooks: the task itself is the only one that removes engines from its
/// list while it lives ([`purge_detached`]), and the reaper takes them
/// only once the task is dead and its death reporting done.
unsafe fn listed<'a>(engine: *const Engine) -> &'a Engine {
    // SAFETY: As the caller promises, the list keeps the engine alive.
    unsafe { &*engine }
}

/// Marks the engine at `index` as in a callback, if it is attached and
/// wants `event` (or quiesce reports); `None` otherwise.
fn begin_locked(state: &mut StateGuard<'_>, index: usize, event: Events) -> Option<*const Engine> {
    let e = state.engines.get(index)?;
    if e.is_detached() || !e.events().intersects(event | Events::QUIESCE) {
        return None;
    }
    let engine: *const Engine = &**e;
    state.reporting = engine;
    Some(engine)
}

/// Applies what `engine`'s callback returned, if anything, and wakes
/// `barrier` waiters, if any.
#[inline(always)]
fn end_locked(
    task: &Task,
    utrace: &Utrace,
    state: &mut StateGuard<'_>,
    engine: &Engine,
    action: Option<Action>,
) {
    state.reporting = ptr::null();
    if !engine.is_detached() {
        match action {
            None => {}
            Some(Action::Detach) => {
                state.forget_waiters(engine);
                engine.mark_detached();
                utrace.update_flags(task, state);
            }
            // A callback's answer replaces the engine's standing request.
            Some(a) => engine.set_request(a),
        }
    }
    if state.barrier_waiters != 0 {
        utrace.callback_done.notify_all();
    }
}

/// Calls `call` for every engine attached before the pass began (the last
/// attached first if `reverse`) that wants `event` or quiesce reports,
/// and applies what it returns as a callback's answer. Only the task
/// itself (or its reaper) removes engines, so indexes stay stable during
/// its passes. The lock is taken once for each engine called, and once
/// more; it is returned held, for what the task does next.
fn pass<'a>(
    task: &Task,
    utrace: &'a Utrace,
    event: Events,
    reverse: bool,
    mut call: impl FnMut(&Engine) -> Option<Action>,
) -> StateGuard<'a> {
    let mut state = utrace.state.lock();
    let count = state.engines.len();
    for k in 0..count {
        let index = if reverse { count - 1 - k } else { k };
        let Some(engine) = begin_locked(&mut state, index, event) else {
            continue;
        };
        drop(state);
        // SAFETY: A pass runs in the current task, on its own list.
        let engine = unsafe { listed(engine) };
        let action = call(engine);
        state = utrace.state.lock();
        end_locked(task, utrace, &mut state, engine, action);
    }
    state
}

/// Calls, for every engine attached before the pass began, `report` if the
/// engine wants `event` (after its quiesce callback, if it wants those).
/// Returns the lock, held.
pub(crate) fn report_pass<'a>(
    task: &Task,
    utrace: &'a Utrace,
    event: Events,
    reverse: bool,
    mut report: impl FnMut(&Engine) -> Action,
) -> StateGuard<'a> {
    // A dying thread is past every safe point: no quiesce before death.
    let quiesce = event != Events::NONE && event != Events::DEATH;
    pass(task, utrace, event, reverse, |engine| {
        let mut action = Action::Resume;
        if quiesce && engine.events().contains(Events::QUIESCE) {
            action = engine.ops().report_quiesce(engine, event);
        }
        if engine.events().intersects(event) {
            action = action.combine(report(engine));
        } else if event == Events::NONE && engine.events().contains(Events::QUIESCE) {
            action = engine.ops().report_quiesce(engine, Events::NONE);
        }
        Some(action)
    })
}

/// Calls `report` for every engine that wants `event`: a second look at an
/// event already reported, which leaves the engines' requests alone.
pub(crate) fn report_again(
    task: &Task,
    utrace: &Utrace,
    event: Events,
    mut report: impl FnMut(&Engine),
) {
    let state = pass(task, utrace, event, false, |engine| {
        if engine.events().intersects(event) {
            report(engine);
        }
        None
    });
    drop(state);
}

/// Calls `claim` for every engine that wants `event`, in attach order;
/// what it returns, if anything, is the engine's answer. Returns the
/// lock, held.
pub(crate) fn claim_pass<'a>(
    task: &Task,
    utrace: &'a Utrace,
    event: Events,
    mut claim: impl FnMut(&Engine) -> Option<Action>,
) -> StateGuard<'a> {
    pass(task, utrace, event, false, |engine| {
        if engine.events().intersects(event) {
            claim(engine)
        } else {
            None
        }
    })
}

/// Drops detached engines, but for those still to be told that the stop
/// they committed to is over. Only the task itself (or its reaper) removes
/// engines, so indexes stay stable during its passes.
fn purge_detached(task: &Task, utrace: &Utrace, state: &mut StateGuard<'_>) {
    let mut i = 0;
    let mut removed = false;
    while i < state.engines.len() {
        let engine = &state.engines[i];
        if engine.is_detached() && !engine.is_committed() {
            drop(remove_engine(&mut state.engines, i));
            removed = true;
        } else {
            i += 1;
        }
    }
    if removed {
        utrace.update_flags(task, state);
    }
}

/// The end of every report: stop while an engine holds the task (unless
/// SIGKILL wins), then give engines that asked for a report one more
/// chance before the task goes back to user mode. `state` is the lock,
/// held since the report's last callback.
pub(crate) fn finish_report<'a>(task: &Task, utrace: &'a Utrace, state: StateGuard<'a>) {
    finish_report_as(task, utrace, false, state)
}

/// [`finish_report`], where a task dying of a signal may still stop for
/// engines that ask for that (`dying_ok`).
fn finish_report_as<'a>(
    task: &Task,
    utrace: &'a Utrace,
    dying_ok: bool,
    mut state: StateGuard<'a>,
) {
    loop {
        // One look at the engines decides the common cases: most reports
        // stop for nobody, and a task back from a stop is usually free.
        let look = state.outlook();
        if look.detached() {
            purge_detached(task, utrace, &mut state);
        }
        if look.stop() {
            // The state is set before the holds are read: a tracer that
            // ends its hold by its own means (ptrace clears JOBCTL_TRACED)
            // and then wakes the task either finds it in TASK_TRACED, or
            // its change is seen by stop().
            let may_stop = ffi::prepare_stop();
            match stop(task, utrace, dying_ok, may_stop, state) {
                Stopped::Slept => match end_stop(task, utrace, dying_ok) {
                    Some(held) => {
                        state = held;
                        continue;
                    }
                    None => return,
                },
                Stopped::Refused => {
                    state = utrace.state.lock();
                    continue;
                }
                Stopped::Free(held) => {
                    ffi::cancel_stop();
                    state = held;
                }
            }
        }
        if state.committed != 0 {
            drop(state);
            end_commits(task, utrace, dying_ok);
            state = utrace.state.lock();
            continue;
        }
        // Not stopping (any more): waiters must not wait for a stop.
        state.wake_waiters();
        let step_changed = look.step() != state.stepping;
        state.stepping = look.step();
        drop(state);
        // Arming a step may sleep (x86 reads the instruction at the PC),
        // so not under the lock; only this task changes its stepping.
        if step_changed {
            ffi::set_stepping(look.step());
        }
        if !look.again() || !ffi::current_may_stop() {
            return;
        }
        for e in utrace.state.lock().engines.iter() {
            if matches!(e.request(), Action::Report | Action::Interrupt) {
                e.set_request(Action::Resume);
            }
        }
        state = report_pass(task, utrace, Events::NONE, false, |_| Action::Resume);
    }
}

/// Whether `engine` may hold the current task in a stop, where
/// `may_stop` is [`ffi::current_may_stop`]: SIGKILL wins, except that a
/// task already dying of a signal (with no SIGKILL pending) may stop
/// where an engine that asks for that reports to itself.
fn may_hold(engine: &Engine, dying_ok: bool, may_stop: bool) -> bool {
    may_stop || (dying_ok && !ffi::fatal_signal_pending() && engine.ops().stops_while_dying())
}

/// Whether an engine holds the current task and SIGKILL does not win.
fn must_stop(task: &Task, state: &StateGuard<'_>, dying_ok: bool) -> bool {
    let may_stop = ffi::current_may_stop();
    state
        .engines
        .iter()
        .any(|e| e.wants_stop(task) && may_hold(e, dying_ok, may_stop))
}

/// How many engines a stop commits at once, or hears that it is over,
/// under one lock; more are dealt with one by one.
const COMMIT_BATCH: usize = 2;

/// What became of a stop the task set its state for.
enum Stopped<'a> {
    /// The task slept in the stop; the lock was dropped.
    Slept,
    /// Every engine that was to hold the task refused to commit to the
    /// stop; the lock was dropped, and the task is running again.
    Refused,
    /// No engine holds the task (their holds ended, or SIGKILL wins): the
    /// lock, still held; the caller cancels the stop.
    Free(StateGuard<'a>),
}

/// Stops the current task, which set itself up for the stop
/// ([`ffi::prepare_stop`], which returned `may_stop`), if an engine holds
/// it, as the lock `state` shows. Each holder commits to the stop first
/// (see [`crate::EngineOps::stop_commit`]), as the last thing before the
/// sleep: a ptracer woken there finds the task off its CPU soonest.
fn stop<'a>(
    task: &Task,
    utrace: &Utrace,
    dying_ok: bool,
    may_stop: bool,
    mut state: StateGuard<'a>,
) -> Stopped<'a> {
    let mut commits: [*const Engine; COMMIT_BATCH] = [ptr::null(); COMMIT_BATCH];
    let mut held = false;
    let mut more = false;
    let mut n = 0;
    for e in state.engines.iter() {
        if !e.wants_stop(task) || !may_hold(e, dying_ok, may_stop) {
            continue;
        }
        held = true;
        if e.is_committed() {
            continue;
        }
        if n == COMMIT_BATCH {
            more = true;
            break;
        }
        e.set_committed(true);
        commits[n] = &**e;
        n += 1;
    }
    if !held {
        return Stopped::Free(state);
    }
    state.committed += n as u32;
    state.stopped = true;
    // Waiters woken now find the task stopped, or about to be (a refused
    // commit may yet cancel the stop: they must look again).
    state.wake_waiters();
    drop(state);
    // From the first commit (which may wake a tracer) to the sleep, the
    // task stays on its CPU (see `prepare_stop`), so the tracer never
    // waits for it to get off.
    let mut refused = false;
    for &e in &commits[..n] {
        // SAFETY: The stop is the current task's, and the engine was in
        // its list under the lock.
        refused |= !commit(utrace, unsafe { listed(e) });
    }
    if more || refused {
        while let Some(engine) = next_commit(task, utrace, dying_ok) {
            commit(utrace, &engine);
        }
        let mut state = utrace.state.lock();
        if !must_stop(task, &state, dying_ok) {
            state.stopped = false;
            drop(state);
            ffi::cancel_stop();
            return Stopped::Refused;
        }
    }
    ffi::stop_schedule();
    Stopped::Slept
}

/// Tells `engine` the task stops for it; returns false, with its hold
/// given up, if it refuses.
fn commit(utrace: &Utrace, engine: &Engine) -> bool {
    if engine.ops().stop_commit(engine) {
        engine.end_committing();
        return true;
    }
    let mut state = utrace.state.lock();
    state.set_committed(engine, false);
    if engine.request() == Action::Stop {
        engine.set_request(Action::Resume);
    }
    false
}

/// The next engine that holds the task and has not committed to its stop
/// yet, marked as committed.
fn next_commit(task: &Task, utrace: &Utrace, dying_ok: bool) -> Option<Arc<Engine>> {
    let may_stop = ffi::current_may_stop();
    let mut state = utrace.state.lock();
    let engine = state
        .engines
        .iter()
        .find(|e| !e.is_committed() && e.wants_stop(task) && may_hold(e, dying_ok, may_stop))?
        .clone();
    state.set_committed(&engine, true);
    Some(engine)
}

/// Engines whose stop is over, to be told so once the lock is dropped.
type DoneBatch = [*const Engine; COMMIT_BATCH];

/// Takes up to [`COMMIT_BATCH`] engines whose stop is over (they resumed
/// or detached, their hold ended, or SIGKILL won) off the committed ones.
/// A hold that ended by other means than a request also ends the
/// engine's [`Action::Stop`] request. Returns them, how many there are,
/// and what the engines ask now, which is only complete if there are
/// fewer than [`COMMIT_BATCH`].
#[inline(always)]
fn take_done(
    task: &Task,
    state: &mut StateGuard<'_>,
    dying_ok: bool,
) -> (DoneBatch, usize, Outlook) {
    let mut done: DoneBatch = [ptr::null(); COMMIT_BATCH];
    let mut n = 0;
    let mut look = Outlook::NOTHING;
    for e in state.engines.iter() {
        if e.is_committed() && stop_over(e, task, dying_ok) {
            e.set_committed(false);
            done[n] = &**e;
            n += 1;
            if n == COMMIT_BATCH {
                break;
            }
        }
        look.add(e);
    }
    state.committed -= n as u32;
    (done, n, look)
}

/// Whether the stop committed `engine` is over; if its hold ended by
/// other means than a request, so does its [`Action::Stop`] request.
/// Whether SIGKILL wins is only asked of an engine that still holds the
/// task.
fn stop_over(engine: &Engine, task: &Task, dying_ok: bool) -> bool {
    if engine.request() != Action::Stop {
        return true;
    }
    if !engine.ops().holds_stop(engine, task) {
        engine.set_request(Action::Resume);
        return true;
    }
    engine.is_detached() || !may_hold(engine, dying_ok, ffi::current_may_stop())
}

/// Tells the engines `done`, which [`take_done`] took, that their stop is
/// over.
fn tell_done(done: &DoneBatch, n: usize) {
    for &e in &done[..n] {
        // SAFETY: The current task's own list, which only the task itself
        // purges, after this: a purge spares committed engines, and these
        // were committed until the lock that took them.
        let engine = unsafe { listed(e) };
        engine.ops().stop_done(engine);
    }
}

/// Tells each engine whose stop is over that it is over (see
/// [`take_done`]).
fn end_commits(task: &Task, utrace: &Utrace, dying_ok: bool) {
    loop {
        let (done, n, _) = take_done(task, &mut utrace.state.lock(), dying_ok);
        tell_done(&done, n);
        if n < COMMIT_BATCH {
            return;
        }
    }
}

/// The task is back from its sleep in a stop: tells the engines whose
/// stop is over. If that leaves nothing more for the report to do (no
/// engine holds the task, asks for another report, or waits to be purged
/// or told), the report ends here, under the same lock: the usual end of
/// a ptrace stop takes the lock once. Otherwise returns the lock, held,
/// for the report loop.
fn end_stop<'a>(task: &Task, utrace: &'a Utrace, dying_ok: bool) -> Option<StateGuard<'a>> {
    let mut state = utrace.state.lock();
    state.stopped = false;
    let (done, n, look) = take_done(task, &mut state, dying_ok);
    if n == 0 {
        return Some(state);
    }
    if n == COMMIT_BATCH || state.committed != 0 || !look.is_done() {
        drop(state);
        tell_done(&done, n);
        return Some(utrace.state.lock());
    }
    state.wake_waiters();
    let step_changed = look.step() != state.stepping;
    state.stepping = look.step();
    drop(state);
    tell_done(&done, n);
    // As in finish_report_as(): after the engines heard, and not under
    // the lock.
    if step_changed {
        ffi::set_stepping(look.step());
    }
    None
}

/// The task work queued by `queue_report`: a quiesce report.
///
/// # Safety
///
/// Only task_work_run() calls it, in the task the work was queued on.
unsafe extern "C" fn report_work_fn(_work: *mut bindings::callback_head) {
    let Some((task, utrace)) = current_state() else {
        return;
    };
    utrace.state.lock().report_queued = false;
    let state = report_pass(task, utrace, Events::NONE, false, |_| Action::Resume);
    finish_report(task, utrace, state);
}

/// The current task and its state, as the system call hooks pass them.
///
/// # Safety
///
/// `task` must be the current task, and `utrace` its `task->utrace`.
unsafe fn syscall_state(
    task: *mut bindings::task_struct,
    utrace: *mut bindings::utrace,
) -> Option<(&'static Task, &'static Utrace)> {
    // SAFETY: A hook runs in the current task, which outlives the hook.
    let task = unsafe { ffi::task_ref(task) };
    // SAFETY: A non-null `task->utrace` is a `Utrace`, freed only with the
    // task struct (see `Utrace::of`).
    let utrace = unsafe { utrace.cast::<Utrace>().as_ref()? };
    Some((task, utrace))
}

/// Reports system call entry; returns true to skip the system call. (The
/// entry code also skips it if SIGKILL came during a stop.)
///
/// # Safety
///
/// `task` must be the current task, `utrace` its `task->utrace`, and
/// `regs` its saved user registers.
pub(crate) unsafe fn syscall_entry(
    task: *mut bindings::task_struct,
    utrace: *mut bindings::utrace,
    regs: *mut bindings::pt_regs,
) -> bool {
    // SAFETY: As this function's caller promises.
    let Some((task, utrace)) = (unsafe { syscall_state(task, utrace) }) else {
        return false;
    };
    let mut abort = false;
    let state = report_pass(task, utrace, Events::SYSCALL_ENTRY, true, |engine| {
        // SAFETY: `regs` are the current task's saved user registers, only
        // touched by this task while it is in the hook.
        let mut user = UserRegs(unsafe { &mut *regs });
        let SyscallEntry { action, abort: a } =
            engine.ops().report_syscall_entry(engine, &mut user);
        abort |= a;
        action
    });
    finish_report(task, utrace, state);
    abort
}

/// Reports system call exit.
///
/// # Safety
///
/// As for [`syscall_entry`].
pub(crate) unsafe fn syscall_exit(
    task: *mut bindings::task_struct,
    utrace: *mut bindings::utrace,
    regs: *mut bindings::pt_regs,
) {
    // SAFETY: As this function's caller promises.
    let Some((task, utrace)) = (unsafe { syscall_state(task, utrace) }) else {
        return;
    };
    let state = report_pass(task, utrace, Events::SYSCALL_EXIT, false, |engine| {
        // SAFETY: As for system call entry.
        let mut user = UserRegs(unsafe { &mut *regs });
        engine.ops().report_syscall_exit(engine, &mut user)
    });
    finish_report(task, utrace, state);
}

/// Reports the start of do_exit(); engines may change `*code`.
///
/// # Safety
///
/// `code` must point to the exit code of the current task's do_exit().
pub(crate) unsafe fn exit(code: *mut core::ffi::c_long) {
    let Some((task, utrace)) = current_state() else {
        return;
    };
    // SAFETY: `code` points to do_exit()'s argument, owned by this task.
    let orig = unsafe { *code };
    let mut new = orig;
    let state = report_pass(task, utrace, Events::EXIT, false, |engine| {
        engine.ops().report_exit(engine, orig, &mut new)
    });
    if new != orig {
        // Not under the lock: this takes siglock.
        drop(state);
        // SAFETY: As above.
        unsafe { *code = new };
        ffi::change_group_exit_code(orig, new);
        return finish_report(task, utrace, utrace.state.lock());
    }
    finish_report(task, utrace, state);
}

/// Reports the creation of `child`, before it is woken. A stop asked for
/// here happens in [`clone_done`], once the child runs.
pub(crate) fn clone(clone_flags: u64, child: &Task) {
    let Some((task, utrace)) = current_state() else {
        return;
    };
    // A stop waits for clone_done(): the child must run first.
    let state = report_pass(task, utrace, Events::CLONE, false, |engine| {
        engine.ops().report_clone(engine, clone_flags, child)
    });
    drop(state);
}

/// Stops, if an engine asked to at the clone report, now that the child
/// runs and before the parent waits for a vfork child (where ptrace's
/// fork and vfork event stops are).
pub(crate) fn clone_done() {
    let Some((task, utrace)) = current_state() else {
        return;
    };
    finish_report(task, utrace, utrace.state.lock());
}

/// Reports an event of `engine`'s own to it alone, in the current task,
/// which it is attached to; then stops if it (or another engine) holds
/// the task. Its hook is the engine's business: ptrace reports its
/// PTRACE_EVENT_* stops this way, where the kernel has always made them.
/// A task dying of a signal stops here only for an engine whose
/// [`crate::EngineOps::stops_while_dying`] says so: ptrace's exit event
/// stops after SIGKILL, and no other engine holds a dying task.
pub fn report_directed(engine: &Engine, what: u32, data: u64) {
    let Some((task, utrace)) = current_state() else {
        return;
    };
    let mut state = utrace.state.lock();
    if engine.is_detached() || !state.engines.iter().any(|e| ptr::eq(&**e, engine)) {
        return;
    }
    state.reporting = engine;
    drop(state);
    let action = engine.ops().report_directed(engine, what, data);
    let mut state = utrace.state.lock();
    end_locked(task, utrace, &mut state, engine, Some(action));
    finish_report_as(task, utrace, true, state);
}

/// Reports that the vfork child `child_pid` released the memory.
pub(crate) fn vfork_done(child_pid: i32) {
    let Some((task, utrace)) = current_state() else {
        return;
    };
    let state = report_pass(task, utrace, Events::CLONE, false, |engine| {
        engine.ops().report_vfork_done(engine, child_pid)
    });
    finish_report(task, utrace, state);
}

/// Reports that the current task is about to run a signal handler, with
/// its frame set up. If `stepping`, the architecture turned stepping off
/// to set the frame up; it is armed again if an engine still steps.
pub(crate) fn signal_handler(stepping: bool) {
    let Some((task, utrace)) = current_state() else {
        return;
    };
    if stepping {
        utrace.state.lock().stepping = Step::None;
    }
    let state = report_pass(task, utrace, Events::SIGNAL, false, |engine| {
        engine.ops().report_signal_handler(engine, stepping)
    });
    finish_report(task, utrace, state);
}

/// Reports that the current task is about to take part in a group stop,
/// or that a SIGCONT ended it; a stop engines ask for happens first.
pub(crate) fn jctl(kind: JobControl) {
    let Some((task, utrace)) = current_state() else {
        return;
    };
    let state = report_pass(task, utrace, Events::JCTL, false, |engine| {
        engine.ops().report_jctl(engine, kind)
    });
    finish_report(task, utrace, state);
}

/// Reports a successful exec by the thread that was `old_pid`.
pub(crate) fn exec(old_pid: i32) {
    let Some((task, utrace)) = current_state() else {
        return;
    };
    let state = report_pass(task, utrace, Events::EXEC, false, |engine| {
        engine.ops().report_exec(engine, old_pid)
    });
    finish_report(task, utrace, state);
}

/// Reports death, after exit_notify(); then performs a reap that came in
/// the meantime.
///
/// # Safety
///
/// `task` must be the current task, dying.
pub(crate) unsafe fn death(task: *mut bindings::task_struct, group_dead: bool) {
    // SAFETY: Called by the dying task on itself.
    let task = unsafe { ffi::task_ref(task) };
    let Some(utrace) = Utrace::of(task) else {
        return;
    };
    utrace.state.lock().death_begun = true;
    let deferred = {
        let mut state = report_pass(task, utrace, Events::DEATH, false, |engine| {
            match engine.ops().report_death(engine, group_dead) {
                Action::Detach => Action::Detach,
                _ => Action::Resume,
            }
        });
        state.death_done = true;
        state.wake_waiters();
        purge_detached(task, utrace, &mut state);
        state.reap_deferred
    };
    if deferred {
        reap(task, utrace);
    }
}

/// Reports the reap of `task`, from release_task(). Death comes first: if
/// death reporting is due or running, the dying task reaps at its end.
///
/// # Safety
///
/// `task` must be a task being released, valid for the call.
pub(crate) unsafe fn reap_hook(task: *mut bindings::task_struct) {
    // SAFETY: release_task() holds the task until it returns.
    let task = unsafe { ffi::task_ref(task) };
    let Some(utrace) = Utrace::of(task) else {
        return;
    };
    {
        let mut state = utrace.state.lock();
        let death_due = state.events().contains(Events::DEATH);
        if !state.death_done && (state.death_begun || death_due) {
            state.reap_deferred = true;
            return;
        }
    }
    reap(task, utrace);
}

/// Detaches every engine, calling the reap callback of those that want it.
fn reap(task: &Task, utrace: &Utrace) {
    let engines = {
        let mut state = utrace.state.lock();
        if state.reaped {
            return;
        }
        state.reaped = true;
        state.wake_waiters();
        let engines = core::mem::take(&mut state.engines);
        utrace.update_flags(task, &state);
        engines
    };
    for engine in engines.iter() {
        if engine.is_detached() {
            continue;
        }
        if engine.events().contains(Events::REAP) {
            engine.ops().report_reap(engine, task);
        }
        engine.mark_detached();
    }
    utrace.callback_done.notify_all();
}
