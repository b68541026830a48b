// SPDX-License-Identifier: GPL-2.0

//! The gdb engine's hold on a process: one utrace engine per thread, why
//! each thread stopped, and the all-stop rule (when one thread stops for
//! gdb, every thread stops).
//!
//! A fork or vfork child that gdb wants to hear of is held stopped under
//! a tracer of its own, one of the parent tracer's children, until gdb
//! detaches parent or child.
//!
//! The thread table is behind a spinlock: the device's poll asks whether a
//! stop is ready with no sleeping allowed. Every decision a callback makes
//! and every resume gdb asks for happens under that lock, so a thread that
//! stops while gdb resumes the others always stops them all again.

use crate::breakpoints::Breakpoints;
use crate::hw_points::HwPoints;
use crate::sys;
use crate::waker::Waker;
use core::sync::atomic::{AtomicU8, Ordering};
use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::{Arc, Mutex, SpinLock};
use kernel::task::Task;
use kernel::types::ARef;
use kernel::{new_mutex, new_spinlock};
use ugdb_arch_x86::debugregs::HwKind;
use ugdb_proto::extensions::SIGINFO_SIZE;
use ugdb_proto::process_events::ProcessEvents;
use ugdb_proto::syscall_filter::SyscallFilter;
use utrace::{Action, AttachMode, Engine, EngineOps, Events, SignalReport, SyscallEntry, UserRegs};

/// What a thread does when gdb resumes the process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Run {
    /// Stays stopped (gdb's scheduler locking).
    Stay,
    /// Runs freely.
    Continue,
    /// Runs one instruction.
    Step,
    /// Steps in the kernel while the PC stays in `start..end`.
    Range(u64, u64),
}

impl Run {
    fn action(self) -> Action {
        match self {
            Run::Stay => Action::Stop,
            Run::Continue => Action::Resume,
            Run::Step | Run::Range(..) => Action::SingleStep,
        }
    }

    fn steps(self) -> bool {
        matches!(self, Run::Step | Run::Range(..))
    }
}

/// Why a thread stopped, until gdb hears of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// It dequeued this signal, which waits for gdb's decision.
    Signal(i32),
    /// It hit one of the stub's breakpoints at `pc` (already moved back).
    SwBreak(u64),
    /// It finished a step.
    Step,
    /// It hit one of gdb's hardware breakpoints or watchpoints, which gdb
    /// knows by this kind and address.
    Hw(HwKind, u64),
    /// It entered (or returns from) system call `nr`, which gdb catches.
    Syscall { nr: i64, entry: bool },
    /// It forked (or vforked) process `child`, held by a child tracer.
    Fork { child: i32, vfork: bool },
    /// Its vfork child released its memory.
    VForkDone,
    /// It exec'd; its TID is now the process ID.
    Exec,
    /// It just started (reported with gdb's `QThreadEvents` on).
    ThreadCreated,
    /// It ended with this exit code (reported with `QThreadEvents` on).
    ThreadExited(i64),
}

/// A stop to tell gdb about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// Thread `tid` stopped for `event`.
    Thread { tid: i32, event: Event },
    /// gdb interrupted the process; `tid` is the thread to report.
    Interrupted { tid: i32 },
    /// The process is gone, with this wait status.
    Exited(i64),
    /// Every thread gdb let run has exited; the others, `tid` among them,
    /// are still held (gdb's `N`).
    NoResumed { tid: i32 },
}

pub(crate) struct Thread {
    pub(crate) task: ARef<Task>,
    pub(crate) engine: Arc<Engine>,
    pub(crate) tid: i32,
    dead: bool,
    event: Option<(u64, Event)>,
    run: Run,
    /// The signal it delivers when it leaves a signal stop (0: none).
    resume_signal: i32,
    /// A signal the stub sent it, which it delivers without stopping.
    injected: i32,
    /// It stopped at a signal that waits for gdb's decision.
    at_signal: bool,
    exit_code: i64,
    /// The siginfo of the signal it stopped at, in the user layout.
    siginfo: [u8; SIGINFO_SIZE],
    /// gdb rewrote `siginfo`: the signal goes with the new one.
    siginfo_written: bool,
}

struct Threads {
    list: KVec<Thread>,
    /// gdb sees the process stopped, or is about to.
    stopping: bool,
    /// gdb asked for the stop with Ctrl-C.
    interrupted: bool,
    /// The wait status, once every thread is dead.
    exit: Option<i64>,
    /// Orders events, so that gdb hears of the first one first.
    sequence: u64,
    /// The system calls gdb catches.
    catch: SyscallFilter,
    /// The signals threads get without stopping (bit `n - 1` for `n`).
    pass: u64,
    /// The signals gdb may resume a thread with (`QProgramSignals`).
    program: u64,
}

