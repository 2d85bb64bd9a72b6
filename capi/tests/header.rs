//! The committed C header must be exactly what cbindgen generates from this crate, and must
//! compile as strict C99.

use std::path::Path;
use std::process::Command;

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/wrt.h"));

fn committed_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("include")
        .join("wrt.h")
}

#[test]
fn committed_header_matches_generated() {
    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    assert!(
        committed == GENERATED,
        "include/wrt.h differs from the header cbindgen generates from capi/. Build capi \
         without CI or WRT_CHECK_HEADER set (cargo build -p wrt-capi) to regenerate it, then \
         commit it."
    );
}

#[test]
fn header_compiles_as_strict_c99() {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let dir = std::env::temp_dir().join(format!("wrt-header-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_default();
    let src = dir.join("check.c");
    std::fs::write(
        &src,
        "#include \"wrt.h\"\nint main(void) { return wrt_version() == 0; }\n",
    )
    .unwrap_or_default();
    let include = Path::new(env!("OUT_DIR"));
    let status = Command::new(&cc)
        .args([
            "-std=c99",
            "-Wall",
            "-Wextra",
            "-pedantic",
            "-Werror",
            "-fsyntax-only",
        ])
        .arg("-I")
        .arg(include)
        .arg(&src)
        .status();
    let _ = std::fs::remove_dir_all(&dir);
    match status {
        // No C compiler on this machine: nothing to check here (the CMake build checks it).
        Err(_) => eprintln!("skipped: no C compiler `{cc}`"),
        Ok(s) => assert!(s.success(), "wrt.h does not compile as strict C99"),
    }
}
