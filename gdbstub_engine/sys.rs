// SPDX-License-Identifier: GPL-2.0

//! Safe wrappers over the C helpers of `helpers.c` and `arch/x86/regs.c`.

use kernel::bindings;
use kernel::prelude::*;
use kernel::task::Task;
use kernel::types::ARef;
use ugdb_arch_x86::debugregs::Piece;
use ugdb_arch_x86::RawRegs;

mod raw {
    use kernel::bindings;

    // `task_struct` only crosses by pointer; `RawRegs` is `repr(C)`.
    #[allow(improper_ctypes)]
    extern "C" {
        pub(super) fn ugdb_thread_group(
            leader: *mut bindings::task_struct,
            out: *mut *mut bindings::task_struct,
            max: core::ffi::c_int,
        ) -> core::ffi::c_int;
        pub(super) fn ugdb_access_vm(
            task: *mut bindings::task_struct,
            addr: core::ffi::c_ulong,
            buf: *mut core::ffi::c_void,
            len: core::ffi::c_int,
            write: bool,
        ) -> core::ffi::c_int;
        pub(super) fn ugdb_read_auxv(
            task: *mut bindings::task_struct,
            buf: *mut core::ffi::c_void,
            offset: core::ffi::c_ulong,
            len: core::ffi::c_int,
        ) -> core::ffi::c_int;
        pub(super) fn ugdb_exec_file(
            task: *mut bindings::task_struct,
            buf: *mut core::ffi::c_char,
            len: core::ffi::c_int,
        ) -> core::ffi::c_int;
        pub(super) fn ugdb_task_tid(task: *mut bindings::task_struct) -> core::ffi::c_int;
        pub(super) fn ugdb_task_comm(
            task: *mut bindings::task_struct,
            buf: *mut core::ffi::c_char,
        ) -> core::ffi::c_int;
        pub(super) fn ugdb_group_exiting(task: *mut bindings::task_struct) -> bool;
        pub(super) fn ugdb_signal_thread(task: *mut bindings::task_struct, sig: core::ffi::c_int);
        pub(super) fn ugdb_arch_read_regs(
            task: *mut bindings::task_struct,
            regs: *mut ugdb_arch_x86::RawRegs,
        ) -> core::ffi::c_int;
        pub(super) fn ugdb_arch_write_regs(
            task: *mut bindings::task_struct,
            regs: *const ugdb_arch_x86::RawRegs,
        ) -> core::ffi::c_int;
        pub(super) fn ugdb_arch_has_avx() -> bool;
        pub(super) fn ugdb_arch_user_pc(task: *mut bindings::task_struct) -> core::ffi::c_ulong;
        pub(super) fn ugdb_arch_set_user_pc(
            task: *mut bindings::task_struct,
            pc: core::ffi::c_ulong,
        );
        pub(super) fn ugdb_arch_hw_register(
            task: *mut bindings::task_struct,
            slot: core::ffi::c_uint,
            addr: core::ffi::c_ulong,
            len: core::ffi::c_uint,
            kind: core::ffi::c_uint,
        ) -> *mut core::ffi::c_void;
        pub(super) fn ugdb_arch_hw_unregister(bp: *mut core::ffi::c_void);
        pub(super) fn ugdb_arch_hw_hits() -> core::ffi::c_uint;
    }
}

fn task_ptr(task: &Task) -> *mut bindings::task_struct {
    // `Task` is a transparent wrapper around `task_struct`.
    (task as *const Task).cast_mut().cast()
}

fn errno(ret: core::ffi::c_int) -> Result {
    if ret < 0 {
        Err(Error::from_errno(ret))
    } else {
        Ok(())
    }
}

