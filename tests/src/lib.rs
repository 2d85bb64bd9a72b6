//! Conformance tests of `wrt`. The tests live in `spec.rs` (the spec testsuite, run with
//! `cargo test -p wrt-tests`); this library is empty.
