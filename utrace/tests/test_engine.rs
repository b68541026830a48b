// SPDX-License-Identifier: GPL-2.0

//! The utrace test engine, built only for tests.
//!
//! Guest tests drive the core through it with one-line commands written to
//! /sys/kernel/debug/utrace_test/ctl (see test_engine_debugfs.c); a read
//! returns the reply. Each attached engine records what it was told and
//! answers each event as the test configured:
//!
//! ```text
//! attach PID [create|exclusive|lookup]  -> "engine ID" | "err ERRNO"
//! events ID EVENT[,EVENT...]|none        -> "ok" | "err ERRNO"
//! control ID ACTION                      -> "ok" | "err ERRNO"
//! answer ID EVENT ACTION                 -> "ok"   (what a callback returns)
//! signal ID keep|ignore|SIGNR            -> "ok"   (what becomes of a signal)
//! follow ID                              -> "ok"   (attach to and stop clones)
//! adopt ID                               -> "engine ID" (the last clone's engine)
//! examine ID                             -> "ip=HEX" | "err ERRNO"
//! notify ID                              -> "ok"   (quiesce stops wake a waiter)
//! abort ID NR                            -> "ok"   (skip syscall NR at entry)
//! exitcode ID CODE                       -> "ok"   (change the exit code)
//! barrier ID                             -> "ok" | "err ERRNO"
//! stats ID                               -> "quiesce=N entry=N ... detached=B"
//!                                           (signal, clone, exec: counts;
//!                                           signo: the last signal's number;
//!                                           woken_stopped, woken_running:
//!                                           wake-ups with the thread stopped
//!                                           or not)
//! release ID                             -> "ok"   (drop the test's references)
//! live                                   -> "live=N" (test engines not freed)
//! ```

use core::cell::UnsafeCell;
use core::fmt::Write;
use core::ptr::NonNull;
use core::sync::atomic::{
    AtomicBool, AtomicI32, AtomicI64, AtomicPtr, AtomicU32, AtomicU8, AtomicUsize, Ordering,
};
use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::task::Task;
use kernel::types::ARef;
use utrace::{
    Action, AttachMode, DefaultAction, Engine, EngineOps, Events, JobControl, SignalReport,
    StopWaiter, SyscallEntry, UserRegs,
};

// `task_struct` only crosses by pointer.
#[allow(improper_ctypes)]
extern "C" {
    /// The user-mode instruction pointer of a stopped task
    /// (test_engine_debugfs.c).
    fn utrace_test_user_ip(task: *mut bindings::task_struct) -> core::ffi::c_ulong;
    /// Whether the current task is in a traced stop (test_engine_debugfs.c).
    fn utrace_test_current_traced() -> bool;
}

const __LOG_PREFIX: &[u8] = b"utrace_test\0";

/// Test engines allocated and not yet freed: a leak shows here.
static LIVE: AtomicUsize = AtomicUsize::new(0);
/// Orders death and reap callbacks across engines.
static SEQUENCE: AtomicU32 = AtomicU32::new(0);

#[derive(Clone, Copy)]
enum Counter {
    Quiesce,
    Entry,
    SyscallExit,
    Exit,
    Death,
    Reap,
    Signal,
    Clone,
    Exec,
    JctlStopped,
    JctlContinued,
    Handler,
}

const COUNTERS: usize = 12;
/// `signal ID keep`: leave signals alone; `ignore`: discard them;
/// `force ACTION`: force a default action, kept as `SIGNAL_FORCE - action`.
const SIGNAL_KEEP: i32 = -1;
const SIGNAL_IGNORE: i32 = 0;
const SIGNAL_FORCE: i32 = -10;
/// `signal ID hold`: hold the next signal once, then keep signals.
const SIGNAL_HOLD_ONCE: i32 = -2;