/// The live threads of `leader`'s process, referenced.
pub(crate) fn thread_group(leader: &Task) -> Result<KVec<ARef<Task>>> {
    let mut room = 16;
    loop {
        let mut ptrs: KVec<*mut bindings::task_struct> =
            KVec::from_elem(core::ptr::null_mut(), room, GFP_KERNEL)?;
        // SAFETY: `ptrs` has room for `room` pointers; the helper stores
        // at most that many, each with a reference we now own.
        let n = unsafe { raw::ugdb_thread_group(task_ptr(leader), ptrs.as_mut_ptr(), room as i32) };
        let n = n.max(0) as usize;
        let mut threads = KVec::with_capacity(n.min(room), GFP_KERNEL)?;
        for &p in ptrs.iter().take(n.min(room)) {
            // SAFETY: The helper took a reference on `p` for us, which the
            // `ARef` now owns.
            let task = unsafe { ARef::from_raw(core::ptr::NonNull::new_unchecked(p.cast())) };
            threads.push(task, GFP_KERNEL)?;
        }
        if n <= room {
            return Ok(threads);
        }
        room = n + 16;
    }
}

/// Reads `buf.len()` bytes of the process's memory at `addr`; returns how
/// many it could read before an unmapped page.
pub(crate) fn read_memory(task: &Task, addr: u64, buf: &mut [u8]) -> usize {
    access(task, addr, buf.as_mut_ptr(), buf.len(), false)
}

/// Writes `buf` into the process's memory at `addr`, through a private
/// copy of read-only pages; returns how many bytes it wrote.
pub(crate) fn write_memory(task: &Task, addr: u64, buf: &[u8]) -> usize {
    access(task, addr, buf.as_ptr().cast_mut(), buf.len(), true)
}

fn access(task: &Task, addr: u64, buf: *mut u8, len: usize, write: bool) -> usize {
    let mut done = 0;
    while done < len {
        let chunk = (len - done).min(i32::MAX as usize) as i32;
        // SAFETY: `buf[done..done + chunk]` is valid for the access; the
        // helper only writes to it when reading the process.
        let n = unsafe {
            raw::ugdb_access_vm(
                task_ptr(task),
                (addr + done as u64) as core::ffi::c_ulong,
                buf.add(done).cast(),
                chunk,
                write,
            )
        };
        if n <= 0 {
            break;
        }
        done += n as usize;
    }
    done
}

/// Sends `sig` to the thread `task`.
pub(crate) fn signal_thread(task: &Task, sig: i32) {
    // SAFETY: `task` is a valid task; sending a signal needs nothing else.
    unsafe { raw::ugdb_signal_thread(task_ptr(task), sig) }
}

/// Reads the registers of `task`, which is stopped and off its CPU.
pub(crate) fn read_regs(task: &Task, regs: &mut RawRegs) -> Result {
    // SAFETY: `regs` is a valid `RawRegs`, the layout the C side fills.
    errno(unsafe { raw::ugdb_arch_read_regs(task_ptr(task), regs) })
}

/// Writes the registers of `task`, which is stopped and off its CPU.
pub(crate) fn write_regs(task: &Task, regs: &RawRegs) -> Result {
    // SAFETY: As for `read_regs`; the C side only reads `regs`.
    errno(unsafe { raw::ugdb_arch_write_regs(task_ptr(task), regs) })
}

/// The user-mode instruction pointer of the current task.
pub(crate) fn current_pc(task: &Task) -> u64 {
    // SAFETY: The caller passes the current task, whose user registers
    // are saved on its kernel stack.
    unsafe { raw::ugdb_arch_user_pc(task_ptr(task)) as u64 }
}

/// Moves the current task's user-mode instruction pointer.
pub(crate) fn set_current_pc(task: &Task, pc: u64) {
    // SAFETY: As for `current_pc`.
    unsafe { raw::ugdb_arch_set_user_pc(task_ptr(task), pc as core::ffi::c_ulong) }
}

/// Whether threads have AVX registers on this machine.
pub(crate) fn has_avx() -> bool {
    // SAFETY: It only tests a CPU feature.
    unsafe { raw::ugdb_arch_has_avx() }
}

