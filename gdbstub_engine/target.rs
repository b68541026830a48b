// SPDX-License-Identifier: GPL-2.0

//! The process as the gdbstub crate sees it: registers, memory, threads,
//! resume actions and breakpoints, on top of the [`Tracer`].

use crate::sys;
use crate::tracer::{Run, Tracer};
use core::num::NonZeroUsize;
use gdbstub::common::{Pid, Signal, Tid};
use gdbstub::target::ext::auxv::{Auxv, AuxvOps};
use gdbstub::target::ext::base::multithread::{
    MultiThreadBase, MultiThreadRangeStepping, MultiThreadRangeSteppingOps, MultiThreadResume,
    MultiThreadResumeOps, MultiThreadSchedulerLocking, MultiThreadSchedulerLockingOps,
    MultiThreadSingleStep, MultiThreadSingleStepOps,
};
use gdbstub::target::ext::base::single_register_access::{
    SingleRegisterAccess, SingleRegisterAccessOps,
};
use gdbstub::target::ext::base::BaseOps;
use gdbstub::target::ext::breakpoints::{
    Breakpoints, BreakpointsOps, HwBreakpoint, HwBreakpointOps, HwWatchpoint, HwWatchpointOps,
    SwBreakpoint, SwBreakpointOps, WatchKind,
};
use gdbstub::target::ext::catch_syscalls::{CatchSyscalls, CatchSyscallsOps, SyscallNumbers};
use gdbstub::target::ext::exec_file::{ExecFile, ExecFileOps};
use gdbstub::target::ext::extended_mode::{
    Args, AttachKind, CurrentActivePid, CurrentActivePidOps, ExtendedMode, ExtendedModeOps,
    ShouldTerminate,
};
use gdbstub::target::ext::libraries::{LibrariesSvr4, LibrariesSvr4Ops};
use gdbstub::target::ext::target_description_xml_override::{
    TargetDescriptionXmlOverride, TargetDescriptionXmlOverrideOps,
};
use gdbstub::target::{Target, TargetError, TargetResult};
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::task::Task;
use kernel::types::ARef;
use ugdb_arch_x86::debugregs::HwKind;
use ugdb_arch_x86::{target_xml, RawRegs, RegNum, X86_64Linux};
use ugdb_proto::libraries_svr4;
use ugdb_proto::signals;
use ugdb_proto::syscall_filter::SyscallFilter;
use ugdb_proto::tls::{self, Symbols, TlsError, TlsRequest};
use utrace::Engine;

/// An errno for gdb's `E` reply.
fn errno(e: Error) -> TargetError<Error> {
    TargetError::Errno((-e.to_errno()).clamp(1, 255) as u8)
}

/// gdb's number of the fs_base register, the x86-64 thread pointer.
const FS_BASE: usize = 58;

fn tid_of(tid: Tid) -> i32 {
    tid.get().try_into().unwrap_or(i32::MAX)
}

/// One resume action gdb gave in a `vCont` packet.
struct Plan {
    tid: i32,
    run: Run,
    signal: i32,
}

pub(crate) struct GdbTarget {
    /// The process the session debugs (see [`GdbTarget::follow`]).
    pub(crate) tracer: Arc<Tracer>,
    /// The process ID, as gdb names the process.
    pid: Pid,
    /// The process gdb last selected with `Hgp`: this one, or a forked
    /// child held for gdb (0: this one).
    selected: i32,
    /// The resume actions of the `vCont` being parsed.
    plan: KVec<Plan>,
    /// What threads `vCont` does not name do: continue, or stay stopped
    /// under gdb's scheduler locking.
    others: Run,
    /// Scratch registers, too large for the kernel stack.
    scratch: KBox<RawRegs>,
    has_avx: bool,
}

impl GdbTarget {
    pub(crate) fn new(tracer: Arc<Tracer>, pid: i32) -> Result<Self> {
        Ok(Self {
            tracer,
            pid: Pid::new(pid as usize).ok_or(EINVAL)?,
            selected: 0,
            plan: KVec::new(),
            others: Run::Continue,
            scratch: KBox::new(RawRegs::default(), GFP_KERNEL)?,
            has_avx: sys::has_avx(),
        })
    }

    /// The ID of the process, as gdb names it.
    pub(crate) fn pid(&self) -> u32 {
        self.pid.get() as u32
    }

    /// Has what gdb asks next, when no thread says, be about process
    /// `pid` (a held child, or this process).
    pub(crate) fn select_process(&mut self, pid: i32) {
        self.selected = pid;
    }