impl Threads {
    fn find(&mut self, tid: i32) -> Option<&mut Thread> {
        self.list.iter_mut().find(|t| t.tid == tid)
    }

    fn current(&mut self, engine: &Engine) -> Option<&mut Thread> {
        self.list
            .iter_mut()
            .find(|t| core::ptr::eq(&*t.engine, engine))
    }

    /// Asks every live thread to stop; a thread blocked in a system call
    /// is interrupted, as by a signal, and restarts the call later.
    /// `except`, the thread stopping for an event, is at its stop
    /// already: interrupting it too would break the system call it is
    /// about to enter or resume once gdb lets it go.
    fn stop_all(&mut self, except: Option<&Engine>) {
        self.stopping = true;
        let others = |t: &&Thread| !except.is_some_and(|e| core::ptr::eq(&*t.engine, e));
        for t in self.list.iter().filter(|t| !t.dead).filter(others) {
            // Errors mean the thread is going away; its death says so.
            let _ = utrace::control(&t.task, &t.engine, Action::Interrupt);
        }
    }

    /// What a callback answers for `t`, with the process stopping or not.
    fn answer(stopping: bool, t: &Thread) -> Action {
        if stopping {
            Action::Stop
        } else {
            t.run.action()
        }
    }
}

/// [`Tracer::process_events`] bits: the process events gdb handles.
const FORK_EVENTS: u8 = 1;
const VFORK_EVENTS: u8 = 2;
const EXEC_EVENTS: u8 = 4;
/// gdb understands `N` (see [`Stop::NoResumed`]).
const NO_RESUMED: u8 = 8;
/// gdb asked for thread events with `QThreadEvents:1`.
const THREAD_EVENTS: u8 = 16;

/// The [`EngineOps`] of a session, shared by the engines of all threads
/// of one process.
#[pin_data]
pub(crate) struct Tracer {
    /// The process ID.
    pid: i32,
    #[pin]
    threads: SpinLock<Threads>,
    /// Forked children held for gdb, each under a tracer of its own.
    #[pin]
    children: SpinLock<KVec<Arc<Tracer>>>,
    /// The process events gdb handles, as `*_EVENTS` bits.
    process_events: AtomicU8,
    /// The stub's software breakpoints.
    #[pin]
    pub(crate) breakpoints: Mutex<Breakpoints>,
    /// gdb's hardware breakpoints and watchpoints.
    #[pin]
    pub(crate) hw: Mutex<HwPoints>,
    pub(crate) waker: Arc<Waker>,
}