/// Copies the process's auxiliary vector from byte `offset` into `buf`;
/// returns how many bytes, 0 past its end.
pub(crate) fn read_auxv(task: &Task, offset: u64, buf: &mut [u8]) -> Result<usize> {
    let len = buf.len().min(i32::MAX as usize) as i32;
    // SAFETY: `buf` is valid for `len` bytes.
    let n =
        unsafe { raw::ugdb_read_auxv(task_ptr(task), buf.as_mut_ptr().cast(), offset as _, len) };
    errno(n)?;
    Ok(n as usize)
}

/// Puts the path of the process's executable in `buf`; returns its length.
pub(crate) fn exec_file(task: &Task, buf: &mut [u8]) -> Result<usize> {
    let len = buf.len().min(i32::MAX as usize) as i32;
    // SAFETY: `buf` is valid for `len` bytes.
    let n = unsafe { raw::ugdb_exec_file(task_ptr(task), buf.as_mut_ptr().cast(), len) };
    errno(n)?;
    Ok(n as usize)
}

/// The thread ID gdb knows `task` by.
///
/// Not `Task::pid()`: on this tree the Rust view of `task_struct` puts
/// `pid` at another offset than C does (it reads 0), so the field is read
/// in C.
pub(crate) fn tid(task: &Task) -> i32 {
    // SAFETY: `task` is a valid task.
    unsafe { raw::ugdb_task_tid(task_ptr(task)) }
}

/// Whether `task`'s whole process is on its way out: every thread dies,
/// those held in a stop too.
pub(crate) fn group_exiting(task: &Task) -> bool {
    // SAFETY: `task` is a valid task, and so is its signal_struct while
    // the task is referenced.
    unsafe { raw::ugdb_group_exiting(task_ptr(task)) }
}

/// One debug register of one thread, set through the kernel's
/// hw_breakpoint; dropping it clears it.
pub(crate) struct HwBreakpoint(core::ptr::NonNull<core::ffi::c_void>);

// SAFETY: The hw_breakpoint may be unregistered from any task.
unsafe impl Send for HwBreakpoint {}

impl HwBreakpoint {
    /// Sets debug register `slot` of `task` to `piece`. `ENOSPC` if the
    /// thread's debug registers are taken by ptrace or perf.
    pub(crate) fn register(task: &Task, slot: usize, piece: Piece) -> Result<Self> {
        // SAFETY: `task` is a valid task; the helper checks the rest.
        let bp = unsafe {
            raw::ugdb_arch_hw_register(
                task_ptr(task),
                slot as core::ffi::c_uint,
                piece.addr as core::ffi::c_ulong,
                piece.len.into(),
                piece.kind as core::ffi::c_uint,
            )
        };
        let bp = kernel::error::from_err_ptr(bp)?;
        core::ptr::NonNull::new(bp).map(Self).ok_or(ENODEV)
    }
}

impl Drop for HwBreakpoint {
    fn drop(&mut self) {
        // SAFETY: The pointer came from `ugdb_arch_hw_register` and is
        // unregistered once, here.
        unsafe { raw::ugdb_arch_hw_unregister(self.0.as_ptr()) }
    }
}

/// The debug registers (a mask of slots) whose hit sent the current
/// thread the SIGTRAP it is reporting; meaningful only for a SIGTRAP
/// from a debug exception (`TRAP_HWBKPT` or `TRAP_TRACE`).
pub(crate) fn hw_hits() -> u8 {
    // SAFETY: It reads the current thread's virtual DR6.
    (unsafe { raw::ugdb_arch_hw_hits() } & 0xf) as u8
}

/// The number of the system call the thread with user registers `regs`
/// is in, -1 if none.
pub(crate) fn syscall_nr(regs: &mut utrace::UserRegs<'_>) -> i64 {
    regs.raw().orig_ax as i64
}

/// Puts the name of thread `task` (as in /proc/PID/task/TID/comm) in
/// `buf`; returns its length.
pub(crate) fn comm(task: &Task, buf: &mut [u8; 16]) -> usize {
    // SAFETY: `buf` has room for TASK_COMM_LEN (16) bytes.
    let n = unsafe { raw::ugdb_task_comm(task_ptr(task), buf.as_mut_ptr().cast()) };
    (n.max(0) as usize).min(buf.len())
}