    /// The session goes on with `child`, a held child, once gdb has
    /// detached its parent (`follow-fork-mode child`).
    pub(crate) fn follow(&mut self, child: Arc<Tracer>) -> Result {
        self.pid = Pid::new(child.pid() as usize).ok_or(EINVAL)?;
        self.tracer = child;
        self.selected = 0;
        Ok(())
    }

    /// The process gdb works on: the one it selected, if still held.
    fn process(&self) -> Arc<Tracer> {
        if self.selected != 0 && self.selected != self.tracer.pid() {
            if let Some(child) = self.tracer.child_with(self.selected) {
                return child;
            }
        }
        self.tracer.clone()
    }

    /// Thread `tid`, of this process or of a held child, and its tracer.
    fn lookup(&self, tid: Tid) -> Result<(Arc<Tracer>, ARef<Task>, Arc<Engine>)> {
        let tid = tid_of(tid);
        if let Some((task, engine)) = self.tracer.thread(tid) {
            return Ok((self.tracer.clone(), task, engine));
        }
        let child = self.tracer.child_with(tid).ok_or(ESRCH)?;
        let (task, engine) = child.thread(tid).ok_or(ESRCH)?;
        Ok((child, task, engine))
    }

    fn thread(&self, tid: Tid) -> Result<(ARef<Task>, Arc<Engine>)> {
        self.lookup(tid).map(|(_, task, engine)| (task, engine))
    }

    /// The thread gdb reads or writes memory through, and its tracer:
    /// `tid`, or any thread of the process gdb selected.
    fn memory_thread(&self, tid: Tid) -> TargetResult<(Arc<Tracer>, ARef<Task>), Self> {
        if let Ok((tracer, task, _)) = self.lookup(tid) {
            return Ok((tracer, task));
        }
        let tracer = self.process();
        let (task, _) = tracer.any_thread().ok_or(TargetError::Errno(3))?;
        Ok((tracer, task))
    }

    /// The address of a thread-local variable, as `qGetTLSAddr` asks,
    /// computed from glibc's layout descriptors at `symbols`.
    pub(crate) fn tls_address(
        &mut self,
        symbols: &Symbols,
        request: TlsRequest,
    ) -> core::result::Result<u64, TlsError> {
        let tid = Tid::new(request.tid as usize).ok_or(TlsError::Fault)?;
        let (_, task, engine) = self.lookup(tid).map_err(|_| TlsError::Fault)?;
        self.read_raw(&task, &engine).map_err(|_| TlsError::Fault)?;
        let mut fs_base = [0u8; 8];
        self.scratch
            .read_gdb_reg(RegNum(FS_BASE), &mut fs_base)
            .ok_or(TlsError::Fault)?;
        let read = |addr: u64, buf: &mut [u8]| {
            (sys::read_memory(&task, addr, buf) == buf.len()).then_some(())
        };
        let fs_base = u64::from_le_bytes(fs_base);
        tls::tls_address(symbols, read, fs_base, request.lm, request.offset)
    }

    /// Reads the registers of a stopped thread into `scratch`.
    fn read_raw(&mut self, task: &Task, engine: &Engine) -> Result {
        let window = utrace::prepare_examine(task, engine)?;
        sys::read_regs(task, &mut self.scratch)?;
        utrace::finish_examine(task, engine, window)
    }

    /// Writes `scratch` into the registers of a stopped thread.
    fn write_raw(&mut self, task: &Task, engine: &Engine) -> Result {
        let window = utrace::prepare_examine(task, engine)?;
        sys::write_regs(task, &self.scratch)?;
        utrace::finish_examine(task, engine, window)
    }

    fn plan(&mut self, tid: Tid, run: Run, signal: Option<Signal>) -> Result<(), Error> {
        let signal = match signal {
            None => 0,
            Some(Signal(s)) => signals::from_gdb(s).ok_or(EINVAL)?,
        };
        self.plan.push(
            Plan {
                tid: tid_of(tid),
                run,
                signal,
            },
            GFP_KERNEL,
        )?;
        Ok(())
    }
}

impl Target for GdbTarget {
    type Arch = X86_64Linux;
    type Error = Error;