impl Tracer {
    /// A tracer for process `pid`, which wakes readers through `waker`.
    pub(crate) fn new(pid: i32, waker: Arc<Waker>) -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(Self {
                pid,
                children <- new_spinlock!(KVec::new()),
                process_events: AtomicU8::new(0),
                threads <- new_spinlock!(Threads {
                    list: KVec::new(),
                    stopping: true,
                    interrupted: false,
                    exit: None,
                    sequence: 0,
                    catch: SyscallFilter::Off,
                    pass: 0,
                    program: u64::MAX,
                }),
                breakpoints <- new_mutex!(Breakpoints::new()),
                hw <- new_mutex!(HwPoints::new()),
                waker,
            }),
            GFP_KERNEL,
        )
    }

    /// Attaches to `task`, a thread of the process, and has it stop if the
    /// process is stopping. `EBUSY` if another gdb session has it.
    fn add_thread(&self, ops: &Arc<dyn EngineOps>, task: ARef<Task>) -> Result {
        let engine = match utrace::attach(&task, ops, AttachMode::Exclusive) {
            Err(e) if e == EEXIST => return Err(EBUSY),
            r => r?,
        };
        let mut threads = self.threads.lock();
        let events = engine_events(threads.catch.is_on());
        let thread = Thread {
            task: task.clone(),
            engine: engine.clone(),
            tid: sys::tid(&task),
            dead: false,
            event: None,
            run: Run::Continue,
            resume_signal: 0,
            injected: 0,
            at_signal: false,
            exit_code: 0,
            siginfo: [0; SIGINFO_SIZE],
            siginfo_written: false,
        };
        let added = threads
            .list
            .push(thread, GFP_ATOMIC)
            .map_err(Error::from)
            .and_then(|()| utrace::set_events(&task, &engine, events));
        if let Err(e) = added {
            if let Some(i) = threads
                .list
                .iter()
                .position(|t| Arc::ptr_eq(&t.engine, &engine))
            {
                drop(swap_remove(&mut threads.list, i));
            }
            drop(threads);
            let _ = utrace::control(&task, &engine, Action::Detach);
            return Err(e);
        }
        if threads.stopping {
            let _ = utrace::control(&task, &engine, Action::Interrupt);
        }
        drop(threads);
        // gdb's hardware points follow the thread; if its debug registers
        // are taken (by ptrace or perf), it runs without them.
        let _ = self.hw.lock().add_thread(task);
        Ok(())
    }

    /// Attaches to every thread of `leader`'s process and has them stop.
    /// Threads created meanwhile by threads not yet attached are found by
    /// walking the group again until a walk finds nothing new.
    pub(crate) fn attach_all(self: &Arc<Self>, leader: &Task) -> Result {
        let ops: Arc<dyn EngineOps> = self.clone();
        loop {
            let mut added = 0;
            for task in sys::thread_group(leader)?.into_iter() {
                let known = self.threads.lock().find(sys::tid(&task)).is_some();
                if known {
                    continue;
                }
                match self.add_thread(&ops, task) {
                    Ok(()) => added += 1,
                    // It exited in the meantime.
                    Err(e) if e == ESRCH || e.to_errno() == -(bindings::EALREADY as i32) => {}
                    Err(e) => return Err(e),
                }
            }
            if added == 0 {
                return if self.threads.lock().list.is_empty() {
                    Err(ESRCH)
                } else {
                    Ok(())
                };
            }
        }
    }

    /// Whether every live thread is in its stop (dead ones count as
    /// stopped), with `threads` locked.
    fn all_stopped(threads: &Threads) -> bool {
        threads
            .list
            .iter()
            .all(|t| t.dead || utrace::is_stopped(&t.task, &t.engine))
    }

    /// A thread held in its stop, if every thread gdb let run has exited
    /// while the process lives on, with `threads` locked. A thread that
    /// ends the whole process is not such a case: its exit is reported.
    fn none_resumed(threads: &Threads) -> Option<i32> {
        let mut live = threads.list.iter().filter(|t| !t.dead);
        let held = live.clone().next()?;
        let all_held = live.all(|t| {
            t.run == Run::Stay && t.event.is_none() && utrace::is_stopped(&t.task, &t.engine)
        });
        (all_held && !sys::group_exiting(&held.task)).then_some(held.tid)
    }

    /// Whether every live thread is in its stop.
    pub(crate) fn all_threads_stopped(&self) -> bool {
        Self::all_stopped(&self.threads.lock())
    }

    /// Whether a stop is ready for gdb, and the stop if `take`: the
    /// process's exit, or, once every thread has stopped, the oldest
    /// event, or the interrupt gdb asked for.
    pub(crate) fn ready_stop(&self, take: bool) -> Option<Stop> {
        // Before this tracer's lock: a child's is of the same class.
        let children_stopped = self.children_stopped();
        let mut threads = self.threads.lock();
        if let Some(status) = threads.exit {
            return Some(Stop::Exited(status));
        }
        if !threads.stopping && self.wants(NO_RESUMED) {
            let tid = Self::none_resumed(&threads)?;
            if take {
                threads.stopping = true;
            }
            return Some(Stop::NoResumed { tid });
        }
        if !threads.stopping || !Self::all_stopped(&threads) {
            return None;
        }
        let first = threads
            .list
            .iter_mut()
            .filter(|t| t.event.is_some())
            .min_by_key(|t| t.event.map(|(seq, _)| seq));
        if let Some(t) = first {
            let (_, event) = t.event?;
            // gdb works on a new child at once: it must be stopped too.
            if matches!(event, Event::Fork { .. }) && !children_stopped {
                return None;
            }
            if take {
                t.event = None;
            }
            return Some(Stop::Thread { tid: t.tid, event });
        }
        if !threads.interrupted {
            return None;
        }
        let tid = threads.list.iter().find(|t| !t.dead)?.tid;
        if take {
            threads.interrupted = false;
        }
        Some(Stop::Interrupted { tid })
    }

    /// Makes every thread, and those that start later, stop at the system
    /// calls of `filter` (on entry and on return).
    pub(crate) fn catch_syscalls(&self, filter: SyscallFilter) {
        let mut threads = self.threads.lock();
        let events = engine_events(filter.is_on());
        threads.catch = filter;
        for t in threads.list.iter().filter(|t| !t.dead) {
            // Errors mean the thread is going away. Dropping the syscall
            // events may be EINPROGRESS for a thread in a callback: its
            // next report checks the filter anyway.
            let _ = utrace::set_events(&t.task, &t.engine, events);
        }
    }

    /// The siginfo of the signal thread `tid` stopped at, if it did.
    pub(crate) fn siginfo(&self, tid: i32) -> Option<[u8; SIGINFO_SIZE]> {
        let mut threads = self.threads.lock();
        let t = threads.find(tid).filter(|t| t.at_signal && !t.dead)?;
        Some(t.siginfo)
    }

    /// Rewrites bytes of the siginfo of the signal thread `tid` stopped
    /// at, from `offset`; the thread gets the signal with the new siginfo
    /// if gdb resumes it with that signal. `EINVAL` if it did not stop at
    /// a signal or the bytes reach past the siginfo.
    pub(crate) fn write_siginfo(&self, tid: i32, offset: usize, data: &[u8]) -> Result {
        let mut threads = self.threads.lock();
        let t = threads
            .find(tid)
            .filter(|t| t.at_signal && !t.dead)
            .ok_or(EINVAL)?;
        let end = offset.checked_add(data.len()).ok_or(EINVAL)?;
        t.siginfo
            .get_mut(offset..end)
            .ok_or(EINVAL)?
            .copy_from_slice(data);
        t.siginfo_written = true;
        Ok(())
    }

    /// Makes threads take the signals of `set` without stopping for gdb
    /// (gdb's `handle SIG nostop noprint pass`).
    pub(crate) fn pass_signals(&self, set: u64) {
        self.threads.lock().pass = set;
    }

    /// Lets gdb resume threads with the signals of `set` only (gdb's
    /// `handle SIG nopass` leaves a signal out); others are dropped.
    pub(crate) fn program_signals(&self, set: u64) {
        self.threads.lock().program = set;
    }

    /// The process ID.
    pub(crate) fn pid(&self) -> i32 {
        self.pid
    }

    /// Has fork, vfork and exec stop the process for gdb, and reports
    /// [`Stop::NoResumed`], as `events` says gdb handles them.
    pub(crate) fn set_process_events(&self, events: ProcessEvents) {
        let bits = (u8::from(events.fork) * FORK_EVENTS)
            | (u8::from(events.vfork) * VFORK_EVENTS)
            | (u8::from(events.exec) * EXEC_EVENTS)
            | (u8::from(events.no_resumed) * NO_RESUMED);
        let thread_events = self.process_events.load(Ordering::Relaxed) & THREAD_EVENTS;
        self.process_events
            .store(bits | thread_events, Ordering::Relaxed);
    }

    /// Has a thread's start and end stop the process for gdb, or not, as
    /// `QThreadEvents` asks.
    pub(crate) fn set_thread_events(&self, on: bool) {
        match on {
            true => self
                .process_events
                .fetch_or(THREAD_EVENTS, Ordering::Relaxed),
            false => self
                .process_events
                .fetch_and(!THREAD_EVENTS, Ordering::Relaxed),
        };
    }

    fn wants(&self, event: u8) -> bool {
        self.process_events.load(Ordering::Relaxed) & event != 0
    }

    /// Holds `child`, a new process, stopped under a tracer of its own
    /// until gdb detaches it (or its parent). A forked child has the
    /// parent's breakpoints in its copy of memory: with
    /// `inherit_breakpoints` its tracer knows them, to remove them.
    fn hold_child(&self, child: &Task, inherit_breakpoints: bool) -> Result {
        let tracer = Tracer::new(sys::tid(child), self.waker.clone())?;
        if inherit_breakpoints {
            let list = self.breakpoints.lock().list()?;
            tracer.breakpoints.lock().inherit(&list);
        }
        let events = self.process_events.load(Ordering::Relaxed);
        tracer.process_events.store(events, Ordering::Relaxed);
        // gdb's catchpoints and signal settings hold for the child too:
        // it does not send them again when it follows the child.
        let (catch, pass, program) = {
            let threads = self.threads.lock();
            (threads.catch.clone(), threads.pass, threads.program)
        };
        {
            let mut threads = tracer.threads.lock();
            threads.catch = catch;
            threads.pass = pass;
            threads.program = program;
        }
        let ops: Arc<dyn EngineOps> = tracer.clone();
        tracer.add_thread(&ops, child.into())?;
        let mut children = self.children.lock();
        if let Err(e) = children.push(tracer.clone(), GFP_ATOMIC) {
            drop(children);
            tracer.detach_all();
            return Err(e.into());
        }
        Ok(())
    }

    /// Whether every held child has stopped.
    fn children_stopped(&self) -> bool {
        self.children
            .lock()
            .iter()
            .all(|child| child.all_threads_stopped())
    }

    /// Lets go of held child `pid`, returning its tracer; with `pid` 0,
    /// of any held child.
    pub(crate) fn take_child(&self, pid: i32) -> Option<Arc<Tracer>> {
        let mut children = self.children.lock();
        let i = children
            .iter()
            .position(|child| pid == 0 || child.pid == pid)?;
        Some(swap_remove(&mut children, i))
    }

    /// The held child that has thread `tid`.
    pub(crate) fn child_with(&self, tid: i32) -> Option<Arc<Tracer>> {
        let children = self.children.lock();
        let child = children
            .iter()
            .find(|child| child.pid == tid || child.thread(tid).is_some())?;
        Some(child.clone())
    }

    /// Removes every breakpoint and watchpoint and detaches from every
    /// thread, and from every held child likewise: they all run on.
    pub(crate) fn release(&self) {
        while let Some(child) = self.take_child(0) {
            child.release();
        }
        if let Some((task, _)) = self.any_thread() {
            self.breakpoints.lock().remove_all(&task);
        }
        self.hw.lock().clear();
        self.detach_all();
    }

    /// Stops at a system call's entry or return if gdb catches it.
    fn syscall_stop(&self, engine: &Engine, regs: &mut UserRegs<'_>, entry: bool) -> Action {
        let task = current();
        let nr = sys::syscall_nr(regs);
        if self.threads.lock().catch.catches(nr) {
            return self.stop_for(&task, engine, Event::Syscall { nr, entry });
        }
        self.carry_on(&task, engine)
    }

    /// Stops the process for gdb's Ctrl-C.
    pub(crate) fn interrupt(&self) {
        let mut threads = self.threads.lock();
        threads.interrupted = true;
        threads.stop_all(None);
        drop(threads);
        self.waker.wake_all();
    }

    /// Drops events at breakpoints gdb removed since: the thread was moved
    /// back onto the original instruction and just runs it.
    fn drop_stale_events(&self, threads: &mut Threads, breakpoints: &Breakpoints) {
        for t in threads.list.iter_mut() {
            if let Some((_, Event::SwBreak(pc))) = t.event {
                if !breakpoints.contains(pc) {
                    t.event = None;
                }
            }
        }
    }

    /// Resumes the process as gdb asked: `plan(tid)` says what each
    /// thread does and with which signal. If a thread has an event gdb
    /// has not heard of yet, nothing runs and that event is reported next.
    pub(crate) fn resume(&self, plan: impl Fn(i32) -> (Run, i32)) {
        let breakpoints = self.breakpoints.lock();
        let mut threads = self.threads.lock();
        self.drop_stale_events(&mut threads, &breakpoints);
        drop(breakpoints);
        if threads.exit.is_some() || threads.list.iter().any(|t| t.event.is_some()) {
            drop(threads);
            self.waker.wake_all();
            return;
        }
        threads.stopping = false;
        threads.interrupted = false;
        let program = threads.program;
        for t in threads.list.iter_mut().filter(|t| !t.dead) {
            let (run, mut signal) = plan(t.tid);
            if (1..=64).contains(&signal) && program & (1 << (signal - 1)) == 0 {
                signal = 0;
            }
            t.run = run;
            t.resume_signal = signal;
            let _ = utrace::control(&t.task, &t.engine, run.action());
            if signal != 0 && !t.at_signal {
                // Not stopped at a signal: send it, and let it through.
                t.injected = signal;
                sys::signal_thread(&t.task, signal);
            }
        }
    }

    /// The task and engine of live thread `tid`.
    pub(crate) fn thread(&self, tid: i32) -> Option<(ARef<Task>, Arc<Engine>)> {
        let mut threads = self.threads.lock();
        let t = threads.find(tid).filter(|t| !t.dead)?;
        Some((t.task.clone(), t.engine.clone()))
    }

    /// Any live thread, for memory access.
    pub(crate) fn any_thread(&self) -> Option<(ARef<Task>, Arc<Engine>)> {
        let threads = self.threads.lock();
        let t = threads.list.iter().find(|t| !t.dead)?;
        Some((t.task.clone(), t.engine.clone()))
    }

    /// The live threads, with their TIDs.
    pub(crate) fn live_threads(&self) -> Result<KVec<(i32, ARef<Task>)>> {
        let threads = self.threads.lock();
        let mut live = KVec::with_capacity(threads.list.len(), GFP_ATOMIC)?;
        for t in threads.list.iter().filter(|t| !t.dead) {
            live.push((t.tid, t.task.clone()), GFP_ATOMIC)?;
        }
        Ok(live)
    }

    /// Calls `f` with the TID of every live thread.
    pub(crate) fn for_each_tid(&self, mut f: impl FnMut(i32)) {
        let mut tids = KVec::new();
        {
            let threads = self.threads.lock();
            if tids.reserve(threads.list.len(), GFP_ATOMIC).is_err() {
                return;
            }
            for t in threads.list.iter().filter(|t| !t.dead) {
                let _ = tids.push(t.tid, GFP_ATOMIC);
            }
        }
        tids.iter().for_each(|&tid| f(tid));
    }

    /// Detaches from every thread and forgets them; the session is over.
    /// Threads resume, except those another engine holds.
    pub(crate) fn detach_all(&self) {
        let list = {
            let mut threads = self.threads.lock();
            threads.stopping = false;
            core::mem::take(&mut threads.list)
        };
        for t in list.iter() {
            if let Err(e) = utrace::control(&t.task, &t.engine, Action::Detach) {
                if e.to_errno() == -(bindings::EINPROGRESS as i32) {
                    let _ = utrace::barrier(&t.task, &t.engine);
                }
            }
        }
    }

    /// Kills the process, as gdb's `kill` asks.
    pub(crate) fn kill(&self) {
        if let Some((task, _)) = self.any_thread() {
            sys::signal_thread(&task, bindings::SIGKILL as i32);
        }
    }

    /// Records `event` for the current thread and stops the process.
    fn stop_for(&self, task: &Task, engine: &Engine, event: Event) -> Action {
        let mut threads = self.threads.lock();
        threads.sequence += 1;
        let seq = threads.sequence;
        if let Some(t) = threads.current(engine) {
            t.event = Some((seq, event));
            t.at_signal = matches!(event, Event::Signal(_));
        }
        threads.stop_all(Some(engine));
        drop(threads);
        self.stop_here(task, engine)
    }

    /// Records that thread `tid` started, and stops the process (the
    /// current thread, which created it, too).
    fn stop_for_new_thread(&self, task: &Task, engine: &Engine, tid: i32) -> Action {
        let mut threads = self.threads.lock();
        threads.sequence += 1;
        let seq = threads.sequence;
        if let Some(t) = threads.find(tid) {
            t.event = Some((seq, Event::ThreadCreated));
        }
        threads.stop_all(Some(engine));
        drop(threads);
        self.stop_here(task, engine)
    }

    /// Stops the current thread, waking the reader once it has stopped.
    fn stop_here(&self, task: &Task, engine: &Engine) -> Action {
        utrace::wake_up_on_stop(task, engine, self.waker.clone());
        Action::Stop
    }

    /// What the current thread does next, outside of any event.
    fn carry_on(&self, task: &Task, engine: &Engine) -> Action {
        let mut threads = self.threads.lock();
        let stopping = threads.stopping;
        let action = match threads.current(engine) {
            Some(t) => Threads::answer(stopping, t),
            None => Action::Resume,
        };
        drop(threads);
        if action == Action::Stop {
            return self.stop_here(task, engine);
        }
        action
    }
}

