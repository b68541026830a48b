//! Anchor for `cargo metadata`; see Cargo.toml. Nothing here is built
//! into the kernel.
#![no_std]