    fn base_ops(&mut self) -> BaseOps<'_, X86_64Linux, Error> {
        BaseOps::MultiThread(self)
    }

    fn support_breakpoints(&mut self) -> Option<BreakpointsOps<'_, Self>> {
        Some(self)
    }

    fn support_target_description_xml_override(
        &mut self,
    ) -> Option<TargetDescriptionXmlOverrideOps<'_, Self>> {
        Some(self)
    }

    fn support_auxv(&mut self) -> Option<AuxvOps<'_, Self>> {
        Some(self)
    }

    fn support_exec_file(&mut self) -> Option<ExecFileOps<'_, Self>> {
        Some(self)
    }

    fn support_libraries_svr4(&mut self) -> Option<LibrariesSvr4Ops<'_, Self>> {
        Some(self)
    }

    fn support_extended_mode(&mut self) -> Option<ExtendedModeOps<'_, Self>> {
        Some(self)
    }

    fn support_catch_syscalls(&mut self) -> Option<CatchSyscallsOps<'_, Self>> {
        Some(self)
    }

    /// The stub inserts breakpoints itself; gdb must not write `int3`.
    fn guard_rail_implicit_sw_breakpoints(&self) -> bool {
        true
    }

    // The crate's fork stop replies name the wrong process: these events
    // are announced and reported in ugdb_proto::process_events instead.
    fn use_fork_stop_reason(&self) -> bool {
        false
    }

    fn use_vfork_stop_reason(&self) -> bool {
        false
    }

    fn use_vforkdone_stop_reason(&self) -> bool {
        false
    }
}

impl MultiThreadBase for GdbTarget {
    fn read_registers(&mut self, regs: &mut RawRegs, tid: Tid) -> TargetResult<(), Self> {
        let (task, engine) = self.thread(tid).map_err(errno)?;
        self.read_raw(&task, &engine).map_err(errno)?;
        regs.clone_from(&self.scratch);
        Ok(())
    }

    /// gdb sends every register; those it cannot see (the rest of the
    /// FXSAVE image) keep their values.
    fn write_registers(&mut self, regs: &RawRegs, tid: Tid) -> TargetResult<(), Self> {
        let (task, engine) = self.thread(tid).map_err(errno)?;
        self.read_raw(&task, &engine).map_err(errno)?;
        if self.scratch.has_avx != regs.has_avx {
            return Err(TargetError::NonFatal);
        }
        self.scratch.copy_gdb_registers(regs);
        self.write_raw(&task, &engine).map_err(errno)
    }

    fn support_single_register_access(&mut self) -> Option<SingleRegisterAccessOps<'_, Tid, Self>> {
        Some(self)
    }

    fn read_addrs(&mut self, start: u64, data: &mut [u8], tid: Tid) -> TargetResult<usize, Self> {
        let (tracer, task) = self.memory_thread(tid)?;
        let n = sys::read_memory(&task, start, data);
        if n == 0 && !data.is_empty() {
            return Err(TargetError::Errno(14));
        }
        tracer.breakpoints.lock().hide(start, &mut data[..n]);
        Ok(n)
    }

    fn write_addrs(&mut self, start: u64, data: &[u8], tid: Tid) -> TargetResult<(), Self> {
        let (tracer, task) = self.memory_thread(tid)?;
        if sys::write_memory(&task, start, data) != data.len() {
            return Err(TargetError::Errno(14));
        }
        tracer.breakpoints.lock().write_through(&task, start, data);
        Ok(())
    }

    fn list_active_threads(&mut self, report: &mut dyn FnMut(Tid)) -> Result<(), Error> {
        self.tracer.for_each_tid(|tid| {
            if let Some(tid) = NonZeroUsize::new(tid as usize) {
                report(tid);
            }
        });
        Ok(())
    }

    fn support_resume(&mut self) -> Option<MultiThreadResumeOps<'_, Self>> {
        Some(self)
    }
}

impl SingleRegisterAccess<Tid> for GdbTarget {
    fn read_register(
        &mut self,
        tid: Tid,
        reg: RegNum,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        let (task, engine) = self.thread(tid).map_err(errno)?;
        self.read_raw(&task, &engine).map_err(errno)?;
        self.scratch
            .read_gdb_reg(reg, buf)
            .ok_or(TargetError::NonFatal)
    }

    fn write_register(&mut self, tid: Tid, reg: RegNum, value: &[u8]) -> TargetResult<(), Self> {
        let (task, engine) = self.thread(tid).map_err(errno)?;
        self.read_raw(&task, &engine).map_err(errno)?;
        self.scratch
            .write_gdb_reg(reg, value)
            .ok_or(TargetError::NonFatal)?;
        self.write_raw(&task, &engine).map_err(errno)
    }
}

impl MultiThreadResume for GdbTarget {
    fn resume(&mut self) -> Result<(), Error> {
        let plan = &self.plan;
        let others = self.others;
        self.tracer.resume(|tid| {
            plan.iter()
                .find(|p| p.tid == tid)
                .map_or((others, 0), |p| (p.run, p.signal))
        });
        Ok(())
    }

