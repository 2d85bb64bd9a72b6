//! Conformance tests of `wrt`. The tests live in `spec.rs` (the spec testsuite, run with
//! `cargo test -p wrt-tests`); this library is empty.

/// The README's Rust example, compiled and run as a doctest so it cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExample;
