// SPDX-License-Identifier: GPL-2.0

//! The wait queue that readers and pollers of a device file sleep on.

use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::types::Opaque;
use utrace::StopWaiter;

extern "C" {
    /// `init_waitqueue_head`, with its lock class (helpers.c).
    fn ugdb_init_waitqueue(wait: *mut bindings::wait_queue_head);
}

/// Wakes the reader of a device file when the stub has something to say.
///
/// It is reference-counted apart from the session, so that a wake-up the
/// core delivers late (see [`utrace::wake_up_on_stop`]) never touches
/// freed memory.
#[pin_data]
pub(crate) struct Waker {
    #[pin]
    wait: Opaque<bindings::wait_queue_head>,
}

// SAFETY: The wait queue has its own lock; it is made to be shared.
unsafe impl Send for Waker {}
// SAFETY: As above.
unsafe impl Sync for Waker {}

impl Waker {
    pub(crate) fn new() -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(Self {
                // SAFETY: `slot` is valid for the write, and the wait queue
                // is pinned inside the `Arc` from now on.
                wait <- Opaque::ffi_init(|slot| unsafe { ugdb_init_waitqueue(slot) }),
            }),
            GFP_KERNEL,
        )
    }

    /// The wait queue, for the device file's read and poll.
    pub(crate) fn queue(&self) -> *mut bindings::wait_queue_head {
        self.wait.get()
    }

    /// Wakes every reader and poller.
    pub(crate) fn wake_all(&self) {
        // SAFETY: The wait queue was initialised in `new`.
        unsafe {
            bindings::__wake_up(
                self.wait.get(),
                bindings::TASK_NORMAL,
                0,
                core::ptr::null_mut(),
            )
        };
    }
}

impl StopWaiter for Waker {
    fn wake(&self) {
        self.wake_all();
    }
}