/// `info` as user space sees it in a `siginfo_t`: the kernel's siginfo
/// and zeroes after it, as copy_siginfo_to_user() makes it.
fn siginfo_bytes(info: &bindings::kernel_siginfo) -> [u8; SIGINFO_SIZE] {
    let mut out = [0u8; SIGINFO_SIZE];
    let size = core::mem::size_of::<bindings::kernel_siginfo>().min(SIGINFO_SIZE);
    // SAFETY: `info` is a valid `kernel_siginfo`, plain data of `size`
    // bytes, only read here.
    let bytes = unsafe { core::slice::from_raw_parts(info as *const _ as *const u8, size) };
    out[..size].copy_from_slice(bytes);
    out
}

/// Rewrites `info` from `bytes`, a `siginfo_t` as user space has it (the
/// kernel's siginfo is its first part).
fn set_siginfo(info: &mut bindings::kernel_siginfo, bytes: &[u8; SIGINFO_SIZE]) {
    let size = core::mem::size_of::<bindings::kernel_siginfo>().min(SIGINFO_SIZE);
    // SAFETY: `info` is a valid `kernel_siginfo`, plain data of `size`
    // bytes, any bit pattern of which is a valid value.
    let out = unsafe { core::slice::from_raw_parts_mut(info as *mut _ as *mut u8, size) };
    out.copy_from_slice(&bytes[..size]);
}

