//! Build script (runs on the host): compiles guest.wat to wasm with the `wat` crate, puts the
//! linker script in the search path, and fixes the arena size.

use std::env;
use std::fs;
use std::path::PathBuf;

/// The arena the firmware gives wrt, in bytes, unless `WRT_ARENA_SIZE` says otherwise (used to
/// measure the smallest arena that still works).
const DEFAULT_ARENA_SIZE: usize = 80 * 1024;

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));

    let wat = fs::read_to_string("guest.wat").expect("read guest.wat");
    let wasm = wat::parse_str(&wat).unwrap_or_else(|e| panic!("guest.wat: {e}"));
    fs::write(out.join("guest.wasm"), wasm).expect("write guest.wasm");
    println!("cargo:rerun-if-changed=guest.wat");

    fs::copy("memory.x", out.join("memory.x")).expect("copy memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    // cortex-m-rt's linker script (it includes memory.x).
    println!("cargo:rustc-link-arg-bins=-Tlink.x");

    let arena = match env::var("WRT_ARENA_SIZE") {
        Ok(s) => s
            .trim()
            .parse::<usize>()
            .unwrap_or_else(|e| panic!("WRT_ARENA_SIZE={s:?}: {e}")),
        Err(_) => DEFAULT_ARENA_SIZE,
    };
    fs::write(
        out.join("arena_size.rs"),
        format!(
            "/// Bytes of the arena wrt allocates from.\npub const ARENA_SIZE: usize = {arena};\n"
        ),
    )
    .expect("write arena_size.rs");
    println!("cargo:rerun-if-env-changed=WRT_ARENA_SIZE");
}
