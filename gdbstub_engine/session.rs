// SPDX-License-Identifier: GPL-2.0

//! A gdb session: one open `/dev/utrace-gdb/PID`, the gdbstub state
//! machine that reads gdb's packets, and the process it controls.

use crate::sys;
use crate::target::GdbTarget;
use crate::tracer::{Event, Stop, Tracer};
use crate::waker::Waker;
use core::sync::atomic::{AtomicBool, Ordering};
use gdbstub::common::Signal;
use gdbstub::stub::state_machine::GdbStubStateMachine;
use gdbstub::stub::{DisconnectReason, GdbStubBuilder, GdbStubError, MultiThreadStopReason};
use gdbstub::target::ext::breakpoints::WatchKind;
use gdbstub::target::ext::catch_syscalls::CatchSyscallPosition;
use kernel::prelude::*;
use kernel::sync::{Arc, Mutex, SpinLock};
use kernel::task::Task;
use kernel::{new_mutex, new_spinlock};
use ugdb_arch_x86::debugregs::HwKind;
use ugdb_proto::conn::{OutputFull, OutputQueue};
use ugdb_proto::extensions::{self, Frame, Framer, Request};
use ugdb_proto::process_events::{self, ProcessEvent, ProcessEvents};
use ugdb_proto::refusal::{self, Limits};
use ugdb_proto::signals;
use ugdb_proto::tls::{self, SymbolStep, Symbols};

/// The largest packet gdb may send, advertised as PacketSize; memory
/// reads of half this size fill one reply.
const PACKET_SIZE: usize = 16384;
/// Room for the longest reply, hex-encoded, with its framing.
const OUTPUT_SIZE: usize = 2 * PACKET_SIZE + 256;
/// What packets the crate can take from gdb (see [`refusal`]).
const LIMITS: Limits<'static> = Limits {
    packet_size: PACKET_SIZE,
    ..refusal::ENGINE_LIMITS
};

/// [`Session::status`]: a read would return data (`UGDB_READABLE` in
/// transport/session.h).
pub(crate) const READABLE: u32 = 1;
/// [`Session::status`]: the session is over (`UGDB_HUNG_UP`).
pub(crate) const HUNG_UP: u32 = 2;

type Machine = GdbStubStateMachine<'static, GdbTarget, OutputQueue<'static>>;

/// A buffer that lives as long as the session, lent to the state machine.
struct Buffer(*mut u8, usize, usize);

impl Buffer {
    fn new(size: usize) -> Result<Self> {
        let (ptr, len, cap) = KVVec::from_elem(0u8, size, GFP_KERNEL)?.into_raw_parts();
        Ok(Self(ptr, len, cap))
    }

    /// The buffer for the state machine.
    ///
    /// # Safety
    ///
    /// Called once; the slice must be dropped before `self`.
    unsafe fn lend(&mut self) -> &'static mut [u8] {
        // SAFETY: The memory is ours and lives until `drop`; the caller
        // lends it out once and gives it back before dropping `self`.
        unsafe { core::slice::from_raw_parts_mut(self.0, self.1) }
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        // SAFETY: The parts came from `into_raw_parts` in `new`.
        drop(unsafe { KVVec::from_raw_parts(self.0, self.1, self.2) });
    }
}

/// The gdbstub crate's state machine over the process.
struct Stub {
    machine: Option<Machine>,
    target: GdbTarget,
    /// The thread gdb asks about: the last it selected with `Hg`, or the
    /// one the last stop reply named.
    current_tid: i32,
    /// glibc's TLS layout descriptors, as gdb looked them up.
    symbols: Symbols,
}

/// The protocol side of a session.
struct Proto {
    // Declared before the buffers, so dropped before them.
    stub: Stub,
    /// Frames gdb's packets for [`extensions`] before the crate sees them.
    framer: Framer<'static>,
    /// gdb and the stub stopped acknowledging packets.
    no_ack: bool,
    _packet: Buffer,
    _output: Buffer,
    _frame: Buffer,
}

// SAFETY: The buffers are only reached through `stub` and `framer`, under
// the session's mutex.
unsafe impl Send for Proto {}

fn output(machine: &mut Machine) -> &mut OutputQueue<'static> {
    match machine {
        GdbStubStateMachine::Idle(m) => m.borrow_conn(),
        GdbStubStateMachine::Running(m) => m.borrow_conn(),
        GdbStubStateMachine::CtrlCInterrupt(m) => m.borrow_conn(),
        GdbStubStateMachine::Disconnected(m) => m.borrow_conn(),
    }
}