/// The default action a `signal ID force ACTION` mode forces, if it is one.
fn forced_action(mode: i32) -> Option<DefaultAction> {
    [
        DefaultAction::Terminate,
        DefaultAction::CoreDump,
        DefaultAction::Stop,
        DefaultAction::Tstp,
    ]
    .into_iter()
    .find(|&action| mode == SIGNAL_FORCE - action as i32)
}
const NO_ABORT: i64 = -1;
const KEEP_CODE: i64 = i64::MIN;

struct TestOps {
    counts: [AtomicU32; COUNTERS],
    death_seq: AtomicU32,
    reap_seq: AtomicU32,
    /// What the quiesce, syscall entry, syscall exit, exit, signal, clone,
    /// exec, job control and signal handler callbacks return.
    answers: [AtomicU8; ANSWERS],
    abort_nr: AtomicI64,
    exit_code: AtomicI64,
    /// What becomes of a signal: keep, ignore or a signal to deliver.
    signal_mode: AtomicI32,
    last_signo: AtomicI32,
    old_pid: AtomicI32,
    follow: AtomicBool,
    notify: AtomicBool,
    /// Wake-ups from `wake_up_on_stop`, by whether the thread was stopped.
    woken_stopped: Arc<AtomicU32>,
    woken_running: Arc<AtomicU32>,
    /// The engine `follow` attached to the last clone, until adopted.
    child: AtomicPtr<Entry>,
}

const ANSWERS: usize = 9;

impl TestOps {
    fn new() -> Result<Self> {
        let woken_stopped = Arc::new(AtomicU32::new(0), GFP_KERNEL)?;
        let woken_running = Arc::new(AtomicU32::new(0), GFP_KERNEL)?;
        LIVE.fetch_add(1, Ordering::Relaxed);
        Ok(Self {
            counts: Default::default(),
            death_seq: AtomicU32::new(0),
            reap_seq: AtomicU32::new(0),
            answers: core::array::from_fn(|_| AtomicU8::new(Action::Resume as u8)),
            abort_nr: AtomicI64::new(NO_ABORT),
            exit_code: AtomicI64::new(KEEP_CODE),
            signal_mode: AtomicI32::new(SIGNAL_KEEP),
            last_signo: AtomicI32::new(0),
            old_pid: AtomicI32::new(0),
            follow: AtomicBool::new(false),
            notify: AtomicBool::new(false),
            woken_stopped,
            woken_running,
            child: AtomicPtr::new(core::ptr::null_mut()),
        })
    }

    fn count(&self, c: Counter) {
        self.counts[c as usize].fetch_add(1, Ordering::Relaxed);
    }

    fn answer(&self, slot: usize) -> Action {
        action_from_u8(self.answers[slot].load(Ordering::Relaxed))
    }
}

