// Writes the C items of the shared vocabulary (src/vocabulary.rs: the engine settings' setters,
// the error and trap codes) as Rust source into OUT_DIR, where src/config.rs and src/error.rs
// include them; then generates include/wrt.h from this crate with cbindgen (settings in
// cbindgen.toml). cbindgen neither expands macros nor follows `include!`, so it reads a copy of
// src/ in which the generated items stand where they are included.
//
// The header is written to OUT_DIR/wrt.h only: a build never writes into the source tree. The
// test `tests/header.rs` fails when the committed include/wrt.h differs from it and prints the
// one command that refreshes it.
// A build script reports failure by panicking; that is what `expect` does here.
#![allow(clippy::expect_used)]

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "src/vocabulary.rs"]
mod vocabulary;

/// The C setter of every engine setting: a call of its `wrt::Config` method (`set` in
/// src/config.rs does the rest).
macro_rules! c_setters {
    ($( $(#[doc = $doc:literal])* fn $cfn:ident($($arg:ident: $ty:ty)?) => $name:ident; )*) => {{
        let mut out = String::new();
        $(
            $( out.push_str(&format!("///{}\n", $doc)); )*
            out.push_str(&format!(
                "#[no_mangle]\n\
                 pub unsafe extern \"C\" fn {cfn}(\n    \
                     config: *mut wrt_config_t,{params}\n\
                 ) -> *mut wrt_error_t {{\n    \
                     // SAFETY: forwarded API contract on `config`.\n    \
                     unsafe {{ set(config, |c| {{ c.{name}({args}); }}) }}\n\
                 }}\n\n",
                cfn = stringify!($cfn),
                name = stringify!($name),
                params = concat!($("\n    ", stringify!($arg), ": ", stringify!($ty), ",")?),
                args = concat!($(stringify!($arg))?),
            ));
        )*
        out
    }};
}

/// The entries of a list of codes (`wrt_error_codes!`, `wrt_trap_codes!`): each constant's
/// name, value and documentation.
macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $name:ident = $code:literal $(, $word:ident $($core:ident)?)*; )*) => {
        vec![$( (stringify!($name), $code, vec![$($doc),*]) ),*]
    };
}

/// The constants of a list of codes, of C type `ty`.
fn constants(ty: &str, codes: Vec<(&str, u32, Vec<&str>)>) -> String {
    let mut out = String::new();
    for (name, code, doc) in codes {
        for line in doc {
            out.push_str(&format!("///{line}\n"));
        }
        out.push_str(&format!("pub const {name}: {ty} = {code};\n"));
    }
    out
}

/// The files src/ includes from OUT_DIR, with their contents.
fn generated() -> [(&'static str, String); 3] {
    [
        ("config_setters.rs", wrt_config_settings!(c => c_setters)),
        (
            "error_codes.rs",
            constants("wrt_error_code_t", wrt_error_codes!(codes)),
        ),
        (
            "trap_codes.rs",
            constants("wrt_trap_code_t", wrt_trap_codes!(codes)),
        ),
    ]
}

/// Copies the sources in `src` to `to`, each `include!` of a generated file replaced by that
/// file's contents (what cbindgen reads).
fn expanded_copy(src: &Path, to: &Path, generated: &[(&str, String)]) {
    fs::create_dir_all(to).expect("OUT_DIR is writable");
    for entry in fs::read_dir(src).expect("src/ is readable") {
        let path = entry.expect("src/ is readable").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let mut text = fs::read_to_string(&path).expect("the sources are UTF-8");
        for (name, contents) in generated {
            let include = format!("include!(concat!(env!(\"OUT_DIR\"), \"/{name}\"));");
            text = text.replace(&include, contents);
        }
        let file = path.file_name().expect("a file name");
        fs::write(to.join(file), text).expect("OUT_DIR is writable");
    }
}

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");

    let generated = generated();
    for (name, contents) in &generated {
        fs::write(out_dir.join(name), contents).expect("OUT_DIR is writable");
    }
    let expanded = out_dir.join("cbindgen-src");
    expanded_copy(&crate_dir.join("src"), &expanded, &generated);

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("capi/cbindgen.toml is readable and valid");
    let version = env::var("CARGO_PKG_VERSION").expect("CARGO_PKG_VERSION");
    let part = |name: &str| env::var(name).expect("CARGO_PKG_VERSION_* is set");
    config.after_includes = Some(format!(
        "\n/** The version of the API this header describes; compare with `wrt_version()`. */\n\
         #define WRT_VERSION \"{version}\"\n\
         #define WRT_VERSION_MAJOR {}\n\
         #define WRT_VERSION_MINOR {}\n\
         #define WRT_VERSION_PATCH {}\n",
        part("CARGO_PKG_VERSION_MAJOR"),
        part("CARGO_PKG_VERSION_MINOR"),
        part("CARGO_PKG_VERSION_PATCH"),
    ));
    let header = cbindgen::Builder::new()
        .with_src(expanded.join("lib.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let header_file = out_dir.join("wrt.h");
    header.write_to_file(&header_file);
}
