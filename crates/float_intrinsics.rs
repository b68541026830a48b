// SPDX-License-Identifier: GPL-2.0

//! Soft-float helpers for registry crates, which must never be called.
//!
//! The kernel has no floating point. num-traits implements its traits for
//! `f32` and `f64` and those impls are compiled in even though nothing in
//! the kernel calls them; they refer to compiler soft-float helpers that
//! the kernel does not provide. Kbuild renames those references in every
//! registry crate's object (`objcopy --redefine-sym`, as `rust/Makefile`
//! does for `core`) to the functions below. They report a kernel bug, which
//! fails every test run, and return zero. The list must match
//! `kcrate_float_intrinsics` in Kbuild; a mismatch fails the link.

const __LOG_PREFIX: &[u8] = b"utrace_gdb\0";

macro_rules! float_intrinsics_reporting_bug {
    ($($name:ident => $export:literal,)*) => {
        $(
            #[doc(hidden)]
            #[export_name = $export]
            pub extern "C" fn $name() -> u64 {
                kernel::pr_err!("BUG: {} called: floating point in a registry crate\n", $export);
                0
            }
        )*
    };
}

float_intrinsics_reporting_bug! {
    adddf3 => "__utrace_gdb__adddf3",
    addsf3 => "__utrace_gdb__addsf3",
    divdf3 => "__utrace_gdb__divdf3",
    divsf3 => "__utrace_gdb__divsf3",
    floatsidf => "__utrace_gdb__floatsidf",
    floatsisf => "__utrace_gdb__floatsisf",
    floatunsidf => "__utrace_gdb__floatunsidf",
    floatunsisf => "__utrace_gdb__floatunsisf",
    gedf2 => "__utrace_gdb__gedf2",
    gesf2 => "__utrace_gdb__gesf2",
    gtdf2 => "__utrace_gdb__gtdf2",
    gtsf2 => "__utrace_gdb__gtsf2",
    ledf2 => "__utrace_gdb__ledf2",
    lesf2 => "__utrace_gdb__lesf2",
    ltdf2 => "__utrace_gdb__ltdf2",
    ltsf2 => "__utrace_gdb__ltsf2",
    muldf3 => "__utrace_gdb__muldf3",
    mulsf3 => "__utrace_gdb__mulsf3",
    nedf2 => "__utrace_gdb__nedf2",
    nesf2 => "__utrace_gdb__nesf2",
    subdf3 => "__utrace_gdb__subdf3",
    subsf3 => "__utrace_gdb__subsf3",
}
