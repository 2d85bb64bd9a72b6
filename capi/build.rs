// Generates include/wrt.h from this crate with cbindgen (settings in cbindgen.toml).
//
// The header is written to OUT_DIR/wrt.h on every build. It is also copied to the committed
// include/wrt.h when that differs, unless CI or WRT_CHECK_HEADER is set: then the committed file
// is left alone and the test `tests/header.rs` fails if it is out of date.
// A build script reports failure by panicking; that is what `expect` does here.
#![allow(clippy::expect_used)]

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-env-changed=CI");
    println!("cargo:rerun-if-env-changed=WRT_CHECK_HEADER");

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
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let generated = out_dir.join("wrt.h");
    header.write_to_file(&generated);

    let check_only = env::var_os("CI").is_some() || env::var_os("WRT_CHECK_HEADER").is_some();
    if !check_only {
        let committed = crate_dir.join("..").join("include").join("wrt.h");
        let new = fs::read(&generated).expect("generated header is readable");
        if fs::read(&committed).ok().as_deref() != Some(new.as_slice()) {
            fs::create_dir_all(committed.parent().expect("include/ has a parent"))
                .expect("include/ can be created");
            fs::write(&committed, new).expect("include/wrt.h is writable");
        }
    }
}