impl Drop for TestOps {
    fn drop(&mut self) {
        drop(take_child(&self.child));
        LIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

fn take_child(slot: &AtomicPtr<Entry>) -> Option<KBox<Entry>> {
    let p = slot.swap(core::ptr::null_mut(), Ordering::AcqRel);
    // SAFETY: A non-null pointer in the slot came from `KBox::into_raw` in
    // `report_clone`, and the swap gives it to exactly one taker.
    (!p.is_null()).then(|| unsafe { KBox::from_raw(p) })
}

fn action_from_u8(v: u8) -> Action {
    [
        Action::Stop,
        Action::Interrupt,
        Action::Report,
        Action::SingleStep,
        Action::BlockStep,
        Action::Resume,
        Action::Detach,
    ]
    .into_iter()
    .find(|a| *a as u8 == v)
    .unwrap_or(Action::Resume)
}

impl EngineOps for TestOps {
    fn report_quiesce(&self, engine: &Engine, _event: Events) -> Action {
        self.count(Counter::Quiesce);
        let action = self.answer(0);
        if action == Action::Stop && self.notify.load(Ordering::Relaxed) {
            let waiter = Arc::new(
                WakeRecorder {
                    stopped: self.woken_stopped.clone(),
                    running: self.woken_running.clone(),
                },
                GFP_KERNEL,
            );
            // SAFETY: A callback runs in the traced thread itself.
            let task = unsafe { Task::current() };
            match waiter {
                Ok(w) => utrace::wake_up_on_stop(&task, engine, w),
                // Shows as a failure in the test that asked for it.
                Err(_) => {
                    self.woken_running.fetch_add(1000, Ordering::Relaxed);
                }
            }
        }
        action
    }

    fn report_syscall_entry(&self, _engine: &Engine, regs: &mut UserRegs<'_>) -> SyscallEntry {
        self.count(Counter::Entry);
        let nr = regs.raw().orig_ax as i64;
        SyscallEntry {
            action: self.answer(1),
            abort: nr == self.abort_nr.load(Ordering::Relaxed),
        }
    }

    fn report_syscall_exit(&self, _engine: &Engine, _regs: &mut UserRegs<'_>) -> Action {
        self.count(Counter::SyscallExit);
        self.answer(2)
    }

    fn report_exit(&self, _engine: &Engine, _orig: i64, code: &mut i64) -> Action {
        self.count(Counter::Exit);
        let new = self.exit_code.load(Ordering::Relaxed);
        if new != KEEP_CODE {
            *code = new;
        }
        self.answer(3)
    }

    fn report_signal(&self, _engine: &Engine, signal: &mut SignalReport<'_>) -> Action {
        self.count(Counter::Signal);
        self.last_signo.store(signal.signr(), Ordering::Relaxed);
        self.answer(4)
    }

    fn report_signal_resume(&self, _engine: &Engine, signal: &mut SignalReport<'_>) {
        match self.signal_mode.load(Ordering::Relaxed) {
            SIGNAL_KEEP => {}
            SIGNAL_IGNORE => signal.ignore(),
            SIGNAL_HOLD_ONCE => {
                signal.hold();
                self.signal_mode.store(SIGNAL_KEEP, Ordering::Relaxed);
            }
            mode => match forced_action(mode) {
                Some(action) => signal.force(action),
                None => signal.deliver(mode),
            },
        }
    }

    fn report_clone(&self, _engine: &Engine, _clone_flags: u64, child: &Task) -> Action {
        self.count(Counter::Clone);
        if self.follow.load(Ordering::Relaxed) {
            // Best effort: a failure shows as no child to adopt.
            if let Ok(entry) = follow_child(child) {
                drop(take_child(&self.child));
                self.child.store(KBox::into_raw(entry), Ordering::Release);
            }
        }
        self.answer(5)
    }

    fn report_signal_handler(&self, _engine: &Engine, _stepping: bool) -> Action {
        self.count(Counter::Handler);
        self.answer(8)
    }

    fn report_jctl(&self, _engine: &Engine, kind: JobControl) -> Action {
        self.count(match kind {
            JobControl::Stopped => Counter::JctlStopped,
            JobControl::Continued => Counter::JctlContinued,
        });
        self.answer(7)
    }

    fn report_exec(&self, _engine: &Engine, old_pid: i32) -> Action {
        self.count(Counter::Exec);
        self.old_pid.store(old_pid, Ordering::Relaxed);
        self.answer(6)
    }

    fn report_death(&self, _engine: &Engine, _group_dead: bool) -> Action {
        self.count(Counter::Death);
        self.death_seq.store(
            SEQUENCE.fetch_add(1, Ordering::Relaxed) + 1,
            Ordering::Relaxed,
        );
        Action::Resume
    }

    fn report_reap(&self, _engine: &Engine, _task: &Task) {
        self.count(Counter::Reap);
        self.reap_seq.store(
            SEQUENCE.fetch_add(1, Ordering::Relaxed) + 1,
            Ordering::Relaxed,
        );
    }
}

/// Records, at each wake-up, whether the thread had stopped.
struct WakeRecorder {
    stopped: Arc<AtomicU32>,
    running: Arc<AtomicU32>,
}

impl StopWaiter for WakeRecorder {
    fn wake(&self) {
        // SAFETY: Only reads the current task's state.
        let counter = if unsafe { utrace_test_current_traced() } {
            &self.stopped
        } else {
            &self.running
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

struct Entry {
    id: u32,
    task: ARef<Task>,
    engine: Arc<Engine>,
    ops: Arc<TestOps>,
}

/// Attaches a fresh test engine to a new child and stops it before it
/// runs; the test adopts it later.
fn follow_child(child: &Task) -> Result<KBox<Entry>> {
    let ops = Arc::new(TestOps::new()?, GFP_KERNEL)?;
    let dyn_ops: Arc<dyn EngineOps> = ops.clone();
    let engine = utrace::attach(child, &dyn_ops, AttachMode::Create)?;
    match utrace::control(child, &engine, Action::Stop) {
        Ok(()) => {}
        Err(e) if e.to_errno() == -(bindings::EINPROGRESS as i32) => {}
        Err(e) => return Err(e),
    }
    Ok(KBox::new(
        Entry {
            id: 0,
            task: child.into(),
            engine,
            ops,
        },
        GFP_KERNEL,
    )?)
}

struct Registry {
    entries: KVec<Entry>,
    next_id: u32,
}

/// The attached test engines.
struct RegistryCell(UnsafeCell<Registry>);

// SAFETY: Only `utrace_test_command` touches the registry, and
// test_engine_debugfs.c calls it with its `ctl_lock` mutex held.
unsafe impl Sync for RegistryCell {}

static REGISTRY: RegistryCell = RegistryCell(UnsafeCell::new(Registry {
    entries: KVec::new(),
    next_id: 1,
}));

struct Reply<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl Write for Reply<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = (self.len + s.len()).min(self.buf.len());
        let n = end - self.len;
        self.buf[self.len..end].copy_from_slice(&s.as_bytes()[..n]);
        self.len = end;
        Ok(())
    }
}

fn parse_action(word: &str) -> Result<Action> {
    Ok(match word {
        "stop" => Action::Stop,
        "interrupt" => Action::Interrupt,
        "report" => Action::Report,
        "singlestep" => Action::SingleStep,
        "blockstep" => Action::BlockStep,
        "resume" => Action::Resume,
        "detach" => Action::Detach,
        _ => return Err(EINVAL),
    })
}

fn parse_events(word: &str) -> Result<Events> {
    let mut events = Events::NONE;
    for name in word.split(',') {
        events = events
            | match name {
                "none" => Events::NONE,
                "quiesce" => Events::QUIESCE,
                "syscall_entry" => Events::SYSCALL_ENTRY,
                "syscall_exit" => Events::SYSCALL_EXIT,
                "clone" => Events::CLONE,
                "exec" => Events::EXEC,
                "signal" => Events::SIGNAL,
                "signal_ign" => Events::SIGNAL_IGN,
                "signal_stop" => Events::SIGNAL_STOP,
                "signal_term" => Events::SIGNAL_TERM,
                "signal_core" => Events::SIGNAL_CORE,
                "signals" => Events::ALL_SIGNALS,
                "exit" => Events::EXIT,
                "death" => Events::DEATH,
                "reap" => Events::REAP,
                "jctl" => Events::JCTL,
                _ => return Err(EINVAL),
            };
    }
    Ok(events)
}

fn answer_slot(word: &str) -> Result<usize> {
    Ok(match word {
        "quiesce" => 0,
        "syscall_entry" => 1,
        "syscall_exit" => 2,
        "exit" => 3,
        "signal" => 4,
        "clone" => 5,
        "exec" => 6,
        "jctl" => 7,
        "handler" => 8,
        _ => return Err(EINVAL),
    })
}

fn task_by_pid(pid: i32) -> Result<ARef<Task>> {
    // SAFETY: Looks up a pid in the caller's namespace; the returned task,
    // if any, carries a reference that the `ARef` takes over.
    let raw = unsafe { bindings::find_get_task_by_vpid(pid) };
    let task = NonNull::new(raw.cast::<Task>()).ok_or(ESRCH)?;
    // SAFETY: `find_get_task_by_vpid` returned a counted reference.
    Ok(unsafe { ARef::from_raw(task) })
}

fn number<T: core::str::FromStr>(word: Option<&str>) -> Result<T> {
    word.ok_or(EINVAL)?.parse().map_err(|_| EINVAL)
}

fn run(reg: &mut Registry, line: &str, out: &mut Reply<'_>) -> Result {
    let mut words = line.split_whitespace();
    let cmd = words.next().ok_or(EINVAL)?;
    if cmd == "live" {
        let _ = write!(out, "live={}", LIVE.load(Ordering::Relaxed));
        return Ok(());
    }
    if cmd == "attach" {
        let task = task_by_pid(number(words.next())?)?;
        let mode = match words.next().unwrap_or("create") {
            "create" => AttachMode::Create,
            "exclusive" => AttachMode::Exclusive,
            "lookup" => AttachMode::Lookup,
            _ => return Err(EINVAL),
        };
        // Exclusive and lookup match the ops of the newest engine on the task.
        let ops = match reg
            .entries
            .iter()
            .rev()
            .find(|e| core::ptr::eq(&*e.task, &*task))
        {
            Some(e) if mode != AttachMode::Create => e.ops.clone(),
            _ => Arc::new(TestOps::new()?, GFP_KERNEL)?,
        };
        let dyn_ops: Arc<dyn EngineOps> = ops.clone();
        let engine = utrace::attach(&task, &dyn_ops, mode)?;
        let id = match reg.entries.iter().find(|e| Arc::ptr_eq(&e.engine, &engine)) {
            Some(e) => e.id,
            None => {
                let id = reg.next_id;
                reg.next_id += 1;
                reg.entries.push(
                    Entry {
                        id,
                        task,
                        engine,
                        ops,
                    },
                    GFP_KERNEL,
                )?;
                id
            }
        };
        let _ = write!(out, "engine {}", id);
        return Ok(());
    }
    let id: u32 = number(words.next())?;
    let index = reg.entries.iter().position(|e| e.id == id).ok_or(ENOENT)?;
    let e = &reg.entries[index];
    match cmd {
        "events" => utrace::set_events(
            &e.task,
            &e.engine,
            parse_events(words.next().ok_or(EINVAL)?)?,
        )?,
        "control" => utrace::control(
            &e.task,
            &e.engine,
            parse_action(words.next().ok_or(EINVAL)?)?,
        )?,
        "barrier" => utrace::barrier(&e.task, &e.engine)?,
        "answer" => {
            let slot = answer_slot(words.next().ok_or(EINVAL)?)?;
            let action = parse_action(words.next().ok_or(EINVAL)?)?;
            e.ops.answers[slot].store(action as u8, Ordering::Relaxed);
        }
        "abort" => e
            .ops
            .abort_nr
            .store(number(words.next())?, Ordering::Relaxed),
        "exitcode" => e
            .ops
            .exit_code
            .store(number(words.next())?, Ordering::Relaxed),
        "signal" => {
            let mode = match words.next().ok_or(EINVAL)? {
                "keep" => SIGNAL_KEEP,
                "ignore" => SIGNAL_IGNORE,
                "hold" => SIGNAL_HOLD_ONCE,
                "force" => match words.next().ok_or(EINVAL)? {
                    "terminate" => SIGNAL_FORCE - DefaultAction::Terminate as i32,
                    "core" => SIGNAL_FORCE - DefaultAction::CoreDump as i32,
                    "stop" => SIGNAL_FORCE - DefaultAction::Stop as i32,
                    "tstp" => SIGNAL_FORCE - DefaultAction::Tstp as i32,
                    _ => return Err(EINVAL),
                },
                n => n.parse().map_err(|_| EINVAL)?,
            };
            e.ops.signal_mode.store(mode, Ordering::Relaxed);
        }
        "follow" => e.ops.follow.store(true, Ordering::Relaxed),
        "notify" => e.ops.notify.store(true, Ordering::Relaxed),
        "adopt" => {
            let mut child = take_child(&e.ops.child).ok_or(ENOENT)?;
            child.id = reg.next_id;
            reg.next_id += 1;
            let id = child.id;
            reg.entries.push(KBox::into_inner(child), GFP_KERNEL)?;
            let _ = write!(out, "engine {}", id);
            return Ok(());
        }
        "examine" => {
            let window = utrace::prepare_examine(&e.task, &e.engine)?;
            // SAFETY: The task is stopped and off its CPU: its saved user
            // registers hold still until it is resumed.
            let ip = unsafe { utrace_test_user_ip((&*e.task as *const Task).cast_mut().cast()) };
            utrace::finish_examine(&e.task, &e.engine, window)?;
            let _ = write!(out, "ip={:x}", ip);
            return Ok(());
        }
        "stats" => {
            let c = |k: Counter| e.ops.counts[k as usize].load(Ordering::Relaxed);
            let _ = write!(
                out,
                "quiesce={} entry={} sysexit={} exit={} death={} reap={} death_seq={} reap_seq={} detached={} signal={} signo={} clone={} exec={} old_pid={} woken_stopped={} woken_running={} jctl_stopped={} jctl_continued={} handler={}",
                c(Counter::Quiesce),
                c(Counter::Entry),
                c(Counter::SyscallExit),
                c(Counter::Exit),
                c(Counter::Death),
                c(Counter::Reap),
                e.ops.death_seq.load(Ordering::Relaxed),
                e.ops.reap_seq.load(Ordering::Relaxed),
                e.engine.is_detached() as u8,
                c(Counter::Signal),
                e.ops.last_signo.load(Ordering::Relaxed),
                c(Counter::Clone),
                c(Counter::Exec),
                e.ops.old_pid.load(Ordering::Relaxed),
                e.ops.woken_stopped.load(Ordering::Relaxed),
                e.ops.woken_running.load(Ordering::Relaxed),
                c(Counter::JctlStopped),
                c(Counter::JctlContinued),
                c(Counter::Handler),
            );
            return Ok(());
        }
        "release" => {
            let last = reg.entries.len() - 1;
            reg.entries.as_mut_slice().swap(index, last);
            // SAFETY: The last element is initialised; it is read out
            // exactly once and the length shrinks past it.
            drop(unsafe { core::ptr::read(reg.entries.as_ptr().add(last)) });
            // SAFETY: As above.
            unsafe { reg.entries.set_len(last) };
        }
        _ => return Err(EINVAL),
    }
    let _ = write!(out, "ok");
    Ok(())
}

/// Runs one test command and writes the reply; returns the reply's length.
#[no_mangle]
extern "C" fn utrace_test_command(cmd: *const u8, len: usize, reply: *mut u8, cap: usize) -> usize {
    // SAFETY: test_engine_debugfs.c passes its own buffers of these sizes.
    let (cmd, reply) = unsafe {
        (
            core::slice::from_raw_parts(cmd, len),
            core::slice::from_raw_parts_mut(reply, cap),
        )
    };
    let mut out = Reply { buf: reply, len: 0 };
    // SAFETY: Serialised by the caller's mutex; see `RegistryCell`.
    let reg = unsafe { &mut *REGISTRY.0.get() };
    let result = match core::str::from_utf8(cmd) {
        Ok(line) => run(reg, line.trim(), &mut out),
        Err(_) => Err(EINVAL),
    };
    if let Err(e) = result {
        out.len = 0;
        let _ = write!(out, "err {}", e.to_errno());
    }
    out.len
}