fn stop_reason(stop: Stop) -> MultiThreadStopReason<u64> {
    let tid = |tid: i32| core::num::NonZeroUsize::new(tid as usize);
    let signal = |sig: i32| Signal(signals::to_gdb(sig));
    match stop {
        Stop::Thread { tid: t, event } => match (tid(t), event) {
            (Some(tid), Event::SwBreak(_)) => MultiThreadStopReason::SwBreak(tid),
            // Process events amend this reply (see amend_process_event).
            (
                Some(tid),
                Event::Step
                | Event::Fork { .. }
                | Event::VForkDone
                | Event::Exec
                | Event::ThreadCreated
                | Event::ThreadExited(_),
            ) => MultiThreadStopReason::SignalWithThread {
                tid,
                signal: Signal::SIGTRAP,
            },
            (Some(tid), Event::Hw(HwKind::Exec, _)) => MultiThreadStopReason::HwBreak(tid),
            (Some(tid), Event::Hw(kind, addr)) => MultiThreadStopReason::Watch {
                tid,
                kind: match kind {
                    HwKind::Write => WatchKind::Write,
                    _ => WatchKind::ReadWrite,
                },
                addr,
            },
            (Some(tid), Event::Syscall { nr, entry }) => MultiThreadStopReason::CatchSyscall {
                tid: Some(tid),
                number: nr as u64,
                position: if entry {
                    CatchSyscallPosition::Entry
                } else {
                    CatchSyscallPosition::Return
                },
            },
            (Some(tid), Event::Signal(s)) => MultiThreadStopReason::SignalWithThread {
                tid,
                signal: signal(s),
            },
            (None, _) => MultiThreadStopReason::Signal(Signal::SIGTRAP),
        },
        Stop::Interrupted { tid: t } => match tid(t) {
            Some(tid) => MultiThreadStopReason::SignalWithThread {
                tid,
                signal: Signal::SIGINT,
            },
            None => MultiThreadStopReason::Signal(Signal::SIGINT),
        },
        Stop::Exited(status) if status & 0x7f == 0 => {
            MultiThreadStopReason::Exited(((status >> 8) & 0xff) as u8)
        }
        Stop::Exited(status) => MultiThreadStopReason::Terminated(signal((status & 0x7f) as i32)),
        // Sent as `N` in its place (see report_ready_stop).
        Stop::NoResumed { tid: t } => match tid(t) {
            Some(tid) => MultiThreadStopReason::SignalWithThread {
                tid,
                signal: Signal(0),
            },
            None => MultiThreadStopReason::Signal(Signal(0)),
        },
    }
}

impl Stub {
    /// Passes one byte from gdb to the state machine.
    fn feed(&mut self, byte: u8) -> Result {
        let machine = self.machine.take().ok_or(EIO)?;
        let next = match machine {
            GdbStubStateMachine::Idle(m) => m.incoming_data(&mut self.target, byte),
            GdbStubStateMachine::Running(m) => m.incoming_data(&mut self.target, byte),
            GdbStubStateMachine::CtrlCInterrupt(m) => {
                m.interrupt_handled(&mut self.target, None::<MultiThreadStopReason<u64>>)
            }
            GdbStubStateMachine::Disconnected(m) => {
                self.machine = Some(GdbStubStateMachine::Disconnected(m));
                return Err(EIO);
            }
        };
        let next = match next {
            Ok(GdbStubStateMachine::CtrlCInterrupt(m)) => {
                // gdb's Ctrl-C while the process runs: stop it, and
                // report the stop once every thread has stopped.
                self.target.tracer.interrupt();
                m.interrupt_handled(&mut self.target, None::<MultiThreadStopReason<u64>>)
            }
            other => other,
        };
        self.settle(next)
    }

