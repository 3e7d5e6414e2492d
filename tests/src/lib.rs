//! Workspace-level tests live under `tests/`; this library only compiles the
//! README's Rust example as a doctest, so that the README stays true.

#[doc = include_str!("../../README.md")]
mod readme {}

#[doc = include_str!("../../generated/README.md")]
mod crate_readme {}