/// The events an engine of the session asks for: system calls only while
/// gdb catches some.
fn engine_events(syscalls: bool) -> Events {
    let events = Events::QUIESCE
        | Events::ALL_SIGNALS
        | Events::CLONE
        | Events::EXEC
        | Events::EXIT
        | Events::DEATH;
    if syscalls {
        events | Events::SYSCALL_ENTRY | Events::SYSCALL_EXIT
    } else {
        events
    }
}

/// Removes and returns `list[i]`, moving the last element into its place.
pub(crate) fn swap_remove<T>(list: &mut KVec<T>, i: usize) -> T {
    let last = list.len() - 1;
    list.as_mut_slice().swap(i, last);
    // SAFETY: The element at `last` is initialised; after reading it out
    // the length shrinks so that it is never dropped twice.
    unsafe {
        let item = core::ptr::read(list.as_ptr().add(last));
        list.set_len(last);
        item
    }
}

/// The current task, in a callback.
fn current() -> ARef<Task> {
    // SAFETY: The callbacks run in the traced thread itself.
    let task = unsafe { Task::current() };
    ARef::from(&*task)
}

impl EngineOps for Tracer {
    fn report_quiesce(&self, engine: &Engine, _event: Events) -> Action {
        self.carry_on(&current(), engine)
    }