    /// Reports a stop to gdb if the process is running for gdb and the
    /// stop is ready.
    fn report_ready_stop(&mut self) -> Result {
        let Some(GdbStubStateMachine::Running(_)) = self.machine else {
            return Ok(());
        };
        let Some(stop) = self.target.tracer.ready_stop(true) else {
            return Ok(());
        };
        let Some(GdbStubStateMachine::Running(m)) = self.machine.take() else {
            return Err(EIO);
        };
        if let Stop::Thread { tid, .. } | Stop::Interrupted { tid } | Stop::NoResumed { tid } = stop
        {
            self.current_tid = tid;
        }
        let next = m.report_stop(&mut self.target, stop_reason(stop));
        self.settle(next)?;
        match stop {
            Stop::Thread { tid, event } => self.amend_process_event(tid, event),
            // The crate has no `N`: it sent a stop reply, which leaves its
            // state machine waiting for gdb, as `N` does.
            Stop::NoResumed { .. } => {
                let out = self.output()?;
                if !out.replace_last_packet(process_events::NO_RESUMED) {
                    return Err(EIO);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Adds what a fork, vfork, exec or thread start says to the `SIGTRAP`
    /// stop reply of thread `tid`, just sent; a thread's end is a `w`
    /// reply in its place.
    fn amend_process_event(&mut self, tid: i32, event: Event) -> Result {
        let path;
        let event = match event {
            Event::Fork {
                child,
                vfork: false,
            } => ProcessEvent::Fork(child as u32),
            Event::Fork { child, vfork: true } => ProcessEvent::VFork(child as u32),
            Event::VForkDone => ProcessEvent::VForkDone,
            Event::ThreadCreated => ProcessEvent::ThreadCreated,
            Event::ThreadExited(status) => {
                let mut reply = [0u8; process_events::THREAD_EXIT_REPLY_SIZE];
                let status = ((status >> 8) & 0xff) as u8;
                let pid = self.target.pid();
                let n = process_events::thread_exit_reply(status, pid, tid as u32, &mut reply)
                    .ok_or(ENOMEM)?;
                if !self.output()?.replace_last_packet(&reply[..n]) {
                    return Err(EIO);
                }
                return Ok(());
            }
            Event::Exec => {
                let mut buf = KVec::from_elem(0u8, 4096, GFP_KERNEL)?;
                let (task, _) = self.target.tracer.thread(tid).ok_or(ESRCH)?;
                let n = sys::exec_file(&task, &mut buf)?;
                path = buf;
                ProcessEvent::Exec(&path[..n])
            }
            _ => return Ok(()),
        };
        let mut suffix =
            KVec::from_elem(0u8, process_events::stop_suffix_size(&event), GFP_KERNEL)?;
        let n = process_events::stop_suffix(&event, &mut suffix).ok_or(ENOMEM)?;
        if !self.output()?.amend_last_packet(&suffix[..n]) {
            return Err(EIO);
        }
        Ok(())
    }

    /// `D;PID` naming one of two processes, after a fork: detaches that
    /// one, and the session goes on with the other. False if the session
    /// ends (the process it debugs, with no held child).
    fn detach_process(&mut self, pid: i32, no_ack: bool) -> Result<bool> {
        let main = self.target.tracer.clone();
        let reply: &[u8] = if let Some(child) = main.take_child(pid) {
            child.release();
            b"OK"
        } else if pid != main.pid() {
            b"E03"
        } else if let Some(child) = main.take_child(0) {
            main.release();
            self.current_tid = child.pid();
            self.target.follow(child)?;
            b"OK"
        } else {
            return Ok(false);
        };
        self.reply(reply, no_ack)?;
        Ok(true)
    }

    /// Answers `qSymbol` (the stub asks gdb for glibc's TLS layout
    /// descriptors) and `qGetTLSAddr`; false for any other packet.
    fn answer_tls(&mut self, body: &[u8], no_ack: bool) -> Result<bool> {
        if let Some(step) = self.symbols.step(body) {
            let name = match step {
                SymbolStep::Ask(name) => name,
                SymbolStep::Done => return self.reply(b"OK", no_ack).map(|()| true),
            };
            let mut ask = [0u8; 8 + 2 * 64];
            let n = extensions::hex_encode(b"qSymbol:", name, &mut ask).ok_or(EINVAL)?;
            return self.reply(&ask[..n], no_ack).map(|()| true);
        }
        let Some(request) = tls::tls_request(body) else {
            return Ok(false);
        };
        let symbols = self.symbols;
        match self.target.tls_address(&symbols, request) {
            Ok(addr) => {
                let mut digits = [0u8; 16];
                let reply = extensions::hex_u64(addr, &mut digits);
                self.reply(reply, no_ack)?;
            }
            Err(_) => self.reply(b"E01", no_ack)?,
        }
        Ok(true)
    }

    /// Sends `body` as the reply to a packet answered here.
    fn reply(&mut self, body: &[u8], no_ack: bool) -> Result {
        let out = self.output()?;
        if !no_ack {
            out.push(b"+").map_err(|_| EIO)?;
        }
        out.push_packet(body, &[]).map_err(|_| EIO)
    }

    /// Keeps the state machine's next state; a protocol error ends the
    /// session (`EIO`), with the machine gone.
    fn settle(&mut self, next: Result<Machine, GdbStubError<Error, OutputFull>>) -> Result {
        match next {
            Ok(m) => {
                self.machine = Some(m);
                Ok(())
            }
            Err(e) => {
                // Anyone who may debug a process can write garbage here:
                // no log line they could flood by default.
                pr_debug!("gdb session ends on a protocol error: {:?}\n", e);
                Err(EIO)
            }
        }
    }

    fn disconnect_reason(&self) -> Option<DisconnectReason> {
        match &self.machine {
            Some(GdbStubStateMachine::Disconnected(m)) => Some(m.get_reason()),
            Some(_) => None,
            None => Some(DisconnectReason::Disconnect),
        }
    }

    /// The queue of what the stub says to gdb.
    fn output(&mut self) -> Result<&mut OutputQueue<'static>> {
        self.machine.as_mut().map(output).ok_or(EIO)
    }

    /// Answers a request the crate does not know.
    fn answer(&mut self, request: Request, no_ack: bool) -> Result {
        if !no_ack {
            self.output()?.push(b"+").map_err(|_| EIO)?;
        }
        match request {
            Request::ThreadsRead { offset, length } => self.send_threads(offset, length),
            Request::SiginfoRead { offset, length } => {
                let out = match self.target.tracer.siginfo(self.current_tid) {
                    Some(info) => {
                        let (prefix, data) = extensions::xfer_reply(&info, offset, length);
                        self.output()?.push_packet(prefix, data)
                    }
                    // Not stopped at a signal.
                    None => self.output()?.push_packet(b"E01", &[]),
                };
                out.map_err(|_| EIO)
            }
            Request::SiginfoWrite { offset, data, len } => {
                let tracer = &self.target.tracer;
                let written = tracer.write_siginfo(self.current_tid, offset, &data[..len]);
                let mut digits = [0u8; 16];
                // The reply to a qXfer write is the count written, in hex.
                let reply = match written {
                    Ok(()) => extensions::hex_u64(len as u64, &mut digits),
                    Err(_) => b"E16",
                };
                self.output()?.push_packet(reply, &[]).map_err(|_| EIO)
            }
            Request::PassSignals(set) => {
                self.target.tracer.pass_signals(set);
                self.output()?.push_packet(b"OK", &[]).map_err(|_| EIO)
            }
            Request::ProgramSignals(set) => {
                self.target.tracer.program_signals(set);
                self.output()?.push_packet(b"OK", &[]).map_err(|_| EIO)
            }
            Request::ThreadEvents(on) => {
                self.target.tracer.set_thread_events(on);
                self.output()?.push_packet(b"OK", &[]).map_err(|_| EIO)
            }
        }
    }

    /// Sends gdb its thread list document, from byte `offset`.
    fn send_threads(&mut self, offset: usize, length: usize) -> Result {
        let threads = self.target.tracer.live_threads()?;
        let mut named = KVec::with_capacity(threads.len(), GFP_KERNEL)?;
        for (tid, task) in threads.iter() {
            let mut name = [0u8; 16];
            let len = sys::comm(task, &mut name);
            named.push((*tid as u32, name, len), GFP_KERNEL)?;
        }
        let size = extensions::threads_xml_size(named.len());
        let mut doc = KVVec::from_elem(0u8, size, GFP_KERNEL)?;
        let threads = named.iter().map(|(tid, name, len)| (*tid, &name[..*len]));
        let n = extensions::threads_xml(self.target.pid(), threads, &mut doc).ok_or(ENOMEM)?;
        // Escaping may double the data: keep the reply within the queue.
        let (prefix, data) = extensions::xfer_reply(&doc[..n], offset, length.min(PACKET_SIZE / 2));
        self.output()?.push_packet(prefix, data).map_err(|_| EIO)
    }
}

impl Proto {
    /// Takes one byte from gdb: packets the crate lacks are answered here
    /// (see [`extensions`]), everything else goes to the state machine.
    fn take(&mut self, byte: u8) -> Result {
        match self.framer.push(byte) {
            Frame::Partial => Ok(()),
            Frame::Pass(bytes) => bytes.iter().try_for_each(|&b| self.stub.feed(b)),
            // gdb sends the packet again; the crate would end the session.
            Frame::BadChecksum => self.stub.output()?.push(b"-").map_err(|_| EIO),
            Frame::Packet(packet) => {
                let body = extensions::body(packet);
                if let Some(reply) = refusal::refusal(body, &LIMITS) {
                    return self.stub.reply(reply, self.no_ack);
                }
                if let Some(request) = extensions::request(body) {
                    return self.stub.answer(request, self.no_ack);
                }
                if self.stub.answer_tls(body, self.no_ack)? {
                    return Ok(());
                }
                if let Some(pid) = process_events::detach_pid(body) {
                    if self.stub.detach_process(pid as i32, self.no_ack)? {
                        return Ok(());
                    }
                }
                if let Some(tid) = extensions::selected_thread(body) {
                    self.stub.current_tid = tid as i32;
                }
                if body.starts_with(b"Hg") {
                    let pid = process_events::selected_process(body).unwrap_or(0);
                    self.stub.target.select_process(pid as i32);
                }
                let supported = body.starts_with(b"qSupported");
                if supported {
                    let events = ProcessEvents::offered_by(body);
                    self.stub.target.tracer.set_process_events(events);
                }
                let no_ack = body == b"QStartNoAckMode";
                packet.iter().try_for_each(|&b| self.stub.feed(b))?;
                if supported {
                    // Without room the reply just announces less.
                    let out = self.stub.output()?;
                    let _ = out.amend_last_packet(extensions::FEATURES)
                        && out.amend_last_packet(process_events::FEATURES);
                }
                self.no_ack |= no_ack;
                Ok(())
            }
        }
    }
}

/// One open device file and the process it debugs.
#[pin_data]
pub(crate) struct Session {
    /// Wakes readers and pollers, for every process of the session.
    pub(crate) waker: Arc<Waker>,
    /// The process the session debugs, as the protocol side last had it
    /// (it changes when gdb follows a forked child), for poll.
    #[pin]
    process: SpinLock<Arc<Tracer>>,
    #[pin]
    proto: Mutex<Proto>,
    /// The state machine waits for the process to stop.
    running: AtomicBool,
    /// Replies wait in the output queue.
    output_pending: AtomicBool,
    /// gdb detached or killed, or the protocol broke: the session is over
    /// once its last reply is read.
    over: AtomicBool,
}

impl Session {
    /// Attaches to every thread of `leader`'s process and has them stop.
    /// The caller then waits for [`Session::all_stopped`].
    pub(crate) fn open(leader: &Task) -> Result<Arc<Self>> {
        let tracer = Tracer::new(sys::tid(leader), Waker::new()?)?;
        if let Err(e) = tracer.attach_all(leader) {
            tracer.detach_all();
            return Err(e);
        }
        match Self::start(tracer.clone()) {
            Ok(session) => Ok(session),
            Err(e) => {
                tracer.detach_all();
                Err(e)
            }
        }
    }

    fn start(tracer: Arc<Tracer>) -> Result<Arc<Self>> {
        let pid = tracer.pid();
        let mut packet = Buffer::new(PACKET_SIZE)?;
        let mut out = Buffer::new(OUTPUT_SIZE)?;
        // Room for a whole packet: `$`, PACKET_SIZE bytes, `#` and the sum.
        let mut frame = Buffer::new(PACKET_SIZE + 4)?;
        // SAFETY: Each buffer is lent once, to the state machine or the
        // framer, which `Proto` drops before the buffers.
        let (packet_buf, out_buf, frame_buf) = unsafe { (packet.lend(), out.lend(), frame.lend()) };
        let mut target = GdbTarget::new(tracer.clone(), pid)?;
        let machine = GdbStubBuilder::new(OutputQueue::new(out_buf))
            .with_packet_buffer(packet_buf)
            .build()
            .map_err(|_| EINVAL)?
            .run_state_machine(&mut target)
            .map_err(|_| EINVAL)?;
        let proto = Proto {
            stub: Stub {
                machine: Some(machine),
                target,
                current_tid: pid,
                symbols: Symbols::default(),
            },
            framer: Framer::new(frame_buf),
            no_ack: false,
            _packet: packet,
            _output: out,
            _frame: frame,
        };
        Arc::pin_init(
            pin_init!(Self {
                waker: tracer.waker.clone(),
                process <- new_spinlock!(tracer),
                proto <- new_mutex!(proto),
                running: AtomicBool::new(false),
                output_pending: AtomicBool::new(false),
                over: AtomicBool::new(false),
            }),
            GFP_KERNEL,
        )
    }

    /// The process the session debugs.
    fn process(&self) -> Arc<Tracer> {
        self.process.lock().clone()
    }

    /// Whether every thread has stopped since the session began.
    pub(crate) fn all_stopped(&self) -> bool {
        self.process().all_threads_stopped()
    }

    /// Updates what poll reports, with the protocol locked.
    fn publish(&self, proto: &mut Proto) {
        let followed = &proto.stub.target.tracer;
        if !Arc::ptr_eq(&self.process(), followed) {
            *self.process.lock() = followed.clone();
        }
        let running = matches!(proto.stub.machine, Some(GdbStubStateMachine::Running(_)));
        let pending = proto
            .stub
            .machine
            .as_mut()
            .is_some_and(|m| !output(m).pending().is_empty());
        self.running.store(running, Ordering::Release);
        self.output_pending.store(pending, Ordering::Release);
        if pending {
            self.waker.wake_all();
        }
    }

    /// Ends the session as gdb asked: `kill` kills the process; `detach`
    /// (and a broken protocol) resumes it, without breakpoints.
    fn finish(&self, proto: &mut Proto) {
        if self.over.swap(true, Ordering::AcqRel) {
            return;
        }
        if proto.stub.disconnect_reason() == Some(DisconnectReason::Kill) {
            proto.stub.target.tracer.kill();
        }
        proto.stub.target.tracer.release();
    }

    /// Handles bytes gdb wrote. `EIO` once the session is over.
    pub(crate) fn write(&self, bytes: &[u8]) -> Result<usize> {
        let mut proto = self.proto.lock();
        if self.over.load(Ordering::Acquire) {
            return Err(EIO);
        }
        let mut result = Ok(bytes.len());
        for &byte in bytes {
            if let Err(e) = proto.take(byte) {
                result = Err(e);
                break;
            }
            if proto.stub.disconnect_reason().is_some() {
                break;
            }
        }
        if result.is_err() || proto.stub.disconnect_reason().is_some() {
            self.finish(&mut proto);
        }
        self.publish(&mut proto);
        result
    }

    /// Reads what the stub has to say: replies, and the process's stop
    /// once it has stopped. `EAGAIN` if nothing yet, 0 once the session
    /// is over and everything was read.
    pub(crate) fn read(&self, buf: &mut [u8]) -> Result<usize> {
        let mut proto = self.proto.lock();
        if !self.over.load(Ordering::Acquire) && proto.stub.report_ready_stop().is_err() {
            self.finish(&mut proto);
        }
        if matches!(
            proto.stub.disconnect_reason(),
            Some(DisconnectReason::TargetExited(_) | DisconnectReason::TargetTerminated(_))
        ) {
            self.finish(&mut proto);
        }
        let n = match proto.stub.machine.as_mut() {
            Some(m) => {
                let out = output(m);
                let n = out.pending().len().min(buf.len());
                buf[..n].copy_from_slice(&out.pending()[..n]);
                out.consume(n);
                n
            }
            None => 0,
        };
        self.publish(&mut proto);
        if n == 0 && !self.over.load(Ordering::Acquire) {
            return Err(EAGAIN);
        }
        Ok(n)
    }

    /// What poll reports, without sleeping: [`READABLE`], [`HUNG_UP`].
    pub(crate) fn status(&self) -> u32 {
        let over = self.over.load(Ordering::Acquire);
        if self.output_pending.load(Ordering::Acquire)
            || (self.running.load(Ordering::Acquire)
                && !over
                && self.process().ready_stop(false).is_some())
        {
            READABLE
        } else if over {
            HUNG_UP
        } else {
            0
        }
    }

    /// The device file is closed: whatever state gdb left, every
    /// breakpoint goes and every thread resumes and is detached.
    pub(crate) fn release(&self) {
        let mut proto = self.proto.lock();
        if !self.over.swap(true, Ordering::AcqRel) {
            proto.stub.target.tracer.release();
        }
        proto.stub.machine = None;
    }
}