    fn clear_resume_actions(&mut self) -> Result<(), Error> {
        self.plan = KVec::new();
        self.others = Run::Continue;
        Ok(())
    }

    fn set_resume_action_continue(
        &mut self,
        tid: Tid,
        signal: Option<Signal>,
    ) -> Result<(), Error> {
        self.plan(tid, Run::Continue, signal)
    }

    fn support_single_step(&mut self) -> Option<MultiThreadSingleStepOps<'_, Self>> {
        Some(self)
    }

    fn support_range_step(&mut self) -> Option<MultiThreadRangeSteppingOps<'_, Self>> {
        Some(self)
    }

    fn support_scheduler_locking(&mut self) -> Option<MultiThreadSchedulerLockingOps<'_, Self>> {
        Some(self)
    }
}

impl MultiThreadSingleStep for GdbTarget {
    fn set_resume_action_step(&mut self, tid: Tid, signal: Option<Signal>) -> Result<(), Error> {
        self.plan(tid, Run::Step, signal)
    }
}

impl MultiThreadRangeStepping for GdbTarget {
    fn set_resume_action_range_step(
        &mut self,
        tid: Tid,
        start: u64,
        end: u64,
    ) -> Result<(), Error> {
        self.plan(tid, Run::Range(start, end), None)
    }
}

impl MultiThreadSchedulerLocking for GdbTarget {
    fn set_resume_action_scheduler_lock(&mut self) -> Result<(), Error> {
        self.others = Run::Stay;
        Ok(())
    }
}

impl Breakpoints for GdbTarget {
    fn support_sw_breakpoint(&mut self) -> Option<SwBreakpointOps<'_, Self>> {
        Some(self)
    }

    fn support_hw_breakpoint(&mut self) -> Option<HwBreakpointOps<'_, Self>> {
        Some(self)
    }

    fn support_hw_watchpoint(&mut self) -> Option<HwWatchpointOps<'_, Self>> {
        Some(self)
    }
}

impl HwBreakpoint for GdbTarget {
    fn add_hw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        let process = self.process();
        let mut hw = process.hw.lock();
        hw.insert(addr, 1, HwKind::Exec).map_err(errno)?;
        Ok(true)
    }

    fn remove_hw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        Ok(self.process().hw.lock().remove(addr, 1, HwKind::Exec))
    }
}

/// The debug-register kind of a gdb watchpoint; x86 has none that traps
/// on reads alone.
fn hw_kind(kind: WatchKind) -> Option<HwKind> {
    match kind {
        WatchKind::Write => Some(HwKind::Write),
        WatchKind::ReadWrite => Some(HwKind::Access),
        WatchKind::Read => None,
    }
}

impl HwWatchpoint for GdbTarget {
    fn add_hw_watchpoint(
        &mut self,
        addr: u64,
        len: u64,
        kind: WatchKind,
    ) -> TargetResult<bool, Self> {
        let Some(kind) = hw_kind(kind) else {
            return Ok(false);
        };
        self.process()
            .hw
            .lock()
            .insert(addr, len, kind)
            .map_err(errno)?;
        Ok(true)
    }

    fn remove_hw_watchpoint(
        &mut self,
        addr: u64,
        len: u64,
        kind: WatchKind,
    ) -> TargetResult<bool, Self> {
        let Some(kind) = hw_kind(kind) else {
            return Ok(false);
        };
        Ok(self.process().hw.lock().remove(addr, len, kind))
    }
}

impl SwBreakpoint for GdbTarget {
    fn add_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        let process = self.process();
        let (task, _) = process.any_thread().ok_or(TargetError::Errno(3))?;
        let inserted = process.breakpoints.lock().insert(&task, addr);
        Ok(inserted.is_ok())
    }

    fn remove_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        let process = self.process();
        let (task, _) = process.any_thread().ok_or(TargetError::Errno(3))?;
        let removed = process.breakpoints.lock().remove(&task, addr);
        Ok(removed.is_ok())
    }
}

impl TargetDescriptionXmlOverride for GdbTarget {
    fn target_description_xml(
        &self,
        annex: &[u8],
        offset: u64,
        length: usize,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        let doc = target_xml::annex(annex, self.has_avx).ok_or(TargetError::NonFatal)?;
        let doc = doc.as_bytes();
        let start = (offset as usize).min(doc.len());
        let n = (doc.len() - start).min(length).min(buf.len());
        buf[..n].copy_from_slice(&doc[start..start + n]);
        Ok(n)
    }
}

