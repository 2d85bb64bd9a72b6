//! Chooses the interpreter's dispatch (see src/engine/exec/dispatch.rs).
//!
//! Handlers pass control to each other by tail calls only when LLVM is sure to turn those calls
//! into jumps: optimised builds (opt-level 2, 3, "s" or "z") for x86_64 and aarch64, where the
//! handler signature fits in argument registers. Everywhere else handlers return to a loop.
//! `WRT_DISPATCH=loop` forces the loop (to test it in an optimised build).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(wrt_tail_dispatch)");
    println!("cargo::rerun-if-env-changed=WRT_DISPATCH");
    println!("cargo::rerun-if-changed=build.rs");
    let opt = std::env::var("OPT_LEVEL").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let forced_loop = std::env::var("WRT_DISPATCH").is_ok_and(|v| v == "loop");
    let optimised = matches!(opt.as_str(), "2" | "3" | "s" | "z");
    if optimised && matches!(arch.as_str(), "x86_64" | "aarch64") && !forced_loop {
        println!("cargo::rustc-cfg=wrt_tail_dispatch");
    }
}