    fn report_syscall_entry(&self, engine: &Engine, regs: &mut UserRegs<'_>) -> SyscallEntry {
        SyscallEntry {
            action: self.syscall_stop(engine, regs, true),
            abort: false,
        }
    }

    fn report_syscall_exit(&self, engine: &Engine, regs: &mut UserRegs<'_>) -> Action {
        self.syscall_stop(engine, regs, false)
    }

    /// Traps of the stub's own making (breakpoints, steps) are consumed
    /// here; any other signal stops the process and waits for gdb, which
    /// says when it resumes whether the thread gets it.
    /// gdb's own traps are gdb's alone: a breakpoint it inserted, a
    /// hardware breakpoint or watchpoint it set, a step it asked for. A
    /// ptracer of the same thread never sees them.
    fn claims_signal(&self, engine: &Engine, signal: &SignalReport<'_>) -> bool {
        if signal.signr() != bindings::SIGTRAP as i32 {
            return false;
        }
        let code = signal.code();
        if code == bindings::SI_KERNEL as i32 {
            let pc = sys::current_pc(&current());
            return self.breakpoints.lock().contains(pc.wrapping_sub(1));
        }
        if code != bindings::TRAP_HWBKPT as i32 && code != bindings::TRAP_TRACE as i32 {
            return false;
        }
        if self.hw.lock().hit(sys::hw_hits()).is_some() {
            return true;
        }
        code == bindings::TRAP_TRACE as i32
            && self
                .threads
                .lock()
                .current(engine)
                .is_some_and(|t| t.run.steps())
    }

