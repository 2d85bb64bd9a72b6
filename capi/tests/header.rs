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

/// The command that refreshes the committed header.
const REFRESH: &str = "WRT_UPDATE_HEADER=1 cargo test -p wrt-capi --test header";

#[test]
fn committed_header_matches_generated() {
    if std::env::var_os("WRT_UPDATE_HEADER").is_some() {
        let written = std::fs::write(committed_path(), GENERATED);
        assert!(written.is_ok(), "include/wrt.h: {written:?}");
        return;
    }
    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    assert!(
        committed == GENERATED,
        "include/wrt.h differs from the header cbindgen generates from capi/ (OUT_DIR/wrt.h). \
         Refresh it with\n\n    {REFRESH}\n\nand commit it."
    );
}

/// Every `WRT_*` name the header's text mentions is one it defines: doc comments name real
/// constants (a rename once turned `WRT_ERROR_TYPE` into `WRT_ERROR_wrt_func_tPE` in four
/// places).
#[test]
fn every_constant_the_header_mentions_exists() {
    let names = |text: &str| -> Vec<String> {
        let mut names = Vec::new();
        let mut rest = text;
        while let Some(at) = rest.find("WRT_") {
            let tail = &rest[at..];
            let len = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            names.push(tail[..len].to_string());
            rest = &tail[len..];
        }
        names
    };
    let defined: std::collections::HashSet<String> = GENERATED
        .lines()
        .filter_map(|line| line.strip_prefix("#define "))
        .flat_map(names)
        .collect();
    let undefined: Vec<String> = names(GENERATED)
        .into_iter()
        .filter(|name| !defined.contains(name) && !name.ends_with('_') && name != "WRT_H")
        .collect();
    assert!(
        undefined.is_empty(),
        "undefined names in wrt.h: {undefined:?}"
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
