//! The type stubs of the bindings (bindings/python/python/wrt/_wrt.pyi and bindings/node/index.d.ts)
//! list the engine settings and the codes of the C API. Those lists are written from the C API's
//! own (`wrt_config_settings!`, `wrt_error_codes!` and `wrt_trap_codes!` in capi/src/vocabulary.rs)
//! between `BEGIN GENERATED` and `END GENERATED` lines; this test fails when they are out of date,
//! and rewrites them when run with `WRT_UPDATE_STUBS=1`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::PathBuf;

use wrt_bindings_common::{Config, ErrorKind, SettingKind, TRAP_CODES};

const REFRESH: &str = "WRT_UPDATE_STUBS=1 cargo test -p wrt-bindings-common --test stubs";

fn bindings_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Replaces what stands between the marker lines of `section` in `file` with `lines`, or checks
/// that it is that already.
fn check(file: &str, comment: &str, section: &str, lines: &str) {
    let path = bindings_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let begin = format!("{comment} BEGIN GENERATED: {section}\n");
    let end = format!("{comment} END GENERATED: {section}\n");
    let start = text.find(&begin).expect("the begin marker") + begin.len();
    let stop = start + text[start..].find(&end).expect("the end marker");
    // The end marker's indentation.
    let stop = text[..stop].rfind('\n').map_or(stop, |i| i + 1);
    if &text[start..stop] == lines {
        return;
    }
    if std::env::var_os("WRT_UPDATE_STUBS").is_some() {
        let updated = format!("{}{lines}{}", &text[..start], &text[stop..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    panic!("{file}: the {section} are out of date; refresh them with `{REFRESH}`");
}

#[test]
fn python_stubs_list_every_setting_and_code() {
    let mut attributes = String::new();
    let mut arguments = String::new();
    for s in Config::SETTINGS {
        let (ty, default) = match s.kind {
            SettingKind::Flag => ("bool", "False"),
            SettingKind::Bool => ("Optional[bool]", "None"),
            SettingKind::Int => ("Optional[int]", "None"),
        };
        writeln!(attributes, "    {}: {ty}", s.name).unwrap();
        writeln!(attributes, "    \"\"\"{}\"\"\"", s.doc).unwrap();
        writeln!(arguments, "        {}: {ty} = {default},", s.name).unwrap();
    }
    let settings = format!(
        "{attributes}    def __init__(\n        self,\n        *,\n{arguments}    ) -> None: ...\n"
    );
    check(
        "python/python/wrt/_wrt.pyi",
        "    #",
        "engine settings",
        &settings,
    );

    let mut codes = String::new();
    for kind in ErrorKind::ALL {
        writeln!(codes, "{}: int", kind.code_name()).unwrap();
    }
    for (name, _) in TRAP_CODES {
        writeln!(codes, "{name}: int").unwrap();
    }
    check("python/python/wrt/_wrt.pyi", "#", "codes", &codes);
}

#[test]
fn node_stubs_list_every_setting() {
    let mut settings = String::new();
    for s in Config::SETTINGS {
        let ty = match s.kind {
            SettingKind::Flag | SettingKind::Bool => "boolean",
            SettingKind::Int => "number",
        };
        writeln!(settings, "  /** {} */", s.doc).unwrap();
        writeln!(settings, "  {}?: {ty};", s.camel_case_name()).unwrap();
    }
    check("node/index.d.ts", "  //", "engine settings", &settings);
}