    fn report_signal(&self, engine: &Engine, signal: &mut SignalReport<'_>) -> Action {
        let task = current();
        let signr = signal.signr();
        let code = signal.code();
        let pc = sys::current_pc(&task);
        let at_breakpoint = signr == bindings::SIGTRAP as i32
            && code == bindings::SI_KERNEL as i32
            && self.breakpoints.lock().contains(pc.wrapping_sub(1));
        // A debug exception, which left the debug registers that fired.
        let hw_hit = if signr == bindings::SIGTRAP as i32
            && (code == bindings::TRAP_HWBKPT as i32 || code == bindings::TRAP_TRACE as i32)
        {
            self.hw.lock().hit(sys::hw_hits())
        } else {
            None
        };
        let mut threads = self.threads.lock();
        let stopping = threads.stopping;
        let Some(t) = threads.current(engine) else {
            return Action::Resume;
        };
        if t.injected == signr {
            t.injected = 0;
            return Threads::answer(stopping, t);
        }
        let stepped = signr == bindings::SIGTRAP as i32
            && code == bindings::TRAP_TRACE as i32
            && t.run.steps();
        if let Some((kind, addr)) = hw_hit {
            signal.ignore();
            drop(threads);
            return self.stop_for(&task, engine, Event::Hw(kind, addr));
        }
        if at_breakpoint {
            signal.ignore();
            sys::set_current_pc(&task, pc - 1);
            drop(threads);
            return self.stop_for(&task, engine, Event::SwBreak(pc - 1));
        }
        if stepped {
            signal.ignore();
            if let Run::Range(start, end) = t.run {
                if !stopping && (start..end).contains(&pc) {
                    return Action::SingleStep;
                }
            }
            drop(threads);
            return self.stop_for(&task, engine, Event::Step);
        }
        let pass = threads.pass;
        if (1..=64).contains(&signr) && pass & (1 << (signr - 1)) != 0 {
            drop(threads);
            return self.carry_on(&task, engine);
        }
        if let Some(t) = threads.current(engine) {
            t.siginfo = siginfo_bytes(signal.info());
            t.siginfo_written = false;
        }
        drop(threads);
        self.stop_for(&task, engine, Event::Signal(signr))
    }

    /// A thread gdb steps took a signal into its handler: it stops at the
    /// handler's first instruction, as under ptrace, and gdb goes on
    /// stepping from there if it likes.
    fn report_signal_handler(&self, engine: &Engine, _stepping: bool) -> Action {
        let task = current();
        let stepping = self
            .threads
            .lock()
            .current(engine)
            .is_some_and(|t| t.run.steps());
        if stepping {
            return self.stop_for(&task, engine, Event::Step);
        }
        self.carry_on(&task, engine)
    }