impl Auxv for GdbTarget {
    fn get_auxv(&self, offset: u64, length: usize, buf: &mut [u8]) -> TargetResult<usize, Self> {
        let (task, _) = self.process().any_thread().ok_or(TargetError::Errno(3))?;
        let len = length.min(buf.len());
        sys::read_auxv(&task, offset, &mut buf[..len]).map_err(errno)
    }
}

impl ExecFile for GdbTarget {
    fn get_exec_file(
        &self,
        _pid: Option<gdbstub::common::Pid>,
        offset: u64,
        length: usize,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        let (task, _) = self.process().any_thread().ok_or(TargetError::Errno(3))?;
        let mut path = KVec::from_elem(0u8, 4096, GFP_KERNEL).map_err(|e| errno(e.into()))?;
        let n = sys::exec_file(&task, &mut path).map_err(errno)?;
        let start = (offset as usize).min(n);
        let count = (n - start).min(length).min(buf.len());
        buf[..count].copy_from_slice(&path[start..start + count]);
        Ok(count)
    }
}

/// The largest shared library list sent: 1 MiB, thousands of libraries.
const MAX_LIBRARY_LIST: usize = 1 << 20;

/// The list of shared libraries, from the dynamic linker's `r_debug` in
/// the process's memory: gdb need not walk it with memory reads.
impl LibrariesSvr4 for GdbTarget {
    fn get_libraries_svr4(
        &self,
        offset: u64,
        length: usize,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        let (task, _) = self.process().any_thread().ok_or(TargetError::Errno(3))?;
        let alloc = |size| KVVec::from_elem(0u8, size, GFP_KERNEL).map_err(|e| errno(e.into()));
        let mut auxv = alloc(4096)?;
        let auxv_len = sys::read_auxv(&task, 0, &mut auxv).map_err(errno)?;
        let mut read = |addr: u64, out: &mut [u8]| {
            (sys::read_memory(&task, addr, out) == out.len()).then_some(())
        };
        let mut size = 16384;
        let (doc, n) = loop {
            let mut doc = alloc(size)?;
            if let Some(n) = libraries_svr4::library_list(&mut read, &auxv[..auxv_len], &mut doc) {
                break (doc, n);
            }
            if size >= MAX_LIBRARY_LIST {
                return Err(errno(E2BIG));
            }
            size *= 4;
        };
        let start = (offset as usize).min(n);
        let count = (n - start).min(length).min(buf.len());
        buf[..count].copy_from_slice(&doc[start..start + count]);
        Ok(count)
    }
}

/// The session debugs the one process it was opened on: gdb learns its
/// real process ID, and `kill` ends the session with the process. gdb
/// only uses the rest of extended mode with `target extended-remote`.
impl ExtendedMode for GdbTarget {
    /// Starting programs is gdbserver's job; the device attaches only.
    fn run(&mut self, _filename: Option<&[u8]>, _args: Args<'_, '_>) -> TargetResult<Pid, Self> {
        Err(errno(EPERM))
    }

    /// A session never takes on a second process.
    fn attach(&mut self, _pid: Pid) -> TargetResult<(), Self> {
        Err(errno(EPERM))
    }

    fn query_if_attached(&mut self, _pid: Pid) -> TargetResult<AttachKind, Self> {
        Ok(AttachKind::Attach)
    }

    /// The session ends on a kill, which kills the process (see
    /// `Session::finish`).
    fn kill(&mut self, _pid: Option<Pid>) -> TargetResult<ShouldTerminate, Self> {
        Ok(ShouldTerminate::Yes)
    }

    /// An attached process cannot be started again: `R` does nothing
    /// (the packet has no reply to carry an error).
    fn restart(&mut self) -> Result<(), Error> {
        Ok(())
    }

    fn support_current_active_pid(&mut self) -> Option<CurrentActivePidOps<'_, Self>> {
        Some(self)
    }
}

impl CurrentActivePid for GdbTarget {
    fn current_active_pid(&mut self) -> Result<Pid, Error> {
        Ok(self.pid)
    }
}

impl CatchSyscalls for GdbTarget {
    fn enable_catch_syscalls(
        &mut self,
        filter: Option<SyscallNumbers<'_, u64>>,
    ) -> TargetResult<(), Self> {
        let filter = match filter {
            None => SyscallFilter::All,
            Some(numbers) => SyscallFilter::from_numbers(numbers),
        };
        self.tracer.catch_syscalls(filter);
        Ok(())
    }

    fn disable_catch_syscalls(&mut self) -> TargetResult<(), Self> {
        self.tracer.catch_syscalls(SyscallFilter::Off);
        Ok(())
    }
}
