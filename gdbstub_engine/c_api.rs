// SPDX-License-Identifier: GPL-2.0

//! The functions transport/utrace_gdb_fs.c calls for each device file
//! (declared in transport/session.h). A session pointer is an
//! `Arc<Session>` turned into a raw pointer by `ugdb_session_open` and
//! back by `ugdb_session_release`.

use crate::session::Session;
use core::ffi::c_void;
use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::task::Task;

/// Borrows the session behind `session`.
///
/// # Safety
///
/// `session` came from [`ugdb_session_open`] and was not released.
unsafe fn session_ref<'a>(session: *mut c_void) -> &'a Session {
    // SAFETY: The caller guarantees the pointer is a live `Arc<Session>`.
    unsafe { &*session.cast::<Session>() }
}

fn ssize(result: Result<usize>) -> isize {
    match result {
        Ok(n) => n as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// Attaches a gdb session to the process of `leader`.
///
/// Returns the session, or an `ERR_PTR`: `EBUSY` if another session has
/// the process, `ESRCH` if it is exiting, `EPERM` for a kernel thread.
///
/// # Safety
///
/// `leader` is a valid task; the caller checked the right to debug it.
#[no_mangle]
unsafe extern "C" fn ugdb_session_open(leader: *mut bindings::task_struct) -> *mut c_void {
    // SAFETY: The caller holds a reference on `leader`; `Task` is a
    // transparent wrapper around `task_struct`.
    let leader = unsafe { &*leader.cast::<Task>() };
    match Session::open(leader) {
        Ok(session) => Arc::into_raw(session).cast_mut().cast(),
        Err(e) if e.to_errno() == -(bindings::EALREADY as i32) => ESRCH.to_ptr(),
        Err(e) => e.to_ptr(),
    }
}

/// The wait queue readers and pollers of the session sleep on.
///
/// # Safety
///
/// `session` is a live session.
#[no_mangle]
unsafe extern "C" fn ugdb_session_waitqueue(
    session: *mut c_void,
) -> *mut bindings::wait_queue_head {
    // SAFETY: The caller guarantees `session` is live.
    unsafe { session_ref(session) }.waker.queue()
}

/// Reads up to `len` bytes of the stub's output into `buf`.
///
/// # Safety
///
/// `session` is a live session; `buf` is valid for `len` bytes.
#[no_mangle]
unsafe extern "C" fn ugdb_session_read(session: *mut c_void, buf: *mut u8, len: usize) -> isize {
    // SAFETY: The caller guarantees `buf` is valid for `len` bytes.
    let buf = unsafe { core::slice::from_raw_parts_mut(buf, len) };
    // SAFETY: The caller guarantees `session` is live.
    ssize(unsafe { session_ref(session) }.read(buf))
}

/// Passes `len` bytes from gdb to the stub.
///
/// # Safety
///
/// `session` is a live session; `buf` is valid for `len` bytes.
#[no_mangle]
unsafe extern "C" fn ugdb_session_write(session: *mut c_void, buf: *const u8, len: usize) -> isize {
    // SAFETY: The caller guarantees `buf` is valid for `len` bytes.
    let buf = unsafe { core::slice::from_raw_parts(buf, len) };
    // SAFETY: The caller guarantees `session` is live.
    ssize(unsafe { session_ref(session) }.write(buf))
}

/// `UGDB_READABLE` and `UGDB_HUNG_UP`, for poll; never sleeps.
///
/// # Safety
///
/// `session` is a live session.
#[no_mangle]
unsafe extern "C" fn ugdb_session_status(session: *mut c_void) -> u32 {
    // SAFETY: The caller guarantees `session` is live.
    unsafe { session_ref(session) }.status()
}

/// Whether every thread of the process has stopped; never sleeps.
///
/// # Safety
///
/// `session` is a live session.
#[no_mangle]
unsafe extern "C" fn ugdb_session_all_stopped(session: *mut c_void) -> bool {
    // SAFETY: The caller guarantees `session` is live.
    unsafe { session_ref(session) }.all_stopped()
}

/// Ends the session: breakpoints removed, threads resumed and detached.
///
/// # Safety
///
/// `session` is a live session, not used again.
#[no_mangle]
unsafe extern "C" fn ugdb_session_release(session: *mut c_void) {
    // SAFETY: The pointer came from `Arc::into_raw` in `ugdb_session_open`
    // and the caller gives up its use.
    let session = unsafe { Arc::from_raw(session.cast::<Session>().cast_const()) };
    session.release();
}