    /// The thread leaves a signal stop: it gets the signal gdb resumed it
    /// with, which may be another one or none.
    fn report_signal_resume(&self, engine: &Engine, signal: &mut SignalReport<'_>) {
        let mut threads = self.threads.lock();
        // A signal gdb passes, or one the stub sent, goes through as is.
        let Some(t) = threads.current(engine).filter(|t| t.at_signal) else {
            return;
        };
        let resume_signal = core::mem::take(&mut t.resume_signal);
        t.at_signal = false;
        let written = core::mem::take(&mut t.siginfo_written).then_some(t.siginfo);
        drop(threads);
        // Another engine (a ptracer) discarded it meanwhile.
        if signal.is_ignored() {
            return;
        }
        match resume_signal {
            0 => signal.ignore(),
            s => {
                if let Some(bytes) = written.filter(|_| s == signal.signr()) {
                    set_siginfo(signal.info(), &bytes);
                }
                signal.deliver(s)
            }
        }
    }

    /// New threads are traced like the others. A new process stops the
    /// parent for gdb, if gdb handles the event, and is held until gdb
    /// detaches it; otherwise a forked child runs without the stub's
    /// breakpoints, which would kill it.
    fn report_clone(&self, engine: &Engine, clone_flags: u64, child: &Task) -> Action {
        let task = current();
        let flag = |f: u32| clone_flags & u64::from(f) != 0;
        if flag(bindings::CLONE_THREAD) {
            // The engine's ops are this tracer.
            let added = self.add_thread(engine.ops(), child.into()).is_ok();
            if added && self.wants(THREAD_EVENTS) {
                return self.stop_for_new_thread(&task, engine, sys::tid(child));
            }
        } else if !flag(bindings::CLONE_VM) {
            if self.wants(FORK_EVENTS) && self.hold_child(child, true).is_ok() {
                let child = sys::tid(child);
                return self.stop_for(
                    &task,
                    engine,
                    Event::Fork {
                        child,
                        vfork: false,
                    },
                );
            }
            self.breakpoints.lock().remove_from(child);
        } else if flag(bindings::CLONE_VFORK)
            && self.wants(VFORK_EVENTS)
            && self.hold_child(child, false).is_ok()
        {
            // The child shares the parent's memory and breakpoints: gdb
            // lifts them from the parent until the vfork is done.
            let child = sys::tid(child);
            return self.stop_for(&task, engine, Event::Fork { child, vfork: true });
        }
        self.carry_on(&task, engine)
    }

    fn report_vfork_done(&self, engine: &Engine, _child_pid: i32) -> Action {
        let task = current();
        if self.wants(VFORK_EVENTS) {
            return self.stop_for(&task, engine, Event::VForkDone);
        }
        self.carry_on(&task, engine)
    }

    /// The old program is gone, and with it every breakpoint and
    /// watchpoint, without a byte to restore. The other threads are gone
    /// too (a death report may still be on its way; it finds nothing),
    /// and this one has the process ID now.
    fn report_exec(&self, engine: &Engine, _old_pid: i32) -> Action {
        let task = current();
        self.breakpoints.lock().forget_all();
        self.hw.lock().remove_all();
        let mut threads = self.threads.lock();
        let mut i = 0;
        while i < threads.list.len() {
            if core::ptr::eq(&*threads.list[i].engine, engine) {
                i += 1;
            } else {
                drop(swap_remove(&mut threads.list, i));
            }
        }
        if let Some(t) = threads.current(engine) {
            t.tid = sys::tid(&task);
        }
        drop(threads);
        if self.wants(EXEC_EVENTS) {
            return self.stop_for(&task, engine, Event::Exec);
        }
        self.carry_on(&task, engine)
    }

    fn report_exit(&self, engine: &Engine, orig_code: i64, _code: &mut i64) -> Action {
        let task = current();
        if let Some(t) = self.threads.lock().current(engine) {
            t.exit_code = orig_code;
        }
        self.carry_on(&task, engine)
    }

    fn report_death(&self, engine: &Engine, group_dead: bool) -> Action {
        self.hw.lock().forget_thread(&current());
        // A thread that dies with its whole process is not reported alone.
        let thread_events =
            !group_dead && self.wants(THREAD_EVENTS) && !sys::group_exiting(&current());
        let mut threads = self.threads.lock();
        threads.sequence += 1;
        let seq = threads.sequence;
        let mut code = 0;
        if let Some(t) = threads.current(engine) {
            t.dead = true;
            t.event = thread_events.then_some((seq, Event::ThreadExited(t.exit_code)));
            code = t.exit_code;
        }
        if group_dead {
            threads.exit = Some(code);
        } else if thread_events {
            threads.stop_all(Some(engine));
        }
        drop(threads);
        self.waker.wake_all();
        Action::Detach
    }
}
